/*
 * bench-fit.c - time the EM fits of the reference data in-process
 * (read the histogram, build the initial mixture, fit, write JSON), as
 * `flowmodels fit` does:
 *   length.csv -y flows/packets/octets -i 400 -U 6 -L 4   (target < 0.2 s)
 *   size.csv   -y flows -i 400 -L 8                       (target < 0.5 s)
 * Usage: bench-fit [DATA_DIR] (default $FM_SHARED_DATA or ../shared/data).
 * Runs with 1 thread and with all CPUs; prints wall and CPU seconds per
 * fit and the peak RSS.  For whole-process
 * figures run bench/bench-fit.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/fit.h"

static double now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int run(const char *data, const char *file, enum fm_hcol y, unsigned U,
	       unsigned L, unsigned threads)
{
	char path[4096];
	struct fm_histogram h;
	struct fm_mixture m;
	struct fm_error err = {0};
	struct fm_fit_opts o = {.max_iter = 400, .threads = threads};
	double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	int r;

	snprintf(path, sizeof(path),
		 "%s/agh_2015061019_IPv4_anon/histograms/all/%s", data, file);
	fm_histogram_init(&h);
	fm_mixture_init(&m);
	r = fm_histogram_read(&h, path, FM_HCOL_BIT(y), NULL, &err);
	if (r == 0)
		r = fm_fit_initial(&m, h.bin_lo[0], h.bin_lo[h.n - 1], U, 0, L,
				   &err);
	if (r == 0)
		r = fm_fit_histogram(&m, &h, y, &o, &err);
	if (r == 0)
		r = fm_mixture_write(&m, "/dev/null", &err);
	if (r < 0) {
		fprintf(stderr, "bench-fit: %s\n", err.msg);
		return 1;
	}
	printf("fit %-10s -y %-7s -i 400 -U %u -L %u --threads %u: %zu bins, "
	       "%.3f s wall, %.3f s cpu\n",
	       file, fm_hcol_name(y), U, L, threads, h.n,
	       now(CLOCK_MONOTONIC) - t0, now(CLOCK_PROCESS_CPUTIME_ID) - c0);
	fm_mixture_release(&m);
	fm_histogram_release(&h);
	return 0;
}

int main(int argc, char **argv)
{
	const char *data = argc > 1 ? argv[1] : getenv("FM_SHARED_DATA");
	struct rusage ru;
	int bad = 0;

	if (!data || !*data)
		data = "../shared/data";
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned tc[2] = {1, ncpu > 1 ? (unsigned)ncpu : 1};
	for (int i = 0; i < (tc[1] > 1 ? 2 : 1); i++) {
		bad |= run(data, "length.csv", FM_HCOL_FLOWS, 6, 4, tc[i]);
		bad |= run(data, "length.csv", FM_HCOL_PACKETS, 6, 4, tc[i]);
		bad |= run(data, "length.csv", FM_HCOL_OCTETS, 6, 4, tc[i]);
		bad |= run(data, "size.csv", FM_HCOL_FLOWS, 0, 8, tc[i]);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %ld KiB\n", ru.ru_maxrss);
	return bad;
}

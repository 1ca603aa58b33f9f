/*
 * bench-hist.c - in-process throughput of fm_hist over a binary dataset:
 *     bench-hist DIR [REPS] [THREADS]
 * For each configuration (x, bin exponent, extra columns, threads) runs
 * the whole histogram REPS times (default 5) and prints the best wall
 * time, records/s, the best CPU time of all threads together and the
 * process's peak RSS so far.  The best of several
 * runs filters out the noise of a shared machine.  bench-hist.sh runs this
 * and times the whole `flowmodels hist` process too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"

static double clock_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static int run(const char *dir, const char *label, enum fm_hist_x x, int b,
	       const enum fm_hist_col *cols, size_t ncols, int threads,
	       int reps)
{
	double best = 1e9, bestcpu = 1e9;
	uint64_t n = 0;
	size_t nbins = 0;

	for (int r = 0; r < reps; r++) {
		struct fm_hist_opts o;
		struct fm_hist *h;
		struct fm_histogram res;
		struct fm_error err = {0};
		struct fm_cut cut;
		const char *dirs[1] = {dir};
		double t0 = now(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);

		memset(&o, 0, sizeof(o));
		o.x = x;
		o.bin_exp = b;
		o.ncols = ncols;
		if (ncols)
			memcpy(o.cols, cols, ncols * sizeof(*cols));
		o.threads = threads;
		fm_cut_init(&cut);
		if (fm_hist_new(&h, &o, &err) < 0 ||
		    fm_hist_add_binary(h, dirs, 1, &cut, &n, &err) < 0 ||
		    fm_hist_result(h, &res, &err) < 0) {
			fprintf(stderr, "bench-hist: %s\n", err.msg);
			return 1;
		}
		nbins = res.n;
		fm_histogram_release(&res);
		fm_hist_free(h);
		double t = now() - t0,
		       c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (t < best)
			best = t;
		if (c < bestcpu)
			bestcpu = c;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%-44s threads %d: %8.1f ms  %7.1f M records/s  cpu %7.1f ms  "
	       "%6zu bins  peak RSS %.1f MiB\n",
	       label, threads, best * 1e3, (double)n / best * 1e-6,
	       bestcpu * 1e3, nbins, (double)ru.ru_maxrss / 1024.0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	/* the extra columns alone and in pairs show what each one costs */
	static const struct {
		const char *label;
		enum fm_hist_col cols[3];
		size_t n;
	} extras[] = {
	    {"-x length -b 12 -c duration", {FM_HIST_COL_DURATION}, 1},
	    {"-x length -b 12 -c aggs", {FM_HIST_COL_AGGS}, 1},
	    {"-x length -b 12 -c rate", {FM_HIST_COL_RATE}, 1},
	    {"-x length -b 12 -c duration -c aggs",
	     {FM_HIST_COL_DURATION, FM_HIST_COL_AGGS},
	     2},
	    {"-x length -b 12 -c duration -c rate",
	     {FM_HIST_COL_DURATION, FM_HIST_COL_RATE},
	     2},
	    {"-x length -b 12 -c duration -c rate -c aggs",
	     {FM_HIST_COL_DURATION, FM_HIST_COL_RATE, FM_HIST_COL_AGGS},
	     3},
	};
	int reps = argc > 2 ? atoi(argv[2]) : 5;
	int threads = argc > 3 ? atoi(argv[3]) : 0;
	int r = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-hist DIR [REPS] [THREADS]\n");
		return 2;
	}
	for (int t = 0; t < 2 && r == 0; t++) {
		int th = t == 0 ? 1 : threads; /* 0 = all CPUs */
		r |= run(argv[1], "-x length -b 12", FM_HIST_X_LENGTH, 12, NULL,
			 0, th, reps);
		r |= run(argv[1], "-x size -b 12", FM_HIST_X_SIZE, 12, NULL, 0,
			 th, reps);
		r |= run(argv[1], "-x length -b 0", FM_HIST_X_LENGTH, 0, NULL,
			 0, th, reps);
		for (size_t e = 0; e < sizeof(extras) / sizeof(*extras); e++)
			r |= run(argv[1], extras[e].label, FM_HIST_X_LENGTH, 12,
				 extras[e].cols, extras[e].n, th, reps);
		r |= run(argv[1], "-x duration -b 12", FM_HIST_X_DURATION, 12,
			 NULL, 0, th, reps);
		r |= run(argv[1], "-x rate -b 12", FM_HIST_X_RATE, 12, NULL, 0,
			 th, reps);
	}
	return r;
}

/*
 * bench-nfcapd.c - decoding speed of an input format alone: read every
 * record of the inputs through fm_reader (all 21 columns, nothing
 * written) and print records, wall time, M records/s, peak RSS, and the
 * CPU time of this process (the figure that matters on a shared machine;
 * the nfdump path's child process is not in it).
 *     bench-nfcapd [-i FORMAT] [-r REPEAT] INPUT...   (default nfcapd, 1)
 * The best of REPEAT passes is reported (files are in the page cache after
 * the first).  Used by bench/bench-nfcapd.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "flowmodels/io.h"

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct fm_reader_opts o = {FM_FORMAT_NFCAPD, FM_ALL_FIELDS, NULL, 0};
	int repeat = 1, a = 1;
	double best = 1e30, best_cpu = 1e30;
	uint64_t total = 0, check = 0;

	while (a + 1 < argc && argv[a][0] == '-') {
		if (strcmp(argv[a], "-i") == 0 &&
		    fm_format_parse(argv[a + 1], &o.format) == 0)
			a += 2;
		else if (strcmp(argv[a], "-r") == 0 && atoi(argv[a + 1]) > 0)
			repeat = atoi(argv[a + 1]), a += 2;
		else
			break;
	}
	if (a >= argc) {
		fprintf(
		    stderr,
		    "usage: bench-nfcapd [-i FORMAT] [-r REPEAT] INPUT...\n");
		return 2;
	}
	for (int r = 0; r < repeat; r++) {
		struct fm_reader *rd;
		struct fm_batch b;
		struct fm_error err;
		long n;
		double t0 = now(), c0 = cpu();
		total = 0;
		if (fm_reader_open(&rd, &o, (const char *const *)argv + a,
				   (size_t)(argc - a), &err) < 0) {
			fprintf(stderr, "bench-nfcapd: %s\n", err.msg);
			return 1;
		}
		while ((n = fm_reader_next(rd, &b, FM_BATCH_CAP, &err)) > 0) {
			total += (uint64_t)n;
			check += (uint64_t)b.col[FM_OCTETS][n - 1];
		}
		fm_reader_free(rd);
		if (n < 0) {
			fprintf(stderr, "bench-nfcapd: %s\n", err.msg);
			return 1;
		}
		double t = now() - t0, c = cpu() - c0;
		if (t < best)
			best = t;
		if (c < best_cpu)
			best_cpu = c;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf(
	    "decode %-27s %8.3f s  %9.2f M records/s  peak RSS %8.1f MiB  (cpu "
	    "%.3f s = %.2f M records/cpu-s; %llu records, check %llx)\n",
	    fm_format_name(o.format), best, (double)total / best / 1e6,
	    (double)ru.ru_maxrss / 1024.0, best_cpu,
	    (double)total / best_cpu / 1e6, (unsigned long long)total,
	    (unsigned long long)(check & 0xffff));
	return 0;
}

/*
 * bench-filter.c - throughput of filter evaluation alone.
 *
 *   bench-filter [-b] [-e EXPR] [N]        N random records in memory (default
 * 8M) bench-filter [-b] [-e EXPR] BINARY_DIR read a binary dataset (only the
 *                                          columns the filter names)
 * -b forces the baseline (SSE2) kernels instead of the CPU's best.
 *
 * Default expression: (prot==6) & ((sp==443) | (dp==443)).  Prints
 * records/s for three cases: "hot" (one FM_BATCH_CAP batch evaluated over
 * and over: the data is in cache, as in fm_scan where the reader has just
 * decoded the batch), "cold" (N records streamed from RAM), and, for a
 * binary directory, the filter's share of a real scan.  Also peak RSS.
 * Times are CPU time of the thread (on a busy machine wall time would
 * measure the other processes too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "flowmodels/filter.h"
#include "flowmodels/io.h"

/* CPU time of this thread: the machine may be shared, and the figure
 * wanted is the throughput of one core. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t gen_value(int f, uint64_t *s)
{
	uint64_t r = rnd(s);
	switch (f) {
	case FM_AF:
		return 2;
	case FM_PROT:
		return r % 10 < 7 ? 6 : 17;
	case FM_SP:
	case FM_DP:
		return r % 5 == 0 ? 443 : (int64_t)(r % 65536);
	case FM_FIRST:
	case FM_LAST:
		return 1433962800 + (int64_t)(r % 3600);
	case FM_FIRST_MS:
	case FM_LAST_MS:
		return (int64_t)(r % 1000);
	case FM_PACKETS:
		return 1 + (int64_t)(r % 100);
	case FM_OCTETS:
		return 40 + (int64_t)(r % 100000);
	default:
		return (int64_t)(r & 0xffffffff);
	}
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	const char *expr = "(prot==6) & ((sp==443) | (dp==443))";
	const char *dir = NULL;
	int baseline = 0;
	size_t n = 8u << 20;
	struct fm_error err = {0};
	struct fm_filter *f;
	struct fm_filter_run *run;
	uint32_t *idx;
	uint64_t seed = 1, kept = 0;
	double t0, t;
	int i = 1;

	for (;;) {
		if (i + 1 < argc && strcmp(argv[i], "-e") == 0) {
			expr = argv[i + 1];
			i += 2;
		} else if (i < argc && strcmp(argv[i], "-b") == 0) {
			baseline = 1; /* force the baseline kernels */
			i++;
		} else {
			break;
		}
	}
	if (i < argc) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			dir = argv[i];
		else
			n = strtoull(argv[i], NULL, 0);
	}
	if (fm_filter_compile(&f, expr, NULL, &err) < 0 ||
	    fm_filter_run_new(&run, f, &err) < 0) {
		fprintf(stderr, "bench-filter: %s\n", err.msg);
		return 1;
	}
	if (baseline)
		fm_filter_run_use_baseline(run);
	idx = malloc(FM_BATCH_CAP * sizeof(*idx));
	printf("filter: %s (%zu instructions, %s kernels)\n", expr,
	       fm_filter_program_size(f), fm_filter_run_isa(run));

	/* hot: one batch, in cache */
	{
		struct fm_batch b;
		if (fm_batch_alloc(&b, fm_filter_fields(f), FM_BATCH_CAP) < 0 ||
		    !idx)
			return 1;
		b.n = FM_BATCH_CAP;
		for (int c = 0; c < FM_NFIELDS; c++)
			if (fm_filter_fields(f) & FM_FIELD_BIT(c))
				for (size_t k = 0; k < b.n; k++)
					fm_batch_mut(&b, c)[k] =
					    gen_value(c, &seed);
		size_t reps = 2000;
		kept = 0;
		t0 = now();
		for (size_t r = 0; r < reps; r++)
			kept += (uint64_t)fm_filter_select(run, &b, idx);
		t = now() - t0;
		printf("hot  (one %d-record batch in cache): %.0f M records/s "
		       "(%zu records, %.3f s, kept %.1f%%)\n",
		       FM_BATCH_CAP, (double)reps * b.n / t / 1e6, reps * b.n,
		       t, 100.0 * (double)kept / ((double)reps * b.n));
		fm_batch_release(&b);
	}

	if (!dir) {
		/* cold: N records streamed from memory, batch by batch */
		int64_t *cols[FM_NFIELDS] = {0};
		for (int c = 0; c < FM_NFIELDS; c++) {
			if (!(fm_filter_fields(f) & FM_FIELD_BIT(c)))
				continue;
			cols[c] = malloc(n * sizeof(int64_t));
			if (!cols[c])
				return 1;
			for (size_t k = 0; k < n; k++)
				cols[c][k] = gen_value(c, &seed);
		}
		kept = 0;
		t0 = now();
		for (size_t off = 0; off < n; off += FM_BATCH_CAP) {
			struct fm_batch b;
			memset(&b, 0, sizeof(b));
			b.n = n - off < FM_BATCH_CAP ? n - off : FM_BATCH_CAP;
			b.fields = fm_filter_fields(f);
			for (int c = 0; c < FM_NFIELDS; c++)
				b.col[c] = cols[c] ? cols[c] + off : NULL;
			kept += (uint64_t)fm_filter_select(run, &b, idx);
		}
		t = now() - t0;
		printf("cold (%zu records from RAM, %d columns of int64): %.0f "
		       "M records/s "
		       "(%.3f s, kept %.1f%%)\n",
		       n, __builtin_popcount(fm_filter_fields(f)),
		       (double)n / t / 1e6, t,
		       100.0 * (double)kept / (double)n);
		for (int c = 0; c < FM_NFIELDS; c++)
			free(cols[c]);
	} else {
		struct fm_reader *rd;
		struct fm_reader_opts ro = {FM_FORMAT_BINARY,
					    fm_filter_fields(f), NULL, 0};
		const char *paths[1] = {dir};
		struct fm_batch b;
		double tf = 0;
		uint64_t total = 0;
		long got;
		if (fm_reader_open(&rd, &ro, paths, 1, &err) < 0) {
			fprintf(stderr, "bench-filter: %s\n", err.msg);
			return 1;
		}
		kept = 0;
		t0 = now();
		while ((got = fm_reader_next(rd, &b, FM_BATCH_CAP, &err)) > 0) {
			double t1 = now();
			kept += (uint64_t)fm_filter_select(run, &b, idx);
			tf += now() - t1;
			total += (uint64_t)got;
		}
		t = now() - t0;
		if (got < 0) {
			fprintf(stderr, "bench-filter: %s\n", err.msg);
			return 1;
		}
		printf(
		    "%s: %llu records, scan+filter %.3f s (%.0f M records/s), "
		    "filter alone %.3f s (%.0f M records/s), kept %llu\n",
		    dir, (unsigned long long)total, t, (double)total / t / 1e6,
		    tf, (double)total / tf / 1e6, (unsigned long long)kept);
		fm_reader_free(rd);
	}
	printf("peak RSS: %ld MiB\n", peak_rss_kb() / 1024);
	free(idx);
	fm_filter_run_free(run);
	fm_filter_free(f);
	return 0;
}

/*
 * fuzz-filter.c - libFuzzer target for the filter language: the input up
 * to the first newline is the expression (parse + compile); when it
 * compiles, it is evaluated over a small batch of records holding edge
 * values (0, 1, -1, INT64_MIN, INT64_MAX, ...) plus values taken from the
 * rest of the input, with both kernel sets.  Must never crash, leak, hit
 * undefined behaviour, or disagree between the kernel sets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NREC 600 /* more than one evaluation block, with a tail */

/*
 * The records: edge values, with every third one taken from rest instead.
 * Harness code, not instrumented for coverage (it would only slow every
 * input down: it costs as much as evaluating the filter).
 */
__attribute__((no_sanitize("coverage"))) static void
fill_records(struct fm_batch *b, const uint8_t *rest, size_t nrest)
{
	static const int64_t edge[] = {0,
				       1,
				       -1,
				       2,
				       6,
				       17,
				       443,
				       1000,
				       65535,
				       INT64_MIN,
				       INT64_MAX,
				       4294967295LL,
				       INT64_C(1) << 62,
				       -7};

	b->n = NREC;
	for (size_t i = 0; i < NREC; i++)
		for (int c = 0; c < FM_NFIELDS; c++) {
			size_t k = i * FM_NFIELDS + (size_t)c;
			int64_t v = edge[(i * 7 + (size_t)c * 3) %
					 (sizeof(edge) / sizeof(edge[0]))];
			if (nrest && (i + (size_t)c) % 3 == 0) {
				v = (int64_t)rest[k % nrest] - 64;
				if (rest[(k + 1) % nrest] & 1)
					v *= 1000003;
			}
			fm_batch_mut(b, c)[i] = v;
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t elen = nl ? (size_t)(nl - data) : size;
	const uint8_t *rest = nl ? nl + 1 : data + size;
	size_t nrest = (size_t)(data + size - rest);
	struct fm_filter *f;
	struct fm_filter_run *r1, *r2;
	struct fm_error err;
	static struct fm_batch b; /* allocated once */
	char *expr;
	static uint32_t idx1[NREC], idx2[NREC];

	if (elen > 4096)
		return 0;
	expr = malloc(elen + 1);
	if (!expr)
		return 0;
	memcpy(expr, data, elen);
	expr[elen] = '\0';
	if (fm_filter_compile(&f, expr, NULL, &err) < 0) {
		free(expr);
		return 0;
	}
	free(expr);
	if (!b.store && fm_batch_alloc(&b, FM_ALL_FIELDS, NREC) < 0)
		abort();
	fill_records(&b, rest, nrest);
	if (fm_filter_run_new(&r1, f, &err) == 0) {
		if (fm_filter_run_new(&r2, f, &err) == 0) {
			fm_filter_run_use_baseline(r2);
			long k1 = fm_filter_select(r1, &b, idx1);
			long k2 = fm_filter_select(r2, &b, idx2);
			if (k1 != k2 || k1 < 0 || k1 > NREC ||
			    memcmp(idx1, idx2, (size_t)k1 * sizeof(idx1[0])) !=
				0 ||
			    fm_filter_run_errors(r1) !=
				fm_filter_run_errors(r2))
				abort();
			fm_filter_run_free(r2);
		}
		fm_filter_run_free(r1);
	}
	fm_filter_free(f);
	return 0;
}

/*
 * test-prefetch.c - binary inputs read through fm_scan map their pages
 * ahead of the reader in a thread (fm_binary_source_prefetch, inputs of
 * 32 MiB or more): the records must be those a plain reader gives, for a
 * whole scan, a scan that skips most of the input (the thread jumps
 * ahead), and scans closed early while the thread runs (no hang, no
 * leak).  Two inputs: the thread of the first ends with its source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/io.h"
#include "testutil.h"

enum { N = 480000 }; /* 74 bytes a record: about 34 MiB */

static const char *make_input(void)
{
	static char dir[4200];
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY};
	struct fm_writer *w;
	struct fm_error err;
	struct fm_batch b;
	uint64_t seed = 11;

	snprintf(dir, sizeof(dir), "%s", tu_path("big.bin"));
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	for (size_t done = 0; done < N; done += b.n) {
		b.n = N - done < FM_BATCH_CAP ? N - done : FM_BATCH_CAP;
		for (size_t i = 0; i < b.n; i++)
			tu_random_record(&b, i, &seed);
		assert_int_equal(fm_writer_write(w, &b, &err), 0);
	}
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	fm_batch_release(&b);
	return dir;
}

/* A hash of every value of records [from, from + n) of the inputs, read
 * by a plain reader (no prefetch). */
static uint64_t plain_hash(const char *const *dirs, size_t ndirs, uint64_t from,
			   uint64_t n)
{
	struct fm_reader_opts ro = {.format = FM_FORMAT_BINARY,
				    .fields = FM_ALL_FIELDS};
	struct fm_reader *r;
	struct fm_batch b;
	struct fm_error err;
	uint64_t h = 1469598103934665603ULL, at = 0;
	long k;

	assert_int_equal(fm_reader_open(&r, &ro, dirs, ndirs, &err), 0);
	while ((k = fm_reader_next(r, &b, FM_BATCH_CAP, &err)) > 0) {
		for (long i = 0; i < k; i++, at++)
			if (at >= from && at < from + n)
				for (int f = 0; f < FM_NFIELDS; f++)
					h = (h ^ (uint64_t)b.col[f][i]) *
					    1099511628211ULL;
	}
	assert_int_equal(k, 0);
	fm_reader_free(r);
	return h;
}

/* The same through fm_scan with skip_in/count_in; stops after stop
 * records when stop > 0 (the scan is freed with the thread running). */
static uint64_t scan_hash(const char *const *dirs, size_t ndirs, int64_t skip,
			  int64_t count, uint64_t stop)
{
	struct fm_scan_opts so;
	struct fm_scan *s;
	struct fm_batch b;
	struct fm_error err;
	uint64_t h = 1469598103934665603ULL, seen = 0;
	long k;

	memset(&so, 0, sizeof(so));
	so.reader.format = FM_FORMAT_BINARY;
	so.reader.fields = FM_ALL_FIELDS;
	fm_cut_init(&so.cut);
	so.cut.skip_in = skip;
	if (count >= 0)
		so.cut.count_in = count;
	assert_int_equal(fm_scan_open(&s, &so, dirs, ndirs, &err), 0);
	while ((k = fm_scan_next(s, &b, &err)) > 0) {
		for (long i = 0; i < k; i++)
			for (int f = 0; f < FM_NFIELDS; f++)
				h = (h ^ (uint64_t)b.col[f][i]) *
				    1099511628211ULL;
		seen += (uint64_t)k;
		if (stop && seen >= stop)
			break;
	}
	assert_true(k >= 0);
	fm_scan_free(s);
	return h;
}

static void test_prefetch(void **state)
{
	(void)state;
	const char *dir = make_input();
	const char *two[] = {dir, dir};

	/* whole scans, one input and two */
	assert_true(scan_hash(&dir, 1, 0, -1, 0) == plain_hash(&dir, 1, 0, N));
	assert_true(scan_hash(two, 2, 0, -1, 0) ==
		    plain_hash(two, 2, 0, 2 * N));
	/* most of the input skipped, then a part of it, across the inputs */
	assert_true(scan_hash(two, 2, N - 1000, 5000, 0) ==
		    plain_hash(two, 2, N - 1000, 5000));
	assert_true(scan_hash(&dir, 1, 400000, -1, 0) ==
		    plain_hash(&dir, 1, 400000, N - 400000));
	/* closed early, the thread still ahead */
	for (int i = 0; i < 5; i++)
		scan_hash(&dir, 1, 0, -1, 20000);
	scan_hash(&dir, 1, 0, 10, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prefetch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

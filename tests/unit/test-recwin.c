/*
 * test-recwin.c - windows of a binary record directory (recwin.h) against
 * the simple way: every record read into memory, the filter applied to
 * all of them, and the window cut out of that.  Windows forward,
 * backward and at random, with and without a filter, across the
 * checkpoint steps and the end.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "flowmodels/io.h"
#include "flowmodels/recwin.h"

#define N 40000 /* records: several batches and checkpoint steps */

static struct fm_batch all;
static const char *dir;

static int setup(void **state)
{
	struct fm_writer_opts wo = {FM_FORMAT_BINARY, NULL, 1, FM_NFCAPD_NONE};
	struct fm_error err = {0};
	struct fm_writer *w;
	uint64_t seed = 42;

	(void)state;
	dir = strdup(tu_path("d"));
	if (fm_batch_alloc(&all, FM_ALL_FIELDS, N) < 0)
		return -1;
	for (size_t i = 0; i < N; i++)
		tu_random_record(&all, i, &seed);
	all.n = N;
	/* written in pieces of at most a batch */
	if (fm_writer_open(&w, &wo, dir, &err) < 0)
		return -1;
	for (size_t at = 0; at < N; at += FM_BATCH_CAP) {
		struct fm_batch part;
		size_t k = N - at < FM_BATCH_CAP ? N - at : FM_BATCH_CAP;
		fm_batch_alloc(&part, FM_ALL_FIELDS, k);
		fm_batch_copy_range(&part, &all, at, k);
		if (fm_writer_write(w, &part, &err) < 0)
			return -1;
		fm_batch_release(&part);
	}
	if (fm_writer_commit(w, &err) < 0)
		return -1;
	fm_writer_free(w);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fm_batch_release(&all);
	free((char *)dir);
	return 0;
}

/* Check window [first, first+n) of w against the kept records. */
static struct fm_batch got; /* the windows read (released per test) */

static void check_window(struct fm_recwin *w, const uint32_t *kept, long nk,
			 uint64_t first, size_t n)
{
	struct fm_error err = {0};
	long r = fm_recwin_read(w, first, n, &got, &err);
	long want =
	    first >= (uint64_t)nk
		? 0
		: (long)((uint64_t)nk - first < n ? (uint64_t)nk - first : n);

	assert_int_equal(r, want);
	for (long j = 0; j < r; j++)
		for (int f = 0; f < FM_NFIELDS; f++)
			if (got.fields & FM_FIELD_BIT(f))
				assert_int_equal(
				    got.col[f][j],
				    all.col[f][kept[first + (uint64_t)j]]);
	if (first + n >= (uint64_t)nk) /* reached the end: total known */
		assert_int_equal(fm_recwin_total(w), nk);
}

static void windows(const char *filter)
{
	struct fm_error err = {0};
	struct fm_recwin *w;
	uint32_t *kept = malloc(N * sizeof(*kept));
	uint64_t seed = 7;
	long nk = N;

	assert_non_null(kept);
	if (filter)
		nk = tu_run_filter(filter, &all, kept, NULL);
	else
		for (uint32_t i = 0; i < N; i++)
			kept[i] = i;
	assert_true(nk > 3 * FM_RECWIN_STEP); /* several checkpoints */
	assert_int_equal(fm_recwin_open(&w, dir, filter,
					FM_FIELD_BIT(FM_SP) |
					    FM_FIELD_BIT(FM_PACKETS) |
					    FM_FIELD_BIT(FM_FIRST),
					&err),
			 0);
	assert_int_equal(fm_recwin_total(w), -1);
	/* backwards from far in (no checkpoints yet), then forwards */
	check_window(w, kept, nk, (uint64_t)nk - 100, 50);
	for (uint64_t f = (uint64_t)nk; f-- > 0;)
		if (f % 997 == 0)
			check_window(w, kept, nk, f, 30);
	for (uint64_t f = 0; f < (uint64_t)nk; f += 3001)
		check_window(w, kept, nk, f, 60);
	/* at random, around the steps and over the end */
	for (int i = 0; i < 200; i++) {
		uint64_t f = tu_rand(&seed) % (uint64_t)(nk + 50);
		check_window(w, kept, nk, f, 1 + tu_rand(&seed) % 80);
	}
	check_window(w, kept, nk, FM_RECWIN_STEP - 1, 2);
	check_window(w, kept, nk, 2 * FM_RECWIN_STEP, 1);
	check_window(w, kept, nk, (uint64_t)nk, 10);
	fm_recwin_free(w);
	fm_batch_release(&got);
	free(kept);
}

static void test_plain(void **state)
{
	(void)state;
	windows(NULL);
}

static void test_filtered(void **state)
{
	(void)state;
	windows("prot == 6 and packets > 3");
}

static void test_bad_filter(void **state)
{
	struct fm_error err = {0};
	struct fm_recwin *w = (struct fm_recwin *)1;

	(void)state;
	assert_true(fm_recwin_open(&w, dir, "prot ==", FM_ALL_FIELDS, &err) <
		    0);
	assert_null(w);
	assert_true(err.msg[0] != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_filtered),
	    cmocka_unit_test(test_bad_filter),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

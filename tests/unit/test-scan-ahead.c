/*
 * test-scan-ahead.c - a scan read ahead in a thread (scan-ahead.c) gives
 * what the scan read directly gives: the same records in the same order
 * (every field), the same counts, the same error after the same records,
 * the same position after each batch, a cancellation through progress;
 * it can be freed at any point (the reading thread blocked on a full
 * ring, or still reading); and top over it (fm_top_add_scan, which sizes
 * its tables by the records foretold from the first batch) equals top
 * over the scan read directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/flowtext.h"
#include "flowmodels/scan-ahead.h"
#include "flowmodels/top.h"
#include "testutil.h"

#define ALL_FIELDS ((uint32_t)((1ULL << FM_NFIELDS) - 1))

/* Every record a scan emits, column by column, and how it ended. */
struct taken {
	int64_t *v[FM_NFIELDS];
	size_t n, cap;
	long end;
	struct fm_error err;
	uint64_t read, emitted;
	uint64_t pos[4096]; /* the scan's bytes consumed after each batch */
	size_t batches;
};

static void take(struct taken *t, const struct fm_batch *b)
{
	if (t->n + b->n > t->cap) {
		t->cap = (t->n + b->n) * 2;
		for (int f = 0; f < FM_NFIELDS; f++)
			assert_non_null(t->v[f] = realloc(
					    t->v[f], t->cap * sizeof(int64_t)));
	}
	for (int f = 0; f < FM_NFIELDS; f++) {
		assert_non_null(b->col[f]);
		memcpy(t->v[f] + t->n, b->col[f], b->n * sizeof(int64_t));
	}
	t->n += b->n;
}

static void taken_free(struct taken *t)
{
	for (int f = 0; f < FM_NFIELDS; f++)
		free(t->v[f]);
}

/* keep the records with an odd packet count */
static const struct fm_selector odd_sel = {FM_FIELD_BIT(FM_PACKETS),
					   tu_select_odd_packets, NULL};

/* cancel after this many progress reports */
static int cancel_after;
static int count_down(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	(void)done;
	(void)total;
	return --cancel_after <= 0;
}
static const struct fm_progress cancelling = {count_down, NULL};

static void open_scan(struct fm_scan **s, const char *path,
		      const struct fm_cut *cut, const struct fm_selector *sel,
		      const struct fm_progress *progress)
{
	struct fm_scan_opts o;
	struct fm_error err = {0};

	memset(&o, 0, sizeof(o));
	o.reader.format = FM_FORMAT_CSV_FLOW;
	o.reader.fields = ALL_FIELDS;
	if (cut)
		o.cut = *cut;
	else
		fm_cut_init(&o.cut);
	o.selector = sel;
	o.progress = progress;
	int r = fm_scan_open(s, &o, &path, 1, &err);
	if (r < 0)
		fail_msg("%s", err.msg);
}

/*
 * Read path through a scan: `via` 0 with fm_scan_next, else through
 * fm_scan_ahead with `via` threads (1: in this thread, 2: ahead).
 */
static void run(struct taken *t, int via, const char *path,
		const struct fm_cut *cut, const struct fm_selector *sel,
		const struct fm_progress *progress)
{
	struct fm_scan *s;
	struct fm_scan_ahead *a = NULL;
	struct fm_batch b;
	long got;

	memset(t, 0, sizeof(*t));
	open_scan(&s, path, cut, sel, progress);
	if (via) {
		assert_int_equal(fm_scan_ahead_start(&a, s, via, &t->err), 0);
		assert_int_equal(fm_scan_ahead_threaded(a), via > 1);
	}
	while ((got = via ? fm_scan_ahead_next(a, &b, &t->err)
			  : fm_scan_next(s, &b, &t->err)) > 0) {
		assert_int_equal((size_t)got, b.n);
		take(t, &b);
		uint64_t done, total;
		if (via)
			fm_scan_ahead_position(a, &done, &total);
		else
			fm_scan_position(s, &done, &total);
		assert_true(t->batches < 4096);
		t->pos[t->batches++] = done;
	}
	/* the end stays the end */
	if (via && got == 0)
		assert_int_equal(fm_scan_ahead_next(a, &b, NULL), 0);
	t->end = got;
	fm_scan_ahead_free(a);
	fm_scan_counts(s, &t->read, &t->emitted);
	fm_scan_free(s);
}

static void same(const struct taken *x, const struct taken *y)
{
	assert_int_equal(x->end, y->end);
	assert_string_equal(x->err.msg, y->err.msg);
	assert_int_equal(x->n, y->n);
	assert_int_equal(x->read, y->read);
	assert_int_equal(x->emitted, y->emitted);
	assert_int_equal(x->batches, y->batches);
	assert_memory_equal(x->pos, y->pos, x->batches * sizeof(x->pos[0]));
	for (int f = 0; f < FM_NFIELDS; f++)
		assert_memory_equal(x->v[f], y->v[f], x->n * sizeof(int64_t));
}

static void compare(const char *path, const struct fm_cut *cut,
		    const struct fm_selector *sel)
{
	struct taken direct, via;

	run(&direct, 0, path, cut, sel, NULL);
	for (int threads = 1; threads <= 2; threads++) {
		run(&via, threads, path, cut, sel, NULL);
		same(&direct, &via);
		taken_free(&via);
	}
	taken_free(&direct);
}

static void test_same_records(void **state)
{
	const char *path = tu_path("flows.csv");
	struct fm_cut cut;

	(void)state;
	/* several batches of FM_BATCH_CAP, the last one short */
	tu_random_csv(path, 5 * FM_BATCH_CAP + 123, 7, NULL);
	compare(path, NULL, NULL);
	compare(path, NULL, &odd_sel);
	fm_cut_init(&cut);
	cut.skip_in = 1000;
	cut.count_in = 3 * FM_BATCH_CAP;
	cut.skip_out = 17;
	cut.count_out = FM_BATCH_CAP + 5;
	compare(path, &cut, &odd_sel);
	cut.count_out = 0;
	compare(path, &cut, NULL);
	tu_write_file(path, "");
	compare(path, NULL, NULL);
}

/* A bad line after some batches: the same records, then the same error. */
static void test_same_error(void **state)
{
	const char *good = tu_path("good.csv"), *bad = tu_path("bad.csv");
	struct taken direct, ahead;
	size_t len;
	char *text;

	(void)state;
	tu_random_csv(good, 3 * FM_BATCH_CAP + 10, 9, NULL);
	text = tu_read_file(good, &len);
	FILE *fp = fopen(bad, "w");
	assert_non_null(fp);
	fwrite(text, 1, len, fp);
	fputs("1,2,3\n", fp);
	fclose(fp);
	free(text);
	run(&direct, 0, bad, NULL, NULL, NULL);
	run(&ahead, 2, bad, NULL, NULL, NULL);
	assert_true(direct.end < 0);
	assert_non_null(strstr(direct.err.msg, "bad.csv"));
	same(&direct, &ahead);
	taken_free(&direct);
	taken_free(&ahead);
}

static void test_cancel(void **state)
{
	const char *path = tu_path("cancel.csv");
	struct taken direct, ahead;

	(void)state;
	tu_random_csv(path, 6 * FM_BATCH_CAP, 11, NULL);
	cancel_after = 5;
	run(&direct, 0, path, NULL, NULL, &cancelling);
	cancel_after = 5;
	run(&ahead, 2, path, NULL, NULL, &cancelling);
	assert_int_equal(direct.end, FM_ECANCEL);
	assert_true(direct.n > 0);
	same(&direct, &ahead);
	taken_free(&direct);
	taken_free(&ahead);
}

/* Freed with the reader blocked on a full ring, mid-way, or never read. */
static void test_free_early(void **state)
{
	const char *path = tu_path("early.csv");
	struct fm_scan *s;
	struct fm_scan_ahead *a;
	struct fm_error err = {0};
	struct fm_batch b;

	(void)state;
	tu_random_csv(path, 20 * FM_BATCH_CAP, 13, NULL);
	for (int taken = 0; taken < 3; taken++) {
		open_scan(&s, path, NULL, NULL, NULL);
		assert_int_equal(fm_scan_ahead_start(&a, s, 2, &err), 0);
		for (int i = 0; i < taken; i++)
			assert_true(fm_scan_ahead_next(a, &b, &err) > 0);
		fm_scan_ahead_free(a);
		fm_scan_free(s);
	}
	fm_scan_ahead_free(NULL);
}

/* top over a scan, read ahead or not: the same groups in the same order */
static void test_top(void **state)
{
	const char *path = tu_path("top.csv");
	static const char *const specs[] = {"sa", "sa,dp", "port", "prot"};

	(void)state;
	tu_random_csv(path, 4 * FM_BATCH_CAP + 99, 15, NULL);
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct fm_top_keys k;
		struct fm_top *t[2];
		struct fm_top_row *rows[2];
		struct fm_error err = {0};
		long n[2];

		assert_int_equal(fm_top_keys_parse(specs[i], &k, &err), 0);
		for (int threads = 1; threads <= 2; threads++) {
			struct fm_scan *s;
			open_scan(&s, path, NULL, NULL, NULL);
			assert_int_equal(fm_top_new(&t[threads - 1], &k, &err),
					 0);
			assert_int_equal(
			    fm_top_add_scan(t[threads - 1], s, threads, &err),
			    0);
			fm_scan_free(s);
			n[threads - 1] =
			    fm_top_result(t[threads - 1], FM_TOP_OCTETS, 0,
					  &rows[threads - 1], &err);
			assert_true(n[threads - 1] > 0);
		}
		assert_int_equal(n[0], n[1]);
		for (long j = 0; j < n[0]; j++) {
			for (int q = 0; q < k.n; q++) {
				char a[FM_TEXT_MAX], b[FM_TEXT_MAX];
				fm_top_key_text(t[0], &rows[0][j], q, 0, a);
				fm_top_key_text(t[1], &rows[1][j], q, 0, b);
				assert_string_equal(a, b);
			}
			assert_int_equal(rows[0][j].flows, rows[1][j].flows);
			assert_int_equal(rows[0][j].packets,
					 rows[1][j].packets);
			assert_int_equal(rows[0][j].octets, rows[1][j].octets);
		}
		for (int j = 0; j < 2; j++) {
			free(rows[j]);
			fm_top_free(t[j]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_records),
	    cmocka_unit_test(test_same_error),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_free_early),
	    cmocka_unit_test(test_top),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

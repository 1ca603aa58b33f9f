/*
 * test-table.c - the workbench table's model (src/tui/table.c): sorting
 * against qsort of the same rows (ties by the tie columns, then arrival),
 * rows added into a sorted table, the cursor following its row, and the
 * window of rows fetched on demand (which rows it asks for, how often,
 * and that every row in view is the one the source has there).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* A row of the reference: values and arrival. */
struct ref {
	double v[3];
	unsigned seq;
};
static int ref_col, ref_desc;
static int ref_cmp(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;
	double x = a->v[ref_col], y = b->v[ref_col];

	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1; /* NaN last; two NaN are equal */
	if (x != y && !isnan(x))
		return (ref_desc ? x > y : x < y) ? -1 : 1;
	if (a->v[2] != b->v[2]) /* the tie column */
		return a->v[2] < b->v[2] ? -1 : 1;
	return a->seq < b->seq ? -1 : 1;
}

static struct tui_table *numbers_table(struct ref *ref, unsigned n,
				       uint64_t *seed)
{
	struct tui_table *tb = tui_table_new(TABLE_TOP, "t");

	assert_non_null(tb);
	assert_int_equal(tui_table_add_col(tb, "a", 1, 'a', 1), 0);
	assert_int_equal(tui_table_add_col(tb, "b", 1, 'b', 0), 1);
	assert_int_equal(tui_table_add_col(tb, "tie", 1, 0, 0), 2);
	tb->tie[tb->ntie++] = 2;
	for (unsigned i = 0; i < n; i++) {
		char t[3][32];
		const char *cells[3] = {t[0], t[1], t[2]};
		ref[i].seq = i;
		ref[i].v[0] = (double)(tu_rand(seed) % 7); /* many ties */
		ref[i].v[1] = tu_rand(seed) % 11 == 0
				  ? NAN
				  : (double)(tu_rand(seed) % 50);
		ref[i].v[2] = (double)(tu_rand(seed) % 3);
		for (int c = 0; c < 3; c++)
			snprintf(t[c], sizeof(t[c]), "%u", i);
		assert_int_equal(tui_table_add_row(tb, cells, ref[i].v), 0);
	}
	return tb;
}

/* The table's display order equals qsort's of the reference. */
static void check_order(const struct tui_table *tb, struct ref *ref, unsigned n,
			int col, int desc)
{
	struct ref *s = malloc(n * sizeof(*s));

	memcpy(s, ref, n * sizeof(*s));
	ref_col = col;
	ref_desc = desc;
	qsort(s, n, sizeof(*s), ref_cmp);
	assert_int_equal(tui_table_count(tb), n);
	for (unsigned i = 0; i < n; i++) {
		const struct tui_table_row *r = tui_table_row_at(tb, i);
		assert_non_null(r);
		assert_int_equal(atoi(r->cell[0]), s[i].seq);
	}
	free(s);
}

static void test_sort(void **state)
{
	uint64_t seed = 3;
	struct ref ref[300];
	struct tui_table *tb;

	(void)state;
	tb = numbers_table(ref, 300, &seed);
	/* arrival order until sorted */
	for (unsigned i = 0; i < 300; i++)
		assert_int_equal(atoi(tui_table_row_at(tb, i)->cell[0]), i);
	assert_int_equal(tui_table_sort_key(tb, 'a'), 0); /* its own: desc */
	check_order(tb, ref, 300, 0, 1);
	assert_int_equal(tui_table_sort_key(tb, 'a'), 0); /* again: asc */
	check_order(tb, ref, 300, 0, 0);
	assert_int_equal(tui_table_sort_key(tb, 'b'), 1); /* NaN last */
	check_order(tb, ref, 300, 1, 0);
	assert_int_equal(tui_table_sort_key(tb, 'z'), -1);
	tui_table_free(tb);
}

/* Rows added to a sorted table take their places; the cursor keeps its
 * row (or the first row). */
static void test_add_sorted(void **state)
{
	uint64_t seed = 9;
	struct ref ref[200];
	struct tui_table *tb = tui_table_new(TABLE_SELECT, "t");

	(void)state;
	tui_table_add_col(tb, "a", 1, 'a', 0);
	tui_table_add_col(tb, "b", 1, 0, 0);
	tui_table_add_col(tb, "tie", 1, 0, 0);
	tb->tie[tb->ntie++] = 2;
	tui_table_sort(tb, 0, 0);
	for (unsigned i = 0; i < 200; i++) {
		char t[32];
		const char *cells[3] = {t, t, t};
		const char *at_cursor = NULL;
		uint64_t was = 0;
		ref[i].seq = i;
		ref[i].v[0] = (double)(tu_rand(&seed) % 20);
		ref[i].v[1] = 0;
		ref[i].v[2] = (double)(tu_rand(&seed) % 4);
		snprintf(t, sizeof(t), "%u", i);
		if (i > 5) {
			tb->cur = tu_rand(&seed) % i;
			at_cursor = tui_table_row_at(tb, tb->cur)->cell[0];
			was = tb->cur;
		}
		assert_int_equal(tui_table_add_row(tb, cells, ref[i].v), 0);
		if (at_cursor && was == 0) /* stays on the first row */
			assert_int_equal(tb->cur, 0);
		else if (at_cursor)
			assert_string_equal(
			    tui_table_row_at(tb, tb->cur)->cell[0], at_cursor);
	}
	check_order(tb, ref, 200, 0, 0);
	tui_table_free(tb);
}

/* A source of N rows "row K"; counts what was asked. */
struct src {
	uint64_t n, asked_first, asked_n;
	int calls;
};
static long fetch(void *ctx, struct tui_table *tb, uint64_t first, size_t n,
		  uint64_t *total, char *err, size_t errsize)
{
	struct src *s = ctx;
	long got = 0;

	(void)total;
	(void)err;
	(void)errsize;
	s->calls++;
	s->asked_first = first;
	s->asked_n = n;
	for (uint64_t i = first; i < first + n && i < s->n; i++, got++) {
		char t[32];
		const char *cells[1] = {t};
		snprintf(t, sizeof(t), "row %llu", (unsigned long long)i);
		assert_int_equal(tui_table_put(tb, cells), 0);
	}
	return got;
}

/* Every row in view is there and is the source's row of that index. */
static void check_view(struct tui_table *tb, int page)
{
	uint64_t n = tui_table_count(tb);

	assert_int_equal(tui_table_view(tb, page), 0);
	assert_true(tb->cur >= tb->top && tb->cur < tb->top + (uint64_t)page);
	for (uint64_t i = tb->top; i < tb->top + (uint64_t)page && i < n; i++) {
		char want[32];
		const struct tui_table_row *r = tui_table_row_at(tb, i);
		assert_non_null(r);
		snprintf(want, sizeof(want), "row %llu", (unsigned long long)i);
		assert_string_equal(r->cell[0], want);
	}
}

static void test_source(void **state)
{
	struct src s = {1000000, 0, 0, 0};
	struct tui_table_source src = {fetch, &s, NULL};
	struct tui_table *tb = tui_table_new(TABLE_RECORDS, "r");
	const int page = 20;
	int calls;

	(void)state;
	tui_table_add_col(tb, "text", 0, 0, 0);
	tui_table_set_source(tb, &src, 0, s.n);
	assert_int_equal(tui_table_sort_key(tb, 'a'), -1); /* not sortable */
	check_view(tb, page);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.asked_first, 0);
	assert_true(s.asked_n <=
		    4 * (uint64_t)page); /* a window, not the data */
	/* moving inside the window fetches nothing */
	for (int i = 0; i < page; i++) {
		tui_table_move(tb, TABLE_DOWN, page);
		check_view(tb, page);
	}
	assert_int_equal(s.calls, 1);
	/* paging down fetches a window at a time */
	for (int i = 0; i < 100; i++) {
		tui_table_move(tb, TABLE_PAGE_DOWN, page);
		check_view(tb, page);
	}
	calls = s.calls;
	assert_true(calls > 1 && calls <= 60);
	/* the end: one fetch, near the end only */
	tui_table_move(tb, TABLE_END, page);
	check_view(tb, page);
	assert_int_equal(tb->cur, s.n - 1);
	assert_true(s.asked_first + 4 * (uint64_t)page >= s.n);
	assert_int_equal(s.calls, calls + 1);
	/* back up by pages from the end, and home */
	for (int i = 0; i < 30; i++) {
		tui_table_move(tb, TABLE_PAGE_UP, page);
		check_view(tb, page);
	}
	tui_table_move(tb, TABLE_HOME, page);
	check_view(tb, page);
	assert_int_equal(tb->top, 0);
	tui_table_free(tb);
}

/* A limit (-n) and a source shorter than announced. */
static void test_source_ends(void **state)
{
	struct src s = {57, 0, 0, 0};
	struct tui_table_source src = {fetch, &s, NULL};
	struct tui_table *tb = tui_table_new(TABLE_RECORDS, "r");

	(void)state;
	tui_table_add_col(tb, "text", 0, 0, 0);
	tui_table_set_source(tb, &src, 30, 57);
	assert_int_equal(tui_table_count(tb), 30);
	tui_table_move(tb, TABLE_END, 10);
	check_view(tb, 10);
	assert_int_equal(tb->cur, 29);
	tui_table_free(tb);

	tb = tui_table_new(TABLE_RECORDS, "r");
	tui_table_add_col(tb, "text", 0, 0, 0);
	tui_table_set_source(tb, &src, 0, 100); /* announced 100, has 57 */
	tui_table_move(tb, TABLE_END, 10);
	assert_int_equal(tui_table_view(tb, 10), 0);
	assert_int_equal(tui_table_count(tb), 57);
	check_view(tb, 10);
	assert_int_equal(tb->cur, 56);
	tui_table_free(tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sort),
	    cmocka_unit_test(test_add_sorted),
	    cmocka_unit_test(test_source),
	    cmocka_unit_test(test_source_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-select.c - the library side of select, gof and compare that the
 * command-line tests cannot reach: the grid parser's accepted forms, rows
 * handed to on_row as fits finish, cancel through the progress callback
 * with several threads, ranking ties, and gof/compare on inputs they must
 * reject.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "flowmodels/compare.h"
#include "flowmodels/gof.h"
#include "flowmodels/select.h"
#include "testutil.h"

static void test_grid(void **state)
{
	struct fm_select_grid g;
	struct fm_error err = {0};

	(void)state;
	assert_int_equal(fm_select_grid_parse("U=0..6,L=1..8,P=0..2", &g, &err),
			 0);
	assert_int_equal(g.lo[FM_SEL_U], 0);
	assert_int_equal(g.hi[FM_SEL_U], 6);
	assert_int_equal(g.lo[FM_SEL_L], 1);
	assert_int_equal(g.hi[FM_SEL_L], 8);
	assert_int_equal(g.hi[FM_SEL_P], 2);
	assert_int_equal(fm_select_grid_size(&g), 7 * 8 * 3);
	assert_int_equal(fm_select_grid_parse("L=3", &g, &err), 0);
	assert_int_equal(g.lo[FM_SEL_L], 3);
	assert_int_equal(g.hi[FM_SEL_U], 0);
	assert_int_equal(fm_select_grid_size(&g), 1);
	assert_int_equal(fm_select_grid_parse("P=1..1,U=2", &g, &err), 0);
	assert_int_equal(g.lo[FM_SEL_P], 1);
	assert_int_equal(g.lo[FM_SEL_U], 2);
	assert_int_equal(fm_select_grid_parse("U=", &g, &err), FM_EINVAL);
	assert_int_equal(fm_select_grid_parse("U=1..", &g, &err), FM_EINVAL);
	assert_int_equal(fm_select_grid_parse("U=1..2..3", &g, &err),
			 FM_EINVAL);
	assert_int_equal(fm_select_grid_parse(",U=1", &g, &err), FM_EINVAL);
	assert_int_equal(fm_select_grid_parse("u=1", &g, &err), FM_EINVAL);
	assert_int_equal(fm_select_grid_parse("U=-1", &g, &err), FM_EINVAL);
}

/* A histogram of x = 1..200 with weights of a power law. */
static void make_hist(struct fm_histogram *h)
{
	enum fm_hcol cols[1] = {FM_HCOL_FLOWS};

	assert_int_equal(fm_histogram_setup(h, cols, 1, NULL), 0);
	for (int x = 1; x <= 200; x++) {
		assert_int_equal(fm_histogram_add_bin(h, x, x + 1, NULL), 0);
		h->flows[h->n - 1] = (uint64_t)(100000 / (x * x) + 3);
	}
}

struct watch {
	int rows;
	int skipped;
	int calls;
	pthread_t caller;   /* on_row runs on the calling thread */
	unsigned last_skip; /* grid position of the last skipped row + 1 */
	unsigned seen[64];  /* per grid position: rows reported */
	double bic[64];	    /* the reported figures */
	int cancel_after;
	uint64_t last_done;
};

/* Grid position of a structure of test_rows_and_cancel's grid
 * (U=0..2, L=1..2, P=0..1: U, then L, then P). */
static unsigned grid_pos(const struct fm_select_row *row)
{
	return (row->U * 2 + (row->L - 1)) * 2 + row->P;
}

static void on_row(void *ctx, const struct fm_select_row *row)
{
	struct watch *w = ctx;
	unsigned pos = grid_pos(row);

	assert_true(pthread_equal(pthread_self(), w->caller));
	assert_true(pos < 64);
	w->seen[pos]++;
	if (row->skipped) {
		assert_int_equal(w->rows, 0); /* skipped ones come first */
		assert_true(pos + 1 > w->last_skip); /* in grid order */
		w->last_skip = pos + 1;
		assert_non_null(strstr(row->reason, "Pareto"));
		w->skipped++;
		return;
	}
	assert_true(row->iterations > 0);
	w->bic[pos] = row->bic;
	w->rows++;
}

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct watch *w = ctx;

	assert_true(done <= total);
	assert_true(done >= w->last_done);
	w->last_done = done;
	w->calls++;
	return w->cancel_after && w->calls >= w->cancel_after;
}

static void test_rows_and_cancel(void **state)
{
	struct fm_histogram h;
	struct fm_select_grid g;
	struct fm_select_opts o;
	struct fm_select_result res;
	struct fm_progress pr;
	struct watch w;
	struct fm_error err = {0};

	(void)state;
	fm_histogram_init(&h);
	make_hist(&h);
	fm_select_result_init(&res);
	assert_int_equal(fm_select_grid_parse("U=0..2,L=1..2,P=0..1", &g, &err),
			 0);
	memset(&o, 0, sizeof(o));
	memset(&w, 0, sizeof(w));
	w.caller = pthread_self();
	o.max_iter = 20;
	o.threads = 3;
	o.xk = FM_MIX_X_LENGTH;
	o.on_row = on_row;
	o.ctx = &w;
	pr.fn = on_progress;
	pr.ctx = &w;
	o.progress = &pr;
	assert_int_equal(fm_select_run(&h, FM_HCOL_FLOWS, &g, &o, &res, &err),
			 0);
	assert_int_equal(res.n, 12);
	assert_int_equal(res.nrank, 10); /* U=0 with P=1: 2 skipped */
	assert_int_equal(w.rows, 10);
	assert_int_equal(w.skipped, 2);
	/* every structure reported once, with the result's figures */
	for (size_t i = 0; i < res.n; i++) {
		unsigned pos = grid_pos(&res.rows[i]);
		assert_int_equal(w.seen[pos], 1);
		if (!res.rows[i].skipped)
			assert_true(w.bic[pos] == res.rows[i].bic);
	}
	for (size_t i = 1; i < res.nrank; i++)
		assert_true(res.rows[res.rank[i - 1]].bic <=
			    res.rows[res.rank[i]].bic);
	fm_select_result_release(&res);

	/* a cancel from the first progress report: FM_ECANCEL, nothing kept */
	memset(&w, 0, sizeof(w));
	w.caller = pthread_self();
	w.cancel_after = 1;
	o.max_iter = 100000;
	assert_int_equal(fm_select_run(&h, FM_HCOL_FLOWS, &g, &o, &res, &err),
			 FM_ECANCEL);
	assert_int_equal(res.n, 0);
	assert_null(res.rows);
	fm_histogram_release(&h);
}

static void test_sort_ties(void **state)
{
	struct fm_select_row rows[4];
	size_t idx[4] = {0, 1, 2, 3};

	(void)state;
	memset(rows, 0, sizeof(rows));
	/* equal BIC: fewer k first, then U, L, P; NaN last */
	rows[0] = (struct fm_select_row){.U = 2, .L = 1, .k = 5, .bic = 10};
	rows[1] = (struct fm_select_row){.U = 1, .L = 2, .k = 5, .bic = 10};
	rows[2] = (struct fm_select_row){.U = 3, .L = 1, .k = 4, .bic = 10};
	rows[3] = (struct fm_select_row){.U = 0, .L = 1, .k = 1, .bic = NAN};
	fm_select_sort(rows, idx, 4, FM_SEL_BIC);
	assert_int_equal(idx[0], 2);
	assert_int_equal(idx[1], 1);
	assert_int_equal(idx[2], 0);
	assert_int_equal(idx[3], 3);
}

static void test_rejects(void **state)
{
	struct fm_histogram a, b;
	struct fm_bin_union u;
	struct fm_compare c;
	struct fm_mixture m;
	struct fm_gof g;
	struct fm_error err = {0};
	int64_t lo[2] = {1, 2}, hi[2] = {2, 3};
	double w0[2] = {0, 0}, wneg[2] = {1, -1};
	double p[2] = {0, 3};

	(void)state;
	fm_mixture_init(&m);
	assert_int_equal(fm_mixture_add(&m, 1, FM_DIST_UNIFORM, p, NULL, NULL),
			 0);
	assert_int_equal(
	    fm_gof_compute(&m, FM_MIX_X_LENGTH, lo, hi, w0, 2, &g, &err),
	    FM_EINVAL);
	assert_int_equal(
	    fm_gof_compute(&m, FM_MIX_X_LENGTH, lo, hi, wneg, 2, &g, &err),
	    FM_EINVAL);
	assert_int_equal(
	    fm_gof_compute(&m, FM_MIX_X_LENGTH, lo, hi, wneg, 0, &g, &err),
	    FM_EINVAL);
	/* the model of uniform [0, 3]: X in {1, 2, 3} each 1/3 */
	{
		double below, above, w[2] = {1, 1};
		fm_gof_model_split(&m, FM_MIX_X_LENGTH, 1, &below, &above);
		assert_true(below == 0 && above == 1);
		fm_gof_model_split(&m, FM_MIX_X_LENGTH, 3, &below, &above);
		assert_true(fabs(below - 2.0 / 3) < 1e-15);
		/* data 1/2, 1/2 on x = 1, 2: largest gap at the edge 3 */
		assert_int_equal(
		    fm_gof_compute(&m, FM_MIX_X_LENGTH, lo, hi, w, 2, &g, &err),
		    0);
		assert_true(fabs(g.ks - 1.0 / 3) < 1e-15);
	}
	fm_mixture_release(&m);

	fm_histogram_init(&a);
	fm_histogram_init(&b);
	fm_bin_union_init(&u);
	make_hist(&a);
	make_hist(&b);
	assert_int_equal(fm_bin_union_make(&u, &a, "a", &b, "b", &err), 0);
	assert_int_equal(u.n, 200);
	assert_int_equal(fm_compare_column(&a, "a", &b, "b", &u,
					   FM_HCOL_PACKETS, &c, NULL, &err),
			 FM_EINVAL);
	assert_non_null(
	    strstr(err.msg, "a: histogram has no column 'packets_sum'"));
	b.bin_hi[0] = 3; /* [1, 3) against [1, 2) */
	b.bin_lo[1] = 3;
	b.bin_hi[1] = 4;
	assert_int_equal(fm_bin_union_make(&u, &a, "a", &b, "b", &err),
			 FM_EINVAL);
	assert_non_null(strstr(err.msg, "different bins"));
	fm_bin_union_release(&u);
	fm_histogram_release(&a);
	fm_histogram_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grid),
	    cmocka_unit_test(test_rows_and_cancel),
	    cmocka_unit_test(test_sort_ties),
	    cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

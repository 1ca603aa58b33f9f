/*
 * chart-check.h - checks shared by the chart unit tests (test-chart,
 * test-views, test-overlay): a small histogram to chart, numbers of a
 * chart series against the expected arrays, and a chart rendered to text
 * against a golden canvas.  Include after testutil.h and chart.h.
 */
#ifndef FM_CHART_CHECK_H
#define FM_CHART_CHECK_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/histogram.h"

/* h: bins [1,2) [2,4) [4,8) with flows f, packets 2 3 7, octets 100 300
 * 1400. */
static inline void chart_check_histogram(struct fm_histogram *h,
					 const uint64_t f[3])
{
	static const enum fm_hcol cols[] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					    FM_HCOL_OCTETS};
	static const int64_t lo[] = {1, 2, 4}, hi[] = {2, 4, 8};
	static const uint64_t p[] = {2, 3, 7}, o[] = {100, 300, 1400};

	fm_histogram_init(h);
	assert_int_equal(fm_histogram_setup(h, cols, 3, NULL), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fm_histogram_add_bin(h, lo[i], hi[i], NULL),
				 0);
		h->flows[i] = f[i];
		h->packets[i] = p[i];
		h->octets[i] = o[i];
	}
}

/* got equals want to 1e-12 relative (absolute below 1). */
static inline void chart_check_near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-12 * fmax(1, fabs(want))))
		fail_msg("got %.17g, want %.17g", got, want);
}

/* Series s equals x[0..n), y[0..n) (NaN where NaN, infinities exactly). */
static inline void chart_check_series(const struct chart_series *s,
				      const double *x, const double *y,
				      size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		chart_check_near(s->x[i], x[i]);
		if (isnan(y[i]))
			assert_true(isnan(s->y[i]));
		else if (isinf(y[i]))
			assert_true(s->y[i] == y[i]);
		else
			chart_check_near(s->y[i], y[i]);
	}
}

/* Chart c drawn on a w x h canvas in charset cs, dumped as text (the
 * colour roles instead of the glyphs when roles); malloc'ed. */
static inline char *chart_check_render(const struct chart *c,
				       enum chart_charset cs, int w, int h,
				       int roles)
{
	struct chart_canvas cv;
	char *d;

	assert_int_equal(chart_canvas_init(&cv, w, h), 0);
	chart_render(c, cs, &cv);
	d = chart_canvas_dump(&cv, roles);
	assert_non_null(d);
	chart_canvas_release(&cv);
	return d;
}

/* got (freed here) equals the golden canvas want; prints both if not. */
static inline void chart_check_golden(char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		print_error("got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

#endif

/*
 * chart-check.h - checks shared by the chart unit tests (test-chart,
 * test-views, test-overlay): numbers of a chart series against the
 * expected arrays, and a chart rendered to text against a golden canvas.
 * Include after testutil.h and chart.h.
 */
#ifndef FM_CHART_CHECK_H
#define FM_CHART_CHECK_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

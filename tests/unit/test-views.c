/*
 * test-views.c - chart views of histograms (src/tui/views.c): the PDF,
 * CDF, average and packet-size numbers against values worked out by
 * hand for a three-bin histogram, the notes of views a histogram cannot
 * show, and the x kind read from a provenance line.
 */
#include <math.h>
#include <string.h>

#include "testutil.h"
#include "roles.h"
#include "views.h"

/* bins [1,2) [2,4) [4,8): flows 2 1 1, packets 2 3 7, octets 100 300 1400 */
static void make(struct fm_histogram *h)
{
	static const enum fm_hcol cols[] = { FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					     FM_HCOL_OCTETS };
	static const int64_t lo[] = { 1, 2, 4 }, hi[] = { 2, 4, 8 };
	static const uint64_t f[] = { 2, 1, 1 }, p[] = { 2, 3, 7 },
			      o[] = { 100, 300, 1400 };

	fm_histogram_init(h);
	assert_int_equal(fm_histogram_setup(h, cols, 3, NULL), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fm_histogram_add_bin(h, lo[i], hi[i], NULL), 0);
		h->flows[i] = f[i];
		h->packets[i] = p[i];
		h->octets[i] = o[i];
	}
}

static void near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-12 * fmax(1, fabs(want))))
		fail_msg("got %.17g, want %.17g", got, want);
}

static void test_pdf_cdf(void **state)
{
	struct fm_histogram h;
	struct tui_view v;

	(void)state;
	make(&h);
	/* PDF of flows: share / width = 2/4/1, 1/4/2, 1/4/4 */
	assert_int_equal(tui_view_histogram(&v, VIEW_PDF_FLOWS, &h, "length"), 0);
	assert_null(v.note);
	assert_int_equal(v.chart.nseries, 1);
	assert_int_equal(v.series[0].role, ROLE_CHART_FLOWS);
	assert_true(v.chart.x.log && v.chart.y.log);
	assert_string_equal(v.chart.x.title, "Flow length [pkts]");
	near(v.series[0].x[2], 4);
	near(v.series[0].y[0], 0.5);
	near(v.series[0].y[1], 0.125);
	near(v.series[0].y[2], 0.0625);
	tui_view_release(&v);
	/* PDF of octets: 100/1800/1, 300/1800/2, 1400/1800/4 */
	assert_int_equal(tui_view_histogram(&v, VIEW_PDF_OCTETS, &h, "size"), 0);
	assert_int_equal(v.series[0].role, ROLE_CHART_OCTETS);
	near(v.series[0].y[0], 100.0 / 1800);
	near(v.series[0].y[1], 300.0 / 1800 / 2);
	near(v.series[0].y[2], 1400.0 / 1800 / 4);
	assert_string_equal(v.chart.x.title, "Flow size [B]");
	tui_view_release(&v);
	/* CDF: three lines, fixed y range [0, 1], ends at 1 */
	assert_int_equal(tui_view_histogram(&v, VIEW_CDF, &h, NULL), 0);
	assert_int_equal(v.chart.nseries, 3);
	assert_true(v.chart.y.min == 0 && v.chart.y.max == 1 && !v.chart.y.log);
	near(v.series[0].y[0], 0.5);
	near(v.series[0].y[1], 0.75);
	near(v.series[1].y[1], 5.0 / 12);
	near(v.series[2].y[2], 1);
	assert_int_equal(v.series[2].role, ROLE_CHART_OCTETS);
	tui_view_release(&v);
	fm_histogram_release(&h);
}

static void test_averages(void **state)
{
	struct fm_histogram h;
	struct tui_view v;

	(void)state;
	make(&h);
	assert_int_equal(tui_view_histogram(&v, VIEW_AVG, &h, NULL), 0);
	assert_int_equal(v.chart.nseries, 2);
	near(v.series[0].y[0], 1);        /* packets per flow */
	near(v.series[0].y[2], 7);
	near(v.series[1].y[1], 300);      /* octets per flow */
	tui_view_release(&v);
	h.packets[1] = 0;
	assert_int_equal(tui_view_histogram(&v, VIEW_PKT_SIZE, &h, NULL), 0);
	near(v.series[0].y[0], 50);
	assert_true(isnan(v.series[0].y[1]));    /* no packets: a gap */
	near(v.series[0].y[2], 200);
	tui_view_release(&v);
	/* time series: a note, no series */
	assert_int_equal(tui_view_histogram(&v, VIEW_SERIES, &h, NULL), 0);
	assert_non_null(v.note);
	assert_int_equal(v.chart.nseries, 0);
	tui_view_release(&v);
	fm_histogram_release(&h);
}

static void test_xkind(void **state)
{
	(void)state;
	assert_string_equal(tui_view_xkind("hist d1 -x length -b 12 as h1"), "length");
	assert_string_equal(tui_view_xkind("hist d1 --x-value=size as h2"), "size");
	assert_string_equal(tui_view_xkind("hist d1 -b 0 -x duration"), "duration");
	assert_null(tui_view_xkind("load h.csv as h1"));
	assert_null(tui_view_xkind(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdf_cdf),
		cmocka_unit_test(test_averages),
		cmocka_unit_test(test_xkind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

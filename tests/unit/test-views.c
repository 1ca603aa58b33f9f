/*
 * test-views.c - chart views of histograms (src/tui/views.c): every
 * series of every view is an array of the library's chart data
 * (fm_chartdata_build, the gnuplot export's numbers), compared value by
 * value; the PDF points and averages also against values worked out by
 * hand for a three-bin histogram; the notes of views a histogram cannot
 * show; the x kind read from a provenance line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/series.h"
#include "testutil.h"
#include "roles.h"
#include "views.h"
#include "chart-check.h"

/* bins [1,2) [2,4) [4,8): flows 2 1 1, packets 2 3 7, octets 100 300 1400 */
static void make(struct fm_histogram *h)
{
	static const uint64_t f[] = {2, 1, 1};

	chart_check_histogram(h, f);
}

/*
 * A duration histogram (bin 0): the view gets a symlog x axis, its points
 * start at x = 0 with chartdata's numbers, and a rendered canvas has the
 * tick 0 (no "no chart" note as before issue 20).
 */
static void test_duration_symlog(void **state)
{
	static const char csv[] =
	    "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n"
	    "0,1,6,6,600\n10,11,2,8,800\n1000,1100,2,40,4000\n";
	struct fm_histogram h;
	struct fm_chartdata cd;
	struct fm_error err = {0};
	struct tui_view v;
	struct chart_canvas cv;
	char *text;

	(void)state;
	fm_histogram_init(&h);
	assert_int_equal(fm_histogram_parse(&h, "d.csv", csv, strlen(csv),
					    FM_HCOL_BASIC, NULL, &err),
			 0);
	assert_int_equal(
	    tui_view_histogram(&v, VIEW_PDF_FLOWS, &h, "duration", NULL, NULL),
	    0);
	assert_null(v.note);
	assert_int_equal(v.chart.x.log, CHART_SYMLOG);
	assert_string_equal(v.chart.x.title, "Flow duration [ms]");
	assert_int_equal(fm_chartdata_build(&cd, &h, NULL, FM_MIX_X_OTHER,
					    FM_CHART_NPOINTS, 1, &err),
			 0);
	chart_check_series(&v.series[0], cd.bx, cd.col[0].pts, cd.nbins);
	chart_check_series(&v.series[1], cd.x, cd.col[0].pdf, cd.n);
	chart_check_near(v.series[0].x[0], 0);
	chart_check_near(v.series[0].y[0],
			 0.6 / 10); /* 6 of 10 flows, 10 to the next */
	assert_int_equal(chart_canvas_init(&cv, 60, 12), 0);
	chart_render(&v.chart, CHART_ASCII, &cv);
	text = chart_canvas_dump(&cv, 0);
	assert_non_null(strstr(text, "\n     0    1 "));
	free(text);
	chart_canvas_release(&cv);
	fm_chartdata_release(&cd);
	tui_view_release(&v);
	fm_histogram_release(&h);
}

static void test_pdf_cdf(void **state)
{
	struct fm_histogram h;
	struct tui_view v;

	(void)state;
	make(&h);
	/* PDF of flows: share / width = 2/4/1, 1/4/2, 1/4/4 */
	assert_int_equal(
	    tui_view_histogram(&v, VIEW_PDF_FLOWS, &h, "length", NULL, NULL),
	    0);
	assert_null(v.note);
	assert_int_equal(v.chart.nseries, 2);
	assert_int_equal(v.series[0].role, ROLE_CHART_FLOWS);
	assert_int_equal(v.series[0].style, CHART_POINTS);
	assert_int_equal(v.series[1].style, CHART_LINE);
	assert_true(v.chart.x.log && v.chart.y.log);
	assert_string_equal(v.chart.x.title, "Flow length [pkts]");
	chart_check_near(v.series[0].x[2], 4);
	chart_check_near(v.series[0].y[0], 0.5);
	chart_check_near(v.series[0].y[1], 0.125);
	chart_check_near(v.series[0].y[2], 0.0625);
	tui_view_release(&v);
	/* PDF of octets: 100/1800/1, 300/1800/2, 1400/1800/4 */
	assert_int_equal(
	    tui_view_histogram(&v, VIEW_PDF_OCTETS, &h, "size", NULL, NULL), 0);
	assert_int_equal(v.series[0].role, ROLE_CHART_OCTETS);
	chart_check_near(v.series[0].y[0], 100.0 / 1800);
	chart_check_near(v.series[0].y[1], 300.0 / 1800 / 2);
	chart_check_near(v.series[0].y[2], 1400.0 / 1800 / 4);
	assert_string_equal(v.chart.x.title, "Flow size [B]");
	tui_view_release(&v);
	/* CDF: three lines, fixed y range [0, 1], the chart data's lines */
	{
		struct fm_chartdata cd;
		struct fm_error err = {0};

		assert_int_equal(fm_chartdata_build(&cd, &h, NULL,
						    FM_MIX_X_OTHER,
						    FM_CHART_NPOINTS, 1, &err),
				 0);
		assert_int_equal(
		    tui_view_histogram(&v, VIEW_CDF, &h, NULL, NULL, NULL), 0);
		assert_int_equal(v.chart.nseries, 3);
		assert_true(v.chart.y.min == 0 && v.chart.y.max == 1 &&
			    !v.chart.y.log);
		for (int k = 0; k < 3; k++)
			chart_check_series(&v.series[k], cd.x, cd.col[k].cdf,
					   cd.n);
		/* at bin_lo 4 all but the last bin: 3/4 of the flows */
		chart_check_near(v.series[0].y[0], 0.5);
		chart_check_near(v.series[0].y[cd.n - 1], 1);
		assert_int_equal(v.series[2].role, ROLE_CHART_OCTETS);
		tui_view_release(&v);
		/* the PDF line of flows is the chart data's line from the CDF
		 */
		assert_int_equal(tui_view_histogram(&v, VIEW_PDF_FLOWS, &h,
						    NULL, NULL, NULL),
				 0);
		chart_check_series(&v.series[0], cd.bx, cd.col[0].pts,
				   cd.nbins);
		chart_check_series(&v.series[1], cd.x, cd.col[0].pdf, cd.n);
		tui_view_release(&v);
		fm_chartdata_release(&cd);
	}
	fm_histogram_release(&h);
}

static void test_averages(void **state)
{
	struct fm_histogram h;
	struct tui_view v;

	(void)state;
	make(&h);
	struct fm_chartdata cd;
	struct fm_error err = {0};

	assert_int_equal(tui_view_histogram(&v, VIEW_AVG, &h, NULL, NULL, NULL),
			 0);
	/* points and line of packets, then of octets */
	assert_int_equal(v.chart.nseries, 4);
	chart_check_near(v.series[0].y[0], 1); /* packets per flow */
	chart_check_near(v.series[0].y[2], 7);
	chart_check_near(v.series[2].y[1], 300); /* octets per flow */
	assert_int_equal(fm_chartdata_build(&cd, &h, NULL, FM_MIX_X_OTHER,
					    FM_CHART_NPOINTS, 1, &err),
			 0);
	chart_check_series(&v.series[0], cd.bx, cd.col[1].avg_pts, cd.nbins);
	chart_check_series(&v.series[1], cd.x, cd.col[1].avg_line, cd.n);
	chart_check_series(&v.series[2], cd.bx, cd.col[2].avg_pts, cd.nbins);
	chart_check_series(&v.series[3], cd.x, cd.col[2].avg_line, cd.n);
	fm_chartdata_release(&cd);
	tui_view_release(&v);
	h.packets[1] = 0;
	assert_int_equal(fm_chartdata_build(&cd, &h, NULL, FM_MIX_X_OTHER,
					    FM_CHART_NPOINTS, 1, &err),
			 0);
	assert_int_equal(
	    tui_view_histogram(&v, VIEW_PKT_SIZE, &h, NULL, NULL, NULL), 0);
	/* points, line, three guides */
	assert_int_equal(v.chart.nseries, 5);
	chart_check_near(v.series[0].y[0], 50);
	assert_true(isnan(v.series[0].y[1])); /* no packets: a gap */
	chart_check_near(v.series[0].y[2], 200);
	chart_check_series(&v.series[0], cd.bx, cd.ps_pts, cd.nbins);
	chart_check_series(&v.series[1], cd.x, cd.ps_line, cd.n);
	/* guides: min 50, avg 1800 / 9, max 200 across the grid */
	chart_check_near(v.series[2].y[0], 50);
	chart_check_near(v.series[3].y[1], 1800.0 / 9);
	chart_check_near(v.series[4].y[0], 200);
	chart_check_near(v.series[4].x[0], cd.x[0]);
	chart_check_near(v.series[4].x[1], cd.x[cd.n - 1]);
	assert_int_equal(v.series[3].style, CHART_DASHED);
	fm_chartdata_release(&cd);
	tui_view_release(&v);
	/* time series: a note, no series */
	assert_int_equal(
	    tui_view_histogram(&v, VIEW_SERIES, &h, NULL, NULL, NULL), 0);
	assert_non_null(v.note);
	assert_int_equal(v.chart.nseries, 0);
	tui_view_release(&v);
	fm_histogram_release(&h);
}

/*
 * A mixture over the histogram: its curve is the library's own
 * fm_mixture_pdf / _cdf / _avg / _packet_size at every x sample, the
 * components (weighted, dashed) sum to the mixture, data come first.
 */
static void test_mixture_overlay(void **state)
{
	struct fm_histogram h;
	struct fm_mixture mf, mp, mo;
	const struct fm_mixture *mix[3] = {&mf, &mp, &mo};
	double lnp[3] = {0.8, 0, 2.0}, unp[2] = {0, 3};
	struct tui_view v;

	(void)state;
	make(&h);
	fm_mixture_init(&mf);
	fm_mixture_init(&mp);
	fm_mixture_init(&mo);
	assert_int_equal(
	    fm_mixture_add(&mf, 0.3, FM_DIST_UNIFORM, unp, NULL, NULL), 0);
	assert_int_equal(
	    fm_mixture_add(&mf, 0.7, FM_DIST_LOGNORM, lnp, NULL, NULL), 0);
	assert_int_equal(
	    fm_mixture_add(&mp, 1.0, FM_DIST_LOGNORM, lnp, NULL, NULL), 0);
	lnp[2] = 60;
	assert_int_equal(
	    fm_mixture_add(&mo, 1.0, FM_DIST_LOGNORM, lnp, NULL, NULL), 0);
	mf.has_sum = mp.has_sum = mo.has_sum = 1;
	mf.sum = 4;
	mp.sum = 12;
	mo.sum = 1800;

	struct fm_mixture_dir md;
	struct fm_chartdata cd;
	struct fm_error err = {0};

	fm_mixture_dir_init(&md);
	md.flows = mf;
	md.packets = mp;
	md.octets = mo;
	assert_int_equal(fm_chartdata_build(&cd, &h, &md, FM_MIX_X_LENGTH,
					    FM_CHART_NPOINTS, 1, &err),
			 0);

	assert_int_equal(
	    tui_view_histogram(&v, VIEW_PDF_FLOWS, &h, "length", mix, "m1"), 0);
	/* data points, data line, 2 components, the mixture */
	assert_int_equal(v.chart.nseries, 5);
	assert_int_equal(v.series[0].style, CHART_POINTS);
	assert_int_equal(v.series[2].role, ROLE_CHART_COMP);
	assert_int_equal(v.series[2].style, CHART_DASHED);
	assert_string_equal(v.series[2].label, "components");
	assert_null(v.series[3].label);
	assert_int_equal(v.series[4].role, ROLE_CHART_MODEL);
	assert_string_equal(v.series[4].label, "mixture m1");
	chart_check_series(&v.series[2], cd.x, cd.col[0].comp_pdf, cd.n);
	chart_check_series(&v.series[3], cd.x, cd.col[0].comp_pdf + cd.n, cd.n);
	chart_check_series(&v.series[4], cd.x, cd.col[0].mix_pdf, cd.n);
	assert_true(v.series[4].n > 3);
	for (size_t i = 0; i < v.series[4].n; i++) {
		double x = v.series[4].x[i];
		chart_check_near(v.series[4].y[i],
				 fm_mixture_pdf(&mf, x, FM_MIX_X_LENGTH));
		chart_check_near(v.series[2].y[i] + v.series[3].y[i],
				 v.series[4].y[i]);
		assert_true(x == floor(x)); /* whole x below 1024 */
		if (i)
			assert_true(x > v.series[4].x[i - 1]);
	}
	chart_check_near(v.series[4].x[0], 1);
	chart_check_near(v.series[4].x[v.series[4].n - 1], 4);
	tui_view_release(&v);

	assert_int_equal(
	    tui_view_histogram(&v, VIEW_CDF, &h, "length", mix, "m1"), 0);
	assert_int_equal(v.chart.nseries, 6);
	assert_string_equal(v.series[3].label, "mixture m1");
	assert_null(v.series[4].label);
	for (int k = 0; k < 3; k++)
		chart_check_series(&v.series[3 + k], cd.x, cd.col[k].mix_cdf,
				   cd.n);
	for (size_t i = 0; i < v.series[5].n; i++)
		chart_check_near(v.series[5].y[i],
				 fm_mixture_cdf(&mo, v.series[5].x[i]));
	tui_view_release(&v);

	assert_int_equal(
	    tui_view_histogram(&v, VIEW_AVG, &h, "length", mix, "m1"), 0);
	assert_int_equal(v.chart.nseries, 6);
	chart_check_series(&v.series[4], cd.x, cd.col[1].mix_avg, cd.n);
	chart_check_series(&v.series[5], cd.x, cd.col[2].mix_avg, cd.n);
	for (size_t i = 0; i < v.series[5].n; i++)
		chart_check_near(v.series[5].y[i],
				 fm_mixture_avg(&mf, &mo, v.series[5].x[i],
						FM_MIX_X_LENGTH));
	tui_view_release(&v);

	assert_int_equal(
	    tui_view_histogram(&v, VIEW_PKT_SIZE, &h, "length", mix, "m1"), 0);
	assert_int_equal(v.chart.nseries, 6);
	chart_check_series(&v.series[5], cd.x, cd.ps_mix, cd.n);
	for (size_t i = 0; i < v.series[5].n; i++)
		chart_check_near(v.series[5].y[i],
				 fm_mixture_packet_size(&mp, &mo,
							v.series[5].x[i],
							FM_MIX_X_LENGTH));
	tui_view_release(&v);
	fm_chartdata_release(&cd);
	fm_mixture_release(&mf);
	fm_mixture_release(&mp);
	fm_mixture_release(&mo);
	fm_histogram_release(&h);
}

/*
 * A time series: view 7 is three lines over the first day's 86400
 * seconds in hours, each the 30-second rolling mean of the per-second
 * values (compared with fm_chart_rolling_mean and with a naive mean);
 * other views give a note.
 */
static void test_series(void **state)
{
	struct fm_batch b;
	struct fm_series *s = NULL;
	struct fm_error err = {0};
	struct tui_view v;
	const int64_t t0 = INT64_C(16600) * 86400;
	static const int64_t at[] = {10, 10, 25, 100, 3600};

	(void)state;
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 8), 0);
	for (size_t i = 0; i < 5; i++) {
		fm_batch_mut(&b, FM_FIRST)[i] = t0 + at[i];
		fm_batch_mut(&b, FM_FIRST_MS)[i] = 0;
		fm_batch_mut(&b, FM_LAST)[i] = t0 + at[i];
		fm_batch_mut(&b, FM_LAST_MS)[i] = 0;
		fm_batch_mut(&b, FM_PACKETS)[i] = (int64_t)i + 1;
		fm_batch_mut(&b, FM_OCTETS)[i] = 100 * ((int64_t)i + 1);
	}
	b.n = 5;
	assert_int_equal(fm_series_new(&s, &err), 0);
	assert_int_equal(fm_series_add(s, &b, &err), 0);

	assert_int_equal(tui_view_series(&v, VIEW_PDF_FLOWS, s, 0), 0);
	assert_non_null(v.note);
	assert_int_equal(v.chart.nseries, 0);
	tui_view_release(&v);

	assert_int_equal(tui_view_series(&v, VIEW_SERIES, s, 0), 0);
	assert_null(v.note);
	assert_int_equal(v.chart.nseries, 3);
	assert_int_equal(v.series[0].role, ROLE_CHART_FLOWS);
	assert_int_equal(v.series[2].role, ROLE_CHART_OCTETS);
	assert_string_equal(v.series[2].label, "bits/s");
	assert_true(v.chart.y.log && !v.chart.x.log);
	/* x spans the seconds with data, 10 .. 3600, not the whole day */
	chart_check_near(v.chart.x.min, 10 / 3600.0);
	chart_check_near(v.chart.x.max, 3601 / 3600.0);
	for (int c = 0; c < 3; c++) {
		const struct chart_series *se = &v.series[c];
		double *raw = malloc(86400 * sizeof(double));
		double *mean = malloc(86400 * sizeof(double));

		assert_int_equal(se->n, 86400);
		for (unsigned k = 0; k < 86400; k++) {
			uint64_t f, p, hi, lo;
			fm_series_get(s, 0, k, &f, &p, &hi, &lo);
			raw[k] = c == 0	  ? (double)f
				 : c == 1 ? (double)p
					  : 8.0 * (double)lo;
		}
		assert_true(raw && mean);
		fm_chart_rolling_mean(raw, 86400, 30, mean);
		for (unsigned k = 0; k < 86400; k += 7) {
			double sum = 0;
			unsigned lo = k >= 29 ? k - 29 : 0;
			for (unsigned j = lo; j <= k; j++)
				sum += raw[j];
			chart_check_near(se->y[k], mean[k]);
			chart_check_near(se->y[k], sum / (k - lo + 1));
			chart_check_near(se->x[k], k / 3600.0);
		}
		free(raw);
		free(mean);
	}
	/* two flows at second 10, a third at 25: in the window of second 38 */
	chart_check_near(v.series[0].y[38], 3.0 / 30);
	chart_check_near(v.series[0].y[40], 1.0 / 30);
	chart_check_near(v.series[2].y[10], 8 * 300.0 / 11);
	tui_view_release(&v);

	/* a second day: ] shows it, and a day past the last one is clamped */
	fm_batch_mut(&b, FM_FIRST)[0] = fm_batch_mut(&b, FM_LAST)[0] =
	    t0 + 86400 + 7;
	b.n = 1;
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	assert_int_equal(fm_series_ndays(s), 2);
	for (size_t day = 1; day <= 5; day += 4) {
		assert_int_equal(tui_view_series(&v, VIEW_SERIES, s, day), 0);
		assert_non_null(strstr(v.chart.x.title, "day 2 of 2"));
		chart_check_near(v.series[0].y[7],
				 1.0 / 8); /* one flow, 8 seconds in */
		chart_check_near(v.series[0].y[10], 1.0 / 11);
		tui_view_release(&v);
	}
	assert_int_equal(tui_view_series(&v, VIEW_SERIES, s, 0), 0);
	assert_non_null(strstr(v.chart.x.title, "day 1 of 2"));
	chart_check_near(v.series[0].y[38], 3.0 / 30);
	tui_view_release(&v);
	fm_series_free(s);
	fm_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pdf_cdf),
	    cmocka_unit_test(test_duration_symlog),
	    cmocka_unit_test(test_averages),
	    cmocka_unit_test(test_mixture_overlay),
	    cmocka_unit_test(test_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-chartdata.c - the chart-data functions (chartdata.h) against
 * hand-computed values, a naive interpolation (differential), and
 * invariants on the reference histogram with its mixtures, and the
 * reference formulas computed by numpy/scipy (tests/golden/plot).
 *
 * The small histogram used by most tests (bins [1,2) [2,3) [4,6)
 * [10,12); flows 4 2 1 1, packets 4 4 5 20, octets 400 1000 2000 8000)
 * and every expected number are worked out in the comments next to them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/chartdata.h"
#include "testutil.h"

static const char small_csv[] =
    "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n"
    "1,2,4,4,400\n"
    "2,3,2,4,1000\n"
    "4,6,1,5,2000\n"
    "10,12,1,20,8000\n";

static void load(struct fm_histogram *h, const char *text)
{
	struct fm_error err = {0};

	fm_histogram_init(h);
	if (fm_histogram_parse(h, "t.csv", text, strlen(text), FM_HCOL_BASIC,
			       NULL, &err) < 0)
		fail_msg("parse: %s", err.msg);
}

static void near(double got, double want, const char *what, size_t i)
{
	double tol = 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);

	if (isnan(want) ? !isnan(got) : !(fabs(got - want) <= tol))
		fail_msg("%s[%zu]: got %.17g, want %.17g", what, i, got, want);
}

static void near_v(const double *got, const double *want, size_t n,
		   const char *what)
{
	for (size_t i = 0; i < n; i++)
		near(got[i], want[i], what, i);
}

static void test_grid(void **state)
{
	double g[200];
	size_t n;
	(void)state;

	/* 10^(i/4): 1, 1.778 -> 2, 3.162 -> 3, 5.623 -> 6, 10 */
	n = fm_chart_grid(1, 10, 5, g);
	assert_int_equal(n, 5);
	near_v(g, (const double[]){1, 2, 3, 6, 10}, 5, "grid 1..10");
	/* 1, 10, 100, 1000: ends exact, interior rounded */
	n = fm_chart_grid(1, 1000, 4, g);
	assert_int_equal(n, 4);
	near_v(g, (const double[]){1, 10, 100, 1000}, 4, "grid 1..1000");
	/* 1, 1.26, 1.59, 2 -> 1, 1, 2, 2 -> unique 1, 2 */
	n = fm_chart_grid(1, 2, 4, g);
	assert_int_equal(n, 2);
	near_v(g, (const double[]){1, 2}, 2, "grid 1..2");
	n = fm_chart_grid(64, 64, 3, g);
	assert_int_equal(n, 1);
	assert_true(g[0] == 64);
	assert_int_equal(fm_chart_grid(0, 10, 5, g), 0);
	assert_int_equal(fm_chart_grid(10, 1, 5, g), 0);
	assert_int_equal(fm_chart_grid(1, 10, 0, g), 0);
	/* 128 points over the reference's 1..2624 range: unique ascending
	 * integers with exact ends */
	n = fm_chart_grid(1, 2624, 128, g);
	assert_true(n > 50 && n <= 128);
	assert_true(g[0] == 1 && g[n - 1] == 2624);
	for (size_t i = 1; i < n; i++) {
		assert_true(g[i] > g[i - 1]);
		assert_true(g[i] == nearbyint(g[i]));
	}
}

static void test_data_lines(void **state)
{
	struct fm_histogram h;
	struct fm_error err = {0};
	const double x[5] = {1, 2, 3, 6, 10};
	double out[5], nan_x[2] = {0.5, 11};
	(void)state;

	load(&h, small_csv);
	/* flows cdf at bin_lo 1 2 4 10: 4/8 6/8 7/8 8/8; at 3 halfway
	 * between 6/8 and 7/8; at 6 one third from 7/8 to 1 */
	assert_int_equal(fm_chart_data_cdf(&h, FM_HCOL_FLOWS, x, 5, out, &err),
			 0);
	near_v(out, (const double[]){0.5, 0.75, 0.8125, 0.875 + 0.125 / 3, 1.0},
	       5, "cdf flows");
	/* pdf: first the cdf, then differences over the x steps 1 1 3 4 */
	assert_int_equal(fm_chart_data_pdf(&h, FM_HCOL_FLOWS, x, 5, out, &err),
			 0);
	near_v(out,
	       (const double[]){0.5, 0.25, 0.0625, (0.125 / 3 + 0.0625) / 3,
				(0.125 - 0.125 / 3) / 4},
	       5, "pdf flows");
	/* packets cdf: 4/33 8/33 13/33 1 at the bins; 10.5/33 at 3;
	 * 13/33 + (20/33) * 2/6 at 6 */
	assert_int_equal(
	    fm_chart_data_cdf(&h, FM_HCOL_PACKETS, x, 5, out, &err), 0);
	near_v(out,
	       (const double[]){4.0 / 33, 8.0 / 33, 10.5 / 33,
				13.0 / 33 + 20.0 / 33 / 3, 1.0},
	       5, "cdf packets");
	/* outside [1, 10]: NaN */
	assert_int_equal(
	    fm_chart_data_cdf(&h, FM_HCOL_OCTETS, nan_x, 2, out, &err), 0);
	assert_true(isnan(out[0]) && isnan(out[1]));
	/* avg packets line: (33/8) * pdf_packets / pdf_flows = 1 2 5 11 20 */
	assert_int_equal(
	    fm_chart_avg_line(&h, FM_HCOL_PACKETS, x, 5, out, &err), 0);
	near_v(out, (const double[]){1, 2, 5, 11, 20}, 5, "avg line packets");
	/* packet size line: (11400/33) * pdf_octets / pdf_packets.
	 * octets cdf: 400/11400 1400/11400 at 1 2, 1400 + 1000 at 3 (/11400),
	 * 3400 + 8000/3 at 6, 1 at 10; pdf octets = 400 1000 1000 (8000/3 +
	 * 1000)/3 (8000 - 8000/3)/4 over 11400; pdf packets = 4 4 2.5
	 * (20/3 + 2.5)/3 (20 - 20/3)/4 over 33; the ratio times 11400/33: */
	assert_int_equal(fm_chart_ps_line(&h, x, 5, out, &err), 0);
	near_v(out,
	       (const double[]){100, 250, 400,
				(8000.0 / 3 + 1000) / (20.0 / 3 + 2.5), 400},
	       5, "ps line");
	fm_histogram_release(&h);
}

static void test_points(void **state)
{
	struct fm_histogram h;
	struct fm_error err = {0};
	double out[4];
	(void)state;

	load(&h, small_csv);
	/* flows / 8 / distance to the next bin_lo (1, 2, 6; last: width 2) */
	assert_int_equal(fm_chart_data_points(&h, FM_HCOL_FLOWS, 1, out, &err),
			 0);
	near_v(out, (const double[]){0.5, 0.125, 1.0 / 48, 0.0625}, 4,
	       "points norm");
	assert_int_equal(fm_chart_data_points(&h, FM_HCOL_FLOWS, 0, out, &err),
			 0);
	near_v(out, (const double[]){0.5, 0.25, 0.125, 0.125}, 4, "points raw");
	/* octets / 11400 / 1, 2, 6, 2 */
	assert_int_equal(fm_chart_data_points(&h, FM_HCOL_OCTETS, 1, out, &err),
			 0);
	near_v(out,
	       (const double[]){400.0 / 11400, 500.0 / 11400,
				2000.0 / 6 / 11400, 4000.0 / 11400},
	       4, "points octets");
	/* averages per bin */
	assert_int_equal(fm_chart_avg_points(&h, FM_HCOL_PACKETS, out, &err),
			 0);
	near_v(out, (const double[]){1, 2, 5, 20}, 4, "avg packets");
	assert_int_equal(fm_chart_avg_points(&h, FM_HCOL_OCTETS, out, &err), 0);
	near_v(out, (const double[]){100, 500, 2000, 8000}, 4, "avg octets");
	assert_int_equal(fm_chart_ps_points(&h, out, &err), 0);
	near_v(out, (const double[]){100, 250, 400, 400}, 4, "ps points");
	/* a missing column is an error naming it */
	assert_int_equal(fm_chart_data_points(&h, FM_HCOL_AGGS, 1, out, &err),
			 FM_EINVAL);
	assert_non_null(strstr(err.msg, "aggs_sum"));
	fm_histogram_release(&h);
}

static void add(struct fm_mixture *m, double w, enum fm_dist d, double a,
		double b)
{
	double p[3] = {a, b, 0};
	assert_int_equal(fm_mixture_add(m, w, d, p, NULL, NULL), 0);
}

static void test_mixture(void **state)
{
	struct fm_mixture m, big;
	const double x[4] = {1, 2, 5, 2000};
	double out[4], comp[8], stack[8], total[4];
	(void)state;

	/* weights 1 and 3 -> 0.25 and 0.75; uniform [0,4] and [0,8] */
	fm_mixture_init(&m);
	add(&m, 1, FM_DIST_UNIFORM, 0, 4);
	add(&m, 3, FM_DIST_UNIFORM, 0, 8);
	fm_chart_mix_cdf(&m, x, 4, out);
	/* 0.25 * x/4 + 0.75 * x/8 below 4; 0.25 + 0.75 * 5/8 at 5; 1 */
	near_v(out,
	       (const double[]){0.25 / 4 + 0.75 / 8, 0.125 + 0.1875,
				0.25 + 0.75 * 5 / 8, 1},
	       4, "mix cdf");
	fm_chart_comp_cdf(&m, 0, x, 4, comp);
	fm_chart_comp_cdf(&m, 1, x, 4, comp + 4);
	near_v(comp,
	       (const double[]){0.0625, 0.125, 0.25, 0.25, 0.09375, 0.1875,
				0.75 * 5 / 8, 0.75},
	       8, "comp cdf");
	/* discrete pdf of length: cdf(x) - cdf(x-1), cdf(1) - cdf(0) at 1;
	 * the density at 2000 (0 for both uniforms) */
	fm_chart_comp_pdf(&m, 0, FM_MIX_X_LENGTH, x, 4, comp);
	fm_chart_comp_pdf(&m, 1, FM_MIX_X_LENGTH, x, 4, comp + 4);
	near_v(comp,
	       (const double[]){0.0625, 0.0625, 0, 0, 0.09375, 0.09375, 0.09375,
				0},
	       8, "comp pdf");
	fm_chart_stack(comp, 2, 4, stack);
	near_v(stack,
	       (const double[]){0.0625, 0.0625, 0, 0, 0.15625, 0.15625, 0.09375,
				0},
	       8, "stack");
	fm_chart_mix_pdf(&m, FM_MIX_X_LENGTH, x, 4, total);
	near_v(stack + 4, total, 4, "stack top = mixture");

	/* size: minimum x 64 counts from 0; the density from 1024 on */
	fm_mixture_init(&big);
	add(&big, 2, FM_DIST_UNIFORM, 0, 4000);
	{
		const double xs[3] = {64, 65, 2000};
		fm_chart_comp_pdf(&big, 0, FM_MIX_X_SIZE, xs, 3, out);
		near_v(out,
		       (const double[]){64.0 / 4000, 1.0 / 4000, 1.0 / 4000}, 3,
		       "size comp pdf");
		fm_chart_mix_pdf(&big, FM_MIX_X_SIZE, xs, 3, total);
		near_v(total, out, 3, "size mix pdf");
	}

	/* averages: (sum_y / sum_flows) * pdf_y / pdf_flows */
	m.has_sum = 1;
	m.sum = 8;
	big.has_sum = 1;
	big.sum = 33;
	fm_chart_mix_avg(&m, &big, FM_MIX_X_LENGTH, (const double[]){2}, 1,
			 out);
	/* pdf_flows(2) = 0.15625, pdf_big(2) = 1/4000 */
	near(out[0], 33.0 / 8 * (1.0 / 4000) / 0.15625, "mix avg", 0);
	fm_chart_mix_ps(&m, &big, FM_MIX_X_LENGTH, (const double[]){2}, 1, out);
	near(out[0], 33.0 / 8 * (1.0 / 4000) / 0.15625, "mix ps", 0);
	fm_mixture_release(&m);
	fm_mixture_release(&big);
}

static void test_bundle(void **state)
{
	struct fm_histogram h;
	struct fm_chartdata cd;
	struct fm_error err = {0};
	(void)state;

	load(&h, small_csv);
	assert_int_equal(
	    fm_chartdata_build(&cd, &h, NULL, FM_MIX_X_LENGTH, 5, 1, &err), 0);
	assert_int_equal(cd.n, 5);
	assert_int_equal(cd.nbins, 4);
	near_v(cd.x, (const double[]){1, 2, 3, 6, 10}, 5, "bundle grid");
	near_v(cd.col[FM_HCOL_FLOWS].pts,
	       (const double[]){0.5, 0.125, 1.0 / 48, 0.0625}, 4,
	       "bundle points");
	near_v(cd.col[FM_HCOL_PACKETS].avg_line,
	       (const double[]){1, 2, 5, 11, 20}, 5, "bundle avg line");
	near(cd.col[FM_HCOL_OCTETS].total, 11400, "total", 0);
	near(cd.ps_min, 100, "ps_min", 0);
	near(cd.ps_max, 400, "ps_max", 0);
	near(cd.ps_avg, 11400.0 / 33, "ps_avg", 0);
	assert_null(cd.col[0].mix);
	assert_null(cd.ps_mix);
	fm_chartdata_release(&cd);
	fm_histogram_release(&h);

	/* a bin 0 (duration, rate): the symlog grid, from 0 */
	load(&h, "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n0,1,2,2,"
		 "200\n1000,1001,2,20,2000\n");
	assert_int_equal(
	    fm_chartdata_build(&cd, &h, NULL, FM_MIX_X_OTHER, 5, 1, &err), 0);
	assert_int_equal(cd.symlog, 1);
	/* symlog 0 .. log10(1001) in 4 steps: 10^(k * 0.75) - 1, rounded */
	near_v(cd.x, (const double[]){0, 5, 31, 177, 1000}, 5, "symlog grid");
	near_v(cd.col[0].cdf,
	       (const double[]){0.5, 0.5 + 0.5 * 5 / 1000,
				0.5 + 0.5 * 31 / 1000, 0.5 + 0.5 * 177 / 1000,
				1},
	       5, "cdf on the symlog grid");
	fm_chartdata_release(&cd);
	fm_histogram_release(&h);
	/* errors: missing columns, zero totals */
	load(&h, "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,1,0,0\n");
	assert_int_equal(
	    fm_chartdata_build(&cd, &h, NULL, FM_MIX_X_LENGTH, 0, 1, &err),
	    FM_EINVAL);
	assert_non_null(strstr(err.msg, "packets_sum"));
	fm_histogram_release(&h);
}

/* Naive CDF interpolation: linear scan for the enclosing bins. */
static double naive_cdf(const struct fm_histogram *h, const uint64_t *v,
			double p)
{
	double tot = 0, cum = 0, prev_cdf = 0, prev_x = 0;

	for (size_t i = 0; i < h->n; i++)
		tot += (double)v[i];
	if (p < (double)h->bin_lo[0] || p > (double)h->bin_lo[h->n - 1])
		return NAN;
	for (size_t i = 0; i < h->n; i++) {
		double c;
		cum += (double)v[i];
		c = cum / tot;
		if ((double)h->bin_lo[i] == p && i == 0)
			return c;
		if ((double)h->bin_lo[i] >= p)
			return prev_cdf + (c - prev_cdf) * (p - prev_x) /
					      ((double)h->bin_lo[i] - prev_x);
		prev_cdf = c;
		prev_x = (double)h->bin_lo[i];
	}
	return NAN;
}

static void test_differential(void **state)
{
	uint64_t seed = 42;
	(void)state;

	for (int round = 0; round < 30; round++) {
		struct fm_histogram h;
		struct fm_buf b = FM_BUF_INIT;
		struct fm_error err = {0};
		size_t nb = 1 + tu_rand(&seed) % 300;
		int64_t lo = 1 + (int64_t)(tu_rand(&seed) % 5);
		double g[128], out[128];
		size_t n;

		fm_buf_addstr(
		    &b, "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n");
		for (size_t i = 0; i < nb; i++) {
			int64_t w = 1 + (int64_t)(tu_rand(&seed) % 4);
			uint64_t f = 1 + tu_rand(&seed) % 1000;
			fm_buf_printf(
			    &b, "%lld,%lld,%llu,%llu,%llu\n", (long long)lo,
			    (long long)(lo + w), (unsigned long long)f,
			    (unsigned long long)(f * (1 + tu_rand(&seed) % 9)),
			    (unsigned long long)(f * 64 +
						 tu_rand(&seed) % 99999));
			lo += w + (int64_t)(tu_rand(&seed) % 3);
		}
		load(&h, fm_buf_str(&b));
		n = fm_chart_grid((double)h.bin_lo[0], (double)h.bin_lo[nb - 1],
				  128, g);
		for (int c = 0; c < 3; c++) {
			const uint64_t *v = c == 0   ? h.flows
					    : c == 1 ? h.packets
						     : h.octets;
			assert_int_equal(fm_chart_data_cdf(&h, (enum fm_hcol)c,
							   g, n, out, &err),
					 0);
			for (size_t i = 0; i < n; i++) {
				double want = naive_cdf(&h, v, g[i]);
				if (!(fabs(out[i] - want) <= 1e-12))
					fail_msg("round %d col %d x %g: %.17g "
						 "vs naive %.17g",
						 round, c, g[i], out[i], want);
			}
		}
		fm_buf_release(&b);
		fm_histogram_release(&h);
	}
}

static void test_rolling(void **state)
{
	double v[10], out[10];
	double *rd = NULL;
	size_t n = 0;
	struct fm_error err = {0};
	(void)state;

	for (int i = 0; i < 10; i++)
		v[i] = i + 1;
	/* window 3: 1, (1+2)/2, then the mean of the last three = i */
	fm_chart_rolling_mean(v, 10, 3, out);
	near_v(out, (const double[]){1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9}, 10,
	       "rolling");
	fm_chart_rolling_mean(v, 10, 1, out);
	near_v(out, v, 10, "rolling 1");

	tu_write_file(tu_path("s.flows"), "3\n0\n12\n");
	assert_int_equal(
	    fm_chart_series_read(tu_path("s.flows"), &rd, &n, &err), 0);
	assert_int_equal(n, 3);
	near_v(rd, (const double[]){3, 0, 12}, 3, "series read");
	free(rd);
	tu_write_file(tu_path("bad.flows"), "3\n-1\n");
	assert_int_equal(
	    fm_chart_series_read(tu_path("bad.flows"), &rd, &n, &err),
	    FM_EFORMAT);
	assert_non_null(strstr(err.msg, "bad.flows:2"));
	assert_int_equal(fm_chart_series_read(tu_path("none"), &rd, &n, &err),
			 FM_ENOTFOUND);
}

static void test_reference(void **state)
{
	const char *data = tu_shared_data();
	char hp[1024], mp[1024];
	struct fm_histogram h;
	struct fm_mixture_dir md;
	struct fm_chartdata cd;
	struct fm_error err = {0};
	(void)state;

	if (!data)
		skip();
	snprintf(hp, sizeof(hp),
		 "%s/agh_2015061019_IPv4_anon/histograms/all/length.csv", data);
	snprintf(mp, sizeof(mp),
		 "%s/agh_2015061019_IPv4_anon/mixtures/all/length", data);
	fm_histogram_init(&h);
	fm_mixture_dir_init(&md);
	if (fm_histogram_read(&h, hp, FM_HCOL_BASIC, NULL, &err) < 0 ||
	    fm_mixture_dir_read(&md, mp, &err) < 0)
		skip();
	assert_int_equal(fm_chartdata_build(&cd, &h, &md, FM_MIX_X_LENGTH,
					    FM_CHART_NPOINTS, 1, &err),
			 0);
	assert_true(cd.n > 100 && cd.n <= 128);
	assert_true(cd.x[0] == 1 &&
		    cd.x[cd.n - 1] == (double)h.bin_lo[h.n - 1]);
	for (int c = 0; c < 3; c++) {
		const struct fm_chart_col *k = &cd.col[c];
		double sum = 0;

		/* the data CDF starts at the first bin's share and ends at 1 */
		near(k->cdf[cd.n - 1], 1.0, "cdf end", (size_t)c);
		for (size_t i = 1; i < cd.n; i++)
			assert_true(k->cdf[i] >= k->cdf[i - 1]);
		/* the points sum (times their widths) to 1 */
		for (size_t i = 0; i < cd.nbins; i++) {
			double next = i + 1 < cd.nbins ? cd.bx[i + 1]
						       : (double)h.bin_hi[i];
			sum += k->pts[i] * (next - cd.bx[i]);
		}
		assert_true(fabs(sum - 1) < 1e-9);
		/* components sum to the model; the top of the stack is it */
		assert_int_equal(k->ncomp, 10);
		for (size_t i = 0; i < cd.n; i++) {
			double s = 0;
			for (size_t j = 0; j < k->ncomp; j++)
				s += k->comp_pdf[j * cd.n + i];
			assert_true(fabs(s - k->mix_pdf[i]) <=
				    1e-12 * fabs(k->mix_pdf[i]) + 1e-300);
			assert_true(
			    fabs(k->stack_cdf[(k->ncomp - 1) * cd.n + i] -
				 k->mix_cdf[i]) < 1e-12);
		}
	}
	/* the shipped length/flows mixture: cdf(1) = 0.2668 + 0.2498/2 + ...
	 * is within a percent of the data's share of 1-packet flows */
	assert_true(fabs(cd.col[0].mix_cdf[0] - cd.col[0].cdf[0]) < 0.01);
	assert_true(cd.ps_min >= 64 && cd.ps_max <= 1600 && cd.ps_avg > 700 &&
		    cd.ps_avg < 900);
	fm_chartdata_release(&cd);
	fm_mixture_dir_release(&md);
	fm_histogram_release(&h);
}

static const char *source_dir(void)
{
	static char dir[4096];
	const char *env = getenv("FM_SOURCE_DIR");
	char *p;

	if (env && *env)
		return env;
	snprintf(dir, sizeof(dir), "%s", __FILE__);
	p = strstr(dir, "/tests/unit/");
	if (!p)
		return NULL;
	*p = '\0';
	return dir;
}

static void rel(double got, double want, double tol, const char *what, size_t i)
{
	double m = fabs(want) > 1e-300 ? fabs(want) : 1e-300;

	if (!(fabs(got - want) <= tol * m))
		fail_msg(
		    "%s at grid point %zu: got %.17g, oracle %.17g (rel %.3g)",
		    what, i, got, want, fabs(got - want) / m);
}

/*
 * The reference's figure numbers, computed by numpy/scipy from its
 * formulas (tests/golden/plot/make-golden.py -> length-lines.txt).
 */
static void test_oracle(void **state)
{
	const char *data = tu_shared_data(), *src = source_dir();
	char hp[1024], mp[1024], gp[4200];
	struct fm_histogram h;
	struct fm_mixture_dir md;
	struct fm_chartdata cd;
	struct fm_error err = {0};
	char *text, *s;
	size_t row = 0;
	(void)state;

	if (!data || !src)
		skip();
	snprintf(hp, sizeof(hp),
		 "%s/agh_2015061019_IPv4_anon/histograms/all/length.csv", data);
	snprintf(mp, sizeof(mp),
		 "%s/agh_2015061019_IPv4_anon/mixtures/all/length", data);
	snprintf(gp, sizeof(gp), "%s/tests/golden/plot/length-lines.txt", src);
	fm_histogram_init(&h);
	fm_mixture_dir_init(&md);
	if (fm_histogram_read(&h, hp, FM_HCOL_BASIC, NULL, &err) < 0 ||
	    fm_mixture_dir_read(&md, mp, &err) < 0)
		skip();
	text = tu_read_file(gp, NULL);
	assert_non_null(text);
	assert_int_equal(fm_chartdata_build(&cd, &h, &md, FM_MIX_X_LENGTH,
					    FM_CHART_NPOINTS, 1, &err),
			 0);
	for (s = text; *s;) {
		double v[19];
		char *e = strchr(s, '\n');
		int k = 0;

		if (*s != '#') {
			char *q = s;
			for (k = 0; k < 19; k++)
				v[k] = strtod(q, &q);
			assert_true(row < cd.n);
			assert_true(cd.x[row] == v[0]);
			for (int c = 0; c < 3; c++) {
				const struct fm_chart_col *col = &cd.col[c];
				rel(col->cdf[row], v[1 + 4 * c], 1e-13,
				    "data cdf", row);
				rel(col->pdf[row], v[2 + 4 * c], 1e-11,
				    "data pdf", row);
				rel(col->mix_cdf[row], v[3 + 4 * c], 1e-9,
				    "mixture cdf", row);
				rel(col->mix_pdf[row], v[4 + 4 * c], 1e-8,
				    "mixture pdf", row);
			}
			rel(cd.col[1].avg_line[row], v[13], 1e-10,
			    "avg packets", row);
			rel(cd.col[2].avg_line[row], v[14], 1e-10, "avg octets",
			    row);
			rel(cd.ps_line[row], v[15], 1e-10, "packet size", row);
			rel(cd.col[1].mix_avg[row], v[16], 1e-8,
			    "model avg packets", row);
			rel(cd.col[2].mix_avg[row], v[17], 1e-8,
			    "model avg octets", row);
			rel(cd.ps_mix[row], v[18], 1e-8, "model packet size",
			    row);
			row++;
		}
		s = e ? e + 1 : s + strlen(s);
	}
	assert_int_equal(row, cd.n);
	free(text);
	fm_chartdata_release(&cd);
	fm_mixture_dir_release(&md);
	fm_histogram_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grid),    cmocka_unit_test(test_data_lines),
	    cmocka_unit_test(test_points),  cmocka_unit_test(test_mixture),
	    cmocka_unit_test(test_bundle),  cmocka_unit_test(test_differential),
	    cmocka_unit_test(test_rolling), cmocka_unit_test(test_reference),
	    cmocka_unit_test(test_oracle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-fit.c - EM fitting: agreement with the reference's fits of the
 * shipped histogram (1e-9 relative, the worst figure printed), recovery of
 * known parameters from synthetic histograms for every family, the initial
 * mixture, warnings and errors, cancel, two fits in two threads, and the
 * quality figures against a naive computation.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/fit.h"
#include "testutil.h"

static const char *refdir(void)
{
	static char path[4300];
	const char *d = tu_shared_data();
	if (!d)
		return NULL;
	snprintf(path, sizeof(path), "%s/agh_2015061019_IPv4_anon", d);
	return path;
}

static double relerr(double a, double b)
{
	if (a == b)
		return 0;
	return fabs(a - b) / fabs(b);
}

/* fit -i 400 -U 6 -L 4 -y Y histograms/all/length.csv vs
 * mixtures/all/length/Y.json */
static void test_reference_fits(void **state)
{
	const char *ys[3] = {"flows", "packets", "octets"};
	struct fm_histogram h;
	struct fm_error err = {0};
	char path[4400];
	double worst_all = 0;
	(void)state;
	if (!refdir())
		skip();
	snprintf(path, sizeof(path), "%s/histograms/all/length.csv", refdir());
	fm_histogram_init(&h);
	assert_int_equal(fm_histogram_read(&h, path, FM_HCOL_BASIC, NULL, &err),
			 0);
	for (int y = 0; y < 3; y++) {
		struct fm_mixture m, ref;
		struct fm_fit_opts o = {.max_iter = 400, .threads = 2};
		double worst = 0;
		fm_mixture_init(&m);
		fm_mixture_init(&ref);
		snprintf(path, sizeof(path), "%s/mixtures/all/length/%s.json",
			 refdir(), ys[y]);
		assert_int_equal(fm_mixture_read(&ref, path, &err), 0);
		assert_int_equal(fm_fit_initial(&m, h.bin_lo[0],
						h.bin_lo[h.n - 1], 6, 0, 4,
						&err),
				 0);
		assert_int_equal(
		    fm_fit_histogram(&m, &h, (enum fm_hcol)y, &o, &err), 0);
		assert_int_equal(m.n, ref.n);
		assert_true(m.sum == ref.sum);
		for (size_t k = 0; k < m.n; k++) {
			assert_int_equal(m.comp[k].dist, ref.comp[k].dist);
			worst = fmax(worst, relerr(m.comp[k].weight,
						   ref.comp[k].weight));
			for (int j = 0; j < fm_dist_nparams(m.comp[k].dist);
			     j++) {
				worst = fmax(worst, relerr(m.comp[k].p[j],
							   ref.comp[k].p[j]));
				assert_int_equal(m.comp[k].p_int[j],
						 ref.comp[k].p_int[j]);
			}
		}
		printf("reference fit %s: worst relative error %.3g\n", ys[y],
		       worst);
		assert_true(worst < 1e-9);
		worst_all = fmax(worst_all, worst);
		assert_true(m.stats.valid && m.stats.k == 17 &&
			    m.stats.iterations == 400);
		fm_mixture_release(&m);
		fm_mixture_release(&ref);
	}
	printf("reference fits: worst relative error %.3g\n", worst_all);
	fm_histogram_release(&h);
}

/* ---- synthetic recovery ---- */

struct grid {
	size_t n;
	double *x, *w;
};

/* Points x = lo, lo*r, ... (rounded to integers when unit) with weights
 * = total density of the truth mixture times the spacing. */
static void make_grid(struct grid *g, const struct fm_mixture *truth, double lo,
		      double hi, double ratio)
{
	size_t cap = 1024;
	g->n = 0;
	g->x = malloc(cap * sizeof(double));
	g->w = malloc(cap * sizeof(double));
	for (double x = lo; x <= hi; x = ratio > 1 ? x * ratio : x + 1) {
		if (g->n == cap) {
			cap *= 2;
			g->x = realloc(g->x, cap * sizeof(double));
			g->w = realloc(g->w, cap * sizeof(double));
		}
		double next = ratio > 1 ? x * ratio : x + 1;
		g->x[g->n] = x;
		g->w[g->n] = fm_mixture_density(truth, x) * (next - x);
		g->n++;
	}
}

static void free_grid(struct grid *g)
{
	free(g->x);
	free(g->w);
}

static void check_close(const char *what, double got, double want, double tol)
{
	if (fabs(got - want) > tol * fabs(want))
		fail_msg("%s: got %.9g, want %.9g (tolerance %g)", what, got,
			 want, tol);
}

static void recover(enum fm_dist d, const double *truep, const double *startp,
		    double lo, double hi, double ratio, unsigned iters,
		    double tol)
{
	struct fm_mixture truth, m;
	struct fm_error err = {0};
	struct grid g;
	struct fm_fit_opts o = {.max_iter = iters};

	fm_mixture_init(&truth);
	fm_mixture_init(&m);
	assert_int_equal(fm_mixture_add(&truth, 1.0, d, truep, NULL, &err), 0);
	assert_int_equal(fm_mixture_add(&m, 1.0, d, startp, NULL, &err), 0);
	make_grid(&g, &truth, lo, hi, ratio);
	if (fm_fit_em(&m, g.x, g.w, g.n, &o, &err) < 0)
		fail_msg("%s: %s", fm_dist_name(d), err.msg);
	for (int j = 0; j < fm_dist_nparams(d); j++) {
		char what[64];
		snprintf(what, sizeof(what), "%s parameter %d", fm_dist_name(d),
			 j + 1);
		if (truep[j] == 0)
			assert_true(m.comp[0].p[j] == 0);
		else
			check_close(what, m.comp[0].p[j], truep[j], tol);
	}
	check_close("weight", m.comp[0].weight, 1.0, 1e-9);
	free_grid(&g);
	fm_mixture_release(&truth);
	fm_mixture_release(&m);
}

static void test_recover_single(void **state)
{
	(void)state;
	recover(FM_DIST_NORM, (double[]){1000, 150}, (double[]){500, 400}, 1,
		2000, 1, 20, 1e-6);
	recover(FM_DIST_LOGNORM, (double[]){0.8, 0, 200},
		(double[]){2.0, 0, 10}, 1, 1e6, 1.002, 20, 1e-4);
	recover(FM_DIST_GAMMA, (double[]){3.0, 0, 50}, (double[]){1.0, 0, 100},
		1, 3000, 1, 300, 1e-3);
	recover(FM_DIST_GAMMA, (double[]){0.6, 0, 500}, (double[]){2.0, 0, 100},
		1e-7, 1e5, 1.002, 300, 1e-3);
	/* the weibull M-step takes 5 Newton steps from k = 1 on the
	 * reference's approximate derivative: close, not exact */
	recover(FM_DIST_WEIBULL_MIN, (double[]){1.5, 0, 100},
		(double[]){1.0, 0, 50}, 0.01, 2000, 1.002, 200, 2e-2);
	recover(FM_DIST_WEIBULL_MIN, (double[]){0.9, 0, 30},
		(double[]){1.0, 0, 10}, 0.001, 5000, 1.002, 200, 2e-2);
	/* Pareto I with fixed location 100: alpha 1.5 -> c = 1/1.5, scale =
	 * 100/1.5 */
	recover(FM_DIST_GENPARETO, (double[]){1 / 1.5, 100, 100 / 1.5},
		(double[]){1.0, 100, 10.0}, 100.05, 1e8, 1.001, 5, 2e-3);
}

/* Two lognorms and a uniform at x = 1: weights and parameters come back. */
static void test_recover_mixture(void **state)
{
	struct fm_mixture truth, m;
	struct fm_error err = {0};
	struct fm_fit_opts o = {.max_iter = 300};
	struct grid g;
	(void)state;
	fm_mixture_init(&truth);
	fm_mixture_init(&m);
	fm_mixture_add(&truth, 0.3, FM_DIST_LOGNORM, (double[]){0.5, 0, 20},
		       NULL, &err);
	fm_mixture_add(&truth, 0.7, FM_DIST_LOGNORM, (double[]){1.0, 0, 3000},
		       NULL, &err);
	/* x = 1 carries the uniform [0, 1] part (0.4), then a fine geometric
	 * grid carries 0.6 of the lognorms' density */
	make_grid(&g, &truth, 1.0, 1e7, 1.002);
	for (size_t i = 0; i < g.n; i++)
		g.w[i] *= 0.6;
	g.w[0] = 0.4;
	assert_int_equal(fm_fit_initial(&m, 1, 10000000, 1, 0, 2, &err), 0);
	assert_int_equal(fm_fit_em(&m, g.x, g.w, g.n, &o, &err), 0);
	double tw = 0.4 + 0.6 * (1 - fm_mixture_cdf(&truth, 1.0));
	check_close("uniform weight", m.comp[0].weight * tw, 0.4, 1e-3);
	check_close("lognorm 1 weight", m.comp[1].weight * tw, 0.6 * 0.3, 1e-3);
	check_close("lognorm 2 weight", m.comp[2].weight * tw, 0.6 * 0.7, 1e-3);
	check_close("lognorm 1 s", m.comp[1].p[0], 0.5, 1e-3);
	check_close("lognorm 1 scale", m.comp[1].p[2], 20, 1e-3);
	check_close("lognorm 2 s", m.comp[2].p[0], 1.0, 1e-3);
	check_close("lognorm 2 scale", m.comp[2].p[2], 3000, 1e-3);
	assert_true(m.comp[0].p[1] == 1 && m.comp[0].p_int[1]);
	free_grid(&g);
	fm_mixture_release(&truth);
	fm_mixture_release(&m);
}

/* -U 1 -P 1: a uniform at x = 1 and a Pareto I (location 1) beyond it. */
static void test_recover_pareto_P(void **state)
{
	struct fm_mixture truth, m;
	struct fm_error err = {0};
	struct fm_fit_opts o = {.max_iter = 20};
	struct grid g;
	(void)state;
	fm_mixture_init(&truth);
	fm_mixture_init(&m);
	/* Pareto I alpha = 1.5, beta = 1: genpareto [1/1.5, 1, 1/1.5] */
	fm_mixture_add(&truth, 1.0, FM_DIST_GENPARETO,
		       (double[]){1 / 1.5, 1, 1 / 1.5}, NULL, &err);
	make_grid(&g, &truth, 1.0, 1e9, 1.001);
	for (size_t i = 0; i < g.n; i++)
		g.w[i] *= 0.7;
	g.w[0] = 0.3;
	assert_int_equal(fm_fit_initial(&m, 1, 1000000000, 1, 1, 0, &err), 0);
	assert_int_equal(m.comp[1].dist, FM_DIST_GENPARETO);
	assert_true(m.comp[1].p[1] == 1 && m.comp[1].p_int[1]);
	assert_int_equal(fm_fit_em(&m, g.x, g.w, g.n, &o, &err), 0);
	double tw = 0;
	for (size_t i = 0; i < g.n; i++)
		tw += g.w[i];
	check_close("uniform weight", m.comp[0].weight * tw, 0.3, 1e-9);
	check_close("Pareto c = 1/alpha", m.comp[1].p[0], 1 / 1.5, 2e-3);
	check_close("Pareto scale = beta/alpha", m.comp[1].p[2], 1 / 1.5, 2e-3);
	assert_true(m.comp[1].p[1] == 1 && m.comp[1].p_int[1]);
	/* the Pareto weight cap */
	o.max_pareto_w = 0.5;
	assert_int_equal(fm_fit_initial(&m, 1, 1000000000, 1, 1, 0, &err), 0);
	assert_int_equal(fm_fit_em(&m, g.x, g.w, g.n, &o, &err), 0);
	assert_true(m.comp[1].weight == 0.5);
	free_grid(&g);
	fm_mixture_release(&truth);
	fm_mixture_release(&m);
}

/* ---- initial mixture, warnings and errors ---- */

struct logcap {
	char text[4096];
};

static void capture(void *ctx, enum fm_log_level level, const char *msg)
{
	struct logcap *c = ctx;
	(void)level;
	strncat(c->text, msg, sizeof(c->text) - strlen(c->text) - 2);
	strcat(c->text, "\n");
}

static void test_initial(void **state)
{
	struct fm_mixture m;
	struct fm_error err = {0};
	(void)state;
	fm_mixture_init(&m);
	assert_int_equal(fm_fit_initial(&m, 1, 4194304, 6, 0, 4, &err), 0);
	assert_int_equal(m.n, 10);
	for (int u = 0; u < 6; u++) {
		assert_int_equal(m.comp[u].dist, FM_DIST_UNIFORM);
		assert_true(m.comp[u].p[0] == 0 && m.comp[u].p[1] == 1 + u);
		assert_true(m.comp[u].p_int[0] && m.comp[u].p_int[1]);
		assert_true(m.comp[u].weight == 0.1);
	}
	/* numpy.geomspace(6, 4194304, 4) */
	double la = log10(6.0), step = (log10(4194304.0) - la) / 3;
	assert_true(m.comp[6].p[2] == 6.0);
	assert_true(m.comp[7].p[2] == pow(10.0, 1 * step + la));
	assert_true(m.comp[8].p[2] == pow(10.0, 2 * step + la));
	assert_true(m.comp[9].p[2] == 4194304.0);
	assert_true(m.comp[7].p[0] == 2.0 && m.comp[7].p[1] == 0 &&
		    m.comp[7].p_int[1]);

	/* U=2 P=3 L=1: Pareto 1 at xmin + U - 1 = 2, the others and the
	 * lognorm on geomspace(2, 100, P + L = 4), whose last point is unused
	 */
	assert_int_equal(fm_fit_initial(&m, 1, 100, 2, 3, 1, &err), 0);
	assert_int_equal(m.n, 6);
	step = (log10(100.0) - log10(2.0)) / 3;
	assert_true(m.comp[2].dist == FM_DIST_GENPARETO &&
		    m.comp[2].p[1] == 2 && m.comp[2].p_int[1]);
	assert_true(m.comp[3].p[1] == 2.0 && !m.comp[3].p_int[1]);
	assert_true(m.comp[4].p[1] == pow(10.0, 1 * step + log10(2.0)));
	assert_true(m.comp[5].dist == FM_DIST_LOGNORM &&
		    m.comp[5].p[2] == pow(10.0, 2 * step + log10(2.0)));
	assert_true(m.comp[3].p[0] == 1.0 && m.comp[3].p[2] == 10.0);

	/* one point: g = [a] */
	assert_int_equal(fm_fit_initial(&m, 5, 50, 0, 0, 1, &err), 0);
	assert_true(m.comp[0].p[2] == 5.0);

	assert_int_equal(fm_fit_initial(&m, 1, 100, 0, 0, 0, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "no components"));
	/* data from 0 (duration): built for 1..101, moved back by 1: the
	 * uniform [-1, 1] covers x = 0 as [0, 1] covers length 1 */
	assert_int_equal(fm_fit_initial(&m, 0, 100, 1, 1, 1, &err), 0);
	assert_true(m.comp[0].p[0] == -1 && m.comp[0].p[1] == 1);
	assert_true(m.comp[1].p[1] == 0);  /* Pareto at xmin + U - 1 - 1 */
	assert_true(m.comp[2].p[1] == -1); /* lognorm loc */
	assert_true(m.comp[2].p[2] == 1);  /* geomspace(1, 101, 2)[0] */
	fm_mixture_release(&m);
}

/*
 * A histogram starting at 0 (duration) is fitted as the same counts at
 * x + 1 (a length histogram, the reference's case) and the result moved
 * back by 1: the same weights and parameters, locations 1 lower, and the
 * same quality figures.
 */
static void test_shifted_origin(void **state)
{
	static const char *const csv[2] = {
	    "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n"
	    "0,1,40,40,4000\n1,2,10,20,2000\n3,4,12,48,4800\n"
	    "7,8,9,72,7200\n20,22,5,100,10000\n90,100,2,190,19000\n",
	    "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n"
	    "1,2,40,40,4000\n2,3,10,20,2000\n4,5,12,48,4800\n"
	    "8,9,9,72,7200\n21,23,5,100,10000\n91,101,2,190,19000\n"};
	struct fm_histogram h[2];
	struct fm_mixture m[2];
	struct fm_error err = {0};
	(void)state;
	for (int k = 0; k < 2; k++) {
		struct fm_fit_opts o = {.max_iter = 60, .threads = 1};
		fm_histogram_init(&h[k]);
		fm_mixture_init(&m[k]);
		assert_int_equal(fm_histogram_parse(&h[k], "h.csv", csv[k],
						    strlen(csv[k]),
						    FM_HCOL_BASIC, NULL, &err),
				 0);
		assert_int_equal(fm_fit_initial(&m[k], h[k].bin_lo[0],
						h[k].bin_lo[h[k].n - 1], 1, 1,
						2, &err),
				 0);
		assert_int_equal(
		    fm_fit_histogram(&m[k], &h[k], FM_HCOL_FLOWS, &o, &err), 0);
	}
	assert_int_equal(m[0].n, m[1].n);
	for (size_t c = 0; c < m[0].n; c++) {
		const struct fm_component *a = &m[0].comp[c],
					  *b = &m[1].comp[c];
		int loc = a->dist == FM_DIST_UNIFORM ? 0 : 1;
		assert_true(relerr(a->weight, b->weight) < 1e-12);
		for (int j = 0; j < fm_dist_nparams(a->dist); j++)
			assert_true(relerr(a->p[j] + (j == loc ? 1 : 0),
					   b->p[j]) < 1e-12);
	}
	assert_true(m[0].comp[0].p[0] == -1 && m[0].comp[0].p[1] == 1);
	assert_true(isfinite(m[0].stats.loglik));
	assert_true(relerr(m[0].stats.loglik, m[1].stats.loglik) < 1e-12);
	for (int k = 0; k < 2; k++) {
		fm_mixture_release(&m[k]);
		fm_histogram_release(&h[k]);
	}
}

static void test_warnings_errors(void **state)
{
	struct fm_mixture m;
	struct fm_error err = {0};
	struct logcap cap = {""};
	struct fm_log log = {capture, &cap};
	struct fm_fit_opts o = {.max_iter = 5, .log = &log};
	double x[4] = {1, 2, 3, 10}, w[4] = {5, 3, 2, 1};
	(void)state;
	fm_mixture_init(&m);
	/* U >= 1 with P >= 2: the first two Paretos start identical */
	assert_int_equal(fm_fit_initial(&m, 1, 10, 1, 2, 0, &err), 0);
	assert_int_equal(fm_fit_em(&m, x, w, 4, &o, &err), 0);
	assert_non_null(
	    strstr(cap.text, "components 2 and 3 (genpareto) start identical"));
	/* P >= 1 with U = 0 on length data: location 0 */
	assert_int_equal(fm_fit_initial(&m, 1, 10, 0, 1, 0, &err), 0);
	assert_int_equal(fm_fit_em(&m, x, w, 4, &o, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "genpareto location 0 <= 0"));
	assert_non_null(strstr(err.msg, "-U >= 1"));
	/* log-based components need x > 0 */
	double x0[4] = {0, 1, 2, 3};
	assert_int_equal(fm_fit_initial(&m, 1, 10, 0, 0, 1, &err), 0);
	assert_int_equal(fm_fit_em(&m, x0, w, 4, &o, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "need x > 0"));
	/* bad weights */
	double wz[4] = {0, 0, 0, 0}, wn[4] = {1, -1, 0, 0};
	assert_int_equal(fm_fit_em(&m, x, wz, 4, &o, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "all weights are zero"));
	assert_int_equal(fm_fit_em(&m, x, wn, 4, &o, &err), FM_EINVAL);
	assert_int_equal(fm_fit_em(&m, x, w, 0, &o, &err), FM_EINVAL);
	/* a degenerate M-step keeps the old parameters, with a warning */
	fm_mixture_release(&m);
	fm_mixture_add(&m, 1, FM_DIST_UNIFORM, (double[]){0, 1}, NULL, &err);
	fm_mixture_add(&m, 1, FM_DIST_GAMMA, (double[]){2, 5, 1}, NULL, &err);
	double xs[2] = {1, 2}, ws[2] = {1, 0};
	cap.text[0] = '\0';
	assert_int_equal(fm_fit_em(&m, xs, ws, 2, &o, &err), 0);
	assert_non_null(
	    strstr(cap.text,
		   "component 2 (gamma): the M-step gave invalid parameters"));
	assert_true(m.comp[1].p[0] == 2 && m.comp[1].p[1] == 5 &&
		    m.comp[1].p[2] == 1);
	fm_mixture_release(&m);
}

/* ---- cancel and threads ---- */

struct cancel_ctx {
	unsigned stop_at, seen;
};

static int on_iter(void *ctx, unsigned iter, const struct fm_mixture *mix)
{
	struct cancel_ctx *c = ctx;
	assert_int_equal(mix->n, 3);
	c->seen = iter;
	return iter >= c->stop_at;
}

static void synthetic(double *x, double *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		x[i] = (double)(i + 1);
		w[i] = floor(1e6 * exp(-log(x[i]) * log(x[i]) / 8) / x[i]) +
		       (i == 0 ? 5e5 : 0);
	}
}

static void test_cancel(void **state)
{
	struct fm_mixture m, before;
	struct fm_error err = {0};
	struct cancel_ctx c = {3, 0};
	struct fm_fit_opts o = {
	    .max_iter = 50, .on_iteration = on_iter, .ctx = &c};
	double x[500], w[500];
	(void)state;
	synthetic(x, w, 500);
	fm_mixture_init(&m);
	fm_mixture_init(&before);
	assert_int_equal(fm_fit_initial(&m, 1, 500, 1, 0, 2, &err), 0);
	assert_int_equal(fm_mixture_copy(&before, &m, &err), 0);
	assert_int_equal(fm_fit_em(&m, x, w, 500, &o, &err), FM_ECANCEL);
	assert_int_equal(c.seen, 3);
	for (size_t k = 0; k < m.n; k++)
		assert_memory_equal(&m.comp[k], &before.comp[k],
				    sizeof(m.comp[k]));
	c.stop_at = 1000;
	assert_int_equal(fm_fit_em(&m, x, w, 500, &o, &err), 0);
	assert_int_equal(c.seen, 50);
	fm_mixture_release(&m);
	fm_mixture_release(&before);
}

struct job {
	const double *x, *w;
	size_t n;
	struct fm_mixture m;
	int r;
	unsigned threads;
};

static void *run_fit(void *arg)
{
	struct job *j = arg;
	struct fm_fit_opts o = {.max_iter = 200, .threads = j->threads};
	fm_mixture_init(&j->m);
	j->r = fm_fit_initial(&j->m, 1, (int64_t)j->n, 2, 0, 3, NULL);
	if (j->r == 0)
		j->r = fm_fit_em(&j->m, j->x, j->w, j->n, &o, NULL);
	return NULL;
}

static void test_threads(void **state)
{
	enum { N = 3000 };
	static double x[N], w[N];
	struct job seq = {x, w, N, {0}, 0, 1}, a = seq, b = seq, c = seq;
	pthread_t ta, tb;
	(void)state;
	synthetic(x, w, N);
	run_fit(&seq);
	assert_int_equal(seq.r, 0);
	assert_int_equal(pthread_create(&ta, NULL, run_fit, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, run_fit, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.r, 0);
	assert_int_equal(b.r, 0);
	for (size_t k = 0; k < seq.m.n; k++) {
		assert_memory_equal(&a.m.comp[k], &seq.m.comp[k],
				    sizeof(seq.m.comp[k]));
		assert_memory_equal(&b.m.comp[k], &seq.m.comp[k],
				    sizeof(seq.m.comp[k]));
	}
	/* a fit using 3 and 7 threads itself gives the same bits */
	c.threads = 3;
	run_fit(&c);
	assert_int_equal(c.r, 0);
	for (size_t k = 0; k < seq.m.n; k++)
		assert_memory_equal(&c.m.comp[k], &seq.m.comp[k],
				    sizeof(seq.m.comp[k]));
	fm_mixture_release(&c.m);
	c.threads = 7;
	run_fit(&c);
	for (size_t k = 0; k < seq.m.n; k++)
		assert_memory_equal(&c.m.comp[k], &seq.m.comp[k],
				    sizeof(seq.m.comp[k]));
	fm_mixture_release(&c.m);
	fm_mixture_release(&seq.m);
	fm_mixture_release(&a.m);
	fm_mixture_release(&b.m);
}

/* ---- quality figures ---- */

static void test_quality(void **state)
{
	struct fm_mixture m;
	struct fm_mix_stats st;
	struct fm_error err = {0};
	int64_t lo[4] = {1, 2, 4, 8}, hi[4] = {2, 4, 8, 64};
	double w[4] = {10, 20, 5, 0};
	(void)state;
	fm_mixture_init(&m);
	fm_mixture_add(&m, 0.5, FM_DIST_UNIFORM, (double[]){0, 1}, NULL, &err);
	fm_mixture_add(&m, 1.5, FM_DIST_LOGNORM, (double[]){1.1, 0, 3}, NULL,
		       &err);
	fm_mixture_add(&m, 1.0, FM_DIST_GENPARETO, (double[]){0.5, 1, 2}, NULL,
		       &err);
	fm_fit_quality(&m, lo, hi, w, 4, &st);
	/* naive: P_i = F(hi - 1) - F(lo - 1), weights normalised by hand */
	double L = 0;
	for (int i = 0; i < 4; i++) {
		double F[2];
		double pts[2] = {i == 0 ? 0.0 : lo[i] - 1.0, hi[i] - 1.0};
		for (int e = 0; e < 2; e++)
			F[e] = 0.5 / 3 *
				   fm_dist_cdf(FM_DIST_UNIFORM, m.comp[0].p,
					       pts[e]) +
			       1.5 / 3 *
				   fm_dist_cdf(FM_DIST_LOGNORM, m.comp[1].p,
					       pts[e]) +
			       1.0 / 3 *
				   fm_dist_cdf(FM_DIST_GENPARETO, m.comp[2].p,
					       pts[e]);
		L += w[i] * log(F[1] - F[0]);
	}
	assert_true(st.valid);
	assert_int_equal(st.k, 2 + 0 + 2 + 1);
	assert_true(st.n == 35);
	check_close("log-likelihood", st.loglik, L, 1e-12);
	check_close("aic", st.aic, 2 * 5 - 2 * L, 1e-12);
	check_close("bic", st.bic, 5 * log(35.0) - 2 * L, 1e-12);
	/* a bin of probability zero */
	int64_t lo2[2] = {1, 1000}, hi2[2] = {2, 1001};
	double w2[2] = {1, 1};
	fm_mixture_release(&m);
	fm_mixture_add(&m, 1, FM_DIST_UNIFORM, (double[]){0, 1}, NULL, &err);
	fm_fit_quality(&m, lo2, hi2, w2, 2, &st);
	assert_true(isinf(st.loglik) && st.loglik < 0);
	fm_mixture_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reference_fits),
	    cmocka_unit_test(test_recover_single),
	    cmocka_unit_test(test_recover_mixture),
	    cmocka_unit_test(test_recover_pareto_P),
	    cmocka_unit_test(test_initial),
	    cmocka_unit_test(test_shifted_origin),
	    cmocka_unit_test(test_warnings_errors),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_quality),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

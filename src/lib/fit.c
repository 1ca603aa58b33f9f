/*
 * fit.c - EM fitting of mixtures (see fit.h and SPEC 7).
 *
 * Layout: the responsibilities r[k][i] live in one K x n array, component
 * major, so that the E-step fills one contiguous row per component and the
 * M-step reads it back contiguously.  log(x) is computed once.  The
 * lognorm density, which dominates the cost, is evaluated with a single
 * exp: scipy's exp(-log(y)^2 / (2 s^2) - log(s y sqrt(2 pi))) / scale with
 * y = x / scale equals exp(-(log x - log scale)^2 / (2 s^2) - log x -
 * log(s sqrt(2 pi))); the two differ by rounding only.
 *
 * Each E-step row is normalised to sum 1 and scaled by w_i / mean(w) in
 * one multiplication by t_i = (w_i / mean(w)) / rowsum_i.
 *
 * Everything a fit needs is in struct em (no globals): fits in several
 * threads do not interact.
 */
#include <float.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "flowmodels/fit.h"
#include "vexp-int.h"

#define SQRT_2PI 2.5066282746310002

static int takes_log(enum fm_dist d)
{
	return d == FM_DIST_LOGNORM || d == FM_DIST_GENPARETO ||
	       d == FM_DIST_GAMMA || d == FM_DIST_WEIBULL_MIN;
}

/* numpy.geomspace(a, b, n) as SPEC 7 spells it. */
static void geomspace(double a, double b, size_t n, double *g)
{
	double la = log10(a), lb = log10(b), step;

	if (n == 0)
		return;
	if (n == 1) {
		g[0] = a;
		return;
	}
	step = (lb - la) / (double)(n - 1);
	for (size_t i = 0; i < n; i++)
		g[i] = pow(10.0, (double)i * step + la);
	g[0] = a;
	g[n - 1] = b;
}

void fm_fit_shift(struct fm_mixture *m, double d)
{
	for (size_t k = 0; k < m->n; k++) {
		struct fm_component *c = &m->comp[k];
		int loc = c->dist == FM_DIST_UNIFORM || c->dist == FM_DIST_NORM
			      ? 0
			      : 1;
		c->p[loc] += d;
	}
}

int64_t fm_fit_origin_shift(int64_t xmin)
{
	return xmin <= 0 && xmin > INT64_MIN + 1 ? 1 - xmin : 0;
}

static int initial_mixture(struct fm_mixture *m, int64_t xmin, int64_t xmax,
			   unsigned U, unsigned P, unsigned L,
			   struct fm_error *err);

int fm_fit_initial(struct fm_mixture *m, int64_t xmin, int64_t xmax, unsigned U,
		   unsigned P, unsigned L, struct fm_error *err)
{
	int64_t d = xmin <= 0 ? 1 - xmin : 0;
	int r;

	fm_mixture_release(m);
	if ((size_t)U + P + L == 0)
		return fm_error_set(err, FM_EINVAL,
				    "the initial mixture has no components: "
				    "give -U, -P or -L counts");
	if (xmin + (int64_t)U - 1 > xmax)
		return fm_error_set(
		    err, FM_EINVAL,
		    "-U %u: more uniforms than x values (x from %lld to %lld)",
		    U, (long long)xmin, (long long)xmax);
	if (xmin <= 0 && (xmax > INT64_MAX - d || xmin < -(INT64_C(1) << 53)))
		return fm_error_set(err, FM_EINVAL,
				    "x from %lld to %lld: out of range",
				    (long long)xmin, (long long)xmax);
	/* data starting at or below 0: built for x - xmin + 1 (as length
	 * data starting at 1), then moved back */
	r = initial_mixture(m, xmin + d, xmax + d, U, P, L, err);
	if (r == 0 && d)
		fm_fit_shift(m, (double)-d);
	return r;
}

static int initial_mixture(struct fm_mixture *m, int64_t xmin, int64_t xmax,
			   unsigned U, unsigned P, unsigned L,
			   struct fm_error *err)
{
	size_t ng = (size_t)P + L, j = 0;
	double *g = NULL;
	int r = 0;
	if (ng) {
		g = malloc(ng * sizeof(double));
		if (!g)
			return fm_error_set(err, FM_ENOMEM,
					    "fit: out of memory");
		geomspace((double)(xmin + (U > 1 ? U : 1) - 1), (double)xmax,
			  ng, g);
	}
	for (unsigned u = 0; u < U && r == 0; u++) {
		double p[2] = {0, (double)(xmin + u)};
		unsigned char pi[2] = {1, 1};
		if (!(p[1] > 0)) {
			r = fm_error_set(err, FM_EINVAL,
					 "uniform %u would have scale %lld <= "
					 "0 (x starts at %lld)",
					 u + 1, (long long)(xmin + u),
					 (long long)xmin);
			break;
		}
		r = fm_mixture_add(m, 0.1, FM_DIST_UNIFORM, p, pi, err);
	}
	for (unsigned k = 0; k < P && r == 0; k++) {
		double p[3] = {1.0, 0, 10.0};
		unsigned char pi[3] = {0, 0, 0};
		if (k == 0) {
			p[1] = (double)(xmin + (int64_t)U - 1);
			pi[1] = 1;
		} else {
			p[1] = g[j++];
		}
		r = fm_mixture_add(m, 0.1, FM_DIST_GENPARETO, p, pi, err);
	}
	for (unsigned k = 0; k < L && r == 0; k++) {
		double p[3] = {2.0, 0, g[j++]};
		unsigned char pi[3] = {0, 1, 0};
		r = fm_mixture_add(m, 0.1, FM_DIST_LOGNORM, p, pi, err);
	}
	free(g);
	if (r < 0)
		fm_mixture_release(m);
	return r;
}

/* Rows are processed in blocks that stay in the L1/L2 cache. */
#define EM_BLOCK 512

struct em {
	size_t n, K;
	const double *x, *w;
	double *lx;    /* log x (NULL when no component needs it) */
	double *r;     /* K x n: v of weibull_min components */
	double *buf;   /* K x EM_BLOCK component values of a block */
	double *t;     /* EM_BLOCK row scales */
	double *part;  /* nblocks x K x NACC partial sums */
	double *shift; /* K: the M-step shift of each component */
	double avg_w;
	int ascending; /* x[i] < x[i+1] for all i */
	size_t *end;   /* per component: rows >= end[k] are zero */
	unsigned char *warned;
	const struct fm_log *log;
	/* threads: block bi is done by thread bi % nthreads (0 = the caller) */
	size_t nblocks;
	unsigned nthreads;
	const struct fm_mixture *cur;
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	unsigned gen, pending;
	int quit;
};

struct em_worker {
	struct em *e;
	unsigned id;
	double *buf, *t;
	pthread_t th;
};

/*
 * The end of component c's non-zero range: rows i >= end are zero for a
 * uniform (x ascending), so they are neither computed nor summed.
 */
static size_t active_end(const struct em *e, const struct fm_component *c)
{
	size_t lo = 0, hi = e->n;

	if (c->dist != FM_DIST_UNIFORM || !e->ascending)
		return e->n;
	/* first i with (x_i - loc) / scale > 1, by bisection */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((e->x[mid] - c->p[0]) / c->p[1] > 1)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo > 0 ? lo : 1;
}

/*
 * Fill row[0..end - b) with w_k * pdf_k(x_i) for i in [b, end), the first
 * bin by CDF difference.
 */
static void estep_component(struct em *e, const struct fm_component *c,
			    double *row, size_t b, size_t end)
{
	const double *x = e->x + b, *lx = e->lx ? e->lx + b : NULL;
	double wk = c->weight;

	if (end <= b)
		return;
	end -= b;

	switch (c->dist) {
	case FM_DIST_UNIFORM: {
		double loc = c->p[0], scale = c->p[1], v = 1.0 / scale * wk;
		for (size_t i = 0; i < end; i++) {
			double y = (x[i] - loc) / scale;
			row[i] = (y >= 0 && y <= 1) ? v : 0.0;
		}
		break;
	}
	case FM_DIST_LOGNORM:
		if (c->p[1] == 0 && c->p[0] > 0 && c->p[2] > 0) {
			double s = c->p[0], m = log(c->p[2]);
			double nf = -1.0 / (2 * s * s), cst = log(s * SQRT_2PI);
			fm_vlognorm(lx, end, m, nf, cst, wk, row);
			break;
		}
		/* a shifted lognorm takes the generic path */
		__attribute__((fallthrough));
	case FM_DIST_GAMMA:
		if (c->dist == FM_DIST_GAMMA && c->p[1] == 0 && c->p[0] > 0 &&
		    c->p[2] > 0) {
			/* exp((a - 1) log y - y - lgamma(a)) / scale, y = x /
			 * scale */
			double a = c->p[0], scale = c->p[2], ls = log(scale);
			gsl_sf_result lgr;
			double lg;
			if (gsl_sf_lngamma_e(a, &lgr) != GSL_SUCCESS)
				goto generic;
			lg = lgr.val;
			for (size_t i = 0; i < end; i++) {
				double y = x[i] / scale;
				row[i] =
				    exp((a - 1.0) * (lx[i] - ls) - y - lg) /
				    scale * wk;
			}
			break;
		}
		__attribute__((fallthrough));
	default:
	generic:
		for (size_t i = 0; i < end; i++)
			row[i] = fm_dist_pdf(c->dist, c->p, x[i]) * wk;
		break;
	}
	if (b == 0)
		row[0] = (fm_dist_cdf(c->dist, c->p, x[0]) -
			  fm_dist_cdf(c->dist, c->p, 0.0)) *
			 wk;
}

static double sum(const double *a, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i];
	return s;
}

static double dot(const double *a, const double *b, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/*
 * Per-component sums of one E-step, v_i = r[k][i] * t_i:
 *   acc[0] = sum v
 *   lognorm: acc[1] = sum v (log x - c), acc[2] = sum v (log x - c)^2
 *   norm:    the same with x;  c = the old log scale / loc (a shift that
 *            keeps the one-pass variance free of cancellation)
 *   genpareto: acc[1] = sum v log x
 *   gamma:   acc[1] = sum v x, acc[2] = sum v log x
 * weibull_min needs several passes: its v_i are kept in e->r.
 */
enum { NACC = 3 };

static double shift_of(const struct fm_component *c)
{
	if (c->dist == FM_DIST_LOGNORM)
		return log(c->p[2]);
	if (c->dist == FM_DIST_NORM)
		return c->p[0];
	return 0;
}

/* The M-step of one component; returns 0, or -1 when the result is not
 * finite (the caller keeps the old parameters). */
static int mstep(struct em *e, const struct fm_component *old,
		 const double *acc, const double *v, double upper, double *np)
{
	const double *x = e->x, *lx = e->lx;
	size_t n = e->n;

	memcpy(np, old->p, sizeof(old->p));
	switch (old->dist) {
	case FM_DIST_UNIFORM:
		return 0;
	case FM_DIST_NORM:
	case FM_DIST_LOGNORM: {
		double sw = acc[0], c = shift_of(old), mu, var, sigma;
		if (!(sw > 0)) {
			/* all v are 0: sum(v x) / EPS = 0 and sigma = EPS */
			mu = 0;
			sigma = DBL_EPSILON;
		} else {
			double m1 = acc[1] / sw;
			mu = c + m1;
			var = acc[2] / sw - m1 * m1;
			sigma = var > 0 ? sqrt(var) : 0;
			if (!(sigma > 0))
				sigma = DBL_EPSILON;
		}
		if (old->dist == FM_DIST_NORM) {
			np[0] = mu;
			np[1] = sigma;
		} else {
			np[0] = sigma;
			np[1] = 0;
			np[2] = exp(mu);
			if (np[2] < upper)
				memcpy(np, old->p, sizeof(old->p));
		}
		break;
	}
	case FM_DIST_GENPARETO: {
		double beta = old->p[1];
		double alpha = 1.0 / (acc[1] / acc[0] - log(beta));
		np[0] = 1.0 / alpha;
		np[1] = beta;
		np[2] = beta / alpha;
		break;
	}
	case FM_DIST_GAMMA: {
		double sw = acc[0], b = acc[1] / sw / old->p[0];
		/* sum(v (log x - log b - psi(a))) = 0  <=>  psi(a) = t */
		double t = acc[2] / sw - log(b), a;
		gsl_sf_result ps, ps1;
		if (t >= -2.22)
			a = exp(t) + 0.5;
		else
			a = -1.0 / (t + 0.5772156649015329);
		for (int it = 0; it < 100 && isfinite(a); it++) {
			double na;
			if (gsl_sf_psi_e(a, &ps) != GSL_SUCCESS ||
			    gsl_sf_psi_1_e(a, &ps1) != GSL_SUCCESS) {
				a = NAN;
				break;
			}
			na = a - (ps.val - t) / ps1.val;
			if (!(na > 0))
				na = a / 2;
			if (fabs(na - a) <= 4 * DBL_EPSILON * a) {
				a = na;
				break;
			}
			a = na;
		}
		np[0] = a;
		np[1] = 0;
		np[2] = b;
		break;
	}
	case FM_DIST_WEIBULL_MIN: {
		double S = sum(v, n), ko = old->p[0], sx = 0, l, ll, svl;
		double k = 1.0, p = 1.0;
		for (size_t i = 0; i < n; i++)
			sx += v[i] * pow(x[i], ko);
		l = pow(sx / S, 1.0 / ko);
		ll = log(l);
		svl = dot(v, lx, n);
		/* scipy.optimize.newton(f, 1.0, fprime, maxiter=5, tol=1.48e-8)
		 */
		for (int it = 0; it < 5; it++) {
			double sk = 0, sd = 0, f, fd;
			for (size_t i = 0; i < n; i++) {
				double q = x[i] / l, lq = log(q);
				sk += v[i] * (pow(x[i], k) * lq);
				sd += v[i] * (q * q) * (lq * lq);
			}
			f = 1.0 / k * S + svl - ll * S - pow(l, -k) * sk;
			if (f == 0) {
				p = k;
				break;
			}
			fd = -1.0 / (k * k) * S - sd;
			if (fd == 0) {
				p = k;
				break;
			}
			p = k - f / fd;
			if (fabs(p - k) <= 1.48e-8)
				break;
			k = p;
		}
		np[0] = p;
		np[1] = 0;
		np[2] = l;
		break;
	}
	default:
		return -1;
	}
	for (int j = 0; j < fm_dist_nparams(old->dist); j++)
		if (!isfinite(np[j]))
			return -1;
	if (fm_dist_check(old->dist, np, NULL) < 0)
		return -1;
	return 0;
}

/*
 * One E-step over the rows of block [b, b + bn): component values, row
 * scale t_i = (w_i / mean w) / rowsum_i, and the per-component sums of
 * v = r * t into part[k * NACC ...].
 */
static void estep_block(struct em *e, const struct fm_mixture *cur, size_t b,
			size_t bn, double *part, double *buf, double *t)
{
	size_t K = e->K, B = EM_BLOCK;
	const double *x = e->x + b, *lx = e->lx ? e->lx + b : NULL,
		     *w = e->w + b;

	for (size_t k = 0; k < K; k++) {
		size_t end = e->end[k] < b + bn ? e->end[k] : b + bn;
		double *row = buf + k * B;
		estep_component(e, &cur->comp[k], row, b, end);
		for (size_t i = end > b ? end - b : 0; i < bn; i++)
			row[i] = 0;
	}
	for (size_t i = 0; i < bn; i++)
		t[i] = 0;
	for (size_t k = 0; k < K; k++) {
		const double *row = buf + k * B;
		for (size_t i = 0; i < bn; i++)
			t[i] += row[i];
	}
	for (size_t i = 0; i < bn; i++) {
		double s = t[i] == 0.0 ? 1.0 : t[i];
		t[i] = w[i] / e->avg_w / s;
	}
	for (size_t k = 0; k < K; k++) {
		const struct fm_component *c = &cur->comp[k];
		const double *row = buf + k * B;
		double s0 = 0, s1 = 0, s2 = 0, sh = e->shift[k];
		switch (c->dist) {
		case FM_DIST_LOGNORM:
		case FM_DIST_NORM: {
			double mo[3];
			fm_vmoments(row, t, c->dist == FM_DIST_LOGNORM ? lx : x,
				    sh, bn, mo);
			s0 = mo[0];
			s1 = mo[1];
			s2 = mo[2];
			break;
		}
		case FM_DIST_GENPARETO:
			for (size_t i = 0; i < bn; i++) {
				double v = row[i] * t[i];
				s0 += v;
				s1 += v * lx[i];
			}
			break;
		case FM_DIST_GAMMA:
			for (size_t i = 0; i < bn; i++) {
				double v = row[i] * t[i];
				s0 += v;
				s1 += v * x[i];
				s2 += v * lx[i];
			}
			break;
		case FM_DIST_WEIBULL_MIN: {
			double *vr = e->r + k * e->n + b;
			for (size_t i = 0; i < bn; i++) {
				vr[i] = row[i] * t[i];
				s0 += vr[i];
			}
			break;
		}
		default:
			for (size_t i = 0; i < bn; i++)
				s0 += row[i] * t[i];
			break;
		}
		part[k * NACC + 0] = s0;
		part[k * NACC + 1] = s1;
		part[k * NACC + 2] = s2;
	}
}

/* The blocks of thread id; each writes only its own partial sums. */
static void run_blocks(struct em *e, unsigned id, double *buf, double *t)
{
	for (size_t bi = id; bi < e->nblocks; bi += e->nthreads) {
		size_t b0 = bi * EM_BLOCK;
		estep_block(e, e->cur, b0,
			    e->n - b0 < EM_BLOCK ? e->n - b0 : EM_BLOCK,
			    e->part + bi * e->K * NACC, buf, t);
	}
}

static void *em_worker_main(void *arg)
{
	struct em_worker *w = arg;
	struct em *e = w->e;
	unsigned seen = 0;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (e->gen == seen && !e->quit)
			pthread_cond_wait(&e->go, &e->mu);
		if (e->quit)
			break;
		seen = e->gen;
		pthread_mutex_unlock(&e->mu);
		run_blocks(e, w->id, w->buf, w->t);
		pthread_mutex_lock(&e->mu);
		if (--e->pending == 0)
			pthread_cond_signal(&e->done);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

static void warn_identical(const struct fm_mixture *m, const struct fm_log *log)
{
	for (size_t a = 0; a < m->n; a++)
		for (size_t b = a + 1; b < m->n; b++) {
			const struct fm_component *ca = &m->comp[a],
						  *cb = &m->comp[b];
			if (ca->dist == cb->dist && ca->weight == cb->weight &&
			    memcmp(ca->p, cb->p, sizeof(ca->p)) == 0) {
				fm_warn(log,
					"components %zu and %zu (%s) start "
					"identical and "
					"will stay identical",
					a + 1, b + 1, fm_dist_name(ca->dist));
				break;
			}
		}
}

/*
 * The bins (finite, weights >= 0, not all 0: their sum in *wsum) and the
 * components (*need_log: some take log x, which needs x > 0) before a fit.
 */
static int check_input(const struct fm_mixture *m, const double *x,
		       const double *w, size_t n, double *wsum, int *need_log,
		       struct fm_error *err)
{
	const size_t K = m->n;

	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(w[i]) || w[i] < 0)
			return fm_error_set(err, FM_EINVAL,
					    "fit: bin %zu: x %g / weight %g "
					    "not finite or negative",
					    i + 1, x[i], w[i]);
		*wsum += w[i];
	}
	if (!(*wsum > 0))
		return fm_error_set(err, FM_EINVAL,
				    "fit: all weights are zero");
	for (size_t k = 0; k < K; k++) {
		const struct fm_component *c = &m->comp[k];
		if (takes_log(c->dist))
			*need_log = 1;
		if (c->dist == FM_DIST_GENPARETO && !(c->p[1] > 0))
			return fm_error_set(
			    err, FM_EINVAL,
			    "component %zu: genpareto location %g <= 0 cannot "
			    "be "
			    "fitted (its log is needed): use -U >= 1 or an "
			    "--initial mixture",
			    k + 1, c->p[1]);
	}
	if (*need_log && !(x[0] > 0))
		return fm_error_set(
		    err, FM_EINVAL,
		    "fit: x value %g <= 0, but lognorm, genpareto, gamma and "
		    "weibull_min components need x > 0",
		    x[0]);
	return 0;
}

/*
 * The E-step over every block (on e->nthreads threads), the blocks'
 * partial sums added into acc in block order.
 */
static void estep(struct em *e, struct fm_mixture *cur, double *acc)
{
	const size_t K = e->K;

	for (size_t k = 0; k < K; k++) {
		e->end[k] = active_end(e, &cur->comp[k]);
		e->shift[k] = shift_of(&cur->comp[k]);
	}
	e->cur = cur;
	if (e->nthreads > 1) {
		pthread_mutex_lock(&e->mu);
		e->gen++;
		e->pending = e->nthreads - 1;
		pthread_cond_broadcast(&e->go);
		pthread_mutex_unlock(&e->mu);
	}
	run_blocks(e, 0, e->buf, e->t);
	if (e->nthreads > 1) {
		pthread_mutex_lock(&e->mu);
		while (e->pending)
			pthread_cond_wait(&e->done, &e->mu);
		pthread_mutex_unlock(&e->mu);
	}
	for (size_t j = 0; j < K * NACC; j++) {
		double a = 0;
		for (size_t bi = 0; bi < e->nblocks; bi++)
			a += e->part[bi * K * NACC + j];
		acc[j] = a;
	}
}

/*
 * The M-step of iteration it for every component of cur from the E-step's
 * sums acc (a component whose new parameters are invalid keeps the old
 * ones, with a warning once), then the weights.
 */
static void mstep_all(struct em *e, struct fm_mixture *cur, const double *acc,
		      double upper, unsigned it, const struct fm_fit_opts *o)
{
	const size_t K = e->K, n = e->n;

	for (size_t k = 0; k < K; k++) {
		struct fm_component *c = &cur->comp[k];
		double np[3];
		if (mstep(e, c, acc + k * NACC, e->r + k * n, upper, np) < 0) {
			if (!e->warned[k]) {
				fm_warn(o->log,
					"iteration %u: component %zu (%s): the "
					"M-step gave "
					"invalid parameters; keeping the "
					"previous ones",
					it + 1, k + 1, fm_dist_name(c->dist));
				e->warned[k] = 1;
			}
			continue;
		}
		memcpy(c->p, np, sizeof(np));
		if (c->dist != FM_DIST_UNIFORM && c->dist != FM_DIST_NORM) {
			/* loc 0 comes back as the integer 0 (lognorm, gamma,
			 * weibull_min); genpareto keeps its location as is */
			if (c->dist != FM_DIST_GENPARETO)
				c->p_int[1] = 1;
			c->p_int[0] = c->p_int[2] = 0;
		} else if (c->dist == FM_DIST_NORM) {
			c->p_int[0] = c->p_int[1] = 0;
		}
	}
	for (size_t k = 0; k < K; k++) {
		struct fm_component *c = &cur->comp[k];
		double wk = acc[k * NACC] / (double)n;
		if (o->max_pareto_w > 0 && c->dist == FM_DIST_GENPARETO &&
		    wk > o->max_pareto_w)
			wk = o->max_pareto_w;
		c->weight = wk;
	}
}

int fm_fit_em(struct fm_mixture *m, const double *x, const double *w, size_t n,
	      const struct fm_fit_opts *opts, struct fm_error *err)
{
	static const struct fm_fit_opts defaults = {.max_iter = 100};
	const struct fm_fit_opts *o = opts ? opts : &defaults;
	struct fm_mixture cur;
	struct em e;
	double wsum = 0, *acc = NULL;
	int need_log = 0, need_r = 0, r = 0, sync_init = 0;
	struct em_worker *workers = NULL;
	unsigned want, nworkers = 0;
	size_t K = m->n, nblocks = 0;

	memset(&e, 0, sizeof(e));
	fm_mixture_init(&cur);
	if (n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "fit: the histogram has no bins");
	r = fm_mixture_check(m, err);
	if (r < 0) {
		fm_error_prefix(err, "initial mixture");
		return r;
	}
	r = check_input(m, x, w, n, &wsum, &need_log, err);
	if (r < 0)
		return r;
	warn_identical(m, o->log);

	r = fm_mixture_copy(&cur, m, err);
	if (r < 0)
		return r;
	e.n = n;
	e.K = K;
	e.x = x;
	e.w = w;
	e.log = o->log;
	e.avg_w = wsum / (double)n;
	nblocks = (n + EM_BLOCK - 1) / EM_BLOCK;
	for (size_t k = 0; k < K; k++)
		if (m->comp[k].dist == FM_DIST_WEIBULL_MIN)
			need_r = 1;
	e.r = need_r ? malloc(K * n * sizeof(double)) : NULL;
	e.buf = malloc(K * EM_BLOCK * sizeof(double));
	e.t = malloc(EM_BLOCK * sizeof(double));
	e.part = malloc(nblocks * K * NACC * sizeof(double));
	e.shift = malloc(K * sizeof(double));
	acc = malloc(K * NACC * sizeof(double));
	e.warned = calloc(K, 1);
	e.end = calloc(K, sizeof(size_t));
	e.ascending = 1;
	for (size_t i = 1; i < n; i++)
		if (!(x[i] > x[i - 1]))
			e.ascending = 0;
	if (need_log)
		e.lx = malloc(n * sizeof(double));
	if ((need_r && !e.r) || !e.buf || !e.t || !e.part || !e.shift || !acc ||
	    !e.warned || !e.end || (need_log && !e.lx)) {
		r = fm_error_set(err, FM_ENOMEM, "fit: out of memory");
		goto out;
	}
	for (size_t i = 0; need_log && i < n; i++)
		e.lx[i] = log(x[i]);
	e.nblocks = nblocks;
	e.nthreads = 1;
	want = o->threads > 1 ? o->threads : 1;
	if (want > nblocks)
		want = (unsigned)nblocks;
	if (want > 1) {
		workers = calloc(want, sizeof(*workers));
		pthread_mutex_init(&e.mu, NULL);
		pthread_cond_init(&e.go, NULL);
		pthread_cond_init(&e.done, NULL);
		sync_init = 1;
	}
	/* thread 0 is the caller; a worker that cannot start is not used */
	for (unsigned i = 1; workers && i < want; i++) {
		struct em_worker *wk = &workers[nworkers];
		wk->e = &e;
		wk->id = nworkers + 1;
		wk->buf = malloc(K * EM_BLOCK * sizeof(double));
		wk->t = malloc(EM_BLOCK * sizeof(double));
		if (!wk->buf || !wk->t ||
		    pthread_create(&wk->th, NULL, em_worker_main, wk) != 0) {
			free(wk->buf);
			free(wk->t);
			break;
		}
		nworkers++;
	}
	e.nthreads = nworkers + 1;

	for (unsigned it = 0; it < o->max_iter; it++) {
		double upper = 0;

		/* E-step, block by block; partial sums added in block order */
		estep(&e, &cur, acc);
		/* the uniforms' (and Paretos') upper end */
		for (size_t k = 0; k < K; k++) {
			const struct fm_component *c = &cur.comp[k];
			if (c->dist == FM_DIST_UNIFORM && c->p[1] > upper)
				upper = c->p[1];
			if (c->dist == FM_DIST_GENPARETO &&
			    c->p[1] + 1.0 > upper)
				upper = c->p[1] + 1.0;
		}
		/* M-step */
		mstep_all(&e, &cur, acc, upper, it, o);
		if (fm_progress_report(o->progress, it + 1, o->max_iter) ||
		    (o->on_iteration &&
		     o->on_iteration(o->ctx, it + 1, &cur))) {
			r = fm_error_set(err, FM_ECANCEL,
					 "fit: cancelled after %u iterations",
					 it + 1);
			goto out;
		}
	}
	for (size_t k = 0; k < K; k++)
		m->comp[k] = cur.comp[k];
	m->stats.iterations = o->max_iter;
out:
	fm_mixture_release(&cur);
	if (nworkers) {
		pthread_mutex_lock(&e.mu);
		e.quit = 1;
		pthread_cond_broadcast(&e.go);
		pthread_mutex_unlock(&e.mu);
		for (unsigned i = 0; i < nworkers; i++) {
			pthread_join(workers[i].th, NULL);
			free(workers[i].buf);
			free(workers[i].t);
		}
	}
	if (sync_init) {
		pthread_mutex_destroy(&e.mu);
		pthread_cond_destroy(&e.go);
		pthread_cond_destroy(&e.done);
	}
	free(workers);
	free(e.r);
	free(e.buf);
	free(e.t);
	free(e.part);
	free(e.shift);
	free(acc);
	free(e.lx);
	free(e.warned);
	free(e.end);
	return r;
}

void fm_fit_quality(const struct fm_mixture *m, const int64_t *lo,
		    const int64_t *hi, const double *w, size_t n,
		    struct fm_mix_stats *st)
{
	double L = 0, N = 0;
	int k = m->n ? (int)m->n - 1 : 0;

	for (size_t c = 0; c < m->n; c++)
		k += fm_dist_free_params(m->comp[c].dist);
	for (size_t i = 0; i < n; i++) {
		/* F(0) below the first bin, F(lo - 1) when it starts <= 0 */
		double a = i == 0 ? fmin(0.0, (double)lo[0] - 1.0)
				  : (double)lo[i] - 1.0;
		double b = (double)hi[i] - 1.0, P;
		N += w[i];
		if (w[i] == 0)
			continue;
		double Fa = fm_mixture_cdf(m, a);
		if (Fa > 0.5)
			P = fm_mixture_sf(m, a) - fm_mixture_sf(m, b);
		else
			P = fm_mixture_cdf(m, b) - Fa;
		L += P > 0 ? w[i] * log(P) : -INFINITY;
	}
	st->valid = 1;
	st->loglik = L;
	st->n = N;
	st->k = k;
	st->aic = 2.0 * k - 2.0 * L;
	st->bic = k * log(N) - 2.0 * L;
}

/* on_iteration of a shifted fit: the mixture as the caller's x sees it. */
struct shifted_cb {
	int (*fn)(void *ctx, unsigned iter, const struct fm_mixture *mix);
	void *ctx;
	double d;
	struct fm_mixture tmp;
};

static int shifted_iteration(void *ctx, unsigned iter,
			     const struct fm_mixture *mix)
{
	struct shifted_cb *sc = ctx;

	if (fm_mixture_copy(&sc->tmp, mix, NULL) < 0)
		return sc->fn(sc->ctx, iter, mix);
	fm_fit_shift(&sc->tmp, -sc->d);
	return sc->fn(sc->ctx, iter, &sc->tmp);
}

int fm_fit_histogram(struct fm_mixture *m, const struct fm_histogram *h,
		     enum fm_hcol y, const struct fm_fit_opts *opts,
		     struct fm_error *err)
{
	double *x, *w;
	unsigned iters;
	int r;
	double d;
	struct fm_fit_opts so;
	struct shifted_cb sc;

	if (!fm_histogram_has(h, y))
		return fm_error_set(err, FM_EINVAL,
				    "histogram has no column '%s_sum'",
				    fm_hcol_name(y) ? fm_hcol_name(y) : "?");
	if (h->n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "fit: the histogram has no bins");
	x = malloc(h->n * sizeof(double));
	w = malloc(h->n * sizeof(double));
	if (!x || !w) {
		free(x);
		free(w);
		return fm_error_set(err, FM_ENOMEM, "fit: out of memory");
	}
	d = (double)fm_fit_origin_shift(h->bin_lo[0]);
	for (size_t i = 0; i < h->n; i++)
		x[i] = (double)h->bin_lo[i] + d;
	fm_histogram_column(h, y, w, NULL);
	if (d) {
		/* fitted on x - xmin + 1, reported where the data lies */
		so = *opts;
		sc.fn = opts->on_iteration;
		sc.ctx = opts->ctx;
		sc.d = d;
		fm_mixture_init(&sc.tmp);
		if (so.on_iteration) {
			so.on_iteration = shifted_iteration;
			so.ctx = &sc;
		}
		opts = &so;
		fm_fit_shift(m, d);
	}
	r = fm_fit_em(m, x, w, h->n, opts, err);
	if (d) {
		fm_fit_shift(m, -d);
		fm_mixture_release(&sc.tmp);
	}
	if (r == 0) {
		double s = 0;
		iters = m->stats.iterations;
		for (size_t i = 0; i < h->n; i++)
			s += w[i];
		m->has_sum = 1;
		m->sum = s;
		fm_fit_quality(m, h->bin_lo, h->bin_hi, w, h->n, &m->stats);
		m->stats.iterations = iters;
	}
	free(x);
	free(w);
	return r;
}

/*
 * mixture.c - the component distributions (scipy.stats conventions, GSL
 * special functions), mixture functions and sampling (see mixture.h).
 *
 * Each distribution is evaluated as scipy does: standardise
 * y = (x - loc) / scale, apply the standard form, divide the density by
 * scale.  The formulas follow scipy's own (e.g. the lognorm density is
 * exp(-log(y)^2 / (2 s^2) - log(s y sqrt(2 pi))), the genpareto CDF is
 * -expm1(-log1p(c y) / c)) so that values agree to a few ulps.
 *
 * GSL's default error handler aborts; the incomplete gamma function can
 * report errors for extreme arguments, so the handler is switched off once
 * (pthread_once) before the first use and the _e variants' status checked.
 */
/* GSL's inline gsl_rng_uniform & co. (the same functions, no call) */
#define HAVE_INLINE 1
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "flowmodels/mixture.h"

static const char *const dist_names[FM_DIST_COUNT] = {
    "uniform", "norm", "lognorm", "genpareto", "gamma", "weibull_min"};

static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;

static void gsl_handler_off(void)
{
	gsl_set_error_handler_off();
}

static void gsl_quiet(void)
{
	pthread_once(&gsl_once, gsl_handler_off);
}

const char *fm_dist_name(enum fm_dist d)
{
	return (unsigned)d < FM_DIST_COUNT ? dist_names[d] : NULL;
}

int fm_dist_from_name(const char *name)
{
	for (int d = 0; d < FM_DIST_COUNT; d++)
		if (strcmp(name, dist_names[d]) == 0)
			return d;
	return -1;
}

int fm_dist_nparams(enum fm_dist d)
{
	return d == FM_DIST_UNIFORM || d == FM_DIST_NORM ? 2 : 3;
}

int fm_dist_free_params(enum fm_dist d)
{
	switch (d) {
	case FM_DIST_UNIFORM:
		return 0;
	case FM_DIST_GENPARETO:
		return 1;
	default:
		return 2;
	}
}

int fm_dist_check(enum fm_dist d, const double *p, struct fm_error *err)
{
	int np = fm_dist_nparams(d);

	if ((unsigned)d >= FM_DIST_COUNT)
		return fm_error_set(err, FM_EINVAL, "unknown distribution");
	for (int j = 0; j < np; j++)
		if (!isfinite(p[j]))
			return fm_error_set(err, FM_EINVAL,
					    "%s: parameter %d is not finite",
					    dist_names[d], j + 1);
	if (!(p[np - 1] > 0))
		return fm_error_set(err, FM_EINVAL, "%s: scale %g must be > 0",
				    dist_names[d], p[np - 1]);
	switch (d) {
	case FM_DIST_LOGNORM:
		if (!(p[0] > 0))
			return fm_error_set(err, FM_EINVAL,
					    "lognorm: shape s %g must be > 0",
					    p[0]);
		break;
	case FM_DIST_GAMMA:
		if (!(p[0] > 0))
			return fm_error_set(err, FM_EINVAL,
					    "gamma: shape a %g must be > 0",
					    p[0]);
		break;
	case FM_DIST_WEIBULL_MIN:
		if (!(p[0] > 0))
			return fm_error_set(
			    err, FM_EINVAL,
			    "weibull_min: shape c %g must be > 0", p[0]);
		break;
	default:
		break;
	}
	return 0;
}

#define SQRT_2PI 2.5066282746310002

/* Standard forms, y already standardised.  Density without the 1/scale. */
static double std_pdf(enum fm_dist d, double a, double y)
{
	switch (d) {
	case FM_DIST_UNIFORM:
		return y >= 0 && y <= 1 ? 1.0 : 0.0;
	case FM_DIST_NORM:
		return exp(-y * y / 2.0) / SQRT_2PI;
	case FM_DIST_LOGNORM:
		if (!(y > 0))
			return 0.0;
		return exp(-log(y) * log(y) / (2 * a * a) -
			   log(a * y * SQRT_2PI));
	case FM_DIST_GENPARETO:
		if (!(y >= 0) || (a < 0 && y > -1.0 / a))
			return 0.0;
		if (a == 0)
			return exp(-y);
		return exp(-((a + 1.0) == 0 ? 0.0 : (a + 1.0) * log1p(a * y)) /
			   a);
	case FM_DIST_GAMMA: {
		gsl_sf_result lg;
		if (!(y >= 0))
			return 0.0;
		if (y == 0)
			return a < 1 ? INFINITY : a == 1 ? 1.0 : 0.0;
		gsl_quiet();
		if (gsl_sf_lngamma_e(a, &lg) != GSL_SUCCESS)
			return NAN;
		return exp((a - 1.0) * log(y) - y - lg.val);
	}
	case FM_DIST_WEIBULL_MIN:
		if (!(y >= 0))
			return 0.0;
		if (y == 0)
			return a < 1 ? INFINITY : a == 1 ? 1.0 : 0.0;
		return a * pow(y, a - 1.0) * exp(-pow(y, a));
	default:
		return NAN;
	}
}

/* Standard CDF (upper = 0) or survival function (upper = 1). */
static double std_tail(enum fm_dist d, double a, double y, int upper)
{
	double f;

	switch (d) {
	case FM_DIST_UNIFORM:
		f = y <= 0 ? 0.0 : y >= 1 ? 1.0 : y;
		return upper ? (y <= 0 ? 1.0 : y >= 1 ? 0.0 : 1.0 - y) : f;
	case FM_DIST_NORM:
		return upper ? gsl_cdf_ugaussian_Q(y) : gsl_cdf_ugaussian_P(y);
	case FM_DIST_LOGNORM:
		if (!(y > 0))
			return upper ? 1.0 : 0.0;
		return upper ? gsl_cdf_ugaussian_Q(log(y) / a)
			     : gsl_cdf_ugaussian_P(log(y) / a);
	case FM_DIST_GENPARETO: {
		double t;
		if (!(y > 0))
			return upper ? 1.0 : 0.0;
		if (a < 0 && y >= -1.0 / a)
			return upper ? 0.0 : 1.0;
		t = a == 0 ? -y : -log1p(a * y) / a;
		return upper ? exp(t) : -expm1(t);
	}
	case FM_DIST_GAMMA: {
		gsl_sf_result r;
		int st;
		if (!(y > 0))
			return upper ? 1.0 : 0.0;
		if (isinf(y))
			return upper ? 0.0 : 1.0;
		gsl_quiet();
		st = upper ? gsl_sf_gamma_inc_Q_e(a, y, &r)
			   : gsl_sf_gamma_inc_P_e(a, y, &r);
		return st == GSL_SUCCESS || st == GSL_EUNDRFLW ? r.val : NAN;
	}
	case FM_DIST_WEIBULL_MIN:
		if (!(y > 0))
			return upper ? 1.0 : 0.0;
		return upper ? exp(-pow(y, a)) : -expm1(-pow(y, a));
	default:
		return NAN;
	}
}

/* Split p into shape a, loc, scale. */
static void split(enum fm_dist d, const double *p, double *a, double *loc,
		  double *scale)
{
	if (fm_dist_nparams(d) == 2) {
		*a = 0;
		*loc = p[0];
		*scale = p[1];
	} else {
		*a = p[0];
		*loc = p[1];
		*scale = p[2];
	}
}

double fm_dist_pdf(enum fm_dist d, const double *p, double x)
{
	double a, loc, scale;

	split(d, p, &a, &loc, &scale);
	if (!(scale > 0))
		return NAN;
	return std_pdf(d, a, (x - loc) / scale) / scale;
}

double fm_dist_cdf(enum fm_dist d, const double *p, double x)
{
	double a, loc, scale;

	split(d, p, &a, &loc, &scale);
	if (!(scale > 0))
		return NAN;
	return std_tail(d, a, (x - loc) / scale, 0);
}

double fm_dist_sf(enum fm_dist d, const double *p, double x)
{
	double a, loc, scale;

	split(d, p, &a, &loc, &scale);
	if (!(scale > 0))
		return NAN;
	return std_tail(d, a, (x - loc) / scale, 1);
}

double fm_dist_rvs(enum fm_dist d, const double *p, gsl_rng *rng)
{
	double a, loc, scale, y;

	split(d, p, &a, &loc, &scale);
	switch (d) {
	case FM_DIST_UNIFORM:
		y = gsl_rng_uniform(rng);
		break;
	case FM_DIST_NORM:
		y = gsl_ran_gaussian_ziggurat(rng, 1.0);
		break;
	case FM_DIST_LOGNORM:
		y = exp(a * gsl_ran_gaussian_ziggurat(rng, 1.0));
		break;
	case FM_DIST_GENPARETO: {
		double u = gsl_rng_uniform_pos(rng);
		y = a == 0 ? -log(u) : expm1(-a * log(u)) / a;
		break;
	}
	case FM_DIST_GAMMA:
		y = gsl_ran_gamma(rng, a, 1.0);
		break;
	case FM_DIST_WEIBULL_MIN:
		y = pow(-log(gsl_rng_uniform_pos(rng)), 1.0 / a);
		break;
	default:
		return NAN;
	}
	return loc + scale * y;
}

/* ---- mixtures ---- */

void fm_mixture_init(struct fm_mixture *m)
{
	memset(m, 0, sizeof(*m));
}

void fm_mixture_release(struct fm_mixture *m)
{
	free(m->comp);
	fm_mixture_init(m);
}

int fm_mixture_copy(struct fm_mixture *dst, const struct fm_mixture *src,
		    struct fm_error *err)
{
	struct fm_component *c = NULL;

	if (src->n) {
		c = malloc(src->n * sizeof(*c));
		if (!c)
			return fm_error_set(err, FM_ENOMEM,
					    "mixture: out of memory");
		memcpy(c, src->comp, src->n * sizeof(*c));
	}
	fm_mixture_release(dst);
	*dst = *src;
	dst->comp = c;
	dst->alloc = src->n;
	return 0;
}

int fm_mixture_add(struct fm_mixture *m, double weight, enum fm_dist d,
		   const double *p, const unsigned char *p_int,
		   struct fm_error *err)
{
	struct fm_component *c;

	if ((unsigned)d >= FM_DIST_COUNT)
		return fm_error_set(err, FM_EINVAL, "unknown distribution %d",
				    (int)d);
	if (m->n == m->alloc) {
		size_t na = m->alloc ? m->alloc * 2 : 8;
		struct fm_component *nc = realloc(m->comp, na * sizeof(*nc));
		if (!nc)
			return fm_error_set(err, FM_ENOMEM,
					    "mixture: out of memory");
		m->comp = nc;
		m->alloc = na;
	}
	c = &m->comp[m->n++];
	memset(c, 0, sizeof(*c));
	c->weight = weight;
	c->dist = d;
	for (int j = 0; j < fm_dist_nparams(d); j++) {
		c->p[j] = p[j];
		c->p_int[j] = p_int ? p_int[j] : 0;
	}
	return 0;
}

double fm_mixture_weight_sum(const struct fm_mixture *m)
{
	double s = 0;

	for (size_t k = 0; k < m->n; k++)
		s += m->comp[k].weight;
	return s;
}

int fm_mixture_check(const struct fm_mixture *m, struct fm_error *err)
{
	if (m->n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "mixture has no components");
	for (size_t k = 0; k < m->n; k++) {
		const struct fm_component *c = &m->comp[k];
		int r;
		if (!isfinite(c->weight))
			return fm_error_set(
			    err, FM_EINVAL,
			    "component %zu: weight is not finite", k + 1);
		if (c->weight < 0)
			return fm_error_set(err, FM_EINVAL,
					    "component %zu: negative weight %g",
					    k + 1, c->weight);
		r = fm_dist_check(c->dist, c->p, err);
		if (r < 0) {
			fm_error_prefix(err, "component %zu", k + 1);
			return r;
		}
	}
	if (!(fm_mixture_weight_sum(m) > 0))
		return fm_error_set(err, FM_EINVAL,
				    "mixture weights sum to zero");
	return 0;
}

/* The weighted sum over the components of f(component, x). */
static inline double mixture_sum(const struct fm_mixture *m, double x,
				 double (*f)(enum fm_dist, const double *,
					     double))
{
	double ws = fm_mixture_weight_sum(m), s = 0;

	for (size_t k = 0; k < m->n; k++)
		s += m->comp[k].weight / ws *
		     f(m->comp[k].dist, m->comp[k].p, x);
	return s;
}

double fm_mixture_cdf(const struct fm_mixture *m, double x)
{
	return mixture_sum(m, x, fm_dist_cdf);
}

double fm_mixture_sf(const struct fm_mixture *m, double x)
{
	return mixture_sum(m, x, fm_dist_sf);
}

double fm_mixture_density(const struct fm_mixture *m, double x)
{
	return mixture_sum(m, x, fm_dist_pdf);
}

double fm_mixture_pdf(const struct fm_mixture *m, double x, enum fm_mix_x xk)
{
	double xmin, ws, s = 0, prev;

	if (xk == FM_MIX_X_OTHER || x >= 1024)
		return fm_mixture_density(m, x);
	xmin = xk == FM_MIX_X_SIZE ? 64 : 1;
	prev = x == xmin ? 0.0 : x - 1.0;
	ws = fm_mixture_weight_sum(m);
	/* per component, as the reference: w_k * (cdf_k(x) - cdf_k(prev)) */
	for (size_t k = 0; k < m->n; k++) {
		const struct fm_component *c = &m->comp[k];
		s += c->weight / ws *
		     (fm_dist_cdf(c->dist, c->p, x) -
		      fm_dist_cdf(c->dist, c->p, prev));
	}
	return s;
}

double fm_mixture_avg(const struct fm_mixture *flows,
		      const struct fm_mixture *y, double x, enum fm_mix_x xk)
{
	if (!flows->has_sum || !y->has_sum)
		return NAN;
	return (y->sum / flows->sum) * fm_mixture_pdf(y, x, xk) /
	       fm_mixture_pdf(flows, x, xk);
}

double fm_mixture_packet_size(const struct fm_mixture *packets,
			      const struct fm_mixture *octets, double x,
			      enum fm_mix_x xk)
{
	double v;

	if (!packets->has_sum || !octets->has_sum)
		return NAN;
	v = fm_mixture_pdf(octets, x, xk) / fm_mixture_pdf(packets, x, xk);
	return v * (octets->sum / packets->sum);
}

int fm_mix_sampler_init(struct fm_mix_sampler *s, const struct fm_mixture *m,
			enum fm_mix_x xk, struct fm_error *err)
{
	double ws, acc = 0;
	int r = fm_mixture_check(m, err);

	memset(s, 0, sizeof(*s));
	if (r < 0)
		return r;
	s->cum = malloc(m->n * sizeof(double));
	if (!s->cum)
		return fm_error_set(err, FM_ENOMEM, "mixture: out of memory");
	ws = fm_mixture_weight_sum(m);
	for (size_t k = 0; k < m->n; k++) {
		acc += m->comp[k].weight / ws;
		s->cum[k] = acc;
	}
	s->cum[m->n - 1] = 1.0; /* guard against rounding */
	s->m = m;
	s->xk = xk;
	return 0;
}

double fm_mix_sampler_draw(const struct fm_mix_sampler *s, gsl_rng *rng)
{
	double u = gsl_rng_uniform(rng), v;
	size_t k = 0, n = s->m->n;
	const struct fm_component *c;

	/* first k with u < cum[k]; zero-weight components are never picked */
	while (k + 1 < n && u >= s->cum[k])
		k++;
	c = &s->m->comp[k];
	v = fm_dist_rvs(c->dist, c->p, rng);
	if (s->xk == FM_MIX_X_OTHER)
		return v;
	if (!(v > 0))
		v = 0;
	if (v >= 1.8446744073709552e19)
		v = 1.8446744073709552e19;
	v = trunc(v) + 1.0;
	if (s->xk == FM_MIX_X_SIZE && v < 64)
		v = 64;
	return v;
}

void fm_mix_sampler_release(struct fm_mix_sampler *s)
{
	free(s->cum);
	memset(s, 0, sizeof(*s));
}

/*
 * mixture.h - distribution mixtures (SPEC section 7): the six component
 * distributions with scipy.stats' parameter conventions, the mixture
 * functions (cdf, pdf of discrete x, avg, packet_size), sampling, and the
 * mixture JSON format.
 *
 * Distributions and their parameters p[] (scipy.stats order):
 *   uniform      [loc, scale]      support [loc, loc + scale], both ends in
 *   norm         [loc, scale]
 *   lognorm      [s, loc, scale]
 *   genpareto    [c, loc, scale]
 *   gamma        [a, loc, scale]
 *   weibull_min  [c, loc, scale]
 * Densities, CDFs and survival functions use GSL's special functions;
 * random variates use a caller-supplied gsl_rng, so sampling is
 * deterministic for a given generator and seed, and thread-safe as long as
 * each thread has its own generator.
 *
 * Weights are stored as given; every mixture function normalises them to
 * sum 1 (as the reference does).  A component's p_int[j] flag records that
 * parameter j was given (or produced) as an integer, so that it is written
 * back as a JSON integer (e.g. uniform [0, 1], lognorm loc 0).
 *
 * Mixture JSON: {"sum": N, "mix": [[weight, "dist", [params...]], ...]}
 * (a bare "mix" list is accepted on input), plus an optional "stats"
 * object written by fit (log-likelihood, AIC, BIC) that the reference's
 * reader ignores.  Numbers are written in the shortest form that reads
 * back to the same double, formatted as Python's repr().
 */
#ifndef FLOWMODELS_MIXTURE_H
#define FLOWMODELS_MIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "flowmodels/buf.h"
#include "flowmodels/error.h"

enum fm_dist {
	FM_DIST_UNIFORM = 0,
	FM_DIST_NORM,
	FM_DIST_LOGNORM,
	FM_DIST_GENPARETO,
	FM_DIST_GAMMA,
	FM_DIST_WEIBULL_MIN,
	FM_DIST_COUNT
};

/* The x value of a mixture: it decides the discrete pdf and rvs rounding. */
enum fm_mix_x {
	FM_MIX_X_OTHER = 0, /* continuous: density, no rounding */
	FM_MIX_X_LENGTH,    /* packets; minimum x 1 */
	FM_MIX_X_SIZE	    /* octets; minimum x 64 */
};

/* "uniform", ... ; NULL for a bad value. */
const char *fm_dist_name(enum fm_dist d);
/* The distribution named name, or -1. */
int fm_dist_from_name(const char *name);
/* Number of parameters: 2 for uniform and norm, 3 for the others. */
int fm_dist_nparams(enum fm_dist d);
/* Free parameters counted for AIC/BIC (SPEC 7): uniform 0, genpareto 1
 * (its location is fixed), the others 2. */
int fm_dist_free_params(enum fm_dist d);
/*
 * Check a parameter vector (finite values, scale > 0, s/a/c > 0 where
 * scipy requires it).  Returns 0 or FM_EINVAL with a message.
 */
int fm_dist_check(enum fm_dist d, const double *p, struct fm_error *err);

/* Single-distribution functions, scipy conventions (p as above). */
double fm_dist_pdf(enum fm_dist d, const double *p, double x);
double fm_dist_cdf(enum fm_dist d, const double *p, double x);
double fm_dist_sf(enum fm_dist d, const double *p, double x); /* 1 - cdf */
double fm_dist_rvs(enum fm_dist d, const double *p, gsl_rng *rng);

struct fm_component {
	double weight;
	enum fm_dist dist;
	double p[3];
	unsigned char p_int[3]; /* parameter j is written as an integer */
};

/* Quality figures of a fitted mixture (SPEC 7, beyond the reference). */
struct fm_mix_stats {
	int valid;	     /* 0 = none computed / none in the file */
	double loglik;	     /* binned log-likelihood L */
	double aic;	     /* 2k - 2L */
	double bic;	     /* k ln N - 2L */
	double n;	     /* N = sum of the histogram column */
	int k;		     /* free parameters */
	unsigned iterations; /* EM iterations run */
};

struct fm_mixture {
	size_t n; /* number of components */
	size_t alloc;
	struct fm_component *comp;
	int has_sum; /* "sum" present */
	double sum;  /* total of the fitted column */
	struct fm_mix_stats stats;
};

void fm_mixture_init(struct fm_mixture *m);
void fm_mixture_release(struct fm_mixture *m);
/* Replace dst by a deep copy of src.  0 or FM_ENOMEM. */
int fm_mixture_copy(struct fm_mixture *dst, const struct fm_mixture *src,
		    struct fm_error *err);
/*
 * Append a component (parameters p[0..nparams), integer flags from
 * p_int, which may be NULL = none).  0 or FM_ENOMEM.
 */
int fm_mixture_add(struct fm_mixture *m, double weight, enum fm_dist d,
		   const double *p, const unsigned char *p_int,
		   struct fm_error *err);
/* Sum of the weights. */
double fm_mixture_weight_sum(const struct fm_mixture *m);
/*
 * Validate: at least one component, weights finite and >= 0 with a
 * positive sum, parameters valid.  0 or FM_EINVAL naming the component.
 */
int fm_mixture_check(const struct fm_mixture *m, struct fm_error *err);

/* cdf(x) = sum_k w_k cdf_k(x), weights normalised. */
double fm_mixture_cdf(const struct fm_mixture *m, double x);
/* Survival function 1 - cdf(x), computed without cancellation. */
double fm_mixture_sf(const struct fm_mixture *m, double x);
/* The density sum_k w_k pdf_k(x), weights normalised. */
double fm_mixture_density(const struct fm_mixture *m, double x);
/*
 * The pdf used for plots and averages of discrete x (SPEC 7): for
 * x < 1024, cdf(x) - cdf(x - 1) (x - 1 replaced by 0 when x is the
 * minimum: 1 for length, 64 for size); for x >= 1024 the density.
 * With FM_MIX_X_OTHER always the density.
 */
double fm_mixture_pdf(const struct fm_mixture *m, double x, enum fm_mix_x xk);
/*
 * Average of packets or octets at x: (sum_y / sum_flows) *
 * pdf_y(x) / pdf_flows(x).  Needs "sum" in both mixtures (NaN otherwise).
 */
double fm_mixture_avg(const struct fm_mixture *flows,
		      const struct fm_mixture *y, double x, enum fm_mix_x xk);
/* Packet size at x: (sum_octets / sum_packets) * pdf_octets / pdf_packets. */
double fm_mixture_packet_size(const struct fm_mixture *packets,
			      const struct fm_mixture *octets, double x,
			      enum fm_mix_x xk);

/*
 * A sampler: components picked by normalised weight, then a draw from the
 * component.  For length and size the value is trunc(draw) + 1 (a negative
 * draw counts as 0), clamped to >= 64 for size; FM_MIX_X_OTHER returns the
 * raw draw.
 */
struct fm_mix_sampler {
	const struct fm_mixture *m;
	double *cum; /* cumulative normalised weights, n entries */
	enum fm_mix_x xk;
};
int fm_mix_sampler_init(struct fm_mix_sampler *s, const struct fm_mixture *m,
			enum fm_mix_x xk, struct fm_error *err);
double fm_mix_sampler_draw(const struct fm_mix_sampler *s, gsl_rng *rng);
void fm_mix_sampler_release(struct fm_mix_sampler *s);

/*
 * Parse mixture JSON (an object with "mix" and optional "sum"/"stats", or
 * a bare "mix" list).  name is used in messages ("flows.json:3: ...").
 * m is released first; on failure it is left empty.
 */
int fm_mixture_parse(struct fm_mixture *m, const char *name, const char *text,
		     size_t len, struct fm_error *err);
int fm_mixture_read(struct fm_mixture *m, const char *path,
		    struct fm_error *err);
/* Append the JSON text (reference layout, plus "stats" when valid). */
int fm_mixture_format(const struct fm_mixture *m, struct fm_buf *out,
		      struct fm_error *err);
/* Write the JSON text to path through a temporary file ("-" = stdout). */
int fm_mixture_write(const struct fm_mixture *m, const char *path,
		     struct fm_error *err);

/*
 * Append the shortest decimal form of v that reads back to the same
 * double, formatted as Python's repr() ("0.1", "1e-09", "1.0",
 * "1e+16"); non-finite values are written as NaN / Infinity / -Infinity
 * like Python's json module.
 */
int fm_json_add_double(struct fm_buf *b, double v);
/* Append s as a JSON string literal. */
int fm_json_add_string(struct fm_buf *b, const char *s);

/*
 * A mixture directory (flows.json, packets.json, octets.json, and
 * optionally duration.json).  Missing optional files leave has_* 0.
 */
struct fm_mixture_dir {
	struct fm_mixture flows, packets, octets, duration;
	int has_duration;
};
void fm_mixture_dir_init(struct fm_mixture_dir *d);
void fm_mixture_dir_release(struct fm_mixture_dir *d);
int fm_mixture_dir_read(struct fm_mixture_dir *d, const char *dir,
			struct fm_error *err);

#endif

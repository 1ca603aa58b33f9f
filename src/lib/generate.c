/*
 * generate.c - synthetic flows from histograms and mixtures (see
 * generate.h).
 *
 * Random streams: three MT19937 generators seeded from the user's seed
 * through splitmix64 - one for x (bin or mixture draws), one for rounding,
 * one for the fields of full records - so that switching --full-records on
 * does not change the packets and octets of the flows.
 *
 * Packet sizes from mixtures are memoised per x value: in a plain array
 * for small x (most flows), else in an open-address hash table: a million
 * draws have a few tens of thousands of distinct x.
 */
/* GSL's inline gsl_rng_uniform & co. (the same functions, no call) */
#define HAVE_INLINE 1
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "flowmodels/generate.h"

/* PS_CACHE_MAX: the memo of x >= PS_DENSE stops growing at this many
 * values (4 MB), so that memory does not grow with the count drawn: a
 * heavy-tailed mixture gives ever new large x; those are then computed
 * each time (the values are the same either way). */
enum { PS_DENSE = 4096, PS_CACHE_MAX = 1 << 17 };

struct pscache {
	double *dense;	     /* x < PS_DENSE: value at x ... */
	unsigned char *have; /* ... when have[x] */
	uint64_t *key;	     /* x + 1; 0 = empty */
	double *val;
	size_t cap, n;
};

struct fm_generator {
	struct fm_gen_opts o;
	int from_hist;
	/* histogram source */
	size_t nb;
	int64_t *bx;
	uint64_t *bflows, *bpackets, *boctets;
	unsigned char *bunit; /* bin is one unit wide */
	double *bps;	      /* packet size of the bin */
	gsl_ran_discrete_t *table;
	/* count 0: position in the descending walk over the bins */
	size_t walk;   /* bins left to start; current = walk */
	uint64_t left; /* flows left in the current bin */
	int exact;     /* current bin split exactly */
	uint64_t q, r; /* exact split: value q, r flows get q + 1 */
	/* mixture source */
	struct fm_mixture_dir md;
	struct fm_mix_sampler sampler;
	struct pscache cache;
	double avg_ps; /* fallback packet size */
	/* random streams */
	gsl_rng *rx, *rr, *rf;
	gsl_ran_discrete_t *servers;
	double t; /* seconds since start of the last arrival */
	uint64_t done, total;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

enum { NSERVERS = 10000 };

static int common_init(struct fm_generator *g, const struct fm_gen_opts *o,
		       struct fm_error *err)
{
	uint64_t s = o->seed;

	g->o = *o;
	if (o->x != FM_MIX_X_LENGTH && o->x != FM_MIX_X_SIZE)
		return fm_error_set(err, FM_EINVAL,
				    "generate: x must be length or size");
	if (o->full_records && !(o->rate > 0 && isfinite(o->rate)))
		return fm_error_set(
		    err, FM_EINVAL,
		    "generate: the arrival rate must be > 0 flows/s");
	g->rx = gsl_rng_alloc(gsl_rng_mt19937);
	g->rr = gsl_rng_alloc(gsl_rng_mt19937);
	g->rf = gsl_rng_alloc(gsl_rng_mt19937);
	if (!g->rx || !g->rr || !g->rf)
		return fm_error_set(err, FM_ENOMEM, "generate: out of memory");
	/* MT19937 seeds are 32-bit in GSL; distinct streams per purpose */
	gsl_rng_set(g->rx, (unsigned long)(splitmix(&s) & 0xffffffffu));
	gsl_rng_set(g->rr, (unsigned long)(splitmix(&s) & 0xffffffffu));
	gsl_rng_set(g->rf, (unsigned long)(splitmix(&s) & 0xffffffffu));
	if (o->full_records) {
		/* server popularity: Zipf(1) over NSERVERS addresses */
		double *p = malloc(NSERVERS * sizeof(double));
		if (!p)
			return fm_error_set(err, FM_ENOMEM,
					    "generate: out of memory");
		for (int k = 0; k < NSERVERS; k++)
			p[k] = 1.0 / (k + 1);
		g->servers = gsl_ran_discrete_preproc(NSERVERS, p);
		free(p);
		if (!g->servers)
			return fm_error_set(err, FM_ENOMEM,
					    "generate: out of memory");
	}
	return 0;
}

static struct fm_generator *gen_alloc(struct fm_error *err)
{
	struct fm_generator *g = calloc(1, sizeof(*g));
	if (!g)
		fm_error_set(err, FM_ENOMEM, "generate: out of memory");
	return g;
}

int fm_gen_open_histogram(struct fm_generator **out,
			  const struct fm_histogram *h,
			  const struct fm_gen_opts *opts, struct fm_error *err)
{
	struct fm_generator *g = gen_alloc(err);
	double *w = NULL;
	uint64_t tp = 0, to = 0, tf = 0;
	int r;

	*out = NULL;
	if (!g)
		return FM_ENOMEM;
	r = common_init(g, opts, err);
	if (r < 0)
		goto fail;
	if ((h->cols & FM_HCOL_BASIC) != FM_HCOL_BASIC) {
		r = fm_error_set(err, FM_EINVAL,
				 "generate needs the flows_sum, packets_sum "
				 "and octets_sum columns");
		goto fail;
	}
	g->from_hist = 1;
	g->nb = h->n;
	g->bx = malloc(h->n * sizeof(int64_t) + 1);
	g->bflows = malloc(h->n * sizeof(uint64_t) + 1);
	g->bpackets = malloc(h->n * sizeof(uint64_t) + 1);
	g->boctets = malloc(h->n * sizeof(uint64_t) + 1);
	g->bunit = malloc(h->n + 1);
	g->bps = malloc(h->n * sizeof(double) + 1);
	w = malloc(h->n * sizeof(double) + 1);
	if (!g->bx || !g->bflows || !g->bpackets || !g->boctets || !g->bunit ||
	    !g->bps || !w) {
		r = fm_error_set(err, FM_ENOMEM, "generate: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < h->n; i++) {
		tf += h->flows[i];
		tp += h->packets[i];
		to += h->octets[i];
	}
	if (tf == 0) {
		r = fm_error_set(err, FM_EINVAL,
				 "generate: the histogram has no flows");
		goto fail;
	}
	g->avg_ps = tp ? (double)to / (double)tp : 64.0;
	for (size_t i = 0; i < h->n; i++) {
		g->bx[i] = h->bin_lo[i];
		g->bflows[i] = h->flows[i];
		g->bpackets[i] = h->packets[i];
		g->boctets[i] = h->octets[i];
		g->bunit[i] = h->bin_hi[i] - h->bin_lo[i] == 1;
		/* a bin without packets takes the overall average */
		g->bps[i] = h->packets[i]
				? (double)h->octets[i] / (double)h->packets[i]
				: g->avg_ps;
		w[i] = (double)h->flows[i];
		if (h->bin_lo[i] < 1) {
			r = fm_error_set(
			    err, FM_EINVAL,
			    "generate: bin_lo %lld < 1 is not a flow %s",
			    (long long)h->bin_lo[i],
			    opts->x == FM_MIX_X_SIZE ? "size" : "length");
			goto fail;
		}
	}
	if (opts->count) {
		g->table = gsl_ran_discrete_preproc(h->n, w);
		if (!g->table) {
			r = fm_error_set(err, FM_ENOMEM,
					 "generate: out of memory");
			goto fail;
		}
		g->total = opts->count;
	} else {
		g->total = tf;
		g->walk = h->n;
	}
	free(w);
	*out = g;
	return 0;
fail:
	free(w);
	fm_gen_free(g);
	return r;
}

int fm_gen_open_mixture(struct fm_generator **out,
			const struct fm_mixture_dir *d,
			const struct fm_gen_opts *opts, struct fm_error *err)
{
	struct fm_generator *g = gen_alloc(err);
	int r;

	*out = NULL;
	if (!g)
		return FM_ENOMEM;
	r = common_init(g, opts, err);
	if (r < 0)
		goto fail;
	if (opts->count == 0) {
		r = fm_error_set(err, FM_EINVAL,
				 "generate: -s 0 (every flow of a histogram) "
				 "needs a histogram, not mixtures");
		goto fail;
	}
	fm_mixture_dir_init(&g->md);
	r = fm_mixture_copy(&g->md.flows, &d->flows, err);
	if (r == 0)
		r = fm_mixture_copy(&g->md.packets, &d->packets, err);
	if (r == 0)
		r = fm_mixture_copy(&g->md.octets, &d->octets, err);
	if (r == 0)
		r = fm_mix_sampler_init(&g->sampler, &g->md.flows, opts->x,
					err);
	if (r < 0)
		goto fail;
	if (!g->md.packets.has_sum || !g->md.octets.has_sum ||
	    !(g->md.packets.sum > 0)) {
		r = fm_error_set(err, FM_EINVAL,
				 "generate: the packets and octets mixtures "
				 "need a positive \"sum\"");
		goto fail;
	}
	g->avg_ps = g->md.octets.sum / g->md.packets.sum;
	g->cache.cap = 1024;
	g->cache.key = calloc(g->cache.cap, sizeof(uint64_t));
	g->cache.val = malloc(g->cache.cap * sizeof(double));
	g->cache.dense = malloc(PS_DENSE * sizeof(double));
	g->cache.have = calloc(PS_DENSE, 1);
	if (!g->cache.key || !g->cache.val || !g->cache.dense ||
	    !g->cache.have) {
		r = fm_error_set(err, FM_ENOMEM, "generate: out of memory");
		goto fail;
	}
	g->total = opts->count;
	*out = g;
	return 0;
fail:
	fm_gen_free(g);
	return r;
}

static size_t slot(uint64_t key, size_t cap)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 17) & (cap - 1);
}

/* The packet size at x from the mixtures, memoised; -1 on no memory. */
static double mixture_ps(struct fm_generator *g, double x)
{
	struct pscache *c = &g->cache;
	uint64_t key = (uint64_t)x + 1;
	size_t i;
	double v;

	if (x < PS_DENSE) { /* most flows: a plain array */
		size_t d = (size_t)x;
		if (!c->have[d]) {
			v = fm_mixture_packet_size(&g->md.packets,
						   &g->md.octets, x, g->o.x);
			c->dense[d] = isfinite(v) && v > 0 ? v : g->avg_ps;
			c->have[d] = 1;
		}
		return c->dense[d];
	}
	for (i = slot(key, c->cap); c->key[i]; i = (i + 1) & (c->cap - 1))
		if (c->key[i] == key)
			return c->val[i];
	v = fm_mixture_packet_size(&g->md.packets, &g->md.octets, x, g->o.x);
	if (!isfinite(v) || !(v > 0))
		v = g->avg_ps;
	if (c->n >= PS_CACHE_MAX)
		return v;
	if ((c->n + 1) * 2 > c->cap) {
		size_t nc = c->cap * 2;
		uint64_t *nk = calloc(nc, sizeof(uint64_t));
		double *nv = malloc(nc * sizeof(double));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -1;
		}
		for (size_t j = 0; j < c->cap; j++) {
			size_t s;
			if (!c->key[j])
				continue;
			for (s = slot(c->key[j], nc); nk[s];
			     s = (s + 1) & (nc - 1))
				;
			nk[s] = c->key[j];
			nv[s] = c->val[j];
		}
		free(c->key);
		free(c->val);
		c->key = nk;
		c->val = nv;
		c->cap = nc;
		for (i = slot(key, c->cap); c->key[i];
		     i = (i + 1) & (c->cap - 1))
			;
	}
	c->key[i] = key;
	c->val[i] = v;
	c->n++;
	return v;
}

/* floor(v), + 1 with probability equal to the fraction. */
static int64_t stochastic_round(gsl_rng *r, double v)
{
	double f = floor(v);
	int64_t n = (int64_t)f;
	return gsl_rng_uniform(r) < v - f ? n + 1 : n;
}

/* packets and octets of one flow of x with packet size ps. */
static void shape(struct fm_generator *g, double x, double ps, int64_t *pk,
		  int64_t *oc)
{
	if (x > 1e15) /* keep packets * 1522 within int64 */
		x = 1e15;
	if (g->o.x == FM_MIX_X_LENGTH) {
		if (ps < 64)
			ps = 64;
		if (ps > 1522)
			ps = 1522;
		*pk = (int64_t)x;
		*oc = stochastic_round(g->rr, x * ps);
	} else {
		double p = x / ps;
		if (x / ceil(p) < 64)
			p = trunc(p);
		if (p < 1)
			p = 1;
		*oc = (int64_t)x;
		*pk = stochastic_round(g->rr, p);
	}
}

/* Set up the exact split of bin i for count 0 (see generate.h). */
static void start_bin(struct fm_generator *g, size_t i)
{
	uint64_t f = g->bflows[i], x = (uint64_t)g->bx[i];

	g->left = f;
	g->exact = 0;
	if (!g->bunit[i] || f == 0)
		return;
	if (g->o.x == FM_MIX_X_LENGTH) {
		double ps = g->bps[i];
		if (g->bpackets[i] / f == x && g->bpackets[i] % f == 0 &&
		    ps >= 64 && ps <= 1522) {
			g->exact = 1;
			g->q = g->boctets[i] / f;
			g->r = g->boctets[i] % f;
		}
	} else {
		uint64_t P = g->bpackets[i];
		if (g->boctets[i] / f == x && g->boctets[i] % f == 0 &&
		    P >= f) {
			double p = (double)P / (double)f;
			/* the truncation rule must not apply to either value */
			if (!((double)x / ceil(p) < 64)) {
				g->exact = 1;
				g->q = P / f;
				g->r = P % f;
			}
		}
	}
}

static void full_fields(struct fm_generator *g, int64_t *v)
{
	static const struct {
		int port;
		double p;
	} tcp[] = {{443, 0.55}, {80, 0.25},  {8080, 0.03}, {22, 0.03},
		   {25, 0.02},	{993, 0.02}, {3389, 0.02}, {0, 0.08}};
	static const struct {
		int port;
		double p;
	} udp[] = {
	    {53, 0.45}, {443, 0.25}, {123, 0.10}, {1194, 0.05}, {0, 0.15}};
	gsl_rng *r = g->rf;
	double u = gsl_rng_uniform(r), acc = 0;
	int prot = u < 0.80 ? 6 : u < 0.98 ? 17 : 1;
	int to_server = gsl_rng_uniform(r) < 0.5, service = 0;
	int64_t client =
	    (10LL << 24) + 1 + (int64_t)gsl_rng_uniform_int(r, 65534);
	size_t k = gsl_ran_discrete(r, g->servers);
	int64_t server =
	    0x40000000LL + (int64_t)((k * 2654435761ULL) % 0xA0000000ULL);
	int64_t eph = 32768 + (int64_t)gsl_rng_uniform_int(r, 61000 - 32768);
	double gap, dur_ms = 0, thr;
	int64_t first_ms_total, last_ms_total;

	u = gsl_rng_uniform(r);
	if (prot == 6) {
		for (size_t i = 0; i < sizeof(tcp) / sizeof(tcp[0]); i++) {
			acc += tcp[i].p;
			if (u < acc || i + 1 == sizeof(tcp) / sizeof(tcp[0])) {
				service = tcp[i].port;
				break;
			}
		}
	} else if (prot == 17) {
		for (size_t i = 0; i < sizeof(udp) / sizeof(udp[0]); i++) {
			acc += udp[i].p;
			if (u < acc || i + 1 == sizeof(udp) / sizeof(udp[0])) {
				service = udp[i].port;
				break;
			}
		}
	}
	if (service == 0 && prot != 1)
		service = 1024 + (int)gsl_rng_uniform_int(r, 49151 - 1024);
	v[FM_AF] = 2;
	v[FM_PROT] = prot;
	v[FM_INIF] = to_server ? 1 : 2;
	v[FM_OUTIF] = to_server ? 2 : 1;
	v[FM_SA3] = to_server ? client : server;
	v[FM_DA3] = to_server ? server : client;
	if (prot == 1) {
		v[FM_SP] = 0;
		v[FM_DP] = to_server ? 8 << 8 : 0; /* echo request / reply */
	} else {
		v[FM_SP] = to_server ? eph : service;
		v[FM_DP] = to_server ? service : eph;
	}
	/* Poisson arrivals */
	gap = gsl_ran_exponential(r, 1.0 / g->o.rate);
	g->t += gap;
	first_ms_total = g->o.start * 1000 + (int64_t)floor(g->t * 1000.0);
	/* duration: the transfer time of the octets at a lognormal
	 * throughput (median 1 Mbit/s, s = 1.5), spread over packets - 1
	 * gaps out of packets */
	if (v[FM_PACKETS] > 1) {
		thr = 1e6 * exp(1.5 * gsl_ran_gaussian_ziggurat(r, 1.0));
		dur_ms = 1000.0 * 8.0 * (double)v[FM_OCTETS] / thr *
			 (double)(v[FM_PACKETS] - 1) / (double)v[FM_PACKETS];
		if (dur_ms > 1e12)
			dur_ms = 1e12;
	}
	last_ms_total = first_ms_total + (int64_t)llround(dur_ms);
	v[FM_FIRST] = first_ms_total / 1000;
	v[FM_FIRST_MS] = first_ms_total % 1000;
	v[FM_LAST] = last_ms_total / 1000;
	v[FM_LAST_MS] = last_ms_total % 1000;
	v[FM_AGGS] = 1;
}

/* Whether v[0..n) are all 0 (reading is cheaper than rewriting). */
static int col_zero(const int64_t *v, size_t n)
{
	/* v[0] is 0 and every value equals the next one (memcmp is the
	 * C library's vectorised loop) */
	return n == 0 ||
	       (v[0] == 0 && memcmp(v, v + 1, (n - 1) * sizeof(*v)) == 0);
}

long fm_gen_next(struct fm_generator *g, struct fm_batch *b,
		 struct fm_error *err)
{
	size_t k = 0, cap = b->cap < FM_BATCH_CAP ? b->cap : FM_BATCH_CAP;
	int64_t *pk = fm_batch_mut(b, FM_PACKETS),
		*oc = fm_batch_mut(b, FM_OCTETS);
	uint32_t need = g->o.full_records ? FM_ALL_FIELDS
					  : FM_FIELD_BIT(FM_PACKETS) |
						FM_FIELD_BIT(FM_OCTETS);

	if ((b->fields & need) != need)
		return fm_error_set(
		    err, FM_EINVAL, "generate: the batch needs %s",
		    g->o.full_records ? "all fields" : "packets and octets");
	for (; k < cap && g->done < g->total; k++, g->done++) {
		double x, ps;
		int64_t v[FM_NFIELDS];

		if (g->from_hist && g->o.count == 0) {
			while (g->left == 0) {
				g->walk--;
				start_bin(g, g->walk);
			}
			size_t i = g->walk;
			x = (double)g->bx[i];
			if (g->exact) {
				/* select r of the bin's flows for q + 1 */
				uint64_t val = g->q;
				if (g->r &&
				    gsl_rng_uniform(g->rr) * (double)g->left <
					(double)g->r) {
					val++;
					g->r--;
				}
				if (g->o.x == FM_MIX_X_LENGTH) {
					pk[k] = (int64_t)x;
					oc[k] = (int64_t)val;
				} else {
					pk[k] = (int64_t)val;
					oc[k] = (int64_t)x;
				}
			} else {
				shape(g, x, g->bps[i], &pk[k], &oc[k]);
			}
			g->left--;
		} else if (g->from_hist) {
			size_t i = gsl_ran_discrete(g->rx, g->table);
			shape(g, (double)g->bx[i], g->bps[i], &pk[k], &oc[k]);
		} else {
			x = fm_mix_sampler_draw(&g->sampler, g->rx);
			ps = mixture_ps(g, x);
			if (ps < 0)
				return fm_error_set(err, FM_ENOMEM,
						    "generate: out of memory");
			shape(g, x, ps, &pk[k], &oc[k]);
		}
		if (!g->o.full_records)
			continue;
		memset(v, 0, sizeof(v));
		v[FM_PACKETS] = pk[k];
		v[FM_OCTETS] = oc[k];
		full_fields(g, v);
		for (int f = 0; f < FM_NFIELDS; f++)
			if (f != FM_PACKETS && f != FM_OCTETS)
				fm_batch_mut(b, f)[k] = v[f];
	}
	if (!g->o.full_records) /* the reference's records: all else 0 */
		for (int f = 0; f < FM_NFIELDS; f++)
			if (f != FM_PACKETS && f != FM_OCTETS && b->col[f] &&
			    !col_zero(b->col[f],
				      k)) /* zero from the last call */
				memset(fm_batch_mut(b, f), 0,
				       k * sizeof(int64_t));
	b->n = k;
	return (long)k;
}

void fm_gen_position(const struct fm_generator *g, uint64_t *done,
		     uint64_t *total)
{
	*done = g->done;
	*total = g->total;
}

void fm_gen_free(struct fm_generator *g)
{
	if (!g)
		return;
	free(g->bx);
	free(g->bflows);
	free(g->bpackets);
	free(g->boctets);
	free(g->bunit);
	free(g->bps);
	if (g->table)
		gsl_ran_discrete_free(g->table);
	if (g->servers)
		gsl_ran_discrete_free(g->servers);
	fm_mix_sampler_release(&g->sampler);
	fm_mixture_dir_release(&g->md);
	free(g->cache.key);
	free(g->cache.val);
	free(g->cache.dense);
	free(g->cache.have);
	if (g->rx)
		gsl_rng_free(g->rx);
	if (g->rr)
		gsl_rng_free(g->rr);
	if (g->rf)
		gsl_rng_free(g->rf);
	free(g);
}

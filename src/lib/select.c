/*
 * select.c - fit every structure of a U/L/P grid and rank the results
 * (see select.h).
 *
 * Threads: workers take structures from a shared cursor, largest first
 * (so the long fits start early and the pool finishes together), fit
 * each on their own buffers and post the row's index to a done list.
 * The calling thread waits on that list, hands finished rows to on_row,
 * and reports progress; a cancel sets a flag that every running fit sees
 * at its next iteration.  Results are stored by grid position, so the
 * order of completion never shows in the result.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowmodels/fit.h"
#include "flowmodels/gof.h"
#include "flowmodels/select.h"

#define GRID_MAX 100

static const char dim_name[FM_SEL_NDIM] = {'U', 'L', 'P'};

/* One "N=a" or "N=a..b" part of length len at s. */
static int grid_part(const char *s, size_t len, struct fm_select_grid *g,
		     unsigned *seen, struct fm_error *err)
{
	const char *p = s + 2, *end = s + len;
	unsigned long v[2];
	int d, nv = 0;

	for (d = 0; d < FM_SEL_NDIM; d++)
		if (len >= 2 && s[0] == dim_name[d] && s[1] == '=')
			break;
	if (d == FM_SEL_NDIM)
		return fm_error_set(
		    err, FM_EINVAL,
		    "--grid: '%.*s': expected U=, L= or P= followed by a "
		    "count or a range a..b",
		    (int)len, s);
	if (*seen & (1u << d))
		return fm_error_set(err, FM_EINVAL, "--grid: %c given twice",
				    dim_name[d]);
	*seen |= 1u << d;
	while (nv < 2) {
		char *q;
		if (p >= end || !isdigit((unsigned char)*p))
			return fm_error_set(err, FM_EINVAL,
					    "--grid: '%.*s': expected a count",
					    (int)len, s);
		errno = 0;
		v[nv] = strtoul(p, &q, 10);
		if (errno || q > end || v[nv] > GRID_MAX)
			return fm_error_set(
			    err, FM_EINVAL,
			    "--grid: '%.*s': counts go from 0 to %d", (int)len,
			    s, GRID_MAX);
		p = q;
		nv++;
		if (p == end)
			break;
		if (nv == 2 || end - p < 2 || p[0] != '.' || p[1] != '.')
			return fm_error_set(
			    err, FM_EINVAL,
			    "--grid: '%.*s': expected a count or a range a..b",
			    (int)len, s);
		p += 2;
	}
	if (nv == 1)
		v[1] = v[0];
	if (v[0] > v[1])
		return fm_error_set(err, FM_EINVAL,
				    "--grid: '%.*s': empty range (%lu > %lu)",
				    (int)len, s, v[0], v[1]);
	g->lo[d] = (unsigned)v[0];
	g->hi[d] = (unsigned)v[1];
	return 0;
}

int fm_select_grid_parse(const char *s, struct fm_select_grid *g,
			 struct fm_error *err)
{
	unsigned seen = 0;

	memset(g, 0, sizeof(*g));
	if (!s || !*s)
		return fm_error_set(
		    err, FM_EINVAL,
		    "--grid: empty grid: give e.g. 'U=0..6,L=1..8,P=0..2'");
	while (*s) {
		size_t len = strcspn(s, ",");
		int r = grid_part(s, len, g, &seen, err);
		if (r < 0)
			return r;
		s += len;
		if (*s == ',') {
			s++;
			if (!*s)
				return fm_error_set(err, FM_EINVAL,
						    "--grid: trailing ','");
		}
	}
	return 0;
}

size_t fm_select_grid_size(const struct fm_select_grid *g)
{
	size_t n = 1;

	for (int d = 0; d < FM_SEL_NDIM; d++)
		n *= (size_t)(g->hi[d] - g->lo[d] + 1);
	return n;
}

int fm_select_criterion_from_name(const char *name)
{
	if (!name)
		return -1;
	if (strcmp(name, "bic") == 0)
		return FM_SEL_BIC;
	if (strcmp(name, "aic") == 0)
		return FM_SEL_AIC;
	if (strcmp(name, "ks") == 0)
		return FM_SEL_KS;
	return -1;
}

void fm_select_result_init(struct fm_select_result *res)
{
	memset(res, 0, sizeof(*res));
}

void fm_select_result_release(struct fm_select_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		fm_mixture_release(&res->rows[i].mix);
	free(res->rows);
	free(res->rank);
	fm_select_result_init(res);
}

static double crit_value(const struct fm_select_row *r,
			 enum fm_select_criterion c)
{
	return c == FM_SEL_AIC ? r->aic : c == FM_SEL_KS ? r->ks : r->bic;
}

static int cmp_unsigned(unsigned a, unsigned b)
{
	return a < b ? -1 : a > b;
}

static int row_cmp(const struct fm_select_row *a, const struct fm_select_row *b,
		   enum fm_select_criterion c)
{
	double va = crit_value(a, c), vb = crit_value(b, c);

	if (isnan(va) != isnan(vb))
		return isnan(va) ? 1 : -1;
	if (va < vb)
		return -1;
	if (va > vb)
		return 1;
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	if (a->U != b->U)
		return cmp_unsigned(a->U, b->U);
	if (a->L != b->L)
		return cmp_unsigned(a->L, b->L);
	return cmp_unsigned(a->P, b->P);
}

void fm_select_sort(const struct fm_select_row *rows, size_t *idx, size_t n,
		    enum fm_select_criterion crit)
{
	/* insertion sort: stable, and grids are small */
	for (size_t i = 1; i < n; i++) {
		size_t v = idx[i], j = i;
		while (j > 0 &&
		       row_cmp(&rows[v], &rows[idx[j - 1]], crit) < 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

struct pool {
	const struct fm_histogram *h;
	enum fm_hcol y;
	const struct fm_select_opts *o;
	struct fm_select_row *rows;
	size_t *todo, ntodo, next; /* work list and cursor */
	size_t *done, ndone;	   /* finished, in completion order */
	atomic_ullong iters;
	atomic_int cancel;
	int failed; /* a fit ran out of memory */
	struct fm_error err;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int on_iteration(void *ctx, unsigned iter, const struct fm_mixture *m)
{
	struct pool *p = ctx;

	(void)iter;
	(void)m;
	atomic_fetch_add(&p->iters, 1);
	return atomic_load(&p->cancel);
}

/* Fit one row; returns 0, or FM_ENOMEM / FM_ECANCEL for the whole run. */
static int fit_row(struct pool *p, struct fm_select_row *row,
		   struct fm_error *err)
{
	struct fm_fit_opts fo;
	struct fm_gof g;
	struct fm_error fe = {0};
	double t0 = now_seconds();
	int r;

	memset(&fo, 0, sizeof(fo));
	fo.max_iter = p->o->max_iter;
	fo.max_pareto_w = p->o->max_pareto_w;
	fo.threads = 1;
	fo.on_iteration = on_iteration;
	fo.ctx = p;
	r = fm_fit_histogram(&row->mix, p->h, p->y, &fo, &fe);
	row->seconds = now_seconds() - t0;
	if (r == FM_ENOMEM || r == FM_ECANCEL) {
		*err = fe;
		return r;
	}
	if (r < 0) {
		row->skipped = 1;
		snprintf(row->reason, sizeof(row->reason), "%s", fe.msg);
		return 0;
	}
	row->k = row->mix.stats.k;
	row->loglik = row->mix.stats.loglik;
	row->aic = row->mix.stats.aic;
	row->bic = row->mix.stats.bic;
	row->iterations = row->mix.stats.iterations;
	row->ks =
	    fm_gof_histogram(&row->mix, p->o->xk, p->h, p->y, &g, NULL) == 0
		? g.ks
		: NAN;
	return 0;
}

static void *worker_main(void *arg)
{
	struct pool *p = arg;

	pthread_mutex_lock(&p->mu);
	while (p->next < p->ntodo && !p->failed && !atomic_load(&p->cancel)) {
		size_t i = p->todo[p->next++];
		struct fm_error err = {0};
		int r;
		pthread_mutex_unlock(&p->mu);
		r = fit_row(p, &p->rows[i], &err);
		atomic_fetch_add(&p->iters, 1);
		pthread_mutex_lock(&p->mu);
		if (r < 0) {
			if (!p->failed && r != FM_ECANCEL) {
				p->failed = 1;
				p->err = err;
			}
		} else {
			p->done[p->ndone++] = i;
		}
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Set up rows in grid order; the initial mixtures; skip what cannot run. */
static int make_rows(const struct fm_histogram *h,
		     const struct fm_select_grid *g,
		     struct fm_select_result *res, struct fm_error *err)
{
	size_t n = fm_select_grid_size(g), i = 0;

	res->rows = calloc(n, sizeof(*res->rows));
	res->rank = calloc(n, sizeof(size_t));
	if (!res->rows || !res->rank)
		return fm_error_set(err, FM_ENOMEM, "select: out of memory");
	res->n = n;
	for (unsigned U = g->lo[FM_SEL_U]; U <= g->hi[FM_SEL_U]; U++)
		for (unsigned L = g->lo[FM_SEL_L]; L <= g->hi[FM_SEL_L]; L++)
			for (unsigned P = g->lo[FM_SEL_P]; P <= g->hi[FM_SEL_P];
			     P++) {
				struct fm_select_row *row = &res->rows[i++];
				struct fm_error e = {0};
				row->U = U;
				row->L = L;
				row->P = P;
				fm_mixture_init(&row->mix);
				if (fm_fit_initial(&row->mix, h->bin_lo[0],
						   h->bin_lo[h->n - 1], U, P, L,
						   &e) < 0) {
					if (e.code == FM_ENOMEM)
						return fm_error_set(
						    err, FM_ENOMEM,
						    "select: out of memory");
					row->skipped = 1;
					snprintf(row->reason,
						 sizeof(row->reason), "%s",
						 e.msg);
					continue;
				}
				for (size_t c = 0; c < row->mix.n; c++)
					if (row->mix.comp[c].dist ==
						FM_DIST_GENPARETO &&
					    !(row->mix.comp[c].p[1] > 0)) {
						row->skipped = 1;
						snprintf(
						    row->reason,
						    sizeof(row->reason),
						    "a Pareto at location %g "
						    "<= 0: P >= 1 "
						    "needs U >= %lld here",
						    row->mix.comp[c].p[1],
						    (long long)(2 -
								h->bin_lo[0]));
						break;
					}
			}
	return 0;
}

/* The work list: larger structures first, grid order among equals. */
static void order_todo(const struct fm_select_row *rows, size_t *todo, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		size_t v = todo[i], j = i;
		while (j > 0 && rows[todo[j - 1]].mix.n < rows[v].mix.n) {
			todo[j] = todo[j - 1];
			j--;
		}
		todo[j] = v;
	}
}

/* Wait for the workers, handing finished rows to on_row and reporting
 * progress from this thread. */
static void watch(struct pool *p, size_t nfit)
{
	const struct fm_select_opts *o = p->o;
	uint64_t total = (uint64_t)nfit * ((uint64_t)o->max_iter + 1);
	size_t shown = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct timespec ts;
		int finished = p->ndone == nfit || p->failed ||
			       (atomic_load(&p->cancel) && p->next == p->ntodo);
		while (shown < p->ndone) {
			size_t i = p->done[shown++];
			pthread_mutex_unlock(&p->mu);
			if (o->on_row)
				o->on_row(o->ctx, &p->rows[i]);
			pthread_mutex_lock(&p->mu);
		}
		if (finished)
			break;
		pthread_mutex_unlock(&p->mu);
		if (fm_progress_report(o->progress, atomic_load(&p->iters),
				       total))
			atomic_store(&p->cancel, 1);
		pthread_mutex_lock(&p->mu);
		if (atomic_load(&p->cancel))
			p->next = p->ntodo; /* start nothing more */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (p->ndone == shown)
			pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	pthread_mutex_unlock(&p->mu);
}

int fm_select_run(const struct fm_histogram *h, enum fm_hcol y,
		  const struct fm_select_grid *g,
		  const struct fm_select_opts *o, struct fm_select_result *res,
		  struct fm_error *err)
{
	struct pool p;
	pthread_t *th = NULL;
	unsigned nth = o->threads > 1 ? o->threads : 1, started = 0;
	int r;

	fm_select_result_release(res);
	if (!fm_histogram_has(h, y))
		return fm_error_set(err, FM_EINVAL,
				    "histogram has no column '%s_sum'",
				    fm_hcol_name(y) ? fm_hcol_name(y) : "?");
	if (h->n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "select: the histogram has no bins");
	r = make_rows(h, g, res, err);
	if (r < 0) {
		fm_select_result_release(res);
		return r;
	}
	memset(&p, 0, sizeof(p));
	p.h = h;
	p.y = y;
	p.o = o;
	p.rows = res->rows;
	p.todo = malloc(res->n * sizeof(size_t));
	p.done = malloc(res->n * sizeof(size_t));
	if (!p.todo || !p.done) {
		r = fm_error_set(err, FM_ENOMEM, "select: out of memory");
		goto out;
	}
	for (size_t i = 0; i < res->n; i++)
		if (!res->rows[i].skipped)
			p.todo[p.ntodo++] = i;
	if (p.ntodo == 0) {
		r = fm_error_set(
		    err, FM_EINVAL,
		    "select: no structure of the grid can be fitted (%s)",
		    res->n ? res->rows[0].reason : "empty grid");
		goto out;
	}
	order_todo(res->rows, p.todo, p.ntodo);
	for (size_t i = 0; o->on_row && i < res->n; i++)
		if (res->rows[i].skipped)
			o->on_row(o->ctx, &res->rows[i]);
	atomic_init(&p.iters, 0);
	atomic_init(&p.cancel, 0);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (nth > p.ntodo)
		nth = (unsigned)p.ntodo;
	th = malloc(nth * sizeof(pthread_t));
	for (unsigned t = 0; th && t < nth; t++) {
		if (pthread_create(&th[t], NULL, worker_main, &p) != 0)
			break;
		started++;
	}
	if (started == 0) {
		/* no thread could start: fit in this thread */
		worker_main(&p);
	} else {
		watch(&p, p.ntodo);
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	if (p.failed) {
		*err = p.err;
		r = err->code ? err->code : FM_ENOMEM;
	} else if (atomic_load(&p.cancel)) {
		r = fm_error_set(err, FM_ECANCEL, "select: cancelled");
	} else {
		for (size_t i = 0; i < res->n; i++)
			if (!res->rows[i].skipped)
				res->rank[res->nrank++] = i;
		if (res->nrank == 0)
			r = fm_error_set(
			    err, FM_EINVAL,
			    "select: no structure of the grid could be fitted");
		else
			fm_select_sort(res->rows, res->rank, res->nrank,
				       o->criterion);
	}
out:
	free(th);
	free(p.todo);
	free(p.done);
	if (r < 0)
		fm_select_result_release(res);
	return r;
}

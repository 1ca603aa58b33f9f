/*
 * cmd-select.c - `select`: fit every U/L/P structure of a grid, rank them
 * (library: select.h), write DIR/ranking.csv, DIR/skipped.csv and the
 * winner as DIR/Y.json + DIR/Y.mode.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/fileout.h"
#include "flowmodels/select.h"
#include "cmd-quality.h"
#include "objtypes.h"

/* ranking.csv's header; also the columns of the live rows. */
#define CMD_SELECT_RANKING_HEADER                                              \
	"U,L,P,k,log_likelihood,aic,bic,ks,iterations,seconds"

enum {
	OPT_S_X = OPT_COMMON_END,
	OPT_S_Y,
	OPT_S_GRID,
	OPT_S_ITER,
	OPT_S_MPW,
	OPT_S_CRIT,
	OPT_S_THREADS,
};

static const struct cmd_opt select_opts[] = {
    {OPT_S_X, 'x', "x-value", CMD_OPT_STR, "X",
     "x of the histogram: length or size (default: detect from the "
     "first bin_lo, 1 or 64)",
     "length|size"},
    {OPT_S_Y, 'y', "y-value", CMD_OPT_STR, "Y",
     "column to fit: flows, packets or octets (default: flows)",
     "flows|packets|octets"},
    {OPT_S_GRID, 0, "grid", CMD_OPT_STR, "GRID",
     "the structures: U=a..b,L=a..b,P=a..b, each a count or a range "
     "(absent: 0)",
     NULL},
    {OPT_S_ITER, 'i', "iterations", CMD_OPT_INT, "N",
     "EM iterations of every fit (default: 100)", NULL},
    {OPT_S_MPW, 0, "mpw", CMD_OPT_REAL, "W",
     "maximum weight of a Pareto component (default: no cap)", NULL},
    {OPT_S_CRIT, 0, "criterion", CMD_OPT_STR, "C",
     "rank by bic, aic or ks (default: bic)", "bic|aic|ks"},
    {OPT_S_THREADS, 0, "threads", CMD_OPT_INT, "N",
     "structures fitted at once; the output is the same for every N "
     "(default: the number of CPUs)",
     NULL},
    CMD_OPT_OUTPUT("output directory for ranking.csv, skipped.csv, Y.json "
		   "and Y.mode (default: ., in a replay the session file's "
		   "directory)"),
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int get_opts(const struct cmd_args *a, struct fm_select_opts *so,
		    struct fm_select_grid *g, int *yc, struct fm_error *err)
{
	const char *y = a->v[OPT_S_Y].set ? a->v[OPT_S_Y].s : "flows";
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	memset(so, 0, sizeof(*so));
	so->max_iter = 100;
	so->threads = ncpu > 1 ? (unsigned)(ncpu < 256 ? ncpu : 256) : 1;
	*yc = fm_hcol_from_name(y);
	if (*yc != FM_HCOL_FLOWS && *yc != FM_HCOL_PACKETS &&
	    *yc != FM_HCOL_OCTETS)
		return fm_error_set(
		    err, FM_EINVAL,
		    "-y: expected flows, packets or octets, not '%s'", y);
	if (!a->v[OPT_S_GRID].set)
		return fm_error_set(
		    err, FM_EINVAL,
		    "--grid is required, e.g. --grid 'U=0..6,L=1..8,P=0..2'");
	if (fm_select_grid_parse(a->v[OPT_S_GRID].s, g, err) < 0)
		return err->code;
	if (a->v[OPT_S_ITER].set) {
		if (a->v[OPT_S_ITER].i < 0 || a->v[OPT_S_ITER].i > 100000000)
			return fm_error_set(
			    err, FM_EINVAL,
			    "-i: expected 0..100000000 iterations, got %lld",
			    (long long)a->v[OPT_S_ITER].i);
		so->max_iter = (unsigned)a->v[OPT_S_ITER].i;
	}
	if (a->v[OPT_S_MPW].set) {
		if (!(a->v[OPT_S_MPW].d >= 0))
			return fm_error_set(err, FM_EINVAL,
					    "--mpw: expected a weight >= 0");
		so->max_pareto_w = a->v[OPT_S_MPW].d;
	}
	c = fm_select_criterion_from_name(
	    a->v[OPT_S_CRIT].set ? a->v[OPT_S_CRIT].s : "bic");
	if (c < 0)
		return fm_error_set(
		    err, FM_EINVAL,
		    "--criterion: expected bic, aic or ks, not '%s'",
		    a->v[OPT_S_CRIT].s);
	so->criterion = (enum fm_select_criterion)c;
	if (a->v[OPT_S_THREADS].set) {
		if (a->v[OPT_S_THREADS].i < 1 || a->v[OPT_S_THREADS].i > 256)
			return fm_error_set(err, FM_EINVAL,
					    "--threads: expected 1..256");
		so->threads = (unsigned)a->v[OPT_S_THREADS].i;
	}
	return 0;
}

static void csv_quoted(struct fm_buf *b, const char *s)
{
	fm_buf_addch(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			fm_buf_addch(b, '"');
		fm_buf_addch(b, *s == '\n' ? ' ' : *s);
	}
	fm_buf_addch(b, '"');
}

/* A line of ranking.csv: numbers in their shortest exact form, so that
 * only the seconds column depends on the run. */
static void ranking_row(struct fm_buf *rk, const struct fm_select_row *r)
{
	fm_buf_printf(rk, "%u,%u,%u,%d,", r->U, r->L, r->P, r->k);
	fm_json_add_double(rk, r->loglik);
	fm_buf_addch(rk, ',');
	fm_json_add_double(rk, r->aic);
	fm_buf_addch(rk, ',');
	fm_json_add_double(rk, r->bic);
	fm_buf_addch(rk, ',');
	fm_json_add_double(rk, r->ks);
	fm_buf_printf(rk, ",%u,%.3f\n", r->iterations, r->seconds);
}

/* ranking.csv and skipped.csv. */
static void ranking_text(const struct fm_select_result *res, struct fm_buf *rk,
			 struct fm_buf *sk)
{
	fm_buf_addstr(rk, CMD_SELECT_RANKING_HEADER "\n");
	for (size_t j = 0; j < res->nrank; j++)
		ranking_row(rk, &res->rows[res->rank[j]]);
	fm_buf_addstr(sk, "U,L,P,reason\n");
	for (size_t i = 0; i < res->n; i++) {
		const struct fm_select_row *r = &res->rows[i];
		if (!r->skipped)
			continue;
		fm_buf_printf(sk, "%u,%u,%u,", r->U, r->L, r->P);
		csv_quoted(sk, r->reason);
		fm_buf_addch(sk, '\n');
	}
}

static int write_in(const char *dir, const char *name, const struct fm_buf *b,
		    struct fm_error *err)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	int r;

	if (!p)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	snprintf(p, n, "%s/%s", dir, name);
	r = fm_file_write_atomic(p, fm_buf_str(b), b->len, err);
	free(p);
	return r;
}

static int write_outputs(struct cmd_ctx *ctx, const struct cmd_args *a,
			 const char *dir, const char *x, const char *y,
			 const struct fm_select_result *res,
			 const struct fm_select_opts *so, struct fm_buf *mode,
			 struct fm_error *err)
{
	const struct fm_select_row *w = &res->rows[res->rank[0]];
	struct fm_buf rk = FM_BUF_INIT, sk = FM_BUF_INIT, js = FM_BUF_INIT;
	char name[32];
	int r;

	ranking_text(res, &rk, &sk);
	r = cmd_fit_mode_text(mode, cmd_input_label(ctx, a, 0), x, y,
			      so->max_iter, NULL, w->U, w->P, w->L,
			      so->max_pareto_w, err);
	if (r == 0)
		r = fm_mixture_format(&w->mix, &js, err);
	if (r == 0 && mkdir(dir, 0777) == 0)
		fm_sync_parent(dir); /* the new directory lasts */
	else if (r == 0 && errno != EEXIST)
		r = fm_error_set(err, FM_EIO, "%s: cannot create directory: %s",
				 dir, strerror(errno));
	if (r == 0)
		r = write_in(dir, "ranking.csv", &rk, err);
	if (r == 0)
		r = write_in(dir, "skipped.csv", &sk, err);
	snprintf(name, sizeof(name), "%s.json", y);
	if (r == 0)
		r = write_in(dir, name, &js, err);
	snprintf(name, sizeof(name), "%s.mode", y);
	if (r == 0)
		r = write_in(dir, name, mode, err);
	fm_buf_release(&rk);
	fm_buf_release(&sk);
	fm_buf_release(&js);
	return r;
}

/* In a session (the workbench's messages): a line per fit as it ends,
 * with the best so far by the criterion; and for a frontend watching
 * (the workbench's ranking table), the row as a live row: "ranking,"
 * and the ranking.csv line, or "skipped,U,L,P,reason". */
struct live {
	struct cmd_ctx *ctx;
	enum fm_select_criterion crit;
	size_t done, total;
	struct fm_select_row best; /* the figures only (mix left empty) */
	int have_best;
};

static void on_row(void *arg, const struct fm_select_row *row)
{
	struct live *l = arg;
	size_t idx[2] = {0, 1};
	struct fm_select_row two[2];
	struct fm_buf b = FM_BUF_INIT;

	if (row->skipped)
		fm_buf_printf(&b, "skipped,%u,%u,%u,%s", row->U, row->L, row->P,
			      row->reason);
	else {
		fm_buf_addstr(&b, "ranking,");
		ranking_row(&b, row);
	}
	if (b.buf)
		cmd_live_row(l->ctx, fm_buf_str(&b));
	fm_buf_release(&b);
	if (row->skipped) {
		fprintf(l->ctx->out,
			"select [%zu/%zu] U=%u L=%u P=%u: skipped: %s\n",
			++l->done, l->total, row->U, row->L, row->P,
			row->reason);
		return;
	}
	two[0] = l->best;
	two[1] = *row;
	if (l->have_best)
		fm_select_sort(two, idx, 2, l->crit);
	if (!l->have_best || idx[0] == 1) {
		l->best = *row;
		fm_mixture_init(&l->best.mix);
		l->have_best = 1;
	}
	l->done++;
	fprintf(l->ctx->out,
		"select [%zu/%zu] U=%u L=%u P=%u: k %d, BIC %.6f, "
		"ks %.4g, %.3f s; best so far U=%u L=%u P=%u\n",
		l->done, l->total, row->U, row->L, row->P, row->k, row->bic,
		row->ks, row->seconds, l->best.U, l->best.L, l->best.P);
	fflush(l->ctx->out);
}

static int select_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_histogram h;
	struct fm_select_grid g;
	struct fm_select_opts so;
	struct fm_select_result res;
	struct live live;
	struct fm_buf mode = FM_BUF_INIT;
	const char *y = a->v[OPT_S_Y].set ? a->v[OPT_S_Y].s : "flows";
	const char *dir = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : ".";
	enum fm_mix_x xk = FM_MIX_X_LENGTH;
	double t0 = cmd_now();
	int yc = 0, r, nskip = 0;

	fm_histogram_init(&h);
	fm_select_result_init(&res);
	r = get_opts(a, &so, &g, &yc, &err);
	if (r == 0)
		r = fm_histogram_read(&h, a->pos[0], FM_HCOL_BIT(yc), &ctx->log,
				      &err);
	if (r == 0 && h.n == 0)
		r = fm_error_set(&err, FM_EINVAL,
				 "%s: the histogram has no bins", a->pos[0]);
	if (r == 0)
		r = q_get_xkind(ctx, a, OPT_S_X, 0, &h, &xk, &err);
	if (r == 0) {
		so.xk = xk;
		so.progress = &ctx->progress;
		if (cmd_in_session(ctx)) {
			memset(&live, 0, sizeof(live));
			live.ctx = ctx;
			live.crit = so.criterion;
			live.total = fm_select_grid_size(&g);
			so.on_row = on_row;
			so.ctx = &live;
		}
		r = fm_select_run(&h, (enum fm_hcol)yc, &g, &so, &res, &err);
		if (r < 0 && r != FM_ECANCEL)
			fm_error_prefix(&err, "%s", a->pos[0]);
	}
	for (size_t i = 0; r == 0 && i < res.n; i++)
		if (res.rows[i].skipped) {
			fm_warn(&ctx->log, "skipped U=%u L=%u P=%u: %s",
				res.rows[i].U, res.rows[i].L, res.rows[i].P,
				res.rows[i].reason);
			nskip++;
		}
	if (r == 0)
		r = write_outputs(ctx, a, dir, cmd_fit_xkind(ctx, a, &h), y,
				  &res, &so, &mode, &err);
	if (r == 0) {
		const struct fm_select_row *w = &res.rows[res.rank[0]];
		cmd_summary(
		    ctx,
		    "select: %zu structures fitted, %d skipped, in %.3f s; "
		    "best by %s: U=%u L=%u P=%u (k = %d, BIC %.6f, ks %.6g)",
		    res.nrank, nskip, cmd_now() - t0,
		    a->v[OPT_S_CRIT].set ? a->v[OPT_S_CRIT].s : "bic", w->U,
		    w->L, w->P, w->k, w->bic, w->ks);
	}
	if (r == 0 && cmd_in_session(ctx)) {
		struct cmd_mixset *set = cmd_mixset_new(
		    yc, &res.rows[res.rank[0]].mix, fm_buf_str(&mode));
		if (!set)
			r = fm_error_set(&err, FM_ENOMEM, "out of memory");
		else if ((r = cmd_result_object(ctx, &cmd_mixture_type, set,
						&err)) > 0)
			r = 0;
	}
	fm_buf_release(&mode);
	fm_select_result_release(&res);
	fm_histogram_release(&h);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

const struct cmd_entry cmd_select_entry = {
    .name = "select",
    .alias = NULL,
    .summary = "choose a mixture's structure: fit a U/L/P grid, rank by BIC",
    .usage =
	"[-x length|size] [-y flows|packets|octets] --grid GRID [-i N] "
	"[--mpw W] [--criterion bic|aic|ks] [--threads N] [-O DIR] HISTOGRAM",
    .description =
	"Fits every structure of the grid (U uniforms, L lognorms, P Paretos,\n"
	"e.g. --grid 'U=0..6,L=1..8,P=0..2') with the same EM as fit, several\n"
	"at once, and ranks them best first by the criterion (ties: fewer\n"
	"free parameters k, then U, L, P).  Writes DIR/ranking.csv\n"
	"(U,L,P,k,log_likelihood,aic,bic,ks,iterations,seconds), "
	"DIR/skipped.csv\n"
	"(structures that cannot be fitted, with the reason; also on stderr)\n"
	"and the winner as DIR/Y.json + DIR/Y.mode, loadable like any fit.\n"
	"The output is the same for every --threads apart from the seconds.",
    .opts = select_opts,
    .min_pos = 1,
    .max_pos = 1,
    .exec = select_exec,
    .flags = CMD_F_DOTOUT,
};

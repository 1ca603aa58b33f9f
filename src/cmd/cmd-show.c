/*
 * cmd-show.c - `show OBJ...`: the objects drawn together on the chart
 * (histograms, datasets binned with the first histogram's bins, mixture
 * sets), part of the session's chart state (chartscene.h): recorded, so
 * `save` and a replay restore them; `show` alone goes back to the
 * selected object.  Everything that would keep an object off the chart
 * is refused here with a one-line error, so a recorded `show` draws.
 * Sub-forms whose first word is a word of show_forms run instead (see
 * cmd-show.h): `show records` (cmd-show-records.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/chartdata.h"
#include "flowmodels/filter.h"
#include "flowmodels/hist.h"
#include "cmd-show.h"
#include "objtypes.h"
#include "session.h"

static const struct cmd_opt show_opts[] = {
    {OPT_SHOW_N, 'n', "count", CMD_OPT_INT, "N",
     "show records: how many to print in a session (default: 20; 0 = all; "
     "the workbench's table pages through all of them)",
     NULL},
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int is_type(const struct sess_obj *o, const struct cmd_objtype *t)
{
	return o->kind == SESS_TYPED && o->type == t;
}

/*
 * The bin exponent (hist -b) whose bins are those of h: the smallest b
 * for which every bin at or above 0 is [lo, lo + w) of fm_hist_bin_edges
 * (unit bins first); -1 when none is.
 */
static int bin_exp_of(const struct fm_histogram *h)
{
	for (int b = 0; b < 64; b++) {
		int ok = 1;

		for (size_t i = 0; i < h->n && ok; i++) {
			uint64_t lo, w;

			if (h->bin_lo[i] < 0 || h->bin_hi[i] < 0)
				continue;
			fm_hist_bin_edges((uint64_t)h->bin_lo[i], b, &lo, &w);
			ok = lo == (uint64_t)h->bin_lo[i] &&
			     lo + w == (uint64_t)h->bin_hi[i];
		}
		if (ok)
			return b;
	}
	return -1;
}

/* Bin the records of dataset (or view) d as histogram hobj was binned. */
static int bin_dataset(struct cmd_ctx *ctx, const struct sess_obj *d,
		       const struct sess_obj *hobj, struct fm_histogram **out,
		       struct fm_error *err)
{
	struct fm_hist_opts o;
	struct fm_hist *h = NULL;
	struct fm_filter *filter = NULL;
	struct fm_histogram *hg = NULL;
	struct fm_cut cut;
	const char *dirs[1] = {d->dir};
	int r = 0;

	memset(&o, 0, sizeof(o));
	if (!hobj->xkind[0] || fm_hist_x_parse(hobj->xkind, &o.x) < 0)
		return fm_error_set(err, FM_EINVAL,
				    "%s: the x of %s is not known, so its "
				    "records cannot be binned like it",
				    d->name, hobj->name);
	o.bin_exp = bin_exp_of(hobj->data);
	if (o.bin_exp < 0)
		return fm_error_set(err, FM_EINVAL,
				    "%s: the bins of %s are not those of "
				    "hist -b N, so its records cannot be "
				    "binned like it",
				    d->name, hobj->name);
	o.log = &ctx->log;
	o.progress = &ctx->progress;
	fm_cut_init(&cut);
	if (d->filter)
		r = fm_filter_compile(&filter, d->filter, NULL, err);
	o.filter = filter;
	if (r == 0)
		r = fm_hist_new(&h, &o, err);
	if (r == 0)
		r = fm_hist_add_binary(h, dirs, 1, &cut, NULL, err);
	if (r == 0 && !(hg = calloc(1, sizeof(*hg))))
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	if (r == 0 && (r = fm_hist_result(h, hg, err)) < 0) {
		fm_histogram_release(hg);
		free(hg);
		hg = NULL;
	}
	fm_hist_free(h);
	fm_filter_free(filter);
	*out = hg;
	return r;
}

/* Whether histogram h can be charted; else *err says why. */
static int chartable(const struct sess_obj *o, const struct fm_histogram *h,
		     struct fm_error *err)
{
	struct fm_chartdata cd;
	struct fm_error e = {0};

	if (fm_chartdata_build(&cd, h, NULL, FM_MIX_X_OTHER, 2, 1, &e) < 0)
		return fm_error_set(err, FM_EINVAL, "%s cannot be charted: %s",
				    o->name, e.msg);
	fm_chartdata_release(&cd);
	return 0;
}

/* Check objs[0..n) can be drawn together; first: the first histogram. */
static int check_set(struct sess_obj *const *objs, size_t n,
		     const struct sess_obj *first, struct fm_error *err)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (objs[j] == objs[i])
				return fm_error_set(err, FM_EINVAL,
						    "%s is named twice",
						    objs[i]->name);
	for (size_t i = 0; i < n; i++) {
		const struct sess_obj *o = objs[i];
		int hist = is_type(o, &cmd_histogram_type);
		int mix = is_type(o, &cmd_mixture_type);
		int data = o->kind == SESS_DATASET || o->kind == SESS_VIEW;

		if (is_type(o, &cmd_series_type) && n == 1)
			continue; /* a time series alone: view 7 */
		if (!hist && !mix && !data)
			return fm_error_set(
			    err, FM_EINVAL,
			    "%s is a %s: only histograms, datasets and "
			    "mixture sets are drawn together",
			    o->name, sess_obj_kind(o));
		if ((data || (mix && n > 1)) && !first)
			return fm_error_set(
			    err, FM_EINVAL,
			    "%s needs a histogram in the list (%s)", o->name,
			    data ? "its records are binned with the first "
				   "histogram's bins"
				 : "the mixtures are drawn over it");
		if (hist && o != first && first->xkind[0] && o->xkind[0] &&
		    strcmp(o->xkind, first->xkind))
			return fm_error_set(
			    err, FM_EINVAL,
			    "%s is a histogram of %s, %s of %s: the objects "
			    "shown together share one x axis",
			    o->name, o->xkind, first->name, first->xkind);
		if (mix && first && first->xkind[0] && o->xkind[0] &&
		    strcmp(o->xkind, first->xkind))
			return fm_error_set(
			    err, FM_EINVAL,
			    "%s is a mixture of %s, %s a histogram of %s: a "
			    "mixture is drawn over a histogram of its x",
			    o->name, o->xkind, first->name, first->xkind);
		if (hist && chartable(o, o->data, err) < 0)
			return FM_EINVAL;
	}
	return 0;
}

static int show_set(struct cmd_ctx *ctx, const struct cmd_args *a,
		    struct fm_error *err)
{
	struct sess_obj *objs[SESS_SHOW_MAX] = {NULL};
	struct fm_histogram *binned[SESS_SHOW_MAX] = {NULL};
	const struct sess_obj *first = NULL;
	size_t n = 0;
	int r = 0;

	if (a->npos > SESS_SHOW_MAX)
		return fm_error_set(err, FM_EINVAL,
				    "at most %d objects are shown together",
				    SESS_SHOW_MAX);
	for (; n < a->npos && r == 0; n++)
		if (!(objs[n] = sess_get(ctx->session, a->pos[n], err)))
			r = FM_ENOTFOUND;
	for (size_t i = 0; i < n && r == 0 && !first; i++)
		if (is_type(objs[i], &cmd_histogram_type))
			first = objs[i];
	if (r == 0)
		r = check_set(objs, n, first, err);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (objs[i]->kind != SESS_DATASET && objs[i]->kind != SESS_VIEW)
			continue;
		r = bin_dataset(ctx, objs[i], first, &binned[i], err);
		if (r == 0)
			r = chartable(objs[i], binned[i], err);
	}
	if (r == 0) {
		sess_show_set(ctx->session, objs, binned, n);
		memset(binned, 0, sizeof(binned));
	}
	for (size_t i = 0; i < n; i++) {
		sess_put(ctx->session, objs[i]);
		if (binned[i]) {
			fm_histogram_release(binned[i]);
			free(binned[i]);
		}
	}
	return r;
}

/*
 * Forms of `show` whose first word is not an object but a sub-command
 * (another module adds its own here).
 */
static const struct show_form {
	const char *word;
	int (*exec)(struct cmd_ctx *ctx, const struct cmd_args *a);
} show_forms[] = {{"records", cmd_show_records}, {NULL, NULL}};

static int show_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};

	if (sess_need(ctx))
		return 1;
	for (const struct show_form *f = show_forms; a->npos && f->word; f++)
		if (!strcmp(a->pos[0], f->word))
			return f->exec(ctx, a);
	if (a->v[OPT_SHOW_N].set) {
		fm_error_set(&err, FM_EINVAL,
			     "-n belongs to show records [OBJ] [-n N]");
		return cmd_fail(ctx, &err);
	}
	if (show_set(ctx, a, &err) < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_entry cmd_show_entry = {
    .name = "show",
    .alias = NULL,
    .summary = "draw objects together on the chart (recorded)",
    .usage = "[OBJ...] | records [OBJ] [-n N]",
    .description =
	"Puts the histograms, datasets and mixture sets OBJ... on the chart\n"
	"together, each in its own colour and glyph, with a legend naming\n"
	"them (e.g. `show h1 hg m1 m2`: the data, a generated dataset and\n"
	"two models).  A dataset (or view, or generated dataset) is binned\n"
	"with the bins of the first histogram named; a mixture set is drawn\n"
	"over the first histogram and must have its x.  A single object is\n"
	"drawn with its partner (a histogram with the mixture set fitted to\n"
	"it, a mixture set over its histogram).  `show` alone goes back to\n"
	"the object selected in the workbench.  Space in the objects panel\n"
	"adds or removes the highlighted object (running this command).\n"
	"Recorded: `save` writes it and a replay restores the chart (a\n"
	"replay starts with nothing shown together).  At most 8 objects.\n"
	"show records [OBJ]: the records of dataset or view OBJ (default:\n"
	"the newest) as the text format writes them; in a session the first\n"
	"N (-n, default 20, 0 = all), in the workbench a table paging\n"
	"through them.  Not recorded.",
    .opts = show_opts,
    .min_pos = 0,
    .max_pos = -1,
    .exec = show_exec,
    .flags = CMD_F_SESSION,
};

/*
 * session-run.c - the parse/resolve/exec/commit cycle of a command in a
 * session, and the cmd_ctx hooks through which tools hand results over
 * (see session.h for the model).
 *
 * A command's results wait in its struct cmd_run until sess_run_commit
 * adds them under the session lock, which is the only moment a running
 * command changes the session.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/cut.h"
#include "flowmodels/io.h"
#include "flowmodels/summary.h"
#include "objtypes.h"
#include "session-int.h"

/* ---- runs ---- */

const struct cmd_entry *sess_run_entry(const struct cmd_run *run)
{
	return run->e;
}

static const char *pool_add(struct cmd_run *run, char *owned)
{
	if (!owned || cmd_words_add(&run->pool, owned) < 0) {
		free(owned);
		return NULL;
	}
	free(owned);
	return run->pool.v[run->pool.n - 1];
}

static void *array_add(struct cmd_run *run, size_t size)
{
	void **na = realloc(run->arrays, (run->narrays + 1) * sizeof(*na));
	void *a;

	if (!na)
		return NULL;
	run->arrays = na;
	a = calloc(1, size ? size : 1);
	if (a)
		run->arrays[run->narrays++] = a;
	return a;
}

static const struct cmd_opt *entry_opt(const struct cmd_entry *e, int id)
{
	for (const struct cmd_opt *o = e->opts; o->long_name; o++)
		if (o->id == id)
			return o;
	return NULL;
}

static int is_path_opt(const struct cmd_opt *o)
{
	return cmd_opt_is_path(o) &&
	       (o->type == CMD_OPT_STR || o->type == CMD_OPT_LIST);
}

static int add_input(struct cmd_run *run, struct sess_obj *o)
{
	struct sess_obj **n =
	    realloc(run->inputs, (run->ninputs + 1) * sizeof(*n));
	if (!n)
		return FM_ENOMEM;
	run->inputs = n;
	run->inputs[run->ninputs++] = o;
	o->refs++;
	return 0;
}

/* The entry's -x / --x-value option, or NULL. */
static const struct cmd_opt *x_opt(const struct cmd_entry *e)
{
	for (const struct cmd_opt *o = e->opts; o->long_name; o++)
		if (!strcmp(o->long_name, "x-value") && o->type == CMD_OPT_STR)
			return o;
	return NULL;
}

/* Whether a type's default export holds flow records (csv_flow...). */
static int records_type(const struct cmd_objtype *type)
{
	char first[32];
	enum fm_format f;

	snprintf(first, sizeof(first), "%.*s", (int)strcspn(type->formats, "|"),
		 type->formats);
	return fm_format_parse(first, &f) == 0;
}

/*
 * The "." that plot, series-plot and select write into (and series-plot
 * reads) without -O or DIR: in a replay, the session file's directory,
 * where the file's relative paths go, so that a replay writes inside its
 * tree.  The record keeps what was typed.
 */
static int dot_defaults(struct cmd_run *run, struct fm_error *err)
{
	const struct cmd_entry *e = run->e;
	struct cmd_value *out = &run->res.v[OPT_OUTPUT];

	if (!(e->flags & CMD_F_DOTOUT) || !replay_dir)
		return 0;
	if (!run->typed.v[OPT_OUTPUT].set) {
		if (sess_check_output("the default --output", ".", err) < 0)
			return FM_EINVAL;
		out->set = 1;
		if (!(out->s = pool_add(run, resolve_path(run->s, "."))))
			return OOM(err);
	}
	if ((e->flags & CMD_F_PATHPOS) && e->max_pos > 0 &&
	    run->typed.npos == 0) {
		if (!(run->res.pos[0] =
			  pool_add(run, resolve_path(run->s, "."))))
			return OOM(err);
		run->res.npos = 1;
	}
	return 0;
}

/* What the positional arguments named: how many datasets, the filter of
 * the first view among them, and whether another view has a different
 * one (then only a command that reads a filter per input can take them:
 * run->pos_filter, cmd_input_filter). */
struct resolved_inputs {
	int datasets, mixed;
	const char *filter, *view_name, *other_view;
};

/* A positional naming no object: a plain word naming nothing on disk (a
 * sort key such as "first") is passed on as typed; anything else is a path,
 * even when missing, resolved against the session's directory. */
static int resolve_path_positional(struct cmd_run *run, size_t i,
				   const char **rpos, const char **cpos,
				   struct fm_error *err)
{
	const char *p = run->typed.pos[i];
	char *abs;
	struct stat st;

	if (!strcmp(p, "-"))
		return 0;
	abs = sess_abspath(run->s, p);
	if (!abs)
		return OOM(err);
	if (stat(abs, &st) < 0 && !strpbrk(p, "/.")) {
		free(abs);
		return 0;
	}
	rpos[i] = pool_add(run, resolve_path(run->s, p));
	cpos[i] = pool_add(run, abs);
	if (!rpos[i] || !cpos[i])
		return OOM(err);
	return 0;
}

/* A positional naming a typed object (histogram, mixture, ...): made into
 * its file, and the x it was made with passed on unless the command says. */
static int resolve_typed_positional(struct cmd_run *run, struct sess_obj *o,
				    const char **rpos, size_t i,
				    struct fm_error *err)
{
	const struct cmd_opt *xo = x_opt(run->e);
	int r = materialise(run->s, o, err);

	if (r < 0) {
		fm_error_prefix(err, "%s", o->name);
		return r;
	}
	rpos[i] = o->mat_path;
	if (xo && o->xkind[0] && !run->typed.v[xo->id].set &&
	    (!xo->complete || strstr(xo->complete, o->xkind))) {
		run->res.v[xo->id].set = 1;
		run->res.v[xo->id].s = pool_add(run, strdup(o->xkind));
		if (!run->res.v[xo->id].s)
			return OOM(err);
	}
	return 0;
}

/* The filter of view o, positional i (a dataset's view, or a live view):
 * the positional's own, and the run's (several views: mixed unless the
 * same). */
static void view_filter(struct cmd_run *run, struct resolved_inputs *in,
			size_t i, const struct sess_obj *o, const char *filter)
{
	run->pos_filter[i] = filter;
	if (in->filter && strcmp(in->filter, filter) && !in->mixed) {
		in->mixed = 1;
		in->other_view = o->name;
	}
	if (!in->filter) {
		in->filter = filter;
		in->view_name = o->name;
	}
}

static int resolve_positionals(struct cmd_run *run, const char **rpos,
			       const char **cpos, struct resolved_inputs *in,
			       struct fm_error *err)
{
	struct session *s = run->s;
	const struct cmd_entry *e = run->e;

	for (size_t i = 0; i < run->typed.npos; i++) {
		const char *p = run->typed.pos[i];
		struct sess_obj *o = NULL;
		int r;

		cpos[i] = rpos[i] = p;
		if ((e->flags & CMD_F_SESSION) && !(e->flags & CMD_F_PATHPOS))
			continue;
		if (!(e->flags & CMD_F_PATHPOS))
			o = sess_find(s, p);
		if ((e->flags & CMD_F_WRITEPOS) &&
		    sess_check_output("file", p, err) < 0)
			return FM_EINVAL;
		if (!o) {
			if ((r = resolve_path_positional(run, i, rpos, cpos,
							 err)) < 0)
				return r;
			continue;
		}
		if (o->kind == SESS_TYPED && entry_opt(e, OPT_IN_FORMAT) &&
		    !records_type(o->type))
			return fm_error_set(err, FM_EINVAL,
					    "%s is a %s, not a dataset",
					    o->name, sess_obj_kind(o));
		if (add_input(run, o) < 0)
			return OOM(err);
		if (o->kind == SESS_TYPED) {
			if ((r = resolve_typed_positional(run, o, rpos, i,
							  err)) < 0)
				return r;
			if (o->type->filter && o->type->filter(o->data))
				view_filter(run, in, i, o,
					    o->type->filter(o->data));
			continue;
		}
		rpos[i] = o->dir;
		in->datasets++;
		if (o->kind == SESS_VIEW)
			view_filter(run, in, i, o, o->filter);
	}
	return 0;
}

/* Datasets are binary directories: the tool reads them so; a view's filter
 * is and-ed with the one typed. */
static int apply_inputs(struct cmd_run *run, const struct resolved_inputs *in,
			struct fm_error *err)
{
	const struct cmd_entry *e = run->e;
	const char *filter = in->filter;

	/* a command that reads each view with its own filter gets them
	 * through cmd_input_filter; the others, one filter for all */
	if (e->flags & CMD_F_INFILTER)
		filter = NULL;
	else if (in->mixed)
		return fm_error_set(err, FM_EINVAL,
				    "views %s and %s have different filters; "
				    "read them in separate commands",
				    in->view_name, in->other_view);
	if (in->datasets && entry_opt(e, OPT_IN_FORMAT)) {
		const struct cmd_value *v = &run->typed.v[OPT_IN_FORMAT];
		if (v->set && strcmp(v->s, "binary"))
			return fm_error_set(
			    err, FM_EINVAL,
			    "session datasets are binary directories; "
			    "leave out -i %s",
			    v->s);
		run->res.v[OPT_IN_FORMAT].set = 1;
		run->res.v[OPT_IN_FORMAT].s = "binary";
	}
	if (!filter)
		return 0;
	if (!entry_opt(e, OPT_FILTER_EXPR))
		return fm_error_set(err, FM_EINVAL,
				    "%s takes no filter, so it cannot read "
				    "view %s (export the view first)",
				    e->name, in->view_name);
	if (run->typed.v[OPT_FILTER_EXPR].set) {
		struct fm_buf b = FM_BUF_INIT;
		fm_buf_printf(&b, "(%s) and (%s)", filter,
			      run->typed.v[OPT_FILTER_EXPR].s);
		filter = pool_add(run, fm_buf_detach(&b));
		if (!filter)
			return OOM(err);
	}
	run->res.v[OPT_FILTER_EXPR].set = 1;
	run->res.v[OPT_FILTER_EXPR].s = filter;
	return 0;
}

/* An option whose value names a typed object (hint "object": fit
 * --from m1): the tool reads its export, the record keeps the name.
 * 1 when it did, 0 when the value names no such object (a path). */
static int resolve_object_option(struct cmd_run *run, const struct cmd_opt *o,
				 struct fm_error *err)
{
	struct sess_obj *obj = sess_find(run->s, run->typed.v[o->id].s);
	int r;

	if (!obj || obj->kind != SESS_TYPED)
		return 0;
	if (add_input(run, obj) < 0)
		return OOM(err);
	if ((r = materialise(run->s, obj, err)) < 0) {
		fm_error_prefix(err, "%s", obj->name);
		return r;
	}
	run->res.v[o->id].s = obj->mat_path;
	return 1;
}

/* Path options: resolved for the run, absolute for the record. */
static int resolve_path_options(struct cmd_run *run, struct fm_error *err)
{
	struct session *s = run->s;

	for (const struct cmd_opt *o = run->e->opts; o->long_name; o++) {
		struct cmd_value *rv = &run->res.v[o->id],
				 *cv = &run->rec.v[o->id];
		int r;
		if (!is_path_opt(o) || !run->typed.v[o->id].set)
			continue;
		if (cmd_opt_is_object(o) && o->type == CMD_OPT_STR &&
		    (r = resolve_object_option(run, o, err)) != 0) {
			if (r < 0)
				return r;
			continue;
		}
		if (o->type == CMD_OPT_STR) {
			const char *orig = run->typed.v[o->id].s;
			char flag[80];
			if (!strcmp(orig, "-"))
				continue;
			snprintf(flag, sizeof(flag), "--%s", o->long_name);
			if (cmd_opt_is_output(o) &&
			    sess_check_output(flag, orig, err) < 0)
				return FM_EINVAL;
			rv->s = pool_add(run, resolve_path(s, orig));
			cv->s = pool_add(run, sess_abspath(s, orig));
			if (!rv->s || !cv->s)
				return OOM(err);
		} else {
			size_t n = run->typed.v[o->id].nlist;
			const char **rl =
			    array_add(run, (n + 1) * sizeof(char *));
			const char **cl =
			    array_add(run, (n + 1) * sizeof(char *));
			if (!rl || !cl)
				return OOM(err);
			for (size_t k = 0; k < n; k++) {
				const char *orig = run->typed.v[o->id].list[k];
				if (!strcmp(orig, "-")) {
					rl[k] = cl[k] = orig;
					continue;
				}
				rl[k] = pool_add(run, resolve_path(s, orig));
				cl[k] = pool_add(run, sess_abspath(s, orig));
				if (!rl[k] || !cl[k])
					return OOM(err);
			}
			rv->list = rl;
			cv->list = cl;
		}
	}
	return 0;
}

/* Resolve positionals and path options (session lock held). */
static int resolve(struct cmd_run *run, struct fm_error *err)
{
	struct resolved_inputs in = {0};
	const char **rpos, **cpos;
	int r;

	run->rec = run->typed;
	run->res = run->typed;
	rpos = array_add(run, (run->typed.npos + 1) * sizeof(char *));
	cpos = array_add(run, (run->typed.npos + 1) * sizeof(char *));
	run->pos_filter =
	    array_add(run, (run->typed.npos + 1) * sizeof(char *));
	if (!rpos || !cpos || !run->pos_filter)
		return OOM(err);
	run->rec.pos = cpos;
	run->res.pos = rpos;
	if ((r = resolve_positionals(run, rpos, cpos, &in, err)) < 0 ||
	    (r = apply_inputs(run, &in, err)) < 0)
		return r;
	if ((r = resolve_path_options(run, err)) < 0)
		return r;
	return dot_defaults(run, err);
}

void sess_run_free(struct cmd_run *run)
{
	if (!run)
		return;
	if (run->ninputs || run->nresults) {
		sess_lock(run->s);
		for (size_t i = 0; i < run->ninputs; i++)
			obj_unref(run->inputs[i]);
		for (size_t i = 0; i < run->nresults; i++)
			obj_unref(run->results[i]);
		sess_unlock(run->s);
	}
	free(run->inputs);
	free(run->results);
	cmd_args_release(&run->typed);
	for (size_t i = 0; i < run->narrays; i++)
		free(run->arrays[i]);
	free(run->arrays);
	cmd_words_release(&run->pool);
	cmd_words_release(&run->words);
	cmd_words_release(&run->extra);
	for (size_t i = 0; i < run->nover; i++)
		free(run->over[i].value);
	free(run->over);
	free(run->comment);
	free(run->as_name);
	free(run);
}

/*
 * A session never runs a program a command line names (plot --gnuplot):
 * session files are data, and a shared one must not be able to start an
 * executable shipped beside it.  The environment names the program.
 */
static int refuse_programs(struct cmd_run *run, struct fm_error *err)
{
	for (const struct cmd_opt *o = run->e->opts; o->long_name; o++) {
		char env[64];
		size_t k;
		if (!cmd_opt_is_program(o) || !run->typed.v[o->id].set)
			continue;
		for (k = 0; o->long_name[k] && k < sizeof(env) - 1; k++)
			env[k] = (char)toupper((unsigned char)o->long_name[k]);
		env[k] = '\0';
		return fm_error_set(
		    err, FM_EINVAL,
		    "%s: --%s names a program to run, which a session "
		    "(typed, saved or replayed) never does; set "
		    "FLOWMODELS_%s instead, or use the one-shot command "
		    "(flowmodels %s ...)",
		    run->e->name, o->long_name, env, run->e->name);
	}
	return 0;
}

int sess_prepare(struct session *s, const char *line, struct cmd_run **out,
		 struct fm_error *err)
{
	struct cmd_run *run;
	int r;

	*out = NULL;
	run = calloc(1, sizeof(*run));
	if (!run)
		return OOM(err);
	run->s = s;
	r = cmd_split(line, &run->words, err);
	if (r == 0 && run->words.n == 0) {
		sess_run_free(run);
		return 0;
	}
	if (r == 0) {
		run->e = cmd_find(run->words.v[0], err);
		if (!run->e)
			r = FM_EINVAL;
	}
	if (r == 0)
		r = cmd_take_as(&run->words, &run->as_name, err);
	if (r == 0) {
		r = cmd_parse(run->e, (int)run->words.n - 1, run->words.v + 1,
			      &run->typed, err);
		if (r < 0)
			fm_error_prefix(err, "%s", run->e->name);
	}
	if (r == 0)
		r = refuse_programs(run, err);
	if (r == 0 && run->typed.v[OPT_NO_SYNC].set &&
	    entry_opt(run->e, OPT_NO_SYNC))
		r = fm_error_set(err, FM_EINVAL,
				 "%s: --no-sync is for the one-shot command "
				 "(flowmodels %s ...); in a session, "
				 "'set sync off'",
				 run->e->name, run->e->name);
	if (r == 0 && !run->typed.v[OPT_HELP].set) {
		sess_lock(s);
		r = resolve(run, err);
		sess_unlock(s);
		if (r < 0)
			fm_error_prefix(err, "%s", run->e->name);
	}
	if (r < 0) {
		sess_run_free(run);
		return r;
	}
	*out = run;
	return 0;
}

struct log_ctx {
	FILE *f;
	const char *name;
};

static void log_to_stream(void *p, enum fm_log_level level, const char *msg)
{
	struct log_ctx *l = p;
	if (level == FM_LOG_DEBUG)
		return;
	fprintf(l->f, "%s: %s%s\n", l->name,
		level == FM_LOG_WARN ? "warning: " : "", msg);
}

/*
 * Errors name objects, never scratch paths: an input's export (or
 * scratch directory) in err's message becomes the object's name.
 */
static void name_inputs(const struct cmd_run *run, struct fm_error *err)
{
	for (size_t i = 0; i < run->ninputs; i++) {
		const struct sess_obj *o = run->inputs[i];
		const char *path = o->kind == SESS_TYPED ? o->mat_path
				   : o->owns_dir	 ? o->dir
							 : NULL;
		size_t plen = path ? strlen(path) : 0;
		char *at;

		while (plen && (at = strstr(err->msg, path))) {
			const char *rest = at + plen;
			char tail[sizeof(err->msg)];

			/* "DIR/flows.json" becomes "NAME (flows.json)" */
			if (*rest == '/')
				snprintf(tail, sizeof(tail), " (%.*s)%s",
					 (int)strcspn(rest + 1, ": "), rest + 1,
					 rest + 1 + strcspn(rest + 1, ": "));
			else
				snprintf(tail, sizeof(tail), "%s", rest);
			snprintf(at, sizeof(err->msg) - (size_t)(at - err->msg),
				 "%s%s", o->name, tail);
		}
	}
}

int sess_run_exec(struct cmd_run *run, FILE *out, FILE *errf,
		  const struct fm_progress *progress, struct fm_error *err)
{
	struct cmd_ctx ctx;
	struct log_ctx lc = {errf, run->e->name};
	int status;

	if (run->typed.v[OPT_HELP].set) {
		cmd_print_help(run->e, out);
		run->executed = 1;
		return 0;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = out;
	ctx.err = errf;
	ctx.log.fn = log_to_stream;
	ctx.log.ctx = &lc;
	if (progress)
		ctx.progress = *progress;
	ctx.quiet = run->typed.v[OPT_QUIET].set > 0;
	ctx.cmdname = run->e->name;
	ctx.invoked = run->words.n ? run->words.v[0] : run->e->name;
	ctx.session = run->s;
	ctx.run = run;
	ctx.live = run->live;
	ctx.live_arg = run->live_arg;
	status = run->e->exec(&ctx, &run->res);
	fflush(out);
	fflush(errf);
	if (status != 0) {
		if (ctx.error.code == 0)
			fm_error_set(&ctx.error, FM_EINVAL, "failed");
		name_inputs(run, &ctx.error);
		fm_error_set(err, ctx.error.code, "%s: %s", run->e->name,
			     ctx.error.msg);
		/* drop the results now: a failed command leaves nothing */
		sess_lock(run->s);
		for (size_t i = 0; i < run->nresults; i++)
			obj_unref(run->results[i]);
		run->nresults = 0;
		sess_unlock(run->s);
		return ctx.error.code;
	}
	run->executed = 1;
	return 0;
}

static void apply_overrides(struct cmd_run *run, struct cmd_args *a)
{
	for (size_t i = 0; i < run->nover; i++) {
		const struct cmd_opt *o = entry_opt(run->e, run->over[i].id);
		struct cmd_value *v = &a->v[run->over[i].id];
		const char *val = run->over[i].value;

		if (!o)
			continue;
		if (!val) {
			v->set = 0;
			continue;
		}
		v->set = 1;
		v->s = val;
		v->i = strtoll(val, NULL, 0);
		v->d = strtod(val, NULL);
		if (o->type == CMD_OPT_LIST) {
			v->list = (const char **)&run->over[i].value;
			v->nlist = 1;
		}
		if (o->type == CMD_OPT_FLAG)
			v->set = (int)v->i;
	}
}

static char *auto_name(struct session *s, char prefix)
{
	char buf[32];
	unsigned char p =
	    (unsigned char)prefix < 128 ? (unsigned char)prefix : 'o';

	for (;;) {
		snprintf(buf, sizeof(buf), "%c%u", p, ++s->autonum[p]);
		if (!sess_find(s, buf))
			return strdup(buf);
	}
}

static char obj_prefix(const struct sess_obj *o)
{
	switch (o->kind) {
	case SESS_DATASET:
		return o->generated ? 'g' : 'd';
	case SESS_VIEW:
		return 'd';
	case SESS_TYPED:
		return o->type->prefix ? o->type->prefix : 'o';
	}
	return 'o';
}

static int known_xkind(const char *x)
{
	return x && (!strcmp(x, "length") || !strcmp(x, "size") ||
		     !strcmp(x, "duration") || !strcmp(x, "rate"));
}

/* The "x_value" of a Y.mode text, when it names a known x. */
static int mode_xkind(const char *mode, char *out, size_t size)
{
	const char *p = mode ? strstr(mode, "\"x_value\": \"") : NULL;
	char x[12];
	size_t n = 0;

	if (!p || size < sizeof(x))
		return 0;
	for (p += 12; *p && *p != '"' && n + 1 < sizeof(x); p++)
		x[n++] = *p;
	x[n] = 0;
	if (!known_xkind(x))
		return 0;
	memcpy(out, x, sizeof(x));
	return 1;
}

/*
 * A new typed object's origin (the run's first typed input, a reference
 * taken) and x: the command's -x, else what its data says (a histogram's
 * first bin, a mixture's Y.mode), else its origin's.  Lock held.
 */
static void tie_result(struct cmd_run *run, struct sess_obj *o)
{
	const struct cmd_opt *xo = x_opt(run->e);
	const struct cmd_value *xv = xo ? &run->typed.v[xo->id] : NULL;
	struct fm_error err = {0};

	if (o->kind != SESS_TYPED)
		return;
	for (size_t i = 0; i < run->ninputs && !o->origin; i++)
		if (run->inputs[i]->kind == SESS_TYPED && run->inputs[i] != o) {
			o->origin = run->inputs[i];
			o->origin->refs++;
		}
	if (xv && xv->set && known_xkind(xv->s)) {
		snprintf(o->xkind, sizeof(o->xkind), "%s", xv->s);
	} else if (o->type == &cmd_histogram_type) {
		int k = fm_xkind_detect(o->data, &err);
		if (k > 0)
			snprintf(o->xkind, sizeof(o->xkind), "%s",
				 fm_xkind_name((enum fm_xkind)k));
	} else if (o->type == &cmd_mixture_type) {
		const struct cmd_mixset *set = o->data;
		for (int y = 0; y < 3 && !o->xkind[0]; y++)
			if (set->have[y])
				mode_xkind(set->mode[y], o->xkind,
					   sizeof(o->xkind));
	}
	if (!o->xkind[0] && o->origin)
		memcpy(o->xkind, o->origin->xkind, sizeof(o->xkind));
}

/* The line recorded for the run: its canonical words, the words the tool
 * added, then `as NAME`. */
static int record_line(struct cmd_run *run, struct cmd_words *words,
		       struct fm_buf *line, struct fm_error *err)
{
	struct cmd_args a = run->rec;
	int r;

	apply_overrides(run, &a);
	r = cmd_canonical(run->e, &a, NULL, words);
	for (size_t i = 0; i < run->extra.n && r == 0; i++)
		r = cmd_words_add(words, run->extra.v[i]);
	if (r == 0 && run->nresults) {
		r = cmd_words_add(words, "as");
		if (r == 0)
			r = cmd_words_add(words, run->results[0]->name);
	}
	if (r < 0)
		return r;
	cmd_join(words, line);
	return line->buf ? 0 : OOM(err);
}

/* Room for one more record and for the run's results. */
static int make_room(struct session *s, struct cmd_run *run, int record,
		     struct fm_error *err)
{
	if (record && s->nrec == s->caprec) {
		size_t cap = s->caprec ? s->caprec * 2 : 16;
		struct record *n = realloc(s->rec, cap * sizeof(*n));
		if (!n)
			return OOM(err);
		s->rec = n;
		s->caprec = cap;
	}
	if (s->nobjs + run->nresults > s->capobjs) {
		size_t cap = s->capobjs + run->nresults + 16;
		struct sess_obj **n = realloc(s->objs, cap * sizeof(*n));
		if (!n)
			return OOM(err);
		s->objs = n;
		s->capobjs = cap;
	}
	return 0;
}

void sess_obj_stale_export(struct sess_obj *o)
{
	if (o->mat_path) {
		/* a running command may still read the old export: remove
		 * it with the object */
		fm_buf_add(&o->stale, o->mat_path, strlen(o->mat_path) + 1);
		free(o->mat_path);
		o->mat_path = NULL;
	}
}

/* A result named as an existing object of the same mergeable type (a
 * mixture set) merges into it; o is consumed either way. */
static int merge_result(struct sess_obj *old, struct sess_obj *o,
			struct fm_error *err)
{
	int r = o->type->merge(old->data, o->data, err);

	if (r < 0) {
		obj_unref(o);
		return r;
	}
	o->data = NULL;
	sess_obj_stale_export(old);
	free(old->provenance);
	old->provenance = o->provenance;
	o->provenance = NULL;
	/* the set now shows what it was fitted to last */
	if (o->origin) {
		obj_unref(old->origin);
		old->origin = o->origin;
		o->origin = NULL;
	}
	if (o->xkind[0])
		memcpy(old->xkind, o->xkind, sizeof(old->xkind));
	obj_unref(o);
	return 0;
}

/* "NAME: kind, facts" for a new object; load's records get their
 * overview too (docs/commands/load.md). */
static void report_result(const struct cmd_run *run,
			  const struct sess_obj *shown, FILE *report)
{
	struct fm_buf f = FM_BUF_INIT;

	sess_obj_facts(shown, &f);
	fprintf(report, "%s: %s, %s\n", shown->name, sess_obj_kind(shown),
		fm_buf_str(&f));
	if (run->e && !strcmp(run->e->name, "load") &&
	    shown->kind != SESS_TYPED) {
		fm_buf_reset(&f);
		fm_overview_text(&shown->overview, &f);
		fprintf(report, "  overview: %s\n", fm_buf_str(&f));
		if (shown->sampling_known) {
			fm_buf_reset(&f);
			fm_sampling_text(&shown->sampling, &f);
			fprintf(report, "  sampling: %s\n", fm_buf_str(&f));
		}
	}
	fm_buf_release(&f);
}

/* Puts the run's results into the session, replacing or merging objects
 * of the same name. Only merges can fail. Lock held. */
static int install_results(struct cmd_run *run, int record,
			   const struct fm_buf *line, FILE *report,
			   struct fm_error *err)
{
	struct session *s = run->s;
	int r = 0;

	for (size_t i = 0; i < run->nresults; i++) {
		struct sess_obj *o = run->results[i];
		long at = find_index(s, o->name);
		char name[64];

		snprintf(name, sizeof(name), "%s", o->name);
		free(o->provenance);
		o->provenance = record ? strdup(fm_buf_str(line)) : NULL;
		tie_result(run, o);
		if (at >= 0) {
			struct sess_obj *old = s->objs[at];
			if (old->kind == SESS_TYPED && o->kind == SESS_TYPED &&
			    old->type == o->type && o->type->merge) {
				int mr = merge_result(old, o, err);
				if (mr < 0) {
					r = mr;
					continue;
				}
			} else {
				s->objs[at] = o;
				obj_unref(old);
			}
		} else {
			s->objs[s->nobjs++] = o;
		}
		sess_find(s, name)->changed = ++s->changes;
		if (report)
			report_result(run, sess_find(s, name), report);
	}
	return r;
}

int sess_run_commit(struct cmd_run *run, FILE *report, struct fm_error *err)
{
	struct session *s = run->s;
	struct cmd_words words = CMD_WORDS_INIT;
	struct fm_buf line = FM_BUF_INIT;
	int record, r = 0;

	if (!run->executed || run->committed)
		return fm_error_set(err, FM_EINVAL, "command not run");
	if (run->as_name && run->nresults == 0)
		return fm_error_set(err, FM_EINVAL,
				    "%s: made no object to call '%s'",
				    run->e->name, run->as_name);
	record = !(run->e->flags & CMD_F_NORECORD) &&
		 !run->typed.v[OPT_HELP].set && !run->norecord;
	sess_lock(s);
	/* names first: nothing changes unless everything can */
	for (size_t i = 0; i < run->nresults && r == 0; i++) {
		struct sess_obj *o = run->results[i];
		o->name = (i == 0 && run->as_name)
			      ? strdup(run->as_name)
			      : auto_name(s, obj_prefix(o));
		if (!o->name)
			r = OOM(err);
	}
	if (r == 0 && record)
		r = record_line(run, &words, &line, err);
	if (r == 0)
		r = make_room(s, run, record, err);
	if (r < 0) {
		sess_unlock(s);
		cmd_words_release(&words);
		fm_buf_release(&line);
		return r;
	}
	r = install_results(run, record, &line, report, err);
	if (record) {
		s->rec[s->nrec].words = words;
		s->rec[s->nrec].line = fm_buf_detach(&line);
		s->rec[s->nrec].comment = run->comment;
		run->comment = NULL;
		s->nrec++;
		s->dirty = 1;
	} else {
		cmd_words_release(&words);
		fm_buf_release(&line);
	}
	run->nresults = 0;
	run->committed = 1;
	sess_unlock(s);
	if (report)
		fflush(report);
	return r;
}

int sess_exec(struct session *s, const char *line, FILE *out, FILE *errf,
	      const struct fm_progress *progress, struct fm_error *err)
{
	struct cmd_run *run = NULL;
	int r = sess_prepare(s, line, &run, err);

	if (r < 0 || !run)
		return r;
	r = sess_run_exec(run, out, errf, progress, err);
	if (r == 0)
		r = sess_run_commit(run, out, err);
	sess_run_free(run);
	return r;
}

/* ---- hooks for tools (cmd.h) ---- */

int cmd_in_session(const struct cmd_ctx *ctx)
{
	return ctx->session && ctx->run;
}

const char *cmd_input_label(const struct cmd_ctx *ctx, const struct cmd_args *a,
			    size_t i)
{
	if (!cmd_in_session(ctx) || i >= ctx->run->typed.npos)
		return i < a->npos ? a->pos[i] : NULL;
	return ctx->run->typed.pos[i];
}

const char *cmd_input_filter(const struct cmd_ctx *ctx,
			     const struct cmd_args *a, size_t i)
{
	const struct cmd_run *run = cmd_in_session(ctx) ? ctx->run : NULL;

	if (!run || !run->pos_filter || i >= a->npos || i >= run->typed.npos ||
	    !(run->e->flags & CMD_F_INFILTER))
		return NULL;
	return run->pos_filter[i];
}

const char *cmd_input_xkind(const struct cmd_ctx *ctx, const struct cmd_args *a,
			    size_t i)
{
	const struct cmd_run *run = cmd_in_session(ctx) ? ctx->run : NULL;

	for (size_t k = 0; run && i < a->npos && k < run->ninputs; k++) {
		const struct sess_obj *o = run->inputs[k];
		if (o->kind == SESS_TYPED && o->mat_path &&
		    !strcmp(o->mat_path, a->pos[i]))
			return o->xkind[0] ? o->xkind : NULL;
	}
	return NULL;
}

void *cmd_input_object(const struct cmd_ctx *ctx, const struct cmd_args *a,
		       size_t i, const struct cmd_objtype *type)
{
	const struct cmd_run *run = cmd_in_session(ctx) ? ctx->run : NULL;

	for (size_t k = 0; run && i < a->npos && k < run->ninputs; k++) {
		const struct sess_obj *o = run->inputs[k];
		if (o->kind == SESS_TYPED && o->type == type && o->mat_path &&
		    !strcmp(o->mat_path, a->pos[i]))
			return o->data;
	}
	return NULL;
}

const char *cmd_option_label(const struct cmd_ctx *ctx,
			     const struct cmd_args *a, int id)
{
	if (!cmd_in_session(ctx))
		return a->v[id].set ? a->v[id].s : NULL;
	return ctx->run->typed.v[id].set ? ctx->run->typed.v[id].s : NULL;
}

void sess_run_set_live(struct cmd_run *run,
		       void (*fn)(void *arg, const char *row), void *arg)
{
	run->live = fn;
	run->live_arg = arg;
}

void cmd_live_row(struct cmd_ctx *ctx, const char *row)
{
	if (ctx->live)
		ctx->live(ctx->live_arg, row);
}

const char *cmd_result_name(const struct cmd_ctx *ctx)
{
	return cmd_in_session(ctx) ? ctx->run->as_name : NULL;
}

int cmd_check_records_output(const struct cmd_ctx *ctx, const char *out,
			     enum fm_format ofmt, struct fm_error *err)
{
	const char *name = cmd_result_name(ctx);

	if (!cmd_in_session(ctx))
		return 0;
	if (!strcmp(out, "-"))
		return fm_error_set(
		    err, FM_EINVAL,
		    "records are not written to standard output in a "
		    "session: give -O FILE");
	if (name && ofmt != FM_FORMAT_BINARY)
		return fm_error_set(
		    err, FM_EINVAL,
		    "only binary output becomes an object: add -o binary "
		    "to call it '%s', or leave out 'as %s'",
		    name, name);
	return 0;
}

static int add_result(struct cmd_run *run, struct sess_obj *o)
{
	struct sess_obj **n =
	    realloc(run->results, (run->nresults + 1) * sizeof(*n));
	if (!n)
		return FM_ENOMEM;
	run->results = n;
	run->results[run->nresults++] = o;
	return 0;
}

void sess_run_norecord(struct cmd_run *run)
{
	run->norecord = 1;
}

int sess_need(struct cmd_ctx *ctx)
{
	struct fm_error err;

	if (ctx->session)
		return 0;
	fm_error_set(&err, FM_EINVAL,
		     "works inside a session: the workbench, "
		     "or a session file run with 'flowmodels --replay FILE'");
	return cmd_fail(ctx, &err);
}

struct sess_obj *sess_run_last_result(struct cmd_run *run)
{
	return run->nresults ? run->results[run->nresults - 1] : NULL;
}

int cmd_result_object(struct cmd_ctx *ctx, const struct cmd_objtype *type,
		      void *data, struct fm_error *err)
{
	struct sess_obj *o;

	if (!cmd_in_session(ctx))
		return 0;
	o = calloc(1, sizeof(*o));
	if (!o || add_result(ctx->run, o) < 0) {
		free(o);
		if (type->free)
			type->free(data);
		return OOM(err);
	}
	o->kind = SESS_TYPED;
	o->type = type;
	o->data = data;
	o->refs = 1;
	return 1;
}

int sess_count_records(struct cmd_ctx *ctx, const char *dir, const char *filter,
		       uint64_t *records, uint64_t *packets, uint64_t *octets,
		       struct fm_overview *ov, struct fm_error *err)
{
	struct cmd_args a;
	const char *pos[1] = {dir};
	struct cmd_scan *cs = NULL;
	struct fm_batch b;
	uint64_t np = 0, no = 0, nr = 0;
	long n;
	int r;

	memset(&a, 0, sizeof(a));
	a.pos = pos;
	a.npos = 1;
	a.v[OPT_IN_FORMAT].set = 1;
	a.v[OPT_IN_FORMAT].s = "binary";
	if (filter) {
		a.v[OPT_FILTER_EXPR].set = 1;
		a.v[OPT_FILTER_EXPR].s = filter;
	}
	r = cmd_scan_open(ctx, &a, FM_FORMAT_BINARY,
			  FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_OCTETS) |
			      (ov ? FM_OVERVIEW_FIELDS : 0),
			  &cs, err);
	if (r < 0)
		return r;
	if (ov)
		fm_overview_init(ov);
	while ((n = fm_scan_next(cmd_scan_get(cs), &b, err)) > 0) {
		if (ov)
			fm_overview_add(ov, &b);
		const int64_t *p = b.col[FM_PACKETS], *o = b.col[FM_OCTETS];
		for (long i = 0; i < n; i++) {
			np += (uint64_t)p[i];
			no += (uint64_t)o[i];
		}
		nr += (uint64_t)n;
	}
	cmd_scan_close(cs);
	if (n < 0)
		return (int)n;
	*records = nr;
	*packets = np;
	*octets = no;
	return 0;
}

int cmd_result_dataset(struct cmd_ctx *ctx, const char *dir, unsigned flags,
		       struct fm_error *err)
{
	struct sess_obj *o;
	int r;

	if (!cmd_in_session(ctx))
		return 0;
	o = calloc(1, sizeof(*o));
	if (!o)
		return OOM(err);
	o->kind = SESS_DATASET;
	o->refs = 1;
	o->dir = sess_abspath(ctx->session, dir);
	o->owns_dir = (flags & CMD_DS_TEMP) != 0;
	o->generated = (flags & CMD_DS_GENERATED) != 0;
	if (!o->dir) {
		free(o);
		return OOM(err);
	}
	r = sess_count_records(ctx, o->dir, NULL, &o->records, &o->packets,
			       &o->octets, &o->overview, err);
	if (r == 0 && add_result(ctx->run, o) < 0)
		r = OOM(err);
	if (r < 0) {
		obj_free(o);
		return r;
	}
	return 1;
}

int cmd_records_output(struct cmd_ctx *ctx, const struct cmd_args *a,
		       const char **out, enum fm_format *ofmt, char **temp,
		       struct fm_error *err)
{
	int r;

	*temp = NULL;
	if (!cmd_in_session(ctx) || a->v[OPT_OUTPUT].set)
		return 0;
	r = cmd_temp_path(ctx, ctx->cmdname ? ctx->cmdname : "out", temp, err);
	if (r < 0)
		return r;
	*out = *temp;
	*ofmt = FM_FORMAT_BINARY;
	return 0;
}

int cmd_result_records(struct cmd_ctx *ctx, const char *out,
		       enum fm_format ofmt, const char *temp, unsigned flags,
		       struct fm_error *err)
{
	if (!cmd_in_session(ctx) || ofmt != FM_FORMAT_BINARY)
		return 0;
	return cmd_result_dataset(ctx, out, flags | (temp ? CMD_DS_TEMP : 0),
				  err);
}

int sess_result_view(struct cmd_ctx *ctx, struct sess_obj *base,
		     const char *filter, struct fm_error *err)
{
	struct sess_obj *o = calloc(1, sizeof(*o));
	struct fm_buf f = FM_BUF_INIT;
	int r;

	if (!o)
		return OOM(err);
	o->kind = SESS_VIEW;
	o->refs = 1;
	if (base->kind == SESS_VIEW)
		fm_buf_printf(&f, "(%s) and (%s)", base->filter, filter);
	else
		fm_buf_addstr(&f, filter);
	o->filter = fm_buf_detach(&f);
	o->dir = xstrdup(base->dir);
	o->base = xstrdup(base->name);
	o->source = xstrdup(base->source);
	o->sampling = base->sampling;
	o->sampling_known = base->sampling_known;
	if (!o->filter || !o->dir || !o->base) {
		obj_free(o);
		return OOM(err);
	}
	/* the view reads its dataset's directory: keep the dataset alive */
	sess_lock(ctx->session);
	base->refs++;
	o->base_obj = base;
	sess_unlock(ctx->session);
	r = sess_count_records(ctx, o->dir, o->filter, &o->records, &o->packets,
			       &o->octets, &o->overview, err);
	if (r == 0 && add_result(ctx->run, o) < 0)
		r = OOM(err);
	if (r < 0) {
		sess_lock(ctx->session);
		obj_free(o);
		sess_unlock(ctx->session);
		return r;
	}
	return 1;
}

static int add_override(struct cmd_run *run, int id, const char *value)
{
	struct override *n = realloc(run->over, (run->nover + 1) * sizeof(*n));
	if (!n)
		return FM_ENOMEM;
	run->over = n;
	run->over[run->nover].id = id;
	run->over[run->nover].value = xstrdup(value);
	run->nover++;
	return 0;
}

void cmd_record_option(struct cmd_ctx *ctx, int opt_id, const char *value)
{
	if (cmd_in_session(ctx))
		add_override(ctx->run, opt_id, value);
}

void cmd_record_words(struct cmd_ctx *ctx, const char *w1, const char *w2)
{
	if (!cmd_in_session(ctx))
		return;
	if (w1)
		cmd_words_add(&ctx->run->extra, w1);
	if (w2)
		cmd_words_add(&ctx->run->extra, w2);
}

void cmd_record_comment(struct cmd_ctx *ctx, const char *comment)
{
	if (!cmd_in_session(ctx))
		return;
	free(ctx->run->comment);
	ctx->run->comment = xstrdup(comment);
}

/*
 * session.c - named objects, the parse/resolve/exec/commit cycle of a
 * command in a session, the record, session files, and the cmd_ctx hooks
 * through which tools hand results over (see session.h for the model).
 *
 * Design: objects are reference counted (the session holds one reference,
 * every prepared command one per object it reads), so dropping or
 * replacing an object while a job reads it is safe; its scratch files go
 * when the last reference does.  A command's results wait in its struct
 * cmd_run until sess_run_commit adds them under the session lock, which
 * is the only moment a running command changes the session.
 *
 * Paths: a command's path arguments (positionals that are not objects,
 * values of options whose completion hint is "file" or "dir") are made
 * absolute for the record, and resolved against the session file's
 * directory while a file is replayed; sess_save writes them relative to
 * the file.
 */
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
#include "session.h"

#ifndef FLOWMODELS_VERSION
#define FLOWMODELS_VERSION "0.0.0"
#endif

struct setting_def {
	const char *name, *choices, *def, *help;
};

static const struct setting_def settings[] = {
	{ "charset", "braille|block|ascii", "braille",
	  "cells the workbench draws charts with" },
	{ "echo", "on|off", "on",
	  "replay prints each command (\"> line\") before its result" },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

struct record {
	struct cmd_words words;    /* canonical words, paths absolute */
	char *line;                /* joined */
	char *comment;             /* written above it in files, or NULL */
};

struct session {
	pthread_mutex_t lock;
	struct sess_obj **objs;
	size_t nobjs, capobjs;
	struct record *rec;
	size_t nrec, caprec;
	unsigned autonum[128];     /* next automatic number per prefix */
	char *tmpdir;              /* scratch directory, made when needed */
	unsigned tmpseq;
	char *file;
	int dirty, quit;
	char *setting[NSETTINGS];
};

/*
 * The directory of the session file being replayed on this thread (NULL:
 * none), against which relative paths resolve, and the nesting depth.
 * Per thread, because a replay runs on a job's worker thread while the
 * prompt's commands resolve against the working directory.
 */
static _Thread_local char *replay_dir;
static _Thread_local int replay_depth;

struct override {
	int id;
	char *value;               /* NULL = leave out */
};

struct cmd_run {
	struct session *s;
	const struct cmd_entry *e;
	struct cmd_words words;    /* the typed words */
	char *as_name;
	struct cmd_args typed;     /* parsed from words */
	struct cmd_args rec;       /* for the record: paths absolute */
	struct cmd_args res;       /* what exec gets: objects resolved */
	struct cmd_words pool;     /* strings rec/res point to */
	void **arrays;             /* arrays rec/res own */
	size_t narrays;
	struct sess_obj **inputs;  /* references held while running */
	size_t ninputs;
	struct sess_obj **results; /* not yet committed */
	size_t nresults;
	struct override *over;
	size_t nover;
	struct cmd_words extra;    /* words added to the record */
	char *comment;
	int executed, committed, norecord;
};

/* ---------------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

static void rm_rf(const char *path)
{
	if (path)
		nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void obj_unref(struct sess_obj *o);

static void obj_free(struct sess_obj *o)
{
	if (!o)
		return;
	if (o->owns_dir)
		rm_rf(o->dir);
	if (o->mat_path)
		rm_rf(o->mat_path);
	for (size_t k = 0; k < o->stale.len; k += strlen(o->stale.buf + k) + 1)
		rm_rf(o->stale.buf + k);
	fm_buf_release(&o->stale);
	if (o->type && o->type->free && o->data)
		o->type->free(o->data);
	obj_unref(o->base_obj);
	free(o->name);
	free(o->provenance);
	free(o->dir);
	free(o->source);
	free(o->filter);
	free(o->base);
	free(o->mat_path);
	free(o);
}

/* Drop a reference; the caller holds the lock (or owns o alone). */
static void obj_unref(struct sess_obj *o)
{
	if (o && --o->refs == 0)
		obj_free(o);
}

struct session *sess_new(void)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	for (size_t i = 0; i < NSETTINGS; i++) {
		s->setting[i] = strdup(settings[i].def);
		if (!s->setting[i]) {
			sess_free(s);
			return NULL;
		}
	}
	return s;
}

void sess_free(struct session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nobjs; i++)
		obj_unref(s->objs[i]);
	free(s->objs);
	for (size_t i = 0; i < s->nrec; i++) {
		cmd_words_release(&s->rec[i].words);
		free(s->rec[i].line);
		free(s->rec[i].comment);
	}
	free(s->rec);
	rm_rf(s->tmpdir);
	free(s->tmpdir);
	free(s->file);
	for (size_t i = 0; i < NSETTINGS; i++)
		free(s->setting[i]);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void sess_lock(struct session *s)
{
	pthread_mutex_lock(&s->lock);
}

void sess_unlock(struct session *s)
{
	pthread_mutex_unlock(&s->lock);
}

size_t sess_count(const struct session *s)
{
	return s->nobjs;
}

struct sess_obj *sess_at(const struct session *s, size_t i)
{
	return i < s->nobjs ? s->objs[i] : NULL;
}

static long find_index(const struct session *s, const char *name)
{
	for (size_t i = 0; i < s->nobjs; i++)
		if (strcmp(s->objs[i]->name, name) == 0)
			return (long)i;
	return -1;
}

struct sess_obj *sess_find(const struct session *s, const char *name)
{
	long i = find_index(s, name);
	return i < 0 ? NULL : s->objs[i];
}

int sess_dirty(const struct session *s)
{
	return s->dirty;
}

int sess_quit_requested(const struct session *s)
{
	return s->quit;
}

void sess_request_quit(struct session *s)
{
	s->quit = 1;
}

const char *sess_file(const struct session *s)
{
	return s->file;
}

const char *sess_setting(const struct session *s, const char *name)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (!strcmp(settings[i].name, name))
			return s->setting[i];
	return NULL;
}

size_t sess_record_count(const struct session *s)
{
	return s->nrec;
}

const char *sess_record_line(const struct session *s, size_t i)
{
	return i < s->nrec ? s->rec[i].line : NULL;
}

const char *sess_obj_kind(const struct sess_obj *o)
{
	switch (o->kind) {
	case SESS_DATASET:
		return o->generated ? "generated" : "dataset";
	case SESS_VIEW:
		return "view";
	case SESS_TYPED:
		return o->type->kind;
	}
	return "?";
}

void sess_obj_facts(const struct sess_obj *o, struct fm_buf *out)
{
	if (o->kind == SESS_TYPED) {
		if (o->type->facts)
			o->type->facts(o->data, out);
		return;
	}
	fm_buf_printf(out, "%llu records, %llu packets, %llu octets",
		      (unsigned long long)o->records,
		      (unsigned long long)o->packets,
		      (unsigned long long)o->octets);
}

void sess_obj_info(const struct sess_obj *o, struct fm_buf *out)
{
	fm_buf_printf(out, "%s: %s\n", o->name, sess_obj_kind(o));
	if (o->provenance)
		fm_buf_printf(out, "  made by:  %s\n", o->provenance);
	fm_buf_addstr(out, "  facts:    ");
	sess_obj_facts(o, out);
	fm_buf_addch(out, '\n');
	if (o->kind != SESS_TYPED) {
		fm_buf_printf(out, "  data:     %s (binary%s)\n", o->dir,
			      o->owns_dir ? ", session scratch" : ", memory-mapped");
		if (o->source)
			fm_buf_printf(out, "  source:   %s\n", o->source);
	}
	if (o->kind == SESS_VIEW)
		fm_buf_printf(out, "  view of:  %s\n  filter:   %s\n", o->base,
			      o->filter);
	if (o->kind == SESS_TYPED && o->type->info)
		o->type->info(o->data, out);
	fm_buf_printf(out, "  formats:  %s\n", sess_obj_formats(o));
}

const char *sess_obj_formats(const struct sess_obj *o)
{
	if (o->kind == SESS_TYPED)
		return o->type->formats;
	return "binary|csv_flow";
}

/* ---- paths ---- */

static char *normalize(const char *abs)
{
	size_t len = strlen(abs);
	char *out = malloc(len + 2), *copy = strdup(abs);
	size_t o = 0;
	char *save = NULL;

	if (!out || !copy) {
		free(out);
		free(copy);
		return NULL;
	}
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, c, strlen(c));
		o += strlen(c);
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(copy);
	return out;
}

char *sess_abspath(const struct session *s, const char *path)
{
	char cwd[PATH_MAX];
	struct fm_buf b = FM_BUF_INIT;
	char *r;

	if (path[0] == '/')
		return normalize(path);
	(void)s;
	if (replay_dir)
		fm_buf_addstr(&b, replay_dir);
	else if (getcwd(cwd, sizeof(cwd)))
		fm_buf_addstr(&b, cwd);
	else
		fm_buf_addstr(&b, ".");
	fm_buf_printf(&b, "/%s", path);
	r = normalize(fm_buf_str(&b));
	fm_buf_release(&b);
	return r;
}

char *sess_relpath(const char *from_dir, const char *to)
{
	size_t i = 0, common = 0;
	struct fm_buf b = FM_BUF_INIT;

	/* the longest common prefix ending at a component boundary */
	while (from_dir[i] && to[i] && from_dir[i] == to[i])
		i++;
	if ((from_dir[i] == '\0' && (to[i] == '/' || to[i] == '\0')) ||
	    (from_dir[i] == '/' && to[i] == '\0'))
		common = i;
	else {
		while (i > 0 && from_dir[i - 1] != '/')
			i--;
		common = i > 0 ? i - 1 : 0;
	}
	if (!strcmp(from_dir, "/"))
		common = 0;
	if (common == 0)
		return strdup(to);
	for (const char *p = from_dir + common; *p; p++)
		if (*p == '/')
			fm_buf_addstr(&b, b.len ? "/.." : "..");
	if (to[common] == '/')
		fm_buf_printf(&b, "%s%s", b.len ? "/" : "", to + common + 1);
	if (b.len == 0)
		fm_buf_addch(&b, '.');
	return fm_buf_detach(&b);
}

/* The path a command uses: relative to the replayed file's directory. */
static char *resolve_path(const struct session *s, const char *p)
{
	(void)s;
	if (!strcmp(p, "-") || !replay_dir || p[0] == '/')
		return strdup(p);
	return sess_abspath(s, p);
}

/* ---- references ---- */

static void list_names(const struct session *s, struct fm_buf *b)
{
	for (size_t i = 0; i < s->nobjs; i++)
		fm_buf_printf(b, "%s%s", i ? ", " : "", s->objs[i]->name);
	if (!s->nobjs)
		fm_buf_addstr(b, "none yet");
}

static int unknown_object(const struct session *s, const char *name,
			  struct fm_error *err)
{
	struct fm_buf b = FM_BUF_INIT;
	int r;

	list_names(s, &b);
	r = fm_error_set(err, FM_ENOTFOUND, "unknown object '%s' (objects: %s)",
			 name, fm_buf_str(&b));
	fm_buf_release(&b);
	return r;
}

struct sess_obj *sess_get(struct session *s, const char *name,
			  struct fm_error *err)
{
	struct sess_obj *o;

	sess_lock(s);
	o = sess_find(s, name);
	if (o)
		o->refs++;
	else
		unknown_object(s, name, err);
	sess_unlock(s);
	return o;
}

void sess_put(struct session *s, struct sess_obj *o)
{
	if (!o)
		return;
	sess_lock(s);
	obj_unref(o);
	sess_unlock(s);
}

/* ---- scratch files ---- */

static int temp_path_locked(struct session *s, const char *stem, char **path,
			    struct fm_error *err)
{
	struct fm_buf b = FM_BUF_INIT;

	if (!s->tmpdir) {
		const char *base = getenv("TMPDIR");
		fm_buf_printf(&b, "%s/flowmodels-session-XXXXXX",
			      base && *base ? base : "/tmp");
		if (!mkdtemp(b.buf)) {
			int r = fm_error_set(err, FM_EIO, "%s: cannot create scratch directory: %s",
					     fm_buf_str(&b), strerror(errno));
			fm_buf_release(&b);
			return r;
		}
		s->tmpdir = fm_buf_detach(&b);
	}
	fm_buf_printf(&b, "%s/%04u-%s", s->tmpdir, ++s->tmpseq, stem);
	*path = fm_buf_detach(&b);
	return *path ? 0 : fm_error_set(err, FM_ENOMEM, "out of memory");
}

int cmd_temp_path(struct cmd_ctx *ctx, const char *stem, char **path,
		  struct fm_error *err)
{
	int r;

	if (!ctx->session)
		return fm_error_set(err, FM_EINVAL, "no session for a scratch file");
	sess_lock(ctx->session);
	r = temp_path_locked(ctx->session, stem, path, err);
	sess_unlock(ctx->session);
	return r;
}

/* The file/directory a tool reads for a typed object (lock held). */
static int materialise(struct session *s, struct sess_obj *o, struct fm_error *err)
{
	char fmt[64];
	const char *bar;
	char *path = NULL;
	int r;

	if (o->mat_path)
		return 0;
	bar = strchr(o->type->formats, '|');
	snprintf(fmt, sizeof(fmt), "%.*s",
		 (int)(bar ? (size_t)(bar - o->type->formats) : strlen(o->type->formats)),
		 o->type->formats);
	r = temp_path_locked(s, o->name, &path, err);
	if (r < 0)
		return r;
	r = o->type->export(o->data, fmt, path, err);
	if (r < 0) {
		free(path);
		return r;
	}
	o->mat_path = path;
	return 0;
}

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
	return o->complete && (!strcmp(o->complete, "file") || !strcmp(o->complete, "dir")) &&
	       (o->type == CMD_OPT_STR || o->type == CMD_OPT_LIST);
}

static int add_input(struct cmd_run *run, struct sess_obj *o)
{
	struct sess_obj **n = realloc(run->inputs, (run->ninputs + 1) * sizeof(*n));
	if (!n)
		return FM_ENOMEM;
	run->inputs = n;
	run->inputs[run->ninputs++] = o;
	o->refs++;
	return 0;
}

#define OOM(err) fm_error_set((err), FM_ENOMEM, "out of memory")

/* Resolve positionals and path options (session lock held). */
static int resolve(struct cmd_run *run, struct fm_error *err)
{
	struct session *s = run->s;
	const struct cmd_entry *e = run->e;
	const char **rpos, **cpos;
	const char *filter = NULL, *view_name = NULL;
	int datasets = 0;

	run->rec = run->typed;
	run->res = run->typed;
	rpos = array_add(run, (run->typed.npos + 1) * sizeof(char *));
	cpos = array_add(run, (run->typed.npos + 1) * sizeof(char *));
	if (!rpos || !cpos)
		return OOM(err);
	run->rec.pos = cpos;
	run->res.pos = rpos;
	for (size_t i = 0; i < run->typed.npos; i++) {
		const char *p = run->typed.pos[i];
		struct sess_obj *o = NULL;

		cpos[i] = rpos[i] = p;
		if ((e->flags & CMD_F_SESSION) && !(e->flags & CMD_F_PATHPOS))
			continue;
		if (!(e->flags & CMD_F_PATHPOS))
			o = sess_find(s, p);
		if (!o) {
			char *abs;
			struct stat st;
			if (!strcmp(p, "-"))
				continue;
			/* a plain word naming nothing on disk (a sort key
			 * such as "first") is passed on as typed; anything
			 * else is a path, even when missing */
			abs = sess_abspath(s, p);
			if (!abs)
				return OOM(err);
			if (stat(abs, &st) < 0 && !strpbrk(p, "/.")) {
				free(abs);
				continue;
			}
			rpos[i] = pool_add(run, resolve_path(s, p));
			cpos[i] = pool_add(run, abs);
			if (!rpos[i] || !cpos[i])
				return OOM(err);
			continue;
		}
		if (add_input(run, o) < 0)
			return OOM(err);
		if (o->kind == SESS_TYPED) {
			int r = materialise(s, o, err);
			if (r < 0) {
				fm_error_prefix(err, "%s", o->name);
				return r;
			}
			rpos[i] = o->mat_path;
			continue;
		}
		rpos[i] = o->dir;
		datasets++;
		if (o->kind == SESS_VIEW) {
			if (filter && strcmp(filter, o->filter))
				return fm_error_set(err, FM_EINVAL,
						    "views %s and %s have different filters; "
						    "read them in separate commands",
						    view_name, o->name);
			filter = o->filter;
			view_name = o->name;
		}
	}
	if (datasets && entry_opt(e, OPT_IN_FORMAT)) {
		/* datasets are binary directories: the tool reads them so */
		const struct cmd_value *v = &run->typed.v[OPT_IN_FORMAT];
		if (v->set && strcmp(v->s, "binary"))
			return fm_error_set(err, FM_EINVAL,
					    "session datasets are binary directories; "
					    "leave out -i %s", v->s);
		run->res.v[OPT_IN_FORMAT].set = 1;
		run->res.v[OPT_IN_FORMAT].s = "binary";
	}
	if (filter) {
		const struct cmd_value *v = &run->typed.v[OPT_FILTER_EXPR];
		if (!entry_opt(e, OPT_FILTER_EXPR))
			return fm_error_set(err, FM_EINVAL,
					    "%s takes no filter, so it cannot read view %s "
					    "(export the view first)", e->name, view_name);
		if (v->set) {
			struct fm_buf b = FM_BUF_INIT;
			fm_buf_printf(&b, "(%s) and (%s)", filter, v->s);
			filter = pool_add(run, fm_buf_detach(&b));
			if (!filter)
				return OOM(err);
		}
		run->res.v[OPT_FILTER_EXPR].set = 1;
		run->res.v[OPT_FILTER_EXPR].s = filter;
	}
	/* path options */
	for (const struct cmd_opt *o = e->opts; o->long_name; o++) {
		struct cmd_value *rv = &run->res.v[o->id], *cv = &run->rec.v[o->id];
		if (!is_path_opt(o) || !run->typed.v[o->id].set)
			continue;
		if (o->type == CMD_OPT_STR) {
			const char *orig = run->typed.v[o->id].s;
			if (!strcmp(orig, "-"))
				continue;
			rv->s = pool_add(run, resolve_path(s, orig));
			cv->s = pool_add(run, sess_abspath(s, orig));
			if (!rv->s || !cv->s)
				return OOM(err);
		} else {
			size_t n = run->typed.v[o->id].nlist;
			const char **rl = array_add(run, (n + 1) * sizeof(char *));
			const char **cl = array_add(run, (n + 1) * sizeof(char *));
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
	fprintf(l->f, "%s: %s%s\n", l->name, level == FM_LOG_WARN ? "warning: " : "",
		msg);
}

int sess_run_exec(struct cmd_run *run, FILE *out, FILE *errf,
		  const struct fm_progress *progress, struct fm_error *err)
{
	struct cmd_ctx ctx;
	struct log_ctx lc = { errf, run->e->name };
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
	ctx.session = run->s;
	ctx.run = run;
	status = run->e->exec(&ctx, &run->res);
	fflush(out);
	fflush(errf);
	if (status != 0) {
		if (ctx.error.code == 0)
			fm_error_set(&ctx.error, FM_EINVAL, "failed");
		fm_error_set(err, ctx.error.code, "%s: %s", run->e->name, ctx.error.msg);
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
	unsigned char p = (unsigned char)prefix < 128 ? (unsigned char)prefix : 'o';

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

int sess_run_commit(struct cmd_run *run, FILE *report, struct fm_error *err)
{
	struct session *s = run->s;
	struct cmd_words words = CMD_WORDS_INIT;
	struct fm_buf line = FM_BUF_INIT;
	struct cmd_args a;
	int record, r = 0;

	if (!run->executed || run->committed)
		return fm_error_set(err, FM_EINVAL, "command not run");
	if (run->as_name && run->nresults == 0)
		return fm_error_set(err, FM_EINVAL, "%s: made no object to call '%s'",
				    run->e->name, run->as_name);
	record = !(run->e->flags & CMD_F_NORECORD) && !run->typed.v[OPT_HELP].set &&
		 !run->norecord;
	sess_lock(s);
	/* names first: nothing changes unless everything can */
	for (size_t i = 0; i < run->nresults && r == 0; i++) {
		struct sess_obj *o = run->results[i];
		o->name = (i == 0 && run->as_name) ? strdup(run->as_name)
						   : auto_name(s, obj_prefix(o));
		if (!o->name)
			r = OOM(err);
	}
	if (r == 0 && record) {
		a = run->rec;
		apply_overrides(run, &a);
		r = cmd_canonical(run->e, &a, NULL, &words);
		/* words added by the tool, then `as NAME` */
		for (size_t i = 0; i < run->extra.n && r == 0; i++)
			r = cmd_words_add(&words, run->extra.v[i]);
		if (r == 0 && run->nresults) {
			r = cmd_words_add(&words, "as");
			if (r == 0)
				r = cmd_words_add(&words, run->results[0]->name);
		}
		if (r == 0) {
			cmd_join(&words, &line);
			if (!line.buf)
				r = OOM(err);
		}
		if (r == 0 && s->nrec == s->caprec) {
			size_t cap = s->caprec ? s->caprec * 2 : 16;
			struct record *n = realloc(s->rec, cap * sizeof(*n));
			if (!n)
				r = OOM(err);
			else {
				s->rec = n;
				s->caprec = cap;
			}
		}
	}
	if (r == 0 && s->nobjs + run->nresults > s->capobjs) {
		size_t cap = s->capobjs + run->nresults + 16;
		struct sess_obj **n = realloc(s->objs, cap * sizeof(*n));
		if (!n)
			r = OOM(err);
		else {
			s->objs = n;
			s->capobjs = cap;
		}
	}
	if (r < 0) {
		sess_unlock(s);
		cmd_words_release(&words);
		fm_buf_release(&line);
		return r;
	}
	/* from here on nothing fails but merges */
	for (size_t i = 0; i < run->nresults; i++) {
		struct sess_obj *o = run->results[i];
		long at = find_index(s, o->name);
		char name[64];

		snprintf(name, sizeof(name), "%s", o->name);
		free(o->provenance);
		o->provenance = record ? strdup(fm_buf_str(&line)) : NULL;
		if (at >= 0) {
			struct sess_obj *old = s->objs[at];
			if (old->kind == SESS_TYPED && o->kind == SESS_TYPED &&
			    old->type == o->type && o->type->merge) {
				int mr = o->type->merge(old->data, o->data, err);
				if (mr < 0) {
					obj_unref(o);
					r = mr;
					continue;
				}
				o->data = NULL;
				if (old->mat_path) {
					/* a running command may still read the
					 * old export: remove it with the object */
					fm_buf_add(&old->stale, old->mat_path,
						   strlen(old->mat_path) + 1);
					free(old->mat_path);
					old->mat_path = NULL;
				}
				free(old->provenance);
				old->provenance = o->provenance;
				o->provenance = NULL;
				obj_unref(o);
			} else {
				s->objs[at] = o;
				obj_unref(old);
			}
		} else {
			s->objs[s->nobjs++] = o;
		}
		if (report) {
			struct sess_obj *shown = sess_find(s, name);
			struct fm_buf f = FM_BUF_INIT;
			sess_obj_facts(shown, &f);
			fprintf(report, "%s: %s, %s\n", shown->name, sess_obj_kind(shown),
				fm_buf_str(&f));
			fm_buf_release(&f);
		}
	}
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

static int add_result(struct cmd_run *run, struct sess_obj *o)
{
	struct sess_obj **n = realloc(run->results, (run->nresults + 1) * sizeof(*n));
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
	fm_error_set(&err, FM_EINVAL, "works inside a session: the workbench, "
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
		       struct fm_error *err)
{
	struct cmd_args a;
	const char *pos[1] = { dir };
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
			  FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_OCTETS), &cs, err);
	if (r < 0)
		return r;
	while ((n = fm_scan_next(cmd_scan_get(cs), &b, err)) > 0) {
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
			       &o->octets, err);
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

int cmd_result_records(struct cmd_ctx *ctx, const char *out, enum fm_format ofmt,
		       const char *temp, unsigned flags, struct fm_error *err)
{
	if (!cmd_in_session(ctx) || ofmt != FM_FORMAT_BINARY)
		return 0;
	return cmd_result_dataset(ctx, out, flags | (temp ? CMD_DS_TEMP : 0), err);
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
			       &o->octets, err);
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

/* ---- session commands' helpers ---- */

int sess_drop(struct session *s, const char *name, struct fm_error *err)
{
	long i;
	int r = 0;

	sess_lock(s);
	i = find_index(s, name);
	if (i < 0) {
		r = unknown_object(s, name, err);
	} else {
		struct sess_obj *o = s->objs[i];
		memmove(&s->objs[i], &s->objs[i + 1],
			(s->nobjs - (size_t)i - 1) * sizeof(*s->objs));
		s->nobjs--;
		obj_unref(o);
	}
	sess_unlock(s);
	return r;
}

int sess_rename(struct session *s, const char *from, const char *to,
		struct fm_error *err)
{
	struct sess_obj *o;
	char *n;
	int r = 0;

	if (!cmd_valid_name(to))
		return fm_error_set(err, FM_EINVAL,
				    "bad object name '%s' (a letter or _, then letters, "
				    "digits, _ . -; at most 63)", to);
	sess_lock(s);
	o = sess_find(s, from);
	if (!o)
		r = unknown_object(s, from, err);
	else if (strcmp(from, to) && sess_find(s, to))
		r = fm_error_set(err, FM_EINVAL, "an object called '%s' exists "
				 "(drop it first)", to);
	else if (!(n = strdup(to)))
		r = OOM(err);
	else {
		free(o->name);
		o->name = n;
	}
	sess_unlock(s);
	return r;
}

int sess_set(struct session *s, const char *name, const char *value,
	     struct fm_error *err)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *c = settings[i].choices;
		size_t len = strlen(value);
		char *v;

		if (strcmp(settings[i].name, name))
			continue;
		while (c) {
			if (!strncmp(c, value, len) && (c[len] == '|' || c[len] == '\0'))
				break;
			c = strchr(c, '|');
			if (c)
				c++;
		}
		if (!c || !len)
			return fm_error_set(err, FM_EINVAL, "%s: bad value '%s' (choices: %s)",
					    name, value, settings[i].choices);
		if (!(v = strdup(value)))
			return OOM(err);
		sess_lock(s);
		free(s->setting[i]);
		s->setting[i] = v;
		sess_unlock(s);
		return 0;
	}
	{
		struct fm_buf b = FM_BUF_INIT;
		int r;
		for (size_t i = 0; i < NSETTINGS; i++)
			fm_buf_printf(&b, "%s%s", i ? ", " : "", settings[i].name);
		r = fm_error_set(err, FM_EINVAL, "unknown setting '%s' (settings: %s)",
				 name, fm_buf_str(&b));
		fm_buf_release(&b);
		return r;
	}
}

void sess_settings_print(struct session *s, FILE *out)
{
	sess_lock(s);
	for (size_t i = 0; i < NSETTINGS; i++)
		fprintf(out, "%-10s %-10s (%s) %s\n", settings[i].name, s->setting[i],
			settings[i].choices, settings[i].help);
	sess_unlock(s);
}

int sess_obj_export(struct cmd_ctx *ctx, struct sess_obj *o, const char *format,
		    const char *path, struct fm_error *err)
{
	const char *formats = sess_obj_formats(o);
	char def[64];
	const char *bar = strchr(formats, '|');
	size_t len;

	snprintf(def, sizeof(def), "%.*s",
		 (int)(bar ? (size_t)(bar - formats) : strlen(formats)), formats);
	if (!format)
		format = def;
	len = strlen(format);
	for (const char *c = formats; ; c++) {
		if (!strncmp(c, format, len) && (c[len] == '|' || c[len] == '\0'))
			break;
		c = strchr(c, '|');
		if (!c || !len)
			return fm_error_set(err, FM_EINVAL,
					    "%s cannot be written as '%s' (formats: %s)",
					    o->name, format, formats);
	}
	if (o->kind == SESS_TYPED)
		return o->type->export(o->data, format, path, err);
	if (o->kind == SESS_DATASET && !strcmp(format, "binary")) {
		struct fm_cut cut;
		const char *in[1] = { o->dir };
		uint64_t n;
		fm_cut_init(&cut);
		return fm_cut_binary(in, 1, path, &cut, &n, &ctx->progress, err);
	}
	{
		/* csv_flow, or a view: the record copy of convert */
		struct cmd_args a;
		const char *pos[1] = { o->dir };
		struct cmd_scan *cs = NULL;
		struct fm_writer *w = NULL;
		struct fm_writer_opts wo;
		uint64_t written = 0;
		int r;

		memset(&a, 0, sizeof(a));
		a.pos = pos;
		a.npos = 1;
		if (o->filter) {
			a.v[OPT_FILTER_EXPR].set = 1;
			a.v[OPT_FILTER_EXPR].s = o->filter;
		}
		memset(&wo, 0, sizeof(wo));
		wo.format = !strcmp(format, "binary") ? FM_FORMAT_BINARY : FM_FORMAT_CSV_FLOW;
		wo.log = &ctx->log;
		r = cmd_scan_open(ctx, &a, FM_FORMAT_BINARY, FM_ALL_FIELDS, &cs, err);
		if (r == 0)
			r = fm_writer_open(&w, &wo, path, err);
		if (r == 0)
			r = fm_scan_copy(cmd_scan_get(cs), w, &written, err);
		if (r == 0)
			r = fm_writer_commit(w, err);
		fm_writer_free(w);
		cmd_scan_close(cs);
		return r;
	}
}

/* ---- session files ---- */

int sess_save(struct session *s, const char *path, struct fm_error *err)
{
	char *abs = sess_abspath(NULL, path), *dir, *slash, *tmp = NULL;
	struct fm_buf b = FM_BUF_INIT;
	time_t now = time(NULL);
	struct tm tm;
	char date[64];
	int fd = -1, r = 0;

	if (!abs)
		return OOM(err);
	dir = strdup(abs);
	if (!dir) {
		free(abs);
		return OOM(err);
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
	fm_buf_printf(&b, "# flowmodels session, saved %s by flowmodels %s\n"
		      "# paths are relative to this file\n", date, FLOWMODELS_VERSION);
	sess_lock(s);
	for (size_t i = 0; i < s->nrec; i++) {
		const struct record *rc = &s->rec[i];
		if (rc->comment)
			fm_buf_printf(&b, "# %s\n", rc->comment);
		for (size_t k = 0; k < rc->words.n; k++) {
			const char *w = rc->words.v[k];
			if (k)
				fm_buf_addch(&b, ' ');
			if ((rc->words.mark[k] & CMD_W_PATH) && w[0] == '/') {
				char *rel = sess_relpath(dir, w);
				cmd_quote(&b, rel ? rel : w);
				free(rel);
			} else {
				cmd_quote(&b, w);
			}
		}
		fm_buf_addch(&b, '\n');
	}
	sess_unlock(s);
	{
		struct fm_buf t = FM_BUF_INIT;
		fm_buf_printf(&t, "%s.tmpXXXXXX", abs);
		tmp = fm_buf_detach(&t);
	}
	if (!tmp || !b.buf) {
		r = OOM(err);
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	{
		size_t off = 0;
		while (off < b.len) {
			ssize_t w = write(fd, b.buf + off, b.len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
				break;
			}
			off += (size_t)w;
		}
	}
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	fd = -1;
	if (r == 0) {
		chmod(tmp, 0644);
		if (rename(tmp, abs) < 0)
			r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	}
	if (r < 0)
		unlink(tmp);
	else {
		sess_lock(s);
		free(s->file);
		s->file = abs;
		abs = NULL;
		s->dirty = 0;
		sess_unlock(s);
	}
out:
	free(tmp);
	free(abs);
	free(dir);
	fm_buf_release(&b);
	return r;
}

int sess_replay(struct session *s, const char *path, FILE *out, FILE *errf,
		const struct fm_progress *progress, struct fm_error *err)
{
	char *abs, *dir, *old_base;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, r = 0;

	if (replay_depth >= 8)
		return fm_error_set(err, FM_EINVAL, "%s: session files nested too deep", path);
	if (!strcmp(path, "-")) {
		/* standard input: paths relative to the working directory */
		char cwd[PATH_MAX];
		abs = NULL;
		f = stdin;
		dir = strdup(getcwd(cwd, sizeof(cwd)) ? cwd : "/");
		if (!dir)
			return OOM(err);
		goto run;
	}
	abs = sess_abspath(s, path);
	if (!abs)
		return OOM(err);
	f = fopen(abs, "r");
	if (!f) {
		r = fm_error_set(err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO, "%s: %s",
				 path, strerror(errno));
		free(abs);
		return r;
	}
	dir = strdup(abs);
	if (!dir) {
		fclose(f);
		free(abs);
		return OOM(err);
	}
	*strrchr(dir, '/') = '\0';
	if (!dir[0])
		strcpy(dir, "/");
run:
	old_base = replay_dir;
	replay_dir = dir;
	replay_depth++;
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct fm_error e = { 0 };
		const char *p = line;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (!strcmp(sess_setting(s, "echo"), "on")) {
			fprintf(out, "> %s\n", p);
			fflush(out);
		}
		r = sess_exec(s, p, out, errf, progress, &e);
		if (r < 0) {
			/* nested files: keep the innermost cause when too long */
			size_t room = FM_ERRMSG_MAX - 32 - strlen(path);
			size_t mlen = strlen(e.msg);
			if (strlen(path) < FM_ERRMSG_MAX / 2 && mlen > room)
				fm_error_set(err, r, "%s:%d: ...%s", path, lineno,
					     e.msg + mlen - room + 3);
			else
				fm_error_set(err, r, "%s:%d: %s", path, lineno, e.msg);
			break;
		}
		if (s->quit)
			break;
	}
	if (r == 0 && ferror(f))
		r = fm_error_set(err, FM_EIO, "%s: read error", path);
	free(line);
	if (f != stdin)
		fclose(f);
	replay_depth--;
	replay_dir = old_base;
	free(dir);
	if (r == 0 && replay_depth == 0 && abs) {
		sess_lock(s);
		if (!s->file) {
			s->file = abs;
			abs = NULL;
		}
		sess_unlock(s);
	}
	free(abs);
	return r;
}

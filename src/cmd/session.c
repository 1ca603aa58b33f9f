/*
 * session.c - named objects and references to them: the object list,
 * reference counts, paths, scratch files, settings, and the helpers of
 * the session commands (drop, rename, set, export).  Running a command is
 * in session-run.c, session files in session-file.c.
 *
 * Design: objects are reference counted (the session holds one reference,
 * every prepared command one per object it reads), so dropping or
 * replacing an object while a job reads it is safe; its scratch files go
 * when the last reference does.  A command's results wait in its struct
 * cmd_run until sess_run_commit adds them under the session lock, which
 * is the only moment a running command changes the session.
 *
 * Paths: a command's path arguments (positionals that are not objects,
 * values of options whose completion hint says path: cmd_opt_is_path)
 * are made absolute for the record, and resolved against the session
 * file's directory while a file is replayed; sess_save writes them
 * relative to the file.  A restricted replay refuses outputs outside the
 * file's directory tree (sess_check_output).
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
#include "flowmodels/fileops.h"
#include "cmd-quality.h"
#include "objtypes.h"
#include "session-int.h"

struct setting_def {
	const char *name, *choices, *def, *help;
};

static const struct setting_def settings[] = {
    {"charset", "braille|block|ascii", "braille",
     "cells the workbench draws charts with"},
    {"echo", "on|off", "on",
     "replay prints each command (\"> line\") before its result"},
    {"sync", "on|off", "on",
     "outputs are fsync'ed before and after their rename (off: faster, "
     "but a power failure may lose recent outputs)"},
    {"preview", "auto|on|off", "auto",
     "the workbench's preview draws the chart as a sixel image: auto when "
     "the terminal answers that it can, on always, off never"},
};
_Static_assert(NSETTINGS == sizeof(settings) / sizeof(settings[0]),
	       "NSETTINGS matches the settings table");

/*
 * The directory of the session file being replayed on this thread (NULL:
 * none), against which relative paths resolve, and the nesting depth.
 * Per thread, because a replay runs on a job's worker thread while the
 * prompt's commands resolve against the working directory.
 */
_Thread_local char *replay_dir;
_Thread_local int replay_depth;
_Thread_local char *replay_root;

void obj_free(struct sess_obj *o)
{
	if (!o)
		return;
	if (o->owns_dir)
		fm_rm_rf(o->dir);
	if (o->mat_path)
		fm_rm_rf(o->mat_path);
	for (size_t k = 0; k < o->stale.len; k += strlen(o->stale.buf + k) + 1)
		fm_rm_rf(o->stale.buf + k);
	fm_buf_release(&o->stale);
	if (o->type && o->type->free && o->data)
		o->type->free(o->data);
	obj_unref(o->base_obj);
	obj_unref(o->origin);
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
void obj_unref(struct sess_obj *o)
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
	fm_sync_set(1); /* as the setting says */
	return s;
}

void sess_free(struct session *s)
{
	if (!s)
		return;
	sess_show_set(s, NULL, NULL, 0);
	for (size_t i = 0; i < s->nobjs; i++)
		obj_unref(s->objs[i]);
	free(s->objs);
	for (size_t i = 0; i < s->nrec; i++) {
		cmd_words_release(&s->rec[i].words);
		free(s->rec[i].line);
		free(s->rec[i].comment);
	}
	free(s->rec);
	fm_rm_rf(s->tmpdir);
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

long find_index(const struct session *s, const char *name)
{
	for (size_t i = 0; i < s->nobjs; i++)
		if (strcmp(s->objs[i]->name, name) == 0)
			return (long)i;
	return -1;
}

int sess_holds(const struct session *s, const struct sess_obj *o)
{
	for (size_t i = 0; i < s->nobjs; i++)
		if (s->objs[i] == o)
			return 1;
	return 0;
}

struct sess_obj *sess_find(const struct session *s, const char *name)
{
	long i = find_index(s, name);
	return i < 0 ? NULL : s->objs[i];
}

unsigned long sess_changes(const struct session *s)
{
	return s->changes;
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
			      o->owns_dir ? ", session scratch"
					  : ", memory-mapped");
		if (o->source)
			fm_buf_printf(out, "  source:   %s\n", o->source);
		fm_buf_addstr(out, "  overview: ");
		fm_overview_text(&o->overview, out);
		fm_buf_addch(out, '\n');
		if (o->sampling_known) {
			fm_buf_addstr(out, "  sampling: ");
			fm_sampling_text(&o->sampling, out);
			fm_buf_addch(out, '\n');
		}
	}
	if (o->kind == SESS_VIEW)
		fm_buf_printf(out, "  view of:  %s\n  filter:   %s\n", o->base,
			      o->filter);
	if (o->kind == SESS_TYPED && o->type->info)
		o->type->info(o->data, out);
	if (o->kind == SESS_TYPED && o->type == &cmd_mixture_type &&
	    o->origin && o->origin->kind == SESS_TYPED &&
	    o->origin->type == &cmd_histogram_type)
		q_mixset_gof_info(o->data, o->origin->data, o->origin->name,
				  o->xkind[0] ? o->xkind : o->origin->xkind,
				  out);
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
	for (char *c = strtok_r(copy, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
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
char *resolve_path(const struct session *s, const char *p)
{
	(void)s;
	if (!strcmp(p, "-") || !replay_dir || p[0] == '/')
		return strdup(p);
	return sess_abspath(s, p);
}

/* ---- where a replayed file may write ---- */

int sess_path_inside(const char *path, const char *root)
{
	char *p = strdup(path), *real = NULL, *slash;
	int inside = 0, unsure = 0;
	struct stat st;
	size_t n;

	if (!p)
		return 0;
	/* the longest prefix that exists, its symlinks resolved; nothing
	 * below it exists yet, so only a ".." there, or a dangling symlink
	 * (written through later), could lead elsewhere */
	while (!(real = realpath(p, NULL))) {
		if ((errno != ENOENT && errno != ENOTDIR) ||
		    !(slash = strrchr(p, '/')) || slash == p)
			break;
		if (!strcmp(slash + 1, "..") ||
		    (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)))
			unsure = 1;
		*slash = '\0';
	}
	n = strlen(root);
	if (real && !unsure)
		inside =
		    !strcmp(root, "/") || (!strncmp(real, root, n) &&
					   (real[n] == '/' || real[n] == '\0'));
	free(real);
	free(p);
	return inside;
}

int sess_check_output(const char *what, const char *typed, struct fm_error *err)
{
	struct fm_buf b = FM_BUF_INIT;
	int inside;

	if (!replay_root || !strcmp(typed, "-"))
		return 0;
	if (typed[0] != '/') {
		fm_buf_printf(&b, "%s/%s", replay_dir, typed);
		inside = b.buf && sess_path_inside(fm_buf_str(&b), replay_root);
		fm_buf_release(&b);
		if (inside)
			return 0;
	}
	return fm_error_set(
	    err, FM_EINVAL,
	    "%s %s: writes outside the session file's directory %s%s; "
	    "replay with --allow-outside to allow it",
	    what, typed, replay_root,
	    typed[0] == '/' ? " (an absolute path)" : "");
}

/* ---- references ---- */

static void list_names(const struct session *s, struct fm_buf *b)
{
	for (size_t i = 0; i < s->nobjs; i++)
		fm_buf_printf(b, "%s%s", i ? ", " : "", s->objs[i]->name);
	if (!s->nobjs)
		fm_buf_addstr(b, "none yet");
}

int unknown_object(const struct session *s, const char *name,
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
			int r = fm_error_set(
			    err, FM_EIO,
			    "%s: cannot create scratch directory: %s",
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
		return fm_error_set(err, FM_EINVAL,
				    "no session for a scratch file");
	sess_lock(ctx->session);
	r = temp_path_locked(ctx->session, stem, path, err);
	sess_unlock(ctx->session);
	return r;
}

/* The file/directory a tool reads for a typed object (lock held). */
int materialise(struct session *s, struct sess_obj *o, struct fm_error *err)
{
	char fmt[64];
	const char *bar;
	char *path = NULL;
	int r;

	if (o->mat_path)
		return 0;
	bar = strchr(o->type->formats, '|');
	snprintf(fmt, sizeof(fmt), "%.*s",
		 (int)(bar ? (size_t)(bar - o->type->formats)
			   : strlen(o->type->formats)),
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
		return fm_error_set(
		    err, FM_EINVAL,
		    "bad object name '%s' (a letter or _, then letters, "
		    "digits, _ . -; at most 63)",
		    to);
	sess_lock(s);
	o = sess_find(s, from);
	if (!o)
		r = unknown_object(s, from, err);
	else if (strcmp(from, to) && sess_find(s, to))
		r = fm_error_set(err, FM_EINVAL,
				 "an object called '%s' exists "
				 "(drop it first)",
				 to);
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
			if (!strncmp(c, value, len) &&
			    (c[len] == '|' || c[len] == '\0'))
				break;
			c = strchr(c, '|');
			if (c)
				c++;
		}
		if (!c || !len)
			return fm_error_set(err, FM_EINVAL,
					    "%s: bad value '%s' (choices: %s)",
					    name, value, settings[i].choices);
		if (!(v = strdup(value)))
			return OOM(err);
		sess_lock(s);
		free(s->setting[i]);
		s->setting[i] = v;
		sess_unlock(s);
		if (!strcmp(name, "sync")) /* the library's, process-wide */
			fm_sync_set(!strcmp(value, "on"));
		return 0;
	}
	{
		struct fm_buf b = FM_BUF_INIT;
		int r;
		for (size_t i = 0; i < NSETTINGS; i++)
			fm_buf_printf(&b, "%s%s", i ? ", " : "",
				      settings[i].name);
		r = fm_error_set(err, FM_EINVAL,
				 "unknown setting '%s' (settings: %s)", name,
				 fm_buf_str(&b));
		fm_buf_release(&b);
		return r;
	}
}

void sess_settings_print(struct session *s, FILE *out)
{
	static const char *const chart[4][2] = {{"xscale", "lin|log|auto"},
						{"yscale", "lin|log|auto"},
						{"xrange", "LO:HI|auto"},
						{"yrange", "LO:HI|auto"}};
	char buf[80];

	sess_lock(s);
	for (size_t i = 0; i < NSETTINGS; i++)
		fprintf(out, "%-10s %-10s (%s) %s\n", settings[i].name,
			s->setting[i], settings[i].choices, settings[i].help);
	sess_unlock(s);
	for (int i = 0; i < 4; i++)
		fprintf(out, "%-10s %-10s (%s) axis of the %s view\n",
			chart[i][0],
			sess_chart_setting(s, chart[i][0], buf, sizeof(buf)),
			chart[i][1], sess_view_name(sess_view(s)));
}

int sess_obj_export(struct cmd_ctx *ctx, struct sess_obj *o, const char *format,
		    const char *path, struct fm_error *err)
{
	const char *formats = sess_obj_formats(o);
	char def[64];
	const char *bar = strchr(formats, '|');
	size_t len;

	snprintf(def, sizeof(def), "%.*s",
		 (int)(bar ? (size_t)(bar - formats) : strlen(formats)),
		 formats);
	if (!format)
		format = def;
	len = strlen(format);
	for (const char *c = formats;; c++) {
		if (!strncmp(c, format, len) &&
		    (c[len] == '|' || c[len] == '\0'))
			break;
		c = strchr(c, '|');
		if (!c || !len)
			return fm_error_set(
			    err, FM_EINVAL,
			    "%s cannot be written as '%s' (formats: %s)",
			    o->name, format, formats);
	}
	if (o->kind == SESS_TYPED)
		return o->type->export(o->data, format, path, err);
	if (o->kind == SESS_DATASET && !strcmp(format, "binary")) {
		struct fm_cut cut;
		const char *in[1] = {o->dir};
		uint64_t n;
		fm_cut_init(&cut);
		return fm_cut_binary(in, 1, path, &cut, &n, &ctx->progress,
				     err);
	}
	{
		/* csv_flow, or a view: the record copy of convert */
		struct cmd_args a;
		const char *pos[1] = {o->dir};
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
		wo.format = !strcmp(format, "binary") ? FM_FORMAT_BINARY
						      : FM_FORMAT_CSV_FLOW;
		wo.log = &ctx->log;
		r = cmd_scan_open(ctx, &a, FM_FORMAT_BINARY, FM_ALL_FIELDS, &cs,
				  err);
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

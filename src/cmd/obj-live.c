/*
 * obj-live.c - the live object type and the histograms that follow it
 * (live.h).
 *
 * The histograms that follow live objects are kept in one registry (a
 * mutex-guarded list): a histogram object's free hook (cmd_live_forget)
 * takes it out, so an update never touches a dropped or replaced object.
 * Each entry holds the histogram's per-file parts; an update re-reads
 * nothing but the new file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/follow.h"
#include "cmd-follow.h"
#include "live.h"
#include "objtypes.h"
#include "session.h"

struct live_file {
	uint64_t id;
	int64_t stamp;
	char *path;
};

struct cmd_live {
	char *dir, *window, *format, *biflow;
	struct fm_follow *f;
	struct live_file *files; /* the window, by stamp */
	size_t nfiles, cap;
	char *last;    /* the last file taken in */
	int64_t stamp; /* its time stamp */
	double rate;   /* its records per second of data time */
};

struct live_sub {
	struct cmd_live *l;
	struct fm_histogram *h; /* the object's data, updated in place */
	struct fm_hist_window *w;
	char *filter;
	uint32_t fields;
	int dirty;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct live_sub **subs;
static size_t nsubs, capsubs;

static void sub_free(struct live_sub *s)
{
	fm_hist_window_free(s->w);
	free(s->filter);
	free(s);
}

/* ---- the object type ---- */

static void live_free(void *data)
{
	struct cmd_live *l = data;
	size_t k = 0;

	/* its histograms stay, as they are now */
	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < nsubs; i++) {
		if (subs[i]->l == l)
			sub_free(subs[i]);
		else
			subs[k++] = subs[i];
	}
	nsubs = k;
	pthread_mutex_unlock(&reg_lock);
	fm_follow_free(l->f);
	for (size_t i = 0; i < l->nfiles; i++)
		free(l->files[i].path);
	free(l->files);
	free(l->dir);
	free(l->window);
	free(l->format);
	free(l->biflow);
	free(l->last);
	free(l);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void live_facts(const void *data, struct fm_buf *out)
{
	const struct cmd_live *l = data;

	fm_buf_printf(out, "following %s: %zu files in the window (%s)", l->dir,
		      l->nfiles, l->window ? l->window : "all");
	if (l->last)
		fm_buf_printf(out, ", last %s", base_name(l->last));
}

static void live_info(const void *data, struct fm_buf *out)
{
	const struct cmd_live *l = data;
	size_t n = 0;

	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < nsubs; i++)
		n += subs[i]->l == l;
	pthread_mutex_unlock(&reg_lock);
	fm_buf_printf(out,
		      "  directory: %s (%s)\n  window:    %s\n  followed "
		      "by: %zu histogram%s\n",
		      l->dir, fm_follow_inotify(l->f) ? "inotify" : "polled",
		      l->window ? l->window : "every file", n,
		      n == 1 ? "" : "s");
	if (l->nfiles)
		fm_buf_printf(out, "  files:     %s .. %s\n",
			      base_name(l->files[0].path),
			      base_name(l->files[l->nfiles - 1].path));
}

/* A directory of links to the files in the window, in time order. */
static int live_export(const void *data, const char *format, const char *path,
		       struct fm_error *err)
{
	const struct cmd_live *l = data;
	int r = 0;

	if (strcmp(format, "nfcapd"))
		return fm_error_set(err, FM_EINVAL,
				    "a live object is written as nfcapd (a "
				    "directory of links to its files), not "
				    "'%s'",
				    format);
	if (mkdir(path, 0777) < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", path,
				    strerror(errno));
	for (size_t i = 0; r == 0 && i < l->nfiles; i++) {
		struct fm_buf p = FM_BUF_INIT;
		if (fm_buf_printf(&p, "%s/%08zu-%s", path, i,
				  base_name(l->files[i].path)))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else if (symlink(l->files[i].path, p.buf) < 0)
			r = fm_error_set(err, FM_EIO, "%s: %s", p.buf,
					 strerror(errno));
		fm_buf_release(&p);
	}
	if (r < 0)
		fm_rm_rf(path);
	return r;
}

const struct cmd_objtype cmd_live_type = {
    .kind = "live",
    .prefix = 'l',
    .formats = "nfcapd", /* a directory of links to the files */
    .free = live_free,
    .facts = live_facts,
    .info = live_info,
    .export = live_export,
    .merge = NULL,
};

/* ---- the window's files ---- */

static int add_file(struct cmd_live *l, const struct fm_follow_event *ev)
{
	size_t at = l->nfiles;
	char *p = strdup(ev->path);

	if (!p)
		return FM_ENOMEM;
	if (l->nfiles == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 16;
		struct live_file *nf = realloc(l->files, nc * sizeof(*nf));
		if (!nf) {
			free(p);
			return FM_ENOMEM;
		}
		l->files = nf;
		l->cap = nc;
	}
	while (at > 0 && l->files[at - 1].stamp > ev->stamp)
		at--;
	memmove(l->files + at + 1, l->files + at,
		(l->nfiles - at) * sizeof(*l->files));
	l->files[at].id = ev->id;
	l->files[at].stamp = ev->stamp;
	l->files[at].path = p;
	l->nfiles++;
	return 0;
}

static void remove_file(struct cmd_live *l, uint64_t id)
{
	for (size_t i = 0; i < l->nfiles; i++)
		if (l->files[i].id == id) {
			free(l->files[i].path);
			memmove(l->files + i, l->files + i + 1,
				(l->nfiles - i - 1) * sizeof(*l->files));
			l->nfiles--;
			return;
		}
}

int cmd_live_new(struct cmd_live **out, const char *dir, const char *window,
		 int poll_ms, const char *format, const char *biflow,
		 const struct fm_log *log, struct fm_error *err)
{
	struct fm_follow_opts fo = {dir, 0, FM_FOLLOW_AUTO, 0, log};
	struct fm_follow_event ev;
	struct cmd_live *l = calloc(1, sizeof(*l));
	int r = 0;

	*out = NULL;
	if (!l)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (window)
		r = fm_follow_parse_window(window, &fo.window, err);
	if (poll_ms > 0) {
		fo.mode = FM_FOLLOW_POLL;
		fo.poll_ms = poll_ms;
	}
	if (r == 0 && (!(l->dir = strdup(dir)) ||
		       (window && !(l->window = strdup(window))) ||
		       !(l->format = strdup(format ? format : "nfcapd")) ||
		       (biflow && !(l->biflow = strdup(biflow)))))
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	if (r == 0)
		r = fm_follow_open(&l->f, &fo, err);
	/* the files there now form the window at once */
	while (r == 0 && (r = fm_follow_next(l->f, &ev, err)) > 0) {
		r = 0;
		if (ev.what == FM_FOLLOW_DROP)
			remove_file(l, ev.id);
		else if (add_file(l, &ev) < 0)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (r < 0) {
		live_free(l);
		return r;
	}
	*out = l;
	return 0;
}

/* ---- following histograms ---- */

/* A scan over one file with l's input options and filter; ctx (which the
 * scan logs through) must outlive the scan. */
static int open_scan(const struct cmd_live *l, const char *filter,
		     const char *path, uint32_t fields, struct cmd_ctx *ctx,
		     struct cmd_scan **out, struct fm_error *err)
{
	struct cmd_args a;

	memset(&a, 0, sizeof(a));
	a.v[OPT_IN_FORMAT].set = 1;
	a.v[OPT_IN_FORMAT].s = l->format;
	a.v[OPT_BIFLOW].set = l->biflow != NULL;
	a.v[OPT_BIFLOW].s = l->biflow;
	a.v[OPT_FILTER_EXPR].set = filter != NULL;
	a.v[OPT_FILTER_EXPR].s = filter;
	a.pos = &path;
	a.npos = 1;
	return cmd_scan_open(ctx, &a, FM_FORMAT_NFCAPD, fields, out, err);
}

/* Whether a failure is the file's (skip it) rather than ours. */
static int file_fault(int code)
{
	return code == FM_EFORMAT || code == FM_EIO || code == FM_ENOTFOUND ||
	       code == FM_ERANGE || code == FM_EEXTERNAL;
}

/* Read file f into s's parts; a file fault is warned about on log. */
static int sub_add(struct live_sub *s, const struct live_file *f,
		   const struct fm_log *log, struct fm_error *err)
{
	struct cmd_follow_log fl;
	struct cmd_scan *cs = NULL;
	struct cmd_ctx ctx;
	int r;

	memset(&ctx, 0, sizeof(ctx));
	cmd_follow_log_init(&fl, log);
	ctx.log = fl.log;
	ctx.quiet = 1;
	r = open_scan(s->l, s->filter, f->path, s->fields, &ctx, &cs, err);

	if (r == 0)
		r = fm_hist_window_add_scan(s->w, f->id, cmd_scan_get(cs), NULL,
					    err);
	cmd_scan_close(cs);
	if (r < 0 && file_fault(r)) {
		if (strstr(err->msg, f->path))
			fm_warn(log, "skipped: %s", err->msg);
		else
			fm_warn(log, "%s: skipped: %s", f->path, err->msg);
		fm_error_clear(err);
		return 1;
	}
	s->dirty = 1;
	return r;
}

/* Copy src's bins into h (its arrays replaced, h itself kept). */
static int copy_into(struct fm_histogram *h, const struct fm_histogram *src,
		     struct fm_error *err)
{
	struct fm_histogram c;
	int r = fm_histogram_copy(&c, src, err);

	if (r == 0) {
		fm_histogram_release(h);
		*h = c;
	}
	return r;
}

int cmd_live_hist(struct cmd_live *l, const struct fm_hist_opts *opts,
		  const char *filter, const struct fm_log *log,
		  struct fm_histogram **out, struct fm_error *err)
{
	struct live_sub *s = calloc(1, sizeof(*s));
	int r = 0;

	*out = NULL;
	if (!s || !(s->h = calloc(1, sizeof(*s->h))) ||
	    (filter && !(s->filter = strdup(filter)))) {
		if (s)
			free(s->h);
		free(s);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	s->l = l;
	s->fields = fm_hist_fields(opts);
	fm_histogram_init(s->h);
	r = fm_hist_window_new(&s->w, opts, err);
	for (size_t i = 0; r == 0 && i < l->nfiles; i++) {
		int q = sub_add(s, &l->files[i], log, err);
		r = q < 0 ? q : 0;
	}
	if (r == 0)
		r = copy_into(s->h, fm_hist_window_result(s->w), err);
	pthread_mutex_lock(&reg_lock);
	if (r == 0 && nsubs == capsubs) {
		size_t nc = capsubs ? 2 * capsubs : 8;
		struct live_sub **ns = realloc(subs, nc * sizeof(*ns));
		if (!ns)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else {
			subs = ns;
			capsubs = nc;
		}
	}
	if (r == 0)
		subs[nsubs++] = s;
	pthread_mutex_unlock(&reg_lock);
	if (r < 0) {
		fm_histogram_release(s->h);
		free(s->h);
		sub_free(s);
		return r;
	}
	*out = s->h;
	return 0;
}

void cmd_live_forget(const void *h)
{
	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < nsubs; i++)
		if (subs[i]->h == h) {
			sub_free(subs[i]);
			subs[i] = subs[--nsubs];
			break;
		}
	pthread_mutex_unlock(&reg_lock);
}

/* ---- updates ---- */

/* One event of l's follower, for l and its histograms. */
static int take_event(struct cmd_live *l, const struct fm_follow_event *ev,
		      const struct fm_log *log, uint64_t *added,
		      struct fm_error *err)
{
	int r = 0;

	if (ev->what == FM_FOLLOW_DROP) {
		remove_file(l, ev->id);
		for (size_t i = 0; r == 0 && i < nsubs; i++)
			if (subs[i]->l == l) {
				r = fm_hist_window_drop(subs[i]->w, ev->id,
							err);
				subs[i]->dirty = 1;
			}
		return r;
	}
	struct live_file f = {ev->id, ev->stamp, (char *)ev->path};
	uint64_t most = 0;
	for (size_t i = 0; r == 0 && i < nsubs; i++) {
		if (subs[i]->l != l)
			continue;
		uint64_t before = fm_hist_window_records(subs[i]->w);
		if ((r = sub_add(subs[i], &f, log, err)) == 1)
			return 0; /* a damaged file: left out of the window */
		uint64_t got = fm_hist_window_records(subs[i]->w) - before;
		most = got > most ? got : most;
	}
	*added += most;
	/* the collector's rate: the records over the file's interval */
	if (l->stamp && ev->stamp > l->stamp)
		l->rate = (double)most / (double)(ev->stamp - l->stamp);
	if (ev->stamp > l->stamp)
		l->stamp = ev->stamp;
	free(l->last);
	l->last = strdup(ev->path);
	return r < 0 ? r : add_file(l, ev);
}

/* The export of the object holding data goes stale (lock held). */
static void stale(struct session *s, const void *data)
{
	for (size_t i = 0; i < sess_count(s); i++)
		if (sess_at(s, i)->data == data)
			sess_obj_stale_export(sess_at(s, i));
}

static int poll_one(struct session *s, struct cmd_live *l,
		    const struct fm_log *log, int *changed,
		    struct fm_error *err)
{
	struct fm_follow_event ev;
	uint64_t added = 0;
	int r, events = 0;

	if ((r = fm_follow_wait(l->f, 0, err)) < 0)
		return r;
	pthread_mutex_lock(&reg_lock);
	while ((r = fm_follow_next(l->f, &ev, err)) > 0 &&
	       (r = take_event(l, &ev, log, &added, err)) == 0)
		events++;
	for (size_t i = 0; r == 0 && i < nsubs; i++)
		if (subs[i]->l == l && subs[i]->dirty) {
			r = copy_into(subs[i]->h,
				      fm_hist_window_result(subs[i]->w), err);
			subs[i]->dirty = 0;
			stale(s, subs[i]->h);
			*changed = 1;
		}
	pthread_mutex_unlock(&reg_lock);
	if (events) {
		stale(s, l);
		*changed = 1;
	}
	return r;
}

int cmd_live_poll(struct session *s, const struct fm_log *log, int *changed,
		  struct fm_error *err)
{
	int r = 0;

	*changed = 0;
	sess_lock(s);
	for (size_t i = 0; r == 0 && i < sess_count(s); i++) {
		struct sess_obj *o = sess_at(s, i);
		if (o->kind == SESS_TYPED && o->type == &cmd_live_type)
			r = poll_one(s, o->data, log, changed, err);
	}
	sess_unlock(s);
	return r;
}

int cmd_live_any(struct session *s)
{
	int yes = 0;

	sess_lock(s);
	for (size_t i = 0; !yes && i < sess_count(s); i++)
		yes = sess_at(s, i)->type == &cmd_live_type;
	sess_unlock(s);
	return yes;
}

void cmd_live_status(struct session *s, struct fm_buf *out)
{
	sess_lock(s);
	for (size_t i = 0; i < sess_count(s); i++) {
		const struct sess_obj *o = sess_at(s, i);
		const struct cmd_live *l = o->data;
		if (o->type != &cmd_live_type)
			continue;
		fm_buf_printf(out, "%s%s: %s, %.0f records/s, window %s",
			      out->len ? "; " : "", o->name,
			      l->last ? base_name(l->last) : "no file yet",
			      l->rate, l->window ? l->window : "all");
	}
	sess_unlock(s);
}

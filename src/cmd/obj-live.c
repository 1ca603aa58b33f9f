/*
 * obj-live.c - the live object type and the objects that follow it
 * (live.h, live-int.h): histograms and time series made from a live
 * object, kept as per-file parts; live-poll.c takes new files in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/cut.h"
#include "flowmodels/fileops.h"
#include "flowmodels/filter.h"
#include "cmd-follow.h"
#include "live-int.h"
#include "objtypes.h"
#include "session.h"

struct live_reg live_reg = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, 0};

static void sub_free(struct live_sub *s)
{
	fm_hist_window_free(s->w);
	for (size_t i = 0; i < s->nparts; i++)
		fm_series_free(s->parts[i].s);
	free(s->parts);
	live_spec_release(&s->spec);
	free(s);
}

/* ---- the object type ---- */

static void live_free(void *data)
{
	struct cmd_live *l = data;
	size_t k = 0;

	/* its histograms stay, as they are now */
	live_poll_forget(l);
	pthread_mutex_lock(&live_reg.lock);
	for (size_t i = 0; i < live_reg.n; i++) {
		if (live_reg.subs[i]->l == l)
			sub_free(live_reg.subs[i]);
		else
			live_reg.subs[k++] = live_reg.subs[i];
	}
	live_reg.n = k;
	pthread_mutex_unlock(&live_reg.lock);
	fm_follow_free(l->f);
	for (size_t i = 0; i < l->nfiles; i++)
		free(l->files[i].path);
	free(l->files);
	free(l->dir);
	free(l->window);
	free(l->format);
	free(l->biflow);
	free(l->filter);
	free(l->base);
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

	if (l->filter)
		fm_buf_printf(out, "view of %s (%s), ", l->base, l->filter);
	fm_buf_printf(out, "following %s: %zu files in the window (%s)", l->dir,
		      l->nfiles, l->window ? l->window : "all");
	if (l->last)
		fm_buf_printf(out, ", last %s", base_name(l->last));
}

static void live_info(const void *data, struct fm_buf *out)
{
	const struct cmd_live *l = data;
	size_t n[2] = {0, 0};

	pthread_mutex_lock(&live_reg.lock);
	for (size_t i = 0; i < live_reg.n; i++)
		if (live_reg.subs[i]->l == l)
			n[live_reg.subs[i]->spec.kind == LIVE_SERIES]++;
	pthread_mutex_unlock(&live_reg.lock);
	fm_buf_printf(out,
		      "  directory: %s (%s)\n  window:    %s\n  followed "
		      "by: %zu histogram%s, %zu series\n",
		      l->dir, fm_follow_inotify(l->f) ? "inotify" : "polled",
		      l->window ? l->window : "every file", n[0],
		      n[0] == 1 ? "" : "s", n[1]);
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

static const char *live_filter(const void *data)
{
	const struct cmd_live *l = data;

	return l->filter;
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
    .filter = live_filter,
};

/* ---- the window's files ---- */

int live_add_file(struct cmd_live *l, const struct fm_follow_event *ev)
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

void live_remove_file(struct cmd_live *l, uint64_t id)
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
	cmd_live_count(1); /* live_free counts it out */
	pthread_mutex_lock(&live_reg.lock);
	l->serial = ++live_reg.serial;
	pthread_mutex_unlock(&live_reg.lock);
	if (window)
		r = fm_follow_parse_window(window, &fo.window, err);
	if (poll_ms > 0) {
		fo.mode = FM_FOLLOW_POLL;
		fo.poll_ms = l->poll_ms = poll_ms;
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
			live_remove_file(l, ev.id);
		else if (live_add_file(l, &ev) < 0)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	/* the newest of them is the last file read; the collector's rate
	 * waits for the next one */
	if (r == 0 && l->nfiles) {
		l->stamp = l->files[l->nfiles - 1].stamp;
		if (!(l->last = strdup(l->files[l->nfiles - 1].path)))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (r < 0) {
		live_free(l);
		return r;
	}
	*out = l;
	return 0;
}

int cmd_live_view(struct cmd_live **out, const struct cmd_live *l,
		  const char *base_name, const char *filter,
		  const struct fm_log *log, struct fm_error *err)
{
	struct fm_filter *f = NULL;
	struct fm_buf both = FM_BUF_INIT;
	int r;

	*out = NULL;
	if (l->filter)
		fm_buf_printf(&both, "(%s) and (%s)", l->filter, filter);
	else
		fm_buf_addstr(&both, filter);
	if (!both.buf)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_filter_compile(&f, both.buf, NULL, err);
	fm_filter_free(f);
	if (r == 0)
		r = cmd_live_new(out, l->dir, l->window, l->poll_ms, l->format,
				 l->biflow, log, err);
	if (r == 0) {
		(*out)->filter = fm_buf_detach(&both);
		if (!((*out)->base = strdup(base_name)))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (r < 0 && *out) {
		live_free(*out);
		*out = NULL;
	}
	fm_buf_release(&both);
	return r;
}

/* ---- reading a file for a sub ---- */

int live_spec_copy(struct live_spec *dst, const struct live_spec *src)
{
	*dst = *src;
	dst->format = strdup(src->format);
	dst->biflow = src->biflow ? strdup(src->biflow) : NULL;
	dst->filter = src->filter ? strdup(src->filter) : NULL;
	if (!dst->format || (src->biflow && !dst->biflow) ||
	    (src->filter && !dst->filter)) {
		live_spec_release(dst);
		return FM_ENOMEM;
	}
	return 0;
}

void live_spec_release(struct live_spec *spec)
{
	free(spec->format);
	free(spec->biflow);
	free(spec->filter);
	spec->format = spec->biflow = spec->filter = NULL;
}

void live_bin_release(struct live_bin *b)
{
	fm_histogram_release(&b->h);
	fm_series_free(b->s);
	b->s = NULL;
}

int live_file_fault(int code)
{
	return code == FM_EFORMAT || code == FM_EIO || code == FM_ENOTFOUND ||
	       code == FM_ERANGE || code == FM_EEXTERNAL;
}

/* The progress of a read: non-zero (stop) once *ctx is set. */
static int cancel_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)done;
	(void)total;
	return ctx && atomic_load((const atomic_int *)ctx);
}

/* A scan over one file as spec says; ctx (the scan logs through it)
 * must outlive the scan. */
static int open_scan(const struct live_spec *spec, const char *path,
		     struct cmd_ctx *ctx, struct cmd_scan **out,
		     struct fm_error *err)
{
	struct cmd_args a;

	memset(&a, 0, sizeof(a));
	a.v[OPT_IN_FORMAT].set = 1;
	a.v[OPT_IN_FORMAT].s = spec->format;
	a.v[OPT_BIFLOW].set = spec->biflow != NULL;
	a.v[OPT_BIFLOW].s = spec->biflow;
	a.v[OPT_FILTER_EXPR].set = spec->filter != NULL;
	a.v[OPT_FILTER_EXPR].s = spec->filter;
	a.pos = &path;
	a.npos = 1;
	return cmd_scan_open(ctx, &a, FM_FORMAT_NFCAPD, spec->fields, out, err);
}

/* Every record of scan s into series *b. */
static int read_series(struct fm_scan *s, struct live_bin *b,
		       struct fm_error *err)
{
	struct fm_batch batch;
	long n;
	int r = fm_series_new(&b->s, err);

	while (r == 0 && (n = fm_scan_next(s, &batch, err)) > 0)
		r = fm_series_add(b->s, &batch, err);
	if (r == 0 && n < 0)
		r = (int)n;
	if (r == 0)
		b->records = fm_series_records(b->s);
	return r;
}

int live_read(const struct live_spec *spec, const char *path,
	      const atomic_int *cancel, const struct fm_log *log,
	      struct live_bin *b, struct fm_error *err)
{
	struct cmd_follow_log fl;
	struct cmd_scan *cs = NULL;
	struct cmd_ctx ctx;
	int r;

	memset(b, 0, sizeof(*b));
	b->kind = spec->kind;
	fm_histogram_init(&b->h);
	memset(&ctx, 0, sizeof(ctx));
	cmd_follow_log_init(&fl, log);
	ctx.log = fl.log;
	ctx.quiet = 1;
	ctx.progress.fn = cancel_progress;
	ctx.progress.ctx = (void *)cancel;
	r = open_scan(spec, path, &ctx, &cs, err);
	if (r == 0 && spec->kind == LIVE_HIST)
		r = fm_hist_part_scan(&spec->opts, cmd_scan_get(cs), &b->h,
				      &b->records, NULL, err);
	else if (r == 0)
		r = read_series(cmd_scan_get(cs), b, err);
	cmd_scan_close(cs);
	if (r < 0)
		live_bin_release(b);
	return r;
}

/* ---- the objects following a live object ---- */

int live_sub_add(struct live_sub *s, uint64_t id, struct live_bin *b,
		 struct fm_error *err)
{
	int r;

	s->dirty = 1;
	if (s->spec.kind == LIVE_HIST)
		return fm_hist_window_add_part(s->w, id, &b->h, b->records,
					       err);
	if ((r = fm_series_merge(s->data, b->s, 1, err)) < 0 || !s->l->window)
		return r; /* without a window nothing leaves: not kept */
	if (s->nparts == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 16;
		struct live_spart *np = realloc(s->parts, nc * sizeof(*np));
		if (!np) /* the sum would keep a part it cannot subtract */
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		s->parts = np;
		s->cap = nc;
	}
	s->parts[s->nparts].id = id;
	s->parts[s->nparts++].s = b->s;
	b->s = NULL;
	return 0;
}

int live_sub_drop(struct live_sub *s, uint64_t id, struct fm_error *err)
{
	size_t q;
	int r;

	s->dirty = 1;
	if (s->spec.kind == LIVE_HIST)
		return fm_hist_window_drop(s->w, id, err);
	for (q = 0; q < s->nparts && s->parts[q].id != id; q++)
		;
	if (q == s->nparts)
		return 0;
	r = fm_series_merge(s->data, s->parts[q].s, -1, err);
	fm_series_free(s->parts[q].s);
	memmove(s->parts + q, s->parts + q + 1,
		(s->nparts - q - 1) * sizeof(*s->parts));
	s->nparts--;
	return r;
}

int live_sub_publish(struct live_sub *s, struct fm_error *err)
{
	struct fm_histogram c;
	int r;

	s->dirty = 0;
	if (s->spec.kind != LIVE_HIST)
		return 0; /* a series is its object's data, changed in place */
	r = fm_histogram_copy(&c, fm_hist_window_result(s->w), err);
	if (r == 0) {
		fm_histogram_release(s->data);
		*(struct fm_histogram *)s->data = c;
	}
	return r;
}

/* Read l's window into s, file by file; a file that fails to read is
 * skipped with a warning on log. */
static int sub_fill(struct live_sub *s, const struct fm_log *log,
		    struct fm_error *err)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < s->l->nfiles; i++) {
		const struct live_file *f = &s->l->files[i];
		struct live_bin b;
		r = live_read(&s->spec, f->path, NULL, log, &b, err);
		if (r < 0 && live_file_fault(r)) {
			if (strstr(err->msg, f->path))
				fm_warn(log, "skipped: %s", err->msg);
			else
				fm_warn(log, "%s: skipped: %s", f->path,
					err->msg);
			fm_error_clear(err);
			r = 0;
			continue;
		}
		if (r == 0) {
			r = live_sub_add(s, f->id, &b, err);
			live_bin_release(&b);
		}
	}
	return r;
}

/* Register s (taking it); on failure s is freed. */
static int sub_register(struct live_sub *s, struct fm_error *err)
{
	int r = 0;

	pthread_mutex_lock(&live_reg.lock);
	if (live_reg.n == live_reg.cap) {
		size_t nc = live_reg.cap ? 2 * live_reg.cap : 8;
		struct live_sub **ns = realloc(live_reg.subs, nc * sizeof(*ns));
		if (!ns)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else {
			live_reg.subs = ns;
			live_reg.cap = nc;
		}
	}
	if (r == 0) {
		s->serial = ++live_reg.serial;
		live_reg.subs[live_reg.n++] = s;
	}
	pthread_mutex_unlock(&live_reg.lock);
	if (r < 0)
		sub_free(s);
	return r;
}

/* A sub of l reading as kind with filter (may be NULL). */
static struct live_sub *sub_new(struct cmd_live *l, enum live_kind kind,
				const char *filter)
{
	struct live_sub *s = calloc(1, sizeof(*s));
	struct live_spec spec;

	if (!s)
		return NULL;
	memset(&spec, 0, sizeof(spec));
	spec.kind = kind;
	spec.format = l->format;
	spec.biflow = l->biflow;
	spec.filter = (char *)filter;
	if (live_spec_copy(&s->spec, &spec) < 0) {
		free(s);
		return NULL;
	}
	s->l = l;
	return s;
}

int cmd_live_check_input(const struct cmd_args *a, const char *what,
			 struct fm_error *err)
{
	struct fm_cut cut;

	cmd_get_cut(a, &cut);
	if (a->npos != 1)
		return fm_error_set(err, FM_EINVAL,
				    "a %s of a live object reads it alone",
				    what);
	if (cut.skip_in > 0 || cut.count_in != FM_UNLIMITED ||
	    cut.skip_out > 0 || cut.count_out != FM_UNLIMITED)
		return fm_error_set(err, FM_EINVAL,
				    "a %s following a live object takes no "
				    "cutting counters",
				    what);
	return 0;
}

int cmd_live_hist(struct cmd_live *l, const struct fm_hist_opts *opts,
		  const char *filter, const struct fm_log *log,
		  struct fm_histogram **out, struct fm_error *err)
{
	struct live_sub *s = sub_new(l, LIVE_HIST, filter);
	struct fm_histogram *h = calloc(1, sizeof(*h));
	int r;

	*out = NULL;
	if (!s || !h) {
		free(h);
		if (s)
			sub_free(s);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	fm_histogram_init(h);
	s->data = h;
	s->spec.opts = *opts;
	s->spec.opts.filter = NULL; /* the scans filter */
	s->spec.opts.log = NULL;
	s->spec.opts.progress = NULL;
	s->spec.fields = fm_hist_fields(opts);
	r = fm_hist_window_new(&s->w, &s->spec.opts, err);
	if (r == 0)
		r = sub_fill(s, log, err);
	if (r == 0)
		r = live_sub_publish(s, err);
	if (r < 0) {
		sub_free(s);
		fm_histogram_release(h);
		free(h);
		return r;
	}
	if ((r = sub_register(s, err)) < 0) {
		fm_histogram_release(h);
		free(h);
		return r;
	}
	*out = h;
	return 0;
}

int cmd_live_series(struct cmd_live *l, const char *filter,
		    const struct fm_log *log, struct fm_series **out,
		    struct fm_error *err)
{
	struct live_sub *s = sub_new(l, LIVE_SERIES, filter);
	struct fm_series *data = NULL;
	int r;

	*out = NULL;
	if (!s)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	s->spec.fields = FM_SERIES_FIELDS;
	r = fm_series_new(&data, err);
	s->data = data;
	if (r == 0)
		r = sub_fill(s, log, err);
	if (r < 0) {
		sub_free(s);
		fm_series_free(data);
		return r;
	}
	if ((r = sub_register(s, err)) < 0) {
		fm_series_free(data);
		return r;
	}
	*out = data;
	return 0;
}

void cmd_live_forget(const void *data)
{
	pthread_mutex_lock(&live_reg.lock);
	for (size_t i = 0; i < live_reg.n; i++)
		if (live_reg.subs[i]->data == data) {
			sub_free(live_reg.subs[i]);
			live_reg.subs[i] = live_reg.subs[--live_reg.n];
			break;
		}
	pthread_mutex_unlock(&live_reg.lock);
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
		const char *reading;
		size_t left = live_poll_reading(l, &reading);
		fm_buf_printf(out, "%s%s: %s, %.0f records/s, window %s",
			      out->len ? "; " : "", o->name,
			      l->last ? base_name(l->last) : "no file yet",
			      l->rate, l->window ? l->window : "all");
		if (left)
			fm_buf_printf(out, ", reading %s", base_name(reading));
		if (left > 1)
			fm_buf_printf(out, " (+%zu files)", left - 1);
	}
	sess_unlock(s);
}

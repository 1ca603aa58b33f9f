/*
 * live-poll.c - taking in the files that arrive in the directories of
 * live objects (cmd_live_poll, live.h): read on a thread of their own,
 * applied under the session lock.
 *
 * The events of the followers (a file added, a file leaving the window)
 * go into a batch, each added file with a copy of the read spec of every
 * object following its live object.  A reader thread reads each file
 * once per spec into a live_bin (binned apart, no lock held), and the
 * next poll after it finished applies the batch in event order under the
 * session lock: the bins are added to their objects (the registry finds
 * them by serial: an object dropped meanwhile is not found), the files
 * leaving are subtracted, and the histograms are published.  So the
 * session lock is held for taking events and merging bins, never while a
 * file is read, and the frontend stays responsive however large a file.
 *
 * A file that fails to read for any object is skipped whole (reported
 * once), as before.  An object made while its live object's batch was
 * being read has no bin for the files of that batch: they are read for
 * it when the batch is applied (a command had to run meanwhile: rare).
 * One batch at a time; `cur` is guarded by batch_lock, as live_free (a
 * `drop` on a job's thread) cancels what is read for its object.
 */
#include <stdlib.h>
#include <string.h>

#include "live-int.h"
#include "session.h"

struct read_job {
	uint64_t sub; /* the serial of the sub it is read for */
	struct live_spec spec;
	struct live_bin bin;
	int status;
	struct fm_error err;
	struct fm_buf msgs; /* what the read logged: a level digit, text */
};

struct task {
	uint64_t live;	    /* the serial of the live object */
	struct cmd_live *l; /* compared only; NULL once it was freed */
	enum fm_follow_what what;
	uint64_t id;
	int64_t stamp;
	char *path;
	struct read_job *reads;
	size_t nreads;
	atomic_int cancel;
};

struct batch {
	struct task *tasks;
	size_t n, cap;
	size_t nreads;
	pthread_t thread;
	int started;
	atomic_int done;
	atomic_size_t at; /* the task being read */
};

static pthread_mutex_t batch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct batch *cur;
static size_t nlive; /* live objects (under batch_lock) */
static void (*read_hook)(const char *path);

void cmd_live_read_hook(void (*hook)(const char *path))
{
	read_hook = hook;
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		struct task *t = &b->tasks[i];
		for (size_t k = 0; k < t->nreads; k++) {
			live_spec_release(&t->reads[k].spec);
			live_bin_release(&t->reads[k].bin);
			fm_buf_release(&t->reads[k].msgs);
		}
		free(t->reads);
		free(t->path);
	}
	free(b->tasks);
	free(b);
}

/* ---- the reader ---- */

static void collect_msg(void *ctx, enum fm_log_level level, const char *msg)
{
	struct fm_buf *b = ctx;

	fm_buf_printf(b, "%d%s", (int)level, msg);
	fm_buf_addch(b, '\0');
}

static void read_task(struct task *t)
{
	for (size_t k = 0; k < t->nreads; k++) {
		struct read_job *j = &t->reads[k];
		struct fm_log log = {collect_msg, &j->msgs};
		if (read_hook)
			read_hook(t->path);
		if (atomic_load(&t->cancel))
			j->status = FM_ECANCEL;
		else
			j->status = live_read(&j->spec, t->path, &t->cancel,
					      &log, &j->bin, &j->err);
	}
}

static void *reader(void *arg)
{
	struct batch *b = arg;

	for (size_t i = 0; i < b->n; i++) {
		atomic_store(&b->at, i);
		read_task(&b->tasks[i]);
	}
	atomic_store(&b->done, 1);
	return NULL;
}

/* ---- the live objects of the session ---- */

void cmd_live_count(int delta)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&batch_lock);
	nlive = delta > 0 ? nlive + 1 : nlive - 1;
	if (nlive == 0) { /* the last one: nothing left to read for */
		b = cur;
		cur = NULL;
	}
	pthread_mutex_unlock(&batch_lock);
	if (b && b->started) {
		for (size_t i = 0; i < b->n; i++)
			atomic_store(&b->tasks[i].cancel, 1);
		pthread_join(b->thread, NULL);
	}
	batch_free(b);
}

void live_poll_forget(const struct cmd_live *l)
{
	pthread_mutex_lock(&batch_lock);
	for (size_t i = 0; cur && i < cur->n; i++)
		if (cur->tasks[i].l == l) {
			atomic_store(&cur->tasks[i].cancel, 1);
			cur->tasks[i].l = NULL;
		}
	pthread_mutex_unlock(&batch_lock);
	cmd_live_count(-1);
}

static int is_live(const struct sess_obj *o)
{
	return o->kind == SESS_TYPED && o->type == &cmd_live_type;
}

/* The live object of task t if it is still in the session (lock held). */
static struct cmd_live *task_live(struct session *s, const struct task *t)
{
	for (size_t i = 0; t->l && i < sess_count(s); i++) {
		struct sess_obj *o = sess_at(s, i);
		if (is_live(o) && o->data == t->l && t->l->serial == t->live)
			return t->l;
	}
	return NULL;
}

static struct live_sub *find_sub(uint64_t serial)
{
	for (size_t i = 0; i < live_reg.n; i++)
		if (live_reg.subs[i]->serial == serial)
			return live_reg.subs[i];
	return NULL;
}

/* ---- taking the events ---- */

/* A task for event ev of l, with a read for each sub of l (an ADD). */
static int add_task(struct batch *b, struct cmd_live *l,
		    const struct fm_follow_event *ev)
{
	struct task *t;

	if (b->n == b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 16;
		struct task *nt = realloc(b->tasks, nc * sizeof(*nt));
		if (!nt)
			return FM_ENOMEM;
		b->tasks = nt;
		b->cap = nc;
	}
	t = &b->tasks[b->n];
	memset(t, 0, sizeof(*t));
	t->live = l->serial;
	t->l = l;
	t->what = ev->what;
	t->id = ev->id;
	t->stamp = ev->stamp;
	if (!(t->path = strdup(ev->path)))
		return FM_ENOMEM;
	b->n++;
	if (ev->what != FM_FOLLOW_ADD)
		return 0;
	pthread_mutex_lock(&live_reg.lock);
	int r = 0;
	for (size_t i = 0; r == 0 && i < live_reg.n; i++) {
		struct live_sub *s = live_reg.subs[i];
		if (s->l != l)
			continue;
		struct read_job *nr =
		    realloc(t->reads, (t->nreads + 1) * sizeof(*nr));
		if (!nr) {
			r = FM_ENOMEM;
			break;
		}
		t->reads = nr;
		memset(&nr[t->nreads], 0, sizeof(*nr));
		nr[t->nreads].sub = s->serial;
		fm_histogram_init(&nr[t->nreads].bin.h);
		if ((r = live_spec_copy(&nr[t->nreads].spec, &s->spec)) == 0)
			t->nreads++;
	}
	pthread_mutex_unlock(&live_reg.lock);
	b->nreads += t->nreads;
	return r;
}

/* The events of every live object of s into batch b (lock held). */
static int take_events(struct session *s, struct batch *b, struct fm_error *err)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < sess_count(s); i++) {
		struct sess_obj *o = sess_at(s, i);
		struct fm_follow_event ev;
		if (!is_live(o))
			continue;
		struct cmd_live *l = o->data;
		if ((r = fm_follow_wait(l->f, 0, err)) < 0)
			return r;
		r = 0;
		while ((r = fm_follow_next(l->f, &ev, err)) > 0)
			if (add_task(b, l, &ev) < 0)
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
	}
	return r;
}

/* ---- applying a batch ---- */

/* The export of the object holding data goes stale (lock held). */
static void stale(struct session *s, const void *data)
{
	for (size_t i = 0; i < sess_count(s); i++)
		if (sess_at(s, i)->data == data)
			sess_obj_stale_export(sess_at(s, i));
}

/* Say what the reads of t logged (once: the first read's), and whether
 * one of them failed because of the file. */
static int report_reads(const struct task *t, const struct fm_log *log)
{
	for (size_t k = 0; k < t->nreads; k++) {
		const struct read_job *j = &t->reads[k];
		if (j->status < 0 && live_file_fault(j->status)) {
			if (strstr(j->err.msg, t->path))
				fm_warn(log, "skipped: %s", j->err.msg);
			else
				fm_warn(log, "%s: skipped: %s", t->path,
					j->err.msg);
			return 1;
		}
	}
	for (const char *m = t->nreads ? t->reads[0].msgs.buf : NULL;
	     m && m < t->reads[0].msgs.buf + t->reads[0].msgs.len;
	     m += strlen(m) + 1) {
		if (log && log->fn)
			log->fn(log->ctx, (enum fm_log_level)(m[0] - '0'),
				m + 1);
	}
	return 0;
}

/* Whether sub s got a read in t. */
static int has_read(const struct task *t, const struct live_sub *s)
{
	for (size_t k = 0; k < t->nreads; k++)
		if (t->reads[k].sub == s->serial)
			return 1;
	return 0;
}

/* Add the file of t to s, reading it now (s was made after the batch). */
static int late_add(struct live_sub *s, const struct task *t,
		    const struct fm_log *log, struct fm_error *err)
{
	struct live_bin bin;
	int r = live_read(&s->spec, t->path, NULL, log, &bin, err);

	if (r < 0 && live_file_fault(r)) {
		fm_warn(log, "%s: skipped for an object: %s", t->path,
			err->msg);
		fm_error_clear(err);
		return 0;
	}
	if (r == 0) {
		r = live_sub_add(s, t->id, &bin, err);
		live_bin_release(&bin);
	}
	return r;
}

/* An added file: its bins into their subs, then into l's window. */
static int apply_add(struct cmd_live *l, struct task *t,
		     const struct fm_log *log, struct fm_error *err)
{
	uint64_t most = 0;
	int r = 0;

	for (size_t k = 0; k < t->nreads; k++)
		if (t->reads[k].status < 0 &&
		    !live_file_fault(t->reads[k].status)) {
			*err = t->reads[k].err;
			return t->reads[k].status;
		}
	if (report_reads(t, log))
		return 0; /* a damaged file: left out of the window */
	for (size_t k = 0; r == 0 && k < t->nreads; k++) {
		struct live_sub *s = find_sub(t->reads[k].sub);
		uint64_t got = t->reads[k].bin.records;
		if (s)
			r = live_sub_add(s, t->id, &t->reads[k].bin, err);
		most = got > most ? got : most;
	}
	for (size_t i = 0; r == 0 && i < live_reg.n; i++)
		if (live_reg.subs[i]->l == l && !has_read(t, live_reg.subs[i]))
			r = late_add(live_reg.subs[i], t, log, err);
	/* the collector's rate: the records over the file's interval */
	if (l->stamp && t->stamp > l->stamp)
		l->rate = (double)most / (double)(t->stamp - l->stamp);
	if (t->stamp > l->stamp)
		l->stamp = t->stamp;
	free(l->last);
	l->last = strdup(t->path);
	struct fm_follow_event ev = {FM_FOLLOW_ADD, t->id, t->path, t->stamp};
	if (r == 0 && live_add_file(l, &ev) < 0)
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	return r;
}

static int apply_task(struct session *s, struct task *t,
		      const struct fm_log *log, struct fm_error *err)
{
	struct cmd_live *l = task_live(s, t);
	int r = 0;

	if (!l)
		return 0; /* dropped meanwhile */
	stale(s, l);
	if (t->what == FM_FOLLOW_ADD)
		return apply_add(l, t, log, err);
	live_remove_file(l, t->id);
	for (size_t i = 0; r == 0 && i < live_reg.n; i++)
		if (live_reg.subs[i]->l == l)
			r = live_sub_drop(live_reg.subs[i], t->id, err);
	return r;
}

/* Apply batch b in event order (session lock held). */
static int apply(struct session *s, struct batch *b, const struct fm_log *log,
		 int *changed, struct fm_error *err)
{
	int r = 0;

	pthread_mutex_lock(&live_reg.lock);
	for (size_t i = 0; r == 0 && i < b->n; i++)
		r = apply_task(s, &b->tasks[i], log, err);
	for (size_t i = 0; i < live_reg.n; i++) {
		struct live_sub *sub = live_reg.subs[i];
		if (!sub->dirty)
			continue;
		int q = live_sub_publish(sub, err);
		r = r < 0 ? r : q;
		stale(s, sub->data);
	}
	pthread_mutex_unlock(&live_reg.lock);
	*changed |= b->n > 0;
	return r;
}

/* ---- the poll ---- */

int cmd_live_poll(struct session *s, const struct fm_log *log, int *changed,
		  struct fm_error *err)
{
	struct batch *b;
	int r = 0;

	*changed = 0;
	pthread_mutex_lock(&batch_lock);
	b = cur;
	if (b && !atomic_load(&b->done)) {
		pthread_mutex_unlock(&batch_lock);
		return 0; /* being read */
	}
	cur = NULL;
	pthread_mutex_unlock(&batch_lock);
	if (b) {
		pthread_join(b->thread, NULL);
		sess_lock(s);
		r = apply(s, b, log, changed, err);
		sess_unlock(s);
		batch_free(b);
		if (r < 0)
			return r;
	}
	if (!(b = calloc(1, sizeof(*b))))
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	sess_lock(s);
	r = take_events(s, b, err);
	sess_unlock(s);
	if (r < 0 || b->n == 0) {
		batch_free(b);
		return r;
	}
	if (b->nreads && pthread_create(&b->thread, NULL, reader, b) == 0) {
		b->started = 1;
		pthread_mutex_lock(&batch_lock);
		cur = b;
		pthread_mutex_unlock(&batch_lock);
		return 0;
	}
	reader(b); /* nothing to read, or no thread: read here */
	sess_lock(s);
	r = apply(s, b, log, changed, err);
	sess_unlock(s);
	batch_free(b);
	return r;
}

size_t live_poll_reading(const struct cmd_live *l, const char **path)
{
	size_t left = 0;

	*path = NULL;
	pthread_mutex_lock(&batch_lock);
	if (cur && cur->started && !atomic_load(&cur->done))
		for (size_t i = atomic_load(&cur->at); i < cur->n; i++) {
			const struct task *t = &cur->tasks[i];
			if (t->l != l || !t->nreads)
				continue;
			if (!left++)
				*path = t->path;
		}
	pthread_mutex_unlock(&batch_lock);
	return left;
}

int cmd_live_reading(void)
{
	int yes;

	pthread_mutex_lock(&batch_lock);
	yes = cur != NULL;
	pthread_mutex_unlock(&batch_lock);
	return yes;
}

/*
 * fitview.c - the interactive fit view (see fitview.h).
 *
 *   ┌ Fit h1 → flows ──────────┐┌ PDF flows of h1, live ───────────────┐
 *   │ y column   [flows]   (y) ││ data points, the current mixture and │
 *   │ uniforms U [ 2]    (u/U) ││ its components, redrawn every few    │
 *   │ ...                      ││ iterations while the fit runs        │
 *   │ ██████░░░░ 44/100        ││                                      │
 *   │ mixture JSON ...         ││                                      │
 *   └──────────────────────────┘└──────────────────────────────────────┘
 *
 * Threads: the worker owns its copy of the histogram and its mixture;
 * it publishes snapshots (and the final mixture) under f->mu and pokes
 * the wake-up pipe; the UI thread copies a snapshot under the same mutex
 * before drawing it.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/fit.h"
#include "flowmodels/gof.h"
#include "cmd/objtypes.h"
#include "fitview.h"
#include "refit.h"
#include "views.h"
#include "workbench.h"

#define SNAPSHOT_EVERY 8  /* iterations between snapshot checks */
#define SNAPSHOT_SECS 0.1 /* seconds between chart updates */

static const char *const y_names[3] = {"flows", "packets", "octets"};

/* The max Pareto weight settings (w/W cycle them; 0 = no cap). */
static const double mpw_steps[] = {0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5};
#define MPW_STEPS (sizeof(mpw_steps) / sizeof(mpw_steps[0]))

struct tui_fit;
static double mpw_of(const struct tui_fit *f);
static unsigned mpw_count(const struct tui_fit *f);

struct tui_fit {
	char hist[128];
	int y;
	unsigned U, L, P, iter;
	unsigned mpw;	  /* index into mpw_steps, or MPW_STEPS: mpw_extra */
	double mpw_extra; /* a cap from the command line (0: none) */
	int animate;
	/* the histogram (a copy: the object may be dropped meanwhile) */
	struct fm_histogram h;
	char xkind[16];
	/* the run */
	pthread_t thread;
	int started; /* a worker exists (not joined) */
	atomic_int cancel, done;
	atomic_uint at; /* iterations finished */
	pthread_mutex_t mu;
	struct fm_mixture snap; /* under mu */
	unsigned snap_iter;	/* under mu */
	int have_snap;		/* under mu */
	double snap_ks;		/* under mu: gof's ks of snap (NaN: none) */
	int status;		/* after done: 0, FM_ECANCEL or an error */
	char errmsg[FM_ERRMSG_MAX];
	double t0, secs;
	double last_snap; /* worker only */
	double *w;	  /* worker only: column y, for the quality */
	int wakefd;
	int finished_once; /* a fit completed (s can save it) */
	int typing;	   /* digits typed set the iterations */
};

/* The cap in use: a step, or the one the command line gave. */
static double mpw_of(const struct tui_fit *f)
{
	return f->mpw < MPW_STEPS ? mpw_steps[f->mpw] : f->mpw_extra;
}

/* How many caps w and W cycle through. */
static unsigned mpw_count(const struct tui_fit *f)
{
	return (unsigned)MPW_STEPS + (f->mpw_extra > 0);
}

static void wake(int fd)
{
	char c = 2;

	while (write(fd, &c, 1) < 0 && errno == EINTR)
		;
}

/* gof's ks of m against the fitted column (the snapshot's quality line). */
static double ks_of(const struct tui_fit *f, const struct fm_mixture *m)
{
	enum fm_mix_x xk =
	    !strcmp(f->xkind, "size") ||
		    (!f->xkind[0] && f->h.n && f->h.bin_lo[0] == 64)
		? FM_MIX_X_SIZE
		: FM_MIX_X_LENGTH;
	struct fm_gof g;

	if (fm_gof_histogram(m, xk, &f->h, (enum fm_hcol)f->y, &g, NULL) < 0)
		return NAN;
	return g.ks;
}

static int on_iteration(void *ctx, unsigned iter, const struct fm_mixture *m)
{
	struct tui_fit *f = ctx;

	double now;

	atomic_store(&f->at, iter);
	if (!f->animate)
		return atomic_load(&f->cancel);
	/* a snapshot every few iterations, at most every SNAPSHOT_SECS: the
	 * chart stays live without slowing the fit down */
	now = iter % SNAPSHOT_EVERY == 0 ? cmd_now() : 0;
	if ((now && now - f->last_snap >= SNAPSHOT_SECS) || iter == f->iter) {
		struct fm_mix_stats st = {0};

		f->last_snap = now;
		/* the log-likelihood of this snapshot (a pass over the bins,
		 * at most every SNAPSHOT_SECS) */
		double ks = NAN;
		if (f->w) {
			fm_fit_quality(m, f->h.bin_lo, f->h.bin_hi, f->w,
				       f->h.n, &st);
			ks = ks_of(f, m);
		}
		pthread_mutex_lock(&f->mu);
		if (fm_mixture_copy(&f->snap, m, NULL) == 0) {
			f->snap_iter = iter;
			f->snap.stats = st;
			f->snap_ks = ks;
			f->have_snap = 1;
		}
		pthread_mutex_unlock(&f->mu);
		wake(f->wakefd);
	}
	return atomic_load(&f->cancel);
}

static void *fit_main(void *arg)
{
	struct tui_fit *f = arg;
	struct fm_error err = {0};
	struct fm_fit_opts fo;
	struct fm_mixture m;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double ks;
	int r;

	fm_mixture_init(&m);
	/* the same start and options as the fit command */
	r = fm_fit_initial(&m, f->h.bin_lo[0], f->h.bin_lo[f->h.n - 1], f->U,
			   f->P, f->L, &err);
	if (r == 0) {
		memset(&fo, 0, sizeof(fo));
		fo.max_iter = f->iter;
		fo.max_pareto_w = mpw_of(f);
		if (f->animate) {
			f->w = malloc(f->h.n * sizeof(double));
			if (f->w &&
			    fm_histogram_column(&f->h, (enum fm_hcol)f->y, f->w,
						NULL) < 0) {
				free(f->w);
				f->w = NULL;
			}
		}
		fo.threads = ncpu > 1 ? (unsigned)(ncpu < 64 ? ncpu : 64) : 1;
		fo.on_iteration = on_iteration;
		fo.ctx = f;
		r = fm_fit_histogram(&m, &f->h, (enum fm_hcol)f->y, &fo, &err);
	}
	ks = r == 0 ? ks_of(f, &m) : NAN;
	pthread_mutex_lock(&f->mu);
	if (r == 0 && fm_mixture_copy(&f->snap, &m, NULL) == 0) {
		f->snap_iter = f->iter;
		f->snap_ks = ks;
		f->have_snap = 1;
	}
	f->status = r;
	snprintf(f->errmsg, sizeof(f->errmsg), "%s", err.msg);
	f->secs = cmd_now() - f->t0;
	pthread_mutex_unlock(&f->mu);
	fm_mixture_release(&m);
	free(f->w);
	f->w = NULL;
	atomic_store(&f->done, 1);
	wake(f->wakefd);
	return NULL;
}

static void join(struct tui_fit *f)
{
	if (f->started) {
		atomic_store(&f->cancel, 1);
		pthread_join(f->thread, NULL);
		f->started = 0;
	}
}

int tui_fit_running(const struct tui *t)
{
	return t->fit && t->fit->started && !atomic_load(&t->fit->done);
}

static int copy_hist(struct fm_histogram *dst, const struct fm_histogram *src)
{
	return fm_histogram_copy(dst, src, NULL) < 0 ? -1 : 0;
}

int tui_fit_open(struct tui *t, const char *name)
{
	struct tui_fit *f;
	struct sess_obj *o;
	int ok = 0;

	if (t->fit)
		tui_fit_close(t);
	f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->hist, sizeof(f->hist), "%s", name);
	f->U = 2;
	f->L = 3;
	f->P = 0;
	f->iter = 100;
	f->animate = 1;
	f->wakefd = t->wake[1];
	pthread_mutex_init(&f->mu, NULL);
	fm_mixture_init(&f->snap);
	sess_lock(t->sess);
	o = sess_find(t->sess, name);
	/* a mixture set: the fit view of the histogram it was fitted to */
	if (o && o->kind == SESS_TYPED && o->type == &cmd_mixture_type &&
	    o->origin && sess_holds(t->sess, o->origin)) {
		o = o->origin;
		snprintf(f->hist, sizeof(f->hist), "%s", o->name);
	}
	if (o && o->kind == SESS_TYPED && o->type == &cmd_histogram_type) {
		const struct fm_histogram *h = o->data;
		ok = h->n > 0 && copy_hist(&f->h, h) == 0;
		snprintf(f->xkind, sizeof(f->xkind), "%s", o->xkind);
	}
	sess_unlock(t->sess);
	if (!ok) {
		fm_histogram_release(&f->h);
		pthread_mutex_destroy(&f->mu);
		free(f);
		tui_log(t, ROLE_MSG_ERROR,
			"fit view: '%s' is not a histogram with bins "
			"(nor a mixture set fitted to one in the session)",
			name);
		return -1;
	}
	for (unsigned i = 0; i < t->nfit_memo && i < TUI_FIT_MEMOS; i++) {
		const struct tui_fit_memo *mm = &t->fit_memo[i];
		if (strcmp(mm->hist, f->hist))
			continue;
		f->y = mm->y;
		f->U = mm->U;
		f->L = mm->L;
		f->P = mm->P;
		f->iter = mm->iter;
		f->mpw = mm->mpw;
		f->mpw_extra = mm->mpw_extra;
	}
	t->fit = f;
	t->dirty = DIRTY_ALL;
	return 0;
}

int tui_fit_open_start(struct tui *t, const struct tui_fit_start *fs)
{
	struct tui_fit *f;

	if (tui_fit_open(t, fs->name) < 0)
		return -1;
	f = t->fit;
	f->y = fs->y;
	f->U = fs->U;
	f->L = fs->L;
	f->P = fs->P;
	f->iter = fs->iter;
	f->mpw = 0;
	f->mpw_extra = 0;
	for (unsigned i = 0; fs->mpw > 0 && i < MPW_STEPS; i++)
		if (mpw_steps[i] == fs->mpw)
			f->mpw = i;
	if (fs->mpw > 0 && !f->mpw) { /* not a step: a value of its own */
		f->mpw_extra = fs->mpw;
		f->mpw = MPW_STEPS;
	}
	return 0;
}

/* `fit --interactive`: s runs the batch fit on the file, writing Y.json
 * and Y.mode into the directory of the command line; the view stays. */
static void save_files(struct tui *t)
{
	const struct tui_fit *f = t->fit;
	struct fm_buf b = FM_BUF_INIT;

	fm_buf_addstr(&b, "fit ");
	tui_quote_word(&b, t->fit_start->path);
	fm_buf_printf(&b, " -y %s -i %u -U %u -L %u -P %u", y_names[f->y],
		      f->iter, f->U, f->L, f->P);
	if (mpw_of(f) > 0)
		fm_buf_printf(&b, " --mpw %.17g", mpw_of(f));
	fm_buf_addstr(&b, " -O ");
	tui_quote_word(&b, t->fit_start->dir);
	fm_buf_addstr(&b, "");
	tui_command(t, fm_buf_str(&b));
	fm_buf_release(&b);
}

/* Keep f's settings for its histogram (the oldest memo gives way). */
static void remember(struct tui *t, const struct tui_fit *f)
{
	struct tui_fit_memo *mm = NULL;
	unsigned n =
	    t->nfit_memo < TUI_FIT_MEMOS ? t->nfit_memo : TUI_FIT_MEMOS;

	for (unsigned i = 0; i < n && !mm; i++)
		if (!strcmp(t->fit_memo[i].hist, f->hist))
			mm = &t->fit_memo[i];
	if (!mm)
		mm = &t->fit_memo[t->nfit_memo++ % TUI_FIT_MEMOS];
	*mm = (struct tui_fit_memo){.y = f->y,
				    .U = f->U,
				    .L = f->L,
				    .P = f->P,
				    .iter = f->iter,
				    .mpw = f->mpw,
				    .mpw_extra = f->mpw_extra};
	snprintf(mm->hist, sizeof(mm->hist), "%s", f->hist);
}

void tui_fit_close(struct tui *t)
{
	struct tui_fit *f = t->fit;

	if (!f)
		return;
	join(f);
	remember(t, f);
	fm_mixture_release(&f->snap);
	fm_histogram_release(&f->h);
	pthread_mutex_destroy(&f->mu);
	free(f);
	t->fit = NULL;
	t->focus = FOCUS_PROMPT; /* back to typing commands */
	t->dirty = DIRTY_ALL;
}

static void start(struct tui *t)
{
	struct tui_fit *f = t->fit;

	if (tui_fit_running(t))
		return;
	join(f);
	if (f->U + f->L + f->P == 0) {
		tui_log(t, ROLE_MSG_ERROR,
			"fit view: no components (U, L and P are 0)");
		return;
	}
	pthread_mutex_lock(&f->mu);
	f->have_snap = 0;
	f->snap_iter = 0;
	f->snap_ks = NAN;
	f->status = 0;
	f->errmsg[0] = 0;
	pthread_mutex_unlock(&f->mu);
	atomic_store(&f->cancel, 0);
	atomic_store(&f->done, 0);
	atomic_store(&f->at, 0);
	f->finished_once = 0;
	f->t0 = cmd_now();
	f->last_snap = 0;
	if (pthread_create(&f->thread, NULL, fit_main, f) != 0) {
		tui_log(t, ROLE_MSG_ERROR, "fit view: cannot start a thread");
		return;
	}
	f->started = 1;
	t->dirty |= DIRTY_ALL;
}

void tui_fit_run(struct tui *t)
{
	if (t->fit)
		start(t);
}

int tui_fit_cancel(struct tui *t)
{
	if (!tui_fit_running(t))
		return 0;
	atomic_store(&t->fit->cancel, 1);
	return 1;
}

void tui_fit_poll(struct tui *t)
{
	struct tui_fit *f = t->fit;

	if (!f || !f->started)
		return;
	t->dirty |= DIRTY_OBJECTS | DIRTY_CHART;
	if (!atomic_load(&f->done))
		return;
	join(f);
	if (f->status == 0) {
		f->finished_once = 1;
		tui_log(t, ROLE_MSG_INFO,
			"fit view: %s of %s, %u iterations in %.3f s "
			"(s %s)",
			y_names[f->y], f->hist, f->iter, f->secs,
			t->fit_start ? "writes its .json and .mode"
				     : "saves it as a mixture set");
	} else if (f->status == FM_ECANCEL) {
		tui_log(t, ROLE_MSG_WARN,
			"fit view: cancelled after %u iterations",
			atomic_load(&f->at));
	} else {
		tui_log(t, ROLE_MSG_ERROR, "fit view: %s", f->errmsg);
	}
}

/* The first free automatic mixture name m1, m2... (lock held) */
static void free_name(struct tui *t, char *buf, size_t size)
{
	for (int k = 1;; k++) {
		snprintf(buf, size, "m%d", k);
		if (!sess_find(t->sess, buf))
			break;
	}
}

/* The newest mixture set made from the histogram being fitted, which s
 * adds the y to (flows + packets + octets in one set, as generate needs);
 * "" when there is none (lock held). */
static void own_set(struct tui *t, char *buf, size_t size)
{
	const struct sess_obj *m = tui_refit_set(t->sess, t->fit->hist);

	snprintf(buf, size, "%s", m ? m->name : "");
}

/* s: into the set made from this histogram (or a new one); S: a new set. */
static void save(struct tui *t, int new_set)
{
	struct tui_fit *f = t->fit;
	char name[128], line[512];

	if (!f->finished_once) {
		tui_log(t, ROLE_MSG_WARN,
			"fit view: run the fit (Enter) before saving");
		return;
	}
	if (t->fit_start) {
		save_files(t);
		return;
	}
	sess_lock(t->sess);
	if (new_set)
		name[0] = 0;
	else
		own_set(t, name, sizeof(name));
	if (!name[0])
		free_name(t, name, sizeof(name));
	sess_unlock(t->sess);
	if (f->mpw)
		snprintf(line, sizeof(line),
			 "fit %s -y %s -i %u -U %u -L %u -P %u --mpw %g as %s",
			 f->hist, y_names[f->y], f->iter, f->U, f->L, f->P,
			 mpw_of(f), name);
	else
		snprintf(line, sizeof(line),
			 "fit %s -y %s -i %u -U %u -L %u -P %u as %s", f->hist,
			 y_names[f->y], f->iter, f->U, f->L, f->P, name);
	tui_fit_close(t);
	tui_command(t, line);
}

/* Say what a settings key changed: typed words must not change settings
 * silently. */
static void announce(struct tui *t, int ch)
{
	const struct tui_fit *f = t->fit;

	switch (ch) {
	case 'y':
		tui_log(t, ROLE_PANEL_DIM, "fit view: y %s", y_names[f->y]);
		break;
	case 'u':
	case 'U':
		tui_log(t, ROLE_PANEL_DIM, "fit view: uniforms U %u", f->U);
		break;
	case 'l':
	case 'L':
		tui_log(t, ROLE_PANEL_DIM, "fit view: lognormals L %u", f->L);
		break;
	case 'p':
	case 'P':
		tui_log(t, ROLE_PANEL_DIM, "fit view: Paretos P %u", f->P);
		break;
	case 'i':
	case 'I':
		tui_log(t, ROLE_PANEL_DIM, "fit view: iterations %u", f->iter);
		break;
	case 'w':
	case 'W':
		tui_log(t, ROLE_PANEL_DIM, "fit view: max Pareto weight %g",
			mpw_of(f));
		break;
	}
}

int tui_fit_key(struct tui *t, int ch)
{
	struct tui_fit *f = t->fit;
	int running = tui_fit_running(t), typing;

	if (!f)
		return 0;
	if (ch == 27) { /* Esc: cancel, then close (fit --interactive: quit) */
		if (running) {
			tui_fit_cancel(t);
		} else {
			tui_fit_close(t);
			if (t->fit_start)
				tui_request_quit(t);
		}
		return 1;
	}
	if (running) /* settings are fixed meanwhile */
		return 1;
	typing = f->typing;
	f->typing = 0;
	if (ch >= '0' && ch <= '9') { /* the iterations, typed */
		unsigned d = (unsigned)(ch - '0');
		f->iter = typing && f->iter < 10000000 ? f->iter * 10 + d : d;
		f->typing = 1;
		f->finished_once = 0;
		t->dirty = DIRTY_ALL;
		return 1;
	}
	if (typing && (ch == KEY_BACKSPACE || ch == 127 || ch == 8)) {
		f->iter /= 10;
		f->typing = 1;
		t->dirty = DIRTY_ALL;
		return 1;
	}
	if (typing && f->iter == 0)
		f->iter = 1;
	switch (ch) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		start(t);
		break;
	case 'y':
		f->y = (f->y + 1) % 3;
		break;
	case 'u':
		if (f->U)
			f->U--;
		break;
	case 'U':
		if (f->U < 50)
			f->U++;
		break;
	case 'l':
		if (f->L)
			f->L--;
		break;
	case 'L':
		if (f->L < 50)
			f->L++;
		break;
	case 'p':
		if (f->P)
			f->P--;
		break;
	case 'P':
		if (f->P < 50)
			f->P++;
		break;
	case 'i':
		f->iter = f->iter > 1 ? f->iter / 2 : 1;
		break;
	case 'I':
		f->iter = f->iter < 1000000 ? f->iter * 2 : f->iter;
		break;
	case 'a':
		f->animate = !f->animate;
		break;
	case 'w':
		f->mpw = (f->mpw + 1) % mpw_count(f);
		break;
	case 'W':
		f->mpw = (f->mpw + mpw_count(f) - 1) % mpw_count(f);
		break;
	case 's':
		save(t, 0);
		return 1;
	case 'S':
		save(t, 1);
		return 1;
	case 'r': { /* re-fit the saved set from its mixture (warm start) */
		char hist[sizeof(f->hist)];
		int y = f->y;
		snprintf(hist, sizeof(hist), "%s", f->hist);
		tui_fit_close(t);
		tui_refit(t, hist, y);
		return 1;
	}
	default:
		if (ch >= ' ' && ch < 127)
			tui_log(t, ROLE_MSG_WARN,
				"fit view: '%c' is no key of the fit "
				"view (F1 lists them); Esc closes it to type "
				"commands",
				ch);
		t->dirty = DIRTY_ALL;
		return 0;
	}
	announce(t, ch);
	if (t->fit) {
		t->fit->finished_once = ch == 'a' ? t->fit->finished_once : 0;
		t->dirty = DIRTY_ALL;
	}
	return 1;
}

/* ---- drawing ---- */

static void text_lines(struct tui *t, WINDOW *w, int *row, int role,
		       const char *s, int draw);

static void line_at(struct tui *t, WINDOW *w, int y, int role, const char *s)
{
	if (y <= 0 || y >= getmaxy(w) - 1)
		return;
	tui_putn(t, w, y, 2, role, s, getmaxx(w) - 4);
}

/*
 * ASCII text s from row *row on, wrapped at blanks to the panel width
 * (continuation lines indented by two); a word wider than the panel is
 * cut with an ellipsis, so no number is ever shown cut as if whole.
 */
static void text_at(struct tui *t, WINDOW *w, int *row, int role, const char *s)
{
	text_lines(t, w, row, role, s, 1);
}

/* text_at, or (draw 0) only the count of rows it takes into *row. */
static void text_lines(struct tui *t, WINDOW *w, int *row, int role,
		       const char *s, int draw)
{
	int width = getmaxx(w) - 4, indent = 0;
	char buf[512];

	if (width < 8)
		return;
	while (*s && (!draw || *row < getmaxy(w) - 1)) {
		int room = width - indent, len = (int)strlen(s), cut;

		if (len <= room) {
			snprintf(buf, sizeof(buf), "%*s%s", indent, "", s);
			if (draw)
				line_at(t, w, *row, role, buf);
			(*row)++;
			return;
		}
		for (cut = room; cut > 0 && s[cut] != ' '; cut--)
			;
		if (cut > 0) {
			snprintf(buf, sizeof(buf), "%*s%.*s", indent, "", cut,
				 s);
			s += cut + 1;
		} else { /* one word wider than the panel */
			snprintf(buf, sizeof(buf), "%*s%.*s%s", indent, "",
				 room - 1, s, t->utf8 ? "\xe2\x80\xa6" : "~");
			s += strcspn(s, " ");
			s += *s == ' ';
		}
		if (draw)
			line_at(t, w, *row, role, buf);
		(*row)++;
		indent = 2;
	}
}

/* The settings lines: value and keys (short enough for 30 columns). */
static void draw_settings(struct tui *t, WINDOW *w, int *row)
{
	struct tui_fit *f = t->fit;
	char buf[160];

	if (getmaxy(w) < 30) { /* a short terminal: two settings a line */
		snprintf(buf, sizeof(buf), "y [%s] (y)  animate [%s] (a)",
			 y_names[f->y], f->animate ? "x" : " ");
		text_at(t, w, row, ROLE_PANEL_TEXT, buf);
		snprintf(buf, sizeof(buf), "U [%2u] (u/U)  L [%2u] (l/L)", f->U,
			 f->L);
		text_at(t, w, row, ROLE_PANEL_TEXT, buf);
		if (f->mpw)
			snprintf(buf, sizeof(buf),
				 "P [%2u] (p/P)  Pareto w [%g] (w/W)", f->P,
				 mpw_of(f));
		else
			snprintf(buf, sizeof(buf),
				 "P [%2u] (p/P)  Pareto w [none] (w/W)", f->P);
		text_at(t, w, row, ROLE_PANEL_TEXT, buf);
		snprintf(buf, sizeof(buf), "iterations [%u%s] (i/I/0-9)",
			 f->iter, f->typing ? "_" : "");
		text_at(t, w, row, ROLE_PANEL_TEXT, buf);
		return;
	}
	snprintf(buf, sizeof(buf), "y column     [%s]  (y)", y_names[f->y]);
	text_at(t, w, row, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "uniforms   U [%2u]  (u/U)", f->U);
	text_at(t, w, row, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "lognormals L [%2u]  (l/L)", f->L);
	text_at(t, w, row, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "Paretos    P [%2u]  (p/P)", f->P);
	text_at(t, w, row, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "iterations   [%u%s]  (i/I/0-9)", f->iter,
		 f->typing ? "_" : "");
	text_at(t, w, row, ROLE_PANEL_TEXT, buf);
	if (f->mpw)
		snprintf(buf, sizeof(buf), "max Pareto weight [%g]  (w/W)",
			 mpw_of(f));
	else
		snprintf(buf, sizeof(buf), "max Pareto weight [none]  (w/W)");
	text_at(t, w, row, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "animate      [%s]  (a)",
		 f->animate ? "x" : " ");
	text_at(t, w, row, ROLE_PANEL_TEXT, buf);
}

/* The progress bar, as wide as the panel leaves beside the count. */
static void draw_progress(struct tui *t, WINDOW *w, int *row, unsigned at,
			  int running)
{
	struct tui_fit *f = t->fit;
	char count[64], bar[200], buf[300];
	int width, filled;
	size_t o = 0;

	snprintf(count, sizeof(count), " %u/%u%s", at, f->iter,
		 running	    ? ""
		 : f->finished_once ? "  done"
				    : "");
	width = getmaxx(w) - 4 - (int)strlen(count);
	if (width > 40)
		width = 40;
	if (width < 4) { /* no room for a bar: the count alone */
		text_at(t, w, row, ROLE_STATUS_PROGRESS, count + 1);
		return;
	}
	filled = f->iter ? (int)((double)at / f->iter * width + 0.5) : 0;
	for (int i = 0; i < width && o + 4 < sizeof(bar); i++) {
		const char *g = i < filled ? (t->utf8 ? "\xe2\x96\x88" : "#")
					   : (t->utf8 ? "\xe2\x96\x91" : ".");
		memcpy(bar + o, g, strlen(g));
		o += strlen(g);
	}
	bar[o] = 0;
	snprintf(buf, sizeof(buf), "%s%s", bar, count);
	line_at(t, w, (*row)++, ROLE_STATUS_PROGRESS, buf);
}

/* The mixture's JSON, component by component, wrapped to the panel. */
static void draw_mixture(struct tui *t, WINDOW *w, int *row,
			 const struct fm_mixture *m, unsigned snap_iter)
{
	struct fm_buf j = FM_BUF_INIT;
	char buf[512];

	snprintf(buf, sizeof(buf), "mixture at iteration %u:", snap_iter);
	text_at(t, w, row, ROLE_PANEL_TITLE, buf);
	if (fm_mixture_format(m, &j, NULL) == 0) {
		fm_buf_addstr(&j, "");
		size_t shown = 0, total = 0;
		for (const char *p = fm_buf_str(&j); *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			int need = *row;
			snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
			p += len + (nl ? 1 : 0);
			/* the JSON's frame lines ({, "mix": [, ], }) would
			 * cost the rows of components */
			if (strspn(buf, " {}[],") == strlen(buf) ||
			    !strncmp(buf + strspn(buf, " "), "\"mix\"", 5))
				continue;
			total++;
			/* a component whole or not at all; the last row says
			 * how many did not fit */
			text_lines(t, w, &need, ROLE_PANEL_TEXT,
				   buf + strspn(buf, " "), 0);
			if (shown + 1 == total && need < getmaxy(w) - 2) {
				text_at(t, w, row, ROLE_PANEL_TEXT,
					buf + strspn(buf, " "));
				shown++;
			}
		}
		if (shown < total) {
			snprintf(buf, sizeof(buf),
				 "(%zu more lines of the mixture: a "
				 "taller terminal shows them)",
				 total - shown);
			text_at(t, w, row, ROLE_PANEL_DIM, buf);
		}
	}
	fm_buf_release(&j);
}

void tui_fit_draw(struct tui *t, WINDOW *left, WINDOW *right)
{
	struct tui_fit *f = t->fit;
	struct fm_mixture m;
	const struct fm_mixture *mix[3] = {NULL, NULL, NULL};
	unsigned at = atomic_load(&f->at), snap_iter = 0;
	int running = tui_fit_running(t), have;
	double ks;
	char buf[512], title[160], set[128];
	struct tui_view v;
	int row = 1;

	fm_mixture_init(&m);
	pthread_mutex_lock(&f->mu);
	have = f->have_snap && fm_mixture_copy(&m, &f->snap, NULL) == 0;
	snap_iter = f->snap_iter;
	ks = f->snap_ks;
	pthread_mutex_unlock(&f->mu);
	sess_lock(t->sess);
	own_set(t, set, sizeof(set));
	sess_unlock(t->sess);

	/* left: settings, progress, the mixture; the panel with the keys */
	wbkgdset(left, ' ' | t->attr[ROLE_PANEL_TEXT]);
	werase(left);
	wattrset(left, t->attr[ROLE_PANEL_FOCUS]);
	wborder_set(left, WACS_D_VLINE, WACS_D_VLINE, WACS_D_HLINE,
		    WACS_D_HLINE, WACS_D_ULCORNER, WACS_D_URCORNER,
		    WACS_D_LLCORNER, WACS_D_LRCORNER);
	snprintf(title, sizeof(title), " Fit %s -> %s (keys) ", f->hist,
		 y_names[f->y]);
	mvwaddnstr(left, 0, 2, title, getmaxx(left) - 4);
	draw_settings(t, left, &row);
	row += getmaxy(left) >= 30;
	draw_progress(t, left, &row, at, running);
	if (!running && f->finished_once && have) {
		snprintf(buf, sizeof(buf), "log-likelihood %.6f",
			 m.stats.loglik);
		text_at(t, left, &row, ROLE_PANEL_TEXT, buf);
		snprintf(buf, sizeof(buf), "AIC %.6f", m.stats.aic);
		text_at(t, left, &row, ROLE_PANEL_TEXT, buf);
		snprintf(buf, sizeof(buf), "BIC %.6f  ks %.4g", m.stats.bic,
			 ks);
		text_at(t, left, &row, ROLE_PANEL_TEXT, buf);
	} else if (running && have && m.stats.valid) {
		/* the snapshot's, while the fit runs */
		snprintf(buf, sizeof(buf), "log-likelihood %.6f at %u",
			 m.stats.loglik, snap_iter);
		text_at(t, left, &row, ROLE_PANEL_TEXT, buf);
		snprintf(buf, sizeof(buf), "BIC %.6f  ks %.4g", m.stats.bic,
			 ks);
		text_at(t, left, &row, ROLE_PANEL_TEXT, buf);
	}
	if (running) {
		text_at(t, left, &row, ROLE_PANEL_DIM, "[Esc] cancel");
	} else {
		text_at(t, left, &row, ROLE_PANEL_DIM,
			t->fit_start ? "[Enter] fit  [s] save  [Esc] quit"
				     : "[Enter] fit  [s] save  [Esc] close");
		if (t->fit_start)
			snprintf(buf, sizeof(buf),
				 "s writes %s.json and %s.mode into %s",
				 y_names[f->y], y_names[f->y],
				 t->fit_start->dir);
		else
			snprintf(buf, sizeof(buf),
				 "s adds %s to %s; S makes a new set",
				 y_names[f->y], set[0] ? set : "a new set");
		text_at(t, left, &row, ROLE_PANEL_DIM, buf);
	}
	row += getmaxy(left) >= 30;
	if (have)
		draw_mixture(t, left, &row, &m, snap_iter);
	wnoutrefresh(left);

	/* right: the data and the current mixture */
	wbkgdset(right, ' ' | t->attr[ROLE_PANEL_TEXT]);
	werase(right);
	wattrset(right, t->attr[ROLE_PANEL_BORDER]);
	box(right, 0, 0);
	snprintf(title, sizeof(title), " PDF %s of %s%s ", y_names[f->y],
		 f->hist, running ? ", live" : "");
	wattrset(right, t->attr[ROLE_PANEL_TITLE]);
	mvwaddnstr(right, 0, 2, title, getmaxx(right) - 4);
	if (have)
		mix[f->y] = &m;
	if (tui_view_histogram(&v, f->y, &f->h, f->xkind[0] ? f->xkind : NULL,
			       mix, "fit") == 0) {
		struct chart_canvas cv;
		if (!v.note && chart_canvas_init(&cv, getmaxx(right) - 2,
						 getmaxy(right) - 2) == 0) {
			chart_render(&v.chart, t->charset, &cv);
			for (int r = 0; r < cv.h; r++)
				for (int c = 0; c < cv.w; c++) {
					const struct chart_cell *cell =
					    &cv.cells[(size_t)r * (size_t)cv.w +
						      (size_t)c];
					wattrset(right, t->attr[cell->role]);
					mvwaddstr(right, 1 + r, 1 + c,
						  cell->ch);
				}
			chart_canvas_release(&cv);
		}
		tui_view_release(&v);
	}
	wnoutrefresh(right);
	fm_mixture_release(&m);
}

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
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/fit.h"
#include "cmd/objtypes.h"
#include "fitview.h"
#include "views.h"
#include "workbench.h"

#define SNAPSHOT_EVERY 8      /* iterations between snapshot checks */
#define SNAPSHOT_SECS 0.1     /* seconds between chart updates */

static const char *const y_names[3] = { "flows", "packets", "octets" };

/* The max Pareto weight settings (w/W cycle them; 0 = no cap). */
static const double mpw_steps[] = { 0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5 };
#define MPW_STEPS (sizeof(mpw_steps) / sizeof(mpw_steps[0]))

struct tui_fit {
	char hist[128];
	int y;
	unsigned U, L, P, iter;
	unsigned mpw;         /* index into mpw_steps */
	int animate;
	/* the histogram (a copy: the object may be dropped meanwhile) */
	struct fm_histogram h;
	char xkind[16];
	/* the run */
	pthread_t thread;
	int started;          /* a worker exists (not joined) */
	atomic_int cancel, done;
	atomic_uint at;       /* iterations finished */
	pthread_mutex_t mu;
	struct fm_mixture snap;   /* under mu */
	unsigned snap_iter;       /* under mu */
	int have_snap;            /* under mu */
	int status;               /* after done: 0, FM_ECANCEL or an error */
	char errmsg[FM_ERRMSG_MAX];
	double t0, secs;
	double last_snap;         /* worker only */
	double *w;                /* worker only: column y, for the quality */
	int wakefd;
	int finished_once;        /* a fit completed (s can save it) */
};

static void wake(int fd)
{
	char c = 2;

	while (write(fd, &c, 1) < 0 && errno == EINTR)
		;
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
		struct fm_mix_stats st = { 0 };

		f->last_snap = now;
		/* the log-likelihood of this snapshot (a pass over the bins,
		 * at most every SNAPSHOT_SECS) */
		if (f->w)
			fm_fit_quality(m, f->h.bin_lo, f->h.bin_hi, f->w, f->h.n, &st);
		pthread_mutex_lock(&f->mu);
		if (fm_mixture_copy(&f->snap, m, NULL) == 0) {
			f->snap_iter = iter;
			f->snap.stats = st;
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
	struct fm_error err = { 0 };
	struct fm_fit_opts fo;
	struct fm_mixture m;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int r;

	fm_mixture_init(&m);
	/* the same start and options as the fit command */
	r = fm_fit_initial(&m, f->h.bin_lo[0], f->h.bin_lo[f->h.n - 1], f->U, f->P,
			   f->L, &err);
	if (r == 0) {
		memset(&fo, 0, sizeof(fo));
		fo.max_iter = f->iter;
		fo.max_pareto_w = mpw_steps[f->mpw];
		if (f->animate) {
			f->w = malloc(f->h.n * sizeof(double));
			if (f->w && fm_histogram_column(&f->h, (enum fm_hcol)f->y,
							f->w, NULL) < 0) {
				free(f->w);
				f->w = NULL;
			}
		}
		fo.threads = ncpu > 1 ? (unsigned)(ncpu < 64 ? ncpu : 64) : 1;
		fo.on_iteration = on_iteration;
		fo.ctx = f;
		r = fm_fit_histogram(&m, &f->h, (enum fm_hcol)f->y, &fo, &err);
	}
	pthread_mutex_lock(&f->mu);
	if (r == 0 && fm_mixture_copy(&f->snap, &m, NULL) == 0) {
		f->snap_iter = f->iter;
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
	enum fm_hcol cols[FM_HCOL_COUNT];

	for (size_t i = 0; i < src->ncols; i++)
		cols[i] = src->order[i];
	fm_histogram_init(dst);
	if (fm_histogram_setup(dst, cols, src->ncols, NULL) < 0 ||
	    fm_histogram_resize(dst, src->n, NULL) < 0)
		return -1;
	memcpy(dst->bin_lo, src->bin_lo, src->n * sizeof(int64_t));
	memcpy(dst->bin_hi, src->bin_hi, src->n * sizeof(int64_t));
#define COPY(c) if (src->c && dst->c) memcpy(dst->c, src->c, src->n * sizeof(*src->c))
	COPY(flows);
	COPY(packets);
	COPY(octets);
	COPY(duration);
	COPY(rate);
	COPY(aggs);
#undef COPY
	return 0;
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
		tui_log(t, ROLE_MSG_ERROR, "fit view: '%s' is not a histogram with bins", name);
		return -1;
	}
	t->fit = f;
	t->dirty = DIRTY_ALL;
	return 0;
}

void tui_fit_close(struct tui *t)
{
	struct tui_fit *f = t->fit;

	if (!f)
		return;
	join(f);
	fm_mixture_release(&f->snap);
	fm_histogram_release(&f->h);
	pthread_mutex_destroy(&f->mu);
	free(f);
	t->fit = NULL;
	t->focus = FOCUS_PROMPT;      /* back to typing commands */
	t->dirty = DIRTY_ALL;
}

static void start(struct tui *t)
{
	struct tui_fit *f = t->fit;

	if (tui_fit_running(t))
		return;
	join(f);
	if (f->U + f->L + f->P == 0) {
		tui_log(t, ROLE_MSG_ERROR, "fit view: no components (U, L and P are 0)");
		return;
	}
	pthread_mutex_lock(&f->mu);
	f->have_snap = 0;
	f->snap_iter = 0;
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
		tui_log(t, ROLE_MSG_INFO, "fit view: %s of %s, %u iterations in %.3f s "
			"(s saves it as a mixture set)", y_names[f->y], f->hist, f->iter,
			f->secs);
	} else if (f->status == FM_ECANCEL) {
		tui_log(t, ROLE_MSG_WARN, "fit view: cancelled after %u iterations",
			atomic_load(&f->at));
	} else {
		tui_log(t, ROLE_MSG_ERROR, "fit view: %s", f->errmsg);
	}
}

/* The first free automatic mixture name m1, m2... */
static void free_name(struct tui *t, char *buf, size_t size)
{
	sess_lock(t->sess);
	for (int k = 1;; k++) {
		snprintf(buf, size, "m%d", k);
		if (!sess_find(t->sess, buf))
			break;
	}
	sess_unlock(t->sess);
}

static void save(struct tui *t)
{
	struct tui_fit *f = t->fit;
	char name[32], line[512];

	if (!f->finished_once) {
		tui_log(t, ROLE_MSG_WARN, "fit view: run the fit (Enter) before saving");
		return;
	}
	free_name(t, name, sizeof(name));
	if (f->mpw)
		snprintf(line, sizeof(line), "fit %s -y %s -i %u -U %u -L %u -P %u --mpw %g as %s",
			 f->hist, y_names[f->y], f->iter, f->U, f->L, f->P,
			 mpw_steps[f->mpw], name);
	else
		snprintf(line, sizeof(line), "fit %s -y %s -i %u -U %u -L %u -P %u as %s",
			 f->hist, y_names[f->y], f->iter, f->U, f->L, f->P, name);
	tui_fit_close(t);
	tui_command(t, line);
}

int tui_fit_key(struct tui *t, int ch)
{
	struct tui_fit *f = t->fit;
	int running = tui_fit_running(t);

	if (!f)
		return 0;
	if (ch == 27) {                      /* Esc: cancel, then close */
		if (running)
			tui_fit_cancel(t);
		else
			tui_fit_close(t);
		return 1;
	}
	if (running)                          /* settings are fixed meanwhile */
		return ch == '\r' || ch == '\n' || ch == 'y' || ch == 'u' ||
		       ch == 'U' || ch == 'l' || ch == 'L' || ch == 'p' ||
		       ch == 'P' || ch == 'i' || ch == 'I' || ch == 'a' || ch == 's' ||
		       ch == 'w' || ch == 'W';
	switch (ch) {
	case '\r': case '\n': case KEY_ENTER: start(t); break;
	case 'y': f->y = (f->y + 1) % 3; break;
	case 'u': if (f->U) f->U--; break;
	case 'U': if (f->U < 50) f->U++; break;
	case 'l': if (f->L) f->L--; break;
	case 'L': if (f->L < 50) f->L++; break;
	case 'p': if (f->P) f->P--; break;
	case 'P': if (f->P < 50) f->P++; break;
	case 'i': f->iter = f->iter > 1 ? f->iter / 2 : 1; break;
	case 'I': f->iter = f->iter < 1000000 ? f->iter * 2 : f->iter; break;
	case 'a': f->animate = !f->animate; break;
	case 'w': f->mpw = (f->mpw + 1) % (unsigned)MPW_STEPS; break;
	case 'W': f->mpw = (f->mpw + (unsigned)MPW_STEPS - 1) % (unsigned)MPW_STEPS; break;
	case 's': save(t); return 1;
	default: return 0;
	}
	if (t->fit) {
		t->fit->finished_once = ch == 'a' ? t->fit->finished_once : 0;
		t->dirty = DIRTY_ALL;
	}
	return 1;
}

/* ---- drawing ---- */

static void line_at(struct tui *t, WINDOW *w, int y, int role, const char *s)
{
	if (y <= 0 || y >= getmaxy(w) - 1)
		return;
	tui_putn(t, w, y, 2, role, s, getmaxx(w) - 4);
}

void tui_fit_draw(struct tui *t, WINDOW *left, WINDOW *right)
{
	struct tui_fit *f = t->fit;
	struct fm_mixture m;
	const struct fm_mixture *mix[3] = { NULL, NULL, NULL };
	unsigned at = atomic_load(&f->at), snap_iter = 0;
	int running = tui_fit_running(t), have;
	char buf[512], title[160];
	struct tui_view v;
	int row = 1;

	fm_mixture_init(&m);
	pthread_mutex_lock(&f->mu);
	have = f->have_snap && fm_mixture_copy(&m, &f->snap, NULL) == 0;
	snap_iter = f->snap_iter;
	pthread_mutex_unlock(&f->mu);

	/* left: settings, progress, the mixture */
	wbkgdset(left, ' ' | t->attr[ROLE_PANEL_TEXT]);
	werase(left);
	wattrset(left, t->attr[ROLE_PANEL_FOCUS]);
	wborder_set(left, WACS_D_VLINE, WACS_D_VLINE, WACS_D_HLINE, WACS_D_HLINE,
		    WACS_D_ULCORNER, WACS_D_URCORNER, WACS_D_LLCORNER, WACS_D_LRCORNER);
	snprintf(title, sizeof(title), " Fit %s -> %s ", f->hist, y_names[f->y]);
	mvwaddnstr(left, 0, 2, title, getmaxx(left) - 4);
	snprintf(buf, sizeof(buf), "y column      [%s]  (y)", y_names[f->y]);
	line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "uniforms   U  [%2u]  (u/U)", f->U);
	line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "lognormals L  [%2u]  (l/L)", f->L);
	line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "Paretos    P  [%2u]  (p/P)", f->P);
	line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "iterations    [%u]  (i/I: halve/double)", f->iter);
	line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	if (f->mpw)
		snprintf(buf, sizeof(buf), "max Pareto weight [%g]  (w/W)", mpw_steps[f->mpw]);
	else
		snprintf(buf, sizeof(buf), "max Pareto weight [none]  (w/W)");
	line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	snprintf(buf, sizeof(buf), "animate       [%s]  (a)", f->animate ? "x" : " ");
	line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	row++;
	{
		int width = getmaxx(left) - 20, filled;
		size_t o = 0;
		char bar[160];

		if (width > 40)
			width = 40;
		if (width < 4)
			width = 4;
		filled = f->iter ? (int)((double)at / f->iter * width + 0.5) : 0;
		for (int i = 0; i < width && o + 4 < sizeof(bar); i++) {
			const char *g = i < filled ? (t->utf8 ? "\xe2\x96\x88" : "#") :
					(t->utf8 ? "\xe2\x96\x91" : ".");
			memcpy(bar + o, g, strlen(g));
			o += strlen(g);
		}
		bar[o] = 0;
		snprintf(buf, sizeof(buf), "%s %u/%u%s", bar, at, f->iter,
			 running ? "" : f->finished_once ? "  done" : "");
		line_at(t, left, row++, ROLE_STATUS_PROGRESS, buf);
	}
	if (!running && f->finished_once && have) {
		snprintf(buf, sizeof(buf), "log-likelihood %.6f, AIC %.6f",
			 m.stats.loglik, m.stats.aic);
		line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	} else if (running && have && m.stats.valid) {
		/* the snapshot's, while the fit runs */
		snprintf(buf, sizeof(buf), "log-likelihood %.6f at %u",
			 m.stats.loglik, snap_iter);
		line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
	}
	line_at(t, left, row++, ROLE_PANEL_DIM, running ?
		"[Esc] cancel" : "[Enter] fit  [s] save  [Esc] close");
	row++;
	if (have) {
		struct fm_buf j = FM_BUF_INIT;

		snprintf(buf, sizeof(buf), "mixture at iteration %u:", snap_iter);
		line_at(t, left, row++, ROLE_PANEL_TITLE, buf);
		if (fm_mixture_format(&m, &j, NULL) == 0) {
			fm_buf_addstr(&j, "");
			for (const char *p = fm_buf_str(&j); *p && row < getmaxy(left) - 1;) {
				const char *nl = strchr(p, '\n');
				size_t len = nl ? (size_t)(nl - p) : strlen(p);
				snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
				p += len + (nl ? 1 : 0);
				/* the JSON's frame lines ({, "mix": [, ], })
				 * would cost the rows of components */
				if (strspn(buf, " {}[],") == strlen(buf) ||
				    !strncmp(buf + strspn(buf, " "), "\"mix\"", 5))
					continue;
				line_at(t, left, row++, ROLE_PANEL_TEXT, buf);
			}
		}
		fm_buf_release(&j);
	}
	wnoutrefresh(left);

	/* right: the data and the current mixture */
	wbkgdset(right, ' ' | t->attr[ROLE_PANEL_TEXT]);
	werase(right);
	wattrset(right, t->attr[ROLE_PANEL_BORDER]);
	box(right, 0, 0);
	snprintf(title, sizeof(title), " PDF %s of %s%s ", y_names[f->y], f->hist,
		 running ? ", live" : "");
	wattrset(right, t->attr[ROLE_PANEL_TITLE]);
	mvwaddnstr(right, 0, 2, title, getmaxx(right) - 4);
	if (have)
		mix[f->y] = &m;
	if (tui_view_histogram(&v, f->y, &f->h, f->xkind[0] ? f->xkind : NULL, mix,
			       "fit") == 0) {
		struct chart_canvas cv;
		if (!v.note && chart_canvas_init(&cv, getmaxx(right) - 2,
						 getmaxy(right) - 2) == 0) {
			chart_render(&v.chart, t->charset, &cv);
			for (int r = 0; r < cv.h; r++)
				for (int c = 0; c < cv.w; c++) {
					const struct chart_cell *cell =
						&cv.cells[(size_t)r * (size_t)cv.w + (size_t)c];
					wattrset(right, t->attr[cell->role]);
					mvwaddstr(right, 1 + r, 1 + c, cell->ch);
				}
			chart_canvas_release(&cv);
		}
		tui_view_release(&v);
	}
	wnoutrefresh(right);
	fm_mixture_release(&m);
}

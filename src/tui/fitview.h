/*
 * fitview.h - the interactive fit (key f on a histogram): the reference's
 * `fit --interactive`, in the terminal.
 *
 * The view holds the fit's settings (y column, U/L/P counts, iterations,
 * animation), runs the EM fit of the library (fm_fit_initial +
 * fm_fit_histogram, exactly as the fit command does) on a worker thread
 * over a copy of the histogram, and, when animating, takes a snapshot of
 * the mixture every few iterations for the chart and the JSON.  Saving
 * runs the equivalent `fit` command in the session (same numbers, and the
 * session records it).
 */
#ifndef FM_TUI_FITVIEW_H
#define FM_TUI_FITVIEW_H

#include <curses.h>

struct tui;
struct tui_fit;

/* The fit view's settings, remembered per histogram (by name). */
struct tui_fit_memo {
	char hist[128];
	int y;
	unsigned U, L, P, iter, mpw;
	double mpw_extra; /* a cap given on the command line (mpw indexes it) */
};
#define TUI_FIT_MEMOS 16

/*
 * `flowmodels fit --interactive HIST` (fit-interactive.c): the workbench
 * opens on the fit view of HIST with the command line's presets; s
 * writes Y.json and Y.mode into dir by the batch fit on HIST (the same
 * files, recorded in the session); closing the view quits.
 */
struct tui_fit_start {
	const char *path; /* the histogram file, as given */
	const char *dir;  /* where s saves them */
	char name[64];	  /* its object in the session */
	int y;		  /* 0 flows, 1 packets, 2 octets */
	unsigned U, L, P, iter;
	double mpw; /* 0 = no cap */
};

/* Open the fit view on histogram object name (hold no lock). */
int tui_fit_open(struct tui *t, const char *name);
/* The same with the settings of fs (t->fit_start). */
int tui_fit_open_start(struct tui *t, const struct tui_fit_start *fs);
/* Run the fit with the view's settings (as Enter in the view does). */
void tui_fit_run(struct tui *t);
/* Close (cancelling a running fit and waiting for it). */
void tui_fit_close(struct tui *t);
/* A key for the open view; 1 when used. */
int tui_fit_key(struct tui *t, int ch);
/* Cancel a running fit (Ctrl-C); 1 when there was one. */
int tui_fit_cancel(struct tui *t);
/* Draw the view over the objects and chart panels. */
void tui_fit_draw(struct tui *t, WINDOW *left, WINDOW *right);
/* The wake-up pipe fired: pick up snapshots and the end of the fit. */
void tui_fit_poll(struct tui *t);
/* A fit is running (the main loop ticks). */
int tui_fit_running(const struct tui *t);

#endif

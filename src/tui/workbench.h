/*
 * workbench.h - the workbench's state, shared by its modules:
 * workbench.c (start, main loop, keys, commands, --demo), draw.c (layout
 * and panels), prompt.c (the readline bridge), theme.c (themes on
 * curses), fitview.c (the interactive fit), pager.c (long output); the
 * pure parts are chart*.c, views.c, theme-file.c, roles.c, words.c,
 * keys.c and complete.c (Tab completion).
 *
 * One thread (the UI thread) owns ncurses, readline and this struct.
 * Nothing draws directly in response to an event: handlers change the
 * state and set dirty bits; each pass of the main loop redraws the dirty
 * panels with wnoutrefresh and ends with one doupdate.
 */
#ifndef FM_TUI_WORKBENCH_H
#define FM_TUI_WORKBENCH_H

#include <curses.h>
#include <stddef.h>

#include "chart-export.h"
#include "chart.h"
#include "cmd/job.h"
#include "cmd/session.h"
#include "fitview.h"
#include "pager.h"
#include "table.h"
#include "words.h"
#include "theme-file.h"
#include "tui.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24
#define TUI_LOG_MAX 2000
#define TUI_VIEWS 7

enum tui_focus {
	FOCUS_PROMPT,
	FOCUS_OBJECTS,
	FOCUS_CHART,
	FOCUS_INFO,
	FOCUS_COUNT
};

enum {
	DIRTY_STATUS = 1,
	DIRTY_OBJECTS = 2,
	DIRTY_CHART = 4,
	DIRTY_INFO = 8,
	DIRTY_PROMPT = 16,
	DIRTY_HELP = 32,
	DIRTY_ALL = 63,
};

enum tui_color_mode { COLOR_OFF, COLOR_8, COLOR_16, COLOR_256, COLOR_DIRECT };

struct tui_line {
	char *text;
	int role;
};

struct tui {
	/* screen */
	int rows, cols;
	int too_small;
	WINDOW *w_status, *w_objects, *w_chart, *w_info, *w_prompt, *w_help;
	WINDOW *w_fitl, *w_fitr; /* the fit view's two panels */
	char chart_note[192];	 /* a chart note built at draw time */
	unsigned dirty;
	/* look */
	struct tui_theme theme;
	enum tui_color_mode color_mode;
	int color_pref;		 /* 0 auto, 1 always, -1 never */
	attr_t attr[ROLE_COUNT]; /* curses attributes + pair per role */
	enum chart_charset charset;
	int utf8; /* the locale's codeset is UTF-8 */
	/* interaction */
	enum tui_focus focus;
	int view;	   /* 0..6 */
	size_t series_day; /* day shown by the series view */
	/* the axes of the chart last drawn (axisctl.c zooms from them):
	 * ranges, scales (enum chart_scale) and the view's own scales */
	struct tui_chart_axes {
		int valid;
		double x[2], y[2];
		int xscale, yscale, own_xscale, own_yscale;
		size_t npoints; /* of the first series (the cursor's bins) */
	} drawn;
	long cursor; /* the chart cursor: index of a bin, -1 = off */
	int help_open, help_scroll;
	int confirm_quit;	 /* asking "quit anyway?" */
	struct tui_fit *fit;	 /* the open fit view, or NULL */
	struct tui_pager *pager; /* the open pager, or NULL (pager.c) */
	/* the open table (table-draw.c), or NULL; it has the keys while
	 * table_focus (Tab on an empty prompt gives them back) */
	struct tui_table *table;
	int table_focus, table_hscroll;
	WINDOW *w_table;
	/* `fit --interactive HIST`: what the workbench opened on, or NULL */
	const struct tui_fit_start *fit_start;
	struct tui_fit_memo fit_memo[TUI_FIT_MEMOS]; /* oldest replaced */
	unsigned nfit_memo;
	int quit;
	/* the info panel's messages */
	struct tui_line *log;
	size_t nlog;
	size_t log_scroll; /* lines scrolled back from the end */
	/* the session and its running job */
	struct session *sess;
	struct cmd_job *job;
	int job_cancelling;
	char **queue; /* lines waiting for the job */
	size_t nqueue;
	int wake[2]; /* wake-up pipe: workers -> UI */
	/* the selected object (by name: indexes change with drop) */
	char selected[128];
	unsigned long changes_seen; /* sess_changes at the last job's end */
	/* the chart panel's canvas size: `export chart -O F.txt` takes it */
	struct tui_chart_export_defaults export_size;
	/* the preview (preview.c): the terminal's fds, whether it draws
	 * sixel (-2 not asked yet, -1 no answer, 0 no, 1 yes), the image
	 * waiting to be written after the next doupdate, and one on screen */
	int tty_in, tty_out;
	int sixel;
	char *preview;
	size_t preview_len;
	int preview_shown;
};

/* ---- workbench.c ---- */
/* Add a message (one or more lines) to the info panel. */
void tui_log(struct tui *t, int role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Run a line typed at the prompt. */
void tui_command(struct tui *t, const char *line);
/* Quit, asking first while work would be lost. */
void tui_request_quit(struct tui *t);
/* Run the workbench; fs: open on the fit view of fs->path (fit
 * --interactive) or NULL.  Returns the exit status. */
int tui_run(int argc, char **argv, const struct tui_fit_start *fs);
/* The names the help and completion offer for the workbench's own commands. */
extern const char *const tui_builtin_commands[];

/* Run a command on the UI thread now (even while a job runs), its
 * output and errors to the messages. */
void tui_run_now(struct tui *t, const char *line);
/* Run line as a job (queued while one runs). */
void tui_start_job(struct tui *t, const char *line);

/* ---- the tables (table-draw.c and table-*.c; model: table.h) ---- */
/* A job line the workbench made for a table: a comment, so the command
 * parser and the record ignore it. */
#define TUI_TABLE_MARK "# table"
void tui_table_open(struct tui *t, struct tui_table *tb);
void tui_table_close(struct tui *t);
/* A key for the open table; 1 when used. */
int tui_table_key(struct tui *t, int ch);
/* Draw it over the objects and chart panels. */
void tui_table_draw(struct tui *t);
/* show records [OBJ] [-n N] (table-records.c): words as typed. */
void tui_records_open(struct tui *t, char **words, int n);
/* top (table-top.c): whether the typed words make a table (no --format,
 * no -O), the job for it, its csv output into the table, Enter. */
int tui_top_wants_table(char **words, int n);
void tui_top_start(struct tui *t, const char *line);
void tui_top_result(struct tui *t, const char *line, const char *csv);
void tui_top_enter(struct tui *t);
/* f p o in a top table (key): when top cut the groups to its first N and
 * key is another sum than its --by, close the table and run the top line
 * again --by that sum (1); else 0 (the rows sort in place). */
int tui_top_sort(struct tui *t, int key);
/* select (table-select.c): the job for the live table, binding the
 * table to it when it starts, new rows (each pass of the main loop),
 * its end, Enter (the fit view) and k (keep). */
int tui_select_wants_table(char **words, int n);
void tui_select_start(struct tui *t, const char *line);
void tui_select_bind(struct tui *t, struct cmd_job *job, const char *line);
void tui_select_tick(struct tui *t);
void tui_select_done(struct tui *t, struct cmd_job *job);
void tui_select_enter(struct tui *t);
void tui_select_keep(struct tui *t);

/* ---- axisctl.c: the chart view's state through recorded commands ---- */
/* Teach curses the xterm Shift-arrow sequences its terminfo entry lacks
 * (screen, tmux): the pan keys. */
void tui_chart_keys_define(void);
/* Space in the objects panel: the selected object into the `show` set
 * (the set is the selected object alone when there is none yet) or out
 * of it: runs `show A B ...` (`show` when it empties). */
void tui_chart_show_toggle(struct tui *t);
/* Show view v (0..6): runs `view NAME`. */
void tui_chart_view(struct tui *t, int v);
/* A chart key (ACT_SCALE, ACT_ZOOM, ACT_PAN, ACT_AXES_RESET): runs the
 * `set` commands; 1 when act was one of them. */
int tui_chart_key(struct tui *t, int act, int arg);
/* The session's axis settings a of the current view applied to the
 * chart of v about to be drawn (a chart scene has them already; a time
 * series gets them here); t->drawn records the result and the cursor is
 * placed. */
struct chart;
struct sess_view_axes;
struct tui_view;
void tui_chart_apply(struct tui *t, const struct sess_view_axes *a,
		     struct tui_view *v);

/* The cursor's line: "x 64 | flows 0.0123 | ..." with the readout name
 * of every series that has one (every object, every component, the
 * packet-size min / avg / max) and its value in unit ("B", or "" / NULL
 * for none): the chart's own numbers (the chartdata arrays it draws),
 * not read back from the canvas; "" without a cursor. */
void tui_chart_readout(const struct chart *c, const char *unit, char *out,
		       size_t size);

/* ---- preview.c: the chart as a sixel image ---- */
/* `preview` and the key P: draw the chart with gnuplot's sixelgd
 * terminal over the chart panel (when the terminal can). */
void tui_preview(struct tui *t);
/* After a doupdate: write the image waiting (if any). */
void tui_preview_flush(struct tui *t);
/* Remove an image on screen (the panel is redrawn); before every key. */
void tui_preview_clear(struct tui *t);

/* ---- draw.c ---- */
/* (Re)create the windows for the current terminal size. */
void tui_layout(struct tui *t);
/* Redraw what is dirty; one doupdate. */
void tui_draw(struct tui *t);
/* Text at (y, x) in role, at most width cells of UTF-8 (one per code
 * point), clipped at the window edge. */
void tui_putn(struct tui *t, WINDOW *w, int y, int x, int role, const char *s,
	      int width);
/* What `export chart OBJ` takes for the chart on screen: the selected
 * object ("" when a `show` set decides, or nothing is selected). */
void tui_chart_names(struct tui *t, char *out, size_t size);
/* The view names for tabs and help ("PDF flows", ...). */
extern const char *const tui_view_names[TUI_VIEWS];
/* The help text lines (keys and commands), malloc'ed array; *n lines. */
char **tui_help_lines(size_t *n);

/* ---- prompt.c ---- */
int tui_prompt_init(struct tui *t, const char *history_path);
void tui_prompt_end(void);
/* A key for the prompt: a byte, or a curses KEY_* code. */
void tui_prompt_key(int key);
/* Replace the line being edited, the cursor at its end. */
void tui_prompt_set(const char *text);
/* The line being edited (never NULL). */
const char *tui_prompt_line(void);
/* Draw the prompt line into w, placing the cursor. */
void tui_prompt_draw(struct tui *t, WINDOW *w);
/* The history file: $XDG_STATE_HOME/flowmodels/history (malloc'ed). */
char *tui_history_path(void);

/* ---- theme.c ---- */
/*
 * Load the theme called name (a name looked up in the theme directories,
 * or a path to a .theme file) into theme.  "default" and "mono" always
 * exist (built in).
 */
int tui_theme_load(const char *name, struct tui_theme *theme,
		   struct fm_error *err);
/* The names of the themes found in the theme directories (sorted,
 * NULL-terminated, malloc'ed; free with tui_free_words). */
char **tui_theme_names(void);
/* Decide the colour mode (after initscr) from the preference, NO_COLOR
 * and the terminal. */
void tui_color_setup(struct tui *t);
/* Turn t->theme into curses colour pairs and attributes (t->attr). */
void tui_theme_apply(struct tui *t);

#endif

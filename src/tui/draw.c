/*
 * draw.c - the workbench's screen: layout and the panels.
 *
 *   row 0            status line: session, selected object, running job
 *                    (progress bar, count, elapsed time), [F1] help
 *   rows 1..         objects panel (left) | chart panel (right, view tabs
 *                    on its bottom border)
 *   bottom panel     info: facts of the selected object, messages, errors
 *   last row         the prompt
 * Below 80x24 the whole screen is a "terminal too small" note.  Every
 * panel draws only from struct tui and the session; the main loop calls
 * tui_draw once per pass (wnoutrefresh per dirty window, one doupdate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "cmd/cmd.h"
#include "workbench.h"

const char *const tui_view_names[TUI_VIEWS] = {
	"PDF flows", "PDF pkts", "PDF octets", "CDF", "avg", "pkt size", "series",
};

static void del(WINDOW **w)
{
	if (*w) {
		delwin(*w);
		*w = NULL;
	}
}

void tui_layout(struct tui *t)
{
	int info_h, main_h, obj_w;

	getmaxyx(stdscr, t->rows, t->cols);
	del(&t->w_status);
	del(&t->w_objects);
	del(&t->w_chart);
	del(&t->w_info);
	del(&t->w_prompt);
	del(&t->w_help);
	t->too_small = t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS;
	t->dirty = DIRTY_ALL;
	clearok(curscr, TRUE);
	if (t->too_small)
		return;
	info_h = t->rows / 4;
	if (info_h < 7)
		info_h = 7;
	if (info_h > 14)
		info_h = 14;
	main_h = t->rows - 2 - info_h;
	obj_w = t->cols / 4;
	if (obj_w < 26)
		obj_w = 26;
	if (obj_w > 40)
		obj_w = 40;
	t->w_status = newwin(1, t->cols, 0, 0);
	t->w_objects = newwin(main_h, obj_w, 1, 0);
	t->w_chart = newwin(main_h, t->cols - obj_w, 1, obj_w);
	t->w_info = newwin(info_h, t->cols, 1 + main_h, 0);
	t->w_prompt = newwin(1, t->cols, t->rows - 1, 0);
	t->w_help = newwin(t->rows - 2, t->cols - 4, 1, 2);
	if (t->w_prompt)
		keypad(t->w_prompt, TRUE);
}

/* Write s at (y, x) in role, clipped to the window width (UTF-8 aware:
 * curses counts columns). */
static void put(struct tui *t, WINDOW *w, int y, int x, int role, const char *s)
{
	int maxx = getmaxx(w);

	if (x >= maxx || y < 0 || y >= getmaxy(w))
		return;
	wattrset(w, t->attr[role]);
	mvwaddnstr(w, y, x, s, -1);
	(void)maxx;
}

/* Like put but stops at column limit (exclusive) by bytes of ASCII text
 * or by the window edge. */
static void putn(struct tui *t, WINDOW *w, int y, int x, int role,
		 const char *s, int width)
{
	char buf[1024];
	int maxx = getmaxx(w);

	if (width > maxx - x)
		width = maxx - x;
	if (width <= 0)
		return;
	/* cut by display cells: our texts are ASCII except box glyphs */
	{
		int cells = 0;
		size_t i = 0, o = 0;
		while (s[i] && cells < width && o + 5 < sizeof(buf)) {
			unsigned char c = (unsigned char)s[i];
			int l = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
				(c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
			for (int k = 0; k < l && s[i]; k++)
				buf[o++] = s[i++];
			cells++;
		}
		buf[o] = 0;
	}
	put(t, w, y, x, role, buf);
}

static void frame(struct tui *t, WINDOW *w, const char *title, int focused)
{
	int role = focused ? ROLE_PANEL_FOCUS : ROLE_PANEL_BORDER;
	int maxx = getmaxx(w);

	wbkgdset(w, ' ' | t->attr[ROLE_PANEL_TEXT]);
	werase(w);
	wattrset(w, t->attr[role]);
	if (focused)        /* double lines: visible without colour too */
		wborder_set(w, WACS_D_VLINE, WACS_D_VLINE, WACS_D_HLINE,
			    WACS_D_HLINE, WACS_D_ULCORNER, WACS_D_URCORNER,
			    WACS_D_LLCORNER, WACS_D_LRCORNER);
	else
		box(w, 0, 0);
	if (title) {
		char buf[256];
		snprintf(buf, sizeof(buf), " %s ", title);
		putn(t, w, 0, 2, focused ? ROLE_PANEL_FOCUS : ROLE_PANEL_TITLE, buf,
		     maxx - 4);
	}
}

/* n with a k/M/G suffix: "35.2M". */
static void human(uint64_t n, char *buf, size_t size)
{
	static const char suffix[] = "kMGTPE";
	double v = (double)n;
	int k = -1;

	while (v >= 1000 && k < 5) {
		v /= 1000;
		k++;
	}
	if (k < 0)
		snprintf(buf, size, "%llu", (unsigned long long)n);
	else
		snprintf(buf, size, "%.*f%c", v < 10 ? 2 : v < 100 ? 1 : 0, v, suffix[k]);
}

static void draw_status(struct tui *t)
{
	WINDOW *w = t->w_status;
	struct fm_buf b = FM_BUF_INIT;
	int limit = t->cols - 12, x;

	wbkgdset(w, ' ' | t->attr[ROLE_STATUS]);
	werase(w);
	put(t, w, 0, t->cols - 11, ROLE_STATUS_ACCENT, "[F1] help");
	put(t, w, 0, 1, ROLE_STATUS_ACCENT, "flowmodels");
	fm_buf_printf(&b, "  session: %s  object: %s   ", "(new)",
		      t->nobjects ? "?" : "-");
	fm_buf_addstr(&b, "");
	putn(t, w, 0, 11, ROLE_STATUS, fm_buf_str(&b), limit - 11);
	x = 11 + (int)b.len;
	fm_buf_reset(&b);
	if (t->job && x < limit) {
		uint64_t done, total;
		char bar[16 * 3 + 1], d[16], tot[16];
		int filled, width = 16;
		size_t o = 0;

		tui_job_progress(t->job, &done, &total);
		filled = total ? (int)((double)done / (double)total * width + 0.5) : -1;
		for (int i = 0; i < width; i++) {
			const char *g;
			if (filled < 0)   /* unknown total: a moving block */
				g = i == (int)(tui_job_elapsed(t->job) * 8) % width ?
				    "\xe2\x96\x88" : "\xe2\x96\x91";
			else
				g = i < filled ? "\xe2\x96\x88" : "\xe2\x96\x91";
			memcpy(bar + o, g, 3);
			o += 3;
		}
		bar[o] = 0;
		fm_buf_printf(&b, "%s ", tui_job_name(t->job));
		fm_buf_addstr(&b, "");
		putn(t, w, 0, x, ROLE_STATUS_ACCENT, fm_buf_str(&b), limit - x);
		x += (int)b.len;
		putn(t, w, 0, x, ROLE_STATUS_PROGRESS, bar, limit - x);
		x += width;
		fm_buf_reset(&b);
		human(done, d, sizeof(d));
		human(total, tot, sizeof(tot));
		if (total)
			fm_buf_printf(&b, " %s/%s", d, tot);
		else
			fm_buf_printf(&b, " %s", d);
		fm_buf_printf(&b, "  %.1f s", tui_job_elapsed(t->job));
		if (tui_job_cancelled(t->job))
			fm_buf_addstr(&b, "  cancelling");
		if (t->nqueue)
			fm_buf_printf(&b, "  +%zu queued", t->nqueue);
		fm_buf_addstr(&b, "");
		putn(t, w, 0, x, ROLE_STATUS, fm_buf_str(&b), limit - x);
	}
	fm_buf_release(&b);
	wnoutrefresh(w);
}

static void draw_objects(struct tui *t)
{
	WINDOW *w = t->w_objects;

	frame(t, w, "Objects", t->focus == FOCUS_OBJECTS);
	if (!t->nobjects) {
		putn(t, w, 1, 2, ROLE_PANEL_DIM, "no objects yet", getmaxx(w) - 3);
		putn(t, w, 3, 2, ROLE_PANEL_DIM, "run a command below,", getmaxx(w) - 3);
		putn(t, w, 4, 2, ROLE_PANEL_DIM, "F1 lists the commands", getmaxx(w) - 3);
	}
	wnoutrefresh(w);
}

static void draw_chart(struct tui *t)
{
	WINDOW *w = t->w_chart;
	int maxy = getmaxy(w), maxx = getmaxx(w), x = 2;
	char title[128];
	static const char *const cs_names[] = { "braille", "block", "ascii" };

	snprintf(title, sizeof(title), "%s (%s)", tui_view_names[t->view],
		 cs_names[t->charset]);
	frame(t, w, title, t->focus == FOCUS_CHART);
	putn(t, w, maxy / 2 - 1, 3, ROLE_PANEL_DIM,
	     "no chart: charts show the selected histogram or mixture", maxx - 5);
	putn(t, w, maxy / 2, 3, ROLE_PANEL_DIM,
	     "(objects come with the session layer; views 1-7 / F2-F8)", maxx - 5);
	/* the view tabs on the bottom border; when they do not fit, only the
	 * current one keeps its name */
	int full = 0, compact;
	for (int v = 0; v < TUI_VIEWS; v++)
		full += 4 + (int)strlen(tui_view_names[v]);
	compact = x + full >= maxx - 1;
	for (int v = 0; v < TUI_VIEWS; v++) {
		char tab[48];
		snprintf(tab, sizeof(tab), "[%d]%s", v + 1,
			 compact && v != t->view ? "" : tui_view_names[v]);
		if (x + (int)strlen(tab) + 1 >= maxx - 1)
			break;
		putn(t, w, maxy - 1, x, v == t->view ? ROLE_PANEL_SELECT : ROLE_PANEL_TITLE,
		     tab, maxx - x - 1);
		x += (int)strlen(tab) + 1;
	}
	wnoutrefresh(w);
}

static void draw_info(struct tui *t)
{
	WINDOW *w = t->w_info;
	int inner = getmaxy(w) - 2, maxx = getmaxx(w);
	size_t end, start;

	if (t->log_scroll + (size_t)inner > t->nlog)   /* the top page stays full */
		t->log_scroll = t->nlog > (size_t)inner ? t->nlog - (size_t)inner : 0;
	frame(t, w, t->log_scroll ? "Messages (scrolled; End: latest)" : "Messages",
	      t->focus == FOCUS_INFO);
	end = t->nlog - t->log_scroll;
	start = end > (size_t)inner ? end - (size_t)inner : 0;
	for (size_t i = start; i < end; i++)
		putn(t, w, 1 + (int)(i - start), 2, t->log[i].role, t->log[i].text,
		     maxx - 3);
	wnoutrefresh(w);
}

char **tui_help_lines(size_t *n)
{
	static const char *const keys[] = {
		"Keys (the prompt has the focus at start and after every command)",
		"  F1, ? in a panel      this help (Esc, q or F1 closes it)",
		"  Tab / Shift-Tab       next / previous panel: prompt, objects, chart,",
		"                        info (in the prompt Tab completes; on an empty",
		"                        line it moves to the objects panel)",
		"  Esc or :              back to the prompt (from a panel)",
		"  Up Down PgUp PgDn     move or scroll in a panel; history in the prompt",
		"  Home End              first / last line in a panel",
		"  1-7 (panels), F2-F8   chart view: PDF flows, PDF packets, PDF octets,",
		"                        CDF, averages, packet size, time series",
		"  Ctrl-C                cancel the running job (never quits)",
		"  Ctrl-L                redraw the screen",
		"  q (panels), quit      quit (asks while work would be lost)",
		"",
		"Workbench commands",
		"  help [COMMAND]        this help, or a command's options",
		"  theme [NAME]          list themes or switch (default, dark, light,",
		"                        high-contrast, mono)",
		"  set charset braille|block|ascii   how charts are drawn",
		"  clear                 clear the messages",
		"  quit, q, exit         leave the workbench",
		"",
		"Commands (the same as 'flowmodels COMMAND ...'; COMMAND --help)",
	};
	size_t nk = sizeof(keys) / sizeof(keys[0]), nc = 0, k = 0;
	char **v;

	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		nc++;
	v = calloc(nk + nc + 1, sizeof(*v));
	if (!v) {
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < nk; i++)
		v[k++] = strdup(keys[i]);
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		struct fm_buf b = FM_BUF_INIT;
		fm_buf_printf(&b, "  %-21s %s", (*e)->name, (*e)->summary);
		v[k++] = fm_buf_detach(&b);
	}
	*n = k;
	return v;
}

static void draw_help(struct tui *t)
{
	WINDOW *w = t->w_help;
	size_t n;
	char **lines = tui_help_lines(&n);
	int inner = getmaxy(w) - 2, maxx = getmaxx(w);

	if (t->help_scroll > (int)n - inner)
		t->help_scroll = (int)n - inner;
	if (t->help_scroll < 0)
		t->help_scroll = 0;
	frame(t, w, "Help: keys and commands (Esc closes; Up/Down scroll)", 1);
	for (int i = 0; i < inner && (size_t)(i + t->help_scroll) < n; i++) {
		const char *s = lines[i + t->help_scroll];
		int heading = s[0] && s[0] != ' ';
		putn(t, w, 1 + i, 2, heading ? ROLE_PANEL_TITLE : ROLE_PANEL_TEXT, s,
		     maxx - 4);
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	wnoutrefresh(w);
}

static void draw_too_small(struct tui *t)
{
	char buf[128];
	int y = t->rows / 2, x;

	wbkgdset(stdscr, ' ' | t->attr[ROLE_DEFAULT]);
	werase(stdscr);
	snprintf(buf, sizeof(buf), "terminal too small: %dx%d, need %dx%d",
		 t->cols, t->rows, TUI_MIN_COLS, TUI_MIN_ROWS);
	x = (t->cols - (int)strlen(buf)) / 2;
	wattrset(stdscr, t->attr[ROLE_MSG_WARN]);
	mvwaddnstr(stdscr, y > 0 ? y : 0, x > 0 ? x : 0, buf, t->cols);
	wnoutrefresh(stdscr);
}

void tui_draw(struct tui *t)
{
	if (!t->dirty)
		return;
	if (t->too_small) {
		curs_set(0);
		draw_too_small(t);
		doupdate();
		t->dirty = 0;
		return;
	}
	if (t->help_open) {
		/* the help covers the panels; the status line and prompt stay */
		if (t->dirty & DIRTY_STATUS)
			draw_status(t);
		draw_help(t);
	} else {
		if (t->dirty & DIRTY_STATUS)
			draw_status(t);
		if (t->dirty & (DIRTY_OBJECTS | DIRTY_HELP))
			draw_objects(t);
		if (t->dirty & (DIRTY_CHART | DIRTY_HELP))
			draw_chart(t);
		if (t->dirty & (DIRTY_INFO | DIRTY_HELP))
			draw_info(t);
	}
	/* the prompt last: its window holds the cursor */
	tui_prompt_draw(t, t->w_prompt);
	wnoutrefresh(t->w_prompt);
	curs_set(t->focus == FOCUS_PROMPT && !t->help_open ? 1 : 0);
	doupdate();
	t->dirty = 0;
}

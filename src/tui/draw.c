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
#include "flowmodels/series.h"
#include "cmd/chartscene.h"
#include "cmd/cmd.h"
#include "cmd/objtypes.h"
#include "keys.h"
#include "live.h"
#include "views.h"
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
	del(&t->w_fitl);
	del(&t->w_fitr);
	del(&t->w_table);
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
	{
		/* the chart keeps at least half the width */
		int fw = t->cols / 3 < 40 ? 40 : t->cols / 3;
		if (fw > t->cols / 2)
			fw = t->cols / 2;
		t->w_fitl = newwin(main_h, fw, 1, 0);
		t->w_fitr = newwin(main_h, t->cols - fw, 1, fw);
	}
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

/* Like put but at most width cells (and never past the window edge). */
void tui_putn(struct tui *t, WINDOW *w, int y, int x, int role, const char *s,
	      int width)
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
			int l = c < 0x80	     ? 1
				: (c & 0xe0) == 0xc0 ? 2
				: (c & 0xf0) == 0xe0 ? 3
				: (c & 0xf8) == 0xf0 ? 4
						     : 1;
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
	if (focused) /* double lines: visible without colour too */
		wborder_set(w, WACS_D_VLINE, WACS_D_VLINE, WACS_D_HLINE,
			    WACS_D_HLINE, WACS_D_ULCORNER, WACS_D_URCORNER,
			    WACS_D_LLCORNER, WACS_D_LRCORNER);
	else
		box(w, 0, 0);
	if (title) {
		char buf[256];
		snprintf(buf, sizeof(buf), " %s ", title);
		tui_putn(t, w, 0, 2,
			 focused ? ROLE_PANEL_FOCUS : ROLE_PANEL_TITLE, buf,
			 maxx - 4);
	}
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
	{
		const char *file = sess_file(t->sess), *base;
		base =
		    file && strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		fm_buf_printf(&b, "  session: %s%s  object: %s   ",
			      base ? base : "(new)",
			      sess_dirty(t->sess) ? "*" : "",
			      t->selected[0] ? t->selected : "-");
	}
	fm_buf_addstr(&b, "");
	tui_putn(t, w, 0, 11, ROLE_STATUS, fm_buf_str(&b), limit - 11);
	x = 11 + (int)b.len;
	fm_buf_reset(&b);
	if (t->job && x < limit) {
		double frac = cmd_job_fraction(t->job),
		       secs = cmd_job_elapsed(t->job);
		char bar[16 * 3 + 1];
		const char *full = t->utf8 ? "\xe2\x96\x88" : "#";  /* █ */
		const char *empty = t->utf8 ? "\xe2\x96\x91" : "."; /* ░ */
		int filled, width = 16;
		size_t o = 0;

		filled = frac >= 0 ? (int)(frac * width + 0.5) : -1;
		for (int i = 0; i < width; i++) {
			const char *g;
			if (filled < 0) /* unknown total: a moving block */
				g = i == (int)(secs * 8) % width ? full : empty;
			else
				g = i < filled ? full : empty;
			memcpy(bar + o, g, strlen(g));
			o += strlen(g);
		}
		bar[o] = 0;
		fm_buf_printf(&b, "%s ", cmd_job_name(t->job));
		fm_buf_addstr(&b, "");
		tui_putn(t, w, 0, x, ROLE_STATUS_ACCENT, fm_buf_str(&b),
			 limit - x);
		x += (int)b.len;
		tui_putn(t, w, 0, x, ROLE_STATUS_PROGRESS, bar, limit - x);
		x += width;
		fm_buf_reset(&b);
		if (frac >= 0)
			fm_buf_printf(&b, " %3.0f%%", 100 * frac);
		fm_buf_printf(&b, "  %.1f s", secs);
		if (t->job_cancelling)
			fm_buf_addstr(&b, "  cancelling");
		if (t->nqueue)
			fm_buf_printf(&b, "  +%zu queued", t->nqueue);
		fm_buf_addstr(&b, "");
		tui_putn(t, w, 0, x, ROLE_STATUS, fm_buf_str(&b), limit - x);
	} else if (x < limit) {
		tui_live_status(t, &b); /* live objects: last file, rate */
		fm_buf_addstr(&b, "");
		tui_putn(t, w, 0, x, ROLE_STATUS, fm_buf_str(&b), limit - x);
	}
	fm_buf_release(&b);
	wnoutrefresh(w);
}

static void put_cut(struct tui *t, WINDOW *w, int y, int x, int role,
		    const char *text, int width);

static void draw_objects(struct tui *t)
{
	WINDOW *w = t->w_objects;
	int inner = getmaxy(w) - 2, maxx = getmaxx(w), namew = 4;
	size_t n, first = 0, sel = 0, nshown;
	const struct sess_shown *sh;
	struct fm_buf b = FM_BUF_INIT;

	frame(t, w, "Objects", t->focus == FOCUS_OBJECTS);
	sess_lock(t->sess);
	n = sess_count(t->sess);
	sh = sess_show_get(t->sess, &nshown);
	if (!n) {
		tui_putn(t, w, 1, 2, ROLE_PANEL_DIM, "no objects yet",
			 maxx - 3);
		tui_putn(t, w, 3, 2, ROLE_PANEL_DIM, "load FILE [as NAME],",
			 maxx - 3);
		tui_putn(t, w, 4, 2, ROLE_PANEL_DIM, "F1 lists the commands",
			 maxx - 3);
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(sess_at(t->sess, i)->name, t->selected))
			sel = i;
	if (sel >= (size_t)inner)
		first = sel - (size_t)inner + 1;
	/* names of any length aligned: the longest, up to a third of the
	 * panel (a longer one is cut with an ellipsis) */
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(sess_at(t->sess, i)->name) > namew)
			namew = (int)strlen(sess_at(t->sess, i)->name);
	if (namew > (maxx - 2) / 3)
		namew = (maxx - 2) / 3 > 4 ? (maxx - 2) / 3 : 4;
	for (size_t i = first; i < n && (int)(i - first) < inner; i++) {
		const struct sess_obj *o = sess_at(t->sess, i);
		int is_sel = !strcmp(o->name, t->selected);
		int cut = (int)strlen(o->name) > namew;
		/* ▸ selected, • shown together (`show`), ▶ both */
		static const char *const mark[2][2][2] = {
		    {{" ", "\xe2\x80\xa2"}, {"\xe2\x96\xb8", "\xe2\x96\xb6"}},
		    {{" ", "+"}, {">", "*"}}};
		int shown = 0;

		for (size_t k = 0; k < nshown; k++)
			shown |= sh[k].obj == o;
		fm_buf_reset(&b);
		fm_buf_printf(
		    &b, "%s%-*.*s%s %s ", mark[!t->utf8][is_sel][shown],
		    cut ? namew - 1 : namew, cut ? namew - 1 : namew, o->name,
		    cut ? (t->utf8 ? "\xe2\x80\xa6" : "~") : "",
		    sess_obj_kind(o));
		sess_obj_facts(o, &b);
		fm_buf_addstr(&b, "");
		put_cut(t, w, 1 + (int)(i - first), 1,
			is_sel ? ROLE_PANEL_SELECT : ROLE_PANEL_TEXT,
			fm_buf_str(&b), maxx - 2);
	}
	sess_unlock(t->sess);
	fm_buf_release(&b);
	wnoutrefresh(w);
}

/* Copy a rendered canvas into w at (y, x). */
static void blit(struct tui *t, WINDOW *w, int y, int x,
		 const struct chart_canvas *cv)
{
	for (int r = 0; r < cv->h; r++)
		for (int c = 0; c < cv->w; c++) {
			const struct chart_cell *cell =
			    &cv->cells[(size_t)r * (size_t)cv->w + (size_t)c];
			wattrset(w, t->attr[cell->role]);
			mvwaddstr(w, y + r, x + c, cell->ch);
		}
}

/* What the chart shows, for its title: "h1 with m1", "m1 over h1 (since
 * replaced)", "h1, hg with m1, m2" (hold the lock). */
static void chart_subject(struct tui *t, char *out, size_t size)
{
	struct chart_state st;

	chart_state_get(t->sess, t->selected, &st);
	chart_state_subject(t->sess, &st, out, size);
}

void tui_chart_names(struct tui *t, char *out, size_t size)
{
	size_t nshow;

	out[0] = 0;
	sess_lock(t->sess);
	sess_show_get(t->sess, &nshow);
	if (!nshow && t->selected[0] && sess_find(t->sess, t->selected))
		snprintf(out, size, "%s", t->selected);
	sess_unlock(t->sess);
}

static int wrap_rows(const char *text, int width);
static void put_wrapped(struct tui *t, WINDOW *w, int y, int role,
			const char *text, int width, int skip);

/* The cursor readout from the panel's first row, wrapped over as many
 * rows as it needs (an overlay names many series), on a cleared row. */
static void put_readout(struct tui *t, WINDOW *w, const char *text)
{
	int width = getmaxx(w) - 2, rows = wrap_rows(text, width - 2);

	for (int r = 0; r < rows && r + 1 < getmaxy(w) - 1; r++)
		for (int c = 1; c <= width; c++) {
			wattrset(w, t->attr[ROLE_CHART_TEXT]);
			mvwaddch(w, 1 + r, c, ' ');
		}
	put_wrapped(t, w, 1, ROLE_CHART_TEXT, text, width - 2, 0);
}

/*
 * The chart of the state st (the `show` set, or the selected object with
 * its partner: chartscene.h) into the chart panel; NULL when drawn, else
 * a note to show.  (Hold the session lock.)
 */
static const char *object_chart(struct tui *t, WINDOW *w,
				const struct chart_state *st,
				const struct sess_view_axes *axes)
{
	struct sess_obj *o = st->nobj ? st->obj[0].obj : NULL;
	const char *note;
	struct tui_view v;
	struct chart_canvas cv;

	if (o && o->kind == SESS_TYPED && o->type == &cmd_series_type) {
		size_t nd = fm_series_ndays(o->data);
		if (nd && t->series_day >= nd) /* ] pressed past the last day */
			t->series_day = nd - 1;
		t->export_size.day = (int)t->series_day; /* export chart's */
		if (tui_view_series(&v, t->view, o->data, t->series_day) < 0)
			return "out of memory";
	} else if (tui_view_state(&v, st) < 0) {
		return "out of memory";
	}
	note = v.note;
	if (note) { /* may point into v: keep a copy past the release */
		snprintf(t->chart_note, sizeof(t->chart_note), "%s", note);
		note = t->chart_note;
	}
	if (!note &&
	    chart_canvas_init(&cv, getmaxx(w) - 2, getmaxy(w) - 2) == 0) {
		char readout[1024];

		tui_chart_apply(t, axes, &v); /* set xscale ... */
		chart_render(&v.chart, t->charset, &cv);
		blit(t, w, 1, 1, &cv);
		tui_chart_readout(&v.chart, v.yunit, readout, sizeof(readout));
		if (readout[0]) /* over the y title (and the plot's top) */
			put_readout(t, w, readout);
		chart_canvas_release(&cv);
	}
	tui_view_release(&v);
	return note;
}

static const char *draw_object_chart(struct tui *t, WINDOW *w)
{
	const char *note =
	    "no chart: select a histogram (load FILE or hist ...)";
	struct chart_state st;
	struct sess_view_axes axes;

	t->drawn.valid = 0;
	axes = sess_view_axes(t->sess, t->view);
	sess_lock(t->sess);
	chart_state_get(t->sess, t->selected, &st);
	st.view = t->view; /* the view on screen (a key pressed ahead) */
	st.axes = axes;
	if (st.nobj)
		note = object_chart(t, w, &st, &axes);
	sess_unlock(t->sess);
	return note;
}

static void draw_chart(struct tui *t)
{
	WINDOW *w = t->w_chart;
	int maxy = getmaxy(w), maxx = getmaxx(w), x = 2;
	char title[256];
	static const char *const cs_names[] = {"braille", "block", "ascii"};

	snprintf(title, sizeof(title), "%s (%s)", tui_view_names[t->view],
		 cs_names[t->charset]);
	const char *note;

	{
		char subject[160];
		sess_lock(t->sess);
		chart_subject(t, subject, sizeof(subject));
		/* export chart's default (read under the lock) */
		snprintf(t->export_size.selected,
			 sizeof(t->export_size.selected), "%s", t->selected);
		sess_unlock(t->sess);
		if (subject[0])
			snprintf(title, sizeof(title), "%s of %s (%s)",
				 tui_view_names[t->view], subject,
				 cs_names[t->charset]);
	}
	tui_preview_clear(t); /* an image on screen goes */
	frame(t, w, title, t->focus == FOCUS_CHART);
	t->export_size.cols = maxx - 2; /* the canvas: export chart -O F.txt */
	t->export_size.rows = maxy - 2;
	note = draw_object_chart(t, w);
	if (note) { /* wrapped: a narrow panel shows all of it */
		static const char more[] =
		    "views 1-7 / F2-F8; set charset braille|block|ascii";
		int row = maxy / 2 - 1;
		put_wrapped(t, w, row, ROLE_PANEL_DIM, note, maxx - 4, 0);
		row += wrap_rows(note, maxx - 4);
		put_wrapped(t, w, row, ROLE_PANEL_DIM, more, maxx - 4, 0);
	}
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
		tui_putn(t, w, maxy - 1, x,
			 v == t->view ? ROLE_PANEL_SELECT : ROLE_PANEL_TITLE,
			 tab, maxx - x - 1);
		x += (int)strlen(tab) + 1;
	}
	wnoutrefresh(w);
}

/* Bytes of s that fill at most cells columns (UTF-8: a character is a
 * cell, as tui_putn counts). */
static size_t cells_bytes(const char *s, int cells)
{
	size_t i = 0;

	while (s[i] && cells-- > 0) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

/* The next row of s wrapped at width (continuation rows are indented by
 * two, so they get width - 2): its length in bytes, broken at a blank
 * when there is one in its second half. */
static size_t wrap_piece(const char *s, int width)
{
	size_t n = cells_bytes(s, width);

	if (!s[n])
		return n;
	for (size_t k = n; k > n / 2; k--)
		if (s[k] == ' ')
			return k + 1;
	return n;
}

/* text in at most width cells; a cut one ends in an ellipsis. */
static void put_cut(struct tui *t, WINDOW *w, int y, int x, int role,
		    const char *text, int width)
{
	size_t n = cells_bytes(text, width);
	char buf[1024];

	if (!text[n] || width < 2) {
		tui_putn(t, w, y, x, role, text, width);
		return;
	}
	n = cells_bytes(text, width - 1);
	snprintf(buf, sizeof(buf), "%.*s%s", (int)n, text,
		 t->utf8 ? "\xe2\x80\xa6" : "~");
	tui_putn(t, w, y, x, role, buf, width);
}

/* Rows text takes wrapped at width. */
static int wrap_rows(const char *text, int width)
{
	int rows = 0;

	if (width < 8)
		return 1;
	for (const char *p = text; *p || !rows; rows++) {
		p += wrap_piece(p, rows ? width - 2 : width);
		if (!*p)
			return rows + 1;
	}
	return rows;
}

/* Draw text wrapped at width from row y, leaving out its first skip rows
 * (they would be above the panel) and rows below the window's border. */
static void put_wrapped(struct tui *t, WINDOW *w, int y, int role,
			const char *text, int width, int skip)
{
	int last = getmaxy(w) - 2;

	const char *p = text;

	for (int r = 0; *p || r == 0; r++) {
		int room = r ? width - 2 : width;
		size_t n = width < 8 ? strlen(p) : wrap_piece(p, room);
		char buf[1024];

		snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
		if (r >= skip && y <= last)
			tui_putn(t, w, y++, r ? 4 : 2, role, buf, room + 1);
		p += n;
		if (width < 8)
			break;
	}
}

static void draw_info(struct tui *t)
{
	WINDOW *w = t->w_info;
	int inner = getmaxy(w) - 2, maxx = getmaxx(w), first_row = 1;
	size_t end;

	{
		struct fm_buf title = FM_BUF_INIT, facts = FM_BUF_INIT;
		struct sess_obj *o;

		sess_lock(t->sess);
		o = t->selected[0] ? sess_find(t->sess, t->selected) : NULL;
		if (o) {
			fm_buf_printf(&title, "%s: %s", o->name,
				      o->provenance ? o->provenance : "");
			sess_obj_facts(o, &facts);
		} else {
			fm_buf_addstr(&title, "Messages");
		}
		sess_unlock(t->sess);
		if (t->log_scroll)
			fm_buf_addstr(&title, " (scrolled; End: latest)");
		fm_buf_addstr(&title, "");
		fm_buf_addstr(&facts, "");
		frame(t, w, fm_buf_str(&title), t->focus == FOCUS_INFO);
		if (o && inner > 2) {
			put_cut(t, w, 1, 2, ROLE_PANEL_TITLE,
				fm_buf_str(&facts), maxx - 4);
			inner--;
			first_row = 2;
		}
		fm_buf_release(&title);
		fm_buf_release(&facts);
	}
	/* the top page stays full: it ends at the first line e0 that fills
	 * the panel (lines wrap, so count rows) and is drawn from its top */
	{
		int rows = 0, width = maxx - 4, row = first_row;
		size_t e0 = 0;

		while (e0 < t->nlog && rows < inner)
			rows += wrap_rows(t->log[e0++].text, width);
		if (t->log_scroll >= t->nlog - e0) {
			t->log_scroll = t->nlog - e0;
			for (size_t i = 0; i < e0 && row < first_row + inner;
			     i++) {
				put_wrapped(t, w, row, t->log[i].role,
					    t->log[i].text, width, 0);
				row += wrap_rows(t->log[i].text, width);
			}
			wnoutrefresh(w);
			return;
		}
	}
	end = t->nlog - t->log_scroll;
	/* from the newest line up, each wrapped to the panel: the rows they
	 * take; the oldest shown may show only its end */
	{
		int row = first_row + inner, width = maxx - 4;

		for (size_t i = end; i-- > 0 && row > first_row;) {
			int n = wrap_rows(t->log[i].text, width), skip;

			row -= n;
			skip = row < first_row ? first_row - row : 0;
			put_wrapped(t, w, row + skip, t->log[i].role,
				    t->log[i].text, width, skip);
		}
	}
	wnoutrefresh(w);
}

char **tui_help_lines(size_t *n)
{
	static const char *const more[] = {
	    "",
	    "Workbench commands",
	    "  help                  this help",
	    "  theme [NAME]          list themes or switch (default, dark, "
	    "light,",
	    "                        high-contrast, mono)",
	    "  clear                 clear the messages",
	    "  show NAME [NAME]      select NAME; draw it with the other (a",
	    "                        histogram with a mixture set of the same "
	    "x)",
	    "  quit, q, exit         leave (asks when the session has unsaved "
	    "changes)",
	    "",
	    "Session commands (help COMMAND shows the options; charts: set "
	    "charset",
	    "braille|block|ascii)",
	};
	size_t nm = sizeof(more) / sizeof(more[0]), nk = tui_key_help(NULL, 0);
	size_t nc = 0, k;
	char **v;

	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		nc++;
	v = calloc(nk + nm + nc + 1, sizeof(*v));
	if (!v) {
		*n = 0;
		return NULL;
	}
	/* the keys from the table the key handling reads (keys.c) */
	k = tui_key_help(v, nk);
	for (size_t i = 0; i < nm; i++)
		v[k++] = strdup(more[i]);
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
		tui_putn(t, w, 1 + i, 2,
			 heading ? ROLE_PANEL_TITLE : ROLE_PANEL_TEXT, s,
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
	if (t->dirty & DIRTY_STATUS)
		draw_status(t);
	if (t->fit) {
		if (t->dirty & (DIRTY_OBJECTS | DIRTY_CHART | DIRTY_HELP))
			tui_fit_draw(t, t->w_fitl, t->w_fitr);
	} else if (t->table) {
		if (t->dirty & (DIRTY_OBJECTS | DIRTY_CHART | DIRTY_HELP))
			tui_table_draw(t);
	} else {
		if (t->dirty & (DIRTY_OBJECTS | DIRTY_HELP))
			draw_objects(t);
		if (t->dirty & (DIRTY_CHART | DIRTY_HELP))
			draw_chart(t);
	}
	if (t->dirty & (DIRTY_INFO | DIRTY_HELP))
		draw_info(t);
	/* the pager and the help cover the panels (drawn after them) */
	if (t->pager)
		tui_pager_draw(t);
	if (t->help_open)
		draw_help(t);
	/* the prompt last: its window holds the cursor */
	tui_prompt_draw(t, t->w_prompt);
	wnoutrefresh(t->w_prompt);
	curs_set(t->focus == FOCUS_PROMPT && !t->help_open && !t->fit &&
			 !t->pager && !(t->table && t->table_focus)
		     ? 1
		     : 0);
	doupdate();
	t->dirty = 0;
}

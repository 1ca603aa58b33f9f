/*
 * table-draw.c - the table widget on the screen (see table.h): a box over
 * the objects and chart panels, a header line, the rows in view with the
 * cursor's row highlighted, and a bottom line with the position, the
 * sort and the keys:
 *
 *   ┌ top sa of d1: 10 groups of 2431, by flows ───────────────────────┐
 *   │ sa                  flows  flows %    packets ...                 │
 *   │ 10.0.0.1              120    12.00       5000 ...                 │
 *   └ 1/10  sorted by flows  Enter: a view of the row  Esc closes ──────┘
 *
 * Its keys come from the key table (keys.c, KEYS_TABLE).
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "keys.h"
#include "table.h"
#include "workbench.h"

void tui_table_open(struct tui *t, struct tui_table *tb)
{
	tui_table_close(t);
	t->table = tb;
	t->table_focus = 1;
	t->table_hscroll = 0;
	t->dirty = DIRTY_ALL;
}

void tui_table_close(struct tui *t)
{
	if (!t->table)
		return;
	tui_table_free(t->table);
	t->table = NULL;
	t->table_focus = 0;
	if (t->w_table) {
		delwin(t->w_table);
		t->w_table = NULL;
	}
	t->focus = FOCUS_PROMPT;
	t->dirty = DIRTY_ALL;
}

/* The rows of data the box shows: its height less the borders and the
 * header line. */
static int page_rows(const struct tui *t)
{
	int h = t->w_objects ? getmaxy(t->w_objects) : t->rows - 10;
	return h - 3 > 1 ? h - 3 : 1;
}

/* Enter and k: what the table's owner does with the cursor's row. */
static void row_action(struct tui *t, enum tui_action act)
{
	struct tui_table *tb = t->table;

	if (tb->kind == TABLE_TOP && act == ACT_TABLE_ENTER)
		tui_top_enter(t);
	else if (tb->kind == TABLE_SELECT && act == ACT_TABLE_ENTER)
		tui_select_enter(t);
	else if (tb->kind == TABLE_SELECT)
		tui_select_keep(t);
	else
		snprintf(tb->note, sizeof(tb->note),
			 "records: Enter does nothing here (Esc closes)");
}

int tui_table_key(struct tui *t, int ch)
{
	struct tui_table *tb = t->table;
	int arg, page = page_rows(t);
	enum tui_action act;

	if (!tb || !t->table_focus)
		return 0;
	t->dirty |= DIRTY_OBJECTS | DIRTY_CHART;
	tb->note[0] = 0;
	act = tui_key_action(KEYS_TABLE, ch, &arg);
	/* top cut to its first N: another sum runs it again */
	if (act == ACT_SORT && tb->kind == TABLE_TOP && tui_top_sort(t, arg))
		return 1;
	/* a sort key of another table's column, k outside select: letters
	 * typed at the prompt */
	if ((act == ACT_SORT && tui_table_sort_key(tb, arg) < 0) ||
	    (act == ACT_TABLE_KEEP && tb->kind != TABLE_SELECT))
		act = ACT_NONE;
	else if (act == ACT_SORT)
		return 1; /* sorted */
	switch (act) {
	case ACT_UP:
		tui_table_move(tb, TABLE_UP, page);
		break;
	case ACT_DOWN:
		tui_table_move(tb, TABLE_DOWN, page);
		break;
	case ACT_PAGE_UP:
		tui_table_move(tb, TABLE_PAGE_UP, page);
		break;
	case ACT_PAGE_DOWN:
		tui_table_move(tb, TABLE_PAGE_DOWN, page);
		break;
	case ACT_HOME:
		tui_table_move(tb, TABLE_HOME, page);
		break;
	case ACT_END:
		tui_table_move(tb, TABLE_END, page);
		break;
	case ACT_TABLE_HSCROLL:
		t->table_hscroll += arg * 8;
		if (t->table_hscroll < 0)
			t->table_hscroll = 0;
		break;
	case ACT_TABLE_ENTER:
	case ACT_TABLE_KEEP:
		row_action(t, act);
		break;
	case ACT_TABLE_CLOSE:
		tui_table_close(t);
		break;
	default:
		/* other printable keys go to the prompt (the table stays;
		 * Tab on an empty prompt comes back to it) */
		if ((ch >= ' ' && ch < 127) || (ch >= 128 && ch < 256)) {
			t->table_focus = 0;
			t->focus = FOCUS_PROMPT;
			t->dirty |= DIRTY_PROMPT;
			tui_prompt_key(ch);
			return 1;
		}
		return 0;
	}
	return 1;
}

/* A row's text: the columns padded to their widths, two blanks apart. */
static void row_text(const struct tui_table *tb, const char *const *cell,
		     struct fm_buf *b)
{
	for (int c = 0; c < tb->ncols; c++) {
		const struct tui_table_col *col = &tb->col[c];
		int w = 0;
		for (const char *s = cell[c]; *s; s++)
			w += ((unsigned char)*s & 0xc0) != 0x80;
		if (c)
			fm_buf_addstr(b, "  ");
		if (col->right)
			fm_buf_printf(b, "%*s", col->width - w, "");
		fm_buf_addstr(b, cell[c]);
		if (!col->right && c < tb->ncols - 1)
			fm_buf_printf(b, "%*s", col->width - w, "");
	}
	fm_buf_addstr(b, "");
}

/* Text from cell hs on (UTF-8: one cell a code point). */
static const char *skip_cells(const char *s, int hs)
{
	while (*s && hs > 0) {
		s++;
		while (((unsigned char)*s & 0xc0) == 0x80)
			s++;
		hs--;
	}
	return s;
}

static void put_row(struct tui *t, WINDOW *w, int y, int role,
		    const char *const *cell)
{
	struct fm_buf b = FM_BUF_INIT;

	row_text(t->table, cell, &b);
	tui_putn(t, w, y, 2, role, skip_cells(fm_buf_str(&b), t->table_hscroll),
		 getmaxx(w) - 4);
	fm_buf_release(&b);
}

/* The bottom line: position, sort, the keys (or the note). */
static void bottom_line(struct tui *t, WINDOW *w, char *buf, size_t size)
{
	const struct tui_table *tb = t->table;
	uint64_t n = tui_table_count(tb);
	int len;

	len = snprintf(buf, size, " %llu/%llu%s ",
		       (unsigned long long)(n ? tb->cur + 1 : 0),
		       (unsigned long long)n,
		       tb->lazy && !tb->total_known ? "+" : "");
	if (tb->sort_col >= 0 && len > 0 && (size_t)len < size)
		len += snprintf(buf + len, size - (size_t)len,
				" sorted by %s%s ", tb->col[tb->sort_col].name,
				tb->sort_desc ? " (largest first)" : "");
	if (len > 0 && (size_t)len < size)
		snprintf(
		    buf + len, size - (size_t)len, " %s ",
		    tb->note[0]	 ? tb->note
		    : tb->err[0] ? tb->err
		    : tb->kind == TABLE_TOP
			? "f p o sort, Enter: a view of the row, Esc closes"
		    : tb->kind == TABLE_SELECT
			? "b a s rank, Enter: fit view, k: keep, Esc closes"
			: "PgDn PgUp page, Left Right scroll, Esc closes");
	(void)w;
}

void tui_table_draw(struct tui *t)
{
	struct tui_table *tb = t->table;
	int h = t->w_objects ? getmaxy(t->w_objects) : t->rows - 10;
	int page = page_rows(t);
	char buf[512];
	const char *names[TUI_TABLE_MAX_COLS] = {0};

	if (!tb)
		return;
	if (!t->w_table || getmaxy(t->w_table) != h ||
	    getmaxx(t->w_table) != t->cols) {
		if (t->w_table)
			delwin(t->w_table);
		t->w_table = newwin(h, t->cols, 1, 0);
		if (!t->w_table)
			return;
	}
	tui_table_view(tb, page);
	wbkgdset(t->w_table, ' ' | t->attr[ROLE_PANEL_TEXT]);
	werase(t->w_table);
	wattrset(
	    t->w_table,
	    t->attr[t->table_focus ? ROLE_PANEL_FOCUS : ROLE_PANEL_BORDER]);
	box(t->w_table, 0, 0);
	snprintf(buf, sizeof(buf), " %s ", tb->title);
	tui_putn(t, t->w_table, 0, 2, ROLE_PANEL_TITLE, buf, t->cols - 4);
	for (int c = 0; c < tb->ncols; c++)
		names[c] = tb->col[c].name;
	put_row(t, t->w_table, 1, ROLE_PANEL_TITLE, names);
	for (int i = 0; i < page; i++) {
		uint64_t k = tb->top + (uint64_t)i;
		const struct tui_table_row *r = tui_table_row_at(tb, k);
		if (k >= tui_table_count(tb) || !r)
			break;
		put_row(t, t->w_table, 2 + i,
			k == tb->cur ? ROLE_PANEL_SELECT : ROLE_PANEL_TEXT,
			(const char *const *)r->cell);
	}
	bottom_line(t, t->w_table, buf, sizeof(buf));
	tui_putn(t, t->w_table, h - 1, 2,
		 tb->err[0] ? ROLE_MSG_ERROR : ROLE_PANEL_TITLE, buf,
		 t->cols - 4);
	wnoutrefresh(t->w_table);
}

/*
 * pager.c - the pager overlay (see pager.h).
 *
 *   ┌ help fit: 48 lines (q closes, / searches) ────────────── 1-20/48 ┐
 *   │ usage: flowmodels fit [-y flows|packets|octets] [-i N] ...       │
 *   │ ...                                                              │
 *   └ /iter_ ──────────────────────────────────────────────────────────┘
 *
 * Long lines are cut at the overlay's edge with an ellipsis (the output
 * stays in the messages too, wrapped there).  The search is a plain
 * case-insensitive substring search from the top line; n and N go on
 * from the last match, wrapping around.
 */
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "keys.h"
#include "pager.h"
#include "workbench.h"

struct tui_pager {
	char *title;
	char **lines;
	size_t n;
	long top;	  /* first line shown */
	long match;	  /* line of the last match, or -1 */
	int typing;	  /* typing a search */
	char search[128]; /* the search (typed or last) */
	char note[160];	  /* "not found", ... on the bottom border */
	WINDOW *w;	  /* the overlay */
	int wrows, wcols; /* its size */
};

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Display cells of s: one a code point. */
static size_t cells(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* The rows the lines take in the message area, wrapped at its width. */
static size_t message_rows(char *const *lines, size_t n, int width)
{
	size_t rows = 0;

	if (width < 1)
		width = 1;
	for (size_t i = 0; i < n; i++) {
		size_t c = cells(lines[i]);
		rows += c ? (c + (size_t)width - 1) / (size_t)width : 1;
	}
	return rows;
}

void tui_pager_offer(struct tui *t, const char *title, char **lines, size_t n)
{
	struct tui_pager *p;
	int inner = t->w_info ? getmaxy(t->w_info) - 3 : 4;
	int width = t->w_info ? getmaxx(t->w_info) - 4 : t->cols - 4;

	if (!lines)
		return;
	if (message_rows(lines, n, width) <= (size_t)(inner > 1 ? inner : 1) ||
	    !(p = calloc(1, sizeof(*p)))) {
		free_lines(lines, n);
		return;
	}
	tui_pager_close(t);
	p->title = strdup(title ? title : "output");
	p->lines = lines;
	p->n = n;
	p->match = -1;
	t->pager = p;
	t->dirty = DIRTY_ALL;
}

void tui_pager_offer_text(struct tui *t, const char *title, const char *text)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		struct fm_buf b = FM_BUF_INIT;

		for (size_t i = 0; i < len; i++) {
			char ch = text[i];
			if (ch == '\r') /* a progress line rewritten */
				fm_buf_reset(&b);
			else if (ch == '\t')
				do
					fm_buf_addch(&b, ' ');
				while (b.len % 4);
			else if (ch != '\033')
				fm_buf_addch(&b, ch);
		}
		fm_buf_addstr(&b, "");
		if (n == cap) {
			char **nv;
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				fm_buf_release(&b);
				break;
			}
			v = nv;
		}
		v[n++] = fm_buf_detach(&b);
		text += len + (nl ? 1 : 0);
	}
	tui_pager_offer(t, title, v, n);
}

void tui_pager_close(struct tui *t)
{
	struct tui_pager *p = t->pager;

	if (!p)
		return;
	free_lines(p->lines, p->n);
	free(p->title);
	if (p->w)
		delwin(p->w);
	free(p);
	t->pager = NULL;
	t->dirty = DIRTY_ALL;
}

/* The rows of text the overlay shows. */
static long page_rows(const struct tui *t)
{
	long r = (long)t->rows - 4;
	return r > 1 ? r : 1;
}

static int contains(const char *s, const char *what)
{
	size_t k = strlen(what);

	if (!k)
		return 0;
	for (; *s; s++)
		if (!strncasecmp(s, what, k))
			return 1;
	return 0;
}

/* Find the search from line from on, in direction dir (+1/-1), wrapping. */
static void find(struct tui_pager *p, long from, int dir)
{
	for (size_t k = 0; k < p->n; k++) {
		long i = ((from + dir * (long)k) % (long)p->n + (long)p->n) %
			 (long)p->n;
		if (contains(p->lines[i], p->search)) {
			p->match = i;
			p->top = i;
			snprintf(p->note, sizeof(p->note), "/%s: line %ld",
				 p->search, i + 1);
			return;
		}
	}
	p->match = -1;
	snprintf(p->note, sizeof(p->note), "/%s: not found", p->search);
}

/* A key while the search is typed. */
static void search_key(struct tui_pager *p, int ch)
{
	int arg;
	size_t len = strlen(p->search);

	switch (tui_key_action(KEYS_SEARCH, ch, &arg)) {
	case ACT_SEARCH_RUN:
		p->typing = 0;
		if (p->search[0])
			find(p, p->top, 1);
		return;
	case ACT_SEARCH_CANCEL:
		p->typing = 0;
		p->search[0] = 0;
		p->note[0] = 0;
		return;
	default:
		break;
	}
	if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len)
		p->search[len - 1] = 0;
	else if (ch >= ' ' && ch < 256 && ch != 127 &&
		 len + 1 < sizeof(p->search)) {
		p->search[len] = (char)ch;
		p->search[len + 1] = 0;
	}
}

int tui_pager_key(struct tui *t, int ch)
{
	struct tui_pager *p = t->pager;
	long page = page_rows(t);
	enum tui_action act;
	int arg;

	if (!p)
		return 0;
	t->dirty |= DIRTY_PROMPT; /* a pass of tui_draw redraws the pager */
	if (p->typing) {
		search_key(p, ch);
		return 1;
	}
	act = tui_key_action(KEYS_PAGER, ch, &arg);
	/* n and N once there is a search: before, they type as letters */
	if ((act == ACT_SEARCH_NEXT || act == ACT_SEARCH_PREV) && !p->search[0])
		act = ACT_NONE;
	switch (act) {
	case ACT_UP:
		p->top--;
		break;
	case ACT_DOWN:
		p->top++;
		break;
	case ACT_PAGE_UP:
		p->top -= page - 1;
		break;
	case ACT_PAGE_DOWN:
		p->top += page - 1;
		break;
	case ACT_HOME:
		p->top = 0;
		break;
	case ACT_END:
		p->top = (long)p->n;
		break;
	case ACT_SEARCH:
		p->typing = 1;
		p->search[0] = 0;
		p->note[0] = 0;
		break;
	case ACT_SEARCH_NEXT:
	case ACT_SEARCH_PREV:
		/* from the last match (or the top line) on */
		find(p,
		     (p->match >= 0 ? p->match : p->top) +
			 (act == ACT_SEARCH_NEXT ? 1 : -1),
		     act == ACT_SEARCH_NEXT ? 1 : -1);
		break;
	case ACT_PAGER_CLOSE:
		tui_pager_close(t);
		return 1;
	default:
		/* any other key closes the pager; a printable one is typed at
		 * the prompt, as with the help; the others act as usual */
		tui_pager_close(t);
		if ((ch >= ' ' && ch < 127) || (ch >= 128 && ch < 256)) {
			t->focus = FOCUS_PROMPT;
			tui_prompt_key(ch);
			return 1;
		}
		return 0;
	}
	return 1;
}

/* Line s from cell 0, cut at width cells with an ellipsis when longer. */
static void put_line(struct tui *t, WINDOW *w, int y, int role, const char *s,
		     int width)
{
	if ((long)cells(s) <= width) {
		tui_putn(t, w, y, 2, role, s, width);
		return;
	}
	tui_putn(t, w, y, 2, role, s, width - 1);
	tui_putn(t, w, y, 1 + width, ROLE_PANEL_DIM,
		 t->utf8 ? "\xe2\x80\xa6" : "~", 1);
}

void tui_pager_draw(struct tui *t)
{
	struct tui_pager *p = t->pager;
	long rows = page_rows(t), last;
	char buf[512];
	int width;

	if (!p)
		return;
	if (!p->w || p->wrows != t->rows - 2 || p->wcols != t->cols - 4) {
		if (p->w)
			delwin(p->w);
		p->wrows = t->rows - 2;
		p->wcols = t->cols - 4;
		p->w = newwin(p->wrows, p->wcols, 1, 2);
		if (!p->w)
			return;
	}
	if (p->top > (long)p->n - rows)
		p->top = (long)p->n - rows;
	if (p->top < 0)
		p->top = 0;
	last = p->top + rows < (long)p->n ? p->top + rows : (long)p->n;
	width = p->wcols - 4;
	wbkgdset(p->w, ' ' | t->attr[ROLE_PANEL_TEXT]);
	werase(p->w);
	wattrset(p->w, t->attr[ROLE_PANEL_FOCUS]);
	box(p->w, 0, 0);
	snprintf(buf, sizeof(buf), " %s: %zu lines (q closes, / searches) ",
		 p->title, p->n);
	tui_putn(t, p->w, 0, 2, ROLE_PANEL_TITLE, buf, p->wcols - 20);
	snprintf(buf, sizeof(buf), " %ld-%ld/%zu ", p->top + 1, last, p->n);
	tui_putn(t, p->w, 0, p->wcols - 2 - (int)strlen(buf), ROLE_PANEL_DIM,
		 buf, (int)strlen(buf));
	for (long i = p->top; i < last; i++)
		put_line(t, p->w, 1 + (int)(i - p->top),
			 i == p->match ? ROLE_MSG_WARN : ROLE_PANEL_TEXT,
			 p->lines[i], width);
	if (p->typing)
		snprintf(buf, sizeof(buf), " /%s_ ", p->search);
	else if (p->note[0])
		snprintf(buf, sizeof(buf), " %s ", p->note);
	else
		snprintf(buf, sizeof(buf), " %s",
			 last < (long)p->n ? "PgDn: more " : "(end) ");
	tui_putn(t, p->w, p->wrows - 1, 2, ROLE_PANEL_TITLE, buf, p->wcols - 4);
	wnoutrefresh(p->w);
}

/*
 * table.c - the table widget's model (see table.h).  Pure: no curses.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct tui_table *tui_table_new(enum tui_table_kind kind, const char *title)
{
	struct tui_table *tb = calloc(1, sizeof(*tb));

	if (!tb)
		return NULL;
	tb->kind = kind;
	tb->sort_col = -1;
	snprintf(tb->title, sizeof(tb->title), "%s", title);
	return tb;
}

static void clear_rows(struct tui_table *tb)
{
	for (size_t i = 0; i < tb->nrows; i++)
		for (int c = 0; c < tb->ncols; c++)
			free(tb->rows[i].cell[c]);
	tb->nrows = 0;
}

void tui_table_free(struct tui_table *tb)
{
	if (!tb)
		return;
	clear_rows(tb);
	free(tb->rows);
	free(tb->order);
	if (tb->src.free)
		tb->src.free(tb->src.ctx);
	if (tb->owner_free)
		tb->owner_free(tb->owner);
	free(tb);
}

int tui_table_add_col(struct tui_table *tb, const char *name, int right,
		      int sort_key, int desc)
{
	struct tui_table_col *c;

	if (tb->ncols >= TUI_TABLE_MAX_COLS)
		return -1;
	c = &tb->col[tb->ncols];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->width = (int)strlen(c->name);
	c->right = right;
	c->sort_key = sort_key;
	c->desc = desc;
	return tb->ncols++;
}

/* Display cells of a UTF-8 text. */
static int cells(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Append a row (texts copied) to the held rows. */
static struct tui_table_row *append(struct tui_table *tb,
				    const char *const *text)
{
	struct tui_table_row *r;

	if (tb->nrows == tb->caprows) {
		size_t cap = tb->caprows ? 2 * tb->caprows : 64;
		struct tui_table_row *n = realloc(tb->rows, cap * sizeof(*n));
		size_t *o =
		    tb->lazy ? tb->order : realloc(tb->order, cap * sizeof(*o));
		if (!n)
			return NULL;
		tb->rows = n;
		if (!o && !tb->lazy)
			return NULL;
		tb->order = o;
		tb->caprows = cap;
	}
	r = &tb->rows[tb->nrows];
	memset(r, 0, sizeof(*r));
	for (int c = 0; c < tb->ncols; c++) {
		const char *s = text[c] ? text[c] : "";
		if (!(r->cell[c] = strdup(s))) {
			while (c-- > 0)
				free(r->cell[c]);
			return NULL;
		}
		if (cells(s) > tb->col[c].width)
			tb->col[c].width = cells(s);
	}
	r->seq = tb->seq++;
	tb->nrows++;
	return r;
}

/* Whether row a goes before row b in the sort order. */
static int before(const struct tui_table *tb, const struct tui_table_row *a,
		  const struct tui_table_row *b)
{
	if (tb->sort_col >= 0) {
		double x = a->num[tb->sort_col], y = b->num[tb->sort_col];
		if (isnan(x) != isnan(y))
			return isnan(y); /* NaN last */
		if (x != y && !isnan(x))
			return tb->sort_desc ? x > y : x < y;
		for (int k = 0; k < tb->ntie; k++) {
			x = a->num[tb->tie[k]];
			y = b->num[tb->tie[k]];
			if (x != y)
				return x < y;
		}
	}
	return a->seq < b->seq;
}

/* Merge sort of the display order (stable, n log n). */
static void sort_order(const struct tui_table *tb, size_t *v, size_t *tmp,
		       size_t n)
{
	size_t h = n / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	sort_order(tb, v, tmp, h);
	sort_order(tb, v + h, tmp, n - h);
	while (i < h && j < n)
		tmp[k++] = before(tb, &tb->rows[v[j]], &tb->rows[v[i]])
			       ? v[j++]
			       : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

int tui_table_add_row(struct tui_table *tb, const char *const *cells_,
		      const double *nums)
{
	struct tui_table_row *r;
	size_t at, idx;

	if (tb->lazy || !(r = append(tb, cells_)))
		return -1;
	for (int c = 0; c < tb->ncols; c++)
		r->num[c] = nums ? nums[c] : 0;
	idx = tb->nrows - 1;
	/* its place in the order: after every row that goes before it */
	at = idx;
	while (at > 0 && before(tb, r, &tb->rows[tb->order[at - 1]]))
		at--;
	memmove(tb->order + at + 1, tb->order + at,
		(idx - at) * sizeof(size_t));
	tb->order[at] = idx;
	/* the cursor stays on its row; on the first row it stays there (a
	 * ranking filling in: the best so far) */
	if (idx > 0 && tb->cur > 0 && at <= tb->cur)
		tb->cur++;
	tb->total = tb->nrows;
	return 0;
}

int tui_table_put(struct tui_table *tb, const char *const *cells_)
{
	return tb->lazy && append(tb, cells_) ? 0 : -1;
}

void tui_table_set_source(struct tui_table *tb,
			  const struct tui_table_source *src, uint64_t limit,
			  uint64_t total_hint)
{
	tb->src = *src;
	tb->lazy = 1;
	tb->limit = limit;
	tb->total = total_hint;
	if (limit && (!total_hint || total_hint > limit))
		tb->total = limit;
	tb->total_known = total_hint > 0;
	tb->wfirst = 0;
	tb->top = tb->cur = 0;
}

uint64_t tui_table_count(const struct tui_table *tb)
{
	return tb->total;
}

void tui_table_sort(struct tui_table *tb, int c, int desc)
{
	size_t *tmp;
	uint64_t cur_row = tb->nrows ? tb->order[tb->cur] : 0;

	if (tb->lazy || c < 0 || c >= tb->ncols)
		return;
	tb->sort_col = c;
	tb->sort_desc = desc;
	if (!(tmp = malloc((tb->nrows ? tb->nrows : 1) * sizeof(*tmp))))
		return;
	sort_order(tb, tb->order, tmp, tb->nrows);
	free(tmp);
	/* the cursor follows its row */
	for (size_t i = 0; i < tb->nrows; i++)
		if (tb->order[i] == cur_row)
			tb->cur = i;
}

int tui_table_sort_key(struct tui_table *tb, int key)
{
	for (int c = 0; !tb->lazy && c < tb->ncols; c++) {
		if (tb->col[c].sort_key != key)
			continue;
		tui_table_sort(tb, c,
			       tb->sort_col == c ? !tb->sort_desc
						 : tb->col[c].desc);
		return c;
	}
	return -1;
}

void tui_table_move(struct tui_table *tb, enum tui_table_move m, int page)
{
	uint64_t n = tui_table_count(tb),
		 step = page > 1 ? (uint64_t)page - 1 : 1;

	switch (m) {
	case TABLE_UP:
		tb->cur -= tb->cur > 0;
		break;
	case TABLE_DOWN:
		tb->cur++;
		break;
	case TABLE_PAGE_UP:
		tb->cur = tb->cur > step ? tb->cur - step : 0;
		tb->top = tb->top > step ? tb->top - step : 0;
		break;
	case TABLE_PAGE_DOWN:
		tb->cur += step;
		tb->top += step;
		break;
	case TABLE_HOME:
		tb->cur = 0;
		break;
	case TABLE_END:
		tb->cur = n ? n - 1 : 0;
		break;
	}
	if (n && tb->cur >= n)
		tb->cur = n - 1;
	if (!n)
		tb->cur = 0;
}

/* Fetch the window around tb->top from the source. */
static int fetch(struct tui_table *tb, int page)
{
	uint64_t first =
		     tb->top > (uint64_t)page ? tb->top - (uint64_t)page : 0,
		 total = 0;
	size_t n = 4 * (size_t)(page > 0 ? page : 1);
	long got;

	if (tb->total_known && first + n > tb->total)
		n = (size_t)(tb->total - first);
	clear_rows(tb);
	tb->wfirst = first;
	tb->fetches++;
	tb->err[0] = 0;
	got = tb->src.fetch(tb->src.ctx, tb, first, n, &total, tb->err,
			    sizeof(tb->err));
	if (got < 0)
		return -1;
	if (total || (size_t)got < n) { /* the end is known now */
		uint64_t t = total ? total : first + (uint64_t)got;
		if (tb->limit && t > tb->limit)
			t = tb->limit;
		tb->total = t;
		tb->total_known = 1;
	}
	return 0;
}

int tui_table_view(struct tui_table *tb, int page)
{
	uint64_t n = tui_table_count(tb), last;

	if (page < 1)
		page = 1;
	if (tb->cur < tb->top)
		tb->top = tb->cur;
	if (tb->cur >= tb->top + (uint64_t)page)
		tb->top = tb->cur - (uint64_t)page + 1;
	if (n > (uint64_t)page && tb->top > n - (uint64_t)page)
		tb->top = n - (uint64_t)page;
	if (n <= (uint64_t)page)
		tb->top = 0;
	if (!tb->lazy || n == 0)
		return 0;
	last = tb->top + (uint64_t)page < n ? tb->top + (uint64_t)page : n;
	if (tb->top >= tb->wfirst && last <= tb->wfirst + tb->nrows)
		return 0;
	if (fetch(tb, page) < 0)
		return -1;
	/* the source ended before the view: pull it back */
	if (tb->cur >= tb->total && tb->total) {
		tb->cur = tb->total - 1;
		return tui_table_view(tb, page);
	}
	return 0;
}

const struct tui_table_row *tui_table_row_at(const struct tui_table *tb,
					     uint64_t i)
{
	if (tb->lazy) {
		if (i < tb->wfirst || i - tb->wfirst >= tb->nrows)
			return NULL;
		return &tb->rows[i - tb->wfirst];
	}
	return i < tb->nrows ? &tb->rows[tb->order[i]] : NULL;
}

/*
 * table.h - the workbench's table widget: a scrollable, sortable table
 * shown over the objects and chart panels, used by `top` (groups),
 * `show records` (records of a dataset or view) and `select` (the live
 * ranking of structures).
 *
 *   table.c       the model (pure, unit-tested): columns, rows held in
 *                 memory or fetched on demand a window at a time, the
 *                 sort order, the cursor and the rows in view
 *   table-draw.c  drawing it and its keys (curses, workbench.h)
 *   table-top.c, table-records.c, table-select.c  the three tables
 *
 * Rows held in memory can be sorted by any column that has a sort key
 * (its numeric values; NaN last), ties by the tie columns, then by the
 * order the rows came in.  Rows fetched on demand (a source) stay in
 * their own order: the model keeps a window of them around the rows in
 * view and fetches another when the view leaves it.
 */
#ifndef FM_TUI_TABLE_H
#define FM_TUI_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define TUI_TABLE_MAX_COLS 12

struct tui_table_col {
	char name[24];
	int width;    /* cells: the widest text seen (at least the name) */
	int right;    /* right-aligned (numbers) */
	int sort_key; /* the key that sorts by it (0: none) */
	int desc;     /* sorts largest first by default */
};

struct tui_table_row {
	char *cell[TUI_TABLE_MAX_COLS]; /* malloc'ed texts */
	double num[TUI_TABLE_MAX_COLS]; /* values the sort compares */
	uint64_t seq;			/* arrival order */
};

struct tui_table;
/*
 * Rows on demand: put rows first .. first+n-1 with tui_table_put (fewer
 * at the end) and return how many, or -1 with a message in err.  *total
 * is set once the number of rows is known (else left alone).
 */
struct tui_table_source {
	long (*fetch)(void *ctx, struct tui_table *tb, uint64_t first, size_t n,
		      uint64_t *total, char *err, size_t errsize);
	void *ctx;
	void (*free)(void *ctx);
};

/* The three tables (what Enter and the other keys do). */
enum tui_table_kind { TABLE_RECORDS, TABLE_TOP, TABLE_SELECT };

struct tui_table {
	enum tui_table_kind kind;
	char title[192];
	char note[192]; /* the bottom line's message ("" = the hints) */
	int ncols;
	struct tui_table_col col[TUI_TABLE_MAX_COLS];
	int tie[TUI_TABLE_MAX_COLS], ntie; /* tie-break columns, ascending */
	/* rows in memory (a source: the window of rows wfirst ..) */
	struct tui_table_row *rows;
	size_t nrows, caprows;
	size_t *order; /* in memory: display position -> row */
	int sort_col;  /* -1: arrival order */
	int sort_desc;
	/* rows on demand */
	struct tui_table_source src;
	int lazy;
	uint64_t total;	 /* rows (a source: known or the limit) */
	int total_known; /* a source's end was seen */
	uint64_t limit;	 /* a source: at most this many rows (0: all) */
	uint64_t wfirst; /* first row of the window */
	unsigned long fetches;
	char err[160]; /* the last fetch's error */
	/* the view */
	uint64_t top, cur; /* first row shown, the cursor's row */
	uint64_t seq;
	/* the owner's state (table-*.c), freed with the table */
	void *owner;
	void (*owner_free)(void *owner);
};

/* A new empty table; NULL when out of memory. */
struct tui_table *tui_table_new(enum tui_table_kind kind, const char *title);
void tui_table_free(struct tui_table *tb);
/* Add a column; returns its index or -1 (too many). */
int tui_table_add_col(struct tui_table *tb, const char *name, int right,
		      int sort_key, int desc);
/*
 * Add a row in memory (cells[ncols] copied, nums[ncols] or NULL: 0s); it
 * takes its place in the current sort order.  The cursor keeps its row,
 * except on the first row, where it stays (the best of a ranking that
 * fills in).  0 or -1 (out of memory).
 */
int tui_table_add_row(struct tui_table *tb, const char *const *cells,
		      const double *nums);
/* From a source's fetch: put the next row of the window. */
int tui_table_put(struct tui_table *tb, const char *const *cells);
/*
 * Rows on demand from src (the table takes it); limit: at most that
 * many (0 = all); total_hint: the number of rows when known (0 =
 * unknown: the table learns it at the end).
 */
void tui_table_set_source(struct tui_table *tb,
			  const struct tui_table_source *src, uint64_t limit,
			  uint64_t total_hint);
/* Rows in the table (a source: as far as known). */
uint64_t tui_table_count(const struct tui_table *tb);
/*
 * Sort by the column whose sort key is key: the first press its own
 * direction, the same key again the other.  Returns the column, or -1
 * (no such column, or rows on demand: not sortable).
 */
int tui_table_sort_key(struct tui_table *tb, int key);
/* Sort by column c (desc: largest first). */
void tui_table_sort(struct tui_table *tb, int c, int desc);

enum tui_table_move {
	TABLE_UP,
	TABLE_DOWN,
	TABLE_PAGE_UP,
	TABLE_PAGE_DOWN,
	TABLE_HOME,
	TABLE_END
};
/* Move the cursor; page = the rows in view. */
void tui_table_move(struct tui_table *tb, enum tui_table_move m, int page);
/*
 * Make the page rows from tb->top on available (scrolling so the cursor
 * is in view, fetching a window from a source when they are not in the
 * one held: page rows before, the page and two pages after).  0, or -1
 * with tb->err set.
 */
int tui_table_view(struct tui_table *tb, int page);
/* The row at display position i, or NULL (not held). */
const struct tui_table_row *tui_table_row_at(const struct tui_table *tb,
					     uint64_t i);

#endif

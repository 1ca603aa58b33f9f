/*
 * keys.h - the workbench's key bindings: one table (keys.c) that the key
 * handling (workbench.c) and the F1 help (draw.c) both read, so a key
 * and its help line cannot disagree.  Like tmux's key tables, a binding
 * belongs to a table (where the key is read) and names an action.
 */
#ifndef FLOWMODELS_TUI_KEYS_H
#define FLOWMODELS_TUI_KEYS_H

#include <stddef.h>

/* Where a key is read, in the order handle_key tries them. */
enum tui_keys_table {
	KEYS_ANY,     /* everywhere, before overlays and panels */
	KEYS_HELP,    /* the help overlay */
	KEYS_FOCUS,   /* the prompt or a panel (overlays closed) */
	KEYS_PANEL,   /* any panel (not the prompt) */
	KEYS_INFO,    /* the info panel */
	KEYS_OBJECTS, /* the objects panel */
	KEYS_CHART,   /* the chart panel */
	KEYS_PAGER,   /* the pager overlay (long output) */
	KEYS_SEARCH,  /* typing a search of the pager */
	KEYS_TABLE,   /* an open table (top, show records, select) */
};

enum tui_action {
	ACT_NONE,
	ACT_HELP_TOGGLE,
	ACT_HELP_OPEN,
	ACT_HELP_CLOSE,
	ACT_CANCEL,
	ACT_REDRAW,
	ACT_QUIT,
	ACT_FOCUS_NEXT,
	ACT_FOCUS_PREV,
	ACT_FOCUS_PROMPT,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_VIEW, /* arg: the chart view */
	ACT_DAY_PREV,
	ACT_DAY_NEXT,
	ACT_INFO,
	ACT_FIT,
	ACT_REFIT, /* r: fit the set again from its mixture (refit.h) */
	ACT_EXPORT,
	ACT_GENERATE,
	ACT_DROP,
	ACT_PAGER_CLOSE,
	ACT_SEARCH,	 /* start typing a search */
	ACT_SEARCH_NEXT, /* the next match */
	ACT_SEARCH_PREV, /* the previous match */
	ACT_SEARCH_RUN,	 /* the search typed: find it */
	ACT_SEARCH_CANCEL,
	ACT_SCALE, /* arg: 0 x, 1 y: toggle log / linear */
	ACT_ZOOM,  /* arg: 0 x in, 1 x out, 2 y in, 3 y out */
	ACT_PAN,   /* arg: 0 left, 1 right, 2 up, 3 down */
	ACT_AXES_RESET,
	ACT_CURSOR,	  /* arg: -1 left, 1 right, -2 first, 2 last, 0 off */
	ACT_SHOW_TOGGLE,  /* the selected object in or out of the `show` set */
	ACT_EXPORT_CHART, /* put `export chart ... -O ` on the prompt */
	ACT_PREVIEW,	  /* the chart as an image (sixel) */
	ACT_SORT,	  /* arg: the key a table column sorts by */
	ACT_TABLE_ENTER,
	ACT_TABLE_KEEP,
	ACT_TABLE_CLOSE,
	ACT_TABLE_HSCROLL, /* arg: -1 left, 1 right */
};

/* The action of key ch in table tb (ACT_NONE: unbound); *arg its argument. */
enum tui_action tui_key_action(enum tui_keys_table tb, int ch, int *arg);

/*
 * The lines of the "Keys" section of the help, from the same table:
 * "  LABEL  TEXT" with the text's further lines indented.  Returns the
 * number of lines; writes up to max of them (static strings or NULL on
 * memory exhaustion: the caller frees each) into out when out is not NULL.
 */
size_t tui_key_help(char **out, size_t max);

/*
 * 0, or -1 when a key is bound twice in one table (the second binding
 * could never run), with the table and key in msg (for the tests).
 */
int tui_key_check(char *msg, size_t size);

#endif

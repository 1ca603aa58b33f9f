/*
 * keys.c - the workbench's key table (see keys.h).  Each row is one entry
 * of the help's "Keys" section and the bindings it describes.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "keys.h"

struct binding {
	enum tui_keys_table tb;
	int key;
	enum tui_action act;
	int arg;
};

#define NBIND 24

struct keyrow {
	const char *label;	    /* the keys as the help names them */
	const char *text;	    /* what they do; '\n' starts a line */
	struct binding bind[NBIND]; /* ended by key 0 */
};

static const struct keyrow rows[] = {
    {"F1, ? in a panel",
     "this help (Esc or F1 closes it; typing closes it too)",
     {{KEYS_ANY, KEY_F(1), ACT_HELP_TOGGLE, 0},
      {KEYS_PANEL, '?', ACT_HELP_OPEN, 0},
      {KEYS_HELP, 27, ACT_HELP_CLOSE, 0},
      {KEYS_HELP, '\r', ACT_HELP_CLOSE, 0},
      {KEYS_HELP, '\n', ACT_HELP_CLOSE, 0},
      {KEYS_HELP, KEY_ENTER, ACT_HELP_CLOSE, 0}}},
    {"Tab / Shift-Tab",
     "next / previous panel: prompt, objects, chart,\n"
     "info (in the prompt Tab completes, a second Tab\n"
     "lists the candidates; on an empty line it moves\n"
     "to the objects panel)",
     {{KEYS_FOCUS, '\t', ACT_FOCUS_NEXT, 0},
      {KEYS_FOCUS, KEY_BTAB, ACT_FOCUS_PREV, 0}}},
    {"Esc or :",
     "back to the prompt (from a panel)",
     {{KEYS_PANEL, 27, ACT_FOCUS_PROMPT, 0},
      {KEYS_PANEL, ':', ACT_FOCUS_PROMPT, 0}}},
    {"Up Down PgUp PgDn",
     "select an object / scroll the messages, the\n"
     "pager or a table; history in the prompt",
     {{KEYS_OBJECTS, KEY_UP, ACT_UP, 0},
      {KEYS_OBJECTS, KEY_DOWN, ACT_DOWN, 0},
      {KEYS_INFO, KEY_UP, ACT_UP, 0},
      {KEYS_INFO, KEY_DOWN, ACT_DOWN, 0},
      {KEYS_INFO, KEY_PPAGE, ACT_PAGE_UP, 0},
      {KEYS_INFO, KEY_NPAGE, ACT_PAGE_DOWN, 0},
      {KEYS_HELP, KEY_UP, ACT_UP, 0},
      {KEYS_HELP, KEY_DOWN, ACT_DOWN, 0},
      {KEYS_HELP, KEY_PPAGE, ACT_PAGE_UP, 0},
      {KEYS_HELP, KEY_NPAGE, ACT_PAGE_DOWN, 0},
      {KEYS_PAGER, KEY_UP, ACT_UP, 0},
      {KEYS_PAGER, KEY_DOWN, ACT_DOWN, 0},
      {KEYS_PAGER, KEY_PPAGE, ACT_PAGE_UP, 0},
      {KEYS_PAGER, KEY_NPAGE, ACT_PAGE_DOWN, 0},
      {KEYS_TABLE, KEY_UP, ACT_UP, 0},
      {KEYS_TABLE, KEY_DOWN, ACT_DOWN, 0},
      {KEYS_TABLE, KEY_PPAGE, ACT_PAGE_UP, 0},
      {KEYS_TABLE, KEY_NPAGE, ACT_PAGE_DOWN, 0}}},
    {"Home End",
     "first / last object or message; the pager's\n"
     "top / end; a table's first / last row",
     {{KEYS_OBJECTS, KEY_HOME, ACT_HOME, 0},
      {KEYS_OBJECTS, KEY_END, ACT_END, 0},
      {KEYS_INFO, KEY_HOME, ACT_HOME, 0},
      {KEYS_INFO, KEY_END, ACT_END, 0},
      {KEYS_HELP, KEY_HOME, ACT_HOME, 0},
      {KEYS_HELP, KEY_END, ACT_END, 0},
      {KEYS_PAGER, KEY_HOME, ACT_HOME, 0},
      {KEYS_PAGER, KEY_END, ACT_END, 0},
      {KEYS_TABLE, KEY_HOME, ACT_HOME, 0},
      {KEYS_TABLE, KEY_END, ACT_END, 0}}},
    {"/ n N (pager)",
     "search the pager's text (Enter finds, Esc\n"
     "cancels); next / previous match (after a /)",
     {{KEYS_PAGER, '/', ACT_SEARCH, 0},
      {KEYS_PAGER, 'n', ACT_SEARCH_NEXT, 0},
      {KEYS_PAGER, 'N', ACT_SEARCH_PREV, 0},
      {KEYS_SEARCH, '\r', ACT_SEARCH_RUN, 0},
      {KEYS_SEARCH, '\n', ACT_SEARCH_RUN, 0},
      {KEYS_SEARCH, KEY_ENTER, ACT_SEARCH_RUN, 0},
      {KEYS_SEARCH, 27, ACT_SEARCH_CANCEL, 0}}},
    {"q Esc Enter (pager)",
     "close the pager (other keys close it too;\n"
     "letters are typed at the prompt)",
     {{KEYS_PAGER, 'q', ACT_PAGER_CLOSE, 0},
      {KEYS_PAGER, 27, ACT_PAGER_CLOSE, 0},
      {KEYS_PAGER, '\r', ACT_PAGER_CLOSE, 0},
      {KEYS_PAGER, '\n', ACT_PAGER_CLOSE, 0},
      {KEYS_PAGER, KEY_ENTER, ACT_PAGER_CLOSE, 0}}},
    {"Enter or i (objects)",
     "info of the selected object",
     {{KEYS_OBJECTS, '\r', ACT_INFO, 0},
      {KEYS_OBJECTS, '\n', ACT_INFO, 0},
      {KEYS_OBJECTS, KEY_ENTER, ACT_INFO, 0},
      {KEYS_OBJECTS, 'i', ACT_INFO, 0}}},
    {"Space (objects)",
     "put the selected object on the chart with the\n"
     "others shown, or take it off (runs show A B ...;\n"
     "show alone: back to the selected object)",
     {{KEYS_OBJECTS, ' ', ACT_SHOW_TOGGLE, 0}}},
    {"f (objects)",
     "the fit view of the selected histogram",
     {{KEYS_OBJECTS, 'f', ACT_FIT, 0}}},
    {"e, g, d (objects)",
     "put export / generate / drop NAME on the prompt",
     {{KEYS_OBJECTS, 'e', ACT_EXPORT, 0},
      {KEYS_OBJECTS, 'g', ACT_GENERATE, 0},
      {KEYS_OBJECTS, 'd', ACT_DROP, 0}}},
    {"1-7 (panels), F2-F8",
     "chart view: PDF flows, PDF packets, PDF octets,\n"
     "CDF, averages, packet size, time series",
     {{KEYS_PANEL, '1', ACT_VIEW, 0},
      {KEYS_PANEL, '2', ACT_VIEW, 1},
      {KEYS_PANEL, '3', ACT_VIEW, 2},
      {KEYS_PANEL, '4', ACT_VIEW, 3},
      {KEYS_PANEL, '5', ACT_VIEW, 4},
      {KEYS_PANEL, '6', ACT_VIEW, 5},
      {KEYS_PANEL, '7', ACT_VIEW, 6},
      {KEYS_ANY, KEY_F(2), ACT_VIEW, 0},
      {KEYS_ANY, KEY_F(3), ACT_VIEW, 1},
      {KEYS_ANY, KEY_F(4), ACT_VIEW, 2},
      {KEYS_ANY, KEY_F(5), ACT_VIEW, 3},
      {KEYS_ANY, KEY_F(6), ACT_VIEW, 4},
      {KEYS_ANY, KEY_F(7), ACT_VIEW, 5},
      {KEYS_ANY, KEY_F(8), ACT_VIEW, 6}}},
    {"x y (panels)",
     "x / y axis log <-> linear (set xscale, yscale)",
     {{KEYS_PANEL, 'x', ACT_SCALE, 0}, {KEYS_PANEL, 'y', ACT_SCALE, 1}}},
    {"+ - < > (panels)",
     "zoom in / out on x (+ -) and on y (> <)\n"
     "(set xrange, yrange)",
     {{KEYS_PANEL, '+', ACT_ZOOM, 0},
      {KEYS_PANEL, '=', ACT_ZOOM, 0},
      {KEYS_PANEL, '-', ACT_ZOOM, 1},
      {KEYS_PANEL, '>', ACT_ZOOM, 2},
      {KEYS_PANEL, '<', ACT_ZOOM, 3}}},
    {"Shift-arrows (panels)",
     "pan the chart: Shift-Left/Right on x,\n"
     "Shift-Up/Down on y",
     {{KEYS_PANEL, KEY_SLEFT, ACT_PAN, 0},
      {KEYS_PANEL, KEY_SRIGHT, ACT_PAN, 1},
      {KEYS_PANEL, KEY_SR, ACT_PAN, 2},
      {KEYS_PANEL, KEY_SF, ACT_PAN, 3}}},
    {"Left Right Home End",
     "(chart) a cursor on the bins and the value of\n"
     "every series there; Esc leaves the panel",
     {{KEYS_CHART, KEY_LEFT, ACT_CURSOR, -1},
      {KEYS_CHART, KEY_RIGHT, ACT_CURSOR, 1},
      {KEYS_CHART, KEY_HOME, ACT_CURSOR, -2},
      {KEYS_CHART, KEY_END, ACT_CURSOR, 2}}},
    {"0 (panels)",
     "the whole data again (xrange, yrange auto)",
     {{KEYS_PANEL, '0', ACT_AXES_RESET, 0}}},
    {"[ ] (panels)",
     "previous / next day of a time series",
     {{KEYS_PANEL, '[', ACT_DAY_PREV, 0}, {KEYS_PANEL, ']', ACT_DAY_NEXT, 0}}},
    {"E (panels)",
     "export the chart on screen: puts `export chart\n"
     "OBJ -O ` on the prompt; type FILE.png, .svg,\n"
     ".pdf, .tex or .txt and Enter (recorded)",
     {{KEYS_PANEL, 'E', ACT_EXPORT_CHART, 0}}},
    {"P (panels), preview",
     "the chart as an image in the chart panel\n"
     "(sixel terminals; set preview off|auto|on);\n"
     "the next key or redraw removes it",
     {{KEYS_PANEL, 'P', ACT_PREVIEW, 0}}},
    {"Left Right (tables)",
     "scroll a wide table sideways",
     {{KEYS_TABLE, KEY_LEFT, ACT_TABLE_HSCROLL, -1},
      {KEYS_TABLE, KEY_RIGHT, ACT_TABLE_HSCROLL, 1}}},
    {"f p o (top table)",
     "sort by flows / packets / octets (top cut by\n"
     "-n runs again by that sum; the same key\n"
     "again: the other way round)",
     {{KEYS_TABLE, 'f', ACT_SORT, 'f'},
      {KEYS_TABLE, 'p', ACT_SORT, 'p'},
      {KEYS_TABLE, 'o', ACT_SORT, 'o'}}},
    {"b a s (select table)",
     "rank by BIC / AIC / ks (again: reversed)",
     {{KEYS_TABLE, 'b', ACT_SORT, 'b'},
      {KEYS_TABLE, 'a', ACT_SORT, 'a'},
      {KEYS_TABLE, 's', ACT_SORT, 's'}}},
    {"Enter (tables)",
     "top: a view of the input filtered to the row's\n"
     "key; select: the row's structure in the fit view",
     {{KEYS_TABLE, '\r', ACT_TABLE_ENTER, 0},
      {KEYS_TABLE, '\n', ACT_TABLE_ENTER, 0},
      {KEYS_TABLE, KEY_ENTER, ACT_TABLE_ENTER, 0}}},
    {"k (select table)",
     "keep the row as a mixture: puts fit ... as\n"
     "mU_L_P on the prompt (Enter runs it)",
     {{KEYS_TABLE, 'k', ACT_TABLE_KEEP, 0}}},
    {"Esc q (tables)",
     "close the table (other letters are typed at the\n"
     "prompt; Tab on an empty prompt goes back to it)",
     {{KEYS_TABLE, 27, ACT_TABLE_CLOSE, 0},
      {KEYS_TABLE, 'q', ACT_TABLE_CLOSE, 0}}},
    {"Ctrl-C",
     "cancel the running job (never quits)",
     {{KEYS_ANY, 3, ACT_CANCEL, 0}}},
    {"Ctrl-L", "redraw the screen", {{KEYS_ANY, 12, ACT_REDRAW, 0}}},
    {"r (objects)",
     "re-fit the selected mixture set (or a histogram's\n"
     "newest set) to its histogram's bins now, from\n"
     "its mixture: fit H --from M as M (live models)",
     {{KEYS_OBJECTS, 'r', ACT_REFIT, 0}}},
    {"q (panels), quit",
     "quit (asks while work would be lost)",
     {{KEYS_PANEL, 'q', ACT_QUIT, 0}}},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

enum tui_action tui_key_action(enum tui_keys_table tb, int ch, int *arg)
{
	for (size_t i = 0; i < NROWS; i++)
		for (const struct binding *b = rows[i].bind; b->key; b++)
			if (b->tb == tb && b->key == ch) {
				*arg = b->arg;
				return b->act;
			}
	*arg = 0;
	return ACT_NONE;
}

static size_t put_line(char **out, size_t max, size_t k, const char *label,
		       const char *text, size_t len)
{
	if (out && k < max) {
		struct fm_buf b = FM_BUF_INIT;
		if (label)
			fm_buf_printf(&b, "  %-21s %.*s", label, (int)len,
				      text);
		else
			fm_buf_printf(&b, "%.*s", (int)len, text);
		out[k] = fm_buf_detach(&b);
	}
	return k + 1;
}

size_t tui_key_help(char **out, size_t max)
{
	static const char head[] =
	    "Keys (the prompt has the focus at start and after every command)";
	size_t k = put_line(out, max, 0, NULL, head, strlen(head));

	for (size_t i = 0; i < NROWS; i++) {
		const char *t = rows[i].text, *label = rows[i].label;
		for (;;) {
			const char *nl = strchr(t, '\n');
			size_t len = nl ? (size_t)(nl - t) : strlen(t);
			k = put_line(out, max, k, label, t, len);
			label = "";
			if (!nl)
				break;
			t = nl + 1;
		}
	}
	return k;
}

int tui_key_check(char *msg, size_t size)
{
	for (size_t i = 0; i < NROWS; i++)
		for (const struct binding *b = rows[i].bind; b->key; b++)
			for (size_t j = i; j < NROWS; j++)
				for (const struct binding *c =
					 j == i ? b + 1 : rows[j].bind;
				     c->key; c++)
					if (c->tb == b->tb &&
					    c->key == b->key) {
						snprintf(msg, size,
							 "key %d bound twice "
							 "in table %d (%s, %s)",
							 b->key, (int)b->tb,
							 rows[i].label,
							 rows[j].label);
						return -1;
					}
	return 0;
}

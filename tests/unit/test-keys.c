/*
 * test-keys.c - the workbench's key table (src/tui/keys.c): the help's
 * "Keys" lines come from it word for word as before the table existed,
 * the keys the help names are bound to what it says, and no key is bound
 * twice in one table.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "keys.h"

/* The Keys section of the help, word for word. */
static const char *const expected[] = {
    "Keys (the prompt has the focus at start and after every command)",
    "  F1, ? in a panel      this help (Esc or F1 closes it; typing closes it too)",
    "  Tab / Shift-Tab       next / previous panel: prompt, objects, chart,",
    "                        info (in the prompt Tab completes, a second Tab",
    "                        lists the candidates; on an empty line it moves",
    "                        to the objects panel)",
    "  Esc or :              back to the prompt (from a panel)",
    "  Up Down PgUp PgDn     select an object / scroll the messages, the",
    "                        pager or a table; history in the prompt",
    "  Home End              first / last object or message; the pager's",
    "                        top / end; a table's first / last row",
    "  / n N (pager)         search the pager's text (Enter finds, Esc",
    "                        cancels); next / previous match (after a /)",
    "  q Esc Enter (pager)   close the pager (other keys close it too;",
    "                        letters are typed at the prompt)",
    "  Enter or i (objects)  info of the selected object",
    "  Space (objects)       put the selected object on the chart with the",
    "                        others shown, or take it off (runs show A B ...;",
    "                        show alone: back to the selected object)",
    "  f (objects)           the fit view of the selected histogram",
    "  e, g, d (objects)     put export / generate / drop NAME on the prompt",
    "  1-7 (panels), F2-F8   chart view: PDF flows, PDF packets, PDF octets,",
    "                        CDF, averages, packet size, time series",
    "  x y (panels)          x / y axis log <-> linear (set xscale, yscale)",
    "  + - < > (panels)      zoom in / out on x (+ -) and on y (> <)",
    "                        (set xrange, yrange)",
    "  Shift-arrows (panels) pan the chart: Shift-Left/Right on x,",
    "                        Shift-Up/Down on y",
    "  Left Right Home End   (chart) a cursor on the bins and the value of",
    "                        every series there; Esc leaves the panel",
    "  0 (panels)            the whole data again (xrange, yrange auto)",
    "  [ ] (panels)          previous / next day of a time series",
    "  E (panels)            export the chart on screen: puts `export chart",
    "                        OBJ -O ` on the prompt; type FILE.png, .svg,",
    "                        .pdf, .tex or .txt and Enter (recorded)",
    "  P (panels), preview   the chart as an image in the chart panel",
    "                        (sixel terminals; set preview off|auto|on);",
    "                        the next key or redraw removes it",
    "  Left Right (tables)   scroll a wide table sideways",
    "  f p o (top table)     sort by flows / packets / octets (top cut by",
    "                        -n runs again by that sum; the same key",
    "                        again: the other way round)",
    "  b a s (select table)  rank by BIC / AIC / ks (again: reversed)",
    "  Enter (tables)        top: a view of the input filtered to the row's",
    "                        key; select: the row's structure in the fit view",
    "  k (select table)      keep the row as a mixture: puts fit ... as",
    "                        mU_L_P on the prompt (Enter runs it)",
    "  Esc q (tables)        close the table (other letters are typed at the",
    "                        prompt; Tab on an empty prompt goes back to it)",
    "  Ctrl-C                cancel the running job (never quits)",
    "  Ctrl-L                redraw the screen",
    "  r (objects)           re-fit the selected mixture set (or a histogram's",
    "                        newest set) to its histogram's bins now, from",
    "                        its mixture: fit H --from M as M (live models)",
    "  q (panels), quit      quit (asks while work would be lost)",
};
#define NEXP (sizeof(expected) / sizeof(expected[0]))

static void test_help_lines(void **state)
{
	char *v[64];
	size_t n = tui_key_help(NULL, 0);

	(void)state;
	assert_int_equal(n, NEXP);
	assert_int_equal(tui_key_help(v, 64), n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i], expected[i]);
		free(v[i]);
	}
	/* a short array gets the first lines only */
	assert_int_equal(tui_key_help(v, 2), n);
	assert_string_equal(v[1], expected[1]);
	free(v[0]);
	free(v[1]);
}

static void expect(enum tui_keys_table tb, int ch, enum tui_action act, int arg)
{
	int a = -1;
	assert_int_equal(tui_key_action(tb, ch, &a), act);
	assert_int_equal(a, arg);
}

static void test_bindings(void **state)
{
	(void)state;
	expect(KEYS_ANY, KEY_F(1), ACT_HELP_TOGGLE, 0);
	expect(KEYS_PANEL, 'E', ACT_EXPORT_CHART, 0);
	expect(KEYS_PANEL, 'P', ACT_PREVIEW, 0);
	expect(KEYS_PANEL, '?', ACT_HELP_OPEN, 0);
	expect(KEYS_HELP, 27, ACT_HELP_CLOSE, 0);
	expect(KEYS_FOCUS, '\t', ACT_FOCUS_NEXT, 0);
	expect(KEYS_FOCUS, KEY_BTAB, ACT_FOCUS_PREV, 0);
	expect(KEYS_PANEL, ':', ACT_FOCUS_PROMPT, 0);
	expect(KEYS_OBJECTS, 'i', ACT_INFO, 0);
	expect(KEYS_OBJECTS, 'f', ACT_FIT, 0);
	expect(KEYS_OBJECTS, 'd', ACT_DROP, 0);
	for (int v = 0; v < 7; v++) {
		expect(KEYS_PANEL, '1' + v, ACT_VIEW, v);
		expect(KEYS_ANY, KEY_F(2 + v), ACT_VIEW, v);
	}
	expect(KEYS_PANEL, '8', ACT_NONE, 0);
	expect(KEYS_PANEL, 'x', ACT_SCALE, 0);
	expect(KEYS_PANEL, 'y', ACT_SCALE, 1);
	expect(KEYS_PANEL, '+', ACT_ZOOM, 0);
	expect(KEYS_PANEL, '-', ACT_ZOOM, 1);
	expect(KEYS_PANEL, '>', ACT_ZOOM, 2);
	expect(KEYS_PANEL, '<', ACT_ZOOM, 3);
	expect(KEYS_PANEL, KEY_SLEFT, ACT_PAN, 0);
	expect(KEYS_PANEL, KEY_SF, ACT_PAN, 3);
	expect(KEYS_PANEL, '0', ACT_AXES_RESET, 0);
	expect(KEYS_FOCUS, 'x', ACT_NONE, 0);
	expect(KEYS_CHART, KEY_LEFT, ACT_CURSOR, -1);
	expect(KEYS_CHART, KEY_END, ACT_CURSOR, 2);
	expect(KEYS_PANEL, KEY_LEFT, ACT_NONE, 0);
	expect(KEYS_ANY, KEY_F(9), ACT_NONE, 0);
	expect(KEYS_ANY, 3, ACT_CANCEL, 0);
	expect(KEYS_ANY, 12, ACT_REDRAW, 0);
	expect(KEYS_PANEL, 'q', ACT_QUIT, 0);
	/* the pager: scrolling, search, closing */
	expect(KEYS_PAGER, KEY_UP, ACT_UP, 0);
	/* the tables: what the help's table rows say */
	expect(KEYS_TABLE, KEY_NPAGE, ACT_PAGE_DOWN, 0);
	expect(KEYS_TABLE, KEY_END, ACT_END, 0);
	expect(KEYS_TABLE, KEY_RIGHT, ACT_TABLE_HSCROLL, 1);
	expect(KEYS_TABLE, 'p', ACT_SORT, 'p');
	expect(KEYS_TABLE, 's', ACT_SORT, 's');
	expect(KEYS_TABLE, '\r', ACT_TABLE_ENTER, 0);
	expect(KEYS_TABLE, 'k', ACT_TABLE_KEEP, 0);
	expect(KEYS_TABLE, 27, ACT_TABLE_CLOSE, 0);
	expect(KEYS_TABLE, 'q', ACT_TABLE_CLOSE, 0);
	expect(KEYS_PAGER, KEY_NPAGE, ACT_PAGE_DOWN, 0);
	expect(KEYS_PAGER, KEY_PPAGE, ACT_PAGE_UP, 0);
	expect(KEYS_PAGER, KEY_HOME, ACT_HOME, 0);
	expect(KEYS_PAGER, KEY_END, ACT_END, 0);
	expect(KEYS_PAGER, '/', ACT_SEARCH, 0);
	expect(KEYS_PAGER, 'n', ACT_SEARCH_NEXT, 0);
	expect(KEYS_PAGER, 'N', ACT_SEARCH_PREV, 0);
	expect(KEYS_PAGER, 'q', ACT_PAGER_CLOSE, 0);
	expect(KEYS_PAGER, 27, ACT_PAGER_CLOSE, 0);
	expect(KEYS_PAGER, '\r', ACT_PAGER_CLOSE, 0);
	expect(KEYS_PAGER, 'x', ACT_NONE, 0); /* typed at the prompt */
	expect(KEYS_SEARCH, '\r', ACT_SEARCH_RUN, 0);
	expect(KEYS_SEARCH, 27, ACT_SEARCH_CANCEL, 0);
	expect(KEYS_SEARCH, 'q', ACT_NONE, 0); /* part of the search */
	/* q types at the prompt: no table the prompt reads binds it */
	expect(KEYS_FOCUS, 'q', ACT_NONE, 0);
	expect(KEYS_ANY, 'q', ACT_NONE, 0);
}

static void test_no_double_binding(void **state)
{
	char msg[256] = "";

	(void)state;
	if (tui_key_check(msg, sizeof(msg)) < 0)
		fail_msg("%s", msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help_lines),
	    cmocka_unit_test(test_bindings),
	    cmocka_unit_test(test_no_double_binding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * pager.h - the pager overlay: output longer than the message area (help
 * COMMAND, info, list, summary, gof tables, completion lists, ...) also
 * opens in a scrollable overlay over the panels.  Its keys come from the
 * key table (keys.c, table KEYS_PAGER): Up Down PgUp PgDn Home End
 * scroll, / searches (n N: next and previous match), q Esc Enter close;
 * any other key closes it too: a printable one is typed at the prompt.
 */
#ifndef FM_TUI_PAGER_H
#define FM_TUI_PAGER_H

#include <stddef.h>

struct tui;
struct tui_pager;

/*
 * Open the pager on the n lines (malloc'ed, the array too: the pager
 * takes them) when they take more rows than the message area shows;
 * otherwise free them.  title names the output (e.g. the command).
 */
void tui_pager_offer(struct tui *t, const char *title, char **lines, size_t n);
/* The same for a text of lines ('\n'), tabs expanded, '\r' rewrites. */
void tui_pager_offer_text(struct tui *t, const char *title, const char *text);
void tui_pager_close(struct tui *t);
/* A key while the pager is open: 1 when it used the key, 0 when the key
 * closed it and is to act as usual. */
int tui_pager_key(struct tui *t, int ch);
/* Draw the overlay (after the panels, so on top of them). */
void tui_pager_draw(struct tui *t);

#endif

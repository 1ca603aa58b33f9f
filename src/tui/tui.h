/*
 * tui.h - the workbench's entry points for src/main.c (no curses here).
 */
#ifndef FM_TUI_TUI_H
#define FM_TUI_TUI_H

/* Open the workbench; argv = the workbench options after the program
 * name.  Returns the exit status. */
int tui_main(int argc, char **argv);
/* `flowmodels fit --interactive [fit options] HIST` (argv after "fit"):
 * the workbench on the fit view of HIST.  Returns the exit status. */
int tui_fit_main(int argc, char **argv);
/* Make `export chart` work in session s outside the workbench (a
 * replay: the text chart is 80x24). */
struct session;
void tui_session_charts(struct session *s);
/* Whether arg is a workbench option (--demo, --theme, --color, --charset). */
int tui_is_option(const char *arg);

#endif

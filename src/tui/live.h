/*
 * live.h - the workbench side of live objects (cmd/live.h): the
 * histograms following a collector's directory are updated at most four
 * times a second while no command runs, and their charts redraw; the
 * status line shows each live object's last file, records per second and
 * window.
 */
#ifndef FM_TUI_LIVE_H
#define FM_TUI_LIVE_H

#include "flowmodels/buf.h"

struct tui;

/* Take in new files (when due and idle); marks what changed for redraw. */
void tui_live_tick(struct tui *t);
/* Whether live objects need the main loop to tick often. */
int tui_live_active(struct tui *t);
/* The live part of the status line (empty without live objects). */
void tui_live_status(struct tui *t, struct fm_buf *out);

#endif

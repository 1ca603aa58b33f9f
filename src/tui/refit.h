/*
 * refit.h - the one-key re-fit (r on a mixture set or a histogram, or in
 * the fit view): the set is fitted again to its histogram's current bins
 * from its own mixture (fit --from, a warm start), as a recorded job.
 */
#ifndef FM_TUI_REFIT_H
#define FM_TUI_REFIT_H

struct tui;
struct session;

/*
 * The mixture set that r re-fits for object name: name itself when it is
 * a set fitted to a histogram still in the session, the newest set fitted
 * to it when name is a histogram; NULL otherwise (hold the lock).
 */
struct sess_obj *tui_refit_set(struct session *s, const char *name);
/*
 * Run `fit H -y Y -i N [--mpw W] --from M as M` for name's set: column y
 * (0 flows, 1 packets, 2 octets) when the set has it, else its first;
 * N and W from that mixture's Y.mode.  -1 (and a message) when name has
 * no such set.  Hold no lock.
 */
int tui_refit(struct tui *t, const char *name, int y);

#endif

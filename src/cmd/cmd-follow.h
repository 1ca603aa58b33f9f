/*
 * cmd-follow.h - the one-shot `--follow DIR` form of the tools that make
 * one output from records (hist, series): every closed capture file of
 * DIR, then each one nfcapd closes (flowmodels/follow.h), with the output
 * rewritten atomically after each change, until SIGINT, SIGTERM or SIGHUP.
 *
 * The tool supplies what it does with a file (add: read it as part id;
 * drop: take part id out of the window; write: the output, atomically)
 * and a description of its state for the progress lines.  A file that
 * fails to read (damaged, truncated, not an nfcapd file) is reported as
 * "FILE: skipped: MESSAGE" and the follow goes on; add must leave the
 * tool's state as it was then.
 */
#ifndef FLOWMODELS_CMD_FOLLOW_H
#define FLOWMODELS_CMD_FOLLOW_H

#include "flowmodels/buf.h"
#include "cmd.h"

#define CMD_OPTS_FOLLOW                                                        \
	{OPT_FOLLOW,                                                           \
	 0,                                                                    \
	 "follow",                                                             \
	 CMD_OPT_STR,                                                          \
	 "DIR",                                                                \
	 "read the closed nfcapd files below DIR, then each one "              \
	 "nfcapd closes, rewriting -O after each (no INPUT)",                  \
	 "dir"},                                                               \
	    {OPT_WINDOW,                                                       \
	     0,                                                                \
	     "window",                                                         \
	     CMD_OPT_STR,                                                      \
	     "DURATION",                                                       \
	     "with --follow: keep the files of the last DURATION "             \
	     "of data time (90s, 15m, 1h, 2d; default: all)",                  \
	     NULL},                                                            \
	{                                                                      \
		OPT_POLL, 0, "poll", CMD_OPT_INT, "MS",                        \
		    "with --follow: rescan DIR every MS ms instead of "        \
		    "watching it with inotify (network file systems)",         \
		    NULL                                                       \
	}

struct cmd_follow_ops {
	/* read path as part id (err filled, state unchanged on failure) */
	int (*add)(void *arg, struct cmd_ctx *ctx, uint64_t id,
		   const char *path, uint64_t *records, struct fm_error *err);
	int (*drop)(void *arg, uint64_t id, struct fm_error *err);
	int (*write)(void *arg, const char *out, struct fm_error *err);
	/* what the output holds now: "1234 records, 56 bins" */
	void (*describe)(void *arg, struct fm_buf *out);
	void *arg;
};

/*
 * The log of the reads of a followed directory: everything goes on to
 * `to` except the note about a capture file without data blocks, which
 * nfcapd writes at every rotation without traffic (not a file still being
 * written: a followed file is closed).  Init with cmd_follow_log_init;
 * use &fl->log.
 */
struct cmd_follow_log {
	struct fm_log log;
	const struct fm_log *to;
};
void cmd_follow_log_init(struct cmd_follow_log *fl, const struct fm_log *to);

/*
 * Check the options of a --follow run (no INPUT, -O set, nfcapd input,
 * no cutting counters, not in a session); 0 or FM_EINVAL naming them.
 * --window or --poll without --follow is an error too.
 */
int cmd_follow_check(const struct cmd_ctx *ctx, const struct cmd_args *a,
		     struct fm_error *err);
/* Run the follow until a stop signal; 0 when stopped by one. */
int cmd_follow_run(struct cmd_ctx *ctx, const struct cmd_args *a,
		   const struct cmd_follow_ops *ops, struct fm_error *err);
/*
 * Open a scan over the one file path with the tool's input options
 * (format, filter, biflow) for an add.
 */
int cmd_follow_scan(struct cmd_ctx *ctx, const struct cmd_args *a,
		    const char *path, uint32_t fields, struct cmd_scan **out,
		    struct fm_error *err);

#endif

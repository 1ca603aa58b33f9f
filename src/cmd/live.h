/*
 * live.h - followed directories in a session (`load --follow DIR as
 * live`, docs/live.md): the "live" object type and the histograms that
 * follow it.
 *
 * A live object holds a follower (flowmodels/follow.h) and the list of
 * the capture files in its window, in time order.  Tools read it as a
 * directory of links to those files (its export), so every command works
 * on a live object and sees the window as it is when the command runs.
 * A histogram made from a live object by `hist`, and a time series made
 * by `series`, follow it: each is kept as per-file parts
 * (flowmodels/hist-window.h; per-file series), and cmd_live_poll adds
 * the files that arrived and subtracts those that left the window,
 * updating the object in place (its export goes stale, so tools read the
 * new data).  The files are read on a thread of their own, without the
 * session lock; cmd_live_poll applies what was read under the lock, on
 * the frontend's thread while no command runs, so no command ever sees
 * an object change under it (live-poll.c).
 */
#ifndef FLOWMODELS_CMD_LIVE_H
#define FLOWMODELS_CMD_LIVE_H

#include <stdint.h>

#include "flowmodels/buf.h"
#include "flowmodels/error.h"
#include "flowmodels/hist-window.h"
#include "flowmodels/histogram.h"
#include "flowmodels/series.h"
#include "cmd.h"

struct session;
struct cmd_live;

extern const struct cmd_objtype cmd_live_type;

/* Follow dir (window: NULL or "1h"...; poll_ms 0 = inotify); the files
 * there now form the window at once (nothing is read yet). */
int cmd_live_new(struct cmd_live **out, const char *dir, const char *window,
		 int poll_ms, const char *format, const char *biflow,
		 const struct fm_log *log, struct fm_error *err);

/* The INPUT of `hist L` / `series L` (what: "histogram", "series"): L
 * alone and no cutting counters; FM_EINVAL saying so otherwise. */
int cmd_live_check_input(const struct cmd_args *a, const char *what,
			 struct fm_error *err);
/*
 * A live view (`filter L EXPR as v`): a live object following l's
 * directory with l's window and options whose records are those EXPR
 * selects (and-ed with l's own filter when l is a view; base_name is
 * l's name, for the facts).  Tools reading it get the filter; histograms
 * and series made from it follow it, binning each new file's selected
 * records.  FM_EINVAL for an expression that does not compile.
 */
int cmd_live_view(struct cmd_live **out, const struct cmd_live *l,
		  const char *base_name, const char *filter,
		  const struct fm_log *log, struct fm_error *err);
/*
 * Make the histogram of l's window with opts (and filter, may be NULL)
 * file by file, as data for a histogram object that follows l: *out is
 * the malloc'ed histogram to hand to the session.  Files that fail to
 * read are skipped with a warning on log.
 */
int cmd_live_hist(struct cmd_live *l, const struct fm_hist_opts *opts,
		  const char *filter, const struct fm_log *log,
		  struct fm_histogram **out, struct fm_error *err);
/* The same for a time series (`series L`): *out for a series object. */
int cmd_live_series(struct cmd_live *l, const char *filter,
		    const struct fm_log *log, struct fm_series **out,
		    struct fm_error *err);
/* Histogram or series data was freed: it follows nothing any more. */
void cmd_live_forget(const void *data);

/*
 * Take in what arrived in the directories of every live object of s:
 * the objects following them updated.  Never waits for a file to be
 * read: new files are handed to a reader thread, and a later call
 * applies what it read (*changed = 1 when an object changed).  Messages
 * (a skipped damaged file) go to log.  Call with no command running,
 * from one thread.
 */
int cmd_live_poll(struct session *s, const struct fm_log *log, int *changed,
		  struct fm_error *err);
/* Whether files are being read (a later poll applies them). */
int cmd_live_reading(void);
/* Tests: hook called by the reader thread before each file it reads. */
void cmd_live_read_hook(void (*hook)(const char *path));
/* Whether s has a live object (the frontend then polls often). */
int cmd_live_any(struct session *s);
/* One line for the status: "live: FILE, N records/s, window 1h", and
 * while the reader thread reads new files ", reading FILE (+2 files)". */
void cmd_live_status(struct session *s, struct fm_buf *out);

#endif

/*
 * follow.h - following a collector's directory (`--follow DIR`): the
 * closed nfcapd capture files below DIR, first those already there, then
 * each one nfcapd closes, in time order, with an optional sliding window
 * over data time.
 *
 * Files.  Only files named nfcapd.YYYYMMDDhhmm or nfcapd.YYYYMMDDhhmmss
 * (nfcapd's closed files; the time stamp is the start of the file's
 * rotation interval) are followed, anywhere below DIR; everything else,
 * nfcapd.current.* (a file being written) included, is ignored.  nfcapd
 * writes nfcapd.current.PID and renames it when it rotates, so a file
 * with its final name is complete: a program that puts files into the
 * directory must do the same (write elsewhere, then rename).
 *
 * Watching.  The directories below DIR are watched with inotify
 * (IN_CLOSE_WRITE and IN_MOVED_TO for files, IN_CREATE of new
 * subdirectories, which are watched and read too).  When inotify is not
 * available (or FM_FOLLOW_POLL is asked for) the tree is rescanned every
 * poll period instead, and a file found by a scan is taken once it kept
 * its size and time over two scans.  With inotify the tree is also
 * rescanned now and then, so a missed event only delays a file.  The
 * file list comes from the library's directory walk (fm_inputs_expand).
 *
 * Window.  With a window of W seconds, a file stays in it while its time
 * stamp is later than the newest stamp seen minus W: the window slides
 * by whole files over data time (the files' own stamps, not the clock).
 * A file arriving whose stamp is already out of the window is skipped
 * with a note.
 *
 * Events.  fm_follow_next hands out what a consumer does, in order: ADD a
 * file (read it, add its records), DROP a file added before (subtract its
 * records).  The follower never reads the files' contents: a consumer
 * that cannot read one (a damaged file) reports it and goes on; a DROP of
 * a file it skipped is then a no-op for it.
 */
#ifndef FLOWMODELS_FOLLOW_H
#define FLOWMODELS_FOLLOW_H

#include <stdint.h>

#include "flowmodels/error.h"

enum fm_follow_mode {
	FM_FOLLOW_AUTO, /* inotify when the system has it, else polling */
	FM_FOLLOW_POLL	/* rescan every poll_ms */
};

struct fm_follow_opts {
	const char *dir;
	int64_t window; /* seconds of data time; 0 = keep every file */
	enum fm_follow_mode mode;
	int poll_ms;		  /* rescan period (0 = 250 ms) */
	const struct fm_log *log; /* notes (late files, ...); may be NULL */
};

enum fm_follow_what { FM_FOLLOW_ADD = 1, FM_FOLLOW_DROP };

struct fm_follow_event {
	enum fm_follow_what what;
	uint64_t id;	  /* the file's number: 1, 2, ... in the order added */
	const char *path; /* valid until the next fm_follow_* call */
	int64_t stamp;	  /* the name's time stamp, seconds (read as UTC) */
};

struct fm_follow;

/*
 * Open the follower and scan DIR once (every closed file there becomes
 * pending, in time order).  FM_ENOTFOUND when DIR is not a directory.
 */
int fm_follow_open(struct fm_follow **out, const struct fm_follow_opts *opts,
		   struct fm_error *err);
/*
 * The next event: 1 with *ev filled, 0 when nothing is pending (then
 * fm_follow_wait).  Never blocks.
 */
int fm_follow_next(struct fm_follow *f, struct fm_follow_event *ev,
		   struct fm_error *err);
/*
 * Wait at most timeout_ms for the directory to change and take in what
 * changed (0 = just look).  Returns 1 when files became pending, 0 when
 * none did (timeout, or a signal interrupted the wait), or an error.
 */
int fm_follow_wait(struct fm_follow *f, int timeout_ms, struct fm_error *err);
/*
 * A descriptor that becomes readable when the directory may have
 * changed (the inotify descriptor), for a caller's own poll(); -1 when
 * polling (then call fm_follow_wait(f, 0, ...) every fm_follow_period).
 */
int fm_follow_fd(const struct fm_follow *f);
int fm_follow_period_ms(const struct fm_follow *f);
/* Whether inotify watches the directory (else it is polled). */
int fm_follow_inotify(const struct fm_follow *f);
/* Files in the window now (added and not dropped). */
uint64_t fm_follow_in_window(const struct fm_follow *f);
void fm_follow_free(struct fm_follow *f);

/*
 * Whether base (a file name without directory) is a closed capture file
 * name, nfcapd.YYYYMMDDhhmm or nfcapd.YYYYMMDDhhmmss with a valid date:
 * 1 and *stamp = seconds since 1970 reading the date as UTC, else 0.
 */
int fm_follow_stamp(const char *base, int64_t *stamp);
/*
 * A window length: a number of seconds, or a number with a unit s, m, h
 * or d ("90", "15m", "1h", "2d"); > 0.  FM_EINVAL with a message naming
 * the text otherwise.
 */
int fm_follow_parse_window(const char *text, int64_t *seconds,
			   struct fm_error *err);

#endif

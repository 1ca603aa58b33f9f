/*
 * live-int.h - what obj-live.c (the live object type, the objects that
 * follow it) and live-poll.c (taking in new files: read on a thread of
 * their own, applied under the session lock) share.
 *
 * An object that follows a live object is a "sub": a histogram (its
 * per-file parts in an fm_hist_window) or a time series (the per-file
 * series of the files in the window, kept when there is a window so
 * that a file leaving it is subtracted).  A sub's data is the session
 * object's data, updated in place.  The subs are kept in one registry
 * (live_reg, its mutex guarding it): an object's free hook takes its sub
 * out (cmd_live_forget), so an update never touches a dropped or
 * replaced object.  Subs and live objects carry serial numbers, by which
 * the reader's results find them again (a freed one is not found).
 */
#ifndef FLOWMODELS_CMD_LIVE_INT_H
#define FLOWMODELS_CMD_LIVE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "flowmodels/follow.h"
#include "flowmodels/hist-window.h"
#include "flowmodels/series.h"
#include "live.h"

struct live_file {
	uint64_t id;
	int64_t stamp;
	char *path;
};

struct cmd_live {
	uint64_t serial;
	char *dir, *window, *format, *biflow;
	char *filter; /* a live view: the records it holds (NULL: all) */
	char *base;   /* ... and the name of the object it was made from */
	int poll_ms;
	struct fm_follow *f;
	struct live_file *files; /* the window, by stamp */
	size_t nfiles, cap;
	char *last;    /* the last file taken in */
	int64_t stamp; /* its time stamp */
	double rate;   /* its records per second of data time */
};

enum live_kind { LIVE_HIST, LIVE_SERIES };

/* What a file is read into for one sub: its records binned apart. */
struct live_bin {
	enum live_kind kind;
	struct fm_histogram h; /* LIVE_HIST */
	struct fm_series *s;   /* LIVE_SERIES */
	uint64_t records;
};

/* How a sub reads a file (copied for the reader thread). */
struct live_spec {
	enum live_kind kind;
	char *format, *biflow, *filter; /* filter may be NULL */
	uint32_t fields;
	struct fm_hist_opts opts; /* LIVE_HIST */
};

struct live_spart {
	uint64_t id;
	struct fm_series *s;
};

struct live_sub {
	uint64_t serial;
	struct cmd_live *l;
	struct live_spec spec;
	void *data;		  /* the object's: fm_histogram or fm_series */
	struct fm_hist_window *w; /* LIVE_HIST */
	struct live_spart *parts; /* LIVE_SERIES with a window */
	size_t nparts, cap;
	int dirty;
};

struct live_reg {
	pthread_mutex_t lock;
	struct live_sub **subs;
	size_t n, cap;
	uint64_t serial; /* the last serial handed out */
};
extern struct live_reg live_reg;

/* Read path into *b as spec says; a stop when cancel becomes non-zero
 * (FM_ECANCEL).  Messages go to log.  Any thread, no lock. */
int live_read(const struct live_spec *spec, const char *path,
	      const atomic_int *cancel, const struct fm_log *log,
	      struct live_bin *b, struct fm_error *err);
void live_bin_release(struct live_bin *b);
/* Copy spec (its strings duplicated); release. */
int live_spec_copy(struct live_spec *dst, const struct live_spec *src);
void live_spec_release(struct live_spec *spec);
/* Add b as file id to s (taking its contents), or take file id out of s
 * (nothing when s does not hold it).  Registry lock held. */
int live_sub_add(struct live_sub *s, uint64_t id, struct live_bin *b,
		 struct fm_error *err);
int live_sub_drop(struct live_sub *s, uint64_t id, struct fm_error *err);
/* Put s's window result into its object's data (histograms). */
int live_sub_publish(struct live_sub *s, struct fm_error *err);
/* Whether a read failed because of the file (skip it) or of us. */
int live_file_fault(int code);
/* The window's files of l: add the file of an ADD event, take file id
 * out. */
int live_add_file(struct cmd_live *l, const struct fm_follow_event *ev);
void live_remove_file(struct cmd_live *l, uint64_t id);
/* The reader of live-poll.c: cancel what it reads for l (being freed;
 * counts it out).  cmd_live_count(+1) counts a new live object in; when
 * the last one goes, the reader is stopped and waited for. */
void live_poll_forget(const struct cmd_live *l);
/* The files of l that the reader thread is reading or will read next
 * (0: none); *path the first of them (the batch keeps it until a poll on
 * this thread applies it). */
size_t live_poll_reading(const struct cmd_live *l, const char **path);
void cmd_live_count(int delta);

#endif

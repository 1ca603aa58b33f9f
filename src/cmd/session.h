/*
 * session.h - a session: named objects that commands create and
 * transform, the record of the commands that changed it, session files.
 *
 * Objects are datasets (a binary record directory: one given by path is
 * memory-mapped by the readers when a command reads it, never copied;
 * other formats are converted once into the session's scratch
 * directory), filtered views of a dataset (the filter text kept, applied
 * by every command that reads the view), and typed objects handed over by
 * tools through cmd_result_object (histograms, mixture sets).  Every
 * object has a name (given with `as NAME` or automatic: d1, h1, m1,
 * g1...), its provenance (the canonical command that made it) and key
 * facts.
 *
 * A command runs in three steps: sess_prepare parses the line and
 * resolves object names into the paths the tool reads (taking references
 * on the objects, under the session lock); sess_run_exec runs the
 * command's exec (on any thread, without the lock; results are kept in
 * the run); sess_run_commit adds the results and the canonical record to
 * the session under the lock.  A run freed without a commit (failure,
 * cancel) leaves the session exactly as it was.  sess_exec does all
 * three for one line.  See docs/workbench.md.
 *
 * Thread safety: the session functions take the session lock themselves.
 * A frontend that walks the objects (sess_count/sess_at) holds it with
 * sess_lock/sess_unlock while doing so.
 */
#ifndef FLOWMODELS_SESSION_H
#define FLOWMODELS_SESSION_H

#include <stdint.h>
#include <stdio.h>

#include "flowmodels/buf.h"
#include "flowmodels/error.h"
#include "flowmodels/histogram.h"
#include "flowmodels/overview.h"
#include "flowmodels/progress.h"
#include "cmd.h"

enum sess_kind {
	SESS_DATASET, /* binary record directory */
	SESS_VIEW,    /* a dataset and a filter */
	SESS_TYPED,   /* a tool's object (histogram, mixture set...) */
};

struct sess_obj {
	char *name;
	enum sess_kind kind;
	char *provenance; /* canonical command that made it */
	int refs;	  /* the session + running commands */
	/* SESS_DATASET and SESS_VIEW */
	char *dir;     /* binary directory (a view: its dataset's) */
	int owns_dir;  /* a scratch directory, removed at the end */
	int generated; /* made by generate */
	char *source;  /* what it was loaded from, for facts */
	uint64_t records, packets, octets;
	struct fm_overview overview; /* time window, families, protocols */
	struct fm_sampling sampling; /* what nfcapd inputs declared */
	int sampling_known;	     /* loaded from nfcapd: sampling is set */
	/* SESS_VIEW */
	char *filter; /* the whole filter (a view of a view: both) */
	char *base;   /* the dataset's name when the view was made */
	struct sess_obj *base_obj; /* that dataset (a reference held) */
	/* SESS_TYPED */
	const struct cmd_objtype *type;
	void *data;
	char *mat_path; /* default-format export the tools read */
	/* the typed object this one was made from (a mixture: the histogram
	 * it was fitted to), a reference held: it survives a rename, and a
	 * replaced source stays alive with the bins the result was made
	 * from; NULL for objects loaded from files */
	struct sess_obj *origin;
	char xkind[12];	       /* length, size, duration, rate; "" unknown */
	unsigned long changed; /* sess_changes() when made or last changed */
	struct fm_buf stale;   /* earlier exports (NUL-separated), removed
				* with the object */
};

struct session;
struct cmd_run;

struct session *sess_new(void);
void sess_free(struct session *s);

void sess_lock(struct session *s);
void sess_unlock(struct session *s);
/* Objects in creation order (hold the lock). */
size_t sess_count(const struct session *s);
struct sess_obj *sess_at(const struct session *s, size_t i);
/* The object called name, or NULL (hold the lock). */
struct sess_obj *sess_find(const struct session *s, const char *name);
/* "dataset", "view", "generated" or the type's kind. */
const char *sess_obj_kind(const struct sess_obj *o);
/* Whether o is one of the session's objects (not replaced or dropped;
 * hold the lock). */
int sess_holds(const struct session *s, const struct sess_obj *o);
/* One line of key facts ("6517484 records, 552112904 packets, ..."). */
void sess_obj_facts(const struct sess_obj *o, struct fm_buf *out);

/* How many objects were made or changed (a set a fit added to) so far:
 * the object whose `changed` equals it is the newest result. */
unsigned long sess_changes(const struct session *s);
/* Changes not saved since the last save (or load of a file). */
int sess_dirty(const struct session *s);
/* `quit` was run. */
int sess_quit_requested(const struct session *s);
/* The session file last saved (a replayed file never is), or NULL. */
const char *sess_file(const struct session *s);
/* A setting's value (`set`): "charset", "echo". */
const char *sess_setting(const struct session *s, const char *name);

/* ---- the chart state (session-chart.c): `view` and the axis settings ---- */

#define SESS_VIEWS 7
/* Axis scales of the chart state: the view's own, or forced. */
enum { SESS_SCALE_AUTO = 0, SESS_SCALE_LIN, SESS_SCALE_LOG };
struct sess_axis {
	int scale;	 /* SESS_SCALE_* */
	double min, max; /* min < max: a fixed range; else automatic */
};
struct sess_view_axes {
	struct sess_axis x, y;
};
/* "pdf-flows" ... "series" -> 0..6, or -1; and back. */
int sess_view_from_name(const char *name);
const char *sess_view_name(int view);
/* The current view (0 = pdf-flows at the start and of every replay). */
int sess_view(struct session *s);
void sess_set_view(struct session *s, int view);
/* The axes of a view (0..6). */
struct sess_view_axes sess_view_axes(struct session *s, int view);
/* The current view and its axes, the lock held by the caller. */
void sess_chart_locked(const struct session *s, int *view,
		       struct sess_view_axes *axes);
/*
 * `set xscale|yscale lin|log|auto`, `set xrange|yrange LO:HI|auto` for
 * the current view: 1 when name is one of them (done, or *err on a bad
 * value: then -1), 0 when it is another setting.
 */
int sess_chart_set(struct session *s, const char *name, const char *value,
		   struct fm_error *err);
/* The value of xscale/yscale/xrange/yrange of the current view into buf
 * ("log", "100:1e+06", "auto"); NULL for another name. */
const char *sess_chart_setting(struct session *s, const char *name, char *buf,
			       size_t size);

/*
 * The objects shown together on the chart (`show A B ...`,
 * session-chart.c): part of the chart state like the view, recorded and
 * replayed (a replay starts with none).  Each entry holds a reference to
 * its object, so a rename is followed and a dropped or replaced object
 * stays drawn until the next `show`.
 */
#define SESS_SHOW_MAX 8
struct sess_shown {
	struct sess_obj *obj;	     /* reference held */
	struct fm_histogram *binned; /* a dataset: its records binned with
				      * the first histogram's bins (owned);
				      * NULL for the others */
};
/*
 * Make objs[0..n) the shown set (n = 0: none, the chart shows the
 * selected object): references are taken, binned[i] (NULL or malloc'ed)
 * moved in (binned may be NULL).  Takes the lock.
 */
void sess_show_set(struct session *s, struct sess_obj *const *objs,
		   struct fm_histogram **binned, size_t n);
/* The shown set (hold the lock; valid while it is held). */
const struct sess_shown *sess_show_get(const struct session *s, size_t *n);

/* ---- `export chart` (session-chartout.c): the frontend draws ---- */

/*
 * What `export chart` asks the frontend to write: the chart of the
 * session's chart state (chartscene.h chart_state_get with selected: the
 * view, its axis settings, the `show` set or else the selected object
 * with its partner) as the file path whose extension ext is png, svg,
 * pdf, tex (through gnuplot, with .gp and .dat beside it) or txt (the
 * text canvas).
 */
struct sess_chart_req {
	const char *path;
	const char *ext;
	/* --size: pixels (images) or cells (txt); 0 = the default, which
	 * the exporter sets for txt (80x24 in a replay, else the chart
	 * panel's size) so that the command records it */
	int width, height;
	/* the object as if selected (chart_state_get); NULL: the `show`
	 * set, or without one the frontend's choice (the workbench's
	 * selection; else the newest: sess_chart_newest), named in chosen */
	const char *selected;
	/* a time series' day, 1-based; 0 = the frontend's (the workbench's,
	 * 1 in a replay); out: the day drawn, 0 when not a time series */
	int day;
	const struct fm_log *log;
	unsigned nfiles;  /* out: the files written */
	char chosen[128]; /* out: the object the frontend chose, or "" */
};
typedef int (*sess_chart_export_fn)(void *arg, struct session *s,
				    struct sess_chart_req *req,
				    struct fm_error *err);
/* The frontend's exporter (the workbench's, or --replay's). */
void sess_set_chart_exporter(struct session *s, sess_chart_export_fn fn,
			     void *arg);
/* Run it: FM_EINVAL when the frontend has none. */
int sess_chart_export(struct session *s, struct sess_chart_req *req,
		      struct fm_error *err);
/*
 * The object `export chart` charts when neither `show` nor the command
 * names one: the newest histogram, mixture set or time series (the one
 * the workbench selects after making it).  Its name into name (""
 * when there is none; hold the lock).
 */
void sess_chart_newest(const struct session *s, char *name, size_t size);
/* Whether a session file is being replayed on this thread. */
int sess_replaying(void);

/* Records: the canonical commands that changed the session. */
size_t sess_record_count(const struct session *s);
/* Line i of the record (canonical text, paths absolute). */
const char *sess_record_line(const struct session *s, size_t i);

/* ---- running commands ---- */

/*
 * Parse line and resolve its object names.  *out = NULL (and 0) for a
 * blank or comment line.  Errors: unknown command, bad option, unknown
 * object, a one-shot-only combination...
 */
int sess_prepare(struct session *s, const char *line, struct cmd_run **out,
		 struct fm_error *err);
const struct cmd_entry *sess_run_entry(const struct cmd_run *run);
/*
 * Run the command with the given output streams and progress callback.
 * Returns 0, or a negative code with err filled (the message of the
 * command's cmd_fail).
 */
int sess_run_exec(struct cmd_run *run, FILE *out, FILE *errf,
		  const struct fm_progress *progress, struct fm_error *err);
/*
 * Commit the results and the record.  When report is not NULL, a line
 * per new object is written to it ("h1: histogram, ...").
 */
int sess_run_commit(struct cmd_run *run, FILE *report, struct fm_error *err);
/* Rows the command publishes while it runs (cmd_live_row) go to fn(arg,
 * row), on the thread that runs it. */
void sess_run_set_live(struct cmd_run *run,
		       void (*fn)(void *arg, const char *row), void *arg);
/* Free; an uncommitted run's results are discarded. */
void sess_run_free(struct cmd_run *run);

/* prepare + exec + commit.  out gets results, errf messages. */
int sess_exec(struct session *s, const char *line, FILE *out, FILE *errf,
	      const struct fm_progress *progress, struct fm_error *err);

/* sess_replay flags */
enum {
	SESS_ALLOW_OUTSIDE = 1, /* outputs may leave the file's tree */
};
/*
 * Run a session file: every line in order, each echoed as "> line" on out
 * when the echo setting is on; relative paths are relative to the file.
 * Stops at the first error, which reads "FILE:LINE: message".  The paths
 * its commands write must lie inside the file's directory tree (symlinks
 * resolved; for "-" the working directory) unless flags has
 * SESS_ALLOW_OUTSIDE; a nested replay keeps the outer restriction (its
 * flags cannot lift it: FM_EINVAL).
 */
int sess_replay(struct session *s, const char *path, unsigned flags, FILE *out,
		FILE *errf, const struct fm_progress *progress,
		struct fm_error *err);
/* Whether a replay with the restriction runs on this thread. */
int sess_replay_restricted(void);
/*
 * Write the session file (see docs/session-files.md).  For every output
 * of a recorded command outside the file's directory tree, a warning on
 * log that replaying the file will need --allow-outside.
 */
int sess_save(struct session *s, const char *path, const struct fm_log *log,
	      struct fm_error *err);

/* ---- helpers used by the session commands ---- */

/* Make path absolute (a relative path is relative to the directory of
 * the session file being replayed on this thread, else to the working
 * directory) and lexically normal; malloc'ed. */
char *sess_abspath(const struct session *s, const char *path);
/* The path of `to` relative to directory `from_dir` (both absolute,
 * normal); malloc'ed; absolute when they share only the root. */
char *sess_relpath(const char *from_dir, const char *to);

/* Take / release a reference on the object called name (FM_ENOTFOUND
 * "unknown object 'x' (objects: ...)" when there is none). */
struct sess_obj *sess_get(struct session *s, const char *name,
			  struct fm_error *err);
void sess_put(struct session *s, struct sess_obj *o);
/* o's data changed in place (a histogram following a live object): its
 * export is out of date; the next tool reading o gets a new one (the old
 * one goes with the object, a running command may still read it).  Hold
 * the lock. */
void sess_obj_stale_export(struct sess_obj *o);
/* Longer description of an object, for `info`. */
void sess_obj_info(const struct sess_obj *o, struct fm_buf *out);
/* Export formats of an object ("binary|csv_flow" for datasets). */
const char *sess_obj_formats(const struct sess_obj *o);
/* Write o to path in format (NULL = the default one). */
int sess_obj_export(struct cmd_ctx *ctx, struct sess_obj *o, const char *format,
		    const char *path, struct fm_error *err);
int sess_drop(struct session *s, const char *name, struct fm_error *err);
int sess_rename(struct session *s, const char *from, const char *to,
		struct fm_error *err);
int sess_set(struct session *s, const char *name, const char *value,
	     struct fm_error *err);
/* Print every setting, its value and choices. */
void sess_settings_print(struct session *s, FILE *out);
void sess_request_quit(struct session *s);
/*
 * Count the records, packets and octets of binary dir under filter
 * (NULL = all), with ctx's progress; this is also how a filter is checked.
 * With ov, also the overview (time window, families, protocols).
 */
int sess_count_records(struct cmd_ctx *ctx, const char *dir, const char *filter,
		       uint64_t *records, uint64_t *packets, uint64_t *octets,
		       struct fm_overview *ov, struct fm_error *err);
/* Hand a filtered view of dataset (or view) base to the session. */
int sess_result_view(struct cmd_ctx *ctx, struct sess_obj *base,
		     const char *filter, struct fm_error *err);
/* Fail (status 1) with "works inside a session" when ctx has none. */
int sess_need(struct cmd_ctx *ctx);
/* Do not record the running command (e.g. `set` only showing values). */
void sess_run_norecord(struct cmd_run *run);
/* The last result the running command handed over (to add facts). */
struct sess_obj *sess_run_last_result(struct cmd_run *run);

#endif

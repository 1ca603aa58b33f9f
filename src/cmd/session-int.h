/*
 * session-int.h - what the files of the session module share: the
 * session and run structures, the per-thread replay directory, and the
 * object/reference helpers of session.c that session-run.c and
 * session-file.c call.  Not for tools or frontends (they use session.h).
 *
 * session.c       objects, references, paths, scratch files, settings
 * session-run.c   running a command: prepare/resolve, exec, commit, and
 *                 the cmd_ctx hooks through which tools hand results over
 * session-file.c  session files: save and replay
 * session-chart.c the chart state: the current view and its axes
 */
#ifndef FLOWMODELS_SESSION_INT_H
#define FLOWMODELS_SESSION_INT_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

/* Settings (the table is in session.c). */
#define NSETTINGS 4

struct record {
	struct cmd_words words; /* canonical words, paths absolute */
	char *line;		/* joined */
	char *comment;		/* written above it in files, or NULL */
};

struct session {
	pthread_mutex_t lock;
	struct sess_obj **objs;
	size_t nobjs, capobjs;
	struct record *rec;
	size_t nrec, caprec;
	unsigned autonum[128]; /* next automatic number per prefix */
	unsigned long changes; /* objects made or changed so far */
	char *tmpdir;	       /* scratch directory, made when needed */
	unsigned tmpseq;
	char *file;
	int dirty, quit;
	char *setting[NSETTINGS];
	int view; /* the chart state (session-chart.c) */
	struct sess_view_axes axes[SESS_VIEWS];
	struct sess_shown shown[SESS_SHOW_MAX]; /* `show` (session-chart.c) */
	size_t nshown;
	sess_chart_export_fn chart_export; /* the frontend's (export chart) */
	void *chart_export_arg;
};

/*
 * The directory of the session file being replayed on this thread (NULL:
 * none), against which relative paths resolve, and the nesting depth.
 * Per thread, because a replay runs on a job's worker thread while the
 * prompt's commands resolve against the working directory.
 */
extern _Thread_local char *replay_dir;
extern _Thread_local int replay_depth;
/*
 * The directory tree (symlinks resolved) a replay on this thread may
 * write into, NULL when unrestricted (no replay, or --allow-outside).
 * Set by the outermost replay; nested replays keep it.
 */
extern _Thread_local char *replay_root;

/*
 * Whether path (absolute) lies inside root (absolute, symlinks resolved)
 * once the symlinks of its existing part are resolved; a ".." in its
 * part that does not exist yet counts as outside.
 */
int sess_path_inside(const char *path, const char *root);
/*
 * In a restricted replay, refuse a path the command writes (typed as in
 * the file) that is absolute or leads outside replay_root: FM_EINVAL
 * "WHAT PATH: writes outside the session file's directory ...".
 */
int sess_check_output(const char *what, const char *typed,
		      struct fm_error *err);

struct override {
	int id;
	char *value; /* NULL = leave out */
};

struct cmd_run {
	struct session *s;
	const struct cmd_entry *e;
	struct cmd_words words; /* the typed words */
	char *as_name;
	struct cmd_args typed; /* parsed from words */
	struct cmd_args rec;   /* for the record: paths absolute */
	struct cmd_args res;   /* what exec gets: objects resolved */
	struct cmd_words pool; /* strings rec/res point to */
	void **arrays;	       /* arrays rec/res own */
	size_t narrays;
	/* per positional: the filter of the view it named, else NULL */
	const char **pos_filter;
	struct sess_obj **inputs; /* references held while running */
	size_t ninputs;
	struct sess_obj **results; /* not yet committed */
	size_t nresults;
	struct override *over;
	size_t nover;
	struct cmd_words extra; /* words added to the record */
	void (*live)(void *arg, const char *row); /* sess_run_set_live */
	void *live_arg;
	char *comment;
	int executed, committed, norecord;
};

#define OOM(err) fm_error_set((err), FM_ENOMEM, "out of memory")

static inline char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* session.c */
void obj_free(struct sess_obj *o);
/* Drop a reference; the caller holds the lock (or owns o alone). */
void obj_unref(struct sess_obj *o);
long find_index(const struct session *s, const char *name);
int unknown_object(const struct session *s, const char *name,
		   struct fm_error *err);
/* The path a command uses: relative to the replayed file's directory. */
char *resolve_path(const struct session *s, const char *p);
/* The file/directory a tool reads for a typed object (lock held). */
int materialise(struct session *s, struct sess_obj *o, struct fm_error *err);

#endif

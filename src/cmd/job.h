/*
 * job.h - running a session command on a worker thread.
 *
 * The command line is parsed and its object names resolved on the
 * calling thread (so errors such as an unknown object come back at once
 * from cmd_job_start); the command then runs on its own pthread, its
 * progress reported through the library's struct fm_progress, which is
 * also how a cancel reaches it.  The session is locked only when the
 * result is committed; a job cancelled before that commit leaves the
 * session exactly as it was (no object, no record, scratch files gone).
 * Output and messages are captured and readable once the job has ended.
 *
 * A frontend polls cmd_job_state / cmd_job_fraction (or is woken by
 * on_done, e.g. through a pipe) and frees the job when it has read it.
 */
#ifndef FLOWMODELS_JOB_H
#define FLOWMODELS_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "session.h"

enum cmd_job_state {
	CMD_JOB_RUNNING,
	CMD_JOB_DONE,	   /* committed */
	CMD_JOB_FAILED,	   /* the command failed: cmd_job_error */
	CMD_JOB_CANCELLED, /* cancelled before its commit */
};

struct cmd_job_opts {
	/* Both called on the worker thread; may be NULL. */
	void (*on_progress)(void *arg, uint64_t done, uint64_t total);
	void (*on_done)(void *arg); /* the state is final when it runs */
	void *arg;
};

struct cmd_job;

/*
 * Start line as a job.  *out = NULL (and 0) for a blank line.  Errors
 * found before running (unknown command or object, bad option) are
 * returned here and no job is made.
 */
int cmd_job_start(struct session *s, const char *line,
		  const struct cmd_job_opts *opts, struct cmd_job **out,
		  struct fm_error *err);
enum cmd_job_state cmd_job_state(struct cmd_job *j);
/* Work done as a fraction 0..1, or -1 while the total is unknown. */
double cmd_job_fraction(struct cmd_job *j);
/* Seconds since the start (until the end, once ended). */
double cmd_job_elapsed(struct cmd_job *j);
/* Ask the job to stop.  Returns 1 when it will end CANCELLED, 0 when it
 * has already ended or is committing (too late). */
int cmd_job_cancel(struct cmd_job *j);
/* Wait for the end; returns the final state. */
enum cmd_job_state cmd_job_wait(struct cmd_job *j);
/* After the end: what the command wrote (results, new objects) and its
 * messages (warnings, summaries); never NULL. */
const char *cmd_job_output(struct cmd_job *j);
const char *cmd_job_messages(struct cmd_job *j);
/* After CMD_JOB_FAILED: the error ("CMD: message"). */
const struct fm_error *cmd_job_error(struct cmd_job *j);
/*
 * Rows the command published while running (cmd_live_row), readable at
 * any time: how many so far, and a malloc'ed copy of row i (NULL when
 * out of memory or past the end).
 */
size_t cmd_job_live_count(struct cmd_job *j);
char *cmd_job_live_row(struct cmd_job *j, size_t i);
/* The command's name, and the line as given to cmd_job_start. */
const char *cmd_job_name(struct cmd_job *j);
const char *cmd_job_line(struct cmd_job *j);
/* Cancel if running, wait, free. */
void cmd_job_free(struct cmd_job *j);

#endif

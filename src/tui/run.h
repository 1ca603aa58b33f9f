/*
 * run.h - running command lines as jobs off the UI thread.
 *
 * The workbench never runs a command on its own thread: it starts a job,
 * keeps reading keys and redrawing, shows the job's progress, may cancel
 * it (the progress callback returns non-zero, the library stops with
 * FM_ECANCEL), and collects the output when the worker signals the
 * wake-up pipe.  Output (ctx->out) and messages (ctx->err) are captured,
 * up to TUI_JOB_OUTPUT_MAX bytes each, for the info panel.
 *
 * This is the small, replaceable glue between the workbench and the
 * command layer: today a line is split into words and run through the
 * command table (cmd_find, cmd_parse, exec); with the session layer it
 * becomes sess_prepare (UI thread), sess_run_exec (worker),
 * sess_run_commit (UI thread), behind the same functions.
 */
#ifndef FM_TUI_RUN_H
#define FM_TUI_RUN_H

#include <stdint.h>

#include "flowmodels/error.h"

#define TUI_JOB_OUTPUT_MAX (256 * 1024)

struct tui_job;

/*
 * Split a command line into words: blanks separate, '...' and "..."
 * quote (backslash escapes inside "..." and outside quotes), '#' at the
 * start of a word begins a comment.  *argv is malloc'ed, NULL-terminated,
 * free with tui_free_words.  FM_EINVAL for an unterminated quote.
 */
int tui_split_words(const char *line, char ***argv, int *argc,
		    struct fm_error *err);
void tui_free_words(char **argv);

/*
 * Check and start line on a worker thread; wakefd gets a byte when the
 * job ends.  Errors found before starting (unknown command, bad option)
 * come back at once with err filled and no job.
 */
int tui_job_start(const char *line, int wakefd, struct tui_job **out,
		  struct fm_error *err);
/* Ask the job to stop at its next progress report. */
void tui_job_cancel(struct tui_job *j);
int tui_job_cancelled(const struct tui_job *j);
/* The worker has finished (tui_job_finish will not block). */
int tui_job_done(const struct tui_job *j);
/* Work done and total (0 = unknown) as last reported. */
void tui_job_progress(const struct tui_job *j, uint64_t *done, uint64_t *total);
/* Seconds since the start. */
double tui_job_elapsed(const struct tui_job *j);
/* The command's name and the line as typed. */
const char *tui_job_name(const struct tui_job *j);
const char *tui_job_line(const struct tui_job *j);
/*
 * Wait for the worker; returns the command's exit status (0 = success).
 * *out and *errtext point to the captured text (valid until
 * tui_job_free).
 */
int tui_job_finish(struct tui_job *j, const char **out, const char **errtext);
void tui_job_free(struct tui_job *j);

#endif

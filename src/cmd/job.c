/*
 * job.c - see job.h.  One pthread per job; a job mutex guards its state,
 * progress numbers and the cancel flag, so that the decision "commit or
 * cancelled" is taken exactly once: the worker moves RUNNING -> committing
 * under the job mutex, and cmd_job_cancel only succeeds before that.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"

struct cmd_job {
	struct cmd_run *run;
	const struct cmd_entry *entry;
	char *line;
	struct cmd_job_opts opts;
	pthread_t thread;
	pthread_mutex_t m;
	pthread_cond_t cv;
	enum cmd_job_state state;
	int committing, cancel, ended;
	uint64_t done, total;
	double t0, t1;
	char *out, *msg;
	size_t outlen, msglen;
	struct fm_error error;
	char **live; /* rows published (under m) */
	size_t nlive, caplive;
};

/* cmd_live_row of the job's command: kept for cmd_job_live_row. */
static void job_live(void *p, const char *row)
{
	struct cmd_job *j = p;
	char *copy = strdup(row);

	if (!copy)
		return;
	pthread_mutex_lock(&j->m);
	if (j->nlive == j->caplive) {
		size_t cap = j->caplive ? 2 * j->caplive : 32;
		char **n = realloc(j->live, cap * sizeof(*n));
		if (n) {
			j->live = n;
			j->caplive = cap;
		}
	}
	if (j->nlive < j->caplive)
		j->live[j->nlive++] = copy;
	else
		free(copy);
	pthread_mutex_unlock(&j->m);
}

size_t cmd_job_live_count(struct cmd_job *j)
{
	size_t n;

	pthread_mutex_lock(&j->m);
	n = j->nlive;
	pthread_mutex_unlock(&j->m);
	return n;
}

char *cmd_job_live_row(struct cmd_job *j, size_t i)
{
	char *r = NULL;

	pthread_mutex_lock(&j->m);
	if (i < j->nlive)
		r = strdup(j->live[i]);
	pthread_mutex_unlock(&j->m);
	return r;
}

static int job_progress(void *p, uint64_t done, uint64_t total)
{
	struct cmd_job *j = p;
	int cancel;

	pthread_mutex_lock(&j->m);
	j->done = done;
	j->total = total;
	pthread_mutex_unlock(&j->m);
	if (j->opts.on_progress)
		j->opts.on_progress(j->opts.arg, done, total);
	pthread_mutex_lock(&j->m);
	cancel = j->cancel;
	pthread_mutex_unlock(&j->m);
	return cancel;
}

static void *job_main(void *p)
{
	struct cmd_job *j = p;
	struct fm_progress prog = {job_progress, j};
	FILE *out = open_memstream(&j->out, &j->outlen);
	FILE *msg = open_memstream(&j->msg, &j->msglen);
	enum cmd_job_state final;
	struct fm_error err = {0};
	int r;

	if (!out || !msg) {
		if (out)
			fclose(out);
		if (msg)
			fclose(msg);
		fm_error_set(&err, FM_ENOMEM, "out of memory");
		r = FM_ENOMEM;
	} else {
		r = sess_run_exec(j->run, out, msg, &prog, &err);
	}
	pthread_mutex_lock(&j->m);
	if (j->cancel)
		final = CMD_JOB_CANCELLED;
	else if (r < 0)
		final = CMD_JOB_FAILED;
	else {
		final = CMD_JOB_DONE;
		j->committing = 1;
	}
	pthread_mutex_unlock(&j->m);
	if (final == CMD_JOB_DONE) {
		r = sess_run_commit(j->run, out, &err);
		if (r < 0)
			final = CMD_JOB_FAILED;
	}
	/* frees uncommitted results: a cancelled job leaves no trace */
	sess_run_free(j->run);
	j->run = NULL;
	if (out)
		fclose(out);
	if (msg)
		fclose(msg);
	pthread_mutex_lock(&j->m);
	j->error = err;
	j->state = final;
	j->t1 = cmd_now();
	pthread_mutex_unlock(&j->m);
	if (j->opts.on_done)
		j->opts.on_done(j->opts.arg);
	pthread_mutex_lock(&j->m);
	j->ended = 1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->m);
	return NULL;
}

int cmd_job_start(struct session *s, const char *line,
		  const struct cmd_job_opts *opts, struct cmd_job **out,
		  struct fm_error *err)
{
	struct cmd_job *j;
	struct cmd_run *run = NULL;
	int r;

	*out = NULL;
	r = sess_prepare(s, line, &run, err);
	if (r < 0 || !run)
		return r;
	j = calloc(1, sizeof(*j));
	if (!j) {
		sess_run_free(run);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	j->run = run;
	j->entry = sess_run_entry(run);
	sess_run_set_live(run, job_live, j);
	j->line = strdup(line);
	if (!j->line) {
		sess_run_free(run);
		free(j);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (opts)
		j->opts = *opts;
	pthread_mutex_init(&j->m, NULL);
	pthread_cond_init(&j->cv, NULL);
	j->state = CMD_JOB_RUNNING;
	j->t0 = cmd_now();
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		sess_run_free(run);
		free(j->line);
		pthread_mutex_destroy(&j->m);
		pthread_cond_destroy(&j->cv);
		free(j);
		return fm_error_set(err, FM_EIO,
				    "cannot start a worker thread");
	}
	*out = j;
	return 0;
}

enum cmd_job_state cmd_job_state(struct cmd_job *j)
{
	enum cmd_job_state st;

	pthread_mutex_lock(&j->m);
	st = j->state;
	pthread_mutex_unlock(&j->m);
	return st;
}

double cmd_job_fraction(struct cmd_job *j)
{
	double f;

	pthread_mutex_lock(&j->m);
	if (j->state != CMD_JOB_RUNNING)
		f = 1.0;
	else if (j->total == 0)
		f = -1.0;
	else
		f = j->done >= j->total ? 1.0
					: (double)j->done / (double)j->total;
	pthread_mutex_unlock(&j->m);
	return f;
}

double cmd_job_elapsed(struct cmd_job *j)
{
	double e;

	pthread_mutex_lock(&j->m);
	e = (j->state != CMD_JOB_RUNNING ? j->t1 : cmd_now()) - j->t0;
	pthread_mutex_unlock(&j->m);
	return e;
}

int cmd_job_cancel(struct cmd_job *j)
{
	int ok;

	pthread_mutex_lock(&j->m);
	ok = j->state == CMD_JOB_RUNNING && !j->committing;
	if (ok)
		j->cancel = 1;
	pthread_mutex_unlock(&j->m);
	return ok;
}

enum cmd_job_state cmd_job_wait(struct cmd_job *j)
{
	enum cmd_job_state st;

	pthread_mutex_lock(&j->m);
	while (!j->ended)
		pthread_cond_wait(&j->cv, &j->m);
	st = j->state;
	pthread_mutex_unlock(&j->m);
	return st;
}

const char *cmd_job_output(struct cmd_job *j)
{
	return cmd_job_wait(j), j->out ? j->out : "";
}

const char *cmd_job_messages(struct cmd_job *j)
{
	return cmd_job_wait(j), j->msg ? j->msg : "";
}

const struct fm_error *cmd_job_error(struct cmd_job *j)
{
	cmd_job_wait(j);
	return &j->error;
}

const char *cmd_job_name(struct cmd_job *j)
{
	return j->entry->name;
}

const char *cmd_job_line(struct cmd_job *j)
{
	return j->line;
}

void cmd_job_free(struct cmd_job *j)
{
	if (!j)
		return;
	cmd_job_cancel(j);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->m);
	pthread_cond_destroy(&j->cv);
	free(j->out);
	free(j->msg);
	free(j->line);
	for (size_t i = 0; i < j->nlive; i++)
		free(j->live[i]);
	free(j->live);
	free(j);
}

/*
 * run.c - jobs: a command line run on a worker thread through the command
 * table, with captured output, progress and cancellation.  See run.h.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/buf.h"
#include "cmd/cmd.h"
#include "run.h"

/* ---- words ---- */

void tui_free_words(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

int tui_split_words(const char *line, char ***argv, int *argc,
		    struct fm_error *err)
{
	char **v = NULL;
	int n = 0, cap = 0;
	const char *p = line;

	*argv = NULL;
	*argc = 0;
	for (;;) {
		struct fm_buf w = FM_BUF_INIT;
		char q = 0;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		fm_buf_addstr(&w, "");
		while (*p && (q || !isspace((unsigned char)*p))) {
			if (q == '\'' && *p == '\'') {
				q = 0;
			} else if (q == '"' && *p == '"') {
				q = 0;
			} else if (!q && (*p == '\'' || *p == '"')) {
				q = *p;
			} else if (q != '\'' && *p == '\\' && p[1]) {
				p++;
				fm_buf_addch(&w, *p);
			} else {
				fm_buf_addch(&w, *p);
			}
			p++;
		}
		if (q) {
			fm_buf_release(&w);
			tui_free_words(v);
			return fm_error_set(err, FM_EINVAL, "unterminated %s quote",
					    q == '"' ? "double" : "single");
		}
		if (n + 2 > cap) {
			char **nv;
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				fm_buf_release(&w);
				tui_free_words(v);
				return fm_error_set(err, FM_ENOMEM, "out of memory");
			}
			v = nv;
		}
		v[n++] = fm_buf_detach(&w);
		v[n] = NULL;
	}
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	*argv = v;
	*argc = n;
	return 0;
}

/* ---- capture streams ---- */

struct capture {
	struct fm_buf buf;
	int truncated;
};

static ssize_t capture_write(void *cookie, const char *data, size_t len)
{
	struct capture *c = cookie;

	if (c->buf.len + len > TUI_JOB_OUTPUT_MAX) {
		size_t room = TUI_JOB_OUTPUT_MAX > c->buf.len ?
			      TUI_JOB_OUTPUT_MAX - c->buf.len : 0;
		if (room)
			fm_buf_add(&c->buf, data, room);
		c->truncated = 1;
	} else {
		fm_buf_add(&c->buf, data, len);
	}
	return (ssize_t)len;
}

static FILE *capture_open(struct capture *c)
{
	cookie_io_functions_t io = { NULL, capture_write, NULL, NULL };
	FILE *f = fopencookie(c, "w", io);

	if (f)
		setvbuf(f, NULL, _IOFBF, 8192);
	return f;
}

/* ---- jobs ---- */

struct tui_job {
	pthread_t thread;
	int started;
	int wakefd;
	char *line;
	char **argv;
	int argc;
	const struct cmd_entry *entry;
	struct cmd_args args;
	struct cmd_ctx ctx;
	struct capture out, err;
	atomic_int cancel;
	atomic_int done;
	_Atomic uint64_t pdone, ptotal;
	double t0;
	int status;
	int finished;
};

static void job_log(void *ctx, enum fm_log_level level, const char *msg)
{
	struct cmd_ctx *c = ctx;

	fprintf(c->err, "%s: %s%s\n", c->cmdname,
		level == FM_LOG_WARN ? "warning: " : "", msg);
}

static int job_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct tui_job *j = ctx;

	atomic_store(&j->pdone, done);
	atomic_store(&j->ptotal, total);
	return atomic_load(&j->cancel) ? 1 : 0;
}

static void *job_main(void *arg)
{
	struct tui_job *j = arg;
	char c = 1;

	j->status = j->entry->exec(&j->ctx, &j->args);
	fflush(j->ctx.out);
	fflush(j->ctx.err);
	atomic_store(&j->done, 1);
	while (write(j->wakefd, &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

void tui_job_free(struct tui_job *j)
{
	if (!j)
		return;
	if (j->started && !j->finished)
		pthread_join(j->thread, NULL);
	if (j->entry)
		cmd_args_release(&j->args);
	if (j->ctx.out)
		fclose(j->ctx.out);
	if (j->ctx.err)
		fclose(j->ctx.err);
	fm_buf_release(&j->out.buf);
	fm_buf_release(&j->err.buf);
	tui_free_words(j->argv);
	free(j->line);
	free(j);
}

int tui_job_start(const char *line, int wakefd, struct tui_job **out,
		  struct fm_error *err)
{
	struct tui_job *j = calloc(1, sizeof(*j));
	int rc;

	*out = NULL;
	if (!j || !(j->line = strdup(line))) {
		free(j);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	j->wakefd = wakefd;
	rc = tui_split_words(line, &j->argv, &j->argc, err);
	if (rc < 0)
		goto fail;
	if (j->argc == 0) {
		rc = fm_error_set(err, FM_EINVAL, "empty command");
		goto fail;
	}
	j->entry = cmd_find(j->argv[0], err);
	if (!j->entry) {
		rc = FM_EINVAL;
		goto fail;
	}
	rc = cmd_parse(j->entry, j->argc - 1, j->argv + 1, &j->args, err);
	if (rc < 0) {
		fm_error_prefix(err, "%s", j->entry->name);
		j->entry = NULL;
		goto fail;
	}
	/* The terminal belongs to the workbench: no stdin/stdout "-". */
	for (int i = 1; i < j->argc; i++)
		if (!strcmp(j->argv[i], "-")) {
			rc = fm_error_set(err, FM_EINVAL,
					  "%s: '-' (standard input/output) is the "
					  "terminal here; give a file name",
					  j->entry->name);
			goto fail;
		}
	j->ctx.out = capture_open(&j->out);
	j->ctx.err = capture_open(&j->err);
	if (!j->ctx.out || !j->ctx.err) {
		rc = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto fail;
	}
	j->ctx.cmdname = j->entry->name;
	j->ctx.log.fn = job_log;
	j->ctx.log.ctx = &j->ctx;
	j->ctx.progress.fn = job_progress;
	j->ctx.progress.ctx = j;
	j->ctx.quiet = 0;
	j->t0 = cmd_now();
	if (j->args.v[OPT_HELP].set) {
		/* --help: print it and finish at once */
		cmd_print_help(j->entry, j->ctx.out);
		fflush(j->ctx.out);
		atomic_store(&j->done, 1);
		*out = j;
		return 0;
	}
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		rc = fm_error_set(err, FM_ENOMEM, "cannot start a worker thread");
		goto fail;
	}
	j->started = 1;
	*out = j;
	return 0;
fail:
	tui_job_free(j);
	return rc;
}

void tui_job_cancel(struct tui_job *j)
{
	atomic_store(&j->cancel, 1);
}

int tui_job_cancelled(const struct tui_job *j)
{
	return atomic_load(&((struct tui_job *)j)->cancel);
}

int tui_job_done(const struct tui_job *j)
{
	return atomic_load(&((struct tui_job *)j)->done);
}

void tui_job_progress(const struct tui_job *j, uint64_t *done, uint64_t *total)
{
	*done = atomic_load(&((struct tui_job *)j)->pdone);
	*total = atomic_load(&((struct tui_job *)j)->ptotal);
}

double tui_job_elapsed(const struct tui_job *j)
{
	return cmd_now() - j->t0;
}

const char *tui_job_name(const struct tui_job *j)
{
	return j->entry ? j->entry->name : "";
}

const char *tui_job_line(const struct tui_job *j)
{
	return j->line;
}

int tui_job_finish(struct tui_job *j, const char **out, const char **errtext)
{
	if (j->started && !j->finished)
		pthread_join(j->thread, NULL);
	j->finished = 1;
	fflush(j->ctx.out);
	fflush(j->ctx.err);
	if (j->out.truncated)
		fm_buf_addstr(&j->out.buf, "\n(output truncated)\n");
	if (j->err.truncated)
		fm_buf_addstr(&j->err.buf, "\n(messages truncated)\n");
	fm_buf_addstr(&j->out.buf, "");
	fm_buf_addstr(&j->err.buf, "");
	*out = fm_buf_str(&j->out.buf);
	*errtext = fm_buf_str(&j->err.buf);
	return j->status;
}

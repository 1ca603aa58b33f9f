/*
 * cmd-follow.c - the one-shot `--follow DIR` loop (cmd-follow.h).
 *
 * The loop takes every event the follower has (adds and drops), writes
 * the output once they are all done, then waits for the directory to
 * change (at most 200 ms at a time, so a stop signal is seen at once).
 * SIGINT, SIGTERM and SIGHUP only set a flag while it runs: the file
 * being read is finished, the output rewritten if it changed, and the
 * command ends with status 0 and the last complete output in place.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/follow.h"
#include "cmd-follow.h"

static volatile sig_atomic_t follow_stop;

static void on_stop(int sig)
{
	follow_stop = sig;
}

static const int stop_sigs[3] = {SIGINT, SIGTERM, SIGHUP};

/* The progress of a read: a stop signal cancels it (the file being read
 * is then left out whole), else the caller's progress is told. */
static int stop_progress(void *ctx, uint64_t done, uint64_t total)
{
	const struct fm_progress *next = ctx;

	if (follow_stop)
		return 1;
	return fm_progress_report(next, done, total);
}

/* Catch the stop signals into follow_stop (old handlers saved). */
static void catch_stops(struct sigaction old[3])
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop; /* no SA_RESTART: the wait returns */
	follow_stop = 0;
	for (int i = 0; i < 3; i++) {
		sigaction(stop_sigs[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(stop_sigs[i], &sa, NULL);
	}
}

static void restore_stops(const struct sigaction old[3])
{
	for (int i = 0; i < 3; i++)
		sigaction(stop_sigs[i], &old[i], NULL);
}

int cmd_follow_check(const struct cmd_ctx *ctx, const struct cmd_args *a,
		     struct fm_error *err)
{
	static const int counters[4] = {OPT_SKIP_IN, OPT_COUNT_IN, OPT_SKIP_OUT,
					OPT_COUNT_OUT};
	const char *fmt = a->v[OPT_IN_FORMAT].s;

	if (!a->v[OPT_FOLLOW].set) {
		if (a->v[OPT_WINDOW].set || a->v[OPT_POLL].set)
			return fm_error_set(
			    err, FM_EINVAL, "--%s works with --follow DIR",
			    a->v[OPT_WINDOW].set ? "window" : "poll");
		if (a->npos == 0)
			return fm_error_set(err, FM_EINVAL,
					    "no INPUT given (or --follow DIR)");
		return 0;
	}
	if (cmd_in_session(ctx))
		return fm_error_set(err, FM_EINVAL,
				    "--follow is for the one-shot command; in "
				    "the workbench: load --follow DIR");
	if (a->npos)
		return fm_error_set(err, FM_EINVAL,
				    "--follow DIR reads DIR: no INPUT (got "
				    "'%s')",
				    a->pos[0]);
	if (!a->v[OPT_OUTPUT].set || !strcmp(a->v[OPT_OUTPUT].s, "-"))
		return fm_error_set(err, FM_EINVAL,
				    "--follow needs -O PATH (rewritten as "
				    "files arrive)");
	if (a->v[OPT_IN_FORMAT].set && strcmp(fmt, "nfcapd") &&
	    strcmp(fmt, "nfcapd-nfdump"))
		return fm_error_set(err, FM_EINVAL,
				    "--follow reads nfcapd files: -i %s cannot "
				    "be followed",
				    fmt);
	for (int i = 0; i < 4; i++)
		if (a->v[counters[i]].set)
			return fm_error_set(err, FM_EINVAL,
					    "--follow: the cutting counters "
					    "(--skip-in, --count-in, "
					    "--skip-out, --count-out) do not "
					    "apply; --filter-expr does");
	if (a->v[OPT_POLL].set &&
	    (a->v[OPT_POLL].i < 10 || a->v[OPT_POLL].i > 3600000))
		return fm_error_set(err, FM_EINVAL,
				    "option --poll: expected 10..3600000 ms, "
				    "got %lld",
				    (long long)a->v[OPT_POLL].i);
	return 0;
}

static void follow_log_fn(void *ctx, enum fm_log_level level, const char *msg)
{
	const struct cmd_follow_log *fl = ctx;

	if (fl->to && fl->to->fn &&
	    !strstr(msg, ": the header counts no data blocks"))
		fl->to->fn(fl->to->ctx, level, msg);
}

void cmd_follow_log_init(struct cmd_follow_log *fl, const struct fm_log *to)
{
	fl->log.fn = follow_log_fn;
	fl->log.ctx = fl;
	fl->to = to;
}

int cmd_follow_scan(struct cmd_ctx *ctx, const struct cmd_args *a,
		    const char *path, uint32_t fields, struct cmd_scan **out,
		    struct fm_error *err)
{
	struct cmd_args one = *a;

	one.pos = &path;
	one.npos = 1;
	/* a damaged file is skipped whole, never in part */
	one.v[OPT_SKIP_DAMAGED].set = 0;
	return cmd_scan_open(ctx, &one, FM_FORMAT_NFCAPD, fields, out, err);
}

/* Whether an add failed because of the file (go on) or of us (stop). */
static int file_fault(int code)
{
	return code == FM_EFORMAT || code == FM_EIO || code == FM_ENOTFOUND ||
	       code == FM_ERANGE || code == FM_EEXTERNAL;
}

struct follow_state {
	uint64_t files, skipped;
	int64_t stamp; /* of the last file added (0: none yet) */
	double rate;   /* its records per second of data time */
};

/* One event: read a file into the output or take one out. */
static int handle(struct cmd_ctx *ctx, const struct cmd_follow_ops *ops,
		  const struct fm_follow_event *ev, struct follow_state *st,
		  int *changed, struct fm_error *err)
{
	uint64_t records = 0;
	int r;

	if (ev->what == FM_FOLLOW_DROP) {
		*changed = 1;
		return ops->drop(ops->arg, ev->id, err);
	}
	r = ops->add(ops->arg, ctx, ev->id, ev->path, &records, err);
	if (r < 0 && file_fault(r)) {
		if (strstr(err->msg, ev->path))
			fm_warn(&ctx->log, "skipped: %s", err->msg);
		else
			fm_warn(&ctx->log, "%s: skipped: %s", ev->path,
				err->msg);
		fm_error_clear(err);
		st->skipped++;
		return 0;
	}
	if (r == 0) {
		/* the collector's rate: records over the file's interval */
		if (st->stamp && ev->stamp > st->stamp)
			st->rate =
			    (double)records / (double)(ev->stamp - st->stamp);
		if (ev->stamp > st->stamp)
			st->stamp = ev->stamp;
		st->files++;
		/* a file without records (a rotation without traffic)
		 * changes nothing to rewrite */
		*changed |= records > 0;
	}
	return r;
}

/* The line after an update: last file, records/s added, the window. */
static void report(struct cmd_ctx *ctx, const struct cmd_follow_ops *ops,
		   const struct follow_state *st, const char *last,
		   const struct cmd_args *a)
{
	struct fm_buf d = FM_BUF_INIT;

	ops->describe(ops->arg, &d);
	cmd_summary(ctx, "%s: %s: %.0f records/s added; window %s: %s",
		    ctx->cmdname, last ? last : "(no file yet)", st->rate,
		    a->v[OPT_WINDOW].set ? a->v[OPT_WINDOW].s : "all",
		    d.buf ? d.buf : "");
	fm_buf_release(&d);
}

int cmd_follow_run(struct cmd_ctx *ctx, const struct cmd_args *a,
		   const struct cmd_follow_ops *ops, struct fm_error *err)
{
	struct fm_follow_opts fo = {a->v[OPT_FOLLOW].s, 0, FM_FOLLOW_AUTO, 0,
				    &ctx->log};
	struct fm_follow *f = NULL;
	struct follow_state st = {0, 0, 0, 0.0};
	struct sigaction old[3];
	char *last = NULL;
	int r = 0, dirty = 1;

	if (a->v[OPT_WINDOW].set)
		r = fm_follow_parse_window(a->v[OPT_WINDOW].s, &fo.window, err);
	if (a->v[OPT_POLL].set) {
		fo.mode = FM_FOLLOW_POLL;
		fo.poll_ms = (int)a->v[OPT_POLL].i;
	}
	if (r == 0)
		r = fm_follow_open(&f, &fo, err);
	if (r < 0)
		return r;
	/* the reads log through a filter (empty rotations are normal) */
	struct cmd_follow_log fl;
	struct fm_log saved = ctx->log;
	struct fm_progress saved_progress = ctx->progress;
	cmd_follow_log_init(&fl, &saved);
	ctx->log = fl.log;
	ctx->progress.fn = stop_progress;
	ctx->progress.ctx = &saved_progress;
	catch_stops(old);
	while (r == 0) {
		struct fm_follow_event ev;
		while (r == 0 && !follow_stop &&
		       (r = fm_follow_next(f, &ev, err)) > 0) {
			r = handle(ctx, ops, &ev, &st, &dirty, err);
			if (r == FM_ECANCEL && follow_stop) {
				/* stopped mid-file: that file is left out */
				fm_error_clear(err);
				r = 0;
				break;
			}
			if (r == 0 && ev.what == FM_FOLLOW_ADD) {
				free(last);
				last = strdup(ev.path);
			}
		}
		if (r == 0 && dirty) {
			r = ops->write(ops->arg, a->v[OPT_OUTPUT].s, err);
			if (r == 0 && !ctx->quiet)
				report(ctx, ops, &st, last, a);
			dirty = 0;
		}
		if (r < 0 || follow_stop)
			break;
		r = fm_follow_wait(f, 200, err);
		if (r > 0)
			r = 0;
	}
	restore_stops(old);
	ctx->log = saved;
	ctx->progress = saved_progress;
	if (r == 0 && !ctx->quiet)
		cmd_summary(ctx,
			    "%s: stopped by signal %d: %llu files read, %llu "
			    "skipped; %s holds the last update",
			    ctx->cmdname, (int)follow_stop,
			    (unsigned long long)st.files,
			    (unsigned long long)st.skipped, a->v[OPT_OUTPUT].s);
	free(last);
	fm_follow_free(f);
	return r;
}

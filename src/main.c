/*
 * main.c - the flowmodels executable: dispatches `flowmodels TOOL ARGS` to
 * the command table.  Only main decides the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/anonymize.h"
#include "flowmodels/fileops.h"
#include "cmd/cmd.h"
#include "cmd/session.h"
#include "cmd/signals.h"
#include "tui/tui.h"

#include "fm-version.h" /* FLOWMODELS_VERSION, generated */

static void log_to_stderr(void *ctx, enum fm_log_level level, const char *msg)
{
	struct cmd_ctx *c = ctx;
	fprintf(c->err, "flowmodels %s: %s%s\n", c->cmdname,
		level == FM_LOG_WARN ? "warning: " : "", msg);
}

struct tty_progress {
	struct cmd_ctx *ctx;
	double last;
};

static int progress_to_tty(void *p, uint64_t done, uint64_t total)
{
	struct tty_progress *tp = p;
	double now = cmd_now();

	if (now - tp->last < 0.2)
		return 0;
	tp->last = now;
	if (total)
		fprintf(tp->ctx->err, "\r%s: %5.1f%%", tp->ctx->cmdname,
			100.0 * (double)done / (double)total);
	else
		fprintf(tp->ctx->err, "\r%s: %llu", tp->ctx->cmdname,
			(unsigned long long)done);
	fflush(tp->ctx->err);
	tp->ctx->progress_shown = 1;
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: flowmodels COMMAND [OPTIONS] [ARGS]\n"
		"       flowmodels --replay [--allow-outside] FILE\n"
		"       flowmodels [--demo] [--theme NAME] [--color=WHEN] "
		"[--charset SET]\n"
		"                  (no command, on a terminal: the workbench)\n"
		"       flowmodels --help | --version\n\n"
		"Statistical models of IP network flows: convert, cut, merge "
		"and sort\n"
		"flow records, bin them into histograms, fit mixture models, "
		"generate\n"
		"synthetic flows, and publish TeX summaries and plots.\n\n"
		"commands:\n");
	cmd_print_list(out);
	fprintf(out,
		"\n'flowmodels COMMAND --help' describes a command;\n"
		"'flowmodels help %s' the filter language.\n",
		cmd_topic_list());
	fprintf(out, "'flowmodels --replay FILE' runs a session file without a "
		     "terminal.\n");
}

struct batch_progress {
	double last;
	int shown;
};

static int progress_to_stderr(void *p, uint64_t done, uint64_t total)
{
	struct batch_progress *bp = p;
	double now = cmd_now();

	if (now - bp->last < 0.2 || !total)
		return 0;
	bp->last = now;
	fprintf(stderr, "\r%5.1f%%", 100.0 * (double)done / (double)total);
	fflush(stderr);
	bp->shown = 1;
	return 0;
}

/*
 * `flowmodels --replay FILE`: run a session file in a fresh session, no
 * terminal; each command is printed with its result; the first error
 * stops the run with "FILE:LINE: message" and exit status 1.
 */
static int replay_main(const char *file, unsigned flags)
{
	struct session *s = sess_new();
	struct fm_error err = {0};
	struct batch_progress bp = {cmd_now(), 0};
	struct fm_progress prog = {NULL, NULL};
	int r;

	if (!s) {
		fprintf(stderr, "flowmodels: out of memory\n");
		return 1;
	}
	tui_session_charts(s);
	if (isatty(2)) {
		prog.fn = progress_to_stderr;
		prog.ctx = &bp;
	}
	r = sess_replay(s, file, flags, stdout, stderr, &prog, &err);
	if (bp.shown)
		fprintf(stderr, "\r\033[K");
	fflush(stdout);
	if (r < 0)
		fprintf(stderr, "%s\n", err.msg);
	sess_free(s);
	if (r == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "flowmodels: error writing standard output\n");
		return 1;
	}
	return r < 0 ? 1 : 0;
}

/* `flowmodels fit ... --interactive ...` (not --help). */
static int fit_interactive(int argc, char **argv)
{
	int yes = 0;

	if (argc < 3 || strcmp(argv[1], "fit") != 0)
		return 0;
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 0;
		yes |= !strcmp(argv[i], "--interactive");
	}
	return yes;
}

int main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	struct tty_progress tp;
	struct fm_error err = {0};
	const struct cmd_entry *e;
	struct cmd_args args;
	int status;

	/* the workbench handles the stop signals itself */
	cmd_signals_install(!((argc < 2 && isatty(0) && isatty(1)) ||
			      (argc >= 2 && tui_is_option(argv[1])) ||
			      fit_interactive(argc, argv)));
	/* A key in the environment: no core file may hold it */
	if (getenv("FLOWMODELS_KEY"))
		fm_anon_no_dump();
	/* `fit --interactive`: the workbench on the fit view */
	if (fit_interactive(argc, argv))
		return tui_fit_main(argc - 2, argv + 2);
	/* No arguments on a terminal, or workbench options: the workbench. */
	if ((argc < 2 && isatty(0) && isatty(1)) ||
	    (argc >= 2 && tui_is_option(argv[1])))
		return tui_main(argc - 1, argv + 1);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		if (argc >= 3 && !strcmp(argv[1], "help")) {
			const char *name = argv[2];
			if (!strcmp(name, "--help") || !strcmp(name, "-h"))
				name = "help";
			if (cmd_print_topic(name, stdout))
				return 0;
			e = cmd_find(name, &err);
			if (!e) {
				fprintf(stderr, "flowmodels: %s\n", err.msg);
				return 2;
			}
			cmd_print_help(e, stdout);
			return 0;
		}
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--replay")) {
		int allow = argc == 4 && !strcmp(argv[2], "--allow-outside");
		if (argc != 3 + allow) {
			fprintf(stderr,
				"flowmodels: usage: flowmodels --replay "
				"[--allow-outside] FILE\n");
			return 2;
		}
		return replay_main(argv[2 + allow],
				   allow ? SESS_ALLOW_OUTSIDE : 0);
	}
	if (!strcmp(argv[1], "--version")) {
		if (FLOWMODELS_COMMIT[0])
			printf("flowmodels %s (git %s)\n", FLOWMODELS_VERSION,
			       FLOWMODELS_COMMIT);
		else
			printf("flowmodels %s\n", FLOWMODELS_VERSION);
		return 0;
	}
	e = cmd_find(argv[1], &err);
	if (!e) {
		fprintf(stderr, "flowmodels: %s\n", err.msg);
		return 2;
	}
	if (!strcmp(e->name, "anonymize"))
		fm_anon_no_dump(); /* argv may hold --key */
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = stdout;
	ctx.err = stderr;
	ctx.cmdname = e->name;
	ctx.invoked = argv[1];
	ctx.log.fn = log_to_stderr;
	ctx.log.ctx = &ctx;
	if (cmd_parse(e, argc - 2, argv + 2, &args, &err) < 0) {
		fprintf(stderr, "flowmodels %s: %s\n", e->name, err.msg);
		return 2;
	}
	if (args.v[OPT_HELP].set) {
		cmd_print_help(e, stdout);
		cmd_args_release(&args);
		return 0;
	}
	if (e->flags & CMD_F_SESSION) {
		fprintf(
		    stderr,
		    "flowmodels %s: works inside a session: the workbench, "
		    "or a session file run with 'flowmodels --replay FILE'\n",
		    e->name);
		cmd_args_release(&args);
		return 2;
	}
	ctx.quiet = args.v[OPT_QUIET].set > 0;
	if (args.v[OPT_NO_SYNC].set)
		fm_sync_set(0);
	memset(&tp, 0, sizeof(tp));
	tp.ctx = &ctx;
	tp.last = cmd_now();
	if (!ctx.quiet && isatty(2)) {
		ctx.progress.fn = progress_to_tty;
		ctx.progress.ctx = &tp;
	}
	status = e->exec(&ctx, &args);
	if (ctx.progress_shown)
		fprintf(stderr, "\r\033[K");
	cmd_args_release(&args);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr,
			"flowmodels %s: error writing standard output\n",
			e->name);
		return 1;
	}
	return status;
}

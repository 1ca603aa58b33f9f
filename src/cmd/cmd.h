/*
 * cmd.h - the command layer: one table of commands, each described by a
 * struct cmd_entry (name, alias, summary, usage, options, exec).
 *
 * The option table of an entry is the single source of its argument
 * parsing, its --help text, `help CMD`, and completion.  One-shot
 * subcommands (`flowmodels convert ...`) and, later, workbench and
 * session-file commands all go through cmd_find + cmd_parse + exec.
 * Commands report through struct cmd_ctx and never exit().
 */
#ifndef FLOWMODELS_CMD_H
#define FLOWMODELS_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "flowmodels/error.h"
#include "flowmodels/io.h"
#include "flowmodels/progress.h"

struct cmd_ctx {
	FILE *out;                 /* results and data for stdout */
	FILE *err;                 /* messages, progress */
	struct fm_log log;         /* warnings and notes, to err */
	struct fm_progress progress;
	int quiet;                 /* no progress lines */
	int progress_shown;        /* a progress line is on the terminal */
	const char *cmdname;       /* the command being run, for messages */
};

enum cmd_opt_type {
	CMD_OPT_FLAG,     /* no value; counts occurrences */
	CMD_OPT_INT,      /* signed 64-bit integer */
	CMD_OPT_REAL,     /* double */
	CMD_OPT_STR,      /* string; last one wins */
	CMD_OPT_LIST,     /* string, repeatable; all kept in order */
};

struct cmd_opt {
	int id;                    /* index into cmd_args.v, < CMD_MAX_OPTS */
	char short_name;           /* 0 = none */
	const char *long_name;     /* NULL terminates an option table */
	enum cmd_opt_type type;
	const char *metavar;       /* "N", "FILE", ... */
	const char *help;          /* one line; "(default: ...)" included */
	const char *complete;      /* completion hint: "file", "dir", "field",
				    * "format", or "a|b|c" choices; NULL */
};

#define CMD_MAX_OPTS 48
#define CMD_OPT_END { -1, 0, NULL, CMD_OPT_FLAG, NULL, NULL, NULL }

/* Option ids shared by the record tools (see cmd-flow.c). */
enum {
	OPT_IN_FORMAT = 1,
	OPT_OUT_FORMAT,
	OPT_OUTPUT,
	OPT_SKIP_IN,
	OPT_COUNT_IN,
	OPT_SKIP_OUT,
	OPT_COUNT_OUT,
	OPT_FILTER_EXPR,
	OPT_HELP,
	OPT_QUIET,
	OPT_COMMON_END = 16        /* first id free for a command's own options */
};

#define CMD_OPT_IN_FORMAT(def) \
	{ OPT_IN_FORMAT, 'i', "in-format", CMD_OPT_STR, "FORMAT", \
	  "input format: csv_flow, pipe, binary, nfcapd, nfcapd-nfdump (default: " def ")", \
	  "csv_flow|pipe|binary|nfcapd|nfcapd-nfdump" }
#define CMD_OPT_OUTPUT(help) \
	{ OPT_OUTPUT, 'O', "output", CMD_OPT_STR, "PATH", help, "file" }
/* The cutting counters of SPEC 3. */
#define CMD_OPTS_CUT \
	{ OPT_SKIP_IN, 0, "skip-in", CMD_OPT_INT, "N", \
	  "drop the first N records read (N <= 0: none)", NULL }, \
	{ OPT_COUNT_IN, 0, "count-in", CMD_OPT_INT, "N", \
	  "after skipping, read at most N records (N <= 0: none; default: all)", NULL }, \
	{ OPT_SKIP_OUT, 0, "skip-out", CMD_OPT_INT, "N", \
	  "drop the first N records that passed the filter", NULL }, \
	{ OPT_COUNT_OUT, 0, "count-out", CMD_OPT_INT, "N", \
	  "emit at most N records after that (N <= 0: none; default: all)", NULL }, \
	CMD_OPT_FILTER
/* The filter of SPEC 4 (part of CMD_OPTS_CUT; applied after count-in). */
#define CMD_OPT_FILTER \
	{ OPT_FILTER_EXPR, 0, "filter-expr", CMD_OPT_STR, "EXPR", \
	  "keep only records for which EXPR is true (python syntax, see docs/filters.md)", \
	  "field" }
#define CMD_OPTS_COMMON \
	{ OPT_QUIET, 'q', "quiet", CMD_OPT_FLAG, NULL, \
	  "no progress or summary lines on stderr", NULL }, \
	{ OPT_HELP, 'h', "help", CMD_OPT_FLAG, NULL, "show this help and exit", NULL }

struct cmd_value {
	int set;                   /* times given */
	int64_t i;
	double d;
	const char *s;
	const char **list;         /* CMD_OPT_LIST values, in order */
	size_t nlist;
};

struct cmd_args {
	struct cmd_value v[CMD_MAX_OPTS];
	const char **pos;          /* positional arguments */
	size_t npos;
};

struct cmd_entry {
	const char *name;
	const char *alias;         /* NULL = none */
	const char *summary;       /* one line, lower case, no period */
	const char *usage;         /* "[OPTIONS] INPUT..." after the name */
	const char *description;   /* paragraphs for --help, may be NULL */
	const struct cmd_opt *opts;
	int min_pos, max_pos;      /* positional argument counts; -1 = any */
	int (*exec)(struct cmd_ctx *ctx, const struct cmd_args *args);
};

/* The command table, NULL-terminated, in the order help lists it. */
extern const struct cmd_entry *const cmd_table[];

/*
 * Find a command by exact name, alias or unique prefix.  On failure
 * returns NULL and writes "unknown command: x" or "ambiguous command: x,
 * could be: a, b" into err.
 */
const struct cmd_entry *cmd_find(const char *name, struct fm_error *err);

/*
 * Parse argv[0..argc) (after the command name) into args by the entry's
 * option table.  Strings point into argv.  Returns 0 or FM_EINVAL with a
 * message naming the option.  Free with cmd_args_release.
 */
int cmd_parse(const struct cmd_entry *e, int argc, char **argv,
	      struct cmd_args *args, struct fm_error *err);
void cmd_args_release(struct cmd_args *args);

/* Write the complete --help text of e. */
void cmd_print_help(const struct cmd_entry *e, FILE *out);
/* Write the list of commands with their summaries. */
void cmd_print_list(FILE *out);

/*
 * Report a failure of the running command on ctx->err as
 * "flowmodels CMD: message" and return 1 (the exit status).
 */
int cmd_fail(struct cmd_ctx *ctx, const struct fm_error *err);

/* ---- helpers for record tools (cmd-flow.c) ---- */

/* Fill a struct fm_cut from the cutting options. */
void cmd_get_cut(const struct cmd_args *a, struct fm_cut *cut);
/*
 * Parse the -i option (default def) into *fmt; FM_EINVAL with a message
 * listing the formats when unknown.
 */
int cmd_get_format(const struct cmd_args *a, int id, enum fm_format def,
		   enum fm_format *fmt, struct fm_error *err);
/*
 * Open a scan over the positional inputs with the tool's input options
 * (format, cutting and filter); fields = the columns the tool needs.
 * The returned scan owns any selector it made (freed by cmd_scan_close).
 */
struct cmd_scan;
int cmd_scan_open(struct cmd_ctx *ctx, const struct cmd_args *a,
		  enum fm_format def_format, uint32_t fields,
		  struct cmd_scan **out, struct fm_error *err);
struct fm_scan *cmd_scan_get(struct cmd_scan *cs);
void cmd_scan_close(struct cmd_scan *cs);

/* Print a closing summary line on ctx->err (unless quiet), first
 * clearing a progress line. */
void cmd_summary(struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A monotonic clock in seconds, for the timing lines. */
double cmd_now(void);

#endif

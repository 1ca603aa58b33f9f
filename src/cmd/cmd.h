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

struct session; /* session.h: named objects (NULL = one-shot) */
struct cmd_run; /* session-run.c: the invocation being run */

struct cmd_ctx {
	FILE *out;	   /* results and data for stdout */
	FILE *err;	   /* messages, progress */
	struct fm_log log; /* warnings and notes, to err */
	struct fm_progress progress;
	int quiet;	     /* no progress lines */
	int progress_shown;  /* a progress line is on the terminal */
	const char *cmdname; /* the command being run, for messages */
	const char *invoked; /* the name typed: cmdname or its alias */
	/* Session mode (all NULL/zero in one-shot mode): */
	struct session *session; /* the session the command runs in */
	struct cmd_run *run;	 /* its invocation: results, record */
	struct fm_error error;	 /* what cmd_fail reported, for FILE:LINE */
	/* A frontend watching the run (cmd_live_row), or NULL. */
	void (*live)(void *arg, const char *row);
	void *live_arg;
};

enum cmd_opt_type {
	CMD_OPT_FLAG, /* no value; counts occurrences */
	CMD_OPT_INT,  /* signed 64-bit integer */
	CMD_OPT_REAL, /* double */
	CMD_OPT_STR,  /* string; last one wins */
	CMD_OPT_LIST, /* string, repeatable; all kept in order */
};

struct cmd_opt {
	int id;		       /* index into cmd_args.v, < CMD_MAX_OPTS */
	char short_name;       /* 0 = none */
	const char *long_name; /* NULL terminates an option table */
	enum cmd_opt_type type;
	const char *metavar;  /* "N", "FILE", ... */
	const char *help;     /* one line; "(default: ...)" included */
	const char *complete; /* completion hint: "file", "dir", "field",
			       * "format", or "a|b|c" choices; NULL.
			       * Hints that also say what the value is:
			       * "output" a path the command writes,
			       * "object" a session object or else a path
			       * (fit --from: read as the object's export),
			       * "program" a program it runs (refused
			       * in sessions), "secret" never recorded */
};

#define CMD_MAX_OPTS 48
#define CMD_OPT_END                                                            \
	{                                                                      \
		-1, 0, NULL, CMD_OPT_FLAG, NULL, NULL, NULL                    \
	}

/* Option ids shared by the record tools (see cmd-scan.c). */
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
	OPT_SKIP_DAMAGED,
	OPT_BIFLOW,
	OPT_COMPRESS,
	OPT_MEMORY,
	OPT_FOLLOW, /* --follow DIR, --window, --poll (cmd-follow.h) */
	OPT_WINDOW,
	OPT_POLL,
	OPT_NO_SYNC,
	OPT_COMMON_END = 20 /* first id free for a command's own options */
};

#define CMD_OPT_IN_FORMAT(def)                                                 \
	{                                                                      \
		OPT_IN_FORMAT, 'i', "in-format", CMD_OPT_STR, "FORMAT",        \
		    "input format: csv_flow, pipe, binary, nfcapd, "           \
		    "nfcapd-nfdump (default: " def ")",                        \
		    "csv_flow|pipe|binary|nfcapd|nfcapd-nfdump"                \
	}
/* Bidirectional nfcapd flows (the tools reading through cmd_scan_open). */
#define CMD_OPT_BIFLOW                                                         \
	{                                                                      \
		OPT_BIFLOW, 0, "biflow", CMD_OPT_STR, "MODE",                  \
		    "bidirectional flows of nfcapd input: forward (one "       \
		    "record, forward counters) or "                            \
		    "split (the reverse direction as a record of its own; "    \
		    "directions with 0 packets "                               \
		    "dropped) (default: forward)",                             \
		    "forward|split"                                            \
	}
#define CMD_OPT_OUTPUT(help)                                                   \
	{                                                                      \
		OPT_OUTPUT, 'O', "output", CMD_OPT_STR, "PATH", help, "output" \
	}
/* The cutting counters of SPEC 3 and the filter (SPEC 4), for the tools
 * reading records through cmd_scan_open. */
#define CMD_OPTS_CUT CMD_OPTS_COUNTERS, CMD_OPT_FILTER
/* The four counters alone (cut: no filter there). */
#define CMD_OPTS_COUNTERS                                                      \
	{OPT_SKIP_IN, 0,   "skip-in",                                          \
	 CMD_OPT_INT, "N", "drop the first N records read (N <= 0: none)",     \
	 NULL},                                                                \
	    {OPT_COUNT_IN,                                                     \
	     0,                                                                \
	     "count-in",                                                       \
	     CMD_OPT_INT,                                                      \
	     "N",                                                              \
	     "after skipping, read at most N records (N <= 0: none; default: " \
	     "all)",                                                           \
	     NULL},                                                            \
	    {OPT_SKIP_OUT, 0,                                                  \
	     "skip-out",   CMD_OPT_INT,                                        \
	     "N",	   "drop the first N records that passed the filter",  \
	     NULL},                                                            \
	{                                                                      \
		OPT_COUNT_OUT, 0, "count-out", CMD_OPT_INT, "N",               \
		    "emit at most N records after that (N <= 0: none; "        \
		    "default: all)",                                           \
		    NULL                                                       \
	}
/* The filter of SPEC 4 (part of CMD_OPTS_CUT; applied after count-in). */
#define CMD_OPT_FILTER                                                         \
	{                                                                      \
		OPT_FILTER_EXPR, 0, "filter-expr", CMD_OPT_STR, "EXPR",        \
		    "keep only records for which EXPR is true (python "        \
		    "syntax, see docs/filters.md)",                            \
		    "field"                                                    \
	}
/* Block compression of nfcapd output (cmd_get_compress). */
#define CMD_OPT_COMPRESS                                                       \
	{                                                                      \
		OPT_COMPRESS, 0, "compress", CMD_OPT_STR, "ALGO",              \
		    "-o nfcapd: block compression none, lzo, lz4 or zstd "     \
		    "(default: lz4)",                                          \
		    "none|lzo|lz4|zstd"                                        \
	}
/* The memory budget (cmd_get_memory; memlimit.h). */
#define CMD_OPT_MEMORY                                                         \
	{                                                                      \
		OPT_MEMORY, 0, "memory", CMD_OPT_STR, "LIMIT",                 \
		    "memory budget in bytes, with an optional K, M, G or T "   \
		    "suffix (default: half of the smaller of the RAM and the " \
		    "cgroup's memory limit)",                                  \
		    NULL                                                       \
	}
/* Go on past damaged input files (the tools reading capture folders). */
#define CMD_OPT_SKIP_DAMAGED                                                   \
	{                                                                      \
		OPT_SKIP_DAMAGED, 0, "skip-damaged", CMD_OPT_FLAG, NULL,       \
		    "go on past an input file that fails to read, with a "     \
		    "warning and a count",                                     \
		    NULL                                                       \
	}
/* The one-shot tools that write files (a session says `set sync off`). */
#define CMD_OPT_NO_SYNC                                                        \
	{                                                                      \
		OPT_NO_SYNC, 0, "no-sync", CMD_OPT_FLAG, NULL,                 \
		    "do not fsync the outputs (faster; a power failure may "   \
		    "lose an output that was just written)",                   \
		    NULL                                                       \
	}
#define CMD_OPTS_COMMON                                                        \
	{OPT_QUIET,    'q',  "quiet",                                          \
	 CMD_OPT_FLAG, NULL, "no progress or summary lines on stderr",         \
	 NULL},                                                                \
	{                                                                      \
		OPT_HELP, 'h', "help", CMD_OPT_FLAG, NULL,                     \
		    "show this help and exit", NULL                            \
	}

struct cmd_value {
	int set; /* times given */
	int64_t i;
	double d;
	const char *s;
	const char **list; /* CMD_OPT_LIST values, in order */
	size_t nlist;
};

struct cmd_args {
	struct cmd_value v[CMD_MAX_OPTS];
	const char **pos; /* positional arguments */
	size_t npos;
};

struct cmd_entry {
	const char *name;
	const char *alias;	 /* NULL = none */
	const char *summary;	 /* one line, lower case, no period */
	const char *usage;	 /* "[OPTIONS] INPUT..." after the name */
	const char *description; /* paragraphs for --help, may be NULL */
	const struct cmd_opt *opts;
	int min_pos, max_pos; /* positional argument counts; -1 = any */
	int (*exec)(struct cmd_ctx *ctx, const struct cmd_args *args);
	unsigned flags; /* CMD_F_* */
};

/* cmd_entry.flags */
enum {
	CMD_F_SESSION = 1,   /* works only inside a session */
	CMD_F_NORECORD = 2,  /* never recorded (list, info, save...) */
	CMD_F_PATHPOS = 4,   /* positionals are paths, never objects */
	CMD_F_WRITEPOS = 8,  /* ... that the command writes (save) */
	CMD_F_DOTOUT = 16,   /* -O (and a missing DIR positional) default to
			      * "."; in a replay, the session file's directory */
	CMD_F_INFILTER = 32, /* reads each view's filter for its own input
			      * (cmd_input_filter): views with different
			      * filters in one command */
};

/* The command table, NULL-terminated, in the order help lists it. */
extern const struct cmd_entry *const cmd_table[];

/*
 * Find a command by exact name, alias or unique prefix (as tmux).  On
 * failure returns NULL and writes "ambiguous: a, b" or "unknown command:
 * x (did you mean y?)" (the closest names by edit distance, else a
 * pointer to `help`) into err.
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
/* Whether o's value is a path (hint "file", "dir", "output", "program",
 * "object"), a path the command writes ("output"), a program it runs
 * ("program"), a session object or else a path ("object"). */
int cmd_opt_is_path(const struct cmd_opt *o);
int cmd_opt_is_object(const struct cmd_opt *o);
int cmd_opt_is_output(const struct cmd_opt *o);
int cmd_opt_is_program(const struct cmd_opt *o);
/* The option of e called --name (its first len characters), or NULL. */
const struct cmd_opt *cmd_opt_long(const struct cmd_entry *e, const char *name,
				   size_t len);

/*
 * What to use instead of reference option --opt (its first len characters)
 * that e does not take (refopts.c), or NULL.
 */
const char *cmd_reference_hint(const struct cmd_entry *e, const char *opt,
			       size_t len);

/* Write the complete --help text of e. */
void cmd_print_help(const struct cmd_entry *e, FILE *out);
/* Write the list of commands with their summaries. */
void cmd_print_list(FILE *out);
/*
 * Help pages that are not commands (help-topics.c): write the page of
 * topic name and return 1, or return 0 when there is none.
 */
int cmd_print_topic(const char *name, FILE *out);
/* "filters": the topic names, for the command list. */
const char *cmd_topic_list(void);

/*
 * Report a failure of the running command on ctx->err as
 * "flowmodels CMD: message" and return 1 (the exit status).
 */
int cmd_fail(struct cmd_ctx *ctx, const struct fm_error *err);

/* ---- helpers for record tools (cmd-scan.c) ---- */

/* Fill a struct fm_cut from the cutting options. */
/* --compress into wo->compress (default LZ4); an error for a bad name. */
int cmd_get_compress(const struct cmd_args *a, struct fm_writer_opts *wo,
		     struct fm_error *err);
void cmd_get_cut(const struct cmd_args *a, struct fm_cut *cut);
/* --memory LIMIT into *bytes, else the default budget
 * (fm_memlimit_default); an error naming the option for a bad LIMIT. */
int cmd_get_memory(const struct cmd_args *a, uint64_t *bytes,
		   struct fm_error *err);
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
/*
 * The frame of a record-to-record tool (convert, merge, anonymize): the
 * output format (-o: csv_flow or binary) and place (-O, default stdout;
 * with make_dataset, in a session without -O, a scratch directory that
 * becomes the result dataset), the scan over the inputs (format, cutting,
 * filter) and a writer.  run(arg, scan, writer, err) does the tool's work;
 * the output is then committed (and registered in a session).  *nread,
 * when not NULL, receives the records read.
 */
typedef int (*cmd_records_fn)(void *arg, struct fm_scan *scan,
			      struct fm_writer *w, struct fm_error *err);
int cmd_run_records(struct cmd_ctx *ctx, const struct cmd_args *a,
		    int make_dataset, cmd_records_fn run, void *arg,
		    uint64_t *nread, struct fm_error *err);
void cmd_scan_close(struct cmd_scan *cs);

/* Print a closing summary line on ctx->err (unless quiet), first
 * clearing a progress line. */
void cmd_summary(struct cmd_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A monotonic clock in seconds, for the timing lines. */
double cmd_now(void);

/* ---- session hooks for tools (session-run.c; see
 * docs/dev/adding-a-command.md) ----
 *
 * In a session, positional arguments that name session objects are
 * replaced before exec by what the one-shot tool takes: a dataset by its
 * binary directory (and -i binary), a filtered view by its dataset plus
 * --filter-expr, a histogram or mixture set by a file/directory it was
 * exported to.  A tool therefore reads its inputs exactly as in one-shot
 * mode; only its result goes to the session instead of -O/stdout.
 */

/* The type of an object a tool hands to the session (histogram, mixture). */
struct fm_buf;
struct cmd_objtype {
	const char *kind;    /* "histogram", "mixture" */
	char prefix;	     /* automatic names: 'h' gives h1, h2... */
	const char *formats; /* export formats, "a|b", first = default;
			      * the default one is what tools read */
	void (*free)(void *data);
	/* Key facts on one line, for `list` and the object panel. */
	void (*facts)(const void *data, struct fm_buf *out);
	/* More lines for `info`; may be NULL. */
	void (*info)(const void *data, struct fm_buf *out);
	/* Write data to path (file or directory, as the format is) in format;
	 * complete or not at all. */
	int (*export)(const void *data, const char *format, const char *path,
		      struct fm_error *err);
	/* Optional: fold incoming into an existing object of the same type
	 * and name (a fit adding the packets mixture to mixture set m1);
	 * takes incoming on success.  NULL: the new object replaces it. */
	int (*merge)(void *existing, void *incoming, struct fm_error *err);
	/* Optional, for types whose export holds records: the filter the
	 * records are read through (a live view), or NULL for all.  Tools
	 * reading such an object get it and-ed into --filter-expr, as for a
	 * view of a dataset. */
	const char *(*filter)(const void *data);
};

/* Whether the command runs in a session (results become objects). */
int cmd_in_session(const struct cmd_ctx *ctx);
/*
 * How positional argument i was given, for messages and files that name
 * the input (e.g. "in_file" of fit's Y.mode): the object name or path as
 * typed in a session (stable across replays; a->pos[i] may be a scratch
 * file there), a->pos[i] in one-shot mode.
 */
const char *cmd_input_label(const struct cmd_ctx *ctx, const struct cmd_args *a,
			    size_t i);
/*
 * The filter of the view given as positional argument i in a session, for
 * a command flagged CMD_F_INFILTER (its inputs are read each with its own
 * filter: `compare v1 v2`); NULL for a dataset, a file or one-shot mode.
 */
const char *cmd_input_filter(const struct cmd_ctx *ctx,
			     const struct cmd_args *a, size_t i);
/* The x (length, size...) of the object given as positional argument i
 * in a session, when known; NULL otherwise. */
const char *cmd_input_xkind(const struct cmd_ctx *ctx, const struct cmd_args *a,
			    size_t i);
/* The data of the object of the given type given as positional argument
 * i in a session (a live object for hist); NULL otherwise. */
void *cmd_input_object(const struct cmd_ctx *ctx, const struct cmd_args *a,
		       size_t i, const struct cmd_objtype *type);
/* Option id's value as typed (an object name in a session: the tool
 * gets the object's export path), for messages and Y.mode; NULL when
 * not given. */
const char *cmd_option_label(const struct cmd_ctx *ctx,
			     const struct cmd_args *a, int id);
/*
 * Publish a row of results while the command runs (select: a structure as
 * its fit ends), for a frontend watching the job (cmd_job_live_row: the
 * workbench's live tables); nothing when none watches.  Called from the
 * command's thread.
 */
void cmd_live_row(struct cmd_ctx *ctx, const char *row);
/* The name given with `as NAME` in a session, or NULL. */
const char *cmd_result_name(const struct cmd_ctx *ctx);
/*
 * In a session, records never go to standard output (in the workbench it
 * is not the terminal): FM_EINVAL "give -O FILE" when out is "-".  And a
 * result named with `as NAME` needs binary output (ofmt).  Checked before
 * anything is written, so that a refused command leaves nothing behind.
 */
int cmd_check_records_output(const struct cmd_ctx *ctx, const char *out,
			     enum fm_format ofmt, struct fm_error *err);
/*
 * Hand a result object to the session.  Session mode: ownership moves to
 * the session (also on failure) and 1 is returned; it becomes visible,
 * named (`as NAME` or automatic), when the command succeeds.  One-shot
 * mode: returns 0 and the caller keeps data (and writes its output).
 */
int cmd_result_object(struct cmd_ctx *ctx, const struct cmd_objtype *type,
		      void *data, struct fm_error *err);
/* cmd_result_dataset flags */
enum {
	CMD_DS_TEMP = 1,      /* the session owns dir (from cmd_temp_path) */
	CMD_DS_GENERATED = 2, /* made by generate: shown as "generated" */
};
/*
 * Hand a binary record directory the tool wrote to the session as a
 * dataset (records counted by the session).  Returns 1 in session mode,
 * 0 in one-shot mode (nothing done).
 */
int cmd_result_dataset(struct cmd_ctx *ctx, const char *dir, unsigned flags,
		       struct fm_error *err);
/*
 * For tools writing records (merge, anonymize, sort...): in a session
 * without -O, *out becomes a fresh scratch directory and *ofmt binary
 * (*temp = that malloc'ed path, free it; NULL otherwise).  After the
 * output is committed, cmd_result_records hands a binary output to the
 * session as a dataset (scratch or -O directory); csv output and one-shot
 * mode: nothing.  Returns 1 when an object was made, 0, or an error.
 */
int cmd_records_output(struct cmd_ctx *ctx, const struct cmd_args *a,
		       const char **out, enum fm_format *ofmt, char **temp,
		       struct fm_error *err);
int cmd_result_records(struct cmd_ctx *ctx, const char *out,
		       enum fm_format ofmt, const char *temp, unsigned flags,
		       struct fm_error *err);
/*
 * A fresh path (nothing there yet) in the session's scratch directory
 * for an output the tool writes when no -O is given; malloc'ed.
 */
int cmd_temp_path(struct cmd_ctx *ctx, const char *stem, char **path,
		  struct fm_error *err);
/*
 * Record the effective value of option opt_id in the session record
 * instead of the typed one (e.g. the seed generate chose); value NULL
 * leaves the option out.  No effect in one-shot mode.
 */
void cmd_record_option(struct cmd_ctx *ctx, int opt_id, const char *value);
/* Add words to the recorded command (e.g. "--key-env", "FLOWMODELS_KEY"),
 * and a comment line written above it in session files. */
void cmd_record_words(struct cmd_ctx *ctx, const char *w1, const char *w2);
void cmd_record_comment(struct cmd_ctx *ctx, const char *comment);

/* ---- the command language (cmd-line.c) ---- */

/* A list of words: a tokenised command line. */
struct cmd_words {
	char **v;	     /* malloc'ed strings, v[n] == NULL (v may
			      * be NULL while n == 0) */
	unsigned char *mark; /* per word: CMD_W_* */
	size_t n, cap;
};
#define CMD_WORDS_INIT                                                         \
	{                                                                      \
		NULL, NULL, 0, 0                                               \
	}
enum {
	CMD_W_PATH = 1,	  /* the word is a file or directory path */
	CMD_W_OUTPUT = 2, /* ... that the command writes */
};
int cmd_words_add(struct cmd_words *w, const char *s);
int cmd_words_add_mark(struct cmd_words *w, const char *s, unsigned char mark);
void cmd_words_release(struct cmd_words *w);
/*
 * Split a line into words: blanks separate; "double quotes" (with \" and
 * \\ escapes), 'single quotes' (literal) and \x outside quotes; a word
 * starting with # begins a comment to the end of the line.  Appends to
 * out; FM_EINVAL naming the column on an unterminated quote.
 */
int cmd_split(const char *line, struct cmd_words *out, struct fm_error *err);
/* Append word to b quoted so that cmd_split gives it back unchanged. */
void cmd_quote(struct fm_buf *b, const char *word);
/*
 * Take a trailing `as NAME` off words (n reduced); *name = NAME
 * (malloc'ed, the caller frees it) or NULL.  FM_EINVAL when NAME is not a
 * valid object name ([A-Za-z_][A-Za-z0-9_.-]*, at most 63 chars).
 */
int cmd_take_as(struct cmd_words *w, char **name, struct fm_error *err);
int cmd_valid_name(const char *name);
/*
 * The canonical words of a parsed command: name, positionals, options in
 * table order (short form when there is one; integers and reals printed
 * canonically; --help, --quiet and options whose completion hint is
 * "secret" or "program" left out), then `as NAME` when given.
 * Positionals and values of path options are marked CMD_W_PATH, values of
 * output options also CMD_W_OUTPUT.
 */
int cmd_canonical(const struct cmd_entry *e, const struct cmd_args *a,
		  const char *as_name, struct cmd_words *out);
/*
 * A typed line with the values of secret options (completion hint
 * "secret": anonymize --key) replaced by REDACTED, for a history that is
 * kept on disk.  Returns 0 when the line holds no secret (out untouched),
 * 1 with the redacted line appended to out, or -1 when the line cannot be
 * split and names a secret option (keep nothing of it).
 */
int cmd_redact(const char *line, struct fm_buf *out);
/* Join words into one line, quoting as needed. */
void cmd_join(const struct cmd_words *w, struct fm_buf *out);
/* A real number in its shortest form that reads back exactly. */
void cmd_format_real(double d, char *buf, size_t size);

#endif

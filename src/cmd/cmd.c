/*
 * cmd.c - command lookup, option parsing and help text from the option
 * tables (the single source of usage, --help and completion).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowmodels/buf.h"
#include "cmd.h"

/* Edit distance of a and b up to limit (limit + 1 for any above it), a swap
 * of neighbours counting one (optimal string alignment; short words:
 * command names).  Only the cells within limit of the diagonal are
 * computed (the others are above limit), and no more rows once two rows in
 * a row are above limit (a cell is at least the smallest of the row above
 * or, by a swap, of the row before that plus one); the lengths alone tell
 * for most pairs. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b), cap = limit + 1, above = 0;
	unsigned char d[32][32];

	if (la >= 32 || lb >= 32 || cap >= 32 ||
	    (la > lb ? la - lb : lb - la) > limit)
		return cap;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned char)(i < cap ? i : cap);
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned char)(j < cap ? j : cap);
	for (size_t i = 1; i <= la; i++) {
		size_t lo = i > limit ? i - limit : 1;
		unsigned low = lo == 1 ? d[i][0] : (unsigned)cap;
		size_t hi = i + limit < lb ? i + limit : lb;
		if (lo > 1)
			d[i][lo - 1] = (unsigned char)cap;
		if (hi < lb)
			d[i][hi + 1] = (unsigned char)cap;
		for (size_t j = lo; j <= hi; j++) {
			unsigned v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1u < v)
				v = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < v)
				v = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1u < v)
				v = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)(v < cap ? v : cap);
			if (v < low)
				low = v;
		}
		above = low >= cap ? above + 1 : 0;
		if (above == 2)
			return cap;
	}
	return d[la][lb];
}

/* "unknown command: x (did you mean y?)" with the closest names, in one
 * pass: a closer name than the best so far starts the list again. */
static void unknown_command(const char *name, struct fm_error *err)
{
	size_t best = strlen(name) >= 4 ? 2 : 1, n = 0;
	struct fm_buf b = FM_BUF_INIT;

	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		size_t d = edit_distance(name, (*e)->name, best);
		if (d > best)
			continue;
		if (d < best) {
			best = d;
			n = 0;
			fm_buf_reset(&b);
		}
		fm_buf_printf(&b, "%s%s", n++ ? " or " : "", (*e)->name);
	}
	if (n)
		fm_error_set(err, FM_EINVAL,
			     "unknown command: %s (did you mean %s?)", name,
			     fm_buf_str(&b));
	else
		fm_error_set(err, FM_EINVAL,
			     "unknown command: %s ('help' lists the commands)",
			     name);
	fm_buf_release(&b);
}

const struct cmd_entry *cmd_find(const char *name, struct fm_error *err)
{
	const struct cmd_entry *found = NULL;
	struct fm_buf cands = FM_BUF_INIT;
	size_t len = strlen(name);
	int n = 0;

	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		if (strcmp((*e)->name, name) == 0 ||
		    ((*e)->alias && strcmp((*e)->alias, name) == 0))
			return *e;
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		if (len && strncmp((*e)->name, name, len) == 0) {
			fm_buf_printf(&cands, "%s%s", n ? ", " : "",
				      (*e)->name);
			found = *e;
			n++;
		}
	}
	if (n == 1) {
		fm_buf_release(&cands);
		return found;
	}
	if (n > 1)
		fm_error_set(err, FM_EINVAL, "ambiguous: %s",
			     fm_buf_str(&cands));
	else
		unknown_command(name, err);
	fm_buf_release(&cands);
	return NULL;
}

static int hint_is(const struct cmd_opt *o, const char *hint)
{
	return o->complete && !strcmp(o->complete, hint);
}

int cmd_opt_is_path(const struct cmd_opt *o)
{
	return hint_is(o, "file") || hint_is(o, "dir") ||
	       hint_is(o, "output") || hint_is(o, "program") ||
	       hint_is(o, "object");
}

int cmd_opt_is_object(const struct cmd_opt *o)
{
	return hint_is(o, "object");
}

int cmd_opt_is_output(const struct cmd_opt *o)
{
	return hint_is(o, "output");
}

int cmd_opt_is_program(const struct cmd_opt *o)
{
	return hint_is(o, "program");
}

const struct cmd_opt *cmd_opt_long(const struct cmd_entry *e, const char *name,
				   size_t len)
{
	for (const struct cmd_opt *o = e->opts; o->long_name; o++)
		if (strlen(o->long_name) == len &&
		    !strncmp(o->long_name, name, len))
			return o;
	return NULL;
}

static const struct cmd_opt *find_short(const struct cmd_entry *e, char c)
{
	for (const struct cmd_opt *o = e->opts; o->long_name; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

static void opt_display(const struct cmd_opt *o, char *buf, size_t size)
{
	if (o->short_name)
		snprintf(buf, size, "-%c/--%s", o->short_name, o->long_name);
	else
		snprintf(buf, size, "--%s", o->long_name);
}

static int set_value(const struct cmd_opt *o, const char *val,
		     struct cmd_args *a, struct fm_error *err)
{
	struct cmd_value *v = &a->v[o->id];
	char name[64];
	char *end;

	opt_display(o, name, sizeof(name));
	switch (o->type) {
	case CMD_OPT_FLAG:
		break;
	case CMD_OPT_INT:
		errno = 0;
		v->i = strtoll(val, &end, 0);
		if (errno || end == val || *end)
			return fm_error_set(
			    err, FM_EINVAL,
			    "option %s: expected an integer, got '%s'", name,
			    val);
		break;
	case CMD_OPT_REAL:
		errno = 0;
		v->d = strtod(val, &end);
		if (errno || end == val || *end || !isfinite(v->d))
			return fm_error_set(
			    err, FM_EINVAL,
			    "option %s: expected a number, got '%s'", name,
			    val);
		break;
	case CMD_OPT_STR:
		v->s = val;
		break;
	case CMD_OPT_LIST: {
		const char **nl =
		    realloc(v->list, (v->nlist + 1) * sizeof(*nl));
		if (!nl)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		v->list = nl;
		v->list[v->nlist++] = val;
		v->s = val;
		break;
	}
	}
	v->set++;
	return 0;
}

int cmd_parse(const struct cmd_entry *e, int argc, char **argv,
	      struct cmd_args *a, struct fm_error *err)
{
	int r = 0, only_pos = 0;

	memset(a, 0, sizeof(*a));
	a->pos = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->pos)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (int i = 0; i < argc && r == 0; i++) {
		char *arg = argv[i];
		const struct cmd_opt *o;
		const char *val = NULL;

		if (only_pos || arg[0] != '-' || arg[1] == '\0') {
			a->pos[a->npos++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (arg[1] == '-') {
			const char *eq = strchr(arg + 2, '=');
			size_t len =
			    eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
			o = cmd_opt_long(e, arg + 2, len);
			if (!o) {
				const char *hint =
				    cmd_reference_hint(e, arg + 2, len);
				if (hint)
					r = fm_error_set(
					    err, FM_EINVAL,
					    "option '--%.*s' of the reference "
					    "is not taken: %s",
					    (int)len, arg + 2, hint);
				else
					r = fm_error_set(
					    err, FM_EINVAL,
					    "unknown option '--%.*s' (see '%s "
					    "--help')",
					    (int)len, arg + 2, e->name);
				break;
			}
			if (eq) {
				if (o->type == CMD_OPT_FLAG) {
					r = fm_error_set(
					    err, FM_EINVAL,
					    "option --%s takes no value",
					    o->long_name);
					break;
				}
				val = eq + 1;
			}
		} else {
			o = find_short(e, arg[1]);
			if (!o) {
				r = fm_error_set(
				    err, FM_EINVAL,
				    "unknown option '-%c' (see '%s --help')",
				    arg[1], e->name);
				break;
			}
			if (arg[2]) {
				if (o->type == CMD_OPT_FLAG) {
					r = fm_error_set(err, FM_EINVAL,
							 "option -%c takes no "
							 "value (in '%s')",
							 arg[1], arg);
					break;
				}
				val = arg + 2;
			}
		}
		if (o->type != CMD_OPT_FLAG && !val) {
			if (i + 1 >= argc) {
				char name[64];
				opt_display(o, name, sizeof(name));
				r = fm_error_set(
				    err, FM_EINVAL,
				    "option %s needs a value (%s)", name,
				    o->metavar ? o->metavar : "VALUE");
				break;
			}
			val = argv[++i];
		}
		r = set_value(o, val, a, err);
	}
	if (r == 0 && !a->v[OPT_HELP].set) {
		if ((int)a->npos < e->min_pos)
			r = fm_error_set(err, FM_EINVAL,
					 "missing argument (usage: %s %s)",
					 e->name, e->usage);
		else if (e->max_pos >= 0 && (int)a->npos > e->max_pos)
			r = fm_error_set(
			    err, FM_EINVAL,
			    "unexpected argument '%s' (usage: %s %s)",
			    a->pos[e->max_pos], e->name, e->usage);
	}
	if (r < 0)
		cmd_args_release(a);
	return r;
}

void cmd_args_release(struct cmd_args *a)
{
	for (int i = 0; i < CMD_MAX_OPTS; i++)
		free(a->v[i].list);
	free(a->pos);
	memset(a, 0, sizeof(*a));
}

void cmd_print_help(const struct cmd_entry *e, FILE *out)
{
	fprintf(out, "usage: flowmodels %s %s\n\n%s\n", e->name, e->usage,
		e->summary);
	if (e->alias)
		fprintf(out, "(alias: %s)\n", e->alias);
	if (e->description)
		fprintf(out, "\n%s\n", e->description);
	fprintf(out, "\noptions:\n");
	for (const struct cmd_opt *o = e->opts; o->long_name; o++) {
		char left[64];
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
				 o->short_name, o->long_name,
				 o->metavar ? " " : "",
				 o->metavar ? o->metavar : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s",
				 o->long_name, o->metavar ? " " : "",
				 o->metavar ? o->metavar : "");
		if (strlen(left) > 24)
			fprintf(out, "  %s\n  %-24s  %s%s\n", left, "", o->help,
				o->type == CMD_OPT_LIST ? " (repeatable)" : "");
		else
			fprintf(out, "  %-24s  %s%s\n", left, o->help,
				o->type == CMD_OPT_LIST ? " (repeatable)" : "");
	}
}

void cmd_print_list(FILE *out)
{
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		if ((*e)->alias)
			fprintf(out, "  %-14s %s (alias: %s)\n", (*e)->name,
				(*e)->summary, (*e)->alias);
		else
			fprintf(out, "  %-14s %s\n", (*e)->name, (*e)->summary);
	}
}

int cmd_fail(struct cmd_ctx *ctx, const struct fm_error *err)
{
	ctx->error = *err;
	if (!ctx->error.msg[0])
		snprintf(ctx->error.msg, sizeof(ctx->error.msg), "%s",
			 fm_strerror(err->code));
	if (!ctx->error.code)
		ctx->error.code = FM_EINVAL;
	if (ctx->session) /* the session reports it, with FILE:LINE */
		return 1;
	fprintf(ctx->err, "flowmodels %s: %s\n",
		ctx->cmdname ? ctx->cmdname : "",
		err->msg[0] ? err->msg : fm_strerror(err->code));
	return 1;
}

void cmd_summary(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	if (ctx->progress_shown) {
		fputs("\r\033[K", ctx->err);
		ctx->progress_shown = 0;
	}
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
}

double cmd_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

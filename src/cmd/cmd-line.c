/*
 * cmd-line.c - the command language: splitting a line into words,
 * quoting words back, `as NAME`, and the canonical printer.
 *
 * The language is deliberately small and shell-like, without expansion:
 * blanks separate words, "double quotes" allow \" and \\ escapes,
 * 'single quotes' are literal, a backslash outside quotes takes the next
 * character literally, and # at the start of a word begins a comment.
 * cmd_quote is the inverse of cmd_split: for every list of words,
 * cmd_split(cmd_join(words)) gives the same words (a unit test checks this
 * on random words).  The canonical form of a parsed command (cmd_canonical)
 * is what sessions record, `history` shows and session files contain: it
 * depends only on the parsed values, so two spellings of one command
 * (`-b12`, `--bin-exp=12`, options in another order) print the same.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "cmd.h"

int cmd_words_add_mark(struct cmd_words *w, const char *s, unsigned char mark)
{
	char *copy;

	if (w->n + 2 > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		char **nv = realloc(w->v, cap * sizeof(*nv));
		unsigned char *nm;
		if (!nv)
			return FM_ENOMEM;
		w->v = nv;
		nm = realloc(w->mark, cap);
		if (!nm)
			return FM_ENOMEM;
		w->mark = nm;
		w->cap = cap;
	}
	copy = strdup(s);
	if (!copy)
		return FM_ENOMEM;
	w->v[w->n] = copy;
	w->mark[w->n] = mark;
	w->n++;
	w->v[w->n] = NULL;
	return 0;
}

int cmd_words_add(struct cmd_words *w, const char *s)
{
	return cmd_words_add_mark(w, s, 0);
}

void cmd_words_release(struct cmd_words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	free(w->mark);
	memset(w, 0, sizeof(*w));
}

int cmd_split(const char *line, struct cmd_words *out, struct fm_error *err)
{
	struct fm_buf word = FM_BUF_INIT;
	const char *p = line;
	int r = 0;

	for (;;) {
		int have = 0;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		fm_buf_reset(&word);
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' &&
		       *p != '\n') {
			if (*p == '"') {
				const char *start = p++;
				while (*p && *p != '"') {
					if (*p == '\\' &&
					    (p[1] == '"' || p[1] == '\\'))
						p++;
					fm_buf_addch(&word, *p++);
				}
				if (!*p) {
					r = fm_error_set(
					    err, FM_EINVAL,
					    "unterminated quote at column %d",
					    (int)(start - line) + 1);
					goto out;
				}
				p++;
			} else if (*p == '\'') {
				const char *start = p++;
				while (*p && *p != '\'')
					fm_buf_addch(&word, *p++);
				if (!*p) {
					r = fm_error_set(
					    err, FM_EINVAL,
					    "unterminated quote at column %d",
					    (int)(start - line) + 1);
					goto out;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				fm_buf_addch(&word, p[1]);
				p += 2;
			} else {
				fm_buf_addch(&word, *p++);
			}
			have = 1;
		}
		if (have && cmd_words_add(out, fm_buf_str(&word)) < 0) {
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			goto out;
		}
	}
out:
	fm_buf_release(&word);
	return r;
}

static int safe_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("_./:=,+@%^-", c) != NULL ||
	       c >= 0x80;
}

void cmd_quote(struct fm_buf *b, const char *word)
{
	int bare = word[0] != '\0';

	for (const char *p = word; *p && bare; p++)
		if (!safe_char((unsigned char)*p))
			bare = 0;
	if (bare) {
		fm_buf_addstr(b, word);
		return;
	}
	fm_buf_addch(b, '"');
	for (const char *p = word; *p; p++) {
		if (*p == '"' || *p == '\\')
			fm_buf_addch(b, '\\');
		fm_buf_addch(b, *p);
	}
	fm_buf_addch(b, '"');
}

void cmd_join(const struct cmd_words *w, struct fm_buf *out)
{
	for (size_t i = 0; i < w->n; i++) {
		if (i)
			fm_buf_addch(out, ' ');
		cmd_quote(out, w->v[i]);
	}
}

int cmd_valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 63)
		return 0;
	if (!((name[0] >= 'a' && name[0] <= 'z') ||
	      (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

int cmd_take_as(struct cmd_words *w, char **name, struct fm_error *err)
{
	int trailing;

	*name = NULL;
	if (w->n >= 2 && strcmp(w->v[w->n - 1], "as") == 0)
		return fm_error_set(err, FM_EINVAL, "'as' needs a name");
	trailing = w->n >= 3 && strcmp(w->v[w->n - 2], "as") == 0;
	/*
	 * A bare `as` elsewhere would print back as a trailing `as NAME` and
	 * change meaning on replay: refuse it (write ./as for such a file).
	 */
	for (size_t i = 1; i + (trailing ? 2 : 0) < w->n; i++)
		if (strcmp(w->v[i], "as") == 0)
			return fm_error_set(err, FM_EINVAL,
					    "'as NAME' must come last (a file "
					    "named as: write ./as)");
	if (!trailing)
		return 0;
	if (!cmd_valid_name(w->v[w->n - 1]))
		return fm_error_set(
		    err, FM_EINVAL,
		    "bad object name '%s' (a letter or _, then letters, "
		    "digits, _ . -; at most 63)",
		    w->v[w->n - 1]);
	*name = w->v[w->n - 1];
	free(w->v[w->n - 2]);
	w->n -= 2;
	w->v[w->n] = NULL;
	return 0;
}

void cmd_format_real(double d, char *buf, size_t size)
{
	if (d == floor(d) && fabs(d) < 1e15) {
		snprintf(buf, size, "%.0f", d);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
}

static int is_secret(const struct cmd_opt *o);

/*
 * Add an option and its string value.  A value "as" is attached
 * (--name=as) so that it cannot read back as the `as NAME` clause.
 */
static int opt_value_words(const struct cmd_opt *o, const char *flag,
			   const char *val, unsigned char mark,
			   struct cmd_words *out)
{
	if (strcmp(val, "as") == 0) {
		char word[96];
		snprintf(word, sizeof(word), "--%s=as", o->long_name);
		return cmd_words_add(out, word);
	}
	int r = cmd_words_add(out, flag);
	return r ? r : cmd_words_add_mark(out, val, mark);
}

static int opt_words(const struct cmd_opt *o, const struct cmd_value *v,
		     struct cmd_words *out)
{
	char flag[80], num[64];
	unsigned char mark = 0;
	int r = 0;

	if (o->short_name)
		snprintf(flag, sizeof(flag), "-%c", o->short_name);
	else
		snprintf(flag, sizeof(flag), "--%s", o->long_name);
	if (cmd_opt_is_path(o))
		mark = CMD_W_PATH | (cmd_opt_is_output(o) ? CMD_W_OUTPUT : 0);
	switch (o->type) {
	case CMD_OPT_FLAG:
		for (int k = 0; k < v->set && r == 0; k++)
			r = cmd_words_add(out, flag);
		break;
	case CMD_OPT_INT:
		snprintf(num, sizeof(num), "%lld", (long long)v->i);
		r = cmd_words_add(out, flag);
		if (r == 0)
			r = cmd_words_add(out, num);
		break;
	case CMD_OPT_REAL:
		cmd_format_real(v->d, num, sizeof(num));
		r = cmd_words_add(out, flag);
		if (r == 0)
			r = cmd_words_add(out, num);
		break;
	case CMD_OPT_STR:
		r = opt_value_words(o, flag, v->s, mark, out);
		break;
	case CMD_OPT_LIST:
		for (size_t k = 0; k < v->nlist && r == 0; k++)
			r = opt_value_words(o, flag, v->list[k], mark, out);
		break;
	}
	return r;
}

int cmd_canonical(const struct cmd_entry *e, const struct cmd_args *a,
		  const char *as_name, struct cmd_words *out)
{
	int dash_pos = 0, r;
	unsigned char pos_mark =
	    CMD_W_PATH | (e->flags & CMD_F_WRITEPOS ? CMD_W_OUTPUT : 0);

	for (size_t i = 0; i < a->npos; i++)
		if (a->pos[i][0] == '-' && a->pos[i][1] != '\0')
			dash_pos = 1;
	r = cmd_words_add(out, e->name);
	for (size_t i = 0; i < a->npos && r == 0 && !dash_pos; i++)
		r = cmd_words_add_mark(out, a->pos[i], pos_mark);
	for (const struct cmd_opt *o = e->opts; o->long_name && r == 0; o++) {
		const struct cmd_value *v = &a->v[o->id];
		if (!v->set || o->id == OPT_HELP || o->id == OPT_QUIET)
			continue;
		if (is_secret(o) || cmd_opt_is_program(o))
			continue;
		/* an option listed twice under one id prints once */
		int dup = 0;
		for (const struct cmd_opt *p = e->opts; p < o; p++)
			if (p->id == o->id)
				dup = 1;
		if (!dup)
			r = opt_words(o, v, out);
	}
	if (dash_pos && r == 0) {
		r = cmd_words_add(out, "--");
		for (size_t i = 0; i < a->npos && r == 0; i++)
			r = cmd_words_add_mark(out, a->pos[i], pos_mark);
	}
	if (as_name && r == 0) {
		r = cmd_words_add(out, "as");
		if (r == 0)
			r = cmd_words_add(out, as_name);
	}
	return r;
}

static int is_secret(const struct cmd_opt *o)
{
	return o && o->complete && !strcmp(o->complete, "secret");
}

/* Whether text names a secret option of any command ("--key"). */
static int mentions_secret(const char *text)
{
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		for (const struct cmd_opt *o = (*e)->opts; o->long_name; o++)
			if (is_secret(o) && strstr(text, o->long_name))
				return 1;
	return 0;
}

int cmd_redact(const char *line, struct fm_buf *out)
{
	struct cmd_words w = CMD_WORDS_INIT;
	struct fm_error err;
	const struct cmd_entry *e = NULL;
	int changed = 0;

	if (cmd_split(line, &w, &err) < 0) {
		cmd_words_release(&w);
		return mentions_secret(line) ? -1 : 0;
	}
	if (w.n > 0)
		e = cmd_find(w.v[0], &err);
	for (size_t i = 1; e && i < w.n && strcmp(w.v[i], "--"); i++) {
		const char *name, *eq;
		const struct cmd_opt *o;
		char *repl;

		if (strncmp(w.v[i], "--", 2))
			continue;
		name = w.v[i] + 2;
		eq = strchr(name, '=');
		o = cmd_opt_long(e, name,
				 eq ? (size_t)(eq - name) : strlen(name));
		if (!is_secret(o))
			continue;
		if (!eq && ++i >= w.n)
			break;
		repl = eq ? malloc((size_t)(eq - w.v[i]) + sizeof("=REDACTED"))
			  : strdup("REDACTED");
		if (!repl) {
			cmd_words_release(&w);
			return -1;
		}
		if (eq)
			sprintf(repl, "%.*s=REDACTED", (int)(eq - w.v[i]),
				w.v[i]);
		free(w.v[i]);
		w.v[i] = repl;
		changed = 1;
	}
	if (changed)
		cmd_join(&w, out);
	cmd_words_release(&w);
	return changed;
}

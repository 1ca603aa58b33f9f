/*
 * complete.c - Tab completion of the command line (see complete.h).
 *
 * The line up to the cursor is split into words as words.c splits it
 * (blanks, '...' and "...", backslashes); the last word, maybe empty or
 * inside an open quote, is the one completed.  Its context chooses the
 * candidates; the result says what replaces which bytes, quoted the way
 * the word was typed so that the line still splits into the same words.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/buf.h"
#include "flowmodels/flow.h"
#include "flowmodels/flowtext.h"
#include "cmd/cmd.h"
#include "complete.h"

#define MAX_CANDS 20000 /* a huge directory lists its first ones */

/* The line before the cursor, split. */
struct scan {
	char **words; /* the complete words before the current one */
	int nwords;
	size_t start;	   /* raw start of the current word */
	struct fm_buf cur; /* its text so far, unquoted */
	char quote;	   /* the quote open at the cursor, or 0 */
	int comment;	   /* the cursor is in a # comment */
};

struct cands {
	char **v;
	size_t n, cap;
	int oom;
};

static void add(struct cands *c, const char *s, const char *prefix)
{
	if (c->oom || c->n >= MAX_CANDS ||
	    strncmp(s, prefix, strlen(prefix)) != 0)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		char **v = realloc(c->v, cap * sizeof(*v));
		if (!v) {
			c->oom = 1;
			return;
		}
		c->v = v;
		c->cap = cap;
	}
	if (!(c->v[c->n] = strdup(s)))
		c->oom = 1;
	else
		c->n++;
}

/* Candidates from "a|b|c". */
static void add_choices(struct cands *c, const char *choices,
			const char *prefix)
{
	while (*choices) {
		size_t len = strcspn(choices, "|");
		char w[128];

		snprintf(w, sizeof(w), "%.*s", (int)len, choices);
		add(c, w, prefix);
		choices += len + (choices[len] == '|');
	}
}

static void add_list(struct cands *c, const char *const *list,
		     const char *prefix)
{
	for (; list && *list; list++)
		add(c, *list, prefix);
}

static int push_word(struct scan *s, struct fm_buf *w)
{
	char **v = realloc(s->words, (size_t)(s->nwords + 2) * sizeof(*v));

	if (!v)
		return -1;
	s->words = v;
	fm_buf_addstr(w, "");
	v[s->nwords++] = fm_buf_detach(w);
	v[s->nwords] = NULL;
	return v[s->nwords - 1] ? 0 : -1;
}

/* Split line[0..point) as tui_split_words does, keeping the last word
 * open. */
static int scan_line(const char *line, size_t point, struct scan *s)
{
	size_t p = 0;

	memset(s, 0, sizeof(*s));
	for (;;) {
		struct fm_buf w = FM_BUF_INIT;
		char q = 0;
		size_t start;

		while (p < point && isspace((unsigned char)line[p]))
			p++;
		s->start = p;
		if (p >= point)
			return 0;
		if (line[p] == '#') {
			s->comment = 1;
			return 0;
		}
		start = p;
		while (p < point && (q || !isspace((unsigned char)line[p]))) {
			char ch = line[p];
			if (q && ch == q)
				q = 0;
			else if (!q && (ch == '\'' || ch == '"'))
				q = ch;
			else if (q != '\'' && ch == '\\') {
				if (p + 1 < point)
					fm_buf_addch(&w, line[++p]);
			} else
				fm_buf_addch(&w, ch);
			p++;
		}
		if (p >= point) { /* the word at the cursor */
			s->start = start;
			s->quote = q;
			fm_buf_addstr(&w, "");
			s->cur = w;
			return 0;
		}
		if (push_word(s, &w) < 0) {
			fm_buf_release(&w);
			return -1;
		}
	}
}

static void scan_release(struct scan *s)
{
	for (int i = 0; i < s->nwords; i++)
		free(s->words[i]);
	free(s->words);
	fm_buf_release(&s->cur);
}

static const struct cmd_opt *find_opt(const struct cmd_entry *e, const char *w)
{
	if (!e || w[0] != '-' || !w[1])
		return NULL;
	for (const struct cmd_opt *o = e->opts; o->long_name; o++) {
		if (w[1] == '-' && !strcmp(w + 2, o->long_name))
			return o;
		if (w[1] != '-' && w[1] == o->short_name && !w[2])
			return o;
	}
	return NULL;
}

/* ---- paths ---- */

static const char *home_dir(const struct tui_complete_src *src)
{
	const char *h = src && src->home ? src->home : getenv("HOME");
	return h && *h ? h : "/";
}

/* Entries of the directory part of text whose names start with its last
 * part, as text's directory part plus the name ("/" after directories). */
static void add_paths(struct cands *c, const char *text, int dirs_only,
		      const struct tui_complete_src *src)
{
	const char *slash = strrchr(text, '/'), *base;
	struct fm_buf dir = FM_BUF_INIT, path = FM_BUF_INIT;
	size_t dlen = slash ? (size_t)(slash - text) + 1 : 0;
	DIR *d;
	struct dirent *de;

	if (!strcmp(text, "~")) {
		add(c, "~/", "");
		return;
	}
	base = text + dlen;
	if (dlen && text[0] == '~' && text[1] == '/')
		fm_buf_printf(&dir, "%s/%.*s", home_dir(src), (int)dlen - 2,
			      text + 2);
	else if (dlen)
		fm_buf_printf(&dir, "%.*s", (int)dlen, text);
	else
		fm_buf_addstr(&dir, ".");
	d = opendir(fm_buf_str(&dir));
	while (d && (de = readdir(d))) {
		struct stat st;
		int isdir;

		if (!strcmp(de->d_name, ".") ||
		    (!strcmp(de->d_name, "..") && strncmp(base, "..", 2)) ||
		    (de->d_name[0] == '.' && base[0] != '.') ||
		    strncmp(de->d_name, base, strlen(base)) != 0)
			continue;
		fm_buf_reset(&path);
		fm_buf_printf(&path, "%s/%s", fm_buf_str(&dir), de->d_name);
		isdir =
		    stat(fm_buf_str(&path), &st) == 0 && S_ISDIR(st.st_mode);
		if (dirs_only && !isdir)
			continue;
		fm_buf_reset(&path);
		fm_buf_printf(&path, "%.*s%s%s", (int)dlen, text, de->d_name,
			      isdir ? "/" : "");
		add(c, fm_buf_str(&path), "");
	}
	if (d)
		closedir(d);
	fm_buf_release(&dir);
	fm_buf_release(&path);
}

/* ---- contexts ---- */

static const char *const filter_words[] = {"duration", "rate", "sa",	"da",
					   "addr",     "and",  "or",	"not",
					   "in",       "True", "False", NULL};

static int is_keyword(const char *s)
{
	return !strcmp(s, "and") || !strcmp(s, "or") || !strcmp(s, "not") ||
	       !strcmp(s, "in");
}

static void add_fields(struct cands *c, const char *prefix)
{
	for (int f = 0; f < FM_NFIELDS; f++)
		add(c, fm_field_name(f), prefix);
}

static void add_filter_words(struct cands *c, const char *prefix)
{
	add_fields(c, prefix);
	add_list(c, filter_words, prefix);
	for (int p = 0; p < 256; p++)
		if (fm_proto_name(p))
			add(c, fm_proto_name(p), prefix);
}

/* Whether the current word is (part of) a filter expression. */
static int in_filter(const struct scan *s, const struct cmd_entry *e)
{
	const char *prev = s->nwords > 1 ? s->words[s->nwords - 1] : "";

	if (!strcmp(prev, "--filter-expr"))
		return 1;
	if (!e || strcmp(e->name, "filter") != 0 || s->nwords < 2)
		return 0;
	/* filter DATASET EXPR... [as NAME]: the words after the dataset */
	for (int i = 2; i < s->nwords; i++)
		if (!strcmp(s->words[i], "as"))
			return 0;
	return fm_buf_str(&s->cur)[0] != '-' || s->nwords > 2;
}

static int ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* The name being typed at the end of text (a filter token, a field of a
 * comma list): its offset in text, or -1 when it starts with a digit. */
static long tail_name(const char *text, size_t len, int comma_list)
{
	size_t k = len;

	while (k > 0 &&
	       (comma_list ? text[k - 1] != ',' : ident_char(text[k - 1])))
		k--;
	if (!comma_list && isdigit((unsigned char)text[k]))
		return -1;
	return (long)k;
}

static void add_commands(struct cands *c, const struct tui_complete_src *src,
			 const char *prefix)
{
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		add(c, (*e)->name, prefix);
		if ((*e)->alias && isalpha((unsigned char)(*e)->alias[0]))
			add(c, (*e)->alias, prefix);
	}
	if (src)
		add_list(c, src->builtins, prefix);
}

/* The candidates for the word of s (text = what of it completes). */
static enum tui_complete_kind word_cands(struct cands *c, const struct scan *s,
					 const struct cmd_entry *e,
					 const struct cmd_opt *prev,
					 const char *text,
					 const struct tui_complete_src *src)
{
	const char *w0 = s->words[0];
	size_t n;

	if (!strcmp(w0, "theme")) {
		add_list(c, src ? src->themes : NULL, text);
		return COMP_VALUE;
	}
	if (!strcmp(w0, "help")) {
		add_commands(c, NULL, text);
		add_choices(c, cmd_topic_list(), text);
		return COMP_COMMAND;
	}
	if (!strcmp(w0, "set") && s->nwords == 1) {
		add_choices(c, "charset|echo", text);
		return COMP_VALUE;
	}
	if (!strcmp(w0, "set") && !strcmp(s->words[1], "charset")) {
		add_choices(c, "braille|block|ascii", text);
		return COMP_VALUE;
	}
	if (prev && prev->type != CMD_OPT_FLAG) {
		const char *hint = prev->complete;
		if (hint && !strcmp(hint, "secret"))
			return COMP_NONE;
		if (!hint || cmd_opt_is_path(prev)) {
			if (src && cmd_opt_is_object(prev))
				add_list(c, src->objects, text);
			add_paths(c, text, hint && !strcmp(hint, "dir"), src);
			return COMP_PATH;
		}
		add_choices(c, hint, text);
		return COMP_VALUE;
	}
	if (!strcmp(s->words[s->nwords - 1], "as"))
		return COMP_NONE; /* a new name */
	if (e && text[0] == '-') {
		char w[96];
		for (const struct cmd_opt *o = e->opts; o->long_name; o++) {
			snprintf(w, sizeof(w), "--%s", o->long_name);
			add(c, w, text);
		}
		return COMP_OPTION;
	}
	/* objects and paths: the command table does not say which */
	if (src)
		add_list(c, src->objects, text);
	n = c->n;
	add_paths(c, text, 0, src);
	return c->n > n || !n ? COMP_PATH : COMP_OBJECT;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort, drop duplicates. */
static void tidy(struct cands *c)
{
	size_t k = 0;

	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmp_str);
	for (size_t i = 0; i < c->n; i++) {
		if (k && !strcmp(c->v[k - 1], c->v[i]))
			free(c->v[i]);
		else
			c->v[k++] = c->v[i];
	}
	c->n = k;
}

/* s quoted for the line: inside quote q, or with backslashes. */
static void quoted(struct fm_buf *b, const char *s, char q)
{
	for (const char *p = s; *p; p++) {
		if (q == '"' && (*p == '"' || *p == '\\'))
			fm_buf_addch(b, '\\');
		else if (!q &&
			 (isspace((unsigned char)*p) || *p == '"' ||
			  *p == '\'' || *p == '\\' || (*p == '#' && p == s)))
			fm_buf_addch(b, '\\');
		fm_buf_addch(b, *p);
	}
}

/* The longest common prefix length of the candidates. */
static size_t common_len(char *const *v, size_t n)
{
	size_t len = n ? strlen(v[0]) : 0;

	for (size_t i = 1; i < n; i++) {
		size_t k = 0;
		while (k < len && v[i][k] == v[0][k])
			k++;
		len = k;
	}
	return len;
}

/*
 * The insertion: for a whole word (quote_word) the text quoted as the
 * word was typed; the single candidate ends the word (closing quote and
 * a blank) unless it is a directory or a filter name.
 */
static int make_insert(struct tui_completion *c, const char *typed,
		       int quote_word, char q)
{
	struct fm_buf b = FM_BUF_INIT;
	size_t len = common_len(c->cands, c->n);
	char *lcp = strndup(c->cands[0], len);

	if (!lcp)
		return FM_ENOMEM;
	if (quote_word && q)
		fm_buf_addch(&b, q);
	if (quote_word)
		quoted(&b, c->n == 1 ? c->cands[0] : lcp, q);
	else
		fm_buf_addstr(&b, c->n == 1 ? c->cands[0] : lcp);
	if (c->n == 1) {
		const char *s = c->cands[0];
		int dir = s[strlen(s) - 1] == '/';
		if (quote_word && !dir) {
			if (q)
				fm_buf_addch(&b, q);
			fm_buf_addch(&b, ' ');
		} else if (!quote_word && is_keyword(s)) {
			fm_buf_addch(&b, ' ');
		}
	}
	c->progress = c->n == 1 || len > strlen(typed);
	free(lcp);
	fm_buf_addstr(&b, "");
	if (!(c->insert = fm_buf_detach(&b)))
		return FM_ENOMEM;
	return 0;
}

/* Whether o takes field names (a field list, or the filter). */
static int is_field_opt(const struct cmd_opt *o)
{
	return o && o->complete && !strcmp(o->complete, "field");
}

/*
 * The name being typed at the cursor inside line[base..point): in a
 * filter expression, or (list) after the last comma of a field list.
 * Sets c->start and c->kind; returns what of the name is typed.
 */
static const char *names(struct cands *cs, struct tui_completion *c,
			 const char *line, size_t base, size_t point, int list)
{
	long k = tail_name(line + base, point - base, list);

	c->kind = list ? COMP_FIELD : COMP_FILTER;
	c->start = point;
	if (k < 0 || memchr(line + base + k, '\\', point - base - (size_t)k))
		return "";
	c->start = base + (size_t)k;
	if (list)
		add_fields(cs, line + c->start);
	else
		add_filter_words(cs, line + c->start);
	return line + c->start;
}

int tui_complete(const char *line, size_t point,
		 const struct tui_complete_src *src, struct tui_completion *c)
{
	struct scan s;
	struct cands cs = {NULL, 0, 0, 0};
	const struct cmd_entry *e = NULL;
	const struct cmd_opt *prev = NULL;
	struct fm_error err = {0};
	const char *text;
	int quote_word = 1, r = 0;

	memset(c, 0, sizeof(*c));
	if (point > strlen(line))
		point = strlen(line);
	if (scan_line(line, point, &s) < 0) {
		scan_release(&s);
		return FM_ENOMEM;
	}
	text = fm_buf_str(&s.cur);
	c->start = s.start;
	if (s.nwords > 0) {
		e = cmd_find(s.words[0], &err);
		prev = find_opt(e, s.words[s.nwords - 1]);
	}
	if (s.comment) {
		c->kind = COMP_NONE;
	} else if (s.nwords == 0) {
		add_commands(&cs, src, text);
		c->kind = COMP_COMMAND;
	} else if (in_filter(&s, e) || is_field_opt(prev)) {
		/* a name inside an expression or a comma list of fields */
		text = names(&cs, c, line, s.start, point, !in_filter(&s, e));
		quote_word = 0;
	} else if (!strncmp(text, "--", 2) && strchr(text, '=')) {
		/* --option=VALUE: the value */
		const char *eq = strchr(text, '=');
		const char *req = memchr(line + s.start, '=', point - s.start);
		struct fm_buf name = FM_BUF_INIT;
		fm_buf_printf(&name, "%.*s", (int)(eq - text), text);
		prev = find_opt(e, fm_buf_str(&name));
		fm_buf_release(&name);
		if (req && is_field_opt(prev)) {
			text =
			    names(&cs, c, line, (size_t)(req - line) + 1, point,
				  strcmp(prev->long_name, "filter-expr"));
			quote_word = 0;
		} else if (req && !s.quote && prev &&
			   prev->type != CMD_OPT_FLAG) {
			c->start = (size_t)(req - line) + 1;
			text = eq + 1;
			c->kind = word_cands(&cs, &s, e, prev, text, src);
		}
	} else {
		c->kind = word_cands(&cs, &s, e, prev, text, src);
	}
	if (cs.oom)
		r = FM_ENOMEM;
	else
		tidy(&cs);
	c->cands = cs.v;
	c->n = cs.n;
	if (r == 0 && c->n) {
		/* the typed text, for progress: a fresh copy (text may
		 * point into s) */
		char *typed = strdup(text);
		r = typed ? make_insert(c, typed, quote_word, s.quote)
			  : FM_ENOMEM;
		free(typed);
	}
	scan_release(&s);
	if (r < 0)
		tui_completion_release(c);
	return r;
}

void tui_completion_release(struct tui_completion *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->cands[i]);
	free(c->cands);
	free(c->insert);
	memset(c, 0, sizeof(*c));
}

/* Display width: one cell per code point. */
static int cells(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

char **tui_complete_columns(char *const *items, size_t n, int width,
			    size_t *nlines)
{
	int colw = 0, ncols;
	size_t rows;
	char **lines;

	*nlines = 0;
	for (size_t i = 0; i < n; i++)
		if (cells(items[i]) > colw)
			colw = cells(items[i]);
	colw += 2;
	ncols = width / colw > 0 ? width / colw : 1;
	rows = n ? (n + (size_t)ncols - 1) / (size_t)ncols : 0;
	lines = calloc(rows ? rows : 1, sizeof(*lines));
	if (!lines)
		return NULL;
	for (size_t r = 0; r < rows; r++) {
		struct fm_buf b = FM_BUF_INIT;
		for (size_t i = r; i < n; i += rows) {
			int pad = i + rows < n ? colw - cells(items[i]) : 0;
			fm_buf_printf(&b, "%s%*s", items[i], pad, "");
		}
		fm_buf_addstr(&b, "");
		if (!(lines[r] = fm_buf_detach(&b))) {
			for (size_t k = 0; k < r; k++)
				free(lines[k]);
			free(lines);
			return NULL;
		}
	}
	*nlines = rows;
	return lines;
}

/*
 * mdman.c - markdown blocks as man(7) source (see mdman.h).  The
 * markdown is what docs/ uses: ATX headings, paragraphs, "- " and "1. "
 * lists with indented continuation lines, ``` fences and 4-space
 * indented code, pipe tables, and HTML comments.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mdman.h"

struct line {
	const char *s;
	size_t n;
};

static size_t indent_of(struct line l)
{
	size_t i = 0;

	while (i < l.n && l.s[i] == ' ')
		i++;
	return i;
}

static int blank(struct line l)
{
	return indent_of(l) == l.n;
}

static int starts(struct line l, const char *p)
{
	size_t k = strlen(p);
	return l.n >= k && !memcmp(l.s, p, k);
}

/* A list item: "- text" or "N. text" (after up to 3 spaces); the offset
 * of its text, 0 when not an item.  *num = the number or 0. */
static size_t list_item(struct line l, int *num)
{
	size_t i = indent_of(l);

	*num = 0;
	if (i > 3 || i >= l.n)
		return 0;
	if ((l.s[i] == '-' || l.s[i] == '*') && i + 1 < l.n &&
	    l.s[i + 1] == ' ')
		return i + 2;
	if (isdigit((unsigned char)l.s[i])) {
		size_t j = i;
		while (j < l.n && isdigit((unsigned char)l.s[j]))
			j++;
		if (j + 1 < l.n && l.s[j] == '.' && l.s[j + 1] == ' ') {
			*num = atoi(l.s + i);
			return j + 2;
		}
	}
	return 0;
}

static int block_start(struct line l)
{
	int num;
	return starts(l, "#") || starts(l, "```") || starts(l, "|") ||
	       starts(l, "<!--") || list_item(l, &num);
}

/* Trimmed text of lines [a, b), from column skip of the first and with
 * leading blanks of the others removed, joined with '\n'. */
static char *join(const struct line *ls, size_t a, size_t b, size_t skip)
{
	size_t cap = 1, len = 0;
	char *out;

	for (size_t i = a; i < b; i++)
		cap += ls[i].n + 1;
	out = malloc(cap);
	if (!out)
		return NULL;
	for (size_t i = a; i < b; i++) {
		size_t from = i == a ? skip : indent_of(ls[i]);
		size_t n = ls[i].n;
		while (n > from && ls[i].s[n - 1] == ' ')
			n--;
		if (len)
			out[len++] = '\n';
		memcpy(out + len, ls[i].s + from, n - from);
		len += n - from;
	}
	out[len] = '\0';
	return out;
}

static void inline_text(struct roff *r, const char *s)
{
	if (s) {
		roff_inline(r, s, strlen(s), 0);
		roff_newline(r);
	}
}

/* The cells of a table row, trimmed, in cell[] (max cells); their count. */
static size_t table_cells(struct line l, struct line *cell, size_t max)
{
	size_t k = 0, i = 1, start = 1;
	int code = 0;

	for (; i <= l.n && k < max; i++) {
		if (i < l.n && l.s[i] == '\\') {
			i++;
			continue;
		}
		if (i < l.n && l.s[i] == '`')
			code = !code;
		if (i == l.n || (l.s[i] == '|' && !code)) {
			struct line c = {l.s + start, i - start};
			size_t in = indent_of(c);
			c.s += in;
			c.n -= in;
			while (c.n && c.s[c.n - 1] == ' ')
				c.n--;
			if (i < l.n || c.n)
				cell[k++] = c;
			start = i + 1;
		}
	}
	return k;
}

static void cell_text(struct roff *r, struct line c)
{
	roff_inline(r, c.s, c.n, 0);
}

/* A table: each body row a tagged paragraph, the first cell the tag;
 * with more than two columns, the others as "header: cell". */
static size_t table(struct roff *r, const struct line *ls, size_t i, size_t n)
{
	struct line head[8], cell[8];
	size_t nhead = table_cells(ls[i], head, 8);

	i++;
	if (i < n && starts(ls[i], "|") && strspn(ls[i].s, "|-: ") == ls[i].n)
		i++;
	for (; i < n && starts(ls[i], "|"); i++) {
		size_t k = table_cells(ls[i], cell, 8);
		roff_raw(r, ".TP\n");
		if (k)
			cell_text(r, cell[0]);
		roff_newline(r);
		for (size_t c = 1; c < k; c++) {
			if (nhead > 2 && c < nhead) {
				roff_inline(r, head[c].s, head[c].n, 0);
				roff_text(r, ": ", 2, 0);
			}
			cell_text(r, cell[c]);
			if (c + 1 < k && nhead > 2)
				roff_text(r, ";", 1, 0);
			roff_newline(r);
		}
	}
	return i;
}

static struct line trimmed(struct line l)
{
	size_t in = indent_of(l);
	return (struct line){l.s + in, l.n - in};
}

/*
 * A code block at i: fenced (``` lines, possibly indented) or indented;
 * written in no-fill mode without its indentation.  in_item: inside a
 * list item (indented like its text).  Returns the line after it.
 */
static size_t code_block(struct roff *r, const struct line *ls, size_t i,
			 size_t n, int in_item)
{
	size_t base = indent_of(ls[i]), end, j;
	int fenced = starts(trimmed(ls[i]), "```");

	if (fenced) {
		for (end = ++i; end < n && !starts(trimmed(ls[end]), "```");
		     end++)
			;
	} else {
		/* up to the last line indented as much before less indented
		 * text */
		for (end = j = i;
		     j < n && (blank(ls[j]) || indent_of(ls[j]) >= base); j++)
			if (!blank(ls[j]))
				end = j + 1;
	}
	roff_raw(r, in_item ? ".IP\n.nf\n" : ".PP\n.RS 4\n.nf\n");
	for (j = i; j < end; j++) {
		size_t from = indent_of(ls[j]) < base ? indent_of(ls[j]) : base;
		if (from > ls[j].n)
			from = ls[j].n;
		roff_text(r, ls[j].s + from, ls[j].n - from, 1);
		roff_text(r, "\n", 1, 0);
	}
	roff_raw(r, in_item ? ".fi\n" : ".fi\n.RE\n");
	return fenced && end < n ? end + 1 : end;
}

/* Lines of a paragraph from i: up to a blank line or another block. */
static size_t para_end(const struct line *ls, size_t i, size_t n)
{
	for (i++; i < n && !blank(ls[i]) && !block_start(ls[i]); i++)
		;
	return i;
}

static int skipped(const struct mdman_opts *o, struct line title)
{
	for (const char *const *s = o->skip_sections; s && *s; s++)
		if (strlen(*s) == title.n && !strncasecmp(*s, title.s, title.n))
			return 1;
	return 0;
}

static size_t comment(struct roff *r, const struct line *ls, size_t i, size_t n,
		      const struct mdman_opts *o)
{
	struct line l = ls[i];
	const char *end = NULL;

	for (; i < n; i++) {
		end = strstr(ls[i].s, "-->");
		if (end && end < ls[i].s + ls[i].n)
			break;
	}
	if (o->directive && end && end < l.s + l.n) {
		char name[64];
		size_t k = (size_t)(end - l.s) - 4;
		const char *p = l.s + 4;
		while (k && *p == ' ')
			p++, k--;
		while (k && p[k - 1] == ' ')
			k--;
		if (k < sizeof(name)) {
			memcpy(name, p, k);
			name[k] = '\0';
			o->directive(o->ctx, r, name);
		}
	}
	return i + 1;
}

static size_t split_lines(const char *text, struct line **out)
{
	size_t n = 0, cap = 64;
	struct line *ls = malloc(cap * sizeof(*ls));

	for (const char *p = text; ls && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (n == cap) {
			struct line *m = realloc(ls, 2 * cap * sizeof(*ls));
			if (!m) {
				free(ls);
				ls = NULL;
				break;
			}
			ls = m;
			cap *= 2;
		}
		ls[n].s = p;
		ls[n++].n = len;
		p += len + (nl ? 1 : 0);
	}
	*out = ls;
	return ls ? n : 0;
}

/* A heading line at i: writes it (unless skipped) and returns the next
 * line, or the end of a skipped section. */
static size_t heading(struct roff *r, const struct line *ls, size_t i, size_t n,
		      const struct mdman_opts *o, int *titled)
{
	size_t level = strspn(ls[i].s, "#");
	struct line t = {ls[i].s + level, ls[i].n - level};

	while (t.n && *t.s == ' ')
		t.s++, t.n--;
	if (level == 1 && !*titled) {
		*titled = 1;
		return i + 1;
	}
	if (level <= 2 && skipped(o, t)) {
		for (i++; i < n && !(starts(ls[i], "#") &&
				     strspn(ls[i].s, "#") <= level);
		     i++)
			if (starts(ls[i],
				   "```")) /* a # inside code is no heading */
				for (i++; i < n && !starts(ls[i], "```"); i++)
					;
		return i;
	}
	roff_raw(r, level <= 2 ? ".SH\n" : ".SS\n");
	roff_inline(r, t.s, t.n, level <= 2);
	roff_newline(r);
	return i + 1;
}

/* A list item at i (text from column at); returns the line after it,
 * continuation paragraphs and code included. */
static size_t item(struct roff *r, const struct line *ls, size_t i, size_t n,
		   size_t at, int num)
{
	char req[32];
	size_t end = para_end(ls, i, n);
	char *s = join(ls, i, end, at);

	if (num)
		snprintf(req, sizeof(req), ".IP %d. 4\n", num);
	else
		snprintf(req, sizeof(req), ".IP \\(bu 2\n");
	roff_raw(r, req);
	inline_text(r, s);
	free(s);
	/* continuation: blank, then lines indented like the item's text */
	while (end + 1 < n && blank(ls[end]) && indent_of(ls[end + 1]) >= 2 &&
	       !list_item(ls[end + 1], &num)) {
		size_t j = end + 1;
		if (indent_of(ls[j]) >= at + 4 ||
		    starts(trimmed(ls[j]), "```")) {
			end = code_block(r, ls, j, n, 1);
			continue;
		}
		end = para_end(ls, j, n);
		s = join(ls, j, end, indent_of(ls[j]));
		roff_raw(r, ".IP\n");
		inline_text(r, s);
		free(s);
	}
	return end;
}

void mdman_write(struct roff *r, const char *text, const struct mdman_opts *o)
{
	struct line *ls;
	size_t n = split_lines(text, &ls), i = 0;
	int titled = 0, in_prelude = 1;

	while (i < n) {
		struct line l = ls[i];
		size_t at;
		int num;

		if (starts(l, "## ") && in_prelude) {
			in_prelude = 0;
			if (o->prelude_only)
				break;
		}
		if (in_prelude && o->skip_prelude &&
		    !(starts(l, "# ") && !titled)) {
			i++;
			continue;
		}
		if (blank(l)) {
			i++;
		} else if (starts(l, "#")) {
			i = heading(r, ls, i, n, o, &titled);
		} else if (starts(l, "```") || indent_of(l) >= 4) {
			i = code_block(r, ls, i, n, 0);
		} else if (starts(l, "|")) {
			i = table(r, ls, i, n);
		} else if (starts(l, "<!--")) {
			i = comment(r, ls, i, n, o);
		} else if ((at = list_item(l, &num))) {
			i = item(r, ls, i, n, at, num);
		} else {
			size_t end = para_end(ls, i, n);
			char *s = join(ls, i, end, indent_of(l));
			roff_raw(r, ".PP\n");
			inline_text(r, s);
			free(s);
			i = end;
		}
	}
	free(ls);
}

/*
 * roff.c - escaping for roff and markdown inline marks as fonts.
 */
#include <ctype.h>
#include <string.h>

#include "roff.h"

void roff_raw(struct roff *r, const char *s)
{
	size_t n = strlen(s);

	if (!n)
		return;
	if (!r->bol)
		fputc('\n', r->f);
	fputs(s, r->f);
	r->bol = s[n - 1] == '\n';
}

void roff_esc(struct roff *r, const char *s)
{
	size_t n = strlen(s);

	fputs(s, r->f);
	if (n)
		r->bol = s[n - 1] == '\n';
}

void roff_newline(struct roff *r)
{
	if (!r->bol)
		fputc('\n', r->f);
	r->bol = 1;
}

/* Named glyphs for the few non-ASCII characters the docs use. */
static const char *glyph(unsigned cp)
{
	switch (cp) {
	case 0x2014:
		return "\\(em";
	case 0x2013:
		return "\\(en";
	case 0x2192:
		return "\\(->";
	case 0x2190:
		return "\\(<-";
	case 0x2264:
		return "\\(<=";
	case 0x2265:
		return "\\(>=";
	case 0x00d7:
		return "\\(mu";
	case 0x00b1:
		return "\\(+-";
	case 0x2018:
		return "\\(oq";
	case 0x2019:
		return "\\(cq";
	case 0x201c:
		return "\\(lq";
	case 0x201d:
		return "\\(rq";
	case 0x2026:
		return "\\&.\\|.\\|.";
	default:
		return NULL;
	}
}

/* Decode one UTF-8 sequence at s (n bytes left); returns its length. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;

	if (len > n || len == 1) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return i;
		}
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return len;
}

void roff_text(struct roff *r, const char *s, size_t n, int minus)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];

		if (c == '\n') {
			fputc('\n', r->f);
			r->bol = 1;
			continue;
		}
		if (r->bol && (c == '.' || c == '\''))
			fputs("\\&", r->f);
		r->bol = 0;
		if (c == '\\') {
			fputs("\\e", r->f);
		} else if (c == '-' && minus) {
			fputs("\\-", r->f);
		} else if (c >= 0x80) {
			unsigned cp;
			const char *g;
			i += utf8_decode(u + i, n - i, &cp) - 1;
			g = glyph(cp);
			if (g)
				fputs(g, r->f);
			else
				fprintf(r->f, "\\[u%04X]", cp);
		} else {
			fputc(c, r->f);
		}
	}
}

static void text_case(struct roff *r, const char *s, size_t n, int upper)
{
	char buf[256];

	if (!upper) {
		roff_text(r, s, n, 0);
		return;
	}
	while (n) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);
		for (size_t i = 0; i < k; i++)
			buf[i] = (char)toupper((unsigned char)s[i]);
		roff_text(r, buf, k, 0);
		s += k;
		n -= k;
	}
}

/* The end of a span opened by mark (length mlen) at s[i]; 0 = none. */
static size_t span_end(const char *s, size_t n, size_t i, const char *mark,
		       size_t mlen)
{
	for (size_t j = i + mlen; j + mlen <= n; j++) {
		if (mark[0] != '`' && s[j] == '\\') {
			j++;
			continue;
		}
		if (!memcmp(s + j, mark, mlen) && j > i + mlen)
			return j;
	}
	return 0;
}

/* Write s[0..n) with markdown backslash escapes removed. */
static void text_unescape(struct roff *r, const char *s, size_t n, int upper)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n &&
		    ispunct((unsigned char)s[i + 1])) {
			text_case(r, s + start, i - start, upper);
			start = i + 1;
			i++;
		}
	}
	text_case(r, s + start, n - start, upper);
}

/* s[from..to) in font ("B", "I"), its own marks formatted too. */
static void font_span(struct roff *r, const char *font, const char *s,
		      size_t from, size_t to, int upper)
{
	roff_esc(r, font[0] == 'B' ? "\\fB" : "\\fI");
	roff_inline(r, s + from, to - from, upper);
	roff_esc(r, "\\fR");
}

void roff_inline(struct roff *r, const char *s, size_t n, int upper)
{
	size_t start = 0, i = 0;

	while (i < n) {
		size_t end = 0;
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			i += 2;
			continue;
		}
		if (c == '`' && (end = span_end(s, n, i, "`", 1))) {
			text_unescape(r, s + start, i - start, upper);
			roff_esc(r, "\\fB");
			/* \| inside code in a table cell is a | */
			for (size_t j = i + 1; j < end; j++) {
				if (s[j] == '\\' && j + 1 < end &&
				    s[j + 1] == '|')
					continue;
				roff_text(r, s + j, 1, 1);
			}
			roff_esc(r, "\\fR");
			i = start = end + 1;
			continue;
		}
		if ((c == '*' || c == '_') && i + 1 < n && s[i + 1] == c &&
		    (end = span_end(s, n, i, c == '*' ? "**" : "__", 2))) {
			text_unescape(r, s + start, i - start, upper);
			font_span(r, "B", s, i + 2, end, upper);
			i = start = end + 2;
			continue;
		}
		if ((c == '*' ||
		     (c == '_' &&
		      (i == 0 || !isalnum((unsigned char)s[i - 1])))) &&
		    i + 1 < n && !isspace((unsigned char)s[i + 1]) &&
		    (end = span_end(s, n, i, c == '*' ? "*" : "_", 1)) &&
		    !isspace((unsigned char)s[end - 1])) {
			text_unescape(r, s + start, i - start, upper);
			font_span(r, "I", s, i + 1, end, upper);
			i = start = end + 1;
			continue;
		}
		if (c == '[') {
			const char *close = memchr(s + i, ']', n - i);
			if (close && (size_t)(close - s) + 1 < n &&
			    close[1] == '(') {
				const char *paren =
				    memchr(close, ')', n - (size_t)(close - s));
				if (paren) {
					text_unescape(r, s + start, i - start,
						      upper);
					roff_inline(r, s + i + 1,
						    (size_t)(close - s) - i - 1,
						    upper);
					i = start = (size_t)(paren - s) + 1;
					continue;
				}
			}
		}
		i++;
	}
	text_unescape(r, s + start, n - start, upper);
}

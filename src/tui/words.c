/*
 * words.c - a command line split into words (see words.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "words.h"

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
			return fm_error_set(err, FM_EINVAL,
					    "unterminated %s quote",
					    q == '"' ? "double" : "single");
		}
		if (n + 2 > cap) {
			char **nv;
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				fm_buf_release(&w);
				tui_free_words(v);
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
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

int tui_quote_word(struct fm_buf *b, const char *s)
{
	int r = 0;

	if (*s && s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
			      "WXYZ0123456789_-+.,:=@%/")] == 0)
		return fm_buf_addstr(b, s);
	if (!strchr(s, '\'')) {
		r |= fm_buf_addch(b, '\'');
		r |= fm_buf_addstr(b, s);
		return r | fm_buf_addch(b, '\'');
	}
	r |= fm_buf_addch(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			r |= fm_buf_addch(b, '\\');
		r |= fm_buf_addch(b, *s);
	}
	return r | fm_buf_addch(b, '"');
}

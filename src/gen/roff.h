/*
 * roff.h - writing man(7) source: escaping text for roff and turning
 * markdown's inline marks (`code`, **bold**, *emphasis*, [links](url))
 * into font changes.  Used by the man page generator (fm-gendoc).
 */
#ifndef FM_GEN_ROFF_H
#define FM_GEN_ROFF_H

#include <stdio.h>

struct roff {
	FILE *f;
	int bol; /* at the beginning of an output line */
};

/* Write a request or other roff source as is (it should end in '\n'). */
void roff_raw(struct roff *r, const char *s);
/*
 * Write n bytes of plain text: backslashes, a leading '.' or '\'' and
 * non-ASCII characters escaped; '-' as \- when minus is set (option
 * names, code).  Newlines pass through.
 */
void roff_text(struct roff *r, const char *s, size_t n, int minus);
/*
 * Write markdown inline text (newlines allowed) with its marks as fonts:
 * `code` and **bold** in bold, *emphasis* and _emphasis_ in italics,
 * [text](target) as text, \| and other backslash escapes as the
 * character.  upper: letters outside code in upper case (headings).
 */
void roff_inline(struct roff *r, const char *s, size_t n, int upper);
/* Write inline roff (font escapes...) as is, on the current line. */
void roff_esc(struct roff *r, const char *s);
/* Make sure the next output starts a line. */
void roff_newline(struct roff *r);

#endif

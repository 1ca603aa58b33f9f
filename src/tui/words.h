/*
 * words.h - splitting a command line into words, for the workbench's own
 * commands and for completion (the session layer parses what it runs).
 */
#ifndef FM_TUI_WORDS_H
#define FM_TUI_WORDS_H

#include "flowmodels/buf.h"
#include "flowmodels/error.h"

/*
 * Split a command line into words: blanks separate, '...' and "..."
 * quote (backslash escapes inside "..." and outside quotes), '#' at the
 * start of a word begins a comment.  *argv is malloc'ed, NULL-terminated,
 * free with tui_free_words.  FM_EINVAL for an unterminated quote.
 */
int tui_split_words(const char *line, char ***argv, int *argc,
		    struct fm_error *err);
void tui_free_words(char **argv);
/*
 * Append s to b as one word that tui_split_words reads back as s: as it
 * is when it holds only safe characters, else in '...' (or "..." with
 * backslashes when it holds a ').  Returns 0 or FM_ENOMEM.
 */
int tui_quote_word(struct fm_buf *b, const char *s);

#endif

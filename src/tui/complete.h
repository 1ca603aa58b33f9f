/*
 * complete.h - Tab completion of the workbench's command line.  Pure: no
 * readline and no curses (prompt.c applies the result to readline's line
 * and lists the candidates), so the unit tests drive it directly.
 *
 * What the word at the cursor completes to depends on where it stands:
 * the command word (commands, their aliases, the workbench's own
 * commands), an option name (`-` ...), an option's value (its hint in
 * the command table: choices, field names, paths), a filter expression
 * (`filter DATASET EXPR`, `--filter-expr EXPR`: the name at the cursor
 * inside it completes to a field, a pseudo-field, a protocol name or a
 * keyword), or a positional argument (object names, else paths).  Paths
 * are completed relative to the current directory as typed (`./`,
 * `../`, `~/`, directories with a trailing `/`).
 */
#ifndef FM_TUI_COMPLETE_H
#define FM_TUI_COMPLETE_H

#include <stddef.h>

/* Where the candidates come from besides the command table. */
struct tui_complete_src {
	const char *const *objects;  /* the session's object names */
	const char *const *builtins; /* the workbench's own commands */
	const char *const *themes;   /* theme names, for `theme` */
	const char *home;	     /* what ~ stands for (NULL: $HOME) */
};

enum tui_complete_kind {
	COMP_NONE,
	COMP_COMMAND,
	COMP_OPTION,
	COMP_VALUE,
	COMP_FIELD,
	COMP_FILTER,
	COMP_OBJECT,
	COMP_PATH,
};

struct tui_completion {
	enum tui_complete_kind kind;
	size_t start; /* line[start..point) is what completes */
	char **cands; /* the candidates as shown (unquoted), sorted */
	size_t n;     /* number of candidates */
	char *insert; /* what replaces line[start..point): the single
		       * candidate quoted, with its ending (space or closing
		       * quote), or the candidates' longest common prefix;
		       * NULL when n is 0 */
	int progress; /* insert adds to what was typed */
};

/* Complete line at byte offset point; 0 or FM_ENOMEM.  Release c. */
int tui_complete(const char *line, size_t point,
		 const struct tui_complete_src *src, struct tui_completion *c);
void tui_completion_release(struct tui_completion *c);

/*
 * The n items laid out in columns as readline lists completions: as many
 * columns of the widest item plus two blanks as fit in width, sorted down
 * the columns.  Returns the malloc'ed lines (free each and the array),
 * their count in *nlines; NULL on memory exhaustion.
 */
char **tui_complete_columns(char *const *items, size_t n, int width,
			    size_t *nlines);

#endif

/*
 * manpages.h - the man pages of flowmodels: flowmodels(1) from
 * docs/flowmodels.1.md plus the command table (the list of commands), and
 * flowmodels-NAME(1) for every command, from its table entry (synopsis,
 * every option with its help line) and docs/commands/NAME.md.
 */
#ifndef FM_GEN_MANPAGES_H
#define FM_GEN_MANPAGES_H

#include <stdio.h>

#include "cmd/cmd.h"

struct man_info {
	const char *version; /* "0.1.0" */
	const char *date;    /* "2026-12-05" */
	const char *docdir;  /* where docs/ is installed, for SEE ALSO */
};

/* flowmodels(1); md: docs/flowmodels.1.md, where a line
 * <!-- commands --> stands for the list of commands. */
void man_main_page(FILE *f, const char *md, const struct man_info *info);
/* flowmodels-NAME(1); md: docs/commands/NAME.md. */
void man_command_page(FILE *f, const struct cmd_entry *e, const char *md,
		      const struct man_info *info);

#endif

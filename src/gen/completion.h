/*
 * completion.h - the bash completion of flowmodels, generated from the
 * command table: commands, their options, option values (choices, field
 * names, files or directories by the options' completion hints), the
 * global and workbench options.  Needs only bash (no bash-completion
 * helpers).
 */
#ifndef FM_GEN_COMPLETION_H
#define FM_GEN_COMPLETION_H

#include <stdio.h>

void completion_bash(FILE *f);

#endif

/*
 * cmd-table.c - the table of commands, in the order `help` lists them.
 * Adding a command: write src/cmd/cmd-NAME.c exporting cmd_NAME_entry,
 * add it here, and add docs/commands/NAME.md (a test checks).
 */
#include <stddef.h>

#include "cmd.h"

extern const struct cmd_entry cmd_convert_entry;
extern const struct cmd_entry cmd_cut_entry;
extern const struct cmd_entry cmd_summary_entry;
extern const struct cmd_entry cmd_fit_entry;
extern const struct cmd_entry cmd_hist_entry;
extern const struct cmd_entry cmd_series_entry;
extern const struct cmd_entry cmd_merge_entry;
extern const struct cmd_entry cmd_sort_entry;
extern const struct cmd_entry cmd_anonymize_entry;

const struct cmd_entry *const cmd_table[] = {
	&cmd_convert_entry,
	&cmd_cut_entry,
	&cmd_summary_entry,
	&cmd_fit_entry,
	&cmd_hist_entry,
	&cmd_series_entry,
	&cmd_merge_entry,
	&cmd_sort_entry,
	&cmd_anonymize_entry,
	NULL
};

/*
 * cmd-table.c - the table of commands, in the order `help` lists them.
 * Adding a command: write src/cmd/cmd-NAME.c exporting cmd_NAME_entry,
 * add it here, and add docs/commands/NAME.md (a test checks).
 */
#include <stddef.h>

#include "cmd.h"

extern const struct cmd_entry cmd_load_entry;
extern const struct cmd_entry cmd_filter_entry;
extern const struct cmd_entry cmd_convert_entry;
extern const struct cmd_entry cmd_cut_entry;
extern const struct cmd_entry cmd_merge_entry;
extern const struct cmd_entry cmd_sort_entry;
extern const struct cmd_entry cmd_anonymize_entry;
extern const struct cmd_entry cmd_hist_entry;
extern const struct cmd_entry cmd_hist_merge_entry;
extern const struct cmd_entry cmd_series_entry;
extern const struct cmd_entry cmd_series_merge_entry;
extern const struct cmd_entry cmd_top_entry;
extern const struct cmd_entry cmd_summary_entry;
extern const struct cmd_entry cmd_fit_entry;
extern const struct cmd_entry cmd_generate_entry;
extern const struct cmd_entry cmd_gof_entry;
extern const struct cmd_entry cmd_select_entry;
extern const struct cmd_entry cmd_compare_entry;
extern const struct cmd_entry cmd_plot_entry;
extern const struct cmd_entry cmd_series_plot_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_info_entry;
extern const struct cmd_entry cmd_drop_entry;
extern const struct cmd_entry cmd_rename_entry;
extern const struct cmd_entry cmd_save_entry;
extern const struct cmd_entry cmd_replay_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_set_entry;
extern const struct cmd_entry cmd_view_entry;
extern const struct cmd_entry cmd_show_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_quit_entry;

const struct cmd_entry *const cmd_table[] = {
    &cmd_load_entry,	     &cmd_filter_entry,
    &cmd_convert_entry,	     &cmd_cut_entry,
    &cmd_merge_entry,	     &cmd_sort_entry,
    &cmd_anonymize_entry,    &cmd_hist_entry,
    &cmd_hist_merge_entry,   &cmd_series_entry,
    &cmd_series_merge_entry, &cmd_top_entry,
    &cmd_summary_entry,	     &cmd_fit_entry,
    &cmd_generate_entry,     &cmd_gof_entry,
    &cmd_select_entry,	     &cmd_compare_entry,
    &cmd_plot_entry,	     &cmd_series_plot_entry,
    &cmd_export_entry,	     &cmd_list_entry,
    &cmd_info_entry,	     &cmd_drop_entry,
    &cmd_rename_entry,	     &cmd_save_entry,
    &cmd_replay_entry,	     &cmd_history_entry,
    &cmd_set_entry,	     &cmd_view_entry,
    &cmd_show_entry,	     &cmd_help_entry,
    &cmd_quit_entry,	     NULL};

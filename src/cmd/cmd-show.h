/*
 * cmd-show.h - the sub-forms of `show` (cmd-show.c: `show OBJ...` draws
 * objects together; a first word of its show_forms table runs a
 * sub-form instead).  Each sub-form lives in a file of its own and takes
 * the options of show's table that it needs:
 *
 *   show records [OBJ] [-n N]   cmd-show-records.c
 *
 * In the workbench, `show records` opens a table instead (src/tui).
 */
#ifndef FLOWMODELS_CMD_SHOW_H
#define FLOWMODELS_CMD_SHOW_H

#include "cmd.h"

/* show's options (ids into cmd_args.v). */
enum {
	OPT_SHOW_N = OPT_COMMON_END,
};

/* The records shown without -n in a session. */
#define CMD_SHOW_RECORDS_DEFAULT 20

/* `show records [OBJ] [-n N]`: a->pos[0] is "records". */
int cmd_show_records(struct cmd_ctx *ctx, const struct cmd_args *a);

/*
 * The dataset or view `show records` reads: the one called name, or
 * (name NULL) the newest dataset or view.  A reference is taken (give it
 * back with sess_put).  FM_EINVAL for another kind of object or none.
 */
struct session;
struct sess_obj;
int cmd_show_records_object(struct session *s, const char *name,
			    struct sess_obj **out, struct fm_error *err);

#endif

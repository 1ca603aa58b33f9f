/*
 * cmd-merge.c - `merge`: stitch records split by the exporter's active
 * timeout (SPEC 5), reading any format, writing csv_flow or binary.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/merge.h"
#include "cmd.h"

enum { OPT_INACTIVE = OPT_COMMON_END, OPT_ACTIVE };

static const struct cmd_opt merge_opts[] = {
    CMD_OPT_IN_FORMAT("nfcapd"),
    CMD_OPT_BIFLOW,
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: csv_flow, binary, text or nfcapd (default: csv_flow)",
     "csv_flow|binary|text|nfcapd"},
    CMD_OPT_COMPRESS,
    CMD_OPT_OUTPUT(
	"output file, or directory for binary; '-' = stdout (default: -)"),
    {OPT_INACTIVE, 'I', "inactive-timeout", CMD_OPT_REAL, "SECONDS",
     "inactive timeout of the exporter, in seconds (default: 15.0)", NULL},
    {OPT_ACTIVE, 'A', "active-timeout", CMD_OPT_REAL, "SECONDS",
     "active timeout of the exporter, in seconds (default: 300.0)", NULL},
    CMD_OPT_MEMORY,
    CMD_OPTS_CUT,
    CMD_OPT_SKIP_DAMAGED,
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

struct merge_job {
	const struct fm_merge_opts *opts;
	struct fm_merge_stats *stats;
};

static int merge_run(void *arg, struct fm_scan *scan, struct fm_writer *w,
		     struct fm_error *err)
{
	struct merge_job *job = arg;
	return fm_merge_run(scan, w, job->opts, job->stats, err);
}

static int merge_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_merge_opts mo;
	struct fm_merge_stats st;
	struct merge_job job = {&mo, &st};
	double t0 = cmd_now();

	memset(&st, 0, sizeof(st));
	fm_merge_opts_init(&mo);
	if (a->v[OPT_INACTIVE].set)
		mo.inactive = a->v[OPT_INACTIVE].d;
	if (a->v[OPT_ACTIVE].set)
		mo.active = a->v[OPT_ACTIVE].d;
	uint64_t budget;
	if (cmd_get_memory(a, &budget, &err) < 0)
		return cmd_fail(ctx, &err);
	mo.max_cached = budget / FM_MERGE_RECORD_BYTES;
	if (mo.max_cached < 16)
		mo.max_cached = 16;
	if (cmd_run_records(ctx, a, 1, merge_run, &job, NULL, &err) < 0)
		return cmd_fail(ctx, &err);
	if (st.spilled)
		fm_note(&ctx->log,
			"%llu cached records waited on disk (--memory)",
			(unsigned long long)st.spilled);
	if (st.reversed)
		fm_warn(&ctx->log,
			"%llu record pairs were in reversed order (swapped)",
			(unsigned long long)st.reversed);
	cmd_summary(
	    ctx,
	    "merge: %llu records read, merged: %llu, wrong: %llu, "
	    "reversed: %llu, written: %llu, cached at end: %llu in %.3f s",
	    (unsigned long long)st.read, (unsigned long long)st.merged,
	    (unsigned long long)st.wrong, (unsigned long long)st.reversed,
	    (unsigned long long)st.written, (unsigned long long)st.cached,
	    cmd_now() - t0);
	return 0;
}

const struct cmd_entry cmd_merge_entry = {
    .name = "merge",
    .alias = NULL,
    .summary = "merge flow records split by the exporter's active timeout",
    .usage = "[-i FORMAT] [-o FORMAT] [-O OUTPUT] [-I SECONDS] [-A SECONDS] "
	     "[CUTTING] INPUT...",
    .description =
	"Reads records in input order and stitches together the pieces of "
	"flows\n"
	"that the exporter cut at its active timeout.  Records with the same "
	"key\n"
	"(af .. dp) are merged when the later one starts less than the "
	"inactive\n"
	"timeout after the earlier one ends.  A record spanning at least\n"
	"active - inactive seconds waits in a cache for its continuation; the\n"
	"records still waiting at the end are written in the order they "
	"entered\n"
	"the cache.  Overlapping records of one key are both dropped (counted "
	"as\n"
	"wrong); a pair in reversed time order is swapped and merged.  aggs of "
	"a\n"
	"record is taken as 1 when it is 0.  The counts merged, wrong, "
	"reversed,\n"
	"written and cached are printed on stderr.\n"
	"Memory grows only with the cache (about 400 bytes a record); "
	"beyond\n"
	"--memory the records that entered the cache first wait in a "
	"temporary\n"
	"file in $TMPDIR (with their index: nothing of them stays in private\n"
	"memory) and come back when their key shows up again: the output is\n"
	"the same.",
    .opts = merge_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = merge_exec,
};

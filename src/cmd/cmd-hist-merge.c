/*
 * cmd-hist-merge.c - `hist-merge`: add up the csv_hist files that `hist`
 * made on parts of one dataset (docs/scale.md), to stdout, -O FILE or,
 * in a session, a histogram object.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/histmerge.h"
#include "cmd.h"
#include "objtypes.h"

enum { OPT_HM_X = OPT_COMMON_END };

static const struct cmd_opt hist_merge_opts[] = {
    {OPT_HM_X, 'x', "x-value", CMD_OPT_STR, "X",
     "the x of every input: length, size, duration or rate (default: "
     "detected from each input's sums, and all must agree)",
     "length|size|duration|rate"},
    CMD_OPT_OUTPUT("output file; '-' = stdout (default: -)"),
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

/* Read every input, merge, and write or hand over the result. */
static int hist_merge_do(struct cmd_ctx *ctx, const struct cmd_args *a,
			 struct fm_histogram *in, const char **names, int x,
			 struct fm_error *err)
{
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : "-";
	struct fm_histogram *m = calloc(1, sizeof(*m));
	int r = 0;

	if (!m)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	fm_histogram_init(m);
	for (size_t i = 0; i < a->npos && r == 0; i++) {
		names[i] = cmd_input_label(ctx, a, i);
		r = fm_histogram_read(&in[i], a->pos[i], FM_HCOL_BASIC,
				      &ctx->log, err);
	}
	if (r == 0)
		r = fm_histmerge(m, in, names, a->npos, x, err);
	/* in a session the result becomes an object; a file only with -O */
	if (r == 0 && (a->v[OPT_OUTPUT].set || !cmd_in_session(ctx)))
		r = fm_histogram_write(m, out, err);
	if (r == 0)
		cmd_summary(ctx, "hist-merge: %zu histograms, %zu bins%s%s",
			    a->npos, m->n,
			    strcmp(out, "-") ? " written to " : "",
			    strcmp(out, "-") ? out : "");
	if (r == 0 && cmd_in_session(ctx)) {
		r = cmd_result_object(ctx, &cmd_histogram_type, m, err);
		m = NULL; /* the session owns it now (also on failure) */
		if (r > 0)
			r = 0;
	}
	if (m) {
		fm_histogram_release(m);
		free(m);
	}
	return r;
}

static int hist_merge_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	enum fm_hist_x xv = FM_HIST_X_LENGTH;
	int x = -1, r = 0;
	struct fm_histogram *in = calloc(a->npos, sizeof(*in));
	const char **names = calloc(a->npos, sizeof(*names));

	if (a->v[OPT_HM_X].set) {
		if (fm_hist_x_parse(a->v[OPT_HM_X].s, &xv) < 0)
			r = fm_error_set(&err, FM_EINVAL,
					 "option -x: unknown value '%s' "
					 "(choose from length, size, duration, "
					 "rate)",
					 a->v[OPT_HM_X].s);
		x = (int)xv;
	}
	if (r == 0 && (!in || !names))
		r = fm_error_set(&err, FM_ENOMEM, "out of memory");
	for (size_t i = 0; in && i < a->npos; i++)
		fm_histogram_init(&in[i]);
	if (r == 0)
		r = hist_merge_do(ctx, a, in, names, x, &err);
	for (size_t i = 0; in && i < a->npos; i++)
		fm_histogram_release(&in[i]);
	free(in);
	free(names);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

const struct cmd_entry cmd_hist_merge_entry = {
    .name = "hist-merge",
    .alias = NULL,
    .summary = "add up histograms of parts of one dataset (sharded runs)",
    .usage = "[-x X] [-O OUTPUT] HISTOGRAM...",
    .description =
	"Adds up csv_hist files that hist made, with the same options, on "
	"parts of\n"
	"one dataset (e.g. on several machines, docs/scale.md): the result "
	"is the\n"
	"histogram of the whole.  All inputs must have the same x, the same "
	"bin\n"
	"exponent (told by the bin widths) and the same columns; anything "
	"else is\n"
	"an error naming the two inputs.  The x of each input is detected "
	"from its\n"
	"sums as summary detects it (the x column's mean lies inside every "
	"bin;\n"
	"-x sets it instead).  flows, packets, octets, duration and "
	"aggs\n"
	"sums are added exactly in 128 bits, so they are the whole's "
	"byte for\n"
	"byte.  rate_sum is a sum of reals that each input wrote "
	"truncated: the\n"
	"merged one is the sum of those truncated sums, which may differ "
	"from the\n"
	"whole's by less than one per input in a bin (and by rounding, "
	"about\n"
	"1e-16 relative per addition).",
    .opts = hist_merge_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = hist_merge_exec,
};

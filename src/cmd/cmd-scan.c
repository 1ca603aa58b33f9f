/*
 * cmd-scan.c - shared option handling of the record tools: input format,
 * cutting counters, the filter (--filter-expr, compiled once here and
 * owned by the scan) and the record scan over the positional inputs.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/filter.h"
#include "flowmodels/memlimit.h"
#include "cmd.h"

struct cmd_scan {
	struct fm_scan *scan;
	struct fm_filter *filter;
	struct fm_filter_run *run;
	struct fm_selector sel;
	const struct fm_log *log;
};

void cmd_get_cut(const struct cmd_args *a, struct fm_cut *cut)
{
	fm_cut_init(cut);
	if (a->v[OPT_SKIP_IN].set)
		cut->skip_in = a->v[OPT_SKIP_IN].i;
	if (a->v[OPT_COUNT_IN].set)
		cut->count_in = a->v[OPT_COUNT_IN].i;
	if (a->v[OPT_SKIP_OUT].set)
		cut->skip_out = a->v[OPT_SKIP_OUT].i;
	if (a->v[OPT_COUNT_OUT].set)
		cut->count_out = a->v[OPT_COUNT_OUT].i;
}

int cmd_get_memory(const struct cmd_args *a, uint64_t *bytes,
		   struct fm_error *err)
{
	if (!a->v[OPT_MEMORY].set) {
		*bytes = fm_memlimit_default();
		return 0;
	}
	int r = fm_memlimit_parse(a->v[OPT_MEMORY].s, bytes, err);
	if (r < 0)
		fm_error_prefix(err, "option --memory");
	return r;
}

int cmd_get_compress(const struct cmd_args *a, struct fm_writer_opts *wo,
		     struct fm_error *err)
{
	wo->compress = FM_NFCAPD_LZ4;
	if (a->v[OPT_COMPRESS].set &&
	    fm_nfcapd_comp_parse(a->v[OPT_COMPRESS].s, &wo->compress) < 0)
		return fm_error_set(err, FM_EINVAL,
				    "--compress: unknown value '%s' "
				    "(choose from none, lzo, lz4, zstd)",
				    a->v[OPT_COMPRESS].s);
	return 0;
}

int cmd_get_format(const struct cmd_args *a, int id, enum fm_format def,
		   enum fm_format *fmt, struct fm_error *err)
{
	*fmt = def;
	if (!a->v[id].set)
		return 0;
	if (fm_format_parse(a->v[id].s, fmt) < 0)
		return fm_error_set(err, FM_EINVAL,
				    "unknown format '%s' (formats: %s)",
				    a->v[id].s, fm_format_list());
	return 0;
}

int cmd_scan_open(struct cmd_ctx *ctx, const struct cmd_args *a,
		  enum fm_format def_format, uint32_t fields,
		  struct cmd_scan **out, struct fm_error *err)
{
	struct fm_scan_opts so;
	struct cmd_scan *cs;
	int r;

	memset(&so, 0, sizeof(so));
	r = cmd_get_format(a, OPT_IN_FORMAT, def_format, &so.reader.format,
			   err);
	if (r < 0)
		return r;
	so.reader.fields = fields;
	so.reader.log = &ctx->log;
	if (a->v[OPT_BIFLOW].set) {
		if (strcmp(a->v[OPT_BIFLOW].s, "split") == 0)
			so.reader.biflow_split = 1;
		else if (strcmp(a->v[OPT_BIFLOW].s, "forward") != 0)
			return fm_error_set(err, FM_EINVAL,
					    "option --biflow: unknown value "
					    "'%s' (choose from forward, split)",
					    a->v[OPT_BIFLOW].s);
	}
	so.progress = &ctx->progress;
	cmd_get_cut(a, &so.cut);
	so.skip_damaged = a->v[OPT_SKIP_DAMAGED].set > 0;
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	cs->log = &ctx->log;
	if (a->v[OPT_FILTER_EXPR].set) {
		r = fm_filter_compile(&cs->filter, a->v[OPT_FILTER_EXPR].s,
				      NULL, err);
		if (r == 0 && fm_filter_warning(cs->filter))
			fm_warn(cs->log, "%s", fm_filter_warning(cs->filter));
		if (r == 0)
			r = fm_filter_run_new(&cs->run, cs->filter, err);
		if (r < 0) {
			cmd_scan_close(cs);
			return r;
		}
		fm_filter_selector(&cs->sel, cs->run);
		so.selector = &cs->sel;
	}
	r = fm_scan_open(&cs->scan, &so, a->pos, a->npos, err);
	if (r < 0) {
		cmd_scan_close(cs);
		return r;
	}
	*out = cs;
	return 0;
}

struct fm_scan *cmd_scan_get(struct cmd_scan *cs)
{
	return cs->scan;
}

void cmd_scan_close(struct cmd_scan *cs)
{
	if (!cs)
		return;
	/* the run-time error count, once per run */
	fm_filter_run_report(cs->run, cs->log);
	fm_scan_free(cs->scan);
	fm_filter_run_free(cs->run);
	fm_filter_free(cs->filter);
	free(cs);
}

int cmd_run_records(struct cmd_ctx *ctx, const struct cmd_args *a,
		    int make_dataset, cmd_records_fn run, void *arg,
		    uint64_t *nread, struct fm_error *err)
{
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : "-";
	struct cmd_scan *cs = NULL;
	struct fm_writer *w = NULL;
	struct fm_writer_opts wo;
	enum fm_format ofmt;
	char *temp = NULL;
	int r;

	r = cmd_get_format(a, OPT_OUT_FORMAT, FM_FORMAT_CSV_FLOW, &ofmt, err);
	if (r == 0 && !fm_format_writable(ofmt))
		r = fm_error_set(
		    err, FM_EINVAL,
		    "cannot write format '%s' (output formats: %s)",
		    a->v[OPT_OUT_FORMAT].s, fm_format_write_list());
	if (r == 0 && make_dataset)
		r = cmd_records_output(ctx, a, &out, &ofmt, &temp, err);
	if (r == 0)
		r = cmd_check_records_output(ctx, out, ofmt, err);
	if (r == 0)
		r = cmd_scan_open(ctx, a, FM_FORMAT_NFCAPD, FM_ALL_FIELDS, &cs,
				  err);
	if (r == 0) {
		memset(&wo, 0, sizeof(wo));
		wo.format = ofmt;
		wo.log = &ctx->log;
		r = cmd_get_compress(a, &wo, err);
		if (r == 0)
			r = fm_writer_open(&w, &wo, out, err);
	}
	if (r == 0)
		r = run(arg, cmd_scan_get(cs), w, err);
	if (r == 0)
		r = fm_writer_commit(w, err);
	if (cs && nread)
		fm_scan_counts(cmd_scan_get(cs), nread, NULL);
	fm_writer_free(w);
	cmd_scan_close(cs);
	/* a tool that only writes files makes a dataset when named */
	if (r == 0 && (make_dataset || cmd_result_name(ctx)) &&
	    (r = cmd_result_records(ctx, out, ofmt, temp, 0, err)) > 0)
		r = 0;
	free(temp);
	return r;
}

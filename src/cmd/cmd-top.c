/*
 * cmd-top.c - `top`: top-N statistics like `nfdump -s` (top.h), as a
 * table, csv or json; on files, datasets and views.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "flowmodels/fileout.h"
#include "flowmodels/flowtext.h"
#include "flowmodels/top.h"
#include "cmd.h"

enum {
	OPT_T_BY = OPT_COMMON_END,
	OPT_T_N,
	OPT_T_FORMAT,
	OPT_T_THREADS,
};

static const struct cmd_opt top_opts[] = {
    CMD_OPT_IN_FORMAT("nfcapd"),
    {OPT_T_BY, 0, "by", CMD_OPT_STR, "SUM",
     "order the groups by flows, packets or octets (default: flows)",
     "flows|packets|octets"},
    {OPT_T_N, 'n', "count", CMD_OPT_INT, "N",
     "show the first N groups; 0 = all (default: 10)", NULL},
    {OPT_T_FORMAT, 0, "format", CMD_OPT_STR, "FORMAT",
     "text (a table), csv or json (default: text)", "text|csv|json"},
    CMD_OPT_OUTPUT("output file; '-' = stdout (default: -)"),
    {OPT_T_THREADS, 0, "threads", CMD_OPT_INT, "N",
     "threads: on binary input each aggregates a share of the keys "
     "(default: one a core); on other input, or with a filter, 1 reads "
     "and aggregates in one thread, more read ahead in a second "
     "(default: when there are 2 cores)",
     NULL},
    CMD_OPTS_CUT,
    CMD_OPT_SKIP_DAMAGED,
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static double share(uint64_t v, uint64_t total)
{
	return total ? (double)v / (double)total : 0.0;
}

/* The table: keys, then each sum with its share in percent. */
static void format_text(struct fm_buf *o, const struct fm_top *t,
			const struct fm_top_keys *k,
			const struct fm_top_row *rows, long n,
			enum fm_top_by by)
{
	uint64_t tot[3];
	char key[FM_TEXT_MAX];
	int width[FM_TOP_MAX_KEYS];

	fm_top_totals(t, &tot[0], &tot[1], &tot[2]);
	fm_buf_printf(o,
		      "top %ld of %zu groups by %s; totals: %" PRIu64
		      " flows, %" PRIu64 " packets, %" PRIu64 " octets\n",
		      n, fm_top_groups(t), fm_top_by_name(by), tot[0], tot[1],
		      tot[2]);
	for (int i = 0; i < k->n; i++) {
		width[i] = (int)strlen(fm_top_key_name(k->key[i]));
		for (long r = 0; r < n; r++) {
			fm_top_key_text(t, &rows[r], i, 1, key);
			if ((int)strlen(key) > width[i])
				width[i] = (int)strlen(key);
		}
		fm_buf_printf(o, "%-*s  ", width[i],
			      fm_top_key_name(k->key[i]));
	}
	fm_buf_printf(o, "%12s %7s %14s %7s %16s %7s\n", "flows", "%",
		      "packets", "%", "octets", "%");
	for (long r = 0; r < n; r++) {
		const struct fm_top_row *w = &rows[r];
		for (int i = 0; i < k->n; i++) {
			fm_top_key_text(t, w, i, 1, key);
			fm_buf_printf(o, "%-*s  ", width[i], key);
		}
		fm_buf_printf(o,
			      "%12" PRIu64 " %7.2f %14" PRIu64
			      " %7.2f %16" PRIu64 " %7.2f\n",
			      w->flows, 100 * share(w->flows, tot[0]),
			      w->packets, 100 * share(w->packets, tot[1]),
			      w->octets, 100 * share(w->octets, tot[2]));
	}
}

/* csv: the key columns named after the keys, sums, shares as fractions. */
static void format_csv(struct fm_buf *o, const struct fm_top *t,
		       const struct fm_top_keys *k,
		       const struct fm_top_row *rows, long n)
{
	uint64_t tot[3];
	char key[FM_TEXT_MAX];

	fm_top_totals(t, &tot[0], &tot[1], &tot[2]);
	for (int i = 0; i < k->n; i++)
		fm_buf_printf(o, "%s,", fm_top_key_name(k->key[i]));
	fm_buf_addstr(
	    o, "flows,packets,octets,flows_share,packets_share,octets_share\n");
	for (long r = 0; r < n; r++) {
		const struct fm_top_row *w = &rows[r];
		for (int i = 0; i < k->n; i++) {
			fm_top_key_text(t, w, i, 0, key);
			fm_buf_printf(o, "%s,", key);
		}
		fm_buf_printf(
		    o, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.9g,%.9g,%.9g\n",
		    w->flows, w->packets, w->octets, share(w->flows, tot[0]),
		    share(w->packets, tot[1]), share(w->octets, tot[2]));
	}
}

static void format_json(struct fm_buf *o, const struct fm_top *t,
			const struct fm_top_keys *k,
			const struct fm_top_row *rows, long n,
			enum fm_top_by by)
{
	uint64_t tot[3];
	char key[FM_TEXT_MAX];

	fm_top_totals(t, &tot[0], &tot[1], &tot[2]);
	fm_buf_addstr(o, "{\"keys\": [");
	for (int i = 0; i < k->n; i++)
		fm_buf_printf(o, "%s\"%s\"", i ? ", " : "",
			      fm_top_key_name(k->key[i]));
	fm_buf_printf(o,
		      "], \"by\": \"%s\", \"groups\": %zu, \"total\": "
		      "{\"flows\": %" PRIu64 ", \"packets\": %" PRIu64
		      ", \"octets\": %" PRIu64 "},\n \"rows\": [",
		      fm_top_by_name(by), fm_top_groups(t), tot[0], tot[1],
		      tot[2]);
	for (long r = 0; r < n; r++) {
		const struct fm_top_row *w = &rows[r];
		fm_buf_addstr(o, r ? ",\n  {" : "\n  {");
		for (int i = 0; i < k->n; i++) {
			int kk = k->key[i];
			fm_top_key_text(t, w, i, 0, key);
			fm_buf_printf(o,
				      kk == FM_TOPK_SA || kk == FM_TOPK_DA
					  ? "\"%s\": \"%s\", "
					  : "\"%s\": %s, ",
				      fm_top_key_name(kk), key);
		}
		fm_buf_printf(
		    o,
		    "\"flows\": %" PRIu64 ", \"packets\": %" PRIu64
		    ", \"octets\": %" PRIu64 ", \"flows_share\": %.9g, "
		    "\"packets_share\": %.9g, \"octets_share\": %.9g}",
		    w->flows, w->packets, w->octets, share(w->flows, tot[0]),
		    share(w->packets, tot[1]), share(w->octets, tot[2]));
	}
	fm_buf_addstr(o, n ? "\n ]}\n" : "]}\n");
}

static int top_parse(const struct cmd_args *a, struct fm_top_keys *k, int *by,
		     int *fmt, struct fm_error *err)
{
	static const char *const fmts[3] = {"text", "csv", "json"};
	int r = fm_top_keys_parse(a->pos[0], k, err);

	*by = FM_TOP_FLOWS;
	*fmt = 0;
	if (r == 0 && a->v[OPT_T_BY].set &&
	    (*by = fm_top_by_parse(a->v[OPT_T_BY].s)) < 0)
		r = fm_error_set(err, FM_EINVAL,
				 "--by: unknown value '%s' (choose "
				 "from flows, packets, octets)",
				 a->v[OPT_T_BY].s);
	if (r == 0 && a->v[OPT_T_THREADS].set &&
	    (a->v[OPT_T_THREADS].i < 1 || a->v[OPT_T_THREADS].i > 64))
		r = fm_error_set(err, FM_EINVAL,
				 "--threads: expected 1..64, got %lld",
				 (long long)a->v[OPT_T_THREADS].i);
	if (r == 0 && a->v[OPT_T_N].set && a->v[OPT_T_N].i < 0)
		r = fm_error_set(err, FM_EINVAL, "-n: expected a count >= 0");
	for (*fmt = 0; r == 0 && a->v[OPT_T_FORMAT].set && *fmt < 3 &&
		       strcmp(fmts[*fmt], a->v[OPT_T_FORMAT].s);
	     ++*fmt)
		;
	if (r == 0 && *fmt == 3)
		r = fm_error_set(err, FM_EINVAL,
				 "--format: unknown value '%s' "
				 "(choose from text, csv, json)",
				 a->v[OPT_T_FORMAT].s);
	return r;
}

/*
 * The records of the inputs into t: binary directories without a filter
 * by threads each aggregating a share of the keys (fm_top_add_binary),
 * anything else through one scan read ahead of the aggregation.
 */
static int top_read(struct cmd_ctx *ctx, const struct cmd_args *in,
		    struct fm_top *t, struct fm_error *err)
{
	struct cmd_scan *cs = NULL;
	enum fm_format fmt;
	int threads =
	    in->v[OPT_T_THREADS].set ? (int)in->v[OPT_T_THREADS].i : 0;
	int r = cmd_get_format(in, OPT_IN_FORMAT, FM_FORMAT_NFCAPD, &fmt, err);

	if (r == 0 && fmt == FM_FORMAT_BINARY && !in->v[OPT_FILTER_EXPR].set) {
		struct fm_cut cut;
		struct fm_top_binary_opts o = {.threads = threads,
					       .cut = &cut,
					       .progress = &ctx->progress,
					       .log = &ctx->log};
		cmd_get_cut(in, &cut);
		return fm_top_add_binary(t, in->pos, in->npos, &o, err);
	}
	if (r == 0)
		r = cmd_scan_open(ctx, in, FM_FORMAT_NFCAPD,
				  fm_top_fields(fm_top_keys_of(t)), &cs, err);
	if (r == 0)
		r = fm_top_add_scan(t, cmd_scan_get(cs), threads, err);
	cmd_scan_close(cs);
	return r;
}

static int top_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_top_keys k;
	struct fm_top *t = NULL;
	struct fm_top_row *rows = NULL;
	struct cmd_args in = *a;
	struct fm_buf o = FM_BUF_INIT;
	double t0 = cmd_now();
	long n = 0;
	int by, fmt, r = top_parse(a, &k, &by, &fmt, &err);

	/* the inputs follow the keys */
	in.pos = a->pos + 1;
	in.npos = a->npos - 1;
	if (r == 0)
		r = fm_top_new(&t, &k, &err);
	if (r == 0)
		r = top_read(ctx, &in, t, &err);
	if (r == 0)
		n = fm_top_result(t, (enum fm_top_by)by,
				  a->v[OPT_T_N].set ? (size_t)a->v[OPT_T_N].i
						    : 10,
				  &rows, &err);
	if (r == 0 && n < 0)
		r = (int)n;
	if (r == 0) {
		if (fmt == 0)
			format_text(&o, t, &k, rows, n, (enum fm_top_by)by);
		else if (fmt == 1)
			format_csv(&o, t, &k, rows, n);
		else
			format_json(&o, t, &k, rows, n, (enum fm_top_by)by);
		if (!o.buf)
			r = fm_error_set(&err, FM_ENOMEM, "out of memory");
	}
	if (r == 0 && a->v[OPT_OUTPUT].set && strcmp(a->v[OPT_OUTPUT].s, "-"))
		r = fm_file_write_atomic(a->v[OPT_OUTPUT].s, o.buf, o.len,
					 &err);
	else if (r == 0)
		fwrite(o.buf, 1, o.len, ctx->out);
	if (r == 0)
		cmd_summary(ctx, "top: %zu groups in %.3f s", fm_top_groups(t),
			    cmd_now() - t0);
	free(rows);
	fm_top_free(t);
	fm_buf_release(&o);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

const struct cmd_entry cmd_top_entry = {
    .name = "top",
    .alias = NULL,
    .summary = "top-N statistics: the largest groups of flows by address, "
	       "port, protocol or any field",
    .usage = "KEY[,KEY...] [--by flows|packets|octets] [-n N] [--format "
	     "text|csv|json] INPUT...",
    .description =
	"Groups the records by KEY (several keys: by their combination) and\n"
	"prints the N largest groups by flows (records), packets or octets,\n"
	"with each sum's share of the total, like 'nfdump -s'.  KEY is a "
	"field\n"
	"name, sa or da (a whole IPv4 or IPv6 address), port (either port: a\n"
	"flow counts for its source and its destination port) or proto.\n"
	"Counts are exact; ties are ordered by the key value.  csv columns:\n"
	"the keys, flows, packets, octets, flows_share, packets_share,\n"
	"octets_share (fractions of the totals).",
    .opts = top_opts,
    .min_pos = 2,
    .max_pos = -1,
    .exec = top_exec,
};

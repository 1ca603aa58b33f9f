/*
 * cmd-generate.c - `generate`: synthetic flow records from a csv_hist file
 * or a mixture directory (SPEC 7), to csv_flow or binary.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/generate.h"
#include "flowmodels/summary.h"
#include "cmd.h"

enum {
	OPT_G_SIZE = OPT_COMMON_END,
	OPT_G_SEED,
	OPT_G_X,
	OPT_G_FULL,
	OPT_G_RATE,
	OPT_G_START,
};

static const struct cmd_opt generate_opts[] = {
    {OPT_G_SIZE, 's', "size", CMD_OPT_INT, "N",
     "number of flows to generate; 0 = every flow of the histogram (default: "
     "1)",
     NULL},
    {OPT_G_SEED, 0, "seed", CMD_OPT_INT, "S",
     "random seed; the same seed gives the same output (default: 0)", NULL},
    {OPT_G_X, 'x', "x-value", CMD_OPT_STR, "X",
     "length or size (default: detected from a histogram's first bin_lo, "
     "length for mixtures)",
     "length|size"},
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: csv_flow, binary, text or nfcapd (default: csv_flow)",
     "csv_flow|binary|text|nfcapd"},
    CMD_OPT_COMPRESS,
    CMD_OPT_OUTPUT(
	"output file, or directory for binary; '-' = stdout (default: -)"),
    {OPT_G_FULL, 0, "full-records", CMD_OPT_FLAG, NULL,
     "fill addresses, ports, protocol, times and durations realistically "
     "(default: zeros as the reference)",
     NULL},
    {OPT_G_RATE, 0, "rate", CMD_OPT_REAL, "FLOWS/S",
     "--full-records: mean Poisson arrival rate (default: 1000)", NULL},
    {OPT_G_START, 0, "start", CMD_OPT_INT, "EPOCH",
     "--full-records: time origin of the arrivals, seconds since the epoch "
     "(default: 1433962800 = 2015-06-10 19:00 UTC)",
     NULL},
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int generate_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_gen_opts go;
	struct fm_histogram h;
	struct fm_mixture_dir md;
	struct fm_generator *g = NULL;
	struct fm_writer *w = NULL;
	struct fm_writer_opts wo;
	struct fm_batch b;
	enum fm_format ofmt;
	const char *in = a->pos[0];
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : "-";
	char *temp = NULL;
	struct stat st;
	double t0 = cmd_now();
	int r, is_dir;

	memset(&go, 0, sizeof(go));
	memset(&b, 0, sizeof(b));
	fm_histogram_init(&h);
	fm_mixture_dir_init(&md);
	go.count = 1;
	go.rate = 1000;
	go.start = 1433962800;
	r = cmd_get_format(a, OPT_OUT_FORMAT, FM_FORMAT_CSV_FLOW, &ofmt, &err);
	if (r == 0 && !fm_format_writable(ofmt))
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "cannot write format '%s' (output formats: %s)",
		    a->v[OPT_OUT_FORMAT].s, fm_format_write_list());
	if (r == 0 && a->v[OPT_G_SIZE].set) {
		if (a->v[OPT_G_SIZE].i < 0)
			r = fm_error_set(&err, FM_EINVAL,
					 "-s: expected a count >= 0");
		go.count = (uint64_t)a->v[OPT_G_SIZE].i;
	}
	if (a->v[OPT_G_SEED].set)
		go.seed = (uint64_t)a->v[OPT_G_SEED].i;
	go.full_records = a->v[OPT_G_FULL].set > 0;
	if (a->v[OPT_G_RATE].set)
		go.rate = a->v[OPT_G_RATE].d;
	if (a->v[OPT_G_START].set)
		go.start = a->v[OPT_G_START].i;
	if (r == 0 && (go.start < 0 || go.start > 4000000000LL))
		r = fm_error_set(&err, FM_EINVAL,
				 "--start: expected 0..4000000000");
	if (r == 0 && a->v[OPT_G_X].set) {
		enum fm_xkind k = fm_xkind_from_name(a->v[OPT_G_X].s);
		if (k != FM_X_LENGTH && k != FM_X_SIZE)
			r = fm_error_set(
			    &err, FM_EINVAL,
			    "-x: expected length or size, not '%s'",
			    a->v[OPT_G_X].s);
		go.x = k == FM_X_SIZE ? FM_MIX_X_SIZE : FM_MIX_X_LENGTH;
	}
	/* in a session: a generated object (scratch directory without -O) */
	if (r == 0)
		r = cmd_records_output(ctx, a, &out, &ofmt, &temp, &err);
	if (r == 0)
		r = cmd_check_records_output(ctx, out, ofmt, &err);
	if (r == 0 && stat(in, &st) < 0)
		r = fm_error_set(&err, FM_ENOTFOUND,
				 "%s: no such file or directory", in);
	is_dir = r == 0 && S_ISDIR(st.st_mode);
	if (r == 0 && is_dir) {
		if (!go.x)
			go.x = FM_MIX_X_LENGTH;
		r = fm_mixture_dir_read(&md, in, &err);
		if (r == 0)
			r = fm_gen_open_mixture(&g, &md, &go, &err);
	} else if (r == 0) {
		r = fm_histogram_read(&h, in, FM_HCOL_BASIC, &ctx->log, &err);
		if (r == 0 && !go.x) {
			int k = fm_xkind_detect(&h, &err);
			if (k < 0) {
				r = k;
				fm_error_prefix(&err, "%s", in);
			} else if (k != FM_X_LENGTH && k != FM_X_SIZE) {
				r = fm_error_set(&err, FM_EINVAL,
						 "%s: a %s histogram: generate "
						 "draws flow lengths or sizes "
						 "(give -x length or size)",
						 in, fm_xkind_name(k));
			}
			go.x = k == FM_X_SIZE ? FM_MIX_X_SIZE : FM_MIX_X_LENGTH;
		}
		if (r == 0) {
			r = fm_gen_open_histogram(&g, &h, &go, &err);
			if (r < 0)
				fm_error_prefix(&err, "%s", in);
		}
	}
	if (r == 0) {
		memset(&wo, 0, sizeof(wo));
		wo.format = ofmt;
		wo.log = &ctx->log;
		r = cmd_get_compress(a, &wo, &err);
		if (r == 0)
			r = fm_writer_open(&w, &wo, out, &err);
	}
	/* binary output takes absent columns as zeros: without full records
	 * only packets and octets are generated */
	if (r == 0 &&
	    fm_batch_alloc(&b,
			   ofmt == FM_FORMAT_BINARY && !go.full_records
			       ? FM_FIELD_BIT(FM_PACKETS) |
				     FM_FIELD_BIT(FM_OCTETS)
			       : FM_ALL_FIELDS,
			   FM_BATCH_CAP) < 0)
		r = fm_error_set(&err, FM_ENOMEM, "out of memory");
	while (r == 0) {
		uint64_t done, total;
		long n = fm_gen_next(g, &b, &err);
		if (n <= 0) {
			r = (int)n;
			break;
		}
		r = fm_writer_write(w, &b, &err);
		fm_gen_position(g, &done, &total);
		if (r == 0 && fm_progress_report(&ctx->progress, done, total))
			r = fm_error_set(&err, FM_ECANCEL, "cancelled");
	}
	if (r == 0)
		r = fm_writer_commit(w, &err);
	fm_writer_free(w);
	w = NULL;
	if (r == 0 && (r = cmd_result_records(ctx, out, ofmt, temp,
					      CMD_DS_GENERATED, &err)) > 0)
		r = 0;
	free(temp);
	uint64_t done = 0, total = 0;
	if (g)
		fm_gen_position(g, &done, &total);
	fm_batch_release(&b);
	fm_writer_free(w);
	fm_gen_free(g);
	fm_histogram_release(&h);
	fm_mixture_dir_release(&md);
	if (r < 0)
		return cmd_fail(ctx, &err);
	cmd_summary(ctx, "generate: %llu flows written in %.3f s",
		    (unsigned long long)done, cmd_now() - t0);
	return 0;
}

const struct cmd_entry cmd_generate_entry = {
    .name = "generate",
    .alias = NULL,
    .summary = "generate synthetic flow records from a histogram or mixtures",
    .usage = "[-s N] [--seed S] [-x length|size] [-o FORMAT] [-O OUTPUT] "
	     "[--full-records [--rate R] [--start EPOCH]] FILE",
    .description =
	"FILE is a csv_hist file or a mixture directory (flows.json,\n"
	"packets.json, octets.json).  From a histogram, bins are drawn with\n"
	"probability proportional to flows_sum (x = bin_lo, packet size = the\n"
	"bin's octets_sum / packets_sum); -s 0 emits every flow of the\n"
	"histogram instead, bins in descending order.  From mixtures, x is\n"
	"drawn from the flows mixture and the packet size comes from the\n"
	"packets and octets mixtures.  The other of packets/octets is rounded\n"
	"stochastically.  The same seed gives the same output.",
    .opts = generate_opts,
    .min_pos = 1,
    .max_pos = 1,
    .exec = generate_exec,
};

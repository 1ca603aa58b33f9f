/*
 * cmd-compare.c - `compare`: how alike two histograms are (issue 19):
 * per y, ks, the Wasserstein-1 distance of log10(x) and the
 * Jensen-Shannon divergence (library: compare.h), and the per-bin share
 * ratios B/A into a CSV file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/compare.h"
#include "flowmodels/fileout.h"
#include "flowmodels/filter.h"
#include "flowmodels/hist.h"
#include "flowmodels/summary.h"
#include "cmd-quality.h"

enum {
	OPT_C_X = OPT_COMMON_END,
	OPT_C_Y,
	OPT_C_FORMAT,
	OPT_C_BIN,
};

static const struct cmd_opt compare_opts[] = {
    {OPT_C_X, 'x', "x-value", CMD_OPT_STR, "X",
     "x of both histograms: length or size (default: detect from the "
     "first bin_lo, 1 or 64; both must agree)",
     "length|size"},
    {OPT_C_Y, 'y', "y-value", CMD_OPT_LIST, "Y",
     "y to compare, repeatable: flows, packets, octets (default: each "
     "of them both histograms have)",
     "flows|packets|octets"},
    {OPT_C_FORMAT, 0, "format", CMD_OPT_STR, "F",
     "output: text, json or tex (default: text)", "text|json|tex"},
    {OPT_C_BIN, 'b', "bin-exp", CMD_OPT_INT, "B",
     "bins of a record directory (a dataset), binned on the fly as hist "
     "-b B does (default: 12)",
     NULL},
    CMD_OPT_OUTPUT("write the per-bin ratios of B's shares to A's to this CSV "
		   "file (bin_lo,bin_hi and one column per y)"),
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

/* A ratio for the CSV: shortest round-trip form, inf / nan spelled so. */
static void csv_num(struct fm_buf *b, double v)
{
	if (isnan(v))
		fm_buf_addstr(b, "nan");
	else if (isinf(v))
		fm_buf_addstr(b, v > 0 ? "inf" : "-inf");
	else
		fm_json_add_double(b, v);
}

static int write_ratios(const char *path, const struct fm_bin_union *u,
			const int *yi, int ny, double *const *ratio,
			struct fm_error *err)
{
	struct fm_buf b = FM_BUF_INIT;
	int r;

	fm_buf_addstr(&b, "bin_lo,bin_hi");
	for (int k = 0; k < ny; k++)
		fm_buf_printf(&b, ",%s", fm_hcol_name(q_ycols[yi[k]]));
	fm_buf_addch(&b, '\n');
	for (size_t i = 0; i < u->n; i++) {
		fm_buf_printf(&b, "%lld,%lld", (long long)u->lo[i],
			      (long long)u->hi[i]);
		for (int k = 0; k < ny; k++) {
			fm_buf_addch(&b, ',');
			csv_num(&b, ratio[k][i]);
		}
		fm_buf_addch(&b, '\n');
	}
	r = fm_file_write_atomic(path, fm_buf_str(&b), b.len, err);
	fm_buf_release(&b);
	return r;
}

static void add_result(struct fm_buf *b, enum q_format fmt, const int *yi,
		       int ny, const struct fm_compare *c)
{
	if (fmt == Q_JSON) {
		fm_buf_addch(b, '{');
		for (int k = 0; k < ny; k++) {
			fm_buf_printf(b,
				      "%s\n  \"%s\": {\"ks\": ", k ? "," : "",
				      fm_hcol_name(q_ycols[yi[k]]));
			q_json_num(b, c[k].ks);
			fm_buf_addstr(b, ", \"wasserstein_log10\": ");
			q_json_num(b, c[k].wasserstein_log10);
			fm_buf_addstr(b, ", \"js_divergence\": ");
			q_json_num(b, c[k].js_divergence);
			fm_buf_addch(b, '}');
		}
		fm_buf_addstr(b, "\n}\n");
	} else if (fmt == Q_TEX) {
		fm_buf_addstr(
		    b, "% flowmodels compare\n\\begin{tabular}{lrrr}\n\\hline\n"
		       " & KS & $W_1(\\log_{10} x)$ & JS divergence "
		       "\\\\\n\\hline\n");
		for (int k = 0; k < ny; k++)
			fm_buf_printf(b, "%s & $%.6g$ & $%.6g$ & $%.6g$ \\\\\n",
				      fm_hcol_name(q_ycols[yi[k]]), c[k].ks,
				      c[k].wasserstein_log10,
				      c[k].js_divergence);
		fm_buf_addstr(b, "\\hline\n\\end{tabular}\n");
	} else {
		fm_buf_printf(b, "%-8s %16s %18s %16s\n", "y", "ks",
			      "wasserstein_log10", "js_divergence");
		for (int k = 0; k < ny; k++)
			fm_buf_printf(b, "%-8s %16.9g %18.9g %16.9g\n",
				      fm_hcol_name(q_ycols[yi[k]]), c[k].ks,
				      c[k].wasserstein_log10,
				      c[k].js_divergence);
	}
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Input i: a csv_hist file, or a binary record directory binned here with
 * -b and the x of -x (else the other input's, else length); in a session,
 * a view's records under its own filter.
 */
static int load_input(struct cmd_ctx *ctx, const struct cmd_args *a, int i,
		      unsigned mask, struct fm_histogram *h,
		      struct fm_error *err)
{
	struct fm_hist_opts o;
	struct fm_hist *hs = NULL;
	struct fm_cut cut;
	struct fm_filter *filter = NULL;
	const char *dir = a->pos[i],
		   *expr = cmd_input_filter(ctx, a, (size_t)i);
	int r;

	if (!is_dir(dir))
		return fm_histogram_read(h, dir, mask, &ctx->log, err);
	memset(&o, 0, sizeof(o));
	o.x = FM_HIST_X_LENGTH;
	o.bin_exp = a->v[OPT_C_BIN].set ? (int)a->v[OPT_C_BIN].i : 12;
	o.log = &ctx->log;
	if (a->v[OPT_C_BIN].set &&
	    (a->v[OPT_C_BIN].i < 0 || a->v[OPT_C_BIN].i > 64))
		return fm_error_set(err, FM_EINVAL, "-b: expected 0..64");
	if (a->v[OPT_C_X].set) {
		if (fm_xkind_from_name(a->v[OPT_C_X].s) == FM_X_AUTO)
			return fm_error_set(
			    err, FM_EINVAL,
			    "-x: expected length or size, not '%s'",
			    a->v[OPT_C_X].s);
		o.x = fm_xkind_from_name(a->v[OPT_C_X].s) == FM_X_SIZE
			  ? FM_HIST_X_SIZE
			  : FM_HIST_X_LENGTH;
	} else if (!is_dir(a->pos[1 - i])) {
		struct fm_histogram other;
		fm_histogram_init(&other);
		if (fm_histogram_read(&other, a->pos[1 - i], 0, NULL, NULL) ==
			0 &&
		    other.n && other.bin_lo[0] == 64)
			o.x = FM_HIST_X_SIZE;
		fm_histogram_release(&other);
	}
	fm_cut_init(&cut);
	r = expr ? fm_filter_compile(&filter, expr, NULL, err) : 0;
	o.filter = filter;
	o.progress = &ctx->progress;
	if (r == 0)
		r = fm_hist_new(&hs, &o, err);
	if (r == 0)
		r = fm_hist_add_binary(hs, &dir, 1, &cut, NULL, err);
	if (r == 0)
		r = fm_hist_result(hs, h, err);
	if (r < 0)
		fm_error_prefix(err, "%s", cmd_input_label(ctx, a, (size_t)i));
	fm_hist_free(hs);
	fm_filter_free(filter);
	return r;
}

/* Both histograms' x must agree (when it can be told). */
static int check_x(const struct cmd_ctx *ctx, const struct cmd_args *a,
		   const struct fm_histogram *ha, const struct fm_histogram *hb,
		   struct fm_error *err)
{
	enum fm_mix_x xa, xb;
	struct fm_error ea = {0}, eb = {0};
	int ra = q_get_xkind(ctx, a, OPT_C_X, 0, ha, &xa, &ea);
	int rb = q_get_xkind(ctx, a, OPT_C_X, 1, hb, &xb, &eb);

	if (a->v[OPT_C_X].set && (ra < 0 || rb < 0)) {
		*err = ra < 0 ? ea : eb;
		return err->code;
	}
	if (ra == 0 && rb == 0 && xa != xb)
		return fm_error_set(
		    err, FM_EINVAL,
		    "%s is %s data but %s is %s data (first bin_lo "
		    "%lld and %lld)",
		    cmd_input_label(ctx, a, 0), q_xname(xa),
		    cmd_input_label(ctx, a, 1), q_xname(xb),
		    (long long)ha->bin_lo[0], (long long)hb->bin_lo[0]);
	return 0;
}

static int compare_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_histogram ha, hb;
	struct fm_bin_union u;
	struct fm_compare c[3];
	struct fm_buf out = FM_BUF_INIT;
	double *ratio[3] = {NULL, NULL, NULL};
	enum q_format fmt = Q_TEXT;
	unsigned mask = 0;
	int yi[3], ny = 0, r;
	double t0 = cmd_now();
	const char *na = cmd_input_label(ctx, a, 0),
		   *nb = cmd_input_label(ctx, a, 1);

	fm_histogram_init(&ha);
	fm_histogram_init(&hb);
	fm_bin_union_init(&u);
	r = q_get_format(a, OPT_C_FORMAT, &fmt, &err);
	if (r == 0)
		r = q_get_ylist(a, OPT_C_Y, &mask, &err);
	if (r == 0)
		r = load_input(ctx, a, 0, mask, &ha, &err);
	if (r == 0)
		r = load_input(ctx, a, 1, mask, &hb, &err);
	if (r == 0)
		r = check_x(ctx, a, &ha, &hb, &err);
	for (int i = 0; r == 0 && i < 3; i++) {
		unsigned bit = FM_HCOL_BIT(q_ycols[i]);
		if (mask ? (mask & bit) != 0
			 : (ha.cols & bit) && (hb.cols & bit))
			yi[ny++] = i;
	}
	if (r == 0 && ny == 0)
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "%s and %s have no flows_sum, packets_sum or octets_sum "
		    "column in common",
		    na, nb);
	if (r == 0)
		r = fm_bin_union_make(&u, &ha, na, &hb, nb, &err);
	for (int k = 0; r == 0 && k < ny; k++) {
		if (a->v[OPT_OUTPUT].set &&
		    !(ratio[k] = malloc((u.n ? u.n : 1) * sizeof(double))))
			r = fm_error_set(&err, FM_ENOMEM, "out of memory");
		if (r == 0)
			r = fm_compare_column(&ha, na, &hb, nb, &u,
					      q_ycols[yi[k]], &c[k], ratio[k],
					      &err);
	}
	if (r == 0 && a->v[OPT_OUTPUT].set)
		r = write_ratios(a->v[OPT_OUTPUT].s, &u, yi, ny, ratio, &err);
	if (r == 0) {
		add_result(&out, fmt, yi, ny, c);
		fputs(fm_buf_str(&out), ctx->out);
		fflush(ctx->out);
		cmd_summary(ctx, "compare: %s and %s over %zu bins in %.3f s",
			    na, nb, u.n, cmd_now() - t0);
	}
	fm_buf_release(&out);
	for (int k = 0; k < 3; k++)
		free(ratio[k]);
	fm_bin_union_release(&u);
	fm_histogram_release(&ha);
	fm_histogram_release(&hb);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

const struct cmd_entry cmd_compare_entry = {
    .name = "compare",
    .alias = NULL,
    .summary = "how alike two histograms are (ks, Wasserstein, Jensen-Shannon)",
    .usage = "[-x length|size] [-y Y]... [--format text|json|tex] [-b B] "
	     "[-O RATIO.csv] A B",
    .description =
	"For each y, over the union of the two histograms' bins (both must\n"
	"use the same bins): ks (largest difference of the cumulative\n"
	"shares), wasserstein_log10 (the Wasserstein-1 distance between the\n"
	"two distributions of log10(bin_lo)) and js_divergence (Jensen-\n"
	"Shannon, in bits).  -O writes the per-bin ratio of B's share to\n"
	"A's (inf where A has none, nan where neither has any).  A or B may\n"
	"be a binary record directory (in a session: a dataset, or a view,\n"
	"read under its own filter), binned on the fly like hist -b B.\n"
	"Definitions and sources: docs/commands/compare.md.",
    .opts = compare_opts,
    .min_pos = 2,
    .max_pos = 2,
    .exec = compare_exec,
    .flags = CMD_F_INFILTER,
};

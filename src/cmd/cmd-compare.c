/*
 * cmd-compare.c - `compare`: how alike two histograms are (issue 19):
 * per y, ks, the Wasserstein-1 distance of log10(x) and the
 * Jensen-Shannon divergence (library: compare.h), and the per-bin share
 * ratios B/A into a CSV file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/compare.h"
#include "flowmodels/fileout.h"
#include "cmd-quality.h"

enum {
	OPT_C_X = OPT_COMMON_END,
	OPT_C_Y,
	OPT_C_FORMAT,
};

static const struct cmd_opt compare_opts[] = {
	{ OPT_C_X, 'x', "x-value", CMD_OPT_STR, "X",
	  "x of both histograms: length or size (default: detect from the "
	  "first bin_lo, 1 or 64; both must agree)", "length|size" },
	{ OPT_C_Y, 'y', "y-value", CMD_OPT_LIST, "Y",
	  "y to compare, repeatable: flows, packets, octets (default: each "
	  "of them both histograms have)", "flows|packets|octets" },
	{ OPT_C_FORMAT, 0, "format", CMD_OPT_STR, "F",
	  "output: text, json or tex (default: text)", "text|json|tex" },
	CMD_OPT_OUTPUT("write the per-bin ratios of B's shares to A's to this CSV "
		       "file (bin_lo,bin_hi and one column per y)"),
	CMD_OPTS_COMMON,
	CMD_OPT_END
};

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
		fm_buf_printf(&b, "%lld,%lld", (long long)u->lo[i], (long long)u->hi[i]);
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
			fm_buf_printf(b, "%s\n  \"%s\": {\"ks\": ", k ? "," : "",
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
		fm_buf_addstr(b, "% flowmodels compare\n\\begin{tabular}{lrrr}\n\\hline\n"
			      " & KS & $W_1(\\log_{10} x)$ & JS divergence \\\\\n\\hline\n");
		for (int k = 0; k < ny; k++)
			fm_buf_printf(b, "%s & $%.6g$ & $%.6g$ & $%.6g$ \\\\\n",
				      fm_hcol_name(q_ycols[yi[k]]), c[k].ks,
				      c[k].wasserstein_log10, c[k].js_divergence);
		fm_buf_addstr(b, "\\hline\n\\end{tabular}\n");
	} else {
		fm_buf_printf(b, "%-8s %16s %18s %16s\n", "y", "ks",
			      "wasserstein_log10", "js_divergence");
		for (int k = 0; k < ny; k++)
			fm_buf_printf(b, "%-8s %16.9g %18.9g %16.9g\n",
				      fm_hcol_name(q_ycols[yi[k]]), c[k].ks,
				      c[k].wasserstein_log10, c[k].js_divergence);
	}
}

/* Both histograms' x must agree (when it can be told). */
static int check_x(const struct cmd_args *a, const struct fm_histogram *ha,
		   const struct fm_histogram *hb, struct fm_error *err)
{
	enum fm_mix_x xa, xb;
	struct fm_error ea = { 0 }, eb = { 0 };
	int ra = q_get_xkind(a, OPT_C_X, ha, a->pos[0], &xa, &ea);
	int rb = q_get_xkind(a, OPT_C_X, hb, a->pos[1], &xb, &eb);

	if (a->v[OPT_C_X].set && (ra < 0 || rb < 0)) {
		*err = ra < 0 ? ea : eb;
		return err->code;
	}
	if (ra == 0 && rb == 0 && xa != xb)
		return fm_error_set(err, FM_EINVAL,
				    "%s is %s data but %s is %s data (first bin_lo "
				    "%lld and %lld)", a->pos[0], q_xname(xa), a->pos[1],
				    q_xname(xb), (long long)ha->bin_lo[0],
				    (long long)hb->bin_lo[0]);
	return 0;
}

static int compare_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = { 0 };
	struct fm_histogram ha, hb;
	struct fm_bin_union u;
	struct fm_compare c[3];
	struct fm_buf out = FM_BUF_INIT;
	double *ratio[3] = { NULL, NULL, NULL };
	enum q_format fmt = Q_TEXT;
	unsigned mask = 0;
	int yi[3], ny = 0, r;
	double t0 = cmd_now();

	fm_histogram_init(&ha);
	fm_histogram_init(&hb);
	fm_bin_union_init(&u);
	r = q_get_format(a, OPT_C_FORMAT, &fmt, &err);
	if (r == 0)
		r = q_get_ylist(a, OPT_C_Y, &mask, &err);
	if (r == 0)
		r = fm_histogram_read(&ha, a->pos[0], mask, &ctx->log, &err);
	if (r == 0)
		r = fm_histogram_read(&hb, a->pos[1], mask, &ctx->log, &err);
	if (r == 0)
		r = check_x(a, &ha, &hb, &err);
	for (int i = 0; r == 0 && i < 3; i++) {
		unsigned bit = FM_HCOL_BIT(q_ycols[i]);
		if (mask ? (mask & bit) != 0
			 : (ha.cols & bit) && (hb.cols & bit))
			yi[ny++] = i;
	}
	if (r == 0 && ny == 0)
		r = fm_error_set(&err, FM_EINVAL,
				 "%s and %s have no flows_sum, packets_sum or octets_sum "
				 "column in common", a->pos[0], a->pos[1]);
	if (r == 0)
		r = fm_bin_union_make(&u, &ha, a->pos[0], &hb, a->pos[1], &err);
	for (int k = 0; r == 0 && k < ny; k++) {
		if (a->v[OPT_OUTPUT].set && !(ratio[k] = malloc((u.n ? u.n : 1) *
								sizeof(double))))
			r = fm_error_set(&err, FM_ENOMEM, "out of memory");
		if (r == 0)
			r = fm_compare_column(&ha, a->pos[0], &hb, a->pos[1], &u,
					      q_ycols[yi[k]], &c[k], ratio[k], &err);
	}
	if (r == 0 && a->v[OPT_OUTPUT].set)
		r = write_ratios(a->v[OPT_OUTPUT].s, &u, yi, ny, ratio, &err);
	if (r == 0) {
		add_result(&out, fmt, yi, ny, c);
		fputs(fm_buf_str(&out), ctx->out);
		fflush(ctx->out);
		cmd_summary(ctx, "compare: %s and %s over %zu bins in %.3f s",
			    a->pos[0], a->pos[1], u.n, cmd_now() - t0);
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
	.usage = "[-x length|size] [-y Y]... [--format text|json|tex] [-O RATIO.csv] A B",
	.description =
		"For each y, over the union of the two histograms' bins (both must\n"
		"use the same bins): ks (largest difference of the cumulative\n"
		"shares), wasserstein_log10 (the Wasserstein-1 distance between the\n"
		"two distributions of log10(bin_lo)) and js_divergence (Jensen-\n"
		"Shannon, in bits).  -O writes the per-bin ratio of B's share to\n"
		"A's (inf where A has none, nan where neither has any).\n"
		"Definitions and sources: docs/commands/compare.md.",
	.opts = compare_opts,
	.min_pos = 2,
	.max_pos = 2,
	.exec = compare_exec,
};

/*
 * cmd-gof.c - `gof`: how well mixtures fit a histogram (issue 19): for
 * each y, fit's log-likelihood/AIC/BIC and ks, ad, chi2, tail errors
 * (library: gof.h), as text, JSON or a TeX table.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/gof.h"
#include "cmd-quality.h"

enum {
	OPT_G_X = OPT_COMMON_END,
	OPT_G_Y,
	OPT_G_FORMAT,
};

static const struct cmd_opt gof_opts[] = {
    {OPT_G_X, 'x', "x-value", CMD_OPT_STR, "X",
     "x of the histogram: length or size (default: detect from the "
     "first bin_lo, 1 or 64)",
     "length|size"},
    {OPT_G_Y, 'y', "y-value", CMD_OPT_LIST, "Y",
     "y to assess, repeatable: flows, packets, octets (default: every "
     "y the mixture has)",
     "flows|packets|octets"},
    {OPT_G_FORMAT, 0, "format", CMD_OPT_STR, "F",
     "output: text, json or tex (default: text)", "text|json|tex"},
    CMD_OPTS_COMMON,
    CMD_OPT_END};

struct gof_y {
	int have;
	char *path; /* the mixture file */
	struct fm_mixture m;
	struct fm_gof g;
};

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The y a mixture file is named for (flows.json: 0 ...), or -1. */
static int file_y(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t bl = strcspn(base, ".");

	for (int i = 0; i < 3; i++) {
		const char *yn = fm_hcol_name(q_ycols[i]);
		if (bl == strlen(yn) && strncmp(base, yn, bl) == 0)
			return i;
	}
	return -1;
}

/* The mixtures of MIX (a directory or one Y.json) for the y's wanted
 * (mask; 0 = every one there is). */
static int load_mixtures(const char *mix, unsigned mask, struct gof_y *ys,
			 struct fm_error *err)
{
	int dir = is_dir(mix), r = 0;

	for (int i = 0; i < 3 && r == 0; i++) {
		const char *yn = fm_hcol_name(q_ycols[i]);
		size_t n = strlen(mix) + strlen(yn) + 8;
		struct stat st;
		if (mask && !(mask & FM_HCOL_BIT(q_ycols[i])))
			continue;
		if (!dir) {
			int named = file_y(mix);
			if (named >= 0 ? named != i
				       : mask != FM_HCOL_BIT(q_ycols[i])) {
				if (mask && named >= 0)
					return fm_error_set(
					    err, FM_EINVAL,
					    "no mixture for y '%s': %s is the "
					    "%s "
					    "mixture",
					    yn, mix,
					    fm_hcol_name(q_ycols[named]));
				continue;
			}
			ys[i].path = strdup(mix);
		} else {
			ys[i].path = malloc(n);
			if (ys[i].path)
				snprintf(ys[i].path, n, "%s/%s.json", mix, yn);
		}
		if (!ys[i].path)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		if (stat(ys[i].path, &st) < 0) {
			if (mask)
				return fm_error_set(
				    err, FM_ENOTFOUND,
				    "%s: no mixture for y '%s' (%s: %s)", mix,
				    yn, ys[i].path, strerror(errno));
			continue;
		}
		r = fm_mixture_read(&ys[i].m, ys[i].path, err);
		ys[i].have = r == 0;
	}
	if (r == 0 && !ys[0].have && !ys[1].have && !ys[2].have)
		r = fm_error_set(
		    err, FM_EINVAL,
		    dir ? "%s: no flows.json, packets.json or octets.json there"
			: "%s: cannot tell which y this mixture is for: name "
			  "it "
			  "flows.json, packets.json or octets.json, or give "
			  "one -y",
		    mix);
	return r;
}

static void add_json(struct fm_buf *b, const struct fm_histogram *h,
		     const struct gof_y *ys)
{
	int first = 1;

	fm_buf_addch(b, '{');
	for (int i = 0; i < 3; i++) {
		const struct fm_gof *g = &ys[i].g;
		if (!ys[i].have)
			continue;
		fm_buf_printf(b, "%s\n  \"%s\": {\"n\": ", first ? "" : ",",
			      fm_hcol_name(q_ycols[i]));
		first = 0;
		q_add_total(b, h, q_ycols[i]);
		fm_buf_printf(b, ", \"k\": %d, \"log_likelihood\": ", g->k);
		q_json_num(b, g->loglik);
		fm_buf_addstr(b, ", \"aic\": ");
		q_json_num(b, g->aic);
		fm_buf_addstr(b, ", \"bic\": ");
		q_json_num(b, g->bic);
		fm_buf_addstr(b, ", \"ks\": ");
		q_json_num(b, g->ks);
		fm_buf_addstr(b, ", \"ad\": ");
		q_json_num(b, g->ad);
		fm_buf_addstr(b, ", \"chi2\": {\"stat\": ");
		q_json_num(b, g->chi2);
		fm_buf_printf(b, ", \"df\": %ld, \"p\": ", g->chi2_df);
		q_json_num(b, g->chi2_p);
		fm_buf_addstr(b, "}, \"tail\": {");
		for (int q = 0; q < FM_GOF_NTAIL; q++) {
			fm_buf_printf(b, "%s\"%s\": ", q ? ", " : "",
				      fm_gof_tail_key[q]);
			q_json_num(b, g->tail[q]);
		}
		fm_buf_addstr(b, "}}");
	}
	fm_buf_addstr(b, "\n}\n");
}

/* The rows of the text table: fit's figures, the statistics, then for
 * each tail quantile its x and the relative error. */
#define NFIXED 10
#define NTEXT (NFIXED + 2 * FM_GOF_NTAIL)
static const char *const text_names[NFIXED] = {
    "n",  "k",	"log_likelihood", "aic",     "bic",
    "ks", "ad", "chi2",		  "chi2_df", "chi2_p",
};

static void text_values(const struct fm_gof *g, double *v)
{
	v[0] = g->n;
	v[1] = g->k;
	v[2] = g->loglik;
	v[3] = g->aic;
	v[4] = g->bic;
	v[5] = g->ks;
	v[6] = g->ad;
	v[7] = g->chi2;
	v[8] = (double)g->chi2_df;
	v[9] = g->chi2_p;
	for (int q = 0; q < FM_GOF_NTAIL; q++) {
		v[NFIXED + 2 * q] = (double)g->tail_x[q];
		v[NFIXED + 2 * q + 1] = g->tail[q];
	}
}

static void add_text(struct fm_buf *b, const struct gof_y *ys)
{
	double v[3][NTEXT];
	char name[32];

	fm_buf_printf(b, "%-16s", "statistic");
	for (int i = 0; i < 3; i++) {
		if (!ys[i].have)
			continue;
		fm_buf_printf(b, " %16s", fm_hcol_name(q_ycols[i]));
		text_values(&ys[i].g, v[i]);
	}
	fm_buf_addch(b, '\n');
	for (int r = 0; r < NTEXT; r++) {
		if (r < NFIXED)
			snprintf(name, sizeof(name), "%s", text_names[r]);
		else
			snprintf(name, sizeof(name), "tail_%s%s",
				 fm_gof_tail_key[(r - NFIXED) / 2],
				 (r - NFIXED) % 2 ? "" : "_x");
		fm_buf_printf(b, "%-16s", name);
		for (int i = 0; i < 3; i++)
			if (ys[i].have)
				fm_buf_printf(b, " %16.9g", v[i][r]);
		fm_buf_addch(b, '\n');
	}
}

/* A number for TeX: %.6g with the exponent as \times 10^{e}. */
static void tex_num(struct fm_buf *b, double v)
{
	char s[64], *e;

	if (!isfinite(v)) {
		fm_buf_addstr(b, "--");
		return;
	}
	snprintf(s, sizeof(s), "%.6g", v);
	e = strchr(s, 'e');
	if (!e) {
		fm_buf_printf(b, "$%s$", s);
		return;
	}
	*e = '\0';
	fm_buf_printf(b, "$%s \\times 10^{%d}$", s, atoi(e + 1));
}

static void add_tex(struct fm_buf *b, const struct gof_y *ys)
{
	static const char *pnames[FM_DIST_COUNT][3] = {
	    {"loc", "scale"},	   {"loc", "scale"},	  {"s", "loc", "scale"},
	    {"c", "loc", "scale"}, {"a", "loc", "scale"}, {"c", "loc", "scale"},
	};
	for (int i = 0; i < 3; i++) {
		const struct fm_mixture *m = &ys[i].m;
		const struct fm_gof *g = &ys[i].g;
		double ws = fm_mixture_weight_sum(m);
		if (!ys[i].have)
			continue;
		fm_buf_printf(
		    b,
		    "%% flowmodels gof: %s\n\\begin{tabular}{llr}\n\\hline\n"
		    "\\multicolumn{3}{l}{%s} \\\\\n\\hline\n"
		    "component & parameters & weight \\\\\n\\hline\n",
		    fm_hcol_name(q_ycols[i]), fm_hcol_name(q_ycols[i]));
		for (size_t c = 0; c < m->n; c++) {
			const struct fm_component *co = &m->comp[c];
			fm_buf_printf(b, "%s & ", fm_dist_name(co->dist));
			for (int j = 0; j < fm_dist_nparams(co->dist); j++) {
				fm_buf_printf(b, "%s%s~", j ? ", " : "",
					      pnames[co->dist][j]);
				tex_num(b, co->p[j]);
			}
			fm_buf_addstr(b, " & ");
			tex_num(b, co->weight / ws);
			fm_buf_addstr(b, " \\\\\n");
		}
		fm_buf_addstr(b, "\\hline\n$n$ & & ");
		tex_num(b, g->n);
		fm_buf_printf(b, " \\\\\n$k$ & & $%d$ \\\\\n$\\log L$ & & ",
			      g->k);
		tex_num(b, g->loglik);
		fm_buf_addstr(b, " \\\\\nAIC & & ");
		tex_num(b, g->aic);
		fm_buf_addstr(b, " \\\\\nBIC & & ");
		tex_num(b, g->bic);
		fm_buf_addstr(b, " \\\\\nKS & & ");
		tex_num(b, g->ks);
		fm_buf_addstr(b, " \\\\\n$A^2$ & & ");
		tex_num(b, g->ad);
		fm_buf_printf(b, " \\\\\n$\\chi^2$ & df $%ld$, $p$ ",
			      g->chi2_df);
		tex_num(b, g->chi2_p);
		fm_buf_addstr(b, " & ");
		tex_num(b, g->chi2);
		fm_buf_addstr(b, " \\\\\n");
		for (int q = 0; q < FM_GOF_NTAIL; q++) {
			fm_buf_printf(b, "tail error & $q = %s$, $x = %lld$ & ",
				      fm_gof_tail_key[q],
				      (long long)g->tail_x[q]);
			tex_num(b, g->tail[q]);
			fm_buf_addstr(b, " \\\\\n");
		}
		fm_buf_addstr(b, "\\hline\n\\end{tabular}\n");
	}
}

static int gof_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_histogram h;
	struct gof_y ys[3];
	struct fm_buf out = FM_BUF_INIT;
	enum q_format fmt = Q_TEXT;
	enum fm_mix_x xk = FM_MIX_X_LENGTH;
	unsigned mask = 0, need = 0;
	double t0 = cmd_now();
	const char *hn = cmd_input_label(ctx, a, 0),
		   *mn = cmd_input_label(ctx, a, 1);
	int r;

	memset(ys, 0, sizeof(ys));
	for (int i = 0; i < 3; i++)
		fm_mixture_init(&ys[i].m);
	fm_histogram_init(&h);
	r = q_get_format(a, OPT_G_FORMAT, &fmt, &err);
	if (r == 0)
		r = q_get_ylist(a, OPT_G_Y, &mask, &err);
	if (r == 0)
		r = load_mixtures(a->pos[1], mask, ys, &err);
	for (int i = 0; i < 3; i++)
		if (ys[i].have)
			need |= FM_HCOL_BIT(q_ycols[i]);
	if (r == 0)
		r = fm_histogram_read(&h, a->pos[0], need, &ctx->log, &err);
	if (r == 0 && h.n == 0)
		r = fm_error_set(&err, FM_EINVAL,
				 "%s: the histogram has no bins", hn);
	if (r == 0)
		r = q_get_xkind(ctx, a, OPT_G_X, 0, &h, &xk, &err);
	for (int i = 0; r == 0 && i < 3; i++) {
		enum fm_mix_x mx;
		if (!ys[i].have)
			continue;
		mx = q_mixture_xkind(ys[i].path);
		if (mx != FM_MIX_X_OTHER && mx != xk)
			r = fm_error_set(
			    &err, FM_EINVAL,
			    "%s: a mixture of %s data (its .mode names the "
			    "histogram it was fitted to) against %s, %s data",
			    ys[i].path, q_xname(mx), hn, q_xname(xk));
		if (r == 0) {
			r = fm_gof_histogram(&ys[i].m, xk, &h, q_ycols[i],
					     &ys[i].g, &err);
			if (r < 0)
				fm_error_prefix(&err, "%s", ys[i].path);
		}
	}
	if (r == 0) {
		if (fmt == Q_JSON)
			add_json(&out, &h, ys);
		else if (fmt == Q_TEX)
			add_tex(&out, ys);
		else
			add_text(&out, ys);
		fputs(fm_buf_str(&out), ctx->out);
		fflush(ctx->out);
		cmd_summary(ctx,
			    "gof: %s against %s (%s data, %zu bins) in %.3f s",
			    mn, hn, q_xname(xk), h.n, cmd_now() - t0);
	}
	fm_buf_release(&out);
	for (int i = 0; i < 3; i++) {
		fm_mixture_release(&ys[i].m);
		free(ys[i].path);
	}
	fm_histogram_release(&h);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

const struct cmd_entry cmd_gof_entry = {
    .name = "gof",
    .alias = NULL,
    .summary = "goodness of fit of mixtures to a histogram",
    .usage =
	"[-x length|size] [-y Y]... [--format text|json|tex] HISTOGRAM MIXTURE",
    .description =
	"For each y (default: every y MIXTURE has; MIXTURE is a mixture\n"
	"directory or one Y.json), against the histogram's Y_sum column:\n"
	"n, k, log_likelihood, aic, bic (as fit computes them), ks (largest\n"
	"difference of the cumulative shares over the bin edges), ad (binned\n"
	"Anderson-Darling), chi2 (Pearson, cells merged to expected counts\n"
	">= 5; statistic, df, p) and tail (relative error of the model's\n"
	"complementary CDF at the data's 0.9 ... 0.9999 quantiles).  The\n"
	"model's probability of a bin is the probability that generate puts\n"
	"a value there.  Definitions and sources: docs/commands/gof.md.",
    .opts = gof_opts,
    .min_pos = 2,
    .max_pos = 2,
    .exec = gof_exec,
};

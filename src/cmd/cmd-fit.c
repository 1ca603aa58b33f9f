/*
 * cmd-fit.c - `fit`: EM fit of a mixture to one column of a csv_hist file,
 * written as DIR/Y.json plus DIR/Y.mode (SPEC 7).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/fileout.h"
#include "flowmodels/fit.h"
#include "flowmodels/summary.h"
#include "cmd.h"
#include "objtypes.h"
#include "cmd-quality.h"

enum {
	OPT_F_Y = OPT_COMMON_END,
	OPT_F_ITER,
	OPT_F_U,
	OPT_F_P,
	OPT_F_L,
	OPT_F_MPW,
	OPT_F_INITIAL,
	OPT_F_THREADS,
	OPT_F_INTERACTIVE,
	OPT_F_FROM,
};

static const struct cmd_opt fit_opts[] = {
    {OPT_F_Y, 'y', "y-value", CMD_OPT_STR, "Y",
     "column to fit: flows, packets or octets (default: flows)",
     "flows|packets|octets"},
    {OPT_F_ITER, 'i', "iterations", CMD_OPT_INT, "N",
     "number of EM iterations (default: 100)", NULL},
    {OPT_F_U, 'U', "uniform", CMD_OPT_INT, "N",
     "number of uniform components in the initial mixture", NULL},
    {OPT_F_P, 'P', "pareto", CMD_OPT_INT, "N",
     "number of Pareto (genpareto) components", NULL},
    {OPT_F_L, 'L', "lognorm", CMD_OPT_INT, "N", "number of lognorm components",
     NULL},
    {OPT_F_MPW, 0, "mpw", CMD_OPT_REAL, "W",
     "maximum weight of a Pareto component (default: no cap)", NULL},
    {OPT_F_INITIAL, 0, "initial", CMD_OPT_STR, "FILE",
     "start from this mixture JSON file instead of -U/-P/-L", "file"},
    {OPT_F_FROM, 0, "from", CMD_OPT_STR, "MIXTURE",
     "warm start: begin the EM at a previous fit's mixture (a Y.json "
     "file, a mixture directory's Y.json, or in a session a mixture set), "
     "instead of -U/-P/-L",
     "object"},
    {OPT_F_THREADS, 0, "threads", CMD_OPT_INT, "N",
     "threads for the E-step; the result is the same for every N "
     "(default: the number of CPUs)",
     NULL},
    {OPT_F_INTERACTIVE, 0, "interactive", CMD_OPT_FLAG, NULL,
     "open the workbench's fit view on HISTOGRAM with these settings "
     "(needs a terminal; its s writes Y.json and Y.mode as the batch fit "
     "does, Esc quits)",
     NULL},
    CMD_OPT_OUTPUT("output directory for Y.json and Y.mode (default: .)"),
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int get_count(const struct cmd_args *a, int id, const char *name,
		     unsigned *out, struct fm_error *err)
{
	*out = 0;
	if (!a->v[id].set)
		return 0;
	if (a->v[id].i < 0 || a->v[id].i > 10000)
		return fm_error_set(err, FM_EINVAL,
				    "-%s: expected a count 0..10000, got %lld",
				    name, (long long)a->v[id].i);
	*out = (unsigned)a->v[id].i;
	return 0;
}

const char *cmd_fit_xkind(const struct cmd_ctx *ctx, const struct cmd_args *a,
			  const struct fm_histogram *h)
{
	const char *x = cmd_input_xkind(ctx, a, 0);
	struct fm_error ignored = {0};
	int k = x ? 0 : fm_xkind_detect(h, &ignored);

	if (k > 0)
		x = fm_xkind_name((enum fm_xkind)k);
	return x;
}

int cmd_fit_mode_text(struct fm_buf *bp, const char *in_file, const char *x,
		      const char *y, unsigned iters, const char *initial,
		      unsigned U, unsigned P, unsigned L, double mpw,
		      struct fm_error *err)
{
	int r = fm_buf_addstr(bp, "{\"in_file\": "), first = 1;

	r |= fm_json_add_string(bp, in_file);
	if (x) { /* an addition to the reference's keys: what to pair with */
		r |= fm_buf_addstr(bp, ", \"x_value\": ");
		r |= fm_json_add_string(bp, x);
	}
	r |= fm_buf_addstr(bp, ", \"y_value\": ");
	r |= fm_json_add_string(bp, y);
	r |= fm_buf_printf(bp, ", \"max_iter\": %u, \"initial\": ", iters);
	if (initial) {
		r |= fm_json_add_string(bp, initial);
	} else {
		/* like the reference: only the non-zero counts, in U P L order
		 */
		const char *names[3] = {"U", "P", "L"};
		unsigned vals[3] = {U, P, L};
		r |= fm_buf_addch(bp, '{');
		for (int i = 0; i < 3; i++) {
			if (!vals[i])
				continue;
			r |=
			    fm_buf_printf(bp, "%s\"%s\": %u", first ? "" : ", ",
					  names[i], vals[i]);
			first = 0;
		}
		r |= fm_buf_addch(bp, '}');
	}
	r |= fm_buf_addstr(bp, ", \"max_pareto_w\": ");
	if (mpw != 0)
		r |= fm_json_add_double(bp, mpw);
	else
		r |= fm_buf_addstr(bp, "null");
	r |= fm_buf_addstr(bp, "}\n");
	if (r)
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	return r;
}

/* One start: -U/-P/-L counts (n of them), --initial or --from. */
static int check_start(const struct cmd_args *a, unsigned n,
		       struct fm_error *err)
{
	int given =
	    (n > 0) + !!a->v[OPT_F_INITIAL].set + !!a->v[OPT_F_FROM].set;

	if (given > 1)
		return fm_error_set(err, FM_EINVAL,
				    "give one start: -U/-P/-L counts, "
				    "--initial FILE or --from MIXTURE");
	if (given == 0)
		return fm_error_set(err, FM_EINVAL,
				    "no initial mixture: give -U/-P/-L counts, "
				    "--initial FILE or --from MIXTURE");
	return 0;
}

/*
 * The warm start of --from: a mixture JSON file, or a directory (what
 * fit -O DIR writes; a session's mixture set is exported as one) whose
 * Y.json, for the y fitted, is read.
 */
static int read_from(struct cmd_ctx *ctx, const struct cmd_args *a,
		     const char *y, struct fm_mixture *m, struct fm_error *err)
{
	const char *from = a->v[OPT_F_FROM].s;
	const char *label = cmd_option_label(ctx, a, OPT_F_FROM);
	struct fm_buf p = FM_BUF_INIT;
	struct stat st;
	int r;

	if (stat(from, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (fm_buf_printf(&p, "%s/%s.json", from, y))
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		if (stat(p.buf, &st) < 0) {
			fm_buf_release(&p);
			return fm_error_set(err, FM_ENOTFOUND,
					    "--from %s: no %s mixture there "
					    "(fit -y %s first, or give -y)",
					    label, y, y);
		}
		from = p.buf;
	}
	r = fm_mixture_read(m, from, err);
	if (r < 0 && strcmp(label, a->v[OPT_F_FROM].s))
		fm_error_prefix(err, "--from %s", label);
	fm_buf_release(&p);
	return r;
}

static int fit_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_histogram h;
	struct fm_mixture m;
	struct fm_fit_opts fo;
	const char *y = a->v[OPT_F_Y].set ? a->v[OPT_F_Y].s : "flows";
	const char *dir = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : ".";
	char *jpath = NULL, *mpath = NULL;
	struct fm_buf mode = FM_BUF_INIT;
	/* in a session the mixture joins a mixture set; files only with -O */
	int files = a->v[OPT_OUTPUT].set || !cmd_in_session(ctx);
	unsigned U = 0, P = 0, L = 0, iters = 100, threads;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int yc = fm_hcol_from_name(y), r = 0;
	double t0 = cmd_now();

	threads = ncpu > 1 ? (unsigned)(ncpu < 64 ? ncpu : 64) : 1;
	fm_histogram_init(&h);
	fm_mixture_init(&m);
	if (yc != FM_HCOL_FLOWS && yc != FM_HCOL_PACKETS &&
	    yc != FM_HCOL_OCTETS)
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "-y: expected flows, packets or octets, not '%s'", y);
	if (r == 0 && a->v[OPT_F_ITER].set) {
		if (a->v[OPT_F_ITER].i < 0 || a->v[OPT_F_ITER].i > 100000000)
			r = fm_error_set(
			    &err, FM_EINVAL,
			    "-i: expected 0..100000000 iterations, got %lld",
			    (long long)a->v[OPT_F_ITER].i);
		else
			iters = (unsigned)a->v[OPT_F_ITER].i;
	}
	if (r == 0)
		r = get_count(a, OPT_F_U, "U", &U, &err);
	if (r == 0)
		r = get_count(a, OPT_F_P, "P", &P, &err);
	if (r == 0)
		r = get_count(a, OPT_F_L, "L", &L, &err);
	if (r == 0 && a->v[OPT_F_THREADS].set) {
		if (a->v[OPT_F_THREADS].i < 1 || a->v[OPT_F_THREADS].i > 256)
			r = fm_error_set(&err, FM_EINVAL,
					 "--threads: expected 1..256");
		else
			threads = (unsigned)a->v[OPT_F_THREADS].i;
	}
	if (a->v[OPT_F_INTERACTIVE].set) /* main runs it before exec */
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "--interactive opens the fit view from a shell "
		    "('flowmodels fit --interactive HIST'); here "
		    "select the histogram and press f");
	if (r == 0 && a->v[OPT_F_MPW].set && !(a->v[OPT_F_MPW].d >= 0))
		r = fm_error_set(&err, FM_EINVAL,
				 "--mpw: expected a weight >= 0");
	if (r == 0)
		r = check_start(a, U + P + L, &err);
	if (r == 0)
		r = fm_histogram_read(&h, a->pos[0], FM_HCOL_BIT(yc), &ctx->log,
				      &err);
	if (r == 0 && h.n == 0)
		r = fm_error_set(&err, FM_EINVAL,
				 "%s: the histogram has no bins", a->pos[0]);
	if (r == 0) {
		if (a->v[OPT_F_INITIAL].set)
			r = fm_mixture_read(&m, a->v[OPT_F_INITIAL].s, &err);
		else if (a->v[OPT_F_FROM].set)
			r = read_from(ctx, a, y, &m, &err);
		else
			r = fm_fit_initial(&m, h.bin_lo[0], h.bin_lo[h.n - 1],
					   U, P, L, &err);
	}
	if (r == 0) {
		memset(&fo, 0, sizeof(fo));
		fo.max_iter = iters;
		fo.max_pareto_w = a->v[OPT_F_MPW].set ? a->v[OPT_F_MPW].d : 0;
		fo.log = &ctx->log;
		fo.progress = &ctx->progress;
		fo.threads = threads;
		r = fm_fit_histogram(&m, &h, (enum fm_hcol)yc, &fo, &err);
		if (r < 0 && r != FM_ECANCEL)
			fm_error_prefix(&err, "%s", a->pos[0]);
	}
	if (r == 0)
		r = cmd_fit_mode_text(
		    &mode, cmd_input_label(ctx, a, 0),
		    cmd_fit_xkind(ctx, a, &h), y, iters,
		    a->v[OPT_F_INITIAL].set
			? a->v[OPT_F_INITIAL].s
			: cmd_option_label(ctx, a, OPT_F_FROM),
		    U, P, L, a->v[OPT_F_MPW].set ? a->v[OPT_F_MPW].d : 0, &err);
	if (r == 0 && files)
		r = fm_mkdir_p(dir, &err);
	if (r == 0 && files) {
		size_t n = strlen(dir) + strlen(y) + 8;
		jpath = malloc(n);
		mpath = malloc(n);
		if (!jpath || !mpath) {
			r = fm_error_set(&err, FM_ENOMEM, "out of memory");
		} else {
			snprintf(jpath, n, "%s/%s.json", dir, y);
			snprintf(mpath, n, "%s/%s.mode", dir, y);
		}
	}
	if (r == 0 && files)
		r = fm_mixture_write(&m, jpath, &err);
	if (r == 0 && files)
		r = fm_file_write_atomic(mpath, fm_buf_str(&mode), mode.len,
					 &err);
	if (r == 0)
		cmd_summary(ctx,
			    "fit: %s: %zu components, %u iterations in %.3f s; "
			    "log-likelihood %.6f, AIC %.6f, BIC %.6f (k = %d, "
			    "N = %.0f)",
			    files ? jpath : y, m.n, iters, cmd_now() - t0,
			    m.stats.loglik, m.stats.aic, m.stats.bic, m.stats.k,
			    m.stats.n);
	if (r == 0 && cmd_in_session(ctx)) {
		struct cmd_mixset *set =
		    cmd_mixset_new(yc, &m, fm_buf_str(&mode));
		if (!set)
			r = fm_error_set(&err, FM_ENOMEM, "out of memory");
		else if ((r = cmd_result_object(ctx, &cmd_mixture_type, set,
						&err)) > 0)
			r = 0;
	}
	fm_buf_release(&mode);
	free(jpath);
	free(mpath);
	fm_mixture_release(&m);
	fm_histogram_release(&h);
	if (r < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_entry cmd_fit_entry = {
    .name = "fit",
    .alias = NULL,
    .summary = "fit a distribution mixture to a histogram (EM)",
    .usage = "[-y flows|packets|octets] [-i N] [-U N] [-P N] [-L N] [--mpw W] "
	     "[--initial FILE | --from MIXTURE] [--interactive] [-O DIR] "
	     "HISTOGRAM",
    .description =
	"Fits a mixture of uniform, Pareto (genpareto), lognorm (and, from an\n"
	"--initial file, norm, gamma, weibull_min) components to the Y column\n"
	"of a csv_hist file by the reference's EM algorithm: x = bin_lo, the\n"
	"weights = Y_sum.  The initial mixture has U uniforms [0, xmin + n],\n"
	"P Paretos and L lognorms on geometrically spaced points, or comes\n"
	"from --initial.  --from MIXTURE is a warm start from an earlier fit\n"
	"(its Y.json, or a directory holding it, or a session's mixture set):\n"
	"re-fitting a histogram that changed a little (a live one) from the\n"
	"previous mixture needs few iterations.  A histogram starting at 0 or\n"
	"below (duration, rate) is fitted as the same counts moved to start\n"
	"at 1, the mixture moved back: uniforms [xmin - 1, n + 1], locations\n"
	"xmin - 1.\n"
	"Writes DIR/Y.json (the mixture, with its sum and "
	"the\n"
	"quality figures log-likelihood, AIC and BIC) and DIR/Y.mode (the\n"
	"arguments), each complete or not at all.",
    .opts = fit_opts,
    .min_pos = 1,
    .max_pos = 1,
    .exec = fit_exec,
};

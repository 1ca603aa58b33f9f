/*
 * cmd-quality.h - what gof, compare and select share: the output format
 * option, the -y list, the x of a histogram and of a mixture file, and
 * numbers in JSON and text.
 */
#ifndef FLOWMODELS_CMD_QUALITY_H
#define FLOWMODELS_CMD_QUALITY_H

#include "flowmodels/buf.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "cmd.h"

enum q_format { Q_TEXT = 0, Q_JSON, Q_TEX };

/* The three columns a mixture can model, in their canonical order. */
extern const enum fm_hcol q_ycols[3];

/* --format text|json|tex (default text). */
int q_get_format(const struct cmd_args *a, int id, enum q_format *f,
		 struct fm_error *err);
/* The repeatable -y: an FM_HCOL_BIT mask of flows/packets/octets; 0 when
 * none was given. */
int q_get_ylist(const struct cmd_args *a, int id, unsigned *mask,
		struct fm_error *err);
/*
 * The x of histogram h, positional argument pos: -x length|size when
 * given, else the x a session histogram was made with, else detected
 * from the first bin_lo; a first bin_lo that contradicts -x is an error.
 */
int q_get_xkind(const struct cmd_ctx *ctx, const struct cmd_args *a, int id,
		size_t pos, const struct fm_histogram *h, enum fm_mix_x *xk,
		struct fm_error *err);
/*
 * The x a mixture file was fitted to, from the Y.mode beside it: its
 * "x_value", or for a mode without one (the reference's) its "in_file"
 * named length* or size*; FM_MIX_X_OTHER when that cannot be told.
 */
enum fm_mix_x q_mixture_xkind(const char *json_path);
/* "length" / "size". */
const char *q_xname(enum fm_mix_x xk);
/* A JSON number (null when not finite). */
void q_json_num(struct fm_buf *b, double v);
/* The exact total of column y of h as a decimal integer. */
void q_add_total(struct fm_buf *b, const struct fm_histogram *h,
		 enum fm_hcol y);

/*
 * The Y.mode line of a fit (cmd-fit.c): in_file as typed, the x (NULL:
 * unknown, left out), the y, the iterations, the --initial file (NULL:
 * the U/P/L counts, non-zero ones only) and the Pareto weight cap (0:
 * null).
 */
int cmd_fit_mode_text(struct fm_buf *bp, const char *in_file, const char *x,
		      const char *y, unsigned iters, const char *initial,
		      unsigned U, unsigned P, unsigned L, double mpw,
		      struct fm_error *err);
/* The x of the histogram fitted (positional 0, read into h): the one a
 * session histogram was made with, else length/size by its first bin,
 * else NULL. */
const char *cmd_fit_xkind(const struct cmd_ctx *ctx, const struct cmd_args *a,
			  const struct fm_histogram *h);

/*
 * For `info` of a mixture set made from a histogram object: a line per
 * y the set has, "  gof h1:   flows ks ..., ad ..., chi2 p ..., tail ...",
 * computed against that histogram (x: "length" / "size"; others skip).
 */
struct cmd_mixset;
void q_mixset_gof_info(const struct cmd_mixset *set,
		       const struct fm_histogram *h, const char *hname,
		       const char *xkind, struct fm_buf *out);

#endif

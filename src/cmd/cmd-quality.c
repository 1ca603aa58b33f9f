/*
 * cmd-quality.c - helpers shared by gof, compare and select (see
 * cmd-quality.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "flowmodels/summary.h"
#include "flowmodels/gof.h"
#include "cmd-quality.h"
#include "objtypes.h"

const enum fm_hcol q_ycols[3] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
				 FM_HCOL_OCTETS};

int q_get_format(const struct cmd_args *a, int id, enum q_format *f,
		 struct fm_error *err)
{
	const char *s = a->v[id].set ? a->v[id].s : "text";

	if (strcmp(s, "text") == 0)
		*f = Q_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = Q_JSON;
	else if (strcmp(s, "tex") == 0)
		*f = Q_TEX;
	else
		return fm_error_set(
		    err, FM_EINVAL,
		    "--format: expected text, json or tex, not '%s'", s);
	return 0;
}

int q_get_ylist(const struct cmd_args *a, int id, unsigned *mask,
		struct fm_error *err)
{
	*mask = 0;
	for (size_t i = 0; i < a->v[id].nlist; i++) {
		int c = fm_hcol_from_name(a->v[id].list[i]);
		if (c != FM_HCOL_FLOWS && c != FM_HCOL_PACKETS &&
		    c != FM_HCOL_OCTETS)
			return fm_error_set(
			    err, FM_EINVAL,
			    "-y: expected flows, packets or octets, not '%s'",
			    a->v[id].list[i]);
		*mask |= FM_HCOL_BIT(c);
	}
	return 0;
}

const char *q_xname(enum fm_mix_x xk)
{
	return xk == FM_MIX_X_SIZE ? "size" : "length";
}

int q_get_xkind(const struct cmd_ctx *ctx, const struct cmd_args *a, int id,
		size_t pos, const struct fm_histogram *h, enum fm_mix_x *xk,
		struct fm_error *err)
{
	const char *name = cmd_input_label(ctx, a, pos);
	const char *sx = cmd_input_xkind(ctx, a, pos);
	int det = h->n ? (h->bin_lo[0] == 1    ? FM_X_LENGTH
			  : h->bin_lo[0] == 64 ? FM_X_SIZE
					       : FM_X_AUTO)
		       : FM_X_AUTO;
	int want;

	if (sx && fm_xkind_from_name(sx) != FM_X_AUTO)
		det = fm_xkind_from_name(sx); /* a session histogram's own x */
	want = det;
	if (a->v[id].set) {
		want = fm_xkind_from_name(a->v[id].s);
		if (want != FM_X_LENGTH && want != FM_X_SIZE)
			return fm_error_set(
			    err, FM_EINVAL,
			    "-x: expected length or size, not '%s'",
			    a->v[id].s);
		if (want == FM_X_SIZE && h->n && h->bin_lo[0] < 64)
			return fm_error_set(
			    err, FM_EINVAL,
			    "%s: -x size, but the first bin_lo is %lld < 64",
			    name, (long long)h->bin_lo[0]);
	} else if (det == FM_X_AUTO) {
		int r = fm_xkind_detect(h, err);
		fm_error_prefix(err, "%s", name);
		return r < 0 ? r : FM_EINVAL;
	}
	*xk = fm_xkind_mix((enum fm_xkind)want);
	return 0;
}

enum fm_mix_x q_mixture_xkind(const char *json_path)
{
	size_t n = strlen(json_path);
	enum fm_mix_x xk = FM_MIX_X_OTHER;
	char *mode;
	json_t *root;
	const char *in, *base;

	if (n < 5 || strcmp(json_path + n - 5, ".json") != 0)
		return FM_MIX_X_OTHER;
	mode = malloc(n + 1);
	if (!mode)
		return FM_MIX_X_OTHER;
	memcpy(mode, json_path, n - 5);
	strcpy(mode + n - 5, ".mode");
	root = json_load_file(mode, 0, NULL);
	free(mode);
	in = root ? json_string_value(json_object_get(root, "x_value")) : NULL;
	if (in && (strcmp(in, "length") == 0 || strcmp(in, "size") == 0)) {
		xk = in[0] == 'l' ? FM_MIX_X_LENGTH : FM_MIX_X_SIZE;
		in = NULL;
	} else {
		/* a Y.mode of the reference: the histogram's name tells */
		in = root ? json_string_value(json_object_get(root, "in_file"))
			  : NULL;
	}
	if (in) {
		base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
		if (strncmp(base, "length", 6) == 0)
			xk = FM_MIX_X_LENGTH;
		else if (strncmp(base, "size", 4) == 0)
			xk = FM_MIX_X_SIZE;
	}
	json_decref(root);
	return xk;
}

void q_json_num(struct fm_buf *b, double v)
{
	if (isfinite(v))
		fm_json_add_double(b, v);
	else
		fm_buf_addstr(b, "null");
}

void q_add_total(struct fm_buf *b, const struct fm_histogram *h, enum fm_hcol y)
{
	uint64_t hi = 0, lo = 0;
	unsigned __int128 t;
	char d[48];
	int i = (int)sizeof(d) - 1;

	fm_histogram_total_u128(h, y, &hi, &lo, NULL);
	t = ((unsigned __int128)hi << 64) | lo;
	d[i] = '\0';
	do {
		d[--i] = (char)('0' + (int)(t % 10));
		t /= 10;
	} while (t);
	fm_buf_addstr(b, d + i);
}

void q_mixset_gof_info(const struct cmd_mixset *set,
		       const struct fm_histogram *h, const char *hname,
		       const char *xkind, struct fm_buf *out)
{
	enum fm_mix_x xk;

	if (xkind && strcmp(xkind, "size") == 0)
		xk = FM_MIX_X_SIZE;
	else if (!xkind || !*xkind || strcmp(xkind, "length") == 0)
		xk = h->n && h->bin_lo[0] == 64 ? FM_MIX_X_SIZE
						: FM_MIX_X_LENGTH;
	else
		return;
	for (int i = 0; i < 3; i++) {
		struct fm_gof g;
		if (!set->have[i] || !fm_histogram_has(h, q_ycols[i]) ||
		    fm_gof_histogram(&set->mix[i], xk, h, q_ycols[i], &g,
				     NULL) < 0)
			continue;
		fm_buf_printf(
		    out,
		    "  gof %s: %s: ks %.6g, ad %.6g, chi2 %.6g (df %ld, "
		    "p %.3g), BIC %.10g, tail 0.999 %+.3g, 0.9999 %+.3g\n",
		    hname, fm_hcol_name(q_ycols[i]), g.ks, g.ad, g.chi2,
		    g.chi2_df, g.chi2_p, g.bic, g.tail[2], g.tail[3]);
	}
}

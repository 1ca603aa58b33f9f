/*
 * chartscene.c - what is on the current chart (see chartscene.h): the
 * chart state of a session (view, axes, the objects shown) and the scene
 * built from it: which chartdata arrays make which series, with labels,
 * readout names and styles; data before models.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartscene.h"
#include "objtypes.h"

static int is_hist(const struct sess_obj *o)
{
	return o && o->kind == SESS_TYPED && o->type == &cmd_histogram_type;
}

static int is_mixture(const struct sess_obj *o)
{
	return o && o->kind == SESS_TYPED && o->type == &cmd_mixture_type;
}

/* Whether two objects have the same x (an unknown x pairs with any). */
static int same_x(const struct sess_obj *a, const struct sess_obj *b)
{
	return !a->xkind[0] || !b->xkind[0] || !strcmp(a->xkind, b->xkind);
}

/*
 * The partner of o drawn with it: for a histogram the newest mixture set
 * made from it (by identity: renames do not matter), else the newest one
 * of unknown origin and the same x; for a mixture set the histogram it
 * was made from (still drawn when replaced: it holds the bins of the
 * fit), else the newest histogram of the same x.  (Hold the lock.)
 */
static struct sess_obj *partner(const struct session *s, struct sess_obj *o)
{
	size_t n = sess_count(s);

	if (is_hist(o)) {
		for (size_t i = n; i-- > 0;)
			if (is_mixture(sess_at(s, i)) &&
			    sess_at(s, i)->origin == o)
				return sess_at(s, i);
		for (size_t i = n; i-- > 0;) {
			struct sess_obj *k = sess_at(s, i);
			if (is_mixture(k) && !k->origin && same_x(k, o))
				return k;
		}
	} else if (is_mixture(o)) {
		if (is_hist(o->origin))
			return o->origin;
		for (size_t i = n; i-- > 0;)
			if (is_hist(sess_at(s, i)) && same_x(sess_at(s, i), o))
				return sess_at(s, i);
	}
	return NULL;
}

void chart_state_get(struct session *s, const char *selected,
		     struct chart_state *st)
{
	size_t n;
	const struct sess_shown *sh = sess_show_get(s, &n);
	struct sess_obj *o = NULL, *p;

	memset(st, 0, sizeof(*st));
	sess_chart_locked(s, &st->view, &st->axes);
	if (n) {
		st->from_show = 1;
		for (size_t i = 0; i < n; i++) {
			st->obj[i].obj = sh[i].obj;
			st->obj[i].binned = sh[i].binned;
		}
		st->nobj = n;
		if (n > 1)
			return;
		o = sh[0].obj;
	} else if (selected && selected[0]) {
		o = sess_find(s, selected);
		if (!o)
			return;
		st->obj[0].obj = o;
		st->nobj = 1;
	}
	if (o && (p = partner(s, o)) != NULL) {
		st->obj[1].obj = p;
		st->nobj = 2;
	}
}

void chart_state_subject(const struct session *s, const struct chart_state *st,
			 char *out, size_t size)
{
	size_t len = 0;
	int first_mix = st->nobj && is_mixture(st->obj[0].obj), replaced = 0;

	out[0] = 0;
	/* the kind named first (the selected one) first */
	for (int pass = 0; pass < 2; pass++) {
		int want_mix = pass == 0 ? first_mix : !first_mix, any = 0;

		for (size_t i = 0; i < st->nobj && len < size; i++) {
			const struct sess_obj *o = st->obj[i].obj;
			if (is_mixture(o) != want_mix)
				continue;
			len += (size_t)snprintf(
			    out + len, size - len, "%s%s",
			    any	   ? ", "
			    : pass ? (first_mix ? " over " : " with ")
				   : "",
			    o->name);
			any = 1;
			if (!want_mix && !sess_holds(s, o))
				replaced = 1;
		}
	}
	if (replaced && first_mix && len < size)
		snprintf(out + len, size - len, " (since replaced)");
}

/* ---- the scene ---- */

const char *chart_scene_x_title(const char *xkind)
{
	if (!xkind)
		return "x";
	if (!strcmp(xkind, "length"))
		return "Flow length [pkts]";
	if (!strcmp(xkind, "size"))
		return "Flow size [B]";
	if (!strcmp(xkind, "duration"))
		return "Flow duration [ms]";
	if (!strcmp(xkind, "rate"))
		return "Flow rate [bps]";
	return "x";
}

/* The x kind for the mixture functions. */
static enum fm_mix_x mix_x(const char *xkind)
{
	if (xkind && !strcmp(xkind, "length"))
		return FM_MIX_X_LENGTH;
	if (xkind && !strcmp(xkind, "size"))
		return FM_MIX_X_SIZE;
	return FM_MIX_X_OTHER;
}

void chart_scene_release(struct chart_scene *sc)
{
	for (size_t i = 0; i < sc->nlayers; i++)
		fm_chartdata_release(&sc->layer[i].cd);
	sc->nlayers = 0;
	sc->nseries = 0;
}

/* The line of flows, packets and octets: solid, dashed, dotted, so that
 * they differ without colours too (NO_COLOR, the mono theme). */
static const enum chart_scene_style col_style[3] = {SCENE_LINE, SCENE_DASHED,
						    SCENE_DOTTED};
/* The mixtures of an overlay, one style each. */
static const enum chart_scene_style mix_style[4] = {
    SCENE_LINE, SCENE_DASHED, SCENE_DOTTED, SCENE_DASHDOT};
static const char *const col_label[3] = {"flows", "packets", "octets"};

/* What the series of a view are made from. */
struct scene_ctx {
	struct chart_scene *sc;
	size_t hist[SESS_SHOW_MAX], nhist; /* layers of histograms */
	size_t mix[SESS_SHOW_MAX], nmix;   /* layers of mixtures */
};

/* Add a series (when there is room); its readout name from fmt. */
static struct chart_scene_series *add(struct chart_scene *sc, size_t layer,
				      int col, enum chart_scene_kind kind,
				      enum chart_scene_style style,
				      const char *label, const double *x,
				      const double *y, size_t n)
{
	struct chart_scene_series *s;

	if (sc->nseries >= CHART_SCENE_MAX_SERIES)
		return NULL;
	s = &sc->series[sc->nseries++];
	memset(s, 0, sizeof(*s));
	s->label = label;
	s->layer = layer;
	s->col = col;
	s->kind = kind;
	s->style = style;
	s->x = x;
	s->y = y;
	s->n = n;
	return s;
}

/* Give series s (NULL: not added) its readout name. */
static void set_name(struct chart_scene_series *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_name(struct chart_scene_series *s, const char *fmt, ...)
{
	char tmp[sizeof(s->name)];
	va_list ap;

	if (!s)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(s->name, tmp, sizeof(tmp));
}

static int has_model(const struct fm_chart_col *c)
{
	return c->mix && c->mix->n;
}

/* The smallest and largest positive finite y of series [from, to), as
 * whole decades (the text chart's automatic log range). */
static int data_decades(const struct chart_scene *sc, size_t from, size_t to,
			double *lo, double *hi)
{
	double a = INFINITY, b = -INFINITY;

	for (size_t k = from; k < to; k++)
		for (size_t i = 0; i < sc->series[k].n; i++) {
			double v = sc->series[k].y[i];
			if (!isfinite(v) || v <= 0)
				continue;
			a = v < a ? v : a;
			b = v > b ? v : b;
		}
	if (a > b)
		return -1;
	a = floor(log10(a) + 1e-9);
	b = ceil(log10(b) - 1e-9);
	if (b <= a)
		b = a + 1;
	*lo = pow(10, a);
	*hi = pow(10, b);
	return 0;
}

/* Views 1-3, the PDF of column c: data first (normalised points, the
 * line from the CDF), then the components (one mixture) and mixtures. */
static void view_pdf(struct scene_ctx *x, int c)
{
	struct chart_scene *sc = x->sc;
	int one = x->nhist == 1;

	for (size_t j = 0; j < x->nhist; j++) {
		struct chart_scene_layer *L = &sc->layer[x->hist[j]];
		const struct fm_chartdata *cd = &L->cd;

		set_name(add(sc, x->hist[j], c, SCENE_POINTS, SCENE_DOTS,
			     one ? col_label[c] : L->name, cd->bx,
			     cd->col[c].pts, cd->nbins),
			 "%s", one ? col_label[c] : L->name);
		set_name(add(sc, x->hist[j], c, SCENE_DATA, SCENE_LINE,
			     one ? "data (from CDF)" : NULL, cd->x,
			     cd->col[c].pdf, cd->n),
			 "%s%s", one ? "" : L->name,
			 one ? "data (from CDF)" : " (from CDF)");
	}
	sc->y.scale = SCENE_LOG;
	sc->y.title = "PDF (share per unit of x)";
	size_t ndata = sc->nseries;
	for (size_t j = 0; j < x->nmix; j++) {
		struct chart_scene_layer *M = &sc->layer[x->mix[j]];
		const struct fm_chartdata *cd = &M->cd;
		const struct fm_chart_col *k = &cd->col[c];

		if (!has_model(k))
			continue;
		/* components first (dashed, one mixture only), the mixture
		 * over them */
		for (size_t i = 0; i < k->ncomp && x->nmix == 1; i++)
			set_name(add(sc, x->mix[j], c, SCENE_COMP, SCENE_DASHED,
				     i ? NULL : "components", cd->x,
				     k->comp_pdf + i * cd->n, cd->n),
				 "%s c%zu %s", M->name, i + 1,
				 fm_dist_name(k->mix->comp[i].dist));
		set_name(add(sc, x->mix[j], c, SCENE_MODEL, mix_style[j % 4],
			     M->label, cd->x, k->mix_pdf, cd->n),
			 "%s", M->label);
	}
	/* with a model: keep the axis on the data (model tails far below
	 * it would squash the points) */
	if (sc->nseries > ndata &&
	    data_decades(sc, 0, ndata, &sc->y.min, &sc->y.max) == 0)
		sc->y.min /= 100;
}

static const char *const avg_label[3] = {NULL, "packets per flow",
					 "octets per flow"};

/*
 * The mixtures' curves of the CDF view (avg = 0: each y's cdf) or of the
 * averages view (avg = 1: packets and octets per flow, which need the
 * flows model too); the legend names each set once.
 */
static void add_models(struct scene_ctx *x, int avg)
{
	struct chart_scene *sc = x->sc;

	for (size_t j = 0; j < x->nmix; j++) {
		struct chart_scene_layer *M = &sc->layer[x->mix[j]];
		const struct fm_chartdata *cd = &M->cd;
		int labelled = 0;

		for (int k = avg; k < 3; k++) {
			const struct fm_chart_col *c = &cd->col[k];

			if (!has_model(c) || (avg && !has_model(&cd->col[0])))
				continue;
			set_name(
			    add(sc, x->mix[j], k, SCENE_MODEL,
				x->nmix == 1 ? SCENE_LINE : mix_style[j % 4],
				labelled ? NULL : M->label, cd->x,
				avg ? c->mix_avg : c->mix_cdf, cd->n),
			    "%s %s", M->name,
			    avg ? avg_label[k] : col_label[k]);
			labelled = 1;
		}
	}
}

/* View 4: the CDFs of the three ys and of the mixtures. */
static void view_cdf(struct scene_ctx *x)
{
	struct chart_scene *sc = x->sc;
	int one = x->nhist == 1;

	for (size_t j = 0; j < x->nhist; j++) {
		struct chart_scene_layer *L = &sc->layer[x->hist[j]];
		const struct fm_chartdata *cd = &L->cd;

		for (int k = 0; k < 3; k++)
			set_name(add(sc, x->hist[j], k, SCENE_DATA,
				     col_style[k],
				     one ? col_label[k]
				     : k ? NULL
					 : L->name,
				     cd->x, cd->col[k].cdf, cd->n),
				 "%s%s%s", one ? "" : L->name, one ? "" : " ",
				 col_label[k]);
	}
	add_models(x, 0);
	sc->y.min = 0;
	sc->y.max = 1;
	sc->y.title = "CDF";
}

/* View 5: packets and octets per flow. */
static void view_avg(struct scene_ctx *x)
{
	struct chart_scene *sc = x->sc;
	int one = x->nhist == 1;

	for (size_t j = 0; j < x->nhist; j++) {
		struct chart_scene_layer *L = &sc->layer[x->hist[j]];
		const struct fm_chartdata *cd = &L->cd;

		for (int k = 1; k < 3; k++) {
			set_name(add(sc, x->hist[j], k, SCENE_POINTS,
				     SCENE_DOTS,
				     one      ? avg_label[k]
				     : k == 1 ? L->name
					      : NULL,
				     cd->bx, cd->col[k].avg_pts, cd->nbins),
				 "%s%s%s", one ? "" : L->name, one ? "" : " ",
				 avg_label[k]);
			add(sc, x->hist[j], k, SCENE_DATA, col_style[k], NULL,
			    cd->x, cd->col[k].avg_line, cd->n);
		}
	}
	add_models(x, 1);
	sc->y.scale = SCENE_LOG;
	sc->y.title = "average per flow";
}

/* View 6: packet size: points, the line, the first histogram's min/avg/
 * max guides, the models. */
static void view_pkt_size(struct scene_ctx *x)
{
	struct chart_scene *sc = x->sc;
	int one = x->nhist == 1;
	static const char *const guide[3] = {"min", "avg", "max"};

	for (size_t j = 0; j < x->nhist; j++) {
		struct chart_scene_layer *L = &sc->layer[x->hist[j]];
		const struct fm_chartdata *cd = &L->cd;

		set_name(add(sc, x->hist[j], 2, SCENE_POINTS, SCENE_DOTS,
			     one ? "octets per packet" : L->name, cd->bx,
			     cd->ps_pts, cd->nbins),
			 "%s%s", one ? "octets per packet" : L->name,
			 one ? "" : " octets per packet");
		add(sc, x->hist[j], 2, SCENE_DATA, SCENE_LINE, NULL, cd->x,
		    cd->ps_line, cd->n);
	}
	if (x->nhist) {
		const struct chart_scene_layer *L = &sc->layer[x->hist[0]];
		const struct fm_chartdata *cd = &L->cd;
		const double g[3] = {cd->ps_min, cd->ps_avg, cd->ps_max};

		sc->gx[0] = cd->x[0];
		sc->gx[1] = cd->x[cd->n ? cd->n - 1 : 0];
		for (int k = 0; k < 3; k++) {
			sc->gy[k][0] = sc->gy[k][1] = g[k];
			set_name(add(sc, x->hist[0], -1, SCENE_GUIDE,
				     SCENE_DASHED, k ? NULL : "min / avg / max",
				     sc->gx, sc->gy[k], 2),
				 "%s%s%s", one ? "" : L->name, one ? "" : " ",
				 guide[k]);
		}
	}
	for (size_t j = 0; j < x->nmix; j++) {
		struct chart_scene_layer *M = &sc->layer[x->mix[j]];
		const struct fm_chartdata *cd = &M->cd;

		if (cd->ps_mix && has_model(&cd->col[1]) &&
		    has_model(&cd->col[2]))
			set_name(
			    add(sc, x->mix[j], -1, SCENE_MODEL,
				x->nmix == 1 ? SCENE_LINE : mix_style[j % 4],
				M->label, cd->x, cd->ps_mix, cd->n),
			    "%s", M->label);
	}
	sc->y.title = "packet size [B]";
	sc->yunit = "B";
}

/* The axis settings over the view's own axis. */
static void apply_axis(const struct sess_axis *a, struct chart_scene_axis *ax)
{
	ax->own_scale = ax->scale;
	if (a->scale == SESS_SCALE_LIN)
		ax->scale = SCENE_LIN;
	else if (a->scale == SESS_SCALE_LOG)
		ax->scale = SCENE_LOG;
	if (a->min < a->max) {
		ax->min = a->min;
		ax->max = a->max;
	}
}

/* A histogram layer before layer i with the data of h (and its grid),
 * or NULL. */
static const struct chart_scene_layer *
base_layer(const struct chart_scene *sc, size_t i, const struct fm_histogram *h)
{
	for (size_t j = 0; j < i; j++)
		if (!sc->layer[j].mixture && sc->layer[j].h == h &&
		    sc->layer[j].cd.nbins)
			return &sc->layer[j];
	return NULL;
}

/* Build the chart data of every layer (a mixture over a histogram
 * already built: its models alone, on that grid); 0, FM_ENOMEM, or 1
 * with a note. */
static int build_layers(struct chart_scene *sc,
			const struct chart_scene_obj *objs, size_t n)
{
	for (size_t i = 0; i < n && i < SESS_SHOW_MAX; i++) {
		struct chart_scene_layer *L = &sc->layer[i];
		const struct chart_scene_obj *o = &objs[i];
		const struct chart_scene_layer *base;
		struct fm_error err = {0};
		int anymix = 0, r;

		snprintf(L->name, sizeof(L->name), "%s",
			 o->name ? o->name : "");
		L->h = o->h;
		fm_mixture_dir_init(&L->md);
		for (int k = 0; k < 3; k++) {
			struct fm_mixture *d = k == 0	? &L->md.flows
					       : k == 1 ? &L->md.packets
							: &L->md.octets;
			if (o->mix[k] && o->mix[k]->n) {
				*d = *o->mix[k];
				anymix = 1;
			}
		}
		L->mixture = anymix || o->mix[0] || o->mix[1] || o->mix[2];
		snprintf(L->label, sizeof(L->label), "%s%s",
			 L->mixture ? "mixture " : "", o->name ? o->name : "");
		base = base_layer(sc, i, o->h);
		if (L->mixture && anymix && base)
			r = fm_chartdata_build_model(&L->cd, &base->cd, &L->md,
						     &err);
		else
			r = fm_chartdata_build(
			    &L->cd, o->h, anymix ? &L->md : NULL,
			    mix_x(o->xkind), FM_CHART_NPOINTS, 1, &err);
		if (r == FM_ENOMEM)
			return r;
		sc->nlayers = i + 1;
		if (r < 0) {
			sc->nlayers = i; /* cd is left released */
			if (i == 0)
				snprintf(sc->notebuf, sizeof(sc->notebuf),
					 "no chart: %.150s", err.msg);
			else
				snprintf(sc->notebuf, sizeof(sc->notebuf),
					 "no chart of %.60s: %.110s",
					 o->name ? o->name : "", err.msg);
			sc->note = sc->notebuf;
			return 1;
		}
	}
	return 0;
}

int chart_scene_make(struct chart_scene *sc, int view,
		     const struct sess_view_axes *axes,
		     const struct chart_scene_obj *objs, size_t n)
{
	struct scene_ctx x = {sc, {0}, 0, {0}, 0};
	int r;

	memset(sc, 0, sizeof(*sc));
	sc->view = view;
	sc->yunit = "";
	snprintf(sc->xtitle, sizeof(sc->xtitle), "%s",
		 chart_scene_x_title(n ? objs[0].xkind : NULL));
	sc->x.scale = SCENE_LOG;
	sc->x.title = sc->xtitle;
	if (view == 6) {
		sc->note =
		    "no time series: view 7 shows objects made by 'series'";
		return 0;
	}
	if (n == 0) {
		sc->note = "no chart: nothing to show";
		return 0;
	}
	r = build_layers(sc, objs, n);
	if (r != 0) {
		if (r < 0)
			chart_scene_release(sc);
		return r < 0 ? r : 0;
	}
	for (size_t i = 0; i < sc->nlayers; i++) {
		if (sc->layer[i].mixture)
			x.mix[x.nmix++] = i;
		else
			x.hist[x.nhist++] = i;
	}
	if (sc->layer[0].cd.symlog) /* a bin 0 (duration, rate) */
		sc->x.scale = SCENE_SYMLOG;
	if (view <= 2)
		view_pdf(&x, view);
	else if (view == 3)
		view_cdf(&x);
	else if (view == 4)
		view_avg(&x);
	else
		view_pkt_size(&x);
	if (axes) {
		apply_axis(&axes->x, &sc->x);
		apply_axis(&axes->y, &sc->y);
	} else {
		sc->x.own_scale = sc->x.scale;
		sc->y.own_scale = sc->y.scale;
	}
	return 0;
}

/* The mixtures of a set object. */
static void set_mixtures(const struct sess_obj *o, struct chart_scene_obj *c)
{
	const struct cmd_mixset *set = o->data;

	for (int k = 0; k < 3; k++)
		c->mix[k] = set->have[k] ? &set->mix[k] : NULL;
}

int chart_scene_build(struct chart_scene *sc, const struct chart_state *st)
{
	struct chart_scene_obj objs[SESS_SHOW_MAX];
	const struct sess_obj *first = NULL; /* the first histogram */
	const struct fm_histogram *first_h = NULL;
	size_t n = 0;

	memset(objs, 0, sizeof(objs));
	for (size_t i = 0; i < st->nobj; i++) {
		const struct sess_obj *o = st->obj[i].obj;
		if (is_hist(o) && !first) {
			first = o;
			first_h = o->data;
		}
	}
	for (size_t i = 0; i < st->nobj; i++) {
		const struct sess_obj *o = st->obj[i].obj;
		struct chart_scene_obj *c = &objs[n];

		c->name = o->name;
		c->xkind = o->xkind[0] ? o->xkind : NULL;
		if (is_hist(o)) {
			c->h = o->data;
		} else if (st->obj[i].binned) {
			c->h = st->obj[i].binned;
			c->xkind =
			    first && first->xkind[0] ? first->xkind : NULL;
		} else if (is_mixture(o)) {
			set_mixtures(o, c);
			c->h = first_h;
			if (first && first->xkind[0])
				c->xkind = first->xkind;
		}
		if (!c->h)
			continue;
		n++;
	}
	if (!first_h) {
		int mix = 0;
		for (size_t i = 0; i < st->nobj; i++)
			mix |= is_mixture(st->obj[i].obj);
		memset(sc, 0, sizeof(*sc));
		sc->note =
		    mix ? "no histogram of this x to draw the mixture over "
			  "(show HISTOGRAM MIXTURE draws them together)"
			: "no chart for this kind of object (charts show "
			  "histograms, mixtures and time series)";
		sc->x.title = sc->y.title = "";
		sc->yunit = "";
		return 0;
	}
	return chart_scene_make(sc, st->view, &st->axes, objs, n);
}

/*
 * session-chart.c - the chart state of a session: which view the
 * workbench shows (`view NAME`, keys 1-7) and, per view, the scale and
 * range of each axis (`set xscale log`, `set xrange 100:1e6`, keys x y
 * + - 0 ...).  It lives in the session, not in the workbench, so that
 * the commands that change it are recorded like any other: `save` writes
 * them, a replay (in the workbench or `flowmodels --replay`) restores the
 * same view, scales, ranges and shown objects (`show A B ...`).  A
 * replay starts in pdf-flows with none shown.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session-int.h"

static const char *const view_names[SESS_VIEWS] = {
    "pdf-flows", "pdf-packets", "pdf-octets", "cdf",
    "avg",	 "pkt-size",	"series"};

int sess_view_from_name(const char *name)
{
	for (int v = 0; name && v < SESS_VIEWS; v++)
		if (!strcmp(name, view_names[v]))
			return v;
	return -1;
}

const char *sess_view_name(int view)
{
	return view >= 0 && view < SESS_VIEWS ? view_names[view] : NULL;
}

int sess_view(struct session *s)
{
	int v;

	sess_lock(s);
	v = s->view;
	sess_unlock(s);
	return v;
}

void sess_set_view(struct session *s, int view)
{
	if (view < 0 || view >= SESS_VIEWS)
		return;
	sess_lock(s);
	s->view = view;
	sess_unlock(s);
}

struct sess_view_axes sess_view_axes(struct session *s, int view)
{
	struct sess_view_axes a = {{0, 0, 0}, {0, 0, 0}};

	if (view < 0 || view >= SESS_VIEWS)
		return a;
	sess_lock(s);
	a = s->axes[view];
	sess_unlock(s);
	return a;
}

void sess_chart_locked(const struct session *s, int *view,
		       struct sess_view_axes *axes)
{
	*view = s->view;
	*axes = s->axes[s->view];
}

/* A finite number filling the whole of [s, e). */
static int parse_num(const char *s, const char *e, double *out)
{
	char buf[64], *end;
	size_t n = (size_t)(e - s);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	*out = strtod(buf, &end);
	return *end || errno || !isfinite(*out) ? -1 : 0;
}

int sess_chart_set(struct session *s, const char *name, const char *value,
		   struct fm_error *err)
{
	int xy = name[0] == 'x' ? 0 : name[0] == 'y' ? 1 : -1;
	struct sess_axis a;

	if (xy < 0 || (strcmp(name + 1, "scale") && strcmp(name + 1, "range")))
		return 0;
	sess_lock(s);
	a = xy ? s->axes[s->view].y : s->axes[s->view].x;
	sess_unlock(s);
	if (!strcmp(name + 1, "scale")) {
		if (!strcmp(value, "lin") || !strcmp(value, "linear"))
			a.scale = SESS_SCALE_LIN;
		else if (!strcmp(value, "log"))
			a.scale = SESS_SCALE_LOG;
		else if (!strcmp(value, "auto"))
			a.scale = SESS_SCALE_AUTO;
		else {
			fm_error_set(err, FM_EINVAL,
				     "%s: bad value '%s' (choices: "
				     "lin|log|auto)",
				     name, value);
			return -1;
		}
	} else if (!strcmp(value, "auto")) {
		a.min = a.max = 0;
	} else {
		const char *colon = strchr(value, ':');
		double lo, hi;

		if (!colon || parse_num(value, colon, &lo) < 0 ||
		    parse_num(colon + 1, colon + strlen(colon), &hi) < 0 ||
		    !(lo < hi)) {
			fm_error_set(err, FM_EINVAL,
				     "%s: bad value '%s' (LO:HI with LO < HI, "
				     "e.g. 100:1e6, or auto)",
				     name, value);
			return -1;
		}
		a.min = lo;
		a.max = hi;
	}
	sess_lock(s);
	if (xy)
		s->axes[s->view].y = a;
	else
		s->axes[s->view].x = a;
	sess_unlock(s);
	return 1;
}

const char *sess_chart_setting(struct session *s, const char *name, char *buf,
			       size_t size)
{
	int xy = name[0] == 'x' ? 0 : name[0] == 'y' ? 1 : -1;
	struct sess_view_axes v;
	const struct sess_axis *a;

	if (xy < 0 || (strcmp(name + 1, "scale") && strcmp(name + 1, "range")))
		return NULL;
	v = sess_view_axes(s, sess_view(s));
	a = xy ? &v.y : &v.x;
	if (!strcmp(name + 1, "scale"))
		snprintf(buf, size, "%s",
			 a->scale == SESS_SCALE_LIN   ? "lin"
			 : a->scale == SESS_SCALE_LOG ? "log"
						      : "auto");
	else if (a->min < a->max)
		snprintf(buf, size, "%.10g:%.10g", a->min, a->max);
	else
		snprintf(buf, size, "auto");
	return buf;
}

/* Drop the shown set (hold the lock). */
static void show_clear(struct session *s)
{
	for (size_t i = 0; i < s->nshown; i++) {
		obj_unref(s->shown[i].obj);
		if (s->shown[i].binned) {
			fm_histogram_release(s->shown[i].binned);
			free(s->shown[i].binned);
		}
	}
	s->nshown = 0;
}

void sess_show_set(struct session *s, struct sess_obj *const *objs,
		   struct fm_histogram **binned, size_t n)
{
	sess_lock(s);
	show_clear(s);
	for (size_t i = 0; i < n && i < SESS_SHOW_MAX; i++) {
		objs[i]->refs++;
		s->shown[i].obj = objs[i];
		s->shown[i].binned = binned ? binned[i] : NULL;
		s->nshown++;
	}
	sess_unlock(s);
}

const struct sess_shown *sess_show_get(const struct session *s, size_t *n)
{
	*n = s->nshown;
	return s->shown;
}

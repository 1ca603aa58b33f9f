/*
 * session-chartout.c - `export chart` on the session's side.  The chart
 * model and its renderers belong to the frontend (src/tui), above this
 * layer, so the frontend registers an exporter (the workbench and
 * `flowmodels --replay` register the same one, src/tui/chart-export.c)
 * and the command hands it the request: the file, its size and the
 * chart state (chartscene.h) whose chart it writes.
 */
#include <stdio.h>
#include <string.h>

#include "objtypes.h"
#include "session-int.h"

void sess_set_chart_exporter(struct session *s, sess_chart_export_fn fn,
			     void *arg)
{
	sess_lock(s);
	s->chart_export = fn;
	s->chart_export_arg = arg;
	sess_unlock(s);
}

int sess_chart_export(struct session *s, struct sess_chart_req *req,
		      struct fm_error *err)
{
	sess_chart_export_fn fn;
	void *arg;

	sess_lock(s);
	fn = s->chart_export;
	arg = s->chart_export_arg;
	sess_unlock(s);
	if (!fn)
		return fm_error_set(err, FM_EINVAL,
				    "chart: no chart here (it works in "
				    "the workbench and in a replay)");
	return fn(arg, s, req, err);
}

static int chartable(const struct sess_obj *o)
{
	return o && o->kind == SESS_TYPED &&
	       (o->type == &cmd_histogram_type ||
		o->type == &cmd_mixture_type || o->type == &cmd_series_type);
}

void sess_chart_newest(const struct session *s, char *name, size_t size)
{
	const struct sess_obj *best = NULL;

	for (size_t i = 0; i < s->nobjs; i++)
		if (chartable(s->objs[i]) &&
		    (!best || s->objs[i]->changed >= best->changed))
			best = s->objs[i];
	snprintf(name, size, "%s", best ? best->name : "");
}

int sess_replaying(void)
{
	return replay_depth > 0;
}

/*
 * refit.c - the one-key re-fit (r): a mixture set fitted to a histogram
 * of the session is fitted again to the histogram's bins as they are now
 * (a live histogram's, which change as files arrive), starting from the
 * set's own mixture (`fit --from`, a warm start), as the job
 *
 *     fit H -y Y -i N [--mpw W] --from M as M
 *
 * which replaces the set's Y mixture and is recorded, so a replay does
 * the same.  N and W are those of the set's last fit (its Y.mode).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd/objtypes.h"
#include "cmd/session.h"
#include "refit.h"
#include "workbench.h"

static const char *const y_names[3] = {"flows", "packets", "octets"};

/* The number after "key": in a Y.mode text; def when absent. */
static double mode_number(const char *mode, const char *key, double def)
{
	const char *p = mode ? strstr(mode, key) : NULL;
	char *end;
	double v;

	if (!p)
		return def;
	v = strtod(p + strlen(key), &end);
	return end == p + strlen(key) ? def : v;
}

struct sess_obj *tui_refit_set(struct session *s, const char *name)
{
	struct sess_obj *o = sess_find(s, name);

	if (o && o->kind == SESS_TYPED && o->type == &cmd_histogram_type) {
		/* a histogram: the newest set fitted to it */
		for (size_t i = sess_count(s); i-- > 0;) {
			struct sess_obj *k = sess_at(s, i);
			if (k->kind == SESS_TYPED &&
			    k->type == &cmd_mixture_type && k->origin == o)
				return k;
		}
		return NULL;
	}
	if (o && o->kind == SESS_TYPED && o->type == &cmd_mixture_type &&
	    o->origin && sess_holds(s, o->origin) &&
	    o->origin->type == &cmd_histogram_type)
		return o;
	return NULL;
}

/* The line re-fitting set m for column y (lock held); 0 or -1. */
static int refit_line(const struct sess_obj *m, int y, char *line, size_t size)
{
	const struct cmd_mixset *set = m->data;
	double iters, mpw;
	int n;

	if (y < 0 || y > 2 || !set->have[y])
		for (y = 0; y < 3 && !set->have[y]; y++)
			;
	if (y > 2)
		return -1;
	iters = mode_number(set->mode[y], "\"max_iter\": ", 100);
	mpw = mode_number(set->mode[y], "\"max_pareto_w\": ", 0);
	if (!(iters >= 1 && iters <= 100000000))
		iters = 100;
	n = snprintf(line, size, "fit %s -y %s -i %.0f", m->origin->name,
		     y_names[y], iters);
	if (mpw > 0)
		n += snprintf(line + n, size - (size_t)n, " --mpw %.17g", mpw);
	snprintf(line + n, size - (size_t)n, " --from %s as %s", m->name,
		 m->name);
	return 0;
}

int tui_refit(struct tui *t, const char *name, int y)
{
	char line[512];
	struct sess_obj *m;
	int r = -1;

	sess_lock(t->sess);
	m = tui_refit_set(t->sess, name);
	if (m)
		r = refit_line(m, y, line, sizeof(line));
	sess_unlock(t->sess);
	if (r < 0) {
		tui_log(t, ROLE_MSG_WARN,
			"r re-fits a mixture set fitted to a histogram of "
			"the session (or the newest set of a histogram); "
			"'%s' is neither (fit it first: f, then s)",
			name);
		return -1;
	}
	tui_command(t, line);
	return 0;
}

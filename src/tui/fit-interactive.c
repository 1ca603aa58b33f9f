/*
 * fit-interactive.c - `flowmodels fit --interactive HIST`, the reference's
 * Tk fit window as the workbench's fit view: the fit command's options
 * (-y, -i, -U, -L, -P, --mpw) are parsed by the fit command's own table
 * and become the view's settings; s writes Y.json and Y.mode into the
 * working directory (or -O DIR) by the batch fit on HIST, so the files
 * are those `flowmodels fit` without --interactive writes; Esc in the
 * view quits with status 0.  Bad options, an unreadable histogram or no
 * terminal: one line on stderr and status 2 before the screen opens.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/histogram.h"
#include "cmd/cmd.h"
#include "tui.h"
#include "workbench.h"

/* The value of fit's option --name in a, or NULL when not given. */
static const struct cmd_value *opt(const struct cmd_entry *e,
				   const struct cmd_args *a, const char *name)
{
	const struct cmd_opt *o = cmd_opt_long(e, name, strlen(name));

	return o && a->v[o->id].set ? &a->v[o->id] : NULL;
}

/* A count option (0..50, what the fit view's keys reach). */
static int count(const struct cmd_entry *e, const struct cmd_args *a,
		 const char *name, char letter, unsigned *out)
{
	const struct cmd_value *v = opt(e, a, name);

	if (!v)
		return 0;
	if (v->i < 0 || v->i > 50) {
		fprintf(stderr,
			"flowmodels fit: -%c: expected 0..50 components for "
			"the fit view, got %lld\n",
			letter, (long long)v->i);
		return -1;
	}
	*out = (unsigned)v->i;
	return 1;
}

/* The object name for path: its file name without the extension, as a
 * name (letters, digits, _), "hist" when nothing is left. */
static void object_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t k = 0;

	base = base ? base + 1 : path;
	for (; *base && *base != '.' && k + 1 < size; base++)
		name[k++] = isalnum((unsigned char)*base) ? *base : '_';
	name[k] = 0;
	if (!k || isdigit((unsigned char)name[0]))
		snprintf(name, size, "hist");
}

/* The settings from the command line; 0, or the exit status. */
static int settings(const struct cmd_entry *e, const struct cmd_args *a,
		    struct tui_fit_start *fs)
{
	const struct cmd_value *v;
	int ru, rl, rp;

	fs->path = a->pos[0];
	fs->dir = (v = opt(e, a, "output")) ? v->s : ".";
	object_name(fs->path, fs->name, sizeof(fs->name));
	fs->y = 0;
	if ((v = opt(e, a, "y-value"))) {
		int k = fm_hcol_from_name(v->s);
		if (k != FM_HCOL_FLOWS && k != FM_HCOL_PACKETS &&
		    k != FM_HCOL_OCTETS) {
			fprintf(stderr,
				"flowmodels fit: -y: expected flows, packets "
				"or octets, not '%s'\n",
				v->s);
			return 2;
		}
		fs->y = k == FM_HCOL_FLOWS ? 0 : k == FM_HCOL_PACKETS ? 1 : 2;
	}
	fs->iter = 100;
	if ((v = opt(e, a, "iterations"))) {
		if (v->i < 1 || v->i > 100000000) {
			fprintf(stderr, "flowmodels fit: -i: expected "
					"1..100000000 iterations\n");
			return 2;
		}
		fs->iter = (unsigned)v->i;
	}
	ru = count(e, a, "uniform", 'U', &fs->U);
	rl = count(e, a, "lognorm", 'L', &fs->L);
	rp = count(e, a, "pareto", 'P', &fs->P);
	if (ru < 0 || rl < 0 || rp < 0)
		return 2;
	if (!ru && !rl && !rp) { /* none given: the fit view's own start */
		fs->U = 2;
		fs->L = 3;
	}
	fs->mpw = (v = opt(e, a, "mpw")) ? v->d : 0;
	if (!(fs->mpw >= 0)) {
		fprintf(stderr,
			"flowmodels fit: --mpw: expected a weight >= 0\n");
		return 2;
	}
	if (opt(e, a, "initial") || opt(e, a, "from")) {
		fprintf(stderr,
			"flowmodels fit: --interactive starts from -U/-L/-P "
			"counts (set in the fit view), not from --%s\n",
			opt(e, a, "initial") ? "initial" : "from");
		return 2;
	}
	return 0;
}

int tui_fit_main(int argc, char **argv)
{
	struct fm_error err = {0};
	const struct cmd_entry *e = cmd_find("fit", &err);
	struct cmd_args a;
	struct tui_fit_start fs;
	struct fm_histogram h;
	int r;

	memset(&fs, 0, sizeof(fs));
	if (!e || cmd_parse(e, argc, argv, &a, &err) < 0) {
		fprintf(stderr, "flowmodels fit: %s\n", err.msg);
		return 2;
	}
	if ((r = settings(e, &a, &fs)) != 0) {
		cmd_args_release(&a);
		return r;
	}
	/* the histogram must be readable before the screen opens */
	fm_histogram_init(&h);
	r = fm_histogram_read(&h, fs.path, FM_HCOL_BIT(FM_HCOL_FLOWS), NULL,
			      &err);
	if (r == 0 && h.n == 0)
		r = fm_error_set(&err, FM_EINVAL,
				 "%s: the histogram has no bins", fs.path);
	fm_histogram_release(&h);
	if (r < 0) {
		fprintf(stderr, "flowmodels fit: %s\n", err.msg);
		cmd_args_release(&a);
		return 2;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "flowmodels fit: --interactive needs a "
				"terminal for the fit view (without "
				"--interactive fit runs in batch)\n");
		cmd_args_release(&a);
		return 2;
	}
	r = tui_run(0, NULL, &fs);
	cmd_args_release(&a);
	return r;
}

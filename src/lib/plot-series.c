/*
 * plot-series.c - series-plot (plot.h fm_plot_series): the rate per
 * second over a day from csv_series files, as a rolling mean.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowmodels/fileops.h"
#include "flowmodels/fileout.h"
#include "flowmodels/plot.h"
#include "plot-int.h"

/* ---- series-plot ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fm_plot_series(const char *dir, const struct fm_plot_opts *o,
		   unsigned window, const char *outdir,
		   const struct fm_log *log, struct fm_error *err)
{
	static const char *const kinds[3] = {"flows", "packets", "octets"};
	char **names = NULL;
	size_t nn = 0, cap = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	struct plot_run p;
	int r = 0, figs = 0, opened = 0;

	if (!d)
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL && r == 0) {
		const char *dot = strrchr(e->d_name, '.');
		int ok = 0;
		if (!dot || dot == e->d_name)
			continue;
		for (int k = 0; k < 3; k++)
			if (strcmp(dot + 1, kinds[k]) == 0)
				ok = 1;
		if (!ok)
			continue;
		if (nn == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nv = realloc(names, nc * sizeof(*nv));
			if (!nv) {
				r = fm_error_set(err, FM_ENOMEM,
						 "out of memory");
				break;
			}
			names = nv;
			cap = nc;
		}
		if (!(names[nn] = strdup(e->d_name)))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else
			nn++;
	}
	closedir(d);
	if (r == 0 && nn == 0)
		r = fm_error_set(err, FM_ENOTFOUND,
				 "%s: no csv_series files (DAY.flows, "
				 "DAY.packets, DAY.octets)",
				 dir);
	if (r == 0 && nn > MAXFIG)
		r = fm_error_set(err, FM_EINVAL,
				 "%s: %zu series files, at most %d per call",
				 dir, nn, MAXFIG);
	if (r == 0) {
		qsort(names, nn, sizeof(*names), cmp_str);
		r = gp_open_run(&p, o, outdir, err);
		opened = r == 0;
	}
	for (size_t i = 0; i < nn && r == 0; i++) {
		char *path = NULL, *stem = strdup(names[i]);
		const char *kind = strrchr(names[i], '.') + 1;
		int bits = strcmp(kind, "octets") == 0;
		double *v = NULL, *m = NULL;
		size_t n = 0;
		char name[300], ttl[300], dat[320];

		if (!stem || asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			free(stem);
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			break;
		}
		*strrchr(stem, '.') = 0;
		r = fm_chart_series_read(path, &v, &n, err);
		if (r == 0 && !(m = malloc(n * sizeof(*m))))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		if (r == 0) {
			char *end;
			long long day = strtoll(stem, &end, 10);
			time_t t = (time_t)(day * 86400);
			struct tm tm;

			if (bits)
				for (size_t j = 0; j < n; j++)
					v[j] *= 8;
			fm_chart_rolling_mean(v, n, window, m);
			snprintf(name, sizeof(name), "%s.%s", stem,
				 bits ? "bits" : kind);
			snprintf(dat, sizeof(dat), "%s.dat", name);
			if (*stem && !*end && gmtime_r(&t, &tm))
				snprintf(ttl, sizeof(ttl),
					 "%04d-%02d-%02d (day %s)",
					 tm.tm_year + 1900, tm.tm_mon + 1,
					 tm.tm_mday, stem);
			else
				snprintf(ttl, sizeof(ttl), "day %s", stem);
			gp_preamble(&p, name, 1,
				    "rate per second over the day");
			gp_data_block(
			    &p, "rate",
			    "second of the day, rolling mean of the rate");
			for (size_t j = 0; j < n; j++) {
				gp_data_printf(&p, "%zu", j);
				gp_data_column(&p, m[j]);
				gp_data_printf(&p, "\n");
			}
			gp_script_printf(
			    &p, "set xrange [0:24]\nset xtics 0,2,24\nset "
				"mxtics 2\nset yrange [0:*]\n");
			gp_script_printf(&p,
					 "set format y '%%.1s%%c'\nset xlabel "
					 "'Time of day [h] (UTC)'\n");
			gp_script_printf(
			    &p, "set ylabel '%s rate [%s/s]'\nset title ",
			    bits			 ? "Bit"
			    : strcmp(kind, "flows") == 0 ? "Flow"
							 : "Packet",
			    bits ? "bits" : kind);
			gp_script_title_text(&p, o->title ? o->title : ttl);
			gp_script_printf(
			    &p, " noenhanced\nset key top left\nplot ");
			gp_script_quoted(&p, dat);
			gp_script_printf(&p,
					 " index 'rate' using ($1/3600.0):2 "
					 "with lines lw 0.5 ");
			gp_color(&p, RGB_MODEL, 1);
			gp_script_printf(
			    &p, " title '%u-second rolling mean'\n", window);
			r = gp_emit(&p, name, err);
			figs++;
		}
		free(v);
		free(m);
		free(path);
		free(stem);
	}
	if (r == 0 && opened)
		r = gp_run_gnuplot(&p, log, err);
	if (r == 0 && opened)
		r = gp_commit(&p, NULL, err);
	if (opened)
		gp_close_run(&p);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return r < 0 ? r : figs;
}

/*
 * bench-plot.c - speed of the plot export and of the chart data.
 *     bench-plot [HIST MIXDIR [RUNS]]
 * Defaults: the reference histograms/all/length.csv and mixtures/all/length
 * under $FM_SHARED_DATA (or ../shared/data).  Prints, per run of the seven
 * figures (PNG, as `flowmodels plot` writes them): wall time, CPU time of
 * this process and of the gnuplot children, and peak RSS; then the time
 * to build the chart data alone (what a workbench view recomputes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/chartdata.h"
#include "flowmodels/plot.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char **argv)
{
	const char *data = getenv("FM_SHARED_DATA");
	char hp[1024], mp[1024], dir[] = "/tmp/bench-plot.XXXXXX";
	struct fm_histogram h;
	struct fm_mixture_dir md;
	struct fm_error err = {0};
	struct fm_plot_opts o;
	int runs = argc > 3 ? atoi(argv[3]) : 3;

	if (!data)
		data = "../shared/data";
	if (argc > 2) {
		snprintf(hp, sizeof(hp), "%s", argv[1]);
		snprintf(mp, sizeof(mp), "%s", argv[2]);
	} else {
		snprintf(
		    hp, sizeof(hp),
		    "%s/agh_2015061019_IPv4_anon/histograms/all/length.csv",
		    data);
		snprintf(mp, sizeof(mp),
			 "%s/agh_2015061019_IPv4_anon/mixtures/all/length",
			 data);
	}
	fm_histogram_init(&h);
	fm_mixture_dir_init(&md);
	if (fm_histogram_read(&h, hp, FM_HCOL_BASIC, NULL, &err) < 0 ||
	    fm_mixture_dir_read(&md, mp, &err) < 0) {
		fprintf(stderr, "bench-plot: %s\n", err.msg);
		return 1;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	fm_plot_opts_init(&o);
	for (int i = 0; i < runs; i++) {
		double t0 = now(), c0 = cpu(RUSAGE_SELF),
		       k0 = cpu(RUSAGE_CHILDREN);
		unsigned nf = 0;
		struct rusage ru;

		if (fm_plot_histogram(&h, &md, FM_MIX_X_LENGTH, &o, dir, NULL,
				      &nf, &err) < 0) {
			fprintf(stderr, "bench-plot: %s\n", err.msg);
			return 1;
		}
		getrusage(RUSAGE_SELF, &ru);
		printf("plot 7 figures (%zu bins, png): %.3f s wall, cpu %.3f "
		       "s self + %.3f s gnuplot, "
		       "%u files, peak RSS %.1f MiB\n",
		       h.n, now() - t0, cpu(RUSAGE_SELF) - c0,
		       cpu(RUSAGE_CHILDREN) - k0, nf,
		       (double)ru.ru_maxrss / 1024.0);
	}
	{
		struct fm_chartdata cd;
		double t0 = now();
		int n = 200;

		for (int i = 0; i < n; i++) {
			if (fm_chartdata_build(&cd, &h, &md, FM_MIX_X_LENGTH,
					       FM_CHART_NPOINTS, 1, &err) < 0) {
				fprintf(stderr, "bench-plot: %s\n", err.msg);
				return 1;
			}
			fm_chartdata_release(&cd);
		}
		printf("chart data (all views, 3 mixtures of %zu components): "
		       "%.3f ms per build\n",
		       md.flows.n, (now() - t0) / n * 1e3);
	}
	snprintf(mp, sizeof(mp), "rm -rf '%s'",
		 dir); /* mkdtemp name: no quotes */
	if (system(mp) != 0)
		return 1;
	return 0;
}

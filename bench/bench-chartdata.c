/*
 * bench-chartdata.c - time of fm_chartdata_build at the workbench's
 * worst case (issue 11: a 12 000-bin histogram with 10-component
 * mixtures for flows, packets and octets): what a chart view computes
 * before it renders (views.c rebuilds it per frame).  Prints ms per
 * build and peak RSS.
 */
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "flowmodels/chartdata.h"

#define NBINS 12060
#define NCOMP 10

int main(void)
{
	static const enum fm_hcol cols[] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					    FM_HCOL_OCTETS};
	struct fm_histogram h;
	struct fm_mixture_dir md;
	struct fm_mixture *ms[3];
	struct fm_chartdata cd;
	struct fm_error err = {0};
	struct timespec a, b;
	struct rusage ru;
	const int reps = 50;
	double ms_per;

	fm_histogram_init(&h);
	if (fm_histogram_setup(&h, cols, 3, &err) < 0)
		return 1;
	for (int i = 0; i < NBINS; i++) {
		int64_t lo = i < 1024
				 ? i + 1
				 : (int64_t)(1024 * pow(1.0006, i - 1024)) + i;
		if (fm_histogram_add_bin(&h, lo, lo + 1, &err) < 0)
			return 1;
		h.flows[i] = (uint64_t)(1e6 / (i + 1)) + 1;
		h.packets[i] = h.flows[i] * (uint64_t)lo;
		h.octets[i] = h.packets[i] * 700;
	}
	fm_mixture_dir_init(&md);
	ms[0] = &md.flows;
	ms[1] = &md.packets;
	ms[2] = &md.octets;
	for (int c = 0; c < 3; c++)
		for (int k = 0; k < NCOMP; k++) {
			double p[3] = {0.5 + 0.1 * k, 0, exp(0.8 * k)};
			double u[2] = {0, k + 1};
			int r =
			    k < 2 ? fm_mixture_add(ms[c], 0.1, FM_DIST_UNIFORM,
						   u, NULL, &err)
				  : fm_mixture_add(ms[c], 0.1, FM_DIST_LOGNORM,
						   p, NULL, &err);
			if (r < 0)
				return 1;
		}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int r = 0; r < reps; r++) {
		if (fm_chartdata_build(&cd, &h, &md, FM_MIX_X_LENGTH,
				       FM_CHART_NPOINTS, 1, &err) < 0) {
			fprintf(stderr, "bench-chartdata: %s\n", err.msg);
			return 1;
		}
		fm_chartdata_release(&cd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms_per = ((double)(b.tv_sec - a.tv_sec) * 1e3 +
		  (double)(b.tv_nsec - a.tv_nsec) / 1e6) /
		 reps;
	getrusage(RUSAGE_SELF, &ru);
	printf("chart data: %.2f ms per build (%d bins, 3 x %d-component "
	       "mixtures, "
	       "%d grid points), peak RSS %ld KiB\n",
	       ms_per, NBINS, NCOMP, FM_CHART_NPOINTS, ru.ru_maxrss);
	fm_mixture_dir_release(&md);
	fm_histogram_release(&h);
	return 0;
}

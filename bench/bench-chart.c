/*
 * bench-chart.c - time of one chart render at the workbench's worst case
 * (issue 11: a 12 000-bin histogram with a 10-component mixture, target
 * under 10 ms): 12 060 data points plus 11 curves of 12 060 points on a
 * 200x50-cell braille canvas.  Prints ms per render and peak RSS.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "chart.h"
#include "roles.h"

#define N 12060
#define CURVES 11

int main(void)
{
	static double x[N], y[N], m[CURVES][N];
	struct chart_series s[CURVES + 1];
	struct chart c = {{1, 0, 0, "Flow length [pkts]"},
			  {1, 0, 0, "PDF"},
			  s,
			  CURVES + 1,
			  1,
			  0,
			  0};
	struct chart_canvas cv;
	struct timespec a, b;
	struct rusage ru;
	const int reps = 50;
	double ms;

	for (int i = 0; i < N; i++) {
		x[i] = pow(10, i * 7.0 / N);
		y[i] = pow(x[i], -1.5) * (1 + 0.1 * sin(i));
		for (int k = 0; k < CURVES; k++)
			m[k][i] = pow(x[i], -1.2 - 0.05 * k) / (k + 1);
	}
	s[0] = (struct chart_series){
	    "data", ROLE_CHART_FLOWS, CHART_POINTS, x, y, N, 0, NULL};
	for (int k = 0; k < CURVES; k++)
		s[k + 1] = (struct chart_series){k ? NULL : "model",
						 k ? ROLE_CHART_COMP
						   : ROLE_CHART_MODEL,
						 k ? CHART_DASHED : CHART_LINE,
						 x,
						 m[k],
						 N,
						 0,
						 NULL};
	if (chart_canvas_init(&cv, 200, 50) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int r = 0; r < reps; r++)
		chart_render(&c, CHART_BRAILLE, &cv);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = ((double)(b.tv_sec - a.tv_sec) * 1e3 +
	      (double)(b.tv_nsec - a.tv_nsec) / 1e6) /
	     reps;
	getrusage(RUSAGE_SELF, &ru);
	printf("chart render: %.2f ms per frame (%d points + %d curves of %d, "
	       "200x50 braille), peak RSS %ld KiB\n",
	       ms, N, CURVES, N, ru.ru_maxrss);
	chart_canvas_release(&cv);
	return 0;
}

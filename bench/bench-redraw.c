/*
 * bench-redraw.c - one full redraw of the workbench's chart panel with an
 * overlay (issue 20: `show` of 4 histograms of 12 060 bins and 4 mixture
 * sets, target under 10 ms): the chart scene built from the objects
 * (chartdata of every layer: src/cmd/chartscene.c), mapped to the text
 * chart (views.c) and rendered into a 200x50-cell canvas (chart.c), as
 * draw.c does on every redraw; the curses copy of the canvas is left out
 * (no terminal).  Times the PDF of flows (points + lines of 4 histograms,
 * 4 mixtures) and the CDF view: best and median wall-clock time and
 * the median CPU time of the thread (less disturbed by a busy machine).
 *
 * Inputs: DIR/histograms/all/length.csv (12 060 bins) and
 * DIR/mixtures/all/length (10 components per y) of the shared data
 * (argument 1, else $FM_SHARED_DATA/agh_2015061019_IPv4_anon, else
 * ../shared/data/...); the other three histograms are it with its flows,
 * packets and octets scaled per bin by 1 + 0.3 sin(k i) (other curves,
 * the same bins), the other three mixtures it with its weights reversed,
 * squared or flattened.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "chart.h"
#include "views.h"

#define NOBJ 8
#define REPS 30

static double clock_ms(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Histogram k: the data with every column scaled per bin. */
static int variant(struct fm_histogram *dst, const struct fm_histogram *src,
		   int k)
{
	if (fm_histogram_copy(dst, src, NULL) < 0)
		return -1;
	for (size_t i = 0; i < dst->n && k; i++) {
		double f = 1 + 0.3 * sin((double)k * (double)i);
		dst->flows[i] = (uint64_t)((double)dst->flows[i] * f) + 1;
		dst->packets[i] = (uint64_t)((double)dst->packets[i] * f) + 1;
		dst->octets[i] = (uint64_t)((double)dst->octets[i] * f) + 64;
	}
	return 0;
}

/* Mixture set k: the weights reversed (1), squared (2), flattened (3). */
static int mix_variant(struct fm_mixture dst[3],
		       const struct fm_mixture_dir *src, int k)
{
	const struct fm_mixture *s[3] = {&src->flows, &src->packets,
					 &src->octets};

	for (int c = 0; c < 3; c++) {
		fm_mixture_init(&dst[c]);
		if (fm_mixture_copy(&dst[c], s[c], NULL) < 0)
			return -1;
		for (size_t j = 0; j < dst[c].n && k; j++) {
			double w = s[c]->comp[j].weight;
			dst[c].comp[j].weight =
			    k == 1   ? s[c]->comp[dst[c].n - 1 - j].weight
			    : k == 2 ? w * w
				     : 1.0 / (double)dst[c].n;
		}
	}
	return 0;
}

/* Wall-clock best and median, CPU-time median of REPS redraws of view. */
static void time_view(int view, const struct chart_scene_obj *objs, size_t n,
		      struct chart_canvas *cv, double out[3])
{
	double t[REPS], c[REPS];

	for (int r = 0; r < REPS; r++) {
		struct tui_view v;
		double a = clock_ms(CLOCK_MONOTONIC);
		double ca = clock_ms(CLOCK_THREAD_CPUTIME_ID);

		if (tui_view_objs(&v, view, objs, n) < 0 || v.note) {
			fprintf(stderr, "bench-redraw: no chart: %s\n",
				v.note ? v.note : "out of memory");
			exit(1);
		}
		chart_render(&v.chart, CHART_BRAILLE, cv);
		tui_view_release(&v);
		t[r] = clock_ms(CLOCK_MONOTONIC) - a;
		c[r] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - ca;
	}
	qsort(t, REPS, sizeof(t[0]), cmp);
	qsort(c, REPS, sizeof(c[0]), cmp);
	out[0] = t[0];
	out[1] = t[REPS / 2];
	out[2] = c[REPS / 2];
}

int main(int argc, char **argv)
{
	static struct fm_histogram base, h[4];
	static struct fm_mixture m[4][3];
	struct fm_mixture_dir md;
	struct chart_scene_obj objs[NOBJ];
	struct fm_error err = {0};
	struct chart_canvas cv;
	struct rusage ru;
	char dir[1024], path[1100];
	const char *env = getenv("FM_SHARED_DATA");
	double ms[3];

	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else
		snprintf(dir, sizeof(dir), "%s/agh_2015061019_IPv4_anon",
			 env ? env : "../shared/data");
	snprintf(path, sizeof(path), "%s/histograms/all/length.csv", dir);
	fm_histogram_init(&base);
	if (fm_histogram_read(&base, path, FM_HCOL_BASIC, NULL, &err) < 0) {
		fprintf(stderr, "bench-redraw: %s (argument: the data set)\n",
			err.msg);
		return 77;
	}
	snprintf(path, sizeof(path), "%s/mixtures/all/length", dir);
	fm_mixture_dir_init(&md);
	if (fm_mixture_dir_read(&md, path, &err) < 0) {
		fprintf(stderr, "bench-redraw: %s\n", err.msg);
		return 77;
	}
	for (int k = 0; k < 4; k++) {
		static const char *const hn[4] = {"h1", "h2", "h3", "h4"};
		static const char *const mn[4] = {"m1", "m2", "m3", "m4"};

		fm_histogram_init(&h[k]);
		if (variant(&h[k], &base, k) < 0 ||
		    mix_variant(m[k], &md, k) < 0)
			return 1;
		objs[k] = (struct chart_scene_obj){
		    hn[k], "length", &h[k], {NULL, NULL, NULL}};
		objs[4 + k] = (struct chart_scene_obj){
		    mn[k], "length", &h[0], {&m[k][0], &m[k][1], &m[k][2]}};
	}
	if (chart_canvas_init(&cv, 200, 50) < 0)
		return 1;
	time_view(0, objs, NOBJ, &cv, ms);
	printf("chart redraw, PDF flows of 4 histograms of %zu bins + 4 "
	       "mixtures (%zu components), 200x50 braille: %.2f ms best, "
	       "%.2f ms median (wall), %.2f ms median CPU, of %d\n",
	       base.n, md.flows.n, ms[0], ms[1], ms[2], REPS);
	time_view(3, objs, NOBJ, &cv, ms);
	printf("chart redraw, CDF view of the same: %.2f ms best, %.2f ms "
	       "median (wall), %.2f ms median CPU, of %d\n",
	       ms[0], ms[1], ms[2], REPS);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %ld KiB\n", ru.ru_maxrss);
	chart_canvas_release(&cv);
	for (int k = 0; k < 4; k++) {
		fm_histogram_release(&h[k]);
		for (int c = 0; c < 3; c++)
			fm_mixture_release(&m[k][c]);
	}
	fm_histogram_release(&base);
	fm_mixture_dir_release(&md);
	return 0;
}

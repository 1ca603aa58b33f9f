/*
 * test-overlay.c - charts of several objects (`show A B ...`, issue 20
 * item 1): the scene of two histograms and a mixture set (chartscene.c)
 * as the workbench draws it (views.c): every series is chartdata's
 * array, every object has its own colour role and point glyph, the
 * legend and the cursor readout name them, and the text canvas in the
 * three charsets (golden, below).
 *
 * The goldens: two three-bin histograms of length over bins [1,2) [2,4)
 * [4,8): h1 with flows 2 1 1 (PDF points 1/2, 1/8, 1/16), h2 with flows
 * 1 1 2 (1/4, 1/8, 1/8), and a mixture set m1 whose flows are uniform on
 * 1..3 (weight 0.3) plus a lognormal; the PDF of flows on a 40x10 canvas.
 * h1 is drawn in the charset's own dots (role 1), h2 with the glyph of
 * marker 1 (○ or o, role 2); the mixture line in role 3 and its
 * components in c; a glyph stays over the lines drawn after it.
 * Produced by the renderer and checked by eye: h1's first point at 1/2
 * (top row), h2's glyphs at 1/4 (x = 1) and 1/8 (x = 2, 4), the lines
 * and the mixture between them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "roles.h"
#include "views.h"
#include "chart-check.h"

static void mixture(struct fm_mixture m[3])
{
	double lnp[3] = {0.8, 0, 2.0}, unp[2] = {1, 3};

	for (int k = 0; k < 3; k++) {
		fm_mixture_init(&m[k]);
		assert_int_equal(fm_mixture_add(&m[k], 0.3, FM_DIST_UNIFORM,
						unp, NULL, NULL),
				 0);
		assert_int_equal(fm_mixture_add(&m[k], 0.7, FM_DIST_LOGNORM,
						lnp, NULL, NULL),
				 0);
		m[k].has_sum = 1;
	}
	m[0].sum = 4;
	m[1].sum = 12;
	m[2].sum = 1800;
}

struct fixture {
	struct fm_histogram h1, h2;
	struct fm_mixture m[3];
	struct chart_scene_obj objs[3];
};

static void setup(struct fixture *f)
{
	static const uint64_t f1[3] = {2, 1, 1}, f2[3] = {1, 1, 2};

	memset(f, 0, sizeof(*f));
	chart_check_histogram(&f->h1, f1);
	chart_check_histogram(&f->h2, f2);
	mixture(f->m);
	f->objs[0] = (struct chart_scene_obj){"h1", "length", &f->h1, {0}};
	f->objs[1] = (struct chart_scene_obj){"h2", "length", &f->h2, {0}};
	f->objs[2] = (struct chart_scene_obj){
	    "m1", "length", &f->h1, {&f->m[0], &f->m[1], &f->m[2]}};
}

static void teardown(struct fixture *f)
{
	fm_histogram_release(&f->h1);
	fm_histogram_release(&f->h2);
	for (int k = 0; k < 3; k++)
		fm_mixture_release(&f->m[k]);
}

/* The series, roles, glyphs, legend and readout names of the overlay,
 * each array chartdata's. */
static void test_series(void **state)
{
	struct fixture f;
	struct tui_view v;
	struct fm_chartdata c1, c2, cm;
	struct fm_mixture_dir md;
	struct fm_error err = {0};

	(void)state;
	setup(&f);
	fm_mixture_dir_init(&md);
	md.flows = f.m[0];
	md.packets = f.m[1];
	md.octets = f.m[2];
	assert_int_equal(fm_chartdata_build(&c1, &f.h1, NULL, FM_MIX_X_LENGTH,
					    FM_CHART_NPOINTS, 1, &err),
			 0);
	assert_int_equal(fm_chartdata_build(&c2, &f.h2, NULL, FM_MIX_X_LENGTH,
					    FM_CHART_NPOINTS, 1, &err),
			 0);
	assert_int_equal(fm_chartdata_build(&cm, &f.h1, &md, FM_MIX_X_LENGTH,
					    FM_CHART_NPOINTS, 1, &err),
			 0);
	assert_int_equal(tui_view_objs(&v, VIEW_PDF_FLOWS, f.objs, 3), 0);
	assert_null(v.note);
	/* h1 points, line; h2 points, line; 2 components; the mixture */
	assert_int_equal(v.chart.nseries, 7);
	chart_check_series(&v.series[0], c1.bx, c1.col[0].pts, c1.nbins);
	chart_check_series(&v.series[1], c1.x, c1.col[0].pdf, c1.n);
	chart_check_series(&v.series[2], c2.bx, c2.col[0].pts, c2.nbins);
	chart_check_series(&v.series[3], c2.x, c2.col[0].pdf, c2.n);
	chart_check_series(&v.series[4], cm.x, cm.col[0].comp_pdf, cm.n);
	chart_check_series(&v.series[5], cm.x, cm.col[0].comp_pdf + cm.n, cm.n);
	chart_check_series(&v.series[6], cm.x, cm.col[0].mix_pdf, cm.n);
	/* each object its colour; the points of h2 their glyph */
	assert_int_equal(v.series[0].role, ROLE_CHART_OVERLAY1);
	assert_int_equal(v.series[1].role, ROLE_CHART_OVERLAY1);
	assert_int_equal(v.series[2].role, ROLE_CHART_OVERLAY1 + 1);
	assert_int_equal(v.series[6].role, ROLE_CHART_OVERLAY1 + 2);
	assert_int_equal(v.series[4].role, ROLE_CHART_COMP);
	assert_int_equal(v.series[0].marker, 0);
	assert_int_equal(v.series[2].marker, 1);
	/* the legend names the objects; the readout every series */
	assert_string_equal(v.series[0].label, "h1");
	assert_string_equal(v.series[2].label, "h2");
	assert_null(v.series[1].label);
	assert_string_equal(v.series[4].label, "components");
	assert_string_equal(v.series[6].label, "mixture m1");
	assert_string_equal(v.series[0].name, "h1");
	assert_string_equal(v.series[1].name, "h1 (from CDF)");
	assert_string_equal(v.series[3].name, "h2 (from CDF)");
	assert_string_equal(v.series[4].name, "m1 c1 uniform");
	assert_string_equal(v.series[5].name, "m1 c2 lognorm");
	assert_string_equal(v.series[6].name, "mixture m1");
	tui_view_release(&v);

	/* CDF: three lines per histogram, the mixture's three */
	assert_int_equal(tui_view_objs(&v, VIEW_CDF, f.objs, 3), 0);
	assert_int_equal(v.chart.nseries, 9);
	chart_check_series(&v.series[4], c2.x, c2.col[1].cdf, c2.n);
	chart_check_series(&v.series[8], cm.x, cm.col[2].mix_cdf, cm.n);
	assert_string_equal(v.series[4].name, "h2 packets");
	assert_string_equal(v.series[8].name, "m1 octets");
	tui_view_release(&v);

	/* packet size: the guides are the first histogram's, in bytes */
	assert_int_equal(tui_view_objs(&v, VIEW_PKT_SIZE, f.objs, 3), 0);
	assert_string_equal(v.yunit, "B");
	assert_string_equal(v.series[4].name, "h1 min");
	chart_check_near(v.series[4].y[0], c1.ps_min);
	chart_check_near(v.series[5].y[0], c1.ps_avg);
	chart_check_near(v.series[6].y[0], c1.ps_max);
	chart_check_series(&v.series[7], cm.x, cm.ps_mix, cm.n);
	tui_view_release(&v);

	/* one histogram: the view's own roles and labels, no glyphs */
	assert_int_equal(tui_view_objs(&v, VIEW_PDF_FLOWS, f.objs + 1, 2), 0);
	assert_int_equal(v.series[0].role, ROLE_CHART_FLOWS);
	assert_int_equal(v.series[0].marker, 0);
	assert_string_equal(v.series[0].label, "flows");
	assert_string_equal(v.series[0].name, "flows");
	tui_view_release(&v);
	fm_chartdata_release(&c1);
	fm_chartdata_release(&c2);
	fm_chartdata_release(&cm);
	teardown(&f);
}

static const char golden_braille[] =
    "PDF (share per unit of x)\n"
    "   1┤⣀⣀⡀                                    ● h1\n"
    "    │○⠤⠬⣭⣭⣭⣭⣵⣶⠶⣶⡶⢦⣶⠶⣶⢶⣶⣶⡦⠤⠤⠤⠤⠤⠤⠤⢤⣤⣤⣤        ○ h2\n"
    "1e-1┤⠉⠉⠉⠉ ⠉⠁⠈       ○⠄⠠⠤⠈⠭⠍⠹⠷⠻⠷⠒⠶⠖⢶○        ┄ components\n"
    "    │                              ⠈        ─ mixture m1\n"
    "    │\n"
    "1e-2┤\n"
    "    │\n"
    "1e-3┤\n"
    "    │\n"
    "1e-4┤\n"
    "    └┬─────────────────────────────────────────────────┬\n"
    "     1                                                10\n"
    "                                      Flow length [pkts]";
static const char golden_block[] =
    "PDF (share per unit of x)\n"
    "   1┤▄▄▄▄                                   ● h1\n"
    "    │○▄▄▄████████████████▄▄▄▄▄▄▄▄▄▄▄        ○ h2\n"
    "1e-1┤▀▀▀▀ ▀▀▀       ○▄▄  ███▀███▀██○        ┄ components\n"
    "    │                              ▀        ─ mixture m1\n"
    "    │\n"
    "1e-2┤\n"
    "    │\n"
    "1e-3┤\n"
    "    │\n"
    "1e-4┤\n"
    "    └┬─────────────────────────────────────────────────┬\n"
    "     1                                                10\n"
    "                                      Flow length [pkts]";
static const char golden_ascii[] =
    "PDF (share per unit of x)\n"
    "   1+....                                   * h1\n"
    "    |o...::::::::::::::::...........        o h2\n"
    "1e-1+'''' '''       o..  :::':::'::o        ~ components\n"
    "    |                              *        - mixture m1\n"
    "    |\n"
    "1e-2+\n"
    "    |\n"
    "1e-3+\n"
    "    |\n"
    "1e-4+\n"
    "    ++-------------------------------------------------+\n"
    "     1                                                10\n"
    "                                      Flow length [pkts]";
static const char golden_roles[] =
    "ttttttttttttttttttttttttt\n"
    "   aa1111                                   1 tt\n"
    "    a2222333333333333333333333332222        2 tt\n"
    "aaaaa3333 ccc       2cc  ccc1ccc3332        c tttttttttt\n"
    "    a                              1        3 tttttttttt\n"
    "    a\n"
    "aaaaa\n"
    "    a\n"
    "aaaaa\n"
    "    a\n"
    "aaaaa\n"
    "    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
    "     a                                                aa\n"
    "                                      tttttttttttttttttt";

static void test_canvases(void **state)
{
	struct fixture f;
	struct tui_view v;

	(void)state;
	setup(&f);
	assert_int_equal(tui_view_objs(&v, VIEW_PDF_FLOWS, f.objs, 3), 0);
	chart_check_golden(
	    chart_check_render(&v.chart, CHART_BRAILLE, 56, 14, 0),
	    golden_braille);
	chart_check_golden(chart_check_render(&v.chart, CHART_BLOCK, 56, 14, 0),
			   golden_block);
	chart_check_golden(chart_check_render(&v.chart, CHART_ASCII, 56, 14, 0),
			   golden_ascii);
	chart_check_golden(chart_check_render(&v.chart, CHART_ASCII, 56, 14, 1),
			   golden_roles);
	tui_view_release(&v);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_series),
	    cmocka_unit_test(test_canvases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

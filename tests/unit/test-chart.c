/*
 * test-chart.c - the chart renderer (src/tui/chart*.c): tick labels and
 * axis ranges, the dot canvas of each charset checked against dots worked
 * out by hand, a property test of line drawing (every dot near the true
 * segment, the dots connected end to end, clipping), and golden text
 * canvases of whole charts (braille, block, ASCII; log and linear axes;
 * legends; the role of each cell).
 *
 * The golden canvases were produced by the renderer and checked by eye
 * against the layout rules of chart.h: tick labels at powers of ten, the
 * legend at the top right, later series over earlier ones.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "chart.h"
#include "roles.h"
#include "chart-check.h"

static void test_tick_labels(void **state)
{
	static const struct {
		double v;
		int log;
		const char *want;
	} cases[] = {
	    {1, 1, "1"},	 {10, 1, "10"},	      {100, 1, "100"},
	    {1e3, 1, "1k"},	 {1e4, 1, "10k"},     {1e5, 1, "100k"},
	    {1e6, 1, "1M"},	 {1e7, 1, "10M"},     {1e9, 1, "1G"},
	    {1e12, 1, "1T"},	 {1e-1, 1, "1e-1"},   {1e-2, 1, "1e-2"},
	    {1e-4, 1, "1e-4"},	 {1e-12, 1, "1e-12"}, {0, 0, "0"},
	    {2.5, 0, "2.5"},	 {50, 0, "50"},	      {1500, 0, "1.5k"},
	    {150000, 0, "150k"}, {2e6, 0, "2M"},      {-20, 0, "-20"},
	    {0.05, 0, "0.05"},	 {3, 1, "3"}, /* not a power of ten: plain
						 number */
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		chart_tick_label(cases[i].v, cases[i].log, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_axis_range(void **state)
{
	double x[] = {3, 250, -1, NAN, 0}, y[] = {0.02, 7, 1, 1, 1};
	struct chart_series s = {NULL, ROLE_CHART_FLOWS, CHART_LINE, x, y, 5, 0,
				 NULL};
	struct chart_axis ax = {1, 0, 0, NULL};
	double lo, hi;

	(void)state;
	/* log: the positive finite values widened to whole decades */
	assert_int_equal(chart_axis_range(&ax, &s, 1, 0, &lo, &hi), 0);
	assert_true(fabs(lo - 1) < 1e-12 && fabs(hi - 1000) < 1e-9);
	assert_int_equal(chart_axis_range(&ax, &s, 1, 1, &lo, &hi), 0);
	assert_true(fabs(lo - 0.01) < 1e-15 && fabs(hi - 10) < 1e-12);
	/* linear: widened to multiples of a 1-2-5 step */
	ax.log = 0;
	assert_int_equal(chart_axis_range(&ax, &s, 1, 0, &lo, &hi), 0);
	assert_true(lo == -100 && hi == 300); /* step nice(251 / 5) = 100 */
	/* fixed range kept */
	ax.min = 2;
	ax.max = 3;
	assert_int_equal(chart_axis_range(&ax, &s, 1, 0, &lo, &hi), 0);
	assert_true(lo == 2 && hi == 3);
	/* no data: defaults and -1 */
	ax.min = ax.max = 0;
	ax.log = 1;
	s.n = 0;
	assert_int_equal(chart_axis_range(&ax, &s, 1, 0, &lo, &hi), -1);
	assert_true(lo == 1 && hi == 10);
}

static char *dots_row(struct chart_dots *d)
{
	struct chart_canvas cv;
	char *s;

	assert_int_equal(chart_canvas_init(&cv, d->cw, d->ch), 0);
	chart_dots_blit(d, &cv, 0, 0);
	s = chart_canvas_dump(&cv, 0);
	chart_canvas_release(&cv);
	return s;
}

static void test_braille_bits(void **state)
{
	/* Dot (col, row) of a braille cell -> Unicode dot number 1..8. */
	static const int dotnum[4][2] = {{1, 4}, {2, 5}, {3, 6}, {7, 8}};
	struct chart_dots d;

	(void)state;
	for (int r = 0; r < 4; r++)
		for (int c = 0; c < 2; c++) {
			unsigned cp = 0x2800 + (1u << (dotnum[r][c] - 1));
			char want[4] = {(char)(0xe0 | (cp >> 12)),
					(char)(0x80 | ((cp >> 6) & 0x3f)),
					(char)(0x80 | (cp & 0x3f)), 0};
			char *got;

			assert_int_equal(
			    chart_dots_init(&d, CHART_BRAILLE, 1, 1), 0);
			chart_dots_set(&d, c, r, ROLE_CHART_FLOWS, 0);
			got = dots_row(&d);
			assert_string_equal(got, want);
			free(got);
			chart_dots_release(&d);
		}
	/* all eight dots: U+28FF; outside dots ignored */
	assert_int_equal(chart_dots_init(&d, CHART_BRAILLE, 1, 1), 0);
	for (int r = -1; r < 5; r++)
		for (int c = -1; c < 3; c++)
			chart_dots_set(&d, c, r, ROLE_CHART_FLOWS, 0);
	chart_check_golden(dots_row(&d), "\xe2\xa3\xbf");
	chart_dots_release(&d);
}

static void test_lines_by_hand(void **state)
{
	struct chart_dots d;
	unsigned phase = 0;

	(void)state;
	/* horizontal top line over 3 cells: dots 1+4 each = U+2809 ⠉ */
	assert_int_equal(chart_dots_init(&d, CHART_BRAILLE, 3, 1), 0);
	chart_dots_line(&d, 0, 0, 5, 0, ROLE_CHART_FLOWS, 0, NULL);
	chart_check_golden(dots_row(&d), "⠉⠉⠉");
	chart_dots_release(&d);
	/* diagonal (0,0)-(3,3): cell 0 dots 1+5 ⠑, cell 1 dots 3+8 ⢄ */
	assert_int_equal(chart_dots_init(&d, CHART_BRAILLE, 2, 1), 0);
	chart_dots_line(&d, 0, 0, 3, 3, ROLE_CHART_FLOWS, 0, NULL);
	chart_check_golden(dots_row(&d), "⠑⢄");
	chart_dots_release(&d);
	/* block: a vertical line fills a column; a top-half dot is ▀ */
	assert_int_equal(chart_dots_init(&d, CHART_BLOCK, 3, 2), 0);
	chart_dots_line(&d, 0, 0, 0, 3, ROLE_CHART_FLOWS, 0, NULL);
	chart_dots_set(&d, 2, 0, ROLE_CHART_FLOWS, 0);
	chart_dots_set(&d, 2, 3, ROLE_CHART_FLOWS, 0);
	chart_check_golden(dots_row(&d), "█ ▀\n█ ▄");
	chart_dots_release(&d);
	/* ASCII: ' upper, . lower, : both, * a data point */
	assert_int_equal(chart_dots_init(&d, CHART_ASCII, 4, 1), 0);
	chart_dots_set(&d, 0, 0, ROLE_CHART_FLOWS, 0);
	chart_dots_set(&d, 1, 1, ROLE_CHART_FLOWS, 0);
	chart_dots_line(&d, 2, 0, 2, 1, ROLE_CHART_FLOWS, 0, NULL);
	chart_dots_set(&d, 3, 1, ROLE_CHART_FLOWS, 1);
	chart_check_golden(dots_row(&d), "'.:*");
	chart_dots_release(&d);
	/* dashes: 3 on, 2 off, carried across segments */
	assert_int_equal(chart_dots_init(&d, CHART_BLOCK, 12, 1), 0);
	chart_dots_line(&d, 0, 0, 6, 0, ROLE_CHART_COMP, 1, &phase);
	chart_dots_line(&d, 7, 0, 11, 0, ROLE_CHART_COMP, 1, &phase);
	chart_check_golden(dots_row(&d), "▀▀▀  ▀▀▀  ▀▀");
	chart_dots_release(&d);
	/* dots: 1 on, 2 off (a third series without colours) */
	phase = 0;
	assert_int_equal(chart_dots_init(&d, CHART_BLOCK, 12, 1), 0);
	chart_dots_line(&d, 0, 0, 11, 0, ROLE_CHART_OCTETS, 2, &phase);
	chart_check_golden(dots_row(&d), "▀  ▀  ▀  ▀");
	chart_dots_release(&d);
	/* a segment from far away is clipped, not walked */
	assert_int_equal(chart_dots_init(&d, CHART_BRAILLE, 2, 1), 0);
	chart_dots_line(&d, -1e15, 0, 3, 0, ROLE_CHART_FLOWS, 0, NULL);
	chart_check_golden(dots_row(&d), "⠉⠉");
	chart_dots_line(&d, -1e15, -5, 1e15, -5, ROLE_CHART_FLOWS, 0, NULL);
	chart_dots_line(&d, NAN, 0, 1, 1, ROLE_CHART_FLOWS, 0, NULL);
	chart_check_golden(dots_row(&d), "⠉⠉");
	chart_dots_release(&d);
}

/*
 * Property test against the geometry: for random segments (many partly
 * outside), every dot drawn lies within one dot of the clipped segment,
 * and the dots drawn form one 8-connected run from end to end.
 */
static void test_lines_property(void **state)
{
	const int cw = 9, chh = 5, W = 18, H = 20;
	uint64_t rs = 42;

	(void)state;
	for (int iter = 0; iter < 2000; iter++) {
		struct chart_dots d;
		double x0 = (double)(tu_rand(&rs) % 4000) / 100 - 10;
		double y0 = (double)(tu_rand(&rs) % 4000) / 100 - 10;
		double x1 = (double)(tu_rand(&rs) % 4000) / 100 - 10;
		double y1 = (double)(tu_rand(&rs) % 4000) / 100 - 10;
		int on[20][18] = {{0}}, count = 0, seen = 0;
		int stack[400][2], sp = 0;
		int seen_map[20][18] = {{0}};

		assert_int_equal(chart_dots_init(&d, CHART_BRAILLE, cw, chh),
				 0);
		chart_dots_line(&d, x0, y0, x1, y1, ROLE_CHART_FLOWS, 0, NULL);
		for (int py = 0; py < H; py++)
			for (int px = 0; px < W; px++) {
				static const uint8_t bit[4][2] = {{0x01, 0x08},
								  {0x02, 0x10},
								  {0x04, 0x20},
								  {0x40, 0x80}};
				uint8_t b = d.bits[(py / 4) * cw + px / 2];
				if (!(b & bit[py % 4][px % 2]))
					continue;
				on[py][px] = 1;
				count++;
				/* distance from (px, py) to the segment */
				double vx = x1 - x0, vy = y1 - y0;
				double l2 = vx * vx + vy * vy;
				double t =
				    l2 > 0
					? ((px - x0) * vx + (py - y0) * vy) / l2
					: 0;
				t = t < 0 ? 0 : t > 1 ? 1 : t;
				double ex = x0 + t * vx - px,
				       ey = y0 + t * vy - py;
				assert_true(sqrt(ex * ex + ey * ey) <= 1.5);
			}
		/* connectivity: flood fill from one dot reaches all */
		for (int py = 0; py < H && !sp; py++)
			for (int px = 0; px < W && !sp; px++)
				if (on[py][px]) {
					stack[sp][0] = px;
					stack[sp][1] = py;
					sp++;
					seen_map[py][px] = 1;
				}
		while (sp) {
			sp--;
			int px = stack[sp][0], py = stack[sp][1];
			seen++;
			for (int ny = py - 1; ny <= py + 1; ny++)
				for (int nx = px - 1; nx <= px + 1; nx++)
					if (nx >= 0 && ny >= 0 && nx < W &&
					    ny < H && on[ny][nx] &&
					    !seen_map[ny][nx]) {
						seen_map[ny][nx] = 1;
						stack[sp][0] = nx;
						stack[sp][1] = ny;
						sp++;
					}
		}
		assert_int_equal(seen, count);
		/* a segment with both ends inside always draws its ends */
		if (x0 >= 0 && y0 >= 0 && x0 <= W - 1 && y0 <= H - 1 &&
		    x1 >= 0 && y1 >= 0 && x1 <= W - 1 && y1 <= H - 1) {
			assert_true(
			    on[(int)floor(y0 + 0.5)][(int)floor(x0 + 0.5)]);
			assert_true(
			    on[(int)floor(y1 + 0.5)][(int)floor(x1 + 0.5)]);
		}
		chart_dots_release(&d);
	}
}

static void test_golden_braille_loglog(void **state)
{
	double x[] = {1, 10, 100, 1000, 10000};
	double y[] = {1, 1e-1, 1e-2, 1e-3, 1e-4};
	struct chart_series s[] = {
	    {"pdf", ROLE_CHART_FLOWS, CHART_LINE, x, y, 5, 0, NULL}};
	struct chart c = {{1, 0, 0, "len"}, {1, 0, 0, "PDF"}, s, 1, 1, 0, 0};

	(void)state;
	chart_check_golden(chart_check_render(&c, CHART_BRAILLE, 30, 8, 0),
			   "PDF\n"
			   "   1┤⠉⠒⠤⣀⡀               ─ pdf\n"
			   "    ┤    ⠈⠑⠒⠤⣀⡀\n"
			   "1e-2┤         ⠈⠉⠒⠤⢄⣀\n"
			   "    ┤               ⠉⠑⠒⠤⢄⡀\n"
			   "1e-4┤                    ⠈⠑⠒⠤⣀\n"
			   "    └┬─────┬─────┬─────┬─────┬\n"
			   "     1     10   100    1k  len");
	chart_check_golden(chart_check_render(&c, CHART_BRAILLE, 30, 8, 1),
			   "ttt\n"
			   "   aafffff               f ttt\n"
			   "    a    ffffff\n"
			   "aaaaa         ffffff\n"
			   "    a               ffffff\n"
			   "aaaaa                    fffff\n"
			   "    aaaaaaaaaaaaaaaaaaaaaaaaaa\n"
			   "     a     aa   aaa    aa  ttt");
}

static void test_golden_linear_block_ascii(void **state)
{
	double x[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	double y[] = {0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100};
	double ym[] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
	struct chart_series s[] = {
	    {"data", ROLE_CHART_PACKETS, CHART_POINTS, x, y, 11, 0, NULL},
	    {"model", ROLE_CHART_MODEL, CHART_LINE, x, ym, 11, 0, NULL}};
	struct chart c = {{0, 0, 0, "x [s]"}, {0, 0, 0, NULL}, s, 2, 1, 0, 0};
	const char *roles = "aaaa                     p tttt\n"
			    "   a                  mm m ttttt\n"
			    "   a               mmm    p\n"
			    " aaa          mmmmm p  p\n"
			    "   a     mmmmm p  p\n"
			    "  aammmmmp  p\n"
			    "   aaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
			    "    a             a           aa\n"
			    "                           ttttt";

	(void)state;
	/* the x title would hide the label 10: it gets a row of its own */
	chart_check_golden(chart_check_render(&c, CHART_BLOCK, 32, 9, 0),
			   "100┤                     ● data\n"
			   "   │                  ▄▄ ─ model\n"
			   "   │               ▄▀▀    ▀\n"
			   " 50┤          ▄▄▄▀▀ ▄  ▀\n"
			   "   │     ▄▄▀▀▀ ▄  ▀\n"
			   "  0┤▄▄▀█▀▄  ▀\n"
			   "   └┬─────────────┬────────────┬\n"
			   "    0             5           10\n"
			   "                           x [s]");
	chart_check_golden(chart_check_render(&c, CHART_BLOCK, 32, 9, 1),
			   roles);
	chart_check_golden(chart_check_render(&c, CHART_ASCII, 32, 9, 0),
			   "100+                     * data\n"
			   "   |                  .. - model\n"
			   "   |               .''    *\n"
			   " 50+          ...'' *  *\n"
			   "   |     ..''' *  *\n"
			   "  0+..':'*  *\n"
			   "   ++-------------+------------+\n"
			   "    0             5           10\n"
			   "                           x [s]");
	chart_check_golden(chart_check_render(&c, CHART_ASCII, 32, 9, 1),
			   roles);
}

static void test_golden_decades(void **state)
{
	double x[] = {1, 1e7}, y[] = {1e-8, 1};
	struct chart_series s[] = {
	    {NULL, ROLE_CHART_OCTETS, CHART_DASHED, x, y, 2, 0, NULL}};
	struct chart c = {{1, 0, 0, NULL}, {1, 0, 0, NULL}, s, 1, 0, 0, 0};

	(void)state;
	/* wide: every decade labelled 1 .. 10M; y every 4th decade */
	chart_check_golden(chart_check_render(&c, CHART_BRAILLE, 40, 7, 0),
			   "   1┤                            ⢀ ⠤⠄⠐⠒\n"
			   "    ┤                     ⡀⢀⠤ ⠒⠂⠈⠁\n"
			   "1e-4┤               ⡠⠄⠐⠒ ⠉\n"
			   "    ┤       ⢀⡠ ⠒⠂⠈⠉\n"
			   "1e-8┤⣀⠄⠠⠒ ⠉⠁\n"
			   "    └┬────┬────┬────┬───┬────┬────┬────┬\n"
			   "     1    10  100   1k 10k  100k  1M 10M");
	/* narrow: every second x decade, every fifth y decade */
	chart_check_golden(chart_check_render(&c, CHART_ASCII, 20, 6, 0),
			   "   1+            .\n"
			   "    +          ''\n"
			   "1e-5+     .''\n"
			   "    +..'\n"
			   "    ++-+-+-+-+-+-+-+\n"
			   "     1  100 10k  1M");
}

/*
 * A symlog x axis (duration, rate: a bin 0): ticks at 0 and the decades,
 * 0 .. 1k spread as log10(1 + x); a point at x = 0 drawn at the left end.
 */
static void test_golden_symlog(void **state)
{
	double x[] = {0, 1, 10, 100, 1000};
	double y[] = {1, 0.5, 0.25, 0.125, 0.0625};
	struct chart_series s[] = {
	    {"dur", ROLE_CHART_FLOWS, CHART_POINTS, x, y, 5, 0, NULL},
	    {"line", ROLE_CHART_MODEL, CHART_LINE, x, y, 5, 0, NULL}};
	struct chart c = {
	    {CHART_SYMLOG, 0, 0, "ms"}, {0, 0, 0, NULL}, s, 2, 1, 0, 0};

	(void)state;
	chart_check_golden(chart_check_render(&c, CHART_BRAILLE, 30, 8, 0),
			   "  1┤⢣                   ● dur\n"
			   "   │ ⢣                  ─ line\n"
			   "   │ ⠈⢆\n"
			   "0.5┤  ⠈⠑⠢⠤⣀⡀\n"
			   "   │       ⠈⠑⠒⠢⠤⠤⣀⣀⣀\n"
			   "  0┤                ⠉⠉⠉⠑⠒⠒⠒⠢⠤⠤\n"
			   "   └┬─┬──────┬───────┬───────┬\n"
			   "    0 1      10     100     ms");
	chart_check_golden(chart_check_render(&c, CHART_BLOCK, 30, 8, 0),
			   "  1┤▀▄                  ● dur\n"
			   "   │ ▀▄                 ─ line\n"
			   "   │  ▀▄\n"
			   "0.5┤   ▀▀▄▄▄\n"
			   "   │        ▀▀▀▄▄▄▄\n"
			   "  0┤               ▀▀▀▀▀▀▀▀▀▀▀\n"
			   "   └┬──┬─────┬───────┬───────┬\n"
			   "    0  1     10     100     ms");
	chart_check_golden(chart_check_render(&c, CHART_ASCII, 30, 8, 0),
			   "  1+'.                  * dur\n"
			   "   | '.                 - line\n"
			   "   |  '.\n"
			   "0.5+   ''...\n"
			   "   |        '''....\n"
			   "  0+               '''''''''''\n"
			   "   ++--+-----+-------+-------+\n"
			   "    0  1     10     100     ms");
	chart_check_golden(chart_check_render(&c, CHART_ASCII, 30, 8, 1),
			   "  aamm                  f ttt\n"
			   "   a mm                 m tttt\n"
			   "   a  mm\n"
			   "aaaa   mmmmm\n"
			   "   a        mmmmmmm\n"
			   "  aa               mmmmmmmmmmm\n"
			   "   aaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
			   "    a  a     aa     aaa     tt");
}

/* The cursor: a vertical line at its x, through the plot area only. */
static void test_cursor(void **state)
{
	double x[] = {1, 10, 100}, y[] = {1, 1, 1};
	struct chart_series s[] = {
	    {NULL, ROLE_CHART_FLOWS, CHART_POINTS, x, y, 3, 0, NULL}};
	struct chart c = {{1, 0, 0, NULL}, {0, 0, 2, NULL}, s, 1, 0, 1, 10};

	(void)state;
	chart_check_golden(chart_check_render(&c, CHART_ASCII, 24, 6, 0),
			   "2+           |\n"
			   " |           |\n"
			   " |*          |         *\n"
			   "0+           |\n"
			   " ++----------+---------+\n"
			   "  1          10      100");
}

static void test_gaps_and_order(void **state)
{
	/* a NaN and a non-positive y break the line on a log axis */
	double x[] = {1, 2, 3, 4, 5, 6};
	double y[] = {1, 1, NAN, 1, 0, 1};
	double y2[] = {1, 1, 1, 1, 1, 1};
	struct chart_series s[] = {
	    {NULL, ROLE_CHART_FLOWS, CHART_LINE, x, y, 6, 0, NULL},
	    {NULL, ROLE_CHART_MODEL, CHART_LINE, x, y2, 6, 0, NULL}};
	struct chart c = {{0, 1, 6, NULL}, {1, 0.1, 10, NULL}, s, 1, 0, 0, 0};
	struct chart_canvas cv;
	int row = -1, drawn = 0;

	(void)state;
	assert_int_equal(chart_canvas_init(&cv, 20, 6), 0);
	chart_render(&c, CHART_ASCII, &cv);
	/* the y = 1 row: dots at x = 1..2, 4 and 6 only, i.e. gaps */
	for (int r = 0; r < cv.h - 2; r++)
		for (int col = 3; col < cv.w; col++)
			if (chart_canvas_at(&cv, col, r)->role ==
			    ROLE_CHART_FLOWS)
				row = r;
	assert_true(row >= 0);
	for (int col = 3; col < cv.w; col++)
		drawn +=
		    chart_canvas_at(&cv, col, row)->role == ROLE_CHART_FLOWS;
	assert_true(drawn > 3 && drawn < cv.w - 6);
	/* the model drawn later takes every cell it touches */
	c.nseries = 2;
	chart_render(&c, CHART_ASCII, &cv);
	for (int col = 3; col < cv.w; col++)
		assert_int_not_equal(chart_canvas_at(&cv, col, row)->role,
				     ROLE_CHART_FLOWS);
	chart_canvas_release(&cv);
}

static void test_too_small(void **state)
{
	struct chart c = {{1, 0, 0, NULL}, {1, 0, 0, NULL}, NULL, 0, 1, 0, 0};

	(void)state;
	chart_check_golden(chart_check_render(&c, CHART_BRAILLE, 11, 4, 0),
			   "chart too s\n\n\n");
	chart_check_golden(chart_check_render(&c, CHART_BRAILLE, 40, 4, 0),
			   "chart too small\n\n\n");
	/* an empty chart still draws its axes */
	chart_check_golden(chart_check_render(&c, CHART_ASCII, 12, 5, 0),
			   "10+\n"
			   "  |\n"
			   " 1+\n"
			   "  ++-------+\n"
			   "   1      10");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tick_labels),
	    cmocka_unit_test(test_axis_range),
	    cmocka_unit_test(test_braille_bits),
	    cmocka_unit_test(test_lines_by_hand),
	    cmocka_unit_test(test_lines_property),
	    cmocka_unit_test(test_golden_braille_loglog),
	    cmocka_unit_test(test_golden_linear_block_ascii),
	    cmocka_unit_test(test_golden_decades),
	    cmocka_unit_test(test_golden_symlog),
	    cmocka_unit_test(test_cursor),
	    cmocka_unit_test(test_gaps_and_order),
	    cmocka_unit_test(test_too_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

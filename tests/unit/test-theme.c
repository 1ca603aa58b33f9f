/*
 * test-theme.c - theme files (src/tui/theme-file.c): style values, error
 * messages with file:line, every shipped theme parses and sets every
 * role, the built-in default/mono equal themes/default.theme and
 * themes/mono.theme, and the nearest-colour mapping for 8/256 colours.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "theme-file.h"

static const char *source_dir(void)
{
	const char *s = getenv("FM_SOURCE_DIR");
	return s && *s ? s : FM_TEST_SOURCE_DIR;
}

static void test_style_values(void **state)
{
	struct tui_style st;
	struct fm_error err = {0};

	(void)state;
	assert_int_equal(tui_style_parse("black on cyan bold", &st, &err), 0);
	assert_int_equal(st.fg, 0);
	assert_int_equal(st.bg, 6);
	assert_int_equal(st.attrs, TUI_ATTR_BOLD);
	assert_int_equal(tui_style_parse("reverse underline", &st, &err), 0);
	assert_int_equal(st.fg, TUI_COLOR_DEFAULT);
	assert_int_equal(st.attrs, TUI_ATTR_REVERSE | TUI_ATTR_UNDERLINE);
	assert_int_equal(tui_style_parse("#ff8000 on color17", &st, &err), 0);
	assert_int_equal(st.fg, TUI_RGB(255, 128, 0));
	assert_int_equal(st.bg, 17);
	assert_int_equal(tui_style_parse("bright-white on 234", &st, &err), 0);
	assert_int_equal(st.fg, 15);
	assert_int_equal(st.bg, 234);
	assert_int_equal(tui_style_parse("grey", &st, &err), 0);
	assert_int_equal(st.fg, 8);
	assert_int_equal(tui_style_parse("rde", &st, &err), FM_EINVAL);
	assert_string_equal(err.msg, "unknown colour or attribute 'rde'");
	assert_int_equal(tui_style_parse("red on", &st, &err), FM_EINVAL);
	assert_int_equal(tui_style_parse("red blue", &st, &err), FM_EINVAL);
	assert_string_equal(err.msg, "extra colour 'blue'");
	assert_int_equal(tui_style_parse("color256", &st, &err), FM_EINVAL);
	assert_int_equal(tui_style_parse("#12345", &st, &err), FM_EINVAL);
}

static void test_parse_errors(void **state)
{
	struct tui_theme t;
	struct fm_error err = {0};

	(void)state;
	tui_theme_init(&t, "x");
	assert_int_equal(tui_theme_parse(&t, "# c\n\nchart.flows = green # x\n",
					 "a.theme", &err),
			 0);
	assert_int_equal(t.role[ROLE_CHART_FLOWS].fg, 2);
	assert_int_equal(
	    tui_theme_parse(&t, "\nchart.flow = red\n", "a.theme", &err),
	    FM_EINVAL);
	assert_string_equal(err.msg, "a.theme:2: unknown role 'chart.flow'");
	assert_int_equal(tui_theme_parse(&t, "status black\n", "b.theme", &err),
			 FM_EINVAL);
	assert_string_equal(err.msg, "b.theme:1: expected 'role = colours'");
	assert_int_equal(
	    tui_theme_parse(&t, "msg.warn = yelow\n", "c.theme", &err),
	    FM_EINVAL);
	assert_string_equal(
	    err.msg,
	    "c.theme:1: msg.warn: unknown colour or attribute 'yelow'");
}

static void load_file(const char *name, struct tui_theme *t, int *seen)
{
	char path[4096];
	struct fm_error err = {0};
	char *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/themes/%s.theme", source_dir(), name);
	text = tu_read_file(path, &len);
	memset(t, 0, sizeof(*t));
	if (tui_theme_parse(t, text, name, &err) < 0)
		fail_msg("%s", err.msg);
	/* every role appears in the file */
	for (int r = 0; r < ROLE_COUNT; r++) {
		char key[64];
		snprintf(key, sizeof(key), "\n%s ", tui_role_name(r));
		seen[r] = strstr(text, key) != NULL;
	}
	free(text);
}

static void test_shipped_themes(void **state)
{
	static const char *const names[] = {"default", "dark", "light",
					    "high-contrast", "mono"};
	struct tui_theme file, builtin;
	int seen[ROLE_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		load_file(names[i], &file, seen);
		for (int r = 0; r < ROLE_COUNT; r++)
			if (!seen[r])
				fail_msg("%s.theme lacks role %s", names[i],
					 tui_role_name(r));
	}
	load_file("default", &file, seen);
	memset(&builtin, 0, sizeof(builtin));
	assert_int_equal(
	    tui_theme_parse(&builtin, tui_theme_default_text, "b", NULL), 0);
	assert_memory_equal(file.role, builtin.role, sizeof(file.role));
	load_file("mono", &file, seen);
	memset(&builtin, 0, sizeof(builtin));
	assert_int_equal(
	    tui_theme_parse(&builtin, tui_theme_mono_text, "b", NULL), 0);
	assert_memory_equal(file.role, builtin.role, sizeof(file.role));
	/* mono uses no colour at all */
	for (int r = 0; r < ROLE_COUNT; r++) {
		assert_int_equal(file.role[r].fg, TUI_COLOR_DEFAULT);
		assert_int_equal(file.role[r].bg, TUI_COLOR_DEFAULT);
	}
}

/* WCAG contrast ratio of two 0xrrggbb colours. */
static double luminance(int rgb)
{
	double c[3] = {(rgb >> 16 & 255) / 255.0, (rgb >> 8 & 255) / 255.0,
		       (rgb & 255) / 255.0};
	for (int k = 0; k < 3; k++)
		c[k] = c[k] <= 0.03928 ? c[k] / 12.92
				       : pow((c[k] + 0.055) / 1.055, 2.4);
	return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

static double contrast(int a, int b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static int rgb_of(int c)
{
	return c & TUI_RGB_FLAG ? c & 0xffffff : tui_palette_rgb(c);
}

/*
 * Data (flows, packets, octets), model and components are drawn
 * distinctly: five different colours, each with a contrast of at least 2
 * against the background -- for the default theme, which draws on the
 * terminal's own background, against both black and white (the model
 * was once bright white: invisible on light terminals).
 */
static void test_chart_colours(void **state)
{
	static const char *const names[] = {"default", "dark", "light",
					    "high-contrast"};
	static const int roles[] = {ROLE_CHART_FLOWS, ROLE_CHART_PACKETS,
				    ROLE_CHART_OCTETS, ROLE_CHART_MODEL,
				    ROLE_CHART_COMP};
	struct tui_theme th;
	int seen[ROLE_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		load_file(names[i], &th, seen);
		for (size_t a = 0; a < 5; a++) {
			const struct tui_style *st = &th.role[roles[a]];
			int bgs[2] = {0x000000, 0xffffff}, nbg = 2;

			if (st->fg == TUI_COLOR_DEFAULT)
				fail_msg("%s: %s has no colour", names[i],
					 tui_role_name(roles[a]));
			if (st->bg != TUI_COLOR_DEFAULT) {
				bgs[0] = rgb_of(st->bg);
				nbg = 1;
			}
			for (int k = 0; k < nbg; k++)
				if (contrast(rgb_of(st->fg), bgs[k]) < 2)
					fail_msg(
					    "%s: %s: contrast %.2f on #%06x",
					    names[i], tui_role_name(roles[a]),
					    contrast(rgb_of(st->fg), bgs[k]),
					    bgs[k]);
			for (size_t b = 0; b < a; b++)
				if (rgb_of(th.role[roles[b]].fg) ==
				    rgb_of(st->fg))
					fail_msg("%s: %s and %s have the same "
						 "colour",
						 names[i],
						 tui_role_name(roles[a]),
						 tui_role_name(roles[b]));
		}
	}
}

static void test_nearest(void **state)
{
	(void)state;
	assert_int_equal(tui_palette_rgb(16), 0x000000);
	assert_int_equal(tui_palette_rgb(231), 0xffffff);
	assert_int_equal(tui_palette_rgb(196), 0xff0000);
	assert_int_equal(tui_palette_rgb(232), 0x080808);
	assert_int_equal(tui_color_nearest(TUI_RGB(255, 0, 0), 256), 9);
	assert_int_equal(tui_color_nearest(TUI_RGB(0, 0, 0x87), 256), 18);
	assert_int_equal(tui_color_nearest(196, 8), 1);
	assert_int_equal(tui_color_nearest(12, 8), 4); /* bright-blue -> blue */
	assert_int_equal(tui_color_nearest(3, 8), 3);
	assert_int_equal(tui_color_nearest(TUI_COLOR_DEFAULT, 8),
			 TUI_COLOR_DEFAULT);
	/* every palette colour maps to itself in 256 colours */
	for (int i = 0; i < 256; i++)
		assert_int_equal(tui_palette_rgb(tui_color_nearest(i, 256)),
				 tui_palette_rgb(i));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_style_values),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_shipped_themes),
	    cmocka_unit_test(test_chart_colours),
	    cmocka_unit_test(test_nearest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

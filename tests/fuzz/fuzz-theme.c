/*
 * fuzz-theme.c - libFuzzer target for theme files (src/tui/theme-file.c):
 * the input is a .theme file applied over the default theme.  Never a
 * crash; every colour a theme can hold is the default, a palette index
 * 0-255 or an RGB value, attributes are known bits, and the nearest
 * palette colour of each for 8, 16 and 256 colours is in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "theme-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_color(int c)
{
	static const int ns[] = {8, 16, 256};

	if (c != TUI_COLOR_DEFAULT && (c < 0 || c > 255) &&
	    (c & ~0xffffff) != TUI_RGB_FLAG)
		abort();
	for (size_t i = 0; i < 3; i++) {
		int k = tui_color_nearest(c, ns[i]);
		if (k != TUI_COLOR_DEFAULT && (k < 0 || k >= ns[i]))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned known = TUI_ATTR_BOLD | TUI_ATTR_DIM | TUI_ATTR_ITALIC |
			       TUI_ATTR_UNDERLINE | TUI_ATTR_REVERSE |
			       TUI_ATTR_STANDOUT;
	struct tui_theme theme;
	struct fm_error err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	tui_theme_init(&theme, "fuzz");
	(void)tui_theme_parse(&theme, text, "fuzz.theme", &err);
	for (int r = 0; r < ROLE_COUNT; r++) {
		check_color(theme.role[r].fg);
		check_color(theme.role[r].bg);
		if (theme.role[r].attrs & ~known)
			abort();
	}
	free(text);
	return 0;
}

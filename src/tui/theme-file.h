/*
 * theme-file.h - colour themes: a style (foreground, background,
 * attributes) per colour role, read from themes/NAME.theme files.
 *
 * File format, one setting per line, '#' starts a comment:
 *     chart.flows   = red
 *     status        = black on cyan bold
 *     panel.select  = reverse
 *     chart.model   = #ffffff
 * A value is [FG] [on BG] [ATTR...]: colours are default, black, red,
 * green, yellow, blue, magenta, cyan, white, bright-black (grey) ..
 * bright-white, colorN / N (palette index 0-255) or #rrggbb; attributes
 * are bold, dim, italic, underline, reverse, standout.  Roles a theme
 * does not set keep the built-in default theme's style.  Pure code (no
 * ncurses): theme.c turns styles into curses attributes.
 */
#ifndef FM_TUI_THEME_FILE_H
#define FM_TUI_THEME_FILE_H

#include "flowmodels/error.h"
#include "roles.h"

/* A colour: TUI_COLOR_DEFAULT, a palette index 0-255, or TUI_RGB(r,g,b). */
#define TUI_COLOR_DEFAULT (-1)
#define TUI_RGB_FLAG 0x1000000
#define TUI_RGB(r, g, b) (TUI_RGB_FLAG | ((r) << 16) | ((g) << 8) | (b))

enum {
	TUI_ATTR_BOLD = 1,
	TUI_ATTR_DIM = 2,
	TUI_ATTR_ITALIC = 4,
	TUI_ATTR_UNDERLINE = 8,
	TUI_ATTR_REVERSE = 16,
	TUI_ATTR_STANDOUT = 32,
};

struct tui_style {
	int fg, bg;
	unsigned attrs;
};

struct tui_theme {
	char name[64];
	struct tui_style role[ROLE_COUNT];
};

/* The built-in default and mono themes (the same as themes/default.theme
 * and themes/mono.theme, which a unit test checks). */
extern const char tui_theme_default_text[];
extern const char tui_theme_mono_text[];

/* Set theme to the built-in default theme, named name. */
void tui_theme_init(struct tui_theme *theme, const char *name);
/*
 * Apply the settings of theme text (what a .theme file holds) over
 * theme.  origin names the text in errors ("dark.theme:12: unknown
 * colour 'rde'").  FM_EINVAL on the first bad line (theme then partly
 * changed).
 */
int tui_theme_parse(struct tui_theme *theme, const char *text,
		    const char *origin, struct fm_error *err);
/* Parse one style value ("black on cyan bold"). */
int tui_style_parse(const char *value, struct tui_style *st,
		    struct fm_error *err);

/* The RGB value (0xrrggbb) of palette colour i (0-255, xterm palette). */
int tui_palette_rgb(int i);
/* The nearest palette colour below n (8, 16 or 256) to colour c. */
int tui_color_nearest(int c, int n);

#endif

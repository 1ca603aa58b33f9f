/*
 * theme-file.c - parsing of theme files and colour arithmetic (nearest
 * palette colour for 8/16/256-colour terminals).  See theme-file.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "theme-file.h"

const char tui_theme_default_text[] =
    "# default: the terminal's own background, coloured series\n"
    "default         = default\n"
    "status          = black on cyan\n"
    "status.accent   = black on cyan bold\n"
    "status.progress = yellow on blue bold\n"
    "panel.border    = blue\n"
    "panel.focus     = bright-cyan bold\n"
    "panel.title     = cyan bold\n"
    "panel.text      = default\n"
    "panel.select    = black on cyan\n"
    "panel.dim       = bright-black\n"
    "prompt          = default\n"
    "prompt.sign     = green bold\n"
    "msg.error       = bright-red bold\n"
    "msg.warn        = yellow\n"
    "msg.info        = default\n"
    "msg.cmd         = cyan\n"
    "chart.axis      = bright-black\n"
    "chart.grid      = bright-black dim\n"
    "chart.text      = default\n"
    "chart.flows     = red\n"
    "chart.packets   = green\n"
    "chart.octets    = blue bold\n"
    "chart.model     = magenta bold\n"
    "chart.comp      = color30\n"
    "chart.overlay1  = red\n"
    "chart.overlay2  = blue bold\n"
    "chart.overlay3  = green\n"
    "chart.overlay4  = magenta bold\n"
    "chart.overlay5  = yellow\n"
    "chart.overlay6  = cyan\n"
    "chart.overlay7  = bright-red\n"
    "chart.overlay8  = bright-blue\n";

const char tui_theme_mono_text[] =
    "# mono: no colours, attributes only (also used for NO_COLOR)\n"
    "default         = default\n"
    "status          = reverse\n"
    "status.accent   = reverse bold\n"
    "status.progress = bold\n"
    "panel.border    = default\n"
    "panel.focus     = bold\n"
    "panel.title     = bold\n"
    "panel.text      = default\n"
    "panel.select    = reverse\n"
    "panel.dim       = dim\n"
    "prompt          = default\n"
    "prompt.sign     = bold\n"
    "msg.error       = bold underline\n"
    "msg.warn        = underline\n"
    "msg.info        = default\n"
    "msg.cmd         = bold\n"
    "chart.axis      = default\n"
    "chart.grid      = dim\n"
    "chart.text      = default\n"
    "chart.flows     = default\n"
    "chart.packets   = default\n"
    "chart.octets    = default\n"
    "chart.model     = bold\n"
    "chart.comp      = dim\n"
    "chart.overlay1  = default\n"
    "chart.overlay2  = bold\n"
    "chart.overlay3  = default\n"
    "chart.overlay4  = bold\n"
    "chart.overlay5  = underline\n"
    "chart.overlay6  = default\n"
    "chart.overlay7  = bold\n"
    "chart.overlay8  = default\n";

static const char *const color_names[16] = {
    "black",	    "red",
    "green",	    "yellow",
    "blue",	    "magenta",
    "cyan",	    "white",
    "bright-black", "bright-red",
    "bright-green", "bright-yellow",
    "bright-blue",  "bright-magenta",
    "bright-cyan",  "bright-white",
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
    {"bold", TUI_ATTR_BOLD},	   {"dim", TUI_ATTR_DIM},
    {"italic", TUI_ATTR_ITALIC},   {"underline", TUI_ATTR_UNDERLINE},
    {"reverse", TUI_ATTR_REVERSE}, {"standout", TUI_ATTR_STANDOUT},
};

void tui_theme_init(struct tui_theme *theme, const char *name)
{
	memset(theme, 0, sizeof(*theme));
	for (int r = 0; r < ROLE_COUNT; r++) {
		theme->role[r].fg = TUI_COLOR_DEFAULT;
		theme->role[r].bg = TUI_COLOR_DEFAULT;
	}
	/* The built-in text is known good. */
	tui_theme_parse(theme, tui_theme_default_text, "built-in", NULL);
	snprintf(theme->name, sizeof(theme->name), "%s",
		 name ? name : "default");
}

static int parse_color(const char *w, int *c)
{
	char *end;
	long v;

	if (!strcmp(w, "default")) {
		*c = TUI_COLOR_DEFAULT;
		return 0;
	}
	if (!strcmp(w, "grey") || !strcmp(w, "gray")) {
		*c = 8;
		return 0;
	}
	for (int i = 0; i < 16; i++)
		if (!strcmp(w, color_names[i])) {
			*c = i;
			return 0;
		}
	if (w[0] == '#') {
		if (strlen(w) != 7)
			return -1;
		for (int i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)w[i]))
				return -1;
		*c = TUI_RGB_FLAG | (int)strtol(w + 1, NULL, 16);
		return 0;
	}
	if (!strncmp(w, "color", 5) || !strncmp(w, "colour", 6))
		w += w[4] == 'r' ? 5 : 6;
	if (!isdigit((unsigned char)w[0]))
		return -1;
	v = strtol(w, &end, 10);
	if (*end || v < 0 || v > 255)
		return -1;
	*c = (int)v;
	return 0;
}

int tui_style_parse(const char *value, struct tui_style *st,
		    struct fm_error *err)
{
	struct tui_style s = {TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, 0};
	char buf[256], *save = NULL, *w;
	int want_bg = 0, have_fg = 0;

	snprintf(buf, sizeof(buf), "%s", value);
	for (w = strtok_r(buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		size_t k;
		int c;

		if (!strcmp(w, "on")) {
			if (want_bg)
				return fm_error_set(err, FM_EINVAL,
						    "'on' twice");
			want_bg = 1;
			continue;
		}
		for (k = 0; k < sizeof(attr_names) / sizeof(attr_names[0]); k++)
			if (!strcmp(w, attr_names[k].name))
				break;
		if (k < sizeof(attr_names) / sizeof(attr_names[0])) {
			if (want_bg == 1)
				return fm_error_set(
				    err, FM_EINVAL,
				    "'on' must be followed by a colour");
			s.attrs |= attr_names[k].bit;
			continue;
		}
		if (parse_color(w, &c) < 0)
			return fm_error_set(err, FM_EINVAL,
					    "unknown colour or attribute '%s'",
					    w);
		if (want_bg == 1) {
			s.bg = c;
			want_bg = 2;
		} else if (!have_fg && !want_bg) {
			s.fg = c;
			have_fg = 1;
		} else {
			return fm_error_set(err, FM_EINVAL, "extra colour '%s'",
					    w);
		}
	}
	if (want_bg == 1)
		return fm_error_set(err, FM_EINVAL,
				    "'on' must be followed by a colour");
	*st = s;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int tui_theme_parse(struct tui_theme *theme, const char *text,
		    const char *origin, struct fm_error *err)
{
	const char *p = text;
	int lineno = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512], *hash, *eq, *key, *val;
		struct tui_style st;
		struct fm_error e2 = {0};
		int role;

		lineno++;
		if (len >= sizeof(line))
			return fm_error_set(err, FM_EINVAL,
					    "%s:%d: line too long", origin,
					    lineno);
		memcpy(line, p, len);
		line[len] = 0;
		p += len + (nl ? 1 : 0);
		if ((hash = strchr(line, '#')) &&
		    (hash == line || isspace((unsigned char)hash[-1])))
			*hash = 0;
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq)
			return fm_error_set(err, FM_EINVAL,
					    "%s:%d: expected 'role = colours'",
					    origin, lineno);
		*eq = 0;
		key = trim(key);
		val = trim(eq + 1);
		role = tui_role_lookup(key);
		if (role < 0)
			return fm_error_set(err, FM_EINVAL,
					    "%s:%d: unknown role '%s'", origin,
					    lineno, key);
		if (tui_style_parse(val, &st, &e2) < 0)
			return fm_error_set(err, FM_EINVAL, "%s:%d: %s: %s",
					    origin, lineno, key, e2.msg);
		theme->role[role] = st;
	}
	return 0;
}

int tui_palette_rgb(int i)
{
	static const int base[16] = {
	    0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
	    0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
	    0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
	};
	static const int level[6] = {0, 95, 135, 175, 215, 255};

	if (i < 0)
		return 0;
	if (i < 16)
		return base[i];
	if (i < 232) {
		i -= 16;
		return level[i / 36] << 16 | level[(i / 6) % 6] << 8 |
		       level[i % 6];
	}
	if (i < 256) {
		int g = 8 + 10 * (i - 232);
		return g << 16 | g << 8 | g;
	}
	return 0xffffff;
}

int tui_color_nearest(int c, int n)
{
	int rgb, best = 0;
	long bestd = -1;

	if (c == TUI_COLOR_DEFAULT)
		return c;
	if (!(c & TUI_RGB_FLAG) && c < n)
		return c;
	if (!(c & TUI_RGB_FLAG) && c < 16 && n == 8)
		return c - 8; /* bright-X -> X (theme.c adds bold) */
	rgb = (c & TUI_RGB_FLAG) ? (c & 0xffffff) : tui_palette_rgb(c);
	for (int i = 0; i < n; i++) {
		int p = tui_palette_rgb(i);
		long dr = ((p >> 16) & 255) - ((rgb >> 16) & 255);
		long dg = ((p >> 8) & 255) - ((rgb >> 8) & 255);
		long db = (p & 255) - (rgb & 255);
		long d = dr * dr * 3 + dg * dg * 4 + db * db * 2;
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

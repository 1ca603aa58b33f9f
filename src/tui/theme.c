/*
 * theme.c - themes on curses: finding theme files, choosing the colour
 * mode (NO_COLOR, --color, 8/16/256/direct colour terminals), and
 * turning role styles into colour pairs (pair = role + 1).
 *
 * Theme directories, first match wins: $FLOWMODELS_THEMES,
 * $XDG_CONFIG_HOME/flowmodels/themes (~/.config/...), then next to the
 * executable: ../share/flowmodels/themes, themes, ../themes.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/buf.h"
#include "workbench.h"

#define MAX_DIRS 6

static int theme_dirs(char dirs[MAX_DIRS][PATH_MAX])
{
	const char *env = getenv("FLOWMODELS_THEMES");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char exe[PATH_MAX];
	ssize_t len;
	int n = 0;

	if (env && *env)
		snprintf(dirs[n++], PATH_MAX, "%s", env);
	if (xdg && *xdg)
		snprintf(dirs[n++], PATH_MAX, "%s/flowmodels/themes", xdg);
	else if (home && *home)
		snprintf(dirs[n++], PATH_MAX, "%s/.config/flowmodels/themes",
			 home);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		char *slash;
		exe[len] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(dirs[n++], PATH_MAX,
				 "%.*s/../share/flowmodels/themes",
				 PATH_MAX - 40, exe);
			snprintf(dirs[n++], PATH_MAX, "%.*s/themes",
				 PATH_MAX - 40, exe);
			snprintf(dirs[n++], PATH_MAX, "%.*s/../themes",
				 PATH_MAX - 40, exe);
		}
	}
	return n;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	struct fm_buf b = FM_BUF_INIT;
	char chunk[4096];
	size_t got;

	if (!f)
		return NULL;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < 65536)
		fm_buf_add(&b, chunk, got);
	fclose(f);
	fm_buf_addstr(&b, "");
	return fm_buf_detach(&b);
}

int tui_theme_load(const char *name, struct tui_theme *theme,
		   struct fm_error *err)
{
	char dirs[MAX_DIRS][PATH_MAX];
	char path[4300];
	const char *base;
	char *text = NULL;
	int n, rc;

	size_t nlen = strlen(name);

	if (strchr(name, '/') ||
	    (nlen > 6 && !strcmp(name + nlen - 6, ".theme"))) {
		snprintf(path, sizeof(path), "%s", name);
		text = read_text(path);
		if (!text)
			return fm_error_set(err, FM_ENOTFOUND,
					    "cannot read theme %s", name);
	} else {
		n = theme_dirs(dirs);
		for (int i = 0; i < n && !text; i++) {
			snprintf(path, sizeof(path), "%.4000s/%.200s.theme",
				 dirs[i], name);
			text = read_text(path);
		}
	}
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	tui_theme_init(theme, base);
	{
		char *dot = strstr(theme->name, ".theme");
		if (dot)
			*dot = 0;
	}
	if (!text) {
		if (!strcmp(name, "default"))
			return 0;
		if (!strcmp(name, "mono"))
			return tui_theme_parse(theme, tui_theme_mono_text,
					       "mono", err);
		{
			char **names = tui_theme_names();
			struct fm_buf list = FM_BUF_INIT;

			for (char **p = names; p && *p; p++)
				fm_buf_printf(&list, "%s%s",
					      p == names ? "" : ", ", *p);
			fm_buf_addstr(&list, "");
			rc = fm_error_set(err, FM_ENOTFOUND,
					  "unknown theme '%s' (themes: %s)",
					  name, fm_buf_str(&list));
			fm_buf_release(&list);
			tui_free_words(names);
			return rc;
		}
	}
	rc = tui_theme_parse(theme, text, path, err);
	free(text);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **tui_theme_names(void)
{
	char dirs[MAX_DIRS][PATH_MAX];
	char **v = NULL;
	size_t nv = 0, cap = 0;
	int n = theme_dirs(dirs);
	const char *builtin[] = {"default", "mono"};

	for (int i = -1; i < n; i++) {
		DIR *d = i >= 0 ? opendir(dirs[i]) : NULL;
		struct dirent *de;
		size_t k = 0;

		if (i >= 0 && !d)
			continue;
		for (;;) {
			char name[256];
			size_t len;
			int dup = 0;

			if (i < 0) {
				if (k >= 2)
					break;
				snprintf(name, sizeof(name), "%s",
					 builtin[k++]);
			} else {
				if (!(de = readdir(d)))
					break;
				len = strlen(de->d_name);
				if (len <= 6 ||
				    strcmp(de->d_name + len - 6, ".theme"))
					continue;
				snprintf(name, sizeof(name), "%.*s",
					 (int)(len - 6), de->d_name);
			}
			for (size_t j = 0; j < nv; j++)
				dup |= !strcmp(v[j], name);
			if (dup)
				continue;
			if (nv + 2 > cap) {
				char **nvp;
				cap = cap ? 2 * cap : 16;
				nvp = realloc(v, cap * sizeof(*v));
				if (!nvp)
					break;
				v = nvp;
			}
			v[nv++] = strdup(name);
			v[nv] = NULL;
		}
		if (d)
			closedir(d);
	}
	if (v)
		qsort(v, nv, sizeof(*v), cmp_str);
	return v;
}

void tui_color_setup(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	int want = t->color_pref > 0 || (t->color_pref == 0 && !(nc && *nc));

	t->color_mode = COLOR_OFF;
	if (!want || !has_colors())
		return;
	start_color();
	use_default_colors();
	if (COLORS >= 0x1000000)
		t->color_mode = COLOR_DIRECT;
	else if (COLORS >= 256)
		t->color_mode = COLOR_256;
	else if (COLORS >= 16)
		t->color_mode = COLOR_16;
	else
		t->color_mode = COLOR_8;
}

/* The terminal colour for theme colour c in the current mode. */
static int term_color(const struct tui *t, int c, int *bold)
{
	if (c == TUI_COLOR_DEFAULT)
		return -1;
	switch (t->color_mode) {
	case COLOR_8:
		if (bold && !(c & TUI_RGB_FLAG) && c >= 8 && c < 16)
			*bold = 1;
		return tui_color_nearest(c, 8);
	case COLOR_16:
		return tui_color_nearest(c, 16);
	case COLOR_256:
		return tui_color_nearest(c, 256);
	case COLOR_DIRECT:
		if (!(c & TUI_RGB_FLAG) && c < 8)
			return c;
		return (c & TUI_RGB_FLAG) ? (c & 0xffffff) : tui_palette_rgb(c);
	case COLOR_OFF:
		break;
	}
	return -1;
}

void tui_theme_apply(struct tui *t)
{
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct tui_style *st = &t->theme.role[r];
		attr_t a = 0;
		int bold = 0;

		if (st->attrs & TUI_ATTR_BOLD)
			a |= A_BOLD;
		if (st->attrs & TUI_ATTR_DIM)
			a |= A_DIM;
		if (st->attrs & TUI_ATTR_ITALIC)
			a |= A_ITALIC;
		if (st->attrs & TUI_ATTR_UNDERLINE)
			a |= A_UNDERLINE;
		if (st->attrs & TUI_ATTR_REVERSE)
			a |= A_REVERSE;
		if (st->attrs & TUI_ATTR_STANDOUT)
			a |= A_STANDOUT;
		if (t->color_mode != COLOR_OFF) {
			int fg = term_color(t, st->fg, &bold);
			int bg = term_color(t, st->bg, NULL);
			init_extended_pair(r + 1, fg, bg);
			a |= COLOR_PAIR(r + 1);
			if (bold)
				a |= A_BOLD;
		}
		t->attr[r] = a;
	}
}

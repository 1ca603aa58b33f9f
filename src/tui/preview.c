/*
 * preview.c - the chart as an image inside the chart panel: `preview`
 * and the key P.  The chart on screen goes through the export path
 * (chart-export.c, gnuplot's sixelgd terminal at the panel's size in
 * pixels) into a scratch file, whose sixel data is written to the
 * terminal right after the next doupdate, at the panel's top left.
 * curses does not know about the image: the next key (or a redraw of
 * the chart) throws those lines away (redrawwin) so that the text
 * chart comes back.
 *
 * Whether the terminal draws sixel is asked once (sixel.c: the device
 * attributes query), unless `set preview on` (always send) or `off`
 * (never).  The setting is the session's, so a saved session keeps it.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/fileout.h"
#include "sixel.h"
#include "workbench.h"

/* Whether the terminal draws sixel, asked once (keys typed meanwhile are
 * given back to curses). */
static int terminal_sixel(struct tui *t)
{
	char other[64];
	size_t n = 0;

	if (t->sixel == -2) {
		t->sixel = tui_sixel_query(t->tty_in, t->tty_out, 400, other,
					   sizeof(other), &n);
		while (n > 0)
			ungetch((unsigned char)other[--n]);
	}
	return t->sixel == 1;
}

/* The chart panel's inside in pixels (the terminal's cell size, else a
 * common 10x20). */
static void panel_pixels(struct tui *t, int *w, int *h)
{
	struct winsize ws;
	int cw = 10, ch = 20;

	if (ioctl(t->tty_out, TIOCGWINSZ, &ws) == 0 && ws.ws_xpixel &&
	    ws.ws_ypixel && ws.ws_col && ws.ws_row) {
		cw = ws.ws_xpixel / ws.ws_col;
		ch = ws.ws_ypixel / ws.ws_row;
	}
	*w = (getmaxx(t->w_chart) - 2) * cw;
	*h = (getmaxy(t->w_chart) - 2) * ch;
}

/* Render the chart on screen as sixel into t->preview. */
static int render(struct tui *t, struct fm_error *err)
{
	char name[260], dir[4096], path[4200];
	const char *tmp = getenv("TMPDIR");
	struct sess_chart_req req = {0};
	int r = 0;

	tui_chart_names(t, name, sizeof(name));
	snprintf(dir, sizeof(dir), "%s/flowmodels-preview.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return fm_error_set(err, FM_EIO, "%s: cannot create: %m", dir);
	snprintf(path, sizeof(path), "%s/chart.six", dir);
	req.path = path;
	req.ext = "six";
	req.selected = name[0] ? name : NULL;
	req.day = (int)t->series_day + 1; /* the day on screen (a series) */
	panel_pixels(t, &req.width, &req.height);
	r = tui_chart_export(NULL, t->sess, &req, err);
	free(t->preview);
	t->preview = NULL;
	if (r == 0)
		r = fm_file_read_all(path, FM_READ_MAX_TEXT, &t->preview,
				     &t->preview_len, err);
	fm_rm_rf(dir);
	return r;
}

void tui_preview(struct tui *t)
{
	const char *mode = sess_setting(t->sess, "preview");
	struct fm_error err = {0};

	if (mode && !strcmp(mode, "off")) {
		tui_log(t, ROLE_MSG_WARN,
			"preview: off (set preview auto asks the terminal "
			"whether it draws images)");
		return;
	}
	if ((!mode || strcmp(mode, "on")) && !terminal_sixel(t)) {
		tui_log(t, ROLE_MSG_WARN,
			"preview: this terminal draws no images (%s); export "
			"chart -O FILE.png writes one, set preview on sends "
			"sixel anyway",
			t->sixel < 0 ? "no answer to the device attributes "
				       "query ESC [ c"
				     : "its device attributes list no sixel");
		return;
	}
	if (render(t, &err) < 0) {
		tui_log(t, ROLE_MSG_ERROR, "preview: %s", err.msg);
		return;
	}
	tui_log(t, ROLE_MSG_INFO,
		"preview: the chart as an image (any key brings the text "
		"chart back)");
	t->dirty |= DIRTY_INFO;
}

void tui_preview_flush(struct tui *t)
{
	char pos[32];
	int y, x, n;

	if (!t->preview)
		return;
	getbegyx(t->w_chart, y, x);
	n = snprintf(pos, sizeof(pos), "\0337\033[%d;%dH", y + 2, x + 2);
	if (write(t->tty_out, pos, (size_t)n) == n &&
	    write(t->tty_out, t->preview, t->preview_len) ==
		(ssize_t)t->preview_len &&
	    write(t->tty_out, "\0338", 2) == 2)
		t->preview_shown = 1;
	free(t->preview);
	t->preview = NULL;
}

void tui_preview_clear(struct tui *t)
{
	if (!t->preview_shown)
		return;
	t->preview_shown = 0;
	redrawwin(t->w_chart); /* its lines on the terminal are the image's */
	t->dirty |= DIRTY_CHART;
}

/*
 * prompt.c - the command line: GNU readline through its callback
 * interface, with ncurses owning the screen.
 *
 * Readline never touches the terminal here: its terminal preparation is
 * switched off (curses has the tty in raw mode), its output goes to
 * /dev/null, it reads bytes from a small queue that the main loop fills
 * from curses keys (arrow and editing keys turned back into the ANSI
 * sequences readline binds), and its redisplay hook only marks the
 * prompt dirty: the main loop draws rl_line_buffer and rl_point into the
 * prompt window.  Tab is not readline's: complete.c decides what the word
 * at the cursor completes to; a second Tab lists the candidates in the
 * messages (in the pager when they are many).  emacs/vi modes
 * and bindings come from inputrc ($if flowmodels).  History persists in
 * $XDG_STATE_HOME/flowmodels/history, with literal keys redacted
 * (cmd_redact) before a line enters it.
 *
 * Readline is one global state, so this module is too (UI thread only).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "flowmodels/anonymize.h"
#include "flowmodels/buf.h"
#include "cmd/cmd.h"
#include "complete.h"
#include "workbench.h"

#define PROMPT_SIGN "fm> "

static struct tui *the_tui;
static unsigned char inq[64];
static size_t inq_head, inq_len;
static char *hist_path;
static FILE *devnull;
static int scroll_col;

static void tab(struct tui *t);

static int prompt_getc(FILE *f)
{
	unsigned char c;

	(void)f;
	if (!inq_len)
		return EOF;
	c = inq[inq_head];
	inq_head = (inq_head + 1) % sizeof(inq);
	inq_len--;
	return c;
}

static int prompt_input_available(void)
{
	return inq_len > 0;
}

static void prompt_redisplay(void)
{
	if (the_tui)
		the_tui->dirty |= DIRTY_PROMPT;
}

static void push_bytes(const char *s, size_t n)
{
	for (size_t i = 0; i < n && inq_len < sizeof(inq); i++) {
		inq[(inq_head + inq_len) % sizeof(inq)] = (unsigned char)s[i];
		inq_len++;
	}
	while (inq_len)
		rl_callback_read_char();
}

void tui_prompt_key(int key)
{
	static const struct {
		int key;
		const char *seq;
	} keys[] = {
	    {KEY_UP, "\033[A"},	    {KEY_DOWN, "\033[B"},
	    {KEY_RIGHT, "\033[C"},  {KEY_LEFT, "\033[D"},
	    {KEY_HOME, "\033[H"},   {KEY_END, "\033[F"},
	    {KEY_DC, "\033[3~"},    {KEY_BACKSPACE, "\177"},
	    {KEY_ENTER, "\r"},	    {KEY_PPAGE, "\033[5~"},
	    {KEY_NPAGE, "\033[6~"},
	};
	char c;

	if (key == '\t') {
		tab(the_tui);
		return;
	}
	if (key >= 0 && key < 256) {
		c = (char)key;
		push_bytes(&c, 1);
		return;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].key == key) {
			push_bytes(keys[i].seq, strlen(keys[i].seq));
			return;
		}
}

void tui_prompt_set(const char *text)
{
	rl_replace_line(text, 0);
	rl_point = rl_end;
	if (the_tui)
		the_tui->dirty |= DIRTY_PROMPT;
}

const char *tui_prompt_line(void)
{
	return rl_line_buffer ? rl_line_buffer : "";
}

/* Add a typed line to the history (and its file), a literal key
 * redacted: the file outlives the session and is read by any later one. */
static void remember(const char *line)
{
	struct fm_buf red = FM_BUF_INIT;
	int r = cmd_redact(line, &red);
	const char *keep = r > 0 ? fm_buf_str(&red) : line;
	HIST_ENTRY *last = history_length > 0
			       ? history_get(history_base + history_length - 1)
			       : NULL;

	if (r != 0)
		fm_anon_no_dump(); /* a literal key is in memory now */
	if (r >= 0 && (!last || strcmp(last->line, keep) != 0)) {
		add_history(keep);
		if (hist_path)
			append_history(1, hist_path);
	}
	fm_buf_release(&red);
}

static void on_line(char *line)
{
	struct tui *t = the_tui;

	if (!line) {
		/* Ctrl-D on an empty line: like quit */
		tui_command(t, "quit");
		return;
	}
	if (*line)
		remember(line);
	tui_command(t, line);
	free(line);
	t->dirty |= DIRTY_PROMPT;
}

/* ---- completion (complete.c decides, readline's line is edited) ---- */

static char *tab_line; /* the line and cursor after the last Tab */
static int tab_point = -1;

/* The session's object names (NULL-terminated, malloc'ed). */
static char **object_names(struct tui *t)
{
	char **v;
	size_t n;

	if (!t || !t->sess)
		return calloc(1, sizeof(char *));
	sess_lock(t->sess);
	n = sess_count(t->sess);
	v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++)
		v[i] = strdup(sess_at(t->sess, i)->name);
	sess_unlock(t->sess);
	return v;
}

/* The candidates, listed in columns: in the messages, or in the pager
 * when they are more than the message area shows. */
static void list_candidates(struct tui *t, const struct tui_completion *c)
{
	int width = t->w_info ? getmaxx(t->w_info) - 4 : t->cols - 4;
	size_t nl = 0;
	char **lines = tui_complete_columns(c->cands, c->n, width, &nl);
	struct fm_buf b = FM_BUF_INIT;

	if (!lines)
		return;
	fm_buf_printf(&b, "%zu completions of '%s'", c->n, tui_prompt_line());
	tui_log(t, ROLE_PANEL_DIM, "%s:", fm_buf_str(&b));
	for (size_t i = 0; i < nl; i++)
		tui_log(t, ROLE_PANEL_DIM, "  %s", lines[i]);
	tui_pager_offer(t, fm_buf_str(&b), lines, nl);
	fm_buf_release(&b);
}

/* Tab: complete the word at the cursor; a second Tab that cannot add
 * anything lists the candidates (readline's convention). */
static void tab(struct tui *t)
{
	static const char *const none[] = {NULL};
	char **objs = object_names(t), **themes = tui_theme_names();
	struct tui_complete_src src = {
	    (const char *const *)(objs ? objs : (char **)none),
	    tui_builtin_commands,
	    (const char *const *)(themes ? themes : (char **)none), NULL};
	struct tui_completion c;
	const char *line = tui_prompt_line();
	int again =
	    tab_line && !strcmp(tab_line, line) && tab_point == rl_point;

	if (tui_complete(line, (size_t)rl_point, &src, &c) == 0) {
		if (c.n && c.progress) {
			rl_begin_undo_group();
			rl_delete_text((int)c.start, rl_point);
			rl_point = (int)c.start;
			rl_insert_text(c.insert);
			rl_end_undo_group();
		} else if (c.n > 1 && again && t) {
			list_candidates(t, &c);
		}
		tui_completion_release(&c);
	}
	free(tab_line);
	tab_line = strdup(tui_prompt_line());
	tab_point = rl_point;
	tui_free_words(objs);
	tui_free_words(themes);
	if (t)
		t->dirty |= DIRTY_PROMPT;
}

/* ---- set-up ---- */

char *tui_history_path(void)
{
	const char *st = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct fm_buf b = FM_BUF_INIT;

	if (st && *st)
		fm_buf_printf(&b, "%s/flowmodels/history", st);
	else if (home && *home)
		fm_buf_printf(&b, "%s/.local/state/flowmodels/history", home);
	else
		return NULL;
	return fm_buf_detach(&b);
}

/* mkdir -p of the directory part of path. */
static void make_parent(const char *path)
{
	char *p = strdup(path), *s;

	if (!p)
		return;
	for (s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0700);
			*s = '/';
		}
	free(p);
}

int tui_prompt_init(struct tui *t, const char *history_path)
{
	the_tui = t;
	devnull = fopen("/dev/null", "w");
	rl_readline_name = "flowmodels";
	rl_instream = stdin;
	rl_outstream = devnull ? devnull : stderr;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = prompt_getc;
	rl_input_available_hook = prompt_input_available;
	rl_redisplay_function = prompt_redisplay;
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("enable-bracketed-paste", "off");
	using_history();
	if (history_path) {
		int fd;
		hist_path = strdup(history_path);
		make_parent(history_path);
		fd = open(history_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0)
			close(fd);
		read_history(history_path);
	}
	rl_callback_handler_install(PROMPT_SIGN, on_line);
	rl_set_screen_size(1, t->cols > 0 ? t->cols : 80);
	return 0;
}

void tui_prompt_end(void)
{
	rl_callback_handler_remove();
	if (hist_path) {
		history_truncate_file(hist_path, 1000);
		free(hist_path);
		hist_path = NULL;
	}
	free(tab_line);
	tab_line = NULL;
	if (devnull) {
		rl_outstream = stderr;
		fclose(devnull);
		devnull = NULL;
	}
	the_tui = NULL;
}

/* ---- drawing ---- */

/* Display width of the UTF-8 bytes s[0..n). */
static int text_width(const char *s, size_t n)
{
	mbstate_t st;
	int w = 0;

	memset(&st, 0, sizeof(st));
	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			k = 1;
			cw = 1;
		} else {
			if (k == 0)
				k = 1;
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += cw;
		s += k;
		n -= k;
	}
	return w;
}

void tui_prompt_draw(struct tui *t, WINDOW *w)
{
	const char *line = tui_prompt_line();
	int cols = getmaxx(w), sign = (int)strlen(PROMPT_SIGN);
	int avail = cols - sign - 1, cur, col = 0;
	size_t len = strlen(line), i = 0;
	mbstate_t st;

	werase(w);
	wbkgdset(w, ' ' | t->attr[ROLE_PROMPT]);
	werase(w);
	if (t->confirm_quit) {
		wattrset(w, t->attr[ROLE_MSG_WARN]);
		mvwaddnstr(w, 0, 0,
			   t->job ? "a job is running and will be cancelled: "
				    "quit anyway? [y/N] "
				  : "unsaved work: quit anyway? [y/N] ",
			   cols - 1);
		wattrset(w, t->attr[ROLE_PROMPT]);
		return;
	}
	if (t->fit) { /* the prompt does not look active meanwhile */
		wattrset(w, t->attr[ROLE_PANEL_DIM]);
		mvwaddnstr(w, 0, 0,
			   t->fit_start ? "fm: keys go to the fit view (Esc "
					  "quits)"
					: "fm: keys go to the fit view (Esc "
					  "closes it, then type commands)",
			   cols - 1);
		wattrset(w, t->attr[ROLE_PROMPT]);
		return;
	}
	wattrset(w, t->attr[ROLE_PROMPT_SIGN]);
	mvwaddstr(w, 0, 0, PROMPT_SIGN);
	wattrset(w, t->attr[ROLE_PROMPT]);
	if (avail < 4)
		return;
	cur = text_width(line, (size_t)(rl_point < 0	      ? 0
					: rl_point > (int)len ? (int)len
							      : rl_point));
	if (cur - scroll_col >= avail)
		scroll_col = cur - avail + 1;
	if (cur < scroll_col)
		scroll_col = cur;
	memset(&st, 0, sizeof(st));
	while (i < len) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, line + i, len - i, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			k = 1;
			cw = 1;
			wc = '?';
		} else {
			cw = wcwidth(wc);
			if (cw < 0) {
				cw = 1;
				wc = '?';
			}
		}
		if (col >= scroll_col && col + cw - scroll_col <= avail) {
			cchar_t cc;
			wchar_t ws[2] = {wc, 0};
			setcchar(&cc, ws, 0, 0, NULL);
			mvwadd_wch(w, 0, sign + col - scroll_col, &cc);
		}
		col += cw;
		i += k;
	}
	wmove(w, 0, sign + cur - scroll_col);
}

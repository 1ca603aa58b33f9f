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
 * prompt window.  Completion lists go to the info panel.  emacs/vi modes
 * and bindings come from inputrc ($if flowmodels).  History persists in
 * $XDG_STATE_HOME/flowmodels/history, with literal keys redacted
 * (cmd_redact) before a line enters it.
 *
 * Readline is one global state, so this module is too (UI thread only).
 */
#include <ctype.h>
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
#include "flowmodels/flow.h"
#include "cmd/cmd.h"
#include "workbench.h"

#define PROMPT_SIGN "fm> "

static struct tui *the_tui;
static unsigned char inq[64];
static size_t inq_head, inq_len;
static char *hist_path;
static FILE *devnull;
static int scroll_col;

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

/* ---- completion ---- */

static char **cands;
static size_t ncands, cand_i;

static void cands_reset(void)
{
	for (size_t i = 0; i < ncands; i++)
		free(cands[i]);
	free(cands);
	cands = NULL;
	ncands = cand_i = 0;
}

static void cand_add(const char *s, const char *text)
{
	char **nc;

	if (strncmp(s, text, strlen(text)) != 0)
		return;
	for (size_t i = 0; i < ncands; i++)
		if (!strcmp(cands[i], s))
			return;
	nc = realloc(cands, (ncands + 1) * sizeof(*cands));
	if (!nc)
		return;
	cands = nc;
	cands[ncands++] = strdup(s);
}

static char *cand_gen(const char *text, int state)
{
	(void)text;
	if (!state)
		cand_i = 0;
	while (cand_i < ncands) {
		char *s = cands[cand_i++];
		if (s)
			return strdup(s);
	}
	return NULL;
}

/* Candidates from a "a|b|c" hint. */
static void cand_choices(const char *hint, const char *text)
{
	const char *p = hint;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		char w[128];

		snprintf(w, sizeof(w), "%.*s", (int)len, p);
		cand_add(w, text);
		p += len + (bar ? 1 : 0);
	}
}

static const struct cmd_opt *find_opt(const struct cmd_entry *e, const char *w)
{
	if (!e || w[0] != '-')
		return NULL;
	for (const struct cmd_opt *o = e->opts; o->long_name; o++) {
		if (w[1] == '-' && !strcmp(w + 2, o->long_name))
			return o;
		if (w[1] != '-' && w[1] == o->short_name && !w[2])
			return o;
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	char **words = NULL, *head;
	int nwords = 0;
	const struct cmd_entry *e = NULL;
	const struct cmd_opt *prev = NULL;
	struct fm_error err = {0};

	(void)end;
	cands_reset();
	rl_attempted_completion_over = 1;
	head = strndup(rl_line_buffer, (size_t)start);
	if (head)
		tui_split_words(head, &words, &nwords, &err);
	free(head);
	if (nwords == 0) {
		/* the command word */
		for (const struct cmd_entry *const *c = cmd_table; *c; c++) {
			cand_add((*c)->name, text);
			if ((*c)->alias &&
			    isalpha((unsigned char)(*c)->alias[0]))
				cand_add((*c)->alias, text);
		}
		for (const char *const *b = tui_builtin_commands; *b; b++)
			cand_add(*b, text);
		goto done;
	}
	if (!strcmp(words[0], "theme")) {
		char **names = tui_theme_names();
		for (char **p = names; p && *p; p++)
			cand_add(*p, text);
		tui_free_words(names);
		goto done;
	}
	if (!strcmp(words[0], "help")) {
		for (const struct cmd_entry *const *c = cmd_table; *c; c++)
			cand_add((*c)->name, text);
		goto done;
	}
	if (!strcmp(words[0], "set")) {
		if (nwords == 1) {
			cand_add("charset", text);
			cand_add("echo", text);
		} else if (!strcmp(words[1], "charset"))
			cand_choices("braille|block|ascii", text);
		goto done;
	}
	e = cmd_find(words[0], &err);
	prev = find_opt(e, words[nwords - 1]);
	if (prev && prev->type != CMD_OPT_FLAG) {
		const char *hint = prev->complete;
		if (!hint || cmd_opt_is_path(prev)) {
			rl_attempted_completion_over = 0; /* file names */
		} else if (!strcmp(hint, "field")) {
			for (int f = 0; f < FM_NFIELDS; f++)
				cand_add(fm_field_name(f), text);
		} else {
			cand_choices(hint, text);
		}
		goto done;
	}
	if (e && text[0] == '-') {
		char w[96];
		for (const struct cmd_opt *o = e->opts; o->long_name; o++) {
			snprintf(w, sizeof(w), "--%s", o->long_name);
			cand_add(w, text);
		}
		goto done;
	}
	/* positional: object names, else file names (readline's own) */
	if (the_tui && the_tui->sess) {
		sess_lock(the_tui->sess);
		for (size_t i = 0; i < sess_count(the_tui->sess); i++)
			cand_add(sess_at(the_tui->sess, i)->name, text);
		sess_unlock(the_tui->sess);
	}
	if (!ncands)
		rl_attempted_completion_over = 0;
done:
	tui_free_words(words);
	if (rl_attempted_completion_over == 0 && !ncands)
		return NULL;
	if (!ncands) {
		return NULL;
	}
	return rl_completion_matches(text, cand_gen);
}

static void show_matches(char **matches, int num, int max_len)
{
	struct fm_buf b = FM_BUF_INIT;

	(void)max_len;
	fm_buf_printf(&b, "%d completions:", num);
	for (int i = 1; i <= num && i <= 200; i++)
		fm_buf_printf(&b, " %s", matches[i]);
	if (num > 200)
		fm_buf_addstr(&b, " ...");
	fm_buf_addstr(&b, "");
	tui_log(the_tui, ROLE_PANEL_DIM, "%s", fm_buf_str(&b));
	fm_buf_release(&b);
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
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
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
	cands_reset();
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
			   "fm: keys go to the fit view (Esc closes it, "
			   "then type commands)",
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

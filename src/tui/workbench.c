/*
 * workbench.c - the interactive workbench: start-up (options, terminal,
 * theme, readline), the main loop, keys and focus, and the workbench's
 * own commands (help, theme, set charset, clear, quit).  Every other line
 * typed at the prompt runs as a job (run.h) on a worker thread.
 *
 * The main loop poll()s the tty, the wake-up pipe the workers write to
 * when a job ends, and a timer (10 Hz while a job runs, for its progress
 * bar); it handles every pending key, collects finished jobs and redraws
 * the dirty panels with one doupdate per pass.  No key ever waits for a
 * job.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/buf.h"
#include "cmd/cmd.h"
#include "workbench.h"

#ifndef FLOWMODELS_VERSION
#define FLOWMODELS_VERSION "0.0.0"
#endif

const char *const tui_builtin_commands[] = {
	"help", "theme", "set", "clear", "quit", "exit", NULL
};

static const char *const charset_names[] = { "braille", "block", "ascii" };

/* ---- messages ---- */

static void log_line(struct tui *t, int role, const char *s, size_t len)
{
	struct tui_line *l;
	char *text;
	size_t o = 0;

	if (t->nlog == TUI_LOG_MAX) {
		free(t->log[0].text);
		memmove(t->log, t->log + 1, (TUI_LOG_MAX - 1) * sizeof(*t->log));
		t->nlog--;
	}
	if (!t->log) {
		t->log = calloc(TUI_LOG_MAX, sizeof(*t->log));
		if (!t->log)
			return;
	}
	text = malloc(len * 4 + 1);
	if (!text)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r') {      /* a progress line rewritten: keep the last */
			o = 0;
			continue;
		}
		if (s[i] == '\t') {
			do
				text[o++] = ' ';
			while (o % 4);
			continue;
		}
		if (s[i] == '\033')
			continue;
		text[o++] = s[i];
	}
	text[o] = 0;
	l = &t->log[t->nlog++];
	l->text = text;
	l->role = role;
	t->dirty |= DIRTY_INFO;
}

static void log_text(struct tui *t, int role, const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		log_line(t, role, s, len);
		s += len + (nl ? 1 : 0);
	}
}

void tui_log(struct tui *t, int role, const char *fmt, ...)
{
	struct fm_buf b = FM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	fm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fm_buf_addstr(&b, "");
	log_text(t, role, fm_buf_str(&b));
	fm_buf_release(&b);
}

/* ---- jobs ---- */

static void start_job(struct tui *t, const char *line)
{
	struct fm_error err = { 0 };

	if (t->job) {
		char **q = realloc(t->queue, (t->nqueue + 1) * sizeof(*q));
		if (!q)
			return;
		t->queue = q;
		t->queue[t->nqueue++] = strdup(line);
		tui_log(t, ROLE_PANEL_DIM, "queued after %s: %s", tui_job_name(t->job),
			line);
		t->dirty |= DIRTY_STATUS;
		return;
	}
	if (tui_job_start(line, t->wake[1], &t->job, &err) < 0) {
		tui_log(t, ROLE_MSG_ERROR, "%s", err.msg);
		return;
	}
	t->dirty |= DIRTY_STATUS;
}

static void collect_job(struct tui *t)
{
	const char *out, *errtext;
	int status, cancelled;
	double secs;

	if (!t->job || !tui_job_done(t->job))
		return;
	cancelled = tui_job_cancelled(t->job);
	secs = tui_job_elapsed(t->job);
	status = tui_job_finish(t->job, &out, &errtext);
	log_text(t, ROLE_MSG_INFO, out);
	for (const char *s = errtext; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		int role = status ? ROLE_MSG_ERROR : ROLE_MSG_INFO;
		char *line = strndup(s, len);

		if (line && strstr(line, "warning:"))
			role = ROLE_MSG_WARN;
		if (line)
			log_line(t, role, line, len);
		free(line);
		s += len + (nl ? 1 : 0);
	}
	if (cancelled && status)
		tui_log(t, ROLE_MSG_WARN, "%s: cancelled after %.1f s",
			tui_job_name(t->job), secs);
	tui_job_free(t->job);
	t->job = NULL;
	t->dirty |= DIRTY_STATUS | DIRTY_OBJECTS | DIRTY_CHART;
	if (t->nqueue) {
		char *next = t->queue[0];
		memmove(t->queue, t->queue + 1, (t->nqueue - 1) * sizeof(*t->queue));
		t->nqueue--;
		start_job(t, next);
		free(next);
	}
}

static void cancel_job(struct tui *t)
{
	if (!t->job) {
		tui_log(t, ROLE_PANEL_DIM, "no job running (Ctrl-C cancels a job; "
			"'quit' leaves)");
		return;
	}
	for (size_t i = 0; i < t->nqueue; i++)
		free(t->queue[i]);
	if (t->nqueue)
		tui_log(t, ROLE_MSG_WARN, "dropped %zu queued command%s", t->nqueue,
			t->nqueue == 1 ? "" : "s");
	t->nqueue = 0;
	tui_job_cancel(t->job);
	tui_log(t, ROLE_MSG_WARN, "cancelling %s...", tui_job_name(t->job));
	t->dirty |= DIRTY_STATUS;
}

/* ---- the workbench's own commands ---- */

static void request_quit(struct tui *t)
{
	if (t->job) {
		t->confirm_quit = 1;
		t->focus = FOCUS_PROMPT;
		t->dirty |= DIRTY_PROMPT | DIRTY_ALL;
		return;
	}
	t->quit = 1;
}

static void cmd_theme(struct tui *t, char **words, int n)
{
	struct fm_error err = { 0 };
	struct tui_theme th;

	if (n < 2) {
		char **names = tui_theme_names();
		struct fm_buf b = FM_BUF_INIT;
		for (char **p = names; p && *p; p++)
			fm_buf_printf(&b, " %s%s", *p, strcmp(*p, t->theme.name) ? "" : "*");
		fm_buf_addstr(&b, "");
		tui_log(t, ROLE_MSG_INFO, "themes:%s", fm_buf_str(&b));
		fm_buf_release(&b);
		tui_free_words(names);
		return;
	}
	if (tui_theme_load(words[1], &th, &err) < 0) {
		tui_log(t, ROLE_MSG_ERROR, "theme: %s", err.msg);
		return;
	}
	t->theme = th;
	if (t->color_mode == COLOR_OFF)
		tui_log(t, ROLE_MSG_WARN, "theme %s: colours are off (NO_COLOR, "
			"--color=never or the terminal): attributes only", th.name);
	else
		tui_log(t, ROLE_MSG_INFO, "theme %s", th.name);
	tui_theme_apply(t);
	t->dirty = DIRTY_ALL;
	clearok(curscr, TRUE);
}

static void cmd_set(struct tui *t, char **words, int n)
{
	if (n < 2) {
		tui_log(t, ROLE_MSG_INFO, "charset = %s   (braille|block|ascii)",
			charset_names[t->charset]);
		return;
	}
	if (strcmp(words[1], "charset") != 0) {
		tui_log(t, ROLE_MSG_ERROR, "set: unknown setting '%s' (settings: charset)",
			words[1]);
		return;
	}
	for (int i = 0; i < 3; i++)
		if (n == 3 && !strcmp(words[2], charset_names[i])) {
			t->charset = (enum chart_charset)i;
			tui_log(t, ROLE_MSG_INFO, "charset = %s", charset_names[i]);
			t->dirty |= DIRTY_CHART;
			return;
		}
	tui_log(t, ROLE_MSG_ERROR, "set charset: expected braille, block or ascii");
}

static void cmd_help(struct tui *t, char **words, int n)
{
	struct fm_error err = { 0 };
	const struct cmd_entry *e;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (n < 2) {
		t->help_open = 1;
		t->help_scroll = 0;
		t->dirty = DIRTY_ALL;
		return;
	}
	e = cmd_find(words[1], &err);
	if (!e) {
		tui_log(t, ROLE_MSG_ERROR, "help: %s", err.msg);
		return;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return;
	cmd_print_help(e, f);
	fclose(f);
	log_text(t, ROLE_MSG_INFO, text);
	free(text);
}

void tui_command(struct tui *t, const char *line)
{
	struct fm_error err = { 0 };
	char **words;
	int n;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line)
		return;
	tui_log(t, ROLE_MSG_CMD, "> %s", line);
	t->log_scroll = 0;
	if (tui_split_words(line, &words, &n, &err) < 0) {
		tui_log(t, ROLE_MSG_ERROR, "%s", err.msg);
		return;
	}
	if (n == 0)
		;
	else if (!strcmp(words[0], "quit") || !strcmp(words[0], "q") ||
		 !strcmp(words[0], "exit"))
		request_quit(t);
	else if (!strcmp(words[0], "help") && n <= 2)
		cmd_help(t, words, n);
	else if (!strcmp(words[0], "theme"))
		cmd_theme(t, words, n);
	else if (!strcmp(words[0], "set"))
		cmd_set(t, words, n);
	else if (!strcmp(words[0], "clear")) {
		for (size_t i = 0; i < t->nlog; i++)
			free(t->log[i].text);
		t->nlog = 0;
		t->dirty |= DIRTY_INFO;
	} else
		start_job(t, line);
	tui_free_words(words);
}

/* ---- keys ---- */

static void set_focus(struct tui *t, int f)
{
	t->focus = (enum tui_focus)((f + FOCUS_COUNT) % FOCUS_COUNT);
	t->dirty |= DIRTY_OBJECTS | DIRTY_CHART | DIRTY_INFO | DIRTY_PROMPT;
}

static void set_view(struct tui *t, int v)
{
	t->view = v;
	t->dirty |= DIRTY_CHART;
}

static void help_key(struct tui *t, int ch)
{
	switch (ch) {
	case KEY_UP: t->help_scroll--; break;
	case KEY_DOWN: t->help_scroll++; break;
	case KEY_PPAGE: t->help_scroll -= t->rows / 2; break;
	case KEY_NPAGE: case ' ': t->help_scroll += t->rows / 2; break;
	case KEY_HOME: t->help_scroll = 0; break;
	case KEY_END: t->help_scroll = 1 << 20; break;
	case 27: case 'q': case KEY_F(1): case '?': case '\r': case '\n':
		t->help_open = 0;
		t->dirty = DIRTY_ALL;
		return;
	default:
		return;
	}
	t->dirty |= DIRTY_HELP;
}

static void panel_key(struct tui *t, int ch)
{
	switch (ch) {
	case 27: case ':':
		set_focus(t, FOCUS_PROMPT);
		return;
	case '?':
		t->help_open = 1;
		t->help_scroll = 0;
		t->dirty = DIRTY_ALL;
		return;
	case 'q':
		request_quit(t);
		return;
	}
	if (ch >= '1' && ch < '1' + TUI_VIEWS) {
		set_view(t, ch - '1');
		return;
	}
	if (t->focus == FOCUS_INFO) {
		size_t page = (size_t)(t->rows / 4);
		switch (ch) {
		case KEY_UP: t->log_scroll++; break;
		case KEY_DOWN: if (t->log_scroll) t->log_scroll--; break;
		case KEY_PPAGE: t->log_scroll += page; break;
		case KEY_NPAGE: t->log_scroll = t->log_scroll > page ? t->log_scroll - page : 0; break;
		case KEY_HOME: t->log_scroll = t->nlog; break;
		case KEY_END: t->log_scroll = 0; break;
		default: return;
		}
		t->dirty |= DIRTY_INFO;
	}
	if (t->focus == FOCUS_OBJECTS && t->nobjects) {
		switch (ch) {
		case KEY_UP: if (t->selected) t->selected--; break;
		case KEY_DOWN: if (t->selected + 1 < t->nobjects) t->selected++; break;
		case KEY_HOME: t->selected = 0; break;
		case KEY_END: t->selected = t->nobjects - 1; break;
		default: return;
		}
		t->dirty |= DIRTY_OBJECTS | DIRTY_CHART | DIRTY_STATUS;
	}
}

static void handle_key(struct tui *t, int ch)
{
	if (ch == KEY_RESIZE) {
		tui_layout(t);
		return;
	}
	if (t->confirm_quit) {
		t->confirm_quit = 0;
		t->dirty |= DIRTY_PROMPT;
		if (ch == 'y' || ch == 'Y') {
			if (t->job)
				tui_job_cancel(t->job);
			t->quit = 1;
		} else {
			tui_log(t, ROLE_PANEL_DIM, "quit cancelled");
		}
		return;
	}
	/* keys that work everywhere */
	switch (ch) {
	case 3:                           /* Ctrl-C */
		cancel_job(t);
		return;
	case 12:                          /* Ctrl-L */
		tui_layout(t);
		return;
	case KEY_F(1):
		t->help_open = !t->help_open;
		t->help_scroll = 0;
		t->dirty = DIRTY_ALL;
		return;
	}
	if (ch >= KEY_F(2) && ch <= KEY_F(8)) {
		set_view(t, ch - KEY_F(2));
		return;
	}
	if (t->help_open) {
		help_key(t, ch);
		return;
	}
	if (ch == KEY_BTAB) {
		set_focus(t, (int)t->focus - 1);
		return;
	}
	if (t->focus != FOCUS_PROMPT) {
		if (ch == '\t')
			set_focus(t, (int)t->focus + 1);
		else
			panel_key(t, ch);
		return;
	}
	/* the prompt: Tab on an empty line moves on, otherwise completes */
	if (ch == '\t' && !*tui_prompt_line()) {
		set_focus(t, FOCUS_OBJECTS);
		return;
	}
	tui_prompt_key(ch);
}

/* ---- start-up ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: flowmodels [--theme NAME|FILE] [--color=auto|always|never]\n"
		"                  [--charset braille|block|ascii]\n\n"
		"Opens the workbench (needs a terminal). Themes: default, dark, light,\n"
		"high-contrast, mono (themes/*.theme). NO_COLOR=1 turns colours off.\n"
		"'flowmodels --help' lists the commands; keys: docs/workbench-keys.md.\n");
}

int tui_is_option(const char *arg)
{
	return !strncmp(arg, "--theme", 7) || !strncmp(arg, "--color", 7) ||
	       !strncmp(arg, "--charset", 9);
}

/* "--name=value" or "--name value": the value, advancing *i. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(argv[*i], name, len) != 0)
		return NULL;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (argv[*i][len] == 0 && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

int tui_main(int argc, char **argv)
{
	struct tui t;
	const char *theme_name = "default", *v;
	struct fm_error err = { 0 };
	char *hist;
	int charset = CHART_BRAILLE;

	memset(&t, 0, sizeof(t));
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if ((v = opt_value(argc, argv, &i, "--theme"))) {
			theme_name = v;
		} else if ((v = opt_value(argc, argv, &i, "--color"))) {
			if (!strcmp(v, "auto"))
				t.color_pref = 0;
			else if (!strcmp(v, "always"))
				t.color_pref = 1;
			else if (!strcmp(v, "never"))
				t.color_pref = -1;
			else {
				fprintf(stderr, "flowmodels: --color: expected auto, always "
					"or never, got '%s'\n", v);
				return 2;
			}
		} else if ((v = opt_value(argc, argv, &i, "--charset"))) {
			charset = -1;
			for (int k = 0; k < 3; k++)
				if (!strcmp(v, charset_names[k]))
					charset = k;
			if (charset < 0) {
				fprintf(stderr, "flowmodels: --charset: expected braille, "
					"block or ascii, got '%s'\n", v);
				return 2;
			}
		} else {
			fprintf(stderr, "flowmodels: unknown workbench option '%s'\n",
				argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "flowmodels: the workbench needs a terminal "
			"('flowmodels --help' lists the one-shot commands)\n");
		return 2;
	}
	t.charset = (enum chart_charset)charset;
	if (tui_theme_load(theme_name, &t.theme, &err) < 0) {
		fprintf(stderr, "flowmodels: %s\n", err.msg);
		return 2;
	}
	if (pipe2(t.wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("flowmodels: pipe");
		return 1;
	}
	setlocale(LC_ALL, "");
	set_escdelay(25);
	if (!initscr()) {
		fprintf(stderr, "flowmodels: cannot initialise the terminal\n");
		return 1;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	refresh();
	tui_color_setup(&t);
	if (t.color_mode == COLOR_OFF && strcmp(t.theme.name, "mono") != 0) {
		tui_theme_init(&t.theme, "mono");
		tui_theme_parse(&t.theme, tui_theme_mono_text, "mono", NULL);
	}
	tui_theme_apply(&t);
	tui_layout(&t);
	hist = tui_history_path();
	tui_prompt_init(&t, hist);
	free(hist);
	tui_log(&t, ROLE_MSG_INFO, "flowmodels %s workbench: type a command below "
		"(Tab completes), F1 for help, 'quit' to leave", FLOWMODELS_VERSION);
	if (t.color_mode == COLOR_OFF)
		tui_log(&t, ROLE_PANEL_DIM, "colours off (%s): mono theme",
			t.color_pref < 0 ? "--color=never" :
			getenv("NO_COLOR") && *getenv("NO_COLOR") ? "NO_COLOR" :
			"terminal without colours");

	while (!t.quit) {
		struct pollfd pfd[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = t.wake[0], .events = POLLIN },
		};
		int ch;

		tui_draw(&t);
		if (poll(pfd, 2, t.job ? 100 : 1000) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			char buf[64];
			while (read(t.wake[0], buf, sizeof(buf)) > 0)
				;
		}
		while ((ch = getch()) != ERR) {
			handle_key(&t, ch);
			if (t.quit)
				break;
		}
		collect_job(&t);
		if (t.job)
			t.dirty |= DIRTY_STATUS;
	}

	for (size_t i = 0; i < t.nqueue; i++)
		free(t.queue[i]);
	t.nqueue = 0;
	if (t.job) {
		/* wait up to 2 s for the worker to notice the cancel; a job
		 * blocked in a read ends with the process */
		tui_job_cancel(t.job);
		for (int i = 0; i < 20 && !tui_job_done(t.job); i++) {
			struct pollfd pfd = { .fd = t.wake[0], .events = POLLIN };
			poll(&pfd, 1, 100);
		}
		if (tui_job_done(t.job))
			collect_job(&t);
	}
	tui_prompt_end();
	endwin();
	for (size_t i = 0; i < t.nlog; i++)
		free(t.log[i].text);
	free(t.log);
	free(t.queue);
	close(t.wake[0]);
	close(t.wake[1]);
	return 0;
}

/*
 * workbench.c - the interactive workbench: start-up (options, terminal,
 * theme, readline), the main loop, keys and focus, and the workbench's
 * own commands (help, theme, clear, quit).  Every other line typed at the
 * prompt runs in the session (src/cmd/session.h) as a job on a worker
 * thread (src/cmd/job.h).
 *
 * The main loop poll()s the tty, the wake-up pipe the workers write to
 * when a job ends, and a timer (10 Hz while a job runs, for its progress
 * bar); it handles every pending key, collects finished jobs and redraws
 * the dirty panels with one doupdate per pass.  No key ever waits for a
 * job.  SIGHUP (the terminal went away) and SIGTERM end the loop as
 * 'quit' does, so the session's scratch files and the demo's go too.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "flowmodels/buf.h"
#include "flowmodels/fileops.h"
#include "cmd/cmd.h"
#include "keys.h"
#include "live.h"
#include "refit.h"
#include "workbench.h"

/* set by SIGHUP and SIGTERM: leave the main loop */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* No SA_RESTART: the main loop's poll returns at once (EINTR). */
static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

#include "fm-version.h" /* FLOWMODELS_VERSION, generated */

const char *const tui_builtin_commands[] = {"help", "theme", "clear", "preview",
					    "quit", "exit",  NULL};

static const char *const charset_names[] = {"braille", "block", "ascii"};

/* ---- messages ---- */

static void log_line(struct tui *t, int role, const char *s, size_t len)
{
	struct tui_line *l;
	char *text;
	size_t o = 0;

	if (t->nlog == TUI_LOG_MAX) {
		free(t->log[0].text);
		memmove(t->log, t->log + 1,
			(TUI_LOG_MAX - 1) * sizeof(*t->log));
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
		if (s[i] ==
		    '\r') { /* a progress line rewritten: keep the last */
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
	size_t lines = 0;

	/* Only the last TUI_LOG_MAX lines could be kept: skip to them. */
	for (const char *p = s; *p; p++)
		lines += *p == '\n';
	if (lines > TUI_LOG_MAX) {
		size_t skip = lines - TUI_LOG_MAX;
		char note[64];

		for (size_t k = 0; k < skip; k++)
			s = strchr(s, '\n') + 1;
		snprintf(note, sizeof(note), "(%zu earlier lines not shown)",
			 skip);
		log_line(t, ROLE_PANEL_DIM, note, strlen(note));
	}
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

/* Worker thread: the job ended; wake the main loop. */
static void job_done(void *arg)
{
	struct tui *t = arg;
	char c = 1;

	while (write(t->wake[1], &c, 1) < 0 && errno == EINTR)
		;
}

/* Whether line runs a command that only reads the session (list, info,
 * history, help): it answers at once, even while a job runs. */
static int reads_only(const char *line)
{
	static const char *const readers[] = {"list", "info", "history",
					      "help"};
	struct fm_error err = {0};
	char **w;
	int n, yes = 0;

	if (tui_split_words(line, &w, &n, &err) < 0)
		return 0;
	if (n > 0) {
		const struct cmd_entry *e = cmd_find(w[0], &err);
		for (size_t i = 0;
		     e && i < sizeof(readers) / sizeof(readers[0]); i++)
			yes |= !strcmp(e->name, readers[i]);
	}
	tui_free_words(w);
	return yes;
}

/* Run a reading command on the UI thread; its output to the messages. */
void tui_run_now(struct tui *t, const char *line)
{
	struct fm_error err = {0};
	char *out = NULL, *msg = NULL;
	size_t outlen = 0, msglen = 0;
	FILE *fo = open_memstream(&out, &outlen),
	     *fe = open_memstream(&msg, &msglen);
	int r = -1;

	if (fo && fe)
		r = sess_exec(t->sess, line, fo, fe, NULL, &err);
	if (fo)
		fclose(fo);
	if (fe)
		fclose(fe);
	if (out) {
		log_text(t, ROLE_MSG_INFO, out);
		tui_pager_offer_text(t, line, out);
	}
	if (msg)
		log_text(t, ROLE_MSG_INFO, msg);
	if (r < 0)
		tui_log(t, ROLE_MSG_ERROR, "%s",
			err.msg[0] ? err.msg : "out of memory");
	free(out);
	free(msg);
}

/* Whether line is a job the workbench made for a table. */
static int table_line(const char *line)
{
	size_t n = strlen(line), k = strlen(TUI_TABLE_MARK);

	return n >= k && !strcmp(line + n - k, TUI_TABLE_MARK);
}

static void start_job(struct tui *t, const char *line)
{
	struct cmd_job_opts opts = {NULL, job_done, t};
	struct fm_error err = {0};

	if (t->job && reads_only(line)) {
		tui_run_now(t, line);
		return;
	}
	if (t->job) {
		char **q = realloc(t->queue, (t->nqueue + 1) * sizeof(*q));
		if (!q)
			return;
		t->queue = q;
		t->queue[t->nqueue++] = strdup(line);
		tui_log(t, ROLE_PANEL_DIM, "queued after %s: %s",
			cmd_job_name(t->job), line);
		t->dirty |= DIRTY_STATUS;
		return;
	}
	if (cmd_job_start(t->sess, line, &opts, &t->job, &err) < 0) {
		tui_log(t, ROLE_MSG_ERROR, "%s", err.msg);
		t->job = NULL;
		return;
	}
	t->job_cancelling = 0;
	t->dirty |= DIRTY_STATUS;
	if (table_line(line) && !strcmp(cmd_job_name(t->job), "select"))
		tui_select_bind(t, t->job, line);
}

void tui_start_job(struct tui *t, const char *line)
{
	start_job(t, line);
}

/* Select the object called name ("" = none). */
static void select_object(struct tui *t, const char *name)
{
	snprintf(t->selected, sizeof(t->selected), "%s", name);
	t->dirty |= DIRTY_STATUS | DIRTY_OBJECTS | DIRTY_CHART | DIRTY_INFO;
}

/* After a command: the charset setting, new objects (the newest gets
 * selected), a selection that was dropped. */
static void sync_session(struct tui *t)
{
	const char *cs = sess_setting(t->sess, "charset");
	size_t n;

	for (int i = 0; i < 3 && cs; i++)
		if (!strcmp(cs, charset_names[i]) &&
		    t->charset != (enum chart_charset)i) {
			t->charset = (enum chart_charset)i;
			t->dirty |= DIRTY_CHART;
		}
	sess_lock(t->sess);
	n = sess_count(t->sess);
	/* the newest result (made, replaced, or a set a fit added to) */
	for (size_t i = 0; i < n; i++)
		if (sess_changes(t->sess) > t->changes_seen &&
		    sess_at(t->sess, i)->changed == sess_changes(t->sess))
			select_object(t, sess_at(t->sess, i)->name);
	if (t->selected[0] && !sess_find(t->sess, t->selected))
		select_object(t, n ? sess_at(t->sess, n - 1)->name : "");
	t->changes_seen = sess_changes(t->sess);
	sess_unlock(t->sess);
	if (t->view != sess_view(t->sess)) { /* `view`, or a replay */
		t->view = sess_view(t->sess);
		t->dirty |= DIRTY_CHART;
	}
	t->dirty |= DIRTY_OBJECTS | DIRTY_STATUS | DIRTY_INFO;
}

static void collect_job(struct tui *t)
{
	enum cmd_job_state st;

	if (!t->job)
		return;
	st = cmd_job_state(t->job);
	if (st == CMD_JOB_RUNNING)
		return;
	if (table_line(cmd_job_line(t->job)) &&
	    !strcmp(cmd_job_name(t->job), "top") && st == CMD_JOB_DONE) {
		tui_top_result(t, cmd_job_line(t->job), cmd_job_output(t->job));
	} else {
		log_text(t, ROLE_MSG_INFO, cmd_job_output(t->job));
		/* a table's job: the table shows its rows */
		if (!table_line(cmd_job_line(t->job)))
			tui_pager_offer_text(t, cmd_job_line(t->job),
					     cmd_job_output(t->job));
	}
	if (table_line(cmd_job_line(t->job)))
		tui_select_done(t, t->job);
	for (const char *s = cmd_job_messages(t->job); *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, len);

		if (line)
			log_line(t,
				 strstr(line, "warning:") ? ROLE_MSG_WARN
							  : ROLE_MSG_INFO,
				 line, len);
		free(line);
		s += len + (nl ? 1 : 0);
	}
	if (st == CMD_JOB_FAILED)
		tui_log(t, ROLE_MSG_ERROR, "%s", cmd_job_error(t->job)->msg);
	else if (st == CMD_JOB_CANCELLED)
		tui_log(t, ROLE_MSG_WARN, "%s: cancelled after %.1f s",
			cmd_job_name(t->job), cmd_job_elapsed(t->job));
	cmd_job_free(t->job);
	t->job = NULL;
	t->job_cancelling = 0;
	sync_session(t);
	if (sess_quit_requested(t->sess))
		t->quit = 1;
	t->dirty |= DIRTY_STATUS | DIRTY_CHART;
	if (t->nqueue && !t->quit) {
		char *next = t->queue[0];
		memmove(t->queue, t->queue + 1,
			(t->nqueue - 1) * sizeof(*t->queue));
		t->nqueue--;
		start_job(t, next);
		free(next);
	}
}

static void cancel_job(struct tui *t)
{
	if (!t->job) {
		tui_log(t, ROLE_PANEL_DIM,
			"no job running (Ctrl-C cancels a job; "
			"'quit' leaves)");
		return;
	}
	for (size_t i = 0; i < t->nqueue; i++)
		free(t->queue[i]);
	if (t->nqueue)
		tui_log(t, ROLE_MSG_WARN, "dropped %zu queued command%s",
			t->nqueue, t->nqueue == 1 ? "" : "s");
	t->nqueue = 0;
	if (cmd_job_cancel(t->job)) {
		t->job_cancelling = 1;
		tui_log(t, ROLE_MSG_WARN, "cancelling %s...",
			cmd_job_name(t->job));
	} else {
		tui_log(t, ROLE_MSG_WARN, "%s is already finishing",
			cmd_job_name(t->job));
	}
	t->dirty |= DIRTY_STATUS;
}

/* ---- the workbench's own commands ---- */

void tui_request_quit(struct tui *t)
{
	/* fit --interactive: its work is the files s wrote */
	if (t->job || (sess_dirty(t->sess) && !t->fit_start)) {
		t->confirm_quit = 1;
		t->focus = FOCUS_PROMPT;
		t->dirty |= DIRTY_PROMPT | DIRTY_ALL;
		return;
	}
	t->quit = 1;
}

static void cmd_theme(struct tui *t, char **words, int n)
{
	struct fm_error err = {0};
	struct tui_theme th;

	if (n < 2) {
		char **names = tui_theme_names();
		struct fm_buf b = FM_BUF_INIT;
		for (char **p = names; p && *p; p++)
			fm_buf_printf(&b, " %s%s", *p,
				      strcmp(*p, t->theme.name) ? "" : "*");
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
		tui_log(t, ROLE_MSG_WARN,
			"theme %s: colours are off (NO_COLOR, "
			"--color=never or the terminal): attributes only",
			th.name);
	else
		tui_log(t, ROLE_MSG_INFO, "theme %s", th.name);
	tui_theme_apply(t);
	t->dirty = DIRTY_ALL;
	clearok(curscr, TRUE);
}

/* `show A B ...` also selects A (when there is such an object): the
 * objects panel, the status line and the info follow it. */
static void select_shown(struct tui *t, const char *name)
{
	int found;

	sess_lock(t->sess);
	found = sess_find(t->sess, name) != NULL;
	sess_unlock(t->sess);
	if (found)
		select_object(t, name);
}

static void open_help(struct tui *t)
{
	t->help_open = 1;
	t->help_scroll = 0;
	t->dirty = DIRTY_ALL;
}

void tui_command(struct tui *t, const char *line)
{
	struct fm_error err = {0};
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
		tui_request_quit(t);
	else if (!strcmp(words[0], "help") && n == 1)
		open_help(t);
	else if (!strcmp(words[0], "theme"))
		cmd_theme(t, words, n);
	else if (!strcmp(words[0], "preview") && n == 1)
		tui_preview(t);
	else if (!strcmp(words[0], "show") && n > 1 &&
		 !strcmp(words[1], "records"))
		tui_records_open(t, words, n);
	else if (tui_top_wants_table(words, n))
		tui_top_start(t, line);
	else if (tui_select_wants_table(words, n))
		tui_select_start(t, line);
	else if (!strcmp(words[0], "clear")) {
		for (size_t i = 0; i < t->nlog; i++)
			free(t->log[i].text);
		t->nlog = 0;
		t->dirty |= DIRTY_INFO;
	} else {
		if (!strcmp(words[0], "show") && n > 1)
			select_shown(t, words[1]);
		start_job(t, line);
	}
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
	tui_chart_view(t, v);
}

static void help_key(struct tui *t, int ch)
{
	int arg;

	switch (tui_key_action(KEYS_HELP, ch, &arg)) {
	case ACT_UP:
		t->help_scroll--;
		break;
	case ACT_DOWN:
		t->help_scroll++;
		break;
	case ACT_PAGE_UP:
		t->help_scroll -= t->rows / 2;
		break;
	case ACT_PAGE_DOWN:
		t->help_scroll += t->rows / 2;
		break;
	case ACT_HOME:
		t->help_scroll = 0;
		break;
	case ACT_END:
		t->help_scroll = 1 << 20;
		break;
	case ACT_HELP_CLOSE:
		t->help_open = 0;
		t->dirty = DIRTY_ALL;
		return;
	default:
		/* a printable key closes the overlay and is typed at the
		 * prompt: `quit` typed at once must not lose its q */
		if ((ch >= ' ' && ch < 127) || (ch >= 128 && ch < 256)) {
			t->help_open = 0;
			t->dirty = DIRTY_ALL;
			set_focus(t, FOCUS_PROMPT);
			tui_prompt_key(ch);
		}
		return;
	}
	t->dirty |= DIRTY_HELP;
}

/*
 * Single keys on the selected object: Enter / i shows its info, f opens
 * the fit view of a histogram, r re-fits a mixture set from its mixture
 * (refit.h), e / g / d put an export / generate / drop
 * command for it on the prompt (Enter runs it, so nothing happens by
 * accident) and give the prompt the focus.
 */
static void object_key(struct tui *t, enum tui_action act)
{
	char line[256];
	const char *fmt;

	switch (act) {
	case ACT_INFO:
		snprintf(line, sizeof(line), "info %s", t->selected);
		tui_command(t, line);
		return;
	case ACT_EXPORT:
		fmt = "export %s -O ";
		break;
	case ACT_GENERATE:
		fmt = "generate %s -s 100000 --seed 1 -o binary -O ";
		break;
	case ACT_FIT:
		tui_fit_open(t, t->selected);
		return;
	case ACT_SHOW_TOGGLE:
		tui_chart_show_toggle(t);
		return;
	case ACT_REFIT: /* the y of the chart's PDF view, else the first */
		tui_refit(t, t->selected, sess_view(t->sess));
		return;
	case ACT_DROP:
		fmt = "drop %s";
		break;
	default:
		return;
	}
	snprintf(line, sizeof(line), fmt, t->selected);
	tui_prompt_set(line);
	set_focus(t, FOCUS_PROMPT);
}

static void panel_key(struct tui *t, int ch)
{
	enum tui_action act;
	int arg;

	switch (tui_key_action(KEYS_PANEL, ch, &arg)) {
	case ACT_FOCUS_PROMPT:
		set_focus(t, FOCUS_PROMPT);
		return;
	case ACT_HELP_OPEN:
		open_help(t);
		return;
	case ACT_QUIT:
		tui_request_quit(t);
		return;
	case ACT_VIEW:
		set_view(t, arg);
		return;
	case ACT_EXPORT_CHART: {
		char names[260], line[300];
		tui_chart_names(t, names, sizeof(names)); /* the selected */
		snprintf(line, sizeof(line), "export chart %s%s-O ", names,
			 names[0] ? " " : "");
		tui_prompt_set(line);
		set_focus(t, FOCUS_PROMPT);
		return;
	}
	case ACT_PREVIEW:
		tui_preview(t);
		return;
	case ACT_DAY_NEXT: /* the series view's day */
		t->series_day++;
		t->dirty |= DIRTY_CHART;
		return;
	case ACT_DAY_PREV:
		if (t->series_day > 0)
			t->series_day--;
		t->dirty |= DIRTY_CHART;
		return;
	default:
		act = tui_key_action(KEYS_PANEL, ch, &arg); /* arg first */
		if (tui_chart_key(t, act, arg))
			return;
		if (t->focus == FOCUS_CHART) {
			act = tui_key_action(KEYS_CHART, ch, &arg);
			if (tui_chart_key(t, act, arg))
				return;
		}
		break;
	}
	if (t->focus == FOCUS_INFO) {
		size_t page = (size_t)(t->rows / 4);
		switch (tui_key_action(KEYS_INFO, ch, &arg)) {
		case ACT_UP:
			t->log_scroll++;
			break;
		case ACT_DOWN:
			if (t->log_scroll)
				t->log_scroll--;
			break;
		case ACT_PAGE_UP:
			t->log_scroll += page;
			break;
		case ACT_PAGE_DOWN:
			t->log_scroll =
			    t->log_scroll > page ? t->log_scroll - page : 0;
			break;
		case ACT_HOME:
			t->log_scroll = t->nlog;
			break;
		case ACT_END:
			t->log_scroll = 0;
			break;
		default:
			return;
		}
		t->dirty |= DIRTY_INFO;
	}
	if (t->focus == FOCUS_OBJECTS) {
		size_t n, cur = 0;
		long want;

		act = tui_key_action(KEYS_OBJECTS, ch, &arg);

		sess_lock(t->sess);
		n = sess_count(t->sess);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(sess_at(t->sess, i)->name, t->selected))
				cur = i;
		switch (act) {
		case ACT_UP:
			want = (long)cur - 1;
			break;
		case ACT_DOWN:
			want = (long)cur + 1;
			break;
		case ACT_HOME:
			want = 0;
			break;
		case ACT_END:
			want = (long)n - 1;
			break;
		default:
			want = -1;
			break;
		}
		if (want >= 0 && (size_t)want < n)
			select_object(t, sess_at(t->sess, (size_t)want)->name);
		sess_unlock(t->sess);
		if (t->selected[0])
			object_key(t, act);
	}
}

static void handle_key(struct tui *t, int ch)
{
	enum tui_action act;
	int arg;

	tui_preview_clear(t);
	if (ch == KEY_RESIZE) {
		tui_layout(t);
		return;
	}
	if (t->confirm_quit) {
		t->confirm_quit = 0;
		t->dirty |= DIRTY_PROMPT;
		if (ch == 'y' || ch == 'Y') {
			if (t->job)
				cmd_job_cancel(t->job);
			t->quit = 1;
		} else {
			tui_log(t, ROLE_PANEL_DIM, "quit cancelled");
		}
		return;
	}
	/* keys that work everywhere */
	switch (tui_key_action(KEYS_ANY, ch, &arg)) {
	case ACT_CANCEL:
		if (!tui_fit_cancel(t))
			cancel_job(t);
		return;
	case ACT_REDRAW:
		tui_layout(t);
		return;
	case ACT_HELP_TOGGLE:
		t->help_open = !t->help_open;
		t->help_scroll = 0;
		t->dirty = DIRTY_ALL;
		return;
	case ACT_VIEW:
		set_view(t, arg);
		return;
	default:
		break;
	}
	if (t->help_open) {
		help_key(t, ch);
		return;
	}
	/* long output: the pager takes the keys (other keys close it) */
	if (t->pager && tui_pager_key(t, ch))
		return;
	if (t->fit) { /* the fit view takes the keys */
		tui_fit_key(t, ch);
		return;
	}
	if (t->table && tui_table_key(t, ch))
		return;
	act = tui_key_action(KEYS_FOCUS, ch, &arg);
	if (act == ACT_FOCUS_PREV) {
		set_focus(t, (int)t->focus - 1);
		return;
	}
	if (t->focus != FOCUS_PROMPT) {
		if (act == ACT_FOCUS_NEXT)
			set_focus(t, (int)t->focus + 1);
		else
			panel_key(t, ch);
		return;
	}
	/* the prompt: Tab on an empty line moves on (to an open table),
	 * otherwise completes */
	if (act == ACT_FOCUS_NEXT && !*tui_prompt_line() && t->table) {
		t->table_focus = 1;
		t->dirty |= DIRTY_ALL;
		return;
	}
	if (act == ACT_FOCUS_NEXT && !*tui_prompt_line()) {
		set_focus(t, FOCUS_OBJECTS);
		return;
	}
	tui_prompt_key(ch);
}

/* ---- the demo session (--demo) ---- */

/*
 * A built-in mixture set for flow length (made up for the demo, shaped
 * like the published fits of backbone traffic): most flows of 1-2
 * packets, a log-normal body and a heavy tail that carries most packets
 * and octets.
 */
static const char *const demo_mix[3][2] = {
    {"flows.json",
     "{\"sum\": 200000, \"mix\": [[0.42, \"uniform\", [0, 1]], "
     "[0.22, \"uniform\", [0, 2]], [0.22, \"lognorm\", [0.5, 0, 4.0]], "
     "[0.11, \"lognorm\", [1.1, 0, 18]], [0.03, \"lognorm\", [1.9, 0, "
     "250]]]}\n"},
    {"packets.json",
     "{\"sum\": 9000000, \"mix\": [[0.01, \"uniform\", [0, 1]], "
     "[0.02, \"uniform\", [0, 2]], [0.07, \"lognorm\", [0.6, 0, 5]], "
     "[0.2, \"lognorm\", [1.2, 0, 40]], [0.7, \"lognorm\", [1.7, 0, "
     "1500]]]}\n"},
    {"octets.json",
     "{\"sum\": 7000000000, \"mix\": [[0.002, \"uniform\", [0, 1]], "
     "[0.005, \"uniform\", [0, 2]], [0.04, \"lognorm\", [0.6, 0, 5]], "
     "[0.18, \"lognorm\", [1.2, 0, 45]], [0.773, \"lognorm\", [1.7, 0, "
     "1800]]]}\n"},
};

static const char *const demo_lines[] = {
    "generate '%s/mix' -s 200000 --seed 7 -o binary -O '%s/flows'",
    "load -i binary '%s/flows' as d1",
    "hist d1 -x length -b 12 as h1",
    "fit h1 -y flows -i 100 -U 2 -L 3 as m1",
    "fit h1 -y packets -i 100 -U 2 -L 3 as m1",
    "fit h1 -y octets -i 100 -U 2 -L 3 as m1",
};

/* Write the demo mixtures into a fresh directory; its path into dir. */
static int demo_prepare(char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	char path[4200];

	snprintf(dir, size, "%s/flowmodels-demo-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/mix", dir);
	if (mkdir(path, 0700) < 0)
		return -1;
	for (int k = 0; k < 3; k++) {
		FILE *f;
		snprintf(path, sizeof(path), "%s/mix/%s", dir, demo_mix[k][0]);
		f = fopen(path, "w");
		if (!f)
			return -1;
		fputs(demo_mix[k][1], f);
		if (fclose(f) != 0)
			return -1;
	}
	return 0;
}

/* Queue the demo's commands: the first frame comes at once, the data
 * is built by jobs with progress. */
static void demo_start(struct tui *t, const char *dir)
{
	tui_log(
	    t, ROLE_MSG_INFO,
	    "demo: 200 000 synthetic flows from a built-in "
	    "mixture, their flow-length histogram h1 and mixtures fitted to it "
	    "(m1); 1-7 switch views, F1 for help");
	for (size_t i = 0; i < sizeof(demo_lines) / sizeof(demo_lines[0]);
	     i++) {
		char line[9000];
		snprintf(line, sizeof(line), demo_lines[i], dir, dir);
		tui_log(t, ROLE_MSG_CMD, "> %s", line);
		if (!t->job) {
			start_job(t, line);
		} else {
			char **q =
			    realloc(t->queue, (t->nqueue + 1) * sizeof(*q));
			if (!q)
				return;
			t->queue = q;
			t->queue[t->nqueue++] = strdup(line);
		}
	}
}

/* ---- the terminal and the standard streams ---- */

/*
 * The terminal is reached only through private descriptors (tty_in,
 * tty_out); file descriptors 0, 1 and 2 are pointed away from it while
 * the workbench runs: 0 to /dev/null, 1 and 2 to a pipe whose text the
 * main loop shows in the messages.  A command or library that reads
 * standard input or writes standard output/error directly can then
 * neither steal keys nor scribble on the screen.
 */
struct std_redirect {
	int saved[3];
	int pipe_rd;
	struct fm_buf partial;
};

static int redirect_std(struct std_redirect *r)
{
	int p[2], nul;

	r->pipe_rd = -1;
	for (int i = 0; i < 3; i++)
		r->saved[i] = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	for (int i = 0; i < 3; i++)
		r->saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 10);
	fflush(stdout);
	fflush(stderr);
	dup2(nul, 0);
	dup2(p[1], 1);
	dup2(p[1], 2);
	close(nul);
	close(p[1]);
	/* writers never block the UI thread: a full pipe drops text */
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	r->pipe_rd = p[0];
	return 0;
}

static void restore_std(struct std_redirect *r)
{
	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < 3; i++)
		if (r->saved[i] >= 0) {
			dup2(r->saved[i], i);
			close(r->saved[i]);
			r->saved[i] = -1;
		}
	if (r->pipe_rd >= 0)
		close(r->pipe_rd);
	r->pipe_rd = -1;
	fm_buf_release(&r->partial);
}

/* What was written to fds 1 and 2: complete lines to the messages. */
static void drain_std(struct tui *t, struct std_redirect *r)
{
	char buf[4096];
	ssize_t got;

	while (r->pipe_rd >= 0 &&
	       (got = read(r->pipe_rd, buf, sizeof(buf))) > 0)
		fm_buf_add(&r->partial, buf, (size_t)got);
	if (r->partial.len) {
		char *nl;
		size_t used = 0;

		fm_buf_addstr(&r->partial, "");
		while ((nl = memchr(r->partial.buf + used, '\n',
				    r->partial.len - used))) {
			log_line(t, ROLE_MSG_INFO, r->partial.buf + used,
				 (size_t)(nl - (r->partial.buf + used)));
			used = (size_t)(nl - r->partial.buf) + 1;
		}
		memmove(r->partial.buf, r->partial.buf + used,
			r->partial.len - used);
		r->partial.len -= used;
	}
}

/* ---- start-up ---- */

static void usage(FILE *f)
{
	fprintf(f, "usage: flowmodels [--demo] [--theme NAME|FILE] "
		   "[--color=auto|always|never]\n"
		   "                  [--charset braille|block|ascii]\n\n"
		   "--demo opens on a demo session: synthetic flows, their "
		   "histogram and\n"
		   "fitted mixtures, built as jobs while the screen is up.\n"
		   "Opens the workbench (needs a terminal). Themes: default, "
		   "dark, light,\n"
		   "high-contrast, mono (themes/*.theme). NO_COLOR=1 turns "
		   "colours off.\n"
		   "'flowmodels --help' lists the commands; keys: "
		   "docs/workbench.md.\n");
}

int tui_is_option(const char *arg)
{
	return !strncmp(arg, "--theme", 7) || !strncmp(arg, "--color", 7) ||
	       !strncmp(arg, "--charset", 9) || !strcmp(arg, "--demo");
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

/* What the command line asks of the workbench. */
struct tui_args {
	const char *theme;
	int charset, charset_given, demo;
};

/* The terminal the workbench draws on, with the standard streams
 * redirected into the message area while the screen is up. */
struct tui_term {
	FILE *in, *out;
	SCREEN *screen;
	struct std_redirect stdr;
};

static int parse_color(struct tui *t, const char *v)
{
	if (!strcmp(v, "auto"))
		t->color_pref = 0;
	else if (!strcmp(v, "always"))
		t->color_pref = 1;
	else if (!strcmp(v, "never"))
		t->color_pref = -1;
	else {
		fprintf(stderr,
			"flowmodels: --color: expected auto, always or never, "
			"got '%s'\n",
			v);
		return -1;
	}
	return 0;
}

static int parse_charset(struct tui_args *a, const char *v)
{
	a->charset = -1;
	a->charset_given = 1;
	for (int k = 0; k < 3; k++)
		if (!strcmp(v, charset_names[k]))
			a->charset = k;
	if (a->charset < 0) {
		fprintf(stderr,
			"flowmodels: --charset: expected braille, block or "
			"ascii, got '%s'\n",
			v);
		return -1;
	}
	return 0;
}

/* -1: go on; otherwise the exit status (--help, bad options). */
static int parse_args(int argc, char **argv, struct tui *t, struct tui_args *a)
{
	const char *v;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--demo")) {
			a->demo = 1;
		} else if ((v = opt_value(argc, argv, &i, "--theme"))) {
			a->theme = v;
		} else if ((v = opt_value(argc, argv, &i, "--color"))) {
			if (parse_color(t, v) < 0)
				return 2;
		} else if ((v = opt_value(argc, argv, &i, "--charset"))) {
			if (parse_charset(a, v) < 0)
				return 2;
		} else {
			fprintf(stderr,
				"flowmodels: unknown workbench option '%s'\n",
				argv[i]);
			usage(stderr);
			return 2;
		}
	}
	return -1;
}

/* Theme, charset, session and wake pipe: everything before the screen.
 * -1: go on; otherwise the exit status. */
static int prepare(struct tui *t, const struct tui_args *a)
{
	struct fm_error err = {0};
	int charset = a->charset;

	if (tui_theme_load(a->theme, &t->theme, &err) < 0) {
		fprintf(stderr, "flowmodels: %s\n", err.msg);
		return 2;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr,
			"flowmodels: the workbench needs a terminal "
			"('flowmodels --help' lists the one-shot commands)\n");
		return 2;
	}
	/* Without UTF-8 only ASCII (and the terminal's line drawing) is safe:
	 * charts default to the ascii charset. */
	setlocale(LC_ALL, "");
	t->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	if (!t->utf8 && !a->charset_given)
		charset = CHART_ASCII;
	t->charset = (enum chart_charset)charset;
	t->sess = sess_new();
	if (!t->sess) {
		fprintf(stderr, "flowmodels: out of memory\n");
		return 1;
	}
	sess_set_chart_exporter(t->sess, tui_chart_export, &t->export_size);
	if (sess_set(t->sess, "charset", charset_names[charset], &err) < 0) {
		fprintf(stderr, "flowmodels: %s\n", err.msg);
		return 2;
	}
	if (pipe2(t->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("flowmodels: pipe");
		return 1;
	}
	return -1;
}

/* The curses screen on duplicates of fds 0 and 1, then the standard
 * streams redirected. 0, or -1 after a message. */
static int open_terminal(struct tui *t, struct tui_term *term)
{
	char *hist;

	set_escdelay(25);
	term->in = fdopen(fcntl(0, F_DUPFD_CLOEXEC, 10), "r");
	term->out = fdopen(fcntl(1, F_DUPFD_CLOEXEC, 10), "w");
	if (!term->in || !term->out ||
	    !(term->screen = newterm(NULL, term->out, term->in))) {
		fprintf(stderr, "flowmodels: cannot initialise the terminal\n");
		return -1;
	}
	set_term(term->screen);
	t->tty_in = fileno(term->in); /* the preview writes sixel there */
	t->tty_out = fileno(term->out);
	if (redirect_std(&term->stdr) < 0) {
		endwin();
		fprintf(stderr,
			"flowmodels: cannot redirect the standard streams\n");
		return -1;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	tui_chart_keys_define();
	nodelay(stdscr, TRUE);
	refresh();
	tui_color_setup(t);
	if (t->color_mode == COLOR_OFF && strcmp(t->theme.name, "mono") != 0) {
		tui_theme_init(&t->theme, "mono");
		tui_theme_parse(&t->theme, tui_theme_mono_text, "mono", NULL);
	}
	tui_theme_apply(t);
	tui_layout(t);
	hist = tui_history_path();
	tui_prompt_init(t, hist);
	free(hist);
	return 0;
}

static void greet(struct tui *t, const struct tui_args *a, char *demo_dir,
		  size_t demo_size)
{
	tui_log(t, ROLE_MSG_INFO,
		"flowmodels %s workbench: type a command below "
		"(Tab completes), F1 for help, 'quit' to leave",
		FLOWMODELS_VERSION);
	if (a->demo) {
		if (demo_prepare(demo_dir, demo_size) < 0) {
			tui_log(t, ROLE_MSG_ERROR, "demo: cannot write %s: %s",
				demo_dir, strerror(errno));
			demo_dir[0] = 0;
		} else {
			demo_start(t, demo_dir);
		}
	}
	if (t->color_mode == COLOR_OFF)
		tui_log(t, ROLE_PANEL_DIM, "colours off (%s): mono theme",
			t->color_pref < 0 ? "--color=never"
			: getenv("NO_COLOR") && *getenv("NO_COLOR")
			    ? "NO_COLOR"
			    : "terminal without colours");
}

/* Keys, job wake-ups and redirected output until 'quit' or a signal. */
static void run_loop(struct tui *t, struct tui_term *term)
{
	catch_stop_signals();
	while (!t->quit && !stop_signal) {
		struct pollfd pfd[3] = {
		    {.fd = fileno(term->in), .events = POLLIN},
		    {.fd = t->wake[0], .events = POLLIN},
		    {.fd = term->stdr.pipe_rd, .events = POLLIN},
		};
		int ch;

		tui_draw(t);
		tui_preview_flush(t);
		if (poll(pfd, 3,
			 t->job || tui_fit_running(t) || tui_live_active(t)
			     ? 100
			     : 1000) < 0 &&
		    errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			char buf[64];
			while (read(t->wake[0], buf, sizeof(buf)) > 0)
				;
		}
		while ((ch = getch()) != ERR) {
			handle_key(t, ch);
			if (t->quit)
				break;
		}
		drain_std(t, &term->stdr);
		tui_fit_poll(t);
		tui_select_tick(t);
		collect_job(t);
		tui_live_tick(t);
		if (t->job)
			t->dirty |= DIRTY_STATUS;
	}
}

/* Drops queued commands and cancels a running job, waiting up to 2 s for
 * the worker to notice; a job blocked in a read ends with the process. */
static void end_jobs(struct tui *t)
{
	for (size_t i = 0; i < t->nqueue; i++)
		free(t->queue[i]);
	t->nqueue = 0;
	if (!t->job)
		return;
	cmd_job_cancel(t->job);
	for (int i = 0; i < 20 && cmd_job_state(t->job) == CMD_JOB_RUNNING;
	     i++) {
		struct pollfd pfd = {.fd = t->wake[0], .events = POLLIN};
		poll(&pfd, 1, 100);
	}
	if (cmd_job_state(t->job) != CMD_JOB_RUNNING)
		collect_job(t);
}

static void close_terminal(struct tui *t, struct tui_term *term)
{
	tui_fit_close(t);
	tui_table_close(t);
	tui_pager_close(t);
	tui_prompt_end();
	endwin();
	delscreen(term->screen);
	fclose(term->in);
	fclose(term->out);
	restore_std(&term->stdr);
}

/* fit --interactive: load the histogram, open its fit view with the
 * command line's settings. */
static void fit_start(struct tui *t, const struct tui_fit_start *fs)
{
	struct fm_buf line = FM_BUF_INIT;

	t->fit_start = fs;
	fm_buf_addstr(&line, "load ");
	tui_quote_word(&line, fs->path);
	fm_buf_printf(&line, " -i csv_hist as %s", fs->name);
	tui_log(t, ROLE_MSG_CMD, "> %s", fm_buf_str(&line));
	tui_run_now(t, fm_buf_str(&line));
	fm_buf_release(&line);
	sync_session(t);
	if (tui_fit_open_start(t, fs) == 0)
		tui_log(t, ROLE_MSG_INFO,
			"fit --interactive %s: Enter fits, s writes Y.json and "
			"Y.mode into %s, Esc quits",
			fs->path, fs->dir);
}

int tui_main(int argc, char **argv)
{
	return tui_run(argc, argv, NULL);
}

int tui_run(int argc, char **argv, const struct tui_fit_start *fs)
{
	struct tui t;
	struct tui_args a = {.theme = "default", .charset = CHART_BRAILLE};
	struct tui_term term = {
	    .stdr = {.pipe_rd = -1, .partial = FM_BUF_INIT}};
	char demo_dir[4096] = "";
	int rc;

	memset(&t, 0, sizeof(t));
	t.cursor = -1;
	t.sixel = -2; /* not asked yet */
	if ((rc = parse_args(argc, argv, &t, &a)) >= 0 ||
	    (rc = prepare(&t, &a)) >= 0)
		return rc;
	if (open_terminal(&t, &term) < 0)
		return 1;
	greet(&t, &a, demo_dir, sizeof(demo_dir));
	if (fs)
		fit_start(&t, fs);
	run_loop(&t, &term);
	end_jobs(&t);
	close_terminal(&t, &term);
	for (size_t i = 0; i < t.nlog; i++)
		free(t.log[i].text);
	free(t.log);
	free(t.queue);
	if (!t.job) {
		sess_free(t.sess);
		if (demo_dir[0]) /* the demo's files go with it */
			fm_rm_rf(demo_dir);
	}
	close(t.wake[0]);
	close(t.wake[1]);
	return 0;
}

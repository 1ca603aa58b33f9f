/*
 * table-select.c - `select HIST ...` typed in the workbench: the command
 * runs as a job as usual (progress, Ctrl-C, its files and its winner as
 * an object), and a ranking table fills in as the structures' fits end
 * (the rows select publishes through cmd_live_row), best first by the
 * criterion (ties by k, then U, L, P, as ranking.csv).  Enter opens the
 * cursor's structure in the fit view of the histogram (the same EM:
 * the view fits it and draws its mixture over the data); k puts the fit
 * command that keeps it as a mixture object, `as mU_L_P`, on the prompt.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "table.h"
#include "workbench.h"

/* The columns, as ranking.csv's. */
enum { C_U, C_L, C_P, C_K, C_LL, C_AIC, C_BIC, C_KS, C_ITER, C_SECS, C_N };

struct select_owner {
	struct cmd_job *job; /* while it runs; NULL after */
	size_t seen;	     /* live rows taken */
	unsigned total, skipped;
	char hist[64], y[16], mpw[32]; /* object names: at most 63 */
	unsigned iter;
	int crit; /* column of the criterion */
	char state[64];
};

static const char *const col_names[C_N] = {
    "U",   "L",	  "P",	"k",	      "log_likelihood",
    "aic", "bic", "ks", "iterations", "seconds"};

/* The select line's settings (the command table parses it). */
static int parse_line(const char *line, struct select_owner *ow)
{
	const struct cmd_entry *e = cmd_find("select", NULL);
	const struct cmd_opt *o;
	struct cmd_args a;
	char **w;
	int n, ok = 0;

	if (!e || tui_split_words(line, &w, &n, NULL) < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	if (n > 0 && cmd_parse(e, n - 1, w + 1, &a, NULL) == 0 && a.npos == 1) {
		ok = 1;
		snprintf(ow->hist, sizeof(ow->hist), "%s", a.pos[0]);
		o = cmd_opt_long(e, "y-value", 7);
		snprintf(ow->y, sizeof(ow->y), "%s",
			 o && a.v[o->id].set ? a.v[o->id].s : "flows");
		o = cmd_opt_long(e, "iterations", 10);
		ow->iter = o && a.v[o->id].set ? (unsigned)a.v[o->id].i : 100;
		o = cmd_opt_long(e, "mpw", 3);
		if (o && a.v[o->id].set)
			snprintf(ow->mpw, sizeof(ow->mpw), "%.17g",
				 a.v[o->id].d);
		o = cmd_opt_long(e, "criterion", 9);
		ow->crit = C_BIC;
		if (o && a.v[o->id].set && !strcmp(a.v[o->id].s, "aic"))
			ow->crit = C_AIC;
		if (o && a.v[o->id].set && !strcmp(a.v[o->id].s, "ks"))
			ow->crit = C_KS;
	}
	cmd_args_release(&a);
	tui_free_words(w);
	return ok ? 0 : -1;
}

int tui_select_wants_table(char **words, int n)
{
	const struct cmd_entry *e = n ? cmd_find(words[0], NULL) : NULL;
	int k;

	if (!e || strcmp(e->name, "select"))
		return 0;
	for (k = 1; k < n; k++)
		if (!strcmp(words[k], "-h") || !strcmp(words[k], "--help"))
			return 0;
	return 1;
}

void tui_select_start(struct tui *t, const char *line)
{
	struct fm_buf b = FM_BUF_INIT;

	fm_buf_printf(&b, "%s " TUI_TABLE_MARK, line);
	tui_start_job(t, fm_buf_str(&b));
	fm_buf_release(&b);
}

static void set_title(struct tui_table *tb, const struct select_owner *ow)
{
	snprintf(tb->title, sizeof(tb->title),
		 "select %.63s %.15s: %zu fitted%s%.0u%s, by %s; %.40s",
		 ow->hist, ow->y, tb->nrows, ow->skipped ? ", " : "",
		 ow->skipped, ow->skipped ? " skipped" : "",
		 col_names[ow->crit], ow->state);
}

void tui_select_bind(struct tui *t, struct cmd_job *job, const char *line)
{
	struct select_owner *ow = calloc(1, sizeof(*ow));
	struct tui_table *tb = NULL;

	if (!ow || parse_line(line, ow) < 0 ||
	    !(tb = tui_table_new(TABLE_SELECT, "select"))) {
		free(ow);
		return;
	}
	ow->job = job;
	snprintf(ow->state, sizeof(ow->state), "running");
	for (int c = 0; c < C_N; c++)
		tui_table_add_col(tb, col_names[c], 1,
				  c == C_BIC   ? 'b'
				  : c == C_AIC ? 'a'
				  : c == C_KS  ? 's'
					       : 0,
				  0);
	tb->tie[tb->ntie++] = C_K;
	tb->tie[tb->ntie++] = C_U;
	tb->tie[tb->ntie++] = C_L;
	tb->tie[tb->ntie++] = C_P;
	tui_table_sort(tb, ow->crit, 0);
	tb->owner = ow;
	tb->owner_free = free;
	set_title(tb, ow);
	tui_table_open(t, tb);
}

/* A live row: "ranking," + a ranking.csv line, or "skipped,...". */
static void take_row(struct tui_table *tb, struct select_owner *ow, char *row)
{
	char *f[C_N + 1], *s = row;
	double nums[C_N];
	int n = 0;

	if (!strncmp(row, "skipped,", 8)) {
		ow->skipped++;
		return;
	}
	if (strncmp(row, "ranking,", 8))
		return;
	s += 8;
	s[strcspn(s, "\n")] = 0;
	while (n < C_N) {
		f[n++] = s;
		if (!(s = strchr(s, ',')))
			break;
		*s++ = 0;
	}
	if (n != C_N)
		return;
	for (int c = 0; c < C_N; c++)
		nums[c] = strtod(f[c], NULL);
	tui_table_add_row(tb, (const char *const *)f, nums);
}

void tui_select_tick(struct tui *t)
{
	struct tui_table *tb = t->table;
	struct select_owner *ow;
	size_t n;

	if (!tb || tb->kind != TABLE_SELECT)
		return;
	ow = tb->owner;
	if (!ow->job)
		return;
	n = cmd_job_live_count(ow->job);
	for (; ow->seen < n; ow->seen++) {
		char *row = cmd_job_live_row(ow->job, ow->seen);
		if (!row)
			break;
		take_row(tb, ow, row);
		free(row);
		t->dirty |= DIRTY_OBJECTS | DIRTY_CHART;
	}
	set_title(tb, ow);
}

void tui_select_done(struct tui *t, struct cmd_job *job)
{
	struct tui_table *tb = t->table;
	struct select_owner *ow;

	if (!tb || tb->kind != TABLE_SELECT ||
	    ((struct select_owner *)tb->owner)->job != job)
		return;
	tui_select_tick(t); /* the last rows */
	ow = tb->owner;
	snprintf(ow->state, sizeof(ow->state), "%s in %.1f s",
		 cmd_job_state(job) == CMD_JOB_DONE	   ? "done"
		 : cmd_job_state(job) == CMD_JOB_CANCELLED ? "cancelled"
							   : "failed",
		 cmd_job_elapsed(job));
	ow->job = NULL;
	set_title(tb, ow);
	t->dirty |= DIRTY_OBJECTS | DIRTY_CHART;
}

/* The cursor's structure, or -1. */
static int cursor_structure(const struct tui_table *tb, unsigned *U,
			    unsigned *L, unsigned *P)
{
	const struct tui_table_row *r = tui_table_row_at(tb, tb->cur);

	if (!r)
		return -1;
	*U = (unsigned)r->num[C_U];
	*L = (unsigned)r->num[C_L];
	*P = (unsigned)r->num[C_P];
	return 0;
}

static int y_index(const char *y)
{
	return !strcmp(y, "packets") ? 1 : !strcmp(y, "octets") ? 2 : 0;
}

void tui_select_enter(struct tui *t)
{
	struct tui_table *tb = t->table;
	const struct select_owner *ow = tb->owner;
	struct tui_fit_start fs;

	memset(&fs, 0, sizeof(fs));
	if (cursor_structure(tb, &fs.U, &fs.L, &fs.P) < 0)
		return;
	snprintf(fs.name, sizeof(fs.name), "%s", ow->hist);
	fs.y = y_index(ow->y);
	fs.iter = ow->iter;
	fs.mpw = ow->mpw[0] ? strtod(ow->mpw, NULL) : 0;
	if (tui_fit_open_start(t, &fs) == 0)
		tui_fit_run(t);
}

void tui_select_keep(struct tui *t)
{
	struct tui_table *tb = t->table;
	const struct select_owner *ow = tb->owner;
	unsigned U, L, P;
	char line[512];

	if (cursor_structure(tb, &U, &L, &P) < 0)
		return;
	snprintf(line, sizeof(line),
		 "fit %s -y %s -i %u -U %u -L %u -P %u%s%s as m%u_%u_%u",
		 ow->hist, ow->y, ow->iter, U, L, P,
		 ow->mpw[0] ? " --mpw " : "", ow->mpw, U, L, P);
	tui_prompt_set(line);
	t->table_focus = 0;
	t->focus = FOCUS_PROMPT;
	t->dirty |= DIRTY_ALL;
}

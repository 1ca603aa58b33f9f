/*
 * table-top.c - `top KEY... OBJ` typed in the workbench: the command runs
 * as a job with --format csv (the machine-readable output of top.h's
 * numbers), and its rows become a table: the key columns, flows, packets
 * and octets each with its share.  f p o sort; Enter on a row makes a
 * view of the input filtered to the row's key values (`filter d1 'sa ==
 * 192.0.2.1'`).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "flowmodels/flowtext.h"
#include "flowmodels/top.h"
#include "table.h"
#include "workbench.h"

#define TOP_MAX_COLS (TUI_TABLE_MAX_COLS - 6)

struct top_owner {
	char input[128]; /* the one dataset or view read, or "" */
	int nkeys;
	char key[TOP_MAX_COLS][16];
	char *line;  /* the top line as typed (no --format csv) */
	int by;	     /* its sum: 0 flows, 1 packets, 2 octets */
	int partial; /* its -n cut groups off: another sum needs a rerun */
};

static void owner_free(void *p)
{
	struct top_owner *ow = p;

	if (ow)
		free(ow->line);
	free(ow);
}

int tui_top_wants_table(char **words, int n)
{
	const struct cmd_entry *e = n ? cmd_find(words[0], NULL) : NULL;
	const struct cmd_opt *fmt, *out;
	struct cmd_args a;
	int yes;

	if (!e || strcmp(e->name, "top"))
		return 0;
	memset(&a, 0, sizeof(a));
	if (cmd_parse(e, n - 1, words + 1, &a, NULL) < 0)
		return 0; /* the job reports the error */
	fmt = cmd_opt_long(e, "format", 6);
	out = cmd_opt_long(e, "output", 6);
	yes = fmt && out && !a.v[fmt->id].set && !a.v[out->id].set &&
	      !a.v[OPT_HELP].set;
	cmd_args_release(&a);
	return yes;
}

void tui_top_start(struct tui *t, const char *line)
{
	struct fm_buf b = FM_BUF_INIT;

	fm_buf_printf(&b, "%s --format csv " TUI_TABLE_MARK, line);
	tui_start_job(t, fm_buf_str(&b));
	fm_buf_release(&b);
}

/* Split a csv line (no quoting: top's fields hold no commas). */
static int split_csv(char *line, char **f, int max)
{
	int n = 0;

	for (char *s = line; n < max;) {
		f[n++] = s;
		s = strchr(s, ',');
		if (!s)
			break;
		*s++ = 0;
	}
	return n;
}

/* From the top line (the command table parses it): its one input object
 * (a dataset or view, else "") and the sum of --by (0 flows, 1 packets,
 * 2 octets); *count its -n (10 when not given, 0 = all). */
static int top_line(struct tui *t, const char *line, char *input, size_t size,
		    long *count)
{
	const struct cmd_entry *e = cmd_find("top", NULL);
	const struct cmd_opt *by = e ? cmd_opt_long(e, "by", 2) : NULL,
			     *cnt = e ? cmd_opt_long(e, "count", 5) : NULL;
	struct cmd_args a;
	char **w;
	int n, sum = 0;

	input[0] = 0;
	if (!by || tui_split_words(line, &w, &n, NULL) < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	if (n > 0 && cmd_parse(e, n - 1, w + 1, &a, NULL) == 0) {
		const struct sess_obj *o;
		if (a.v[by->id].set)
			sum = fm_top_by_parse(a.v[by->id].s);
		if (sum < 0) /* top refuses it: never with a result */
			sum = 0;
		if (cnt && a.v[cnt->id].set)
			*count = a.v[cnt->id].i;
		sess_lock(t->sess);
		o = a.npos == 2 ? sess_find(t->sess, a.pos[1]) : NULL;
		if (o && o->kind != SESS_TYPED)
			snprintf(input, size, "%s", o->name);
		sess_unlock(t->sess);
	}
	cmd_args_release(&a);
	tui_free_words(w);
	return sum;
}

static int is_proto(const char *key)
{
	return !strcmp(key, "proto") || !strcmp(key, "prot");
}

static void add_row(struct tui_table *tb, const struct top_owner *ow, char **f)
{
	char text[TUI_TABLE_MAX_COLS][40];
	const char *cells[TUI_TABLE_MAX_COLS];
	double nums[TUI_TABLE_MAX_COLS];
	int k = ow->nkeys;

	for (int c = 0; c < k; c++) {
		const char *name = NULL;
		nums[c] = strchr(f[c], ':') || strchr(f[c], '.')
			      ? NAN
			      : strtod(f[c], NULL);
		if (is_proto(ow->key[c]))
			name = fm_proto_name((int64_t)nums[c]);
		snprintf(text[c], sizeof(text[c]), "%s", name ? name : f[c]);
	}
	for (int s = 0; s < 3; s++) {
		nums[k + 2 * s] = strtod(f[k + s], NULL);
		nums[k + 2 * s + 1] = 100 * strtod(f[k + 3 + s], NULL);
		snprintf(text[k + 2 * s], sizeof(text[0]), "%s", f[k + s]);
		snprintf(text[k + 2 * s + 1], sizeof(text[0]), "%.2f",
			 nums[k + 2 * s + 1]);
	}
	for (int c = 0; c < k + 6; c++)
		cells[c] = text[c];
	tui_table_add_row(tb, cells, nums);
}

void tui_top_result(struct tui *t, const char *line, const char *csv)
{
	static const int keys[3] = {'f', 'p', 'o'};
	struct top_owner *ow = calloc(1, sizeof(*ow));
	char *text = strdup(csv), *save = NULL, *l;
	struct tui_table *tb = NULL;
	char title[192], *f[TUI_TABLE_MAX_COLS];
	const char *suffix = " --format csv " TUI_TABLE_MARK;
	size_t len = strlen(line), slen = strlen(suffix);
	long count = 10;
	int nf, by = 0;

	if (!ow || !text || !(l = strtok_r(text, "\n", &save)) ||
	    (nf = split_csv(l, f, TUI_TABLE_MAX_COLS)) < 7 ||
	    nf - 6 > TOP_MAX_COLS) {
		tui_log(t, ROLE_MSG_ERROR, "top: no table in its output");
		goto out;
	}
	ow->nkeys = nf - 6;
	by = top_line(t, line, ow->input, sizeof(ow->input), &count);
	if (len >= slen && !strcmp(line + len - slen, suffix))
		len -= slen;
	if (!(ow->line = strndup(line, len)))
		goto out;
	ow->by = by;
	snprintf(title, sizeof(title), "top");
	for (int c = 0; c < ow->nkeys; c++) {
		snprintf(ow->key[c], sizeof(ow->key[c]), "%s", f[c]);
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
			 "%s%s", c ? "," : " ", f[c]);
	}
	snprintf(title + strlen(title), sizeof(title) - strlen(title),
		 " of %s, by %s", ow->input[0] ? ow->input : "its inputs",
		 fm_top_by_name(by));
	if (!(tb = tui_table_new(TABLE_TOP, title)))
		goto out;
	for (int c = 0; c < ow->nkeys; c++)
		tui_table_add_col(tb, ow->key[c], 0, 0, 0);
	for (int s = 0; s < 3; s++) {
		char pct[24];
		snprintf(pct, sizeof(pct), "%s %%", fm_top_by_name(s));
		tui_table_add_col(tb, fm_top_by_name(s), 1, keys[s], 1);
		tui_table_add_col(tb, pct, 1, 0, 1);
	}
	while ((l = strtok_r(NULL, "\n", &save)))
		if (split_csv(l, f, TUI_TABLE_MAX_COLS) == nf)
			add_row(tb, ow, f);
	ow->partial = count > 0 && tb->nrows >= (size_t)count;
	/* the order top chose (ties by key): shown as the sort it is */
	tb->sort_col = ow->nkeys + 2 * by;
	tb->sort_desc = 1;
	tb->owner = ow;
	tb->owner_free = owner_free;
	ow = NULL;
	tui_table_open(t, tb);
out:
	owner_free(ow);
	free(text);
}

int tui_top_sort(struct tui *t, int key)
{
	struct tui_table *tb = t->table;
	const struct top_owner *ow = tb->owner;
	struct fm_buf b = FM_BUF_INIT;
	char **w = NULL;
	int n = 0, sum = key == 'p' ? 1 : key == 'o' ? 2 : 0, only_pos = 0;

	/* every group is in the table, or the same sum: sorting the rows is
	 * exact */
	if (!ow->partial || sum == ow->by)
		return 0;
	/* the first N by another sum may be other groups: top again, --by
	 * that sum (first, so that a later --by of the line cannot undo
	 * it: the line's own --by is left out) */
	if (tui_split_words(ow->line, &w, &n, NULL) < 0 || n < 1)
		return 0;
	fm_buf_printf(&b, "%s --by %s", w[0], fm_top_by_name(sum));
	for (int i = 1; i < n; i++) {
		if (!only_pos && !strcmp(w[i], "--by")) {
			i++;
			continue;
		}
		if (!only_pos && !strncmp(w[i], "--by=", 5))
			continue;
		only_pos |= !strcmp(w[i], "--");
		fm_buf_addstr(&b, " ");
		tui_quote_word(&b, w[i]);
	}
	tui_free_words(w);
	tui_table_close(t);
	tui_command(t, fm_buf_str(&b));
	fm_buf_release(&b);
	return 1;
}

/* The filter expression of the cursor's row: one comparison per key. */
static int row_filter(const struct tui_table *tb, const struct top_owner *ow,
		      struct fm_buf *b)
{
	const struct tui_table_row *r = tui_table_row_at(tb, tb->cur);

	if (!r)
		return -1;
	for (int c = 0; c < ow->nkeys; c++) {
		const char *k = ow->key[c], *v = r->cell[c];
		if (c)
			fm_buf_addstr(b, " and ");
		if (!strcmp(k, "port"))
			fm_buf_printf(b, "(sp == %s or dp == %s)", v, v);
		else if (is_proto(k))
			fm_buf_printf(b, "prot == %s", v);
		else
			fm_buf_printf(b, "%s == %s", k, v);
	}
	fm_buf_addstr(b, "");
	return 0;
}

void tui_top_enter(struct tui *t)
{
	struct tui_table *tb = t->table;
	const struct top_owner *ow = tb->owner;
	struct fm_buf expr = FM_BUF_INIT, line = FM_BUF_INIT;

	if (!ow->input[0]) {
		snprintf(tb->note, sizeof(tb->note),
			 "Enter needs top of one dataset or view");
		return;
	}
	if (row_filter(tb, ow, &expr) < 0) {
		fm_buf_release(&expr);
		return;
	}
	fm_buf_printf(&line, "filter %s ", ow->input);
	tui_quote_word(&line, fm_buf_str(&expr));
	fm_buf_addstr(&line, "");
	tui_table_close(t);
	tui_command(t, fm_buf_str(&line));
	fm_buf_release(&expr);
	fm_buf_release(&line);
}

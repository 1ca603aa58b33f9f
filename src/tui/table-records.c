/*
 * table-records.c - `show records [OBJ] [-n N]` in the workbench: a table
 * of the records of a dataset or view in the text format's columns
 * (flowtext.h: the same texts as `-o text`), paged through a record
 * window (recwin.h): only the rows around the view are read.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/flowtext.h"
#include "flowmodels/recwin.h"
#include "cmd/cmd-show.h"
#include "table.h"
#include "workbench.h"

struct records {
	struct session *s;
	struct sess_obj *o; /* a reference, kept while the table is open */
	struct fm_recwin *w;
	struct fm_batch b;
};

static void records_free(void *p)
{
	struct records *r = p;

	fm_batch_release(&r->b);
	fm_recwin_free(r->w);
	sess_put(r->s, r->o);
	free(r);
}

static long records_fetch(void *ctx, struct tui_table *tb, uint64_t first,
			  size_t n, uint64_t *total, char *err, size_t size)
{
	struct records *r = ctx;
	struct fm_error e = {0};
	long got = fm_recwin_read(r->w, first, n, &r->b, &e);

	if (got < 0) {
		snprintf(err, size, "%s", e.msg);
		return -1;
	}
	for (long i = 0; i < got; i++) {
		struct fm_record_text c;
		const char *cells[8] = {c.first, c.duration, c.proto,  c.src,
					c.dst,	 c.packets,  c.octets, c.aggs};
		fm_record_text(&r->b, (size_t)i, &c);
		if (tui_table_put(tb, cells) < 0) {
			snprintf(err, size, "out of memory");
			return -1;
		}
	}
	if (fm_recwin_total(r->w) >= 0)
		*total = (uint64_t)fm_recwin_total(r->w);
	return got;
}

/* The columns of the text format, at its widths. */
static void add_columns(struct tui_table *tb)
{
	static const struct {
		const char *name;
		int right, width;
	} cols[8] = {{"first", 0, 24},	{"duration", 1, 8}, {"proto", 0, 5},
		     {"src", 1, 21},	{"dst", 0, 21},	    {"packets", 1, 10},
		     {"octets", 1, 12}, {"aggs", 1, 5}};

	for (int c = 0; c < 8; c++) {
		tui_table_add_col(tb, cols[c].name, cols[c].right, 0, 0);
		tb->col[c].width = cols[c].width;
	}
}

/* The object without OBJ: the selected one when it has records. */
static const char *default_object(struct tui *t)
{
	const struct sess_obj *o;
	const char *name = NULL;

	sess_lock(t->sess);
	o = t->selected[0] ? sess_find(t->sess, t->selected) : NULL;
	if (o && o->kind != SESS_TYPED)
		name = o->name;
	sess_unlock(t->sess);
	return name;
}

void tui_records_open(struct tui *t, char **words, int n)
{
	const struct cmd_entry *e = cmd_find("show", NULL);
	struct cmd_args a;
	struct fm_error err = {0};
	struct records *r = NULL;
	struct tui_table *tb = NULL;
	struct tui_table_source src = {records_fetch, NULL, records_free};
	char title[192];
	int64_t limit = 0;

	memset(&a, 0, sizeof(a));
	if (!e || cmd_parse(e, n - 1, words + 1, &a, &err) < 0)
		goto fail;
	if (a.v[OPT_SHOW_N].set && (limit = a.v[OPT_SHOW_N].i) < 0) {
		fm_error_set(&err, FM_EINVAL,
			     "-n: expected a count >= 0 (0 = all)");
		goto fail;
	}
	if (!(r = calloc(1, sizeof(*r)))) {
		fm_error_set(&err, FM_ENOMEM, "out of memory");
		goto fail;
	}
	r->s = t->sess;
	if (cmd_show_records_object(t->sess,
				    a.npos > 1 ? a.pos[1] : default_object(t),
				    &r->o, &err) < 0 ||
	    fm_recwin_open(&r->w, r->o->dir,
			   r->o->kind == SESS_VIEW ? r->o->filter : NULL,
			   fm_record_text_fields(), &err) < 0)
		goto fail;
	if (r->o->kind == SESS_VIEW)
		snprintf(title, sizeof(title), "records of %s (%s)", r->o->name,
			 r->o->filter);
	else
		snprintf(title, sizeof(title), "records of %s", r->o->name);
	if (!(tb = tui_table_new(TABLE_RECORDS, title))) {
		fm_error_set(&err, FM_ENOMEM, "out of memory");
		goto fail;
	}
	add_columns(tb);
	src.ctx = r;
	tui_table_set_source(tb, &src, (uint64_t)limit, r->o->records);
	tui_table_open(t, tb);
	tui_log(t, ROLE_MSG_INFO,
		"show records: %llu records of %s in a table (Esc closes)",
		(unsigned long long)tui_table_count(tb), r->o->name);
	cmd_args_release(&a);
	return;
fail:
	if (r && r->o)
		records_free(r);
	else
		free(r);
	cmd_args_release(&a);
	tui_log(t, ROLE_MSG_ERROR, "show: %s", err.msg);
}

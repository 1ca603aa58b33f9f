/*
 * cmd-show-records.c - `show records [OBJ] [-n N]` in a session: the
 * first N records of a dataset or view as the text format writes them
 * (flowtext.h), read through a record window (recwin.h), so that a large
 * dataset is not read whole for a few lines.
 */
#include <inttypes.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "flowmodels/flowtext.h"
#include "flowmodels/recwin.h"
#include "cmd-show.h"
#include "session.h"

int cmd_show_records_object(struct session *s, const char *name,
			    struct sess_obj **out, struct fm_error *err)
{
	struct sess_obj *o = NULL;

	*out = NULL;
	if (!name) {
		sess_lock(s);
		for (size_t i = sess_count(s); i-- > 0 && !o;)
			if (sess_at(s, i)->kind != SESS_TYPED)
				name = sess_at(s, i)->name, o = sess_at(s, i);
		sess_unlock(s);
		if (!o)
			return fm_error_set(err, FM_EINVAL,
					    "no dataset or view in the session "
					    "(load one first)");
	}
	o = sess_get(s, name, err);
	if (!o)
		return err->code;
	if (o->kind == SESS_TYPED) {
		fm_error_set(err, FM_EINVAL,
			     "%s is a %s; show records reads a dataset or a "
			     "view",
			     o->name, sess_obj_kind(o));
		sess_put(s, o);
		return FM_EINVAL;
	}
	*out = o;
	return 0;
}

/* The first n records (0 = all) of o into out's text. */
static int print_records(struct sess_obj *o, uint64_t n, struct fm_buf *b,
			 uint64_t *shown, struct fm_error *err)
{
	struct fm_recwin *w = NULL;
	struct fm_batch got = {0};
	struct fm_record_text c;
	long r =
	    fm_recwin_open(&w, o->dir, o->kind == SESS_VIEW ? o->filter : NULL,
			   fm_record_text_fields(), err);

	*shown = 0;
	if (r == 0 && fm_record_text_header(b) < 0)
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	while (r == 0 && (n == 0 || *shown < n)) {
		uint64_t want = n == 0 || n - *shown > FM_BATCH_CAP
				    ? FM_BATCH_CAP
				    : n - *shown;
		r = fm_recwin_read(w, *shown, (size_t)want, &got, err);
		if (r <= 0)
			break;
		for (long i = 0; i < r; i++) {
			fm_record_text(&got, (size_t)i, &c);
			if (fm_record_text_line(b, &c) < 0)
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
		}
		*shown += (uint64_t)r;
		r = 0;
	}
	fm_batch_release(&got);
	fm_recwin_free(w);
	return r < 0 ? (int)r : 0;
}

int cmd_show_records(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct sess_obj *o = NULL;
	struct fm_buf b = FM_BUF_INIT;
	int64_t n = a->v[OPT_SHOW_N].set ? a->v[OPT_SHOW_N].i
					 : CMD_SHOW_RECORDS_DEFAULT;
	uint64_t shown = 0;
	int r = 0;

	sess_run_norecord(ctx->run); /* it changes nothing (show OBJ... does) */
	if (n < 0)
		r = fm_error_set(&err, FM_EINVAL,
				 "-n: expected a count >= 0 (0 = all)");
	if (r == 0)
		r = cmd_show_records_object(
		    ctx->session, a->npos > 1 ? a->pos[1] : NULL, &o, &err);
	if (r == 0)
		r = print_records(o, (uint64_t)n, &b, &shown, &err);
	if (r < 0 && o)
		fm_error_prefix(&err, "%s", o->name);
	if (r == 0) {
		fputs(fm_buf_str(&b), ctx->out);
		cmd_summary(ctx,
			    "show records: %" PRIu64 " of %" PRIu64
			    " records of %s",
			    shown, o->records, o->name);
	}
	fm_buf_release(&b);
	if (o)
		sess_put(ctx->session, o);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

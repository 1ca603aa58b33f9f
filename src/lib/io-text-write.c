/*
 * io-text-write.c - the `text` output format: one readable line a record,
 * like `nfdump -o line`, under a header line:
 *
 *   first                    duration proto                   src    dst ...
 *   2015-06-10T19:00:00.120Z    1.000 tcp       10.0.0.129:50740 -> ...
 *
 * the record's texts of flowtext.h (fm_record_text).  For people, not
 * for reading back: csv_flow is the exchange format.
 */
#include <stdlib.h>

#include "flowmodels/flowtext.h"
#include "io-int.h"

struct fm_text_writer {
	struct fm_outfile out;
};

int fm_text_writer_open(struct fm_text_writer **out, const char *path,
			struct fm_error *err)
{
	struct fm_text_writer *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if ((r = fm_outfile_open(&w->out, path, 1, err)) < 0) {
		free(w);
		return r;
	}
	if (fm_record_text_header(&w->out.buf) < 0) {
		fm_text_writer_free(w);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	*out = w;
	return 0;
}

/* Record i of b as one line. */
static int text_line(struct fm_buf *o, const struct fm_batch *b, size_t i)
{
	struct fm_record_text c;

	fm_record_text(b, i, &c);
	return fm_record_text_line(o, &c);
}

int fm_text_writer_write(struct fm_text_writer *w, const struct fm_batch *b,
			 struct fm_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		if (text_line(&w->out.buf, b, i) < 0)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		if (fm_outfile_maybe_flush(&w->out, err) < 0)
			return FM_EIO;
	}
	return 0;
}

int fm_text_writer_commit(struct fm_text_writer *w, struct fm_error *err)
{
	return fm_outfile_commit(&w->out, err);
}

void fm_text_writer_free(struct fm_text_writer *w)
{
	if (!w)
		return;
	fm_outfile_discard(&w->out);
	free(w);
}

/*
 * io-writer.c - struct fm_writer: one interface over the csv_flow and
 * binary writers.
 */
#include <stdlib.h>

#include "io-int.h"

struct fm_writer {
	enum fm_format format;
	struct fm_csv_writer *csv;
	struct fm_binary_writer *bin;
	uint64_t count;
};

int fm_writer_open(struct fm_writer **out, const struct fm_writer_opts *opts,
		   const char *path, struct fm_error *err)
{
	struct fm_writer *w;
	int r;

	if (opts->format != FM_FORMAT_CSV_FLOW && opts->format != FM_FORMAT_BINARY)
		return fm_error_set(err, FM_EINVAL,
				    "cannot write format '%s' (output formats: csv_flow, binary)",
				    fm_format_name(opts->format));
	if (opts->format == FM_FORMAT_BINARY && path[0] == '-' && !path[1])
		return fm_error_set(err, FM_EINVAL,
				    "binary output needs a directory (-O DIR), not stdout");
	w = calloc(1, sizeof(*w));
	if (!w)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	w->format = opts->format;
	if (opts->format == FM_FORMAT_CSV_FLOW)
		r = fm_csv_writer_open(&w->csv, path, opts->threads, err);
	else
		r = fm_binary_writer_open(&w->bin, path, FM_ALL_FIELDS, opts->log,
					  opts->threads, err);
	if (r < 0) {
		free(w);
		return r;
	}
	*out = w;
	return 0;
}

int fm_writer_write(struct fm_writer *w, const struct fm_batch *b,
		    struct fm_error *err)
{
	int r;

	/* binary: an absent column is written as zeros */
	if (w->csv && (b->fields & FM_ALL_FIELDS) != FM_ALL_FIELDS)
		return fm_error_set(err, FM_EINVAL, "writer needs all 21 fields");
	r = w->csv ? fm_csv_writer_write(w->csv, b, err)
		   : fm_binary_writer_write(w->bin, b, err);
	if (r == 0)
		w->count += b->n;
	return r;
}

int fm_writer_takes_raw(const struct fm_writer *w)
{
	return w->bin != NULL;
}

int fm_writer_write_raw(struct fm_writer *w, const struct fm_raw_batch *b,
			struct fm_error *err)
{
	if (!w->bin)
		return fm_error_set(err, FM_EINVAL,
				    "internal error: raw batch for a text writer");
	int r = fm_binary_writer_write_raw(w->bin, b, err);
	if (r == 0)
		w->count += b->n;
	return r;
}

int fm_writer_commit(struct fm_writer *w, struct fm_error *err)
{
	return w->csv ? fm_csv_writer_commit(w->csv, err)
		      : fm_binary_writer_commit(w->bin, err);
}

uint64_t fm_writer_count(const struct fm_writer *w)
{
	return w->count;
}

void fm_writer_free(struct fm_writer *w)
{
	if (!w)
		return;
	fm_csv_writer_free(w->csv);
	fm_binary_writer_free(w->bin);
	free(w);
}

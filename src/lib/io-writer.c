/*
 * io-writer.c - struct fm_writer: one interface over the csv_flow, binary,
 * text and nfcapd writers.
 */
#include <stdlib.h>

#include "io-int.h"

struct fm_writer {
	enum fm_format format;
	struct fm_csv_writer *csv;
	struct fm_binary_writer *bin;
	struct fm_text_writer *txt;
	struct fm_nfcapd_writer *nfc;
	uint64_t count;
};

int fm_writer_open(struct fm_writer **out, const struct fm_writer_opts *opts,
		   const char *path, struct fm_error *err)
{
	struct fm_writer *w;
	int r;

	if (!fm_format_writable(opts->format))
		return fm_error_set(
		    err, FM_EINVAL,
		    "cannot write format '%s' (output formats: %s)",
		    fm_format_name(opts->format), fm_format_write_list());
	if (opts->format == FM_FORMAT_BINARY && path[0] == '-' && !path[1])
		return fm_error_set(
		    err, FM_EINVAL,
		    "binary output needs a directory (-O DIR), not stdout");
	w = calloc(1, sizeof(*w));
	if (!w)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	w->format = opts->format;
	if (opts->format == FM_FORMAT_CSV_FLOW)
		r = fm_csv_writer_open(&w->csv, path, opts->threads, err);
	else if (opts->format == FM_FORMAT_TEXT)
		r = fm_text_writer_open(&w->txt, path, err);
	else if (opts->format == FM_FORMAT_NFCAPD)
		r = fm_nfcapd_writer_open(&w->nfc, path, opts->compress, err);
	else
		r = fm_binary_writer_open(&w->bin, path, FM_ALL_FIELDS,
					  opts->log, opts->threads, err);
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
	if (!w->bin && (b->fields & FM_ALL_FIELDS) != FM_ALL_FIELDS)
		return fm_error_set(err, FM_EINVAL,
				    "writer needs all 21 fields");
	if (w->csv)
		r = fm_csv_writer_write(w->csv, b, err);
	else if (w->txt)
		r = fm_text_writer_write(w->txt, b, err);
	else if (w->nfc)
		r = fm_nfcapd_writer_write(w->nfc, b, err);
	else
		r = fm_binary_writer_write(w->bin, b, err);
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
		return fm_error_set(
		    err, FM_EINVAL,
		    "internal error: raw batch for a text writer");
	int r = fm_binary_writer_write_raw(w->bin, b, err);
	if (r == 0)
		w->count += b->n;
	return r;
}

int fm_writer_commit(struct fm_writer *w, struct fm_error *err)
{
	if (w->csv)
		return fm_csv_writer_commit(w->csv, err);
	if (w->txt)
		return fm_text_writer_commit(w->txt, err);
	if (w->nfc)
		return fm_nfcapd_writer_commit(w->nfc, err);
	return fm_binary_writer_commit(w->bin, err);
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
	fm_text_writer_free(w->txt);
	fm_nfcapd_writer_free(w->nfc);
	fm_binary_writer_free(w->bin);
	free(w);
}

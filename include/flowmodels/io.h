/*
 * io.h - reading and writing flow records in every format (SPEC 2), input
 * expansion, and the cutting pipeline (SPEC 3).
 *
 * A struct fm_reader reads one or more inputs in order and hands out
 * batches of records.  A struct fm_writer writes batches to a csv_flow
 * file (or stdout) or a binary directory; nothing becomes visible under the
 * output name until fm_writer_commit succeeds (temporary names + rename),
 * and fm_writer_free without a commit removes everything it wrote.
 *
 * A struct fm_scan combines a reader with the four cutting counters and an
 * optional record selector (the filter), and yields the records a tool
 * processes.
 */
#ifndef FLOWMODELS_IO_H
#define FLOWMODELS_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"
#include "flowmodels/progress.h"

enum fm_format {
	FM_FORMAT_CSV_FLOW,
	FM_FORMAT_PIPE,
	FM_FORMAT_BINARY,
	FM_FORMAT_NFCAPD,	 /* native reader of nfdump capture files */
	FM_FORMAT_NFCAPD_NFDUMP, /* through `nfdump -r FILE -q -o pipe` */
	FM_FORMAT_TEXT, /* output only: readable lines (io-text-write.c) */
	FM_FORMAT_COUNT
};

/* Parse a format name ("csv_flow", "pipe", "binary", "nfcapd", ...). */
int fm_format_parse(const char *name, enum fm_format *out);
const char *fm_format_name(enum fm_format f);
/* "csv_flow, pipe, binary, nfcapd, nfcapd-nfdump": the input formats */
const char *fm_format_list(void);
/* Whether records can be written in f; "csv_flow, binary, text". */
int fm_format_writable(enum fm_format f);
const char *fm_format_write_list(void);

/* ---- inputs ---- */

/*
 * Expand input paths into the list of files (or, for binary, directories)
 * to read, in SPEC 2's order: a directory given for a non-binary format
 * means every regular file below it, recursively, sorted component by
 * component; "-" is standard input.  For the nfcapd formats, files of a
 * directory that are still being written (nfcapd.current.*) or lack an
 * nfcapd header are left out (fm_reader_open says so through its log).
 * On success *out is a NULL-terminated malloc'ed array of malloc'ed strings
 * (free with fm_paths_free).
 */
int fm_inputs_expand(enum fm_format fmt, const char *const *paths,
		     size_t npaths, char ***out, size_t *nout,
		     struct fm_error *err);
void fm_paths_free(char **paths);
/* Compare two paths component by component (strcmp on each component). */
int fm_path_cmp(const char *a, const char *b);

/* ---- readers ---- */

struct fm_reader_opts {
	enum fm_format format;
	uint32_t fields;	  /* columns wanted (FM_FIELD_BIT mask) */
	const struct fm_log *log; /* warnings, may be NULL */
	int biflow_split;	  /* nfcapd: reverse directions as records */
};

struct fm_reader;

int fm_reader_open(struct fm_reader **out, const struct fm_reader_opts *opts,
		   const char *const *paths, size_t npaths,
		   struct fm_error *err);
/*
 * Read up to max (<= FM_BATCH_CAP) records into b (b's columns then point
 * into reader memory, valid until the next call).  Returns the number of
 * records (> 0), 0 at the end of all inputs, or a negative error.
 */
long fm_reader_next(struct fm_reader *r, struct fm_batch *b, size_t max,
		    struct fm_error *err);
/*
 * Skip up to n records without decoding them where the format allows;
 * returns how many were skipped (fewer only at the end), or an error.
 */
int64_t fm_reader_skip(struct fm_reader *r, int64_t n, struct fm_error *err);
/*
 * The number of records of the inputs (read through fm_reader_skip: no
 * decoding for binary inputs; warnings of fm_reader_open go to o->log),
 * or a negative error.
 */
int64_t fm_reader_count(const struct fm_reader_opts *o,
			const char *const *paths, size_t npaths,
			struct fm_error *err);
/* Bytes consumed and total bytes of all inputs (for progress; total may be 0).
 */
void fm_reader_position(const struct fm_reader *r, uint64_t *done,
			uint64_t *total);
void fm_reader_free(struct fm_reader *r);
/*
 * Go on past an input that fails to open or to decode (a damaged capture
 * file) with a warning naming it; the records it gave before the damage
 * stay.  At the end one warning counts them; when every input was damaged
 * that is an error.  By default the first error stops the reader.
 */
void fm_reader_skip_damaged(struct fm_reader *r);

/* ---- writers ---- */

/* nfcapd block compression (the codes of the file header). */
enum fm_nfcapd_comp {
	FM_NFCAPD_NONE,
	FM_NFCAPD_LZO,
	FM_NFCAPD_BZ2,
	FM_NFCAPD_LZ4,
	FM_NFCAPD_ZSTD
};
/* "none", "lzo", "lz4", "zstd" (what the writer offers); 0 or FM_EINVAL. */
int fm_nfcapd_comp_parse(const char *name, enum fm_nfcapd_comp *out);

struct fm_writer_opts {
	enum fm_format format; /* one of fm_format_writable */
	const struct fm_log *log;
	/* 0: a second thread formats and writes when the machine has more
	 * than one CPU; 1: everything in the caller's thread */
	int threads;
	/* nfcapd output: block compression; 0 (none) unless set, the command
	 * layer's default is LZ4 */
	enum fm_nfcapd_comp compress;
};

struct fm_writer;

/* path "-" = stdout (csv_flow and text only). */
int fm_writer_open(struct fm_writer **out, const struct fm_writer_opts *opts,
		   const char *path, struct fm_error *err);
/*
 * Write the records of b (all 21 columns must be present for csv_flow;
 * for binary, a column absent from b (NULL) is written as zeros).
 */
int fm_writer_write(struct fm_writer *w, const struct fm_batch *b,
		    struct fm_error *err);
/* Finish: flush and move the output into place.  Returns 0 or an error. */
int fm_writer_commit(struct fm_writer *w, struct fm_error *err);
uint64_t fm_writer_count(const struct fm_writer *w);
/* Free; without a successful commit, remove everything written. */
void fm_writer_free(struct fm_writer *w);

/*
 * The longest text line a reader accepts (csv_flow, pipe, csv_hist,
 * session files), without its newline: a longer one is an error
 * "FILE:LINE: line longer than 65536 bytes", so a file without newlines
 * (a binary file, /dev/zero) never makes a reader grow without bound.
 */
#define FM_LINE_MAX 65536

/* ---- cutting and selection ---- */

#define FM_UNLIMITED INT64_MAX

/* The four counters of SPEC 3.  Use fm_cut_init for the defaults. */
struct fm_cut {
	int64_t skip_in;  /* <= 0: none */
	int64_t count_in; /* FM_UNLIMITED when absent; <= 0: none */
	int64_t skip_out;
	int64_t count_out;
};

static inline void fm_cut_init(struct fm_cut *c)
{
	c->skip_in = 0;
	c->count_in = FM_UNLIMITED;
	c->skip_out = 0;
	c->count_out = FM_UNLIMITED;
}

/*
 * A record selector (the filter): given a batch holding at least the
 * columns in `fields`, write the indices of the records to keep into idx
 * (ascending) and return how many; a negative return is an error.
 */
struct fm_selector {
	uint32_t fields;
	long (*select)(void *ctx, const struct fm_batch *b, uint32_t *idx,
		       struct fm_error *err);
	void *ctx;
};

struct fm_scan_opts {
	struct fm_reader_opts reader; /* fields = what the caller needs */
	struct fm_cut cut;
	const struct fm_selector *selector; /* NULL: keep all */
	const struct fm_progress *progress;
	int skip_damaged; /* fm_reader_skip_damaged on the reader */
};

struct fm_scan;

int fm_scan_open(struct fm_scan **out, const struct fm_scan_opts *opts,
		 const char *const *paths, size_t npaths, struct fm_error *err);
/*
 * Next batch of records that survive cutting and selection, or 0 at the
 * end; b's columns stay valid until the next call.
 */
long fm_scan_next(struct fm_scan *s, struct fm_batch *b, struct fm_error *err);
/* Records read from the inputs (after skip_in) and records emitted so far. */
void fm_scan_counts(const struct fm_scan *s, uint64_t *read, uint64_t *emitted);
/* Bytes of the inputs consumed so far, and in all (fm_reader_position). */
void fm_scan_position(const struct fm_scan *s, uint64_t *done, uint64_t *total);

/*
 * The sampling that nfcapd inputs declare (NFCAPD-FORMAT.md 5.1): their
 * sampler records (type 15, or 9 in nfdump 1.6 files), each distinct one
 * once, and the flow records flagged "sampled".  The collector already
 * multiplied packets and octets by (packet_interval + space_interval) /
 * packet_interval; nothing is scaled again.  Other formats declare none.
 */
#define FM_SAMPLERS_MAX 8
struct fm_sampler {
	int64_t id; /* the exporter's; -1 (nfcapd -s), -2 default */
	uint32_t packet_interval; /* packets taken ... */
	uint32_t space_interval;  /* ... then packets left out */
	uint16_t exporter;	  /* the exporter's sysid in the file */
	uint16_t algorithm;
};
struct fm_sampling {
	uint64_t flagged; /* flow records with the sampled flag */
	size_t n;    /* distinct samplers, the first FM_SAMPLERS_MAX kept */
	size_t more; /* distinct samplers beyond those */
	struct fm_sampler s[FM_SAMPLERS_MAX];
};
/* Note sampler x (once; distinct by every field). */
void fm_sampling_note(struct fm_sampling *acc, const struct fm_sampler *x);
/* What the reader's inputs read so far declared. */
void fm_reader_sampling(const struct fm_reader *r, struct fm_sampling *out);
void fm_scan_sampling(const struct fm_scan *s, struct fm_sampling *out);
void fm_scan_free(struct fm_scan *s);

/*
 * The whole record copy of `convert`: scan the inputs and write every
 * surviving record to w (not committed).  *written receives the count.
 */
int fm_scan_copy(struct fm_scan *s, struct fm_writer *w, uint64_t *written,
		 struct fm_error *err);

#endif

/*
 * io-int.h - private interfaces between the reader/writer front ends and
 * the per-format sources.
 *
 * A source reads one input (a file, a stream or a binary directory).  The
 * reader (io-reader.c) opens the sources of all inputs in turn.  Text
 * formats share struct fm_textin, a chunked line reader over a file
 * descriptor that tracks the line number for error messages.
 */
#ifndef FLOWMODELS_IO_INT_H
#define FLOWMODELS_IO_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "flowmodels/fileops.h"
#include "flowmodels/io.h"

struct fm_source;

/*
 * "pcap" or "pcapng" when head (len >= 4 bytes of a file's start) is a
 * packet capture rather than flow records, else NULL (io-reader.c).
 */
const char *fm_foreign_capture(const void *head, size_t len);
/*
 * Whether a file name is one of the tools' own temporary names
 * (NAME.tmp.XXXXXX, .NAME.tmp.XXXXXX, and NAME.tmpXXXXXX of older
 * versions): never read as input when a directory is expanded.
 */
int fm_is_temp_name(const char *name);

/*
 * A batch of the reader's columns in their stored element types (binary
 * sources): col[f] points at n elements of type code[f], one of b B h H
 * i I l L q Q (int8 .. uint64, little-endian, aligned) - in place in the
 * source's memory, valid until the next call.  Real columns (f, d) come
 * converted to int64 ('q', with their checks), missing ones as int64
 * zeros.  For consumers that read narrow columns where they lie instead
 * of in widened copies (hist's kernels).
 */
struct fm_raw_batch {
	size_t n;
	const void *col[FM_NFIELDS];
	char code[FM_NFIELDS];
};

struct fm_source_ops {
	/* Fill b with up to max records; > 0 count, 0 end, < 0 error. */
	long (*next)(struct fm_source *s, struct fm_batch *b, size_t max,
		     struct fm_error *err);
	/* Skip up to n records; returns the number skipped or an error. */
	int64_t (*skip)(struct fm_source *s, int64_t n, struct fm_error *err);
	/* Bytes consumed so far. */
	uint64_t (*position)(const struct fm_source *s);
	void (*close)(struct fm_source *s);
	/*
	 * Late materialisation (both NULL when a source does not offer it,
	 * e.g. text formats, which decode every field of a line anyway).
	 * next_cols is next restricted to the columns `fields` (a subset of
	 * those the source was opened with): b->fields says which columns the
	 * batch holds.  gather then fills the columns `fields` of dst for the
	 * records idx[0..k) (ascending, relative to the batch the last
	 * next_cols returned): into dst's owned storage; or, with idx NULL
	 * and k that batch's size, for every record, setting dst's column
	 * pointers to source memory (valid until the next call) - the
	 * pass-through case.
	 */
	long (*next_cols)(struct fm_source *s, struct fm_batch *b, size_t max,
			  uint32_t fields, struct fm_error *err);
	int (*gather)(struct fm_source *s, const uint32_t *idx, size_t k,
		      uint32_t fields, struct fm_batch *dst,
		      struct fm_error *err);
	/*
	 * next in the columns' stored widths, without widening them to
	 * int64 (NULL when a source does not offer it): see struct
	 * fm_raw_batch.
	 */
	long (*next_raw)(struct fm_source *s, struct fm_raw_batch *b,
			 size_t max, struct fm_error *err);
	/*
	 * gather in the columns' stored widths (NULL when a source does not
	 * offer it; after next_cols, like gather): every column of the
	 * source for the records idx[0..k) into bufs[f] (room for k 8-byte
	 * values each), or with idx NULL for every record of that batch in
	 * place.  dst's columns point at the values (struct fm_raw_batch).
	 */
	int (*gather_raw)(struct fm_source *s, const uint32_t *idx, size_t k,
			  struct fm_raw_batch *dst, unsigned char *const *bufs,
			  struct fm_error *err);
};

struct fm_source {
	const struct fm_source_ops *ops;
};

/*
 * A skip for sources that cannot skip faster than they decode: reads and
 * drops up to n records through ops->next, in chunks of `chunk` records.
 */
int64_t fm_source_skip_by_next(struct fm_source *src, int64_t n, size_t chunk,
			       struct fm_error *err);

/*
 * The reader's side of late materialisation (used by fm_scan when a
 * selector needs fewer columns than the caller): fm_reader_next_cols is
 * fm_reader_next decoding only the columns `fields` where the current
 * source allows it (b->fields tells what was decoded: all the reader's
 * columns when the source has no next_cols); fm_reader_gather is the
 * current source's gather, to be called only after a batch that lacked
 * columns.
 */
long fm_reader_next_cols(struct fm_reader *r, struct fm_batch *b, size_t max,
			 uint32_t fields, struct fm_error *err);
int fm_reader_gather(struct fm_reader *r, const uint32_t *idx, size_t k,
		     uint32_t fields, struct fm_batch *dst,
		     struct fm_error *err);
/*
 * The current source's gather_raw (after fm_reader_next_cols); whether
 * the reader's format offers it (binary).
 */
int fm_reader_gather_raw(struct fm_reader *r, const uint32_t *idx, size_t k,
			 struct fm_raw_batch *dst, unsigned char *const *bufs,
			 struct fm_error *err);
int fm_reader_has_raw(const struct fm_reader *r);
/*
 * fm_reader_next in stored widths (struct fm_raw_batch): FM_EINVAL when
 * the reader's format offers no such batches (only binary does).
 */
/*
 * The reader's inputs will be read through in order (fm_scan): binary
 * inputs map their pages ahead of it (fm_binary_source_prefetch).
 */
void fm_reader_prefetch(struct fm_reader *r);
long fm_reader_next_raw(struct fm_reader *r, struct fm_raw_batch *b, size_t max,
			struct fm_error *err);

/* Open one input of the given format (path "-" = stdin for text formats). */
typedef int (*fm_source_open_fn)(struct fm_source **out, const char *path,
				 uint32_t fields, const struct fm_log *log,
				 struct fm_error *err);

/*
 * Buffer sizes of a text source over a descriptor (NULL or 0 fields: the
 * sizes files are read with).  Small sizes make a source cheap to set up
 * for a small input (the fuzz targets open one per input) and take the same
 * code paths: the read buffer grows for a longer line, a file takes more
 * batches, and csv_flow still parses large enough batches in two threads.
 */
struct fm_text_opts {
	size_t chunk;	  /* first size of the read buffer (2 MiB) */
	size_t batch_cap; /* records a batch holds (FM_BATCH_CAP, the most) */
	size_t parallel_min; /* csv_flow: lines of a batch parsed in two
				threads from this many on (2048) */
};

int fm_csv_source_open(struct fm_source **out, const char *path,
		       uint32_t fields, const struct fm_log *log,
		       struct fm_error *err);
/* A csv_flow source over an open descriptor (taken over, closed at the end). */
int fm_csv_source_from_fd(struct fm_source **out, int fd, const char *name,
			  uint32_t fields, const struct fm_text_opts *opts,
			  struct fm_error *err);
int fm_pipe_source_open(struct fm_source **out, const char *path,
			uint32_t fields, const struct fm_log *log,
			struct fm_error *err);
/* A pipe-format source over an open descriptor (taken over, closed at the end).
 */
int fm_pipe_source_from_fd(struct fm_source **out, int fd, const char *name,
			   uint32_t fields, const struct fm_text_opts *opts,
			   struct fm_error *err);
/* Treat lines equal to text as no record (nfdump's "No matching flows"). */
void fm_pipe_source_ignore_line(struct fm_source *src, const char *text);
int fm_binary_source_open(struct fm_source **out, const char *path,
			  uint32_t fields, const struct fm_log *log,
			  struct fm_error *err);
/*
 * The same with batches of at most batch_cap records (1..FM_BATCH_CAP; a
 * larger max asked of next and its kin gives batch_cap records).  A small
 * cap makes a source cheap to open for a small directory (the fuzz target
 * opens one per input: no 128 KiB of zeros, no 2.7 MiB store) and takes the
 * same code paths in more batches.
 */
int fm_binary_source_open_cap(struct fm_source **out, const char *path,
			      uint32_t fields, const struct fm_log *log,
			      size_t batch_cap, struct fm_error *err);
/*
 * A binary source about to be read through in order maps its pages ahead
 * of the reader in a thread of its own (large inputs, more than one CPU).
 */
void fm_binary_source_prefetch(struct fm_source *src);
/* The bytes of the field arrays (regular FIELD.CODE files) of a binary
 * directory; 0 when it cannot be read. */
uint64_t fm_binary_dir_bytes(const char *dir);
/* Provided by the nfcapd modules. */
int fm_nfcapd_source_open(struct fm_source **out, const char *path,
			  uint32_t fields, const struct fm_log *log,
			  struct fm_error *err);
/* --biflow split on an nfcapd source (before its first batch). */
void fm_nfcapd_source_biflow_split(struct fm_source *src);
/* The nfcapd source's fm_nfcapd_sampling. */
void fm_nfcapd_source_sampling(struct fm_source *src, struct fm_sampling *acc);
int fm_nfdump_source_open(struct fm_source **out, const char *path,
			  uint32_t fields, const struct fm_log *log,
			  struct fm_error *err);

/* ---- text input ---- */

/* Bytes allocated past the size of fm_textin's buffer: the data in it is
 * always followed by a NUL byte there, so every line returned by
 * fm_textin_lines is followed by '\n', '\r' or NUL (the csv_flow fast path
 * needs no end test). */
#define FM_TEXTIN_PAD 8

struct fm_textin {
	int fd;
	int own_fd;
	char *name; /* for messages */
	char *buf;
	size_t size;	   /* allocated, plus FM_TEXTIN_PAD */
	size_t start, end; /* unread bytes buf[start..end) */
	int eof;
	uint64_t line;	   /* number of the last line returned (1-based) */
	uint64_t consumed; /* bytes returned so far */
};

int fm_textin_open(struct fm_textin *t, const char *path, struct fm_error *err);
/* Over an open descriptor (taken over); chunk: the first buffer size, 0 for
 * the default. */
int fm_textin_from_fd(struct fm_textin *t, int fd, const char *name,
		      size_t chunk, struct fm_error *err);
/*
 * Next line (without '\n', possibly without a trailing '\r' removed);
 * returns 1 with *line and *len set, 0 at the end, < 0 on a read error.
 * The line stays valid until the next call.
 */
int fm_textin_line(struct fm_textin *t, const char **line, size_t *len,
		   struct fm_error *err);
/*
 * Collect up to max complete lines from what is buffered, reading more only
 * when no complete line is buffered; starts[i] and lens[i] describe line
 * number t->line - count + 1 + i (no '\n', a trailing '\r' removed).
 * Returns the count, 0 at the end, < 0 on a read error.  The lines stay
 * valid until the next call.
 */
long fm_textin_lines(struct fm_textin *t, size_t max, const char **starts,
		     uint32_t *lens, struct fm_error *err);
/*
 * Skip up to n records, a record being a line that is not blank (spaces,
 * tabs) and, when ignore is not NULL, not equal to ignore after leading
 * blanks.  Returns the number skipped (fewer only at the end) or an error.
 */
int64_t fm_textin_skip_records(struct fm_textin *t, int64_t n,
			       const char *ignore, struct fm_error *err);
void fm_textin_close(struct fm_textin *t);

/*
 * Parse an unsigned decimal or 0x hex integer from [*p, end) up to 2^64-1,
 * skipping leading spaces; advances *p.  Returns 0, or -1 (no digits),
 * -2 (negative), -3 (above 2^64-1).
 */
int fm_parse_u64(const char **p, const char *end, uint64_t *out);

/*
 * Parse one csv_flow line (without its newline) into the 21 values
 * (io-csv.c).  fast selects the fast path for plain lines; 0 selects the
 * simple one (the reference the differential test compares with).  Lines
 * that are not plain go to the careful parser either way.
 * Returns 0, 1 for a blank line, or FM_EFORMAT naming name:lineno and the
 * field.  line[len] must be readable and neither a digit, a space nor a
 * comma (see FM_TEXTIN_PAD).
 */
int fm_csv_parse_record(const char *name, const char *line, size_t len,
			uint64_t lineno, int64_t *vals, int fast,
			struct fm_error *err);

/* Format v as decimal into dst (at least 20 bytes); returns the length. */
size_t fm_fmt_u64(char *dst, uint64_t v);

/* The same, inline for the hot loop of the csv_flow writer (io-text.c has
 * the tables: "00".."99" and the powers of ten up to 10^19). */
extern const char fm_digit_pairs[201];
extern const uint64_t fm_pow10_u64[20];

static inline size_t fm_fmt_u64_inline(char *dst, uint64_t v)
{
	if (v < 10) {
		dst[0] = (char)('0' + v);
		return 1;
	}
	/* digits: log10 estimate from the bit length, corrected once */
	int bits = 64 - __builtin_clzll(v);
	int n = (bits * 1233) >> 12;
	n += n < 20 && v >= fm_pow10_u64[n];
	char *p = dst + n;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		p -= 2;
		memcpy(p, fm_digit_pairs + 2 * r, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, fm_digit_pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return (size_t)n;
}

/*
 * The eight decimal digits of v < 10^8 as one byte each (0..9, not yet
 * ASCII), the most significant digit in the lowest byte: v is split into
 * two halves of four digits, each half into two pairs, each pair into two
 * digits, all lanes at once with multiplications by reciprocals that are
 * exact in these ranges (x * 5243 >> 19 == x / 100 for x < 10^4,
 * x * 103 >> 10 == x / 10 for x < 100).
 */
static inline uint64_t fm_digits8(uint32_t v)
{
	uint64_t x = (v / 10000) | ((uint64_t)(v % 10000) << 32);
	uint64_t h = ((x * 5243) >> 19) & 0x0000007F0000007FULL;
	uint64_t y = h | ((x - h * 100) << 16);
	uint64_t t = ((y * 103) >> 10) & 0x000F000F000F000FULL;
	return t | ((y - t * 10) << 8);
}

#define FM_ASCII8 0x3030303030303030ULL

/* v (1 <= v < 10^8) without leading zeros: stores 8 bytes at dst. */
static inline size_t fm_fmt_short8(char *dst, uint32_t v)
{
	uint64_t d = fm_digits8(v);
	unsigned z = (unsigned)__builtin_ctzll(d) >> 3; /* leading zeros */
	d = (d >> (8 * z)) | FM_ASCII8;
	memcpy(dst, &d, 8);
	return 8 - z;
}

/*
 * The same as fm_fmt_u64_inline with fewer branches and no loop for values
 * below 10^16, for the csv_flow writer's hot loop: it may store up to 16
 * bytes at dst whatever the length it returns, so dst needs 20 bytes of
 * room.
 */
static inline size_t fm_fmt_u64_wide(char *dst, uint64_t v)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	return fm_fmt_u64_inline(dst, v);
#endif
	if (v < 100000000) {
		if (v == 0) {
			dst[0] = '0';
			return 1;
		}
		return fm_fmt_short8(dst, (uint32_t)v);
	}
	if (v >= 10000000000000000ULL)
		return fm_fmt_u64_inline(dst, v);
	uint64_t hi = v / 100000000;
	size_t n = fm_fmt_short8(dst, (uint32_t)hi);
	uint64_t d = fm_digits8((uint32_t)(v - hi * 100000000)) | FM_ASCII8;
	memcpy(dst + n, &d, 8);
	return n + 8;
}
size_t fm_fmt_i64(char *dst, int64_t v);

/* Write all of buf to fd, retrying short writes; 0 or FM_EIO (errno set). */
int fm_write_all(int fd, const void *buf, size_t len);

/* Temporary files and directories beside a target: flowmodels/fileops.h. */

/*
 * An output file (io-outfile.c): bytes collect in buf; fm_outfile_flush
 * writes them, fm_outfile_maybe_flush once 1 MiB is waiting; the file is
 * written under a temporary name beside path and renamed into place by
 * fm_outfile_commit; fm_outfile_discard (also after a commit) frees it and
 * removes an uncommitted file.  "-" is standard output when allowed.
 */
struct fm_outfile {
	int fd;
	char *path; /* NULL for standard output */
	char *tmpname;
	struct fm_buf buf;
};
int fm_outfile_open(struct fm_outfile *o, const char *path, int allow_stdout,
		    struct fm_error *err);
int fm_outfile_flush(struct fm_outfile *o, struct fm_error *err);
int fm_outfile_maybe_flush(struct fm_outfile *o, struct fm_error *err);
int fm_outfile_commit(struct fm_outfile *o, struct fm_error *err);
void fm_outfile_discard(struct fm_outfile *o);

/*
 * fm_writer_write of a raw batch, for writers that take them
 * (fm_writer_takes_raw: binary output).
 */
int fm_writer_takes_raw(const struct fm_writer *w);
int fm_writer_write_raw(struct fm_writer *w, const struct fm_raw_batch *b,
			struct fm_error *err);

/*
 * ---- writers of the two output formats (io-csv-write.c, io-binary-write.c)
 * ---- threads: as in struct fm_writer_opts (1 = no thread of their own).
 */

struct fm_csv_writer;
int fm_csv_writer_open(struct fm_csv_writer **out, const char *path,
		       int threads, struct fm_error *err);
int fm_csv_writer_write(struct fm_csv_writer *w, const struct fm_batch *b,
			struct fm_error *err);
int fm_csv_writer_commit(struct fm_csv_writer *w, struct fm_error *err);
void fm_csv_writer_free(struct fm_csv_writer *w);

/* io-text-write.c: the `text` output format ("-" = stdout) */
struct fm_text_writer;
int fm_text_writer_open(struct fm_text_writer **out, const char *path,
			struct fm_error *err);
int fm_text_writer_write(struct fm_text_writer *w, const struct fm_batch *b,
			 struct fm_error *err);
int fm_text_writer_commit(struct fm_text_writer *w, struct fm_error *err);
void fm_text_writer_free(struct fm_text_writer *w);

/* io-nfcapd-write.c: nfcapd layout 2 (a file, not stdout) */
struct fm_nfcapd_writer;
int fm_nfcapd_writer_open(struct fm_nfcapd_writer **out, const char *path,
			  enum fm_nfcapd_comp comp, struct fm_error *err);
int fm_nfcapd_writer_write(struct fm_nfcapd_writer *w, const struct fm_batch *b,
			   struct fm_error *err);
int fm_nfcapd_writer_commit(struct fm_nfcapd_writer *w, struct fm_error *err);
void fm_nfcapd_writer_free(struct fm_nfcapd_writer *w);

struct fm_binary_writer;
int fm_binary_writer_open(struct fm_binary_writer **out, const char *dir,
			  uint32_t fields, const struct fm_log *log,
			  int threads, struct fm_error *err);
int fm_binary_writer_write(struct fm_binary_writer *w, const struct fm_batch *b,
			   struct fm_error *err);
/*
 * Write a raw batch (struct fm_raw_batch, a NULL column = zeros): the
 * same files as fm_binary_writer_write of its values widened to int64;
 * columns already in the output's codes are copied as they are.
 */
int fm_binary_writer_write_raw(struct fm_binary_writer *w,
			       const struct fm_raw_batch *b,
			       struct fm_error *err);
int fm_binary_writer_commit(struct fm_binary_writer *w, struct fm_error *err);
void fm_binary_writer_free(struct fm_binary_writer *w);

#endif

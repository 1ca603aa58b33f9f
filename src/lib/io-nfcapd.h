/*
 * io-nfcapd.h - the native nfcapd decoder (io-nfcapd.c), private to the
 * library, the unit tests and the fuzz target.
 *
 * The decoder reads a capture file through a positional read callback, so
 * the same code runs on a file descriptor (the `nfcapd` source) and on a
 * memory buffer (fuzzing, tests).  It walks the data blocks one at a time
 * (reading, decompressing), and the records of the current block from a
 * cursor, writing flow records into an owned all-fields batch.
 */
#ifndef FLOWMODELS_IO_NFCAPD_H
#define FLOWMODELS_IO_NFCAPD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"
#include "flowmodels/io.h"

/* Largest block payload (compressed or not) nfdump reads or writes. */
#define FM_NFCAPD_BLOCK_MAX (5u * 1024u * 1024u)

/* Read up to len bytes at offset off; returns the count (short at EOF) or -1.
 */
typedef ssize_t (*fm_nfcapd_read_fn)(void *ctx, uint64_t off, void *buf,
				     size_t len);

struct fm_nfcapd;

/*
 * Open a decoder over a file of file_size bytes read through fn/ctx; name
 * is used in messages.  Reads and checks the file header.
 */
int fm_nfcapd_open(struct fm_nfcapd **out, const char *name,
		   fm_nfcapd_read_fn fn, void *ctx, uint64_t file_size,
		   const struct fm_log *log, struct fm_error *err);
/* The same over a memory buffer (kept by reference, not copied). */
int fm_nfcapd_open_mem(struct fm_nfcapd **out, const char *name,
		       const void *data, size_t len, const struct fm_log *log,
		       struct fm_error *err);
/*
 * Decompress into buf (FM_NFCAPD_BLOCK_MAX bytes, the caller's, outliving
 * d) instead of a buffer of d's own allocated at the first compressed
 * block: a caller opening many small files (the fuzz target, one per
 * input) spares allocating and mapping 5 MiB for each.  Call before the
 * first decode.
 */
void fm_nfcapd_lend_buffer(struct fm_nfcapd *d, uint8_t *buf);
/*
 * Records per decode call.  The output columns have this fixed length so
 * that every store is base + constant offset, and a chunk of all 21
 * columns (672 KiB) stays in the L2 cache.
 */
#define FM_NFCAPD_CHUNK 4096

struct fm_nfcapd_out {
	/* + 8: columns one cache line off a 32 KiB stride (L1 set conflicts) */
	int64_t col[FM_NFIELDS][FM_NFCAPD_CHUNK + 8];
};

/*
 * Decode up to max (capped at FM_NFCAPD_CHUNK) flow records into o, all 21
 * columns.  Returns the count (> 0), 0 at the end of the file, or a
 * negative error naming file and block (and repeats it on later calls).
 */
long fm_nfcapd_decode(struct fm_nfcapd *d, struct fm_nfcapd_out *o, size_t max,
		      struct fm_error *err);
/*
 * Bidirectional flows: split each V3 record with reverse counters
 * (cntFlow outPackets/outBytes) into the forward record and a reverse one
 * (addresses, ports and interfaces swapped; ICMP keeps its type in dp),
 * emitting only directions with packets.  Call before the first decode.
 */
void fm_nfcapd_biflow_split(struct fm_nfcapd *d);
/*
 * Note the sampling the file declares (sampler records, flows flagged
 * sampled) into acc from now on (fm_sampling_note).
 */
void fm_nfcapd_sampling(struct fm_nfcapd *d, struct fm_sampling *acc);

/*
 * Exporter quirks counted per input and warned about once at its end:
 * records whose last time is before their first (softflowd's IPFIX) and
 * records with 0 packets (bidirectional IPFIX with only reverse traffic).
 */
struct fm_flow_quirks {
	uint64_t records;   /* records given out */
	uint64_t neg_dur;   /* last < first */
	uint64_t zero_pkts; /* packets == 0 */
	uint64_t with_rev;  /* records with reverse counters (not split) */
	uint64_t split_rev; /* reverse records emitted (split) */
	uint64_t
	    dir_dropped; /* directions with 0 packets not emitted (split) */
	int split;	 /* --biflow split is on */
	int rev_known;	 /* the reader sees reverse counters */
};

static inline void fm_flow_quirks_note(struct fm_flow_quirks *q, int64_t first,
				       int64_t first_ms, int64_t last,
				       int64_t last_ms, int64_t packets)
{
	q->records++;
	q->neg_dur += last < first || (last == first && last_ms < first_ms);
	q->zero_pkts += packets == 0;
}

/* The warnings for input `name`, if any quirk was seen. */
void fm_flow_quirks_report(const struct fm_flow_quirks *q, const char *name,
			   const struct fm_log *log);

/* Bytes of the file consumed so far: the blocks read, and of the current
 * block the share its records read so far stand for. */
uint64_t fm_nfcapd_position(const struct fm_nfcapd *d);
void fm_nfcapd_free(struct fm_nfcapd *d);

/*
 * Whether the first len bytes (len >= 4 needed) start with nfdump's file
 * magic, in either byte order: 1 yes, 0 no.  Files that pass are capture
 * files; opening one of an unsupported layout or byte order is an error.
 */
int fm_nfcapd_probe(const void *head, size_t len);

#endif

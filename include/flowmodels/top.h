/*
 * top.h - top-N statistics of flow records (`top`, like `nfdump -s`):
 * records grouped by one or more keys, each group's flows (records),
 * packets and octets summed exactly, the groups ordered by one of the
 * three, largest first, ties broken by the key value (ascending).
 *
 * Keys: any of the 21 record fields, `sa` / `da` (a whole address: the
 * family and, for IPv6, all four words), `port` (either port: a record
 * counts once for its source and once for its destination port, once when
 * they are equal, as nfdump's `-s port`) and `proto` (= prot).
 */
#ifndef FLOWMODELS_TOP_H
#define FLOWMODELS_TOP_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"
#include "flowmodels/io.h"
#include "flowmodels/progress.h"

#define FM_TOP_MAX_KEYS 4
/* int64 words a group key holds at most (an address takes 5). */
#define FM_TOP_MAX_WIDTH (5 * FM_TOP_MAX_KEYS)

enum { FM_TOPK_SA = FM_NFIELDS, FM_TOPK_DA, FM_TOPK_PORT };
enum fm_top_by { FM_TOP_FLOWS, FM_TOP_PACKETS, FM_TOP_OCTETS };

struct fm_top_keys {
	int n;
	int key[FM_TOP_MAX_KEYS]; /* field number or FM_TOPK_* */
};

/*
 * Parse "sa,dp" (comma-separated key names) into k.  Errors name the
 * unknown key and list the keys; `port` at most once.
 */
int fm_top_keys_parse(const char *spec, struct fm_top_keys *k,
		      struct fm_error *err);
/* The name of key number i of k ("sa", "port", "dp", ...). */
const char *fm_top_key_name(int key);
/* The record columns the keys (and the sums) need. */
uint32_t fm_top_fields(const struct fm_top_keys *k);
/* "flows"/"packets"/"octets" -> by; -1 when unknown. */
int fm_top_by_parse(const char *name);
/* The name of sum `by`: "flows", "packets" or "octets". */
const char *fm_top_by_name(enum fm_top_by by);

struct fm_top;
struct fm_top_row {
	const int64_t *key; /* the group's key words */
	uint64_t flows, packets, octets;
};

int fm_top_new(struct fm_top **out, const struct fm_top_keys *k,
	       struct fm_error *err);
void fm_top_free(struct fm_top *t);
/* Add the records of b (holding fm_top_fields).  0, FM_ENOMEM, FM_ERANGE. */
int fm_top_add(struct fm_top *t, const struct fm_batch *b,
	       struct fm_error *err);
/*
 * Add the records of binary directories (the range the counters of cut
 * select; cut may be NULL) with `threads` threads (0: one a core, fewer
 * on small inputs), each owning a partition of the key hashes.  Missing
 * fields give warnings to log.  Progress counts records read by all
 * threads.  0, FM_ENOMEM, FM_ERANGE, FM_ECANCEL or the reader's errors.
 */
struct fm_top_binary_opts {
	int threads;
	const struct fm_cut *cut;
	const struct fm_progress *progress;
	const struct fm_log *log;
};
int fm_top_add_binary(struct fm_top *t, const char *const *dirs, size_t ndirs,
		      const struct fm_top_binary_opts *o, struct fm_error *err);
/*
 * Add every batch of scan s (its fields holding fm_top_fields).  With
 * `threads` other than 1 (0: when the machine has more than one core)
 * the scan is read ahead in a thread of its own (scan-ahead.h) while this
 * one aggregates: the same result, in about the time of the slower side.
 * 0, FM_ENOMEM, FM_ERANGE or the scan's errors.
 */
int fm_top_add_scan(struct fm_top *t, struct fm_scan *s, int threads,
		    struct fm_error *err);
/* The keys t groups by. */
const struct fm_top_keys *fm_top_keys_of(const struct fm_top *t);
/* Totals over all records added (flows = records). */
void fm_top_totals(const struct fm_top *t, uint64_t *flows, uint64_t *packets,
		   uint64_t *octets);
/* Number of groups. */
size_t fm_top_groups(const struct fm_top *t);
/*
 * The first n groups (all when n is 0 or larger) in order, by descending
 * `by` and ascending key; *rows is malloc'ed (free it), valid while t
 * lives.  Returns the count or FM_ENOMEM.
 */
long fm_top_result(struct fm_top *t, enum fm_top_by by, size_t n,
		   struct fm_top_row **rows, struct fm_error *err);
/*
 * The text of key i of a row's key words into buf (FM_TEXT_MAX bytes):
 * an address for sa/da, a number otherwise; with names, protocols by name
 * where they have one (text output).
 */
void fm_top_key_text(const struct fm_top *t, const struct fm_top_row *row,
		     int i, int names, char *buf);

#endif

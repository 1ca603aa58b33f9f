/*
 * merge-spill.h - merge's records moved out of memory (merge.c, private).
 *
 * When merge's cache holds more records than its budget allows, the
 * records that entered it first (the oldest: those least likely to be
 * continued) move to a spill file: an unlinked temporary file in which
 * the record of insertion number q has the 176-byte slot at q * 176 (its
 * 21 fields and q + 1; 0 there: no record), a sparse file that holds only
 * the slots written.  The index from a key's hash to its slot is an
 * open-addressing table (kept at most half full) in a second unlinked
 * file.  Both files are memory-mapped (MAP_SHARED): their pages are the
 * kernel's page cache, written back and dropped under memory pressure,
 * so the private memory of the spill does not grow with the records in
 * it (but for a bit per MiB of slots: which MiB has any, and a filter of
 * 1 MiB that answers most lookups of keys not spilled).  A record of a
 * spilled key takes it back (spill_take): its slot becomes 0, its index
 * entry a tombstone.  At the end the records still spilled come back in
 * insertion order, which is slot order (spill_next, skipping the MiB
 * that never had one).
 */
#ifndef FM_MERGE_SPILL_H
#define FM_MERGE_SPILL_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"

struct spill_ent {
	uint64_t hash;
	uint64_t slot; /* slot + 1; 0 = empty, SPILL_DEAD = taken back */
};

struct spill {
	int rfd;	     /* the records; -1 until the first */
	unsigned char *rmap; /* mapped, rcap bytes (the file's size) */
	size_t rcap;
	uint64_t *chunks; /* bit c: MiB c of the file has a slot written */
	uint64_t *filter; /* SPILL_FILTER_BITS: two set by each key's hash */
	int tfd;	  /* the index */
	struct spill_ent *tab; /* mapped, mask + 1 entries */
	size_t mask, used;     /* table size - 1; entries not empty */
	uint64_t nlive;	       /* records still spilled */
};

#define SPILL_DEAD UINT64_MAX
/* The keys not spilled are found without touching the index's pages: a
 * filter of 1 MiB (a tenth of lookups go on to the index at 1.5M keys). */
#define SPILL_FILTER_BITS ((size_t)1 << 23)

void spill_init(struct spill *s);
void spill_release(struct spill *s);
/* Move record r (hash h, insertion number seq) out of memory. */
int spill_put(struct spill *s, const int64_t *r, uint64_t h, uint64_t seq,
	      struct fm_error *err);
/*
 * Take back the spilled record whose first nkey fields equal key's (hash
 * h): 1 with it in r and its insertion number in *seq, 0 when there is
 * none, or an error.
 */
int spill_take(struct spill *s, const int64_t *key, int nkey, uint64_t h,
	       int64_t *r, uint64_t *seq, struct fm_error *err);
/*
 * The records still spilled in insertion order: from slot *pos (0 at
 * first), 1 with the next one in r and *seq, 0 after the last.
 */
int spill_next(const struct spill *s, uint64_t *pos, int64_t *r, uint64_t *seq);

#endif

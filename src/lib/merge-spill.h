/*
 * merge-spill.h - merge's records moved out of memory (merge.c, private).
 *
 * When merge's cache holds more records than its budget allows, the
 * records that entered it first (the oldest: those least likely to be
 * continued) move to a spill file: an unlinked temporary file, records
 * appended in 176-byte slots (the 21 fields and the record's insertion
 * number, which fixes its place in the end-of-input order).  In memory
 * each spilled record costs an index entry of 16 bytes (key hash, slot)
 * in a table kept at most half full: 32 bytes against the ~200 of a
 * cached record.  A record of a spilled key takes it back (spill_take):
 * the slot is read back, its index entry becomes a tombstone.  At the end
 * the records still spilled come back in insertion order (spill_sorted).
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
	int fd;		  /* -1 until the first record */
	uint64_t nslots;  /* slots written (file + buffer) */
	uint64_t nlive;	  /* records still spilled */
	uint64_t flushed; /* slots in the file; the rest are in buf */
	unsigned char *buf;
	size_t nbuf; /* slots in buf */
	struct spill_ent *tab;
	size_t mask, used; /* table size - 1; entries not empty */
};

#define SPILL_DEAD UINT64_MAX

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
 * The slots of the records still spilled, in insertion order: a malloc'ed
 * array of s->nlive slot numbers (NULL when none or out of memory: check
 * s->nlive), and the record of a slot.
 */
uint64_t *spill_sorted(struct spill *s, struct fm_error *err);
int spill_read(struct spill *s, uint64_t slot, int64_t *r, uint64_t *seq,
	       struct fm_error *err);

#endif

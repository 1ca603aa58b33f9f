/*
 * top-int.h - what top.c shares with top-threads.c: tables that each own
 * one partition of the key hashes (every key lands in exactly one of
 * nparts tables), joined at the end without looking a group up.
 */
#ifndef FM_TOP_INT_H
#define FM_TOP_INT_H

#include "flowmodels/top.h"

/* Records whose keys are made (and hashed) before they are added. */
#define TOP_BLOCK 256

/*
 * The narrow table (top-narrow.c): groups whose key packs into 64 bits
 * (IPv4 addresses, fields and ports whose values fit), one 32-byte slot
 * each; the other groups go to the general table of top.c.  A key is
 * always packed or never, so every group lives in one table.
 */
struct top_nslot {
	uint64_t key, flows, packets, octets; /* flows 0: an empty slot */
};
struct top_narrow {
	int on; /* the keys can pack */
	int nkeys;
	int key[FM_TOP_MAX_KEYS];			   /* as fm_top_keys */
	int bits[FM_TOP_MAX_KEYS], shift[FM_TOP_MAX_KEYS]; /* of each key */
	struct top_nslot *slot;
	size_t cap, used;
};
/* Keys to add: packed keys, their hashes and the records' sums. */
struct top_nkeys {
	uint64_t key[2 * TOP_BLOCK], h[2 * TOP_BLOCK];
	uint64_t packets[2 * TOP_BLOCK], octets[2 * TOP_BLOCK];
	size_t n;
};

/* The packing of keys k into n; whether they can pack (n->on). */
int top_narrow_init(struct top_narrow *n, const struct fm_top_keys *k);
/*
 * The packed key of record i of b (with `port`: its destination port
 * when dp, else its source port) into *packed; 0 when it does not pack.
 */
int top_narrow_pack(const struct top_narrow *n, const struct fm_batch *b,
		    size_t i, int dp, uint64_t *packed);
/* The key words of a packed key (off: each key's word offset) into w. */
void top_narrow_unpack(const struct top_narrow *n, const int *off,
		       uint64_t packed, int64_t *w);
uint64_t top_narrow_hash(uint64_t key);
/* Room for `groups` groups without growing.  0 or FM_ENOMEM. */
int top_narrow_reserve(struct top_narrow *n, size_t groups);
/* Add the keys of f, one flow each.  0, FM_ENOMEM or FM_ERANGE. */
int top_narrow_add(struct top_narrow *n, const struct top_nkeys *f);
/* Add the groups of src (sums added).  0, FM_ENOMEM or FM_ERANGE. */
int top_narrow_merge(struct top_narrow *n, const struct top_narrow *src);
void top_narrow_free(struct top_narrow *n);

/*
 * fm_top_add for the keys of b whose hash falls into partition part of
 * nparts (nparts 1: every key); the totals only when `totals`.
 */
int top_add_part(struct fm_top *t, const struct fm_batch *b, int part,
		 int nparts, int totals, struct fm_error *err);
/*
 * Whether t looks its one-word keys up in a plain array (no hashes):
 * such a table is fast on one thread and cannot be partitioned.
 */
int top_direct(const struct fm_top *t);
/*
 * Size t up front for `records` more records (no copies and index
 * rebuilds while it grows): fresh mappings, whose pages cost only once
 * touched, with limits for huge inputs.  0 or FM_ENOMEM.
 */
int top_reserve(struct fm_top *t, uint64_t records);
/*
 * Join src's groups and totals to t, without copying: src's keys must be
 * in none of t's groups (other partitions).  t owns src when this returns
 * 0 (else FM_ERANGE, src still the caller's).  The groups are moved into
 * t's own table only if records are added to t again.
 */
int top_absorb(struct fm_top *t, struct fm_top *src);

#endif

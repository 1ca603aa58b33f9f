/*
 * top-int.h - what top.c shares with top-threads.c: tables that each own
 * one partition of the key hashes (every key lands in exactly one of
 * nparts tables), joined at the end without looking a group up.
 */
#ifndef FM_TOP_INT_H
#define FM_TOP_INT_H

#include "flowmodels/top.h"

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

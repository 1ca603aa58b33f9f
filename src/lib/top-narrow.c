/*
 * top-narrow.c - the narrow table of top (top-int.h): the group keys that
 * pack into one 64-bit word, each group one 32-byte slot (the packed key,
 * then flows, packets and octets) of an open-addressing table (linear
 * probing, power-of-2 capacity, grown at 3/4 load).  A record is looked
 * up with one cache miss, on a table a quarter the size of the general
 * one's groups and index (five key words and three sums a group, a slot
 * of the index) for the same groups.
 *
 * The key components are packed first one highest, each in its own bits:
 * an IPv4 address 32 bits (the IPv6 ones do not pack), a field or a port
 * an equal share of the bits left (at least 8), when its value is not
 * negative and fits.  So two packed keys compare as their key words do:
 * the addresses are all of family 4 and the fields all non-negative.
 */
#include <string.h>

#include "flowmodels/flowtext.h"
#include "bigmem.h"
#include "top-int.h"

/* Fewer bits than this for a field: the keys do not pack (too wide). */
#define NARROW_MIN_BITS 8
/* The first capacity (grown as the groups come). */
#define NARROW_FIRST_CAP 4096
/*
 * A slot is prefetched this many keys before it is updated, so that the
 * cache misses of keys near each other overlap.
 */
#define NARROW_DIST 16

static int is_addr(int key)
{
	return key == FM_TOPK_SA || key == FM_TOPK_DA;
}

int top_narrow_init(struct top_narrow *n, const struct fm_top_keys *k)
{
	int fields = 0, left = 64, shift = 64;

	memset(n, 0, sizeof(*n));
	for (int i = 0; i < k->n; i++)
		if (is_addr(k->key[i]))
			left -= 32;
		else
			fields++;
	if (left < 0 || (fields && left / fields < NARROW_MIN_BITS))
		return 0;
	n->nkeys = k->n;
	for (int i = 0; i < k->n; i++) {
		n->key[i] = k->key[i];
		n->bits[i] = is_addr(k->key[i]) ? 32 : left / fields;
		shift -= n->bits[i];
		n->shift[i] = shift;
	}
	n->on = 1;
	return 1;
}

int top_narrow_pack(const struct top_narrow *n, const struct fm_batch *b,
		    size_t i, int dp, uint64_t *packed)
{
	uint64_t p = 0;

	for (int k = 0; k < n->nkeys; k++) {
		int key = n->key[k];
		int64_t v;
		if (is_addr(key)) {
			if (fm_af_is_v6(b->col[FM_AF][i]))
				return 0;
			v = b->col[key == FM_TOPK_SA ? FM_SA3 : FM_DA3][i];
		} else if (key == FM_TOPK_PORT) {
			v = b->col[dp ? FM_DP : FM_SP][i];
		} else {
			v = b->col[key][i];
		}
		/* 64 bits: any value that is not negative */
		if (v < 0 || (n->bits[k] < 64 && (uint64_t)v >> n->bits[k]))
			return 0;
		p |= (uint64_t)v << n->shift[k];
	}
	*packed = p;
	return 1;
}

void top_narrow_unpack(const struct top_narrow *n, const int *off,
		       uint64_t packed, int64_t *w)
{
	for (int k = 0; k < n->nkeys; k++) {
		uint64_t v = packed >> n->shift[k];
		if (n->bits[k] < 64)
			v &= ((uint64_t)1 << n->bits[k]) - 1;
		int64_t *o = w + off[k];
		if (is_addr(n->key[k])) {
			o[0] = 4;
			o[1] = o[2] = o[3] = 0;
			o[4] = (int64_t)v;
		} else {
			o[0] = (int64_t)v;
		}
	}
}

uint64_t top_narrow_hash(uint64_t key)
{
	/* splitmix64's finaliser: every key bit reaches every hash bit */
	key = (key ^ key >> 30) * 0xbf58476d1ce4e5b9u;
	key = (key ^ key >> 27) * 0x94d049bb133111ebu;
	return key ^ key >> 31;
}

/* A table of cap slots holding n's slots (fresh memory is zero). */
static int narrow_resize(struct top_narrow *n, size_t cap)
{
	struct top_nslot *s = fm_big_alloc(cap * sizeof(*s));

	if (!s)
		return FM_ENOMEM;
	for (size_t i = 0; i < n->cap; i++) {
		const struct top_nslot *o = &n->slot[i];
		if (!o->flows)
			continue;
		size_t j = (size_t)top_narrow_hash(o->key) & (cap - 1);
		while (s[j].flows)
			j = (j + 1) & (cap - 1);
		s[j] = *o;
	}
	fm_big_free(n->slot);
	n->slot = s;
	n->cap = cap;
	return 0;
}

int top_narrow_reserve(struct top_narrow *n, size_t groups)
{
	size_t cap = n->cap ? n->cap : NARROW_FIRST_CAP;

	while (4 * groups > 3 * cap)
		cap *= 2;
	return cap == n->cap ? 0 : narrow_resize(n, cap);
}

/* Add sums (flows, packets, octets) to the group of key (hash h). */
static int narrow_add(struct top_narrow *n, uint64_t key, uint64_t h,
		      uint64_t flows, uint64_t packets, uint64_t octets)
{
	const size_t mask = n->cap - 1;
	size_t j = (size_t)h & mask;
	struct top_nslot *s;

	while ((s = &n->slot[j])->flows && s->key != key)
		j = (j + 1) & mask;
	if (!s->flows) {
		s->key = key;
		n->used++;
	}
	s->flows += flows;
	if (__builtin_add_overflow(s->packets, packets, &s->packets) ||
	    __builtin_add_overflow(s->octets, octets, &s->octets))
		return FM_ERANGE;
	if (4 * n->used > 3 * n->cap)
		return narrow_resize(n, 2 * n->cap);
	return 0;
}

int top_narrow_add(struct top_narrow *n, const struct top_nkeys *f)
{
	int r = n->cap ? 0 : top_narrow_reserve(n, 0);

	for (size_t i = 0; i < f->n + NARROW_DIST && r == 0; i++) {
		if (i < f->n)
			__builtin_prefetch(
			    n->slot + ((size_t)f->h[i] & (n->cap - 1)), 1);
		if (i >= NARROW_DIST) {
			size_t k = i - NARROW_DIST;
			r = narrow_add(n, f->key[k], f->h[k], 1, f->packets[k],
				       f->octets[k]);
		}
	}
	return r;
}

int top_narrow_merge(struct top_narrow *n, const struct top_narrow *src)
{
	int r = n->cap ? 0 : top_narrow_reserve(n, src->used);

	for (size_t i = 0; i < src->cap && r == 0; i++) {
		const struct top_nslot *s = &src->slot[i];
		if (s->flows)
			r = narrow_add(n, s->key, top_narrow_hash(s->key),
				       s->flows, s->packets, s->octets);
	}
	return r;
}

void top_narrow_free(struct top_narrow *n)
{
	fm_big_free(n->slot);
	n->slot = NULL;
	n->cap = n->used = 0;
}

/*
 * top.c - top-N statistics (see top.h).
 *
 * Groups live in one array, in order of appearance, each its three sums
 * and then its key words; an open-addressing hash index (linear probing,
 * power-of-2 capacity, grown at 3/4 load) finds them: a slot is 8 bytes,
 * the group's number and 32 bits of its key's hash, so that the index
 * stays small (fresh memory is dear to touch on a virtual machine) and a
 * probe reads a group only when the hash bits agree.  An address key is stored
 * as five words (family 4 or 6, then sa0..sa3 with the IPv4 upper words zero),
 * so equal addresses are equal words.  A record whose keys include `port` is
 * added twice, under its source and its destination port (once when they are
 * equal).  The result is every group sorted by (sum desc, key asc).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/flowtext.h"
#include "flowmodels/top.h"
#include "bigmem.h"

struct fm_top {
	struct fm_top_keys k;
	int width;		  /* key words */
	int off[FM_TOP_MAX_KEYS]; /* word offset of each key */
	int stride;		  /* words a group: the 3 sums, then the key */
	uint64_t *grp;		  /* used * stride, in order of appearance */
	size_t used, grpcap;
	uint64_t *idx; /* cap slots: 0 or hash tag << 32 | group + 1 */
	size_t cap;
	uint64_t total[3];
	enum fm_top_by by; /* for the sort */
};

static int key_width(int key)
{
	return key == FM_TOPK_SA || key == FM_TOPK_DA ? 5 : 1;
}

const char *fm_top_key_name(int key)
{
	switch (key) {
	case FM_TOPK_SA:
		return "sa";
	case FM_TOPK_DA:
		return "da";
	case FM_TOPK_PORT:
		return "port";
	default:
		return fm_field_name(key);
	}
}

int fm_top_keys_parse(const char *spec, struct fm_top_keys *k,
		      struct fm_error *err)
{
	const char *p = spec;
	int ports = 0;

	memset(k, 0, sizeof(*k));
	for (;;) {
		size_t len = strcspn(p, ",");
		int key = fm_field_lookup(p, len);
		if (len == 2 && !memcmp(p, "sa", 2))
			key = FM_TOPK_SA;
		else if (len == 2 && !memcmp(p, "da", 2))
			key = FM_TOPK_DA;
		else if (len == 4 && !memcmp(p, "port", 4))
			key = FM_TOPK_PORT;
		else if (len == 5 && !memcmp(p, "proto", 5))
			key = FM_PROT;
		if (key < 0)
			return fm_error_set(err, FM_EINVAL,
					    "unknown key '%.*s' (keys: "
					    "sa, da, port, proto, %s)",
					    (int)len, p, fm_field_list());
		if (k->n == FM_TOP_MAX_KEYS)
			return fm_error_set(err, FM_EINVAL, "at most %d keys",
					    FM_TOP_MAX_KEYS);
		if (key == FM_TOPK_PORT && ports++)
			return fm_error_set(err, FM_EINVAL,
					    "'port' at most once");
		k->key[k->n++] = key;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

uint32_t fm_top_fields(const struct fm_top_keys *k)
{
	uint32_t f = FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_OCTETS);
	for (int i = 0; i < k->n; i++) {
		int key = k->key[i];
		if (key == FM_TOPK_SA || key == FM_TOPK_DA)
			f |= FM_FIELD_BIT(FM_AF) |
			     (UINT32_C(15)
			      << (key == FM_TOPK_SA ? FM_SA0 : FM_DA0));
		else if (key == FM_TOPK_PORT)
			f |= FM_FIELD_BIT(FM_SP) | FM_FIELD_BIT(FM_DP);
		else
			f |= FM_FIELD_BIT(key);
	}
	return f;
}

int fm_top_by_parse(const char *name)
{
	static const char *const names[3] = {"flows", "packets", "octets"};
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* The hash of key words kw: its low bits pick the slot, its high 32 the tag. */
static uint64_t key_hash(const int64_t *kw, int width)
{
	uint64_t h = 0x9e3779b97f4a7c15u;
	for (int w = 0; w < width; w++)
		h = (h ^ (uint64_t)kw[w]) * 0xff51afd7ed558ccdu;
	/* murmur3's finaliser: every key bit reaches the low (slot) bits */
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return h;
}

static int same_key(const int64_t *a, const int64_t *b, int width)
{
	for (int w = 0; w < width; w++)
		if (a[w] != b[w])
			return 0;
	return 1;
}

static const int64_t *group_key(const struct fm_top *t, size_t g)
{
	return (const int64_t *)t->grp + g * (size_t)t->stride + 3;
}

/* A new index of cap slots over the groups (fresh memory: see bigmem.h). */
static int grow_index(struct fm_top *t, size_t cap)
{
	uint64_t *idx = fm_big_alloc(cap * sizeof(*idx));

	if (!idx)
		return FM_ENOMEM;
	memset(idx, 0, cap * sizeof(*idx));
	for (size_t g = 0; g < t->used; g++) {
		uint64_t h = key_hash(group_key(t, g), t->width);
		size_t j = (size_t)h & (cap - 1);
		while (idx[j])
			j = (j + 1) & (cap - 1);
		idx[j] = (h >> 32) << 32 | (uint64_t)(g + 1);
	}
	fm_big_free(t->idx);
	t->idx = idx;
	t->cap = cap;
	return 0;
}

int fm_top_new(struct fm_top **out, const struct fm_top_keys *k,
	       struct fm_error *err)
{
	struct fm_top *t = calloc(1, sizeof(*t));

	if (!t)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	t->k = *k;
	for (int i = 0; i < k->n; i++) {
		t->off[i] = t->width;
		t->width += key_width(k->key[i]);
	}
	t->stride = 3 + t->width;
	if (grow_index(t, 1024) < 0) {
		fm_top_free(t);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	*out = t;
	return 0;
}

void fm_top_free(struct fm_top *t)
{
	if (!t)
		return;
	fm_big_free(t->idx);
	free(t->grp);
	free(t);
}

/* A new group of key kw (zero sums) at index slot j; its number or -1. */
static long new_group(struct fm_top *t, const int64_t *kw, uint64_t h, size_t j)
{
	const size_t sw = (size_t)t->stride;

	if (t->used == UINT32_MAX)
		return -1;
	if (t->used == t->grpcap) {
		size_t n = t->grpcap ? 2 * t->grpcap : 1024;
		uint64_t *g = realloc(t->grp, n * sw * sizeof(*g));
		if (!g)
			return -1;
		t->grp = g;
		t->grpcap = n;
	}
	uint64_t *s = t->grp + t->used * sw;
	memset(s, 0, 3 * sizeof(*s));
	memcpy(s + 3, kw, (size_t)t->width * sizeof(*kw));
	t->idx[j] = (h >> 32) << 32 | (uint64_t)(t->used + 1);
	return (long)t->used++;
}

/* Add one group key of hash h with a record's sums. */
static int add_key(struct fm_top *t, const int64_t *kw, uint64_t h,
		   uint64_t packets, uint64_t octets)
{
	size_t j = (size_t)h & (t->cap - 1);
	long g = -1;

	for (uint64_t e; (e = t->idx[j]); j = (j + 1) & (t->cap - 1))
		if (e >> 32 == h >> 32 &&
		    same_key(group_key(t, (size_t)(uint32_t)e - 1), kw,
			     t->width)) {
			g = (long)(uint32_t)e - 1;
			break;
		}
	if (g < 0 && (g = new_group(t, kw, h, j)) < 0)
		return FM_ENOMEM;
	uint64_t *s = t->grp + (size_t)g * (size_t)t->stride;
	s[0]++;
	if (__builtin_add_overflow(s[1], packets, &s[1]) ||
	    __builtin_add_overflow(s[2], octets, &s[2]))
		return FM_ERANGE;
	if (4 * t->used > 3 * t->cap)
		return grow_index(t, 2 * t->cap);
	return 0;
}

/* The group key words of record i of b into kw. */
static void record_key(const struct fm_top *t, const struct fm_batch *b,
		       size_t i, int64_t *kw)
{
	for (int k = 0; k < t->k.n; k++) {
		int key = t->k.key[k];
		int64_t *w = kw + t->off[k];
		if (key == FM_TOPK_SA || key == FM_TOPK_DA) {
			int f = key == FM_TOPK_SA ? FM_SA0 : FM_DA0;
			int v6 = fm_af_is_v6(b->col[FM_AF][i]);
			w[0] = v6 ? 6 : 4;
			for (int x = 0; x < 4; x++)
				w[1 + x] = v6 || x == 3 ? b->col[f + x][i] : 0;
		} else if (key == FM_TOPK_PORT) {
			w[0] = b->col[FM_SP][i];
		} else {
			w[0] = b->col[key][i];
		}
	}
}

/*
 * Records in flight: their keys and hashes are made, their index slots
 * and then the groups these point to prefetched, TOP_AHEAD records at a
 * time before they are added, so that the cache misses (two a record on
 * a large table) overlap.
 */
#define TOP_AHEAD 16

static int add_records(struct fm_top *t, const struct fm_batch *b, size_t i0,
		       size_t n, int port)
{
	int64_t kw[TOP_AHEAD][FM_TOP_MAX_WIDTH];
	uint64_t h[TOP_AHEAD];
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		record_key(t, b, i0 + i, kw[i]);
		h[i] = key_hash(kw[i], t->width);
		__builtin_prefetch(t->idx + (h[i] & (t->cap - 1)), 1);
	}
	for (size_t i = 0; i < n; i++) { /* the groups their slots point to */
		uint64_t e = t->idx[h[i] & (t->cap - 1)];
		if (e)
			__builtin_prefetch(
			    t->grp + ((uint32_t)e - 1) * (size_t)t->stride, 1);
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		size_t x = i0 + i;
		uint64_t packets = (uint64_t)b->col[FM_PACKETS][x];
		uint64_t octets = (uint64_t)b->col[FM_OCTETS][x];
		r = add_key(t, kw[i], h[i], packets, octets);
		if (r == 0 && port >= 0 &&
		    b->col[FM_DP][x] != b->col[FM_SP][x]) {
			kw[i][port] = b->col[FM_DP][x];
			r = add_key(t, kw[i], key_hash(kw[i], t->width),
				    packets, octets);
		}
		t->total[0]++;
		if (__builtin_add_overflow(t->total[1], packets,
					   &t->total[1]) ||
		    __builtin_add_overflow(t->total[2], octets, &t->total[2]))
			r = FM_ERANGE;
	}
	return r;
}

int fm_top_add(struct fm_top *t, const struct fm_batch *b, struct fm_error *err)
{
	int port = -1, r = 0;

	for (int i = 0; i < t->k.n; i++)
		if (t->k.key[i] == FM_TOPK_PORT)
			port = t->off[i];
	for (size_t i = 0; i < b->n && r == 0; i += TOP_AHEAD)
		r = add_records(
		    t, b, i, b->n - i < TOP_AHEAD ? b->n - i : TOP_AHEAD, port);
	if (r == FM_ENOMEM)
		return fm_error_set(err, r, "out of memory");
	if (r == FM_ERANGE)
		return fm_error_set(err, r,
				    "top: packet or octet sum above 2^64");
	return r;
}

void fm_top_totals(const struct fm_top *t, uint64_t *flows, uint64_t *packets,
		   uint64_t *octets)
{
	*flows = t->total[0];
	*packets = t->total[1];
	*octets = t->total[2];
}

size_t fm_top_groups(const struct fm_top *t)
{
	return t->used;
}

/* (sum desc, key asc): negative when a comes first; keys are unique. */
static int row_order(const struct fm_top *t, const struct fm_top_row *a,
		     const struct fm_top_row *b)
{
	const uint64_t va = t->by == FM_TOP_FLOWS     ? a->flows
			    : t->by == FM_TOP_PACKETS ? a->packets
						      : a->octets;
	const uint64_t vb = t->by == FM_TOP_FLOWS     ? b->flows
			    : t->by == FM_TOP_PACKETS ? b->packets
						      : b->octets;
	if (va != vb)
		return va > vb ? -1 : 1;
	for (int w = 0; w < t->width; w++)
		if (a->key[w] != b->key[w])
			return a->key[w] < b->key[w] ? -1 : 1;
	return 0;
}

/* qsort has no context argument: the table being sorted, per thread. */
static _Thread_local const struct fm_top *sorting;

static int row_cmp(const void *pa, const void *pb)
{
	return row_order(sorting, pa, pb);
}

/* Restore the heap (the row ordered last at the root) below slot i. */
static void sift_down(const struct fm_top *t, struct fm_top_row *h, size_t n,
		      size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1, m = i;
		if (c < n && row_order(t, &h[c], &h[m]) > 0)
			m = c;
		if (c + 1 < n && row_order(t, &h[c + 1], &h[m]) > 0)
			m = c + 1;
		if (m == i)
			return;
		struct fm_top_row x = h[i];
		h[i] = h[m];
		h[m] = x;
		i = m;
	}
}

/*
 * The first n groups: a heap of the n best so far whose root is the worst
 * of them, so that a group is looked at once (O(groups log n)) instead of
 * sorting all groups when only a few are wanted.
 */
static size_t select_first(const struct fm_top *t, struct fm_top_row *r,
			   size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < t->used; i++) {
		const uint64_t *sl = t->grp + i * (size_t)t->stride;
		struct fm_top_row x = {(const int64_t *)sl + 3, sl[0], sl[1],
				       sl[2]};
		if (n == t->used) {
			r[k++] = x; /* all of them: sorted after */
		} else if (k < n) {
			r[k++] = x;
			for (size_t j = k - 1; j > 0; j = (j - 1) / 2) {
				size_t up = (j - 1) / 2;
				if (row_order(t, &r[j], &r[up]) <= 0)
					break;
				struct fm_top_row y = r[j];
				r[j] = r[up];
				r[up] = y;
			}
		} else if (row_order(t, &x, &r[0]) < 0) {
			r[0] = x;
			sift_down(t, r, k, 0);
		}
	}
	return k;
}

long fm_top_result(struct fm_top *t, enum fm_top_by by, size_t n,
		   struct fm_top_row **rows, struct fm_error *err)
{
	size_t want = n && n < t->used ? n : t->used;
	struct fm_top_row *r = malloc((want ? want : 1) * sizeof(*r));
	size_t k;

	if (!r)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	t->by = by;
	k = select_first(t, r, want);
	sorting = t;
	qsort(r, k, sizeof(*r), row_cmp);
	sorting = NULL;
	*rows = r;
	return (long)k;
}

void fm_top_key_text(const struct fm_top *t, const struct fm_top_row *row,
		     int i, int names, char *buf)
{
	const int64_t *w = row->key + t->off[i];
	int key = t->k.key[i];

	if (key == FM_TOPK_SA || key == FM_TOPK_DA) {
		fm_addr_text(buf, w[0] == 6 ? 10 : 2, w + 1);
		return;
	}
	if (names && key == FM_PROT && fm_proto_name(w[0])) {
		snprintf(buf, FM_TEXT_MAX, "%s", fm_proto_name(w[0]));
		return;
	}
	/* packets and octets keep raw unsigned bits (flow.h) */
	if (key == FM_PACKETS || key == FM_OCTETS)
		snprintf(buf, FM_TEXT_MAX, "%llu", (unsigned long long)w[0]);
	else
		snprintf(buf, FM_TEXT_MAX, "%lld", (long long)w[0]);
}

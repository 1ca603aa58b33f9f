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
 * Keys that pack into 64 bits (IPv4 addresses, small fields) are kept in
 * the narrow table of top-narrow.c instead, whose groups are unpacked to
 * key words only for the rows of the result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/flowtext.h"
#include "flowmodels/top.h"
#include "bigmem.h"
#include "top-int.h"

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
	enum fm_top_by by;    /* for the sort */
	struct fm_top *parts; /* tables of other partitions (top_absorb) */
	uint32_t *direct; /* one-word keys: group + 1 of values < TOP_DIRECT */
	struct top_narrow nar; /* the groups whose keys pack */
	struct keybuf *keys;   /* the unpacked keys of results' rows */
	uint64_t expect, seen; /* records to come (top_reserve), seen */
};

/* Key words of narrow groups in results (rows point into them). */
struct keybuf {
	struct keybuf *next;
	int64_t w[];
};

/*
 * A one-word key (a port, a protocol, any field) below this value finds
 * its group in a plain array (t->direct) instead of the hash index: no
 * hash, no probe, no cache miss on the few groups such keys make.  Other
 * values of the key go to the index; a value is always looked up in the
 * same place.
 */
#define TOP_DIRECT 65536

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

static const char *const by_names[3] = {"flows", "packets", "octets"};

int fm_top_by_parse(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, by_names[i]))
			return i;
	return -1;
}

const char *fm_top_by_name(enum fm_top_by by)
{
	return by_names[by];
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
		return FM_ENOMEM; /* fresh mappings are zero: no memset */
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
	if (t->width == 1)
		t->direct = calloc(TOP_DIRECT, sizeof(*t->direct));
	else
		top_narrow_init(&t->nar, k);
	if ((t->width == 1 && !t->direct) || grow_index(t, 1024) < 0) {
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
	fm_top_free(t->parts);
	free(t->direct);
	top_narrow_free(&t->nar);
	while (t->keys) {
		struct keybuf *next = t->keys->next;
		free(t->keys);
		t->keys = next;
	}
	fm_big_free(t->idx);
	fm_big_free(t->grp);
	free(t);
}

/* Room for n groups (fresh memory on huge pages: bigmem.h); 0 or -1. */
static int grp_resize(struct fm_top *t, size_t n)
{
	const size_t sw = (size_t)t->stride * sizeof(*t->grp);
	uint64_t *g = fm_big_alloc(n * sw);

	if (!g)
		return -1;
	if (t->used)
		memcpy(g, t->grp, t->used * sw);
	fm_big_free(t->grp);
	t->grp = g;
	t->grpcap = n;
	return 0;
}

/* A new group of key kw (zero sums); its number or -1. */
static long append_group(struct fm_top *t, const int64_t *kw)
{
	const size_t sw = (size_t)t->stride;

	if (t->used == UINT32_MAX)
		return -1;
	if (t->used == t->grpcap &&
	    grp_resize(t, t->grpcap ? 2 * t->grpcap : 1024) < 0)
		return -1;
	uint64_t *s = t->grp + t->used * sw;
	memset(s, 0, 3 * sizeof(*s));
	memcpy(s + 3, kw, (size_t)t->width * sizeof(*kw));
	return (long)t->used++;
}

/* A new group of key kw at index slot j; its number or -1. */
static long new_group(struct fm_top *t, const int64_t *kw, uint64_t h, size_t j)
{
	long g = append_group(t, kw);

	if (g >= 0)
		t->idx[j] = (h >> 32) << 32 | (uint64_t)(g + 1);
	return g;
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
 * Keys in flight: the keys of TOP_BLOCK records (two a record with
 * `port`) are made with their hashes first, then added in a pipeline:
 * key i's index slot is prefetched TOP_DIST keys before the slot is read
 * to prefetch the group it points to, and that TOP_DIST keys before the
 * key is added, so that the two cache misses of a key on a large table
 * overlap with the work on the keys around it.
 */
#define TOP_DIST 8

struct inflight {
	int64_t kw[2 * TOP_BLOCK * FM_TOP_MAX_WIDTH]; /* width words a key */
	uint64_t h[2 * TOP_BLOCK];
	uint64_t packets[2 * TOP_BLOCK], octets[2 * TOP_BLOCK];
	size_t n;
};

/* Whether hash h belongs to partition part of nparts (top-int.h). */
static int in_part(uint64_t h, int part, int nparts)
{
	return nparts == 1 ||
	       (int)(((h >> 32) * (uint64_t)nparts) >> 32) == part;
}

/*
 * The packed key of record i of b (its destination port variant when
 * dp) into nk when it packs and falls into partition part; whether it
 * packs.
 */
static int narrow_key(const struct fm_top *t, const struct fm_batch *b,
		      size_t i, int dp, int part, int nparts,
		      struct top_nkeys *nk)
{
	uint64_t key;

	if (!t->nar.on || !top_narrow_pack(&t->nar, b, i, dp, &key))
		return 0;
	uint64_t h = top_narrow_hash(key);
	if (in_part(h, part, nparts)) {
		nk->key[nk->n] = key;
		nk->h[nk->n] = h;
		nk->packets[nk->n] = (uint64_t)b->col[FM_PACKETS][i];
		nk->octets[nk->n++] = (uint64_t)b->col[FM_OCTETS][i];
	}
	return 1;
}

/*
 * The keys of records [i0, i0+n) of b that fall into partition part:
 * those that pack into nk, the others into f.
 */
static void make_keys(const struct fm_top *t, const struct fm_batch *b,
		      size_t i0, size_t n, int port, int part, int nparts,
		      struct inflight *f, struct top_nkeys *nk)
{
	const size_t width = (size_t)t->width;

	f->n = nk->n = 0;
	for (size_t i = i0; i < i0 + n; i++) {
		/* the source port's key, then the destination port's */
		int variants =
		    port >= 0 && b->col[FM_DP][i] != b->col[FM_SP][i] ? 2 : 1;
		for (int v = 0; v < variants; v++) {
			if (narrow_key(t, b, i, v, part, nparts, nk))
				continue;
			int64_t *kw = f->kw + f->n * width;
			record_key(t, b, i, kw);
			if (v)
				kw[port] = b->col[FM_DP][i];
			uint64_t h = key_hash(kw, t->width);
			if (in_part(h, part, nparts)) {
				f->h[f->n] = h;
				f->packets[f->n] =
				    (uint64_t)b->col[FM_PACKETS][i];
				f->octets[f->n++] =
				    (uint64_t)b->col[FM_OCTETS][i];
			}
		}
	}
}

static int add_inflight(struct fm_top *t, const struct inflight *f)
{
	const size_t n = f->n, width = (size_t)t->width;
	int r = 0;

	for (size_t i = 0; i < n + 2 * TOP_DIST && r == 0; i++) {
		if (i < n)
			__builtin_prefetch(t->idx + (f->h[i] & (t->cap - 1)),
					   1);
		if (i >= TOP_DIST && i - TOP_DIST < n) {
			uint64_t e = t->idx[f->h[i - TOP_DIST] & (t->cap - 1)];
			if (e)
				__builtin_prefetch(t->grp +
						       ((uint32_t)e - 1) *
							   (size_t)t->stride,
						   1);
		}
		if (i >= 2 * TOP_DIST) {
			size_t k = i - 2 * TOP_DIST;
			r = add_key(t, f->kw + k * width, f->h[k],
				    f->packets[k], f->octets[k]);
		}
	}
	return r;
}

/* Add one value v of a one-word key (t->direct) with a record's sums. */
static int add_value(struct fm_top *t, int64_t v, uint64_t packets,
		     uint64_t octets)
{
	if ((uint64_t)v >= TOP_DIRECT)
		return add_key(t, &v, key_hash(&v, 1), packets, octets);
	uint32_t g = t->direct[v];
	if (!g) {
		long n = append_group(t, &v);
		if (n < 0)
			return FM_ENOMEM;
		g = t->direct[v] = (uint32_t)n + 1;
	}
	uint64_t *s = t->grp + (size_t)(g - 1) * (size_t)t->stride;
	s[0]++;
	if (__builtin_add_overflow(s[1], packets, &s[1]) ||
	    __builtin_add_overflow(s[2], octets, &s[2]))
		return FM_ERANGE;
	return 0;
}

/* The records of b into a table of one-word keys (port: both ports). */
static int add_direct(struct fm_top *t, const struct fm_batch *b, int port)
{
	const int64_t *k = b->col[port >= 0 ? FM_SP : t->k.key[0]];
	const int64_t *pk = b->col[FM_PACKETS], *oc = b->col[FM_OCTETS];
	int r = 0;

	for (size_t i = 0; i < b->n && r == 0; i++) {
		r = add_value(t, k[i], (uint64_t)pk[i], (uint64_t)oc[i]);
		if (r == 0 && port >= 0 && b->col[FM_DP][i] != k[i])
			r = add_value(t, b->col[FM_DP][i], (uint64_t)pk[i],
				      (uint64_t)oc[i]);
	}
	return r;
}

/* The word offset of the `port` key, or -1. */
static int port_offset(const struct fm_top *t)
{
	for (int i = 0; i < t->k.n; i++)
		if (t->k.key[i] == FM_TOPK_PORT)
			return t->off[i];
	return -1;
}

static int top_error(int r, struct fm_error *err)
{
	if (r == FM_ENOMEM)
		return fm_error_set(err, r, "out of memory");
	if (r == FM_ERANGE)
		return fm_error_set(err, r,
				    "top: packet or octet sum above 2^64");
	return r;
}

/* The groups of the absorbed tables moved into t's own, indexed. */
static int flatten(struct fm_top *t)
{
	const size_t sw = (size_t)t->stride;
	size_t n = 0, cap = t->cap;

	for (const struct fm_top *p = t; p; p = p->parts)
		n += p->used;
	if (n > UINT32_MAX || (n > t->grpcap && grp_resize(t, n) < 0))
		return FM_ENOMEM;
	for (struct fm_top *p = t->parts; p; p = p->parts) {
		memcpy(t->grp + t->used * sw, p->grp,
		       p->used * sw * sizeof(*p->grp));
		t->used += p->used;
		int r = top_narrow_merge(&t->nar, &p->nar);
		if (r < 0)
			return r;
	}
	fm_top_free(t->parts);
	t->parts = NULL;
	while (4 * t->used > 3 * cap)
		cap *= 2;
	return grow_index(t, cap);
}

/*
 * Records seen before the narrow table (and the general one) is sized for
 * the groups they foretell: half as many groups a record over all `expect`
 * records as over these, since the groups grow slower than the records (a third
 * as many groups as records on capture-like data, where the first records make
 * nine groups in ten); where they grow faster, the table doubles once more. The
 * growth a table would go through from a small size costs more: each size's
 * fresh pages, touched all over, and the rehash.
 */
#define TOP_ESTIMATE_AFTER 16384

/*
 * At most this many groups foretold (64 MiB of narrow slots): the first
 * records of a long capture can foretell far more groups than it has, and
 * a table is touched all over; beyond, the table doubles as it fills.
 */
#define TOP_FORETELL_MAX ((size_t)1 << 20)

/* The groups of a table holding `used` after t->seen records, at the end. */
static size_t foretell(const struct fm_top *t, size_t used, int nparts)
{
	double most = (double)t->expect * (port_offset(t) >= 0 ? 2 : 1);
	if (most > (double)TOP_FORETELL_MAX)
		most = (double)TOP_FORETELL_MAX;
	double groups =
	    (double)used * nparts / (double)t->seen * (double)t->expect / 2;
	return (size_t)(groups < most ? groups : most);
}

static int narrow_estimate(struct fm_top *t, size_t n, int nparts)
{
	uint64_t before = t->seen;

	t->seen += n;
	if (!t->nar.on || !t->expect || before >= TOP_ESTIMATE_AFTER ||
	    t->seen < TOP_ESTIMATE_AFTER)
		return 0;
	/* the general table's groups too (IPv6 addresses, wide fields) */
	size_t wide = foretell(t, t->used, nparts), cap = t->cap;
	while (4 * wide > 3 * cap)
		cap *= 2;
	if ((wide > t->grpcap && grp_resize(t, wide) < 0) ||
	    (cap > t->cap && grow_index(t, cap) < 0))
		return FM_ENOMEM;
	return top_narrow_reserve(&t->nar, foretell(t, t->nar.used, nparts));
}

int top_add_part(struct fm_top *t, const struct fm_batch *b, int part,
		 int nparts, int totals, struct fm_error *err)
{
	/* 100 and 16 KB: not on the stack */
	static _Thread_local struct inflight f;
	static _Thread_local struct top_nkeys nk;
	int port = port_offset(t), r = 0;

	if (t->parts && (r = flatten(t)) < 0)
		return top_error(r, err);
	if (t->direct) /* one partition only (top_direct) */
		r = add_direct(t, b, port);
	for (size_t i = 0; !t->direct && i < b->n && r == 0; i += TOP_BLOCK) {
		make_keys(t, b, i, b->n - i < TOP_BLOCK ? b->n - i : TOP_BLOCK,
			  port, part, nparts, &f, &nk);
		r = add_inflight(t, &f);
		if (r == 0 && nk.n)
			r = top_narrow_add(&t->nar, &nk);
	}
	if (r == 0 && !t->direct)
		r = narrow_estimate(t, b->n, nparts);
	for (size_t i = 0; totals && i < b->n && r == 0; i++) {
		t->total[0]++;
		if (__builtin_add_overflow(t->total[1],
					   (uint64_t)b->col[FM_PACKETS][i],
					   &t->total[1]) ||
		    __builtin_add_overflow(t->total[2],
					   (uint64_t)b->col[FM_OCTETS][i],
					   &t->total[2]))
			r = FM_ERANGE;
	}
	return top_error(r, err);
}

int top_direct(const struct fm_top *t)
{
	return t->direct != NULL;
}

int fm_top_add(struct fm_top *t, const struct fm_batch *b, struct fm_error *err)
{
	return top_add_part(t, b, 0, 1, 1, err);
}

/*
 * The index for at most this many groups (its slots are touched all over,
 * whatever the number of groups); the groups for as many as the records
 * can make, up to this many bytes (only the pages used are touched).
 */
#define TOP_INDEX_MAX ((size_t)1 << 20)
#define TOP_GROUPS_BYTES ((size_t)256 << 20)

int top_reserve(struct fm_top *t, uint64_t records)
{
	uint64_t most = records * (port_offset(t) >= 0 ? 2 : 1);
	size_t gmax = TOP_GROUPS_BYTES / ((size_t)t->stride * sizeof(*t->grp));
	size_t groups = most < gmax ? (size_t)most : gmax;
	size_t slots_for = most < TOP_INDEX_MAX ? (size_t)most : TOP_INDEX_MAX;
	size_t cap = t->cap;

	/*
	 * keys that pack: the records of the general table (IPv6 ones) are
	 * not known, and the narrow table touches all its pages however few
	 * the groups: both grow as the groups come, the narrow one sized
	 * once by the groups of the first records (narrow_estimate)
	 */
	if (t->nar.on) {
		t->expect = records;
		return 0;
	}
	while (4 * slots_for > 3 * cap)
		cap *= 2;
	if (groups > t->grpcap && grp_resize(t, groups) < 0)
		return FM_ENOMEM;
	return cap == t->cap ? 0 : grow_index(t, cap);
}

int top_absorb(struct fm_top *t, struct fm_top *src)
{
	struct fm_top **end = &t->parts;

	for (int i = 0; i < 3; i++)
		if (__builtin_add_overflow(t->total[i], src->total[i],
					   &t->total[i]))
			return FM_ERANGE;
	while (*end)
		end = &(*end)->parts;
	*end = src;
	return 0;
}

void fm_top_totals(const struct fm_top *t, uint64_t *flows, uint64_t *packets,
		   uint64_t *octets)
{
	*flows = t->total[0];
	*packets = t->total[1];
	*octets = t->total[2];
}

const struct fm_top_keys *fm_top_keys_of(const struct fm_top *t)
{
	return &t->k;
}

size_t fm_top_groups(const struct fm_top *t)
{
	size_t n = 0;

	for (; t; t = t->parts)
		n += t->used + t->nar.used;
	return n;
}

/*
 * A group considered for the result: its sums and its key words, or
 * (key NULL) its packed key in the narrow table.
 */
struct cand {
	uint64_t s[3];
	const int64_t *key;
	uint64_t packed;
};

/* (sum desc, key asc): negative when a comes first; keys are unique. */
static int cand_order(const struct fm_top *t, const struct cand *a,
		      const struct cand *b)
{
	int64_t wa[FM_TOP_MAX_WIDTH], wb[FM_TOP_MAX_WIDTH];
	const int64_t *ka = a->key, *kb = b->key;

	if (a->s[t->by] != b->s[t->by])
		return a->s[t->by] > b->s[t->by] ? -1 : 1;
	if (!ka && !kb) /* packed keys compare as their words (top-narrow.c) */
		return a->packed < b->packed ? -1 : a->packed > b->packed;
	if (!ka) {
		top_narrow_unpack(&t->nar, t->off, a->packed, wa);
		ka = wa;
	}
	if (!kb) {
		top_narrow_unpack(&t->nar, t->off, b->packed, wb);
		kb = wb;
	}
	for (int w = 0; w < t->width; w++)
		if (ka[w] != kb[w])
			return ka[w] < kb[w] ? -1 : 1;
	return 0;
}

/* qsort has no context argument: the table being sorted, per thread. */
static _Thread_local const struct fm_top *sorting;

static int cand_cmp(const void *pa, const void *pb)
{
	return cand_order(sorting, pa, pb);
}

/* Restore the heap (the row ordered last at the root) below slot i. */
static void sift_down(const struct fm_top *t, struct cand *h, size_t n,
		      size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1, m = i;
		if (c < n && cand_order(t, &h[c], &h[m]) > 0)
			m = c;
		if (c + 1 < n && cand_order(t, &h[c + 1], &h[m]) > 0)
			m = c + 1;
		if (m == i)
			return;
		struct cand x = h[i];
		h[i] = h[m];
		h[m] = x;
		i = m;
	}
}

/*
 * The first n groups of `all`: a heap of the n best so far whose root is
 * the worst of them, so that a group is looked at once (O(groups log n))
 * instead of sorting all groups when only a few are wanted.  consider
 * adds group x to the *k rows in r.
 */
static void consider(const struct fm_top *t, struct cand *r, size_t n,
		     size_t all, size_t *k, const struct cand *x)
{
	if (n == all) {
		r[(*k)++] = *x; /* all of them: sorted after */
	} else if (*k < n) {
		r[(*k)++] = *x;
		for (size_t j = *k - 1; j > 0; j = (j - 1) / 2) {
			size_t up = (j - 1) / 2;
			if (cand_order(t, &r[j], &r[up]) <= 0)
				break;
			struct cand y = r[j];
			r[j] = r[up];
			r[up] = y;
		}
	} else if (cand_order(t, x, &r[0]) < 0) {
		r[0] = *x;
		sift_down(t, r, *k, 0);
	}
}

static size_t select_first(const struct fm_top *t, struct cand *r, size_t n)
{
	const size_t all = fm_top_groups(t);
	size_t k = 0;

	for (const struct fm_top *p = t; p; p = p->parts) {
		for (size_t i = 0; i < p->used; i++) {
			const uint64_t *sl = p->grp + i * (size_t)p->stride;
			struct cand x = {
			    {sl[0], sl[1], sl[2]}, (const int64_t *)sl + 3, 0};
			consider(t, r, n, all, &k, &x);
		}
		for (size_t i = 0; i < p->nar.cap; i++) {
			const struct top_nslot *sl = &p->nar.slot[i];
			if (!sl->flows)
				continue;
			struct cand x = {{sl->flows, sl->packets, sl->octets},
					 NULL,
					 sl->key};
			consider(t, r, n, all, &k, &x);
		}
	}
	return k;
}

/* The rows of candidates c, the packed keys unpacked into t->keys. */
static int make_rows(struct fm_top *t, const struct cand *c, size_t k,
		     struct fm_top_row *rows)
{
	size_t packed = 0;
	struct keybuf *kb = NULL;

	for (size_t i = 0; i < k; i++)
		packed += !c[i].key;
	if (packed) {
		kb = malloc(sizeof(*kb) +
			    packed * (size_t)t->width * sizeof(kb->w[0]));
		if (!kb)
			return FM_ENOMEM;
		kb->next = t->keys;
		t->keys = kb;
	}
	packed = 0;
	for (size_t i = 0; i < k; i++) {
		const int64_t *key = c[i].key;
		if (!key) {
			int64_t *w = kb->w + packed++ * (size_t)t->width;
			top_narrow_unpack(&t->nar, t->off, c[i].packed, w);
			key = w;
		}
		rows[i] =
		    (struct fm_top_row){key, c[i].s[0], c[i].s[1], c[i].s[2]};
	}
	return 0;
}

long fm_top_result(struct fm_top *t, enum fm_top_by by, size_t n,
		   struct fm_top_row **rows, struct fm_error *err)
{
	const size_t all = fm_top_groups(t);
	size_t want = n && n < all ? n : all;
	struct cand *c = malloc((want ? want : 1) * sizeof(*c));
	struct fm_top_row *r = malloc((want ? want : 1) * sizeof(*r));
	size_t k;

	if (!c || !r) {
		free(c);
		free(r);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	t->by = by;
	k = select_first(t, c, want);
	sorting = t;
	qsort(c, k, sizeof(*c), cand_cmp);
	sorting = NULL;
	if (make_rows(t, c, k, r) < 0) {
		free(c);
		free(r);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	free(c);
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

/*
 * top.c - top-N statistics (see top.h).
 *
 * Groups live in an open-addressing hash table (linear probing, power-of-2
 * capacity, grown at half load) whose slots hold the key words in one flat
 * array and the three sums beside; an address key is stored as five words
 * (family 4 or 6, then sa0..sa3 with the IPv4 upper words zero), so equal
 * addresses are equal words.  A record whose keys include `port` is added
 * twice, under its source and its destination port (once when they are
 * equal).  The result is every group sorted by (sum desc, key asc).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/flowtext.h"
#include "flowmodels/top.h"

struct fm_top {
	struct fm_top_keys k;
	int width;                 /* key words */
	int off[FM_TOP_MAX_KEYS];  /* word offset of each key */
	size_t cap, used;
	int64_t *keys;             /* cap * width */
	uint64_t *sums;            /* cap * 3 */
	uint8_t *full;
	uint64_t total[3];
	enum fm_top_by by;         /* for the sort */
};

static int key_width(int key)
{
	return key == FM_TOPK_SA || key == FM_TOPK_DA ? 5 : 1;
}

const char *fm_top_key_name(int key)
{
	switch (key) {
	case FM_TOPK_SA: return "sa";
	case FM_TOPK_DA: return "da";
	case FM_TOPK_PORT: return "port";
	default: return fm_field_name(key);
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
			return fm_error_set(err, FM_EINVAL, "unknown key '%.*s' (keys: "
					    "sa, da, port, proto, %s)", (int)len, p,
					    fm_field_list());
		if (k->n == FM_TOP_MAX_KEYS)
			return fm_error_set(err, FM_EINVAL, "at most %d keys",
					    FM_TOP_MAX_KEYS);
		if (key == FM_TOPK_PORT && ports++)
			return fm_error_set(err, FM_EINVAL, "'port' at most once");
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
			     (UINT32_C(15) << (key == FM_TOPK_SA ? FM_SA0 : FM_DA0));
		else if (key == FM_TOPK_PORT)
			f |= FM_FIELD_BIT(FM_SP) | FM_FIELD_BIT(FM_DP);
		else
			f |= FM_FIELD_BIT(key);
	}
	return f;
}

int fm_top_by_parse(const char *name)
{
	static const char *const names[3] = { "flows", "packets", "octets" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* The slot where the search for key words kw starts. */
static size_t home(const int64_t *kw, int width, size_t cap)
{
	uint64_t h = 0x9e3779b97f4a7c15u;
	for (int w = 0; w < width; w++)
		h = (h ^ (uint64_t)kw[w]) * 0xff51afd7ed558ccdu;
	return (size_t)(h ^ h >> 29) & (cap - 1);
}

static int grow(struct fm_top *t, size_t cap)
{
	int64_t *keys = malloc(cap * (size_t)t->width * sizeof(*keys));
	uint64_t *sums = malloc(cap * 3 * sizeof(*sums));
	uint8_t *full = calloc(cap, 1);

	if (!keys || !sums || !full) {
		free(keys);
		free(sums);
		free(full);
		return FM_ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->full[i])
			continue;
		const int64_t *kw = t->keys + i * (size_t)t->width;
		size_t j = home(kw, t->width, cap);
		while (full[j])
			j = (j + 1) & (cap - 1);
		full[j] = 1;
		memcpy(keys + j * (size_t)t->width, kw, (size_t)t->width * sizeof(*kw));
		memcpy(sums + j * 3, t->sums + i * 3, 3 * sizeof(*sums));
	}
	free(t->keys);
	free(t->sums);
	free(t->full);
	t->keys = keys;
	t->sums = sums;
	t->full = full;
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
	if (grow(t, 1024) < 0) {
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
	free(t->keys);
	free(t->sums);
	free(t->full);
	free(t);
}

/* Add one group key with the record's sums. */
static int add_key(struct fm_top *t, const int64_t *kw, uint64_t packets,
		   uint64_t octets)
{
	size_t j = home(kw, t->width, t->cap);

	while (t->full[j] &&
	       memcmp(t->keys + j * (size_t)t->width, kw, (size_t)t->width * 8))
		j = (j + 1) & (t->cap - 1);
	if (!t->full[j]) {
		t->full[j] = 1;
		memcpy(t->keys + j * (size_t)t->width, kw, (size_t)t->width * 8);
		memset(t->sums + j * 3, 0, 3 * sizeof(uint64_t));
		t->used++;
	}
	uint64_t *s = t->sums + j * 3;
	s[0]++;
	if (__builtin_add_overflow(s[1], packets, &s[1]) ||
	    __builtin_add_overflow(s[2], octets, &s[2]))
		return FM_ERANGE;
	if (2 * t->used > t->cap)
		return grow(t, 2 * t->cap);
	return 0;
}

int fm_top_add(struct fm_top *t, const struct fm_batch *b, struct fm_error *err)
{
	int64_t kw[FM_TOP_MAX_WIDTH];
	int port = -1, r = 0;

	for (int i = 0; i < t->k.n; i++)
		if (t->k.key[i] == FM_TOPK_PORT)
			port = t->off[i];
	for (size_t i = 0; i < b->n && r == 0; i++) {
		uint64_t packets = (uint64_t)b->col[FM_PACKETS][i];
		uint64_t octets = (uint64_t)b->col[FM_OCTETS][i];
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
		r = add_key(t, kw, packets, octets);
		if (r == 0 && port >= 0 && b->col[FM_DP][i] != b->col[FM_SP][i]) {
			kw[port] = b->col[FM_DP][i];
			r = add_key(t, kw, packets, octets);
		}
		t->total[0]++;
		if (__builtin_add_overflow(t->total[1], packets, &t->total[1]) ||
		    __builtin_add_overflow(t->total[2], octets, &t->total[2]))
			r = FM_ERANGE;
	}
	if (r == FM_ENOMEM)
		return fm_error_set(err, r, "out of memory");
	if (r == FM_ERANGE)
		return fm_error_set(err, r, "top: packet or octet sum above 2^64");
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

/* qsort has no context argument: the table being sorted, per thread. */
static _Thread_local const struct fm_top *sorting;

static int row_cmp(const void *pa, const void *pb)
{
	const struct fm_top_row *a = pa, *b = pb;
	const uint64_t va = sorting->by == FM_TOP_FLOWS ? a->flows :
			    sorting->by == FM_TOP_PACKETS ? a->packets : a->octets;
	const uint64_t vb = sorting->by == FM_TOP_FLOWS ? b->flows :
			    sorting->by == FM_TOP_PACKETS ? b->packets : b->octets;
	if (va != vb)
		return va > vb ? -1 : 1;
	for (int w = 0; w < sorting->width; w++)
		if (a->key[w] != b->key[w])
			return a->key[w] < b->key[w] ? -1 : 1;
	return 0;
}

long fm_top_result(struct fm_top *t, enum fm_top_by by, size_t n,
		   struct fm_top_row **rows, struct fm_error *err)
{
	struct fm_top_row *r = malloc((t->used ? t->used : 1) * sizeof(*r));
	size_t k = 0;

	if (!r)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->full[i])
			continue;
		r[k].key = t->keys + i * (size_t)t->width;
		r[k].flows = t->sums[i * 3];
		r[k].packets = t->sums[i * 3 + 1];
		r[k].octets = t->sums[i * 3 + 2];
		k++;
	}
	t->by = by;
	sorting = t;
	qsort(r, k, sizeof(*r), row_cmp);
	sorting = NULL;
	*rows = r;
	return (long)(n && n < k ? n : k);
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

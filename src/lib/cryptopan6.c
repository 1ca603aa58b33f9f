/*
 * cryptopan6.c - Crypto-PAn over 128-bit IPv6 addresses, in two variants.
 *
 * FM_ANON_V6_CRYPTOPAN, the prefix-preserving one: with pad = AES_K(key
 * [16..32]), output bit i (i = 0 the most significant) is the first bit of
 * AES_K(block_i) XOR input bit i, where block_i is the first i bits of the
 * address followed by the pad's bits i..127.  On the first 32 bits this
 * is exactly the IPv4 Crypto-PAn of cryptopan.c.
 *
 * FM_ANON_V6_NFANON, what nfdump's nfanon (1.7.1 up to at least 1.7.8)
 * computes, checked against Debian's nfanon: its anonymize_v6 works on
 * the bytes of the two host-order 64-bit words nfdump keeps an IPv6
 * address in, which on a little-endian machine are address bytes 7..0
 * then 15..8 ("m" below).  For bit b (0..7) of byte j of m, the block is
 * m[0..j-1], then m[j] with its bits below the top b+1 cleared OR-ed with
 * pad[j] (the pad byte whole, not masked), then pad[j+1..15]; the first
 * bit of its encryption goes to bit b counted from the least significant
 * end of byte j of the pad, which is XOR-ed onto m.  Neither prefix
 * preserving nor one-to-one (some addresses collide), but it is what
 * datasets anonymised by nfanon hold.
 *
 * Each address costs 128 AES blocks, encrypted GROUP addresses per EVP
 * call; a direct-mapped cache of recent addresses avoids recomputing
 * repeats.  The object (pad) and the cache are key-derived and live in
 * memory kept out of core files, as the IPv4 object does.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "flowmodels/anonymize.h"
#include "cryptopan-int.h"

#define GROUP 8 /* addresses per EVP call */
#define CACHE_BITS 16
#define CACHE_SIZE (sizeof(struct cache6) << CACHE_BITS)

struct cache6 {
	uint32_t in[4], out[4];
	int used;
};

struct fm_cryptopan6 {
	EVP_CIPHER_CTX *ctx;
	enum fm_anon_v6 mode;
	unsigned char pad[16];
	unsigned char *blocks, *enc; /* GROUP * 128 blocks of 16 bytes */
	struct cache6 *cache;
	uint64_t computed;
};

void fm_cryptopan6_free(struct fm_cryptopan6 *cp)
{
	if (!cp)
		return;
	if (cp->ctx)
		EVP_CIPHER_CTX_free(cp->ctx);
	free(cp->blocks);
	free(cp->enc);
	fm_cp_free_nodump(cp->cache, CACHE_SIZE);
	fm_cp_free_nodump(cp, sizeof(*cp));
}

int fm_cryptopan6_new(struct fm_cryptopan6 **out,
		      const unsigned char key[FM_ANON_KEY_LEN],
		      enum fm_anon_v6 mode, struct fm_error *err)
{
	struct fm_cryptopan6 *cp = fm_cp_alloc_nodump(sizeof(*cp));

	if (!cp)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	cp->mode = mode;
	cp->blocks = malloc(GROUP * 128 * 16);
	cp->enc = malloc(GROUP * 128 * 16);
	cp->cache = fm_cp_alloc_nodump(CACHE_SIZE);
	if (!cp->blocks || !cp->enc || !cp->cache) {
		fm_cryptopan6_free(cp);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	int r = fm_cp_cipher_open(&cp->ctx, key, cp->pad, err);
	if (r < 0) {
		fm_cryptopan6_free(cp);
		return r;
	}
	*out = cp;
	return 0;
}

uint64_t fm_cryptopan6_computed(const struct fm_cryptopan6 *cp)
{
	return cp->computed;
}

/* Address words (word 0 most significant) to bytes as the mode sees them. */
static void to_bytes(enum fm_anon_v6 mode, const uint32_t *w, unsigned char *b)
{
	for (int i = 0; i < 16; i++) {
		unsigned char v =
		    (unsigned char)(w[i / 4] >> (24 - 8 * (i % 4)));
		/* nfanon: the bytes of each 64-bit half, least significant
		 * first */
		b[mode == FM_ANON_V6_NFANON ? (i & 8) + 7 - (i & 7) : i] = v;
	}
}

static void from_bytes(enum fm_anon_v6 mode, const unsigned char *b,
		       uint32_t *w)
{
	w[0] = w[1] = w[2] = w[3] = 0;
	for (int i = 0; i < 16; i++) {
		unsigned char v =
		    b[mode == FM_ANON_V6_NFANON ? (i & 8) + 7 - (i & 7) : i];
		w[i / 4] |= (uint32_t)v << (24 - 8 * (i % 4));
	}
}

/* The 128 blocks of address bytes m, at out. */
static void make_blocks(const struct fm_cryptopan6 *cp, const unsigned char *m,
			unsigned char *out)
{
	for (int pos = 0; pos < 128; pos++) {
		unsigned char *b = out + (size_t)pos * 16;
		int j = pos >> 3, bit = pos & 7;

		memcpy(b, m, (size_t)j);
		memcpy(b + j, cp->pad + j, (size_t)(16 - j));
		if (cp->mode == FM_ANON_V6_NFANON) {
			b[j] =
			    (unsigned char)((m[j] >> (7 - bit) << (7 - bit)) |
					    cp->pad[j]);
		} else {
			unsigned keep =
			    (0xff00u >> bit) & 0xff; /* top `bit` bits */
			b[j] = (unsigned char)((m[j] & keep) |
					       (cp->pad[j] & ~keep));
		}
	}
}

/* XOR the one-time pad of the encrypted blocks enc onto m. */
static void apply_pad(enum fm_anon_v6 mode, const unsigned char *enc,
		      unsigned char *m)
{
	for (int pos = 0; pos < 128; pos++) {
		unsigned bit = enc[(size_t)pos * 16] >> 7;
		int j = pos >> 3, b = pos & 7;
		m[j] ^=
		    (unsigned char)(bit
				    << (mode == FM_ANON_V6_NFANON ? b : 7 - b));
	}
}

static size_t cache_slot(const uint32_t *a)
{
	uint64_t h =
	    ((uint64_t)a[0] << 32 | a[1]) * UINT64_C(0x9e3779b97f4a7c15) ^
	    ((uint64_t)a[2] << 32 | a[3]) * UINT64_C(0xc2b2ae3d27d4eb4f);
	return (size_t)(h >> (64 - CACHE_BITS));
}

/* Anonymise the k (<= GROUP) addresses in[0..k) (4 words each) into out. */
static int compute_group(struct fm_cryptopan6 *cp, const uint32_t *in,
			 uint32_t *out, size_t k, struct fm_error *err)
{
	unsigned char m[GROUP][16];

	for (size_t j = 0; j < k; j++) {
		to_bytes(cp->mode, in + 4 * j, m[j]);
		make_blocks(cp, m[j], cp->blocks + j * 128 * 16);
	}
	int r = fm_cp_aes(cp->ctx, cp->blocks, cp->enc, k * 128 * 16, err);
	if (r < 0)
		return r;
	for (size_t j = 0; j < k; j++) {
		apply_pad(cp->mode, cp->enc + j * 128 * 16, m[j]);
		from_bytes(cp->mode, m[j], out + 4 * j);
	}
	cp->computed += k;
	return 0;
}

int fm_cryptopan6_map(struct fm_cryptopan6 *cp, const uint32_t *in,
		      uint32_t *out, size_t n, struct fm_error *err)
{
	uint32_t pin[GROUP * 4], pout[GROUP * 4];
	size_t pidx[GROUP], np = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n) {
			const uint32_t *a = in + 4 * i;
			struct cache6 *c = &cp->cache[cache_slot(a)];
			if (c->used && !memcmp(c->in, a, sizeof(c->in))) {
				memcpy(out + 4 * i, c->out, sizeof(c->out));
				continue;
			}
			memcpy(pin + 4 * np, a, 4 * sizeof(*a));
			pidx[np++] = i;
			if (np < GROUP)
				continue;
		}
		if (np == 0)
			break;
		int r = compute_group(cp, pin, pout, np, err);
		if (r < 0)
			return r;
		for (size_t j = 0; j < np; j++) {
			struct cache6 *c = &cp->cache[cache_slot(pin + 4 * j)];
			memcpy(c->in, pin + 4 * j, sizeof(c->in));
			memcpy(c->out, pout + 4 * j, sizeof(c->out));
			c->used = 1;
			memcpy(out + 4 * pidx[j], pout + 4 * j, sizeof(c->out));
		}
		np = 0;
	}
	return 0;
}

int fm_anon_v6_parse(const char *name, enum fm_anon_v6 *out)
{
	if (strcmp(name, "cryptopan") == 0)
		*out = FM_ANON_V6_CRYPTOPAN;
	else if (strcmp(name, "nfanon") == 0)
		*out = FM_ANON_V6_NFANON;
	else if (strcmp(name, "drop") == 0)
		*out = FM_ANON_V6_DROP;
	else
		return FM_EINVAL;
	return 0;
}

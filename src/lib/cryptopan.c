/*
 * cryptopan.c - Crypto-PAn prefix-preserving IPv4 anonymisation with
 * AES-128-ECB from OpenSSL EVP, and the `anonymize` tool loop.
 *
 * Crypto-PAn: with pad = AES_K(key[16..32]), output bit i (i = 0 is the
 * most significant) is the first bit of AES_K(block_i) XOR input bit i,
 * where block_i is the 16-byte pad with its first 32 bits replaced by the
 * first i bits of the address followed by the pad's remaining bits.
 *
 * Speed: bit i depends only on the address's first i bits, so the upper
 * 16 output bits are a function of the /16 prefix and are kept in a
 * 65536-entry table filled lazily; each new address then needs only 16
 * AES blocks.  Addresses missing from the cache are collected per call,
 * deduplicated, and encrypted many blocks per EVP call (ECB pipelines
 * well with AES-NI).  The address cache is an open-addressing table that
 * is emptied when it reaches its size limit, so memory stays bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "flowmodels/anonymize.h"
#include "cryptopan-int.h"

#define GROUP 64   /* addresses per EVP call */
#define STEP 32768 /* addresses per lookup round */
/* cached addresses at most: the table then stays at 2^23 slots (64 MiB) */
#define CACHE_MAX ((UINT32_C(1) << 22) - STEP)
#define NONE UINT32_MAX /* "address 0", kept outside the table */

/*
 * The cache: one 64-bit word per slot, (anonymised << 32) | address, so a
 * lookup touches one cache line; address 0 marks an empty slot, and the
 * address 0 itself is kept in zero_ok/zero_val.
 */
struct fm_cryptopan {
	EVP_CIPHER_CTX *ctx;
	unsigned char pad[16];
	uint32_t pad4;	    /* first 32 bits of the pad */
	uint16_t hi[65536]; /* upper 16 output bits by /16 prefix */
	uint8_t hi_ok[65536];
	uint64_t *tab;
	size_t mask;
	size_t count;
	int zero_ok;
	uint32_t zero_val;
	uint64_t computed;
	uint32_t *where; /* per input of a round: slot or NONE */
	uint32_t *pend_addr, *pend_slot;
	size_t npend;
	unsigned char *blocks, *enc; /* GROUP * 16 blocks of 16 bytes */
};

void fm_anon_key_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

void fm_anon_no_dump(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void *fm_cp_alloc_nodump(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_DONTDUMP);
	return p;
}

void fm_cp_free_nodump(void *p, size_t size)
{
	if (!p)
		return;
	fm_anon_key_wipe(p, size);
	munmap(p, size);
}

int fm_cp_aes(EVP_CIPHER_CTX *ctx, const unsigned char *in, unsigned char *out,
	      size_t len, struct fm_error *err)
{
	int outl = 0;

	if (EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) != 1 ||
	    (size_t)outl != len)
		return fm_error_set(
		    err, FM_EEXTERNAL,
		    "anonymize: AES encryption failed (OpenSSL)");
	return 0;
}

int fm_cp_cipher_open(EVP_CIPHER_CTX **ctx,
		      const unsigned char key[FM_ANON_KEY_LEN],
		      unsigned char pad[16], struct fm_error *err)
{
	int r;

	if (!(*ctx = EVP_CIPHER_CTX_new()))
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (EVP_EncryptInit_ex(*ctx, EVP_aes_128_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(*ctx, 0) != 1)
		r = fm_error_set(
		    err, FM_EEXTERNAL,
		    "anonymize: cannot set up AES-128-ECB (OpenSSL)");
	else
		r = fm_cp_aes(*ctx, key + 16, pad, 16, err);
	if (r < 0) {
		EVP_CIPHER_CTX_free(*ctx);
		*ctx = NULL;
	}
	return r;
}

/* The object lives in memory kept out of core files (fm_cp_alloc_nodump). */
static struct fm_cryptopan *cp_alloc(void)
{
	return fm_cp_alloc_nodump(sizeof(struct fm_cryptopan));
}

static int aes(struct fm_cryptopan *cp, const unsigned char *in,
	       unsigned char *out, size_t len, struct fm_error *err)
{
	return fm_cp_aes(cp->ctx, in, out, len, err);
}

int fm_cryptopan_new(struct fm_cryptopan **out,
		     const unsigned char key[FM_ANON_KEY_LEN],
		     struct fm_error *err)
{
	struct fm_cryptopan *cp = cp_alloc();
	int r;

	if (!cp)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	cp->mask = 4095;
	cp->tab = calloc(cp->mask + 1, sizeof(*cp->tab));
	cp->where = malloc(STEP * sizeof(*cp->where));
	cp->pend_addr = malloc(STEP * sizeof(*cp->pend_addr));
	cp->pend_slot = malloc(STEP * sizeof(*cp->pend_slot));
	cp->blocks = malloc(GROUP * 16 * 16);
	cp->enc = malloc(GROUP * 16 * 16);
	if (!cp->tab || !cp->where || !cp->pend_addr || !cp->pend_slot ||
	    !cp->blocks || !cp->enc) {
		fm_cryptopan_free(cp);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	r = fm_cp_cipher_open(&cp->ctx, key, cp->pad, err);
	if (r < 0) {
		fm_cryptopan_free(cp);
		return r;
	}
	cp->pad4 = (uint32_t)cp->pad[0] << 24 | (uint32_t)cp->pad[1] << 16 |
		   (uint32_t)cp->pad[2] << 8 | cp->pad[3];
	*out = cp;
	return 0;
}

void fm_cryptopan_free(struct fm_cryptopan *cp)
{
	if (!cp)
		return;
	if (cp->ctx)
		EVP_CIPHER_CTX_free(cp->ctx);
	fm_anon_key_wipe(cp->pad, sizeof(cp->pad));
	fm_anon_key_wipe(&cp->pad4, sizeof(cp->pad4));
	free(cp->tab);
	free(cp->where);
	free(cp->pend_addr);
	free(cp->pend_slot);
	free(cp->blocks);
	free(cp->enc);
	fm_cp_free_nodump(cp, sizeof(*cp));
}

uint64_t fm_cryptopan_computed(const struct fm_cryptopan *cp)
{
	return cp->computed;
}

/* Block for bit i of address a: the prefix of i bits, then the pad. */
static void make_block(const struct fm_cryptopan *cp, uint32_t a, int i,
		       unsigned char *b)
{
	uint32_t mask = i ? ~UINT32_C(0) << (32 - i) : 0;
	uint32_t v = (a & mask) | (cp->pad4 & ~mask);

	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
	memcpy(b + 4, cp->pad + 4, 12);
}

/* Fill hi[] for /16 prefixes p[0..k), k <= GROUP. */
static int compute_hi(struct fm_cryptopan *cp, const uint32_t *p, size_t k,
		      struct fm_error *err)
{
	for (size_t j = 0; j < k; j++)
		for (int i = 0; i < 16; i++)
			make_block(cp, p[j] << 16, i,
				   cp->blocks + (j * 16 + (size_t)i) * 16);
	int r = aes(cp, cp->blocks, cp->enc, k * 256, err);
	if (r < 0)
		return r;
	for (size_t j = 0; j < k; j++) {
		uint16_t bits = 0;
		for (int i = 0; i < 16; i++)
			bits = (uint16_t)(bits << 1 |
					  (cp->enc[(j * 16 + (size_t)i) * 16] >>
					   7));
		cp->hi[p[j]] = bits;
		cp->hi_ok[p[j]] = 1;
	}
	return 0;
}

/* Anonymise pending addresses j0 .. j0+k (k <= GROUP) and store them. */
static int compute_lo(struct fm_cryptopan *cp, size_t j0, size_t k,
		      struct fm_error *err)
{
	const uint32_t *pa = cp->pend_addr + j0, *ps = cp->pend_slot + j0;

	for (size_t j = 0; j < k; j++)
		for (int i = 0; i < 16; i++)
			make_block(cp, pa[j], 16 + i,
				   cp->blocks + (j * 16 + (size_t)i) * 16);
	int r = aes(cp, cp->blocks, cp->enc, k * 256, err);
	if (r < 0)
		return r;
	for (size_t j = 0; j < k; j++) {
		uint32_t bits = cp->hi[pa[j] >> 16];
		for (int i = 0; i < 16; i++)
			bits = bits << 1 |
			       (cp->enc[(j * 16 + (size_t)i) * 16] >> 7);
		uint32_t v = bits ^ pa[j];
		if (ps[j] == NONE) {
			cp->zero_val = v;
			cp->zero_ok = 1;
		} else {
			cp->tab[ps[j]] = (uint64_t)v << 32 | pa[j];
		}
	}
	cp->computed += k;
	return 0;
}

/* The slot of address a (non-zero), or the empty slot where it goes. */
static size_t slot_of(const uint64_t *tab, size_t mask, uint32_t a)
{
	size_t i = (size_t)((a * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & mask;

	for (;;) {
		uint32_t k = (uint32_t)tab[i];
		if (k == a || k == 0)
			return i;
		i = (i + 1) & mask;
	}
}

/* Make room for `more` new addresses without growing during a round. */
static int reserve(struct fm_cryptopan *cp, size_t more)
{
	if (cp->count + more > CACHE_MAX) {
		memset(cp->tab, 0, (cp->mask + 1) * sizeof(*cp->tab));
		cp->count = 0;
	}
	size_t need = cp->count + more;
	if (need * 2 <= cp->mask + 1)
		return 0;
	size_t size = cp->mask + 1;
	while (need * 2 > size)
		size *= 2;
	uint64_t *nt = calloc(size, sizeof(*nt));
	if (!nt)
		return FM_ENOMEM;
	for (size_t i = 0; i <= cp->mask; i++) {
		uint32_t k = (uint32_t)cp->tab[i];
		if (k)
			nt[slot_of(nt, size - 1, k)] = cp->tab[i];
	}
	free(cp->tab);
	cp->tab = nt;
	cp->mask = size - 1;
	return 0;
}

int fm_cryptopan_map(struct fm_cryptopan *cp, const uint32_t *in, uint32_t *out,
		     size_t n, struct fm_error *err)
{
	for (size_t off = 0; off < n; off += STEP) {
		size_t k = n - off < STEP ? n - off : STEP;
		uint32_t hp[GROUP];
		size_t nh = 0;
		int r;

		if (reserve(cp, k) < 0)
			return fm_error_set(err, FM_ENOMEM,
					    "out of memory (address cache)");
		/* find every address; queue the new ones, each once */
		cp->npend = 0;
		for (size_t i = 0; i < k; i++) {
			uint32_t a = in[off + i];
			size_t sl;
			if (a == 0) {
				cp->where[i] = NONE;
				if (cp->zero_ok)
					continue;
				cp->zero_ok = 2; /* queued */
				sl = NONE;
			} else {
				sl = slot_of(cp->tab, cp->mask, a);
				cp->where[i] = (uint32_t)sl;
				if ((uint32_t)cp->tab[sl] == a)
					continue;
				cp->tab[sl] = a; /* value filled below */
				cp->count++;
			}
			cp->pend_addr[cp->npend] = a;
			cp->pend_slot[cp->npend++] = (uint32_t)sl;
			uint32_t p = a >> 16;
			if (!cp->hi_ok[p]) {
				cp->hi_ok[p] = 2; /* queued */
				hp[nh++] = p;
				if (nh == GROUP) {
					if ((r = compute_hi(cp, hp, nh, err)) <
					    0)
						return r;
					nh = 0;
				}
			}
		}
		if (nh && (r = compute_hi(cp, hp, nh, err)) < 0)
			return r;
		for (size_t j = 0; j < cp->npend; j += GROUP) {
			size_t g =
			    cp->npend - j < GROUP ? cp->npend - j : GROUP;
			if ((r = compute_lo(cp, j, g, err)) < 0)
				return r;
		}
		for (size_t i = 0; i < k; i++) {
			uint32_t w = cp->where[i];
			out[off + i] = w == NONE ? cp->zero_val
						 : (uint32_t)(cp->tab[w] >> 32);
		}
	}
	return 0;
}

/* ---- keys ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fm_anon_key_from_text(const char *text, unsigned char key[FM_ANON_KEY_LEN],
			  struct fm_error *err)
{
	size_t len = strlen(text);

	if (strncmp(text, "hex:", 4) == 0) {
		const char *h = text + 4;
		size_t hl = len - 4;
		if (hl != 2 * FM_ANON_KEY_LEN)
			return fm_error_set(err, FM_EINVAL,
					    "key: 'hex:' needs exactly 64 hex "
					    "digits, got %zu characters",
					    hl);
		for (size_t i = 0; i < FM_ANON_KEY_LEN; i++) {
			int a = hexval((unsigned char)h[2 * i]);
			int b = hexval((unsigned char)h[2 * i + 1]);
			if (a < 0 || b < 0) {
				fm_anon_key_wipe(key, FM_ANON_KEY_LEN);
				return fm_error_set(
				    err, FM_EINVAL,
				    "key: 'hex:' form has a non-hex character "
				    "at position %zu",
				    2 * i + (a < 0 ? 0 : 1) + 1);
			}
			key[i] = (unsigned char)(a << 4 | b);
		}
		return 0;
	}
	if (len != FM_ANON_KEY_LEN)
		return fm_error_set(err, FM_EINVAL,
				    "key: expected exactly 32 bytes, got %zu "
				    "(or use hex: and 64 hex digits)",
				    len);
	memcpy(key, text, FM_ANON_KEY_LEN);
	return 0;
}

int fm_anon_key_from_file(const char *path, unsigned char key[FM_ANON_KEY_LEN],
			  struct fm_error *err)
{
	unsigned char buf[FM_ANON_KEY_LEN + 2];
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "key file %s: %s", path, strerror(errno));
	for (;;) {
		ssize_t k = read(fd, buf + n, sizeof(buf) - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			close(fd);
			fm_anon_key_wipe(buf, sizeof(buf));
			return fm_error_set(err, FM_EIO, "key file %s: %s",
					    path, strerror(e));
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n == sizeof(buf))
			break;
	}
	close(fd);
	if (n == FM_ANON_KEY_LEN + 1 && buf[FM_ANON_KEY_LEN] == '\n')
		n = FM_ANON_KEY_LEN;
	if (n != FM_ANON_KEY_LEN) {
		fm_anon_key_wipe(buf, sizeof(buf));
		if (n > FM_ANON_KEY_LEN + 1)
			return fm_error_set(
			    err, FM_EINVAL,
			    "key file %s: longer than 33 bytes; expected "
			    "exactly 32 bytes (or 33 ending in a newline)",
			    path);
		return fm_error_set(err, FM_EINVAL,
				    "key file %s: %zu bytes; expected exactly "
				    "32 bytes (or 33 ending in a newline)",
				    path, n);
	}
	memcpy(key, buf, FM_ANON_KEY_LEN);
	fm_anon_key_wipe(buf, sizeof(buf));
	return 0;
}

/* ---- the tool ---- */

/* Check that column v holds 32-bit words; copy them into out[i * stride]. */
static int to_u32(const int64_t *v, const uint32_t *idx, size_t n,
		  uint32_t *out, size_t stride, uint64_t rec0,
		  const char *field, struct fm_error *err)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = idx[i];
		int64_t x = v[j];
		if (x < 0 || x > (int64_t)UINT32_MAX)
			return fm_error_set(
			    err, FM_EFORMAT,
			    "record %llu: field '%s': value %lld is not an "
			    "address word (0 .. 4294967295)",
			    (unsigned long long)(rec0 + j + 1), field,
			    (long long)x);
		out[i * stride] = (uint32_t)x;
	}
	return 0;
}

struct anon_run {
	struct fm_cryptopan *cp;
	struct fm_cryptopan6 *cp6;
	enum fm_anon_v6 v6;
	uint32_t *idx4, *idx6, *keep; /* record indices per family, kept ones */
	uint32_t *a4, *a6;	      /* address words being anonymised */
	int64_t *col[8];	      /* the new sa0..sa3, da0..da3 */
	struct fm_batch own;
};

static void anon_run_free(struct anon_run *ar)
{
	fm_cryptopan_free(ar->cp);
	fm_cryptopan6_free(ar->cp6);
	free(ar->idx4);
	free(ar->idx6);
	free(ar->keep);
	free(ar->a4);
	free(ar->a6);
	for (int c = 0; c < 8; c++)
		free(ar->col[c]);
	fm_batch_release(&ar->own);
}

static int anon_run_init(struct anon_run *ar, const unsigned char *key,
			 enum fm_anon_v6 v6, struct fm_error *err)
{
	int bad = 0, r;

	memset(ar, 0, sizeof(*ar));
	ar->v6 = v6;
	bad |= !(ar->idx4 = malloc(FM_BATCH_CAP * sizeof(uint32_t)));
	bad |= !(ar->idx6 = malloc(FM_BATCH_CAP * sizeof(uint32_t)));
	bad |= !(ar->keep = malloc(FM_BATCH_CAP * sizeof(uint32_t)));
	bad |= !(ar->a4 = malloc(2 * FM_BATCH_CAP * sizeof(uint32_t)));
	bad |= !(ar->a6 = malloc(8 * FM_BATCH_CAP * sizeof(uint32_t)));
	for (int c = 0; c < 8; c++)
		bad |= !(ar->col[c] = malloc(FM_BATCH_CAP * sizeof(int64_t)));
	if (bad || fm_batch_alloc(&ar->own, FM_ALL_FIELDS, FM_BATCH_CAP))
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_cryptopan_new(&ar->cp, key, err);
	if (r == 0 && v6 != FM_ANON_V6_DROP)
		r = fm_cryptopan6_new(&ar->cp6, key, v6, err);
	return r;
}

/*
 * Anonymise the n6 source addresses at ar->a6 and the n6 destination
 * addresses after them, in place. In nfanon mode the destinations become
 * what nfanon 1.7.1 writes: the mapping of the already anonymised source
 * (its anonymize_v6 is called with the source twice), so that whole
 * records equal nfanon's; the real destinations are then lost, as in
 * nfanon's output.
 */
static int anon_v6_addresses(struct anon_run *ar, size_t n6,
			     struct fm_error *err)
{
	uint32_t *src = ar->a6, *dst = ar->a6 + 4 * n6;
	int r;

	if (ar->v6 != FM_ANON_V6_NFANON)
		return fm_cryptopan6_map(ar->cp6, src, src, 2 * n6, err);
	if ((r = fm_cryptopan6_map(ar->cp6, src, src, n6, err)) < 0)
		return r;
	memcpy(dst, src, 4 * n6 * sizeof(*src));
	return fm_cryptopan6_map(ar->cp6, dst, dst, n6, err);
}

static const char *const addr_names[8] = {
    "sa0", "sa1", "sa2", "sa3", "da0", "da1", "da2", "da3",
};

/*
 * Anonymise the records of b: fills ar->keep[0..*k) with the indices of
 * the records kept, in order, and ar->col with their new addresses.
 */
static int anon_batch(struct anon_run *ar, const struct fm_batch *b,
		      uint64_t rec0, size_t *k, size_t *k6,
		      struct fm_error *err)
{
	const int64_t *af = b->col[FM_AF];
	size_t n4 = 0, n6 = 0, nk = 0, i4 = 0, i6 = 0;
	int r;

	for (size_t i = 0; i < b->n; i++) {
		if (af[i] == 2 || af[i] == 0)
			ar->idx4[n4++] = ar->keep[nk++] = (uint32_t)i;
		else if (af[i] == 10 && ar->cp6)
			ar->idx6[n6++] = ar->keep[nk++] = (uint32_t)i;
	}
	/* IPv4: sa3 then da3, one call */
	if ((r = to_u32(b->col[FM_SA3], ar->idx4, n4, ar->a4, 1, rec0, "sa3",
			err)) < 0 ||
	    (r = to_u32(b->col[FM_DA3], ar->idx4, n4, ar->a4 + n4, 1, rec0,
			"da3", err)) < 0 ||
	    (r = fm_cryptopan_map(ar->cp, ar->a4, ar->a4, 2 * n4, err)) < 0)
		return r;
	/* IPv6: the 4 source words of each record, then the 4 destination words
	 */
	for (int c = 0; c < 8 && n6; c++)
		if ((r = to_u32(
			 b->col[FM_SA0 + c], ar->idx6, n6,
			 ar->a6 + (c < 4 ? (size_t)c : 4 * n6 + (size_t)c - 4),
			 4, rec0, addr_names[c], err)) < 0)
			return r;
	if (n6 && (r = anon_v6_addresses(ar, n6, err)) < 0)
		return r;
	for (size_t j = 0; j < nk; j++) {
		size_t i = ar->keep[j];
		if (i4 < n4 && ar->idx4[i4] == i) {
			for (int c = 0; c < 8; c++)
				ar->col[c][j] = b->col[FM_SA0 + c][i];
			ar->col[3][j] = ar->a4[i4];
			ar->col[7][j] = ar->a4[n4 + i4];
			i4++;
		} else {
			for (int c = 0; c < 4; c++) {
				ar->col[c][j] = ar->a6[4 * i6 + (size_t)c];
				ar->col[4 + c][j] =
				    ar->a6[4 * (n6 + i6) + (size_t)c];
			}
			i6++;
		}
	}
	*k = nk;
	*k6 = n6;
	return 0;
}

int fm_anonymize_run(struct fm_scan *s, struct fm_writer *w,
		     const unsigned char key[FM_ANON_KEY_LEN],
		     enum fm_anon_v6 v6, struct fm_anon_stats *stats,
		     struct fm_error *err)
{
	struct anon_run ar;
	struct fm_anon_stats st;
	struct fm_batch b;
	long n = 0;
	int r;

	memset(&st, 0, sizeof(st));
	r = anon_run_init(&ar, key, v6, err);
	while (r == 0 && (n = fm_scan_next(s, &b, err)) > 0) {
		size_t k = 0, k6 = 0;
		if ((r = anon_batch(&ar, &b, st.read, &k, &k6, err)) < 0)
			break;
		st.read += (uint64_t)n;
		st.dropped += (uint64_t)n - k;
		if (k == 0)
			continue;
		struct fm_batch ob;
		if (k < (size_t)n) {
			fm_batch_gather(&ar.own, &b, ar.keep, k);
			ob = ar.own;
			ob.store = NULL;
		} else {
			ob = b;
		}
		for (int c = 0; c < 8; c++)
			ob.col[FM_SA0 + c] = ar.col[c];
		if ((r = fm_writer_write(w, &ob, err)) < 0)
			break;
		st.written += k;
		st.written6 += k6;
	}
	if (r == 0 && n < 0)
		r = (int)n;
	if (ar.cp)
		st.computed = fm_cryptopan_computed(ar.cp);
	if (ar.cp6)
		st.computed += fm_cryptopan6_computed(ar.cp6);
	if (stats)
		*stats = st;
	anon_run_free(&ar);
	return r;
}

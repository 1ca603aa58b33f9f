/*
 * test-anonymize6.c - IPv6 anonymisation (cryptopan6.c):
 * - Crypto-PAn over 128 bits against vectors computed by an independent
 *   implementation (Python `cryptography`, a bit-by-bit transcription of
 *   the definition) and against a naive one-block-per-bit version written
 *   here; its first 32 bits equal the IPv4 mapping of the first word;
 * - the prefix-preserving property on 100 000 random address pairs whose
 *   common prefix length is drawn uniformly from 0..128;
 * - the nfanon variant against addresses anonymised by Debian's nfdump
 *   1.7.1 `nfanon -K abcdefghijklmnopqrstuvwxyz012345` (source addresses
 *   of an nfpcapd capture of tests/tools/tunpcap.py --many 5 --packets 1)
 *   and against a naive transcription of what nfanon does with the bytes
 *   of the two host-order 64-bit words;
 * - the record loop: IPv6 records kept in order, both families in one
 *   batch, bad address words named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "flowmodels/anonymize.h"
#include "testutil.h"

static const char *key_text = "boojahyoo3vaeToong0Eijee7Ahz3yee";
static const char *key_nfanon = "abcdefghijklmnopqrstuvwxyz012345";

static EVP_CIPHER_CTX *naive_ctx(const unsigned char *key,
				 unsigned char pad[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l;

	assert_non_null(c);
	assert_int_equal(
	    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_EncryptUpdate(c, pad, &l, key + 16, 16), 1);
	return c;
}

static int first_bit(EVP_CIPHER_CTX *c, const unsigned char *in)
{
	unsigned char out[16];
	int l;

	assert_int_equal(EVP_EncryptUpdate(c, out, &l, in, 16), 1);
	return out[0] >> 7;
}

/* Crypto-PAn over 128 bits, one block per bit, from the definition. */
static void naive_cp6(const unsigned char *key, const uint32_t *a,
		      uint32_t *out)
{
	unsigned char pad[16], in[16], addr[16];
	EVP_CIPHER_CTX *c = naive_ctx(key, pad);

	for (int i = 0; i < 16; i++)
		addr[i] = (unsigned char)(a[i / 4] >> (24 - 8 * (i % 4)));
	memcpy(out, a, 16);
	for (int pos = 0; pos < 128; pos++) {
		memcpy(in, pad, 16);
		for (int bit = 0; bit < pos; bit++) {
			unsigned char m = (unsigned char)(0x80 >> (bit % 8));
			in[bit / 8] = (unsigned char)((in[bit / 8] & ~m) |
						      (addr[bit / 8] & m));
		}
		out[pos / 32] ^= (uint32_t)first_bit(c, in) << (31 - pos % 32);
	}
	EVP_CIPHER_CTX_free(c);
}

/*
 * nfanon's IPv6 mapping, transcribed: it works on the bytes of the two
 * 64-bit words (host order) nfdump keeps the address in.
 */
static void naive_nfanon(const unsigned char *key, const uint32_t *a,
			 uint32_t *out)
{
	unsigned char pad[16], in[16], res[16] = {0};
	EVP_CIPHER_CTX *c = naive_ctx(key, pad);
	uint64_t w[2] = {(uint64_t)a[0] << 32 | a[1],
			 (uint64_t)a[2] << 32 | a[3]};
	unsigned char m[16];

	memcpy(m, w, 16);
	for (int pos = 0; pos < 128; pos++) {
		int byte = pos >> 3, bit = pos & 7;
		memcpy(in, m, (size_t)byte);
		memcpy(in + byte, pad + byte, (size_t)(16 - byte));
		in[byte] = (unsigned char)(m[byte] >> (7 - bit) << (7 - bit) |
					   pad[byte]);
		res[byte] |= (unsigned char)(first_bit(c, in) << bit);
	}
	for (int i = 0; i < 16; i++)
		res[i] ^= m[i];
	memcpy(w, res, 16);
	out[0] = (uint32_t)(w[0] >> 32);
	out[1] = (uint32_t)w[0];
	out[2] = (uint32_t)(w[1] >> 32);
	out[3] = (uint32_t)w[1];
	EVP_CIPHER_CTX_free(c);
}

static void map1(struct fm_cryptopan6 *cp, const uint32_t *a, uint32_t *out)
{
	struct fm_error err = {0};
	assert_int_equal(fm_cryptopan6_map(cp, a, out, 1, &err), 0);
}

static void test_vectors_cryptopan(void **state)
{
	(void)state;
	/* from the Python transcription, key key_text */
	static const struct {
		uint32_t in[4], out[4];
	} v[] = {
	    {{0x20010db8, 0, 0, 1},
	     {0x30410e87, 0xcfc01800, 0x187fe4d0, 0x7f1c0701}},
	    {{0x20010db8, 0, 0, 2},
	     {0x30410e87, 0xcfc01800, 0x187fe4d0, 0x7f1c0702}},
	    {{0x20010db8, 0x00010000, 0, 1},
	     {0x30410e87, 0xcfc107e0, 0x0660e73f, 0x790078fe}},
	    {{0, 0, 0, 0}, {0x0e3dbfc0, 0x1fe3061f, 0xdfa01a1f, 0xf0f1883f}},
	    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
	     {0xfbf7ee10, 0x7c87bf85, 0x8ffdc07a, 0x203ffe1c}},
	    {{0xfe800000, 0x00000000, 0x00010002, 0x00030004},
	     {0xfabcf846, 0x11e3fe00, 0x3b8105e2, 0x06ef0807}},
	};
	struct fm_cryptopan6 *cp;
	struct fm_cryptopan *cp4;
	struct fm_error err = {0};
	uint32_t out[4], ref[4];

	assert_int_equal(fm_cryptopan6_new(&cp, (const unsigned char *)key_text,
					   FM_ANON_V6_CRYPTOPAN, &err),
			 0);
	assert_int_equal(
	    fm_cryptopan_new(&cp4, (const unsigned char *)key_text, &err), 0);
	for (int pass = 0; pass < 2; pass++) /* the second from the cache */
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			map1(cp, v[i].in, out);
			assert_memory_equal(out, v[i].out, 16);
			naive_cp6((const unsigned char *)key_text, v[i].in,
				  ref);
			assert_memory_equal(out, ref, 16);
			/* the first word is the IPv4 mapping of the first word
			 */
			uint32_t w0;
			assert_int_equal(
			    fm_cryptopan_map(cp4, v[i].in, &w0, 1, &err), 0);
			assert_int_equal(w0, out[0]);
		}
	fm_cryptopan_free(cp4);
	fm_cryptopan6_free(cp);
}

static void test_vectors_nfanon(void **state)
{
	(void)state;
	/* source addresses before and after Debian's nfanon 1.7.1 */
	static const struct {
		uint32_t in[4], out[4];
	} v[] = {
	    {{0x20010db8, 0x00000000, 0x00000000, 0x00000001},
	     {0x207ef240, 0xffffff00, 0xff00ffff, 0x00ffff81}},
	    {{0x20010db8, 0x00020000, 0x00000000, 0x00000001},
	     {0x20fef240, 0x00fdff00, 0xff0000ff, 0x00ff00fe}},
	    {{0x35bf992d, 0xc9e9c616, 0x612e7696, 0xa6cecc1b},
	     {0x327f66d2, 0xb6e8c616, 0x9f3296a9, 0xa621c29c}},
	    {{0xe1988ad9, 0xf06c144a, 0x025b413f, 0x8a9a021e},
	     {0x1f988ad9, 0x0e73134a, 0xfd5b3e3f, 0x8a65021e}},
	    {{0xc4647159, 0xc324c985, 0x9b810e76, 0x6ec9d286},
	     {0x259a71a6, 0x3d24c985, 0x9b7e11b6, 0x6ec6d479}},
	    {{0x1a2b8f1f, 0xf1fd42a2, 0x9755d4c1, 0x3a902931},
	     {0x1aab8fdf, 0xf1fc42a2, 0xefaa2c3e, 0x0d6fa935}},
	    {{0x1027c4d1, 0xc386bbc4, 0xcd613e30, 0xd8f16adf},
	     {0x10583ad6, 0xbc86b8c4, 0xac612130, 0xd0f19b5e}},
	};
	struct fm_cryptopan6 *cp;
	struct fm_error err = {0};
	uint32_t out[4], ref[4];

	assert_int_equal(fm_cryptopan6_new(&cp,
					   (const unsigned char *)key_nfanon,
					   FM_ANON_V6_NFANON, &err),
			 0);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		map1(cp, v[i].in, out);
		assert_memory_equal(out, v[i].out, 16);
		naive_nfanon((const unsigned char *)key_nfanon, v[i].in, ref);
		assert_memory_equal(out, ref, 16);
	}
	fm_cryptopan6_free(cp);
}

/* Common prefix length of two addresses of 4 words. */
static int cpl(const uint32_t *a, const uint32_t *b)
{
	for (int w = 0; w < 4; w++)
		if (a[w] != b[w])
			return 32 * w + __builtin_clz(a[w] ^ b[w]);
	return 128;
}

static void test_prefix_preserving(void **state)
{
	(void)state;
	const size_t pairs = 100000;
	uint32_t *in = malloc(pairs * 2 * 16), *out = malloc(pairs * 2 * 16);
	struct fm_cryptopan6 *cp;
	struct fm_error err = {0};
	uint64_t seed = 23;
	int seen[129] = {0};

	assert_non_null(in);
	assert_non_null(out);
	for (size_t p = 0; p < pairs; p++) {
		uint32_t *a = in + 8 * p, *b = a + 4;
		int k = (int)(tu_rand(&seed) % 129);
		for (int w = 0; w < 4; w++) {
			a[w] = (uint32_t)tu_rand(&seed);
			b[w] = (uint32_t)tu_rand(&seed);
		}
		/* b: the first k bits of a, then bit k differs, then random */
		for (int bit = 0; bit < 128; bit++) {
			uint32_t m = UINT32_C(1) << (31 - bit % 32);
			if (bit < k)
				b[bit / 32] =
				    (b[bit / 32] & ~m) | (a[bit / 32] & m);
			else if (bit == k)
				b[bit / 32] =
				    (b[bit / 32] & ~m) | (~a[bit / 32] & m);
		}
		assert_int_equal(cpl(a, b), k);
		seen[k]++;
	}
	assert_int_equal(fm_cryptopan6_new(&cp, (const unsigned char *)key_text,
					   FM_ANON_V6_CRYPTOPAN, &err),
			 0);
	assert_int_equal(fm_cryptopan6_map(cp, in, out, 2 * pairs, &err), 0);
	for (size_t p = 0; p < pairs; p++)
		assert_int_equal(cpl(out + 8 * p, out + 8 * p + 4),
				 cpl(in + 8 * p, in + 8 * p + 4));
	for (int k = 0; k <= 128; k++)
		assert_true(seen[k] > 0);
	/* a sample against the naive version */
	for (size_t p = 0; p < 2 * pairs; p += 4999) {
		uint32_t ref[4];
		naive_cp6((const unsigned char *)key_text, in + 4 * p, ref);
		assert_memory_equal(out + 4 * p, ref, 16);
	}
	/* in place gives the same */
	assert_int_equal(fm_cryptopan6_map(cp, in, in, 2 * pairs, &err), 0);
	assert_memory_equal(in, out, pairs * 2 * 16);
	fm_cryptopan6_free(cp);
	free(in);
	free(out);
}

static void run_file(const char *in, enum fm_anon_v6 v6,
		     struct fm_anon_stats *st, int want, struct fm_error *err)
{
	struct fm_scan_opts so;
	struct fm_scan *s;
	struct fm_writer_opts wo = {.format = FM_FORMAT_CSV_FLOW, .log = NULL};
	struct fm_writer *w;

	memset(&so, 0, sizeof(so));
	so.reader.format = FM_FORMAT_CSV_FLOW;
	so.reader.fields = FM_ALL_FIELDS;
	fm_cut_init(&so.cut);
	assert_int_equal(fm_scan_open(&s, &so, &in, 1, err), 0);
	assert_int_equal(fm_writer_open(&w, &wo, tu_path("out6.csv"), err), 0);
	assert_int_equal(fm_anonymize_run(s, w, (const unsigned char *)key_text,
					  v6, st, err),
			 want);
	if (want == 0)
		assert_int_equal(fm_writer_commit(w, err), 0);
	fm_writer_free(w);
	fm_scan_free(s);
}

static void test_run(void **state)
{
	(void)state;
	struct fm_error err = {0};
	struct fm_anon_stats st;
	const char *in = tu_path("in6.csv");
	uint32_t a[4] = {0x20010db8, 0, 0, 1}, b[4] = {0x20010db8, 0, 0, 2};
	uint32_t ea[4], eb[4], c4;
	struct fm_cryptopan *cp4;

	tu_write_file(
	    in,
	    "10, 6, 0, 0, 536939960, 0, 0, 1, 536939960, 0, 0, 2, 1, 2, 10, 0, "
	    "11, 0, 1, 40, 1\n"
	    "2, 6, 0, 0, 0, 0, 0, 3221225985, 0, 0, 0, 3221225985, 1, 2, 10, "
	    "0, 11, 0, 1, 40, 1\n"
	    "7, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 10, 0, 11, 0, 1, 40, 1\n"
	    "10, 17, 0, 0, 536939960, 0, 0, 2, 536939960, 0, 0, 1, 3, 4, 10, "
	    "0, 11, 0, 1, 40, 1\n");
	run_file(in, FM_ANON_V6_CRYPTOPAN, &st, 0, &err);
	assert_int_equal(st.read, 4);
	assert_int_equal(st.written, 3);
	assert_int_equal(st.written6, 2);
	assert_int_equal(st.dropped, 1);
	naive_cp6((const unsigned char *)key_text, a, ea);
	naive_cp6((const unsigned char *)key_text, b, eb);
	assert_int_equal(
	    fm_cryptopan_new(&cp4, (const unsigned char *)key_text, &err), 0);
	uint32_t x = 3221225985u;
	assert_int_equal(fm_cryptopan_map(cp4, &x, &c4, 1, &err), 0);
	fm_cryptopan_free(cp4);
	char exp[1024];
	snprintf(exp, sizeof(exp),
		 "10, 6, 0, 0, %u, %u, %u, %u, %u, %u, %u, %u, 1, 2, 10, 0, "
		 "11, 0, 1, 40, 1\n"
		 "2, 6, 0, 0, 0, 0, 0, %u, 0, 0, 0, %u, 1, 2, 10, 0, 11, 0, 1, "
		 "40, 1\n"
		 "10, 17, 0, 0, %u, %u, %u, %u, %u, %u, %u, %u, 3, 4, 10, 0, "
		 "11, 0, 1, 40, 1\n",
		 ea[0], ea[1], ea[2], ea[3], eb[0], eb[1], eb[2], eb[3], c4, c4,
		 eb[0], eb[1], eb[2], eb[3], ea[0], ea[1], ea[2], ea[3]);
	char *t = tu_read_file(tu_path("out6.csv"), NULL);
	assert_string_equal(t, exp);
	free(t);

	/* --ipv6 drop: the old behaviour */
	run_file(in, FM_ANON_V6_DROP, &st, 0, &err);
	assert_int_equal(st.written, 1);
	assert_int_equal(st.dropped, 3);

	/* a word above 2^32 - 1 in an IPv6 record: named */
	tu_write_file(in, "10, 6, 0, 0, 536939960, 0, 0, 1, 536939960, 0, "
			  "4294967296, 2, 1, 2, 10, 0, 11, 0, 1, 40, 1\n");
	run_file(in, FM_ANON_V6_CRYPTOPAN, &st, FM_EFORMAT, &err);
	assert_non_null(strstr(err.msg, "record 1: field 'da2'"));
}

static void test_parse(void **state)
{
	(void)state;
	enum fm_anon_v6 m;
	assert_int_equal(fm_anon_v6_parse("nfanon", &m), 0);
	assert_int_equal(m, FM_ANON_V6_NFANON);
	assert_int_equal(fm_anon_v6_parse("cryptopan", &m), 0);
	assert_int_equal(m, FM_ANON_V6_CRYPTOPAN);
	assert_int_equal(fm_anon_v6_parse("drop", &m), 0);
	assert_int_equal(m, FM_ANON_V6_DROP);
	assert_int_equal(fm_anon_v6_parse("v6", &m), FM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors_cryptopan),
	    cmocka_unit_test(test_vectors_nfanon),
	    cmocka_unit_test(test_prefix_preserving),
	    cmocka_unit_test(test_run),
	    cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-anonymize.c - Crypto-PAn (SPEC 5): every test vector of the SPEC,
 * a differential test against a naive one-block-per-bit implementation
 * written here with OpenSSL, the prefix-preserving property, key forms
 * and their errors, and the record loop (families dropped, bad values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "flowmodels/anonymize.h"
#include "testutil.h"

static const char *key_text = "boojahyoo3vaeToong0Eijee7Ahz3yee";
static const unsigned char key_sample[32] = {
    21,	 34,  23,  141, 51,  164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16,
    216, 152, 143, 131, 121, 121, 101, 39,  98, 87, 76, 45, 42, 132, 34,  2,
};

static uint32_t ip(const char *s)
{
	unsigned a, b, c, d;
	assert_int_equal(sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
	return a << 24 | b << 16 | c << 8 | d;
}

static uint32_t anon1(struct fm_cryptopan *cp, uint32_t a)
{
	struct fm_error err = {0};
	uint32_t out;
	assert_int_equal(fm_cryptopan_map(cp, &a, &out, 1, &err), 0);
	return out;
}

static void test_vectors(void **state)
{
	(void)state;
	struct fm_cryptopan *cp;
	struct fm_error err = {0};
	static const char *v1[][2] = {
	    {"192.0.2.1", "206.2.124.120"},
	    {"10.0.0.1", "2.3.248.63"},
	    {"10.0.0.2", "2.3.248.61"},
	};
	static const char *v2[][2] = {
	    {"128.11.68.132", "135.242.180.132"},
	    {"129.118.74.4", "134.136.186.123"},
	    {"130.132.252.244", "133.68.164.234"},
	    {"141.223.7.43", "141.167.8.160"},
	    {"192.102.249.13", "252.138.62.131"},
	};

	assert_int_equal(
	    fm_cryptopan_new(&cp, (const unsigned char *)key_text, &err), 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(anon1(cp, ip(v1[i][0])), ip(v1[i][1]));
	/* again, now from the cache */
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(anon1(cp, ip(v1[i][0])), ip(v1[i][1]));
	fm_cryptopan_free(cp);
	assert_int_equal(fm_cryptopan_new(&cp, key_sample, &err), 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(anon1(cp, ip(v2[i][0])), ip(v2[i][1]));
	fm_cryptopan_free(cp);
}

/* The algorithm one AES block per bit, straight from the definition. */
static uint32_t naive(const unsigned char key[32], uint32_t a)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned char pad[16], in[16], out[16];
	int l;
	uint32_t res = 0;

	assert_non_null(c);
	assert_int_equal(
	    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_EncryptUpdate(c, pad, &l, key + 16, 16), 1);
	for (int i = 0; i < 32; i++) {
		memcpy(in, pad, 16);
		/* the first i bits of a, then the pad's bits */
		for (int bit = 0; bit < i; bit++) {
			int v = (a >> (31 - bit)) & 1;
			unsigned char m = (unsigned char)(0x80 >> (bit % 8));
			in[bit / 8] = (unsigned char)(v ? in[bit / 8] | m
							: in[bit / 8] & ~m);
		}
		assert_int_equal(EVP_EncryptUpdate(c, out, &l, in, 16), 1);
		res = res << 1 | (out[0] >> 7);
	}
	EVP_CIPHER_CTX_free(c);
	return res ^ a;
}

static void test_differential(void **state)
{
	(void)state;
	const size_t n = 70000; /* more than one internal step */
	uint64_t seed = 5;
	uint32_t *in = malloc(n * 4), *out = malloc(n * 4);
	struct fm_cryptopan *cp;
	struct fm_error err = {0};
	assert_non_null(in);
	assert_non_null(out);

	for (size_t i = 0; i < n; i++) {
		uint64_t r = tu_rand(&seed);
		/* a mix of repeats, shared prefixes and random addresses */
		if (i > 0 && r % 3 == 0)
			in[i] = in[r % i];
		else if (r % 3 == 1)
			in[i] =
			    0x0a000000u | (uint32_t)(tu_rand(&seed) & 0xffff);
		else
			in[i] = (uint32_t)tu_rand(&seed);
	}
	in[0] = 0;
	in[1] = 0xffffffffu;
	assert_int_equal(fm_cryptopan_new(&cp, key_sample, &err), 0);
	assert_int_equal(fm_cryptopan_map(cp, in, out, n, &err), 0);
	assert_true(fm_cryptopan_computed(cp) <
		    n); /* repeats came from the cache */
	for (size_t i = 0; i < n; i += 97)
		assert_int_equal(out[i], naive(key_sample, in[i]));
	assert_int_equal(out[1], naive(key_sample, in[1]));
	/* in place, same results */
	uint32_t *again = malloc(n * 4);
	assert_non_null(again);
	memcpy(again, in, n * 4);
	assert_int_equal(fm_cryptopan_map(cp, again, again, n, &err), 0);
	assert_memory_equal(again, out, n * 4);
	/* prefix preservation: common prefix lengths are equal */
	for (size_t i = 1; i < n; i++) {
		uint32_t x = in[i - 1] ^ in[i], y = out[i - 1] ^ out[i];
		int px = x ? __builtin_clz(x) : 32,
		    py = y ? __builtin_clz(y) : 32;
		assert_int_equal(px, py);
	}
	fm_cryptopan_free(cp);
	free(in);
	free(out);
	free(again);
}

static void test_keys(void **state)
{
	(void)state;
	unsigned char k[32];
	struct fm_error err = {0};
	char hex[80];

	assert_int_equal(fm_anon_key_from_text(key_text, k, &err), 0);
	assert_memory_equal(k, key_text, 32);
	strcpy(hex, "hex:");
	for (int i = 0; i < 32; i++)
		sprintf(hex + 4 + 2 * i, "%02X", key_sample[i]);
	assert_int_equal(fm_anon_key_from_text(hex, k, &err), 0);
	assert_memory_equal(k, key_sample, 32);
	for (int i = 4; hex[i]; i++)
		hex[i] = (char)(hex[i] >= 'A' ? hex[i] + 32
					      : hex[i]); /* lower case */
	assert_int_equal(fm_anon_key_from_text(hex, k, &err), 0);
	assert_memory_equal(k, key_sample, 32);

	/* errors name the length, never the key */
	assert_int_equal(
	    fm_anon_key_from_text("boojahyoo3vaeToong0Eijee7Ahz3ye", k, &err),
	    FM_EINVAL);
	assert_non_null(strstr(err.msg, "got 31"));
	assert_null(strstr(err.msg, "boojah"));
	assert_int_equal(fm_anon_key_from_text("", k, &err), FM_EINVAL);
	hex[10] = 'g';
	assert_int_equal(fm_anon_key_from_text(hex, k, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "non-hex"));
	hex[10] = '0';
	hex[60] = '\0';
	assert_int_equal(fm_anon_key_from_text(hex, k, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "64 hex digits"));
	/* UTF-8: 16 two-byte characters are 32 bytes */
	assert_int_equal(
	    fm_anon_key_from_text("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
				  "\xa9\xc3\xa9\xc3\xa9"
				  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
				  "\xa9\xc3\xa9\xc3\xa9",
				  k, &err),
	    0);

	/* files: 32 bytes, 33 with a newline; others are errors */
	tu_write_file(tu_path("k32"), key_text);
	assert_int_equal(fm_anon_key_from_file(tu_path("k32"), k, &err), 0);
	assert_memory_equal(k, key_text, 32);
	char buf[40];
	snprintf(buf, sizeof(buf), "%s\n", key_text);
	tu_write_file(tu_path("k33"), buf);
	assert_int_equal(fm_anon_key_from_file(tu_path("k33"), k, &err), 0);
	assert_memory_equal(k, key_text, 32);
	snprintf(buf, sizeof(buf), "%sx", key_text);
	tu_write_file(tu_path("k33x"), buf);
	assert_int_equal(fm_anon_key_from_file(tu_path("k33x"), k, &err),
			 FM_EINVAL);
	assert_null(strstr(err.msg, "boojah"));
	snprintf(buf, sizeof(buf), "%s\n\n", key_text);
	tu_write_file(tu_path("k34"), buf);
	assert_int_equal(fm_anon_key_from_file(tu_path("k34"), k, &err),
			 FM_EINVAL);
	assert_non_null(strstr(err.msg, "longer than 33"));
	tu_write_file(tu_path("k5"), "short");
	assert_int_equal(fm_anon_key_from_file(tu_path("k5"), k, &err),
			 FM_EINVAL);
	assert_non_null(strstr(err.msg, "5 bytes"));
	assert_int_equal(fm_anon_key_from_file(tu_path("nokey"), k, &err),
			 FM_ENOTFOUND);
}

static void test_run(void **state)
{
	(void)state;
	struct fm_scan_opts so;
	struct fm_scan *s;
	struct fm_writer_opts wo = {.format = FM_FORMAT_CSV_FLOW, .log = NULL};
	struct fm_writer *w;
	struct fm_error err = {0};
	struct fm_anon_stats st;
	const char *in = tu_path("in.csv");

	tu_write_file(in, "2, 6, 0, 0, 0, 0, 0, 3221225985, 0, 0, 0, "
			  "167772161, 1, 2, 10, 0, 11, 0, 1, 40, 1\n"
			  "10, 6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 10, 0, "
			  "11, 0, 1, 40, 1\n"
			  "0, 17, 0, 0, 0, 0, 0, 167772162, 0, 0, 0, "
			  "3221225985, 1, 2, 10, 0, 11, 0, 1, 40, 1\n");
	memset(&so, 0, sizeof(so));
	so.reader.format = FM_FORMAT_CSV_FLOW;
	so.reader.fields = FM_ALL_FIELDS;
	fm_cut_init(&so.cut);
	assert_int_equal(fm_scan_open(&s, &so, &in, 1, &err), 0);
	assert_int_equal(fm_writer_open(&w, &wo, tu_path("out.csv"), &err), 0);
	assert_int_equal(fm_anonymize_run(s, w, (const unsigned char *)key_text,
					  FM_ANON_V6_DROP, &st, &err),
			 0);
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	fm_scan_free(s);
	assert_int_equal(st.read, 3);
	assert_int_equal(st.written, 2);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.computed, 3);
	char *t = tu_read_file(tu_path("out.csv"), NULL);
	char exp[512];
	snprintf(exp, sizeof(exp),
		 "2, 6, 0, 0, 0, 0, 0, %u, 0, 0, 0, %u, 1, 2, 10, 0, 11, 0, 1, "
		 "40, 1\n"
		 "0, 17, 0, 0, 0, 0, 0, %u, 0, 0, 0, %u, 1, 2, 10, 0, 11, 0, "
		 "1, 40, 1\n",
		 ip("206.2.124.120"), ip("2.3.248.63"), ip("2.3.248.61"),
		 ip("206.2.124.120"));
	assert_string_equal(t, exp);
	free(t);

	/* an address that is not IPv4: an error naming the record and field */
	tu_write_file(
	    in,
	    "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 10, 0, 11, 0, 1, 40, 1\n"
	    "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4294967296, 1, 2, 10, 0, 11, 0, "
	    "1, 40, 1\n");
	assert_int_equal(fm_scan_open(&s, &so, &in, 1, &err), 0);
	assert_int_equal(fm_writer_open(&w, &wo, tu_path("out2.csv"), &err), 0);
	assert_int_equal(fm_anonymize_run(s, w, (const unsigned char *)key_text,
					  FM_ANON_V6_DROP, &st, &err),
			 FM_EFORMAT);
	assert_non_null(strstr(err.msg, "record 2: field 'da3'"));
	fm_writer_free(w);
	fm_scan_free(s);
	assert_null(tu_read_file(tu_path("out2.csv"), NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_differential),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-csvparse.c - differential test of the csv_flow line parser: the fast
 * path (fm_csv_parse_record with fast = 1) against the simple byte-at-a-time
 * one (fast = 0) on random lines built from plain numbers and the unusual
 * cases around them (19/20-digit numbers, 2^64-1 and 2^64, '+', hex, "-0",
 * negatives, tabs and spaces around commas, '\r', too few/many fields,
 * garbage).  Both must return the same code, values and error message.
 * The line is followed by each of the bytes fm_textin may put after a line
 * ('\n', '\r', NUL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io-int.h"
#include "testutil.h"

static const char *const odd_fields[] = {
    "0",
    "00",
    "1",
    "9999999999999999999",
    "10000000000000000000",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999",
    "0000000000000000000001",
    "+5",
    "+",
    "0x1F",
    "0X",
    "0xfffffffffffffffff",
    "-0",
    "-00",
    "-3",
    "-",
    "",
    " ",
    "\t7",
    "7\t",
    " 7 ",
    "1.5",
    "x",
    "5x",
    "1 2",
    "\r",
    "18446744073709551614",
    "1234567890123456789",
};

/* Append a random field to s (of capacity cap) at *n. */
static void add_field(char *s, size_t *n, size_t cap, uint64_t *rng)
{
	uint64_t r = tu_rand(rng);
	char tmp[64];
	size_t k = 0;

	if (r % 8 == 0) {
		const char *o = odd_fields[(r >> 8) % (sizeof(odd_fields) /
						       sizeof(odd_fields[0]))];
		k = strlen(o);
		memcpy(tmp, o, k);
	} else {
		/* a plain number of 1..20 digits, short ones more often */
		unsigned len =
		    (unsigned)((r >> 8) % 4 == 0 ? 1 + (r >> 16) % 20
						 : 1 + (r >> 16) % 6);
		for (unsigned i = 0; i < len; i++)
			tmp[k++] = (char)('0' + tu_rand(rng) % 10);
	}
	if (*n + k < cap) {
		memcpy(s + *n, tmp, k);
		*n += k;
	}
}

/* Append the separator after a field. */
static void add_sep(char *s, size_t *n, size_t cap, uint64_t *rng)
{
	static const char *const seps[] = {", ",  ",",	 " , ", ",  ", "  ,",
					   "\t,", ",\t", ", ",	", ",  ";"};
	const char *sep = seps[tu_rand(rng) % (sizeof(seps) / sizeof(seps[0]))];
	size_t k = strlen(sep);

	if (tu_rand(rng) % 4)
		sep = ", ", k = 2;
	if (*n + k < cap) {
		memcpy(s + *n, sep, k);
		*n += k;
	}
}

static void compare(const char *line, size_t len, char after)
{
	char buf[1024];
	int64_t v1[FM_NFIELDS], v0[FM_NFIELDS];
	struct fm_error e1, e0;
	int r1, r0;

	assert_true(len < sizeof(buf));
	memcpy(buf, line, len);
	buf[len] = after;
	memset(v1, 0x5a, sizeof(v1));
	memset(v0, 0x5a, sizeof(v0));
	memset(&e1, 0, sizeof(e1));
	memset(&e0, 0, sizeof(e0));
	r1 = fm_csv_parse_record("t.csv", buf, len, 7, v1, 1, &e1);
	r0 = fm_csv_parse_record("t.csv", buf, len, 7, v0, 0, &e0);
	if (r1 != r0 || (r0 == 0 && memcmp(v1, v0, sizeof(v0)) != 0) ||
	    (r0 < 0 && strcmp(e1.msg, e0.msg) != 0)) {
		print_error("line '%.*s': fast %d '%s', simple %d '%s'\n",
			    (int)len, line, r1, e1.msg, r0, e0.msg);
		fail();
	}
}

static void test_random_lines(void **state)
{
	(void)state;
	uint64_t rng = 12345;
	char line[900];
	long plain = 0;

	for (int iter = 0; iter < 50000; iter++) {
		size_t n = 0;
		uint64_t r = tu_rand(&rng);
		int nf = r % 16 == 0 ? (int)(18 + (r >> 8) % 6) : FM_NFIELDS;
		int odd = r % 3 == 0; /* else: plain fields and ", " only */

		if (odd && (r >> 20) % 8 == 0)
			line[n++] = (r >> 24) % 2 ? ' ' : '\t';
		for (int f = 0; f < nf; f++) {
			if (odd) {
				add_field(line, &n, sizeof(line), &rng);
			} else {
				unsigned len =
				    1 + (unsigned)(tu_rand(&rng) % 10);
				if (tu_rand(&rng) % 16 == 0)
					len =
					    17 + (unsigned)(tu_rand(&rng) % 4);
				for (unsigned i = 0; i < len; i++)
					line[n++] =
					    (char)('0' + tu_rand(&rng) % 10);
			}
			if (f < nf - 1) {
				if (odd)
					add_sep(line, &n, sizeof(line), &rng);
				else {
					line[n++] = ',';
					line[n++] = ' ';
				}
			}
		}
		if (odd && (r >> 28) % 8 == 0)
			line[n++] = (r >> 32) % 3 == 0	 ? '\r'
				    : (r >> 32) % 3 == 1 ? ' '
							 : '\t';
		if (odd && (r >> 36) % 16 == 0 && n > 0)
			n = (size_t)((r >> 40) % n); /* truncated anywhere */
		compare(line, n, "\n\r"[iter % 2]);
		compare(line, n, '\0');
		plain += !odd;
	}
	assert_true(plain > 25000);
}

static void test_edge_lines(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "",
	    "   ",
	    "\t",
	    "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0",
	    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
	    "  1 ,2 , 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21   ",
	    "18446744073709551615, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
	    "14, 15, 16, 17, 18, 19, 18446744073709551615",
	    "9999999999999999999, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
	    "14, 15, 16, 17, 18, 19, 9999999999999999999",
	    "18446744073709551616, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
	    "14, 15, 16, 17, 18, 19, 20",
	    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20, 18446744073709551616",
	    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20, 21,",
	    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20,",
	    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20, 21, 22",
	    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20",
	    "+1, 0x2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20, -0",
	    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20, 21\r",
	    "1\t, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20, 21",
	    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20, -21",
	    "1,, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, "
	    "20, 21",
	    ",1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	    "19, 20",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		compare(lines[i], strlen(lines[i]), '\n');
		compare(lines[i], strlen(lines[i]), '\0');
		compare(lines[i], strlen(lines[i]), '\r');
	}
	/* and the values of a plain one */
	{
		const char *l = lines[6];
		char buf[256];
		int64_t v[FM_NFIELDS];
		size_t n = strlen(l);
		memcpy(buf, l, n + 1);
		assert_int_equal(
		    fm_csv_parse_record("t.csv", buf, n, 1, v, 1, NULL), 0);
		assert_true((uint64_t)v[0] == UINT64_MAX);
		assert_int_equal(v[1], 1);
		assert_int_equal(v[19], 19);
		assert_true((uint64_t)v[20] == UINT64_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_lines),
	    cmocka_unit_test(test_edge_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

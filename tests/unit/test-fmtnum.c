/*
 * test-fmtnum.c - the decimal formatters of io-int.h (fm_fmt_u64, the
 * branch-light fm_fmt_u64_wide of the csv_flow writer, fm_fmt_i64) against
 * snprintf: every power of ten and of two and their neighbours, 0, 2^64-1,
 * and a million random values of every bit length.  fm_fmt_u64_wide may
 * store past the digits it returns but never beyond its 20 bytes of room.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io-int.h"
#include "testutil.h"

static void check_u64(uint64_t v)
{
	char want[32], got[48];
	int wn = snprintf(want, sizeof(want), "%llu", (unsigned long long)v);

	memset(got, 'X', sizeof(got));
	size_t n = fm_fmt_u64_wide(got, v);
	if (n != (size_t)wn || memcmp(got, want, n) != 0)
		fail_msg("fm_fmt_u64_wide(%s) = '%.*s'", want, (int)n, got);
	for (size_t i = 20; i < sizeof(got); i++)
		assert_int_equal(got[i], 'X');

	memset(got, 'X', sizeof(got));
	n = fm_fmt_u64(got, v);
	if (n != (size_t)wn || memcmp(got, want, n) != 0)
		fail_msg("fm_fmt_u64(%s) = '%.*s'", want, (int)n, got);
	assert_int_equal(got[n], 'X');

	int64_t s = (int64_t)v;
	wn = snprintf(want, sizeof(want), "%lld", (long long)s);
	n = fm_fmt_i64(got, s);
	if (n != (size_t)wn || memcmp(got, want, n) != 0)
		fail_msg("fm_fmt_i64(%s) = '%.*s'", want, (int)n, got);
}

static void test_boundaries(void **state)
{
	(void)state;
	uint64_t p = 1;
	for (int k = 0; k < 20; k++, p *= 10)
		for (int d = -3; d <= 3; d++)
			check_u64(p + (uint64_t)(int64_t)d);
	for (int k = 0; k < 64; k++)
		for (int d = -2; d <= 2; d++)
			check_u64((1ULL << k) + (uint64_t)(int64_t)d);
	check_u64(0);
	check_u64(UINT64_MAX);
	check_u64(UINT64_MAX - 1);
	check_u64(99999999);
	check_u64(100000000);
	check_u64(9999999999999999ULL);
	check_u64(10000000000000000ULL);
}

static void test_random(void **state)
{
	(void)state;
	uint64_t rng = 0x5eedf00dULL;
	for (int i = 0; i < 1000000; i++) {
		uint64_t r = tu_rand(&rng);
		unsigned bits = (unsigned)(tu_rand(&rng) % 65);
		check_u64(bits == 64 ? r : r & ((1ULL << bits) - 1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

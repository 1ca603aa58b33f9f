/*
 * test-series.c - series: the sums of the series equal the sums of the
 * records, a flow crossing midnight, exact packet sizes, errors and the
 * all-or-nothing output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/series.h"
#include "testutil.h"

typedef unsigned __int128 u128;

#define DAY0 INT64_C(16600)

static void one(struct fm_batch *b, size_t i, int64_t first, int64_t first_ms,
		int64_t last, int64_t last_ms, int64_t packets, int64_t octets)
{
	fm_batch_mut(b, FM_FIRST)[i] = first;
	fm_batch_mut(b, FM_FIRST_MS)[i] = first_ms;
	fm_batch_mut(b, FM_LAST)[i] = last;
	fm_batch_mut(b, FM_LAST_MS)[i] = last_ms;
	fm_batch_mut(b, FM_PACKETS)[i] = packets;
	fm_batch_mut(b, FM_OCTETS)[i] = octets;
	b->n = i + 1;
}

static void totals(const struct fm_series *s, u128 *f, u128 *p, u128 *o)
{
	*f = *p = *o = 0;
	for (size_t d = 0; d < fm_series_ndays(s); d++)
		for (unsigned k = 0; k < FM_SERIES_DAY; k++) {
			uint64_t fl, pk, hi, lo;
			fm_series_get(s, d, k, &fl, &pk, &hi, &lo);
			*f += fl;
			*p += pk;
			*o += ((u128)hi << 64) | lo;
		}
}

static void test_sums(void **state)
{
	struct fm_batch b;
	struct fm_series *s;
	struct fm_error err = {0};
	uint64_t seed = 5;
	u128 rp = 0, ro = 0, f, p, o;
	const size_t n = 3000;

	(void)state;
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n), 0);
	for (size_t i = 0; i < n; i++) {
		tu_random_record(&b, i, &seed);
		/* some start just before midnight, some last for days */
		if (i % 7 == 0)
			fm_batch_mut(&b, FM_FIRST)[i] =
			    DAY0 * 86400 + 86400 - 5;
		if (i % 11 == 0)
			fm_batch_mut(&b, FM_LAST)[i] =
			    fm_batch_mut(&b, FM_FIRST)[i] + 200000;
		if (i % 13 == 0) /* sizes not a multiple of the packets */
			fm_batch_mut(&b, FM_OCTETS)[i] += 7;
		if (fm_batch_mut(&b, FM_LAST)[i] <
		    fm_batch_mut(&b, FM_FIRST)[i])
			fm_batch_mut(&b, FM_LAST)[i] =
			    fm_batch_mut(&b, FM_FIRST)[i];
		b.n = i + 1;
		rp += (uint64_t)b.col[FM_PACKETS][i];
		ro += (uint64_t)b.col[FM_OCTETS][i];
	}
	assert_int_equal(fm_series_new(&s, &err), 0);
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	totals(s, &f, &p, &o);
	assert_true(f == n);
	assert_true(p == rp);
	assert_true(o == ro);
	assert_true(fm_series_records(s) == n);
	assert_true(fm_series_ndays(s) >= 3);
	fm_series_free(s);
	fm_batch_release(&b);
}

static void test_midnight(void **state)
{
	struct fm_batch b;
	struct fm_series *s;
	struct fm_error err = {0};
	uint64_t fl, pk, hi, lo;
	int64_t t0 = DAY0 * 86400 + 86399;

	(void)state;
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 4), 0);
	/* 4 packets over 2 s from 23:59:59.5: .5 | 0.0 0.5 | 1.0 */
	one(&b, 0, t0, 500, t0 + 2, 500, 4, 1000);
	assert_int_equal(fm_series_new(&s, &err), 0);
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	assert_int_equal(fm_series_ndays(s), 2);
	assert_true(fm_series_day(s, 0) == DAY0 &&
		    fm_series_day(s, 1) == DAY0 + 1);
	fm_series_get(s, 0, 86399, &fl, &pk, &hi, &lo);
	assert_true(fl == 1 && pk == 1 && hi == 0 && lo == 250);
	fm_series_get(s, 1, 0, &fl, &pk, &hi, &lo);
	assert_true(fl == 0 && pk == 2 && lo == 500);
	fm_series_get(s, 1, 1, &fl, &pk, &hi, &lo);
	assert_true(fl == 0 && pk == 1 && lo == 250);

	/* uneven sizes add up exactly: 10 octets in 3 packets = 3 + 3 + 4 */
	one(&b, 0, DAY0 * 86400 + 100, 0, DAY0 * 86400 + 103, 0, 3, 10);
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	fm_series_get(s, 0, 100, &fl, &pk, &hi, &lo);
	assert_true(fl == 1 && pk == 1 && lo == 3);
	fm_series_get(s, 0, 101, &fl, &pk, &hi, &lo);
	assert_true(pk == 1 && lo == 3);
	fm_series_get(s, 0, 102, &fl, &pk, &hi, &lo);
	assert_true(pk == 1 && lo == 4);

	/* the step after the last packet reaching midnight creates the day */
	one(&b, 0, (DAY0 + 5) * 86400 + 86399, 0, (DAY0 + 5) * 86400 + 86400, 0,
	    2, 100);
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	assert_int_equal(fm_series_ndays(s), 4);
	assert_true(fm_series_day(s, 3) == DAY0 + 6);

	/* files: 86400 lines each, for every day */
	const char *dir = tu_path("series-out/sub");
	assert_int_equal(fm_series_write(s, dir, &err), 0);
	char path[4096];
	snprintf(path, sizeof(path), "%s/%lld.octets", dir,
		 (long long)(DAY0 + 1));
	size_t len;
	char *text = tu_read_file(path, &len);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 86400);
	assert_memory_equal(text, "500\n250\n0\n", 10);
	free(text);
	snprintf(path, sizeof(path), "%s/%lld.flows", dir,
		 (long long)(DAY0 + 6));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 2 * 86400);
	fm_series_free(s);
	fm_batch_release(&b);
}

static void test_errors(void **state)
{
	struct fm_batch b;
	struct fm_series *s;
	struct fm_error err = {0};

	(void)state;
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 2), 0);
	one(&b, 0, DAY0 * 86400, 0, DAY0 * 86400, 0, 1, 60);
	one(&b, 1, DAY0 * 86400, 0, DAY0 * 86400 + 1, 0, 0, 60);
	assert_int_equal(fm_series_new(&s, &err), 0);
	assert_int_equal(fm_series_add(s, &b, &err), FM_EFORMAT);
	assert_non_null(strstr(err.msg, "record 2: 0 packets but 60 octets"));
	/* first_ms far beyond 999 puts a packet outside the day */
	one(&b, 1, DAY0 * 86400 + 86399, 5000, DAY0 * 86400 + 86399, 5000, 2,
	    60);
	assert_int_equal(fm_series_add(s, &b, &err), FM_EFORMAT);
	assert_non_null(strstr(err.msg, "outside its day"));
	/* a record from 1970 to 2015: refused, not a day's arrays per packet
	 * (this one would touch 400 days, 1.1 GB; 16600 packets: 45 GB) */
	one(&b, 1, 0, 0, DAY0 * 86400, 0, 400, 400 * 60);
	assert_int_equal(fm_series_add(s, &b, &err), FM_EFORMAT);
	assert_non_null(
	    strstr(err.msg, "record 2: 400 packets spread over 16600 days"));
	assert_non_null(strstr(err.msg, "31-day limit"));
	assert_true(fm_series_ndays(s) <= 2);
	/* 31 days exactly is accepted; one second more is not; one packet
	 * never spreads, so its duration does not matter */
	one(&b, 1, DAY0 * 86400, 0, (DAY0 + 31) * 86400, 0, 2, 120);
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	one(&b, 1, DAY0 * 86400, 0, (DAY0 + 31) * 86400 + 1, 0, 2, 120);
	assert_int_equal(fm_series_add(s, &b, &err), FM_EFORMAT);
	one(&b, 1, 0, 0, DAY0 * 86400, 0, 1, 60);
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	fm_series_free(s);

	/* output into a path below a regular file: an error, nothing written */
	one(&b, 0, DAY0 * 86400, 0, DAY0 * 86400, 0, 1, 60);
	b.n = 1;
	assert_int_equal(fm_series_new(&s, &err), 0);
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	tu_write_file(tu_path("plain"), "x\n");
	assert_true(fm_series_write(s, tu_path("plain/out"), &err) < 0);
	fm_series_free(s);
	fm_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sums),
	    cmocka_unit_test(test_midnight),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

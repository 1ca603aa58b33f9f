/*
 * test-series.c - series: the sums of the series equal the sums of the
 * records, a flow crossing midnight, exact packet sizes, errors and the
 * all-or-nothing output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/fileops.h"
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

/* n random records, some before midnight, some lasting for days. */
static void make_records(struct fm_batch *b, size_t n, uint64_t seed, u128 *rp,
			 u128 *ro)
{
	assert_int_equal(fm_batch_alloc(b, FM_ALL_FIELDS, n), 0);
	for (size_t i = 0; i < n; i++) {
		tu_random_record(b, i, &seed);
		if (i % 7 == 0)
			fm_batch_mut(b, FM_FIRST)[i] = DAY0 * 86400 + 86400 - 5;
		if (i % 11 == 0)
			fm_batch_mut(b, FM_LAST)[i] =
			    fm_batch_mut(b, FM_FIRST)[i] + 200000;
		if (i % 13 == 0) /* sizes not a multiple of the packets */
			fm_batch_mut(b, FM_OCTETS)[i] += 7;
		if (fm_batch_mut(b, FM_LAST)[i] < fm_batch_mut(b, FM_FIRST)[i])
			fm_batch_mut(b, FM_LAST)[i] =
			    fm_batch_mut(b, FM_FIRST)[i];
		b->n = i + 1;
		*rp += (uint64_t)b->col[FM_PACKETS][i];
		*ro += (uint64_t)b->col[FM_OCTETS][i];
	}
}

static void test_sums(void **state)
{
	struct fm_batch b;
	struct fm_series *s;
	struct fm_error err = {0};
	u128 rp = 0, ro = 0, f, p, o;
	const size_t n = 3000;

	(void)state;
	make_records(&b, n, 5, &rp, &ro);
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

/* a and b hold the same days and the same sums in every second */
static void same_series(const struct fm_series *a, const struct fm_series *b)
{
	assert_int_equal(fm_series_ndays(a), fm_series_ndays(b));
	assert_true(fm_series_records(a) == fm_series_records(b));
	for (size_t d = 0; d < fm_series_ndays(a); d++) {
		assert_true(fm_series_day(a, d) == fm_series_day(b, d));
		for (unsigned k = 0; k < FM_SERIES_DAY; k++) {
			uint64_t v[4], w[4];
			fm_series_get(a, d, k, &v[0], &v[1], &v[2], &v[3]);
			fm_series_get(b, d, k, &w[0], &w[1], &w[2], &w[3]);
			assert_memory_equal(v, w, sizeof(v));
		}
	}
}

/* merges of parts (a followed directory's files) against a fresh series
 * of the records of the parts still in, after every merge */
static void test_merge(void **state)
{
	enum { NP = 6, PER = 400 };
	struct fm_batch all, part[NP];
	struct fm_series *ps[NP], *total;
	struct fm_error err = {0};
	u128 rp = 0, ro = 0;
	int in[NP] = {0};
	/* add 0..5; drop 0 after 2, 1 and 3 after 4, all at the end */
	const int steps[][2] = {{0, 1}, {1, 1},	 {2, 1},  {0, -1},
				{3, 1}, {4, 1},	 {1, -1}, {3, -1},
				{5, 1}, {2, -1}, {4, -1}, {5, -1}};

	(void)state;
	make_records(&all, NP * PER, 9, &rp, &ro);
	/* part 5 alone on a day of its own */
	for (size_t i = 5 * PER; i < 6 * PER; i++) {
		fm_batch_mut(&all, FM_FIRST)[i] += 10 * 86400;
		fm_batch_mut(&all, FM_LAST)[i] += 10 * 86400;
	}
	assert_int_equal(fm_series_new(&total, &err), 0);
	for (int k = 0; k < NP; k++) {
		memset(&part[k], 0, sizeof(part[k]));
		assert_int_equal(fm_batch_alloc(&part[k], FM_ALL_FIELDS, PER),
				 0);
		fm_batch_copy_range(&part[k], &all, (size_t)k * PER, PER);
		assert_int_equal(fm_series_new(&ps[k], &err), 0);
		assert_int_equal(fm_series_add(ps[k], &part[k], &err), 0);
	}
	for (size_t st = 0; st < sizeof(steps) / sizeof(steps[0]); st++) {
		struct fm_series *want;
		int k = steps[st][0];
		assert_int_equal(
		    fm_series_merge(total, ps[k], steps[st][1], &err), 0);
		in[k] = steps[st][1] > 0;
		assert_int_equal(fm_series_new(&want, &err), 0);
		for (int j = 0; j < NP; j++)
			if (in[j])
				assert_int_equal(
				    fm_series_add(want, &part[j], &err), 0);
		same_series(total, want);
		fm_series_free(want);
	}
	assert_int_equal(fm_series_ndays(total), 0);
	for (int k = 0; k < NP; k++) {
		fm_series_free(ps[k]);
		fm_batch_release(&part[k]);
	}
	fm_series_free(total);
	fm_batch_release(&all);
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

/*
 * Differential test of the spreading: the reference's loop, packet by
 * packet as flow-models writes it in Python (t += piat, size = int(avg) +
 * int((rem - int(avg)) - avg * (packets - 1 - i)), negative seconds and
 * midnight as there), against fm_series, which spreads a second at a time.
 * Records: exact averages, ties (octets = packets * k + packets / 2, where
 * the rounded avg decides single packets), averages below 1, durations
 * from 0 to two days, starts at 0.000 and just before midnight.
 */
#define REF_DAYS 4

struct ref {
	uint64_t flows[REF_DAYS][FM_SERIES_DAY],
	    packets[REF_DAYS][FM_SERIES_DAY];
	u128 octets[REF_DAYS][FM_SERIES_DAY];
	int used[REF_DAYS];
};

static void ref_add(struct ref *r, int64_t first, int64_t first_ms,
		    int64_t last, int64_t last_ms, int64_t packets,
		    int64_t octets)
{
	int64_t day = first / 86400 - DAY0, sec = first % 86400;
	double t = (double)sec + (double)first_ms / 1000.0;
	double duration =
	    (double)(last - first) + (double)(last_ms - first_ms) / 1000.0;
	double piat = duration / (double)packets;
	double avg = (double)octets / (double)packets;
	int64_t isz = (int64_t)avg, rem = octets;

	r->used[day] = 1;
	r->flows[day][sec]++;
	for (int64_t i = 0; i < packets; i++) {
		double v = (double)(rem - isz) -
			   avg * ((double)packets - 1.0 - (double)i);
		int64_t size = isz + (int64_t)v;
		r->packets[day][(int64_t)t]++;
		r->octets[day][(int64_t)t] += (u128)size;
		rem -= size;
		t += piat;
		while (t >= 86400.0) {
			day++;
			t -= 86400.0;
			assert_true(day < REF_DAYS);
			r->used[day] = 1;
		}
	}
	assert_int_equal(rem, 0);
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void test_spread_differential(void **state)
{
	static struct ref r;
	struct fm_batch b;
	struct fm_series *s;
	struct fm_error err = {0};
	uint64_t x = 88172645463325252ULL;
	const size_t n = 6000;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n), 0);
	assert_int_equal(fm_series_new(&s, &err), 0);
	for (size_t i = 0; i < n; i++) {
		int64_t P = 2 + (int64_t)(rnd(&x) % (i % 5 ? 3000 : 40));
		int64_t k = (int64_t)(rnd(&x) % 1500), O;
		int64_t sec = (int64_t)(rnd(&x) % 86400), fms = 0, dur;
		switch (i % 6) {
		case 0: /* exact */
			O = P * k;
			break;
		case 1: /* ties at every other packet */
			P += P % 2;
			O = P * k + P / 2;
			break;
		case 2: /* averages below 1 */
			O = (int64_t)(rnd(&x) % (uint64_t)P);
			break;
		default:
			O = P * k + (int64_t)(rnd(&x) % (uint64_t)P);
			break;
		}
		switch (i % 7) {
		case 0:
			dur = 0;
			break;
		case 1: /* a few ms for many packets */
			dur = (int64_t)(rnd(&x) % 5);
			break;
		case 2: /* up to two days */
			dur = (int64_t)(rnd(&x) % (2 * 86400000));
			break;
		case 3: /* from the start of the day */
			sec = 0;
			dur = (int64_t)(rnd(&x) % 120000);
			break;
		case 4: /* across midnight */
			sec = 86400 - 1 - (int64_t)(rnd(&x) % 3);
			dur = (int64_t)(rnd(&x) % 10000);
			break;
		default:
			dur = (int64_t)(rnd(&x) % 120000);
			break;
		}
		if (i % 3)
			fms = (int64_t)(rnd(&x) % 1000);
		int64_t first = DAY0 * 86400 + sec, end = fms + dur;
		one(&b, i, first, fms, first + end / 1000, end % 1000, P, O);
		ref_add(&r, first, fms, first + end / 1000, end % 1000, P, O);
	}
	assert_int_equal(fm_series_add(s, &b, &err), 0);
	size_t nd = 0;
	for (int d = 0; d < REF_DAYS; d++)
		nd += (size_t)r.used[d];
	assert_int_equal(fm_series_ndays(s), nd);
	for (size_t i = 0; i < fm_series_ndays(s); i++) {
		int64_t d = fm_series_day(s, i) - DAY0;
		assert_true(d >= 0 && d < REF_DAYS && r.used[d]);
		for (unsigned k = 0; k < FM_SERIES_DAY; k++) {
			uint64_t fl, pk, hi, lo;
			fm_series_get(s, i, k, &fl, &pk, &hi, &lo);
			if (fl != r.flows[d][k] || pk != r.packets[d][k] ||
			    (((u128)hi << 64) | lo) != r.octets[d][k])
				fail_msg("day %lld second %u: %llu %llu %llu, "
					 "the reference %llu %llu %llu",
					 (long long)d, k,
					 (unsigned long long)fl,
					 (unsigned long long)pk,
					 (unsigned long long)lo,
					 (unsigned long long)r.flows[d][k],
					 (unsigned long long)r.packets[d][k],
					 (unsigned long long)r.octets[d][k]);
		}
	}
	fm_series_free(s);
	fm_batch_release(&b);
}

/* Whether the csv_series files of day `day` in dirs a and b are equal. */
static void same_day_files(const char *a, const char *b, int64_t day)
{
	static const char *const ext[3] = {"flows", "packets", "octets"};

	for (int c = 0; c < 3; c++) {
		char pa[600], pb[600];
		size_t la = 0, lb = 0;
		snprintf(pa, sizeof(pa), "%s/%lld.%s", a, (long long)day,
			 ext[c]);
		snprintf(pb, sizeof(pb), "%s/%lld.%s", b, (long long)day,
			 ext[c]);
		char *ta = tu_read_file(pa, &la), *tb = tu_read_file(pb, &lb);
		assert_non_null(ta);
		if (!tb)
			fail_msg("%s is missing", pb);
		if (la != lb || memcmp(ta, tb, la))
			fail_msg("%s differs from %s", pb, pa);
		free(ta);
		free(tb);
	}
}

static int by_first(const void *pa, const void *pb)
{
	const int64_t *a = pa, *b = pb;

	return (a[0] > b[0]) - (a[0] < b[0]);
}

/*
 * A bounded series (1, 2, 3 or 5 days held; the others moved out to the
 * spill file) writes the same files, byte for byte, as the series that
 * holds every day: 5000 records over 40 days, some lasting 2 days, some
 * with a huge octet count, in time order and in random order.
 */
static void test_bounded_differential(void **state)
{
	static const size_t held[] = {1, 2, 3, 5};
	const size_t n = 5000;
	struct fm_batch b[2];
	struct fm_series *ref, *s;
	struct fm_error err = {0};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int64_t(*order)[2] = malloc(n * sizeof(*order));
	char refdir[512], dir[512];

	(void)state;
	assert_non_null(order);
	fm_sync_set(0); /* 18 directories of 120 files: no fsync each */
	for (int o = 0; o < 2; o++)
		assert_int_equal(fm_batch_alloc(&b[o], FM_ALL_FIELDS, n), 0);
	for (size_t i = 0; i < n; i++) {
		int64_t first =
		    DAY0 * 86400 + (int64_t)(rnd(&x) % (40 * 86400));
		int64_t P = i % 4 ? 1 + (int64_t)(rnd(&x) % 2000) : 1;
		int64_t O = P * 40 + (int64_t)(rnd(&x) % 1000);
		int64_t fms = (int64_t)(rnd(&x) % 1000);
		int64_t dur = i % 9 == 0 ? (int64_t)(rnd(&x) % (2 * 86400000))
					 : (int64_t)(rnd(&x) % 600000);
		if (i % 101 == 0)
			O = (INT64_C(1) << 62) + (int64_t)(rnd(&x) % 1000);
		if (P == 1)
			dur = 0;
		one(&b[1], i, first, fms, first + (fms + dur) / 1000,
		    (fms + dur) % 1000, P, O);
		order[i][0] = first;
		order[i][1] = (int64_t)i;
	}
	qsort(order, n, sizeof(*order), by_first);
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < FM_NFIELDS; f++)
			fm_batch_mut(&b[0], f)[i] =
			    b[1].col[f][(size_t)order[i][1]];
	b[0].n = n;

	assert_int_equal(fm_series_new(&ref, &err), 0);
	assert_int_equal(fm_series_add(ref, &b[1], &err), 0);
	snprintf(refdir, sizeof(refdir), "%s", tu_path("bounded-ref"));
	assert_int_equal(fm_series_write(ref, refdir, &err), 0);
	assert_true(fm_series_ndays(ref) >= 40);
	for (int o = 0; o < 2; o++)
		for (size_t h = 0; h < sizeof(held) / sizeof(held[0]); h++) {
			assert_int_equal(
			    fm_series_new_bounded(&s, held[h], &err), 0);
			/* in pieces, as the batches of a scan */
			for (size_t a = 0; a < n; a += 1000) {
				struct fm_batch piece = b[o];
				for (int f = 0; f < FM_NFIELDS; f++)
					piece.col[f] = b[o].col[f] + a;
				piece.n = n - a < 1000 ? n - a : 1000;
				assert_int_equal(fm_series_add(s, &piece, &err),
						 0);
			}
			assert_int_equal(fm_series_records(s), n);
			assert_int_equal(fm_series_ndays(s),
					 fm_series_ndays(ref));
			snprintf(
			    dir, sizeof(dir), "%s",
			    tu_path(o ? "bounded-random" : "bounded-sorted"));
			assert_int_equal(fm_series_write(s, dir, &err), 0);
			for (size_t i = 0; i < fm_series_ndays(ref); i++)
				same_day_files(refdir, dir,
					       fm_series_day(ref, i));
			/* no files of other days */
			assert_int_equal(
			    tu_system("test $(ls %s | wc -l) -eq %zu", dir,
				      3 * fm_series_ndays(ref)),
			    0);
			assert_int_equal(fm_series_merge(ref, s, 1, &err),
					 FM_EINVAL);
			fm_series_free(s);
			tu_system("rm -rf %s", dir);
		}
	fm_series_free(ref);
	for (int o = 0; o < 2; o++)
		fm_batch_release(&b[o]);
	free(order);
	fm_sync_set(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sums),
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_midnight),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_spread_differential),
	    cmocka_unit_test(test_bounded_differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

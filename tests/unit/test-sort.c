/*
 * test-sort.c - sort (SPEC 5): the permutation against a qsort-based
 * ordering done here (keys, then input position, so ties keep input
 * order), reverse, in place, index files (code, reuse, bad ones),
 * skip_in/count_in, other array codes, and errors; input already in
 * order (identity index), every worker count and index entry width, and
 * permutation edge cases.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flowmodels/fileops.h"

#include "flowmodels/io.h"
#include "flowmodels/sort.h"
#include "testutil.h"

typedef struct {
	int64_t v[FM_NFIELDS];
} rec_t;

static rec_t *random_records(size_t n, uint64_t seed)
{
	struct fm_batch b;
	rec_t *r = malloc((n ? n : 1) * sizeof(*r));
	assert_non_null(r);
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 1), 0);
	for (size_t i = 0; i < n; i++) {
		tu_random_record(&b, 0, &seed);
		for (int f = 0; f < FM_NFIELDS; f++)
			r[i].v[f] = b.col[f][0];
		/* many ties: few protocols, a short time range */
		r[i].v[FM_FIRST] = 1433962800 + (int64_t)(tu_rand(&seed) % 50);
		r[i].v[FM_FIRST_MS] = (int64_t)(tu_rand(&seed) % 10) * 100;
		r[i].v[FM_DP] = (int64_t)(tu_rand(&seed) % 5);
		if (tu_rand(&seed) % 4 == 0)
			r[i].v[FM_OCTETS] =
			    (int64_t)(tu_rand(&seed) >> 1); /* wide */
	}
	fm_batch_release(&b);
	return r;
}

static void write_dir(const char *dir, const rec_t *r, size_t n)
{
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY, .log = NULL};
	struct fm_writer *w;
	struct fm_error err = {0};
	struct fm_batch b;

	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	for (size_t i = 0; i < n; i += FM_BATCH_CAP) {
		size_t k = n - i < FM_BATCH_CAP ? n - i : FM_BATCH_CAP;
		for (size_t j = 0; j < k; j++)
			for (int f = 0; f < FM_NFIELDS; f++)
				fm_batch_mut(&b, f)[j] = r[i + j].v[f];
		b.n = k;
		assert_int_equal(fm_writer_write(w, &b, &err), 0);
	}
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	fm_batch_release(&b);
}

static rec_t *read_dir(const char *dir, size_t *n)
{
	struct fm_reader_opts ro = {FM_FORMAT_BINARY, FM_ALL_FIELDS, NULL, 0};
	struct fm_reader *rd;
	struct fm_error err = {0};
	struct fm_batch b;
	rec_t *r = NULL;
	size_t k = 0;
	long m;

	if (fm_reader_open(&rd, &ro, &dir, 1, &err) < 0)
		fail_msg("%s", err.msg);
	while ((m = fm_reader_next(rd, &b, FM_BATCH_CAP, &err)) > 0) {
		r = realloc(r, (k + (size_t)m) * sizeof(*r));
		assert_non_null(r);
		for (long i = 0; i < m; i++)
			for (int f = 0; f < FM_NFIELDS; f++)
				r[k + (size_t)i].v[f] = b.col[f][i];
		k += (size_t)m;
	}
	assert_int_equal(m, 0);
	fm_reader_free(rd);
	*n = k;
	return r;
}

/* The expected order: qsort of positions by the keys, then position. */
static const rec_t *g_recs;
static const int *g_keys;
static size_t g_nkeys;

static int cmp_pos(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	for (size_t k = 0; k < g_nkeys; k++) {
		/* the columns written here are unsigned codes: compare as such
		 */
		uint64_t u = (uint64_t)g_recs[x].v[g_keys[k]];
		uint64_t v = (uint64_t)g_recs[y].v[g_keys[k]];
		if (u != v)
			return u < v ? -1 : 1;
	}
	return x < y ? -1 : x > y;
}

static size_t *expected_order(const rec_t *r, size_t n, const int *keys,
			      size_t nkeys, int reverse)
{
	size_t *p = malloc((n ? n : 1) * sizeof(*p));
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = i;
	g_recs = r;
	g_keys = keys;
	g_nkeys = nkeys;
	qsort(p, n, sizeof(*p), cmp_pos);
	if (reverse)
		for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
			size_t t = p[i];
			p[i] = p[j];
			p[j] = t;
		}
	return p;
}

static void check_sorted(const char *dir, const rec_t *in, size_t from,
			 const size_t *order, size_t n)
{
	size_t m;
	rec_t *out = read_dir(dir, &m);
	assert_int_equal(m, n);
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < FM_NFIELDS; f++)
			if (out[i].v[f] != in[from + order[i]].v[f])
				fail_msg("record %zu field %s: %lld != %lld", i,
					 fm_field_name(f),
					 (long long)out[i].v[f],
					 (long long)in[from + order[i]].v[f]);
	free(out);
}

/* check_sorted against the order qsort gives records [from, from+n) of in. */
static void check_sorted_by(const char *dir, const rec_t *in, size_t from,
			    size_t n, const int *keys, size_t nkeys,
			    int reverse)
{
	size_t *order = expected_order(in + from, n, keys, nkeys, reverse);
	check_sorted(dir, in, from, order, n);
	free(order);
}

static int do_sort(const char *in, const char *out, const int *keys,
		   size_t nkeys, int reverse, const char *index,
		   struct fm_sort_result *res, struct fm_error *err)
{
	struct fm_sort_opts o;
	fm_sort_opts_init(&o);
	o.keys = keys;
	o.nkeys = nkeys;
	o.reverse = reverse;
	o.index_file = index;
	return fm_sort_binary(in, out, &o, res, err);
}

static void test_against_qsort(void **state)
{
	(void)state;
	const size_t n = 30000;
	rec_t *r = random_records(n, 1);
	static const int k1[] = {FM_FIRST, FM_FIRST_MS};
	static const int k2[] = {FM_OCTETS};
	static const int k3[] = {FM_DP, FM_PROT, FM_SA3};
	static const int k4[] = {FM_PROT};
	static const int k5[] = {FM_OCTETS, FM_FIRST, FM_DP};
	const struct {
		const int *k;
		size_t n;
	} cases[] = {
	    {k1, 2}, {k2, 1}, {k3, 3}, {k4, 1}, {k5, 3},
	};
	struct fm_error err = {0};
	struct fm_sort_result res;

	write_dir(tu_path("q-in"), r, n);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (int rev = 0; rev < 2; rev++) {
			char out[64];
			snprintf(out, sizeof(out), "q-out-%zu-%d", c, rev);
			if (do_sort(tu_path("q-in"), tu_path(out), cases[c].k,
				    cases[c].n, rev, NULL, &res, &err) < 0)
				fail_msg("%s", err.msg);
			assert_int_equal(res.records, n);
			assert_int_equal(res.arrays, FM_NFIELDS);
			check_sorted_by(tu_path(out), r, 0, n, cases[c].k,
					cases[c].n, rev);
		}
	}
	free(r);
}

static void test_ties_keep_input_order(void **state)
{
	(void)state;
	const size_t n = 1000;
	rec_t *r = random_records(n, 2);
	static const int k[] = {FM_PROT};
	struct fm_error err = {0};
	size_t m;

	for (size_t i = 0; i < n; i++)
		r[i].v[FM_AGGS] = (int64_t)i; /* the input position */
	write_dir(tu_path("t-in"), r, n);
	assert_int_equal(do_sort(tu_path("t-in"), tu_path("t-out"), k, 1, 0,
				 NULL, NULL, &err),
			 0);
	rec_t *out = read_dir(tu_path("t-out"), &m);
	for (size_t i = 1; i < m; i++) {
		assert_true(out[i - 1].v[FM_PROT] <= out[i].v[FM_PROT]);
		if (out[i - 1].v[FM_PROT] == out[i].v[FM_PROT])
			assert_true(out[i - 1].v[FM_AGGS] < out[i].v[FM_AGGS]);
	}
	free(out);
	/* reverse flips the whole order, ties included */
	assert_int_equal(do_sort(tu_path("t-in"), tu_path("t-rev"), k, 1, 1,
				 NULL, NULL, &err),
			 0);
	out = read_dir(tu_path("t-rev"), &m);
	for (size_t i = 1; i < m; i++)
		if (out[i - 1].v[FM_PROT] == out[i].v[FM_PROT])
			assert_true(out[i - 1].v[FM_AGGS] > out[i].v[FM_AGGS]);
	free(out);
	free(r);
}

/* Names in dir that are not FIELD.CODE of the 21 fields. */
static int count_other_files(const char *dir, const char *allow)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int k = 0;
	assert_non_null(d);
	while ((e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');
		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		if (allow && !strcmp(e->d_name, allow))
			continue;
		if (!dot || e->d_name[0] == '.' ||
		    fm_field_lookup(e->d_name, (size_t)(dot - e->d_name)) < 0)
			k++;
	}
	closedir(d);
	return k;
}

static void test_in_place(void **state)
{
	(void)state;
	const size_t n = 5000;
	rec_t *r = random_records(n, 3);
	static const int k[] = {FM_SA3, FM_SP};
	struct fm_error err = {0};

	write_dir(tu_path("ip"), r, n);
	tu_write_file(tu_path("ip/notes.txt"), "left alone\n");
	assert_int_equal(
	    do_sort(tu_path("ip"), tu_path("ip"), k, 2, 0, NULL, NULL, &err),
	    0);
	check_sorted_by(tu_path("ip"), r, 0, n, k, 2, 0);
	assert_int_equal(count_other_files(tu_path("ip"), "notes.txt"), 0);
	char *t = tu_read_file(tu_path("ip/notes.txt"), NULL);
	assert_string_equal(t, "left alone\n");
	free(t);
	free(r);
}

static void test_index(void **state)
{
	(void)state;
	const size_t n = 300; /* > 256: an 'H' index */
	rec_t *r = random_records(n, 4);
	static const int kf[] = {FM_FIRST, FM_FIRST_MS};
	static const int ko[] = {FM_OCTETS};
	struct fm_error err = {0};
	struct fm_sort_result res;
	struct stat st;

	assert_int_equal(fm_sort_index_code(1), 'B');
	assert_int_equal(fm_sort_index_code(256), 'B');
	assert_int_equal(fm_sort_index_code(257), 'H');
	assert_int_equal(fm_sort_index_code(65536), 'H');
	assert_int_equal(fm_sort_index_code(65537), 'I');
	assert_int_equal(fm_sort_index_code(UINT64_C(1) << 32), 'I');
	assert_int_equal(fm_sort_index_code((UINT64_C(1) << 32) + 1), 'Q');

	write_dir(tu_path("x-in"), r, n);
	assert_int_equal(do_sort(tu_path("x-in"), tu_path("x-out1"), kf, 2, 0,
				 tu_path("idx"), &res, &err),
			 0);
	assert_int_equal(res.index_reused, 0);
	assert_int_equal(stat(tu_path("idx.H"), &st), 0);
	assert_int_equal(st.st_size, 2 * n);
	/* the index is the permutation */
	size_t len;
	char *raw = tu_read_file(tu_path("idx.H"), &len);
	size_t *order = expected_order(r, n, kf, 2, 0);
	for (size_t i = 0; i < n; i++) {
		uint16_t v;
		memcpy(&v, raw + 2 * i, 2);
		assert_int_equal(v, order[i]);
	}
	free(raw);
	/* reused with the same keys, with no keys at all (the sidecar's),
	 * and by its full name */
	assert_int_equal(do_sort(tu_path("x-in"), tu_path("x-out2"), kf, 2, 0,
				 tu_path("idx"), &res, &err),
			 0);
	assert_int_equal(res.index_reused, 1);
	check_sorted(tu_path("x-out2"), r, 0, order, n);
	assert_int_equal(do_sort(tu_path("x-in"), tu_path("x-out3"), NULL, 0, 0,
				 tu_path("idx.H"), &res, &err),
			 0);
	assert_int_equal(res.index_reused, 1);
	check_sorted(tu_path("x-out3"), r, 0, order, n);
	free(order);
	/* another key: the index is not for it, and is rebuilt */
	assert_int_equal(do_sort(tu_path("x-in"), tu_path("x-out2b"), ko, 1, 0,
				 tu_path("idx"), &res, &err),
			 0);
	assert_int_equal(res.index_reused, 0);
	check_sorted_by(tu_path("x-out2b"), r, 0, n, ko, 1, 0);

	/* a new index name makes a new index; a small set gets a 'B' index */
	assert_int_equal(do_sort(tu_path("x-in"), tu_path("x-out4"), ko, 1, 0,
				 tu_path("idx-small"), &res, &err),
			 0);
	assert_int_equal(stat(tu_path("idx-small.H"), &st), 0);
	free(r);
	r = random_records(200, 5);
	write_dir(tu_path("x-small"), r, 200);
	assert_int_equal(do_sort(tu_path("x-small"), tu_path("x-small-out"), ko,
				 1, 1, tu_path("idx-b"), &res, &err),
			 0);
	assert_int_equal(stat(tu_path("idx-b.B"), &st), 0);
	assert_int_equal(st.st_size, 200);
	check_sorted_by(tu_path("x-small-out"), r, 0, 200, ko, 1, 1);

	/* bad indexes without a sidecar: wrong length, not a permutation;
	 * nothing is written */
	assert_int_equal(unlink(tu_path("idx-b.json")), 0);
	assert_int_equal(do_sort(tu_path("x-in"), tu_path("x-bad"), ko, 1, 0,
				 tu_path("idx-b"), &res, &err),
			 FM_EFORMAT);
	assert_non_null(strstr(err.msg, "200 entries, but 300 records"));
	assert_int_not_equal(stat(tu_path("x-bad"), &st), 0);
	char dup[200];
	memset(dup, 7, sizeof(dup));
	FILE *f = fopen(tu_path("idx-dup.B"), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(dup, 1, sizeof(dup), f), sizeof(dup));
	fclose(f);
	assert_int_equal(do_sort(tu_path("x-small"), tu_path("x-bad"), ko, 1, 0,
				 tu_path("idx-dup"), &res, &err),
			 FM_EFORMAT);
	assert_non_null(strstr(err.msg, "not a permutation"));
	assert_int_not_equal(stat(tu_path("x-bad"), &st), 0);
	free(r);
}

static void test_skip_count(void **state)
{
	(void)state;
	const size_t n = 2000;
	rec_t *r = random_records(n, 6);
	static const int k[] = {FM_OCTETS, FM_SP};
	struct fm_error err = {0};
	struct fm_sort_opts o;
	struct fm_sort_result res;

	write_dir(tu_path("s-in"), r, n);
	fm_sort_opts_init(&o);
	o.keys = k;
	o.nkeys = 2;
	o.skip_in = 150;
	o.count_in = 1000;
	assert_int_equal(
	    fm_sort_binary(tu_path("s-in"), tu_path("s-out"), &o, &res, &err),
	    0);
	assert_int_equal(res.records, 1000);
	check_sorted_by(tu_path("s-out"), r, 150, 1000, k, 2, 0);
	/* count_in beyond the end, skip_in beyond the end */
	o.skip_in = 1900;
	o.count_in = 5000;
	assert_int_equal(
	    fm_sort_binary(tu_path("s-in"), tu_path("s-out2"), &o, &res, &err),
	    0);
	assert_int_equal(res.records, 100);
	o.skip_in = 5000;
	assert_int_equal(
	    fm_sort_binary(tu_path("s-in"), tu_path("s-out3"), &o, &res, &err),
	    0);
	assert_int_equal(res.records, 0);
	free(r);
}

/* Columns of 2 MiB and more are read into the staging buffer (from an
 * offset with skip_in), smaller ones gathered from the mapping; both in one
 * (reversed) sort. */
static void test_staged_columns(void **state)
{
	(void)state;
	const size_t n = 280000, skip = 3000,
		     count = 270000; /* 8-byte columns > 2 MiB */
	rec_t *r = random_records(n, 8);
	static const int k[] = {FM_FIRST, FM_FIRST_MS};
	struct fm_error err = {0};
	struct fm_sort_opts o;
	struct fm_sort_result res;

	write_dir(tu_path("st-in"), r, n);
	fm_sort_opts_init(&o);
	o.keys = k;
	o.nkeys = 2;
	o.reverse = 1;
	o.skip_in = (int64_t)skip;
	o.count_in = (int64_t)count;
	if (fm_sort_binary(tu_path("st-in"), tu_path("st-out"), &o, &res,
			   &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.records, count);
	check_sorted_by(tu_path("st-out"), r, skip, count, k, 2, 1);
	free(r);
}

/* Columns of other codes: signed ints and reals order by value. */
static void test_other_codes(void **state)
{
	(void)state;
	const size_t n = 1000;
	uint64_t seed = 11;
	int32_t *iv = malloc(n * sizeof(*iv));
	double *dv = malloc(n * sizeof(*dv));
	uint8_t *pv = malloc(n);
	struct fm_error err = {0};
	static const int k[] = {FM_PROT, FM_FIRST, FM_OCTETS};
	assert_non_null(iv);
	assert_non_null(dv);
	assert_non_null(pv);

	mkdir(tu_path("c-in"), 0755);
	for (size_t i = 0; i < n; i++) {
		pv[i] = (uint8_t)(tu_rand(&seed) % 2);
		iv[i] = (int32_t)(tu_rand(&seed) % 7) - 3;
		dv[i] = ((double)(tu_rand(&seed) % 2001) - 1000.0) / 8.0;
	}
	dv[5] = -0.0;
	FILE *f = fopen(tu_path("c-in/first.i"), "wb");
	assert_int_equal(fwrite(iv, 4, n, f), n);
	fclose(f);
	f = fopen(tu_path("c-in/octets.d"), "wb");
	assert_int_equal(fwrite(dv, 8, n, f), n);
	fclose(f);
	f = fopen(tu_path("c-in/prot.B"), "wb");
	assert_int_equal(fwrite(pv, 1, n, f), n);
	fclose(f);
	assert_int_equal(do_sort(tu_path("c-in"), tu_path("c-out"), k, 3, 0,
				 NULL, NULL, &err),
			 0);
	/* only the three files, keeping their codes */
	size_t len;
	char *pb = tu_read_file(tu_path("c-out/prot.B"), &len);
	assert_int_equal(len, n);
	char *ib = tu_read_file(tu_path("c-out/first.i"), &len);
	assert_int_equal(len, 4 * n);
	char *db = tu_read_file(tu_path("c-out/octets.d"), &len);
	assert_int_equal(len, 8 * n);
	for (size_t i = 1; i < n; i++) {
		int32_t a, b;
		double x, y;
		memcpy(&a, ib + 4 * (i - 1), 4);
		memcpy(&b, ib + 4 * i, 4);
		memcpy(&x, db + 8 * (i - 1), 8);
		memcpy(&y, db + 8 * i, 8);
		int c = (uint8_t)pb[i - 1] < (uint8_t)pb[i]
			    ? -1
			    : (uint8_t)pb[i - 1] > (uint8_t)pb[i];
		assert_true(c <= 0);
		if (c == 0) {
			assert_true(a <= b);
			if (a == b)
				assert_true(x <= y);
		}
	}
	free(pb);
	free(ib);
	free(db);
	free(iv);
	free(dv);
	free(pv);
}

static int cmp_u64_pos(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] < y[1] ? -1 : 1;
	return x[2] < y[2] ? -1 : x[2] > y[2];
}

/* Wide keys (full 64-bit ranges) take the (key, position) pair path. */
static void test_perm_wide(void **state)
{
	(void)state;
	const size_t n = 50000;
	uint64_t seed = 13;
	uint64_t *k0 = malloc(n * 8), *k1 = malloc(n * 8), *t = malloc(n * 24);
	uint64_t *perm = NULL;
	struct fm_error err = {0};
	assert_non_null(k0);
	assert_non_null(k1);
	assert_non_null(t);
	for (size_t i = 0; i < n; i++) {
		k0[i] = tu_rand(&seed) % 3;
		k1[i] = tu_rand(&seed) % 4 ? tu_rand(&seed)
					   : UINT64_MAX - tu_rand(&seed) % 3;
		t[3 * i] = k0[i];
		t[3 * i + 1] = k1[i];
		t[3 * i + 2] = i;
	}
	const uint64_t *keys[] = {k0, k1};
	assert_int_equal(fm_sort_perm_u64(keys, 2, n, &perm, &err), 0);
	qsort(t, n, 24, cmp_u64_pos);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(perm[i], t[3 * i + 2]);
	free(perm);
	/* every order of the pair and packed paths over one permutation:
	 * narrow then wide, two packed groups, wide then packed; packed keys
	 * of 34 bits (3 passes of 12-bit digits) and of 12 bits (one pass) */
	for (int mode = 0; mode < 5; mode++) {
		for (size_t i = 0; i < n; i++) {
			uint64_t w = tu_rand(&seed) % 5
					 ? tu_rand(&seed)
					 : UINT64_MAX - tu_rand(&seed) % 3;
			uint64_t m30 = tu_rand(&seed) % ((uint64_t)1 << 30);
			uint64_t small = tu_rand(&seed) % 7;
			switch (mode) {
			case 0:
				k0[i] = w;
				k1[i] = small;
				break;
			case 1:
				k0[i] = m30;
				k1[i] = m30 / 1024 + (tu_rand(&seed) % 2) *
							 ((uint64_t)1 << 29);
				break;
			case 2:
				k0[i] = small;
				k1[i] = w;
				break;
			case 3:
				k0[i] = 100 + tu_rand(&seed) % 4096;
				k1[i] = tu_rand(&seed) % ((uint64_t)1 << 22);
				break;
			default:
				k0[i] = tu_rand(&seed) % 64;
				k1[i] = 5 + tu_rand(&seed) % 64;
				break;
			}
			t[3 * i] = k0[i];
			t[3 * i + 1] = k1[i];
			t[3 * i + 2] = i;
		}
		assert_int_equal(fm_sort_perm_u64(keys, 2, n, &perm, &err), 0);
		qsort(t, n, 24, cmp_u64_pos);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(perm[i], t[3 * i + 2]);
		free(perm);
	}
	/* no keys and n = 0 */
	assert_int_equal(fm_sort_perm_u64(keys, 0, 10, &perm, &err), 0);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(perm[i], i);
	free(perm);
	assert_int_equal(fm_sort_perm_u64(keys, 2, 0, &perm, &err), 0);
	free(perm);
	free(k0);
	free(k1);
	free(t);
}

/* The same sort with every worker count and index entry width. */
static const struct {
	int threads, wide;
} g_variants[] = {
    {1, 0},
    {2, 0},
    {3, 1},
    {1, 1},
};
#define NVARIANTS (sizeof(g_variants) / sizeof(g_variants[0]))
static struct {
	int threads, wide;
} g_variant; /* the one sort_mem runs (after sort_variant) */

/* sort with a memory budget (0: the default), a cut range and threads. */
static int sort_mem(const char *in, const char *out, const int *keys,
		    size_t nkeys, int reverse, const char *index, int64_t skip,
		    int64_t count, uint64_t memory, struct fm_sort_result *res,
		    struct fm_error *err)
{
	struct fm_sort_opts o;
	fm_sort_opts_init(&o);
	o.keys = keys;
	o.nkeys = nkeys;
	o.reverse = reverse;
	o.index_file = index;
	o.skip_in = skip;
	if (count >= 0)
		o.count_in = count;
	o.memory = memory;
	o.threads = memory ? 2 : g_variant.threads;
	o.wide_index = g_variant.wide;
	return fm_sort_binary(in, out, &o, res, err);
}

static int sort_variant(const char *in, const char *out, const int *keys,
			size_t nkeys, int reverse, const char *index,
			int64_t skip, int64_t count, size_t v,
			struct fm_error *err)
{
	g_variant.threads = g_variants[v].threads;
	g_variant.wide = g_variants[v].wide;
	return sort_mem(in, out, keys, nkeys, reverse, index, skip, count, 0,
			NULL, err);
}

/* Whether every file of dir a has the same bytes in dir b. */
static void assert_same_files(const char *a, const char *b)
{
	DIR *d = opendir(a);
	struct dirent *e;
	char pa[1024], pb[1024];
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		size_t la, lb;
		snprintf(pa, sizeof(pa), "%s/%s", a, e->d_name);
		snprintf(pb, sizeof(pb), "%s/%s", b, e->d_name);
		char *x = tu_read_file(pa, &la), *y = tu_read_file(pb, &lb);
		if (la != lb || memcmp(x, y, la))
			fail_msg("%s and %s differ", pa, pb);
		free(x);
		free(y);
	}
	closedir(d);
}

/*
 * Input already in key order: the index is the identity (columns copied,
 * or left alone in place), against qsort for every variant, both
 * directions, a cut range, a saved and a reused index.
 */
static void test_presorted(void **state)
{
	(void)state;
	const size_t n = 8000;
	rec_t *r = random_records(n, 21);
	static const int k[] = {FM_FIRST, FM_FIRST_MS};
	static const int k3[] = {FM_FIRST, FM_PROT, FM_FIRST_MS};
	struct fm_error err = {0};
	struct stat st;
	char out[64], idx[64];

	/* the records in (first, first_ms) order, ties kept */
	size_t *o0 = expected_order(r, n, k, 2, 0);
	rec_t *s = malloc(n * sizeof(*s));
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		s[i] = r[o0[i]];
	free(o0);
	write_dir(tu_path("ps-in"), s, n);
	for (size_t v = 0; v < NVARIANTS; v++) {
		for (int rev = 0; rev < 2; rev++) {
			snprintf(out, sizeof(out), "ps-out-%zu-%d", v, rev);
			snprintf(idx, sizeof(idx), "ps-idx-%zu-%d", v, rev);
			if (sort_variant(tu_path("ps-in"), tu_path(out), k, 2,
					 rev, tu_path(idx), 0, -1, v, &err) < 0)
				fail_msg("%s", err.msg);
			size_t *order = expected_order(s, n, k, 2, rev);
			for (size_t i = 0; !rev && i < n; i++)
				assert_int_equal(order[i],
						 i); /* it is in order */
			check_sorted(tu_path(out), s, 0, order, n);
			/* the index holds the order, also the identity */
			assert_int_equal(fm_sort_index_code(n), 'H');
			snprintf(idx, sizeof(idx), "ps-idx-%zu-%d.H", v, rev);
			size_t len;
			char *raw = tu_read_file(tu_path(idx), &len);
			assert_int_equal(len, 2 * n);
			for (size_t i = 0; i < n; i++) {
				uint16_t x;
				memcpy(&x, raw + 2 * i, 2);
				assert_int_equal(x, order[i]);
			}
			free(raw);
			/* reused (an identity index too) */
			snprintf(out, sizeof(out), "ps-re-%zu-%d", v, rev);
			snprintf(idx, sizeof(idx), "ps-idx-%zu-%d", v, rev);
			if (sort_variant(tu_path("ps-in"), tu_path(out), NULL,
					 0, 0, tu_path(idx), 0, -1, v,
					 &err) < 0)
				fail_msg("%s", err.msg);
			check_sorted(tu_path(out), s, 0, order, n);
			free(order);
		}
		/* the same bytes as the input, zero columns included */
		snprintf(out, sizeof(out), "ps-out-%zu-0", v);
		assert_same_files(tu_path("ps-in"), tu_path(out));
		/* a cut range of sorted input */
		snprintf(out, sizeof(out), "ps-cut-%zu", v);
		if (sort_variant(tu_path("ps-in"), tu_path(out), k, 2, 0, NULL,
				 1234, 5000, v, &err) < 0)
			fail_msg("%s", err.msg);
		check_sorted_by(tu_path(out), s, 1234, 5000, k, 2, 0);
		/* a key group in order after one that is not */
		snprintf(out, sizeof(out), "ps-k3-%zu", v);
		if (sort_variant(tu_path("ps-in"), tu_path(out), k3, 3, v % 2,
				 NULL, 0, -1, v, &err) < 0)
			fail_msg("%s", err.msg);
		check_sorted_by(tu_path(out), s, 0, n, k3, 3, v % 2);
	}
	/* outputs have their all-zero columns as holes: sorted again, in order
	 * (the input's bytes) and from reversed (a gather) */
	if (sort_variant(tu_path("ps-out-0-0"), tu_path("ps-again"), k, 2, 0,
			 NULL, 0, -1, 1, &err) < 0)
		fail_msg("%s", err.msg);
	assert_same_files(tu_path("ps-in"), tu_path("ps-again"));
	{
		size_t *ro = expected_order(s, n, k, 2, 1);
		rec_t *rv = malloc(n * sizeof(*rv));
		assert_non_null(rv);
		for (size_t i = 0; i < n; i++)
			rv[i] = s[ro[i]];
		free(ro);
		if (sort_variant(tu_path("ps-out-0-1"), tu_path("ps-again-rev"),
				 k, 2, 0, NULL, 0, -1, 1, &err) < 0)
			fail_msg("%s", err.msg);
		check_sorted_by(tu_path("ps-again-rev"), rv, 0, n, k, 2, 0);
		free(rv);
	}
	/* in place: a whole sorted directory is left as it is; a cut range of
	 * it is written */
	write_dir(tu_path("ps-ip"), s, n);
	struct stat before;
	assert_int_equal(stat(tu_path("ps-ip/octets.Q"), &before), 0);
	for (size_t v = 0; v < NVARIANTS; v++)
		assert_int_equal(sort_variant(tu_path("ps-ip"),
					      tu_path("ps-ip"), k, 2, 0, NULL,
					      0, -1, v, &err),
				 0);
	assert_int_equal(stat(tu_path("ps-ip/octets.Q"), &st), 0);
	assert_int_equal(st.st_ino, before.st_ino);
	assert_same_files(tu_path("ps-in"), tu_path("ps-ip"));
	assert_int_equal(sort_variant(tu_path("ps-ip"), tu_path("ps-ip"), k, 2,
				      0, NULL, 300, 500, 1, &err),
			 0);
	check_sorted_by(tu_path("ps-ip"), s, 300, 500, k, 2, 0);
	free(s);
	free(r);
}

/*
 * Unsorted input, keys mixing packed groups (of 1 to 3 radix passes,
 * shared by 1 to 3 threads), a wide key and keys already in order behind
 * it: every variant against qsort, both directions.
 */
static void test_variants(void **state)
{
	(void)state;
	const size_t n = 9000;
	rec_t *r = random_records(n, 22);
	static const int k1[] = {FM_FIRST, FM_FIRST_MS};
	static const int k2[] = {FM_OCTETS, FM_AGGS}; /* wide, then constant */
	static const int k3[] = {FM_PROT, FM_OCTETS,
				 FM_SP};	 /* packed, wide, packed */
	static const int k4[] = {FM_SA0, FM_DP}; /* all zero, then packed */
	static const int k5[] = {FM_DA3};	 /* 32 bits: 3 passes */
	static const int k6[] = {FM_PROT, FM_DA3,
				 FM_OUTIF}; /* 3 passes of 12 bits */
	static const int k7[] = {FM_LAST};  /* in order by halves */
	static const int k8[] = {FM_LAST_MS,
				 FM_FIRST_MS}; /* far wider at the end */
	const struct {
		const int *k;
		size_t n;
	} cases[] = {
	    {k1, 2}, {k2, 2}, {k3, 3}, {k4, 2},
	    {k5, 1}, {k6, 3}, {k7, 1}, {k8, 2},
	};
	struct fm_error err = {0};
	char out[64];

	/* aggs counts up: a key already in order that is not the input's;
	 * last is in order within each half (two threads' parts), not across */
	for (size_t i = 0; i < n; i++) {
		r[i].v[FM_AGGS] = (int64_t)(i / 7);
		r[i].v[FM_LAST] = 1433962800 + (int64_t)((i + n / 2) % n);
		/* the range of last_ms is only known from the last records (the
		 * last thread's part) */
		r[i].v[FM_LAST_MS] = i < n - 100
					 ? r[i].v[FM_LAST_MS] % 100
					 : 3000 + r[i].v[FM_LAST_MS] * 60;
	}
	write_dir(tu_path("v-in"), r, n);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (int rev = 0; rev < 2; rev++) {
			size_t *order =
			    expected_order(r, n, cases[c].k, cases[c].n, rev);
			for (size_t v = 0; v < NVARIANTS; v++) {
				snprintf(out, sizeof(out), "v-out-%zu-%d-%zu",
					 c, rev, v);
				if (sort_variant(tu_path("v-in"), tu_path(out),
						 cases[c].k, cases[c].n, rev,
						 NULL, 0, -1, v, &err) < 0)
					fail_msg("%s", err.msg);
				check_sorted(tu_path(out), r, 0, order, n);
			}
			free(order);
		}
	free(r);
}

/*
 * The permutation alone against qsort on key sets that take each path:
 * already in order, reversed, all equal, extreme values (0 and
 * UINT64_MAX in one key: a pair sort), one record.
 */
static void test_perm_edges(void **state)
{
	(void)state;
	const size_t n = 30000;
	uint64_t seed = 23;
	uint64_t *k0 = malloc(n * 8), *k1 = malloc(n * 8), *t = malloc(n * 24);
	uint64_t *perm = NULL;
	struct fm_error err = {0};
	const uint64_t *keys[] = {k0, k1};
	assert_non_null(k0);
	assert_non_null(k1);
	assert_non_null(t);
	for (int mode = 0; mode < 7; mode++) {
		for (size_t i = 0; i < n; i++) {
			switch (mode) {
			case 0:
				k0[i] = i / 3;
				k1[i] = i % 3;
				break; /* in order */
			case 1:
				k0[i] = n - i / 3;
				k1[i] = 5;
				break; /* reversed */
			case 2:
				k0[i] = 7;
				k1[i] = 7;
				break; /* all equal */
			case 3:	       /* extremes */
				k0[i] = tu_rand(&seed) % 2 ? UINT64_MAX : 0;
				k1[i] = tu_rand(&seed) % 3
					    ? UINT64_MAX - tu_rand(&seed) % 2
					    : tu_rand(&seed) % 2;
				break;
			case 4:
				k0[i] = UINT64_MAX - i;
				k1[i] = tu_rand(&seed) % 2;
				break;
			case 5:
				k0[i] = i;
				k1[i] = tu_rand(&seed);
				break; /* in order, wide below */
			default:       /* in order but one */
				k0[i] = i / 2;
				k1[i] = 0;
				if (i == n / 2)
					k0[i] = 0;
				break;
			}
			t[3 * i] = k0[i];
			t[3 * i + 1] = k1[i];
			t[3 * i + 2] = i;
		}
		assert_int_equal(fm_sort_perm_u64(keys, 2, n, &perm, &err), 0);
		qsort(t, n, 24, cmp_u64_pos);
		for (size_t i = 0; i < n; i++)
			if (perm[i] != t[3 * i + 2])
				fail_msg(
				    "mode %d: perm[%zu] = %llu, expected %llu",
				    mode, i, (unsigned long long)perm[i],
				    (unsigned long long)t[3 * i + 2]);
		free(perm);
	}
	k0[0] = 3;
	k1[0] = UINT64_MAX;
	assert_int_equal(fm_sort_perm_u64(keys, 2, 1, &perm, &err), 0);
	assert_int_equal(perm[0], 0);
	free(perm);
	free(k0);
	free(k1);
	free(t);
}

static void test_errors(void **state)
{
	(void)state;
	struct fm_error err = {0};
	static const int k[] = {FM_FIRST};
	struct stat st;

	assert_int_equal(do_sort(tu_path("nonexistent"), tu_path("e-out"), k, 1,
				 0, NULL, NULL, &err),
			 FM_ENOTFOUND);
	mkdir(tu_path("e-in"), 0755);
	assert_int_equal(do_sort(tu_path("e-in"), tu_path("e-out"), k, 1, 0,
				 NULL, NULL, &err),
			 FM_EFORMAT);
	assert_non_null(strstr(err.msg, "no field arrays"));
	tu_write_file(tu_path("e-in/first.I"), "12345678");
	tu_write_file(tu_path("e-in/last.I"), "1234");
	assert_int_equal(do_sort(tu_path("e-in"), tu_path("e-out"), k, 1, 0,
				 NULL, NULL, &err),
			 FM_EFORMAT);
	assert_non_null(strstr(err.msg, "different lengths"));
	tu_write_file(tu_path("e-in/last.I"), "123");
	assert_int_equal(do_sort(tu_path("e-in"), tu_path("e-out"), k, 1, 0,
				 NULL, NULL, &err),
			 FM_EFORMAT);
	assert_non_null(strstr(err.msg, "truncated"));
	tu_write_file(tu_path("e-in/last.I"), "12345678");
	tu_write_file(tu_path("e-in/last.Q"), "12345678");
	assert_int_equal(do_sort(tu_path("e-in"), tu_path("e-out"), k, 1, 0,
				 NULL, NULL, &err),
			 FM_EFORMAT);
	assert_non_null(strstr(err.msg, "two files"));
	unlink(tu_path("e-in/last.Q"));
	assert_int_equal(do_sort(tu_path("e-in"), tu_path("e-out"), NULL, 0, 0,
				 NULL, NULL, &err),
			 FM_EINVAL);
	assert_non_null(strstr(err.msg, "no key fields"));
	assert_int_not_equal(stat(tu_path("e-out"), &st), 0);
	/* output is a file */
	tu_write_file(tu_path("e-file"), "x");
	assert_int_equal(do_sort(tu_path("e-in"), tu_path("e-file"), k, 1, 0,
				 NULL, NULL, &err),
			 FM_EINVAL);
	/* a missing key field reads as 0: the input order stays */
	static const int kp[] = {FM_PACKETS};
	assert_int_equal(do_sort(tu_path("e-in"), tu_path("e-out"), kp, 1, 0,
				 NULL, NULL, &err),
			 0);
	char *t = tu_read_file(tu_path("e-out/first.I"), NULL);
	assert_string_equal(t, "12345678");
	free(t);
}

/* Both directories hold the same files with the same bytes. */
static void assert_same_dirs(const char *a, const char *b)
{
	assert_same_files(a, b);
	assert_same_files(b, a);
}

/*
 * The external merge sort against the in-memory sort: byte-identical
 * outputs (and index files) for several key combinations, both
 * directions, with a budget that makes many runs and merge passes (64K)
 * and one that merges once (380000), with a cut range, in place, and no
 * temporary file left.
 */
static void test_external(void **state)
{
	(void)state;
	const size_t n = 12000;
	rec_t *r = random_records(n, 31);
	static const int k1[] = {FM_FIRST, FM_FIRST_MS};
	static const int k2[] = {FM_OCTETS, FM_AGGS};
	static const int k3[] = {FM_PROT, FM_OCTETS, FM_SP};
	static const int k4[] = {FM_SA0, FM_DP}; /* all zero, then packed */
	static const int k5[] = {FM_DA3};
	const struct {
		const int *k;
		size_t n;
	} cases[] = {{k1, 2}, {k2, 2}, {k3, 3}, {k4, 2}, {k5, 1}};
	/* 64K: 45 runs, 6 passes; 380000: 8 runs, one merge */
	static const uint64_t budgets[] = {64 << 10, 380000};
	struct fm_sort_result res;
	struct fm_error err = {0};
	char mem[64], ext[64], imem[64], iext[64];

	g_variant.threads = 2;
	g_variant.wide = 0;
	for (size_t i = 0; i < n; i++) {
		r[i].v[FM_AGGS] = (int64_t)(i % 3);
		r[i].v[FM_SA0] = r[i].v[FM_SA1] = 0; /* sparse columns */
	}
	write_dir(tu_path("x-in"), r, n);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (int rev = 0; rev < 2; rev++) {
			int cut = c == 2; /* a cut range for one key set */
			int64_t skip = cut ? 777 : 0, count = cut ? 9000 : -1;
			snprintf(mem, sizeof(mem), "x-mem-%zu-%d", c, rev);
			snprintf(imem, sizeof(imem), "x-mem-%zu-%d-index", c,
				 rev);
			if (sort_mem(tu_path("x-in"), tu_path(mem), cases[c].k,
				     cases[c].n, rev, tu_path(imem), skip,
				     count, 0, &res, &err) < 0)
				fail_msg("%s", err.msg);
			assert_false(res.external);
			for (size_t b = 0; b < 2; b++) {
				snprintf(ext, sizeof(ext), "x-ext-%zu-%d-%zu",
					 c, rev, b);
				snprintf(iext, sizeof(iext),
					 "x-ext-%zu-%d-%zu-index", c, rev, b);
				if (sort_mem(tu_path("x-in"), tu_path(ext),
					     cases[c].k, cases[c].n, rev,
					     tu_path(iext), skip, count,
					     budgets[b], &res, &err) < 0)
					fail_msg("%s", err.msg);
				assert_true(res.external);
				assert_same_dirs(tu_path(mem), tu_path(ext));
				char a[128], x[128];
				snprintf(a, sizeof(a), "%s.H", tu_path(imem));
				snprintf(x, sizeof(x), "%s.H", tu_path(iext));
				size_t la, lx;
				char *ta = tu_read_file(a, &la),
				     *tx = tu_read_file(x, &lx);
				assert_int_equal(la, lx);
				assert_memory_equal(ta, tx, la);
				free(ta);
				free(tx);
				assert_int_equal(
				    count_other_files(tu_path(ext), NULL), 0);
			}
			/* and the order is right (against qsort) */
			check_sorted_by(tu_path(mem), r, (size_t)skip,
					cut ? 9000 : n, cases[c].k, cases[c].n,
					rev);
		}
	/* in place, within a budget: the same as into another directory */
	write_dir(tu_path("x-ip"), r, n);
	assert_int_equal(sort_mem(tu_path("x-ip"), tu_path("x-ip"), k4, 2, 1,
				  NULL, 0, -1, 64 << 10, &res, &err),
			 0);
	assert_true(res.external);
	assert_same_dirs(tu_path("x-mem-3-1"), tu_path("x-ip"));
	assert_int_equal(count_other_files(tu_path("x-ip"), NULL), 0);
	/* already in order: the input order, copied, nothing external */
	assert_int_equal(sort_mem(tu_path("x-mem-0-0"), tu_path("x-sorted"), k1,
				  2, 0, NULL, 0, -1, 64 << 10, &res, &err),
			 0);
	assert_false(res.external);
	assert_same_dirs(tu_path("x-mem-0-0"), tu_path("x-sorted"));
	free(r);
}

/* Write value v as entry i of the 2-byte index file path. */
static void poke_index(const char *path, size_t i, uint16_t v)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)(i * 2), SEEK_SET), 0);
	assert_int_equal(fwrite(&v, 2, 1, f), 1);
	fclose(f);
}

/*
 * A reused index that does not fit the budget (issue 24): read through
 * its mapping, its inverse written in passes and the records sorted by it
 * externally; the output is that of the loaded index, both directions, a
 * cut range, in place, 1 or 2 passes; an identity index copies
 * the columns; a repeated or out-of-range entry is an error naming it.
 */
static void test_external_reuse(void **state)
{
	(void)state;
	const size_t n = 12000;
	rec_t *r = random_records(n, 37);
	static const int k[] = {FM_PROT, FM_OCTETS, FM_SP};
	/* 64K: the inverse in one pass (the least a pass takes) and many
	 * runs; 100K: 10000 positions a pass, 2 passes for 12000 records */
	static const uint64_t budgets[] = {64 << 10, 100000};
	struct fm_sort_result res;
	struct fm_error err = {0};
	char mem[64], ext[64], idx[64], ip[64];

	g_variant.threads = 2;
	g_variant.wide = 0;
	write_dir(tu_path("ru-in"), r, n);
	for (int rev = 0; rev < 2; rev++)
		for (int cut = 0; cut < 2; cut++) {
			int64_t skip = cut ? 777 : 0, count = cut ? 9000 : -1;
			snprintf(mem, sizeof(mem), "ru-mem-%d-%d", rev, cut);
			snprintf(idx, sizeof(idx), "ru-idx-%d-%d", rev, cut);
			if (sort_mem(tu_path("ru-in"), tu_path(mem), k, 3, rev,
				     tu_path(idx), skip, count, 0, &res,
				     &err) < 0)
				fail_msg("%s", err.msg);
			assert_false(res.index_reused);
			for (size_t b = 0; b < 2; b++) {
				snprintf(ext, sizeof(ext), "ru-ext-%d-%d-%zu",
					 rev, cut, b);
				if (sort_mem(tu_path("ru-in"), tu_path(ext), k,
					     3, rev, tu_path(idx), skip, count,
					     budgets[b], &res, &err) < 0)
					fail_msg("%s", err.msg);
				assert_true(res.index_reused);
				assert_true(res.external);
				assert_same_dirs(tu_path(mem), tu_path(ext));
				assert_int_equal(
				    count_other_files(tu_path(ext), NULL), 0);
			}
			/* the whole in place */
			if (cut)
				continue;
			snprintf(ip, sizeof(ip), "ru-ip-%d", rev);
			write_dir(tu_path(ip), r, n);
			if (sort_mem(tu_path(ip), tu_path(ip), k, 3, rev,
				     tu_path(idx), 0, -1, 64 << 10, &res,
				     &err) < 0)
				fail_msg("%s", err.msg);
			assert_true(res.index_reused && res.external);
			assert_same_dirs(tu_path(mem), tu_path(ip));
			assert_int_equal(count_other_files(tu_path(ip), NULL),
					 0);
		}
	/* an identity index: the columns copied, nothing external */
	assert_int_equal(sort_mem(tu_path("ru-mem-0-0"), tu_path("ru-id"), k, 3,
				  0, tu_path("ru-id-idx"), 0, -1, 0, &res,
				  &err),
			 0);
	assert_int_equal(sort_mem(tu_path("ru-mem-0-0"), tu_path("ru-id2"), k,
				  3, 0, tu_path("ru-id-idx"), 0, -1, 64 << 10,
				  &res, &err),
			 0);
	assert_true(res.index_reused);
	assert_false(res.external);
	assert_same_dirs(tu_path("ru-mem-0-0"), tu_path("ru-id2"));
	/* damaged: a value twice, a value out of range */
	char ipath[128];
	snprintf(ipath, sizeof(ipath), "%s.H", tu_path("ru-idx-0-0"));
	poke_index(ipath, 5000, 17);
	poke_index(ipath, 9, 17);
	assert_true(sort_mem(tu_path("ru-in"), tu_path("ru-bad"), k, 3, 0,
			     tu_path("ru-idx-0-0"), 0, -1, 64 << 10, &res,
			     &err) < 0);
	assert_non_null(strstr(err.msg, "repeated value 17"));
	poke_index(ipath, 9, 12000);
	assert_true(sort_mem(tu_path("ru-in"), tu_path("ru-bad"), k, 3, 0,
			     tu_path("ru-idx-0-0"), 0, -1, 64 << 10, &res,
			     &err) < 0);
	assert_non_null(strstr(err.msg, "entry 9: out-of-range value 12000"));
	assert_false(tu_exists(tu_path(""), "ru-bad"));
	free(r);
}

/* Whether dirs a and b hold the same files (not hidden) with the same bytes. */
static int same_dir_files(const char *a, const char *b)
{
	const char *dirs[2] = {a, b};
	int same = 1;
	for (int side = 0; side < 2 && same; side++) {
		DIR *d = opendir(dirs[side]);
		struct dirent *e;
		assert_non_null(d);
		while (same && (e = readdir(d))) {
			char pa[1024], pb[1024];
			size_t la = 0, lb = 0;
			if (e->d_name[0] == '.')
				continue;
			snprintf(pa, sizeof(pa), "%s/%s", dirs[side],
				 e->d_name);
			snprintf(pb, sizeof(pb), "%s/%s", dirs[1 - side],
				 e->d_name);
			if (!tu_exists(dirs[1 - side], e->d_name)) {
				same = 0;
				break;
			}
			char *x = tu_read_file(pa, &la),
			     *y = tu_read_file(pb, &lb);
			same = la == lb && !memcmp(x, y, la);
			free(x);
			free(y);
		}
		closedir(d);
	}
	return same;
}

/* The hook of test_in_place_crash: "die" at the given crash point. */
static void crash_at(void *arg, const char *point)
{
	int *left = arg;
	(void)point;
	if ((*left)-- == 0)
		_exit(42);
}

static void note_warning(void *ctx, enum fm_log_level level, const char *msg)
{
	if (level == FM_LOG_WARN && strstr(msg, "one by one"))
		*(int *)ctx = 1;
}

/*
 * In place, a crash at any point where the sort renames or exchanges
 * leaves the directory either as it was or sorted, whole (issue 17,
 * item 13): a child process sorts and dies at point 0, 1, 2, ... until
 * one run completes.  Where the file system cannot exchange directories
 * the files are moved one by one, with a warning, and the result is the
 * same.
 */
static void test_in_place_crash(void **state)
{
	(void)state;
	const size_t n = 3000;
	rec_t *r = random_records(n, 41);
	static const int k[] = {FM_DA3, FM_SP};
	struct fm_error err = {0};

	for (size_t i = 0; i < n; i++)
		r[i].v[FM_SA0] = 0; /* a column kept as it is: linked */
	write_dir(tu_path("c-new"), r, n);
	assert_int_equal(do_sort(tu_path("c-new"), tu_path("c-new"), k, 2, 0,
				 NULL, NULL, &err),
			 0);
	tu_write_file(tu_path("c-new/notes.txt"), "kept\n");
	write_dir(tu_path("c-old"), r, n);
	tu_write_file(tu_path("c-old/notes.txt"), "kept\n");
	for (int no_exchange = 0; no_exchange < 2; no_exchange++) {
		int at, done = 0, warned = 0;
		for (at = 0; !done && at < 100; at++) {
			fm_rm_rf(tu_path("c-ip"));
			write_dir(tu_path("c-ip"), r, n);
			tu_write_file(tu_path("c-ip/notes.txt"), "kept\n");
			pid_t pid = fork();
			assert_true(pid >= 0);
			if (pid == 0) {
				struct fm_sort_opts o;
				struct fm_log log = {note_warning, &warned};
				int left = at;
				fm_sort_opts_init(&o);
				o.keys = k;
				o.nkeys = 2;
				o.test_hook = crash_at;
				o.test_arg = &left;
				o.test_no_exchange = no_exchange;
				o.log = &log;
				int rc = fm_sort_binary(tu_path("c-ip"),
							tu_path("c-ip"), &o,
							NULL, &err);
				_exit(rc < 0		       ? 1
				      : no_exchange && !warned ? 2
							       : 0);
			}
			int st;
			assert_int_equal(waitpid(pid, &st, 0), pid);
			assert_true(WIFEXITED(st));
			done = WEXITSTATUS(st) == 0;
			if (!done && WEXITSTATUS(st) != 42)
				fail_msg("in-place sort failed (status %d)",
					 WEXITSTATUS(st));
			int is_old = same_dir_files(tu_path("c-ip"),
						    tu_path("c-old")),
			    is_new = same_dir_files(tu_path("c-ip"),
						    tu_path("c-new"));
			if (done)
				assert_true(is_new);
			else if (!no_exchange && !is_old && !is_new)
				fail_msg("killed at crash point %d: neither "
					 "the old nor the new directory",
					 at);
			tu_system("rm -rf '%s'.tmp.*", tu_path("c-ip"));
		}
		assert_true(done);
		/* commits in the new directory, exchange, exchanged: more
		 * than one point, and the run got past all of them */
		assert_true(at > 3);
	}
	free(r);
}

/* Collects the warnings of a sort (test_index_sidecar). */
static char g_warned[2048];
static void keep_warning(void *ctx, enum fm_log_level level, const char *msg)
{
	(void)ctx;
	if (level == FM_LOG_WARN)
		snprintf(g_warned + strlen(g_warned),
			 sizeof(g_warned) - strlen(g_warned), "%s\n", msg);
}

static int sort_logged(const char *in, const char *out, const int *keys,
		       size_t nkeys, int reverse, const char *index,
		       struct fm_sort_result *res, uint64_t memory)
{
	struct fm_sort_opts o;
	struct fm_log log = {keep_warning, NULL};
	struct fm_error err = {0};
	fm_sort_opts_init(&o);
	o.keys = keys;
	o.nkeys = nkeys;
	o.reverse = reverse;
	o.index_file = index;
	o.memory = memory;
	o.log = &log;
	g_warned[0] = 0;
	int r = fm_sort_binary(in, out, &o, res, &err);
	if (r < 0)
		fail_msg("%s", err.msg);
	return r;
}

/*
 * The sidecar INDEX.json (issue 17, item 15): written with the index
 * (keys, direction, records, fingerprint); an index reused on a copy of
 * the data is fresh, on the data sorted in place with it (other key
 * values) or on more records it is stale: rebuilt with a warning, and the
 * output sorted; an index without a sidecar is used with a warning; a
 * malformed sidecar is an error.  In memory and external.
 */
static void test_index_sidecar(void **state)
{
	(void)state;
	const size_t n = 2000;
	rec_t *r = random_records(n, 51);
	static const int k[] = {FM_PROT, FM_DA3};
	struct fm_sort_result res;
	struct fm_error err = {0};

	for (int ext = 0; ext < 2; ext++) {
		uint64_t mem = ext ? 32 << 10 : 0;
		fm_rm_rf(tu_path("s-in"));
		fm_rm_rf(tu_path("s-copy"));
		tu_system("rm -rf '%s'*", tu_path("s-idx"));
		write_dir(tu_path("s-in"), r, n);
		write_dir(tu_path("s-copy"), r, n);
		sort_logged(tu_path("s-in"), tu_path("s-out1"), k, 2, 1,
			    tu_path("s-idx"), &res, mem);
		assert_int_equal(res.external, ext);
		char *j = tu_read_file(tu_path("s-idx.json"), NULL);
		assert_non_null(strstr(j, "\"index\": \"s-idx.H\""));
		assert_non_null(strstr(j, "\"keys\": [\"prot\", \"da3\"]"));
		assert_non_null(strstr(j, "\"reverse\": true"));
		assert_non_null(strstr(j, "\"records\": 2000"));
		assert_non_null(strstr(j, "\"fingerprint\": \""));
		free(j);
		/* a copy of the data: fresh, reused without a word */
		sort_logged(tu_path("s-copy"), tu_path("s-out2"), NULL, 0, 0,
			    tu_path("s-idx"), &res, mem);
		assert_int_equal(res.index_reused, 1);
		assert_string_equal(g_warned, "");
		check_sorted_by(tu_path("s-out2"), r, 0, n, k, 2, 1);
		/* the copy sorted in place with it: other key values, stale */
		sort_logged(tu_path("s-copy"), tu_path("s-copy"), NULL, 0, 0,
			    tu_path("s-idx"), &res, mem);
		assert_int_equal(res.index_reused, 1);
		sort_logged(tu_path("s-copy"), tu_path("s-out3"), NULL, 0, 0,
			    tu_path("s-idx"), &res, mem);
		assert_int_equal(res.index_reused, 0);
		assert_non_null(strstr(g_warned, "is stale"));
		assert_non_null(strstr(g_warned, "rebuilt"));
		check_sorted_by(tu_path("s-out3"), r, 0, n, k, 2, 1);
		/* rebuilt for the sorted copy: now fresh there */
		sort_logged(tu_path("s-copy"), tu_path("s-out4"), NULL, 0, 0,
			    tu_path("s-idx"), &res, mem);
		assert_int_equal(res.index_reused, 1);
		/* more records: stale, and a wider index code */
		rec_t *big = random_records(70000, 52);
		write_dir(tu_path("s-big"), big, 70000);
		sort_logged(tu_path("s-big"), tu_path("s-out5"), NULL, 0, 0,
			    tu_path("s-idx"), &res, mem);
		assert_int_equal(res.index_reused, 0);
		assert_non_null(strstr(g_warned, "2000 records"));
		assert_false(tu_exists(tu_path(""), "s-idx.H"));
		assert_true(tu_exists(tu_path(""), "s-idx.I"));
		check_sorted_by(tu_path("s-out5"), big, 0, 70000, k, 2, 1);
		free(big);
		fm_rm_rf(tu_path("s-big"));
		fm_rm_rf(tu_path("s-out5"));
		for (int i = 1; i <= 4; i++) {
			char o[32];
			snprintf(o, sizeof(o), "s-out%d", i);
			fm_rm_rf(tu_path(o));
		}
	}
	/* no sidecar (the reference's index): used, with a warning */
	assert_int_equal(unlink(tu_path("s-idx.json")), 0);
	write_dir(tu_path("s-big"), r, n); /* 2000 records again */
	tu_system("rm -f '%s'.I", tu_path("s-idx"));
	sort_logged(tu_path("s-in"), tu_path("s-out6"), k, 2, 0,
		    tu_path("s-idx"), &res, 0);
	assert_int_equal(unlink(tu_path("s-idx.json")), 0);
	sort_logged(tu_path("s-in"), tu_path("s-out7"), NULL, 0, 0,
		    tu_path("s-idx"), &res, 0);
	assert_int_equal(res.index_reused, 1);
	assert_non_null(strstr(g_warned, "has no sidecar"));
	check_sorted_by(tu_path("s-out7"), r, 0, n, k, 2, 0);
	/* a malformed sidecar is an error naming it */
	tu_write_file(tu_path("s-idx.json"), "{\"keys\": [\"nosuch\"]}\n");
	struct fm_sort_opts o;
	fm_sort_opts_init(&o);
	o.index_file = tu_path("s-idx");
	assert_int_equal(
	    fm_sort_binary(tu_path("s-in"), tu_path("s-out8"), &o, &res, &err),
	    FM_EFORMAT);
	assert_non_null(strstr(err.msg, "s-idx.json: no valid \"keys\""));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_against_qsort),
	    cmocka_unit_test(test_ties_keep_input_order),
	    cmocka_unit_test(test_in_place),
	    cmocka_unit_test(test_index),
	    cmocka_unit_test(test_skip_count),
	    cmocka_unit_test(test_staged_columns),
	    cmocka_unit_test(test_other_codes),
	    cmocka_unit_test(test_perm_wide),
	    cmocka_unit_test(test_presorted),
	    cmocka_unit_test(test_variants),
	    cmocka_unit_test(test_perm_edges),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_external),
	    cmocka_unit_test(test_external_reuse),
	    cmocka_unit_test(test_in_place_crash),
	    cmocka_unit_test(test_index_sidecar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

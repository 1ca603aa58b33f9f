/*
 * test-io.c - flow record formats (csv_flow, pipe, binary), input
 * expansion, cutting (SPEC 3) against a simple model, and bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/cut.h"
#include "flowmodels/io.h"
#include "testutil.h"

#define NREC 4096
#define SCAN_CAP (2 * NREC)
/* Records a scan_all may return (the widening test needs more). */
static size_t scan_cap = SCAN_CAP;

/* A batch of n random records (all fields). */
static void make_records(struct fm_batch *b, size_t n, uint64_t seed)
{
	assert_int_equal(fm_batch_alloc(b, FM_ALL_FIELDS, n), 0);
	for (size_t i = 0; i < n; i++)
		tu_random_record(b, i, &seed);
	b->n = n;
}

static void write_records(enum fm_format fmt, const char *path,
			  const struct fm_batch *b, size_t from, size_t n)
{
	struct fm_writer_opts wo = {.format = fmt, .log = NULL};
	struct fm_writer *w;
	struct fm_error err;
	struct fm_batch part;

	assert_int_equal(fm_batch_alloc(&part, FM_ALL_FIELDS, n ? n : 1), 0);
	fm_batch_copy_range(&part, b, from, n);
	assert_int_equal(fm_writer_open(&w, &wo, path, &err), 0);
	assert_int_equal(fm_writer_write(w, &part, &err), 0);
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	fm_batch_release(&part);
}

/* Read everything a scan emits into an owned batch. */
static int scan_all(enum fm_format fmt, const char *const *paths, size_t np,
		    const struct fm_cut *cut, const struct fm_selector *sel,
		    struct fm_batch *out, struct fm_error *err)
{
	struct fm_scan_opts so;
	struct fm_scan *s;
	struct fm_batch b;
	long n;
	int r;

	memset(&so, 0, sizeof(so));
	so.reader.format = fmt;
	so.reader.fields = FM_ALL_FIELDS;
	so.cut = *cut;
	so.selector = sel;
	r = fm_scan_open(&s, &so, paths, np, err);
	if (r < 0)
		return r;
	assert_int_equal(fm_batch_alloc(out, FM_ALL_FIELDS, scan_cap), 0);
	while ((n = fm_scan_next(s, &b, err)) > 0) {
		assert_true(out->n + (size_t)n <= scan_cap);
		for (long i = 0; i < n; i++)
			fm_batch_append(out, &b, (size_t)i);
	}
	fm_scan_free(s);
	if (n < 0)
		fm_batch_release(out);
	return (int)n;
}

static void assert_same_records(const struct fm_batch *a, size_t ai,
				const struct fm_batch *b, size_t bi, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < FM_NFIELDS; f++)
			if (a->col[f][ai + i] != b->col[f][bi + i]) {
				fail_msg("record %zu field %s: %lld != %lld", i,
					 fm_field_name(f),
					 (long long)a->col[f][ai + i],
					 (long long)b->col[f][bi + i]);
			}
}

static void roundtrip(enum fm_format fmt, const char *name)
{
	struct fm_batch src, got;
	struct fm_cut cut;
	struct fm_error err;
	const char *path = tu_path(name);

	make_records(&src, NREC, 42);
	/* extremes: 2^64-1 octets, 0 everywhere else */
	fm_batch_mut(&src, FM_OCTETS)[0] = -1;
	fm_batch_mut(&src, FM_PACKETS)[1] = 0;
	write_records(fmt, path, &src, 0, NREC);
	fm_cut_init(&cut);
	assert_int_equal(scan_all(fmt, &path, 1, &cut, NULL, &got, &err), 0);
	assert_int_equal(got.n, NREC);
	assert_same_records(&src, 0, &got, 0, NREC);
	fm_batch_release(&src);
	fm_batch_release(&got);
}

static void test_csv_roundtrip(void **state)
{
	(void)state;
	roundtrip(FM_FORMAT_CSV_FLOW, "rt.csv");
}

static void test_binary_roundtrip(void **state)
{
	(void)state;
	roundtrip(FM_FORMAT_BINARY, "rt.bin");
}

/* The one record of src written as csv_flow to path reads as want. */
static void expect_csv_text(const struct fm_batch *src, const char *path,
			    const char *want)
{
	char *text;

	write_records(FM_FORMAT_CSV_FLOW, path, src, 0, 1);
	text = tu_read_file(path, NULL);
	assert_string_equal(text, want);
	free(text);
}

static void test_csv_text(void **state)
{
	struct fm_batch src, got;
	struct fm_cut cut;
	struct fm_error err;
	const char *path = tu_path("one.csv");

	(void)state;
	assert_int_equal(fm_batch_alloc(&src, FM_ALL_FIELDS, 1), 0);
	int64_t v[FM_NFIELDS] = {
	    2,		6,   0,		 0,  0,		 0,	0,
	    167772289,	0,   0,		 0,  3232235694, 50740, 443,
	    1433962800, 120, 1433962801, 30, 12,	 9120,	1};
	for (int f = 0; f < FM_NFIELDS; f++)
		fm_batch_mut(&src, f)[0] = v[f];
	src.n = 1;
	expect_csv_text(
	    &src, path,
	    "2, 6, 0, 0, 0, 0, 0, 167772289, 0, 0, 0, 3232235694, 50740, 443, "
	    "1433962800, 120, 1433962801, 30, 12, 9120, 1\n");
	/* negative values (from a binary input's signed columns) keep their
	 * sign; 64-bit unsigned fields (packets, octets) print their bits */
	fm_batch_mut(&src, FM_FIRST)[0] = -1433962800;
	fm_batch_mut(&src, FM_LAST_MS)[0] = -30;
	fm_batch_mut(&src, FM_PACKETS)[0] = -1;
	expect_csv_text(
	    &src, path,
	    "2, 6, 0, 0, 0, 0, 0, 167772289, 0, 0, 0, 3232235694, 50740, 443, "
	    "-1433962800, 120, 1433962801, -30, 18446744073709551615, 9120, "
	    "1\n");
	fm_batch_mut(&src, FM_FIRST)[0] = 1433962800;
	fm_batch_mut(&src, FM_LAST_MS)[0] = 30;
	fm_batch_mut(&src, FM_PACKETS)[0] = 12;
	/* input: commas with optional spaces, CRLF, blank lines */
	tu_write_file(path,
		      "2,6,0,0,0,0,0,167772289,0,0,0,3232235694,50740,443,"
		      "1433962800,120,1433962801,30,12,9120,1\r\n\n"
		      " 2 , 6 ,0,0,0,0,0,1,0,0,0,2,3,4,5,6,7,8,9,10,11");
	fm_cut_init(&cut);
	assert_int_equal(
	    scan_all(FM_FORMAT_CSV_FLOW, &path, 1, &cut, NULL, &got, &err), 0);
	assert_int_equal(got.n, 2);
	assert_same_records(&src, 0, &got, 0, 1);
	assert_int_equal(got.col[FM_AGGS][1], 11);
	assert_int_equal(got.col[FM_PROT][1], 6);
	fm_batch_release(&src);
	fm_batch_release(&got);
}

static void test_pipe(void **state)
{
	struct fm_batch got;
	struct fm_cut cut;
	struct fm_error err;
	const char *path = tu_path("p.txt");

	(void)state;
	tu_write_file(
	    path, "2|1433962800120|1433962801030|6|0|0|0|167772289|50740|0|0|0|"
		  "3232235694|443|0|0|3|4|27|0|12|9120\n"
		  "No matching flows\n");
	fm_cut_init(&cut);
	/* the pipe format itself has no "No matching flows" line */
	assert_true(scan_all(FM_FORMAT_PIPE, &path, 1, &cut, NULL, &got, &err) <
		    0);
	assert_non_null(strstr(err.msg, "p.txt:2: field 1 'af': not a number"));
	tu_write_file(
	    path, "2|1433962800120|1433962801030|6|0|0|0|167772289|50740|0|0|0|"
		  "3232235694|443|0|0|3|4|27|0|12|9120\n");
	assert_int_equal(
	    scan_all(FM_FORMAT_PIPE, &path, 1, &cut, NULL, &got, &err), 0);
	assert_int_equal(got.n, 1);
	int64_t want[FM_NFIELDS] = {
	    2,		6,   3,		 4,  0,		 0,	0,
	    167772289,	0,   0,		 0,  3232235694, 50740, 443,
	    1433962800, 120, 1433962801, 30, 12,	 9120,	0};
	for (int f = 0; f < FM_NFIELDS; f++)
		assert_int_equal(got.col[f][0], want[f]);
	fm_batch_release(&got);
}

/* Expected result of the counters over n records, with keep(). */
static size_t model(size_t n, const struct fm_cut *c, int (*keep)(size_t),
		    size_t *idx)
{
	int64_t si = c->skip_in < 0 ? 0 : c->skip_in;
	int64_t ci = c->count_in < 0 ? 0 : c->count_in;
	int64_t so = c->skip_out < 0 ? 0 : c->skip_out;
	int64_t co = c->count_out < 0 ? 0 : c->count_out;
	size_t k = 0;

	for (size_t i = (size_t)si; i < n && ci > 0; i++) {
		ci--;
		if (keep && !keep(i))
			continue;
		if (so > 0) {
			so--;
			continue;
		}
		if (co <= 0)
			break;
		co--;
		idx[k++] = i;
	}
	return k;
}

static const struct fm_batch *matrix_src;
static int keep_odd(size_t i)
{
	return (int)(matrix_src->col[FM_PACKETS][i] & 1);
}

static void cut_matrix(enum fm_format fmt, const char *p1, const char *p2,
		       int with_selector)
{
	static const int64_t skips[] = {-1, 0, 1, 4097};
	static const int64_t counts[] = {-1, 0, FM_UNLIMITED, 1, 4097};
	struct fm_selector sel = {FM_FIELD_BIT(FM_PACKETS),
				  tu_select_odd_packets, NULL};
	struct fm_batch src;
	const char *paths[2] = {p1, p2};
	size_t *idx = malloc(NREC * sizeof(size_t));
	int combos = 0;

	make_records(&src, NREC, 7);
	matrix_src = &src;
	write_records(fmt, p1, &src, 0, NREC / 2);
	write_records(fmt, p2, &src, NREC / 2, NREC / 2);
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 5; b++)
			for (int c = 0; c < 4; c++)
				for (int d = 0; d < 5; d++) {
					struct fm_cut cut = {
					    skips[a], counts[b], skips[c],
					    counts[d]};
					struct fm_batch got;
					struct fm_error err;
					size_t k = model(
					    NREC, &cut,
					    with_selector ? keep_odd : NULL,
					    idx);

					assert_int_equal(
					    scan_all(fmt, paths, 2, &cut,
						     with_selector ? &sel
								   : NULL,
						     &got, &err),
					    0);
					if (got.n != k)
						fail_msg(
						    "cut %lld %lld %lld %lld: "
						    "%zu records, want %zu",
						    (long long)cut.skip_in,
						    (long long)cut.count_in,
						    (long long)cut.skip_out,
						    (long long)cut.count_out,
						    got.n, k);
					for (size_t i = 0; i < k; i++)
						assert_same_records(
						    &src, idx[i], &got, i, 1);
					fm_batch_release(&got);
					combos++;
				}
	assert_int_equal(combos, 400);
	free(idx);
	fm_batch_release(&src);
}

static void test_cut_matrix_csv(void **state)
{
	(void)state;
	cut_matrix(FM_FORMAT_CSV_FLOW, tu_path("m1.csv"), tu_path("m2.csv"), 0);
	cut_matrix(FM_FORMAT_CSV_FLOW, tu_path("m1.csv"), tu_path("m2.csv"), 1);
}

static void test_cut_matrix_binary(void **state)
{
	(void)state;
	cut_matrix(FM_FORMAT_BINARY, tu_path("m1.bin"), tu_path("m2.bin"), 0);
	cut_matrix(FM_FORMAT_BINARY, tu_path("m1.bin"), tu_path("m2.bin"), 1);
}

/* fm_cut_binary (byte ranges) gives what the scan gives. */
static void test_cut_binary_matrix(void **state)
{
	static const int64_t skips[] = {-1, 0, 1, 4097};
	static const int64_t counts[] = {-1, 0, FM_UNLIMITED, 1, 4097};
	const char *paths[2] = {tu_path("c1.bin"), tu_path("c2.bin")};
	const char *outp = tu_path("c.out");
	struct fm_batch src;
	size_t *idx = malloc(NREC * sizeof(size_t));

	(void)state;
	make_records(&src, NREC, 9);
	write_records(FM_FORMAT_BINARY, paths[0], &src, 0, NREC / 2);
	write_records(FM_FORMAT_BINARY, paths[1], &src, NREC / 2, NREC / 2);
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 5; b++)
			for (int c = 0; c < 4; c++)
				for (int d = 0; d < 5; d++) {
					struct fm_cut cut = {
					    skips[a], counts[b], skips[c],
					    counts[d]};
					struct fm_cut all;
					struct fm_batch got;
					struct fm_error err;
					uint64_t n;
					size_t k = model(NREC, &cut, NULL, idx);

					assert_int_equal(
					    tu_system("rm -rf '%s'", outp), 0);
					assert_int_equal(
					    fm_cut_binary(paths, 2, outp, &cut,
							  &n, NULL, &err),
					    0);
					assert_int_equal(n, k);
					fm_cut_init(&all);
					assert_int_equal(
					    scan_all(FM_FORMAT_BINARY, &outp, 1,
						     &all, NULL, &got, &err),
					    0);
					assert_int_equal(got.n, k);
					for (size_t i = 0; i < k; i++)
						assert_same_records(
						    &src, idx[i], &got, i, 1);
					fm_batch_release(&got);
				}
	free(idx);
	fm_batch_release(&src);
}

static void test_path_order(void **state)
{
	(void)state;
	assert_true(fm_path_cmp("a/x", "a-b/x") < 0);
	assert_true(fm_path_cmp("a-b/x", "a/x") > 0);
	assert_true(fm_path_cmp("a/b", "a/b/c") < 0);
	assert_int_equal(fm_path_cmp("a/b", "a/b"), 0);

	const char *dir = tu_path("tree");
	char **paths;
	size_t n;
	struct fm_error err;
	assert_int_equal(
	    tu_system("mkdir -p '%s/a/s' '%s/a-b' && touch '%s/a/x' "
		      "'%s/a-b/x' '%s/a/s/y' '%s/b'",
		      dir, dir, dir, dir, dir, dir),
	    0);
	assert_int_equal(
	    fm_inputs_expand(FM_FORMAT_CSV_FLOW, &dir, 1, &paths, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_non_null(strstr(paths[0], "tree/a/s/y"));
	assert_non_null(strstr(paths[1], "tree/a/x"));
	assert_non_null(strstr(paths[2], "tree/a-b/x"));
	assert_non_null(strstr(paths[3], "tree/b"));
	fm_paths_free(paths);
}

/* Scan a csv text and expect an error containing want. */
static void expect_csv_error(const char *text, const char *want)
{
	struct fm_batch got;
	struct fm_cut cut;
	struct fm_error err;
	const char *path = tu_path("bad.csv");

	tu_write_file(path, text);
	fm_cut_init(&cut);
	assert_true(
	    scan_all(FM_FORMAT_CSV_FLOW, &path, 1, &cut, NULL, &got, &err) < 0);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' lacks '%s'", err.msg, want);
}

#define GOOD "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1\n"

static void test_bad_csv(void **state)
{
	(void)state;
	expect_csv_error(GOOD GOOD "2, 6, 0\n",
			 "bad.csv:3: expected 21 fields, got 3");
	expect_csv_error(GOOD GOOD GOOD "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, "
					"3, 4, 5, 6, 7, 8, 9, 10, 1, 5\n",
			 "bad.csv:4: expected 21 fields, got 22");
	expect_csv_error(
	    "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, x9, 10, 1\n",
	    "bad.csv:1: field 19 'packets': not a number: 'x9'");
	expect_csv_error(
	    GOOD
	    "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, 9, -10, 1\n",
	    "bad.csv:2: field 20 'octets': negative value");
	expect_csv_error("2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, "
			 "8, 9, 18446744073709551616, 1\n",
			 "bad.csv:1: field 20 'octets': value above 2^64-1");
	expect_csv_error("2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, "
			 "8, 9 9, 10, 1\n",
			 "bad.csv:1: field 19 'packets': not a number");
	expect_csv_error(
	    "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 1.5, 1\n",
	    "field 20 'octets': not a number: '1.5'");
}

static void test_bad_pipe(void **state)
{
	struct fm_batch got;
	struct fm_cut cut;
	struct fm_error err;
	const char *path = tu_path("bad.pipe");

	(void)state;
	fm_cut_init(&cut);
	tu_write_file(path, "2|1|2|6|0|0|0|1|5|0|0|0|2|443|0|0|3|4|27|0|12\n");
	assert_true(scan_all(FM_FORMAT_PIPE, &path, 1, &cut, NULL, &got, &err) <
		    0);
	assert_non_null(
	    strstr(err.msg, "bad.pipe:1: expected 22 fields, got 21"));
	tu_write_file(path,
		      "2|1|2|6|0|0|0|1|5|0|0|0|2|443|0|0|3|4|27|0|12|zz\n");
	assert_true(scan_all(FM_FORMAT_PIPE, &path, 1, &cut, NULL, &got, &err) <
		    0);
	assert_non_null(
	    strstr(err.msg, "bad.pipe:1: field 22 'octets': not a number"));
}

static void test_bad_binary(void **state)
{
	struct fm_batch src, got;
	struct fm_cut cut;
	struct fm_error err;
	const char *dir = tu_path("badbin");

	(void)state;
	make_records(&src, 100, 3);
	write_records(FM_FORMAT_BINARY, dir, &src, 0, 100);
	fm_cut_init(&cut);
	/* truncated array */
	assert_int_equal(tu_system("truncate -s 799 '%s/octets.Q'", dir), 0);
	assert_true(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err) < 0);
	assert_non_null(
	    strstr(err.msg, "octets.Q: size 799 is not a multiple of 8"));
	/* arrays of different lengths */
	assert_int_equal(tu_system("truncate -s 792 '%s/octets.Q'", dir), 0);
	assert_true(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err) < 0);
	assert_non_null(strstr(err.msg, "arrays of different lengths"));
	/* unknown type code */
	assert_int_equal(tu_system("truncate -s 800 '%s/octets.Q' && mv "
				   "'%s/octets.Q' '%s/octets.Z'",
				   dir, dir, dir),
			 0);
	assert_true(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err) < 0);
	assert_non_null(
	    strstr(err.msg, "unknown type code 'Z' for field 'octets'"));
	/* two files for one field */
	assert_int_equal(
	    tu_system(
		"mv '%s/octets.Z' '%s/octets.Q' && cp '%s/aggs.I' '%s/aggs.i'",
		dir, dir, dir, dir),
	    0);
	assert_true(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err) < 0);
	assert_non_null(strstr(err.msg, "two files for field 'aggs'"));
	/* a missing field reads as 0 */
	assert_int_equal(tu_system("rm '%s/aggs.i' '%s/aggs.I'", dir, dir), 0);
	assert_int_equal(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err), 0);
	assert_int_equal(got.n, 100);
	assert_int_equal(got.col[FM_AGGS][50], 0);
	assert_int_equal(got.col[FM_OCTETS][50], src.col[FM_OCTETS][50]);
	fm_batch_release(&got);
	/* a column that is a link to a file is read */
	assert_int_equal(tu_system("mv '%s/octets.Q' '%s.octets' && ln -s "
				   "\"$(realpath '%s.octets')\" '%s/octets.Q'",
				   dir, dir, dir, dir),
			 0);
	assert_int_equal(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err), 0);
	assert_int_equal(got.n, 100);
	assert_int_equal(got.col[FM_OCTETS][50], src.col[FM_OCTETS][50]);
	assert_int_equal(got.col[FM_AGGS][99], 0);
	fm_batch_release(&got);
	/* a directory or a dangling link named like a column is an error
	 * naming it, not a field that reads as 0 (issue 17) */
	assert_int_equal(tu_system("mkdir '%s/aggs.I'", dir), 0);
	assert_true(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err) < 0);
	assert_non_null(strstr(err.msg, "aggs.I: field file is a directory"));
	assert_int_equal(
	    tu_system("rmdir '%s/aggs.I' && ln -s '%s/none' '%s/aggs.I'", dir,
		      dir, dir),
	    0);
	assert_true(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err) < 0);
	assert_non_null(strstr(err.msg, "aggs.I: field file cannot be read"));
	assert_int_equal(tu_system("rm '%s/aggs.I'", dir), 0);
	/* missing input */
	const char *missing = tu_path("nothere");
	assert_true(scan_all(FM_FORMAT_BINARY, &missing, 1, &cut, NULL, &got,
			     &err) < 0);
	assert_non_null(strstr(err.msg, "nothere: No such file or directory"));
	fm_batch_release(&src);
}

/* Any type code converts on read; reals truncate toward zero. */
static void test_binary_codes(void **state)
{
	const char *dir = tu_path("codes");
	struct fm_batch got;
	struct fm_cut cut;
	struct fm_error err;
	FILE *f;
	char p[4200];

	(void)state;
	assert_int_equal(tu_system("mkdir -p '%s'", dir), 0);
	snprintf(p, sizeof(p), "%s/packets.b", dir);
	f = fopen(p, "wb");
	int8_t b[3] = {-1, 5, 127};
	fwrite(b, 1, 3, f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/octets.d", dir);
	f = fopen(p, "wb");
	double d[3] = {-2.7, 2.7, 1e6};
	fwrite(d, 8, 3, f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/first.f", dir);
	f = fopen(p, "wb");
	float fl[3] = {1.5f, 0.0f, 3.99f};
	fwrite(fl, 4, 3, f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/sp.L", dir);
	f = fopen(p, "wb");
	uint64_t l[3] = {1, 2, 3};
	fwrite(l, 8, 3, f);
	fclose(f);
	fm_cut_init(&cut);
	assert_int_equal(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err), 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.col[FM_PACKETS][0], -1);
	assert_int_equal(got.col[FM_PACKETS][2], 127);
	assert_int_equal(got.col[FM_OCTETS][0], -2);
	assert_int_equal(got.col[FM_OCTETS][1], 2);
	assert_int_equal(got.col[FM_OCTETS][2], 1000000);
	assert_int_equal(got.col[FM_FIRST][2], 3);
	assert_int_equal(got.col[FM_SP][1], 2);
	assert_int_equal(got.col[FM_DP][1], 0);
	fm_batch_release(&got);
}

/* A real column's values must fit int64: 2^63 is one past the end. */
static void test_binary_real_range(void **state)
{
	const char *dir = tu_path("reals");
	struct fm_batch got;
	struct fm_cut cut;
	struct fm_error err;
	char p[4200];

	(void)state;
	fm_cut_init(&cut);
	assert_int_equal(tu_system("mkdir -p '%s'", dir), 0);
	snprintf(p, sizeof(p), "%s/octets.d", dir);
	double ok[2] = {9223372036854774784.0, -9223372036854774784.0};
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fwrite(ok, 8, 2, f);
	fclose(f);
	assert_int_equal(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err), 0);
	assert_int_equal(got.col[FM_OCTETS][0], INT64_C(9223372036854774784));
	assert_int_equal(got.col[FM_OCTETS][1], -INT64_C(9223372036854774784));
	fm_batch_release(&got);
	double bad[2] = {1.0, 9223372036854775808.0};
	f = fopen(p, "wb");
	assert_non_null(f);
	fwrite(bad, 8, 2, f);
	fclose(f);
	assert_true(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err) < 0);
	assert_non_null(strstr(err.msg, "octets.d: record 2: field 'octets'"));
	assert_non_null(strstr(err.msg, "not a finite 64-bit number"));
}

/* Writers widen columns instead of truncating. */
static void test_binary_widen(void **state)
{
	const char *dir = tu_path("widen");
	struct fm_batch src, got;
	struct fm_cut cut;
	struct fm_error err;
	struct stat st;
	char p[4200];

	(void)state;
	/* several writer buffers, so that widening rewrites flushed data */
	scan_cap = 200000;
	make_records(&src, scan_cap, 5);
	for (size_t i = 0; i < src.n; i++)
		fm_batch_mut(&src, FM_INIF)[i] = (int64_t)(i % 60000);
	fm_batch_mut(&src, FM_INIF)[scan_cap - 7] = 70000;
	fm_batch_mut(&src, FM_PROT)[scan_cap / 2 + 3] = -3;
	fm_batch_mut(&src, FM_PROT)[5] = 255;
	write_records(FM_FORMAT_BINARY, dir, &src, 0, src.n);
	snprintf(p, sizeof(p), "%s/inif.I", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 4 * scan_cap);
	snprintf(p, sizeof(p), "%s/prot.h", dir);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/inif.H", dir);
	assert_int_not_equal(stat(p, &st), 0);
	fm_cut_init(&cut);
	assert_int_equal(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err), 0);
	assert_same_records(&src, 0, &got, 0, src.n);
	fm_batch_release(&got);
	/* rewriting narrow data into the directory replaces inif.I by inif.H */
	for (size_t i = 0; i < src.n; i++)
		fm_batch_mut(&src, FM_INIF)[i] = 1;
	fm_batch_mut(&src, FM_PROT)[scan_cap / 2 + 3] = 6;
	write_records(FM_FORMAT_BINARY, dir, &src, 0, 10);
	snprintf(p, sizeof(p), "%s/inif.I", dir);
	assert_int_not_equal(stat(p, &st), 0);
	assert_int_equal(
	    scan_all(FM_FORMAT_BINARY, &dir, 1, &cut, NULL, &got, &err), 0);
	assert_int_equal(got.n, 10);
	assert_same_records(&src, 0, &got, 0, 10);
	fm_batch_release(&got);
	fm_batch_release(&src);
	scan_cap = SCAN_CAP;
}

/* A failed write leaves no output and the previous files as they were. */
static void test_atomic_output(void **state)
{
	struct fm_batch src;
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY, .log = NULL};
	struct fm_writer *w;
	struct fm_error err;
	struct stat st;
	const char *dir = tu_path("atomic");
	const char *csv = tu_path("atomic.csv");
	char *before;
	size_t blen;
	char p[4200];

	(void)state;
	make_records(&src, 10, 1);
	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	assert_int_equal(fm_writer_write(w, &src, &err), 0);
	assert_int_not_equal(stat(dir, &st), 0); /* nothing visible yet */
	fm_writer_free(w);			 /* no commit */
	assert_int_not_equal(stat(dir, &st), 0);
	assert_int_equal(tu_system("ls -a '%s' | grep -q atomic", tu_tmpdir()),
			 1);

	write_records(FM_FORMAT_BINARY, dir, &src, 0, 10);
	snprintf(p, sizeof(p), "%s/octets.Q", dir);
	before = tu_read_file(p, &blen);
	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	assert_int_equal(fm_writer_write(w, &src, &err), 0);
	fm_writer_free(w);
	char *after = tu_read_file(p, NULL);
	assert_memory_equal(before, after, blen);
	assert_int_equal(tu_system("ls -a '%s' | grep -q tmp", dir),
			 1); /* none left */
	free(before);
	free(after);

	wo.format = FM_FORMAT_CSV_FLOW;
	assert_int_equal(fm_writer_open(&w, &wo, csv, &err), 0);
	assert_int_equal(fm_writer_write(w, &src, &err), 0);
	fm_writer_free(w);
	assert_int_not_equal(stat(csv, &st), 0);
	fm_batch_release(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_roundtrip),
	    cmocka_unit_test(test_binary_roundtrip),
	    cmocka_unit_test(test_csv_text),
	    cmocka_unit_test(test_pipe),
	    cmocka_unit_test(test_cut_matrix_csv),
	    cmocka_unit_test(test_cut_matrix_binary),
	    cmocka_unit_test(test_cut_binary_matrix),
	    cmocka_unit_test(test_path_order),
	    cmocka_unit_test(test_bad_csv),
	    cmocka_unit_test(test_bad_pipe),
	    cmocka_unit_test(test_bad_binary),
	    cmocka_unit_test(test_binary_codes),
	    cmocka_unit_test(test_binary_real_range),
	    cmocka_unit_test(test_binary_widen),
	    cmocka_unit_test(test_atomic_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

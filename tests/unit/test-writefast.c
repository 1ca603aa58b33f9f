/*
 * test-writefast.c - the fast paths of the two writers, each with its
 * second thread and without, against simple models: csv_flow output
 * (small and large writes, batches larger than FM_BATCH_CAP) against
 * snprintf, and the binary writer's block
 * narrowing (a value that does not fit in the middle of a block widens
 * the column at exactly that record) against reading back, and the
 * binary writer's zero runs (whole batch columns of zeros left as holes)
 * before, between and after other values and widenings, and columns
 * absent from the batch, written as zeros.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/io.h"
#include "testutil.h"

/* Each test runs twice: writers with their thread (state NULL) and
 * without (state points to 1). */
static int threads_of(void **state)
{
	return *state ? *(const int *)*state : 0;
}

static int one_thread = 1;

/* n random records with extremes sprinkled in. */
static void make_records(struct fm_batch *b, size_t n, uint64_t seed)
{
	assert_int_equal(fm_batch_alloc(b, FM_ALL_FIELDS, n), 0);
	for (size_t i = 0; i < n; i++) {
		tu_random_record(b, i, &seed);
		uint64_t r = tu_rand(&seed);
		if (r % 97 == 0)
			fm_batch_mut(b, FM_OCTETS)[i] = -1; /* 2^64-1 */
		if (r % 89 == 0)
			fm_batch_mut(b, FM_PACKETS)[i] = INT64_MIN; /* 2^63 */
		if (r % 83 == 0)
			fm_batch_mut(b, FM_SP)[i] = 0;
	}
	b->n = n;
}

/* The csv_flow text of records [from, to) of b, by snprintf. */
static size_t model_csv(const struct fm_batch *b, size_t from, size_t to,
			char *out)
{
	char *p = out;
	for (size_t i = from; i < to; i++)
		for (int f = 0; f < FM_NFIELDS; f++) {
			int64_t v = b->col[f][i];
			if (fm_field_code(f) == 'Q')
				p += sprintf(p, "%llu", (unsigned long long)v);
			else
				p += sprintf(p, "%lld", (long long)v);
			p += sprintf(p, "%s", f + 1 < FM_NFIELDS ? ", " : "\n");
		}
	return (size_t)(p - out);
}

/* Write b in calls of the given sizes (0-terminated) and compare. */
static void check_csv(const struct fm_batch *b, const size_t *calls,
		      int threads)
{
	struct fm_writer_opts wo = {
	    .format = FM_FORMAT_CSV_FLOW, .log = NULL, .threads = threads};
	struct fm_writer *w;
	struct fm_error err;
	const char *path = tu_path("fast.csv");
	size_t from = 0, len, mlen;
	char *model = malloc(b->n * (FM_NFIELDS * 23 + 2) + 1);

	assert_non_null(model);
	assert_int_equal(fm_writer_open(&w, &wo, path, &err), 0);
	for (const size_t *c = calls; *c; c++) {
		assert_true(from + *c <= b->n);
		struct fm_batch part = *b;
		for (int f = 0; f < FM_NFIELDS; f++)
			part.col[f] = b->col[f] + from;
		part.n = *c;
		part.store = NULL;
		assert_int_equal(fm_writer_write(w, &part, &err), 0);
		from += *c;
	}
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	char *got = tu_read_file(path, &len);
	mlen = model_csv(b, 0, from, model);
	if (len != mlen || memcmp(got, model, len) != 0) {
		size_t i = 0;
		while (i < len && i < mlen && got[i] == model[i])
			i++;
		fail_msg("csv output differs at byte %zu (lengths %zu, %zu)", i,
			 len, mlen);
	}
	free(got);
	free(model);
}

static void test_csv_writer(void **state)
{
	struct fm_batch b;
	const size_t big = 2 * FM_BATCH_CAP + 5;
	const size_t one[] = {1, 0};
	const size_t small[] = {2047, 2048, 2049, 3, 0};
	const size_t cap[] = {FM_BATCH_CAP, FM_BATCH_CAP - 1, 6, 0}; /* = big */
	const size_t huge[] = {big, 0};

	make_records(&b, big, 3);
	check_csv(&b, one, threads_of(state));
	check_csv(&b, small, threads_of(state));
	check_csv(&b, cap, threads_of(state));
	check_csv(&b, huge, threads_of(state));
	fm_batch_release(&b);
}

/*
 * Many small writes (appended a line at a time, through several full text
 * buffers) mixed with large ones (formatted by both threads) that find the
 * buffer partly used.
 */
static void test_csv_writer_mixed(void **state)
{
	enum { N = 160000 };
	size_t calls[400], k = 0, sum = 0;
	uint64_t rng = 77;
	struct fm_batch b;

	make_records(&b, N, 5);
	while (k + 1 < sizeof(calls) / sizeof(calls[0])) {
		uint64_t r = tu_rand(&rng);
		size_t c = r % 5 == 0 ? 2048 + (r >> 8) % (FM_BATCH_CAP - 2047)
			   : r % 5 == 1 ? 1
					: 1 + (r >> 8) % 2047;
		if (sum + c > N)
			break;
		calls[k++] = c;
		sum += c;
	}
	calls[k] = 0;
	check_csv(&b, calls, threads_of(state));
	fm_batch_release(&b);
}

/*
 * Read a binary directory back whole and compare it with the n records of
 * want (a column absent from want must read as zeros).
 */
static void check_read_back(const char *dir, const struct fm_batch *want,
			    size_t n)
{
	struct fm_reader_opts ro = {.format = FM_FORMAT_BINARY,
				    .fields = FM_ALL_FIELDS};
	struct fm_reader *r;
	struct fm_batch b, got;
	struct fm_error err;
	long k;

	assert_int_equal(fm_reader_open(&r, &ro, &dir, 1, &err), 0);
	assert_int_equal(fm_batch_alloc(&got, FM_ALL_FIELDS, n), 0);
	while ((k = fm_reader_next(r, &b, FM_BATCH_CAP, &err)) > 0) {
		assert_true(got.n + (size_t)k <= n);
		for (long i = 0; i < k; i++)
			fm_batch_append(&got, &b, (size_t)i);
	}
	assert_int_equal(k, 0);
	fm_reader_free(r);
	assert_int_equal(got.n, n);
	for (int f = 0; f < FM_NFIELDS; f++)
		for (size_t i = 0; i < n; i++) {
			int64_t v = want->col[f] ? want->col[f][i] : 0;
			if (got.col[f][i] != v)
				fail_msg("record %zu field %s: %lld != %lld", i,
					 fm_field_name(f),
					 (long long)got.col[f][i],
					 (long long)v);
		}
	fm_batch_release(&got);
}

static void test_binary_narrowing(void **state)
{
	const size_t n = FM_BATCH_CAP + 1000;
	const char *dir = tu_path("narrow.bin");
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY,
				    .log = NULL,
				    .threads = threads_of(state)};
	struct fm_writer *w;
	struct fm_error err;
	struct fm_batch b;

	make_records(&b, n, 5);
	/* keep the narrow columns in range except at chosen records */
	for (size_t i = 0; i < n; i++) {
		fm_batch_mut(&b, FM_PROT)[i] &= 0xff;
		fm_batch_mut(&b, FM_SP)[i] &= 0xffff;
		fm_batch_mut(&b, FM_DP)[i] &= 0xffff;
		fm_batch_mut(&b, FM_INIF)[i] &= 0xffff;
		fm_batch_mut(&b, FM_FIRST)[i] &= 0xffffffff;
	}
	fm_batch_mut(&b, FM_PROT)[21] = 256; /* B -> H in block 1 */
	fm_batch_mut(&b, FM_SP)[FM_BATCH_CAP + 7] =
	    65536;				       /* H -> I, 2nd batch */
	fm_batch_mut(&b, FM_INIF)[5000] = -1;	       /* H -> i (signed) */
	fm_batch_mut(&b, FM_FIRST)[n - 1] = 1LL << 32; /* I -> Q, last record */
	assert_int_equal(tu_system("rm -rf '%s'", dir), 0);
	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	assert_int_equal(fm_writer_write(w, &b, &err), 0);
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	assert_true(tu_exists(dir, "prot.H"));
	assert_true(tu_exists(dir, "sp.I"));
	assert_true(tu_exists(dir, "dp.H"));
	assert_true(tu_exists(dir, "inif.i"));
	assert_true(tu_exists(dir, "first.Q"));
	check_read_back(dir, &b, n);
	fm_batch_release(&b);
}

static long long file_size(const char *dir, const char *file)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void test_binary_zero_runs(void **state)
{
	/* 9000 64-bit values fill more than a quarter of the output buffer:
	 * written in place after buffered ones */
	const size_t calls[] = {100, 3000, 1, 9000, 2000, 500, 7, 0};
	const size_t n = 100 + 3000 + 1 + 9000 + 2000 + 500 + 7;
	const char *dir = tu_path("zeros.bin");
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY,
				    .log = NULL,
				    .threads = threads_of(state)};
	struct fm_writer *w;
	struct fm_error err;
	struct fm_batch b;
	size_t from = 0;
	uint64_t seed = 9;

	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n), 0);
	b.n = n;
	/* call boundaries: 100, 3100, 3101, 12101, 14101, 14601, 14608 */
	for (size_t i = 0; i < n; i++) {
		fm_batch_mut(&b, FM_PACKETS)[i] =
		    (int64_t)(tu_rand(&seed) % 1000);
		fm_batch_mut(&b, FM_OCTETS)[i] = (int64_t)i + 1;
		/* sp: zero but for the single-record call */
		fm_batch_mut(&b, FM_SP)[i] = i == 3100 ? 80 : 0;
		/* dp: values only in the first call and the 4th */
		fm_batch_mut(&b, FM_DP)[i] = i < 100 || (i >= 3101 && i < 12101)
						 ? (int64_t)(i % 60000) + 1
						 : 0;
		/* prot: zero runs, then a widening B -> H, then zeros */
		fm_batch_mut(&b, FM_PROT)[i] = i == 13000 ? 300 : 0;
		/* inif: zero runs, then a signed widening at the very end */
		fm_batch_mut(&b, FM_INIF)[i] = i == n - 1 ? -5 : 0;
	}
	assert_int_equal(tu_system("rm -rf '%s'", dir), 0);
	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	for (const size_t *c = calls; *c; c++) {
		struct fm_batch part = b;
		for (int f = 0; f < FM_NFIELDS; f++)
			part.col[f] = b.col[f] + from;
		part.n = *c;
		part.store = NULL;
		assert_int_equal(fm_writer_write(w, &part, &err), 0);
		from += *c;
	}
	assert_int_equal(from, n);
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	assert_int_equal(file_size(dir, "af.B"), (long long)n);
	assert_int_equal(file_size(dir, "sa0.I"), (long long)n * 4);
	assert_int_equal(file_size(dir, "sp.H"), (long long)n * 2);
	assert_int_equal(file_size(dir, "dp.H"), (long long)n * 2);
	assert_int_equal(file_size(dir, "prot.H"), (long long)n * 2);
	assert_int_equal(file_size(dir, "inif.i"), (long long)n * 4);
	assert_int_equal(file_size(dir, "packets.Q"), (long long)n * 8);
	check_read_back(dir, &b, n);
	fm_batch_release(&b);
}

/* A binary batch without some columns writes them as zeros; csv_flow
 * refuses it. */
static void test_binary_absent_columns(void **state)
{
	const size_t n = FM_BATCH_CAP + 300;
	const char *dir = tu_path("absent.bin");
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY,
				    .log = NULL,
				    .threads = threads_of(state)};
	struct fm_writer *w;
	struct fm_error err;
	struct fm_batch b;
	uint64_t seed = 4;

	assert_int_equal(fm_batch_alloc(&b,
					FM_FIELD_BIT(FM_PACKETS) |
					    FM_FIELD_BIT(FM_OCTETS) |
					    FM_FIELD_BIT(FM_SP),
					n),
			 0);
	for (size_t i = 0; i < n; i++) {
		fm_batch_mut(&b, FM_PACKETS)[i] =
		    (int64_t)(tu_rand(&seed) >> 1);
		fm_batch_mut(&b, FM_OCTETS)[i] = (int64_t)i;
		fm_batch_mut(&b, FM_SP)[i] =
		    i == n - 2 ? 70000 : (int64_t)(i % 3);
	}
	assert_int_equal(tu_system("rm -rf '%s'", dir), 0);
	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	for (size_t from = 0; from < n; from += 5000) {
		struct fm_batch part = b;
		for (int f = 0; f < FM_NFIELDS; f++)
			if (b.col[f])
				part.col[f] = b.col[f] + from;
		part.n = n - from < 5000 ? n - from : 5000;
		part.store = NULL;
		assert_int_equal(fm_writer_write(w, &part, &err), 0);
	}
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	assert_int_equal(file_size(dir, "sp.I"), (long long)n * 4);
	assert_int_equal(file_size(dir, "sa3.I"), (long long)n * 4);
	assert_int_equal(file_size(dir, "af.B"), (long long)n);
	check_read_back(dir, &b, n);
	wo.format = FM_FORMAT_CSV_FLOW;
	assert_int_equal(fm_writer_open(&w, &wo, tu_path("absent.csv"), &err),
			 0);
	assert_int_equal(fm_writer_write(w, &b, &err), FM_EINVAL);
	fm_writer_free(w);
	fm_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_writer),
	    cmocka_unit_test_prestate(test_csv_writer, &one_thread),
	    cmocka_unit_test(test_csv_writer_mixed),
	    cmocka_unit_test_prestate(test_csv_writer_mixed, &one_thread),
	    cmocka_unit_test(test_binary_narrowing),
	    cmocka_unit_test_prestate(test_binary_narrowing, &one_thread),
	    cmocka_unit_test(test_binary_zero_runs),
	    cmocka_unit_test_prestate(test_binary_zero_runs, &one_thread),
	    cmocka_unit_test(test_binary_absent_columns),
	    cmocka_unit_test_prestate(test_binary_absent_columns, &one_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

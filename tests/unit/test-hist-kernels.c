/*
 * test-hist-kernels.c - hist's fast paths against a naive histogram: the
 * binary path's raw batches (columns read in their stored widths: the
 * writer's defaults I/H, unusual hand-written codes (b, h, H, i, I), widened
 * to 64 bits), the vectorised passes (full blocks of 256 records and partial
 * ones), the 64-bit rows with every set of extra columns, the compressed
 * nonzero rates and the multi-threaded rate_sum rounds.  Records include
 * zero durations, 1-packet flows, millisecond borrows, last before first,
 * octets whose 8000 * octets is not an exact double, octets that make a
 * whole block go to the 128-bit rows, long runs in one bin and empty bins.
 * Every check runs each instruction-set variant of the loops the machine
 * can run (fm_hist_opts.isa: the baseline, BMI2 and AVX-512 clones), so
 * both the scalar and the vector passes are tested on an AVX-512 machine.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/buf.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"
#include "flowmodels/io.h"
#include "testutil.h"
#include "hist-naive.h"

#define NREC 5000

/* ---- records ---- */

/*
 * wide: first/last beyond 32 bits and negative, so that the writer widens
 * them (q); else every value fits the narrow default codes.
 */
static void make_records(struct rec *r, size_t n, uint64_t seed, int wide)
{
	uint64_t s = seed;

	for (size_t i = 0; i < n; i++) {
		struct rec *q = &r[i];
		uint64_t k = tu_rand(&s) % 100;
		if (i >= 1000 && i < 1700)
			q->p = 3; /* a long run in one bin */
		else if (k < 35)
			q->p = 1;
		else if (k < 75)
			q->p = 2 + (int64_t)(tu_rand(&s) % 40);
		else if (k < 97)
			q->p = (int64_t)(1 + (tu_rand(&s) >>
					      (44 + tu_rand(&s) % 20)));
		else
			q->p = tu_rand(&s) % 2 ? 0 : 60000;
		q->o = q->p * (int64_t)(40 + tu_rand(&s) % 1460);
		/* some blocks with octets whose 8000 * octets is not exact */
		if ((i / 300) % 5 == 2 && tu_rand(&s) % 40 == 0)
			q->o = (int64_t)((UINT64_C(1) << 50) +
					 tu_rand(&s) % 100000);
		/* two 1-packet records (rate 0; not among the records
		 * test_rate_chunk_order rewrites) that make a whole block too
		 * big for the 64-bit rows' bound (the 128-bit rows), their sums
		 * still 64-bit */
		if (i == 2102 || i == 2201) {
			q->p = 1;
			q->o =
			    (int64_t)((UINT64_C(1) << (i == 2102 ? 62 : 61)) +
				      tu_rand(&s) % 1000);
		}
		q->f = 1600000000 + (int64_t)(tu_rand(&s) % 1000000);
		q->fm = (int64_t)(tu_rand(&s) % 1000);
		k = tu_rand(&s) % 100;
		if (k < 25) { /* zero duration */
			q->l = q->f;
			q->lm = q->fm;
		} else if (k < 35) { /* last before first */
			q->l = q->f - (int64_t)(tu_rand(&s) % 100);
			q->lm = (int64_t)(tu_rand(&s) % 1000);
		} else if (k < 55) { /* a millisecond borrow */
			q->l = q->f + 1 + (int64_t)(tu_rand(&s) % 50);
			q->fm = 500 + (int64_t)(tu_rand(&s) % 500);
			q->lm = (int64_t)(tu_rand(&s) % 500);
		} else {
			q->l = q->f + (int64_t)(tu_rand(&s) % 3600);
			q->lm = (int64_t)(tu_rand(&s) % 1000);
		}
		q->a = (int64_t)(tu_rand(&s) % 5);
		if (wide && tu_rand(&s) % 10 == 0) {
			q->f -= INT64_C(3000000000);
			q->l -= INT64_C(3000000000);
		}
		if (wide && tu_rand(&s) % 10 == 0) {
			q->f += INT64_C(1) << 45;
			q->l += INT64_C(1) << 45;
		}
	}
}

/* Through the binary writer (its narrow default codes, widened as needed). */
static void write_with_writer(const char *dir, const struct rec *r, size_t n)
{
	struct fm_batch b;
	struct fm_writer *w;
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY, .log = NULL};
	struct fm_error err = {0};

	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n), 0);
	for (size_t i = 0; i < n; i++) {
		fm_batch_mut(&b, FM_PACKETS)[i] = r[i].p;
		fm_batch_mut(&b, FM_OCTETS)[i] = r[i].o;
		fm_batch_mut(&b, FM_FIRST)[i] = r[i].f;
		fm_batch_mut(&b, FM_FIRST_MS)[i] = r[i].fm;
		fm_batch_mut(&b, FM_LAST)[i] = r[i].l;
		fm_batch_mut(&b, FM_LAST_MS)[i] = r[i].lm;
		fm_batch_mut(&b, FM_AGGS)[i] = r[i].a;
	}
	b.n = n;
	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	assert_int_equal(fm_writer_write(w, &b, &err), 0);
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	fm_batch_release(&b);
}

/* One column file FIELD.CODE of little-endian elements. */
static void write_column(const char *dir, const char *field, char code,
			 const struct rec *r, size_t n, size_t off)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%c", dir, field, code);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		int64_t v;
		memcpy(&v, (const char *)&r[i] + off, sizeof(v));
		unsigned char le[8];
		size_t sz = code == 'b' || code == 'B'	 ? 1
			    : code == 'h' || code == 'H' ? 2
			    : code == 'i' || code == 'I' ? 4
							 : 8;
		for (size_t j = 0; j < 8; j++)
			le[j] = (unsigned char)((uint64_t)v >> (8 * j));
		assert_int_equal(fwrite(le, 1, sz, f), sz);
	}
	assert_int_equal(fclose(f), 0);
}

/*
 * Hand-written codes the writer would not choose: packets.H, octets.I,
 * first.i, first_ms.h, last.i, last_ms.H, aggs.b (the records are made
 * to fit: first/last shifted into int32, aggs < 128).
 */
static void write_unusual(const char *dir, struct rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		r[i].f -= 1600000000;
		r[i].l -= 1600000000;
		if (r[i].p > 65535)
			r[i].p = 65535;
		if ((uint64_t)r[i].o > UINT32_MAX)
			r[i].o = UINT32_MAX - (int64_t)(i % 7);
	}
	mkdir(dir, 0777);
	write_column(dir, "packets", 'H', r, n, offsetof(struct rec, p));
	write_column(dir, "octets", 'I', r, n, offsetof(struct rec, o));
	write_column(dir, "first", 'i', r, n, offsetof(struct rec, f));
	write_column(dir, "first_ms", 'h', r, n, offsetof(struct rec, fm));
	write_column(dir, "last", 'i', r, n, offsetof(struct rec, l));
	write_column(dir, "last_ms", 'H', r, n, offsetof(struct rec, lm));
	write_column(dir, "aggs", 'b', r, n, offsetof(struct rec, a));
}

/* ---- the fast paths ---- */

static char *fast_binary(const char *const *dirs, size_t ndirs,
			 const struct fm_hist_opts *o)
{
	struct fm_hist *h;
	struct fm_error err = {0};
	struct fm_cut cut;
	uint64_t n = 0;

	fm_cut_init(&cut);
	assert_int_equal(fm_hist_new(&h, o, &err), 0);
	if (fm_hist_add_binary(h, dirs, ndirs, &cut, &n, &err) < 0)
		fail_msg("fm_hist_add_binary: %s", err.msg);
	assert_true(n == NREC);
	char *t = result_text(h);
	fm_hist_free(h);
	return t;
}

/* The int64 batch path (fm_hist_add), in batches of uneven sizes. */
static char *fast_batches(const struct rec *r, size_t n,
			  const struct fm_hist_opts *o)
{
	struct fm_hist *h;
	struct fm_batch b;
	struct fm_error err = {0};
	size_t i = 0, step = 700;

	assert_int_equal(fm_hist_new(&h, o, &err), 0);
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n), 0);
	while (i < n) {
		size_t k = n - i < step ? n - i : step;
		for (size_t j = 0; j < k; j++) {
			fm_batch_mut(&b, FM_PACKETS)[j] = r[i + j].p;
			fm_batch_mut(&b, FM_OCTETS)[j] = r[i + j].o;
			fm_batch_mut(&b, FM_FIRST)[j] = r[i + j].f;
			fm_batch_mut(&b, FM_FIRST_MS)[j] = r[i + j].fm;
			fm_batch_mut(&b, FM_LAST)[j] = r[i + j].l;
			fm_batch_mut(&b, FM_LAST_MS)[j] = r[i + j].lm;
			fm_batch_mut(&b, FM_AGGS)[j] = r[i + j].a;
		}
		b.n = k;
		if (fm_hist_add(h, &b, &err) < 0)
			fail_msg("fm_hist_add: %s", err.msg);
		i += k;
		step = step * 2 + 13;
	}
	fm_batch_release(&b);
	char *t = result_text(h);
	fm_hist_free(h);
	return t;
}

/* Every set of extra columns, in several orders. */
static const enum fm_hist_col colsets[][3] = {
    {0, 0, 0},
    {FM_HIST_COL_DURATION},
    {FM_HIST_COL_RATE},
    {FM_HIST_COL_AGGS},
    {FM_HIST_COL_DURATION, FM_HIST_COL_AGGS},
    {FM_HIST_COL_AGGS, FM_HIST_COL_RATE},
    {FM_HIST_COL_RATE, FM_HIST_COL_DURATION},
    {FM_HIST_COL_DURATION, FM_HIST_COL_RATE, FM_HIST_COL_AGGS},
    {FM_HIST_COL_AGGS, FM_HIST_COL_DURATION, FM_HIST_COL_RATE},
};
static const size_t ncolsets[] = {0, 1, 1, 1, 2, 2, 2, 3, 3};

/*
 * Every x, bin exponent and column set against the naive histogram, with
 * 1, 2 and 3 threads (and through fm_hist_add when batches); all: else
 * a few column sets and no unit bins.
 */
static void check_dirs(const char *const *dirs, size_t ndirs,
		       const struct rec *r, int batches, int all)
{
	static const int bexps[] = {0, 3, 7};

	for (int x = FM_HIST_X_LENGTH; x <= FM_HIST_X_RATE; x++)
		for (size_t bi = 0; bi < 3; bi++)
			for (size_t cs = 0;
			     cs < sizeof(ncolsets) / sizeof(ncolsets[0]);
			     cs++) {
				if (!all && (bi == 0 ||
					     (cs != 1 && cs != 5 && cs != 7)))
					continue;
				struct fm_hist_opts o;
				const enum fm_hist_col *cols = colsets[cs];
				size_t nc = ncolsets[cs];
				char *ref =
				    naive_hist(r, NREC, (enum fm_hist_x)x,
					       bexps[bi], cols, nc);

				memset(&o, 0, sizeof(o));
				o.x = (enum fm_hist_x)x;
				o.bin_exp = bexps[bi];
				o.ncols = nc;
				memcpy(o.cols, cols, nc * sizeof(*cols));
				o.min_per_thread = 1;
				/* many rounds of uneven chunks for the rate_sum
				 * pipeline */
				o.rate_chunk = 300 + 97 * cs;
				/* 3 threads: the rate_sum rounds with two other
				 * workers */
				int has_rate = 0;
				for (size_t c = 0; c < nc; c++)
					has_rate |= cols[c] == FM_HIST_COL_RATE;
				/* every instruction-set variant this machine
				 * runs */
				for (int isa = FM_HIST_ISA_BASE;
				     isa < FM_HIST_ISA_COUNT; isa++) {
					if (!fm_hist_isa_supported(
						(enum fm_hist_isa)isa))
						continue;
					o.isa = (enum fm_hist_isa)isa;
					for (int t = 1; t <= 2 + has_rate;
					     t++) {
						o.threads = t;
						char *f = fast_binary(
						    dirs, ndirs, &o);
						assert_string_equal(ref, f);
						free(f);
					}
					if (batches) {
						char *f =
						    fast_batches(r, NREC, &o);
						assert_string_equal(ref, f);
						free(f);
					}
				}
				free(ref);
			}
}

static void check_dir(const char *dir, const struct rec *r, int batches,
		      int all)
{
	const char *dirs[1] = {dir};

	check_dirs(dirs, 1, r, batches, all);
}

static void test_writer_codes(void **state)
{
	struct rec *r = calloc(NREC, sizeof(*r));
	const char *dir = tu_path("narrow.bin");

	(void)state;
	make_records(r, NREC, 11, 0);
	write_with_writer(dir, r, NREC);
	/* the narrow default codes really are what the raw path reads */
	assert_true(tu_exists(dir, "first.I"));
	assert_true(tu_exists(dir, "last_ms.H"));
	check_dir(dir, r, 1, 1);
	free(r);
}

static void test_wide_codes(void **state)
{
	struct rec *r = calloc(NREC, sizeof(*r));
	const char *dir = tu_path("wide.bin");

	(void)state;
	make_records(r, NREC, 12, 1);
	write_with_writer(dir, r, NREC);
	/* first and last widened to 64 bits (q or Q) */
	assert_false(tu_exists(dir, "first.I"));
	assert_false(tu_exists(dir, "last.I"));
	check_dir(dir, r, 0, 0);
	free(r);
}

static void test_unusual_codes(void **state)
{
	struct rec *r = calloc(NREC, sizeof(*r));
	const char *dir = tu_path("unusual.bin");

	(void)state;
	make_records(r, NREC, 13, 0);
	write_unusual(dir, r, NREC);
	check_dir(dir, r, 0, 0);
	free(r);
}

/* Two directories of different codes: raw batches never span them. */
static void test_two_dirs(void **state)
{
	struct rec *r = calloc(NREC, sizeof(*r));
	const char *dirs[2];
	const size_t cut = 2100;

	(void)state;
	make_records(r, NREC, 14, 0);
	dirs[0] = tu_path("two-a.bin");
	write_with_writer(dirs[0], r, cut);
	dirs[1] = tu_path("two-b.bin");
	write_unusual(dirs[1], r + cut, NREC - cut);
	check_dirs(dirs, 2, r, 0, 0);
	free(r);
}

/*
 * Many small rate_sum chunks, x = duration and rate: the threads overtake
 * each other all the time, and negative bins sharing a bin_lo with
 * different bin_hi (the first record's counts) catch map keys made out of
 * record order.
 */
static void test_rate_chunk_order(void **state)
{
	static const enum fm_hist_col cols[] = {FM_HIST_COL_RATE,
						FM_HIST_COL_DURATION};
	struct rec *r = calloc(NREC, sizeof(*r));
	const char *dir = tu_path("order.bin");
	const char *dirs[1] = {dir};

	(void)state;
	make_records(r, NREC, 15, 0);
	/*
	 * Alternately x = -1024 and x = -1023 (duration) or -1016 (rate):
	 * one bin_lo, but bin_hi -512 or -768 (b = 2), -896 or -960 (b = 4).
	 */
	for (size_t i = 0; i < NREC; i += 3) {
		int odd = (i / 3) % 2;
		r[i].p = 2;
		r[i].fm = 0;
		r[i].l = r[i].f - 2;
		r[i].lm = odd ? 976 : 977; /* -1024 or -1023 ms */
		if (i + 1 < NREC) {
			r[i + 1].p = 2;
			r[i + 1].fm = r[i + 1].lm = 0;
			r[i + 1].l = r[i + 1].f - 1;  /* -1000 ms */
			r[i + 1].o = odd ? 128 : 127; /* -1024 or -1016 bit/s */
		}
	}
	write_with_writer(dir, r, NREC);
	for (int x = FM_HIST_X_DURATION; x <= FM_HIST_X_RATE; x++)
		for (int bexp = 2; bexp <= 4; bexp += 2) {
			char *ref = naive_hist(r, NREC, (enum fm_hist_x)x, bexp,
					       cols, 2);
			for (int rep = 0; rep < 3; rep++)
				for (int t = 2; t <= 4; t++) {
					struct fm_hist_opts o;
					memset(&o, 0, sizeof(o));
					o.x = (enum fm_hist_x)x;
					o.bin_exp = bexp;
					o.ncols = 2;
					memcpy(o.cols, cols, sizeof(cols));
					o.min_per_thread = 1;
					o.threads = t;
					o.rate_chunk = (uint64_t)(7 + 40 * rep);
					/* the variants in turn */
					o.isa = (enum fm_hist_isa)(
					    FM_HIST_ISA_BASE + (rep + t) % 3);
					if (!fm_hist_isa_supported(o.isa))
						o.isa = FM_HIST_ISA_AUTO;
					char *f = fast_binary(dirs, 1, &o);
					assert_string_equal(ref, f);
					free(f);
				}
			free(ref);
		}
	free(r);
}

/* The variants: AUTO is one of them; one the CPU lacks, or none, is refused. */
static void test_isa_variants(void **state)
{
	struct fm_hist_opts o;
	struct fm_hist *h = NULL;
	struct fm_error err = {0};

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_true(fm_hist_isa_supported(FM_HIST_ISA_AUTO));
	assert_true(fm_hist_isa_supported(FM_HIST_ISA_BASE));
	printf("hist variants run here:");
	for (int isa = FM_HIST_ISA_AUTO; isa < FM_HIST_ISA_COUNT; isa++) {
		o.isa = (enum fm_hist_isa)isa;
		int ok = fm_hist_isa_supported(o.isa);
		assert_non_null(fm_hist_isa_name(o.isa));
		assert_int_equal(fm_hist_new(&h, &o, &err), ok ? 0 : FM_EINVAL);
		fm_hist_free(h);
		h = NULL;
		if (ok)
			printf(" %s", fm_hist_isa_name(o.isa));
	}
	printf("\n");
	o.isa = FM_HIST_ISA_COUNT;
	assert_false(fm_hist_isa_supported(o.isa));
	assert_null(fm_hist_isa_name(o.isa));
	assert_int_equal(fm_hist_new(&h, &o, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "instruction set"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_isa_variants),
	    cmocka_unit_test(test_writer_codes),
	    cmocka_unit_test(test_wide_codes),
	    cmocka_unit_test(test_unusual_codes),
	    cmocka_unit_test(test_two_dirs),
	    cmocka_unit_test(test_rate_chunk_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

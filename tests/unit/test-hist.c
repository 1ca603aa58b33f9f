/*
 * test-hist.c - hist: bin edges against the formula, the fast binning
 * against a naive single-threaded implementation (all x, extra columns,
 * every input path and thread count), exact rates, and 64-bit overflow.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "flowmodels/filter.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"
#include "flowmodels/io.h"
#include "testutil.h"
#include "hist-naive.h"

/* ---- the formula of SPEC 6, written the slow way: hist-naive.h ---- */

static void test_bin_edges(void **state)
{
	(void)state;
	for (int b = 1; b <= 16; b++) {
		uint64_t prev_idx = 0;
		for (int j = 0; j < 64; j++) {
			uint64_t p = UINT64_C(1) << j;
			uint64_t xs[] = {p - 1, p, p + 1, p + (p >> 1),
					 2 * p - 1};
			for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]);
			     k++) {
				uint64_t x = xs[k], lo, w;
				i128 nlo, nhi;
				fm_hist_bin_edges(x, b, &lo, &w);
				naive_bin((i128)x, b, &nlo, &nhi);
				assert_true((i128)lo == nlo);
				assert_true((i128)lo + (i128)w == nhi);
				/* the index round-trips and is monotonic */
				uint64_t idx = fm_hist_bin_index(x, b);
				uint64_t lo2, w2;
				fm_hist_bin_of_index(idx, b, &lo2, &w2);
				assert_true(lo2 == lo && w2 == w);
				if (k == 1) {
					assert_true(idx >= prev_idx);
					prev_idx = idx;
				}
			}
		}
		/* consecutive bins have consecutive indices (dense) */
		uint64_t x = 0, idx = fm_hist_bin_index(0, b);
		for (int s = 0; s < 5000; s++) {
			uint64_t lo, w;
			fm_hist_bin_edges(x, b, &lo, &w);
			if (w > UINT64_MAX - lo)
				break; /* the last bin */
			x = lo + w;
			uint64_t nidx = fm_hist_bin_index(x, b);
			assert_true(nidx == idx + 1);
			idx = nidx;
		}
		/* signed: negative values as the reference (floor division) */
		for (int j = 0; j < 63; j++) {
			int64_t p = INT64_C(1) << j;
			int64_t xs[] = {-p, -p - 1, -p + 1, -(p + p / 2)};
			for (size_t k = 0; k < 4; k++) {
				int64_t lo, hi;
				i128 nlo, nhi;
				fm_hist_bin_edges_signed(xs[k], b, &lo, &hi);
				naive_bin(xs[k], b, &nlo, &nhi);
				assert_true(lo == nlo && hi == nhi);
			}
		}
	}
	/* b = 0 and b >= 64: unit bins */
	uint64_t lo, w;
	fm_hist_bin_edges(UINT64_C(123456789012), 0, &lo, &w);
	assert_true(lo == UINT64_C(123456789012) && w == 1);
	fm_hist_bin_edges(UINT64_MAX, 64, &lo, &w);
	assert_true(lo == UINT64_MAX && w == 1);
	/* b = 12: 4096..8191 have width 2 */
	fm_hist_bin_edges(4097, 12, &lo, &w);
	assert_true(lo == 4096 && w == 2);
	fm_hist_bin_edges(4095, 12, &lo, &w);
	assert_true(lo == 4095 && w == 1);
}

/* ---- exact rates ---- */

/* Is r the double nearest to n/d (ties to even)?  n < 2^70, r >= 2^20. */
static int is_nearest(u128 n, uint64_t d, double r)
{
	int e;
	double fr = frexp(r, &e);     /* r = fr * 2^e, fr in [0.5,1) */
	i128 m = (i128)ldexp(fr, 53); /* r = m * 2^(e-53) */
	int sh = e - 53;
	i128 err2; /* 2 * (n - r*d) * 2^-sh */
	i128 unit; /* d (one ulp times d, scaled) */
	if (sh >= 0) {
		i128 rd = (m * (i128)d) << sh;
		err2 = 2 * ((i128)n - rd);
		unit = (i128)d << sh;
	} else {
		err2 = 2 * (((i128)n << -sh) - m * (i128)d);
		unit = (i128)d;
	}
	if (err2 < 0)
		err2 = -err2;
	if (err2 < unit)
		return 1;
	return err2 == unit && (m & 1) == 0;
}

static void test_rate_exact(void **state)
{
	uint64_t s = 7;

	(void)state;
	/* the plain range: IEEE division is the correctly rounded quotient */
	for (int i = 0; i < 10000; i++) {
		uint64_t oc = tu_rand(&s) % 1000000000000ULL;
		int64_t d = (int64_t)(tu_rand(&s) % 100000000) + 1;
		assert_true(fm_hist_rate(oc, d) ==
			    (double)(oc * 8000) / (double)d);
		assert_true(fm_hist_rate(oc, -d) ==
			    -((double)(oc * 8000) / (double)d));
	}
	assert_true(fm_hist_rate(12345, 0) == 0.0);
	/* beyond 2^53: long division, checked against the definition */
	for (int i = 0; i < 20000; i++) {
		uint64_t oc =
		    (tu_rand(&s) >> (tu_rand(&s) % 20)) | (UINT64_C(1) << 40);
		oc &= (UINT64_C(1) << 57) - 1;
		int64_t d =
		    (int64_t)(tu_rand(&s) % (1u << (1 + tu_rand(&s) % 20))) + 1;
		double r = fm_hist_rate(oc, d);
		assert_true(is_nearest((u128)oc * 8000, (uint64_t)d, r));
	}
	/* ties: 8000 * oc / d exactly halfway between two doubles */
	/* oc * 8000 = 2^56 + 8000 (odd multiple of 2^3 above 2^56); d = 8 ->
	 * 2^53 + 1000: exact, no tie; d = 16000 -> (2^56 + 8000) / 16000 */
	assert_true(fm_hist_rate((UINT64_C(1) << 53) + 1, 1) ==
		    (double)((u128)((UINT64_C(1) << 53) + 1) * 8000));
	assert_true(is_nearest((u128)((UINT64_C(1) << 60) + 3) * 8000, 3,
			       fm_hist_rate((UINT64_C(1) << 60) + 3, 3)));
}

/* ---- random records, the naive histogram and the fast one ---- */

static void make_records(struct fm_batch *b, size_t n, uint64_t seed)
{
	uint64_t s = seed;

	assert_int_equal(fm_batch_alloc(b, FM_ALL_FIELDS, n), 0);
	for (size_t i = 0; i < n; i++) {
		tu_random_record(b, i, &s);
		int64_t *P = fm_batch_mut(b, FM_PACKETS),
			*O = fm_batch_mut(b, FM_OCTETS);
		int64_t *F = fm_batch_mut(b, FM_FIRST),
			*FMs = fm_batch_mut(b, FM_FIRST_MS);
		int64_t *L = fm_batch_mut(b, FM_LAST),
			*LM = fm_batch_mut(b, FM_LAST_MS);
		int64_t *A = fm_batch_mut(b, FM_AGGS);
		uint64_t k = tu_rand(&s) % 100;
		if (k < 40)
			P[i] = 1;
		else if (k < 80)
			P[i] = 2 + (int64_t)(tu_rand(&s) % 40);
		else if (k < 97)
			P[i] = (int64_t)(1 + (tu_rand(&s) >>
					      (40 + tu_rand(&s) % 24)));
		else
			P[i] = (int64_t)(tu_rand(&s) % 3 == 0
					     ? 0
					     : (UINT64_C(1) << 33) + 7);
		/* keep 8000 * octets < 2^53: the naive rate is a plain division
		 */
		O[i] = P[i] < (INT64_C(1) << 28)
			   ? P[i] * (int64_t)(40 + tu_rand(&s) % 1460)
			   : P[i];
		if (tu_rand(&s) % 100 == 0)
			O[i] = (int64_t)(UINT64_C(1) << 40) +
			       3;	     /* 8000 * O < 2^53 */
		if (tu_rand(&s) % 50 == 0) { /* last before first */
			L[i] = F[i] - (int64_t)(tu_rand(&s) % 300);
			LM[i] = (int64_t)(tu_rand(&s) % 1000);
		}
		if (tu_rand(&s) % 50 == 0) { /* zero duration */
			L[i] = F[i];
			LM[i] = FMs[i];
		}
		A[i] = (int64_t)(tu_rand(&s) % 4) +
		       (tu_rand(&s) % 20 == 0 ? 4000000000 : 0);
		b->n = i + 1;
	}
}

/*
 * The naive histogram of a batch (hist-naive.h).  Where rates count, the
 * records keep 8000 * octets below 2^53, so the naive rate is a plain
 * division.
 */
static char *naive_hist_batch(const struct fm_batch *b, enum fm_hist_x x,
			      int bexp, const enum fm_hist_col *cols,
			      size_t ncols)
{
	struct rec *r = calloc(b->n + 1, sizeof(*r));
	int rates = x == FM_HIST_X_RATE;

	for (size_t c = 0; c < ncols; c++)
		rates |= cols[c] == FM_HIST_COL_RATE;
	assert_non_null(r);
	for (size_t i = 0; i < b->n; i++) {
		r[i] =
		    (struct rec){b->col[FM_PACKETS][i], b->col[FM_OCTETS][i],
				 b->col[FM_FIRST][i],	b->col[FM_FIRST_MS][i],
				 b->col[FM_LAST][i],	b->col[FM_LAST_MS][i],
				 b->col[FM_AGGS][i]};
		if (rates)
			assert_true((uint64_t)r[i].o <
				    (UINT64_C(1) << 53) / 8000);
	}
	char *t = naive_hist(r, b->n, x, bexp, cols, ncols);
	free(r);
	return t;
}

static void opts_set(struct fm_hist_opts *o, enum fm_hist_x x, int b,
		     const enum fm_hist_col *cols, size_t ncols, int threads)
{
	memset(o, 0, sizeof(*o));
	o->x = x;
	o->bin_exp = b;
	o->ncols = ncols;
	if (ncols)
		memcpy(o->cols, cols, ncols * sizeof(*cols));
	o->threads = threads;
	o->min_per_thread = 1;
	o->rate_chunk =
	    1000 + (uint64_t)b * 37; /* many rounds, uneven chunks */
}

/* Through fm_hist_add in uneven batches. */
static char *fast_batches(const struct fm_batch *all,
			  const struct fm_hist_opts *o)
{
	struct fm_hist *h;
	struct fm_error err = {0};
	size_t i = 0, step = 1;

	assert_int_equal(fm_hist_new(&h, o, &err), 0);
	while (i < all->n) {
		struct fm_batch v = *all;
		size_t k = all->n - i < step ? all->n - i : step;
		for (int f = 0; f < FM_NFIELDS; f++)
			v.col[f] = all->col[f] + i;
		v.n = k;
		v.store = NULL;
		if (fm_hist_add(h, &v, &err) < 0)
			fail_msg("fm_hist_add: %s", err.msg);
		i += k;
		step = step * 3 + 1;
	}
	assert_true(fm_hist_records(h) == all->n);
	char *t = result_text(h);
	fm_hist_free(h);
	return t;
}

static char *fast_binary(const char *dir, const struct fm_hist_opts *o,
			 const struct fm_cut *cut, uint64_t expect)
{
	struct fm_hist *h;
	struct fm_error err = {0};
	const char *dirs[1] = {dir};
	uint64_t n = 0;

	assert_int_equal(fm_hist_new(&h, o, &err), 0);
	if (fm_hist_add_binary(h, dirs, 1, cut, &n, &err) < 0)
		fail_msg("fm_hist_add_binary: %s", err.msg);
	assert_true(n == expect);
	char *t = result_text(h);
	fm_hist_free(h);
	return t;
}

static void write_binary(const char *dir, const struct fm_batch *b)
{
	struct fm_writer *w;
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY, .log = NULL};
	struct fm_error err = {0};

	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	assert_int_equal(fm_writer_write(w, b, &err), 0);
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
}

static void test_naive_vs_fast(void **state)
{
	static const enum fm_hist_col colsets[][3] = {
	    {FM_HIST_COL_DURATION, FM_HIST_COL_RATE, FM_HIST_COL_AGGS},
	    {FM_HIST_COL_AGGS, FM_HIST_COL_RATE, FM_HIST_COL_DURATION},
	};
	static const int bexps[] = {0, 1, 5, 12, 70};
	struct fm_batch b;
	const char *dir = tu_path("naive.bin");
	struct fm_cut cut;

	(void)state;
	make_records(&b, 12000, 42);
	write_binary(dir, &b);
	fm_cut_init(&cut);
	for (int x = FM_HIST_X_LENGTH; x <= FM_HIST_X_RATE; x++) {
		for (size_t bi = 0; bi < sizeof(bexps) / sizeof(bexps[0]);
		     bi++) {
			for (size_t cs = 0; cs < 3; cs++) {
				size_t ncols = cs == 0 ? 0 : 3;
				const enum fm_hist_col *cols =
				    colsets[cs == 2 ? 1 : 0];
				struct fm_hist_opts o;
				char *ref =
				    naive_hist_batch(&b, (enum fm_hist_x)x,
						     bexps[bi], cols, ncols);
				opts_set(&o, (enum fm_hist_x)x, bexps[bi], cols,
					 ncols, 1);
				char *f1 = fast_batches(&b, &o);
				assert_string_equal(ref, f1);
				char *t1 = fast_binary(dir, &o, &cut, b.n);
				o.threads = 4;
				char *t4 = fast_binary(dir, &o, &cut, b.n);
				o.threads = (int)(2 + bi % 2);
				char *t3 = fast_binary(dir, &o, &cut, b.n);
				/* threads 1 and 4 give the same bytes */
				assert_string_equal(t1, t4);
				assert_string_equal(t1, t3);
				assert_string_equal(ref, t1);
				free(ref);
				free(f1);
				free(t1);
				free(t4);
				free(t3);
			}
		}
	}
	fm_batch_release(&b);
}

/* Cutting counters on the threaded path select the same records. */
static void test_binary_cut(void **state)
{
	struct fm_batch b, part;
	const char *dir = tu_path("cut.bin");
	static const enum fm_hist_col cols[] = {FM_HIST_COL_RATE};
	struct fm_hist_opts o;
	struct fm_cut cut;

	(void)state;
	make_records(&b, 5000, 9);
	write_binary(dir, &b);
	fm_cut_init(&cut);
	cut.skip_in = 100;
	cut.count_in = 3000;
	cut.skip_out = 7;
	cut.count_out = 2500;
	/* records 107 .. 2606 */
	part = b;
	for (int f = 0; f < FM_NFIELDS; f++)
		part.col[f] = b.col[f] + 107;
	part.n = 2500;
	part.store = NULL;
	opts_set(&o, FM_HIST_X_SIZE, 6, cols, 1, 4);
	char *ref = naive_hist_batch(&part, FM_HIST_X_SIZE, 6, cols, 1);
	char *t = fast_binary(dir, &o, &cut, 2500);
	assert_string_equal(ref, t);
	free(ref);
	free(t);
	fm_batch_release(&b);
}

/* A filter on the threaded path selects what the sequential scan selects. */
static void test_filter(void **state)
{
	struct fm_batch b;
	const char *dir = tu_path("filter.bin");
	static const enum fm_hist_col cols[] = {FM_HIST_COL_RATE,
						FM_HIST_COL_DURATION};
	struct fm_filter *f;
	struct fm_filter_run *run;
	struct fm_selector sel;
	struct fm_scan_opts so;
	struct fm_scan *sc;
	struct fm_hist *h;
	struct fm_hist_opts o;
	struct fm_error err = {0};
	struct fm_cut cut;
	const char *dirs[1] = {dir};

	(void)state;
	make_records(&b, 6000, 3);
	write_binary(dir, &b);
	assert_int_equal(
	    fm_filter_compile(&f,
			      "(prot == 6) & (octets // (packets - 1) > 300)",
			      NULL, &err),
	    0);
	/* sequential: fm_scan with the filter as selector */
	assert_int_equal(fm_filter_run_new(&run, f, &err), 0);
	fm_filter_selector(&sel, run);
	opts_set(&o, FM_HIST_X_DURATION, 4, cols, 2, 1);
	memset(&so, 0, sizeof(so));
	so.reader.format = FM_FORMAT_BINARY;
	so.reader.fields = fm_hist_fields(&o);
	fm_cut_init(&so.cut);
	so.cut.skip_in = 10;
	so.cut.count_in = 5000;
	so.selector = &sel;
	assert_int_equal(fm_scan_open(&sc, &so, dirs, 1, &err), 0);
	assert_int_equal(fm_hist_new(&h, &o, &err), 0);
	assert_int_equal(fm_hist_add_scan(h, sc, &err), 0);
	uint64_t nseq = fm_hist_records(h);
	char *seq = result_text(h);
	fm_hist_free(h);
	fm_scan_free(sc);
	fm_filter_run_free(run);
	assert_true(nseq > 500 && nseq < 4000);
	/* threaded: each thread its own run */
	fm_cut_init(&cut);
	cut.skip_in = 10;
	cut.count_in = 5000;
	for (int t = 1; t <= 4; t += 3) {
		opts_set(&o, FM_HIST_X_DURATION, 4, cols, 2, t);
		o.filter = f;
		char *par = fast_binary(dir, &o, &cut, nseq);
		assert_string_equal(seq, par);
		free(par);
	}
	/* skip-out with a filter needs the sequential scan */
	cut.skip_out = 3;
	assert_int_equal(fm_hist_new(&h, &o, &err), 0);
	assert_int_equal(fm_hist_add_binary(h, dirs, 1, &cut, NULL, &err),
			 FM_EINVAL);
	fm_hist_free(h);
	free(seq);
	fm_filter_free(f);
	fm_batch_release(&b);
}

/* Sums beyond 64 bits are never wrapped: exact in memory, an error in csv_hist.
 */
static void test_overflow(void **state)
{
	struct fm_batch b;
	struct fm_hist *h;
	struct fm_hist_opts o;
	struct fm_error err = {0};
	struct fm_histogram res;

	(void)state;
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 4), 0);
	for (int i = 0; i < 4; i++) {
		uint64_t s = (uint64_t)i + 1;
		tu_random_record(&b, (size_t)i, &s);
	}
	b.n = 4;
	/* two 1-packet flows of 2^62 octets: 2^63 fits unsigned 64 bits */
	fm_batch_mut(&b, FM_PACKETS)[0] = 1;
	fm_batch_mut(&b, FM_PACKETS)[1] = 1;
	fm_batch_mut(&b, FM_OCTETS)[0] = INT64_C(1) << 62;
	fm_batch_mut(&b, FM_OCTETS)[1] = INT64_C(1) << 62;
	b.n = 2;
	opts_set(&o, FM_HIST_X_LENGTH, 0, NULL, 0, 1);
	assert_int_equal(fm_hist_new(&h, &o, &err), 0);
	assert_int_equal(fm_hist_add(h, &b, &err), 0);
	char *t = result_text(h);
	assert_non_null(strstr(t, "\n1,2,2,2,9223372036854775808\n"));
	free(t);
	/* two more of 2^63 + 2^62 (raw unsigned bits): the sum needs 65 bits */
	fm_batch_mut(&b, FM_OCTETS)[0] = (int64_t)(UINT64_C(3) << 62);
	fm_batch_mut(&b, FM_OCTETS)[1] = (int64_t)(UINT64_C(3) << 62);
	assert_int_equal(fm_hist_add(h, &b, &err), 0);
	assert_int_equal(fm_hist_result(h, &res, &err), FM_ERANGE);
	assert_non_null(strstr(err.msg, "octets_sum exceeds 64 bits"));
	fm_hist_free(h);

	/*
	 * batches whose bound adds up beyond 2^64 while the sums stay below:
	 * each batch after the first is undone, flushed to 128 bits and redone
	 */
	opts_set(&o, FM_HIST_X_SIZE, 0, NULL, 0, 1);
	assert_int_equal(fm_hist_new(&h, &o, &err), 0);
	for (int k = 0; k < 3; k++) {
		fm_batch_mut(&b, FM_PACKETS)[0] = INT64_C(1) << 62;
		fm_batch_mut(&b, FM_OCTETS)[0] = 10;
		fm_batch_mut(&b, FM_PACKETS)[1] = 1;
		fm_batch_mut(&b, FM_OCTETS)[1] = 11;
		assert_int_equal(fm_hist_add(h, &b, &err), 0);
	}
	t = result_text(h);
	assert_string_equal(t,
			    "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n"
			    "10,11,3,13835058055282163712,30\n11,12,3,3,33\n");
	free(t);
	fm_hist_free(h);

	/* a duration that does not fit in 64 bits is an error naming the record
	 */
	fm_batch_mut(&b, FM_PACKETS)[1] = 5;
	fm_batch_mut(&b, FM_LAST)[1] = INT64_MAX / 100;
	fm_batch_mut(&b, FM_FIRST)[1] = 0;
	static const enum fm_hist_col dcol[] = {FM_HIST_COL_DURATION};
	opts_set(&o, FM_HIST_X_LENGTH, 0, dcol, 1, 1);
	assert_int_equal(fm_hist_new(&h, &o, &err), 0);
	assert_int_equal(fm_hist_add(h, &b, &err), FM_ERANGE);
	assert_non_null(strstr(err.msg, "record 2: duration"));
	fm_hist_free(h);
	fm_batch_release(&b);
}

/*
 * The general loop's 64-bit rows with big values: blocks whose bounds
 * force a flush to 128 bits after nearly every block, blocks that alone
 * could wrap (128-bit rows at once), negative durations; the
 * sums themselves fit.  Same bytes as the naive 128-bit sums.
 */
static void test_overflow_general(void **state)
{
	static const enum fm_hist_col cols[] = {FM_HIST_COL_DURATION,
						FM_HIST_COL_AGGS};
	struct fm_batch b;
	const size_t n = 20000;

	(void)state;
	make_records(&b, n, 7);
	int64_t *P = fm_batch_mut(&b, FM_PACKETS),
		*O = fm_batch_mut(&b, FM_OCTETS);
	int64_t *F = fm_batch_mut(&b, FM_FIRST), *L = fm_batch_mut(&b, FM_LAST);
	int64_t *A = fm_batch_mut(&b, FM_AGGS);
	for (size_t i = 0; i < n; i++) {
		P[i] = 2 + (int64_t)(i % 40);
		O[i] =
		    i % 97 == 0 ? (INT64_C(1) << 55) + (int64_t)i : 40 * P[i];
		A[i] = i % 101 == 0 ? (INT64_C(1) << 55)
		       : i % 3 == 0 ? (INT64_C(1) << 52)
				    : 1;
		if (i % 89 == 0) {
			F[i] = 0;
			L[i] = i % 2 ? (INT64_C(1) << 39) : -(INT64_C(1) << 39);
		}
	}
	for (int x = FM_HIST_X_LENGTH; x <= FM_HIST_X_DURATION; x++)
		for (int bi = 0; bi < 2; bi++) {
			for (size_t nc = 1; nc <= 2; nc++) {
				struct fm_hist_opts o;
				int bexp = bi ? 12 : 0;
				const enum fm_hist_col *c =
				    nc == 1 ? cols + 1 : cols;
				char *ref = naive_hist_batch(
				    &b, (enum fm_hist_x)x, bexp, c, nc);
				opts_set(&o, (enum fm_hist_x)x, bexp, c, nc, 1);
				char *f = fast_batches(&b, &o);
				assert_string_equal(ref, f);
				free(ref);
				free(f);
			}
		}
	/*
	 * aggs 3 * 2^62: beyond the signed 64-bit rows, within csv_hist's
	 * unsigned column; octets 2 * 3 * 2^62: beyond 64 bits, an error
	 */
	struct fm_hist *h;
	struct fm_hist_opts o;
	struct fm_error err = {0};
	struct fm_histogram res;
	b.n = 1;
	P[0] = 2;
	O[0] = 100;
	A[0] = INT64_C(1) << 62;
	opts_set(&o, FM_HIST_X_LENGTH, 12, cols + 1, 1, 1);
	assert_int_equal(fm_hist_new(&h, &o, &err), 0);
	for (int k = 0; k < 3; k++)
		assert_int_equal(fm_hist_add(h, &b, &err), 0);
	char *t = result_text(h);
	assert_string_equal(
	    t, "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum,aggs_sum\n"
	       "2,3,3,6,300,13835058055282163712\n");
	free(t);
	fm_hist_free(h);
	O[0] = (int64_t)(UINT64_C(3) << 62);
	assert_int_equal(fm_hist_new(&h, &o, &err), 0);
	for (int k = 0; k < 2; k++)
		assert_int_equal(fm_hist_add(h, &b, &err), 0);
	assert_int_equal(fm_hist_result(h, &res, &err), FM_ERANGE);
	assert_non_null(strstr(err.msg, "octets_sum exceeds 64 bits"));
	fm_hist_free(h);
	fm_batch_release(&b);
}

/*
 * Real data: the reference's length histogram with -b 12 is its -b 0 one
 * merged into the bins of fm_hist_bin_edges (a length bin [x, x+1) holds
 * flows of exactly x packets), text for text.
 */
static void test_reference_rebin(void **state)
{
	const char *data = tu_shared_data();
	char b0[4096], b12[4096];
	struct fm_histogram h0, out;
	struct fm_error err = {0};
	struct fm_buf text = FM_BUF_INIT;
	static const enum fm_hcol cols[] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					    FM_HCOL_OCTETS};

	(void)state;
	if (!data)
		skip();
	snprintf(b0, sizeof(b0),
		 "%s/agh_2015061019_IPv4_anon/histograms/all/length_b0.csv",
		 data);
	snprintf(b12, sizeof(b12),
		 "%s/agh_2015061019_IPv4_anon/histograms/all/length.csv", data);
	fm_histogram_init(&h0);
	assert_int_equal(fm_histogram_read(&h0, b0, 0, NULL, &err), 0);
	fm_histogram_init(&out);
	assert_int_equal(fm_histogram_setup(&out, cols, 3, &err), 0);
	for (size_t i = 0; i < h0.n; i++) {
		uint64_t lo, w;
		assert_true(h0.bin_hi[i] == h0.bin_lo[i] + 1);
		fm_hist_bin_edges((uint64_t)h0.bin_lo[i], 12, &lo, &w);
		if (out.n == 0 || out.bin_lo[out.n - 1] != (int64_t)lo)
			assert_int_equal(fm_histogram_add_bin(&out, (int64_t)lo,
							      (int64_t)(lo + w),
							      &err),
					 0);
		out.flows[out.n - 1] += h0.flows[i];
		out.packets[out.n - 1] += h0.packets[i];
		out.octets[out.n - 1] += h0.octets[i];
	}
	assert_int_equal(fm_histogram_format(&out, &text, &err), 0);
	size_t len;
	char *want = tu_read_file(b12, &len);
	assert_int_equal(text.len, len);
	assert_memory_equal(text.buf, want, len);
	free(want);
	fm_buf_release(&text);
	fm_histogram_release(&out);
	fm_histogram_release(&h0);
}

/* Names, bad options, and an empty histogram. */
static void test_options(void **state)
{
	struct fm_hist *h;
	struct fm_hist_opts o;
	struct fm_error err = {0};
	enum fm_hist_x x;
	enum fm_hist_col c;

	(void)state;
	assert_int_equal(fm_hist_x_parse("rate", &x), 0);
	assert_int_equal(x, FM_HIST_X_RATE);
	assert_true(fm_hist_x_parse("speed", &x) < 0);
	assert_int_equal(fm_hist_col_parse("aggs", &c), 0);
	assert_true(fm_hist_col_parse("packets", &c) < 0);
	opts_set(&o, FM_HIST_X_LENGTH, -1, NULL, 0, 1);
	assert_int_equal(fm_hist_new(&h, &o, &err), FM_EINVAL);
	/* an empty histogram is just the header */
	opts_set(&o, FM_HIST_X_SIZE, 12, NULL, 0, 1);
	assert_int_equal(fm_hist_new(&h, &o, &err), 0);
	char *t = result_text(h);
	assert_string_equal(t,
			    "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n");
	free(t);
	fm_hist_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bin_edges),
	    cmocka_unit_test(test_rate_exact),
	    cmocka_unit_test(test_naive_vs_fast),
	    cmocka_unit_test(test_binary_cut),
	    cmocka_unit_test(test_filter),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_overflow_general),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_reference_rebin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

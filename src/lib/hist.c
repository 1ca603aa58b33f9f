/*
 * hist.c - exact histograms (SPEC 6), single- or multi-threaded.
 *
 * Design.  Every non-negative x maps to a bin index that is monotonic in x
 * and dense from 0 (see hist.h): idx = (k << (b-1)) + (x >> k) with
 * k = max(0, bitlen(x) - b), computed without branches from clz.  Indices
 * below a limit D live in a dense array of 128-bit sums (one row of
 * flows, packets, octets[, duration][, aggs] per bin), fed from rows of
 * wrapping 64-bit sums kept exact by bounds (struct hacc); larger indices
 * (unit bins of big values, or large b) go to an open-addressing hash map,
 * and negative x (durations of records with last < first) to a small map
 * keyed by bin_lo.  For b = 12 every 64-bit value has an index below
 * 110592, so the whole histogram is one dense array and the inner loop is
 * a load, a clz, two shifts and three adds.
 *
 * Two loops.  The basic one (x = length or size, no extra column) sums
 * into rows of 3.  The general one works in blocks of 256 records:
 * durations, rates and bin indices first, each in a pass of its own
 * (AVX-512 when the CPU has it, 8 records an instruction), then the sums,
 * into 64-byte rows of stride 8 (flows, packets, octets and the next
 * column in one 256-bit add).  Rates of +-0 (zero durations, e.g. every
 * 1-packet flow) change no rate_sum, so only the others are divided and
 * added.  From binary directories the general loop reads every column in
 * its stored width (io-int.h's raw batches), widening first.I, first_ms.H
 * and the like block by block in L1 instead of batch by batch.
 *
 * 128-bit sums cannot overflow (|sum| < 2^64 * 2^64), so integer columns
 * are exact in any order: worker threads bin contiguous record ranges into
 * accumulators of their own, merged at the end.  rate_sum is a double
 * summed in record order as the reference does, so when it is wanted and
 * several threads run, chunks of records are handed out in order to
 * whichever thread is free: the main thread bins a chunk straight into
 * the histogram when every earlier chunk's rates are in, and any other
 * chunk records x and rate into a buffer that the main thread adds, chunk
 * after chunk in record order, between its own (worker_chunks).  The
 * output is therefore the same bytes for any thread count.
 *
 * rate = 8000 * octets / duration is the exact quotient correctly rounded
 * to double (Python's int / int): plain double division when both operands
 * are exact doubles (< 2^53), else a 128-bit long division with
 * round-half-even.
 *
 * Files (hist-int.h has what they share): hist.c the API, names, bin
 * maths and the result; hist-acc.c the accumulators; hist-loop.c the
 * basic and general loops; hist-threads.c fm_hist_add_binary's workers
 * and the ordered rate pipeline.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "flowmodels/cut.h"
#include "flowmodels/filter.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"
#include "hist-int.h"
#include "num-int.h"

/* ---- names ---- */

static const char *const x_names[] = {"length", "size", "duration", "rate"};
static const char *const col_names[] = {"duration", "rate", "aggs"};

int fm_hist_x_parse(const char *name, enum fm_hist_x *out)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, x_names[i])) {
			*out = (enum fm_hist_x)i;
			return 0;
		}
	return FM_EINVAL;
}

const char *fm_hist_x_name(enum fm_hist_x x)
{
	return (unsigned)x < 4 ? x_names[x] : "?";
}

int fm_hist_col_parse(const char *name, enum fm_hist_col *out)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, col_names[i])) {
			*out = (enum fm_hist_col)i;
			return 0;
		}
	return FM_EINVAL;
}

const char *fm_hist_col_name(enum fm_hist_col c)
{
	return (unsigned)c < 3 ? col_names[c] : "?";
}

static int opts_want(const struct fm_hist_opts *o, enum fm_hist_col c)
{
	for (size_t i = 0; i < o->ncols; i++)
		if (o->cols[i] == c)
			return 1;
	return 0;
}

uint32_t fm_hist_fields(const struct fm_hist_opts *o)
{
	uint32_t f = FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_OCTETS);

	if (o->x == FM_HIST_X_DURATION || o->x == FM_HIST_X_RATE ||
	    opts_want(o, FM_HIST_COL_DURATION) ||
	    opts_want(o, FM_HIST_COL_RATE))
		f |= FM_FIELD_BIT(FM_FIRST) | FM_FIELD_BIT(FM_FIRST_MS) |
		     FM_FIELD_BIT(FM_LAST) | FM_FIELD_BIT(FM_LAST_MS);
	if (opts_want(o, FM_HIST_COL_AGGS))
		f |= FM_FIELD_BIT(FM_AGGS);
	return f;
}

static inline int eff_exp(int b)
{
	return b >= 64 || b < 0 ? 0 : b;
}

uint64_t fm_hist_bin_index(uint64_t x, int bin_exp)
{
	return bin_index(x, eff_exp(bin_exp));
}

void fm_hist_bin_of_index(uint64_t idx, int bin_exp, uint64_t *lo,
			  uint64_t *width)
{
	int b = eff_exp(bin_exp);

	if (b == 0 || idx < (UINT64_C(1) << b)) {
		*lo = idx;
		*width = 1;
		return;
	}
	int k = (int)(idx >> (b - 1)) - 1;
	uint64_t m = idx - ((uint64_t)k << (b - 1));
	*lo = m << k;
	*width = UINT64_C(1) << k;
}

void fm_hist_bin_edges(uint64_t x, int bin_exp, uint64_t *lo, uint64_t *width)
{
	fm_hist_bin_of_index(fm_hist_bin_index(x, bin_exp), bin_exp, lo, width);
}

void fm_hist_bin_edges_signed(int64_t x, int bin_exp, int64_t *lo, int64_t *hi)
{
	int b = eff_exp(bin_exp);

	if (x >= 0) {
		uint64_t l, w;
		fm_hist_bin_edges((uint64_t)x, b, &l, &w);
		*lo = (int64_t)l;
		*hi = (int64_t)(l + w); /* x < 2^63: fits */
		return;
	}
	if (b == 0) {
		*lo = x;
		*hi = x + 1;
		return;
	}
	uint64_t ax = (uint64_t)0 - (uint64_t)x; /* |x|, up to 2^63 */
	int k = bitlen64(ax) - b;
	k = k < 0 ? 0 : k;
	/* floor(x / 2^k) * 2^k: arithmetic shift rounds toward -inf */
	int64_t l = (int64_t)((uint64_t)(x >> k) << k);
	*lo = l;
	*hi = (int64_t)((uint64_t)l + (UINT64_C(1) << k));
}

/* ---- derived values ---- */

int fm_hist_duration(int64_t packets, int64_t first, int64_t first_ms,
		     int64_t last, int64_t last_ms, int64_t *out)
{
	int64_t d, t;

	if (packets == 1) {
		*out = 0;
		return 0;
	}
	if (__builtin_sub_overflow(last, first, &d) ||
	    __builtin_mul_overflow(d, 1000, &d) ||
	    __builtin_add_overflow(d, last_ms, &t) ||
	    __builtin_sub_overflow(t, first_ms, &d))
		return FM_ERANGE;
	*out = d;
	return 0;
}

static inline int bitlen128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);
	return hi ? 128 - __builtin_clzll(hi) : bitlen64((uint64_t)x);
}

double fm_div_round_u128(u128 n, uint64_t d)
{
	int shift = 0;
	u128 q = n / d, r = n % d;

	if (q < ((u128)1 << 54)) {
		int s = 55 + bitlen64(d) - bitlen128(n);
		if (s > 0) {
			n <<= s;
			shift = -s;
			q = n / d;
			r = n % d;
		}
	}
	int drop = bitlen128(q) - 53;
	uint64_t m;
	if (drop <= 0) {
		/* q < 2^53 only when n/d is exact enough: q exact, r sticky */
		m = (uint64_t)q;
		if (r) {
			/* cannot happen after scaling to >= 2^54; keep it safe
			 */
			u128 twice = (u128)r * 2;
			if (twice > d || (twice == d && (m & 1)))
				m++;
		}
		return ldexp((double)m, shift);
	}
	u128 mask = ((u128)1 << drop) - 1, half = (u128)1 << (drop - 1);
	u128 rem = q & mask;
	m = (uint64_t)(q >> drop);
	if (rem > half || (rem == half && (r != 0 || (m & 1))))
		m++;
	return ldexp((double)m, drop + shift);
}

double fm_hist_rate(uint64_t octets, int64_t dur)
{
	if (dur == 0)
		return 0.0;
	if (octets <= (UINT64_C(1) << 53) / 8000 &&
	    dur >= -(INT64_C(1) << 53) && dur <= (INT64_C(1) << 53))
		return (double)(int64_t)(octets * 8000) / (double)dur;
	if (octets == 0)
		return dur < 0 ? -0.0 : 0.0;
	uint64_t ad = dur < 0 ? (uint64_t)0 - (uint64_t)dur : (uint64_t)dur;
	double v = fm_div_round_u128((u128)octets * 8000, ad);
	return dur < 0 ? -v : v;
}

/* ---- instruction-set variants ---- */

static const char *const isa_names[FM_HIST_ISA_COUNT] = {"auto", "base", "bmi2",
							 "avx512"};

const char *fm_hist_isa_name(enum fm_hist_isa isa)
{
	return (unsigned)isa < FM_HIST_ISA_COUNT ? isa_names[isa] : NULL;
}

int fm_hist_isa_supported(enum fm_hist_isa isa)
{
	switch (isa) {
	case FM_HIST_ISA_AUTO:
	case FM_HIST_ISA_BASE:
		return 1;
#if defined(__x86_64__)
	case FM_HIST_ISA_BMI2:
		return __builtin_cpu_supports("bmi2") &&
		       __builtin_cpu_supports("sse4.1");
	case FM_HIST_ISA_AVX512:
		return __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("avx512dq") &&
		       __builtin_cpu_supports("avx512cd") &&
		       __builtin_cpu_supports("avx512vl") &&
		       __builtin_cpu_supports("bmi2");
#endif
	default:
		return 0;
	}
}

/* The variant o asks for (AUTO: the best supported), or -1. */
static int resolve_isa(enum fm_hist_isa isa)
{
	if (isa != FM_HIST_ISA_AUTO)
		return fm_hist_isa_supported(isa) ? (int)isa : -1;
	for (int i = FM_HIST_ISA_COUNT - 1; i > FM_HIST_ISA_BASE; i--)
		if (fm_hist_isa_supported((enum fm_hist_isa)i))
			return i;
	return FM_HIST_ISA_BASE;
}

int fm_hist_new(struct fm_hist **out, const struct fm_hist_opts *o,
		struct fm_error *err)
{
	int isa = resolve_isa(o->isa);

	struct fm_hist *h;

	if ((unsigned)o->x > FM_HIST_X_RATE)
		return fm_error_set(err, FM_EINVAL, "unknown x value");
	if (o->bin_exp < 0)
		return fm_error_set(err, FM_EINVAL,
				    "bin exponent must be >= 0, got %d",
				    o->bin_exp);
	if (o->ncols > FM_HIST_MAX_COLS)
		return fm_error_set(err, FM_EINVAL,
				    "too many additional columns (at most %d)",
				    FM_HIST_MAX_COLS);
	for (size_t i = 0; i < o->ncols; i++)
		if ((unsigned)o->cols[i] > FM_HIST_COL_AGGS)
			return fm_error_set(err, FM_EINVAL, "unknown column");
	if (isa < 0)
		return fm_error_set(
		    err, FM_EINVAL,
		    "instruction set '%s' is not supported by this CPU",
		    fm_hist_isa_name(o->isa) ? fm_hist_isa_name(o->isa) : "?");
	h = calloc(1, sizeof(*h));
	if (!h)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	h->o = *o;
	h->isa = (enum fm_hist_isa)isa;
	h->b = eff_exp(o->bin_exp);
	h->ncol = 3;
	h->col_dur = h->col_aggs = -1;
	if (opts_want(o, FM_HIST_COL_DURATION))
		h->col_dur = h->ncol++;
	if (opts_want(o, FM_HIST_COL_AGGS))
		h->col_aggs = h->ncol++;
	h->want_rate = opts_want(o, FM_HIST_COL_RATE);
	h->fields = fm_hist_fields(o);
	/* as acc_basic: the basic loop's rows are 3 wide, the general loop's 8
	 */
	h->srow = (o->x == FM_HIST_X_LENGTH || o->x == FM_HIST_X_SIZE) &&
			  h->ncol == 3 && !h->want_rate
		      ? 3
		      : 8;
	if (h->b == 0) {
		h->D = UINT64_C(1) << 16;
	} else {
		/* the whole index space: idx < (66 - b) * 2^(b-1) */
		h->D = h->b <= 17 ? (uint64_t)(66 - h->b) << (h->b - 1)
				  : DENSE_MAX;
		if (h->D > DENSE_MAX)
			h->D = DENSE_MAX;
	}
	if (acc_init(h, &h->acc, 1, h->want_rate) < 0) {
		free(h);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	/* workers' 64-bit rows go straight into these at the merge */
	h->acc.touch_dense = 1;
	*out = h;
	return 0;
}

void fm_hist_free(struct fm_hist *h)
{
	if (!h)
		return;
	acc_release(&h->acc);
	free(h);
}

uint64_t fm_hist_zero_packets(const struct fm_hist *h)
{
	return h->acc.zero_pkts;
}

uint64_t fm_hist_records(const struct fm_hist *h)
{
	return h->nrec;
}

int check_batch(const struct fm_hist *h, const struct fm_batch *b,
		struct fm_error *err)
{
	for (int f = 0; f < FM_NFIELDS; f++)
		if ((h->fields & FM_FIELD_BIT(f)) && !b->col[f])
			return fm_error_set(err, FM_EINVAL,
					    "batch lacks field '%s'",
					    fm_field_name(f));
	return 0;
}

int fm_hist_add(struct fm_hist *h, const struct fm_batch *b,
		struct fm_error *err)
{
	int r;

	if (b->n == 0)
		return 0;
	if ((r = check_batch(h, b, err)) < 0)
		return r;
	r = acc_add(h, &h->acc, b, 0, b->n, h->nrec, err);
	if (r < 0)
		return r;
	h->nrec += b->n;
	return 0;
}

int fm_hist_add_scan(struct fm_hist *h, struct fm_scan *s, struct fm_error *err)
{
	struct fm_batch b;
	long n;

	while ((n = fm_scan_next(s, &b, err)) > 0) {
		int r = fm_hist_add(h, &b, err);
		if (r < 0)
			return r;
	}
	return n < 0 ? (int)n : 0;
}

/* ---- output ---- */

struct keyslot {
	uint64_t key;
	size_t slot;
};

/* Sort by key (unsigned): LSD radix sort, 16-bit digits, constant digits
 * skipped. */
static int sort_keys(struct keyslot *v, size_t n)
{
	struct keyslot *tmp;
	size_t *cnt;

	if (n < 2)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	cnt = malloc(65536 * sizeof(size_t));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return FM_ENOMEM;
	}
	for (int sh = 0; sh < 64; sh += 16) {
		memset(cnt, 0, 65536 * sizeof(size_t));
		for (size_t i = 0; i < n; i++)
			cnt[(v[i].key >> sh) & 0xffff]++;
		if (cnt[(v[0].key >> sh) & 0xffff] == n)
			continue;
		size_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(v[i].key >> sh) & 0xffff]++] = v[i];
		memcpy(v, tmp, n * sizeof(*v));
	}
	free(tmp);
	free(cnt);
	return 0;
}

static int map_sorted(const struct hmap *m, int as_signed, struct keyslot **out)
{
	struct keyslot *v = malloc((m->n ? m->n : 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return FM_ENOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->used[i]) {
			/* flip the sign bit so that signed keys sort as
			 * unsigned */
			v[k].key = as_signed ? m->keys[i] ^ (UINT64_C(1) << 63)
					     : m->keys[i];
			v[k].slot = i;
			k++;
		}
	if (sort_keys(v, k) < 0) {
		free(v);
		return FM_ENOMEM;
	}
	*out = v;
	return 0;
}

size_t fm_hist_nbins(struct fm_hist *h)
{
	size_t n = h->acc.sparse.n + h->acc.neg.n;

	acc_flush_small(h, &h->acc);
	for (uint64_t i = 0; i < h->acc.lim; i++)
		if (h->acc.dense[i * (uint64_t)h->ncol] != 0)
			n++;
	return n;
}

static const char *const sum_names[] = {"flows", "packets", "octets"};

/* Store bin i of the result; FM_ERANGE when a value needs more than 64 bits. */
static int put_bin(struct fm_hist *h, struct fm_histogram *o, size_t i, i128 lo,
		   i128 hi, const i128 *v, double rate, struct fm_error *err)
{
	const i128 umax = (i128)UINT64_MAX;

	if (lo < INT64_MIN || hi > INT64_MAX)
		return fm_error_set(err, FM_ERANGE,
				    "bin with x = %s%llu is beyond the 64-bit "
				    "bin edges of csv_hist",
				    lo < 0 ? "-" : "",
				    (unsigned long long)(lo < 0 ? -lo : lo));
	o->bin_lo[i] = (int64_t)lo;
	o->bin_hi[i] = (int64_t)hi;
	for (int c = 0; c < 3; c++)
		if (v[c] < 0 || v[c] > umax)
			return fm_error_set(
			    err, FM_ERANGE,
			    "bin [%lld, %lld): %s_sum exceeds 64 bits "
			    "(csv_hist columns are 64-bit)",
			    (long long)lo, (long long)hi, sum_names[c]);
	o->flows[i] = (uint64_t)v[0];
	o->packets[i] = (uint64_t)v[1];
	o->octets[i] = (uint64_t)v[2];
	if (h->col_dur >= 0) {
		i128 d = v[h->col_dur];
		if (d < INT64_MIN || d > INT64_MAX)
			return fm_error_set(
			    err, FM_ERANGE,
			    "bin [%lld, %lld): duration_sum exceeds 64 bits "
			    "(csv_hist columns are 64-bit)",
			    (long long)lo, (long long)hi);
		o->duration[i] = (int64_t)d;
	}
	if (h->col_aggs >= 0) {
		i128 g = v[h->col_aggs];
		if (g < 0 || g > umax)
			return fm_error_set(
			    err, FM_ERANGE,
			    "bin [%lld, %lld): aggs_sum %s (csv_hist aggs are "
			    "unsigned 64-bit)",
			    (long long)lo, (long long)hi,
			    g < 0 ? "is negative" : "exceeds 64 bits");
		o->aggs[i] = (uint64_t)g;
	}
	if (h->want_rate)
		o->rate[i] = rate;
	return 0;
}

int fm_hist_result(struct fm_hist *h, struct fm_histogram *o,
		   struct fm_error *err)
{
	struct hacc *a = &h->acc;
	struct keyslot *ks = NULL;
	enum fm_hcol cols[3 + FM_HIST_MAX_COLS];
	const int ncol = h->ncol;
	size_t nc = 0, k = 0;
	int r;

	acc_flush_small(h, a);
	cols[nc++] = FM_HCOL_FLOWS;
	cols[nc++] = FM_HCOL_PACKETS;
	cols[nc++] = FM_HCOL_OCTETS;
	for (size_t i = 0; i < h->o.ncols; i++)
		cols[nc++] = h->o.cols[i] == FM_HIST_COL_DURATION
				 ? FM_HCOL_DURATION
			     : h->o.cols[i] == FM_HIST_COL_RATE ? FM_HCOL_RATE
								: FM_HCOL_AGGS;
	fm_histogram_init(o);
	r = fm_histogram_setup(o, cols, nc, err);
	if (r == 0)
		r = fm_histogram_resize(o, fm_hist_nbins(h), err);
	if (r < 0)
		goto fail;

	/* negative bins, dense bins, then the sparse ones above them */
	if (a->neg.n) {
		if (map_sorted(&a->neg, 1, &ks) < 0)
			goto nomem;
		for (size_t i = 0; i < a->neg.n && r == 0; i++) {
			size_t s = ks[i].slot;
			r = put_bin(h, o, k++, (int64_t)a->neg.keys[s],
				    a->neg.hi[s],
				    a->neg.vals + s * (size_t)ncol,
				    a->neg.rate[s], err);
		}
		free(ks);
		ks = NULL;
	}
	for (uint64_t i = 0; i < h->acc.lim && r == 0; i++) {
		const i128 *v = a->dense + i * (uint64_t)ncol;
		uint64_t lo, w;
		if (v[0] == 0)
			continue;
		fm_hist_bin_of_index(i, h->b, &lo, &w);
		r = put_bin(h, o, k++, (i128)lo, (i128)lo + (i128)w, v,
			    a->drate ? a->drate[i] : 0.0, err);
	}
	if (a->sparse.n && r == 0) {
		if (map_sorted(&a->sparse, 0, &ks) < 0)
			goto nomem;
		for (size_t i = 0; i < a->sparse.n && r == 0; i++) {
			size_t s = ks[i].slot;
			uint64_t lo, w;
			fm_hist_bin_of_index(a->sparse.keys[s], h->b, &lo, &w);
			r = put_bin(h, o, k++, (i128)lo, (i128)lo + (i128)w,
				    a->sparse.vals + s * (size_t)ncol,
				    a->sparse.rate[s], err);
		}
		free(ks);
	}
	if (r < 0)
		goto fail;
	return 0;
nomem:
	free(ks);
	r = fm_error_set(err, FM_ENOMEM, "out of memory");
fail:
	fm_histogram_release(o);
	return r;
}

int fm_hist_write(struct fm_hist *h, const char *path, struct fm_error *err)
{
	struct fm_histogram o;
	int r = fm_hist_result(h, &o, err);

	if (r < 0)
		return r;
	r = fm_histogram_write(&o, path, err);
	fm_histogram_release(&o);
	return r;
}

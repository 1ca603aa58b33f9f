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
#include "io-int.h"
#include "num-int.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

/* Dense index limit (bins; the whole index space when smaller). */
#define DENSE_MAX (UINT64_C(1) << 17)

/* ---- names ---- */

static const char *const x_names[] = { "length", "size", "duration", "rate" };
static const char *const col_names[] = { "duration", "rate", "aggs" };

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
	    opts_want(o, FM_HIST_COL_DURATION) || opts_want(o, FM_HIST_COL_RATE))
		f |= FM_FIELD_BIT(FM_FIRST) | FM_FIELD_BIT(FM_FIRST_MS) |
		     FM_FIELD_BIT(FM_LAST) | FM_FIELD_BIT(FM_LAST_MS);
	if (opts_want(o, FM_HIST_COL_AGGS))
		f |= FM_FIELD_BIT(FM_AGGS);
	return f;
}

/* ---- bin arithmetic ---- */

static inline int bitlen64(uint64_t x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* b: 0 = unit bins, else 1..63 (callers map b >= 64 to 0). */
static inline __attribute__((always_inline)) uint64_t bin_index(uint64_t x, int b)
{
	if (b == 0)
		return x;
	int k = 64 - __builtin_clzll(x | 1) - b;
	k = k < 0 ? 0 : k;
	return ((uint64_t)k << (b - 1)) + (x >> k);
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
		*hi = (int64_t)(l + w);   /* x < 2^63: fits */
		return;
	}
	if (b == 0) {
		*lo = x;
		*hi = x + 1;
		return;
	}
	uint64_t ax = (uint64_t)0 - (uint64_t)x;        /* |x|, up to 2^63 */
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
			/* cannot happen after scaling to >= 2^54; keep it safe */
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

/* ---- hash maps ---- */

struct hmap {
	uint64_t *keys;
	unsigned char *used;
	i128 *vals;        /* cap * ncol */
	double *rate;      /* cap */
	int64_t *hi;       /* cap: bin_hi of the negative-x map */
	size_t cap, n;
	int ncol;
	int with_hi;
};

static inline size_t hslot0(uint64_t key, size_t cap)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (cap - 1);
}

static void hmap_release(struct hmap *m)
{
	free(m->keys);
	free(m->used);
	free(m->vals);
	free(m->rate);
	free(m->hi);
	memset(m, 0, sizeof(*m));
}

static int hmap_alloc(struct hmap *m, size_t cap)
{
	m->cap = cap;
	m->n = 0;
	m->keys = malloc(cap * sizeof(uint64_t));
	m->used = calloc(cap, 1);
	m->vals = calloc(cap * (size_t)m->ncol, sizeof(i128));
	m->rate = calloc(cap, sizeof(double));
	m->hi = m->with_hi ? malloc(cap * sizeof(int64_t)) : NULL;
	if (!m->keys || !m->used || !m->vals || !m->rate ||
	    (m->with_hi && !m->hi))
		return FM_ENOMEM;
	return 0;
}

static int hmap_grow(struct hmap *m)
{
	struct hmap old = *m;
	int r = hmap_alloc(m, old.cap ? old.cap * 2 : 1024);

	if (r < 0) {
		hmap_release(m);
		*m = old;
		return r;
	}
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.used[i])
			continue;
		size_t s = hslot0(old.keys[i], m->cap);
		while (m->used[s])
			s = (s + 1) & (m->cap - 1);
		m->used[s] = 1;
		m->keys[s] = old.keys[i];
		memcpy(m->vals + s * (size_t)m->ncol, old.vals + i * (size_t)old.ncol,
		       (size_t)m->ncol * sizeof(i128));
		m->rate[s] = old.rate[i];
		if (m->with_hi)
			m->hi[s] = old.hi[i];
		m->n++;
	}
	hmap_release(&old);
	return 0;
}

/* Slot of key, inserted (zeroed, *isnew = 1) when absent; < 0 = no memory. */
static long hmap_slot(struct hmap *m, uint64_t key, int *isnew)
{
	if (2 * (m->n + 1) > m->cap && hmap_grow(m) < 0)
		return FM_ENOMEM;
	size_t s = hslot0(key, m->cap);
	while (m->used[s]) {
		if (m->keys[s] == key) {
			*isnew = 0;
			return (long)s;
		}
		s = (s + 1) & (m->cap - 1);
	}
	m->used[s] = 1;
	m->keys[s] = key;
	m->n++;
	*isnew = 1;
	return (long)s;
}

/* ---- accumulators ---- */

/*
 * Per-record x and rate, in record order, that a worker hands to the
 * ordered rate_sum pass (see add_binary_rates).
 */
struct rate_out {
	uint64_t *x;        /* x (a negative one as int64 bits), or index */
	double *r;
	unsigned char *neg; /* 0: x >= 0, 1: x < 0, 2: x holds a dense index */
	size_t n, cap;      /* x and r hold cap + 8 (whole vectors are stored) */
	int all_dense;      /* every neg is 2 ... */
	uint64_t top;       /* ... and every x below top */
};

struct hacc {
	int do_int, do_rate;
	/*
	 * Both loops sum into 64-bit rows (flows, packets, octets, then the
	 * signed duration and aggs columns; D * ncol): bound[c] is an upper
	 * bound of every such sum of magnitudes (records * the OR of the
	 * magnitudes, batch or block by block), kept below 2^64 for the
	 * unsigned columns and below 2^63 for the signed ones, so the
	 * wrapping 64-bit sums are exact.  The basic loop undoes a batch
	 * after which a bound could pass its limit (wrapping subtraction
	 * restores the exact rows), flushes the rows into the 128-bit ones
	 * and redoes the batch; the general loop checks each block before
	 * adding it.
	 */
	uint64_t *small;    /* D * srow (64-byte aligned in small_mem), or NULL */
	void *small_mem;
	u128 bound[5];
	int small_used;
	int dense_used;     /* anything was added to dense[] */
	uint64_t lim;       /* 1 + the largest dense index used (rows beyond are 0) */
	uint64_t touched;   /* rows whose pages acc_touch wrote */
	int touch_dense;    /* the histogram's own: its dense rows get the flush */
	i128 *dense;        /* D * ncol, NULL when !do_int */
	double *drate;      /* D, NULL when no rate column */
	struct hmap sparse; /* idx >= D */
	struct hmap neg;    /* negative x, key = (uint64_t)bin_lo */
	struct rate_out *ro;  /* when set: record x and rate of every record */
	uint64_t zero_pkts;   /* records with 0 packets, skipped */
};

struct fm_hist {
	struct fm_hist_opts o;
	int b;              /* effective bin exponent: 0 = unit bins */
	int ncol;           /* integer columns: flows, packets, octets, ... */
	int srow;           /* stride of the 64-bit rows: 3 (basic loop) or 8 */
	int col_dur, col_aggs;
	int want_rate;      /* rate_sum column */
	uint64_t D;
	uint32_t fields;
	uint64_t nrec;      /* records binned */
	struct hacc acc;    /* the histogram (all columns) */
};

static void acc_release(struct hacc *a)
{
	free(a->small_mem);
	free(a->dense);
	free(a->drate);
	hmap_release(&a->sparse);
	hmap_release(&a->neg);
	memset(a, 0, sizeof(*a));
}

static int acc_init(const struct fm_hist *h, struct hacc *a, int do_int,
		    int do_rate)
{
	memset(a, 0, sizeof(*a));
	a->do_int = do_int;
	a->do_rate = do_rate;
	a->sparse.ncol = a->neg.ncol = h->ncol;
	a->neg.with_hi = 1;
	if (do_int && !(a->dense = calloc(h->D * (size_t)h->ncol, sizeof(i128))))
		return FM_ENOMEM;
	if (do_rate && !(a->drate = calloc(h->D, sizeof(double)))) {
		acc_release(a);
		return FM_ENOMEM;
	}
	return 0;
}

int fm_hist_new(struct fm_hist **out, const struct fm_hist_opts *o,
		struct fm_error *err)
{
	struct fm_hist *h;

	if ((unsigned)o->x > FM_HIST_X_RATE)
		return fm_error_set(err, FM_EINVAL, "unknown x value");
	if (o->bin_exp < 0)
		return fm_error_set(err, FM_EINVAL,
				    "bin exponent must be >= 0, got %d", o->bin_exp);
	if (o->ncols > FM_HIST_MAX_COLS)
		return fm_error_set(err, FM_EINVAL,
				    "too many additional columns (at most %d)",
				    FM_HIST_MAX_COLS);
	for (size_t i = 0; i < o->ncols; i++)
		if ((unsigned)o->cols[i] > FM_HIST_COL_AGGS)
			return fm_error_set(err, FM_EINVAL, "unknown column");
	h = calloc(1, sizeof(*h));
	if (!h)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	h->o = *o;
	h->b = eff_exp(o->bin_exp);
	h->ncol = 3;
	h->col_dur = h->col_aggs = -1;
	if (opts_want(o, FM_HIST_COL_DURATION))
		h->col_dur = h->ncol++;
	if (opts_want(o, FM_HIST_COL_AGGS))
		h->col_aggs = h->ncol++;
	h->want_rate = opts_want(o, FM_HIST_COL_RATE);
	h->fields = fm_hist_fields(o);
	/* as acc_basic: the basic loop's rows are 3 wide, the general loop's 8 */
	h->srow = (o->x == FM_HIST_X_LENGTH || o->x == FM_HIST_X_SIZE) &&
		  h->ncol == 3 && !h->want_rate ? 3 : 8;
	if (h->b == 0) {
		h->D = UINT64_C(1) << 16;
	} else {
		/* the whole index space: idx < (66 - b) * 2^(b-1) */
		h->D = h->b <= 17 ? (uint64_t)(66 - h->b) << (h->b - 1) : DENSE_MAX;
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

/*
 * The fast loop: x = packets or octets, only flows/packets/octets summed,
 * no rate.  Values are unsigned, so there is no negative bin.  Compiled
 * twice: for the baseline x86-64 and, chosen at run time, with BMI2,
 * whose one-uop variable shifts (shlx/shrx) make the bin index cheaper
 * than shl/shr by cl (three uops each).  It sums into 64-bit rows, which
 * take half the stores of 128-bit ones (see struct hacc for exactness).
 */
/*
 * Add a batch to the 64-bit rows (sign = +1), or undo it (sign = -1, the
 * same records again).  Returns the OR of the packets and of the
 * octets, for the bound.  Sparse bins (idx >= D) get 128-bit sums at once,
 * so an undo skips them.
 */
struct orpair {
	uint64_t p, o;
};

static inline __attribute__((always_inline)) struct orpair
add_small_body(const struct fm_hist *h, struct hacc *a, const uint64_t *xs,
	       const uint64_t *pk, const uint64_t *oc, size_t n, int sign,
	       int *rc)
{
	const int b = h->b;
	const uint64_t D = h->D;
	uint64_t *small = a->small;
	struct orpair or2 = { 0, 0 };
	const uint64_t one = sign > 0 ? 1 : (uint64_t)0 - 1;

	for (size_t i = 0; i < n; i++) {
		uint64_t idx = bin_index(xs[i], b);
		uint64_t p = pk[i], o = oc[i];
		or2.p |= p;
		or2.o |= o;
		if (__builtin_expect(idx < D, 1)) {
			uint64_t *e = small + idx * 3;
			e[0] += one;
			if (sign > 0) {
				e[1] += p;
				e[2] += o;
			} else {
				e[1] -= p;
				e[2] -= o;
			}
		} else if (sign > 0) {
			int isnew;
			long s = hmap_slot(&a->sparse, idx, &isnew);
			if (s < 0) {
				*rc = (int)s;
				return or2;
			}
			i128 *e = a->sparse.vals + (size_t)s * 3;
			e[0] += 1;
			e[1] += (i128)p;
			e[2] += (i128)o;
		}
	}
	return or2;
}

static struct orpair add_small_plain(const struct fm_hist *h, struct hacc *a,
				     const uint64_t *xs, const uint64_t *pk,
				     const uint64_t *oc, size_t n, int sign,
				     int *rc)
{
	if (sign > 0)
		return add_small_body(h, a, xs, pk, oc, n, 1, rc);
	return add_small_body(h, a, xs, pk, oc, n, -1, rc);
}

#if defined(__x86_64__)
#define HAVE_BMI2_CLONE 1
__attribute__((target("bmi,bmi2")))
static struct orpair add_small_bmi2(const struct fm_hist *h, struct hacc *a,
				    const uint64_t *xs, const uint64_t *pk,
				    const uint64_t *oc, size_t n, int sign,
				    int *rc)
{
	if (sign > 0)
		return add_small_body(h, a, xs, pk, oc, n, 1, rc);
	return add_small_body(h, a, xs, pk, oc, n, -1, rc);
}
#endif

/*
 * The 64-bit rows, zeroed (lazily, by calloc) and aligned to 64 bytes, so
 * that a row of stride 8 is one cache line.
 */
static int small_alloc(const struct fm_hist *h, struct hacc *a)
{
	if (a->small)
		return 0;
	a->small_mem = calloc(h->D * (size_t)h->srow + 8, sizeof(uint64_t));
	if (!a->small_mem)
		return FM_ENOMEM;
	a->small = (uint64_t *)(((uintptr_t)a->small_mem + 63) & ~(uintptr_t)63);
	return 0;
}

/*
 * Write a zero into every whole page of rows [from, to) of an array (rows
 * of stride bytes at base), rows that hold zeros: no value changes.
 */
static void touch_pages(void *base, size_t stride, uint64_t from, uint64_t to)
{
	uintptr_t p = ((uintptr_t)base + from * stride + 4095) & ~(uintptr_t)4095;
	uintptr_t end = (uintptr_t)base + to * stride;

	for (; p + 8 <= end; p += 4096)
		*(volatile uint64_t *)p = 0;
}

/*
 * Before rows below `to` are first added to: write their pages first.  A
 * fresh page first read (by +=) maps the shared zero page, and replacing
 * it at the first store flushes the TLB of every CPU running one of our
 * threads (an inter-processor interrupt each, dear in a virtual machine);
 * a page first written is simply allocated.
 */
static void acc_touch(const struct fm_hist *h, struct hacc *a, uint64_t to)
{
	/* rows at or beyond lim are zero in every array (and unused) */
	uint64_t from = a->touched > a->lim ? a->touched : a->lim;

	if (to <= from)
		return;
	to = to + 64 < h->D ? to + 64 : h->D;   /* a little ahead */
	if (a->small)
		touch_pages(a->small, (size_t)h->srow * 8, from, to);
	if (a->dense && a->touch_dense)
		touch_pages(a->dense, (size_t)h->ncol * sizeof(i128), from, to);
	if (a->drate)
		touch_pages(a->drate, sizeof(double), from, to);
	a->touched = to;
}

/*
 * Add 64-bit rows into 128-bit ones: columns 0..2 are unsigned, the
 * others (duration, aggs) signed.  A row with no flows is all zero.
 */
static void small_into(const struct fm_hist *h, i128 *dense,
		       uint64_t *small, uint64_t lim, int clear)
{
	const int ncol = h->ncol;

	for (uint64_t i = 0; i < lim; i++) {
		uint64_t *s = small + i * (uint64_t)h->srow;
		if (s[0] == 0)
			continue;
		i128 *d = dense + i * (uint64_t)ncol;
		d[0] += (i128)s[0];
		d[1] += (i128)s[1];
		d[2] += (i128)s[2];
		for (int c = 3; c < ncol; c++)
			d[c] += (i128)(int64_t)s[c];
		if (clear)
			memset(s, 0, (size_t)ncol * sizeof(*s));
	}
}

/* Move the 64-bit rows into the 128-bit ones (exact) and reset them. */
static void acc_flush_small(const struct fm_hist *h, struct hacc *a)
{
	if (!a->small || !a->small_used)
		return;
	small_into(h, a->dense, a->small, a->lim, 1);
	memset(a->bound, 0, sizeof(a->bound));
	a->small_used = 0;
	a->dense_used = 1;
}

/* |v| as an unsigned number (2^63 for INT64_MIN). */
static inline uint64_t mag64(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/*
 * Whether a block of m records whose magnitudes OR to op (packets), oo
 * (octets), od (duration), oa (aggs) can go into the 64-bit rows; if so,
 * the bounds are raised by it.
 */
static inline int small_room(const struct fm_hist *h, struct hacc *a,
			     size_t m, uint64_t op, uint64_t oo, uint64_t od,
			     uint64_t oa)
{
	const u128 lim = (u128)1 << 64, slim = (u128)1 << 63;
	const int cd = h->col_dur, ca = h->col_aggs;
	u128 b0 = a->bound[0] + m, b1 = a->bound[1] + (u128)m * op;
	u128 b2 = a->bound[2] + (u128)m * oo;
	u128 bd = cd >= 0 ? a->bound[cd] + (u128)m * od : 0;
	u128 ba = ca >= 0 ? a->bound[ca] + (u128)m * oa : 0;

	if (b0 >= lim || b1 >= lim || b2 >= lim || bd >= slim || ba >= slim)
		return 0;
	a->bound[0] = b0;
	a->bound[1] = b1;
	a->bound[2] = b2;
	if (cd >= 0)
		a->bound[cd] = bd;
	if (ca >= 0)
		a->bound[ca] = ba;
	return 1;
}

static struct orpair add_small(const struct fm_hist *h, struct hacc *a,
			       const uint64_t *xs, const uint64_t *pk,
			       const uint64_t *oc, size_t n, int sign, int *rc)
{
#ifdef HAVE_BMI2_CLONE
	if (__builtin_cpu_supports("bmi2"))
		return add_small_bmi2(h, a, xs, pk, oc, n, sign, rc);
#endif
	return add_small_plain(h, a, xs, pk, oc, n, sign, rc);
}

static int add_basic(const struct fm_hist *h, struct hacc *a,
		     const uint64_t *xs, const uint64_t *pk, const uint64_t *oc,
		     size_t n)
{
	const u128 lim = (u128)1 << 64;
	int rc = 0;

	if (small_alloc(h, a) < 0)
		return FM_ENOMEM;
	a->small_used = 1;
	struct orpair or2 = add_small(h, a, xs, pk, oc, n, 1, &rc);
	if (rc < 0)
		return rc;
	/* the OR of the x values >= their largest: its index bounds theirs */
	uint64_t top = bin_index(xs == pk ? or2.p : or2.o, h->b);
	top = top < h->D ? top + 1 : h->D;
	if (a->lim < top)
		a->lim = top;
	/* n * OR >= the sum of the batch's values */
	u128 bp = (u128)n * or2.p, bo = (u128)n * or2.o;
	if (a->bound[0] + n < lim && a->bound[1] + bp < lim && a->bound[2] + bo < lim) {
		a->bound[0] += n;
		a->bound[1] += bp;
		a->bound[2] += bo;
		return 0;
	}
	/* a sum might have wrapped: undo the batch, flush, redo it */
	add_small(h, a, xs, pk, oc, n, -1, &rc);
	acc_flush_small(h, a);
	if (bp < lim && bo < lim) {
		a->small_used = 1;
		a->bound[0] = n;
		a->bound[1] = bp;
		a->bound[2] = bo;
		/* the sparse bins already have this batch: only the dense rows */
		const int b = h->b;
		for (size_t i = 0; i < n; i++) {
			uint64_t idx = bin_index(xs[i], b);
			if (idx < h->D) {
				uint64_t *e = a->small + idx * 3;
				e[0] += 1;
				e[1] += pk[i];
				e[2] += oc[i];
			}
		}
		return 0;
	}
	/* this batch alone could wrap: 128-bit rows, dense part only */
	a->dense_used = 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t idx = bin_index(xs[i], h->b);
		if (idx < h->D) {
			i128 *e = a->dense + idx * 3;
			e[0] += 1;
			e[1] += (i128)pk[i];
			e[2] += (i128)oc[i];
		}
	}
	return 0;
}

/* Records are worked on in blocks: derived values first, then the sums. */
#define BLK 256

/*
 * One record the hard way: a negative x, a bin index beyond the dense
 * array, or a rate outside the 64-bit bins.
 */
static int add_one(const struct fm_hist *h, struct hacc *a, uint64_t pk,
		   uint64_t oc, int64_t dur, double rate, int64_t aggs,
		   uint64_t recno, struct fm_error *err)
{
	const int ncol = h->ncol;
	int64_t sx = 0;
	uint64_t ux = 0;
	int neg = 0;
	i128 *e;
	double *er;

	switch (h->o.x) {
	case FM_HIST_X_LENGTH: ux = pk; break;
	case FM_HIST_X_SIZE: ux = oc; break;
	case FM_HIST_X_DURATION: sx = dur; neg = dur < 0; ux = (uint64_t)dur; break;
	case FM_HIST_X_RATE: {
		double fl = floor(rate);
		if (!(fl >= -9223372036854775808.0 && fl < 18446744073709551616.0))
			return fm_error_set(err, FM_ERANGE,
				"record %llu: rate %.17g bit/s is beyond the 64-bit bins",
				(unsigned long long)recno, rate);
		if (fl < 0) {
			sx = (int64_t)fl;
			neg = 1;
		} else {
			ux = (uint64_t)fl;
		}
		break;
	}
	}
	if (neg) {
		int64_t lo, hi;
		int isnew;
		fm_hist_bin_edges_signed(sx, h->b, &lo, &hi);
		long s = hmap_slot(&a->neg, (uint64_t)lo, &isnew);
		if (s < 0)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		if (isnew)
			a->neg.hi[s] = hi;   /* the first record's bin_hi, as the reference */
		e = a->neg.vals + (size_t)s * (size_t)ncol;
		er = a->neg.rate + s;
	} else {
		uint64_t idx = bin_index(ux, h->b);
		if (idx < h->D) {
			if (a->lim <= idx) {
				acc_touch(h, a, idx + 1);
				a->lim = idx + 1;
			}
			e = a->dense ? a->dense + idx * (uint64_t)ncol : NULL;
			er = a->drate ? a->drate + idx : NULL;
		} else {
			int isnew;
			long s = hmap_slot(&a->sparse, idx, &isnew);
			if (s < 0)
				return fm_error_set(err, FM_ENOMEM, "out of memory");
			e = a->sparse.vals + (size_t)s * (size_t)ncol;
			er = a->sparse.rate + s;
		}
	}
	if (a->do_int) {
		e[0] += 1;
		e[1] += (i128)pk;
		e[2] += (i128)oc;
		if (h->col_dur >= 0)
			e[h->col_dur] += dur;
		if (h->col_aggs >= 0)
			e[h->col_aggs] += aggs;
	}
	if (a->do_rate && h->want_rate && !a->ro)   /* recording: added later */
		*er += rate;
	return 0;
}

/*
 * The general loop's input columns: packets, octets, first, first_ms,
 * last, last_ms, aggs, each int64 ('q', a batch's columns) or in its
 * stored width (a binary source's raw batch, struct fm_raw_batch), widened
 * here block by block into buffers that stay in L1 instead of whole
 * batches.  p[k] is NULL for a column the histogram does not read.
 */
enum { IN_P, IN_O, IN_F, IN_FM, IN_L, IN_LM, IN_A, IN_N };

static const int in_field[IN_N] = {
	FM_PACKETS, FM_OCTETS, FM_FIRST, FM_FIRST_MS, FM_LAST, FM_LAST_MS,
	FM_AGGS
};

struct gsrc {
	const void *p[IN_N];
	char code[IN_N];
};

/* Column k of records [o, o+m) as int64: in place, or widened into buf. */
static inline __attribute__((always_inline)) const int64_t *
col64(const struct gsrc *g, int k, size_t o, size_t m, int64_t *buf)
{
	const void *p = g->p[k];

#define WIDEN(T) do { \
		const T *q = (const T *)p + o; \
		for (size_t i = 0; i < m; i++) \
			buf[i] = (int64_t)q[i]; \
		return buf; \
	} while (0)
	switch (g->code[k]) {
	case 'b': WIDEN(int8_t);
	case 'B': WIDEN(uint8_t);
	case 'h': WIDEN(int16_t);
	case 'H': WIDEN(uint16_t);
	case 'i': WIDEN(int32_t);
	case 'I': WIDEN(uint32_t);
	default: return (const int64_t *)p + o;
	}
#undef WIDEN
}

/* Per-block scratch of the general loop. */
struct gblk {
	int64_t dur[BLK];
	double rate[BLK];
	uint64_t idx[BLK];
	int64_t w[IN_N][BLK];   /* widened columns */
	/* the nonzero rates, compressed (avx_rate_nz) */
	double cq[BLK + 8], cd[BLK + 8];
	uint64_t ci[BLK + 8];
};

/*
 * AVX-512 versions of the general loop's first passes over a full block
 * (BLK records, a multiple of 8): the same values as the scalar loops,
 * eight records per instruction.  Compiled for AVX-512 F/DQ/CD/VL only and
 * called from the clone built for them (general_block with isa = 2).
 */
#ifdef HAVE_BMI2_CLONE
#define AVX512_TARGET "bmi,bmi2,avx2,avx512f,avx512dq,avx512cd,avx512vl"

/*
 * The durations of 8 records from their last, first and milliseconds as
 * int64 (1-packet flows 0) into dur[0..8), their magnitudes ORed into
 * *vod.
 */
__attribute__((target(AVX512_TARGET))) static inline __attribute__((always_inline)) void
dur8(__m512i l, __m512i f, __m512i lm, __m512i fm, const int64_t *P,
     int64_t *dur, __m512i *vod)
{
	__m512i t = _mm512_sub_epi64(_mm512_add_epi64(
			_mm512_mullo_epi64(_mm512_sub_epi64(l, f), _mm512_set1_epi64(1000)),
			lm), fm);
	__mmask8 many = _mm512_cmpneq_epi64_mask(_mm512_loadu_si512(P), _mm512_set1_epi64(1));
	__m512i d = _mm512_maskz_mov_epi64(many, t);
	_mm512_storeu_si512(dur, d);
	*vod = _mm512_or_si512(*vod, _mm512_abs_epi64(d));
}

/* Durations as the scalar pass (1-packet flows 0); returns `big`. */
__attribute__((target(AVX512_TARGET))) static inline uint64_t
avx_dur(const int64_t *P, const int64_t *F, const int64_t *FM,
	const int64_t *L, const int64_t *LM, int64_t *dur, uint64_t *od)
{
	const __m512i lim = _mm512_set1_epi64(INT64_C(1) << 40);
	__m512i big = _mm512_setzero_si512(), vod = _mm512_setzero_si512();

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i l = _mm512_loadu_si512(L + i), f = _mm512_loadu_si512(F + i);
		__m512i lm = _mm512_loadu_si512(LM + i), fm = _mm512_loadu_si512(FM + i);
		big = _mm512_or_si512(big, _mm512_or_si512(
			_mm512_or_si512(_mm512_add_epi64(l, lim), _mm512_add_epi64(f, lim)),
			_mm512_or_si512(_mm512_add_epi64(lm, lim), _mm512_add_epi64(fm, lim))));
		dur8(l, f, lm, fm, P + i, dur + i, &vod);
	}
	*od |= (uint64_t)_mm512_reduce_or_epi64(vod);
	return (uint64_t)_mm512_reduce_or_epi64(big);
}

/*
 * avx_dur straight from the stored columns when first and last are 'I'
 * and their milliseconds 'H' (the writer's codes): no widened copies, and
 * no range check (values of 32 bits cannot make a duration overflow).
 */
__attribute__((target(AVX512_TARGET))) static inline void
avx_dur_IH(const int64_t *P, const uint32_t *F, const uint16_t *FM,
	   const uint32_t *L, const uint16_t *LM, int64_t *dur, uint64_t *od)
{
	__m512i vod = _mm512_setzero_si512();

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i l = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const void *)(L + i)));
		__m512i f = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const void *)(F + i)));
		__m512i lm = _mm512_cvtepu16_epi64(_mm_loadu_si128((const void *)(LM + i)));
		__m512i fm = _mm512_cvtepu16_epi64(_mm_loadu_si128((const void *)(FM + i)));
		dur8(l, f, lm, fm, P + i, dur + i, &vod);
	}
	*od |= (uint64_t)_mm512_reduce_or_epi64(vod);
}

/* Rates of operands that are exact doubles; returns nonzero when some are not. */
__attribute__((target(AVX512_TARGET))) static inline int
avx_rate(const int64_t *O, const int64_t *dur, double *rate)
{
	const __m512i olim = _mm512_set1_epi64((INT64_C(1) << 53) / 8000);
	const __m512i dlim = _mm512_set1_epi64(INT64_C(1) << 54);
	const __m512i doff = _mm512_set1_epi64(INT64_C(1) << 53);
	const __m512i k8000 = _mm512_set1_epi64(8000);
	__mmask8 hard = 0;

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i o = _mm512_loadu_si512(O + i), d = _mm512_loadu_si512(dur + i);
		hard |= _mm512_cmpgt_epu64_mask(o, olim) |
			_mm512_cmpgt_epu64_mask(_mm512_add_epi64(d, doff), dlim);
		__m512d num = _mm512_cvtepi64_pd(_mm512_mullo_epi64(o, k8000));
		__mmask8 nz = _mm512_test_epi64_mask(d, d);
		/* d == 0: +0.0, no division */
		__m512d q = _mm512_maskz_div_pd(nz, num, _mm512_cvtepi64_pd(d));
		_mm512_storeu_pd(rate + i, q);
	}
	return hard != 0;
}

/*
 * The rates of the records with a duration, compressed: for j < the
 * returned count, cq[j] is the rate of the j-th such record and ci[j] its
 * bin index (from idx).  A rate of +-0 changes no rate_sum (the sums start
 * at +0 and never become -0), so the others need no division and no add.
 * Returns (size_t)-1 when some operand is not an exact double.  cq, cd
 * and ci hold BLK + 8 elements (whole vectors are stored).
 */
__attribute__((target(AVX512_TARGET))) static inline size_t
avx_rate_nz(const int64_t *O, const int64_t *dur, const uint64_t *idx,
	    double *cq, double *cd, uint64_t *ci)
{
	const __m512i olim = _mm512_set1_epi64((INT64_C(1) << 53) / 8000);
	const __m512i dlim = _mm512_set1_epi64(INT64_C(1) << 54);
	const __m512i doff = _mm512_set1_epi64(INT64_C(1) << 53);
	const __m512i k8000 = _mm512_set1_epi64(8000);
	__mmask8 hard = 0;
	size_t n = 0;

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i o = _mm512_loadu_si512(O + i), d = _mm512_loadu_si512(dur + i);
		hard |= _mm512_cmpgt_epu64_mask(o, olim) |
			_mm512_cmpgt_epu64_mask(_mm512_add_epi64(d, doff), dlim);
		__mmask8 nz = _mm512_test_epi64_mask(d, d);
		__m512d num = _mm512_cvtepi64_pd(_mm512_mullo_epi64(o, k8000));
		_mm512_storeu_pd(cq + n, _mm512_maskz_compress_pd(nz, num));
		_mm512_storeu_pd(cd + n, _mm512_maskz_compress_pd(nz, _mm512_cvtepi64_pd(d)));
		_mm512_storeu_si512(ci + n, _mm512_maskz_compress_epi64(nz,
					_mm512_loadu_si512(idx + i)));
		n += (size_t)__builtin_popcount(nz);
	}
	if (hard)
		return (size_t)-1;
	for (size_t j = 0; j < n; j += 8) {
		/* the last vector: only the lanes stored above */
		__mmask8 mk = n - j >= 8 ? 0xff : (__mmask8)((1u << (n - j)) - 1);
		__m512d q = _mm512_maskz_div_pd(mk, _mm512_maskz_loadu_pd(mk, cq + j),
						_mm512_maskz_loadu_pd(mk, cd + j));
		_mm512_mask_storeu_pd(cq + j, mk, q);
	}
	return n;
}

/*
 * xs[i] = floor(rate[i]) as an unsigned 64-bit number; returns nonzero
 * when some floor is negative or beyond 2^64 (the block goes the slow way).
 */
__attribute__((target(AVX512_TARGET))) static inline int
avx_floor_u64(const double *rate, uint64_t *xs)
{
	const __m512d zero = _mm512_setzero_pd(), top = _mm512_set1_pd(18446744073709551616.0);
	__mmask8 bad = 0;

	for (size_t i = 0; i < BLK; i += 8) {
		__m512d fl = _mm512_roundscale_pd(_mm512_loadu_pd(rate + i),
						  _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
		__mmask8 ok = _mm512_cmp_pd_mask(fl, zero, _CMP_GE_OQ) &
			      _mm512_cmp_pd_mask(fl, top, _CMP_LT_OQ);
		bad |= (__mmask8)~ok;
		_mm512_storeu_si512(xs + i, _mm512_maskz_cvttpd_epu64(ok, fl));
	}
	return bad != 0;
}

/*
 * Bin indices of X (unsigned), their largest, the ORs of P and O.  b:
 * 1..63 (0 = unit bins: idx = x).
 */
__attribute__((target(AVX512_TARGET))) static inline void
avx_idx(const int64_t *X, const int64_t *P, const int64_t *O, int b,
	uint64_t *idx, uint64_t *mx, uint64_t *op, uint64_t *oo)
{
	const __m512i vone = _mm512_set1_epi64(1), zero = _mm512_setzero_si512();
	const __m512i vb = _mm512_set1_epi64(64 - b);
	const __m128i sh = _mm_cvtsi32_si128(b > 0 ? b - 1 : 0);
	__m512i vmx = zero, vop = zero, voo = zero;

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i x = _mm512_loadu_si512(X + i), ix;
		if (b == 0) {
			ix = x;
		} else {
			/* k = max(0, bitlen(x|1) - b) = max(0, 64 - b - lzcnt) */
			__m512i k = _mm512_max_epi64(_mm512_sub_epi64(vb,
				_mm512_lzcnt_epi64(_mm512_or_si512(x, vone))), zero);
			ix = _mm512_add_epi64(_mm512_sll_epi64(k, sh), _mm512_srlv_epi64(x, k));
		}
		_mm512_storeu_si512(idx + i, ix);
		vmx = _mm512_max_epu64(vmx, ix);
		vop = _mm512_or_si512(vop, _mm512_loadu_si512(P + i));
		voo = _mm512_or_si512(voo, _mm512_loadu_si512(O + i));
	}
	*mx = (uint64_t)_mm512_reduce_max_epu64(vmx);
	*op |= (uint64_t)_mm512_reduce_or_epi64(vop);
	*oo |= (uint64_t)_mm512_reduce_or_epi64(voo);
}
#endif

#ifdef HAVE_BMI2_CLONE
/*
 * Add a full block into 64-bit rows of stride 8 (64-byte aligned, one
 * cache line each): flows, packets, octets, column 3 (V3) and column 4
 * (V4; NULL = none) in one 512-bit add per record; A32, when not NULL,
 * gives column a_col (aggs stored as 'I') instead.  Eight records' values
 * are transposed into their rows' layout with two unpacks and a permute
 * each.
 */
__attribute__((target(AVX512_TARGET))) static inline void
avx_rows(uint64_t *small, const uint64_t *idx, const int64_t *P,
	 const int64_t *O, const int64_t *V3, const int64_t *V4,
	 const uint32_t *A32, int a_col)
{
	const __m512i one = _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, 1);
	const __m512i zero = _mm512_setzero_si512();
	/* record 2k (+1): packets, octets from a[2k], a[2k+1]; V3, V4 from b */
	const __m512i sel[4] = {
		_mm512_set_epi64(0, 0, 0, 9, 8, 1, 0, 0),
		_mm512_set_epi64(0, 0, 0, 11, 10, 3, 2, 0),
		_mm512_set_epi64(0, 0, 0, 13, 12, 5, 4, 0),
		_mm512_set_epi64(0, 0, 0, 15, 14, 7, 6, 0),
	};

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i p = _mm512_loadu_si512(P + i), o = _mm512_loadu_si512(O + i);
		__m512i v3 = V3 ? _mm512_loadu_si512(V3 + i) : zero;
		__m512i v4 = V4 ? _mm512_loadu_si512(V4 + i) : zero;
		if (A32) {
			__m512i a = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const void *)(A32 + i)));
			if (a_col == 3)
				v3 = a;
			else
				v4 = a;
		}
		__m512i ev = _mm512_unpacklo_epi64(p, o), od = _mm512_unpackhi_epi64(p, o);
		__m512i ev34 = _mm512_unpacklo_epi64(v3, v4), od34 = _mm512_unpackhi_epi64(v3, v4);
		for (int k = 0; k < 4; k++) {
			__m512i r0 = _mm512_or_si512(one, _mm512_maskz_permutex2var_epi64(0x1e, ev, sel[k], ev34));
			__m512i r1 = _mm512_or_si512(one, _mm512_maskz_permutex2var_epi64(0x1e, od, sel[k], od34));
			uint64_t *e0 = small + (idx[i + 2 * k] << 3);
			_mm512_store_si512(e0, _mm512_add_epi64(_mm512_load_si512(e0), r0));
			uint64_t *e1 = small + (idx[i + 2 * k + 1] << 3);
			_mm512_store_si512(e1, _mm512_add_epi64(_mm512_load_si512(e1), r1));
		}
	}
}
#endif

/*
 * rate[i] for the m records of a block (vec: a full block in the AVX-512
 * clone).
 */
static inline __attribute__((always_inline)) void
block_rates(const int64_t *O, const int64_t *dur, double *rate, const size_t m,
	    const int vec)
{
	size_t r0 = 0;

#ifdef HAVE_BMI2_CLONE
	if (vec) {
		if (!avx_rate(O, dur, rate))
			r0 = m;
	} else
#else
	(void)vec;
#endif
#ifdef __SSE2__
	{
		/*
		 * Two quotients per divpd (the same correctly rounded IEEE
		 * quotients as divsd) when every operand of the block is an
		 * exact double; else the loop below.
		 */
		uint64_t hard = 0;
		for (size_t i = 0; i < m; i++)
			hard |= ((uint64_t)O[i] > (UINT64_C(1) << 53) / 8000) |
				((uint64_t)dur[i] + (UINT64_C(1) << 53) > (UINT64_C(1) << 54));
		if (!hard) {
			const __m128d zero = _mm_setzero_pd();
			for (; r0 + 2 <= m; r0 += 2) {
				int64_t d0 = dur[r0], d1 = dur[r0 + 1];
				__m128d num = _mm_set_pd((double)(int64_t)((uint64_t)O[r0 + 1] * 8000),
							 (double)(int64_t)((uint64_t)O[r0] * 8000));
				__m128d den = _mm_set_pd((double)d1, (double)d0);
				__m128d nz = _mm_cmpneq_pd(den, zero);
				/* d == 0: divide by 1, then the mask gives +0.0 */
				__m128d q = _mm_div_pd(num, _mm_or_pd(_mm_and_pd(nz, den),
								      _mm_andnot_pd(nz, _mm_set1_pd(1.0))));
				_mm_storeu_pd(rate + r0, _mm_and_pd(q, nz));
			}
		}
	}
#else
	{
	}
#endif
	for (size_t i = r0; i < m; i++) {
		uint64_t oc = (uint64_t)O[i];
		int64_t d = dur[i];
		if (__builtin_expect(oc > (UINT64_C(1) << 53) / 8000 ||
				     d < -(INT64_C(1) << 53) || d > (INT64_C(1) << 53), 0)) {
			rate[i] = fm_hist_rate(oc, d);
			continue;
		}
		/* branchless on d == 0 (unpredictable) */
		double q = (double)(int64_t)(oc * 8000) / (double)(d == 0 ? 1 : d);
		rate[i] = d == 0 ? 0.0 : q;
	}
}

/*
 * One block of m records (m = BLK for every block but a batch's last, so
 * that the compiler knows the trip count of the full blocks' loops and
 * vectorises them).  recno: the block's first record (0-based).  isa:
 * 2 in the AVX-512 clone (full blocks take the avx_ passes), else 0.
 */
static inline __attribute__((always_inline)) int
general_block(const struct fm_hist *h, struct hacc *a, const struct gsrc *g,
	      size_t o, const size_t m, uint64_t recno, struct gblk *k,
	      const int isa, struct fm_error *err)
{
	const int vec = isa == 2 && m == BLK;
	const int b = h->b, ncol = h->ncol, cd = h->col_dur, ca = h->col_aggs;
	const uint64_t D = h->D;
	const enum fm_hist_x xk = h->o.x;
	/* recording (ro): the rates are added later, in record order */
	const int add_int = a->do_int, add_rate = a->do_rate && h->want_rate && !a->ro;
	struct rate_out *ro = a->ro;
	const int need_rate = xk == FM_HIST_X_RATE || add_rate || ro;
	const int need_dur = need_rate || xk == FM_HIST_X_DURATION ||
			     (add_int && cd >= 0);
	const int need_aggs = add_int && ca >= 0;
	int64_t *restrict dur = k->dur;
	double *restrict rate = k->rate;
	uint64_t *restrict idx = k->idx;
	const int64_t *P = col64(g, IN_P, o, m, k->w[IN_P]);
	const int64_t *O = col64(g, IN_O, o, m, k->w[IN_O]);
	/*
	 * In AVX-512 blocks, columns in the writer's codes (first and last
	 * 'I', their milliseconds 'H', aggs 'I') are read where they lie
	 * instead of being widened first; A then stays NULL until a slow
	 * path needs it.
	 */
	const int dur_ih = vec && g->code[IN_F] == 'I' && g->code[IN_L] == 'I' &&
			   g->code[IN_FM] == 'H' && g->code[IN_LM] == 'H';
	const uint32_t *A32 = vec && need_aggs && g->code[IN_A] == 'I' ?
			      (const uint32_t *)g->p[IN_A] + o : NULL;
	const int64_t *A = need_aggs && !A32 ? col64(g, IN_A, o, m, k->w[IN_A]) : NULL;
	int slow = 0, have_mx = 0;
	/* ORs of the magnitudes (for the 64-bit rows), largest index */
	uint64_t op = 0, oo = 0, od = 0, oa = 0, mx = 0;

	if (need_dur && dur_ih) {
#ifdef HAVE_BMI2_CLONE
		avx_dur_IH(P, (const uint32_t *)g->p[IN_F] + o,
			   (const uint16_t *)g->p[IN_FM] + o,
			   (const uint32_t *)g->p[IN_L] + o,
			   (const uint16_t *)g->p[IN_LM] + o, dur, &od);
#endif
	} else if (need_dur) {
		const int64_t *F = col64(g, IN_F, o, m, k->w[IN_F]);
		const int64_t *FM = col64(g, IN_FM, o, m, k->w[IN_FM]);
		const int64_t *L = col64(g, IN_L, o, m, k->w[IN_L]);
		const int64_t *LM = col64(g, IN_LM, o, m, k->w[IN_LM]);
		const uint64_t lim = UINT64_C(1) << 40;
		uint64_t big = 0;
		/* all four in [-2^40, 2^40): the duration fits easily */
#ifdef HAVE_BMI2_CLONE
		if (vec)
			big = avx_dur(P, F, FM, L, LM, dur, &od);
		else
#endif
		for (size_t i = 0; i < m; i++) {
			uint64_t t = ((uint64_t)L[i] - (uint64_t)F[i]) * 1000u +
				     (uint64_t)LM[i] - (uint64_t)FM[i];
			big |= ((uint64_t)L[i] + lim) | ((uint64_t)F[i] + lim) |
			       ((uint64_t)LM[i] + lim) | ((uint64_t)FM[i] + lim);
			/* branchless: 1-packet flows are common and random */
			int64_t d = (int64_t)(t & ((uint64_t)0 - (uint64_t)(P[i] != 1)));
			dur[i] = d;
			od |= mag64(d);
		}
		if (big >> 41) {
			for (size_t i = 0; i < m; i++)
				if (fm_hist_duration(P[i], F[i], FM[i], L[i], LM[i], &dur[i]) < 0)
					return fm_error_set(err, FM_ERANGE,
						"record %llu: duration (last %lld.%03lld - first %lld.%03lld) does not fit in 64 bits",
						(unsigned long long)(recno + i + 1),
						(long long)L[i], (long long)LM[i],
						(long long)F[i], (long long)FM[i]);
			od = 0;
			for (size_t i = 0; i < m; i++)
				od |= mag64(dur[i]);
		}
	}
	/*
	 * In the AVX-512 clone, x length, size or duration: the rates after
	 * the indices, compressed to the nonzero ones (avx_rate_nz) when
	 * every index is dense; else rate[] for every record.
	 */
	const int comp = vec && need_rate && xk != FM_HIST_X_RATE;
	size_t nnz = (size_t)-1;
	if (need_rate && !comp)
		block_rates(O, dur, rate, m, vec);
	switch (xk) {
	case FM_HIST_X_LENGTH:
	case FM_HIST_X_SIZE: {
		/* one pass: indices, the largest, the ORs */
		const int64_t *X = xk == FM_HIST_X_LENGTH ? P : O;
		have_mx = 1;
#ifdef HAVE_BMI2_CLONE
		if (vec) {
			avx_idx(X, P, O, b, idx, &mx, &op, &oo);
			break;
		}
#endif
		for (size_t i = 0; i < m; i++) {
			uint64_t ix = bin_index((uint64_t)X[i], b);
			idx[i] = ix;
			mx = ix > mx ? ix : mx;
			op |= (uint64_t)P[i];
			oo |= (uint64_t)O[i];
		}
		break;
	}
	case FM_HIST_X_DURATION:
#ifdef HAVE_BMI2_CLONE
		if (vec) {
			/* a negative duration makes the block slow anyway */
			avx_idx(dur, P, O, b, idx, &mx, &op, &oo);
			have_mx = 1;
			for (size_t i = 0; i < m; i++)
				slow |= dur[i] < 0;
			break;
		}
#endif
		for (size_t i = 0; i < m; i++) {
			slow |= dur[i] < 0;
			idx[i] = bin_index((uint64_t)dur[i], b);
		}
		break;
	case FM_HIST_X_RATE:
#ifdef HAVE_BMI2_CLONE
		if (vec) {
			/* floor(rate) as uint64 (ci is free: no compressed rates for x = rate) */
			slow = avx_floor_u64(rate, k->ci);
			if (!slow) {
				avx_idx((const int64_t *)k->ci, P, O, b, idx, &mx, &op, &oo);
				have_mx = 1;
			}
			break;
		}
#endif
		for (size_t i = 0; i < m; i++) {
			double fl = floor(rate[i]);
			int ok = fl >= 0.0 && fl < 18446744073709551616.0;
			slow |= !ok;
			idx[i] = ok ? bin_index((uint64_t)fl, b) : 0;
		}
		break;
	}
	if (!slow) {
		if (!have_mx)
			for (size_t i = 0; i < m; i++)
				mx = idx[i] > mx ? idx[i] : mx;
		slow = mx >= D;
		if (!slow && a->lim <= mx) {
			acc_touch(h, a, mx + 1);
			a->lim = mx + 1;
		}
	}
	/* compressed rates: straight into ro's buffers when recording */
	double *cq = ro ? ro->r + ro->n : k->cq;
	uint64_t *ci = ro ? ro->x + ro->n : k->ci;
#ifdef HAVE_BMI2_CLONE
	if (comp && !slow)
		nnz = avx_rate_nz(O, dur, idx, cq, k->cd, ci);
#endif
	if (comp && nnz == (size_t)-1)
		block_rates(O, dur, rate, m, vec);
	if (ro && !slow && ro->top <= mx)
		ro->top = mx + 1;
	if (ro && nnz != (size_t)-1) {
		/* only the nonzero rates, with their dense indices */
		memset(ro->neg + ro->n, 2, nnz);
		ro->n += nnz;
	} else if (ro && !slow) {
		/* every x is >= 0 with a dense index: hand over the index */
		memcpy(ro->x + ro->n, idx, m * sizeof(*idx));
		memcpy(ro->r + ro->n, rate, m * sizeof(*rate));
		memset(ro->neg + ro->n, 2, m);
		ro->n += m;
	} else if (ro) {
		uint64_t *ox = ro->x + ro->n;
		double *orr = ro->r + ro->n;
		unsigned char *on = ro->neg + ro->n;
		for (size_t i = 0; i < m; i++) {
			uint64_t xv = 0;
			unsigned char ng = 0;
			switch (xk) {
			case FM_HIST_X_LENGTH: xv = (uint64_t)P[i]; break;
			case FM_HIST_X_SIZE: xv = (uint64_t)O[i]; break;
			case FM_HIST_X_DURATION:
				xv = (uint64_t)dur[i];
				ng = dur[i] < 0;
				break;
			case FM_HIST_X_RATE: {
				/* out of range: add_one below fails the run */
				double fl = floor(rate[i]);
				if (fl >= 0.0 && fl < 18446744073709551616.0) {
					xv = (uint64_t)fl;
				} else if (fl < 0.0 && fl >= -9223372036854775808.0) {
					xv = (uint64_t)(int64_t)fl;
					ng = 1;
				}
				break;
			}
			}
			ox[i] = xv;
			orr[i] = rate[i];
			on[i] = ng;
		}
		ro->n += m;
		ro->all_dense = 0;
	}
	if (slow) {
		if (A32)
			A = col64(g, IN_A, o, m, k->w[IN_A]);
		a->dense_used = 1;
		for (size_t i = 0; i < m; i++) {
			int r = add_one(h, a, (uint64_t)P[i], (uint64_t)O[i],
					need_dur ? dur[i] : 0, need_rate ? rate[i] : 0.0,
					A ? A[i] : 0, recno + i + 1, err);
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (add_int) {
		/*
		 * 64-bit rows while the bounds allow (see struct hacc): an OR
		 * of the block's magnitudes, checked before anything is
		 * added, so nothing is undone.
		 */
		if (!have_mx)
			for (size_t i = 0; i < m; i++) {
				op |= (uint64_t)P[i];
				oo |= (uint64_t)O[i];
			}
		/* od: the duration pass (need_dur when cd >= 0) */
		if (ca >= 0 && A32)
			oa = UINT32_MAX;   /* a bound is enough */
		else if (ca >= 0)
			for (size_t i = 0; i < m; i++)
				oa |= mag64(A[i]);
		int fits = small_room(h, a, m, op, oo, od, oa);
		if (!fits) {
			acc_flush_small(h, a);
			fits = small_room(h, a, m, op, oo, od, oa);
		}
		if (fits) {
			uint64_t *small = a->small;
			a->small_used = 1;
#ifdef HAVE_BMI2_CLONE
			if (vec) {
				/* column 3 (duration or aggs) and 4 (aggs) */
				const int64_t *V3 = cd == 3 ? dur : ca == 3 ? A : NULL;
				avx_rows(small, idx, P, O, V3, ncol == 5 ? A : NULL, A32, ca);
			} else
#endif
			if (cd >= 0 && ca >= 0) {
				for (size_t i = 0; i < m; i++) {
					uint64_t *e = small + idx[i] * 8;
					e[0] += 1;
					e[1] += (uint64_t)P[i];
					e[2] += (uint64_t)O[i];
					e[cd] += (uint64_t)dur[i];
					e[ca] += (uint64_t)A[i];
				}
			} else if (cd >= 0 || ca >= 0) {
				const int c3 = cd >= 0 ? cd : ca;
				const int64_t *V = cd >= 0 ? dur : A;
				for (size_t i = 0; i < m; i++) {
					uint64_t *e = small + idx[i] * 8;
					e[0] += 1;
					e[1] += (uint64_t)P[i];
					e[2] += (uint64_t)O[i];
					e[c3] += (uint64_t)V[i];
				}
			} else {
				for (size_t i = 0; i < m; i++) {
					uint64_t *e = small + idx[i] * 8;
					e[0] += 1;
					e[1] += (uint64_t)P[i];
					e[2] += (uint64_t)O[i];
				}
			}
		} else {
			/* this block alone could wrap: 128-bit rows */
			i128 *dense = a->dense;
			if (A32)
				A = col64(g, IN_A, o, m, k->w[IN_A]);
			a->dense_used = 1;
			for (size_t i = 0; i < m; i++) {
				i128 *e = dense + idx[i] * (uint64_t)ncol;
				e[0] += 1;
				e[1] += (i128)(uint64_t)P[i];
				e[2] += (i128)(uint64_t)O[i];
				if (cd >= 0)
					e[cd] += dur[i];
				if (ca >= 0)
					e[ca] += A[i];
			}
		}
	}
	if (add_rate) {
		double *dr = a->drate;
		if (nnz != (size_t)-1)
			for (size_t j = 0; j < nnz; j++)
				dr[ci[j]] += cq[j];
		else
			for (size_t i = 0; i < m; i++)
				dr[idx[i]] += rate[i];
	}
	return 0;
}

/*
 * The general loop (compiled several times like the basic one): any x,
 * duration/aggs columns, rate, over records [from, from+n) of the input
 * columns g.  recno is the number (0-based) of record `from`, for
 * messages.  Each block computes durations (one range test instead of
 * per-record overflow checks), rates and bin indices in tight loops, then
 * adds into the dense array; a block with a record for the maps goes
 * record by record.
 */
static inline __attribute__((always_inline)) int
add_general_body(const struct fm_hist *h, struct hacc *a,
		 const struct gsrc *g, size_t from, size_t n, uint64_t recno,
		 const int isa, struct fm_error *err)
{
	struct gblk k;

	for (size_t base = 0; base < n; base += BLK) {
		int r;
		if (n - base >= BLK)
			r = general_block(h, a, g, from + base, BLK, recno + base, &k, isa, err);
		else
			r = general_block(h, a, g, from + base, n - base, recno + base, &k, isa, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_general_plain(const struct fm_hist *h, struct hacc *a,
			     const struct gsrc *g, size_t from, size_t n,
			     uint64_t recno, struct fm_error *err)
{
	return add_general_body(h, a, g, from, n, recno, 0, err);
}

#ifdef HAVE_BMI2_CLONE
__attribute__((target("bmi,bmi2,sse4.1")))
static int add_general_bmi2(const struct fm_hist *h, struct hacc *a,
			    const struct gsrc *g, size_t from, size_t n,
			    uint64_t recno, struct fm_error *err)
{
	return add_general_body(h, a, g, from, n, recno, 0, err);
}

/* AVX-512 (F, DQ for the int64 -> double conversions, CD for lzcnt, VL) */
__attribute__((target(AVX512_TARGET)))
static int add_general_avx512(const struct fm_hist *h, struct hacc *a,
			      const struct gsrc *g, size_t from, size_t n,
			      uint64_t recno, struct fm_error *err)
{
	return add_general_body(h, a, g, from, n, recno, 2, err);
}
#endif

static int add_general(const struct fm_hist *h, struct hacc *a,
		       const struct gsrc *g, size_t from, size_t n,
		       uint64_t recno, struct fm_error *err)
{
#ifdef HAVE_BMI2_CLONE
	if (__builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512dq") &&
	    __builtin_cpu_supports("avx512cd") &&
	    __builtin_cpu_supports("avx512vl") &&
	    __builtin_cpu_supports("bmi2"))
		return add_general_avx512(h, a, g, from, n, recno, err);
	if (__builtin_cpu_supports("bmi2") &&
	    __builtin_cpu_supports("sse4.1"))
		return add_general_bmi2(h, a, g, from, n, recno, err);
#endif
	return add_general_plain(h, a, g, from, n, recno, err);
}

/* Whether h's records go through the basic loop (add_basic). */
static int acc_basic(const struct fm_hist *h, const struct hacc *a)
{
	return (h->o.x == FM_HIST_X_LENGTH || h->o.x == FM_HIST_X_SIZE) &&
	       h->ncol == 3 && a->do_int && !(a->do_rate && h->want_rate) &&
	       !a->ro;
}

static int acc_general(const struct fm_hist *h, struct hacc *a,
		       const struct gsrc *g, size_t from, size_t n,
		       uint64_t recno, struct fm_error *err)
{
	/* rows of 8 (h->srow is 3 only when every record takes add_basic) */
	if (h->srow != 8)
		return fm_error_set(err, FM_EINVAL, "internal error: hist rows of %d", h->srow);
	if (a->do_int && small_alloc(h, a) < 0)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	return add_general(h, a, g, from, n, recno, err);
}

static int acc_add_run(const struct fm_hist *h, struct hacc *a,
		       const struct fm_batch *bt, size_t from, size_t n,
		       uint64_t recno, struct fm_error *err)
{
	if (acc_basic(h, a)) {
		const uint64_t *pk = (const uint64_t *)bt->col[FM_PACKETS] + from;
		const uint64_t *oc = (const uint64_t *)bt->col[FM_OCTETS] + from;
		int r = add_basic(h, a, h->o.x == FM_HIST_X_LENGTH ? pk : oc, pk, oc, n);
		if (r < 0)
			return fm_error_set(err, r, "out of memory");
		return 0;
	}
	struct gsrc g;
	for (int c = 0; c < IN_N; c++) {
		g.p[c] = bt->col[in_field[c]];
		g.code[c] = 'q';
	}
	return acc_general(h, a, &g, from, n, recno, err);
}

/*
 * The first record at or after i (below end) whose packets are 0, or end;
 * p is the packets column in type code `code` (integer codes only).
 */
static size_t next_zero(const void *p, char code, size_t i, size_t end)
{
#define NEXT_ZERO(T)                                          \
	do {                                                  \
		const T *v = p;                               \
		for (; i < end; i++)                          \
			if (v[i] == 0)                        \
				return i;                     \
		return end;                                   \
	} while (0)
	switch (fm_code_size(code)) {
	case 1: NEXT_ZERO(uint8_t);
	case 2: NEXT_ZERO(uint16_t);
	case 4: NEXT_ZERO(uint32_t);
	default: NEXT_ZERO(uint64_t);
	}
#undef NEXT_ZERO
}

/*
 * Records with 0 packets are not binned (a flow has at least one packet;
 * such records come from exporter faults, e.g. bidirectional IPFIX with
 * only reverse traffic, and their size per packet is undefined): they are
 * counted in a->zero_pkts and the runs between them are added.
 */
static int acc_add(const struct fm_hist *h, struct hacc *a,
		   const struct fm_batch *bt, size_t from, size_t n,
		   uint64_t recno, struct fm_error *err)
{
	const int64_t *pk = bt->col[FM_PACKETS];
	size_t i = from, end = from + n;

	while (i < end) {
		size_t z = next_zero(pk, 'q', i, end);
		if (z > i) {
			int r = acc_add_run(h, a, bt, i, z - i, recno + (i - from), err);
			if (r < 0)
				return r;
		}
		if (z == end)
			break;
		a->zero_pkts++;
		i = z + 1;
	}
	return 0;
}

/* A raw batch (binary sources) through the general loop. */
static int acc_add_raw(const struct fm_hist *h, struct hacc *a,
		       const struct fm_raw_batch *rb, uint64_t recno,
		       struct fm_error *err)
{
	struct gsrc g;
	size_t i = 0;

	for (int c = 0; c < IN_N; c++) {
		g.p[c] = rb->col[in_field[c]];
		g.code[c] = rb->code[in_field[c]];
	}
	while (i < rb->n) {
		size_t z = next_zero(rb->col[FM_PACKETS], rb->code[FM_PACKETS], i, rb->n);
		if (z > i) {
			int r = acc_general(h, a, &g, i, z - i, recno + i, err);
			if (r < 0)
				return r;
		}
		if (z == rb->n)
			break;
		a->zero_pkts++;
		i = z + 1;
	}
	return 0;
}

static int check_batch(const struct fm_hist *h, const struct fm_batch *b,
		       struct fm_error *err)
{
	for (int f = 0; f < FM_NFIELDS; f++)
		if ((h->fields & FM_FIELD_BIT(f)) && !b->col[f])
			return fm_error_set(err, FM_EINVAL,
					    "batch lacks field '%s'", fm_field_name(f));
	return 0;
}

int fm_hist_add(struct fm_hist *h, const struct fm_batch *b, struct fm_error *err)
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

/* ---- merging ---- */

static int acc_merge(const struct fm_hist *h, struct hacc *dst,
		     const struct hacc *src)
{
	const int ncol = h->ncol;

	dst->zero_pkts += src->zero_pkts;
	/* the 64-bit rows straight into dst (src's 128-bit rows may be untouched) */
	acc_touch(h, dst, src->lim);
	if (src->small && src->small_used)
		small_into(h, dst->dense, src->small, src->lim, 0);
	if (dst->lim < src->lim)
		dst->lim = src->lim;
	if (!src->dense_used)
		goto maps;

	for (uint64_t i = 0; i < src->lim; i++) {
		const i128 *s = src->dense + i * (uint64_t)ncol;
		if (s[0] == 0)
			continue;
		i128 *d = dst->dense + i * (uint64_t)ncol;
		for (int c = 0; c < ncol; c++)
			d[c] += s[c];
	}
maps:
	for (int pass = 0; pass < 2; pass++) {
		const struct hmap *sm = pass ? &src->neg : &src->sparse;
		struct hmap *dm = pass ? &dst->neg : &dst->sparse;
		for (size_t i = 0; i < sm->cap; i++) {
			int isnew;
			if (!sm->used[i])
				continue;
			long sl = hmap_slot(dm, sm->keys[i], &isnew);
			if (sl < 0)
				return FM_ENOMEM;
			if (isnew && pass)
				dm->hi[sl] = sm->hi[i];   /* dst holds earlier records */
			i128 *d = dm->vals + (size_t)sl * (size_t)ncol;
			const i128 *s = sm->vals + i * (size_t)ncol;
			for (int c = 0; c < ncol; c++)
				d[c] += s[c];
		}
	}
	return 0;
}

/* ---- the multi-threaded binary path ---- */

/*
 * Records per chunk of the threaded rate_sum mode: small enough that the
 * chunks' lists (17 bytes a rate) take little fresh memory, whose first
 * touch is dear on a virtual machine, and that the threads finish at
 * about the same time; large enough that handing chunks out costs
 * little.
 */
#define RATE_CHUNK ((uint64_t)FM_BATCH_CAP * 2)

/*
 * The rate_sum mode's shared state (see worker_chunks): chunks of C
 * records handed out in record order, the rate lists of the chunks binned
 * into buffers, a pool of buffers (free ones stacked under gate->mu).
 */
struct rpipe {
	uint64_t C, K;                 /* records a chunk, chunks */
	atomic_uint_fast64_t next;     /* the next chunk to hand out */
	atomic_int *ready;             /* K: 0, or 1 + the buffer holding chunk k's list */
	struct rate_out *buf;
	int *free_buf;
	int nbuf, nfree;
};

/* Workers wait here until the main thread knows how many started. */
struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int open;
};

struct worker {
	struct fm_hist *h;
	struct hacc *acc;
	const char *const *dirs;
	size_t ndirs;
	uint64_t start, count;      /* contiguous mode: absolute record range */
	int index, main_thread;
	uint64_t total_work;        /* for progress (main thread) */
	struct worker *all;
	int nworkers;
	atomic_uint_fast64_t done;
	atomic_int *cancel;
	int interleaved;            /* the rate_sum chunks of struct rpipe */
	struct rpipe *pipe;
	struct hacc *side;          /* main thread: for the chunks it records */
	struct gate *gate;          /* also for waiting on the pipe */
	uint64_t kept;              /* records binned */
	uint64_t filter_errors;     /* records dropped by filter run-time errors */
	int rc;
	struct fm_error err;
	/* reading state */
	struct fm_reader *rd;
	uint64_t pos;               /* absolute position of rd */
	struct fm_filter_run *run;
	struct fm_batch own;
	uint32_t *idx;
};

static int worker_open(struct worker *w)
{
	struct fm_reader_opts ro;
	int r = 0;

	memset(&ro, 0, sizeof(ro));
	ro.format = FM_FORMAT_BINARY;
	ro.fields = w->h->fields;
	ro.log = NULL;   /* warnings were given by the probe */
	if (w->h->o.filter) {
		/* one filter run per thread (the compiled filter is shared) */
		ro.fields |= fm_filter_fields(w->h->o.filter);
		r = fm_filter_run_new(&w->run, w->h->o.filter, &w->err);
		if (r == 0 && (fm_batch_alloc(&w->own, ro.fields, FM_BATCH_CAP) < 0 ||
			       !(w->idx = malloc(FM_BATCH_CAP * sizeof(*w->idx)))))
			r = fm_error_set(&w->err, FM_ENOMEM, "out of memory");
	}
	if (r == 0)
		r = fm_reader_open(&w->rd, &ro, w->dirs, w->ndirs, &w->err);
	w->pos = 0;
	return r;
}

static void worker_close(struct worker *w)
{
	fm_reader_free(w->rd);
	if (w->run)
		w->filter_errors = fm_filter_run_errors(w->run);
	fm_filter_run_free(w->run);
	fm_batch_release(&w->own);
	free(w->idx);
	/* the ro buffers may still be read by the main thread: freed after the join */
	w->acc->ro = NULL;
}

static int worker_progress(struct worker *w)
{
	uint64_t done = 0;

	if (!w->main_thread || !w->h->o.progress)
		return 0;
	for (int i = 0; i < w->nworkers; i++)
		done += atomic_load_explicit(&w->all[i].done, memory_order_relaxed);
	if (fm_progress_report(w->h->o.progress, done, w->total_work)) {
		atomic_store(w->cancel, 1);
		return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
	}
	return 0;
}

/* Bin records [start, start+count) (absolute; at or after w->pos). */
static int worker_range(struct worker *w, uint64_t start, uint64_t count)
{
	uint64_t left = count, recno = start;
	int r = 0;

	if (start > w->pos) {
		int64_t k = fm_reader_skip(w->rd, (int64_t)(start - w->pos), &w->err);
		if (k < 0)
			return (int)k;
		if ((uint64_t)k != start - w->pos)
			return fm_error_set(&w->err, FM_EFORMAT,
					    "binary input shrank while reading");
		w->pos = start;
	}
	/* unfiltered, not the basic loop: columns in their stored widths */
	const int raw = !w->run && !acc_basic(w->h, w->acc);

	while (r == 0 && left > 0) {
		struct fm_batch b;
		struct fm_raw_batch rb;
		size_t max = left < FM_BATCH_CAP ? (size_t)left : FM_BATCH_CAP;
		long n = raw ? fm_reader_next_raw(w->rd, &rb, max, &w->err)
			     : fm_reader_next(w->rd, &b, max, &w->err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return fm_error_set(&w->err, FM_EFORMAT,
					    "binary input shrank while reading");
		w->pos += (uint64_t)n;
		if (raw) {
			r = acc_add_raw(w->h, w->acc, &rb, recno, &w->err);
			w->kept += rb.n;
		} else {
			if (w->run) {
				long k = fm_filter_select(w->run, &b, w->idx);
				if (k < n) {
					fm_batch_gather(&w->own, &b, w->idx, (size_t)k);
					b = w->own;
					b.store = NULL;
				}
			}
			r = acc_add(w->h, w->acc, &b, 0, b.n, recno, &w->err);
			w->kept += b.n;
		}
		left -= (uint64_t)n;
		recno += (uint64_t)n;
		atomic_fetch_add_explicit(&w->done, (uint64_t)n, memory_order_relaxed);
		if (r == 0 && atomic_load_explicit(w->cancel, memory_order_relaxed))
			r = fm_error_set(&w->err, FM_ECANCEL, "cancelled");
		if (r == 0 && !w->interleaved)
			r = worker_progress(w);
	}
	return r;
}

/*
 * Add the rates of the records of one chunk (recorded in ro, in record
 * order) into the main accumulator's rate_sum.
 */
static int apply_rates(struct fm_hist *h, const struct rate_out *ro,
		       struct fm_error *err)
{
	struct hacc *a = &h->acc;

	if (ro->all_dense) {
		/* rows beyond lim must stay zero */
		if (ro->n && a->lim < ro->top) {
			acc_touch(h, a, ro->top);
			a->lim = ro->top;
		}
		for (size_t i = 0; i < ro->n; i++)
			a->drate[ro->x[i]] += ro->r[i];
		return 0;
	}
	for (size_t i = 0; i < ro->n; i++) {
		double *er;
		if (ro->neg[i] == 2) {
			uint64_t x = ro->x[i];
			if (x >= a->lim) {   /* rows beyond lim must stay zero */
				acc_touch(h, a, x + 1);
				a->lim = x + 1;
			}
			a->drate[x] += ro->r[i];
			continue;
		}
		if (ro->neg[i]) {
			int64_t lo, hi;
			int isnew;
			fm_hist_bin_edges_signed((int64_t)ro->x[i], h->b, &lo, &hi);
			long s = hmap_slot(&a->neg, (uint64_t)lo, &isnew);
			if (s < 0)
				return fm_error_set(err, FM_ENOMEM, "out of memory");
			if (isnew)
				a->neg.hi[s] = hi;   /* the first record's, as the reference */
			er = a->neg.rate + s;
		} else {
			uint64_t idx = bin_index(ro->x[i], h->b);
			if (idx < h->D) {
				if (idx >= a->lim) {
					acc_touch(h, a, idx + 1);
					a->lim = idx + 1;
				}
				er = a->drate + idx;
			} else {
				int isnew;
				long s = hmap_slot(&a->sparse, idx, &isnew);
				if (s < 0)
					return fm_error_set(err, FM_ENOMEM, "out of memory");
				er = a->sparse.rate + s;
			}
		}
		*er += ro->r[i];
	}
	return 0;
}

/* Stop every thread (waiters of the interleaved mode wake up). */
static void workers_cancel(struct worker *w)
{
	atomic_store(w->cancel, 1);
	pthread_mutex_lock(&w->gate->mu);
	pthread_cond_broadcast(&w->gate->cv);
	pthread_mutex_unlock(&w->gate->mu);
}

/*
 * Wait until chunk k's list is ready (returns 1 + its buffer) or a
 * cancellation (returns 0): a short spin first (the other thread is
 * usually about to get there; sleeping and waking cost more), then the
 * gate's condition.
 */
static int wait_ready(struct worker *w, uint64_t k)
{
	atomic_int *v = &w->pipe->ready[k];
	int b;

	for (int i = 0; i < 1024; i++) {
		if ((b = atomic_load_explicit(v, memory_order_acquire)) || atomic_load(w->cancel))
			return b;
#ifdef __SSE2__
		_mm_pause();
#endif
	}
	pthread_mutex_lock(&w->gate->mu);
	while (!(b = atomic_load(v)) && !atomic_load(w->cancel))
		pthread_cond_wait(&w->gate->cv, &w->gate->mu);
	pthread_mutex_unlock(&w->gate->mu);
	return b;
}

/* A free buffer (reset), or -1: none free (wait = 0) or a cancellation. */
static int get_buf(struct worker *w, int wait)
{
	struct rpipe *p = w->pipe;
	int b = -1;

	pthread_mutex_lock(&w->gate->mu);
	while (wait && p->nfree == 0 && !atomic_load(w->cancel))
		pthread_cond_wait(&w->gate->cv, &w->gate->mu);
	if (p->nfree > 0 && !atomic_load(w->cancel))
		b = p->free_buf[--p->nfree];
	pthread_mutex_unlock(&w->gate->mu);
	if (b >= 0) {
		p->buf[b].n = 0;
		p->buf[b].all_dense = 1;
		p->buf[b].top = 0;
	}
	return b;
}

static void put_buf(struct worker *w, int b)
{
	pthread_mutex_lock(&w->gate->mu);
	w->pipe->free_buf[w->pipe->nfree++] = b;
	pthread_cond_broadcast(&w->gate->cv);
	pthread_mutex_unlock(&w->gate->mu);
}

/* Chunk k's list is in buffer b (after the data, for the acquire above). */
static void post_ready(struct worker *w, uint64_t k, int b)
{
	pthread_mutex_lock(&w->gate->mu);
	atomic_store_explicit(&w->pipe->ready[k], b + 1, memory_order_release);
	pthread_cond_broadcast(&w->gate->cv);
	pthread_mutex_unlock(&w->gate->mu);
}

/* Bin chunk k recording its rates into buffer b. */
static int chunk_to_list(struct worker *w, uint64_t k, int b)
{
	struct rpipe *p = w->pipe;
	uint64_t c0 = k * p->C, len = w->count - c0 < p->C ? w->count - c0 : p->C;

	w->acc->ro = &p->buf[b];
	int r = worker_range(w, w->start + c0, len);
	w->acc->ro = NULL;
	return r;
}

/* Add the list of the next chunk in order (in buffer b - 1) and free it. */
static int apply_next(struct worker *w, uint64_t *next_apply, int b)
{
	int r = apply_rates(w->h, &w->pipe->buf[b - 1], &w->err);

	put_buf(w, b - 1);
	(*next_apply)++;
	return r;
}

/*
 * The rate_sum mode (several threads): chunks of C records are handed out
 * in record order to whichever thread is free, so the threads stay busy
 * however their speeds differ.  rate_sum wants every bin's rates added
 * in record order: the main thread bins a chunk straight into the
 * histogram, rates included, when every earlier chunk's rates are in;
 * any other chunk (the other threads', or the main thread's when it is
 * ahead) records its x and rate into a buffer from the pool, which the
 * main thread adds, chunk after chunk in order, between its own chunks.
 * Integer sums go into each thread's accumulator at once.  A thread
 * takes a buffer before a chunk, so a chunk handed out always completes;
 * the main thread never waits for a buffer (it adds the next list in
 * order instead).
 */
static int worker_chunks(struct worker *w)
{
	struct rpipe *p = w->pipe;
	uint64_t next_apply = 0;
	int r = 0;

	if (!w->main_thread) {
		while (r == 0) {
			int b = get_buf(w, 1);
			if (b < 0)
				return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
			uint64_t k = atomic_fetch_add(&p->next, 1);
			if (k >= p->K) {
				put_buf(w, b);
				break;
			}
			r = chunk_to_list(w, k, b);
			if (r == 0)
				post_ready(w, k, b);
		}
		return r;
	}
	if (atomic_load(w->cancel))
		return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
	while (r == 0) {
		int b;
		/* the lists that are ready, in order */
		while (r == 0 && next_apply < p->K &&
		       (b = atomic_load_explicit(&p->ready[next_apply], memory_order_acquire)))
			r = apply_next(w, &next_apply, b);
		if (r < 0)
			break;
		uint64_t k = atomic_fetch_add(&p->next, 1);
		if (k >= p->K)
			break;
		for (;;) {
			if (k == next_apply) {
				uint64_t c0 = k * p->C;
				uint64_t len = w->count - c0 < p->C ? w->count - c0 : p->C;
				r = worker_range(w, w->start + c0, len);
				next_apply++;
				break;
			}
			if ((b = get_buf(w, 0)) >= 0) {
				/*
				 * Not into the histogram: its maps must get their
				 * keys in record order (a negative bin's bin_hi is
				 * its first record's), which the adding of the
				 * lists gives them.
				 */
				struct hacc *own = w->acc;
				w->acc = w->side;
				r = chunk_to_list(w, k, b);
				w->acc = own;
				/* no one else waits for it: added in order above */
				atomic_store_explicit(&p->ready[k], b + 1, memory_order_relaxed);
				break;
			}
			if (!(b = wait_ready(w, next_apply)))
				return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
			if ((r = apply_next(w, &next_apply, b)) < 0)
				break;
		}
		if (r == 0)
			r = worker_progress(w);
	}
	/* the rest, in order */
	while (r == 0 && next_apply < p->K) {
		int b = wait_ready(w, next_apply);
		if (!b)
			return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
		r = apply_next(w, &next_apply, b);
	}
	return r;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	int r;

	if (w->gate && !w->main_thread) {
		pthread_mutex_lock(&w->gate->mu);
		while (!w->gate->open)
			pthread_cond_wait(&w->gate->cv, &w->gate->mu);
		pthread_mutex_unlock(&w->gate->mu);
	}
	r = worker_open(w);
	if (r == 0)
		r = w->interleaved ? worker_chunks(w) : worker_range(w, w->start, w->count);
	worker_close(w);
	if (r < 0)
		workers_cancel(w);
	w->rc = r;
	return NULL;
}

static int ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

int fm_hist_add_binary(struct fm_hist *h, const char *const *dirs,
		       size_t ndirs, const struct fm_cut *cut,
		       uint64_t *records, struct fm_error *err)
{
	struct fm_reader *probe = NULL;
	struct fm_reader_opts ro;
	uint64_t total, first, end, n;
	int threads = h->o.threads > 0 ? h->o.threads : ncpus();
	int r, interleaved, started = 1;
	struct worker *w = NULL;
	struct hacc *accs = NULL;
	pthread_t *tids = NULL;
	struct gate gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	struct rpipe pipe;
	atomic_int cancel = 0;

	memset(&pipe, 0, sizeof(pipe));

	if (records)
		*records = 0;
	/* count the records (and give the missing-field warnings once) */
	memset(&ro, 0, sizeof(ro));
	ro.format = FM_FORMAT_BINARY;
	ro.fields = h->fields | (h->o.filter ? fm_filter_fields(h->o.filter) : 0);
	ro.log = h->o.log;
	if (h->o.filter && (cut->skip_out > 0 || cut->count_out != FM_UNLIMITED))
		return fm_error_set(err, FM_EINVAL,
				    "hist: skip-out and count-out with a filter need the sequential scan");
	r = fm_reader_open(&probe, &ro, dirs, ndirs, err);
	if (r < 0)
		return r;
	int64_t k = fm_reader_skip(probe, INT64_MAX, err);
	fm_reader_free(probe);
	if (k < 0)
		return (int)k;
	total = (uint64_t)k;
	fm_cut_range(cut, total, &first, &end);
	n = end - first;
	if (n == 0)
		return 0;

	if (threads > 64)
		threads = 64;
	/* small inputs are not worth a thread */
	uint64_t per = h->o.min_per_thread ? h->o.min_per_thread : 65536;
	if ((uint64_t)threads > n / per + 1)
		threads = (int)(n / per + 1);
	/*
	 * Without rate_sum: contiguous ranges, worker 0 (this thread) into
	 * the main accumulator, the others into their own.  With rate_sum and
	 * several threads: chunks handed out in order to whichever thread is
	 * free (worker_chunks), rates added in record order into the main
	 * accumulator.
	 */
	interleaved = h->want_rate && threads > 1;

	w = calloc((size_t)threads, sizeof(*w));
	accs = calloc((size_t)threads, sizeof(*accs));
	tids = calloc((size_t)threads, sizeof(*tids));
	if (!w || !accs || !tids) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto out;
	}
	for (int t = 0; t < threads; t++) {
		struct worker *x = &w[t];
		x->h = h;
		x->dirs = dirs;
		x->ndirs = ndirs;
		x->cancel = &cancel;
		x->all = w;
		x->index = t;
		x->total_work = n;
		x->main_thread = t == 0;
		x->gate = &gate;
		atomic_init(&x->done, 0);
		if (t == 0) {
			x->acc = &h->acc;
			x->side = &accs[0];
			if (h->want_rate && threads > 1 && acc_init(h, x->side, 1, 0) < 0) {
				r = fm_error_set(err, FM_ENOMEM, "out of memory");
				goto out;
			}
		} else {
			x->acc = &accs[t];
			if (acc_init(h, x->acc, 1, 0) < 0) {
				r = fm_error_set(err, FM_ENOMEM, "out of memory");
				goto out;
			}
		}
	}
	/* start the threads; they wait at the gate for their work */
	for (int t = 1; t < threads; t++) {
		if (pthread_create(&tids[t], NULL, worker_run, &w[t]) != 0)
			break;      /* go on with fewer threads */
		started++;
	}
	interleaved = interleaved && started > 1;
	if (interleaved) {
		/* two buffers (17 bytes a record) per thread and two more */
		uint64_t C = RATE_CHUNK;
		if (h->o.rate_chunk)
			C = h->o.rate_chunk;
		pipe.C = C;
		pipe.K = (n + C - 1) / C;
		pipe.nbuf = 2 * started + 2;
		atomic_init(&pipe.next, 0);
		pipe.ready = malloc(pipe.K * sizeof(*pipe.ready));
		pipe.buf = calloc((size_t)pipe.nbuf, sizeof(*pipe.buf));
		pipe.free_buf = malloc((size_t)pipe.nbuf * sizeof(*pipe.free_buf));
		if (!pipe.ready || !pipe.buf || !pipe.free_buf) {
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			atomic_store(&cancel, 1);
		}
		for (uint64_t c = 0; r == 0 && c < pipe.K; c++)
			atomic_init(&pipe.ready[c], 0);
		for (int b = 0; r == 0 && b < pipe.nbuf; b++) {
			struct rate_out *o = &pipe.buf[b];
			o->cap = C;
			o->x = malloc((C + 8) * sizeof(uint64_t));
			o->r = malloc((C + 8) * sizeof(double));
			o->neg = malloc(C);
			if (!o->x || !o->r || !o->neg) {
				r = fm_error_set(err, FM_ENOMEM, "out of memory");
				atomic_store(&cancel, 1);
			}
			pipe.free_buf[pipe.nfree++] = b;
		}
	}
	for (int t = 0; t < started; t++) {
		struct worker *x = &w[t];
		x->nworkers = started;
		x->interleaved = interleaved;
		x->pipe = &pipe;
		if (interleaved) {
			x->start = first;
			x->count = n;
		} else {
			uint64_t a = n * (uint64_t)t / (uint64_t)started;
			uint64_t b2 = n * (uint64_t)(t + 1) / (uint64_t)started;
			x->start = first + a;
			x->count = b2 - a;
		}
	}
	pthread_mutex_lock(&gate.mu);
	gate.open = 1;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
	worker_run(&w[0]);
	for (int t = 1; t < started; t++)
		pthread_join(tids[t], NULL);
	if (r < 0)
		goto out;
	/* the first real error in record order, else a cancellation */
	for (int t = 0; t < started && r == 0; t++)
		if (w[t].rc < 0 && w[t].rc != FM_ECANCEL) {
			*err = w[t].err;
			r = w[t].rc;
		}
	for (int t = 0; t < started && r == 0; t++)
		if (w[t].rc < 0) {
			*err = w[t].err;
			r = w[t].rc;
		}
	/* accs[0]: the main thread's recorded chunks (rate_sum mode) */
	for (int t = interleaved ? 0 : 1; t < started && r == 0; t++)
		if (acc_merge(h, &h->acc, &accs[t]) < 0)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	if (r == 0) {
		uint64_t kept = 0, ferr = 0;
		for (int t = 0; t < started; t++) {
			kept += w[t].kept;
			ferr += w[t].filter_errors;
		}
		h->nrec += kept;
		if (records)
			*records = kept;
		if (ferr)
			fm_warn(h->o.log,
				"filter: %llu records not kept because evaluating the filter failed on them (division or modulo by zero, negative shift count or zero to a negative power)",
				(unsigned long long)ferr);
	}
out:
	for (int b = 0; pipe.buf && b < pipe.nbuf; b++) {
		free(pipe.buf[b].x);
		free(pipe.buf[b].r);
		free(pipe.buf[b].neg);
	}
	free(pipe.buf);
	free(pipe.ready);
	free(pipe.free_buf);
	if (accs)
		for (int t = 0; t < threads; t++)
			acc_release(&accs[t]);
	free(accs);
	free(w);
	free(tids);
	return r;
}

/* ---- output ---- */

struct keyslot {
	uint64_t key;
	size_t slot;
};

/* Sort by key (unsigned): LSD radix sort, 16-bit digits, constant digits skipped. */
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
			/* flip the sign bit so that signed keys sort as unsigned */
			v[k].key = as_signed ? m->keys[i] ^ (UINT64_C(1) << 63) : m->keys[i];
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

static const char *const sum_names[] = { "flows", "packets", "octets" };

/* Store bin i of the result; FM_ERANGE when a value needs more than 64 bits. */
static int put_bin(struct fm_hist *h, struct fm_histogram *o, size_t i,
		   i128 lo, i128 hi, const i128 *v, double rate,
		   struct fm_error *err)
{
	const i128 umax = (i128)UINT64_MAX;

	if (lo < INT64_MIN || hi > INT64_MAX)
		return fm_error_set(err, FM_ERANGE,
			"bin with x = %s%llu is beyond the 64-bit bin edges of csv_hist",
			lo < 0 ? "-" : "", (unsigned long long)(lo < 0 ? -lo : lo));
	o->bin_lo[i] = (int64_t)lo;
	o->bin_hi[i] = (int64_t)hi;
	for (int c = 0; c < 3; c++)
		if (v[c] < 0 || v[c] > umax)
			return fm_error_set(err, FM_ERANGE,
				"bin [%lld, %lld): %s_sum exceeds 64 bits (csv_hist columns are 64-bit)",
				(long long)lo, (long long)hi, sum_names[c]);
	o->flows[i] = (uint64_t)v[0];
	o->packets[i] = (uint64_t)v[1];
	o->octets[i] = (uint64_t)v[2];
	if (h->col_dur >= 0) {
		i128 d = v[h->col_dur];
		if (d < INT64_MIN || d > INT64_MAX)
			return fm_error_set(err, FM_ERANGE,
				"bin [%lld, %lld): duration_sum exceeds 64 bits (csv_hist columns are 64-bit)",
				(long long)lo, (long long)hi);
		o->duration[i] = (int64_t)d;
	}
	if (h->col_aggs >= 0) {
		i128 g = v[h->col_aggs];
		if (g < 0 || g > umax)
			return fm_error_set(err, FM_ERANGE,
				"bin [%lld, %lld): aggs_sum %s (csv_hist aggs are unsigned 64-bit)",
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
		cols[nc++] = h->o.cols[i] == FM_HIST_COL_DURATION ? FM_HCOL_DURATION :
			     h->o.cols[i] == FM_HIST_COL_RATE ? FM_HCOL_RATE :
			     FM_HCOL_AGGS;
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
			r = put_bin(h, o, k++, (int64_t)a->neg.keys[s], a->neg.hi[s],
				    a->neg.vals + s * (size_t)ncol, a->neg.rate[s], err);
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

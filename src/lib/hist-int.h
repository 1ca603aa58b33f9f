/*
 * hist-int.h - what the files of the histogram module share (private to
 * libflowmodels).  The design is described at the top of hist.c.
 *
 * hist.c          the API: names, bin maths, derived values, new/add/free,
 *                 the result (sorted bins) and its CSV
 * hist-acc.c      accumulators: hash maps, 64-bit and 128-bit rows,
 *                 one record the hard way (add_one), merging
 * hist-loop.c     the loops that bin records: the basic loop and the
 *                 general one, block by block
 * hist-threads.c  fm_hist_add_binary: worker threads over binary
 *                 directories and the ordered rate_sum pipeline
 */
#ifndef FLOWMODELS_HIST_INT_H
#define FLOWMODELS_HIST_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/hist.h"
#include "io-int.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

/* Dense index limit (bins; the whole index space when smaller). */
#define DENSE_MAX (UINT64_C(1) << 17)

/* ---- bin arithmetic ---- */

static inline int bitlen64(uint64_t x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* b: 0 = unit bins, else 1..63 (callers map b >= 64 to 0). */
static inline __attribute__((always_inline)) uint64_t bin_index(uint64_t x,
								int b)
{
	if (b == 0)
		return x;
	int k = 64 - __builtin_clzll(x | 1) - b;
	k = k < 0 ? 0 : k;
	return ((uint64_t)k << (b - 1)) + (x >> k);
}

/* ---- hash maps (hist-acc.c) ---- */

struct hmap {
	uint64_t *keys;
	unsigned char *used;
	i128 *vals;   /* cap * ncol */
	double *rate; /* cap */
	int64_t *hi;  /* cap: bin_hi of the negative-x map */
	size_t cap, n;
	int ncol;
	int with_hi;
};

void hmap_release(struct hmap *m);
int hmap_alloc(struct hmap *m, size_t cap);
/* The slot of key (inserted when new: *isnew = 1), or FM_ENOMEM. */
long hmap_slot(struct hmap *m, uint64_t key, int *isnew);

/* ---- accumulators (hist-acc.c) ---- */

/*
 * Per-record x and rate, in record order, that a worker hands to the
 * ordered rate_sum pass (worker_chunks and apply_rates in hist-threads.c).
 */
struct rate_out {
	uint64_t *x; /* x (a negative one as int64 bits), or index */
	double *r;
	unsigned char *neg; /* 0: x >= 0, 1: x < 0, 2: x holds a dense index */
	size_t n, cap; /* x and r hold cap + 8 (whole vectors are stored) */
	int all_dense; /* every neg is 2 ... */
	uint64_t top;  /* ... and every x below top */
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
	uint64_t *small; /* D * srow (64-byte aligned in small_mem), or NULL */
	void *small_mem;
	u128 bound[5];
	int small_used;
	int dense_used; /* anything was added to dense[] */
	uint64_t lim; /* 1 + the largest dense index used (rows beyond are 0) */
	uint64_t touched; /* rows whose pages acc_touch wrote */
	int touch_dense; /* the histogram's own: its dense rows get the flush */
	i128 *dense;	 /* D * ncol, NULL when !do_int */
	double *drate;	 /* D, NULL when no rate column */
	struct hmap sparse;  /* idx >= D */
	struct hmap neg;     /* negative x, key = (uint64_t)bin_lo */
	struct rate_out *ro; /* when set: record x and rate of every record */
	uint64_t zero_pkts;  /* records with 0 packets, skipped */
};

struct fm_hist {
	struct fm_hist_opts o;
	int b;	  /* effective bin exponent: 0 = unit bins */
	int ncol; /* integer columns: flows, packets, octets, ... */
	int srow; /* stride of the 64-bit rows: 3 (basic loop) or 8 */
	int col_dur, col_aggs;
	int want_rate; /* rate_sum column */
	uint64_t D;
	uint32_t fields;
	uint64_t nrec;	      /* records binned */
	enum fm_hist_isa isa; /* the loops' variant (never AUTO) */
	struct hacc acc;      /* the histogram (all columns) */
};

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
static inline int small_room(const struct fm_hist *h, struct hacc *a, size_t m,
			     uint64_t op, uint64_t oo, uint64_t od, uint64_t oa)
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

void acc_release(struct hacc *a);
int acc_init(const struct fm_hist *h, struct hacc *a, int do_int, int do_rate);
int small_alloc(const struct fm_hist *h, struct hacc *a);
void acc_touch(const struct fm_hist *h, struct hacc *a, uint64_t to);
void small_into(const struct fm_hist *h, i128 *dense, uint64_t *small,
		uint64_t lim, int clear);
void acc_flush_small(const struct fm_hist *h, struct hacc *a);
/*
 * One record the hard way: a negative x, a bin index beyond the dense
 * array, or a rate outside the 64-bit bins.
 */
int add_one(const struct fm_hist *h, struct hacc *a, uint64_t pk, uint64_t oc,
	    int64_t dur, double rate, int64_t aggs, uint64_t recno,
	    struct fm_error *err);
/* Add src's sums into dst (FM_ENOMEM when a map cannot grow). */
int acc_merge(const struct fm_hist *h, struct hacc *dst,
	      const struct hacc *src);

/* ---- the loops (hist-loop.c) ---- */

/* Records are worked on in blocks: derived values first, then the sums. */
#define BLK 256

/*
 * The vector passes of the general loop over a full block of BLK records
 * (hist-avx512.c), each giving the values of the scalar loop it replaces:
 * durations (dur: from int64 columns, returns the OR of the range bits;
 * dur_IH: from first/last 'I' and milliseconds 'H' as stored), rates of
 * exact operands (rate: nonzero when some operand is not exact;
 * rate_nz: the nonzero rates compressed with their indices, or
 * (size_t)-1), floor(rate) as uint64 (nonzero when some is out of
 * range), bin indices with their largest and the ORs of packets and
 * octets, and the adds into 64-bit rows of stride 8.
 */
struct hist_vec_kernels {
	uint64_t (*dur)(const int64_t *P, const int64_t *F, const int64_t *FM,
			const int64_t *L, const int64_t *LM, int64_t *dur,
			uint64_t *od);
	void (*dur_IH)(const int64_t *P, const uint32_t *F, const uint16_t *FM,
		       const uint32_t *L, const uint16_t *LM, int64_t *dur,
		       uint64_t *od);
	int (*rate)(const int64_t *O, const int64_t *dur, double *rate);
	size_t (*rate_nz)(const int64_t *O, const int64_t *dur,
			  const uint64_t *idx, double *cq, double *cd,
			  uint64_t *ci);
	int (*floor_u64)(const double *rate, uint64_t *xs);
	void (*idx)(const int64_t *X, const int64_t *P, const int64_t *O, int b,
		    uint64_t *idx, uint64_t *mx, uint64_t *op, uint64_t *oo);
	void (*rows)(uint64_t *small, const uint64_t *idx, const int64_t *P,
		     const int64_t *O, const int64_t *V3, const int64_t *V4,
		     const uint32_t *A32, int a_col);
};

#if defined(__x86_64__)
/* AVX-512 F, DQ (int64 <-> double), CD (lzcnt), VL, with BMI2 */
#define HIST_AVX512_TARGET "bmi,bmi2,avx2,avx512f,avx512dq,avx512cd,avx512vl"
extern const struct hist_vec_kernels hist_avx512_kernels;
#endif

/* Whether h's records go through the basic loop (add_basic). */
int acc_basic(const struct fm_hist *h, const struct hacc *a);
/* Records [from, from+n) of a batch; recno: the number of record from. */
int acc_add(const struct fm_hist *h, struct hacc *a, const struct fm_batch *bt,
	    size_t from, size_t n, uint64_t recno, struct fm_error *err);
/* A raw batch (binary sources) through the general loop. */
int acc_add_raw(const struct fm_hist *h, struct hacc *a,
		const struct fm_raw_batch *rb, uint64_t recno,
		struct fm_error *err);

/* ---- hist.c ---- */

int check_batch(const struct fm_hist *h, const struct fm_batch *b,
		struct fm_error *err);

#endif

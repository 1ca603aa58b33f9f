/*
 * hist-loop.c - the loops that bin records into an accumulator (see
 * hist.c for the design): the basic loop (x = length or size, no extra
 * column) and the general one, block by block; their AVX-512 passes are
 * in hist-avx512.c behind a kernel table.  Each loop is compiled for every
 * instruction-set variant (enum fm_hist_isa) and h->isa picks one.
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
	struct orpair or2 = {0, 0};
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
__attribute__((target("bmi,bmi2"))) static struct orpair
add_small_bmi2(const struct fm_hist *h, struct hacc *a, const uint64_t *xs,
	       const uint64_t *pk, const uint64_t *oc, size_t n, int sign,
	       int *rc)
{
	if (sign > 0)
		return add_small_body(h, a, xs, pk, oc, n, 1, rc);
	return add_small_body(h, a, xs, pk, oc, n, -1, rc);
}
#endif

static struct orpair add_small(const struct fm_hist *h, struct hacc *a,
			       const uint64_t *xs, const uint64_t *pk,
			       const uint64_t *oc, size_t n, int sign, int *rc)
{
#ifdef HAVE_BMI2_CLONE
	if (h->isa >= FM_HIST_ISA_BMI2)
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
	if (a->bound[0] + n < lim && a->bound[1] + bp < lim &&
	    a->bound[2] + bo < lim) {
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
		/* the sparse bins already have this batch: only the dense rows
		 */
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

/*
 * The general loop's input columns: packets, octets, first, first_ms,
 * last, last_ms, aggs, each int64 ('q', a batch's columns) or in its
 * stored width (a binary source's raw batch, struct fm_raw_batch), widened
 * here block by block into buffers that stay in L1 instead of whole
 * batches.  p[k] is NULL for a column the histogram does not read.
 */
enum { IN_P, IN_O, IN_F, IN_FM, IN_L, IN_LM, IN_A, IN_N };

static const int in_field[IN_N] = {
    FM_PACKETS, FM_OCTETS, FM_FIRST, FM_FIRST_MS, FM_LAST, FM_LAST_MS, FM_AGGS};

struct gsrc {
	const void *p[IN_N];
	char code[IN_N];
};

/* Column k of records [o, o+m) as int64: in place, or widened into buf. */
static inline __attribute__((always_inline)) const int64_t *
col64(const struct gsrc *g, int k, size_t o, size_t m, int64_t *buf)
{
	const void *p = g->p[k];

#define WIDEN(T)                                                               \
	do {                                                                   \
		const T *q = (const T *)p + o;                                 \
		for (size_t i = 0; i < m; i++)                                 \
			buf[i] = (int64_t)q[i];                                \
		return buf;                                                    \
	} while (0)
	switch (g->code[k]) {
	case 'b':
		WIDEN(int8_t);
	case 'B':
		WIDEN(uint8_t);
	case 'h':
		WIDEN(int16_t);
	case 'H':
		WIDEN(uint16_t);
	case 'i':
		WIDEN(int32_t);
	case 'I':
		WIDEN(uint32_t);
	default:
		return (const int64_t *)p + o;
	}
#undef WIDEN
}

/* Per-block scratch of the general loop. */
struct gblk {
	int64_t dur[BLK];
	double rate[BLK];
	uint64_t idx[BLK];
	int64_t w[IN_N][BLK]; /* widened columns */
	/* the nonzero rates, compressed (the rate_nz pass) */
	double cq[BLK + 8], cd[BLK + 8];
	uint64_t ci[BLK + 8];
};

/*
 * rate[i] for the m records of a block (vk: the vector passes, for a full
 * block in the AVX-512 clone; else NULL).
 */
static inline __attribute__((always_inline)) void
block_rates(const int64_t *O, const int64_t *dur, double *rate, const size_t m,
	    const struct hist_vec_kernels *vk)
{
	size_t r0 = 0;

	if (vk) {
		if (!vk->rate(O, dur, rate))
			r0 = m;
	} else
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
				((uint64_t)dur[i] + (UINT64_C(1) << 53) >
				 (UINT64_C(1) << 54));
		if (!hard) {
			const __m128d zero = _mm_setzero_pd();
			for (; r0 + 2 <= m; r0 += 2) {
				int64_t d0 = dur[r0], d1 = dur[r0 + 1];
				__m128d num = _mm_set_pd(
				    (double)(int64_t)((uint64_t)O[r0 + 1] *
						      8000),
				    (double)(int64_t)((uint64_t)O[r0] * 8000));
				__m128d den =
				    _mm_set_pd((double)d1, (double)d0);
				__m128d nz = _mm_cmpneq_pd(den, zero);
				/* d == 0: divide by 1, then the mask gives +0.0
				 */
				__m128d q = _mm_div_pd(
				    num, _mm_or_pd(_mm_and_pd(nz, den),
						   _mm_andnot_pd(
						       nz, _mm_set1_pd(1.0))));
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
					 d < -(INT64_C(1) << 53) ||
					 d > (INT64_C(1) << 53),
				     0)) {
			rate[i] = fm_hist_rate(oc, d);
			continue;
		}
		/* branchless on d == 0 (unpredictable) */
		double q =
		    (double)(int64_t)(oc * 8000) / (double)(d == 0 ? 1 : d);
		rate[i] = d == 0 ? 0.0 : q;
	}
}

/*
 * The durations of a block into dur[] (need_dur), with od the OR of their
 * magnitudes.  dur_ih: first/last and their milliseconds in the writer's
 * codes, read where they lie by the AVX-512 pass.
 */
static inline __attribute__((always_inline)) int
block_durations(const struct gsrc *g, size_t o, const size_t m, uint64_t recno,
		struct gblk *k, const int64_t *P,
		const struct hist_vec_kernels *vk, int dur_ih, uint64_t *od,
		struct fm_error *err)
{
	int64_t *restrict dur = k->dur;

	if (dur_ih) {
		vk->dur_IH(P, (const uint32_t *)g->p[IN_F] + o,
			   (const uint16_t *)g->p[IN_FM] + o,
			   (const uint32_t *)g->p[IN_L] + o,
			   (const uint16_t *)g->p[IN_LM] + o, dur, od);
		return 0;
	}
	const int64_t *F = col64(g, IN_F, o, m, k->w[IN_F]);
	const int64_t *FM = col64(g, IN_FM, o, m, k->w[IN_FM]);
	const int64_t *L = col64(g, IN_L, o, m, k->w[IN_L]);
	const int64_t *LM = col64(g, IN_LM, o, m, k->w[IN_LM]);
	const uint64_t lim = UINT64_C(1) << 40;
	uint64_t big = 0, orr = 0;
	/* all four in [-2^40, 2^40): the duration fits easily */
	if (vk)
		big = vk->dur(P, F, FM, L, LM, dur, &orr);
	else
		for (size_t i = 0; i < m; i++) {
			uint64_t t = ((uint64_t)L[i] - (uint64_t)F[i]) * 1000u +
				     (uint64_t)LM[i] - (uint64_t)FM[i];
			big |= ((uint64_t)L[i] + lim) | ((uint64_t)F[i] + lim) |
			       ((uint64_t)LM[i] + lim) |
			       ((uint64_t)FM[i] + lim);
			/* branchless: 1-packet flows are common and random */
			int64_t d = (int64_t)(t & ((uint64_t)0 -
						   (uint64_t)(P[i] != 1)));
			dur[i] = d;
			orr |= mag64(d);
		}
	if (big >> 41) {
		for (size_t i = 0; i < m; i++)
			if (fm_hist_duration(P[i], F[i], FM[i], L[i], LM[i],
					     &dur[i]) < 0)
				return fm_error_set(
				    err, FM_ERANGE,
				    "record %llu: duration (last %lld.%03lld - "
				    "first %lld.%03lld) does not fit in 64 bits",
				    (unsigned long long)(recno + i + 1),
				    (long long)L[i], (long long)LM[i],
				    (long long)F[i], (long long)FM[i]);
		orr = 0;
		for (size_t i = 0; i < m; i++)
			orr |= mag64(dur[i]);
	}
	*od |= orr;
	return 0;
}

/* What the index pass found: the largest index (when have_mx), the ORs of
 * packets and octets (when have_mx), and whether the block must go the
 * slow way (an x out of the dense range). */
struct blk_scan {
	uint64_t mx, op, oo;
	int have_mx, slow;
};

/* The bin index of every record of a block, for the histogram's x. */
static inline __attribute__((always_inline)) void
block_indices(enum fm_hist_x xk, int b, const size_t m, const int64_t *P,
	      const int64_t *O, const int64_t *restrict dur,
	      const double *restrict rate, struct gblk *k,
	      const struct hist_vec_kernels *vk, struct blk_scan *s)
{
	uint64_t *restrict idx = k->idx;

	switch (xk) {
	case FM_HIST_X_LENGTH:
	case FM_HIST_X_SIZE: {
		/* one pass: indices, the largest, the ORs */
		const int64_t *X = xk == FM_HIST_X_LENGTH ? P : O;
		uint64_t mx = 0, op = 0, oo = 0;
		s->have_mx = 1;
		if (vk) {
			vk->idx(X, P, O, b, idx, &s->mx, &s->op, &s->oo);
			break;
		}
		for (size_t i = 0; i < m; i++) {
			uint64_t ix = bin_index((uint64_t)X[i], b);
			idx[i] = ix;
			mx = ix > mx ? ix : mx;
			op |= (uint64_t)P[i];
			oo |= (uint64_t)O[i];
		}
		s->mx = mx;
		s->op = op;
		s->oo = oo;
		break;
	}
	case FM_HIST_X_DURATION:
		if (vk) {
			/* a negative duration makes the block slow anyway */
			vk->idx(dur, P, O, b, idx, &s->mx, &s->op, &s->oo);
			s->have_mx = 1;
			for (size_t i = 0; i < m; i++)
				s->slow |= dur[i] < 0;
			break;
		}
		for (size_t i = 0; i < m; i++) {
			s->slow |= dur[i] < 0;
			idx[i] = bin_index((uint64_t)dur[i], b);
		}
		break;
	case FM_HIST_X_RATE:
		if (vk) {
			/* floor(rate) as uint64 (ci is free: no compressed
			 * rates for x = rate) */
			s->slow = vk->floor_u64(rate, k->ci);
			if (!s->slow) {
				vk->idx((const int64_t *)k->ci, P, O, b, idx,
					&s->mx, &s->op, &s->oo);
				s->have_mx = 1;
			}
			break;
		}
		for (size_t i = 0; i < m; i++) {
			double fl = floor(rate[i]);
			int ok = fl >= 0.0 && fl < 18446744073709551616.0;
			s->slow |= !ok;
			idx[i] = ok ? bin_index((uint64_t)fl, b) : 0;
		}
		break;
	}
}

/*
 * Recording the rates (ro), added later in record order: the nonzero
 * rates with their dense indices (nnz, from the rate_nz pass, already in
 * ro's buffers), every rate with its dense index, or, in a slow block,
 * every rate with its x.
 */
static inline __attribute__((always_inline)) void
record_rates(struct rate_out *ro, enum fm_hist_x xk, const size_t m,
	     const int64_t *P, const int64_t *O, const int64_t *restrict dur,
	     const double *restrict rate, const uint64_t *restrict idx,
	     size_t nnz, int slow)
{
	if (nnz != (size_t)-1) {
		memset(ro->neg + ro->n, 2, nnz);
		ro->n += nnz;
		return;
	}
	if (!slow) {
		/* every x is >= 0 with a dense index: hand over the index */
		memcpy(ro->x + ro->n, idx, m * sizeof(*idx));
		memcpy(ro->r + ro->n, rate, m * sizeof(*rate));
		memset(ro->neg + ro->n, 2, m);
		ro->n += m;
		return;
	}
	uint64_t *ox = ro->x + ro->n;
	double *orr = ro->r + ro->n;
	unsigned char *on = ro->neg + ro->n;
	for (size_t i = 0; i < m; i++) {
		uint64_t xv = 0;
		unsigned char ng = 0;
		switch (xk) {
		case FM_HIST_X_LENGTH:
			xv = (uint64_t)P[i];
			break;
		case FM_HIST_X_SIZE:
			xv = (uint64_t)O[i];
			break;
		case FM_HIST_X_DURATION:
			xv = (uint64_t)dur[i];
			ng = dur[i] < 0;
			break;
		case FM_HIST_X_RATE: {
			/* out of range: add_one fails the run */
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

/* The block's records into the 64-bit rows: count, packets, octets, and
 * the duration (column cd) and aggs (column ca) where the histogram has
 * them.  vk: the AVX-512 pass (A32: aggs read where they lie). */
static inline __attribute__((always_inline)) void
add_small_rows(uint64_t *small, const size_t m, const uint64_t *restrict idx,
	       const int64_t *P, const int64_t *O, const int64_t *restrict dur,
	       const int64_t *A, const uint32_t *A32, int cd, int ca, int ncol,
	       const struct hist_vec_kernels *vk)
{
	if (vk) {
		/* column 3 (duration or aggs) and 4 (aggs) */
		const int64_t *V3 = cd == 3 ? dur : ca == 3 ? A : NULL;
		vk->rows(small, idx, P, O, V3, ncol == 5 ? A : NULL, A32, ca);
	} else if (cd >= 0 && ca >= 0) {
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
}

/* The block's records into the 128-bit rows (a block that alone could
 * wrap the 64-bit ones). */
static inline __attribute__((always_inline)) void
add_dense_rows(i128 *dense, const size_t m, const uint64_t *restrict idx,
	       const int64_t *P, const int64_t *O, const int64_t *restrict dur,
	       const int64_t *A, int cd, int ca, int ncol)
{
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

/*
 * One block of m records (m = BLK for every block but a batch's last, so
 * that the compiler knows the trip count of the full blocks' loops and
 * vectorises them).  recno: the block's first record (0-based).  vkern:
 * the vector passes in the AVX-512 clone (full blocks take them), else
 * NULL.
 */
static inline __attribute__((always_inline)) int
general_block(const struct fm_hist *h, struct hacc *a, const struct gsrc *g,
	      size_t o, const size_t m, uint64_t recno, struct gblk *k,
	      const struct hist_vec_kernels *vkern, struct fm_error *err)
{
	const struct hist_vec_kernels *vk = m == BLK ? vkern : NULL;
	const int vec = vk != NULL;
	const int ncol = h->ncol, cd = h->col_dur, ca = h->col_aggs;
	const enum fm_hist_x xk = h->o.x;
	/* recording (ro): the rates are added later, in record order */
	const int add_int = a->do_int,
		  add_rate = a->do_rate && h->want_rate && !a->ro;
	struct rate_out *ro = a->ro;
	const int need_rate = xk == FM_HIST_X_RATE || add_rate || ro;
	const int need_dur =
	    need_rate || xk == FM_HIST_X_DURATION || (add_int && cd >= 0);
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
	const int dur_ih = vec && g->code[IN_F] == 'I' &&
			   g->code[IN_L] == 'I' && g->code[IN_FM] == 'H' &&
			   g->code[IN_LM] == 'H';
	const uint32_t *A32 = vec && need_aggs && g->code[IN_A] == 'I'
				  ? (const uint32_t *)g->p[IN_A] + o
				  : NULL;
	const int64_t *A =
	    need_aggs && !A32 ? col64(g, IN_A, o, m, k->w[IN_A]) : NULL;
	struct blk_scan sc = {0};
	/* ORs of the magnitudes (for the 64-bit rows) */
	uint64_t od = 0, oa = 0;
	int r;

	if (need_dur && (r = block_durations(g, o, m, recno, k, P, vk, dur_ih,
					     &od, err)) < 0)
		return r;
	/*
	 * In the AVX-512 clone, x length, size or duration: the rates after
	 * the indices, compressed to the nonzero ones (the rate_nz pass) when
	 * every index is dense; else rate[] for every record.
	 */
	const int comp = vec && need_rate && xk != FM_HIST_X_RATE;
	size_t nnz = (size_t)-1;
	if (need_rate && !comp)
		block_rates(O, dur, rate, m, vk);
	block_indices(xk, h->b, m, P, O, dur, rate, k, vk, &sc);
	if (!sc.slow) {
		if (!sc.have_mx)
			for (size_t i = 0; i < m; i++)
				sc.mx = idx[i] > sc.mx ? idx[i] : sc.mx;
		sc.slow = sc.mx >= h->D;
		if (!sc.slow && a->lim <= sc.mx) {
			acc_touch(h, a, sc.mx + 1);
			a->lim = sc.mx + 1;
		}
	}
	/* compressed rates: straight into ro's buffers when recording */
	double *cq = ro ? ro->r + ro->n : k->cq;
	uint64_t *ci = ro ? ro->x + ro->n : k->ci;
	if (comp && !sc.slow)
		nnz = vk->rate_nz(O, dur, idx, cq, k->cd, ci);
	if (comp && nnz == (size_t)-1)
		block_rates(O, dur, rate, m, vk);
	if (ro && !sc.slow && ro->top <= sc.mx)
		ro->top = sc.mx + 1;
	if (ro)
		record_rates(ro, xk, m, P, O, dur, rate, idx, nnz, sc.slow);
	if (sc.slow) {
		if (A32)
			A = col64(g, IN_A, o, m, k->w[IN_A]);
		a->dense_used = 1;
		for (size_t i = 0; i < m; i++) {
			r = add_one(h, a, (uint64_t)P[i], (uint64_t)O[i],
				    need_dur ? dur[i] : 0,
				    need_rate ? rate[i] : 0.0, A ? A[i] : 0,
				    recno + i + 1, err);
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
		if (!sc.have_mx)
			for (size_t i = 0; i < m; i++) {
				sc.op |= (uint64_t)P[i];
				sc.oo |= (uint64_t)O[i];
			}
		/* od: the duration pass (need_dur when cd >= 0) */
		if (ca >= 0 && A32)
			oa = UINT32_MAX; /* a bound is enough */
		else if (ca >= 0)
			for (size_t i = 0; i < m; i++)
				oa |= mag64(A[i]);
		int fits = small_room(h, a, m, sc.op, sc.oo, od, oa);
		if (!fits) {
			acc_flush_small(h, a);
			fits = small_room(h, a, m, sc.op, sc.oo, od, oa);
		}
		if (fits) {
			a->small_used = 1;
			add_small_rows(a->small, m, idx, P, O, dur, A, A32, cd,
				       ca, ncol, vk);
		} else {
			if (A32)
				A = col64(g, IN_A, o, m, k->w[IN_A]);
			a->dense_used = 1;
			add_dense_rows(a->dense, m, idx, P, O, dur, A, cd, ca,
				       ncol);
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
add_general_body(const struct fm_hist *h, struct hacc *a, const struct gsrc *g,
		 size_t from, size_t n, uint64_t recno,
		 const struct hist_vec_kernels *vkern, struct fm_error *err)
{
	struct gblk k;

	for (size_t base = 0; base < n; base += BLK) {
		int r;
		if (n - base >= BLK)
			r = general_block(h, a, g, from + base, BLK,
					  recno + base, &k, vkern, err);
		else
			r = general_block(h, a, g, from + base, n - base,
					  recno + base, &k, vkern, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_general_plain(const struct fm_hist *h, struct hacc *a,
			     const struct gsrc *g, size_t from, size_t n,
			     uint64_t recno, struct fm_error *err)
{
	return add_general_body(h, a, g, from, n, recno, NULL, err);
}

#ifdef HAVE_BMI2_CLONE
__attribute__((target("bmi,bmi2,sse4.1"))) static int
add_general_bmi2(const struct fm_hist *h, struct hacc *a, const struct gsrc *g,
		 size_t from, size_t n, uint64_t recno, struct fm_error *err)
{
	return add_general_body(h, a, g, from, n, recno, NULL, err);
}

/* AVX-512 (F, DQ for the int64 -> double conversions, CD for lzcnt, VL) */
__attribute__((target(HIST_AVX512_TARGET))) static int
add_general_avx512(const struct fm_hist *h, struct hacc *a,
		   const struct gsrc *g, size_t from, size_t n, uint64_t recno,
		   struct fm_error *err)
{
	return add_general_body(h, a, g, from, n, recno, &hist_avx512_kernels,
				err);
}
#endif

static int add_general(const struct fm_hist *h, struct hacc *a,
		       const struct gsrc *g, size_t from, size_t n,
		       uint64_t recno, struct fm_error *err)
{
#ifdef HAVE_BMI2_CLONE
	if (h->isa == FM_HIST_ISA_AVX512)
		return add_general_avx512(h, a, g, from, n, recno, err);
	if (h->isa == FM_HIST_ISA_BMI2)
		return add_general_bmi2(h, a, g, from, n, recno, err);
#endif
	return add_general_plain(h, a, g, from, n, recno, err);
}

/* Whether h's records go through the basic loop (add_basic). */
int acc_basic(const struct fm_hist *h, const struct hacc *a)
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
		return fm_error_set(err, FM_EINVAL,
				    "internal error: hist rows of %d", h->srow);
	if (a->do_int && small_alloc(h, a) < 0)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	return add_general(h, a, g, from, n, recno, err);
}

static int acc_add_run(const struct fm_hist *h, struct hacc *a,
		       const struct fm_batch *bt, size_t from, size_t n,
		       uint64_t recno, struct fm_error *err)
{
	if (acc_basic(h, a)) {
		const uint64_t *pk =
		    (const uint64_t *)bt->col[FM_PACKETS] + from;
		const uint64_t *oc =
		    (const uint64_t *)bt->col[FM_OCTETS] + from;
		int r = add_basic(h, a, h->o.x == FM_HIST_X_LENGTH ? pk : oc,
				  pk, oc, n);
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
#define NEXT_ZERO(T)                                                           \
	do {                                                                   \
		const T *v = p;                                                \
		for (; i < end; i++)                                           \
			if (v[i] == 0)                                         \
				return i;                                      \
		return end;                                                    \
	} while (0)
	switch (fm_code_size(code)) {
	case 1:
		NEXT_ZERO(uint8_t);
	case 2:
		NEXT_ZERO(uint16_t);
	case 4:
		NEXT_ZERO(uint32_t);
	default:
		NEXT_ZERO(uint64_t);
	}
#undef NEXT_ZERO
}

/*
 * Records with 0 packets are not binned (a flow has at least one packet;
 * such records come from exporter faults, e.g. bidirectional IPFIX with
 * only reverse traffic, and their size per packet is undefined): they are
 * counted in a->zero_pkts and the runs between them are added.
 */
int acc_add(const struct fm_hist *h, struct hacc *a, const struct fm_batch *bt,
	    size_t from, size_t n, uint64_t recno, struct fm_error *err)
{
	const int64_t *pk = bt->col[FM_PACKETS];
	size_t i = from, end = from + n;

	while (i < end) {
		size_t z = next_zero(pk, 'q', i, end);
		if (z > i) {
			int r = acc_add_run(h, a, bt, i, z - i,
					    recno + (i - from), err);
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
int acc_add_raw(const struct fm_hist *h, struct hacc *a,
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
		size_t z = next_zero(rb->col[FM_PACKETS], rb->code[FM_PACKETS],
				     i, rb->n);
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

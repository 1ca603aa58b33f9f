/*
 * hist-avx512.c - the AVX-512 passes of hist's general loop, behind the
 * kernel table hist_avx512_kernels (hist-int.h), as filter-eval.c and
 * vexp.c keep their vector kernels.  Each pass works on a full block (BLK
 * records, a multiple of 8) and gives the same values as the scalar loop
 * it replaces in general_block (hist-loop.c), eight records per
 * instruction.  Compiled for AVX-512 F/DQ (int64 <-> double), CD (lzcnt)
 * and VL only, and called only from the loop's clone for those
 * (fm_hist_opts.isa = FM_HIST_ISA_AVX512, or automatic on such a CPU);
 * test-hist-kernels runs that clone against a naive histogram on every
 * machine that can.
 */
#include <stdint.h>
#include <stddef.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "hist-int.h"

#if defined(__x86_64__)

/*
 * The durations of 8 records from their last, first and milliseconds as
 * int64 (1-packet flows 0) into dur[0..8), their magnitudes ORed into
 * *vod.
 */
__attribute__((target(HIST_AVX512_TARGET))) static inline
    __attribute__((always_inline)) void
    dur8(__m512i l, __m512i f, __m512i lm, __m512i fm, const int64_t *P,
	 int64_t *dur, __m512i *vod)
{
	__m512i t = _mm512_sub_epi64(
	    _mm512_add_epi64(_mm512_mullo_epi64(_mm512_sub_epi64(l, f),
						_mm512_set1_epi64(1000)),
			     lm),
	    fm);
	__mmask8 many = _mm512_cmpneq_epi64_mask(_mm512_loadu_si512(P),
						 _mm512_set1_epi64(1));
	__m512i d = _mm512_maskz_mov_epi64(many, t);
	_mm512_storeu_si512(dur, d);
	*vod = _mm512_or_si512(*vod, _mm512_abs_epi64(d));
}

/* Durations as the scalar pass (1-packet flows 0); returns `big`. */
__attribute__((target(HIST_AVX512_TARGET))) static uint64_t
avx_dur(const int64_t *P, const int64_t *F, const int64_t *FM, const int64_t *L,
	const int64_t *LM, int64_t *dur, uint64_t *od)
{
	const __m512i lim = _mm512_set1_epi64(INT64_C(1) << 40);
	__m512i big = _mm512_setzero_si512(), vod = _mm512_setzero_si512();

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i l = _mm512_loadu_si512(L + i),
			f = _mm512_loadu_si512(F + i);
		__m512i lm = _mm512_loadu_si512(LM + i),
			fm = _mm512_loadu_si512(FM + i);
		big = _mm512_or_si512(
		    big, _mm512_or_si512(
			     _mm512_or_si512(_mm512_add_epi64(l, lim),
					     _mm512_add_epi64(f, lim)),
			     _mm512_or_si512(_mm512_add_epi64(lm, lim),
					     _mm512_add_epi64(fm, lim))));
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
__attribute__((target(HIST_AVX512_TARGET))) static void
avx_dur_IH(const int64_t *P, const uint32_t *F, const uint16_t *FM,
	   const uint32_t *L, const uint16_t *LM, int64_t *dur, uint64_t *od)
{
	__m512i vod = _mm512_setzero_si512();

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i l = _mm512_cvtepu32_epi64(
		    _mm256_loadu_si256((const void *)(L + i)));
		__m512i f = _mm512_cvtepu32_epi64(
		    _mm256_loadu_si256((const void *)(F + i)));
		__m512i lm = _mm512_cvtepu16_epi64(
		    _mm_loadu_si128((const void *)(LM + i)));
		__m512i fm = _mm512_cvtepu16_epi64(
		    _mm_loadu_si128((const void *)(FM + i)));
		dur8(l, f, lm, fm, P + i, dur + i, &vod);
	}
	*od |= (uint64_t)_mm512_reduce_or_epi64(vod);
}

/* Rates of operands that are exact doubles; returns nonzero when some are not.
 */
__attribute__((target(HIST_AVX512_TARGET))) static int
avx_rate(const int64_t *O, const int64_t *dur, double *rate)
{
	const __m512i olim = _mm512_set1_epi64((INT64_C(1) << 53) / 8000);
	const __m512i dlim = _mm512_set1_epi64(INT64_C(1) << 54);
	const __m512i doff = _mm512_set1_epi64(INT64_C(1) << 53);
	const __m512i k8000 = _mm512_set1_epi64(8000);
	__mmask8 hard = 0;

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i o = _mm512_loadu_si512(O + i),
			d = _mm512_loadu_si512(dur + i);
		hard |=
		    _mm512_cmpgt_epu64_mask(o, olim) |
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
__attribute__((target(HIST_AVX512_TARGET))) static size_t
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
		__m512i o = _mm512_loadu_si512(O + i),
			d = _mm512_loadu_si512(dur + i);
		hard |=
		    _mm512_cmpgt_epu64_mask(o, olim) |
		    _mm512_cmpgt_epu64_mask(_mm512_add_epi64(d, doff), dlim);
		__mmask8 nz = _mm512_test_epi64_mask(d, d);
		__m512d num = _mm512_cvtepi64_pd(_mm512_mullo_epi64(o, k8000));
		_mm512_storeu_pd(cq + n, _mm512_maskz_compress_pd(nz, num));
		_mm512_storeu_pd(cd + n, _mm512_maskz_compress_pd(
					     nz, _mm512_cvtepi64_pd(d)));
		_mm512_storeu_si512(ci + n,
				    _mm512_maskz_compress_epi64(
					nz, _mm512_loadu_si512(idx + i)));
		n += (size_t)__builtin_popcount(nz);
	}
	if (hard)
		return (size_t)-1;
	for (size_t j = 0; j < n; j += 8) {
		/* the last vector: only the lanes stored above */
		__mmask8 mk =
		    n - j >= 8 ? 0xff : (__mmask8)((1u << (n - j)) - 1);
		__m512d q =
		    _mm512_maskz_div_pd(mk, _mm512_maskz_loadu_pd(mk, cq + j),
					_mm512_maskz_loadu_pd(mk, cd + j));
		_mm512_mask_storeu_pd(cq + j, mk, q);
	}
	return n;
}

/*
 * xs[i] = floor(rate[i]) as an unsigned 64-bit number; returns nonzero
 * when some floor is negative or beyond 2^64 (the block goes the slow way).
 */
__attribute__((target(HIST_AVX512_TARGET))) static int
avx_floor_u64(const double *rate, uint64_t *xs)
{
	const __m512d zero = _mm512_setzero_pd(),
		      top = _mm512_set1_pd(18446744073709551616.0);
	__mmask8 bad = 0;

	for (size_t i = 0; i < BLK; i += 8) {
		__m512d fl = _mm512_roundscale_pd(_mm512_loadu_pd(rate + i),
						  _MM_FROUND_TO_NEG_INF |
						      _MM_FROUND_NO_EXC);
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
__attribute__((target(HIST_AVX512_TARGET))) static void
avx_idx(const int64_t *X, const int64_t *P, const int64_t *O, int b,
	uint64_t *idx, uint64_t *mx, uint64_t *op, uint64_t *oo)
{
	const __m512i vone = _mm512_set1_epi64(1),
		      zero = _mm512_setzero_si512();
	const __m512i vb = _mm512_set1_epi64(64 - b);
	const __m128i sh = _mm_cvtsi32_si128(b > 0 ? b - 1 : 0);
	__m512i vmx = zero, vop = zero, voo = zero;

	for (size_t i = 0; i < BLK; i += 8) {
		__m512i x = _mm512_loadu_si512(X + i), ix;
		if (b == 0) {
			ix = x;
		} else {
			/* k = max(0, bitlen(x|1) - b) = max(0, 64 - b - lzcnt)
			 */
			__m512i k = _mm512_max_epi64(
			    _mm512_sub_epi64(vb, _mm512_lzcnt_epi64(
						     _mm512_or_si512(x, vone))),
			    zero);
			ix = _mm512_add_epi64(_mm512_sll_epi64(k, sh),
					      _mm512_srlv_epi64(x, k));
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

/*
 * Add a full block into 64-bit rows of stride 8 (64-byte aligned, one
 * cache line each): flows, packets, octets, column 3 (V3) and column 4
 * (V4; NULL = none) in one 512-bit add per record; A32, when not NULL,
 * gives column a_col (aggs stored as 'I') instead.  Eight records' values
 * are transposed into their rows' layout with two unpacks and a permute
 * each.
 */
__attribute__((target(HIST_AVX512_TARGET))) static void
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
		__m512i p = _mm512_loadu_si512(P + i),
			o = _mm512_loadu_si512(O + i);
		__m512i v3 = V3 ? _mm512_loadu_si512(V3 + i) : zero;
		__m512i v4 = V4 ? _mm512_loadu_si512(V4 + i) : zero;
		if (A32) {
			__m512i a = _mm512_cvtepu32_epi64(
			    _mm256_loadu_si256((const void *)(A32 + i)));
			if (a_col == 3)
				v3 = a;
			else
				v4 = a;
		}
		__m512i ev = _mm512_unpacklo_epi64(p, o),
			od = _mm512_unpackhi_epi64(p, o);
		__m512i ev34 = _mm512_unpacklo_epi64(v3, v4),
			od34 = _mm512_unpackhi_epi64(v3, v4);
		for (int k = 0; k < 4; k++) {
			__m512i r0 = _mm512_or_si512(
			    one, _mm512_maskz_permutex2var_epi64(0x1e, ev,
								 sel[k], ev34));
			__m512i r1 = _mm512_or_si512(
			    one, _mm512_maskz_permutex2var_epi64(0x1e, od,
								 sel[k], od34));
			uint64_t *e0 = small + (idx[i + 2 * k] << 3);
			_mm512_store_si512(
			    e0, _mm512_add_epi64(_mm512_load_si512(e0), r0));
			uint64_t *e1 = small + (idx[i + 2 * k + 1] << 3);
			_mm512_store_si512(
			    e1, _mm512_add_epi64(_mm512_load_si512(e1), r1));
		}
	}
}

const struct hist_vec_kernels hist_avx512_kernels = {
    .dur = avx_dur,
    .dur_IH = avx_dur_IH,
    .rate = avx_rate,
    .rate_nz = avx_rate_nz,
    .floor_u64 = avx_floor_u64,
    .idx = avx_idx,
    .rows = avx_rows,
};
#endif

/*
 * vexp-int.h - vectorised array kernels of the EM fit (private to
 * libflowmodels).
 *
 * fm_vexp replaces v[i] by exp(v[i]).  Arguments in [-708, 709] go through
 * a branch-free kernel on four doubles at a time (Cody-Waite reduction by
 * ln 2, a degree-13 Taylor polynomial, the power of two built in the
 * exponent bits): within 2 ulp of the correctly rounded result.  Other
 * arguments (underflow, overflow, NaN) are recomputed with libm's exp, so
 * special cases behave exactly as exp().
 *
 * The kernels are compiled for baseline x86-64 and for AVX2 and picked by
 * the CPU at run time; both use the same IEEE operations in the same order
 * (no FMA contraction in ISO C mode), so results do not depend on the CPU.
 */
#ifndef FM_VEXP_INT_H
#define FM_VEXP_INT_H

#include <stddef.h>

void fm_vexp(double *v, size_t n);
/* A given variant (for tests): avx2 = 1 needs a CPU with AVX2. */
void fm_vexp_variant(double *v, size_t n, int avx2);

/*
 * out[i] = wk * exp((lx[i] - m)^2 * nf - lx[i] - cst), i < n: the lognorm
 * density times the weight, in terms of log x.
 */
void fm_vlognorm(const double *lx, size_t n, double m, double nf, double cst,
		 double wk, double *out);

/*
 * With v_i = row[i] * t[i] and d_i = z[i] - shift: out[0] = sum v,
 * out[1] = sum v d, out[2] = sum v d^2 (four interleaved partial sums,
 * combined in a fixed order).
 */
void fm_vmoments(const double *row, const double *t, const double *z,
		 double shift, size_t n, double *out);

#endif

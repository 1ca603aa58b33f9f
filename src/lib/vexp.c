/*
 * vexp.c - see vexp-int.h.  Written with GCC vector extensions (four
 * doubles per vector) so that the compiler emits SSE2 or AVX2 code from
 * one source; the public functions pick the AVX2 or the baseline variant
 * by the CPU (__builtin_cpu_supports).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "vexp-int.h"

/* Helpers take vectors by pointer: passing 32-byte vectors by value
 * would depend on the ABI of the target variant. */

typedef double v4df __attribute__((vector_size(32), aligned(8)));
typedef int64_t v4di __attribute__((vector_size(32), aligned(8)));

#define LOG2E 1.4426950408889634
#define LN2_HI                                                                 \
	6.93147180369123816490e-01 /* ln 2, high bits: k * LN2_HI is exact */
#define LN2_LO 1.90821492927058770002e-10
#define SHIFTER 6755399441055744.0 /* 1.5 * 2^52 */
#define LO_LIMIT -708.0
#define HI_LIMIT 709.0

#define BODY static inline __attribute__((always_inline))

/* exp of four arguments already known to lie in [LO_LIMIT, HI_LIMIT]. */
static inline __attribute__((always_inline)) void kernel(v4df *io)
{
	v4df x = *io;
	const v4df shifter = {SHIFTER, SHIFTER, SHIFTER, SHIFTER};
	v4df t = x * LOG2E + shifter;
	v4df kd = t - shifter;			  /* round(x / ln 2) */
	v4di k = (v4di)t - (v4di)shifter;	  /* the same, as integers */
	v4df r = (x - kd * LN2_HI) - kd * LN2_LO; /* |r| <= ln2 / 2 */
	v4df p;

	/* e^r = sum r^j / j!, j <= 13 (truncation error < 1e-17), by
	 * Estrin's scheme: short dependency chains for pipelining */
	v4df r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
	v4df q0 = 1.0 + r;
	v4df q1 = 1.0 / 2 + r * (1.0 / 6);
	v4df q2 = 1.0 / 24 + r * (1.0 / 120);
	v4df q3 = 1.0 / 720 + r * (1.0 / 5040);
	v4df q4 = 1.0 / 40320 + r * (1.0 / 362880);
	v4df q5 = 1.0 / 3628800 + r * (1.0 / 39916800);
	v4df q6 = 1.0 / 479001600 + r * (1.0 / 6227020800.0);
	v4df u0 = (q0 + q1 * r2) + (q2 + q3 * r2) * r4;
	v4df u1 = (q4 + q5 * r2) + q6 * r4;
	p = u0 + u1 * r8;
	*io = p * (v4df)((k + 1023) << 52); /* 2^k, k in [-1021, 1023] */
}

/* exp of four arguments with the out-of-range ones done by libm, except
 * those below UNDER_LIMIT: their exp is below half the smallest subnormal
 * and rounds to +0, as libm returns (lognorm densities far from their
 * centre are mostly such, and calling libm for them doubled the time of
 * fits without uniforms). */
#define UNDER_LIMIT -746.0
static inline __attribute__((always_inline)) void vexp4(v4df *io)
{
	v4df x = *io, y;
	v4di ok = (x >= LO_LIMIT) & (x <= HI_LIMIT);
	v4di under = x < UNDER_LIMIT;

	if (ok[0] & ok[1] & ok[2] & ok[3]) {
		kernel(io);
		return;
	}
	if (under[0] & under[1] & under[2] & under[3]) {
		*io = (v4df){0, 0, 0, 0};
		return;
	}
	y = x;
	for (int j = 0; j < 4; j++)
		if (!ok[j])
			y[j] = 0;
	kernel(&y);
	for (int j = 0; j < 4; j++)
		if (!ok[j])
			y[j] = under[j] ? 0.0 : exp(x[j]);
	*io = y;
}

BODY void vexp_body(double *v, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		v4df x;
		memcpy(&x, v + i, sizeof(x));
		vexp4(&x);
		memcpy(v + i, &x, sizeof(x));
	}
	if (i < n) {
		v4df x = {0, 0, 0, 0};
		for (size_t j = 0; i + j < n; j++)
			x[j] = v[i + j];
		vexp4(&x);
		for (size_t j = 0; i + j < n; j++)
			v[i + j] = x[j];
	}
}

BODY void vlognorm_body(const double *lx, size_t n, double m, double nf,
			double cst, double wk, double *out)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		v4df l, d, y, l2, d2, y2;
		memcpy(&l, lx + i, sizeof(l));
		memcpy(&l2, lx + i + 4, sizeof(l2));
		d = l - m;
		d2 = l2 - m;
		y = d * d * nf - l - cst;
		y2 = d2 * d2 * nf - l2 - cst;
		vexp4(&y);
		vexp4(&y2);
		y *= wk;
		y2 *= wk;
		memcpy(out + i, &y, sizeof(y));
		memcpy(out + i + 4, &y2, sizeof(y2));
	}
	for (; i + 4 <= n; i += 4) {
		v4df l, d, y;
		memcpy(&l, lx + i, sizeof(l));
		d = l - m;
		y = d * d * nf - l - cst;
		vexp4(&y);
		y *= wk;
		memcpy(out + i, &y, sizeof(y));
	}
	if (i < n) {
		v4df l = {0, 0, 0, 0}, d, y;
		for (size_t j = 0; i + j < n; j++)
			l[j] = lx[i + j];
		d = l - m;
		y = d * d * nf - l - cst;
		vexp4(&y);
		y *= wk;
		for (size_t j = 0; i + j < n; j++)
			out[i + j] = y[j];
	}
}

BODY void vmoments_body(const double *row, const double *t, const double *z,
			double shift, size_t n, double *out)
{
	v4df s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		v4df r, tt, zz, v, d;
		memcpy(&r, row + i, sizeof(r));
		memcpy(&tt, t + i, sizeof(tt));
		memcpy(&zz, z + i, sizeof(zz));
		v = r * tt;
		d = zz - shift;
		s0 += v;
		s1 += v * d;
		s2 += v * (d * d);
	}
	for (size_t j = 0; i + j < n; j++) {
		double v = row[i + j] * t[i + j], d = z[i + j] - shift;
		s0[j] += v;
		s1[j] += v * d;
		s2[j] += v * (d * d);
	}
	out[0] = (s0[0] + s0[1]) + (s0[2] + s0[3]);
	out[1] = (s1[0] + s1[1]) + (s1[2] + s1[3]);
	out[2] = (s2[0] + s2[1]) + (s2[2] + s2[3]);
}

/*
 * Each kernel twice: for AVX2 and for the baseline, dispatched on the CPU.
 * Both variants perform the same IEEE operations in the same order.
 */
__attribute__((target("avx2"))) static void vexp_avx2(double *v, size_t n)
{
	vexp_body(v, n);
}

static void vexp_base(double *v, size_t n)
{
	vexp_body(v, n);
}

__attribute__((target("avx2"))) static void
vlognorm_avx2(const double *lx, size_t n, double m, double nf, double cst,
	      double wk, double *out)
{
	vlognorm_body(lx, n, m, nf, cst, wk, out);
}

static void vlognorm_base(const double *lx, size_t n, double m, double nf,
			  double cst, double wk, double *out)
{
	vlognorm_body(lx, n, m, nf, cst, wk, out);
}

__attribute__((target("avx2"))) static void
vmoments_avx2(const double *row, const double *t, const double *z, double shift,
	      size_t n, double *out)
{
	vmoments_body(row, t, z, shift, n, out);
}

static void vmoments_base(const double *row, const double *t, const double *z,
			  double shift, size_t n, double *out)
{
	vmoments_body(row, t, z, shift, n, out);
}

void fm_vexp_variant(double *v, size_t n, int avx2)
{
	if (avx2)
		vexp_avx2(v, n);
	else
		vexp_base(v, n);
}

void fm_vexp(double *v, size_t n)
{
	if (__builtin_cpu_supports("avx2"))
		vexp_avx2(v, n);
	else
		vexp_base(v, n);
}

void fm_vlognorm(const double *lx, size_t n, double m, double nf, double cst,
		 double wk, double *out)
{
	if (__builtin_cpu_supports("avx2"))
		vlognorm_avx2(lx, n, m, nf, cst, wk, out);
	else
		vlognorm_base(lx, n, m, nf, cst, wk, out);
}

void fm_vmoments(const double *row, const double *t, const double *z,
		 double shift, size_t n, double *out)
{
	if (__builtin_cpu_supports("avx2"))
		vmoments_avx2(row, t, z, shift, n, out);
	else
		vmoments_base(row, t, z, shift, n, out);
}

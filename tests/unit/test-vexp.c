/*
 * test-vexp.c - the vectorised exp of the fit against libm's exp
 * (differential: within 2 ulp over the whole range, exact special cases),
 * and the AVX2 and baseline variants against each other (bit for bit).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vexp-int.h"
#include "testutil.h"

static double ulps(double got, double want)
{
	if (got == want)
		return 0;
	return fabs(got - want) / (nextafter(want, INFINITY) - want);
}

static void test_against_libm(void **state)
{
	enum { N = 200003 };
	double *v = malloc(N * sizeof(double)), *x = malloc(N * sizeof(double));
	uint64_t s = 1;
	double worst = 0;
	(void)state;
	for (size_t i = 0; i < N; i++) {
		double u = (double)(tu_rand(&s) >> 11) / 9007199254740992.0;
		x[i] = i % 3 == 0   ? -745 + u * 1455
		       : i % 3 == 1 ? -1 + 2 * u
				    : -40 * u;
	}
	memcpy(v, x, N * sizeof(double));
	fm_vexp(v, N);
	for (size_t i = 0; i < N; i++) {
		double want = exp(x[i]);
		if (want < DBL_MIN) { /* subnormal range: libm itself */
			assert_true(v[i] == want);
			continue;
		}
		double e = ulps(v[i], want);
		if (e > worst)
			worst = e;
	}
	assert_true(worst <= 2);
	/* far below the range: whole vectors and mixed ones round to what
	 * libm gives (subnormals or +0), bit for bit */
	for (size_t i = 0; i < N; i++) {
		double u = (double)(tu_rand(&s) >> 11) / 9007199254740992.0;
		x[i] = (i / 8) % 2 ? -2000 + 1250 * u : -760 + 50 * u;
	}
	memcpy(v, x, N * sizeof(double));
	fm_vexp(v, N);
	for (size_t i = 0; i < N; i++)
		assert_true(v[i] == exp(x[i]) && !signbit(v[i]));
	/* special values take libm's path */
	double sp[7] = {NAN, INFINITY, -INFINITY, 710, -750, 0, -0.0};
	memcpy(v, sp, sizeof(sp));
	fm_vexp(v, 7);
	assert_true(isnan(v[0]) && v[1] == INFINITY && v[2] == 0 &&
		    v[3] == INFINITY);
	assert_true(v[4] == 0 && v[5] == 1 && v[6] == 1);
	free(v);
	free(x);
}

static void test_variants_agree(void **state)
{
	enum { N = 10007 };
	double a[N], b[N];
	uint64_t s = 2;
	(void)state;
	if (!__builtin_cpu_supports("avx2"))
		skip();
	for (size_t i = 0; i < N; i++)
		a[i] = b[i] = -700 + 1400 * ((double)(tu_rand(&s) >> 11) /
					     9007199254740992.0);
	fm_vexp_variant(a, N, 0);
	fm_vexp_variant(b, N, 1);
	assert_memory_equal(a, b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_against_libm),
	    cmocka_unit_test(test_variants_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

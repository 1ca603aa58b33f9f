/*
 * filter-eval.c - running a compiled filter over a batch, block by block.
 *
 * A batch is cut into blocks of FX_BLK records.  For a full block the
 * field registers point straight into the batch's columns (no copy); the
 * last, partial block is copied into zero-padded scratch columns so that
 * every kernel can always loop over exactly FX_BLK elements (constant
 * trip counts, which the compiler vectorises).  Each instruction is one
 * tight loop over a block; no per-record allocation, no tree walk.  At the
 * end of a block the result (and its error register) is turned into the
 * ascending list of kept record indices without branches (four flags at a
 * time through a lookup table).
 *
 * The kernels (filter-kern.h) are compiled twice: for the baseline
 * instruction set, where 64-bit integer comparisons are written as
 * arithmetic so that SSE2 can vectorise them, and on x86-64 for AVX2 too;
 * fm_filter_run_new picks the AVX2 set when the CPU has it.  Both sets
 * compute exactly the same results (the tests and the fuzzer compare them).
 */
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FX_HAVE_AVX2 1
#else
#define FX_HAVE_AVX2 0
#endif

#if defined(__GNUC__) && !defined(__clang__)
/* -O2 in GCC 12 uses the "very cheap" vectoriser model; the kernels here
 * are the place where full vectorisation pays. */
#pragma GCC optimize("tree-vectorize")
#endif

typedef void (*kernel_fn)(const struct fx_insn *in, void *const *R);
/* Append base + i for every i < m with keep[i] == 1; returns the count. */
typedef size_t (*collect_fn)(const int64_t *keep, size_t m, uint32_t base,
			     uint32_t *idx);
static const kernel_fn *kernel_table(void);
static collect_fn collect_for(const kernel_fn *table);
static const kernel_fn kernels_base[FX_C_COUNT];

struct fm_filter_run {
	const struct fm_filter *f;
	int64_t *scratch;      /* temps, FM_NFIELDS padded columns, keep */
	void **R;	       /* register pointers */
	const kernel_fn *kern; /* kernel table for this CPU */
	collect_fn collect;
	int64_t *keep; /* one block: 0/1 keep flags */
	uint64_t errors;
};

int fm_filter_run_new(struct fm_filter_run **out, const struct fm_filter *f,
		      struct fm_error *err)
{
	struct fm_filter_run *r = calloc(1, sizeof(*r));
	size_t ntemp = (size_t)(f->nregs - FM_NFIELDS);

	*out = NULL;
	if (!r)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r->f = f;
	r->R = calloc((size_t)f->nregs, sizeof(void *));
	r->scratch = aligned_alloc(64, (ntemp + FM_NFIELDS + 1) * FX_BLK *
					   sizeof(int64_t));
	if (!r->R || !r->scratch) {
		fm_filter_run_free(r);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	memset(r->scratch, 0,
	       (ntemp + FM_NFIELDS + 1) * FX_BLK * sizeof(int64_t));
	for (size_t k = 0; k < ntemp; k++)
		r->R[FM_NFIELDS + k] = r->scratch + k * FX_BLK;
	r->kern = kernel_table();
	r->collect = collect_for(r->kern);
	r->keep = r->scratch + (ntemp + FM_NFIELDS) * FX_BLK;
	*out = r;
	return 0;
}

void fm_filter_run_free(struct fm_filter_run *r)
{
	if (!r)
		return;
	free(r->scratch);
	free(r->R);
	free(r);
}

void fm_filter_run_use_baseline(struct fm_filter_run *r)
{
	r->kern = kernels_base;
	r->collect = collect_for(r->kern);
}

const char *fm_filter_run_isa(const struct fm_filter_run *r)
{
	return r->kern == kernels_base ? "baseline" : "avx2";
}

uint64_t fm_filter_run_errors(const struct fm_filter_run *r)
{
	return r->errors;
}

void fm_filter_run_report(const struct fm_filter_run *r,
			  const struct fm_log *log)
{
	if (r && r->errors)
		fm_warn(log,
			"filter: %llu record%s not kept because evaluating the "
			"filter failed on them (division or modulo by zero, "
			"negative "
			"shift count or zero to a negative power)",
			(unsigned long long)r->errors,
			r->errors == 1 ? "" : "s");
}

/* ---- kernels ---- */

#define I64(x) ((int64_t *)R[in->x])
#define CI64(x) ((const int64_t *)R[in->x])
#define DBL(x) ((double *)R[in->x])
#define CDBL(x) ((const double *)R[in->x])
#define LOOP for (int i = 0; i < FX_BLK; i++)

/* d = EXPR over int64 sources a, b */
#define K_II(name, EXPR)                                                       \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		int64_t *restrict d = I64(d);                                  \
		const int64_t *restrict a = CI64(a), *restrict b = CI64(b);    \
		LOOP                                                           \
		{                                                              \
			int64_t x = a[i], y = b[i];                            \
			d[i] = (EXPR);                                         \
		}                                                              \
	}
#define K_IK(name, EXPR)                                                       \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		int64_t *restrict d = I64(d);                                  \
		const int64_t *restrict a = CI64(a);                           \
		const int64_t y = in->imm.i;                                   \
		LOOP                                                           \
		{                                                              \
			int64_t x = a[i];                                      \
			d[i] = (EXPR);                                         \
		}                                                              \
	}
/* with an error output (e may be FX_NOREG) */
#define K_IIE(name, FN)                                                        \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		int64_t *restrict d = I64(d);                                  \
		const int64_t *restrict a = CI64(a), *restrict b = CI64(b);    \
		int64_t *restrict e = in->e != FX_NOREG ? I64(e) : NULL, ev;   \
		if (e) {                                                       \
			LOOP                                                   \
			{                                                      \
				d[i] = FN(a[i], b[i], &ev);                    \
				e[i] = ev;                                     \
			}                                                      \
		} else {                                                       \
			LOOP d[i] = FN(a[i], b[i], &ev);                       \
		}                                                              \
	}
#define K_IKE(name, FN)                                                        \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		int64_t *restrict d = I64(d);                                  \
		const int64_t *restrict a = CI64(a);                           \
		const int64_t y = in->imm.i;                                   \
		int64_t ev;                                                    \
		LOOP d[i] = FN(a[i], y, &ev);                                  \
	}
#define K_DD(name, T, EXPR)                                                    \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		T *restrict d = (T *)R[in->d];                                 \
		const double *restrict a = CDBL(a), *restrict b = CDBL(b);     \
		LOOP                                                           \
		{                                                              \
			double x = a[i], y = b[i];                             \
			d[i] = (EXPR);                                         \
		}                                                              \
	}
#define K_DK(name, T, EXPR)                                                    \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		T *restrict d = (T *)R[in->d];                                 \
		const double *restrict a = CDBL(a);                            \
		const double y = in->imm.d;                                    \
		LOOP                                                           \
		{                                                              \
			double x = a[i];                                       \
			d[i] = (EXPR);                                         \
		}                                                              \
	}
#define K_DDE(name, FN)                                                        \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		double *restrict d = DBL(d);                                   \
		const double *restrict a = CDBL(a), *restrict b = CDBL(b);     \
		int64_t *restrict e = in->e != FX_NOREG ? I64(e) : NULL, ev;   \
		if (e) {                                                       \
			LOOP                                                   \
			{                                                      \
				d[i] = FN(a[i], b[i], &ev);                    \
				e[i] = ev;                                     \
			}                                                      \
		} else {                                                       \
			LOOP d[i] = FN(a[i], b[i], &ev);                       \
		}                                                              \
	}
#define K_DKE(name, FN)                                                        \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		double *restrict d = DBL(d);                                   \
		const double *restrict a = CDBL(a);                            \
		const double y = in->imm.d;                                    \
		int64_t *restrict e = in->e != FX_NOREG ? I64(e) : NULL, ev;   \
		if (e) {                                                       \
			LOOP                                                   \
			{                                                      \
				d[i] = FN(a[i], y, &ev);                       \
				e[i] = ev;                                     \
			}                                                      \
		} else {                                                       \
			LOOP d[i] = FN(a[i], y, &ev);                          \
		}                                                              \
	}

/*
 * Integer comparisons written with 64-bit arithmetic only (baseline x86-64
 * SSE2 has no 64-bit compare instruction, so `x == y` would not
 * vectorise): ne(z) = (z | -z) >> 63 for z = x ^ y, and the signed x < y
 * is the sign of (x - y) corrected for overflow (Hacker's Delight 2-12).
 */
static inline int64_t fx_ne64(int64_t x, int64_t y)
{
	uint64_t z = (uint64_t)x ^ (uint64_t)y;
	return (int64_t)((z | (0 - z)) >> 63);
}
static inline int64_t fx_lt64(int64_t x, int64_t y)
{
	uint64_t ux = (uint64_t)x, uy = (uint64_t)y, d = ux - uy;
	return (int64_t)((d ^ ((ux ^ uy) & (d ^ ux))) >> 63);
}

#define CMPS_I(K, suffix)                                                      \
	K(EQ_##suffix, 1 - FX_NE(x, y))                                        \
	K(NE_##suffix, FX_NE(x, y))                                            \
	K(LT_##suffix, FX_LT(x, y))                                            \
	K(LE_##suffix, 1 - FX_LT(y, x))                                        \
	K(GT_##suffix, FX_LT(y, x)) K(GE_##suffix, 1 - FX_LT(x, y))

/* Offsets of the set bits of a 4-bit mask, and their count. */
static const struct {
	uint32_t off[4];
	uint32_t n;
} fx_lut[16] = {
    {{0, 0, 0, 0}, 0}, {{0, 0, 0, 0}, 1}, {{1, 0, 0, 0}, 1}, {{0, 1, 0, 0}, 2},
    {{2, 0, 0, 0}, 1}, {{0, 2, 0, 0}, 2}, {{1, 2, 0, 0}, 2}, {{0, 1, 2, 0}, 3},
    {{3, 0, 0, 0}, 1}, {{0, 3, 0, 0}, 2}, {{1, 3, 0, 0}, 2}, {{0, 1, 3, 0}, 3},
    {{2, 3, 0, 0}, 2}, {{0, 2, 3, 0}, 3}, {{1, 2, 3, 0}, 3}, {{0, 1, 2, 3}, 4},
};
#define CMPS(T, K, suffix)                                                     \
	K(EQ_##suffix, T, x == y)                                              \
	K(NE_##suffix, T, x != y)                                              \
	K(LT_##suffix, T, x < y)                                               \
	K(LE_##suffix, T, x <= y)                                              \
	K(GT_##suffix, T, x > y) K(GE_##suffix, T, x >= y)

/* exact int-real comparisons: c = fx_cmp_id(a, b) in -1, 0, 1, 2 (NaN) */
#define K_ID(name, TEST)                                                       \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		int64_t *restrict d = I64(d);                                  \
		const int64_t *restrict a = CI64(a);                           \
		const double *restrict b = CDBL(b);                            \
		LOOP                                                           \
		{                                                              \
			int c = fx_cmp_id(a[i], b[i]);                         \
			d[i] = (TEST);                                         \
		}                                                              \
	}                                                                      \
	static KATTR void KNAME(name##K)(const struct fx_insn *in,             \
					 void *const *R)                       \
	{                                                                      \
		int64_t *restrict d = I64(d);                                  \
		const int64_t *restrict a = CI64(a);                           \
		const double y = in->imm.d;                                    \
		LOOP                                                           \
		{                                                              \
			int c = fx_cmp_id(a[i], y);                            \
			d[i] = (TEST);                                         \
		}                                                              \
	}

#define K_U(name, T, S, EXPR)                                                  \
	static KATTR void KNAME(name)(const struct fx_insn *in,                \
				      void *const *R)                          \
	{                                                                      \
		T *restrict d = (T *)R[in->d];                                 \
		const S *restrict a = (const S *)R[in->a];                     \
		LOOP                                                           \
		{                                                              \
			S x = a[i];                                            \
			d[i] = (EXPR);                                         \
		}                                                              \
	}

#define KNAME__(n, s) k_##n##s
#define KNAME_(n, s) KNAME__(n, s)
#define KNAME(n) KNAME_(n, FX_KSUF)

#define FX_KSUF
#define KATTR
#define FX_NE(x, y) fx_ne64(x, y)
#define FX_LT(x, y) fx_lt64(x, y)
#include "filter-kern.h"
#undef FX_NE
#undef FX_LT
#define FX_KTAB(name) k_##name,
static const kernel_fn kernels_base[FX_C_COUNT] = {FX_CODES(FX_KTAB)};

#undef FX_KTAB
#undef FX_KSUF
#undef KATTR

#if FX_HAVE_AVX2
#define FX_KSUF _avx2
#define KATTR __attribute__((target("avx2")))
/* AVX2 has 64-bit compares: plain C comparisons vectorise */
#define FX_NE(x, y) ((int64_t)((x) != (y)))
#define FX_LT(x, y) ((int64_t)((x) < (y)))
#include "filter-kern.h"
#undef FX_NE
#undef FX_LT
#define FX_KTAB(name) k_##name##_avx2,
static const kernel_fn kernels_avx2[FX_C_COUNT] = {FX_CODES(FX_KTAB)};

#undef FX_KTAB
#undef FX_KSUF
#undef KATTR
#endif

static collect_fn collect_for(const kernel_fn *table)
{
#if FX_HAVE_AVX2
	if (table == kernels_avx2)
		return k_collect01_avx2;
#endif
	(void)table;
	return k_collect01;
}

/* The kernel table for this CPU. */
static const kernel_fn *kernel_table(void)
{
#if FX_HAVE_AVX2
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		return kernels_avx2;
#endif
	return kernels_base;
}

/* ---- running ---- */

static void run_block(struct fm_filter_run *r)
{
	const struct fm_filter *f = r->f;
	const kernel_fn *kern = r->kern;
	for (size_t k = 0; k < f->ncode; k++)
		kern[f->code[k].op](&f->code[k], r->R);
}

/* Append the kept records of one block (m valid of FX_BLK) to idx. */
static size_t collect(struct fm_filter_run *r, size_t off, size_t m,
		      uint32_t *idx)
{
	const struct fm_filter *f = r->f;
	const int64_t *ev = f->result_err != FX_NOREG
				? (const int64_t *)r->R[f->result_err]
				: NULL;
	uint32_t base = (uint32_t)off;

	if (ev) {
		uint64_t ne = 0;
		for (size_t i = 0; i < m; i++)
			ne += ev[i] != 0;
		r->errors += ne;
	}
	if (f->result_type == FX_BOOL && !ev)
		return r->collect(r->R[f->result], m, base, idx);
	if (f->result_type == FX_REAL) {
		const double *v = r->R[f->result];
		for (size_t i = 0; i < FX_BLK; i++)
			r->keep[i] = v[i] != 0.0;
	} else {
		const int64_t *v = r->R[f->result];
		for (size_t i = 0; i < FX_BLK; i++)
			r->keep[i] = v[i] != 0;
	}
	if (ev)
		for (size_t i = 0; i < FX_BLK; i++)
			r->keep[i] &= ev[i] == 0;
	return r->collect(r->keep, m, base, idx);
}

long fm_filter_select(struct fm_filter_run *r, const struct fm_batch *b,
		      uint32_t *idx)
{
	const struct fm_filter *f = r->f;
	int64_t *pad = r->scratch + (size_t)(f->nregs - FM_NFIELDS) * FX_BLK;
	size_t kept = 0;

	for (size_t off = 0; off < b->n; off += FX_BLK) {
		size_t m = b->n - off < FX_BLK ? b->n - off : FX_BLK;
		for (int c = 0; c < FM_NFIELDS; c++) {
			if (!(f->fields & FM_FIELD_BIT(c)))
				continue;
			if (m == FX_BLK) {
				r->R[c] = (void *)(b->col[c] + off);
			} else {
				int64_t *p = pad + (size_t)c * FX_BLK;
				memcpy(p, b->col[c] + off, m * sizeof(int64_t));
				memset(p + m, 0,
				       (FX_BLK - m) * sizeof(int64_t));
				r->R[c] = p;
			}
		}
		run_block(r);
		kept += collect(r, off, m, idx + kept);
	}
	return (long)kept;
}

static long selector_fn(void *ctx, const struct fm_batch *b, uint32_t *idx,
			struct fm_error *err)
{
	(void)err;
	return fm_filter_select(ctx, b, idx);
}

void fm_filter_selector(struct fm_selector *sel, struct fm_filter_run *r)
{
	sel->fields = r->f->fields;
	sel->select = selector_fn;
	sel->ctx = r;
}

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
 * ascending list of kept record indices without branches.
 */
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"

#if defined(__GNUC__) && !defined(__clang__)
/* -O2 in GCC 12 uses the "very cheap" vectoriser model; the kernels here
 * are the place where full vectorisation pays. */
#pragma GCC optimize("tree-vectorize")
#endif

struct fm_filter_run {
	const struct fm_filter *f;
	int64_t *scratch;        /* temps, then FM_NFIELDS padded columns */
	void **R;                /* register pointers */
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
	r->scratch = aligned_alloc(64, (ntemp + FM_NFIELDS) * FX_BLK * sizeof(int64_t));
	if (!r->R || !r->scratch) {
		fm_filter_run_free(r);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	memset(r->scratch, 0, (ntemp + FM_NFIELDS) * FX_BLK * sizeof(int64_t));
	for (size_t k = 0; k < ntemp; k++)
		r->R[FM_NFIELDS + k] = r->scratch + k * FX_BLK;
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

uint64_t fm_filter_run_errors(const struct fm_filter_run *r)
{
	return r->errors;
}

void fm_filter_run_report(const struct fm_filter_run *r, const struct fm_log *log)
{
	if (r && r->errors)
		fm_warn(log, "filter: %llu record%s not kept because evaluating the "
			"filter failed on them (division or modulo by zero, negative "
			"shift count or zero to a negative power)",
			(unsigned long long)r->errors, r->errors == 1 ? "" : "s");
}

/* ---- kernels ---- */

#define I64(x) ((int64_t *)R[in->x])
#define CI64(x) ((const int64_t *)R[in->x])
#define DBL(x) ((double *)R[in->x])
#define CDBL(x) ((const double *)R[in->x])
#define LOOP for (int i = 0; i < FX_BLK; i++)

/* d = EXPR over int64 sources a, b */
#define K_II(name, EXPR) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		int64_t *restrict d = I64(d); \
		const int64_t *restrict a = CI64(a), *restrict b = CI64(b); \
		LOOP { int64_t x = a[i], y = b[i]; d[i] = (EXPR); } \
	}
#define K_IK(name, EXPR) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		int64_t *restrict d = I64(d); \
		const int64_t *restrict a = CI64(a); \
		const int64_t y = in->imm.i; \
		LOOP { int64_t x = a[i]; d[i] = (EXPR); } \
	}
/* with an error output (e may be FX_NOREG) */
#define K_IIE(name, FN) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		int64_t *restrict d = I64(d); \
		const int64_t *restrict a = CI64(a), *restrict b = CI64(b); \
		int64_t *restrict e = in->e != FX_NOREG ? I64(e) : NULL, ev; \
		if (e) { \
			LOOP { d[i] = FN(a[i], b[i], &ev); e[i] = ev; } \
		} else { \
			LOOP d[i] = FN(a[i], b[i], &ev); \
		} \
	}
#define K_IKE(name, FN) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		int64_t *restrict d = I64(d); \
		const int64_t *restrict a = CI64(a); \
		const int64_t y = in->imm.i; \
		int64_t ev; \
		LOOP d[i] = FN(a[i], y, &ev); \
	}
#define K_DD(name, T, EXPR) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		T *restrict d = (T *)R[in->d]; \
		const double *restrict a = CDBL(a), *restrict b = CDBL(b); \
		LOOP { double x = a[i], y = b[i]; d[i] = (EXPR); } \
	}
#define K_DK(name, T, EXPR) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		T *restrict d = (T *)R[in->d]; \
		const double *restrict a = CDBL(a); \
		const double y = in->imm.d; \
		LOOP { double x = a[i]; d[i] = (EXPR); } \
	}
#define K_DDE(name, FN) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		double *restrict d = DBL(d); \
		const double *restrict a = CDBL(a), *restrict b = CDBL(b); \
		int64_t *restrict e = in->e != FX_NOREG ? I64(e) : NULL, ev; \
		if (e) { \
			LOOP { d[i] = FN(a[i], b[i], &ev); e[i] = ev; } \
		} else { \
			LOOP d[i] = FN(a[i], b[i], &ev); \
		} \
	}
#define K_DKE(name, FN) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		double *restrict d = DBL(d); \
		const double *restrict a = CDBL(a); \
		const double y = in->imm.d; \
		int64_t *restrict e = in->e != FX_NOREG ? I64(e) : NULL, ev; \
		if (e) { \
			LOOP { d[i] = FN(a[i], y, &ev); e[i] = ev; } \
		} else { \
			LOOP d[i] = FN(a[i], y, &ev); \
		} \
	}


K_II(ADD_I, fx_add(x, y))
K_II(SUB_I, fx_sub(x, y))
K_II(MUL_I, fx_mul(x, y))
K_IIE(FDIV_I, fx_floordiv)
K_IIE(MOD_I, fx_mod)
K_IIE(SHL_I, fx_shl)
K_IIE(SHR_I, fx_shr)
K_II(AND_I, x & y)
K_II(OR_I, x | y)
K_II(XOR_I, x ^ y)
K_II(ANDN_I, x & (y ^ 1))
K_IK(ADD_IK, fx_add(x, y))
K_IK(SUB_IK, fx_sub(x, y))
K_IK(MUL_IK, fx_mul(x, y))
K_IKE(FDIV_IK, fx_floordiv)
K_IKE(MOD_IK, fx_mod)
K_IKE(SHL_IK, fx_shl)
K_IKE(SHR_IK, fx_shr)
K_IK(AND_IK, x & y)
K_IK(OR_IK, x | y)
K_IK(XOR_IK, x ^ y)
K_IK(POW_IK, fx_powi(x, y))

K_DD(ADD_D, double, x + y)
K_DD(SUB_D, double, x - y)
K_DD(MUL_D, double, x * y)
K_DDE(DIV_D, fx_divd)
K_DDE(FDIV_D, fx_floordivd)
K_DDE(MOD_D, fx_modd)
K_DDE(POW_D, fx_powd)
K_DK(ADD_DK, double, x + y)
K_DK(SUB_DK, double, x - y)
K_DK(MUL_DK, double, x * y)
K_DKE(DIV_DK, fx_divd)
K_DKE(FDIV_DK, fx_floordivd)
K_DKE(MOD_DK, fx_modd)
K_DKE(POW_DK, fx_powd)

#define CMPS(T, K, suffix) \
	K(EQ_##suffix, T, x == y) K(NE_##suffix, T, x != y) \
	K(LT_##suffix, T, x < y) K(LE_##suffix, T, x <= y) \
	K(GT_##suffix, T, x > y) K(GE_##suffix, T, x >= y)
#define K_II2(name, T, EXPR) K_II(name, EXPR)
#define K_IK2(name, T, EXPR) K_IK(name, EXPR)
CMPS(int64_t, K_II2, I)
CMPS(int64_t, K_IK2, IK)
CMPS(int64_t, K_DD, D)
CMPS(int64_t, K_DK, DK)

/* exact int-real comparisons: c = fx_cmp_id(a, b) in -1, 0, 1, 2 (NaN) */
#define K_ID(name, TEST) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		int64_t *restrict d = I64(d); \
		const int64_t *restrict a = CI64(a); \
		const double *restrict b = CDBL(b); \
		LOOP { int c = fx_cmp_id(a[i], b[i]); d[i] = (TEST); } \
	} \
	static void k_##name##K(const struct fx_insn *in, void *const *R) \
	{ \
		int64_t *restrict d = I64(d); \
		const int64_t *restrict a = CI64(a); \
		const double y = in->imm.d; \
		LOOP { int c = fx_cmp_id(a[i], y); d[i] = (TEST); } \
	}
K_ID(EQ_ID, c == 0)
K_ID(NE_ID, c != 0)
K_ID(LT_ID, c == -1)
K_ID(LE_ID, c == -1 || c == 0)
K_ID(GT_ID, c == 1)
K_ID(GE_ID, c == 1 || c == 0)

static void k_FILL_I(const struct fx_insn *in, void *const *R)
{
	int64_t *restrict d = I64(d);
	LOOP d[i] = in->imm.i;
}
static void k_FILL_D(const struct fx_insn *in, void *const *R)
{
	double *restrict d = DBL(d);
	LOOP d[i] = in->imm.d;
}
static void k_I2D(const struct fx_insn *in, void *const *R)
{
	double *restrict d = DBL(d);
	const int64_t *restrict a = CI64(a);
	LOOP d[i] = (double)a[i];
}
static void k_CLAMP(const struct fx_insn *in, void *const *R)
{
	int64_t *restrict d = I64(d);
	const int64_t *restrict a = CI64(a);
	LOOP d[i] = fx_clamp(a[i]);
}
static void k_DUR(const struct fx_insn *in, void *const *R)
{
	int64_t *restrict d = I64(d);
	const int64_t *p = R[FM_PACKETS], *f = R[FM_FIRST], *fm = R[FM_FIRST_MS];
	const int64_t *l = R[FM_LAST], *lm = R[FM_LAST_MS];
	LOOP d[i] = fx_duration(p[i], f[i], fm[i], l[i], lm[i]);
}
static void k_RATE(const struct fx_insn *in, void *const *R)
{
	double *restrict d = DBL(d);
	const int64_t *restrict o = CI64(a), *restrict u = CI64(b);
	LOOP d[i] = fx_rate(o[i], u[i]);
}
#define K_U(name, T, S, EXPR) \
	static void k_##name(const struct fx_insn *in, void *const *R) \
	{ \
		T *restrict d = (T *)R[in->d]; \
		const S *restrict a = (const S *)R[in->a]; \
		LOOP { S x = a[i]; d[i] = (EXPR); } \
	}
K_U(NEG_I, int64_t, int64_t, fx_neg(x))
K_U(INV_I, int64_t, int64_t, ~x)
K_U(NOT_B, int64_t, int64_t, x ^ 1)
K_U(TRUTH_I, int64_t, int64_t, x != 0)
K_U(NOT_I, int64_t, int64_t, x == 0)
K_U(NEG_D, double, double, -x)
K_U(TRUTH_D, int64_t, double, x != 0.0)
K_U(NOT_D, int64_t, double, x == 0.0)

typedef void (*kernel_fn)(const struct fx_insn *in, void *const *R);
#define FX_KTAB(name) k_##name,
static const kernel_fn kernels[FX_C_COUNT] = { FX_CODES(FX_KTAB) };

/* ---- running ---- */

static void run_block(struct fm_filter_run *r)
{
	const struct fm_filter *f = r->f;
	for (size_t k = 0; k < f->ncode; k++)
		kernels[f->code[k].op](&f->code[k], r->R);
}

/* Append the kept records of one block (m valid of FX_BLK) to idx. */
static size_t collect(struct fm_filter_run *r, size_t off, size_t m,
		      uint32_t *idx)
{
	const struct fm_filter *f = r->f;
	const int64_t *ev = f->result_err != FX_NOREG
			    ? (const int64_t *)r->R[f->result_err] : NULL;
	size_t k = 0;
	uint32_t base = (uint32_t)off;

	if (ev) {
		uint64_t ne = 0;
		for (size_t i = 0; i < m; i++)
			ne += ev[i] != 0;
		r->errors += ne;
	}
	if (f->result_type == FX_REAL) {
		const double *v = r->R[f->result];
		for (size_t i = 0; i < m; i++) {
			idx[k] = base + (uint32_t)i;
			k += (v[i] != 0.0) & (ev ? ev[i] == 0 : 1);
		}
	} else if (f->result_type == FX_BOOL && !ev) {
		const int64_t *v = r->R[f->result];
		for (size_t i = 0; i < m; i++) {
			idx[k] = base + (uint32_t)i;
			k += (size_t)v[i];
		}
	} else {
		const int64_t *v = r->R[f->result];
		for (size_t i = 0; i < m; i++) {
			idx[k] = base + (uint32_t)i;
			k += (v[i] != 0) & (ev ? ev[i] == 0 : 1);
		}
	}
	return k;
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
				memset(p + m, 0, (FX_BLK - m) * sizeof(int64_t));
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

/*
 * filter-kern.h - the kernels of filter-eval.c, one loop over FX_BLK
 * elements each.  Included twice by filter-eval.c: once for the baseline
 * instruction set and, on x86-64, once more compiled for AVX2 (KATTR,
 * KNAME set by the includer), chosen at run time by CPU support.
 * No include guard on purpose.
 */
K_II(ADD_I, fx_add(x, y))
K_II(SUB_I, fx_sub(x, y))
K_II(MUL_I, fx_mul(x, y))
K_IIE(FDIV_I, fx_floordiv)
K_IIE(MOD_I, fx_mod)
K_IIE(SHL_I, fx_shl)
K_IIE(SHR_I, fx_shr)
K_II(AND_I, x &y)
K_II(OR_I, x | y)
K_II(XOR_I, x ^ y)
K_II(ANDN_I, x &(y ^ 1))
K_IK(ADD_IK, fx_add(x, y))
K_IK(SUB_IK, fx_sub(x, y))
K_IK(MUL_IK, fx_mul(x, y))
K_IKE(FDIV_IK, fx_floordiv)
K_IKE(MOD_IK, fx_mod)
K_IKE(SHL_IK, fx_shl)
K_IKE(SHR_IK, fx_shr)
K_IK(AND_IK, x &y)
K_IK(OR_IK, x | y)
K_IK(XOR_IK, x ^ y)
K_IK(POW_IK, fx_powi(x, y))

K_DD(ADD_D, double, x + y)
K_DD(SUB_D, double, x - y)
K_DD(MUL_D, double, x *y)
K_DDE(DIV_D, fx_divd)
K_DDE(FDIV_D, fx_floordivd)
K_DDE(MOD_D, fx_modd)
K_DDE(POW_D, fx_powd)
K_DK(ADD_DK, double, x + y)
K_DK(SUB_DK, double, x - y)
K_DK(MUL_DK, double, x *y)
K_DKE(DIV_DK, fx_divd)
K_DKE(FDIV_DK, fx_floordivd)
K_DKE(MOD_DK, fx_modd)
K_DKE(POW_DK, fx_powd)

CMPS_I(K_II, I)
CMPS_I(K_IK, IK)
CMPS(int64_t, K_DD, D)
CMPS(int64_t, K_DK, DK)

K_ID(EQ_ID, c == 0)
K_ID(NE_ID, c != 0)
K_ID(LT_ID, c == -1)
K_ID(LE_ID, c == -1 || c == 0)
K_ID(GT_ID, c == 1)
K_ID(GE_ID, c == 1 || c == 0)

static KATTR void KNAME(FILL_I)(const struct fx_insn *in, void *const *R)
{
	int64_t *restrict d = I64(d);
	LOOP d[i] = in->imm.i;
}
static KATTR void KNAME(FILL_D)(const struct fx_insn *in, void *const *R)
{
	double *restrict d = DBL(d);
	LOOP d[i] = in->imm.d;
}
static KATTR void KNAME(I2D)(const struct fx_insn *in, void *const *R)
{
	double *restrict d = DBL(d);
	const int64_t *restrict a = CI64(a);
	LOOP d[i] = (double)a[i];
}
static KATTR void KNAME(CLAMP)(const struct fx_insn *in, void *const *R)
{
	int64_t *restrict d = I64(d);
	const int64_t *restrict a = CI64(a);
	LOOP d[i] = fx_clamp(a[i]);
}
static KATTR void KNAME(DUR)(const struct fx_insn *in, void *const *R)
{
	int64_t *restrict d = I64(d);
	const int64_t *p = R[FM_PACKETS], *f = R[FM_FIRST],
		      *fm = R[FM_FIRST_MS];
	const int64_t *l = R[FM_LAST], *lm = R[FM_LAST_MS];
	LOOP d[i] = fx_duration(p[i], f[i], fm[i], l[i], lm[i]);
}
static KATTR void KNAME(RATE)(const struct fx_insn *in, void *const *R)
{
	double *restrict d = DBL(d);
	const int64_t *restrict o = CI64(a), *restrict u = CI64(b);
	LOOP d[i] = fx_rate(o[i], u[i]);
}
K_U(NEG_I, int64_t, int64_t, fx_neg(x))
K_U(INV_I, int64_t, int64_t, ~x)
K_U(NOT_B, int64_t, int64_t, x ^ 1)
K_U(TRUTH_I, int64_t, int64_t, x != 0)
K_U(NOT_I, int64_t, int64_t, x == 0)
K_U(NEG_D, double, double, -x)
K_U(TRUTH_D, int64_t, double, x != 0.0)
K_U(NOT_D, int64_t, double, x == 0.0)

/* The kept indices of one block, four flags at a time through fx_lut. */
static KATTR size_t KNAME(collect01)(const int64_t *keep, size_t m,
				     uint32_t base, uint32_t *idx)
{
	size_t k = 0, i = 0;
	for (; i + 4 <= m; i += 4) {
		unsigned msk = (unsigned)(keep[i] | keep[i + 1] << 1 |
					  keep[i + 2] << 2 | keep[i + 3] << 3);
		uint32_t b = base + (uint32_t)i;
		/* writes 4 entries; only the first n count (all below m) */
		for (int j = 0; j < 4; j++)
			idx[k + (size_t)j] = b + fx_lut[msk].off[j];
		k += fx_lut[msk].n;
	}
	for (; i < m; i++) {
		idx[k] = base + (uint32_t)i;
		k += (size_t)keep[i];
	}
	return k;
}

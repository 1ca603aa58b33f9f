/*
 * filter-int.h - private parts of the filter module: the syntax tree made
 * by filter-parse.c, the program made by filter-compile.c and run by
 * filter-eval.c, and the scalar semantics shared by the constant folder
 * and the vector kernels (so both compute exactly the same thing).
 *
 * Types: FX_BOOL and FX_INT are both stored as int64_t (booleans as 0/1),
 * FX_REAL as double.  Integer arithmetic wraps (done in uint64_t).
 */
#ifndef FM_FILTER_INT_H
#define FM_FILTER_INT_H

#include <math.h>
#include <stdint.h>

#include "flowmodels/buf.h"
#include "flowmodels/filter.h"

enum fx_type { FX_BOOL, FX_INT, FX_REAL };

enum fx_kind {
	FX_LIT,	   /* literal: type + i or d */
	FX_FIELD,  /* field number (incl. duration, rate) */
	FX_UNARY,  /* op: '-', '+', '~' */
	FX_BINARY, /* op: FX_OP_* arithmetic/bitwise */
	FX_CMP,	   /* chain of n operands, n-1 comparison ops */
	FX_AND,
	FX_OR,	/* a, b */
	FX_NOT, /* a */
};

enum fx_op {
	FX_OP_ADD,
	FX_OP_SUB,
	FX_OP_MUL,
	FX_OP_DIV,
	FX_OP_FLOORDIV,
	FX_OP_MOD,
	FX_OP_POW,
	FX_OP_SHL,
	FX_OP_SHR,
	FX_OP_BAND,
	FX_OP_BOR,
	FX_OP_BXOR,
	FX_OP_EQ,
	FX_OP_NE,
	FX_OP_LT,
	FX_OP_LE,
	FX_OP_GT,
	FX_OP_GE,
	FX_OP_NEG,
	FX_OP_POS,
	FX_OP_INV,
	FX_OP_COUNT
};

struct fx_node {
	enum fx_kind kind;
	int op;		   /* enum fx_op */
	int col;	   /* 1-based column of the operator/operand */
	enum fx_type type; /* set by the compiler */
	int is_const;	   /* set by the compiler: no field below */
	int64_t i;	   /* FX_LIT int/bool value; FX_FIELD number */
	double d;	   /* FX_LIT real value */
	struct fx_node *a, *b;
	struct fx_node **items; /* FX_CMP operands */
	int *ops;		/* FX_CMP operators (n - 1) */
	int *cols;		/* FX_CMP operator columns */
	int n;
	int height;	  /* 0 for a leaf */
	int paren;	  /* written in parentheses */
	const char *text; /* the user's text of a rewritten test */
	size_t text_len;
	struct fx_node *all_next; /* allocation list */
};

struct fx_tree {
	struct fx_node *root;
	struct fx_node *all;	     /* every node, for freeing */
	char warning[FM_ERRMSG_MAX]; /* a parse-time warning, or "" */
};

/* Deepest syntax tree accepted (bounds every recursion over it). */
#define FX_MAX_HEIGHT 1000

/* filter-parse.c */
int fx_parse(const char *expr, struct fx_tree *t, int *errcol,
	     struct fm_error *err);
void fx_tree_free(struct fx_tree *t);
int fx_print(const struct fx_node *n, struct fm_buf *out);
const char *fx_op_text(int op);
const char *fx_field_name(int f);
/* A node in t's allocation list (NULL when out of memory). */
struct fx_node *fx_new_node(struct fx_tree *t, enum fx_kind kind, int col);

/* filter-literal.c: addresses, dates, protocol names (docs/filters.md) */
struct fx_addr {
	int family;    /* 4 or 6 */
	uint32_t w[4]; /* words as sa0..sa3 hold them (IPv4: w[3]) */
	int prefix;    /* bits: 32 or 128 without /N */
};
/*
 * At s: 0 when no address literal starts there; 1 with *len and *a set;
 * -1 when one starts but is malformed (msg set, *len its extent).
 */
int fx_lex_addr(const char *s, size_t *len, struct fx_addr *a, char *msg,
		size_t msgsize);
/* The same for a date YYYY-MM-DD[THH:MM[:SS]][Z] (UTC) -> seconds. */
int fx_lex_date(const char *s, size_t *len, int64_t *secs, char *msg,
		size_t msgsize);
/* Protocol number of a name (tcp, udp, ...; flowtext.h) or -1. */
int fx_proto_number(const char *s, size_t len);
/* 0 for sa, 1 for da, 2 for addr, -1 otherwise. */
int fx_addr_field(const char *s, size_t len);
/*
 * The ordinary nodes of "sa/da/addr == a" (which 0/1/2), negated for
 * != and not in; NULL when out of memory.
 */
struct fx_node *fx_addr_test(struct fx_tree *t, int which, int negate,
			     const struct fx_addr *a, int col);

/* ---- the program ---- */

/* Records per evaluation block: every kernel loops over exactly this many. */
#define FX_BLK 512
#define FX_NOREG 0xffff

/* Registers 0..FM_NFIELDS-1 are the record columns; temps follow. */
struct fx_insn {
	uint16_t op;	     /* enum fx_code */
	uint16_t d, a, b, e; /* destination, sources, error output */
	union {
		int64_t i;
		double d;
	} imm;
};

struct fm_filter {
	char *text;
	char *canonical;
	char *warning; /* NULL or the parser's warning */
	uint32_t fields;
	struct fx_insn *code;
	size_t ncode;
	int nregs; /* total registers, fields included */
	uint16_t result, result_err;
	enum fx_type result_type;
};

/* Kernel codes; generated in filter-eval.c from the same list. */
/* clang-format off */
#define FX_CODES(X) \
	X(FILL_I) X(FILL_D) X(I2D) X(CLAMP) X(DUR) X(RATE) \
	X(NEG_I) X(INV_I) X(NOT_B) X(TRUTH_I) X(NOT_I) X(NEG_D) X(TRUTH_D) X(NOT_D) \
	X(ADD_I) X(SUB_I) X(MUL_I) X(FDIV_I) X(MOD_I) X(SHL_I) X(SHR_I) \
	X(AND_I) X(OR_I) X(XOR_I) \
	X(ADD_IK) X(SUB_IK) X(MUL_IK) X(FDIV_IK) X(MOD_IK) X(SHL_IK) X(SHR_IK) \
	X(AND_IK) X(OR_IK) X(XOR_IK) X(POW_IK) \
	X(ADD_D) X(SUB_D) X(MUL_D) X(DIV_D) X(FDIV_D) X(MOD_D) X(POW_D) \
	X(ADD_DK) X(SUB_DK) X(MUL_DK) X(DIV_DK) X(FDIV_DK) X(MOD_DK) X(POW_DK) \
	X(EQ_I) X(NE_I) X(LT_I) X(LE_I) X(GT_I) X(GE_I) \
	X(EQ_IK) X(NE_IK) X(LT_IK) X(LE_IK) X(GT_IK) X(GE_IK) \
	X(EQ_D) X(NE_D) X(LT_D) X(LE_D) X(GT_D) X(GE_D) \
	X(EQ_DK) X(NE_DK) X(LT_DK) X(LE_DK) X(GT_DK) X(GE_DK) \
	X(EQ_ID) X(NE_ID) X(LT_ID) X(LE_ID) X(GT_ID) X(GE_ID) \
	X(EQ_IDK) X(NE_IDK) X(LT_IDK) X(LE_IDK) X(GT_IDK) X(GE_IDK) \
	X(ANDN_I)
/* clang-format on */

#define FX_ENUM(name) FX_C_##name,
enum fx_code { FX_CODES(FX_ENUM) FX_C_COUNT };
#undef FX_ENUM

/* ---- scalar semantics (Python's, on int64 / double) ---- */

static inline int64_t fx_wrap(uint64_t u)
{
	return (int64_t)u;
}
static inline int64_t fx_add(int64_t a, int64_t b)
{
	return fx_wrap((uint64_t)a + (uint64_t)b);
}
static inline int64_t fx_sub(int64_t a, int64_t b)
{
	return fx_wrap((uint64_t)a - (uint64_t)b);
}
static inline int64_t fx_mul(int64_t a, int64_t b)
{
	return fx_wrap((uint64_t)a * (uint64_t)b);
}
static inline int64_t fx_neg(int64_t a)
{
	return fx_wrap(0 - (uint64_t)a);
}
/* Python floor division; *err = 1 on division by zero (result 0). */
static inline int64_t fx_floordiv(int64_t a, int64_t b, int64_t *err)
{
	if (b == 0) {
		*err = 1;
		return 0;
	}
	*err = 0;
	if (b == -1)
		return fx_neg(a);
	int64_t q = a / b;
	if (a % b != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}
static inline int64_t fx_mod(int64_t a, int64_t b, int64_t *err)
{
	if (b == 0) {
		*err = 1;
		return 0;
	}
	*err = 0;
	if (b == -1)
		return 0;
	int64_t r = a % b;
	if (r != 0 && ((r < 0) != (b < 0)))
		r += b;
	return r;
}
/* Shifts: a negative count is an error; counts >= 64 shift everything out. */
static inline int64_t fx_shl(int64_t a, int64_t b, int64_t *err)
{
	*err = b < 0;
	if (b < 0 || b >= 64)
		return 0;
	return fx_wrap((uint64_t)a << b);
}
static inline int64_t fx_shr(int64_t a, int64_t b, int64_t *err)
{
	*err = b < 0;
	if (b < 0)
		return 0;
	if (b >= 64)
		return a < 0 ? -1 : 0;
	return a >= 0 ? (int64_t)((uint64_t)a >> b)
		      : (int64_t) ~(~(uint64_t)a >> b);
}
/* Integer power with a non-negative exponent, wrapping. */
static inline int64_t fx_powi(int64_t a, int64_t e)
{
	uint64_t r = 1, x = (uint64_t)a;
	while (e > 0) {
		if (e & 1)
			r *= x;
		x *= x;
		e >>= 1;
	}
	return fx_wrap(r);
}
static inline double fx_divd(double a, double b, int64_t *err)
{
	*err = b == 0.0;
	return b == 0.0 ? 0.0 : a / b;
}
/* Python's float divmod, computing both the floor quotient and the modulo. */
static inline double fx_divmodd(double a, double b, double *modp, int64_t *err)
{
	double mod, div, fl;
	if (b == 0.0) {
		*err = 1;
		*modp = 0.0;
		return 0.0;
	}
	*err = 0;
	mod = fmod(a, b);
	div = (a - mod) / b;
	if (mod != 0.0) {
		if ((b < 0) != (mod < 0)) {
			mod += b;
			div -= 1.0;
		}
	} else {
		mod = copysign(0.0, b);
	}
	if (div != 0.0) {
		fl = floor(div);
		if (div - fl > 0.5)
			fl += 1.0;
	} else {
		fl = copysign(0.0, a / b);
	}
	*modp = mod;
	return fl;
}
static inline double fx_floordivd(double a, double b, int64_t *err)
{
	double m;
	return fx_divmodd(a, b, &m, err);
}
static inline double fx_modd(double a, double b, int64_t *err)
{
	double m;
	fx_divmodd(a, b, &m, err);
	return m;
}
static inline double fx_powd(double a, double b, int64_t *err)
{
	*err = a == 0.0 && b < 0.0;
	return *err ? 0.0 : pow(a, b);
}
/*
 * Exact comparison of an integer with a real, as Python does: returns
 * -1, 0, 1, or 2 when b is NaN.
 */
static inline int fx_cmp_id(int64_t a, double b)
{
	double ad = (double)a;
	if (b != b)
		return 2;
	if (ad < b)
		return -1;
	if (ad > b)
		return 1;
	/* ad == b: b is an integral value in [-2^63, 2^63] */
	if (b >= 9223372036854775808.0)
		return -1;
	int64_t bi = (int64_t)b;
	return a < bi ? -1 : a > bi;
}
/* unsigned 64-bit fields above 2^63-1 read as 2^63-1 */
static inline int64_t fx_clamp(int64_t v)
{
	return v < 0 ? INT64_MAX : v;
}
static inline int64_t fx_duration(int64_t packets, int64_t first,
				  int64_t first_ms, int64_t last,
				  int64_t last_ms)
{
	if (packets == 1)
		return 0;
	return fx_sub(fx_add(fx_mul(fx_sub(last, first), 1000), last_ms),
		      first_ms);
}
static inline double fx_rate(int64_t octets, int64_t duration)
{
	return duration == 0 ? 0.0 : 8000.0 * (double)octets / (double)duration;
}

#endif

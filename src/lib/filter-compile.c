/*
 * filter-compile.c - from syntax tree to program.
 *
 * Pass 1 (check) types every node bottom-up (bool, int, real), rejects
 * bitwise operators on reals, and folds every subtree without a field
 * into a literal with the scalar semantics of filter-int.h (as is
 * `False and X` / `True or X`, where X is never evaluated), so a division
 * by a constant zero (or a negative constant shift count, or zero to a
 * constant negative power) is a compile-time error with its column.  The
 * type of `a ** b` on integers is int when b is a constant >= 0 and real
 * otherwise (a negative exponent gives a real).
 *
 * Pass 2 (gen) emits straight-line code over vector registers: registers
 * 0..20 are the record columns, the rest are block-sized temporaries,
 * recycled through a free list (a destination is always allocated before
 * its sources are released, so no kernel runs in place).  Constants
 * become immediates where a kernel takes one.  A subtree that can fail at
 * run time carries a boolean error register; `and`, `or` and chained
 * comparisons combine them with Python's short-circuit rule (an error on
 * a right-hand side only counts where it would have been evaluated).
 * Derived and clamped fields are computed once per block on first use.
 */
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"

/* ---- pass 1: types and constant folding ---- */

struct checker {
	int *errcol;
	struct fm_error *err;
};

static int cfail(struct checker *c, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int cfail(struct checker *c, int col, const char *fmt, ...)
{
	char msg[FM_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->errcol)
		*c->errcol = col;
	return fm_error_set(c->err, FM_EINVAL, "filter: %s", msg);
}

static double lit_d(const struct fx_node *n)
{
	return n->type == FX_REAL ? n->d : (double)n->i;
}

static void make_lit(struct fx_node *n, enum fx_type t, int64_t i, double d)
{
	n->kind = FX_LIT;
	n->type = t;
	n->i = i;
	n->d = d;
	n->is_const = 1;
}

static int is_zero_lit(const struct fx_node *n)
{
	return n->is_const && (n->type == FX_REAL ? n->d == 0.0 : n->i == 0);
}

/* Compare two constants with op; returns 0/1. */
static int cmp_const(int op, const struct fx_node *a, const struct fx_node *b)
{
	int c;
	if (a->type != FX_REAL && b->type != FX_REAL)
		c = a->i < b->i ? -1 : a->i > b->i;
	else if (a->type == FX_REAL && b->type == FX_REAL)
		c = a->d != a->d || b->d != b->d ? 2
		    : a->d < b->d		 ? -1
						 : a->d > b->d;
	else if (a->type != FX_REAL)
		c = fx_cmp_id(a->i, b->d);
	else {
		c = fx_cmp_id(b->i, a->d);
		c = c == 2 ? 2 : -c;
	}
	switch (op) {
	case FX_OP_EQ:
		return c == 0;
	case FX_OP_NE:
		return c != 0;
	case FX_OP_LT:
		return c == -1;
	case FX_OP_LE:
		return c == -1 || c == 0;
	case FX_OP_GT:
		return c == 1;
	default:
		return c == 1 || c == 0;
	}
}

static int fold_binary(struct checker *c, struct fx_node *n)
{
	struct fx_node *a = n->a, *b = n->b;
	int64_t e = 0;

	if (n->type == FX_REAL) {
		double x = lit_d(a), y = lit_d(b), r = 0;
		switch (n->op) {
		case FX_OP_ADD:
			r = x + y;
			break;
		case FX_OP_SUB:
			r = x - y;
			break;
		case FX_OP_MUL:
			r = x * y;
			break;
		case FX_OP_DIV:
			r = fx_divd(x, y, &e);
			break;
		case FX_OP_FLOORDIV:
			r = fx_floordivd(x, y, &e);
			break;
		case FX_OP_MOD:
			r = fx_modd(x, y, &e);
			break;
		case FX_OP_POW:
			r = fx_powd(x, y, &e);
			break;
		}
		if (e)
			return cfail(c, n->col,
				     "zero to a negative power at column %d",
				     n->col);
		make_lit(n, FX_REAL, 0, r);
		return 0;
	}
	int64_t x = a->i, y = b->i, r = 0;
	switch (n->op) {
	case FX_OP_ADD:
		r = fx_add(x, y);
		break;
	case FX_OP_SUB:
		r = fx_sub(x, y);
		break;
	case FX_OP_MUL:
		r = fx_mul(x, y);
		break;
	case FX_OP_FLOORDIV:
		r = fx_floordiv(x, y, &e);
		break;
	case FX_OP_MOD:
		r = fx_mod(x, y, &e);
		break;
	case FX_OP_POW:
		r = fx_powi(x, y);
		break;
	case FX_OP_SHL:
		r = fx_shl(x, y, &e);
		break;
	case FX_OP_SHR:
		r = fx_shr(x, y, &e);
		break;
	case FX_OP_BAND:
		r = x & y;
		break;
	case FX_OP_BOR:
		r = x | y;
		break;
	case FX_OP_BXOR:
		r = x ^ y;
		break;
	}
	if (e)
		return cfail(c, n->col, "negative shift count at column %d",
			     n->col);
	make_lit(n, n->type, r, 0);
	return 0;
}

static int check(struct checker *c, struct fx_node *n)
{
	int r;

	switch (n->kind) {
	case FX_LIT:
		n->is_const = 1;
		return 0;
	case FX_FIELD:
		n->type = n->i == FM_FILTER_RATE ? FX_REAL : FX_INT;
		n->is_const = 0;
		return 0;
	case FX_NOT:
		if ((r = check(c, n->a)) < 0)
			return r;
		n->type = FX_BOOL;
		if (n->a->is_const)
			make_lit(n, FX_BOOL,
				 n->a->type == FX_REAL ? n->a->d == 0.0
						       : n->a->i == 0,
				 0);
		return 0;
	case FX_AND:
	case FX_OR:
		if ((r = check(c, n->a)) < 0 || (r = check(c, n->b)) < 0)
			return r;
		n->type = FX_BOOL;
		if (n->a->is_const) {
			/* False and X, True or X: X is never evaluated */
			int ta = n->a->type == FX_REAL ? n->a->d != 0.0
						       : n->a->i != 0;
			if (ta != (n->kind == FX_AND))
				make_lit(n, FX_BOOL, ta, 0);
			else if (n->b->is_const)
				make_lit(n, FX_BOOL,
					 n->b->type == FX_REAL ? n->b->d != 0.0
							       : n->b->i != 0,
					 0);
		}
		return 0;
	case FX_CMP: {
		int all = 1;
		for (int k = 0; k < n->n; k++) {
			if ((r = check(c, n->items[k])) < 0)
				return r;
			all &= n->items[k]->is_const;
		}
		n->type = FX_BOOL;
		if (all) {
			int v = 1;
			for (int k = 0; k + 1 < n->n; k++)
				v &= cmp_const(n->ops[k], n->items[k],
					       n->items[k + 1]);
			make_lit(n, FX_BOOL, v, 0);
		}
		return 0;
	}
	case FX_UNARY:
		if ((r = check(c, n->a)) < 0)
			return r;
		if (n->op == FX_OP_INV) {
			if (n->a->type == FX_REAL)
				return cfail(
				    c, n->col,
				    "operator '~' at column %d needs an "
				    "integer or a boolean, not a real",
				    n->col);
			n->type = n->a->type;
		} else {
			n->type = n->a->type == FX_REAL ? FX_REAL : FX_INT;
		}
		if (n->a->is_const) {
			const struct fx_node *a = n->a;
			if (n->op == FX_OP_INV)
				make_lit(n, n->type,
					 a->type == FX_BOOL ? !a->i : ~a->i, 0);
			else if (n->type == FX_REAL)
				make_lit(n, FX_REAL, 0,
					 n->op == FX_OP_NEG ? -a->d : a->d);
			else
				make_lit(n, FX_INT,
					 n->op == FX_OP_NEG ? fx_neg(a->i)
							    : a->i,
					 0);
		}
		return 0;
	case FX_BINARY: {
		struct fx_node *a = n->a, *b = n->b;
		int real;
		if ((r = check(c, a)) < 0 || (r = check(c, b)) < 0)
			return r;
		real = a->type == FX_REAL || b->type == FX_REAL;
		switch (n->op) {
		case FX_OP_SHL:
		case FX_OP_SHR:
		case FX_OP_BAND:
		case FX_OP_BOR:
		case FX_OP_BXOR:
			if (real)
				return cfail(c, n->col,
					     "operator '%s' at column %d needs "
					     "integers or booleans, not a real",
					     fx_op_text(n->op), n->col);
			n->type = (n->op >= FX_OP_BAND && a->type == FX_BOOL &&
				   b->type == FX_BOOL)
				      ? FX_BOOL
				      : FX_INT;
			break;
		case FX_OP_DIV:
			n->type = FX_REAL;
			break;
		case FX_OP_POW:
			n->type = (!real && b->is_const && b->i >= 0) ? FX_INT
								      : FX_REAL;
			break;
		default:
			n->type = real ? FX_REAL : FX_INT;
		}
		if ((n->op == FX_OP_DIV || n->op == FX_OP_FLOORDIV ||
		     n->op == FX_OP_MOD) &&
		    is_zero_lit(b))
			return cfail(c, n->col, "division by zero at column %d",
				     n->col);
		if ((n->op == FX_OP_SHL || n->op == FX_OP_SHR) && b->is_const &&
		    b->i < 0)
			return cfail(c, n->col,
				     "negative shift count at column %d",
				     n->col);
		n->is_const = 0;
		if (a->is_const && b->is_const)
			return fold_binary(c, n);
		return 0;
	}
	}
	return 0;
}

/* ---- pass 2: code generation ---- */

struct val {
	enum fx_type type;
	int is_const;
	int64_t i;
	double d;
	int reg;  /* when !is_const */
	int temp; /* reg is a temporary to release */
	int err;  /* error register (a temp) or FX_NOREG */
};

struct gen {
	struct fm_filter *f;
	size_t cap;
	int *free_regs;
	int nfree, free_cap;
	int field_reg[FM_NFIELDS + 2]; /* cached clamped/derived registers */
	struct fm_error *err;
};

static int emit(struct gen *g, int op, int d, int a, int b, int e, int64_t imm)
{
	struct fm_filter *f = g->f;
	if (f->ncode == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 32;
		struct fx_insn *p = realloc(f->code, nc * sizeof(*p));
		if (!p)
			return fm_error_set(g->err, FM_ENOMEM, "out of memory");
		f->code = p;
		g->cap = nc;
	}
	struct fx_insn *in = &f->code[f->ncode++];
	in->op = (uint16_t)op;
	in->d = (uint16_t)d;
	in->a = (uint16_t)a;
	in->b = (uint16_t)b;
	in->e = (uint16_t)e;
	in->imm.i = imm;
	return 0;
}

static int emit_d(struct gen *g, int op, int d, int a, int b, int e, double imm)
{
	int r = emit(g, op, d, a, b, e, 0);
	if (r == 0)
		g->f->code[g->f->ncode - 1].imm.d = imm;
	return r;
}

static int alloc_reg(struct gen *g)
{
	if (g->nfree > 0)
		return g->free_regs[--g->nfree];
	if (g->f->nregs >= FX_NOREG - 1)
		return fm_error_set(g->err, FM_ERANGE,
				    "filter: expression too large");
	return g->f->nregs++;
}

static int release_reg(struct gen *g, int reg)
{
	if (reg == FX_NOREG)
		return 0;
	if (g->nfree == g->free_cap) {
		int nc = g->free_cap ? g->free_cap * 2 : 16;
		int *p = realloc(g->free_regs, (size_t)nc * sizeof(*p));
		if (!p)
			return fm_error_set(g->err, FM_ENOMEM, "out of memory");
		g->free_regs = p;
		g->free_cap = nc;
	}
	g->free_regs[g->nfree++] = reg;
	return 0;
}

static int release(struct gen *g, struct val *v)
{
	int r = 0;
	if (!v->is_const && v->temp)
		r = release_reg(g, v->reg);
	v->temp = 0;
	return r;
}

/* A register holding v's value (materialising a constant). */
static int to_reg(struct gen *g, struct val *v)
{
	int d, r;
	if (!v->is_const)
		return 0;
	if ((d = alloc_reg(g)) < 0)
		return d;
	if (v->type == FX_REAL)
		r = emit_d(g, FX_C_FILL_D, d, 0, 0, FX_NOREG, v->d);
	else
		r = emit(g, FX_C_FILL_I, d, 0, 0, FX_NOREG, v->i);
	v->is_const = 0;
	v->reg = d;
	v->temp = 1;
	return r;
}

/* A register holding v as a real. */
static int to_real(struct gen *g, struct val *v)
{
	int d, r;
	if (v->is_const) {
		if (v->type != FX_REAL)
			v->d = (double)v->i;
		v->type = FX_REAL;
		return to_reg(g, v);
	}
	if (v->type == FX_REAL)
		return 0;
	if ((d = alloc_reg(g)) < 0)
		return d;
	if ((r = emit(g, FX_C_I2D, d, v->reg, 0, FX_NOREG, 0)) < 0 ||
	    (r = release(g, v)) < 0)
		return r;
	v->type = FX_REAL;
	v->reg = d;
	v->temp = 1;
	return 0;
}

/* d = a | b for error registers (either may be FX_NOREG). */
static int err_or(struct gen *g, int a, int b, int *out)
{
	int d, r;
	if (a == FX_NOREG || b == FX_NOREG) {
		*out = a == FX_NOREG ? b : a;
		return 0;
	}
	if ((d = alloc_reg(g)) < 0)
		return d;
	if ((r = emit(g, FX_C_OR_I, d, a, b, FX_NOREG, 0)) < 0 ||
	    (r = release_reg(g, a)) < 0 || (r = release_reg(g, b)) < 0)
		return r;
	*out = d;
	return 0;
}

static int gen(struct gen *g, const struct fx_node *n, struct val *out);

static int gen_field(struct gen *g, int f, struct val *out)
{
	int r, d;

	memset(out, 0, sizeof(*out));
	out->err = FX_NOREG;
	out->type = f == FM_FILTER_RATE ? FX_REAL : FX_INT;
	if (f < FM_NFIELDS && fm_field_code(f) != 'Q') {
		g->f->fields |= FM_FIELD_BIT(f);
		out->reg = f;
		return 0;
	}
	if (g->field_reg[f] >= 0) {
		out->reg = g->field_reg[f];
		return 0;
	}
	if (f < FM_NFIELDS) {
		g->f->fields |= FM_FIELD_BIT(f);
		if ((d = alloc_reg(g)) < 0)
			return d;
		r = emit(g, FX_C_CLAMP, d, f, 0, FX_NOREG, 0);
	} else if (f == FM_FILTER_DURATION) {
		g->f->fields |=
		    FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_FIRST) |
		    FM_FIELD_BIT(FM_FIRST_MS) | FM_FIELD_BIT(FM_LAST) |
		    FM_FIELD_BIT(FM_LAST_MS);
		if ((d = alloc_reg(g)) < 0)
			return d;
		r = emit(g, FX_C_DUR, d, 0, 0, FX_NOREG, 0);
	} else {
		struct val oct, dur;
		if ((r = gen_field(g, FM_OCTETS, &oct)) < 0 ||
		    (r = gen_field(g, FM_FILTER_DURATION, &dur)) < 0)
			return r;
		if ((d = alloc_reg(g)) < 0)
			return d;
		r = emit(g, FX_C_RATE, d, oct.reg, dur.reg, FX_NOREG, 0);
	}
	g->field_reg[f] = d;
	out->reg = d;
	return r;
}

/* The boolean truth of v, as a register (v is released). */
static int truth(struct gen *g, struct val *v, int *out)
{
	int d, r;
	if (v->type == FX_BOOL && !v->is_const) {
		if (v->temp) {
			*out = v->reg;
			v->temp = 0;
			return 0;
		}
		/* a pinned register: copy so that the result can be released */
		if ((d = alloc_reg(g)) < 0)
			return d;
		*out = d;
		return emit(g, FX_C_TRUTH_I, d, v->reg, 0, FX_NOREG, 0);
	}
	if (v->is_const) {
		int t = v->type == FX_REAL ? v->d != 0.0 : v->i != 0;
		if ((d = alloc_reg(g)) < 0)
			return d;
		*out = d;
		return emit(g, FX_C_FILL_I, d, 0, 0, FX_NOREG, t);
	}
	if ((d = alloc_reg(g)) < 0)
		return d;
	r = emit(g, v->type == FX_REAL ? FX_C_TRUTH_D : FX_C_TRUTH_I, d, v->reg,
		 0, FX_NOREG, 0);
	if (r == 0)
		r = release(g, v);
	*out = d;
	return r;
}

static int flip_cmp(int op)
{
	switch (op) {
	case FX_OP_LT:
		return FX_OP_GT;
	case FX_OP_GT:
		return FX_OP_LT;
	case FX_OP_LE:
		return FX_OP_GE;
	case FX_OP_GE:
		return FX_OP_LE;
	default:
		return op;
	}
}

static void swap_val(struct val *a, struct val *b)
{
	struct val t = *a;
	*a = *b;
	*b = t;
}

/* Emit one comparison a op b into a fresh boolean register *out. */
static int gen_compare(struct gen *g, int op, struct val a, struct val b,
		       int *out)
{
	int base, d, r, k = op - FX_OP_EQ;

	if (a.type == FX_REAL && b.type != FX_REAL) {
		swap_val(&a, &b);
		op = flip_cmp(op);
		k = op - FX_OP_EQ;
	}
	/* now: int-int, real-real, or int(a)-real(b) */
	if (a.is_const && !b.is_const &&
	    (a.type == FX_REAL) == (b.type == FX_REAL)) {
		swap_val(&a, &b);
		op = flip_cmp(op);
		k = op - FX_OP_EQ;
	}
	if ((d = alloc_reg(g)) < 0)
		return d;
	*out = d;
	if (a.is_const && b.is_const) {
		/* two constants inside a chain that is not constant: 1 < 2 < sp
		 */
		struct fx_node x, y;
		memset(&x, 0, sizeof(x));
		memset(&y, 0, sizeof(y));
		x.type = a.type;
		x.i = a.i;
		x.d = a.d;
		y.type = b.type;
		y.i = b.i;
		y.d = b.d;
		return emit(g, FX_C_FILL_I, d, 0, 0, FX_NOREG,
			    cmp_const(op, &x, &y));
	}
	if (a.type != FX_REAL && b.type != FX_REAL) {
		if (b.is_const)
			return emit(g, FX_C_EQ_IK + k, d, a.reg, 0, FX_NOREG,
				    b.i);
		return emit(g, FX_C_EQ_I + k, d, a.reg, b.reg, FX_NOREG, 0);
	}
	if (a.type == FX_REAL) {
		if (b.is_const)
			return emit_d(g, FX_C_EQ_DK + k, d, a.reg, 0, FX_NOREG,
				      b.d);
		return emit(g, FX_C_EQ_D + k, d, a.reg, b.reg, FX_NOREG, 0);
	}
	/* int a, real b */
	if (b.is_const)
		return emit_d(g, FX_C_EQ_IDK + k, d, a.reg, 0, FX_NOREG, b.d);
	if (a.is_const) {
		double ad = (double)a.i;
		if (ad < 9223372036854775808.0 && (int64_t)ad == a.i) {
			/* exactly representable: a real comparison b op' a */
			base = FX_C_EQ_DK + (flip_cmp(op) - FX_OP_EQ);
			return emit_d(g, base, d, b.reg, 0, FX_NOREG, ad);
		}
		if ((r = to_reg(g, &a)) < 0)
			return r;
		r = emit(g, FX_C_EQ_ID + k, d, a.reg, b.reg, FX_NOREG, 0);
		if (r == 0)
			r = release(g, &a);
		return r;
	}
	return emit(g, FX_C_EQ_ID + k, d, a.reg, b.reg, FX_NOREG, 0);
}

static int gen_cmp(struct gen *g, const struct fx_node *n, struct val *out)
{
	struct val prev, cur;
	int acc = FX_NOREG, err = FX_NOREG, c, r, t;

	if ((r = gen(g, n->items[0], &prev)) < 0)
		return r;
	err = prev.err;
	for (int k = 1; k < n->n; k++) {
		if ((r = gen(g, n->items[k], &cur)) < 0)
			return r;
		if (cur.err != FX_NOREG) {
			if (acc == FX_NOREG) {
				if ((r = err_or(g, err, cur.err, &err)) < 0)
					return r;
			} else {
				/* evaluated only where every earlier comparison
				 * held */
				if ((t = alloc_reg(g)) < 0)
					return t;
				if ((r = emit(g, FX_C_AND_I, t, acc, cur.err,
					      FX_NOREG, 0)) < 0 ||
				    (r = release_reg(g, cur.err)) < 0 ||
				    (r = err_or(g, err, t, &err)) < 0)
					return r;
			}
		}
		if ((r = gen_compare(g, n->ops[k - 1], prev, cur, &c)) < 0 ||
		    (r = release(g, &prev)) < 0)
			return r;
		if (acc == FX_NOREG) {
			acc = c;
		} else {
			if ((t = alloc_reg(g)) < 0)
				return t;
			if ((r = emit(g, FX_C_AND_I, t, acc, c, FX_NOREG, 0)) <
				0 ||
			    (r = release_reg(g, acc)) < 0 ||
			    (r = release_reg(g, c)) < 0)
				return r;
			acc = t;
		}
		prev = cur;
	}
	if ((r = release(g, &prev)) < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->type = FX_BOOL;
	out->reg = acc;
	out->temp = 1;
	out->err = err;
	return 0;
}

static int gen_logic(struct gen *g, const struct fx_node *n, struct val *out)
{
	struct val a, b;
	int ta, tb, d, r, is_and = n->kind == FX_AND;

	if ((r = gen(g, n->a, &a)) < 0 || (r = gen(g, n->b, &b)) < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->type = FX_BOOL;
	out->err = FX_NOREG;
	if (a.is_const) {
		/* False and X / True or X: X is never evaluated */
		int t = a.type == FX_REAL ? a.d != 0.0 : a.i != 0;
		if (t != is_and) {
			if ((r = release(g, &b)) < 0 ||
			    (r = release_reg(g, b.err)) < 0)
				return r;
			out->is_const = 1;
			out->i = t;
			return 0;
		}
		out->err = b.err;
		out->temp = 1;
		return truth(g, &b, &out->reg);
	}
	if ((r = truth(g, &a, &ta)) < 0 || (r = truth(g, &b, &tb)) < 0)
		return r;
	if ((d = alloc_reg(g)) < 0)
		return d;
	if ((r = emit(g, is_and ? FX_C_AND_I : FX_C_OR_I, d, ta, tb, FX_NOREG,
		      0)) < 0 ||
	    (r = release_reg(g, tb)) < 0)
		return r;
	out->reg = d;
	out->temp = 1;
	out->err = a.err;
	if (b.err != FX_NOREG) {
		int t = alloc_reg(g);
		if (t < 0)
			return t;
		/* and: errors of b where a is true; or: where a is false */
		if ((r = emit(g, is_and ? FX_C_AND_I : FX_C_ANDN_I, t, b.err,
			      ta, FX_NOREG, 0)) < 0 ||
		    (r = release_reg(g, b.err)) < 0 ||
		    (r = err_or(g, a.err, t, &out->err)) < 0)
			return r;
	}
	return release_reg(g, ta);
}

/* Kernel code of an arithmetic operator: int or real, register or immediate. */
static int arith_code(int op, int real, int imm)
{
	static const int icode[FX_OP_COUNT] = {
	    [FX_OP_ADD] = FX_C_ADD_I, [FX_OP_SUB] = FX_C_SUB_I,
	    [FX_OP_MUL] = FX_C_MUL_I, [FX_OP_FLOORDIV] = FX_C_FDIV_I,
	    [FX_OP_MOD] = FX_C_MOD_I, [FX_OP_SHL] = FX_C_SHL_I,
	    [FX_OP_SHR] = FX_C_SHR_I, [FX_OP_BAND] = FX_C_AND_I,
	    [FX_OP_BOR] = FX_C_OR_I,  [FX_OP_BXOR] = FX_C_XOR_I,
	};
	static const int dcode[FX_OP_COUNT] = {
	    [FX_OP_ADD] = FX_C_ADD_D,	    [FX_OP_SUB] = FX_C_SUB_D,
	    [FX_OP_MUL] = FX_C_MUL_D,	    [FX_OP_DIV] = FX_C_DIV_D,
	    [FX_OP_FLOORDIV] = FX_C_FDIV_D, [FX_OP_MOD] = FX_C_MOD_D,
	    [FX_OP_POW] = FX_C_POW_D,
	};
	if (real)
		return dcode[op] + (imm ? FX_C_ADD_DK - FX_C_ADD_D : 0);
	if (op == FX_OP_POW)
		return FX_C_POW_IK;
	return icode[op] + (imm ? FX_C_ADD_IK - FX_C_ADD_I : 0);
}

static int can_fail(int op, int real, int imm, double immd)
{
	switch (op) {
	case FX_OP_DIV:
	case FX_OP_FLOORDIV:
	case FX_OP_MOD:
	case FX_OP_SHL:
	case FX_OP_SHR:
		return !imm; /* constant divisors/counts were checked */
	case FX_OP_POW:
		return real && (!imm || immd < 0.0);
	}
	return 0;
}

static int gen_binary(struct gen *g, const struct fx_node *n, struct val *out)
{
	struct val a, b;
	int real = n->type == FX_REAL, op = n->op, d, r, e = FX_NOREG, imm;

	if ((r = gen(g, n->a, &a)) < 0 || (r = gen(g, n->b, &b)) < 0)
		return r;
	if (real) {
		if (a.is_const && (op == FX_OP_ADD || op == FX_OP_MUL))
			swap_val(&a, &b);
		if ((r = to_real(g, &a)) < 0)
			return r;
		if (b.is_const) {
			if (b.type != FX_REAL)
				b.d = (double)b.i;
			b.type = FX_REAL;
		} else if ((r = to_real(g, &b)) < 0) {
			return r;
		}
	} else {
		if (a.is_const &&
		    (op == FX_OP_ADD || op == FX_OP_MUL || op == FX_OP_BAND ||
		     op == FX_OP_BOR || op == FX_OP_BXOR))
			swap_val(&a, &b);
		if ((r = to_reg(g, &a)) < 0)
			return r;
		if (op == FX_OP_POW && (r = 0, !b.is_const))
			return fm_error_set(g->err, FM_EINVAL,
					    "filter: internal error (pow)");
	}
	imm = b.is_const;
	if ((d = alloc_reg(g)) < 0)
		return d;
	if (can_fail(op, real, imm, b.d) && (e = alloc_reg(g)) < 0)
		return e;
	if (real && imm)
		r = emit_d(g, arith_code(op, 1, 1), d, a.reg, 0, e, b.d);
	else if (imm)
		r = emit(g, arith_code(op, 0, 1), d, a.reg, 0, e, b.i);
	else
		r = emit(g, arith_code(op, real, 0), d, a.reg, b.reg, e, 0);
	if (r < 0 || (r = release(g, &a)) < 0 || (r = release(g, &b)) < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->type = n->type;
	out->reg = d;
	out->temp = 1;
	out->err = FX_NOREG;
	if ((r = err_or(g, a.err, b.err, &out->err)) < 0 ||
	    (r = err_or(g, out->err, e, &out->err)) < 0)
		return r;
	return 0;
}

static int gen_unary(struct gen *g, const struct fx_node *n, struct val *out)
{
	struct val a;
	int d, r, code;

	if ((r = gen(g, n->a, &a)) < 0)
		return r;
	if (n->kind == FX_NOT)
		code = a.type == FX_REAL   ? FX_C_NOT_D
		       : a.type == FX_BOOL ? FX_C_NOT_B
					   : FX_C_NOT_I;
	else if (n->op == FX_OP_INV)
		code = a.type == FX_BOOL ? FX_C_NOT_B : FX_C_INV_I;
	else if (n->op == FX_OP_NEG)
		code = a.type == FX_REAL ? FX_C_NEG_D : FX_C_NEG_I;
	else {
		/* unary plus: the same values, a bool becomes an int */
		*out = a;
		out->type = n->type;
		return 0;
	}
	if ((d = alloc_reg(g)) < 0)
		return d;
	if ((r = emit(g, code, d, a.reg, 0, FX_NOREG, 0)) < 0 ||
	    (r = release(g, &a)) < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->type = n->type;
	out->reg = d;
	out->temp = 1;
	out->err = a.err;
	return 0;
}

static int gen(struct gen *g, const struct fx_node *n, struct val *out)
{
	if (n->is_const) {
		memset(out, 0, sizeof(*out));
		out->is_const = 1;
		out->type = n->type;
		out->i = n->i;
		out->d = n->d;
		out->err = FX_NOREG;
		return 0;
	}
	switch (n->kind) {
	case FX_FIELD:
		return gen_field(g, (int)n->i, out);
	case FX_CMP:
		return gen_cmp(g, n, out);
	case FX_AND:
	case FX_OR:
		return gen_logic(g, n, out);
	case FX_BINARY:
		return gen_binary(g, n, out);
	case FX_UNARY:
	case FX_NOT:
		return gen_unary(g, n, out);
	case FX_LIT:
		break;
	}
	return fm_error_set(g->err, FM_EINVAL, "filter: internal error (node)");
}

int fm_filter_compile(struct fm_filter **out, const char *expr, int *errcol,
		      struct fm_error *err)
{
	struct fx_tree tree;
	struct fm_filter *f;
	struct checker c = {errcol, err};
	struct gen g;
	struct fm_buf canon = FM_BUF_INIT;
	struct val v;
	int r;

	*out = NULL;
	if ((r = fx_parse(expr, &tree, errcol, err)) < 0)
		return r;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->text = strdup(expr)) ||
	    fx_print(tree.root, &canon) < 0 ||
	    !(f->canonical = fm_buf_detach(&canon)) ||
	    (tree.warning[0] && !(f->warning = strdup(tree.warning)))) {
		fm_buf_release(&canon);
		fx_tree_free(&tree);
		fm_filter_free(f);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if ((r = check(&c, tree.root)) < 0) {
		fx_tree_free(&tree);
		fm_filter_free(f);
		return r;
	}
	memset(&g, 0, sizeof(g));
	g.f = f;
	g.err = err;
	for (int k = 0; k < FM_NFIELDS + 2; k++)
		g.field_reg[k] = -1;
	f->nregs = FM_NFIELDS;
	r = gen(&g, tree.root, &v);
	if (r == 0 && v.is_const)
		r = to_reg(&g, &v);
	if (r == 0) {
		f->result = (uint16_t)v.reg;
		f->result_err = (uint16_t)v.err;
		f->result_type = v.type;
	}
	free(g.free_regs);
	fx_tree_free(&tree);
	if (r < 0) {
		fm_filter_free(f);
		return r;
	}
	*out = f;
	return 0;
}

void fm_filter_free(struct fm_filter *f)
{
	if (!f)
		return;
	free(f->text);
	free(f->canonical);
	free(f->warning);
	free(f->code);
	free(f);
}

uint32_t fm_filter_fields(const struct fm_filter *f)
{
	return f->fields;
}

const char *fm_filter_text(const struct fm_filter *f)
{
	return f->text;
}

const char *fm_filter_canonical(const struct fm_filter *f)
{
	return f->canonical;
}

const char *fm_filter_warning(const struct fm_filter *f)
{
	return f->warning;
}

size_t fm_filter_program_size(const struct fm_filter *f)
{
	return f->ncode;
}

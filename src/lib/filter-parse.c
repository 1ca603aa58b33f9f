/*
 * filter-parse.c - tokenizer and recursive-descent parser of filter
 * expressions, with Python's grammar and precedence (lowest first):
 *
 *   or_test    := and_test ('or' and_test)*
 *   and_test   := not_test ('and' not_test)*
 *   not_test   := 'not' not_test | comparison
 *   comparison := bor (cmp_op bor)*           (chained: a < b <= c)
 *   bor        := bxor ('|' bxor)*
 *   bxor       := band ('^' band)*
 *   band       := shift ('&' shift)*
 *   shift      := arith (('<<' | '>>') arith)*
 *   arith      := term (('+' | '-') term)*
 *   term       := factor (('*' | '/' | '//' | '%') factor)*
 *   factor     := ('-' | '+' | '~') factor | power
 *   power      := atom ['**' factor]
 *   atom       := NAME | NUMBER | 'True' | 'False' | '(' or_test ')'
 *
 * and the operator extensions of filter-literal.c: a comparison may also
 * be `ADDRFIELD ('==' | '!=' | 'in' | 'not' 'in') ADDRESS`, a NUMBER may be
 * a date, a NAME a protocol.  A `&`, `|` or `^` inside a comparison chain
 * (`prot==6 & dp==443`) parses as Python does, with a warning.
 *
 * Every error names the problem and its 1-based column.  Nesting is
 * limited (FM_FILTER_MAX_DEPTH) so that hostile input cannot exhaust the
 * stack.  The tree is a plain allocation list freed in one go.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"

enum tok_kind {
	T_END,
	T_NAME,
	T_INT,
	T_REAL,
	T_LPAREN,
	T_RPAREN,
	T_OP,
	T_AND,
	T_OR,
	T_NOT,
	T_TRUE,
	T_FALSE,
	T_ADDR,
	T_IN
};

struct token {
	enum tok_kind kind;
	int op;	       /* T_OP: enum fx_op */
	int col;       /* 1-based */
	const char *s; /* text */
	size_t len;
	int64_t i;
	double d;
	struct fx_addr addr; /* T_ADDR */
};

struct parser {
	const char *src;
	size_t pos;
	struct token tok; /* current token */
	struct fx_tree *tree;
	int depth;
	int *errcol;
	struct fm_error *err;
};

static const char *const derived_names[2] = {"duration", "rate"};

const char *fx_field_name(int f)
{
	if (f >= FM_NFIELDS && f < FM_NFIELDS + 2)
		return derived_names[f - FM_NFIELDS];
	return fm_field_name(f);
}

static const char *const op_texts[FX_OP_COUNT] = {
    [FX_OP_ADD] = "+",	[FX_OP_SUB] = "-",	 [FX_OP_MUL] = "*",
    [FX_OP_DIV] = "/",	[FX_OP_FLOORDIV] = "//", [FX_OP_MOD] = "%",
    [FX_OP_POW] = "**", [FX_OP_SHL] = "<<",	 [FX_OP_SHR] = ">>",
    [FX_OP_BAND] = "&", [FX_OP_BOR] = "|",	 [FX_OP_BXOR] = "^",
    [FX_OP_EQ] = "==",	[FX_OP_NE] = "!=",	 [FX_OP_LT] = "<",
    [FX_OP_LE] = "<=",	[FX_OP_GT] = ">",	 [FX_OP_GE] = ">=",
    [FX_OP_NEG] = "-",	[FX_OP_POS] = "+",	 [FX_OP_INV] = "~",
};

const char *fx_op_text(int op)
{
	return op >= 0 && op < FX_OP_COUNT ? op_texts[op] : "?";
}

static int fail(struct parser *p, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, int col, const char *fmt, ...)
{
	char msg[FM_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errcol)
		*p->errcol = col;
	return fm_error_set(p->err, FM_EINVAL, "filter: %s", msg);
}

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_ident(int c)
{
	return is_ident_start(c) || is_digit(c);
}

/* Describe the current token for "unexpected ..." messages. */
static void tok_desc(const struct token *t, char *buf, size_t size)
{
	if (t->kind == T_END)
		snprintf(buf, size, "end of expression");
	else
		snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len),
			 t->s);
}

/* Parse an integer literal of base with optional prefix already skipped. */
static int parse_int_digits(const char *s, size_t len, int base, int64_t *out)
{
	uint64_t v = 0;
	if (len == 0)
		return -1;
	for (size_t k = 0; k < len; k++) {
		int c = s[k], dv;
		if (c == '_') {
			/* Python: an underscore only between digits */
			if (k == 0 || k + 1 == len || s[k + 1] == '_')
				return -1;
			continue;
		}
		if (is_digit(c))
			dv = c - '0';
		else if (c >= 'a' && c <= 'f')
			dv = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			dv = c - 'A' + 10;
		else
			return -1;
		if (dv >= base)
			return -1;
		if (v > (UINT64_C(0x7fffffffffffffff) - (uint64_t)dv) /
			    (uint64_t)base)
			return -2;
		v = v * (uint64_t)base + (uint64_t)dv;
	}
	*out = (int64_t)v;
	return 0;
}

/* Validate a decimal real literal: digits [. digits] [e [+-] digits]. */
static int parse_real(const char *s, size_t len, double *out)
{
	char buf[512];
	size_t k = 0, n = 0;
	int mant = 0, prev_digit = 0;

	if (len >= sizeof(buf))
		return -1;
	/* copy without underscores, checking they sit between digits */
	for (size_t j = 0; j < len; j++) {
		if (s[j] == '_') {
			if (!prev_digit || j + 1 >= len || !is_digit(s[j + 1]))
				return -1;
			continue;
		}
		prev_digit = is_digit(s[j]);
		buf[n++] = s[j];
	}
	buf[n] = '\0';
	while (k < n && is_digit(buf[k]))
		k++, mant = 1;
	if (k < n && buf[k] == '.') {
		k++;
		while (k < n && is_digit(buf[k]))
			k++, mant = 1;
	}
	if (!mant)
		return -1;
	if (k < n && (buf[k] == 'e' || buf[k] == 'E')) {
		int ed = 0;
		k++;
		if (k < n && (buf[k] == '+' || buf[k] == '-'))
			k++;
		while (k < n && is_digit(buf[k]))
			k++, ed = 1;
		if (!ed)
			return -1;
	}
	if (k != n)
		return -1;
	errno = 0;
	*out = strtod(buf, NULL);
	return 0;
}

static int lex_number(struct parser *p, struct token *t)
{
	const char *s = p->src + p->pos;
	size_t len = 0;
	int is_real = 0, is_prefixed = 0;
	int r;

	is_prefixed =
	    s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' ||
			    s[1] == 'O' || s[1] == 'b' || s[1] == 'B');
	/* take the whole run of number-ish characters, then validate */
	while (is_ident(s[len]) || s[len] == '.' ||
	       (!is_prefixed && (s[len] == '+' || s[len] == '-') && len > 0 &&
		(s[len - 1] == 'e' || s[len - 1] == 'E'))) {
		if (s[len] == '.' ||
		    (!is_prefixed && (s[len] == 'e' || s[len] == 'E')))
			is_real = 1;
		len++;
	}
	t->s = s;
	t->len = len;
	if (is_prefixed) {
		int base = (s[1] == 'x' || s[1] == 'X')	  ? 16
			   : (s[1] == 'o' || s[1] == 'O') ? 8
							  : 2;
		const char *d = s + 2;
		size_t dl = len - 2;
		if (dl > 0 && d[0] == '_') { /* 0x_ff is valid Python */
			d++;
			dl--;
		}
		r = parse_int_digits(d, dl, base, &t->i);
		t->kind = T_INT;
	} else if (is_real) {
		r = parse_real(s, len, &t->d);
		t->kind = T_REAL;
	} else {
		r = parse_int_digits(s, len, 10, &t->i);
		/* Python forbids leading zeros in a non-zero decimal integer */
		if (r == 0 && s[0] == '0' && t->i != 0)
			r = -1;
		t->kind = T_INT;
	}
	if (r == -2)
		return fail(p, t->col,
			    "integer %.*s out of range at column %d "
			    "(largest: 9223372036854775807)",
			    (int)(len > 40 ? 40 : len), s, t->col);
	if (r < 0)
		return fail(p, t->col, "invalid number '%.*s' at column %d",
			    (int)(len > 40 ? 40 : len), s, t->col);
	p->pos += len;
	return 0;
}

static const char *const py_keywords[] = {
    "is",      "if",	 "else",     "lambda", "for",	"None",
    "yield",   "await",	 "import",   "from",   "as",	"del",
    "pass",    "return", "def",	     "class",  "while", "with",
    "assert",  "global", "nonlocal", "raise",  "try",	"except",
    "finally", "break",	 "continue", "async",  "elif",	NULL};

static int lex_name(struct parser *p, struct token *t)
{
	const char *s = p->src + p->pos;
	size_t len = 0;

	while (is_ident(s[len]))
		len++;
	t->s = s;
	t->len = len;
	p->pos += len;
/* clang-format off */
#define KW(word, k) \
	if (len == sizeof(word) - 1 && memcmp(s, word, len) == 0) { \
		t->kind = k; \
		return 0; \
	}
	KW("and", T_AND) KW("or", T_OR) KW("not", T_NOT)
	KW("True", T_TRUE) KW("False", T_FALSE) KW("in", T_IN)
#undef KW
	for (int k = 0; py_keywords[k]; k++)
		if (strlen(py_keywords[k]) == len && memcmp(py_keywords[k], s, len) == 0)
			return fail(p, t->col, "'%s' is not supported in filters at column %d",
				    py_keywords[k], t->col);
	/* clang-format on */
	t->kind = T_NAME;
	return 0;
}

/*
 * A date or an address literal at the current position (filter-literal.c):
 * 1 when one was read into t, 0 when none starts here, or an error.
 */
static int lex_literal(struct parser *p, struct token *t)
{
	const char *s = p->src + p->pos;
	char msg[128];
	size_t len = 0;
	int r = fx_lex_date(s, &len, &t->i, msg, sizeof(msg));

	t->kind = T_INT;
	if (r == 0) {
		r = fx_lex_addr(s, &len, &t->addr, msg, sizeof(msg));
		t->kind = T_ADDR;
	}
	if (r < 0)
		return fail(p, t->col, "%s at column %d", msg, t->col);
	if (r == 0)
		return 0;
	t->len = len;
	p->pos += len;
	return 1;
}

/* Read the next token into p->tok. */
static int next(struct parser *p)
{
	struct token *t = &p->tok;
	const char *s;

	while (p->src[p->pos] == ' ' || p->src[p->pos] == '\t' ||
	       p->src[p->pos] == '\n' || p->src[p->pos] == '\r')
		p->pos++;
	memset(t, 0, sizeof(*t));
	s = p->src + p->pos;
	t->col = (int)p->pos + 1;
	t->s = s;
	if (!*s) {
		t->kind = T_END;
		return 0;
	}
	if (is_digit(s[0]) || is_ident_start(s[0]) || s[0] == ':') {
		int r = lex_literal(p, t);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	if (is_digit(s[0]) || (s[0] == '.' && is_digit(s[1])))
		return lex_number(p, t);
	if (is_ident_start(s[0]))
		return lex_name(p, t);

	static const struct {
		const char *text;
		int op;
	} ops[] = {
	    {"**", FX_OP_POW}, {"//", FX_OP_FLOORDIV}, {"<<", FX_OP_SHL},
	    {">>", FX_OP_SHR}, {"==", FX_OP_EQ},       {"!=", FX_OP_NE},
	    {"<=", FX_OP_LE},  {">=", FX_OP_GE},       {"<", FX_OP_LT},
	    {">", FX_OP_GT},   {"+", FX_OP_ADD},       {"-", FX_OP_SUB},
	    {"*", FX_OP_MUL},  {"/", FX_OP_DIV},       {"%", FX_OP_MOD},
	    {"&", FX_OP_BAND}, {"|", FX_OP_BOR},       {"^", FX_OP_BXOR},
	    {"~", FX_OP_INV},
	};
	/* common mistakes from other languages, before the operator table */
	if ((s[0] == '&' && s[1] == '&') || (s[0] == '|' && s[1] == '|'))
		return fail(p, t->col,
			    "'%.2s' at column %d is not python "
			    "(use '%c' or '%s', and parenthesise comparisons)",
			    s, t->col, s[0], s[0] == '&' ? "and" : "or");
	if (s[0] == '=' && s[1] != '=')
		return fail(p, t->col,
			    "'=' at column %d is not a comparison (use '==')",
			    t->col);
	if (s[0] == '!' && s[1] != '=')
		return fail(p, t->col,
			    "'!' at column %d is not python (use 'not' or '~')",
			    t->col);
	if (s[0] == '<' && s[1] == '>')
		return fail(p, t->col,
			    "'<>' at column %d is not python (use '!=')",
			    t->col);
	if (s[0] == '(' || s[0] == ')') {
		t->kind = s[0] == '(' ? T_LPAREN : T_RPAREN;
		t->len = 1;
		p->pos++;
		return 0;
	}
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		size_t l = strlen(ops[k].text);
		if (strncmp(s, ops[k].text, l) == 0) {
			t->kind = T_OP;
			t->op = ops[k].op;
			t->len = l;
			p->pos += l;
			return 0;
		}
	}
	if ((unsigned char)s[0] < 0x20 || (unsigned char)s[0] >= 0x7f)
		return fail(p, t->col,
			    "invalid character (byte 0x%02x) at column %d",
			    (unsigned char)s[0], t->col);
	return fail(p, t->col, "invalid character '%c' at column %d", s[0],
		    t->col);
}

struct fx_node *fx_new_node(struct fx_tree *t, enum fx_kind kind, int col)
{
	struct fx_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->col = col;
	n->all_next = t->all;
	t->all = n;
	return n;
}

static struct fx_node *new_node(struct parser *p, enum fx_kind kind, int col)
{
	struct fx_node *n = fx_new_node(p->tree, kind, col);
	if (!n)
		fm_error_set(p->err, FM_ENOMEM, "out of memory");
	return n;
}

/* Set n's height from its operands; fail past the limit. */
static int grown(struct parser *p, struct fx_node *n, const struct fx_node *a,
		 const struct fx_node *b)
{
	int h = a->height;
	if (b && b->height > h)
		h = b->height;
	n->height = h + 1;
	if (n->height > FX_MAX_HEIGHT)
		return fail(p, n->col,
			    "expression too deep at column %d (more than %d "
			    "nested operations)",
			    n->col, FX_MAX_HEIGHT);
	return 0;
}

static int unexpected(struct parser *p, const char *what)
{
	char d[64];
	tok_desc(&p->tok, d, sizeof(d));
	return fail(p, p->tok.col, "unexpected %s at column %d (expected %s)",
		    d, p->tok.col, what);
}

static int parse_or(struct parser *p, struct fx_node **out);
static int parse_factor(struct parser *p, struct fx_node **out);

static int enter(struct parser *p)
{
	if (++p->depth > FM_FILTER_MAX_DEPTH)
		return fail(p, p->tok.col,
			    "expression nested too deeply at column %d "
			    "(limit %d)",
			    p->tok.col, FM_FILTER_MAX_DEPTH);
	return 0;
}

static int parse_atom(struct parser *p, struct fx_node **out)
{
	struct token t = p->tok;
	struct fx_node *n;
	int r;

	switch (t.kind) {
	case T_INT:
	case T_REAL:
	case T_TRUE:
	case T_FALSE:
		if (!(n = new_node(p, FX_LIT, t.col)))
			return FM_ENOMEM;
		n->type = t.kind == T_INT    ? FX_INT
			  : t.kind == T_REAL ? FX_REAL
					     : FX_BOOL;
		n->i = t.kind == T_TRUE ? 1 : t.i;
		n->d = t.d;
		*out = n;
		return next(p);
	case T_NAME: {
		int f = fm_field_lookup(t.s, t.len);
		for (int k = 0; f < 0 && k < 2; k++)
			if (strlen(derived_names[k]) == t.len &&
			    memcmp(derived_names[k], t.s, t.len) == 0)
				f = FM_NFIELDS + k;
		if (f < 0 && fx_addr_field(t.s, t.len) >= 0)
			return fail(
			    p, t.col,
			    "'%.*s' at column %d is an address: "
			    "compare it with ==, != or in and an address "
			    "(sa == 192.0.2.1, da in 10.0.0.0/8)",
			    (int)t.len, t.s, t.col);
		if (f < 0 && fx_proto_number(t.s, t.len) >= 0) {
			if (!(n = new_node(p, FX_LIT, t.col)))
				return FM_ENOMEM;
			n->type = FX_INT;
			n->i = fx_proto_number(t.s, t.len);
			*out = n;
			return next(p);
		}
		if (f < 0)
			return fail(
			    p, t.col,
			    "unknown field '%.*s' at column %d "
			    "(fields: %s, duration, rate, sa, da, addr)",
			    (int)(t.len > 40 ? 40 : t.len), t.s, t.col,
			    fm_field_list());
		if (!(n = new_node(p, FX_FIELD, t.col)))
			return FM_ENOMEM;
		n->i = f;
		*out = n;
		return next(p);
	}
	case T_LPAREN:
		if ((r = enter(p)) < 0 || (r = next(p)) < 0 ||
		    (r = parse_or(p, out)) < 0)
			return r;
		p->depth--;
		(*out)->paren = 1;
		if (p->tok.kind != T_RPAREN) {
			if (p->tok.kind == T_END)
				return fail(
				    p, t.col,
				    "missing ')' for the '(' at column %d",
				    t.col);
			return unexpected(p, "an operator or ')'");
		}
		return next(p);
	case T_RPAREN:
		return fail(p, t.col, "unmatched ')' at column %d", t.col);
	case T_ADDR:
		return fail(p, t.col,
			    "address '%.*s' at column %d can only be "
			    "compared with sa, da or addr",
			    (int)t.len, t.s, t.col);
	default:
		return unexpected(p, "a field, a number or '('");
	}
}

static int parse_power(struct parser *p, struct fx_node **out)
{
	struct fx_node *a, *b, *n;
	int r = parse_atom(p, &a);
	if (r < 0)
		return r;
	if (p->tok.kind == T_OP && p->tok.op == FX_OP_POW) {
		int col = p->tok.col;
		if ((r = next(p)) < 0 || (r = parse_factor(p, &b)) < 0)
			return r;
		if (!(n = new_node(p, FX_BINARY, col)))
			return FM_ENOMEM;
		n->op = FX_OP_POW;
		n->a = a;
		n->b = b;
		if ((r = grown(p, n, a, b)) < 0)
			return r;
		a = n;
	}
	*out = a;
	return 0;
}

static int parse_factor(struct parser *p, struct fx_node **out)
{
	int r;
	if (p->tok.kind == T_OP &&
	    (p->tok.op == FX_OP_SUB || p->tok.op == FX_OP_ADD ||
	     p->tok.op == FX_OP_INV)) {
		struct fx_node *n;
		int op = p->tok.op == FX_OP_SUB	  ? FX_OP_NEG
			 : p->tok.op == FX_OP_ADD ? FX_OP_POS
						  : FX_OP_INV;
		if (!(n = new_node(p, FX_UNARY, p->tok.col)))
			return FM_ENOMEM;
		n->op = op;
		if ((r = enter(p)) < 0 || (r = next(p)) < 0 ||
		    (r = parse_factor(p, &n->a)) < 0 ||
		    (r = grown(p, n, n->a, NULL)) < 0)
			return r;
		p->depth--;
		*out = n;
		return 0;
	}
	return parse_power(p, out);
}

/* One left-associative binary level: ops[] lists the operators it takes. */
static int parse_binary(struct parser *p, struct fx_node **out, int level);

static const int levels[][5] = {
    {FX_OP_BOR, -1},
    {FX_OP_BXOR, -1},
    {FX_OP_BAND, -1},
    {FX_OP_SHL, FX_OP_SHR, -1},
    {FX_OP_ADD, FX_OP_SUB, -1},
    {FX_OP_MUL, FX_OP_DIV, FX_OP_FLOORDIV, FX_OP_MOD, -1},
};
#define NLEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static int level_has(int level, int op)
{
	for (int k = 0; levels[level][k] >= 0; k++)
		if (levels[level][k] == op)
			return 1;
	return 0;
}

static int parse_operand(struct parser *p, struct fx_node **out, int level)
{
	return level + 1 < NLEVELS ? parse_binary(p, out, level + 1)
				   : parse_factor(p, out);
}

static int parse_binary(struct parser *p, struct fx_node **out, int level)
{
	struct fx_node *a, *b, *n;
	int r = parse_operand(p, &a, level);
	if (r < 0)
		return r;
	while (p->tok.kind == T_OP && level_has(level, p->tok.op)) {
		int op = p->tok.op, col = p->tok.col;
		if ((r = next(p)) < 0 || (r = parse_operand(p, &b, level)) < 0)
			return r;
		if (!(n = new_node(p, FX_BINARY, col)))
			return FM_ENOMEM;
		n->op = op;
		n->a = a;
		n->b = b;
		if ((r = grown(p, n, a, b)) < 0)
			return r;
		a = n;
	}
	*out = a;
	return 0;
}

static int is_cmp(const struct token *t)
{
	return t->kind == T_OP && t->op >= FX_OP_EQ && t->op <= FX_OP_GE;
}

/* `sa|da|addr (== | != | in | not in) ADDRESS`, the name being current. */
static int parse_addr_cmp(struct parser *p, struct fx_node **out)
{
	struct token name = p->tok;
	int which = fx_addr_field(name.s, name.len), negate = 0, r;
	const char *end;

	if ((r = next(p)) < 0)
		return r;
	if (p->tok.kind == T_OP &&
	    (p->tok.op == FX_OP_EQ || p->tok.op == FX_OP_NE)) {
		negate = p->tok.op == FX_OP_NE;
	} else if (p->tok.kind == T_NOT) {
		negate = 1;
		if ((r = next(p)) < 0)
			return r;
		if (p->tok.kind != T_IN)
			return unexpected(p, "'in' after 'not'");
	} else if (p->tok.kind != T_IN) {
		return unexpected(
		    p, "==, !=, in or not in after an address field");
	}
	if ((r = next(p)) < 0)
		return r;
	if (p->tok.kind != T_ADDR)
		return unexpected(p, "an address such as 192.0.2.1, 10.0.0.0/8 "
				     "or 2001:db8::/32");
	end = p->tok.s + p->tok.len;
	if (!(*out =
		  fx_addr_test(p->tree, which, negate, &p->tok.addr, name.col)))
		return fm_error_set(p->err, FM_ENOMEM, "out of memory");
	(*out)->text = name.s;
	(*out)->text_len = (size_t)(end - name.s);
	if ((r = next(p)) < 0)
		return r;
	if (is_cmp(&p->tok) || p->tok.kind == T_IN)
		return fail(p, p->tok.col,
			    "an address test cannot be chained at "
			    "column %d (join tests with and, or)",
			    p->tok.col);
	return 0;
}

/* Warn about `&`, `|`, `^` written bare inside a chain (SPEC 4's pitfall). */
static void warn_chain(struct parser *p, const struct fx_node *n)
{
	static const char *const word[3] = {"and", "or", NULL};
	struct fm_buf b = FM_BUF_INIT;

	for (int k = 1; k + 1 < n->n && !p->tree->warning[0]; k++) {
		const struct fx_node *m = n->items[k];
		int w;
		if (m->kind != FX_BINARY || m->paren ||
		    (m->op != FX_OP_BAND && m->op != FX_OP_BOR &&
		     m->op != FX_OP_BXOR))
			continue;
		w = m->op == FX_OP_BAND ? 0 : m->op == FX_OP_BOR ? 1 : 2;
		fm_buf_addch(&b, '(');
		fx_print(n->items[k - 1], &b);
		fm_buf_printf(&b, " %s ", fx_op_text(n->ops[k - 1]));
		fx_print(m->a, &b);
		fm_buf_printf(&b, ") %s (", fx_op_text(m->op));
		fx_print(m->b, &b);
		fm_buf_printf(&b, " %s ", fx_op_text(n->ops[k]));
		fx_print(n->items[k + 1], &b);
		fm_buf_addch(&b, ')');
		snprintf(
		    p->tree->warning, sizeof(p->tree->warning),
		    "filter: '%s' at column %d binds tighter than '%s': write "
		    "%s%s%s%s (as written it compares a chain and is "
		    "rarely true)",
		    fx_op_text(m->op), m->col, fx_op_text(n->ops[k - 1]),
		    b.buf ? b.buf : "", word[w] ? " or use '" : "",
		    word[w] ? word[w] : "", word[w] ? "'" : "");
	}
	fm_buf_release(&b);
}

static int parse_comparison(struct parser *p, struct fx_node **out)
{
	struct fx_node *a, *n;
	int r;

	if (p->tok.kind == T_NAME && fx_addr_field(p->tok.s, p->tok.len) >= 0 &&
	    fm_field_lookup(p->tok.s, p->tok.len) < 0)
		return parse_addr_cmp(p, out);
	if ((r = parse_binary(p, &a, 0)) < 0)
		return r;
	if (p->tok.kind == T_IN)
		return fail(
		    p, p->tok.col,
		    "'in' is not supported in filters at "
		    "column %d except after sa, da or addr (sa in 10.0.0.0/8)",
		    p->tok.col);
	if (!is_cmp(&p->tok)) {
		*out = a;
		return 0;
	}
	if (!(n = new_node(p, FX_CMP, p->tok.col)))
		return FM_ENOMEM;
	*out = n;
	n->items = malloc(sizeof(*n->items));
	if (!n->items)
		return fm_error_set(p->err, FM_ENOMEM, "out of memory");
	n->items[0] = a;
	n->n = 1;
	n->height = a->height;
	while (is_cmp(&p->tok)) {
		int op = p->tok.op, col = p->tok.col;
		struct fx_node **ni =
		    realloc(n->items, (size_t)(n->n + 1) * sizeof(*ni));
		if (ni)
			n->items = ni;
		int *no =
		    ni ? realloc(n->ops, (size_t)n->n * sizeof(*no)) : NULL;
		if (no)
			n->ops = no;
		int *nc =
		    no ? realloc(n->cols, (size_t)n->n * sizeof(*nc)) : NULL;
		if (!nc)
			return fm_error_set(p->err, FM_ENOMEM, "out of memory");
		n->cols = nc;
		n->ops[n->n - 1] = op;
		n->cols[n->n - 1] = col;
		if ((r = next(p)) < 0 ||
		    (r = parse_binary(p, &n->items[n->n], 0)) < 0)
			return r;
		if ((r = grown(p, n, n, n->items[n->n])) < 0)
			return r;
		n->n++;
	}
	warn_chain(p, n);
	return 0;
}

static int parse_not(struct parser *p, struct fx_node **out)
{
	int r;
	if (p->tok.kind == T_NOT) {
		struct fx_node *n = new_node(p, FX_NOT, p->tok.col);
		if (!n)
			return FM_ENOMEM;
		if ((r = enter(p)) < 0 || (r = next(p)) < 0 ||
		    (r = parse_not(p, &n->a)) < 0 ||
		    (r = grown(p, n, n->a, NULL)) < 0)
			return r;
		p->depth--;
		*out = n;
		return 0;
	}
	return parse_comparison(p, out);
}

static int parse_and(struct parser *p, struct fx_node **out)
{
	struct fx_node *a, *b, *n;
	int r = parse_not(p, &a);
	if (r < 0)
		return r;
	while (p->tok.kind == T_AND) {
		int col = p->tok.col;
		if ((r = next(p)) < 0 || (r = parse_not(p, &b)) < 0)
			return r;
		if (!(n = new_node(p, FX_AND, col)))
			return FM_ENOMEM;
		n->a = a;
		n->b = b;
		if ((r = grown(p, n, a, b)) < 0)
			return r;
		a = n;
	}
	*out = a;
	return 0;
}

static int parse_or(struct parser *p, struct fx_node **out)
{
	struct fx_node *a, *b, *n;
	int r;
	if ((r = parse_and(p, &a)) < 0)
		return r;
	while (p->tok.kind == T_OR) {
		int col = p->tok.col;
		if ((r = next(p)) < 0 || (r = parse_and(p, &b)) < 0)
			return r;
		if (!(n = new_node(p, FX_OR, col)))
			return FM_ENOMEM;
		n->a = a;
		n->b = b;
		if ((r = grown(p, n, a, b)) < 0)
			return r;
		a = n;
	}
	*out = a;
	return 0;
}

int fx_parse(const char *expr, struct fx_tree *t, int *errcol,
	     struct fm_error *err)
{
	struct parser p;
	size_t len = strlen(expr);
	int r;

	memset(t, 0, sizeof(*t));
	memset(&p, 0, sizeof(p));
	p.src = expr;
	p.tree = t;
	p.errcol = errcol;
	p.err = err;
	if (errcol)
		*errcol = 0;
	if (len > FM_FILTER_MAX_LEN)
		return fail(&p, 0,
			    "expression too long (%zu characters, limit %d)",
			    len, FM_FILTER_MAX_LEN);
	if ((r = next(&p)) < 0)
		goto out;
	if (p.tok.kind == T_END) {
		r = fail(&p, 0, "empty expression");
		goto out;
	}
	if ((r = parse_or(&p, &t->root)) < 0)
		goto out;
	if (p.tok.kind == T_RPAREN)
		r = fail(&p, p.tok.col, "unmatched ')' at column %d",
			 p.tok.col);
	else if (p.tok.kind != T_END)
		r = unexpected(&p, "an operator or the end");
out:
	if (r < 0)
		fx_tree_free(t);
	return r;
}

void fx_tree_free(struct fx_tree *t)
{
	struct fx_node *n = t->all, *nx;
	for (; n; n = nx) {
		nx = n->all_next;
		free(n->items);
		free(n->ops);
		free(n->cols);
		free(n);
	}
	t->all = NULL;
	t->root = NULL;
}

static void print_real(double d, struct fm_buf *out)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.17g", d);
	if (!strpbrk(buf, ".eni"))
		strcat(buf, ".0");
	fm_buf_addstr(out, buf);
}

int fx_print(const struct fx_node *n, struct fm_buf *out)
{
	if (n->text) {
		fm_buf_printf(out, "(%.*s)", (int)n->text_len, n->text);
		return out->buf ? 0 : FM_ENOMEM;
	}
	switch (n->kind) {
	case FX_LIT:
		if (n->type == FX_REAL)
			print_real(n->d, out);
		else if (n->type == FX_BOOL)
			fm_buf_addstr(out, n->i ? "True" : "False");
		else
			fm_buf_printf(out, "%lld", (long long)n->i);
		break;
	case FX_FIELD:
		fm_buf_addstr(out, fx_field_name((int)n->i));
		break;
	case FX_UNARY:
		fm_buf_printf(out, "(%s", fx_op_text(n->op));
		fx_print(n->a, out);
		fm_buf_addch(out, ')');
		break;
	case FX_NOT:
		fm_buf_addstr(out, "(not ");
		fx_print(n->a, out);
		fm_buf_addch(out, ')');
		break;
	case FX_BINARY:
	case FX_AND:
	case FX_OR:
		fm_buf_addch(out, '(');
		fx_print(n->a, out);
		fm_buf_printf(out, " %s ",
			      n->kind == FX_AND	 ? "and"
			      : n->kind == FX_OR ? "or"
						 : fx_op_text(n->op));
		fx_print(n->b, out);
		fm_buf_addch(out, ')');
		break;
	case FX_CMP:
		fm_buf_addch(out, '(');
		for (int k = 0; k < n->n; k++) {
			if (k)
				fm_buf_printf(out, " %s ",
					      fx_op_text(n->ops[k - 1]));
			fx_print(n->items[k], out);
		}
		fm_buf_addch(out, ')');
		break;
	}
	return out->buf ? 0 : FM_ENOMEM;
}

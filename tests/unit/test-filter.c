/*
 * test-filter.c - the filter expression language (SPEC 4).
 *
 * Tables: precedence/associativity (through the canonical print), every
 * error kind with its column, the reference's example filters, and the
 * semantic edge cases.  Then the differential test: thousands of random
 * expressions, printed with minimal (and some redundant) parentheses, over
 * random records with edge values; each is evaluated record by record by
 * the deliberately naive recursive evaluator below (dynamic values, 128-bit
 * and long double arithmetic, Python's short-circuit order) and by the
 * compiled vectorised engine, which must agree exactly on the kept records,
 * on the count of run-time errors, and on whether the expression compiles.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "flowmodels/filter.h"
#include "testutil.h"

/* ---- helpers ---- */

static const char *compile_error(const char *expr, int *col)
{
	static struct fm_error err;
	struct fm_filter *f = NULL;
	int r = fm_filter_compile(&f, expr, col, &err);
	if (r == 0) {
		fm_filter_free(f);
		return NULL;
	}
	assert_null(f);
	return err.msg;
}

static const char *canon(const char *expr)
{
	static char buf[1024];
	struct fm_error err;
	struct fm_filter *f;
	if (fm_filter_compile(&f, expr, NULL, &err) < 0)
		fail_msg("'%s': %s", expr, err.msg);
	snprintf(buf, sizeof(buf), "%s", fm_filter_canonical(f));
	fm_filter_free(f);
	return buf;
}

/* ---- precedence and associativity ---- */

static void test_precedence(void **state)
{
	static const char *const t[][2] = {
	    {"sp + dp * 2", "(sp + (dp * 2))"},
	    {"sp - dp - 2", "((sp - dp) - 2)"},
	    {"sp * dp + 2", "((sp * dp) + 2)"},
	    {"2 ** 3 ** 2", "(2 ** (3 ** 2))"},
	    {"-2 ** 2", "(-(2 ** 2))"},
	    {"2 ** -1", "(2 ** (-1))"},
	    {"-sp ** -dp", "(-(sp ** (-dp)))"},
	    {"prot==6 & sp==443", "(prot == (6 & sp) == 443)"},
	    {"(prot==6) & (sp==443)", "((prot == 6) & (sp == 443))"},
	    {"sp | dp ^ prot & af", "(sp | (dp ^ (prot & af)))"},
	    {"sp ^ dp | prot ^ af", "((sp ^ dp) | (prot ^ af))"},
	    {"sp & dp << 2", "(sp & (dp << 2))"},
	    {"sp << 1 + 2", "(sp << (1 + 2))"},
	    {"sp >> 1 >> 2", "((sp >> 1) >> 2)"},
	    {"sp // 2 % 3 * 4 / 5", "((((sp // 2) % 3) * 4) / 5)"},
	    {"~sp + 1", "((~sp) + 1)"},
	    {"- - sp", "(-(-sp))"},
	    {"+sp", "(+sp)"},
	    {"not sp == dp", "(not (sp == dp))"},
	    {"not not sp", "(not (not sp))"},
	    {"not sp and dp or prot", "(((not sp) and dp) or prot)"},
	    {"sp or dp and prot", "(sp or (dp and prot))"},
	    {"sp and dp and prot", "((sp and dp) and prot)"},
	    {"sp < dp <= prot", "(sp < dp <= prot)"},
	    {"sp == dp == prot != af", "(sp == dp == prot != af)"},
	    {"sp + dp < prot * 2 == af", "((sp + dp) < (prot * 2) == af)"},
	    {"sp < dp | prot", "(sp < (dp | prot))"},
	    {"(sp + dp) * 2", "((sp + dp) * 2)"},
	    {"((sp))", "sp"},
	    {"0x1F + 1.5e3 + .5 + 1.", "(((31 + 1500.0) + 0.5) + 1.0)"},
	    {"1_000 + 0b101 + 0o17 + 0XfF", "(((1000 + 5) + 15) + 255)"},
	    {"True + False", "(True + False)"},
	    {"duration > 1000 and rate < 1e6",
	     "((duration > 1000) and (rate < 1000000.0))"},
	    {"~(prot==6)", "(~(prot == 6))"},
	};
	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		const char *got = canon(t[k][0]);
		if (strcmp(got, t[k][1]) != 0)
			fail_msg("'%s': got %s, expected %s", t[k][0], got,
				 t[k][1]);
	}
}

/* ---- errors ---- */

static void test_errors(void **state)
{
	static const struct {
		const char *expr, *msg;
		int col;
	} t[] = {
	    {"prot == 6 and port == 443",
	     "filter: unknown field 'port' at column 15 (fields: af, prot, "
	     "inif",
	     15},
	    {"", "filter: empty expression", 0},
	    {"   ", "filter: empty expression", 0},
	    {"prot ==", "unexpected end of expression at column 8", 8},
	    {"prot == 6)", "unmatched ')' at column 10", 10},
	    {")", "unmatched ')' at column 1", 1},
	    {"(prot == 6", "missing ')' for the '(' at column 1", 1},
	    {"(prot == 6 6)", "unexpected '6' at column 12", 12},
	    {"prot $ 6", "invalid character '$' at column 6", 6},
	    {"prot == \x01", "invalid character (byte 0x01) at column 9", 9},
	    {"prot == 08", "invalid number '08' at column 9", 9},
	    {"prot == 1e", "invalid number '1e' at column 9", 9},
	    {"prot == 0x", "invalid number '0x' at column 9", 9},
	    {"prot == 1.2.3", "invalid number '1.2.3' at column 9", 9},
	    {"prot == 6and", "invalid number '6and' at column 9", 9},
	    {"sp == 99999999999999999999",
	     "integer 99999999999999999999 out of range at column 7", 7},
	    {"sp == 9223372036854775808", "out of range at column 7", 7},
	    {"sp // 0", "division by zero at column 4", 4},
	    {"sp / 0.0", "division by zero at column 4", 4},
	    {"sp % (1 - 1)", "division by zero at column 4", 4},
	    {"sp < 1 // (2 - 2)", "division by zero at column 8", 8},
	    {"sp << -1", "negative shift count at column 4", 4},
	    {"sp < 1 >> (2 - 3)", "negative shift count at column 8", 8},
	    {"0 ** -1 < sp", "zero to a negative power at column 3", 3},
	    {"rate & 1",
	     "operator '&' at column 6 needs integers or booleans, not a real",
	     6},
	    {"sp << 1.5", "operator '<<' at column 4 needs integers", 4},
	    {"~rate", "operator '~' at column 1 needs an integer or a boolean",
	     1},
	    {"prot = 6", "'=' at column 6 is not a comparison (use '==')", 6},
	    {"prot == 6 && sp == 443", "'&&' at column 11 is not python", 11},
	    {"prot == 6 || sp == 443", "'||' at column 11 is not python", 11},
	    {"!prot", "'!' at column 1 is not python", 1},
	    {"prot <> 6", "'<>' at column 6 is not python", 6},
	    {"prot in 6", "'in' is not supported in filters at column 6", 6},
	    {"prot is None", "'is' is not supported", 6},
	    {"prot 6",
	     "unexpected '6' at column 6 (expected an operator or the end)", 6},
	    {"sp == not dp", "unexpected 'not' at column 7", 7},
	    {"sp == * dp", "unexpected '*' at column 7", 7},
	    {"sp + ", "unexpected end of expression at column 6", 6},
	};
	int col;
	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		const char *m = compile_error(t[k].expr, &col);
		if (!m)
			fail_msg("'%s' compiled", t[k].expr);
		if (!strstr(m, t[k].msg))
			fail_msg("'%s': got \"%s\", expected \"%s\"", t[k].expr,
				 m, t[k].msg);
		if (strncmp(m, "filter: ", 8) != 0)
			fail_msg("'%s': message lacks the prefix: %s",
				 t[k].expr, m);
		if (col != t[k].col)
			fail_msg("'%s': column %d, expected %d", t[k].expr, col,
				 t[k].col);
	}

	/* nesting and size limits */
	struct fm_buf b = FM_BUF_INIT;
	for (int k = 0; k < 300; k++)
		fm_buf_addch(&b, '(');
	fm_buf_addstr(&b, "sp");
	for (int k = 0; k < 300; k++)
		fm_buf_addch(&b, ')');
	assert_non_null(
	    strstr(compile_error(fm_buf_str(&b), &col), "nested too deeply"));
	fm_buf_reset(&b);
	fm_buf_addstr(&b, "sp");
	for (int k = 0; k < 1200; k++)
		fm_buf_addstr(&b, " + sp");
	assert_non_null(
	    strstr(compile_error(fm_buf_str(&b), &col), "expression too deep"));
	fm_buf_reset(&b);
	for (int k = 0; k < 300; k++)
		fm_buf_addstr(&b, "- ");
	fm_buf_addstr(&b, "sp");
	assert_non_null(
	    strstr(compile_error(fm_buf_str(&b), &col), "nested too deeply"));
	fm_buf_reset(&b);
	for (int k = 0; k < 20000; k++)
		fm_buf_addstr(&b, "sp + ");
	assert_non_null(
	    strstr(compile_error(fm_buf_str(&b), &col), "too long"));
	fm_buf_release(&b);
	/* just inside the limits */
	assert_null(
	    compile_error("((((((((((((((((((((sp))))))))))))))))))))", &col));
	/* the field list names every field and the derived values */
	const char *m = compile_error("port", &col);
	for (int f = 0; f < FM_NFIELDS; f++)
		assert_non_null(strstr(m, fm_field_name(f)));
	assert_non_null(strstr(m, "aggs, duration, rate, sa, da, addr)"));
}

/* ---- one-record semantics ---- */

struct ov {
	int f;
	int64_t v;
};

/* keep/error of expr on the base record with overrides */
static void check_one(const char *expr, const struct ov *ov, size_t nov,
		      int want_keep, int want_err)
{
	struct fm_batch b;
	uint32_t idx[1];
	uint64_t errors;
	static const int64_t base[FM_NFIELDS] = {
	    [FM_AF] = 2,       [FM_PROT] = 6,	    [FM_SP] = 7,
	    [FM_DP] = 3,       [FM_PACKETS] = 10,   [FM_OCTETS] = 1000,
	    [FM_FIRST] = 1000, [FM_FIRST_MS] = 100, [FM_LAST] = 1002,
	    [FM_LAST_MS] = 50, [FM_AGGS] = 1,
	};
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 1), 0);
	b.n = 1;
	for (int f = 0; f < FM_NFIELDS; f++)
		fm_batch_mut(&b, f)[0] = base[f];
	for (size_t k = 0; k < nov; k++)
		fm_batch_mut(&b, ov[k].f)[0] = ov[k].v;
	long n = tu_run_filter(expr, &b, idx, &errors);
	fm_batch_release(&b);
	if (n != want_keep || (int)errors != want_err)
		fail_msg("'%s': kept %ld errors %d, expected %d and %d", expr,
			 n, (int)errors, want_keep, want_err);
}

#define ONE(expr, keep, err) check_one(expr, NULL, 0, keep, err)
#define ONE_OV(expr, keep, err, ...)                                           \
	do {                                                                   \
		const struct ov o_[] = {__VA_ARGS__};                          \
		check_one(expr, o_, sizeof(o_) / sizeof(o_[0]), keep, err);    \
	} while (0)

static void test_semantics(void **state)
{
	(void)state;
	/* unsigned values above 2^63-1 read as 2^63-1 */
	ONE_OV("packets == 9223372036854775807", 1, 0, {FM_PACKETS, -1});
	ONE_OV("octets > 0", 1, 0, {FM_OCTETS, INT64_MIN});
	/* 64-bit arithmetic, no wrap at the field's width; int64 wrap-around */
	ONE_OV("first * 1000 == 4294967295000", 1, 0, {FM_FIRST, 4294967295LL});
	ONE_OV("octets * 4 == 0", 1, 0, {FM_OCTETS, INT64_C(1) << 62});
	ONE_OV("packets + 1 < 0", 1, 0, {FM_PACKETS, INT64_MAX});
	ONE_OV("-(packets + 1) == packets + 1", 1, 0, {FM_PACKETS, INT64_MAX});
	ONE("sp * dp - 21 == 0", 1, 0);
	/* Python floor division and modulo; real division */
	ONE("-sp // 2 == -4", 1, 0);
	ONE("sp // -2 == -4", 1, 0);
	ONE("-sp % 3 == 2", 1, 0);
	ONE("sp % -3 == -2", 1, 0);
	ONE("sp // 2 == 3", 1, 0);
	ONE("sp / 2 == 3.5", 1, 0);
	ONE("-sp / 2 == -3.5", 1, 0);
	ONE("(-sp) % 2.5 == 0.5", 1, 0);
	ONE("-sp // 2.5 == -3", 1, 0);
	ONE("sp / 10 // 0.1 == 6", 1, 0); /* Python: 0.7 // 0.1 == 6.0 */
	ONE_OV("first // -1 == first", 1, 0, {FM_FIRST, INT64_MIN});
	ONE_OV("first % -1 == 0", 1, 0, {FM_FIRST, INT64_MIN});
	/* ** and negative exponents */
	ONE("sp ** 2 == 49", 1, 0);
	ONE("sp ** 0 == 1", 1, 0);
	ONE("2 ** -1 == 0.5", 1, 0);
	ONE("0.14 < sp ** -1 < 0.15", 1, 0);
	ONE("sp ** (dp - 4) == 1 / 7", 1, 0);
	ONE("sp ** 64 == 1 + 0", 0, 0);
	ONE("3 ** sp == 2187", 1, 0);
	/* run-time division by zero: not kept, counted; short-circuit */
	ONE("(sp - 7) ** -1 > 0", 0, 1);
	ONE("sp // (dp - 3) == 0", 0, 1);
	ONE("sp % (dp - 3) == 0", 0, 1);
	ONE("sp / (dp - 3) == 0", 0, 1);
	ONE("not (sp // (dp - 3) == 0)", 0, 1);
	ONE("dp == 3 or sp // (dp - 3)", 1, 0);
	ONE("dp != 3 and sp // (dp - 3) > 0", 0, 0);
	ONE("dp == 3 and sp // (dp - 3) > 0", 0, 1);
	ONE("(dp != 3) & (sp // (dp - 3) > 0)", 0, 1);
	ONE("sp > 100 < sp // (dp - 3)", 0, 0);
	ONE("sp < 100 < sp // (dp - 3)", 0, 1);
	ONE("sp // (dp - 3) < 100 < sp", 0, 1);
	ONE("sp >> (dp - 4)", 0, 1);
	ONE("sp << (dp - 4) or True", 0, 1);
	/* booleans: ~ is logical not, & | ^ logical */
	ONE_OV("~(prot==6)", 1, 0, {FM_PROT, 17});
	ONE("~(prot==6)", 0, 0);
	ONE("~sp == -8", 1, 0);
	ONE("(prot==6) ^ (sp==7)", 0, 0);
	ONE("(prot==6) ^ (sp==8)", 1, 0);
	ONE("(prot==6) + (sp==7) == 2", 1, 0);
	ONE("-(prot==6) == -1", 1, 0);
	ONE("(prot==6) & 3", 1, 0);
	ONE("(prot==6) & 2", 0, 0);
	ONE_OV("not sp", 1, 0, {FM_SP, 0});
	ONE("not sp", 0, 0);
	ONE("sp and 0", 0, 0);
	ONE("sp or 0", 1, 0);
	ONE("(sp and 5) == 1", 1, 0); /* and/or yield booleans */
	ONE("1 < sp <= 7", 1, 0);
	ONE("1 < sp < 7", 0, 0);
	ONE("prot==6 & sp==7", 0, 0); /* prot == (6 & sp) == 7 */
	ONE_OV("prot==6 & sp==6", 1, 0, {FM_SP, 6});
	/* shifts */
	ONE("sp << 62 < 0", 1, 0);
	ONE("sp << 64 == 0", 1, 0);
	ONE("-sp >> 70 == -1", 1, 0);
	ONE("-sp >> 1 == -4", 1, 0);
	/* derived fields */
	ONE("duration == 1950", 1, 0);
	ONE_OV("duration == 0", 1, 0, {FM_PACKETS, 1});
	ONE("rate == 8000 * 1000 / 1950", 1, 0);
	ONE_OV("rate == 0", 1, 0, {FM_PACKETS, 1});
	ONE_OV("rate", 0, 0, {FM_PACKETS, 1});
	ONE("rate", 1, 0);
	/* int/real comparisons are exact, as in Python */
	ONE("sp == 7.0", 1, 0);
	ONE_OV("first == 9007199254740992.0", 0, 0,
	       {FM_FIRST, INT64_C(9007199254740993)});
	ONE_OV("first > 9007199254740992.0", 1, 0,
	       {FM_FIRST, INT64_C(9007199254740993)});
	ONE_OV("9007199254740993 > rate * 0 + 9007199254740992.0", 1, 0,
	       {FM_FIRST, 0});
	ONE_OV("packets < 9.3e18", 1, 0, {FM_PACKETS, -1});
	ONE_OV("packets == 9223372036854775808.0", 0, 0, {FM_PACKETS, -1});
	ONE_OV("packets < 9223372036854775808.0", 1, 0, {FM_PACKETS, -1});
	/* constants */
	ONE("True", 1, 0);
	ONE("False", 0, 0);
	ONE("0", 0, 0);
	ONE("0.0", 0, 0);
	ONE("2 > 1", 1, 0);
	ONE("False and 1 < sp // (dp - 3)", 0, 0);
	ONE("True or sp // (dp - 3)", 1, 0);
}

/* ---- the reference's examples, and the selector over many blocks ---- */

static void test_examples(void **state)
{
	struct fm_batch b;
	uint64_t seed = 42, errors;
	const size_t n = 3 * 512 + 77; /* full blocks and a tail */
	uint32_t *idx = malloc(n * sizeof(*idx));
	long k;
	size_t want;
	(void)state;

	assert_non_null(idx);
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n), 0);
	b.n = n;
	for (size_t i = 0; i < n; i++) {
		tu_random_record(&b, i, &seed);
		if (tu_rand(&seed) % 4 == 0)
			fm_batch_mut(&b, FM_SP)[i] = 443;
		if (tu_rand(&seed) % 4 == 0)
			fm_batch_mut(&b, FM_DP)[i] = 443;
		fm_batch_mut(&b, FM_FIRST)[i] =
		    1433960000 + (int64_t)(tu_rand(&seed) % 8000);
		if (tu_rand(&seed) % 5 == 0)
			fm_batch_mut(&b, FM_AF)[i] = 10;
	}
	k = tu_run_filter("(prot==6) & ((sp==443) | (dp==443))", &b, idx,
			  &errors);
	want = 0;
	for (size_t i = 0; i < n; i++) {
		if (b.col[FM_PROT][i] == 6 &&
		    (b.col[FM_SP][i] == 443 || b.col[FM_DP][i] == 443)) {
			assert_true(want < (size_t)k);
			assert_int_equal(idx[want], i);
			want++;
		}
	}
	assert_int_equal(k, want);
	assert_true(want > 100);
	assert_int_equal(errors, 0);

	k = tu_run_filter("(16596*86400+19*3600 <= first) & (first < "
			  "16596*86400+20*3600) & (af == 2)",
			  &b, idx, &errors);
	want = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t f = b.col[FM_FIRST][i];
		if (1433962800 <= f && f < 1433966400 && b.col[FM_AF][i] == 2) {
			assert_int_equal(idx[want], i);
			want++;
		}
	}
	assert_int_equal(k, want);
	assert_true(want > 100 && want < n - 100);

	/* the filter reads only the columns it names */
	struct fm_error err;
	struct fm_filter *f;
	assert_int_equal(
	    fm_filter_compile(&f, "(prot==6) & ((sp==443) | (dp==443))", NULL,
			      &err),
	    0);
	assert_int_equal(fm_filter_fields(f), FM_FIELD_BIT(FM_PROT) |
						  FM_FIELD_BIT(FM_SP) |
						  FM_FIELD_BIT(FM_DP));
	struct fm_batch partial = b;
	for (int c = 0; c < FM_NFIELDS; c++)
		if (!(fm_filter_fields(f) & FM_FIELD_BIT(c)))
			partial.col[c] = NULL;
	struct fm_filter_run *r;
	assert_int_equal(fm_filter_run_new(&r, f, &err), 0);
	struct fm_selector sel;
	fm_filter_selector(&sel, r);
	assert_int_equal(sel.fields, fm_filter_fields(f));
	k = sel.select(sel.ctx, &partial, idx, &err);
	assert_true(k > 100);
	fm_filter_run_free(r);
	fm_filter_free(f);

	assert_int_equal(fm_filter_compile(&f, "duration > 0", NULL, &err), 0);
	assert_int_equal(fm_filter_fields(f),
			 FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_FIRST) |
			     FM_FIELD_BIT(FM_FIRST_MS) | FM_FIELD_BIT(FM_LAST) |
			     FM_FIELD_BIT(FM_LAST_MS));
	fm_filter_free(f);
	assert_int_equal(fm_filter_compile(&f, "rate > 1", NULL, &err), 0);
	assert_true(fm_filter_fields(f) & FM_FIELD_BIT(FM_OCTETS));
	fm_filter_free(f);
	assert_int_equal(fm_filter_compile(&f, "1 + 1 == 2", NULL, &err), 0);
	assert_int_equal(fm_filter_fields(f), 0);
	fm_filter_free(f);

	fm_batch_release(&b);
	free(idx);
}

static int nwarn;
static char lastwarn[512];
static void log_fn(void *ctx, enum fm_log_level level, const char *msg)
{
	(void)ctx;
	if (level == FM_LOG_WARN) {
		nwarn++;
		snprintf(lastwarn, sizeof(lastwarn), "%s", msg);
	}
}

static void test_error_report(void **state)
{
	struct fm_batch b;
	struct fm_error err;
	struct fm_filter *f;
	struct fm_filter_run *r;
	struct fm_log log = {log_fn, NULL};
	uint32_t idx[1000];
	(void)state;

	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 1000), 0);
	b.n = 1000;
	for (size_t i = 0; i < 1000; i++) {
		fm_batch_mut(&b, FM_SP)[i] = (int64_t)i;
		fm_batch_mut(&b, FM_DP)[i] = (int64_t)(i % 10);
	}
	assert_int_equal(fm_filter_compile(&f, "sp % dp == 1", NULL, &err), 0);
	assert_int_equal(fm_filter_run_new(&r, f, &err), 0);
	long k = fm_filter_select(r, &b, idx);
	k += fm_filter_select(r, &b, idx);
	assert_int_equal(fm_filter_run_errors(r), 200);
	size_t want = 0;
	for (size_t i = 0; i < 1000; i++)
		want += (i % 10) && (i % (i % 10)) == 1;
	assert_int_equal(k, 2 * want);
	nwarn = 0;
	fm_filter_run_report(r, &log);
	assert_int_equal(nwarn, 1);
	assert_non_null(strstr(lastwarn, "filter: 200 records not kept"));
	fm_filter_run_free(r);
	fm_filter_free(f);
	fm_batch_release(&b);
}

/* ---- the differential test ---- */

enum {
	N_LIT_I,
	N_LIT_R,
	N_LIT_B,
	N_FIELD,
	N_UN,
	N_BIN,
	N_CMP,
	N_AND,
	N_OR,
	N_NOT
};
enum { TB, TI, TR }; /* naive types */

/* Python operator precedence, higher binds tighter */
enum {
	P_OR = 1,
	P_AND,
	P_NOT,
	P_CMP,
	P_BOR,
	P_BXOR,
	P_BAND,
	P_SHIFT,
	P_ARITH,
	P_TERM,
	P_UNARY,
	P_POW,
	P_ATOM
};

struct tn {
	int kind, op; /* op: index into binops / unops / cmpops */
	int64_t i;
	double d;
	int field;
	struct tn *a, *b;
	int n;
	struct tn *items[4];
	int ops[3];
	int ty; /* static type, set by naive_type */
};

static const char *const binops[] = {"+",  "-",	 "*",  "/", "//", "%",
				     "**", "<<", ">>", "&", "|",  "^"};
enum {
	B_ADD,
	B_SUB,
	B_MUL,
	B_DIV,
	B_FDIV,
	B_MOD,
	B_POW,
	B_SHL,
	B_SHR,
	B_AND,
	B_OR,
	B_XOR
};
static const int binprec[] = {P_ARITH, P_ARITH, P_TERM, P_TERM,
			      P_TERM,  P_TERM,	P_POW,	P_SHIFT,
			      P_SHIFT, P_BAND,	P_BOR,	P_BXOR};
static const char *const unops[] = {"-", "+", "~"};
static const char *const cmpops[] = {"==", "!=", "<", "<=", ">", ">="};
static const char *const names[] = {
    "af",      "prot",	 "inif",  "outif",    "sa0",  "sa1",
    "sa2",     "sa3",	 "da0",	  "da1",      "da2",  "da3",
    "sp",      "dp",	 "first", "first_ms", "last", "last_ms",
    "packets", "octets", "aggs",  "duration", "rate"};

struct pool {
	struct tn nodes[256];
	int used;
};

static struct tn *nn(struct pool *p, int kind)
{
	if (p->used >= 256)
		return NULL;
	struct tn *t = &p->nodes[p->used++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	return t;
}

static struct tn *gen_leaf(struct pool *p, uint64_t *s)
{
	static const int64_t ints[] = {0,
				       1,
				       2,
				       3,
				       5,
				       6,
				       7,
				       10,
				       17,
				       63,
				       64,
				       443,
				       1000,
				       65535,
				       4294967295LL,
				       INT64_C(1) << 62,
				       INT64_MAX};
	static const double reals[] = {
	    0.0, 0.5,	1.0, 2.5, 3.0, 1e3, 0.1, 1e18, 9223372036854775808.0,
	    7.0, 1.5e-3};
	unsigned r = (unsigned)(tu_rand(s) % 100);
	struct tn *t;
	if (r < 50) {
		t = nn(p, N_FIELD);
		unsigned q = (unsigned)(tu_rand(s) % 30);
		/* favour the small fields and the derived ones */
		t->field = q < 23 ? (int)q
				  : (int[]){1, 12, 13, 18, 19, 21, 22}[q - 23];
	} else if (r < 80) {
		t = nn(p, N_LIT_I);
		t->i = ints[tu_rand(s) % (sizeof(ints) / sizeof(ints[0]))];
		if (tu_rand(s) % 4 == 0)
			t->i = (int64_t)(tu_rand(s) % 100);
	} else if (r < 95) {
		t = nn(p, N_LIT_R);
		t->d = reals[tu_rand(s) % (sizeof(reals) / sizeof(reals[0]))];
	} else {
		t = nn(p, N_LIT_B);
		t->i = (int64_t)(tu_rand(s) & 1);
	}
	return t;
}

static struct tn *gen_tree(struct pool *p, uint64_t *s, int depth)
{
	struct tn *t;
	if (depth <= 0 || tu_rand(s) % 5 == 0)
		return gen_leaf(p, s);
	unsigned r = (unsigned)(tu_rand(s) % 100);
	if (r < 45) {
		t = nn(p, N_BIN);
		if (!t)
			return gen_leaf(p, s);
		t->op = (int)(tu_rand(s) % 12);
		t->a = gen_tree(p, s, depth - 1);
		if (t->op == B_POW) {
			/* small exponents mostly, sometimes negative or a field
			 */
			if (tu_rand(s) % 3) {
				t->b = nn(p, N_LIT_I);
				if (!t->b)
					return gen_leaf(p, s);
				t->b->i = (int64_t)(tu_rand(s) % 5);
				if (tu_rand(s) % 4 == 0) {
					struct tn *u = nn(p, N_UN);
					if (!u)
						return gen_leaf(p, s);
					u->op = 0;
					u->a = t->b;
					t->b = u;
				}
			} else {
				t->b = gen_tree(p, s, 1);
			}
		} else {
			t->b = gen_tree(p, s, depth - 1);
		}
	} else if (r < 60) {
		t = nn(p, N_UN);
		if (!t)
			return gen_leaf(p, s);
		t->op = (int)(tu_rand(s) % 3);
		t->a = gen_tree(p, s, depth - 1);
	} else if (r < 80) {
		t = nn(p, N_CMP);
		if (!t)
			return gen_leaf(p, s);
		t->n = 2 + (tu_rand(s) % 4 == 0) + (tu_rand(s) % 8 == 0);
		for (int k = 0; k < t->n; k++)
			t->items[k] = gen_tree(p, s, depth - 1);
		for (int k = 0; k + 1 < t->n; k++)
			t->ops[k] = (int)(tu_rand(s) % 6);
	} else if (r < 90) {
		t = nn(p, tu_rand(s) & 1 ? N_AND : N_OR);
		if (!t)
			return gen_leaf(p, s);
		t->a = gen_tree(p, s, depth - 1);
		t->b = gen_tree(p, s, depth - 1);
	} else {
		t = nn(p, N_NOT);
		if (!t)
			return gen_leaf(p, s);
		t->a = gen_tree(p, s, depth - 1);
	}
	for (int k = 0; k < 4; k++)
		if ((k < 1 && !t->a && t->kind != N_CMP) ||
		    (t->kind == N_CMP && k < t->n && !t->items[k]))
			return gen_leaf(p, s);
	if ((t->kind == N_BIN || t->kind == N_AND || t->kind == N_OR) && !t->b)
		return gen_leaf(p, s);
	return t;
}

static int prec(const struct tn *t)
{
	switch (t->kind) {
	case N_UN:
		return P_UNARY;
	case N_BIN:
		return binprec[t->op];
	case N_CMP:
		return P_CMP;
	case N_AND:
		return P_AND;
	case N_OR:
		return P_OR;
	case N_NOT:
		return P_NOT;
	default:
		return t->kind == N_LIT_I && t->i < 0 ? P_UNARY : P_ATOM;
	}
}

static void print_tn(const struct tn *t, int minprec, struct fm_buf *o,
		     uint64_t *s)
{
	int paren = prec(t) < minprec || tu_rand(s) % 12 == 0;
	if (paren)
		fm_buf_addch(o, '(');
	switch (t->kind) {
	case N_LIT_I:
		if (t->i >= 0 && tu_rand(s) % 4 == 0)
			fm_buf_printf(o, "0x%llx", (unsigned long long)t->i);
		else
			fm_buf_printf(o, "%lld", (long long)t->i);
		break;
	case N_LIT_R: {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.17g", t->d);
		if (!strpbrk(buf, ".e"))
			strcat(buf, ".0");
		fm_buf_addstr(o, buf);
		break;
	}
	case N_LIT_B:
		fm_buf_addstr(o, t->i ? "True" : "False");
		break;
	case N_FIELD:
		fm_buf_addstr(o, names[t->field]);
		break;
	case N_UN:
		fm_buf_addstr(o, unops[t->op]);
		print_tn(t->a, P_UNARY, o, s);
		break;
	case N_NOT:
		fm_buf_addstr(o, "not ");
		print_tn(t->a, P_NOT, o, s);
		break;
	case N_BIN:
		if (t->op == B_POW) {
			print_tn(t->a, P_ATOM, o, s);
			fm_buf_addstr(o, tu_rand(s) & 1 ? " ** " : "**");
			print_tn(t->b, P_UNARY, o, s);
		} else {
			print_tn(t->a, binprec[t->op], o, s);
			fm_buf_printf(o, tu_rand(s) & 1 ? " %s " : "%s",
				      binops[t->op]);
			print_tn(t->b, binprec[t->op] + 1, o, s);
		}
		break;
	case N_AND:
	case N_OR:
		print_tn(t->a, prec(t), o, s);
		fm_buf_addstr(o, t->kind == N_AND ? " and " : " or ");
		print_tn(t->b, prec(t) + 1, o, s);
		break;
	case N_CMP:
		for (int k = 0; k < t->n; k++) {
			if (k)
				fm_buf_printf(o, tu_rand(s) & 1 ? " %s " : "%s",
					      cmpops[t->ops[k - 1]]);
			print_tn(t->items[k], P_BOR, o, s);
		}
		break;
	}
	if (paren)
		fm_buf_addch(o, ')');
}

/* naive values */
struct nv {
	int t;
	int64_t i;
	double d;
};

static int64_t wrap128(__int128 v)
{
	return (int64_t)(uint64_t)(unsigned __int128)v;
}

static int nv_truth(struct nv v)
{
	return v.t == TR ? v.d != 0.0 : v.i != 0;
}

static long double nv_ld(struct nv v)
{
	return v.t == TR ? (long double)v.d : (long double)v.i;
}

static double nv_d(struct nv v)
{
	return v.t == TR ? v.d : (double)v.i;
}

static int naive_eval(const struct tn *t, const int64_t *rec, struct nv *out);
static int naive_type(struct tn *t);

static int is_const_tn(struct tn *t)
{
	switch (t->kind) {
	case N_FIELD:
		return 0;
	case N_LIT_I:
	case N_LIT_R:
	case N_LIT_B:
		return 1;
	case N_UN:
	case N_NOT:
		return is_const_tn(t->a);
	case N_BIN:
		return is_const_tn(t->a) && is_const_tn(t->b);
	case N_AND:
	case N_OR: {
		/* False and X / True or X is a constant: X is never evaluated
		 */
		struct nv v;
		if (!is_const_tn(t->a))
			return 0;
		if (naive_type(t->a) >= 0 && naive_eval(t->a, NULL, &v) == 0 &&
		    nv_truth(v) != (t->kind == N_AND))
			return 1;
		return is_const_tn(t->b);
	}
	case N_CMP:
		for (int k = 0; k < t->n; k++)
			if (!is_const_tn(t->items[k]))
				return 0;
		return 1;
	}
	return 0;
}

static int naive_type_(struct tn *t);
/* Static type, stored in t->ty for the evaluator; -1 for a type error. */
static int naive_type(struct tn *t)
{
	return t->ty = naive_type_(t);
}

static int naive_type_(struct tn *t)
{
	int ta, tb;
	switch (t->kind) {
	case N_LIT_I:
		return TI;
	case N_LIT_R:
		return TR;
	case N_LIT_B:
		return TB;
	case N_FIELD:
		return t->field == 22 ? TR : TI;
	case N_NOT:
		return naive_type(t->a) < 0 ? -1 : TB;
	case N_AND:
	case N_OR:
		return naive_type(t->a) < 0 || naive_type(t->b) < 0 ? -1 : TB;
	case N_CMP:
		for (int k = 0; k < t->n; k++)
			if (naive_type(t->items[k]) < 0)
				return -1;
		return TB;
	case N_UN:
		ta = naive_type(t->a);
		if (ta < 0)
			return -1;
		if (t->op == 2)
			return ta == TR ? -1 : ta;
		return ta == TR ? TR : TI;
	case N_BIN:
		ta = naive_type(t->a);
		tb = naive_type(t->b);
		if (ta < 0 || tb < 0)
			return -1;
		switch (t->op) {
		case B_SHL:
		case B_SHR:
			return ta == TR || tb == TR ? -1 : TI;
		case B_AND:
		case B_OR:
		case B_XOR:
			if (ta == TR || tb == TR)
				return -1;
			return ta == TB && tb == TB ? TB : TI;
		case B_DIV:
			return TR;
		case B_POW:
			if (ta != TR && tb != TR && is_const_tn(t->b)) {
				struct nv e;
				if (naive_eval(t->b, NULL, &e) == 0 && e.i >= 0)
					return TI;
			}
			return TR;
		default:
			return ta == TR || tb == TR ? TR : TI;
		}
	}
	return -1;
}

static int64_t naive_field(int f, const int64_t *rec)
{
	int64_t v = rec[f];
	if ((f == FM_PACKETS || f == FM_OCTETS) && v < 0)
		v = INT64_MAX;
	return v;
}

static int naive_cmp(int op, struct nv a, struct nv b)
{
	long double x = nv_ld(a), y = nv_ld(b);
	switch (op) {
	case 0:
		return x == y;
	case 1:
		return x != y;
	case 2:
		return x < y;
	case 3:
		return x <= y;
	case 4:
		return x > y;
	default:
		return x >= y;
	}
}

static double py_float_mod(double a, double b)
{
	double m = fmod(a, b);
	if (m != 0.0) {
		if ((b < 0) != (m < 0))
			m += b;
	} else {
		m = copysign(0.0, b);
	}
	return m;
}

static double py_float_floordiv(double a, double b)
{
	double m = fmod(a, b), q = (a - m) / b, f;
	if (m != 0.0 && (b < 0) != (m < 0))
		q -= 1.0;
	if (q == 0.0)
		return copysign(0.0, a / b);
	f = floor(q);
	return q - f > 0.5 ? f + 1.0 : f;
}

static int64_t naive_pow(int64_t x, int64_t e)
{
	if (e == 0)
		return 1;
	if (e % 2)
		return wrap128((__int128)x * naive_pow(x, e - 1));
	int64_t h = naive_pow(x, e / 2);
	return wrap128((__int128)h * h);
}

/* Evaluate t on rec (NULL: constants only).  Returns 1 on a run-time error. */
static int naive_eval(const struct tn *t, const int64_t *rec, struct nv *out)
{
	struct nv a, b;
	int ty = t->ty;
	memset(out, 0, sizeof(*out));
	out->t = ty;
	switch (t->kind) {
	case N_LIT_I:
	case N_LIT_B:
		out->i = t->i;
		return 0;
	case N_LIT_R:
		out->d = t->d;
		return 0;
	case N_FIELD:
		if (t->field < FM_NFIELDS) {
			out->i = naive_field(t->field, rec);
		} else {
			int64_t dur;
			if (rec[FM_PACKETS] == 1)
				dur = 0;
			else
				dur = wrap128(
				    (__int128)(rec[FM_LAST] -
					       (__int128)rec[FM_FIRST]) *
					1000 +
				    rec[FM_LAST_MS] - rec[FM_FIRST_MS]);
			if (t->field == 21)
				out->i = dur;
			else
				out->d = dur == 0 ? 0.0
						  : 8000.0 *
							(double)naive_field(
							    FM_OCTETS, rec) /
							(double)dur;
		}
		return 0;
	case N_NOT:
		if (naive_eval(t->a, rec, &a))
			return 1;
		out->i = !nv_truth(a);
		return 0;
	case N_AND:
	case N_OR:
		if (naive_eval(t->a, rec, &a))
			return 1;
		if (nv_truth(a) == (t->kind == N_OR)) {
			out->i = nv_truth(a);
			return 0;
		}
		if (naive_eval(t->b, rec, &b))
			return 1;
		out->i = nv_truth(b);
		return 0;
	case N_CMP:
		if (naive_eval(t->items[0], rec, &a))
			return 1;
		for (int k = 1; k < t->n; k++) {
			if (naive_eval(t->items[k], rec, &b))
				return 1;
			if (!naive_cmp(t->ops[k - 1], a, b)) {
				out->i = 0;
				return 0;
			}
			a = b;
		}
		out->i = 1;
		return 0;
	case N_UN:
		if (naive_eval(t->a, rec, &a))
			return 1;
		if (t->op == 2)
			out->i = a.t == TB ? !a.i : ~a.i;
		else if (a.t == TR)
			out->d = t->op == 0 ? -a.d : a.d;
		else
			out->i = t->op == 0 ? wrap128(-(__int128)a.i) : a.i;
		return 0;
	case N_BIN:
		if (naive_eval(t->a, rec, &a) | naive_eval(t->b, rec, &b))
			return 1;
		if (ty == TR) {
			double x = nv_d(a), y = nv_d(b);
			switch (t->op) {
			case B_ADD:
				out->d = x + y;
				return 0;
			case B_SUB:
				out->d = x - y;
				return 0;
			case B_MUL:
				out->d = x * y;
				return 0;
			case B_DIV:
				if (y == 0.0)
					return 1;
				out->d = x / y;
				return 0;
			case B_FDIV:
				if (y == 0.0)
					return 1;
				out->d = py_float_floordiv(x, y);
				return 0;
			case B_MOD:
				if (y == 0.0)
					return 1;
				out->d = py_float_mod(x, y);
				return 0;
			case B_POW:
				if (x == 0.0 && y < 0.0)
					return 1;
				out->d = pow(x, y);
				return 0;
			}
			return 0;
		}
		{
			__int128 x = a.i, y = b.i;
			switch (t->op) {
			case B_ADD:
				out->i = wrap128(x + y);
				break;
			case B_SUB:
				out->i = wrap128(x - y);
				break;
			case B_MUL:
				out->i = wrap128(x * y);
				break;
			case B_FDIV:
			case B_MOD: {
				if (y == 0)
					return 1;
				__int128 q = x / y, m = x % y;
				if (m != 0 && ((m < 0) != (y < 0))) {
					q -= 1;
					m += y;
				}
				out->i = wrap128(t->op == B_FDIV ? q : m);
				break;
			}
			case B_POW:
				out->i = naive_pow(a.i, b.i);
				break;
			case B_SHL:
				if (y < 0)
					return 1;
				for (int64_t k = 0; k < b.i && k < 70; k++)
					x = (__int128)wrap128(x * 2);
				out->i = wrap128(x);
				break;
			case B_SHR:
				if (y < 0)
					return 1;
				for (int64_t k = 0; k < b.i && k < 70; k++)
					x = (x - (((x % 2) + 2) % 2)) / 2;
				out->i = wrap128(x);
				break;
			case B_AND:
				out->i = a.i & b.i;
				break;
			case B_OR:
				out->i = a.i | b.i;
				break;
			case B_XOR:
				out->i = a.i ^ b.i;
				break;
			}
		}
		return 0;
	}
	return 0;
}

/* Whether the engine must refuse t at compile time. */
static int naive_compile_fails(struct tn *t)
{
	struct nv v;
	if (naive_type(t) < 0)
		return 1;
	if (is_const_tn(t) && naive_eval(t, NULL, &v))
		return 1;
	switch (t->kind) {
	case N_UN:
	case N_NOT:
		return naive_compile_fails(t->a);
	case N_AND:
	case N_OR:
		return naive_compile_fails(t->a) || naive_compile_fails(t->b);
	case N_CMP:
		for (int k = 0; k < t->n; k++)
			if (naive_compile_fails(t->items[k]))
				return 1;
		return 0;
	case N_BIN:
		if (naive_compile_fails(t->a) || naive_compile_fails(t->b))
			return 1;
		if (is_const_tn(t->b)) {
			naive_eval(t->b, NULL, &v);
			if ((t->op == B_DIV || t->op == B_FDIV ||
			     t->op == B_MOD) &&
			    nv_d(v) == 0.0)
				return 1;
			if ((t->op == B_SHL || t->op == B_SHR) && v.i < 0)
				return 1;
		}
		return 0;
	}
	return 0;
}

static void random_records(struct fm_batch *b, size_t n, uint64_t *s)
{
	static const int64_t edge[] = {
	    0,	 1,    2,     3,	 -1,	    6,		 7,
	    443, 1000, 65535, INT64_MAX, INT64_MIN, 4294967295LL};
	for (size_t i = 0; i < n; i++) {
		tu_random_record(b, i, s);
		for (int f = 0; f < FM_NFIELDS; f++) {
			unsigned r = (unsigned)(tu_rand(s) % 16);
			if (r < 3)
				fm_batch_mut(b, f)[i] =
				    edge[tu_rand(s) %
					 (sizeof(edge) / sizeof(edge[0]))];
			else if (r < 5)
				fm_batch_mut(b, f)[i] =
				    (int64_t)(tu_rand(s) % 8);
		}
	}
	b->n = n;
}

static void test_differential(void **state)
{
	const size_t nrec = 700;
	size_t nexpr = 3000;
	struct fm_batch b;
	uint64_t s = 20261127, errors;
	uint32_t *idx = malloc(nrec * sizeof(*idx));
	uint32_t *idx2 = malloc(nrec * sizeof(*idx2));
	int64_t rec[FM_NFIELDS];
	struct fm_buf text = FM_BUF_INIT;
	size_t compiled = 0, failed = 0, with_errors = 0, nonempty = 0;
	(void)state;

	/* FM_FILTER_SEED / FM_FILTER_EXPRS: longer runs while developing */
	if (getenv("FM_FILTER_SEED"))
		s = strtoull(getenv("FM_FILTER_SEED"), NULL, 0);
	if (getenv("FM_FILTER_EXPRS"))
		nexpr = strtoull(getenv("FM_FILTER_EXPRS"), NULL, 0);
	assert_non_null(idx);
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, nrec), 0);
	random_records(&b, nrec, &s);

	for (size_t e = 0; e < nexpr; e++) {
		struct pool pool;
		struct tn *t;
		struct fm_error err;
		struct fm_filter *f;
		struct fm_filter_run *run;
		struct nv v0;

		pool.used = 0;
		t = gen_tree(&pool, &s, 1 + (int)(tu_rand(&s) % 5));
		/* a value check: E == (E's value on record 0) */
		if (tu_rand(&s) % 3 == 0 && naive_type(t) >= 0 &&
		    !naive_compile_fails(t)) {
			for (int c = 0; c < FM_NFIELDS; c++)
				rec[c] = b.col[c][0];
			if (naive_eval(t, rec, &v0) == 0 &&
			    pool.used + 2 < 256 &&
			    !(v0.t != TR && v0.i == INT64_MIN) &&
			    !(v0.t == TR && !isfinite(v0.d))) {
				struct tn *c = nn(&pool, N_CMP),
					  *l = nn(&pool, v0.t == TR ? N_LIT_R
								    : N_LIT_I);
				l->i = v0.i;
				l->d = v0.d;
				c->n = 2;
				c->items[0] = t;
				c->items[1] = l;
				c->ops[0] = 0;
				t = c;
			}
		}
		naive_type(t);
		fm_buf_reset(&text);
		print_tn(t, P_OR, &text, &s);
		int fails = naive_compile_fails(t);
		int r = fm_filter_compile(&f, fm_buf_str(&text), NULL, &err);
		if (fails) {
			if (r == 0)
				fail_msg("'%s' compiled, expected an error",
					 fm_buf_str(&text));
			assert_int_equal(strncmp(err.msg, "filter: ", 8), 0);
			failed++;
			continue;
		}
		if (r < 0)
			fail_msg("'%s': %s", fm_buf_str(&text), err.msg);
		compiled++;
		assert_int_equal(fm_filter_run_new(&run, f, &err), 0);
		long k = fm_filter_select(run, &b, idx);
		errors = fm_filter_run_errors(run);
		fm_filter_run_free(run);
		/* the baseline kernels must agree with the CPU-specific ones */
		assert_int_equal(fm_filter_run_new(&run, f, &err), 0);
		fm_filter_run_use_baseline(run);
		assert_string_equal(fm_filter_run_isa(run), "baseline");
		long k2 = fm_filter_select(run, &b, idx2);
		if (k2 != k || fm_filter_run_errors(run) != errors ||
		    memcmp(idx, idx2, (size_t)k * sizeof(*idx)) != 0)
			fail_msg("'%s': baseline kernels disagree",
				 fm_buf_str(&text));
		fm_filter_run_free(run);
		fm_filter_free(f);

		long want = 0;
		uint64_t want_err = 0;
		for (size_t i = 0; i < nrec; i++) {
			struct nv v;
			for (int c = 0; c < FM_NFIELDS; c++)
				rec[c] = b.col[c][i];
			if (naive_eval(t, rec, &v)) {
				want_err++;
				continue;
			}
			if (nv_truth(v)) {
				if (want >= k || idx[want] != i)
					fail_msg("'%s': record %zu: naive "
						 "keeps it, engine %s",
						 fm_buf_str(&text), i,
						 want >= k ? "keeps fewer"
							   : "differs");
				want++;
			}
		}
		if (k != want || errors != want_err)
			fail_msg("'%s': engine kept %ld (errors %llu), naive "
				 "%ld (errors %llu)",
				 fm_buf_str(&text), k,
				 (unsigned long long)errors, want,
				 (unsigned long long)want_err);
		with_errors += want_err > 0;
		nonempty += want > 0 && want < (long)nrec;
	}
	print_message(
	    "differential: %zu expressions compiled, %zu refused, "
	    "%zu with run-time errors, %zu keeping some but not all\n",
	    compiled, failed, with_errors, nonempty);
	/* the generator must exercise every path */
	assert_true(compiled > nexpr / 2);
	assert_true(failed > 20);
	assert_true(with_errors > 20);
	assert_true(nonempty > nexpr / 4);
	fm_buf_release(&text);
	fm_batch_release(&b);
	free(idx);
	free(idx2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_semantics),
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_error_report),
	    cmocka_unit_test(test_differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

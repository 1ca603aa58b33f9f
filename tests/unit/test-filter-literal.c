/*
 * test-filter-literal.c - the operator extensions of the filter language
 * (docs/filters.md, "Addresses, protocols and dates"): address tests
 * against a naive 128-bit prefix match on random records, dates against
 * known epoch seconds, protocol names, the chain warning, and the errors.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/filter.h"
#include "testutil.h"

static const char *compile_error(const char *expr)
{
	static struct fm_error err;
	struct fm_filter *f = NULL;
	if (fm_filter_compile(&f, expr, NULL, &err) == 0) {
		fm_filter_free(f);
		return NULL;
	}
	return err.msg;
}

typedef unsigned __int128 u128;

static u128 words(const int64_t *w)
{
	u128 v = 0;
	for (int k = 0; k < 4; k++)
		v = v << 32 | (uint32_t)w[k];
	return v;
}

/* The address of record i whose words start at column first. */
static u128 rec_addr(const struct fm_batch *b, int first, size_t i)
{
	int64_t w[4];
	for (int k = 0; k < 4; k++)
		w[k] = b->col[first + k][i];
	return words(w);
}

/* The naive meaning: family, then the top p bits equal. */
static int naive_match(int64_t af, u128 rec, u128 lit, int v6, int p)
{
	if (v6 ? af != 10 : (af != 2 && af != 0))
		return 0;
	if (!v6) {
		rec &= 0xffffffffu;
		lit &= 0xffffffffu;
		p += 96;
	}
	if (p == 0)
		return 1;
	return (rec >> (128 - p)) == (lit >> (128 - p));
}

static void print_addr(char *buf, size_t size, u128 a, int v6, int p)
{
	char t[INET6_ADDRSTRLEN];
	if (v6) {
		uint8_t b[16];
		for (int k = 0; k < 16; k++)
			b[k] = (uint8_t)(a >> (120 - 8 * k));
		inet_ntop(AF_INET6, b, t, sizeof(t));
	} else {
		uint32_t x = (uint32_t)a;
		snprintf(t, sizeof(t), "%u.%u.%u.%u", x >> 24, x >> 16 & 255,
			 x >> 8 & 255, x & 255);
	}
	snprintf(buf, size, p < 0 ? "%s" : "%s/%d", t, p);
}

static void test_addresses(void **state)
{
	const size_t n = 600;
	static const int64_t afs[] = {0, 2, 10, 10, 2, 3};
	struct fm_batch b;
	uint64_t s = 2026120501;
	uint32_t *idx = malloc(n * sizeof(*idx));
	(void)state;

	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n), 0);
	for (int round = 0; round < 300; round++) {
		int v6 = round % 2, p = (int)(tu_rand(&s) % (v6 ? 129 : 33));
		int which = (int)(tu_rand(&s) % 3),
		    neg = (int)(tu_rand(&s) % 4);
		int64_t lw[4];
		char lit[80], expr[160];
		u128 la;

		for (int k = 0; k < 4; k++)
			lw[k] = (int64_t)(tu_rand(&s) & 0xffffffffu);
		if (!v6)
			lw[0] = lw[1] = lw[2] = 0;
		la = words(lw);
		/* records near the literal: equal words, then some bits flipped
		 */
		for (size_t i = 0; i < n; i++) {
			tu_random_record(&b, i, &s);
			fm_batch_mut(&b, FM_AF)[i] = afs[tu_rand(&s) % 6];
			for (int f = 0; f < 2; f++) {
				int first = f ? FM_DA0 : FM_SA0;
				for (int k = 0; k < 4; k++) {
					int64_t w = lw[k];
					if (tu_rand(&s) % 3 == 0)
						w ^= (int64_t)1
						     << (tu_rand(&s) % 32);
					fm_batch_mut(&b, first + k)[i] = w;
				}
			}
		}
		b.n = n;
		print_addr(lit, sizeof(lit), la, v6, tu_rand(&s) % 4 ? p : -1);
		if (!strchr(lit, '/'))
			p = v6 ? 128 : 32;
		static const char *const names[3] = {"sa", "da", "addr"};
		static const char *const ops[4] = {"in", "==", "not in", "!="};
		if (neg == 2 && tu_rand(&s) % 2)
			snprintf(expr, sizeof(expr), "not %s in %s",
				 names[which], lit);
		else
			snprintf(expr, sizeof(expr), "%s %s %s", names[which],
				 ops[neg], lit);
		long k = tu_run_filter(expr, &b, idx, NULL), want = 0;
		for (size_t i = 0; i < n; i++) {
			int64_t af = b.col[FM_AF][i];
			int ms =
			    naive_match(af, rec_addr(&b, FM_SA0, i), la, v6, p);
			int md =
			    naive_match(af, rec_addr(&b, FM_DA0, i), la, v6, p);
			int m = which == 0 ? ms : which == 1 ? md : (ms || md);
			if (neg >= 2)
				m = !m;
			if (!m)
				continue;
			if (want >= k || idx[want] != i)
				fail_msg("'%s': record %zu: naive keeps it, "
					 "engine does not",
					 expr, i);
			want++;
		}
		if (k != want)
			fail_msg("'%s': engine kept %ld, naive %ld", expr, k,
				 want);
	}
	fm_batch_release(&b);
	free(idx);
}

static void test_literals(void **state)
{
	static const struct {
		const char *expr, *canonical;
	} t[] = {
	    /* dates are UTC seconds (date -u -d ... +%s) */
	    {"first >= 2015-06-10T19:00", "(first >= 1433962800)"},
	    {"first >= 2015-06-10T19:00:01", "(first >= 1433962801)"},
	    {"first >= 2015-06-10T19:00Z", "(first >= 1433962800)"},
	    {"first < 2014-10-11", "(first < 1412985600)"},
	    {"first < 2000-02-29", "(first < 951782400)"},
	    {"first < 1970-01-01", "(first < 0)"},
	    {"first < 2014-10-11 + 3600", "(first < (1412985600 + 3600))"},
	    /* protocol names are their numbers */
	    {"prot == tcp", "(prot == 6)"},
	    {"prot == udp or prot == icmp6", "((prot == 17) or (prot == 58))"},
	    {"prot != sctp", "(prot != 132)"},
	    /* address tests print as written */
	    {"sa in 10.0.0.0/8 and dp == 443",
	     "((sa in 10.0.0.0/8) and (dp == 443))"},
	    {"not da == ::1", "(not (da == ::1))"},
	    {"addr not in fe80::/10", "(addr not in fe80::/10)"},
	};
	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct fm_error err;
		struct fm_filter *f;
		if (fm_filter_compile(&f, t[k].expr, NULL, &err) < 0)
			fail_msg("'%s': %s", t[k].expr, err.msg);
		if (strcmp(fm_filter_canonical(f), t[k].canonical))
			fail_msg("'%s': canonical %s, expected %s", t[k].expr,
				 fm_filter_canonical(f), t[k].canonical);
		fm_filter_free(f);
	}
}

static void test_errors(void **state)
{
	static const struct {
		const char *expr, *msg;
	} t[] = {
	    {"first > 2015-02-29", "invalid date '2015-02-29' at column 9"},
	    {"first > 2015-06-10T25:00", "invalid date '2015-06-10T25:00'"},
	    {"first > 2015-06-10T19", "invalid date '2015-06-10T19' (write"},
	    {"first > 2015-06-10x", "invalid date"},
	    {"sa in 10.0.0.0/33", "invalid address '10.0.0.0/33' at column 7"},
	    {"sa == 10.0.0.256", "invalid address"},
	    {"sa in 2001:db8::/129", "invalid address"},
	    {"sa in 2001:db8:::1", "invalid address"},
	    {"sa + 1",
	     "unexpected '+' at column 4 (expected ==, !=, in or not in"},
	    {"sa in 6", "unexpected '6' at column 7 (expected an address"},
	    {"sa == 10.0.0.1 == da", "cannot be chained at column 16"},
	    {"sa < 10.0.0.1", "unexpected '<'"},
	    {"(sa) == 10.0.0.1", "unexpected ')' at column 4 (expected ==, !="},
	    {"sp + sa", "'sa' at column 6 is an address"},
	    {"10.0.0.1 == sa",
	     "address '10.0.0.1' at column 1 can only be compared"},
	    {"sp in 10.0.0.0/8",
	     "'in' is not supported in filters at column 4"},
	    {"sa not 10.0.0.1", "expected 'in' after 'not'"},
	    {"prot == tcpx", "unknown field 'tcpx'"},
	};
	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		const char *m = compile_error(t[k].expr);
		if (!m)
			fail_msg("'%s' compiled", t[k].expr);
		if (!strstr(m, t[k].msg))
			fail_msg("'%s': got \"%s\", expected \"%s\"", t[k].expr,
				 m, t[k].msg);
	}
}

static const char *warning_of(const char *expr, char *buf, size_t size)
{
	struct fm_error err;
	struct fm_filter *f;
	if (fm_filter_compile(&f, expr, NULL, &err) < 0)
		fail_msg("'%s': %s", expr, err.msg);
	const char *w = fm_filter_warning(f);
	snprintf(buf, size, "%s", w ? w : "");
	fm_filter_free(f);
	return buf;
}

static void test_chain_warning(void **state)
{
	char buf[FM_ERRMSG_MAX];
	(void)state;
	assert_string_equal(
	    warning_of("prot==6 & dp==443", buf, sizeof(buf)),
	    "filter: '&' at column 9 binds tighter than '==': write "
	    "(prot == 6) & (dp == 443) or use 'and' (as written it "
	    "compares a chain and is rarely true)");
	assert_non_null(
	    strstr(warning_of("sp==443 | dp==443", buf, sizeof(buf)),
		   "write (sp == 443) | (dp == 443) or use 'or'"));
	assert_non_null(strstr(warning_of("1 < sp ^ dp > 2", buf, sizeof(buf)),
			       "'^' at column 8 binds tighter than '<'"));
	/* what the user meant, or the chain written on purpose: no warning */
	assert_string_equal(
	    warning_of("(prot==6) & (dp==443)", buf, sizeof(buf)), "");
	assert_string_equal(
	    warning_of("prot == (6 & dp) == 443", buf, sizeof(buf)), "");
	assert_string_equal(warning_of("sp & 1 == 1", buf, sizeof(buf)), "");
	assert_string_equal(
	    warning_of("prot == 6 and dp == 443", buf, sizeof(buf)), "");
	/* the meaning is Python's all the same: never true here */
	struct fm_batch b;
	uint32_t idx[4];
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 4), 0);
	uint64_t s = 7;
	for (size_t i = 0; i < 4; i++) {
		tu_random_record(&b, i, &s);
		fm_batch_mut(&b, FM_PROT)[i] = 6;
		fm_batch_mut(&b, FM_DP)[i] = 443;
	}
	b.n = 4;
	assert_int_equal(tu_run_filter("prot==6 & dp==443", &b, idx, NULL), 0);
	assert_int_equal(tu_run_filter("(prot==6) & (dp==443)", &b, idx, NULL),
			 4);
	fm_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_literals),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_chain_warning),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * filter-literal.c - the operator extensions of the filter language
 * (docs/filters.md, "Addresses, protocols and dates"): address literals
 * and prefixes (192.0.2.1, 10.0.0.0/8, 2001:db8::/32), date literals
 * (2015-06-10, 2015-06-10T19:00[:SS]), protocol names (tcp, udp, ...) and
 * the address pseudo-fields sa, da and addr.
 *
 * None of these adds anything to the compiled program: a literal becomes
 * an integer, and an address test is rewritten here into the ordinary
 * nodes it stands for, e.g. `sa in 10.0.0.0/8` into
 * `(af == 2 or af == 0) and (sa3 & 0xff000000) == 0x0a000000`, so the
 * compiler, the kernels and their tests cover it unchanged.  The rewritten
 * node keeps the text the user wrote for the canonical print.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"
#include "num-int.h"
#include "flowmodels/flowtext.h"

int fx_proto_number(const char *s, size_t len)
{
	return fm_proto_lookup(s, len);
}

int fx_addr_field(const char *s, size_t len)
{
	static const char *const names[3] = {"sa", "da", "addr"};
	for (int k = 0; k < 3; k++)
		if (strlen(names[k]) == len && memcmp(names[k], s, len) == 0)
			return k;
	return -1;
}

static int digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hexdigit(int c)
{
	return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int ident(int c)
{
	return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

/* Digits at s[*k], at most max of them; their value, or -1 when none. */
static long digits(const char *s, size_t *k, int max)
{
	long v = 0;
	int n = 0;
	while (n < max && digit(s[*k])) {
		v = v * 10 + (s[*k] - '0');
		(*k)++;
		n++;
	}
	return n ? v : -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + doe - 719468;
}

static int month_days(long y, long m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return days[m - 1] + (m == 2 && leap);
}

int fm_utc_seconds(long y, long mo, long d, long h, long mi, long se,
		   int64_t *secs)
{
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59)
		return -1;
	*secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

int fx_lex_date(const char *s, size_t *len, int64_t *secs, char *msg,
		size_t msgsize)
{
	size_t k = 0;
	long y, mo, d, h = 0, mi = 0, se = 0;

	/* YYYY-MM-DD: exactly four, two and two digits */
	if ((y = digits(s, &k, 4)) < 0 || k != 4 || s[k] != '-')
		return 0;
	k++;
	if ((mo = digits(s, &k, 2)) < 0 || k != 7 || s[k] != '-')
		return 0;
	k++;
	if ((d = digits(s, &k, 2)) < 0 || k != 10 || digit(s[k]))
		return 0;
	if (s[k] == 'T' && digit(s[k + 1])) {
		size_t k0 = ++k;
		if ((h = digits(s, &k, 2)) < 0 || k != k0 + 2 || s[k] != ':')
			goto bad;
		k0 = ++k;
		if ((mi = digits(s, &k, 2)) < 0 || k != k0 + 2)
			goto bad;
		if (s[k] == ':') {
			k0 = ++k;
			if ((se = digits(s, &k, 2)) < 0 || k != k0 + 2)
				goto bad;
		}
	}
	if (s[k] == 'Z')
		k++;
	if (ident(s[k]) || s[k] == '.' || s[k] == ':')
		goto bad;
	*len = k;
	if (fm_utc_seconds(y, mo, d, h, mi, se, secs) < 0) {
		snprintf(msg, msgsize, "invalid date '%.*s'", (int)k, s);
		return -1;
	}
	return 1;
bad:
	while (ident(s[k]) || s[k] == ':' || s[k] == '.' || s[k] == '-')
		k++;
	*len = k;
	snprintf(msg, msgsize,
		 "invalid date '%.*s' (write YYYY-MM-DD or "
		 "YYYY-MM-DDTHH:MM[:SS], UTC)",
		 (int)(k > 40 ? 40 : k), s);
	return -1;
}

/* Parse "/N" after an address of max bits; 1 when present. */
static int lex_prefix(const char *s, size_t *k, int max, struct fx_addr *a)
{
	size_t k0;
	long n;

	a->prefix = max;
	if (s[*k] != '/' || !digit(s[*k + 1]))
		return 0;
	k0 = ++(*k);
	n = digits(s, k, 4);
	if (digit(s[*k]) || (*k - k0 > 1 && s[k0] == '0') || n > max)
		return -1;
	a->prefix = (int)n;
	return 1;
}

int fx_lex_addr(const char *s, size_t *len, struct fx_addr *a, char *msg,
		size_t msgsize)
{
	char buf[64];
	size_t k = 0;
	int colon = 0, dots = 0;

	memset(a, 0, sizeof(*a));
	/* the run of characters an address can hold */
	while (hexdigit(s[k]) || s[k] == ':' || s[k] == '.') {
		colon += s[k] == ':';
		dots += s[k] == '.';
		k++;
	}
	if (!colon) {
		/* IPv4: only a dotted quad of decimal numbers */
		size_t j = 0;
		if (dots != 3)
			return 0;
		for (int part = 0; part < 4; part++) {
			if (part && s[j++] != '.')
				return 0;
			if (!digit(s[j]))
				return 0;
			while (digit(s[j]))
				j++;
		}
		if (j != k)
			return 0;
	}
	if (k >= sizeof(buf) || ident(s[k]))
		goto bad;
	memcpy(buf, s, k);
	buf[k] = '\0';
	if (colon) {
		uint8_t b[16];
		if (inet_pton(AF_INET6, buf, b) != 1)
			goto bad;
		a->family = 6;
		for (int w = 0; w < 4; w++)
			a->w[w] = (uint32_t)b[4 * w] << 24 |
				  (uint32_t)b[4 * w + 1] << 16 |
				  (uint32_t)b[4 * w + 2] << 8 | b[4 * w + 3];
	} else {
		struct in_addr in;
		if (inet_pton(AF_INET, buf, &in) != 1)
			goto bad;
		a->family = 4;
		a->w[3] = ntohl(in.s_addr);
	}
	if (lex_prefix(s, &k, a->family == 4 ? 32 : 128, a) < 0 || ident(s[k]))
		goto bad;
	*len = k;
	return 1;
bad:
	while (ident(s[k]) || s[k] == ':' || s[k] == '.' || s[k] == '/')
		k++;
	*len = k;
	snprintf(msg, msgsize, "invalid address '%.*s'", (int)(k > 50 ? 50 : k),
		 s);
	return -1;
}

/* ---- rewriting an address test into ordinary nodes ---- */

struct builder {
	struct fx_tree *t;
	int col;
};

static struct fx_node *node(struct builder *b, enum fx_kind kind)
{
	return fx_new_node(b->t, kind, b->col);
}

static struct fx_node *lit(struct builder *b, int64_t v)
{
	struct fx_node *n = node(b, FX_LIT);
	if (n) {
		n->type = FX_INT;
		n->i = v;
	}
	return n;
}

static struct fx_node *field(struct builder *b, int f)
{
	struct fx_node *n = node(b, FX_FIELD);
	if (n)
		n->i = f;
	return n;
}

static int height2(const struct fx_node *x, const struct fx_node *y)
{
	int h = x->height;
	if (y && y->height > h)
		h = y->height;
	return h + 1;
}

/* x OP y for FX_AND / FX_OR, or a two-item comparison x OP y. */
static struct fx_node *join(struct builder *b, enum fx_kind kind, int op,
			    struct fx_node *x, struct fx_node *y)
{
	struct fx_node *n;
	if (!x || !y || !(n = node(b, kind)))
		return NULL;
	if (kind == FX_CMP) {
		n->items = malloc(2 * sizeof(*n->items));
		n->ops = malloc(sizeof(*n->ops));
		n->cols = malloc(sizeof(*n->cols));
		if (!n->items || !n->ops || !n->cols)
			return NULL;
		n->items[0] = x;
		n->items[1] = y;
		n->ops[0] = op;
		n->cols[0] = b->col;
		n->n = 2;
	} else if (kind == FX_BINARY) {
		n->op = op;
		n->a = x;
		n->b = y;
	} else {
		n->a = x;
		n->b = y;
	}
	n->height = height2(x, y);
	return n;
}

/* The family test: IPv4 is af 2 or 0 (SPEC 1), IPv6 af 10. */
static struct fx_node *family_test(struct builder *b, int family)
{
	if (family == 6)
		return join(b, FX_CMP, FX_OP_EQ, field(b, FM_AF), lit(b, 10));
	return join(b, FX_OR, 0,
		    join(b, FX_CMP, FX_OP_EQ, field(b, FM_AF), lit(b, 2)),
		    join(b, FX_CMP, FX_OP_EQ, field(b, FM_AF), lit(b, 0)));
}

/* The test of one address (first = FM_SA0 or FM_DA0) against a. */
static struct fx_node *one_test(struct builder *b, int first,
				const struct fx_addr *a)
{
	struct fx_node *t = family_test(b, a->family);
	int bits = a->prefix;

	for (int w = a->family == 4 ? 3 : 0; w < 4 && bits > 0; w++) {
		int wb = a->family == 4 ? bits : (bits > 32 ? 32 : bits);
		uint32_t mask = wb >= 32 ? 0xffffffffu : ~(0xffffffffu >> wb);
		struct fx_node *v = field(b, first + w), *cmp;
		if (mask != 0xffffffffu)
			v = join(b, FX_BINARY, FX_OP_BAND, v, lit(b, mask));
		cmp = join(b, FX_CMP, FX_OP_EQ, v, lit(b, a->w[w] & mask));
		t = join(b, FX_AND, 0, t, cmp);
		bits -= wb;
	}
	return t;
}

struct fx_node *fx_addr_test(struct fx_tree *t, int which, int negate,
			     const struct fx_addr *a, int col)
{
	struct builder b = {t, col};
	struct fx_node *n;

	if (which == 0)
		n = one_test(&b, FM_SA0, a);
	else if (which == 1)
		n = one_test(&b, FM_DA0, a);
	else
		n = join(&b, FX_OR, 0, one_test(&b, FM_SA0, a),
			 one_test(&b, FM_DA0, a));
	if (n && negate) {
		struct fx_node *x = node(&b, FX_NOT);
		if (!x)
			return NULL;
		x->a = n;
		x->height = n->height + 1;
		n = x;
	}
	return n;
}

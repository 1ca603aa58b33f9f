/*
 * flowtext.c - protocol names, address, endpoint and time texts (see
 * flowtext.h).  IPv6 is written in RFC 5952's form: lower-case hex groups
 * without leading zeros, the first longest run of two or more zero groups
 * as ::, and dotted IPv4 only for the mapped addresses ::ffff:0:0/96
 * (glibc's inet_ntop also dots the deprecated ::a.b.c.d).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowmodels/buf.h"
#include "flowmodels/flow.h"
#include "flowmodels/flowtext.h"

#define TEXT_LINE "%-24s %9s %-5s %21s -> %-21s %10s %12s %5s\n"

static const struct {
	const char *name;
	int number;
} protocols[] = {
    {"icmp", 1},  {"igmp", 2},	{"tcp", 6},    {"udp", 17},
    {"gre", 47},  {"esp", 50},	{"ah", 51},    {"icmp6", 58},
    {"ospf", 89}, {"pim", 103}, {"sctp", 132},
};
#define NPROTOCOLS (sizeof(protocols) / sizeof(protocols[0]))

const char *fm_proto_name(int64_t prot)
{
	for (size_t k = 0; k < NPROTOCOLS; k++)
		if (protocols[k].number == prot)
			return protocols[k].name;
	return NULL;
}

int fm_proto_lookup(const char *name, size_t len)
{
	for (size_t k = 0; k < NPROTOCOLS; k++)
		if (strlen(protocols[k].name) == len &&
		    memcmp(protocols[k].name, name, len) == 0)
			return protocols[k].number;
	return -1;
}

static void v6_text(char *buf, const int64_t w[4])
{
	unsigned g[8];
	int best = -1, bestlen = 1, n = 0;
	char *p = buf;

	for (int k = 0; k < 8; k++)
		g[k] =
		    (unsigned)((uint64_t)w[k / 2] >> (k % 2 ? 0 : 16)) & 0xffff;
	for (int k = 0; k < 8; k++) {
		n = g[k] ? 0 : n + 1;
		if (n > bestlen) {
			bestlen = n;
			best = k - n + 1;
		}
	}
	int mapped = best == 0 && bestlen == 5 && g[5] == 0xffff;
	for (int k = 0; k < (mapped ? 6 : 8); k++) {
		if (k == best) {
			p += sprintf(p, "::");
			k += bestlen - 1;
			continue;
		}
		p += sprintf(p, "%s%x", p > buf && p[-1] != ':' ? ":" : "",
			     g[k]);
	}
	if (mapped)
		sprintf(p, ":%u.%u.%u.%u", g[6] >> 8, g[6] & 255, g[7] >> 8,
			g[7] & 255);
}

void fm_addr_text(char *buf, int64_t af, const int64_t w[4])
{
	if (fm_af_is_v6(af)) {
		v6_text(buf, w);
		return;
	}
	uint32_t x = (uint32_t)w[3];
	snprintf(buf, FM_TEXT_MAX, "%u.%u.%u.%u", x >> 24, x >> 16 & 255,
		 x >> 8 & 255, x & 255);
}

void fm_endpoint_text(char *buf, int64_t af, const int64_t w[4], int64_t port)
{
	char a[FM_TEXT_MAX];
	fm_addr_text(a, af, w);
	snprintf(buf, FM_TEXT_MAX, fm_af_is_v6(af) ? "[%s]:%lld" : "%s:%lld", a,
		 (long long)port);
}

static void date_text(char *buf, int64_t secs, const char *tail)
{
	struct tm tm;
	time_t t = (time_t)secs;

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, FM_TEXT_MAX, "@%lld%s", (long long)secs, tail);
		return;
	}
	snprintf(buf, FM_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d%s",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, tail);
}

void fm_time_text(char *buf, int64_t secs, int64_t ms)
{
	char tail[16];
	snprintf(tail, sizeof(tail), ".%03lldZ", (long long)(ms % 1000));
	date_text(buf, secs, tail);
}

void fm_time_text_s(char *buf, int64_t secs)
{
	date_text(buf, secs, "Z");
}

uint32_t fm_record_text_fields(void)
{
	uint32_t m = 0;
	static const int f[] = {FM_AF,	    FM_PROT,	 FM_SP,	  FM_DP,
				FM_FIRST,   FM_FIRST_MS, FM_LAST, FM_LAST_MS,
				FM_PACKETS, FM_OCTETS,	 FM_AGGS};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		m |= FM_FIELD_BIT(f[i]);
	for (int k = 0; k < 4; k++)
		m |= FM_FIELD_BIT(FM_SA0 + k) | FM_FIELD_BIT(FM_DA0 + k);
	return m;
}

void fm_record_text(const struct fm_batch *b, size_t i,
		    struct fm_record_text *c)
{
	int64_t af = b->col[FM_AF][i], sa[4], da[4];
	int64_t packets = b->col[FM_PACKETS][i], d = 0;
	const char *name = fm_proto_name(b->col[FM_PROT][i]);

	for (int k = 0; k < 4; k++) {
		sa[k] = b->col[FM_SA0 + k][i];
		da[k] = b->col[FM_DA0 + k][i];
	}
	if (packets != 1)
		d = (b->col[FM_LAST][i] - b->col[FM_FIRST][i]) * 1000 +
		    b->col[FM_LAST_MS][i] - b->col[FM_FIRST_MS][i];
	fm_time_text(c->first, b->col[FM_FIRST][i], b->col[FM_FIRST_MS][i]);
	fm_endpoint_text(c->src, af, sa, b->col[FM_SP][i]);
	fm_endpoint_text(c->dst, af, da, b->col[FM_DP][i]);
	snprintf(c->duration, sizeof(c->duration), "%s%lld.%03lld",
		 d < 0 ? "-" : "", (long long)(llabs(d) / 1000),
		 (long long)(llabs(d) % 1000));
	if (name)
		snprintf(c->proto, sizeof(c->proto), "%s", name);
	else
		snprintf(c->proto, sizeof(c->proto), "%lld",
			 (long long)b->col[FM_PROT][i]);
	/* packets and octets keep raw unsigned bits (flow.h) */
	snprintf(c->packets, sizeof(c->packets), "%" PRIu64, (uint64_t)packets);
	snprintf(c->octets, sizeof(c->octets), "%" PRIu64,
		 (uint64_t)b->col[FM_OCTETS][i]);
	snprintf(c->aggs, sizeof(c->aggs), "%lld",
		 (long long)b->col[FM_AGGS][i]);
}

int fm_record_text_header(struct fm_buf *o)
{
	return fm_buf_printf(o, TEXT_LINE, "first", "duration", "proto", "src",
			     "dst", "packets", "octets", "aggs");
}

int fm_record_text_line(struct fm_buf *o, const struct fm_record_text *c)
{
	return fm_buf_printf(o, TEXT_LINE, c->first, c->duration, c->proto,
			     c->src, c->dst, c->packets, c->octets, c->aggs);
}

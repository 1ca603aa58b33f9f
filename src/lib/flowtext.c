/*
 * flowtext.c - protocol names, address, endpoint and time texts (see
 * flowtext.h).  IPv6 is written in RFC 5952's form: lower-case hex groups
 * without leading zeros, the first longest run of two or more zero groups
 * as ::, and dotted IPv4 only for the mapped addresses ::ffff:0:0/96
 * (glibc's inet_ntop also dots the deprecated ::a.b.c.d).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "flowmodels/flowtext.h"

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

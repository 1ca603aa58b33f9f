/*
 * help-topics.c - help pages that are not commands (`help filters`),
 * shown by the workbench's `help TOPIC` and `flowmodels help TOPIC`.
 * docs/filters.md is the long form of the same text.
 */
#include <string.h>

#include "cmd.h"

static const char filters_text[] =
    "Filter expressions (--filter-expr, the workbench's filter command)\n"
    "\n"
    "Python expression syntax over the record fields, as the reference takes:\n"
    "  af prot inif outif sa0..sa3 da0..da3 sp dp first first_ms last last_ms\n"
    "  packets octets aggs, and duration (ms) and rate (bit/s)\n"
    "Operators, lowest first: or, and, not, comparisons (== != < <= > >=,\n"
    "chainable), |, ^, &, << >>, + -, * / // %, unary - + ~, **.\n"
    "'&', '|' and '^' bind tighter than '==': write (prot==6) & (dp==443)\n"
    "or prot==6 and dp==443; prot==6 & dp==443 means prot == (6 & dp) == 443\n"
    "(flowmodels warns about it).\n"
    "\n"
    "Extensions for operators (names the reference does not know):\n"
    "  sa == 192.0.2.1          source address (IPv4 or IPv6 literal)\n"
    "  da in 10.0.0.0/8         destination address in a prefix\n"
    "  addr in 2001:db8::/32    either address in the prefix\n"
    "  sa != ADDR, sa not in P, not addr in P   their negations\n"
    "  prot == tcp              icmp igmp tcp udp gre esp ah icmp6 ospf pim "
    "sctp\n"
    "  first >= 2015-06-10T19:00   a date YYYY-MM-DD[THH:MM[:SS]] (UTC) is\n"
    "                           its time in seconds since the epoch\n"
    "\n"
    "nfdump filter                 flowmodels filter\n"
    "  proto tcp                     prot == tcp\n"
    "  proto 47                      prot == 47\n"
    "  port 443                      sp == 443 or dp == 443\n"
    "  src port 53 / dst port 53     sp == 53 / dp == 53\n"
    "  port > 1023                   sp > 1023 or dp > 1023\n"
    "  host 192.0.2.1                addr == 192.0.2.1\n"
    "  src host 192.0.2.1            sa == 192.0.2.1\n"
    "  dst net 10.0.0.0/8            da in 10.0.0.0/8\n"
    "  net 2001:db8::/32             addr in 2001:db8::/32\n"
    "  not net 10.0.0.0/8            not addr in 10.0.0.0/8\n"
    "  ipv4 (inet) / ipv6 (inet6)    af != 10 / af == 10\n"
    "  in if 3 / out if 3 / if 3     inif == 3 / outif == 3 / inif == 3 or "
    "outif == 3\n"
    "  packets > 10                  packets > 10\n"
    "  bytes > 1000                  octets > 1000\n"
    "  duration > 1000 (ms)          duration > 1000\n"
    "  bps > 1000000                 rate > 1000000\n"
    "  -t 2015/06/10.19:00-2015/06/10.20:00\n"
    "                                2015-06-10T19:00 <= first < "
    "2015-06-10T20:00\n"
    "  A and B, A or B, not A        the same words\n"
    "  flags S, tos, as, next hop    not in the flow record (SPEC 1 keeps 21 "
    "fields)\n"
    "\n"
    "Differences from the reference: a date such as 2014-10-11 is a time\n"
    "here, where Python computes 2014 - 10 - 11 = 1993; the other extensions\n"
    "are names and literals Python rejects.  Full text: docs/filters.md.\n";

static const struct {
	const char *name, *text;
} topics[] = {
    {"filters", filters_text},
};

int cmd_print_topic(const char *name, FILE *out)
{
	for (size_t k = 0; k < sizeof(topics) / sizeof(topics[0]); k++)
		if (!strcmp(name, topics[k].name)) {
			fputs(topics[k].text, out);
			return 1;
		}
	return 0;
}

const char *cmd_topic_list(void)
{
	return "filters";
}

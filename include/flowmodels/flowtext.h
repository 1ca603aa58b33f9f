/*
 * flowtext.h - flow record values as an operator reads them: protocol
 * names, addresses (dotted IPv4, RFC 5952 IPv6), endpoints with ports and
 * ISO-8601 UTC times with milliseconds.  Used by the text output format,
 * `top`, `info` and the filter's protocol names.
 */
#ifndef FLOWMODELS_FLOWTEXT_H
#define FLOWMODELS_FLOWTEXT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any text below, NUL included. */
#define FM_TEXT_MAX 64

/*
 * Lower-case name of IP protocol prot (icmp, igmp, tcp, udp, gre, esp, ah,
 * icmp6, ospf, pim, sctp), or NULL for the others.
 */
const char *fm_proto_name(int64_t prot);
/* The protocol number of a name of that table (len bytes), or -1. */
int fm_proto_lookup(const char *name, size_t len);
/* Whether af is IPv6 (10); anything else reads as IPv4 (SPEC 1). */
static inline int fm_af_is_v6(int64_t af)
{
	return af == 10;
}
/*
 * The address of words w[0..3] (sa0..sa3 or da0..da3) of family af into
 * buf (FM_TEXT_MAX bytes): "192.0.2.1" from w[3], or "2001:db8::1".
 */
void fm_addr_text(char *buf, int64_t af, const int64_t w[4]);
/* Address and port: "192.0.2.1:443", "[2001:db8::1]:443". */
void fm_endpoint_text(char *buf, int64_t af, const int64_t w[4], int64_t port);
/* "2015-06-10T19:00:00.120Z" (UTC) of seconds and milliseconds. */
void fm_time_text(char *buf, int64_t secs, int64_t ms);
/* "2015-06-10T19:00:00Z" of seconds. */
void fm_time_text_s(char *buf, int64_t secs);

/*
 * A whole record as the `text` output format shows it (like `nfdump -o
 * line`): first as ISO-8601 UTC with milliseconds, the duration (SPEC 1)
 * in seconds, the protocol by name (its number when it has none),
 * endpoints as address:port, packets, octets and aggs.  Used by the text
 * writer and the workbench's `show records` table.
 */
struct fm_batch;
struct fm_buf;
/* The columns a record's text needs (FM_FIELD_BIT mask). */
uint32_t fm_record_text_fields(void);
struct fm_record_text {
	char first[FM_TEXT_MAX], duration[32], proto[24];
	char src[FM_TEXT_MAX], dst[FM_TEXT_MAX];
	char packets[24], octets[24], aggs[24];
};
/* The texts of record i of b (holding fm_record_text_fields). */
void fm_record_text(const struct fm_batch *b, size_t i,
		    struct fm_record_text *out);
/* The header line and a record's line of the text format ('\n' ended);
 * 0 or -1 when out of memory. */
int fm_record_text_header(struct fm_buf *o);
int fm_record_text_line(struct fm_buf *o, const struct fm_record_text *c);

#endif

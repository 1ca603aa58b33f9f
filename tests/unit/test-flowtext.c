/*
 * test-flowtext.c - the operator's texts of flow values (flowtext.h):
 * IPv6 against glibc's inet_ntop on random addresses with zero runs
 * (they agree on RFC 5952 except where glibc dots ::a.b.c.d), the fixed
 * cases RFC 5952 names, IPv4, endpoints, times and protocol names.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "flowmodels/flowtext.h"
#include "testutil.h"

static void test_v6_random(void **state)
{
	uint64_t s = 52;
	int compared = 0;
	(void)state;
	for (int round = 0; round < 20000; round++) {
		int64_t w[4];
		unsigned char b[16];
		char want[INET6_ADDRSTRLEN], got[FM_TEXT_MAX];
		uint64_t zero_mask = tu_rand(&s); /* which groups are 0 */
		for (int k = 0; k < 4; k++) {
			uint32_t v = (uint32_t)tu_rand(&s);
			if (zero_mask >> (2 * k) & 1)
				v &= 0x0000ffffu;
			if (zero_mask >> (2 * k + 1) & 1)
				v &= 0xffff0000u;
			if (zero_mask >> (8 + k) & 1 && round % 3)
				v = 0;
			w[k] = v;
		}
		for (int k = 0; k < 16; k++)
			b[k] = (unsigned char)((uint64_t)w[k / 4] >>
					       (24 - 8 * (k % 4)));
		fm_addr_text(got, 10, w);
		assert_non_null(inet_ntop(AF_INET6, b, want, sizeof(want)));
		/* glibc dots the first 96 bits zero (deprecated compatible
		 * form) */
		if (w[0] == 0 && w[1] == 0 && w[2] == 0)
			continue;
		if (strcmp(got, want))
			fail_msg("%s: inet_ntop %s", got, want);
		compared++;
	}
	assert_true(compared > 10000);
}

static void test_fixed(void **state)
{
	static const struct {
		int64_t af, w[4];
		const char *text;
	} t[] = {
	    {10, {0x20010db8, 0, 0, 1}, "2001:db8::1"},
	    {10, {0x20010db8, 0, 1, 1}, "2001:db8::1:0:1"},
	    {10,
	     {0x20010db8, 0x00000001, 0x00010001, 0x00010001},
	     "2001:db8:0:1:1:1:1:1"},
	    {10, {0x20010db8, 0, 0x00010000, 0}, "2001:db8:0:0:1::"},
	    {10, {0x20010000, 0x00000001, 0, 1}, "2001:0:0:1::1"},
	    {10, {0, 0, 0, 0}, "::"},
	    {10, {0, 0, 0, 1}, "::1"},
	    {10, {0, 0, 0, 0xc0a800ae}, "::c0a8:ae"},
	    {10, {0, 0, 0xffff, 0xc0000201}, "::ffff:192.0.2.1"},
	    {10, {0xfe800000, 0, 0, 0}, "fe80::"},
	    {2, {0, 0, 0, 0xc0000201}, "192.0.2.1"},
	    {0, {0, 0, 0, 0x0a000081}, "10.0.0.129"},
	};
	char buf[FM_TEXT_MAX];
	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		fm_addr_text(buf, t[k].af, t[k].w);
		assert_string_equal(buf, t[k].text);
	}
	int64_t v6[4] = {0x20010db8, 0, 0, 1}, v4[4] = {0, 0, 0, 0xc0000201};
	fm_endpoint_text(buf, 10, v6, 443);
	assert_string_equal(buf, "[2001:db8::1]:443");
	fm_endpoint_text(buf, 2, v4, 53);
	assert_string_equal(buf, "192.0.2.1:53");
	fm_time_text(buf, 1433962800, 120);
	assert_string_equal(buf, "2015-06-10T19:00:00.120Z");
	fm_time_text_s(buf, 951782399);
	assert_string_equal(buf, "2000-02-28T23:59:59Z");
	assert_string_equal(fm_proto_name(6), "tcp");
	assert_string_equal(fm_proto_name(58), "icmp6");
	assert_null(fm_proto_name(255));
	assert_int_equal(fm_proto_lookup("sctp", 4), 132);
	assert_int_equal(fm_proto_lookup("tcpx", 4), -1);
	for (int p = 0; p < 256; p++)
		if (fm_proto_name(p))
			assert_int_equal(
			    fm_proto_lookup(fm_proto_name(p),
					    strlen(fm_proto_name(p))),
			    p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v6_random),
	    cmocka_unit_test(test_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

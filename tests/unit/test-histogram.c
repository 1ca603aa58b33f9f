/*
 * test-histogram.c - struct fm_histogram and the csv_hist reader/writer:
 * column mapping by name, errors with file:line, exact integers, rate
 * truncation, byte-identical round trips of the reference histograms.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/histogram.h"
#include "testutil.h"

static int parse(struct fm_histogram *h, const char *text, unsigned req,
		 struct fm_error *err)
{
	return fm_histogram_parse(h, "t.csv", text, strlen(text), req, NULL,
				  err);
}

static void expect_error(const char *text, unsigned req, const char *needle)
{
	struct fm_histogram h;
	struct fm_error err = {0};

	fm_histogram_init(&h);
	int r = parse(&h, text, req, &err);
	if (r >= 0 || !strstr(err.msg, needle))
		fail_msg(
		    "input %s: expected error containing '%s', got %d '%s'",
		    text, needle, r, err.msg);
	assert_int_equal(h.n, 0);
	assert_null(h.bin_lo);
}

static void test_basic(void **state)
{
	struct fm_histogram h;
	struct fm_error err = {0};
	struct fm_buf b = FM_BUF_INIT;
	const char *text = "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n"
			   "1,2,3,3,180\n"
			   "2,3,1,2,18446744073709551615\n";
	(void)state;
	fm_histogram_init(&h);
	assert_int_equal(parse(&h, text, FM_HCOL_BASIC, &err), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.ncols, 3);
	assert_int_equal(h.bin_lo[1], 2);
	assert_int_equal(h.bin_hi[1], 3);
	assert_true(h.octets[1] == UINT64_MAX);
	assert_null(h.rate);
	assert_int_equal(fm_histogram_format(&h, &b, &err), 0);
	assert_string_equal(fm_buf_str(&b), text);
	uint64_t hi, lo;
	assert_int_equal(
	    fm_histogram_total_u128(&h, FM_HCOL_OCTETS, &hi, &lo, &err), 0);
	assert_true(hi == 1 && lo == 179);
	assert_true(fm_histogram_total_u128(&h, FM_HCOL_RATE, &hi, &lo, &err) <
		    0);
	fm_buf_release(&b);
	fm_histogram_release(&h);
}

static void test_columns_by_name(void **state)
{
	struct fm_histogram h;
	struct fm_error err = {0};
	struct fm_buf b = FM_BUF_INIT;
	/* other order, _ssq columns, x column named otherwise, CRLF */
	const char *text =
	    "x,octets_sum,octets_ssq,flows_sum,bin_hi,rate_sum,duration_sum\r\n"
	    "10,100,5,2,20,1.5e3,-7\r\n"
	    "\r\n"
	    "20,200,6,4,40,12.9,8\r\n";
	(void)state;
	fm_histogram_init(&h);
	assert_int_equal(parse(&h, text, FM_HCOL_BIT(FM_HCOL_FLOWS), &err), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.ncols, 4);
	assert_int_equal(h.order[0], FM_HCOL_OCTETS);
	assert_int_equal(h.order[1], FM_HCOL_FLOWS);
	assert_int_equal(h.order[2], FM_HCOL_RATE);
	assert_int_equal(h.order[3], FM_HCOL_DURATION);
	assert_false(fm_histogram_has(&h, FM_HCOL_PACKETS));
	assert_null(h.packets);
	assert_true(h.octets[1] == 200 && h.flows[1] == 4);
	assert_true(h.duration[0] == -7);
	assert_true(h.rate[0] == 1500.0);
	assert_true(fm_histogram_get(&h, FM_HCOL_RATE, 1) == 12.9);
	assert_true(fm_histogram_get(&h, FM_HCOL_PACKETS, 1) == 0.0);
	assert_int_equal(fm_histogram_format(&h, &b, &err), 0);
	assert_string_equal(
	    fm_buf_str(&b),
	    "bin_lo,bin_hi,octets_sum,flows_sum,rate_sum,duration_sum\n"
	    "10,20,100,2,1500,-7\n"
	    "20,40,200,4,12,8\n");
	double col[2];
	assert_int_equal(fm_histogram_column(&h, FM_HCOL_OCTETS, col, &err), 0);
	assert_true(col[0] == 100.0 && col[1] == 200.0);
	assert_true(fm_histogram_column(&h, FM_HCOL_AGGS, col, &err) < 0);
	fm_buf_release(&b);
	fm_histogram_release(&h);
}

static void test_no_bin_hi(void **state)
{
	struct fm_histogram h;
	struct fm_error err = {0};
	(void)state;
	fm_histogram_init(&h);
	assert_int_equal(parse(&h, "bin_lo,flows_sum\n1,5\n4,6\n", 0, &err), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.bin_hi[0], 4);
	assert_int_equal(h.bin_hi[1], 5);
	fm_histogram_release(&h);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", 0, "t.csv: empty file");
	expect_error("bin_lo,bin_hi,flows_sum,packets_sum\n1,2,3,4\n",
		     FM_HCOL_BASIC,
		     "t.csv:1: missing required column 'octets_sum'");
	expect_error("bin_lo,bin_hi,flows_sum,flows_sum\n", 0,
		     "t.csv:1: column 'flows_sum' given twice");
	expect_error("bin_lo,bin_hi,flows_sum\n1,2,3\n2,3,x4\n", 0,
		     "t.csv:3: column 'flows_sum': not a number: 'x4'");
	expect_error("bin_lo,bin_hi,flows_sum\n1,2,3\n2,3,-4\n", 0,
		     "t.csv:3: column 'flows_sum': negative value: '-4'");
	expect_error("bin_lo,bin_hi,flows_sum\n1,2,18446744073709551616\n", 0,
		     "t.csv:2: column 'flows_sum': value out of range");
	expect_error("bin_lo,bin_hi,flows_sum\n1,2,1.5\n", 0,
		     "t.csv:2: column 'flows_sum': not a number: '1.5'");
	expect_error("bin_lo,bin_hi,flows_sum\n1,2\n", 0,
		     "t.csv:2: expected 3 fields, got 2");
	expect_error("bin_lo,bin_hi,flows_sum\n1,2,3,4,5\n", 0,
		     "t.csv:2: expected 3 fields, got 5");
	expect_error("bin_lo,bin_hi,flows_sum\n1,2,3\n1,2,3\n", 0,
		     "t.csv:3: bins not ascending");
	expect_error("bin_lo,bin_hi,flows_sum\n1,4,3\n3,5,3\n", 0,
		     "t.csv:3: bins overlap: bin_lo 3 < previous bin_hi 4");
	expect_error("bin_lo,bin_hi,flows_sum\n5,5,3\n", 0,
		     "t.csv:2: bin_hi 5 <= bin_lo 5");
	expect_error("bin_lo,bin_hi,rate_sum\n1,2,inf\n", 0,
		     "t.csv:2: column 'rate_sum': value out of range");
	expect_error("bin_lo,bin_hi,rate_sum\n1,2,\n", 0,
		     "t.csv:2: column 'rate_sum': not a number: ''");
}

static void test_rate_trunc(void **state)
{
	struct fm_histogram h;
	struct fm_error err = {0};
	struct fm_buf b = FM_BUF_INIT;
	enum fm_hcol cols[] = {FM_HCOL_FLOWS, FM_HCOL_RATE};
	(void)state;
	assert_int_equal(fm_histogram_setup(&h, cols, 2, &err), 0);
	assert_int_equal(fm_histogram_add_bin(&h, 0, 1, &err), 0);
	assert_int_equal(fm_histogram_add_bin(&h, 1, 2, &err), 0);
	assert_int_equal(fm_histogram_add_bin(&h, 2, 4, &err), 0);
	assert_int_equal(fm_histogram_add_bin(&h, 4, 8, &err), 0);
	h.rate[0] = -2.7;
	h.rate[1] = -0.5;
	h.rate[2] = 1e20;
	h.rate[3] = 123456.999;
	h.flows[3] = 7;
	assert_int_equal(fm_histogram_check(&h, &err), 0);
	assert_int_equal(fm_histogram_format(&h, &b, &err), 0);
	assert_string_equal(fm_buf_str(&b),
			    "bin_lo,bin_hi,flows_sum,rate_sum\n"
			    "0,1,0,-2\n1,2,0,0\n2,4,0,100000000000000000000\n"
			    "4,8,7,123456\n");
	/* huge rate sums print as exact integers and read back */
	{
		struct fm_histogram g;
		struct fm_buf t = FM_BUF_INIT;
		h.rate[0] = 1.7976931348623157e308;
		assert_int_equal(fm_histogram_format(&h, &t, &err), 0);
		fm_histogram_init(&g);
		assert_int_equal(
		    fm_histogram_parse(&g, "big", t.buf, t.len, 0, NULL, &err),
		    0);
		assert_true(g.rate[0] == h.rate[0] && g.rate[2] == 1e20);
		fm_histogram_release(&g);
		fm_buf_release(&t);
	}
	h.bin_hi[1] = 3;
	assert_int_equal(fm_histogram_check(&h, &err), FM_EFORMAT);
	assert_non_null(strstr(err.msg, "bin 3: bins overlap"));
	fm_buf_release(&b);
	fm_histogram_release(&h);
	assert_int_equal(
	    fm_histogram_setup(
		&h, (enum fm_hcol[]){FM_HCOL_FLOWS, FM_HCOL_FLOWS}, 2, &err),
	    FM_EINVAL);
	assert_int_equal(fm_hcol_from_name("octets_sum"), FM_HCOL_OCTETS);
	assert_int_equal(fm_hcol_from_name("aggs"), FM_HCOL_AGGS);
	assert_int_equal(fm_hcol_from_name("bogus_sum"), -1);
}

static void test_write_file(void **state)
{
	struct fm_histogram h, g;
	struct fm_error err = {0};
	enum fm_hcol cols[] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS, FM_HCOL_OCTETS,
			       FM_HCOL_AGGS};
	const char *path = tu_path("w.csv");
	(void)state;
	assert_int_equal(fm_histogram_setup(&h, cols, 4, &err), 0);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(
		    fm_histogram_add_bin(&h, 3 * i, 3 * i + 2, &err), 0);
		h.flows[i] = (uint64_t)i + 1;
		h.packets[i] = (uint64_t)i * 1000003u;
		h.octets[i] = UINT64_MAX - (uint64_t)i;
		h.aggs[i] = 1;
	}
	assert_int_equal(fm_histogram_write(&h, path, &err), 0);
	fm_histogram_init(&g);
	assert_int_equal(fm_histogram_read(&g, path, FM_HCOL_BASIC, NULL, &err),
			 0);
	assert_int_equal(g.n, 1000);
	for (int i = 0; i < 1000; i++) {
		assert_true(g.bin_lo[i] == h.bin_lo[i] &&
			    g.bin_hi[i] == h.bin_hi[i]);
		assert_true(g.octets[i] == h.octets[i] && g.aggs[i] == 1);
	}
	assert_int_equal(
	    fm_histogram_read(&g, tu_path("missing.csv"), 0, NULL, &err),
	    FM_ENOTFOUND);
	assert_non_null(strstr(err.msg, "missing.csv"));
	/* no temporary files are left beside the output */
	assert_int_equal(tu_system("ls -a '%s' | grep -q tmp", tu_tmpdir()), 1);
	fm_histogram_release(&g);
	fm_histogram_release(&h);
}

/* The shipped histograms read and write back byte for byte. */
static void test_reference_roundtrip(void **state)
{
	const char *names[] = {"length.csv", "length_b0.csv", "size.csv"};
	const char *data = tu_shared_data();
	char path[4300];
	(void)state;
	if (!data)
		skip();
	for (size_t k = 0; k < 3; k++) {
		struct fm_histogram h;
		struct fm_error err = {0};
		struct fm_buf b = FM_BUF_INIT;
		size_t len;
		snprintf(path, sizeof(path),
			 "%s/agh_2015061019_IPv4_anon/histograms/all/%s", data,
			 names[k]);
		char *orig = tu_read_file(path, &len);
		if (!orig)
			skip();
		fm_histogram_init(&h);
		assert_int_equal(
		    fm_histogram_read(&h, path, FM_HCOL_BASIC, NULL, &err), 0);
		assert_int_equal(fm_histogram_format(&h, &b, &err), 0);
		assert_int_equal(b.len, len);
		assert_memory_equal(b.buf, orig, len);
		fm_buf_release(&b);
		fm_histogram_release(&h);
		free(orig);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_columns_by_name),
	    cmocka_unit_test(test_no_bin_hi),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_rate_trunc),
	    cmocka_unit_test(test_write_file),
	    cmocka_unit_test(test_reference_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

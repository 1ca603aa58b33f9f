/*
 * test-generate.c - synthetic flows: -s 0 reproduces a unit-binned
 * histogram exactly (the reference's length_b0.csv and a size histogram),
 * 1M-flow samples are within 0.002 (Kolmogorov distance) of the mixture's
 * and the histogram's CDF, determinism by seed, the packet/octet rules,
 * and --full-records (readable by the foundation's readers, arrival rate).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/generate.h"
#include "flowmodels/io.h"
#include "testutil.h"

static const char *refpath(const char *rel)
{
	static char path[4400];
	const char *d = tu_shared_data();
	if (!d)
		return NULL;
	snprintf(path, sizeof(path), "%s/agh_2015061019_IPv4_anon/%s", d, rel);
	return path;
}

static size_t find_bin(const struct fm_histogram *h, int64_t x)
{
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->bin_lo[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Generate everything with count 0 and rebuild the unit-binned histogram
 * naively (x = packets for length, octets for size). */
static void reproduce(const struct fm_histogram *h, enum fm_mix_x xk)
{
	struct fm_gen_opts o = {.x = xk, .count = 0, .seed = 11};
	struct fm_generator *g;
	struct fm_error err = {0};
	struct fm_batch b;
	uint64_t *f = calloc(h->n, 8), *p = calloc(h->n, 8),
		 *oc = calloc(h->n, 8);
	int64_t prev = INT64_MAX;
	long k;

	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	assert_int_equal(fm_gen_open_histogram(&g, h, &o, &err), 0);
	while ((k = fm_gen_next(g, &b, &err)) > 0) {
		const int64_t *pk = b.col[FM_PACKETS], *os = b.col[FM_OCTETS];
		for (long i = 0; i < k; i++) {
			int64_t x = xk == FM_MIX_X_LENGTH ? pk[i] : os[i];
			size_t j = find_bin(h, x);
			if (j == h->n || h->bin_lo[j] != x)
				fail_msg("generated x %lld is not a bin",
					 (long long)x);
			/* bins come in descending order */
			assert_true(x <= prev);
			prev = x;
			f[j]++;
			p[j] += (uint64_t)pk[i];
			oc[j] += (uint64_t)os[i];
		}
	}
	assert_int_equal(k, 0);
	for (size_t j = 0; j < h->n; j++)
		if (f[j] != h->flows[j] || p[j] != h->packets[j] ||
		    oc[j] != h->octets[j])
			fail_msg(
			    "bin %lld: %llu/%llu/%llu vs %llu/%llu/%llu",
			    (long long)h->bin_lo[j], (unsigned long long)f[j],
			    (unsigned long long)p[j], (unsigned long long)oc[j],
			    (unsigned long long)h->flows[j],
			    (unsigned long long)h->packets[j],
			    (unsigned long long)h->octets[j]);
	fm_gen_free(g);
	fm_batch_release(&b);
	free(f);
	free(p);
	free(oc);
}

static void test_reproduce_length_b0(void **state)
{
	struct fm_histogram h;
	struct fm_error err = {0};
	(void)state;
	if (!refpath(""))
		skip();
	fm_histogram_init(&h);
	assert_int_equal(
	    fm_histogram_read(&h, refpath("histograms/all/length_b0.csv"),
			      FM_HCOL_BASIC, NULL, &err),
	    0);
	reproduce(&h, FM_MIX_X_LENGTH);
	fm_histogram_release(&h);
}

static void test_reproduce_size(void **state)
{
	struct fm_histogram h;
	struct fm_error err = {0};
	const char *text =
	    "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n"
	    "64,65,10,10,640\n"
	    "130,131,3,4,390\n"
	    "1500,1501,7,12,10500\n"
	    "40000,40001,5,141,200000\n"
	    "1000000,1000001,2,1,2000000\n"; /* inconsistent: 1 packet, 2 flows
					      */
	(void)state;
	fm_histogram_init(&h);
	assert_int_equal(fm_histogram_parse(&h, "s.csv", text, strlen(text),
					    FM_HCOL_BASIC, NULL, &err),
			 0);
	/* the last bin cannot be reproduced (packets >= 1 per flow): drop it */
	h.n--;
	reproduce(&h, FM_MIX_X_SIZE);
	h.n++;
	fm_histogram_release(&h);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* n flow lengths (packets) from a generator, sorted. */
static int64_t *sample(struct fm_generator *g, size_t n)
{
	struct fm_batch b;
	struct fm_error err = {0};
	int64_t *v = malloc(n * sizeof(int64_t));
	size_t got = 0;
	long k;

	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	while ((k = fm_gen_next(g, &b, &err)) > 0) {
		memcpy(v + got, b.col[FM_PACKETS], (size_t)k * sizeof(int64_t));
		got += (size_t)k;
	}
	assert_int_equal(got, n);
	fm_batch_release(&b);
	qsort(v, n, sizeof(int64_t), cmp_i64);
	return v;
}

static void test_ks_mixture(void **state)
{
	struct fm_mixture_dir md;
	struct fm_generator *g;
	struct fm_error err = {0};
	struct fm_gen_opts o = {
	    .x = FM_MIX_X_LENGTH, .count = 1000000, .seed = 5};
	size_t n = o.count;
	double D = 0;
	(void)state;
	if (!refpath(""))
		skip();
	fm_mixture_dir_init(&md);
	assert_int_equal(
	    fm_mixture_dir_read(&md, refpath("mixtures/all/length"), &err), 0);
	assert_int_equal(fm_gen_open_mixture(&g, &md, &o, &err), 0);
	int64_t *v = sample(g, n);
	/* the empirical CDF steps at the sample values; P(V <= k) = F(k) */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j] == v[i])
			j++;
		double below =
		    fabs((double)i / n -
			 fm_mixture_cdf(&md.flows, (double)v[i] - 1));
		double at = fabs((double)j / n -
				 fm_mixture_cdf(&md.flows, (double)v[i]));
		D = fmax(D, fmax(below, at));
		i = j;
	}
	printf("KS distance, 1M flows from mixtures/all/length: %.5f\n", D);
	assert_true(D < 0.002);
	free(v);
	fm_gen_free(g);
	fm_mixture_dir_release(&md);
}

static void test_ks_histogram(void **state)
{
	struct fm_histogram h;
	struct fm_generator *g;
	struct fm_error err = {0};
	struct fm_gen_opts o = {
	    .x = FM_MIX_X_LENGTH, .count = 1000000, .seed = 6};
	size_t n = o.count, j = 0;
	double D = 0, tot = 0, cum = 0;
	(void)state;
	if (!refpath(""))
		skip();
	fm_histogram_init(&h);
	assert_int_equal(fm_histogram_read(&h,
					   refpath("histograms/all/length.csv"),
					   FM_HCOL_BASIC, NULL, &err),
			 0);
	assert_int_equal(fm_gen_open_histogram(&g, &h, &o, &err), 0);
	int64_t *v = sample(g, n);
	for (size_t i = 0; i < h.n; i++)
		tot += (double)h.flows[i];
	/* the histogram's CDF at each bin_lo against the sample's */
	for (size_t i = 0; i < h.n; i++) {
		cum += (double)h.flows[i];
		while (j < n && v[j] <= h.bin_lo[i])
			j++;
		D = fmax(D, fabs((double)j / n - cum / tot));
	}
	assert_int_equal(j, n);
	printf("KS distance, 1M flows from histograms/all/length.csv: %.5f\n",
	       D);
	assert_true(D < 0.002);
	free(v);
	fm_gen_free(g);
	fm_histogram_release(&h);
}

static const char *small_hist =
    "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n"
    "1,2,50,50,3000\n"
    "2,3,30,60,90000\n" /* 1500 bytes per packet */
    "7,8,10,70,2000\n"	/* 28.6 -> clamped to 64 */
    "4096,4098,5,20490,30000000\n";

/* Records as text, for byte comparisons. */
static char *run_text(const struct fm_gen_opts *o, const char *hist)
{
	struct fm_histogram h;
	struct fm_generator *g;
	struct fm_error err = {0};
	struct fm_batch b;
	struct fm_buf out = FM_BUF_INIT;
	long k;

	fm_histogram_init(&h);
	assert_int_equal(fm_histogram_parse(&h, "h", hist, strlen(hist),
					    FM_HCOL_BASIC, NULL, &err),
			 0);
	assert_int_equal(fm_gen_open_histogram(&g, &h, o, &err), 0);
	fm_histogram_release(&h); /* the generator keeps its own copy */
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	while ((k = fm_gen_next(g, &b, &err)) > 0)
		for (long i = 0; i < k; i++) {
			for (int f = 0; f < FM_NFIELDS; f++)
				fm_buf_printf(&out, "%lld%c",
					      (long long)b.col[f][i],
					      f + 1 < FM_NFIELDS ? ',' : '\n');
		}
	fm_batch_release(&b);
	fm_gen_free(g);
	return fm_buf_detach(&out);
}

static void test_seeds_and_rules(void **state)
{
	struct fm_gen_opts o = {
	    .x = FM_MIX_X_LENGTH, .count = 20000, .seed = 42};
	(void)state;
	char *a = run_text(&o, small_hist), *b = run_text(&o, small_hist);
	assert_string_equal(a, b);
	o.seed = 43;
	char *c = run_text(&o, small_hist);
	assert_string_not_equal(a, c);
	free(c);
	o.seed = 42 + (UINT64_C(1) << 32); /* all 64 bits of the seed count */
	c = run_text(&o, small_hist);
	assert_string_not_equal(a, c);
	/* rules: length = bin_lo; octets = packets * clamp(ps) rounded */
	long n1 = 0, n2 = 0, n7 = 0, n4096 = 0;
	double o1 = 0;
	for (char *line = strtok(a, "\n"); line; line = strtok(NULL, "\n")) {
		long long v[FM_NFIELDS];
		char *p = line;
		for (int f = 0; f < FM_NFIELDS; f++) {
			v[f] = strtoll(p, &p, 10);
			p++;
		}
		for (int f = 0; f < FM_NFIELDS; f++)
			if (f != FM_PACKETS && f != FM_OCTETS)
				assert_true(v[f] == 0);
		switch (v[FM_PACKETS]) {
		case 1:
			n1++;
			o1 += v[FM_OCTETS];
			/* ps = 3000 / 50 = 60, clamped to 64 */
			assert_true(v[FM_OCTETS] == 64);
			break;
		case 2:
			n2++;
			assert_true(v[FM_OCTETS] == 3000);
			break;
		case 7:
			n7++;
			assert_true(v[FM_OCTETS] == 448);
			break;
		case 4096: {
			/* 4096 * (30000000 / 20490): floor or floor + 1 */
			double want = 4096.0 * (30000000.0 / 20490.0);
			n4096++;
			assert_true(v[FM_OCTETS] == (long long)floor(want) ||
				    v[FM_OCTETS] == (long long)floor(want) + 1);
			break;
		}
		default:
			fail_msg("unexpected length %lld", v[FM_PACKETS]);
		}
	}
	assert_true(o1 == 64.0 * n1);
	assert_true(fabs(n1 / 20000.0 - 50 / 95.0) < 0.02);
	assert_true(fabs(n2 / 20000.0 - 30 / 95.0) < 0.02);
	assert_true(n7 > 0 && n4096 > 0);
	free(a);
	free(b);
	free(c);
}

static void test_full_records(void **state)
{
	struct fm_histogram h;
	struct fm_generator *g;
	struct fm_error err = {0};
	struct fm_gen_opts o = {.x = FM_MIX_X_LENGTH,
				.count = 200000,
				.seed = 9,
				.full_records = 1,
				.rate = 2500,
				.start = 1433962800};
	struct fm_batch b;
	struct fm_writer *w;
	struct fm_writer_opts wo = {.format = FM_FORMAT_CSV_FLOW};
	const char *path = tu_path("full.csv");
	long k;
	(void)state;
	fm_histogram_init(&h);
	assert_int_equal(fm_histogram_parse(&h, "h", small_hist,
					    strlen(small_hist), FM_HCOL_BASIC,
					    NULL, &err),
			 0);
	assert_int_equal(fm_gen_open_histogram(&g, &h, &o, &err), 0);
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	assert_int_equal(fm_writer_open(&w, &wo, path, &err), 0);
	while ((k = fm_gen_next(g, &b, &err)) > 0)
		assert_int_equal(fm_writer_write(w, &b, &err), 0);
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	fm_gen_free(g);

	/* read back with the foundation's reader */
	struct fm_reader *rd;
	struct fm_reader_opts ro = {.format = FM_FORMAT_CSV_FLOW,
				    .fields = FM_ALL_FIELDS};
	const char *paths[1] = {path};
	struct fm_batch rb;
	double t0 = -1, t1 = 0;
	uint64_t n = 0, tcp = 0, udp = 0;
	int64_t prev = 0;
	memset(&rb, 0, sizeof(rb));
	assert_int_equal(fm_reader_open(&rd, &ro, paths, 1, &err), 0);
	while ((k = fm_reader_next(rd, &rb, FM_BATCH_CAP, &err)) > 0) {
		for (long i = 0; i < k; i++) {
			int64_t first =
			    rb.col[FM_FIRST][i] * 1000 + rb.col[FM_FIRST_MS][i];
			int64_t last =
			    rb.col[FM_LAST][i] * 1000 + rb.col[FM_LAST_MS][i];
			int64_t pk = rb.col[FM_PACKETS][i];
			assert_true(rb.col[FM_AF][i] == 2 &&
				    rb.col[FM_AGGS][i] == 1);
			assert_true(first >= prev); /* arrival order */
			prev = first;
			if (pk == 1)
				assert_true(last == first);
			else
				assert_true(last >= first);
			assert_true(rb.col[FM_FIRST_MS][i] < 1000 &&
				    rb.col[FM_LAST_MS][i] < 1000);
			int64_t prot = rb.col[FM_PROT][i];
			assert_true(prot == 6 || prot == 17 || prot == 1);
			tcp += prot == 6;
			udp += prot == 17;
			if (prot != 1) {
				int64_t sp = rb.col[FM_SP][i],
					dp = rb.col[FM_DP][i];
				/* one end is an ephemeral port, the other a
				 * service */
				assert_true((sp >= 32768 && dp < 49151) ||
					    (dp >= 32768 && sp < 49151));
			}
			/* one end is a 10.0/16 client */
			assert_true((rb.col[FM_SA3][i] >> 16) == 0x0a00 ||
				    (rb.col[FM_DA3][i] >> 16) == 0x0a00);
			if (t0 < 0)
				t0 = first / 1000.0;
			t1 = first / 1000.0;
			n++;
		}
	}
	assert_int_equal(k, 0);
	fm_reader_free(rd);
	assert_int_equal(n, 200000);
	double rate = (n - 1) / (t1 - t0);
	printf("full records: arrival rate %.2f flows/s (asked 2500), tcp %.3f "
	       "udp %.3f\n",
	       rate, tcp / (double)n, udp / (double)n);
	assert_true(fabs(rate / 2500 - 1) < 0.01);
	assert_true(fabs(t0 - 1433962800) < 1);
	assert_true(fabs(tcp / (double)n - 0.80) < 0.01);

	/* --full-records does not change packets and octets */
	struct fm_gen_opts plain = o;
	plain.full_records = 0;
	plain.count = 1000;
	o.count = 1000;
	char *a = run_text(&plain, small_hist), *c = run_text(&o, small_hist);
	char *pa = a, *pc = c;
	for (int line = 0; line < 1000; line++) {
		long long va[FM_NFIELDS], vc[FM_NFIELDS];
		for (int f = 0; f < FM_NFIELDS; f++) {
			va[f] = strtoll(pa, &pa, 10);
			pa++;
			vc[f] = strtoll(pc, &pc, 10);
			pc++;
		}
		assert_true(va[FM_PACKETS] == vc[FM_PACKETS] &&
			    va[FM_OCTETS] == vc[FM_OCTETS]);
	}
	free(a);
	free(c);
	fm_batch_release(&b);
	fm_histogram_release(&h);
}

static void test_errors(void **state)
{
	struct fm_mixture_dir md;
	struct fm_generator *g;
	struct fm_error err = {0};
	struct fm_gen_opts o = {.x = FM_MIX_X_LENGTH, .count = 0};
	struct fm_histogram h;
	(void)state;
	fm_mixture_dir_init(&md);
	const char *t = "{\"sum\": 10, \"mix\": [[1, \"uniform\", [0, 1]]]}";
	assert_int_equal(fm_mixture_parse(&md.flows, "f", t, strlen(t), &err),
			 0);
	assert_int_equal(fm_mixture_parse(&md.packets, "p", t, strlen(t), &err),
			 0);
	assert_int_equal(fm_mixture_parse(&md.octets, "o", t, strlen(t), &err),
			 0);
	assert_int_equal(fm_gen_open_mixture(&g, &md, &o, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "-s 0"));
	o.count = 10;
	o.full_records = 1;
	o.rate = 0;
	assert_int_equal(fm_gen_open_mixture(&g, &md, &o, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "rate"));
	o.full_records = 0;
	assert_int_equal(fm_gen_open_mixture(&g, &md, &o, &err), 0);
	fm_gen_free(g);
	fm_mixture_dir_release(&md);
	fm_histogram_init(&h);
	const char *ht = "bin_lo,bin_hi,flows_sum,packets_sum\n1,2,3,3\n";
	assert_int_equal(
	    fm_histogram_parse(&h, "h", ht, strlen(ht), 0, NULL, &err), 0);
	assert_int_equal(fm_gen_open_histogram(&g, &h, &o, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "octets_sum"));
	fm_histogram_release(&h);
}

/*
 * The batch's columns: a batch of packets and octets only gives the same
 * values as an all-fields one; columns the caller changed between calls are
 * zeroed again; missing packets/octets (or fields with full records) are
 * refused.
 */
static void test_batch_columns(void **state)
{
	struct fm_gen_opts o = {
	    .x = FM_MIX_X_LENGTH, .count = 3 * FM_BATCH_CAP + 17, .seed = 8};
	struct fm_histogram h;
	struct fm_generator *g1, *g2;
	struct fm_error err = {0};
	struct fm_batch all, two, one;
	const uint32_t po = FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_OCTETS);
	long k1, k2, calls = 0;

	(void)state;
	fm_histogram_init(&h);
	assert_int_equal(fm_histogram_parse(&h, "h", small_hist,
					    strlen(small_hist), FM_HCOL_BASIC,
					    NULL, &err),
			 0);
	assert_int_equal(fm_gen_open_histogram(&g1, &h, &o, &err), 0);
	assert_int_equal(fm_gen_open_histogram(&g2, &h, &o, &err), 0);
	assert_int_equal(fm_batch_alloc(&all, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	assert_int_equal(fm_batch_alloc(&two, po, FM_BATCH_CAP), 0);
	assert_int_equal(
	    fm_batch_alloc(&one, FM_FIELD_BIT(FM_PACKETS), FM_BATCH_CAP), 0);
	assert_int_equal(fm_gen_next(g2, &one, &err), FM_EINVAL);
	for (;;) {
		k1 = fm_gen_next(g1, &all, &err);
		k2 = fm_gen_next(g2, &two, &err);
		assert_int_equal(k1, k2);
		if (k1 <= 0)
			break;
		for (long i = 0; i < k1; i++) {
			assert_int_equal(all.col[FM_PACKETS][i],
					 two.col[FM_PACKETS][i]);
			assert_int_equal(all.col[FM_OCTETS][i],
					 two.col[FM_OCTETS][i]);
			for (int f = 0; f < FM_NFIELDS; f++)
				if (f != FM_PACKETS && f != FM_OCTETS)
					assert_int_equal(all.col[f][i], 0);
		}
		/* the caller reuses the batch for something else */
		fm_batch_mut(&all, FM_SA0)[calls % 2 ? 0 : k1 - 1] = 7;
		fm_batch_mut(&all, FM_AGGS)[k1 / 2] = -1;
		calls++;
	}
	assert_int_equal(k1, 0);
	assert_int_equal(calls, 4);
	fm_gen_free(g1);
	fm_gen_free(g2);
	o.full_records = 1;
	o.rate = 10;
	assert_int_equal(fm_gen_open_histogram(&g1, &h, &o, &err), 0);
	assert_int_equal(fm_gen_next(g1, &two, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "all fields"));
	fm_gen_free(g1);
	fm_batch_release(&all);
	fm_batch_release(&two);
	fm_batch_release(&one);
	fm_histogram_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reproduce_length_b0),
	    cmocka_unit_test(test_reproduce_size),
	    cmocka_unit_test(test_ks_mixture),
	    cmocka_unit_test(test_ks_histogram),
	    cmocka_unit_test(test_seeds_and_rules),
	    cmocka_unit_test(test_full_records),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_batch_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

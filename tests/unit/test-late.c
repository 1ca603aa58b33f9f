/*
 * test-late.c - late materialisation in fm_scan (scan.c, io-binary.c):
 * a selector that needs fewer columns than the caller makes the scan read
 * only the selector's columns first and fetch the rest for the kept
 * records.  Differential test: the same selector function declared as
 * needing every column takes the plain path (read everything, gather);
 * both must emit the same records, over binary inputs with every type
 * code, a missing field file, several inputs, several batches, batches
 * kept whole / dropped whole / thinned, and the four cutting counters.
 * The same for fm_scan_copy from binary to binary, which moves the kept
 * records in their stored widths (fm_reader_gather_raw,
 * fm_writer_write_raw): its output directory must be byte for byte the
 * one the int64 path (fm_scan_next + fm_writer_write) writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/io.h"
#include "testutil.h"

static const char codes[] = "bBhHiIlLqQfd";

/* A value of code c derived from random bits x (exact in f and d). */
static void put(FILE *fp, char c, uint64_t x)
{
	switch (c) {
	case 'b': {
		int8_t v = (int8_t)x;
		fwrite(&v, 1, 1, fp);
		break;
	}
	case 'B': {
		uint8_t v = (uint8_t)x;
		fwrite(&v, 1, 1, fp);
		break;
	}
	case 'h': {
		int16_t v = (int16_t)x;
		fwrite(&v, 2, 1, fp);
		break;
	}
	case 'H': {
		uint16_t v = (uint16_t)x;
		fwrite(&v, 2, 1, fp);
		break;
	}
	case 'i': {
		int32_t v = (int32_t)x;
		fwrite(&v, 4, 1, fp);
		break;
	}
	case 'I': {
		uint32_t v = (uint32_t)x;
		fwrite(&v, 4, 1, fp);
		break;
	}
	case 'f': {
		float v = (float)((int32_t)(x % 2000001) - 1000000);
		fwrite(&v, 4, 1, fp);
		break;
	}
	case 'd': {
		double v = (double)((int64_t)(x >> 12) - (1LL << 51));
		fwrite(&v, 8, 1, fp);
		break;
	}
	default:
		fwrite(&x, 8, 1, fp);
		break;
	}
}

/*
 * A binary directory of n records: field f gets code codes[(f + shift) %
 * 12]; field `missing` (if >= 0) has no file.
 */
static void make_dir(const char *dir, size_t n, int shift, int missing,
		     uint64_t seed)
{
	assert_int_equal(tu_system("rm -rf '%s' && mkdir -p '%s'", dir, dir),
			 0);
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (f == missing)
			continue;
		char c = codes[(f + shift) % 12];
		char path[1100];
		snprintf(path, sizeof(path), "%s/%s.%c", dir, fm_field_name(f),
			 c);
		FILE *fp = fopen(path, "wb");
		assert_non_null(fp);
		for (size_t i = 0; i < n; i++)
			put(fp, c, tu_rand(&seed));
		assert_int_equal(fclose(fp), 0);
	}
}

struct sel_ctx {
	unsigned batch;
};

/* Batches in turn: kept whole, dropped whole, thinned by values, every 7th. */
static long select_mixed(void *ctx, const struct fm_batch *b, uint32_t *idx,
			 struct fm_error *err)
{
	struct sel_ctx *c = ctx;
	unsigned mode = c->batch++ % 4;
	size_t k = 0;

	(void)err;
	for (size_t i = 0; i < b->n; i++) {
		int keep = mode == 0 ||
			   (mode == 2 &&
			    ((b->col[FM_PROT][i] ^ b->col[FM_SP][i]) & 1)) ||
			   (mode == 3 && i % 7 == 0);
		if (keep)
			idx[k++] = (uint32_t)i;
	}
	return (long)k;
}

/* A scan of the binary inputs paths (sel NULL: keep all). */
static struct fm_scan *open_scan(const char *const *paths, size_t np,
				 uint32_t fields, const struct fm_cut *cut,
				 const struct fm_selector *sel)
{
	struct fm_scan_opts so;
	struct fm_scan *s;
	struct fm_error err;

	memset(&so, 0, sizeof(so));
	so.reader.format = FM_FORMAT_BINARY;
	so.reader.fields = fields;
	so.cut = *cut;
	so.selector = sel;
	if (fm_scan_open(&s, &so, paths, np, &err) < 0)
		fail_msg("scan: %s", err.msg);
	return s;
}

static void scan_all(const char *const *paths, size_t np, uint32_t fields,
		     const struct fm_cut *cut, uint32_t sel_fields,
		     struct fm_batch *out, size_t cap)
{
	struct sel_ctx ctx = {0};
	struct fm_selector sel = {sel_fields, select_mixed, &ctx};
	struct fm_scan *s;
	struct fm_batch b;
	struct fm_error err;
	long n;

	s = open_scan(paths, np, fields, cut, &sel);
	assert_int_equal(fm_batch_alloc(out, FM_ALL_FIELDS, cap), 0);
	out->fields = fields | FM_FIELD_BIT(FM_PROT) | FM_FIELD_BIT(FM_SP);
	while ((n = fm_scan_next(s, &b, &err)) > 0) {
		assert_true(out->n + (size_t)n <= cap);
		assert_int_equal(b.fields & out->fields, out->fields);
		for (long i = 0; i < n; i++)
			fm_batch_append(out, &b, (size_t)i);
	}
	if (n < 0)
		fail_msg("scan: %s", err.msg);
	fm_scan_free(s);
}

static void test_late_vs_plain(void **state)
{
	const size_t n1 = 3 * FM_BATCH_CAP + 123, n2 = 1000, n3 = FM_BATCH_CAP;
	const char *d1 = tu_path("late1"), *d2 = tu_path("late2"),
		   *d3 = tu_path("late3");
	char p1[1024], p2[1024], p3[1024];
	const char *paths[3] = {p1, p2, p3};
	const uint32_t sel_fields = FM_FIELD_BIT(FM_PROT) | FM_FIELD_BIT(FM_SP);
	const uint32_t field_sets[] = {
	    FM_ALL_FIELDS,
	    FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_FIRST) |
		FM_FIELD_BIT(FM_DP),
	};
	const struct fm_cut cuts[] = {
	    {0, FM_UNLIMITED, 0, FM_UNLIMITED},
	    {5, FM_UNLIMITED, 7, FM_UNLIMITED},
	    {0, FM_UNLIMITED, 0, 20000},
	    {100, 40000, 3, 9000},
	    {FM_BATCH_CAP + 1, FM_UNLIMITED, FM_BATCH_CAP, FM_UNLIMITED},
	};
	const size_t cap = n1 + n2 + n3;
	int checked = 0;

	(void)state;
	snprintf(p1, sizeof(p1), "%s", d1);
	snprintf(p2, sizeof(p2), "%s", d2);
	snprintf(p3, sizeof(p3), "%s", d3);
	make_dir(p1, n1, 0, FM_DA2, 11);
	make_dir(p2, n2, 5, -1, 12);
	make_dir(p3, n3, 9, FM_PACKETS, 13);
	for (size_t fs = 0; fs < sizeof(field_sets) / sizeof(*field_sets); fs++)
		for (size_t c = 0; c < sizeof(cuts) / sizeof(*cuts); c++) {
			struct fm_batch late, plain;
			scan_all(paths, 3, field_sets[fs], &cuts[c], sel_fields,
				 &late, cap);
			scan_all(paths, 3, field_sets[fs], &cuts[c],
				 FM_ALL_FIELDS, &plain, cap);
			assert_int_equal(late.n, plain.n);
			assert_true(late.n > 0);
			for (int f = 0; f < FM_NFIELDS; f++) {
				if (!(late.fields & FM_FIELD_BIT(f)))
					continue;
				for (size_t i = 0; i < late.n; i++)
					if (late.col[f][i] != plain.col[f][i])
						fail_msg(
						    "fields %zu cut %zu record "
						    "%zu field %s: %lld != "
						    "%lld",
						    fs, c, i, fm_field_name(f),
						    (long long)late.col[f][i],
						    (long long)plain.col[f][i]);
			}
			checked++;
			fm_batch_release(&late);
			fm_batch_release(&plain);
		}
	assert_int_equal(checked, 10);
}

/*
 * A non-finite real in a record the selector drops is still an error, on
 * the late path (real columns are always converted whole) and in the raw
 * copy: 100 records whose octets are doubles, record 51's not finite.
 */
static void test_late_bad_real(void **state)
{
	const char *d = tu_path("latebad");
	const char *paths[1] = {d};
	char path[1024];
	double nan = 0.0 / 0.0;

	(void)state;
	make_dir(d, 100, 0, -1, 5);
	assert_int_equal(tu_system("rm -f '%s'/octets.*", d), 0);
	snprintf(path, sizeof(path), "%s/octets.d", d);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	for (int i = 0; i < 100; i++) {
		double v = i == 50 ? nan : (double)i;
		fwrite(&v, 8, 1, fp);
	}
	assert_int_equal(fclose(fp), 0);
	for (int raw = 0; raw < 2; raw++) {
		struct sel_ctx ctx = {1}; /* first batch: dropped whole */
		struct fm_selector sel = {FM_FIELD_BIT(FM_PROT) |
					      FM_FIELD_BIT(FM_SP),
					  select_mixed, &ctx};
		struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY};
		struct fm_scan *s;
		struct fm_writer *w;
		struct fm_batch b;
		struct fm_error err;
		uint64_t written;

		struct fm_cut cut;

		fm_cut_init(&cut);
		s = open_scan(paths, 1, FM_ALL_FIELDS, &cut, &sel);
		if (raw) {
			assert_int_equal(fm_writer_open(&w, &wo,
							tu_path("latebad-out"),
							&err),
					 0);
			assert_true(fm_scan_copy(s, w, &written, &err) < 0);
			fm_writer_free(w);
		} else {
			assert_true(fm_scan_next(s, &b, &err) < 0);
		}
		assert_non_null(strstr(err.msg, "record 51"));
		assert_non_null(strstr(err.msg, "octets"));
		fm_scan_free(s);
	}
}

/*
 * Copy paths to the binary directory out with fm_scan_copy (raw: binary
 * in and out) or through int64 batches (fm_scan_next + fm_writer_write);
 * sel_fields 0: no selector.  Returns the records written.
 */
static uint64_t copy_dir(const char *const *paths, size_t np, uint32_t fields,
			 const struct fm_cut *cut, uint32_t sel_fields,
			 int threads, int raw, const char *out)
{
	struct sel_ctx ctx = {0};
	struct fm_selector sel = {sel_fields, select_mixed, &ctx};
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY,
				    .threads = threads};
	struct fm_scan *s;
	struct fm_writer *w;
	struct fm_error err;
	uint64_t written = 0;
	struct fm_batch b;
	long n;

	assert_int_equal(tu_system("rm -rf '%s'", out), 0);
	s = open_scan(paths, np, fields, cut, sel_fields ? &sel : NULL);
	assert_int_equal(fm_writer_open(&w, &wo, out, &err), 0);
	if (raw) {
		if (fm_scan_copy(s, w, &written, &err) < 0)
			fail_msg("copy: %s", err.msg);
	} else {
		while ((n = fm_scan_next(s, &b, &err)) > 0) {
			if (fm_writer_write(w, &b, &err) < 0)
				fail_msg("write: %s", err.msg);
			written += (uint64_t)n;
		}
		if (n < 0)
			fail_msg("scan: %s", err.msg);
	}
	if (fm_writer_commit(w, &err) < 0)
		fail_msg("commit: %s", err.msg);
	fm_writer_free(w);
	fm_scan_free(s);
	return written;
}

/*
 * A binary directory in the writer's own codes (the raw copy's byte for
 * byte case) of n random records, with zero stretches: field `zero` is 0
 * in the first 1.5 batches, FM_SA2 in the first batch but for its last
 * record; field FM_INIF over 2^16 from record n/2 on (the output column
 * widens midway).
 */
static void make_native_dir(const char *dir, size_t n, int zero, uint64_t seed)
{
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY};
	struct fm_writer *w;
	struct fm_batch b;
	struct fm_error err;

	assert_int_equal(tu_system("rm -rf '%s'", dir), 0);
	assert_int_equal(fm_writer_open(&w, &wo, dir, &err), 0);
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	for (size_t base = 0; base < n; base += FM_BATCH_CAP) {
		size_t m = n - base < FM_BATCH_CAP ? n - base : FM_BATCH_CAP;
		for (size_t i = 0; i < m; i++) {
			tu_random_record(&b, i, &seed);
			if (base + i < FM_BATCH_CAP * 3 / 2)
				fm_batch_mut(&b, zero)[i] = 0;
			/* (random IPv4 records have sa2 = 0) */
			fm_batch_mut(&b, FM_SA2)[i] =
			    base + i < FM_BATCH_CAP - 1 ? 0 : 7;
			if (base + i >= n / 2)
				fm_batch_mut(&b, FM_INIF)[i] =
				    70000 + (int64_t)i;
		}
		b.n = m;
		if (fm_writer_write(w, &b, &err) < 0)
			fail_msg("write: %s", err.msg);
	}
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	fm_batch_release(&b);
}

static void test_raw_copy_vs_int64(void **state)
{
	const char *d[4] = {tu_path("raw1"), tu_path("raw2"), tu_path("raw3"),
			    tu_path("raw4")};
	char p[4][1024], oraw[1024], o64[1024];
	const char *all4[4] = {p[0], p[1], p[2], p[3]};
	const char *native[1] = {p[3]};
	const uint32_t sel_sets[] = {0, FM_FIELD_BIT(FM_PROT) |
					    FM_FIELD_BIT(FM_SP)};
	const uint32_t field_sets[] = {
	    FM_ALL_FIELDS,
	    FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_FIRST) |
		FM_FIELD_BIT(FM_DP),
	};
	const struct fm_cut cuts[] = {
	    {0, FM_UNLIMITED, 0, FM_UNLIMITED},
	    {100, 40000, 3, 9000},
	    {FM_BATCH_CAP + 1, FM_UNLIMITED, FM_BATCH_CAP, FM_UNLIMITED},
	};
	int checked = 0;

	(void)state;
	for (int i = 0; i < 4; i++)
		snprintf(p[i], sizeof(p[i]), "%s", d[i]);
	snprintf(oraw, sizeof(oraw), "%s", tu_path("out-raw"));
	snprintf(o64, sizeof(o64), "%s", tu_path("out-int64"));
	/* every type code, a missing file, codes unlike the writer's */
	make_dir(p[0], 3 * FM_BATCH_CAP + 123, 0, FM_DA2, 11);
	make_dir(p[1], 1000, 5, -1, 12);
	make_dir(p[2], FM_BATCH_CAP, 9, FM_PACKETS, 13);
	make_native_dir(p[3], 4 * FM_BATCH_CAP + 77, FM_SA3, 14);
	for (int inputs = 0; inputs < 2; inputs++)
		for (size_t ss = 0; ss < 2; ss++)
			for (size_t fs = 0; fs < 2; fs++)
				for (size_t c = 0; c < 3; c++)
					for (int th = 0; th < 2; th++) {
						const char *const *paths =
						    inputs ? all4 : native;
						size_t np = inputs ? 4 : 1;
						uint64_t a = copy_dir(
						    paths, np, field_sets[fs],
						    &cuts[c], sel_sets[ss], th,
						    1, oraw);
						uint64_t b = copy_dir(
						    paths, np, field_sets[fs],
						    &cuts[c], sel_sets[ss], th,
						    0, o64);
						assert_true(a > 0);
						assert_int_equal(a, b);
						if (tu_system(
							"diff -r '%s' '%s' >&2",
							oraw, o64) != 0)
							fail_msg(
							    "inputs %d "
							    "selector %zu "
							    "fields %zu cut "
							    "%zu threads %d: "
							    "outputs differ",
							    inputs, ss, fs, c,
							    th);
						checked++;
					}
	assert_int_equal(checked, 48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_late_vs_plain),
	    cmocka_unit_test(test_late_bad_real),
	    cmocka_unit_test(test_raw_copy_vs_int64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

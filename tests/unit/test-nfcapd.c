/*
 * test-nfcapd.c - the native nfcapd reader (io-nfcapd.c).
 *
 * 1. Corpus: every *.nfcapd in $FM_SHARED_DATA/nfcapd read with -i nfcapd
 *    and written through the csv_flow writer equals its .csv byte for byte
 *    (the nfdump -o pipe ground truth); skipped when the data is absent.
 * 2. Synthetic files built here from known values, independent of the
 *    decoder: layout 2 with V3 records whose elements come in random order
 *    (some missing, some unknown), odd-sized non-flow records that leave
 *    the following records unaligned, several blocks, every compression;
 *    layout 1 with extension maps (ext 4 and 5 interfaces, 32/64-bit
 *    counters, IPv6).  Expected records come from the generator.
 * 3. Damaged files (truncated header / block header / block, corrupt
 *    compressed payloads, wrong or byte-swapped magic, block size past the
 *    end of the file, record size 0, element length 0): one error naming
 *    the file (and block), no records after it, no crash or loop.
 * 4. Skipping, column subsets, directory inputs that hold other files.
 */
#include <bzlib.h>
#include <lz4.h>
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "flowmodels/buf.h"
#include "flowmodels/io.h"
#include "io-nfcapd.h"
#include "testutil.h"

/* ---- helpers ---- */

struct bytes {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct bytes *b, const void *src, size_t len)
{
	if (b->n + len > b->cap) {
		b->cap = (b->n + len) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, src, len);
	b->n += len;
}

static void put8(struct bytes *b, uint8_t v)
{
	put(b, &v, 1);
}
static void put16(struct bytes *b, uint16_t v)
{
	put(b, &v, 2);
}
static void put32(struct bytes *b, uint32_t v)
{
	put(b, &v, 4);
}
static void put64(struct bytes *b, uint64_t v)
{
	put(b, &v, 8);
}
static void set16(struct bytes *b, size_t off, uint16_t v)
{
	memcpy(b->p + off, &v, 2);
}
static void set32(struct bytes *b, size_t off, uint32_t v)
{
	memcpy(b->p + off, &v, 4);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* All records of one input; returns the count, or the error (< 0). */
static long read_all(const char *path, uint32_t fields,
		     int64_t (**rows)[FM_NFIELDS], struct fm_error *err)
{
	struct fm_reader_opts o = {FM_FORMAT_NFCAPD, fields, NULL, 0};
	struct fm_reader *r;
	struct fm_batch b;
	long total = 0, n;
	const char *paths[1] = {path};

	*rows = NULL;
	fm_error_clear(err);
	if ((n = fm_reader_open(&r, &o, paths, 1, err)) < 0)
		return n;
	while ((n = fm_reader_next(r, &b, FM_BATCH_CAP, err)) > 0) {
		*rows = realloc(*rows, (size_t)(total + n) * sizeof(**rows));
		assert_non_null(*rows);
		for (long i = 0; i < n; i++)
			for (int f = 0; f < FM_NFIELDS; f++)
				(*rows)[total + i][f] =
				    b.col[f] ? b.col[f][i] : -1;
		total += n;
	}
	fm_reader_free(r);
	return n < 0 ? n : total;
}

/* ---- 1. the corpus ---- */

static void convert_csv(const char *in, const char *out)
{
	struct fm_scan_opts so = {
	    .reader = {.format = FM_FORMAT_NFCAPD, .fields = FM_ALL_FIELDS}};
	struct fm_writer_opts wo = {.format = FM_FORMAT_CSV_FLOW, .log = NULL};
	struct fm_scan *s;
	struct fm_writer *w;
	struct fm_error err;
	uint64_t n;
	const char *paths[1] = {in};

	fm_cut_init(&so.cut);
	if (fm_scan_open(&s, &so, paths, 1, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(fm_writer_open(&w, &wo, out, &err), 0);
	if (fm_scan_copy(s, w, &n, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(fm_writer_commit(w, &err), 0);
	fm_writer_free(w);
	fm_scan_free(s);
}

static void test_corpus(void **state)
{
	const char *data = tu_shared_data();
	char dir[4096], cmd[8300];
	int seen = 0;

	(void)state;
	if (!data)
		skip();
	snprintf(dir, sizeof(dir), "%s/nfcapd", data);
	snprintf(cmd, sizeof(cmd), "ls '%s'/*.nfcapd > '%s' 2>/dev/null", dir,
		 tu_path("list"));
	if (tu_system("%s", cmd) != 0)
		skip();
	char *list = tu_read_file(tu_path("list"), NULL);
	for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
		char exp[4200];
		size_t la, lb;
		snprintf(exp, sizeof(exp), "%s.csv", line);
		convert_csv(line, tu_path("out.csv"));
		char *a = tu_read_file(exp, &la),
		     *b = tu_read_file(tu_path("out.csv"), &lb);
		if (la != lb || memcmp(a, b, la) != 0)
			fail_msg("%s: records differ from %s", line, exp);
		free(a);
		free(b);
		seen++;
	}
	free(list);
	assert_true(seen >= 8);
}

/* Every record and the end (count or error) of decoding mem[0..len). */
static void decode_mem(const void *mem, size_t len, uint8_t *lend,
		       struct fm_buf *out)
{
	static struct fm_nfcapd_out o;
	struct fm_nfcapd *d;
	struct fm_error err;
	long n, total = 0;

	fm_buf_reset(out);
	if (fm_nfcapd_open_mem(&d, "t", mem, len, NULL, &err) < 0) {
		fm_buf_printf(out, "open: %s", err.msg);
		return;
	}
	if (lend)
		fm_nfcapd_lend_buffer(d, lend);
	while ((n = fm_nfcapd_decode(d, &o, 1000, &err)) > 0) {
		for (long i = 0; i < n; i++)
			for (int f = 0; f < FM_NFIELDS; f++)
				fm_buf_printf(out, "%lld,",
					      (long long)o.col[f][i]);
		total += n;
	}
	fm_buf_printf(out, "\n%ld records, end %ld %s", total, n,
		      n < 0 ? err.msg : "");
	fm_nfcapd_free(d);
}

/* A lent decompression buffer (what fuzz-nfcapd uses), reused from file
 * to file with whatever the last one left in it, decodes the corpus files
 * and their truncations as the decoder's own buffer does. */
static void test_lent_buffer(void **state)
{
	const char *data = tu_shared_data();
	char cmd[8300];
	uint8_t *lend;
	struct fm_buf want = FM_BUF_INIT, got = FM_BUF_INIT;
	int seen = 0;

	(void)state;
	if (!data)
		skip();
	snprintf(cmd, sizeof(cmd), "ls '%s'/nfcapd/*.nfcapd > '%s' 2>/dev/null",
		 data, tu_path("list"));
	if (tu_system("%s", cmd) != 0)
		skip();
	lend = malloc(FM_NFCAPD_BLOCK_MAX);
	assert_non_null(lend);
	memset(lend, 0xa5, FM_NFCAPD_BLOCK_MAX);
	char *list = tu_read_file(tu_path("list"), NULL);
	for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
		size_t len;
		char *mem = tu_read_file(line, &len);
		for (size_t cut = len; cut > 0; cut = cut * 2 / 3) {
			decode_mem(mem, cut, NULL, &want);
			decode_mem(mem, cut, lend, &got);
			if (strcmp(fm_buf_str(&want), fm_buf_str(&got)) != 0)
				fail_msg("%s (first %zu bytes): decoded "
					 "differently with a lent buffer",
					 line, cut);
			if (cut < 64)
				break;
		}
		free(mem);
		seen++;
	}
	free(list);
	fm_buf_release(&want);
	fm_buf_release(&got);
	free(lend);
	assert_true(seen >= 8);
}

/* ---- 2. synthetic files ---- */

struct flow {
	int64_t v[FM_NFIELDS];
};

enum { COMP_NONE, COMP_LZO, COMP_BZ2, COMP_LZ4, COMP_ZSTD };

/* Room for flow n (capacity doubles at powers of two). */
static struct flow *grow_flows(struct flow *fl, size_t n)
{
	if (n == 0 || (n & (n - 1)) == 0) {
		fl = realloc(fl, (n ? 2 * n : 16) * sizeof(*fl));
		assert_non_null(fl);
	}
	return fl;
}

static void compress_into(struct bytes *out, int comp, const struct bytes *in)
{
	size_t cap = in->n * 2 + 1024;
	uint8_t *tmp = malloc(cap);
	size_t n = 0;

	assert_non_null(tmp);
	switch (comp) {
	case COMP_NONE:
		memcpy(tmp, in->p, in->n);
		n = in->n;
		break;
	case COMP_LZO: {
		static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint l = cap;
		assert_int_equal(lzo_init(), LZO_E_OK);
		assert_int_equal(lzo1x_1_compress(in->p, in->n, tmp, &l, wrk),
				 LZO_E_OK);
		n = l;
		break;
	}
	case COMP_BZ2: {
		unsigned int l = (unsigned int)cap;
		assert_int_equal(
		    BZ2_bzBuffToBuffCompress((char *)tmp, &l, (char *)in->p,
					     (unsigned int)in->n, 9, 0, 0),
		    BZ_OK);
		n = l;
		break;
	}
	case COMP_LZ4:
		n = (size_t)LZ4_compress_default(
		    (const char *)in->p, (char *)tmp, (int)in->n, (int)cap);
		assert_true(n > 0);
		break;
	case COMP_ZSTD:
		n = ZSTD_compress(tmp, cap, in->p, in->n, 3);
		assert_false(ZSTD_isError(n));
		break;
	}
	put(out, tmp, n);
	free(tmp);
}

static void block_out(struct bytes *file, int comp, uint16_t type,
		      uint32_t nrec, const struct bytes *recs)
{
	struct bytes c = {0};
	compress_into(&c, comp, recs);
	put32(file, nrec);
	put32(file, (uint32_t)c.n);
	put16(file, type);
	put16(file, 0);
	put(file, c.p, c.n);
	free(c.p);
}

/* One V3 flow record of random content; its expected values in *f. */
static void v3_record(struct bytes *b, struct flow *f, uint64_t *rs)
{
	struct bytes el[6] = {0};
	int nel = 0, v6 = tu_rand(rs) % 4 == 0, has_gen = tu_rand(rs) % 16 != 0;
	int has_addr = tu_rand(rs) % 16 != 0, has_misc = tu_rand(rs) % 3 != 0;

	memset(f, 0, sizeof(*f));
	f->v[FM_AF] = (v6 && has_addr) ? 10 : 2;
	if (has_gen) {
		uint64_t first =
		    1400000000000ull + tu_rand(rs) % 100000000000ull;
		uint64_t last = first + tu_rand(rs) % 1000000;
		uint64_t pk =
		    tu_rand(rs) % 3 ? tu_rand(rs) % 1000 + 1 : tu_rand(rs);
		uint64_t oc = tu_rand(rs);
		uint16_t sp = (uint16_t)tu_rand(rs), dp = (uint16_t)tu_rand(rs);
		uint8_t prot = (uint8_t)tu_rand(rs);
		struct bytes *e = &el[nel++];
		put16(e, 1);
		put16(e, 52);
		put64(e, first);
		put64(e, last);
		put64(e, tu_rand(rs));
		put64(e, pk);
		put64(e, oc);
		put16(e, sp);
		put16(e, dp);
		put8(e, prot);
		put8(e, 0x1b);
		put8(e, 0);
		put8(e, 7);
		f->v[FM_FIRST] = (int64_t)(first / 1000);
		f->v[FM_FIRST_MS] = (int64_t)(first % 1000);
		f->v[FM_LAST] = (int64_t)(last / 1000);
		f->v[FM_LAST_MS] = (int64_t)(last % 1000);
		f->v[FM_PACKETS] = (int64_t)pk;
		f->v[FM_OCTETS] = (int64_t)oc;
		f->v[FM_SP] = sp;
		f->v[FM_DP] = dp;
		f->v[FM_PROT] = prot;
	}
	if (has_addr && v6) {
		struct bytes *e = &el[nel++];
		uint32_t w[8];
		put16(e, 3);
		put16(e, 36);
		for (int k = 0; k < 8; k++)
			w[k] = (uint32_t)tu_rand(rs);
		for (int k = 0; k < 4;
		     k++) /* two u64 per address, word 0 high */
			put64(e, (uint64_t)w[2 * k] << 32 | w[2 * k + 1]);
		for (int k = 0; k < 4; k++) {
			f->v[FM_SA0 + k] = w[k];
			f->v[FM_DA0 + k] = w[4 + k];
		}
	} else if (has_addr) {
		struct bytes *e = &el[nel++];
		uint32_t s = (uint32_t)tu_rand(rs), d = (uint32_t)tu_rand(rs);
		put16(e, 2);
		put16(e, 12);
		put32(e, s);
		put32(e, d);
		f->v[FM_SA3] = s;
		f->v[FM_DA3] = d;
	}
	if (has_misc) {
		struct bytes *e = &el[nel++];
		uint32_t in = (uint32_t)tu_rand(rs),
			 out = (uint32_t)tu_rand(rs) % 70000;
		put16(e, 4);
		put16(e, 20);
		put32(e, in);
		put32(e, out);
		for (int k = 0; k < 8; k++) /* masks, dir, tos, ... */
			put8(e, (uint8_t)k);
		f->v[FM_INIF] = in;
		f->v[FM_OUTIF] = out;
	}
	if (tu_rand(rs) % 2) { /* an element the reader skips (asRouting) */
		struct bytes *e = &el[nel++];
		put16(e, 7);
		put16(e, 12);
		put32(e, 64512);
		put32(e, 65000);
	}
	if (tu_rand(rs) % 4 == 0) { /* an unknown id beyond any table */
		struct bytes *e = &el[nel++];
		put16(e, 999);
		put16(e, 8);
		put32(e, 0xdeadbeef);
	}
	for (int k = nel - 1; k > 0; k--) { /* any order */
		int j = (int)(tu_rand(rs) % (uint64_t)(k + 1));
		struct bytes t = el[k];
		el[k] = el[j];
		el[j] = t;
	}
	size_t size = 12;
	for (int k = 0; k < nel; k++)
		size += el[k].n;
	put16(b, 11);
	put16(b, (uint16_t)size);
	put16(b, (uint16_t)nel);
	put8(b, 0);
	put8(b, 0);
	put16(b, 1);
	put8(b, 0);
	put8(b, 9);
	for (int k = 0; k < nel; k++) {
		put(b, el[k].p, el[k].n);
		free(el[k].p);
	}
}

/* The 40-byte layout-2 file header, starting a new file. */
static void header2(struct bytes *file, int comp, uint32_t nblocks)
{
	memset(file, 0, sizeof(*file));
	put16(file, 0xA50C);
	put16(file, 2);
	put32(file, 0x01070100);
	put64(file, 1700000000);
	put8(file, (uint8_t)comp);
	put8(file, 0);
	put16(file, 0);
	put32(file, 1);
	put64(file, 0);
	put32(file, 0);
	put32(file, nblocks);
}

/* A layout-2 file of nblocks blocks; returns the expected flows. */
static struct flow *make_layout2(struct bytes *file, int comp, int nblocks,
				 size_t *nflows, uint64_t seed)
{
	uint64_t rs = seed;
	struct flow *fl = NULL;
	size_t n = 0;

	header2(file, comp, (uint32_t)nblocks);
	for (int bl = 0; bl < nblocks; bl++) {
		struct bytes recs = {0};
		uint32_t nrec = 0;
		int count = 1 + (int)(tu_rand(&rs) % 3000);
		for (int k = 0; k < count; k++) {
			uint64_t kind = tu_rand(&rs) % 10;
			if (kind ==
			    0) { /* odd-sized ident-like record: unaligns */
				put16(&recs, 0x8001);
				put16(&recs, 11);
				put(&recs, "corpus", 7);
			} else if (kind == 1) { /* exporter info */
				put16(&recs, 7);
				put16(&recs, 32);
				for (int z = 0; z < 28; z++)
					put8(&recs, 0);
			} else {
				fl = grow_flows(fl, n);
				v3_record(&recs, &fl[n++], &rs);
			}
			nrec++;
		}
		block_out(file, comp, 3, nrec, &recs);
		free(recs.p);
		if (bl == 0) { /* an array block (type 4): skipped */
			struct bytes arr = {0};
			put16(&arr, 11);
			put16(&arr, 8);
			put32(&arr, 0);
			block_out(file, comp, 4, 1, &arr);
			free(arr.p);
			set32(file, 36, (uint32_t)nblocks + 1);
		}
	}
	/* the appendix: never read as flows */
	struct bytes app = {0};
	size_t appoff = file->n;
	put16(&app, 0x8001);
	put16(&app, 11);
	put(&app, "synth", 6);
	put8(&app, 0);
	put16(&app, 0x8002);
	put16(&app, 148);
	for (int z = 0; z < 18; z++)
		put64(&app, (uint64_t)z);
	block_out(file, comp, 3, 2, &app);
	free(app.p);
	memcpy(file->p + 24, &(uint64_t){appoff}, 8);
	*nflows = n;
	return fl;
}

static void check_flows(const char *path, const struct flow *fl, size_t n)
{
	int64_t(*rows)[FM_NFIELDS];
	struct fm_error err;
	long got = read_all(path, FM_ALL_FIELDS, &rows, &err);

	if (got < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(got, (long)n);
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < FM_NFIELDS; f++)
			if (rows[i][f] != fl[i].v[f])
				fail_msg("%s: record %zu field %s: got %lld, "
					 "expected %lld",
					 path, i + 1, fm_field_name(f),
					 (long long)rows[i][f],
					 (long long)fl[i].v[f]);
	free(rows);
}

static void test_synthetic_layout2(void **state)
{
	(void)state;
	for (int comp = COMP_NONE; comp <= COMP_ZSTD; comp++) {
		struct bytes file;
		size_t n;
		struct flow *fl =
		    make_layout2(&file, comp, 4, &n, 77 + (uint64_t)comp);
		write_bytes(tu_path("syn2.nfcapd"), file.p, file.n);
		check_flows(tu_path("syn2.nfcapd"), fl, n);

		/* skipping k records then reading gives the tail */
		struct fm_reader_opts o = {FM_FORMAT_NFCAPD,
					   FM_FIELD_BIT(FM_PACKETS), NULL, 0};
		const char *paths[1] = {tu_path("syn2.nfcapd")};
		struct fm_reader *r;
		struct fm_batch b;
		struct fm_error err;
		int64_t k = (int64_t)(n / 3);
		assert_int_equal(fm_reader_open(&r, &o, paths, 1, &err), 0);
		assert_int_equal(fm_reader_skip(r, k, &err), k);
		assert_true(fm_reader_next(r, &b, 5, &err) == 5);
		assert_null(b.col[FM_OCTETS]);
		for (int i = 0; i < 5; i++)
			assert_int_equal(b.col[FM_PACKETS][i],
					 fl[k + i].v[FM_PACKETS]);
		assert_int_equal(fm_reader_skip(r, INT64_MAX / 2, &err),
				 (int64_t)n - k - 5);
		fm_reader_free(r);
		free(fl);
		free(file.p);
	}
}

static const int ext_sizes[] = {
    [4] = 4, [5] = 8, [8] = 4, [18] = 4, [23] = 4, [27] = 8};

/* A layout-1 file with three extension maps. */
static struct flow *make_layout1(struct bytes *file, int comp, size_t *nflows,
				 uint64_t seed)
{
	static const uint16_t maps[3][4] = {{4, 23, 0}, {8, 5, 18, 0}, {27, 0}};
	uint64_t rs = seed;
	struct flow *fl = NULL;
	size_t n = 0;
	uint32_t flag = comp == COMP_LZO   ? 1
			: comp == COMP_BZ2 ? 8
			: comp == COMP_LZ4 ? 0x10
					   : 0;

	memset(file, 0, sizeof(*file));
	put16(file, 0xA50C);
	put16(file, 1);
	put32(file, flag);
	put32(file, 3);
	for (int k = 0; k < 128 + 136; k++)
		put8(file, 0);
	for (int bl = 0; bl < 3; bl++) {
		struct bytes recs = {0};
		uint32_t nrec = 0;
		if (bl == 0)
			for (int m = 0; m < 3; m++) {
				size_t st = recs.n;
				int cnt = 0;
				put16(&recs, 2);
				put16(&recs, 0);
				put16(&recs, (uint16_t)m);
				put16(&recs, 0);
				for (; maps[m][cnt]; cnt++)
					put16(&recs, maps[m][cnt]);
				put16(&recs, 0);
				while ((recs.n - st) % 4)
					put8(&recs, 0);
				set16(&recs, st + 2, (uint16_t)(recs.n - st));
				nrec++;
			}
		int count = 1 + (int)(tu_rand(&rs) % 2000);
		for (int k = 0; k < count; k++, nrec++) {
			struct flow *f;
			int m = (int)(tu_rand(&rs) % 3);
			unsigned flags = (unsigned)(tu_rand(&rs) % 8);
			size_t st = recs.n;
			fl = grow_flows(fl, n);
			f = &fl[n++];
			memset(f, 0, sizeof(*f));
			uint32_t first = (uint32_t)tu_rand(&rs),
				 last = (uint32_t)tu_rand(&rs);
			uint16_t mf = (uint16_t)(tu_rand(&rs) % 1000),
				 ml = (uint16_t)(tu_rand(&rs) % 1000);
			uint16_t sp = (uint16_t)tu_rand(&rs),
				 dp = (uint16_t)tu_rand(&rs);
			uint8_t prot = (uint8_t)tu_rand(&rs);
			put16(&recs, 10);
			put16(&recs, 0);
			put16(&recs, (uint16_t)flags);
			put16(&recs, (uint16_t)m);
			put16(&recs, mf);
			put16(&recs, ml);
			put32(&recs, first);
			put32(&recs, last);
			put8(&recs, 0);
			put8(&recs, 0x12);
			put8(&recs, prot);
			put8(&recs, 0);
			put16(&recs, sp);
			put16(&recs, dp);
			put16(&recs, 1);
			put8(&recs, 0);
			put8(&recs, 0);
			f->v[FM_AF] = flags & 1 ? 10 : 2;
			f->v[FM_FIRST] = first;
			f->v[FM_FIRST_MS] = mf;
			f->v[FM_LAST] = last;
			f->v[FM_LAST_MS] = ml;
			f->v[FM_SP] = sp;
			f->v[FM_DP] = dp;
			f->v[FM_PROT] = prot;
			if (flags & 1) {
				uint32_t w[8];
				for (int z = 0; z < 8; z++)
					w[z] = (uint32_t)tu_rand(&rs);
				for (int z = 0; z < 4; z++)
					put64(&recs, (uint64_t)w[2 * z] << 32 |
							 w[2 * z + 1]);
				for (int z = 0; z < 4; z++) {
					f->v[FM_SA0 + z] = w[z];
					f->v[FM_DA0 + z] = w[4 + z];
				}
			} else {
				uint32_t s = (uint32_t)tu_rand(&rs),
					 d = (uint32_t)tu_rand(&rs);
				put32(&recs, s);
				put32(&recs, d);
				f->v[FM_SA3] = s;
				f->v[FM_DA3] = d;
			}
			uint64_t pk = tu_rand(&rs), oc = tu_rand(&rs);
			if (flags & 2)
				put64(&recs, pk);
			else
				put32(&recs, (uint32_t)pk), pk = (uint32_t)pk;
			if (flags & 4)
				put64(&recs, oc);
			else
				put32(&recs, (uint32_t)oc), oc = (uint32_t)oc;
			f->v[FM_PACKETS] = (int64_t)pk;
			f->v[FM_OCTETS] = (int64_t)oc;
			for (int e = 0; maps[m][e]; e++) {
				int id = maps[m][e];
				if (id == 4) {
					uint16_t a = (uint16_t)tu_rand(&rs),
						 c = (uint16_t)tu_rand(&rs);
					put16(&recs, a);
					put16(&recs, c);
					f->v[FM_INIF] = a;
					f->v[FM_OUTIF] = c;
				} else if (id == 5) {
					uint32_t a = (uint32_t)tu_rand(&rs),
						 c = (uint32_t)tu_rand(&rs);
					put32(&recs, a);
					put32(&recs, c);
					f->v[FM_INIF] = a;
					f->v[FM_OUTIF] = c;
				} else {
					for (int z = 0; z < ext_sizes[id]; z++)
						put8(&recs,
						     (uint8_t)tu_rand(&rs));
				}
			}
			set16(&recs, st + 2, (uint16_t)(recs.n - st));
		}
		/* an exporter-stat record and an old sampler of interval 1 */
		put16(&recs, 8);
		put16(&recs, 32);
		for (int z = 0; z < 28; z++)
			put8(&recs, 0);
		put16(&recs, 9);
		put16(&recs, 16);
		put32(&recs, 0xffffffff);
		put32(&recs, 1);
		put16(&recs, 1);
		put16(&recs, 1);
		block_out(file, comp, 2, nrec + 2, &recs);
		free(recs.p);
	}
	*nflows = n;
	return fl;
}

static void test_synthetic_layout1(void **state)
{
	(void)state;
	for (int comp = COMP_NONE; comp <= COMP_LZ4; comp++) {
		struct bytes file;
		size_t n;
		struct flow *fl =
		    make_layout1(&file, comp, &n, 5 + (uint64_t)comp);
		write_bytes(tu_path("syn1.nfcapd"), file.p, file.n);
		check_flows(tu_path("syn1.nfcapd"), fl, n);
		free(fl);
		free(file.p);
	}
}

/* ---- 3. damaged files ---- */

/* Reading path must fail once with a message holding each of the words. */
static void expect_error(const char *path, const char *w1, const char *w2)
{
	int64_t(*rows)[FM_NFIELDS];
	struct fm_error err;
	long got = read_all(path, FM_ALL_FIELDS, &rows, &err);

	free(rows);
	if (got >= 0)
		fail_msg("%s: read %ld records, expected an error with '%s'",
			 path, got, w1);
	assert_int_equal(err.code, FM_EFORMAT);
	if (!strstr(err.msg, path) || !strstr(err.msg, w1) ||
	    (w2 && !strstr(err.msg, w2)))
		fail_msg("message '%s' lacks '%s' / '%s' / the file name",
			 err.msg, w1, w2 ? w2 : "");
	assert_null(strchr(err.msg, '\n'));
}

static void damaged(const struct bytes *orig, size_t keep,
		    void (*edit)(struct bytes *, size_t), size_t arg,
		    const char *w1, const char *w2)
{
	struct bytes b = {0};
	put(&b, orig->p, keep < orig->n ? keep : orig->n);
	if (edit)
		edit(&b, arg);
	write_bytes(tu_path("bad.nfcapd"), b.p, b.n);
	expect_error(tu_path("bad.nfcapd"), w1, w2);
	free(b.p);
}

static void ed_byte0(struct bytes *b, size_t v)
{
	b->p[0] = (uint8_t)v;
}
static void ed_swap(struct bytes *b, size_t v)
{
	(void)v;
	b->p[0] = 0xA5;
	b->p[1] = 0x0C;
}
static void ed_bsize(struct bytes *b, size_t v)
{
	set32(b, 40 + 4, (uint32_t)v);
}
static void ed_ellen(struct bytes *b, size_t v)
{
	set16(b, 52 + 14, (uint16_t)v);
}
static void ed_nrec(struct bytes *b, size_t v)
{
	set32(b, 40, (uint32_t)v);
}
static void ed_nblocks(struct bytes *b, size_t v)
{
	set32(b, 36, (uint32_t)v);
}
static void ed_payload(struct bytes *b, size_t v)
{
	(void)v;
	uint32_t sz;
	memcpy(&sz, b->p + 44, 4);
	memset(b->p + 52, 0xff, sz);
}
static void ed_recsize(struct bytes *b, size_t v)
{
	set16(b, 52 + 2, (uint16_t)v);
}
static void ed_version(struct bytes *b, size_t v)
{
	set16(b, 2, (uint16_t)v);
}

static void test_damaged(void **state)
{
	struct bytes file;
	size_t n;
	uint32_t bsize;

	(void)state;
	/* an uncompressed file of one block plus the appendix */
	struct flow *fl = make_layout2(&file, COMP_NONE, 1, &n, 3);
	free(fl);
	memcpy(&bsize, file.p + 44, 4);
	damaged(&file, 2, NULL, 0, "truncated file header", NULL);
	damaged(&file, 20, NULL, 0, "truncated file header", NULL);
	damaged(&file, file.n, ed_byte0, 0x42, "not an nfcapd file", NULL);
	damaged(&file, file.n, ed_swap, 0, "other byte order", NULL);
	damaged(&file, file.n, ed_version, 7, "layout version 7", NULL);
	damaged(&file, 46, NULL, 0, "truncated block header", "block 1 of");
	damaged(&file, 40 + 12 + bsize / 2, NULL, 0, "past the end of the file",
		"block 1 of");
	damaged(&file, file.n, ed_bsize, file.n, "past the end of the file",
		"block 1 of");
	damaged(&file, file.n, ed_bsize, 0, "block size 0", "block 1 of");
	damaged(&file, file.n, ed_bsize, 0x7fffffff, "above the 5 MiB limit",
		"block 1 of");
	damaged(&file, file.n, ed_recsize, 0, "record size 0", "block 1 of");
	damaged(&file, file.n, ed_recsize, 2, "record size 2", "block 1 of");
	/* more blocks announced than present: array block, appendix, then
	 * nothing */
	damaged(&file, file.n, ed_nblocks, 9, "truncated block header",
		"block 4 of 9");
	free(file.p);

	/* a one-record file: bad element lengths, records missing */
	struct bytes one = {0}, recs = {0};
	put16(&one, 0xA50C);
	put16(&one, 2);
	for (int k = 0; k < 36; k++)
		put8(&one, 0);
	set32(&one, 36, 1);
	put16(&recs, 11);
	put16(&recs, 24);
	put16(&recs, 1);
	put16(&recs, 0);
	put32(&recs, 0);
	put16(&recs, 2);
	put16(&recs, 12);
	put32(&recs, 1);
	put32(&recs, 2);
	block_out(&one, COMP_NONE, 3, 1, &recs);
	write_bytes(tu_path("one.nfcapd"), one.p, one.n);
	int64_t(*rows)[FM_NFIELDS];
	struct fm_error err;
	assert_int_equal(
	    read_all(tu_path("one.nfcapd"), FM_ALL_FIELDS, &rows, &err), 1);
	assert_int_equal(rows[0][FM_SA3], 1);
	assert_int_equal(rows[0][FM_DA3], 2);
	free(rows);
	damaged(&one, one.n, ed_ellen, 0, "element 1 (id 2) has length 0",
		"block 1 of 1");
	damaged(&one, one.n, ed_ellen, 13, "element 1 (id 2) has length 13",
		"past the end");
	damaged(&one, one.n, ed_recsize, 0xffff,
		"runs past the end of the block", "record 1");
	damaged(&one, one.n, ed_recsize, 25,
		"record size 25 runs past the end of the block (24 bytes left)",
		"record 1");
	damaged(&one, one.n, ed_nrec, 2, "truncated record header", "record 2");
	free(one.p);
	free(recs.p);

	/* corrupt compressed payloads, in every algorithm */
	static const char *const names[] = {"", "LZO", "BZ2", "LZ4", "ZSTD"};
	for (int comp = COMP_LZO; comp <= COMP_ZSTD; comp++) {
		fl = make_layout2(&file, comp, 1, &n, 9);
		free(fl);
		damaged(&file, file.n, ed_payload, 0, names[comp],
			"block 1 of");
		free(file.p);
	}
}

/*
 * The 5 MiB block limit itself: a block of exactly FM_NFCAPD_BLOCK_MAX
 * bytes (stored, or decompressing to that size) is read; one byte more is
 * an error.  The block holds one flow, then filler records up to the size.
 */
static void limit_file(struct bytes *file, int comp, size_t len, struct flow *f)
{
	struct bytes recs = {0};
	uint64_t rs = 5;

	v3_record(&recs, f, &rs);
	while (recs.n < len) {
		size_t sz = len - recs.n;
		if (sz > 60000)
			sz = sz - 60000 < 4 ? 30000 : 60000;
		put16(&recs, 0x8001);
		put16(&recs, (uint16_t)sz);
		for (size_t z = 4; z < sz; z++)
			put8(&recs, (uint8_t)z);
	}
	assert_int_equal(recs.n, len);
	header2(file, comp, 1);
	uint32_t nrec = 0;
	for (size_t off = 0; off < recs.n;
	     off += (size_t)(recs.p[off + 2] | recs.p[off + 3] << 8))
		nrec++;
	block_out(file, comp, 3, nrec, &recs);
	free(recs.p);
}

static void test_block_limit(void **state)
{
	static const char *const names[] = {"above the 5 MiB limit", "LZO",
					    "BZ2", "LZ4", "ZSTD"};

	(void)state;
	for (int comp = COMP_NONE; comp <= COMP_ZSTD; comp++) {
		struct bytes file;
		struct flow f;
		limit_file(&file, comp, FM_NFCAPD_BLOCK_MAX, &f);
		write_bytes(tu_path("limit.nfcapd"), file.p, file.n);
		free(file.p);
		check_flows(tu_path("limit.nfcapd"), &f, 1);
		limit_file(&file, comp, FM_NFCAPD_BLOCK_MAX + 1, &f);
		write_bytes(tu_path("limit.nfcapd"), file.p, file.n);
		free(file.p);
		expect_error(tu_path("limit.nfcapd"), names[comp],
			     "block 1 of 1");
	}
}

/*
 * A block that announces one record more than it holds, after a larger
 * block whose records sit at the same offsets: the reader must stop at the
 * end of the block's own (decompressed) data, not read the stale records
 * the larger block left in the buffer.  Every compression.
 */
static void test_stale_records(void **state)
{
	(void)state;
	for (int comp = COMP_NONE; comp <= COMP_ZSTD; comp++) {
		struct bytes file, rec = {0}, big = {0}, small = {0};
		struct flow f;
		uint64_t rs = 17;
		v3_record(&rec, &f, &rs);
		for (int k = 0; k < 300; k++)
			put(&big, rec.p, rec.n);
		for (int k = 0; k < 100; k++)
			put(&small, rec.p, rec.n);
		header2(&file, comp, 2);
		block_out(&file, comp, 3, 300, &big);
		size_t second = file.n;
		block_out(&file, comp, 3, 100, &small);
		write_bytes(tu_path("stale.nfcapd"), file.p, file.n);
		int64_t(*rows)[FM_NFIELDS];
		struct fm_error err;
		assert_int_equal(read_all(tu_path("stale.nfcapd"),
					  FM_ALL_FIELDS, &rows, &err),
				 400);
		free(rows);
		set32(&file, second, 101);
		write_bytes(tu_path("stale.nfcapd"), file.p, file.n);
		expect_error(tu_path("stale.nfcapd"),
			     "record 101 (block offset",
			     "truncated record header (1 records announced, 0 "
			     "bytes left)");
		free(file.p);
		free(rec.p);
		free(big.p);
		free(small.p);
	}
}

/* A real corpus file, truncated at every length, never crashes or loops. */
static void test_truncations(void **state)
{
	const char *data = tu_shared_data();
	char p[4096];

	(void)state;
	if (!data)
		skip();
	static const char *const files[] = {"v9-none", "v9-lz4", "v16-none"};
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		size_t len;
		snprintf(p, sizeof(p), "%s/nfcapd/%s.nfcapd", data, files[k]);
		char *all = tu_read_file(p, &len);
		struct fm_nfcapd_out *o = malloc(sizeof(*o));
		assert_non_null(o);
		for (size_t cut = 0; cut < len; cut += 1 + cut / 16) {
			struct fm_nfcapd *d;
			struct fm_error err;
			long r;
			r = fm_nfcapd_open_mem(&d, "cut", all, cut, NULL, &err);
			if (r == 0) {
				while ((r = fm_nfcapd_decode(d, o, 512, &err)) >
				       0)
					;
				fm_nfcapd_free(d);
			}
			/* the data blocks end before the appendix: layout 2 may
			 * lose only it */
			assert_true(r < 0 || (strstr(files[k], "v9") &&
					      cut > len - 200));
		}
		free(o);
		free(all);
	}
}

/* ---- 4. directories ---- */

struct logbuf {
	char text[4096];
};

static void log_fn(void *ctx, enum fm_log_level level, const char *msg)
{
	struct logbuf *l = ctx;
	(void)level;
	strncat(l->text, msg, sizeof(l->text) - strlen(l->text) - 2);
	strcat(l->text, "\n");
}

static void test_directory(void **state)
{
	struct bytes file;
	size_t n;
	struct logbuf lb = {""};
	struct fm_log log = {log_fn, &lb};
	struct fm_reader_opts o = {FM_FORMAT_NFCAPD, FM_ALL_FIELDS, &log, 0};
	struct fm_reader *r;
	struct fm_batch b;
	struct fm_error err;
	long total = 0, k;

	(void)state;
	struct flow *fl = make_layout2(&file, COMP_LZ4, 2, &n, 21);
	assert_int_equal(tu_system("mkdir -p '%s/caps/sub'", tu_tmpdir()), 0);
	write_bytes(tu_path("caps/nfcapd.202601010000"), file.p, file.n);
	write_bytes(tu_path("caps/sub/nfcapd.202601010005"), file.p, file.n);
	write_bytes(tu_path("caps/nfcapd.current.1234"), file.p, file.n);
	tu_write_file(tu_path("caps/README"), "capture folder\n");
	tu_write_file(tu_path("caps/.nfstat"), "");
	const char *paths[1] = {tu_path("caps")};
	assert_int_equal(fm_reader_open(&r, &o, paths, 1, &err), 0);
	while ((k = fm_reader_next(r, &b, FM_BATCH_CAP, &err)) > 0)
		total += k;
	assert_int_equal(k, 0);
	fm_reader_free(r);
	assert_int_equal(total, (long)(2 * n));
	assert_non_null(strstr(lb.text, "nfcapd.current.1234: skipped"));
	assert_non_null(strstr(lb.text, "README: skipped: not an nfcapd file"));
	assert_non_null(strstr(lb.text, ".nfstat: skipped"));
	/* named explicitly, a non-capture file is an error */
	expect_error(tu_path("caps/README"), "not an nfcapd file", NULL);
	free(fl);
	free(file.p);
}

/* A header that counts no blocks before data: one warning, no flows, in
 * both layouts (layout 1 said nothing before). */
static void test_zero_blocks(void **state)
{
	(void)state;
	for (int layout = 1; layout <= 2; layout++) {
		struct bytes file;
		size_t n;
		struct logbuf lb = {""};
		struct fm_log log = {log_fn, &lb};
		struct fm_reader_opts o = {FM_FORMAT_NFCAPD, FM_ALL_FIELDS,
					   &log, 0};
		struct fm_reader *r;
		struct fm_batch b;
		struct fm_error err;
		struct flow *fl =
		    layout == 1 ? make_layout1(&file, COMP_NONE, &n, 3)
				: make_layout2(&file, COMP_NONE, 2, &n, 3);
		const char *paths[1] = {tu_path("zero.nfcapd")};

		set32(&file, layout == 1 ? 8 : 36, 0);
		write_bytes(paths[0], file.p, file.n);
		assert_int_equal(fm_reader_open(&r, &o, paths, 1, &err), 0);
		assert_int_equal(fm_reader_next(r, &b, FM_BATCH_CAP, &err), 0);
		fm_reader_free(r);
		assert_non_null(strstr(
		    lb.text, "zero.nfcapd: the header counts no data blocks"));
		assert_null(strstr(strstr(lb.text, "no data blocks") + 1,
				   "no data blocks"));
		free(fl);
		free(file.p);
	}
}

/*
 * Position: read 1000 records at a time, the bytes consumed grow with
 * the records, also inside a block (a block holds thousands), never past
 * the file's size: what progress and top's sizing (records foretold from
 * the first batch) go by.
 */
static void test_position(void **state)
{
	static const enum fm_nfcapd_comp comps[] = {FM_NFCAPD_NONE,
						    FM_NFCAPD_LZ4};
	const char *path = tu_path("position.nfcapd");
	struct fm_batch b;
	uint64_t seed = 5;

	(void)state;
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 12000), 0);
	for (size_t i = 0; i < 12000; i++)
		tu_random_record(&b, i, &seed);
	b.n = 12000;
	for (size_t c = 0; c < sizeof(comps) / sizeof(comps[0]); c++) {
		struct fm_writer_opts wo = {.format = FM_FORMAT_NFCAPD,
					    .threads = 1,
					    .compress = comps[c]};
		struct fm_reader_opts ro = {FM_FORMAT_NFCAPD, FM_ALL_FIELDS,
					    NULL, 0};
		struct fm_writer *w;
		struct fm_reader *r;
		struct fm_batch in;
		struct fm_error err = {0};
		uint64_t done, total, last = 0;
		long n, steps = 0, read = 0;

		assert_int_equal(fm_writer_open(&w, &wo, path, &err), 0);
		assert_int_equal(fm_writer_write(w, &b, &err), 0);
		assert_int_equal(fm_writer_commit(w, &err), 0);
		fm_writer_free(w);
		assert_int_equal(fm_reader_open(&r, &ro, &path, 1, &err), 0);
		while ((n = fm_reader_next(r, &in, 1000, &err)) > 0) {
			read += n;
			fm_reader_position(r, &done, &total);
			assert_true(done >= last);
			assert_true(done <= total);
			if (read < 12000 && done > last)
				steps++;
			last = done;
		}
		assert_int_equal(n, 0);
		assert_int_equal(read, 12000);
		/* 11 of the 12 batches end inside a block */
		assert_true(steps >= 10);
		fm_reader_free(r);
	}
	fm_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus),
	    cmocka_unit_test(test_lent_buffer),
	    cmocka_unit_test(test_synthetic_layout2),
	    cmocka_unit_test(test_synthetic_layout1),
	    cmocka_unit_test(test_damaged),
	    cmocka_unit_test(test_block_limit),
	    cmocka_unit_test(test_stale_records),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_directory),
	    cmocka_unit_test(test_zero_blocks),
	    cmocka_unit_test(test_position),
	};
	if (getenv("FM_TEST_FILTER")) /* e.g. FM_TEST_FILTER=test_damaged */
		cmocka_set_test_filter(getenv("FM_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}

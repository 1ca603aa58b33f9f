/*
 * io-nfcapd-write.c - the nfcapd writer: nfdump 1.7's layout 2
 * (NFCAPD-FORMAT.md), so that nfdump 1.7 (Debian 12: 1.7.1) reads what
 * flowmodels writes.
 *
 * File: a 40-byte header (written as zeros first, filled in at commit),
 * data blocks of type 3, each at most about 1 MiB of records before
 * compression (as nfcapd flushes), then one appendix block with the ident
 * record ("flowmodels") and the stat record (per-file totals).  Every
 * block's payload is compressed alone with the file's algorithm: none, a
 * bare LZO1X-1 stream, a raw LZ4 block (the default, as nfcapd's -z=lz4)
 * or a zstd frame (nfdump reads zstd from 1.7.3 only).
 *
 * A record is one V3 record (type 11) with the elements genericFlow (1),
 * ipv4Flow (2) or ipv6Flow (3, for af 10) and flowMisc (4, interfaces),
 * in host (little-endian) byte order like nfdump.  Values that do not fit
 * nfdump's fields (a port above 65535, a negative time, ...) are an error
 * naming the record, never truncated.  `aggs` has no place nfdump prints
 * and is not stored (nfcapd input reads it as 0, SPEC 2).
 */
#include <errno.h>
#include <lz4.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "io-int.h"

#define HEADER_SIZE 40
#define BLOCK_HEADER 12
#define BLOCK_FLUSH (1u << 20) /* uncompressed bytes of a block */
#define REC_V4 96
#define REC_V6 120
#define IDENT "flowmodels"

struct fm_nfcapd_writer {
	struct fm_outfile out;
	enum fm_nfcapd_comp comp;
	unsigned char *raw; /* records of the block being filled */
	size_t raw_len;
	uint32_t raw_records;
	unsigned char *zbuf; /* compressed payload */
	size_t zcap;
	void *lzo_work;
	uint64_t offset; /* bytes written so far */
	uint32_t blocks;
	uint64_t records;
	/* the stat record: flows, bytes, packets; by tcp/udp/icmp/other */
	uint64_t stat[18];
	int have_first;
};

static void put16(unsigned char *p, uint64_t v)
{
	uint16_t x = (uint16_t)v;
	memcpy(p, &x, 2);
}

static void put32(unsigned char *p, uint64_t v)
{
	uint32_t x = (uint32_t)v;
	memcpy(p, &x, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

int fm_nfcapd_comp_parse(const char *name, enum fm_nfcapd_comp *out)
{
	static const char *const names[] = {"none", "lzo", "bz2", "lz4",
					    "zstd"};
	for (int k = 0; k < 5; k++)
		if (k != FM_NFCAPD_BZ2 && !strcmp(name, names[k])) {
			*out = (enum fm_nfcapd_comp)k;
			return 0;
		}
	return FM_EINVAL;
}

int fm_nfcapd_writer_open(struct fm_nfcapd_writer **out, const char *path,
			  enum fm_nfcapd_comp comp, struct fm_error *err)
{
	struct fm_nfcapd_writer *w = calloc(1, sizeof(*w));
	unsigned char zero[HEADER_SIZE] = {0};
	int r;

	if (!w)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	w->comp = comp;
	w->zcap = (size_t)ZSTD_compressBound(BLOCK_FLUSH + REC_V6) + 1024;
	if (!(w->raw = malloc(BLOCK_FLUSH + REC_V6)) ||
	    !(w->zbuf = malloc(w->zcap)) ||
	    (comp == FM_NFCAPD_LZO &&
	     (lzo_init() != LZO_E_OK ||
	      !(w->lzo_work = malloc(LZO1X_1_MEM_COMPRESS))))) {
		fm_nfcapd_writer_free(w);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if ((r = fm_outfile_open(&w->out, path, 0, err)) < 0) {
		fm_nfcapd_writer_free(w);
		return r;
	}
	if (fm_buf_add(&w->out.buf, zero, HEADER_SIZE) < 0) {
		fm_nfcapd_writer_free(w);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	w->offset = HEADER_SIZE;
	*out = w;
	return 0;
}

/* Compress and queue the block being filled (type 3). */
static int flush_block(struct fm_nfcapd_writer *w, struct fm_error *err)
{
	unsigned char h[BLOCK_HEADER];
	const unsigned char *payload = w->raw;
	size_t len = w->raw_len;

	if (!w->raw_records)
		return 0;
	if (w->comp == FM_NFCAPD_LZ4) {
		int n =
		    LZ4_compress_default((const char *)w->raw, (char *)w->zbuf,
					 (int)w->raw_len, (int)w->zcap);
		if (n <= 0)
			return fm_error_set(err, FM_EIO,
					    "%s: LZ4 compression failed",
					    w->out.path);
		payload = w->zbuf;
		len = (size_t)n;
	} else if (w->comp == FM_NFCAPD_LZO) {
		lzo_uint n = w->zcap;
		if (lzo1x_1_compress(w->raw, w->raw_len, w->zbuf, &n,
				     w->lzo_work) != LZO_E_OK)
			return fm_error_set(err, FM_EIO,
					    "%s: LZO compression failed",
					    w->out.path);
		payload = w->zbuf;
		len = n;
	} else if (w->comp == FM_NFCAPD_ZSTD) {
		size_t n =
		    ZSTD_compress(w->zbuf, w->zcap, w->raw, w->raw_len, 3);
		if (ZSTD_isError(n))
			return fm_error_set(err, FM_EIO,
					    "%s: zstd compression failed: %s",
					    w->out.path, ZSTD_getErrorName(n));
		payload = w->zbuf;
		len = n;
	}
	put32(h, w->raw_records);
	put32(h + 4, len);
	put16(h + 8, 3);
	put16(h + 10, 0);
	if (fm_buf_add(&w->out.buf, h, BLOCK_HEADER) < 0 ||
	    fm_buf_add(&w->out.buf, payload, len) < 0)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	w->offset += BLOCK_HEADER + len;
	w->raw_len = 0;
	w->raw_records = 0;
	return fm_outfile_maybe_flush(&w->out, err);
}

/* Check that v fits [0, max]; the error names the record and field. */
static int fits(const struct fm_nfcapd_writer *w, uint64_t rec, int f,
		int64_t v, uint64_t max, struct fm_error *err)
{
	if (v >= 0 && (uint64_t)v <= max)
		return 0;
	return fm_error_set(err, FM_ERANGE,
			    "%s: record %llu: %s %lld does not fit "
			    "nfcapd's field (0..%llu)",
			    w->out.path, (unsigned long long)rec + 1,
			    fm_field_name(f), (long long)v,
			    (unsigned long long)max);
}

/* The V3 record of record i of b at p; returns its size or an error. */
static int put_record(struct fm_nfcapd_writer *w, const struct fm_batch *b,
		      size_t i, unsigned char *p, struct fm_error *err)
{
	static const int narrow[][2] = {
	    {FM_SP, 0xffff},	{FM_DP, 0xffff},   {FM_PROT, 0xff},
	    {FM_FIRST_MS, 999}, {FM_LAST_MS, 999},
	};
	int64_t af = b->col[FM_AF][i];
	int v6 = af == 10, size = v6 ? REC_V6 : REC_V4, r;
	uint64_t rec = w->records;

	if (af != 0 && af != 2 && af != 10)
		return fm_error_set(err, FM_ERANGE,
				    "%s: record %llu: af %lld is "
				    "neither IPv4 (2) nor IPv6 (10)",
				    w->out.path, (unsigned long long)rec + 1,
				    (long long)af);
	for (size_t k = 0; k < sizeof(narrow) / sizeof(narrow[0]); k++)
		if ((r = fits(w, rec, narrow[k][0], b->col[narrow[k][0]][i],
			      (uint64_t)narrow[k][1], err)) < 0)
			return r;
	for (int f = FM_INIF; f <= FM_OUTIF; f++)
		if ((r = fits(w, rec, f, b->col[f][i], 0xffffffffu, err)) < 0)
			return r;
	for (int f = FM_SA0; f <= FM_DA3; f++)
		if ((r = fits(w, rec, f, b->col[f][i], 0xffffffffu, err)) < 0)
			return r;
	for (int f = FM_FIRST; f <= FM_LAST; f += 2)
		if ((r = fits(w, rec, f, b->col[f][i], UINT64_MAX / 1000 - 1,
			      err)) < 0)
			return r;
	memset(p, 0, (size_t)size);
	put16(p, 11);
	put16(p + 2, (uint64_t)size);
	put16(p + 4, 3);
	p[11] = 9; /* nfversion: NetFlow v9 */
	unsigned char *e = p + 12;
	put16(e, 1); /* genericFlow */
	put16(e + 2, 52);
	put64(e + 4, (uint64_t)b->col[FM_FIRST][i] * 1000 +
			 (uint64_t)b->col[FM_FIRST_MS][i]);
	put64(e + 12, (uint64_t)b->col[FM_LAST][i] * 1000 +
			  (uint64_t)b->col[FM_LAST_MS][i]);
	put64(e + 28, (uint64_t)b->col[FM_PACKETS][i]);
	put64(e + 36, (uint64_t)b->col[FM_OCTETS][i]);
	put16(e + 44, (uint64_t)b->col[FM_SP][i]);
	put16(e + 46, (uint64_t)b->col[FM_DP][i]);
	e[48] = (unsigned char)b->col[FM_PROT][i];
	e += 52;
	if (v6) {
		put16(e, 3);
		put16(e + 2, 36);
		for (int k = 0; k < 2; k++) {
			int f = k ? FM_DA0 : FM_SA0;
			put64(e + 4 + 16 * k, (uint64_t)b->col[f][i] << 32 |
						  (uint64_t)b->col[f + 1][i]);
			put64(e + 12 + 16 * k,
			      (uint64_t)b->col[f + 2][i] << 32 |
				  (uint64_t)b->col[f + 3][i]);
		}
		e += 36;
	} else {
		put16(e, 2);
		put16(e + 2, 12);
		put32(e + 4, (uint64_t)b->col[FM_SA3][i]);
		put32(e + 8, (uint64_t)b->col[FM_DA3][i]);
		e += 12;
	}
	put16(e, 4); /* flowMisc: interfaces */
	put16(e + 2, 20);
	put32(e + 4, (uint64_t)b->col[FM_INIF][i]);
	put32(e + 8, (uint64_t)b->col[FM_OUTIF][i]);
	return size;
}

/* Add record i to the stat record's counters. */
static void count(struct fm_nfcapd_writer *w, const struct fm_batch *b,
		  size_t i)
{
	int64_t prot = b->col[FM_PROT][i];
	int kind = prot == 6		     ? 0
		   : prot == 17		     ? 1
		   : prot == 1 || prot == 58 ? 2
					     : 3;
	uint64_t packets = (uint64_t)b->col[FM_PACKETS][i];
	uint64_t bytes = (uint64_t)b->col[FM_OCTETS][i];
	uint64_t first = (uint64_t)b->col[FM_FIRST][i] * 1000 +
			 (uint64_t)b->col[FM_FIRST_MS][i];
	uint64_t last = (uint64_t)b->col[FM_LAST][i] * 1000 +
			(uint64_t)b->col[FM_LAST_MS][i];

	w->stat[0]++;
	w->stat[1] += bytes;
	w->stat[2] += packets;
	w->stat[3 + kind]++;
	w->stat[7 + kind] += bytes;
	w->stat[11 + kind] += packets;
	if (!w->have_first || first < w->stat[15])
		w->stat[15] = first;
	if (!w->have_first || last > w->stat[16])
		w->stat[16] = last;
	w->have_first = 1;
}

int fm_nfcapd_writer_write(struct fm_nfcapd_writer *w, const struct fm_batch *b,
			   struct fm_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		int size = put_record(w, b, i, w->raw + w->raw_len, err);
		if (size < 0)
			return size;
		w->raw_len += (size_t)size;
		w->raw_records++;
		w->records++;
		count(w, b, i);
		if (w->raw_len >= BLOCK_FLUSH) {
			int r = flush_block(w, err);
			if (r < 0)
				return r;
			w->blocks++;
		}
	}
	return 0;
}

int fm_nfcapd_writer_commit(struct fm_nfcapd_writer *w, struct fm_error *err)
{
	unsigned char h[HEADER_SIZE];
	uint64_t appendix;
	int r;

	if (w->raw_records) {
		if ((r = flush_block(w, err)) < 0)
			return r;
		w->blocks++;
	}
	/* the appendix: ident and stat records in one block */
	appendix = w->offset;
	size_t il = 4 + sizeof(IDENT);
	put16(w->raw, 0x8001);
	put16(w->raw + 2, il);
	memcpy(w->raw + 4, IDENT, sizeof(IDENT));
	put16(w->raw + il, 0x8002);
	put16(w->raw + il + 2, 148);
	for (int k = 0; k < 18; k++)
		put64(w->raw + il + 4 + 8 * k, w->stat[k]);
	w->raw_len = il + 148;
	w->raw_records = 2;
	if ((r = flush_block(w, err)) < 0)
		return r;
	memset(h, 0, sizeof(h));
	put16(h, 0xa50c);
	put16(h + 2, 2);
	put32(h + 4, 0x01070100);
	put64(h + 8, w->stat[15] / 1000); /* created: the first flow */
	h[16] = (unsigned char)w->comp;
	put16(h + 18, 1);
	put64(h + 24, appendix);
	put32(h + 36, w->blocks);
	if ((r = fm_outfile_flush(&w->out, err)) < 0)
		return r;
	if (pwrite(w->out.fd, h, HEADER_SIZE, 0) != HEADER_SIZE)
		return fm_error_set(err, FM_EIO, "%s: %s", w->out.path,
				    strerror(errno));
	return fm_outfile_commit(&w->out, err);
}

void fm_nfcapd_writer_free(struct fm_nfcapd_writer *w)
{
	if (!w)
		return;
	fm_outfile_discard(&w->out);
	free(w->raw);
	free(w->zbuf);
	free(w->lzo_work);
	free(w);
}

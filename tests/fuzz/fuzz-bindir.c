/*
 * fuzz-bindir.c - libFuzzer target for the binary directory reader: the
 * directory scanner (bindir.c: names FIELD.CODE, unknown codes, two files
 * for one field, other names) and the binary source (io-binary.c: field
 * files of odd sizes and different lengths, every type code, real values
 * out of range) through its three ways of reading: next (int64 columns),
 * next_raw (stored widths) and next_cols + gather (late materialisation).
 *
 * Input: byte 0 picks the way of reading and the batch size, bytes 1-3
 * the fields wanted; then entries until the input ends, each a name byte
 * (the field: a field index below 21, else an odd name), a code byte (an
 * index into the type codes, or a code that is none), a 16-bit length
 * and that many bytes of content (fewer at the end of the input).  The
 * files go into a directory of their own under /dev/shm (shmdir.h; the
 * reader maps them) that is emptied for every input.
 *
 * Whatever the input: a clean error or records, never a crash; reading
 * the same directory with next and with next_raw gives the same number of
 * records when both succeed, and the same values in 64-bit columns.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bindir.h"
#include "io-int.h"
#include "shmdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Batches of at most CAP records (fm_binary_source_open_cap): the same
 * code paths as FM_BATCH_CAP, without 2.8 MiB to allocate and clear per
 * input (which held this target at ~1,800 executions a CPU second);
 * unit/test-bincap shows the records are the same. */
#define CAP 1024

static const char *dir; /* fuzz_shmdir */

/* The name of an entry: FIELD.CODE for the usual case, odd ones else. */
static void entry_name(uint8_t nb, uint8_t cb, char *name, size_t size)
{
	static const char odd_codes[] = "xZ0.";
	static const char *const odd_names[] = {
	    "packets",	"packets.",  "packets.QQ",	".x",
	    "nosuch.Q", "PACKETS.Q", "packets.Q.tmp.1", "octets.tmp.abc",
	    "sa0.i~"};
	size_t ncodes = strlen(fm_bin_codes);

	if (nb < FM_NFIELDS) {
		char code = cb % 16 < ncodes ? fm_bin_codes[cb % 16]
					     : odd_codes[cb % 16 - ncodes];
		snprintf(name, size, "%s.%c", fm_field_name(nb), code);
	} else {
		snprintf(name, size, "%s",
			 odd_names[(nb - FM_NFIELDS) %
				   (sizeof(odd_names) / sizeof(odd_names[0]))]);
	}
}

/* Write the entries of the input into dir; returns 0 or -1. */
static int write_entries(const uint8_t *p, const uint8_t *end)
{
	while (end - p >= 4) {
		char name[64], path[256];
		size_t len = (size_t)p[2] | (size_t)p[3] << 8;
		int fd;

		entry_name(p[0], p[1], name, sizeof(name));
		p += 4;
		if (len > (size_t)(end - p))
			len = (size_t)(end - p);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		fd =
		    open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
		if (fm_write_all(fd, p, len) < 0) {
			close(fd);
			return -1;
		}
		close(fd);
		p += len;
	}
	return 0;
}

/* Read the whole directory with next; *sum64 adds the 64-bit columns. */
static long read_next(uint32_t fields, size_t max, int64_t *n,
		      const char *codes, uint64_t *sum64)
{
	struct fm_source *src;
	struct fm_error err;
	struct fm_batch b;
	long r;

	*n = 0;
	if (fm_binary_source_open_cap(&src, dir, fields, NULL, CAP, &err) < 0)
		return -1;
	while ((r = src->ops->next(src, &b, max, &err)) > 0) {
		if ((size_t)r > max || r > CAP)
			abort();
		*n += r;
		for (int f = 0; f < FM_NFIELDS; f++)
			if ((fields & FM_FIELD_BIT(f)) &&
			    (codes[f] == 'q' || codes[f] == 'Q'))
				for (long i = 0; i < r; i++)
					*sum64 += (uint64_t)b.col[f][i];
	}
	src->ops->close(src);
	return r;
}

/* The same with next_raw. */
static long read_raw(uint32_t fields, size_t max, int64_t *n, const char *codes,
		     uint64_t *sum64)
{
	struct fm_source *src;
	struct fm_error err;
	struct fm_raw_batch b;
	long r;

	*n = 0;
	if (fm_binary_source_open_cap(&src, dir, fields, NULL, CAP, &err) < 0)
		return -1;
	while ((r = src->ops->next_raw(src, &b, max, &err)) > 0) {
		if ((size_t)r > max || r > CAP || b.n != (size_t)r)
			abort();
		*n += r;
		for (int f = 0; f < FM_NFIELDS; f++)
			if ((fields & FM_FIELD_BIT(f)) &&
			    (codes[f] == 'q' || codes[f] == 'Q')) {
				if (b.code[f] != 'q' && b.code[f] != 'Q')
					abort();
				for (long i = 0; i < r; i++) {
					uint64_t v;
					memcpy(&v,
					       (const char *)b.col[f] +
						   (size_t)i * 8,
					       8);
					*sum64 += v;
				}
			}
	}
	src->ops->close(src);
	return r;
}

/* next_cols on some fields, then gather of every other record and of all
 * of them; or skip, then next. */
static void read_cols(uint32_t fields, size_t max, int skip)
{
	static uint32_t idx[CAP];
	static struct fm_batch dst; /* allocated once */
	struct fm_source *src;
	struct fm_error err;
	struct fm_batch b, all;
	long r;

	if (fm_binary_source_open_cap(&src, dir, fields, NULL, CAP, &err) < 0)
		return;
	if (skip) {
		(void)src->ops->skip(src, (int64_t)max * 3, &err);
		while (src->ops->next(src, &b, max, &err) > 0)
			;
		src->ops->close(src);
		return;
	}
	if (!dst.store && fm_batch_alloc(&dst, FM_ALL_FIELDS, CAP) < 0) {
		src->ops->close(src);
		return;
	}
	while ((r = src->ops->next_cols(src, &b, max, fields & 0x5555, &err)) >
	       0) {
		size_t k = 0;
		for (long i = 0; i < r; i += 2)
			idx[k++] = (uint32_t)i;
		if (src->ops->gather(src, idx, k, fields, &dst, &err) < 0)
			break;
		/* the pass-through: all's columns then point into the
		 * source (never an owned batch: it would repoint its columns)
		 */
		memset(&all, 0, sizeof(all));
		if (src->ops->gather(src, NULL, (size_t)r, fields, &all, &err) <
		    0)
			break;
	}
	src->ops->close(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = {1, 2, 3, 7, 64, CAP, FM_BATCH_CAP, 5};
	char codes[FM_NFIELDS];
	struct fm_error err;
	uint32_t fields;
	size_t max;

	if (size < 4)
		return 0;
	if (!dir)
		dir = fuzz_shmdir("bindir");
	fuzz_empty_dir(dir);
	if (write_entries(data + 4, data + size) < 0)
		return 0;
	fields = ((uint32_t)data[1] | (uint32_t)data[2] << 8 |
		  (uint32_t)data[3] << 16) &
		 FM_ALL_FIELDS;
	max = sizes[(data[0] >> 2) % (sizeof(sizes) / sizeof(sizes[0]))];
	if (fm_bindir_scan(dir, codes, &err) < 0)
		memset(codes, 0, sizeof(codes));
	switch (data[0] & 3) {
	case 0:
	case 1: {
		int64_t n1, n2;
		uint64_t s1 = 0, s2 = 0;
		long r1 = read_next(fields, max, &n1, codes, &s1);
		long r2 = read_raw(fields, max, &n2, codes, &s2);
		if (r1 == 0 && r2 == 0 && (n1 != n2 || s1 != s2))
			abort();
		break;
	}
	default:
		read_cols(fields, max, (data[0] & 3) == 3);
	}
	return 0;
}

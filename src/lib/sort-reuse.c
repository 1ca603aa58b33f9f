/*
 * sort-reuse.c - a reused sort index (-I) that does not fit the memory
 * budget (issue 24).
 *
 * Loaded, an index costs 4 or 8 bytes a record, a bitmap checking that it
 * is a permutation, and the staging of a column for the gathers.  Past
 * the budget the index file is only read through its mapping, page by
 * page (the pages dropped again): reuse_check once, for the range of its
 * values and whether it is the identity (then the columns are copied as
 * they are), and reuse_order in passes of the budget's size, writing its
 * inverse - every record's position in the output - to a temporary file
 * and finding a repeated value on the way.  Sorting the records by that
 * position with the external merge sort (sort-ext.c) gives them in the
 * index's order: the output of the loaded index, byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/inflight.h"
#include "io-int.h"
#include "sort-int.h"

#define BLOCK ((uint64_t)1 << 20) /* index bytes read between drops */
#define PASS_MIN 65536		  /* positions per pass at least */

uint64_t reuse_cost(uint64_t n, int wide)
{
	/* the loaded index, its check bitmap, a staged column */
	return n * (wide ? 8 : 4) + n / 8 + n * 8;
}

/* Map the index file ipath of n entries of code c, checking its size. */
static int map_index(const char *ipath, char c, uint64_t n,
		     const unsigned char **map, size_t *len,
		     struct fm_error *err)
{
	struct stat st;
	int fd = open(ipath, O_RDONLY | O_CLOEXEC);
	size_t es = fm_code_size(c);

	*map = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return fm_error_set(err, FM_EIO, "index %s: %s", ipath,
				    strerror(e));
	}
	if ((uint64_t)st.st_size != n * es) {
		close(fd);
		return fm_error_set(err, FM_EFORMAT,
				    "index %s: %llu bytes, but %llu records "
				    "of %zu bytes are to be sorted",
				    ipath, (unsigned long long)st.st_size,
				    (unsigned long long)n, es);
	}
	if (n) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED,
			       fd, 0);
		if (m == MAP_FAILED) {
			int e = errno;
			close(fd);
			return fm_error_set(err, FM_EIO, "index %s: mmap: %s",
					    ipath, strerror(e));
		}
		*map = m;
		*len = (size_t)st.st_size;
		fm_inflight_map_add(m, *len, ipath);
		madvise(m, *len, MADV_SEQUENTIAL);
	}
	close(fd);
	return 0;
}

static void unmap_index(const unsigned char *map, size_t len)
{
	if (map) {
		fm_inflight_map_del(map);
		munmap((void *)map, len);
	}
}

static int bad_entry(const char *ipath, uint64_t i, uint64_t v, uint64_t n,
		     int repeated, struct fm_error *err)
{
	return fm_error_set(err, FM_EFORMAT,
			    "index %s: entry %llu: %s %llu: not a permutation "
			    "of %llu records",
			    ipath, (unsigned long long)i,
			    repeated ? "repeated value" : "out-of-range value",
			    (unsigned long long)v, (unsigned long long)n);
}

int reuse_check(const char *ipath, char c, uint64_t n, int *identity,
		struct fm_error *err)
{
	const unsigned char *map;
	size_t len, es = fm_code_size(c);
	char kc = c == 'L' ? 'Q' : c;
	uint64_t moved = 0;
	int r = map_index(ipath, c, n, &map, &len, err);

	for (uint64_t i = 0; r == 0 && i < n; i++) {
		uint64_t v = map_key(map, kc, i);
		if (v >= n)
			r = bad_entry(ipath, i, v, n, 0, err);
		moved |= v ^ i;
		if ((i + 1) * es % BLOCK == 0)
			sort_drop_pages(map, len, (i + 1) * es - BLOCK, BLOCK);
	}
	*identity = r == 0 && !moved;
	unmap_index(map, len);
	return r;
}

/* Write buf (k positions) at position lo of the order file fd. */
static int write_pass(int fd, const unsigned char *buf, uint64_t k,
		      uint64_t off, const char *what, struct fm_error *err)
{
	size_t done = 0, len = (size_t)k;

	while (done < len) {
		ssize_t w =
		    pwrite(fd, buf + done, len - done, (off_t)(off + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fm_error_set(err, FM_EIO, "%s: write: %s", what,
					    strerror(errno));
		done += (size_t)w;
	}
	return 0;
}

/* Positions [lo, hi) of the inverse into buf (checked by seen). */
static int order_pass(const char *ipath, const unsigned char *map, size_t len,
		      char c, uint64_t n, uint64_t lo, uint64_t hi,
		      unsigned char *buf, size_t oes, uint8_t *seen,
		      struct fm_error *err)
{
	size_t es = fm_code_size(c);
	char kc = c == 'L' ? 'Q' : c;

	memset(seen, 0, (size_t)((hi - lo + 7) / 8));
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = map_key(map, kc, i);
		if (v >= lo && v < hi) {
			uint64_t q = v - lo;
			if (seen[q / 8] & (1u << (q % 8)))
				return bad_entry(ipath, i, v, n, 1, err);
			seen[q / 8] |= (uint8_t)(1u << (q % 8));
			/* little-endian, as every array of the format */
			memcpy(buf + q * oes, &i, oes);
		}
		if ((i + 1) * es % BLOCK == 0)
			sort_drop_pages(map, len, (i + 1) * es - BLOCK, BLOCK);
	}
	return 0;
}

int reuse_order(const char *ipath, char c, uint64_t first, uint64_t n,
		uint64_t budget, const char *wd, struct sarray *order,
		char **otmp, struct fm_error *err)
{
	const unsigned char *map = NULL;
	unsigned char *buf = NULL;
	uint8_t *seen = NULL;
	size_t len = 0;
	int fd = -1, r;
	char ocode = n > (uint64_t)UINT32_MAX + 1 ? 'Q' : 'I';
	size_t oes = fm_code_size(ocode);
	uint64_t per = budget / 2 / (oes + 1);

	if (per < PASS_MIN)
		per = PASS_MIN;
	if (per > n)
		per = n ? n : 1;
	memset(order, 0, sizeof(*order));
	order->code = ocode;
	order->esize = oes;
	snprintf(order->path, sizeof(order->path), "%s/sort-order", wd);
	r = map_index(ipath, c, n, &map, &len, err);
	if (r == 0)
		r = fm_tmpfile_beside(order->path, otmp, &fd, err);
	if (r == 0) {
		buf = malloc((size_t)per * oes);
		seen = malloc((size_t)(per + 7) / 8);
		if (!buf || !seen)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	/* the records before first are a hole */
	if (r == 0 && ftruncate(fd, (off_t)((first + n) * oes)) < 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", *otmp, strerror(errno));
	for (uint64_t lo = 0; r == 0 && lo < n; lo += per) {
		uint64_t hi = n - lo < per ? n : lo + per;
		r = order_pass(ipath, map, len, c, n, lo, hi, buf, oes, seen,
			       err);
		if (r == 0)
			r = write_pass(fd, buf, (hi - lo) * oes,
				       (first + lo) * oes, *otmp, err);
	}
	free(buf);
	free(seen);
	unmap_index(map, len);
	if (r == 0 && n) {
		void *m = mmap(NULL, (size_t)((first + n) * oes), PROT_READ,
			       MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			r = fm_error_set(err, FM_EIO, "%s: mmap: %s", *otmp,
					 strerror(errno));
		else {
			order->map = m;
			order->maplen = (size_t)((first + n) * oes);
		}
	}
	if (fd >= 0)
		close(fd);
	snprintf(order->path, sizeof(order->path), "%s", *otmp ? *otmp : "");
	return r;
}

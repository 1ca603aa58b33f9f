/*
 * sort.c - stable multi-key sort of binary directories on disk (SPEC 5).
 *
 * The permutation of the records is built in memory by sort-perm.c (its
 * comment has the design of that part).  Then:
 * 3. Each field array is then permuted on its own, by up to 4 threads
 *    taking the columns largest first: the first thread reads its input
 *    into a reused staging buffer (the others, and columns under 2 MiB or
 *    over 2 GiB, use the memory map), gathers it through the index in
 *    chunks and writes a temporary file.  A column whose values are all
 *    equal is written without gathering (and left untouched when sorting
 *    a whole directory in place); with the identity, columns are copied
 *    by the kernel (copy_file_range) or, in place, left alone.  Every file
 *    is renamed into place only when all are done.
 * Memory: 12 bytes per record while a two-pass index is built (up to 20,
 * or 48 for a very wide key), then the index (4 bytes per record) plus
 * one staging buffer of up to 8 bytes per record, plus chunks.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/sort.h"
#include "flowmodels/inflight.h"
#include "flowmodels/memlimit.h"
#include "bigmem.h"
#include "bindir.h"
#include "io-int.h"
#include "sort-int.h"

#define CHUNK 65536

/* ---- the directory ---- */

static int map_file(const char *path, const unsigned char **map, size_t *len,
		    struct fm_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*map = NULL;
	*len = 0;
	if (fd < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", path,
				    strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return fm_error_set(err, FM_EIO, "%s: %s", path, strerror(e));
	}
	if (st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED,
			       fd, 0);
		if (m == MAP_FAILED) {
			int e = errno;
			close(fd);
			return fm_error_set(err, FM_EIO, "%s: mmap: %s", path,
					    strerror(e));
		}
		*map = m;
		*len = (size_t)st.st_size;
		fm_inflight_map_add(m, *len, path);
	}
	close(fd);
	return 0;
}

static void unmap(struct sarray *s)
{
	if (s->map) {
		fm_inflight_map_del(s->map);
		munmap((void *)s->map, s->maplen);
	}
	s->map = NULL;
}

/* Every field array of dir, in field order, checked for one length. */
static int list_fields(const char *dir, struct sarray *arr, size_t *narr,
		       uint64_t *nrec, struct fm_error *err)
{
	struct stat st;
	const char *len_from = NULL;
	size_t k = 0;

	if (stat(dir, &st) < 0)
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fm_error_set(
		    err, FM_EINVAL,
		    "%s: not a directory (sort reads a binary directory)", dir);
	*nrec = 0;
	char codes[FM_NFIELDS];
	int r = fm_bindir_scan(dir, codes, err);
	if (r < 0)
		return r;
	for (int f = 0; f < FM_NFIELDS; f++) {
		char code = codes[f];
		if (!code)
			continue;
		struct sarray *s = &arr[k];
		memset(s, 0, sizeof(*s));
		s->field = f;
		s->code = code;
		s->esize = fm_code_size(code);
		snprintf(s->path, sizeof(s->path), "%s/%s.%c", dir,
			 fm_field_name(f), code);
		if (stat(s->path, &st) < 0)
			return fm_error_set(err, FM_EIO, "%s: %s", s->path,
					    strerror(errno));
		if ((uint64_t)st.st_size % s->esize)
			return fm_error_set(
			    err, FM_EFORMAT,
			    "%s: size %lld is not a multiple of %zu (type "
			    "'%c'): truncated array",
			    s->path, (long long)st.st_size, s->esize, code);
		uint64_t n = (uint64_t)st.st_size / s->esize;
		if (len_from && n != *nrec)
			return fm_error_set(err, FM_EFORMAT,
					    "%s: %llu records, but %s has "
					    "%llu: arrays of different lengths",
					    s->path, (unsigned long long)n,
					    len_from,
					    (unsigned long long)*nrec);
		*nrec = n;
		len_from = fm_field_name(f);
		k++;
	}
	if (!k)
		return fm_error_set(
		    err, FM_EFORMAT,
		    "%s: no field arrays (expected files like packets.Q)", dir);
	*narr = k;
	return 0;
}

/* Find INDEX itself (when it names FIELD-less ".CODE" file) or INDEX.CODE. */
static int find_index(const char *base, char *path, size_t size, char *code,
		      struct fm_error *err)
{
	struct stat st;
	const char *dot = strrchr(base, '.');
	const char *slash = strrchr(base, '/');

	*code = 0;
	if (dot && (!slash || dot > slash) && dot[1] && !dot[2] &&
	    strchr("BHIQL", dot[1]) && stat(base, &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		snprintf(path, size, "%s", base);
		*code = dot[1];
		return 0;
	}
	for (const char *c = "BHIQL"; *c; c++) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s.%c", base, *c);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			if (*code)
				return fm_error_set(
				    err, FM_EINVAL,
				    "index %s: two files, %s.%c and %s.%c",
				    base, base, *code, base, *c);
			*code = *c;
			snprintf(path, size, "%s", p);
		}
	}
	return 0;
}

/*
 * Load and check an existing index of n records (must be a permutation)
 * into *out; the identity becomes out->p == NULL.
 */
static int load_index(const char *path, char code, uint64_t n, int force_wide,
		      struct perm *out, struct fm_error *err)
{
	const unsigned char *map;
	size_t len, es = fm_code_size(code);
	void *p = NULL;
	uint8_t *seen = NULL;
	int r, wide = perm_wide(n, force_wide);
	uint64_t moved = 0;

	out->p = NULL;
	out->wide = wide;
	r = map_file(path, &map, &len, err);
	if (r < 0)
		return r;
	if (len % es) {
		r = fm_error_set(
		    err, FM_EFORMAT,
		    "index %s: size %zu is not a multiple of %zu: truncated",
		    path, len, es);
		goto out;
	}
	if (len / es != n) {
		r = fm_error_set(
		    err, FM_EFORMAT,
		    "index %s: %llu entries, but %llu records are to be sorted",
		    path, (unsigned long long)(len / es),
		    (unsigned long long)n);
		goto out;
	}
	p = fm_big_alloc((n ? n : 1) * (wide ? 8 : 4));
	seen = calloc(n / 8 + 1, 1);
	if (!p || !seen) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory for index %s",
				 path);
		goto out;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = map_key(map, code == 'L' ? 'Q' : code, i);
		if (v >= n || (seen[v / 8] & (1u << (v % 8)))) {
			r = fm_error_set(
			    err, FM_EFORMAT,
			    "index %s: entry %llu: %s %llu: not a permutation "
			    "of %llu records",
			    path, (unsigned long long)i,
			    v >= n ? "out-of-range value" : "repeated value",
			    (unsigned long long)v, (unsigned long long)n);
			goto out;
		}
		seen[v / 8] |= (uint8_t)(1u << (v % 8));
		moved |= v ^ i;
		if (wide)
			((uint64_t *)p)[i] = v;
		else
			((uint32_t *)p)[i] = (uint32_t)v;
	}
	if (moved) {
		out->p = p;
		p = NULL;
	}
out:
	if (map) {
		fm_inflight_map_del(map);
		munmap((void *)map, len);
	}
	fm_big_free(p);
	free(seen);
	return r;
}

/* Write the index atomically as path (code chosen by the caller). */
static int save_index(const char *path, char code, const struct perm *pm,
		      uint64_t n, struct fm_error *err)
{
	size_t es = fm_code_size(code);
	unsigned char *buf = malloc(CHUNK * 8);
	char *tmp = NULL;
	int fd = -1, r;

	if (!buf)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_tmpfile_beside(path, &tmp, &fd, err);
	if (r < 0) {
		free(buf);
		return r;
	}
	for (uint64_t i = 0; i < n && r == 0; i += CHUNK) {
		uint64_t k = n - i < CHUNK ? n - i : CHUNK;
		for (uint64_t j = 0; j < k; j++) {
			uint64_t v = perm_at(pm, i + j);
			switch (es) {
			case 1:
				buf[j] = (uint8_t)v;
				break;
			case 2: {
				uint16_t x = (uint16_t)v;
				memcpy(buf + 2 * j, &x, 2);
				break;
			}
			case 4: {
				uint32_t x = (uint32_t)v;
				memcpy(buf + 4 * j, &x, 4);
				break;
			}
			default:
				memcpy(buf + 8 * j, &v, 8);
				break;
			}
		}
		if (fm_write_all(fd, buf, k * es) < 0)
			r = fm_error_set(err, FM_EIO, "index %s: write: %s",
					 path, strerror(errno));
	}
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "index %s: %s", path,
				 strerror(errno));
	if (r == 0 && fm_tmpfile_commit(tmp, path) < 0)
		r = fm_error_set(err, FM_EIO, "index %s: rename: %s", path,
				 strerror(errno));
	if (r < 0)
		fm_tmpfile_discard(tmp);
	free(tmp);
	free(buf);
	return r;
}

int perm_reverse(struct perm *pm, uint64_t n, struct fm_error *err)
{
	if (!pm->p) {
		pm->p = fm_big_alloc((n ? n : 1) * (pm->wide ? 8 : 4));
		if (!pm->p)
			return fm_error_set(
			    err, FM_ENOMEM,
			    "out of memory for the sort index of %llu records",
			    (unsigned long long)n);
		if (pm->wide)
			for (uint64_t i = 0; i < n; i++)
				((uint64_t *)pm->p)[i] = n - 1 - i;
		else
			for (uint64_t i = 0; i < n; i++)
				((uint32_t *)pm->p)[i] = (uint32_t)(n - 1 - i);
		return 0;
	}
#define REVERSE(T)                                                             \
	do {                                                                   \
		T *v = pm->p;                                                  \
		for (uint64_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {     \
			T t = v[i];                                            \
			v[i] = v[j];                                           \
			v[j] = t;                                              \
		}                                                              \
	} while (0)
	if (pm->wide)
		REVERSE(uint64_t);
	else
		REVERSE(uint32_t);
#undef REVERSE
	return 0;
}

/* Whether elements [0, n) of p (size es) are all equal. */
static int is_constant(const unsigned char *p, size_t es, uint64_t n)
{
#define CONST_LOOP(T)                                                          \
	do {                                                                   \
		const T *v = (const T *)(const void *)p;                       \
		for (uint64_t i = 1; i < n; i++)                               \
			if (v[i] != v[0])                                      \
				return 0;                                      \
	} while (0)
	switch (es) {
	case 1:
		CONST_LOOP(uint8_t);
		break;
	case 2:
		CONST_LOOP(uint16_t);
		break;
	case 4:
		CONST_LOOP(uint32_t);
		break;
	default:
		CONST_LOOP(uint64_t);
		break;
	}
#undef CONST_LOOP
	return 1;
}

/*
 * Random reads through the index are dominated by TLB misses on 4 KiB
 * pages of the file mapping, so a column that is not too large is first
 * copied (sequentially) into an anonymous buffer backed by transparent
 * huge pages where the kernel allows it, and gathered from there.  But
 * freshly allocated memory costs more to fault in than those TLB misses
 * (measured on the 2-core VM: another 52 MB buffer added more system time
 * than the second thread saved), so only the first worker stages, in the
 * buffer the index build leaves; the others gather from the mapping.
 */
#define STAGE_MAX ((size_t)1 << 31)
#define HUGE_ALIGN ((size_t)2 << 20)

struct stage {
	unsigned char *p; /* fm_big_alloc */
	size_t size;
	int map_only; /* no buffer: gather from the mapping */
};

/*
 * Records [first, first + n) of column s: read into the stage when they fit
 * (read() copies from the page cache without mapping the file's pages one
 * fault at a time, and the gathers then run on huge pages), else the
 * mapping itself.
 */
static const unsigned char *column_data(struct stage *st,
					const struct sarray *s, uint64_t first,
					uint64_t n, int *constant)
{
	const unsigned char *base = s->map ? s->map + first * s->esize : NULL;
	size_t len = (size_t)n * s->esize, done = 0, checked = 0;
	off_t off = (off_t)(first * s->esize);
	int fd;

	*constant = -1; /* unknown */
	if (!base || st->map_only || len > STAGE_MAX || len < HUGE_ALIGN)
		return base;
	if (st->size < len) {
		fm_big_free(st->p);
		st->p = fm_big_alloc(len);
		st->size = st->p ? len : 0;
		if (!st->p)
			return base;
	}
	fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return base;
	/* read in pieces and check whether the column is constant while each
	 * piece is still in the cache */
	*constant = 1;
	while (done < len) {
		size_t want = len - done < ((size_t)1 << 20) ? len - done
							     : (size_t)1 << 20;
		ssize_t k = pread(fd, st->p + done, want, off + (off_t)done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		done += (size_t)k;
		if (*constant) {
			size_t upto = done - done % s->esize;
			if (upto > checked &&
			    (!is_constant(st->p + checked, s->esize,
					  (upto - checked) / s->esize) ||
			     memcmp(st->p + checked, st->p, s->esize)))
				*constant = 0;
			checked = upto;
		}
	}
	close(fd);
	if (done == len)
		return st->p;
	*constant = -1;
	return base;
}

/* Write column s (its records at base, NULL = zeros) permuted by pm into fd. */
static int write_permuted(int fd, const struct sarray *s,
			  const unsigned char *base, const struct perm *pm,
			  uint64_t n, int constant, unsigned char *buf,
			  struct fm_error *err)
{
	size_t es = s->esize;

	if (constant && n) {
		/* an all-zero column (e.g. sa0..sa2 of IPv4 data) becomes a
		 * sparse file: the same bytes, nothing to write */
		static const unsigned char zero[8];
		if (!base || !memcmp(base, zero, es)) {
			if (ftruncate(fd, (off_t)(n * es)) < 0)
				return fm_error_set(err, FM_EIO, "%s: %s",
						    s->path, strerror(errno));
			return 0;
		}
	}
#define GATHER(T, P)                                                           \
	do {                                                                   \
		T *d = (T *)(void *)buf;                                       \
		const T *sp = (const T *)(const void *)base;                   \
		const P *pp = (const P *)pm->p + i;                            \
		for (uint64_t j = 0; j < k; j++)                               \
			d[j] = sp[pp[j]];                                      \
	} while (0)
#define GATHER_ES(P)                                                           \
	do {                                                                   \
		switch (es) {                                                  \
		case 1:                                                        \
			GATHER(uint8_t, P);                                    \
			break;                                                 \
		case 2:                                                        \
			GATHER(uint16_t, P);                                   \
			break;                                                 \
		case 4:                                                        \
			GATHER(uint32_t, P);                                   \
			break;                                                 \
		default:                                                       \
			GATHER(uint64_t, P);                                   \
			break;                                                 \
		}                                                              \
	} while (0)
	for (uint64_t i = 0; i < n; i += CHUNK) {
		uint64_t k = n - i < CHUNK ? n - i : CHUNK;
		if (constant) {
			if (i == 0)
				for (uint64_t j = 0; j < k; j++)
					memcpy(buf + j * es, base, es);
		} else if (pm->wide) {
			GATHER_ES(uint64_t);
		} else {
			GATHER_ES(uint32_t);
		}
		if (fm_write_all(fd, buf, k * es) < 0)
			return fm_error_set(err, FM_EIO, "%s: write: %s",
					    s->path, strerror(errno));
	}
#undef GATHER_ES
#undef GATHER
	return 0;
}

/* Whether p[0, len) is all zero bytes: 4 KiB at a time, OR of words. */
static int all_zero(const unsigned char *p, size_t len)
{
	size_t i = 0;

	for (; i + 4096 <= len; i += 4096) {
		uint64_t acc = 0;
		for (size_t j = 0; j < 4096; j += 8) {
			uint64_t w;
			memcpy(&w, p + i + j, 8);
			acc |= w;
		}
		if (acc)
			return 0;
	}
	for (; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/*
 * Whether bytes [off, off + len) of column s are all zero: a hole in a
 * sparse file is found without reading, data is read through the mapping
 * (no copy) until a piece is not zero.
 */
int sort_zero_range(const struct sarray *s, int fd, off_t off, size_t len)
{
	off_t data = lseek(fd, off, SEEK_DATA);

	if ((data < 0 && errno == ENXIO) ||
	    (data >= 0 && (uint64_t)data >= (uint64_t)off + len))
		return 1; /* no data there: a hole */
	if (!s->map || (uint64_t)off + len > s->maplen)
		return 0;
	for (size_t done = 0; done < len;) {
		size_t k = len - done < ((size_t)1 << 20) ? len - done
							  : (size_t)1 << 20;
		if (!all_zero(s->map + off + done, k))
			return 0;
		done += k;
	}
	return 1;
}

/*
 * Records [first, first + n) of column s in input order (the identity
 * permutation) into fd: an all-zero column becomes a sparse file;
 * otherwise the kernel copies the bytes between the files
 * (copy_file_range: no trip through user memory), or pread and write do
 * where it cannot.
 */
static int copy_column(int fd, const struct sarray *s, uint64_t first,
		       uint64_t n, unsigned char *buf, size_t bufsize,
		       struct fm_error *err)
{
	const size_t len = (size_t)n * s->esize;
	const off_t off = (off_t)(first * s->esize);
	size_t done = 0;
	int in = open(s->path, O_RDONLY | O_CLOEXEC), r = 0;

	if (in < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", s->path,
				    strerror(errno));
	if (sort_zero_range(s, in, off, len)) {
		if (ftruncate(fd, (off_t)len) < 0)
			r = fm_error_set(err, FM_EIO, "%s: %s", s->path,
					 strerror(errno));
		close(in);
		return r;
	}
	while (done < len) {
		loff_t from = (loff_t)off + (loff_t)done;
		ssize_t k = copy_file_range(in, &from, fd, NULL, len - done, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* not between these files: copy through buf */
		done += (size_t)k;
	}
	while (done < len && r == 0) {
		size_t want = len - done < bufsize ? len - done : bufsize;
		ssize_t k = pread(in, buf, want, off + (off_t)done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			r = fm_error_set(err, FM_EIO, "%s: read: %s", s->path,
					 strerror(errno));
		else if (k == 0)
			r = fm_error_set(err, FM_EIO,
					 "%s: shorter than when the sort began",
					 s->path);
		else if (fm_write_all(fd, buf, (size_t)k) < 0)
			r = fm_error_set(err, FM_EIO, "%s: write: %s", s->path,
					 strerror(errno));
		else
			done += (size_t)k;
	}
	close(in);
	return r;
}

static int same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * The column phase: workers (the calling thread and up to THREADS_MAX - 1
 * more) take the columns in turn, largest first, each with its own staging
 * and chunk buffer; only the calling thread reports progress.
 */

struct colwork {
	struct sarray *arr;
	const size_t *order; /* column indices, largest first */
	size_t narr;
	const struct perm *pm;
	uint64_t first, n, total;
	int in_place;
	const char *wd;
	char **tmp; /* per column: its temporary file */
	int *keep;  /* per column: left as it is */
	atomic_size_t next, done;
	atomic_int stop;
};

struct worker {
	struct colwork *cw;
	struct stage stage;
	unsigned char *buf; /* CHUNK 8-byte entries */
	const struct fm_progress *progress;
	struct fm_error err;
	int r;
	pthread_t thread;
};

/* Permute column k of cw into a temporary file (or keep it as it is). */
static int permute_column(struct colwork *cw, size_t k, struct stage *st,
			  unsigned char *buf, struct fm_error *err)
{
	struct sarray *s = &cw->arr[k];
	const unsigned char *base = NULL;
	int constant = 0, fd, r;
	char path[PATH_MAX];

	if (!cw->pm->p) {
		if (cw->in_place && cw->n == cw->total) {
			cw->keep[k] = 1; /* already in order */
			unmap(s);
			return 0;
		}
	} else {
		int zfd = open(s->path, O_RDONLY | O_CLOEXEC);
		int zero =
		    zfd >= 0 && cw->n &&
		    sort_zero_range(s, zfd, (off_t)(cw->first * s->esize),
				    (size_t)cw->n * s->esize);
		if (zfd >= 0)
			close(zfd);
		/* all zeros: nothing to read or gather (base NULL) */
		base = zero ? NULL
			    : column_data(st, s, cw->first, cw->n, &constant);
		if (zero)
			constant = 1;
		else if (constant < 0)
			constant = cw->n == 0 ||
				   (base && is_constant(base, s->esize, cw->n));
		if (cw->in_place && constant && cw->n == cw->total) {
			cw->keep[k] =
			    1; /* the file already is its own permutation */
			unmap(s);
			return 0;
		}
		if (s->map && base == s->map + cw->first * s->esize)
			madvise((void *)s->map, s->maplen,
				constant ? MADV_SEQUENTIAL : MADV_WILLNEED);
	}
	snprintf(path, sizeof(path), "%s/%s.%c", cw->wd,
		 fm_field_name(s->field), s->code);
	r = fm_tmpfile_beside(path, &cw->tmp[k], &fd, err);
	if (r < 0)
		return r;
	if (!cw->pm->p)
		r = copy_column(fd, s, cw->first, cw->n, buf, CHUNK * 8, err);
	else
		r = write_permuted(fd, s, base, cw->pm, cw->n, constant, buf,
				   err);
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	unmap(s); /* keep only the columns in work mapped */
	return r;
}

static void *column_worker(void *arg)
{
	struct worker *w = arg;
	struct colwork *cw = w->cw;

	while (!atomic_load(&cw->stop)) {
		size_t i = atomic_fetch_add(&cw->next, 1);
		if (i >= cw->narr)
			break;
		w->r = permute_column(cw, cw->order[i], &w->stage, w->buf,
				      &w->err);
		if (w->r < 0) {
			atomic_store(&cw->stop, 1);
			break;
		}
		size_t done = atomic_fetch_add(&cw->done, 1) + 1;
		if (w->progress &&
		    fm_progress_report(w->progress, done, cw->narr)) {
			w->r = fm_error_set(&w->err, FM_ECANCEL, "cancelled");
			atomic_store(&cw->stop, 1);
			break;
		}
	}
	return NULL;
}

/*
 * Permute every column of cw with nthreads workers; w[0] (the calling
 * thread) brings the staging buffer it may already have.  Returns the
 * first worker's error.
 */
static int permute_columns(struct colwork *cw, struct worker *w, int nthreads,
			   const struct fm_progress *progress,
			   struct fm_error *err)
{
	int started = 1, r = 0;

	for (int t = 0; t < nthreads; t++) {
		w[t].cw = cw;
		w[t].r = 0;
		w[t].progress = t == 0 ? progress : NULL;
		/* fresh memory is costly to fault in: only the first worker
		 * stages (in the buffer the index build left, when it did) */
		w[t].stage.map_only = t > 0;
		memset(&w[t].err, 0, sizeof(w[t].err));
		w[t].buf = malloc(CHUNK * 8);
		if (!w[t].buf) {
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			nthreads = t;
			goto out;
		}
	}
	for (; started < nthreads; started++)
		if (pthread_create(&w[started].thread, NULL, column_worker,
				   &w[started]) != 0)
			break; /* fewer workers do the same work */
	column_worker(&w[0]);
	for (int t = 1; t < started; t++)
		pthread_join(w[t].thread, NULL);
	/* a real failure rather than the cancellation it caused elsewhere */
	for (int t = 0; t < started; t++)
		if (w[t].r < 0 && (r == 0 || r == FM_ECANCEL)) {
			r = w[t].r;
			*err = w[t].err;
		}
out:
	for (int t = 0; t < nthreads; t++)
		free(w[t].buf);
	return r;
}

/*
 * Rename every column's temporary file (tmp[k], freed) to its name in wd,
 * dropping the files of the field's other codes, except the columns kept.
 */
static int commit_columns(const struct sarray *arr, size_t narr,
			  const int *keep, char **tmp, const char *wd,
			  const struct sort_hook *hook, struct fm_error *err)
{
	int r;

	for (size_t k = 0; k < narr; k++) {
		char path[PATH_MAX];
		if (keep[k])
			continue;
		snprintf(path, sizeof(path), "%s/%s.%c", wd,
			 fm_field_name(arr[k].field), arr[k].code);
		if (fm_tmpfile_commit(tmp[k], path) < 0) {
			r = fm_error_set(err, FM_EIO, "%s: rename: %s", path,
					 strerror(errno));
			return r;
		}
		free(tmp[k]);
		tmp[k] = NULL;
		sort_hook_call(hook, "commit");
		/* a field has one file: drop the output's files of other codes
		 */
		for (const char *c = fm_bin_codes; *c; c++) {
			if (*c == arr[k].code)
				continue;
			snprintf(path, sizeof(path), "%s/%s.%c", wd,
				 fm_field_name(arr[k].field), *c);
			unlink(path);
		}
	}
	return 0;
}

/*
 * The key columns of keys[0, nkeys) at record first into kc, and their
 * columns in arr into keycol (-1, with a warning, for a field without an
 * array: it reads as zeros).
 */
static int key_columns(const char *input, const struct fm_sort_opts *o,
		       const int *keys, size_t nkeys, const struct sarray *arr,
		       size_t narr, uint64_t first, struct kcol *kc,
		       int *keycol, struct fm_error *err)
{
	if (nkeys == 0)
		return fm_error_set(
		    err, FM_EINVAL,
		    o->index_file ? "no key fields given (-k FIELD...) and no "
				    "index file %s.{B,H,I,Q} to reuse"
				  : "no key fields given (-k FIELD...)%s",
		    o->index_file ? o->index_file : "");
	memset(kc, 0, NKEYS_MAX * sizeof(*kc));
	for (size_t k = 0; k < nkeys; k++) {
		int f = keys[k];
		if (f < 0 || f >= FM_NFIELDS)
			return fm_error_set(err, FM_EINVAL, "bad key field %d",
					    f);
		keycol[k] = -1;
		for (size_t j = 0; j < narr; j++)
			if (arr[j].field == f && arr[j].map) {
				kc[k].p = arr[j].map + first * arr[j].esize;
				kc[k].code = arr[j].code;
				keycol[k] = (int)j;
			}
		if (!kc[k].code) {
			fm_warn(o->log,
				"%s: no file for key field '%s': it reads as 0",
				input, fm_field_name(f));
			kc[k].code = 'Q';
		}
	}
	return 0;
}

/*
 * Whether the n records of kc are in (ascending) key order already; the
 * pages read are unmapped again block by block (the check runs when
 * memory is short).
 */
static int keys_in_order(const struct kcol *kc, size_t nkeys, uint64_t n)
{
	const uint64_t block = (uint64_t)1 << 18;

	for (uint64_t b = 0; b < n; b += block) {
		uint64_t end = n - b < block ? n : b + block;
		for (uint64_t i = b ? b : 1; i < end; i++)
			for (size_t k = 0; k < nkeys; k++) {
				if (!kc[k].p)
					continue;
				uint64_t x = map_key(kc[k].p, kc[k].code,
						     i - 1),
					 y = map_key(kc[k].p, kc[k].code, i);
				if (x < y)
					break;
				if (x > y)
					return 0;
			}
		for (size_t k = 0; k < nkeys; k++) {
			size_t es = fm_code_size(kc[k].code);
			if (kc[k].p)
				sort_drop_pages(kc[k].p, (size_t)(n * es), 0,
						end * es);
		}
	}
	return 1;
}

/* How the permutation is had (get_index). */
struct index_plan {
	struct sidecar sc;	   /* the keys and direction sorted by */
	struct kcol kc[NKEYS_MAX]; /* the key columns (not when reused) */
	int keycol[NKEYS_MAX];
	int reused;	 /* an existing index file was loaded */
	int unchecked;	 /* it has no sidecar */
	int external;	 /* too large for the budget: sort_external */
	char reuse_code; /* reused and external: the index file's code */
	char ipath[PATH_MAX];
};

/* A name list "a, b" of the keys of sc, for messages. */
static const char *key_names(const struct sidecar *sc, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = 0;
	for (size_t k = 0; k < sc->nkeys && len < size; k++)
		len +=
		    (size_t)snprintf(buf + len, size - len, "%s%s",
				     k ? "," : "", fm_field_name(sc->keys[k]));
	return buf;
}

/*
 * An existing index ip->ipath with its sidecar: whether it describes these
 * records (*fresh), else a warning saying why it is rebuilt; ip->sc gets
 * the keys to sort by (-k when given, else the sidecar's) and their
 * columns.  Without a sidecar (the reference's index), *fresh with a
 * warning.
 */
static int check_index(const char *input, const struct fm_sort_opts *o,
		       const struct sarray *arr, size_t narr, uint64_t first,
		       uint64_t n, struct index_plan *ip, int *fresh,
		       struct fm_error *err)
{
	char scpath[PATH_MAX], a[256], b[256];
	struct sidecar old;
	int r;

	sidecar_path(ip->ipath, scpath, sizeof(scpath));
	r = sidecar_read(scpath, &old, err);
	if (r < 0)
		return r;
	*fresh = 1;
	if (r == 1) {
		ip->unchecked = 1; /* warned once it loads */
		return 0;
	}
	if (!o->nkeys)
		ip->sc = old;
	r = key_columns(input, o, ip->sc.keys, ip->sc.nkeys, arr, narr, first,
			ip->kc, ip->keycol, err);
	if (r < 0)
		return r;
	ip->sc.records = n;
	ip->sc.fingerprint = sidecar_fingerprint(ip->kc, ip->sc.nkeys, n);
	if (o->nkeys &&
	    (old.nkeys != ip->sc.nkeys ||
	     memcmp(old.keys, ip->sc.keys, old.nkeys * sizeof(old.keys[0])) ||
	     old.reverse != ip->sc.reverse)) {
		fm_warn(o->log,
			"index %s was built for -k %s%s, not -k %s%s: rebuilt",
			ip->ipath, key_names(&old, a, sizeof(a)),
			old.reverse ? " --reverse" : "",
			key_names(&ip->sc, b, sizeof(b)),
			ip->sc.reverse ? " --reverse" : "");
		*fresh = 0;
	} else if (old.records != n || old.fingerprint != ip->sc.fingerprint) {
		fm_warn(o->log,
			"index %s is stale: it was built for %llu records with "
			"other values of -k %s than the %llu records of %s: "
			"rebuilt",
			ip->ipath, (unsigned long long)old.records,
			key_names(&old, a, sizeof(a)), (unsigned long long)n,
			input);
		*fresh = 0;
	}
	if (!*fresh && unlink(ip->ipath) < 0 && errno != ENOENT)
		return fm_error_set(err, FM_EIO, "index %s: %s", ip->ipath,
				    strerror(errno));
	return 0;
}

/* Write the sidecar of the index ip->ipath just saved. */
static int save_sidecar(struct index_plan *ip, uint64_t n, struct fm_error *err)
{
	char scpath[PATH_MAX];

	ip->sc.records = n;
	ip->sc.fingerprint = sidecar_fingerprint(ip->kc, ip->sc.nkeys, n);
	sidecar_path(ip->ipath, scpath, sizeof(scpath));
	return sidecar_write(scpath, ip->ipath, &ip->sc, err);
}

/*
 * The permutation of records [first, first+n) of the input's arrays into
 * *pm: loaded from o->index_file when one exists and its sidecar says it
 * belongs to these records (ip->reused), else built from the key fields
 * (-k, or the stale index's), reversed with --reverse, and saved as
 * o->index_file with its sidecar when given; ip->ipath receives the index
 * file's path.  When the in-memory index would not fit the budget,
 * nothing is built and ip->external is set, unless the records are in key
 * order already (the identity needs no memory); a reused index that
 * would not fit is not loaded either (ip->external unless it is the
 * identity, ip->reuse_code).  A spare buffer of the build becomes *stage.
 */
static int get_index(const char *input, const struct fm_sort_opts *o,
		     const struct sarray *arr, size_t narr, uint64_t first,
		     uint64_t n, uint64_t budget, struct perm *pm,
		     struct stage *stage, struct index_plan *ip,
		     struct fm_error *err)
{
	char icode = 0;
	int r, fresh = 0;

	ip->sc.nkeys = o->nkeys;
	if (o->nkeys)
		memcpy(ip->sc.keys, o->keys, o->nkeys * sizeof(o->keys[0]));
	ip->sc.reverse = o->reverse;
	if (o->index_file) {
		r = find_index(o->index_file, ip->ipath, PATH_MAX, &icode, err);
		if (r == 0 && icode)
			r = check_index(input, o, arr, narr, first, n, ip,
					&fresh, err);
		if (r < 0)
			return r;
	}
	if (icode && fresh) {
		int wide = perm_wide(n, o->wide_index), identity = 0;
		if (budget && reuse_cost(n, wide) > budget) {
			/* not loaded: the external sort by its inverse */
			r = reuse_check(ip->ipath, icode, n, &identity, err);
			pm->p = NULL;
			pm->wide = wide;
			ip->external = !identity;
			ip->reuse_code = icode;
		} else {
			r = load_index(ip->ipath, icode, n, o->wide_index, pm,
				       err);
		}
		if (r < 0)
			return r;
		if (ip->unchecked) {
			char scpath[PATH_MAX];
			sidecar_path(ip->ipath, scpath, sizeof(scpath));
			fm_warn(o->log,
				"index %s has no sidecar %s (an index of the "
				"reference?): used without checking that it "
				"belongs to %s",
				ip->ipath, scpath, input);
		}
		ip->reused = 1;
		return 0;
	}
	r = key_columns(input, o, ip->sc.keys, ip->sc.nkeys, arr, narr, first,
			ip->kc, ip->keycol, err);
	if (r < 0)
		return r;
	if (o->index_file) {
		/* a stale index is replaced (its code may change with n) */
		char base[PATH_MAX - 8];
		size_t l = strlen(ip->ipath);
		if (icode)
			snprintf(base, sizeof(base), "%.*s", (int)(l - 2),
				 ip->ipath);
		else
			snprintf(base, sizeof(base), "%s", o->index_file);
		snprintf(ip->ipath, PATH_MAX, "%s.%c", base,
			 fm_sort_index_code(n));
	}
	if (sort_ext_needed(ip->kc, ip->sc.nkeys, n, budget)) {
		pm->p = NULL;
		pm->wide = perm_wide(n, o->wide_index);
		if (ip->sc.reverse || !keys_in_order(ip->kc, ip->sc.nkeys, n)) {
			ip->external = 1;
			return 0;
		}
	} else {
		uint64_t *spare = NULL;
		r = build_perm(ip->kc, ip->sc.nkeys, n, o->wide_index,
			       column_threads(o->threads, n, THREADS_MAX), pm,
			       &spare, o->progress, err);
		if (spare) {
			/* probably faulted in already: the first gather stage
			 * reuses it */
			stage->p = (unsigned char *)spare;
			stage->size = (size_t)n * sizeof(uint64_t);
		}
		if (r < 0)
			return r;
		if (ip->sc.reverse) {
			r = perm_reverse(pm, n, err);
			if (r < 0)
				return r;
		}
	}
	if (o->index_file) {
		r = save_index(ip->ipath, fm_sort_index_code(n), pm, n, err);
		if (r == 0)
			r = save_sidecar(ip, n, err);
	}
	return r;
}

/*
 * The external sort of the selected records into temporary files in wd
 * (tmp, keep), the index committed to ip->ipath when one is asked for;
 * with a reused index, by each record's place in it (reuse_order).
 */
static int sort_big(const struct fm_sort_opts *o, struct sarray *arr,
		    size_t narr, uint64_t first, uint64_t n, uint64_t total,
		    uint64_t budget, int in_place, const char *wd,
		    struct index_plan *ip, char **tmp, int *keep,
		    struct fm_error *err)
{
	char *itmp = NULL, *otmp = NULL;
	struct sarray order;
	struct kcol okc;
	int okeycol = -1, r = 0;
	struct ext_sort x = {
	    .arr = arr,
	    .narr = narr,
	    .kc = ip->kc,
	    .nkeys = ip->sc.nkeys,
	    .keycol = ip->keycol,
	    .first = first,
	    .n = n,
	    .total = total,
	    .reverse = ip->sc.reverse,
	    .threads = o->threads,
	    .in_place = in_place,
	    .budget = budget,
	    .wd = wd,
	    .tmp = tmp,
	    .keep = keep,
	    .ipath = o->index_file && !ip->reused ? ip->ipath : NULL,
	    .itmp = &itmp,
	    .progress = o->progress,
	};

	memset(&order, 0, sizeof(order));
	if (ip->reused) {
		/* sorted by each record's place in the reused index */
		r = reuse_order(ip->ipath, ip->reuse_code, first, n, budget, wd,
				&order, &otmp, err);
		memset(&okc, 0, sizeof(okc));
		okc.p = order.map ? order.map + first * order.esize : NULL;
		okc.code = order.code;
		x.order = &order;
		x.kc = &okc;
		x.nkeys = 1;
		x.keycol = &okeycol;
		x.reverse = 0;
	}
	if (r == 0)
		r = sort_external(&x, err);
	unmap(&order);
	fm_tmpfile_discard(otmp);
	free(otmp);

	if (r == 0 && itmp && fm_tmpfile_commit(itmp, ip->ipath) < 0)
		r = fm_error_set(err, FM_EIO, "index %s: rename: %s", ip->ipath,
				 strerror(errno));
	if (r == 0 && itmp)
		r = save_sidecar(ip, n, err);
	if (r < 0)
		fm_tmpfile_discard(itmp);
	free(itmp);
	return r;
}

/*
 * The in-place sort's new directory (sw->tmp, its columns committed)
 * replaces the input: swap_commit, unless every column was kept as it is
 * (then nothing changed and the new directory goes).
 */
static int finish_in_place(struct swap *sw, const struct sarray *arr,
			   size_t narr, const int *keep,
			   const struct fm_sort_opts *o,
			   const struct sort_hook *hook, struct fm_error *err)
{
	char names[FM_NFIELDS][48], *written[FM_NFIELDS];
	size_t nw = 0;

	for (size_t k = 0; k < narr; k++)
		if (!keep[k]) {
			snprintf(names[nw], sizeof(names[nw]), "%s.%c",
				 fm_field_name(arr[k].field), arr[k].code);
			written[nw] = names[nw];
			nw++;
		}
	if (!nw) {
		swap_discard(sw);
		return 0;
	}
	return swap_commit(sw, written, nw, o->test_no_exchange, o->log, hook,
			   err);
}

int fm_sort_binary(const char *input, const char *output,
		   const struct fm_sort_opts *o, struct fm_sort_result *res,
		   struct fm_error *err)
{
	struct sarray arr[FM_NFIELDS];
	size_t narr = 0, order[FM_NFIELDS];
	uint64_t total = 0, first, end, n;
	struct perm pm = {NULL, 0};
	char *tmp[FM_NFIELDS] = {NULL};
	char *tmpdir = NULL;
	const char *wd = output;
	struct swap sw = {NULL, NULL};
	const struct sort_hook hook = {o->test_hook, o->test_arg};
	struct worker w[THREADS_MAX];
	int in_place, keep[FM_NFIELDS] = {0}, nthreads;
	struct index_plan *ip = calloc(1, sizeof(*ip));
	uint64_t budget = o->memory ? o->memory : fm_memlimit_default();
	struct fm_sort_result rs;
	int r;

	memset(&rs, 0, sizeof(rs));
	memset(arr, 0, sizeof(arr));
	memset(w, 0, sizeof(w));
	if (!ip)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (o->nkeys > NKEYS_MAX) {
		free(ip);
		return fm_error_set(err, FM_EINVAL,
				    "too many key fields (%zu, at most %d)",
				    o->nkeys, NKEYS_MAX);
	}
	r = list_fields(input, arr, &narr, &total, err);
	if (r < 0) {
		free(ip);
		return r;
	}
	{
		uint64_t si = o->skip_in > 0 ? (uint64_t)o->skip_in : 0;
		uint64_t ci = o->count_in > 0 ? (uint64_t)o->count_in : 0;
		first = si < total ? si : total;
		end = ci < total - first ? first + ci : total;
		n = end - first;
	}
	for (size_t k = 0; k < narr; k++) {
		r = map_file(arr[k].path, &arr[k].map, &arr[k].maplen, err);
		if (r < 0)
			goto out;
	}

	/* the index: reuse or build */
	r = get_index(input, o, arr, narr, first, n, budget, &pm, &w[0].stage,
		      ip, err);
	if (r < 0)
		goto out;
	rs.index_reused = ip->reused;
	rs.external = ip->external;
	snprintf(rs.index_path, sizeof(rs.index_path), "%s", ip->ipath);

	/* where the output goes */
	in_place = same_dir(input, output);
	if (in_place) {
		/* built beside, swapped in whole */
		if ((r = swap_begin(input, &sw, err)) < 0)
			goto out;
		wd = sw.tmp;
	} else {
		if ((r = fm_outdir_begin(output, &tmpdir, err)) < 0)
			goto out;
		if (tmpdir)
			wd = tmpdir;
	}

	if (ip->external) {
		r = sort_big(o, arr, narr, first, n, total, budget, in_place,
			     wd, ip, tmp, keep, err);
		if (r < 0)
			goto out;
		goto commit;
	}
	/* every column, largest first (the workers finish together) */
	for (size_t k = 0; k < narr; k++) {
		size_t j = k;
		while (j > 0 && arr[order[j - 1]].esize < arr[k].esize) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	struct colwork cw = {
	    .arr = arr,
	    .order = order,
	    .narr = narr,
	    .pm = &pm,
	    .first = first,
	    .n = n,
	    .total = total,
	    .in_place = in_place,
	    .wd = wd,
	    .tmp = tmp,
	    .keep = keep,
	};
	atomic_init(&cw.next, 0);
	atomic_init(&cw.done, 0);
	atomic_init(&cw.stop, 0);
	nthreads = column_threads(o->threads, n, narr);
	r = permute_columns(&cw, w, nthreads, o->progress, err);
	if (r < 0)
		goto out;

commit:
	/* every file is complete: move them into place */
	r = commit_columns(arr, narr, keep, tmp, wd, &hook, err);
	if (r == 0 && in_place)
		r = finish_in_place(&sw, arr, narr, keep, o, &hook, err);
	if (r < 0)
		goto out;
	if ((r = fm_outdir_commit(output, &tmpdir, err)) < 0)
		goto out;
	rs.records = n;
	rs.arrays = narr;
	if (res)
		*res = rs;
out:
	for (size_t k = 0; k < FM_NFIELDS; k++) {
		if (tmp[k]) {
			fm_tmpfile_discard(tmp[k]);
			free(tmp[k]);
		}
		unmap(&arr[k]);
	}
	fm_outdir_discard(&tmpdir);
	swap_discard(&sw);
	for (int t = 0; t < THREADS_MAX; t++)
		fm_big_free(w[t].stage.p);
	fm_big_free(pm.p);
	free(ip);
	return r;
}

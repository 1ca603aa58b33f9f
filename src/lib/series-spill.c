/*
 * series-spill.c - the days a bounded series moved out of memory
 * (series-int.h has the file's layout).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "io-int.h"
#include "series-int.h"

#define HEAD_BYTES 24
#define ENTRY_BYTES 36
#define BUF_BYTES ((size_t)1 << 16)
#define READ_ENTRIES 2048
#define WIN_BYTES ((size_t)1 << 17)

struct sspill_day {
	int64_t day;
	uint64_t last; /* offset of its last segment */
};

struct sspill {
	int fd;			 /* -1 until something is flushed */
	uint64_t size;		 /* bytes appended (file + buffer) */
	uint64_t flushed;	 /* bytes in the file; the rest is in buf */
	unsigned char *buf;	 /* BUF_BYTES */
	struct sspill_day *days; /* ascending */
	size_t ndays, alloc;
};

int sspill_new(struct sspill **out, struct fm_error *err)
{
	struct sspill *sp = calloc(1, sizeof(*sp));

	if (sp)
		sp->buf = malloc(BUF_BYTES);
	if (!sp || !sp->buf) {
		free(sp);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	sp->fd = -1;
	*out = sp;
	return 0;
}

void sspill_free(struct sspill *sp)
{
	if (!sp)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	free(sp->buf);
	free(sp->days);
	free(sp);
}

static int flush(struct sspill *sp, struct fm_error *err)
{
	size_t n = (size_t)(sp->size - sp->flushed);

	if (!n)
		return 0;
	if (sp->fd < 0 && fm_tmpfile_unlinked("series", &sp->fd, err) < 0)
		return FM_EIO;
	/* only ever appended to: the file offset is its end */
	if (fm_write_all(sp->fd, sp->buf, n) < 0)
		return fm_error_set(err, FM_EIO,
				    "series' spill file: write: %s",
				    strerror(errno));
	sp->flushed = sp->size;
	return 0;
}

static int put(struct sspill *sp, const void *p, size_t len,
	       struct fm_error *err)
{
	if (sp->size - sp->flushed + len > BUF_BYTES && flush(sp, err) < 0)
		return FM_EIO;
	memcpy(sp->buf + (sp->size - sp->flushed), p, len);
	sp->size += len;
	return 0;
}

/* Bytes [off, off + len) of the spill (file or buffer) into p. */
static int get(const struct sspill *sp, uint64_t off, void *p, size_t len,
	       struct fm_error *err)
{
	unsigned char *d = p;

	while (len && off < sp->flushed) {
		size_t want =
		    sp->flushed - off < len ? (size_t)(sp->flushed - off) : len;
		ssize_t k = pread(sp->fd, d, want, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fm_error_set(
			    err, FM_EIO, "series' spill file: read: %s",
			    k < 0 ? strerror(errno) : "shorter than written");
		d += k;
		off += (uint64_t)k;
		len -= (size_t)k;
	}
	if (len)
		memcpy(d, sp->buf + (off - sp->flushed), len);
	return 0;
}

/*
 * A window of the file for reading a day's chain: segments of a day that
 * came back often lie close together, so one read serves several.  A
 * header is read with the window ending a little after it (the chain
 * goes back; a small segment's entries come with it), larger entries
 * with the window starting at them.
 */
struct win {
	unsigned char *p; /* WIN_BYTES */
	uint64_t off;
	size_t len;
};

static int win_get(const struct sspill *sp, struct win *w, uint64_t off,
		   void *p, size_t len, int back, struct fm_error *err)
{
	uint64_t from, to;
	int r;

	if (off >= w->off && off + len <= w->off + w->len) {
		memcpy(p, w->p + (off - w->off), len);
		return 0;
	}
	if (len > WIN_BYTES / 2)
		return get(sp, off, p, len, err);
	/* going back: the window ends a little after, for the entries */
	to = off + (back ? WIN_BYTES / 16 : 0);
	from = back ? (to > WIN_BYTES ? to - WIN_BYTES : 0) : off;
	to = from + WIN_BYTES < sp->size ? from + WIN_BYTES : sp->size;
	if ((r = get(sp, from, w->p, (size_t)(to - from), err)) < 0)
		return r;
	w->off = from;
	w->len = (size_t)(to - from);
	memcpy(p, w->p + (off - w->off), len);
	return 0;
}

/* The index of day in sp->days, or where it would go. */
static size_t find_day(const struct sspill *sp, int64_t day)
{
	size_t lo = 0, hi = sp->ndays;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sp->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Second k of d into the spill, and to 0 in d. */
static int put_entry(struct sspill *sp, struct sday *d, uint32_t k,
		     struct fm_error *err)
{
	unsigned char e[ENTRY_BYTES];
	uint64_t lo = (uint64_t)d->octets[k],
		 hi = (uint64_t)(d->octets[k] >> 64);

	memcpy(e, &k, 4);
	memcpy(e + 4, &d->flows[k], 8);
	memcpy(e + 12, &d->packets[k], 8);
	memcpy(e + 20, &lo, 8);
	memcpy(e + 28, &hi, 8);
	d->flows[k] = d->packets[k] = 0;
	d->octets[k] = 0;
	return put(sp, e, ENTRY_BYTES, err);
}

int sspill_put(struct sspill *sp, struct sday *d, struct fm_error *err)
{
	size_t at = find_day(sp, d->day);
	int known = at < sp->ndays && sp->days[at].day == d->day;
	uint64_t head[3] = {(uint64_t)d->day, known ? sp->days[at].last + 1 : 0,
			    0};
	uint64_t start = sp->size;
	int r;

	if (!known && sp->ndays == sp->alloc) {
		size_t na = sp->alloc ? 2 * sp->alloc : 16;
		struct sspill_day *nd = realloc(sp->days, na * sizeof(*nd));
		if (!nd)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		sp->days = nd;
		sp->alloc = na;
	}
	for (unsigned t = 0; t < SDAY_TOP; t++)
		for (uint64_t m = d->top[t]; m; m &= m - 1)
			head[2] += (uint64_t)__builtin_popcountll(
			    d->touched[t * 64 + (unsigned)__builtin_ctzll(m)]);
	if ((r = put(sp, head, HEAD_BYTES, err)) < 0)
		return r;
	for (unsigned t = 0; t < SDAY_TOP; t++) {
		for (uint64_t tm = d->top[t]; tm; tm &= tm - 1) {
			unsigned w = t * 64 + (unsigned)__builtin_ctzll(tm);
			for (uint64_t m = d->touched[w]; m; m &= m - 1) {
				uint32_t k =
				    w * 64 + (uint32_t)__builtin_ctzll(m);
				if ((r = put_entry(sp, d, k, err)) < 0)
					return r;
			}
			d->touched[w] = 0;
		}
		d->top[t] = 0;
	}
	if (!known) {
		memmove(sp->days + at + 1, sp->days + at,
			(sp->ndays - at) * sizeof(*sp->days));
		sp->days[at].day = d->day;
		sp->ndays++;
	}
	sp->days[at].last = start;
	return 0;
}

size_t sspill_ndays(const struct sspill *sp)
{
	return sp ? sp->ndays : 0;
}

int64_t sspill_day(const struct sspill *sp, size_t i)
{
	return sp->days[i].day;
}

int sspill_add(const struct sspill *sp, size_t i, struct sday *d,
	       struct fm_error *err)
{
	unsigned char *e = malloc((size_t)READ_ENTRIES * ENTRY_BYTES);
	struct win w = {malloc(WIN_BYTES), 0, 0};
	uint64_t at = sp->days[i].last + 1;
	int r = 0;

	if (!e || !w.p) {
		free(e);
		free(w.p);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	while (r == 0 && at) {
		uint64_t head[3], off = at - 1 + HEAD_BYTES;
		if ((r = win_get(sp, &w, at - 1, head, HEAD_BYTES, 1, err)) < 0)
			break;
		if ((int64_t)head[0] != sp->days[i].day) {
			r = fm_error_set(err, FM_EIO,
					 "series' spill file: a segment of day "
					 "%lld where %lld was expected",
					 (long long)head[0],
					 (long long)sp->days[i].day);
			break;
		}
		for (uint64_t j = 0; r == 0 && j < head[2];) {
			size_t k = head[2] - j < READ_ENTRIES
				       ? (size_t)(head[2] - j)
				       : READ_ENTRIES;
			r = win_get(sp, &w, off + j * ENTRY_BYTES, e,
				    k * ENTRY_BYTES, 0, err);
			for (size_t q = 0; r == 0 && q < k; q++) {
				const unsigned char *p = e + q * ENTRY_BYTES;
				uint32_t s;
				uint64_t f, pk, lo, hi;
				memcpy(&s, p, 4);
				memcpy(&f, p + 4, 8);
				memcpy(&pk, p + 12, 8);
				memcpy(&lo, p + 20, 8);
				memcpy(&hi, p + 28, 8);
				if (s >= FM_SERIES_DAY) {
					r = fm_error_set(
					    err, FM_EIO,
					    "series' spill file: second %u", s);
					break;
				}
				d->flows[s] += f;
				d->packets[s] += pk;
				d->octets[s] +=
				    ((unsigned __int128)hi << 64) | lo;
			}
			j += k;
		}
		at = head[1];
	}
	free(e);
	free(w.p);
	return r;
}

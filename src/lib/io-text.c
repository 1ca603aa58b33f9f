/*
 * io-text.c - chunked line reading and fast integer parsing/formatting
 * shared by the text formats (csv_flow, pipe, csv_hist).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/fileout.h"
#include "flowmodels/inflight.h"
#include "io-int.h"

#define TEXTIN_CHUNK (2u << 20)

static int textin_init(struct fm_textin *t, int fd, int own, const char *name,
		       size_t chunk, struct fm_error *err)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->own_fd = own;
	t->name = strdup(name);
	t->size = chunk ? chunk : TEXTIN_CHUNK;
	t->buf = malloc(t->size + FM_TEXTIN_PAD);
	if (!t->name || !t->buf) {
		fm_textin_close(t);
		return fm_error_set(err, FM_ENOMEM, "%s: out of memory", name);
	}
	memset(t->buf + t->size, 0, FM_TEXTIN_PAD);
	return 0;
}

int fm_textin_open(struct fm_textin *t, const char *path, struct fm_error *err)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return textin_init(t, 0, 0, "<stdin>", 0, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", path, strerror(errno));
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return textin_init(t, fd, 1, path, 0, err);
}

int fm_textin_from_fd(struct fm_textin *t, int fd, const char *name,
		      size_t chunk, struct fm_error *err)
{
	return textin_init(t, fd, 1, name, chunk, err);
}

/* Read more data; returns bytes read, 0 at EOF, < 0 on error. */
static long textin_fill(struct fm_textin *t, struct fm_error *err)
{
	if (t->start > 0) {
		memmove(t->buf, t->buf + t->start, t->end - t->start);
		t->end -= t->start;
		t->start = 0;
	}
	if (t->end == t->size) {
		size_t nsize = t->size * 2;
		char *nb = realloc(t->buf, nsize + FM_TEXTIN_PAD);
		if (!nb)
			return fm_error_set(err, FM_ENOMEM,
					    "%s:%llu: line too long", t->name,
					    (unsigned long long)t->line + 1);
		memset(nb + nsize, 0, FM_TEXTIN_PAD);
		t->buf = nb;
		t->size = nsize;
	}
	for (;;) {
		ssize_t n = read(t->fd, t->buf + t->end, t->size - t->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fm_error_set(err, FM_EIO, "%s: read: %s",
					    t->name, strerror(errno));
		t->end += (size_t)n;
		t->buf[t->end] = '\0'; /* the sentinel, see FM_TEXTIN_PAD */
		if (n == 0)
			t->eof = 1;
		return n;
	}
}

/* The next line (t->line + 1) is longer than FM_LINE_MAX. */
static int line_too_long(const struct fm_textin *t, struct fm_error *err)
{
	return fm_error_set(err, FM_EFORMAT,
			    "%s:%llu: line longer than %d bytes", t->name,
			    (unsigned long long)t->line + 1, FM_LINE_MAX);
}

int fm_textin_line(struct fm_textin *t, const char **line, size_t *len,
		   struct fm_error *err)
{
	size_t scan_from = t->start;

	for (;;) {
		char *nl = memchr(t->buf + scan_from, '\n', t->end - scan_from);
		if (nl) {
			size_t l = (size_t)(nl - (t->buf + t->start));
			*line = t->buf + t->start;
			t->consumed += l + 1;
			t->start += l + 1;
			if (l > 0 && (*line)[l - 1] == '\r')
				l--;
			if (l > FM_LINE_MAX)
				return line_too_long(t, err);
			*len = l;
			t->line++;
			return 1;
		}
		if (t->eof) {
			if (t->start == t->end)
				return 0;
			/* last line without a newline */
			size_t l = t->end - t->start;
			*line = t->buf + t->start;
			t->consumed += l;
			t->start = t->end;
			if (l > 0 && (*line)[l - 1] == '\r')
				l--;
			if (l > FM_LINE_MAX)
				return line_too_long(t, err);
			*len = l;
			t->line++;
			return 1;
		}
		size_t have = t->end - t->start;
		long r;
		if (have > FM_LINE_MAX + 1) /* + a CR before the newline */
			return line_too_long(t, err);
		r = textin_fill(t, err);
		if (r < 0)
			return (int)r;
		scan_from = t->start + have;
	}
}

long fm_textin_lines(struct fm_textin *t, size_t max, const char **starts,
		     uint32_t *lens, struct fm_error *err)
{
	size_t n = 0;

	/* make sure a complete line (or the last one) is buffered */
	while (!t->eof && !memchr(t->buf + t->start, '\n', t->end - t->start)) {
		long r;
		if (t->end - t->start > FM_LINE_MAX + 1)
			return line_too_long(t, err);
		r = textin_fill(t, err);
		if (r < 0)
			return r;
	}
	while (n < max) {
		char *p = t->buf + t->start;
		char *nl = memchr(p, '\n', t->end - t->start);
		size_t l;
		if (nl) {
			l = (size_t)(nl - p);
			t->start += l + 1;
			t->consumed += l + 1;
		} else if (t->eof && t->start < t->end) {
			l = t->end - t->start;
			t->start = t->end;
			t->consumed += l;
		} else {
			break;
		}
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l > FM_LINE_MAX) {
			t->line += n;
			return line_too_long(t, err);
		}
		starts[n] = p;
		lens[n] = (uint32_t)l;
		n++;
	}
	t->line += n;
	return (long)n;
}

int64_t fm_textin_skip_records(struct fm_textin *t, int64_t n,
			       const char *ignore, struct fm_error *err)
{
	int64_t done = 0;

	while (done < n) {
		const char *line;
		size_t len;
		int r = fm_textin_line(t, &line, &len, err);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		while (len > 0 && (*line == ' ' || *line == '\t'))
			line++, len--;
		if (len > 0 && !(ignore && len == strlen(ignore) &&
				 memcmp(line, ignore, len) == 0))
			done++;
	}
	return done;
}

void fm_textin_close(struct fm_textin *t)
{
	if (t->own_fd && t->fd >= 0)
		close(t->fd);
	free(t->buf);
	free(t->name);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

int fm_parse_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '-') {
		const char *q = p + 1;
		/* "-0" is zero, anything else negative */
		while (q < end && *q == '0')
			q++;
		if (q < end && *q >= '1' && *q <= '9')
			return -2;
		if (q == p + 1)
			return -1;
		*pp = q;
		*out = 0;
		return 0;
	}
	if (p < end && *p == '+')
		p++;
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		const char *s = p + 2;
		p = s;
		while (p < end) {
			unsigned d;
			if (*p >= '0' && *p <= '9')
				d = (unsigned)(*p - '0');
			else if (*p >= 'a' && *p <= 'f')
				d = (unsigned)(*p - 'a' + 10);
			else if (*p >= 'A' && *p <= 'F')
				d = (unsigned)(*p - 'A' + 10);
			else
				break;
			if (v >> 60)
				return -3;
			v = v << 4 | d;
			p++;
		}
		if (p == s)
			return -1;
	} else {
		const char *s = p;
		while (p < end && (unsigned)(*p - '0') < 10) {
			unsigned d = (unsigned)(*p - '0');
			/* UINT64_MAX = 1844674407370955161 * 10 + 5 */
			if (v >= 1844674407370955161ULL &&
			    (v > 1844674407370955161ULL || d > 5))
				return -3;
			v = v * 10 + d;
			p++;
		}
		if (p == s)
			return -1;
	}
	*pp = p;
	*out = v;
	return 0;
}

const char fm_digit_pairs[201] = "000102030405060708091011121314151617181920212"
				 "22324252627282930313233343536373839"
				 "404142434445464748495051525354555657585960616"
				 "26364656667686970717273747576777879"
				 "8081828384858687888990919293949596979899";

const uint64_t fm_pow10_u64[20] = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
    10000000000000000000ULL,
};

size_t fm_fmt_u64(char *dst, uint64_t v)
{
	return fm_fmt_u64_inline(dst, v);
}

size_t fm_fmt_i64(char *dst, int64_t v)
{
	if (v < 0) {
		dst[0] = '-';
		return 1 + fm_fmt_u64(dst + 1, (uint64_t)0 - (uint64_t)v);
	}
	return fm_fmt_u64(dst, (uint64_t)v);
}

int fm_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return FM_EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * buf.c - struct fm_buf, a growable NUL-terminated byte buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "flowmodels/error.h"

int fm_buf_grow(struct fm_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	char *p;

	if (need <= b->alloc)
		return 0;
	size_t alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc *= 2;
	p = realloc(b->buf, alloc);
	if (!p)
		return FM_ENOMEM;
	b->buf = p;
	b->alloc = alloc;
	return 0;
}

int fm_buf_add(struct fm_buf *b, const void *data, size_t len)
{
	if (fm_buf_grow(b, len))
		return FM_ENOMEM;
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int fm_buf_addstr(struct fm_buf *b, const char *s)
{
	return fm_buf_add(b, s, strlen(s));
}

int fm_buf_addch(struct fm_buf *b, char c)
{
	return fm_buf_add(b, &c, 1);
}

int fm_buf_vprintf(struct fm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return FM_EINVAL;
	if (fm_buf_grow(b, (size_t)n))
		return FM_ENOMEM;
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int fm_buf_printf(struct fm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = fm_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void fm_buf_reset(struct fm_buf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

void fm_buf_release(struct fm_buf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->alloc = 0;
}

char *fm_buf_detach(struct fm_buf *b)
{
	char *p = b->buf;
	if (!p)
		p = calloc(1, 1);
	b->buf = NULL;
	b->len = b->alloc = 0;
	return p;
}

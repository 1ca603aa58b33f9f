/*
 * buf.h - a growable byte buffer.
 *
 * Invariants: buf is either NULL (len == alloc == 0) or points to alloc
 * bytes of which len are used and buf[len] == '\0', so the contents can
 * always be used as a C string.  fm_buf_detach hands the memory to the
 * caller and resets the buffer.
 */
#ifndef FLOWMODELS_BUF_H
#define FLOWMODELS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct fm_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define FM_BUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/* Make room for extra more bytes; returns 0 or FM_ENOMEM. */
int fm_buf_grow(struct fm_buf *b, size_t extra);
int fm_buf_add(struct fm_buf *b, const void *data, size_t len);
int fm_buf_addstr(struct fm_buf *b, const char *s);
int fm_buf_addch(struct fm_buf *b, char c);
int fm_buf_printf(struct fm_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int fm_buf_vprintf(struct fm_buf *b, const char *fmt, va_list ap);
void fm_buf_reset(struct fm_buf *b);   /* len = 0, keep memory */
void fm_buf_release(struct fm_buf *b); /* free memory */
char *fm_buf_detach(struct fm_buf *b); /* caller frees; never NULL on success */
/* The contents as a string ("" when empty). */
static inline const char *fm_buf_str(const struct fm_buf *b)
{
	return b->buf ? b->buf : "";
}

#endif

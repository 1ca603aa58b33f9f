/*
 * error.c - struct fm_error helpers and the warning sink.
 */
#include <stdio.h>
#include <string.h>

#include "flowmodels/error.h"

static int is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Copy the NUL-terminated src into dst (size bytes), control bytes as
 * \xNN; a sequence that does not fit is left out whole. */
static void escape_into(char *dst, size_t size, const char *src)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		if (!is_control(*p)) {
			if (o + 1 >= size)
				break;
			dst[o++] = (char)*p;
		} else {
			if (o + 4 >= size)
				break;
			snprintf(dst + o, 5, "\\x%02x", *p);
			o += 4;
		}
	}
	dst[o] = '\0';
}

char *fm_quote_input(char *out, const char *text, size_t len)
{
	size_t o = 0;

	if (len > FM_QUOTE_MAX)
		len = FM_QUOTE_MAX;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (is_control(c)) {
			snprintf(out + o, 5, "\\x%02x", c);
			o += 4;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

int fm_error_set(struct fm_error *err, int code, const char *fmt, ...)
{
	if (err) {
		char raw[FM_ERRMSG_MAX];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(raw, sizeof(raw), fmt, ap);
		va_end(ap);
		escape_into(err->msg, sizeof(err->msg), raw);
		err->code = code;
	}
	return code;
}

void fm_error_prefix(struct fm_error *err, const char *fmt, ...)
{
	char raw[FM_ERRMSG_MAX], prefix[FM_ERRMSG_MAX], old[FM_ERRMSG_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	escape_into(prefix, sizeof(prefix), raw);
	memcpy(old, err->msg, sizeof(old));
	size_t n = strlen(prefix);
	if (n > sizeof(err->msg) - 3)
		n = sizeof(err->msg) - 3;
	memcpy(err->msg, prefix, n);
	memcpy(err->msg + n, ": ", 2);
	size_t m = strlen(old);
	if (m > sizeof(err->msg) - n - 3)
		m = sizeof(err->msg) - n - 3;
	memcpy(err->msg + n + 2, old, m);
	err->msg[n + 2 + m] = '\0';
}

void fm_error_clear(struct fm_error *err)
{
	if (err) {
		err->code = FM_OK;
		err->msg[0] = '\0';
	}
}

const char *fm_strerror(int code)
{
	switch (code) {
	case FM_OK:
		return "success";
	case FM_EINVAL:
		return "invalid argument";
	case FM_EIO:
		return "input/output error";
	case FM_EFORMAT:
		return "malformed input";
	case FM_ENOMEM:
		return "out of memory";
	case FM_ECANCEL:
		return "cancelled";
	case FM_ERANGE:
		return "value out of range";
	case FM_ENOTFOUND:
		return "not found";
	case FM_EEXTERNAL:
		return "external program failed";
	}
	return "unknown error";
}

void fm_log_vprintf(const struct fm_log *log, enum fm_log_level level,
		    const char *fmt, va_list ap)
{
	char raw[FM_ERRMSG_MAX], msg[FM_ERRMSG_MAX];

	if (!log || !log->fn)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	escape_into(msg, sizeof(msg), raw);
	log->fn(log->ctx, level, msg);
}

void fm_log_printf(const struct fm_log *log, enum fm_log_level level,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fm_log_vprintf(log, level, fmt, ap);
	va_end(ap);
}

/*
 * error.c - struct fm_error helpers and the warning sink.
 */
#include <stdio.h>
#include <string.h>

#include "flowmodels/error.h"

int fm_error_set(struct fm_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

void fm_error_prefix(struct fm_error *err, const char *fmt, ...)
{
	char prefix[FM_ERRMSG_MAX], old[FM_ERRMSG_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
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
	case FM_OK: return "success";
	case FM_EINVAL: return "invalid argument";
	case FM_EIO: return "input/output error";
	case FM_EFORMAT: return "malformed input";
	case FM_ENOMEM: return "out of memory";
	case FM_ECANCEL: return "cancelled";
	case FM_ERANGE: return "value out of range";
	case FM_ENOTFOUND: return "not found";
	case FM_EEXTERNAL: return "external program failed";
	}
	return "unknown error";
}

void fm_log_vprintf(const struct fm_log *log, enum fm_log_level level,
		    const char *fmt, va_list ap)
{
	char msg[FM_ERRMSG_MAX];

	if (!log || !log->fn)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
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

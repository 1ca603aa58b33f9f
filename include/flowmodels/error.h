/*
 * error.h - error reporting and diagnostics for libflowmodels.
 *
 * Library functions never print and never exit.  A function that can fail
 * returns 0 (or a non-negative count) on success and a negative FM_E* code
 * on failure, and fills an optional caller-owned struct fm_error with a
 * one-line, lower-case message naming the file, line/record and field:
 *     "data.csv:1042: field 'packets': expected 21 fields, got 20"
 * Warnings (non-fatal) go to an optional struct fm_log sink supplied by the
 * caller; a NULL sink drops them.
 */
#ifndef FLOWMODELS_ERROR_H
#define FLOWMODELS_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum fm_errcode {
	FM_OK = 0,
	FM_EINVAL = -1,	   /* bad argument or option value */
	FM_EIO = -2,	   /* operating-system I/O failure */
	FM_EFORMAT = -3,   /* malformed input data */
	FM_ENOMEM = -4,	   /* out of memory */
	FM_ECANCEL = -5,   /* cancelled through a progress callback */
	FM_ERANGE = -6,	   /* value out of range / overflow */
	FM_ENOTFOUND = -7, /* missing file, object or external program */
	FM_EEXTERNAL = -8  /* an external program failed */
};

#define FM_ERRMSG_MAX 512

struct fm_error {
	int code;
	char msg[FM_ERRMSG_MAX];
};

/*
 * Messages show text that came from input (fields, lines, file names)
 * with its control bytes escaped: fm_error_set, fm_error_prefix and the
 * log functions write every byte below 0x20 and 0x7f as \xNN (ESC as
 * \x1b), so a message stays one line and never drives the terminal.
 * Text that may hold a NUL is quoted with fm_quote_input first, so the
 * NUL shows as \x00 instead of ending the message.
 */
#define FM_QUOTE_MAX 40			     /* input bytes quoted at most */
#define FM_QUOTE_SIZE (4 * FM_QUOTE_MAX + 4) /* room fm_quote_input needs */
/* Write at most FM_QUOTE_MAX bytes of text[0..len) into out
 * (FM_QUOTE_SIZE bytes), control bytes and NUL as \xNN; returns out. */
char *fm_quote_input(char *out, const char *text, size_t len);

/* Fill err (if not NULL) with code and a printf-style message; returns code. */
int fm_error_set(struct fm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix an existing message with "prefix: " (e.g. a file name). */
void fm_error_prefix(struct fm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Clear err to FM_OK / empty message. */
void fm_error_clear(struct fm_error *err);
/* A short static description of an error code. */
const char *fm_strerror(int code);

enum fm_log_level { FM_LOG_DEBUG, FM_LOG_INFO, FM_LOG_WARN };

/* A caller-supplied sink for warnings and notes (one line, no newline). */
struct fm_log {
	void (*fn)(void *ctx, enum fm_log_level level, const char *msg);
	void *ctx;
};

void fm_log_printf(const struct fm_log *log, enum fm_log_level level,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void fm_log_vprintf(const struct fm_log *log, enum fm_log_level level,
		    const char *fmt, va_list ap);
#define fm_warn(log, ...) fm_log_printf((log), FM_LOG_WARN, __VA_ARGS__)
#define fm_note(log, ...) fm_log_printf((log), FM_LOG_INFO, __VA_ARGS__)

#endif

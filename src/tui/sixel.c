/*
 * sixel.c - whether the terminal draws sixel images (the workbench's
 * preview).  Asked, not guessed from TERM: the Primary Device Attributes
 * query ESC [ c is answered by every VT-compatible terminal with
 * ESC [ ? Pn ; Pn ; ... c, and a terminal that draws sixel graphics lists
 * the attribute 4 (xterm -ti vt340, mlterm, foot, WezTerm, VTE with
 * sixel, tmux 3.4 built with sixel...).  The reply is awaited a short
 * time only: a terminal that says nothing counts as one without sixel.
 * Pure code (file descriptors, no ncurses): a unit test plays the
 * terminal on a pty.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sixel.h"

int tui_sixel_parse_da(const char *buf, size_t len, size_t *start, size_t *end)
{
	for (size_t i = 0; i + 2 < len; i++) {
		size_t j;
		int param = 0, has4 = 0, digits = 0;

		if (buf[i] != '\033' || buf[i + 1] != '[' || buf[i + 2] != '?')
			continue;
		for (j = i + 3; j < len; j++) {
			char c = buf[j];
			if (c >= '0' && c <= '9') {
				param = param * 10 + (c - '0');
				digits = 1;
				if (param > 100000)
					param = 100000;
			} else if (c == ';' || c == 'c') {
				if (digits && param == 4)
					has4 = 1;
				param = digits = 0;
				if (c == 'c')
					break;
			} else {
				break; /* not a DA reply */
			}
		}
		if (j < len && buf[j] == 'c') {
			*start = i;
			*end = j + 1;
			return has4;
		}
		if (j >= len)
			return -1; /* incomplete: read more */
	}
	return -1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tui_sixel_query(int in_fd, int out_fd, int timeout_ms, char *other,
		    size_t osize, size_t *nother)
{
	static const char q[] = "\033[c";
	char buf[256];
	size_t len = 0, s = 0, e = 0;
	long deadline = now_ms() + timeout_ms;
	int r = -1;

	*nother = 0;
	if (write(out_fd, q, sizeof(q) - 1) != (ssize_t)(sizeof(q) - 1))
		return -1;
	while (len < sizeof(buf)) {
		struct pollfd p = {in_fd, POLLIN, 0};
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = read(in_fd, buf + len, sizeof(buf) - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		r = tui_sixel_parse_da(buf, len, &s, &e);
		if (r >= 0)
			break;
	}
	if (r < 0) /* no reply: everything read was typed */
		s = e = len;
	/* the bytes around the reply are keys typed meanwhile */
	for (size_t i = 0; i < len; i++)
		if ((i < s || i >= e) && *nother < osize)
			other[(*nother)++] = buf[i];
	return r;
}

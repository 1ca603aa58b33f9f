/*
 * test-sixel.c - asking the terminal whether it draws sixel
 * (src/tui/sixel.c): the device attributes reply parsed (attribute 4
 * among others, other attributes, an incomplete reply, keys around it),
 * and the query on a pty whose other end plays the terminal: one that
 * lists sixel, one that does not, one that never answers (the short
 * timeout), and keys typed before the reply given back in order.
 */
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "sixel.h"

static int parse(const char *s, size_t *a, size_t *b)
{
	return tui_sixel_parse_da(s, strlen(s), a, b);
}

static void test_parse(void **state)
{
	size_t a = 99, b = 99;

	(void)state;
	assert_int_equal(parse("\033[?62;4;22c", &a, &b), 1);
	assert_int_equal(a, 0);
	assert_int_equal(b, 11);
	assert_int_equal(parse("\033[?4c", &a, &b), 1);
	assert_int_equal(parse("\033[?64;1;2;6;9;15;22c", &a, &b), 0);
	/* 14 and 40 are not 4 */
	assert_int_equal(parse("\033[?14;40c", &a, &b), 0);
	assert_int_equal(parse("\033[?1;2c", &a, &b), 0);
	/* incomplete, or no reply at all */
	assert_int_equal(parse("\033[?62;4", &a, &b), -1);
	assert_int_equal(parse("abc", &a, &b), -1);
	assert_int_equal(parse("", &a, &b), -1);
	/* keys around it; a CSI that is not a DA reply is skipped */
	assert_int_equal(parse("q\033[A\033[?65;4;1cxy", &a, &b), 1);
	assert_int_equal(a, 4);
	assert_int_equal(b, 14);
}

struct fake_term {
	int master;
	const char *before; /* typed before the reply */
	const char *reply;  /* NULL: never answers */
	char query[16];
};

/* The terminal: read the query, then type and answer. */
static void *terminal(void *arg)
{
	struct fake_term *ft = arg;
	struct pollfd p = {ft->master, POLLIN, 0};
	ssize_t n;

	if (poll(&p, 1, 2000) == 1) {
		n = read(ft->master, ft->query, sizeof(ft->query) - 1);
		ft->query[n > 0 ? n : 0] = 0;
	}
	if (ft->before && write(ft->master, ft->before, strlen(ft->before)) < 0)
		return NULL;
	if (ft->reply && write(ft->master, ft->reply, strlen(ft->reply)) < 0)
		return NULL;
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ask(const char *before, const char *reply, char *other,
	       size_t *nother, double *secs)
{
	struct fake_term ft = {-1, before, reply, ""};
	struct termios tio;
	pthread_t th;
	int slave, r;
	double t0;

	assert_int_equal(openpty(&ft.master, &slave, NULL, NULL, NULL), 0);
	assert_int_equal(tcgetattr(slave, &tio), 0);
	cfmakeraw(&tio);
	assert_int_equal(tcsetattr(slave, TCSANOW, &tio), 0);
	assert_int_equal(pthread_create(&th, NULL, terminal, &ft), 0);
	t0 = now();
	r = tui_sixel_query(slave, slave, 300, other, 16, nother);
	*secs = now() - t0;
	pthread_join(th, NULL);
	assert_string_equal(ft.query, "\033[c");
	close(slave);
	close(ft.master);
	return r;
}

static void test_query(void **state)
{
	char other[16];
	size_t n;
	double secs;

	(void)state;
	/* xterm -ti vt340 */
	assert_int_equal(
	    ask(NULL, "\033[?63;1;2;4;6;9;15;22c", other, &n, &secs), 1);
	assert_int_equal(n, 0);
	assert_true(secs < 0.29); /* the answer ends the wait */
	/* a VT220 without sixel (tmux without it answers so) */
	assert_int_equal(ask(NULL, "\033[?62;1;6;22c", other, &n, &secs), 0);
	assert_int_equal(n, 0);
	/* keys typed before the reply come back in order */
	assert_int_equal(ask("ls", "\033[?62;4c", other, &n, &secs), 1);
	assert_int_equal(n, 2);
	assert_memory_equal(other, "ls", 2);
	/* no answer: after the timeout (300 ms), what was typed is keys */
	assert_int_equal(ask("q", NULL, other, &n, &secs), -1);
	assert_true(secs >= 0.29 && secs < 2);
	assert_int_equal(n, 1);
	assert_int_equal(other[0], 'q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_query),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

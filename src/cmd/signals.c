/*
 * signals.c - what a fatal signal does to the work in flight (see
 * signals.h): temporary outputs removed, a SIGBUS of a shrinking mapped
 * input turned into a message naming the file.  Handlers use only
 * async-signal-safe calls (write, unlink, _exit, raise, pause) and a
 * lock-free atomic flag.
 */
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/inflight.h"
#include "signals.h"

static void say_n(const char *s, size_t n)
{
	ssize_t r = write(2, s, n);
	(void)r;
}

/* SIGINT, SIGTERM, SIGHUP: remove the temporaries, then die of it. */
static void on_stop(int sig)
{
	fm_inflight_remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Append s to the message in buf (of size cap) at *len, cut to fit. */
static void add(char *buf, size_t cap, size_t *len, const char *s)
{
	while (*s && *len + 1 < cap)
		buf[(*len)++] = *s++;
}

/* Several reading threads can fault on the same shrunk mapping at once:
 * the first one to get here speaks and exits, the others wait for it. */
static atomic_flag bus_taken = ATOMIC_FLAG_INIT;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	static char msg[4096 + 160];
	size_t len = 0;
	const char *path;

	(void)uc;
	if (atomic_flag_test_and_set(&bus_taken))
		for (;;)
			pause();
	path = fm_inflight_map_find(si->si_addr);
	fm_inflight_remove_temps();
	if (!path) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	/* one write, so the line is never interleaved with other output */
	add(msg, sizeof(msg), &len, "flowmodels: ");
	add(msg, sizeof(msg), &len, path);
	add(msg, sizeof(msg), &len,
	    ": the input changed while being read (it shrank or was "
	    "rewritten); stopped, outputs left as they were");
	msg[len++] = '\n';
	say_n(msg, len);
	_exit(1);
}

void cmd_signals_install(int stop_signals)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	if (!stop_signals)
		return;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	for (int i = 0; i < 3; i++) {
		static const int stops[3] = {SIGINT, SIGTERM, SIGHUP};
		struct sigaction old;
		/* a signal ignored when we started (a background job, nohup)
		 * stays ignored */
		if (sigaction(stops[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(stops[i], &sa, NULL);
	}
}

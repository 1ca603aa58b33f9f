/*
 * signals.c - what a fatal signal does to the work in flight (see
 * signals.h): temporary outputs removed, a SIGBUS of a shrinking mapped
 * input turned into a message naming the file.  Handlers use only
 * async-signal-safe calls (write, unlink, _exit, raise).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/inflight.h"
#include "signals.h"

static void say(const char *s)
{
	ssize_t r = write(2, s, strlen(s));
	(void)r;
}

/* SIGINT, SIGTERM, SIGHUP: remove the temporaries, then die of it. */
static void on_stop(int sig)
{
	fm_inflight_remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	const char *path = fm_inflight_map_find(si->si_addr);

	(void)uc;
	fm_inflight_remove_temps();
	if (!path) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	say("flowmodels: ");
	say(path);
	say(": the input changed while being read (it shrank or was "
	    "rewritten); stopped, outputs left as they were\n");
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

/*
 * test-live.c - objects following a live object in a session (live.h):
 * new files are read on the reader thread, outside the session lock.
 *
 * A read hook holds the reader inside a file (a huge file being read):
 * meanwhile cmd_live_poll returns at once, commands run (an export of the
 * histogram, which still holds the files before), and the session lock is
 * free.  Released, a later poll applies the file: the histogram (and the
 * series) then equal the hist (series) of the files in the window, and,
 * with a window, the oldest file is subtracted when a newer one pushes
 * it out.  A view of the live object (filter live EXPR) is live: its
 * histogram follows it (the hist of the files with EXPR), and tools
 * reading it get EXPR.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sess-run.h"
#include "testutil.h"
#include "cmd/live.h"
#include "cmd/session.h"

static pthread_mutex_t hook_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hook_cv = PTHREAD_COND_INITIALIZER;
static int hook_hold;	      /* the reader waits while set */
static atomic_int hook_reads; /* files the reader began */

static void slow_reader(const char *path)
{
	(void)path;
	atomic_fetch_add(&hook_reads, 1);
	struct timespec until;

	/* at most 3 s: a reader on the polling thread fails the test (the
	 * poll takes that long) instead of hanging it */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3;
	pthread_mutex_lock(&hook_mu);
	while (hook_hold &&
	       pthread_cond_timedwait(&hook_cv, &hook_mu, &until) == 0)
		;
	pthread_mutex_unlock(&hook_mu);
}

static void hold(int on)
{
	pthread_mutex_lock(&hook_mu);
	hook_hold = on;
	pthread_cond_broadcast(&hook_cv);
	pthread_mutex_unlock(&hook_mu);
}

static void run_ok(struct session *s, const char *fmt, const char *a,
		   const char *b)
{
	char line[8192];

	snprintf(line, sizeof(line), fmt, a, b);
	tu_sess_ok(s, line);
}

/* Capture file k (nfcapd, from random csv records) into dir as name. */
static void put(struct session *s, int k, const char *dir, const char *name)
{
	char csv[64], nf[64], to[4200];
	struct tu_totals tot;

	snprintf(csv, sizeof(csv), "f%d.csv", k);
	snprintf(nf, sizeof(nf), "f%d.nfcapd", k);
	tu_random_csv(tu_path(csv), 500 + 300 * k, 40 + (uint64_t)k, &tot);
	run_ok(s, "convert -q -i csv_flow -o nfcapd -O %s %s", tu_path(nf),
	       tu_path(csv));
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	assert_int_equal(rename(tu_path(nf), to), 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Poll until an object changed (10 s at most); the longest poll. */
static double poll_changed(struct session *s)
{
	struct fm_error err = {0};
	double longest = 0;

	for (int i = 0; i < 2000; i++) {
		int changed = 0;
		double t0 = now();
		assert_int_equal(cmd_live_poll(s, NULL, &changed, &err), 0);
		longest = now() - t0 > longest ? now() - t0 : longest;
		if (changed)
			return longest;
		usleep(5000);
	}
	fail_msg("no change in 10 s");
	return 0;
}

/* Objects h (hist) and sr (series) of live, and ht of its view tcp,
 * equal the hist (series) of files (the view's: with its filter; a
 * tool reading the view gets the filter too). */
static void expect_window(struct session *s, const char *files)
{
	static const char *const hist[2][2] = {
	    {"h", ""}, {"ht", "--filter-expr 'prot == 6'"}};
	char line[9000], gs[4200], ws[4200];

	for (int k = 0; k < 2; k++) {
		unlink(tu_path("got.csv"));
		unlink(tu_path("want.csv"));
		run_ok(s, "export %s -O %s", hist[k][0], tu_path("got.csv"));
		snprintf(line, sizeof(line),
			 "hist -q -i nfcapd -x size -b 3 -c rate %s -O %s %s",
			 hist[k][1], tu_path("want.csv"), files);
		tu_sess_ok(s, line);
		assert_int_equal(tu_system("cmp -s '%s' '%s'",
					   tu_path("got.csv"),
					   tu_path("want.csv")),
				 0);
		/* bins in both (the view is not empty) */
		assert_int_equal(
		    tu_system("test $(wc -l < '%s') -gt 5", tu_path("got.csv")),
		    0);
	}
	snprintf(gs, sizeof(gs), "%s", tu_path("got.csv"));
	snprintf(ws, sizeof(ws), "%s", tu_path("want.csv"));
	run_ok(s, "convert -q tcp -o csv_flow -O %s%s", gs, "");
	snprintf(line, sizeof(line),
		 "convert -q -i nfcapd -o csv_flow --filter-expr 'prot == 6' "
		 "-O %s %s",
		 ws, files);
	tu_sess_ok(s, line);
	assert_int_equal(tu_system("cmp -s '%s' '%s'", gs, ws), 0);
	snprintf(gs, sizeof(gs), "%s", tu_path("got-s"));
	snprintf(ws, sizeof(ws), "%s", tu_path("want-s"));
	tu_system("rm -rf '%s' '%s'", gs, ws);
	run_ok(s, "export sr -O %s%s", gs, "");
	run_ok(s, "series -q -i nfcapd -O %s %s", ws, files);
	assert_int_equal(tu_system("diff -r -q '%s' '%s'", gs, ws), 0);
}

static void test_read_outside_lock(void **state)
{
	struct session *s = sess_new();
	char dir[4200], files[3][4300], both[9000];
	int changed = 0;
	struct fm_error err = {0};
	(void)state;

	snprintf(dir, sizeof(dir), "%s", tu_path("follow"));
	tu_system("rm -rf '%s' && mkdir -p '%s'", dir, dir);
	put(s, 0, dir, "nfcapd.202001010000");
	for (int k = 0; k < 3; k++)
		snprintf(files[k], sizeof(files[k]), "%s/nfcapd.2020010100%d0",
			 dir, k);
	run_ok(s, "load --follow %s --window 15m as live%s", dir, "");
	run_ok(s, "hist live -x size -b 3 -c rate as h%s%s", "", "");
	run_ok(s, "series live as sr%s%s", "", "");
	run_ok(s, "filter live 'prot == 6' as tcp%s%s", "", "");
	run_ok(s, "hist tcp -x size -b 3 -c rate as ht%s%s", "", "");
	expect_window(s, files[0]);

	/* a file arrives; the reader is held inside it */
	cmd_live_read_hook(slow_reader);
	hold(1);
	put(s, 1, dir, "nfcapd.202001010010");
	for (int i = 0; i < 2000 && atomic_load(&hook_reads) == 0; i++) {
		double t0 = now();
		assert_int_equal(cmd_live_poll(s, NULL, &changed, &err), 0);
		assert_true(now() - t0 < 1.0);
		assert_int_equal(changed, 0);
		usleep(5000);
	}
	assert_true(atomic_load(&hook_reads) > 0);
	assert_true(cmd_live_reading());
	/* the status line says which file is being read */
	{
		struct fm_buf st = FM_BUF_INIT;
		cmd_live_status(s, &st);
		assert_non_null(
		    strstr(fm_buf_str(&st), "live: nfcapd.202001010000, "));
		assert_non_null(
		    strstr(fm_buf_str(&st), ", reading nfcapd.202001010010"));
		fm_buf_release(&st);
	}
	/* while it reads: polls return at once, commands run, the lock is
	 * free, and the objects hold the files before */
	for (int i = 0; i < 5; i++) {
		double t0 = now();
		assert_int_equal(cmd_live_poll(s, NULL, &changed, &err), 0);
		assert_true(now() - t0 < 0.5);
		assert_int_equal(changed, 0);
	}
	sess_lock(s);
	sess_unlock(s);
	expect_window(s, files[0]);
	hold(0);
	poll_changed(s);
	snprintf(both, sizeof(both), "%s %s", files[0], files[1]);
	expect_window(s, both);
	{ /* read and applied: no longer reading */
		struct fm_buf st = FM_BUF_INIT;
		cmd_live_status(s, &st);
		assert_non_null(
		    strstr(fm_buf_str(&st), "live: nfcapd.202001010010, "));
		assert_null(strstr(fm_buf_str(&st), "reading"));
		fm_buf_release(&st);
	}

	/* a third file pushes the first out of the 15 minutes */
	put(s, 2, dir, "nfcapd.202001010020");
	poll_changed(s);
	snprintf(both, sizeof(both), "%s %s", files[1], files[2]);
	expect_window(s, both);
	cmd_live_read_hook(NULL);
	sess_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_outside_lock),
	};
	tu_own_tmpdir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

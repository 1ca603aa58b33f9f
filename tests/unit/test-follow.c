/*
 * test-follow.c - following a directory (follow.h): capture file names,
 * window lengths, time order over subdirectories, the sliding window,
 * files arriving (inotify and polling, new subdirectories, late files);
 * and the incremental histogram (hist-window.h) against a fresh hist of
 * the parts in the window after every add and drop.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/follow.h"
#include "flowmodels/hist-window.h"
#include "testutil.h"

static void test_stamp(void **state)
{
	int64_t s;

	(void)state;
	assert_int_equal(fm_follow_stamp("nfcapd.197001010000", &s), 1);
	assert_int_equal(s, 0);
	assert_int_equal(fm_follow_stamp("nfcapd.20261206013559", &s), 1);
	assert_int_equal(s, 1796520959); /* date -u -d 2026-12-06T01:35:59 */
	assert_int_equal(fm_follow_stamp("nfcapd.202402291200", &s), 1);
	assert_int_equal(s, 1709208000);
	const char *bad[] = {"nfcapd.current.1234",	"nfcapd.2026120601",
			     "nfcapd.202612060100.tmp", "nfcapd.202613060100",
			     "nfcapd.202612320100",	"nfcapd.202612062400",
			     "nfcapd.20261206010060",	"xnfcapd.202612060100",
			     "nfcapd.20261206010",	"nfcapd.2026-2060100",
			     "nfcapd.202612060100x",	""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fm_follow_stamp(bad[i], &s), 0);
}

static void test_parse_window(void **state)
{
	struct fm_error err = {0};
	int64_t s;

	(void)state;
	assert_int_equal(fm_follow_parse_window("90", &s, &err), 0);
	assert_int_equal(s, 90);
	assert_int_equal(fm_follow_parse_window("90s", &s, &err), 0);
	assert_int_equal(s, 90);
	assert_int_equal(fm_follow_parse_window("15m", &s, &err), 0);
	assert_int_equal(s, 900);
	assert_int_equal(fm_follow_parse_window("1h", &s, &err), 0);
	assert_int_equal(s, 3600);
	assert_int_equal(fm_follow_parse_window("2d", &s, &err), 0);
	assert_int_equal(s, 172800);
	const char *bad[] = {"",    "0",   "-1h",  "1x",
			     "h",   "1hh", "1.5h", "99999999999999999999",
			     "+1h", " 1h"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fm_follow_parse_window(bad[i], &s, &err),
				 FM_EINVAL);
		assert_non_null(strstr(err.msg, "window"));
	}
}

/* Put a file at dir/name the way nfcapd does: written, then renamed. */
static void put(const char *dir, const char *name)
{
	char tmp[4096], to[4096];

	snprintf(tmp, sizeof(tmp), "%s/.incoming", tu_tmpdir());
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	tu_write_file(tmp, "x");
	assert_int_equal(rename(tmp, to), 0);
}

/* The next event, waiting up to 10 s for one (a loaded machine). */
static int next_event(struct fm_follow *f, struct fm_follow_event *ev)
{
	struct fm_error err = {0};

	for (int i = 0; i < 100; i++) {
		int r = fm_follow_next(f, ev, &err);
		assert_true(r >= 0);
		if (r)
			return 1;
		assert_true(fm_follow_wait(f, 100, &err) >= 0);
	}
	return 0;
}

static void expect(struct fm_follow *f, enum fm_follow_what what,
		   const char *tail)
{
	struct fm_follow_event ev;

	assert_int_equal(next_event(f, &ev), 1);
	assert_int_equal(ev.what, what);
	size_t n = strlen(ev.path), t = strlen(tail);
	assert_true(n >= t);
	assert_string_equal(ev.path + n - t, tail);
}

static void expect_none(struct fm_follow *f)
{
	struct fm_follow_event ev;
	struct fm_error err = {0};

	int r = fm_follow_next(f, &ev, &err);
	if (r)
		fail_msg("unexpected event %d %s", (int)ev.what, ev.path);
}

static void collect_note(void *ctx, enum fm_log_level level, const char *msg)
{
	(void)level;
	snprintf(ctx, 512, "%s", msg);
}

static void follow_dir(enum fm_follow_mode mode, const char *name)
{
	const char *dir = tu_path(name);
	char sub[4096], sub2[4096], note[512] = "";
	struct fm_log log = {collect_note, note};
	struct fm_follow_opts o = {dir, 60, mode, 50, &log};
	struct fm_follow *f = NULL;
	struct fm_error err = {0};

	snprintf(sub, sizeof(sub), "%s/2026/12", dir);
	assert_int_equal(tu_system("mkdir -p '%s'", sub), 0);
	put(dir, "nfcapd.202612060100");
	put(dir, "nfcapd.20261206010030");
	put(sub, "nfcapd.202612060059");
	put(dir, "nfcapd.current.4242");
	put(dir, "nfcapd.2026120601");
	put(sub, "notes.txt");
	assert_int_equal(fm_follow_open(&f, &o, &err), 0);
	assert_int_equal(fm_follow_inotify(f), mode == FM_FOLLOW_AUTO);
	/* time order across directories; 00:59 leaves at 01:00 (60 s) */
	expect(f, FM_FOLLOW_ADD, "/2026/12/nfcapd.202612060059");
	expect(f, FM_FOLLOW_ADD, "/nfcapd.202612060100");
	expect(f, FM_FOLLOW_DROP, "/2026/12/nfcapd.202612060059");
	expect(f, FM_FOLLOW_ADD, "/nfcapd.20261206010030");
	expect_none(f);
	assert_int_equal(fm_follow_in_window(f), 2);
	/* a file arriving, ignored names around it */
	put(dir, "nfcapd.current.4243");
	put(dir, "nfcapd.202612060101");
	expect(f, FM_FOLLOW_ADD, "/nfcapd.202612060101");
	expect(f, FM_FOLLOW_DROP, "/nfcapd.202612060100");
	/* a new subdirectory and a file in it */
	snprintf(sub2, sizeof(sub2), "%s/2026/13", dir);
	assert_int_equal(mkdir(sub2, 0755), 0);
	put(sub2, "nfcapd.202612060102");
	expect(f, FM_FOLLOW_ADD, "/2026/13/nfcapd.202612060102");
	/* 01:01 is 60 s before 01:02: a 60 s window holds 01:02 alone */
	expect(f, FM_FOLLOW_DROP, "/nfcapd.20261206010030");
	expect(f, FM_FOLLOW_DROP, "/nfcapd.202612060101");
	expect_none(f);
	/* a late file already out of the window: skipped with a note */
	put(dir, "nfcapd.202612060000");
	put(dir, "nfcapd.202612060103");
	expect(f, FM_FOLLOW_ADD, "/nfcapd.202612060103");
	for (int i = 0; i < 100 && !note[0]; i++) {
		struct fm_follow_event ev;
		assert_int_equal(fm_follow_wait(f, 100, &err) >= 0, 1);
		assert_int_equal(fm_follow_next(f, &ev, &err) >= 0, 1);
	}
	assert_non_null(strstr(note, "nfcapd.202612060000: skipped: older"));
	fm_follow_free(f);
}

static void test_follow_inotify(void **state)
{
	(void)state;
	follow_dir(FM_FOLLOW_AUTO, "ino");
}

static void test_follow_poll(void **state)
{
	(void)state;
	follow_dir(FM_FOLLOW_POLL, "poll");
}

static void test_follow_all(void **state)
{
	const char *dir = tu_path("all");
	struct fm_follow_opts o = {dir, 0, FM_FOLLOW_AUTO, 0, NULL};
	struct fm_follow *f = NULL;
	struct fm_error err = {0};

	(void)state;
	assert_int_equal(fm_follow_open(&f, &o, &err), FM_ENOTFOUND);
	assert_non_null(strstr(err.msg, "all"));
	assert_int_equal(mkdir(dir, 0755), 0);
	/* an empty directory is fine: files come later */
	assert_int_equal(fm_follow_open(&f, &o, &err), 0);
	expect_none(f);
	put(dir, "nfcapd.202612060105");
	put(dir, "nfcapd.202001010000");
	expect(f, FM_FOLLOW_ADD, "/nfcapd.202001010000");
	expect(f, FM_FOLLOW_ADD, "/nfcapd.202612060105");
	expect_none(f);
	assert_int_equal(fm_follow_in_window(f), 2);
	fm_follow_free(f);
}

/* ---- the incremental histogram against a fresh one ---- */

#define NPARTS 12

static void compare(const struct fm_histogram *a, const struct fm_histogram *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->cols, b->cols);
	for (size_t i = 0; i < a->n; i++) {
		assert_true(a->bin_lo[i] == b->bin_lo[i]);
		if (a->bin_lo[i] >= 0)
			assert_true(a->bin_hi[i] == b->bin_hi[i]);
		assert_true(a->flows[i] == b->flows[i]);
		assert_true(a->packets[i] == b->packets[i]);
		assert_true(a->octets[i] == b->octets[i]);
		if (a->duration)
			assert_true(a->duration[i] == b->duration[i]);
		if (a->aggs)
			assert_true(a->aggs[i] == b->aggs[i]);
		if (a->rate)
			assert_true(fabs(a->rate[i] - b->rate[i]) <=
				    1e-12 * fabs(b->rate[i]));
	}
}

/* A fresh hist of parts [from, to) of p that are still in (live). */
static void fresh(const struct fm_hist_opts *o, const struct fm_batch *p,
		  const int *live, struct fm_histogram *out)
{
	struct fm_hist *h = NULL;
	struct fm_error err = {0};

	assert_int_equal(fm_hist_new(&h, o, &err), 0);
	for (int k = 0; k < NPARTS; k++)
		if (live[k])
			assert_int_equal(fm_hist_add(h, &p[k], &err), 0);
	fm_histogram_init(out);
	assert_int_equal(fm_hist_result(h, out, &err), 0);
	fm_hist_free(h);
}

static void window_run(enum fm_hist_x x, int bin_exp, uint64_t seed)
{
	struct fm_hist_opts o;
	struct fm_batch parts[NPARTS];
	struct fm_hist_window *w = NULL;
	struct fm_error err = {0};
	int live[NPARTS] = {0};
	uint64_t rs = seed;

	memset(&o, 0, sizeof(o));
	o.x = x;
	o.bin_exp = bin_exp;
	o.ncols = 3;
	o.cols[0] = FM_HIST_COL_AGGS;
	o.cols[1] = FM_HIST_COL_RATE;
	o.cols[2] = FM_HIST_COL_DURATION;
	for (int k = 0; k < NPARTS; k++) {
		size_t n = tu_rand(&rs) % 300;
		memset(&parts[k], 0, sizeof(parts[k]));
		assert_int_equal(
		    fm_batch_alloc(&parts[k], FM_ALL_FIELDS, n + 1), 0);
		for (size_t i = 0; i < n; i++)
			tu_random_record(&parts[k], i, &rs);
		parts[k].n = n;
	}
	assert_int_equal(fm_hist_window_new(&w, &o, &err), 0);
	for (int k = 0; k < NPARTS; k++) {
		struct fm_histogram want;
		assert_int_equal(fm_hist_window_add_batch(w, (uint64_t)k + 1,
							  &parts[k], &err),
				 0);
		live[k] = 1;
		fresh(&o, parts, live, &want);
		compare(fm_hist_window_result(w), &want);
		fm_histogram_release(&want);
		/* drop the oldest parts beyond a window of 1..4, or one at
		 * random */
		int keep = 1 + (int)(tu_rand(&rs) % 4), nlive = 0;
		for (int j = k; j >= 0; j--)
			if (live[j] && ++nlive > keep) {
				assert_int_equal(fm_hist_window_drop(
						     w, (uint64_t)j + 1, &err),
						 0);
				live[j] = 0;
			}
		if (tu_rand(&rs) % 3 == 0) {
			int j = (int)(tu_rand(&rs) % (uint64_t)(k + 1));
			assert_int_equal(
			    fm_hist_window_drop(w, (uint64_t)j + 1, &err), 0);
			live[j] = 0;
		}
		fresh(&o, parts, live, &want);
		compare(fm_hist_window_result(w), &want);
		uint64_t recs = 0;
		for (int j = 0; j <= k; j++)
			recs += live[j] ? parts[j].n : 0;
		assert_true(fm_hist_window_records(w) <= recs);
		fm_histogram_release(&want);
	}
	/* dropping everything leaves an empty histogram */
	for (int k = 0; k < NPARTS; k++)
		assert_int_equal(fm_hist_window_drop(w, (uint64_t)k + 1, &err),
				 0);
	assert_int_equal(fm_hist_window_result(w)->n, 0);
	assert_int_equal(fm_hist_window_parts(w), 0);
	assert_int_equal(fm_hist_window_records(w), 0);
	fm_hist_window_free(w);
	for (int k = 0; k < NPARTS; k++)
		fm_batch_release(&parts[k]);
}

static void test_window_differential(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 6; seed++) {
		window_run(FM_HIST_X_LENGTH, (int)(seed % 3) * 3, seed);
		window_run(FM_HIST_X_SIZE, 4, seed * 7);
		window_run(FM_HIST_X_DURATION, 2, seed * 11);
		window_run(FM_HIST_X_RATE, 6, seed * 13);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stamp),
	    cmocka_unit_test(test_parse_window),
	    cmocka_unit_test(test_follow_inotify),
	    cmocka_unit_test(test_follow_poll),
	    cmocka_unit_test(test_follow_all),
	    cmocka_unit_test(test_window_differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-seriesmerge.c - the series merge with short days
 * (fm_seriesmerge_lines, what fuzz-seriesmerge uses) gives what the
 * merge of full days gives: directories of L-line files and the same
 * directories with every file padded to 86400 lines (zero lines inserted
 * after line L) merge to the same days and sums, and fail with the same
 * message (line counts named for the day's length).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "flowmodels/buf.h"
#include "flowmodels/series.h"
#include "seriesmerge-int.h"

#define L 3

typedef unsigned __int128 u128;

/* What a merge gave: the days, the first L sums of each, and whether
 * any sum after the first L was not 0. */
struct got {
	size_t lines, n;
	int64_t day[8];
	u128 sum[8][3][L];
	int tail_nonzero;
};

static int on_day(void *ctx, const struct fm_seriesmerge_day *d,
		  struct fm_error *err)
{
	struct got *g = ctx;

	(void)err;
	assert_true(g->n < 8);
	g->day[g->n] = d->day;
	for (int c = 0; c < 3; c++) {
		memcpy(g->sum[g->n][c], d->col[c], sizeof(g->sum[0][0]));
		for (size_t k = L; k < g->lines; k++)
			g->tail_nonzero |= d->col[c][k] != 0;
	}
	g->n++;
	return 0;
}

/* One file of a case: directory 0 or 1, name, short content. */
struct file {
	int dir;
	const char *name, *text;
};

/* text with (86400 - L) lines "0" inserted after its line L (none when it
 * has fewer). */
static void padded(const char *text, struct fm_buf *out)
{
	const char *p = text;

	fm_buf_reset(out);
	for (int k = 0; k < L && p; k++) {
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : NULL;
	}
	if (!p) {
		fm_buf_addstr(out, text);
		return;
	}
	fm_buf_add(out, text, (size_t)(p - text));
	for (int k = L; k < FM_SERIES_DAY; k++)
		fm_buf_addstr(out, "0\n");
	fm_buf_addstr(out, p);
}

/* Merge the case's files as short (lines L) or full days into g; returns
 * the result, the message in msg with the directory prefix cut. */
static int merge(const struct file *fs, size_t nf, int full, struct got *g,
		 char *msg)
{
	char dirs[2][512];
	const char *in[2] = {dirs[0], dirs[1]};
	struct fm_seriesmerge_sink sink = {on_day, g};
	struct fm_buf b = FM_BUF_INIT;
	struct fm_error err = {0};
	size_t ndays = 0;
	int r;

	for (int i = 0; i < 2; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "%s", tu_path(""));
		snprintf(dirs[i] + strlen(dirs[i]),
			 sizeof(dirs[i]) - strlen(dirs[i]), "%s%d",
			 full ? "full" : "short", i);
		tu_system("rm -rf '%s' && mkdir -p '%s'", dirs[i], dirs[i]);
	}
	for (size_t k = 0; k < nf; k++) {
		char path[600];
		snprintf(path, sizeof(path), "%s/%s", dirs[fs[k].dir],
			 fs[k].name);
		if (full)
			padded(fs[k].text, &b);
		else
			fm_buf_addstr((fm_buf_reset(&b), &b), fs[k].text);
		tu_write_file(path, fm_buf_str(&b));
	}
	fm_buf_release(&b);
	memset(g, 0, sizeof(*g));
	g->lines = full ? FM_SERIES_DAY : L;
	r = full ? fm_seriesmerge(in, 2, &sink, &ndays, &err)
		 : fm_seriesmerge_lines(in, 2, L, &sink, &ndays, &err);
	assert_int_equal(ndays, r < 0 ? ndays : g->n);
	/* the message without the scratch directory */
	const char *m = strstr(err.msg, full ? "full" : "short");
	snprintf(msg, FM_ERRMSG_MAX, "%s",
		 r < 0 && m ? m + (full ? 4 : 5) : "");
	return r;
}

/* The short message as the full merge words it. */
static void full_words(const char *in, char *out)
{
	static const char *const from[] = {":4: more than 3 lines",
					   "before line 3"};
	static const char *const to[] = {":86401: more than 86400 lines",
					 "before line 86400"};
	snprintf(out, FM_ERRMSG_MAX, "%s", in);
	for (int k = 0; k < 2; k++) {
		char *p = strstr(out, from[k]);
		if (p) {
			char tail[FM_ERRMSG_MAX];
			snprintf(tail, sizeof(tail), "%s", p + strlen(from[k]));
			snprintf(p, FM_ERRMSG_MAX - (size_t)(p - out), "%s%s",
				 to[k], tail);
		}
	}
}

static void same_as_full(const struct file *fs, size_t nf, int want_ok)
{
	static struct got s, f;
	char ms[FM_ERRMSG_MAX], mf[FM_ERRMSG_MAX], mw[FM_ERRMSG_MAX];
	int rs = merge(fs, nf, 0, &s, ms), rf = merge(fs, nf, 1, &f, mf);

	assert_int_equal(rs, rf);
	assert_int_equal(rs == 0, want_ok);
	full_words(ms, mw);
	assert_string_equal(mw, mf);
	if (rs == 0) {
		assert_true(s.n > 0);
		assert_int_equal(s.n, f.n);
		assert_memory_equal(s.day, f.day, s.n * sizeof(s.day[0]));
		assert_memory_equal(s.sum, f.sum, s.n * sizeof(s.sum[0]));
		assert_false(f.tail_nonzero);
	}
}

#define N(a) (sizeof(a) / sizeof(a[0]))

static void test_sums(void **state)
{
	static const struct file fs[] = {
	    {0, "1.flows", "1\n2\n3\n"},
	    {0, "1.packets", "10\n0\n30\n"},
	    {0, "1.octets", "1267650600228229401496703205376\n5\n6\n"},
	    {0, "5.flows", "7\n7\n7\n"},
	    {0, "5.packets", "8\n8\n8\n"},
	    {0, "5.octets", "9\n9\n9\n"},
	    {1, "5.flows", "1\n1\n1\n"},
	    {1, "5.packets", "2\n2\n2\n"},
	    {1, "5.octets", "3\n3\n18446744073709551616\n"},
	    {1, "19700.flows", "0\n0\n1\n"},
	    {1, "19700.packets", "0\n0\n1\n"},
	    {1, "19700.octets", "0\n0\n40\n"},
	    {1, "notes.txt", "x\n"},
	};
	(void)state;
	same_as_full(fs, N(fs), 1);
}

static void test_errors(void **state)
{
	static const char *const day5[] = {"5.flows", "5.packets", "5.octets"};
	/* each case: day 5 in both directories, one thing wrong */
	static const struct {
		int dir, col;
		const char *text; /* NULL: the file is missing */
	} cases[] = {
	    {0, 2, NULL},
	    {1, 1, "1\n12x\n3\n"},
	    {0, 0, "1\n2\n3\n4\n"},
	    {1, 2, "1\n2\n"},
	    {1, 0, "1\n2\n170141183460469231731687303715884105728\n"},
	    {0, 1, "1\n2\n3"},
	    {1, 1, "1\n\n3\n"},
	};
	(void)state;
	for (size_t k = 0; k < N(cases); k++) {
		struct file fs[6];
		size_t nf = 0;
		for (int d = 0; d < 2; d++)
			for (int c = 0; c < 3; c++) {
				const char *t = "1\n2\n3\n";
				if (d == cases[k].dir && c == cases[k].col) {
					if (!cases[k].text)
						continue;
					t = cases[k].text;
				}
				if (d == 0 && c == 0 && k == 4)
					t = cases[k].text;
				fs[nf++] = (struct file){d, day5[c], t};
			}
		same_as_full(fs, nf, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sums),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-textopts.c - text sources opened with small buffers (struct
 * fm_text_opts, what the fuzz targets use) read exactly what the default
 * ones read: the same records, and the same error for a bad line, whatever
 * the read chunk, the batch capacity and the two-thread threshold.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "io-int.h"

#define NLINES 3000

/* Sizes to try: tiny chunks grow for every line, batches of 1 .. 17,
 * threads from 1 line on; the last is the default. */
static const struct fm_text_opts sizes[] = {
    {1, 1, 1},	  {7, 3, 2},	 {64, 16, 8},	 {256, 17, 1},
    {4096, 5, 3}, {0, 16384, 0}, {100, 0, 4096}, {0, 0, 0},
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* Everything a source reads: values (all fields of each record in turn),
 * count, the result of the last next() and its message. */
struct readout {
	int64_t *v;
	size_t n;
	long last;
	char msg[FM_ERRMSG_MAX];
};

static void read_all(int pipe_fmt, const char *path,
		     const struct fm_text_opts *o, struct readout *out)
{
	struct fm_source *src;
	struct fm_error err;
	struct fm_batch b;
	int fd = open(path, O_RDONLY);
	long n;

	assert_true(fd >= 0);
	memset(out, 0, sizeof(*out));
	memset(&err, 0, sizeof(err));
	out->v = malloc(2 * NLINES * FM_NFIELDS * sizeof(int64_t));
	assert_non_null(out->v);
	if (pipe_fmt)
		assert_int_equal(fm_pipe_source_from_fd(&src, fd, "t",
							FM_ALL_FIELDS, o, &err),
				 0);
	else
		assert_int_equal(fm_csv_source_from_fd(&src, fd, "t",
						       FM_ALL_FIELDS, o, &err),
				 0);
	while ((n = src->ops->next(src, &b, FM_BATCH_CAP, &err)) > 0) {
		assert_true(o->batch_cap == 0 || (size_t)n <= o->batch_cap);
		assert_true(out->n + (size_t)n <= 2 * NLINES);
		for (long i = 0; i < n; i++, out->n++)
			for (int f = 0; f < FM_NFIELDS; f++)
				out->v[out->n * FM_NFIELDS + (size_t)f] =
				    b.col[f][i];
	}
	out->last = n;
	if (n < 0)
		memcpy(out->msg, err.msg, sizeof(out->msg));
	src->ops->close(src);
}

/* A file of random lines (a few blank, a few with CRLF, one with a long
 * run of spaces), and a bad line at bad_at (0: none). */
static void write_lines(int pipe_fmt, const char *path, int bad_at)
{
	uint64_t seed = 27;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (int i = 1; i <= NLINES; i++) {
		int ncols = pipe_fmt ? 22 : FM_NFIELDS;
		if (tu_rand(&seed) % 50 == 0) {
			fputs(tu_rand(&seed) % 2 ? "\n" : "  \t\n", f);
			continue;
		}
		for (int k = 0; k < ncols; k++) {
			uint64_t v = tu_rand(&seed) % 100000;
			if (i == bad_at && k == 7)
				fprintf(f, "%sx%llu",
					k ? (pipe_fmt ? "|" : ", ") : "",
					(unsigned long long)v);
			else
				fprintf(f, "%s%llu",
					k ? (pipe_fmt ? "|" : ", ") : "",
					(unsigned long long)v);
		}
		if (i % 97 == 0)
			fprintf(f, "%*s", 3000, "");
		fputs(i % 13 == 0 ? "\r\n" : "\n", f);
	}
	assert_int_equal(fclose(f), 0);
}

static void same_as_default(int pipe_fmt, int bad_at)
{
	const char *path = tu_path(pipe_fmt ? "t.pipe" : "t.csv");
	struct readout want, got;

	write_lines(pipe_fmt, path, bad_at);
	read_all(pipe_fmt, path, &sizes[NSIZES - 1], &want);
	if (bad_at) {
		assert_true(want.last < 0);
		assert_non_null(strstr(want.msg, "field 8"));
	} else {
		assert_int_equal(want.last, 0);
		assert_true(want.n > NLINES * 9 / 10);
	}
	for (size_t k = 0; k + 1 < NSIZES; k++) {
		read_all(pipe_fmt, path, &sizes[k], &got);
		assert_int_equal(got.last, want.last);
		assert_string_equal(got.msg, want.msg);
		if (!bad_at) {
			assert_int_equal(got.n, want.n);
			assert_memory_equal(got.v, want.v,
					    want.n * FM_NFIELDS *
						sizeof(int64_t));
		}
		free(got.v);
	}
	free(want.v);
}

static void test_csv_sizes(void **state)
{
	(void)state;
	same_as_default(0, 0);
	same_as_default(0, 2345);
	same_as_default(0, 1);
}

static void test_pipe_sizes(void **state)
{
	(void)state;
	same_as_default(1, 0);
	same_as_default(1, 1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_sizes),
	    cmocka_unit_test(test_pipe_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

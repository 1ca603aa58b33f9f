/*
 * test-bincap.c - binary sources opened with a small batch capacity
 * (fm_binary_source_open_cap, what fuzz-bindir uses) read exactly what
 * the default ones read: the same values through next, next_raw and
 * next_cols + gather, and the same error for a bad real value, whatever
 * the capacity.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "bindir.h"
#include "io-int.h"

#define NREC 40000 /* more than two default batches */

/* Capacities to try; the last is the default. */
static const size_t caps[] = {1, 7, 128, 1000, FM_BATCH_CAP};
#define NCAPS (sizeof(caps) / sizeof(caps[0]))

enum { VIA_NEXT, VIA_RAW, VIA_GATHER };

/* Everything a source reads, as int64 values in order. */
struct readout {
	int64_t *v;
	size_t n;
	long last;
	char msg[FM_ERRMSG_MAX];
};

static void add(struct readout *o, int64_t v)
{
	assert_true(o->n < (size_t)NREC * FM_NFIELDS);
	o->v[o->n++] = v;
}

/* Stored value i of a raw column of code c, widened. */
static int64_t widen(const void *col, char c, size_t i)
{
	const char *p = (const char *)col + i * fm_code_size(c);
	switch (c) {
	case 'b':
		return *(const int8_t *)p;
	case 'B':
		return *(const uint8_t *)p;
	case 'h':
		return *(const int16_t *)(const void *)p;
	case 'H':
		return *(const uint16_t *)(const void *)p;
	case 'i':
		return *(const int32_t *)(const void *)p;
	case 'I':
		return *(const uint32_t *)(const void *)p;
	default: {
		int64_t v;
		memcpy(&v, p, sizeof(v));
		return v;
	}
	}
}

static void read_all(const char *dir, size_t cap, int via, struct readout *out)
{
	static uint32_t idx[FM_BATCH_CAP];
	struct fm_source *src;
	struct fm_error err;
	struct fm_batch b, dst;
	struct fm_raw_batch rb;
	long n;

	memset(out, 0, sizeof(*out));
	memset(&err, 0, sizeof(err));
	out->v = malloc((size_t)NREC * FM_NFIELDS * sizeof(int64_t));
	assert_non_null(out->v);
	if (cap == FM_BATCH_CAP)
		assert_int_equal(
		    fm_binary_source_open(&src, dir, FM_ALL_FIELDS, NULL, &err),
		    0);
	else
		assert_int_equal(fm_binary_source_open_cap(
				     &src, dir, FM_ALL_FIELDS, NULL, cap, &err),
				 0);
	assert_int_equal(fm_batch_alloc(&dst, FM_ALL_FIELDS, FM_BATCH_CAP), 0);
	for (;;) {
		if (via == VIA_RAW)
			n = src->ops->next_raw(src, &rb, FM_BATCH_CAP, &err);
		else if (via == VIA_GATHER)
			n = src->ops->next_cols(src, &b, FM_BATCH_CAP,
						FM_FIELD_BIT(FM_PACKETS), &err);
		else
			n = src->ops->next(src, &b, FM_BATCH_CAP, &err);
		if (n <= 0)
			break;
		assert_true((size_t)n <= cap);
		size_t k = 0;
		if (via == VIA_GATHER) {
			/* every third record of the batch (by position in the
			 * file, so the same ones whatever the batches) */
			for (long i = 0; i < n; i++)
				if ((out->last + i) % 3 == 0)
					idx[k++] = (uint32_t)i;
			out->last += n;
			assert_int_equal(src->ops->gather(src, idx, k,
							  FM_ALL_FIELDS, &dst,
							  &err),
					 0);
		}
		for (size_t i = 0; i < (via == VIA_GATHER ? k : (size_t)n); i++)
			for (int f = 0; f < FM_NFIELDS; f++)
				add(out, via == VIA_RAW
					     ? widen(rb.col[f], rb.code[f], i)
					 : via == VIA_GATHER ? dst.col[f][i]
							     : b.col[f][i]);
	}
	out->last = n;
	if (n < 0)
		memcpy(out->msg, err.msg, sizeof(out->msg));
	fm_batch_release(&dst);
	src->ops->close(src);
}

/* A directory of NREC records: field f stored with type code f (all
 * twelve codes, the reals 'f' and 'd' among them), the others missing;
 * a NaN at bad_at in the 'd' column (-1: none). */
static const char *write_dir(long bad_at)
{
	const char *dir = tu_path(bad_at < 0 ? "good" : "bad");
	uint64_t seed = 27;
	size_t ncodes = strlen(fm_bin_codes);

	mkdir(dir, 0700);
	for (size_t f = 0; f < ncodes; f++) {
		char c = fm_bin_codes[f], path[512];
		size_t es = fm_code_size(c);
		unsigned char *buf = malloc(NREC * es);
		assert_non_null(buf);
		for (long i = 0; i < NREC; i++) {
			uint64_t r = tu_rand(&seed) % 100;
			if (c == 'f') {
				float v = (float)r;
				memcpy(buf + (size_t)i * es, &v, es);
			} else if (c == 'd') {
				double v = i == bad_at ? NAN : (double)r;
				memcpy(buf + (size_t)i * es, &v, es);
			} else {
				memcpy(buf + (size_t)i * es, &r, es);
			}
		}
		snprintf(path, sizeof(path), "%s/%s.%c", dir,
			 fm_field_name((int)f), c);
		FILE *fp = fopen(path, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(buf, es, NREC, fp), NREC);
		assert_int_equal(fclose(fp), 0);
		free(buf);
	}
	return dir;
}

static void same_as_default(long bad_at)
{
	const char *dir = write_dir(bad_at);

	for (int via = VIA_NEXT; via <= VIA_GATHER; via++) {
		struct readout want, got;
		read_all(dir, FM_BATCH_CAP, via, &want);
		if (bad_at >= 0) {
			assert_true(want.last < 0);
		} else {
			assert_int_equal(want.last, 0);
			assert_int_equal(want.n,
					 via == VIA_GATHER
					     ? (NREC + 2) / 3 * FM_NFIELDS
					     : NREC * FM_NFIELDS);
		}
		for (size_t k = 0; k + 1 < NCAPS; k++) {
			read_all(dir, caps[k], via, &got);
			assert_int_equal(got.last, want.last);
			assert_string_equal(got.msg, want.msg);
			if (bad_at < 0) {
				assert_int_equal(got.n, want.n);
				assert_memory_equal(got.v, want.v,
						    want.n * sizeof(int64_t));
			}
			free(got.v);
		}
		free(want.v);
	}
}

static void test_values(void **state)
{
	(void)state;
	same_as_default(-1);
}

static void test_bad_real(void **state)
{
	(void)state;
	same_as_default(33333);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_bad_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

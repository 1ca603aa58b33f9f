/*
 * testutil.c - see testutil.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flowmodels/filter.h"
#include "testutil.h"

static char tmpdir[4096];

static void remove_tmpdir(void)
{
	char cmd[4200];
	if (tmpdir[0] && !getenv("FM_KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
}

const char *tu_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("FM_TEST_TMP");
		if (!base || !*base)
			base = "/tmp";
		mkdir(base, 0755);
		snprintf(tmpdir, sizeof(tmpdir), "%s/fmtest.XXXXXX", base);
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

const char *tu_path(const char *name)
{
	static char bufs[8][4200];
	static int k;
	char *b = bufs[k++ % 8];
	snprintf(b, sizeof(bufs[0]), "%s/%s", tu_tmpdir(), name);
	return b;
}

const char *tu_own_tmpdir(void)
{
	static char dir[4200];

	snprintf(dir, sizeof(dir), "%s", tu_path("scratch"));
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		perror(dir);
		abort();
	}
	setenv("TMPDIR", dir, 1);
	return dir;
}

void tu_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

const char *tu_shared_data(void)
{
	static char path[4096];
	struct stat st;
	const char *env = getenv("FM_SHARED_DATA");

	snprintf(path, sizeof(path), "%s",
		 env && *env ? env : "../shared/data");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return path;
	return NULL;
}

uint64_t tu_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void tu_random_record(struct fm_batch *b, size_t i, uint64_t *s)
{
	int64_t v[FM_NFIELDS];
	v[FM_AF] = 2;
	v[FM_PROT] = (int64_t)(tu_rand(s) % 3 == 0 ? 17 : 6);
	v[FM_INIF] = (int64_t)(tu_rand(s) % 70000);
	v[FM_OUTIF] = (int64_t)(tu_rand(s) % 16);
	for (int k = 0; k < 3; k++)
		v[FM_SA0 + k] = v[FM_DA0 + k] = 0;
	v[FM_SA3] = (int64_t)(tu_rand(s) & 0xffffffff);
	v[FM_DA3] = (int64_t)(tu_rand(s) & 0xffffffff);
	v[FM_SP] = (int64_t)(tu_rand(s) % 65536);
	v[FM_DP] = (int64_t)(tu_rand(s) % 65536);
	v[FM_FIRST] = 1433962800 + (int64_t)(tu_rand(s) % 3600);
	v[FM_FIRST_MS] = (int64_t)(tu_rand(s) % 1000);
	v[FM_LAST] = v[FM_FIRST] + (int64_t)(tu_rand(s) % 400);
	v[FM_LAST_MS] = (int64_t)(tu_rand(s) % 1000);
	v[FM_PACKETS] = 1 + (int64_t)(tu_rand(s) % 1000);
	v[FM_OCTETS] = v[FM_PACKETS] * (40 + (int64_t)(tu_rand(s) % 1460));
	v[FM_AGGS] = 1;
	for (int f = 0; f < FM_NFIELDS; f++)
		fm_batch_mut(b, f)[i] = v[f];
}

void tu_random_csv(const char *path, int n, uint64_t seed,
		   struct tu_totals *tot)
{
	struct fm_batch b;
	FILE *f;

	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, 1), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < n; i++) {
		tu_random_record(&b, 0, &seed);
		for (int k = 0; k < FM_NFIELDS; k++)
			fprintf(f, "%s%lld", k ? ", " : "",
				(long long)b.col[k][0]);
		fputc('\n', f);
		if (tot) {
			tot->packets += (uint64_t)b.col[FM_PACKETS][0];
			tot->octets += (uint64_t)b.col[FM_OCTETS][0];
			tot->tcp += b.col[FM_PROT][0] == 6;
		}
	}
	assert_int_equal(fclose(f), 0);
	fm_batch_release(&b);
}

int tu_exists(const char *dir, const char *file)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return stat(path, &st) == 0;
}

int tu_system(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

long tu_select_odd_packets(void *ctx, const struct fm_batch *b, uint32_t *idx,
			   struct fm_error *err)
{
	size_t k = 0;

	(void)ctx;
	(void)err;
	for (size_t i = 0; i < b->n; i++)
		if (b->col[FM_PACKETS][i] & 1)
			idx[k++] = (uint32_t)i;
	return (long)k;
}

long tu_run_filter(const char *expr, const struct fm_batch *b, uint32_t *idx,
		   uint64_t *errors)
{
	struct fm_error err;
	struct fm_filter *f;
	struct fm_filter_run *r;
	long k;

	if (fm_filter_compile(&f, expr, NULL, &err) < 0)
		fail_msg("'%s': %s", expr, err.msg);
	assert_int_equal(fm_filter_run_new(&r, f, &err), 0);
	k = fm_filter_select(r, b, idx);
	if (errors)
		*errors = fm_filter_run_errors(r);
	fm_filter_run_free(r);
	fm_filter_free(f);
	return k;
}

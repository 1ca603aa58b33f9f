/*
 * fuzz-series.c - libFuzzer target for the csv_series reader of the
 * charts (fm_chart_series_read: one non-negative decimal integer a line,
 * what `series -O DIR` writes) and the rolling mean drawn from it.  The
 * input is the file (written to /dev/shm, shmdir.h, as the reader takes a
 * path).  What the reader accepts must be what a simple reading finds
 * (lines split at '\n', one '\r' before it dropped, each a run of digits
 * up to 2^64-1, no empty line, at least one line), value for value; a
 * rolling mean stays between the smallest and the largest value.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/chartdata.h"
#include "io-int.h"
#include "shmdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[300];

/* The simple reading: the number of values (their values in v, room for
 * size + 1), or -1 where the reader must refuse. */
static long simple_read(const uint8_t *p, size_t size, double *v)
{
	long n = 0;
	size_t i = 0;

	while (i < size) {
		size_t j = i, e;
		uint64_t x = 0;
		while (j < size && p[j] != '\n')
			j++;
		e = j > i && p[j - 1] == '\r' ? j - 1 : j;
		if (e == i)
			return -1;
		for (size_t k = i; k < e; k++) {
			if (p[k] < '0' || p[k] > '9')
				return -1;
			if (x > (UINT64_MAX - (uint64_t)(p[k] - '0')) / 10)
				return -1;
			x = x * 10 + (uint64_t)(p[k] - '0');
		}
		v[n++] = (double)x;
		i = j + 1;
	}
	return n ? n : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_error err;
	double *v = NULL, *want, *mean;
	size_t n = 0;
	long wn;
	int fd, r;

	if (!path[0]) {
		snprintf(path, sizeof(path), "%s/0.flows",
			 fuzz_shmdir("series"));
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	if (fm_write_all(fd, data, size) < 0)
		abort();
	close(fd);
	want = malloc((size + 1) * sizeof(*want));
	if (!want)
		return 0;
	wn = simple_read(data, size, want);
	r = fm_chart_series_read(path, &v, &n, &err);
	if ((r == 0) != (wn >= 0))
		abort();
	if (r == 0) {
		double lo = want[0], hi = want[0];
		size_t window = 1 + size % 17;
		if ((long)n != wn || memcmp(v, want, n * sizeof(*v)) != 0)
			abort();
		for (size_t i = 1; i < n; i++) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
		mean = malloc(n * sizeof(*mean));
		if (mean) {
			fm_chart_rolling_mean(v, n, window, mean);
			for (size_t i = 0; i < n; i++)
				if (!(mean[i] >= lo * (1 - 1e-12) &&
				      mean[i] <= hi * (1 + 1e-12)))
					abort();
			free(mean);
		}
		free(v);
	}
	free(want);
	return 0;
}

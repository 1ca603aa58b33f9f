/*
 * fuzz-seriesmerge.c - libFuzzer target for the reader of `series-merge`
 * (seriesmerge.c): the listing of csv_series directories (names DAY.flows,
 * DAY.packets, DAY.octets among others, days with a file missing) and the
 * reading of the day files (lines of unsigned integers, sums in 128 bits,
 * files of too few or too many lines, not regular files), over one to
 * three input directories merged day by day.
 *
 * Days are of L lines (fm_seriesmerge_lines, L in {1, 2, 4, 7}) instead of
 * 86400, so that a few bytes make whole days: the same code and messages
 * (unit/test-seriesmerge shows days of 86400 lines give the same results).
 *
 * Input: byte 0 picks the number of directories (bits 0-1) and L (bits
 * 2-3); then entries until the input ends, each a directory byte (which
 * directory; bit 7: a directory of that name instead of a file), a name
 * byte (bits 0-2 a day of a table, bits 3-4 the extension, bits 5-6
 * another name instead), a length byte and that many bytes of content
 * (appended when the file already exists).  The directories are under
 * /dev/shm (shmdir.h) and emptied for every input.
 *
 * Whatever the input: a clean error with a message or days; when the merge
 * succeeds, a simple reading agrees: the days are those any name in any
 * directory gives, in ascending order, each seen once, and every second's
 * three sums are the sums of the inputs' DAY.EXT files read line by line.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io-int.h"
#include "seriesmerge-int.h"
#include "shmdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef unsigned __int128 u128;

#define MAXDIRS 3
#define MAXDAYS 256

static const char *const ext[3] = {"flows", "packets", "octets"};
static char dirs[MAXDIRS][300];

/* What the merge gave: the days and the sink's checks. */
struct seen {
	size_t lines, ndirs, n;
	int64_t day[MAXDAYS];
	int bad; /* a day not as the simple reading has it */
};

/* The name of an entry: DAY.EXT from the tables, or an odd one (ignored
 * by the reader, or another spelling of a day). */
static void entry_name(uint8_t nb, char *name, size_t size)
{
	static const char *const days[8] = {
	    "0", "1", "2", "19700", "-1", "99999999", "123456789012345", "-0"};
	static const char *const odd[] = {
	    "1.flow",	"x.flows", "1.flows.tmp", "1234567890123456.flows",
	    "1.Flows",	".flows",  "flows",	  "-.flows",
	    "01.flows", "1.",	   "1.octets~",	  "2.packets.1",
	    "+1.flows", "1 .flows"};
	int o = (nb >> 5) & 3;

	if (o == 3)
		snprintf(name, size, "%s",
			 odd[(nb & 31) % (sizeof(odd) / sizeof(odd[0]))]);
	else
		snprintf(name, size, "%s.%s", days[nb & 7],
			 (nb >> 3 & 3) == 3 ? "series" : ext[nb >> 3 & 3]);
}

/* Write the entries into the directories; 0 or -1. */
static int write_entries(const uint8_t *p, const uint8_t *end, size_t ndirs)
{
	while (end - p >= 3) {
		char name[64], path[400];
		size_t len = p[2];
		int fd;

		entry_name(p[1], name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s",
			 dirs[(p[0] & 127) % ndirs], name);
		if (p[0] & 128) {
			mkdir(path, 0700);
			p += 3;
			continue;
		}
		p += 3;
		if (len > (size_t)(end - p))
			len = (size_t)(end - p);
		fd =
		    open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0 && p < end)
			return -1;
		if (fd >= 0 && fm_write_all(fd, p, len) < 0) {
			close(fd);
			return -1;
		}
		if (fd >= 0)
			close(fd);
		p += len;
	}
	return 0;
}

/* The simple reading of a name: a day and column, or 0 when ignored. */
static int simple_name(const char *name, int64_t *day)
{
	const char *dot = strrchr(name, '.'), *p = name;
	int64_t v = 0, sign = 1;
	int ok = 0;

	if (!dot)
		return 0;
	for (int c = 0; c < 3; c++)
		ok |= !strcmp(dot + 1, ext[c]);
	if (!ok)
		return 0;
	if (*p == '-') {
		sign = -1;
		p++;
	}
	if (dot - p < 1 || dot - p > 15)
		return 0;
	for (; p < dot; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	*day = sign * v;
	return 1;
}

/* Whether some directory has a name giving day. */
static int day_named(size_t ndirs, int64_t day)
{
	int found = 0;

	for (size_t i = 0; i < ndirs && !found; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		int64_t v;
		while (d && !found && (de = readdir(d)))
			found = simple_name(de->d_name, &v) && v == day;
		if (d)
			closedir(d);
	}
	return found;
}

/* The sums of column c of day over the directories, read simply (the
 * merge succeeded: every file there is lines lines of digits). */
static void simple_sums(const struct seen *s, int64_t day, int c, u128 *sum)
{
	memset(sum, 0, s->lines * sizeof(*sum));
	for (size_t i = 0; i < s->ndirs; i++) {
		char path[400];
		FILE *f;
		int ch;
		size_t k = 0;
		u128 v = 0;
		snprintf(path, sizeof(path), "%s/%lld.%s", dirs[i],
			 (long long)day, ext[c]);
		if (!(f = fopen(path, "r")))
			continue;
		while ((ch = getc(f)) != EOF && k < s->lines) {
			if (ch == '\n') {
				sum[k++] += v;
				v = 0;
			} else {
				v = v * 10 + (unsigned)(ch - '0');
			}
		}
		fclose(f);
	}
}

static int sink_day(void *ctx, const struct fm_seriesmerge_day *d,
		    struct fm_error *err)
{
	struct seen *s = ctx;
	u128 sum[8];

	(void)err;
	if (s->n == MAXDAYS || (s->n && d->day <= s->day[s->n - 1]) ||
	    !day_named(s->ndirs, d->day))
		s->bad = 1;
	if (s->n < MAXDAYS)
		s->day[s->n++] = d->day;
	for (int c = 0; c < 3; c++) {
		simple_sums(s, d->day, c, sum);
		if (memcmp(sum, d->col[c], s->lines * sizeof(*sum)) != 0)
			s->bad = 1;
	}
	return 0;
}

/* Every day some name gives was merged (the merge succeeded). */
static int all_days_seen(const struct seen *s)
{
	for (size_t i = 0; i < s->ndirs; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		int64_t v;
		int missing = 0;
		while (d && !missing && (de = readdir(d))) {
			if (!simple_name(de->d_name, &v))
				continue;
			missing = 1;
			for (size_t k = 0; k < s->n; k++)
				missing &= s->day[k] != v;
		}
		if (d)
			closedir(d);
		if (missing)
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t lines[4] = {1, 2, 4, 7};
	const char *in[MAXDIRS];
	struct seen s;
	struct fm_seriesmerge_sink sink = {sink_day, &s};
	struct fm_error err;
	size_t ndays;
	int r;

	if (size < 1)
		return 0;
	if (!dirs[0][0])
		for (int i = 0; i < MAXDIRS; i++) {
			snprintf(dirs[i], sizeof(dirs[i]), "%s/%d",
				 fuzz_shmdir("seriesmerge"), i);
			if (mkdir(dirs[i], 0700) < 0 && access(dirs[i], W_OK))
				abort();
		}
	memset(&s, 0, sizeof(s));
	s.ndirs = 1 + (size_t)(data[0] & 3) % MAXDIRS;
	s.lines = lines[data[0] >> 2 & 3];
	for (size_t i = 0; i < MAXDIRS; i++) {
		fuzz_empty_dir(dirs[i]);
		in[i] = dirs[i];
	}
	if (write_entries(data + 1, data + size, s.ndirs) < 0)
		return 0;
	memset(&err, 0, sizeof(err));
	r = fm_seriesmerge_lines(in, s.ndirs, s.lines, &sink, &ndays, &err);
	if (r < 0 ? !err.msg[0] || r != err.code
		  : ndays != s.n || s.bad || !all_days_seen(&s))
		abort();
	return 0;
}

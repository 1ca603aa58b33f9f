/*
 * seriesmerge.c - add up csv_series directories day by day
 * (seriesmerge.h).
 *
 * Each input directory is listed once: its days (names "D.flows",
 * "D.packets", "D.octets" with D a decimal day number) sorted, each
 * checked to have all three files.  The merge then walks the days of all
 * inputs in ascending order, reads the files of the inputs that have the
 * day into three accumulators of 86400 128-bit sums, and hands the day to
 * the sink.  The writing sink puts each file under a temporary name and
 * renames them all when every day is complete.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/buf.h"
#include "flowmodels/fileops.h"
#include "flowmodels/series.h"
#include "flowmodels/seriesmerge.h"
#include "io-int.h"
#include "seriesmerge-int.h"

typedef unsigned __int128 u128;

static const char *const col_ext[3] = {"flows", "packets", "octets"};

/* The longest csv_series file: 86400 lines of 39 digits and '\n'. */
#define FILE_MAX ((size_t)FM_SERIES_DAY * 40)

struct dayent {
	int64_t day;
	unsigned mask; /* bit c: D.col_ext[c] exists */
};

struct input {
	const char *dir;
	struct dayent *days;
	size_t ndays, next;
};

/* "D.ext" -> day and column; 0 when the name is not one of ours. */
static int parse_name(const char *name, int64_t *day, int *col)
{
	const char *p = name, *dot = strrchr(name, '.');
	int64_t v = 0;
	int neg = 0;

	if (!dot)
		return 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p == dot || dot - p > 15)
		return 0;
	for (; p < dot; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	for (int c = 0; c < 3; c++)
		if (!strcmp(dot + 1, col_ext[c])) {
			*day = neg ? -v : v;
			*col = c;
			return 1;
		}
	return 0;
}

static int dayent_cmp(const void *pa, const void *pb)
{
	const struct dayent *a = pa, *b = pb;

	return (a->day > b->day) - (a->day < b->day);
}

/* Add (day, col) to in's list (kept unsorted until list_days sorts). */
static int note_file(struct input *in, size_t *alloc, int64_t day, int col)
{
	for (size_t i = 0; i < in->ndays; i++)
		if (in->days[i].day == day) {
			in->days[i].mask |= 1u << col;
			return 0;
		}
	if (in->ndays == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 16;
		struct dayent *nd = realloc(in->days, na * sizeof(*nd));
		if (!nd)
			return FM_ENOMEM;
		in->days = nd;
		*alloc = na;
	}
	in->days[in->ndays++] = (struct dayent){day, 1u << col};
	return 0;
}

static int list_days(struct input *in, struct fm_error *err)
{
	DIR *d = opendir(in->dir);
	struct dirent *de;
	size_t alloc = 0;
	int r = 0;

	if (!d)
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", in->dir, strerror(errno));
	while (r == 0 && (de = readdir(d))) {
		int64_t day;
		int col;
		if (parse_name(de->d_name, &day, &col) &&
		    note_file(in, &alloc, day, col) < 0)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	closedir(d);
	if (r < 0)
		return r;
	if (in->ndays == 0)
		return fm_error_set(err, FM_EFORMAT,
				    "%s: no csv_series files (DAY.flows, "
				    "DAY.packets, DAY.octets)",
				    in->dir);
	qsort(in->days, in->ndays, sizeof(*in->days), dayent_cmp);
	for (size_t i = 0; i < in->ndays; i++) {
		unsigned m = in->days[i].mask;
		if (m == 7)
			continue;
		int have = (m & 1) ? 0 : (m & 2) ? 1 : 2;
		int miss = !(m & 1) ? 0 : !(m & 2) ? 1 : 2;
		return fm_error_set(err, FM_EFORMAT,
				    "%s: %lld.%s without %lld.%s", in->dir,
				    (long long)in->days[i].day, col_ext[have],
				    (long long)in->days[i].day, col_ext[miss]);
	}
	return 0;
}

/* Read a whole file of at most lines * 40 bytes (lines of 39 digits and
 * '\n') into a malloc'ed buffer. */
static int read_file(const char *path, size_t lines, char **buf, size_t *len,
		     struct fm_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;

	if (fd < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", path,
				    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > lines * 40) {
		close(fd);
		return fm_error_set(err, FM_EFORMAT,
				    "%s: not a csv_series file (a regular file "
				    "of %zu lines)",
				    path, lines);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, *buf + got, (size_t)st.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	*len = got;
	return 0;
}

/* Add the `lines` values of file path to acc. */
static int add_file(const char *path, size_t lines, u128 *acc,
		    struct fm_error *err)
{
	char *buf = NULL;
	size_t len = 0, pos = 0;
	int r = read_file(path, lines, &buf, &len, err);

	for (unsigned k = 0; r == 0 && k < lines; k++) {
		u128 v = 0;
		size_t start = pos;
		while (pos < len && buf[pos] >= '0' && buf[pos] <= '9') {
			u128 nv = v * 10 + (unsigned)(buf[pos] - '0');
			if (nv / 10 != v) {
				r = fm_error_set(err, FM_ERANGE,
						 "%s:%u: value beyond 128 bits",
						 path, k + 1);
				break;
			}
			v = nv;
			pos++;
		}
		if (r == 0 && pos == start && pos >= len)
			r = fm_error_set(err, FM_EFORMAT,
					 "%s:%u: the file ends before line %zu",
					 path, k + 1, lines);
		else if (r == 0 &&
			 (pos == start || pos >= len || buf[pos] != '\n'))
			r = fm_error_set(err, FM_EFORMAT,
					 "%s:%u: not an unsigned integer", path,
					 k + 1);
		pos++;
		if (r == 0 && acc[k] + v < v)
			r = fm_error_set(err, FM_ERANGE,
					 "%s:%u: the sum goes beyond 128 bits",
					 path, k + 1);
		acc[k] += v;
	}
	if (r == 0 && pos < len)
		r = fm_error_set(err, FM_EFORMAT, "%s:%zu: more than %zu lines",
				 path, lines + 1, lines);
	free(buf);
	return r;
}

/* Add day `day` of input `in` to the accumulators. */
static int add_day(const struct input *in, int64_t day, size_t lines,
		   u128 *const *acc, struct fm_error *err)
{
	int r = 0;

	for (int c = 0; c < 3 && r == 0; c++) {
		struct fm_buf p = FM_BUF_INIT;
		if (fm_buf_printf(&p, "%s/%lld.%s", in->dir, (long long)day,
				  col_ext[c]) < 0)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		r = add_file(fm_buf_str(&p), lines, acc[c], err);
		fm_buf_release(&p);
	}
	return r;
}

/* Walk the days of every input in ascending order. */
static int walk(struct input *in, size_t n, size_t lines,
		const struct fm_seriesmerge_sink *sink, u128 **acc,
		size_t *ndays, struct fm_error *err)
{
	int r = 0;

	for (;;) {
		int found = 0;
		struct fm_seriesmerge_day d = {0, {acc[0], acc[1], acc[2]}};
		for (size_t i = 0; i < n; i++)
			if (in[i].next < in[i].ndays &&
			    (!found || in[i].days[in[i].next].day < d.day)) {
				d.day = in[i].days[in[i].next].day;
				found = 1;
			}
		if (!found)
			return 0;
		for (int c = 0; c < 3; c++)
			memset(acc[c], 0, lines * sizeof(u128));
		for (size_t i = 0; i < n && r == 0; i++)
			if (in[i].next < in[i].ndays &&
			    in[i].days[in[i].next].day == d.day) {
				r = add_day(&in[i], d.day, lines, acc, err);
				in[i].next++;
			}
		if (r == 0)
			r = sink->day(sink->ctx, &d, err);
		if (r < 0)
			return r;
		if (ndays)
			(*ndays)++;
	}
}

int fm_seriesmerge(const char *const *dirs, size_t n,
		   const struct fm_seriesmerge_sink *sink, size_t *ndays,
		   struct fm_error *err)
{
	return fm_seriesmerge_lines(dirs, n, FM_SERIES_DAY, sink, ndays, err);
}

int fm_seriesmerge_lines(const char *const *dirs, size_t n, size_t lines,
			 const struct fm_seriesmerge_sink *sink, size_t *ndays,
			 struct fm_error *err)
{
	struct input *in = calloc(n ? n : 1, sizeof(*in));
	u128 *acc[3] = {NULL, NULL, NULL};
	int r = 0;

	if (ndays)
		*ndays = 0;
	if (n == 0)
		r = fm_error_set(err, FM_EINVAL, "no series to merge");
	else if (!in)
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && r == 0; i++) {
		in[i].dir = dirs[i];
		r = list_days(&in[i], err);
	}
	for (int c = 0; c < 3 && r == 0; c++)
		if (!(acc[c] = malloc(lines * sizeof(u128))))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	if (r == 0)
		r = walk(in, n, lines, sink, acc, ndays, err);
	for (size_t i = 0; in && i < n; i++)
		free(in[i].days);
	free(in);
	for (int c = 0; c < 3; c++)
		free(acc[c]);
	return r;
}

/* ---- the writing sink ---- */

struct writer {
	const char *out;
	char *buf; /* one file's text */
	char **tmp, **fin;
	size_t nfiles, alloc;
};

static size_t fmt_u128(char *p, u128 v)
{
	char tmp[48];
	size_t n = 0, k = 0;

	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	while (n)
		p[k++] = tmp[--n];
	return k;
}

static int write_one(struct writer *w, const char *path, const u128 *v,
		     struct fm_error *err)
{
	size_t len = 0;
	char *tmp = NULL;
	int fd, r;

	for (unsigned k = 0; k < FM_SERIES_DAY; k++) {
		len += fmt_u128(w->buf + len, v[k]);
		w->buf[len++] = '\n';
	}
	if ((r = fm_tmpfile_beside(path, &tmp, &fd, err)) < 0)
		return r;
	if (fm_write_all(fd, w->buf, len) < 0)
		r = fm_error_set(err, FM_EIO, "%s: write: %s", path,
				 strerror(errno));
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	w->tmp[w->nfiles] = tmp;
	w->fin[w->nfiles++] = strdup(path);
	if (r == 0 && !w->fin[w->nfiles - 1])
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	return r;
}

static int write_day(void *ctx, const struct fm_seriesmerge_day *d,
		     struct fm_error *err)
{
	struct writer *w = ctx;
	int r = 0;

	if (w->nfiles + 3 > w->alloc) {
		size_t na = w->alloc ? w->alloc * 2 : 24;
		char **nt = realloc(w->tmp, na * sizeof(*nt));
		if (nt)
			w->tmp = nt;
		char **nf = realloc(w->fin, na * sizeof(*nf));
		if (nf)
			w->fin = nf;
		if (!nt || !nf)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		w->alloc = na;
	}
	for (int c = 0; c < 3 && r == 0; c++) {
		struct fm_buf p = FM_BUF_INIT;
		if (fm_buf_printf(&p, "%s/%lld.%s", w->out, (long long)d->day,
				  col_ext[c]) < 0)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		r = write_one(w, fm_buf_str(&p), d->col[c], err);
		fm_buf_release(&p);
	}
	return r;
}

int fm_seriesmerge_write(const char *const *dirs, size_t n, const char *out,
			 size_t *ndays, struct fm_error *err)
{
	struct writer w = {out, malloc(FILE_MAX), NULL, NULL, 0, 0};
	struct fm_seriesmerge_sink sink = {write_day, &w};
	int r = 0;

	if (!w.buf)
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	if (r == 0)
		r = fm_mkdir_p(out, err);
	if (r == 0)
		r = fm_seriesmerge(dirs, n, &sink, ndays, err);
	/* every file complete: move them all into place */
	for (size_t i = 0; i < w.nfiles && r == 0; i++)
		if (fm_tmpfile_commit(w.tmp[i], w.fin[i]) < 0)
			r = fm_error_set(err, FM_EIO, "%s: rename: %s",
					 w.fin[i], strerror(errno));
		else {
			free(w.tmp[i]);
			w.tmp[i] = NULL;
		}
	for (size_t i = 0; i < w.nfiles; i++) {
		if (w.tmp[i]) {
			fm_tmpfile_discard(w.tmp[i]);
			free(w.tmp[i]);
		}
		free(w.fin[i]);
	}
	free(w.tmp);
	free(w.fin);
	free(w.buf);
	return r;
}

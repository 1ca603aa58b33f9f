/*
 * cut.c - record ranges of binary arrays copied as byte ranges
 * (copy_file_range, falling back to read/write), never decoded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/cut.h"
#include "bindir.h"
#include "io-int.h"

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t nonneg(int64_t v)
{
	return v < 0 ? 0 : (uint64_t)v;
}

void fm_cut_range(const struct fm_cut *cut, uint64_t total, uint64_t *first,
		  uint64_t *end)
{
	uint64_t si = nonneg(cut->skip_in), so = nonneg(cut->skip_out);
	uint64_t ci = nonneg(cut->count_in), co = nonneg(cut->count_out);
	uint64_t a = sat_add(si, so);
	uint64_t b = sat_add(si, ci < sat_add(so, co) ? ci : sat_add(so, co));

	if (b > total)
		b = total;
	if (a > b)
		a = b;
	*first = a;
	*end = b;
}

/* One array to cut: a field file of each input, and its output. */
struct cut_array {
	char name[64]; /* "packets.Q" */
	size_t esize;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(((const struct cut_array *)a)->name,
		      ((const struct cut_array *)b)->name);
}

/* The field arrays of directory dir (bindir.h's rules), sorted by name. */
static int list_arrays(const char *dir, struct cut_array **out, size_t *n,
		       struct fm_error *err)
{
	char codes[FM_NFIELDS];
	struct cut_array *v;
	size_t k = 0;
	int r = fm_bindir_scan(dir, codes, err);

	if (r < 0)
		return r;
	v = calloc(FM_NFIELDS, sizeof(*v));
	if (!v)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!codes[f])
			continue;
		snprintf(v[k].name, sizeof(v[k].name), "%s.%c",
			 fm_field_name(f), codes[f]);
		v[k++].esize = fm_code_size(codes[f]);
	}
	if (!k) {
		free(v);
		return fm_error_set(
		    err, FM_EFORMAT,
		    "%s: no field arrays (expected files like packets.Q)", dir);
	}
	qsort(v, k, sizeof(*v), cmp_str);
	*out = v;
	*n = k;
	return 0;
}

/* Append bytes [off, off+len) of file src to fd dst. */
static int copy_range(const char *src, int dst, uint64_t off, uint64_t len,
		      struct fm_error *err)
{
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	loff_t in_off = (loff_t)off;
	int use_cfr = 1;
	char *buf = NULL;

	if (fd < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", src,
				    strerror(errno));
	while (len > 0) {
		ssize_t n;
		size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
		if (use_cfr) {
			n = copy_file_range(fd, &in_off, dst, NULL, chunk, 0);
			if (n < 0 && (errno == EXDEV || errno == EINVAL ||
				      errno == ENOSYS || errno == EOPNOTSUPP)) {
				use_cfr = 0;
				continue;
			}
		} else {
			if (!buf && !(buf = malloc(1u << 20))) {
				close(fd);
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
			}
			n = pread(fd, buf,
				  chunk < (1u << 20) ? chunk : (1u << 20),
				  in_off);
			if (n > 0 && fm_write_all(dst, buf, (size_t)n) < 0)
				n = -1;
			if (n > 0)
				in_off += n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			free(buf);
			close(fd);
			return fm_error_set(err, FM_EIO, "%s: copy: %s", src,
					    n == 0 ? "unexpected end of file"
						   : strerror(e));
		}
		len -= (uint64_t)n;
	}
	free(buf);
	close(fd);
	return 0;
}

struct cut_input {
	const char *path;
	uint64_t nrec;
};

/* Input i, a single array file (stat st): its records, the one array. */
static int add_file_input(const char *const *inputs, size_t i,
			  const struct stat *st, struct cut_input *in,
			  struct cut_array **arr, size_t *narr,
			  struct fm_error *err)
{
	int r;

	const char *base = strrchr(inputs[i], '/');
	base = base ? base + 1 : inputs[i];
	const char *dot = strrchr(base, '.');
	size_t es = dot && dot[1] && !dot[2] ? fm_code_size(dot[1]) : 0;
	if (!es) {
		r = fm_error_set(err, FM_EINVAL,
				 "%s: not an array file (name must end in "
				 ".CODE, e.g. packets.Q)",
				 inputs[i]);
		return r;
	}
	if (i == 0) {
		*arr = calloc(1, sizeof(**arr));
		if (!*arr) {
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			return r;
		}
		snprintf((*arr)->name, sizeof((*arr)->name), "%.63s", base);
		(*arr)->esize = es;
		*narr = 1;
	} else if (es != (*arr)->esize) {
		r = fm_error_set(err, FM_EINVAL,
				 "%s: element size %zu differs from %s's %zu",
				 inputs[i], es, inputs[0], (*arr)->esize);
		return r;
	}
	if ((uint64_t)st->st_size % es) {
		r = fm_error_set(
		    err, FM_EFORMAT,
		    "%s: size %lld is not a multiple of %zu: truncated array",
		    inputs[i], (long long)st->st_size, es);
		return r;
	}
	in[i].nrec = (uint64_t)st->st_size / es;
	return 0;
}

/* Input i, a directory: its records; its arrays must be those of the first. */
static int add_dir_input(const char *const *inputs, size_t i,
			 struct cut_input *in, struct cut_array **arr,
			 size_t *narr, struct fm_error *err)
{
	char path[PATH_MAX];
	struct stat st;
	int r;

	struct cut_array *a = NULL;
	size_t na = 0;
	r = list_arrays(inputs[i], &a, &na, err);
	if (r < 0)
		return r;
	if (i == 0) {
		*arr = a;
		*narr = na;
	} else {
		int same = na == *narr;
		for (size_t k = 0; same && k < na; k++)
			same = !strcmp(a[k].name, (*arr)[k].name);
		free(a);
		if (!same) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: has other field arrays than %s",
					 inputs[i], inputs[0]);
			return r;
		}
	}
	for (size_t k = 0; k < *narr; k++) {
		snprintf(path, sizeof(path), "%s/%s", inputs[i],
			 (*arr)[k].name);
		if (stat(path, &st) < 0) {
			r = fm_error_set(err, FM_EIO, "%s: %s", path,
					 strerror(errno));
			return r;
		}
		if ((uint64_t)st.st_size % (*arr)[k].esize) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: size %lld is not a multiple of "
					 "%zu: truncated array",
					 path, (long long)st.st_size,
					 (*arr)[k].esize);
			return r;
		}
		uint64_t n = (uint64_t)st.st_size / (*arr)[k].esize;
		if (k > 0 && n != in[i].nrec) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: %llu records, but %s has %llu: "
					 "arrays of different lengths",
					 path, (unsigned long long)n,
					 (*arr)[0].name,
					 (unsigned long long)in[i].nrec);
			return r;
		}
		in[i].nrec = n;
	}
	return 0;
}

int fm_cut_binary(const char *const *inputs, size_t ninputs, const char *output,
		  const struct fm_cut *cut, uint64_t *records,
		  const struct fm_progress *progress, struct fm_error *err)
{
	struct cut_array *arr = NULL;
	size_t narr = 0;
	struct cut_input *in = calloc(ninputs ? ninputs : 1, sizeof(*in));
	int files_mode = 0, r = 0;
	uint64_t total = 0, first, end;
	char **tmp = NULL;
	int *fds = NULL;
	char *tmpdir = NULL;
	char path[PATH_MAX];

	*records = 0;
	if (!in)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (ninputs == 0) {
		free(in);
		return fm_error_set(err, FM_EINVAL, "no input");
	}
	/* inputs: all directories, or all single array files */
	for (size_t i = 0; i < ninputs; i++) {
		struct stat st;
		in[i].path = inputs[i];
		if (stat(inputs[i], &st) < 0) {
			r = fm_error_set(
			    err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
			    "%s: %s", inputs[i], strerror(errno));
			goto out;
		}
		int isfile = !S_ISDIR(st.st_mode);
		if (i == 0)
			files_mode = isfile;
		else if (isfile != files_mode) {
			r = fm_error_set(err, FM_EINVAL,
					 "%s: inputs must be all directories "
					 "or all array files",
					 inputs[i]);
			goto out;
		}
		r = isfile
			? add_file_input(inputs, i, &st, in, &arr, &narr, err)
			: add_dir_input(inputs, i, in, &arr, &narr, err);
		if (r < 0)
			goto out;
		total += in[i].nrec;
	}
	fm_cut_range(cut, total, &first, &end);

	/* output files under temporary names */
	tmp = calloc(narr, sizeof(char *));
	fds = malloc(narr * sizeof(int));
	if (!tmp || !fds) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < narr; k++)
		fds[k] = -1;
	if (files_mode) {
		struct stat st;
		const char *target = output;
		if (stat(output, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(path, sizeof(path), "%s/%s", output,
				 arr[0].name);
			target = path;
		}
		r = fm_tmpfile_beside(target, &tmp[0], &fds[0], err);
		if (r < 0)
			goto out;
	} else {
		if ((r = fm_outdir_begin(output, &tmpdir, err)) < 0)
			goto out;
		const char *wd = tmpdir ? tmpdir : output;
		for (size_t k = 0; k < narr; k++) {
			snprintf(path, sizeof(path), "%s/%s", wd, arr[k].name);
			r = fm_tmpfile_beside(path, &tmp[k], &fds[k], err);
			if (r < 0)
				goto out;
		}
	}

	/* copy each input's share of [first, end) */
	uint64_t off = 0, done = 0;
	for (size_t i = 0; i < ninputs; i++) {
		uint64_t a = first > off ? first - off : 0;
		uint64_t b = end > off ? end - off : 0;
		if (b > in[i].nrec)
			b = in[i].nrec;
		off += in[i].nrec;
		if (a >= b)
			continue;
		for (size_t k = 0; k < narr; k++) {
			const char *src = in[i].path;
			if (!files_mode) {
				snprintf(path, sizeof(path), "%s/%s",
					 in[i].path, arr[k].name);
				src = path;
			}
			r = copy_range(src, fds[k], a * arr[k].esize,
				       (b - a) * arr[k].esize, err);
			if (r < 0)
				goto out;
		}
		done += b - a;
		if (fm_progress_report(progress, done, end - first)) {
			r = fm_error_set(err, FM_ECANCEL, "cancelled");
			goto out;
		}
	}
	/* all complete: move into place */
	for (size_t k = 0; k < narr; k++) {
		if (close(fds[k]) < 0) {
			fds[k] = -1;
			r = fm_error_set(err, FM_EIO, "%s: %s", output,
					 strerror(errno));
			goto out;
		}
		fds[k] = -1;
	}
	for (size_t k = 0; k < narr; k++) {
		const char *wd = tmpdir ? tmpdir : output;
		if (files_mode) {
			struct stat st;
			if (stat(output, &st) == 0 && S_ISDIR(st.st_mode))
				snprintf(path, sizeof(path), "%s/%s", output,
					 arr[0].name);
			else
				snprintf(path, sizeof(path), "%s", output);
		} else {
			snprintf(path, sizeof(path), "%s/%s", wd, arr[k].name);
		}
		if (fm_tmpfile_commit(tmp[k], path) < 0) {
			r = fm_error_set(err, FM_EIO, "%s: rename: %s", path,
					 strerror(errno));
			goto out;
		}
		free(tmp[k]);
		tmp[k] = NULL;
	}
	if ((r = fm_outdir_commit(output, &tmpdir, err)) < 0)
		goto out;
	*records = end - first;
out:
	for (size_t k = 0; tmp && k < narr; k++) {
		if (fds && fds[k] >= 0)
			close(fds[k]);
		if (tmp[k]) {
			fm_tmpfile_discard(tmp[k]);
			free(tmp[k]);
		}
	}
	fm_outdir_discard(&tmpdir);
	free(tmp);
	free(fds);
	free(arr);
	free(in);
	return r;
}

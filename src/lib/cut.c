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

/* One cut of binary inputs: the inputs, the arrays they share, and the
 * output files under temporary names. */
struct cut_job {
	const char *const *inputs;
	size_t ninputs;
	const char *output;
	struct cut_input *in;
	struct cut_array *arr;
	size_t narr;
	int files_mode;
	uint64_t total;
	char **tmp;
	int *fds;
	char *tmpdir;
};

/* Inputs: all directories, or all single array files. */
static int open_inputs(struct cut_job *j, struct fm_error *err)
{
	for (size_t i = 0; i < j->ninputs; i++) {
		const char *name = j->inputs[i];
		struct stat st;
		int isfile, r;

		j->in[i].path = name;
		if (stat(name, &st) < 0)
			return fm_error_set(
			    err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
			    "%s: %s", name, strerror(errno));
		isfile = !S_ISDIR(st.st_mode);
		if (i == 0)
			j->files_mode = isfile;
		else if (isfile != j->files_mode)
			return fm_error_set(err, FM_EINVAL,
					    "%s: inputs must be all "
					    "directories or all array files",
					    name);
		r = isfile ? add_file_input(j->inputs, i, &st, j->in, &j->arr,
					    &j->narr, err)
			   : add_dir_input(j->inputs, i, j->in, &j->arr,
					   &j->narr, err);
		if (r < 0)
			return r;
		j->total += j->in[i].nrec;
	}
	return 0;
}

/* Where array k goes: OUTPUT itself for one array file (or OUTPUT/NAME
 * when OUTPUT is a directory), else DIR/NAME in the output directory. */
static void output_path(const struct cut_job *j, size_t k, char *path,
			size_t size)
{
	struct stat st;

	if (!j->files_mode)
		snprintf(path, size, "%s/%s", j->tmpdir ? j->tmpdir : j->output,
			 j->arr[k].name);
	else if (stat(j->output, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(path, size, "%s/%s", j->output, j->arr[0].name);
	else
		snprintf(path, size, "%s", j->output);
}

static int open_outputs(struct cut_job *j, struct fm_error *err)
{
	char path[PATH_MAX];
	int r;

	j->tmp = calloc(j->narr, sizeof(char *));
	j->fds = malloc(j->narr * sizeof(int));
	if (!j->tmp || !j->fds)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (size_t k = 0; k < j->narr; k++)
		j->fds[k] = -1;
	if (!j->files_mode &&
	    (r = fm_outdir_begin(j->output, &j->tmpdir, err)) < 0)
		return r;
	for (size_t k = 0; k < (j->files_mode ? 1 : j->narr); k++) {
		output_path(j, k, path, sizeof(path));
		r = fm_tmpfile_beside(path, &j->tmp[k], &j->fds[k], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Copies each input's share of [first, end) to the outputs. */
static int copy_records(struct cut_job *j, uint64_t first, uint64_t end,
			const struct fm_progress *progress,
			struct fm_error *err)
{
	uint64_t off = 0, done = 0;
	char path[PATH_MAX];

	for (size_t i = 0; i < j->ninputs; i++) {
		uint64_t a = first > off ? first - off : 0;
		uint64_t b = end > off ? end - off : 0;
		if (b > j->in[i].nrec)
			b = j->in[i].nrec;
		off += j->in[i].nrec;
		if (a >= b)
			continue;
		for (size_t k = 0; k < j->narr; k++) {
			const char *src = j->in[i].path;
			int r;
			if (!j->files_mode) {
				snprintf(path, sizeof(path), "%s/%s",
					 j->in[i].path, j->arr[k].name);
				src = path;
			}
			r = copy_range(src, j->fds[k], a * j->arr[k].esize,
				       (b - a) * j->arr[k].esize, err);
			if (r < 0)
				return r;
		}
		done += b - a;
		if (fm_progress_report(progress, done, end - first))
			return fm_error_set(err, FM_ECANCEL, "cancelled");
	}
	return 0;
}

/* All complete: closed and moved into place. */
static int commit_outputs(struct cut_job *j, struct fm_error *err)
{
	char path[PATH_MAX];

	for (size_t k = 0; k < j->narr; k++) {
		int rc = close(j->fds[k]);
		j->fds[k] = -1;
		if (rc < 0)
			return fm_error_set(err, FM_EIO, "%s: %s", j->output,
					    strerror(errno));
	}
	for (size_t k = 0; k < j->narr; k++) {
		output_path(j, k, path, sizeof(path));
		if (fm_tmpfile_commit(j->tmp[k], path) < 0)
			return fm_error_set(err, FM_EIO, "%s: rename: %s", path,
					    strerror(errno));
		free(j->tmp[k]);
		j->tmp[k] = NULL;
	}
	return fm_outdir_commit(j->output, &j->tmpdir, err);
}

static void cut_job_release(struct cut_job *j)
{
	for (size_t k = 0; j->tmp && k < j->narr; k++) {
		if (j->fds && j->fds[k] >= 0)
			close(j->fds[k]);
		if (j->tmp[k]) {
			fm_tmpfile_discard(j->tmp[k]);
			free(j->tmp[k]);
		}
	}
	fm_outdir_discard(&j->tmpdir);
	free(j->tmp);
	free(j->fds);
	free(j->arr);
	free(j->in);
}

int fm_cut_binary(const char *const *inputs, size_t ninputs, const char *output,
		  const struct fm_cut *cut, uint64_t *records,
		  const struct fm_progress *progress, struct fm_error *err)
{
	struct cut_job j = {
	    .inputs = inputs, .ninputs = ninputs, .output = output};
	uint64_t first, end;
	int r;

	*records = 0;
	if (ninputs == 0)
		return fm_error_set(err, FM_EINVAL, "no input");
	j.in = calloc(ninputs, sizeof(*j.in));
	if (!j.in)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if ((r = open_inputs(&j, err)) == 0) {
		fm_cut_range(cut, j.total, &first, &end);
		if ((r = open_outputs(&j, err)) == 0 &&
		    (r = copy_records(&j, first, end, progress, err)) == 0 &&
		    (r = commit_outputs(&j, err)) == 0)
			*records = end - first;
	}
	cut_job_release(&j);
	return r;
}

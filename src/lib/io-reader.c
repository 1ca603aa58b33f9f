/*
 * io-reader.c - formats, input expansion (SPEC 2 "Inputs") and the
 * multi-input reader that opens one source after another.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/buf.h"
#include "io-int.h"
#include "io-nfcapd.h"

static const struct {
	const char *name;
	fm_source_open_fn open;
} formats[FM_FORMAT_COUNT] = {
    [FM_FORMAT_CSV_FLOW] = {"csv_flow", fm_csv_source_open},
    [FM_FORMAT_PIPE] = {"pipe", fm_pipe_source_open},
    [FM_FORMAT_BINARY] = {"binary", fm_binary_source_open},
    [FM_FORMAT_NFCAPD] = {"nfcapd", fm_nfcapd_source_open},
    [FM_FORMAT_NFCAPD_NFDUMP] = {"nfcapd-nfdump", fm_nfdump_source_open},
    [FM_FORMAT_TEXT] = {"text", NULL},
};

int fm_format_parse(const char *name, enum fm_format *out)
{
	for (int f = 0; f < FM_FORMAT_COUNT; f++)
		if (strcmp(name, formats[f].name) == 0) {
			*out = (enum fm_format)f;
			return 0;
		}
	return FM_EINVAL;
}

const char *fm_format_name(enum fm_format f)
{
	return (unsigned)f < FM_FORMAT_COUNT ? formats[f].name : "?";
}

const char *fm_format_list(void)
{
	return "csv_flow, pipe, binary, nfcapd, nfcapd-nfdump";
}

int fm_format_writable(enum fm_format f)
{
	return f == FM_FORMAT_CSV_FLOW || f == FM_FORMAT_BINARY ||
	       f == FM_FORMAT_TEXT || f == FM_FORMAT_NFCAPD;
}

const char *fm_format_write_list(void)
{
	return "csv_flow, binary, text, nfcapd";
}

/* ---- input expansion ---- */

int fm_path_cmp(const char *a, const char *b)
{
	for (;;) {
		size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
		size_t l = la < lb ? la : lb;
		int c = memcmp(a, b, l);
		if (c)
			return c;
		if (la != lb)
			return la < lb ? -1 : 1;
		a += la;
		b += lb;
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		a++;
		b++;
	}
}

struct pathlist {
	char **v;
	size_t n, alloc;
};

static int pathlist_add(struct pathlist *l, const char *p)
{
	if (l->n + 1 >= l->alloc) {
		size_t na = l->alloc ? 2 * l->alloc : 16;
		char **nv = realloc(l->v, na * sizeof(*nv));
		if (!nv)
			return FM_ENOMEM;
		l->v = nv;
		l->alloc = na;
	}
	if (!(l->v[l->n] = strdup(p)))
		return FM_ENOMEM;
	l->v[++l->n] = NULL;
	return 0;
}

static int path_sort_cmp(const void *a, const void *b)
{
	return fm_path_cmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A directory walk: the files found, and the directories and files seen
 * (device and inode), so that a symlink back up the tree (`self -> .`,
 * `up -> ..`) or a second link to a file neither loops nor reads records
 * twice.
 */
struct walk {
	struct pathlist *l;
	const struct fm_log *log;
	struct {
		dev_t dev;
		ino_t ino;
	} * seen;
	size_t nseen, capseen; /* open addressing, capseen a power of 2 */
	time_t started;	       /* this process's start */
};

static size_t seen_slot(const struct walk *w, dev_t dev, ino_t ino)
{
	size_t h = ((size_t)ino * 0x9E3779B97F4A7C15u) ^ (size_t)dev;

	for (h &= w->capseen - 1; w->seen[h].ino || w->seen[h].dev;
	     h = (h + 1) & (w->capseen - 1))
		if (w->seen[h].dev == dev && w->seen[h].ino == ino)
			break;
	return h;
}

/* Mark st seen: 1 when new, 0 when seen before, FM_ENOMEM. */
static int seen_add(struct walk *w, const struct stat *st)
{
	size_t h;

	if (2 * (w->nseen + 1) > w->capseen) {
		struct walk nw = *w;
		nw.capseen = w->capseen ? 2 * w->capseen : 256;
		nw.seen = calloc(nw.capseen, sizeof(*nw.seen));
		if (!nw.seen)
			return FM_ENOMEM;
		for (size_t i = 0; i < w->capseen; i++)
			if (w->seen[i].ino || w->seen[i].dev)
				nw.seen[seen_slot(&nw, w->seen[i].dev,
						  w->seen[i].ino)] = w->seen[i];
		free(w->seen);
		w->seen = nw.seen;
		w->capseen = nw.capseen;
	}
	h = seen_slot(w, st->st_dev, st->st_ino);
	if (w->seen[h].ino || w->seen[h].dev)
		return 0;
	w->seen[h].dev = st->st_dev;
	w->seen[h].ino = st->st_ino;
	w->nseen++;
	return 1;
}

/* The start of this process (the time of its /proc entry). */
static time_t process_start(void)
{
	struct stat st;

	return stat("/proc/self", &st) == 0 ? st.st_mtime : time(NULL);
}

int fm_is_temp_name(const char *name)
{
	size_t n = strlen(name);

	/* NAME.tmp.XXXXXX and .NAME.tmp.XXXXXX (the tools' own), and the
	 * NAME.tmpXXXXXX of older versions: mkstemp's six letters or digits */
	if (n < 6)
		return 0;
	for (n -= 6; name[n]; n++)
		if (!isalnum((unsigned char)name[n]))
			return 0;
	n = strlen(name) - 6;
	if (n >= 5 && !memcmp(name + n - 5, ".tmp.", 5))
		return n > 5;
	return n >= 4 && !memcmp(name + n - 4, ".tmp", 4) && n > 4;
}

/* A file or directory below the tree: add, descend, or skip it. */
static int walk_entry(struct walk *w, const char *path, const char *name);

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every regular file below dir, appended (in name order: the first of
 * two links to one file is the one read). */
static int walk_dir(struct walk *w, const char *dir, struct fm_error *err)
{
	struct dirent **e;
	int n = scandir(dir, &e, NULL, name_cmp), r = 0;

	if (n < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", dir,
				    strerror(errno));
	for (int i = 0; i < n; i++) {
		struct fm_buf p = FM_BUF_INIT;
		const char *name = e[i]->d_name;
		if (r < 0 || !strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (fm_buf_printf(&p, "%s/%s", dir, name))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		if (r == 0 && (r = walk_entry(w, p.buf, name)) == 1)
			r = walk_dir(w, p.buf, err);
		else if (r < 0)
			fm_error_set(err, r, "out of memory");
		fm_buf_release(&p);
	}
	for (int i = 0; i < n; i++)
		free(e[i]);
	free(e);
	return r;
}

/* 1: a directory to descend into, 0: done with it, < 0 an error. */
static int walk_entry(struct walk *w, const char *path, const char *name)
{
	struct stat st;
	int r;

	if (stat(path, &st) < 0) {
		fm_warn(w->log, "%s: skipped: %s", path, strerror(errno));
		return 0;
	}
	if (fm_is_temp_name(name)) {
		/* a tool's output being written, or left by a killed run */
		if (st.st_mtime < w->started)
			fm_warn(
			    w->log,
			    "%s: skipped: a temporary output left over by an "
			    "interrupted run (remove it)",
			    path);
		return 0;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return 0;
	if ((r = seen_add(w, &st)) <= 0) {
		if (r == 0)
			fm_warn(
			    w->log, "%s: skipped: a link to a %s already read",
			    path, S_ISDIR(st.st_mode) ? "directory" : "file");
		return r;
	}
	if (S_ISDIR(st.st_mode))
		return 1;
	return pathlist_add(w->l, path) ? FM_ENOMEM : 0;
}

const char *fm_foreign_capture(const void *head, size_t len)
{
	static const struct {
		unsigned char magic[4];
		const char *what;
	} kinds[] = {
	    {{0xd4, 0xc3, 0xb2, 0xa1}, "pcap"},
	    {{0xa1, 0xb2, 0xc3, 0xd4}, "pcap"},
	    {{0x4d, 0x3c, 0xb2, 0xa1}, "pcap"}, /* nanosecond pcap */
	    {{0xa1, 0xb2, 0x3c, 0x4d}, "pcap"},
	    {{0x0a, 0x0d, 0x0d, 0x0a}, "pcapng"},
	};
	for (size_t k = 0; len >= 4 && k < sizeof(kinds) / sizeof(kinds[0]);
	     k++)
		if (memcmp(head, kinds[k].magic, 4) == 0)
			return kinds[k].what;
	return NULL;
}

/*
 * Capture folders hold other files: with an nfcapd format, drop the files
 * of a directory listing l[first..] that are still being written
 * (nfcapd.current.*) or do not start with an nfcapd header, with a note.
 * Returns how many were dropped.
 */
static size_t drop_non_captures(struct pathlist *l, size_t first,
				const struct fm_log *log)
{
	size_t k = first;

	for (size_t i = first; i < l->n; i++) {
		const char *p = l->v[i], *base = strrchr(p, '/');
		unsigned char head[4];
		int keep = 0;

		base = base ? base + 1 : p;
		if (strncmp(base, "nfcapd.current.", 15) == 0) {
			fm_warn(log,
				"%s: skipped: capture file still being written",
				p);
		} else {
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			ssize_t n =
			    fd < 0 ? -1 : pread(fd, head, sizeof(head), 0);
			if (fd >= 0)
				close(fd);
			keep = n == (ssize_t)sizeof(head) &&
			       fm_nfcapd_probe(head, 4);
			if (!keep && n == (ssize_t)sizeof(head) &&
			    fm_foreign_capture(head, 4))
				fm_warn(
				    log,
				    "%s: skipped: this is a %s capture: make "
				    "flows from it with nfpcapd or softflowd "
				    "first",
				    p, fm_foreign_capture(head, 4));
			else if (!keep)
				fm_warn(log, "%s: skipped: not an nfcapd file",
					p);
		}
		if (keep)
			l->v[k++] = l->v[i];
		else
			free(l->v[i]);
	}
	size_t dropped = l->n - k;
	l->n = k;
	if (l->v)
		l->v[k] = NULL;
	return dropped;
}

static int inputs_expand(enum fm_format fmt, const char *const *paths,
			 size_t npaths, char ***out, size_t *nout,
			 const struct fm_log *log, struct fm_error *err)
{
	struct pathlist l = {0};
	int r = 0;

	for (size_t i = 0; i < npaths && r == 0; i++) {
		struct stat st;
		const char *p = paths[i];

		if (strcmp(p, "-") == 0 && fmt != FM_FORMAT_BINARY) {
			r = pathlist_add(&l, p);
			continue;
		}
		if (stat(p, &st) < 0) {
			r = fm_error_set(
			    err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
			    "%s: %s", p, strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode) && fmt != FM_FORMAT_BINARY) {
			size_t first = l.n;
			/* a trailing slash would double in the joined names */
			char *dir = strdup(p);
			if (!dir) {
				r = FM_ENOMEM;
				break;
			}
			size_t dl = strlen(dir);
			while (dl > 1 && dir[dl - 1] == '/')
				dir[--dl] = '\0';
			struct walk w = {&l, log, NULL, 0, 0, process_start()};
			r = seen_add(&w, &st) < 0 ? FM_ENOMEM
						  : walk_dir(&w, dir, err);
			free(w.seen);
			free(dir);
			if (r == 0 && l.n > first)
				qsort(l.v + first, l.n - first, sizeof(char *),
				      path_sort_cmp);
			size_t dropped = 0;
			if (r == 0 && (fmt == FM_FORMAT_NFCAPD ||
				       fmt == FM_FORMAT_NFCAPD_NFDUMP))
				dropped = drop_non_captures(&l, first, log);
			/* a directory without inputs is a mistake, not no
			 * records */
			if (r == 0 && l.n == first && dropped)
				r = fm_error_set(err, FM_ENOTFOUND,
						 "%s: no capture files "
						 "in this directory (%zu other "
						 "file%s skipped)",
						 p, dropped,
						 dropped == 1 ? "" : "s");
			else if (r == 0 && l.n == first)
				r = fm_error_set(err, FM_ENOTFOUND,
						 "%s: no files in "
						 "this directory",
						 p);
		} else {
			r = pathlist_add(&l, p);
		}
	}
	if (r == FM_ENOMEM)
		fm_error_set(err, r, "out of memory");
	if (r < 0) {
		fm_paths_free(l.v);
		return r;
	}
	if (!l.v && pathlist_add(&l, "") == 0) {
		/* an empty list, still NULL-terminated */
		free(l.v[0]);
		l.v[0] = NULL;
		l.n = 0;
	}
	*out = l.v;
	*nout = l.n;
	return 0;
}

int fm_inputs_expand(enum fm_format fmt, const char *const *paths,
		     size_t npaths, char ***out, size_t *nout,
		     struct fm_error *err)
{
	return inputs_expand(fmt, paths, npaths, out, nout, NULL, err);
}

void fm_paths_free(char **paths)
{
	if (!paths)
		return;
	for (char **p = paths; *p; p++)
		free(*p);
	free(paths);
}

int64_t fm_source_skip_by_next(struct fm_source *src, int64_t n, size_t chunk,
			       struct fm_error *err)
{
	int64_t done = 0;

	while (done < n) {
		struct fm_batch b;
		int64_t want = n - done;
		long k = src->ops->next(
		    src, &b, want > (int64_t)chunk ? chunk : (size_t)want, err);
		if (k < 0)
			return k;
		if (k == 0)
			break;
		done += k;
	}
	return done;
}

/* ---- reader ---- */

struct fm_reader {
	struct fm_reader_opts opts;
	char **paths;
	size_t npaths, next_path;
	struct fm_source *cur;
	uint64_t done_bytes; /* bytes of inputs already finished */
	uint64_t total_bytes;
	int prefetch;	      /* inputs are read through in order */
	uint64_t cur_records; /* records the current source gave */
	int skip_damaged;     /* fm_reader_skip_damaged */
	unsigned damaged;     /* inputs skipped because of it */
	int end_reported;
	struct fm_sampling sampling; /* what nfcapd inputs declared */
};

int fm_reader_open(struct fm_reader **out, const struct fm_reader_opts *opts,
		   const char *const *paths, size_t npaths,
		   struct fm_error *err)
{
	struct fm_reader *r;
	int rc;

	if ((unsigned)opts->format >= FM_FORMAT_COUNT)
		return fm_error_set(err, FM_EINVAL, "unknown input format");
	if (!formats[opts->format].open)
		return fm_error_set(err, FM_EINVAL,
				    "cannot read format '%s' (input "
				    "formats: %s)",
				    formats[opts->format].name,
				    fm_format_list());
	if (opts->biflow_split && opts->format != FM_FORMAT_NFCAPD)
		return fm_error_set(
		    err, FM_EINVAL,
		    opts->format == FM_FORMAT_NFCAPD_NFDUMP
			? "--biflow split needs -i nfcapd: nfdump's pipe "
			  "output has no reverse counters"
			: "--biflow split applies to nfcapd input (-i nfcapd) "
			  "only");
	r = calloc(1, sizeof(*r));
	if (!r)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r->opts = *opts;
	rc = inputs_expand(opts->format, paths, npaths, &r->paths, &r->npaths,
			   opts->log, err);
	if (rc < 0) {
		free(r);
		return rc;
	}
	for (size_t i = 0; i < r->npaths; i++) {
		struct stat st;
		if (stat(r->paths[i], &st) == 0 && S_ISREG(st.st_mode))
			r->total_bytes += (uint64_t)st.st_size;
		else if (S_ISDIR(st.st_mode))
			r->total_bytes += fm_binary_dir_bytes(r->paths[i]);
	}
	*out = r;
	return 0;
}

void fm_reader_skip_damaged(struct fm_reader *r)
{
	r->skip_damaged = 1;
}

void fm_reader_prefetch(struct fm_reader *r)
{
	r->prefetch = 1;
}

static void reader_close_source(struct fm_reader *r)
{
	r->done_bytes += r->cur->ops->position(r->cur);
	r->cur->ops->close(r->cur);
	r->cur = NULL;
}

/*
 * An input failed with rc: with skip_damaged (and an error of the
 * data, not of memory or a cancel) warn, count it, close it and return 1
 * to go on with the next input; else return rc.
 */
static int reader_damaged(struct fm_reader *r, int rc, struct fm_error *err)
{
	if (!r->skip_damaged || rc == FM_ENOMEM || rc == FM_ECANCEL)
		return rc;
	if (r->cur && r->cur_records)
		fm_warn(r->opts.log,
			"skipped the rest of a damaged input (its first "
			"%llu records were read): %s",
			(unsigned long long)r->cur_records,
			err ? err->msg : "?");
	else
		fm_warn(r->opts.log, "skipped a damaged input: %s",
			err ? err->msg : "?");
	r->damaged++;
	if (r->cur)
		reader_close_source(r);
	return 1;
}

/* At the end of all inputs: the count of damaged ones, or the error. */
static int reader_end(struct fm_reader *r, struct fm_error *err)
{
	if (!r->damaged || r->end_reported)
		return 0;
	r->end_reported = 1;
	if (r->damaged == r->npaths)
		return fm_error_set(err, FM_EFORMAT,
				    "every input was damaged "
				    "(%u skipped): no records",
				    r->damaged);
	fm_warn(r->opts.log,
		"%u damaged input%s skipped of %zu (--skip-damaged)",
		r->damaged, r->damaged == 1 ? "" : "s", r->npaths);
	return 0;
}

/* Make sure a source is open; returns 1 when one is, 0 at the end. */
static int reader_source(struct fm_reader *r, struct fm_error *err)
{
	while (!r->cur) {
		if (r->next_path >= r->npaths)
			return reader_end(r, err);
		const char *p = r->paths[r->next_path++];
		int rc = formats[r->opts.format].open(
		    &r->cur, p, r->opts.fields, r->opts.log, err);
		r->cur_records = 0;
		if (rc < 0) {
			r->cur = NULL;
			if ((rc = reader_damaged(r, rc, err)) < 0)
				return rc;
			continue;
		}
		if (r->opts.biflow_split)
			fm_nfcapd_source_biflow_split(r->cur);
		if (r->opts.format == FM_FORMAT_NFCAPD)
			fm_nfcapd_source_sampling(r->cur, &r->sampling);
		if (r->prefetch && r->opts.format == FM_FORMAT_BINARY)
			fm_binary_source_prefetch(r->cur);
	}
	return 1;
}

long fm_reader_next(struct fm_reader *r, struct fm_batch *b, size_t max,
		    struct fm_error *err)
{
	/* every wanted column: what a source's next gives */
	return fm_reader_next_cols(r, b, max, r->opts.fields, err);
}

long fm_reader_next_cols(struct fm_reader *r, struct fm_batch *b, size_t max,
			 uint32_t fields, struct fm_error *err)
{
	if (max > FM_BATCH_CAP)
		max = FM_BATCH_CAP;
	for (;;) {
		int rc = reader_source(r, err);
		if (rc <= 0) {
			memset(b, 0, sizeof(*b));
			return rc;
		}
		const struct fm_source_ops *ops = r->cur->ops;
		long n = ops->next_cols
			     ? ops->next_cols(r->cur, b, max, fields, err)
			     : ops->next(r->cur, b, max, err);
		if (n < 0 && (n = reader_damaged(r, (int)n, err)) == 1)
			continue;
		if (n > 0)
			r->cur_records += (uint64_t)n;
		if (n != 0)
			return n;
		reader_close_source(r);
	}
}

long fm_reader_next_raw(struct fm_reader *r, struct fm_raw_batch *b, size_t max,
			struct fm_error *err)
{
	if (max > FM_BATCH_CAP)
		max = FM_BATCH_CAP;
	for (;;) {
		int rc = reader_source(r, err);
		if (rc <= 0) {
			memset(b, 0, sizeof(*b));
			return rc;
		}
		if (!r->cur->ops->next_raw)
			return fm_error_set(err, FM_EINVAL,
					    "internal error: raw batches from "
					    "a format without them");
		long n = r->cur->ops->next_raw(r->cur, b, max, err);
		if (n < 0 && (n = reader_damaged(r, (int)n, err)) == 1)
			continue;
		if (n > 0)
			r->cur_records += (uint64_t)n;
		if (n != 0)
			return n;
		reader_close_source(r);
	}
}

int fm_reader_gather(struct fm_reader *r, const uint32_t *idx, size_t k,
		     uint32_t fields, struct fm_batch *dst,
		     struct fm_error *err)
{
	if (!r->cur || !r->cur->ops->gather)
		return fm_error_set(
		    err, FM_EINVAL,
		    "internal error: gather without a partial batch");
	return r->cur->ops->gather(r->cur, idx, k, fields, dst, err);
}

int fm_reader_gather_raw(struct fm_reader *r, const uint32_t *idx, size_t k,
			 struct fm_raw_batch *dst, unsigned char *const *bufs,
			 struct fm_error *err)
{
	if (!r->cur || !r->cur->ops->gather_raw)
		return fm_error_set(
		    err, FM_EINVAL,
		    "internal error: raw gather without a binary batch");
	return r->cur->ops->gather_raw(r->cur, idx, k, dst, bufs, err);
}

int fm_reader_has_raw(const struct fm_reader *r)
{
	return r->opts.format == FM_FORMAT_BINARY;
}

void fm_sampling_note(struct fm_sampling *acc, const struct fm_sampler *x)
{
	for (size_t i = 0; i < acc->n; i++)
		if (acc->s[i].id == x->id &&
		    acc->s[i].packet_interval == x->packet_interval &&
		    acc->s[i].space_interval == x->space_interval &&
		    acc->s[i].exporter == x->exporter &&
		    acc->s[i].algorithm == x->algorithm)
			return;
	if (acc->n < FM_SAMPLERS_MAX)
		acc->s[acc->n++] = *x;
	else
		acc->more++; /* may count one sampler twice: "at least" */
}

void fm_reader_sampling(const struct fm_reader *r, struct fm_sampling *out)
{
	*out = r->sampling;
}

int64_t fm_reader_count(const struct fm_reader_opts *o,
			const char *const *paths, size_t npaths,
			struct fm_error *err)
{
	struct fm_reader *r = NULL;
	int rc = fm_reader_open(&r, o, paths, npaths, err);

	if (rc < 0)
		return rc;
	int64_t k = fm_reader_skip(r, INT64_MAX, err);
	fm_reader_free(r);
	return k;
}

int64_t fm_reader_skip(struct fm_reader *r, int64_t n, struct fm_error *err)
{
	int64_t done = 0;

	while (done < n) {
		int rc = reader_source(r, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		int64_t k = r->cur->ops->skip(r->cur, n - done, err);
		if (k < 0 && reader_damaged(r, (int)k, err) == 1)
			continue;
		if (k < 0)
			return k;
		r->cur_records += (uint64_t)k;
		done += k;
		if (done < n)
			reader_close_source(r);
	}
	return done;
}

void fm_reader_position(const struct fm_reader *r, uint64_t *done,
			uint64_t *total)
{
	*done = r->done_bytes + (r->cur ? r->cur->ops->position(r->cur) : 0);
	*total = r->total_bytes;
}

void fm_reader_free(struct fm_reader *r)
{
	if (!r)
		return;
	if (r->cur)
		r->cur->ops->close(r->cur);
	fm_paths_free(r->paths);
	free(r);
}

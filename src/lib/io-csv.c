/*
 * io-csv.c - the csv_flow reader (SPEC 2): 21 decimal integers a line,
 * separated by commas with optional spaces (io-csv-write.c writes it).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io-int.h"

struct csv_source {
	struct fm_source base;
	struct fm_textin in;
	uint32_t fields;
	struct fm_batch store;
	const char **starts; /* the lines of the current batch */
	uint32_t *lens;
	uint8_t *blank;	     /* line i held no record */
	uint64_t first_line; /* number of line 0 */
	/* a second thread parses the upper half of batches of at least
	 * parallel_min lines */
	size_t parallel_min;
	pthread_t thread;
	int have_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int job; /* JOB_* */
	size_t job_from, job_to;
	long job_fail; /* first failing line index, or -1 */
	struct fm_error job_err;
};

enum { JOB_IDLE, JOB_PENDING, JOB_DONE, JOB_QUIT };

/* Batches at least this large are parsed by two threads (by default). */
#define CSV_PARALLEL_MIN 2048

/*
 * The common case: 21 plain decimal numbers of at most 19 digits with
 * optional spaces around commas.  Returns 0, or -1 for anything else (the
 * careful parser then decides, and names the problem).  This is the
 * simple version; csv_parse_plain below is the fast one and must agree
 * with it (tests/unit/test-csvparse.c compares them on random lines).
 */
static int csv_parse_plain_bytes(const char *p, const char *end, int64_t *vals)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		const char *d;
		uint64_t v = 0;

		while (p < end && *p == ' ')
			p++;
		d = p;
		while (p < end && (unsigned)(*p - '0') < 10) {
			v = v * 10 + (unsigned)(*p - '0');
			p++;
		}
		if (p == d || p - d > 19)
			return -1;
		while (p < end && *p == ' ')
			p++;
		vals[f] = (int64_t)v;
		if (f < FM_NFIELDS - 1) {
			if (p == end || *p != ',')
				return -1;
			p++;
		}
	}
	return p == end ? 0 : -1;
}

/*
 * The same, faster: the byte after the line (a '\n', '\r' or the NUL that
 * fm_textin keeps after its data) is neither a digit, a space nor a comma,
 * so the loops need no end test, and the common separator ", " is taken
 * in one step.  Value f goes to vals[f * stride] (stride 1: an array of
 * 21; the batch's capacity: straight into a record slot of a whole batch).
 */
static int csv_parse_plain(const char *p, const char *end, int64_t *vals,
			   size_t stride)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		const char *d;
		uint64_t v;
		unsigned c;

		while (*p == ' ')
			p++;
		d = p;
		c = (unsigned char)*p - '0';
		if (c >= 10)
			return -1;
		v = c;
		for (;;) {
			c = (unsigned char)*++p - '0';
			if (c >= 10)
				break;
			v = v * 10 + c;
		}
		if (p - d > 19)
			return -1;
		vals[(size_t)f * stride] = (int64_t)v;
		if (f < FM_NFIELDS - 1) {
			if (p[0] == ',' && p[1] == ' ' && p + 1 < end) {
				p += 2;
				continue;
			}
			while (*p == ' ')
				p++;
			if (*p != ',')
				return -1;
			p++;
		}
	}
	while (*p == ' ')
		p++;
	return p == end ? 0 : -1;
}

/*
 * Parse one line into vals: the fast path when fast is set (and the line is
 * plain), else the careful parser, which accepts tabs, '+', "0x" hex and
 * "-0" and names the problem of a bad line.  Returns 0, 1 for a blank line
 * (ignored), or an error.
 */
int fm_csv_parse_record(const char *name, const char *line, size_t len,
			uint64_t lineno, int64_t *vals, int fast,
			struct fm_error *err)
{
	const char *p = line, *end = line + len;
	int f = 0;

	if (fast && csv_parse_plain(p, end, vals, 1) == 0)
		return 0;
	if (!fast && csv_parse_plain_bytes(p, end, vals) == 0)
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return 1;
	for (;;) {
		uint64_t v;
		const char *start = p;
		int r = fm_parse_u64(&p, end, &v);
		if (r == 0) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && *p != ',')
				r = -1;
		}
		if (r < 0) {
			const char *what = r == -2   ? "negative value"
					   : r == -3 ? "value above 2^64-1"
						     : "not a number";
			const char *q = start;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			const char *qe = q;
			while (qe < end && *qe != ',')
				qe++;
			if (f >= FM_NFIELDS)
				return fm_error_set(
				    err, FM_EFORMAT,
				    "%s:%llu: expected %d fields, got more",
				    name, (unsigned long long)lineno,
				    FM_NFIELDS);
			char qt[FM_QUOTE_SIZE];
			return fm_error_set(
			    err, FM_EFORMAT, "%s:%llu: field %d '%s': %s: '%s'",
			    name, (unsigned long long)lineno, f + 1,
			    fm_field_name(f), what,
			    fm_quote_input(qt, q, (size_t)(qe - q)));
		}
		if (f < FM_NFIELDS)
			vals[f] = (int64_t)v;
		f++;
		if (p == end)
			break;
		p++; /* ',' */
	}
	if (f != FM_NFIELDS)
		return fm_error_set(err, FM_EFORMAT,
				    "%s:%llu: expected %d fields, got %d", name,
				    (unsigned long long)lineno, FM_NFIELDS, f);
	return 0;
}

/*
 * Parse one line into record slot i of the batch; as fm_csv_parse_record.
 * The store holds all 21 columns one after the other, so a plain line is
 * parsed straight into the slot; any other goes the careful way.
 */
static int csv_parse_line(struct csv_source *s, const char *line, size_t len,
			  uint64_t lineno, size_t i, struct fm_error *err)
{
	int64_t vals[FM_NFIELDS];

	if (csv_parse_plain(line, line + len, s->store.store + i,
			    s->store.cap) == 0)
		return 0;
	int r =
	    fm_csv_parse_record(s->in.name, line, len, lineno, vals, 0, err);
	if (r != 0)
		return r;
	for (int f = 0; f < FM_NFIELDS; f++)
		if (s->fields & FM_FIELD_BIT(f))
			fm_batch_mut(&s->store, f)[i] = vals[f];
	return 0;
}

/*
 * Parse lines [from, to) into the same record slots; returns -1 when all
 * parsed, else the index of the first bad line (err filled).
 */
static long csv_parse_range(struct csv_source *s, size_t from, size_t to,
			    struct fm_error *err)
{
	for (size_t i = from; i < to; i++) {
		int r = csv_parse_line(s, s->starts[i], s->lens[i],
				       s->first_line + i, i, err);
		if (r < 0)
			return (long)i;
		s->blank[i] = (uint8_t)r;
	}
	return -1;
}

static void *csv_worker(void *arg)
{
	struct csv_source *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->job == JOB_IDLE || s->job == JOB_DONE)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->job == JOB_QUIT)
			break;
		size_t from = s->job_from, to = s->job_to;
		pthread_mutex_unlock(&s->mu);
		long fail = csv_parse_range(s, from, to, &s->job_err);
		pthread_mutex_lock(&s->mu);
		s->job_fail = fail;
		s->job = JOB_DONE;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Parse lines [0, n) into slots, in two threads when worth it. */
static long csv_parse_lines(struct csv_source *s, size_t n,
			    struct fm_error *err)
{
	size_t half;
	long fail;

	if (n >= s->parallel_min && !s->have_thread &&
	    sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    pthread_create(&s->thread, NULL, csv_worker, s) == 0)
		s->have_thread = 1;
	if (n < s->parallel_min || !s->have_thread)
		return csv_parse_range(s, 0, n, err);
	half = n / 2;
	pthread_mutex_lock(&s->mu);
	s->job_from = half;
	s->job_to = n;
	s->job = JOB_PENDING;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	fail = csv_parse_range(s, 0, half, err);
	pthread_mutex_lock(&s->mu);
	while (s->job != JOB_DONE)
		pthread_cond_wait(&s->cv, &s->mu);
	s->job = JOB_IDLE;
	pthread_mutex_unlock(&s->mu);
	if (fail < 0 && s->job_fail >= 0) {
		fail = s->job_fail;
		if (err)
			*err = s->job_err;
	}
	return fail;
}

static long csv_next(struct fm_source *src, struct fm_batch *b, size_t max,
		     struct fm_error *err)
{
	struct csv_source *s = (struct csv_source *)src;
	size_t k = 0;

	if (max > s->store.cap)
		max = s->store.cap;
	for (;;) {
		long n = fm_textin_lines(&s->in, max, s->starts, s->lens, err);
		if (n <= 0) {
			if (n < 0)
				return n;
			break;
		}
		s->first_line = s->in.line - (uint64_t)n + 1;
		if (csv_parse_lines(s, (size_t)n, err) >= 0)
			return err ? err->code : FM_EFORMAT;
		/* drop blank lines (rare) by moving later records down */
		for (size_t i = 0; i < (size_t)n; i++) {
			if (s->blank[i])
				continue;
			if (k != i)
				for (int f = 0; f < FM_NFIELDS; f++)
					if (s->fields & FM_FIELD_BIT(f))
						fm_batch_mut(&s->store, f)[k] =
						    s->store.col[f][i];
			k++;
		}
		if (k > 0)
			break;
	}
	*b = s->store;
	b->store = NULL;
	b->fields = s->fields;
	for (int f = 0; f < FM_NFIELDS; f++)
		if (!(s->fields & FM_FIELD_BIT(f)))
			b->col[f] = NULL;
	b->n = k;
	return (long)k;
}

static int64_t csv_skip(struct fm_source *src, int64_t n, struct fm_error *err)
{
	struct csv_source *s = (struct csv_source *)src;
	return fm_textin_skip_records(&s->in, n, NULL, err);
}

static uint64_t csv_position(const struct fm_source *src)
{
	return ((const struct csv_source *)src)->in.consumed;
}

static void csv_close(struct fm_source *src)
{
	struct csv_source *s = (struct csv_source *)src;

	if (s->have_thread) {
		pthread_mutex_lock(&s->mu);
		s->job = JOB_QUIT;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->starts);
	free(s->lens);
	free(s->blank);
	fm_textin_close(&s->in);
	fm_batch_release(&s->store);
	free(s);
}

static const struct fm_source_ops csv_ops = {
    csv_next, csv_skip, csv_position, csv_close,
    NULL,     NULL, /* no late materialisation: text is decoded whole */
    NULL,     NULL, /* no raw batches */
};

/* A csv source reading from path, or from fd when path is NULL. */
static int csv_source_new(struct fm_source **out, const char *path, int fd,
			  const char *name, uint32_t fields,
			  const struct fm_text_opts *o, struct fm_error *err)
{
	struct csv_source *s = calloc(1, sizeof(*s));
	size_t cap = o && o->batch_cap && o->batch_cap < FM_BATCH_CAP
			 ? o->batch_cap
			 : FM_BATCH_CAP;
	int r;

	if (!s)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	s->base.ops = &csv_ops;
	s->fields = fields;
	s->parallel_min =
	    o && o->parallel_min ? o->parallel_min : CSV_PARALLEL_MIN;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	r = path ? fm_textin_open(&s->in, path, err)
		 : fm_textin_from_fd(&s->in, fd, name, o ? o->chunk : 0, err);
	if (r < 0) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		return r;
	}
	s->starts = malloc(cap * sizeof(*s->starts));
	s->lens = malloc(cap * sizeof(*s->lens));
	s->blank = malloc(cap);
	/* all 21 columns one after the other: csv_parse_line parses a plain
	 * line straight into its record slot */
	if (!s->starts || !s->lens || !s->blank ||
	    fm_batch_alloc(&s->store, FM_ALL_FIELDS, cap)) {
		csv_close(&s->base);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	*out = &s->base;
	return 0;
}

int fm_csv_source_open(struct fm_source **out, const char *path,
		       uint32_t fields, const struct fm_log *log,
		       struct fm_error *err)
{
	(void)log;
	return csv_source_new(out, path, -1, NULL, fields, NULL, err);
}

int fm_csv_source_from_fd(struct fm_source **out, int fd, const char *name,
			  uint32_t fields, const struct fm_text_opts *opts,
			  struct fm_error *err)
{
	return csv_source_new(out, NULL, fd, name, fields, opts, err);
}

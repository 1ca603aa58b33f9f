/*
 * io-pipe.c - nfdump's legacy machine format (`nfdump -q -o pipe`, SPEC 2):
 * af|first|last|prot|sa0|sa1|sa2|sa3|sp|da0|da1|da2|da3|dp|srcas|dstas|
 * inif|outif|tcp_flags|tos|packets|octets, first/last in milliseconds.
 */
#include <stdlib.h>
#include <string.h>

#include "io-int.h"

#define PIPE_NCOLS 22

/* Column names of the pipe layout, for error messages. */
static const char *const pipe_cols[PIPE_NCOLS] = {
    "af",   "first", "last",	  "prot", "sa0",     "sa1",    "sa2",	"sa3",
    "sp",   "da0",   "da1",	  "da2",  "da3",     "dp",     "srcas", "dstas",
    "inif", "outif", "tcp_flags", "tos",  "packets", "octets",
};

struct pipe_source {
	struct fm_source base;
	struct fm_textin in;
	uint32_t fields;
	struct fm_batch store;
	const char *ignore; /* a line that is not a record, or NULL */
};

void fm_pipe_source_ignore_line(struct fm_source *src, const char *text)
{
	((struct pipe_source *)src)->ignore = text;
}

static int pipe_parse_line(struct pipe_source *s, const char *line, size_t len,
			   size_t i, struct fm_error *err)
{
	const char *p = line, *end = line + len;
	uint64_t v[PIPE_NCOLS];
	int64_t rec[FM_NFIELDS];
	int c = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return 1;
	if (s->ignore && (size_t)(end - p) == strlen(s->ignore) &&
	    memcmp(p, s->ignore, (size_t)(end - p)) == 0)
		return 1;
	for (;;) {
		const char *start = p;
		uint64_t x;
		int r = fm_parse_u64(&p, end, &x);
		if (r == 0) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && *p != '|')
				r = -1;
		}
		if (r < 0 || c >= PIPE_NCOLS) {
			if (c >= PIPE_NCOLS)
				return fm_error_set(
				    err, FM_EFORMAT,
				    "%s:%llu: expected %d fields, got more",
				    s->in.name, (unsigned long long)s->in.line,
				    PIPE_NCOLS);
			const char *qe = start;
			while (qe < end && *qe != '|')
				qe++;
			char qt[FM_QUOTE_SIZE];
			return fm_error_set(
			    err, FM_EFORMAT, "%s:%llu: field %d '%s': %s: '%s'",
			    s->in.name, (unsigned long long)s->in.line, c + 1,
			    pipe_cols[c],
			    r == -2   ? "negative value"
			    : r == -3 ? "value above 2^64-1"
				      : "not a number",
			    fm_quote_input(qt, start, (size_t)(qe - start)));
		}
		v[c++] = x;
		if (p == end)
			break;
		p++;
	}
	if (c != PIPE_NCOLS)
		return fm_error_set(
		    err, FM_EFORMAT, "%s:%llu: expected %d fields, got %d",
		    s->in.name, (unsigned long long)s->in.line, PIPE_NCOLS, c);
	rec[FM_AF] = (int64_t)v[0];
	rec[FM_FIRST] = (int64_t)(v[1] / 1000);
	rec[FM_FIRST_MS] = (int64_t)(v[1] % 1000);
	rec[FM_LAST] = (int64_t)(v[2] / 1000);
	rec[FM_LAST_MS] = (int64_t)(v[2] % 1000);
	rec[FM_PROT] = (int64_t)v[3];
	for (int k = 0; k < 4; k++) {
		rec[FM_SA0 + k] = (int64_t)v[4 + k];
		rec[FM_DA0 + k] = (int64_t)v[9 + k];
	}
	rec[FM_SP] = (int64_t)v[8];
	rec[FM_DP] = (int64_t)v[13];
	rec[FM_INIF] = (int64_t)v[16];
	rec[FM_OUTIF] = (int64_t)v[17];
	rec[FM_PACKETS] = (int64_t)v[20];
	rec[FM_OCTETS] = (int64_t)v[21];
	rec[FM_AGGS] = 0;
	for (int f = 0; f < FM_NFIELDS; f++)
		if (s->fields & FM_FIELD_BIT(f))
			fm_batch_mut(&s->store, f)[i] = rec[f];
	return 0;
}

static long pipe_next(struct fm_source *src, struct fm_batch *b, size_t max,
		      struct fm_error *err)
{
	struct pipe_source *s = (struct pipe_source *)src;
	size_t n = 0;

	if (max > s->store.cap)
		max = s->store.cap;
	while (n < max) {
		const char *line;
		size_t len;
		int r = fm_textin_line(&s->in, &line, &len, err);
		if (r <= 0) {
			if (r < 0)
				return r;
			break;
		}
		r = pipe_parse_line(s, line, len, n, err);
		if (r < 0)
			return r;
		if (r == 0)
			n++;
	}
	*b = s->store;
	b->store = NULL;
	b->n = n;
	return (long)n;
}

static int64_t pipe_skip(struct fm_source *src, int64_t n, struct fm_error *err)
{
	struct pipe_source *s = (struct pipe_source *)src;
	return fm_textin_skip_records(&s->in, n, s->ignore, err);
}

static uint64_t pipe_position(const struct fm_source *src)
{
	return ((const struct pipe_source *)src)->in.consumed;
}

static void pipe_close(struct fm_source *src)
{
	struct pipe_source *s = (struct pipe_source *)src;
	fm_textin_close(&s->in);
	fm_batch_release(&s->store);
	free(s);
}

static const struct fm_source_ops pipe_ops = {
    pipe_next, pipe_skip, pipe_position, pipe_close,
    NULL,      NULL, /* no late materialisation: text is decoded whole */
    NULL,      NULL, /* no raw batches */
};

static int pipe_source_new(struct pipe_source **out, uint32_t fields,
			   const struct fm_text_opts *o, struct fm_error *err)
{
	struct pipe_source *s = calloc(1, sizeof(*s));
	size_t cap = o && o->batch_cap && o->batch_cap < FM_BATCH_CAP
			 ? o->batch_cap
			 : FM_BATCH_CAP;

	if (!s || fm_batch_alloc(&s->store, fields, cap)) {
		free(s);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	s->base.ops = &pipe_ops;
	s->fields = fields;
	s->in.fd = -1;
	*out = s;
	return 0;
}

int fm_pipe_source_open(struct fm_source **out, const char *path,
			uint32_t fields, const struct fm_log *log,
			struct fm_error *err)
{
	struct pipe_source *s = NULL;
	int r = pipe_source_new(&s, fields, NULL, err);

	(void)log;
	if (r < 0)
		return r;
	r = fm_textin_open(&s->in, path, err);
	if (r < 0) {
		pipe_close(&s->base);
		return r;
	}
	*out = &s->base;
	return 0;
}

int fm_pipe_source_from_fd(struct fm_source **out, int fd, const char *name,
			   uint32_t fields, const struct fm_text_opts *opts,
			   struct fm_error *err)
{
	struct pipe_source *s = NULL;
	int r = pipe_source_new(&s, fields, opts, err);

	if (r < 0)
		return r;
	r = fm_textin_from_fd(&s->in, fd, name, opts ? opts->chunk : 0, err);
	if (r < 0) {
		pipe_close(&s->base);
		return r;
	}
	*out = &s->base;
	return 0;
}

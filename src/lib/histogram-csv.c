/*
 * histogram-csv.c - the csv_hist text format: reading by column name and
 * writing (SPEC section 6; see histogram.h for the rules).
 *
 * The reader loads the whole file (histograms are small: a few tens of
 * thousands of lines) and parses it in place.  It maps every header column
 * to a role (x, bin_hi, a sum column, or ignored) and checks each bin
 * against the previous one as it goes, so every error names the line.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/fileout.h"
#include "flowmodels/histogram.h"
#include "io-int.h"

enum role { R_X, R_HI, R_SUM, R_IGNORE };

struct colmap {
	enum role role;
	enum fm_hcol col;	  /* for R_SUM */
	char name[FM_QUOTE_SIZE]; /* quoted (fm_quote_input), for messages */
};

/* Trim spaces, tabs and a trailing '\r' from [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s &&
	       ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

/*
 * Parse a decimal integer in [s, e) (already trimmed).  Returns 0, -1 not
 * a number, -2 negative (when !allow_neg), -3 out of range.
 */
static int parse_int(const char *s, const char *e, int allow_neg, int64_t *sv,
		     uint64_t *uv)
{
	int neg = 0;
	uint64_t v = 0;
	const char *d;

	if (s < e && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	if (s == e)
		return -1;
	for (d = s; d < e; d++) {
		unsigned c = (unsigned)(*d - '0');
		if (c > 9)
			return -1;
		if (v > (UINT64_MAX - c) / 10)
			return -3;
		v = v * 10 + c;
	}
	if (neg && v == 0)
		neg = 0;
	if (neg && !allow_neg)
		return -2;
	if (allow_neg) {
		if (neg) {
			if (v > (uint64_t)INT64_MAX + 1)
				return -3;
			*sv = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN
							   : -(int64_t)v;
		} else {
			if (v > (uint64_t)INT64_MAX)
				return -3;
			*sv = (int64_t)v;
		}
	} else {
		*uv = v;
	}
	return 0;
}

static int parse_real(const char *s, const char *e, double *out)
{
	/* room for the exact integer form of any double (309 digits) */
	char tmp[512];
	char *end;
	size_t n = (size_t)(e - s);

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	if (end != tmp + n)
		return -1;
	if (!isfinite(*out))
		return -3;
	return 0;
}

static int field_error(struct fm_error *err, const char *name, size_t line,
		       const struct colmap *cm, const char *s, const char *e,
		       int why)
{
	const char *what = why == -2   ? "negative value"
			   : why == -3 ? "value out of range"
				       : "not a number";
	char qt[FM_QUOTE_SIZE];

	return fm_error_set(err, FM_EFORMAT, "%s:%zu: column '%s': %s: '%s'",
			    name, line, cm->name, what,
			    fm_quote_input(qt, s, (size_t)(e - s)));
}

/* Map the header line to column roles. */
static int parse_header(const char *name, const char *s, const char *e,
			unsigned required, const struct fm_log *log,
			struct colmap **out, size_t *ncol,
			struct fm_histogram *h, struct fm_error *err)
{
	struct colmap *cm = NULL;
	size_t n = 0, cap = 0;
	int has_hi = 0;

	for (;;) {
		const char *fe = memchr(s, ',', (size_t)(e - s));
		const char *fs = s;
		if (!fe)
			fe = e;
		s = fe;
		trim(&fs, &fe);
		if (n == cap) {
			struct colmap *nc;
			cap = cap ? cap * 2 : 16;
			nc = realloc(cm, cap * sizeof(*cm));
			if (!nc) {
				free(cm);
				return fm_error_set(err, FM_ENOMEM,
						    "%s: out of memory", name);
			}
			cm = nc;
		}
		struct colmap *c = &cm[n];
		size_t len = (size_t)(fe - fs);
		fm_quote_input(c->name, fs, len);
		c->col = FM_HCOL_FLOWS;
		if (n == 0) {
			c->role = R_X;
			if (len == 0)
				snprintf(c->name, sizeof(c->name), "bin_lo");
		} else if (len == 6 && memcmp(fs, "bin_hi", 6) == 0) {
			if (has_hi) {
				free(cm);
				return fm_error_set(
				    err, FM_EFORMAT,
				    "%s:1: column 'bin_hi' given twice", name);
			}
			has_hi = 1;
			c->role = R_HI;
		} else if (len > 4 && memcmp(fe - 4, "_ssq", 4) == 0) {
			c->role = R_IGNORE;
		} else {
			int k = -1;
			/* the quoted name is the name itself when it is short
			 * and free of control bytes (and NULs) */
			if (len > 4 && len <= FM_QUOTE_MAX &&
			    memcmp(fe - 4, "_sum", 4) == 0)
				k = fm_hcol_from_name(c->name);
			if (k < 0) {
				c->role = R_IGNORE;
				fm_warn(log,
					"%s:1: ignoring unknown column '%s'",
					name, c->name);
			} else {
				if (h->cols & FM_HCOL_BIT(k)) {
					int r = fm_error_set(
					    err, FM_EFORMAT,
					    "%s:1: column '%s' given twice",
					    name, c->name);
					free(cm);
					return r;
				}
				c->role = R_SUM;
				c->col = (enum fm_hcol)k;
				h->cols |= FM_HCOL_BIT(k);
				h->order[h->ncols++] = (enum fm_hcol)k;
			}
		}
		n++;
		if (s == e)
			break;
		s++; /* the comma */
	}
	for (int k = 0; k < FM_HCOL_COUNT; k++)
		if ((required & FM_HCOL_BIT(k)) &&
		    !(h->cols & FM_HCOL_BIT(k))) {
			free(cm);
			return fm_error_set(
			    err, FM_EFORMAT,
			    "%s:1: missing required column '%s_sum'", name,
			    fm_hcol_name((enum fm_hcol)k));
		}
	*out = cm;
	*ncol = n;
	return has_hi;
}

/* Field [fs, fe) of bin i, in column c: 0 or parse_int/parse_real's error. */
static int parse_field(struct fm_histogram *h, size_t i, const struct colmap *c,
		       const char *fs, const char *fe)
{
	int64_t sv = 0;
	uint64_t uv = 0;
	int pr = 0;

	switch (c->role) {
	case R_X:
		pr = parse_int(fs, fe, 1, &sv, &uv);
		h->bin_lo[i] = sv;
		break;
	case R_HI:
		pr = parse_int(fs, fe, 1, &sv, &uv);
		h->bin_hi[i] = sv;
		break;
	case R_IGNORE:
		break;
	case R_SUM:
		switch (c->col) {
		case FM_HCOL_FLOWS:
			pr = parse_int(fs, fe, 0, &sv, &h->flows[i]);
			break;
		case FM_HCOL_PACKETS:
			pr = parse_int(fs, fe, 0, &sv, &h->packets[i]);
			break;
		case FM_HCOL_OCTETS:
			pr = parse_int(fs, fe, 0, &sv, &h->octets[i]);
			break;
		case FM_HCOL_AGGS:
			pr = parse_int(fs, fe, 0, &sv, &h->aggs[i]);
			break;
		case FM_HCOL_DURATION:
			pr = parse_int(fs, fe, 1, &h->duration[i], &uv);
			break;
		case FM_HCOL_RATE:
			pr = parse_real(fs, fe, &h->rate[i]);
			break;
		default:
			break;
		}
		break;
	}
	return pr;
}

/* Bin i against itself and the one before (lines in ascending order). */
static int check_bin(const struct fm_histogram *h, size_t i, int has_hi,
		     const char *name, size_t line, struct fm_error *err)
{
	int r;

	if (has_hi) {
		if (h->bin_hi[i] <= h->bin_lo[i]) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s:%zu: bin_hi %lld <= bin_lo %lld",
					 name, line, (long long)h->bin_hi[i],
					 (long long)h->bin_lo[i]);
			return r;
		}
	}
	if (i > 0 && h->bin_lo[i] <= h->bin_lo[i - 1]) {
		r = fm_error_set(
		    err, FM_EFORMAT,
		    "%s:%zu: bins not ascending: bin_lo %lld after %lld", name,
		    line, (long long)h->bin_lo[i], (long long)h->bin_lo[i - 1]);
		return r;
	}
	if (has_hi && i > 0 && h->bin_lo[i] < h->bin_hi[i - 1]) {
		r = fm_error_set(
		    err, FM_EFORMAT,
		    "%s:%zu: bins overlap: bin_lo %lld < previous bin_hi %lld",
		    name, line, (long long)h->bin_lo[i],
		    (long long)h->bin_hi[i - 1]);
		return r;
	}
	return 0;
}

int fm_histogram_parse(struct fm_histogram *h, const char *name,
		       const char *text, size_t len, unsigned required,
		       const struct fm_log *log, struct fm_error *err)
{
	const char *p = text, *end = text + len;
	struct colmap *cm = NULL;
	size_t ncol = 0, line = 0;
	int has_hi = 0, r = 0;

	fm_histogram_release(h);
	/* header: the first non-blank line */
	while (p < end) {
		const char *le = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e;
		if (!le)
			le = end;
		e = le;
		line++;
		p = le < end ? le + 1 : end;
		if (e - s > FM_LINE_MAX + 1) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s:%zu: line longer than %d bytes",
					 name, line, FM_LINE_MAX);
			goto fail;
		}
		trim(&s, &e);
		if (s == e)
			continue;
		if (line == 1 && e - s >= 3 &&
		    memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		r = parse_header(name, s, e, required, log, &cm, &ncol, h, err);
		if (r < 0)
			goto fail;
		has_hi = r;
		r = 0;
		break;
	}
	if (!cm) {
		r = fm_error_set(err, FM_EFORMAT,
				 "%s: empty file: no csv_hist header", name);
		goto fail;
	}
	while (p < end) {
		const char *le = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e;
		size_t i, j;
		int extra = 0;
		if (!le)
			le = end;
		e = le;
		line++;
		p = le < end ? le + 1 : end;
		if (e - s > FM_LINE_MAX + 1) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s:%zu: line longer than %d bytes",
					 name, line, FM_LINE_MAX);
			goto fail;
		}
		trim(&s, &e);
		if (s == e)
			continue;
		r = fm_histogram_resize(h, h->n + 1, err);
		if (r < 0)
			goto fail;
		i = h->n - 1;
		for (j = 0; j < ncol; j++) {
			const char *fs = s,
				   *fe = memchr(s, ',', (size_t)(e - s));
			int pr = 0;
			if (!fe)
				fe = e;
			s = fe < e ? fe + 1 : e;
			extra = j + 1 == ncol && fe < e;
			if (fe == e && j + 1 < ncol) {
				r = fm_error_set(
				    err, FM_EFORMAT,
				    "%s:%zu: expected %zu fields, got %zu",
				    name, line, ncol, j + 1);
				goto fail;
			}
			trim(&fs, &fe);
			pr = parse_field(h, i, &cm[j], fs, fe);
			if (pr < 0) {
				r = field_error(err, name, line, &cm[j], fs, fe,
						pr);
				goto fail;
			}
		}
		if (extra) {
			/* more fields than columns */
			size_t got = ncol + 1;
			for (const char *q = s; q < e; q++)
				got += *q == ',';
			r = fm_error_set(err, FM_EFORMAT,
					 "%s:%zu: expected %zu fields, got %zu",
					 name, line, ncol, got);
			goto fail;
		}
		r = check_bin(h, i, has_hi, name, line, err);
		if (r < 0)
			goto fail;
	}
	if (!has_hi) {
		for (size_t i = 0; i < h->n; i++) {
			if (i + 1 < h->n) {
				h->bin_hi[i] = h->bin_lo[i + 1];
			} else if (h->bin_lo[i] == INT64_MAX) {
				r = fm_error_set(
				    err, FM_EFORMAT,
				    "%s: last bin_lo too large without bin_hi",
				    name);
				goto fail;
			} else {
				h->bin_hi[i] = h->bin_lo[i] + 1;
			}
		}
	}
	free(cm);
	return 0;
fail:
	free(cm);
	fm_histogram_release(h);
	return r;
}

int fm_histogram_read(struct fm_histogram *h, const char *path,
		      unsigned required, const struct fm_log *log,
		      struct fm_error *err)
{
	char *data;
	size_t len;
	int r;

	fm_histogram_release(h);
	r = fm_file_read_all(path, FM_READ_MAX_TEXT, &data, &len, err);
	if (r < 0)
		return r;
	r = fm_histogram_parse(h, strcmp(path, "-") ? path : "<stdin>", data,
			       len, required, log, err);
	free(data);
	return r;
}

/* Write trunc(v) as an exact decimal integer (Python's str(int(v))). */
static size_t fmt_trunc(char *dst, double v)
{
	double t = trunc(v);

	if (t > -9.2e18 && t < 9.2e18)
		return fm_fmt_i64(dst, (int64_t)t);
	/* glibc prints the exact value of an integral double */
	return (size_t)sprintf(dst, "%.0f", t);
}

int fm_histogram_format(const struct fm_histogram *h, struct fm_buf *out,
			struct fm_error *err)
{
	char line[(FM_HCOL_COUNT + 2) * 330];
	int r = fm_buf_addstr(out, "bin_lo,bin_hi");

	for (size_t c = 0; r == 0 && c < h->ncols; c++)
		r = fm_buf_printf(out, ",%s_sum", fm_hcol_name(h->order[c]));
	if (r == 0)
		r = fm_buf_addch(out, '\n');
	if (r == 0)
		r = fm_buf_grow(out, h->n * (16 + 12 * h->ncols));
	for (size_t i = 0; r == 0 && i < h->n; i++) {
		char *q = line;
		q += fm_fmt_i64(q, h->bin_lo[i]);
		*q++ = ',';
		q += fm_fmt_i64(q, h->bin_hi[i]);
		for (size_t c = 0; c < h->ncols; c++) {
			*q++ = ',';
			switch (h->order[c]) {
			case FM_HCOL_FLOWS:
				q += fm_fmt_u64(q, h->flows[i]);
				break;
			case FM_HCOL_PACKETS:
				q += fm_fmt_u64(q, h->packets[i]);
				break;
			case FM_HCOL_OCTETS:
				q += fm_fmt_u64(q, h->octets[i]);
				break;
			case FM_HCOL_AGGS:
				q += fm_fmt_u64(q, h->aggs[i]);
				break;
			case FM_HCOL_DURATION:
				q += fm_fmt_i64(q, h->duration[i]);
				break;
			case FM_HCOL_RATE:
				q += fmt_trunc(q, h->rate[i]);
				break;
			default:
				break;
			}
		}
		*q++ = '\n';
		r = fm_buf_add(out, line, (size_t)(q - line));
	}
	if (r < 0)
		return fm_error_set(err, FM_ENOMEM, "histogram: out of memory");
	return 0;
}

int fm_histogram_write(const struct fm_histogram *h, const char *path,
		       struct fm_error *err)
{
	struct fm_buf b = FM_BUF_INIT;
	int r = fm_histogram_format(h, &b, err);

	if (r == 0)
		r = fm_file_write_atomic(path, fm_buf_str(&b), b.len, err);
	fm_buf_release(&b);
	return r;
}

int fm_histogram_write_fd(const struct fm_histogram *h, int fd,
			  const char *name, struct fm_error *err)
{
	struct fm_buf b = FM_BUF_INIT;
	int r = fm_histogram_format(h, &b, err);

	if (r == 0 && fm_write_all(fd, fm_buf_str(&b), b.len) < 0)
		r = fm_error_set(err, FM_EIO, "%s: write: %s", name,
				 strerror(errno));
	fm_buf_release(&b);
	return r;
}

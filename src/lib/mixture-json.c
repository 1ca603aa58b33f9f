/*
 * mixture-json.c - the mixture JSON format (SPEC 7): parsing with jansson,
 * writing in the reference's layout with Python-repr numbers.
 *
 * Writing is done by hand rather than with json_dumps so that numbers
 * come out as Python writes them (shortest round-trip digits, repr
 * layout) and integer-flagged parameters stay integers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "flowmodels/fileout.h"
#include "flowmodels/mixture.h"

int fm_json_add_double(struct fm_buf *b, double v)
{
	char buf[40], digits[24];
	int prec, exp10, nd = 0;
	const char *p;
	int neg;

	if (isnan(v))
		return fm_buf_addstr(b, "NaN");
	if (isinf(v))
		return fm_buf_addstr(b, v > 0 ? "Infinity" : "-Infinity");
	if (v == 0)
		return fm_buf_addstr(b, signbit(v) ? "-0.0" : "0.0");
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* buf = [-]d[.ddd]e(+|-)XX */
	p = buf;
	neg = *p == '-';
	if (neg)
		p++;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[nd++] = *p;
	exp10 = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';

	struct fm_buf t = FM_BUF_INIT;
	int r = 0;
	if (neg)
		r |= fm_buf_addch(&t, '-');
	if (exp10 >= -4 && exp10 < 16) {
		if (exp10 >= 0) {
			for (int i = 0; i <= exp10; i++)
				r |= fm_buf_addch(&t, i < nd ? digits[i] : '0');
			r |= fm_buf_addch(&t, '.');
			if (nd > exp10 + 1)
				r |= fm_buf_addstr(&t, digits + exp10 + 1);
			else
				r |= fm_buf_addch(&t, '0');
		} else {
			r |= fm_buf_addstr(&t, "0.");
			for (int i = 0; i < -exp10 - 1; i++)
				r |= fm_buf_addch(&t, '0');
			r |= fm_buf_addstr(&t, digits);
		}
	} else {
		r |= fm_buf_addch(&t, digits[0]);
		if (nd > 1) {
			r |= fm_buf_addch(&t, '.');
			r |= fm_buf_addstr(&t, digits + 1);
		}
		r |= fm_buf_printf(&t, "e%c%02d", exp10 < 0 ? '-' : '+',
				   exp10 < 0 ? -exp10 : exp10);
	}
	if (r == 0)
		r = fm_buf_add(b, fm_buf_str(&t), t.len);
	fm_buf_release(&t);
	return r ? FM_ENOMEM : 0;
}

int fm_json_add_string(struct fm_buf *b, const char *s)
{
	int r = fm_buf_addch(b, '"');

	for (; *s && r == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			r = fm_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			r = fm_buf_addstr(b, "\\n");
		else if (c == '\t')
			r = fm_buf_addstr(b, "\\t");
		else if (c == '\r')
			r = fm_buf_addstr(b, "\\r");
		else if (c < 0x20)
			r = fm_buf_printf(b, "\\u%04x", c);
		else
			r = fm_buf_addch(b, (char)c);
	}
	if (r == 0)
		r = fm_buf_addch(b, '"');
	return r;
}

/* An integer-valued double within int64 range, written as an integer. */
static int add_int_or_double(struct fm_buf *b, double v, int as_int)
{
	if (as_int && v == floor(v) && fabs(v) < 9.2e18)
		return fm_buf_printf(b, "%lld", (long long)v);
	return fm_json_add_double(b, v);
}

int fm_mixture_format(const struct fm_mixture *m, struct fm_buf *out,
		      struct fm_error *err)
{
	int r = fm_buf_addstr(out, "{\n");

	if (r == 0 && m->has_sum) {
		r = fm_buf_addstr(out, "  \"sum\": ");
		if (r == 0)
			r = add_int_or_double(out, m->sum, 1);
		if (r == 0)
			r = fm_buf_addstr(out, ",\n");
	}
	if (r == 0)
		r = fm_buf_addstr(out, "  \"mix\": [\n");
	for (size_t k = 0; r == 0 && k < m->n; k++) {
		const struct fm_component *c = &m->comp[k];
		r = fm_buf_addstr(out, "    [");
		if (r == 0)
			r = fm_json_add_double(out, c->weight);
		if (r == 0)
			r = fm_buf_printf(out, ", \"%s\", [",
					  fm_dist_name(c->dist));
		for (int j = 0; r == 0 && j < fm_dist_nparams(c->dist); j++) {
			if (j)
				r = fm_buf_addstr(out, ", ");
			if (r == 0)
				r = add_int_or_double(out, c->p[j],
						      c->p_int[j]);
		}
		if (r == 0)
			r = fm_buf_addstr(out, k + 1 < m->n ? "]],\n" : "]]\n");
	}
	if (r == 0)
		r = fm_buf_addstr(out, "  ]");
	if (r == 0 && m->stats.valid) {
		const struct fm_mix_stats *s = &m->stats;
		r = fm_buf_addstr(out, ",\n  \"stats\": {\"log_likelihood\": ");
		if (r == 0)
			r = isfinite(s->loglik)
				? fm_json_add_double(out, s->loglik)
				: fm_buf_addstr(out, "null");
		if (r == 0)
			r = fm_buf_addstr(out, ", \"aic\": ");
		if (r == 0)
			r = isfinite(s->aic) ? fm_json_add_double(out, s->aic)
					     : fm_buf_addstr(out, "null");
		if (r == 0)
			r = fm_buf_addstr(out, ", \"bic\": ");
		if (r == 0)
			r = isfinite(s->bic) ? fm_json_add_double(out, s->bic)
					     : fm_buf_addstr(out, "null");
		if (r == 0)
			r = fm_buf_printf(out, ", \"k\": %d, \"n\": ", s->k);
		if (r == 0)
			r = add_int_or_double(out, s->n, 1);
		if (r == 0)
			r = fm_buf_printf(out, ", \"iterations\": %u}",
					  s->iterations);
	}
	if (r == 0)
		r = fm_buf_addstr(out, "\n}\n");
	if (r < 0)
		return fm_error_set(err, FM_ENOMEM, "mixture: out of memory");
	return 0;
}

int fm_mixture_write(const struct fm_mixture *m, const char *path,
		     struct fm_error *err)
{
	struct fm_buf b = FM_BUF_INIT;
	int r = fm_mixture_format(m, &b, err);

	if (r == 0)
		r = fm_file_write_atomic(path, fm_buf_str(&b), b.len, err);
	fm_buf_release(&b);
	return r;
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static int parse_component(struct fm_mixture *m, size_t k, const json_t *c,
			   const char *name, struct fm_error *err)
{
	const json_t *jw, *jd, *jp;
	double p[3] = {0, 0, 0};
	unsigned char pint[3] = {0, 0, 0};
	int d, np;

	if (!json_is_array(c) || json_array_size(c) != 3)
		return fm_error_set(err, FM_EFORMAT,
				    "%s: component %zu: expected [weight, "
				    "\"distribution\", [parameters]]",
				    name, k + 1);
	jw = json_array_get(c, 0);
	jd = json_array_get(c, 1);
	jp = json_array_get(c, 2);
	if (!json_is_number(jw))
		return fm_error_set(
		    err, FM_EFORMAT,
		    "%s: component %zu: weight is %s, not a number", name,
		    k + 1, json_kind(jw));
	if (!json_is_string(jd))
		return fm_error_set(
		    err, FM_EFORMAT,
		    "%s: component %zu: distribution is %s, not a string", name,
		    k + 1, json_kind(jd));
	d = fm_dist_from_name(json_string_value(jd));
	if (d < 0)
		return fm_error_set(
		    err, FM_EFORMAT,
		    "%s: component %zu: unknown distribution '%s' "
		    "(known: uniform, norm, lognorm, genpareto, gamma, "
		    "weibull_min)",
		    name, k + 1, json_string_value(jd));
	np = fm_dist_nparams((enum fm_dist)d);
	if (!json_is_array(jp))
		return fm_error_set(
		    err, FM_EFORMAT,
		    "%s: component %zu: parameters are %s, not a list", name,
		    k + 1, json_kind(jp));
	if (json_array_size(jp) != (size_t)np)
		return fm_error_set(
		    err, FM_EFORMAT,
		    "%s: component %zu: %s takes %d parameters (%s), got %zu",
		    name, k + 1, json_string_value(jd), np,
		    np == 2 ? "loc, scale" : "shape, loc, scale",
		    json_array_size(jp));
	for (int j = 0; j < np; j++) {
		const json_t *v = json_array_get(jp, (size_t)j);
		if (!json_is_number(v))
			return fm_error_set(err, FM_EFORMAT,
					    "%s: component %zu: parameter %d "
					    "is %s, not a number",
					    name, k + 1, j + 1, json_kind(v));
		p[j] = json_number_value(v);
		pint[j] = json_is_integer(v);
	}
	return fm_mixture_add(m, json_number_value(jw), (enum fm_dist)d, p,
			      pint, err);
}

static void parse_stats(struct fm_mixture *m, const json_t *s)
{
	const json_t *v;

	if (!json_is_object(s))
		return;
	memset(&m->stats, 0, sizeof(m->stats));
	m->stats.loglik = m->stats.aic = m->stats.bic = NAN;
	if ((v = json_object_get(s, "log_likelihood")) && json_is_number(v))
		m->stats.loglik = json_number_value(v);
	if ((v = json_object_get(s, "aic")) && json_is_number(v))
		m->stats.aic = json_number_value(v);
	if ((v = json_object_get(s, "bic")) && json_is_number(v))
		m->stats.bic = json_number_value(v);
	if ((v = json_object_get(s, "k")) && json_is_integer(v))
		m->stats.k = (int)json_integer_value(v);
	if ((v = json_object_get(s, "n")) && json_is_number(v))
		m->stats.n = json_number_value(v);
	if ((v = json_object_get(s, "iterations")) && json_is_integer(v))
		m->stats.iterations = (unsigned)json_integer_value(v);
	m->stats.valid = 1;
}

int fm_mixture_parse(struct fm_mixture *m, const char *name, const char *text,
		     size_t len, struct fm_error *err)
{
	json_error_t je;
	json_t *root, *mix;
	int r = 0;

	fm_mixture_release(m);
	root = json_loadb(text, len, JSON_DECODE_ANY, &je);
	if (!root)
		return fm_error_set(err, FM_EFORMAT, "%s:%d: invalid JSON: %s",
				    name, je.line, je.text);
	if (json_is_array(root)) {
		mix = root;
	} else if (json_is_object(root)) {
		const json_t *s = json_object_get(root, "sum");
		mix = json_object_get(root, "mix");
		if (!mix) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: no \"mix\" member", name);
			goto out;
		}
		if (!json_is_array(mix)) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: \"mix\" is %s, not a list", name,
					 json_kind(mix));
			goto out;
		}
		if (s && !json_is_null(s)) {
			if (!json_is_number(s) ||
			    !isfinite(json_number_value(s)) ||
			    json_number_value(s) < 0) {
				r = fm_error_set(
				    err, FM_EFORMAT,
				    "%s: \"sum\" must be a non-negative number",
				    name);
				goto out;
			}
			m->has_sum = 1;
			m->sum = json_number_value(s);
		}
		parse_stats(m, json_object_get(root, "stats"));
	} else {
		r = fm_error_set(
		    err, FM_EFORMAT,
		    "%s: expected a mixture object or list, got %s", name,
		    json_kind(root));
		goto out;
	}
	for (size_t k = 0; k < json_array_size(mix) && r == 0; k++)
		r = parse_component(m, k, json_array_get(mix, k), name, err);
	if (r == 0) {
		r = fm_mixture_check(m, err);
		if (r < 0)
			fm_error_prefix(err, "%s", name);
	}
out:
	json_decref(root);
	if (r < 0)
		fm_mixture_release(m);
	return r;
}

int fm_mixture_read(struct fm_mixture *m, const char *path,
		    struct fm_error *err)
{
	char *data;
	size_t len;
	int r;

	fm_mixture_release(m);
	r = fm_file_read_all(path, FM_READ_MAX_JSON, &data, &len, err);
	if (r < 0)
		return r;
	r = fm_mixture_parse(m, path, data, len, err);
	free(data);
	return r;
}

void fm_mixture_dir_init(struct fm_mixture_dir *d)
{
	memset(d, 0, sizeof(*d));
}

void fm_mixture_dir_release(struct fm_mixture_dir *d)
{
	fm_mixture_release(&d->flows);
	fm_mixture_release(&d->packets);
	fm_mixture_release(&d->octets);
	fm_mixture_release(&d->duration);
	fm_mixture_dir_init(d);
}

int fm_mixture_dir_read(struct fm_mixture_dir *d, const char *dir,
			struct fm_error *err)
{
	static const char *const names[4] = {"flows", "packets", "octets",
					     "duration"};
	struct fm_mixture *dst[4] = {&d->flows, &d->packets, &d->octets,
				     &d->duration};
	size_t n = strlen(dir) + 32;
	char *path = malloc(n);
	int r = 0;

	fm_mixture_dir_release(d);
	if (!path)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (int i = 0; i < 4 && r == 0; i++) {
		snprintf(path, n, "%s/%s.json", dir, names[i]);
		r = fm_mixture_read(dst[i], path, err);
		if (i == 3) {
			if (r == FM_ENOTFOUND)
				r = 0;
			else if (r == 0)
				d->has_duration = 1;
		} else if (r == 0 && !dst[i]->has_sum) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: no \"sum\" member (needed in a "
					 "mixture directory)",
					 path);
		}
	}
	free(path);
	if (r < 0)
		fm_mixture_dir_release(d);
	return r;
}

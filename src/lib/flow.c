/*
 * flow.c - field names and type codes, and struct fm_batch storage.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"

static const struct {
	const char *name;
	char code;
} fields[FM_NFIELDS] = {
    {"af", 'B'},   {"prot", 'B'},    {"inif", 'H'},    {"outif", 'H'},
    {"sa0", 'I'},  {"sa1", 'I'},     {"sa2", 'I'},     {"sa3", 'I'},
    {"da0", 'I'},  {"da1", 'I'},     {"da2", 'I'},     {"da3", 'I'},
    {"sp", 'H'},   {"dp", 'H'},	     {"first", 'I'},   {"first_ms", 'H'},
    {"last", 'I'}, {"last_ms", 'H'}, {"packets", 'Q'}, {"octets", 'Q'},
    {"aggs", 'I'},
};

const char *fm_field_name(int f)
{
	return (f >= 0 && f < FM_NFIELDS) ? fields[f].name : NULL;
}

int fm_field_lookup(const char *name, size_t len)
{
	for (int f = 0; f < FM_NFIELDS; f++)
		if (strlen(fields[f].name) == len &&
		    memcmp(fields[f].name, name, len) == 0)
			return f;
	return -1;
}

char fm_field_code(int f)
{
	return (f >= 0 && f < FM_NFIELDS) ? fields[f].code : 0;
}

const char *fm_field_list(void)
{
	return "af, prot, inif, outif, sa0, sa1, sa2, sa3, da0, da1, da2, da3, "
	       "sp, dp, first, first_ms, last, last_ms, packets, octets, aggs";
}

size_t fm_code_size(char c)
{
	switch (c) {
	case 'b':
	case 'B':
		return 1;
	case 'h':
	case 'H':
		return 2;
	case 'i':
	case 'I':
	case 'f':
		return 4;
	case 'l':
	case 'L':
	case 'q':
	case 'Q':
	case 'd':
		return 8;
	}
	return 0;
}

int fm_code_is_signed(char c)
{
	return c == 'b' || c == 'h' || c == 'i' || c == 'l' || c == 'q';
}

int fm_code_is_real(char c)
{
	return c == 'f' || c == 'd';
}

int fm_code_holds(char c, int64_t v)
{
	switch (c) {
	case 'b':
		return v >= INT8_MIN && v <= INT8_MAX;
	case 'B':
		return v >= 0 && v <= UINT8_MAX;
	case 'h':
		return v >= INT16_MIN && v <= INT16_MAX;
	case 'H':
		return v >= 0 && v <= UINT16_MAX;
	case 'i':
		return v >= INT32_MIN && v <= INT32_MAX;
	case 'I':
		return v >= 0 && v <= (int64_t)UINT32_MAX;
	/* 64-bit codes keep the raw bits of any value */
	case 'l':
	case 'L':
	case 'q':
	case 'Q':
		return 1;
	}
	return 0;
}

int fm_batch_alloc(struct fm_batch *b, uint32_t flds, size_t cap)
{
	int n = 0;

	memset(b, 0, sizeof(*b));
	for (int f = 0; f < FM_NFIELDS; f++)
		if (flds & FM_FIELD_BIT(f))
			n++;
	b->store = calloc((size_t)(n ? n : 1) * cap, sizeof(int64_t));
	if (!b->store)
		return FM_ENOMEM;
	b->cap = cap;
	b->fields = flds;
	n = 0;
	for (int f = 0; f < FM_NFIELDS; f++)
		if (flds & FM_FIELD_BIT(f))
			b->col[f] = b->store + (size_t)n++ * cap;
	return 0;
}

void fm_batch_release(struct fm_batch *b)
{
	free(b->store);
	memset(b, 0, sizeof(*b));
}

void fm_batch_append(struct fm_batch *dst, const struct fm_batch *src, size_t i)
{
	for (int f = 0; f < FM_NFIELDS; f++)
		if (dst->fields & FM_FIELD_BIT(f))
			fm_batch_mut(dst, f)[dst->n] = src->col[f][i];
	dst->n++;
}

void fm_batch_copy_range(struct fm_batch *dst, const struct fm_batch *src,
			 size_t from, size_t count)
{
	for (int f = 0; f < FM_NFIELDS; f++)
		if (dst->fields & FM_FIELD_BIT(f))
			memcpy(fm_batch_mut(dst, f), src->col[f] + from,
			       count * sizeof(int64_t));
	dst->n = count;
}

void fm_batch_gather(struct fm_batch *dst, const struct fm_batch *src,
		     const uint32_t *idx, size_t k)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(dst->fields & FM_FIELD_BIT(f)))
			continue;
		int64_t *d = fm_batch_mut(dst, f);
		const int64_t *s = src->col[f];
		for (size_t j = 0; j < k; j++)
			d[j] = s[idx[j]];
	}
	dst->n = k;
}

/*
 * flow.h - the flow record: 21 fields, their type codes, and the columnar
 * batch that every reader fills and every writer drains.
 *
 * Records move through the library column by column: a struct fm_batch
 * holds up to FM_BATCH_CAP records as one int64_t array per field.  Values
 * are signed 64-bit; an unsigned 64-bit field (packets, octets) keeps its
 * raw bits, so a value above 2^63-1 reads as negative here and each
 * consumer decides how to treat it (the filter clamps it to 2^63-1, hist
 * sums it as unsigned).
 *
 * Only the columns named in batch.fields are valid; the others are NULL.
 * Column pointers given out by a reader may point into the reader's own
 * memory (or a memory-mapped file) and stay valid until the next call on
 * that reader; a consumer that wants to change values copies them into a
 * batch of its own (fm_batch_alloc).
 */
#ifndef FLOWMODELS_FLOW_H
#define FLOWMODELS_FLOW_H

#include <stddef.h>
#include <stdint.h>

enum fm_field {
	FM_AF,
	FM_PROT,
	FM_INIF,
	FM_OUTIF,
	FM_SA0,
	FM_SA1,
	FM_SA2,
	FM_SA3,
	FM_DA0,
	FM_DA1,
	FM_DA2,
	FM_DA3,
	FM_SP,
	FM_DP,
	FM_FIRST,
	FM_FIRST_MS,
	FM_LAST,
	FM_LAST_MS,
	FM_PACKETS,
	FM_OCTETS,
	FM_AGGS,
	FM_NFIELDS
};

#define FM_FIELD_BIT(f) (UINT32_C(1) << (f))
#define FM_ALL_FIELDS ((UINT32_C(1) << FM_NFIELDS) - 1)
/* The merge key: the first 14 fields, af .. dp. */
#define FM_KEY_FIELDS (FM_FIELD_BIT(FM_DP + 1) - 1)

/* Records per batch. */
#define FM_BATCH_CAP 16384

/* Field name ("af", "packets", ...) of f, or NULL when out of range. */
const char *fm_field_name(int f);
/* The field index of a name of given length, or -1. */
int fm_field_lookup(const char *name, size_t len);
/* The canonical binary type code of a field ('B', 'H', 'I' or 'Q'). */
char fm_field_code(int f);
/* "af, prot, ..." - every field name, for error messages. */
const char *fm_field_list(void);

/*
 * Array type codes of the binary format (Python array codes):
 * b B h H i I l L q Q f d.
 */
/* Element size in bytes of code c, or 0 when c is not a type code. */
size_t fm_code_size(char c);
/* Whether code c is a signed integer, unsigned integer or real type. */
int fm_code_is_signed(char c);
int fm_code_is_real(char c);
/* Whether value v fits in type code c without loss. */
int fm_code_holds(char c, int64_t v);

struct fm_batch {
	size_t n;			/* valid records */
	uint32_t fields;		/* FM_FIELD_BIT mask of columns */
	const int64_t *col[FM_NFIELDS]; /* column data, NULL if absent */
	int64_t *store;			/* owned storage, or NULL */
	size_t cap;			/* capacity of owned storage */
};

/*
 * Give b owned storage for cap records of the given fields (all columns
 * point into it, n = 0).  Returns 0 or FM_ENOMEM.
 */
int fm_batch_alloc(struct fm_batch *b, uint32_t fields, size_t cap);
/* Writable pointer to an owned column. */
static inline int64_t *fm_batch_mut(struct fm_batch *b, int f)
{
	return (int64_t *)b->col[f];
}
/* Free owned storage and reset b. */
void fm_batch_release(struct fm_batch *b);
/* Append record i of src (its fields in dst->fields) to owned batch dst. */
void fm_batch_append(struct fm_batch *dst, const struct fm_batch *src,
		     size_t i);
/* Copy records from..from+count of src into owned dst (n = count). */
void fm_batch_copy_range(struct fm_batch *dst, const struct fm_batch *src,
			 size_t from, size_t count);
/* Copy selected records (indices idx[0..k)) of src into owned dst. */
void fm_batch_gather(struct fm_batch *dst, const struct fm_batch *src,
		     const uint32_t *idx, size_t k);

/* Derived values (SPEC 1).  duration in ms; rate in bit/s. */
static inline int64_t fm_duration_ms(int64_t packets, int64_t first,
				     int64_t first_ms, int64_t last,
				     int64_t last_ms)
{
	if (packets == 1)
		return 0;
	return (last - first) * 1000 + last_ms - first_ms;
}

static inline double fm_rate_bps(int64_t octets, int64_t duration_ms)
{
	return duration_ms == 0 ? 0.0
				: 8000.0 * (double)octets / (double)duration_ms;
}

#endif

/*
 * filter.h - filter expressions (SPEC 4): Python expression syntax over the
 * 21 record fields plus the derived `duration` (ms) and `rate` (bit/s).
 *
 * A filter is parsed and compiled once into a small typed program
 * (struct fm_filter, immutable afterwards and shareable between threads)
 * and evaluated over column blocks of a struct fm_batch by a struct
 * fm_filter_run, which holds the scratch vectors and the count of records
 * dropped because of a run-time error (`//`, `%`, `/` by zero, a negative
 * shift count, zero to a negative power).  One run per thread.
 *
 * Values are 64-bit signed integers (wrapping in two's complement), reals
 * (double) and booleans, typed statically at compile time; see
 * docs/filters.md for the complete semantics.  Nothing is ever executed
 * but the compiled program: a filter can only read fields.
 */
#ifndef FLOWMODELS_FILTER_H
#define FLOWMODELS_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"
#include "flowmodels/io.h"

/* Field numbers of the derived names, after the 21 record fields. */
#define FM_FILTER_DURATION FM_NFIELDS
#define FM_FILTER_RATE (FM_NFIELDS + 1)

/* Longest accepted expression text and deepest nesting. */
#define FM_FILTER_MAX_LEN 65536
#define FM_FILTER_MAX_DEPTH 200

struct fm_filter;
struct fm_filter_run;

/*
 * Parse and compile expr.  On error returns a negative code (FM_EINVAL)
 * with a message "filter: <problem> at column N ..." in err and, when
 * errcol is not NULL, the 1-based column of the problem in *errcol
 * (0 when it has none, e.g. an empty expression).
 */
int fm_filter_compile(struct fm_filter **out, const char *expr, int *errcol,
		      struct fm_error *err);
void fm_filter_free(struct fm_filter *f);

/* The record columns the filter reads (FM_FIELD_BIT mask). */
uint32_t fm_filter_fields(const struct fm_filter *f);
/* The expression as given. */
const char *fm_filter_text(const struct fm_filter *f);
/*
 * The parsed expression printed fully parenthesised, before constant
 * folding, e.g. "((prot == 6) & ((sp == 443) | (dp == 443)))".  Chained
 * comparisons print as one group: "(1 < sp <= 1023)".
 */
const char *fm_filter_canonical(const struct fm_filter *f);
/*
 * A warning about a legal but suspicious expression, or NULL: a bare `&`,
 * `|` or `^` inside a comparison chain (`prot==6 & dp==443`, which Python
 * reads as `prot == (6 & dp) == 443`).  Callers show it to the user.
 */
const char *fm_filter_warning(const struct fm_filter *f);
/* Number of instructions of the compiled program (for tests/benchmarks). */
size_t fm_filter_program_size(const struct fm_filter *f);

int fm_filter_run_new(struct fm_filter_run **out, const struct fm_filter *f,
		      struct fm_error *err);
void fm_filter_run_free(struct fm_filter_run *r);
/*
 * Evaluate the filter on the b->n records of b (which must hold the
 * columns of fm_filter_fields) and write the indices of the kept records,
 * ascending, into idx (room for b->n).  Returns how many were kept.
 */
long fm_filter_select(struct fm_filter_run *r, const struct fm_batch *b,
		      uint32_t *idx);
/*
 * Kernels: by default the fastest set this CPU supports (AVX2 on x86-64
 * when available).  For tests and benchmarks: force the baseline set, and
 * name the set in use ("baseline" or "avx2").
 */
void fm_filter_run_use_baseline(struct fm_filter_run *r);
const char *fm_filter_run_isa(const struct fm_filter_run *r);
/* Records not kept so far because their evaluation hit a run-time error. */
uint64_t fm_filter_run_errors(const struct fm_filter_run *r);
/*
 * Warn once on log, if any record was dropped by a run-time error:
 * "filter: N records not kept: division or modulo by zero, ..."
 */
void fm_filter_run_report(const struct fm_filter_run *r,
			  const struct fm_log *log);

/* Fill a struct fm_selector (io.h) that evaluates r in fm_scan. */
void fm_filter_selector(struct fm_selector *sel, struct fm_filter_run *r);

#endif

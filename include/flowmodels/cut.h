/*
 * cut.h - `cut`: copy a range of records of binary arrays by byte ranges,
 * with the counters of SPEC 3 (no filter), never decoding a record.
 */
#ifndef FLOWMODELS_CUT_H
#define FLOWMODELS_CUT_H

#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/io.h"
#include "flowmodels/progress.h"

/*
 * The global record range [*first, *end) that the counters select from a
 * total of `total` records, as SPEC 3 defines them without a filter.
 */
void fm_cut_range(const struct fm_cut *cut, uint64_t total, uint64_t *first,
		  uint64_t *end);

/*
 * Cut inputs (binary directories, or single array files named FIELD.CODE)
 * into output (a directory, or a file when the inputs are files).  Several
 * inputs are concatenated in order, the counters shared.  The output
 * appears complete or not at all.  *records receives the records written.
 */
int fm_cut_binary(const char *const *inputs, size_t ninputs, const char *output,
		  const struct fm_cut *cut, uint64_t *records,
		  const struct fm_progress *progress, struct fm_error *err);

#endif

/*
 * seriesmerge-int.h - the series merge with days of another length than
 * 86400 seconds, private to the library, its tests and the fuzz target.
 */
#ifndef FLOWMODELS_SERIESMERGE_INT_H
#define FLOWMODELS_SERIESMERGE_INT_H

#include "flowmodels/seriesmerge.h"

/*
 * fm_seriesmerge with files of `lines` lines (1 or more) instead of
 * FM_SERIES_DAY, and as many sums a column in the sink's days: the same
 * code and messages, cheap for small inputs (the fuzz target reads
 * thousands of directories a second; unit/test-seriesmerge shows the
 * results agree with full days).
 */
int fm_seriesmerge_lines(const char *const *dirs, size_t n, size_t lines,
			 const struct fm_seriesmerge_sink *sink, size_t *ndays,
			 struct fm_error *err);

#endif

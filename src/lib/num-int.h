/*
 * num-int.h - private numeric helpers shared by hist.c and series.c, and
 * the calendar of filter-literal.c that follow.c uses too.
 */
#ifndef FLOWMODELS_NUM_INT_H
#define FLOWMODELS_NUM_INT_H

#include <stdint.h>

/*
 * n / d correctly rounded to double (round half to even), as Python's
 * int / int; n > 0, 0 < d, n < 2^120.
 */
double fm_div_round_u128(unsigned __int128 n, uint64_t d);

/*
 * The seconds since 1970-01-01T00:00:00 of a UTC date and time
 * (proleptic Gregorian); -1 when a field is out of range (month 1..12,
 * day within the month, leap years included, hh:mm:ss up to 23:59:59).
 */
int fm_utc_seconds(long y, long mo, long d, long h, long mi, long se,
		   int64_t *secs);

#endif

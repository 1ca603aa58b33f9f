/*
 * num-int.h - private numeric helpers shared by hist.c and series.c.
 */
#ifndef FLOWMODELS_NUM_INT_H
#define FLOWMODELS_NUM_INT_H

#include <stdint.h>

/*
 * n / d correctly rounded to double (round half to even), as Python's
 * int / int; n > 0, 0 < d, n < 2^120.
 */
double fm_div_round_u128(unsigned __int128 n, uint64_t d);

#endif

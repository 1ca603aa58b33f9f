/*
 * generate.h - synthetic flow records from a histogram or a mixture
 * directory (SPEC 7 "generate", issue 9).
 *
 * A generator yields batches of 21-field records.  The flow length or size
 * x comes from the source: from a histogram, bins drawn with probability
 * proportional to flows_sum (x = bin_lo, packet size = octets_sum /
 * packets_sum of the bin), or, with count 0, every bin in descending x
 * order repeated flows_sum times; from a mixture directory, x drawn from
 * the flows mixture (trunc(draw) + 1) and the packet size from the packets
 * and octets mixtures at x.  Then
 *   length: packet size clamped to [64, 1522]; packets = x;
 *           octets = packets * size, rounded stochastically;
 *   size:   octets = x; packets = octets / size, truncated where
 *           octets / ceil(packets) < 64, at least 1, rounded stochastically.
 * Stochastic rounding adds 1 to the floor with probability equal to the
 * fraction.  With count 0 on a unit-wide bin whose values are consistent
 * (every flow of the bin has the same x), the bin's integer total of the
 * rounded column is split exactly over its flows (floor or floor + 1,
 * which flows get + 1 chosen at random), so the histogram is reproduced
 * exactly.
 *
 * Randomness comes from GSL's MT19937 generators seeded from the seed
 * (separate streams for x, rounding and record fields), so the same seed
 * gives the same records on every run and machine of a kind.
 *
 * Other fields are 0 (the reference's behaviour), unless full_records is
 * set; see docs/commands/generate.md for the model of addresses, ports,
 * protocols, arrival times and durations.
 */
#ifndef FLOWMODELS_GENERATE_H
#define FLOWMODELS_GENERATE_H

#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"

struct fm_gen_opts {
	enum fm_mix_x x; /* FM_MIX_X_LENGTH or FM_MIX_X_SIZE */
	uint64_t count;	 /* flows to generate; 0 = every flow of the
			  * histogram (histogram sources only) */
	uint64_t seed;
	int full_records; /* realistic 5-tuples, times, durations */
	double rate;	  /* full records: mean arrivals per second */
	int64_t start;	  /* full records: first arrival, epoch seconds */
};

struct fm_generator;

/* The sources are copied: h / d may be released after opening. */
int fm_gen_open_histogram(struct fm_generator **out,
			  const struct fm_histogram *h,
			  const struct fm_gen_opts *opts, struct fm_error *err);
int fm_gen_open_mixture(struct fm_generator **out,
			const struct fm_mixture_dir *d,
			const struct fm_gen_opts *opts, struct fm_error *err);
/*
 * Fill the owned batch b (capacity >= FM_BATCH_CAP) with the next records;
 * returns their number, 0 at the end, or a negative error.  b needs all
 * fields with full_records, else packets and octets at least (the other
 * columns it has are set to 0; absent ones are 0 to the binary writer).
 */
long fm_gen_next(struct fm_generator *g, struct fm_batch *b,
		 struct fm_error *err);
/* Records generated so far and the total (0 when unknown). */
void fm_gen_position(const struct fm_generator *g, uint64_t *done,
		     uint64_t *total);
void fm_gen_free(struct fm_generator *g);

#endif

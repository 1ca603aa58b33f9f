/*
 * hist.h - `hist`: exact histograms of flow length, size, duration or rate
 * (SPEC 6), binned over records in record order, single- or multi-threaded.
 *
 * A struct fm_hist accumulates records into bins and writes them as
 * csv_hist.  Records come in three ways, all of which may be mixed and
 * always continue in record order:
 *   - fm_hist_add: one batch at a time (the caller's thread);
 *   - fm_hist_add_scan: every batch of a struct fm_scan (filters, any
 *     input format; the caller's thread);
 *   - fm_hist_add_binary: binary directories with the cutting counters
 *     (and opts.filter, then without skip_out/count_out), split over
 *     opts.threads worker threads (pthreads), each reading its own record
 *     range through its own fm_reader.
 * The output is the same bytes whichever way and with any thread count:
 * integer sums are exact (128-bit accumulators, so nothing can wrap; a sum
 * that does not fit the 64-bit csv_hist columns is a clear FM_ERANGE), and
 * the only real-valued sum, rate_sum, is accumulated in double precision
 * strictly in record order (with several threads: chunks go to whichever
 * thread is free, and the main thread adds the rates the threads computed,
 * chunk after chunk in record order).
 *
 * Binning (SPEC 6), x >= 0: with bin_exp b = 0 every integer is its own bin
 * [x, x+1); with b > 0, w = 2^max(0, bitlen(x) - b), bin_lo = x - x mod w,
 * bin_hi = bin_lo + w.  packets and octets are unsigned 64-bit (raw bits of
 * the batch columns), duration (ms) is signed, rate (bit/s) is binned by
 * floor(rate).  A negative x (duration or rate of a record with last <
 * first) uses bitlen(|x|) and floor division as the reference does; such a
 * bin's bin_hi is the one computed for the first record (in record order)
 * that fell into it, again as the reference does.
 */
#ifndef FLOWMODELS_HIST_H
#define FLOWMODELS_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/buf.h"
#include "flowmodels/error.h"
#include "flowmodels/flow.h"
#include "flowmodels/io.h"
#include "flowmodels/progress.h"

enum fm_hist_x {
	FM_HIST_X_LENGTH,   /* packets */
	FM_HIST_X_SIZE,	    /* octets */
	FM_HIST_X_DURATION, /* duration, ms */
	FM_HIST_X_RATE	    /* floor(rate), bit/s */
};

/* Additional summed columns (-c), written in the order requested. */
enum fm_hist_col { FM_HIST_COL_DURATION, FM_HIST_COL_RATE, FM_HIST_COL_AGGS };

/*
 * The instruction-set variants of the loops that bin records: the same
 * histogram from each (the tests compare every variant the machine runs
 * with a naive histogram).  AUTO picks the best this CPU runs.
 */
enum fm_hist_isa {
	FM_HIST_ISA_AUTO,
	FM_HIST_ISA_BASE,   /* the baseline of the build (x86-64: SSE2) */
	FM_HIST_ISA_BMI2,   /* x86-64 with BMI2 and SSE4.1 */
	FM_HIST_ISA_AVX512, /* x86-64 with AVX-512 F/DQ/CD/VL and BMI2:
			     * the vector passes (hist-avx512.c) */
	FM_HIST_ISA_COUNT
};
/* Whether this build and CPU run variant isa (AUTO and BASE: always). */
int fm_hist_isa_supported(enum fm_hist_isa isa);
/* "auto", "base", "bmi2", "avx512", or NULL. */
const char *fm_hist_isa_name(enum fm_hist_isa isa);

#define FM_HIST_MAX_COLS 16

struct fm_filter; /* filter.h */

struct fm_hist_opts {
	enum fm_hist_x x;
	int bin_exp;  /* >= 0; 0 = unit bins */
	size_t ncols; /* additional columns */
	enum fm_hist_col cols[FM_HIST_MAX_COLS];
	int threads;		 /* fm_hist_add_binary; <= 0 = all CPUs */
	uint64_t min_per_thread; /* records a thread needs at least
				  * (0 = 65536; tests use 1) */
	uint64_t rate_chunk;	 /* records per chunk of the threaded
				  * rate_sum mode (0 = 32 Ki) */
	const struct fm_filter *filter; /* fm_hist_add_binary: keep only the
					 * records it selects (each thread
					 * evaluates it with a run of its own);
					 * NULL = all */
	const struct fm_log *log;	/* may be NULL */
	const struct fm_progress
	    *progress;	      /* fm_hist_add_binary; may be NULL */
	enum fm_hist_isa isa; /* the loops' variant (0 = AUTO);
			       * fm_hist_new refuses one the CPU
			       * does not run */
};

/* Names: "length", "size", "duration", "rate"; "duration", "rate", "aggs". */
int fm_hist_x_parse(const char *name, enum fm_hist_x *out);
const char *fm_hist_x_name(enum fm_hist_x x);
int fm_hist_col_parse(const char *name, enum fm_hist_col *out);
const char *fm_hist_col_name(enum fm_hist_col c);

/* The record fields (FM_FIELD_BIT mask) a histogram with opts reads. */
uint32_t fm_hist_fields(const struct fm_hist_opts *opts);

/*
 * Bin arithmetic for x >= 0 (as unsigned 64-bit).  The bin index is
 * monotonic in x and dense from 0: idx = x for unit bins (b = 0 or
 * b >= 64), else idx = (k << (b-1)) + (x >> k) with k = max(0,
 * bitlen(x) - b).  fm_hist_bin_edges gives bin_lo and the width w of the
 * bin holding x (bin_hi = lo + w, which is 2^64 for the last bins).
 */
uint64_t fm_hist_bin_index(uint64_t x, int bin_exp);
void fm_hist_bin_of_index(uint64_t idx, int bin_exp, uint64_t *lo,
			  uint64_t *width);
void fm_hist_bin_edges(uint64_t x, int bin_exp, uint64_t *lo, uint64_t *width);
/* A signed x (any sign), the reference's formula: *lo and *hi. */
void fm_hist_bin_edges_signed(int64_t x, int bin_exp, int64_t *lo, int64_t *hi);

/*
 * rate = 8000 * octets / duration_ms as the reference computes it (an
 * exact integer quotient correctly rounded to double); 0 when duration is
 * 0.  octets is unsigned.
 */
double fm_hist_rate(uint64_t octets, int64_t duration_ms);
/*
 * duration in ms (SPEC 1) with a check: FM_ERANGE when it does not fit in
 * 64 bits.
 */
int fm_hist_duration(int64_t packets, int64_t first, int64_t first_ms,
		     int64_t last, int64_t last_ms, int64_t *out);

struct fm_hist;

int fm_hist_new(struct fm_hist **out, const struct fm_hist_opts *opts,
		struct fm_error *err);
void fm_hist_free(struct fm_hist *h);

/* Bin the records of b (holding the fm_hist_fields columns), in order. */
int fm_hist_add(struct fm_hist *h, const struct fm_batch *b,
		struct fm_error *err);
/* Bin every record the scan yields (scan opened with fm_hist_fields). */
int fm_hist_add_scan(struct fm_hist *h, struct fm_scan *s,
		     struct fm_error *err);
/*
 * Bin the records of binary directories selected by cut, with
 * opts.threads threads.  Without a filter the four counters select one
 * record range; with opts.filter, skip_in/count_in select the range and
 * the filter the records in it (skip_out/count_out must be unset:
 * FM_EINVAL otherwise).  *records receives the number of records binned
 * (may be NULL).
 */
int fm_hist_add_binary(struct fm_hist *h, const char *const *dirs, size_t ndirs,
		       const struct fm_cut *cut, uint64_t *records,
		       struct fm_error *err);

/* Records binned so far and non-empty bins. */
uint64_t fm_hist_records(const struct fm_hist *h);
/*
 * Records with 0 packets among them: not binned (a flow has at least one
 * packet; they come from exporter faults), counted here.
 */
uint64_t fm_hist_zero_packets(const struct fm_hist *h);
size_t fm_hist_nbins(struct fm_hist *h);

struct fm_histogram;
/*
 * The result as an in-memory histogram (histogram.h; o is initialised
 * here, release it with fm_histogram_release): non-empty bins ascending,
 * columns flows, packets, octets and the additional ones in order.  The
 * sums are exact here; csv_hist columns are 64-bit, so a sum (or a bin
 * edge) that does not fit is FM_ERANGE, naming the bin and column.
 */
int fm_hist_result(struct fm_hist *h, struct fm_histogram *o,
		   struct fm_error *err);
/*
 * Write the csv_hist text (through histogram.h's writer) to path ("-" =
 * standard output); a file appears complete or not at all.
 */
int fm_hist_write(struct fm_hist *h, const char *path, struct fm_error *err);

#endif

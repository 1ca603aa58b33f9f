/*
 * testutil.h - helpers shared by the cmocka unit tests: scratch
 * directories, files, random records, and the reference data location.
 */
#ifndef FM_TESTUTIL_H
#define FM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"

/* A fresh scratch directory for this test process (removed at exit). */
const char *tu_tmpdir(void);
/* tu_tmpdir() + "/" + name, in a static rotating buffer. */
const char *tu_path(const char *name);
/*
 * Point $TMPDIR at tu_path("scratch") (created): what the code under test
 * keeps there (session scratch directories) then goes with the test's
 * directory, also when a test fails before freeing it.  Returns the path.
 */
const char *tu_own_tmpdir(void);
/* Write text to a file; fails the test on error. */
void tu_write_file(const char *path, const char *text);
/* Read a whole file into a malloc'ed NUL-terminated string (size in *len). */
char *tu_read_file(const char *path, size_t *len);
/*
 * The reference data directory ($FM_SHARED_DATA or ../shared/data), or
 * NULL when absent (tests then skip).
 */
const char *tu_shared_data(void);
/* Deterministic 64-bit random numbers (splitmix64). */
uint64_t tu_rand(uint64_t *state);
/* Fill record i of an owned all-fields batch with random plausible values. */
void tu_random_record(struct fm_batch *b, size_t i, uint64_t *state);
/* Totals of the records tu_random_csv wrote. */
struct tu_totals {
	uint64_t packets, octets, tcp;
};
/*
 * Write n random records (tu_random_record from seed) as csv_flow to
 * path; add their totals to *tot when not NULL.
 */
void tu_random_csv(const char *path, int n, uint64_t seed,
		   struct tu_totals *tot);
/* Whether the file dir/file exists (anything stat() finds). */
int tu_exists(const char *dir, const char *file);
/*
 * Compile expr (failing the test on an error), evaluate it on b and fill
 * idx with the kept records; returns their count, the run-time error
 * count in *errors when not NULL.
 */
long tu_run_filter(const char *expr, const struct fm_batch *b, uint32_t *idx,
		   uint64_t *errors);
/*
 * A selector function (struct fm_selector's select, needing
 * FM_FIELD_BIT(FM_PACKETS)) keeping the records with an odd packet count.
 */
long tu_select_odd_packets(void *ctx, const struct fm_batch *b, uint32_t *idx,
			   struct fm_error *err);
/* Run a shell command; returns its exit status. */
int tu_system(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

/*
 * sort.h - `sort`: order the records of a binary directory by key fields
 * (SPEC 5), on disk, with an index kept in memory.
 *
 * The order is stable and lexicographic over the key fields (first key
 * primary), ascending; reverse flips the whole resulting order.  The
 * permutation ("index": output record j is input record index[j], counted
 * from the first record after skip_in) is computed by an LSD radix sort on
 * the key columns and may be saved as INDEX.{B,H,I,Q} and reused.  Then
 * every field array of the input is permuted, a column at a time per
 * thread, into a temporary file (copied as it is when the input is already
 * in order); all files are renamed into place only when every one is
 * complete.  In place, the sorted directory is built beside the input and
 * exchanged with it atomically (renameat2 RENAME_EXCHANGE).  Past the
 * memory budget, an external merge sort (sort-ext.c) gives the same output;
 * a reused index too large for the budget is not loaded but inverted on
 * disk and the records sorted externally by it (sort-reuse.c).
 */
#ifndef FLOWMODELS_SORT_H
#define FLOWMODELS_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/io.h"
#include "flowmodels/progress.h"

struct fm_sort_opts {
	const int *keys; /* field indices (enum fm_field), primary first */
	size_t nkeys;	 /* may be 0 only when an index is reused */
	int reverse;
	const char *index_file; /* INDEX base name (or NULL) */
	int64_t skip_in;	/* SPEC 3: <= 0 none */
	int64_t count_in;	/* FM_UNLIMITED when absent; <= 0 none */
	int threads;		/* threads sorting and permuting the
				   columns; 0 = one per CPU (one for small
				   inputs), at most 4 */
	int wide_index;		/* tests: 8-byte in-memory index entries
				   even when 4 would do (over 2^32 records) */
	uint64_t memory;	/* memory budget in bytes; 0 = the default
				   (fm_memlimit_default) */
	const struct fm_log *log;
	const struct fm_progress *progress;
	/* tests: called at every point where a crash matters ("commit",
	   "exchange", "exchanged", "move"); and the in-place replace done
	   as where the file system cannot exchange directories */
	void (*test_hook)(void *arg, const char *point);
	void *test_arg;
	int test_no_exchange;
};

static inline void fm_sort_opts_init(struct fm_sort_opts *o)
{
	o->keys = NULL;
	o->nkeys = 0;
	o->reverse = 0;
	o->index_file = NULL;
	o->skip_in = 0;
	o->count_in = FM_UNLIMITED;
	o->threads = 0;
	o->wide_index = 0;
	o->memory = 0;
	o->log = NULL;
	o->progress = NULL;
	o->test_hook = NULL;
	o->test_arg = NULL;
	o->test_no_exchange = 0;
}

struct fm_sort_result {
	uint64_t records;      /* records written per array */
	size_t arrays;	       /* field arrays written */
	int index_reused;      /* an existing index file was used */
	int external;	       /* the records did not fit the memory budget:
				  sorted in runs, merged from disk */
	char index_path[4096]; /* the index file written or read ("" = none) */
};

/*
 * Sort binary directory input into output (a directory; the same
 * directory sorts in place).  res may be NULL.
 */
int fm_sort_binary(const char *input, const char *output,
		   const struct fm_sort_opts *opts, struct fm_sort_result *res,
		   struct fm_error *err);

/*
 * The permutation alone: stable ascending order of n records whose key
 * columns are given as order-preserving unsigned values (keys[k][i] for
 * key k, primary first).  *perm receives a malloc'ed array of n indices.
 */
int fm_sort_perm_u64(const uint64_t *const *keys, size_t nkeys, uint64_t n,
		     uint64_t **perm, struct fm_error *err);

/* The index code for n records: B, H, I or Q (every index 0..n-1 fits). */
char fm_sort_index_code(uint64_t n);

#endif

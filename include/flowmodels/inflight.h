/*
 * inflight.h - what a signal handler needs to know about the work in
 * flight: the temporary outputs being written (so that SIGINT, SIGTERM
 * or a fatal SIGBUS removes them and the outputs stay as they were) and
 * the memory-mapped inputs (so that a SIGBUS, which a mapped file that
 * shrinks or is rewritten while being read raises, can name the file).
 *
 * The library registers and unregisters; the frontend's handlers call the
 * async-signal-safe fm_inflight_remove_temps and fm_inflight_map_find.
 * A fixed number of slots, lock-free; when all are in use a temporary or
 * mapping is simply not registered (its cleanup or name is then lost).
 */
#ifndef FLOWMODELS_INFLIGHT_H
#define FLOWMODELS_INFLIGHT_H

#include <stddef.h>

/* A temporary file (is_dir 0) or flat directory (1) being written. */
void fm_inflight_temp_add(const char *path, int is_dir);
/* It was renamed into place or removed. */
void fm_inflight_temp_del(const char *path);
/* Remove every registered temporary (async-signal-safe). */
void fm_inflight_remove_temps(void);

/* The input file path is mapped at [addr, addr + len). */
void fm_inflight_map_add(const void *addr, size_t len, const char *path);
void fm_inflight_map_del(const void *addr);
/* The path of the mapped input holding addr, or NULL (async-signal-safe). */
const char *fm_inflight_map_find(const void *addr);

#endif

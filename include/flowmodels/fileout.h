/*
 * fileout.h - write a whole small output file atomically.
 *
 * Small outputs (csv_hist, mixture JSON, TeX tables) are built in memory
 * and written in one go: to a temporary name beside the target, then
 * renamed into place, so a failure never leaves a partial file and readers
 * never see one.  The path "-" means standard output.
 */
#ifndef FLOWMODELS_FILEOUT_H
#define FLOWMODELS_FILEOUT_H

#include <stddef.h>

#include "flowmodels/error.h"
#include "flowmodels/fileops.h" /* fm_mkdir_parents */

/* Write len bytes of data to path ("-" = fd 1).  Returns 0 or FM_EIO. */
int fm_file_write_atomic(const char *path, const void *data, size_t len,
			 struct fm_error *err);

/*
 * Read a whole file ("-" = standard input) into a malloc'ed buffer with a
 * terminating NUL (not counted in *len).  Only a regular file is read (a
 * FIFO, device or directory is FM_EINVAL "PATH: a FIFO, not a regular
 * file", without waiting on it), and at most max bytes (FM_ERANGE past
 * it; from standard input too).  Returns 0, FM_ENOTFOUND, FM_EIO,
 * FM_EINVAL, FM_ERANGE or FM_ENOMEM with a message naming path.
 */
int fm_file_read_all(const char *path, size_t max, char **data, size_t *len,
		     struct fm_error *err);

/* Limits of fm_file_read_all for the files read whole. */
#define FM_READ_MAX_JSON ((size_t)16 << 20) /* mixture JSON, Y.mode */
#define FM_READ_MAX_TEXT ((size_t)1 << 30)  /* csv_hist, series files */

#endif

/*
 * objtypes.h - the session object types shared by several commands, so
 * that a histogram made by `hist` and one loaded from csv_hist are the
 * same kind of object (replace/merge compare types by address).
 */
#ifndef FLOWMODELS_OBJTYPES_H
#define FLOWMODELS_OBJTYPES_H

#include "cmd.h"

/*
 * Histogram objects: data is a malloc'ed struct fm_histogram (freed with
 * fm_histogram_release + free); format "csv_hist".
 */
extern const struct cmd_objtype cmd_histogram_type;

#endif

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

/*
 * Mixture sets: one mixture per y (flows, packets, octets) for one x,
 * as fit makes them; format "mixture_dir" (a directory with Y.json and
 * Y.mode for each y present, what fit -O DIR writes).  A fit result
 * given the name of a set adds or replaces that y's mixture.
 */
#include "flowmodels/mixture.h"

struct cmd_mixset {
	int have[3]; /* flows, packets, octets */
	struct fm_mixture mix[3];
	char *mode[3]; /* the Y.mode text (JSON), malloc'ed */
};

extern const struct cmd_objtype cmd_mixture_type;
/* A set holding one mixture for column y (0 flows, 1 packets, 2 octets);
 * m is moved in (left empty), mode copied. NULL when out of memory. */
struct cmd_mixset *cmd_mixset_new(int y, struct fm_mixture *m,
				  const char *mode);

/*
 * Time series (what `series` makes in a session): data is a struct
 * fm_series (flowmodels/series.h, freed with fm_series_free); format
 * "csv_series" (a directory, as `series -O DIR` writes).
 */
extern const struct cmd_objtype cmd_series_type;

#endif

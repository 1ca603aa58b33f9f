/*
 * obj-series.c - the time-series session object type (objtypes.h): what
 * `series` makes in a session.  The data is the library's struct
 * fm_series itself (per-day, per-second sums); export writes the
 * csv_series directory `series -O DIR` writes.
 */
#include <string.h>

#include "flowmodels/series.h"
#include "live.h"
#include "objtypes.h"

static void series_free(void *data)
{
	cmd_live_forget(data); /* it no longer follows a live object */
	fm_series_free(data);
}

static void series_facts(const void *data, struct fm_buf *out)
{
	const struct fm_series *s = data;
	size_t nd = fm_series_ndays(s);

	fm_buf_printf(out, "%zu day%s, %llu records", nd, nd == 1 ? "" : "s",
		      (unsigned long long)fm_series_records(s));
}

static void series_info(const void *data, struct fm_buf *out)
{
	const struct fm_series *s = data;
	size_t nd = fm_series_ndays(s);

	if (nd)
		fm_buf_printf(
		    out, "  days:     %lld .. %lld (day = first // 86400)\n",
		    (long long)fm_series_day(s, 0),
		    (long long)fm_series_day(s, nd - 1));
}

static int series_export(const void *data, const char *format, const char *path,
			 struct fm_error *err)
{
	if (strcmp(format, "csv_series"))
		return fm_error_set(
		    err, FM_EINVAL,
		    "time series are written as csv_series, not '%s'", format);
	return fm_series_write(data, path, err);
}

const struct cmd_objtype cmd_series_type = {
    .kind = "series",
    .prefix = 's',
    .formats = "csv_series",
    .free = series_free,
    .facts = series_facts,
    .info = series_info,
    .export = series_export,
    .merge = NULL,
};

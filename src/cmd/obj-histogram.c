/*
 * obj-histogram.c - the histogram session object type (objtypes.h): key
 * facts from the exact column totals, csv_hist export through the
 * histogram module.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/histogram.h"
#include "live.h"
#include "objtypes.h"

static void hist_free(void *data)
{
	struct fm_histogram *h = data;
	cmd_live_forget(h); /* it no longer follows a live object */
	fm_histogram_release(h);
	free(h);
}

static void add_total(const struct fm_histogram *h, enum fm_hcol c,
		      struct fm_buf *out)
{
	uint64_t hi, lo;

	if (!fm_histogram_has(h, c))
		return;
	if (c == FM_HCOL_DURATION || c == FM_HCOL_RATE)
		return;
	if (fm_histogram_total_u128(h, c, &hi, &lo, NULL) < 0)
		return;
	if (hi == 0)
		fm_buf_printf(out, ", %llu %s", (unsigned long long)lo,
			      fm_hcol_name(c));
	else
		fm_buf_printf(out, ", %.6e %s",
			      (double)hi * 18446744073709551616.0 + (double)lo,
			      fm_hcol_name(c));
}

static void hist_facts(const void *data, struct fm_buf *out)
{
	const struct fm_histogram *h = data;

	fm_buf_printf(out, "%zu bins", h->n);
	add_total(h, FM_HCOL_FLOWS, out);
	add_total(h, FM_HCOL_PACKETS, out);
	add_total(h, FM_HCOL_OCTETS, out);
}

static void hist_info(const void *data, struct fm_buf *out)
{
	const struct fm_histogram *h = data;

	fm_buf_addstr(out, "  columns:  bin_lo, bin_hi");
	for (size_t i = 0; i < h->ncols; i++)
		fm_buf_printf(out, ", %s_sum", fm_hcol_name(h->order[i]));
	fm_buf_addch(out, '\n');
	if (h->n)
		fm_buf_printf(out, "  range:    [%lld, %lld)\n",
			      (long long)h->bin_lo[0],
			      (long long)h->bin_hi[h->n - 1]);
}

static int hist_export(const void *data, const char *format, const char *path,
		       struct fm_error *err)
{
	if (strcmp(format, "csv_hist"))
		return fm_error_set(
		    err, FM_EINVAL,
		    "histograms are written as csv_hist, not '%s'", format);
	return fm_histogram_write(data, path, err);
}

const struct cmd_objtype cmd_histogram_type = {
    .kind = "histogram",
    .prefix = 'h',
    .formats = "csv_hist",
    .free = hist_free,
    .facts = hist_facts,
    .info = hist_info,
    .export = hist_export,
    .merge = NULL,
};

/*
 * fuzz-histogram.c - the csv_hist reader on arbitrary bytes: never
 * crashes; what it accepts it writes back in a form it reads again to the
 * same bins.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/histogram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_histogram h, g;
	struct fm_error err;
	struct fm_buf b = FM_BUF_INIT;

	fm_histogram_init(&h);
	fm_histogram_init(&g);
	if (fm_histogram_parse(&h, "fuzz", (const char *)data, size, 0, NULL,
			       &err) == 0) {
		if (fm_histogram_format(&h, &b, &err) != 0)
			abort();
		if (fm_histogram_parse(&g, "again", fm_buf_str(&b), b.len, 0,
				       NULL, &err) != 0)
			abort();
		if (g.n != h.n || g.cols != h.cols)
			abort();
		for (size_t i = 0; i < h.n; i++)
			if (g.bin_lo[i] != h.bin_lo[i] ||
			    g.bin_hi[i] != h.bin_hi[i] ||
			    (h.flows && g.flows[i] != h.flows[i]))
				abort();
		if (fm_histogram_check(&h, &err) != 0)
			abort();
	}
	fm_buf_release(&b);
	fm_histogram_release(&h);
	fm_histogram_release(&g);
	return 0;
}

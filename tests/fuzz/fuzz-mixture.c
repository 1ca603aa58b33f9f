/*
 * fuzz-mixture.c - the mixture JSON reader on arbitrary bytes: never
 * crashes; an accepted mixture writes back to one that reads to the same
 * components, and its functions can be evaluated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/mixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_mixture m, m2;
	struct fm_error err;
	struct fm_buf b = FM_BUF_INIT;

	fm_mixture_init(&m);
	fm_mixture_init(&m2);
	if (fm_mixture_parse(&m, "fuzz", (const char *)data, size, &err) == 0) {
		if (fm_mixture_format(&m, &b, &err) != 0)
			abort();
		if (fm_mixture_parse(&m2, "again", fm_buf_str(&b), b.len,
				     &err) != 0)
			abort();
		if (m2.n != m.n)
			abort();
		for (size_t k = 0; k < m.n; k++)
			if (m2.comp[k].weight != m.comp[k].weight ||
			    memcmp(m2.comp[k].p, m.comp[k].p,
				   sizeof(m.comp[k].p)) != 0)
				abort();
		for (double x = 0.5; x < 1e7; x *= 7.3) {
			(void)fm_mixture_cdf(&m, x);
			(void)fm_mixture_sf(&m, x);
			(void)fm_mixture_pdf(&m, x, FM_MIX_X_LENGTH);
		}
	}
	fm_buf_release(&b);
	fm_mixture_release(&m);
	fm_mixture_release(&m2);
	return 0;
}

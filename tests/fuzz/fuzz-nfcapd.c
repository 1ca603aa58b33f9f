/*
 * fuzz-nfcapd.c - libFuzzer target for the native nfcapd decoder: the
 * input is a whole capture file (header, blocks, records) decoded from
 * memory through fm_nfcapd_open_mem / fm_nfcapd_decode, in small batches
 * so that the record cursor resumes mid-block.  Any input must end in a
 * clean error or the end of the file; sanitizers catch the rest.
 * Corpus: tests/fuzz/corpus/fuzz-nfcapd/ holds copies of the small real
 * files of the shared nfcapd corpus (layouts 1 and 2, every compression,
 * NetFlow v5/v9, sampled), made by Debian's and self-built nfcapd.
 * The decompression buffer (5 MiB) is lent once (fm_nfcapd_lend_buffer)
 * instead of allocated for every compressed input, which held this target
 * at ~3,700 executions a CPU second; unit/test-nfcapd shows the records
 * are the same.
 */
#include <stdint.h>
#include <stdlib.h>

#include "io-nfcapd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fm_nfcapd_out *o;
	static uint8_t *dec;
	struct fm_nfcapd *d;
	struct fm_error err;
	long n;

	if (!o &&
	    (!(o = malloc(sizeof(*o))) || !(dec = malloc(FM_NFCAPD_BLOCK_MAX))))
		abort();
	if (fm_nfcapd_open_mem(&d, "fuzz", data, size, NULL, &err) < 0)
		return 0;
	fm_nfcapd_lend_buffer(d, dec);
	while ((n = fm_nfcapd_decode(d, o, 64, &err)) > 0)
		if (n > 64)
			abort();
	/* a failed decoder keeps failing */
	if (n < 0 && fm_nfcapd_decode(d, o, 64, &err) != n)
		abort();
	fm_nfcapd_free(d);
	return 0;
}

/*
 * io-text-write.c - the `text` output format: one readable line a record,
 * like `nfdump -o line`, under a header line:
 *
 *   first                    duration proto                   src    dst ...
 *   2015-06-10T19:00:00.120Z    1.000 tcp       10.0.0.129:50740 -> ...
 *
 * first as ISO-8601 UTC with milliseconds, the duration (SPEC 1) in
 * seconds, the protocol by name (its number when it has none), endpoints
 * as address:port (IPv6 as [RFC 5952 form]:port), then packets, octets
 * and aggs.  For people, not for reading back: csv_flow is the exchange
 * format.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "flowmodels/flowtext.h"
#include "io-int.h"

#define TEXT_LINE "%-24s %9s %-5s %21s -> %-21s %10s %12s %5s\n"

struct fm_text_writer {
	struct fm_outfile out;
};

int fm_text_writer_open(struct fm_text_writer **out, const char *path,
			struct fm_error *err)
{
	struct fm_text_writer *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if ((r = fm_outfile_open(&w->out, path, 1, err)) < 0) {
		free(w);
		return r;
	}
	if (fm_buf_printf(&w->out.buf, TEXT_LINE, "first", "duration", "proto",
			  "src", "dst", "packets", "octets", "aggs") < 0) {
		fm_text_writer_free(w);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	*out = w;
	return 0;
}

/* Record i of b as one line. */
static int text_line(struct fm_buf *o, const struct fm_batch *b, size_t i)
{
	char first[FM_TEXT_MAX], src[FM_TEXT_MAX], dst[FM_TEXT_MAX];
	char dur[32], proto[16], pk[24], oc[24], ag[24];
	int64_t af = b->col[FM_AF][i], sa[4], da[4];
	int64_t packets = b->col[FM_PACKETS][i], d = 0;
	const char *name = fm_proto_name(b->col[FM_PROT][i]);

	for (int k = 0; k < 4; k++) {
		sa[k] = b->col[FM_SA0 + k][i];
		da[k] = b->col[FM_DA0 + k][i];
	}
	if (packets != 1)
		d = (b->col[FM_LAST][i] - b->col[FM_FIRST][i]) * 1000 +
		    b->col[FM_LAST_MS][i] - b->col[FM_FIRST_MS][i];
	fm_time_text(first, b->col[FM_FIRST][i], b->col[FM_FIRST_MS][i]);
	fm_endpoint_text(src, af, sa, b->col[FM_SP][i]);
	fm_endpoint_text(dst, af, da, b->col[FM_DP][i]);
	snprintf(dur, sizeof(dur), "%s%lld.%03lld", d < 0 ? "-" : "",
		 (long long)(llabs(d) / 1000), (long long)(llabs(d) % 1000));
	if (name)
		snprintf(proto, sizeof(proto), "%s", name);
	else
		snprintf(proto, sizeof(proto), "%lld",
			 (long long)b->col[FM_PROT][i]);
	/* packets and octets keep raw unsigned bits (flow.h) */
	snprintf(pk, sizeof(pk), "%" PRIu64, (uint64_t)packets);
	snprintf(oc, sizeof(oc), "%" PRIu64, (uint64_t)b->col[FM_OCTETS][i]);
	snprintf(ag, sizeof(ag), "%lld", (long long)b->col[FM_AGGS][i]);
	return fm_buf_printf(o, TEXT_LINE, first, dur, proto, src, dst, pk, oc,
			     ag);
}

int fm_text_writer_write(struct fm_text_writer *w, const struct fm_batch *b,
			 struct fm_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		if (text_line(&w->out.buf, b, i) < 0)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		if (fm_outfile_maybe_flush(&w->out, err) < 0)
			return FM_EIO;
	}
	return 0;
}

int fm_text_writer_commit(struct fm_text_writer *w, struct fm_error *err)
{
	return fm_outfile_commit(&w->out, err);
}

void fm_text_writer_free(struct fm_text_writer *w)
{
	if (!w)
		return;
	fm_outfile_discard(&w->out);
	free(w);
}

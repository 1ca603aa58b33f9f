/*
 * overview.c - time window, address families and top protocols of a set
 * of records (overview.h).
 */
#include <inttypes.h>
#include <string.h>

#include "flowmodels/flowtext.h"
#include "flowmodels/error.h"
#include "flowmodels/overview.h"

void fm_overview_init(struct fm_overview *ov)
{
	memset(ov, 0, sizeof(*ov));
}

void fm_overview_add(struct fm_overview *ov, const struct fm_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		int64_t p = b->col[FM_PROT][i];
		if (ov->records == 0 || b->col[FM_FIRST][i] < ov->first)
			ov->first = b->col[FM_FIRST][i];
		if (ov->records == 0 || b->col[FM_LAST][i] > ov->last)
			ov->last = b->col[FM_LAST][i];
		ov->v6 += fm_af_is_v6(b->col[FM_AF][i]);
		if (p >= 0 && p < 256)
			ov->prot[p]++;
		else
			ov->prot_other++;
		ov->records++;
	}
}

static double pct(uint64_t v, uint64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0.0;
}

int fm_overview_text(const struct fm_overview *ov, struct fm_buf *out)
{
	char a[FM_TEXT_MAX], z[FM_TEXT_MAX];
	int used[256] = {0};
	uint64_t named = 0;

	if (!ov->records)
		return fm_buf_addstr(out, "no records");
	fm_time_text_s(a, ov->first);
	fm_time_text_s(z, ov->last);
	fm_buf_printf(out, "%s .. %s; IPv4 %.1f%%, IPv6 %.1f%%;", a, z,
		      pct(ov->records - ov->v6, ov->records),
		      pct(ov->v6, ov->records));
	for (int k = 0; k < 4; k++) {
		int best = -1;
		for (int p = 0; p < 256; p++)
			if (!used[p] && ov->prot[p] &&
			    (best < 0 || ov->prot[p] > ov->prot[best]))
				best = p;
		if (best < 0)
			break;
		used[best] = 1;
		named += ov->prot[best];
		if (fm_proto_name(best))
			fm_buf_printf(out, "%s %s %.1f%%", k ? "," : "",
				      fm_proto_name(best),
				      pct(ov->prot[best], ov->records));
		else
			fm_buf_printf(out, "%s prot %d %.1f%%", k ? "," : "",
				      best, pct(ov->prot[best], ov->records));
	}
	if (named < ov->records)
		fm_buf_printf(out, ", other %.1f%%",
			      pct(ov->records - named, ov->records));
	return out->buf ? 0 : FM_ENOMEM;
}

int fm_sampling_text(const struct fm_sampling *s, struct fm_buf *out)
{
	if (!s->n && !s->flagged)
		return fm_buf_addstr(out, "none declared");
	for (size_t i = 0; i < s->n; i++) {
		const struct fm_sampler *x = &s->s[i];
		fm_buf_printf(out,
			      "%s%" PRIu32 " of %" PRIu64
			      " packets (exporter %u, sampler %" PRId64
			      ", algorithm %u)",
			      i ? ", " : "", x->packet_interval,
			      (uint64_t)x->packet_interval + x->space_interval,
			      x->exporter, x->id, x->algorithm);
	}
	if (s->more)
		fm_buf_printf(out, " and at least %zu other samplers", s->more);
	if (!s->n)
		fm_buf_addstr(out, "no sampler records");
	fm_buf_printf(out,
		      "; %" PRIu64 " records flagged sampled; packets and "
		      "octets already scaled by the collector",
		      s->flagged);
	return out->buf ? 0 : FM_ENOMEM;
}

/*
 * overview.h - the overview of a set of flow records that `info` shows:
 * the time window, the IPv4/IPv6 split and the top protocols.
 */
#ifndef FLOWMODELS_OVERVIEW_H
#define FLOWMODELS_OVERVIEW_H

#include <stdint.h>

#include "flowmodels/buf.h"
#include "flowmodels/flow.h"
#include "flowmodels/io.h"

struct fm_overview {
	uint64_t records, v6;
	int64_t first, last; /* earliest first, latest last (seconds) */
	uint64_t prot[256];  /* records by protocol; others in prot_other */
	uint64_t prot_other;
};

/* The columns fm_overview_add reads. */
#define FM_OVERVIEW_FIELDS                                                     \
	(FM_FIELD_BIT(FM_AF) | FM_FIELD_BIT(FM_PROT) |                         \
	 FM_FIELD_BIT(FM_FIRST) | FM_FIELD_BIT(FM_LAST))

void fm_overview_init(struct fm_overview *ov);
void fm_overview_add(struct fm_overview *ov, const struct fm_batch *b);
/*
 * "2015-06-10T19:00:00Z .. 2015-06-10T20:00:02Z; IPv4 99.1%, IPv6 0.9%;
 * tcp 61.2%, udp 37.9%, icmp 0.8%, other 0.1%" (at most 4 protocols named),
 * or "no records".  Returns 0 or FM_ENOMEM.
 */
int fm_overview_text(const struct fm_overview *ov, struct fm_buf *out);
/*
 * The declared sampling (io.h): "1 of 10 packets (exporter 1, sampler
 * -2, algorithm 0); 83 records flagged sampled; packets and octets
 * already scaled by the collector", or "none declared".  0 or FM_ENOMEM.
 */
int fm_sampling_text(const struct fm_sampling *s, struct fm_buf *out);

#endif

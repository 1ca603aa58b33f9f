/*
 * gen-dataset.c - a realistic synthetic flow dataset in the binary format,
 * for benchmarks: gen-dataset N OUTDIR [SEED [capture] [HOURS]]
 *
 * HOURS (default 1) of IPv4 campus-like traffic starting 2015-06-10
 * 19:00 UTC, at an even rate (960 spans 40 days):
 * start times sorted (Poisson arrivals), ~52% TCP / 46% UDP / 2% other,
 * well-known server ports against ephemeral client ports, heavy-tailed
 * flow lengths (many 1-packet flows, a lognormal body and a Pareto tail),
 * packet sizes by protocol and flow length, durations consistent with
 * length (capped at the 300 s active timeout), aggs 1.  Deterministic for
 * a given seed (xoshiro256**), whatever the machine.
 *
 * With `capture` after the seed, addresses as a real capture has them
 * instead: a fifth of the flows IPv6, and hosts of power-law popularity
 * (the rank of a host drawn as M^u, u uniform: each order of magnitude of
 * ranks as likely as the next) among 2^18 clients and 2^26 servers, so
 * that a few hosts carry much of the traffic and many are seen once or
 * twice (for `top sa`: groups of every size, about a third as many as
 * flows).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/io.h"

struct rng {
	uint64_t s[4];
};

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(struct rng *r)
{
	uint64_t res = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;
	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

static double uniform(struct rng *r) /* (0, 1) */
{
	return ((double)(next_u64(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double normal(struct rng *r)
{
	return sqrt(-2.0 * log(uniform(r))) * cos(2.0 * M_PI * uniform(r));
}

static void seed_rng(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		r->s[i] = z ^ (z >> 31);
	}
}

static const uint16_t tcp_ports[] = {443, 80, 22, 25, 993, 8080, 3389, 445};
static const uint16_t udp_ports[] = {53, 443, 123, 161, 5353, 1900, 500, 4500};

/* A bijective mix of 64 bits: ranks spread over the address space. */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * A host of power-law popularity among 2^bits: its address words (w[0..3],
 * IPv4 in w[3] only), clients in 10.0.0.0/8 or 2001:db8::/32.
 */
static void capture_host(struct rng *r, int v6, int bits, int client,
			 int64_t *w)
{
	uint64_t rank = (uint64_t)exp(uniform(r) * bits * M_LN2);
	uint64_t h = mix(rank + (client ? 0 : (uint64_t)1 << 40));

	w[0] = w[1] = w[2] = 0;
	if (!v6) {
		w[3] = client ? 0x0a000000 + (int64_t)(h & 0xffffff)
			      : (int64_t)(h & 0xffffffff);
		return;
	}
	w[0] = client ? 0x20010db8 : 0x2a000000 + (int64_t)(h >> 40 & 0xffff);
	w[1] = (int64_t)(h >> 32 & 0xffff);
	w[2] = (int64_t)(mix(h) & 0xffffffff);
	w[3] = (int64_t)(h & 0xffffffff);
}

static int64_t flow_length(struct rng *r)
{
	double u = uniform(r);
	if (u < 0.36)
		return 1;
	if (u < 0.99) {
		double x = exp(0.9 + 1.5 * normal(r));
		return 2 + (int64_t)(x < 1e6 ? x : 1e6);
	}
	/* Pareto tail from 100 packets, shape 1.1, capped at 10M packets */
	double x = 100.0 * pow(uniform(r), -1.0 / 1.1);
	return (int64_t)(x < 1e7 ? x : 1e7);
}

int main(int argc, char **argv)
{
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY, .log = NULL};
	struct fm_writer *w;
	struct fm_error err;
	struct fm_batch b;
	struct rng r;
	long long n;
	double t = 0.0;
	const int64_t start = 1433962800; /* 2015-06-10 19:00:00 UTC */

	if (argc < 3 || (n = atoll(argv[1])) <= 0) {
		fprintf(
		    stderr,
		    "usage: gen-dataset N OUTDIR [SEED [capture] [HOURS]]\n");
		return 2;
	}
	seed_rng(&r, argc > 3 ? strtoull(argv[3], NULL, 0) : 1);
	int capture = 0;
	double hours = 1.0;
	for (int a = 4; a < argc; a++) {
		if (!strcmp(argv[a], "capture"))
			capture = 1;
		else if (!((hours = atof(argv[a])) > 0.0 && hours <= 1e6)) {
			fprintf(stderr, "gen-dataset: HOURS must be above 0\n");
			return 2;
		}
	}
	if (fm_writer_open(&w, &wo, argv[2], &err) < 0 ||
	    fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP) < 0) {
		fprintf(stderr, "gen-dataset: %s\n", err.msg);
		return 1;
	}
	const double rate = (double)n / (3600.0 * hours); /* flows a second */
	for (long long done = 0; done < n;) {
		size_t k =
		    (size_t)(n - done < FM_BATCH_CAP ? n - done : FM_BATCH_CAP);
		for (size_t i = 0; i < k; i++) {
			int64_t v[FM_NFIELDS] = {0};
			double u = uniform(&r);
			int prot = u < 0.52   ? 6
				   : u < 0.98 ? 17
					      : (u < 0.995 ? 1 : 47);
			int client_is_src = uniform(&r) < 0.5;
			int64_t client =
			    0x0a000000 + (int64_t)(next_u64(&r) % 65536);
			int64_t server = (int64_t)(next_u64(&r) & 0xffffffff);
			int sport = 0, dport = 0;

			if (prot == 6 || prot == 17) {
				const uint16_t *ports =
				    prot == 6 ? tcp_ports : udp_ports;
				int wk =
				    ports[(int)(pow(uniform(&r), 2.5) * 8)];
				int eph = 32768 + (int)(next_u64(&r) % 28232);
				sport = client_is_src ? eph : wk;
				dport = client_is_src ? wk : eph;
			} else if (prot == 1) {
				dport = (int)(next_u64(&r) % 4) * 256;
			}
			t += -log(uniform(&r)) / rate;
			int64_t first_ms_total =
			    start * 1000 + (int64_t)(t * 1000.0);
			int64_t packets = flow_length(&r);
			/* packet size: small for short/UDP-DNS flows, near MTU
			 * for bulk */
			double ps;
			if (prot == 6)
				ps = packets > 20 && uniform(&r) < 0.6
					 ? 1200 + 300 * uniform(&r)
					 : 52 + 120 * uniform(&r) * uniform(&r);
			else if (prot == 17)
				ps = 60 + 500 * uniform(&r) * uniform(&r) +
				     (uniform(&r) < 0.1 ? 800 : 0);
			else
				ps = 64 + 64 * uniform(&r);
			int64_t octets =
			    (int64_t)((double)packets * ps + uniform(&r));
			if (octets < packets * 28)
				octets = packets * 28;
			/* duration: mean gap ~ lognormal, capped by the active
			 * timeout */
			int64_t dur_ms = 0;
			if (packets > 1) {
				double gap =
				    exp(2.5 + 1.8 * normal(&r)); /* ms */
				double d = gap * (double)(packets - 1);
				dur_ms =
				    (int64_t)(d < 300000.0
						  ? d
						  : 300000.0 -
							1000.0 * uniform(&r));
			}
			int64_t last_ms_total = first_ms_total + dur_ms;

			v[FM_AF] = 2;
			if (capture) {
				int v6 = uniform(&r) < 0.2;
				int64_t cw[4], sw[4];
				capture_host(&r, v6, 18, 1, cw);
				capture_host(&r, v6, 26, 0, sw);
				v[FM_AF] = v6 ? 10 : 2;
				for (int x = 0; x < 4; x++) {
					v[FM_SA0 + x] =
					    client_is_src ? cw[x] : sw[x];
					v[FM_DA0 + x] =
					    client_is_src ? sw[x] : cw[x];
				}
			}
			v[FM_PROT] = prot;
			v[FM_INIF] = 1 + (int64_t)(next_u64(&r) % 4);
			v[FM_OUTIF] = 1 + (int64_t)(next_u64(&r) % 4);
			if (!capture) {
				v[FM_SA3] = client_is_src ? client : server;
				v[FM_DA3] = client_is_src ? server : client;
			}
			v[FM_SP] = sport;
			v[FM_DP] = dport;
			v[FM_FIRST] = first_ms_total / 1000;
			v[FM_FIRST_MS] = first_ms_total % 1000;
			v[FM_LAST] = last_ms_total / 1000;
			v[FM_LAST_MS] = last_ms_total % 1000;
			v[FM_PACKETS] = packets;
			v[FM_OCTETS] = octets;
			v[FM_AGGS] = 1;
			for (int f = 0; f < FM_NFIELDS; f++)
				fm_batch_mut(&b, f)[i] = v[f];
		}
		b.n = k;
		if (fm_writer_write(w, &b, &err) < 0) {
			fprintf(stderr, "gen-dataset: %s\n", err.msg);
			return 1;
		}
		done += (long long)k;
	}
	if (fm_writer_commit(w, &err) < 0) {
		fprintf(stderr, "gen-dataset: %s\n", err.msg);
		return 1;
	}
	fm_writer_free(w);
	fm_batch_release(&b);
	fprintf(stderr, "gen-dataset: %lld records in %s\n", n, argv[2]);
	return 0;
}

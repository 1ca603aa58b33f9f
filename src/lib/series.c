/*
 * series.c - per-day, per-second flows/packets/octets series (SPEC 5).
 *
 * Days are kept in an array sorted by day number, each with three arrays
 * of 86400 sums (octets in 128 bits, so nothing can wrap).  A record's
 * packets are placed one by one, exactly as the reference does it with
 * Python floats: t = second + first_ms / 1000, step = duration / packets,
 * avg = octets / packets (the correctly rounded quotient), packet i gets
 * trunc(avg) + trunc((remaining - trunc(avg)) - avg * (packets - 1 - i))
 * octets, lands in second trunc(t) (a negative index counts from the end
 * of the day, as a Python list index does), then t += step, rolling over
 * into the next day (which then gets files) while t >= 86400.  The sizes
 * sum exactly to the record's octets.  Values are exact in 64-bit integer
 * arithmetic while octets < 2^62; beyond that 128-bit arithmetic is used.
 *
 * A bounded series (fm_series_new_bounded) holds at most maxdays days:
 * making another one first moves the least recently used day's touched
 * seconds to the spill file (series-spill.c).  Input in time order thus
 * moves each day out once, when the records have moved on; any other
 * order moves days out as often as it comes back to them, and the
 * writing adds every day's parts up (integer sums: the same bytes).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/buf.h"
#include "flowmodels/series.h"
#include "io-int.h"
#include "num-int.h"
#include "series-int.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

struct fm_series {
	struct sday *days; /* ascending by day */
	size_t ndays, alloc;
	size_t last; /* index of the day used last */
	uint64_t nrec;
	uint64_t clock;	      /* counts get_day calls (sday.used) */
	size_t maxdays;	      /* days held in memory at most; 0: no limit */
	struct sspill *spill; /* bounded: the days moved out */
};

int fm_series_new(struct fm_series **out, struct fm_error *err)
{
	struct fm_series *s = calloc(1, sizeof(*s));

	if (!s)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	*out = s;
	return 0;
}

int fm_series_new_bounded(struct fm_series **out, size_t maxdays,
			  struct fm_error *err)
{
	int r = fm_series_new(out, err);

	if (r == 0 && (r = sspill_new(&(*out)->spill, err)) < 0) {
		fm_series_free(*out);
		*out = NULL;
	}
	if (r == 0)
		(*out)->maxdays = maxdays ? maxdays : 1;
	return r;
}

static void sday_release(struct sday *d)
{
	free(d->flows);
	free(d->packets);
	free(d->octets);
	free(d->touched);
}

void fm_series_free(struct fm_series *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndays; i++)
		sday_release(&s->days[i]);
	free(s->days);
	sspill_free(s->spill);
	free(s);
}

uint64_t fm_series_records(const struct fm_series *s)
{
	return s->nrec;
}

size_t fm_series_ndays(const struct fm_series *s)
{
	size_t n = s->ndays, ns = sspill_ndays(s->spill);

	/* the days held and the days moved out, each ascending */
	for (size_t i = 0, j = 0; i < s->ndays && j < ns;) {
		int64_t a = s->days[i].day, b = sspill_day(s->spill, j);
		if (a == b)
			n--;
		i += a <= b;
		j += b <= a;
	}
	return n + ns;
}

int64_t fm_series_day(const struct fm_series *s, size_t i)
{
	return s->days[i].day;
}

void fm_series_get(const struct fm_series *s, size_t i, unsigned k,
		   uint64_t *flows, uint64_t *packets, uint64_t *octets_hi,
		   uint64_t *octets_lo)
{
	const struct sday *d = &s->days[i];

	*flows = d->flows[k];
	*packets = d->packets[k];
	*octets_hi = (uint64_t)(d->octets[k] >> 64);
	*octets_lo = (uint64_t)d->octets[k];
}

/* A new day's arrays, zeroed; -1 out of memory. */
static int sday_alloc(struct sday *d, int64_t day)
{
	memset(d, 0, sizeof(*d));
	d->day = day;
	d->flows = calloc(FM_SERIES_DAY, sizeof(uint64_t));
	d->packets = calloc(FM_SERIES_DAY, sizeof(uint64_t));
	d->octets = calloc(FM_SERIES_DAY, sizeof(u128));
	d->touched = calloc(SDAY_WORDS, sizeof(uint64_t));
	if (d->flows && d->packets && d->octets && d->touched)
		return 0;
	sday_release(d);
	return -1;
}

/*
 * Room for one more day at index lo (lo: where day goes): a new one, or,
 * when maxdays are held, the least recently used one moved out to the
 * spill file and its (zeroed) arrays reused; *lo is updated.
 */
static int make_room(struct fm_series *s, int64_t day, size_t *lo,
		     struct sday *nd, struct fm_error *err)
{
	size_t v = 0;
	int r;

	if (!s->maxdays || s->ndays < s->maxdays) {
		if (sday_alloc(nd, day) < 0)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		return 0;
	}
	for (size_t i = 1; i < s->ndays; i++)
		if (s->days[i].used < s->days[v].used)
			v = i;
	if ((r = sspill_put(s->spill, &s->days[v], err)) < 0)
		return r;
	*nd = s->days[v];
	nd->day = day;
	nd->used = 0;
	nd->parts = 0;
	memmove(s->days + v, s->days + v + 1,
		(s->ndays - v - 1) * sizeof(*s->days));
	s->ndays--;
	if (v < *lo)
		--*lo;
	return 0;
}

/* The day's arrays in *out, created (zeroed) when new. */
static int get_day(struct fm_series *s, int64_t day, struct sday **out,
		   struct fm_error *err)
{
	size_t lo = 0, hi = s->ndays;
	struct sday d;
	int r;

	s->clock++;
	if (s->last < s->ndays && s->days[s->last].day == day) {
		*out = &s->days[s->last];
		(*out)->used = s->clock;
		return 0;
	}
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->ndays && s->days[lo].day == day) {
		s->last = lo;
		*out = &s->days[lo];
		(*out)->used = s->clock;
		return 0;
	}
	if (s->ndays == s->alloc) {
		size_t na = s->alloc ? 2 * s->alloc : 4;
		struct sday *nd = realloc(s->days, na * sizeof(*nd));
		if (!nd)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		s->days = nd;
		s->alloc = na;
	}
	if ((r = make_room(s, day, &lo, &d, err)) < 0)
		return r;
	memmove(s->days + lo + 1, s->days + lo,
		(s->ndays - lo) * sizeof(*s->days));
	d.used = s->clock;
	s->days[lo] = d;
	s->ndays++;
	s->last = lo;
	*out = &s->days[lo];
	return 0;
}

int fm_series_add_day(struct fm_series *s, int64_t day, const u128 *flows,
		      const u128 *packets, const u128 *octets,
		      struct fm_error *err)
{
	struct sday *d;
	int r = get_day(s, day, &d, err);

	if (r < 0)
		return r;
	for (unsigned k = 0; k < FM_SERIES_DAY; k++) {
		u128 f = (u128)d->flows[k] + flows[k],
		     p = (u128)d->packets[k] + packets[k];
		if (f > UINT64_MAX || p > UINT64_MAX)
			return fm_error_set(err, FM_ERANGE,
					    "day %lld second %u: flows or "
					    "packets beyond 64 bits",
					    (long long)day, k);
		if (d->octets[k] + octets[k] < octets[k])
			return fm_error_set(err, FM_ERANGE,
					    "day %lld second %u: octets beyond "
					    "128 bits",
					    (long long)day, k);
		d->flows[k] = (uint64_t)f;
		d->packets[k] = (uint64_t)p;
		d->octets[k] += octets[k];
		sday_touch(d, k);
		s->nrec += (uint64_t)flows[k];
	}
	return 0;
}

int fm_series_merge(struct fm_series *dst, const struct fm_series *src,
		    int sign, struct fm_error *err)
{
	size_t k = 0;
	struct sday *d;
	int r;

	if (dst->maxdays || src->maxdays)
		return fm_error_set(err, FM_EINVAL,
				    "a series that holds a bounded number of "
				    "days cannot be merged");
	/* every day first, so that a failure adds nothing */
	for (size_t i = 0; sign > 0 && i < src->ndays; i++)
		if ((r = get_day(dst, src->days[i].day, &d, err)) < 0)
			return r;
	for (size_t i = 0; i < src->ndays; i++) {
		const struct sday *a = &src->days[i];
		if ((r = get_day(dst, a->day, &d, err)) < 0)
			return r;
		if (sign > 0)
			d->parts++;
		else if (d->parts)
			d->parts--;
		for (unsigned t = 0; t < FM_SERIES_DAY; t++) {
			if (sign > 0) {
				d->flows[t] += a->flows[t];
				d->packets[t] += a->packets[t];
				d->octets[t] += a->octets[t];
			} else {
				d->flows[t] -= a->flows[t];
				d->packets[t] -= a->packets[t];
				d->octets[t] -= a->octets[t];
			}
		}
	}
	dst->nrec = sign > 0 ? dst->nrec + src->nrec : dst->nrec - src->nrec;
	/* a day no part has any more goes, as a series made of the
	 * remaining records would not have it */
	for (size_t i = 0; i < dst->ndays; i++) {
		if (sign < 0 && dst->days[i].parts == 0) {
			sday_release(&dst->days[i]);
			continue;
		}
		dst->days[k++] = dst->days[i];
	}
	dst->ndays = k;
	dst->last = 0;
	return 0;
}

/* Python's int(v) for a double, as a 128-bit integer. */
static inline i128 trunc128(double v)
{
	if (v > -9.0e18 && v < 9.0e18)
		return (int64_t)v;
	return (i128)v;
}

/*
 * The reference's size correction for packet n of a record with remaining
 * octets rem: (rem - isz) - avg * (packets - 1 - n).  One function for the
 * packet-by-packet loop and the fast path, so both round alike.
 */
static inline double size_excess(int64_t rem, int64_t isz, double avg,
				 double pk, uint64_t n)
{
	return (double)(rem - isz) - avg * (pk - 1.0 - (double)n);
}

/*
 * The fast path: the same packets in the same seconds with the same sizes
 * as the packet-by-packet loop, computed a second at a time.
 *
 * Sizes.  With q = O/P (O octets, P packets), the loop's remaining octets
 * before packet j are R(j) = O - floor(j*O/P): packet n gets
 * isz + trunc(frac(n*q) + frac(q) - error), where the error of the
 * floating-point terms is below (O + 1) * 2^-52, which is below 1/P when
 * (O + 1) * P < 2^52, while frac(n*q) + frac(q) is a multiple of 1/P in
 * [0, 2).  So the loop agrees with the exact carry except where that sum
 * is exactly 1, i.e. (n + 1) * O = 0 (mod P) (a tie): there the rounded
 * avg * m decides, and when the loop gives isz instead of isz + 1, packet
 * n + 1 takes the 1 back (its exact excess is 1 + frac(q), between 1 and
 * 2 with room 1/P), so R(n + 1) alone is one too high.  sizes_before()
 * evaluates R at a packet index with that correction, the tie evaluated
 * with the loop's own expression.  (When P divides O every size is O/P.)
 *
 * Times.  While t stays in one binade [2^(e-1), 2^e) (ulp u), t + piat
 * rounds to t + step*u with step = piat/u rounded to the nearest integer
 * (t is a multiple of u), unless piat/u ends in exactly .5 (then the even
 * neighbour depends on t): the packets of a run are at T*u, (T + step)*u,
 * ... with integers T and step, and the seconds they fall in are counted
 * with shifts and divisions.  The step that ends a run (leaving the binade,
 * or midnight) is done in floating point as the loop does it, and so is
 * every packet where the run formula does not hold.
 */
struct spread {
	int64_t octets, packets, isz;
	double avg, pk;
	int exact; /* P divides O */
};

/* The octets left before packet j (R(j), tie-corrected), 0 <= j <= P. */
static inline int64_t sizes_before(const struct spread *sp, int64_t j)
{
	int64_t jo, n, rn;

	if (sp->exact)
		return sp->octets - j * sp->isz;
	jo = j * sp->octets;
	if (j == 0 || j == sp->packets || jo % sp->packets)
		return sp->octets - jo / sp->packets;
	/* packet j - 1 is a tie: what the loop gives it */
	n = j - 1;
	rn = sp->octets - n * sp->octets / sp->packets;
	return rn - sp->isz -
	       (int64_t)size_excess(rn, sp->isz, sp->avg, sp->pk, (uint64_t)n);
}

/* Packets [j, j + n) into second k of d; *r: the octets left before j. */
static inline void spread_put(const struct spread *sp, struct sday *d,
			      int64_t k, int64_t j, int64_t n, int64_t *r)
{
	int64_t after = sizes_before(sp, j + n);

	d->packets[k] += (uint64_t)n;
	d->octets[k] += (u128)(*r - after);
	sday_touch(d, k);
	*r = after;
}

/*
 * Packets [j, j + cnt) at T*u, (T + D)*u, ... (below 2^53 * u) into the
 * seconds of d they fall in (shift: log2 of the ulps in a second).
 */
static void spread_run(const struct spread *sp, struct sday *d, int64_t T,
		       int64_t D, int shift, int64_t j, int64_t cnt, int64_t *r)
{
	for (int64_t i = 0; i < cnt;) {
		int64_t Ti = T + i * D, k = 0, n = cnt - i;
		if (shift < 53) {
			int64_t next = ((Ti >> shift) + 1) << shift;
			k = Ti >> shift;
			if (D && (next - Ti + D - 1) / D < n)
				n = (next - Ti + D - 1) / D;
		}
		spread_put(sp, d, k, j + i, n, r);
		i += n;
	}
}

/*
 * Spread the packets from time t (0 <= t < 86400 of day *dayp, arrays *dp)
 * on, piat >= 0 apart, as the loop in add_record does; 0 or an error
 * (making the next day).
 */
static int spread_fast(struct fm_series *s, const struct spread *sp,
		       struct sday **dp, int64_t *dayp, double t, double piat,
		       struct fm_error *err)
{
	const int64_t P = sp->packets;
	struct sday *d = *dp;
	int64_t j = 0, r = sp->octets;

	while (j < P) {
		int e;
		int64_t cnt = 1, T, D;
		double last = t, u, x, fr;
		(void)frexp(t, &e);
		u = ldexp(1.0, e - 53);
		x = piat / u;
		D = x < 0x1p52 ? (int64_t)x : 0;
		fr = x - (double)D;
		if (t > 0.0 && x < 0x1p52 && fr != 0.5) {
			/* a run: to midnight (e == 17) or the binade's end */
			int64_t L =
			    e == 17 ? (int64_t)(86400.0 / u) : INT64_C(1) << 53;
			T = (int64_t)(t / u);
			D += fr > 0.5;
			cnt = D ? (L - 1 - T) / D + 1 : P - j;
			if (cnt > P - j)
				cnt = P - j;
			spread_run(sp, d, T, D, 53 - e, j, cnt, &r);
			last = (double)(T + (cnt - 1) * D) * u;
		} else {
			spread_put(sp, d, (int64_t)t, j, 1, &r);
		}
		j += cnt;
		t = last + piat;
		/* as the loop: the next day gets files even when no packet
		 * is left for it */
		while (t >= (double)FM_SERIES_DAY) {
			++*dayp;
			t -= (double)FM_SERIES_DAY;
			int rc = get_day(s, *dayp, &d, err);
			if (rc < 0)
				return rc;
		}
	}
	*dp = d;
	return 0;
}

static int add_record(struct fm_series *s, int64_t first, int64_t first_ms,
		      int64_t last, int64_t last_ms, uint64_t packets,
		      uint64_t octets, uint64_t recno, struct fm_error *err)
{
	int64_t day = first / FM_SERIES_DAY, sec = first % FM_SERIES_DAY;
	struct sday *d;

	if (sec < 0) { /* floor division, as Python's // and % */
		sec += FM_SERIES_DAY;
		day--;
	}
	int r = get_day(s, day, &d, err);
	if (r < 0)
		return r;
	d->flows[sec]++;
	sday_touch(d, sec);
	if (packets == 1) {
		d->packets[sec]++;
		d->octets[sec] += octets;
		return 0;
	}
	if (packets == 0) {
		if (octets)
			return fm_error_set(err, FM_EFORMAT,
					    "record %llu: 0 packets but %llu "
					    "octets: cannot spread them",
					    (unsigned long long)recno,
					    (unsigned long long)octets);
		return 0;
	}
	if (packets > (UINT64_C(1) << 40))
		return fm_error_set(err, FM_EFORMAT,
				    "record %llu: %llu packets: too many to "
				    "spread over a series",
				    (unsigned long long)recno,
				    (unsigned long long)packets);
	int64_t dsec;
	if (__builtin_sub_overflow(last, first, &dsec) ||
	    first_ms < -(INT64_C(1) << 52) || first_ms > (INT64_C(1) << 52) ||
	    last_ms < -(INT64_C(1) << 52) || last_ms > (INT64_C(1) << 52))
		return fm_error_set(err, FM_EFORMAT,
				    "record %llu: times out of range (first "
				    "%lld.%03lld, last %lld.%03lld)",
				    (unsigned long long)recno, (long long)first,
				    (long long)first_ms, (long long)last,
				    (long long)last_ms);

	if (dsec > FM_SERIES_SPAN_MAX)
		return fm_error_set(
		    err, FM_EFORMAT,
		    "record %llu: %llu packets spread over %lld days (first "
		    "%lld, last %lld): above the %d-day limit of a series "
		    "record",
		    (unsigned long long)recno, (unsigned long long)packets,
		    (long long)(dsec / FM_SERIES_DAY), (long long)first,
		    (long long)last, FM_SERIES_SPAN_MAX / FM_SERIES_DAY);

	double t = (double)sec + (double)first_ms / 1000.0;
	double duration = (double)dsec + (double)(last_ms - first_ms) / 1000.0;
	double piat = duration / (double)packets;
	double avg = (octets <= (UINT64_C(1) << 53))
			 ? (double)octets / (double)packets
			 : fm_div_round_u128(octets, packets);
	const double pk = (double)packets;

	uint64_t lim;
	if (t >= 0.0 && t < (double)FM_SERIES_DAY && piat >= 0.0 &&
	    octets <= (UINT64_C(1) << 53) &&
	    !__builtin_mul_overflow(octets + 1, packets, &lim) &&
	    lim < (UINT64_C(1) << 52)) {
		struct spread sp = {(int64_t)octets,
				    (int64_t)packets,
				    (int64_t)avg,
				    avg,
				    pk,
				    octets % packets == 0};
		return spread_fast(s, &sp, &d, &day, t, piat, err);
	}
	if (octets <= (UINT64_C(1) << 62)) {
		/* everything fits in int64 */
		int64_t isz = (int64_t)avg, rem = (int64_t)octets;
		for (uint64_t n = 0; n < packets; n++) {
			double v = size_excess(rem, isz, avg, pk, n);
			int64_t size = isz + (int64_t)trunc128(v);
			int64_t k = (int64_t)trunc128(t);
			if (k < 0)
				k += FM_SERIES_DAY;
			if (k < 0 || k >= FM_SERIES_DAY)
				goto badtime;
			d->packets[k]++;
			d->octets[k] += (u128)(i128)size;
			sday_touch(d, k);
			rem -= size;
			t += piat;
			while (t >= (double)FM_SERIES_DAY) {
				day++;
				t -= (double)FM_SERIES_DAY;
				if ((r = get_day(s, day, &d, err)) < 0)
					return r;
			}
		}
		if (rem != 0)
			goto badsum;
	} else {
		i128 isz = trunc128(avg), rem = (i128)octets;
		for (uint64_t n = 0; n < packets; n++) {
			double v =
			    (double)(rem - isz) - avg * (pk - 1.0 - (double)n);
			i128 size = isz + trunc128(v);
			int64_t k = (int64_t)trunc128(t);
			if (k < 0)
				k += FM_SERIES_DAY;
			if (k < 0 || k >= FM_SERIES_DAY)
				goto badtime;
			d->packets[k]++;
			d->octets[k] += (u128)size;
			sday_touch(d, k);
			rem -= size;
			t += piat;
			while (t >= (double)FM_SERIES_DAY) {
				day++;
				t -= (double)FM_SERIES_DAY;
				if ((r = get_day(s, day, &d, err)) < 0)
					return r;
			}
		}
		if (rem != 0)
			goto badsum;
	}
	return 0;
badtime:
	return fm_error_set(
	    err, FM_EFORMAT,
	    "record %llu: a packet at second %.3f falls outside its day (first "
	    "%lld.%03lld, last %lld.%03lld)",
	    (unsigned long long)recno, t, (long long)first, (long long)first_ms,
	    (long long)last, (long long)last_ms);
badsum:
	return fm_error_set(
	    err, FM_ERANGE,
	    "record %llu: packet sizes do not add up to %llu octets",
	    (unsigned long long)recno, (unsigned long long)octets);
}

int fm_series_add(struct fm_series *s, const struct fm_batch *b,
		  struct fm_error *err)
{
	const int64_t *F = b->col[FM_FIRST], *FM = b->col[FM_FIRST_MS];
	const int64_t *L = b->col[FM_LAST], *LM = b->col[FM_LAST_MS];
	const int64_t *P = b->col[FM_PACKETS], *O = b->col[FM_OCTETS];

	if (b->n && (!F || !FM || !L || !LM || !P || !O))
		return fm_error_set(err, FM_EINVAL,
				    "series needs first, first_ms, last, "
				    "last_ms, packets and octets");
	for (size_t i = 0; i < b->n; i++) {
		int r = add_record(s, F[i], FM[i], L[i], LM[i], (uint64_t)P[i],
				   (uint64_t)O[i], s->nrec + i + 1, err);
		if (r < 0)
			return r;
	}
	s->nrec += b->n;
	return 0;
}

/* ---- output ---- */

static size_t fmt_u128(char *p, u128 v)
{
	char tmp[48];
	size_t n = 0, k = 0;

	if (v <= UINT64_MAX)
		return fm_fmt_u64(p, (uint64_t)v);
	while (v) {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	}
	while (n)
		p[k++] = tmp[--n];
	return k;
}

#define WRITE_BUF ((size_t)1 << 18)

/* Write one file of 86400 lines to a temporary name beside path, through
 * buf (WRITE_BUF bytes). */
static int write_column(const char *path, const struct sday *d, int which,
			char *buf, char **tmpname, struct fm_error *err)
{
	size_t len = 0;
	int fd, r = fm_tmpfile_beside(path, tmpname, &fd, err);

	if (r < 0)
		return r;
	for (int k = 0; r == 0 && k < FM_SERIES_DAY; k++) {
		u128 v = which == 0   ? d->flows[k]
			 : which == 1 ? d->packets[k]
				      : d->octets[k];
		len += fmt_u128(buf + len, v);
		buf[len++] = '\n';
		if (len + 48 <= WRITE_BUF && k < FM_SERIES_DAY - 1)
			continue;
		if (fm_write_all(fd, buf, len) < 0)
			r = fm_error_set(err, FM_EIO, "%s: write: %s", path,
					 strerror(errno));
		len = 0;
	}
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	if (r < 0) {
		fm_tmpfile_discard(*tmpname);
		free(*tmpname);
		*tmpname = NULL;
	}
	return r;
}

/*
 * The i-th day of the series, ascending (the days held and those moved
 * out, walked together through *ih and *js): *out is a held day, or
 * scratch filled with the held part and the moved-out parts.
 */
static int next_day(const struct fm_series *s, size_t *ih, size_t *js,
		    struct sday *scratch, const struct sday **out,
		    struct fm_error *err)
{
	size_t ns = sspill_ndays(s->spill);
	int held = *ih < s->ndays, moved = *js < ns;
	int64_t day;

	if (held && moved)
		day = s->days[*ih].day < sspill_day(s->spill, *js)
			  ? s->days[*ih].day
			  : sspill_day(s->spill, *js);
	else
		day = held ? s->days[*ih].day : sspill_day(s->spill, *js);
	held = held && s->days[*ih].day == day;
	moved = moved && sspill_day(s->spill, *js) == day;
	if (!moved) {
		*out = &s->days[(*ih)++];
		return 0;
	}
	scratch->day = day;
	if (held) {
		const struct sday *h = &s->days[(*ih)++];
		memcpy(scratch->flows, h->flows,
		       FM_SERIES_DAY * sizeof(uint64_t));
		memcpy(scratch->packets, h->packets,
		       FM_SERIES_DAY * sizeof(uint64_t));
		memcpy(scratch->octets, h->octets,
		       FM_SERIES_DAY * sizeof(u128));
	} else {
		memset(scratch->flows, 0, FM_SERIES_DAY * sizeof(uint64_t));
		memset(scratch->packets, 0, FM_SERIES_DAY * sizeof(uint64_t));
		memset(scratch->octets, 0, FM_SERIES_DAY * sizeof(u128));
	}
	*out = scratch;
	return sspill_add(s->spill, (*js)++, scratch, err);
}

int fm_series_write(const struct fm_series *s, const char *dir,
		    struct fm_error *err)
{
	static const char *const ext[3] = {"flows", "packets", "octets"};
	size_t nf = fm_series_ndays(s) * 3, ih = 0, js = 0;
	char **tmp = calloc(nf ? nf : 1, sizeof(char *));
	char **fin = calloc(nf ? nf : 1, sizeof(char *));
	char *buf = malloc(WRITE_BUF);
	struct sday scratch = {0};
	const struct sday *d = NULL;
	int r = 0;

	if (!tmp || !fin || !buf ||
	    (sspill_ndays(s->spill) && sday_alloc(&scratch, 0) < 0)) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto out;
	}
	r = fm_mkdir_p(dir, err);
	for (size_t i = 0; i < nf && r == 0; i++) {
		struct fm_buf p = FM_BUF_INIT;
		if (i % 3 == 0 &&
		    (r = next_day(s, &ih, &js, &scratch, &d, err)) < 0)
			break;
		if (fm_buf_printf(&p, "%s/%lld.%s", dir, (long long)d->day,
				  ext[i % 3]) < 0) {
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			break;
		}
		fin[i] = fm_buf_detach(&p);
		r = write_column(fin[i], d, (int)(i % 3), buf, &tmp[i], err);
	}
	/* all complete: move them into place */
	for (size_t i = 0; i < nf && r == 0; i++) {
		if (fm_tmpfile_commit(tmp[i], fin[i]) < 0)
			r = fm_error_set(err, FM_EIO, "%s: rename: %s", fin[i],
					 strerror(errno));
		else {
			free(tmp[i]);
			tmp[i] = NULL;
		}
	}
out:
	for (size_t i = 0; i < nf && tmp && fin; i++) {
		if (tmp[i]) {
			fm_tmpfile_discard(tmp[i]);
			free(tmp[i]);
		}
		free(fin[i]);
	}
	free(tmp);
	free(fin);
	free(buf);
	sday_release(&scratch);
	return r;
}

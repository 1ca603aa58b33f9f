/*
 * test-merge.c - merge (SPEC 5): a hand-made case for every branch, a
 * differential test against a naive implementation written here from the
 * SPEC text (linear-search cache), and a generated dataset of flows split
 * on purpose that must come back whole.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/merge.h"
#include "testutil.h"

typedef struct {
	int64_t v[FM_NFIELDS];
} rec_t;

struct collect {
	rec_t *r;
	size_t n, cap;
};

static int collect_write(void *ctx, const struct fm_batch *b,
			 struct fm_error *err)
{
	struct collect *c = ctx;
	(void)err;
	for (size_t i = 0; i < b->n; i++) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->r = realloc(c->r, c->cap * sizeof(*c->r));
			assert_non_null(c->r);
		}
		for (int f = 0; f < FM_NFIELDS; f++)
			c->r[c->n].v[f] = b->col[f][i];
		c->n++;
	}
	return 0;
}

/* A record with key id k (in sp), times in ms since 0, and counters. */
static rec_t mk(int k, int64_t first_ms, int64_t last_ms, int64_t packets,
		int64_t aggs)
{
	rec_t r;
	memset(&r, 0, sizeof(r));
	r.v[FM_AF] = 2;
	r.v[FM_PROT] = 6;
	r.v[FM_SA3] = 0x0a000001;
	r.v[FM_DA3] = 0x0a000002;
	r.v[FM_SP] = k;
	r.v[FM_DP] = 443;
	r.v[FM_FIRST] = 1433962800 + first_ms / 1000;
	r.v[FM_FIRST_MS] = first_ms % 1000;
	r.v[FM_LAST] = 1433962800 + last_ms / 1000;
	r.v[FM_LAST_MS] = last_ms % 1000;
	r.v[FM_PACKETS] = packets;
	r.v[FM_OCTETS] = packets * 100;
	r.v[FM_AGGS] = aggs;
	return r;
}

static void feed(struct fm_merge *m, const rec_t *r, size_t n)
{
	struct fm_batch b;
	struct fm_error err = {0};

	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n ? n : 1), 0);
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < FM_NFIELDS; f++)
			fm_batch_mut(&b, f)[i] = r[i].v[f];
	b.n = n;
	assert_int_equal(fm_merge_feed(m, &b, &err), 0);
	fm_batch_release(&b);
}

struct run {
	struct collect out;
	size_t before_finish; /* records written before fm_merge_finish */
	struct fm_merge_stats st;
};

/* The cache budget of run_merge (fm_merge_opts.max_cached; 0 = none). */
static uint64_t budget;

static void run_merge(const rec_t *r, size_t n, double inactive, double active,
		      struct run *res)
{
	struct fm_merge_opts o = {inactive, active, budget};
	struct fm_merge_sink sink = {collect_write, &res->out};
	struct fm_merge *m;
	struct fm_error err = {0};

	memset(res, 0, sizeof(*res));
	sink.ctx = &res->out;
	assert_int_equal(fm_merge_new(&m, &o, &sink, &err), 0);
	/* one record per batch: finished records must not wait for a batch end
	 */
	for (size_t i = 0; i < n; i++)
		feed(m, &r[i], 1);
	/* what fm_merge_finish writes is exactly what is still cached */
	uint64_t cached = fm_merge_cached(m);
	assert_int_equal(fm_merge_finish(m, &err), 0);
	fm_merge_get_stats(m, &res->st);
	res->before_finish = res->st.written - cached;
	assert_int_equal(res->st.cached, cached);
	assert_int_equal(res->st.written, res->out.n);
	fm_merge_free(m);
}

static void assert_rec(const rec_t *a, const rec_t *b)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (a->v[f] != b->v[f])
			fail_msg("field %s: %lld != %lld", fm_field_name(f),
				 (long long)a->v[f], (long long)b->v[f]);
	}
}

static void test_too_short(void **state)
{
	(void)state;
	rec_t in[] = {mk(1, 0, 10000, 5, 1), mk(1, 20000, 30000, 3, 0)};
	struct run r;
	run_merge(in, 2, 15, 300, &r);
	/* both are short: written at once, in input order, never merged */
	assert_int_equal(r.out.n, 2);
	assert_int_equal(r.before_finish, 2);
	assert_int_equal(r.st.merged, 0);
	assert_int_equal(r.st.cached, 0);
	assert_rec(&r.out.r[0], &in[0]);
	rec_t exp = in[1];
	exp.v[FM_AGGS] = 1; /* aggs 0 is taken as 1 */
	assert_rec(&r.out.r[1], &exp);
	free(r.out.r);
}

static void test_candidate(void **state)
{
	(void)state;
	/* span 285 s = T: cached; span 284 s: written at once */
	rec_t in[] = {mk(1, 0, 285000, 5, 1), mk(2, 0, 284999, 5, 1)};
	struct run r;
	run_merge(in, 2, 15, 300, &r);
	assert_int_equal(r.out.n, 2);
	assert_int_equal(r.st.cached, 1);
	assert_rec(&r.out.r[0], &in[1]); /* the short one first */
	assert_rec(&r.out.r[1], &in[0]); /* the cached one at the end */
	free(r.out.r);
}

static void test_gap_below(void **state)
{
	(void)state;
	rec_t in[] = {mk(1, 0, 300000, 10, 1), mk(1, 314999, 320000, 4, 2)};
	struct run r;
	run_merge(in, 2, 15, 300, &r);
	assert_int_equal(r.out.n, 1);
	assert_int_equal(r.st.merged, 1);
	assert_int_equal(r.st.cached, 0);
	assert_int_equal(r.before_finish, 1); /* short continuation: written */
	rec_t exp = mk(1, 0, 320000, 14, 3);
	exp.v[FM_OCTETS] = 1400;
	assert_rec(&r.out.r[0], &exp);
	free(r.out.r);
}

static void test_gap_above(void **state)
{
	(void)state;
	/* gap exactly 15 s is not below the inactive timeout */
	rec_t in[] = {mk(1, 0, 300000, 10, 1), mk(1, 315000, 320000, 4, 1)};
	struct run r;
	run_merge(in, 2, 15, 300, &r);
	assert_int_equal(r.out.n, 2);
	assert_int_equal(r.st.merged, 0);
	assert_rec(&r.out.r[0], &in[0]);
	assert_rec(&r.out.r[1], &in[1]);
	assert_int_equal(r.before_finish, 2);
	free(r.out.r);

	/* gap above and the new record long: the old one out, the new cached */
	rec_t in2[] = {mk(1, 0, 300000, 10, 1), mk(1, 400000, 700000, 4, 1),
		       mk(2, 0, 1000, 1, 1)};
	run_merge(in2, 3, 15, 300, &r);
	assert_int_equal(r.out.n, 3);
	assert_int_equal(r.st.cached, 1);
	assert_rec(&r.out.r[0], &in2[0]);
	assert_rec(&r.out.r[1], &in2[2]);
	assert_rec(&r.out.r[2], &in2[1]);
	free(r.out.r);
}

static void test_reversed(void **state)
{
	(void)state;
	/* A cached, X cached, then B before A (gap 10 s): merged at A's place
	 */
	rec_t in[] = {mk(1, 1000000, 1300000, 10, 1), mk(2, 0, 400000, 7, 1),
		      mk(1, 600000, 990000, 4, 1)};
	struct run r;
	run_merge(in, 3, 15, 300, &r);
	assert_int_equal(r.st.reversed, 1);
	assert_int_equal(r.st.merged, 1);
	assert_int_equal(r.out.n, 2);
	rec_t exp = mk(1, 600000, 1300000, 14, 2);
	exp.v[FM_OCTETS] = 1400;
	assert_rec(&r.out.r[0], &exp);
	assert_rec(&r.out.r[1], &in[1]);
	free(r.out.r);

	/* reversed, gap too long: the earlier (new) one out, the cached one
	 * re-cached */
	rec_t in2[] = {mk(1, 1000000, 1300000, 10, 1),
		       mk(1, 100000, 400000, 4, 1)};
	run_merge(in2, 2, 15, 300, &r);
	assert_int_equal(r.st.reversed, 1);
	assert_int_equal(r.st.merged, 0);
	assert_int_equal(r.out.n, 2);
	assert_rec(&r.out.r[0], &in2[1]);
	assert_rec(&r.out.r[1], &in2[0]);
	free(r.out.r);
}

static void test_overlap(void **state)
{
	(void)state;
	rec_t in[] = {mk(1, 0, 300000, 10, 1), mk(1, 200000, 400000, 4, 1),
		      mk(2, 0, 1000, 1, 1)};
	struct run r;
	run_merge(in, 3, 15, 300, &r);
	assert_int_equal(r.st.wrong, 1);
	assert_int_equal(r.out.n, 1); /* both of key 1 dropped */
	assert_rec(&r.out.r[0], &in[2]);
	free(r.out.r);
	/* equal times also overlap: n.first == o.last */
	rec_t in2[] = {mk(1, 0, 300000, 10, 1), mk(1, 300000, 310000, 4, 1)};
	run_merge(in2, 2, 15, 300, &r);
	assert_int_equal(r.st.wrong, 1);
	assert_int_equal(r.out.n, 0);
	free(r.out.r);
}

static void test_dump_order(void **state)
{
	(void)state;
	/* K1, K2, K3 cached; K1 continues (long, stays at its place); K2 gets
	 * a long record after a long gap (goes to the end); K4 short. */
	rec_t in[] = {
	    mk(1, 0, 300000, 1, 1),	 mk(2, 1000, 301000, 1, 1),
	    mk(3, 2000, 302000, 1, 1),	 mk(1, 301000, 601000, 1, 1),
	    mk(2, 400000, 700000, 1, 1), mk(4, 0, 5, 1, 1),
	};
	struct run r;
	run_merge(in, 6, 15, 300, &r);
	assert_int_equal(r.out.n, 5);
	assert_int_equal(r.st.cached, 3);
	assert_int_equal(r.out.r[0].v[FM_SP], 2); /* old K2, written at once */
	assert_int_equal(r.out.r[1].v[FM_SP], 4);
	assert_int_equal(r.out.r[2].v[FM_SP], 1); /* dump: insertion order */
	assert_int_equal(r.out.r[2].v[FM_AGGS], 2);
	assert_int_equal(r.out.r[3].v[FM_SP], 3);
	assert_int_equal(r.out.r[4].v[FM_SP], 2);
	assert_int_equal(r.out.r[4].v[FM_FIRST], 1433962800 + 400);
	free(r.out.r);
}

static void test_ms_borrow(void **state)
{
	(void)state;
	/* gap 15.400 s under -I 15.5: merged (the reference's 1000 - ms would
	 * not) */
	rec_t in[] = {mk(1, 0, 300600, 10, 1), mk(1, 316000, 320000, 4, 1)};
	struct run r;
	run_merge(in, 2, 15.5, 300, &r);
	assert_int_equal(r.st.merged, 1);
	assert_int_equal(r.out.n, 1);
	free(r.out.r);
	/* gap 15.600 s: not merged */
	rec_t in2[] = {mk(1, 0, 300600, 10, 1), mk(1, 316200, 320000, 4, 1)};
	run_merge(in2, 2, 15.5, 300, &r);
	assert_int_equal(r.st.merged, 0);
	assert_int_equal(r.out.n, 2);
	free(r.out.r);
	/* gap 15.499 s: merged; 15.500: not */
	rec_t in3[] = {mk(1, 0, 300600, 10, 1), mk(1, 316099, 320000, 4, 1),
		       mk(2, 0, 300600, 10, 1), mk(2, 316100, 320000, 4, 1)};
	run_merge(in3, 4, 15.5, 300, &r);
	assert_int_equal(r.st.merged, 1);
	assert_int_equal(r.out.n, 3);
	free(r.out.r);
}

static void test_bad_options(void **state)
{
	(void)state;
	struct collect c = {0};
	struct fm_merge_sink sink = {collect_write, &c};
	struct fm_merge *m = NULL;
	struct fm_error err = {0};
	struct fm_merge_opts o = {15, 10, 0};
	assert_int_equal(fm_merge_new(&m, &o, &sink, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "below the inactive"));
	o.inactive = -1;
	o.active = 300;
	assert_int_equal(fm_merge_new(&m, &o, &sink, &err), FM_EINVAL);
	o.inactive = 0.0 / 0.0;
	assert_int_equal(fm_merge_new(&m, &o, &sink, &err), FM_EINVAL);
}

/* ---- the naive implementation, straight from SPEC 5 ---- */

struct naive {
	rec_t *cache;
	size_t n, cap;
	struct collect out;
	uint64_t merged, wrong, reversed;
};

static int key_same(const rec_t *a, const rec_t *b)
{
	return memcmp(a->v, b->v, 14 * sizeof(int64_t)) == 0;
}

static void naive_remove(struct naive *s, size_t i)
{
	memmove(&s->cache[i], &s->cache[i + 1], (s->n - i - 1) * sizeof(rec_t));
	s->n--;
}

static void naive_add(struct naive *s, const rec_t *r)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->cache = realloc(s->cache, s->cap * sizeof(rec_t));
		assert_non_null(s->cache);
	}
	s->cache[s->n++] = *r;
}

static void naive_write(struct naive *s, const rec_t *r)
{
	struct fm_batch b;
	memset(&b, 0, sizeof(b));
	b.n = 1;
	b.fields = FM_ALL_FIELDS;
	for (int f = 0; f < FM_NFIELDS; f++)
		b.col[f] = &r->v[f];
	collect_write(&s->out, &b, NULL);
}

static void naive_merge(const rec_t *in, size_t n, int64_t ina_ms, double T,
			struct naive *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		rec_t nw = in[i];
		if (nw.v[FM_AGGS] == 0)
			nw.v[FM_AGGS] = 1;
		size_t j;
		for (j = 0; j < s->n && !key_same(&s->cache[j], &nw); j++)
			;
		if (j == s->n) {
			if ((double)(nw.v[FM_LAST] - nw.v[FM_FIRST]) < T)
				naive_write(s, &nw);
			else
				naive_add(s, &nw);
			continue;
		}
		rec_t o = s->cache[j], a, b;
		int64_t nf = nw.v[FM_FIRST] * 1000 + nw.v[FM_FIRST_MS];
		int64_t nl = nw.v[FM_LAST] * 1000 + nw.v[FM_LAST_MS];
		int64_t of = o.v[FM_FIRST] * 1000 + o.v[FM_FIRST_MS];
		int64_t ol = o.v[FM_LAST] * 1000 + o.v[FM_LAST_MS];
		if (nf > ol) {
			a = o;
			b = nw;
		} else if (of > nl) {
			a = nw;
			b = o;
			s->reversed++;
		} else {
			s->wrong++;
			naive_remove(s, j);
			continue;
		}
		/* ms values are 0..999 here, so the true gap in ms is exact */
		int64_t gap = (b.v[FM_FIRST] * 1000 + b.v[FM_FIRST_MS]) -
			      (a.v[FM_LAST] * 1000 + a.v[FM_LAST_MS]);
		if (gap < ina_ms) {
			rec_t mr = a;
			mr.v[FM_LAST] = b.v[FM_LAST];
			mr.v[FM_LAST_MS] = b.v[FM_LAST_MS];
			mr.v[FM_PACKETS] += b.v[FM_PACKETS];
			mr.v[FM_OCTETS] += b.v[FM_OCTETS];
			mr.v[FM_AGGS] += b.v[FM_AGGS];
			s->merged++;
			s->cache[j] = mr;
			if ((double)(b.v[FM_LAST] - b.v[FM_FIRST]) < T) {
				naive_remove(s, j);
				naive_write(s, &mr);
			}
		} else {
			naive_remove(s, j);
			naive_write(s, &a);
			if ((double)(b.v[FM_LAST] - b.v[FM_FIRST]) < T)
				naive_write(s, &b);
			else
				naive_add(s, &b);
		}
	}
	for (size_t j = 0; j < s->n; j++)
		naive_write(s, &s->cache[j]);
}

static void test_differential(void **state)
{
	(void)state;
	uint64_t seed = 7;
	const size_t n = 20000;
	rec_t *in = malloc(n * sizeof(*in));
	const double ina[] = {15.0, 15.5, 0.25, 60};
	uint64_t merged = 0, wrong = 0, reversed = 0;
	assert_non_null(in);

	for (int round = 0; round < 4; round++) {
		int nkeys = round == 3 ? 2000 : 40;
		for (size_t i = 0; i < n; i++) {
			int64_t t = (int64_t)(i * 40) +
				    (int64_t)(tu_rand(&seed) % 2000000);
			int64_t d = tu_rand(&seed) % 3
					? (int64_t)(tu_rand(&seed) % 330000)
					: (int64_t)(tu_rand(&seed) % 5000);
			in[i] = mk((int)(tu_rand(&seed) % (uint64_t)nkeys), t,
				   t + d, 1 + (int64_t)(tu_rand(&seed) % 100),
				   (int64_t)(tu_rand(&seed) % 3));
		}
		struct run r;
		struct naive s;
		naive_merge(in, n, llround(ina[round] * 1000), 300 - ina[round],
			    &s);
		/* no budget, and budgets that spill (0: none) */
		static const uint64_t budgets[] = {0, 1, 7, 100};
		for (size_t bi = 0; bi < 4; bi++) {
			budget = budgets[bi];
			run_merge(in, n, ina[round], 300, &r);
			assert_int_equal(r.out.n, s.out.n);
			assert_int_equal(r.st.merged, s.merged);
			assert_int_equal(r.st.wrong, s.wrong);
			assert_int_equal(r.st.reversed, s.reversed);
			for (size_t i = 0; i < s.out.n; i++)
				assert_rec(&r.out.r[i], &s.out.r[i]);
			free(r.out.r);
		}
		budget = 0;
		merged += s.merged;
		wrong += s.wrong;
		reversed += s.reversed;
		free(s.out.r);
		free(s.cache);
	}
	/* every branch was exercised */
	print_message("merged %llu wrong %llu reversed %llu\n",
		      (unsigned long long)merged, (unsigned long long)wrong,
		      (unsigned long long)reversed);
	assert_true(merged > 0 && wrong > 0 && reversed > 0);
	free(in);
}

/* ---- flows split on purpose come back whole ---- */

static int cmp_sp_sa(const void *a, const void *b)
{
	const rec_t *x = a, *y = b;
	for (int f = 0; f < FM_NFIELDS; f++)
		if (x->v[f] != y->v[f])
			return x->v[f] < y->v[f] ? -1 : 1;
	return 0;
}

static int cmp_export(const void *a, const void *b)
{
	const rec_t *x = a, *y = b;
	int64_t ex = x->v[FM_LAST] * 1000 + x->v[FM_LAST_MS];
	int64_t ey = y->v[FM_LAST] * 1000 + y->v[FM_LAST_MS];
	if (ex != ey)
		return ex < ey ? -1 : 1;
	return cmp_sp_sa(a, b);
}

static void test_split_dataset(void **state)
{
	(void)state;
	const size_t nflows = 5000;
	const double I = 15, A = 300;
	uint64_t seed = 99;
	rec_t *flows = calloc(nflows, sizeof(rec_t));
	rec_t *pieces = calloc(nflows * 8, sizeof(rec_t));
	size_t np = 0;
	assert_non_null(flows);
	assert_non_null(pieces);

	for (size_t i = 0; i < nflows; i++) {
		/* a unique key per flow */
		rec_t f = mk((int)(i % 60000), 0, 0, 0, 0);
		f.v[FM_SA3] = (int64_t)(0x0a000000 + i);
		int k = 1 + (int)(tu_rand(&seed) % 6);
		int64_t t = (int64_t)(tu_rand(&seed) % 3600000);
		int64_t start = t;
		int64_t packets = 0, octets = 0;
		for (int p = 0; p < k; p++) {
			/* exporter pieces: the middle ones span the active
			 * timeout (at least A - I), the gaps are below I, the
			 * last is short */
			int64_t d = p + 1 < k
					? (int64_t)((A - I) * 1000) +
					      (int64_t)(tu_rand(&seed) % 15000)
					: (int64_t)(tu_rand(&seed) % 200000);
			rec_t pc = f;
			pc.v[FM_FIRST] = 1433962800 + t / 1000;
			pc.v[FM_FIRST_MS] = t % 1000;
			pc.v[FM_LAST] = 1433962800 + (t + d) / 1000;
			pc.v[FM_LAST_MS] = (t + d) % 1000;
			pc.v[FM_PACKETS] = 1 + (int64_t)(tu_rand(&seed) % 1000);
			pc.v[FM_OCTETS] =
			    pc.v[FM_PACKETS] *
			    (40 + (int64_t)(tu_rand(&seed) % 1460));
			pc.v[FM_AGGS] = 1;
			packets += pc.v[FM_PACKETS];
			octets += pc.v[FM_OCTETS];
			pieces[np++] = pc;
			t += d + 1 +
			     (int64_t)(tu_rand(&seed) %
				       (uint64_t)(I * 1000 - 1));
			if (p + 1 == k) {
				f.v[FM_FIRST] = 1433962800 + start / 1000;
				f.v[FM_FIRST_MS] = start % 1000;
				f.v[FM_LAST] = pc.v[FM_LAST];
				f.v[FM_LAST_MS] = pc.v[FM_LAST_MS];
			}
		}
		f.v[FM_PACKETS] = packets;
		f.v[FM_OCTETS] = octets;
		f.v[FM_AGGS] = k;
		flows[i] = f;
	}
	/* the exporter sends each piece when it ends */
	qsort(pieces, np, sizeof(rec_t), cmp_export);
	struct run r, rb;
	/* with a budget of 50 records most waiting pieces are spilled and
	 * taken back: the same output */
	budget = 50;
	run_merge(pieces, np, I, A, &rb);
	budget = 0;
	run_merge(pieces, np, I, A, &r);
	assert_int_equal(rb.out.n, r.out.n);
	for (size_t i = 0; i < r.out.n; i++)
		assert_rec(&rb.out.r[i], &r.out.r[i]);
	free(rb.out.r);
	assert_int_equal(r.st.wrong, 0);
	assert_int_equal(r.st.merged, np - nflows);
	assert_int_equal(r.out.n, nflows);
	qsort(r.out.r, r.out.n, sizeof(rec_t), cmp_sp_sa);
	qsort(flows, nflows, sizeof(rec_t), cmp_sp_sa);
	for (size_t i = 0; i < nflows; i++)
		assert_rec(&r.out.r[i], &flows[i]);
	free(r.out.r);
	free(flows);
	free(pieces);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_too_short),
	    cmocka_unit_test(test_candidate),
	    cmocka_unit_test(test_gap_below),
	    cmocka_unit_test(test_gap_above),
	    cmocka_unit_test(test_reversed),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_dump_order),
	    cmocka_unit_test(test_ms_borrow),
	    cmocka_unit_test(test_bad_options),
	    cmocka_unit_test(test_differential),
	    cmocka_unit_test(test_split_dataset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-top.c - top-N statistics (top.h) against a naive grouping: every
 * record's key words built here field by field, groups found by linear
 * search, sorted by insertion into place; the engine must give the same
 * groups, sums, order (ties by key) and totals, for single and combined
 * keys, addresses of both families and `port` (both ports, once when
 * equal).  Also the key parser's errors and the port/proto names.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/flowtext.h"
#include "flowmodels/top.h"
#include "testutil.h"
#include "top-int.h"

struct ngroup {
	int64_t w[FM_TOP_MAX_WIDTH];
	uint64_t s[4]; /* flows, packets, octets; 0 (by 3: the key only) */
};

static int nwidth;

/* The key words of record i, with the port variant (0 sp, 1 dp). */
static void naive_key(const struct fm_batch *b, size_t i,
		      const struct fm_top_keys *k, int dp, int64_t *w)
{
	int o = 0;
	for (int j = 0; j < k->n; j++) {
		int key = k->key[j];
		if (key == FM_TOPK_SA || key == FM_TOPK_DA) {
			int base = key == FM_TOPK_SA ? FM_SA0 : FM_DA0;
			int v6 = b->col[FM_AF][i] == 10;
			w[o++] = v6 ? 6 : 4;
			for (int x = 0; x < 4; x++)
				w[o++] =
				    (v6 || x == 3) ? b->col[base + x][i] : 0;
		} else if (key == FM_TOPK_PORT) {
			w[o++] = dp ? b->col[FM_DP][i] : b->col[FM_SP][i];
		} else {
			w[o++] = b->col[key][i];
		}
	}
	nwidth = o;
}

static int ncmp(const struct ngroup *a, const struct ngroup *b, int by)
{
	if (a->s[by] != b->s[by])
		return a->s[by] > b->s[by] ? -1 : 1;
	for (int x = 0; x < nwidth; x++)
		if (a->w[x] != b->w[x])
			return a->w[x] < b->w[x] ? -1 : 1;
	return 0;
}

static int nby; /* qsort has no context argument */

static int ncmp_key(const void *a, const void *b)
{
	return ncmp(a, b, 3);
}

static int ncmp_by(const void *a, const void *b)
{
	return ncmp(a, b, nby);
}

/*
 * The groups of keys k over b, in order (by), naively: every record (and
 * port variant) its own group, sorted by key, equal keys summed, sorted
 * by (sum, key).  Returns the count; *out is calloc'ed.
 */
static size_t naive_groups(const struct fm_top_keys *k,
			   const struct fm_batch *b, int by,
			   struct ngroup **out, uint64_t tot[3])
{
	struct ngroup *g = calloc(2 * b->n + 1, sizeof(*g));
	size_t ng = 0, m = 0;
	int has_port = 0;

	for (int j = 0; j < k->n; j++)
		has_port |= k->key[j] == FM_TOPK_PORT;
	for (size_t i = 0; i < b->n; i++) {
		uint64_t add[3] = {1, (uint64_t)b->col[FM_PACKETS][i],
				   (uint64_t)b->col[FM_OCTETS][i]};
		for (int v = 0; v < 1 + has_port; v++) {
			if (v && b->col[FM_SP][i] == b->col[FM_DP][i])
				break;
			naive_key(b, i, k, v, g[ng].w);
			memcpy(g[ng++].s, add, sizeof(add));
		}
		for (int s = 0; s < 3; s++)
			tot[s] += add[s];
	}
	/* s[3] of the ngroup is past the sums: by 3 compares keys only */
	qsort(g, ng, sizeof(*g), ncmp_key);
	for (size_t x = 0; x < ng; x++) {
		if (m && !memcmp(g[m - 1].w, g[x].w, (size_t)nwidth * 8)) {
			for (int s = 0; s < 3; s++)
				g[m - 1].s[s] += g[x].s[s];
			continue;
		}
		g[m++] = g[x];
	}
	nby = by;
	qsort(g, m, sizeof(*g), ncmp_by);
	*out = g;
	return m;
}

/* The first `want` rows of t by `by` are the first of the naive groups. */
static void check_rows(struct fm_top *t, const char *spec, int by, size_t n,
		       const struct ngroup *g, size_t ng)
{
	struct fm_error err;
	struct fm_top_row *rows;
	size_t want = n && n < ng ? n : ng;

	assert_int_equal(fm_top_result(t, (enum fm_top_by)by, n, &rows, &err),
			 (long)want);
	for (size_t r = 0; r < want; r++)
		if (memcmp(rows[r].key, g[r].w, (size_t)nwidth * 8) ||
		    rows[r].flows != g[r].s[0] ||
		    rows[r].packets != g[r].s[1] || rows[r].octets != g[r].s[2])
			fail_msg("%s by %d, first %zu: row %zu differs", spec,
				 by, n, r);
	free(rows);
}

/* t's groups, totals and first rows against the naive grouping of b. */
static void check_table(struct fm_top *t, const char *spec,
			const struct fm_batch *b, int by)
{
	struct ngroup *g;
	uint64_t tot[3] = {0, 0, 0}, f, p, o;
	size_t ng = naive_groups(fm_top_keys_of(t), b, by, &g, tot);

	if (fm_top_groups(t) != ng)
		fail_msg("%s: %zu groups, want %zu", spec, fm_top_groups(t),
			 ng);
	fm_top_totals(t, &f, &p, &o);
	assert_true(f == tot[0] && p == tot[1] && o == tot[2]);
	/* all, and the first N (selected without sorting all) */
	const size_t firsts[] = {0, 1, 3, 17, 200, ng ? ng - 1 : 0, ng + 5};
	for (size_t q = 0; q < sizeof(firsts) / sizeof(firsts[0]); q++)
		check_rows(t, spec, by, firsts[q], g, ng);
	free(g);
}

static void check(const char *spec, const struct fm_batch *b, int by)
{
	struct fm_top_keys k;
	struct fm_error err;
	struct fm_top *t;

	assert_int_equal(fm_top_keys_parse(spec, &k, &err), 0);
	assert_int_equal(fm_top_new(&t, &k, &err), 0);
	assert_int_equal(fm_top_add(t, b, &err), 0);
	check_table(t, spec, b, by);
	fm_top_free(t);
}

static void test_differential(void **state)
{
	struct fm_batch b;
	uint64_t s = 28;
	const size_t n = 3000;
	(void)state;
	assert_int_equal(fm_batch_alloc(&b, FM_ALL_FIELDS, n), 0);
	for (size_t i = 0; i < n; i++) {
		tu_random_record(&b, i, &s);
		/* few distinct values, so groups and ties are many */
		fm_batch_mut(&b, FM_AF)[i] = tu_rand(&s) % 3 ? 2 : 10;
		for (int x = 0; x < 4; x++) {
			fm_batch_mut(&b, FM_SA0 + x)[i] =
			    (int64_t)(tu_rand(&s) % 3);
			fm_batch_mut(&b, FM_DA0 + x)[i] =
			    (int64_t)(tu_rand(&s) % 2);
		}
		fm_batch_mut(&b, FM_SP)[i] = (int64_t)(tu_rand(&s) % 20);
		fm_batch_mut(&b, FM_DP)[i] = (int64_t)(tu_rand(&s) % 20);
		fm_batch_mut(&b, FM_PROT)[i] = tu_rand(&s) % 2 ? 6 : 17;
		fm_batch_mut(&b, FM_PACKETS)[i] =
		    (int64_t)(1 + tu_rand(&s) % 5);
		fm_batch_mut(&b, FM_OCTETS)[i] =
		    (int64_t)(40 + tu_rand(&s) % 3);
	}
	b.n = n;
	static const char *const specs[] = {
	    "sa",    "da",	   "port",  "proto",	    "dp",
	    "sa,dp", "proto,port", "da,sa", "port,sa,prot", "packets"};
	for (size_t k = 0; k < sizeof(specs) / sizeof(specs[0]); k++)
		for (int by = 0; by < 3; by++)
			check(specs[k], &b, by);
	fm_batch_release(&b);
}

/*
 * Many groups (thousands: the narrow table grows, the selection
 * keeps a heap of many rows) of keys that pack into 64 bits (IPv4
 * addresses, small ports) mixed with keys that do not (IPv6 addresses,
 * IPv4 records with junk in the upper address words, ports above 16 bits
 * and negative), with ties; in one table, and in three partitions joined
 * (top_absorb) as the threads do, then more records added to the joined
 * table (its partitions merged back).
 */
static void many_records(struct fm_batch *b, size_t n, uint64_t s)
{
	for (size_t i = 0; i < n; i++) {
		tu_random_record(b, i, &s);
		int v6 = tu_rand(&s) % 10 < 3;
		fm_batch_mut(b, FM_AF)[i] = v6 ? 10 : 2;
		for (int x = 0; x < 4; x++) {
			/* IPv4 ignores the upper words */
			fm_batch_mut(b, FM_SA0 + x)[i] =
			    x == 3 ? (int64_t)(tu_rand(&s) % 6000)
				   : (int64_t)(tu_rand(&s) % (v6 ? 2 : 5));
			fm_batch_mut(b, FM_DA0 + x)[i] =
			    x == 3 ? (int64_t)(0xfffff000u + tu_rand(&s) % 4096)
				   : (int64_t)(tu_rand(&s) % 3);
		}
		uint64_t u = tu_rand(&s) % 100;
		fm_batch_mut(b, FM_SP)[i] = (int64_t)(tu_rand(&s) % 40);
		fm_batch_mut(b, FM_DP)[i] = u == 0   ? -1
					    : u == 1 ? (int64_t)70000
					    : u == 2
						? INT64_C(1) << 40
						: (int64_t)(tu_rand(&s) % 3000);
		fm_batch_mut(b, FM_PROT)[i] = tu_rand(&s) % 2 ? 6 : 17;
		fm_batch_mut(b, FM_PACKETS)[i] = (int64_t)(1 + tu_rand(&s) % 3);
		fm_batch_mut(b, FM_OCTETS)[i] = (int64_t)(40 + tu_rand(&s) % 2);
	}
	b->n = n;
}

/* spec over b in nparts partitions joined, then c added: against b + c. */
static void check_parts(const char *spec, const struct fm_batch *b,
			const struct fm_batch *c, const struct fm_batch *bc,
			int nparts)
{
	struct fm_top_keys k;
	struct fm_error err;
	struct fm_top *t[3];

	assert_int_equal(fm_top_keys_parse(spec, &k, &err), 0);
	for (int p = 0; p < nparts; p++) {
		assert_int_equal(fm_top_new(&t[p], &k, &err), 0);
		if (top_direct(t[p])) /* one-word keys: one partition only */
			nparts = 1;
		assert_int_equal(top_add_part(t[p], b, p, nparts, p == 0, &err),
				 0);
	}
	for (int p = 1; p < nparts; p++)
		assert_int_equal(top_absorb(t[0], t[p]), 0);
	check_table(t[0], spec, b, FM_TOP_FLOWS);
	assert_int_equal(fm_top_add(t[0], c, &err), 0);
	check_table(t[0], spec, bc, FM_TOP_OCTETS);
	fm_top_free(t[0]);
}

static void test_many_groups(void **state)
{
	struct fm_batch b, c, bc;
	const size_t n = 12000, m = 2000;
	(void)state;
	assert_int_equal(fm_batch_alloc(&bc, FM_ALL_FIELDS, n + m), 0);
	many_records(&bc, n + m, 7);
	/* b: the first n records, c: the last m (views of bc) */
	b = bc;
	b.n = n;
	c = bc;
	for (int f = 0; f < FM_NFIELDS; f++)
		c.col[f] = bc.col[f] + n;
	c.n = m;
	static const char *const specs[] = {"sa",	    "da",	"sa,dp",
					    "port",	    "dp,sa",	"sa,da",
					    "port,sa,prot", "sa,da,dp", "dp"};
	for (size_t k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
		for (int by = 0; by < 3; by++)
			check(specs[k], &bc, by);
		check_parts(specs[k], &b, &c, &bc, 3);
	}
	fm_batch_release(&bc);
}

static void test_keys(void **state)
{
	struct fm_top_keys k;
	struct fm_error err;
	(void)state;
	assert_int_equal(fm_top_keys_parse("sa,port,proto", &k, &err), 0);
	assert_int_equal(k.n, 3);
	assert_int_equal(k.key[2], FM_PROT);
	assert_string_equal(fm_top_key_name(k.key[0]), "sa");
	assert_string_equal(fm_top_key_name(k.key[1]), "port");
	assert_true(fm_top_keys_parse("src", &k, &err) < 0);
	assert_non_null(strstr(
	    err.msg, "unknown key 'src' (keys: sa, da, port, proto, af"));
	assert_true(fm_top_keys_parse("port,port", &k, &err) < 0);
	assert_true(fm_top_keys_parse("sa,", &k, &err) < 0);
	assert_true(fm_top_keys_parse("sa,da,sp,dp,prot", &k, &err) < 0);
	assert_int_equal(fm_top_by_parse("octets"), FM_TOP_OCTETS);
	assert_int_equal(fm_top_by_parse("bytes"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_differential),
	    cmocka_unit_test(test_many_groups),
	    cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

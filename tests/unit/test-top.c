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

struct ngroup {
	int64_t w[FM_TOP_MAX_WIDTH];
	uint64_t s[3];
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

static void check(const char *spec, const struct fm_batch *b, int by)
{
	struct fm_top_keys k;
	struct fm_error err;
	struct fm_top *t;
	struct fm_top_row *rows;
	struct ngroup *g = calloc(2 * b->n, sizeof(*g));
	size_t ng = 0;
	uint64_t tot[3] = {0, 0, 0}, f, p, o;

	assert_int_equal(fm_top_keys_parse(spec, &k, &err), 0);
	assert_int_equal(fm_top_new(&t, &k, &err), 0);
	assert_int_equal(fm_top_add(t, b, &err), 0);
	int has_port = 0;
	for (int j = 0; j < k.n; j++)
		has_port |= k.key[j] == FM_TOPK_PORT;
	for (size_t i = 0; i < b->n; i++) {
		uint64_t add[3] = {1, (uint64_t)b->col[FM_PACKETS][i],
				   (uint64_t)b->col[FM_OCTETS][i]};
		for (int v = 0; v < 1 + has_port; v++) {
			int64_t w[FM_TOP_MAX_WIDTH];
			size_t x;
			if (v && b->col[FM_SP][i] == b->col[FM_DP][i])
				break;
			naive_key(b, i, &k, v, w);
			for (x = 0; x < ng; x++)
				if (!memcmp(g[x].w, w, (size_t)nwidth * 8))
					break;
			if (x == ng)
				memcpy(g[ng++].w, w, (size_t)nwidth * 8);
			for (int s = 0; s < 3; s++)
				g[x].s[s] += add[s];
		}
		for (int s = 0; s < 3; s++)
			tot[s] += add[s];
	}
	/* insertion sort */
	for (size_t x = 1; x < ng; x++)
		for (size_t y = x; y > 0 && ncmp(&g[y], &g[y - 1], by) < 0;
		     y--) {
			struct ngroup tmp = g[y];
			g[y] = g[y - 1];
			g[y - 1] = tmp;
		}
	long n = fm_top_result(t, (enum fm_top_by)by, 0, &rows, &err);
	assert_int_equal(n, (long)ng);
	assert_int_equal(fm_top_groups(t), ng);
	for (long r = 0; r < n; r++) {
		if (memcmp(rows[r].key, g[r].w, (size_t)nwidth * 8) ||
		    rows[r].flows != g[r].s[0] ||
		    rows[r].packets != g[r].s[1] || rows[r].octets != g[r].s[2])
			fail_msg("%s by %d: row %ld differs", spec, by, r);
	}
	fm_top_totals(t, &f, &p, &o);
	assert_true(f == tot[0] && p == tot[1] && o == tot[2]);
	free(rows);
	/* the first N (selected without sorting all) are the first N of all */
	static const size_t firsts[] = {1, 3, 17, 200};
	for (size_t q = 0; q < sizeof(firsts) / sizeof(firsts[0]); q++) {
		size_t want = ng < firsts[q] ? ng : firsts[q];
		assert_int_equal(fm_top_result(t, (enum fm_top_by)by, firsts[q],
					       &rows, &err),
				 (long)want);
		for (size_t r = 0; r < want; r++)
			if (memcmp(rows[r].key, g[r].w, (size_t)nwidth * 8) ||
			    rows[r].flows != g[r].s[0] ||
			    rows[r].packets != g[r].s[1] ||
			    rows[r].octets != g[r].s[2])
				fail_msg("%s by %d, first %zu: row %zu differs",
					 spec, by, firsts[q], r);
		free(rows);
	}
	fm_top_free(t);
	free(g);
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
	    cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

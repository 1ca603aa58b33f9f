/*
 * merge.c - active-timeout stitching of split flow records (SPEC 5 merge,
 * SPEC 9.2 for the deliberate fixes).
 *
 * Design: records stream through in input order.  The cache is an
 * open-addressing hash table (linear probing, backward-shift deletion,
 * load <= 1/2) of indices into a pool of entries; each entry holds a
 * whole record plus its hash and links of a doubly linked list in
 * insertion order, so the end-of-input dump follows insertion order and
 * removal is O(1).  Freed entries are reused through a free list.
 * Finished records are appended to an owned output batch that goes to the
 * sink whenever it is full.
 *
 * With a budget (fm_merge_opts.max_cached), the cache keeps at most that
 * many records in memory: beyond it the records that entered first move
 * to a spill file (merge-spill.c: memory-mapped files, the record at its
 * insertion number's slot, an index by key hash), each keeping its
 * insertion number; a record of a spilled key takes it back into the
 * cache, linked into the insertion order at its number, and the
 * end-of-input dump merges the cache and the spilled records (in slot
 * order, which is insertion order) by insertion number.  The output is
 * the same whatever the budget.
 *
 * Time comparisons are done as (seconds, milliseconds) pairs, as SPEC 5
 * says, in 128-bit arithmetic so that absurd field values cannot overflow.
 * The inactive timeout is split into whole seconds and milliseconds after
 * rounding to the nearest millisecond (15.5 -> (15, 500)).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/merge.h"
#include "merge-spill.h"

#define NKEY 14 /* af .. dp */
#define NIL UINT32_MAX

struct entry {
	int64_t v[FM_NFIELDS];
	uint64_t hash;
	uint64_t seq;	     /* insertion number: the end-of-input order */
	uint32_t prev, next; /* insertion order (next: free list when free) */
};

struct fm_merge {
	struct fm_merge_sink sink;
	int64_t ina_s, ina_ms; /* inactive timeout as (s, ms) */
	double span_t;	       /* T = active - inactive, seconds */

	struct entry *ent;
	uint32_t nent, cap_ent; /* entries used (ever) / allocated */
	uint32_t free_head;
	uint32_t head, tail;  /* insertion order */
	uint32_t *tab;	      /* entry index + 1; 0 = empty */
	size_t mask;	      /* table size - 1 */
	size_t count;	      /* live entries */
	uint64_t next_seq;    /* insertion number of the next new entry */
	uint64_t max_cached;  /* budget of entries in memory; 0 = none */
	struct spill spill;   /* the entries beyond it */
	uint64_t spill_total; /* records ever spilled */

	struct fm_batch out;
	struct fm_merge_stats st;

	/* records of the current input batch that go straight to the output
	 * (no cached record of their key, too short to wait), not yet copied */
	const struct fm_batch *cur;
	uint32_t *direct;
	size_t ndirect;
	uint64_t *hash; /* hashes of the current batch's keys */
};

#define HASH_SEED 0x243f6a8885a308d3ULL

static inline uint64_t hash_step(uint64_t h, int64_t v)
{
	h ^= (uint64_t)v;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static inline uint64_t hash_final(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	return h ^ (h >> 32);
}

static int key_eq(const int64_t *a, const int64_t *b)
{
	for (int i = 0; i < NKEY; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* Slot holding key k (hash h), or the empty slot where it would go. */
static size_t find_slot(const struct fm_merge *m, const int64_t *k, uint64_t h)
{
	size_t i = (size_t)h & m->mask;

	for (;;) {
		uint32_t t = m->tab[i];
		if (!t)
			return i;
		const struct entry *e = &m->ent[t - 1];
		if (e->hash == h && key_eq(e->v, k))
			return i;
		i = (i + 1) & m->mask;
	}
}

static int grow_table(struct fm_merge *m)
{
	size_t nsize = (m->mask + 1) * 2;
	uint32_t *nt = calloc(nsize, sizeof(*nt));

	if (!nt)
		return FM_ENOMEM;
	for (size_t i = 0; i <= m->mask; i++) {
		uint32_t t = m->tab[i];
		if (!t)
			continue;
		size_t j = (size_t)m->ent[t - 1].hash & (nsize - 1);
		while (nt[j])
			j = (j + 1) & (nsize - 1);
		nt[j] = t;
	}
	free(m->tab);
	m->tab = nt;
	m->mask = nsize - 1;
	return 0;
}

/* Remove the entry at table slot i (backward-shift deletion). */
static void remove_slot(struct fm_merge *m, size_t i)
{
	uint32_t idx = m->tab[i] - 1;
	struct entry *e = &m->ent[idx];
	size_t j = i;

	for (;;) {
		j = (j + 1) & m->mask;
		uint32_t t = m->tab[j];
		if (!t)
			break;
		size_t k = (size_t)m->ent[t - 1].hash & m->mask;
		/* the entry at j may stay when its home k lies cyclically in
		 * (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		m->tab[i] = t;
		i = j;
	}
	m->tab[i] = 0;
	/* unlink from insertion order, push onto the free list */
	if (e->prev != NIL)
		m->ent[e->prev].next = e->next;
	else
		m->head = e->next;
	if (e->next != NIL)
		m->ent[e->next].prev = e->prev;
	else
		m->tail = e->prev;
	e->next = m->free_head;
	m->free_head = idx;
	m->count--;
}

/* Link entry idx into the insertion order by its number: at the tail for
 * a new entry, further in for one taken back from the spill file. */
static void link_ordered(struct fm_merge *m, uint32_t idx)
{
	struct entry *e = &m->ent[idx];
	uint32_t at = m->head; /* the first entry with a larger number */

	if (m->tail == NIL || m->ent[m->tail].seq < e->seq)
		at = NIL;
	while (at != NIL && m->ent[at].seq < e->seq)
		at = m->ent[at].next;
	e->next = at;
	e->prev = at == NIL ? m->tail : m->ent[at].prev;
	if (e->prev != NIL)
		m->ent[e->prev].next = idx;
	else
		m->head = idx;
	if (at != NIL)
		m->ent[at].prev = idx;
	else
		m->tail = idx;
}

/* Insert record r (hash h, insertion number seq) at the empty slot i;
 * returns 0 or FM_ENOMEM. */
static int insert_at(struct fm_merge *m, size_t i, const int64_t *r, uint64_t h,
		     uint64_t seq)
{
	uint32_t idx;

	if (m->free_head != NIL) {
		idx = m->free_head;
		m->free_head = m->ent[idx].next;
	} else {
		if (m->nent == m->cap_ent) {
			if (m->cap_ent >= NIL / 2)
				return FM_ENOMEM;
			uint32_t nc = m->cap_ent ? m->cap_ent * 2 : 1024;
			struct entry *ne =
			    realloc(m->ent, (size_t)nc * sizeof(*ne));
			if (!ne)
				return FM_ENOMEM;
			m->ent = ne;
			m->cap_ent = nc;
		}
		idx = m->nent++;
	}
	struct entry *e = &m->ent[idx];
	memcpy(e->v, r, sizeof(e->v));
	e->hash = h;
	e->seq = seq;
	link_ordered(m, idx);
	m->tab[i] = idx + 1;
	m->count++;
	if (m->count * 2 > m->mask + 1)
		return grow_table(m);
	return 0;
}

/* A new entry: the next insertion number. */
static int insert_new(struct fm_merge *m, size_t i, const int64_t *r,
		      uint64_t h)
{
	return insert_at(m, i, r, h, m->next_seq++);
}

static int flush_out(struct fm_merge *m, struct fm_error *err)
{
	int r = 0;

	if (m->out.n) {
		struct fm_batch b = m->out;
		b.store = NULL;
		r = m->sink.write(m->sink.ctx, &b, err);
		m->out.n = 0;
	}
	return r;
}

/* Copy the pending direct records of the current batch to the output. */
static int flush_direct(struct fm_merge *m, struct fm_error *err)
{
	const struct fm_batch *b = m->cur;
	size_t done = 0;

	while (done < m->ndirect) {
		size_t room = m->out.cap - m->out.n;
		size_t k = m->ndirect - done < room ? m->ndirect - done : room;
		const uint32_t *idx = m->direct + done;
		for (int f = 0; f < FM_NFIELDS; f++) {
			int64_t *d = fm_batch_mut(&m->out, f) + m->out.n;
			const int64_t *c = b->col[f];
			for (size_t j = 0; j < k; j++)
				d[j] = c[idx[j]];
			if (f == FM_AGGS)
				for (size_t j = 0; j < k; j++)
					if (d[j] == 0)
						d[j] = 1;
		}
		m->out.n += k;
		m->st.written += k;
		done += k;
		if (m->out.n == m->out.cap) {
			int r = flush_out(m, err);
			if (r < 0)
				return r;
		}
	}
	m->ndirect = 0;
	return 0;
}

static int emit(struct fm_merge *m, const int64_t *r, struct fm_error *err)
{
	size_t n;

	if (m->ndirect) {
		int e = flush_direct(m, err);
		if (e < 0)
			return e;
	}
	n = m->out.n;
	for (int f = 0; f < FM_NFIELDS; f++)
		fm_batch_mut(&m->out, f)[n] = r[f];
	m->out.n = n + 1;
	m->st.written++;
	if (m->out.n == m->out.cap)
		return flush_out(m, err);
	return 0;
}

/* Whether record r spans less than T seconds (whole seconds). */
static int is_short(const struct fm_merge *m, const int64_t *r)
{
	int64_t span;

	if (__builtin_sub_overflow(r[FM_LAST], r[FM_FIRST], &span))
		return r[FM_LAST] < r[FM_FIRST];
	return (double)span < m->span_t;
}

/* (as, ams) > (bs, bms) */
static int after(int64_t as, int64_t ams, int64_t bs, int64_t bms)
{
	return as > bs || (as == bs && ams > bms);
}

int fm_merge_new(struct fm_merge **out, const struct fm_merge_opts *o,
		 const struct fm_merge_sink *sink, struct fm_error *err)
{
	struct fm_merge *m;

	if (!isfinite(o->inactive) || o->inactive < 0 || o->inactive > 1e12)
		return fm_error_set(
		    err, FM_EINVAL,
		    "inactive timeout %g: expected seconds between 0 and 1e12",
		    o->inactive);
	if (!isfinite(o->active) || o->active > 1e12)
		return fm_error_set(
		    err, FM_EINVAL,
		    "active timeout %g: expected seconds up to 1e12",
		    o->active);
	if (o->active < o->inactive)
		return fm_error_set(
		    err, FM_EINVAL,
		    "active timeout %g is below the inactive timeout %g",
		    o->active, o->inactive);
	m = calloc(1, sizeof(*m));
	if (!m)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	int64_t ms = llround(o->inactive * 1000.0);
	m->ina_s = ms / 1000;
	m->ina_ms = ms % 1000;
	m->span_t = o->active - o->inactive;
	m->sink = *sink;
	m->max_cached = o->max_cached;
	spill_init(&m->spill);
	m->free_head = m->head = m->tail = NIL;
	m->mask = 1023;
	m->tab = calloc(m->mask + 1, sizeof(*m->tab));
	m->direct = malloc(FM_BATCH_CAP * sizeof(*m->direct));
	m->hash = malloc(FM_BATCH_CAP * sizeof(*m->hash));
	if (!m->tab || !m->direct || !m->hash ||
	    fm_batch_alloc(&m->out, FM_ALL_FIELDS, FM_BATCH_CAP)) {
		fm_merge_free(m);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

#define OOM(err)                                                               \
	fm_error_set((err), FM_ENOMEM,                                         \
		     "out of memory (merge cache of %zu records)", m->count)

/*
 * Record n (aggs already >= 1 when it was 0) with hash h, whose key is in
 * the cache at table slot `slot`, or absent (the slot is then empty).
 */
static int merge_one(struct fm_merge *m, const int64_t *n, uint64_t h,
		     size_t slot, struct fm_error *err)
{
	int r;

	if (!m->tab[slot]) {
		if (is_short(m, n))
			return emit(m, n, err);
		return insert_new(m, slot, n, h) < 0 ? OOM(err) : 0;
	}

	struct entry *o = &m->ent[m->tab[slot] - 1];
	const int64_t *early, *late;
	int64_t cached[FM_NFIELDS];

	memcpy(cached, o->v, sizeof(cached));
	if (after(n[FM_FIRST], n[FM_FIRST_MS], cached[FM_LAST],
		  cached[FM_LAST_MS])) {
		early = cached;
		late = n;
	} else if (after(cached[FM_FIRST], cached[FM_FIRST_MS], n[FM_LAST],
			 n[FM_LAST_MS])) {
		early = n;
		late = cached;
		m->st.reversed++;
	} else {
		m->st.wrong++;
		remove_slot(m, slot);
		return 0;
	}

	__int128 ds = (__int128)late[FM_FIRST] - early[FM_LAST];
	__int128 dms = (__int128)late[FM_FIRST_MS] - early[FM_LAST_MS];
	if (dms < 0) {
		ds -= 1;
		dms += 1000;
	}
	if (ds < m->ina_s || (ds == m->ina_s && dms < m->ina_ms)) {
		/* merge: the result takes o's place in the cache */
		int64_t *v = o->v;
		if (early != cached)
			memcpy(v, early, sizeof(o->v));
		v[FM_LAST] = late[FM_LAST];
		v[FM_LAST_MS] = late[FM_LAST_MS];
		v[FM_PACKETS] = (int64_t)((uint64_t)early[FM_PACKETS] +
					  (uint64_t)late[FM_PACKETS]);
		v[FM_OCTETS] = (int64_t)((uint64_t)early[FM_OCTETS] +
					 (uint64_t)late[FM_OCTETS]);
		v[FM_AGGS] = (int64_t)((uint64_t)early[FM_AGGS] +
				       (uint64_t)late[FM_AGGS]);
		m->st.merged++;
		if (is_short(m, late)) {
			int64_t done[FM_NFIELDS];
			memcpy(done, v, sizeof(done));
			remove_slot(m, slot);
			return emit(m, done, err);
		}
		return 0;
	}
	/* gap too long: the early record is finished */
	int64_t keep[FM_NFIELDS];
	memcpy(keep, late, sizeof(keep));
	remove_slot(m, slot);
	if ((r = emit(m, early, err)) < 0)
		return r;
	if (is_short(m, keep))
		return emit(m, keep, err);
	slot = find_slot(m, keep, h);
	return insert_new(m, slot, keep, h) < 0 ? OOM(err) : 0;
}

/* Slot of the key of record i of batch b (hash h), or its empty slot. */
static size_t find_slot_col(const struct fm_merge *m, const struct fm_batch *b,
			    size_t i, uint64_t h)
{
	size_t s = (size_t)h & m->mask;

	for (;;) {
		uint32_t t = m->tab[s];
		if (!t)
			return s;
		const struct entry *e = &m->ent[t - 1];
		if (e->hash == h) {
			int f = 0;
			while (f < NKEY && e->v[f] == b->col[f][i])
				f++;
			if (f == NKEY)
				return s;
		}
		s = (s + 1) & m->mask;
	}
}

/*
 * Record i of batch b (hash h) has no cached record of its key: take one
 * back from the spill file when there is one there, and update *slot.
 */
static int unspill(struct fm_merge *m, const struct fm_batch *b, size_t i,
		   uint64_t h, size_t *slot, struct fm_error *err)
{
	int64_t key[NKEY], back[FM_NFIELDS];
	uint64_t seq;
	int r;

	for (int f = 0; f < NKEY; f++)
		key[f] = b->col[f][i];
	r = spill_take(&m->spill, key, NKEY, h, back, &seq, err);
	if (r <= 0)
		return r;
	if (insert_at(m, *slot, back, h, seq) < 0)
		return OOM(err);
	*slot = find_slot(m, key, h);
	return 0;
}

/* Over the budget: the entries that came first go to the spill file, down
 * to 7/8 of the budget (so that this runs once every many records). */
static int evict(struct fm_merge *m, struct fm_error *err)
{
	uint64_t keep = m->max_cached - m->max_cached / 8;

	while (m->count > keep && m->head != NIL) {
		const struct entry *e = &m->ent[m->head];
		int r = spill_put(&m->spill, e->v, e->hash, e->seq, err);
		if (r < 0)
			return r;
		m->spill_total++;
		remove_slot(m, find_slot(m, e->v, e->hash));
	}
	return 0;
}

int fm_merge_feed(struct fm_merge *m, const struct fm_batch *b,
		  struct fm_error *err)
{
	int64_t rec[FM_NFIELDS];
	uint64_t *h = m->hash;
	const int64_t *first = b->col[FM_FIRST], *last = b->col[FM_LAST];
	int r = 0;

	if ((b->fields & FM_ALL_FIELDS) != FM_ALL_FIELDS)
		return fm_error_set(err, FM_EINVAL,
				    "merge needs all 21 fields");
	if (b->n > FM_BATCH_CAP)
		return fm_error_set(err, FM_EINVAL,
				    "merge: batch of %zu records is too large",
				    b->n);
	/* the key hashes, column by column */
	for (size_t i = 0; i < b->n; i++)
		h[i] = HASH_SEED;
	for (int f = 0; f < NKEY; f++) {
		const int64_t *c = b->col[f];
		for (size_t i = 0; i < b->n; i++)
			h[i] = hash_step(h[i], c[i]);
	}
	for (size_t i = 0; i < b->n; i++)
		h[i] = hash_final(h[i]);

	m->cur = b;
	m->ndirect = 0;
	for (size_t i = 0; i < b->n; i++) {
		size_t slot = find_slot_col(m, b, i, h[i]);
		if (!m->tab[slot] && m->spill.nlive &&
		    (r = unspill(m, b, i, h[i], &slot, err)) < 0)
			break;
		if (!m->tab[slot]) {
			int64_t span;
			if (!__builtin_sub_overflow(last[i], first[i], &span) &&
			    (double)span < m->span_t) {
				m->direct[m->ndirect++] = (uint32_t)i;
				continue;
			}
		}
		for (int f = 0; f < FM_NFIELDS; f++)
			rec[f] = b->col[f][i];
		if (rec[FM_AGGS] == 0)
			rec[FM_AGGS] = 1;
		if ((r = merge_one(m, rec, h[i], slot, err)) < 0)
			break;
		if (m->max_cached && m->count > m->max_cached &&
		    (r = evict(m, err)) < 0)
			break;
	}
	if (r == 0)
		r = flush_direct(m, err);
	m->cur = NULL;
	m->ndirect = 0;
	if (r == 0)
		m->st.read += b->n;
	return r;
}

int fm_merge_finish(struct fm_merge *m, struct fm_error *err)
{
	int64_t srec[FM_NFIELDS];
	uint64_t sseq = 0, pos = 0;
	uint32_t i = m->head;
	int r = 0, more;

	m->st.cached = m->count + m->spill.nlive;
	/* the cache and the spilled records, by insertion number */
	more = spill_next(&m->spill, &pos, srec, &sseq);
	while (r == 0 && (i != NIL || more)) {
		if (more && (i == NIL || sseq < m->ent[i].seq)) {
			r = emit(m, srec, err);
			more = spill_next(&m->spill, &pos, srec, &sseq);
		} else {
			r = emit(m, m->ent[i].v, err);
			i = m->ent[i].next;
		}
	}
	if (r < 0)
		return r;
	/* the cache is now empty */
	m->head = m->tail = m->free_head = NIL;
	m->nent = 0;
	m->count = 0;
	spill_release(&m->spill);
	memset(m->tab, 0, (m->mask + 1) * sizeof(*m->tab));
	return flush_out(m, err);
}

void fm_merge_get_stats(const struct fm_merge *m, struct fm_merge_stats *st)
{
	*st = m->st;
	st->spilled = m->spill_total;
}

uint64_t fm_merge_cached(const struct fm_merge *m)
{
	return m->count + m->spill.nlive;
}

uint64_t fm_merge_spilled(const struct fm_merge *m)
{
	return m->spill_total;
}

void fm_merge_free(struct fm_merge *m)
{
	if (!m)
		return;
	free(m->ent);
	free(m->tab);
	free(m->direct);
	free(m->hash);
	spill_release(&m->spill);
	fm_batch_release(&m->out);
	free(m);
}

static int write_to_writer(void *ctx, const struct fm_batch *b,
			   struct fm_error *err)
{
	return fm_writer_write(ctx, b, err);
}

int fm_merge_run(struct fm_scan *s, struct fm_writer *w,
		 const struct fm_merge_opts *opts, struct fm_merge_stats *stats,
		 struct fm_error *err)
{
	struct fm_merge_sink sink = {write_to_writer, w};
	struct fm_merge *m;
	struct fm_batch b;
	long n;
	int r;

	r = fm_merge_new(&m, opts, &sink, err);
	if (r < 0)
		return r;
	while ((n = fm_scan_next(s, &b, err)) > 0)
		if ((r = fm_merge_feed(m, &b, err)) < 0)
			break;
	if (n < 0)
		r = (int)n;
	if (r == 0)
		r = fm_merge_finish(m, err);
	if (stats)
		fm_merge_get_stats(m, stats);
	fm_merge_free(m);
	return r;
}

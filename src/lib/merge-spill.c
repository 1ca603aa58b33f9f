/*
 * merge-spill.c - merge's records moved out of memory (merge-spill.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "merge-spill.h"

/* A slot: the insertion number + 1 (0: none), then the 21 fields. */
#define SLOT_WORDS (1 + FM_NFIELDS)
#define SLOT_BYTES (SLOT_WORDS * 8)
#define CHUNK_BYTES ((uint64_t)1 << 20)
#define TABLE_MIN 1024

void spill_init(struct spill *s)
{
	memset(s, 0, sizeof(*s));
	s->rfd = s->tfd = -1;
}

void spill_release(struct spill *s)
{
	if (s->rmap)
		munmap(s->rmap, s->rcap);
	if (s->rfd >= 0)
		close(s->rfd);
	if (s->tab)
		munmap(s->tab, (s->mask + 1) * sizeof(*s->tab));
	if (s->tfd >= 0)
		close(s->tfd);
	free(s->chunks);
	free(s->filter);
	spill_init(s);
}

/* File fd (old bytes mapped at *map) to new bytes, mapped at *map. */
static int map_size(int fd, void **map, size_t old, size_t size,
		    struct fm_error *err)
{
	void *m;

	if (ftruncate(fd, (off_t)size) < 0)
		return fm_error_set(err, FM_EIO, "merge's spill file: %s",
				    strerror(errno));
	m = *map ? mremap(*map, old, size, MREMAP_MAYMOVE)
		 : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return fm_error_set(err, FM_EIO, "merge's spill file: mmap: %s",
				    strerror(errno));
	*map = m;
	return 0;
}

/* A new (zeroed) table of size entries in a new file, the live entries of
 * the old one moved in (tombstones are left behind). */
static int grow_table(struct spill *s, size_t size, struct fm_error *err)
{
	void *nt = NULL;
	int fd, r = fm_tmpfile_unlinked("merge", &fd, err);

	if (r < 0)
		return r;
	if ((r = map_size(fd, &nt, 0, size * sizeof(*s->tab), err)) < 0) {
		close(fd);
		return r;
	}
	struct spill_ent *t = nt;
	s->used = 0;
	for (size_t i = 0; s->tab && i <= s->mask; i++) {
		struct spill_ent e = s->tab[i];
		if (!e.slot || e.slot == SPILL_DEAD)
			continue;
		size_t j = (size_t)e.hash & (size - 1);
		while (t[j].slot)
			j = (j + 1) & (size - 1);
		t[j] = e;
		s->used++;
	}
	if (s->tab) {
		munmap(s->tab, (s->mask + 1) * sizeof(*s->tab));
		close(s->tfd);
	}
	s->tab = t;
	s->tfd = fd;
	s->mask = size - 1;
	return 0;
}

/* Room for the slot of insertion number seq. */
static int grow_records(struct spill *s, uint64_t seq, struct fm_error *err)
{
	uint64_t need = (seq + 1) * SLOT_BYTES, size = s->rcap;
	void *m = s->rmap;
	int r;

	if (need <= s->rcap)
		return 0;
	if (s->rfd < 0 && fm_tmpfile_unlinked("merge", &s->rfd, err) < 0)
		return FM_EIO;
	while (size < need)
		size = size ? 2 * size : 16 * CHUNK_BYTES;
	size_t oldw = s->chunks ? s->rcap / CHUNK_BYTES / 64 + 1 : 0,
	       neww = (size_t)(size / CHUNK_BYTES / 64 + 1);
	uint64_t *nc = realloc(s->chunks, neww * sizeof(*nc));
	if (!nc)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	memset(nc + oldw, 0, (neww - oldw) * sizeof(*nc));
	s->chunks = nc;
	if ((r = map_size(s->rfd, &m, s->rcap, (size_t)size, err)) < 0)
		return r;
	s->rmap = m;
	s->rcap = (size_t)size;
	return 0;
}

/* The filter's two bits of hash h. */
static inline uint64_t filter_bit(uint64_t h, int k)
{
	return (k ? h >> 32 : h) & (SPILL_FILTER_BITS - 1);
}

static inline int filter_has(const struct spill *s, uint64_t h)
{
	for (int k = 0; k < 2; k++) {
		uint64_t b = filter_bit(h, k);
		if (!(s->filter[b / 64] & (UINT64_C(1) << (b % 64))))
			return 0;
	}
	return 1;
}

int spill_put(struct spill *s, const int64_t *r, uint64_t h, uint64_t seq,
	      struct fm_error *err)
{
	int rc;

	if (!s->filter &&
	    !(s->filter = calloc(SPILL_FILTER_BITS / 64, sizeof(uint64_t))))
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (int k = 0; k < 2; k++) {
		uint64_t b = filter_bit(h, k);
		s->filter[b / 64] |= UINT64_C(1) << (b % 64);
	}

	if (!s->tab || (s->used + 1) * 2 > s->mask + 1) {
		rc = grow_table(s, s->tab ? (s->mask + 1) * 2 : TABLE_MIN, err);
		if (rc < 0)
			return rc;
	}
	if ((rc = grow_records(s, seq, err)) < 0)
		return rc;
	int64_t *w = (int64_t *)(void *)(s->rmap + seq * SLOT_BYTES);
	w[0] = (int64_t)(seq + 1);
	memcpy(w + 1, r, FM_NFIELDS * sizeof(int64_t));
	uint64_t c = seq * SLOT_BYTES / CHUNK_BYTES;
	s->chunks[c / 64] |= UINT64_C(1) << (c % 64);
	size_t i = (size_t)h & s->mask;
	while (s->tab[i].slot)
		i = (i + 1) & s->mask;
	s->tab[i] = (struct spill_ent){h, seq + 1};
	s->used++;
	s->nlive++;
	return 0;
}

int spill_take(struct spill *s, const int64_t *key, int nkey, uint64_t h,
	       int64_t *r, uint64_t *seq, struct fm_error *err)
{
	(void)err;
	if (!s->nlive || !filter_has(s, h))
		return 0;
	for (size_t i = (size_t)h & s->mask; s->tab[i].slot;
	     i = (i + 1) & s->mask) {
		struct spill_ent *e = &s->tab[i];
		if (e->slot == SPILL_DEAD || e->hash != h)
			continue;
		int64_t *w =
		    (int64_t *)(void *)(s->rmap + (e->slot - 1) * SLOT_BYTES);
		if (memcmp(w + 1, key, (size_t)nkey * sizeof(int64_t)))
			continue;
		memcpy(r, w + 1, FM_NFIELDS * sizeof(int64_t));
		*seq = (uint64_t)w[0] - 1;
		w[0] = 0;
		e->slot = SPILL_DEAD;
		s->nlive--;
		return 1;
	}
	return 0;
}

int spill_next(const struct spill *s, uint64_t *pos, int64_t *r, uint64_t *seq)
{
	while ((*pos + 1) * SLOT_BYTES <= s->rcap) {
		uint64_t off = *pos * SLOT_BYTES, c = off / CHUNK_BYTES;
		if (!(s->chunks[c / 64] & (UINT64_C(1) << (c % 64)))) {
			/* nothing ever spilled there: the next MiB */
			*pos = ((c + 1) * CHUNK_BYTES + SLOT_BYTES - 1) /
			       SLOT_BYTES;
			continue;
		}
		const int64_t *w =
		    (const int64_t *)(const void *)(s->rmap + off);
		++*pos;
		if (w[0]) {
			*seq = (uint64_t)w[0] - 1;
			memcpy(r, w + 1, FM_NFIELDS * sizeof(int64_t));
			return 1;
		}
	}
	return 0;
}

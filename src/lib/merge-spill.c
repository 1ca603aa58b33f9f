/*
 * merge-spill.c - merge's records moved out of memory (merge-spill.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "io-int.h"
#include "merge-spill.h"

/* A slot: the insertion number, then the 21 fields. */
#define SLOT_WORDS (1 + FM_NFIELDS)
#define SLOT_BYTES (SLOT_WORDS * 8)
#define BUF_SLOTS 256

void spill_init(struct spill *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

void spill_release(struct spill *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s->tab);
	spill_init(s);
}

static int flush_buf(struct spill *s, struct fm_error *err)
{
	if (!s->nbuf)
		return 0;
	if (s->fd < 0 && fm_tmpfile_unlinked("merge", &s->fd, err) < 0)
		return FM_EIO;
	if (lseek(s->fd, (off_t)(s->flushed * SLOT_BYTES), SEEK_SET) < 0 ||
	    fm_write_all(s->fd, s->buf, s->nbuf * SLOT_BYTES) < 0)
		return fm_error_set(err, FM_EIO,
				    "merge's spill file: write: %s",
				    strerror(errno));
	s->flushed += s->nbuf;
	s->nbuf = 0;
	return 0;
}

static int grow(struct spill *s)
{
	size_t size = s->tab ? (s->mask + 1) * 2 : 1024;
	struct spill_ent *nt = calloc(size, sizeof(*nt));

	if (!nt)
		return FM_ENOMEM;
	/* tombstones are left behind */
	s->used = 0;
	for (size_t i = 0; s->tab && i <= s->mask; i++) {
		struct spill_ent e = s->tab[i];
		if (!e.slot || e.slot == SPILL_DEAD)
			continue;
		size_t j = (size_t)e.hash & (size - 1);
		while (nt[j].slot)
			j = (j + 1) & (size - 1);
		nt[j] = e;
		s->used++;
	}
	free(s->tab);
	s->tab = nt;
	s->mask = size - 1;
	return 0;
}

int spill_put(struct spill *s, const int64_t *r, uint64_t h, uint64_t seq,
	      struct fm_error *err)
{
	if (!s->buf && !(s->buf = malloc(BUF_SLOTS * SLOT_BYTES)))
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (!s->tab || (s->used + 1) * 2 > s->mask + 1)
		if (grow(s) < 0)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (s->nbuf == BUF_SLOTS && flush_buf(s, err) < 0)
		return FM_EIO;
	int64_t *w = (int64_t *)(s->buf + s->nbuf * SLOT_BYTES);
	w[0] = (int64_t)seq;
	memcpy(w + 1, r, FM_NFIELDS * sizeof(int64_t));
	s->nbuf++;
	size_t i = (size_t)h & s->mask;
	while (s->tab[i].slot)
		i = (i + 1) & s->mask;
	s->tab[i] = (struct spill_ent){h, ++s->nslots};
	s->used++;
	s->nlive++;
	return 0;
}

int spill_read(struct spill *s, uint64_t slot, int64_t *r, uint64_t *seq,
	       struct fm_error *err)
{
	int64_t w[SLOT_WORDS];

	if (slot >= s->flushed) {
		memcpy(w, s->buf + (slot - s->flushed) * SLOT_BYTES,
		       SLOT_BYTES);
	} else {
		size_t got = 0;
		while (got < SLOT_BYTES) {
			ssize_t k =
			    pread(s->fd, (char *)w + got, SLOT_BYTES - got,
				  (off_t)(slot * SLOT_BYTES + got));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return fm_error_set(
				    err, FM_EIO, "merge's spill file: read: %s",
				    k < 0 ? strerror(errno) : "short file");
			got += (size_t)k;
		}
	}
	*seq = (uint64_t)w[0];
	memcpy(r, w + 1, FM_NFIELDS * sizeof(int64_t));
	return 0;
}

int spill_take(struct spill *s, const int64_t *key, int nkey, uint64_t h,
	       int64_t *r, uint64_t *seq, struct fm_error *err)
{
	if (!s->nlive)
		return 0;
	for (size_t i = (size_t)h & s->mask; s->tab[i].slot;
	     i = (i + 1) & s->mask) {
		struct spill_ent *e = &s->tab[i];
		if (e->slot == SPILL_DEAD || e->hash != h)
			continue;
		int rc = spill_read(s, e->slot - 1, r, seq, err);
		if (rc < 0)
			return rc;
		if (memcmp(r, key, (size_t)nkey * sizeof(int64_t)))
			continue;
		e->slot = SPILL_DEAD;
		s->nlive--;
		return 1;
	}
	return 0;
}

struct seqslot {
	uint64_t seq, slot;
};

static int seqslot_cmp(const void *pa, const void *pb)
{
	const struct seqslot *a = pa, *b = pb;

	return (a->seq > b->seq) - (a->seq < b->seq);
}

uint64_t *spill_sorted(struct spill *s, struct fm_error *err)
{
	struct seqslot *v;
	uint64_t *out;
	int64_t rec[FM_NFIELDS];
	size_t n = 0;

	if (!s->nlive)
		return NULL;
	v = malloc(s->nlive * sizeof(*v));
	out = malloc(s->nlive * sizeof(*out));
	if (!v || !out) {
		free(v);
		free(out);
		fm_error_set(err, FM_ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i <= s->mask; i++) {
		uint64_t sl = s->tab[i].slot;
		if (!sl || sl == SPILL_DEAD)
			continue;
		if (spill_read(s, sl - 1, rec, &v[n].seq, err) < 0) {
			free(v);
			free(out);
			return NULL;
		}
		v[n++].slot = sl - 1;
	}
	qsort(v, n, sizeof(*v), seqslot_cmp);
	for (size_t i = 0; i < n; i++)
		out[i] = v[i].slot;
	free(v);
	return out;
}

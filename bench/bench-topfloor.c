/*
 * bench-topfloor.c - the floor under `top sa` on a binary dataset of IPv4
 * sources (gen-dataset's): what its parts cost at the least, measured in
 * this process, against what `hist -b 0` has to do.
 *     bench-topfloor DIR [ROUNDS]      (default 5 rounds; the least)
 * Parts, each timed alone (wall and CPU of this process):
 *   hist-like  read packets and octets, bin by the bit length of packets
 *              (about the work of hist -b 0 on one thread);
 *   read       read af, sa3, packets and octets (the columns top sa needs
 *              for IPv4 records; in place, no copies);
 *   fresh      touch a fresh table of the groups' size (slots of 32
 *              bytes, a power of 2 at most 3/4 full, as top's narrow
 *              table; on huge pages): what the kernel charges to zero it;
 *   aggregate  read and add every record to that table (open addressing,
 *              the slot prefetched 16 records ahead), fresh each round:
 *              the least a hash aggregation of these groups costs.
 * No output, no sort, no selection, sa3 taken as the key even of IPv6
 * records: a floor, not a program.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HUGE_SIZE ((size_t)2 << 20)
#define DIST 16

struct slot {
	uint64_t key, flows, packets, octets;
};

struct cols {
	size_t n;
	const uint8_t *af;
	const uint32_t *sa3;
	const uint64_t *packets, *octets;
};

static double now(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static const void *map_col(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		exit(1);
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		perror(path);
		exit(1);
	}
	*len = (size_t)st.st_size;
	return m;
}

/* A fresh buffer of len bytes on huge pages (2 MiB aligned); munmap'ed by
 * fresh_free. */
static void *fresh(size_t len, void **map, size_t *maplen)
{
	*maplen = len + HUGE_SIZE;
	char *m = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	char *p = (char *)(((uintptr_t)m + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1));
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE);
#endif
	*map = m;
	return p;
}

static uint64_t hash(uint64_t k)
{
	k = (k ^ k >> 30) * 0xbf58476d1ce4e5b9u;
	k = (k ^ k >> 27) * 0x94d049bb133111ebu;
	return k ^ k >> 31;
}

static uint64_t hist_like(const struct cols *c)
{
	static uint64_t bins[65][3];
	for (size_t i = 0; i < c->n; i++) {
		int b = c->packets[i] ? 64 - __builtin_clzll(c->packets[i]) : 0;
		bins[b][0]++;
		bins[b][1] += c->packets[i];
		bins[b][2] += c->octets[i];
	}
	return bins[1][0];
}

static uint64_t read_cols(const struct cols *c)
{
	uint64_t s = 0;
	for (size_t i = 0; i < c->n; i++)
		s += c->af[i] + c->sa3[i] + c->packets[i] + c->octets[i];
	return s;
}

static size_t aggregate(const struct cols *c, struct slot *t, size_t cap)
{
	const size_t mask = cap - 1;
	size_t groups = 0;
	uint64_t h[DIST];

	for (size_t i = 0; i < c->n + DIST; i++) {
		uint64_t hn = 0;
		if (i < c->n) {
			hn = hash(c->sa3[i]);
			__builtin_prefetch(&t[hn & mask], 1);
		}
		if (i >= DIST) {
			size_t j = i - DIST, s = h[j % DIST] & mask;
			uint64_t k = c->sa3[j];
			while (t[s].flows && t[s].key != k)
				s = (s + 1) & mask;
			if (!t[s].flows) {
				t[s].key = k;
				groups++;
			}
			t[s].flows++;
			t[s].packets += c->packets[j];
			t[s].octets += c->octets[j];
		}
		if (i < c->n)
			h[i % DIST] = hn;
	}
	return groups;
}

struct best {
	double wall, cpu;
};

static void keep(struct best *b, double w0, double c0)
{
	double w = now(CLOCK_MONOTONIC) - w0,
	       c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (b->wall == 0 || w < b->wall)
		b->wall = w;
	if (b->cpu == 0 || c < b->cpu)
		b->cpu = c;
}

int main(int argc, char **argv)
{
	struct cols c;
	size_t len;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	struct best bh = {0, 0}, br = {0, 0}, bf = {0, 0}, ba = {0, 0};
	size_t groups = 0, cap = 1024;
	volatile uint64_t sink = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-topfloor DIR [ROUNDS]\n");
		return 2;
	}
	c.af = map_col(argv[1], "af.B", &c.n);
	c.sa3 = map_col(argv[1], "sa3.I", &len);
	c.packets = map_col(argv[1], "packets.Q", &len);
	c.octets = map_col(argv[1], "octets.Q", &len);
	sink += read_cols(&c); /* into the page cache and mapped */
	for (int r = 0; r < rounds; r++) {
		double w0 = now(CLOCK_MONOTONIC),
		       c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		sink += hist_like(&c);
		keep(&bh, w0, c0);
		w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		sink += read_cols(&c);
		keep(&br, w0, c0);
		void *map;
		size_t maplen;
		if (r == 0) { /* size the table for the groups */
			struct slot *t =
			    fresh(c.n * 2 * sizeof(*t), &map, &maplen);
			size_t big = 1;
			while (big < 2 * c.n)
				big *= 2;
			groups = aggregate(&c, t, big);
			munmap(map, maplen);
			while (4 * groups > 3 * cap)
				cap *= 2;
		}
		size_t bytes = cap * sizeof(struct slot);
		w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		char *p = fresh(bytes, &map, &maplen);
		for (size_t i = 0; i < bytes; i += 4096)
			p[i] = 1;
		keep(&bf, w0, c0);
		munmap(map, maplen);
		w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		struct slot *t = fresh(bytes, &map, &maplen);
		sink += aggregate(&c, t, cap);
		keep(&ba, w0, c0);
		munmap(map, maplen);
	}
	printf("records %zu, groups %zu, table %zu slots (%.1f MiB); least of "
	       "%d rounds:\n",
	       c.n, groups, cap, (double)cap * sizeof(struct slot) / 1048576.0,
	       rounds);
	printf("  %-10s wall %.4f s  cpu %.4f s\n", "hist-like", bh.wall,
	       bh.cpu);
	printf("  %-10s wall %.4f s  cpu %.4f s\n", "read", br.wall, br.cpu);
	printf("  %-10s wall %.4f s  cpu %.4f s\n", "fresh", bf.wall, bf.cpu);
	printf("  %-10s wall %.4f s  cpu %.4f s  (%.2fx hist-like by cpu)\n",
	       "aggregate", ba.wall, ba.cpu, ba.cpu / bh.cpu);
	return sink == 42;
}

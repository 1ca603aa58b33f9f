/*
 * bigmem.c - large anonymous buffers on transparent huge pages (bigmem.h).
 *
 * The mapping is the size rounded up to whole 2 MiB pages and one more,
 * and the buffer starts at a 2 MiB boundary inside it (huge pages need
 * aligned ranges), after a header holding the mapping's start and length.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "bigmem.h"

#define HUGE_SIZE ((size_t)2 << 20)
#define HEADER 64

struct big_header {
	void *map;
	size_t len;
};

void *fm_big_alloc(size_t size)
{
	size_t whole = (size + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1);
	size_t len = whole + HUGE_SIZE + HEADER;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	uintptr_t a = ((uintptr_t)m + HEADER + HUGE_SIZE - 1) &
		      ~(uintptr_t)(HUGE_SIZE - 1);
	char *p = (char *)a;
	if (size >= HUGE_SIZE / 2) {
#ifdef MADV_HUGEPAGE
		madvise(p, whole, MADV_HUGEPAGE);
#endif
	}
	struct big_header h = {m, len};
	memcpy(p - HEADER, &h, sizeof(h));
	return p;
}

void fm_big_free(void *p)
{
	struct big_header h;

	if (!p)
		return;
	memcpy(&h, (char *)p - HEADER, sizeof(h));
	munmap(h.map, h.len);
}

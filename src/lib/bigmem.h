/*
 * bigmem.h - large anonymous buffers (megabytes) mapped on their own and
 * advised to use transparent huge pages: fresh memory is filled with a
 * fault per 2 MiB instead of one per 4 KiB page, which matters where the
 * first touch of a page is dear (a virtual machine whose host takes freed
 * memory back).  Smaller sizes work too (plain pages).
 */
#ifndef FM_BIGMEM_H
#define FM_BIGMEM_H

#include <stddef.h>

/* size bytes (not zeroed; NULL when out of memory). */
void *fm_big_alloc(size_t size);
/* Release a buffer of fm_big_alloc (NULL is fine). */
void fm_big_free(void *p);

#endif

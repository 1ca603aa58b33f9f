/*
 * inflight.c - registries of temporary outputs and mapped inputs for
 * signal handlers (see inflight.h).
 *
 * Each slot has a state word: FREE, BUSY (being filled or emptied by
 * the thread that claimed it) or READY; claims and releases are atomic,
 * and handlers read only READY slots, so no lock is needed and nothing
 * here allocates.  Removing a temporary directory in a handler lists it
 * with getdents64 and unlinks its entries (outputs are flat).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "flowmodels/inflight.h"

enum { FREE, BUSY, READY };
#define NSLOTS 64

struct slot {
	atomic_int state;
	int is_dir;
	const void *addr;
	size_t len;
	char path[PATH_MAX];
};

static struct slot temps[NSLOTS], maps[NSLOTS];

static struct slot *claim(struct slot *v)
{
	for (int i = 0; i < NSLOTS; i++) {
		int f = FREE;
		if (atomic_compare_exchange_strong(&v[i].state, &f, BUSY))
			return &v[i];
	}
	return NULL;
}

/* All temporary slots taken: free those whose path is gone (a directory
 * its caller renamed into place), then claim one. */
static struct slot *claim_temp(void)
{
	struct slot *s = claim(temps);

	for (int i = 0; !s && i < NSLOTS; i++) {
		int r = READY;
		if (access(temps[i].path, F_OK) != 0 &&
		    atomic_compare_exchange_strong(&temps[i].state, &r, BUSY))
			s = &temps[i];
	}
	return s;
}

static void fill(struct slot *s, const char *path)
{
	size_t n = strlen(path);

	if (n >= sizeof(s->path))
		n = sizeof(s->path) - 1;
	memcpy(s->path, path, n);
	s->path[n] = '\0';
	atomic_store(&s->state, READY);
}

void fm_inflight_temp_add(const char *path, int is_dir)
{
	struct slot *s = path ? claim_temp() : NULL;

	if (s) {
		s->is_dir = is_dir;
		fill(s, path);
	}
}

void fm_inflight_temp_del(const char *path)
{
	for (int i = 0; path && i < NSLOTS; i++) {
		int r = READY;
		if (!strcmp(temps[i].path, path) &&
		    atomic_compare_exchange_strong(&temps[i].state, &r, BUSY)) {
			temps[i].path[0] = '\0';
			atomic_store(&temps[i].state, FREE);
			return;
		}
	}
}

/* Unlink the entries of a flat directory, then the directory. */
static void remove_dir(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long o = 0; o < n;) {
			/* linux_dirent64: ino, off, reclen, type, name */
			unsigned short reclen;
			const char *name = buf + o + 19;
			memcpy(&reclen, buf + o + 16, sizeof(reclen));
			if (strcmp(name, ".") && strcmp(name, ".."))
				unlinkat(fd, name, 0);
			o += reclen;
		}
	close(fd);
	rmdir(path);
}

void fm_inflight_remove_temps(void)
{
	for (int i = 0; i < NSLOTS; i++) {
		if (atomic_load(&temps[i].state) != READY)
			continue;
		if (temps[i].is_dir)
			remove_dir(temps[i].path);
		else
			unlink(temps[i].path);
	}
}

void fm_inflight_map_add(const void *addr, size_t len, const char *path)
{
	struct slot *s = addr ? claim(maps) : NULL;

	if (s) {
		s->addr = addr;
		s->len = len;
		fill(s, path);
	}
}

void fm_inflight_map_del(const void *addr)
{
	for (int i = 0; addr && i < NSLOTS; i++) {
		int r = READY;
		if (maps[i].addr == addr &&
		    atomic_compare_exchange_strong(&maps[i].state, &r, BUSY)) {
			maps[i].addr = NULL;
			atomic_store(&maps[i].state, FREE);
			return;
		}
	}
}

const char *fm_inflight_map_find(const void *addr)
{
	const char *a = addr;

	for (int i = 0; i < NSLOTS; i++) {
		const char *m = maps[i].addr;
		if (atomic_load(&maps[i].state) == READY && m && a >= m &&
		    a < m + maps[i].len)
			return maps[i].path;
	}
	return NULL;
}

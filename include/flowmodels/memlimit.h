/*
 * memlimit.h - the memory budget of the tools that can trade memory for
 * disk passes (`sort --memory LIMIT`, SPEC 5; issue 24).
 *
 * A LIMIT is a count of bytes with an optional suffix K, M, G or T
 * (powers of 1024, either case, optionally followed by B or iB: 512M,
 * 16MiB, 1g, 65536).  Without one the budget is a fraction
 * (1/FM_MEMLIMIT_DIVISOR) of the smaller of the physical memory and the
 * memory limit of the process's cgroup: v2 `memory.max` or v1
 * `memory.limit_in_bytes` of the cgroup /proc/self/cgroup names and of
 * every ancestor up to the hierarchy's mount point (the smallest wins),
 * the mount points read from /proc/self/mountinfo.
 *
 * Where these files are read is injectable (struct fm_memsys) so that
 * tests can give a fake /proc and a fake cgroup tree.
 */
#ifndef FLOWMODELS_MEMLIMIT_H
#define FLOWMODELS_MEMLIMIT_H

#include <stdint.h>

#include "flowmodels/error.h"

/* The default budget is this fraction of min(RAM, cgroup limit). */
#define FM_MEMLIMIT_DIVISOR 2

/*
 * Parse LIMIT s into *bytes (> 0).  FM_EINVAL with a one-line message
 * quoting s for an empty value, a sign, a fraction, an unknown suffix or
 * 0; FM_ERANGE past 2^64 - 1 bytes.
 */
int fm_memlimit_parse(const char *s, uint64_t *bytes, struct fm_error *err);

/* Where the system is read: NULL members mean the real ones. */
struct fm_memsys {
	const char *proc; /* "/proc": meminfo, self/cgroup, self/mountinfo */
	const char *root; /* prefix of the mount points mountinfo names ("") */
};

struct fm_memlimit {
	uint64_t ram;		/* physical memory in bytes (0: unknown) */
	uint64_t cgroup;	/* the cgroup's memory limit (0: none) */
	int cgroup_version;	/* 1 or 2 where cgroup came from, else 0 */
	char cgroup_file[1024]; /* the file that set it ("" none) */
	uint64_t budget;	/* min(ram, cgroup) / FM_MEMLIMIT_DIVISOR */
};

/*
 * What the system allows the process (sys NULL: the real system).  Never
 * fails: what cannot be read is left out (ram falls back to sysconf, and
 * to 1 GiB when even that is unknown).
 */
void fm_memlimit_detect(const struct fm_memsys *sys, struct fm_memlimit *out);

/* The default budget of this process (fm_memlimit_detect(NULL).budget). */
uint64_t fm_memlimit_default(void);

#endif

/*
 * memlimit.c - the memory budget: LIMIT parsing and the default from the
 * physical memory and the cgroup (v1 or v2) limit of the process.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/memlimit.h"

#define LINE_MAX_LEN 8192

int fm_memlimit_parse(const char *s, uint64_t *bytes, struct fm_error *err)
{
	static const char units[] = "KMGT";
	const char *p = s ? s : "";
	uint64_t v = 0, mul = 1;
	char q[FM_QUOTE_SIZE];

	fm_quote_input(q, p, strlen(p));
	if (!isdigit((unsigned char)*p))
		return fm_error_set(err, FM_EINVAL,
				    "'%s': expected a count of bytes, with an "
				    "optional K, M, G or T suffix (e.g. 512M)",
				    q);
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return fm_error_set(err, FM_ERANGE,
					    "'%s': too large (at most 2^64 - 1 "
					    "bytes)",
					    q);
		v = v * 10 + d;
	}
	if (*p) {
		const char *u = strchr(units, toupper((unsigned char)*p));
		if (u) {
			for (const char *c = units; c <= u; c++)
				mul *= 1024;
			p++;
			if ((*p == 'i' || *p == 'I') &&
			    (p[1] == 'B' || p[1] == 'b'))
				p++;
		}
		if (*p == 'B' || *p == 'b')
			p++;
		if (*p)
			return fm_error_set(
			    err, FM_EINVAL,
			    "'%s': unknown suffix '%s' (bytes, or K, M, G or T "
			    "for powers of 1024: 512M)",
			    q, p);
	}
	if (v == 0)
		return fm_error_set(err, FM_EINVAL,
				    "'%s': the memory limit must be positive",
				    q);
	if (v > UINT64_MAX / mul)
		return fm_error_set(err, FM_ERANGE,
				    "'%s': too large (at most 2^64 - 1 bytes)",
				    q);
	*bytes = v * mul;
	return 0;
}

/* MemTotal of a meminfo file in bytes, or 0. */
static uint64_t read_memtotal(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb > UINT64_MAX / 1024 ? 0 : (uint64_t)kb * 1024;
}

/*
 * A cgroup limit file: "max" (v2) or a count; v1 writes its "unlimited"
 * as a page-rounded LONG_MAX, so anything from 2^62 up is no limit.
 * Returns the limit or 0 (none, or unreadable).
 */
static uint64_t read_limit(const char *path)
{
	FILE *f = fopen(path, "re");
	char buf[64];
	uint64_t v = 0;

	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && isdigit((unsigned char)buf[0])) {
		char *end;
		unsigned long long x = strtoull(buf, &end, 10);
		if ((*end == '\n' || *end == 0) && x < (1ULL << 62))
			v = (uint64_t)x;
	}
	fclose(f);
	return v;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 +
				      (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
}

/* Whether the comma-separated list holds word. */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, word, n))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * The cgroup paths of the process from a /proc/self/cgroup file: v2's
 * ("0::PATH") into v2, v1's memory controller's into v1 ("" absent).
 */
static void read_cgroup_paths(const char *path, char *v1, char *v2, size_t size)
{
	FILE *f = fopen(path, "re");
	char line[LINE_MAX_LEN];

	v1[0] = v2[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'),
		     *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = 0;
		c2[1 + strcspn(c2 + 1, "\n")] = 0;
		if (!strcmp(line, "0") && c1[1] == 0)
			snprintf(v2, size, "%s", c2 + 1);
		else if (has_word(c1 + 1, "memory"))
			snprintf(v1, size, "%s", c2 + 1);
	}
	fclose(f);
}

/*
 * The limit of cgroup cgpath in the hierarchy mounted at root + mpoint
 * (the mount shows the hierarchy from mroot down): the smallest of the
 * limit files from the cgroup's directory up to the mount point, its path
 * in from.  0 when none (or the cgroup is not under this mount).
 */
static uint64_t hierarchy_limit(const char *root, const char *mroot,
				const char *mpoint, const char *cgpath,
				const char *file, char *from, size_t fsize)
{
	char dir[1024];
	size_t rlen = strlen(mroot), base;
	const char *rel;
	uint64_t best = 0;
	int n;

	if (!strcmp(mroot, "/"))
		rel = cgpath;
	else if (!strncmp(cgpath, mroot, rlen) &&
		 (cgpath[rlen] == '/' || cgpath[rlen] == 0))
		rel = cgpath + rlen;
	else
		return 0; /* the cgroup is not under this mount */
	n = snprintf(dir, sizeof(dir), "%s%s", root, mpoint);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return 0;
	base = (size_t)n;
	n = snprintf(dir + base, sizeof(dir) - base, "%s",
		     strcmp(rel, "/") ? rel : "");
	if (n < 0 || (size_t)n >= sizeof(dir) - base)
		return 0;
	while (dir[0]) {
		size_t len = strlen(dir);
		char p[sizeof(dir) + 32];
		while (len > base && dir[len - 1] == '/')
			dir[--len] = 0;
		snprintf(p, sizeof(p), "%s/%s", dir, file);
		uint64_t v = read_limit(p);
		if (v && (!best || v < best) && strlen(p) < fsize) {
			best = v;
			memcpy(from, p, strlen(p) + 1);
		}
		if (len <= base)
			break;
		char *slash = strrchr(dir + base, '/');
		if (!slash)
			break;
		*slash = 0;
	}
	return best;
}

/* The smallest limit of the cgroups v1 and v2 (paths) in out. */
static void cgroup_limit(const char *mountinfo, const char *root,
			 const char *v1, const char *v2,
			 struct fm_memlimit *out)
{
	FILE *f = fopen(mountinfo, "re");
	char *line = malloc(LINE_MAX_LEN);

	if (!f || !line) {
		if (f)
			fclose(f);
		free(line);
		return;
	}
	while (fgets(line, LINE_MAX_LEN, f)) {
		/* ID PARENT MAJ:MIN ROOT POINT OPTS [TAGS...] - TYPE SRC SUPER
		 */
		char *fld[6], *sep = strstr(line, " - "), *save = NULL;
		char *type, *super;
		int version = 0, k = 0;
		if (!sep)
			continue;
		*sep = 0;
		for (char *t = strtok_r(line, " ", &save); t && k < 6;
		     t = strtok_r(NULL, " ", &save))
			fld[k++] = t;
		type = strtok_r(sep + 3, " \n", &save);
		(void)strtok_r(NULL, " \n", &save); /* source */
		super = strtok_r(NULL, " \n", &save);
		if (k < 5 || !type)
			continue;
		if (!strcmp(type, "cgroup2") && v2[0])
			version = 2;
		else if (!strcmp(type, "cgroup") && v1[0] && super &&
			 has_word(super, "memory"))
			version = 1;
		if (!version)
			continue;
		unescape(fld[3]);
		unescape(fld[4]);
		char from[sizeof(out->cgroup_file)] = "";
		uint64_t v = hierarchy_limit(
		    root, fld[3], fld[4], version == 2 ? v2 : v1,
		    version == 2 ? "memory.max" : "memory.limit_in_bytes", from,
		    sizeof(from));
		if (v && (!out->cgroup || v < out->cgroup)) {
			out->cgroup = v;
			out->cgroup_version = version;
			snprintf(out->cgroup_file, sizeof(out->cgroup_file),
				 "%s", from);
		}
	}
	fclose(f);
	free(line);
}

void fm_memlimit_detect(const struct fm_memsys *sys, struct fm_memlimit *out)
{
	const char *proc = sys && sys->proc ? sys->proc : "/proc";
	const char *root = sys && sys->root ? sys->root : "";
	char path[512], v1[512], v2[512];
	uint64_t lim;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/meminfo", proc);
	out->ram = read_memtotal(path);
	if (!out->ram) {
		long pages = sysconf(_SC_PHYS_PAGES),
		     psize = sysconf(_SC_PAGESIZE);
		if (pages > 0 && psize > 0)
			out->ram = (uint64_t)pages * (uint64_t)psize;
	}
	snprintf(path, sizeof(path), "%s/self/cgroup", proc);
	read_cgroup_paths(path, v1, v2, sizeof(v1));
	if (v1[0] || v2[0]) {
		snprintf(path, sizeof(path), "%s/self/mountinfo", proc);
		cgroup_limit(path, root, v1, v2, out);
	}
	lim = out->ram ? out->ram : (uint64_t)1 << 30;
	if (out->cgroup && out->cgroup < lim)
		lim = out->cgroup;
	out->budget = lim / FM_MEMLIMIT_DIVISOR;
	if (!out->budget)
		out->budget = 1;
}

uint64_t fm_memlimit_default(void)
{
	struct fm_memlimit m;

	fm_memlimit_detect(NULL, &m);
	return m.budget;
}

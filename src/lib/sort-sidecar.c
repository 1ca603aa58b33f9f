/*
 * sort-sidecar.c - what a sort index was built for (issue 17, item 15):
 * beside INDEX.{B,H,I,Q} the file INDEX.json records the key fields, the
 * direction, the record count and a fingerprint of the key columns'
 * values, so that an index reused on data it does not describe is found
 * stale (and rebuilt) instead of silently giving unsorted output.
 *
 * The fingerprint hashes every byte of the selected records of the key
 * columns (an index orders records by them only): a copy of the dataset
 * matches, the dataset sorted in place with the index does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/flow.h"
#include "io-int.h"
#include "sort-int.h"

#define SIDECAR_MAX 8192

static uint64_t mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= UINT64_C(0x9e3779b97f4a7c15);
	return h ^ (h >> 29);
}

uint64_t sidecar_fingerprint(const struct kcol *kc, size_t nkeys, uint64_t n)
{
	const uint64_t block = (uint64_t)1 << 20; /* bytes, then unmapped */
	uint64_t h = mix(UINT64_C(0x6a09e667f3bcc908), n);

	for (size_t k = 0; k < nkeys; k++) {
		size_t es = fm_code_size(kc[k].code);
		uint64_t len = n * es;
		h = mix(h, (uint64_t)(unsigned char)kc[k].code);
		if (!kc[k].p)
			continue; /* zeros */
		for (uint64_t off = 0; off < len; off += block) {
			uint64_t end = len - off < block ? len : off + block, i;
			for (i = off; i + 8 <= end; i += 8) {
				uint64_t w;
				memcpy(&w, kc[k].p + i, 8);
				h = mix(h, w);
			}
			for (; i < end; i++)
				h = mix(h, kc[k].p[i]);
			sort_drop_pages(kc[k].p, (size_t)len, off, end - off);
		}
	}
	return h;
}

void sidecar_path(const char *ipath, char *out, size_t size)
{
	const char *dot = strrchr(ipath, '.'), *slash = strrchr(ipath, '/');
	size_t base = dot && (!slash || dot > slash) ? (size_t)(dot - ipath)
						     : strlen(ipath);

	snprintf(out, size, "%.*s.json", (int)base, ipath);
}

int sidecar_write(const char *path, const char *ipath, const struct sidecar *sc,
		  struct fm_error *err)
{
	char text[SIDECAR_MAX], *tmp = NULL;
	const char *slash = strrchr(ipath, '/');
	size_t len = 0;
	int fd, r;

	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"{\n  \"index\": \"%s\",\n  \"keys\": [",
				slash ? slash + 1 : ipath);
	for (size_t k = 0; k < sc->nkeys; k++)
		len +=
		    (size_t)snprintf(text + len, sizeof(text) - len, "%s\"%s\"",
				     k ? ", " : "", fm_field_name(sc->keys[k]));
	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"],\n  \"reverse\": %s,\n  \"records\": %llu,\n"
				"  \"fingerprint\": \"%016llx\"\n}\n",
				sc->reverse ? "true" : "false",
				(unsigned long long)sc->records,
				(unsigned long long)sc->fingerprint);
	r = fm_tmpfile_beside(path, &tmp, &fd, err);
	if (r < 0)
		return r;
	if (fm_write_all(fd, text, len) < 0)
		r = fm_error_set(err, FM_EIO, "%s: write: %s", path,
				 strerror(errno));
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	if (r == 0 && fm_tmpfile_commit(tmp, path) < 0)
		r = fm_error_set(err, FM_EIO, "%s: rename: %s", path,
				 strerror(errno));
	if (r < 0)
		fm_tmpfile_discard(tmp);
	free(tmp);
	return r;
}

/* The text after "NAME": in s (spaces skipped), or NULL. */
static const char *member(const char *s, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\"%s\"", name);
	p = strstr(s, key);
	if (!p)
		return NULL;
	p += strlen(key);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != ':')
		return NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* The "keys" array of s into sc. */
static int parse_keys(const char *p, struct sidecar *sc)
{
	if (!p || *p++ != '[')
		return -1;
	sc->nkeys = 0;
	for (;;) {
		while (*p == ' ' || *p == '\n' || *p == ',')
			p++;
		if (*p == ']')
			return sc->nkeys ? 0 : -1;
		if (*p++ != '"' || sc->nkeys >= NKEYS_MAX)
			return -1;
		size_t len = strcspn(p, "\"");
		int f = fm_field_lookup(p, len);
		if (f < 0 || p[len] != '"')
			return -1;
		sc->keys[sc->nkeys++] = f;
		p += len + 1;
	}
}

int sidecar_read(const char *path, struct sidecar *sc, struct fm_error *err)
{
	FILE *f = fopen(path, "re");
	char text[SIDECAR_MAX];
	const char *p;
	size_t len;
	char *end;

	if (!f)
		return errno == ENOENT ? 1
				       : fm_error_set(err, FM_EIO, "%s: %s",
						      path, strerror(errno));
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = 0;
	memset(sc, 0, sizeof(*sc));
	if (parse_keys(member(text, "keys"), sc) < 0)
		return fm_error_set(err, FM_EFORMAT,
				    "%s: no valid \"keys\" (an array of field "
				    "names)",
				    path);
	p = member(text, "reverse");
	if (!p || (strncmp(p, "true", 4) && strncmp(p, "false", 5)))
		return fm_error_set(err, FM_EFORMAT,
				    "%s: no valid \"reverse\" (true or false)",
				    path);
	sc->reverse = *p == 't';
	p = member(text, "records");
	if (!p || *p < '0' || *p > '9')
		return fm_error_set(err, FM_EFORMAT,
				    "%s: no valid \"records\" (a count)", path);
	sc->records = strtoull(p, NULL, 10);
	p = member(text, "fingerprint");
	if (!p || *p++ != '"')
		return fm_error_set(err, FM_EFORMAT,
				    "%s: no valid \"fingerprint\" (16 hex "
				    "digits)",
				    path);
	sc->fingerprint = strtoull(p, &end, 16);
	if (end != p + 16 || *end != '"')
		return fm_error_set(err, FM_EFORMAT,
				    "%s: no valid \"fingerprint\" (16 hex "
				    "digits)",
				    path);
	return 0;
}

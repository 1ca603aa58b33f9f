/*
 * bindir.c - the one scanner of binary directories (see bindir.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bindir.h"

const char fm_bin_codes[] = "bBhHiIlLqQfd";

int fm_bindir_entry_field(const char *name, char *x)
{
	const char *dot = strrchr(name, '.');

	if (!dot || !dot[1] || dot[2])
		return -1;
	*x = dot[1];
	return fm_field_lookup(name, (size_t)(dot - name));
}

/* Whether entry e of dir is a regular file or a link to one. */
static int is_regular(const char *dir, const struct dirent *e)
{
	char path[PATH_MAX];
	struct stat st;

	if (e->d_type == DT_REG)
		return 1;
	if (e->d_type != DT_UNKNOWN && e->d_type != DT_LNK)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int fm_bindir_scan(const char *dir, char code[FM_NFIELDS],
		   struct fm_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	memset(code, 0, FM_NFIELDS);
	if (!d)
		return fm_error_set(err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", dir, strerror(errno));
	while (r == 0 && (e = readdir(d))) {
		char x;
		int f = fm_bindir_entry_field(e->d_name, &x);
		if (f < 0)
			continue;
		if (!strchr(fm_bin_codes, x)) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s/%s: unknown type code '%c' for field '%s' (codes: b B h H i I l L q Q f d)",
					 dir, e->d_name, x, fm_field_name(f));
			break;
		}
		if (!is_regular(dir, e))
			continue;
		if (code[f]) {
			/* in code order, whatever order readdir gives */
			char a = code[f], b = x;
			if (strchr(fm_bin_codes, a) > strchr(fm_bin_codes, b)) {
				a = x;
				b = code[f];
			}
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: two files for field '%s': %s.%c and %s.%c",
					 dir, fm_field_name(f), fm_field_name(f), a,
					 fm_field_name(f), b);
			break;
		}
		code[f] = x;
	}
	closedir(d);
	return r;
}

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

/*
 * A field file must be a regular file (or a link to one) that can be
 * read: a dangling symlink, a loop, a FIFO, a directory or a device under
 * a field's name is an error naming it, never a field that reads as 0.
 */
static int check_regular(const char *dir, const struct dirent *e,
			 struct fm_error *err)
{
	char path[PATH_MAX];
	struct stat st;

	if (e->d_type == DT_REG)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
	if (stat(path, &st) < 0)
		return fm_error_set(err, FM_EIO,
				    "%s: field file cannot be read: %s", path,
				    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fm_error_set(err, FM_EFORMAT,
				    "%s: field file is %s, not a regular file",
				    path,
				    S_ISDIR(st.st_mode)	   ? "a directory"
				    : S_ISFIFO(st.st_mode) ? "a FIFO"
				    : S_ISSOCK(st.st_mode) ? "a socket"
							   : "a device");
	return 0;
}

int fm_bindir_scan(const char *dir, char code[FM_NFIELDS], struct fm_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	memset(code, 0, FM_NFIELDS);
	if (!d)
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", dir, strerror(errno));
	while (r == 0 && (e = readdir(d))) {
		char x;
		int f = fm_bindir_entry_field(e->d_name, &x);
		if (f < 0)
			continue;
		if (!strchr(fm_bin_codes, x)) {
			r = fm_error_set(
			    err, FM_EFORMAT,
			    "%s/%s: unknown type code '%c' for field '%s' "
			    "(codes: b B h H i I l L q Q f d)",
			    dir, e->d_name, x, fm_field_name(f));
			break;
		}
		if ((r = check_regular(dir, e, err)) < 0)
			break;
		if (code[f]) {
			/* in code order, whatever order readdir gives */
			char a = code[f], b = x;
			if (strchr(fm_bin_codes, a) > strchr(fm_bin_codes, b)) {
				a = x;
				b = code[f];
			}
			r = fm_error_set(
			    err, FM_EFORMAT,
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

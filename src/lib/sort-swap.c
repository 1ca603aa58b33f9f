/*
 * sort-swap.c - an in-place sort replaces the directory in one atomic
 * step (issue 17, item 13): the sorted directory is built beside it
 * (DIR.tmp.XXXXXX, with the old directory's mode), the files the sort
 * does not write (other files, columns left as they are) are hard-linked
 * into it, and renameat2(RENAME_EXCHANGE) swaps the two names; the old
 * directory, now under the temporary name, is removed.  A reader or a
 * crash at any moment sees either the old directory or the new one,
 * whole.
 *
 * Where that cannot be done (a file system without RENAME_EXCHANGE, a
 * subdirectory or an entry that cannot be hard-linked), the new files are
 * renamed into the old directory one by one, with a warning: each file is
 * whole, but a reader at that moment may see old and new columns mixed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/inflight.h"
#include "sort-int.h"

int swap_begin(const char *dir, struct swap *sw, struct fm_error *err)
{
	struct stat st;
	int r;

	memset(sw, 0, sizeof(*sw));
	sw->real = realpath(dir, NULL);
	if (!sw->real || stat(sw->real, &st) < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", dir,
				    strerror(errno));
	r = fm_tmpdir_beside(sw->real, &sw->tmp, err);
	if (r < 0) {
		free(sw->real);
		sw->real = NULL;
		return r;
	}
	chmod(sw->tmp, st.st_mode & 07777);
	return 0;
}

void swap_discard(struct swap *sw)
{
	if (sw->tmp) {
		fm_rm_rf(sw->tmp);
		fm_inflight_temp_del(sw->tmp);
	}
	free(sw->tmp);
	free(sw->real);
	memset(sw, 0, sizeof(*sw));
}

static int is_written(const char *name, char *const *written, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, written[i]))
			return 1;
	return 0;
}

/*
 * Hard-link every entry of sw->real that is not written into sw->tmp.
 * Returns 0, 1 when one cannot be linked (a subdirectory, a file system
 * without links: the caller falls back), or an error.
 */
static int link_others(const struct swap *sw, char *const *written,
		       size_t nwritten, char *why, size_t whysize,
		       struct fm_error *err)
{
	DIR *d = opendir(sw->real);
	struct dirent *e;
	int r = 0;

	if (!d)
		return fm_error_set(err, FM_EIO, "%s: %s", sw->real,
				    strerror(errno));
	while (r == 0 && (e = readdir(d))) {
		char from[PATH_MAX], to[PATH_MAX];
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    is_written(e->d_name, written, nwritten))
			continue;
		snprintf(from, sizeof(from), "%s/%s", sw->real, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", sw->tmp, e->d_name);
		if (lstat(from, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(why, whysize, "it holds the directory %s",
				 e->d_name);
			r = 1;
		} else if (link(from, to) < 0 && errno != ENOENT) {
			snprintf(why, whysize, "%s cannot be linked: %s",
				 e->d_name, strerror(errno));
			r = 1;
		}
	}
	closedir(d);
	return r;
}

/* The fallback: every written file moved into the old directory. */
static int move_each(struct swap *sw, char *const *written, size_t nwritten,
		     const struct sort_hook *hook, struct fm_error *err)
{
	for (size_t i = 0; i < nwritten; i++) {
		char from[PATH_MAX], to[PATH_MAX];
		snprintf(from, sizeof(from), "%s/%s", sw->tmp, written[i]);
		snprintf(to, sizeof(to), "%s/%s", sw->real, written[i]);
		if (rename(from, to) < 0)
			return fm_error_set(err, FM_EIO, "%s: rename: %s", to,
					    strerror(errno));
		sort_hook_call(hook, "move");
	}
	return 0;
}

int swap_commit(struct swap *sw, char *const *written, size_t nwritten,
		int no_exchange, const struct fm_log *log,
		const struct sort_hook *hook, struct fm_error *err)
{
	char why[PATH_MAX + 64] = "";
	int r = link_others(sw, written, nwritten, why, sizeof(why), err);
	int exchanged;

	if (r < 0)
		return r;
	sort_hook_call(hook, "exchange");
	if (r == 0 && no_exchange) {
		snprintf(why, sizeof(why), "exchange disabled");
		r = 1;
	}
	/* the links made last (the files are synced by their writers) */
	if (r == 0 && fm_sync_path(sw->tmp) < 0)
		return fm_error_set(err, FM_EIO, "%s: sync: %s", sw->tmp,
				    strerror(errno));
	if (r == 0 && renameat2(AT_FDCWD, sw->tmp, AT_FDCWD, sw->real,
				RENAME_EXCHANGE) < 0) {
		if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return fm_error_set(err, FM_EIO,
					    "%s: exchanging it with the sorted "
					    "directory: %s",
					    sw->real, strerror(errno));
		snprintf(why, sizeof(why),
			 "the file system cannot exchange two directories "
			 "(renameat2: %s)",
			 strerror(errno));
		r = 1;
	}
	exchanged = r == 0;
	if (r == 1) {
		fm_warn(log,
			"%s: replacing the sorted files one by one, not in one "
			"step (%s): a reader at this moment may see old and "
			"new columns mixed",
			sw->real, why);
		r = move_each(sw, written, nwritten, hook, err);
		if (r < 0)
			return r;
	}
	/* the new names last: the exchange in the parent, or the moves */
	if ((exchanged ? fm_sync_parent(sw->real) : fm_sync_path(sw->real)) < 0)
		return fm_error_set(err, FM_EIO, "%s: sync: %s", sw->real,
				    strerror(errno));
	sort_hook_call(hook, "exchanged");
	/* the old directory (or what is left of the new one) goes */
	swap_discard(sw);
	return 0;
}

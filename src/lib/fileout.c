/*
 * fileout.c - whole-file output through a temporary name, and whole-file
 * input (see fileout.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/fileout.h"
#include "io-int.h"

int fm_file_write_atomic(const char *path, const void *data, size_t len,
			 struct fm_error *err)
{
	char *tmp = NULL;
	int fd, r;

	if (strcmp(path, "-") == 0) {
		if (fm_write_all(1, data, len) < 0)
			return fm_error_set(err, FM_EIO, "<stdout>: write: %s",
					    strerror(errno));
		return 0;
	}
	r = fm_tmpfile_beside(path, &tmp, &fd, err);
	if (r < 0)
		return r;
	if (fm_write_all(fd, data, len) < 0) {
		r = fm_error_set(err, FM_EIO, "%s: write: %s", path,
				 strerror(errno));
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fm_tmpfile_commit(tmp, path) < 0) {
		r = fm_error_set(err, FM_EIO, "%s: rename: %s", path,
				 strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	fm_tmpfile_discard(tmp);
	free(tmp);
	return r;
}

/* "a FIFO", "a directory"... for a file that is not regular. */
static const char *file_kind(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISSOCK(m) ? "a socket"
			     : "not a regular file";
}

/* Open path for reading; a FIFO's open does not wait for a writer. */
static int open_regular(const char *path, size_t max, struct fm_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return fm_error_set(
		    err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
		    "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return fm_error_set(err, FM_EIO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fm_error_set(err, FM_EINVAL,
				    "%s: %s, not a regular file", path,
				    file_kind(st.st_mode));
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return fm_error_set(err, FM_ERANGE,
				    "%s: %llu bytes, above the limit of %zu "
				    "MiB for this kind of file",
				    path, (unsigned long long)st.st_size,
				    max >> 20);
	}
	fcntl(fd, F_SETFL, 0);
	return fd;
}

int fm_file_read_all(const char *path, size_t max, char **data, size_t *len,
		     struct fm_error *err)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open_regular(path, max, err);
	size_t n = 0, cap = 65536;
	char *buf;

	if (fd < 0)
		return fd;
	buf = malloc(cap);
	if (!buf) {
		if (fd)
			close(fd);
		return fm_error_set(err, FM_ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		ssize_t k;
		if (n > max) {
			free(buf);
			if (fd)
				close(fd);
			return fm_error_set(err, FM_ERANGE,
					    "%s: above the limit of %zu MiB "
					    "for this kind of file",
					    path, max >> 20);
		}
		if (cap - n < 2) {
			char *nb =
			    cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				if (fd)
					close(fd);
				return fm_error_set(err, FM_ENOMEM,
						    "%s: out of memory", path);
			}
			buf = nb;
			cap *= 2;
		}
		k = read(fd, buf + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			free(buf);
			if (fd)
				close(fd);
			return fm_error_set(err,
					    e == EISDIR ? FM_EINVAL : FM_EIO,
					    "%s: read: %s", path, strerror(e));
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (fd)
		close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

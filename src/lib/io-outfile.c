/*
 * io-outfile.c - an output file written through a temporary name beside
 * it and renamed into place on commit ("-" is standard output), with a
 * buffer: what the text and nfcapd record writers share.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io-int.h"

/* Buffered bytes written in one go. */
#define OUTFILE_FLUSH (1u << 20)

int fm_outfile_open(struct fm_outfile *o, const char *path, int allow_stdout,
		    struct fm_error *err)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (!strcmp(path, "-")) {
		if (!allow_stdout)
			return fm_error_set(err, FM_EINVAL,
					    "this format needs a file "
					    "(-O FILE), not standard output");
		o->fd = 1;
		return 0;
	}
	if (!(o->path = strdup(path)))
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if ((r = fm_tmpfile_beside(path, &o->tmpname, &o->fd, err)) < 0) {
		o->fd = -1;
		fm_outfile_discard(o);
		return r;
	}
	return 0;
}

int fm_outfile_flush(struct fm_outfile *o, struct fm_error *err)
{
	if (o->buf.len && fm_write_all(o->fd, o->buf.buf, o->buf.len) < 0)
		return fm_error_set(err, FM_EIO, "%s: %s",
				    o->path ? o->path : "standard output",
				    strerror(errno));
	fm_buf_reset(&o->buf);
	return 0;
}

int fm_outfile_maybe_flush(struct fm_outfile *o, struct fm_error *err)
{
	return o->buf.len >= OUTFILE_FLUSH ? fm_outfile_flush(o, err) : 0;
}

int fm_outfile_commit(struct fm_outfile *o, struct fm_error *err)
{
	int r = fm_outfile_flush(o, err);

	if (r < 0 || !o->path)
		return r;
	if (close(o->fd) < 0) {
		o->fd = -1;
		return fm_error_set(err, FM_EIO, "%s: %s", o->path,
				    strerror(errno));
	}
	o->fd = -1;
	if (fm_tmpfile_commit(o->tmpname, o->path) < 0)
		return fm_error_set(err, FM_EIO, "%s: rename: %s", o->path,
				    strerror(errno));
	free(o->tmpname);
	o->tmpname = NULL;
	return 0;
}

void fm_outfile_discard(struct fm_outfile *o)
{
	if (o->path && o->fd >= 0)
		close(o->fd);
	if (o->tmpname)
		fm_tmpfile_discard(o->tmpname);
	free(o->tmpname);
	free(o->path);
	fm_buf_release(&o->buf);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

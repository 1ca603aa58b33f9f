/*
 * obj-mixture.c - the mixture-set session object type (objtypes.h): one
 * mixture per y for one x.  Exported as fit writes it (DIR/Y.json and
 * DIR/Y.mode), which is also what tools reading a mixture set get; a new
 * directory appears complete or not at all (built under a temporary name
 * beside it, then renamed).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/fileout.h"
#include "objtypes.h"

static const char *const ynames[3] = {"flows", "packets", "octets"};

struct cmd_mixset *cmd_mixset_new(int y, struct fm_mixture *m, const char *mode)
{
	struct cmd_mixset *s = calloc(1, sizeof(*s));

	if (!s || y < 0 || y > 2) {
		free(s);
		return NULL;
	}
	for (int i = 0; i < 3; i++)
		fm_mixture_init(&s->mix[i]);
	s->mode[y] = strdup(mode ? mode : "");
	if (!s->mode[y]) {
		free(s);
		return NULL;
	}
	s->mix[y] = *m;
	fm_mixture_init(m);
	s->have[y] = 1;
	return s;
}

static void mix_free(void *data)
{
	struct cmd_mixset *s = data;

	for (int i = 0; i < 3; i++) {
		fm_mixture_release(&s->mix[i]);
		free(s->mode[i]);
	}
	free(s);
}

static void mix_facts(const void *data, struct fm_buf *out)
{
	const struct cmd_mixset *s = data;
	int first = 1;

	for (int i = 0; i < 3; i++) {
		if (!s->have[i])
			continue;
		fm_buf_printf(out, "%s%s: %zu components, log-likelihood ",
			      first ? "" : "; ", ynames[i], s->mix[i].n);
		/* a loaded mixture without stats: unknown, not 0 */
		if (s->mix[i].stats.valid && isfinite(s->mix[i].stats.loglik))
			fm_buf_printf(out, "%.6g", s->mix[i].stats.loglik);
		else
			fm_buf_addstr(out, "\u2013");
		first = 0;
	}
}

static void mix_info(const void *data, struct fm_buf *out)
{
	const struct cmd_mixset *s = data;

	for (int i = 0; i < 3; i++) {
		if (!s->have[i])
			continue;
		fm_buf_printf(out, "  %s:%*s", ynames[i],
			      (int)(9 - strlen(ynames[i])), "");
		fm_mixture_format(&s->mix[i], out, NULL);
		fm_buf_addch(out, '\n');
	}
}

static int write_files(const struct cmd_mixset *s, const char *dir,
		       struct fm_error *err)
{
	struct fm_buf p = FM_BUF_INIT;
	int r = 0;

	for (int i = 0; i < 3 && r == 0; i++) {
		if (!s->have[i])
			continue;
		fm_buf_reset(&p);
		fm_buf_printf(&p, "%s/%s.json", dir, ynames[i]);
		r = fm_mixture_write(&s->mix[i], p.buf, err);
		if (r < 0)
			break;
		fm_buf_reset(&p);
		fm_buf_printf(&p, "%s/%s.mode", dir, ynames[i]);
		r = fm_file_write_atomic(p.buf, s->mode[i], strlen(s->mode[i]),
					 err);
	}
	fm_buf_release(&p);
	return r;
}

static int mix_export(const void *data, const char *format, const char *path,
		      struct fm_error *err)
{
	char *tmpdir;
	int r;

	if (strcmp(format, "mixture_dir"))
		return fm_error_set(
		    err, FM_EINVAL,
		    "mixture sets are written as mixture_dir, not '%s'",
		    format);
	/* into an existing directory each file is atomic; a new one is whole */
	r = fm_outdir_begin(path, &tmpdir, err);
	if (r < 0)
		return r;
	r = write_files(data, tmpdir ? tmpdir : path, err);
	if (r == 0)
		r = fm_outdir_commit(path, &tmpdir, err);
	if (tmpdir)
		fm_rm_rf(tmpdir);
	fm_outdir_discard(&tmpdir);
	return r;
}

static int mix_merge(void *existing, void *incoming, struct fm_error *err)
{
	struct cmd_mixset *a = existing, *b = incoming;

	(void)err;
	for (int i = 0; i < 3; i++) {
		if (!b->have[i])
			continue;
		fm_mixture_release(&a->mix[i]);
		free(a->mode[i]);
		a->mix[i] = b->mix[i];
		a->mode[i] = b->mode[i];
		a->have[i] = 1;
		fm_mixture_init(&b->mix[i]);
		b->mode[i] = NULL;
		b->have[i] = 0;
	}
	mix_free(b);
	return 0;
}

const struct cmd_objtype cmd_mixture_type = {
    .kind = "mixture",
    .prefix = 'm',
    .formats = "mixture_dir",
    .free = mix_free,
    .facts = mix_facts,
    .info = mix_info,
    .export = mix_export,
    .merge = mix_merge,
};

/*
 * session-file.c - session files: sess_save writes the record (paths
 * relative to the file), sess_replay runs a file's commands with its
 * relative paths resolved against the file's directory.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/cut.h"
#include "flowmodels/fileops.h"
#include "flowmodels/fileout.h"
#include "session-int.h"

#include "fm-version.h" /* FLOWMODELS_VERSION, generated */

/* Warn about the outputs of record i outside dir (the file's directory). */
static void warn_outside(const struct record *rc, size_t i, const char *dir,
			 const struct fm_log *log)
{
	char *root = realpath(dir, NULL);

	for (size_t k = 0; root && k < rc->words.n; k++)
		if ((rc->words.mark[k] & CMD_W_OUTPUT) &&
		    rc->words.v[k][0] == '/' &&
		    !sess_path_inside(rc->words.v[k], root))
			fm_warn(
			    log,
			    "command %zu (%s) writes %s, outside %s: replaying "
			    "the file will need --allow-outside",
			    i + 1, rc->words.v[0], rc->words.v[k], root);
	free(root);
}

int sess_save(struct session *s, const char *path, const struct fm_log *log,
	      struct fm_error *err)
{
	char *abs = sess_abspath(NULL, path), *dir, *slash, *tmp = NULL;
	struct fm_buf b = FM_BUF_INIT;
	time_t now = time(NULL);
	struct tm tm;
	char date[64];
	int fd = -1, r = 0;

	if (!abs)
		return OOM(err);
	dir = strdup(abs);
	if (!dir) {
		free(abs);
		return OOM(err);
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
	fm_buf_printf(&b,
		      "# flowmodels session, saved %s by flowmodels %s\n"
		      "# paths are relative to this file\n",
		      date, FLOWMODELS_VERSION);
	sess_lock(s);
	for (size_t i = 0; i < s->nrec; i++) {
		const struct record *rc = &s->rec[i];
		if (rc->comment)
			fm_buf_printf(&b, "# %s\n", rc->comment);
		warn_outside(rc, i, dir, log);
		for (size_t k = 0; k < rc->words.n; k++) {
			const char *w = rc->words.v[k];
			if (k)
				fm_buf_addch(&b, ' ');
			if ((rc->words.mark[k] & CMD_W_PATH) && w[0] == '/') {
				char *rel = sess_relpath(dir, w);
				cmd_quote(&b, rel ? rel : w);
				free(rel);
			} else {
				cmd_quote(&b, w);
			}
		}
		fm_buf_addch(&b, '\n');
	}
	sess_unlock(s);
	{
		struct fm_buf t = FM_BUF_INIT;
		fm_buf_printf(&t, "%s.tmpXXXXXX", abs);
		tmp = fm_buf_detach(&t);
	}
	if (!tmp || !b.buf) {
		r = OOM(err);
		goto out;
	}
	if ((r = fm_mkdir_parents(abs, err)) < 0)
		goto out;
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	{
		size_t off = 0;
		while (off < b.len) {
			ssize_t w = write(fd, b.buf + off, b.len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				r = fm_error_set(err, FM_EIO, "%s: %s", path,
						 strerror(errno));
				break;
			}
			off += (size_t)w;
		}
	}
	if (r == 0 && fm_sync_fd(fd) < 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	fd = -1;
	if (r == 0) {
		chmod(tmp, fm_new_file_mode(abs));
		if (rename(tmp, abs) < 0 || fm_sync_parent(abs) < 0)
			r = fm_error_set(err, FM_EIO, "%s: %s", path,
					 strerror(errno));
	}
	if (r < 0)
		unlink(tmp);
	else {
		sess_lock(s);
		free(s->file);
		s->file = abs;
		abs = NULL;
		s->dirty = 0;
		sess_unlock(s);
	}
out:
	free(tmp);
	free(abs);
	free(dir);
	fm_buf_release(&b);
	return r;
}

/*
 * Read one line of a session file into line (FM_LINE_MAX + 1 bytes), its
 * newline dropped: 1, 0 at the end, or an error naming path:lineno (a
 * line that is too long or holds a NUL byte, a read error).
 */
static int read_line(FILE *f, char *line, size_t *len, const char *path,
		     int lineno, struct fm_error *err)
{
	size_t n = 0;
	int c;

	errno = 0;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0')
			return fm_error_set(
			    err, FM_EFORMAT,
			    "%s:%d: a NUL byte: not a session file", path,
			    lineno);
		if (n == FM_LINE_MAX)
			return fm_error_set(err, FM_EFORMAT,
					    "%s:%d: line longer than %d bytes",
					    path, lineno, FM_LINE_MAX);
		line[n++] = (char)c;
	}
	if (c == EOF && ferror(f))
		return fm_error_set(err, FM_EIO, "%s:%d: read error: %s", path,
				    lineno, strerror(errno ? errno : EIO));
	line[n] = '\0';
	*len = n;
	return c != EOF || n > 0;
}

/* "> line", its control bytes as \xNN (a file must not drive the terminal). */
static void echo_line(FILE *out, const char *line)
{
	fputs("> ", out);
	for (const unsigned char *c = (const unsigned char *)line; *c; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			fprintf(out, "\\x%02x", *c);
		else
			putc(*c, out);
	putc('\n', out);
	fflush(out);
}

int sess_replay_restricted(void)
{
	return replay_root != NULL;
}

int sess_replay(struct session *s, const char *path, unsigned flags, FILE *out,
		FILE *errf, const struct fm_progress *progress,
		struct fm_error *err)
{
	char *abs, *dir, *old_base, *root = NULL;
	FILE *f;
	char *line;
	size_t len = 0;
	int lineno = 0, r = 0;

	if (replay_depth >= 8)
		return fm_error_set(err, FM_EINVAL,
				    "%s: session files nested too deep", path);
	if (replay_root && (flags & SESS_ALLOW_OUTSIDE))
		return fm_error_set(
		    err, FM_EINVAL,
		    "%s: --allow-outside inside a replayed file: only the "
		    "replay the user starts can allow outputs outside its tree",
		    path);
	if (!(line = malloc(FM_LINE_MAX + 1)))
		return OOM(err);
	if (!strcmp(path, "-")) {
		/* standard input: paths relative to the working directory */
		char cwd[PATH_MAX];
		abs = NULL;
		f = stdin;
		dir = strdup(getcwd(cwd, sizeof(cwd)) ? cwd : "/");
		if (!dir) {
			free(line);
			return OOM(err);
		}
		goto run;
	}
	abs = sess_abspath(s, path);
	f = abs ? fopen(abs, "r") : NULL;
	if (!f) {
		r = abs ? fm_error_set(err,
				       errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				       "%s: %s", path, strerror(errno))
			: OOM(err);
		free(abs);
		free(line);
		return r;
	}
	dir = strdup(abs);
	if (!dir) {
		fclose(f);
		free(abs);
		free(line);
		return OOM(err);
	}
	*strrchr(dir, '/') = '\0';
	if (!dir[0])
		strcpy(dir, "/");
run:
	/* the outermost restricted replay fixes the tree outputs stay in */
	if (replay_depth == 0 && !(flags & SESS_ALLOW_OUTSIDE) &&
	    !(replay_root = root = realpath(dir, NULL)))
		r = fm_error_set(err, FM_EIO, "%s: %s", dir, strerror(errno));
	old_base = replay_dir;
	replay_dir = dir;
	if (replay_depth == 0) { /* a replay starts in pdf-flows, */
		sess_set_view(s, 0);
		sess_show_set(s, NULL, NULL, 0); /* nothing shown together */
	}
	replay_depth++;
	while (r == 0 &&
	       (r = read_line(f, line, &len, path, lineno + 1, err)) > 0) {
		struct fm_error e = {0};
		const char *p = line;

		r = 0;
		lineno++;
		while (len > 0 &&
		       (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (!strcmp(sess_setting(s, "echo"), "on"))
			echo_line(out, p);
		r = sess_exec(s, p, out, errf, progress, &e);
		if (r < 0) {
			/* nested files: keep the innermost cause when too long
			 */
			size_t room = FM_ERRMSG_MAX - 32 - strlen(path);
			size_t mlen = strlen(e.msg);
			if (strlen(path) < FM_ERRMSG_MAX / 2 && mlen > room)
				fm_error_set(err, r, "%s:%d: ...%s", path,
					     lineno, e.msg + mlen - room + 3);
			else
				fm_error_set(err, r, "%s:%d: %s", path, lineno,
					     e.msg);
			break;
		}
		if (s->quit)
			break;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (root) {
		replay_root = NULL;
		free(root);
	}
	replay_depth--;
	replay_dir = old_base;
	free(dir);
	/* the replayed file is input, never adopted as the session file: a
	 * later bare save must not overwrite it */
	free(abs);
	return r;
}

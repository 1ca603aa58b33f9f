/*
 * io-nfdump.c - reading nfcapd capture files through the external program
 * nfdump (`nfdump -r FILE -q -o pipe`), parsed as the pipe format.
 *
 * nfdump runs as a child process; its stdout feeds a pipe source and its
 * stderr is kept for the error message.  A non-zero exit is an error
 * naming the file; the "No matching flows" line nfdump prints for an empty
 * (or, in 1.7.1, a ZSTD-compressed) file is not a record.  Because 1.7.1
 * reads a ZSTD file as "no flows" with exit status 0, an empty result for
 * a file whose header says ZSTD gives a warning pointing to the native
 * reader.  A missing nfdump is found before forking (PATH search), and a
 * nfdump that rejects `-o pipe` (1.7.5 and later) is named as such.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io-int.h"

struct nfdump_source {
	struct fm_source base;
	struct fm_source *pipe;
	pid_t pid;
	int errfd;
	char *path;
	int done;
	int zstd;               /* the file header says ZSTD compression */
	uint64_t count;         /* records read */
	const struct fm_log *log;
};

/* Whether an executable `name` is on PATH. */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t l = strcspn(path, ":");
		if (l == 0)
			snprintf(buf, sizeof(buf), "./%s", name);
		else
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)l, path, name);
		if (access(buf, X_OK) == 0)
			return 1;
		path += l;
		if (*path == ':')
			path++;
	}
	return 0;
}

/* Whether the file is a layout-2 nfcapd file with ZSTD compression. */
static int file_is_zstd(const char *path)
{
	unsigned char h[17];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, h, sizeof(h), 0);
	close(fd);
	return n == (ssize_t)sizeof(h) && h[0] == 0x0c && h[1] == 0xa5 &&
	       h[2] == 2 && h[3] == 0 && h[16] == 4;
}

/* Read what nfdump wrote on stderr (first line, trimmed) into msg. */
static void read_stderr(int fd, char *msg, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size && (n = read(fd, msg + len, size - 1 - len)) > 0)
		len += (size_t)n;
	msg[len] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
}

/* Wait for nfdump; returns 0 when it exited with status 0. */
static int nfdump_finish(struct nfdump_source *s, struct fm_error *err)
{
	int status;
	char msg[512];

	s->done = 1;
	read_stderr(s->errfd, msg, sizeof(msg));
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->pid = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return fm_error_set(err, FM_ENOTFOUND,
				    "%s: nfdump is not installed (Debian: apt-get install nfdump); -i nfcapd reads capture files without it",
				    s->path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (strstr(msg, "pipe") || strstr(msg, "output mode") ||
		    strstr(msg, "output format"))
			return fm_error_set(err, FM_EEXTERNAL,
				"%s: the installed nfdump does not support '-o pipe' (removed in nfdump 1.7.5; use -i nfcapd, the native reader): %s",
				s->path, msg);
		return fm_error_set(err, FM_EEXTERNAL, "%s: nfdump failed (status %d): %s",
				    s->path, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
				    msg[0] ? msg : "no message");
	}
	if (s->count == 0 && s->zstd)
		fm_warn(s->log,
			"%s: nfdump returned no flows for this ZSTD-compressed file; nfdump before 1.7.3 (Debian 12 ships 1.7.1) cannot read ZSTD and says nothing: read it with -i nfcapd",
			s->path);
	return 0;
}

static long nfdump_next(struct fm_source *src, struct fm_batch *b, size_t max,
			struct fm_error *err)
{
	struct nfdump_source *s = (struct nfdump_source *)src;
	long n;

	if (s->done)
		return 0;
	n = s->pipe->ops->next(s->pipe, b, max, err);
	if (n > 0)
		s->count += (uint64_t)n;
	if (n == 0) {
		int r = nfdump_finish(s, err);
		if (r < 0)
			return r;
	}
	return n;
}

static int64_t nfdump_skip(struct fm_source *src, int64_t n, struct fm_error *err)
{
	struct nfdump_source *s = (struct nfdump_source *)src;
	int64_t k;

	if (s->done)
		return 0;
	k = s->pipe->ops->skip(s->pipe, n, err);
	if (k > 0)
		s->count += (uint64_t)k;
	if (k >= 0 && k < n) {
		int r = nfdump_finish(s, err);
		if (r < 0)
			return r;
	}
	return k;
}

static uint64_t nfdump_position(const struct fm_source *src)
{
	const struct nfdump_source *s = (const struct nfdump_source *)src;
	return s->pipe->ops->position(s->pipe);
}

static void nfdump_close(struct fm_source *src)
{
	struct nfdump_source *s = (struct nfdump_source *)src;

	if (s->pipe)
		s->pipe->ops->close(s->pipe);
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (s->errfd >= 0)
		close(s->errfd);
	free(s->path);
	free(s);
}

static const struct fm_source_ops nfdump_ops = {
	nfdump_next, nfdump_skip, nfdump_position, nfdump_close,
	NULL, NULL,  /* no late materialisation: text is decoded whole */
	NULL, NULL,  /* no raw batches */
};

int fm_nfdump_source_open(struct fm_source **out, const char *path,
			  uint32_t fields, const struct fm_log *log,
			  struct fm_error *err)
{
	struct nfdump_source *s;
	int outp[2], errp[2];
	struct stat st;
	pid_t pid;
	int r;

	if (stat(path, &st) < 0)
		return fm_error_set(err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", path, strerror(errno));
	if (!on_path("nfdump"))
		return fm_error_set(err, FM_ENOTFOUND,
				    "%s: nfdump is not installed (Debian: apt-get install nfdump); -i nfcapd reads capture files without it",
				    path);
	if (pipe2(outp, O_CLOEXEC) < 0)
		return fm_error_set(err, FM_EIO, "pipe: %s", strerror(errno));
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(outp[0]);
		close(outp[1]);
		return fm_error_set(err, FM_EIO, "pipe: %s", strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		r = errno;
		close(outp[0]); close(outp[1]); close(errp[0]); close(errp[1]);
		return fm_error_set(err, FM_EIO, "fork: %s", strerror(r));
	}
	if (pid == 0) {
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		execlp("nfdump", "nfdump", "-r", path, "-q", "-o", "pipe", (char *)NULL);
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		close(outp[0]);
		close(errp[0]);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	s->base.ops = &nfdump_ops;
	s->pid = pid;
	s->errfd = errp[0];
	s->log = log;
	s->zstd = file_is_zstd(path);
	r = fm_pipe_source_from_fd(&s->pipe, outp[0], path, fields, err);
	if (r < 0) {
		close(outp[0]);
		nfdump_close(&s->base);
		return r;
	}
	fm_pipe_source_ignore_line(s->pipe, "No matching flows");
	*out = &s->base;
	return 0;
}

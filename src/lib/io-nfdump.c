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
 *
 * nfdump 1.7.1 also exits 0 after errors it only logs (a truncated file:
 * "appendix offset error", "Short read"): anything it writes on stderr
 * other than its notes about skipped record types is an error naming the
 * file, as the native reader's would be.
 *
 * Tunnel lines.  For a flow with a tunnel element, `-o pipe` first prints
 * an extra line: af, the flow's first and last time, the tunnel protocol
 * (4, 41 or 47) and zeros for addresses, ports, interfaces and counters.
 * Such a line is dropped when the next line has the same first and last
 * time, so both read paths give the same records; a lone line of that
 * shape (none follows, or other times) is kept as a record.  To see the
 * next line, the pipe is read with all fields and a candidate is held
 * back in `held` until its successor arrives.
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
#include "io-nfcapd.h"

struct nfdump_source {
	struct fm_source base;
	struct fm_source *pipe;
	struct fm_batch in;	  /* the pipe's last batch (all fields) */
	size_t in_pos;		  /* next record of `in` to look at */
	int in_end;		  /* the pipe is exhausted */
	struct fm_batch out;	  /* records given out (the wanted fields) */
	int64_t held[FM_NFIELDS]; /* a possible tunnel line */
	int holding;
	char errbuf[4096]; /* the start of nfdump's stderr */
	size_t errlen;
	struct fm_flow_quirks quirks;
	pid_t pid;
	int errfd;
	char *path;
	int done;
	int zstd;	/* the file header says ZSTD compression */
	uint64_t count; /* records read */
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
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)l, path,
				 name);
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

/*
 * Collect what nfdump wrote on stderr so far (all of it when `to_end`):
 * the first bytes are kept in s->errbuf, the rest read and dropped, so a
 * chatty nfdump never blocks on a full stderr pipe.
 */
static void drain_stderr(struct nfdump_source *s, int to_end)
{
	char scratch[4096];
	ssize_t n;

	if (to_end)
		fcntl(s->errfd, F_SETFL,
		      fcntl(s->errfd, F_GETFL) & ~O_NONBLOCK);
	for (;;) {
		size_t room = sizeof(s->errbuf) - 1 - s->errlen;
		char *dst = room ? s->errbuf + s->errlen : scratch;
		n = read(s->errfd, dst, room ? room : sizeof(scratch));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (room)
			s->errlen += (size_t)n;
	}
	s->errbuf[s->errlen] = '\0';
}

/*
 * The first line of nfdump's stderr that reports a problem, copied into
 * line (empty when there is none).  Notes about record types nfdump skips
 * (layout-1 samplers: "Skip unknown record type 9") are not problems, and
 * neither is the appendix message of a ZSTD file (warned about apart).
 */
static void stderr_problem(const char *msg, int zstd, char *line, size_t size)
{
	line[0] = '\0';
	while (*msg) {
		size_t l = strcspn(msg, "\n");
		int benign =
		    l == 0 ||
		    strncmp(msg, "Skip unknown record type", 24) == 0 ||
		    (zstd &&
		     strncmp(msg, "Unable to read appendix block", 29) == 0);
		if (!benign) {
			snprintf(line, size, "%.*s", (int)l, msg);
			return;
		}
		msg += l;
		if (*msg == '\n')
			msg++;
	}
}

/* Wait for nfdump; returns 0 when it exited with status 0. */
static int nfdump_finish(struct nfdump_source *s, struct fm_error *err)
{
	int status;
	char msg[512];

	s->done = 1;
	drain_stderr(s, 1);
	snprintf(msg, sizeof(msg), "%.*s", (int)strcspn(s->errbuf, "\n"),
		 s->errbuf);
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->pid = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return fm_error_set(
		    err, FM_ENOTFOUND,
		    "%s: nfdump is not installed (Debian: apt-get install "
		    "nfdump); -i nfcapd reads capture files without it",
		    s->path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (strstr(msg, "pipe") || strstr(msg, "output mode") ||
		    strstr(msg, "output format"))
			return fm_error_set(
			    err, FM_EEXTERNAL,
			    "%s: the installed nfdump does not support '-o "
			    "pipe' (removed in nfdump 1.7.5; use -i nfcapd, "
			    "the native reader): %s",
			    s->path, msg);
		return fm_error_set(
		    err, FM_EEXTERNAL, "%s: nfdump failed (status %d): %s",
		    s->path, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		    msg[0] ? msg : "no message");
	}
	stderr_problem(s->errbuf, s->zstd, msg, sizeof(msg));
	if (msg[0])
		return fm_error_set(
		    err, FM_EEXTERNAL,
		    "%s: nfdump reported an error (and exited 0 after %llu "
		    "records): %s; the file may be truncated or damaged (-i "
		    "nfcapd names the block)",
		    s->path, (unsigned long long)s->count, msg);
	fm_flow_quirks_report(&s->quirks, s->path, s->log);
	if (s->count == 0 && s->zstd)
		fm_warn(
		    s->log,
		    "%s: nfdump returned no flows for this ZSTD-compressed "
		    "file; nfdump before 1.7.3 (Debian 12 ships 1.7.1) cannot "
		    "read ZSTD and says nothing: read it with -i nfcapd",
		    s->path);
	return 0;
}

/* Whether pipe record i of b has the shape of a tunnel line. */
static int tunnel_shaped(const struct fm_batch *b, size_t i)
{
	int64_t p = b->col[FM_PROT][i];

	if (p != 4 && p != 41 && p != 47)
		return 0;
	for (int f = FM_INIF; f <= FM_DP; f++)
		if (b->col[f][i] != 0)
			return 0;
	return b->col[FM_PACKETS][i] == 0 && b->col[FM_OCTETS][i] == 0;
}

/* Whether pipe record i of b has the times of the held line. */
static int same_times(const struct nfdump_source *s, const struct fm_batch *b,
		      size_t i)
{
	static const int t[] = {FM_FIRST, FM_FIRST_MS, FM_LAST, FM_LAST_MS};

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		if (b->col[t[k]][i] != s->held[t[k]])
			return 0;
	return 1;
}

static void put_out(struct nfdump_source *s, size_t j, const int64_t *rec,
		    const struct fm_batch *b, size_t i)
{
	int64_t v[FM_NFIELDS];

	for (int f = 0; f < FM_NFIELDS; f++)
		v[f] = rec ? rec[f] : b->col[f][i];
	for (int f = 0; f < FM_NFIELDS; f++)
		if (s->out.fields & FM_FIELD_BIT(f))
			fm_batch_mut(&s->out, f)[j] = v[f];
	fm_flow_quirks_note(&s->quirks, v[FM_FIRST], v[FM_FIRST_MS], v[FM_LAST],
			    v[FM_LAST_MS], v[FM_PACKETS]);
}

/*
 * Up to max records from the pipe into s->out, tunnel lines dropped;
 * returns the count, 0 at the end, or an error.
 */
static long nfdump_fill(struct nfdump_source *s, size_t max,
			struct fm_error *err)
{
	size_t n = 0;

	if (max > FM_BATCH_CAP)
		max = FM_BATCH_CAP;
	while (n < max) {
		if (s->in_pos == s->in.n && !s->in_end) {
			long k = s->pipe->ops->next(s->pipe, &s->in,
						    FM_BATCH_CAP, err);
			if (k < 0)
				return k;
			s->in_pos = 0;
			s->in_end = k == 0;
		}
		if (s->in_pos ==
		    s->in.n) { /* the end: a lone line is a record */
			if (s->holding)
				put_out(s, n++, s->held, NULL, 0);
			s->holding = 0;
			break;
		}
		size_t i = s->in_pos;
		if (s->holding) {
			s->holding = 0;
			if (!same_times(s, &s->in, i)) {
				put_out(s, n++, s->held, NULL, 0);
				continue;
			}
		}
		s->in_pos++;
		if (tunnel_shaped(&s->in, i)) {
			for (int f = 0; f < FM_NFIELDS; f++)
				s->held[f] = s->in.col[f][i];
			s->holding = 1;
			continue;
		}
		put_out(s, n++, NULL, &s->in, i);
	}
	return (long)n;
}

static long nfdump_next(struct fm_source *src, struct fm_batch *b, size_t max,
			struct fm_error *err)
{
	struct nfdump_source *s = (struct nfdump_source *)src;
	long n;

	if (s->done)
		return 0;
	n = nfdump_fill(s, max, err);
	drain_stderr(s, 0);
	if (n < 0)
		return n;
	s->count += (uint64_t)n;
	if (n == 0) {
		int r = nfdump_finish(s, err);
		if (r < 0)
			return r;
	}
	*b = s->out;
	b->store = NULL;
	b->n = (size_t)n;
	return n;
}

static int64_t nfdump_skip(struct fm_source *src, int64_t n,
			   struct fm_error *err)
{
	return fm_source_skip_by_next(src, n, FM_BATCH_CAP, err);
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
	fm_batch_release(&s->out);
	free(s->path);
	free(s);
}

static const struct fm_source_ops nfdump_ops = {
    nfdump_next, nfdump_skip, nfdump_position, nfdump_close,
    NULL,	 NULL, /* no late materialisation: text is decoded whole */
    NULL,	 NULL, /* no raw batches */
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
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", path, strerror(errno));
	if (!on_path("nfdump"))
		return fm_error_set(
		    err, FM_ENOTFOUND,
		    "%s: nfdump is not installed (Debian: apt-get install "
		    "nfdump); -i nfcapd reads capture files without it",
		    path);
	if (pipe2(outp, O_CLOEXEC) < 0)
		return fm_error_set(err, FM_EIO, "pipe: %s", strerror(errno));
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(outp[0]);
		close(outp[1]);
		return fm_error_set(err, FM_EIO, "pipe: %s", strerror(errno));
	}
	char *argv[] = {"nfdump", "-r", (char *)path, "-q", "-o", "pipe", NULL};
	pid = fm_spawn(argv, NULL, -1, outp[1], errp[1], &r);
	close(outp[1]);
	close(errp[1]);
	if (pid < 0) {
		close(outp[0]);
		close(errp[0]);
		return fm_error_set(err, FM_EIO, "%s: cannot run nfdump: %s",
				    path, strerror(r));
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path)) ||
	    fm_batch_alloc(&s->out, fields, FM_BATCH_CAP)) {
		if (s) {
			fm_batch_release(&s->out);
			free(s->path);
		}
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
	fcntl(s->errfd, F_SETFL, fcntl(s->errfd, F_GETFL) | O_NONBLOCK);
	s->log = log;
	s->zstd = file_is_zstd(path);
	r = fm_pipe_source_from_fd(&s->pipe, outp[0], path, FM_ALL_FIELDS, NULL,
				   err);
	if (r < 0) {
		close(outp[0]);
		nfdump_close(&s->base);
		return r;
	}
	fm_pipe_source_ignore_line(s->pipe, "No matching flows");
	*out = &s->base;
	return 0;
}

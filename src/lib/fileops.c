/*
 * fileops.c - file, directory and child-process helpers (fileops.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flowmodels/buf.h"
#include "flowmodels/fileops.h"
#include "flowmodels/inflight.h"

/* ---- durability ---- */

static atomic_int sync_off;		 /* 0: outputs are synced */
static int (*sync_hook)(int fd) = fsync; /* fsync, or a test's counter */

void fm_sync_set(int on)
{
	atomic_store(&sync_off, !on);
}

int fm_sync_enabled(void)
{
	return !atomic_load(&sync_off);
}

void fm_sync_hook_set(int (*fsync_fn)(int fd))
{
	sync_hook = fsync_fn ? fsync_fn : fsync;
}

int fm_sync_fd(int fd)
{
	int r;

	if (!fm_sync_enabled())
		return 0;
	while ((r = sync_hook(fd)) < 0 && errno == EINTR)
		;
	/* what cannot be synced (a pipe, a device, a file system without
	 * fsync) has nothing to make durable */
	if (r < 0 && (errno == EINVAL || errno == EROFS || errno == ENOTSUP))
		r = 0;
	return r;
}

int fm_sync_path(const char *path)
{
	int fd, r, e;

	if (!fm_sync_enabled())
		return 0;
	/* fsync of a descriptor open for reading flushes the file's data
	 * too; write-only is the fallback for a file mode 0200 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == EACCES)
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	r = fm_sync_fd(fd);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

int fm_sync_parent(const char *path)
{
	size_t len = strlen(path);
	char *d;
	int r;

	if (!fm_sync_enabled())
		return 0;
	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len == 0)
		return fm_sync_path(".");
	if (!(d = strndup(path, len)))
		return -1;
	r = fm_sync_path(d);
	free(d);
	return r;
}

int fm_mkdir_p(const char *dir, struct fm_error *err)
{
	struct stat st;
	char *d;
	int r = 0;

	if (!*dir)
		return fm_error_set(err, FM_EINVAL, "empty directory name");
	if (!(d = strdup(dir)))
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (char *s = d + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(d, 0777) == 0)
				fm_sync_parent(d); /* the new entry lasts */
			else if (errno != EEXIST) {
				r = fm_error_set(
				    err, FM_EIO,
				    "%s: cannot create directory: %s", d,
				    strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(d);
	if (r == 0 && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)))
		r = fm_error_set(err, FM_EIO, "%s: not a directory", dir);
	return r;
}

int fm_mkdir_parents(const char *path, struct fm_error *err)
{
	size_t len = strlen(path);
	char *d;

	while (len > 1 && path[len - 1] == '/')
		len--;
	d = strndup(path, len);
	if (!d)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (char *p = strchr(d + 1, '/'); p; p = strchr(p + 1, '/')) {
		struct stat st;

		*p = 0;
		if (stat(d, &st) == 0)
			;
		else if (mkdir(d, 0777) == 0)
			fm_sync_parent(d); /* the new entry lasts */
		else if (errno != EEXIST) {
			int e = errno;
			int r = fm_error_set(err, FM_EIO,
					     "%s: cannot create directory: %s",
					     d, strerror(e));
			free(d);
			return r;
		}
		*p = '/';
	}
	free(d);
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void fm_rm_rf(const char *path)
{
	if (path)
		nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

mode_t fm_umask(void)
{
	static mode_t mask = (mode_t)-1;
	FILE *f;
	char line[128];

	if (mask != (mode_t)-1)
		return mask;
	/* Linux 4.7+: read it without the umask(2) round trip, which would
	 * race with threads creating files */
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Umask:", 6)) {
			mask = (mode_t)strtoul(line + 6, NULL, 8) & 0777;
			break;
		}
	if (f)
		fclose(f);
	if (mask == (mode_t)-1) {
		mask = umask(022);
		umask(mask);
	}
	return mask;
}

mode_t fm_new_file_mode(const char *target)
{
	struct stat st;

	if (target && stat(target, &st) == 0 && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	return 0666 & ~fm_umask();
}

/*
 * The file an output path names: a symlink's target (as cp writes
 * through a link; a dangling link's target is created), else path;
 * malloc'ed.
 */
static char *output_target(const char *path)
{
	struct stat st;
	char link[PATH_MAX];
	ssize_t n;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(path, NULL);
		if (real)
			return real;
		if ((n = readlink(path, link, sizeof(link) - 1)) > 0) {
			const char *slash = strrchr(path, '/');
			struct fm_buf b = FM_BUF_INIT;
			link[n] = '\0';
			if (link[0] == '/' || !slash)
				return strdup(link);
			fm_buf_printf(&b, "%.*s/%s", (int)(slash - path), path,
				      link);
			return fm_buf_detach(&b);
		}
	}
	return strdup(path);
}

static int tmpfile_beside(const char *path, char **tmpname, int *fd,
			  struct fm_error *err);

int fm_tmpfile_beside(const char *given, char **tmpname, int *fd,
		      struct fm_error *err)
{
	char *target = output_target(given);
	const char *path = target ? target : given;
	struct stat st;
	int r;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		free(target);
		return fm_error_set(err, FM_EINVAL,
				    "%s: is a directory; name a file to write",
				    given);
	}
	r = tmpfile_beside(path, tmpname, fd, err);
	free(target);
	return r;
}

static int tmpfile_beside(const char *path, char **tmpname, int *fd,
			  struct fm_error *err)
{
	struct stat st;

	/*
	 * A device, pipe or socket (e.g. -O /dev/null) is written directly:
	 * renaming a temporary file over it would replace it.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode)) {
		*fd = open(path, O_WRONLY | O_CLOEXEC);
		if (*fd < 0)
			return fm_error_set(err, FM_EIO, "%s: %s", path,
					    strerror(errno));
		*tmpname = NULL;
		return 0;
	}

	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;
	size_t n = strlen(path) + 32;
	char *name;
	int r = fm_mkdir_parents(path, err);

	if (r < 0)
		return r;
	name = malloc(n);
	if (!name)
		return fm_error_set(err, FM_ENOMEM, "%s: out of memory", path);
	snprintf(name, n, "%.*s.%s.tmp.XXXXXX", (int)dirlen, path, base);
	*fd = mkstemp(name);
	if (*fd < 0) {
		int e = errno;
		free(name);
		return fm_error_set(err, FM_EIO, "%s: cannot create: %s", path,
				    strerror(e));
	}
	fchmod(*fd, fm_new_file_mode(path));
	fm_inflight_temp_add(name, 0);
	*tmpname = name;
	return 0;
}

int fm_tmpdir_beside(const char *path, char **tmpname, struct fm_error *err)
{
	size_t l = strlen(path), n = l + 32;
	char *name;
	int r = fm_mkdir_parents(path, err);

	if (r < 0)
		return r;
	name = malloc(n);
	while (l > 1 && path[l - 1] == '/')
		l--;
	if (!name)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	snprintf(name, n, "%.*s.tmp.XXXXXX", (int)l, path);
	if (!mkdtemp(name)) {
		int e = errno;
		free(name);
		return fm_error_set(err, FM_EIO, "%s: cannot create: %s", path,
				    strerror(e));
	}
	chmod(name, fm_new_dir_mode());
	fm_inflight_temp_add(name, 1);
	*tmpname = name;
	return 0;
}

int fm_tmpfile_commit(const char *tmpname, const char *given)
{
	char *target;
	const char *path;
	int r, e;

	if (!tmpname)
		return 0;
	target = output_target(given);
	path = target ? target : given;
	/* the data first, then the name, then the directory holding it */
	r = fm_sync_path(tmpname);
	if (r == 0)
		r = rename(tmpname, path);
	e = errno;
	if (r == 0) {
		fm_inflight_temp_del(tmpname);
		r = fm_sync_parent(path);
		e = errno;
	}
	free(target);
	errno = e;
	return r;
}

int fm_tmpfile_unlinked(const char *what, int *fd, struct fm_error *err)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];

	if (!dir || !*dir)
		dir = "/tmp";
	*fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (*fd < 0) { /* a file system without O_TMPFILE */
		snprintf(path, sizeof(path), "%s/flowmodels-%s-XXXXXX", dir,
			 what);
		*fd = mkostemp(path, O_CLOEXEC);
		if (*fd >= 0)
			unlink(path);
	}
	if (*fd < 0)
		return fm_error_set(err, FM_EIO,
				    "%s: cannot make %s's spill file: %s", dir,
				    what, strerror(errno));
	return 0;
}

void fm_tmpfile_discard(const char *tmpname)
{
	if (tmpname) {
		unlink(tmpname);
		fm_inflight_temp_del(tmpname);
	}
}

int fm_outdir_begin(const char *dir, char **tmpdir, struct fm_error *err)
{
	struct stat st;

	*tmpdir = NULL;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return fm_error_set(err, FM_EINVAL,
					    "%s: exists and is not a directory",
					    dir);
		return 0;
	}
	return fm_tmpdir_beside(dir, tmpdir, err);
}

int fm_outdir_commit(const char *dir, char **tmpdir, struct fm_error *err)
{
	if (!*tmpdir)
		return 0;
	/* its entries, its name, then the directory holding it */
	if (fm_sync_path(*tmpdir) < 0)
		return fm_error_set(err, FM_EIO, "%s: sync: %s", dir,
				    strerror(errno));
	if (rename(*tmpdir, dir) < 0)
		return fm_error_set(err, FM_EIO, "%s: rename: %s", dir,
				    strerror(errno));
	free(*tmpdir);
	*tmpdir = NULL;
	if (fm_sync_parent(dir) < 0)
		return fm_error_set(err, FM_EIO, "%s: sync: %s", dir,
				    strerror(errno));
	return 0;
}

void fm_outdir_discard(char **tmpdir)
{
	if (!*tmpdir)
		return;
	rmdir(*tmpdir);
	free(*tmpdir);
	*tmpdir = NULL;
}

/* In the child: fd onto target (-1: /dev/null); 0 or -1 with errno. */
static int child_fd(int fd, int target)
{
	if (fd < 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd < 0)
			return -1;
	}
	if (fd == target)
		return fcntl(fd, F_SETFD, 0); /* kept across exec */
	return dup2(fd, target) < 0 ? -1 : 0;
}

pid_t fm_spawn(char *const argv[], const char *cwd, int fd_in, int fd_out,
	       int fd_err, int *xerr)
{
	int xp[2];
	pid_t pid;

	*xerr = 0;
	if (pipe2(xp, O_CLOEXEC) < 0) {
		*xerr = errno;
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*xerr = errno;
		close(xp[0]);
		close(xp[1]);
		return -1;
	}
	if (pid == 0) {
		int e;
		if (child_fd(fd_in, 0) == 0 && child_fd(fd_out, 1) == 0 &&
		    child_fd(fd_err, 2) == 0 && (!cwd || chdir(cwd) == 0))
			execvp(argv[0], argv);
		e = errno;
		if (write(xp[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(xp[1]);
	if (read(xp[0], xerr, sizeof(*xerr)) != (ssize_t)sizeof(*xerr))
		*xerr = 0;
	close(xp[0]);
	if (*xerr) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	return pid;
}

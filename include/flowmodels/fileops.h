/*
 * fileops.h - the one home of the file, directory and child-process
 * helpers every layer uses: mkdir -p, rm -rf, temporary files and
 * directories beside a target (renamed into place when complete), an
 * output directory that exists or appears whole, and fork+exec with exec
 * failures reported to the parent.
 *
 * Modes (as cp, tar and the shell): new directories 0777 & ~umask, new
 * files 0666 & ~umask; a temporary file that will replace an existing
 * regular file gets that file's mode (a 0600 target stays 0600).
 * The temporary-beside helpers make the target's missing parents first.
 */
#ifndef FLOWMODELS_FILEOPS_H
#define FLOWMODELS_FILEOPS_H

#include <sys/types.h>

#include "flowmodels/error.h"

/*
 * mkdir -p: make dir and its missing parents.  Fails (FM_EIO, naming the
 * directory) when one cannot be made or dir exists and is not a
 * directory; FM_EINVAL for an empty name.
 */
int fm_mkdir_p(const char *dir, struct fm_error *err);

/*
 * Create the missing parent directories of path (mkdir -p of its
 * directory part, mode 0755), so that every output option can name a
 * file or directory in directories that do not exist yet.
 */
int fm_mkdir_parents(const char *path, struct fm_error *err);

/* The process's umask, read without changing it; the mode of a new file
 * that replaces target (target's mode when it is a regular file). */
mode_t fm_umask(void);
mode_t fm_new_file_mode(const char *target);
#define fm_new_dir_mode() (0777 & ~fm_umask())

/*
 * Durability (as git and SQLite): a final output's data is fsync'ed
 * before it is renamed into place, and the directory holding it after the
 * rename, so that an output that appeared survives a power failure.  On by
 * default; fm_sync_set(0) (the tools' --no-sync, a session's `set sync
 * off`) turns it off for the whole process.  fm_sync_fd syncs an open
 * file, fm_sync_path a file or directory by name, fm_sync_parent the
 * directory that holds path; each is a no-op returning 0 when sync is
 * off, else 0 or -1 with errno.  fm_sync_hook_set replaces fsync(2) (for
 * tests; NULL restores it).
 */
void fm_sync_set(int on);
int fm_sync_enabled(void);
int fm_sync_fd(int fd);
int fm_sync_path(const char *path);
int fm_sync_parent(const char *path);
void fm_sync_hook_set(int (*fsync_fn)(int fd));

/* rm -rf, best effort: path and everything under it (links not followed). */
void fm_rm_rf(const char *path);

/*
 * Make the temporary name "DIR/.BASE.tmp.XXXXXX" for path and open it.
 * A path that is a symlink stands for the file it points to (as cp
 * writes through a link; a dangling link's target is made), and commit
 * renames onto that file, leaving the link.  An existing directory is
 * FM_EINVAL "PATH: is a directory; name a file to write", so a tool
 * fails when it opens its output, before the work.
 * When path exists and is not a regular file (a device such as /dev/null,
 * a pipe), it is opened for writing directly and *tmpname is NULL.
 * Finish with fm_tmpfile_commit (sync the data, rename into place, sync
 * the directory: 0 or -1 with errno) or, on failure, fm_tmpfile_discard;
 * both accept a NULL tmpname.
 */
int fm_tmpfile_beside(const char *path, char **tmpname, int *fd,
		      struct fm_error *err);
int fm_tmpfile_commit(const char *tmpname, const char *path);
void fm_tmpfile_discard(const char *tmpname);

/*
 * A scratch file that has no name: in $TMPDIR (default /tmp), opened
 * O_TMPFILE (or made and unlinked at once where the file system cannot),
 * so that it goes when the process does, however it ends.  what names
 * the tool in the message ("merge": "/tmp: cannot make merge's spill
 * file: ...").
 */
int fm_tmpfile_unlinked(const char *what, int *fd, struct fm_error *err);

/*
 * Make the temporary directory "DIR.tmp.XXXXXX" (mode 0755) beside the
 * directory path that does not exist yet (trailing slashes of path are
 * ignored), so that a new output directory appears whole or not at all:
 * the caller fills it and renames it to path.
 */
int fm_tmpdir_beside(const char *path, char **tmpname, struct fm_error *err);

/*
 * An output directory: when dir exists (it must be a directory: else
 * FM_EINVAL "exists and is not a directory") files go straight into it
 * and *tmpdir is NULL; else into a new temporary directory beside it
 * (fm_tmpdir_beside; *tmpdir, malloc'ed) that fm_outdir_commit renames to
 * dir (then syncs the directory holding dir; the files in it are synced
 * by whoever wrote them).  fm_outdir_discard removes an (emptied) temporary
 * directory; both free *tmpdir and set it to NULL, and accept a NULL one.
 */
int fm_outdir_begin(const char *dir, char **tmpdir, struct fm_error *err);
int fm_outdir_commit(const char *dir, char **tmpdir, struct fm_error *err);
void fm_outdir_discard(char **tmpdir);

/*
 * fork + exec of argv (PATH searched) with the child's standard input,
 * output and error on fd_in, fd_out, fd_err (-1: /dev/null) and, when cwd
 * is not NULL, in directory cwd.  Returns the pid, or -1 with *xerr = the
 * errno of what failed: pipe or fork, or in the child chdir or exec (the
 * child reports it through a close-on-exec pipe before it exits, and is
 * reaped).  The descriptors stay open in the parent.
 */
pid_t fm_spawn(char *const argv[], const char *cwd, int fd_in, int fd_out,
	       int fd_err, int *xerr);

#endif

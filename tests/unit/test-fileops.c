/*
 * test-fileops.c - the file, directory and child-process helpers
 * (fileops.h): mkdir -p, rm -rf, an output directory that exists or
 * appears whole, and fork+exec reporting exec failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "testutil.h"

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static void test_mkdir_p(void **state)
{
	struct fm_error err = {0};
	char deep[512], file[512];

	(void)state;
	snprintf(deep, sizeof(deep), "%s/mk/a/b/c/", tu_tmpdir());
	assert_int_equal(fm_mkdir_p(deep, &err), 0);
	assert_true(is_dir(deep));
	/* again: existing directories are fine */
	assert_int_equal(fm_mkdir_p(deep, &err), 0);
	/* a file in the way: an error naming it */
	snprintf(file, sizeof(file), "%s/mk/file", tu_tmpdir());
	tu_write_file(file, "x");
	snprintf(deep, sizeof(deep), "%s/mk/file/sub", tu_tmpdir());
	assert_int_equal(fm_mkdir_p(deep, &err), FM_EIO);
	assert_non_null(strstr(err.msg, "mk/file"));
	assert_int_equal(fm_mkdir_p(file, &err), FM_EIO);
	assert_non_null(strstr(err.msg, "not a directory"));
	assert_int_equal(fm_mkdir_p("", &err), FM_EINVAL);
	fm_rm_rf(tu_path("mk"));
	assert_false(exists(tu_path("mk")));
}

static void test_rm_rf(void **state)
{
	char p[512], outside[512];

	(void)state;
	snprintf(p, sizeof(p), "%s/rm/x/y", tu_tmpdir());
	assert_int_equal(fm_mkdir_p(p, NULL), 0);
	tu_write_file(tu_path("rm/x/y/f"), "1");
	tu_write_file(tu_path("rm/g"), "2");
	/* a link is removed, not followed */
	snprintf(outside, sizeof(outside), "%s/rm-outside", tu_tmpdir());
	tu_write_file(outside, "keep");
	assert_int_equal(symlink(outside, tu_path("rm/x/link")), 0);
	fm_rm_rf(tu_path("rm"));
	assert_false(exists(tu_path("rm")));
	assert_true(exists(outside));
	unlink(outside);
	fm_rm_rf(NULL);			   /* nothing to do */
	fm_rm_rf(tu_path("rm-never-was")); /* best effort, no crash */
}

static void test_outdir(void **state)
{
	struct fm_error err = {0};
	char *tmp = NULL;
	char in[512];

	(void)state;
	/* a new directory: written in a temporary one, renamed at commit */
	fm_rm_rf(tu_path("od"));
	assert_int_equal(fm_outdir_begin(tu_path("od"), &tmp, &err), 0);
	assert_non_null(tmp);
	assert_false(exists(tu_path("od")));
	snprintf(in, sizeof(in), "%s/f", tmp);
	tu_write_file(in, "1");
	assert_int_equal(fm_outdir_commit(tu_path("od"), &tmp, &err), 0);
	assert_null(tmp);
	assert_true(exists(tu_path("od/f")));
	/* an existing directory: written in place */
	assert_int_equal(fm_outdir_begin(tu_path("od"), &tmp, &err), 0);
	assert_null(tmp);
	assert_int_equal(fm_outdir_commit(tu_path("od"), &tmp, &err), 0);
	/* a failed run leaves nothing behind */
	fm_rm_rf(tu_path("od2"));
	assert_int_equal(fm_outdir_begin(tu_path("od2"), &tmp, &err), 0);
	char *seen = strdup(tmp);
	fm_outdir_discard(&tmp);
	assert_null(tmp);
	assert_false(exists(seen));
	assert_false(exists(tu_path("od2")));
	free(seen);
	/* a file in the way */
	tu_write_file(tu_path("od-file"), "x");
	assert_int_equal(fm_outdir_begin(tu_path("od-file"), &tmp, &err),
			 FM_EINVAL);
	assert_non_null(strstr(err.msg, "exists and is not a directory"));
	assert_null(tmp);
	fm_rm_rf(tu_path("od"));
	unlink(tu_path("od-file"));
}

static void test_spawn(void **state)
{
	int xerr, status, fds[2];
	char buf[256];
	pid_t pid;

	(void)state;
	/* exec failure: reported with its errno, the child reaped */
	char *bad[] = {"flowmodels-no-such-program-xyz", NULL};
	pid = fm_spawn(bad, NULL, -1, -1, -1, &xerr);
	assert_int_equal(pid, -1);
	assert_int_equal(xerr, ENOENT);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* no zombie */
	/* a chdir failure too */
	char *pwd[] = {"pwd", NULL};
	pid = fm_spawn(pwd, tu_path("no-such-dir"), -1, -1, -1, &xerr);
	assert_int_equal(pid, -1);
	assert_int_equal(xerr, ENOENT);
	/* output on a pipe, in the directory given */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fm_mkdir_p(tu_path("sp"), NULL), 0);
	pid = fm_spawn(pwd, tu_path("sp"), -1, fds[1], -1, &xerr);
	assert_true(pid > 0);
	assert_int_equal(xerr, 0);
	close(fds[1]);
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	buf[n] = 0;
	assert_non_null(strstr(buf, "/sp\n"));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fm_rm_rf(tu_path("sp"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mkdir_p),
	    cmocka_unit_test(test_rm_rf),
	    cmocka_unit_test(test_outdir),
	    cmocka_unit_test(test_spawn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

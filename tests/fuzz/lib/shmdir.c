/*
 * shmdir.c - scratch directories of the fuzz targets under /dev/shm
 * (shmdir.h).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "shmdir.h"

#define SHM "/dev/shm"
#define PREFIX "fm-fuzz-"

static char own[256];

/* Remove path: a file, or a directory with everything in it. */
static void remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		fuzz_empty_dir(path);
		rmdir(path);
	} else {
		unlink(path);
	}
}

void fuzz_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		remove_tree(path);
	}
	if (d)
		closedir(d);
}

/* The pid a name fm-fuzz-TARGET-PID[.EXT] ends in, or 0. */
static long name_pid(const char *name)
{
	const char *dash = strrchr(name, '-');
	char *end;
	long pid;

	if (!dash || !dash[1])
		return 0;
	pid = strtol(dash + 1, &end, 10);
	return (*end == '\0' || *end == '.') && pid > 0 ? pid : 0;
}

/* Remove the fm-fuzz-* entries of processes that are gone. */
static void remove_stale(void)
{
	DIR *d = opendir(SHM);
	struct dirent *de;
	char path[512];

	while (d && (de = readdir(d))) {
		long pid = name_pid(de->d_name);
		if (strncmp(de->d_name, PREFIX, strlen(PREFIX)) || !pid ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), SHM "/%s", de->d_name);
		remove_tree(path);
	}
	if (d)
		closedir(d);
}

static void remove_own(void)
{
	remove_tree(own);
}

const char *fuzz_shmdir(const char *target)
{
	if (own[0])
		return own;
	remove_stale();
	snprintf(own, sizeof(own), SHM "/" PREFIX "%s-%d", target,
		 (int)getpid());
	if (mkdir(own, 0700) < 0 && errno != EEXIST)
		abort();
	atexit(remove_own);
	return own;
}

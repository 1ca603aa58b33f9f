/*
 * shmdir.h - the scratch directory of a fuzz target that reads files:
 * /dev/shm/fm-fuzz-TARGET-PID (a tmpfs: no disk writes, and the readers
 * that map their files can).  Made at the first call; removed with all it
 * holds when the process exits normally.  A process that crashes cannot
 * remove its own, so every call that makes one first removes the
 * fm-fuzz-*-PID directories and files whose process is gone (and
 * tests/fuzz/run.sh does the same after each run).
 */
#ifndef FM_FUZZ_SHMDIR_H
#define FM_FUZZ_SHMDIR_H

/* The directory of this process for target (created on the first call;
 * aborts when it cannot be made). */
const char *fuzz_shmdir(const char *target);
/* Remove everything inside dir (files and directories, recursively). */
void fuzz_empty_dir(const char *dir);

#endif

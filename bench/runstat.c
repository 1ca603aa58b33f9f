/*
 * runstat.c - run a command and print its wall time, peak RSS and CPU:
 *     runstat LABEL RECORDS COMMAND [ARGS...]
 * prints "LABEL  1.234 s  5.67 M records/s  peak RSS 12.3 MiB  cpu
 * user 0.456 s sys 0.078 s".
 * The command's stdout/stderr pass through (redirect them as needed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr,
			"usage: runstat LABEL RECORDS COMMAND [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("runstat");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) +
		   (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	double recs = atof(argv[2]);
	printf("%-34s %8.3f s  %9.2f M records/s  peak RSS %8.1f MiB  "
	       "cpu user %.3f s sys %.3f s%s\n",
	       argv[1], s, recs / s / 1e6, (double)ru.ru_maxrss / 1024.0,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6,
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6,
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ""
							     : "  (FAILED)");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/*
 * sess-run.h - running session lines in the unit tests that link the
 * session layer (header-only: testutil is linked by every test).
 */
#ifndef FM_TEST_SESS_RUN_H
#define FM_TEST_SESS_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "cmd/session.h"

/*
 * Run line in s (its messages dropped): 0 or the negative error code.
 * *outtext, when outtext is not NULL, gets what the line printed, or its
 * error message when it failed (malloc'ed).
 */
static inline int tu_sess_run(struct session *s, const char *line,
			      char **outtext)
{
	struct fm_error err = {0};
	char *out = NULL, *msg = NULL;
	size_t lo = 0, lm = 0;
	FILE *fo = open_memstream(&out, &lo), *fm = open_memstream(&msg, &lm);
	int r = sess_exec(s, line, fo, fm, NULL, &err);

	fclose(fo);
	fclose(fm);
	if (r < 0) {
		free(out);
		out = strdup(err.msg);
	}
	if (outtext)
		*outtext = out;
	else
		free(out);
	free(msg);
	return r;
}

/* Run line in s; the test fails with the line's error when it fails. */
static inline void tu_sess_ok(struct session *s, const char *line)
{
	char *out = NULL;

	if (tu_sess_run(s, line, &out) < 0)
		fail_msg("'%s' failed: %s", line, out);
	free(out);
}

#endif

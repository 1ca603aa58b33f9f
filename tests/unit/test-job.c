/*
 * test-job.c - commands as jobs on worker threads: success, failure,
 * progress, and cancel (deterministic: the progress observer holds the
 * worker until the test has cancelled), which must leave the session
 * exactly as before.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "flowmodels/buf.h"
#include "cmd/job.h"

#define NREC 40000 /* more than two batches */

static const char *make_csv(void)
{
	static char path[4200];

	if (path[0])
		return path;
	snprintf(path, sizeof(path), "%s", tu_path("flows.csv"));
	tu_random_csv(path, NREC, 3, NULL);
	return path;
}

struct gate {
	sem_t started, go;
	int calls, hold, done_calls;
	uint64_t last_done, last_total;
};

static void on_progress(void *p, uint64_t done, uint64_t total)
{
	struct gate *g = p;
	g->last_done = done;
	g->last_total = total;
	if (g->calls++ == 0 && g->hold) {
		sem_post(&g->started);
		sem_wait(&g->go);
	}
}

static void on_done(void *p)
{
	struct gate *g = p;
	g->done_calls++;
}

static char *snapshot(struct session *s)
{
	struct fm_buf b = FM_BUF_INIT;

	sess_lock(s);
	for (size_t i = 0; i < sess_count(s); i++)
		fm_buf_printf(&b, "%s,", sess_at(s, i)->name);
	for (size_t i = 0; i < sess_record_count(s); i++)
		fm_buf_printf(&b, "\n%s", sess_record_line(s, i));
	fm_buf_printf(&b, "\ndirty=%d", sess_dirty(s));
	sess_unlock(s);
	return fm_buf_detach(&b);
}

/* Whether $TMPDIR (where sessions keep scratch data) holds n entries. */
static int scratch_entries(int n)
{
	return tu_system("test $(ls %s | wc -l) -eq %d", tu_path("scratch"),
			 n) == 0;
}

static void test_job_done(void **state)
{
	struct session *s = sess_new();
	struct cmd_job *j = NULL;
	struct fm_error err = {0};
	struct gate g;
	struct cmd_job_opts o = {on_progress, on_done, &g};
	char line[4300];
	(void)state;

	memset(&g, 0, sizeof(g));
	snprintf(line, sizeof(line), "load %s as big", make_csv());
	assert_int_equal(cmd_job_start(s, line, &o, &j, &err), 0);
	assert_non_null(j);
	assert_string_equal(cmd_job_name(j), "load");
	assert_string_equal(cmd_job_line(j), line);
	assert_int_equal(cmd_job_wait(j), CMD_JOB_DONE);
	assert_true(cmd_job_fraction(j) == 1.0);
	assert_true(cmd_job_elapsed(j) >= 0.0);
	assert_true(g.calls >= 3);
	assert_true(g.last_total > 0 && g.last_done == g.last_total);
	assert_int_equal(g.done_calls, 1);
	assert_non_null(
	    strstr(cmd_job_output(j), "big: dataset, 40000 records"));
	assert_false(cmd_job_cancel(j)); /* too late */
	cmd_job_free(j);
	sess_lock(s);
	assert_int_equal(sess_find(s, "big")->records, NREC);
	sess_unlock(s);
	/* a blank line makes no job; a bad line fails at once */
	assert_int_equal(cmd_job_start(s, "  # nothing", &o, &j, &err), 0);
	assert_null(j);
	assert_true(cmd_job_start(s, "load -Z x", &o, &j, &err) < 0);
	assert_null(j);
	assert_non_null(strstr(err.msg, "load: unknown option '-Z'"));
	/* session commands check their objects when they run */
	assert_int_equal(cmd_job_start(s, "drop nosuch", NULL, &j, &err), 0);
	assert_int_equal(cmd_job_wait(j), CMD_JOB_FAILED);
	assert_non_null(
	    strstr(cmd_job_error(j)->msg, "unknown object 'nosuch'"));
	cmd_job_free(j);
	sess_free(s);
}

static void test_job_failed(void **state)
{
	struct session *s = sess_new();
	struct cmd_job *j = NULL;
	struct fm_error err = {0};
	char *before, *after;
	(void)state;

	tu_write_file(tu_path("bad.csv"), "1, 2\n");
	before = snapshot(s);
	assert_int_equal(
	    cmd_job_start(s, "load bad.csv -i csv_flow", NULL, &j, &err), 0);
	assert_int_equal(cmd_job_wait(j), CMD_JOB_FAILED);
	assert_non_null(strstr(cmd_job_error(j)->msg, "load: "));
	after = snapshot(s);
	assert_string_equal(before, after);
	cmd_job_free(j);
	free(before);
	free(after);
	sess_free(s);
}

static void test_job_cancel(void **state)
{
	struct session *s = sess_new();
	struct cmd_job *j = NULL;
	struct fm_error err = {0};
	struct gate g;
	struct cmd_job_opts o = {on_progress, on_done, &g};
	char line[4300], *before, *after;
	(void)state;

	/* something in the session already, to see it stays as it was */
	snprintf(line, sizeof(line), "load %s --count-in 7 as small",
		 make_csv());
	assert_int_equal(sess_exec(s, line, stdout, stderr, NULL, &err), 0);
	before = snapshot(s);
	memset(&g, 0, sizeof(g));
	g.hold = 1;
	sem_init(&g.started, 0, 0);
	sem_init(&g.go, 0, 0);
	snprintf(line, sizeof(line), "load %s as big", make_csv());
	assert_int_equal(cmd_job_start(s, line, &o, &j, &err), 0);
	sem_wait(&g.started); /* the worker is inside the load */
	assert_int_equal(cmd_job_state(j), CMD_JOB_RUNNING);
	assert_true(cmd_job_fraction(j) > 0.0 && cmd_job_fraction(j) < 1.0);
	assert_true(cmd_job_cancel(j));
	sem_post(&g.go);
	assert_int_equal(cmd_job_wait(j), CMD_JOB_CANCELLED);
	assert_int_equal(g.calls, 1); /* stopped at the first report */
	assert_int_equal(g.done_calls, 1);
	after = snapshot(s);
	assert_string_equal(before, after);
	cmd_job_free(j);
	/* and its scratch directory is gone: only small's remains */
	assert_true(scratch_entries(1)); /* this session's directory */
	assert_int_equal(tu_system("test $(ls %s/*/ | grep -c load) -eq 1",
				   tu_path("scratch")),
			 0);
	free(before);
	free(after);
	sess_free(s);
	assert_true(scratch_entries(0)); /* all removed at the end */
}

/* A tool's job (fit on a histogram object) cancelled mid-way: no mixture
 * set appears, the histogram it read is untouched. */
static void test_job_cancel_tool(void **state)
{
	struct session *s = sess_new();
	struct cmd_job *j = NULL;
	struct fm_error err = {0};
	struct gate g;
	struct cmd_job_opts o = {on_progress, on_done, &g};
	char line[4300], *before, *after;
	FILE *null = fopen("/dev/null", "w");
	(void)state;

	snprintf(line, sizeof(line), "load %s as d", make_csv());
	assert_int_equal(sess_exec(s, line, null, null, NULL, &err), 0);
	assert_int_equal(
	    sess_exec(s, "hist d -x length -b 0 as h", null, null, NULL, &err),
	    0);
	before = snapshot(s);
	memset(&g, 0, sizeof(g));
	g.hold = 1;
	sem_init(&g.started, 0, 0);
	sem_init(&g.go, 0, 0);
	assert_int_equal(
	    cmd_job_start(s, "fit h -y flows -U 2 -L 3 -i 100000 as m", &o, &j,
			  &err),
	    0);
	sem_wait(&g.started);
	assert_true(cmd_job_cancel(j));
	sem_post(&g.go);
	assert_int_equal(cmd_job_wait(j), CMD_JOB_CANCELLED);
	assert_true(cmd_job_elapsed(j) < 30.0);
	cmd_job_free(j);
	after = snapshot(s);
	assert_string_equal(before, after);
	/* the same fit, not cancelled and short, makes the set */
	assert_int_equal(cmd_job_start(s, "fit h -y flows -U 2 -L 3 -i 5 as m",
				       NULL, &j, &err),
			 0);
	assert_int_equal(cmd_job_wait(j), CMD_JOB_DONE);
	assert_non_null(
	    strstr(cmd_job_output(j), "m: mixture, flows: 5 components"));
	cmd_job_free(j);
	free(before);
	free(after);
	fclose(null);
	sess_free(s);
}

/* Jobs running side by side commit independently. */
static void test_jobs_parallel(void **state)
{
	struct session *s = sess_new();
	struct cmd_job *j[4];
	struct fm_error err = {0};
	char line[4300];
	(void)state;

	for (int i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "load %s --count-in %d",
			 make_csv(), 100 * (i + 1));
		assert_int_equal(cmd_job_start(s, line, NULL, &j[i], &err), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(cmd_job_wait(j[i]), CMD_JOB_DONE);
		cmd_job_free(j[i]);
	}
	sess_lock(s);
	assert_int_equal(sess_count(s), 4);
	assert_int_equal(sess_record_count(s), 4);
	uint64_t total = 0;
	for (size_t i = 0; i < 4; i++)
		total += sess_at(s, i)->records;
	assert_int_equal(total, 1000);
	sess_unlock(s);
	sess_free(s);
}

static int setup(void **state)
{
	(void)state;
	tu_own_tmpdir();
	if (chdir(tu_tmpdir()) != 0)
		return -1;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_job_done),
	    cmocka_unit_test(test_job_failed),
	    cmocka_unit_test(test_job_cancel),
	    cmocka_unit_test(test_job_cancel_tool),
	    cmocka_unit_test(test_jobs_parallel),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

/*
 * test-session.c - session objects, name resolution, results, records,
 * error paths (the session stays intact), paths, save -> replay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sess-run.h"
#include "testutil.h"
#include "flowmodels/buf.h"
#include "cmd/session.h"

#define NREC 3000

static uint64_t want_packets, want_octets, want_tcp;

/* Write NREC random records as csv_flow (and remember their totals). */
static const char *make_csv(void)
{
	static char path[4200];
	struct tu_totals tot = {0, 0, 0};

	if (path[0])
		return path;
	snprintf(path, sizeof(path), "%s", tu_path("flows.csv"));
	tu_random_csv(path, NREC, 7, &tot);
	want_packets = tot.packets;
	want_octets = tot.octets;
	want_tcp = tot.tcp;
	return path;
}

/* Run a line; returns the code and leaves the messages in *msg. */
static void test_load_and_facts(void **state)
{
	struct session *s = sess_new();
	char line[4300], *out;
	struct sess_obj *o;
	(void)state;

	snprintf(line, sizeof(line), "load %s", make_csv());
	tu_sess_ok(s, line);
	snprintf(line, sizeof(line), "load %s --count-in 10 as ten",
		 make_csv());
	assert_int_equal(tu_sess_run(s, line, &out), 0);
	assert_int_equal(strncmp(out, "ten: dataset, 10 records, ", 26), 0);
	free(out);
	sess_lock(s);
	assert_int_equal(sess_count(s), 2);
	o = sess_find(s, "d1");
	assert_non_null(o);
	assert_int_equal(o->kind, SESS_DATASET);
	assert_int_equal(o->records, NREC);
	assert_int_equal(o->packets, want_packets);
	assert_int_equal(o->octets, want_octets);
	assert_true(o->owns_dir);
	assert_string_equal(sess_find(s, "ten")->name, "ten");
	assert_int_equal(sess_find(s, "ten")->records, 10);
	/* provenance: canonical, the guessed format recorded */
	snprintf(line, sizeof(line), "load %s -i csv_flow as d1", make_csv());
	assert_string_equal(o->provenance, line);
	assert_int_equal(sess_record_count(s), 2);
	assert_true(sess_dirty(s));
	sess_unlock(s);
	sess_free(s);
}

/* The object names in order, comma separated, and the record count. */
static char *snapshot(struct session *s)
{
	struct fm_buf b = FM_BUF_INIT;

	sess_lock(s);
	for (size_t i = 0; i < sess_count(s); i++) {
		struct sess_obj *o = sess_at(s, i);
		fm_buf_printf(&b, "%s:%s:%llu,", o->name, sess_obj_kind(o),
			      (unsigned long long)o->records);
	}
	fm_buf_printf(&b, " records=%zu", sess_record_count(s));
	for (size_t i = 0; i < sess_record_count(s); i++)
		fm_buf_printf(&b, "\n%s", sess_record_line(s, i));
	sess_unlock(s);
	return fm_buf_detach(&b);
}

static void expect_error(struct session *s, const char *line, const char *msg)
{
	char *before = snapshot(s), *after, *out = NULL;
	int r = tu_sess_run(s, line, &out);

	if (r >= 0)
		fail_msg("'%s' should fail", line);
	if (msg && !strstr(out, msg))
		fail_msg("'%s': got '%s', want '%s'", line, out, msg);
	after = snapshot(s);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(out);
}

static void test_errors_leave_session_intact(void **state)
{
	struct session *s = sess_new();
	char line[4300];
	(void)state;

	snprintf(line, sizeof(line), "load %s", make_csv());
	tu_sess_ok(s, line);
	expect_error(s, "drop nosuch",
		     "drop: unknown object 'nosuch' (objects: d1)");
	expect_error(s, "drop d1 nosuch", "unknown object 'nosuch'");
	expect_error(s, "info nosuch", "unknown object 'nosuch'");
	expect_error(s, "export nosuch -O x.csv", "unknown object 'nosuch'");
	expect_error(s, "filter nosuch \"prot==6\"", "unknown object 'nosuch'");
	expect_error(s, "load -x 1 whatever", "load: unknown option '-x'");
	expect_error(s, "load --count-in abc x",
		     "expected an integer, got 'abc'");
	expect_error(s, "load /nonexistent/file.csv", "/nonexistent/file.csv");
	expect_error(s, "load /nonexistent/dir -i binary", "/nonexistent/dir");
	expect_error(s, "filter d1 \"prot ==\"", "filter");
	expect_error(s, "filter d1 \"port == 6\"", "filter");
	expect_error(s, "bogus d1", "unknown command: bogus");
	expect_error(s, "rename d1 9bad", "bad object name '9bad'");
	expect_error(s, "load x as", "'as' needs a name");
	expect_error(s, "list as x", "made no object to call 'x'");
	expect_error(s, "convert d1 -i csv_flow -O x.csv",
		     "leave out -i csv_flow");
	expect_error(s, "export d1 -o nfcapd -O x",
		     "d1 cannot be written as 'nfcapd'");
	expect_error(s, "export d1", "export needs an output");
	expect_error(s, "set charset lcd", "charset: bad value 'lcd'");
	expect_error(s, "set nosuch 1", "unknown setting 'nosuch'");
	expect_error(s, "load \"unterminated", "unterminated quote");
	expect_error(s, "replay /nonexistent.fms", "/nonexistent.fms");
	/* a failing load that already wrote scratch data leaves nothing */
	tu_write_file(tu_path("bad.csv"),
		      "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, "
		      "9, 10, 1\n1, 2, 3\n");
	snprintf(line, sizeof(line), "load %s", tu_path("bad.csv"));
	expect_error(s, line, "bad.csv:2");
	sess_free(s);
}

static void test_binary_in_place_and_export(void **state)
{
	struct session *s = sess_new();
	char line[8600], *a, *b;
	struct sess_obj *o;
	(void)state;

	snprintf(line, sizeof(line), "convert -i csv_flow -o binary -O %s %s",
		 tu_path("bin"), make_csv());
	tu_sess_ok(s, line);
	snprintf(line, sizeof(line), "load %s as b", tu_path("bin"));
	tu_sess_ok(s, line);
	sess_lock(s);
	o = sess_find(s, "b");
	assert_false(o->owns_dir);
	assert_string_equal(o->dir, tu_path("bin"));
	assert_int_equal(o->records, NREC);
	sess_unlock(s);
	/* export to csv gives the input back; export binary copies arrays */
	snprintf(line, sizeof(line), "export b -o csv_flow -O %s",
		 tu_path("back.csv"));
	tu_sess_ok(s, line);
	a = tu_read_file(make_csv(), NULL);
	b = tu_read_file(tu_path("back.csv"), NULL);
	assert_string_equal(a, b);
	free(b);
	snprintf(line, sizeof(line), "export b -O %s", tu_path("bin2"));
	tu_sess_ok(s, line);
	assert_int_equal(tu_system("cmp -s %s/packets.Q %s/packets.Q",
				   tu_path("bin"), tu_path("bin2")),
			 0);
	/* a tool reads a dataset by name: convert d -> csv */
	snprintf(line, sizeof(line), "convert b -O %s", tu_path("back2.csv"));
	tu_sess_ok(s, line);
	b = tu_read_file(tu_path("back2.csv"), NULL);
	assert_string_equal(a, b);
	free(b);
	/* cut reads it too (no -i option needed) */
	snprintf(line, sizeof(line), "cut b --count-in 5 -O %s",
		 tu_path("cut5"));
	tu_sess_ok(s, line);
	snprintf(line, sizeof(line), "load %s as c5", tu_path("cut5"));
	tu_sess_ok(s, line);
	sess_lock(s);
	assert_int_equal(sess_find(s, "c5")->records, 5);
	sess_unlock(s);
	free(a);
	sess_free(s);
}

static void test_view(void **state)
{
	struct session *s = sess_new();
	char line[4300], *out = NULL;
	struct sess_obj *o;
	(void)state;

	snprintf(line, sizeof(line), "load %s", make_csv());
	tu_sess_ok(s, line);
	if (tu_sess_run(s, "filter d1 \"prot == 6\" as tcp", &out) < 0 &&
	    strstr(out, "not available")) {
		free(out);
		sess_free(s);
		skip();
	}
	free(out);
	sess_lock(s);
	o = sess_find(s, "tcp");
	assert_non_null(o);
	assert_int_equal(o->kind, SESS_VIEW);
	assert_int_equal(o->records, want_tcp);
	assert_string_equal(o->filter, "prot == 6");
	sess_unlock(s);
	tu_sess_ok(s, "filter tcp prot == 17 as none");
	sess_lock(s);
	assert_int_equal(sess_find(s, "none")->records, 0);
	assert_string_equal(sess_find(s, "none")->filter,
			    "(prot == 6) and (prot == 17)");
	sess_unlock(s);
	/* the view survives its dataset */
	tu_sess_ok(s, "drop d1");
	snprintf(line, sizeof(line), "export tcp -o csv_flow -O %s",
		 tu_path("tcp.csv"));
	tu_sess_ok(s, line);
	assert_int_equal(tu_system("test $(wc -l < %s) -eq %llu",
				   tu_path("tcp.csv"),
				   (unsigned long long)want_tcp),
			 0);
	/* cut takes no filter: a view is refused */
	expect_error(s, "cut tcp -O /tmp/never", "filter");
	sess_free(s);
}

/* ---- a typed object: lines of csv_flow text ---- */

struct lines {
	struct fm_buf text;
	int n;
};

static void lines_free(void *p)
{
	struct lines *l = p;
	fm_buf_release(&l->text);
	free(l);
}

static void lines_facts(const void *p, struct fm_buf *out)
{
	const struct lines *l = p;
	fm_buf_printf(out, "%d lines", l->n);
}

static int lines_export(const void *p, const char *format, const char *path,
			struct fm_error *err)
{
	const struct lines *l = p;
	FILE *f = fopen(path, "w");
	(void)format;
	if (!f)
		return fm_error_set(err, FM_EIO, "%s: cannot write", path);
	fputs(l->text.buf, f);
	fclose(f);
	return 0;
}

static int lines_merge(void *existing, void *incoming, struct fm_error *err)
{
	struct lines *a = existing, *b = incoming;
	(void)err;
	fm_buf_addstr(&a->text, b->text.buf);
	a->n += b->n;
	lines_free(b);
	return 0;
}

static const struct cmd_objtype lines_type = {.kind = "lines",
					      .prefix = 'l',
					      .formats = "csv_flow|text",
					      .free = lines_free,
					      .facts = lines_facts,
					      .export = lines_export,
					      .merge = lines_merge};
static const struct cmd_objtype other_type = {.kind = "other",
					      .prefix = 'o',
					      .formats = "text",
					      .free = lines_free,
					      .facts = lines_facts,
					      .export = lines_export};

/* Hand a lines object to the session as the result of "list [as NAME]". */
static void add_lines(struct session *s, const struct cmd_objtype *t,
		      const char *text, int n, const char *as)
{
	struct cmd_run *r = NULL;
	struct fm_error err = {0};
	struct cmd_ctx ctx;
	struct lines *l = calloc(1, sizeof(*l));
	char line[128];

	fm_buf_addstr(&l->text, text);
	l->n = n;
	snprintf(line, sizeof(line), "list%s%s", as ? " as " : "",
		 as ? as : "");
	assert_int_equal(sess_prepare(s, line, &r, &err), 0);
	FILE *null = fopen("/dev/null", "w");
	assert_int_equal(sess_run_exec(r, null, null, NULL, &err), 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.session = s;
	ctx.run = r;
	assert_int_equal(cmd_result_object(&ctx, t, l, &err), 1);
	assert_int_equal(sess_run_commit(r, NULL, &err), 0);
	sess_run_free(r);
	fclose(null);
}

static void test_typed_objects(void **state)
{
	struct session *s = sess_new();
	const char *rec1 =
	    "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1\n";
	const char *rec2 =
	    "2, 17, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, 1, 10, 1\n";
	char line[4300], *text;
	struct fm_buf f = FM_BUF_INIT;
	struct cmd_ctx ctx;
	struct fm_error err = {0};
	(void)state;

	/* one-shot mode: not taken */
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(cmd_result_object(&ctx, &lines_type, (void *)1, &err),
			 0);
	assert_int_equal(cmd_result_dataset(&ctx, "/x", 0, &err), 0);

	add_lines(s, &lines_type, rec1, 1, NULL);
	sess_lock(s);
	assert_non_null(sess_find(s, "l1"));
	assert_string_equal(sess_obj_kind(sess_find(s, "l1")), "lines");
	sess_obj_facts(sess_find(s, "l1"), &f);
	assert_string_equal(f.buf, "1 lines");
	sess_unlock(s);
	/* a tool reads it by name through its default-format export */
	snprintf(line, sizeof(line), "convert -i csv_flow l1 -O %s",
		 tu_path("l1.csv"));
	tu_sess_ok(s, line);
	text = tu_read_file(tu_path("l1.csv"), NULL);
	assert_string_equal(text, rec1);
	free(text);
	/* merge into an existing object of the same type and name */
	add_lines(s, &lines_type, rec2, 1, "l1");
	sess_lock(s);
	assert_int_equal(sess_count(s), 1);
	assert_int_equal(((struct lines *)sess_find(s, "l1")->data)->n, 2);
	sess_unlock(s);
	/* the merged object is read anew (not the stale export) */
	snprintf(line, sizeof(line), "convert -i csv_flow l1 -O %s",
		 tu_path("l1b.csv"));
	tu_sess_ok(s, line);
	text = tu_read_file(tu_path("l1b.csv"), NULL);
	assert_int_equal(strlen(text), strlen(rec1) + strlen(rec2));
	free(text);
	snprintf(line, sizeof(line), "export l1 -o text -O %s",
		 tu_path("l1.txt"));
	tu_sess_ok(s, line);
	/* another type under the same name replaces it */
	add_lines(s, &other_type, rec2, 1, "l1");
	sess_lock(s);
	assert_int_equal(sess_count(s), 1);
	assert_string_equal(sess_obj_kind(sess_find(s, "l1")), "other");
	sess_unlock(s);
	expect_error(s, "export l1 -o csv_flow -O /tmp/x",
		     "cannot be written as 'csv_flow'");
	fm_buf_release(&f);
	sess_free(s);
}

static void test_drop_rename_set(void **state)
{
	struct session *s = sess_new();
	char line[4300], *snap;
	(void)state;

	snprintf(line, sizeof(line), "load %s --count-in 3", make_csv());
	tu_sess_ok(s, line);
	tu_sess_ok(s, line);
	tu_sess_ok(s, "rename d1 first");
	expect_error(s, "rename d2 first", "an object called 'first' exists");
	tu_sess_ok(s, "mv d2 second");
	snprintf(line, sizeof(line), "load %s --count-in 3 as third",
		 make_csv());
	tu_sess_ok(s, line);
	tu_sess_ok(s, "drop first second");
	snap = snapshot(s);
	assert_int_equal(strncmp(snap, "third:dataset:", 14), 0);
	free(snap);
	/* automatic names go on counting */
	snprintf(line, sizeof(line), "load %s --count-in 3", make_csv());
	tu_sess_ok(s, line);
	sess_lock(s);
	assert_non_null(sess_find(s, "d3"));
	sess_unlock(s);
	tu_sess_ok(s, "set charset ascii");
	assert_string_equal(sess_setting(s, "charset"), "ascii");
	tu_sess_ok(s, "set charset block");
	snap = snapshot(s);
	tu_sess_ok(s, "set");
	tu_sess_ok(s, "set echo");
	tu_sess_ok(s, "list");
	tu_sess_ok(s, "info");
	tu_sess_ok(s, "history");
	tu_sess_ok(s, "help");
	tu_sess_ok(s, "help load");
	tu_sess_ok(s, "load --help");
	{
		char *after = snapshot(s);
		assert_string_equal(snap, after); /* none of these recorded */
		free(after);
	}
	free(snap);
	tu_sess_ok(s, "quit");
	assert_true(sess_quit_requested(s));
	sess_free(s);
}

/* The chart state: view and per-view axis settings, recorded commands. */
static void test_chart_state(void **state)
{
	struct session *s = sess_new();
	struct sess_view_axes a;
	char buf[80];
	(void)state;

	assert_int_equal(sess_view(s), 0);
	tu_sess_ok(s, "view cdf");
	assert_int_equal(sess_view(s), 3);
	tu_sess_ok(s, "set xscale lin");
	tu_sess_ok(s, "set yrange 0.25:0.75");
	tu_sess_ok(s, "set xrange 1e2:1e6");
	a = sess_view_axes(s, 3);
	assert_int_equal(a.x.scale, SESS_SCALE_LIN);
	assert_true(a.x.min == 100 && a.x.max == 1e6);
	assert_true(a.y.min == 0.25 && a.y.max == 0.75);
	assert_int_equal(a.y.scale, SESS_SCALE_AUTO);
	/* another view keeps its own */
	a = sess_view_axes(s, 0);
	assert_true(a.x.scale == SESS_SCALE_AUTO && !(a.x.min < a.x.max));
	assert_string_equal(sess_chart_setting(s, "xrange", buf, sizeof(buf)),
			    "100:1000000");
	expect_error(s, "set xrange 5:1", "LO < HI");
	expect_error(s, "set xrange 1:", "bad value");
	expect_error(s, "set xrange a:b", "bad value");
	expect_error(s, "set yscale cubic", "lin|log|auto");
	expect_error(s, "view pdf", "unknown view 'pdf'");
	tu_sess_ok(s, "set xrange auto");
	a = sess_view_axes(s, 3);
	assert_true(!(a.x.min < a.x.max) && a.x.scale == SESS_SCALE_LIN);
	for (int v = 0; v < SESS_VIEWS; v++)
		assert_int_equal(sess_view_from_name(sess_view_name(v)), v);
	/* recorded in order, `view` alone and `set NAME` are not */
	tu_sess_ok(s, "view");
	tu_sess_ok(s, "set xscale");
	assert_int_equal(sess_record_count(s), 5);
	assert_string_equal(sess_record_line(s, 0), "view cdf");
	assert_string_equal(sess_record_line(s, 4), "set xrange auto");
	sess_free(s);
}

static void test_ref_survives_drop(void **state)
{
	struct session *s = sess_new();
	struct cmd_run *r = NULL;
	struct fm_error err = {0};
	char line[8600], *a, *b;
	FILE *null = fopen("/dev/null", "w");
	(void)state;

	snprintf(line, sizeof(line), "load %s", make_csv());
	tu_sess_ok(s, line);
	snprintf(line, sizeof(line), "convert d1 -O %s", tu_path("late.csv"));
	assert_int_equal(sess_prepare(s, line, &r, &err), 0);
	tu_sess_ok(s, "drop d1");
	sess_lock(s);
	assert_int_equal(sess_count(s), 0);
	sess_unlock(s);
	assert_int_equal(sess_run_exec(r, null, null, NULL, &err), 0);
	assert_int_equal(sess_run_commit(r, NULL, &err), 0);
	sess_run_free(r);
	a = tu_read_file(make_csv(), NULL);
	b = tu_read_file(tu_path("late.csv"), NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* an uncommitted run adds nothing */
	snprintf(line, sizeof(line), "load %s as never", make_csv());
	assert_int_equal(sess_prepare(s, line, &r, &err), 0);
	assert_int_equal(sess_run_exec(r, null, null, NULL, &err), 0);
	sess_run_free(r);
	sess_lock(s);
	assert_int_equal(sess_count(s), 0);
	sess_unlock(s);
	fclose(null);
	sess_free(s);
}

static void test_paths(void **state)
{
	char *p;
	(void)state;

#define REL(from, to, want)                                                    \
	do {                                                                   \
		p = sess_relpath(from, to);                                    \
		assert_string_equal(p, want);                                  \
		free(p);                                                       \
	} while (0)
	REL("/a/b", "/a/b/c.csv", "c.csv");
	REL("/a/b", "/a/c/d", "../c/d");
	REL("/a/b", "/a/bc/d", "../bc/d");
	REL("/a/b", "/a/b", ".");
	REL("/a/b/c", "/a", "../..");
	REL("/a", "/x/y", "/x/y");
	REL("/", "/x/y", "/x/y");
	p = sess_abspath(NULL, "/a/./b//c/../d/");
	assert_string_equal(p, "/a/b/d");
	free(p);
	p = sess_abspath(NULL, "/..");
	assert_string_equal(p, "/");
	free(p);
	p = sess_abspath(NULL, "x");
	assert_true(p[0] == '/' && strcmp(p + strlen(p) - 2, "/x") == 0);
	free(p);
}

/* The lines of a session file after its header date line. */
static char *body(const char *path)
{
	char *t = tu_read_file(path, NULL), *nl;
	assert_non_null(t);
	assert_int_equal(strncmp(t, "# flowmodels session, saved ", 28), 0);
	nl = strchr(t, '\n');
	memmove(t, nl + 1, strlen(nl + 1) + 1);
	return t;
}

static void test_save_replay(void **state)
{
	struct session *s = sess_new(), *s2;
	struct fm_error err = {0};
	char line[8600], *b1, *b2, *snap1, *snap2;
	FILE *null = fopen("/dev/null", "w");
	(void)state;

	mkdir(tu_path("proj"), 0755);
	mkdir(tu_path("proj/sessions"), 0755);
	snprintf(line, sizeof(line), "load %s --skip-in 10 --count-in 100 as a",
		 make_csv());
	tu_sess_ok(s, line);
	snprintf(line, sizeof(line), "convert a -o binary -O %s",
		 tu_path("proj/a.bin"));
	tu_sess_ok(s, line);
	snprintf(line, sizeof(line), "load %s", tu_path("proj/a.bin"));
	tu_sess_ok(s, line);
	tu_sess_ok(s, "set echo off");
	tu_sess_ok(s, "rename d1 \"b\"");
	snprintf(line, sizeof(line), "export b -o csv_flow -O \"%s\"",
		 tu_path("proj/out b.csv"));
	tu_sess_ok(s, line);
	snprintf(line, sizeof(line), "save %s", tu_path("proj/sessions/s.fms"));
	tu_sess_ok(s, line);
	assert_false(sess_dirty(s));
	b1 = body(tu_path("proj/sessions/s.fms"));
	assert_string_equal(b1, "# paths are relative to this file\n"
				"load ../../flows.csv -i csv_flow --skip-in 10 "
				"--count-in 100 as a\n"
				"convert a -o binary -O ../a.bin\n"
				"load ../a.bin -i binary as d1\n"
				"set echo off\n"
				"rename d1 b\n"
				"export b -o csv_flow -O \"../out b.csv\"\n");
	snap1 = snapshot(s);
	/* replay from another working directory, in a new session */
	s2 = sess_new();
	assert_int_equal(chdir("/"), 0);
	/* its outputs lie in proj/, beside the file's directory */
	assert_int_equal(sess_replay(s2, tu_path("proj/sessions/s.fms"),
				     SESS_ALLOW_OUTSIDE, null, null, NULL,
				     &err),
			 0);
	/* a replayed file never becomes the session file (a bare save
	 * must not overwrite it) */
	assert_null(sess_file(s2));
	snap2 = snapshot(s2);
	assert_string_equal(snap1, snap2);
	snprintf(line, sizeof(line), "save %s", tu_path("s2.fms"));
	tu_sess_ok(s2, line);
	free(b2 = NULL);
	b2 = body(tu_path("s2.fms"));
	assert_non_null(strstr(b2, "load flows.csv -i csv_flow --skip-in 10"));
	free(b2);
	/* saving again next to the first gives the same bytes */
	snprintf(line, sizeof(line), "save %s", tu_path("proj/sessions/t.fms"));
	tu_sess_ok(s2, line);
	b2 = body(tu_path("proj/sessions/t.fms"));
	assert_string_equal(b1, b2);
	/* an error in a file: FILE:LINE, the earlier lines done */
	tu_write_file(tu_path("proj/bad.fms"),
		      "# c\n\nload ../flows.csv as x\n  drop nosuch\nlist\n");
	sess_free(s2);
	s2 = sess_new();
	assert_true(sess_replay(s2, tu_path("proj/bad.fms"), 0, null, null,
				NULL, &err) < 0);
	snprintf(line, sizeof(line),
		 "%s:4: drop: unknown object 'nosuch' (objects: x)",
		 tu_path("proj/bad.fms"));
	assert_string_equal(err.msg, line);
	sess_lock(s2);
	assert_int_equal(sess_count(s2), 1);
	sess_unlock(s2);
	/* quit stops a replay */
	tu_write_file(tu_path("proj/quit.fms"), "quit\nbogus\n");
	assert_int_equal(sess_replay(s2, tu_path("proj/quit.fms"), 0, null,
				     null, NULL, &err),
			 0);
	/* a file replaying itself stops at a depth limit */
	tu_write_file(tu_path("proj/self.fms"), "replay self.fms\n");
	sess_free(s2);
	s2 = sess_new();
	assert_true(sess_replay(s2, tu_path("proj/self.fms"), 0, null, null,
				NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "nested too deep"));
	free(b1);
	free(b2);
	free(snap1);
	free(snap2);
	sess_free(s);
	sess_free(s2);
	fclose(null);
}

/* What a tool records instead of what was typed (seeds, keys). */
static void test_record_hooks(void **state)
{
	struct session *s = sess_new();
	struct cmd_run *r = NULL;
	struct fm_error err = {0};
	struct cmd_ctx ctx;
	char line[4300], want[4400], *text;
	FILE *null = fopen("/dev/null", "w");
	(void)state;

	snprintf(line, sizeof(line), "load %s --count-in 5 -q", make_csv());
	assert_int_equal(sess_prepare(s, line, &r, &err), 0);
	assert_int_equal(sess_run_exec(r, null, null, NULL, &err), 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.session = s;
	ctx.run = r;
	cmd_record_option(&ctx, OPT_COUNT_IN, "7");   /* replaced */
	cmd_record_option(&ctx, OPT_IN_FORMAT, NULL); /* left out */
	cmd_record_words(&ctx, "--key-env", "FLOWMODELS_KEY");
	cmd_record_comment(&ctx,
			   "key given literally: set FLOWMODELS_KEY to replay");
	assert_int_equal(sess_run_commit(r, NULL, &err), 0);
	sess_run_free(r);
	snprintf(want, sizeof(want),
		 "load %s --count-in 7 --key-env FLOWMODELS_KEY as d1",
		 make_csv());
	sess_lock(s);
	assert_string_equal(sess_record_line(s, 0), want);
	assert_int_equal(sess_find(s, "d1")->records, 5); /* what ran */
	sess_unlock(s);
	snprintf(line, sizeof(line), "save %s", tu_path("hooks.fms"));
	tu_sess_ok(s, line);
	text = body(tu_path("hooks.fms"));
	assert_string_equal(
	    text,
	    "# paths are relative to this file\n"
	    "# key given literally: set FLOWMODELS_KEY to replay\n"
	    "load flows.csv --count-in 7 --key-env FLOWMODELS_KEY as d1\n");
	free(text);
	fclose(null);
	sess_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_and_facts),
	    cmocka_unit_test(test_errors_leave_session_intact),
	    cmocka_unit_test(test_binary_in_place_and_export),
	    cmocka_unit_test(test_view),
	    cmocka_unit_test(test_typed_objects),
	    cmocka_unit_test(test_drop_rename_set),
	    cmocka_unit_test(test_chart_state),
	    cmocka_unit_test(test_ref_survives_drop),
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_record_hooks),
	    cmocka_unit_test(test_save_replay),
	};
	tu_own_tmpdir(); /* scratch directories never land in /tmp */
	return cmocka_run_group_tests(tests, NULL, NULL);
}

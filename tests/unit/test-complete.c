/*
 * test-complete.c - Tab completion of the workbench's command line
 * (src/tui/complete.c), without a terminal: commands, options, option
 * values, names inside filter expressions (each one checked against the
 * filter compiler), object names, and relative paths (./ ../ ~/, quoted
 * and escaped) checked against glob(3) as the simple implementation;
 * the readline-style column listing.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "complete.h"
#include "flowmodels/filter.h"

static const char *const objects[] = {"d1", "d2", "h1", "tls", NULL};
static const char *const builtins[] = {"help", "theme", "clear",
				       "quit", "exit",	NULL};
static const char *const themes[] = {"dark", "default", "light", NULL};
static struct tui_complete_src src = {objects, builtins, themes, NULL};

/* Complete the whole line (cursor at its end). */
static void run(const char *line, struct tui_completion *c)
{
	assert_int_equal(tui_complete(line, strlen(line), &src, c), 0);
}

static int has(const struct tui_completion *c, const char *s)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->cands[i], s))
			return 1;
	return 0;
}

/* line completes to one candidate: the line after Tab is want. */
static void expect_line(const char *line, const char *want)
{
	struct tui_completion c;
	char buf[512];

	run(line, &c);
	if (!c.insert || !c.progress)
		fail_msg("'%s': no progress (%zu candidates)", line, c.n);
	snprintf(buf, sizeof(buf), "%.*s%s", (int)c.start, line, c.insert);
	assert_string_equal(buf, want);
	tui_completion_release(&c);
}

static void test_commands(void **state)
{
	struct tui_completion c;

	(void)state;
	run("hi", &c);
	assert_int_equal(c.kind, COMP_COMMAND);
	assert_true(has(&c, "hist") && has(&c, "history"));
	assert_true(c.progress); /* hi -> hist */
	assert_string_equal(c.insert, "hist");
	tui_completion_release(&c);
	run("hist", &c); /* hist, hist_np, history: nothing to add */
	assert_true(c.n >= 3);
	assert_false(c.progress);
	tui_completion_release(&c);
	expect_line("qu", "quit ");
	expect_line("  the", "  theme ");
	run("", &c); /* every command */
	assert_true(has(&c, "load") && has(&c, "fit") && has(&c, "clear"));
	for (size_t i = 1; i < c.n; i++) /* sorted, no duplicates */
		assert_true(strcmp(c.cands[i - 1], c.cands[i]) < 0);
	tui_completion_release(&c);
	run("zzz", &c);
	assert_int_equal(c.n, 0);
	assert_null(c.insert);
	tui_completion_release(&c);
	run("hist # a comment", &c);
	assert_int_equal(c.n, 0);
	tui_completion_release(&c);
}

static void test_options(void **state)
{
	struct tui_completion c;

	(void)state;
	expect_line("fit h1 --it", "fit h1 --iterations ");
	run("fit h1 --", &c);
	assert_int_equal(c.kind, COMP_OPTION);
	assert_true(has(&c, "--y-value") && has(&c, "--lognorm"));
	tui_completion_release(&c);
	expect_line("fit h1 -y p", "fit h1 -y packets ");
	expect_line("fit h1 --y-value=oc", "fit h1 --y-value=octets ");
	expect_line("set charset bl", "set charset block ");
	expect_line("theme li", "theme light ");
	run("help fi", &c);
	assert_true(has(&c, "fit") && has(&c, "filters"));
	tui_completion_release(&c);
	/* a new name after `as`: nothing to offer */
	run("hist d1 -x length as ", &c);
	assert_int_equal(c.n, 0);
	tui_completion_release(&c);
	/* sort's key fields: the name after the last comma */
	run("sort -k sa0,d", &c);
	assert_int_equal(c.kind, COMP_FIELD);
	assert_int_equal(c.start, strlen("sort -k sa0,"));
	assert_true(has(&c, "dp") && has(&c, "da3") && !has(&c, "sp"));
	tui_completion_release(&c);
}

/* Every name a filter completion offers is a name of the language. */
static void check_filter_names(const struct tui_completion *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const char *n = c->cands[i];
		char expr[128];
		struct fm_filter *f = NULL;
		struct fm_error err = {0};

		if (!strcmp(n, "and") || !strcmp(n, "or"))
			snprintf(expr, sizeof(expr), "1 == 1 %s 0 == 0", n);
		else if (!strcmp(n, "not"))
			snprintf(expr, sizeof(expr), "not 1 == 0");
		else if (!strcmp(n, "in"))
			snprintf(expr, sizeof(expr), "sa in 10.0.0.0/8");
		else if (!strcmp(n, "sa") || !strcmp(n, "da") ||
			 !strcmp(n, "addr"))
			snprintf(expr, sizeof(expr), "%s == 10.0.0.1", n);
		else
			snprintf(expr, sizeof(expr), "%s == 0", n);
		if (fm_filter_compile(&f, expr, NULL, &err) < 0)
			fail_msg("candidate '%s': %s", n, err.msg);
		fm_filter_free(f);
	}
}

static void test_filter(void **state)
{
	struct tui_completion c;
	const char *line = "filter d1 \"(prot==6) & (s";

	(void)state;
	run(line, &c);
	assert_int_equal(c.kind, COMP_FILTER);
	assert_int_equal(c.start, strlen(line) - 1);
	assert_true(has(&c, "sa") && has(&c, "sp") && has(&c, "sa3") &&
		    has(&c, "sctp"));
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.cands[i][0], 's');
	check_filter_names(&c);
	tui_completion_release(&c);
	/* an empty name: the whole vocabulary, each a name of the language */
	run("filter d1 \"(", &c);
	assert_true(has(&c, "prot") && has(&c, "duration") && has(&c, "addr") &&
		    has(&c, "udp") && has(&c, "not") && has(&c, "in") &&
		    has(&c, "True"));
	assert_int_equal(c.n, 21 + 11 + 11);
	check_filter_names(&c);
	tui_completion_release(&c);
	expect_line("filter d1 \"prot == tc", "filter d1 \"prot == tcp");
	expect_line("filter d1 sp == 443 an", "filter d1 sp == 443 and ");
	expect_line("hist d1 --filter-expr 'dura",
		    "hist d1 --filter-expr 'duration");
	expect_line("filter tls \"ad", "filter tls \"addr");
	/* --filter-expr=EXPR, quoted or not; sort's --key-fields=LIST */
	expect_line("hist d1 --filter-expr=pro", "hist d1 --filter-expr=prot");
	expect_line("hist d1 --filter-expr='sp == 1 an",
		    "hist d1 --filter-expr='sp == 1 and ");
	expect_line("sort --key-fields=sa0,fir", "sort --key-fields=sa0,first");
	/* a number is not a name */
	run("filter d1 \"sa in 10", &c);
	assert_int_equal(c.n, 0);
	tui_completion_release(&c);
	/* the dataset is an object; after `as` nothing */
	run("filter t", &c);
	assert_true(has(&c, "tls"));
	tui_completion_release(&c);
	run("filter d1 \"sp == 1\" as s", &c);
	assert_int_equal(c.n, 0);
	tui_completion_release(&c);
}

static void test_objects(void **state)
{
	struct tui_completion c;
	char old[4096];

	(void)state;
	/* in an empty directory: no paths besides */
	mkdir(tu_path("empty"), 0755);
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(tu_path("empty")), 0);
	run("hist d", &c);
	assert_int_equal(c.kind, COMP_OBJECT);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.insert, "d");
	assert_false(c.progress);
	tui_completion_release(&c);
	expect_line("info t", "info tls ");
	assert_int_equal(chdir(old), 0);
}

/* The paths glob(3) finds for pattern (dirs marked /), sorted, hidden
 * ones only when asked. */
static size_t glob_paths(const char *pattern, char ***out)
{
	glob_t g;
	size_t n = 0;

	memset(&g, 0, sizeof(g));
	if (glob(pattern, GLOB_MARK, NULL, &g) == 0)
		n = g.gl_pathc;
	*out = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		(*out)[i] = strdup(g.gl_pathv[i]);
	globfree(&g);
	return n;
}

/* The path completion of "load PREFIX" gives what glob gives for
 * PREFIX*. */
static void same_as_glob(const char *prefix)
{
	struct tui_completion c;
	char line[256], pat[256], **g;
	size_t n;

	snprintf(line, sizeof(line), "load %s", prefix);
	snprintf(pat, sizeof(pat), "%s*", prefix);
	src.objects = NULL; /* paths only */
	run(line, &c);
	src.objects = objects;
	n = glob_paths(pat, &g);
	if (c.n != n)
		fail_msg("'%s': %zu candidates, glob finds %zu", prefix, c.n,
			 n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(c.cands[i], g[i]);
		free(g[i]);
	}
	free(g);
	tui_completion_release(&c);
}

static void test_paths(void **state)
{
	char old[4096];
	const char *top = tu_path("tree");
	char sub[4200];
	struct tui_completion c;

	(void)state;
	assert_non_null(getcwd(old, sizeof(old)));
	mkdir(top, 0755);
	snprintf(sub, sizeof(sub), "%s/data", top);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/data/sub", top);
	mkdir(sub, 0755);
	assert_int_equal(chdir(top), 0);
	tu_write_file("data/flows.csv", "x\n");
	tu_write_file("data/flows2.csv", "x\n");
	tu_write_file("data/length.csv", "x\n");
	tu_write_file("my file.csv", "x\n");
	tu_write_file("say \"hi\".txt", "x\n");
	tu_write_file(".hidden", "x\n");

	/* no object starts with da: paths; a directory ends in / */
	expect_line("load da", "load data/");
	expect_line("load data/fl", "load data/flows");
	expect_line("load data/flows.", "load data/flows.csv ");
	expect_line("load ./da", "load ./data/");
	expect_line("load ./data/le", "load ./data/length.csv ");
	/* blanks and quotes: escaped, or inside the quote the word opened */
	expect_line("load my", "load my\\ file.csv ");
	expect_line("load \"my", "load \"my file.csv\" ");
	expect_line("load 'my f", "load 'my file.csv' ");
	expect_line("load \"say", "load \"say \\\"hi\\\".txt\" ");
	/* hidden files only when a dot is typed */
	run("load ", &c);
	assert_false(has(&c, ".hidden"));
	assert_true(has(&c, "data/") && has(&c, "my file.csv") &&
		    has(&c, "d1"));
	tui_completion_release(&c);
	expect_line("load .h", "load .hidden ");
	same_as_glob("");
	same_as_glob("data/");
	same_as_glob("data/f");
	same_as_glob("./data/");
	/* an output option takes paths, a file option too */
	expect_line("summary h1 -O da", "summary h1 -O data/");
	expect_line("fit h1 --initial data/le",
		    "fit h1 --initial data/length.csv ");
	/* ~ is the home directory, kept as typed */
	src.home = top;
	expect_line("load ~", "load ~/");
	expect_line("load ~/da", "load ~/data/");
	expect_line("load ~/data/le", "load ~/data/length.csv ");
	src.home = NULL;
	/* ../ from a subdirectory */
	assert_int_equal(chdir("data/sub"), 0);
	run("load ../", &c);
	assert_int_equal(c.kind, COMP_PATH);
	assert_true(has(&c, "../flows.csv") && has(&c, "../sub/"));
	tui_completion_release(&c);
	same_as_glob("../");
	same_as_glob("../../d");
	expect_line("load ../le", "load ../length.csv ");
	expect_line("load ../../my", "load ../../my\\ file.csv ");
	expect_line("load ..", "load ../");
	assert_int_equal(chdir(old), 0);
}

static void test_columns(void **state)
{
	char *items[] = {"alpha", "b", "c", "delta-long", "e"};
	size_t n;
	char **lines;

	(void)state;
	/* widest 10 + 2 = 12 a column: 2 columns in 30, sorted down */
	lines = tui_complete_columns(items, 5, 30, &n);
	assert_non_null(lines);
	assert_int_equal(n, 3);
	assert_string_equal(lines[0], "alpha       delta-long");
	assert_string_equal(lines[1], "b           e");
	assert_string_equal(lines[2], "c");
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	/* narrower than one column: one a line */
	lines = tui_complete_columns(items, 5, 5, &n);
	assert_int_equal(n, 5);
	assert_string_equal(lines[3], "delta-long");
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	lines = tui_complete_columns(items, 0, 80, &n);
	assert_int_equal(n, 0);
	free(lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_commands), cmocka_unit_test(test_options),
	    cmocka_unit_test(test_filter),   cmocka_unit_test(test_objects),
	    cmocka_unit_test(test_paths),    cmocka_unit_test(test_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

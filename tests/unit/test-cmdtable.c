/*
 * test-cmdtable.c - every command table entry is complete: a summary,
 * usage, option table with help lines and no clashing names, an exec, a
 * docs page docs/commands/NAME.md naming every long option, and it is
 * found by name and alias; --help text lists every option.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "cmd/cmd.h"

/* The source tree, from this file's path (CMake passes absolute paths). */
static const char *source_dir(void)
{
	static char dir[4096];
	const char *env = getenv("FM_SOURCE_DIR");
	char *p;

	if (env && *env)
		return env;
	snprintf(dir, sizeof(dir), "%s", __FILE__);
	p = strstr(dir, "/tests/unit/");
	if (!p)
		return NULL;
	*p = '\0';
	return dir;
}

static void test_entries(void **state)
{
	struct fm_error err = {0};
	(void)state;

	assert_non_null(cmd_table[0]);
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		const struct cmd_entry *c = *e;
		print_message("checking %s\n", c->name);
		assert_non_null(c->name);
		assert_non_null(c->summary);
		assert_true(strlen(c->summary) > 5);
		/* summaries: lower case, no final period */
		assert_false(c->summary[0] >= 'A' && c->summary[0] <= 'Z');
		assert_int_not_equal(c->summary[strlen(c->summary) - 1], '.');
		assert_non_null(c->usage);
		assert_non_null(c->opts);
		assert_non_null(c->exec);
		assert_ptr_equal(cmd_find(c->name, &err), c);
		if (c->alias)
			assert_ptr_equal(cmd_find(c->alias, &err), c);
		for (const struct cmd_opt *o = c->opts; o->long_name; o++) {
			assert_non_null(o->help);
			assert_true(o->id >= 0 && o->id < CMD_MAX_OPTS);
			for (const struct cmd_opt *p = c->opts; p < o; p++) {
				assert_string_not_equal(p->long_name,
							o->long_name);
				if (o->short_name)
					assert_int_not_equal(p->short_name,
							     o->short_name);
			}
		}
		/* names are unique across the table, aliases too */
		for (const struct cmd_entry *const *f = cmd_table; f < e; f++) {
			assert_string_not_equal((*f)->name, c->name);
			if (c->alias && (*f)->alias)
				assert_string_not_equal((*f)->alias, c->alias);
		}
	}
}

static void test_help_lists_options(void **state)
{
	(void)state;
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		assert_non_null(f);
		cmd_print_help(*e, f);
		fclose(f);
		assert_non_null(strstr(text, (*e)->summary));
		for (const struct cmd_opt *o = (*e)->opts; o->long_name; o++) {
			char want[80];
			snprintf(want, sizeof(want), "--%s", o->long_name);
			assert_non_null(strstr(text, want));
		}
		free(text);
	}
	{
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		cmd_print_list(f);
		fclose(f);
		for (const struct cmd_entry *const *e = cmd_table; *e; e++)
			assert_non_null(strstr(text, (*e)->summary));
		free(text);
	}
}

static void test_docs_pages(void **state)
{
	const char *src = source_dir();
	(void)state;

	if (!src)
		skip();
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		char path[4200];
		char *text;

		snprintf(path, sizeof(path), "%s/docs/commands/%s.md", src,
			 (*e)->name);
		text = tu_read_file(path, NULL);
		if (!text)
			fail_msg("command '%s' has no docs page %s", (*e)->name,
				 path);
		for (const struct cmd_opt *o = (*e)->opts; o->long_name; o++) {
			char want[80];
			snprintf(want, sizeof(want), "--%s", o->long_name);
			if (!strstr(text, want))
				fail_msg("%s does not describe %s", path, want);
		}
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries),
	    cmocka_unit_test(test_help_lists_options),
	    cmocka_unit_test(test_docs_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

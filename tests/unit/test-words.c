/*
 * test-words.c - the workbench's command-line splitting (src/tui/words.c):
 * blanks, both quotes, backslashes, comments, an unterminated quote.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "words.h"

static void check(const char *line, int want_n, const char *const *want)
{
	struct fm_error err = {0};
	char **w;
	int n;

	assert_int_equal(tui_split_words(line, &w, &n, &err), 0);
	assert_int_equal(n, want_n);
	for (int i = 0; i < n; i++)
		assert_string_equal(w[i], want[i]);
	assert_null(w[n]);
	tui_free_words(w);
}

static void test_split(void **state)
{
	(void)state;
	check("", 0, NULL);
	check("   \t ", 0, NULL);
	check("  hist  d1 -x length ", 4,
	      (const char *const[]){"hist", "d1", "-x", "length"});
	check("filter d1 \"(prot==6) & (dp==443)\" as d2", 5,
	      (const char *const[]){"filter", "d1", "(prot==6) & (dp==443)",
				    "as", "d2"});
	check("load 'my file.csv' x'y z'", 3,
	      (const char *const[]){"load", "my file.csv", "xy z"});
	check("a\\ b \"c\\\"d\" 'e\\f'", 3,
	      (const char *const[]){"a b", "c\"d", "e\\f"});
	check("quit # leave", 1, (const char *const[]){"quit"});
	check("set x#y", 2, (const char *const[]){"set", "x#y"});
	check("\"\"", 1, (const char *const[]){""});
}

static void test_unterminated(void **state)
{
	struct fm_error err = {0};
	char **w = NULL;
	int n = -1;

	(void)state;
	assert_int_equal(tui_split_words("cut \"abc", &w, &n, &err), FM_EINVAL);
	assert_string_equal(err.msg, "unterminated double quote");
	assert_null(w);
	assert_int_equal(tui_split_words("cut 'abc", &w, &n, &err), FM_EINVAL);
	assert_string_equal(err.msg, "unterminated single quote");
}

/* A quoted word splits back into itself. */
static void test_quote(void **state)
{
	static const char *const words[] = {"length.csv",
					    "histograms/all/length.csv",
					    "my file.csv",
					    "it's",
					    "a\"b'c\\d",
					    "#hash",
					    "",
					    "~/x",
					    "tab\there",
					    "$HOME"};

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		struct fm_buf b = FM_BUF_INIT;
		char line[256];
		const char *want[2] = {"x", words[i]};

		assert_int_equal(tui_quote_word(&b, words[i]), 0);
		snprintf(line, sizeof(line), "x %s", fm_buf_str(&b));
		check(line, 2, want);
		fm_buf_release(&b);
	}
	/* safe words stay as they are */
	{
		struct fm_buf b = FM_BUF_INIT;
		tui_quote_word(&b, "histograms/all/length.csv");
		assert_string_equal(fm_buf_str(&b),
				    "histograms/all/length.csv");
		fm_buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_unterminated),
	    cmocka_unit_test(test_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

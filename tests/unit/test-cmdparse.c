/*
 * test-cmdparse.c - the command language: splitting, quoting (round trip
 * on random words), `as NAME`, the canonical printer and real formatting.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "flowmodels/buf.h"
#include "cmd/cmd.h"

static void split_ok(const char *line, int n, const char *const *want)
{
	struct cmd_words w = CMD_WORDS_INIT;
	struct fm_error err = {0};

	assert_int_equal(cmd_split(line, &w, &err), 0);
	assert_int_equal((int)w.n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(w.v[i], want[i]);
	if (n)
		assert_null(w.v[n]);
	cmd_words_release(&w);
}

static void test_split(void **state)
{
	(void)state;
	split_ok("", 0, NULL);
	split_ok("   \t ", 0, NULL);
	split_ok("# only a comment", 0, NULL);
	{
		const char *w[] = {"hist", "d2", "-x", "length", "-b", "12"};
		split_ok("  hist d2 -x length\t-b 12  ", 6, w);
	}
	{
		const char *w[] = {"filter", "d1",
				   "(prot==6) & ((sp==443) | (dp==443))", "as",
				   "d2"};
		split_ok(
		    "filter d1 \"(prot==6) & ((sp==443) | (dp==443))\" as d2",
		    5, w);
	}
	{
		const char *w[] = {"a b", "it's", "x\"y\\z", "", "q#r"};
		split_ok("a\\ b \"it's\" 'x\"y\\z' \"\" q#r # comment", 5, w);
	}
	{
		const char *w[] = {"ab\"c", "back\\slash"};
		split_ok("ab\\\"c \"back\\\\slash\"", 2, w);
	}
	{
		const char *w[] = {"abc", "de"};
		split_ok("a\"b\"c d'e'", 2, w);
	}
}

static void test_split_errors(void **state)
{
	struct cmd_words w = CMD_WORDS_INIT;
	struct fm_error err = {0};
	(void)state;

	assert_int_equal(cmd_split("load \"abc", &w, &err), FM_EINVAL);
	assert_string_equal(err.msg, "unterminated quote at column 6");
	cmd_words_release(&w);
	assert_int_equal(cmd_split("x 'abc", &w, &err), FM_EINVAL);
	assert_string_equal(err.msg, "unterminated quote at column 3");
	cmd_words_release(&w);
}

/* cmd_split(cmd_join(words)) == words for random words. */
static void test_quote_roundtrip(void **state)
{
	static const char alphabet[] =
	    "ab-_./ \t\"'\\#$%()&|=<>,;:~*?!\xc3\xa9";
	uint64_t seed = 42;
	(void)state;

	for (int iter = 0; iter < 2000; iter++) {
		struct cmd_words w = CMD_WORDS_INIT, back = CMD_WORDS_INIT;
		struct fm_buf line = FM_BUF_INIT;
		struct fm_error err = {0};
		int n = 1 + (int)(tu_rand(&seed) % 5);

		for (int i = 0; i < n; i++) {
			char word[16];
			int len = (int)(tu_rand(&seed) % 8);
			for (int k = 0; k < len; k++)
				word[k] = alphabet[tu_rand(&seed) %
						   (sizeof(alphabet) - 1)];
			word[len] = '\0';
			assert_int_equal(cmd_words_add(&w, word), 0);
		}
		cmd_join(&w, &line);
		assert_int_equal(cmd_split(line.buf, &back, &err), 0);
		assert_int_equal(back.n, w.n);
		for (size_t i = 0; i < w.n; i++)
			assert_string_equal(back.v[i], w.v[i]);
		cmd_words_release(&w);
		cmd_words_release(&back);
		fm_buf_release(&line);
	}
}

static void test_quote_bare(void **state)
{
	struct fm_buf b = FM_BUF_INIT;
	(void)state;

	cmd_quote(&b, "data/agh.binary");
	fm_buf_addch(&b, ' ');
	cmd_quote(&b, "(prot==6) & (sp==443)");
	fm_buf_addch(&b, ' ');
	cmd_quote(&b, "");
	fm_buf_addch(&b, ' ');
	cmd_quote(&b, "#x");
	assert_string_equal(
	    b.buf, "data/agh.binary \"(prot==6) & (sp==443)\" \"\" \"#x\"");
	fm_buf_release(&b);
}

static void test_take_as(void **state)
{
	struct cmd_words w = CMD_WORDS_INIT;
	struct fm_error err = {0};
	char *name = NULL;
	(void)state;

	assert_int_equal(cmd_split("hist d2 -b 12 as h_1.x", &w, &err), 0);
	assert_int_equal(cmd_take_as(&w, &name, &err), 0);
	assert_string_equal(name, "h_1.x");
	assert_int_equal((int)w.n, 4);
	assert_null(w.v[4]);
	free(name);
	cmd_words_release(&w);

	/* no trailing as: unchanged */
	assert_int_equal(cmd_split("load as", &w, &err), 0);
	assert_int_equal(cmd_take_as(&w, &name, &err), FM_EINVAL);
	assert_string_equal(err.msg, "'as' needs a name");
	cmd_words_release(&w);
	/* a bare `as` that is not the trailing clause would change meaning
	 * once printed back: refused (found by fuzz-session) */
	assert_int_equal(cmd_split("load as x y", &w, &err), 0);
	assert_int_equal(cmd_take_as(&w, &name, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "'as NAME' must come last"));
	assert_null(name);
	cmd_words_release(&w);
	assert_int_equal(cmd_split("load dat as d1 --", &w, &err), 0);
	assert_int_equal(cmd_take_as(&w, &name, &err), FM_EINVAL);
	cmd_words_release(&w);
	assert_int_equal(cmd_split("load x as 9a", &w, &err), 0);
	assert_int_equal(cmd_take_as(&w, &name, &err), FM_EINVAL);
	cmd_words_release(&w);

	assert_true(cmd_valid_name("d1"));
	assert_true(cmd_valid_name("_x-y.z"));
	assert_false(cmd_valid_name("1d"));
	assert_false(cmd_valid_name(""));
	assert_false(cmd_valid_name("a/b"));
	assert_false(cmd_valid_name("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				    "aaaaaaaaaaaaaaaaaaaaaa"));
}

/* Canonical text of a line parsed against the convert entry. */
static char *canon(const char *line)
{
	const struct cmd_entry *e;
	struct cmd_words w = CMD_WORDS_INIT, out = CMD_WORDS_INIT;
	struct cmd_args a;
	struct fm_error err = {0};
	struct fm_buf b = FM_BUF_INIT;
	char *name = NULL;

	assert_int_equal(cmd_split(line, &w, &err), 0);
	assert_int_equal(cmd_take_as(&w, &name, &err), 0);
	e = cmd_find(w.v[0], &err);
	assert_non_null(e);
	assert_int_equal(cmd_parse(e, (int)w.n - 1, w.v + 1, &a, &err), 0);
	assert_int_equal(cmd_canonical(e, &a, name, &out), 0);
	cmd_join(&out, &b);
	/* positionals and -O values are marked as paths (-O values as
	 * outputs too), the rest not */
	for (size_t i = 0; i < out.n && strcmp(out.v[i], "--"); i++)
		if (!strcmp(out.v[i], "-O"))
			assert_int_equal(out.mark[i + 1],
					 CMD_W_PATH | CMD_W_OUTPUT);
		else if (out.v[i][0] == '-' && out.v[i][1])
			assert_int_equal(out.mark[i], 0);
	cmd_args_release(&a);
	cmd_words_release(&w);
	cmd_words_release(&out);
	free(name);
	return fm_buf_detach(&b);
}

static void test_canonical(void **state)
{
	char *a, *b;
	(void)state;

	/* spelling, order, = forms and prefixes of the command don't matter */
	a = canon("convert --count-in=100 -O out.csv -i csv_flow in1 in2 "
		  "--skip-in 0x10 -q as x");
	b = canon("conv in1 -icsv_flow --skip-in 16 in2 --output out.csv "
		  "--count-in 100 as x");
	assert_string_equal(a, b);
	assert_string_equal(a, "convert in1 in2 -i csv_flow -O out.csv "
			       "--skip-in 16 --count-in 100 as x");
	free(a);
	free(b);
	/* quoting, and a positional starting with '-' goes after -- */
	a = canon("convert -i csv_flow \"my file\" -- -odd");
	assert_string_equal(a, "convert -i csv_flow -- \"my file\" -odd");
	b = canon(a);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* an option value "as" is attached, so it never reads back as the
	 * `as NAME` clause (found by fuzz-session) */
	a = canon("convert in1 -ias");
	assert_string_equal(a, "convert in1 --in-format=as");
	b = canon(a);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* '-' (stdin) stays a positional */
	a = canon("convert - -i pipe");
	assert_string_equal(a, "convert - -i pipe");
	free(a);
}

static int nop_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	(void)ctx;
	(void)a;
	return 0;
}

/* Secrets are never printed; path options are marked; repeated options
 * keep their order; flags repeat; reals print short. */
static void test_canonical_kinds(void **state)
{
	static const struct cmd_opt opts[] = {
	    {20, 'k', "key", CMD_OPT_STR, "KEY", "a key", "secret"},
	    {21, 0, "initial", CMD_OPT_STR, "FILE", "a file", "file"},
	    {22, 'x', "xs", CMD_OPT_LIST, "X", "repeatable", NULL},
	    {23, 'v', "verbose", CMD_OPT_FLAG, NULL, "flag", NULL},
	    {24, 'A', "active", CMD_OPT_REAL, "S", "seconds", NULL},
	    CMD_OPTS_COMMON,
	    CMD_OPT_END};
	static const struct cmd_entry e = {
	    "tool", NULL, "a test tool", "", NULL, opts, 0, -1, nop_exec, 0};
	char *argv[] = {"-v",	 "-v",	  "--key", "s3cret",	       "-x",
			"b",	 "in",	  "-xa",   "--initial=f.json", "-A",
			"300.0", "--help"};
	struct cmd_args a;
	struct cmd_words out = CMD_WORDS_INIT;
	struct fm_buf b = FM_BUF_INIT;
	struct fm_error err = {0};
	(void)state;

	assert_int_equal(cmd_parse(&e, 12, argv, &a, &err), 0);
	assert_int_equal(cmd_canonical(&e, &a, "t1", &out), 0);
	cmd_join(&out, &b);
	assert_string_equal(
	    b.buf, "tool in --initial f.json -x b -x a -v -v -A 300 as t1");
	assert_null(strstr(b.buf, "s3cret"));
	assert_int_equal(out.mark[1], CMD_W_PATH); /* in */
	assert_int_equal(out.mark[3], CMD_W_PATH); /* f.json */
	assert_int_equal(out.mark[5], 0);	   /* b */
	fm_buf_release(&b);
	cmd_words_release(&out);
	cmd_args_release(&a);
}

static void test_format_real(void **state)
{
	char buf[64];
	const double v[] = {15.0,	   0.1,	 300.5,	   1e-300,
			    123456789.125, -2.5, 1.0 / 3.0};
	(void)state;

	cmd_format_real(15.0, buf, sizeof(buf));
	assert_string_equal(buf, "15");
	cmd_format_real(300.0, buf, sizeof(buf));
	assert_string_equal(buf, "300");
	cmd_format_real(-2e6, buf, sizeof(buf));
	assert_string_equal(buf, "-2000000");
	cmd_format_real(15.5, buf, sizeof(buf));
	assert_string_equal(buf, "15.5");
	cmd_format_real(0.1, buf, sizeof(buf));
	assert_string_equal(buf, "0.1");
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cmd_format_real(v[i], buf, sizeof(buf));
		assert_true(strtod(buf, NULL) == v[i]);
	}
}

static void test_find(void **state)
{
	struct fm_error err = {0};
	(void)state;

	assert_ptr_equal(cmd_find("convert", &err), cmd_find("conv", &err));
	assert_string_equal(cmd_find("ls", &err)->name, "list");
	assert_null(cmd_find("c", &err));
	assert_true(strstr(err.msg, "ambiguous: convert, cut") != NULL);
	assert_null(cmd_find("his", &err));
	assert_string_equal(err.msg, "ambiguous: hist, hist-merge, history");
	assert_string_equal(cmd_find("hist", &err)->name, "hist");
	assert_null(cmd_find("zzz", &err));
	assert_string_equal(err.msg,
			    "unknown command: zzz ('help' lists the commands)");
	/* the closest names: a typo, a swap of neighbours, a missing letter */
	assert_null(cmd_find("hsit", &err));
	assert_string_equal(err.msg,
			    "unknown command: hsit (did you mean hist?)");
	assert_null(cmd_find("lod", &err));
	assert_string_equal(err.msg,
			    "unknown command: lod (did you mean load?)");
	assert_null(cmd_find("hisotry", &err));
	assert_string_equal(err.msg,
			    "unknown command: hisotry (did you mean history?)");
}

/* The whole edit distance table (optimal string alignment), simply. */
static size_t osa_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[40][40];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* The message for an unknown name, from the whole table (the rule of
 * cmd.c: names within 2 edits, 1 for names under 4 letters, the closest
 * ones), or "" when the name is found or ambiguous. */
static void expected_unknown(const char *name, struct fm_buf *out)
{
	size_t len = strlen(name), best = len >= 4 ? 2 : 1, d;
	int n = 0;

	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		if (!strcmp((*e)->name, name) ||
		    ((*e)->alias && !strcmp((*e)->alias, name)) ||
		    (len && !strncmp((*e)->name, name, len)))
			return;
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		if (len < 32 && (d = osa_distance(name, (*e)->name)) < best)
			best = d;
	fm_buf_printf(out, "unknown command: %s (", name);
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		if (len < 32 && osa_distance(name, (*e)->name) == best)
			fm_buf_printf(out, "%s%s",
				      n++ ? " or " : "did you mean ",
				      (*e)->name);
	fm_buf_addstr(out, n ? "?)" : "'help' lists the commands)");
}

/* Suggestions for random misspellings of every command name (1 to 4
 * random edits) agree with the whole-table distance. */
static void test_find_suggest(void **state)
{
	unsigned seed = 27;
	(void)state;

	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		for (int t = 0; t < 200; t++) {
			char w[40];
			size_t n = strlen((*e)->name);
			struct fm_buf want = FM_BUF_INIT;
			struct fm_error err = {0};
			int edits = 1 + (int)(rand_r(&seed) % 4);

			memcpy(w, (*e)->name, n + 1);
			for (int k = 0; k < edits; k++) {
				size_t at = n ? rand_r(&seed) % n : 0;
				char c = (char)('a' + rand_r(&seed) % 26);
				switch (rand_r(&seed) % 4) {
				case 0: /* substitute */
					if (n)
						w[at] = c;
					break;
				case 1: /* delete */
					if (n > 1) {
						memmove(w + at, w + at + 1,
							n - at);
						n--;
					}
					break;
				case 2: /* insert */
					if (n < 30) {
						memmove(w + at + 1, w + at,
							n - at + 1);
						w[at] = c;
						n++;
					}
					break;
				default: /* swap neighbours */
					if (at + 1 < n) {
						char x = w[at];
						w[at] = w[at + 1];
						w[at + 1] = x;
					}
				}
			}
			expected_unknown(w, &want);
			if (want.len) {
				assert_null(cmd_find(w, &err));
				assert_string_equal(err.msg, fm_buf_str(&want));
			}
			fm_buf_release(&want);
		}
}

/* Lines for a history on disk: secret option values replaced. */
static void test_redact(void **state)
{
	static const struct {
		const char *line, *want; /* want NULL: unchanged (0) */
		int r;
	} cases[] = {
	    {"anonymize --key s3cret in.csv", "anonymize --key REDACTED in.csv",
	     1},
	    {"anon --key=s3cret -O out in", "anon --key=REDACTED -O out in", 1},
	    {"anonymize --key 'a b c' --key \"d\" x",
	     "anonymize --key REDACTED --key REDACTED x", 1},
	    {"anonymize --key", NULL, 0}, /* no value given */
	    {"anonymize --key-file k.bin in", NULL, 0},
	    {"anonymize in -- --key", NULL, 0}, /* a positional */
	    {"convert --key x", NULL, 0},	/* not a secret of convert */
	    {"nosuchcommand --key x", NULL, 0},
	    {"anonymize --key 'unterminated", NULL, -1},
	    {"help 'unterminated", NULL, 0},
	    {"", NULL, 0},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fm_buf b = FM_BUF_INIT;
		int r = cmd_redact(cases[i].line, &b);
		if (r != cases[i].r)
			fail_msg("'%s': %d, expected %d", cases[i].line, r,
				 cases[i].r);
		if (cases[i].want)
			assert_string_equal(fm_buf_str(&b), cases[i].want);
		else
			assert_int_equal(b.len, 0);
		fm_buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_split_errors),
	    cmocka_unit_test(test_quote_roundtrip),
	    cmocka_unit_test(test_quote_bare),
	    cmocka_unit_test(test_take_as),
	    cmocka_unit_test(test_canonical),
	    cmocka_unit_test(test_canonical_kinds),
	    cmocka_unit_test(test_format_real),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_find_suggest),
	    cmocka_unit_test(test_redact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

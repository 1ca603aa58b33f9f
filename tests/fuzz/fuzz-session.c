/*
 * fuzz-session.c - libFuzzer target for the session-file command language:
 * every input line is split into words, `as NAME` taken off, the command
 * looked up and its options parsed; a line that parses must print back in
 * canonical form, and that canonical line must split, parse and print to
 * the same text again (the property replay relies on).  Nothing runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "flowmodels/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse one line into canonical text; returns 0 when it parsed. */
static int canonical_line(const char *line, struct fm_buf *out)
{
	struct cmd_words w = CMD_WORDS_INIT, c = CMD_WORDS_INIT;
	struct fm_error err;
	struct cmd_args a;
	const struct cmd_entry *e;
	char *as = NULL;
	int r = -1;

	if (cmd_split(line, &w, &err) < 0 || w.n == 0)
		goto out;
	if (cmd_take_as(&w, &as, &err) < 0 || w.n == 0)
		goto out;
	e = cmd_find(w.v[0], &err);
	if (!e)
		goto out;
	if (cmd_parse(e, (int)w.n - 1, w.v + 1, &a, &err) < 0)
		goto out;
	/* --help only prints help: it is never recorded */
	if (!a.v[OPT_HELP].set && cmd_canonical(e, &a, as, &c) == 0) {
		cmd_join(&c, out);
		r = 0;
	}
	cmd_args_release(&a);
out:
	free(as);
	cmd_words_release(&w);
	cmd_words_release(&c);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char *save = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct fm_buf once = FM_BUF_INIT, twice = FM_BUF_INIT;
		if (canonical_line(line, &once) == 0) {
			if (canonical_line(fm_buf_str(&once), &twice) != 0 ||
			    strcmp(fm_buf_str(&once), fm_buf_str(&twice)) != 0)
				abort(); /* canonical form is not a fixed point
					  */
		}
		fm_buf_release(&once);
		fm_buf_release(&twice);
	}
	free(text);
	return 0;
}

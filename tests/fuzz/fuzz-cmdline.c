/*
 * fuzz-cmdline.c - libFuzzer target for the workbench's command line
 * without a terminal: what a typed line goes through before it runs
 * (src/tui/words.c splits it for the workbench's own commands) and Tab
 * completion at a cursor (src/tui/complete.c: commands, options, values,
 * filter names, objects, paths), then the candidates laid out in columns.
 *
 * Input: byte 0 places the cursor, byte 1 is the screen width; the rest
 * up to a NUL is the line.  Properties: a line that splits quotes back
 * (tui_quote_word) to a line that splits to the same words; completion
 * returns what completes inside [0, cursor], sorted candidates, an
 * insertion when there are candidates; no column line is wider than the
 * screen unless one candidate alone is.  Paths complete against the
 * current directory, as in the workbench.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "flowmodels/buf.h"
#include "words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const objects[] = {"d1", "d2", "h1", "tls", "a b", NULL};
static const char *const builtins[] = {"help", "theme", "clear", "show",
				       "quit", "exit",	NULL};
static const char *const themes[] = {"dark", "default", "light", NULL};

/* Split, quote every word back, split again: the same words. */
static void split_roundtrip(const char *line)
{
	struct fm_error err;
	struct fm_buf b = FM_BUF_INIT;
	char **w, **w2;
	int n, n2;

	if (tui_split_words(line, &w, &n, &err) < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (i)
			fm_buf_addch(&b, ' ');
		tui_quote_word(&b, w[i]);
	}
	if (tui_split_words(fm_buf_str(&b), &w2, &n2, &err) < 0 || n2 != n)
		abort();
	for (int i = 0; i < n; i++)
		if (strcmp(w[i], w2[i]) != 0)
			abort();
	tui_free_words(w);
	tui_free_words(w2);
	fm_buf_release(&b);
}

static void complete_at(const char *line, size_t point, int width)
{
	struct tui_complete_src src = {objects, builtins, themes,
				       "/nonexistent-home"};
	struct tui_completion c;
	char **lines;
	size_t nlines, widest = 0;

	if (tui_complete(line, point, &src, &c) != 0)
		return;
	if (c.start > point || (c.n > 0 && !c.insert))
		abort();
	for (size_t i = 0; i < c.n; i++) {
		size_t l = strlen(c.cands[i]);
		if (l > widest)
			widest = l;
		if (i && strcmp(c.cands[i - 1], c.cands[i]) > 0)
			abort();
	}
	lines = tui_complete_columns(c.cands, c.n, width, &nlines);
	for (size_t i = 0; lines && i < nlines; i++) {
		size_t l = strlen(lines[i]);
		if (l > (size_t)width && l > widest)
			abort();
		free(lines[i]);
	}
	free(lines);
	tui_completion_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line;
	size_t len, point;

	if (size < 2)
		return 0;
	len = strnlen((const char *)data + 2, size - 2);
	line = malloc(len + 1);
	if (!line)
		return 0;
	memcpy(line, data + 2, len);
	line[len] = '\0';
	point = data[0] == 255 || data[0] > len ? len : data[0];
	split_roundtrip(line);
	complete_at(line, point, 1 + data[1] % 200);
	free(line);
	return 0;
}

/*
 * gendoc.c - fm-gendoc, run by the build (cmake/gendoc.cmake):
 *
 *   fm-gendoc man DOCS OUTDIR VERSION DATE DOCDIR
 *       flowmodels.1 from DOCS/flowmodels.1.md and flowmodels-NAME.1 for
 *       every command of the table from DOCS/commands/NAME.md, in OUTDIR
 *       (other flowmodels*.1 files there are removed)
 *   fm-gendoc bash FILE
 *       the bash completion script
 *
 * Files are written under a temporary name and renamed when complete.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "completion.h"
#include "manpages.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(text, cap = 2 * cap + 8192);
			if (!t) {
				free(text);
				fclose(f);
				return NULL;
			}
			text = t;
		}
		got = fread(text + len, 1, 4096, f);
		len += got;
	} while (got > 0);
	fclose(f);
	text[len] = '\0';
	return text;
}

/* Open path's temporary sibling for writing. */
static FILE *open_temp(const char *path, char *tmp, size_t size)
{
	FILE *f;

	snprintf(tmp, size, "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		fprintf(stderr, "fm-gendoc: cannot write %s: %m\n", tmp);
	return f;
}

static int commit(FILE *f, const char *tmp, const char *path)
{
	if (fflush(f) != 0 || ferror(f)) {
		fprintf(stderr, "fm-gendoc: error writing %s\n", tmp);
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path) < 0) {
		fprintf(stderr, "fm-gendoc: cannot rename %s to %s: %m\n", tmp,
			path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Remove OUTDIR's flowmodels*.1 pages (of commands that are gone). */
static void clean(const char *outdir)
{
	DIR *d = opendir(outdir);
	struct dirent *de;
	char path[4096];

	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (!strncmp(de->d_name, "flowmodels", 10) && n > 2 &&
		    !strcmp(de->d_name + n - 2, ".1")) {
			snprintf(path, sizeof(path), "%s/%s", outdir,
				 de->d_name);
			unlink(path);
		}
	}
	if (d)
		closedir(d);
}

/* One page, OUTDIR/NAME.1, from the markdown src (e: the command; NULL:
 * flowmodels(1)). */
static int page(const char *src, const char *outdir, const char *name,
		const struct cmd_entry *e, const struct man_info *info)
{
	char path[4096], tmp[4200];
	char *md = slurp(src);
	FILE *f;
	int r;

	if (!md && e && errno == ENOENT) {
		/* a command still without its page: the table's text only
		 * (tests/unit/test-cmdtable.c fails until it is written) */
		fprintf(stderr,
			"fm-gendoc: warning: no %s: flowmodels-%s(1) "
			"has the command table's text only\n",
			src, e->name);
		md = strdup("");
	}
	if (!md) {
		fprintf(stderr, "fm-gendoc: cannot read %s: %m\n", src);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.1", outdir, name);
	f = open_temp(path, tmp, sizeof(tmp));
	if (!f) {
		free(md);
		return -1;
	}
	if (e)
		man_command_page(f, e, md, info);
	else
		man_main_page(f, md, info);
	r = commit(f, tmp, path);
	free(md);
	return r;
}

static int man(const char *docs, const char *outdir,
	       const struct man_info *info)
{
	char src[4096], name[256];

	clean(outdir);
	snprintf(src, sizeof(src), "%s/flowmodels.1.md", docs);
	if (page(src, outdir, "flowmodels", NULL, info) < 0)
		return -1;
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		snprintf(src, sizeof(src), "%s/commands/%s.md", docs,
			 (*e)->name);
		snprintf(name, sizeof(name), "flowmodels-%s", (*e)->name);
		if (page(src, outdir, name, *e, info) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "man")) {
		struct man_info info = {argv[4], argv[5], argv[6]};
		return man(argv[2], argv[3], &info) < 0;
	}
	if (argc == 3 && !strcmp(argv[1], "bash")) {
		char tmp[4200];
		FILE *f = open_temp(argv[2], tmp, sizeof(tmp));
		if (!f)
			return 1;
		completion_bash(f);
		return commit(f, tmp, argv[2]) < 0;
	}
	fprintf(stderr, "usage: fm-gendoc man DOCS OUTDIR VERSION DATE DOCDIR\n"
			"       fm-gendoc bash FILE\n");
	return 2;
}

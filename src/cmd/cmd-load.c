/*
 * cmd-load.c - `load`: make a dataset object from flow records.
 *
 * A single binary directory read whole is kept by path (the readers
 * memory-map it when a command reads it; nothing is copied).  Several
 * binary inputs, or cutting, are cut into a scratch binary directory by
 * byte ranges; any other format is converted once into a scratch binary
 * directory, so that every dataset in a session reads fast.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowmodels/buf.h"
#include "flowmodels/cut.h"
#include "flowmodels/fileout.h"
#include "flowmodels/histogram.h"
#include "cmd-follow.h"
#include "live.h"
#include "objtypes.h"
#include "session.h"

static const struct cmd_opt load_opts[] = {
    {OPT_IN_FORMAT, 'i', "in-format", CMD_OPT_STR, "FORMAT",
     "csv_flow, pipe, binary, nfcapd, nfcapd-nfdump; csv_hist for a histogram; "
     "mixture_dir or mixture (a Y.json file) for a mixture set (default: "
     "guessed)",
     "csv_flow|pipe|binary|nfcapd|nfcapd-nfdump|csv_hist|mixture_dir|mixture"},
    CMD_OPT_BIFLOW,
    CMD_OPTS_CUT,
    CMD_OPT_SKIP_DAMAGED,
    CMD_OPTS_FOLLOW,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

/* A directory holding at least one FIELD.CODE array is a binary dataset. */
static int looks_binary(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int yes = 0;

	if (!d)
		return 0;
	while (!yes && (de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		if (dot && dot[1] && !dot[2] && fm_code_size(dot[1]) &&
		    fm_field_lookup(de->d_name, (size_t)(dot - de->d_name)) >=
			0)
			yes = 1;
	}
	closedir(d);
	return yes;
}

/* A csv_hist file starts with its header line (a name, not a number). */
static int looks_hist(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[64];
	int yes = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		yes = (line[0] >= 'a' && line[0] <= 'z') || line[0] == '_';
	fclose(f);
	return yes;
}

static enum fm_format detect(const char *path)
{
	size_t n = strlen(path);

	if (looks_binary(path))
		return FM_FORMAT_BINARY;
	if (n > 4 && !strcmp(path + n - 4, ".csv"))
		return FM_FORMAT_CSV_FLOW;
	return FM_FORMAT_NFCAPD;
}

static const char *const ynames[3] = {"flows", "packets", "octets"};

/* The y of a mixture file named Y.json, or -1. */
static int json_y(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (int y = 0; y < 3; y++)
		if (!strncmp(base, ynames[y], strlen(ynames[y])) &&
		    !strcmp(base + strlen(ynames[y]), ".json"))
			return y;
	return -1;
}

/* A directory holding flows.json, packets.json or octets.json. */
static int looks_mixture_dir(const char *path)
{
	char p[4200];
	struct stat st;

	for (int y = 0; y < 3; y++) {
		snprintf(p, sizeof(p), "%s/%s.json", path, ynames[y]);
		if (stat(p, &st) == 0)
			return 1;
	}
	return 0;
}

/* Add y's mixture from json (and its Y.mode text when there is one). */
static int read_one(struct cmd_mixset **set, int y, const char *json,
		    const char *mode, struct fm_error *err)
{
	struct fm_mixture m;
	char *text = NULL;
	size_t len;
	int r;

	fm_mixture_init(&m);
	r = fm_mixture_read(&m, json, err);
	if (r == 0 && mode &&
	    fm_file_read_all(mode, FM_READ_MAX_JSON, &text, &len, NULL) < 0)
		text = NULL;
	if (r == 0) {
		struct cmd_mixset *one =
		    cmd_mixset_new(y, &m, text ? text : "");
		if (!one)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else if (!*set)
			*set = one;
		else
			r = cmd_mixture_type.merge(*set, one, err);
	}
	free(text);
	fm_mixture_release(&m);
	return r;
}

/* A mixture set from a mixture directory or one Y.json file. */
static int load_mixture(struct cmd_ctx *ctx, const struct cmd_args *a, int dir)
{
	struct fm_error err = {0};
	struct cmd_mixset *set = NULL;
	int r = 0;

	if (a->npos != 1)
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "a mixture set is loaded from one directory or file");
	else if (dir) {
		char json[4200], mode[4200];
		struct stat st;
		for (int y = 0; y < 3 && r == 0; y++) {
			snprintf(json, sizeof(json), "%s/%s.json", a->pos[0],
				 ynames[y]);
			snprintf(mode, sizeof(mode), "%s/%s.mode", a->pos[0],
				 ynames[y]);
			if (stat(json, &st) == 0)
				r = read_one(&set, y, json, mode, &err);
		}
		if (r == 0 && !set)
			r = fm_error_set(
			    &err, FM_ENOTFOUND,
			    "%s: no flows.json, packets.json or octets.json",
			    a->pos[0]);
	} else if (json_y(a->pos[0]) < 0) {
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "%s: name the file flows.json, packets.json or octets.json "
		    "(the y it models)",
		    a->pos[0]);
	} else {
		r = read_one(&set, json_y(a->pos[0]), a->pos[0], NULL, &err);
	}
	if (r == 0) {
		r = cmd_result_object(ctx, &cmd_mixture_type, set, &err);
		set = NULL;
	}
	if (set)
		cmd_mixture_type.free(set);
	if (r < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

/* A histogram object from a csv_hist file. */
static int load_hist(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_histogram *h;
	struct fm_cut cut;
	int r;

	cmd_get_cut(a, &cut);
	if (a->npos != 1)
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "a histogram is loaded from one csv_hist file");
	else if (cut.skip_in > 0 || cut.count_in != FM_UNLIMITED ||
		 cut.skip_out > 0 || cut.count_out != FM_UNLIMITED)
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "cutting applies to flow records, not histograms");
	else if (a->v[OPT_FILTER_EXPR].set)
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "a filter applies to flow records, not histograms");
	else if (!(h = calloc(1, sizeof(*h))))
		r = fm_error_set(&err, FM_ENOMEM, "out of memory");
	else {
		fm_histogram_init(h);
		r = fm_histogram_read(h, a->pos[0], FM_HCOL_BIT(FM_HCOL_FLOWS),
				      &ctx->log, &err);
		if (r < 0) {
			fm_histogram_release(h);
			free(h);
		} else {
			r = cmd_result_object(ctx, &cmd_histogram_type, h,
					      &err);
		}
	}
	if (r < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

/* A live object following a collector's directory (--follow DIR). */
static int load_live(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	static const int refused[] = {OPT_SKIP_IN,     OPT_COUNT_IN,
				      OPT_SKIP_OUT,    OPT_COUNT_OUT,
				      OPT_FILTER_EXPR, OPT_SKIP_DAMAGED};
	const char *fmt =
	    a->v[OPT_IN_FORMAT].set ? a->v[OPT_IN_FORMAT].s : "nfcapd";
	struct fm_error err = {0};
	struct cmd_live *l = NULL;
	int r = 0;

	if (a->npos)
		r = fm_error_set(&err, FM_EINVAL,
				 "--follow DIR reads DIR: no INPUT (got '%s')",
				 a->pos[0]);
	else if (strcmp(fmt, "nfcapd") && strcmp(fmt, "nfcapd-nfdump"))
		r = fm_error_set(&err, FM_EINVAL,
				 "--follow reads nfcapd files: -i %s cannot "
				 "be followed",
				 fmt);
	for (size_t i = 0; r == 0 && i < sizeof(refused) / sizeof(*refused);
	     i++)
		if (a->v[refused[i]].set)
			r = fm_error_set(&err, FM_EINVAL,
					 "load --follow: cutting, filters and "
					 "--skip-damaged apply to the commands "
					 "reading the live object (hist L "
					 "--filter-expr ...)");
	if (r == 0 && a->v[OPT_POLL].set &&
	    (a->v[OPT_POLL].i < 10 || a->v[OPT_POLL].i > 3600000))
		r = fm_error_set(&err, FM_EINVAL,
				 "option --poll: expected 10..3600000 ms, "
				 "got %lld",
				 (long long)a->v[OPT_POLL].i);
	if (r == 0)
		r = cmd_live_new(
		    &l, a->v[OPT_FOLLOW].s,
		    a->v[OPT_WINDOW].set ? a->v[OPT_WINDOW].s : NULL,
		    a->v[OPT_POLL].set ? (int)a->v[OPT_POLL].i : 0, fmt,
		    a->v[OPT_BIFLOW].set ? a->v[OPT_BIFLOW].s : NULL, &ctx->log,
		    &err);
	if (r == 0 && (r = cmd_result_object(ctx, &cmd_live_type, l, &err)) > 0)
		r = 0;
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

static int load_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_sampling sampling = {0};
	enum fm_format fmt;
	struct fm_cut cut;
	char *dir = NULL;
	int cutting, filtered, r;

	if (sess_need(ctx))
		return 1;
	if (a->v[OPT_FOLLOW].set)
		return load_live(ctx, a);
	if (a->v[OPT_WINDOW].set || a->v[OPT_POLL].set || a->npos == 0) {
		r = fm_error_set(&err, FM_EINVAL,
				 a->npos ? "--window and --poll work with "
					   "--follow DIR"
					 : "no INPUT given (or --follow DIR)");
		return cmd_fail(ctx, &err);
	}
	{
		const char *f =
		    a->v[OPT_IN_FORMAT].set ? a->v[OPT_IN_FORMAT].s : NULL;
		int guess_dir = !f && a->npos == 1 &&
				!looks_binary(a->pos[0]) &&
				looks_mixture_dir(a->pos[0]);
		int guess_json = !f && a->npos == 1 && json_y(a->pos[0]) >= 0;
		if ((f && !strcmp(f, "mixture_dir")) || guess_dir) {
			cmd_record_option(ctx, OPT_IN_FORMAT, "mixture_dir");
			return load_mixture(ctx, a, 1);
		}
		if ((f && !strcmp(f, "mixture")) || guess_json) {
			cmd_record_option(ctx, OPT_IN_FORMAT, "mixture");
			return load_mixture(ctx, a, 0);
		}
	}
	if (a->v[OPT_IN_FORMAT].set
		? !strcmp(a->v[OPT_IN_FORMAT].s, "csv_hist")
		: (a->npos == 1 && !looks_binary(a->pos[0]) &&
		   looks_hist(a->pos[0]))) {
		cmd_record_option(ctx, OPT_IN_FORMAT, "csv_hist");
		return load_hist(ctx, a);
	}
	if (a->v[OPT_IN_FORMAT].set)
		r = cmd_get_format(a, OPT_IN_FORMAT, FM_FORMAT_NFCAPD, &fmt,
				   &err);
	else {
		fmt = detect(a->pos[0]);
		cmd_record_option(ctx, OPT_IN_FORMAT, fm_format_name(fmt));
		r = 0;
	}
	cmd_get_cut(a, &cut);
	cutting = cut.skip_in > 0 || cut.count_in != FM_UNLIMITED ||
		  cut.skip_out > 0 || cut.count_out != FM_UNLIMITED;
	/* a filter needs the record scan (below), even for binary input */
	filtered = a->v[OPT_FILTER_EXPR].set > 0;
	if (r == 0 && fmt == FM_FORMAT_BINARY && a->npos == 1 && !cutting &&
	    !filtered) {
		struct stat st;
		if (stat(a->pos[0], &st) < 0 || !S_ISDIR(st.st_mode))
			r = fm_error_set(&err, FM_ENOTFOUND,
					 "%s: not a binary directory",
					 a->pos[0]);
		if (r == 0)
			r = cmd_result_dataset(ctx, a->pos[0], 0, &err);
	} else if (r == 0 && fmt == FM_FORMAT_BINARY && !filtered) {
		uint64_t n;
		r = cmd_temp_path(ctx, "load", &dir, &err);
		if (r == 0)
			r = fm_cut_binary(a->pos, a->npos, dir, &cut, &n,
					  &ctx->progress, &err);
		if (r == 0)
			r = cmd_result_dataset(ctx, dir, CMD_DS_TEMP, &err);
	} else if (r == 0) {
		struct cmd_scan *cs = NULL;
		struct fm_writer *w = NULL;
		struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY,
					    .log = &ctx->log};
		uint64_t n;

		r = cmd_temp_path(ctx, "load", &dir, &err);
		if (r == 0)
			r = cmd_scan_open(ctx, a, fmt, FM_ALL_FIELDS, &cs,
					  &err);
		if (r == 0)
			r = fm_writer_open(&w, &wo, dir, &err);
		if (r == 0)
			r = fm_scan_copy(cmd_scan_get(cs), w, &n, &err);
		if (r == 0)
			fm_scan_sampling(cmd_scan_get(cs), &sampling);
		if (r == 0)
			r = fm_writer_commit(w, &err);
		fm_writer_free(w);
		cmd_scan_close(cs);
		if (r == 0)
			r = cmd_result_dataset(ctx, dir, CMD_DS_TEMP, &err);
	}
	if (r > 0) {
		struct sess_obj *o = sess_run_last_result(ctx->run);
		struct fm_buf b = FM_BUF_INIT;
		fm_buf_printf(&b, "%s", fm_format_name(fmt));
		for (size_t i = 0; i < a->npos; i++)
			fm_buf_printf(&b, " %s", a->pos[i]);
		o->source = fm_buf_detach(&b);
		o->sampling = sampling;
		o->sampling_known = fmt == FM_FORMAT_NFCAPD;
		r = 0;
	}
	free(dir);
	if (r < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_entry cmd_load_entry = {
    .name = "load",
    .alias = NULL,
    .summary = "load flow records as a dataset, or a histogram or mixture set",
    .usage = "[-i FORMAT] [CUTTING] INPUT... [as NAME] | --follow DIR "
	     "[--window DURATION] [as NAME]",
    .description =
	"Makes a dataset object (named d1, d2... or NAME) from the records of\n"
	"the inputs.  A binary directory read whole is used in place, memory-\n"
	"mapped, never copied; with cutting or several inputs the records are\n"
	"cut into the session's scratch directory; other formats are "
	"converted\n"
	"once into a scratch binary directory.  With -i csv_hist (or a file\n"
	"starting with a csv_hist header) the result is a histogram object;\n"
	"with -i mixture_dir (a directory holding Y.json files, as fit -O\n"
	"writes) or -i mixture (one file named Y.json) a mixture set.\n"
	"Without -i the format is guessed (a directory of FIELD.CODE arrays "
	"is\n"
	"binary, a file starting with a header line csv_hist, *.csv csv_flow,\n"
	"anything else nfcapd) and the guess is recorded.\n"
	"With --follow DIR the result is a live object (l1...): the closed\n"
	"nfcapd files below DIR, then each one nfcapd closes (--window keeps\n"
	"the last DURATION of data time).  Commands read it as the files in\n"
	"its window; a histogram or series made from it (hist L as h,\n"
	"series L as s) follows it: the workbench adds each new file and\n"
	"subtracts those leaving the window, and its charts redraw.  See\n"
	"docs/live.md.",
    .opts = load_opts,
    .min_pos = 0,
    .max_pos = -1,
    .exec = load_exec,
    .flags = CMD_F_SESSION | CMD_F_PATHPOS,
};

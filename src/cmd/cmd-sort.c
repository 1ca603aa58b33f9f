/*
 * cmd-sort.c - `sort -k FIELD... [--reverse] [-I INDEX] -O DIR INPUT`:
 * stable on-disk sort of a binary directory (SPEC 5).
 *
 * Like the reference, -k takes the field names that follow it, so
 * `sort -k first first_ms -O out in` works: every positional argument but
 * the last (the input directory) must be a key field name.  -k also
 * accepts comma-separated lists and may be repeated.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/fileops.h"
#include "flowmodels/inflight.h"
#include "flowmodels/sort.h"
#include "cmd.h"

enum { OPT_KEY = OPT_COMMON_END, OPT_REVERSE, OPT_INDEX, OPT_THREADS };

static const struct cmd_opt sort_opts[] = {
    CMD_OPT_IN_FORMAT("binary"),
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: binary (a directory), or nfcapd, csv_flow or text (a "
     "file, -O FILE) (default: binary)",
     "binary|nfcapd|csv_flow|text"},
    CMD_OPT_COMPRESS,
    CMD_OPT_OUTPUT("output directory; the input directory itself sorts in "
		   "place (required)"),
    {OPT_KEY, 'k', "key-fields", CMD_OPT_LIST, "FIELD...",
     "key fields, primary first; the names may follow -k as separate words or "
     "be comma-separated",
     "field"},
    {OPT_REVERSE, 0, "reverse", CMD_OPT_FLAG, NULL,
     "reverse the whole resulting order (descending)", NULL},
    {OPT_INDEX, 'I', "index-file", CMD_OPT_STR, "INDEX",
     "save the permutation as INDEX.{B,H,I,Q} with the sidecar INDEX.json, "
     "or reuse it when it exists (rebuilt, with a warning, when the sidecar "
     "says it was built for other data or keys)",
     "output"},
    {OPT_THREADS, 0, "threads", CMD_OPT_INT, "N",
     "threads sorting and writing the permuted arrays (default: all CPUs, at "
     "most 4; one for small inputs)",
     NULL},
    CMD_OPT_MEMORY,
    CMD_OPTS_CUT,
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

/* Append the fields named in s (comma-separated) to keys. */
static int add_keys(const char *s, int *keys, size_t *nkeys,
		    struct fm_error *err)
{
	while (*s) {
		size_t len = strcspn(s, ",");
		if (len) {
			int f = fm_field_lookup(s, len);
			if (f < 0)
				return fm_error_set(
				    err, FM_EINVAL,
				    "unknown key field '%.*s' (fields: %s)",
				    (int)len, s, fm_field_list());
			if (*nkeys >= 64)
				return fm_error_set(err, FM_EINVAL,
						    "too many key fields");
			keys[(*nkeys)++] = f;
		}
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}

/*
 * sort -o FORMAT (not binary): the sorted records go to a temporary
 * binary directory beside out, then through a writer of format f (the
 * nfcapd writer's --compress) to the file out.
 */
static int sort_to_file(struct cmd_ctx *ctx, const struct cmd_args *a,
			const char *input, const char *out, enum fm_format f,
			const struct fm_sort_opts *so,
			struct fm_sort_result *res, struct fm_error *err)
{
	struct fm_reader_opts ro = {FM_FORMAT_BINARY, FM_ALL_FIELDS, &ctx->log,
				    0};
	struct fm_writer_opts wo;
	struct fm_reader *rd = NULL;
	struct fm_writer *w = NULL;
	struct fm_batch b;
	char *dir = NULL;
	long n;
	int r = fm_tmpdir_beside(out, &dir, err);

	if (r < 0)
		return r;
	r = fm_sort_binary(input, dir, so, res, err);
	memset(&wo, 0, sizeof(wo));
	wo.format = f;
	wo.log = &ctx->log;
	if (r == 0)
		r = cmd_get_compress(a, &wo, err);
	if (r == 0)
		r = fm_reader_open(&rd, &ro, (const char *const *)&dir, 1, err);
	if (r == 0)
		r = fm_writer_open(&w, &wo, out, err);
	while (r == 0 && (n = fm_reader_next(rd, &b, FM_BATCH_CAP, err)) != 0)
		r = n < 0 ? (int)n : fm_writer_write(w, &b, err);
	if (r == 0)
		r = fm_writer_commit(w, err);
	fm_writer_free(w);
	fm_reader_free(rd);
	fm_rm_rf(dir);
	fm_inflight_temp_del(dir);
	free(dir);
	return r;
}

static int sort_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_sort_opts so;
	struct fm_sort_result res;
	enum fm_format f;
	int keys[64];
	size_t nkeys = 0;
	double t0 = cmd_now();
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : NULL;
	char *temp = NULL;
	int r;

	fm_sort_opts_init(&so);
	r = cmd_get_format(a, OPT_IN_FORMAT, FM_FORMAT_BINARY, &f, &err);
	if (r == 0 && f != FM_FORMAT_BINARY)
		r = fm_error_set(&err, FM_EINVAL,
				 "sort reads binary input only, not '%s'",
				 fm_format_name(f));
	if (r == 0)
		r = cmd_get_format(a, OPT_OUT_FORMAT, FM_FORMAT_BINARY, &f,
				   &err);
	if (r == 0 && !fm_format_writable(f))
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "cannot write format '%s' (output formats: %s)",
		    fm_format_name(f), fm_format_write_list());
	if (r == 0 && f != FM_FORMAT_BINARY && (!out || !strcmp(out, "-")))
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "sort -o %s writes a file: name it with -O FILE",
		    fm_format_name(f));
	if (r == 0 && f != FM_FORMAT_BINARY)
		r = cmd_check_records_output(ctx, out, f, &err);
	if (r == 0 && a->v[OPT_FILTER_EXPR].set)
		r = fm_error_set(&err, FM_EINVAL,
				 "sort does not filter (--filter-expr): use "
				 "convert or cut first");
	if (r == 0 && (a->v[OPT_SKIP_OUT].set || a->v[OPT_COUNT_OUT].set))
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "sort supports --skip-in and --count-in, not --%s",
		    a->v[OPT_SKIP_OUT].set ? "skip-out" : "count-out");
	if (r == 0 && !out) /* in a session: a scratch directory, a dataset */
		r = cmd_records_output(ctx, a, &out, &f, &temp, &err);
	if (r == 0 && !out)
		r = fm_error_set(&err, FM_EINVAL,
				 "sort needs an output directory: -O DIR (the "
				 "input directory sorts in place)");
	for (size_t i = 0; r == 0 && i < a->v[OPT_KEY].nlist; i++)
		r = add_keys(a->v[OPT_KEY].list[i], keys, &nkeys, &err);
	/* positional words before the input are more key fields (-k a b) */
	for (size_t i = 0; r == 0 && i + 1 < a->npos; i++) {
		if (!a->v[OPT_KEY].set) {
			r = fm_error_set(
			    &err, FM_EINVAL,
			    "sort takes one input directory, got '%s' and more",
			    a->pos[i]);
			break;
		}
		if (fm_field_lookup(a->pos[i], strlen(a->pos[i])) < 0 &&
		    !strchr(a->pos[i], ','))
			r = fm_error_set(&err, FM_EINVAL,
					 "unexpected argument '%s': sort takes "
					 "one input directory "
					 "(key fields: %s)",
					 a->pos[i], fm_field_list());
		else
			r = add_keys(a->pos[i], keys, &nkeys, &err);
	}
	if (r == 0) {
		so.keys = keys;
		so.nkeys = nkeys;
		so.reverse = a->v[OPT_REVERSE].set > 0;
		so.index_file = a->v[OPT_INDEX].set ? a->v[OPT_INDEX].s : NULL;
		if (a->v[OPT_SKIP_IN].set)
			so.skip_in = a->v[OPT_SKIP_IN].i;
		if (a->v[OPT_COUNT_IN].set)
			so.count_in = a->v[OPT_COUNT_IN].i;
		if (a->v[OPT_THREADS].set) {
			if (a->v[OPT_THREADS].i < 1 ||
			    a->v[OPT_THREADS].i > 1024)
				r = fm_error_set(
				    &err, FM_EINVAL,
				    "option --threads: expected 1..1024, got "
				    "%lld",
				    (long long)a->v[OPT_THREADS].i);
			so.threads = (int)a->v[OPT_THREADS].i;
		}
		if (r == 0)
			r = cmd_get_memory(a, &so.memory, &err);
		so.log = &ctx->log;
		so.progress = &ctx->progress;
		if (r == 0 && f == FM_FORMAT_BINARY)
			r = fm_sort_binary(a->pos[a->npos - 1], out, &so, &res,
					   &err);
		else if (r == 0)
			r = sort_to_file(ctx, a, a->pos[a->npos - 1], out, f,
					 &so, &res, &err);
	}
	if (r == 0 && (r = cmd_result_records(ctx, out, f, temp, 0, &err)) > 0)
		r = 0;
	free(temp);
	if (r < 0)
		return cmd_fail(ctx, &err);
	if (res.index_reused)
		fm_note(&ctx->log, "reused index %s", res.index_path);
	if (res.external)
		fm_note(&ctx->log,
			"the index did not fit the memory budget (%.1f MiB): "
			"sorted in runs, merged from disk",
			(double)so.memory / 1048576.0);
	cmd_summary(
	    ctx, "sort: %llu records, %zu arrays written in %.3f s%s%s",
	    (unsigned long long)res.records, res.arrays, cmd_now() - t0,
	    res.index_path[0] && !res.index_reused ? ", index saved as " : "",
	    res.index_path[0] && !res.index_reused ? res.index_path : "");
	return 0;
}

const struct cmd_entry cmd_sort_entry = {
    .name = "sort",
    .alias = NULL,
    .summary = "sort a binary directory by key fields, on disk",
    .usage =
	"-k FIELD... [--reverse] [-I INDEX] [--threads N] [--memory "
	"LIMIT] [--skip-in N] [--count-in N] [-o FORMAT] -O DIR|FILE INPUT",
    .description =
	"Sorts the records of the binary directory INPUT in stable lexicographic\n"
	"order of the key fields (the first key is primary), ascending; --reverse\n"
	"reverses the whole resulting order.  Every field array of INPUT is\n"
	"written, permuted, to DIR; when DIR is INPUT the sort is done in place.\n"
	"New files appear only when all of them are complete; in place, the sorted\n"
	"directory is built beside INPUT and exchanged with it in one atomic step.\n"
	"With -I INDEX the permutation is saved as INDEX.B/H/I/Q (the smallest\n"
	"unsigned code that holds every record index) and, when such a file\n"
	"exists, reused instead of sorting (it must then have one entry per\n"
	"selected record; -k may be omitted).  The sidecar INDEX.json records\n"
	"the keys, records and a fingerprint of the key columns: a stale index\n"
	"is rebuilt with a warning.  Only --skip-in and --count-in\n"
	"select records; filters and --skip-out/--count-out are errors.\n"
	"When the index of the records does not fit the memory budget (--memory),\n"
	"runs sorted in memory are written to a temporary file in DIR and merged\n"
	"from disk; the output is the same.\n"
	"With -o nfcapd (or csv_flow, text) the sorted records go to one file,\n"
	"-O FILE, in that format (--compress for nfcapd).",
    .opts = sort_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = sort_exec,
};

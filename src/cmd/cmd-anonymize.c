/*
 * cmd-anonymize.c - `anonymize`: Crypto-PAn over sa3 and da3 of IPv4
 * records and over the 128 bits of IPv6 addresses (SPEC 5).
 *
 * The key comes from exactly one of --key TEXT, --key-file FILE,
 * --key-env NAME, or the environment variable FLOWMODELS_KEY.  It is
 * wiped from memory after use and never printed, and the process is
 * non-dumpable from before it is read (no core file holds it).  --key on a
 * command line is visible to other users in `ps`; the help text says so.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/anonymize.h"
#include "cmd.h"

enum { OPT_KEY = OPT_COMMON_END, OPT_KEY_FILE, OPT_KEY_ENV, OPT_IPV6 };

static const struct cmd_opt anonymize_opts[] = {
    CMD_OPT_IN_FORMAT("nfcapd"),
    CMD_OPT_BIFLOW,
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: csv_flow, binary, text or nfcapd (default: csv_flow)",
     "csv_flow|binary|text|nfcapd"},
    CMD_OPT_COMPRESS,
    CMD_OPT_OUTPUT(
	"output file, or directory for binary; '-' = stdout (default: -)"),
    {OPT_KEY, 0, "key", CMD_OPT_STR, "KEY",
     "32-byte key as text, or hex: and 64 hex digits (visible to other users "
     "in ps: prefer --key-file or FLOWMODELS_KEY)",
     "secret"},
    {OPT_KEY_FILE, 0, "key-file", CMD_OPT_STR, "FILE",
     "read the key from FILE: exactly 32 raw bytes, or 33 ending in a newline",
     "file"},
    {OPT_KEY_ENV, 0, "key-env", CMD_OPT_STR, "NAME",
     "read the key from environment variable NAME, same forms as --key "
     "(default: FLOWMODELS_KEY)",
     NULL},
    {OPT_IPV6, 0, "ipv6", CMD_OPT_STR, "MODE",
     "IPv6 records: cryptopan (prefix-preserving over 128 bits), nfanon (what "
     "nfdump's nfanon "
     "computes per address; not prefix-preserving) or drop (default: "
     "cryptopan)",
     "cryptopan|nfanon|drop"},
    CMD_OPTS_CUT,
    CMD_OPT_SKIP_DAMAGED,
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int get_key(const struct cmd_args *a, unsigned char key[FM_ANON_KEY_LEN],
		   struct fm_error *err)
{
	int given = (a->v[OPT_KEY].set > 0) + (a->v[OPT_KEY_FILE].set > 0) +
		    (a->v[OPT_KEY_ENV].set > 0);
	const char *env;

	if (given > 1)
		return fm_error_set(
		    err, FM_EINVAL,
		    "give the key once: --key, --key-file or --key-env");
	if (a->v[OPT_KEY].set)
		return fm_anon_key_from_text(a->v[OPT_KEY].s, key, err);
	if (a->v[OPT_KEY_FILE].set)
		return fm_anon_key_from_file(a->v[OPT_KEY_FILE].s, key, err);
	const char *name =
	    a->v[OPT_KEY_ENV].set ? a->v[OPT_KEY_ENV].s : "FLOWMODELS_KEY";
	env = getenv(name);
	if (!env || !*env)
		return fm_error_set(
		    err, FM_EINVAL,
		    a->v[OPT_KEY_ENV].set
			? "environment variable %s is not set"
			: "no key: give --key-file FILE, --key KEY, or set %s",
		    name);
	int r = fm_anon_key_from_text(env, key, err);
	if (r < 0)
		fm_error_prefix(err, "environment variable %s", name);
	return r;
}

struct anon_job {
	const unsigned char *key;
	enum fm_anon_v6 v6;
	struct fm_anon_stats *stats;
};

static int anon_run(void *arg, struct fm_scan *scan, struct fm_writer *w,
		    struct fm_error *err)
{
	struct anon_job *job = arg;
	return fm_anonymize_run(scan, w, job->key, job->v6, job->stats, err);
}

static int anonymize_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_anon_stats st;
	unsigned char key[FM_ANON_KEY_LEN];
	struct anon_job job = {key, FM_ANON_V6_CRYPTOPAN, &st};
	double t0 = cmd_now();
	int r;

	fm_anon_no_dump();
	memset(&st, 0, sizeof(st));
	if (a->v[OPT_IPV6].set &&
	    fm_anon_v6_parse(a->v[OPT_IPV6].s, &job.v6) < 0) {
		fm_error_set(&err, FM_EINVAL,
			     "option --ipv6: unknown value '%s' (choose from "
			     "cryptopan, nfanon, drop)",
			     a->v[OPT_IPV6].s);
		return cmd_fail(ctx, &err);
	}
	if (a->v[OPT_KEY].set) {
		/* never into a session file: replays read the environment */
		cmd_record_words(ctx, "--key-env", "FLOWMODELS_KEY");
		cmd_record_comment(
		    ctx, "anonymize was given a literal key, not saved: "
			 "set FLOWMODELS_KEY to replay");
	}
	r = get_key(a, key, &err);
	if (r == 0)
		r = cmd_run_records(ctx, a, 1, anon_run, &job, NULL, &err);
	fm_anon_key_wipe(key, sizeof(key));
	if (r < 0)
		return cmd_fail(ctx, &err);
	if (st.dropped)
		fm_warn(&ctx->log,
			"%llu records dropped: address family not %s",
			(unsigned long long)st.dropped,
			job.v6 == FM_ANON_V6_DROP ? "IPv4 (--ipv6 drop)"
						  : "IPv4 or IPv6");
	cmd_summary(ctx,
		    "anonymize: %llu records read, %llu written (%llu IPv6), "
		    "%llu dropped, "
		    "%llu addresses anonymised in %.3f s",
		    (unsigned long long)st.read, (unsigned long long)st.written,
		    (unsigned long long)st.written6,
		    (unsigned long long)st.dropped,
		    (unsigned long long)st.computed, cmd_now() - t0);
	return 0;
}

const struct cmd_entry cmd_anonymize_entry = {
    .name = "anonymize",
    .alias = "anonymise",
    .summary =
	"anonymise IPv4 and IPv6 addresses with prefix-preserving Crypto-PAn",
    .usage = "(--key-file FILE | --key KEY | --key-env NAME) [--ipv6 MODE] [-i "
	     "FORMAT] [-o FORMAT] [-O OUTPUT] [CUTTING] INPUT...",
    .description =
	"Replaces sa3 and da3 of every IPv4 record (af 2, or 0) by their\n"
	"Crypto-PAn anonymisation (AES-128, prefix-preserving: two addresses\n"
	"sharing a k-bit prefix still share exactly a k-bit prefix), equal to\n"
	"what nfdump's `nfanon -K KEY` gives with the same key.  IPv6 records\n"
	"(af 10) get sa0..sa3 and da0..da3 replaced by Crypto-PAn over the "
	"128\n"
	"bits (prefix-preserving, one-to-one).  nfanon's IPv6 mapping is "
	"neither:\n"
	"--ipv6 nfanon writes exactly what nfanon writes, record for record,\n"
	"including its destination quirk (nfanon 1.7.1 writes as the\n"
	"destination of an IPv6 flow the mapping of its anonymised source, so\n"
	"the real destination is lost); use it only to match datasets\n"
	"anonymised by nfanon.  --ipv6 drop drops IPv6 records.  Records of other address families are dropped and\n"
	"counted.  The key is 32 bytes:\n"
	"--key TEXT takes the text's UTF-8 bytes, --key hex:... 64 hex "
	"digits,\n"
	"--key-file FILE the file's raw bytes (32, or 33 ending in a "
	"newline),\n"
	"--key-env NAME the value of an environment variable (same forms as\n"
	"--key); with none of them the variable FLOWMODELS_KEY is used.\n"
	"Security: a --key value on the command line can be seen by other "
	"users\n"
	"of the machine (ps, /proc) and may be kept in shell history; use\n"
	"--key-file (mode 600) or the environment instead.",
    .opts = anonymize_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = anonymize_exec,
};

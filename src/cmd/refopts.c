/*
 * Options of the reference's tools (flow-models 2.2) that flowmodels does
 * not take: what to use instead, for the "unknown option" message of
 * cmd_parse.  docs/migrating.md lists every reference option.
 */
#include <string.h>
#include "cmd.h"

struct refopt {
	const char *cmd; /* flowmodels command; NULL = every command */
	const char *opt; /* long option without the dashes */
	const char *hint;
};

static const struct refopt refopts[] = {
    {NULL, "measure-memory",
     "flowmodels does not measure its own memory: run it under "
     "'/usr/bin/time -v' for the peak resident size"},
    {"fit", "test",
     "the reference's fitting self-test is not an option of flowmodels: "
     "the fit is tested by its test suite (ctest -R fit)"},
    {"hist", "prot",
     "select the protocol with a filter: --filter-expr 'prot == 6' "
     "(tcp) or 'prot == 17' (udp); all is the default"},
    {"plot", "fft",
     "plot draws no kernel density estimate (its PDF line comes from the "
     "interpolated CDF, see docs/commands/plot.md): there is nothing to "
     "compute by FFT"},
    {NULL, NULL, NULL}};

const char *cmd_reference_hint(const struct cmd_entry *e, const char *opt,
			       size_t len)
{
	for (const struct refopt *r = refopts; r->opt; r++)
		if ((!r->cmd || !strcmp(r->cmd, e->name)) &&
		    strlen(r->opt) == len && !strncmp(r->opt, opt, len))
			return r->hint;
	return NULL;
}

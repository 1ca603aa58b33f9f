/*
 * completion.c - bash completion for flowmodels (see completion.h).
 *
 * The script holds the table as two case statements: the options of a
 * command, and what the value of an option is (flag, file, dir, field,
 * text or a list of choices).  The completion function finds the
 * command word, then completes an option's value, an option, or a
 * positional argument (files; command names after `help`).
 */
#include <ctype.h>
#include <string.h>

#include "completion.h"
#include "cmd/cmd.h"
#include "flowmodels/flow.h"

/* The value kind of an option, from its type and completion hint. */
static void value_kind(FILE *f, const struct cmd_opt *o)
{
	if (o->type == CMD_OPT_FLAG)
		fputs("flag", f);
	else if (!o->complete || !strcmp(o->complete, "secret"))
		fputs("text", f);
	else if (!strcmp(o->complete, "file") || !strcmp(o->complete, "dir") ||
		 !strcmp(o->complete, "field"))
		fputs(o->complete, f);
	else if (cmd_opt_is_path(o)) /* "output", "program" */
		fputs("file", f);
	else if (strchr(o->complete, '|')) {
		fputs("'choices:", f);
		for (const char *p = o->complete; *p; p++)
			fputc(*p == '|' ? ' ' : *p, f);
		fputc('\'', f);
	} else
		fputs("text", f);
}

/* The case patterns of a command's names, quoted ('?' is an alias):
 * 'name' or 'name'|'alias', with suffix appended to each. */
static void names(FILE *f, const struct cmd_entry *e, const char *suffix)
{
	fprintf(f, "'%s%s'", e->name, suffix);
	if (e->alias)
		fprintf(f, "|'%s%s'", e->alias, suffix);
}

/* Whether e's alias is a word to complete (the reference's tool names,
 * ls, rm...; not '?'). */
static int word_alias(const struct cmd_entry *e)
{
	return e->alias && isalpha((unsigned char)e->alias[0]);
}

static void options_case(FILE *f)
{
	fputs("# The options of command $1 (name or alias), in _flowmodels_w.\n"
	      "_flowmodels_options()\n{\n\tcase $1 in\n",
	      f);
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		fputc('\t', f);
		names(f, *e, "");
		fputs(") _flowmodels_w='", f);
		for (const struct cmd_opt *o = (*e)->opts; o->long_name; o++) {
			if (o->short_name)
				fprintf(f, "-%c ", o->short_name);
			fprintf(f, "--%s%s", o->long_name,
				o[1].long_name ? " " : "");
		}
		fputs("' ;;\n", f);
	}
	fputs("\t*) _flowmodels_w= ;;\n\tesac\n}\n\n", f);
}

static void values_case(FILE *f)
{
	fputs("# What the value of option $2 of command $1 is, in "
	      "_flowmodels_v:\n"
	      "# flag (none), file, dir, field, text, or 'choices:A B C'.\n"
	      "_flowmodels_value()\n{\n\tcase $1:$2 in\n",
	      f);
	for (const struct cmd_entry *const *e = cmd_table; *e; e++) {
		for (const struct cmd_opt *o = (*e)->opts; o->long_name; o++) {
			char suffix[96];
			fputc('\t', f);
			snprintf(suffix, sizeof(suffix), ":--%s", o->long_name);
			names(f, *e, suffix);
			if (o->short_name) {
				snprintf(suffix, sizeof(suffix), ":-%c",
					 o->short_name);
				fputc('|', f);
				names(f, *e, suffix);
			}
			fputs(") _flowmodels_v=", f);
			value_kind(f, o);
			fputs(" ;;\n", f);
		}
	}
	fputs("\t*) _flowmodels_v=flag ;;\n\tesac\n}\n\n", f);
}

static const char main_function[] =
    "# Values of kind $1 matching $2 into COMPREPLY.\n"
    "_flowmodels_values()\n"
    "{\n"
    "\tlocal IFS=$'\\n'\n"
    "\tcase $1 in\n"
    "\tfile) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "
    "\"$2\")) ;;\n"
    "\tdir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "
    "\"$2\")) ;;\n"
    "\tfield) IFS=$' \\t\\n'; COMPREPLY=($(compgen -W \"$_flowmodels_fields\" "
    "-- \"$2\")) ;;\n"
    "\tchoices:*) IFS=$' \\t\\n'; COMPREPLY=($(compgen -W \"${1#choices:}\" -- "
    "\"$2\")) ;;\n"
    "\ttheme)\n"
    "\t\tlocal d dirs=() bin\n"
    "\t\tbin=$(command -v flowmodels 2>/dev/null)\n"
    "\t\t[ -n \"$FLOWMODELS_THEMES\" ] && dirs+=(\"$FLOWMODELS_THEMES\")\n"
    "\t\tdirs+=(\"${XDG_CONFIG_HOME:-$HOME/.config}/flowmodels/themes\")\n"
    "\t\t[ -n \"$bin\" ] && dirs+=(\"${bin%/*}/../share/flowmodels/themes\")\n"
    "\t\tlocal t names=\n"
    "\t\tfor d in \"${dirs[@]}\"; do\n"
    "\t\t\tfor t in \"$d\"/*.theme; do\n"
    "\t\t\t\t[ -e \"$t\" ] || continue\n"
    "\t\t\t\tt=${t##*/}; names+=\" ${t%.theme}\"\n"
    "\t\t\tdone\n"
    "\t\tdone\n"
    "\t\tIFS=$' \\t\\n'; COMPREPLY=($(compgen -W \"$names\" -- \"$2\")) ;;\n"
    "\tesac\n"
    "}\n"
    "\n"
    "_flowmodels()\n"
    "{\n"
    "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i w _flowmodels_w "
    "_flowmodels_v\n"
    "\tCOMPREPLY=()\n"
    "\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
    "\t# bash splits --opt=value at '=' (COMP_WORDBREAKS): --opt = value\n"
    "\tif [ \"$cur\" = = ]; then\n"
    "\t\tcur=\n"
    "\telif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -gt 1 ]; then\n"
    "\t\tprev=${COMP_WORDS[COMP_CWORD-2]}\n"
    "\tfi\n"
    "\t# the command: the first word that is no option or option value\n"
    "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
    "\t\tw=${COMP_WORDS[i]}\n"
    "\t\tcase $w in\n"
    "\t\t--replay|--theme|--charset|--color) ((i++)) ;;\n"
    "\t\t-*) ;;\n"
    "\t\t*) cmd=$w; break ;;\n"
    "\t\tesac\n"
    "\tdone\n"
    "\tif [ -z \"$cmd\" ]; then\n"
    "\t\tcase $prev in\n"
    "\t\t--replay) _flowmodels_values file \"$cur\"; return ;;\n"
    "\t\t--theme) _flowmodels_values theme \"$cur\"; return ;;\n"
    "\t\t--charset) _flowmodels_values 'choices:braille block ascii' \"$cur\"; "
    "return ;;\n"
    "\t\t--color) _flowmodels_values 'choices:auto always never' \"$cur\"; "
    "return ;;\n"
    "\t\tesac\n"
    "\t\tcase $cur in\n"
    "\t\t--color=*) COMPREPLY=($(compgen -W 'auto always never' -- "
    "\"${cur#*=}\")) ;;\n"
    "\t\t-*) COMPREPLY=($(compgen -W '--help --version --replay --demo --theme "
    "--color= --charset' -- \"$cur\"))\n"
    "\t\t\t[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null ;;\n"
    "\t\t*) COMPREPLY=($(compgen -W \"$_flowmodels_commands\" -- \"$cur\")) "
    ";;\n"
    "\t\tesac\n"
    "\t\treturn\n"
    "\tfi\n"
    "\tif [[ $cur == --*=* ]]; then\n"
    "\t\t_flowmodels_value \"$cmd\" \"${cur%%=*}\"\n"
    "\t\t[ \"$_flowmodels_v\" = flag ] && return\n"
    "\t\t_flowmodels_values \"$_flowmodels_v\" \"${cur#*=}\"\n"
    "\t\tCOMPREPLY=(\"${COMPREPLY[@]/#/${cur%%=*}=}\")\n"
    "\t\treturn\n"
    "\tfi\n"
    "\tif [[ $prev == -* ]]; then\n"
    "\t\t_flowmodels_value \"$cmd\" \"$prev\"\n"
    "\t\tif [ \"$_flowmodels_v\" != flag ]; then\n"
    "\t\t\t_flowmodels_values \"$_flowmodels_v\" \"$cur\"\n"
    "\t\t\treturn\n"
    "\t\tfi\n"
    "\tfi\n"
    "\tif [[ $cur == -* ]]; then\n"
    "\t\t_flowmodels_options \"$cmd\"\n"
    "\t\tCOMPREPLY=($(compgen -W \"$_flowmodels_w\" -- \"$cur\"))\n"
    "\telif [ \"$cmd\" = help ]; then\n"
    "\t\tCOMPREPLY=($(compgen -W \"$_flowmodels_all\" -- \"$cur\"))\n"
    "\telse\n"
    "\t\t_flowmodels_values file \"$cur\"\n"
    "\tfi\n"
    "}\n"
    "\n"
    "complete -F _flowmodels flowmodels\n";

void completion_bash(FILE *f)
{
	fputs(
	    "# bash completion for flowmodels(1): generated by fm-gendoc from "
	    "the\n"
	    "# command table (src/cmd); do not edit.  Works with bash "
	    "alone.\n\n"
	    "# The commands that run one-shot (session commands only in\n"
	    "# the workbench and session files; `help` is main's), then all.\n"
	    "_flowmodels_commands='help",
	    f);
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		if (!((*e)->flags & CMD_F_SESSION)) {
			fprintf(f, " %s", (*e)->name);
			if (word_alias(*e))
				fprintf(f, " %s", (*e)->alias);
		}
	fputs("'\n_flowmodels_all='", f);
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		fprintf(f, "%s%s", e == cmd_table ? "" : " ", (*e)->name);
	fputs("'\n_flowmodels_fields='", f);
	for (int i = 0; i < FM_NFIELDS; i++)
		fprintf(f, "%s%s", i ? " " : "", fm_field_name(i));
	fputs("'\n\n", f);
	options_case(f);
	values_case(f);
	fputs(main_function, f);
}

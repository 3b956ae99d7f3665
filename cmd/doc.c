/*
 * doc.c - the man page (gcsim.1) and bash's completion, written from the
 * command table and the commands' option tables, the lists --help is made
 * from: the build runs `gcsim --man` and `gcsim --completion bash`, so the
 * documents cannot drift from what the commands accept.
 */
#include <string.h>

#include "cmds.h"
#include "common.h"

/*
 * Text for roff: a backslash is \e, a dash that starts a word (an
 * option's) is \- so that it prints as a dash and is not a break point,
 * and a line never starts with a control character.  '\n' in s is a
 * blank; the caller ends the line.
 */
static void roff_text(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (const char *p = s; *p; p++) {
		if (*p == '\\')
			fputs("\\e", f);
		else if (*p == '-' && (p == s || strchr(" (,-['\"|\n", p[-1])))
			fputs("\\-", f);
		else if (*p == '\n')
			fputc(' ', f);
		else
			fputc(*p, f);
	}
}

static void man_option(FILE *f, const struct cli_option *o)
{
	fputs(".TP\n", f);
	if (o->key < 256)
		fprintf(f, "\\fB\\-%c\\fR, ", o->key);
	fputs("\\fB\\-\\-", f);
	roff_text(f, o->name);
	fputs("\\fR", f);
	if (o->arg) {
		fputs(" \\fI", f);
		roff_text(f, o->arg);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff_text(f, o->help);
	fputc('\n', f);
	if (o->key == OPT_PYTHON) {
		const struct sim_profile *const *p = sim_profiles();

		fputs(".br\nProfiles:", f);
		for (int i = 0; p[i]; i++)
			fprintf(f, "%s %s", i ? "," : "", p[i]->name);
		fprintf(f, " (default %s).\n", sim_profile_default()->name);
	}
}

/* The parts that are not in a table: short, and pointing to the README. */
static const char man_trace[] =
	".SH TRACE LANGUAGE\n"
	"One event per line; \\fB#\\fR starts a comment; tokens are separated by\n"
	"blanks.  A file may open with settings lines, \\fB#: python\\fR \\fIVERSION\\fR\n"
	"and \\fB#: threshold\\fR \\fIT0 T1 T2\\fR.\n"
	".TP\n\\fBalloc\\fR \\fIID TYPE\\fR [\\fIVALUE\\fR]\n"
	"a new (or cached) object and one root reference to it; TYPE is one of\n"
	"the types below (a \\fBtuple\\fR \\fIN\\fR is filled by the next N\n"
	"\\fBref\\fR lines on it; a \\fBgcobj\\fR is any other GC object: a\n"
	"function, an iterator, a frame).\n"
	".TP\n\\fBref\\fR \\fISRC DST\\fR\n"
	"container SRC takes a reference to DST.\n"
	".TP\n\\fBref\\fR \\fIID\\fR\n"
	"one more root reference.\n"
	".TP\n\\fBunref\\fR \\fISRC DST\\fR\n"
	"SRC drops its reference to DST.\n"
	".TP\n\\fBdel\\fR \\fIID\\fR, \\fBunref\\fR \\fIID\\fR\n"
	"drop one root reference.\n"
	".TP\n\\fBcollect\\fR [\\fIGEN\\fR]\n"
	"gc.collect(GEN), default 2.\n"
	".TP\n\\fBgc enable\\fR|\\fBdisable\\fR|\\fBfreeze\\fR|\\fBunfreeze\\fR, "
	"\\fBgc threshold\\fR \\fIT0\\fR [\\fIT1\\fR [\\fIT2\\fR]]\n"
	"the gc module's calls.\n"
	".TP\n\\fBgc safepoint\\fR\n"
	"an eval-breaker check; once a trace has one, 3.12+ collect only there.\n"
	".TP\n\\fBexpect\\fR \\fIWHAT\\fR ...\n"
	"an assertion:";

static const char man_trace_json[] =
	".PP\n"
	"The same events may be JSON: a \\fI.json\\fR array or \\fI.jsonl\\fR lines of\n"
	"objects such as {\"op\":\"alloc\",\"id\":\"a\",\"type\":\"list\"}.\n"
	"The README gives the full language.\n";

/* The trace language: prose, and its words from the language's table. */
static void man_trace_words(FILE *f)
{
	fputs(man_trace, f);
	for (int k = 0; k < SIM_EXPECT_KINDS; k++)
		fprintf(f, "%s \\fB%s\\fR \\fI%s\\fR", k ? "," : "",
			sim_expect_name((enum sim_expect_kind)k),
			sim_expect_usage((enum sim_expect_kind)k));
	fputs(".\n.PP\nTypes:", f);
	for (int t = 0; t < SIM_T_COUNT_; t++)
		fprintf(f, "%s \\fB%s\\fR", t ? "," : "", sim_type_name((enum sim_type)t));
	fputs(".\n", f);
	fputs(man_trace_json, f);
}

static const char man_exit[] =
	".SH EXIT STATUS\n"
	".TP\n0\nsuccess\n"
	".TP\n1\nan expect line failed\n"
	".TP\n2\nusage error\n"
	".TP\n3\ninvalid trace (\\fIFILE\\fR:\\fILINE\\fR:\\fICOL\\fR: message on stderr)\n"
	".TP\n4\nI/O error, reading or writing (standard output too)\n"
	".TP\n5\ninternal error: a heap invariant broke under \\fB\\-\\-check\\fR (a gcsim bug)\n";

void doc_man(FILE *f, const struct command *cmds, size_t n)
{
	fprintf(f, ".\\\" gcsim.1 - written by gcsim --man from its option tables\n"
		   ".TH GCSIM 1 \"\" \"gcsim %s\" \"User Commands\"\n"
		   ".nh\n"
		   ".SH NAME\n"
		   "gcsim \\- replay object events through a simulated CPython memory manager\n"
		   ".SH SYNOPSIS\n", GCSIM_VERSION);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "\\fBgcsim %s\\fR [\\fIoptions\\fR]", cmds[i].name);
		if (cmds[i].synopsis && *cmds[i].synopsis) {
			fputs(" \\fI", f);
			roff_text(f, cmds[i].synopsis);
			fputs("\\fR", f);
		}
		fputs("\n.br\n", f);
	}
	fputs("\\fBgcsim \\-\\-help\\fR | \\fB\\-\\-version\\fR\n"
	      ".SH DESCRIPTION\n"
	      "gcsim replays a trace of object events (alloc, ref, unref, del, collect,\n"
	      "gc) through a simulated CPython heap and shows, step by step, what the\n"
	      "interpreter's memory manager does: reference counts, the generations\n"
	      "with their counts and thresholds, the caches, the free lists, and every\n"
	      "collection with the reason it ran.  Each command takes\n"
	      "\\fB\\-h\\fR, \\fB\\-\\-help\\fR.\n"
	      ".SH COMMANDS\n", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, ".SS \"gcsim %s\"\n", cmds[i].name);
		roff_text(f, cmds[i].summary);
		fputs(".\n", f);
		for (const struct cli_option *o = cmds[i].options; o->name; o++)
			man_option(f, o);
	}
	man_trace_words(f);
	fputs(man_exit, f);
	fputs(".SH SEE ALSO\n"
	      "The README of gcsim's sources; \\fBpython3\\fR(1).\n", f);
}

/* The words an option's argument may be, or NULL: any word (or a file). */
static void completion_words(FILE *f, const struct cli_option *o)
{
	if (o->key == OPT_PYTHON) {
		const struct sim_profile *const *p = sim_profiles();

		for (int i = 0; p[i]; i++)
			fprintf(f, "%s%s", i ? " " : "", p[i]->name);
		return;
	}
	/* "text|jsonl": the choices themselves */
	for (const char *a = o->arg; *a; a++)
		fputc(*a == '|' ? ' ' : *a, f);
}

static void completion_command(FILE *f, const struct command *c)
{
	const struct cli_option *o;

	fprintf(f, "\t%s)\n\t\topts='", c->name);
	for (o = c->options; o->name; o++) {
		fprintf(f, "%s--%s", o == c->options ? "" : " ", o->name);
		if (o->key < 256)
			fprintf(f, " -%c", o->key);
	}
	fputs("'\n\t\tcase $prev in\n", f);
	for (o = c->options; o->name; o++) {
		if (!o->arg)
			continue;
		fprintf(f, "\t\t--%s", o->name);
		if (o->key < 256)
			fprintf(f, "|-%c", o->key);
		if (o->key == OPT_PYTHON || strchr(o->arg, '|')) {
			fputs(") words='", f);
			completion_words(f, o);
			fputs("' ;;\n", f);
		} else {
			fputs(") return ;;\n", f);
		}
	}
	fputs("\t\tesac ;;\n", f);
}

void doc_bash_completion(FILE *f, const struct command *cmds, size_t n)
{
	fputs("# bash completion for gcsim, written by gcsim --completion bash\n"
	      "# from its option tables.\n"
	      "_gcsim()\n"
	      "{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal opts= words=\n"
	      "\tCOMPREPLY=()\n"
	      "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W '", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s ", cmds[i].name);
	fputs("--help --version' -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\t# An option's argument: its choices, or any word (a file by default).\n"
	      "\tcase ${COMP_WORDS[1]} in\n", f);
	for (size_t i = 0; i < n; i++)
		completion_command(f, &cmds[i]);
	fputs("\t*) return ;;\n"
	      "\tesac\n"
	      "\tif [ -n \"$words\" ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	      "\telif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -o default -F _gcsim gcsim\n", f);
}

/*
 * graph.c - `gcsim graph`: the heap at a step as Graphviz DOT (or SVG,
 * through Graphviz's dot), and the replay up to a step that `gcsim
 * explain` shares.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sim/graph.h"
#include "cmds.h"
#include "common.h"

extern char **environ;

#define DEFAULT_MAX_NODES 2000

const struct cli_option graph_options[] = {
	CLI_OPTIONS_AT_STEP("the heap"),
	{ "around", OPT_AROUND, "ID",
	  "only the objects within --depth references\n"
	  "of ID's object, either way" },
	{ "depth", OPT_DEPTH, "N", "with --around: how many references (default 2)" },
	{ "max-nodes", OPT_MAX_NODES, "N",
	  "refuse a graph of more objects (default 2000;\n"
	  "0: no cap)" },
	{ "format", OPT_FORMAT, "dot|svg",
	  "dot (default), or svg drawn by Graphviz's dot\n"
	  "(Debian package graphviz), which must be on PATH" },
	{ "output", 'o', "FILE", "write to FILE (default: standard output)" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

/* ---------------------------------------------------------------- */
/* The replay up to --at, shared with explain */

struct until {
	uint64_t at;              /* 0: the end */
	uint64_t steps;
	int reached;
	void (*step)(void *arg, const sim *s, const struct sim_event *ev,
		     const struct sim_step *st);
	void (*done)(void *arg, sim *s);
	void *arg;
	sim *s;
};

static void until_start(void *arg, sim *s, const char *path)
{
	(void)path;
	((struct until *)arg)->s = s;
}

static int until_step(void *arg, const struct sim_event *ev, const struct sim_step *st)
{
	struct until *u = arg;

	u->steps = st->step;
	if (u->step)
		u->step(u->arg, u->s, ev, st);
	return u->at && st->step >= u->at;
}

static void until_finish(void *arg, sim *s)
{
	struct until *u = arg;

	if (u->at && u->steps < u->at)
		return;
	u->reached = 1;
	u->done(u->arg, s);
}

static int parse_at(const char *arg, uint64_t *at)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v == 0) {
		errorf("--at takes a step number, 1 or more (steps count events from 1), got '%s'", arg);
		return -1;
	}
	*at = v;
	return 0;
}

int until_option(struct common_opts *o, uint64_t *at, int opt,
		 const char *arg)
{
	int r = common_option(o, opt, arg);

	if (r || opt != OPT_AT)
		return r;
	return parse_at(arg, at) ? -1 : 1;
}

int replay_until(const char *path, const struct common_opts *o, uint64_t at,
		 void (*step)(void *arg, const sim *s, const struct sim_event *ev,
			      const struct sim_step *st),
		 void (*done)(void *arg, sim *s), void *arg)
{
	struct until u = { at, 0, 0, step, done, arg, NULL };
	struct replay_hooks h = { until_start, until_step, NULL, until_finish, NULL };
	struct replay_result res;

	replay_file(path, o, 0, &h, &u, &res);
	if (res.status != EXIT_PASS && res.status != EXIT_EXPECT) {
		print_diag(&res.diag);
		return res.status;
	}
	if (!u.reached) {
		errorf("--at %llu: %s has only %llu step%s", (unsigned long long)at,
		       path, (unsigned long long)u.steps, u.steps == 1 ? "" : "s");
		return EXIT_USAGE;
	}
	return EXIT_PASS;
}

/* ---------------------------------------------------------------- */
/* DOT */

/* Fill colours by generation: young to old, frozen, untracked. */
static const char *const gen_colour[] = {
	"#c7e9c0", "#fdd49e", "#fc8d59", "#9ecae1",
};
#define UNTRACKED_COLOUR "#f0f0f0"
#define GARBAGE_COLOUR "red"

static const char *shape_of(int type)
{
	switch (type) {
	case SIM_T_LIST:
		return "box";
	case SIM_T_TUPLE:
		return "octagon";
	case SIM_T_DICT:
		return "component";
	case SIM_T_SET:
		return "hexagon";
	case SIM_T_OBJECT:
	case SIM_T_DELOBJ:
	case SIM_T_LEGACYOBJ:
		return "ellipse";
	default:
		return "note";
	}
}

/* s as text inside a DOT string: quotes and backslashes escaped, and
 * control and non-ASCII bytes as \xHH (so any bytes are valid UTF-8). */
static void dot_text(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\\\x%02x", c);
		else
			fputc(c, f);
	}
}

#define VALUE_SHOWN 24

static void dot_value(FILE *f, const struct sim_gnode *n)
{
	char buf[64];

	switch (n->type) {
	case SIM_T_INT:
		if (n->flags & SIM_GN_BIGINT) {
			dot_text(f, n->s, n->slen > VALUE_SHOWN ? VALUE_SHOWN : n->slen);
			if (n->slen > VALUE_SHOWN)
				fputs("...", f);
		} else {
			fprintf(f, "%lld", (long long)n->i);
		}
		break;
	case SIM_T_BOOL:
		fputs(n->i ? "True" : "False", f);
		break;
	case SIM_T_NONE:
		fputs("None", f);
		break;
	case SIM_T_FLOAT:
		format_float(buf, sizeof(buf), n->f);
		fputs(buf, f);
		break;
	case SIM_T_STR:
	case SIM_T_BYTES:
		fputs(n->type == SIM_T_BYTES ? "b\\\"" : "\\\"", f);
		dot_text(f, n->s, n->slen > VALUE_SHOWN ? VALUE_SHOWN : n->slen);
		fputs(n->slen > VALUE_SHOWN ? "...\\\"" : "\\\"", f);
		break;
	default:
		break;
	}
}

static void dot_node(FILE *f, const struct sim_gnode *n)
{
	int atomic = n->type != SIM_T_LIST && n->type != SIM_T_TUPLE &&
		     n->type != SIM_T_DICT && n->type != SIM_T_SET &&
		     n->type != SIM_T_OBJECT && n->type != SIM_T_DELOBJ &&
		     n->type != SIM_T_LEGACYOBJ;
	const char *fill = n->gen == SIM_GEN_UNTRACKED ? UNTRACKED_COLOUR : gen_colour[n->gen];

	fprintf(f, "  o%u [shape=%s, label=\"", n->obj, shape_of(n->type));
	if (n->id)
		dot_text(f, n->id, strlen(n->id));
	else
		fputs("__dict__", f);
	fprintf(f, "\\n%s", sim_type_name((enum sim_type)n->type));
	if (n->type == SIM_T_TUPLE)
		fprintf(f, " %lld", (long long)n->i);
	if (atomic) {
		fputc(' ', f);
		dot_value(f, n);
	}
	fputs("\\n", f);
	if (n->gen == SIM_GEN_PERMANENT)
		fputs("frozen", f);
	else if (n->gen == SIM_GEN_UNTRACKED)
		fputs("untracked", f);
	else
		fprintf(f, "gen %d", n->gen);
	if (n->flags & SIM_GN_IMMORTAL)
		fputs(", immortal", f);
	else
		fprintf(f, ", rc %lld", (long long)n->refcnt);
	if (n->flags & SIM_GN_CACHED)
		fputs(n->flags & SIM_GN_INTERNED ? ", interned" : ", cached", f);
	if (n->flags & SIM_GN_GARBAGE)
		fputs("\\ngarbage", f);
	fprintf(f, "\", style=\"filled%s\", fillcolor=\"%s\"",
		n->flags & SIM_GN_CACHED ? ",dashed" : "", fill);
	if (n->flags & SIM_GN_GARBAGE)
		fprintf(f, ", color=\"%s\", penwidth=3", GARBAGE_COLOUR);
	if (n->flags & SIM_GN_CENTRE)
		fputs(", peripheries=2", f);
	fputs("];\n", f);
}

static void write_dot(FILE *f, const struct sim_graph *g, const char *trace,
		      uint64_t step, const struct sim_graph_opts *o)
{
	fputs("digraph heap {\n", f);
	fputs("  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=\"", f);
	dot_text(f, trace, strlen(trace));
	fprintf(f, ", step %llu: %llu objects, %llu unreachable",
		(unsigned long long)step, (unsigned long long)g->live,
		(unsigned long long)g->garbage);
	if (o->around) {
		fprintf(f, "; within %u references of ", o->depth);
		dot_text(f, o->around, strlen(o->around));
		fprintf(f, ": %u", g->nnodes);
	}
	fputs("\"];\n", f);
	fputs("  node [fontname=\"Helvetica\", fontsize=10];\n", f);
	fputs("  edge [fontname=\"Helvetica\", fontsize=9];\n", f);
	for (uint32_t i = 0; i < g->nnodes; i++)
		dot_node(f, &g->nodes[i]);
	for (uint32_t i = 0; i < g->nroots; i++) {
		const struct sim_groot *r = &g->roots[i];

		fprintf(f, "  r%u [shape=plaintext, label=\"", i);
		dot_text(f, r->id, strlen(r->id));
		fprintf(f, "\"];\n  r%u -> o%u [style=dashed", i, g->nodes[r->node].obj);
		if (r->count > 1)
			fprintf(f, ", label=\"x%u\"", r->count);
		fputs("];\n", f);
	}
	for (uint32_t i = 0; i < g->nedges; i++) {
		const struct sim_gedge *e = &g->edges[i];
		const struct sim_gnode *a = &g->nodes[e->from], *b = &g->nodes[e->to];

		fprintf(f, "  o%u -> o%u", a->obj, b->obj);
		if (e->count > 1 || ((a->flags & b->flags) & SIM_GN_GARBAGE)) {
			fputs(" [", f);
			if (e->count > 1)
				fprintf(f, "label=\"x%u\"", e->count);
			if ((a->flags & b->flags) & SIM_GN_GARBAGE)
				fprintf(f, "%scolor=\"%s\"", e->count > 1 ? ", " : "",
					GARBAGE_COLOUR);
			fputc(']', f);
		}
		fputs(";\n", f);
	}
	fputs("}\n", f);
}

/* ---------------------------------------------------------------- */
/* SVG: the DOT through dot -Tsvg */

static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		return 0;
	for (const char *p = path;;) {
		size_t len = strcspn(p, ":");

		if (len > 0 && len + strlen(prog) + 2 <= sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, p, prog);
			if (access(buf, X_OK) == 0)
				return 1;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int write_svg(FILE *out, const struct sim_graph *g, const char *trace,
		     uint64_t step, const struct sim_graph_opts *o)
{
	int fds[2], status;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "dot", "-Tsvg", NULL };

	if (fflush(out) != 0 || pipe(fds) != 0) {
		errorf("cannot run dot: %s", strerror(errno));
		return EXIT_IO;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fileno(out), STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	int rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		errorf("cannot run dot: %s", strerror(rc));
		return EXIT_IO;
	}
	/* dot reads all of its input before it writes: no deadlock. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	FILE *f = fdopen(fds[1], "w");
	int werr = 0;
	if (f) {
		write_dot(f, g, trace, step, o);
		werr = fclose(f) != 0;
	} else {
		close(fds[1]);
		werr = 1;
	}
	signal(SIGPIPE, old);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || werr) {
		errorf("dot failed (%s %d)", WIFEXITED(status) ? "exit status" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return EXIT_IO;
	}
	return EXIT_PASS;
}

/* ---------------------------------------------------------------- */

struct graph_ctx {
	struct sim_graph_opts go;
	int svg;
	const char *trace;
	const char *output;
	int status;
};

static void graph_done(void *arg, sim *s)
{
	struct graph_ctx *c = arg;
	struct sim_graph g;
	struct sim_diag diag = { 0 };
	struct out_file out;
	uint64_t step = 0;
	struct sim_totals t;

	sim_get_totals(s, &t);
	step = t.steps;
	if (sim_graph_build(s, &c->go, &g, &diag)) {
		errorf("%s", diag.msg);
		c->status = EXIT_USAGE;
		return;
	}
	c->status = out_open(&out, c->output);
	if (c->status == EXIT_PASS) {
		if (c->svg)
			c->status = write_svg(out.f, &g, c->trace, step, &c->go);
		else
			write_dot(out.f, &g, c->trace, step, &c->go);
		c->status = out_close(&out, c->status);
	}
	sim_graph_release(&g);
}

static void graph_usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim graph [options] TRACE\n"
		"\n"
		"Replay TRACE up to a step and write the heap there as a Graphviz graph:\n"
		"an object per node (shape: its type; fill: its generation, light green\n"
		"gen 0, light orange gen 1, orange gen 2, blue frozen, grey untracked;\n"
		"dashed: cached), a plain-text node per ID holding root references,\n"
		"and an edge per container reference (xN: N references).  Objects no\n"
		"root reaches, cyclic garbage and what it holds, have a red border.\n"
		"\n");
	cli_help(f, graph_options);
}

int parse_count(const char *opt, const char *arg, uint64_t *out)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > UINT32_MAX) {
		errorf("%s takes a number from 0 to %u, got '%s'", opt, UINT32_MAX, arg);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_graph(int argc, char **argv)
{
	struct common_opts o = { 0 };
	struct graph_ctx c = { { NULL, 2, DEFAULT_MAX_NODES }, 0, NULL, "-", EXIT_PASS };
	struct cli_parser p;
	uint64_t at = 0, v;
	int opt, r, has_depth = 0;

	cli_parser_init(&p, "graph", graph_options);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		if ((r = until_option(&o, &at, opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case OPT_AROUND:
			c.go.around = optarg;
			break;
		case OPT_DEPTH:
			if (parse_count("--depth", optarg, &v))
				return EXIT_USAGE;
			c.go.depth = (uint32_t)v;
			has_depth = 1;
			break;
		case OPT_MAX_NODES:
			if (parse_count("--max-nodes", optarg, &v))
				return EXIT_USAGE;
			c.go.max_nodes = v;
			break;
		case OPT_FORMAT: {
			static const char *const formats[] = { "dot", "svg" };

			if ((c.svg = format_choice("graph", optarg, formats, 2)) < 0)
				return EXIT_USAGE;
			break;
		}
		case 'o':
			c.output = optarg;
			break;
		case 'h':
			graph_usage(stdout);
			return EXIT_PASS;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		errorf("graph takes exactly one TRACE (see gcsim graph --help)");
		return EXIT_USAGE;
	}
	if (has_depth && !c.go.around) {
		errorf("graph --depth needs --around ID");
		return EXIT_USAGE;
	}
	if (c.svg && !on_path("dot")) {
		errorf("graph --format svg needs Graphviz's dot on PATH (Debian package graphviz); --format dot writes the graph for it");
		return EXIT_USAGE;
	}
	c.trace = strcmp(argv[optind], "-") == 0 ? "<stdin>" : argv[optind];
	int status = replay_until(argv[optind], &o, at, NULL, graph_done, &c);
	return status != EXIT_PASS ? status : c.status;
}

/*
 * explain.c - `gcsim explain`: why an object is alive at a step, or why
 * it still waits for the collector, in words or as JSON.
 */
#include <string.h>

#include "../sim/explain.h"
#include "../sim/graph.h"
#include "cmds.h"
#include "common.h"

const struct cli_option explain_options[] = {
	CLI_OPTIONS_AT_STEP("the answer"),
	{ "format", OPT_FORMAT, "text|json",
	  "text (default), or one JSON object (its keys\n"
	  "are in the README)" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

struct explain_ctx {
	sim_explainer *x;
	int json;
	int status;
};

static const char *const state_names[] = {
	"reachable", "cached", "garbage", "dead",
};

static const char *const event_names[] = {
	"born", "tracked", "promoted", "untracked", "frozen", "unfrozen",
	"unreachable", "reachable",
};

static const char *type_of(int type)
{
	return type < 0 ? "root" : sim_type_name((enum sim_type)type);
}

static void gen_text(FILE *f, int gen)
{
	if (gen == SIM_GEN_PERMANENT)
		fputs("the permanent generation", f);
	else if (gen == SIM_GEN_UNTRACKED)
		fputs("no generation (untracked)", f);
	else
		fprintf(f, "generation %d", gen);
}

static void holder_text(FILE *f, const struct sim_xholder *h)
{
	if (h->type < 0)
		fprintf(f, "%u root reference%s held by %s", h->count,
			h->count == 1 ? "" : "s", h->id);
	else
		fprintf(f, "%u from %s (%s)", h->count, h->id ? h->id : "an instance's __dict__",
			type_of(h->type));
}

static void history_text(FILE *f, const struct sim_explanation *e)
{
	for (uint32_t i = 0; i < e->nhistory; i++) {
		const struct sim_xevent *h = &e->history[i];

		if (i == SIM_X_HISTORY / 2 && e->history_dropped)
			fprintf(f, "    ... %llu more\n", (unsigned long long)e->history_dropped);
		fprintf(f, "    step %llu (line %lu): ", (unsigned long long)h->step, h->line);
		switch (h->kind) {
		case SIM_XE_BORN:
			fputs("allocated, into ", f);
			gen_text(f, h->gen_to);
			break;
		case SIM_XE_TRACKED:
			fputs("tracked, into ", f);
			gen_text(f, h->gen_to);
			break;
		case SIM_XE_PROMOTED:
			fprintf(f, "survived a gen-%d collection: ", h->cgen);
			gen_text(f, h->gen_from);
			fputs(" -> ", f);
			gen_text(f, h->gen_to);
			break;
		case SIM_XE_UNTRACKED:
			fprintf(f, "untracked by a gen-%d collection", h->cgen);
			break;
		case SIM_XE_FROZEN:
			fputs("frozen (gc freeze): into the permanent generation", f);
			break;
		case SIM_XE_UNFROZEN:
			fputs("unfrozen (gc unfreeze): into generation 2", f);
			break;
		case SIM_XE_UNREACHABLE:
			fputs("no root reaches it any more", f);
			break;
		case SIM_XE_REACHABLE:
			fputs("a root reaches it again", f);
			break;
		}
		fputc('\n', f);
	}
}

static void write_text(FILE *f, const struct sim_explanation *e)
{
	fprintf(f, "%s at step %llu: %s", e->id, (unsigned long long)e->step,
		type_of(e->type));
	if (e->state == SIM_X_DEAD) {
		fprintf(f, ", dead: freed at step %llu (line %lu) by %s",
			(unsigned long long)e->died_step, e->died_line,
			e->died_by_collector ? "the collector" : "reference counting");
		if (e->died_by_collector)
			fprintf(f, " (a gen-%d collection), cyclic garbage since step %llu (line %lu)",
				e->died_gen, (unsigned long long)e->garbage_since,
				e->garbage_since_line);
		fprintf(f, "\n  allocated at step %llu (line %lu)\n",
			(unsigned long long)e->alloc_step, e->alloc_line);
		history_text(f, e);
		return;
	}
	if (e->immortal)
		fputs(", immortal", f);
	else
		fprintf(f, ", refcnt %lld", (long long)e->refcnt);
	fputc('\n', f);

	switch (e->state) {
	case SIM_X_CACHED:
		fprintf(f, "alive: held by %s%s\n", e->cache,
			e->immortal ? "; immortal, never freed" : ", never freed");
		break;
	case SIM_X_REACHABLE:
		fprintf(f, "alive: reachable, the shortest chain from a root is %u reference%s long:\n",
			e->nchain, e->nchain == 1 ? "" : "s");
		fprintf(f, "    %s holds %u root reference%s to %s (%s)\n", e->root_id,
			e->root_count, e->root_count == 1 ? "" : "s",
			e->chain[0].id ? e->chain[0].id : "__dict__", type_of(e->chain[0].type));
		for (uint32_t i = 1; i < e->nchain; i++) {
			const struct sim_xlink *l = &e->chain[i];

			fprintf(f, "    -> %s (%s), %s", l->id ? l->id : "__dict__",
				type_of(l->type), l->via);
			if (l->index >= 0)
				fprintf(f, " %lld", (long long)l->index);
			fprintf(f, " of %s\n", e->chain[i - 1].id ? e->chain[i - 1].id : "__dict__");
		}
		break;
	case SIM_X_GARBAGE:
		fprintf(f, "unreachable: cyclic garbage since step %llu (line %lu); %u unreachable object%s (itself included) reach%s it\n",
			(unsigned long long)e->garbage_since, e->garbage_since_line,
			e->garbage_holders, e->garbage_holders == 1 ? "" : "s",
			e->garbage_holders == 1 ? "es" : "");
		if (e->unfreeable)
			fputs("  only tuples hold it, and tuples have no tp_clear: a collection finds it but cannot free it\n", f);
		else if (e->wait_gen == SIM_GEN_PERMANENT)
			fputs("  a frozen object holds it: ", f);
		else
			fprintf(f, "  waiting for a collection of generation %d (the oldest of those objects), which will run ",
				e->wait_gen);
		if (!e->unfreeable)
			fprintf(f, "%s\n", e->gc.when);
		break;
	default:
		break;
	}
	if (e->nholders) {
		fputs("  references to it: ", f);
		for (uint32_t i = 0; i < e->nholders; i++) {
			if (i)
				fputs("; ", f);
			holder_text(f, &e->holders[i]);
		}
		if (e->more_holders)
			fprintf(f, "; and %u more holders", e->more_holders);
		fputc('\n', f);
	}
	fputs("generation: ", f);
	gen_text(f, e->gen);
	fputc('\n', f);
	fprintf(f, "  allocated at step %llu (line %lu)", (unsigned long long)e->alloc_step,
		e->alloc_line);
	for (int g = 0; g < 3; g++)
		if (e->survived[g])
			fprintf(f, "; survived %llu gen-%d collection%s (last at step %llu)",
				(unsigned long long)e->survived[g], g,
				e->survived[g] == 1 ? "" : "s",
				(unsigned long long)e->last_survived[g]);
	fputc('\n', f);
	history_text(f, e);
	fprintf(f, "tracking: %s\n", e->tracked_why);
	fprintf(f, "collector (%s): %s\n", e->gc.kind, e->gc.why_no_full);
}

static void json_opt_string(FILE *f, const char *s)
{
	if (s)
		json_string(f, s);
	else
		fputs("null", f);
}

static void write_json(FILE *f, const struct sim_explanation *e)
{
	fputs("{\"id\": ", f);
	json_string(f, e->id);
	fprintf(f, ", \"step\": %llu, \"state\": \"%s\", \"type\": \"%s\"",
		(unsigned long long)e->step, state_names[e->state], type_of(e->type));
	fprintf(f, ", \"alloc_step\": %llu, \"alloc_line\": %lu",
		(unsigned long long)e->alloc_step, e->alloc_line);
	if (e->state == SIM_X_DEAD) {
		fprintf(f, ", \"died_step\": %llu, \"died_line\": %lu, \"freed_by\": \"%s\"",
			(unsigned long long)e->died_step, e->died_line,
			e->died_by_collector ? "collector" : "refcount");
		if (e->died_by_collector)
			fprintf(f, ", \"collection_gen\": %d, \"garbage_since\": %llu",
				e->died_gen, (unsigned long long)e->garbage_since);
	} else {
		fprintf(f, ", \"refcnt\": %lld, \"immortal\": %s, \"cached\": %s, \"interned\": %s",
			(long long)e->refcnt, e->immortal ? "true" : "false",
			e->cached ? "true" : "false", e->interned ? "true" : "false");
		fputs(", \"cache\": ", f);
		json_opt_string(f, e->cache);
		fprintf(f, ", \"gen\": %d, \"tracked\": %s, \"frozen\": %s, \"tracked_why\": ",
			e->gen == SIM_GEN_PERMANENT ? -1 : e->gen, e->tracked ? "true" : "false",
			e->gen == SIM_GEN_PERMANENT ? "true" : "false");
		json_string(f, e->tracked_why);
		fputs(", \"holders\": [", f);
		for (uint32_t i = 0; i < e->nholders; i++) {
			fputs(i ? ", {\"id\": " : "{\"id\": ", f);
			json_opt_string(f, e->holders[i].id);
			fprintf(f, ", \"type\": \"%s\", \"count\": %u}", type_of(e->holders[i].type),
				e->holders[i].count);
		}
		fprintf(f, "], \"more_holders\": %u", e->more_holders);
	}
	if (e->state == SIM_X_REACHABLE) {
		fputs(", \"root\": ", f);
		json_string(f, e->root_id);
		fprintf(f, ", \"root_count\": %u, \"chain\": [", e->root_count);
		for (uint32_t i = 0; i < e->nchain; i++) {
			fputs(i ? ", {\"id\": " : "{\"id\": ", f);
			json_opt_string(f, e->chain[i].id);
			fprintf(f, ", \"type\": \"%s\", \"via\": \"%s\"", type_of(e->chain[i].type),
				e->chain[i].via);
			if (e->chain[i].index >= 0)
				fprintf(f, ", \"index\": %lld", (long long)e->chain[i].index);
			fputc('}', f);
		}
		fputc(']', f);
	}
	if (e->state == SIM_X_GARBAGE) {
		fprintf(f, ", \"garbage_since\": %llu, \"garbage_since_line\": %lu, \"garbage_holders\": %u",
			(unsigned long long)e->garbage_since, e->garbage_since_line,
			e->garbage_holders);
		if (e->unfreeable)
			fputs(", \"wait_gen\": null", f);
		else if (e->wait_gen == SIM_GEN_PERMANENT)
			fputs(", \"wait_gen\": \"frozen\"", f);
		else
			fprintf(f, ", \"wait_gen\": %d", e->wait_gen);
		fputs(", \"when\": ", f);
		json_string(f, e->gc.when);
	}
	fputs(", \"survived\": [", f);
	for (int g = 0; g < 3; g++)
		fprintf(f, "%s%llu", g ? ", " : "", (unsigned long long)e->survived[g]);
	fputs("], \"history\": [", f);
	for (uint32_t i = 0; i < e->nhistory; i++) {
		const struct sim_xevent *h = &e->history[i];

		fprintf(f, "%s{\"event\": \"%s\", \"step\": %llu, \"line\": %lu", i ? ", " : "",
			event_names[h->kind], (unsigned long long)h->step, h->line);
		if (h->kind == SIM_XE_PROMOTED || h->kind == SIM_XE_UNTRACKED)
			fprintf(f, ", \"collection_gen\": %d", h->cgen);
		if (h->kind == SIM_XE_BORN || h->kind == SIM_XE_TRACKED ||
		    h->kind == SIM_XE_PROMOTED)
			fprintf(f, ", \"gen\": %d", h->gen_to);
		fputc('}', f);
	}
	fprintf(f, "], \"history_dropped\": %llu", (unsigned long long)e->history_dropped);
	fputs(", \"collector\": {\"kind\": ", f);
	json_string(f, e->gc.kind);
	for (int i = 0; i < e->gc.nfacts; i++)
		fprintf(f, ", \"%s\": %lld", e->gc.facts[i].key, (long long)e->gc.facts[i].value);
	fputs(", \"why_no_full\": ", f);
	json_string(f, e->gc.why_no_full);
	fputs("}}\n", f);
}

static void explain_step(void *arg, const sim *s, const struct sim_event *ev,
			 const struct sim_step *st)
{
	sim_explainer_step(((struct explain_ctx *)arg)->x, s, ev, st);
}

static void explain_done(void *arg, sim *s)
{
	struct explain_ctx *c = arg;
	struct sim_explanation e;
	struct sim_diag diag = { 0 };

	if (sim_explain(c->x, s, &e, &diag)) {
		errorf("%s", diag.msg);
		c->status = EXIT_USAGE;
		return;
	}
	if (c->json)
		write_json(stdout, &e);
	else
		write_text(stdout, &e);
	sim_explanation_release(&e);
}

static void explain_usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim explain [options] TRACE ID\n"
		"\n"
		"Replay TRACE up to a step and say why ID's object is alive there: the\n"
		"shortest chain of references from a root (an ID holding root\n"
		"references), the cache that holds it, or, when no root reaches it, since\n"
		"when it is cyclic garbage and which collection will free it, when.  Also\n"
		"its generation and the collections that moved it there, whether it is\n"
		"tracked and why, and why no full collection ran since the last one.\n"
		"A dead ID: when it died, and how.\n"
		"\n");
	cli_help(f, explain_options);
}

int cmd_explain(int argc, char **argv)
{
	struct common_opts o = { 0 };
	struct explain_ctx c = { NULL, 0, EXIT_PASS };
	struct cli_parser p;
	uint64_t at = 0;
	int opt, r;

	cli_parser_init(&p, "explain", explain_options);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		if ((r = until_option(&o, &at, opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case OPT_FORMAT: {
			static const char *const formats[] = { "text", "json" };

			if ((c.json = format_choice("explain", optarg, formats, 2)) < 0)
				return EXIT_USAGE;
			break;
		}
		case 'h':
			explain_usage(stdout);
			return EXIT_PASS;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 2) {
		errorf("explain takes a TRACE and an ID (see gcsim explain --help)");
		return EXIT_USAGE;
	}
	c.x = sim_explainer_new(argv[optind + 1]);
	int status = replay_until(argv[optind], &o, at, explain_step, explain_done, &c);
	sim_explainer_free(c.x);
	return status != EXIT_PASS ? status : c.status;
}

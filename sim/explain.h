/*
 * explain.h - why an object is alive, or why it still waits: `gcsim
 * explain`.
 *
 * An explainer follows one ID through a replay, step by step: when it
 * was bound, the collections its object survived and where they moved
 * it, when it was tracked, untracked, frozen, when no root reached it
 * any more, and when it died.  Asked at some step, it answers: the
 * shortest chain of references from a root, or the garbage that holds
 * it and the collection that will free it, its generation and why, and,
 * from the profile's collector, why no full collection has run since
 * the last one.
 *
 * The collector's part is one table of functions per collector
 * (explain.c, struct collector_ops): what it watches after each step,
 * and how it says when a generation will be collected.  The generational
 * collector (3.11 to 3.13, 3.14.5+) speaks of counts, thresholds and the
 * long-lived brake; another collector adds its own entry.
 *
 * Ownership: sim_explainer_new() returns an explainer the caller frees
 * with sim_explainer_free().  sim_explain() fills a struct
 * sim_explanation the caller releases with sim_explanation_release(); its
 * strings are borrowed from the simulator (valid until the next event is
 * replayed) or from the explainer.
 */
#ifndef GCSIM_EXPLAIN_H
#define GCSIM_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef struct sim_explainer sim_explainer;

enum sim_x_state {
	SIM_X_REACHABLE,   /* a chain of references from a root holds it */
	SIM_X_CACHED,      /* a cache holds it for good */
	SIM_X_GARBAGE,     /* alive, but no root reaches it */
	SIM_X_DEAD,        /* freed */
};

/* One object on the chain from a root, and how the one before holds it. */
struct sim_xlink {
	const char *id;    /* NULL: an instance's __dict__ */
	int type;          /* enum sim_type */
	const char *via;   /* "root", "item", "value", "member", "attribute", "__dict__" */
	int64_t index;     /* via "item": its index; else -1 */
};

/* Who holds a reference to the object. */
struct sim_xholder {
	const char *id;    /* the holder's ID (a root: the ID holding it); NULL: a __dict__ */
	int type;          /* the holder's type; -1 for a root reference */
	uint32_t count;    /* references it holds */
};

enum sim_xevent_kind {
	SIM_XE_BORN,       /* alloc: gen_to is where it started */
	SIM_XE_TRACKED,    /* a dict's first reference to something tracked */
	SIM_XE_PROMOTED,   /* a collection of generation cgen moved it gen_from -> gen_to */
	SIM_XE_UNTRACKED,  /* a collection of generation cgen untracked it */
	SIM_XE_FROZEN,     /* gc freeze: to the permanent generation */
	SIM_XE_UNFROZEN,   /* gc unfreeze: to generation 2 */
	SIM_XE_UNREACHABLE,/* no root reaches it any more */
	SIM_XE_REACHABLE,  /* a root reaches it again */
};

struct sim_xevent {
	enum sim_xevent_kind kind;
	uint64_t step;
	unsigned long line;
	int gen_from, gen_to, cgen;
};

#define SIM_X_HISTORY 48   /* events kept: the first half and the latest */
#define SIM_X_FACTS 24
#define SIM_X_HOLDERS 16

/* The collector's own figures and sentences. */
struct sim_xcollector {
	const char *kind;             /* "generational" or "incremental" */
	char when[600];               /* garbage: when the collection that frees it runs */
	char why_no_full[900];        /* why no full collection ran since the last one */
	struct { const char *key; int64_t value; } facts[SIM_X_FACTS];
	int nfacts;
};

struct sim_explanation {
	const char *id;
	uint64_t step;                /* the step the answer is for */
	enum sim_x_state state;
	int type;                     /* enum sim_type */
	int64_t refcnt;
	int cached, immortal, interned;
	const char *cache;            /* which cache holds it, or NULL */
	uint64_t alloc_step;
	unsigned long alloc_line;
	/* SIM_X_DEAD */
	uint64_t died_step;
	unsigned long died_line;
	int died_by_collector;        /* else by reference counting */
	int died_gen;                 /* the collection's generation */
	/* SIM_X_REACHABLE: chain[0] is held by root_id's root references */
	struct sim_xlink *chain;
	uint32_t nchain;
	const char *root_id;
	uint32_t root_count;
	/* who holds it now (alive) */
	struct sim_xholder holders[SIM_X_HOLDERS];
	uint32_t nholders, more_holders;
	/* SIM_X_GARBAGE */
	uint64_t garbage_since;
	unsigned long garbage_since_line;
	uint32_t garbage_holders;     /* unreachable objects that reach it, itself included */
	int wait_gen;                 /* the generation whose collection frees it;
					 3: a frozen one holds it, never while frozen */
	int unfreeable;               /* tuples alone hold it: no tp_clear breaks the cycle */
	/* generation and tracking */
	int gen;                      /* 0..2, 3 permanent, -1 untracked */
	int tracked;
	char tracked_why[300];
	uint64_t survived[3];         /* collections of each generation it survived */
	uint64_t last_survived[3];    /* the step of the last one */
	struct sim_xevent history[SIM_X_HISTORY];
	uint32_t nhistory;
	uint64_t history_dropped;     /* events left out between the halves */
	struct sim_xcollector gc;
};

sim_explainer *sim_explainer_new(const char *id);
void sim_explainer_free(sim_explainer *x);

/* Follow one more step of the replay (call after every sim_replay). */
void sim_explainer_step(sim_explainer *x, const sim *s, const struct sim_event *ev,
			const struct sim_step *st);

/*
 * The answer after the last step followed.  SIM_OK, or SIM_EUSAGE with
 * diag's message when the ID was never bound up to that step.
 */
int sim_explain(sim_explainer *x, const sim *s, struct sim_explanation *e,
		struct sim_diag *diag);
void sim_explanation_release(struct sim_explanation *e);

#endif

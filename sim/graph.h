/*
 * graph.h - the heap at one moment as a graph: its objects (or those
 * within some references of one), the references between them with
 * their multiplicity, the program's root references, and which objects
 * no root reaches (cyclic garbage, or held by it).  `gcsim graph` draws
 * it.
 *
 * Ownership: sim_graph_build() fills a struct sim_graph the caller
 * releases with sim_graph_release().  Its strings (IDs, str and bytes
 * values) are borrowed from the simulator: valid until it replays the
 * next event.
 */
#ifndef GCSIM_GRAPH_H
#define GCSIM_GRAPH_H

#include <stdint.h>

#include "sim.h"

enum {
	SIM_GEN_UNTRACKED = -1,
	SIM_GEN_PERMANENT = 3,      /* frozen: gc.freeze() */
};

enum {
	SIM_GN_CACHED = 1u << 0,    /* owned by a cache (small int, singleton, interned str) */
	SIM_GN_IMMORTAL = 1u << 1,  /* PEP 683: the refcount never moves */
	SIM_GN_GARBAGE = 1u << 2,   /* no root reaches it: only the collector frees it */
	SIM_GN_INTERNED = 1u << 3,  /* a str in the interned table */
	SIM_GN_ATTRDICT = 1u << 4,  /* an instance's __dict__, made by CPython (no ID) */
	SIM_GN_BIGINT = 1u << 5,    /* an int whose digits are in s */
	SIM_GN_CENTRE = 1u << 6,    /* the object --around names */
	SIM_GN_FINALIZED = 1u << 7, /* its __del__ has run (gc.is_finalized) */
};

struct sim_gnode {
	uint32_t obj;         /* the object's number in this heap (stable while it lives) */
	const char *id;       /* its first ID; NULL for an instance's __dict__ */
	int type;             /* enum sim_type (a __dict__ is SIM_T_DICT) */
	int gen;              /* 0..2, SIM_GEN_PERMANENT or SIM_GEN_UNTRACKED */
	unsigned flags;       /* SIM_GN_* */
	int64_t refcnt;
	uint32_t roots;       /* root references its IDs hold */
	uint32_t nrefs;       /* references it holds (all of them, shown or not) */
	uint32_t depth;       /* --around: references away from the centre */
	int64_t i;            /* int (not BIGINT), bool; tuple: its length */
	double f;             /* float */
	const char *s;        /* str, bytes, big int digits */
	uint32_t slen;
};

/* from holds count references to to (node indices). */
struct sim_gedge {
	uint32_t from, to;
	uint32_t count;
};

/* An ID holding root references to a node. */
struct sim_groot {
	const char *id;
	uint32_t node;
	uint32_t count;
};

struct sim_graph {
	struct sim_gnode *nodes;
	uint32_t nnodes;
	struct sim_gedge *edges;
	uint32_t nedges;
	struct sim_groot *roots;
	uint32_t nroots;
	uint64_t live;        /* objects in the heap */
	uint64_t garbage;     /* of which no root reaches */
};

struct sim_graph_opts {
	const char *around;   /* NULL: the whole heap; else an ID */
	uint32_t depth;       /* with around: references away, both directions */
	uint64_t max_nodes;   /* a larger graph is an error (0: no cap) */
};

/*
 * The graph now.  SIM_OK, or SIM_EUSAGE with diag's message (no file):
 * around names no live object, or the graph would have more than
 * max_nodes nodes.
 */
int sim_graph_build(const sim *s, const struct sim_graph_opts *o,
		    struct sim_graph *g, struct sim_diag *diag);
void sim_graph_release(struct sim_graph *g);

#endif

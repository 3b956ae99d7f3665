/*
 * names.h - trace IDs and the objects they name, private to the library.
 *
 * A name is a trace ID.  alloc binds it to an object; it holds root
 * references ("ref ID", "del ID"); it dies with its object and is then
 * remembered for a while, so that a later use can say when it died.  Names
 * are numbered by a stable index (0 is "no name"); the table behind them
 * is opaque: nothing outside names.c reads its fields.
 *
 * Ownership: names_new() returns a table the simulator releases with
 * names_free().  A string names_str() returns stays valid while the name
 * is remembered, and in any case until the end of the step it died in.
 */
#ifndef GCSIM_NAMES_H
#define GCSIM_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct sim;
struct names;

struct names *names_new(void);
void names_free(struct names *n);

/* The name spelled id, bound, idle or remembered dead; 0 if unknown. */
uint32_t names_find(const struct names *n, const char *id);
/* The same for the len bytes at id (a token in the reader's buffer). */
uint32_t names_find_n(const struct names *n, const char *id, size_t len);

/* What a name is: its object (0 when dead), its ID, its root references. */
uint32_t names_obj(const struct names *n, uint32_t ix);
const char *names_str(const struct names *n, uint32_t ix);
uint32_t names_roots(const struct names *n, uint32_t ix);
/* Bound to a cached object with no root reference left (see names_set_idle). */
int names_idle(const struct names *n, uint32_t ix);
/* The line it was last bound at. */
uint32_t names_bound_line(const struct names *n, uint32_t ix);
/* When a dead (or idle) name died: its step and source line. */
void names_died(const struct names *n, uint32_t ix, uint64_t *step, uint32_t *line);

/*
 * Bind id to obj with one root reference: a new name (ix 0), or the dead
 * or idle one names_find returned as ix, brought back.  The caller has
 * checked that it is not bound to a live object otherwise.
 */
uint32_t names_bind(struct sim *s, const char *id, uint32_t ix, uint32_t obj);

/* One more root reference; 0, or -1 when the count would overflow. */
int names_add_root(struct names *n, uint32_t ix);
/* One root reference fewer (the caller checked there is one). */
void names_drop_root(struct names *n, uint32_t ix);

/* obj is being freed: every name bound to it dies in this step. */
void names_kill_object(struct sim *s, uint32_t obj);
/* ix's last root reference to a cached object went (see names.c). */
void names_set_idle(struct sim *s, uint32_t ix);
/*
 * obj's function (a finalizer, a weakref callback: see function.c) ran:
 * count one call on every name bound to it.  The count stays with a name
 * after its object dies, and restarts when the ID is bound again.
 */
void names_count_call(struct sim *s, uint32_t obj);
uint32_t names_calls(const struct names *n, uint32_t ix);

/* The first name bound to obj, or NULL. */
const char *names_first(const struct sim *s, uint32_t obj);

/*
 * The names that may hold root references, in no particular order: every
 * name that does, and perhaps names whose roots went to 0 since the last
 * names_prune_rooted (names_roots() tells), each once.
 */
uint32_t names_nrooted(const struct names *n);
uint32_t names_rooted(const struct names *n, uint32_t i);
/* Drop the names that hold no root reference from that list. */
void names_prune_rooted(struct names *n);

/* Names in use: bound, idle or remembered dead. */
uint32_t names_count(const struct names *n);
/* What names_check walks (records, hash slots, ring entries). */
uint64_t names_footprint(const struct names *n);
/* Calls fn for every name bound to a live object, and the dead too if asked. */
void names_each(const struct names *n, int dead_too,
		void (*fn)(void *arg, uint32_t ix), void *arg);

/* The table's own invariants; 0 when sound, else msg says what broke. */
int names_check(const struct names *n, char *msg, size_t sz);

#endif

/*
 * idtab.h - the oracle's bookkeeping: which trace ID names which live
 * object, and what the oracle must remember about each object (root
 * references the trace holds, tuple fill position, instance attributes).
 *
 * Plain C on purpose: the deallocation hooks call idtab_object_died() from
 * inside CPython's tp_dealloc, where nothing may allocate Python objects or
 * run Python code.  Objects are opaque pointers here (the PyObject *).
 *
 * Invariants:
 *  - a binding is alive exactly when its obj is non-NULL, and then it is on
 *    obj's ids list; a dead binding remembers the step its object died at;
 *  - an object record exists exactly while at least one alive binding names
 *    it, and is found by its pointer (so one pointer has at most one record;
 *    a recycled address gets a fresh record at the next alloc);
 *  - attrs[] lists an instance's live attributes in insertion order;
 *  - actions[] (`on` lines) belong to the object and die with its record.
 *
 * Ownership: idtab_new()/idtab_free(); every pointer returned is borrowed
 * from the table and valid until the next call that mutates it.
 */
#ifndef GCSIM_ORACLE_IDTAB_H
#define GCSIM_ORACLE_IDTAB_H

#include <stddef.h>

struct idtab_obj;

struct idtab_binding {
	char *id;
	struct idtab_obj *obj;           /* NULL once the object died */
	unsigned long died_step;         /* valid when obj == NULL */
	struct idtab_binding *next_same; /* next ID naming the same object */
	long called;                     /* runs of the object's function
					    while this ID named it (`expect
					    called`); kept after the death,
					    reset by the next bind */
	struct idtab_binding *hnext;     /* hash chain */
};

struct idtab_attr {
	long index;  /* attribute aINDEX */
	void *value; /* the object it holds (borrowed: the attribute owns it) */
};

/* One action of an `on` line: run when the object's function runs. */
struct idtab_action {
	int action;          /* enum sim_on_action */
	char *args[2];       /* IDs as written ("self" included) */
	int nargs;
	unsigned long line;  /* the `on` line, for messages */
};

struct idtab_obj {
	void *ptr;            /* the PyObject */
	int type;             /* enum sim_type of the alloc that bound it */
	int exact;            /* its refcount is the trace's alone */
	long roots;           /* root references the trace holds */
	long tuple_len;       /* tuple: declared length */
	long tuple_fill;      /* tuple: slots filled so far */
	long next_attr;       /* object: index of the next attribute name */
	struct idtab_attr *attrs;
	size_t nattrs, capattrs;
	struct idtab_action *actions; /* the body of its function, in order */
	size_t nactions, capactions;
	struct idtab_binding *ids;
	struct idtab_obj *hnext;
};

typedef struct idtab idtab;

idtab *idtab_new(void);
void idtab_free(idtab *t);

/* The binding named ID, or NULL if the trace never bound it. */
struct idtab_binding *idtab_lookup(idtab *t, const char *id);

/* The record of the live object at PTR, or NULL. */
struct idtab_obj *idtab_find_obj(idtab *t, const void *ptr);

/*
 * Bind ID to the object at PTR, creating the object record (with TYPE and
 * EXACT) when PTR has none.  The caller has checked that ID is not alive.
 */
struct idtab_binding *idtab_bind(idtab *t, const char *id, void *ptr,
				 int type, int exact);

/*
 * PTR is being deallocated.  When it is a traced object, mark every ID
 * bound to it dead at STEP, append those bindings to the step's freed
 * list and forget the record.  Allocates nothing but C memory.
 */
void idtab_object_died(idtab *t, void *ptr, unsigned long step);

/* The IDs freed since the last idtab_clear_freed(), sorted by ID. */
struct idtab_binding **idtab_freed(idtab *t, size_t *n);
void idtab_clear_freed(idtab *t);

/* Append ATTR to an instance's attribute list. */
void idtab_attr_push(struct idtab_obj *o, long index, void *value);
/* Remove attribute number I (0-based position in attrs[]). */
void idtab_attr_remove(struct idtab_obj *o, size_t i);

/* Append an action with NARGS (at most 2) arguments, copied. */
void idtab_action_push(struct idtab_obj *o, int action,
		       const char *const *args, int nargs,
		       unsigned long line);

/* Every binding ever made, sorted by ID (for the summary); caller frees
 * the array, not the bindings. */
struct idtab_binding **idtab_all_sorted(idtab *t, size_t *n);

#endif

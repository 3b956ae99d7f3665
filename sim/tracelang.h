/*
 * tracelang.h - the words of the trace language, each written once.
 *
 * Every list below is an X-macro: the enums in trace.h, both readers' name
 * tables, arity checks, JSON keys and usage messages (trace_text.c,
 * trace_json.c) and both writers are all expanded from it, so a new event,
 * type, gc action, expect form or setting is one line here (and its
 * handling).
 *
 *   SIM_OP_LIST(X)      X(ENUM, name, min, max, args, keys)
 *   SIM_TYPE_LIST(X)    X(ENUM, name, value)
 *   SIM_GC_LIST(X)      X(ENUM, name, min, max, args, vmax)
 *   SIM_EXPECT_LIST(X)  X(ENUM, name, flags, args, what, max)
 *   SIM_SETTING_LIST(X) X(ENUM, name, min, max, args, vmax)
 *   SIM_ON_LIST(X)      X(ENUM, name, nargs, args)
 *
 * min and max bound the arguments a text line gives after the word (an
 * op's own, a gc action's or a setting's numbers), args is the usage the
 * "takes ..." messages quote, vmax bounds each number a gc action or a
 * setting takes, and keys are the JSON keys an op's object may hold besides
 * "op", space-separated (expect forms and gc actions narrow them: see
 * below; a setting's key is its name).
 *
 * An expect form's flags say what it takes, in text order: X_ID, X_ID2
 * (a second ID), X_FLTYPE (a free-list type), X_NUM, X_NUM3 (one or three
 * numbers).  Its JSON keys follow from them: "id" (or "ids", an array of
 * two, with X_ID2), "type", "value", "values".  what names its number in
 * messages and max bounds it.
 */
#ifndef GCSIM_TRACELANG_H
#define GCSIM_TRACELANG_H

#include <limits.h>

/* pack ID ITEM...: a tuple of 1 to SIM_PACK_MAX existing objects. */
#define SIM_PACK_MAX 16

#define SIM_OP_LIST(X)                                                       \
	X(ALLOC, "alloc", 2, 3, "ID TYPE [VALUE]", "id type value")          \
	X(REF, "ref", 1, 2, "SRC [DST]", "src dst id")                       \
	X(UNREF, "unref", 1, 2, "SRC [DST]", "src dst id")                   \
	X(DEL, "del", 1, 1, "ID", "id")                                      \
	X(COLLECT, "collect", 0, 1, "[GEN]", "gen")                          \
	X(GC, "gc", 1, 4, "ACTION [ARGS]", "action values")                  \
	X(EXPECT, "expect", 1, 5, "KIND ARGS...", "kind id ids type value values") \
	X(SETTING, "setting", 1, 4, "SETTING ARGS...", "python threshold") \
	X(PACK, "pack", 2, SIM_PACK_MAX + 1, "ID ITEM...", "id items")      \
	X(WEAKREF, "weakref", 2, 3, "ID TARGET [CALLBACK]", "id target callback") \
	X(ON, "on", 2, 4, "ID ACTION ARGS...", "id do args")

/*
 * A type's value column says what follows it in "alloc ID TYPE [VALUE]":
 * TV_NONE nothing, TV_LENGTH an optional tuple length, TV_VALUE a value
 * the type decodes (both readers parse it their way), TV_OP nothing: the
 * type is made by an op of its own, never by alloc.
 */
#define SIM_TYPE_LIST(X)                                                     \
	X(NONE, "none", TV_NONE) X(BOOL, "bool", TV_VALUE)                   \
	X(INT, "int", TV_VALUE) X(FLOAT, "float", TV_VALUE)                  \
	X(STR, "str", TV_VALUE) X(BYTES, "bytes", TV_VALUE)                  \
	X(TUPLE, "tuple", TV_LENGTH) X(LIST, "list", TV_NONE)                \
	X(DICT, "dict", TV_NONE) X(SET, "set", TV_NONE)                      \
	X(OBJECT, "object", TV_NONE) X(GCOBJ, "gcobj", TV_NONE)              \
	X(DELOBJ, "delobj", TV_NONE) X(LEGACYOBJ, "legacyobj", TV_NONE)      \
	X(WEAKREF, "weakref", TV_OP)

#define SIM_GC_LIST(X)                                                       \
	X(ENABLE, "enable", 0, 0, NULL, 0)                                   \
	X(DISABLE, "disable", 0, 0, NULL, 0)                                 \
	X(THRESHOLD, "threshold", 1, 3, "T0 [T1 [T2]]", INT_MAX)             \
	X(FREEZE, "freeze", 0, 0, NULL, 0)                                   \
	X(UNFREEZE, "unfreeze", 0, 0, NULL, 0)                               \
	X(SAFEPOINT, "safepoint", 0, 0, NULL, 0)                             \
	X(SAVEALL, "saveall", 1, 1, "0|1", 1)                                \
	X(CLEARGARBAGE, "cleargarbage", 0, 0, NULL, 0)                       \
	X(CALLBACK, "callback", 1, 1, "0|1", 1)

#define SIM_EXPECT_LIST(X)                                                   \
	X(REFCNT, "refcnt", X_ID | X_NUM, "ID N", "refcount", LONG_MAX)      \
	X(ALIVE, "alive", X_ID, "ID", NULL, 0)                               \
	X(FREED, "freed", X_ID, "ID", NULL, 0)                               \
	X(TRACKED, "tracked", X_ID, "ID", NULL, 0)                           \
	X(UNTRACKED, "untracked", X_ID, "ID", NULL, 0)                       \
	X(GEN, "gen", X_ID | X_NUM, "ID G", "generation", 2)                 \
	X(SAME, "same", X_ID | X_ID2, "ID ID", NULL, 0)                      \
	X(COUNT, "count", X_NUM3, "C0 C1 C2", "count", LONG_MAX)             \
	X(COLLECTIONS, "collections", X_NUM3, "K0 K1 K2", "collection count", LONG_MAX) \
	X(COLLECTED, "collected", X_NUM, "N", "collected count", LONG_MAX)   \
	X(FREELIST, "freelist", X_FLTYPE | X_NUM, "TYPE N", "free list length", LONG_MAX) \
	X(FINALIZED, "finalized", X_ID, "ID", NULL, 0)                       \
	X(UNFINALIZED, "unfinalized", X_ID, "ID", NULL, 0)                   \
	X(CLEARED, "cleared", X_ID, "W", NULL, 0)                            \
	X(REFERENT, "referent", X_ID | X_ID2, "W ID", NULL, 0)               \
	X(CALLED, "called", X_ID | X_NUM, "ID N", "call count", LONG_MAX)    \
	X(GARBAGE, "garbage", X_NUM, "N", "gc.garbage length", LONG_MAX)     \
	X(FROZEN, "frozen", X_NUM, "N", "frozen count", LONG_MAX)            \
	X(UNCOLLECTABLE, "uncollectable", X_NUM, "N", "uncollectable count", LONG_MAX) \
	X(STATS, "stats", X_NUM3, "G C U", "count", LONG_MAX)

/* Lines "#: python 3.12", "#: threshold 700 10": settings, not steps. */
#define SIM_SETTING_LIST(X)                                                  \
	X(PYTHON, "python", 1, 1, "VERSION", 0)                              \
	X(THRESHOLD, "threshold", 1, 3, "T0 [T1 [T2]]", INT_MAX)

/*
 * What "on ID ACTION ARGS..." adds to the body of ID's function (a
 * finalizer, or a gcobj called as a weakref callback); nargs IDs follow,
 * where "self" names the function's argument.
 */
#define SIM_ON_SELF "self"
#define SIM_ON_LIST(X)                                                       \
	X(REF, "ref", 2, "SRC DST")                                          \
	X(UNREF, "unref", 2, "SRC DST")                                      \
	X(BIND, "bind", 2, "NAME OBJ")                                       \
	X(DEL, "del", 1, "NAME")

#endif

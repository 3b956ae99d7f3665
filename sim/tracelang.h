/*
 * tracelang.h - the words of the trace language, each written once.
 *
 * Every list below is an X-macro: the enums in trace.h, the reader's name
 * tables and expect forms in trace.c, and the messages that list the
 * choices are all expanded from it, so a new event, type, gc action or
 * expect form is one line here (and its handling).
 *
 *   SIM_OP_LIST(X)      X(ENUM, name, usage)
 *   SIM_TYPE_LIST(X)    X(ENUM, name)
 *   SIM_GC_LIST(X)      X(ENUM, name)
 *   SIM_EXPECT_LIST(X)  X(ENUM, name, args, usage, what, max)
 *
 * An expect form's args are flags the reader defines (X_ID, X_ID2,
 * X_FLTYPE, X_NUM, X_NUM3: the IDs, free-list type and numbers it takes,
 * in text order), what names its number in messages and max bounds it.
 */
#ifndef GCSIM_TRACELANG_H
#define GCSIM_TRACELANG_H

#define SIM_OP_LIST(X)                                                       \
	X(ALLOC, "alloc", "alloc ID TYPE [VALUE]")                           \
	X(REF, "ref", "ref SRC DST, or ref ID (a root reference)")           \
	X(UNREF, "unref", "unref SRC DST")                                   \
	X(DEL, "del", "del ID, or unref ID")                                 \
	X(COLLECT, "collect", "collect [GEN]")                               \
	X(GC, "gc", "gc ACTION [ARGS]")                                      \
	X(EXPECT, "expect", "expect KIND ARGS... (not a step)")              \
	X(SETTING, "setting", "#: python X, #: threshold T0 [T1 [T2]] (not a step)")

#define SIM_TYPE_LIST(X)                                                     \
	X(NONE, "none") X(BOOL, "bool") X(INT, "int") X(FLOAT, "float")      \
	X(STR, "str") X(BYTES, "bytes") X(TUPLE, "tuple") X(LIST, "list")    \
	X(DICT, "dict") X(SET, "set") X(OBJECT, "object")                   \
	X(GCOBJ, "gcobj")

#define SIM_GC_LIST(X)                                                       \
	X(ENABLE, "enable") X(DISABLE, "disable") X(THRESHOLD, "threshold")  \
	X(FREEZE, "freeze") X(UNFREEZE, "unfreeze")                          \
	X(SAFEPOINT, "safepoint")

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
	X(FREELIST, "freelist", X_FLTYPE | X_NUM, "TYPE N", "free list length", LONG_MAX)

#endif

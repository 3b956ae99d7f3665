/*
 * trace.h - the trace language: its reader, text (.trace), JSON arrays
 * (.json) and JSON lines (.jsonl), or standard input ("-"), turned into a
 * stream of events, and its writers, an event back into either form.
 *
 * The reader checks everything that can be checked from one event alone:
 * syntax, event names, arity, types, values, ID syntax, expect forms.  What
 * needs the heap (dead IDs, ref from a non-container, ...) is the replay's
 * job.  It streams: memory does not grow with the length of the input.
 *
 * Ownership: sim_reader_open() and sim_reader_open_mem() return a reader
 * the caller releases with sim_reader_free().  Every pointer inside a
 * struct sim_event is borrowed from the reader and stays valid until the
 * next sim_reader_next() call.  The writers fill the caller's buffer.
 */
#ifndef GCSIM_TRACE_H
#define GCSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "tracelang.h"

#define SIM_ID_MAX 255          /* longest ID, in bytes */
#define SIM_TUPLE_MAX 100000000 /* longest tuple a trace may allocate */
#define SIM_VERSION_MAX 31      /* longest "#: python" value, in bytes */

/* The enums come from the lists in tracelang.h, one constant per word. */
#define SIM_ENUM_OP(e, name, min, max, args, keys) SIM_OP_##e,
enum sim_op { SIM_OP_LIST(SIM_ENUM_OP) };
#undef SIM_ENUM_OP

#define SIM_ENUM_TYPE(e, name, value) SIM_T_##e,
enum sim_type {
	SIM_TYPE_LIST(SIM_ENUM_TYPE)
	SIM_T_COUNT_ /* number of types a trace can name */
};
#undef SIM_ENUM_TYPE

#define SIM_ENUM_GC(e, name, min, max, args, vmax) SIM_GC_##e,
enum sim_gc_action { SIM_GC_LIST(SIM_ENUM_GC) };
#undef SIM_ENUM_GC

#define SIM_ENUM_EXPECT(e, name, args, usage, what, max) SIM_EXPECT_##e,
enum sim_expect_kind { SIM_EXPECT_LIST(SIM_ENUM_EXPECT) };
#undef SIM_ENUM_EXPECT
#define SIM_COUNT_EXPECT(e, name, args, usage, what, max) + 1
enum { SIM_EXPECT_KINDS = 0 SIM_EXPECT_LIST(SIM_COUNT_EXPECT) };
#undef SIM_COUNT_EXPECT

/* PYTHON: setting_str, the profile name; THRESHOLD: nums[0..nnums). */
#define SIM_ENUM_SETTING(e, name, min, max, args, vmax) SIM_SET_##e,
enum sim_setting { SIM_SETTING_LIST(SIM_ENUM_SETTING) };
#undef SIM_ENUM_SETTING

#define SIM_ENUM_ON(e, name, nargs, args) SIM_ON_##e,
enum sim_on_action { SIM_ON_LIST(SIM_ENUM_ON) };
#undef SIM_ENUM_ON

/* A value as written in an alloc event, already decoded. */
struct sim_value {
	int has;             /* 0 when the event gave no value */
	int64_t i;           /* int (when fits), bool (0/1), tuple length */
	int fits;            /* int: the value fits in i */
	const char *digits;  /* int: canonical decimal ("-12", "0"), always set */
	double f;            /* float */
	const char *s;       /* str: UTF-8; bytes: raw bytes (may hold NUL) */
	size_t len;          /* length of s in bytes */
};

struct sim_event {
	enum sim_op op;
	unsigned long line;  /* 1-based source line of the event */
	unsigned long col;   /* 1-based column of the event's first token */
	unsigned long index; /* 0-based index among the input's records
	                        (JSON: the array element or line object) */

	const char *id;  /* alloc, del, ref, weakref, on ID; ref/unref: SRC */
	const char *dst; /* ref/unref SRC DST (NULL for a root ref);
			    weakref ID TARGET: TARGET */
	size_t id_len, dst_len, id2_len; /* strlen of id, dst, id2 (0 if NULL) */
	unsigned long id_col;  /* column of ID / SRC (text) for diagnostics */
	unsigned long dst_col; /* column of DST (text) for diagnostics */

	enum sim_type type;    /* alloc */
	struct sim_value value;

	int gen;               /* collect: 0..2 */
	enum sim_gc_action action;
	long nums[3];          /* gc threshold, expect numbers, setting */
	int nnums;

	enum sim_expect_kind expect;
	const char *id2;       /* expect same/referent: the second ID;
				  weakref: CALLBACK (NULL when none) */
	int fl_type;           /* expect freelist: SIM_T_LIST, _DICT, _FLOAT, _TUPLE */
	int fl_size;           /* expect freelist tuple:K: K (1..20) */

	enum sim_setting setting;
	const char *setting_str;

	enum sim_on_action on_action; /* on ID ACTION ARGS...: ACTION */

	/* pack ID ITEM...: the items, in order (ID is id); on: ARGS */
	const char *items[SIM_PACK_MAX];
	size_t item_lens[SIM_PACK_MAX];
	unsigned long item_cols[SIM_PACK_MAX]; /* text columns */
	int nitems;
};

enum sim_format {
	SIM_FMT_AUTO,  /* by extension; standard input is sniffed */
	SIM_FMT_TEXT,
	SIM_FMT_JSON,
	SIM_FMT_JSONL,
	SIM_FMT_SNIFF, /* by the first character, as standard input is */
};

/*
 * The format a path's extension names, for reading and writing alike:
 * ".json" a JSON array, ".jsonl" JSON lines (in any case), else text.
 */
enum sim_format sim_format_of_path(const char *path);

typedef struct sim_reader sim_reader;

/*
 * Open PATH ("-" for standard input).  Returns SIM_OK, or SIM_EIO with
 * diag filled when the file cannot be opened.
 */
int sim_reader_open(sim_reader **out, const char *path, enum sim_format fmt,
		    struct sim_diag *diag);

/*
 * Read the LEN bytes at DATA, which the reader copies: NAME stands for the
 * input in diagnostics, and SIM_FMT_AUTO sniffs the format as for standard
 * input.  Cannot fail.
 */
sim_reader *sim_reader_open_mem(const char *name, const void *data,
				size_t len, enum sim_format fmt);

/*
 * Read the next event into *ev.  Returns SIM_OK, SIM_EOF at the end,
 * SIM_ETRACE (invalid input) or SIM_EIO, with diag filled.  After an
 * error the reader must not be used again except to free it.
 */
int sim_reader_next(sim_reader *r, struct sim_event *ev, struct sim_diag *diag);

/*
 * What `gcsim record` logged of the real collector: `# real-gc` comments,
 * "# real-gc after-event E collections K0 K1 K2 collected C0 C1 C2", each
 * cumulative since the recording began.  sim_recorded_parse reads one such
 * line (len bytes; 1 when it is one, else 0 and *out untouched);
 * sim_reader_recorded gives the last one a text reader passed so far.
 */
struct sim_recorded {
	int has;
	uint64_t after_event;
	uint64_t collections[3], collected[3];
};
int sim_recorded_parse(const char *line, size_t len, struct sim_recorded *out);
void sim_reader_recorded(const sim_reader *r, struct sim_recorded *out);

/* Bytes consumed so far and the input's size (0 when unknown). */
uint64_t sim_reader_offset(const sim_reader *r);
uint64_t sim_reader_size(const sim_reader *r);

/* The path as given, for diagnostics ("<stdin>" for "-"). */
const char *sim_reader_path(const sim_reader *r);

void sim_reader_free(sim_reader *r);

/*
 * The writers: ev as one line of the text form, or as one JSON object (a
 * .jsonl line, a .json array element), with no newline.  As snprintf, they
 * write at most sz bytes, a NUL included (nothing when sz is 0), and
 * return the length of the whole, so a return >= sz says the buffer was
 * too small.  Reading what they wrote gives ev back (the ID lengths and
 * the positions aside).  An event the reader cannot have produced (an
 * unknown op, an ID that is not one) is a bug of the caller: assert.
 */
size_t sim_event_text(char *buf, size_t sz, const struct sim_event *ev);
size_t sim_event_json(char *buf, size_t sz, const struct sim_event *ev);

/*
 * The text form for display: as sim_event_text, but a str or bytes value
 * shows at most its first 40 bytes (cut between characters) and an int at
 * most 60 digits, so the result is not always a valid trace line.
 */
size_t sim_event_brief(char *buf, size_t sz, const struct sim_event *ev);

/*
 * A float as both forms write it: nan, inf, -inf, or the fewest
 * significant digits that read back as the same double.
 */
size_t sim_float_text(char *buf, size_t sz, double f);

/* Names used in traces and output: "list", "tuple", "enable", ... */
const char *sim_type_name(enum sim_type t);
const char *sim_op_name(enum sim_op op);
const char *sim_gc_action_name(enum sim_gc_action a);
const char *sim_expect_name(enum sim_expect_kind k);
const char *sim_on_action_name(enum sim_on_action a);
/* What an expect form takes after its kind, as messages quote it: "ID N". */
const char *sim_expect_usage(enum sim_expect_kind k);

#endif

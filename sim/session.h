/*
 * session.h - one replay of one trace: the reader, the settings prologue,
 * the simulator, expect lines, --stress and --check, as every command and
 * the unit tests run them.
 *
 * A trace may open with settings lines (#: python, #: threshold).  The
 * session reads them first; then the options given here override them,
 * and they override the profile's defaults (command line > file >
 * profile).  With skip_other_python, a trace written for another version
 * than the one asked for is not replayed at all (sim_session_skipped).
 *
 * Ownership: sim_session_open() returns a session the caller releases
 * with sim_session_close(), which frees the simulator too unless the
 * caller lent it (sim_session_open_on).  Items are borrowed until the
 * next sim_session_next() call.
 */
#ifndef GCSIM_SESSION_H
#define GCSIM_SESSION_H

#include <stdint.h>

#include "sim.h"

typedef struct sim_session sim_session;

struct sim_session_opts {
	const char *python;        /* the profile; NULL: the file's, else the default */
	long threshold[3];         /* used where has_threshold[i] */
	int has_threshold[3];
	int check;                 /* verify the heap as it replays (sim_check_step) */
	int stress;                /* a full collection after every event; expect lines unchecked */
	int census;                /* sample how long cyclic garbage waits */
	int skip_other_python;     /* a file for another version than python: skip it */
	enum sim_format format;    /* SIM_FMT_AUTO: by extension, stdin sniffed */
	const char *name;          /* the input's name in diagnostics; NULL: its path */
};

enum sim_item_kind {
	SIM_ITEM_STEP,   /* an event replayed: step says what it did */
	SIM_ITEM_EXPECT, /* an expect line: ok, msg (checked == 0 under --stress) */
};

struct sim_item {
	enum sim_item_kind kind;
	struct sim_event ev;
	struct sim_step step;
	int checked;     /* EXPECT: evaluated (not under --stress) */
	int ok;          /* EXPECT: it held */
	char msg[600];   /* EXPECT: what was expected and found, when not */
};

/*
 * Open path ("-": standard input) and read its settings.  SIM_OK, or
 * SIM_EIO (unreadable), SIM_ETRACE (a bad settings line or an error before
 * the first event) or SIM_EUSAGE (opts name no profile) with diag filled.
 */
int sim_session_open(sim_session **out, const char *path,
		     const struct sim_session_opts *opts, struct sim_diag *diag);

/*
 * The same over a reader the caller opened (sim_reader_open_mem: a buffer
 * in memory), which the session owns from then on, even when this fails;
 * opts->format is the reader's business then.
 */
int sim_session_open_reader(sim_session **out, sim_reader *r,
			    const struct sim_session_opts *opts,
			    struct sim_diag *diag);

/*
 * The same over a simulator the caller made and keeps: settings lines are
 * applied to it (sim_apply_setting) instead of choosing a new one.
 */
int sim_session_open_on(sim_session **out, sim *s, const char *path,
			const struct sim_session_opts *opts, struct sim_diag *diag);

void sim_session_close(sim_session *ss);

/* The last `# real-gc` comment read so far (sim_reader_recorded). */
void sim_session_recorded(const sim_session *ss, struct sim_recorded *out);

/*
 * The next step or expect line.  SIM_OK with *it filled; SIM_EOF at the
 * end (after the final full check under --check); SIM_ETRACE or SIM_EIO
 * with diag filled; SIM_EINTERNAL when --check found a broken invariant.
 * An expect line that cannot apply (an unknown ID) is SIM_ETRACE.
 */
int sim_session_next(sim_session *ss, struct sim_item *it, struct sim_diag *diag);

/* The simulator (NULL for a skipped trace). */
sim *sim_session_sim(const sim_session *ss);
/* Why the trace is not replayed ("written for python 3.11"), or NULL. */
const char *sim_session_skipped(const sim_session *ss);
/* The input's name as diagnostics give it. */
const char *sim_session_name(const sim_session *ss);
/* Bytes read so far, and the input's size (0 when unknown), for progress. */
uint64_t sim_session_offset(const sim_session *ss);
uint64_t sim_session_size(const sim_session *ss);

#endif

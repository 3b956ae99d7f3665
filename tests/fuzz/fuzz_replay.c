/*
 * fuzz_replay.c - a libFuzzer target over the trace reader and the replay:
 * the input is a trace in any of the three forms (sniffed from its first
 * character, as for standard input), replayed through the library's
 * session (sim_session_open_reader over the buffer, the same loop every
 * command runs) under every profile with --check (the heap verified after
 * each step and at the end), expect lines evaluated, and once more under
 * stress (a full collection after every event).
 *
 * Invalid input is the normal case and ends a run quietly.  A heap check
 * that fails (SIM_EINTERNAL) is a gcsim bug: the target aborts, and
 * libFuzzer keeps the input.  Linked with tests/fuzz/fuzz_main.c instead of
 * libFuzzer, the same function replays saved inputs in any build, for
 * CTest.
 *
 * Compressed input (sim/compress.c, under a reader opened on a file) is
 * not reached from memory: its decoding is zlib's and libzstd's, and
 * gcsim's part of it (magic numbers, members and frames, truncation,
 * corrupt data) is tested by tests/cli/compress_test.sh, under ASan too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "session.h"
#include "sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const struct sim_profile *p, int stress,
		   const struct sim_diag *d)
{
	fprintf(stderr, "fuzz_replay: python %s%s: %s:%lu: %s\n", p->name,
		stress ? " --stress" : "", d->file, d->line, d->msg);
	abort();
}

/*
 * One replay through the library's session, as `gcsim run --check
 * --python P` makes it: settings before the first event give the
 * thresholds (the profile is P whatever the trace says), every step is
 * replayed and the heap checked, expect lines evaluated, until the end or
 * the first error.
 */
static void replay(const uint8_t *data, size_t size,
		   const struct sim_profile *p, int stress)
{
	struct sim_session_opts o = {
		.python = p->name,
		.check = 1,
		.stress = stress,
		.census = 1,
		.name = "<fuzz>",
	};
	struct sim_item it;
	struct sim_diag d;
	sim_session *ss;
	int rc;

	rc = sim_session_open_reader(&ss, sim_reader_open_mem("<fuzz>", data, size,
							       SIM_FMT_AUTO),
				     &o, &d);
	if (rc == SIM_EINTERNAL)
		broken(p, stress, &d);
	if (rc)
		return;
	while ((rc = sim_session_next(ss, &it, &d)) == SIM_OK)
		;
	if (rc == SIM_EINTERNAL)
		broken(p, stress, &d);
	sim_session_close(ss);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sim_profile *const *p;

	for (p = sim_profiles(); *p; p++)
		replay(data, size, *p, 0);
	replay(data, size, sim_profile_default(), 1);
	return 0;
}

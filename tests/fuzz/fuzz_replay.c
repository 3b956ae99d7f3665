/*
 * fuzz_replay.c - a libFuzzer target over the trace reader and the replay:
 * the input is a trace in any of the three forms (sniffed from its first
 * character, as for standard input), read to its end and, while it stays
 * valid, replayed under every profile with the heap verified after each
 * step, expect lines evaluated, and once more under stress (a full
 * collection after every event).
 *
 * Invalid input is the normal case and ends a run quietly.  A heap that
 * fails sim_heap_check is a gcsim bug: the target aborts, and libFuzzer
 * keeps the input.  Linked with tests/fuzz/fuzz_main.c instead of
 * libFuzzer, the same function replays saved inputs in any build, for
 * CTest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const struct sim_profile *p, int stress,
		   const struct sim_event *ev, const char *msg)
{
	fprintf(stderr, "fuzz_replay: python %s%s, line %lu: heap check failed: %s\n",
		p->name, stress ? " --stress" : "", ev->line, msg);
	abort();
}

/*
 * One replay, as `gcsim run --check` does it: settings before the first
 * event give the thresholds (a python setting is ignored: every profile
 * runs), then every event is replayed or checked until the end or the
 * first error.
 */
static void replay(const uint8_t *data, size_t size,
		   const struct sim_profile *p, int stress)
{
	sim_reader *r = sim_reader_open_mem("<fuzz>", data, size,
					     SIM_FMT_AUTO);
	struct sim_config cfg;
	struct sim_event ev;
	struct sim_step st;
	struct sim_diag d;
	char msg[512];
	sim *s = NULL;
	int rc, k;

	memset(&cfg, 0, sizeof(cfg));
	cfg.python = p->name;
	cfg.check = 1;
	cfg.stress = stress;
	cfg.census = 1;
	while ((rc = sim_reader_next(r, &ev, &d)) == SIM_OK) {
		if (ev.op == SIM_OP_SETTING) {
			if (s)
				break;  /* settings after an event: invalid */
			if (ev.setting == SIM_SET_THRESHOLD)
				for (k = 0; k < ev.nnums && k < 3; k++) {
					cfg.threshold[k] = ev.nums[k];
					cfg.has_threshold[k] = 1;
				}
			continue;
		}
		if (!s && sim_new(&s, &cfg, &d) != SIM_OK)
			break;
		if (ev.op == SIM_OP_EXPECT) {
			if (!stress && sim_expect(s, &ev, msg, sizeof(msg), &d) < 0)
				break;
			continue;
		}
		if (sim_replay(s, &ev, &st, &d) != SIM_OK)
			break;
		if (sim_heap_check(s, msg, sizeof(msg)))
			broken(p, stress, &ev, msg);
	}
	sim_free(s);
	sim_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sim_profile *const *p;

	for (p = sim_profiles(); *p; p++)
		replay(data, size, *p, 0);
	replay(data, size, sim_profile_default(), 1);
	return 0;
}

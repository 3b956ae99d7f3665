/*
 * session.c - one replay of one trace, as every command and the unit
 * tests run it (see session.h): the settings prologue and its precedence,
 * version skipping, expect lines, --stress and --check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "state.h"

struct sim_session {
	sim_reader *r;
	sim *s;
	int owns_sim;
	int stress, check;
	int pending;               /* ev holds the first event, read ahead */
	int done;
	struct sim_event ev;
	char name[SIM_DIAG_FILE_MAX];
	char skipped[64 + SIM_VERSION_MAX];
};

/*
 * Name the input in a diagnostic: the simulator leaves the file out, and
 * the reader gives its path where the caller may have another name.
 */
static int in_file(const sim_session *ss, struct sim_diag *diag, int rc)
{
	if (!diag->file[0] || strcmp(diag->file, sim_reader_path(ss->r)) == 0)
		snprintf(diag->file, sizeof(diag->file), "%s", ss->name);
	return rc;
}

/* A session over the reader r, which it owns from now on. */
static sim_session *session_over(sim_reader *r, const struct sim_session_opts *o)
{
	sim_session *ss = sim_xcalloc(1, sizeof(*ss));

	ss->r = r;
	snprintf(ss->name, sizeof(ss->name), "%s", o->name ? o->name : sim_reader_path(r));
	ss->stress = o->stress;
	ss->check = o->check;
	return ss;
}

static int session_new(sim_session **out, const char *path,
		       const struct sim_session_opts *o, struct sim_diag *diag)
{
	sim_reader *r;
	int rc = sim_reader_open(&r, path, o->format, diag);

	*out = NULL;
	if (rc) {
		if (o->name)
			snprintf(diag->file, sizeof(diag->file), "%s", o->name);
		return rc;
	}
	*out = session_over(r, o);
	return SIM_OK;
}

/*
 * Read the settings lines up to the first event (kept for the first
 * sim_session_next), then make the simulator: options over the file's
 * settings over the profile.
 */
static int prologue(sim_session *ss, const struct sim_session_opts *o,
		    struct sim_diag *diag)
{
	char file_python[SIM_VERSION_MAX + 1] = "";
	long file_threshold[3] = { 0 };
	int nthreshold = 0, rc;

	while ((rc = sim_reader_next(ss->r, &ss->ev, diag)) == SIM_OK &&
	       ss->ev.op == SIM_OP_SETTING) {
		if (ss->ev.setting == SIM_SET_PYTHON) {
			snprintf(file_python, sizeof(file_python), "%s", ss->ev.setting_str);
			if (!sim_profile_find(file_python))
				return sim_diag_set(diag, SIM_ETRACE, ss->name, ss->ev.line,
						    ss->ev.col, "unknown python version '%s'",
						    file_python);
		} else {
			nthreshold = ss->ev.nnums;
			for (int i = 0; i < ss->ev.nnums && i < 3; i++)
				file_threshold[i] = ss->ev.nums[i];
		}
	}
	if (rc == SIM_OK)
		ss->pending = 1;
	else if (rc == SIM_EOF)
		ss->done = 1;
	else
		return in_file(ss, diag, rc);

	if (o->skip_other_python && o->python && file_python[0] &&
	    sim_profile_find(o->python) != sim_profile_find(file_python)) {
		snprintf(ss->skipped, sizeof(ss->skipped), "written for python %s", file_python);
		ss->done = 1;
		return SIM_OK;
	}
	struct sim_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.python = o->python ? o->python : file_python[0] ? file_python : NULL;
	for (int i = 0; i < 3; i++) {
		if (o->has_threshold[i]) {
			cfg.threshold[i] = o->threshold[i];
			cfg.has_threshold[i] = 1;
		} else if (i < nthreshold) {
			cfg.threshold[i] = file_threshold[i];
			cfg.has_threshold[i] = 1;
		}
	}
	cfg.check = o->check;
	cfg.stress = o->stress;
	cfg.census = o->census;
	if (sim_new(&ss->s, &cfg, diag))
		return SIM_EUSAGE;
	ss->owns_sim = 1;
	return SIM_OK;
}

/* Settings first, then the simulator; on failure the session goes. */
static int start(sim_session **out, const struct sim_session_opts *opts,
		 struct sim_diag *diag)
{
	int rc = prologue(*out, opts, diag);

	if (rc) {
		if (rc != SIM_EUSAGE)
			in_file(*out, diag, rc);
		sim_session_close(*out);
		*out = NULL;
	}
	return rc;
}

int sim_session_open(sim_session **out, const char *path,
		     const struct sim_session_opts *opts, struct sim_diag *diag)
{
	int rc = session_new(out, path, opts, diag);

	return rc ? rc : start(out, opts, diag);
}

int sim_session_open_reader(sim_session **out, sim_reader *r,
			    const struct sim_session_opts *opts,
			    struct sim_diag *diag)
{
	*out = session_over(r, opts);
	return start(out, opts, diag);
}

int sim_session_open_on(sim_session **out, sim *s, const char *path,
			const struct sim_session_opts *opts, struct sim_diag *diag)
{
	int rc = session_new(out, path, opts, diag);

	if (!rc)
		(*out)->s = s;
	return rc;
}

void sim_session_close(sim_session *ss)
{
	if (!ss)
		return;
	if (ss->owns_sim)
		sim_free(ss->s);
	sim_reader_free(ss->r);
	free(ss);
}

void sim_session_recorded(const sim_session *ss, struct sim_recorded *out)
{
	sim_reader_recorded(ss->r, out);
}

static int expect_line(sim_session *ss, struct sim_item *it, struct sim_diag *diag)
{
	it->kind = SIM_ITEM_EXPECT;
	it->msg[0] = '\0';
	it->ok = 1;
	/* Under --stress every collection differs: nothing to check. */
	it->checked = !ss->stress;
	if (!it->checked)
		return SIM_OK;
	int ok = sim_expect(ss->s, &it->ev, it->msg, sizeof(it->msg), diag);
	if (ok < 0)
		return in_file(ss, diag, SIM_ETRACE);
	it->ok = ok;
	return SIM_OK;
}

/* The last full check, for what sim_check_step left to it. */
static int finish(sim_session *ss, struct sim_diag *diag)
{
	char msg[512];

	ss->done = 1;
	if (ss->check && ss->s && sim_heap_check(ss->s, msg, sizeof(msg)))
		return sim_diag_set(diag, SIM_EINTERNAL, ss->name, 0, 0,
				    "heap check failed at the end of the trace: %s", msg);
	return SIM_EOF;
}

int sim_session_next(sim_session *ss, struct sim_item *it, struct sim_diag *diag)
{
	int rc;

	if (ss->done)
		return ss->skipped[0] || !ss->s ? SIM_EOF : finish(ss, diag);
	for (;;) {
		if (ss->pending) {
			ss->pending = 0;
		} else {
			rc = sim_reader_next(ss->r, &ss->ev, diag);
			if (rc == SIM_EOF)
				return finish(ss, diag);
			if (rc)
				return in_file(ss, diag, rc);
		}
		it->ev = ss->ev;
		if (it->ev.op != SIM_OP_SETTING)
			break;
		/* A lent simulator takes its settings here; ours had them all. */
		if (ss->owns_sim)
			return sim_diag_set(diag, SIM_ETRACE, ss->name, it->ev.line, it->ev.col,
					    "settings must come before the first event");
		if ((rc = sim_apply_setting(ss->s, &it->ev, diag)))
			return in_file(ss, diag, rc);
	}
	if (it->ev.op == SIM_OP_EXPECT)
		return expect_line(ss, it, diag);

	it->kind = SIM_ITEM_STEP;
	if ((rc = sim_replay(ss->s, &it->ev, &it->step, diag)))
		return in_file(ss, diag, rc);
	if (ss->check) {
		char msg[512];

		if (sim_check_step(ss->s, msg, sizeof(msg)))
			return sim_diag_set(diag, SIM_EINTERNAL, ss->name, it->ev.line, 0,
					    "heap check failed after step %llu: %s",
					    (unsigned long long)it->step.step, msg);
	}
	return SIM_OK;
}

sim *sim_session_sim(const sim_session *ss) { return ss->s; }
const char *sim_session_skipped(const sim_session *ss) { return ss->skipped[0] ? ss->skipped : NULL; }
const char *sim_session_name(const sim_session *ss) { return ss->name; }
uint64_t sim_session_offset(const sim_session *ss) { return sim_reader_offset(ss->r); }
uint64_t sim_session_size(const sim_session *ss) { return sim_reader_size(ss->r); }

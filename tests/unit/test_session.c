/*
 * test_session.c - one replay of one trace (sim/session.c): the settings
 * prologue and its precedence, version skipping, expect lines under
 * --stress, --check's verdict and the names diagnostics give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "state.h"
#include "unit_helpers.h"

/* A session over text; the file is gone when the test ends. */
static int open_text(sim_session **ss, const char *text,
		     const struct sim_session_opts *o, struct sim_diag *d)
{
	char path[512];

	assert_int_equal(th_write_temp(text, path, sizeof(path)), 0);
	int rc = sim_session_open(ss, path, o, d);
	unlink(path); /* the reader has it open */
	return rc;
}

/* Replay to the end; the status of the last sim_session_next. */
static int drain(sim_session *ss, struct sim_diag *d, int *steps, int *failed)
{
	struct sim_item it;
	int rc;

	*steps = *failed = 0;
	while ((rc = sim_session_next(ss, &it, d)) == SIM_OK) {
		if (it.kind == SIM_ITEM_STEP)
			(*steps)++;
		else if (it.checked && !it.ok)
			(*failed)++;
	}
	return rc;
}

static void the_command_line_overrides_the_file_which_overrides_the_profile(void **state)
{
	(void)state;
	const char *text = "#: python 3.11\n#: threshold 5 6\nalloc a list\n";
	struct sim_session_opts o = { .format = SIM_FMT_TEXT };
	struct sim_diag d;
	sim_session *ss;
	long th[3];

	/* The file's version and its two thresholds; the third is 3.11's. */
	assert_int_equal(open_text(&ss, text, &o, &d), SIM_OK);
	assert_string_equal(sim_get_profile(sim_session_sim(ss))->name, "3.11");
	sim_get_thresholds(sim_session_sim(ss), th);
	assert_int_equal(th[0], 5);
	assert_int_equal(th[1], 6);
	assert_int_equal(th[2], 10);
	sim_session_close(ss);

	/* The command line's version and first threshold win. */
	o.python = "3.13";
	o.threshold[0] = 100;
	o.has_threshold[0] = 1;
	assert_int_equal(open_text(&ss, text, &o, &d), SIM_OK);
	assert_string_equal(sim_get_profile(sim_session_sim(ss))->name, "3.13");
	sim_get_thresholds(sim_session_sim(ss), th);
	assert_int_equal(th[0], 100);
	assert_int_equal(th[1], 6);
	sim_session_close(ss);
}

static void a_trace_for_another_version_is_skipped_when_asked(void **state)
{
	(void)state;
	struct sim_session_opts o = { .python = "3.12", .skip_other_python = 1,
				      .format = SIM_FMT_TEXT };
	struct sim_diag d;
	struct sim_item it;
	sim_session *ss;

	assert_int_equal(open_text(&ss, "#: python 3.11\nalloc a list\n", &o, &d), SIM_OK);
	assert_string_equal(sim_session_skipped(ss), "written for python 3.11");
	assert_null(sim_session_sim(ss));
	assert_int_equal(sim_session_next(ss, &it, &d), SIM_EOF);
	sim_session_close(ss);
}

static void settings_after_the_first_event_are_an_error_at_their_line(void **state)
{
	(void)state;
	struct sim_session_opts o = { .format = SIM_FMT_TEXT, .name = "x.trace" };
	struct sim_diag d;
	sim_session *ss;
	int steps, failed;

	assert_int_equal(open_text(&ss, "alloc a list\n#: threshold 5\n", &o, &d), SIM_OK);
	assert_int_equal(drain(ss, &d, &steps, &failed), SIM_ETRACE);
	assert_string_equal(d.file, "x.trace");
	assert_int_equal(d.line, 2);
	assert_string_equal(d.msg, "settings must come before the first event");
	sim_session_close(ss);
}

static void unknown_versions_are_the_callers_or_the_files_fault(void **state)
{
	(void)state;
	struct sim_session_opts o = { .format = SIM_FMT_TEXT, .name = "y.trace" };
	struct sim_diag d;
	sim_session *ss;

	assert_int_equal(open_text(&ss, "#: python 2.7\nalloc a list\n", &o, &d), SIM_ETRACE);
	assert_string_equal(d.file, "y.trace");
	assert_int_equal(d.line, 1);
	assert_string_equal(d.msg, "unknown python version '2.7'");
	o.python = "2.7";
	assert_int_equal(open_text(&ss, "alloc a list\n", &o, &d), SIM_EUSAGE);
}

static void expect_lines_are_checked_except_under_stress(void **state)
{
	(void)state;
	const char *text = "alloc a list\nexpect refcnt a 1\nexpect refcnt a 7\n";
	struct sim_session_opts o = { .format = SIM_FMT_TEXT };
	struct sim_diag d;
	sim_session *ss;
	int steps, failed;

	assert_int_equal(open_text(&ss, text, &o, &d), SIM_OK);
	assert_int_equal(drain(ss, &d, &steps, &failed), SIM_EOF);
	assert_int_equal(steps, 1);
	assert_int_equal(failed, 1);
	sim_session_close(ss);

	o.stress = 1;
	assert_int_equal(open_text(&ss, text, &o, &d), SIM_OK);
	assert_int_equal(drain(ss, &d, &steps, &failed), SIM_EOF);
	assert_int_equal(failed, 0);
	sim_session_close(ss);
}

/* A lent simulator broken behind the session's back: --check says so. */
static void check_reports_a_broken_heap_as_internal(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	struct sim_session_opts o = { .format = SIM_FMT_TEXT, .check = 1 };
	struct sim_diag d;
	struct sim_item it;
	sim_session *ss;
	char path[512];

	TH_OK(t, "alloc a list\n");
	assert_int_equal(th_write_temp("alloc b list\n", path, sizeof(path)), 0);
	assert_int_equal(sim_session_open_on(&ss, t->s, path, &o, &d), SIM_OK);
	unlink(path);
	oref h = names_obj(t->s->names, names_find(t->s->names, "a"));
	t->s->objs[h].refcnt++;
	assert_int_equal(sim_session_next(ss, &it, &d), SIM_EINTERNAL);
	assert_non_null(strstr(d.msg, "heap check failed after step 2: 'a' has refcount 2"));
	t->s->objs[h].refcnt--;
	sim_session_close(ss);
	th_close(t);
}

/* --python 3.12.1: a release picks the profile that stands for it. */
static void a_release_picks_the_profile_that_stands_for_it(void **state)
{
	(void)state;
	static const struct { const char *v, *profile; } cases[] = {
		{ "3.12", "3.12" }, { "3.12.1", "3.12" }, { "3.11.7", "3.11" },
		{ "3.13.0", "3.13" }, { "3.13.5", "3.13" }, { "3.14.5", "3.14" },
		{ "3.14.7", "3.14" }, { "3.14.12", "3.14" },
		{ "3.8", "3.8" }, { "3.8.18", "3.8" }, { "3.8.0", "3.8" },
		{ "3.81", NULL }, { "3.9.18", NULL }, { "3.10", NULL },
		/* 3.14.0-3.14.4 ran the incremental collector */
		{ "3.14.4", "3.14.2" }, { "3.14.1", "3.14.2" }, { "3.14.0", "3.14.0" },
		{ "3.14.2", "3.14.2" }, { "3.14.00", NULL },
		{ "3.12.", NULL }, { "3.12.x", NULL }, { "3.1", NULL },
		{ "3.125", NULL }, { "3.12.1.1", NULL }, { "2.7.18", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sim_profile *p = sim_profile_find(cases[i].v);
		if (cases[i].profile ? !p || strcmp(p->name, cases[i].profile) != 0 : p != NULL) {
			print_error("%s: got %s\n", cases[i].v, p ? p->name : "none");
			fail();
		}
	}

	/* A file for 3.12 is not "another version" than --python 3.12.1. */
	struct sim_session_opts o = { .python = "3.12.1", .skip_other_python = 1,
				      .format = SIM_FMT_TEXT };
	struct sim_diag d;
	sim_session *ss;

	assert_int_equal(open_text(&ss, "#: python 3.12\nalloc a list\n", &o, &d), SIM_OK);
	assert_null(sim_session_skipped(ss));
	sim_session_close(ss);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(the_command_line_overrides_the_file_which_overrides_the_profile),
		TH_TEST(a_trace_for_another_version_is_skipped_when_asked),
		TH_TEST(settings_after_the_first_event_are_an_error_at_their_line),
		TH_TEST(unknown_versions_are_the_callers_or_the_files_fault),
		TH_TEST(expect_lines_are_checked_except_under_stress),
		TH_TEST(check_reports_a_broken_heap_as_internal),
		TH_TEST(a_release_picks_the_profile_that_stands_for_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

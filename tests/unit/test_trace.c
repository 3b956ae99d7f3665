/*
 * test_trace.c - the trace reader: text, JSON array and JSON lines syntax,
 * values, diagnostics, and text/JSON equivalence.
 *
 * Every input is written to a file in a fresh temporary directory and read
 * back through sim_reader_open(), the way gcsim reads a trace.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

static char tmpdir[64];
static int nfiles;
static char pathbuf[128];

static const char *write_file(const char *ext, const char *data, size_t len)
{
	FILE *f;

	snprintf(pathbuf, sizeof(pathbuf), "%s/f%d%s", tmpdir, nfiles++, ext);
	f = fopen(pathbuf, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return pathbuf;
}

static sim_reader *open_data(const char *ext, const char *data, size_t len)
{
	struct sim_diag d;
	sim_reader *r;
	const char *p = write_file(ext, data, len);

	assert_int_equal(sim_reader_open(&r, p, SIM_FMT_AUTO, &d), SIM_OK);
	unlink(p);      /* the reader holds it open */
	return r;
}

static sim_reader *open_str(const char *ext, const char *data)
{
	return open_data(ext, data, strlen(data));
}

static void next_ok(sim_reader *r, struct sim_event *ev)
{
	struct sim_diag d;
	int rc = sim_reader_next(r, ev, &d);

	if (rc != SIM_OK)
		print_error("unexpected: %s:%lu:%lu: %s\n", d.file, d.line,
			    d.col, d.msg);
	assert_int_equal(rc, SIM_OK);
}

static void next_eof(sim_reader *r)
{
	struct sim_event ev;
	struct sim_diag d;

	assert_int_equal(sim_reader_next(r, &ev, &d), SIM_EOF);
}

/* Read data to its end and check that it stops at this error. */
static void check_error(const char *ext, const char *data, size_t len,
			int status, unsigned long line, unsigned long col,
			const char *msg)
{
	sim_reader *r = open_data(ext, data, len);
	struct sim_event ev;
	struct sim_diag d = { "", 0, 0, "" };
	int rc;

	while ((rc = sim_reader_next(r, &ev, &d)) == SIM_OK)
		;
	if (rc != status || d.line != line || d.col != col ||
	    strcmp(d.msg, msg) != 0)
		print_error("got %d %lu:%lu '%s'\nwant %d %lu:%lu '%s'\n", rc,
			    d.line, d.col, d.msg, status, line, col, msg);
	assert_int_equal(rc, status);
	assert_string_equal(d.msg, msg);
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	sim_reader_free(r);
}

static void text_error(const char *data, unsigned long line, unsigned long col,
		       const char *msg)
{
	check_error(".trace", data, strlen(data), SIM_ETRACE, line, col, msg);
}

static void jsonl_error(const char *data, unsigned long line,
			unsigned long col, const char *msg)
{
	check_error(".jsonl", data, strlen(data), SIM_ETRACE, line, col, msg);
}

static void json_error(const char *data, unsigned long line, unsigned long col,
		       const char *msg)
{
	check_error(".json", data, strlen(data), SIM_ETRACE, line, col, msg);
}

/* One-event helpers: the event stays valid until the reader is freed. */
struct one {
	sim_reader *r;
	struct sim_event ev;
};

static void read_one(struct one *o, const char *ext, const char *data)
{
	o->r = open_str(ext, data);
	next_ok(o->r, &o->ev);
}

static void done_one(struct one *o)
{
	next_eof(o->r);
	sim_reader_free(o->r);
}

/* A deep copy of an event, to compare events read at different times. */
struct evc {
	struct sim_event ev;
	char *id, *dst, *id2, *digits, *s, *setting_str;
};

static char *dup_or_null(const char *s, size_t len)
{
	char *p;

	if (!s)
		return NULL;
	p = malloc(len + 1);
	assert_non_null(p);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static char *dup_str(const char *s)
{
	return dup_or_null(s, s ? strlen(s) : 0);
}

static void evc_take(struct evc *c, const struct sim_event *ev)
{
	c->ev = *ev;
	c->id = dup_str(ev->id);
	c->dst = dup_str(ev->dst);
	c->id2 = dup_str(ev->id2);
	c->digits = dup_str(ev->value.digits);
	c->s = dup_or_null(ev->value.s, ev->value.len);
	c->setting_str = dup_str(ev->setting_str);
}

static void evc_release(struct evc *c)
{
	free(c->id);
	free(c->dst);
	free(c->id2);
	free(c->digits);
	free(c->s);
	free(c->setting_str);
}

static void str_eq(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void evc_equal(const struct evc *a, const struct evc *b)
{
	const struct sim_event *x = &a->ev, *y = &b->ev;

	assert_int_equal(x->op, y->op);
	str_eq(a->id, b->id);
	str_eq(a->dst, b->dst);
	assert_int_equal(x->type, y->type);
	assert_int_equal(x->value.has, y->value.has);
	assert_int_equal(x->value.i, y->value.i);
	assert_int_equal(x->value.fits, y->value.fits);
	str_eq(a->digits, b->digits);
	assert_memory_equal(&x->value.f, &y->value.f, sizeof(double));
	assert_int_equal(x->value.len, y->value.len);
	if (a->s && b->s)
		assert_memory_equal(a->s, b->s, x->value.len);
	else
		assert_ptr_equal(a->s, b->s);
	assert_int_equal(x->gen, y->gen);
	assert_int_equal(x->action, y->action);
	assert_int_equal(x->nnums, y->nnums);
	assert_memory_equal(x->nums, y->nums, sizeof(x->nums));
	assert_int_equal(x->expect, y->expect);
	str_eq(a->id2, b->id2);
	assert_int_equal(x->fl_type, y->fl_type);
	assert_int_equal(x->fl_size, y->fl_size);
	assert_int_equal(x->setting, y->setting);
	str_eq(a->setting_str, b->setting_str);
}

/* Text: events */

static void alloc_of_every_container_type_is_read(void **state)
{
	static const char *const names[] = { "list", "dict", "set", "object",
					     "none" };
	static const enum sim_type types[] = { SIM_T_LIST, SIM_T_DICT, SIM_T_SET,
					       SIM_T_OBJECT, SIM_T_NONE };
	struct sim_event ev;
	sim_reader *r;
	int k;

	(void)state;
	r = open_str(".trace", "alloc a list\nalloc b dict\nalloc c set\n"
		     "alloc d object\nalloc e none\n");
	for (k = 0; k < 5; k++) {
		next_ok(r, &ev);
		assert_int_equal(ev.op, SIM_OP_ALLOC);
		assert_int_equal(ev.type, types[k]);
		assert_string_equal(sim_type_name(ev.type), names[k]);
		assert_int_equal(ev.value.has, 0);
		assert_int_equal(ev.line, (unsigned long)k + 1);
		assert_int_equal(ev.col, 1);
		assert_int_equal(ev.index, (unsigned long)k);
		assert_int_equal(strlen(ev.id), 1);
		assert_int_equal(ev.id[0], 'a' + k);
	}
	next_eof(r);
	sim_reader_free(r);
}

static void ref_unref_and_del_forms_are_read(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".trace", "ref a b\nref a\nunref a b\nunref a\ndel a\n");
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_REF);
	assert_string_equal(ev.id, "a");
	assert_string_equal(ev.dst, "b");
	assert_int_equal(ev.dst_col, 7);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_REF);
	assert_string_equal(ev.id, "a");
	assert_null(ev.dst);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_UNREF);
	assert_string_equal(ev.id, "a");
	assert_string_equal(ev.dst, "b");
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_DEL);
	assert_string_equal(ev.id, "a");
	assert_null(ev.dst);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_DEL);
	assert_string_equal(ev.id, "a");
	next_eof(r);
	sim_reader_free(r);
}

static void check_pack(const struct sim_event *ev, const char *id,
		       const char *const *items, int n)
{
	assert_int_equal(ev->op, SIM_OP_PACK);
	assert_string_equal(ev->id, id);
	assert_int_equal(ev->nitems, n);
	for (int i = 0; i < n; i++) {
		assert_string_equal(ev->items[i], items[i]);
		assert_int_equal(ev->item_lens[i], strlen(items[i]));
	}
}

static void pack_is_read_and_written_in_every_form(void **state)
{
	static const char *const ab[] = { "a", "b", "a" };
	static const char *const many[SIM_PACK_MAX] = {
		"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7",
		"x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15" };
	struct sim_event ev;
	char buf[512];
	sim_reader *r;

	(void)state;
	r = open_str(".trace", "pack t a b a\n"
		     "pack u x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15\n"
		     "pack v a\n");
	next_ok(r, &ev);
	check_pack(&ev, "t", ab, 3);
	assert_int_equal(ev.item_cols[1], 10); /* b */
	sim_event_text(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "pack t a b a");
	sim_event_json(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "{\"op\":\"pack\",\"id\":\"t\",\"items\":[\"a\",\"b\",\"a\"]}");
	next_ok(r, &ev);
	check_pack(&ev, "u", many, SIM_PACK_MAX);
	next_ok(r, &ev);
	check_pack(&ev, "v", ab, 1);
	next_eof(r);
	sim_reader_free(r);

	r = open_str(".jsonl", "{\"op\":\"pack\",\"items\":[\"a\",\"b\",\"a\"],\"id\":\"t\"}\n");
	next_ok(r, &ev);
	check_pack(&ev, "t", ab, 3);
	next_eof(r);
	sim_reader_free(r);
	r = open_str(".json", "[{\"op\":\"pack\",\"id\":\"v\",\"items\":[\"a\"]}]");
	next_ok(r, &ev);
	check_pack(&ev, "v", ab, 1);
	next_eof(r);
	sim_reader_free(r);
}

/* Issue 12's words: weakref, on, the new gc actions and expect forms. */
static void finalizer_words_read_alike(void **state)
{
	static const char text[] =
		"weakref w x\n"
		"weakref w2 x cb\n"
		"on d ref L self\n"
		"on d del saved\n"
		"gc saveall 1\n"
		"gc cleargarbage\n"
		"expect referent w x\n"
		"expect stats 2 5 1\n"
		"expect called d 1\n";
	static const char jsonl[] =
		"{\"op\":\"weakref\",\"id\":\"w\",\"target\":\"x\"}\n"
		"{\"op\":\"weakref\",\"id\":\"w2\",\"target\":\"x\",\"callback\":\"cb\"}\n"
		"{\"op\":\"on\",\"id\":\"d\",\"do\":\"ref\",\"args\":[\"L\",\"self\"]}\n"
		"{\"op\":\"on\",\"id\":\"d\",\"do\":\"del\",\"args\":[\"saved\"]}\n"
		"{\"op\":\"gc\",\"action\":\"saveall\",\"values\":[1]}\n"
		"{\"op\":\"gc\",\"action\":\"cleargarbage\"}\n"
		"{\"op\":\"expect\",\"kind\":\"referent\",\"ids\":[\"w\",\"x\"]}\n"
		"{\"op\":\"expect\",\"kind\":\"stats\",\"values\":[2,5,1]}\n"
		"{\"op\":\"expect\",\"kind\":\"called\",\"id\":\"d\",\"value\":1}\n";
	sim_reader *rt = open_str(".trace", text), *rj = open_str(".jsonl", jsonl);
	struct sim_event a, b;
	char ta[256], tb[256];

	(void)state;
	for (int i = 0; i < 9; i++) {
		next_ok(rt, &a);
		next_ok(rj, &b);
		sim_event_text(ta, sizeof(ta), &a);
		sim_event_text(tb, sizeof(tb), &b);
		assert_string_equal(ta, tb);
		if (i == 0)
			assert_true(a.op == SIM_OP_WEAKREF && a.id2 == NULL &&
				    strcmp(a.dst, "x") == 0);
		if (i == 1)
			assert_string_equal(a.id2, "cb");
		if (i == 2)
			assert_true(a.op == SIM_OP_ON && a.on_action == SIM_ON_REF &&
				    a.nitems == 2 && strcmp(a.items[1], "self") == 0);
		if (i == 4)
			assert_true(a.action == SIM_GC_SAVEALL && a.nums[0] == 1);
	}
	assert_string_equal(ta, "expect called d 1");
	next_eof(rt);
	next_eof(rj);
	sim_reader_free(rt);
	sim_reader_free(rj);

	text_error("alloc w weakref\n", 1, 9,
		   "a weakref is made by 'weakref ID TARGET [CALLBACK]', not by alloc");
	text_error("weakref w\n", 1, 1,
		   "weakref takes ID TARGET [CALLBACK], got 1 argument");
	text_error("on d frob x\n", 1, 6,
		   "unknown action 'frob' (on takes ref, unref, bind or del)");
	text_error("on d del a b\n", 1, 12,
		   "on ID del takes NAME, got 2 arguments");
	text_error("gc saveall 2\n", 1, 12, "value 2 out of range 0..1");
	text_error("expect stats 3 0 0\n", 1, 14,
		   "generation 3 out of range 0..2");
	text_error("alloc d delobj 1\n", 1, 16, "delobj takes no value, got '1'");
	jsonl_error("{\"op\":\"on\",\"id\":\"d\",\"do\":\"ref\",\"args\":[\"L\"]}\n",
		    1, 1, "event 0: key 'args' must be an array of 2 ids in on event");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"w\",\"type\":\"weakref\"}\n",
		    1, 1, "event 0: a weakref is made by 'weakref ID TARGET [CALLBACK]', not by alloc");
}

static void pack_errors_are_reported(void **state)
{
	(void)state;
	text_error("pack t\n", 1, 1, "pack takes ID ITEM..., got 1 argument");
	text_error("pack\n", 1, 1, "pack takes ID ITEM..., got 0 arguments");
	text_error("pack t a b c d e f g h i j k l m n o p q\n", 1, 40,
		   "pack takes ID ITEM..., got 18 arguments");
	text_error("pack t a b@\n", 1, 10,
		   "invalid id 'b@' (letters, digits and _ . : - only)");
	jsonl_error("{\"op\":\"pack\",\"id\":\"t\"}\n", 1, 1,
		    "event 0: missing key 'items' in pack event");
	jsonl_error("{\"op\":\"pack\",\"id\":\"t\",\"items\":[]}\n", 1, 1,
		    "event 0: key 'items' must be an array of 1 to 16 ids in pack event");
	jsonl_error("{\"op\":\"pack\",\"id\":\"t\",\"items\":[\"a\",3]}\n", 1, 1,
		    "event 0: key 'items' must be an array of 1 to 16 ids in pack event");
	jsonl_error("{\"op\":\"pack\",\"id\":\"t\",\"items\":\"a\"}\n", 1, 1,
		    "event 0: key 'items' must be an array of 1 to 16 ids in pack event");
	jsonl_error("{\"op\":\"pack\",\"id\":\"t\",\"items\":[\"a\"],\"dst\":\"b\"}\n",
		    1, 1, "event 0: unknown key 'dst' in pack event");
	jsonl_error("{\"op\":\"pack\",\"items\":[\"a\"]}\n", 1, 1,
		    "event 0: missing key 'id' in pack event");
}

static void collect_defaults_to_generation_2(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".trace", "collect\ncollect 0\ncollect 1\n");
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_COLLECT);
	assert_int_equal(ev.gen, 2);
	next_ok(r, &ev);
	assert_int_equal(ev.gen, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.gen, 1);
	next_eof(r);
	sim_reader_free(r);
}

static void generation_out_of_range_is_reported(void **state)
{
	(void)state;
	text_error("collect 3\n", 1, 9, "generation 3 out of range 0..2");
	text_error("collect -1\n", 1, 9, "generation -1 out of range 0..2");
	text_error("collect x\n", 1, 9, "invalid generation 'x'");
	text_error("expect gen a 7\n", 1, 14, "generation 7 out of range 0..2");
	text_error("collect 99999999999999999999999\n", 1, 9,
		   "generation 99999999999999999999999 out of range 0..2");
}

static void gc_actions_are_read(void **state)
{
	static const enum sim_gc_action acts[] = {
		SIM_GC_ENABLE, SIM_GC_DISABLE, SIM_GC_FREEZE, SIM_GC_UNFREEZE,
	};
	struct sim_event ev;
	sim_reader *r;
	int k;

	(void)state;
	r = open_str(".trace", "gc enable\ngc disable\ngc freeze\ngc unfreeze\n"
		     "gc threshold 700 10 10\ngc threshold 5\n"
		     "gc threshold 0 2147483647\n");
	for (k = 0; k < 4; k++) {
		next_ok(r, &ev);
		assert_int_equal(ev.op, SIM_OP_GC);
		assert_int_equal(ev.action, acts[k]);
		assert_int_equal(ev.nnums, 0);
	}
	next_ok(r, &ev);
	assert_int_equal(ev.action, SIM_GC_THRESHOLD);
	assert_int_equal(ev.nnums, 3);
	assert_int_equal(ev.nums[0], 700);
	assert_int_equal(ev.nums[1], 10);
	assert_int_equal(ev.nums[2], 10);
	next_ok(r, &ev);
	assert_int_equal(ev.nnums, 1);
	assert_int_equal(ev.nums[0], 5);
	next_ok(r, &ev);
	assert_int_equal(ev.nnums, 2);
	assert_int_equal(ev.nums[1], 2147483647);
	next_eof(r);
	sim_reader_free(r);
}

/* The recorder's two words: a generic GC object and a safe point. */
static void gcobj_and_safepoint_are_read_in_every_form(void **state)
{
	static const char *const forms[][2] = {
		{ ".trace", "alloc f gcobj\ngc safepoint\n" },
		{ ".jsonl", "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"gcobj\"}\n"
			    "{\"op\":\"gc\",\"action\":\"safepoint\"}\n" },
		{ ".json", "[{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"gcobj\"},"
			   "{\"op\":\"gc\",\"action\":\"safepoint\"}]" },
	};
	struct sim_event ev;

	(void)state;
	for (int k = 0; k < 3; k++) {
		sim_reader *r = open_str(forms[k][0], forms[k][1]);

		next_ok(r, &ev);
		assert_int_equal(ev.op, SIM_OP_ALLOC);
		assert_int_equal(ev.type, SIM_T_GCOBJ);
		assert_string_equal(sim_type_name(ev.type), "gcobj");
		assert_string_equal(ev.id, "f");
		assert_int_equal(ev.value.has, 0);
		next_ok(r, &ev);
		assert_int_equal(ev.op, SIM_OP_GC);
		assert_int_equal(ev.action, SIM_GC_SAFEPOINT);
		assert_string_equal(sim_gc_action_name(ev.action), "safepoint");
		assert_int_equal(ev.nnums, 0);
		next_eof(r);
		sim_reader_free(r);
	}
	text_error("alloc f gcobj 2\n", 1, 15, "gcobj takes no value, got '2'");
	text_error("gc safepoint 1\n", 1, 14, "gc safepoint takes no arguments, got 1 argument");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"gcobj\",\"value\":1}\n",
		    1, 1, "event 0: gcobj takes no value");
}

static void gc_errors_are_reported(void **state)
{
	(void)state;
	text_error("gc\n", 1, 1,
		   "gc needs an action: enable, disable, threshold, freeze, unfreeze, safepoint, saveall, cleargarbage or callback");
	text_error("gc stop\n", 1, 4, "unknown gc action 'stop'");
	text_error("gc enable now\n", 1, 11,
		   "gc enable takes no arguments, got 1 argument");
	text_error("gc threshold\n", 1, 1,
		   "gc threshold takes T0 [T1 [T2]], got 0 arguments");
	text_error("gc threshold 1 2 3 4\n", 1, 20,
		   "gc threshold takes T0 [T1 [T2]], got 4 arguments");
	text_error("gc threshold 2147483648\n", 1, 14,
		   "threshold 2147483648 out of range 0..2147483647");
	text_error("gc threshold -1\n", 1, 14,
		   "threshold -1 out of range 0..2147483647");
	text_error("gc threshold 7x\n", 1, 14, "invalid threshold '7x'");
}

static void every_expect_kind_is_read(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".trace",
		     "expect refcnt a 2\n"
		     "expect alive a\n"
		     "expect freed a\n"
		     "expect tracked a\n"
		     "expect untracked a\n"
		     "expect gen a 1\n"
		     "expect same a b\n"
		     "expect count 1 0 0\n"
		     "expect collections 3 2 1\n"
		     "expect collected 4\n"
		     "expect freelist tuple:3 5\n"
		     "expect freelist list 80\n"
		     "expect freelist dict 1\n"
		     "expect freelist float 0\n");
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_EXPECT);
	assert_int_equal(ev.expect, SIM_EXPECT_REFCNT);
	assert_string_equal(ev.id, "a");
	assert_int_equal(ev.nnums, 1);
	assert_int_equal(ev.nums[0], 2);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_ALIVE);
	assert_string_equal(ev.id, "a");
	assert_int_equal(ev.nnums, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_FREED);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_TRACKED);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_UNTRACKED);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_GEN);
	assert_int_equal(ev.nums[0], 1);
	assert_int_equal(ev.gen, 1);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_SAME);
	assert_string_equal(ev.id, "a");
	assert_string_equal(ev.id2, "b");
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_COUNT);
	assert_int_equal(ev.nnums, 3);
	assert_int_equal(ev.nums[0], 1);
	assert_int_equal(ev.nums[2], 0);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_COLLECTIONS);
	assert_int_equal(ev.nums[0], 3);
	assert_int_equal(ev.nums[1], 2);
	assert_int_equal(ev.nums[2], 1);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_COLLECTED);
	assert_int_equal(ev.nums[0], 4);
	next_ok(r, &ev);
	assert_int_equal(ev.expect, SIM_EXPECT_FREELIST);
	assert_int_equal(ev.fl_type, SIM_T_TUPLE);
	assert_int_equal(ev.fl_size, 3);
	assert_int_equal(ev.nums[0], 5);
	next_ok(r, &ev);
	assert_int_equal(ev.fl_type, SIM_T_LIST);
	assert_int_equal(ev.fl_size, 0);
	assert_int_equal(ev.nums[0], 80);
	next_ok(r, &ev);
	assert_int_equal(ev.fl_type, SIM_T_DICT);
	next_ok(r, &ev);
	assert_int_equal(ev.fl_type, SIM_T_FLOAT);
	next_eof(r);
	sim_reader_free(r);
}

static void expect_errors_are_reported(void **state)
{
	(void)state;
	text_error("expect\n", 1, 1,
		   "expect needs a kind: refcnt, alive, freed, tracked, untracked, gen, same, count, collections, collected, freelist, finalized, unfinalized, cleared, referent, called, garbage, frozen, uncollectable or stats");
	text_error("expect weight a 3\n", 1, 8, "unknown expect kind 'weight'");
	text_error("expect refcnt a\n", 1, 1,
		   "expect refcnt takes ID N, got 1 argument");
	text_error("expect count 1 2\n", 1, 1,
		   "expect count takes C0 C1 C2, got 2 arguments");
	text_error("expect same a b c\n", 1, 17,
		   "expect same takes ID ID, got 3 arguments");
	text_error("expect refcnt a -1\n", 1, 17,
		   "refcount -1 out of range 0..9223372036854775807");
	text_error("expect collected many\n", 1, 18,
		   "invalid collected count 'many'");
	text_error("expect freelist tuple:21 1\n", 1, 17,
		   "free list tuple length 21 out of range 1..20");
	text_error("expect freelist tuple:0 1\n", 1, 17,
		   "free list tuple length 0 out of range 1..20");
	text_error("expect freelist set 1\n", 1, 17,
		   "invalid free list type 'set' (list, dict, float or tuple:K)");
	text_error("expect alive a/b\n", 1, 14,
		   "invalid id 'a/b' (letters, digits and _ . : - only)");
}

static void setting_line_is_not_a_comment(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".trace", "# a comment\n#: python 3.12\n"
		     "  #: threshold 10 20 30  # why\n#:threshold 5\n"
		     "alloc a list\n");
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_SETTING);
	assert_int_equal(ev.setting, SIM_SET_PYTHON);
	assert_string_equal(ev.setting_str, "3.12");
	assert_int_equal(ev.line, 2);
	assert_int_equal(ev.col, 1);
	assert_int_equal(ev.index, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_SETTING);
	assert_int_equal(ev.setting, SIM_SET_THRESHOLD);
	assert_int_equal(ev.nnums, 3);
	assert_int_equal(ev.nums[2], 30);
	assert_int_equal(ev.col, 3);
	next_ok(r, &ev);
	assert_int_equal(ev.nnums, 1);
	assert_int_equal(ev.nums[0], 5);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_ALLOC);
	assert_int_equal(ev.index, 3);
	next_eof(r);
	sim_reader_free(r);
}

static void unknown_setting_is_reported(void **state)
{
	(void)state;
	text_error("#: colour blue\n", 1, 4, "unknown setting 'colour'");
	text_error("#:\n", 1, 1, "missing setting after '#:'");
	text_error("#: python\n", 1, 4,
		   "#: python takes VERSION, got 0 arguments");
	text_error("#: python 3.12 3.13\n", 1, 16,
		   "#: python takes VERSION, got 2 arguments");
	text_error("#: python 3/12\n", 1, 11, "invalid python version '3/12'");
	text_error("#: threshold 1 2 3 4\n", 1, 20,
		   "#: threshold takes T0 [T1 [T2]], got 4 arguments");
}

static void comments_and_blank_lines_are_skipped(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".trace", "\n# header\n   \n\t\nalloc a list # a comment\n"
		     "ref a#b\n  del   a\t\n");
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_ALLOC);
	assert_int_equal(ev.line, 5);
	assert_int_equal(ev.index, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_REF);
	assert_null(ev.dst);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_DEL);
	assert_int_equal(ev.line, 7);
	assert_int_equal(ev.col, 3);
	assert_int_equal(ev.index, 2);
	next_eof(r);
	sim_reader_free(r);
}

static void hash_inside_quotes_is_part_of_the_string(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".trace", "alloc s str \"a # b\" # real comment\n");
	assert_int_equal(o.ev.value.len, 5);
	assert_string_equal(o.ev.value.s, "a # b");
	done_one(&o);
}

static void crlf_line_endings_are_tolerated(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".trace", "alloc a list\r\nalloc s str x\r\n\r\n"
		     "alloc t str \"q\"\r\nref a t\r\n");
	next_ok(r, &ev);
	assert_string_equal(ev.id, "a");
	assert_int_equal(ev.type, SIM_T_LIST);
	next_ok(r, &ev);
	assert_int_equal(ev.value.len, 1);
	assert_string_equal(ev.value.s, "x");
	next_ok(r, &ev);
	assert_string_equal(ev.value.s, "q");
	next_ok(r, &ev);
	assert_string_equal(ev.dst, "t");
	assert_int_equal(ev.line, 5);
	next_eof(r);
	sim_reader_free(r);
	text_error("alloc a\rlist\n", 1, 8, "invalid control character 0x0d");
}

static void last_line_without_newline_is_read(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".trace", "alloc n int 42");
	assert_string_equal(o.ev.value.digits, "42");
	done_one(&o);
}

/* Text: values */

static void quoted_string_escapes_are_decoded(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".trace", "alloc s str \"a\\\"b\\\\c\\nd\\te\\x41\"\n");
	assert_int_equal(o.ev.value.has, 1);
	assert_int_equal(o.ev.value.len, 10);
	assert_memory_equal(o.ev.value.s, "a\"b\\c\nd\teA", 10);
	done_one(&o);
}

static void str_hex_escape_is_a_code_point_stored_as_utf8(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".trace", "alloc s str \"\\xe9t\\xE9\\x00!\"\n");
	assert_int_equal(o.ev.value.len, 7);
	assert_memory_equal(o.ev.value.s, "\xc3\xa9t\xc3\xa9\0!", 7);
	done_one(&o);
}

static void bare_word_str_keeps_its_text(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".trace", "alloc s str caf\xc3\xa9-\xe2\x98\x83\n");
	assert_int_equal(o.ev.value.len, 9);
	assert_string_equal(o.ev.value.s, "caf\xc3\xa9-\xe2\x98\x83");
	done_one(&o);
	read_one(&o, ".trace", "alloc s str \"\"\n");
	assert_int_equal(o.ev.value.has, 1);
	assert_int_equal(o.ev.value.len, 0);
	assert_string_equal(o.ev.value.s, "");
	done_one(&o);
}

static void bytes_hex_escape_is_a_raw_byte(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".trace", "alloc b bytes \"\\xff\\x00A\\n\"\n");
	assert_int_equal(o.ev.type, SIM_T_BYTES);
	assert_int_equal(o.ev.value.len, 4);
	assert_memory_equal(o.ev.value.s, "\xff\0A\n", 4);
	done_one(&o);
}

static void bytes_with_literal_non_ascii_is_rejected(void **state)
{
	(void)state;
	text_error("alloc b bytes \"ab\xc3\xa9\"\n", 1, 18,
		   "non-ascii character in bytes value (write it as \\xHH)");
	text_error("alloc b bytes abc\n", 1, 15,
		   "bytes value must be a quoted string, got 'abc'");
}

static void invalid_escape_is_reported_with_its_column(void **state)
{
	(void)state;
	text_error("alloc s str \"ab\\q\"\n", 1, 16, "invalid escape '\\q'");
	text_error("alloc s str \"\\x4g\"\n", 1, 14, "invalid escape '\\x4g'");
	text_error("alloc s str \"\\u00e9\"\n", 1, 14, "invalid escape '\\u'");
	text_error("alloc s str \"\\\xc3\xa9\"\n", 1, 14,
		   "invalid escape '\\\xc3\xa9'");
}

static void unterminated_string_is_reported(void **state)
{
	(void)state;
	text_error("alloc s str \"abc\n", 1, 13, "unterminated string");
	text_error("alloc s str \"abc\\\"\n", 1, 13, "unterminated string");
	text_error("alloc s str \"abc\"def\n", 1, 18,
		   "missing space after closing quote");
	text_error("alloc s str ab\"c\"\n", 1, 15,
		   "unexpected '\"' inside a word");
}

static void big_int_keeps_its_digits(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".trace",
		 "alloc n int -000123456789012345678901234567890\n");
	assert_int_equal(o.ev.type, SIM_T_INT);
	assert_int_equal(o.ev.value.has, 1);
	assert_int_equal(o.ev.value.fits, 0);
	assert_string_equal(o.ev.value.digits,
			    "-123456789012345678901234567890");
	done_one(&o);
}

static void int_digits_are_canonical(void **state)
{
	static const struct {
		const char *in, *digits;
		int fits;
		int64_t i;
	} cases[] = {
		{ "7", "7", 1, 7 },
		{ "+5", "5", 1, 5 },
		{ "-0", "0", 1, 0 },
		{ "000", "0", 1, 0 },
		{ "-007", "-7", 1, -7 },
		{ "9223372036854775807", "9223372036854775807", 1, INT64_MAX },
		{ "9223372036854775808", "9223372036854775808", 0, 0 },
		{ "-9223372036854775808", "-9223372036854775808", 1, INT64_MIN },
		{ "-9223372036854775809", "-9223372036854775809", 0, 0 },
		{ "99999999999999999999", "99999999999999999999", 0, 0 },
	};
	char line[80];
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct one o;

		snprintf(line, sizeof(line), "alloc n int %s\n", cases[k].in);
		read_one(&o, ".trace", line);
		assert_string_equal(o.ev.value.digits, cases[k].digits);
		assert_int_equal(o.ev.value.fits, cases[k].fits);
		assert_true(o.ev.value.i == cases[k].i);
		done_one(&o);
	}
}

static void invalid_int_value_is_reported(void **state)
{
	(void)state;
	text_error("alloc n int 12x\n", 1, 13, "invalid int value '12x'");
	text_error("alloc n int -\n", 1, 13, "invalid int value '-'");
	text_error("alloc n int 1_000\n", 1, 13, "invalid int value '1_000'");
	text_error("alloc n int \"5\"\n", 1, 13, "invalid int value '\"5\"'");
	text_error("alloc n int 1.0\n", 1, 13, "invalid int value '1.0'");
}

static void float_forms_are_parsed(void **state)
{
	static const struct {
		const char *in;
		double f;
	} cases[] = {
		{ "1.5", 1.5 }, { "-2e3", -2000.0 }, { "5", 5.0 },
		{ ".25", 0.25 }, { "1.", 1.0 }, { "+1E-2", 0.01 },
		{ "1e999", INFINITY }, { "inf", INFINITY },
		{ "-inf", -INFINITY }, { "Infinity", INFINITY },
	};
	char line[80];
	size_t k;
	struct one o;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(line, sizeof(line), "alloc f float %s\n", cases[k].in);
		read_one(&o, ".trace", line);
		assert_int_equal(o.ev.type, SIM_T_FLOAT);
		assert_int_equal(o.ev.value.has, 1);
		assert_true(o.ev.value.f == cases[k].f);
		done_one(&o);
	}
	read_one(&o, ".trace", "alloc f float nan\n");
	assert_true(o.ev.value.f != o.ev.value.f);
	done_one(&o);
}

/*
 * Plain decimals are read without strtod (a fast path): every one of many
 * pseudo-random ones, up to 17 digits and on both sides of the 15-digit
 * limit of that path, must read as strtod reads it, bit for bit.
 */
static void decimal_floats_read_as_strtod_reads_them(void **state)
{
	struct tb {
		char *p;
		size_t n, cap;
	} b = { NULL, 0, 0 };
	uint64_t x = 88172645463325252ULL;
	char num[40];
	struct sim_event ev;
	sim_reader *r;
	int k;

	(void)state;
	b.cap = 1 << 20;
	b.p = malloc(b.cap);
	assert_non_null(b.p);
	for (k = 0; k < 20000; k++) {
		int ndig, dot, i, w = 0;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ndig = 1 + (int)(x % 17);
		dot = (int)((x >> 8) % (unsigned)(ndig + 2)) - 1; /* -1: none */
		if (x >> 20 & 1)
			num[w++] = '-';
		for (i = 0; i < ndig; i++) {
			if (i == dot)
				num[w++] = '.';
			num[w++] = (char)('0' + (x >> (24 + 2 * (i % 16))) % 10);
		}
		num[w] = '\0';
		b.n += (size_t)snprintf(b.p + b.n, b.cap - b.n,
					"alloc f%d float %s\n", k, num);
	}
	r = open_data(".trace", b.p, b.n);
	for (char *at = b.p; k > 0; k--) {
		char *line, *end;
		double want;

		next_ok(r, &ev);
		line = strstr(at, " float ") + 7;
		end = strchr(line, '\n');
		*end = '\0';
		want = strtod(line, NULL);
		if (memcmp(&want, &ev.value.f, sizeof(want)) != 0)
			fail_msg("'%s' read as %.17g, strtod gives %.17g", line,
				 ev.value.f, want);
		at = end + 1;
	}
	next_eof(r);
	sim_reader_free(r);
	free(b.p);
}

static void hex_floats_and_garbage_are_rejected(void **state)
{
	(void)state;
	text_error("alloc f float 0x1p3\n", 1, 15, "invalid float value '0x1p3'");
	text_error("alloc f float 1e\n", 1, 15, "invalid float value '1e'");
	text_error("alloc f float .\n", 1, 15, "invalid float value '.'");
	text_error("alloc f float nan(1)\n", 1, 15,
		   "invalid float value 'nan(1)'");
	text_error("alloc f float infinit\n", 1, 15,
		   "invalid float value 'infinit'");
	text_error("alloc f float 1.5.2\n", 1, 15, "invalid float value '1.5.2'");
}

static void bool_tuple_and_none_values_are_read(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".trace", "alloc t bool true\nalloc f bool false\n"
		     "alloc e tuple\nalloc u tuple 3\nalloc x none\n"
		     "alloc m tuple 100000000\n");
	next_ok(r, &ev);
	assert_int_equal(ev.type, SIM_T_BOOL);
	assert_int_equal(ev.value.has, 1);
	assert_int_equal(ev.value.i, 1);
	next_ok(r, &ev);
	assert_int_equal(ev.value.i, 0);
	assert_int_equal(ev.value.has, 1);
	next_ok(r, &ev);
	assert_int_equal(ev.type, SIM_T_TUPLE);
	assert_int_equal(ev.value.has, 0);
	assert_int_equal(ev.value.i, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.value.has, 1);
	assert_int_equal(ev.value.i, 3);
	next_ok(r, &ev);
	assert_int_equal(ev.type, SIM_T_NONE);
	assert_int_equal(ev.value.has, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.value.i, SIM_TUPLE_MAX);
	next_eof(r);
	sim_reader_free(r);
}

static void value_errors_are_reported(void **state)
{
	(void)state;
	text_error("alloc b bool yes\n", 1, 14,
		   "invalid bool value 'yes' (true or false)");
	text_error("alloc t tuple 100000001\n", 1, 15,
		   "tuple length 100000001 out of range 0..100000000");
	text_error("alloc t tuple -1\n", 1, 15,
		   "tuple length -1 out of range 0..100000000");
	text_error("alloc l list 3\n", 1, 14, "list takes no value, got '3'");
	text_error("alloc x none none\n", 1, 14,
		   "none takes no value, got 'none'");
	text_error("alloc s str\n", 1, 9, "missing value for str");
	text_error("alloc n int\n", 1, 9, "missing value for int");
	text_error("alloc f float\n", 1, 9, "missing value for float");
	text_error("alloc b bytes\n", 1, 9, "missing value for bytes");
	text_error("alloc b bool\n", 1, 9, "missing value for bool");
}

/* Text: errors */

static void unknown_event_is_reported_with_line_and_column(void **state)
{
	(void)state;
	text_error("alloc a list\n\n   frob a\n", 3, 4, "unknown event 'frob'");
	text_error("setting python 3.12\n", 1, 1, "unknown event 'setting'");
	text_error("\"alloc\" a list\n", 1, 1, "unknown event '\"alloc\"'");
}

static void unknown_type_is_reported(void **state)
{
	(void)state;
	text_error("alloc a lst\n", 1, 9, "unknown type 'lst'");
	text_error("alloc a \"list\"\n", 1, 9, "unknown type '\"list\"'");
}

static void wrong_arity_is_reported(void **state)
{
	(void)state;
	text_error("alloc a list x y z w\n", 1, 16,
		   "alloc takes ID TYPE [VALUE], got 6 arguments");
	text_error("alloc a\n", 1, 1,
		   "alloc takes ID TYPE [VALUE], got 1 argument");
	text_error("del\n", 1, 1, "del takes ID, got 0 arguments");
	text_error("del a b\n", 1, 7, "del takes ID, got 2 arguments");
	text_error("ref a b c\n", 1, 9, "ref takes SRC [DST], got 3 arguments");
	text_error("unref\n", 1, 1, "unref takes SRC [DST], got 0 arguments");
	text_error("collect 1 2\n", 1, 11,
		   "collect takes [GEN], got 2 arguments");
	text_error("alloc a list 1 2 3 4 5 6 7 8 9 10\n", 1, 16,
		   "alloc takes ID TYPE [VALUE], got 12 arguments");
}

static void id_syntax_is_checked(void **state)
{
	char line[600];
	struct one o;

	(void)state;
	read_one(&o, ".trace", "alloc 0x7f3a10_A.b:c-d list\n");
	assert_string_equal(o.ev.id, "0x7f3a10_A.b:c-d");
	done_one(&o);

	snprintf(line, sizeof(line), "alloc %0255d list\n", 0);
	read_one(&o, ".trace", line);
	assert_int_equal(strlen(o.ev.id), 255);
	done_one(&o);

	snprintf(line, sizeof(line), "alloc %0300d list\n", 0);
	text_error(line, 1, 7, "id too long (300 bytes, at most 255)");
	text_error("ref a b/c\n", 1, 7,
		   "invalid id 'b/c' (letters, digits and _ . : - only)");
	text_error("del \"a\"\n", 1, 5,
		   "invalid id '\"a\"' (letters, digits and _ . : - only)");
	text_error("del caf\xc3\xa9\n", 1, 5,
		   "invalid id 'caf\xc3\xa9' (letters, digits and _ . : - only)");
}

static void invalid_utf8_is_reported_with_position(void **state)
{
	(void)state;
	text_error("alloc a list\nalloc s str \xc3\xa9\xff\n", 2, 14,
		   "invalid utf-8 byte 0xff");
	text_error("alloc s str \"\xed\xa0\x80\"\n", 1, 14,
		   "invalid utf-8 byte 0xed");
	text_error("alloc a list # \xc0\xaf\n", 1, 16,
		   "invalid utf-8 byte 0xc0");
	text_error("alloc s str \xe2\x98\n", 1, 13, "invalid utf-8 byte 0xe2");
	text_error("del a \xf4\x90\x80\x80\n", 1, 7, "invalid utf-8 byte 0xf4");
}

static void control_character_is_rejected(void **state)
{
	static const char nul_line[] = "alloc a\0 list\n";

	(void)state;
	text_error("alloc s str \"a\x01\"\n", 1, 15,
		   "invalid control character 0x01");
	text_error("alloc a list\x7f\n", 1, 13, "invalid control character 0x7f");
	check_error(".trace", nul_line, sizeof(nul_line) - 1, SIM_ETRACE, 1, 8,
		    "invalid control character 0x00");
}

static void long_lines_work_and_overlong_lines_are_rejected(void **state)
{
	size_t big = 700000, huge = (1UL << 20) + 10;
	char *data = malloc(2 * big + huge + 64);
	struct sim_event ev;
	sim_reader *r;
	size_t n;

	(void)state;
	assert_non_null(data);
	/* 3 lines, each longer than the first read */
	n = (size_t)sprintf(data, "alloc s str \"");
	memset(data + n, 'x', big);
	n += big;
	n += (size_t)sprintf(data + n, "\"\nalloc n int ");
	memset(data + n, '7', big);
	n += big;
	n += (size_t)sprintf(data + n, "\nalloc a list");
	r = open_data(".trace", data, n);
	next_ok(r, &ev);
	assert_int_equal(ev.value.len, big);
	assert_int_equal(ev.value.s[big - 1], 'x');
	next_ok(r, &ev);
	assert_int_equal(strlen(ev.value.digits), big);
	assert_int_equal(ev.value.fits, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.line, 3);
	next_eof(r);
	sim_reader_free(r);

	n = (size_t)sprintf(data, "alloc a list\n# ");
	memset(data + n, 'y', huge);
	n += huge;
	data[n++] = '\n';
	check_error(".trace", data, n, SIM_ETRACE, 2, 1,
		    "line too long (more than 1048576 bytes)");
	n -= 1;         /* and without its newline */
	check_error(".trace", data, n, SIM_ETRACE, 2, 1,
		    "line too long (more than 1048576 bytes)");
	free(data);
}

static void many_events_across_buffer_refills_are_read(void **state)
{
	size_t cap = 16u << 20, n = 0;
	char *data = malloc(cap);
	unsigned long k, count = 200000;
	struct sim_event ev;
	char want[32];
	sim_reader *r;

	(void)state;
	assert_non_null(data);
	for (k = 0; k < count; k++)
		n += (size_t)sprintf(data + n, "alloc id%lu int %lu\n", k, k);
	r = open_data(".trace", data, n);
	assert_int_equal(sim_reader_size(r), n);
	for (k = 0; k < count; k++) {
		next_ok(r, &ev);
		snprintf(want, sizeof(want), "id%lu", k);
		assert_string_equal(ev.id, want);
		assert_int_equal(ev.value.i, k);
		assert_int_equal(ev.line, k + 1);
	}
	next_eof(r);
	assert_int_equal(sim_reader_offset(r), n);
	sim_reader_free(r);

	n = 0;
	n += (size_t)sprintf(data + n, "[\n");
	for (k = 0; k < count; k++)
		n += (size_t)sprintf(data + n,
				     "%s{\"op\":\"alloc\", \"id\":\"id%lu\", \"type\":\"int\", \"value\":%lu}\n",
				     k ? "," : " ", k, k);
	n += (size_t)sprintf(data + n, "]\n");
	r = open_data(".json", data, n);
	for (k = 0; k < count; k++) {
		next_ok(r, &ev);
		snprintf(want, sizeof(want), "id%lu", k);
		assert_string_equal(ev.id, want);
		assert_int_equal(ev.value.i, k);
		assert_int_equal(ev.line, k + 2);
		assert_int_equal(ev.col, 2);
		assert_int_equal(ev.index, k);
	}
	next_eof(r);
	sim_reader_free(r);
	free(data);
}

static void byte_order_mark_is_skipped(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".trace", "\xef\xbb\xbf" "alloc a list\n");
	assert_int_equal(o.ev.col, 1);
	done_one(&o);
	read_one(&o, ".json", "\xef\xbb\xbf[{\"op\":\"del\",\"id\":\"a\"}]");
	assert_int_equal(o.ev.col, 2);
	done_one(&o);
}

static void empty_inputs_have_no_events(void **state)
{
	sim_reader *r;

	(void)state;
	r = open_str(".trace", "");
	next_eof(r);
	next_eof(r);
	sim_reader_free(r);
	r = open_str(".jsonl", "\n  \n");
	next_eof(r);
	sim_reader_free(r);
	r = open_str(".json", " [ ] ");
	next_eof(r);
	sim_reader_free(r);
}

/* JSON */

static void json_array_events_are_read(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".json",
		     "[{\"op\":\"alloc\",\"id\":\"a\",\"type\":\"list\"},\n"
		     " {\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":7},\n"
		     "  {\"dst\":\"n\",\"src\":\"a\",\"op\":\"ref\"} ,\n"
		     "{\"op\":\"collect\",\"gen\":0}]\n");
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_ALLOC);
	assert_int_equal(ev.type, SIM_T_LIST);
	assert_string_equal(ev.id, "a");
	assert_int_equal(ev.line, 1);
	assert_int_equal(ev.col, 2);
	assert_int_equal(ev.index, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.type, SIM_T_INT);
	assert_int_equal(ev.value.i, 7);
	assert_string_equal(ev.value.digits, "7");
	assert_int_equal(ev.line, 2);
	assert_int_equal(ev.col, 2);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_REF);
	assert_string_equal(ev.id, "a");
	assert_string_equal(ev.dst, "n");
	assert_int_equal(ev.line, 3);
	assert_int_equal(ev.col, 3);
	assert_int_equal(ev.index, 2);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_COLLECT);
	assert_int_equal(ev.gen, 0);
	assert_int_equal(ev.line, 4);
	next_eof(r);
	sim_reader_free(r);
}

static void jsonl_events_are_read_with_blank_lines(void **state)
{
	struct sim_event ev;
	sim_reader *r;

	(void)state;
	r = open_str(".jsonl", "\n{\"op\":\"alloc\",\"id\":\"a\",\"type\":\"dict\"}\r\n"
		     "   \n  {\"op\":\"del\",\"id\":\"a\"}  \n");
	next_ok(r, &ev);
	assert_int_equal(ev.type, SIM_T_DICT);
	assert_int_equal(ev.line, 2);
	assert_int_equal(ev.col, 1);
	assert_int_equal(ev.index, 0);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_DEL);
	assert_int_equal(ev.line, 4);
	assert_int_equal(ev.col, 3);
	assert_int_equal(ev.index, 1);
	next_eof(r);
	sim_reader_free(r);
}

/* The same events, as text and as JSON objects. */
static const char *const same_events[][2] = {
	{ "alloc a list", "{\"op\":\"alloc\",\"id\":\"a\",\"type\":\"list\"}" },
	{ "alloc d dict", "{\"op\":\"alloc\",\"id\":\"d\",\"type\":\"dict\"}" },
	{ "alloc s set", "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"set\"}" },
	{ "alloc o object", "{\"op\":\"alloc\",\"id\":\"o\",\"type\":\"object\"}" },
	{ "alloc x none", "{\"op\":\"alloc\",\"id\":\"x\",\"type\":\"none\"}" },
	{ "alloc n int 7",
	  "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":7}" },
	{ "alloc n int -0012",
	  "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":-12}" },
	{ "alloc n int -0",
	  "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":-0}" },
	{ "alloc n int 9007199254740991",
	  "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":9007199254740991}" },
	{ "alloc n int 123456789012345678901234567890",
	  "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":\"123456789012345678901234567890\"}" },
	{ "alloc n int -9223372036854775808",
	  "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":\"-9223372036854775808\"}" },
	{ "alloc n int 0042",
	  "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":\"+0042\"}" },
	{ "alloc f float 1.5",
	  "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":1.5}" },
	{ "alloc f float 1e-3",
	  "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":0.001}" },
	{ "alloc f float 0.1",
	  "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":\"0.1\"}" },
	{ "alloc f float -0.0",
	  "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":-0.0}" },
	{ "alloc f float inf",
	  "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":\"inf\"}" },
	{ "alloc f float -inf",
	  "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":\"-inf\"}" },
	{ "alloc f float nan",
	  "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":\"nan\"}" },
	{ "alloc s str hello",
	  "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"hello\"}" },
	{ "alloc s str \"a\\\"b\\\\c\\n\\t\"",
	  "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"a\\\"b\\\\c\\n\\t\"}" },
	{ "alloc s str \"\\xe9t\\xe9\"",
	  "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"\xc3\xa9t\\u00e9\"}" },
	{ "alloc s str \"\\x00z\"",
	  "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"\\u0000z\"}" },
	{ "alloc s str \"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80\"",
	  "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"caf\xc3\xa9 \\u2603 \\ud83d\\ude00\"}" },
	{ "alloc s str \"\"",
	  "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"\"}" },
	{ "alloc b bytes \"\\xff\\x00A\"",
	  "{\"op\":\"alloc\",\"id\":\"b\",\"type\":\"bytes\",\"value\":\"\xc3\xbf\\u0000A\"}" },
	{ "alloc b bytes \"\\xe9\\x80\"",
	  "{\"op\":\"alloc\",\"id\":\"b\",\"type\":\"bytes\",\"value\":\"\\u00e9\\u0080\"}" },
	{ "alloc b bytes \"\"",
	  "{\"op\":\"alloc\",\"id\":\"b\",\"type\":\"bytes\",\"value\":\"\"}" },
	{ "alloc t bool true",
	  "{\"op\":\"alloc\",\"id\":\"t\",\"type\":\"bool\",\"value\":true}" },
	{ "alloc t bool false",
	  "{\"op\":\"alloc\",\"id\":\"t\",\"type\":\"bool\",\"value\":false}" },
	{ "alloc t tuple", "{\"op\":\"alloc\",\"id\":\"t\",\"type\":\"tuple\"}" },
	{ "alloc t tuple 3",
	  "{\"op\":\"alloc\",\"id\":\"t\",\"type\":\"tuple\",\"value\":3}" },
	{ "ref a b", "{\"op\":\"ref\",\"src\":\"a\",\"dst\":\"b\"}" },
	{ "ref a", "{\"op\":\"ref\",\"id\":\"a\"}" },
	{ "unref a b", "{\"op\":\"unref\",\"src\":\"a\",\"dst\":\"b\"}" },
	{ "unref a", "{\"op\":\"unref\",\"id\":\"a\"}" },
	{ "del a", "{\"op\":\"del\",\"id\":\"a\"}" },
	{ "collect", "{\"op\":\"collect\"}" },
	{ "collect 0", "{\"op\":\"collect\",\"gen\":0}" },
	{ "gc enable", "{\"op\":\"gc\",\"action\":\"enable\"}" },
	{ "gc disable", "{\"op\":\"gc\",\"action\":\"disable\"}" },
	{ "gc freeze", "{\"op\":\"gc\",\"action\":\"freeze\"}" },
	{ "gc unfreeze", "{\"op\":\"gc\",\"action\":\"unfreeze\"}" },
	{ "gc threshold 700 10 10",
	  "{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[700,10,10]}" },
	{ "gc threshold 5", "{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[5]}" },
	{ "expect refcnt a 2",
	  "{\"op\":\"expect\",\"kind\":\"refcnt\",\"id\":\"a\",\"value\":2}" },
	{ "expect alive a", "{\"op\":\"expect\",\"kind\":\"alive\",\"id\":\"a\"}" },
	{ "expect freed a", "{\"op\":\"expect\",\"kind\":\"freed\",\"id\":\"a\"}" },
	{ "expect tracked a",
	  "{\"op\":\"expect\",\"kind\":\"tracked\",\"id\":\"a\"}" },
	{ "expect untracked a",
	  "{\"op\":\"expect\",\"kind\":\"untracked\",\"id\":\"a\"}" },
	{ "expect gen a 1",
	  "{\"op\":\"expect\",\"kind\":\"gen\",\"id\":\"a\",\"value\":1}" },
	{ "expect same a b",
	  "{\"op\":\"expect\",\"kind\":\"same\",\"ids\":[\"a\",\"b\"]}" },
	{ "expect count 1 0 0",
	  "{\"op\":\"expect\",\"kind\":\"count\",\"values\":[1,0,0]}" },
	{ "expect collections 3 2 1",
	  "{\"op\":\"expect\",\"kind\":\"collections\",\"values\":[3,2,1]}" },
	{ "expect collected 4",
	  "{\"op\":\"expect\",\"kind\":\"collected\",\"value\":4}" },
	{ "expect freelist tuple:3 5",
	  "{\"op\":\"expect\",\"kind\":\"freelist\",\"type\":\"tuple:3\",\"value\":5}" },
	{ "expect freelist list 80",
	  "{\"op\":\"expect\",\"kind\":\"freelist\",\"type\":\"list\",\"value\":80}" },
	{ "#: python 3.11", "{\"op\":\"setting\",\"python\":\"3.11\"}" },
	{ "#: threshold 10 10 10",
	  "{\"op\":\"setting\",\"threshold\":[10,10,10]}" },
	{ "#: threshold 0", "{\"op\":\"setting\",\"threshold\":[0]}" },
};

#define NSAME (sizeof(same_events) / sizeof(same_events[0]))

static void read_all(const char *ext, const char *data, struct evc *out,
		     size_t n)
{
	sim_reader *r = open_str(ext, data);
	struct sim_event ev;
	size_t k;

	for (k = 0; k < n; k++) {
		next_ok(r, &ev);
		evc_take(&out[k], &ev);
	}
	next_eof(r);
	sim_reader_free(r);
}

static void json_and_text_give_identical_events(void **state)
{
	static struct evc text[NSAME], arr[NSAME], lines[NSAME];
	size_t k, tn = 0, an = 0, ln = 0;
	char *t = malloc(16384), *a = malloc(16384), *l = malloc(16384);

	(void)state;
	assert_non_null(t);
	assert_non_null(a);
	assert_non_null(l);
	an += (size_t)sprintf(a + an, "[");
	for (k = 0; k < NSAME; k++) {
		tn += (size_t)sprintf(t + tn, "%s\n", same_events[k][0]);
		an += (size_t)sprintf(a + an, "%s%s\n", k ? "," : "",
				      same_events[k][1]);
		ln += (size_t)sprintf(l + ln, "%s\n", same_events[k][1]);
	}
	an += (size_t)sprintf(a + an, "]");
	read_all(".trace", t, text, NSAME);
	read_all(".json", a, arr, NSAME);
	read_all(".jsonl", l, lines, NSAME);
	for (k = 0; k < NSAME; k++) {
		evc_equal(&text[k], &arr[k]);
		evc_equal(&text[k], &lines[k]);
		evc_release(&text[k]);
		evc_release(&arr[k]);
		evc_release(&lines[k]);
	}
	free(t);
	free(a);
	free(l);
}

static void json_array_is_streamed_element_by_element(void **state)
{
	size_t n = 0, big = 6u << 20;
	char *data = malloc(big + 1024);
	struct sim_event ev;
	struct sim_diag d;
	sim_reader *r;

	(void)state;
	assert_non_null(data);
	/* a valid first event, then megabytes of them, then garbage */
	n += (size_t)sprintf(data, "[{\"op\":\"collect\",\"gen\":1}");
	while (n < big)
		n += (size_t)sprintf(data + n, ",\n{\"op\":\"gc\",\"action\":\"enable\"}");
	n += (size_t)sprintf(data + n, ",\n{\"op\":\"frob\"}]");
	r = open_data(".json", data, n);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_COLLECT);
	assert_int_equal(ev.gen, 1);
	/* only a bounded window of the input has been read */
	assert_true(sim_reader_offset(r) < 100);
	assert_int_equal(sim_reader_size(r), n);
	while (sim_reader_next(r, &ev, &d) == SIM_OK)
		assert_int_equal(ev.op, SIM_OP_GC);
	assert_string_equal(d.msg + strlen(d.msg) - 17, "unknown op 'frob'");
	assert_true(strncmp(d.msg, "event ", 6) == 0);
	sim_reader_free(r);
	free(data);
}

static void json_nul_escape_survives_in_str_and_bytes(void **state)
{
	struct one o;

	(void)state;
	read_one(&o, ".jsonl",
		 "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"\\u0000a\\u0000\\\\u0000\"}");
	assert_int_equal(o.ev.value.len, 9);
	assert_memory_equal(o.ev.value.s, "\0a\0\\u0000", 9);
	done_one(&o);
}

static void json_unknown_op_mentions_the_element(void **state)
{
	(void)state;
	json_error("[{\"op\":\"del\",\"id\":\"a\"},\n  {\"op\":\"frob\"}]", 2, 3,
		   "event 1: unknown op 'frob'");
	jsonl_error("{\"op\":\"del\",\"id\":\"a\"}\n\n{\"op\":\"frob\"}\n", 3, 1,
		    "event 1: unknown op 'frob'");
	jsonl_error("{\"id\":\"a\"}\n", 1, 1, "event 0: missing key 'op' in event");
	jsonl_error("{\"op\":1}\n", 1, 1,
		    "event 0: key 'op' must be a string in event");
	jsonl_error("{\"op\":\"setting \"}\n", 1, 1,
		    "event 0: unknown op 'setting '");
}

static void json_unknown_key_is_reported(void **state)
{
	(void)state;
	jsonl_error("{\"op\":\"alloc\",\"id\":\"a\",\"type\":\"list\",\"foo\":1}",
		    1, 1, "event 0: unknown key 'foo' in alloc event");
	jsonl_error("{\"op\":\"gc\",\"action\":\"enable\",\"values\":[1]}", 1, 1,
		    "event 0: unknown key 'values' in gc enable event");
	jsonl_error("{\"op\":\"expect\",\"kind\":\"alive\",\"id\":\"a\",\"value\":1}",
		    1, 1, "event 0: unknown key 'value' in expect alive event");
	jsonl_error("{\"op\":\"del\",\"id\":\"a\",\"id\":\"b\"}", 1, 1,
		    "event 0: duplicate key 'id' in del event");
	jsonl_error("{\"op\":\"ref\",\"src\":\"a\"}", 1, 1,
		    "event 0: ref event needs 'src' and 'dst', or 'id'");
	jsonl_error("{\"op\":\"ref\",\"id\":\"a\",\"dst\":\"b\"}", 1, 1,
		    "event 0: ref event needs 'src' and 'dst', or 'id'");
	jsonl_error("{\"op\":\"setting\"}", 1, 1,
		    "event 0: setting event needs exactly one of 'python' and 'threshold'");
	jsonl_error("{\"op\":\"collect\",\"Gen\":1}", 1, 1,
		    "event 0: unknown key 'Gen' in collect event");
}

static void json_wrong_types_are_reported(void **state)
{
	(void)state;
	jsonl_error("{\"op\":\"del\",\"id\":7}", 1, 1,
		    "event 0: key 'id' must be a string in del event");
	jsonl_error("{\"op\":\"del\"}", 1, 1,
		    "event 0: missing key 'id' in del event");
	jsonl_error("{\"op\":\"collect\",\"gen\":\"1\"}", 1, 1,
		    "event 0: key 'gen' must be a number in collect event");
	jsonl_error("{\"op\":\"collect\",\"gen\":1.5}", 1, 1,
		    "event 0: invalid generation '1.5'");
	jsonl_error("{\"op\":\"collect\",\"gen\":3}", 1, 1,
		    "event 0: generation 3 out of range 0..2");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"b\",\"type\":\"bool\",\"value\":1}",
		    1, 1, "event 0: key 'value' must be true or false in alloc event");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":1}",
		    1, 1, "event 0: key 'value' must be a string in alloc event");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"t\",\"type\":\"tuple\",\"value\":\"3\"}",
		    1, 1, "event 0: key 'value' must be a number in alloc event");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"l\",\"type\":\"list\",\"value\":null}",
		    1, 1, "event 0: list takes no value");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"l\",\"type\":\"lst\"}", 1, 1,
		    "event 0: unknown type 'lst'");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\"}", 1, 1,
		    "event 0: missing value for int");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":\"0x1p3\"}",
		    1, 1, "event 0: invalid float value '0x1p3'");
	jsonl_error("{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[1,2,3,4]}",
		    1, 1, "event 0: key 'values' must hold 1 to 3 numbers in gc threshold event, got 4");
	jsonl_error("{\"op\":\"gc\",\"action\":\"threshold\",\"values\":7}", 1, 1,
		    "event 0: key 'values' must be an array in gc threshold event");
	jsonl_error("{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[1,\"2\"]}",
		    1, 1, "event 0: key 'values' must be a number in gc threshold event");
	jsonl_error("{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[3000000000]}",
		    1, 1, "event 0: threshold 3000000000 out of range 0..2147483647");
	jsonl_error("{\"op\":\"gc\",\"action\":\"stop\"}", 1, 1,
		    "event 0: unknown gc action 'stop'");
	jsonl_error("{\"op\":\"expect\",\"kind\":\"count\",\"values\":[1,2]}", 1, 1,
		    "event 0: key 'values' must hold 3 numbers in expect count event, got 2");
	jsonl_error("{\"op\":\"expect\",\"kind\":\"same\",\"ids\":[\"a\"]}", 1, 1,
		    "event 0: key 'ids' must be an array of 2 ids in expect same event");
	jsonl_error("{\"op\":\"expect\",\"kind\":\"same\",\"ids\":[\"a\",\"b c\"]}",
		    1, 1, "event 0: invalid id 'b c' (letters, digits and _ . : - only)");
	jsonl_error("{\"op\":\"expect\",\"kind\":\"weight\"}", 1, 1,
		    "event 0: unknown expect kind 'weight'");
	jsonl_error("{\"op\":\"expect\",\"kind\":\"freelist\",\"type\":\"tuple:25\",\"value\":1}",
		    1, 1, "event 0: free list tuple length 25 out of range 1..20");
	jsonl_error("{\"op\":\"setting\",\"python\":3.12}", 1, 1,
		    "event 0: key 'python' must be a string in setting event");
}

static void json_int_number_must_be_exact(void **state)
{
	struct one o;

	(void)state;
	jsonl_error("{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":1.5}",
		    1, 1, "event 0: invalid int value '1.5'");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":1e300}",
		    1, 1, "event 0: int value 1e300 is not exact as a JSON number (give it as a string or in digits)");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":9007199254740993.0}",
		    1, 1, "event 0: int value 9007199254740993.0 is not exact as a JSON number (give it as a string or in digits)");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":\"12x\"}",
		    1, 1, "event 0: invalid int value '12x'");
	read_one(&o, ".jsonl",
		 "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":-9007199254740991}");
	assert_string_equal(o.ev.value.digits, "-9007199254740991");
	assert_true(o.ev.value.i == -9007199254740991LL);
	assert_int_equal(o.ev.value.fits, 1);
	done_one(&o);
}

static void bytes_with_non_latin1_char_is_rejected(void **state)
{
	(void)state;
	jsonl_error("{\"op\":\"alloc\",\"id\":\"b\",\"type\":\"bytes\",\"value\":\"a\xc4\x80\"}",
		    1, 1, "event 0: bytes value has character U+0100 above U+00FF");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"b\",\"type\":\"bytes\",\"value\":\"\\u20ac\"}",
		    1, 1, "event 0: bytes value has character U+20AC above U+00FF");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"b\",\"type\":\"bytes\",\"value\":\"\xf0\x9f\x98\x80\"}",
		    1, 1, "event 0: bytes value has character U+1F600 above U+00FF");
}

static void json_syntax_errors_report_their_position(void **state)
{
	(void)state;
	jsonl_error("{\"op\":\"del\",\n", 1, 1, "event 0: unterminated object");
	jsonl_error("{\"op\":\"del\",\"id\":\"a}\n", 1, 1,
		    "event 0: unterminated string");
	jsonl_error("{\"op\":\"del\" \"id\":\"a\"}\n", 1, 13,
		    "event 0: expected ',' or '}', got '\"'");
	jsonl_error("  {\"op\":\"del\",\"id\":tru}\n", 1, 20,
		    "event 0: invalid literal 'tru' (true, false or null)");
	jsonl_error("{\"op\":\"del\",\"id\":\"a\"} x\n", 1, 23,
		    "event 0: unexpected data after the event object");
	jsonl_error("[{\"op\":\"del\",\"id\":\"a\"}]\n", 1, 1,
		    "event 0: expected an event object, got '['");
	jsonl_error("{\"op\":\"del\",\"id\":\"a\xff\"}\n", 1, 20,
		    "event 0: invalid utf-8 byte 0xff");
	jsonl_error("{\"op\":\"del\",\"id\":\"a\tb\"}\n", 1, 20,
		    "event 0: invalid control character 0x09 in string");
	json_error("[{\"op\":\"del\",\n \"id\":\"a\" \"x\"}]", 2, 11,
		   "event 0: expected ',' or '}', got '\"'");
}

static void json_array_structure_errors_are_reported(void **state)
{
	(void)state;
	json_error("", 1, 1, "empty input, expected a JSON array");
	json_error("\n  {\"op\":\"collect\"}", 2, 3,
		   "expected '[' at the start of a JSON array, got '{'");
	json_error("[{\"op\":\"collect\"} {\"op\":\"collect\"}]", 1, 19,
		   "expected ',' or ']' after event 0, got '{'");
	json_error("[{\"op\":\"collect\"},]", 1, 19,
		   "event 1: expected an event object, got ']'");
	json_error("[{\"op\":\"collect\"},\n 7]", 2, 2,
		   "event 1: expected an event object, got '7'");
	json_error("[{\"op\":\"collect\"}] x", 1, 20,
		   "unexpected 'x' after the JSON array");
	json_error("[{\"op\":\"collect\"}", 1, 18,
		   "unterminated JSON array (missing ']')");
	json_error("[{\"op\":\"collect\"", 1, 2, "event 0: unterminated object");
	json_error("[{\"op\":\"coll", 1, 2, "event 0: unterminated string");
	json_error("[,]", 1, 2, "event 0: expected an event object, got ','");
}

static void json_element_over_the_limit_is_rejected(void **state)
{
	size_t n = 0, big = (1u << 20) + 100;
	char *data = malloc(big + 100);

	(void)state;
	assert_non_null(data);
	n += (size_t)sprintf(data, "[{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"");
	memset(data + n, 'z', big);
	n += big;
	n += (size_t)sprintf(data + n, "\"}]");
	check_error(".json", data, n, SIM_ETRACE, 1, 2,
		    "event 0: event too long (more than 1048576 bytes)");
	free(data);
}

/*
 * RFC 8259 as the reader enforces it: every case is one event, read as a
 * .jsonl line and as the only element of a .json array; the column is the
 * offending byte's in the .jsonl form.
 */
static const struct bad_json {
	const char *event;
	unsigned long col;
	const char *msg;
} bad_json[] = {
	{ "{\"op\":\x01" "\"collect\"}", 7,
	  "invalid control character 0x01" },
	{ "{\"op\":\"collect\",\x0c" "\"gen\":1}", 17,
	  "invalid control character 0x0c" },
	{ "{\"op\":\"collect\"\x1f" "}", 16,
	  "invalid control character 0x1f" },
	{ "{\"op\":\"del\",\"id\":\"a\x01" "\"}", 20,
	  "invalid control character 0x01 in string" },
	{ "{\"op\":\"collect\",\"gen\":01}", 24,
	  "invalid number '01' (leading zero)" },
	{ "{\"op\":\"collect\",\"gen\":-00}", 25,
	  "invalid number '-00' (leading zero)" },
	{ "{\"op\":\"collect\",\"gen\":1.}", 25,
	  "invalid number '1.' (a digit must follow '.')" },
	{ "{\"op\":\"collect\",\"gen\":1.e5}", 25,
	  "invalid number '1.e5' (a digit must follow '.')" },
	{ "{\"op\":\"collect\",\"gen\":.5}", 23,
	  "invalid number '.5' (a JSON number starts with a digit or '-')" },
	{ "{\"op\":\"collect\",\"gen\":+1}", 23,
	  "invalid number '+1' (a JSON number starts with a digit or '-')" },
	{ "{\"op\":\"collect\",\"gen\":-}", 24,
	  "invalid number '-' (a digit must follow '-')" },
	{ "{\"op\":\"collect\",\"gen\":-.5}", 24,
	  "invalid number '-.5' (a digit must follow '-')" },
	{ "{\"op\":\"collect\",\"gen\":1e}", 25,
	  "invalid number '1e' (the exponent needs a digit)" },
	{ "{\"op\":\"collect\",\"gen\":1E+}", 26,
	  "invalid number '1E+' (the exponent needs a digit)" },
	{ "{\"op\":\"collect\",\"gen\":0x1}", 24,
	  "expected ',' or '}', got 'x'" },
	{ "{\"op\":\"collect\",\"gen\":1 2}", 25,
	  "expected ',' or '}', got '2'" },
	{ "{\"op\":\"collect\",\"gen\":1,}", 25,
	  "expected a key, got '}'" },
	{ "{\"op\":\"collect\",,\"gen\":1}", 17,
	  "expected a key, got ','" },
	{ "{op:\"collect\"}", 2,
	  "expected a key or '}', got 'o'" },
	{ "{\"op\" \"del\"}", 7,
	  "expected ':' after a key, got '\"'" },
	{ "{\"op\":\"del\" \"id\":\"a\"}", 13,
	  "expected ',' or '}', got '\"'" },
	{ "{\"op\":}", 7,
	  "expected a value, got '}'" },
	{ "{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[1,]}", 45,
	  "expected a value, got ']'" },
	{ "{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[1 2]}", 45,
	  "expected ',' or ']', got '2'" },
	{ "{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[,1]}", 43,
	  "expected a value or ']', got ','" },
	{ "{\"op\":\"collect\",\"gen\":nul}", 23,
	  "invalid literal 'nul' (true, false or null)" },
	{ "{\"op\":\"collect\",\"gen\":True}", 23,
	  "invalid literal 'True' (true, false or null)" },
	{ "{\"op\":\"collect\",\"gen\":truex}", 23,
	  "invalid literal 'truex' (true, false or null)" },
	{ "{\"op\":\"collect\",\"gen\":'1'}", 23,
	  "expected a value, got '''" },
	{ "{\"op\":\"del\",\"id\":\"\\q\"}", 19,
	  "invalid escape '\\q' in string" },
	{ "{\"op\":\"del\",\"id\":\"\\x41\"}", 19,
	  "invalid escape '\\x' in string" },
	{ "{\"op\":\"del\",\"id\":\"\\u12g4\"}", 19,
	  "invalid escape '\\u12g4' in string" },
	{ "{\"op\":\"del\",\"id\":\"\\ud800\"}", 19,
	  "unpaired surrogate '\\ud800' in string" },
	{ "{\"op\":\"del\",\"id\":\"\\uDC00x\"}", 19,
	  "unpaired surrogate '\\uDC00' in string" },
	{ "{\"op\":\"del\",\"id\":\"\\ud800\\u0041\"}", 19,
	  "unpaired surrogate '\\ud800' in string" },
	{ "{\"op\":\"del\",\"id\":\"a\\ud83d\\ude00\\ud83d\"}", 32,
	  "unpaired surrogate '\\ud83d' in string" },
};

static void json_grammar_violations_are_rejected_where_they_occur(void **state)
{
	char data[256], msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_json) / sizeof(bad_json[0]); i++) {
		const struct bad_json *b = &bad_json[i];

		snprintf(msg, sizeof(msg), "event 0: %s", b->msg);
		snprintf(data, sizeof(data), "%s\n", b->event);
		jsonl_error(data, 1, b->col, msg);
		snprintf(data, sizeof(data), "[%s]", b->event);
		json_error(data, 1, b->col + 1, msg);
	}
	/* across lines, and a raw NUL between tokens */
	json_error("[{\"op\":\"collect\",\n  \"gen\":01}]", 2, 10,
		   "event 0: invalid number '01' (leading zero)");
	check_error(".jsonl", "{\"op\":\0\"collect\"}", 17, SIM_ETRACE, 1, 7,
		    "event 0: invalid control character 0x00");
	/* between the elements of the array */
	json_error("[{\"op\":\"collect\"},\x01{\"op\":\"collect\"}]", 1, 19,
		   "event 1: expected an event object, got '\\x01'");
}

static void json_nesting_is_bounded(void **state)
{
	char data[1024];
	size_t n = 0;
	int k;

	(void)state;
	n += (size_t)sprintf(data, "{\"op\":\"collect\",\"x\":");
	for (k = 0; k < 200; k++)
		data[n++] = '[';
	for (k = 0; k < 200; k++)
		data[n++] = ']';
	data[n++] = '}';
	data[n] = '\0';
	jsonl_error(data, 1, 120,
		    "event 0: JSON nested too deeply (more than 100 levels)");
}

/* Valid JSON that the strict checks must let through, in both forms. */
static const char *const good_json[] = {
	"{ \"op\" : \"collect\" , \"gen\" : 1 }",
	"{\t\"op\":\"collect\",\r\"gen\":0}",
	"{\"op\":\"collect\",\"gen\":-0}",
	"{\"op\":\"collect\",\"gen\":1e0}",
	"{\"op\":\"collect\",\"gen\":2.0}",
	"{\"op\":\"collect\",\"gen\":0.1e1}",
	"{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":-0.5e-3}",
	"{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":1E+2}",
	"{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":0.0}",
	"{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\x7f\"}",
	"{\"op\":\"alloc\",\"id\":\"b\",\"type\":\"bool\",\"value\":false}",
	"{\"op\":\"del\",\"id\":\"\\u0061\"}",
	"{\"op\":\"expect\",\"kind\":\"count\",\"values\":[ 0 , 1 ,2 ]}",
};

static void valid_json_still_parses(void **state)
{
	char data[256];
	struct one o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_json) / sizeof(good_json[0]); i++) {
		snprintf(data, sizeof(data), "%s\n", good_json[i]);
		read_one(&o, ".jsonl", data);
		done_one(&o);
		snprintf(data, sizeof(data), "[\n%s\n]", good_json[i]);
		read_one(&o, ".json", data);
		done_one(&o);
	}
	read_one(&o, ".jsonl",
		 "{\"op\":\"alloc\",\"id\":\"s\",\"type\":\"str\",\"value\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"}");
	assert_int_equal(o.ev.value.len, 14);
	assert_memory_equal(o.ev.value.s, "\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80", 14);
	done_one(&o);
	read_one(&o, ".jsonl", "{\"op\":\"collect\",\"gen\":1e0}");
	assert_int_equal(o.ev.gen, 1);
	done_one(&o);
}

static void json_numbers_are_read_from_their_source_text(void **state)
{
	char data[256];
	struct one o;

	(void)state;
	/* every digit of an int, however long: not the nearest double */
	read_one(&o, ".jsonl",
		 "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":9007199254740993}");
	assert_string_equal(o.ev.value.digits, "9007199254740993");
	assert_true(o.ev.value.i == 9007199254740993LL);
	done_one(&o);
	read_one(&o, ".jsonl",
		 "{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":-123456789012345678901234567890123456789012345678901234567890123456789}");
	assert_string_equal(o.ev.value.digits, "-123456789012345678901234567890123456789012345678901234567890123456789");
	assert_int_equal(o.ev.value.fits, 0);
	done_one(&o);
	/* a float longer than cJSON's 63-byte number buffer */
	snprintf(data, sizeof(data),
		 "{\"op\":\"alloc\",\"id\":\"f\",\"type\":\"float\",\"value\":0.%0100d1e2}", 0);
	read_one(&o, ".jsonl", data);
	assert_true(o.ev.value.f == 1e-99);
	done_one(&o);
	/* messages quote the number as written */
	jsonl_error("{\"op\":\"collect\",\"gen\":99999999999999999999}", 1, 1,
		    "event 0: generation 99999999999999999999 out of range 0..2");
	jsonl_error("{\"op\":\"collect\",\"gen\":1e400}", 1, 1,
		    "event 0: generation 1e400 out of range 0..2");
	jsonl_error("{\"op\":\"collect\",\"gen\":-1E0}", 1, 1,
		    "event 0: generation -1E0 out of range 0..2");
	jsonl_error("{\"op\":\"gc\",\"action\":\"threshold\",\"values\":[3e9]}",
		    1, 1, "event 0: threshold 3e9 out of range 0..2147483647");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"int\",\"value\":1e400}",
		    1, 1, "event 0: int value 1e400 is not exact as a JSON number (give it as a string or in digits)");
	jsonl_error("{\"op\":\"alloc\",\"id\":\"t\",\"type\":\"tuple\",\"value\":2.50}",
		    1, 1, "event 0: invalid tuple length '2.50'");
}

static void json_nul_escape_shows_as_written(void **state)
{
	(void)state;
	jsonl_error("{\"op\":\"del\",\"id\":\"a\\u0000b\"}", 1, 1,
		    "event 0: invalid id 'a\\u0000b' (letters, digits and _ . : - only)");
	jsonl_error("{\"op\":\"del\",\"i\\u0000d\":\"a\"}", 1, 1,
		    "event 0: unknown key 'i\\u0000d' in del event");
	jsonl_error("{\"op\":\"del\\u0000\"}", 1, 1,
		    "event 0: unknown op 'del\\u0000'");
	jsonl_error("{\"op\":\"setting\",\"python\":\"3.12\\u0000\"}", 1, 1,
		    "event 0: invalid python version '3.12\\u0000'");
}

static void long_python_version_is_rejected_whole(void **state)
{
	char data[400];

	(void)state;
	snprintf(data, sizeof(data), "#: python 3.12%0200d\n", 0);
	text_error(data, 1, 11,
		   "python version too long (204 bytes, at most 31)");
	snprintf(data, sizeof(data),
		 "{\"op\":\"setting\",\"python\":\"3.12%0200d\"}\n", 0);
	jsonl_error(data, 1, 1,
		    "event 0: python version too long (204 bytes, at most 31)");
}

static void long_path_is_named_whole_in_diagnostics(void **state)
{
	char dir[1024], path[1100], comp[101];
	struct sim_event ev;
	struct sim_diag d;
	sim_reader *r;
	FILE *f;
	int k;

	(void)state;
	memset(comp, 'd', 100);
	comp[100] = '\0';
	snprintf(dir, sizeof(dir), "%s", tmpdir);
	for (k = 0; k < 8; k++) {
		size_t n = strlen(dir);

		snprintf(dir + n, sizeof(dir) - n, "/%s", comp);
		assert_int_equal(mkdir(dir, 0700), 0);
	}
	snprintf(path, sizeof(path), "%s/bad.trace", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("frob\n", f);
	fclose(f);
	assert_int_equal(sim_reader_open(&r, path, SIM_FMT_AUTO, &d), SIM_OK);
	assert_int_equal(sim_reader_next(r, &ev, &d), SIM_ETRACE);
	assert_true(strlen(path) > 800);
	assert_string_equal(d.file, path);
	sim_reader_free(r);
	unlink(path);
	for (k = 0; k < 8; k++) {
		assert_int_equal(rmdir(dir), 0);
		*strrchr(dir, '/') = '\0';
	}
}

static void overlong_path_is_abbreviated_in_the_middle(void **state)
{
	static char path[9000];
	struct sim_diag d;
	sim_reader *r;
	size_t n;

	(void)state;
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	memcpy(path + sizeof(path) - 7, ".trace", 7);
	assert_int_equal(sim_reader_open(&r, path, SIM_FMT_AUTO, &d), SIM_EIO);
	assert_string_equal(d.msg, "cannot open: file name too long");
	n = strlen(d.file);
	assert_true(n < sizeof(d.file));
	assert_memory_equal(d.file, path, 100);
	assert_non_null(strstr(d.file, "..."));
	assert_string_equal(d.file + n - 6, ".trace");
}

/* Memory */

static void memory_input_is_read_and_sniffed(void **state)
{
	static const char *const inputs[] = {
		"alloc a list\ndel a\n",
		"[{\"op\":\"alloc\",\"id\":\"a\",\"type\":\"list\"},\n {\"op\":\"del\",\"id\":\"a\"}]",
		"\n{\"op\":\"alloc\",\"id\":\"a\",\"type\":\"list\"}\n{\"op\":\"del\",\"id\":\"a\"}",
	};
	struct sim_event ev;
	struct sim_diag d;
	sim_reader *r;
	char *copy;
	size_t i, n;

	(void)state;
	for (i = 0; i < 3; i++) {
		/* the reader keeps its own copy, with no NUL after it */
		n = strlen(inputs[i]);
		copy = malloc(n);
		assert_non_null(copy);
		memcpy(copy, inputs[i], n);
		r = sim_reader_open_mem("<mem>", copy, n, SIM_FMT_AUTO);
		free(copy);
		assert_int_equal(sim_reader_size(r), n);
		next_ok(r, &ev);
		assert_int_equal(ev.op, SIM_OP_ALLOC);
		assert_string_equal(ev.id, "a");
		next_ok(r, &ev);
		assert_int_equal(ev.op, SIM_OP_DEL);
		next_eof(r);
		assert_int_equal(sim_reader_offset(r), n);
		sim_reader_free(r);
	}
	r = sim_reader_open_mem("fuzz-input", "alloc a list\nfrob\n", 18,
				SIM_FMT_TEXT);
	next_ok(r, &ev);
	assert_int_equal(sim_reader_next(r, &ev, &d), SIM_ETRACE);
	assert_string_equal(d.file, "fuzz-input");
	assert_int_equal(d.line, 2);
	assert_string_equal(d.msg, "unknown event 'frob'");
	sim_reader_free(r);
	r = sim_reader_open_mem("empty", "", 0, SIM_FMT_JSONL);
	next_eof(r);
	sim_reader_free(r);
}

/* Reader */

static void format_can_be_forced(void **state)
{
	const char *p = write_file(".trace", "[{\"op\":\"collect\"}]", 18);
	struct sim_event ev;
	struct sim_diag d;
	sim_reader *r;

	(void)state;
	assert_int_equal(sim_reader_open(&r, p, SIM_FMT_JSON, &d), SIM_OK);
	unlink(p);
	next_ok(r, &ev);
	assert_int_equal(ev.op, SIM_OP_COLLECT);
	next_eof(r);
	sim_reader_free(r);
	p = write_file(".json", "collect 1\n", 10);
	assert_int_equal(sim_reader_open(&r, p, SIM_FMT_TEXT, &d), SIM_OK);
	unlink(p);
	next_ok(r, &ev);
	assert_int_equal(ev.gen, 1);
	sim_reader_free(r);
}

static void sniff_stdin(const char *data, int op)
{
	int saved = dup(0), fd;
	const char *p = write_file(".txt", data, strlen(data));
	struct sim_event ev;
	struct sim_diag d;
	sim_reader *r;

	fd = open(p, O_RDONLY);
	assert_true(saved >= 0 && fd >= 0);
	unlink(p);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	assert_int_equal(sim_reader_open(&r, "-", SIM_FMT_AUTO, &d), SIM_OK);
	assert_string_equal(sim_reader_path(r), "<stdin>");
	next_ok(r, &ev);
	assert_int_equal(ev.op, op);
	assert_int_equal(ev.line, 3);
	next_eof(r);
	sim_reader_free(r);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
}

static void stdin_format_is_sniffed_from_its_first_character(void **state)
{
	(void)state;
	sniff_stdin("\n \n  [{\"op\":\"collect\"}]", SIM_OP_COLLECT);
	sniff_stdin("\r\n\n{\"op\":\"del\",\"id\":\"a\"}\n", SIM_OP_DEL);
	sniff_stdin("# comment\n\ngc enable\n", SIM_OP_GC);
	sniff_stdin("\n\n#: python 3.8\n", SIM_OP_SETTING);
}

static void missing_file_is_an_io_error(void **state)
{
	struct sim_diag d;
	sim_reader *r = (sim_reader *)&d;
	char p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/no-such.trace", tmpdir);
	assert_int_equal(sim_reader_open(&r, p, SIM_FMT_AUTO, &d), SIM_EIO);
	assert_null(r);
	assert_string_equal(d.file, p);
	assert_string_equal(d.msg, "cannot open: no such file or directory");
	assert_int_equal(sim_reader_open(&r, tmpdir, SIM_FMT_AUTO, &d), SIM_EIO);
	assert_string_equal(d.msg, "cannot open: is a directory");
}

static void diagnostic_names_the_file_as_given(void **state)
{
	struct sim_event ev;
	struct sim_diag d;
	sim_reader *r;
	const char *p;

	(void)state;
	p = write_file(".trace", "frob\n", 5);
	assert_int_equal(sim_reader_open(&r, p, SIM_FMT_AUTO, &d), SIM_OK);
	assert_string_equal(sim_reader_path(r), p);
	assert_int_equal(sim_reader_next(r, &ev, &d), SIM_ETRACE);
	assert_string_equal(d.file, p);
	unlink(p);
	/* a failed reader stays failed */
	assert_int_equal(sim_reader_next(r, &ev, &d), SIM_ETRACE);
	sim_reader_free(r);
	sim_reader_free(NULL);
}

static void names_are_the_words_of_the_trace_language(void **state)
{
	(void)state;
	assert_string_equal(sim_op_name(SIM_OP_ALLOC), "alloc");
	assert_string_equal(sim_op_name(SIM_OP_REF), "ref");
	assert_string_equal(sim_op_name(SIM_OP_UNREF), "unref");
	assert_string_equal(sim_op_name(SIM_OP_DEL), "del");
	assert_string_equal(sim_op_name(SIM_OP_COLLECT), "collect");
	assert_string_equal(sim_op_name(SIM_OP_GC), "gc");
	assert_string_equal(sim_op_name(SIM_OP_EXPECT), "expect");
	assert_string_equal(sim_op_name(SIM_OP_SETTING), "setting");
	assert_string_equal(sim_type_name(SIM_T_NONE), "none");
	assert_string_equal(sim_type_name(SIM_T_BOOL), "bool");
	assert_string_equal(sim_type_name(SIM_T_INT), "int");
	assert_string_equal(sim_type_name(SIM_T_FLOAT), "float");
	assert_string_equal(sim_type_name(SIM_T_STR), "str");
	assert_string_equal(sim_type_name(SIM_T_BYTES), "bytes");
	assert_string_equal(sim_type_name(SIM_T_TUPLE), "tuple");
	assert_string_equal(sim_type_name(SIM_T_LIST), "list");
	assert_string_equal(sim_type_name(SIM_T_DICT), "dict");
	assert_string_equal(sim_type_name(SIM_T_SET), "set");
	assert_string_equal(sim_type_name(SIM_T_OBJECT), "object");
	assert_string_equal(sim_gc_action_name(SIM_GC_ENABLE), "enable");
	assert_string_equal(sim_gc_action_name(SIM_GC_DISABLE), "disable");
	assert_string_equal(sim_gc_action_name(SIM_GC_THRESHOLD), "threshold");
	assert_string_equal(sim_gc_action_name(SIM_GC_FREEZE), "freeze");
	assert_string_equal(sim_gc_action_name(SIM_GC_UNFREEZE), "unfreeze");
	assert_string_equal(sim_expect_name(SIM_EXPECT_REFCNT), "refcnt");
	assert_string_equal(sim_expect_name(SIM_EXPECT_ALIVE), "alive");
	assert_string_equal(sim_expect_name(SIM_EXPECT_FREED), "freed");
	assert_string_equal(sim_expect_name(SIM_EXPECT_TRACKED), "tracked");
	assert_string_equal(sim_expect_name(SIM_EXPECT_UNTRACKED), "untracked");
	assert_string_equal(sim_expect_name(SIM_EXPECT_GEN), "gen");
	assert_string_equal(sim_expect_name(SIM_EXPECT_SAME), "same");
	assert_string_equal(sim_expect_name(SIM_EXPECT_COUNT), "count");
	assert_string_equal(sim_expect_name(SIM_EXPECT_COLLECTIONS),
			    "collections");
	assert_string_equal(sim_expect_name(SIM_EXPECT_COLLECTED), "collected");
	assert_string_equal(sim_expect_name(SIM_EXPECT_FREELIST), "freelist");
	assert_string_equal(sim_type_name(SIM_T_COUNT_), "?");
}

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_trace.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alloc_of_every_container_type_is_read),
		cmocka_unit_test(ref_unref_and_del_forms_are_read),
		cmocka_unit_test(collect_defaults_to_generation_2),
		cmocka_unit_test(generation_out_of_range_is_reported),
		cmocka_unit_test(gc_actions_are_read),
		cmocka_unit_test(gcobj_and_safepoint_are_read_in_every_form),
		cmocka_unit_test(gc_errors_are_reported),
		cmocka_unit_test(every_expect_kind_is_read),
		cmocka_unit_test(expect_errors_are_reported),
		cmocka_unit_test(pack_is_read_and_written_in_every_form),
		cmocka_unit_test(pack_errors_are_reported),
		cmocka_unit_test(finalizer_words_read_alike),
		cmocka_unit_test(setting_line_is_not_a_comment),
		cmocka_unit_test(unknown_setting_is_reported),
		cmocka_unit_test(comments_and_blank_lines_are_skipped),
		cmocka_unit_test(hash_inside_quotes_is_part_of_the_string),
		cmocka_unit_test(crlf_line_endings_are_tolerated),
		cmocka_unit_test(last_line_without_newline_is_read),
		cmocka_unit_test(quoted_string_escapes_are_decoded),
		cmocka_unit_test(str_hex_escape_is_a_code_point_stored_as_utf8),
		cmocka_unit_test(bare_word_str_keeps_its_text),
		cmocka_unit_test(bytes_hex_escape_is_a_raw_byte),
		cmocka_unit_test(bytes_with_literal_non_ascii_is_rejected),
		cmocka_unit_test(invalid_escape_is_reported_with_its_column),
		cmocka_unit_test(unterminated_string_is_reported),
		cmocka_unit_test(big_int_keeps_its_digits),
		cmocka_unit_test(int_digits_are_canonical),
		cmocka_unit_test(invalid_int_value_is_reported),
		cmocka_unit_test(float_forms_are_parsed),
		cmocka_unit_test(decimal_floats_read_as_strtod_reads_them),
		cmocka_unit_test(hex_floats_and_garbage_are_rejected),
		cmocka_unit_test(bool_tuple_and_none_values_are_read),
		cmocka_unit_test(value_errors_are_reported),
		cmocka_unit_test(unknown_event_is_reported_with_line_and_column),
		cmocka_unit_test(unknown_type_is_reported),
		cmocka_unit_test(wrong_arity_is_reported),
		cmocka_unit_test(id_syntax_is_checked),
		cmocka_unit_test(invalid_utf8_is_reported_with_position),
		cmocka_unit_test(control_character_is_rejected),
		cmocka_unit_test(long_lines_work_and_overlong_lines_are_rejected),
		cmocka_unit_test(many_events_across_buffer_refills_are_read),
		cmocka_unit_test(byte_order_mark_is_skipped),
		cmocka_unit_test(empty_inputs_have_no_events),
		cmocka_unit_test(json_array_events_are_read),
		cmocka_unit_test(jsonl_events_are_read_with_blank_lines),
		cmocka_unit_test(json_and_text_give_identical_events),
		cmocka_unit_test(json_array_is_streamed_element_by_element),
		cmocka_unit_test(json_nul_escape_survives_in_str_and_bytes),
		cmocka_unit_test(json_unknown_op_mentions_the_element),
		cmocka_unit_test(json_unknown_key_is_reported),
		cmocka_unit_test(json_wrong_types_are_reported),
		cmocka_unit_test(json_int_number_must_be_exact),
		cmocka_unit_test(bytes_with_non_latin1_char_is_rejected),
		cmocka_unit_test(json_syntax_errors_report_their_position),
		cmocka_unit_test(json_array_structure_errors_are_reported),
		cmocka_unit_test(json_element_over_the_limit_is_rejected),
		cmocka_unit_test(json_grammar_violations_are_rejected_where_they_occur),
		cmocka_unit_test(json_nesting_is_bounded),
		cmocka_unit_test(valid_json_still_parses),
		cmocka_unit_test(json_numbers_are_read_from_their_source_text),
		cmocka_unit_test(json_nul_escape_shows_as_written),
		cmocka_unit_test(long_python_version_is_rejected_whole),
		cmocka_unit_test(long_path_is_named_whole_in_diagnostics),
		cmocka_unit_test(overlong_path_is_abbreviated_in_the_middle),
		cmocka_unit_test(memory_input_is_read_and_sniffed),
		cmocka_unit_test(format_can_be_forced),
		cmocka_unit_test(stdin_format_is_sniffed_from_its_first_character),
		cmocka_unit_test(missing_file_is_an_io_error),
		cmocka_unit_test(diagnostic_names_the_file_as_given),
		cmocka_unit_test(names_are_the_words_of_the_trace_language),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}

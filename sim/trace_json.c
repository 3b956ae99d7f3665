/*
 * trace_json.c - the JSON forms of the trace language, a JSON array (.json)
 * and JSON lines (.jsonl): their readers, the strict checker of the JSON
 * syntax, and the writer of one event as one object.
 *
 * JSON elements are cut out of the stream by a small bracket scanner,
 * checked byte by byte (json_check) and only then handed to cJSON, one
 * event at a time.  The keys each event may hold come from tracelang.h.
 *
 * JSON forms (one object per event; keys in any order; an unknown or
 * repeated key, a missing key or a value of the wrong JSON type is an error):
 *
 *   {"op":"alloc","id":ID,"type":T}          T: none list dict set object
 *                                            gcobj tuple
 *   {"op":"alloc","id":ID,"type":T,"value":V}
 *       int:   a number in digits, of any length; an integral number
 *              with a fraction or exponent (2.0, 1e2) below 2^53 in
 *              magnitude; or a string of decimal digits with an optional
 *              sign ("-1234567890123456789")
 *       float: number, or string ("inf", "-inf", "nan", "1e-3")
 *       str:   string
 *       bytes: string of U+0000..U+00FF, one byte per character
 *       bool:  true or false
 *       tuple: number, the length
 *   {"op":"ref","src":ID,"dst":ID}
 *   {"op":"ref","id":ID}                     a root reference
 *   {"op":"unref","src":ID,"dst":ID}
 *   {"op":"del","id":ID}                     {"op":"unref","id":ID} too
 *   {"op":"pack","id":ID,"items":[ID,...]}   1 to SIM_PACK_MAX items
 *   {"op":"weakref","id":ID,"target":ID}     "callback":ID optional
 *   {"op":"on","id":ID,"do":A,"args":[ID,...]}  A: ref unref bind del
 *   {"op":"collect"}                         generation 2
 *   {"op":"collect","gen":G}
 *   {"op":"gc","action":A}                   A: enable disable freeze
 *                                            unfreeze safepoint
 *                                            cleargarbage
 *   {"op":"gc","action":"threshold","values":[T0,T1,T2]}   1 to 3 numbers
 *   {"op":"gc","action":A,"values":[0|1]}    A: saveall callback
 *   {"op":"expect","kind":"refcnt","id":ID,"value":N}
 *   {"op":"expect","kind":K,"id":ID}         K: alive freed tracked
 *                                            untracked finalized
 *                                            unfinalized cleared
 *   {"op":"expect","kind":"gen","id":ID,"value":G}
 *   {"op":"expect","kind":K,"ids":[ID,ID]}   K: same referent
 *   {"op":"expect","kind":"called","id":ID,"value":N}
 *   {"op":"expect","kind":"count","values":[C0,C1,C2]}
 *   {"op":"expect","kind":"collections","values":[K0,K1,K2]}
 *   {"op":"expect","kind":K,"value":N}      K: collected garbage frozen
 *                                            uncollectable
 *   {"op":"expect","kind":"stats","values":[G,C,U]}
 *   {"op":"expect","kind":"freelist","type":F,"value":N}
 *                                            F: list dict float tuple:K
 *   {"op":"setting","python":VERSION}        e.g. "3.12"
 *   {"op":"setting","threshold":[T0,T1,T2]}  1 to 3 numbers
 *
 * Every number but a float value must be integral; ranges are those of the
 * text form.  Text and JSON giving the same events give equal sim_events.
 *
 * The JSON is RFC 8259's, checked byte by byte (json_check): no control
 * characters but blanks between tokens, no 01, 1., .5, +1 or 1e, strings
 * of well-formed UTF-8 with no raw control characters and no unpaired
 * surrogate escapes.  Containers nest at most JSON_DEPTH_MAX deep.
 */
#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "trace_impl.h"

#define JSON_EXACT 9007199254740992.0 /* 2^53: JSON numbers are exact below */
#define JSON_DEPTH_MAX 100      /* containers in containers, the event's own
				   included; cJSON's limit is 1000 */

struct jev {
	struct sim_reader *r;
	struct sim_diag *d;
	struct sim_event *ev;
	const cJSON *obj;
	const char *op;         /* for messages: "alloc event", ... */
	const char *sub;        /* "gc threshold event", or NULL */
	char what[48];
};

/* What the event is, for a message; built only when one is needed. */
static const char *jwhat(struct jev *j)
{
	if (!j->op)
		return "event";
	if (j->sub)
		snprintf(j->what, sizeof(j->what), "%s %s event", j->op, j->sub);
	else
		snprintf(j->what, sizeof(j->what), "%s event", j->op);
	return j->what;
}

static int jfail(struct jev *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int jfail(struct jev *j, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tr_fail(j->r, j->d, j->ev->line, j->ev->col, "%s", msg);
}

/* tr_show() for a string cJSON gave, which may hold NUL_MARK. */
static const char *jshow(struct shown *b, const char *s)
{
	return tr_show_as(b, s, strlen(s), 1);
}

/* Whether key is one of the space-separated words. */
static int key_in(const char *words, const char *key)
{
	size_t n = strlen(key);

	for (const char *w = words; *w; w += strcspn(w, " ")) {
		w += *w == ' ';
		if (strncmp(w, key, n) == 0 && (w[n] == ' ' || w[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Every key must be "op" or one of allowed (space-separated), and once. */
static int jkeys(struct jev *j, const char *allowed)
{
	const cJSON *it, *prev;
	struct shown b;

	for (it = j->obj->child; it; it = it->next) {
		const char *key = it->string ? it->string : "";

		if (strcmp(key, "op") != 0 && !key_in(allowed, key))
			return jfail(j, "unknown key '%s' in %s",
				     jshow(&b, key), jwhat(j));
		for (prev = j->obj->child; prev != it; prev = prev->next)
			if (prev->string && strcmp(prev->string, key) == 0)
				return jfail(j, "duplicate key '%s' in %s",
					     jshow(&b, key), jwhat(j));
	}
	return SIM_OK;
}

static const cJSON *jget(struct jev *j, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(j->obj, key);
}

static int jstring(struct jev *j, const char *key, char **out)
{
	const cJSON *it = jget(j, key);

	if (!it)
		return jfail(j, "missing key '%s' in %s", key, jwhat(j));
	if (!cJSON_IsString(it))
		return jfail(j, "key '%s' must be a string in %s", key,
			     jwhat(j));
	*out = it->valuestring;
	return SIM_OK;
}

static int jid_of(struct jev *j, const cJSON *it, const char *key,
		  const char **out, size_t *len)
{
	if (!cJSON_IsString(it))
		return jfail(j, "key '%s' must be a string in %s", key,
			     jwhat(j));
	*out = it->valuestring;
	*len = strlen(*out);
	return tr_check_id(j->r, j->d, j->ev->line, j->ev->col, *out, *len);
}

static int jid(struct jev *j, const char *key, const char **out, size_t *len)
{
	const cJSON *it = jget(j, key);

	if (!it)
		return jfail(j, "missing key '%s' in %s", key, jwhat(j));
	return jid_of(j, it, key, out, len);
}

/*
 * The text of the number item it, as the input wrote it: json_check kept
 * the numbers of the event in document order, the order in which a walk of
 * the tree, children before siblings, meets them.
 */
static int jnum_find(const cJSON *node, const cJSON *it, size_t *k)
{
	for (; node; node = node->next) {
		if (node == it)
			return 1;
		if (cJSON_IsNumber(node))
			(*k)++;
		if (node->child && jnum_find(node->child, it, k))
			return 1;
	}
	return 0;
}

static char *jnum_text(struct jev *j, const cJSON *it)
{
	size_t k = 0;
	int found = jnum_find(j->obj->child, it, &k);

	assert(found && k < j->r->njnum);
	(void)found;
	return j->r->jnum + j->r->jnum_at[k];
}

/* Whether a JSON number is written as an integer: no fraction, no exponent. */
static int is_int_text(const char *s)
{
	return strpbrk(s, ".eE") == NULL;
}

/* A JSON number in the text form's spelling, for an integral double. */
static const char *num_token(double v, char *buf, size_t size)
{
	if (v > -9.2e18 && v < 9.2e18 && (double)(long long)v == v)
		snprintf(buf, size, "%lld", (long long)v);
	else
		snprintf(buf, size, "%.17g", v);
	return buf;
}

/*
 * An integral number in min..max.  Written with a fraction or an exponent
 * (2.0, 1e2), it is taken for its value; messages quote it as written.
 */
static int jnum_of(struct jev *j, const cJSON *it, const char *key,
		   long long min, long long max, const char *what,
		   long long *out)
{
	struct shown b;
	const char *s;
	double v;

	if (!cJSON_IsNumber(it))
		return jfail(j, "key '%s' must be a number in %s", key,
			     jwhat(j));
	s = jnum_text(j, it);
	if (is_int_text(s))
		return tr_get_num(j->r, j->d, j->ev->line, j->ev->col, s,
			       strlen(s), min, max, what, out);
	v = strtod(s, NULL);
	if (v - v == 0 && v != floor(v))
		return jfail(j, "invalid %s '%s'", what,
			     tr_show(&b, s, strlen(s)));
	if (!(v >= (double)min && v <= (double)max && v > -9.2e18 &&
	      v < 9.2e18))
		return jfail(j, "%s %s out of range %lld..%lld", what,
			     tr_show(&b, s, strlen(s)), min, max);
	*out = (long long)v;
	return SIM_OK;
}

static int jnums(struct jev *j, const char *key, int minn, int maxn,
		 long long max, const char *what)
{
	const cJSON *arr = jget(j, key), *it;
	long long n;
	int k = 0, cnt, rc;

	if (!arr)
		return jfail(j, "missing key '%s' in %s", key, jwhat(j));
	if (!cJSON_IsArray(arr))
		return jfail(j, "key '%s' must be an array in %s", key,
			     jwhat(j));
	cnt = cJSON_GetArraySize(arr);
	if (cnt < minn || cnt > maxn) {
		if (minn == maxn)
			return jfail(j, "key '%s' must hold %d numbers in %s, got %d",
				     key, minn, jwhat(j), cnt);
		return jfail(j, "key '%s' must hold %d to %d numbers in %s, got %d",
			     key, minn, maxn, jwhat(j), cnt);
	}
	for (it = arr->child; it; it = it->next, k++) {
		rc = jnum_of(j, it, key, 0, max, what, &n);
		if (rc)
			return rc;
		j->ev->nums[k] = (long)n;
	}
	j->ev->nnums = cnt;
	return SIM_OK;
}

/* cJSON strings end at NUL: turn the marks json_check left back to NUL. */
static size_t json_unmark(char *s)
{
	size_t i, len = strlen(s);

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] == NUL_MARK)
			s[i] = '\0';
	return len;
}

/* A well-formed UTF-8 string made of U+0000..U+00FF, to bytes, in place. */
static int json_latin1(struct jev *j, char *s, size_t *len)
{
	unsigned char *p = (unsigned char *)s, *w = p;

	while (*p) {
		if (*p == NUL_MARK) {
			*w++ = 0;
			p++;
		} else if (*p < 0x80) {
			*w++ = *p++;
		} else {
			size_t k = utf8_seq(p, 4);
			unsigned long cp = *p & (0xFF >> (k + 1));
			size_t m;

			for (m = 1; m < k; m++)
				cp = cp << 6 | (p[m] & 0x3F);
			if (cp > 0xFF)
				return jfail(j, "bytes value has character U+%04lX above U+00FF",
					     cp);
			*w++ = (unsigned char)cp;
			p += k;
		}
	}
	*len = (size_t)(w - (unsigned char *)s);
	return SIM_OK;
}

static int json_value(struct jev *j)
{
	struct sim_event *ev = j->ev;
	struct sim_value *val = &ev->value;
	const cJSON *it = jget(j, "value");
	const char *name = sim_type_name(ev->type);
	struct shown b;
	char buf[40];
	long long n;
	int rc;

	switch (tr_type_value[ev->type]) {
	case TV_OP:
		return jfail(j, "%s", tr_weakref_alloc);
	case TV_NONE:
		if (it)
			return jfail(j, "%s takes no value", name);
		return SIM_OK;
	case TV_LENGTH:
		if (!it)
			return SIM_OK;
		rc = jnum_of(j, it, "value", 0, SIM_TUPLE_MAX, "tuple length",
			     &n);
		if (rc)
			return rc;
		val->has = 1;
		val->i = n;
		return SIM_OK;
	}
	if (!it)
		return jfail(j, "missing value for %s", name);
	val->has = 1;
	switch (ev->type) {
	case SIM_T_BOOL:
		if (!cJSON_IsBool(it))
			return jfail(j, "key 'value' must be true or false in %s",
				     jwhat(j));
		val->i = cJSON_IsTrue(it) ? 1 : 0;
		return SIM_OK;
	case SIM_T_INT:
		if (cJSON_IsNumber(it)) {
			char *s = jnum_text(j, it);
			double v;

			/* digits are exact, however many */
			if (is_int_text(s)) {
				tr_canon_int(s, strlen(s), val);
				return SIM_OK;
			}
			v = strtod(s, NULL);
			if (v - v == 0 && v != floor(v))
				return jfail(j, "invalid int value '%s'",
					     tr_show(&b, s, strlen(s)));
			if (!(v > -JSON_EXACT && v < JSON_EXACT))
				return jfail(j, "int value %s is not exact as a JSON number (give it as a string or in digits)",
					     tr_show(&b, s, strlen(s)));
			num_token(v, buf, sizeof(buf));
			memcpy(j->r->numbuf, buf, sizeof(buf));
			tr_canon_int(j->r->numbuf, strlen(j->r->numbuf), val);
			return SIM_OK;
		}
		if (!cJSON_IsString(it))
			return jfail(j, "key 'value' must be a number or a string in %s",
				     jwhat(j));
		if (tr_canon_int(it->valuestring, strlen(it->valuestring), val))
			return jfail(j, "invalid int value '%s'",
				     jshow(&b, it->valuestring));
		return SIM_OK;
	case SIM_T_FLOAT:
		if (cJSON_IsNumber(it)) {
			const char *s = jnum_text(j, it);
			int bad;

			/* JSON's number syntax is a subset of the text form's */
			bad = tr_parse_float(s, strlen(s), &val->f);
			assert(!bad);
			(void)bad;
			return SIM_OK;
		}
		if (!cJSON_IsString(it))
			return jfail(j, "key 'value' must be a number or a string in %s",
				     jwhat(j));
		if (tr_parse_float(it->valuestring, strlen(it->valuestring),
				&val->f))
			return jfail(j, "invalid float value '%s'",
				     jshow(&b, it->valuestring));
		return SIM_OK;
	case SIM_T_STR:
		if (!cJSON_IsString(it))
			return jfail(j, "key 'value' must be a string in %s",
				     jwhat(j));
		val->s = it->valuestring;
		val->len = json_unmark(it->valuestring);
		return SIM_OK;
	case SIM_T_BYTES:
		if (!cJSON_IsString(it))
			return jfail(j, "key 'value' must be a string in %s",
				     jwhat(j));
		val->s = it->valuestring;
		return json_latin1(j, it->valuestring, &val->len);
	default:
		return SIM_OK;
	}
}

static int json_alloc(struct jev *j)
{
	struct shown b;
	char *s = NULL;
	int rc, type;

	rc = jkeys(j, tr_op_arity[SIM_OP_ALLOC].keys);
	if (rc)
		return rc;
	rc = jid(j, "id", &j->ev->id, &j->ev->id_len);
	if (rc)
		return rc;
	rc = jstring(j, "type", &s);
	if (rc)
		return rc;
	type = tr_lookup(tr_type_names, SIM_T_COUNT_, s, strlen(s));
	if (type < 0)
		return jfail(j, "unknown type '%s'", jshow(&b, s));
	j->ev->type = (enum sim_type)type;
	return json_value(j);
}

static int json_ref(struct jev *j)
{
	struct sim_event *ev = j->ev;
	const cJSON *id = jget(j, "id"), *src = jget(j, "src"),
		*dst = jget(j, "dst");
	int rc;

	rc = jkeys(j, tr_op_arity[ev->op].keys);
	if (rc)
		return rc;
	if (id && !src && !dst) {
		if (ev->op == SIM_OP_UNREF)
			ev->op = SIM_OP_DEL;
		return jid_of(j, id, "id", &ev->id, &ev->id_len);
	}
	if (!id && src && dst) {
		ev->dst_col = ev->col;
		ev->id_col = ev->col;
		rc = jid_of(j, src, "src", &ev->id, &ev->id_len);
		if (rc)
			return rc;
		return jid_of(j, dst, "dst", &ev->dst, &ev->dst_len);
	}
	return jfail(j, "%s needs 'src' and 'dst', or 'id'", jwhat(j));
}

/* An expect form's JSON keys, from the flags of its text arguments. */
static const struct {
	unsigned flag;
	const char *key;
} expect_keys[] = {
	{ X_ID, "id" }, { X_ID2, "ids" }, { X_FLTYPE, "type" },
	{ X_NUM, "value" }, { X_NUM3, "values" },
};

/* The keys of expect form f but "op" and "kind", space-separated. */
static const char *expect_key_list(const struct tr_expect_form *f,
				   char *buf, size_t sz)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int k = 0; k < NELEM(expect_keys); k++) {
		unsigned fl = expect_keys[k].flag;

		/* two IDs are one array: "ids" stands for "id" too */
		if (!(f->args & fl) || (fl == X_ID && (f->args & X_ID2)))
			continue;
		at += (size_t)snprintf(buf + at, sz - at, "%s%s", at ? " " : "",
				       expect_keys[k].key);
	}
	return buf;
}

static int json_gc(struct jev *j)
{
	struct shown b;
	char *s = NULL;
	int a, rc;

	rc = jstring(j, "action", &s);
	if (rc)
		return rc;
	a = tr_lookup(tr_gc_names, tr_ngc, s, strlen(s));
	if (a < 0)
		return jfail(j, "unknown gc action '%s'",
			     jshow(&b, s));
	j->ev->action = (enum sim_gc_action)a;
	j->sub = tr_gc_names[a];
	if (tr_gc_arity[a].max == 0)
		return jkeys(j, "action");
	rc = jkeys(j, tr_op_arity[SIM_OP_GC].keys);
	if (rc)
		return rc;
	return jnums(j, "values", tr_gc_arity[a].min, tr_gc_arity[a].max,
		     tr_gc_arity[a].vmax,
		     tr_gc_arity[a].vmax == INT_MAX ? "threshold" : "value");
}

static int json_expect(struct jev *j)
{
	const struct tr_expect_form *f;
	struct sim_event *ev = j->ev;
	const cJSON *it;
	struct shown b;
	char keys[64];
	long long n;
	char *s = NULL;
	int kind, rc;

	rc = jstring(j, "kind", &s);
	if (rc)
		return rc;
	kind = tr_lookup(tr_expect_names, tr_nexpect, s, strlen(s));
	if (kind < 0)
		return jfail(j, "unknown expect kind '%s'",
			     jshow(&b, s));
	ev->expect = (enum sim_expect_kind)kind;
	f = &tr_expect_forms[kind];
	j->sub = tr_expect_names[kind];
	snprintf(keys, sizeof(keys), "kind ");
	expect_key_list(f, keys + 5, sizeof(keys) - 5);
	rc = jkeys(j, keys);
	if (rc)
		return rc;
	if (f->args & X_ID2) {
		it = jget(j, "ids");
		if (!it)
			return jfail(j, "missing key 'ids' in %s", jwhat(j));
		if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 2)
			return jfail(j, "key 'ids' must be an array of 2 ids in %s",
				     jwhat(j));
		rc = jid_of(j, it->child, "ids", &ev->id, &ev->id_len);
		if (rc)
			return rc;
		rc = jid_of(j, it->child->next, "ids", &ev->id2, &ev->id2_len);
		if (rc)
			return rc;
	} else if (f->args & X_ID) {
		rc = jid(j, "id", &ev->id, &ev->id_len);
		if (rc)
			return rc;
	}
	if (f->args & X_FLTYPE) {
		rc = jstring(j, "type", &s);
		if (rc)
			return rc;
		rc = tr_parse_fl_type(j->r, j->d, ev->line, ev->col, s, strlen(s),
				      ev);
		if (rc)
			return rc;
	}
	if (f->args & X_NUM3) {
		rc = jnums(j, "values", 3, 3, f->max, f->what);
		if (!rc && kind == SIM_EXPECT_STATS && ev->nums[0] > 2)
			return jfail(j, "generation %ld out of range 0..2 in %s",
				     ev->nums[0], jwhat(j));
		return rc;
	}
	if (f->args & X_NUM) {
		it = jget(j, "value");
		if (!it)
			return jfail(j, "missing key 'value' in %s", jwhat(j));
		rc = jnum_of(j, it, "value", 0, f->max, f->what, &n);
		if (rc)
			return rc;
		ev->nums[0] = (long)n;
		ev->nnums = 1;
		if (kind == SIM_EXPECT_GEN)
			ev->gen = (int)n;
	}
	return SIM_OK;
}

/* An array of 1 to max ID strings under key into ev's items. */
static int jitems(struct jev *j, const char *key, int min, int max)
{
	struct sim_event *ev = j->ev;
	const cJSON *it, *e;
	int n, rc;

	it = jget(j, key);
	if (!it)
		return jfail(j, "missing key '%s' in %s", key, jwhat(j));
	n = cJSON_IsArray(it) ? cJSON_GetArraySize(it) : 0;
	for (e = n ? it->child : NULL; e; e = e->next)
		if (!cJSON_IsString(e))
			n = -1;
	if (n < min || n > max) {
		if (min == max)
			return jfail(j, "key '%s' must be an array of %d id%s in %s",
				     key, min, min == 1 ? "" : "s", jwhat(j));
		return jfail(j, "key '%s' must be an array of %d to %d ids in %s",
			     key, min, max, jwhat(j));
	}
	ev->nitems = 0;
	for (e = it->child; e; e = e->next) {
		ev->item_cols[ev->nitems] = ev->col;
		rc = jid_of(j, e, key, &ev->items[ev->nitems],
			    &ev->item_lens[ev->nitems]);
		if (rc)
			return rc;
		ev->nitems++;
	}
	return SIM_OK;
}

/* pack: "id" and "items", an array of 1 to SIM_PACK_MAX IDs. */
static int json_pack(struct jev *j)
{
	struct sim_event *ev = j->ev;
	int rc;

	rc = jkeys(j, tr_op_arity[SIM_OP_PACK].keys);
	if (!rc)
		rc = jid(j, "id", &ev->id, &ev->id_len);
	return rc ? rc : jitems(j, "items", 1, SIM_PACK_MAX);
}

/* weakref: "id", "target" and an optional "callback". */
static int json_weakref(struct jev *j)
{
	struct sim_event *ev = j->ev;
	int rc;

	rc = jkeys(j, tr_op_arity[SIM_OP_WEAKREF].keys);
	if (!rc)
		rc = jid(j, "id", &ev->id, &ev->id_len);
	if (!rc) {
		ev->dst_col = ev->col;
		rc = jid(j, "target", &ev->dst, &ev->dst_len);
	}
	if (!rc && jget(j, "callback"))
		rc = jid(j, "callback", &ev->id2, &ev->id2_len);
	return rc;
}

/* on: "id", "do" (the action) and "args", its IDs. */
static int json_on(struct jev *j)
{
	struct sim_event *ev = j->ev;
	struct shown b;
	char *s = NULL;
	int a, rc;

	rc = jkeys(j, tr_op_arity[SIM_OP_ON].keys);
	if (!rc)
		rc = jid(j, "id", &ev->id, &ev->id_len);
	if (!rc)
		rc = jstring(j, "do", &s);
	if (rc)
		return rc;
	a = tr_lookup(tr_on_names, tr_non, s, strlen(s));
	if (a < 0)
		return jfail(j, "unknown action '%s' in %s", jshow(&b, s),
			     jwhat(j));
	ev->on_action = (enum sim_on_action)a;
	return jitems(j, "args", tr_on_arity[a].min, tr_on_arity[a].max);
}

/* A setting's key is its name: exactly one of them. */
static int json_setting(struct jev *j)
{
	const struct tr_arity *a;
	struct sim_event *ev = j->ev;
	char *s = NULL;
	int k, found = -1, rc;

	rc = jkeys(j, tr_op_arity[SIM_OP_SETTING].keys);
	if (rc)
		return rc;
	for (k = 0; k < tr_nsetting; k++) {
		if (!jget(j, tr_setting_names[k]))
			continue;
		if (found >= 0)
			found = tr_nsetting;
		else
			found = k;
	}
	if (found < 0 || found == tr_nsetting)
		return jfail(j, "setting event needs exactly one of 'python' and 'threshold'");
	ev->setting = (enum sim_setting)found;
	a = &tr_setting_arity[found];
	if (found == SIM_SET_THRESHOLD)
		return jnums(j, tr_setting_names[found], a->min, a->max, INT_MAX,
			     "threshold");
	rc = jstring(j, tr_setting_names[found], &s);
	if (rc)
		return rc;
	ev->setting_str = s;
	return tr_check_version(j->r, j->d, ev->line, ev->col, s, strlen(s));
}

static int json_dispatch(struct jev *j)
{
	struct shown b;
	char *s = NULL;
	int op, rc;

	j->op = NULL;
	j->sub = NULL;
	rc = jstring(j, "op", &s);
	if (rc)
		return rc;
	op = tr_lookup(tr_op_names, tr_nops, s, strlen(s));
	if (op < 0)
		return jfail(j, "unknown op '%s'", jshow(&b, s));
	j->ev->op = (enum sim_op)op;
	j->op = tr_op_names[op];
	switch (op) {
	case SIM_OP_ALLOC:
		return json_alloc(j);
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		return json_ref(j);
	case SIM_OP_DEL:
		rc = jkeys(j, tr_op_arity[op].keys);
		return rc ? rc : jid(j, "id", &j->ev->id, &j->ev->id_len);
	case SIM_OP_COLLECT: {
		const cJSON *it = jget(j, "gen");
		long long n = 2;

		rc = jkeys(j, tr_op_arity[op].keys);
		if (!rc && it)
			rc = jnum_of(j, it, "gen", 0, 2, "generation", &n);
		j->ev->gen = (int)n;
		return rc;
	}
	case SIM_OP_GC:
		return json_gc(j);
	case SIM_OP_EXPECT:
		return json_expect(j);
	case SIM_OP_PACK:
		return json_pack(j);
	case SIM_OP_WEAKREF:
		return json_weakref(j);
	case SIM_OP_ON:
		return json_on(j);
	default:
		return json_setting(j);
	}
}

/*
 * The JSON syntax, as RFC 8259 gives it, checked on one element before
 * cJSON sees it: cJSON takes any control character as a blank, numbers
 * such as 01, 1. or -, and strings with raw control characters or invalid
 * UTF-8, and it cannot say where a mistake is.  The checker walks the
 * element once, reports the first offending byte, and rewrites the element
 * in place for cJSON (it only ever shrinks, so the write position w never
 * passes the read position i):
 *
 *   blanks between tokens go;
 *   a \u0000 escape becomes NUL_MARK, a byte well-formed UTF-8 never holds,
 *   so that the character survives cJSON's NUL-terminated strings;
 *   each number becomes 0, its text kept in r->jnum: cJSON would copy a
 *   number into a 64-byte buffer and round it to a double, and the reader
 *   wants the number as written (every digit of an int, the text in a
 *   message).
 */
struct jcheck {
	struct sim_reader *r;
	struct sim_diag *d;
	unsigned char *u;
	size_t i, w, len;
	unsigned long line, col; /* of u[i] */
	int depth;               /* containers open */
};

static int jc_fail(struct jcheck *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int jc_fail(struct jcheck *c, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tr_fail(c->r, c->d, c->line, c->col, "%s", msg);
}

/* "expected WHAT, got 'x'" at the current byte. */
static int jc_expected(struct jcheck *c, const char *what)
{
	struct shown b;

	if (c->i >= c->len)
		return jc_fail(c, "expected %s, got the end of the event", what);
	return jc_fail(c, "expected %s, got '%s'", what,
		       tr_show_char(&b, (char *)c->u + c->i, c->len - c->i));
}

/* Copy n ASCII bytes through, one column each. */
static void jc_copy(struct jcheck *c, size_t n)
{
	memmove(c->u + c->w, c->u + c->i, n);
	c->w += n;
	c->i += n;
	c->col += n;
}

static int jc_peek(const struct jcheck *c)
{
	return c->i < c->len ? c->u[c->i] : -1;
}

static int jc_blanks(struct jcheck *c)
{
	while (c->i < c->len) {
		unsigned char b = c->u[c->i];

		if (b == '\n') {
			c->line++;
			c->col = 1;
		} else if (b == ' ' || b == '\t' || b == '\r') {
			c->col++;
		} else if (b < 0x20) {
			return jc_fail(c, "invalid control character 0x%02x",
				       b);
		} else {
			break;
		}
		c->i++;
	}
	return SIM_OK;
}

/* The 4 hex digits after "\u" at u[i], or -1. */
static long jc_hex4(const struct jcheck *c, size_t i)
{
	long v = 0;
	size_t k;

	if (c->len - i < 6 || c->u[i] != '\\' || c->u[i + 1] != 'u')
		return -1;
	for (k = 2; k < 6; k++) {
		int h = hex_val(c->u[i + k]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

static int jc_string(struct jcheck *c)
{
	struct shown b;

	jc_copy(c, 1);
	for (;;) {
		unsigned char ch;
		long cp, lo;

		if (c->i >= c->len)
			return jc_fail(c, "unterminated string");
		ch = c->u[c->i];
		if (ch == '"') {
			jc_copy(c, 1);
			return SIM_OK;
		}
		if (ch < 0x20)
			return jc_fail(c, "invalid control character 0x%02x in string",
				       ch);
		if (ch >= 0x80) {
			size_t k = utf8_seq(c->u + c->i, c->len - c->i);

			if (!k)
				return jc_fail(c, "invalid utf-8 byte 0x%02x",
					       ch);
			jc_copy(c, k);
			c->col -= k - 1;
			continue;
		}
		if (ch != '\\') {
			jc_copy(c, 1);
			continue;
		}
		if (c->i + 1 < c->len &&
		    memchr("\"\\/bfnrt", c->u[c->i + 1], 8)) {
			jc_copy(c, 2);
			continue;
		}
		if (c->i + 1 >= c->len || c->u[c->i + 1] != 'u') {
			size_t n = c->len - c->i - 1;
			size_t k = n ? utf8_seq(c->u + c->i + 1, n) : 0;

			return jc_fail(c, "invalid escape '%s' in string",
				       tr_show(&b, (char *)c->u + c->i,
					    1 + (k ? k : n ? 1 : 0)));
		}
		cp = jc_hex4(c, c->i);
		if (cp < 0) {
			size_t n = c->len - c->i;

			return jc_fail(c, "invalid escape '%s' in string",
				       tr_show(&b, (char *)c->u + c->i,
					    n < 6 ? n : 6));
		}
		if (cp == 0) {
			c->u[c->w++] = NUL_MARK;
			c->i += 6;
			c->col += 6;
		} else if (cp >= 0xD800 && cp <= 0xDBFF &&
			   (lo = jc_hex4(c, c->i + 6)) >= 0xDC00 &&
			   lo <= 0xDFFF) {
			jc_copy(c, 12);
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			return jc_fail(c, "unpaired surrogate '%s' in string",
				       tr_show(&b, (char *)c->u + c->i, 6));
		} else {
			jc_copy(c, 6);
		}
	}
}

/* Keep the number u[i0..i) aside, NUL-terminated, and write 0 for it. */
static void jc_keep_number(struct jcheck *c, size_t i0)
{
	struct sim_reader *r = c->r;
	size_t n = c->i - i0;

	if (r->jnum_len + n + 1 > r->jnum_cap) {
		r->jnum_cap = 2 * (r->jnum_len + n + 1);
		r->jnum = tr_xrealloc(r->jnum, r->jnum_cap);
	}
	if (r->njnum == r->jnum_atcap) {
		r->jnum_atcap = r->jnum_atcap ? 2 * r->jnum_atcap : 16;
		r->jnum_at = tr_xrealloc(r->jnum_at,
				      r->jnum_atcap * sizeof(*r->jnum_at));
	}
	r->jnum_at[r->njnum++] = r->jnum_len;
	memcpy(r->jnum + r->jnum_len, c->u + i0, n);
	r->jnum_len += n;
	r->jnum[r->jnum_len++] = '\0';
	c->u[c->w++] = '0';
}

static int is_alpha(int ch)
{
	return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

static int is_num_char(int ch)
{
	return is_digit((unsigned char)ch) || ch == '-' || ch == '+' ||
	       ch == '.' || ch == 'e' || ch == 'E';
}

/* A number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int jc_number(struct jcheck *c)
{
	size_t i0 = c->i, run = c->i;
	unsigned long col0 = c->col;
	const char *why = NULL;
	struct shown b;
	int ch;

	while (run < c->len && is_num_char(c->u[run]))
		run++;
	ch = jc_peek(c);
	if (ch == '+' || ch == '.') {
		why = "a JSON number starts with a digit or '-'";
		goto bad;
	}
	if (ch == '-')
		c->i++;
	if (!is_digit((unsigned char)jc_peek(c))) {
		why = "a digit must follow '-'";
		goto bad;
	}
	if (jc_peek(c) == '0' && c->i + 1 < c->len &&
	    is_digit(c->u[c->i + 1])) {
		c->i++;
		why = "leading zero";
		goto bad;
	}
	while (is_digit((unsigned char)jc_peek(c)))
		c->i++;
	if (jc_peek(c) == '.') {
		c->i++;
		if (!is_digit((unsigned char)jc_peek(c))) {
			why = "a digit must follow '.'";
			goto bad;
		}
		while (is_digit((unsigned char)jc_peek(c)))
			c->i++;
	}
	if (jc_peek(c) == 'e' || jc_peek(c) == 'E') {
		c->i++;
		if (jc_peek(c) == '+' || jc_peek(c) == '-')
			c->i++;
		if (!is_digit((unsigned char)jc_peek(c))) {
			why = "the exponent needs a digit";
			goto bad;
		}
		while (is_digit((unsigned char)jc_peek(c)))
			c->i++;
	}
	c->col += c->i - i0;
	jc_keep_number(c, i0);
	return SIM_OK;
bad:
	c->col = col0 + (c->i - i0);
	return jc_fail(c, "invalid number '%s' (%s)",
		       tr_show(&b, (char *)c->u + i0, run - i0), why);
}

static int jc_literal(struct jcheck *c)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t n = 0, k;
	struct shown b;

	while (c->i + n < c->len && is_alpha(c->u[c->i + n]))
		n++;
	for (k = 0; k < 3; k++) {
		if (strlen(words[k]) == n &&
		    memcmp(c->u + c->i, words[k], n) == 0) {
			jc_copy(c, n);
			return SIM_OK;
		}
	}
	return jc_fail(c, "invalid literal '%s' (true, false or null)",
		       tr_show(&b, (char *)c->u + c->i, n));
}

static int jc_value(struct jcheck *c);

/* Whether ch can start a value (or a mistake jc_value names better). */
static int jc_starts_value(int ch)
{
	return ch == '{' || ch == '[' || ch == '"' || ch == '-' || ch == '+' ||
	       ch == '.' || is_digit((unsigned char)ch) || is_alpha(ch);
}

/* An object or an array: what follows '{' or '['. */
static int jc_container(struct jcheck *c)
{
	int obj = c->u[c->i] == '{', close = obj ? '}' : ']', rc, n;

	if (++c->depth > JSON_DEPTH_MAX)
		return jc_fail(c, "JSON nested too deeply (more than %d levels)",
			       JSON_DEPTH_MAX);
	jc_copy(c, 1);
	for (n = 0;; n++) {
		if ((rc = jc_blanks(c)))
			return rc;
		if (n == 0 && jc_peek(c) == close)
			break;
		if (obj) {
			if (jc_peek(c) != '"')
				return jc_expected(c, n ? "a key" :
						   "a key or '}'");
			if ((rc = jc_string(c)) || (rc = jc_blanks(c)))
				return rc;
			if (jc_peek(c) != ':')
				return jc_expected(c, "':' after a key");
			jc_copy(c, 1);
			if ((rc = jc_blanks(c)))
				return rc;
		} else if (!jc_starts_value(jc_peek(c))) {
			return jc_expected(c, n ? "a value" : "a value or ']'");
		}
		if ((rc = jc_value(c)) || (rc = jc_blanks(c)))
			return rc;
		if (jc_peek(c) == close)
			break;
		if (jc_peek(c) != ',')
			return jc_expected(c, obj ? "',' or '}'" :
					   "',' or ']'");
		jc_copy(c, 1);
	}
	jc_copy(c, 1);
	c->depth--;
	return SIM_OK;
}

static int jc_value(struct jcheck *c)
{
	int ch = jc_peek(c);

	if (ch == '{' || ch == '[')
		return jc_container(c);
	if (ch == '"')
		return jc_string(c);
	if (!jc_starts_value(ch))
		return jc_expected(c, "a value");
	if (is_alpha(ch))
		return jc_literal(c);
	return jc_number(c);
}

/*
 * Check the element s[0..*n), which starts with '{' at *line:*col, and
 * rewrite it for cJSON; *n becomes its new length and *line, *col the
 * position after it.
 */
static int json_check(struct sim_reader *r, struct sim_diag *d, char *s,
		      size_t *n, unsigned long *line, unsigned long *col)
{
	struct jcheck c;
	int rc;

	c.r = r;
	c.d = d;
	c.u = (unsigned char *)s;
	c.i = 0;
	c.w = 0;
	c.len = *n;
	c.line = *line;
	c.col = *col;
	c.depth = 0;
	r->jnum_len = 0;
	r->njnum = 0;
	rc = jc_container(&c);
	if (rc)
		return rc;
	if (c.i != c.len)   /* the bracket scanner and the checker disagree */
		return jc_fail(&c, "unexpected data after the event object");
	*n = c.w;
	*line = c.line;
	*col = c.col;
	return SIM_OK;
}

/* Where the end of an object that starts at s[0] is: resumable. */
struct scan {
	size_t off;             /* bytes scanned */
	unsigned long depth;
	int in_str, esc;
};

static int obj_extent(const char *s, size_t n, struct scan *st)
{
	size_t i;

	for (i = st->off; i < n; i++) {
		char c = s[i];

		if (st->in_str) {
			if (st->esc)
				st->esc = 0;
			else if (c == '\\')
				st->esc = 1;
			else if (c == '"')
				st->in_str = 0;
		} else if (c == '"') {
			st->in_str = 1;
		} else if (c == '{' || c == '[') {
			st->depth++;
		} else if (c == '}' || c == ']') {
			if (--st->depth == 0) {
				st->off = i + 1;
				return 1;
			}
		}
	}
	st->off = n;
	return 0;
}

/*
 * Parse the object s[0..n) that starts at line:col into ev.  *line, *col
 * come back as the position after it.  ev borrows strings from r->root.
 */
static int json_event(struct sim_reader *r, struct sim_diag *d, char *s,
		      size_t n, unsigned long *line, unsigned long *col,
		      struct sim_event *ev)
{
	struct jev j;
	int rc;

	ev->line = *line;
	ev->col = *col;
	ev->id_col = ev->col;
	ev->dst_col = ev->col;
	ev->index = r->index;
	rc = json_check(r, d, s, &n, line, col);
	if (rc)
		return rc;
	/* json_check passed it: only running out of memory can fail here */
	r->root = cJSON_ParseWithLengthOpts(s, n, NULL, 0);
	if (!r->root) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	j.r = r;
	j.d = d;
	j.ev = ev;
	j.obj = r->root;
	rc = json_dispatch(&j);
	if (rc == SIM_OK)
		r->index++;
	return rc;
}

static int json_skip_ws(struct sim_reader *r, struct sim_diag *d, int *c)
{
	int rc;

	for (;;) {
		while (r->pos < r->end) {
			unsigned char b = (unsigned char)r->buf[r->pos];

			if (b == '\n') {
				r->jline++;
				r->jcol = 1;
			} else if (b == ' ' || b == '\t' || b == '\r') {
				r->jcol++;
			} else {
				*c = b;
				return SIM_OK;
			}
			r->pos++;
		}
		if (r->eof) {
			*c = EOF;
			return SIM_OK;
		}
		rc = tr_fill(r, d);
		if (rc)
			return rc;
	}
}

int tr_json_next(struct sim_reader *r, struct sim_event *ev,
		 struct sim_diag *d)
{
	struct scan st = { 0, 0, 0, 0 };
	struct shown b;
	char ch;
	int c, rc;

	for (;;) {
		rc = json_skip_ws(r, d, &c);
		if (rc)
			return rc;
		ch = (char)c;
		switch (r->jstate) {
		case JS_START:
			if (c == EOF)
				return tr_fail(r, d, r->jline, r->jcol,
					    "empty input, expected a JSON array");
			if (c != '[')
				return tr_fail(r, d, r->jline, r->jcol,
					    "expected '[' at the start of a JSON array, got '%s'",
					    tr_show(&b, &ch, 1));
			r->pos++;
			r->jcol++;
			r->jstate = JS_FIRST;
			continue;
		case JS_END:
			if (c == EOF)
				return SIM_EOF;
			return tr_fail(r, d, r->jline, r->jcol,
				    "unexpected '%s' after the JSON array",
				    tr_show(&b, &ch, 1));
		default:
			break;
		}
		if (c == EOF)
			return tr_fail(r, d, r->jline, r->jcol,
				    "unterminated JSON array (missing ']')");
		if (c == ']' && r->jstate != JS_ELEM) {
			r->pos++;
			r->jcol++;
			r->jstate = JS_END;
			continue;
		}
		if (r->jstate == JS_NEXT) {
			if (c != ',')
				return tr_fail(r, d, r->jline, r->jcol,
					    "expected ',' or ']' after event %lu, got '%s'",
					    r->index - 1, tr_show(&b, &ch, 1));
			r->pos++;
			r->jcol++;
			r->jstate = JS_ELEM;
			continue;
		}
		break;
	}
	r->in_event = 1;
	if (c != '{')
		return tr_fail(r, d, r->jline, r->jcol,
			    "expected an event object, got '%s'",
			    tr_show_char(&b, r->buf + r->pos, r->end - r->pos));
	while (!obj_extent(r->buf + r->pos, r->end - r->pos, &st) ||
	       st.off > RECORD_MAX) {
		if (st.off > RECORD_MAX)
			return tr_fail(r, d, r->jline, r->jcol,
				    "event too long (more than %lu bytes)",
				    RECORD_MAX);
		if (r->eof)
			return tr_fail(r, d, r->jline, r->jcol, st.in_str ?
				    "unterminated string" :
				    "unterminated object");
		rc = tr_fill(r, d);
		if (rc)
			return rc;
	}
	rc = json_event(r, d, r->buf + r->pos, st.off, &r->jline, &r->jcol,
			ev);
	r->pos += st.off;
	r->jstate = JS_NEXT;
	r->in_event = 0;
	return rc;
}

/* Move a line/column position over n bytes; columns count characters. */
static void advance_pos(const char *s, size_t n, unsigned long *line,
			unsigned long *col)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}


int tr_jsonl_next(struct sim_reader *r, struct sim_event *ev,
		  struct sim_diag *d)
{
	struct scan st = { 0, 0, 0, 0 };
	unsigned long line, col;
	struct shown b;
	size_t n, i = 0, k;
	char *s = NULL;
	int rc;

	do {
		rc = tr_next_line(r, d, &s, &n);
		if (rc)
			return rc;
		for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t' ||
				      s[i] == '\r'); i++)
			;
	} while (i == n);
	line = r->lineno;
	col = i + 1;
	r->in_event = 1;
	if (s[i] != '{')
		return tr_fail(r, d, line, col,
			    "expected an event object, got '%s'",
			    tr_show_char(&b, s + i, n - i));
	if (!obj_extent(s + i, n - i, &st))
		return tr_fail(r, d, line, col, st.in_str ?
			    "unterminated string" : "unterminated object");
	for (k = i + st.off; k < n; k++) {
		if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r') {
			unsigned long el = line, ec = col;

			advance_pos(s + i, k - i, &el, &ec);
			return tr_fail(r, d, el, ec,
				    "unexpected data after the event object");
		}
	}
	rc = json_event(r, d, s + i, st.off, &line, &col, ev);
	r->in_event = 0;
	return rc;
}

void tr_json_release(struct sim_reader *r, int all)
{
	cJSON_Delete(r->root);
	r->root = NULL;
	if (all) {
		free(r->jnum);
		free(r->jnum_at);
		r->jnum = NULL;
		r->jnum_at = NULL;
	}
}

/* The JSON writer */

/*
 * How a JSON string holds byte c of a str or bytes value: a str's UTF-8 as
 * it is, bytes as U+0000..U+00FF, one character per byte; NUL and the
 * other control characters as \u00XX escapes.
 */
static size_t json_escape(unsigned char c, int bytes, char esc[6])
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		esc[0] = '\\';
		esc[1] = (char)c;
		return 2;
	}
	if (c < 0x20) {
		memcpy(esc, "\\u00", 4);
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		return 6;
	}
	if (bytes && c >= 0x80) {
		esc[0] = (char)(0xC0 | (c >> 6));
		esc[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	return 0;
}

static void put_jstring(struct tr_out *o, const char *s, size_t len, int bytes)
{
	tr_put_quoted(o, s, len, bytes, json_escape);
}

/* ,"key": */
static void put_key(struct tr_out *o, const char *key)
{
	tr_puts(o, ",\"");
	tr_puts(o, key);
	tr_puts(o, "\":");
}

static void put_key_str(struct tr_out *o, const char *key, const char *s)
{
	put_key(o, key);
	put_jstring(o, s, strlen(s), 0);
}

static void put_key_num(struct tr_out *o, const char *key, long long v)
{
	put_key(o, key);
	tr_putl(o, v);
}

static void put_key_nums(struct tr_out *o, const char *key, const long *v,
			 int n)
{
	put_key(o, key);
	for (int i = 0; i < n; i++) {
		tr_putc(o, i ? ',' : '[');
		tr_putl(o, v[i]);
	}
	tr_puts(o, n ? "]" : "[]");
}

/*
 * An alloc's value.  Numbers are written as the reader takes them back
 * exactly: an int beyond 2^53 as a string of its digits, a float with the
 * fewest digits that read back as the same double (and ".0" to stay a
 * float), nan and the infinities as strings.
 */
/* ev's items as an array of strings under key. */
static void put_key_ids(struct tr_out *o, const char *key,
			const struct sim_event *ev)
{
	put_key(o, key);
	for (int i = 0; i < ev->nitems; i++) {
		tr_putc(o, i ? ',' : '[');
		put_jstring(o, ev->items[i], strlen(ev->items[i]), 0);
	}
	tr_putc(o, ']');
}

static void put_jvalue(struct tr_out *o, const struct sim_event *ev)
{
	const struct sim_value *v = &ev->value;
	char num[48];
	size_t n;

	switch (ev->type) {
	case SIM_T_INT:
		if (v->fits && v->i > -(int64_t)JSON_EXACT &&
		    v->i < (int64_t)JSON_EXACT)
			put_key_num(o, "value", v->i);
		else
			put_key_str(o, "value", v->digits);
		break;
	case SIM_T_FLOAT:
		n = sim_float_text(num, sizeof(num) - 2, v->f);
		if (isnan(v->f) || isinf(v->f)) {
			put_key_str(o, "value", num);
			break;
		}
		if (!strpbrk(num, ".eE"))
			memcpy(num + n, ".0", 3);
		put_key(o, "value");
		tr_puts(o, num);
		break;
	case SIM_T_STR:
	case SIM_T_BYTES:
		put_key(o, "value");
		put_jstring(o, v->s, v->len, ev->type == SIM_T_BYTES);
		break;
	case SIM_T_BOOL:
		put_key(o, "value");
		tr_puts(o, v->i ? "true" : "false");
		break;
	default: /* a tuple's length */
		put_key_num(o, "value", v->i);
		break;
	}
}

static void put_jexpect(struct tr_out *o, const struct sim_event *ev)
{
	const struct tr_expect_form *f = &tr_expect_forms[ev->expect];
	char fl[24];
	struct tr_out t;

	put_key_str(o, "kind", sim_expect_name(ev->expect));
	for (int k = 0; k < NELEM(expect_keys); k++) {
		const char *key = expect_keys[k].key;

		switch (f->args & expect_keys[k].flag) {
		case X_ID:
			if (!(f->args & X_ID2))
				put_key_str(o, key, ev->id);
			break;
		case X_ID2:
			put_key(o, key);
			tr_putc(o, '[');
			put_jstring(o, ev->id, strlen(ev->id), 0);
			tr_putc(o, ',');
			put_jstring(o, ev->id2, strlen(ev->id2), 0);
			tr_putc(o, ']');
			break;
		case X_FLTYPE:
			tr_out_init(&t, fl, sizeof(fl));
			tr_put_fl_type(&t, ev);
			tr_out_end(&t);
			put_key_str(o, key, fl);
			break;
		case X_NUM:
			put_key_num(o, key, ev->nums[0]);
			break;
		case X_NUM3:
			put_key_nums(o, key, ev->nums, 3);
			break;
		default:
			break;
		}
	}
}

size_t sim_event_json(char *buf, size_t sz, const struct sim_event *ev)
{
	struct tr_out o;

	tr_out_init(&o, buf, sz);
	tr_puts(&o, "{\"op\":\"");
	tr_puts(&o, sim_op_name(ev->op));
	tr_putc(&o, '"');
	switch (ev->op) {
	case SIM_OP_ALLOC:
		put_key_str(&o, "id", ev->id);
		put_key_str(&o, "type", sim_type_name(ev->type));
		if (ev->value.has)
			put_jvalue(&o, ev);
		break;
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		if (ev->dst) {
			put_key_str(&o, "src", ev->id);
			put_key_str(&o, "dst", ev->dst);
		} else {
			put_key_str(&o, "id", ev->id);
		}
		break;
	case SIM_OP_DEL:
		put_key_str(&o, "id", ev->id);
		break;
	case SIM_OP_PACK:
		put_key_str(&o, "id", ev->id);
		put_key_ids(&o, "items", ev);
		break;
	case SIM_OP_WEAKREF:
		put_key_str(&o, "id", ev->id);
		put_key_str(&o, "target", ev->dst);
		if (ev->id2)
			put_key_str(&o, "callback", ev->id2);
		break;
	case SIM_OP_ON:
		put_key_str(&o, "id", ev->id);
		put_key_str(&o, "do", sim_on_action_name(ev->on_action));
		put_key_ids(&o, "args", ev);
		break;
	case SIM_OP_COLLECT:
		put_key_num(&o, "gen", ev->gen);
		break;
	case SIM_OP_GC:
		put_key_str(&o, "action", sim_gc_action_name(ev->action));
		if (tr_gc_arity[ev->action].max > 0)
			put_key_nums(&o, "values", ev->nums, ev->nnums);
		break;
	case SIM_OP_EXPECT:
		put_jexpect(&o, ev);
		break;
	case SIM_OP_SETTING:
		if (ev->setting == SIM_SET_PYTHON)
			put_key_str(&o, tr_setting_names[ev->setting], ev->setting_str);
		else
			put_key_nums(&o, tr_setting_names[ev->setting], ev->nums,
				     ev->nnums);
		break;
	}
	tr_putc(&o, '}');
	return tr_out_end(&o);
}

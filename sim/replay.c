/*
 * replay.c - one trace event applied to the simulated interpreter.
 *
 * Each event is what a line of Python does (SPEC section 1): alloc is
 * `x = <new object>`, ref/unref are container mutations (list.append,
 * d[k] = v, set.add, setattr, ...), del drops a name.  Every event is
 * validated before anything changes, so an invalid one leaves the heap as
 * it was.  The container operations mirror CPython's: MAINTAIN_TRACKING
 * for dicts, set membership by equality, and the inline values and
 * shared keys of instances (_PyObject_StoreInstanceAttribute).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"

int sim_new(sim **out, const struct sim_config *cfg, struct sim_diag *diag)
{
	const struct sim_profile *p = sim_profile_default();

	*out = NULL;
	if (cfg->python) {
		p = sim_profile_find(cfg->python);
		if (!p)
			return sim_diag_set(diag, SIM_ETRACE, "", 0, 0,
					    "unknown python version '%s'",
					    cfg->python);
	}
	struct sim *s = sim_xcalloc(1, sizeof(*s));
	s->prof = p;
	s->gc = p->gc ? p->gc : &gc_generational;
	s->cfg = *cfg;
	s->cfg.python = p->name;
	for (int i = 0; i < 3; i++)
		s->gen[i].threshold = cfg->has_threshold[i] ? cfg->threshold[i] :
							      p->threshold[i];
	s->enabled = 1;
	for (int c = 0; c < SIM_NCLASSES; c++)
		s->keys_usable[c] = (uint32_t)p->shared_keys_max;
	heap_init(s);
	s->names = names_new();
	*out = s;
	return SIM_OK;
}

void sim_free(sim *s)
{
	if (!s)
		return;
	heap_release(s);
	cache_release(s);
	set_release(s);
	census_release(s);
	fn_release(s);
	free(s->gc_garbage);
	names_free(s->names);
	free(s->freed);
	free(s->effects);
	free(s->colls);
	free(s);
}

const struct sim_profile *sim_get_profile(const sim *s)
{
	return s->prof;
}

static const char *type_name(int type)
{
	if (type == OT_ATTRDICT)
		return "dict";
	return sim_type_name((enum sim_type)type);
}

static const char *article(int type)
{
	return type == SIM_T_INT || type == SIM_T_OBJECT ? "an" : "a";
}

/* The live object id (len bytes) names, or an error that says why there is none. */
static int lookup(struct sim *s, const char *id, size_t len, unsigned long col,
		  oref *out, uint32_t *name, struct sim_diag *diag)
{
	uint32_t ix = names_find_n(s->names, id, len);

	if (!ix)
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, col,
				    "unknown id '%s'", id);
	oref h = names_obj(s->names, ix);
	if (!h) {
		uint64_t step;
		uint32_t line;

		names_died(s->names, ix, &step, &line);
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, col,
				    "id '%s' is dead: its object was freed at step %llu (line %lu)",
				    id, (unsigned long long)step, (unsigned long)line);
	}
	*out = h;
	if (name)
		*name = ix;
	s->subject = ix; /* the last ID looked up is the one the step reports */
	return SIM_OK;
}

/* MAINTAIN_TRACKING: a dict is tracked once it may hold a tracked object. */
static void maintain_tracking(struct sim *s, oref d, oref v)
{
	if (!sim_is_tracked(s, d) && heap_may_be_tracked(s, v)) {
		heap_track(s, d);
		heap_effect(s, SIM_FX_TRACKED, SIM_T_DICT, 0);
	}
}

static void dict_insert(struct sim *s, oref d, oref v)
{
	heap_incref(s, v);
	heap_refs_push(s, d, v);
	maintain_tracking(s, d, v);
}

/*
 * make_dict_from_instance_attributes: the instance's values move into a
 * new dict (tracked if one of them may be, or always from 3.14 on), which
 * the instance then holds instead.
 */
static oref materialize_dict(struct sim *s, oref o, oref v)
{
	oref protect[2] = { o, v };
	oref d = cache_new_attrdict(s, protect, 2);
	struct refs *or = OBJ(s, o)->u.r;
	int track = 0;

	for (uint32_t i = 0; i < or->len; i++) {
		heap_refs_push(s, d, or->v[i]);
		track |= heap_may_be_tracked(s, or->v[i]);
	}
	if (track || s->prof->dict_always_tracked)
		heap_track(s, d);
	or = OBJ(s, o)->u.r;
	heap_account(s, -(int64_t)or->len * s->prof->size_per_ref[SIM_T_OBJECT]);
	or->len = 0;
	heap_refs_push(s, o, d); /* the new dict's one reference */
	OBJ(s, o)->dictobj = 1;
	heap_effect(s, SIM_FX_MATERIALIZED, SIM_T_DICT, or->next_attr);
	return d;
}

/* setattr(o, "a<N>", v) for the instance's next attribute number N. */
static void set_attribute(struct sim *s, oref o, oref v)
{
	struct refs *r = OBJ(s, o)->u.r;
	uint32_t j = r->next_attr++;

	if (OBJ(s, o)->dictobj) {
		dict_insert(s, r->v[0], v);
		return;
	}
	/* insert_into_dictkeys: a known key, or a new one while usable. */
	int c = sim_class_of(OBJ(s, o)->type);
	int found = j < s->keys_nentries[c];
	if (!found && s->keys_usable[c] > 0) {
		s->keys_nentries[c]++;
		s->keys_usable[c]--;
		found = 1;
	}
	if (found) {
		assert(j < r->nvalues);
		heap_incref(s, v);
		heap_refs_push(s, o, v);
		return;
	}
	oref d = materialize_dict(s, o, v);
	dict_insert(s, d, v);
}

static int find_ref(const struct sim *s, oref c, oref v, uint32_t *at)
{
	const struct refs *r = s->objs[c].u.r;

	for (uint32_t i = 0; i < r->len; i++) {
		if (r->v[i] == v) {
			*at = i;
			return 1;
		}
	}
	return 0;
}

/*
 * hash(v), for a set operation on member m, or the TypeError (or worse) that
 * CPython would meet hashing it.
 */
static int member_hash(struct sim *s, const struct operand *m,
		       int64_t *hash, struct sim_diag *diag)
{
	oref v = m->h;
	int rc = py_hash(s, v, hash);
	const struct obj *o = OBJ(s, v);

	switch (rc) {
	case SIM_HASH_OK:
		return SIM_OK;
	case SIM_HASH_RECURSIVE:
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, m->col,
				    "tuple '%s' holds itself, so it cannot be hashed",
				    m->id);
	case SIM_HASH_UNFILLED:
		if (o->u.r->len == o->u.r->cap)
			return sim_diag_set(diag, SIM_ETRACE, "", s->line, m->col,
					    "tuple '%s' holds a tuple that is not filled yet, so it cannot be hashed",
					    m->id);
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, m->col,
				    "tuple '%s' is not filled yet (%u of %u items), so it cannot be hashed",
				    m->id, o->u.r->len, o->u.r->cap);
	default:
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, m->col,
				    "unhashable type: '%s' ('%s' cannot be a set member)",
				    o->type == SIM_T_TUPLE ? "tuple holding a list, dict or set" :
							     type_name(o->type),
				    m->id);
	}
}

/* One more reference to h would pass SIM_REFCNT_MAX. */
static int refs_full(const struct sim *s, oref h)
{
	const struct obj *o = &s->objs[h];

	return o->refcnt >= SIM_REFCNT_MAX && !(o->flags & OF_IMMORTAL);
}

static int do_ref(struct sim *s, const struct sim_event *ev,
		  struct sim_diag *diag)
{
	struct operand src = { 0, 0, ev->id, ev->id_col };
	struct operand dst = { 0, 0, ev->dst, ev->dst_col };
	int rc;

	if ((rc = lookup(s, ev->id, ev->id_len, ev->id_col, &src.h, &src.name, diag)))
		return rc;
	if (!ev->dst) {
		if (refs_full(s, src.h))
			return sim_diag_set(diag, SIM_ETRACE, "", s->line, ev->id_col,
					    "'%s' has too many references (%d)", ev->id,
					    SIM_REFCNT_MAX);
		if (names_add_root(s->names, src.name))
			return sim_diag_set(diag, SIM_ETRACE, "", s->line, ev->id_col,
					    "'%s' holds too many root references", ev->id);
		heap_incref(s, src.h);
		return SIM_OK;
	}
	if ((rc = lookup(s, ev->dst, ev->dst_len, ev->dst_col, &dst.h, NULL, diag)))
		return rc;
	return replay_ref(s, &src, &dst, diag);
}

int replay_ref(struct sim *s, const struct operand *srcp,
	       const struct operand *dstp, struct sim_diag *diag)
{
	oref src = srcp->h, dst = dstp->h;
	int64_t hash;
	int rc;

	if (refs_full(s, dst))
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, dstp->col,
				    "'%s' has too many references (%d)", dstp->id,
				    SIM_REFCNT_MAX);
	struct obj *o = OBJ(s, src);
	switch (o->type) {
	case SIM_T_LIST:
	case SIM_T_GCOBJ:
		heap_incref(s, dst);
		heap_refs_push(s, src, dst);
		return SIM_OK;
	case SIM_T_TUPLE:
		if (o->u.r->len == o->u.r->cap)
			return sim_diag_set(diag, SIM_ETRACE, "", s->line, srcp->col,
					    "tuple '%s' is already full (%u items)",
					    srcp->id, o->u.r->cap);
		heap_incref(s, dst);
		heap_refs_push(s, src, dst);
		if (OBJ(s, src)->u.r->len == OBJ(s, src)->u.r->cap)
			s->building--;
		return SIM_OK;
	case SIM_T_DICT:
		dict_insert(s, src, dst);
		return SIM_OK;
	case SIM_T_SET:
		if ((rc = member_hash(s, dstp, &hash, diag)))
			return rc;
		if (!set_add(s, src, dst, hash))
			heap_effect(s, SIM_FX_SET_DUPLICATE, OBJ(s, dst)->type, 0);
		return SIM_OK;
	case SIM_T_OBJECT:
	case SIM_T_DELOBJ:
	case SIM_T_LEGACYOBJ:
		set_attribute(s, src, dst);
		return SIM_OK;
	default:
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, srcp->col,
				    "'%s' is %s %s, not a container: ref needs a list, tuple, dict, set, object or gcobj",
				    srcp->id, article(o->type), type_name(o->type));
	}
}

static int do_unref(struct sim *s, const struct sim_event *ev,
		    struct sim_diag *diag)
{
	struct operand src = { 0, 0, ev->id, ev->id_col };
	struct operand dst = { 0, 0, ev->dst, ev->dst_col };
	int rc;

	if ((rc = lookup(s, ev->id, ev->id_len, ev->id_col, &src.h, NULL, diag)) ||
	    (rc = lookup(s, ev->dst, ev->dst_len, ev->dst_col, &dst.h, NULL, diag)))
		return rc;
	return replay_unref(s, &src, &dst, diag);
}

int replay_unref(struct sim *s, const struct operand *srcp,
		 const struct operand *dstp, struct sim_diag *diag)
{
	oref src = srcp->h, dst = dstp->h, holder;
	uint32_t at;
	int rc;

	struct obj *o = OBJ(s, src);
	holder = src;
	switch (o->type) {
	case SIM_T_TUPLE:
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, srcp->col,
				    "unref on tuple '%s': tuples are immutable",
				    srcp->id);
	case SIM_T_SET: {
		int64_t hash;
		oref member;

		if ((rc = member_hash(s, dstp, &hash, diag)))
			return rc;
		if (!(member = set_discard(s, src, dst, hash)))
			goto missing;
		heap_decref(s, member);
		return SIM_OK;
	}
	case SIM_T_OBJECT:
	case SIM_T_DELOBJ:
	case SIM_T_LEGACYOBJ:
		if (o->dictobj)
			holder = o->u.r->v[0];
		/* fall through */
	case SIM_T_LIST:
	case SIM_T_DICT:
	case SIM_T_GCOBJ:
		if (!find_ref(s, holder, dst, &at))
			goto missing;
		break;
	default:
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, srcp->col,
				    "'%s' is %s %s, not a container: unref needs a list, dict, set, object or gcobj",
				    srcp->id, article(o->type), type_name(o->type));
	}
	oref victim = OBJ(s, holder)->u.r->v[at];
	heap_refs_remove_at(s, holder, at);
	heap_decref(s, victim);
	return SIM_OK;
missing:
	return sim_diag_set(diag, SIM_ETRACE, "", s->line, dstp->col,
			    "%s '%s' holds no reference to '%s'",
			    type_name(o->type), srcp->id, dstp->id);
}

/* The name alloc or pack binds: unknown, dead or idle, never live. */
static int fresh_id(struct sim *s, const struct sim_event *ev, uint32_t *out,
		    struct sim_diag *diag)
{
	uint32_t ix = names_find_n(s->names, ev->id, ev->id_len);

	*out = ix;
	/* An idle ID let go of a cached object: `del x; x = 7` in Python. */
	if (ix && names_obj(s->names, ix) && !names_idle(s->names, ix))
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, ev->id_col,
				    "id '%s' is still bound to a live %s (since line %lu); use a fresh id",
				    ev->id, type_name(OBJ(s, names_obj(s->names, ix))->type),
				    (unsigned long)names_bound_line(s->names, ix));
	return SIM_OK;
}

static int do_alloc(struct sim *s, const struct sim_event *ev,
		    struct sim_diag *diag)
{
	uint32_t ix;
	int rc;

	if ((rc = fresh_id(s, ev, &ix, diag)))
		return rc;
	oref h = cache_alloc(s, ev);
	ix = names_bind(s, ev->id, ix, h);
	s->subject = ix;
	return SIM_OK;
}

/* pack ID ITEM...: a tuple display, (a, b), made in one step. */
static int do_pack(struct sim *s, const struct sim_event *ev,
		   struct sim_diag *diag)
{
	oref items[SIM_PACK_MAX];
	uint32_t ix;
	int rc;

	if ((rc = fresh_id(s, ev, &ix, diag)))
		return rc;
	for (int i = 0; i < ev->nitems; i++) {
		int uses = 1;

		if ((rc = lookup(s, ev->items[i], ev->item_lens[i], ev->item_cols[i],
				 &items[i], NULL, diag)))
			return rc;
		for (int k = 0; k < i; k++)
			uses += items[k] == items[i];
		if (OBJ(s, items[i])->refcnt > SIM_REFCNT_MAX - uses &&
		    !(OBJ(s, items[i])->flags & OF_IMMORTAL))
			return sim_diag_set(diag, SIM_ETRACE, "", s->line,
					    ev->item_cols[i],
					    "'%s' has too many references (%d)",
					    ev->items[i], SIM_REFCNT_MAX);
	}
	oref h = cache_pack(s, items, ev->nitems);
	s->subject = names_bind(s, ev->id, ix, h);
	return SIM_OK;
}

static int do_del(struct sim *s, const struct sim_event *ev,
		  struct sim_diag *diag)
{
	struct operand name = { 0, 0, ev->id, ev->id_col };
	int rc;

	if ((rc = lookup(s, ev->id, ev->id_len, ev->id_col, &name.h, &name.name, diag)))
		return rc;
	return replay_drop_root(s, &name, diag);
}

int replay_drop_root(struct sim *s, const struct operand *name,
		     struct sim_diag *diag)
{
	oref h = name->h;
	uint32_t ix = name->name;

	if (names_roots(s->names, ix) == 0)
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, name->col,
				    "'%s' holds no root reference to drop (alloc and 'ref ID' take them, del drops them)",
				    name->id);
	names_drop_root(s->names, ix);
	heap_decref(s, h);
	if (names_roots(s->names, ix) == 0 && (OBJ(s, h)->flags & OF_CACHED))
		names_set_idle(s, ix);
	return SIM_OK;
}

int replay_bind(struct sim *s, const struct operand *name, oref h,
		struct sim_diag *diag)
{
	struct sim_event ev = { .id = name->id, .id_len = strlen(name->id),
				.id_col = name->col };
	uint32_t ix;
	int rc;

	if ((rc = fresh_id(s, &ev, &ix, diag)))
		return rc;
	if (refs_full(s, h))
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, name->col,
				    "'%s' has too many references (%d)", name->id,
				    SIM_REFCNT_MAX);
	heap_incref(s, h);
	names_bind(s, name->id, ix, h);
	return SIM_OK;
}

int replay_lookup(struct sim *s, struct operand *x, struct sim_diag *diag)
{
	uint32_t subject = s->subject; /* a body's lookups are not the step's */
	int rc = lookup(s, x->id, strlen(x->id), x->col, &x->h, &x->name, diag);

	s->subject = subject;
	return rc;
}

static int do_gc(struct sim *s, const struct sim_event *ev,
		 struct sim_diag *diag)
{
	switch (ev->action) {
	case SIM_GC_ENABLE:
		s->enabled = 1;
		break;
	case SIM_GC_DISABLE:
		s->enabled = 0;
		break;
	case SIM_GC_THRESHOLD:
		for (int i = 0; i < ev->nnums && i < 3; i++)
			s->gen[i].threshold = ev->nums[i];
		break;
	case SIM_GC_FREEZE:
		s->gc->freeze(s);
		break;
	case SIM_GC_UNFREEZE:
		s->gc->unfreeze(s);
		break;
	case SIM_GC_SAFEPOINT:
		s->explicit_safepoints = 1; /* see safe_point_here */
		break;
	case SIM_GC_SAVEALL:
		s->saveall = ev->nums[0] != 0;
		break;
	case SIM_GC_CLEARGARBAGE:
		/* gc.garbage.clear(): list_clear drops the items from the end */
		while (s->ngc_garbage > 0)
			heap_decref(s, s->gc_garbage[--s->ngc_garbage]);
		break;
	case SIM_GC_CALLBACK:
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, ev->col,
				    "gc callback is not supported yet");
	}
	return SIM_OK;
}

static void snapshot(struct sim *s, const struct sim_event *ev,
		     struct sim_step *st)
{
	st->step = s->step_no;
	st->line = ev->line;
	st->op = ev->op;
	s->gc->get_count(s, st->count);
	s->gc->gen_sizes(s, st->gen_sizes);
	for (int i = 0; i < 3; i++) {
		st->threshold[i] = s->gen[i].threshold;
		st->stats[i] = s->stats[i];
	}
	st->has_inc = s->gc->inc_state != NULL;
	if (st->has_inc)
		s->gc->inc_state(s, &st->inc);
	else
		memset(&st->inc, 0, sizeof(st->inc));
	st->permanent = s->lists[LIST_PERMANENT].size;
	st->freelist.list = s->fl.list;
	st->freelist.dict = s->fl.dict;
	st->freelist.flt = s->fl.flt;
	memcpy(st->freelist.tuple, s->fl.tuple, sizeof(st->freelist.tuple));
	st->collections = s->colls;
	st->ncollections = s->ncolls;
	st->effects = s->effects;
	st->neffects = s->neffects;
	st->freed = s->freed;
	st->nfreed = s->nfreed;
	st->freed_anon = s->freed_anon;
	st->live = s->live;

	st->has_refcnt = 0;
	st->alive = st->immortal = st->cached = st->subject_type = 0;
	st->refcnt = 0;
	const char *subj = NULL;
	if (ev->op == SIM_OP_ALLOC || ev->op == SIM_OP_DEL ||
	    ev->op == SIM_OP_PACK ||
	    (ev->op == SIM_OP_REF && !ev->dst))
		subj = ev->id;
	else if (ev->op == SIM_OP_REF || ev->op == SIM_OP_UNREF)
		subj = ev->dst;
	st->subject = NULL;
	if (subj) {
		/* The event's last lookup (or the alloc's binding) was subj's. */
		uint32_t ix = s->subject;
		oref h = ix ? names_obj(s->names, ix) : 0;

		st->subject = ix ? names_str(s->names, ix) : NULL;
		st->has_refcnt = 1;
		st->alive = h != 0;
		st->refcnt = h ? OBJ(s, h)->refcnt : 0;
		st->immortal = h && (OBJ(s, h)->flags & OF_IMMORTAL);
		st->cached = h && (OBJ(s, h)->flags & OF_CACHED);
		st->subject_type = h ? OBJ(s, h)->type : 0;
	}
}

/*
 * Whether the end of this step is a safe point, where 3.12+ runs a
 * scheduled collection (_Py_HandlePending at an eval-breaker check).
 * Until a trace says otherwise every step ends at one.  From its first
 * `gc safepoint` on, only those steps do: the events between two of them
 * are C code (json.loads filling a dict, a C call building a list) during
 * which the eval breaker is not checked, as a recorder that marks the
 * real safe points sees them.  Under 3.11 rules nothing waits for a safe
 * point, so the event changes nothing there; --stress collects at safe
 * points too.
 */
static int safe_point_here(const struct sim *s, const struct sim_event *ev)
{
	return !s->explicit_safepoints ||
	       (ev->op == SIM_OP_GC && ev->action == SIM_GC_SAFEPOINT);
}

int sim_replay(sim *s, const struct sim_event *ev, struct sim_step *st,
	       struct sim_diag *diag)
{
	int rc = SIM_OK;

	if (ev->op == SIM_OP_EXPECT || ev->op == SIM_OP_SETTING)
		return sim_diag_set(diag, SIM_ETRACE, "", ev->line, ev->col,
				    "%s is not a step", sim_op_name(ev->op));
	s->step_no++;
	s->line = ev->line;
	s->subject = 0;
	s->started = 1;
	s->nfreed = 0;
	s->neffects = 0;
	s->ncolls = 0;
	s->freed_anon = 0;

	switch (ev->op) {
	case SIM_OP_ALLOC:
		rc = do_alloc(s, ev, diag);
		break;
	case SIM_OP_REF:
		rc = do_ref(s, ev, diag);
		break;
	case SIM_OP_UNREF:
		rc = do_unref(s, ev, diag);
		break;
	case SIM_OP_DEL:
		rc = do_del(s, ev, diag);
		break;
	case SIM_OP_PACK:
		rc = do_pack(s, ev, diag);
		break;
	case SIM_OP_COLLECT:
		s->gc->collect(s, ev->gen);
		break;
	case SIM_OP_GC:
		rc = do_gc(s, ev, diag);
		break;
	case SIM_OP_ON:
		rc = fn_on(s, ev, diag);
		break;
	case SIM_OP_WEAKREF:
		rc = sim_diag_set(diag, SIM_ETRACE, "", s->line, ev->col,
				  "weakref is not supported yet");
		break;
	default:
		break;
	}
	if (!rc && safe_point_here(s, ev))
		s->gc->safe_point(s);
	if (!rc && s->call_status) {
		/* a function body failed inside the step */
		rc = s->call_status;
		*diag = s->call_diag;
		s->call_status = 0;
	}
	if (rc) {
		s->step_no--;
		return rc;
	}
	census_maybe(s);
	s->totals.steps++;
	snapshot(s, ev, st);
	return SIM_OK;
}

int sim_apply_setting(sim *s, const struct sim_event *ev, struct sim_diag *diag)
{
	if (s->started)
		return sim_diag_set(diag, SIM_ETRACE, "", ev->line, ev->col,
				    "settings must come before the first event");
	if (ev->setting == SIM_SET_PYTHON) {
		if (strcmp(ev->setting_str, s->prof->name) != 0)
			return sim_diag_set(diag, SIM_ETRACE, "", ev->line, ev->col,
					    "the trace is for python %s, the simulator runs %s",
					    ev->setting_str, s->prof->name);
		return SIM_OK;
	}
	for (int i = 0; i < ev->nnums && i < 3; i++)
		s->gen[i].threshold = ev->nums[i];
	return SIM_OK;
}

void sim_get_totals(const sim *s, struct sim_totals *t)
{
	*t = s->totals;
	t->peak_live = s->peak_live;
	t->peak_tracked = s->peak_tracked;
	t->live = s->live;
}

void sim_get_thresholds(const sim *s, long threshold[3])
{
	for (int i = 0; i < 3; i++)
		threshold[i] = s->gen[i].threshold;
}

void sim_get_stats(const sim *s, struct sim_genstats stats[3])
{
	memcpy(stats, s->stats, sizeof(s->stats));
}

struct each_name {
	const struct sim *s;
	void (*fn)(void *arg, const char *id, int type, int64_t refcnt, int exact);
	void *arg;
};

static void each_name(void *arg, uint32_t ix)
{
	const struct each_name *e = arg;
	const struct obj *o = &e->s->objs[names_obj(e->s->names, ix)];
	/* An interned str's one cache reference is its code object's. */
	int exact = !(o->flags & OF_IMMORTAL) &&
		    (!(o->flags & OF_CACHED) || (o->flags & OF_INTERNED));

	e->fn(e->arg, names_str(e->s->names, ix), o->type, o->refcnt, exact);
}

void sim_each_name(const sim *s,
		   void (*fn)(void *arg, const char *id, int type,
			      int64_t refcnt, int exact),
		   void *arg)
{
	struct each_name e = { s, fn, arg };

	names_each(s->names, 0, each_name, &e);
}

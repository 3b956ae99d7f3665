#!/usr/bin/env python3
"""gentrace.py - random, valid gcsim traces for the differential conformance test.

The conformance test replays one trace through gcsim and through the real
CPython interpreter and compares them step by step (SPEC.md section 6).  This
script writes such traces: random mixes of every event and type of the trace
language (SPEC.md section 1), shaped by a profile.

    gentrace.py --seed N [--events N] [--profile NAME] [--python VERSION]
                [--expects] [--finalizers | --legacy] [--out FILE]
    gentrace.py --seed N --count K --dir DIR [...]   seeds N .. N+K-1
    gentrace.py --list-profiles

Guarantees
----------
* Valid.  Every trace is valid per SPEC.md section 1: IDs are bound before
  use and an alloc never names an ID that may still be alive; `ref` grows
  only lists, dicts, sets, objects, and tuples that still have free slots;
  `unref` drops only a reference that exists (list/dict/object: by identity,
  set: the equal member); `del` drops only a root reference that its ID took;
  set members are hashable, and a tuple goes into a set only once it and
  every tuple inside it are filled; `unref` never names a tuple; every
  `tuple N` gets exactly N fills (soon after, possibly interleaved with other
  events; all of them before the trace ends); `pack ID ITEM...` (a tuple
  display) names 1..16 live objects, never an unfilled tuple, and binds a
  fresh ID like an alloc; thresholds are 1..700;
  generations are 0..2; `gc unfreeze` is never used.
* Only certainly-alive objects are named.  The generator keeps a model of the
  heap (class Heap): which IDs are bound, each object's type, root references
  per ID, what each container holds, refcounts, and which objects are
  reachable from the program's roots.  An object whose refcount reaches 0 is
  freed at once (cascading through what it held).  An object that becomes
  unreachable while its refcount is above 0 (cyclic garbage, or held only by
  such garbage) may be collected at any later moment, since the model does not
  know when CPython collects: its IDs are never named again and never bound
  again.  Every event therefore names only objects reachable from roots, or
  cached singletons (small ints -5..256, '', one-character latin-1 strings,
  b'' and one-byte bytes, (), None, True, False), which never die.
  Identifier-like strings are interned: two allocs of 'foo' name one object
  while it is reachable; the model still treats them as mortal, so an ID
  bound to one is never reused.  Only IDs of objects that certainly died
  (refcount 0, not interned) are bound again.
* Tuples never form a cycle made of tuples alone (they could not be hashed),
  and a tuple is never put in a set before it is completely filled.
* `expect` lines (--expects) state only what the model knows for certain:
  `refcnt` of a non-cached, non-str object that no garbage refers to (garbage
  may drop its references at any time), `alive` of a reachable object,
  `same` of two IDs of one cached or interned object, `freed` of an ID whose
  object's refcount reached 0 in the step just before.
* Deterministic.  The same options give the same trace byte for byte, on
  every Python 3.8 or later: all randomness comes from random.Random(seed)
  through random() alone (whose sequence Python keeps stable across
  versions), and nothing depends on hash order.

Finalizers and weak references (--finalizers, --legacy)
-------------------------------------------------------
--finalizers adds scenes (class FinalizerScenes) to any profile: delobjs
(and legacyobjs with --legacy) with `on` actions, weakrefs with and without
callbacks (gcobjs with `on` bodies), shared basic weakrefs, resurrection
(`on D bind R self`, `on D ref P self`) and the resurrected named again,
garbage cycles (some edges through a weakref's callback, weakrefs inside
them whose callbacks must not run) collected by every generation, `gc
saveall 1/0` and `gc cleargarbage`; `gc freeze` only while no such object
could still need collecting.  Their objects form islands apart from the
heap above (class Islands): nothing else refers to them, they refer to
nothing else, and their IDs (D, LG, G, W, P, O, X, R + number, SINK) are
never bound again.  The model knows what is alive as follows:
* A refcount-driven death is simulated in CPython's order
  (subtype_dealloc: __del__ once, PyObject_ClearWeakRefs and the callbacks,
  tp_del, the references in container order), with every `on` action.
* A garbage cycle's certain functions (its members' __del__, the callbacks
  of live weakrefs to its members) run at an unknown moment up to the next
  full `collect`: until then the scene touches nothing they name; that
  collect is simulated (handle_weakrefs, finalize_garbage, what is
  reachable again survives).  Such a function names only `self` and
  private live objects (never other garbage, whose ID an oracle may not
  resolve mid-collection), and callbacks of weakrefs to the cycle are
  certain only when no member resurrects (whether such weakrefs are
  cleared varies by version).
* Every other function (a tail's __del__, a legacyobj's __tp_del__ in a
  cycle, a callback of a weakref in the garbage) is safe: it only binds a
  name used nowhere else or appends `self` to SINK, a list never dropped,
  so it is valid whenever it runs, and what it could touch is never named.
* Expect lines (with --expects): alive, finalized/unfinalized, cleared,
  referent, same (shared weakrefs) and called only where the model is sure
  on every version.
fincheck.py replays these events in real CPython at other collection
moments and checks all of this.

--python VERSION writes a `#: python VERSION` setting line (so gcsim replays
the trace under that profile) and leans the generator toward what that
version does differently (size-20 tuples for 3.11/3.12, bulk runs past
threshold 2000 for 3.13+).  Without it the trace names no version.

Standard library only; runs on Python 3.8+.
"""

import argparse
import os
import random
import re
import sys

# ---------------------------------------------------------------------------
# Deterministic randomness


class Dice:
    """Random choices drawn from random.Random(seed).random() only.

    Python guarantees that random() gives the same sequence for a seed on
    every version; choice(), randint() and choices() are not so guaranteed,
    so they are rebuilt on top of it here.
    """

    def __init__(self, seed):
        self._random = random.Random(seed).random

    def random(self):
        return self._random()

    def chance(self, p):
        return self._random() < p

    def randint(self, lo, hi):
        """An integer in lo..hi inclusive."""
        return lo + int(self._random() * (hi - lo + 1))

    def choice(self, seq):
        return seq[int(self._random() * len(seq))]

    def weighted(self, table):
        """table: a sequence of (item, weight) pairs; weights > 0 sum > 0."""
        total = 0.0
        for _, w in table:
            total += w
        x = self._random() * total
        for item, w in table:
            x -= w
            if x < 0:
                return item
        return table[-1][0]

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.randint(0, i)
            items[i], items[j] = items[j], items[i]


class Pool:
    """A set with O(1) add, discard and uniform random choice.

    Its order depends only on the order of operations, never on hashes, so
    choices from it are deterministic.
    """

    __slots__ = ("_items", "_index")

    def __init__(self):
        self._items = []
        self._index = {}

    def add(self, x):
        if x not in self._index:
            self._index[x] = len(self._items)
            self._items.append(x)

    def discard(self, x):
        i = self._index.pop(x, None)
        if i is None:
            return
        last = self._items.pop()
        if i < len(self._items):
            self._items[i] = last
            self._index[last] = i

    def choice(self, dice):
        return self._items[int(dice.random() * len(self._items))]

    def __len__(self):
        return len(self._items)

    def __contains__(self, x):
        return x in self._index

    def __iter__(self):
        return iter(list(self._items))


# ---------------------------------------------------------------------------
# The heap model

LIVE, GARBAGE, FREED = "live", "garbage", "freed"
IMMORTAL, INTERNED = "immortal", "interned"

ATOM_TYPES = ("int", "float", "str", "bytes", "bool", "none")
REF_CONTAINERS = ("list", "dict", "set", "object")  # what a plain `ref` grows
UNHASHABLE = ("list", "dict", "set")

_IDENTIFIER = re.compile(r"[A-Za-z0-9_]+\Z")


def is_identifier(s):
    """SPEC: identifier-like strings are [A-Za-z0-9_]+, ASCII, any length."""
    return _IDENTIFIER.match(s) is not None


def share_key(type_, value, size):
    """(key, kind) for objects that two allocs may share, else (None, None).

    IMMORTAL objects are caches and singletons that never die; INTERNED are
    identifier-like strings, shared while alive.
    """
    if type_ == "int":
        if -5 <= value <= 256:
            return ("int", value), IMMORTAL
    elif type_ == "str":
        if value == "" or (len(value) == 1 and ord(value) < 256):
            return ("str", value), IMMORTAL
        if is_identifier(value):
            return ("str", value), INTERNED
    elif type_ == "bytes":
        if len(value) <= 1:
            return ("bytes", value), IMMORTAL
    elif type_ == "bool":
        return ("bool", value), IMMORTAL
    elif type_ == "none":
        return ("none",), IMMORTAL
    elif type_ == "tuple":
        if size == 0:
            return ("tuple",), IMMORTAL
    return None, None


class Obj:
    """One object of the model heap.

    rc counts every reference the model knows: root references plus
    references held by live or garbage objects.  live_rc leaves out those
    held by garbage, which CPython may already have dropped; so the real
    refcount lies in [live_rc, rc], and is exactly rc when the two agree.
    """

    __slots__ = ("num", "type", "value", "cache", "size", "refs", "members",
                 "rc", "live_rc", "roots", "state", "ids", "key", "hashable")

    def __init__(self, num, type_, value, cache, size):
        self.num = num          # model identity, in allocation order
        self.type = type_
        self.value = value      # Python value of an atom
        self.cache = cache      # None, IMMORTAL or INTERNED
        self.size = size        # tuple: declared length
        self.refs = []          # references held, in container order
        self.members = {} if type_ == "set" else None  # equality key -> Obj
        self.rc = 0
        self.live_rc = 0
        self.roots = 0          # root references, over all its IDs
        self.state = LIVE
        self.ids = []           # IDs bound to it that may still be named
        self.key = None         # memoized equality key (hashable objects)
        self.hashable = None    # tuples: True/False once final, else None

    def is_full(self):
        return len(self.refs) == self.size

    def __repr__(self):
        return "<%s#%d %s %s>" % (self.type, self.num, self.state, self.ids)


def hashable(o):
    """True if o may be a set member now."""
    return hash_state(o) is True


def hash_state(o):
    """True (hashable), False (never will be) or None (a tuple inside is
    still being filled)."""
    if o.type in UNHASHABLE:
        return False
    if o.type != "tuple":
        return True
    if o.hashable is not None:
        return o.hashable
    result = o.is_full()
    for item in o.refs:
        h = hash_state(item)
        if h is False:
            o.hashable = False
            return False
        if h is None:
            result = None
    if result:
        o.hashable = True
        return True
    return None


def eq_key(o):
    """A Python value equal to another object's key exactly when the two
    objects are equal as set members: numbers by value (1 == 1.0 == True),
    str and bytes by content, tuples item by item, the rest by identity."""
    if o.key is None:
        t = o.type
        if t in ("int", "float", "bool"):
            o.key = ("n", o.value)
        elif t == "str":
            o.key = ("s", o.value)
        elif t == "bytes":
            o.key = ("b", o.value)
        elif t == "none":
            o.key = ("N",)
        elif t == "tuple":
            assert hashable(o), o
            o.key = ("t",) + tuple(eq_key(i) for i in o.refs)
        else:
            o.key = ("o", o.num)
    return o.key


class Heap:
    """What the program holds and what it may name.

    Invariants, after every operation:
     - obj_of maps exactly the IDs that may be named to LIVE objects, and
       every LIVE object is reachable from a root reference or is IMMORTAL;
     - an object is GARBAGE when it became unreachable with rc > 0: it is
       never named again, its IDs are never bound again, and it keeps its
       references (rc of what it holds stays counted, live_rc does not);
     - an object is FREED when its rc reached 0; its IDs are in dead_ids
       (free to bind again) unless it was interned;
     - roots_of_id[ID] > 0 exactly for the IDs in rooted_ids.
    """

    def __init__(self):
        self.obj_of = {}           # nameable ID -> Obj
        self.roots_of_id = {}      # ID -> root references taken through it
        self.rooted_ids = Pool()
        self.nameable = Pool()     # LIVE objects
        self.containers = dict((t, Pool()) for t in REF_CONTAINERS)
        self.nonempty = Pool()     # LIVE list/dict/set/object holding something
        self.multi = Pool()        # LIVE objects bound to two IDs or more
        self.unfilled = []         # tuples with free slots, oldest first
        self.dead_ids = Pool()     # IDs whose object certainly died
        self.shared = {}           # share key -> Obj
        self.all = []              # every object ever made (for verify)
        self.live = 0              # LIVE objects that are not IMMORTAL
        self.just_freed = []       # IDs certainly freed since the caller
                                   # last emptied this list
        self._drops = []           # (obj, also_rc) references being dropped

    # -- operations (one per event) -----------------------------------------

    def alloc(self, ident, type_, value=None, size=0):
        assert ident not in self.obj_of
        key, cache = share_key(type_, value, size)
        o = self.shared.get(key) if key is not None else None
        if o is None or o.state != LIVE:
            o = Obj(len(self.all), type_, value, cache, size)
            self.all.append(o)
            if key is not None:
                self.shared[key] = o
            self.nameable.add(o)
            if type_ in REF_CONTAINERS:
                self.containers[type_].add(o)
            if type_ == "tuple" and size > 0:
                self.unfilled.append(o)
            if cache != IMMORTAL:
                self.live += 1
        o.ids.append(ident)
        if len(o.ids) == 2:
            self.multi.add(o)
        self.obj_of[ident] = o
        self.dead_ids.discard(ident)
        self._take_root(ident, o)
        return o

    def add_root(self, ident):
        self._take_root(ident, self.obj_of[ident])

    def drop_root(self, ident):
        o = self.obj_of[ident]
        n = self.roots_of_id[ident] - 1
        assert n >= 0
        if n:
            self.roots_of_id[ident] = n
        else:
            del self.roots_of_id[ident]
            self.rooted_ids.discard(ident)
        o.roots -= 1
        self._drops.append((o, True))
        self._settle()

    def add_ref(self, src, dst):
        """src gains a reference to dst; False when a set already holds an
        equal member (then nothing changes)."""
        assert src.state == LIVE and dst.state == LIVE
        if src.type == "set":
            key = eq_key(dst)
            if key in src.members:
                return False
            src.members[key] = dst
        elif src.type == "tuple":
            assert not src.is_full()
        else:
            assert src.type in REF_CONTAINERS
        src.refs.append(dst)
        dst.rc += 1
        dst.live_rc += 1
        if src.type == "tuple":
            if src.is_full():
                self.unfilled.remove(src)
        else:
            self.nonempty.add(src)
        return True

    def remove_ref(self, src, dst):
        """src drops its reference to dst (a set: to its member equal to
        dst).  Returns the object whose reference went."""
        assert src.type in REF_CONTAINERS and src.state == LIVE
        victim = src.members.pop(eq_key(dst)) if src.type == "set" else dst
        del src.refs[index_of(src.refs, victim)]
        if not src.refs:
            self.nonempty.discard(src)
        self._drops.append((victim, True))
        self._settle()
        return victim

    # -- queries ------------------------------------------------------------

    def holds(self, src, dst):
        if src.type == "set":
            return hashable(dst) and eq_key(dst) in src.members
        return any(x is dst for x in src.refs)

    def tuple_reaches(self, start, target):
        """Whether target is start, or inside it through tuples alone."""
        stack, seen = [start], set()
        while stack:
            o = stack.pop()
            if o is target:
                return True
            if o.type == "tuple" and o.num not in seen:
                seen.add(o.num)
                stack.extend(o.refs)
        return False

    def certain_refcnt(self, o):
        """o's real refcount when the model knows it, else None."""
        if (o.state != LIVE or o.cache is not None or o.type == "str"
                or o.rc != o.live_rc):
            return None
        return o.rc

    # -- internals ----------------------------------------------------------

    def _take_root(self, ident, o):
        self.roots_of_id[ident] = self.roots_of_id.get(ident, 0) + 1
        self.rooted_ids.add(ident)
        o.roots += 1
        o.rc += 1
        o.live_rc += 1

    def _settle(self):
        """Apply the pending reference drops: free what reaches rc 0,
        condemn what only garbage still holds, then look for cycles that
        lost their last outside reference."""
        suspects = []
        while self._drops:
            o, also_rc = self._drops.pop()
            assert o.state == LIVE, o
            if also_rc:
                o.rc -= 1
            o.live_rc -= 1
            assert o.rc >= o.live_rc >= o.roots >= 0, o
            if o.cache == IMMORTAL:
                continue
            if o.rc == 0:
                self._retire(o, FREED)
                self._drops.extend((t, True) for t in o.refs)
                o.refs = []
                if o.members:
                    o.members = {}
            elif o.live_rc == 0:
                self._retire(o, GARBAGE)
                self._drops.extend((t, False) for t in o.refs)
            elif o.roots == 0:
                suspects.append(o)
        if suspects:
            self._condemn_cycles(suspects)

    def _condemn_cycles(self, suspects):
        """CPython's trial deletion, on the objects that might have lost
        their way to a root: everything reachable from the suspects without
        passing a rooted or immortal object (what lies beyond those is
        reachable anyway).  An object of that region referenced from outside
        it, and what it reaches, is reachable; the rest is garbage."""
        region = {}
        stack = list(suspects)
        while stack:
            o = stack.pop()
            if (o.num in region or o.state != LIVE or o.roots
                    or o.cache == IMMORTAL):
                continue
            region[o.num] = o
            stack.extend(o.refs)
        inside = dict.fromkeys(region, 0)
        for o in region.values():
            for t in o.refs:
                if t.num in inside:
                    inside[t.num] += 1
        stack = [o for o in region.values() if o.live_rc > inside[o.num]]
        reached = set()
        while stack:
            o = stack.pop()
            if o.num in reached:
                continue
            reached.add(o.num)
            stack.extend(t for t in o.refs if t.num in region)
        dead = [o for o in region.values() if o.num not in reached]
        for o in dead:
            self._retire(o, GARBAGE)
        for o in dead:
            for t in o.refs:
                t.live_rc -= 1
                assert t.live_rc > 0 or t.state != LIVE or t.cache == IMMORTAL

    def _retire(self, o, state):
        assert o.roots == 0, o
        assert o.type != "tuple" or o.is_full(), o
        o.state = state
        self.nameable.discard(o)
        self.multi.discard(o)
        if o.type in REF_CONTAINERS:
            self.containers[o.type].discard(o)
            self.nonempty.discard(o)
        if o.cache != IMMORTAL:
            self.live -= 1
        if o.cache == INTERNED and self.shared.get(("str", o.value)) is o:
            del self.shared[("str", o.value)]
        for ident in o.ids:
            del self.obj_of[ident]
            if state == FREED and o.cache is None:
                self.dead_ids.add(ident)
                self.just_freed.append(ident)
        o.ids = []

    # -- self-check ---------------------------------------------------------

    def verify(self):
        """Recompute refcounts and reachability from scratch and compare
        them with the incremental model (slow; for --self-check)."""
        rc = dict((o.num, o.roots) for o in self.all)
        live_rc = dict(rc)
        for o in self.all:
            if o.state == FREED:
                assert not o.refs, o
                continue
            for t in o.refs:
                rc[t.num] += 1
                if o.state == LIVE:
                    live_rc[t.num] += 1
        reached = set()
        stack = [o for o in self.all if o.state == LIVE
                 and (o.roots or o.cache == IMMORTAL)]
        while stack:
            o = stack.pop()
            if o.num not in reached:
                reached.add(o.num)
                stack.extend(o.refs)
        for o in self.all:
            if o.state == FREED:
                continue
            assert o.rc == rc[o.num], (o, o.rc, rc[o.num])
            assert o.live_rc == live_rc[o.num], (o, o.live_rc, live_rc[o.num])
            assert (o.state == LIVE) == (o.num in reached), o
            assert (o in self.nameable) == (o.state == LIVE), o
        for ident, o in self.obj_of.items():
            assert o.state == LIVE and ident in o.ids, (ident, o)
        for ident, n in self.roots_of_id.items():
            assert n > 0 and ident in self.rooted_ids and ident in self.obj_of
        assert len(self.rooted_ids) == len(self.roots_of_id)
        for o in self.all:
            if o.state == LIVE:
                assert o.roots == sum(self.roots_of_id.get(i, 0) for i in o.ids)
            if o.type == "set" and o.state == LIVE:
                assert [eq_key(m) for m in o.refs] == list(o.members), o


def index_of(items, x):
    for i, y in enumerate(items):
        if y is x:
            return i
    raise ValueError("not held")


# ---------------------------------------------------------------------------
# Finalizers, weak references and resurrection (--finalizers)
#
# The objects of these shapes live in islands of their own, apart from the
# Heap: nothing of the Heap refers to them and they refer to nothing of the
# Heap, so the two models never disagree about a refcount.  An island object
# is named only while the model is certain it is alive (F_LIVE).
#
# A function (a delobj's __del__, a legacyobj's __tp_del__, a gcobj's body
# as a weakref callback) is either certain or safe.  A certain function runs
# only where the model knows it runs: at a refcount-driven death (simulated
# in CPython's order) or in the collection of a garbage cycle that is
# resolved by the next full `collect` (until then its island is F_PENDING
# and its scene touches nothing its functions name).  A safe function may
# run at any moment or never: it names only `self`, names bound nowhere
# else, and the eternal sink list, so it is valid whenever it runs, and the
# model never relies on its effects; whatever it might touch is F_LIMBO
# (never named again, its IDs never bound again).

F_LIVE, F_PENDING, F_LIMBO, F_FREED = "live", "pending", "limbo", "freed"
WEAKREFABLE = ("object", "delobj", "legacyobj", "gcobj")
HOLDERS = ("list", "object", "delobj", "legacyobj", "gcobj")
FUNCTION_TYPES = ("delobj", "legacyobj", "gcobj")


class FObj:
    """One object of an island.  rc counts root references, references
    held by other island objects (a weakref's callback included) and, while
    a function runs, the call's own."""

    __slots__ = ("num", "type", "refs", "rc", "ids", "names_ever", "state",
                 "finalized", "fn", "calls", "referent", "callback",
                 "wrefs", "tail", "unsure", "first", "from_limbo")

    def __init__(self, num, type_):
        self.num = num
        self.type = type_
        self.refs = []          # strong references, in container order
        self.rc = 0
        self.ids = []           # names bound to it
        self.names_ever = 0
        self.state = F_LIVE
        self.finalized = False  # delobj: its __del__ ran (_PyGC_FINALIZED)
        self.fn = None          # Fn, for delobj, legacyobj, gcobj
        self.calls = 0          # times its function ran
        self.referent = None    # weakref: the object it points at
        self.callback = None    # weakref: its callback (a gcobj)
        self.wrefs = []         # weakrefs to it, in CPython's list order
        self.tail = False       # held by a garbage cycle, not in it
        self.unsure = False     # weakref: whether it is cleared is unknown
        self.first = None       # the name it was made with
        self.from_limbo = 0     # references held by objects in limbo

    def __repr__(self):
        return "<%s#%d %s %s>" % (self.type, self.num, self.state, self.ids)


class Fn:
    __slots__ = ("actions", "certain")

    def __init__(self, certain):
        self.actions = []       # (verb, (arg, ...)): args are IDs or "self"
        self.certain = certain


class Islands:
    """The model of the island objects (see above)."""

    def __init__(self):
        self.active = []        # F_LIVE and F_PENDING objects
        self.count = 0
        self.obj_of = {}        # bound name -> F_LIVE or F_PENDING object
        self.roots = {}         # name -> root references (> 0)
        self.pending = False
        self.sink = None        # the eternal list safe functions fill
        self.first = {}         # the name an object was made with -> it

    # -- events ---------------------------------------------------------

    def alloc(self, ident, type_):
        assert ident not in self.obj_of
        o = FObj(self.count, type_)
        o.first = ident
        self.first[ident] = o
        self.count += 1
        self.active.append(o)
        self._bind(ident, o)
        return o

    def weakref(self, ident, target, cb):
        """weakref ident target [cb]; returns the weakref (an existing basic
        one when cb is None and target has one)."""
        assert target.state == F_LIVE and target.type in WEAKREFABLE
        head = target.wrefs[0] if target.wrefs else None
        if cb is None and head is not None and head.callback is None:
            self._bind(ident, head)
            return head
        w = self.alloc(ident, "weakref")
        w.referent = target
        if cb is None:
            target.wrefs.insert(0, w)               # insert_head
        else:
            assert cb.state == F_LIVE and cb.type == "gcobj"
            w.callback = cb
            cb.rc += 1
            if head is not None and head.callback is None:
                target.wrefs.insert(1, w)           # insert_after(basic)
            else:
                target.wrefs.insert(0, w)
        return w

    def ref(self, src, dst):
        assert src.type in HOLDERS and src.state == F_LIVE
        assert dst.state == F_LIVE
        src.refs.append(dst)
        dst.rc += 1

    def unref(self, src, dst):
        del src.refs[index_of(src.refs, dst)]
        self.decref(dst)

    def add_root(self, ident):
        self.roots[ident] += 1
        self.obj_of[ident].rc += 1

    def drop_root(self, ident):
        o = self.obj_of[ident]
        n = self.roots[ident] - 1
        assert n >= 0, ident
        if n:
            self.roots[ident] = n
        else:
            del self.roots[ident]
        self.decref(o)

    def on(self, o, verb, args):
        assert o.type in FUNCTION_TYPES and o.fn is not None
        o.fn.actions.append((verb, tuple(args)))

    # -- CPython's refcount-driven deallocation ---------------------------

    def _bind(self, ident, o):
        o.ids.append(ident)
        o.names_ever += 1
        self.obj_of[ident] = o
        self.roots[ident] = self.roots.get(ident, 0) + 1
        o.rc += 1

    def decref(self, o):
        o.rc -= 1
        assert o.rc >= 0, o
        if o.rc == 0 and o.state in (F_LIVE, F_PENDING):
            self._dealloc(o)

    def call(self, fo, arg):
        """fo's function runs with self = arg (the caller holds both)."""
        fo.calls += 1
        fn = fo.fn
        if fn is None or not fn.certain:
            return
        for verb, args in fn.actions:
            objs = [arg if a == "self" else self.obj_of.get(a)
                    for a in args]
            if verb == "bind":
                name, target = args[0], objs[1]
                assert name not in self.obj_of, name
                assert target.state in (F_LIVE, F_PENDING), target
                self._bind(name, target)
                continue
            if verb == "del":
                assert args[0] in self.roots, args
                self.drop_root(args[0])
                continue
            src, dst = objs
            assert src is not None and dst is not None, args
            assert src.state in (F_LIVE, F_PENDING), src
            assert dst.state in (F_LIVE, F_PENDING), dst
            if verb == "ref":
                assert src.type in HOLDERS
                src.refs.append(dst)
                dst.rc += 1
            else:
                assert verb == "unref"
                self.unref(src, dst)

    def _dealloc(self, o):
        if o.type in ("delobj", "legacyobj") and o.fn is not None:
            assert o.fn.certain or o.state == F_PENDING or (
                o.type == "delobj" and o.finalized), \
                "a safe function would run where the model relies on it"
        if o.type == "delobj" and not o.finalized:
            o.finalized = True
            o.rc = 1
            self.call(o, o)     # PyObject_CallFinalizerFromDealloc
            o.rc -= 1
            if o.rc:
                return          # resurrected
        if o.type in WEAKREFABLE:
            self._clear_weakrefs(o)
        if o.type == "legacyobj":
            o.rc = 1
            self.call(o, o)     # tp_del, after the weakrefs
            o.rc -= 1
            if o.rc:
                return
        self._free(o)

    def _clear_weakrefs(self, o):
        """PyObject_ClearWeakRefs: every weakref cleared, then the
        callbacks called in list order, each weakref held meanwhile."""
        wl, o.wrefs = o.wrefs, []
        calls = []
        for w in wl:
            w.referent = None
            if w.callback is not None:
                calls.append((w, w.callback))
                w.callback = None
        for w, _ in calls:
            w.rc += 1
        for w, cb in calls:
            self.call(cb, w)
        for w, cb in reversed(calls):
            self.decref(cb)
            self.decref(w)

    def _free(self, o):
        o.state = F_FREED
        self._forget(o)
        refs, o.refs = o.refs, []
        if o.type == "list":
            refs.reverse()
        if o.type == "weakref":
            if o.referent is not None:
                del o.referent.wrefs[index_of(o.referent.wrefs, o)]
                o.referent = None
            if o.callback is not None:
                refs.insert(0, o.callback)
                o.callback = None
        for t in refs:
            self.decref(t)

    def _forget(self, o):
        for ident in o.ids:
            del self.obj_of[ident]
            assert ident not in self.roots, ident
        o.ids = []
        del self.active[index_of(self.active, o)]

    # -- reachability, garbage, and the collector -------------------------

    def _reach(self):
        stack = [self.obj_of[i] for i in self.roots]
        seen = set()
        while stack:
            o = stack.pop()
            if o.num in seen or o.state not in (F_LIVE, F_PENDING):
                continue
            seen.add(o.num)
            stack.extend(o.refs)
            if o.callback is not None:
                stack.append(o.callback)
        return seen

    def settle(self):
        """After every event: what lost its way to the roots is garbage,
        pending resolution when a certain function depends on its
        collection, else in limbo."""
        seen = self._reach()
        lost = [o for o in self.active
                if o.state == F_LIVE and o.num not in seen]
        if not lost:
            return
        nums = set(o.num for o in lost)
        certain = False
        for o in lost:
            if o.fn is not None and o.type != "delobj":
                assert not o.fn.certain, o      # legacyobj, or a callback
            if o.callback is not None and o.callback.fn is not None:
                assert not o.callback.fn.certain, o
            if (o.type == "delobj" and not o.finalized and o.fn is not None
                    and o.fn.certain):
                assert not o.tail, o
                certain = True
            for w in o.wrefs:
                if (w.state == F_LIVE and w.num not in nums
                        and w.callback is not None
                        and w.callback.fn is not None
                        and w.callback.fn.certain):
                    assert not o.tail, o
                    certain = True
        if certain:
            self.pending = True
            for o in lost:
                o.state = F_PENDING
        else:
            for o in lost:
                self._limbo(o)

    def _limbo(self, o):
        for w in o.wrefs:
            assert (w.callback is None or w.callback.fn is None
                    or not w.callback.fn.certain), w
            w.unsure = True
        o.state = F_LIMBO
        self._forget(o)
        for t in o.refs + ([o.callback] if o.callback else []):
            t.from_limbo += 1

    def resolve(self):
        """A full collection: the pending garbage is collected as CPython
        does (handle_weakrefs, finalize_garbage, then what is reachable
        again survives); the rest goes to limbo."""
        if not self.pending:
            return
        self.pending = False
        garbage = [o for o in self.active if o.state == F_PENDING]
        nums = set(o.num for o in garbage)
        calls, cleared = [], []
        for o in garbage:
            for w in o.wrefs:
                w.referent = None
                cleared.append((w, o))
                if (w.num not in nums and w.state == F_LIVE
                        and w.callback is not None):
                    calls.append(w)
            o.wrefs = []
        for w in calls:         # the weakref keeps its callback
            if w.state == F_LIVE:
                w.rc += 1
                self.call(w.callback, w)
                self.decref(w)
        for o in garbage:
            if (o.state == F_PENDING and o.type == "delobj"
                    and not o.finalized):
                o.finalized = True
                o.rc += 1
                self.call(o, o)
                self.decref(o)
        seen = self._reach()
        for o in garbage:
            if o.state != F_PENDING:
                continue
            if o.num in seen and not o.tail:
                o.state = F_LIVE
            else:
                self._limbo(o)
        for w, o in cleared:
            if o.state == F_LIVE:   # resurrected: cleared or not by version
                w.unsure = True
        self.settle()

    def busy(self):
        """Whether a freeze could hide an island object from the collector
        while the model counts on collecting it."""
        return any(o is not self.sink for o in self.active)

    def verify(self):
        expected = dict((o.num, o.from_limbo) for o in self.active)
        for ident, n in self.roots.items():
            expected[self.obj_of[ident].num] += n
        for o in self.active:
            for t in o.refs + ([o.callback] if o.callback else []):
                if t.num in expected:
                    expected[t.num] += 1
        for o in self.active:
            assert o.rc == expected[o.num], (o, o.rc, expected[o.num])
            for ident in o.ids:
                assert self.obj_of[ident] is o


# ---------------------------------------------------------------------------
# Writing trace text


def quote(value, latin1_escapes=False):
    """A quoted trace string for a str or bytes value."""
    out = ['"']
    if isinstance(value, bytes):
        for b in value:
            c = chr(b)
            if c == '"' or c == "\\":
                out.append("\\" + c)
            elif c == "\n":
                out.append("\\n")
            elif c == "\t":
                out.append("\\t")
            elif 0x20 <= b < 0x7F:
                out.append(c)
            else:
                out.append("\\x%02x" % b)
    else:
        for c in value:
            n = ord(c)
            if c == '"' or c == "\\":
                out.append("\\" + c)
            elif c == "\n":
                out.append("\\n")
            elif c == "\t":
                out.append("\\t")
            elif n < 0x20 or n == 0x7F:
                out.append("\\x%02x" % n)
            elif 0x80 <= n < 0x100 and latin1_escapes:
                out.append("\\x%02x" % n)
            else:
                out.append(c)
    out.append('"')
    return "".join(out)


def format_float(x):
    """Decimal or exponent form, without a '+' in the exponent."""
    return repr(x).replace("e+", "e")


def format_str(s, dice, latin1_escapes):
    if is_identifier(s) and not s[0].isdigit() and dice.chance(0.85):
        return s
    return quote(s, latin1_escapes)


class Emitter:
    """Collects the lines of one trace and counts its events."""

    def __init__(self):
        self.lines = []
        self.events = 0

    def comment(self, text):
        self.lines.append("# " + text)

    def setting(self, text):
        self.lines.append("#: " + text)

    def event(self, tokens):
        self.lines.append(" ".join(tokens))
        self.events += 1

    def expect(self, tokens):
        self.lines.append("expect " + " ".join(tokens))

    def text(self):
        return "\n".join(self.lines) + "\n"


# ---------------------------------------------------------------------------
# Profiles

# Action weights.  Every profile draws from the same actions; what differs is
# how often.  "ctypes" weighs container types for new containers and for
# picking a container to grow; "atoms" weighs atom kinds; "untrackable" is the
# chance that a tuple slot gets an atom or hashable tuple rather than anything.
BASE_CTYPES = {"list": 4, "dict": 3, "set": 1.5, "object": 3}
BASE_ATOMS = {
    "small_int": 6, "int": 4, "huge_int": 1, "float": 5, "int_float": 1.5,
    "bool": 1, "none": 1, "ident": 4, "char": 2, "empty_str": 0.5,
    "text": 3, "empty_bytes": 0.5, "byte": 1, "bytes": 2,
}

PROFILES = {
    "mixed": dict(
        doc="every event and type, balanced",
        actions=dict(atom=10, container=8, tuple=6, ref=14, unref=7,
                     rootref=3, delete=12, cycle=4, abandon=2, churn=1.5,
                     bulk=0.4, object=3, setplay=1.2, dictplay=1.2,
                     nested=1.2, collect=1, threshold=0.4, toggle=0.3,
                     freeze=0.02, display=0.3, pack=3)),
    "cycles": dict(
        doc="self-references, pairs, rings, back-pointers, dropped roots",
        actions=dict(cycle=20, abandon=5, ref=10, unref=5, delete=8,
                     container=6, atom=4, object=3, tuple=2, collect=3,
                     threshold=0.5, toggle=0.4, freeze=0.03)),
    "freelists": dict(
        doc="create-and-drop bursts that fill, cap and drain the free lists",
        actions=dict(churn=25, container=4, tuple=4, atom=4, delete=8,
                     ref=4, unref=3, collect=2, cycle=1, nested=1,
                     threshold=0.3),
        atoms=dict(BASE_ATOMS, float=12, int_float=3)),
    "tuples": dict(
        doc="tuples of every size, nested and untrackable, filled late",
        actions=dict(tuple=20, nested=10, ref=6, unref=3, delete=10, atom=6,
                     container=3, collect=2, churn=2, setplay=2, cycle=2,
                     threshold=0.3, display=3, pack=8),
        untrackable=0.75),
    "dicts": dict(
        doc="dicts of atoms (untracked), of containers, of themselves",
        actions=dict(dictplay=20, container=5, ref=12, unref=8, delete=8,
                     atom=6, cycle=3, collect=2, tuple=2, threshold=0.3),
        ctypes=dict(list=1, dict=8, set=0.5, object=1)),
    "objects": dict(
        doc="instances with many attributes, deleted and re-set",
        actions=dict(object=20, ref=10, unref=8, delete=8, atom=6, cycle=4,
                     container=2, collect=1, tuple=1, threshold=0.3),
        ctypes=dict(list=1, dict=1, set=0.5, object=8),
        many_attrs=0.15),
    "sets": dict(
        doc="set members by equality: 1, 1.0, True; equal strs, bytes, tuples",
        actions=dict(setplay=20, ref=10, unref=8, atom=8, delete=8, tuple=4,
                     object=3, collect=1, nested=2, threshold=0.3),
        ctypes=dict(list=1, dict=1, set=8, object=2)),
    "atoms": dict(
        doc="ints, floats, strs, bytes: caches, singletons, interning",
        actions=dict(atom=30, rootref=8, delete=15, ref=8, unref=5,
                     container=3, setplay=3, collect=0.5, churn=1),
        atoms=dict(BASE_ATOMS, small_int=8, char=4, empty_str=1,
                   empty_bytes=1, byte=3, ident=6)),
    "bulk": dict(
        doc="long runs of allocations held by one list, crossing thresholds",
        actions=dict(bulk=10, churn=2, delete=5, atom=4, container=4, ref=5,
                     unref=3, collect=1, threshold=1.5, toggle=0.5,
                     display=4)),
    "gcstress": dict(
        doc="small thresholds, gc disable/enable, many collections",
        actions=dict(threshold=3, toggle=2, collect=4, cycle=8, container=6,
                     atom=6, ref=10, unref=5, delete=10, abandon=3, bulk=1,
                     churn=2, tuple=3, object=3, freeze=0.1, display=1,
                     pack=2),
        small_thresholds=True),
}
ANY = "any"  # pick the profile from the seed

PYTHONS = ("3.8", "3.11", "3.12", "3.13", "3.14")


# ---------------------------------------------------------------------------
# The generator

PREFIX = {"int": "i", "float": "f", "str": "s", "bytes": "b", "bool": "q",
          "none": "z", "tuple": "t", "list": "l", "dict": "d", "set": "set",
          "object": "o"}

WORDS = ("foo", "bar", "baz", "x", "y", "_", "self", "value", "__init__",
         "abc_123", "A", "ok", "name", "key", "data", "node", "parent",
         "true", "none", "alloc", "int", "l1", "_tmp", "CamelCase")
TEXTS = ("hello world", 'say "hi"', "tab\there", "line\nbreak",
         "back\\slash", "# not a comment", "caf\u00e9 au lait",
         "na\u00efve", "\u0100", "\u20ac", "\u4e2d\u6587", "\U0001F642",
         "a-b", "x.y", "1 + 1", "   ", "h\u00e9llo", "tab\t", "\x00nul",
         "end\\", "quote\"", "multi\nline\ntext", "\u00ff\u00fe", "\x7f",
         "p\u00e5 svenska", "\u0391\u03b2\u03b3")


# ---------------------------------------------------------------------------
# The shapes of --finalizers

FIN_PREFIX = {"delobj": "D", "legacyobj": "LG", "gcobj": "G", "weakref": "W",
              "list": "P", "object": "O", "float": "X"}


class FinalizerScenes:
    """The shapes of --finalizers, mixed into Generator.  Each scene is a
    Python generator: it writes a few events, then yields, so that scenes,
    the other actions and the collections they trigger interleave."""

    # -- events on islands: each applies the model, then writes the line ----

    def f_id(self, prefix):
        self.next_id += 1
        return "%s%d" % (prefix, self.next_id)

    def f_event(self, tokens):
        self.fin.settle()
        if self.self_check:
            self.fin.verify()
        self._event(tokens)

    def f_alloc(self, type_):
        ident = self.f_id(FIN_PREFIX[type_])
        o = self.fin.alloc(ident, type_)
        tokens = ["alloc", ident, type_]
        if type_ == "float":
            tokens.append(format_float(self.dice.randint(1, 999) + 0.5))
        self.f_event(tokens)
        return o

    def f_name(self, o):
        assert o.state == F_LIVE, o
        return self.dice.choice(o.ids)

    def f_ref(self, src, dst):
        tokens = ["ref", self.f_name(src), self.f_name(dst)]
        self.fin.ref(src, dst)
        self.f_event(tokens)

    def f_unref(self, src, dst):
        tokens = ["unref", self.f_name(src), self.f_name(dst)]
        self.fin.unref(src, dst)
        self.f_event(tokens)

    def f_drop(self, ident):
        verb = "unref" if self.dice.chance(0.1) else "del"
        self.fin.drop_root(ident)
        self.f_event([verb, ident])

    def f_drop_all(self, o):
        """Drop every root reference o's names hold."""
        for ident in list(o.ids):
            while o.state == F_LIVE and self.fin.roots.get(ident):
                self.f_drop(ident)

    def f_weakref(self, target, cb=None):
        ident = self.f_id("W")
        tokens = ["weakref", ident, self.f_name(target)]
        if cb is not None:
            tokens.append(self.f_name(cb))
        w = self.fin.weakref(ident, target, cb)
        self.f_event(tokens)
        return w, ident

    def f_on(self, o, verb, *args):
        self.fin.on(o, verb, args)
        self.f_event(["on", self.f_name(o), verb] + list(args))

    def f_expect(self, *tokens):
        if self.expects:
            self.out.expect(list(tokens))

    def f_sink(self):
        if self.fin.sink is None:
            self.fin.sink = self.fin.alloc("SINK", "list")
            self.f_event(["alloc", "SINK", "list"])
        return "SINK"

    def saveall(self, on):
        self.saveall_on = on
        self.gc_event("saveall", "1" if on else "0")

    # -- functions ----------------------------------------------------------

    def kit_list(self, names, owner):
        """A private list with a root, named by owner's function; the
        scene drops it once that function can no longer run."""
        p = self.f_alloc("list")
        names.append(p.ids[0])
        self.kit_owner[p.ids[0]] = owner
        return p

    def certain_fn(self, o, names, kind, resurrect=True, others=(),
                   droppable=None):
        """Give o a certain function of 0..4 actions on private objects:
        kind "fin" (self = o) or "cb" (self = the weakref).  others: objects
        o holds that it may store or bind (alive whenever it runs)."""
        dice = self.dice
        o.fn = Fn(True)
        menu = [("del", 2), ("unref_kit", 2)]
        if resurrect:
            menu += [("bind", 3), ("keep", 3)]
        if kind == "fin":
            if droppable is None:
                droppable = [x for x in o.refs if x not in others]
            if droppable:
                menu.append(("drop", 4))
            if others:
                menu += [("store", 2), ("bind_other", 1)]
        used = set()
        for _ in range(dice.weighted(((0, 1), (1, 4), (2, 3), (3, 2),
                                      (4, 1)))):
            act = dice.weighted(menu)
            if act == "bind":
                if "bind" in used:
                    continue
                name = self.f_id("R")
                names.append(name)
                self.f_on(o, "bind", name, "self")
            elif act == "keep":
                p = self.kit_list(names, o)
                self.f_on(o, "ref", p.ids[0], "self")
            elif act == "del":
                q = self.f_alloc(dice.choice(("list", "object", "float")))
                self.f_on(o, "del", q.ids[0])
            elif act == "unref_kit":
                p = self.kit_list(names, o)
                x = self.f_alloc("float")
                self.f_ref(p, x)
                self.f_drop(x.ids[0])
                self.f_on(o, "unref", p.ids[0], x.ids[0])
            elif act == "drop":
                # an attribute no other action of o names: o drops it
                # before anything else could
                choices = [x for x in droppable if x.num not in used]
                if not choices:
                    continue
                x = dice.choice(choices)
                used.add(x.num)
                self.f_on(o, "unref", "self", self.f_name(x))
            elif act == "store":
                y = dice.choice(others)
                p = self.kit_list(names, o)
                self.f_on(o, "ref", p.ids[0], self.f_name(y))
            elif act == "bind_other":
                y = dice.choice(others)
                name = self.f_id("R")
                names.append(name)
                self.f_on(o, "bind", name, self.f_name(y))
            used.add(act)

    def safe_fn(self, o):
        """A safe function: valid whenever it runs, or never."""
        dice = self.dice
        o.fn = Fn(False)
        for _ in range(dice.weighted(((0, 2), (1, 3), (2, 1)))):
            if dice.chance(0.5):
                self.f_on(o, "bind", self.f_id("R"), "self")
            else:
                self.f_on(o, "ref", self.f_sink(), "self")

    def new_callback(self, names, certain, resurrect=True):
        cb = self.f_alloc("gcobj")
        names.append(cb.ids[0])
        if certain:
            self.certain_fn(cb, names, "cb", resurrect=resurrect)
        else:
            self.safe_fn(cb)
        return cb

    # -- what a scene says and drops at its end -----------------------------

    def f_expects(self, objs):
        """State what the model knows of the scene's objects."""
        if not self.expects:
            return
        dice = self.dice
        for o in objs:
            if dice.chance(0.5):
                continue
            if o.state == F_LIVE:
                name = self.f_name(o)
                if o.type == "delobj":
                    self.f_expect("finalized" if o.finalized
                                  else "unfinalized", name)
                elif o.type == "weakref" and not o.unsure:
                    if o.referent is None:
                        self.f_expect("cleared", name)
                    elif o.referent.state == F_LIVE:
                        self.f_expect("referent", name,
                                      self.f_name(o.referent))
                else:
                    self.f_expect("alive", name)
            if (o.fn is not None and o.fn.certain and o.names_ever == 1
                    and o.state in (F_LIVE, F_FREED)):
                self.f_expect("called", o.first, str(o.calls))

    def fn_done(self, o):
        """Whether o's function can no longer run."""
        if o.state in (F_FREED, F_LIMBO):
            return True
        if o.type == "delobj":
            return o.finalized
        if o.type == "gcobj":
            return o.calls > 0 or not any(
                w.callback is o and w.referent is not None
                for w in self.fin.active if w.type == "weakref")
        return False

    def f_cleanup(self, names):
        """Drop, in random order, every root the scene's names hold, a
        function's private objects only once it can no longer run; a
        garbage cycle that makes pending is collected first."""
        dice = self.dice
        while True:
            while self.fin.pending:
                yield
                if self.fin.pending and dice.chance(0.3):
                    self.collect(dice.choice((None, 2)))
            ready = [i for i in names if self.fin.roots.get(i) and (
                i not in self.kit_owner or self.fn_done(self.kit_owner[i]))]
            if not ready:
                return
            self.f_drop(dice.choice(ready))
            if dice.chance(0.5):
                yield

    # -- scenes -------------------------------------------------------------

    def act_fin(self):
        if len(self.scenes) < 3:
            kind = self.dice.weighted(self.scene_kinds)
            self.scenes.append(getattr(self, "scene_" + kind)())
        self.step_scene()

    def step_scene(self):
        i = int(self.dice.random() * len(self.scenes))
        try:
            next(self.scenes[i])
        except StopIteration:
            del self.scenes[i]

    def fin_node_type(self, legacy=True):
        table = [("delobj", 5), ("object", 2), ("gcobj", 1.5)]
        if self.legacy and legacy:
            table.append(("legacyobj", 2))
        return self.dice.weighted(table)

    def give_attrs(self, o, k):
        """k private attributes: floats, lists, objects (roots dropped)."""
        for _ in range(k):
            x = self.f_alloc(self.dice.choice(("float", "float", "list",
                                                "object")))
            self.f_ref(o, x)
            self.f_drop(x.ids[0])

    def scene_rc(self):
        """Objects with finalizers and weakrefs (with and without callbacks,
        held outside, by the referent itself, or by its holder) that die by
        refcount; finalizers resurrect, drop references, drop roots; the
        resurrected die again later, the callbacks then run."""
        dice = self.dice
        self.out.comment("finalizers: refcount deaths")
        names = []
        objs = []
        for i in range(dice.randint(1, 4)):
            o = self.f_alloc(self.fin_node_type())
            objs.append(o)
            names.append(o.ids[0])
            self.give_attrs(o, dice.weighted(((0, 2), (1, 3), (2, 2),
                                                     (3, 1))))
            held = []
            if i and dice.chance(0.6):      # hold earlier ones: a tree
                for p in objs[:-1]:
                    if p.state == F_LIVE and dice.chance(0.5):
                        self.f_ref(o, p)
                        held.append(p)
            if o.type in ("delobj", "legacyobj"):
                self.certain_fn(o, names, "fin",
                                resurrect=o.type == "delobj", others=held)
            if dice.chance(0.3):
                yield
        for o in objs:
            for _ in range(dice.weighted(((0, 3), (1, 3), (2, 2), (3, 1)))):
                self.scene_weakref(o, names, certain=True)
            if dice.chance(0.3):
                yield
        # an attribute no function names, deleted: it may die at once
        named = set(a for o in objs if o.fn is not None
                    for _, args in o.fn.actions for a in args)
        for o in objs:
            loose = [x for x in o.refs if not named.intersection(x.ids)]
            if loose and dice.chance(0.3):
                self.f_unref(o, dice.choice(loose))
        # roots of the held ones go first: each then lives in its holder
        order = list(objs)
        dice.shuffle(order)
        for o in order:
            if o.state == F_LIVE and o.rc > self.fin.roots.get(o.ids[0], 0):
                if dice.chance(0.8):
                    self.f_drop_all(o)
        yield
        self.f_expects(objs)
        for o in objs:
            if o.state == F_LIVE and dice.chance(0.7):
                self.f_drop_all(o)
                if dice.chance(0.4):
                    yield
        self.f_expects(self.scene_objs(names, objs))
        for step in self.f_cleanup(names):
            yield step
        self.f_expects(self.scene_objs(names, objs))

    def scene_objs(self, names, objs):
        out = list(objs)
        for ident in names:
            o = self.fin.first.get(ident)
            if o is not None and o not in out:
                out.append(o)
        return out

    def scene_weakref(self, o, names, certain, where=None):
        """A weakref to o: held by a root, by o, or by a holder; with a
        callback or none (then maybe shared)."""
        dice = self.dice
        if o.type not in WEAKREFABLE or o.state != F_LIVE:
            return None
        cb = None
        if dice.chance(0.6):
            cb = self.new_callback(names, certain)
        shared = [i for i in (o.wrefs[0].ids if o.wrefs else ())
                  if cb is None and o.wrefs[0].callback is None]
        w, ident = self.f_weakref(o, cb)
        if shared:
            self.f_expect("same", dice.choice(shared), ident)
        if cb is not None:
            self.f_drop(cb.ids[0])
        where = where or dice.weighted((("root", 3), ("self", 2)))
        if where == "root":
            names.append(ident)
        else:
            self.f_ref(o if where == "self" else where, w)
            self.f_drop(ident)
        return w

    def scene_cycle(self):
        """A garbage cycle of delobjs, objects and gcobjs (legacyobjs with
        --legacy), some edges through a weakref's callback, weakrefs to its
        members held inside it (their callbacks must not run) and outside
        (theirs run unless a member resurrects), tails held by it; its
        roots dropped, then collected by generation 0, 1 and 2."""
        dice = self.dice
        names = []
        legacy = self.legacy and dice.chance(0.35)
        k = dice.weighted(((1, 3), (2, 3), (3, 2), (5, 1)))
        self.out.comment("finalizers: a garbage cycle of %d%s" %
                         (k, " with a legacy finalizer" if legacy else ""))
        nodes = []
        silent = []     # callbacks of weakrefs in the garbage: never called
        for i in range(k):
            t = self.fin_node_type(legacy=False)
            if legacy and i == 0:
                t = "legacyobj"
            nodes.append(self.f_alloc(t))
        # tails first: private objects and delobjs with safe functions
        for o in nodes:
            self.give_attrs(o, dice.weighted(((0, 3), (1, 2), (2, 1))))
            if dice.chance(0.25):
                t = self.f_alloc("delobj")
                t.tail = True
                self.give_attrs(t, dice.randint(0, 1))
                self.safe_fn(t)
                self.f_ref(o, t)
                self.f_drop(t.ids[0])
            if dice.chance(0.2):
                w = self.scene_weakref(o, names, certain=False, where=o)
                w.tail = True
                if w.callback is not None:
                    silent.append(w.callback)
        for o in nodes:
            for x in o.refs:
                x.tail = True
        yield
        # the cycle: a ring, some edges through a weakref's callback
        for i, o in enumerate(nodes):
            nxt = nodes[(i + 1) % k]
            if dice.chance(0.2):
                cb = self.f_alloc("gcobj")
                silent.append(cb)
                self.safe_fn(cb)
                self.f_ref(cb, nxt)
                w, wid = self.f_weakref(dice.choice(nodes), cb)
                self.f_drop(cb.ids[0])
                self.f_ref(o, w)
                self.f_drop(wid)
            else:
                self.f_ref(o, nxt)
            if dice.chance(0.2):
                self.f_ref(o, dice.choice(nodes))
        if dice.chance(0.3):
            yield
        # functions: certain for members, unless a legacyobj is in it
        resurrects = False
        for o in nodes:
            if o.type == "delobj" and not legacy:
                # it runs inside a collection: it names no other garbage
                # (an oracle may not know such an ID for alive then)
                self.certain_fn(o, names, "fin", droppable=[])
                if any(v in ("bind", "ref") for v, _ in o.fn.actions):
                    resurrects = True
            elif o.type in ("delobj", "legacyobj"):
                self.safe_fn(o)
        # weakrefs from outside (roots), with callbacks when no member
        # resurrects (when one does, whether it is cleared varies)
        outside = []
        for _ in range(dice.weighted(((0, 2), (1, 3), (2, 2)))):
            o = dice.choice(nodes)
            if o.type not in WEAKREFABLE:
                continue
            cb = None
            if dice.chance(0.6) and not resurrects and not legacy:
                cb = self.new_callback(names, certain=True)
            w, ident = self.f_weakref(o, cb)
            if cb is not None:
                self.f_drop(cb.ids[0])
            names.append(ident)
            outside.append(w)
        yield
        saveall = not self.saveall_on and dice.chance(0.25)
        if saveall:
            self.saveall(True)
        order = list(nodes)
        dice.shuffle(order)
        for o in order:
            self.f_drop_all(o)
            if dice.chance(0.3):
                yield
        for _ in range(dice.randint(0, 3)):
            yield
            if dice.chance(0.3):
                self.collect(dice.choice((0, 1)))
        if self.fin.pending or dice.chance(0.6):
            self.collect(dice.choice((None, 2)))
        if saveall:
            self.saveall(False)
            if dice.chance(0.5):
                self.gc_event("cleargarbage")
        yield
        self.f_expects(self.scene_objs(names, nodes + outside))
        if not legacy and not self.fin.pending:
            for cb in silent:
                if cb.calls == 0 and dice.chance(0.5):
                    self.f_expect("called", cb.first, "0")
        for step in self.f_cleanup(names):
            yield step
        self.f_expects(self.scene_objs(names, outside))

    def act_garbage(self):
        """gc.set_debug(DEBUG_SAVEALL) on or off, or gc.garbage.clear()."""
        if self.dice.chance(0.5):
            self.gc_event("cleargarbage")
        else:
            self.saveall(not self.saveall_on)


class Generator(FinalizerScenes):
    """Writes one trace: picks actions by profile weight and carries each out
    as events, keeping the heap model in step."""

    def __init__(self, seed, events=2000, profile="mixed", python=None,
                 expects=False, latin1_escapes=False, self_check=False,
                 finalizers=False, legacy=False):
        self.dice = Dice(seed)
        if profile == ANY:
            profile = sorted(PROFILES)[seed % len(PROFILES)]
        self.seed = seed
        self.profile_name = profile
        prof = PROFILES[profile]
        self.actions = sorted(prof["actions"].items())
        self.finalizers = finalizers or legacy
        self.legacy = legacy
        if self.finalizers:
            # about one action in eight starts or steps a scene
            total = sum(w for _, w in self.actions)
            self.actions += [("fin", total / 8.0), ("garbage", total / 200.0)]
        self.scene_kinds = (("rc", 1), ("cycle", 1))
        self.fin = Islands()
        self.scenes = []            # running scenes (Python generators)
        self.kit_owner = {}         # private list's ID -> its function's owner
        self.saveall_on = False
        self.ctypes = sorted(prof.get("ctypes", BASE_CTYPES).items())
        self.atom_kinds = sorted(prof.get("atoms", BASE_ATOMS).items())
        self.untrackable = prof.get("untrackable", 0.35)
        self.many_attrs = prof.get("many_attrs", 0.02)
        self.small_thresholds = prof.get("small_thresholds", False)
        self.python = python
        self.expects = expects
        self.latin1_escapes = latin1_escapes
        self.self_check = self_check
        self.n_events = events
        if events > 200000:
            self.target_live = events // 40
        else:
            self.target_live = max(150, min(5000, events // 4))
        self.heap = Heap()
        self.out = Emitter()
        self.next_id = 0
        self.loose = []            # [tuple, birth event]: filled by _tend()
        self.gc_enabled = True
        self.reenable_at = 0
        self.freezes = 0
        self.temps = []            # IDs of roots an action drops at its end
        self._in_tend = False

    # -- the run ------------------------------------------------------------

    def run(self):
        self._header()
        if self.small_thresholds:
            self.act_threshold(style="small")
        while self.out.events < self.n_events:
            if not self.gc_enabled and self.out.events >= self.reenable_at:
                self.gc_event("enable")
            over = self.heap.live / float(self.target_live) - 1
            if self.scenes and self.dice.chance(0.25):
                self.step_scene()
            elif over > 0 and self.dice.chance(min(0.95, 0.3 + 2 * over)):
                self.shrink()
            else:
                getattr(self, "act_" + self.dice.weighted(self.actions))()
        self._in_tend = True        # the last fills, with no tending between
        while self.loose:
            self.fill_slot(self.loose[0][0])
        return self.out.text()

    def _header(self):
        opts = "--seed %d --events %d --profile %s" % (
            self.seed, self.n_events, self.profile_name)
        if self.python:
            opts += " --python " + self.python
        if self.expects:
            opts += " --expects"
        if self.latin1_escapes:
            opts += " --latin1-escapes"
        if self.legacy:
            opts += " --legacy"
        elif self.finalizers:
            opts += " --finalizers"
        out = self.out
        out.comment("gcsim trace written by tests/conformance/gentrace.py")
        out.comment("seed %d, profile %s (%s), %d events, python %s, "
                    "expects %s" % (self.seed, self.profile_name,
                                    PROFILES[self.profile_name]["doc"],
                                    self.n_events, self.python or "any",
                                    "on" if self.expects else "off"))
        out.comment("regenerate: python3 tests/conformance/gentrace.py " + opts)
        out.comment("every event names only objects reachable from the "
                    "program's roots, or cached singletons")
        if self.python:
            out.setting("python " + self.python)

    def room(self):
        """Events left before the target length."""
        return max(1, self.n_events - self.out.events)

    # -- events: each writes one line and updates the model ------------------

    def _event(self, tokens):
        """Write an event the model has already applied."""
        self.out.event(tokens)
        if self.self_check:
            self.heap.verify()
        self._tend()
        del self.heap.just_freed[:]

    def new_id(self, type_):
        heap, dice = self.heap, self.dice
        if len(heap.dead_ids) and dice.chance(0.08):
            ident = heap.dead_ids.choice(dice)
            heap.dead_ids.discard(ident)
            return ident
        self.next_id += 1
        n = self.next_id
        r = dice.random()
        if r < 0.015:
            return "0x7f3a%06x" % (n * 16)
        if r < 0.025:
            return "ns.%s:%d" % (type_, n)
        if r < 0.035:
            return "%s-%d" % (type_, n)
        return PREFIX[type_] + str(n)

    def name(self, o):
        assert o.state == LIVE, o
        return o.ids[0] if len(o.ids) == 1 else self.dice.choice(o.ids)

    def alloc(self, type_, value=None, size=None):
        """alloc a fresh ID; returns (object, ID)."""
        ident = self.new_id(type_)
        tokens = ["alloc", ident, type_]
        if type_ == "int":
            tokens.append(str(value))
        elif type_ == "float":
            tokens.append(format_float(value))
        elif type_ == "str":
            tokens.append(format_str(value, self.dice, self.latin1_escapes))
        elif type_ == "bytes":
            tokens.append(quote(value))
        elif type_ == "bool":
            tokens.append("true" if value else "false")
        elif type_ == "tuple":
            if size or self.dice.chance(0.5):
                tokens.append(str(size))
        o = self.heap.alloc(ident, type_, value, size or 0)
        self._event(tokens)
        return o, ident

    def pack(self, items, temps=()):
        """pack a fresh ID from items (LIVE objects), a tuple display made
        in one step, then drop the root of each ID in temps (the items'
        temporary names); returns (object, ID)."""
        names = [self.name(o) for o in items]
        ident = self.new_id("tuple")
        t = self.heap.alloc(ident, "tuple", None, len(items))
        for o in items:
            self.heap.add_ref(t, o)
        self._event(["pack", ident] + names)
        for i in temps:
            self.drop(i)
        return t, ident

    def root(self, o):
        ident = self.name(o)
        self.heap.add_root(ident)
        self._event(["ref", ident])
        return ident

    def drop(self, ident):
        verb = "unref" if self.dice.chance(0.1) else "del"
        self.heap.drop_root(ident)
        self._event([verb, ident])

    def drop_all(self, idents):
        for ident in idents:
            while self.heap.roots_of_id.get(ident, 0):
                self.drop(ident)

    def ref(self, src, dst):
        assert src.type != "tuple" or not self.heap.tuple_reaches(dst, src)
        tokens = ["ref", self.name(src), self.name(dst)]
        self.heap.add_ref(src, dst)
        self._event(tokens)

    def unref(self, src, dst):
        tokens = ["unref", self.name(src), self.name(dst)]
        self.heap.remove_ref(src, dst)
        self._event(tokens)

    def gc_event(self, *words):
        if words[0] == "enable":
            self.gc_enabled = True
        elif words[0] == "disable":
            self.gc_enabled = False
        self._event(["gc"] + list(words))

    def collect(self, gen=None):
        if gen is None or gen == 2:
            self.fin.resolve()      # a full collection: nothing pending
        self._event(["collect"] if gen is None else ["collect", str(gen)])

    # -- between events: tuple fills and expects ----------------------------

    def _tend(self):
        """After each event: fill a slot of a pending tuple now and then (all
        of a tuple's slots once it has waited too long), and maybe state an
        expectation.  Neither can make anything unreachable, so this may run
        in the middle of any action."""
        if self._in_tend:
            return
        self._in_tend = True
        try:
            if self.expects and self.dice.chance(0.06):
                self.emit_expect()
            if self.loose:
                t, born = self.loose[0]
                if self.out.events - born > 40:
                    while not t.is_full():
                        self.fill_slot(t)
                elif self.dice.chance(0.4):
                    self.fill_slot(self.dice.choice(self.loose)[0])
        finally:
            self._in_tend = False

    def fill_slot(self, t):
        item, ident = self.pick_fill(t)
        self.ref(t, item)
        if ident is not None and self.dice.chance(0.7):
            self.drop(ident)
        if t.is_full():
            self.loose = [e for e in self.loose if e[0] is not t]

    def pick_fill(self, t):
        """An item for tuple t: (object, ID of a root to drop, or None).
        Never t itself or a tuple holding t through tuples."""
        heap = self.heap
        for _ in range(10):
            if self.dice.chance(self.untrackable):
                o = self.pick(lambda o: o.type in ATOM_TYPES or
                              (o.type == "tuple" and hashable(o)))
            else:
                o = self.pick()
            if o is not None and not heap.tuple_reaches(o, t):
                return o, None
        return self.alloc_atom()

    def emit_expect(self):
        heap, dice = self.heap, self.dice
        kind = dice.weighted((("refcnt", 5), ("alive", 2), ("same", 1),
                              ("freed", 2)))
        if kind == "refcnt":
            for _ in range(6):
                o = self.pick()
                n = heap.certain_refcnt(o) if o is not None else None
                if n is not None:
                    self.out.expect(["refcnt", self.name(o), str(n)])
                    return
        elif kind == "alive" and len(heap.nameable):
            self.out.expect(["alive", self.name(heap.nameable.choice(dice))])
        elif kind == "same" and len(heap.multi):
            o = heap.multi.choice(dice)
            a = dice.choice(o.ids)
            b = dice.choice([i for i in o.ids if i != a])
            self.out.expect(["same", a, b])
        elif kind == "freed" and heap.just_freed:
            self.out.expect(["freed", dice.choice(heap.just_freed)])

    # -- picking ------------------------------------------------------------

    def pick(self, pred=None, tries=12):
        """A random nameable object satisfying pred, or None.  Mortal
        objects are preferred: the caches would crowd them out early on."""
        pool = self.heap.nameable
        if not len(pool):
            return None
        mortal = self.dice.chance(0.6)
        for i in range(tries):
            o = pool.choice(self.dice)
            if mortal and o.cache == IMMORTAL and i < tries // 2:
                continue
            if pred is None or pred(o):
                return o
        return None

    def pick_container(self, accepts=None):
        """A random LIVE list/dict/set/object, by profile weight; with
        accepts=obj, only one that may take obj (sets want hashables)."""
        table = [(t, w) for t, w in self.ctypes
                 if len(self.heap.containers[t])
                 and not (t == "set" and accepts is not None
                          and not hashable(accepts))]
        if not table:
            return None
        return self.heap.containers[self.dice.weighted(table)].choice(self.dice)

    def pick_member(self, src):
        """Something src may take: (object, ID of a root to drop or None)."""
        dice = self.dice
        if src.type == "set":
            o = self.pick(hashable)
        else:
            r = dice.random()
            if r < 0.04:
                o = src
            elif r < 0.3:
                o = self.pick_container()
            else:
                o = self.pick()
        if o is None:
            return self.alloc_atom()
        return o, None

    def store(self, o, ident, keep_root=0.2):
        """Put o in a random container that may hold it; then drop o's
        root unless keep_root says otherwise.  False if none fits."""
        c = self.pick_container(accepts=o)
        if c is None:
            return False
        self.ref(c, o)
        if not self.dice.chance(keep_root):
            self.drop(ident)
        return True

    # -- values -------------------------------------------------------------

    def atom_value(self, kind=None):
        """(type, value) of a random atom."""
        dice = self.dice
        kind = kind or dice.weighted(self.atom_kinds)
        if kind == "small_int":
            return "int", dice.randint(-5, 256)
        if kind == "int":
            r = dice.random()
            if r < 0.15:
                return "int", dice.choice((-6, 257, 258, -7, 1000, 2 ** 31,
                                           -2 ** 31, 2 ** 63 - 1, -2 ** 63,
                                           2 ** 64, 2 ** 53, 10 ** 18))
            n = dice.randint(257, 10 ** dice.randint(3, 12))
            return "int", -n if dice.chance(0.3) else n
        if kind == "huge_int":
            digits = str(dice.randint(1, 9)) + "".join(
                str(dice.randint(0, 9)) for _ in range(dice.randint(19, 45)))
            return "int", int(digits) * (-1 if dice.chance(0.3) else 1)
        if kind == "float":
            r = dice.random()
            if r < 0.15:
                return "float", dice.choice((0.0, -0.0, 0.1, 1.5, -2.25, 1e300,
                                             2.5e-10, 5e-324, 1e16, 123456.789,
                                             1.7976931348623157e308, 3.0))
            x = round((dice.random() - 0.5) * 10 ** dice.randint(0, 8),
                      dice.randint(0, 6))
            return "float", x
        if kind == "int_float":
            return "float", float(dice.choice((0, 1, 2, 7, 256, 257, 1000, -1)))
        if kind == "bool":
            return "bool", dice.chance(0.5)
        if kind == "none":
            return "none", None
        if kind == "ident":
            if dice.chance(0.5):
                return "str", dice.choice(WORDS)
            alphabet = ("abcdefghijklmnopqrstuvwxyz"
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
            n = dice.randint(2, 12) if dice.chance(0.9) else dice.randint(30, 80)
            return "str", "".join(dice.choice(alphabet) for _ in range(n))
        if kind == "char":
            r = dice.random()
            if r < 0.6:
                return "str", chr(dice.randint(0x20, 0x7E))
            if r < 0.9:
                return "str", chr(dice.randint(0xA0, 0xFF))
            return "str", dice.choice(("\n", "\t", "\x00", "\x01", "\x1b"))
        if kind == "empty_str":
            return "str", ""
        if kind == "text":
            if dice.chance(0.6):
                return "str", dice.choice(TEXTS)
            pool = " abcxyz_-.,!?\"\\#\u00e9\u00fc\u0142\u03c0\u2603"
            return "str", "".join(dice.choice(pool)
                                  for _ in range(dice.randint(2, 24)))
        if kind == "empty_bytes":
            return "bytes", b""
        if kind == "byte":
            return "bytes", bytes([dice.randint(0, 255)])
        assert kind == "bytes"
        if dice.chance(0.5):
            return "bytes", dice.choice((b"ab", b"hello", b"\x00\x01", b"a b",
                                         b'q"q', b"\\\n", b"\xff\xfe\xfd"))
        return "bytes", bytes(dice.randint(0, 255)
                              for _ in range(dice.randint(2, 16)))

    def alloc_atom(self, kind=None):
        type_, value = self.atom_value(kind)
        return self.alloc(type_, value)

    def temp(self, made):
        """Remember the root of a (object, ID) pair for release_temps();
        returns the object."""
        self.temps.append(made[1])
        return made[0]

    def release_temps(self):
        """Drop the one root each remembered alloc took."""
        temps, self.temps = self.temps, []
        for ident in temps:
            self.drop(ident)

    def alloc_equal(self, o):
        """A new ID for an object equal to o but, where Python allows,
        another object or type (1 for 1.0, True for 1, a second equal tuple).
        Returns (object, ID) or None when only o itself equals o."""
        dice = self.dice
        t, v = o.type, o.value
        if t == "int" or t == "bool":
            options = [("int", int(v))]
            if abs(v) < 2 ** 53:
                options.append(("float", float(v)))
            if v in (0, 1):
                options.append(("bool", bool(v)))
            return self.alloc(*dice.choice(options))
        if t == "float":
            if v.is_integer() and dice.chance(0.6):
                return self.alloc("int", int(v))
            return self.alloc("float", v)
        if t in ("str", "bytes", "none"):
            return self.alloc(t, v)
        if t == "tuple":
            u, ident = self.alloc("tuple", size=o.size)
            for item in o.refs:
                self.ref(u, item)
            return u, ident
        return None

    def tuple_size(self):
        dice = self.dice
        r = dice.random()
        twenty = 0.1 if self.python in ("3.11", "3.12") else 0.04
        if r < 0.05:
            return 0
        if r < 0.7:
            return dice.randint(1, 3)
        if r < 0.9 - twenty:
            return dice.randint(4, 19)
        if r < 0.9:
            return 20
        return dice.randint(21, 30) if dice.chance(0.9) else dice.randint(31, 60)

    def new_tuple(self, items_from=None):
        """A tuple filled at once (for actions that need it whole), with
        the objects of items_from, or else with picks as for pending tuples."""
        size = len(items_from) if items_from is not None else self.tuple_size()
        t, ident = self.alloc("tuple", size=size)
        for k in range(size):
            if items_from is None:
                self.fill_slot(t)
            elif self.heap.tuple_reaches(items_from[k], t):
                # a fill between the choice and now put t inside this item
                atom, atom_id = self.alloc_atom()
                self.ref(t, atom)
                self.drop(atom_id)
            else:
                self.ref(t, items_from[k])
        return t, ident

    # -- actions ------------------------------------------------------------

    def act_atom(self):
        o, ident = self.alloc_atom()
        r = self.dice.random()
        if r < 0.5:
            self.store(o, ident, keep_root=0.25)
        elif r < 0.7:
            self.drop(ident)

    def act_container(self):
        dice = self.dice
        o, ident = self.alloc(dice.weighted(self.ctypes))
        for _ in range(dice.weighted(((0, 3), (1, 3), (2, 2), (3, 1),
                                      (6, 1)))):
            item, item_id = self.pick_member(o)
            self.ref(o, item)
            if item_id is not None and dice.chance(0.8):
                self.drop(item_id)
        if dice.chance(0.35):
            self.store(o, ident)

    def act_tuple(self):
        t, ident = self.alloc("tuple", size=self.tuple_size())
        if not t.is_full():
            self.loose.append([t, self.out.events])

    def act_pack(self):
        """A tuple display, (a, b), of objects that exist (some new), made
        in one step; kept, stored or dropped."""
        dice = self.dice
        items, temps = [], []
        for _ in range(dice.randint(1, 4) if dice.chance(0.9)
                       else dice.randint(5, 16)):
            o = None
            if dice.chance(0.6):
                atoms = dice.chance(self.untrackable)
                o = self.pick(lambda o: (o.type in ATOM_TYPES or not atoms)
                              and (o.type != "tuple" or o.is_full()))
            if o is None:
                o, ident = self.alloc_atom() if dice.chance(0.7) else \
                    self.alloc(dice.choice(("list", "dict", "tuple")),
                               size=0)
                temps.append(ident)
            items.append(o)
        t, ident = self.pack(items, temps)
        r = dice.random()
        if r < 0.4:
            self.drop(ident)
        elif r < 0.8:
            self.store(t, ident)

    def act_ref(self):
        src = self.pick_container()
        if src is None:
            return self.act_container()
        item, ident = self.pick_member(src)
        self.ref(src, item)
        if ident is not None and self.dice.chance(0.75):
            self.drop(ident)

    def act_unref(self):
        heap, dice = self.heap, self.dice
        if not len(heap.nonempty):
            return self.act_ref()
        src = heap.nonempty.choice(dice)
        victim = dice.choice(src.refs)
        if src.type == "set" and dice.chance(0.35):
            made = self.alloc_equal(victim)
            if made is not None:
                twin, ident = made
                self.unref(src, twin)
                self.drop_all([ident])
                return
        self.unref(src, victim)

    def act_rootref(self):
        o = self.pick()
        if o is not None:
            self.root(o)

    def act_delete(self):
        heap = self.heap
        for _ in range(8):
            if not len(heap.rooted_ids):
                return
            ident = heap.rooted_ids.choice(self.dice)
            o = heap.obj_of[ident]
            if o.type != "tuple" or o.is_full():
                self.drop(ident)
                return

    def act_abandon(self):
        """Drop every root an ID holds (whole structures go, cycles become
        garbage)."""
        heap = self.heap
        for _ in range(8):
            if not len(heap.rooted_ids):
                return
            ident = heap.rooted_ids.choice(self.dice)
            o = heap.obj_of[ident]
            if o.type != "tuple" or o.is_full():
                self.drop_all([ident])
                return

    def shrink(self):
        action = self.dice.weighted((("delete", 5), ("abandon", 3),
                                     ("unref", 2)))
        getattr(self, "act_" + action)()

    def act_collect(self):
        self.collect(self.dice.weighted(((None, 2), (0, 3), (1, 2), (2, 2))))

    def act_threshold(self, style=None):
        dice = self.dice
        if style is None:
            style = dice.weighted((("default", 2), ("small", 2 if
                                   self.small_thresholds else 1),
                                   ("medium", 2), ("large", 1)))
        if style == "default":
            values = [700, 10, 10]
        elif style == "small":
            values = [dice.randint(1, 20), dice.randint(1, 5),
                      dice.randint(1, 5)]
        elif style == "medium":
            values = [dice.randint(20, 200), dice.randint(2, 15),
                      dice.randint(2, 15)]
        else:
            values = [dice.randint(200, 700), dice.randint(5, 20),
                      dice.randint(5, 20)]
        arity = dice.weighted(((3, 7), (2, 1.5), (1, 1.5)))
        self.gc_event("threshold", *[str(v) for v in values[:arity]])

    def act_toggle(self):
        if self.gc_enabled:
            self.gc_event("disable")
            self.reenable_at = self.out.events + self.dice.randint(20, 300)
        else:
            self.gc_event("enable")

    def act_freeze(self):
        if self.fin.busy():
            return      # a frozen island would escape the full collections
        if self.freezes < 2:
            self.freezes += 1
            self.gc_event("freeze")

    def settle_nodes(self, nodes):
        """Decide the fate of a freshly built structure whose node roots are
        all still held: drop them all (cycles become garbage), keep one, or
        hang the first node in a container and drop them all."""
        r = self.dice.random()
        idents = [ident for _, ident in nodes]
        if r < 0.55:
            self.drop_all(idents)
        elif r < 0.75:
            self.store(nodes[0][0], nodes[0][1], keep_root=1)
            self.drop_all(idents)
        else:
            self.drop_all(idents[1:])

    def cycle_node(self, types=(("list", 3), ("dict", 3), ("object", 3))):
        return self.alloc(self.dice.weighted(types))

    def add_tails(self, nodes):
        """Let some nodes also hold outside objects, so that garbage keeps
        references to live objects."""
        for o, _ in nodes:
            if o.type in REF_CONTAINERS and self.dice.chance(0.5):
                item, ident = self.pick_member(o)
                if item is not o:
                    self.ref(o, item)
                    if ident is not None:
                        self.drop(ident)

    def act_cycle(self):
        dice = self.dice
        shape = dice.weighted((("self", 3), ("pair", 3), ("ring", 3),
                               ("clique", 1), ("tree", 2), ("tuple", 1.5),
                               ("dictself", 1), ("setobj", 1), ("long", 0.3)))
        self.out.comment("cycle: " + shape)
        nodes = []
        if shape in ("self", "dictself"):
            o, ident = self.alloc("dict") if shape == "dictself" \
                else self.cycle_node()
            nodes.append((o, ident))
            for _ in range(dice.randint(0, 3)):
                item, item_id = self.alloc_atom()
                self.ref(o, item)
                self.drop(item_id)
            self.ref(o, o)
            if o.type == "list" and dice.chance(0.3):
                self.ref(o, o)
        elif shape == "pair":
            nodes = [self.cycle_node(), self.cycle_node()]
            self.ref(nodes[0][0], nodes[1][0])
            self.ref(nodes[1][0], nodes[0][0])
        elif shape in ("ring", "long"):
            k = dice.randint(3, 12) if shape == "ring" else dice.randint(20, 150)
            k = min(k, max(3, self.room() // 3))
            types = [dice.weighted((("list", 3), ("dict", 2), ("object", 3),
                                    ("set", 1))) for _ in range(k)]
            for i in range(k):      # a set's successor must be hashable
                if types[i] == "set":
                    types[(i + 1) % k] = "object"
            nodes = [self.alloc(t) for t in types]
            for i in range(k):
                self.ref(nodes[i][0], nodes[(i + 1) % k][0])
        elif shape == "clique":
            nodes = [self.cycle_node() for _ in range(dice.randint(3, 6))]
            for a, _ in nodes:
                for b, _ in nodes:
                    self.ref(a, b)
        elif shape == "tree":
            parent = self.alloc("object")
            nodes.append(parent)
            holder = parent[0]
            if dice.chance(0.4):
                kids = self.alloc("list")
                nodes.append(kids)
                self.ref(parent[0], kids[0])
                holder = kids[0]
            for _ in range(dice.randint(2, 8)):
                child = self.alloc("object")
                nodes.append(child)
                self.ref(holder, child[0])
                self.ref(child[0], parent[0])
        elif shape == "tuple":
            lst = self.alloc("list")
            nodes.append(lst)
            items = [lst[0]] + [self.pick() or lst[0]
                                for _ in range(dice.randint(0, 3))]
            dice.shuffle(items)
            t = self.new_tuple(items)
            nodes.append(t)
            self.ref(lst[0], t[0])
        elif shape == "setobj":
            s = self.alloc("set")
            o = self.alloc("object")
            nodes = [s, o]
            self.ref(s[0], o[0])
            self.ref(o[0], s[0])
        if dice.chance(0.3):
            self.add_tails(nodes)
        self.settle_nodes(nodes)

    def act_object(self):
        dice = self.dice
        o, ident = self.alloc("object")
        if dice.chance(self.many_attrs):
            k = dice.randint(29, 40)    # past the shared keys' 30
        else:
            k = dice.weighted(((0, 1), (1, 3), (2, 4), (3, 4), (5, 3),
                               (8, 2), (12, 1)))
        for _ in range(min(k, self.room())):
            r = dice.random()
            if r < 0.45:
                item, item_id = self.alloc_atom()
            elif r < 0.65:
                item, item_id = self.pick() or o, None
            elif r < 0.85:
                item, item_id = self.alloc(dice.choice(("list", "dict",
                                                        "object", "set")))
            elif r < 0.95:
                item, item_id = self.pick(lambda x: x.type == "object") or o, None
            else:
                item, item_id = o, None
            self.ref(o, item)
            if item_id is not None and dice.chance(0.85):
                self.drop(item_id)
        if o.refs and dice.chance(0.4):
            for _ in range(dice.randint(1, max(1, len(o.refs) // 2))):
                if not o.refs:
                    break
                self.unref(o, dice.choice(o.refs))
                if dice.chance(0.4):
                    item, item_id = self.alloc_atom()
                    self.ref(o, item)
                    self.drop(item_id)
        r = dice.random()
        if r < 0.4:
            self.store(o, ident)
        elif r < 0.6:
            self.drop(ident)

    def act_setplay(self):
        """A set fed equal members of different kinds (1, 1.0, True; equal
        strs, bytes, tuples), then emptied through equal stand-ins."""
        dice = self.dice
        s, sid = self.alloc("set")
        for _ in range(dice.randint(2, 10)):
            r = dice.random()
            if r < 0.35:
                v = dice.choice((0, 1, 2, 7, 256, 257, 1000, 2 ** 53, -1))
                kinds = [("int", v), ("float", float(v))]
                if v in (0, 1):
                    kinds.append(("bool", bool(v)))
                item = self.temp(self.alloc(*dice.choice(kinds)))
            elif r < 0.5:
                item = self.temp(self.alloc(*dice.choice((
                    ("str", "hello world"), ("str", "key"), ("bytes", b"ab"),
                    ("str", "\u00e9t\u00e9"), ("none", None),
                    ("bytes", b"x"), ("str", "x")))))
            elif r < 0.65:
                values = (("int", 1), ("str", "a b"), ("float", 2.5))
                items = [self.temp(self.alloc(*v))
                         for v in values[:dice.randint(1, 3)]]
                item = self.temp(self.new_tuple(items))
            elif r < 0.8:
                item = self.temp(self.alloc("object"))
            else:
                item = self.temp(self.alloc_atom())
            self.ref(s, item)
        self.release_temps()
        for _ in range(dice.randint(0, len(s.refs))):
            if not s.refs:
                break
            victim = dice.choice(s.refs)
            made = self.alloc_equal(victim) if dice.chance(0.6) else None
            if made is None:
                self.unref(s, victim)
            else:
                self.unref(s, made[0])
                self.drop_all([made[1]])
        r = dice.random()
        if r < 0.4:
            self.store(s, sid)
        elif r < 0.7:
            self.drop(sid)

    def act_dictplay(self):
        dice = self.dice
        d, did = self.alloc("dict")
        for _ in range(dice.randint(0, 8)):
            item, ident = self.alloc_atom()
            self.ref(d, item)
            if dice.chance(0.25):
                self.ref(d, item)           # the same value under two keys
            self.drop(ident)
        r = dice.random()
        if r < 0.3:
            t, ident = self.new_tuple()
            self.ref(d, t)
            self.drop(ident)
        elif r < 0.6:
            c, ident = self.alloc(dice.choice(("list", "dict", "object")))
            self.ref(d, c)
            self.drop(ident)
        elif r < 0.7:
            self.ref(d, d)
        for _ in range(dice.randint(0, len(d.refs))):
            if d.refs and dice.chance(0.5):
                self.unref(d, dice.choice(d.refs))
        r = dice.random()
        if r < 0.45:
            self.store(d, did)
        elif r < 0.75:
            self.drop(did)

    def act_nested(self):
        """Tuples of tuples built inside out, so that the collector could
        untrack them (unless a list hides at the bottom)."""
        dice = self.dice
        level = []
        for _ in range(dice.randint(1, 4)):
            if dice.chance(0.15):
                level.append(self.temp(self.alloc("list")))
            else:
                level.append(self.temp(self.alloc_atom()))
        for _ in range(dice.randint(1, 4)):
            if dice.chance(0.3):
                level.append(self.temp(self.alloc_atom()))
            if dice.chance(0.05):
                level = (level * 20)[:20]
            outer = self.temp(self.new_tuple(level))
            level = [outer]
            if dice.chance(0.3):
                level.append(self.temp(self.new_tuple()))
        top = level[0]
        ident = self.root(top)
        self.release_temps()
        r = dice.random()
        if r < 0.6:
            self.store(top, ident)
        elif r < 0.8:
            self.drop(ident)

    def act_churn(self):
        """Bursts of create-and-drop of one type, sized around the free
        lists' caps (80 lists and dicts, 100 floats, 2000 tuples per size)."""
        dice = self.dice
        kind = dice.weighted((("list", 4), ("dict", 4), ("float", 4),
                              ("tuple", 4), ("set", 1), ("object", 2),
                              ("int", 1), ("text", 1), ("bytes", 1)))
        size = self.tuple_size() or 1
        n = dice.weighted(((dice.randint(1, 10), 2), (dice.randint(60, 100), 3),
                           (dice.randint(100, 180), 2), (dice.randint(200, 320), 1)))
        cost = 2 + (2 * size if kind == "tuple" else 0)   # events per object
        n = max(1, min(n, self.room() // cost))
        self.out.comment("churn: %d x %s" % (n, kind if kind != "tuple"
                                             else "tuple %d" % size))

        def make():
            if kind == "tuple":
                return self.new_tuple([self.pick(hashable) or
                                       self.temp(self.alloc_atom())
                                       for _ in range(size)])
            if kind in ("float", "int", "bytes"):
                return self.alloc_atom(kind)
            if kind == "text":
                return self.alloc("str", "churn %d" % dice.randint(0, 99))
            o, ident = self.alloc(kind)
            if kind == "dict" and dice.chance(0.3):
                atom, atom_id = self.alloc_atom()
                self.ref(o, atom)
                self.drop(atom_id)
            return o, ident

        for _ in range(dice.randint(1, 3)):
            if dice.chance(0.3):            # one at a time: reuse at once
                for _ in range(n):
                    self.drop(make()[1])
            else:
                idents = [make()[1] for _ in range(n)]
                order = dice.random()
                if order < 0.3:
                    idents.reverse()
                elif order < 0.6:
                    dice.shuffle(idents)
                self.drop_all(idents)
            self.release_temps()
            if dice.chance(0.15):
                self.collect(dice.choice((0, 2)))
            if self.out.events + n * cost > self.n_events:
                break

    def act_bulk(self):
        """A long run of allocations held by one list: count0 climbs past
        the thresholds."""
        dice = self.dice
        top = 2400 if self.python in (None, "3.13", "3.14") else 1500
        n = dice.randint(50, top)
        n = max(1, min(n, max(20, self.target_live - self.heap.live),
                       self.room() // 4))
        hub, hid = self.alloc("list")
        self.out.comment("bulk: %d allocations held by %s" % (n, hid))
        kinds = (("list", 4), ("dict", 3), ("tuple", 2), ("object", 3),
                 ("set", 1), ("atom", 2))
        for _ in range(n):
            kind = dice.weighted(kinds)
            if kind == "tuple":
                item, ident = self.new_tuple([self.temp(self.alloc_atom())])
                self.release_temps()
            elif kind == "atom":
                item, ident = self.alloc_atom()
            else:
                item, ident = self.alloc(kind)
            self.ref(hub, item)
            self.drop(ident)
        r = dice.random()
        if r < 0.4:
            self.drop(hid)
        elif r < 0.7:
            self.store(hub, hid)

    def display_item(self, t):
        """An item of a display: a new atom, list or dict, or an object
        that exists (one that may go in tuple t, or with t None any but
        an unfilled tuple); (object, ID of a root to drop, or None)."""
        dice = self.dice
        r = dice.random()
        if r < 0.55:
            return self.alloc_atom()
        if r < 0.75:
            return self.alloc(dice.choice(("list", "dict")))
        if t is not None:
            return self.pick_fill(t)
        item = self.pick(lambda o: o.type != "tuple" or o.is_full())
        return (item, None) if item is not None else self.alloc_atom()

    def pack_new(self, size):
        """A display of size items as Python makes it: the items first
        (new atoms, lists, dicts, or objects that exist), then the tuple
        in one step, then the items' temporary names dropped."""
        items, temps = [], []
        for _ in range(size):
            item, ident = self.display_item(None)
            items.append(item)
            if ident is not None:
                temps.append(ident)
        return self.pack(items, temps)

    def act_display(self):
        """A loop of tuples appended to one list, as C code that fills
        each new tuple with new objects (or `L.append((i, i + 1))`): the
        items' allocations fall between the tuple's alloc and its last
        fill, where a collection they schedule (3.12+) waits, and the run
        is long enough to cross threshold 0 inside some of them."""
        dice = self.dice
        top = 2400 if self.python in (None, "3.13", "3.14") else 1500
        size = dice.randint(1, 3)
        n = dice.randint(20, top)
        n = max(1, min(n, max(10, self.target_live - self.heap.live),
                       self.room() // (3 + 2 * size)))
        hub, hid = self.alloc("list")
        self.out.comment("display: %d tuples of %d held by %s"
                         % (n, size, hid))
        packed = dice.chance(0.5)
        for _ in range(n):
            if packed:
                t, tid = self.pack_new(size)
                self.ref(hub, t)
                self.drop(tid)
                continue
            t, tid = self.alloc("tuple", size=size)
            while not t.is_full():
                item, ident = self.display_item(t)
                self.ref(t, item)
                if ident is not None:
                    self.drop(ident)
            self.ref(hub, t)
            self.drop(tid)
        r = dice.random()
        if r < 0.4:
            self.drop(hid)
        elif r < 0.7:
            self.store(hub, hid)


# ---------------------------------------------------------------------------
# Command line


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="gentrace.py",
        description="Write random, valid gcsim traces for the differential "
                    "conformance test.")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed (required unless --list-profiles)")
    p.add_argument("--events", type=int, default=2000,
                   help="events to write, about (default 2000)")
    p.add_argument("--profile", default="mixed",
                   choices=sorted(PROFILES) + [ANY],
                   help="workload shape (default mixed; 'any' picks one "
                        "from the seed)")
    p.add_argument("--python", choices=PYTHONS, default=None,
                   help="write a '#: python VERSION' setting and lean "
                        "toward that version's quirks")
    p.add_argument("--expects", action="store_true",
                   help="add expect lines the model knows for certain")
    p.add_argument("--latin1-escapes", action="store_true",
                   help="write str code points U+0080..U+00FF as \\xHH "
                        "(default: as UTF-8 text)")
    p.add_argument("--out", default=None,
                   help="output file (default standard output)")
    p.add_argument("--count", type=int, default=None,
                   help="write COUNT traces, seeds SEED..SEED+COUNT-1, "
                        "into --dir")
    p.add_argument("--dir", default=None,
                   help="directory for --count (created if missing)")
    p.add_argument("--finalizers", action="store_true",
                   help="add the shapes of finalizers, weak references "
                        "and resurrection (delobj, weakref, on, gc saveall, "
                        "gc cleargarbage)")
    p.add_argument("--legacy", action="store_true",
                   help="as --finalizers, with legacyobj too (needs "
                        "_testcapi.with_tp_del in the oracle)")
    p.add_argument("--self-check", action="store_true",
                   help="verify the heap model after every event (slow)")
    p.add_argument("--list-profiles", action="store_true",
                   help="list the profiles and exit")
    args = p.parse_args(argv)
    if args.list_profiles:
        return args
    if args.seed is None:
        p.error("--seed is required")
    if args.events < 1:
        p.error("--events must be at least 1")
    if (args.count is None) != (args.dir is None):
        p.error("--count and --dir go together")
    if args.count is not None and args.out is not None:
        p.error("--out cannot be used with --count")
    if args.count is not None and args.count < 1:
        p.error("--count must be at least 1")
    return args


def generate(seed, args):
    g = Generator(seed, events=args.events, profile=args.profile,
                  python=args.python, expects=args.expects,
                  latin1_escapes=args.latin1_escapes,
                  self_check=args.self_check, finalizers=args.finalizers,
                  legacy=args.legacy)
    return g.profile_name, g.run()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.list_profiles:
        for name in sorted(PROFILES):
            print("%-10s %s" % (name, PROFILES[name]["doc"]))
        print("%-10s %s" % (ANY, "one of the above, chosen by the seed"))
        return 0
    try:
        if args.count is None:
            _, text = generate(args.seed, args)
            if args.out is None:
                sys.stdout.buffer.write(text.encode("utf-8"))
            else:
                with open(args.out, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
            return 0
        os.makedirs(args.dir, exist_ok=True)
        for seed in range(args.seed, args.seed + args.count):
            profile, text = generate(seed, args)
            kind = "fin-" if args.finalizers or args.legacy else ""
            path = os.path.join(args.dir, "gen-%s%s-%d.trace"
                                % (kind, profile, seed))
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        return 0
    except OSError as e:
        print("gentrace.py: error: %s" % e, file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())

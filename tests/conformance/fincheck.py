#!/usr/bin/env python3
"""fincheck.py - run the finalizer shapes of a gentrace.py trace in CPython.

    fincheck.py [--threshold T0,T1,T2] [--seed N] TRACE...

gentrace.py --finalizers writes its finalizers, weak references and
resurrections on objects of their own (IDs D1, LG2, G3, W4, P5, O6, X7, R8
and SINK), which nothing else of the trace refers to.  This script replays
exactly those events with the real objects of the interpreter it runs
under: a class with __del__ (delobj), a class wrapped by
_testcapi.with_tp_del (legacyobj), weakref.ref with a callable gcobj as
callback, gc.collect, gc.set_debug(gc.DEBUG_SAVEALL), gc.garbage.clear(),
and the trace's gc enable/disable/threshold/freeze.  It fails when an
event, or an `on` action when its function runs, names an ID whose object
is dead (or a name still alive for `bind`), and when an expect line about
those objects does not hold.  Everything else of the trace is skipped, so
the collections fall at other moments than in the trace: the generator
must be right whatever the moments.  --threshold (default: one from --seed)
sets gc thresholds first, to move them more.

This is a check of the generator, not of gcsim: gcsim and the oracles are
compared step by step by compare.py.  Standard library only; runs on
Python 3.8+ (legacyobj needs _testcapi).
"""

import argparse
import gc
import os
import random
import re
import sys
import weakref

ISLAND = re.compile(r"(D|LG|G|W|P|O|X|R)[0-9]+\Z|SINK\Z")
ATTR = re.compile(r"a([0-9]+)\Z")


class TraceFailure(Exception):
    pass


class Checker:
    def __init__(self, path):
        self.path = path
        self.line = 0
        self.trackers = {}      # ID -> callback weakref to its object
        self.wids = {}          # ID of a weakref -> id() of it
        self.roots = {}         # ID -> [strong references]
        self.called = {}        # first name -> calls
        self.errors = []
        self.ident_of = {}      # ID -> (id(), token) of its object
        self.done = False
        self.tokens = 0
        checker = self

        def run(fn_owner, arg):
            checker.run_function(fn_owner, arg)

        class Obj:
            def __init__(self):
                self._fn = []
                self._n = 0
                checker.tokens += 1
                self._token = checker.tokens

        class Del(Obj):
            def __del__(self):
                run(self, self)

        class Gc:
            __slots__ = ("_fn", "_refs", "_first", "_token", "__weakref__")

            def __init__(self):
                self._fn = []
                self._refs = []
                checker.tokens += 1
                self._token = checker.tokens

            def __call__(self, wr):
                run(self, wr)

        class Lst(list):
            __slots__ = ("__weakref__",)

        class Flt(float):
            __slots__ = ("__weakref__",)

        self.Obj, self.Del, self.Gc, self.Lst, self.Flt = Obj, Del, Gc, Lst, Flt
        self.Legacy = None
        try:
            import _testcapi
            if hasattr(_testcapi, "with_tp_del"):
                class Legacy(Obj):
                    def __tp_del__(self):
                        run(self, self)
                self.Legacy = _testcapi.with_tp_del(Legacy)
        except ImportError:
            pass

    # -- names ------------------------------------------------------------

    def fail(self, msg):
        raise TraceFailure("%s:%d: %s" % (self.path, self.line, msg))

    def bind(self, ident, obj, where):
        if self.alive(ident):
            self.fail("%s: %s names a live object" % (where, ident))
        if isinstance(obj, weakref.ref) and type(obj) is weakref.ref:
            self.wids[ident] = id(obj)
            self.trackers.pop(ident, None)
        else:
            self.wids.pop(ident, None)
            self.trackers[ident] = weakref.ref(obj, _gone)
            self.ident_of[ident] = (id(obj), getattr(obj, "_token", None))
        self.roots[ident] = [obj]
        if getattr(obj, "_first", None) is None:
            try:
                obj._first = ident
            except AttributeError:
                pass

    def lookup(self, ident):
        """The live object ident names, or None."""
        t = self.trackers.get(ident)
        if t is not None:
            o = t()
            if o is None:
                # The collector clears the weakrefs to what it finds
                # unreachable before the finalizers run: an object a
                # finalizer resurrected is found again from the roots
                # (a token tells it from a newcomer at the same address).
                o = self.reachable().get(self.ident_of[ident])
            return o
        i = self.wids.get(ident)
        if i is None:
            return None
        # A weakref cannot be weakly referenced: found from the roots
        # (what the generator names, it believes reachable).
        o = self.reachable().get((i, None))
        return o if type(o) is weakref.ref else None

    def reachable(self):
        """(id(), token) -> object, for what the roots reach."""
        found = {}
        stack = [o for held in self.roots.values() for o in held]
        while stack:
            o = stack.pop()
            key = (id(o), getattr(o, "_token", None))
            if key in found:
                continue
            found[key] = o
            if not isinstance(o, type):
                stack.extend(gc.get_referents(o))
        return found

    def alive(self, ident):
        return self.lookup(ident) is not None

    def obj(self, ident, where="event"):
        o = self.lookup(ident)
        if o is None:
            self.fail("%s names %s, which is dead or unbound" % (where, ident))
        return o

    # -- containers ---------------------------------------------------------

    def add(self, src, dst):
        if isinstance(src, list):
            src.append(dst)
        elif isinstance(src, self.Gc):
            src._refs.append(dst)
        elif isinstance(src, self.Obj):
            setattr(src, "a%d" % src._n, dst)
            src._n += 1
        else:
            self.fail("ref from a %s" % type(src).__name__)

    def remove(self, src, dst):
        if isinstance(src, list) or isinstance(src, self.Gc):
            items = src if isinstance(src, list) else src._refs
            for i, x in enumerate(items):
                if x is dst:
                    del items[i]
                    return
        elif isinstance(src, self.Obj):
            attrs = sorted((int(ATTR.match(k).group(1)), k)
                           for k in vars(src) if ATTR.match(k))
            for _, k in attrs:
                if getattr(src, k) is dst:
                    delattr(src, k)
                    return
        self.fail("unref: no such reference")

    # -- functions ----------------------------------------------------------

    def run_function(self, owner, arg):
        if self.done:
            return      # what a finished trace left behind
        first = getattr(owner, "_first", None)
        self.called[first] = self.called.get(first, 0) + 1
        for verb, args in owner._fn:
            try:
                self.action(verb, args, arg)
            except TraceFailure as e:
                self.errors.append("%s (in the function of %s)" % (e, first))
                return

    def action(self, verb, args, arg):
        where = "an `on %s` action" % verb

        def get(a):
            return arg if a == "self" else self.obj(a, where)

        if verb == "bind":
            self.bind(args[0], get(args[1]), where)
        elif verb == "del":
            self.obj(args[0], where)
            if not self.roots.get(args[0]):
                self.fail("%s: %s holds no root" % (where, args[0]))
            self.roots[args[0]].pop()
        elif verb == "ref":
            self.add(get(args[0]), get(args[1]))
        elif verb == "unref":
            self.remove(get(args[0]), get(args[1]))

    # -- the trace ----------------------------------------------------------

    def event(self, words):
        op = words[0]
        if op == "collect":
            gc.collect(int(words[1]) if len(words) > 1 else 2)
            return
        if op == "gc":
            act = words[1]
            if act == "enable":
                gc.enable()
            elif act == "disable":
                gc.disable()
            elif act == "threshold":
                gc.set_threshold(*[int(v) for v in words[2:]])
            elif act == "freeze":
                gc.freeze()
            elif act == "saveall":
                gc.set_debug(gc.DEBUG_SAVEALL if words[2] == "1" else 0)
            elif act == "cleargarbage":
                del gc.garbage[:]
            return
        if op == "expect":
            if len(words) > 2 and ISLAND.match(words[2]):
                self.expect(words[1:])
            return
        if len(words) < 2 or not ISLAND.match(words[1]):
            return
        ident = words[1]
        if op == "alloc":
            t = words[2]
            if t == "list":
                o = self.Lst()
            elif t == "object":
                o = self.Obj()
            elif t == "delobj":
                o = self.Del()
            elif t == "legacyobj":
                if self.Legacy is None:
                    raise SystemExit(77)
                o = self.Legacy()
            elif t == "gcobj":
                o = self.Gc()
            elif t == "float":
                o = self.Flt(float(words[3]))
            else:
                self.fail("type %s is not of the finalizer shapes" % t)
            self.bind(ident, o, "alloc")
        elif op == "weakref":
            target = self.obj(words[2])
            if len(words) > 3:
                w = weakref.ref(target, self.obj(words[3]))
            else:
                w = weakref.ref(target)
            self.bind(ident, w, "weakref")
        elif op == "on":
            self.obj(ident)._fn.append((words[2], words[3:]))
        elif op == "ref" and len(words) == 2:
            self.roots.setdefault(ident, []).append(self.obj(ident))
        elif op == "ref":
            self.add(self.obj(ident), self.obj(words[2]))
        elif op in ("del", "unref") and len(words) == 2:
            self.obj(ident)
            if not self.roots.get(ident):
                self.fail("del %s: no root reference" % ident)
            self.roots[ident].pop()
        elif op == "unref":
            self.remove(self.obj(ident), self.obj(words[2]))
        elif op == "pack":
            pass
        else:
            self.fail("unknown event %s" % op)

    def expect(self, words):
        kind = words[0]
        if kind not in ("alive", "finalized", "unfinalized", "cleared",
                        "referent", "called", "same"):
            return
        if kind == "called":
            n = self.called.get(words[1], 0)
            if n != int(words[2]):
                self.fail("expect called %s %s: called %d times"
                          % (words[1], words[2], n))
            return
        o = self.obj(words[1], "expect")
        if kind in ("finalized", "unfinalized"):
            if hasattr(gc, "is_finalized"):
                if gc.is_finalized(o) != (kind == "finalized"):
                    self.fail("expect %s %s does not hold" % (kind, words[1]))
        elif kind == "cleared":
            if o() is not None:
                self.fail("expect cleared %s: it is not" % words[1])
        elif kind == "referent":
            if o() is not self.obj(words[2], "expect"):
                self.fail("expect referent %s %s does not hold" % tuple(words[1:3]))
        elif kind == "same":
            if o is not self.obj(words[2], "expect"):
                self.fail("expect same %s %s does not hold" % tuple(words[1:3]))

    def check(self):
        with open(self.path, encoding="utf-8") as f:
            for self.line, text in enumerate(f, 1):
                if '"' in text:
                    continue        # a str or bytes alloc: not ours
                words = text.split("#", 1)[0].split()
                if words:
                    self.event(words)
                if self.errors:
                    raise TraceFailure(self.errors[0])


def _gone(wr):
    pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("traces", nargs="+")
    args = ap.parse_args(argv)
    bad = skipped = 0
    for n, path in enumerate(args.traces):
        rnd = random.Random(args.seed * 1000003 + n)
        if args.threshold:
            t = [int(v) for v in args.threshold.split(",")]
        else:
            t = [rnd.choice((1, 3, 10, 60, 700)), rnd.randint(1, 10),
                 rnd.randint(1, 10)]
        gc.enable()
        gc.set_debug(0)
        if hasattr(gc, "unfreeze"):
            gc.unfreeze()
        gc.collect()
        del gc.garbage[:]
        gc.set_threshold(*t)
        checker = Checker(path)
        try:
            checker.check()
        except TraceFailure as e:
            print("FAILED (threshold %s): %s" % (t, e))
            bad += 1
        except SystemExit as e:
            if e.code != 77:
                raise
            skipped += 1
        finally:
            checker.done = True
    print("fincheck %s: %d traces, %d failed%s" % (
        sys.version.split()[0], len(args.traces), bad,
        ", %d skipped (no _testcapi.with_tp_del)" % skipped if skipped else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # No interpreter shutdown: it would run the finalizers of what the
    # traces left alive, in no order a trace describes.
    os._exit(status)

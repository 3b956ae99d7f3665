"""The Python of the finalizer scenarios (traces/fin-*.trace), run in a real
interpreter: each assert is an expect line of the trace it names.

    python3 check_finalizers.py      (3.8 and later; needs _testcapi)

Lists are watched through a non-GC sentinel they hold (object(): it changes
no GC count); instances through weakrefs, which change none either.
"""
import gc
import sys
import weakref
import _testcapi

V = sys.version_info[:2]
calls = {}
saved = None


def refcnt(o):
    return sys.getrefcount(o) - OFFSET


_probe = object()    # one reference: the module's
OFFSET = 0
OFFSET = refcnt(_probe) - 1   # what a call of refcnt adds, per version


class D:
    """class D: def __del__(self): the trace's "on" actions."""
    def __del__(self):
        calls[self.name] = calls.get(self.name, 0) + 1
        act = getattr(self, "act", None)
        if act:
            act(self)


def resurrect(self):
    global saved
    saved = self


def gen_of(o):
    for g in range(3):
        if any(x is o for x in gc.get_objects(generation=g)):
            return g
    return None


class Watch:
    """alive(): the list holding the sentinel still exists."""
    def __init__(self, lst):
        self.s = object()
        lst.append(self.s)

    def alive(self):
        return sys.getrefcount(self.s) > 2


def collect():
    before = gc.get_stats()[2]
    gc.collect()
    after = gc.get_stats()[2]
    return (after["collected"] - before["collected"],
            after["uncollectable"] - before["uncollectable"])


def finalizer_called_once():
    l = []; l.append(l); wl = Watch(l)
    d = D(); d.name = "d"; l.append(d); wd = weakref.ref(d)
    del d, l
    if V >= (3, 9):
        assert not gc.is_finalized(wd())
    c, u = collect()
    assert calls["d"] == 1 and wd() is None and not wl.alive()
    # Watch's sentinel is no GC object: collected counts l and d
    assert (c, u) == (2, 0), (c, u)
    assert len(gc.garbage) == 0


def resurrect_in_collection():
    global saved
    l = []; l.append(l); wl = Watch(l)
    d = D(); d.name = "r"; d.act = resurrect; x = []; wx = Watch(x); d.a0 = x; l.append(d)
    # the collection clears weakrefs to d before __del__: watch d through
    # a sentinel in a second attribute (no GC object, no count changes)
    ws = object(); d.s = ws
    del x, d, l
    c, u = collect()
    d_alive = lambda: sys.getrefcount(ws) > 2
    wd = lambda: saved if d_alive() else None
    assert calls["r"] == 1
    assert saved is not None and wd() is saved and wx.alive()
    if V >= (3, 9):
        assert gc.is_finalized(saved)
        assert not wl.alive()
        assert refcnt(saved) == 1, refcnt(saved)
        assert gen_of(saved) == 2 and gen_of(saved.a0) == 2
        assert (c, u) == (1, 0), (c, u)
        saved = None
        assert not d_alive() and not wx.alive() and calls["r"] == 1
    else:
        assert wl.alive() and gen_of(saved) == 2
        assert refcnt(saved) == 2, refcnt(saved)
        assert (c, u) == (0, 0), (c, u)
        saved = None
        assert d_alive()
        c, u = collect()
        assert not d_alive() and not wx.alive() and not wl.alive()
        assert (c, u) == (4, 0), (c, u)   # l, d, d.__dict__, x
        assert calls["r"] == 1


@_testcapi.with_tp_del
class L:
    def __tp_del__(self):
        calls["L"] = calls.get("L", 0) + 1


def legacy_finalizer_garbage():
    calls.pop("L", None)
    a = L(); b = []; wb = Watch(b); b.append(a); a.a0 = b
    wa = weakref.ref(a)
    del a, b
    c, u = collect()
    n = 3 if V < (3, 11) else 2   # 3.8: a.__dict__ too
    assert len(gc.garbage) == 1 and (c, u) == (0, n), (c, u)
    assert "L" not in calls and wa() is not None and wb.alive()
    assert gen_of(wa()) == 2
    gc.garbage.clear()
    assert wa() is not None
    c, u = collect()
    assert len(gc.garbage) == 1 and (c, u) == (0, n), (c, u)
    assert gc.get_stats()[2]["uncollectable"] >= 2 * n
    gc.garbage[0].a0 = None
    gc.garbage.clear()


def legacy_finalizer_freed_by_clear():
    calls.pop("L", None)
    l = []; l.append(l); wl = Watch(l)
    a = L(); l.append(a); wa = weakref.ref(a)
    del a, l
    c, u = collect()
    assert (c, u) == (1, 0), (c, u)
    assert len(gc.garbage) == 0 and calls.get("L") == 1
    assert wa() is None and not wl.alive()


def saveall():
    gc.set_debug(gc.DEBUG_SAVEALL)
    l = []; l.append(l); wl = Watch(l)
    del l
    c, u = collect()
    assert (c, u) == (1, 0) and len(gc.garbage) == 1 and wl.alive()
    assert refcnt(gc.garbage[0]) == 2 and gen_of(gc.garbage[0]) == 2
    gc.set_debug(0)
    gc.garbage.clear()
    assert wl.alive()
    c, u = collect()
    assert (c, u) == (1, 0) and not wl.alive()


def finalizer_chain_dealloc():
    order = []
    def log(self):
        order.append(self.name)
    def drop(self):
        order.append(self.name)
        del self.a0
    a = D(); a.name = "a"; a.act = drop; b = D(); b.name = "b"; b.act = log
    a.a0 = b
    c = D(); c.name = "c"; c.act = log; b.a0 = c
    w = [weakref.ref(o) for o in (a, b, c)]
    del b, c
    del a
    assert order == ["a", "b", "c"], order
    assert all(r() is None for r in w)
    assert collect() == (0, 0)


def resurrect_in_dealloc():
    global saved
    d = D(); d.name = "dd"; d.act = resurrect; x = []; wx = Watch(x); d.a0 = x
    wd = weakref.ref(d)
    del x
    gc.collect()
    assert gen_of(d) == 2
    del d
    assert calls["dd"] == 1 and wd() is saved and wx.alive()
    if V >= (3, 9):
        assert gc.is_finalized(saved)
    assert refcnt(saved) == 1
    assert gen_of(saved) == 0 and gen_of(saved.a0) == 2
    saved = None
    assert calls["dd"] == 1 and wd() is None and not wx.alive()


gc.disable()
gc.collect()
for t in (finalizer_called_once, resurrect_in_collection,
          legacy_finalizer_garbage, legacy_finalizer_freed_by_clear,
          saveall, finalizer_chain_dealloc, resurrect_in_dealloc):
    gc.collect()
    t()
    print("ok", t.__name__)
print("all ok", sys.version.split()[0])

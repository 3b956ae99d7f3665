"""The traces/issue12-*.trace files in plain Python.

Each trace's expect lines were proven by the oracles; this script checks
the same facts with real classes (a __del__ method, _testcapi.with_tp_del,
weakref.ref with Python callbacks, gc.garbage, gc.callbacks), so that the
oracle's C stand-ins are seen to behave as the Python they stand for.
Counts and free lists are left to the oracle (this script's own code
allocates); generations are read with gc.get_objects(generation=G).

    python3.X issue12-equivalents.py   # prints "X.Y.Z ok N failed []"
"""
import gc, sys, weakref
V = sys.version_info[:2]
fails = []; nok = [0]
def check(name, cond):
    if cond: nok[0] += 1
    else: fails.append(name)
def gen(o):
    for g in range(3):
        if any(x is o for x in gc.get_objects(generation=g)): return g
    return -1
def rc(o): return sys.getrefcount(o) - 2   # arg + local name binding
def isfin(o): return gc.is_finalized(o) if hasattr(gc, "is_finalized") else None
def collect(g=2):
    s0 = [dict(s) for s in gc.get_stats()]
    c = gc.collect(g)
    s1 = gc.get_stats()
    return c, sum(s1[i]["uncollectable"] - s0[i]["uncollectable"] for i in range(3))
gc.disable(); gc.collect()
G = globals()

# issue12-finalizer-resurrect
calls = {}
class D:
    def __del__(self):
        calls[id(self)] = calls.get(id(self), 0) + 1
        self.body(self)
L = []
x = D(); x.body = lambda s: L.append(s)
ix = id(x); wx = weakref.ref(x)
check("res unfinalized", isfin(x) in (False, None))
gc.collect(); check("res gen 2", gen(x) == 2)
del x
x = wx()
check("res alive", x is not None); check("res called 1", calls[ix] == 1)
check("res finalized", isfin(x) in (True, None))
check("res refcnt 1 (L)", sys.getrefcount(x) - 2 == 1)
check("res tracked", gc.is_tracked(x)); check("res gen 0", gen(x) == 0)
del x
L.pop(); check("res freed", wx() is None); check("res called still 1", calls[ix] == 1)

# issue12-weakref-callback
L = []; ncb = [0]
def cb(w): ncb[0] += 1; L.append(w)
class O: pass
x = O()
w = weakref.ref(x, cb); w0 = weakref.ref(x); w1 = weakref.ref(x)
check("wcb same", w0 is w1); check("wcb refcnt w0 2", sys.getrefcount(w0) - 1 == 2)
check("wcb refcnt w 1", sys.getrefcount(w) - 1 == 1)
cbrc0 = sys.getrefcount(cb)
check("wcb referent", w() is x and w0() is x); check("wcb tracked", gc.is_tracked(w) and gc.is_tracked(w0))
del x
check("wcb cleared", w() is None and w0() is None); check("wcb called 1", ncb[0] == 1)
check("wcb refcnt w 2", sys.getrefcount(w) - 1 == 2)
check("wcb cb lost 1 ref", sys.getrefcount(cb) == cbrc0 - 1)
del w0, w1, L

# issue12-weakref-cycle
n1 = [0]; n2 = [0]
def cb1(r): n1[0] += 1
def cb2(r): n2[0] += 1
class G2:   # a gcobj-like container without __dict__
    __slots__ = ("items", "__weakref__")
a = G2(); b = G2(); a.items = [b]; b.items = [a]
w = weakref.ref(a, cb1); w2 = weakref.ref(b, cb2); a.items.append(w2)
del w2
rc1 = sys.getrefcount(cb1); rc2 = sys.getrefcount(cb2)
del a, b
c, u = collect()
check("wcy cleared", w() is None); check("wcy cb1 1", n1[0] == 1); check("wcy cb2 0", n2[0] == 0)
check("wcy uncollectable 0", u == 0)
check("wcy cb1 still held by w", sys.getrefcount(cb1) == rc1)
check("wcy cb2 dropped", sys.getrefcount(cb2) == rc2 - 1)
check("wcy collected a,b,2 lists,w2 = 5", c == 5)

# issue12-finalizer-cycle
calls.clear()
a = D(); b = D(); a.o = b; b.o = a
a.body = lambda s: G.__setitem__("r", s); b.body = lambda s: None
ia, ib = id(a), id(b)
wa = weakref.ref(a)
del a, b
c, u = collect(0)
check("fcy called 1 1", calls.get(ia) == 1 and calls.get(ib) == 1)
check("fcy alive", "r" in G); a = G["r"]; b = a.o
check("fcy finalized", isfin(a) in (True, None) and isfin(b) in (True, None))
check("fcy cleared wa", wa() is None)
check("fcy gen 1", gen(a) == 1 and gen(b) == 1)
check("fcy garbage 0", len(gc.garbage) == 0)
wb = weakref.ref(b); del a, b
del G["r"]
collect()
check("fcy freed", wb() is None); check("fcy called still 1", calls.get(ia) == 1 and calls.get(ib) == 1)

# issue12-legacy-garbage / legacy-leaf
import _testcapi
tcalls = {}
class LG:
    def __tp_del__(self):
        tcalls[id(self)] = tcalls.get(id(self), 0) + 1
        getattr(self, "body", lambda s: None)(self)
LG = _testcapi.with_tp_del(LG)
a = LG(); b = LG(); a.o = b; b.o = a; ia = id(a)
wa = weakref.ref(a)
del a, b
collect()
check("lg garbage 2", len(gc.garbage) == 2); check("lg alive", wa() is not None)
check("lg called 0", tcalls.get(ia, 0) == 0)
gc.garbage.clear(); check("lg alive after clear", wa() is not None)
collect(); check("lg garbage 2 again", len(gc.garbage) == 2)
L = []
x = LG(); x.body = lambda s: L.append(s); ix = id(x); wx = weakref.ref(x)
check("lg unfinalized", isfin(x) in (False, None))
del x
check("lg called 1", tcalls[ix] == 1); check("lg alive x (in L)", len(L) == 1)
check("lg weakref cleared before tp_del", wx() is None)
L.pop()
check("lg called 2", tcalls[ix] == 2)
check("lg L holds 1", len(L) == 1)
for o in gc.garbage: o.__dict__.clear()
gc.garbage.clear(); L[0].__dict__.clear(); L.clear(); collect()
check("lg clean", len(gc.garbage) == 0)

g1 = G2(); g2 = G2(); g1.items = [g2]; g2.items = [g1]
x = LG(); g1.items.append(x); ix = id(x); wx = weakref.ref(x); del x
tcalls.clear()
del g1, g2
c, u = collect()
check("ll collected 2 (+2 lists)", c == 4); check("ll uncollectable 0", u == 0)
check("ll garbage 0", len(gc.garbage) == 0); check("ll freed x", wx() is None)
check("ll called 1", tcalls.get(ix) == 1); tcalls.clear()
h1 = G2(); h2 = G2(); h1.items = [h2]; h2.items = [h1]
y = LG(); y.me = y; h1.items.append(y); iy = id(y); wy = weakref.ref(y); del y
del h1, h2
c, u = collect()
check("ll garbage 1", len(gc.garbage) == 1); check("ll alive y", wy() is not None)
check("ll called y 0", tcalls.get(iy, 0) == 0)
gc.garbage.clear(); check("ll y alive after clear", wy() is not None)
wy().__dict__.clear(); collect()

# issue12-saveall
gc.collect(); gc.garbage.clear()
gc.set_debug(gc.DEBUG_SAVEALL)
a = []; a.append(a); wa = id(a)
del a
c, u = collect()
check("sa collected 1", c == 1); check("sa garbage 1", len(gc.garbage) == 1)
check("sa refcnt 2", sys.getrefcount(gc.garbage[0]) - 1 == 2)
gc.set_debug(0); gc.garbage.clear()
c, u = collect()
check("sa collected 1 again", c == 1)

# issue12-frozen
a = []; b = G2()
f0 = gc.get_freeze_count()
gc.freeze(); check("fz +", gc.get_freeze_count() > f0)
gc.unfreeze(); check("fz 0", gc.get_freeze_count() == 0)

# issue12-no-alloc (the semantics; counts are the oracle's measurement)
L = []
class KL(list): pass   # a list that can be weakly referenced
k = KL(); wk = weakref.ref(k)
ncb = [0]
def cb(w):
    global k, keep
    ncb[0] += 1; L.append(w); del k; keep = w
y = O(); w = weakref.ref(y, cb)
check("na refcnt w 1", sys.getrefcount(w) - 1 == 1)
del y
check("na k freed", wk() is None); check("na called 1", ncb[0] == 1)
check("na refcnt w 3", sys.getrefcount(w) - 1 == 3); check("na keep is w", keep is w)
check("na cleared", keep() is None)
del keep, L, w

# issue12-clearweakrefs-*: callbacks, clearing
ncb = [0]
def cb(r): ncb[0] += 1
y = O(); w = weakref.ref(y, cb); del y
check("cw called 1", ncb[0] == 1)
z = O(); w2 = weakref.ref(z, cb); w3 = weakref.ref(z, cb); b = weakref.ref(z)
rc0 = sys.getrefcount(cb)
del z
check("cw called 3", ncb[0] == 3); check("cw cleared", b() is None and w3() is None)
check("cw cb dropped by both", sys.getrefcount(cb) == rc0 - 2)

# issue12-finalizer-actions
S = set()
class GO: __slots__ = ("__weakref__",)   # a weakly referenceable gcobj-like
g = GO()
class D2:
    def __del__(self):
        calls["x"] = calls.get("x", 0) + 1
        del self.a0
        S.add(g)
x = D2(); y = KL(); wy = weakref.ref(y); x.a0 = y; del y
wx = weakref.ref(x)
grc = sys.getrefcount(g)
del x
check("fa freed y", wy() is None); check("fa freed x", wx() is None)
check("fa called 1", calls["x"] == 1); check("fa g in S", sys.getrefcount(g) == grc + 1)
check("fa weakref to a set", weakref.ref(S)() is S)
try:
    weakref.ref([]); check("fa list not weakrefable", False)
except TypeError as e:
    check("fa list message", "cannot create weak reference to 'list' object" in str(e))

# issue12-gc-callback
gc.collect()
def gcf(phase, info): pass
a = []; a.append(a); del a
gc.callbacks.append(gcf)
c = gc.collect(0); c1 = gc.get_count()
check("gcb collected 1", c == 1)
check("gcb count 0 1 0", c1 == (0, 1, 0))
gc.callbacks.remove(gcf)

print(sys.version.split()[0], "ok", nok[0], "failed", fails)

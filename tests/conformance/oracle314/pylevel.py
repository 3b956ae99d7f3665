# pylevel.py - the 3.14.2 rules behind traces314/, checked at Python level
# in Pyodide itself (run by pylevel.mjs), as a cross-check of what the
# oracle measures through the C API.  Here the interpreter's ~20,000
# objects are not hidden and roots live in frames, so only facts that do
# not depend on the heap's contents are asserted.  Evaluates to the list
# of failures.
import gc

failures = []


def check(what, got, want):
    if got != want:
        failures.append("%s: got %r, want %r" % (what, got, want))


def collections():
    return [s["collections"] for s in gc.get_stats()]


check("gc.get_threshold()", gc.get_threshold(), (2000, 10, 0))

# Dicts are tracked at creation and a full collection leaves them tracked.
check("gc.is_tracked({})", gc.is_tracked({}), True)
d = {1: 2}
gc.collect()
check("dict of ints after gc.collect()", gc.is_tracked(d), True)

# A tuple display of atoms is not tracked (item 5 of issue 11); one that
# holds a container is.
a, b = 1, 2
check("gc.is_tracked((a, b))", gc.is_tracked((a, b)), False)
check("gc.is_tracked((a, []))", gc.is_tracked((a, [])), True)

# Counting on tracking: 101 tracked lists count 101; freeing them counts
# -101 although up to 80 of them go to the list free list.
gc.disable()
gc.collect()
c0 = gc.get_count()[0]
l = []
for _ in range(100):
    l.append([])
check("count after 101 lists", gc.get_count()[0] - c0, 101)
c0 = gc.get_count()[0]
del l
check("count after freeing them", gc.get_count()[0] - c0, -101)

# collect 0 is counted under generation 0; a collect 1 right after a full
# collection (phase MARK) only marks and is not counted; collect 2 under 2.
gc.collect()
s0 = collections()
gc.collect(0)
check("collections after collect(0)", collections(), [s0[0] + 1, s0[1], s0[2]])
gc.collect(1)
check("collections after collect(1) in MARK", collections(), [s0[0] + 1, s0[1], s0[2]])
gc.collect(2)
check("collections after collect(2)", collections(), [s0[0] + 1, s0[1], s0[2] + 1])

# Automatic collections are generation 1.
gens = []


def callback(phase, info):
    if phase == "start":
        gens.append(info["generation"])


gc.callbacks.append(callback)
gc.set_threshold(100)
gc.enable()
keep = []
for _ in range(1000):
    keep.append([])
gc.callbacks.remove(callback)
gc.set_threshold(2000, 10, 0)
check("generations of automatic collections", sorted(set(gens)), [1])
check("some automatic collections ran", len(gens) > 0, True)

failures

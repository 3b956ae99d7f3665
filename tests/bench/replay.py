#!/usr/bin/env python3
"""replay.py - replay a gcsim text trace in the real CPython, with real objects.

The CPython half of the benchmark (tests/bench/bench.py): a straightforward
replayer that performs every event of a trace (SPEC.md section 1) in the
interpreter that runs it, so that the interpreter's own allocator, reference
counting, free lists and cyclic collector do the work gcsim simulates.

    python3.12 replay.py [--time-collect] [--ghosts[=FILE]] [--verbose] TRACE
    python3 replay.py --scan-ghosts TRACE > FILE

What each event does:

    alloc ID int V        int(V)            (-5..256: the small-int cache)
    alloc ID float V      float(V)
    alloc ID str V        the decoded string; identifier-like ones are
                          sys.intern()ed, as literals in code are
    alloc ID bytes "V"    the bytes (b"" and one byte are CPython's singletons)
    alloc ID bool/none    True / False / None
    alloc ID tuple N      collected from the next N `ref ID X`, then tuple(items)
                          (tuple 0 is ())
    alloc ID list/dict/set/object    [], {}, set(), Obj()  (class Obj: pass)
    ref SRC DST           list.append / d[fresh int key] = v / set.add /
                          setattr(o, "a<n>", v) with n the next attribute number
    unref SRC DST         delete the first item that `is` DST (list, by an index
                          search), the first-inserted dict entry whose value is
                          DST, set.discard(DST), delattr of the first attribute
                          holding DST
    ref ID / del ID / unref ID   one more / one less root reference
    collect [G]           gc.collect(G)
    gc enable|disable|freeze|unfreeze|threshold ...   the gc module
    expect ...            ignored
    #: threshold T...     gc.set_threshold; other '#:' settings are ignored

Root references: `names` maps an ID to its object while the trace holds at
least one root reference through that ID (extra ones are counted in
`extra`); dropping the last one drops the replayer's reference, so the
object dies exactly when CPython says so.

By default an ID can be named only while it holds a root reference; a
trace that does otherwise gets a clear error (exit 3) naming the line.
--ghosts lifts that: when an ID's last root reference goes, its object's
id() is kept, and a later use of the ID takes the object at that address
(ctypes).  That is safe only for a valid trace, which names only objects
the program can still reach: check it with `gcsim run` first (bench.py
does).  It costs a dict store per dropped ID and an entry per ID for the
rest of the run, so --ghosts=FILE limits it to the IDs listed in FILE (one
per line): those that the trace names after their last root reference
went, which `--scan-ghosts TRACE` finds (a pass over the trace that
counts root references per ID; a real program would hold a variable for
them, so this bookkeeping is not the program's work and is not timed).
An unfilled tuple cannot be put in a container (tuples are built at their
last fill): exit 3.

--time-collect times every `collect` event alone (time.perf_counter around
gc.collect()) and prints, at the end, one JSON line on standard output:
{"events": N, "collect_seconds": [...], "collect_cpu_seconds": [...],
"tracked": T}: wall (perf_counter) and CPU (process_time) seconds of each
collection, T the number of objects the collector tracks after the last
event (len(gc.get_objects())).
Without it nothing is printed but the event count on standard error with
--verbose.

Standard library only; Python 3.8 or later.
"""

import gc
import itertools
import sys
import time


class Obj:
    """The one plain class whose instances the trace's `object`s are."""


ANAMES = ["a%d" % i for i in range(256)]
_MISSING = object()


class TraceError(Exception):
    pass


def _tokenize(line):
    """Split a line that holds a quote or a '#': quoted strings are decoded
    (returned as (True, text)), bare tokens as (False, text); stops at '#'."""
    toks = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t\r\n":
            i += 1
        elif c == "#":
            break
        elif c == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise TraceError("unterminated quoted string")
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\":
                    e = line[i + 1] if i + 1 < n else ""
                    if e == "n":
                        buf.append("\n")
                    elif e == "t":
                        buf.append("\t")
                    elif e in '"\\':
                        buf.append(e)
                    elif e == "x":
                        buf.append(chr(int(line[i + 2:i + 4], 16)))
                        i += 2
                    else:
                        raise TraceError("invalid escape")
                    i += 2
                else:
                    buf.append(c)
                    i += 1
            toks.append((True, "".join(buf)))
        else:
            j = i
            while j < n and line[j] not in " \t\r\n#":
                j += 1
            toks.append((False, line[i:j]))
            i = j
    return toks


def _ident_like(s):
    # [A-Za-z0-9_]+, ASCII
    return s.isascii() and (s.isalnum() or (s.replace("_", "a").isalnum()))


def scan_ghosts(path):
    """IDs that the trace names while they hold no root reference."""
    roots = {}
    found = set()
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            if '"' in line or "#" in line:
                if line.lstrip().startswith("#"):
                    continue
                p = [t for _, t in _tokenize(line)]
            else:
                p = line.split()
            if not p:
                continue
            op = p[0]
            if op == "alloc":
                roots[p[1]] = 1
            elif op == "del" or (op == "unref" and len(p) == 2):
                roots[p[1]] -= 1
            elif op == "ref" and len(p) == 2:
                if not roots.get(p[1]):
                    found.add(p[1])
                roots[p[1]] = roots.get(p[1], 0) + 1
            elif op in ("ref", "unref"):
                for ident in p[1:3]:
                    if not roots.get(ident):
                        found.add(ident)
    return found


def replay(path, time_collect=False, use_ghosts=False, ghost_ids=None):
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)
    names = {}      # ID -> object, while the ID holds a root reference
    extra = {}      # ID -> root references beyond the first
    pending = {}    # ID of an unfilled tuple -> [remaining, items, roots]
    attrn = {}      # ID of an object -> number of its next attribute
    # --ghosts: ID -> id() of its object once the last root reference went
    ghosts = {} if use_ghosts else None
    if use_ghosts:
        import ctypes
        py_object = ctypes.py_object
        cast = ctypes.cast
    keys = itertools.count(1 << 30)   # fresh dict keys
    collect_times = []
    collect_cpu = []
    cpu = time.process_time
    intern = sys.intern
    collect = gc.collect
    perf = time.perf_counter
    anames = ANAMES
    nanames = len(ANAMES)
    events = 0
    lineno = 0
    _list, _dict, _set, _Obj, _tuple = list, dict, set, Obj, tuple

    def lookup(ident):
        try:
            return names[ident]
        except KeyError:
            if ghosts is not None and ident in ghosts:
                # The trace says the object is still reachable (gcsim has
                # checked it is valid), so it is alive at that address.
                return cast(ghosts[ident], py_object).value
            if ident in pending:
                raise TraceError("'%s' is an unfilled tuple (not supported "
                                 "by this replayer)" % ident) from None
            raise TraceError("'%s' holds no root reference (this replayer "
                             "names objects only through root references; "
                             "try --ghosts)" % ident) from None

    def make(tp, val):
        if tp == "int":
            return int(val)
        if tp == "str":
            if val is None:
                raise TraceError("str needs a value")
            if _ident_like(val):
                return intern(val)
            return val  # a new str object, made by split() or the decoder
        if tp == "float":
            return float(val)
        if tp == "bytes":
            return val.encode("latin-1")
        if tp == "bool":
            return val == "true"
        if tp == "none":
            return None
        if tp == "list":
            return []
        if tp == "dict":
            return {}
        if tp == "set":
            return set()
        if tp == "object":
            return Obj()
        raise TraceError("unknown type '%s'" % tp)

    def slow_line(line):
        return [t for _, t in _tokenize(line)]

    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            lineno += 1
            try:
                if '"' in line or "#" in line:
                    s = line.lstrip()
                    if s.startswith("#:"):
                        t = s[2:].split()
                        if t and t[0] == "threshold":
                            gc.set_threshold(*[int(x) for x in t[1:]])
                        continue
                    p = slow_line(line)
                else:
                    p = line.split()
                if not p:
                    continue
                op = p[0]
                if op == "alloc":
                    events += 1
                    ident = p[1]
                    tp = p[2]
                    if tp == "tuple":
                        n = int(p[3]) if len(p) > 3 else 0
                        if n == 0:
                            obj = ()
                        else:
                            pending[ident] = [n, [], 1]
                            continue
                    elif tp == "list":
                        obj = []
                    elif tp == "dict":
                        obj = {}
                    elif tp == "object":
                        obj = Obj()
                        attrn[ident] = 0
                    else:
                        obj = make(tp, p[3] if len(p) > 3 else None)
                    names[ident] = obj
                    if ghosts is not None:
                        ghosts.pop(ident, None)
                elif op == "ref":
                    events += 1
                    if len(p) == 2:
                        ident = p[1]
                        if ident in names:
                            extra[ident] = extra.get(ident, 0) + 1
                        elif ident in pending:
                            pending[ident][2] += 1
                        else:
                            names[ident] = lookup(ident)
                            del ghosts[ident]
                        continue
                    dst = lookup(p[2])
                    try:
                        src = names[p[1]]
                    except KeyError:
                        t = pending.get(p[1])
                        if t is None:
                            src = lookup(p[1])
                    else:
                        t = None
                    if t is not None:
                        t[1].append(dst)
                        t[0] -= 1
                        if t[0] == 0:
                            del pending[p[1]]
                            if t[2] > 0:
                                names[p[1]] = _tuple(t[1])
                                if t[2] > 1:
                                    extra[p[1]] = t[2] - 1
                        continue
                    tp = type(src)
                    if tp is _list:
                        src.append(dst)
                    elif tp is _dict:
                        src[next(keys)] = dst
                    elif tp is _Obj:
                        n = attrn[p[1]]
                        setattr(src, anames[n] if n < nanames else "a%d" % n,
                                dst)
                        attrn[p[1]] = n + 1
                    elif tp is _set:
                        src.add(dst)
                    else:
                        raise TraceError("ref from a %s" % tp.__name__)
                elif op == "del" or (op == "unref" and len(p) == 2):
                    events += 1
                    ident = p[1]
                    n = extra.get(ident)
                    if n:
                        if n == 1:
                            del extra[ident]
                        else:
                            extra[ident] = n - 1
                    elif ident in names:
                        if ghosts is not None and (ghost_ids is None
                                                   or ident in ghost_ids):
                            ghosts[ident] = id(names[ident])
                        elif ident in attrn:
                            del attrn[ident]
                        del names[ident]
                    elif ident in pending:
                        pending[ident][2] -= 1
                    else:
                        lookup(ident)
                elif op == "unref":
                    events += 1
                    src = lookup(p[1])
                    dst = lookup(p[2])
                    tp = type(src)
                    if tp is _list:
                        for i, x in enumerate(src):
                            if x is dst:
                                del src[i]
                                break
                        else:
                            raise TraceError("no such reference")
                    elif tp is _dict:
                        for k, x in src.items():
                            if x is dst:
                                del src[k]
                                break
                        else:
                            raise TraceError("no such reference")
                    elif tp is _Obj:
                        for i in range(attrn[p[1]]):
                            a = anames[i] if i < nanames else "a%d" % i
                            if getattr(src, a, _MISSING) is dst:
                                delattr(src, a)
                                break
                        else:
                            raise TraceError("no such reference")
                    elif tp is _set:
                        src.remove(dst)
                    else:
                        raise TraceError("unref on a %s" % tp.__name__)
                elif op == "collect":
                    events += 1
                    g = int(p[1]) if len(p) > 1 else 2
                    if time_collect:
                        c0 = cpu()
                        t0 = perf()
                        collect(g)
                        t1 = perf()
                        collect_cpu.append(cpu() - c0)
                        collect_times.append(t1 - t0)
                    else:
                        collect(g)
                elif op == "gc":
                    events += 1
                    a = p[1]
                    if a == "enable":
                        gc.enable()
                    elif a == "disable":
                        gc.disable()
                    elif a == "freeze":
                        gc.freeze()
                    elif a == "unfreeze":
                        gc.unfreeze()
                    elif a == "threshold":
                        gc.set_threshold(*[int(x) for x in p[2:]])
                    else:
                        raise TraceError("unknown gc action '%s'" % a)
                elif op == "expect":
                    continue
                else:
                    raise TraceError("unknown event '%s'" % op)
            except (TraceError, ValueError, IndexError, KeyError) as e:
                sys.stderr.write("replay.py: %s:%d: %s\n" % (path, lineno, e))
                sys.exit(3)
    if time_collect:
        tracked = len(gc.get_objects())
        sys.stdout.write('{"events": %d, "collect_seconds": [%s], '
                         '"collect_cpu_seconds": [%s], "tracked": %d}\n'
                         % (events,
                            ", ".join("%.9f" % t for t in collect_times),
                            ", ".join("%.9f" % t for t in collect_cpu),
                            tracked))
        sys.stdout.flush()
    return events


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    opts = [a for a in argv if a.startswith("--")]
    ghost_ids = None
    use_ghosts = False
    for o in opts:
        if o.startswith("--ghosts="):
            with open(o.split("=", 1)[1]) as f:
                ghost_ids = set(f.read().split())
            use_ghosts = True
        elif o == "--ghosts":
            use_ghosts = True
        elif o not in ("--time-collect", "--verbose", "--scan-ghosts"):
            args = []
    if len(args) != 1:
        sys.stderr.write("usage: replay.py [--time-collect] [--ghosts[=FILE]] "
                         "[--verbose] TRACE\n"
                         "       replay.py --scan-ghosts TRACE\n")
        return 2
    if "--scan-ghosts" in opts:
        for ident in sorted(scan_ghosts(args[0])):
            sys.stdout.write(ident + "\n")
        return 0
    t0 = time.perf_counter()
    n = replay(args[0], "--time-collect" in opts, use_ghosts, ghost_ids)
    if "--verbose" in opts:
        dt = time.perf_counter() - t0
        sys.stderr.write("%d events in %.3f s (%.0f events/s)\n"
                         % (n, dt, n / dt if dt else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

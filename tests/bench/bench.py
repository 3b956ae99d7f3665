#!/usr/bin/env python3
"""bench.py - gcsim against the real CPython: replay speed, collection cost,
memory per object, the cost of --check and of compare (issues 5 and 13).
A script, not a timed test.

    bench.py [--gcsim PATH] [--python-bin PATH] [--events N] [--quick]
             [--json] [--workdir DIR] [--keep] [--repeat K] [--only PARTS]

Parts (--only a comma-separated subset; default all; README.md has more):

  replay   multi-million-event handler traces (`gcsim gen --model handler`
           when this gcsim has `gen`, and the generator below) and a churn
           trace (lists, dicts and ints made, filled and dropped) replayed
           (a) by `gcsim run --quiet --python X TRACE` and (b) by
           replay.py in the matching CPython; best of --repeat, wall and
           CPU; events/s, the ratio, peak RSS.
  collect  a large live heap (lists, dicts, instances, tuples, in cycles)
           built by one trace that ends in K full collections; gcsim: the
           run with the collections minus the run without them, best of
           --repeat each; CPython: replay.py --time-collect times each
           gc.collect() alone on the same heap; ns per tracked object.
  memory   gcsim's resident size once it has replayed traces that keep N
           lists alive with 0, 4, 16 references each, against a one-object
           trace: bytes per object against the budget 48 + 8 per ref.
  bounded  peak RSS of gcsim on the handler workload at E, 3E and 10E
           events (same live heap): memory must not grow with the length.
  check    `run --check` against a plain run on the replay part's traces.
  compare  `compare` with 1 setting against `run`; 2 settings (on 2
           threads) against 1.

Everything is written to a scratch directory (removed unless --keep, or
kept and reused when --workdir names one: traces already there are not
generated again).  Progress goes to standard error; the table (or, with
--json, one JSON object) to standard output.

Standard library only; Python 3.8 or later.  Linux (os.wait4 for each
child's peak RSS).
"""

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REPLAY = os.path.join(HERE, "replay.py")

# Targets of issues 5 and 13.
TARGET_REPLAY_RATIO = 20.0
TARGET_COMPARE_ONE = 1.5   # compare, 1 setting / run --quiet
TARGET_COMPARE_TWO = 1.3   # compare, 2 settings on 2 cores / 1 setting
TARGET_CHECK = 5.0         # run --check / run, traces of >= 1M events
TARGET_BYTES_PER_OBJECT = 64.0  # including the object's ID
TARGET_BYTES_PER_REF = 8.0


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# ---------------------------------------------------------------------------
# Running children


TIME = "/usr/bin/time"


class Run:
    """One child run: wall and CPU (user+sys) seconds, peak RSS in bytes,
    its standard output if captured."""

    def __init__(self, wall, cpu, rss, out):
        self.wall, self.cpu, self.rss, self.out = wall, cpu, rss, out


def run_child(cmd, stdout=None, check=True):
    """Run cmd to its end; return a Run.

    The peak RSS comes from GNU time (/usr/bin/time -f %M), whose child is
    forked from that small program.  os.wait4's ru_maxrss of our own child
    would not do: Linux keeps the high-water mark across fork and exec, so
    a child of this (large) Python process would report at least the
    parent's size.  Without /usr/bin/time that is the fallback, flagged in
    the results as rss_floor."""
    out = subprocess.PIPE if stdout == "capture" else subprocess.DEVNULL
    rssfile = None
    if os.access(TIME, os.X_OK):
        fd, rssfile = tempfile.mkstemp(prefix="gcsim-bench-rss-")
        os.close(fd)
        cmd = [TIME, "-f", "%M", "-o", rssfile] + list(cmd)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    data = None
    if out == subprocess.PIPE:
        data = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = (status >> 8) if os.WIFEXITED(status) else -1
    rss = ru.ru_maxrss * 1024
    if rssfile:
        with open(rssfile) as f:
            txt = f.read().split()
        os.unlink(rssfile)
        if txt and txt[-1].isdigit():
            rss = int(txt[-1]) * 1024
    if p.returncode != 0 and check:
        raise SystemExit("bench: %s exited with %d:\n%s" % (
            " ".join(cmd), p.returncode, err.decode(errors="replace")[-2000:]))
    # wait4's usage of GNU time includes the child it waited for
    r = Run(wall, ru.ru_utime + ru.ru_stime, rss,
            data.decode() if data is not None else None)
    r.status = p.returncode
    r.err = err.decode(errors="replace")
    return r


def steady_rss(gcsim, pyver, path):
    """gcsim's resident size once it has replayed all of path, before it
    ends: the trace goes through a pipe that stays open until gcsim sleeps
    in read() with nothing left, and /proc/PID/status is read then.
    Returns (VmRSS, VmHWM) in bytes.  This is the live heap's footprint,
    without the transient peaks of growing arrays that the peak RSS has."""
    p = subprocess.Popen([gcsim, "run", "--quiet", "--python", pyver, "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)

    def status():
        d = {}
        with open("/proc/%d/status" % p.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                d[k] = v.split()
        with open("/proc/%d/stat" % p.pid) as f:
            st = f.read().rsplit(")", 1)[1].split()
        return (d["State"][0], int(d["VmRSS"][0]) * 1024,
                int(d["VmHWM"][0]) * 1024, st[11], st[12])  # utime, stime

    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            p.stdin.write(b)
    p.stdin.flush()
    prev = None
    while True:
        time.sleep(0.05)
        cur = status()
        if cur[0] == "S" and cur == prev:
            break
        prev = cur
    p.stdin.close()
    if p.wait() != 0:
        raise SystemExit("bench: gcsim failed on %s" % path)
    return cur[1], cur[2]


def best_of(k, cmd, stdout=None):
    """k runs; the one of least CPU time, and all of them."""
    runs = [run_child(cmd, stdout) for _ in range(k)]
    return min(runs, key=lambda r: r.cpu), runs


# ---------------------------------------------------------------------------
# Trace generators.  All write valid traces (SPEC.md section 1) that name an
# object only while its ID holds a root reference (what replay.py needs),
# with fresh IDs, and return the number of events written.


class Writer:
    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8")
        self.buf = []
        self.events = 0

    def add(self, lines):
        self.buf.extend(lines)
        self.events += len(lines)
        if len(self.buf) > 200000:
            self.flush()

    def flush(self):
        if self.buf:
            self.f.write("\n".join(self.buf))
            self.f.write("\n")
            self.buf = []

    def close(self):
        self.flush()
        self.f.close()
        return self.events


HEADER_NAMES = ["host", "accept", "user_agent", "content_type", "cookie",
                "x_request_id", "accept_language", "connection",
                "cache_control", "authorization", "GET", "POST", "ok",
                "status", "json", "utf_8", "id", "name", "items", "page"]


def gen_handler(path, events, seed, cache_cap=2000, cached=True,
                collect_every=0):
    """A web-request handler: per request a dict of headers, a list of
    parameters, model instances pointing back at the request (a cycle
    request -> items -> instance -> request), tuples, sometimes a set,
    a response body of bytes; some entries removed again; 5 % of the
    requests are kept in a long-lived cache (a list of at most cache_cap
    entries, evicting the oldest).  Everything else becomes garbage at the
    end of its request: by refcount, or, for the cycles, for the collector.
    The live heap stays bounded by the cache, whatever the length.

    With cached=False no event yields a cached object: the identifier-like
    strings get a '-' (no longer interned) and small ints are moved above
    256; everything else is the same.  With collect_every=K, a full
    `collect` follows every K-th request (garbage that reached generation
    2 then waits at most K requests)."""
    rnd = random.Random(seed)
    r = rnd.random
    w = Writer(path)
    w.add(["alloc cache list"])
    names = HEADER_NAMES if cached else ['"%s-"' % x for x in HEADER_NAMES]
    nn = len(names)
    small = 0 if cached else 1000
    kept = []  # IDs of the instances in the cache (still rooted), oldest first
    u = 0
    while w.events < events:
        u += 1
        R = "r%d" % u
        H = "h%d" % u
        P = "p%d" % u
        Iv = "i%d" % u
        B = "b%d" % u
        L = ["alloc %s dict" % R, "alloc %s dict" % H, "ref %s %s" % (R, H)]
        keep_h = None
        for j in range(2 + int(r() * 5)):
            v = "h%d.%d" % (u, j)
            x = r()
            if x < 0.5:
                L.append("alloc %s str %s" % (v, names[int(r() * nn)]))
            elif x < 0.85:
                L.append('alloc %s str "/api/v1/items/%d?page=%d&q=a b"'
                         % (v, u, j))
            else:
                L.append("alloc %s int %d" % (v, 100000 + int(r() * 1e9)))
            L.append("ref %s %s" % (H, v))
            if keep_h is None and r() < 0.2:
                keep_h = v
            else:
                L.append("del %s" % v)
        L.append("alloc %s list" % P)
        L.append("ref %s %s" % (R, P))
        keep_p = None
        for j in range(1 + int(r() * 4)):
            v = "p%d.%d" % (u, j)
            x = r()
            if x < 0.4:
                L.append("alloc %s int %d" % (v, int(r() * 300) - 5 + small))
            elif x < 0.7:
                L.append("alloc %s int %d" % (v, 1000 + int(r() * 1e6)))
            else:
                L.append("alloc %s float %.4f" % (v, r() * 1000))
            L.append("ref %s %s" % (P, v))
            if keep_p is None and r() < 0.3:
                keep_p = v
            else:
                L.append("del %s" % v)
        if r() < 0.4:
            T = "t%d" % u
            L += ["alloc %s tuple 2" % T,
                  "alloc %s.k str %s" % (T, names[int(r() * nn)]),
                  "ref %s %s.k" % (T, T), "del %s.k" % T,
                  "alloc %s.v int %d" % (T, int(r() * 2000) + small),
                  "ref %s %s.v" % (T, T), "del %s.v" % T,
                  "ref %s %s" % (P, T), "del %s" % T]
        L.append("alloc %s list" % Iv)
        L.append("ref %s %s" % (R, Iv))
        objs = []
        for j in range(1 + int(r() * 3)):
            O = "o%d.%d" % (u, j)
            objs.append(O)
            L += ["alloc %s object" % O, "ref %s %s" % (Iv, O),
                  "ref %s %s" % (O, R),
                  "alloc %s.n str %s" % (O, names[int(r() * nn)]),
                  "ref %s %s.n" % (O, O), "del %s.n" % O,
                  "alloc %s.c int %d" % (O, int(r() * 100000) + small),
                  "ref %s %s.c" % (O, O)]
            if r() < 0.3:
                L += ["unref %s %s.c" % (O, O)]
            L.append("del %s.c" % O)
            if j > 0 and r() < 0.3:
                L.append("ref %s %s" % (O, objs[j - 1]))
        if r() < 0.2:
            S = "s%d" % u
            L += ["alloc %s set" % S, "ref %s %s" % (R, S)]
            for j in range(2 + int(r() * 3)):
                L += ["alloc %s.%d int %d" % (S, j, u * 8 + j),
                      "ref %s %s.%d" % (S, S, j), "del %s.%d" % (S, j)]
            L.append("del %s" % S)
        L += ["alloc %s list" % B, "ref %s %s" % (R, B)]
        for j in range(1 + int(r() * 2)):
            L += ['alloc %s.%d bytes "HTTP/1.1 200 OK\\n%d"' % (B, j, j),
                  "ref %s %s.%d" % (B, B, j), "del %s.%d" % (B, j)]
        if keep_h is not None:
            L += ["unref %s %s" % (H, keep_h), "del %s" % keep_h]
        if keep_p is not None:
            L += ["unref %s %s" % (P, keep_p), "del %s" % keep_p]
        if r() < 0.05:
            L.append("ref cache %s" % objs[0])
            kept.append(objs[0])
            objs = objs[1:]
            if len(kept) > cache_cap:
                old = kept.pop(0)
                L += ["unref cache %s" % old, "del %s" % old]
        for O in objs:
            L.append("del %s" % O)
        L += ["del %s" % B, "del %s" % Iv, "del %s" % P, "del %s" % H,
              "del %s" % R]
        if collect_every and u % collect_every == 0:
            L.append("collect")
        w.add(L)
    return w.close()


def gen_churn(path, events, seed, window=1000):
    """Churn: per unit a list or a dict, filled with 1 to 4 ints (small,
    cached ones and big ones) made for it, sometimes holding the previous
    unit's container too (chains, freed together); the container of the
    unit `window` units back is dropped.  The live heap stays about
    `window` units; almost everything is freed by refcount."""
    rnd = random.Random(seed)
    r = rnd.random
    w = Writer(path)
    u = 0
    while w.events < events:
        C = "c%d" % u
        L = ["alloc %s %s" % (C, "list" if r() < 0.6 else "dict")]
        for j in range(1 + int(r() * 4)):
            v = "%s.%d" % (C, j)
            x = r()
            L += ["alloc %s int %d" % (v, int(r() * 250) if x < 0.4 else
                                       1000 + int(r() * 1e9)),
                  "ref %s %s" % (C, v), "del %s" % v]
        if u > 0 and r() < 0.3:
            L.append("ref %s c%d" % (C, u - 1))
        if u >= window:
            L.append("del c%d" % (u - window))
        w.add(L)
        u += 1
    return w.close()


def gen_flat(path, n, refs):
    """n lists kept alive by their root references, each holding `refs`
    references to one small int (cached: no other object is made)."""
    w = Writer(path)
    w.add(["alloc k int 5"])
    tail = ["ref x%d k"] * refs
    for i in range(n):
        L = ["alloc x%d list" % i]
        if refs:
            L += [t % i for t in tail]
        w.add(L)
    return w.close()


def gen_heap(path, units, collects):
    """A live heap for the collection benchmark: `units` groups of a list
    (in one of the rooted holder lists), a dict, an instance and a 2-tuple,
    linked list -> dict -> instance -> list (a cycle) and list -> tuple ->
    instance, with a float and a big int as leaves: 4 tracked objects and
    2 untracked ones per unit, all reachable.  Then `collects` full
    collections."""
    w = Writer(path)
    w.add(["alloc c int 7"])
    hold = None
    for i in range(units):
        L = []
        if i % 1000 == 0:
            hold = "H%d" % (i // 1000)
            L.append("alloc %s list" % hold)
        L += ["alloc l%d list" % i, "ref %s l%d" % (hold, i),
              "alloc d%d dict" % i, "ref l%d d%d" % (i, i),
              "alloc o%d object" % i, "ref d%d o%d" % (i, i),
              "ref o%d l%d" % (i, i),
              "alloc f%d float %d.5" % (i, i), "ref o%d f%d" % (i, i),
              "del f%d" % i,
              "alloc n%d int %d" % (i, 1000 + i), "ref d%d n%d" % (i, i),
              "del n%d" % i,
              "alloc t%d tuple 2" % i, "ref t%d o%d" % (i, i),
              "ref t%d c" % i, "ref l%d t%d" % (i, i), "del t%d" % i,
              "del o%d" % i, "del d%d" % i, "del l%d" % i]
        w.add(L)
    w.add(["collect"] * collects)
    return w.close()


def gcsim_has_gen(gcsim):
    try:
        p = subprocess.run([gcsim, "gen", "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0 and b"handler" in p.stdout + p.stderr


def gcsim_gen_trace(args, path, events, seed):
    """`gcsim gen --model handler` at path (reused if there)."""
    if not os.path.exists(path):
        t0 = time.perf_counter()
        subprocess.run([args.gcsim, "gen", "--model", "handler", "--events",
                        str(events), "--seed", str(seed), "-o",
                        path + ".tmp"], check=True)
        os.rename(path + ".tmp", path)
        log("generated %s (gcsim gen, %.1f s)" % (os.path.basename(path),
                                                  time.perf_counter() - t0))
    return path


def trace(args, name, fn, *a):
    path = os.path.join(args.workdir, name)
    if not os.path.exists(path):
        t0 = time.perf_counter()
        fn(path + ".tmp", *a)
        os.rename(path + ".tmp", path)
        log("generated %s (%.1f s)" % (name, time.perf_counter() - t0))
    return path


def gcsim_summary(args, path):
    """gcsim's summary object for a run of path (--format jsonl)."""
    out = run_child([args.gcsim, "run", "--quiet", "--format", "jsonl",
                     "--python", args.pyver, path], stdout="capture").out
    for line in reversed(out.splitlines()):
        line = line.strip()
        if line.startswith("{") and '"summary"' in line:
            return json.loads(line)["summary"]
    raise SystemExit("bench: no summary object in gcsim's jsonl output")


def gcsim_run(args, path):
    return [args.gcsim, "run", "--quiet", "--python", args.pyver, path]


# ---------------------------------------------------------------------------
# The parts


def replay_one(args, label, path, replay_opts):
    summ = gcsim_summary(args, path)  # also checks validity, warms the cache
    events = summ["steps"]
    log("replay %s: gcsim, %d runs" % (label, args.repeat))
    g, g_runs = best_of(args.repeat, gcsim_run(args, path))
    log("replay %s: CPython (%s), %d runs" % (label, args.python_bin,
                                               args.repeat))
    p, p_runs = best_of(args.repeat,
                        [args.python_bin, REPLAY] + replay_opts + [path])
    g_wall = min(r.wall for r in g_runs)
    p_wall = min(r.wall for r in p_runs)
    return {
        "workload": label, "trace": path, "events": events,
        "trace_bytes": os.path.getsize(path),
        "replay_options": replay_opts,
        "gcsim_wall": g_wall, "gcsim_cpu": g.cpu,
        "gcsim_runs": [[r.wall, r.cpu] for r in g_runs],
        "gcsim_events_per_second": events / g_wall,
        "gcsim_peak_rss": g.rss,
        "cpython_wall": p_wall, "cpython_cpu": p.cpu,
        "cpython_runs": [[r.wall, r.cpu] for r in p_runs],
        "cpython_events_per_second": events / p_wall,
        "cpython_peak_rss": p.rss,
        "ratio_wall": p_wall / g_wall,
        "ratio_cpu": p.cpu / g.cpu,
        "target_ratio": TARGET_REPLAY_RATIO,
        "gcsim_summary": {k: summ.get(k) for k in (
            "collections", "collected", "examined", "peak_live",
            "peak_tracked", "allocs", "freed_refcount", "freed_gc",
            "cache_hits")},
    }


def part_replay(args, res):
    """The handler workload of `gcsim gen` (when gcsim has gen) and of
    bench.py's own generator, each replayed by both sides."""
    rows = []
    use_gen = args.generator == "gcsim" or (args.generator == "auto"
                                            and gcsim_has_gen(args.gcsim))
    if use_gen:
        path = gcsim_gen_trace(args, os.path.join(
            args.workdir, "gen-handler-%d-s1.trace" % args.events),
            args.events, 1)
        # gen's traces name objects held only by containers (evictions
        # from its cache list): replay.py finds those by address, for the
        # IDs that a pass over the trace (not timed) lists.
        gfile = path + ".ghosts"
        if not os.path.exists(gfile):
            t0 = time.perf_counter()
            with open(gfile + ".tmp", "w") as f:
                subprocess.run([sys.executable, REPLAY, "--scan-ghosts",
                                path], stdout=f, check=True)
            os.rename(gfile + ".tmp", gfile)
            log("listed the IDs named without a root reference (%.1f s)"
                % (time.perf_counter() - t0))
        rows.append(replay_one(args, "gcsim gen --model handler --seed 1",
                               path, ["--ghosts=" + gfile]))
    if args.generator != "gcsim":
        path = trace(args, "handler-%d-s1-c%d.trace" % (args.events,
                                                        args.cache),
                     gen_handler, args.events, 1, args.cache)
        rows.append(replay_one(args, "bench.py handler, seed 1, cache %d"
                               % args.cache, path, []))
    churn = args.events * 3 // 5
    path = trace(args, "churn-%d-s1.trace" % churn, gen_churn, churn, 1)
    rows.append(replay_one(args, "bench.py churn, seed 1", path, []))
    res["replay"] = rows


def part_check(args, res):
    """`run --check` against a plain `run` on the traces of the replay
    part (generated if missing), the two commands in turn, --repeat
    times."""
    paths = []
    if args.generator == "gcsim" or (args.generator == "auto"
                                     and gcsim_has_gen(args.gcsim)):
        paths.append(gcsim_gen_trace(args, os.path.join(
            args.workdir, "gen-handler-%d-s1.trace" % args.events),
            args.events, 1))
    churn = args.events * 3 // 5
    paths.append(trace(args, "churn-%d-s1.trace" % churn, gen_churn, churn, 1))
    rows = []
    for path in paths:
        plain = gcsim_run(args, path)
        checked = plain[:2] + ["--check"] + plain[2:]
        log("check: %s, plain and --check, %d rounds"
            % (os.path.basename(path), args.repeat))
        p_runs, c_runs = [], []
        for _ in range(args.repeat):
            p_runs.append(run_child(plain))
            c_runs.append(run_child(checked))
        p_cpu = min(r.cpu for r in p_runs)
        c_cpu = min(r.cpu for r in c_runs)
        rows.append({"trace": path, "plain_cpu": p_cpu, "check_cpu": c_cpu,
                     "plain_wall": min(r.wall for r in p_runs),
                     "check_wall": min(r.wall for r in c_runs),
                     "ratio_cpu": c_cpu / p_cpu})
    res["check"] = {"rows": rows, "target": TARGET_CHECK}


def part_compare(args, res):
    """`gcsim compare` on gen's handler trace: one setting against `run
    --quiet` (the census's cost), two settings of the same cost in two
    threads against one (the parallel speed-up).  The three commands are
    run in turn, --repeat times, so that a change of load hits all three."""
    path = gcsim_gen_trace(args, os.path.join(
        args.workdir, "gen-handler-%d-s1.trace" % args.events),
        args.events, 1)
    py = ["--python", args.pyver]
    cmds = {
        "run": gcsim_run(args, path),
        "one": [args.gcsim, "compare"] + py + [path],
        "two": [args.gcsim, "compare", "-j", "2"] + py
               + ["--threshold", "700,10,10", "--threshold", "701,10,10",
                  path],
    }
    run_child(cmds["run"])  # warms the cache
    log("compare: run, 1 setting, 2 settings; %d rounds" % args.repeat)
    runs = {k: [] for k in cmds}
    for _ in range(args.repeat):
        for k, cmd in cmds.items():
            runs[k].append(run_child(cmd))
    best = {k: {"wall": min(r.wall for r in v), "cpu": min(r.cpu for r in v)}
            for k, v in runs.items()}
    res["compare"] = {
        "trace": path, "best": best,
        "runs": {k: [[r.wall, r.cpu] for r in v] for k, v in runs.items()},
        "one_over_run_cpu": best["one"]["cpu"] / best["run"]["cpu"],
        "one_over_run_wall": best["one"]["wall"] / best["run"]["wall"],
        "two_over_one_wall": best["two"]["wall"] / best["one"]["wall"],
        "two_over_one_cpu": best["two"]["cpu"] / best["one"]["cpu"],
        "target_one": TARGET_COMPARE_ONE, "target_two": TARGET_COMPARE_TWO,
    }


def part_collect(args, res):
    units, k = args.heap_units, args.collects
    with_c = trace(args, "heap-%d-c%d.trace" % (units, k), gen_heap, units, k)
    without = trace(args, "heap-%d-c0.trace" % units, gen_heap, units, 0)
    summ = gcsim_summary(args, with_c)
    log("collect: gcsim, %d runs with and without the %d collections"
        % (args.repeat, k))
    w_runs, o_runs = [], []
    for _ in range(args.repeat):  # interleaved: drift hits both alike
        w_runs.append(run_child(gcsim_run(args, with_c)))
        o_runs.append(run_child(gcsim_run(args, without)))
    # What one full collection examines once the heap is built: all of it.
    g_objs = summ["max_examined"]
    log("collect: CPython, %d runs" % args.repeat)
    p_runs = []
    for _ in range(args.repeat):
        out = run_child([args.python_bin, REPLAY, "--time-collect", with_c],
                        stdout="capture").out
        p_runs.append(json.loads(out.strip().splitlines()[-1]))
    p_objs = p_runs[0]["tracked"]

    def per(xs):
        return sum(xs) / len(xs)

    out = {"units": units, "collections": k,
           "gcsim_objects_examined": g_objs,
           "gcsim_peak_live": summ["peak_live"],
           "gcsim_runs_with": [[r.wall, r.cpu] for r in w_runs],
           "gcsim_runs_without": [[r.wall, r.cpu] for r in o_runs],
           "cpython_tracked_objects": p_objs,
           "cpython_runs": p_runs}
    for clock in ("wall", "cpu"):
        g = max(min(getattr(r, clock) for r in w_runs)
                - min(getattr(r, clock) for r in o_runs), 0.0) / k
        key = "collect_seconds" if clock == "wall" else "collect_cpu_seconds"
        pc = min(per(r[key]) for r in p_runs)
        out["gcsim_%s_per_collection" % clock] = g
        out["cpython_%s_per_collection" % clock] = pc
        out["gcsim_ns_per_object_%s" % clock] = g / g_objs * 1e9
        out["cpython_ns_per_object_%s" % clock] = pc / p_objs * 1e9
        out["ratio_%s" % clock] = (g / g_objs) / (pc / p_objs)
        # The difference is trustworthy when it is well above the spread
        # of the runs it comes from.
        # (the second-best run minus the best, in either set: one run
        # disturbed by another process does not count)
        spread = max(sorted(getattr(r, clock) for r in rs)[1]
                     - min(getattr(r, clock) for r in rs)
                     for rs in (w_runs, o_runs)) if k and args.repeat > 1 \
            else 0.0
        out["gcsim_%s_difference" % clock] = g * k
        out["gcsim_%s_spread" % clock] = spread
        out["noisy_%s" % clock] = g * k < 3 * spread
    res["collect"] = out


def part_memory(args, res):
    n = args.mem_objects
    log("memory: gcsim's resident size with %d live objects" % n)
    base = trace(args, "flat-1-0.trace", gen_flat, 1, 0)
    r0 = steady_rss(args.gcsim, args.pyver, base)[0]
    rows = []
    for rr in args.mem_refs:
        path = trace(args, "flat-%d-%d.trace" % (n, rr), gen_flat, n, rr)
        rss, hwm = steady_rss(args.gcsim, args.pyver, path)
        live = n + 1  # the lists and the small int they reference
        per = (rss - r0) / float(live)
        budget = TARGET_BYTES_PER_OBJECT + TARGET_BYTES_PER_REF * rr
        rows.append({"refs_per_object": rr, "rss": rss, "peak_rss": hwm,
                     "bytes_per_object": per,
                     "peak_bytes_per_object": (hwm - r0) / float(live),
                     "budget": budget})
    # Least-squares line through bytes/object against refs/object.
    xs = [r["refs_per_object"] for r in rows]
    ys = [r["bytes_per_object"] for r in rows]
    fit = None
    if len(set(xs)) > 1:
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        b = (sum((x - mx) * (y - my) for x, y in zip(xs, ys))
             / sum((x - mx) ** 2 for x in xs))
        fit = {"bytes_per_object": my - b * mx, "bytes_per_reference": b}
    res["memory"] = {
        "objects": n, "rss_empty": r0, "rows": rows, "fit": fit,
        "id_chars_mean": len("x%d" % (n // 2)),
        "target_bytes_per_object": TARGET_BYTES_PER_OBJECT,
        "target_bytes_per_reference": TARGET_BYTES_PER_REF,
    }


def part_bounded(args, res):
    """The handler workload at E, 3*E and 10*E events, twice: as generated
    (its small ints and identifier-like strings are cached objects, each
    alloc binding a fresh ID to one), and with no cached objects at all."""
    lengths = [args.bounded_events * m for m in (1, 3, 10)]
    # A cache small enough to fill within the short trace's first fifth,
    # so that all traces have the same live heap for most of their length.
    cap = max(10, lengths[0] // 5000)
    rows = []
    for cached in (True, False):
        runs = []
        for e in lengths:
            name = "handler-%d-s2-c%d-k1000%s.trace" % (
                e, cap, "" if cached else "-nc")
            path = trace(args, name, gen_handler, e, 2, cap, cached, 1000)
            summ = gcsim_summary(args, path)
            r = run_child(gcsim_run(args, path))
            runs.append({"events": summ["steps"], "peak_rss": r.rss,
                         "peak_live": summ["peak_live"], "wall": r.wall,
                         "cpu": r.cpu, "cache_hits": summ.get("cache_hits"),
                         "trace_bytes": os.path.getsize(path)})
        rows.append({"cached_objects": cached, "runs": runs,
                     "growth_10x": runs[2]["peak_rss"]
                     / float(runs[0]["peak_rss"]),
                     "growth_3x_to_10x": runs[2]["peak_rss"]
                     / float(runs[1]["peak_rss"])})
    res["bounded"] = {"cache": cap, "rows": rows}


# ---------------------------------------------------------------------------
# Report


def mb(x):
    return "%.1f MB" % (x / 1e6)


def verdict(ok):
    return "met" if ok else "NOT met"


def table(res):
    L = []
    m = res["machine"]
    L.append("gcsim benchmark (issues 5, 13)   %s, %d CPUs, load %s, %s"
             % (m["platform"], m["cpus"], m["load"], m["when"]))
    L.append("gcsim: %s (--python %s)" % (m["gcsim"], m["pyver"]))
    L.append("CPython: %s (%s)" % (m["python_bin"], m["python_version"]))
    L.append("Times: best of %d runs (wall clock, and CPU = user+sys)"
             % m["repeat"])
    L.append("")
    for i, r in enumerate(res.get("replay", ())):
        L.append("1%s. Replay of one trace: %s events, %s, %s"
                 % ("abcdefgh"[i], "{:,}".format(r["events"]),
                    mb(r["trace_bytes"]), r["workload"]))
        L.append("  %-30s %9s %9s %14s %11s" % ("", "wall s", "CPU s",
                                               "events/s", "peak RSS"))
        for who, k in (("gcsim run --quiet", "gcsim"),
                       ("CPython replay.py", "cpython")):
            L.append("  %-30s %9.3f %9.3f %14s %11s" % (
                who + (" --ghosts=..." if k == "cpython"
                       and r["replay_options"] else ""),
                r[k + "_wall"], r[k + "_cpu"],
                "{:,.0f}".format(r[k + "_events_per_second"]),
                mb(r[k + "_peak_rss"])))
        L.append("  gcsim is %.1fx faster (wall), %.1fx (CPU); target >= "
                 "%.0fx: %s" % (r["ratio_wall"], r["ratio_cpu"],
                                r["target_ratio"],
                                verdict(r["ratio_wall"] >= r["target_ratio"])))
        s = r["gcsim_summary"]
        L.append("  (gcsim: collections %s, collected %s, peak live %s)"
                 % (s["collections"], s["collected"], s["peak_live"]))
        L.append("")
    if "collect" in res:
        c = res["collect"]
        L.append("2. Full collection of a live heap (%s units of 4 tracked "
                 "objects; %d collections)" % ("{:,}".format(c["units"]),
                                               c["collections"]))
        L.append("  %-22s %10s %10s %10s %10s %10s" % (
            "", "objects", "wall ms", "CPU ms", "ns/obj", "ns/obj CPU"))
        for who, k, objs in (
                ("gcsim (with - without)", "gcsim", "gcsim_objects_examined"),
                ("CPython gc.collect()", "cpython",
                 "cpython_tracked_objects")):
            L.append("  %-22s %10d %10.2f %10.2f %10.2f %10.2f" % (
                who, c[objs], c[k + "_wall_per_collection"] * 1e3,
                c[k + "_cpu_per_collection"] * 1e3,
                c[k + "_ns_per_object_wall"], c[k + "_ns_per_object_cpu"]))
        L.append("  gcsim / CPython per object: %.2f (wall), %.2f (CPU); "
                 "target <= 1: %s" % (c["ratio_wall"], c["ratio_cpu"],
                                      verdict(c["ratio_cpu"] <= 1)))
        for clock in ("wall", "cpu"):
            if c["noisy_%s" % clock]:
                L.append("  NOISY (%s): gcsim's difference %.1f ms is less "
                         "than 3x the spread of its best runs (%.1f ms); raise "
                         "--collects or --heap-units" % (
                             clock, c["gcsim_%s_difference" % clock] * 1e3,
                             c["gcsim_%s_spread" % clock] * 1e3))
        L.append("")
    if "memory" in res:
        m2 = res["memory"]
        L.append("3. Memory per live object: gcsim's resident size with %s "
                 "live lists (IDs of ~%d characters), minus an empty run (%s)"
                 % ("{:,}".format(m2["objects"]), m2["id_chars_mean"],
                    mb(m2["rss_empty"])))
        L.append("  %-8s %11s %11s %11s %12s" % (
            "refs/obj", "RSS", "bytes/obj", "at peak", "budget"))
        for row in m2["rows"]:
            L.append("  %-8d %11s %11.1f %11.1f %7.0f %s" % (
                row["refs_per_object"], mb(row["rss"]),
                row["bytes_per_object"], row["peak_bytes_per_object"],
                row["budget"], verdict(row["bytes_per_object"]
                                       <= row["budget"])))
        if m2["fit"]:
            L.append("  fit: %.1f bytes/object + %.2f bytes/reference "
                     "(target %.0f + %.0f)" % (
                         m2["fit"]["bytes_per_object"],
                         m2["fit"]["bytes_per_reference"],
                         TARGET_BYTES_PER_OBJECT, TARGET_BYTES_PER_REF))
        L.append("")
    if "bounded" in res:
        b = res["bounded"]
        L.append("4. Memory bounded by the live heap (handler workload, "
                 "bench.py's generator, cache of %d requests, a full "
                 "collect every 1000 requests)" % b["cache"])
        for row in b["rows"]:
            L.append("  %s:" % ("as generated" if row["cached_objects"] else
                                "without cached objects (no small ints, "
                                "no interned strings)"))
            for x in row["runs"]:
                L.append("  %12s events: peak RSS %9s, peak live %7s, "
                         "cache hits %9s, %6.2f s CPU"
                         % ("{:,}".format(x["events"]), mb(x["peak_rss"]),
                            x["peak_live"], x["cache_hits"], x["cpu"]))
            L.append("  peak RSS 10x / 1x: %.2f, 10x / 3x: %.2f (bounded: "
                     "%s)" % (row["growth_10x"], row["growth_3x_to_10x"],
                              "yes" if row["growth_10x"] < 1.1 else
                              "yes, once warm" if
                              row["growth_3x_to_10x"] < 1.1 else "NO"))
        if m["quick"]:
            L.append("  (--quick: too few events for gcsim's ID tables to "
                     "reach their final size; see README.md)")
        L.append("")
    if "compare" in res:
        c = res["compare"]
        L.append("5. compare on the trace of 1a (a garbage census in every "
                 "run)")
        L.append("  %-34s %9s %9s" % ("", "wall s", "CPU s"))
        for who, k in (("gcsim run --quiet", "run"),
                       ("gcsim compare, 1 setting", "one"),
                       ("gcsim compare -j 2, 2 settings", "two")):
            L.append("  %-34s %9.3f %9.3f" % (who, c["best"][k]["wall"],
                                              c["best"][k]["cpu"]))
        L.append("  1 setting / run: %.2f (CPU), %.2f (wall); target <= "
                 "%.1f: %s" % (c["one_over_run_cpu"], c["one_over_run_wall"],
                               c["target_one"],
                               verdict(c["one_over_run_cpu"]
                                       <= c["target_one"])))
        L.append("  2 settings / 1 setting: %.2f (wall), %.2f (CPU); target "
                 "<= %.1f on 2 idle cores: %s" % (
                     c["two_over_one_wall"], c["two_over_one_cpu"],
                     c["target_two"],
                     verdict(c["two_over_one_wall"] <= c["target_two"])))
        L.append("")
    if "check" in res:
        L.append("6. run --check against a plain run (CPU s)")
        for row in res["check"]["rows"]:
            L.append("  %-34s plain %7.3f, --check %7.3f: %.2fx; target "
                     "<= %.0fx: %s" % (
                         os.path.basename(row["trace"]), row["plain_cpu"],
                         row["check_cpu"], row["ratio_cpu"],
                         res["check"]["target"],
                         verdict(row["ratio_cpu"] <= res["check"]["target"])))
        L.append("")
    return "\n".join(L)


# ---------------------------------------------------------------------------


def find_gcsim():
    env = os.environ.get("GCSIM")
    cands = [env] if env else []
    cands += [os.path.join(REPO, d, "gcsim") for d in (
        "build", "build-release", "build/Release", "cmake-build-release")]
    w = shutil.which("gcsim")
    if w:
        cands.append(w)
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def find_python():
    try:
        p = subprocess.run(["pyenv", "prefix", "3.12.1"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if p.returncode == 0:
            c = os.path.join(p.stdout.decode().strip(), "bin", "python3.12")
            if os.access(c, os.X_OK):
                return c
    except OSError:
        pass
    return shutil.which("python3.12") or sys.executable


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="gcsim against the real CPython (issue 5); see README.md")
    ap.add_argument("--gcsim", help="gcsim binary (default: $GCSIM, "
                    "build/gcsim, PATH)")
    ap.add_argument("--python-bin", help="CPython to replay in (default: "
                    "pyenv's 3.12.1, python3.12 on PATH, this python)")
    ap.add_argument("--events", type=int, default=5000000,
                    help="events in the replay trace (default 5,000,000)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per measurement, the best counts (default 3)")
    ap.add_argument("--quick", action="store_true",
                    help="small sizes: checks that the script works (<60 s)")
    ap.add_argument("--only",
                    default="replay,check,compare,memory,bounded,collect",
                    help="comma-separated parts to run")
    ap.add_argument("--generator", choices=("auto", "gcsim", "builtin"),
                    default="auto", help="replay: gcsim gen's handler "
                    "trace, bench.py's, or (auto) both if gcsim has gen")
    ap.add_argument("--heap-units", type=int, default=250000,
                    help="collect: units of 4 tracked objects (default "
                    "250,000)")
    ap.add_argument("--collects", type=int, default=10,
                    help="collect: full collections at the end (default 10)")
    ap.add_argument("--mem-objects", type=int, default=1000000,
                    help="memory: live objects (default 1,000,000)")
    ap.add_argument("--mem-refs", default="0,4,16",
                    help="memory: references per object, one trace each "
                    "(default 0,4,16)")
    ap.add_argument("--cache", type=int, default=2000,
                    help="replay: requests the handler workload keeps "
                    "(built-in generator; default 2000)")
    ap.add_argument("--bounded-events", type=int, default=2000000,
                    help="bounded: the short trace; the long one is 10x "
                    "(default 2,000,000)")
    ap.add_argument("--workdir", help="keep traces here and reuse them")
    ap.add_argument("--keep", action="store_true",
                    help="do not remove the scratch directory")
    ap.add_argument("--json", action="store_true",
                    help="print the results as one JSON object")
    args = ap.parse_args(argv)
    try:
        args.mem_refs = [int(x) for x in args.mem_refs.split(",")]
    except ValueError:
        ap.error("--mem-refs: comma-separated integers")

    if args.quick:
        d = ap.parse_args([])
        for k, v in (("events", 300000), ("heap_units", 50000),
                     ("mem_objects", 100000), ("bounded_events", 300000),
                     ("collects", 20), ("cache", 200)):
            if getattr(args, k) == getattr(d, k):
                setattr(args, k, v)
    args.gcsim = args.gcsim or find_gcsim()
    if not args.gcsim:
        ap.error("no gcsim binary found: build it and pass --gcsim PATH")
    args.gcsim = os.path.abspath(args.gcsim)
    args.python_bin = args.python_bin or find_python()
    pv = subprocess.run([args.python_bin, "-c", "import sys; print("
                         "'%d.%d' % sys.version_info[:2], sys.version.split()[0])"],
                        stdout=subprocess.PIPE, check=True).stdout.decode().split()
    args.pyver = pv[0]
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    for p in parts:
        if p not in ("replay", "collect", "memory", "bounded", "compare",
                     "check"):
            ap.error("unknown part '%s'" % p)

    scratch = args.workdir is None
    if scratch:
        args.workdir = tempfile.mkdtemp(prefix="gcsim-bench-")
    else:
        os.makedirs(args.workdir, exist_ok=True)
    res = {"machine": {
        "platform": platform.platform(), "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"), "gcsim": args.gcsim,
        "pyver": args.pyver, "python_bin": args.python_bin,
        "python_version": pv[1], "quick": args.quick,
        "repeat": args.repeat,
        "load": "%.1f" % os.getloadavg()[0],
        "rss_floor": not os.access(TIME, os.X_OK)}}
    t0 = time.perf_counter()
    try:
        for p in parts:
            globals()["part_" + p](args, res)
    finally:
        if scratch and not args.keep:
            shutil.rmtree(args.workdir, ignore_errors=True)
        elif scratch:
            log("traces kept in %s" % args.workdir)
    res["machine"]["bench_seconds"] = time.perf_counter() - t0
    if args.json:
        print(json.dumps(res, indent=1, sort_keys=True))
    else:
        print(table(res))
        print("(%.0f s)" % res["machine"]["bench_seconds"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""gcsim explain against the rules and the oracles.

usage: explain_test.py GCSIM TRACES_DIR

1. Every expect line about one object (refcnt, alive, freed, tracked,
   untracked, gen) in the scenario library, whose values the conformance
   oracles prove against the real interpreters, must agree with what
   `explain --at STEP --format json` says of that object after the step
   before it: under the file's profile, and under every profile for a
   file without a '#: python' line.
2. The scenarios (a cycle, a long-lived chain, a frozen object, a cached
   object, the long-lived brake) against what the rules say.
3. Error cases.
"""
import glob
import json
import os
import subprocess
import sys

gcsim, traces = sys.argv[1], sys.argv[2]
PROFILES = ["3.11", "3.12", "3.13", "3.14"]
IMMORTAL = 4294967295
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


def explain(trace, oid, at=None, python=None, fmt="json"):
    cmd = [gcsim, "explain", "--format", fmt, trace, oid]
    if at is not None:
        cmd[2:2] = ["--at", str(at)]
    if python:
        cmd[2:2] = ["--python", python]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


memo = {}


def explain_json(trace, oid, at=None, python=None):
    key = (trace, oid, at, python)
    if key not in memo:
        memo[key] = explain(trace, oid, at, python)
    rc, out, err = memo[key]
    if rc != 0:
        failures.append(f"{trace} {oid} --at {at} --python {python}: exit {rc}: {err}")
        return None
    return json.loads(out)


def events_and_expects(path):
    """The expect lines about one object, with the step before them."""
    step, python, out = 0, None, []
    for line in open(path, encoding="utf-8"):
        code = line.split("#", 1)[0].split() if not line.startswith("#:") else []
        if line.startswith("#: python"):
            python = line.split()[2]
        if not code:
            continue
        if code[0] == "expect":
            if code[1] in ("refcnt", "alive", "freed", "tracked", "untracked", "gen"):
                out.append((step, code[1:]))
        else:
            step += 1
    return python, out


# 1. The oracle-proven expect lines.
for path in sorted(glob.glob(os.path.join(traces, "*.trace"))):
    python, expects = events_and_expects(path)
    for prof in [None] if python else PROFILES:
        for step, (kind, oid, *rest) in expects:
            if step == 0:
                continue
            e = explain_json(path, oid, step, prof)
            if e is None:
                continue
            where = f"{os.path.basename(path)} --at {step} {prof or python}: {kind} {oid} {rest}"
            if kind == "freed":
                check(e["state"] == "dead", where + f": state {e['state']}")
            elif kind == "alive":
                check(e["state"] != "dead", where + ": dead")
            elif kind == "refcnt":
                want = int(rest[0])
                got = IMMORTAL if e.get("immortal") else e.get("refcnt")
                check(got == want, where + f": refcnt {got}")
            elif kind == "tracked":
                check(e.get("tracked") is True, where + ": not tracked")
            elif kind == "untracked":
                check(e.get("tracked") is False, where + ": tracked")
            elif kind == "gen":
                check(e.get("gen") == int(rest[0]), where + f": gen {e.get('gen')}")

T = lambda name: os.path.join(traces, name)

# 2a. A cycle: two-list-cycle.trace.  Steps: 1-2 alloc, 3-4 ref, 5-6 del,
# 7 collect.  Before the dels a root holds each list; after `del b`
# (step 6, line 22) no root reaches either: garbage since 6, both in
# gen 0, so a gen-0 collection frees them; collect (gen 2) does, at 7.
e = explain_json(T("two-list-cycle.trace"), "b", 4)
check(e["state"] == "reachable" and e["root"] == "b" and len(e["chain"]) == 1,
      f"cycle at 4: {e}")
e = explain_json(T("two-list-cycle.trace"), "a", 5)
# `del a`: a is held by b, which its root still holds: chain b -> a.
check(e["state"] == "reachable" and e["root"] == "b" and
      [c["id"] for c in e["chain"]] == ["b", "a"] and e["chain"][1]["via"] == "item" and
      e["chain"][1]["index"] == 0, f"cycle at 5: {e}")
for prof in PROFILES:
    e = explain_json(T("two-list-cycle.trace"), "a", 6, prof)
    check(e["state"] == "garbage" and e["garbage_since"] == 6 and
          e["garbage_since_line"] == 22 and e["garbage_holders"] == 2 and
          e["wait_gen"] == 0 and e["gen"] == 0, f"cycle at 6 ({prof}): {e}")
    th0 = {"3.11": 700, "3.12": 700, "3.13": 2000, "3.14": 2000}[prof]
    c = e["collector"]
    check(c["count0"] == 2 and c["threshold0"] == th0 and
          f"count0 is 2 of threshold0 {th0}" in e["when"], f"cycle when ({prof}): {e['when']}")
    e = explain_json(T("two-list-cycle.trace"), "a", 7, prof)
    check(e["state"] == "dead" and e["freed_by"] == "collector" and
          e["collection_gen"] == 2 and e["died_step"] == 7, f"cycle at 7 ({prof}): {e}")

# 2b. A long-lived chain: head -> n1 -> n2 -> n3 -> leaf; collect 0, 1,
# 2 move it to gen 1, then gen 2, where the full collection keeps it.
for prof in PROFILES:
    e = explain_json(T("long-lived-chain.trace"), "leaf", None, prof)
    check(e["state"] == "reachable" and e["root"] == "head" and
          [c["id"] for c in e["chain"]] == ["head", "n1", "n2", "n3", "leaf"] and
          [c["via"] for c in e["chain"]] == ["root", "item", "item", "attribute", "value"],
          f"chain ({prof}): {e}")
    check(e["gen"] == 2 and e["survived"] == [1, 1, 1], f"chain gen ({prof}): {e}")
    moves = [(h["collection_gen"], h["gen"]) for h in e["history"] if h["event"] == "promoted"]
    check(moves == [(0, 1), (1, 2)], f"chain moves ({prof}): {moves}")
    # n3, a dict: tracked when it took the list (step 9), not before.
    e = explain_json(T("long-lived-chain.trace"), "n3", 8, prof)
    check(e["tracked"] is (prof == "3.14"), f"n3 at 8 ({prof}): {e['tracked_why']}")
    e = explain_json(T("long-lived-chain.trace"), "n3", 9, prof)
    check(e["tracked"] is True and e["gen"] == 0, f"n3 at 9 ({prof}): {e}")

# 2c. A frozen object: freeze-unfreeze.trace.  Steps: 1-4 build the
# cycle, 5 gc freeze, 6-7 del, 8 collect, 9 alloc c, 10 gc unfreeze,
# 11 collect.  While frozen the garbage waits for no collection.
e = explain_json(T("freeze-unfreeze.trace"), "a", 8)
check(e["state"] == "garbage" and e["frozen"] is True and e["wait_gen"] == "frozen" and
      e["tracked"] is True and "unfreeze" in e["when"], f"frozen at 8: {e}")
check(any(h["event"] == "frozen" and h["step"] == 5 for h in e["history"]), f"frozen history: {e}")
e = explain_json(T("freeze-unfreeze.trace"), "a", 10)
check(e["state"] == "garbage" and e["gen"] == 2 and e["wait_gen"] == 2, f"unfrozen at 10: {e}")
check(e["collector"]["last_full_step"] == 8, f"last full: {e['collector']}")

# 2d. A cached object: small-ints.trace, b = 7 (step 2); its root goes at
# `del b` (step 12), yet the small-int cache keeps it; immortal from 3.12.
for prof in PROFILES:
    e = explain_json(T("small-ints.trace"), "b", None, prof)
    check(e["state"] == "cached" and "small-int" in e["cache"] and e["tracked"] is False and
          e["immortal"] is (prof != "3.11") and e["gen"] == -1, f"cached ({prof}): {e}")
    e = explain_json(T("small-ints.trace"), "r", None, prof)  # 257, del r: freed
    check(e["state"] == "dead" and e["freed_by"] == "refcount", f"257 ({prof}): {e}")

# 2e. The long-lived brake: gen2-long-lived-brake.trace.  The full
# collection at step 21 leaves 20 survivors (long_lived_total 20); at
# step 28 count2 (3) is over threshold2 (1) but pending (0) < 20/4, so a
# gen-1 collection ran instead; its 2 survivors (a, b) make pending 2.
e = explain_json(T("gen2-long-lived-brake.trace"), "a", 28)
c = e["collector"]
check(c["long_lived_total"] == 20 and c["long_lived_pending"] == 2 and c["count2"] == 3 and
      c["threshold2"] == 1 and c["braked_since_full"] == 1 and c["last_braked_step"] == 28 and
      c["last_full_step"] == 21 and "brake holds" in c["why_no_full"], f"brake: {c}")
check(e["gen"] == 2, f"brake gen: {e}")
# At step 34 (alloc h) 4 collections were braked and the last gen-1 one
# made pending 8 >= 20/4: the next automatic collection (step 36, alloc
# j) is the full one.
c = explain_json(T("gen2-long-lived-brake.trace"), "a", 34)["collector"]
check(c["braked_since_full"] == 4 and c["long_lived_pending"] >= 5 and
      "the next automatic collection is a full one" in c["why_no_full"], f"brake off: {c}")
c = explain_json(T("gen2-long-lived-brake.trace"), "a", 36)["collector"]
check(c["last_full_step"] == 36 and c["braked_since_full"] == 0, f"brake released: {c}")

# 2g. The incremental collector (3.14.2) explains with its own figures:
# after every step of space-flips-3142.trace, work_to_do, phase and
# visited_space are the step record's "inc" keys, and the last completed
# scavenge is the last collection that says so.
flips = T("space-flips-3142.trace")
lines = subprocess.run([gcsim, "run", "--format", "jsonl", flips], capture_output=True,
                       text=True).stdout.splitlines()
last_scavenge = -1
for st in (json.loads(x) for x in lines if x.startswith('{"step"')):
    for c in st["collections"]:
        if c.get("incremental", {}).get("completed_scavenge"):
            last_scavenge = st["step"]
    e = explain_json(flips, "x", st["step"])
    if e is None:
        break
    c = e["collector"]
    check(c["kind"] == "incremental" and c["work_to_do"] == st["inc"]["work_to_do"] and
          c["phase"] == st["inc"]["phase"] and c["visited_space"] == st["inc"]["visited_space"] and
          c["last_scavenge_step"] == last_scavenge and
          "no automatic full collection" in c["why_no_full"],
          f"incremental at step {st['step']}: {c} vs {st['inc']}")
check(last_scavenge > 0, "space-flips-3142: a scavenge completes")

# 2f. Text output says the same.
rc, out, err = explain(T("two-list-cycle.trace"), "a", 6, fmt="text")
check(rc == 0 and "cyclic garbage since step 6" in out and
      "waiting for a collection of generation 0" in out, f"text: {out}{err}")

# 3. Errors.
for args, want in [
    (["explain", T("two-list-cycle.trace"), "nosuch"], "unknown id 'nosuch'"),
    (["explain", "--at", "99", T("two-list-cycle.trace"), "a"], "has only 7 steps"),
    (["explain", "--at", "0", T("two-list-cycle.trace"), "a"], "--at takes"),
    (["explain", "--at", "x", T("two-list-cycle.trace"), "a"], "--at takes"),
    (["explain", "--format", "xml", T("two-list-cycle.trace"), "a"], "--format"),
    (["explain", T("two-list-cycle.trace")], "a TRACE and an ID"),
]:
    p = subprocess.run([gcsim] + args, capture_output=True, text=True)
    check(p.returncode == 2 and want in p.stderr and not p.stdout,
          f"{args}: exit {p.returncode}, {p.stderr!r}")
p = subprocess.run([gcsim, "explain", os.path.join(os.path.dirname(__file__), "bad-event.trace"), "a"],
                   capture_output=True, text=True)
check(p.returncode == 3 and "bad-event.trace:" in p.stderr, f"bad trace: {p.returncode} {p.stderr}")

for f in failures:
    print("FAIL", f)
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)

"""run --format chrome writes the Trace Event format that Perfetto and
chrome://tracing read, and says what run --format jsonl says.

usage: chrome_test.py GCSIM TRACE...

For every trace: the output is one JSON object with a traceEvents list;
every event has the fields its phase requires (X: name, ts, dur, pid, tid;
C: name, ts, pid, numeric args; i: name, ts, pid, tid, scope; M: name,
pid, args.name), and nothing but those phases appears; each counter
series runs forward in time; there is one X slice per collection of the
JSON lines, at its step, with its figures, and one gen2-skipped instant
per braked full collection.  Where the trace fits the buckets (one step
each), every counter, read as a step function, gives the JSON lines'
value after every step.
"""
import json
import os
import subprocess
import sys
import tempfile

failures = 0


def bad(msg):
    global failures
    failures += 1
    print("FAIL", msg)


def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_fields(name, ev):
    ph = ev.get("ph")
    need = {
        "X": ("name", "ts", "dur", "pid", "tid"),
        "C": ("name", "ts", "pid", "args"),
        "i": ("name", "ts", "pid", "tid", "s"),
        "M": ("name", "pid", "args"),
    }.get(ph)
    if need is None:
        bad(f"{name}: unexpected phase {ph!r}: {ev}")
        return False
    for k in need:
        if k not in ev:
            bad(f"{name}: {ph} event without {k}: {ev}")
            return False
    if not isinstance(ev["name"], str) or not isinstance(ev["pid"], int):
        bad(f"{name}: name or pid of the wrong type: {ev}")
    if "ts" in need and not (number(ev["ts"]) and ev["ts"] >= 0):
        bad(f"{name}: bad ts: {ev}")
    if ph == "X" and not (number(ev["dur"]) and ev["dur"] > 0):
        bad(f"{name}: bad dur: {ev}")
    if ph == "C" and not (isinstance(ev["args"], dict) and ev["args"] and
                          all(number(v) for v in ev["args"].values())):
        bad(f"{name}: counter args must be numbers: {ev}")
    if ph == "i" and ev["s"] not in ("g", "p", "t"):
        bad(f"{name}: bad instant scope: {ev}")
    if ph == "M" and not isinstance(ev["args"].get("name"), str):
        bad(f"{name}: metadata without args.name: {ev}")
    return True


def check(gcsim, path, extra):
    name = os.path.basename(path) + (" " + " ".join(extra) if extra else "")
    out = subprocess.run([gcsim, "run", "--format", "chrome", *extra, path],
                         capture_output=True)
    if out.returncode not in (0, 1) or b"Sanitizer" in out.stderr or \
            b"runtime error" in out.stderr:
        bad(f"{name}: exit {out.returncode}: {out.stderr.decode()}")
        return
    try:
        doc = json.loads(out.stdout)
    except ValueError as e:
        bad(f"{name}: not JSON: {e}")
        return
    events = doc.get("traceEvents")
    if not isinstance(events, list):
        bad(f"{name}: no traceEvents list")
        return
    lines = subprocess.run([gcsim, "run", "--format", "jsonl", *extra, path],
                           capture_output=True).stdout.decode().splitlines()
    steps = [json.loads(x) for x in lines if x.startswith('{"step"')]
    summary = json.loads(lines[-1])["summary"]

    series = {}
    slices, skipped = [], []
    for ev in events:
        if not check_fields(name, ev):
            return
        if ev["ph"] == "C":
            series.setdefault(ev["name"], []).append((ev["ts"], ev["args"]))
        elif ev["ph"] == "X":
            slices.append(ev)
        elif ev["ph"] == "i" and ev["name"].startswith("gen2 skipped"):
            skipped.append(ev)
    for track, pts in series.items():
        ts = [t for t, _ in pts]
        if any(b <= a for a, b in zip(ts, ts[1:])):
            bad(f"{name}: counter {track} goes back in time")

    want = [(st["step"], c) for st in steps for c in st["collections"]]
    # The incremental collector's MARK-only and negative-work passes are
    # slices too, but gc.get_stats() does not count them.
    counted = [c for _, c in want
               if not (c.get("incremental", {}).get("mark_only")
                       or c.get("incremental", {}).get("work_skipped"))]
    if len(slices) != len(want) or len(counted) != sum(summary["collections"]):
        bad(f"{name}: {len(slices)} slices, {len(want)} collections")
        return
    for ev, (step, c) in zip(slices, want):
        got = ev["args"]
        if got["step"] != step or got["collection"] != c:
            bad(f"{name}: slice {got} is not collection {c} of step {step}")
            return
        if not (step - 1 <= ev["ts"] and ev["ts"] + ev["dur"] <= step + 1e-3):
            bad(f"{name}: slice of step {step} at {ev['ts']}+{ev['dur']}")
    braked = sum(1 for _, c in want if c["gen2_skipped"])
    if len(skipped) != braked:
        bad(f"{name}: {len(skipped)} gen2-skipped instants, {braked} braked")

    if doc["otherData"]["counter_bucket_steps"] != 1:
        return
    # A step function per figure, read after each step.
    figures = {
        "count0": lambda st: st["count"][0],
        "count1": lambda st: st["count"][1],
        "count2": lambda st: st["count"][2],
        "gen0": lambda st: st["gen_sizes"][0],
        "gen1": lambda st: st["gen_sizes"][1],
        "gen2": lambda st: st["gen_sizes"][2],
        "list": lambda st: st["freelist"]["list"],
        "dict": lambda st: st["freelist"]["dict"],
        "float": lambda st: st["freelist"]["float"],
        "tuple": lambda st: sum(st["freelist"]["tuple"]),
    }
    tracks = {}
    for track, pts in series.items():
        for t, args in pts:
            for k, v in args.items():
                tracks.setdefault(k, []).append((t, v))
    for fig, of in figures.items():
        pts = tracks.get(fig, [])
        i, value = 0, None
        for st in steps:
            while i < len(pts) and pts[i][0] <= st["step"]:
                value = pts[i][1]
                i += 1
            if value != of(st):
                bad(f"{name}: {fig} after step {st['step']} reads {value}, "
                    f"jsonl {of(st)}")
                break
    # The counts as each collection starts, read inside its slice.
    for ev in slices:
        c = ev["args"]["collection"]
        mid = ev["ts"] + ev["dur"] / 2
        for g in range(3):
            v = None
            for t, x in tracks.get(f"count{g}", []):
                if t > mid:
                    break
                v = x
            if v != c["count_before"][g]:
                bad(f"{name}: count{g} as the collection of step "
                    f"{ev['args']['step']} starts: {v}, want {c['count_before'][g]}")
                return


def main():
    gcsim, traces = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        # Long enough for the buckets to merge, with many collections.
        big = os.path.join(tmp, "big.trace")
        subprocess.run([gcsim, "gen", "--model", "handler", "--events", "60000",
                        "--seed", "5", "-o", big], check=True)
        for t in traces:
            check(gcsim, t, [])
        check(gcsim, big, ["--threshold", "50,5,5"])
        check(gcsim, big, ["--python", "3.11", "--threshold", "40,3,2"])
        check(gcsim, traces[0], ["--stress"])
    print(f"{len(traces) + 3} traces, {failures} failures")
    sys.exit(1 if failures else 0)


main()

#!/usr/bin/env python3
"""`gcsim gen --model app` against the program it is calibrated on.

tests/record/web_app.py (60,000 requests) was recorded with `gcsim record`
under CPython 3.13.5, once at each threshold below.  The targets are what
the real interpreter did, read from the recorder's `# real-gc` log (the
oracle, not gcsim's replay), and the start-up heap the recorder froze:

    threshold 2000,10,10: collections 45/4/0, collected 32484+3024+0
    threshold  700,10,10: collections 116/10/0, collected 32757+3046+0
    start-up heap after the program's imports: 9,542 GC objects

The model, sized to the same number of requests (243 events a request),
is replayed under gcsim's 3.13 rules at both thresholds.  Its counts
include the collections its start-up heap causes (the recording froze
that heap first), so the tolerance is 20% for gen-0 collections and for
the objects collected, and 2 collections for gen 1; gen 2 must
stay at most 1.  The start-up heap must hold the default --baseline
objects within 5% and be in the old generation's reach (the first
request starts after it).

    app_calibration.py --gcsim build/gcsim
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

REQUESTS = 60000
EVENTS = REQUESTS * 243
BASELINE = 9542
TARGETS = {(2000, 10, 10): ([45, 4, 0], 32484 + 3024),
           (700, 10, 10): ([116, 10, 0], 32757 + 3046)}
GC_TYPES = {"tuple", "list", "dict", "set", "object", "gcobj"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gcsim", required=True)
    args = ap.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "app.trace")
        subprocess.run([args.gcsim, "gen", "--model", "app", "--events", str(EVENTS),
                        "--seed", "1", "-o", trace], check=True)
        start, requests = 0, 0
        with open(trace) as f:
            for line in f:
                if "/api/items/" in line:
                    requests += 1
                elif requests == 0 and line.startswith("alloc "):
                    start += line.split()[2] in GC_TYPES
        print("start-up heap: %d GC objects (recorded %d); %d requests (recorded %d)"
              % (start, BASELINE, requests, REQUESTS))
        if abs(start - BASELINE) > 0.05 * BASELINE:
            print("FAIL: start-up heap off by more than 5%")
            bad = 1
        if abs(requests - REQUESTS) > 0.05 * REQUESTS:
            print("FAIL: request count off by more than 5%")
            bad = 1
        cmd = [args.gcsim, "compare", "--format", "json", "--python", "3.13"]
        for t in TARGETS:
            cmd += ["--threshold", ",".join(map(str, t))]
        out = subprocess.run(cmd + [trace], check=True, stdout=subprocess.PIPE,
                             universal_newlines=True).stdout
        for run in json.loads(out)["runs"]:
            want, want_freed = TARGETS[tuple(run["threshold"])]
            got, freed = run["collections"], sum(run["collected"])
            print("%s: collections %s (recorded %s), collected %d "
                  "(recorded %d)" % ("/".join(map(str, run["threshold"])),
                                     "/".join(map(str, got)),
                                     "/".join(map(str, want)), freed, want_freed))
            if (abs(got[0] - want[0]) > 0.2 * want[0] or abs(got[1] - want[1]) > 2
                    or got[2] > 1 or abs(freed - want_freed) > 0.2 * want_freed):
                print("FAIL: outside the tolerance")
                bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The recorder's self-check: record the example programs here with
`gcsim record` and replay each trace at the recorded version and
thresholds.  The real collector's activity, which the recorder logs from
interp->gc (`# real-gc` comments, or FILE.real-gc beside a .jsonl trace),
must be reproduced: the same number of collections in each generation,
and the same number of objects collected within 1% (all generations
together; each generation's numbers are printed).

    check.py --gcsim build/gcsim [--python VERSION] [--keep DIR] [PROGRAM...]

Exit 0 when every program passes, 1 when one does not, 77 (skip) when
gcsim was built without a recorder (no CPython 3.13.3+ with internal
headers on the machine).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# program -> trace extension: both trace forms are covered
PROGRAMS = {"json_loop.py": ".trace", "tree.py": ".trace", "dict_graph.py": ".jsonl"}
REAL = re.compile(r"# real-gc after-event \d+ collections (\d+) (\d+) (\d+) "
                  r"collected (\d+) (\d+) (\d+)")


def real_gc(path):
    """The last `# real-gc` line: cumulative collections and collected."""
    last = None
    with open(path) as f:
        for line in f:
            m = REAL.match(line)
            if m:
                last = [int(x) for x in m.groups()]
    if last is None:
        raise SystemExit("%s: no '# real-gc' line" % path)
    return last[:3], last[3:]


def replay(gcsim, trace):
    out = subprocess.run([gcsim, "run", "--format", "jsonl", trace],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    summary = json.loads(out.strip().rsplit("\n", 1)[-1])["summary"]
    return summary["collections"], summary["collected"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gcsim", required=True)
    ap.add_argument("--python", help="gcsim record --python")
    ap.add_argument("--startup", help="gcsim record --startup")
    ap.add_argument("--keep", help="write the traces here and keep them")
    ap.add_argument("programs", nargs="*")
    o = ap.parse_args()
    helptext = subprocess.run([o.gcsim, "record", "--help"], stdout=subprocess.PIPE,
                              text=True).stdout
    if re.search(r"^  none$", helptext, re.M):
        print("check.py: gcsim has no recorder (no CPython 3.13.3+ with internal "
              "headers at build time): skip")
        return 77
    tmp = o.keep or tempfile.mkdtemp(prefix="gcsim-record-")
    os.makedirs(tmp, exist_ok=True)
    failed = 0
    for prog in o.programs or sorted(PROGRAMS):
        name = os.path.basename(prog)
        src = prog if os.path.isabs(prog) else os.path.join(HERE, name)
        trace = os.path.join(tmp, os.path.splitext(name)[0] + PROGRAMS.get(name, ".trace"))
        cmd = [o.gcsim, "record", "-q", "-o", trace]
        if o.python:
            cmd += ["--python", o.python]
        if o.startup:
            cmd += ["--startup", o.startup]
        subprocess.run(cmd + ["--", src], check=True, stdout=subprocess.DEVNULL)
        log = trace + ".real-gc" if trace.endswith(".jsonl") else trace
        rk, rc = real_gc(log)
        sk, sc = replay(o.gcsim, trace)
        total_r, total_s = sum(rc), sum(sc)
        ok = rk == sk and abs(total_s - total_r) <= 0.01 * max(total_r, 1)
        print("%-14s %s  collections real %s gcsim %s; collected real %s (%d) gcsim %s (%d)"
              % (name, "ok  " if ok else "FAIL", "/".join(map(str, rk)),
                 "/".join(map(str, sk)), "/".join(map(str, rc)), total_r,
                 "/".join(map(str, sc)), total_s))
        failed += not ok
    if not o.keep:
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

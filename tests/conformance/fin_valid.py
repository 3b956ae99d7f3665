#!/usr/bin/env python3
"""fin_valid.py - gentrace.py --finalizers writes only valid traces.

    fin_valid.py --gcsim PATH [--count 200] [--seed 1] [--events 1500]
                 [--replay 50] [--python PY]... [--keep DIR]

Writes COUNT traces with the finalizer shapes (seeds SEED.., profile any,
--expects; every fourth with --legacy), then
  * reads each with `gcsim convert` (the trace language accepts it), and
  * replays the finalizer shapes of the first REPLAY of them with
    fincheck.py in real CPython (no event or `on` action names a dead ID,
    and the expect lines about those objects hold): under the python3
    running this script, and under each --python interpreter.
Exit status 0 when all pass, 1 otherwise.  Standard library only.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gcsim", required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--events", type=int, default=1500)
    ap.add_argument("--replay", type=int, default=50)
    ap.add_argument("--python", action="append", default=[],
                    help="one more interpreter for fincheck.py (repeatable)")
    ap.add_argument("--keep", metavar="DIR",
                    help="write the traces into DIR and keep them")
    args = ap.parse_args(argv)

    tmp = args.keep or tempfile.mkdtemp(prefix="gcsim-fin-")
    os.makedirs(tmp, exist_ok=True)
    failed = 0
    try:
        traces = []
        sys.path.insert(0, HERE)
        import gentrace
        for seed in range(args.seed, args.seed + args.count):
            path = os.path.join(tmp, "fin-%d.trace" % seed)
            opts = gentrace.parse_args([
                "--seed", str(seed), "--events", str(args.events),
                "--profile", "any", "--expects",
                "--legacy" if seed % 4 == 0 else "--finalizers"])
            try:
                _, text = gentrace.generate(seed, opts)
            except AssertionError:
                traceback.print_exc()
                print("gentrace.py failed on seed %d" % seed)
                failed += 1
                continue
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            traces.append(path)

        for path in traces:
            proc = subprocess.run([args.gcsim, "convert", "--to", "jsonl",
                                   path, "-"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
            if proc.returncode != 0:
                print("gcsim convert rejects %s:\n%s"
                      % (path, proc.stderr.decode("utf-8", "replace")))
                failed += 1
        print("gcsim convert: %d traces read" % len(traces))

        replay = traces[:args.replay]
        for py in ([sys.executable] + args.python) if replay else []:
            proc = subprocess.run([py, os.path.join(HERE, "fincheck.py"),
                                   "--seed", str(args.seed)] + replay)
            if proc.returncode != 0:
                failed += 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("fin_valid: %s" % ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

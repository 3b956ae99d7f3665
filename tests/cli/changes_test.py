#!/usr/bin/env python3
"""run --format jsonl --changes: a reader that rebuilds whole records from
the compact stream gets exactly the records of --format jsonl.

usage: changes_test.py GCSIM TRACE...  (a generated trace is added)
"""
import json
import os
import subprocess
import sys
import tempfile

FIXED = ("step", "line", "op")


def rebuild(lines):
    """The whole records of a --changes stream: each record's keys replace
    the previous record's, except freelist, whose members do."""
    whole = None
    for line in lines:
        rec = json.loads(line)
        if "summary" in rec or whole is None:
            whole = rec
        else:
            merged = dict(whole)
            for k, v in rec.items():
                if k == "freelist":
                    merged[k] = dict(whole[k], **v)
                else:
                    merged[k] = v
            whole = merged
        yield whole


def repeats_previous(prev, rec):
    for k, v in rec.items():
        if k in FIXED or k in ("collections", "freed") and v:
            continue
        if k == "freelist":
            if any(prev[k][m] == n for m, n in v.items()):
                return True
        elif prev.get(k) == v:
            return True
    return False


def run(gcsim, args):
    p = subprocess.run([gcsim, "run", "--format", "jsonl", *args],
                       capture_output=True, text=True)
    return p.returncode, p.stdout.splitlines()


def main():
    gcsim, traces = sys.argv[1], sys.argv[2:]
    failed = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        gen = os.path.join(tmp, "gen.trace")
        subprocess.run([gcsim, "gen", "--model", "handler", "--events", "20000",
                        "--cycle-rate", "0.3", "-o", gen], check=True)
        for trace in traces + [gen]:
            for python in ("", "3.11", "3.13"):
                args = ["--python", python] if python else []
                st_full, full = run(gcsim, args + [trace])
                st_comp, comp = run(gcsim, args + ["--changes", trace])
                what = f"{os.path.basename(trace)} {python or 'default'}"
                got = list(rebuild(comp))
                want = [json.loads(line) for line in full]
                # Only what changed: no key (no freelist member) of a
                # record repeats the previous step's value.
                repeats = [line for prev, line in zip(got, comp[1:])
                           if "summary" not in prev
                           and repeats_previous(prev, json.loads(line))]
                if st_full != st_comp or got != want or not full or repeats:
                    failed += 1
                    print(f"FAIL {what}: status {st_comp} vs {st_full}, "
                          f"{len(got)} vs {len(want)} records, "
                          f"repeats {repeats[:1]}")
                    for g, w in zip(got, want):
                        if g != w:
                            print(f"  first difference: {g} != {w}")
                            break
                else:
                    passed += 1
        # Text output has no keys to leave out.
        p = subprocess.run([gcsim, "run", "--changes", gen], capture_output=True,
                           text=True)
        if p.returncode == 2 and "needs --format jsonl" in p.stderr:
            passed += 1
        else:
            failed += 1
            print(f"FAIL run --changes without jsonl: exit {p.returncode}")
        # The point of it: a long replay is several times smaller.
        _, full = run(gcsim, [gen])
        _, comp = run(gcsim, ["--changes", gen])
        if sum(map(len, comp)) * 3 < sum(map(len, full)):
            passed += 1
        else:
            failed += 1
            print(f"FAIL --changes is {sum(map(len, comp))} bytes, "
                  f"--format jsonl {sum(map(len, full))}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

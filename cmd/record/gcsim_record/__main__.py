"""python -m gcsim_record: run a Python program under gcsim's recorder.

    python3.13 -m gcsim_record [-o FILE] [--sync-every N]
        [--startup freeze|record|ignore] [--no-freeze]
        [--threshold T0[,T1[,T2]]] [--quiet] (-m MODULE | SCRIPT) [ARGS...]

`gcsim record` runs this with the extension (_gcsim_record, built for
this interpreter) on PYTHONPATH.  The trace goes to a temporary file in
FILE's directory and is renamed to FILE when the program ends, however
it ends.  The program's own exit status is ours.
"""
import argparse
import gc
import os
import runpy
import sys
import sysconfig
import traceback


def refuse(msg):
    sys.stderr.write("gcsim record: error: %s\n" % msg)
    sys.exit(2)


def parse(argv):
    ap = argparse.ArgumentParser(prog="gcsim record", add_help=True)
    ap.add_argument("-o", "--output", help="the trace (.jsonl: JSON lines)")
    ap.add_argument("--sync-every", type=int, default=1000, metavar="N")
    ap.add_argument("--startup", choices=("freeze", "record", "ignore"),
                    default="freeze")
    ap.add_argument("--no-freeze", dest="startup", action="store_const",
                    const="ignore")
    ap.add_argument("--threshold", metavar="T0[,T1[,T2]]")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("-m", dest="module")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    o = ap.parse_args(argv)
    if o.args and o.args[0] == "--":
        o.args = o.args[1:]
    if not o.module and not o.args:
        refuse("nothing to run: give a script or -m MODULE")
    if o.sync_every < 0:
        refuse("--sync-every takes a number of GC allocations, 0 or more")
    return o


def main(argv):
    if sys.version_info < (3, 13, 3):
        refuse("CPython %s cannot be recorded: PyRefTracer loses deallocations "
               "before 3.13.3 (gh-130382)" % sys.version.split()[0])
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        refuse("the free-threaded build cannot be recorded (no generation lists)")
    try:
        import _gcsim_record as rec
    except ImportError as e:
        refuse("no recorder for this interpreter (%s): %s" % (sys.executable, e))
    o = parse(argv)
    target = o.module if o.module else o.args[0]
    out = o.output or (os.path.splitext(os.path.basename(target))[0] + ".trace")
    if out.lower().endswith((".gz", ".zst")):
        refuse("%s: the recorder writes plain traces: gcsim record -o %s "
               "compresses it" % (out, out))
    # gcsim record -o FILE.zst: we write the plain trace it compresses
    shown = os.environ.pop("GCSIM_RECORD_SHOWN", out)
    jsonl = out.lower().endswith(".jsonl")
    defaults = gc.get_threshold()
    if o.threshold:
        try:
            t = [int(x) for x in o.threshold.split(",")]
            if not 1 <= len(t) <= 3 or min(t) < 0:
                raise ValueError
        except ValueError:
            refuse("--threshold takes T0[,T1[,T2]], got '%s'" % o.threshold)
        gc.set_threshold(*t)
    now = gc.get_threshold()
    v = sys.version_info
    if jsonl:  # settings as JSON, and no comments
        pre = '{"op":"setting","python":"%d.%d"}\n' % (v.major, v.minor)
        if now != defaults:
            pre += '{"op":"setting","threshold":[%d,%d,%d]}\n' % now
    else:
        pre = "# gcsim record: CPython %s, %s %s\n" % (
            sys.version.split()[0], "-m " + o.module if o.module else o.args[0],
            " ".join(o.args[0 if o.module else 1:]))
        pre += "#: python %d.%d\n" % (v.major, v.minor)
        if now != defaults:
            pre += "#: threshold %d %d %d\n" % now
        pre += "# startup heap: %s\n" % {
            "freeze": "recorded and frozen (gc.freeze)",
            "record": "recorded after gc.collect(), in the oldest generation",
            "ignore": "in the interpreter, unknown to the trace"}[o.startup]
    tmp = os.path.join(os.path.dirname(os.path.abspath(out)),
                       ".%s.%d.tmp" % (os.path.basename(out), os.getpid()))
    logtmp = tmp + ".real-gc" if jsonl else None
    if o.module:
        sys.argv = [o.module] + o.args
    else:
        sys.argv = list(o.args)
        sys.path[0] = os.path.dirname(os.path.abspath(o.args[0]))
    if not o.quiet:
        sys.stderr.write("gcsim record: recording %s into %s\n" % (target, shown))
    status = 0
    stats = None
    if o.startup != "ignore":
        gc.collect()  # what the start-up left as garbage: not recorded
    if o.startup == "freeze":
        gc.freeze()
    mode = {"ignore": 0, "freeze": 1, "record": 2}[o.startup]
    rec.start(tmp, jsonl, logtmp, o.sync_every, pre, not o.quiet, mode)
    try:
        if o.module:
            runpy.run_module(o.module, run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(o.args[0], run_name="__main__")
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except KeyboardInterrupt:
        status = 130
    except BaseException:
        stats = rec.stop()
        traceback.print_exc()
        status = 1
    if stats is None:
        stats = rec.stop()
    if stats["write_error"]:
        os.unlink(tmp)
        refuse("could not write %s" % shown)
    os.replace(tmp, out)
    if logtmp:
        os.replace(logtmp, out + ".real-gc")
    if stats["lost_tracer"]:
        status = status or 1
    if not o.quiet:
        sys.stderr.write(
            "gcsim record: %s: %d events, %d GC objects created (%d freed by "
            "refcount, %d by the collector), %d syncs, %d safe points, %d pins; "
            "real collections %d/%d/%d, collected %d/%d/%d\n" % (
                shown, stats["events"], stats["objects"],
                stats["destroys"] - stats["collected_destroys"],
                stats["collected_destroys"], stats["syncs"], stats["safepoints"],
                stats["pins"], *stats["collections"], *stats["collected"]))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

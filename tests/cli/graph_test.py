#!/usr/bin/env python3
"""gcsim graph: the DOT parsed as a graph, against the rules and the replay.

usage: graph_test.py GCSIM TRACES_DIR [svg]

Without "svg": the DOT of every scenario trace (at its middle and last
step, under every profile it holds in) has one node per live object,
filled with the colour of its generation as many times as the step's
gen_sizes (which the conformance oracles prove) say; the scenarios'
garbage, roots, multiplicities, --around and the cap; the errors.
With "svg": the same graph through Graphviz's dot (exit 77, skipped,
where dot is not installed).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

gcsim, traces = sys.argv[1], sys.argv[2]
svg_mode = len(sys.argv) > 3 and sys.argv[3] == "svg"
PROFILES = ["3.11", "3.12", "3.13", "3.14"]
GEN_FILL = {"#c7e9c0": 0, "#fdd49e": 1, "#fc8d59": 2, "#9ecae1": "frozen", "#f0f0f0": None}
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(->)|([\[\]{};,=])|([A-Za-z0-9_.#]+))', re.S)


def tokens(text):
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"bad DOT at {pos}: {text[pos:pos + 40]!r}")
        pos = m.end()
        q, arrow, punct, word = m.groups()
        if q is not None:
            yield ("str", re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), q[1:-1]))
        elif arrow:
            yield ("op", "->")
        elif punct:
            yield ("op", punct)
        else:
            yield ("str", word)


def parse_dot(text):
    """{node: attrs}, [(from, to, attrs)], graph attrs: statements of a digraph."""
    toks = list(tokens(text))
    assert toks[0] == ("str", "digraph") and toks[2] == ("op", "{") and toks[-1] == ("op", "}")
    nodes, edges, gattrs = {}, [], {}
    i = 3

    def attrs():
        nonlocal i
        a = {}
        if i < len(toks) and toks[i] == ("op", "["):
            i += 1
            while toks[i] != ("op", "]"):
                k = toks[i][1]
                assert toks[i + 1] == ("op", "=")
                a[k] = toks[i + 2][1]
                i += 3
                if toks[i] == ("op", ","):
                    i += 1
            i += 1
        return a

    while toks[i] != ("op", "}"):
        name = toks[i][1]
        i += 1
        if toks[i] == ("op", "->"):
            to = toks[i + 1][1]
            i += 2
            edges.append((name, to, attrs()))
        else:
            a = attrs()
            if name == "graph":
                gattrs = a
            elif name not in ("node", "edge"):
                nodes[name] = a
        assert toks[i] == ("op", ";"), toks[i]
        i += 1
    return nodes, edges, gattrs


def graph(trace, *args):
    p = subprocess.run([gcsim, "graph", *args, trace], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def objects(nodes):
    return {k: v for k, v in nodes.items() if k.startswith("o")}


def by_label(nodes):
    return {v["label"].split("\n")[0]: k for k, v in objects(nodes).items()}


def steps(trace, python):
    args = [gcsim, "run", "--format", "jsonl", trace] + (["--python", python] if python else [])
    p = subprocess.run(args, capture_output=True, text=True)
    recs = [json.loads(line) for line in p.stdout.splitlines()]
    return recs[:-1], recs[-1]["summary"]


def trace_python(path):
    for line in open(path, encoding="utf-8"):
        if line.startswith("#: python"):
            return line.split()[2]
    return None


T = lambda name: os.path.join(traces, name)

if svg_mode:
    if not shutil.which("dot"):
        print("dot (Debian package graphviz) not installed: SVG not tested")
        sys.exit(77)
    rc, dot_text, err = graph(T("long-lived-chain.trace"))
    nodes, edges, _ = parse_dot(dot_text)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "heap.svg")
        rc, so, err = graph(T("long-lived-chain.trace"), "--format", "svg", "-o", out)
        check(rc == 0 and not so, f"svg: exit {rc} {err}")
        svg = open(out, encoding="utf-8").read()
        check(svg.lstrip().startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>"),
              "svg: not an SVG document")
        nsvg = svg.count('class="node"')
        check(nsvg == len(nodes), f"svg: {nsvg} nodes, dot had {len(nodes)}")
        check(svg.count('class="edge"') == len(edges), "svg: edge count")
        for oid in ("head", "n1", "n2", "n3", "leaf"):
            check(f">{oid}</text>" in svg, f"svg: no {oid}")
        rc, so, err = graph(T("long-lived-chain.trace"), "--format", "svg")
        check(rc == 0 and "<svg" in so, "svg on standard output")
else:
    # Every scenario, every profile: nodes are the live objects, coloured
    # by the oracle-proven generation sizes.
    for path in sorted(glob.glob(os.path.join(traces, "*.trace"))):
        python = trace_python(path)
        for prof in [None] if python else PROFILES:
            recs, summary = steps(path, prof)
            for at in sorted({(len(recs) + 1) // 2, len(recs)}):
                args = ["--at", str(at)] + (["--python", prof] if prof else [])
                rc, out, err = graph(path, *args)
                where = f"{os.path.basename(path)} --at {at} {prof or python}"
                if rc != 0:
                    failures.append(f"{where}: exit {rc}: {err}")
                    continue
                nodes, edges, g = parse_dot(out)
                objs = objects(nodes)
                if at == len(recs):
                    check(len(objs) == summary["live_objects"],
                          f"{where}: {len(objs)} nodes, {summary['live_objects']} live")
                fills = [GEN_FILL[v["fillcolor"]] for v in objs.values()]
                for gen in range(3):
                    check(fills.count(gen) == recs[at - 1]["gen_sizes"][gen],
                          f"{where}: {fills.count(gen)} nodes of gen {gen}, gen_sizes {recs[at - 1]['gen_sizes']}")
                for a, b, _ in edges:
                    check(a in nodes and b in nodes, f"{where}: edge {a} -> {b} to nowhere")

    # A cycle: after `del b` (step 6) both lists are unreachable garbage,
    # drawn red, with the two references between them red.
    rc, out, err = graph(T("two-list-cycle.trace"), "--at", "6")
    nodes, edges, g = parse_dot(out)
    objs = objects(nodes)
    check(len(objs) == 2 and all(v.get("color") == "red" for v in objs.values()), f"cycle: {objs}")
    check(len(edges) == 2 and all(e[2].get("color") == "red" for e in edges), f"cycle edges: {edges}")
    check(not [k for k in nodes if k.startswith("r")], "cycle: no root may remain")
    check("2 unreachable" in g["label"], f"cycle label: {g}")
    # Before the dels: each list is rooted, nothing is garbage.
    rc, out, err = graph(T("two-list-cycle.trace"), "--at", "4")
    nodes, edges, g = parse_dot(out)
    roots = [k for k in nodes if k.startswith("r")]
    check(len(roots) == 2 and not any(v.get("color") == "red" for v in nodes.values()),
          f"cycle at 4: {nodes}")
    check(len([e for e in edges if e[0].startswith("r")]) == 2, "cycle at 4: root edges")

    # Multiplicity, roots held twice, cached and immortal objects.
    with tempfile.TemporaryDirectory() as d:
        t = os.path.join(d, "multi.trace")
        with open(t, "w") as f:
            f.write("alloc l list\nalloc x list\nref l x\nref l x\nref l x\nref l\n"
                    "alloc seven int 7\nref l seven\nalloc s str \"a\\\"b\"\nref l s\n")
        for prof in PROFILES:
            rc, out, err = graph(t, "--python", prof)
            nodes, edges, g = parse_dot(out)
            ids = by_label(nodes)
            e = {(a, b): attrs for a, b, attrs in edges}
            check(e.get((ids["l"], ids["x"]), {}).get("label") == "x3", f"multiplicity: {edges}")
            check((ids["l"], ids["seven"]) in e and "label" not in e[(ids["l"], ids["seven"])],
                  "one reference: no label")
            rootl = [a for (a, b), attrs in e.items() if b == ids["l"] and a.startswith("r")]
            check(len(rootl) == 1 and e[(rootl[0], ids["l"])].get("label") == "x2", f"root x2: {edges}")
            seven = nodes[ids["seven"]]
            check("dashed" in seven["style"] and "cached" in seven["label"] and
                  ("immortal" in seven["label"]) == (prof != "3.11"), f"cached 7 ({prof}): {seven}")
            check('"a\\"b"' in nodes[ids["s"]]["label"] or 'a"b' in nodes[ids["s"]]["label"],
                  f"quoted str: {nodes[ids['s']]}")

    # Frozen objects are filled as frozen.
    rc, out, err = graph(T("freeze-unfreeze.trace"), "--at", "8")
    nodes, _, _ = parse_dot(out)
    fills = [GEN_FILL[v["fillcolor"]] for v in objects(nodes).values()]
    check(fills == ["frozen", "frozen"] and all(v.get("color") == "red" for v in objects(nodes).values()),
          f"frozen garbage: {nodes}")

    # --around: long-lived-chain, head -> n1 -> n2 -> n3 -> leaf.
    for depth, want in [(0, {"n2"}), (1, {"n1", "n2", "n3"}), (2, {"head", "n1", "n2", "n3", "leaf"})]:
        rc, out, err = graph(T("long-lived-chain.trace"), "--around", "n2", "--depth", str(depth))
        nodes, edges, g = parse_dot(out)
        check(set(by_label(nodes)) == want, f"--around n2 --depth {depth}: {sorted(by_label(nodes))}")
        check(len([e for e in edges if e[0].startswith("o")]) == len(want) - 1,
              f"--around depth {depth}: edges {edges}")
        check(bool([k for k in nodes if k.startswith("r")]) == ("head" in want), "--around: roots")
        check(nodes[by_label(nodes)["n2"]].get("peripheries") == "2", "--around: the centre")

    # The cap.
    rc, out, err = graph(T("long-lived-chain.trace"), "--max-nodes", "4")
    check(rc == 2 and "5 objects" in err and "--around" in err and not out, f"cap: {rc} {err}")
    rc, out, err = graph(T("long-lived-chain.trace"), "--max-nodes", "5")
    check(rc == 0, "cap of 5")
    rc, out, err = graph(T("long-lived-chain.trace"), "--max-nodes", "2", "--around", "n2", "--depth", "1")
    check(rc == 2 and "3 objects" in err, f"cap around: {err}")

    # Errors.
    for args, want in [
        (["--at", "99"], "has only 16 steps"),
        (["--depth", "-1", "--around", "n2"], "--depth takes"),
        (["--depth", "x", "--around", "n2"], "--depth takes"),
        (["--depth", "2"], "--depth needs --around"),
        (["--around", "nosuch"], "unknown id 'nosuch'"),
        (["--around", "n1", "--at", "3", "--depth", "1", "--max-nodes", "x"], "--max-nodes takes"),
        (["--format", "png"], "dot or svg"),
    ]:
        rc, out, err = graph(T("long-lived-chain.trace"), *args)
        check(rc == 2 and want in err and not out, f"{args}: exit {rc}: {err!r}")
    rc, out, err = graph(T("two-list-cycle.trace"), "--around", "a")
    check(rc == 2 and "dead" in err and "step 7" in err, f"dead --around: {err}")
    env = dict(os.environ, PATH="/nonexistent")
    p = subprocess.run([gcsim, "graph", "--format", "svg", T("two-list-cycle.trace")],
                       capture_output=True, text=True, env=env)
    check(p.returncode == 2 and "graphviz" in p.stderr and not p.stdout, f"no dot: {p.stderr}")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "g.dot")
        rc, so, err = graph(T("two-list-cycle.trace"), "-o", out, "--at", "4", "--max-nodes", "1")
        check(rc == 2 and not os.path.exists(out), "a refused graph writes no file")
        rc, so, err = graph(T("two-list-cycle.trace"), "-o", out, "--at", "4")
        check(rc == 0 and not so and parse_dot(open(out).read())[0], "-o FILE")

for f in failures:
    print("FAIL", f)
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)

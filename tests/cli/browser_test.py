"""gcsim report's page, as a person sees it: rendered by headless Chromium.

usage: browser_test.py GCSIM TRACE [SCREENSHOT]

For a report of TRACE (one setting), one of a generated trace long
enough to be sampled (four settings) and one of a trace without events:
the page loads without a console error, the DOM Chromium built holds the
chart with one marker per collection that `run --format jsonl` reports,
and (but for the empty one) the screenshot is not blank (many colours, the series' colours among them, ink in the chart's
area).  The error detector is itself tried on a page with an error.
With SCREENSHOT, the first page's screenshot is kept there.

Exits 77 (skipped) when no Chromium is installed: the test never passes
without one.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

failures = 0


def bad(msg):
    global failures
    failures += 1
    print("FAIL", msg)


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chrome(exe, args, url, tmp):
    # A profile of its own, no sandbox (CI runs as root), no GPU.
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu",
           "--no-first-run", "--hide-scrollbars", "--enable-logging=stderr",
           "--v=0", "--user-data-dir=" + os.path.join(tmp, "profile"),
           "--virtual-time-budget=5000", *args, url]
    return subprocess.run(cmd, capture_output=True, timeout=120, cwd=tmp)


def console_errors(stderr):
    """Chromium logs the page's console as CONSOLE lines; uncaught
    exceptions and console.error are errors."""
    out = []
    for line in stderr.decode(errors="replace").splitlines():
        if "CONSOLE" in line and re.search(r"Uncaught|Error|error", line):
            out.append(line)
    return out


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError(f"PNG type {depth}/{ctype}/{interlace}")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride, rows, prev = w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def collections(gcsim, args, trace):
    out = subprocess.run([gcsim, "run", "--format", "jsonl", *args, trace],
                         capture_output=True, check=True).stdout.decode()
    return sum(len(json.loads(x)["collections"]) for x in out.splitlines()
               if x.startswith('{"step"'))


def check_page(exe, gcsim, trace, args, tmp, name, keep=None, shoot=True):
    page = os.path.join(tmp, name + ".html")
    subprocess.run([gcsim, "report", *args, trace, "-o", page], check=True)
    settings = max(1, args.count("--python")) * max(1, args.count("--threshold"))
    want = sum(collections(gcsim, setting_args(args, i), trace)
               for i in range(settings))

    r = chrome(exe, ["--dump-dom"], "file://" + page, tmp)
    if r.returncode != 0:
        bad(f"{name}: chromium --dump-dom exit {r.returncode}: {r.stderr[-2000:]}")
        return
    dom = r.stdout.decode()
    errs = console_errors(r.stderr)
    if errs:
        bad(f"{name}: console errors: {errs}")
    svg = re.search(r"<svg.*?</svg>", dom, re.S)
    if not svg:
        bad(f"{name}: no chart in the DOM")
        return
    svg = svg.group(0)
    marks = len(re.findall(r'<rect class="mark"', svg))
    m = re.search(r'data-marks="(\d+)"', svg)
    if marks != want or not m or int(m.group(1)) != want:
        bad(f"{name}: {marks} collection markers drawn, {want} collections")
    paths = len(re.findall(r"<path d=", svg))
    if shoot and paths < 16 * settings:
        bad(f"{name}: {paths} series drawn for {settings} settings")
    if not shoot:
        return

    shot = os.path.join(tmp, name + ".png")
    r = chrome(exe, ["--screenshot=" + shot, "--window-size=1240,1480"],
               "file://" + page, tmp)
    if r.returncode != 0 or not os.path.exists(shot):
        bad(f"{name}: no screenshot: {r.stderr[-2000:]}")
        return
    w, h, rows = png_pixels(shot)
    colours = set()
    inked = 0
    for y in range(0, h, 2):
        for x in range(0, w, 2):
            p = rows[y][x]
            colours.add(p)
            inked += p != (255, 255, 255)
    share = inked / ((h // 2) * (w // 2))
    if len(colours) < 20 or not 0.01 < share < 0.6:
        bad(f"{name}: screenshot looks blank: {len(colours)} colours, {share:.3f} inked")
    # The series' colours, blended or not, in the charts below the table.
    coloured = sum(1 for row in rows[h // 3:] for p in row[::2]
                   if max(p) - min(p) > 60)
    if coloured < 500:
        bad(f"{name}: the series are not drawn ({coloured} coloured pixels)")
    if keep:
        shutil.copyfile(shot, keep)


def setting_args(args, i):
    """The run options of the i-th setting of report's args."""
    py = [args[k + 1] for k in range(len(args)) if args[k] == "--python"]
    th = [args[k + 1] for k in range(len(args)) if args[k] == "--threshold"]
    out = []
    if py:
        out += ["--python", py[i // max(1, len(th))]]
    if th:
        out += ["--threshold", th[i % len(th)]]
    return out


def main():
    gcsim, trace = sys.argv[1], sys.argv[2]
    keep = sys.argv[3] if len(sys.argv) > 3 else None
    exe = browser()
    if not exe:
        print("chromium not found: skipped")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        # The detector sees an error where there is one.
        broken = os.path.join(tmp, "broken.html")
        with open(broken, "w") as f:
            f.write("<!DOCTYPE html><html><body><script>nosuch.call();</script></body></html>")
        if not console_errors(chrome(exe, ["--dump-dom"], "file://" + broken, tmp).stderr):
            bad("an uncaught error in a page is not seen")

        check_page(exe, gcsim, trace, [], tmp, "scenario", keep)
        empty = os.path.join(tmp, "empty.trace")
        with open(empty, "w") as f:
            f.write("# no events\n")
        check_page(exe, gcsim, empty, [], tmp, "empty", shoot=False)
        big = os.path.join(tmp, "big.trace")
        subprocess.run([gcsim, "gen", "--model", "handler", "--events", "30000",
                        "--seed", "9", "-o", big], check=True)
        check_page(exe, gcsim, big, ["--python", "3.11", "--python", "3.12",
                                     "--threshold", "100,10,10",
                                     "--threshold", "300,5,5"], tmp, "sampled")
    print(f"{failures} failures")
    sys.exit(1 if failures else 0)


main()

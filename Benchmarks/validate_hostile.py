#!/usr/bin/env python3
"""Validation time on hostile files of up to 1 MiB (issue 9: positions were quadratic).

Generates a corpus of files built to make a validator slow (a hundred thousand problems on one
line, a problem on every line, deep nesting, long strings full of escapes, many phases with
many faults), runs `touchtime validate` on each as a whole process, several times, and prints
the median wall time per file. With --peer, runs a second binary on the same files in the same
loop (A B A B ...) and prints the ratio.

Target: every file validates in under 0.2 s.

Usage: python3 Benchmarks/validate_hostile.py [--binary PATH] [--peer PATH] [--runs N]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMIT = 1 << 20


def head():
    return '{"format": "touchtime/1", "id": "hostile", "title": "Hostile", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 1}]'


def corpus():
    files = {}
    # 1. One line, unknown keys to the limit (the case: 131,555 keys took 25 s).
    keys, body, n = [], head(), 0
    while len(body) + 16 < LIMIT - 2:
        key = f', "k{n}": 0'
        body += key
        n += 1
    files["one-line-unknown-keys"] = body + "}"
    # 2. A problem on every line: a phase per line with a bad duration, up to the phase limit, then unknown keys per line.
    lines = [head()[:-1].rsplit("[", 1)[0] + "["]
    lines.append(",\n".join('{"id": "p%d", "title": "P", "cue": "c", "duration": "nope"}' % i for i in range(200)))
    lines.append("]")
    text = "\n".join(lines)
    extra = []
    n = 0
    while len(text) + sum(len(e) for e in extra) < LIMIT - 100:
        extra.append(f',\n"x{n}": 0')
        n += 1
    files["every-line-a-problem"] = text + "".join(extra) + "\n}"
    # 3. Nesting as deep as allowed, in a long array of arrays.
    deep = "[" * 31 + "0" + "]" * 31
    items = []
    while sum(len(i) + 1 for i in items) < LIMIT - 200:
        items.append(deep)
    files["deep-arrays"] = head()[:-1] + ', "junk": [' + ",".join(items) + "]}"
    # 4. One string of escapes to the limit.
    escapes = "\\u00e9" * ((LIMIT - 300) // 6)
    files["escaped-string"] = head() + f', "description": "{escapes}"' + "}"
    # 5. Many phases with every kind of fault, one per line.
    phases = []
    for i in range(200):
        phases.append('{"id": "Bad Id %d", "title": "", "cue": " ", "kind": "nap", "duration": -1, "steps": [], "strokeSeconds": 999, '
                      '"chimes": {"start": "gong", "volume": 101, "pitch": 1}, "unknown%d": 1}' % (i, i))
    files["every-fault"] = '{"format": "touchtime/2", "id": "X", "title": 1, "phases": [\n' + ",\n".join(phases) + "\n]}"
    for name, text in files.items():
        assert len(text.encode()) <= LIMIT, (name, len(text.encode()))
    return files


def time_validate(binary, path):
    started = time.monotonic()
    result = subprocess.run([binary, "validate", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - started
    if result.returncode != 65:
        sys.exit(f"{binary} validate {path}: exit {result.returncode}, expected 65")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "touchtime"))
    parser.add_argument("--peer", help="a second binary, run on the same files in the same loop")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    if not os.path.exists(options.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "touchtime"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as folder:
        worst = 0.0
        for name, text in corpus().items():
            path = os.path.join(folder, name + ".json")
            with open(path, "w") as f:
                f.write(text)
            ours, theirs = [], []
            for _ in range(options.runs):
                ours.append(time_validate(options.binary, path))
                if options.peer:
                    theirs.append(time_validate(options.peer, path))
            median = statistics.median(ours)
            worst = max(worst, median)
            line = f"{name:24} {len(text.encode()) / 1024:7.0f} KiB  median {median * 1000:8.1f} ms"
            if options.peer:
                peer = statistics.median(theirs)
                line += f"   peer {peer * 1000:9.1f} ms   ratio {median / peer:6.3f}"
            print(line, flush=True)
        print(f"worst median {worst * 1000:.1f} ms: target (under 200 ms) {'met' if worst < 0.2 else 'NOT met'}")
        sys.exit(0 if worst < 0.2 else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Boundary timing benchmark for `touchtime run`.

Runs a generated protocol of uneven segments at --speed 1, reads `--events -` as the
lines arrive, and stamps each with this process's own monotonic clock. A boundary's
error is (arrival - arrival of session-start) - planned offset. Prints p50, p99 and max
error and the drift (error of the last boundary minus the first).

Target (issue 2): p99 <= 2 ms, drift < 1 ms over about two minutes.

Beside it in the same loop, measured the same way: --peer PATH (another build, such as the
previous release) and --python (a Python loop that sleeps to absolute deadlines on the
monotonic clock and prints the same events: the simplest correct timer, the floor set by the
kernel's wake-up and the pipe). --runs N repeats the loop; each run's figures are printed.

Usage: python3 Benchmarks/boundary_timing.py [--binary PATH] [--peer PATH] [--python] [--runs N] [--segments N] [--json]
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
PATTERN = [1.3, 2.1, 1.7, 2.6, 1.9, 2.3, 1.5]  # seconds: uneven, so rounding errors cannot cancel


def make_protocol(segments):
    phases = []
    for index in range(segments):
        phases.append({
            "id": f"p{index}",
            "title": f"Segment {index + 1}",
            "cue": "Timing benchmark segment.",
            "kind": "stillness" if index % 5 == 4 else "massage",
            "duration": PATTERN[index % len(PATTERN)],
        })
    return {"format": "touchtime/1", "id": "boundary-benchmark", "title": "Boundary benchmark", "phases": phases}


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = fraction * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# A deadline loop in Python: each event at start + its planned offset, on the monotonic clock.
PYTHON_LOOP = r"""
import json, sys, time
offsets = json.loads(sys.argv[1])
out = sys.stdout
start = time.monotonic()
out.write(json.dumps({"event": "session-start", "planned": 0}) + "\n"); out.flush()
out.write(json.dumps({"event": "phase-start", "planned": 0}) + "\n"); out.flush()
for offset in offsets:
    delay = start + offset - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    out.write(json.dumps({"event": "boundary", "planned": offset}) + "\n"); out.flush()
"""


def planned_offsets(segments):
    offsets, total = [], 0.0
    for index in range(segments):
        total += PATTERN[index % len(PATTERN)]
        offsets.append(round(total, 3))
    return offsets


def run(binary, segments):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "boundary-benchmark.json")
        with open(path, "w") as handle:
            json.dump(make_protocol(segments), handle)
        if binary == "python":
            command = [sys.executable, "-c", PYTHON_LOOP, json.dumps(planned_offsets(segments))]
        else:
            command = [binary, "run", path, "--events", "-", "--speed", "1", "--lead-in", "0", "--no-sound"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, bufsize=0)
        arrivals = []  # (monotonic ns, event object)
        pending = b""
        while True:
            chunk = os.read(process.stdout.fileno(), 65536)
            now = time.monotonic_ns()
            if not chunk:
                break
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    arrivals.append((now, json.loads(line)))
        status = process.wait()
    if status != 0:
        sys.exit(f"{binary} exited {status}")
    start = next(ns for ns, event in arrivals if event["event"] == "session-start")
    # One error per boundary: the first line of each planned offset after the start.
    errors = []
    seen = set()
    for ns, event in arrivals:
        if event["event"] == "session-start" or event["planned"] in seen:
            continue
        seen.add(event["planned"])
        errors.append(((ns - start) / 1e6) - event["planned"] * 1000.0)
    return errors


def figures_of(errors, segments):
    absolute = [abs(e) for e in errors]
    figures = {
        "boundaries": len(errors),
        "session_seconds": round(sum(PATTERN[i % len(PATTERN)] for i in range(segments)), 1),
        "p50_ms": round(percentile(absolute, 0.50), 3),
        "p99_ms": round(percentile(absolute, 0.99), 3),
        "max_ms": round(max(absolute), 3),
        "mean_ms": round(statistics.mean(errors), 3),
        "drift_ms": round(errors[-1] - errors[0], 3),
    }
    figures["meets_target"] = figures["p99_ms"] <= 2.0 and abs(figures["drift_ms"]) < 1.0
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "touchtime"))
    parser.add_argument("--peer", help="a second binary, run in the same loop")
    parser.add_argument("--python", action="store_true", help="a Python deadline loop in the same loop")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--segments", type=int, default=64)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    if not os.path.exists(options.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "touchtime"], cwd=ROOT, check=True)
    players = [("this", options.binary)]
    if options.peer:
        players.append(("peer", options.peer))
    if options.python:
        players.append(("python", "python"))
    met = True
    for number in range(1, options.runs + 1):
        for name, binary in players:
            figures = figures_of(run(binary, options.segments), options.segments)
            figures.update(run=number, player=name)
            if name == "this":
                met = met and figures["meets_target"]
            if options.json:
                print(json.dumps(figures), flush=True)
            else:
                print(f"run {number} {name}: {figures['boundaries']} boundaries over {figures['session_seconds']} s: "
                      f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms "
                      f"(mean {figures['mean_ms']} ms), drift {figures['drift_ms']} ms", flush=True)
    if not options.json:
        print("target p99 <= 2 ms, |drift| < 1 ms:", "met" if met else "NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Boundary timing benchmark for `touchtime run`.

Runs a generated protocol of uneven segments at --speed 1, reads `--events -` as the
lines arrive, and stamps each with this process's own monotonic clock. A boundary's
error is (arrival - arrival of session-start) - planned offset. Prints p50, p99 and max
error and the drift (error of the last boundary minus the first).

Target (issue 2): p99 <= 2 ms, drift < 1 ms over about two minutes.

Usage: python3 Benchmarks/boundary_timing.py [--binary PATH] [--segments N] [--json]
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


def run(binary, segments):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "boundary-benchmark.json")
        with open(path, "w") as handle:
            json.dump(make_protocol(segments), handle)
        process = subprocess.Popen([binary, "run", path, "--events", "-", "--speed", "1", "--lead-in", "0", "--no-sound"],
                                   stdout=subprocess.PIPE, bufsize=0)
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
        sys.exit(f"touchtime exited {status}")
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "touchtime"))
    parser.add_argument("--segments", type=int, default=64)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    if not os.path.exists(options.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "touchtime"], cwd=ROOT, check=True)
    errors = run(options.binary, options.segments)
    absolute = [abs(e) for e in errors]
    figures = {
        "boundaries": len(errors),
        "session_seconds": round(sum(PATTERN[i % len(PATTERN)] for i in range(options.segments)), 1),
        "p50_ms": round(percentile(absolute, 0.50), 3),
        "p99_ms": round(percentile(absolute, 0.99), 3),
        "max_ms": round(max(absolute), 3),
        "mean_ms": round(statistics.mean(errors), 3),
        "drift_ms": round(errors[-1] - errors[0], 3),
    }
    figures["meets_target"] = figures["p99_ms"] <= 2.0 and abs(figures["drift_ms"]) < 1.0
    if options.json:
        print(json.dumps(figures))
    else:
        print(f"boundaries {figures['boundaries']} over {figures['session_seconds']} s at --speed 1")
        print(f"error p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms (mean {figures['mean_ms']} ms)")
        print(f"drift (last - first) {figures['drift_ms']} ms")
        print("target p99 <= 2 ms, |drift| < 1 ms:", "met" if figures["meets_target"] else "NOT met")
    return 0 if figures["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())

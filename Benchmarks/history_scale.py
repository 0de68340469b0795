#!/usr/bin/env python3
"""The history at scale (issues 9 and 24): a generated history of 100,000 sessions, and what reading it costs.

Measures whole processes with /usr/bin/time (wall seconds and peak memory), each several times,
the median quoted:
  history --last 10      reads the last lines from the end of the file
  stats                  the history read whole (no kept summary: each run starts with an empty
                         cache folder), keeping only what the stats need
  report                 the same, writing the progress page of the protocol practised last
  stats, kept / report, kept
                         with the summary a previous reading kept ($XDG_CACHE_HOME/touchtime):
                         what every reading after the first costs
  end of a practice      a practice pressed once and quit at once, with the big history minus the
                         same with an empty one: what finding the previous practice costs
With --peer, a second binary runs the same commands in the same loop (A B A B ...), and the ratio
of the medians is printed. jq reads the same file in the same loop, beside stats and report
(`jq -c 'select(.mode == "practice") | [.protocol, .rating, .mape]'`: every line parsed, as
stats parses every line), and the ratio to it is printed too.

Two shapes of history (--shape): `mixed` (the default, the README's since issue 9: runs and
practices in turn, 9 segments a practice, 79 MB) and `practices` (every line a practice of the
trainee drill exactly as touchtime writes one, 3 decimals and all: 137 MB).

Targets: `history --last 10` and the end of a practice under 20 ms and 20 MB; `stats` and
`report` under 0.3 s and 60 MB (read whole and kept).

Usage: python3 Benchmarks/history_scale.py [--binary PATH] [--peer PATH] [--lines N] [--runs N] [--shape mixed|practices]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEGMENTS = [  # the trainee drill's segments: index, phase, role, step, title, planned
    (0, "warm", "phase", None, "Warm", 10), (1, "jawline", "step", 0, "Jawline: Left", 8),
    (2, "jawline", "stillness-between-steps", 0, "Jawline: stillness", 4), (3, "jawline", "step", 1, "Jawline: Right", 8),
    (4, "lift", "step", 0, "Lift: Cheeks", 6), (5, "lift", "step", 1, "Lift: Temples", 5), (6, "lift", "step", 2, "Lift: Forehead", 7),
    (7, "pause", "stillness-phase", None, "Pause", 5), (8, "centering", "phase", None, "Centering", 10),
]


def practices(lines, path):
    """Every line a practice of the trainee drill as touchtime writes it (`jsonLine`)."""
    random.seed(24)
    with open(path, "w") as f:
        for n in range(lines):
            day = 1 + n // 50
            start = f"2026-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}T09:{n % 60:02d}:{n % 59:02d}.{n % 997:03d}Z"
            segments = []
            errors = []
            for index, phase, role, step, title, planned in SEGMENTS:
                actual = planned * random.uniform(0.7, 1.3)
                errors.append(abs(actual - planned) / planned * 100)
                fields = [f'"segment":{index}', f'"phase":"{phase}"', f'"role":"{role}"'] + ([f'"step":{step}'] if step is not None else [])
                fields += [f'"title":"{title}"', f'"planned":{planned:.3f}', f'"actual":{actual:.3f}', '"missed":false']
                segments.append("{" + ",".join(fields) + "}")
            mape = sum(errors) / len(errors)
            f.write(f'{{"protocol":"trainee-drill","hash":"ba8d6afc254a8071","mode":"practice","start":"{start}","end":"{start}",'
                    f'"planned":63.000,"actual":{63 * random.uniform(0.8, 1.2):.3f},"speed":1,"outcome":"completed","pauses":0,'
                    f'"skips":0,"extensions":0,"mape":{mape:.3f},"rating":{max(0, round(100 - 2 * mape))},"segments":[{",".join(segments)}]}}\n')


def history(lines, path):
    random.seed(9)
    with open(path, "w") as f:
        for n in range(lines):
            day = 1 + n // 200
            start = f"2026-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}T09:{n % 60:02d}:00.000Z"
            entry = {"protocol": "trainee-drill" if n % 3 else "neurotouch-symmetry", "hash": "ba8d6afc254a8071",
                     "mode": "practice" if n % 2 else "run", "start": start, "end": start, "planned": 63.0, "actual": 62.0,
                     "speed": 1, "outcome": "completed", "pauses": 0, "skips": 0, "extensions": 0}
            if entry["mode"] == "practice":
                segments = []
                for index, phase, role, step, title, planned in SEGMENTS:
                    segment = {"segment": index, "phase": phase, "role": role}
                    if step is not None:
                        segment["step"] = step
                    segment.update({"title": title, "planned": planned, "actual": round(planned * random.uniform(0.7, 1.3), 3),
                                    "missed": False})
                    segments.append(segment)
                entry.update({"mape": round(random.uniform(2, 40), 3), "rating": random.randint(20, 96), "segments": segments})
            f.write(json.dumps(entry, separators=(",", ":")) + "\n")


def measure(command, stdin=None, env=None):
    """Wall seconds (this process's monotonic clock) and peak memory (MB, from /usr/bin/time) of one run."""
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.monotonic()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name] + command, input=stdin, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        wall = time.monotonic() - started
        peak = report.read().split()[-1]
    return wall, int(peak) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "touchtime"))
    parser.add_argument("--peer", help="a second binary, run on the same history in the same loop")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shape", choices=["mixed", "practices"], default="mixed")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        big = os.path.join(folder, "history.jsonl")
        (history if options.shape == "mixed" else practices)(options.lines, big)
        print(f"history: {options.lines} lines ({options.shape}), {os.path.getsize(big) / 1e6:.1f} MB")
        binaries = [("touchtime", options.binary)] + ([("peer", options.peer)] if options.peer else []) + [("jq", "jq")]
        jq_program = 'select(.mode == "practice") | [.protocol, .rating, .mape]'
        cache = os.path.join(folder, "cache")

        def practice(binary, path):
            # Pressed once, then quit: the practice ends at once; what remains is its end.
            return [binary, "practice", "trainee-drill", "--plain", "--lead-in", "0", "--speed", "1000", "--history", path]

        def reading(command, kept=False):
            # jq has no history command: it reads the same file beside stats and report.
            def case(b, scratch):
                if b == "jq":
                    return measure(["jq", "-c", jq_program, big]), None
                subprocess.run(["rm", "-rf", cache], check=True)
                if kept:  # a reading before, which keeps the summary
                    subprocess.run([b] + command(scratch), env=dict(os.environ, XDG_CACHE_HOME=cache),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                return measure([b] + command(scratch), env=dict(os.environ, XDG_CACHE_HOME=cache)), None
            return case

        cases = {
            "history --last 10": lambda b, scratch: (measure([b, "history", "--last", "10", "--history", big]), None),
            "stats": reading(lambda scratch: ["stats", "--history", big]),
            "report": reading(lambda scratch: ["report", "--history", big, "--out", os.path.join(folder, "progress.html")]),
            "stats, kept": reading(lambda scratch: ["stats", "--history", big], kept=True),
            "report, kept": reading(lambda scratch: ["report", "--history", big, "--out", os.path.join(folder, "progress.html")], kept=True),
            "end of a practice": lambda b, scratch: (measure(practice(b, scratch), stdin=b" qy"),
                                                     measure(practice(b, os.path.join(folder, "empty.jsonl")), stdin=b" qy")),
        }
        results = {}
        def runners(name):
            return [(label, binary) for label, binary in binaries if label != "jq" or name in ("stats", "report")]

        for name, case in cases.items():
            for label, binary in runners(name):
                results[(name, label)] = []
            for run in range(options.runs):
                for label, binary in runners(name):
                    scratch = os.path.join(folder, f"scratch-{label}-{run}.jsonl")
                    subprocess.run(["cp", big, scratch], check=True)
                    # A fresh copy is 80 MB of dirty pages that the practice's fsync would write out: not
                    # what a history on a disk costs. Flush it first.
                    with open(scratch, "rb+") as copy:
                        os.fsync(copy.fileno())
                    (wall, peak), empty = case(binary, scratch)
                    if empty:  # the end's cost: the same practice with an empty history subtracted
                        wall -= empty[0]
                    results[(name, label)].append((wall, peak))
                    os.remove(scratch)
        met = True
        for name in cases:
            line = f"{name:20}"
            medians = {}
            for label, _ in runners(name):
                walls = [w for w, _ in results[(name, label)]]
                peaks = [p for _, p in results[(name, label)]]
                medians[label] = statistics.median(walls)
                line += f"  {label}: {medians[label] * 1000:8.1f} ms, peak {statistics.median(peaks):6.1f} MB"
                if label == "touchtime":
                    limit_ms, limit_mb = (300, 60) if name.startswith(("stats", "report")) else (20, 20)
                    met &= statistics.median(peaks) <= limit_mb and medians[label] * 1000 <= limit_ms
            for peer in ("peer", "jq"):
                if medians.get(peer, 0) > 0:
                    line += f"  /{peer} {medians['touchtime'] / medians[peer]:.3f}"
            print(line, flush=True)
        print("targets (history --last 10 and the end of a practice <= 20 ms and 20 MB; stats and report <= 0.3 s and 60 MB):",
              "met" if met else "NOT met")
        sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()

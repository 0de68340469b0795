#!/usr/bin/env python3
"""Time and memory of what a valid but heavy protocol costs (issue 20): validate, show, render's
preparation and a session's preparation, on files of at most 1 MiB built to be as costly as the
format's limits allow (the most phases, steps, rounds, marks and distinct prompts; one own WAV
named a thousand times).

Each command runs as a whole process under /usr/bin/time; the peak resident memory and the wall
time of the median run are printed. `render` writes its guide to /dev/null and is stopped once it
has written its first second of audio (its preparation); the rest of a render is proportional to
the guide's length. A session is run at --speed 1000, without sound and with its chimes and voice
(ALSA's file plugin into /dev/null), and quit by a key as soon as it starts (its preparation).

Target (issue 20): every row under 2 s and 100 MB.

With --peer, a second binary (an older build) runs the same commands in the same loop (A B A B ...).

Usage: python3 Benchmarks/heavy_protocols.py [--binary PATH] [--peer PATH] [--runs N] [--keep FOLDER]
"""
import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMIT = 1 << 20


def wav(path, seconds=29.5, rate=48000):
    """A 16-bit mono PCM WAV of about 2.8 MB (own sounds are at most 30 s and 10 MB)."""
    count = int(seconds * rate)
    data = struct.pack("<h", 1000) * count
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16))
        f.write(b"data" + struct.pack("<I", len(data)) + data)


def corpus(folder):
    files = {}
    marks = [{"at": f"{n}/12", "chime": "pace", "say": f"mark {n}"} for n in range(1, 12)] + ["half", "-1s", "2s", "1/3"]
    # 1. Every phase with marks and distinct spoken titles, repeated: 600 segments, 9,000 marks.
    files["marks-everywhere"] = {"format": "touchtime/1.1", "id": "marks-everywhere", "title": "M", "voice": {"say": "title"},
                                 "phases": [{"id": f"p{i}", "title": f"Phase {i}", "cue": "c", "duration": 24, "repeat": 3,
                                             "marks": marks} for i in range(200)]}
    # 2. The most segments the format allows (50,000 steps of 0.28 s), each with eleven marks: 550,000
    # marks, refused (at most 10,000); and the same with marks at the limit (one phase's 2,000 steps, five each).
    steps = [{"title": f"Step {n}", "cue": "c", "duration": 0.28} for n in range(20)]
    fractions = [f"{n}/12" for n in range(1, 12)]
    files["too-many-marks"] = {"format": "touchtime/1.1", "id": "too-many-marks", "title": "S", "phases": [
        {"id": f"p{i}", "title": f"Phase {i}", "cue": "c", "steps": steps, "repeat": 100, "marks": fractions} for i in range(25)]}
    files["marks-at-the-limit"] = {"format": "touchtime/1.1", "id": "marks-at-the-limit", "title": "S", "voice": {"say": "title"},
                                   "phases": [{"id": f"p{i}", "title": f"Phase {i}", "cue": "c", "steps": steps, "repeat": 100,
                                               **({"marks": fractions[:5]} if i == 0 else {})} for i in range(25)]}
    # 2b. The same segments without marks, with stillness between steps.
    files["most-segments"] = {"format": "touchtime/1.1", "id": "most-segments", "title": "S", "phases": [
        {"id": f"p{i}", "title": f"Phase {i}", "cue": "c", "steps": steps[:12], "stillnessBetweenSteps": 0.3, "repeat": 100}
        for i in range(21)]}
    # 3. A thousand distinct prompts (ten phases, each repeated a hundred times).
    files["thousand-prompts"] = {"format": "touchtime/1.1", "id": "thousand-prompts", "title": "P", "phases": [
        {"id": f"p{i}", "title": f"Phase number {i}", "cue": "c", "duration": 1, "repeat": 100} for i in range(10)]}
    # 4. Stroke ticks every half second for four hours.
    files["ticks"] = {"format": "touchtime/1", "id": "ticks", "title": "T", "phases": [
        {"id": f"p{i}", "title": f"P{i}", "cue": "c", "duration": "1h", "strokeSeconds": 0.5} for i in range(4)]}
    # 5. One own sound (2.8 MB) named by a thousand phases.
    wav(os.path.join(folder, "bell.wav"))
    files["one-sound-many-times"] = {"format": "touchtime/1.1", "id": "one-sound-many-times", "title": "W", "phases": [
        {"id": f"p{i}", "title": f"P{i}", "cue": "c", "duration": 1, "sounds": {"transition": "bell.wav"}} for i in range(200)]}
    texts = {}
    for name, document in files.items():
        text = json.dumps(document, indent=1)
        assert len(text.encode()) <= LIMIT, (name, len(text.encode()))
        texts[name] = text
    return texts


def measure(command, stdin=None, env=None, timeout=None):
    """Wall seconds and peak RSS (MB) of a whole process; one still running after `timeout` is
    killed and counted at the timeout."""
    timed = ["/usr/bin/time", "-f", "%e %M"] + command
    started = time.monotonic()
    # A session of its own, so that a run killed at the timeout takes its helpers with it.
    process = subprocess.Popen(timed, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                               start_new_session=True)
    try:
        _, errors = process.communicate(input=stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.communicate()
        return timeout, float("nan"), "killed"
    result = subprocess.CompletedProcess(timed, process.returncode, None, errors)
    wall = time.monotonic() - started
    figures = result.stderr.decode(errors="replace").strip().splitlines()[-1].split()
    return wall, int(figures[1]) / 1024, result.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "touchtime"))
    parser.add_argument("--peer", help="a second binary, run on the same files in the same loop")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="write the corpus here and keep it")
    options = parser.parse_args()
    folder = options.keep or tempfile.mkdtemp()
    os.makedirs(folder, exist_ok=True)
    env = dict(os.environ, XDG_RUNTIME_DIR=folder, XDG_DATA_HOME=folder, XDG_CONFIG_HOME=folder)
    worst = (0.0, 0.0)
    for name, text in corpus(folder).items():
        path = os.path.join(folder, name + ".json")
        with open(path, "w") as f:
            f.write(text)
        def commands(binary):
            return {
                "validate": ([binary, "validate", path], None),
                "show": ([binary, "show", path], None),
                "render (1 s)": (["sh", "-c", f'"{binary}" render "{path}" --voice --out /dev/stdout | head -c 96044 > /dev/null'], None),
                "session": ([binary, "run", path, "--plain", "--no-sound", "--speed", "1000", "--lead-in", "0", "--no-history"], b"qq"),
                "voiced session": ([binary, "run", path, "--plain", "--voice", "--speed", "1000", "--lead-in", "0", "--no-history",
                                    "--exit-at-end", "--device", "file:'/dev/null',raw"], b"qq"),
            }
        ours_commands = commands(options.binary)
        peer_commands = commands(options.peer) if options.peer else {}
        for label, (command, stdin) in ours_commands.items():
            ours, theirs = [], []
            for _ in range(options.runs):
                ours.append(measure(command, stdin, env))
                if options.peer:
                    theirs.append(measure(peer_commands[label][0], stdin, env, timeout=120))
            wall = statistics.median(r[0] for r in ours)
            memory = statistics.median(r[1] for r in ours)
            worst = (max(worst[0], wall), max(worst[1], memory))
            line = f"{name:22} {len(text.encode()) / 1024:6.0f} KiB  {label:14} {wall:7.2f} s  {memory:7.1f} MB  exit {ours[0][2]}"
            if options.peer:
                peer_wall = statistics.median(r[0] for r in theirs)
                peer_memory = statistics.median(r[1] for r in theirs)
                line += f"   peer {peer_wall:7.2f} s  {peer_memory:7.1f} MB  exit {theirs[0][2]}"
            print(line, flush=True)
    met = worst[0] < 2 and worst[1] < 100
    print(f"worst: {worst[0]:.2f} s, {worst[1]:.1f} MB: target (under 2 s and 100 MB) {'met' if met else 'NOT met'}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()

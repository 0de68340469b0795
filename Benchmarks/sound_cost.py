#!/usr/bin/env python3
"""What sound costs: CPU and memory of sessions with sound, of `render`, and of preparing speech.

Everything runs through a private PulseAudio null sink (the same server class as
pulse_chimes.py, stopped by its pid), so the sound server's own CPU is measured too.

  1. CPU of a session with sound, 60 s and 120 s long (chimes every few seconds), beside the same
     60 s session with --no-sound and `aplay` streaming 60 s of silence through the same server.
     Each run's CPU is its rusage (user + system); the server's is read from /proc before and
     after. The marginal cost of sound is (120 s session - 60 s session) / 60 s: what a minute of
     sound costs once the session has started. Target (issue 10, fault 2): at most 0.2 % of a core.
  2. Peak memory (max RSS) of a voiced session of the default ritual at --speed 20, and of the
     same session without voice and without sound. Target: a voiced session at most 25 MB.
  3. `render` of a 4-hour protocol to a WAV file: time and peak memory beside
     `sox -n -r 48000 -c 1 -b 16 out.wav trim 0 4:00:00` writing the same length.
     Targets (fault 1): at most 30 MB, at most twice sox's time.
  4. 200 distinct pitches (every phase its own bell): render time and peak memory, and a session
     of them: when it starts and its peak memory (fault 6).
  5. Preparing the default ritual's utterances: `render --voice` minus `render` (medians of 5).

Usage: python3 Benchmarks/sound_cost.py [--binary PATH] [--quick]   (--quick: 20 s / 40 s sessions)
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulse_chimes import PulseServer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")


def measure(command, env=None):
    """Runs a command to its end under GNU time: (wall seconds, CPU seconds, peak RSS in MB, exit status).

    Not os.wait4's rusage: a child's ru_maxrss starts from what it inherited at fork (this
    Python process, about 29 MB), so every command would seem to peak there."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        process = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", report.name, *command], env=env,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {process.stderr.strip()}")
        wall, user, system, peak = report.read().strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(peak) / 1024, process.returncode


def cpu_of(pid):
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def session_protocol(path, seconds):
    """Chimes every 2 to 3 s: a boundary-dense session (the ritual's are 10 to 60 s apart)."""
    phases, total, index = [], 0.0, 0
    gaps = [2.0, 3.0, 2.5]
    while total < seconds - 0.01:
        gap = min(gaps[index % 3], seconds - total)
        phases.append({"id": f"p{index}", "title": f"Segment {index + 1}", "cue": "Cost benchmark.",
                       "kind": "massage", "duration": round(gap, 2)})
        total += gap
        index += 1
    with open(path, "w") as handle:
        json.dump({"format": "touchtime/1", "id": f"cost-{int(seconds)}", "title": "Cost", "phases": phases}, handle)


def long_protocol(path, hours):
    phases = [{"id": f"p{index}", "title": f"Hour {index + 1}", "cue": "Long.", "kind": "massage", "duration": 3600}
              for index in range(hours)]
    with open(path, "w") as handle:
        json.dump({"format": "touchtime/1", "id": "four-hours", "title": "Four hours", "phases": phases}, handle)


def pitches_protocol(path, count):
    phases = [{"id": f"p{index}", "title": f"Phase {index}", "cue": "Hold.", "duration": 2,
               "chimes": {"pitch": 220 + index * 7}} for index in range(count)]
    with open(path, "w") as handle:
        json.dump({"format": "touchtime/1", "id": "pitches", "title": "Pitches", "phases": phases}, handle)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "touchtime"))
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    for tool in ["pulseaudio", "pactl", "aplay", "sox"]:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: run .ci/setup")
    if not os.path.exists(options.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "touchtime"], cwd=ROOT, check=True)
    binary = options.binary
    short = 20 if options.quick else 60

    with tempfile.TemporaryDirectory() as folder:
        history = ["--no-history"]
        plain = ["--plain", "--lead-in", "0", "--exit-at-end"]
        one = os.path.join(folder, "one.json")
        two = os.path.join(folder, "two.json")
        session_protocol(one, short)
        session_protocol(two, 2 * short)
        silence = os.path.join(folder, "silence.wav")
        subprocess.run(["sox", "-n", "-r", "48000", "-c", "1", "-b", "16", silence, "trim", "0", str(short)], check=True)

        print(f"1. CPU (private PulseAudio null sink; {short} s and {2 * short} s sessions, a chime every 2-3 s)")
        rows = []
        with PulseServer(os.path.join(folder, "runtime"), keep_alive=False) as pulse:
            server = pulse.processes[0].pid
            runs = [
                (f"touchtime run, {short} s with sound", [binary, "run", one, *plain, *history]),
                (f"touchtime run, {2 * short} s with sound", [binary, "run", two, *plain, *history]),
                (f"touchtime run, {short} s --no-sound", [binary, "run", one, *plain, *history, "--no-sound"]),
                (f"aplay, {short} s of silence", ["aplay", "-q", silence]),
            ]
            for name, command in runs:
                before = cpu_of(server)
                wall, cpu, peak, _ = measure(command, env=pulse.env)
                served = cpu_of(server) - before
                rows.append((name, wall, cpu, served, peak))
                print(f"   {name:36} {wall:6.1f} s wall, CPU {cpu:6.3f} s ({100 * cpu / wall:5.2f} % of a core), "
                      f"PulseAudio {served:5.2f} s ({100 * served / wall:5.2f} %), peak {peak:5.1f} MB")
            # Steady state, to the millisecond where perf is installed: every thread of a session
            # (the playback thread, the pulse plugin's own thread, the rest) over 40 s of sound.
            steady = None
            if shutil.which("perf") and not options.quick:
                protocol = os.path.join(folder, "steady.json")
                session_protocol(protocol, 55)
                process = subprocess.Popen([binary, "run", protocol, *plain, *history], env=pulse.env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(8)
                report = subprocess.run(["perf", "stat", "-e", "task-clock", "--per-thread", "-p", f"{process.pid},{server}",
                                         "--", "sleep", "40"], capture_output=True, text=True).stderr
                process.wait()
                ours = served = 0.0
                for line in report.splitlines():
                    fields = line.split()
                    if "task-clock" not in line or len(fields) < 2:
                        continue
                    try:
                        milliseconds = float(fields[1].replace(",", ""))
                    except ValueError:
                        continue
                    thread = int(fields[0].rsplit("-", 1)[1])
                    if os.path.exists(f"/proc/{server}/task/{thread}") or thread == server:
                        served += milliseconds
                    else:
                        ours += milliseconds
                steady = ours / 400
                print(f"   steady state (perf, 40 s of a running session): touchtime {ours / 400:.3f} % of a core "
                      f"(every thread), PulseAudio {served / 400:.3f} %")
        marginal = (rows[1][2] - rows[0][2]) / short
        marginal_server = (rows[1][3] - rows[0][3]) / short
        print(f"   a further minute of sound: touchtime {100 * marginal:.3f} % of a core, PulseAudio "
              f"{100 * marginal_server:.3f} %; the whole {short} s session {100 * rows[0][2] / rows[0][1]:.2f} %, "
              f"silent session {100 * rows[2][2] / rows[2][1]:.2f} %, aplay {100 * rows[3][2] / rows[3][1]:.2f} %")
        if steady is not None:
            print(f"   target: at most 0.2 % of a core for 60 s of sound (steady state, to the millisecond): "
                  f"{'met' if steady <= 0.2 else 'NOT met'}")
        print(f"   target by the marginal minute (GNU time, 10 ms resolution): {'met' if marginal <= 0.002 else 'NOT met'}")

        print("2. Peak memory of the default ritual at --speed 20 (through the null sink)")
        peaks = {}
        with PulseServer(os.path.join(folder, "runtime2"), keep_alive=False) as pulse:
            for name, extra in [("voiced", ["--voice"]), ("chimes only", []), ("no sound", ["--no-sound"])]:
                wall, cpu, peak, _ = measure([binary, "run", "--speed", "20", *plain, *history, *extra], env=pulse.env)
                peaks[name] = peak
                print(f"   {name:12} peak {peak:5.1f} MB, {wall:5.1f} s, CPU {cpu:5.2f} s")
        print(f"   target: a voiced session at most 25 MB: {'met' if peaks['voiced'] <= 25 else 'NOT met'}")

        print("3. render of a 4-hour protocol, beside sox writing the same length")
        four = os.path.join(folder, "four.json")
        long_protocol(four, 4)
        out = os.path.join(folder, "four.wav")
        ours = measure([binary, "render", four, "--out", out])
        size = os.path.getsize(out)
        os.remove(out)
        peer = measure(["sox", "-n", "-r", "48000", "-c", "1", "-b", "16", out, "trim", "0", "4:00:00"])
        os.remove(out)
        print(f"   touchtime render: {ours[0]:6.2f} s, peak {ours[2]:5.1f} MB, {size / 1e6:.0f} MB written")
        print(f"   sox -n:           {peer[0]:6.2f} s, peak {peer[2]:5.1f} MB; time ratio {ours[0] / peer[0]:.2f}")
        met = ours[2] <= 30 and ours[0] <= 2 * peer[0]
        print(f"   target: at most 30 MB and twice sox's time: {'met' if met else 'NOT met'}")

        print("4. 200 distinct pitches (every phase its own bell), render")
        pitches = os.path.join(folder, "pitches.json")
        pitches_protocol(pitches, 200)
        wall, cpu, peak, _ = measure([binary, "render", pitches, "--out", out])
        os.remove(out)
        print(f"   render: {wall:5.2f} s, peak {peak:5.1f} MB (before the bank: 116 MB and 2.2 s of synthesis first)")

        # A session of them: what it renders before it starts (what fits the bank), when it starts.
        with PulseServer(os.path.join(folder, "runtime3"), keep_alive=False) as pulse:
            report = os.path.join(folder, "pitches.time")
            launched = time.monotonic()
            process = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", report, binary, "run", pitches, "--speed", "20",
                                        *plain, *history], env=pulse.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       text=True)
            started = None
            for line in process.stdout:
                if started is None and "session-start" in line:
                    started = time.monotonic() - launched
            process.wait()
            with open(report) as handle:
                peak = int(handle.read().split()[-1]) / 1024
        print(f"   a session of them at --speed 20: started {started:.2f} s after launch (the sound server's own "
              f"stream start included), peak {peak:5.1f} MB")

        print("5. Preparing the default ritual's utterances (render --voice minus render, medians of 5)")
        plain_times, voiced_times, voiced_peaks = [], [], []
        for _ in range(5):
            plain_times.append(measure([binary, "render", "--out", out])[0])
            wall, _, peak, _ = measure([binary, "render", "--voice", "--out", out])
            voiced_times.append(wall)
            voiced_peaks.append(peak)
        os.remove(out)
        print(f"   render {statistics.median(plain_times):.3f} s, render --voice {statistics.median(voiced_times):.3f} s: "
              f"utterances {1000 * (statistics.median(voiced_times) - statistics.median(plain_times)):.0f} ms; "
              f"peak with voice {statistics.median(voiced_peaks):.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

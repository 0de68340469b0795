#!/usr/bin/env python3
"""Finds chime onsets in a recording, to the sample, even where chimes overlap.

The chimes are known exactly (`touchtime chime KIND --out`), so the recording is rebuilt
chime by chime: each onset is where the residual (recording minus the chimes found so far)
first rises above the noise, refined to the sample by least squares against the template.
Gaps between consecutive onsets are compared with the planned gaps, so the recorder's and
the player's clocks never need aligning.

Usage: chime_onsets.py RECORDING.wav EVENTS.jsonl --touchtime PATH [--speed X] [--json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np


def read_wav(path):
    with wave.open(path, "rb") as handle:
        frames = handle.readframes(handle.getnframes())
        channels = handle.getnchannels()
        rate = handle.getframerate()
    data = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32767.0
    if channels > 1:
        data = data[::channels]
    return data, rate


def templates(touchtime, kinds, volume):
    result = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            path = os.path.join(folder, f"{kind}.wav")
            subprocess.run([touchtime, "chime", kind, "--out", path, "--volume", str(volume)], check=True, stdout=subprocess.DEVNULL)
            result[kind], _ = read_wav(path)
    return result


def locate(residual, template, around, reach, skip=0, window=None):
    """The sample within `reach` of `around` where `template` (from `skip` on, over `window`
    samples) best matches the residual: the peak of their normalised cross-correlation, so a
    chime is found by its shape whatever its level (a sound server may scale or convert it, and
    lose its first milliseconds). Returns (onset, gain) or (None, 0)."""
    window = window or min(len(template) - skip, 4800)
    part = template[skip:skip + window]
    norm = float(np.dot(part, part))
    lo = max(0, around - reach)
    hi = min(len(residual) - window - skip, around + reach)
    if hi < lo or norm == 0:
        return None, 0.0
    segment = residual[lo + skip:hi + skip + window]
    correlation = np.correlate(segment, part, mode="valid")
    energy = np.convolve(segment * segment, np.ones(window), mode="valid")
    score = np.where(energy > 1e-12, correlation / np.sqrt(np.maximum(energy, 1e-12) * norm), 0)
    best = int(np.argmax(score))
    if score[best] < 0.5:
        return None, 0.0
    return lo + best, float(correlation[best] / norm)


def find_onsets(recording, rate, sequence, bank, threshold=0.004, skip=0, expected=None):
    """sequence: chime kinds in order; expected: when each should sound (seconds, any origin).
    Returns onset sample indices (or None where not found) and the residual.

    The first is found where the recording first rises above `threshold`; each next one around
    the previous onset plus its planned gap (within 45 % of the gaps either side, at most 0.5 s),
    by its shape, and taken out of the residual at the level it was found at (overlapping chimes
    come apart). Each search starts from the last onset found, so one chime played off its plan
    (or one lost) never derails the rest. With `skip`, the first `skip` samples of each chime are
    left out of the match: a player that loses the start of its streams is still timed by the
    chime's body, and the onset is where the whole chime would have begun.
    """
    residual = recording.copy()
    if expected is None:
        expected = [None] * len(sequence)
    onsets = []
    anchor = None  # (onset, expected) of the last chime found
    for index, kind in enumerate(sequence):
        template = bank[kind]
        if anchor is None or expected[index] is None:
            above = np.nonzero(np.abs(residual[(anchor or (0,))[0]:]) > threshold)[0]
            if len(above) == 0:
                onsets.append(None)
                continue
            lead = int(np.nonzero(np.abs(template) > threshold)[0][0])
            around = (anchor or (0,))[0] + int(above[0]) - lead
            reach = int(0.05 * rate)
        else:
            around = anchor[0] + int(round((expected[index] - anchor[1]) * rate))
            gaps = [abs(expected[j] - expected[index]) for j in (index - 1, index + 1)
                    if 0 <= j < len(expected) and expected[j] is not None and expected[j] != expected[index]]
            reach = int(min([0.5] + [0.45 * g for g in gaps]) * rate)
        onset, gain = locate(residual, template, around, reach, skip)
        if onset is None:
            onsets.append(None)
            continue
        end = min(len(residual), onset + len(template))
        residual[onset + skip:end] -= gain * template[skip:end - onset]
        if skip:
            residual[onset:onset + skip] = 0
        onsets.append(onset)
        anchor = (onset, expected[index] if expected[index] is not None else 0)
    return onsets, residual


def analyse(recording_path, events_path, touchtime, speed=1.0, volume=100, threshold=0.004, skip=0, recording_rate=None,
            recording_clock=None):
    """Onsets against plan and events. `recording_rate` is the recording's frames per monotonic
    second when it was measured (the sink's clock is not the monotonic one), reported beside
    the results; gaps and drift count the file's samples at its nominal rate. `recording_clock(frame)`, when given, is the
    monotonic time the recording reached a frame (it follows the sink's wandering rate): each
    onset is then compared with its event on that clock (`onset_vs_elapsed_ms`, from the first)."""
    recording, rate = read_wav(recording_path)
    chimes = [json.loads(line) for line in open(events_path) if '"event":"chime"' in line]
    sequence = [c["kind"] for c in chimes]
    planned = [c["planned"] / speed for c in chimes]
    elapsed = [c.get("elapsed", c["planned"] / speed) for c in chimes]
    bank = templates(touchtime, sorted(set(sequence)), volume)
    onsets, residual = find_onsets(recording, rate, sequence, bank, threshold, skip, expected=planned)
    found = [o for o in onsets if o is not None]
    result = {"chimes": len(sequence), "found": len(found)}
    if recording_rate is not None:
        # Reported only: gaps and drift below count the file's samples at its nominal rate (over a
        # short recording the measured rate is too uncertain to time gaps by: a 15 s check once
        # read -6,950 ppm); the per-onset figures on the recorder's clock follow its local rate.
        result["recording_rate_ppm"] = round((recording_rate / rate - 1) * 1e6, 1)
    if len(found) != len(sequence) or len(found) < 2:
        result["error"] = "not every chime was found"
        return result
    gaps = [(onsets[i] - onsets[i - 1]) / rate - (planned[i] - planned[i - 1]) for i in range(1, len(onsets))]
    absolute = sorted(abs(g) * 1000 for g in gaps)
    result.update({
        "gap_p50_ms": round(float(np.median(absolute)), 3),
        "gap_max_ms": round(max(absolute), 3),
        "drift_ms": round(((onsets[-1] - onsets[0]) / rate - (planned[-1] - planned[0])) * 1000, 3),
        # Against when the session reached each moment (its monotonic clock), not the plan.
        "drift_vs_elapsed_ms": round(((onsets[-1] - onsets[0]) / rate - (elapsed[-1] - elapsed[0])) * 1000, 3),
        "span_s": round((onsets[-1] - onsets[0]) / rate, 1),
        "residual_peak": round(float(np.max(np.abs(residual))), 5),
        # What is left after the chimes are taken out, against the loudest chime: 0 when the path
        # is bit-exact (PulseAudio's s16 null sink); a dropout inside a chime leaves its whole level.
        "residual_relative": round(float(np.max(np.abs(residual)) / max(1e-9, np.max(np.abs(recording)))), 5),
        "sequence": sequence,
    })
    if recording_clock is not None:
        times = [recording_clock(o) for o in onsets]
        if all(t is not None for t in times):
            against = [((times[i] - times[0]) - (elapsed[i] - elapsed[0])) * 1000 for i in range(len(onsets))]
            result["onset_vs_elapsed_ms"] = [round(a, 2) for a in against]
            result["clock_drift_vs_elapsed_ms"] = round(against[-1], 3)
            result["clock_worst_vs_elapsed_ms"] = round(max(abs(a) for a in against), 3)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording")
    parser.add_argument("events")
    parser.add_argument("--touchtime", required=True)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--volume", type=int, default=100)
    options = parser.parse_args()
    print(json.dumps(analyse(options.recording, options.events, options.touchtime, options.speed, options.volume)))


if __name__ == "__main__":
    sys.exit(main())

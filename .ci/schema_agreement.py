#!/usr/bin/env python3
"""The schema and the loader give the same verdict: checked with a real JSON Schema validator.

Generates a corpus (seeded, so every run is the same): valid protocols of every shape the format
allows, and as many mutations of them (a value at a boundary or past it, a blank or over-long text,
a bad id, a missing or unknown key, a wrong type, a rule broken). Each file is judged by Python's
`jsonschema` (Draft 2020-12) against Protocols/touchtime.schema.json and by `touchtime validate`;
every file on which they disagree is printed, and the check fails.

Rules no JSON Schema can state (phase ids are unique; the session lasts at most 4 hours in all;
every mark falls inside a segment it marks; at most 10,000 marks sound in a session; a sound file
exists and is a short PCM WAV) are kept by
the generator, never broken, so that the verdicts can be compared on everything: its marks are
fractions (inside any timed segment), on phases with a timed segment; it names no sound files.

Documents of both formats are generated: `touchtime/1.1` ones use its keys (until, repeat,
stillnessBetweenRepeats, marks), and a mutation turns such a file back to `touchtime/1`.

Usage: python3 .ci/schema_agreement.py --binary PATH [--valid N] [--mutated N] [--keep FOLDER] [--schema PATH]
"""
import argparse
import copy
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "Protocols", "touchtime.schema.json")
DURATION = None  # the schema's duration pattern, compiled in main

VALID_DURATION_TEXTS = [
    "45", "45s", "1.5s", "0.1", "0.1s", "0.25", "2m", "1m30s", "1m05s", "1.5m", "1h", "1h5m", "1h2m3s", "1h30s", "2.5h",
    "1:30", "0:05", "0:01", "05:30", "1:02:03", "0:00:01", "1:30.5", " 45s ", "90s", "240m", "240:00", "4h", "4:00:00",
    "3:59:59.9", "239m59.9s", "14400", "14399.99s", "9999", "10000s",
]
BAD_DURATION_TEXTS = [
    "", " ", "\u3000", "\u00a045s", "45s\n", "\t45s", "0", "0.0", "0.05", "0.09s", "14400.1", "14401", "5h", "4.5h", "4h1s",
    "241m", "240m1s", "1h90m", "1h60m", "1m60s", "05s", "00:00", "0:00", "0:00.5", "1234567:00", "240:01", "4:00:01",
    "1:75", "1:5", "1::30", "1:02:60", "5 s", "1s30m", "1m1m", "1.5m30s", ".5", "5.", "1,5", "0x10", "1e3", "-1", "-5s",
    "NaN", "nan", "inf", "Infinity", "one minute", "1h-5m", "0.5m", "0h5m", "4h0m", "1h0.5m", "٤٥", "４５", "45S", "1H",
]
VALID_STROKE_TEXTS = ["0.5", "4", "4s", "4.25s", "60", "60s", "59.99", " 4s "]
BAD_STROKE_TEXTS = ["0.4", "0.49s", "60.5", "61", "1m", "0:30", "04", "4s\n", "4 s", ""]
BLANKS = [" ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\u0085", "\u200a", " \u3000 ", "\u180e", "\u200b", "\x1c", "\ufeff"]
TEXTS = ["Warm", "Jawline · Left side", "顔のマッサージ", "e\u0301", "🧴 serum", "Ünïcödé", "a", "x" * 2000, "ab\ncd", "tab\there",
         "\u202eright-to-left", "ESC\u001b[2J"]


def duration(rng):
    if rng.random() < 0.5:
        return rng.choice([1, 5, 10.5, 0.1, 45, 60, 90, 120.25])
    text = rng.choice(VALID_DURATION_TEXTS)
    return text


FRACTIONS = ["half", "1/2", "1/3", "2/3", "3/4", "1/12", "11/12", "5/7"]
BAD_MARKS = ["2/2", "0/3", "1/13", "3/2", "01/3", "1/03", "-0s", "- 30s", "-", "ab", "half ", "Half", "1/1", "12/12", "-5h",
             "-0:00", "1 /3", 5, None, [], {"at": "half", "chime": "gong"}, {"at": "half", "x": 1}, {"chime": "pace"},
             {"at": "3/2"}, {"at": "half", "say": " "}, {"at": "half", "chime": "none", "say": "Halfway"}, "-30s", "20s", " -30s"]


def marks(rng):
    result = []
    for _ in range(rng.randint(0, 3)):
        if rng.random() < 0.6:
            result.append(rng.choice(FRACTIONS))
        else:
            item = {"at": rng.choice(FRACTIONS)}
            if rng.random() < 0.5:
                item["chime"] = rng.choice(["transition", "stillness", "warning", "finish", "pace", "none"])
            if rng.random() < 0.5:
                item["say"] = rng.choice(TEXTS)
            result.append(item)
    return result


def newer_keys(rng, item):
    """touchtime/1.1 keys on a valid phase, keeping it valid."""
    stillness = item.get("kind") == "stillness"
    if "duration" in item and rng.random() < 0.2:
        del item["duration"]
        item["until"] = "press"
    for step in item.get("steps", []):
        if rng.random() < 0.2:
            del step["duration"]
            step["until"] = "press"
    if item.get("steps") and all("until" in step for step in item["steps"]):
        item["steps"][0].pop("until")
        item["steps"][0]["duration"] = 5
    if rng.random() < 0.4:
        item["repeat"] = rng.choice([1, 2, 3, 2.0])
        if item["repeat"] >= 2 and rng.random() < 0.5:
            item["stillnessBetweenRepeats"] = rng.choice([1, "5s", "0:05"])
    if "until" not in item and rng.random() < 0.4:
        item["marks"] = marks(rng)
    return item


def phase(rng, index, remaining, newer=False):
    """A valid phase: remaining is how much of the 4 hours is left (kept well within it)."""
    item = {"id": f"p{index}-{rng.randrange(1000)}", "title": rng.choice(TEXTS), "cue": rng.choice(TEXTS)}
    stillness = rng.random() < 0.25
    if stillness:
        item["kind"] = "stillness"
    elif rng.random() < 0.2:
        item["kind"] = "massage"
    if not stillness and rng.random() < 0.4:
        steps = [{"cue": rng.choice(TEXTS), "duration": rng.choice([1, 5, "10s", "1:00", 2.5])} for _ in range(rng.randint(1, 4))]
        for step in steps:
            if rng.random() < 0.5:
                step["title"] = rng.choice(TEXTS)
        item["steps"] = steps
        if rng.random() < 0.4:
            item["stillnessBetweenSteps"] = rng.choice([1, "5s", "0:05"])
    else:
        value = duration(rng)
        item["duration"] = value
    if rng.random() < 0.3:
        item["stillnessAfter"] = rng.choice([2, "10s", "0:10", 0.5])
    if not stillness and rng.random() < 0.3:
        item["strokeSeconds"] = rng.choice([0.5, 4, 60, "4s", "0.5", "60"])
    if rng.random() < 0.3:
        item["chimes"] = chimes(rng)
    if rng.random() < 0.2:
        item["say"] = rng.choice(TEXTS)
    for step in item.get("steps", []):
        if rng.random() < 0.2:
            step["say"] = rng.choice(TEXTS)
    return newer_keys(rng, item) if newer else item


def chimes(rng):
    options = {}
    if rng.random() < 0.5:
        options["start"] = rng.choice(["transition", "stillness", "warning", "finish", "pace", "none"])
    if rng.random() < 0.5:
        options["warningBefore"] = rng.choice([0, "5s", 3, 0.0])
    if rng.random() < 0.5:
        options["volume"] = rng.choice([0, 50, 100, 80.0])
    if rng.random() < 0.5:
        options["pitch"] = rng.choice([110, 440.5, 880, 3520])
    if rng.random() < 0.3:
        options["paceVolume"] = rng.choice([0, 40, 100])
    return options


def voice(rng):
    options = {}
    if rng.random() < 0.5:
        options["say"] = rng.choice(["title", "cue", "both", "none"])
    if rng.random() < 0.4:
        options["rate"] = rng.choice([0.5, 1, 1.25, 2, 2.0])
    if rng.random() < 0.4:
        options["volume"] = rng.choice([0, 70, 100])
    if rng.random() < 0.4:
        options["language"] = rng.choice(["en", "de", "pt-br", "en-us", "fr", "yue"])
    if rng.random() < 0.4:
        options["warnings"] = rng.choice([True, False])
    return options


def protocol(rng):
    newer = rng.random() < 0.4
    document = {"format": "touchtime/1.1" if newer else "touchtime/1", "id": rng.choice(["x", "my-ritual", "a1-b2-c3", "z" * 64]),
                "title": rng.choice(TEXTS)}
    if rng.random() < 0.3:
        document["description"] = rng.choice(TEXTS)
    if rng.random() < 0.2:
        document["$schema"] = "touchtime.schema.json"
    if rng.random() < 0.3:
        document["chimes"] = chimes(rng)
    if rng.random() < 0.3:
        document["voice"] = voice(rng)
    # Phases of at most a few minutes each: the 4-hour total (a rule no schema can state) is never reached.
    document["phases"] = [phase(rng, index, 0, newer) for index in range(rng.randint(1, 6))]
    first = document["phases"][0]
    if newer and "duration" in first and first.get("kind") != "stillness" and "marks" not in first and rng.random() < 0.5:
        document.setdefault("chimes", {})["marks"] = marks(rng) or ["half"]
    for item in document["phases"]:
        if isinstance(item.get("duration"), str) and item["duration"].strip() in ("240m", "240:00", "4h", "4:00:00", "14400",
                                                                                   "3:59:59.9", "239m59.9s", "14399.99s", "10000s", "9999"):
            if len(document["phases"]) > 1 or "stillnessAfter" in item:
                item["duration"] = "45s"
    return document


def mutate(rng, document):
    """One change that may or may not make the file invalid: the verdicts must agree either way."""
    document = copy.deepcopy(document)
    phases = document["phases"]
    target = rng.choice(phases)
    kind = rng.randrange(24)
    if kind == 0:
        target.pop("steps", None)
        target.pop("stillnessBetweenSteps", None)
        target["duration"] = rng.choice(BAD_DURATION_TEXTS + VALID_DURATION_TEXTS[:10])
    elif kind == 1:
        target.pop("steps", None)
        target.pop("stillnessBetweenSteps", None)
        target["duration"] = rng.choice([0, 0.05, 0.099, 0.1, 14400, 14400.0001, -1, 1e300, 1e-300, True, None, [], {}, "45s", 12345678901234567890])
    elif kind == 2:
        field = rng.choice(["title", "cue"])
        target[field] = rng.choice(BLANKS + ["", "x" * 2001, "é" * 2001, "e\u0301" * 1000, "e\u0301" * 1001, "👍🏽" * 667,
                                             "👍🏽" * 1001, "x" * 1999 + "👍", 5, None])
    elif kind == 3:
        document[rng.choice(["id"])] = rng.choice(["Abc", "a--b", "-a", "a-", "a" * 65, "a" * 64, "abc\n", "ab c", "ünï", "", "a_b", 7])
    elif kind == 4:
        target["id"] = rng.choice(["Abc", "a--b", "-a", "x" * 65, "ok-id", "abc\n"])
    elif kind == 5:
        key = rng.choice(["id", "title", "cue"])
        target.pop(key, None)
    elif kind == 6:
        document.pop(rng.choice(["format", "id", "title", "phases"]), None)
    elif kind == 7:
        (target if rng.random() < 0.5 else document)[rng.choice(["durration", "extra", "Title", "$schema2"])] = 1
    elif kind == 8:
        target["kind"] = rng.choice(["stillness", "massage", "calm", "", 1])
    elif kind == 9:
        target["strokeSeconds"] = rng.choice(BAD_STROKE_TEXTS + VALID_STROKE_TEXTS + [0.4, 0.5, 60, 60.01, "2m", True])
    elif kind == 10:
        target["stillnessBetweenSteps"] = rng.choice(["5s", 1, "0", 0.05])
    elif kind == 11:
        target["stillnessAfter"] = rng.choice(BAD_DURATION_TEXTS + [0, 0.1, 5])
    elif kind == 12:
        options = target.setdefault("chimes", {})
        key = rng.choice(["volume", "pitch", "start", "warningBefore", "paceVolume", "gong"])
        options[key] = rng.choice({
            "volume": [-1, 0, 100, 101, 50.5, 1e2, "50", None],
            "pitch": [109.99, 110, 3520, 3520.01, "880", 0],
            "start": ["gong", "none", "", None, "transition"],
            "warningBefore": [0, 0.0, -0.0, "0", "0s", "5s", 0.05, "1h90m", -1],
            "paceVolume": [-1, 0, 100, 101, 40.0, 40.5, "40"],
            "gong": [1],
        }[key])
    elif kind == 13:
        document["format"] = rng.choice(["touchtime/2", "touchtime/1 ", "", 1, "touchtime/1"])
    elif kind == 14:
        target["steps"] = rng.choice([[], [{"cue": "c"}], [{"duration": 1}], [{"cue": "c", "duration": 1, "x": 1}],
                                      [{"cue": "c", "duration": 1}] * 201, "steps"])
        if rng.random() < 0.5:
            target.pop("duration", None)
    elif kind == 16:
        options = document.setdefault("voice", {})
        key = rng.choice(["say", "rate", "volume", "language", "warnings", "speed"])
        options[key] = rng.choice({
            "say": ["title", "shout", "", None, "none"],
            "rate": [0.49, 0.5, 2, 2.01, "1", 0],
            "volume": [-1, 0, 100, 101, 50.5, "80"],
            "language": ["en", "EN", "e", "english", "pt-br", "pt_br", "de\n", "abcd", "en-", "", 1],
            "warnings": [True, False, "yes", 1, None],
            "speed": [1],
        }[key])
    elif kind == 17:
        (target if rng.random() < 0.6 else rng.choice(target.get("steps") or [target]))["say"] = rng.choice(BLANKS + ["", "x" * 2001, 5, None, "Now."])
    elif kind == 18:
        document["format"] = rng.choice(["touchtime/1", "touchtime/1.1", "touchtime/1.2", "touchtime/2.0"])
    elif kind == 19:
        key = rng.choice(["duration", "steps", None])
        if key:
            target.pop(key, None)
        target["until"] = rng.choice(["press", "Press", "click", "", 1, None, True])
        if rng.random() < 0.3:
            step = {"cue": "c", "until": rng.choice(["press", "tap"])}
            if rng.random() < 0.3:
                step["duration"] = 5
            target["steps"] = [step]
    elif kind == 20:
        target["repeat"] = rng.choice([0, 1, 2, 100, 101, 2.5, -1, "3", None, True])
        if rng.random() < 0.5:
            target["stillnessBetweenRepeats"] = rng.choice(["5s", 1, 0, "0", "x"])
    elif kind == 21:
        target["marks"] = rng.choice([[rng.choice(BAD_MARKS)], "half", [["half"]], ["half"] * 21, ["half"] * 20, [], 3])
    elif kind == 22:
        (target.setdefault("chimes", {}) if rng.random() < 0.5 else document.setdefault("chimes", {}))["marks"] = ["half"]
    elif kind == 23:
        (target if rng.random() < 0.5 else document)["sounds"] = rng.choice([{}, {"gong": "a.wav"}, {"transition": 5}, "bell.wav",
                                                                          {"transition": ""}, {"pace": " "}, {"finish": "a\nb.wav"}])
    else:
        document["phases"] = rng.choice([[], "phases", phases + [{"id": f"q{i}", "title": "Q", "cue": "c", "duration": 1}
                                                                    for i in range(200)]])
    return document


def seconds(value):
    """What a valid duration means, for keeping the 4-hour total; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str) or DURATION.search(value) is None:
        return None
    try:
        return parse_duration(value.strip(" "))
    except ValueError:
        return None


def parse_duration(text):
    if ":" in text:
        fields = [float(f) for f in text.split(":")]
        return sum(f * 60 ** (len(fields) - 1 - i) for i, f in enumerate(fields))
    total, number = 0.0, ""
    for character in text:
        if character in "hms":
            total += float(number) * {"h": 3600, "m": 60, "s": 1}[character]
            number = ""
        else:
            number += character
    return total + (float(number) if number else 0.0)


def within_four_hours(document):
    """Makes the session last at most 4 hours (a rule no schema can state), shrinking other phases."""
    phases = document.get("phases")
    if not isinstance(phases, list):
        return document

    def phase_total(item):
        if not isinstance(item, dict):
            return 0.0
        total = 0.0
        steps = item.get("steps")
        if isinstance(steps, list) and "duration" not in item:
            total += sum(seconds(step.get("duration")) or 0.0 for step in steps if isinstance(step, dict))
            if len(steps) > 1:
                total += (seconds(item.get("stillnessBetweenSteps")) or 0.0) * (len(steps) - 1)
        else:
            total += seconds(item.get("duration")) or 0.0
        rounds = item.get("repeat")
        if isinstance(rounds, (int, float)) and not isinstance(rounds, bool) and 1 <= rounds <= 100 and rounds == int(rounds):
            total = total * rounds + (seconds(item.get("stillnessBetweenRepeats")) or 0.0) * (rounds - 1)
        return total + (seconds(item.get("stillnessAfter")) or 0.0)

    while sum(phase_total(item) for item in phases) > 14400:
        largest = max(range(len(phases)), key=lambda i: phase_total(phases[i]))
        others = [i for i in range(len(phases)) if i != largest and phase_total(phases[i]) > 1]
        item = phases[others[0] if others else largest]
        item.pop("stillnessAfter", None)
        if item.pop("repeat", None) is not None:
            item.pop("stillnessBetweenRepeats", None)
            continue
        if "steps" in item and "duration" not in item:
            item["steps"] = [{"cue": "c", "duration": 1}]
            item.pop("stillnessBetweenSteps", None)
        else:
            item.pop("until", None)
            item["duration"] = 1
    return document


def mark_offset(mark, length):
    """Where a mark falls in a segment of `length` seconds (as the loader computes it), or None."""
    text = mark.get("at") if isinstance(mark, dict) else mark
    if not isinstance(text, str):
        return None
    if text == "half":
        return length / 2
    if re.fullmatch(r"[1-9][0-9]?/[1-9][0-9]?", text):
        numerator, denominator = (int(part) for part in text.split("/"))
        return length * numerator / denominator
    stripped = text.lstrip(" ")
    before_end = stripped.startswith("-")
    value = seconds(stripped[1:] if before_end else text)
    if value is None:
        return None
    return length - value if before_end else value


def keep_marks_fit(document):
    """Drops marks that fall inside no segment they mark (a rule no schema can state)."""
    phases = document.get("phases")
    if not isinstance(phases, list):
        return document

    def lengths(item):
        if not isinstance(item, dict) or "until" in item:
            return []
        steps = item.get("steps")
        if isinstance(steps, list) and "duration" not in item:
            return [seconds(step.get("duration")) for step in steps if isinstance(step, dict) and seconds(step.get("duration"))]
        value = seconds(item.get("duration"))
        return [value] if value else []

    def fits(mark, segment_lengths):
        return any((offset := mark_offset(mark, length)) is not None and 0 < offset < length for length in segment_lengths)

    for item in phases:
        if isinstance(item, dict) and isinstance(item.get("marks"), list):
            if not all(fits(mark, lengths(item)) or mark_offset(mark, 1.0) is None for mark in item["marks"]):
                del item["marks"]
    chimes = document.get("chimes")
    if isinstance(chimes, dict) and isinstance(chimes.get("marks"), list):
        massage = [length for item in phases if isinstance(item, dict) and item.get("kind") != "stillness" and "marks" not in item
                   for length in lengths(item)]
        if not all(fits(mark, massage) or mark_offset(mark, 1.0) is None for mark in chimes["marks"]):
            del chimes["marks"]
    return document


def keep_marks_counted(document):
    """At most 10,000 marks sounded in a session (a rule no schema can state): every mark in every
    timed segment it marks, every round. Marks are dropped from the phases that sound the most."""
    phases = document.get("phases")
    if not isinstance(phases, list):
        return document
    chimes = document.get("chimes")
    shared = chimes.get("marks") if isinstance(chimes, dict) and isinstance(chimes.get("marks"), list) else []

    def timed_segments(item):
        if "until" in item:
            return 0
        steps = item.get("steps")
        if isinstance(steps, list) and "duration" not in item:
            return sum(1 for step in steps if isinstance(step, dict) and "until" not in step)
        return 1

    def moments(item):
        if not isinstance(item, dict):
            return 0
        marks = item.get("marks") if isinstance(item.get("marks"), list) else (shared if item.get("kind") != "stillness" else [])
        repeat = item.get("repeat") if isinstance(item.get("repeat"), int) else 1
        return len(marks) * timed_segments(item) * max(repeat, 1)

    while sum(moments(item) for item in phases) > 10_000:
        heaviest = max(phases, key=moments)
        if isinstance(heaviest.get("marks"), list):
            del heaviest["marks"]
        elif isinstance(chimes, dict) and "marks" in chimes:
            del chimes["marks"]
            shared = []
        else:
            break
    return document


def loader_verdicts(binary, paths):
    """Each path's verdict from `touchtime validate`: True when it printed `PATH: ok`."""
    verdicts = {}
    for start in range(0, len(paths), 400):
        batch = paths[start:start + 400]
        result = subprocess.run([binary, "validate"] + batch, capture_output=True, text=True, errors="replace")
        ok = {line.split(": ok (")[0] for line in result.stdout.splitlines() if ": ok (" in line}
        for path in batch:
            verdicts[path] = path in ok
    return verdicts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--valid", type=int, default=1500)
    parser.add_argument("--mutated", type=int, default=2500)
    parser.add_argument("--keep", help="write the corpus here instead of a temporary folder")
    parser.add_argument("--schema", default=SCHEMA, help="another schema (an older one, to show the check fails on it)")
    options = parser.parse_args()
    global DURATION
    with open(options.schema) as f:
        schema = json.load(f)
    DURATION = re.compile(schema["$defs"]["durationText"]["pattern"])
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    rng = random.Random(2026)
    documents = [("valid", keep_marks_counted(keep_marks_fit(within_four_hours(protocol(rng))))) for _ in range(options.valid)]
    documents += [("mutated", keep_marks_counted(keep_marks_fit(within_four_hours(mutate(rng, protocol(rng))))))
                  for _ in range(options.mutated)]
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or scratch
        os.makedirs(folder, exist_ok=True)
        paths = []
        for index, (kind, document) in enumerate(documents):
            path = os.path.join(folder, f"{kind}-{index:05d}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(document, f, ensure_ascii=False)
            paths.append(path)
        loader = loader_verdicts(options.binary, paths)
        disagreements = 0
        schema_valid = 0
        for path, (kind, document) in zip(paths, documents):
            by_schema = validator.is_valid(document)
            schema_valid += by_schema
            if kind == "valid" and not by_schema:
                print(f"generator: {path} was meant to be valid: {[e.message for e in validator.iter_errors(document)][:3]}")
                disagreements += 1
            if by_schema != loader[path]:
                disagreements += 1
                if disagreements <= 20:
                    errors = [e.message for e in validator.iter_errors(document)][:2]
                    text = json.dumps(document, ensure_ascii=True)
                    print(f"DISAGREE {os.path.basename(path)}: schema {'valid' if by_schema else 'invalid'} {errors}, "
                          f"loader {'valid' if loader[path] else 'invalid'}: {text[:300]}")
        print(f"schema agreement: {len(documents)} files ({options.valid} generated valid, {options.mutated} mutated; "
              f"{schema_valid} valid by the schema), {disagreements} disagreement(s)")
        sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()

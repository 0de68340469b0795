#!/usr/bin/env python3
"""The configuration's schema and its loader give the same verdict, checked with a real validator.

Generates valid configurations (every key, random values in range, random key maps) and mutated
ones (out-of-range numbers, wrong types, unknown keys and actions, bad key names), and checks each
with Python's `jsonschema` (Draft 2020-12) against Protocols/config.schema.json and with
`touchtime config --config FILE` (exit 0 or 78). The one rule JSON Schema cannot state (a key
given to two actions, or twice: letters in either case are one key) is left out of the generated
documents.

Usage: python3 .ci/config_schema_agreement.py --binary PATH [--count N] [--seed S]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "Protocols", "config.schema.json")
ACTIONS = ["pause", "next", "back", "extend", "shorten", "mute", "volume-up", "volume-down", "repeat-phase", "quit", "help"]
NAMES = ["Space", "Enter", "PageUp", "PageDown", "Left", "Right", "Up", "Down"] + [f"F{n}" for n in range(1, 21)] \
    + [f"BTN_{n}" for n in range(10)] + [chr(c) for c in range(0x21, 0x7F)]
BAD_NAMES = ["", "space", "PgDown", "F0", "F21", "F013", "BTN_10", "ab", " ", "é", "\t", "Ctrl+C"]


def key_map(rng):
    # Letters match in either case: a and A are one key, never both in one map.
    names, seen = [], set()
    for name in rng.sample(NAMES, rng.randint(0, 12)):
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    actions = rng.sample(ACTIONS, rng.randint(0, len(ACTIONS)))
    result = {action: [] for action in actions}
    for name in names:
        if actions:
            result[rng.choice(actions)].append(name)
    return result


def valid(rng):
    document = {}
    if rng.random() < 0.5: document["device"] = rng.choice(["default", "plughw:1,0", "pulse", "file:'/tmp/x',wav"])
    if rng.random() < 0.5: document["volume"] = rng.randint(0, 100)
    if rng.random() < 0.5: document["voice"] = rng.random() < 0.5
    if rng.random() < 0.5: document["leadIn"] = rng.choice([0, 600, round(rng.uniform(0, 600), 2)])
    if rng.random() < 0.5: document["exitAtEnd"] = rng.random() < 0.5
    if rng.random() < 0.5: document["debounce"] = rng.choice([0, 2, round(rng.uniform(0, 2), 3)])
    if rng.random() < 0.7: document["keys"] = key_map(rng)
    if rng.random() < 0.5:
        pedal = {}
        if rng.random() < 0.7: pedal["device"] = "/dev/input/by-id/usb-pedal-event-kbd"
        if rng.random() < 0.5: pedal["grab"] = rng.random() < 0.5
        if rng.random() < 0.5: pedal["keys"] = key_map(rng)
        if rng.random() < 0.5: pedal["hold"] = key_map(rng)
        if rng.random() < 0.5: pedal["holdSeconds"] = rng.choice([0.2, 10, round(rng.uniform(0.2, 10), 2)])
        document["pedal"] = pedal
    if rng.random() < 0.3: document["listen"] = rng.random() < 0.5
    if rng.random() < 0.3: document["listenDevice"] = rng.choice(["default", "pulse", "plughw:1,0"])
    if rng.random() < 0.3:
        document["listenThresholds"] = {phrase: rng.choice([1e-60, 0.1, 1e-20, 3.5e-25, 1e-5])
                                        for phrase in rng.sample(PHRASES, rng.randint(0, len(PHRASES)))}
    if rng.random() < 0.3:
        document["confirmations"] = rng.choice(STYLES) if rng.random() < 0.4 else \
            {kind: rng.choice(STYLES) for kind in rng.sample(CONFIRMATIONS, rng.randint(0, len(CONFIRMATIONS)))}
    if rng.random() < 0.2: document["$schema"] = "config.schema.json"
    return document


STYLES = ["sound", "word", "both", "none"]
CONFIRMATIONS = ["paused", "resumed", "longer", "shorter", "muted", "unmuted", "volume"]


PHRASES = ["timer pause", "timer resume", "timer next", "timer back", "timer more time"]


def mutated(rng):
    document = valid(rng)
    choice = rng.randrange(12)
    if choice == 0:
        document[rng.choice(["volume", "leadIn", "debounce"])] = rng.choice([-1, 101, 601, 2.5, 1e9, -0.001])
    elif choice == 1:
        document[rng.choice(["device", "volume", "voice", "leadIn", "exitAtEnd", "debounce", "keys", "pedal"])] = \
            rng.choice(["x", 1, True, None, [], {}])
    elif choice == 2:
        document[rng.choice(["Volume", "lead_in", "leadin", "extra", "keymap"])] = 1
    elif choice == 3:
        document.setdefault("keys", {})[rng.choice(["skip", "Next", "volume_up", "pause "])] = ["x"]
    elif choice == 4:
        document.setdefault("keys", {}).setdefault("next", []).append(rng.choice(BAD_NAMES))
    elif choice == 5:
        document.setdefault("keys", {})["next"] = rng.choice(["b", 1, {"b": 1}, [1], [None]])
    elif choice == 6:
        document.setdefault("pedal", {})[rng.choice(["holdSeconds"])] = rng.choice([0, 0.1, 11, "1"])
    elif choice == 7:
        document.setdefault("pedal", {})[rng.choice(["devices", "Grab", "press"])] = 1
    elif choice == 9:
        document.setdefault("listenThresholds", {})[rng.choice(PHRASES + ["pause", "timer  next", "Timer back"])] = \
            rng.choice([0, 1e-61, 1e-60, 0.1, 0.11, 1, -1e-20, "1e-20", None, 1e-20])
    elif choice == 10:
        document[rng.choice(["listen", "listenDevice", "listenThresholds"])] = rng.choice(["", "x", 1, True, None, [], {}, "a\u0001b"])
    elif choice == 11:
        document["confirmations"] = rng.choice(["", "words", "Sound", 1, True, None, [], {"pause": "sound"}, {"paused": "loud"},
                                                {"volume": None}, {"muted": ["word"]}])
    else:
        document["device"] = rng.choice(["", "a\u0001b", "x" * 4097])
    return document


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--count", type=int, default=400, help="documents of each kind")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    rng = random.Random(options.seed)
    disagreements = []
    counts = {"valid": 0, "mutated": 0}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "config.json")
        environment = dict(os.environ, XDG_CONFIG_HOME=folder)
        for kind, make in (("valid", valid), ("mutated", mutated)):
            for _ in range(options.count):
                document = make(rng)
                with open(path, "w") as f:
                    json.dump(document, f)
                by_schema = validator.is_valid(document)
                run = subprocess.run([options.binary, "config", "--config", path], env=environment,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                if run.returncode not in (0, 78):
                    disagreements.append((document, f"exit {run.returncode}: {run.stderr.strip()}"))
                    continue
                by_loader = run.returncode == 0
                if kind == "valid" and not by_schema:
                    disagreements.append((document, "a generated valid document fails the schema"))
                if by_schema != by_loader:
                    disagreements.append((document, f"schema says {by_schema}, loader says {by_loader}: {run.stderr.strip()}"))
                counts[kind] += by_loader
    total = 2 * options.count
    print(f"config schema agreement: {total} documents ({counts['valid']}/{options.count} generated valid accepted, "
          f"{options.count - counts['mutated']}/{options.count} mutated refused by the loader), {len(disagreements)} disagreements")
    for document, reason in disagreements[:10]:
        print(f"  {reason}\n    {json.dumps(document)[:300]}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())

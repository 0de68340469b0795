#!/usr/bin/env python3
"""Render the listen corpus: the command utterances and the ordinary (non-command) treatment
speech, spoken by voices other than touchtime's own (flite's cmu_us_slt), as 16 kHz mono
16-bit WAVs, clean and mixed with pink noise at 10 dB SNR, with a manifest.

    python3 gen.py                  # writes out/ (ignored by git): WAVs, manifest.json/.csv
    python3 gen.py --protocol-text  # rewrites protocol-speech.txt from ../../Protocols/*.json

Inputs (committed, fixed): commands.tsv, therapist-talk.txt, protocol-speech.txt,
hard-negatives.txt. Needs flite, festival with two diphone voices, espeak-ng, sox and numpy
(Debian: apt install flite festival festvox-kdlpc16k festvox-kallpc16k espeak-ng sox
python3-numpy). Deterministic: fixed voice list, fixed seeds, one synthesiser
process per utterance (flite's rand() starts from the same seed in every process); the
manifest records the tools' versions and every WAV's sha256, so two runs can be compared.

Levels: each utterance is scaled so its active speech level (RMS over the 10 ms frames
within 35 dB of its loudest frame, a rough ITU-T P.56) is -26 dBFS. Noise is pink (1/f
power, from seeded Gaussian white noise shaped in the frequency domain, flat below 20 Hz),
stationary over the whole file, its RMS set to the speech level minus the SNR: 10 dB for
"snr10" (the target condition; "snr20" and "snr15" show where recognition gives way);
"clean" has the same kind of noise 50 dB down, a quiet microphone's floor, so the decoder
never sees digital silence.
"""
import argparse
import csv
import hashlib
import json
import platform
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SR = 16000
SEED = 20261130
SPEECH_DBFS = -26.0
CONDITIONS = [("clean", 50.0), ("snr20", 20.0), ("snr15", 15.0), ("snr10", 10.0)]
# Voices other than touchtime's own (flite cmu_us_slt). flite's kal is left out: it is an
# 8 kHz diphone voice, narrower than any microphone (kal16 is the same speaker at 16 kHz,
# and so is festival's kal). The espeak-ng voices are formant synthesis: pocketsphinx's
# en-us model cannot transcribe them even with its full language model (FINDINGS.md), so
# they are kept as speech-like sound and reported apart.
VOICES = ["flite:awb", "flite:rms", "flite:kal16", "festival:ked", "festival:kal",
          "espeak:en+m3", "espeak:en+f2", "espeak:en-us+f4", "espeak:en-us+m1"]
APP_VOICE = "flite:slt"
# flite's and festival's duration stretch (bigger is slower) and espeak-ng's words a minute.
RATES = {"slow": (1.2, 145), "normal": (1.0, 175), "fast": (0.85, 205)}
RATE_ORDER = ["normal", "slow", "fast"]


def read_lines(name):
    return [line.strip() for line in (HERE / name).read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def protocol_speech():
    """What touchtime can say during the bundled protocols (SpeechPlan): titles, cues,
    "Title. Cue", step words, "stillness", warnings and "session complete"."""
    lines = []

    def add(text):
        text = text.strip()
        if text and text not in lines:
            lines.append(text)

    def sentence(text):
        return text if text[-1:] in ".!?:;," else text + "."

    for path in sorted((ROOT / "Protocols").glob("*.json")):
        doc = json.loads(path.read_text())
        if "phases" not in doc:
            continue                       # a schema, not a protocol
        for phase in doc["phases"]:
            for key in ("title", "cue", "say"):
                if phase.get(key):
                    add(phase[key])
            if phase.get("title") and phase.get("cue"):
                add(sentence(phase["title"]) + " " + phase["cue"])
            for index, step in enumerate(phase.get("steps", [])):
                title = step.get("title") or f"Step {index + 1}"
                for text in (title, step.get("cue"), step.get("say")):
                    if text:
                        add(text)
                if step.get("cue"):
                    add(sentence(title) + " " + step["cue"])
                if index == 0 and phase.get("title"):
                    add(sentence(phase["title"]) + " " + sentence(title))
    for text in ("stillness", "session complete", "ten seconds", "fifteen seconds", "twenty seconds",
                 "thirty seconds", "one minute", "one minute thirty seconds", "two minutes"):
        add(text)
    return lines


def check_protocol_text():
    have = set(read_lines("protocol-speech.txt"))
    missing = [text for text in protocol_speech() if text not in have]
    if missing:
        sys.exit("protocol-speech.txt lacks what the bundled protocols say (run gen.py --protocol-text):\n  "
                 + "\n  ".join(missing[:10]))


def tool_versions():
    def run(*cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            return (out.stdout + out.stderr).strip()
        except OSError as error:
            return f"unavailable: {error}"
    packages = run("dpkg-query", "-W", "-f", "${Package} ${Version}\\n", "flite", "libflite1", "espeak-ng", "festival", "festvox-kdlpc16k", "festvox-kallpc16k",
                   "espeak-ng-data", "sox", "pocketsphinx", "libpocketsphinx3", "pocketsphinx-en-us",
                   "libsphinxbase3", "python3-numpy")
    return {
        "flite": run("flite", "--version").splitlines()[-1].strip(),
        "espeak-ng": run("espeak-ng", "--version").splitlines()[0],
        "festival": run("festival", "--version").splitlines()[0],
        "sox": run("sox", "--version").splitlines()[0],
        "numpy": np.__version__,
        "python": platform.python_version(),
        "packages": packages.splitlines(),
    }


def synth(voice, rate, text, cache):
    """The utterance as float samples at 16 kHz (cached by voice, rate and text)."""
    key = hashlib.sha256(f"{voice}|{rate}|{text}".encode()).hexdigest()[:20]
    cached = cache / f"{key}.wav"
    if not cached.exists():
        engine, name = voice.split(":")
        stretch, wpm = RATES[rate]
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw.wav"
            stdin = None
            if engine == "flite":
                cmd = ["flite", "-voice", name, "--setf", f"duration_stretch={stretch}", "-t", text, "-o", str(raw)]
            elif engine == "festival":
                cmd = ["text2wave", "-eval", f"(voice_{name}_diphone)", "-eval",
                       f"(Parameter.set 'Duration_Stretch {stretch})", "-o", str(raw)]
                stdin = text
            else:
                cmd = ["espeak-ng", "-v", name, "-s", str(wpm), "-w", str(raw), text]
            subprocess.run(cmd, check=True, capture_output=True, input=stdin, text=True)
            # sox's default 'rate' quality (-h) to 16 kHz, mono, 16-bit. -D: no dither, which
            # sox otherwise adds after resampling (espeak-ng's 22.05 kHz) with a fresh random
            # seed each run, so the WAVs would differ from run to run.
            subprocess.run(["sox", "-D", str(raw), "-r", str(SR), "-c", "1", "-b", "16", str(cached)],
                           check=True, capture_output=True)
    return read_wav(cached)


def read_wav(path):
    with wave.open(str(path)) as w:
        assert w.getframerate() == SR and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768


def write_wav(path, samples):
    peak = np.max(np.abs(samples)) if len(samples) else 0
    if peak >= 1:
        sys.exit(f"{path}: clips (peak {peak:.2f})")
    pcm = np.round(samples * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())
    return hashlib.sha256(path.read_bytes()).hexdigest()


def frame_db(x):
    n = len(x) // 160
    frames = x[: n * 160].reshape(n, 160)
    return 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-20)


def active(x):
    """(active speech level in dB, first and last active sample)."""
    db = frame_db(x)
    on = np.nonzero(db > db.max() - 35)[0]
    level = 10 * np.log10(np.mean(10 ** (db[on] / 10)))
    return level, on[0] * 160, (on[-1] + 1) * 160


def pink(n, rng):
    white = rng.standard_normal(n)
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(n, 1 / SR)
    spectrum *= 1 / np.sqrt(np.maximum(freqs, 20.0))
    spectrum[0] = 0
    noise = np.fft.irfft(spectrum, n)
    return noise / np.sqrt(np.mean(noise ** 2))


def assemble(items, cache, rng, gap_range, lead=1.0, tail=2.0):
    """Concatenate utterances (dicts with voice, rate, text) with seeded gaps; returns the
    speech and the items with their times filled in."""
    pieces = [np.zeros(int(lead * SR))]
    at = len(pieces[0])
    placed = []
    for item in items:
        x = synth(item["voice"], item["rate"], item["text"], cache)
        level, first, last = active(x)
        x = x * 10 ** ((SPEECH_DBFS - level) / 20)
        placed.append(dict(item, start=round((at + first) / SR, 3), end=round((at + last) / SR, 3),
                           utterance_start=round(at / SR, 3), utterance_end=round((at + len(x)) / SR, 3)))
        gap = np.zeros(int(rng.uniform(*gap_range) * SR))
        pieces += [x, gap]
        at += len(x) + len(gap)
    pieces.append(np.zeros(int(tail * SR)))
    return np.concatenate(pieces), placed


def corpora():
    """(name, items, gap range) for each corpus, items in spoken order before shuffling."""
    commands = []
    for line in (HERE / "commands.tsv").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        ident, voice, rate, command, text = line.split("\t")
        commands.append(dict(id=ident, voice=voice, rate=rate, command=command, text=text))

    ordinary = []
    talk = [("talk", t) for t in read_lines("therapist-talk.txt")]
    prompts = [("protocol", t) for t in read_lines("protocol-speech.txt")]
    # Two passes over the protocol lines in different voices: they are the words most
    # often heard in the room (the app says them every session).
    for source, passes in ((talk, 1), (prompts, 2)):
        for p in range(passes):
            for kind, text in source:
                i = len(ordinary)
                ordinary.append(dict(id=f"o{i + 1:03d}", voice=VOICES[(i + 3 * p) % len(VOICES)],
                                     rate=RATE_ORDER[(i // len(VOICES)) % 3], command=None, text=text, source=kind))

    hard = []
    for i, text in enumerate(read_lines("hard-negatives.txt")):
        for voice in (VOICES[i % len(VOICES)], VOICES[(i + 3) % len(VOICES)]):
            hard.append(dict(id=f"h{len(hard) + 1:03d}", voice=voice, rate="normal", command=None, text=text))

    app = [dict(id=f"a{i + 1:03d}", voice=APP_VOICE, rate="normal", command=None, text=text, source="protocol")
           for i, text in enumerate(read_lines("protocol-speech.txt"))]
    return [("commands", commands, (1.5, 3.0)), ("ordinary", ordinary, (0.3, 1.2)),
            ("hard", hard, (1.0, 2.0)), ("appvoice", app, (0.5, 1.5))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--protocol-text", action="store_true", help="rewrite protocol-speech.txt and stop")
    args = parser.parse_args()
    if args.protocol_text:
        (HERE / "protocol-speech.txt").write_text(
            "# What touchtime says during the bundled protocols (generated by gen.py --protocol-text).\n"
            + "\n".join(protocol_speech()) + "\n")
        return
    check_protocol_text()
    out = args.out
    cache = out / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    manifest = {"generator": "Benchmarks/listen/gen.py", "seed": SEED, "sample_rate": SR,
                "speech_level_dbfs": SPEECH_DBFS, "voices": VOICES, "app_voice": APP_VOICE,
                "rates": {k: {"flite_duration_stretch": v[0], "espeak_wpm": v[1]} for k, v in RATES.items()},
                "noise": "pink (1/f power, seeded Gaussian shaped by FFT), stationary; RMS = speech level - SNR",
                "tools": tool_versions(), "files": []}
    rows = []
    for ci, (name, items, gaps) in enumerate(corpora()):
        order = np.random.default_rng([SEED, ci]).permutation(len(items))
        speech, placed = assemble([items[i] for i in order], cache, np.random.default_rng([SEED, ci, 1]), gaps)
        for ki, (condition, snr) in enumerate(CONDITIONS):
            noise = pink(len(speech), np.random.default_rng([SEED, ci, 2, ki])) * 10 ** ((SPEECH_DBFS - snr) / 20)
            path = out / f"{name}-{condition}.wav"
            digest = write_wav(path, speech + noise)
            manifest["files"].append({"file": path.name, "corpus": name, "condition": condition, "snr_db": snr,
                                      "duration": round(len(speech) / SR, 3), "sha256": digest, "segments": placed})
            for seg in placed:
                rows.append([path.name, condition, seg["id"], seg["voice"], seg["rate"], seg["command"] or "",
                             seg["text"], seg["start"], seg["end"]])
            print(f"{path.name}: {len(speech) / SR:.1f} s, {len(placed)} utterances", flush=True)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    with open(out / "manifest.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "condition", "id", "voice", "rate", "command", "text", "start", "end"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()

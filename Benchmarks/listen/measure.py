#!/usr/bin/env python3
"""Run pocketsphinx's keyword spotter over the listen corpus (made by gen.py) and count hits,
misses and false alarms per condition, voice and phrase, with CPU time and peak RSS.

    python3 measure.py --engine touchtime --binary .build/release/touchtime   # touchtime's own spotter
    python3 measure.py                       # keyphrases.txt + commands.dict, prints a report
    python3 measure.py --kws other.txt       # another keyphrase file
    python3 measure.py --grid 10 20 30       # uniform /1e-E/ runs, then per-phrase thresholds
    python3 measure.py --engine continuous   # cross-check with pocketsphinx_continuous
    python3 measure.py --startup             # ps_init time: small dictionary vs the full one

The engine `touchtime` is what a session listens with (`touchtime _spot`: the same
KeywordSpotter, its default thresholds, its hold of 0.4 s for a surer phrase). The engine
`kwsspot` is kwsspot.c (built here with gcc): the library's own keyword search fed 1024
samples at a time, the utterance restarted after every hit, the baseline it was tuned on.
Each WAV is decoded by its own process (live CMN would otherwise carry over between files).

Scoring. Hits reported at the same moment are one report; the best score wins (an
application acts on one command). A report counts for a command utterance when it arrives
between 0.2 s after the command's speech starts and 1.5 s after it ends: the right phrase
is a hit (a second one a duplicate, counted as a false alarm), another phrase is a wrong
command (a false alarm, and the command is missed unless it is also heard). Anything else
is a false alarm. Every report in the ordinary, hard and appvoice corpora is a false alarm.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODEL = Path("/usr/share/pocketsphinx/model/en-us")
HMM = MODEL / "en-us"
FULL_DICT = MODEL / "cmudict-en-us.dict"
PHRASES = ["timer pause", "timer resume", "timer next", "timer back", "timer more time"]
EARLY, LATE = 0.2, 1.5
KWS_MAX = 1500          # kws_search.c: score = (keyphrase - phone loop) - KWS_MAX
LOG_BASE = 1.0001
# Voices the acoustic model cannot transcribe even with its full language model: kept in the
# corpus as speech-like sound, counted apart from the headline recall.
UNRECOGNISED = ("espeak:",)


def build(out):
    binary = out / "bin" / "kwsspot"
    source = HERE / "kwsspot.c"
    if not binary.exists() or binary.stat().st_mtime < source.stat().st_mtime:
        binary.parent.mkdir(parents=True, exist_ok=True)
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "pocketsphinx"], check=True,
                               capture_output=True, text=True).stdout.split()
        subprocess.run(["nice", "-n", "19", "gcc", "-O2", "-Wall", "-o", str(binary), str(source)] + flags, check=True)
    return binary


def run_measured(cmd):
    """stdout, and (user+sys seconds, peak RSS kB) of the child alone."""
    with tempfile.TemporaryFile() as stdout:
        process = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        err = process.stderr.read().decode()
        process.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(map(str, cmd))} failed: {err}")
        stdout.seek(0)
        return stdout.read().decode(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def threshold_score(exponent):
    """The lowest score a /1e-<exponent>/ threshold lets through."""
    units = math.floor(-exponent * math.log(10) / math.log(LOG_BASE))
    return (units >> 10) - KWS_MAX


def decode(binary, wav, kws, dictionary, extra=()):
    text, cpu, rss = run_measured(["nice", "-n", "19", str(binary), "-hmm", str(HMM), "-dict", str(dictionary),
                                   "-kws", str(kws), *extra, str(wav)])
    hits, loop_cpu = [], None
    for line in text.splitlines():
        parts = line.split(None, 6)
        if parts[0] == "HIT":
            hits.append(dict(heard=float(parts[2]), start=float(parts[3]), end=float(parts[4]),
                             score=int(parts[5]), phrase=parts[6].strip()))
        elif parts[0] == "FILE":
            loop_cpu = float(parts[3])
    return hits, dict(process_cpu=cpu, loop_cpu=loop_cpu, rss_kb=rss)


def reports(hits, thresholds=None):
    """Hits passing `thresholds` (phrase -> lowest score), grouped by the moment they were
    heard; the best of each group."""
    groups = defaultdict(list)
    for hit in hits:
        if thresholds is None or hit["score"] >= thresholds[hit["phrase"]]:
            groups[hit["heard"]].append(hit)
    return [max(group, key=lambda h: h["score"]) for _, group in sorted(groups.items())]


def score_file(entry, found):
    """Per-segment outcome and false alarms for one WAV's reports."""
    segments = entry["segments"]
    result = {"hits": [], "misses": [], "false_alarms": [], "latencies": []}
    if entry["corpus"] == "commands":
        heard = {seg["id"]: [] for seg in segments}
        for report in found:
            seg = next((s for s in segments if s["start"] + EARLY <= report["heard"] <= s["end"] + LATE), None)
            if seg is None:
                result["false_alarms"].append(dict(report, text="(between commands)", voice=""))
            else:
                heard[seg["id"]].append(report)
        for seg in segments:
            right = [r for r in heard[seg["id"]] if r["phrase"] == seg["command"]]
            for r in heard[seg["id"]]:
                if r is not (right[0] if right else None):
                    kind = "duplicate" if r["phrase"] == seg["command"] else "wrong command"
                    result["false_alarms"].append(dict(r, text=f"{seg['text']} ({kind})", voice=seg["voice"]))
            if right:
                result["hits"].append(seg)
                result["latencies"].append(right[0]["heard"] - seg["end"])
            else:
                result["misses"].append(seg)
    else:
        for report in found:
            seg = next((s for s in segments if s["utterance_start"] <= report["heard"] <= s["utterance_end"] + 1.0), None)
            result["false_alarms"].append(dict(report, text=seg["text"] if seg else "(silence)",
                                               voice=seg["voice"] if seg else ""))
    return result


def summarise(manifest, decoded, thresholds=None, verbose=True):
    """Scores every file; returns a summary dict and prints a report."""
    summary = {}
    lines = []
    for entry in manifest["files"]:
        name = entry["file"]
        if name not in decoded:
            continue
        hits, usage = decoded[name]
        result = score_file(entry, reports(hits, thresholds))
        minutes = entry["duration"] / 60
        item = {"duration": entry["duration"], "false_alarms": len(result["false_alarms"]),
                "fa_per_10min": round(len(result["false_alarms"]) / minutes * 10, 2),
                "cpu_percent": round(100 * usage["loop_cpu"] / entry["duration"], 2) if usage.get("loop_cpu") else None,
                "process_cpu_percent": round(100 * usage["process_cpu"] / entry["duration"], 2),
                "rss_kb": usage["rss_kb"], "fa_detail": [
                    {k: fa[k] for k in ("heard", "phrase", "score", "text", "voice")} for fa in result["false_alarms"]]}
        if entry["corpus"] == "commands":
            total = len(entry["segments"])
            item.update(hits=len(result["hits"]), total=total, misses=len(result["misses"]),
                        recall=round(len(result["hits"]) / total, 3),
                        latency_median=round(sorted(result["latencies"])[len(result["latencies"]) // 2], 2)
                        if result["latencies"] else None,
                        latency_max=round(max(result["latencies"]), 2) if result["latencies"] else None)
            per_voice, per_phrase = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
            per_phrase_recognised = defaultdict(int)
            recognisable = [seg for seg in entry["segments"] if not seg["voice"].startswith(UNRECOGNISED)]
            item["recognised"] = sum(seg in result["hits"] for seg in recognisable)
            item["recognisable"] = len(recognisable)
            item["recall_recognisable"] = round(item["recognised"] / len(recognisable), 3)
            for seg in recognisable:
                per_phrase_recognised[seg["command"]] += seg in result["hits"]
            item["per_phrase_recognised"] = {p: per_phrase_recognised[p] for p in PHRASES}
            for seg in entry["segments"]:
                got = seg in result["hits"]
                per_voice[seg["voice"]][0] += got
                per_voice[seg["voice"]][1] += 1
                per_phrase[seg["command"]][0] += got
                per_phrase[seg["command"]][1] += 1
            item["per_voice"] = {k: f"{a}/{b}" for k, (a, b) in per_voice.items()}
            item["per_phrase"] = {k: f"{a}/{b}" for k, (a, b) in per_phrase.items()}
            item["missed"] = [f"{s['id']} {s['voice']} {s['rate']}: {s['text']}" for s in result["misses"]]
            lines.append(f"{name}: {item['recognised']}/{item['recognisable']} hits from voices the model "
                         f"can transcribe ({100 * item['recall_recognisable']:.0f} %); all voices "
                         f"{len(result['hits'])}/{total} hits ({100 * item['recall']:.0f} %), "
                         f"{len(result['misses'])} missed, {item['false_alarms']} false alarms, "
                         f"latency median {item['latency_median']} s max {item['latency_max']} s, "
                         f"CPU {item['cpu_percent']} % of a core, RSS {item['rss_kb'] / 1024:.1f} MiB")
            lines.append("   per voice:  " + ", ".join(f"{k} {v}" for k, v in item["per_voice"].items()))
            lines.append("   per phrase: " + ", ".join(f"{k} {v}" for k, v in item["per_phrase"].items()))
            for miss in item["missed"]:
                lines.append(f"   missed {miss}")
        else:
            lines.append(f"{name}: {item['false_alarms']} false alarms in {minutes:.1f} min "
                         f"({item['fa_per_10min']} per 10 min), CPU {item['cpu_percent']} % of a core, "
                         f"RSS {item['rss_kb'] / 1024:.1f} MiB")
        by_phrase = defaultdict(int)
        for fa in result["false_alarms"]:
            by_phrase[fa["phrase"]] += 1
            lines.append(f"   FA {fa['heard']:8.2f} s  {fa['phrase']:<16} {fa['score']:6d}  {fa['voice']:<16} {fa['text']}")
        item["fa_per_phrase"] = dict(by_phrase)
        summary[name] = item
    if verbose:
        print("\n".join(lines))
    return summary


def load_manifest(out):
    path = out / "manifest.json"
    if not path.exists():
        sys.exit(f"{path} missing: run gen.py first")
    return json.loads(path.read_text())


def read_kws(path):
    thresholds = {}
    for line in Path(path).read_text().splitlines():
        if line.strip():
            phrase, _, rest = line.strip().partition("/")
            thresholds[phrase.strip()] = float(rest.rstrip("/"))
    return thresholds


def decode_touchtime(binary, wav):
    """touchtime's own spotter over one WAV: `touchtime _spot` prints HIT <file> <heard> <score> <phrase>."""
    text, cpu, rss = run_measured(["nice", "-n", "19", str(binary), "_spot", str(wav)])
    hits, loop_cpu = [], None
    for line in text.splitlines():
        parts = line.split(None, 4)
        if parts[0] == "HIT":
            hits.append(dict(heard=float(parts[2]), start=0.0, end=0.0, score=int(parts[3]), phrase=parts[4].strip()))
        elif parts[0] == "FILE":
            loop_cpu = float(parts[3])
    return hits, dict(process_cpu=cpu, loop_cpu=loop_cpu, rss_kb=rss)


def decode_all(manifest, out, kws, dictionary, wanted, extra=(), touchtime=None):
    binary = touchtime or build(out)
    decoded = {}
    for entry in manifest["files"]:
        if wanted and not any(w in entry["file"] for w in wanted):
            continue
        if touchtime:
            decoded[entry["file"]] = decode_touchtime(touchtime, out / entry["file"])
        else:
            decoded[entry["file"]] = decode(binary, out / entry["file"], kws, dictionary, extra)
        print(f"decoded {entry['file']}", file=sys.stderr, flush=True)
    return decoded


def grid(manifest, out, dictionary, exponents, plps, budget_per_10min, extra=()):
    """Decode the command and ordinary corpora with every phrase at /1e-E/ for each E (and
    each -kws_plp), then choose per-phrase exponents: hits and false alarms are counted per
    phrase, and the phrase with the most hits gained per false alarm added is loosened first
    while the ordinary corpus stays within the false-alarm budget in both conditions.
    Phrases interact a little (the best of simultaneous hits wins, and a hit restarts the
    search), so the choice is checked by a real run afterwards."""
    from concurrent.futures import ThreadPoolExecutor
    binary = build(out)
    files = [e for e in manifest["files"] if e["corpus"] in ("commands", "ordinary")]
    jobs = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for plp in plps:
            for exponent in exponents:
                kws = out / f"keyphrases-1e-{exponent}.txt"
                kws.write_text("".join(f"{p} /1e-{exponent}/\n" for p in PHRASES))
                for entry in files:
                    jobs[(plp, exponent, entry["file"])] = pool.submit(
                        decode, binary, out / entry["file"], kws, dictionary, ("-set", "-kws_plp", plp) + extra)
        results = {key: job.result() for key, job in jobs.items()}
    table = {}
    for plp in plps:
        print(f"-kws_plp {plp}")
        for exponent in exponents:
            decoded = {name: results[(p, e, name)] for (p, e, name) in results if p == plp and e == exponent}
            summary = summarise(manifest, decoded, verbose=False)
            row = {}
            for entry in files:
                item = summary[entry["file"]]
                if entry["corpus"] == "commands":
                    row[entry["condition"]] = item["recognised"]
                    for phrase in PHRASES:
                        table[(plp, exponent, phrase, "hits", entry["condition"])] = item["per_phrase_recognised"][phrase]
                else:
                    row["FA " + entry["condition"]] = item["false_alarms"]
                    for phrase in PHRASES:
                        table[(plp, exponent, phrase, "fa", entry["condition"])] = item["fa_per_phrase"].get(phrase, 0)
                row["CPU " + entry["file"]] = item["cpu_percent"]
            print(f"  1e-{exponent}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    minutes = {e["condition"]: e["duration"] / 60 for e in files if e["corpus"] == "ordinary"}
    for plp in plps:
        levels = {p: exponents[0] for p in PHRASES}

        def totals(levels):
            fa = {c: sum(table[(plp, levels[p], p, "fa", c)] for p in PHRASES) for c in minutes}
            hits = sum(table[(plp, levels[p], p, "hits", c)] for p in PHRASES for c in minutes)
            return hits, fa
        while True:
            hits, fa = totals(levels)
            best = None
            for p in PHRASES:
                for e in exponents[exponents.index(levels[p]) + 1:]:
                    h, f = totals(dict(levels, **{p: e}))
                    if any(f[c] / minutes[c] * 10 > budget_per_10min for c in f):
                        break
                    if h > hits:
                        value = (h - hits) / (sum(f.values()) - sum(fa.values()) + 0.1)
                        if best is None or value > best[0]:
                            best = (value, p, e)
                        break
            if best is None:
                break
            levels[best[1]] = best[2]
        hits, fa = totals(levels)
        print(f"-kws_plp {plp}: chosen exponents {levels}: {hits} recognisable-voice hits (all conditions together), "
              f"ordinary false alarms {fa} (estimate; check with a real run)")


def startup(out):
    binary = build(out)
    rows = []
    for label, dictionary in (("commands.dict (9 entries)", HERE / "commands.dict"),
                              ("cmudict-en-us.dict (full)", FULL_DICT)):
        samples = []
        for _ in range(5):
            text, cpu, rss = run_measured([str(binary), "-hmm", str(HMM), "-dict", str(dictionary),
                                           "-kws", str(HERE / "keyphrases.txt"), "-startup"])
            init_cpu, init_wall = map(float, text.split()[1:3])
            samples.append((init_wall, init_cpu, cpu, rss))
        samples.sort()
        wall, init_cpu, cpu, rss = samples[len(samples) // 2]
        rows.append(f"{label}: ps_init+ps_set_kws {wall * 1000:.0f} ms wall ({init_cpu * 1000:.0f} ms CPU), "
                    f"whole process {cpu * 1000:.0f} ms CPU, peak RSS {rss / 1024:.1f} MiB (median of 5)")
    print("\n".join(rows))


def continuous(manifest, out, kws, dictionary):
    """Counts per phrase from pocketsphinx_continuous -infile (its own VAD segmentation)."""
    for entry in manifest["files"]:
        if entry["corpus"] not in ("commands", "ordinary"):
            continue
        text, cpu, rss = run_measured(["nice", "-n", "19", "pocketsphinx_continuous", "-hmm", str(HMM),
                                       "-dict", str(dictionary), "-kws", str(kws), "-infile",
                                       str(out / entry["file"]), "-time", "yes", "-logfn", "/dev/null"])
        counts = defaultdict(int)
        for line in text.splitlines():
            for phrase in PHRASES:
                parts = line.rsplit(None, 3)
                if len(parts) == 4 and parts[0].strip() == phrase:
                    counts[phrase] += 1
        expected = defaultdict(int)
        for seg in entry["segments"]:
            if seg["command"]:
                expected[seg["command"]] += 1
        print(f"{entry['file']}: pocketsphinx_continuous detections {dict(counts)} "
              f"(commands spoken: {dict(expected) or 'none'}), process CPU {100 * cpu / entry['duration']:.2f} % "
              f"of a core, RSS {rss / 1024:.1f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--kws", type=Path, default=HERE / "keyphrases.txt")
    parser.add_argument("--dict", type=Path, default=HERE / "commands.dict")
    parser.add_argument("--only", nargs="*", default=[], help="only WAVs whose names contain one of these")
    parser.add_argument("--json", type=Path, help="write the summary here")
    parser.add_argument("--options", default="", metavar="'-NAME VALUE ...'",
                        help="decoder options for every run, e.g. --options='-kws_plp 1e-10'")
    parser.add_argument("--grid", nargs="*", type=int, metavar="E",
                        help="decode with every phrase at /1e-E/ for each E, then choose per-phrase thresholds")
    parser.add_argument("--plp", nargs="*", default=["1e-1"], help="--grid: -kws_plp values (1e-1 is the default)")
    parser.add_argument("--budget", type=float, default=1.0, help="--grid: false alarms per 10 min allowed")
    parser.add_argument("--startup", action="store_true")
    parser.add_argument("--engine", choices=["touchtime", "kwsspot", "continuous"], default="touchtime")
    parser.add_argument("--binary", type=Path, default=HERE.parent.parent / ".build" / "release" / "touchtime",
                        help="--engine touchtime: the touchtime binary (default .build/release/touchtime)")
    args = parser.parse_args()
    if args.startup:
        return startup(args.out)
    manifest = load_manifest(args.out)
    words = args.options.split()
    extra = tuple(x for i in range(0, len(words) - 1, 2) for x in ("-set", words[i], words[i + 1]))
    if words:
        print("decoder options: " + args.options)
    if args.grid:
        return grid(manifest, args.out, args.dict, sorted(args.grid), args.plp, args.budget, extra)
    if args.engine == "continuous":
        return continuous(manifest, args.out, args.kws, args.dict)
    if args.engine == "touchtime":
        print(f"engine: touchtime _spot ({args.binary}), its default thresholds")
        decoded = decode_all(manifest, args.out, None, None, args.only, touchtime=args.binary)
        summary = summarise(manifest, decoded)
        if args.json:
            args.json.write_text(json.dumps({"engine": "touchtime", "files": summary}, indent=1) + "\n")
        return
    print(f"keyphrases {args.kws.name}: " + ", ".join(f"{p} /{t:g}/" for p, t in read_kws(args.kws).items()))
    decoded = decode_all(manifest, args.out, args.kws, args.dict, args.only, extra)
    summary = summarise(manifest, decoded)
    if args.json:
        args.json.write_text(json.dumps({"keyphrases": read_kws(args.kws), "files": summary}, indent=1) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# What listening costs a session: a 30 s session (no sound of its own) listening through a private
# PulseAudio server's virtual microphone while ordinary treatment talk plays into it, against the
# same session not listening; pairs run in turn (A B A B ...), measured with /usr/bin/time: CPU
# seconds and peak memory of the whole process. Prints each pair and the medians of the
# differences. Target (issue 14): at most 3 % of a core and 40 MB more.
#
# Usage: bash Benchmarks/listen/session_cost.sh [path/to/touchtime] [pairs, default 5]
#        (needs pulseaudio, pulseaudio-utils, /usr/bin/time, and the corpus: python3 gen.py)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${1:-$root/.build/release/touchtime}
pairs=${2:-5}
talk=$here/out/ordinary-clean.wav
[ -f "$talk" ] || { echo "no $talk: run python3 $here/gen.py first" >&2; exit 2; }
work=$(mktemp -d)
export XDG_RUNTIME_DIR=$work/run HOME=$work
mkdir -p "$XDG_RUNTIME_DIR"
pulseaudio --daemonize=no --exit-idle-time=-1 -n --log-level=error \
  --load="module-null-sink sink_name=room" --load="module-native-protocol-unix" </dev/null >/dev/null 2>&1 &
server=$!
player=
trap 'kill $player 2>/dev/null || true; kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
# The room talks all along: paplay loops over the 21 minutes of ordinary speech.
(while true; do paplay --device=room "$talk" 2>/dev/null || break; done) &
player=$!

cat > "$work/half-minute.json" <<'JSON'
{"format": "touchtime/1", "id": "half-minute", "title": "Half a minute", "phases": [
  {"id": "a", "title": "Massage", "cue": "Slow sweeping strokes.", "duration": 15},
  {"id": "b", "title": "Rest", "kind": "stillness", "cue": "Stillness.", "duration": 15}]}
JSON

run() {  # name, extra arguments
  PULSE_SOURCE=room.monitor /usr/bin/time -f '%U %S %e %M' -o "$work/$1.time" \
    "$binary" run "$work/half-minute.json" --plain --lead-in 0 --no-sound --no-history "${@:2}" >/dev/null 2>"$work/$1.err" || true
  tail -n 1 "$work/$1.time"
}

echo "pair  listening: cpu s  wall s  peak MB   not listening: cpu s  wall s  peak MB"
: > "$work/diffs"
for pair in $(seq "$pairs"); do
  read -r lu ls le lm < <(run listening --listen --listen-device pulse)
  read -r nu ns ne nm < <(run plain)
  lc=$(echo "$lu + $ls" | bc); nc=$(echo "$nu + $ns" | bc)
  printf '%4d  %17.2f  %6.1f  %7.1f   %21.2f  %6.1f  %7.1f\n' "$pair" "$lc" "$le" "$(echo "$lm / 1024" | bc -l)" \
    "$nc" "$ne" "$(echo "$nm / 1024" | bc -l)"
  echo "$(echo "($lc - $nc) / $le * 100" | bc -l) $(echo "($lm - $nm) / 1024" | bc -l)" >> "$work/diffs"
  [ -s "$work/listening.err" ] && { echo "listening run wrote: $(cat "$work/listening.err")" >&2; }
done
python3 - "$work/diffs" <<'PY'
import statistics, sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
cpu = statistics.median(r[0] for r in rows)
mem = statistics.median(r[1] for r in rows)
print(f"listening costs, median of {len(rows)} pairs: {cpu:.2f} % of a core more, {mem:.1f} MB more peak memory")
PY

#!/usr/bin/env bash
# Idle cost of the bedside display: a 60 s session shown full screen in a real terminal (tmux,
# 80x24), measured with /usr/bin/time: CPU seconds, share of one core, peak memory.
# Beside it, termdown 2.0.0 (PyPI) counting down 60 s in the same terminal, measured the same way.
# Target (issue 4): at most 0.5 % of a core and 20 MB.
#
# Usage: bash Benchmarks/idle_cost.sh [path/to/touchtime]   (needs tmux and /usr/bin/time)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$root/.build/release/touchtime}
[ -x "$binary" ] || (cd "$root" && swift build -c release --product touchtime >/dev/null)
work=$(mktemp -d)
socket="idle-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

cat > "$work/idle.json" <<'JSON'
{"format": "touchtime/1", "id": "idle", "title": "Idle cost", "phases": [
  {"id": "a", "title": "Massage", "cue": "Slow sweeping strokes.", "duration": 30},
  {"id": "b", "title": "Rest", "kind": "stillness", "cue": "Stillness.", "duration": 30}]}
JSON

measure() {  # name, command line
  tmux -L "$socket" new-session -d -s idle -x 80 -y 24 "bash --norc --noprofile" </dev/null >/dev/null 2>&1
  tmux -L "$socket" send-keys -t idle "/usr/bin/time -f '%U %S %e %M' -o $work/$1.time $2; tmux -L $socket wait-for -S done" Enter
  tmux -L "$socket" wait-for done
  tmux -L "$socket" kill-server 2>/dev/null || true
  # The last line: a command that exits non-zero adds a line before it.
  read -r user system elapsed peak < <(tail -n 1 "$work/$1.time")
  cpu=$(echo "$user + $system" | bc)
  printf '%-34s cpu %5.2f s over %5.1f s = %5.2f %% of a core, peak memory %5.1f MB\n' \
    "$3" "$cpu" "$elapsed" "$(echo "scale=4; $cpu * 100 / $elapsed" | bc)" "$(echo "scale=1; $peak / 1024" | bc)"
}

measure touchtime "$binary run $work/idle.json --no-sound --lead-in 0 --exit-at-end" "touchtime run (60 s, full screen)"
if python3 -m pip install --quiet --target "$work/termdown" termdown==2.0.0 >/dev/null 2>&1; then
  measure termdown "env PYTHONPATH=$work/termdown python3 $work/termdown/bin/termdown 60" "termdown 2.0.0 (60 s)"
else
  echo "termdown 2.0.0: not installable here (PyPI unreachable)"
fi

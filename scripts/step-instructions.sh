#!/usr/bin/env bash
# Counts the instructions each side of the `peers` benchmark executes per step, with
# callgrind: the count is the same on every run whatever else the machine does, unlike the
# times. Each side runs twice under callgrind, repeating its workload (1,024 steps) 0 and
# REPEAT times in one process; the difference divided by REPEAT × 1,024 is its cost per step
# without the set-up (spec checks, agreement checks) both runs share.
#
# Usage: scripts/step-instructions.sh [REPEAT] (default 20). Needs valgrind. Takes about two
# minutes after the benchmark's release build.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-20}
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 2; }
binary=$(cargo bench -q -p tcp-fsm --bench peers --no-run --message-format=json 2>/dev/null |
  jq -r 'select(.executable != null and .target.name == "peers") | .executable')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

instructions() { # GROUP/SIDE REPEAT -> total instructions of the run
  PEERS_COUNT=$2 PEERS_SIDE=$1 valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
    "$binary" --bench >/dev/null 2>"$out/log"
  sed -n 's/^summary: //p' "$out/cg"
}

printf '| workload | side | instructions per step |\n| --- | --- | ---: |\n'
for group in "TCP legal walk, 1024 events" "TCP mixed pairs, 1024 pairs" \
  "1,000-transition legal walk, 1024 events" "1,000-transition mixed pairs, 1024 pairs"; do
  for side in "hand-written match" "tcp-fsm runtime::step" "tcp-fsm Machine::handle" \
    "rust-fsm consume" "smlang process_event" "statig handle"; do
    base=$(instructions "$group/$side" 0)
    work=$(instructions "$group/$side" "$repeat")
    per_step=$(echo "scale=2; ($work - $base) / ($repeat * 1024)" | bc)
    printf '| %s | %s | %s |\n' "$group" "$side" "$per_step"
  done
done

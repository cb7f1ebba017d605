#!/usr/bin/env bash
# `tcp-fsm track` with Parquet output off and on, against tshark, in one run: on one synthetic
# capture and on the same number of packets split into CAPTURES captures (default 100) in a
# directory. Prints a Markdown table of wall time, packets per second, the ratio to tshark and
# the peak resident set (`/usr/bin/time -v`) of each command.
#
#   scripts/track-fleet-throughput.sh [PACKETS]   # default 1,000,000 packets in all
#
# Commands (each run RUNS times, default 3, sides alternating; fastest run and largest peak):
#   one capture:  track FILE --summary          | track FILE --format parquet --out DIR
#                 tshark -r FILE -q -z conv,tcp
#   many:         track DIR --summary           (one capture at a time, every core on each)
#                 track DIR --format parquet --out DIR   (one capture per core)
#                 for f in DIR/*; do tshark -r $f -q -z conv,tcp; done   (peak: the largest tshark)
# The captures are written by the `synth_capture` example under target/perf/ and deleted at the
# end (KEEP=1 keeps them). TSHARK=0 leaves tshark out.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
packets=${1:-1000000}
many=${CAPTURES:-100}
runs=${RUNS:-3}
use_tshark=${TSHARK:-1}
export CARGO_TERM_COLOR=never

cargo build --quiet --release -p tcp-engine --example synth_capture \
  -p tcp-fsm-tools --bin tcp-fsm
perf=target/perf/fleet
mkdir -p "$perf"
one=$perf/one-$packets.pcap
dir=$perf/many-$packets-$many
[ -n "${KEEP:-}" ] || trap 'rm -rf "$perf"' EXIT
[ -f "$one" ] || target/release/examples/synth_capture "$one" "$packets" >&2
if [ ! -d "$dir" ]; then
  mkdir -p "$dir"
  for ((i = 0; i < many; i++)); do
    target/release/examples/synth_capture "$(printf '%s/c%03d.pcap' "$dir" "$i")" \
      $((packets / many)) >/dev/null
  done
fi
track=target/release/tcp-fsm
if [ "$use_tshark" = 1 ] && ! command -v tshark >/dev/null; then
  echo "tshark is not installed (apt-get install -y tshark); leaving it out" >&2
  use_tshark=0
fi
frames_of() { # the frame count, from track's own headlines
  "$track" track "$1" --summary --threads 1 2>/dev/null |
    sed -nE 's/^.*: ([0-9]+) frames.*$/\1/p' | awk '{ n += $1 } END { print n }'
}
frames_one=$(frames_of "$one")
frames_many=$(frames_of "$dir")

sides=(one-summary one-parquet many-summary many-parquet)
[ "$use_tshark" = 1 ] && sides+=(one-tshark many-tshark)
command_of() {
  case $1 in
    one-summary) echo "$track track $one --summary" ;;
    one-parquet) echo "$track track $one --format parquet --out $perf/out" ;;
    many-summary) echo "$track track $dir --summary" ;;
    many-parquet) echo "$track track $dir --format parquet --out $perf/out" ;;
    one-tshark) echo "tshark -r $one -q -z conv,tcp" ;;
    many-tshark) echo "bash -c 'for f in $dir/*.pcap; do tshark -r \$f -q -z conv,tcp; done'" ;;
  esac
}
declare -A best_s best_kib
echo "one capture: $one ($frames_one packets); $many captures: $dir ($frames_many packets)" >&2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((run = 1; run <= runs; run++)); do
  for side in "${sides[@]}"; do
    rm -rf "$perf/out"
    eval "/usr/bin/time -v -o $perf/time $(command_of "$side")" >/dev/null 2>&1 || true
    wall=$(sed -nE 's/^\s*Elapsed \(wall clock\) time.*: (.*)$/\1/p' "$perf/time")
    kib=$(sed -nE 's/^\s*Maximum resident set size \(kbytes\): ([0-9]+)$/\1/p' "$perf/time")
    secs=$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$wall")
    echo "run $run $side: $secs s, $kib KiB" >&2
    if [ -z "${best_s[$side]:-}" ] || awk "BEGIN { exit !($secs < ${best_s[$side]}) }"; then
      best_s[$side]=$secs
    fi
    if [ -z "${best_kib[$side]:-}" ] || [ "$kib" -gt "${best_kib[$side]}" ]; then
      best_kib[$side]=$kib
    fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "| best of $runs | wall time | packets/s | vs tshark | peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: |"
for side in "${sides[@]}"; do
  case $side in
    one-summary) label='1 capture: `track FILE --summary`' ;;
    one-parquet) label='1 capture: `track FILE --format parquet`' ;;
    one-tshark) label='1 capture: `tshark -r FILE -q -z conv,tcp`' ;;
    many-summary) label="$many captures: \`track DIR --summary\`" ;;
    many-parquet) label="$many captures: \`track DIR --format parquet\`" ;;
    many-tshark) label="$many captures: \`tshark\` on each in turn" ;;
  esac
  frames=$frames_one
  [[ $side == many-* ]] && frames=$frames_many
  s=${best_s[$side]}
  ratio="-"
  if [ "$use_tshark" = 1 ]; then
    ratio=$(awk "BEGIN { printf \"%.1fx\", ${best_s[${side%%-*}-tshark]} / $s }")
  fi
  awk -v l="$label" -v s="$s" -v p="$frames" -v r="$ratio" -v k="${best_kib[$side]}" \
    'BEGIN { printf "| %s | %.2f s | %.0f | %s | %.1f MiB |\n", l, s, p / s, r, k / 1024 }'
done

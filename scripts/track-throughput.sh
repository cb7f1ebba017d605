#!/usr/bin/env bash
# `tcp-fsm track --summary` on 1 and 2 threads against `tshark -r FILE -q -z conv,tcp`, on the
# same synthetic capture, in one run: wall time, packets per second, the ratio to tshark and
# the peak resident set (`/usr/bin/time -v`) of each, as a Markdown table.
#
#   scripts/track-throughput.sh [PACKETS]   # default 1,000,000 packets (about 96 MB)
#
# The capture is written by the `synth_capture` example (many interleaved well-behaved
# connections, 64 at a time) under target/perf/ and deleted at the end (KEEP=1 keeps it).
# Each command runs RUNS times (default 3), sides alternating so that load on the machine hits
# all of them; the fastest run counts. TSHARK=0 leaves tshark out (on captures of gigabytes
# its memory grows with the conversation count). The reports of 1 and 2 threads are compared
# byte for byte. The 1-minute load average is printed before and after.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
packets=${1:-1000000}
runs=${RUNS:-3}
use_tshark=${TSHARK:-1}
export CARGO_TERM_COLOR=never

cargo build --quiet --release -p tcp-engine --example synth_capture \
  -p tcp-fsm-tools --bin tcp-fsm
mkdir -p target/perf
capture=target/perf/track-$packets.pcap
[ -n "${KEEP:-}" ] || trap 'rm -f "$capture" target/perf/track-report.*' EXIT
[ -f "$capture" ] || target/release/examples/synth_capture "$capture" "$packets" >&2
bytes=$(stat -c %s "$capture")
track=target/release/tcp-fsm
if [ "$use_tshark" = 1 ] && ! command -v tshark >/dev/null; then
  echo "tshark is not installed (apt-get install -y tshark); leaving it out" >&2
  use_tshark=0
fi

# The report itself gives the frame count.
"$track" track "$capture" --summary --threads 1 >target/perf/track-report.1 || true
"$track" track "$capture" --summary --threads 2 >target/perf/track-report.2 || true
cmp target/perf/track-report.1 target/perf/track-report.2 ||
  { echo "the reports of 1 and 2 threads differ" >&2; exit 1; }
frames=$(tail -n 1 target/perf/track-report.1 | sed -E 's/^.*: ([0-9]+) frames.*$/\1/')
connections=$(tail -n 1 target/perf/track-report.1 | sed -E 's/^.*; ([0-9]+) connections.*$/\1/')

sides=("track1" "track2")
[ "$use_tshark" = 1 ] && sides+=("tshark")
declare -A best_s best_kib
command_of() {
  case $1 in
    track1) echo "$track track $capture --summary --threads 1" ;;
    track2) echo "$track track $capture --summary --threads 2" ;;
    tshark) echo "tshark -r $capture -q -z conv,tcp" ;;
  esac
}
echo "capture: $capture ($frames packets, $connections connections, $bytes bytes)" >&2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((run = 1; run <= runs; run++)); do
  for side in "${sides[@]}"; do
    # shellcheck disable=SC2046 # the command is split into words on purpose
    /usr/bin/time -v -o target/perf/track-report.time $(command_of "$side") >/dev/null 2>&1 || true
    wall=$(sed -nE 's/^\s*Elapsed \(wall clock\) time.*: (.*)$/\1/p' target/perf/track-report.time)
    kib=$(sed -nE 's/^\s*Maximum resident set size \(kbytes\): ([0-9]+)$/\1/p' target/perf/track-report.time)
    # h:mm:ss or m:ss.ss to seconds
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

echo "| | wall time (best of $runs) | packets/s | vs tshark | peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: |"
for side in "${sides[@]}"; do
  case $side in
    track1) label='`tcp-fsm track --summary --threads 1`' ;;
    track2) label='`tcp-fsm track --summary --threads 2`' ;;
    tshark) label='`tshark -r FILE -q -z conv,tcp`' ;;
  esac
  s=${best_s[$side]}
  ratio="-"
  if [ "$use_tshark" = 1 ]; then
    ratio=$(awk "BEGIN { printf \"%.1fx\", ${best_s[tshark]} / $s }")
  fi
  awk -v l="$label" -v s="$s" -v p="$frames" -v r="$ratio" -v k="${best_kib[$side]}" \
    'BEGIN { printf "| %s | %.2f s | %.0f | %s | %.1f MiB |\n", l, s, p / s, r, k / 1024 }'
done

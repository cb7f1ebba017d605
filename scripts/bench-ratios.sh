#!/usr/bin/env bash
# Runs a benchmark of tcp-fsm several times and prints, for every benchmark, its time
# relative to its group's baseline in the same run (`hand-written match` in `step`, `plain
# code` in `zero_cost`): the median, lowest and highest ratio over the runs, and the median
# time. Ratios taken in one run share the machine's load, so they survive noise that the
# times themselves do not.
#
# Usage: scripts/bench-ratios.sh [BENCH] [RUNS]: BENCH is step (default), peers or zero_cost,
# RUNS defaults to 5. Needs jq. A run of `step` takes about a minute and a half, of `peers`
# about two minutes (after its first build, which takes several).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-step}
runs=${2:-5}
criterion=target/criterion
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT

case $bench in
  step) groups=("TCP step, 1024 pairs" "TCP walk, 1024 events" "1,000-transition step, 1024 pairs"
    "1,000-transition walk, 1024 events") ;;
  peers) groups=("TCP legal walk, 1024 events" "TCP mixed pairs, 1024 pairs"
    "1,000-transition legal walk, 1024 events" "1,000-transition mixed pairs, 1024 pairs") ;;
  zero_cost) groups=("client path" "server path" "reset in SYN_RECEIVED") ;;
  *) echo "unknown benchmark $bench: step, peers or zero_cost" >&2 && exit 2 ;;
esac

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
estimate() { jq '.median.point_estimate' "$1/new/estimates.json"; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
loads=()
for run in $(seq "$runs"); do
  cargo bench -q -p tcp-fsm --bench "$bench" -- --warm-up-time 1 --measurement-time 3 >/dev/null 2>&1
  for group in "${groups[@]}"; do
    baseline="hand-written match"
    [ -d "$criterion/$group/$baseline" ] || baseline="plain code"
    base=$(estimate "$criterion/$group/$baseline")
    for dir in "$criterion/$group"/*/; do
      name=$(basename "$dir")
      [ "$name" = report ] && continue
      time=$(estimate "$dir")
      echo "$group|$name|$(awk -v t="$time" -v b="$base" 'BEGIN { printf "%.3f", t / b }')|$time"
    done
  done >>"$samples"
  echo "run $run of $runs done; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
done

printf '| group | benchmark | median ratio | lowest | highest | median time (ns) | ns per step |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: | ---: |\n'
for group in "${groups[@]}"; do
  grep -F "$group|" "$samples" | cut -d'|' -f2 | sort -u | while read -r name; do
    rows=$(grep -F "$group|$name|" "$samples")
    ratios=$(cut -d'|' -f3 <<<"$rows")
    time=$(cut -d'|' -f4 <<<"$rows" | median)
    # Every group of `step` and `peers` takes 1,024 steps per iteration.
    per_step=$([ "$bench" = zero_cost ] && echo - || awk -v t="$time" 'BEGIN { printf "%.2f", t / 1024 }')
    printf '| %s | %s | %.2f | %.2f | %.2f | %.1f | %s |\n' "$group" "${name//__/::}" \
      "$(median <<<"$ratios")" "$(sort -g <<<"$ratios" | head -1)" \
      "$(sort -g <<<"$ratios" | tail -1)" "$time" "$per_step"
  done
done
echo "one-minute load after each run: ${loads[*]}" >&2

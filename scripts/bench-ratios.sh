#!/usr/bin/env bash
# Runs a benchmark of tcp-fsm several times and prints, for every benchmark, its time
# relative to its group's baseline in the same run (`hand-written match` in `step`, `plain
# code` in `zero_cost`): the median, lowest and highest ratio over the runs, and the median
# time. Ratios taken in one run share the machine's load, so they survive noise that the
# times themselves do not.
#
# Usage: scripts/bench-ratios.sh [BENCH] [RUNS]: BENCH is step (default) or zero_cost, RUNS
# defaults to 5. Needs jq. A run of `step` takes about a minute and a half.
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
  zero_cost) groups=("client path" "server path" "reset in SYN_RECEIVED") ;;
  *) echo "unknown benchmark $bench: step or zero_cost" >&2 && exit 2 ;;
esac

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
estimate() { jq '.median.point_estimate' "$1/new/estimates.json"; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
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
done

printf '| group | benchmark | median ratio | lowest | highest | median time (ns) |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: |\n'
for group in "${groups[@]}"; do
  grep -F "$group|" "$samples" | cut -d'|' -f2 | sort -u | while read -r name; do
    rows=$(grep -F "$group|$name|" "$samples")
    ratios=$(cut -d'|' -f3 <<<"$rows")
    printf '| %s | %s | %.2f | %.2f | %.2f | %.1f |\n' "$group" "${name//__/::}" \
      "$(median <<<"$ratios")" "$(sort -g <<<"$ratios" | head -1)" \
      "$(sort -g <<<"$ratios" | tail -1)" "$(cut -d'|' -f4 <<<"$rows" | median)"
  done
done

#!/usr/bin/env bash
# Runs the `step` benchmark several times and prints, for every benchmark, its time relative
# to its group's baseline (`hand-written match`, or `plain code` for the typed path) in the
# same run: the median, lowest and highest ratio over the runs, and the median time.
# Ratios taken in one run share the machine's load, so they survive noise that the times
# themselves do not.
#
# Usage: scripts/bench-ratios.sh [RUNS] (default 5). Needs jq. Each run takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
criterion=target/criterion
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
estimate() { jq '.median.point_estimate' "$1/new/estimates.json"; }

groups=("TCP step, 1024 pairs" "TCP walk, 1024 events" "1,000-transition step, 1024 pairs"
  "1,000-transition walk, 1024 events" "client path")
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for run in $(seq "$runs"); do
  cargo bench -q -p tcp-fsm --bench step -- --warm-up-time 1 --measurement-time 3 >/dev/null 2>&1
  for group in "${groups[@]}"; do
    baseline="hand-written match"
    [ -d "$criterion/$group/$baseline" ] || baseline="plain code"
    base=$(estimate "$criterion/$group/$baseline")
    for dir in "$criterion/$group"/*/; do
      bench=$(basename "$dir")
      [ "$bench" = report ] && continue
      time=$(estimate "$dir")
      echo "$group|$bench|$(awk -v t="$time" -v b="$base" 'BEGIN { printf "%.3f", t / b }')|$time"
    done
  done >>"$samples"
  echo "run $run of $runs done; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done

printf '| group | benchmark | median ratio | lowest | highest | median time (ns) |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: |\n'
cut -d'|' -f1,2 "$samples" | sort -u | while IFS='|' read -r group bench; do
  rows=$(grep -F "$group|$bench|" "$samples")
  ratios=$(cut -d'|' -f3 <<<"$rows")
  printf '| %s | %s | %.2f | %.2f | %.2f | %.0f |\n' "$group" "${bench//__/::}" \
    "$(median <<<"$ratios")" "$(sort -g <<<"$ratios" | head -1)" \
    "$(sort -g <<<"$ratios" | tail -1)" "$(cut -d'|' -f4 <<<"$rows" | median)"
done

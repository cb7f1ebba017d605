#!/usr/bin/env bash
# Build cost of the same machine through each state-machine macro: `fsm!` (tcp-fsm-macros),
# rust-fsm's `state_machine!`, smlang's `statemachine!` and statig's `#[state_machine]`, each
# in a library crate of its own, for the TCP spec and for the 1,000-transition spec of the
# benchmarks. The peers' sources are the ones the `peers` benchmark runs
# (`tcp-fsm/benches/peers/*.rs`), with the same small hand-written context.
#
# - clean build: `cargo build` in a fresh target directory, dependencies included;
# - rebuild: `touch src/lib.rs; cargo build`, the edit-compile loop.
#
# Default cargo settings (dev profile). Each figure: the median and the best of RUNS (default
# 3), crates alternating so that load on the machine hits each. Prints a Markdown table.
# Usage: scripts/build-cost.sh   (KEEP=1 keeps the temporary workspace)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
work=$(mktemp -d /tmp/fsm-build-cost.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=1
peers=$repo/tcp-fsm/benches/peers

echo "workspace: $work; load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

crates=()
new_crate() { # name dependency-line
  mkdir -p "$work/$1/src"
  cat >"$work/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
$2
TOML
  crates+=("$1")
}

# The smlang context and the statig shared storage, as in the benchmark.
smlang_context() { # outputs...
  printf 'pub struct Connection {\n    pub sent: Option<Output>,\n    pub passive: bool,\n}\n\n'
  printf 'impl StateMachineContext for Connection {\n'
  if [ "$1" = tcp ]; then
    printf '    fn passive_open(&self) -> Result<bool, ()> {\n        Ok(self.passive)\n    }\n'
    printf '    fn active_open(&self) -> Result<bool, ()> {\n        Ok(!self.passive)\n    }\n'
  fi
  shift
  for output in "$@"; do
    local action
    action=$(sed -E 's/([a-z0-9])([A-Z])/\1_\2/g' <<<"$output" | tr '[:upper:]' '[:lower:]')
    printf '    fn send_%s(&mut self) -> Result<(), ()> {\n' "$action"
    printf '        self.sent = Some(Output::%s);\n        Ok(())\n    }\n' "$output"
  done
  printf '}\n'
}

statig_storage() { # machine
  printf 'use statig::prelude::*;\n\npub struct Connection {\n    passive: bool,\n}\n\n'
  printf 'impl Connection {\n    pub fn new() -> Self {\n        Connection { passive: true }\n    }\n'
  if [ "$1" = tcp ]; then
    printf '    fn passive_open(&self) -> bool {\n        self.passive\n    }\n'
    printf '    fn active_open(&self) -> bool {\n        !self.passive\n    }\n'
  fi
  printf '}\n\n'
}

for machine in tcp large; do
  spec=$([ "$machine" = tcp ] && echo "$repo/tcp-fsm/tcp.toml" || echo "$repo/tcp-fsm/benches/large/spec.toml")
  outputs=$(sed -n '/^pub enum Output {/,/^}/p' "$peers/${machine}_smlang.rs" | sed -n 's/^    \([A-Za-z0-9]*\),$/\1/p')

  new_crate "$machine-fsm" "tcp-fsm-macros = { path = \"$repo/tcp-fsm-macros\" }"
  cp "$spec" "$work/$machine-fsm/spec.toml"
  printf 'tcp_fsm_macros::fsm!("spec.toml");\n' >"$work/$machine-fsm/src/lib.rs"

  new_crate "$machine-rust-fsm" 'rust-fsm = "0.8"'
  cp "$peers/${machine}_rust_fsm.rs" "$work/$machine-rust-fsm/src/lib.rs"

  new_crate "$machine-smlang" 'smlang = "0.8"'
  { cat "$peers/${machine}_smlang.rs"; echo; smlang_context "$machine" $outputs; } \
    >"$work/$machine-smlang/src/lib.rs"

  new_crate "$machine-statig" 'statig = "0.4"'
  { statig_storage "$machine"; cat "$peers/${machine}_statig.rs"; } >"$work/$machine-statig/src/lib.rs"
done

{
  printf '[workspace]\nresolver = "3"\nmembers = ['
  printf '"%s", ' "${crates[@]}"
  printf ']\n'
} >"$work/Cargo.toml"
# The same dependency versions as the repository (cargo drops the packages not needed).
cp "$repo/Cargo.lock" "$work/Cargo.lock"

seconds() { # command...: wall time of the command, in seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

build() { # crate target-dir
  cargo build --offline -q --manifest-path "$work/Cargo.toml" -p "$1" --target-dir "$2"
}

results=$work/results
: >"$results"
for crate in "${crates[@]}"; do # each crate builds before it is measured; warms the rebuilds
  build "$crate" "$work/target"
done
for _ in $(seq "$runs"); do
  for crate in "${crates[@]}"; do
    rm -rf "$work/target-clean"
    echo "clean|$crate|$(seconds build "$crate" "$work/target-clean")" >>"$results"
    touch "$work/$crate/src/lib.rs"
    echo "rebuild|$crate|$(seconds build "$crate" "$work/target")" >>"$results"
  done
  echo "run done; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
rm -rf "$work/target-clean"

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
figure() { # kind crate: "median (best)"
  local values
  values=$(grep -F "$1|$2|" "$results" | cut -d'|' -f3)
  printf '%.2f (%.2f)' "$(median <<<"$values")" "$(sort -g <<<"$values" | head -1)"
}

echo "| machine | macro | clean build with dependencies (s) | rebuild after touching the source (s) |"
echo "| --- | --- | ---: | ---: |"
for crate in "${crates[@]}"; do
  machine=${crate%%-*}
  name=$([ "$machine" = tcp ] && echo "TCP (92 transitions)" || echo "1,000 transitions")
  case ${crate#*-} in
    fsm) macro='`fsm!`' ;;
    rust-fsm) macro='rust-fsm `state_machine!`' ;;
    smlang) macro='smlang `statemachine!`' ;;
    statig) macro='statig `#[state_machine]`' ;;
  esac
  echo "| $name | $macro | $(figure clean "$crate") | $(figure rebuild "$crate") |"
done
echo "medians (best) of $runs; load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

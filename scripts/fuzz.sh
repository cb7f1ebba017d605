#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz, libFuzzer) of the three readers of untrusted bytes:
# `spec` (spec files through fsm_spec::check and the renderers), `capture` (pcap/pcapng through
# `track`) and `scenario` (scenario files through Scenario::parse and simulate). The targets
# are in fuzz/fuzz_targets/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   # default 60 s each, all three targets
#
# Each target runs as one process (one job: the machine is shared) for SECONDS, from a corpus
# kept in fuzz/corpus/TARGET between runs plus seeds copied from the repository's own files at
# each run (the SEEDS table below). Prints per target the executions, executions per second,
# the corpus size and whether a crash, a timeout or an out-of-memory was found (its input is
# in fuzz/artifacts/TARGET/; `cargo +nightly fuzz fmt TARGET FILE` shows it); exits 1 when
# one was.
#
# cargo-fuzz needs the nightly toolchain. Without it, or without cargo-fuzz (installed here
# when missing, if possible), the script prints "skipped: ..." and exits 0, unless
# TCP_FSM_REQUIRE_FUZZ=1, where that is a failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(spec capture scenario)
export CARGO_TERM_COLOR=never

# Where the seeds come from: target, directory, file pattern, depth (1: the directory only).
# Cargo.toml files are never seeds. A row that finds no file fails the run, so that files that
# moved are followed here.
SEEDS="
spec      tcp-fsm                  *.toml   9
spec      tcp-engine/references    *.toml   1
spec      tcp-fsm-macros/tests     *.toml   9
spec      test-support             *.toml   1
capture   tcp-engine/testdata      *.pcap*  1
scenario  tcp-engine/scenarios     *.toml   1
"

skip() {
  if [ "${TCP_FSM_REQUIRE_FUZZ:-}" = 1 ]; then
    echo "error: TCP_FSM_REQUIRE_FUZZ=1 but fuzzing cannot run: $1" >&2
    exit 1
  fi
  echo "skipped: $1"
  exit 0
}

cargo +nightly --version >/dev/null 2>&1 || skip "no nightly toolchain (rustup toolchain install nightly)"
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz" >&2
  cargo install --quiet cargo-fuzz >&2 || skip "cargo-fuzz is not installed and cannot be"
fi

# The pcapng form of a pcap file (one interface, one Enhanced Packet Block per record), so
# that the pcapng reader starts from valid blocks too; needs python3, else only pcap seeds.
pcap_to_pcapng() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
magic = data[:4]
order = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
         b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}[magic]
nanos = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
snaplen, linktype = struct.unpack(order + "II", data[16:24])
def block(kind, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
options = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0) if nanos else b""
out += block(1, struct.pack("<HHI", linktype, 0, snaplen) + options)
at = 24
while at + 16 <= len(data):
    sec, frac, incl, orig = struct.unpack(order + "IIII", data[at:at + 16])
    stamp = sec * (10**9 if nanos else 10**6) + frac
    out += block(6, struct.pack("<IIIII", 0, stamp >> 32, stamp & 0xFFFFFFFF, incl, orig)
                 + data[at + 16:at + 16 + incl])
    at += 16 + incl
open(sys.argv[2], "wb").write(out)
PY
}

# fuzz/seeds/TARGET, rebuilt from the SEEDS table.
seed() {
  local target=$1 dir=$2 pattern=$3 depth=$4 found=0 file name
  [ -d "$dir" ] || { echo "error: seed directory $dir is gone; update SEEDS in $0" >&2; exit 1; }
  while IFS= read -r -d '' file; do
    name=${file//\//_}
    cp "$file" "fuzz/seeds/$target/$name"
    if [ "$target" = capture ] && [[ $file == *.pcap ]] && command -v python3 >/dev/null; then
      pcap_to_pcapng "$file" "fuzz/seeds/$target/${name}ng"
    fi
    found=$((found + 1))
  done < <(find "$dir" -maxdepth "$depth" -type f -name "$pattern" ! -name Cargo.toml -print0)
  [ "$found" -gt 0 ] || { echo "error: no $pattern in $dir; update SEEDS in $0" >&2; exit 1; }
}

rm -rf fuzz/seeds
mkdir -p fuzz/seeds fuzz/logs
for target in "${targets[@]}"; do
  mkdir -p "fuzz/seeds/$target" "fuzz/corpus/$target" "fuzz/artifacts/$target"
  while read -r row_target dir pattern depth; do
    [ "$row_target" = "$target" ] && seed "$target" "$dir" "$pattern" "$depth"
  done <<<"$SEEDS"
done

# No sanitizer: the code under test has no `unsafe`, so AddressSanitizer would only slow it
# down. Debug assertions on, so that an arithmetic overflow is a crash as it is in tests.
build=(--sanitizer none --debug-assertions)
cargo +nightly fuzz build "${build[@]}" >&2

failed=0
for target in "${targets[@]}"; do
  log=fuzz/logs/$target.log
  # Slow units are noted by libFuzzer but are not failures; crashes, timeouts, leaks and
  # out-of-memory inputs are.
  findings() { find "fuzz/artifacts/$target" -type f \( -name 'crash-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'leak-*' \) | wc -l; }
  before=$(findings)
  status=0
  cargo +nightly fuzz run "${build[@]}" "$target" "$repo/fuzz/corpus/$target" \
    "$repo/fuzz/seeds/$target" -- -max_total_time="$seconds" -print_final_stats=1 \
    -dict="$repo/fuzz/dict/$target.dict" -timeout=20 -rss_limit_mb=2048 \
    >"$log" 2>&1 || status=$?
  executions=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
  corpus=$(sed -nE 's/^#[0-9]+[[:space:]]+DONE .* corp: ([0-9]+\/[^ ]+).*/\1/p' "$log" | tail -n 1)
  after=$(findings)
  if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
    verdict="CRASH (exit $status; see $log and fuzz/artifacts/$target/)"
    failed=1
  else
    verdict="no crash"
  fi
  printf '%-9s %s s, %s executions (%s/s), corpus %s, %s\n' "$target:" "$seconds" \
    "${executions:-?}" "$(( ${executions:-0} / seconds ))" "${corpus:-?}" "$verdict"
done
exit "$failed"

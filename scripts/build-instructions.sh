#!/usr/bin/env bash
# Instructions rustc executes to compile a crate whose whole source is `fsm!("tcp.toml")`,
# for the TCP spec with its groups (tcp-fsm/tcp.toml) and for the same machine written
# without groups (the file as it was before the groups, from git: commit 78c493c). Counted
# with callgrind, so the figures repeat on a busy machine, where timing a build does not.
#
# - fresh: the crate compiled with an empty incremental cache (its dependencies built);
# - rebuild: `touch src/lib.rs` and compile again with the cache, the edit-compile loop.
#
# Usage: scripts/build-instructions.sh   Needs valgrind; takes about five minutes.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/fsm-build-instructions.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR=$work/target
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 2; }

for variant in flat grouped; do
  mkdir -p "$work/$variant/src"
  cat >"$work/$variant/Cargo.toml" <<TOML
[package]
name = "tcp_$variant"
version = "0.1.0"
edition = "2024"
[dependencies]
tcp-fsm-macros = { path = "$repo/tcp-fsm-macros" }
[workspace]
TOML
  echo 'tcp_fsm_macros::fsm!("tcp.toml");' >"$work/$variant/src/lib.rs"
done
git -C "$repo" show 78c493c:tcp-fsm/tcp.toml >"$work/flat/tcp.toml"
cp "$repo/tcp-fsm/tcp.toml" "$work/grouped/tcp.toml"

count() { # variant incremental-dir -> instructions of one rustc run
  local dir=$work/$1
  local command
  command=$(cd "$dir" && touch src/lib.rs && cargo build -v 2>&1 | grep 'Running `' | tail -1 |
    sed 's/.*Running `//; s/`$//; s/--error-format=json --json=[^ ]*//')
  command=$(echo "$command" | sed "s#-C incremental=[^ ]*#-C incremental=$2#")
  rm -f "$work"/*.cg
  (cd "$dir" && CARGO_MANIFEST_DIR=$dir valgrind --tool=callgrind --trace-children=yes \
    --callgrind-out-file="$work/run.%p.cg" bash -c "$command" >/dev/null 2>&1)
  cat "$work"/*.cg | sed -n 's/^summary: //p' | paste -sd+ | bc
}

printf '| spec | fresh | rebuild |\n| --- | ---: | ---: |\n'
for variant in flat grouped; do
  (cd "$work/$variant" && cargo build -q)
  fresh=$(count "$variant" "$work/fresh-$variant")
  rebuild=$(count "$variant" "$work/fresh-$variant")
  printf '| %s | %s | %s |\n' "$variant" "$fresh" "$rebuild"
done

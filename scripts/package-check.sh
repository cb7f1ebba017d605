#!/usr/bin/env bash
# Checks that the crates can be published: `cargo package --workspace` (which builds each
# package from its packaged files, the workspace members coming from the packaged copies of
# each other), then a crate outside the workspace, depending on `tcp-fsm-macros` as a user
# would from crates.io, builds and runs against the packaged macro. `[patch.crates-io]`
# points the registry names at the unpacked `.crate` files, so nothing outside the packages
# (the repository's other files, its README, its specs) can leak into the build.
#
# Usage: scripts/package-check.sh [--allow-dirty]   (CI runs it on a clean clone)
# The outside crate lives in target/package-check/ and reuses its target directory.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export CARGO_TERM_COLOR=never

# `cargo package --workspace` verifies each crate against the packaged others through a
# temporary local registry, which cargo unpacks under $CARGO_HOME/registry/src/-<hash>/ and
# never unpacks again while that directory exists: a copy left by an earlier run of an older
# version would be compiled instead of this one. Those directories hold only our packages.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
for crate in fsm-spec fsm-learn fsm-codegen tcp-fsm-macros tcp-fsm tcp-engine tcp-fsm-tools test-support fsm-no-std-check; do
  rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/"$crate-$version"
done

# test-support is not published: it reads fixtures from the repository's other crates, which a
# package of its own cannot hold.
cargo package --workspace --exclude test-support "$@"

work="$repo/target/package-check"
rm -rf "$work/unpacked" "$work/user"
mkdir -p "$work/unpacked" "$work/user/src"
for crate in fsm-spec fsm-codegen tcp-fsm-macros; do
  tar -xzf "target/package/$crate-$version.crate" -C "$work/unpacked"
done

# A user's crate: a turnstile spec, the typed API and the runtime API of `fsm!`.
cat >"$work/user/Cargo.toml" <<TOML
[package]
name = "turnstile"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
tcp-fsm-macros = "$version"

[patch.crates-io]
tcp-fsm-macros = { path = "../unpacked/tcp-fsm-macros-$version" }
fsm-spec = { path = "../unpacked/fsm-spec-$version" }
fsm-codegen = { path = "../unpacked/fsm-codegen-$version" }

# Not a member of any enclosing workspace.
[workspace]
TOML
cat >"$work/user/turnstile.toml" <<'TOML'
[machine]
name = "Turnstile"
initial = "LOCKED"

[states.LOCKED]
[states.UNLOCKED]

[events.coin]
kind = "receive"
segment = "COIN"
[events.push]
kind = "call"

[[transition]]
from = "LOCKED"
event = "coin"
to = "UNLOCKED"
cite = "turnstile manual 1"

[[transition]]
from = "UNLOCKED"
event = "push"
to = "LOCKED"
send = "CLICK"
cite = "turnstile manual 2"

[[transition]]
from = "UNLOCKED"
event = "coin"
to = "UNLOCKED"
cite = "turnstile manual 3"
TOML
cat >"$work/user/src/main.rs" <<'RUST'
tcp_fsm_macros::fsm!("turnstile.toml");

fn main() {
    let gate = Turnstile::new().coin();
    let (gate, click) = gate.push();
    assert_eq!(click.to_string(), "CLICK");
    assert_eq!(gate.state(), runtime::State::Locked);
    let next = runtime::step(runtime::State::Locked, runtime::Event::Push);
    assert!(next.is_err(), "push is illegal in LOCKED");
    println!("turnstile built against the packaged fsm! macro: ok");
}
RUST
cargo run --quiet --manifest-path "$work/user/Cargo.toml" --target-dir "$work/target"

#!/usr/bin/env bash
# Takes docs/tcp-page.png, the README's picture of the HTML page, from docs/tcp.html (the page
# `cargo run -p tcp-fsm-tools -- report` writes) with headless Chromium. The page loads
# nothing (its Content-Security-Policy forbids it), and the flags below keep Chromium itself
# off the network too. Run it after the page changes, and commit the PNG.
#
# Usage: scripts/screenshot.sh            (installs chromium with apt-get when root and absent)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "scripts/screenshot.sh: needs chromium (apt-get install -y chromium)" >&2
    exit 2
  fi
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size=1280,900 \
  --screenshot=docs/tcp-page.png "file://$PWD/docs/tcp.html"
echo "wrote docs/tcp-page.png"

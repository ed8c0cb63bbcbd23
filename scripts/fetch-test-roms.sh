#!/usr/bin/env bash
# Fetches the CPU test ROMs that crates.io carries (nestest.nes, blargg's all_instrs.nes and
# official_only.nes, inside the crate tudelft-nes-test 2.1.0) into DEST (default
# vendor-roms/test-roms), laid out like ../shared/test-roms. For a machine without ../shared:
#   scripts/fetch-test-roms.sh && NES_TEST_ROMS=vendor-roms/test-roms scripts/test.sh
# ROMs that are not there are skipped loudly outside CI.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-vendor-roms/test-roms}"
command -v cargo >/dev/null || { echo "fetch-test-roms: cargo is needed" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo new -q --vcs none "$tmp/fetch"
(cd "$tmp/fetch" && cargo add -q tudelft-nes-test@=2.1.0 && cargo fetch -q)
src="$(cd "$tmp/fetch" && cargo metadata --format-version 1 \
    | python3 -c 'import json,sys; m=json.load(sys.stdin); print(next(p["manifest_path"] for p in m["packages"] if p["name"]=="tudelft-nes-test"))')"
roms="$(dirname "$src")/src/roms"
mkdir -p "$dest/nestest" "$dest/instr_test-v5"
cp "$roms/nestest.nes" "$dest/nestest/"
cp "$roms/all_instrs.nes" "$roms/official_only.nes" "$dest/instr_test-v5/"
echo "test ROMs in $dest (set NES_TEST_ROMS=$dest)"

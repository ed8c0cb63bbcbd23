#!/usr/bin/env bash
# Build the instrumented nes-py probe library (nes_py_probe.so) from the
# nes-py 8.2.1 sdist plus nes_py_probe.cpp. Nothing is modified in nes-py's
# sources; the sdist is downloaded to a temp dir and never committed.
# Usage: scripts/gym/probe/build_probe.sh [OUT_DIR]   (default: /tmp/nes_py_probe)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-/tmp/nes_py_probe}"
PIP="${PIP:-pip3}"
mkdir -p "$OUT"
if [ ! -d "$OUT/nes_py-8.2.1" ]; then
    "$PIP" download --disable-pip-version-check --no-deps --no-binary :all: nes-py==8.2.1 -d "$OUT" -q
    tar -xzf "$OUT/nes_py-8.2.1.tar.gz" -C "$OUT"
fi
SRC="$OUT/nes_py-8.2.1/nes_py/nes"
SOURCES=$(ls "$SRC"/src/*.cpp "$SRC"/src/mappers/*.cpp | grep -v lib_nes_env.cpp)
# same flags as nes-py's setup.py (-std=c++1y -O3)
nice g++ -std=c++1y -O3 -shared -fPIC -I"$SRC/include" $SOURCES "$HERE/nes_py_probe.cpp" \
    -o "$OUT/nes_py_probe.so"
echo "$OUT/nes_py_probe.so"

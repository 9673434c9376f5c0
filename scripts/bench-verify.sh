#!/usr/bin/env bash
# Whole-process benchmark: `sigil verify` against `cosign verify` on the same local
# docker-registry and the same images, in alternating runs. One command:
#   scripts/bench-verify.sh [RUNS]
# Prints medians and the cosign/sigil ratio (machines here are noisy; compare ratios).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/install-test-deps.sh | tail -n1)
export PATH="$bin:$PATH"
cargo build --release --locked -q
exec python3 scripts/bench_verify.py target/release/sigil "${1:-40}"

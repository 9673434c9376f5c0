#!/usr/bin/env bash
# Runs sigil's whole test suite on a fresh Debian machine: installs the registries and peer
# tools the integration tests talk to (scripts/install-test-deps.sh), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/install-test-deps.sh | tail -n1)
export PATH="$bin:$PATH"
# The thread count goes by environment: criterion benches reject libtest flags such as
# --test-threads. The benches run once in test mode first, so the run ends on the test
# summary.
export RUST_TEST_THREADS="${SIGIL_TEST_THREADS:-4}"
cargo test --locked --bench policy
cargo test --locked --lib --bins --tests

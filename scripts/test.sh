#!/usr/bin/env bash
# Runs sigil's whole test suite on a fresh Debian machine: installs the registries and peer
# tools the integration tests talk to (scripts/install-test-deps.sh), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/install-test-deps.sh | tail -n1)
export PATH="$bin:$PATH"
# The thread count goes by environment: criterion benches (run once in test mode) reject
# libtest flags such as --test-threads.
RUST_TEST_THREADS="${SIGIL_TEST_THREADS:-4}" cargo test --locked --all-targets

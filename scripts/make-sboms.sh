#!/usr/bin/env bash
# Regenerates the SBOM fixtures under testdata/sbom/ with real generators, so the tests of
# src/attest/predicate.rs read what real tools write, not hand-made stubs:
#
#   testdata/sbom/cyclonedx.json      cyclonedx-py (PyPI cyclonedx-bom), CycloneDX 1.6 JSON
#   testdata/sbom/cyclonedx-1.4.json  cyclonedx-py, CycloneDX 1.4 JSON
#   testdata/sbom/spdx.json           sbom4python (PyPI sbom4python), SPDX 2.3 JSON, then
#                                     validated by pyspdxtools (PyPI spdx-tools)
#   testdata/sbom/spdx3.json          pixi-sbom (PyPI pixi-sbom), SPDX 3.0.1 JSON-LD
#   testdata/predicates/cyclonedx.xml cyclonedx-py, CycloneDX XML   (sigil must refuse: not JSON)
#   testdata/predicates/cyclonedx-1.7.json
#                                     cyclonedx-py, CycloneDX 1.7 JSON (refused: sigil takes 1.2-1.6)
#   testdata/predicates/spdx.rdf.xml  pyspdxtools, spdx.json converted to RDF/XML (refused: not JSON)
#   testdata/predicates/spdx.tag      sbom4python, SPDX tag-value   (sigil must refuse: not JSON)
#   testdata/predicates/spdx.yaml     sbom4python, SPDX YAML        (sigil must refuse: not JSON)
#
# What they describe: a fresh venv holding testdata/sbom/requirements.txt (rich 13.9.4 and its
# pinned pure-Python dependencies), with testdata/sbom/pyproject.toml as the root component.
# The tools come from scripts/install-test-deps.sh (pinned, in a private venv).
#
# Usage: scripts/make-sboms.sh        (needs PyPI; rewrites the files above)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(scripts/install-test-deps.sh | tail -n1)
export PATH="$bin:$PATH"
sbom=testdata/sbom
neg=testdata/predicates
mkdir -p "$sbom" "$neg"

log() { echo "make-sboms: $*" >&2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The environment to describe. Named "app" so no temporary path leaks into the documents.
app="$work/app"
python3 -m venv "$app"
"$app/bin/pip" install -q --disable-pip-version-check --no-input --no-deps \
  -r "$sbom/requirements.txt" >&2

# A fixed timestamp where a generator takes one (cyclonedx-py's --output-reproducible).
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600} # 2026-01-01T00:00:00Z

# 2. CycloneDX, JSON (accepted) and XML (refused), with cyclonedx-py's own schema validation.
log "cyclonedx-py: CycloneDX 1.6 and 1.4 JSON, 1.6 XML, 1.7 JSON"
for sv in 1.6 1.4; do
  out="$sbom/cyclonedx.json"
  [ "$sv" = 1.6 ] || out="$sbom/cyclonedx-$sv.json"
  cyclonedx-py environment --pyproject "$sbom/pyproject.toml" --output-reproducible \
    --validate --sv "$sv" --of JSON -o "$out" "$app/bin/python"
done
cyclonedx-py environment --pyproject "$sbom/pyproject.toml" --output-reproducible \
  --validate --sv 1.6 --of XML -o "$neg/cyclonedx.xml" "$app/bin/python"
cyclonedx-py environment --pyproject "$sbom/pyproject.toml" --output-reproducible \
  --validate --sv 1.7 --of JSON -o "$neg/cyclonedx-1.7.json" "$app/bin/python"

# 3. SPDX 2.3 JSON from sbom4python, describing module rich and its dependency tree as
#    installed in the environment. sbom4python (through lib4sbom 0.10.4) writes
#    creationInfo.licenseListVersion as "3.28.0", but SPDX 2.3 defines that field as "M.N" and
#    pyspdxtools rejects the three-part form, so that one field is rewritten to "3.28"; nothing
#    else is touched. Then pyspdxtools must find the document valid.
log "sbom4python: SPDX 2.3 JSON, tag-value and YAML"
( cd "$work" && sbom4python -m rich --use-pip --python "$app/bin/python" \
    --sbom spdx --format json -o spdx-raw.json )
python3 - "$work/spdx-raw.json" "$sbom/spdx.json" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
info = doc["creationInfo"]
m = re.fullmatch(r"(\d+)\.(\d+)\.\d+", info.get("licenseListVersion", ""))
if m:
    info["licenseListVersion"] = f"{m[1]}.{m[2]}"
with open(sys.argv[2], "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
PY
log "pyspdxtools: validating $sbom/spdx.json"
pyspdxtools -i "$sbom/spdx.json"
pyspdxtools -i "$sbom/spdx.json" -o "$neg/spdx.rdf.xml"
( cd "$work" && sbom4python -m rich --use-pip --python "$app/bin/python" \
    --sbom spdx --format tag -o spdx.tag \
  && sbom4python -m rich --use-pip --python "$app/bin/python" \
    --sbom spdx --format yaml -o spdx.yaml )
cp "$work/spdx.tag" "$neg/spdx.tag"
cp "$work/spdx.yaml" "$neg/spdx.yaml"

# 4. SPDX 3.0.1 JSON-LD from pixi-sbom, describing the same environment.
log "pixi-sbom: SPDX 3.0 JSON-LD"
( cd "$work" && pixi-sbom --prefix app --root-name sigil-sbom-fixture --root-version 1.0.0 \
    --format spdx --spec-version 3.0 --output spdx3.json >&2 )
cp "$work/spdx3.json" "$sbom/spdx3.json"

log "wrote $(ls "$sbom"/*.json "$neg"/cyclonedx.xml "$neg"/cyclonedx-1.7.json "$neg"/spdx.* | tr '\n' ' ')"

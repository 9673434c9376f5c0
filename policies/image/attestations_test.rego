package sigil_test.image.attestations

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-IMG-008"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

requiring(reqs) := fixtures.rules_with("required-attestations", {"enabled": true, "attestations": reqs})

test_off_by_default if {
	count(deny) == 0 with input as fixtures.image({"attestations": []})
}

test_provenance_and_sbom_required if {
	rules := requiring([
		{"name": "SLSA provenance", "predicate_type": "https://slsa.dev/provenance/v1"},
		{"name": "SBOM", "predicate_types": ["https://cyclonedx.org/bom", "https://spdx.dev/Document"]},
	])
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as rules
	no_sbom := fixtures.image({"attestations": [fixtures.provenance]})
	results := deny with input as no_sbom with data.sigil.config.rules as rules
	count(results) == 1
	some r in results
	r.code == "SIGIL-IMG-008"
	contains(r.msg, "\"SBOM\"")
}

test_builder_id if {
	ok := requiring([{"predicate_type": "https://slsa.dev/provenance/v1", "builder_ids": ["https://github.com/actions/runner/*"]}])
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as ok
	bad := requiring([{"predicate_type": "https://slsa.dev/provenance/v1", "builder_ids": ["https://gitlab.com/*"]}])
	count(deny) == 1 with input as fixtures.good_image with data.sigil.config.rules as bad
}

test_builder_id_slsa_v02 if {
	v02 := {"predicate_type": "https://slsa.dev/provenance/v0.2", "signer": fixtures.key_signer, "predicate": {"builder": {"id": "https://ci.example.com/builder"}}}
	rules := requiring([{"predicate_type": "https://slsa.dev/provenance/v0.2", "builder_ids": ["https://ci.example.com/*"]}])
	count(deny) == 0 with input as fixtures.image({"attestations": [v02]}) with data.sigil.config.rules as rules
}

test_signer_condition if {
	ok := requiring([{"predicate_type": "https://slsa.dev/provenance/v1", "signers": [{"identity_regexp": "^https://github.com/acme/.*", "issuer": "https://token.actions.githubusercontent.com"}]}])
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as ok
	bad := requiring([{"predicate_type": "https://slsa.dev/provenance/v1", "signers": [fixtures.key_signer]}])
	count(deny) == 1 with input as fixtures.good_image with data.sigil.config.rules as bad
}

test_content_conditions if {
	ok := requiring([{"predicate_type": "https://cyclonedx.org/bom", "conditions": [
		{"path": "bomFormat", "equals": "CycloneDX"},
		{"path": "specVersion", "one_of": ["1.5", "1.6"]},
		{"path": "components", "exists": true},
		{"path": "metadata.licenses", "exists": false},
	]}])
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as ok
	bad := requiring([{"predicate_type": "https://cyclonedx.org/bom", "conditions": [{"path": "specVersion", "regex": "^2\\."}]}])
	count(deny) == 1 with input as fixtures.good_image with data.sigil.config.rules as bad
	nested := requiring([{"predicate_type": "https://slsa.dev/provenance/v1", "conditions": [{"path": "runDetails.builder.id", "glob": "https://github.com/**"}]}])
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as nested
}

test_conditions_hold_on_one_attestation if {
	# Type from one attestation and builder from another must not combine.
	other := {"predicate_type": "https://example.com/other", "signer": fixtures.key_signer, "predicate": {"runDetails": {"builder": {"id": "https://trusted.example/b"}}}}
	rules := requiring([{"predicate_type": "https://slsa.dev/provenance/v1", "builder_ids": ["https://trusted.example/*"]}])
	count(deny) == 1 with input as fixtures.image({"attestations": [fixtures.provenance, other]}) with data.sigil.config.rules as rules
}

package sigil_test.image.signatures

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-IMG-006", "SIGIL-IMG-007"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

with_code(results, code) := {r | some r in results; r.code == code}

unsigned := json.patch(fixtures.good_image, [{"op": "replace", "path": "/image/signatures", "value": []}])

test_signed_passes if {
	count(deny) == 0 with input as fixtures.good_image
}

test_unsigned_denied_when_verification_requested if {
	found1 := deny with input as unsigned
	some r in found1
	r.code == "SIGIL-IMG-006"
	contains(r.msg, "0 valid signature(s)")
}

test_unsigned_passes_when_no_key_or_identity_given if {
	inp := object.union(unsigned, {"verification": {"requested": false}})
	count(deny) == 0 with input as inp
	count(deny) == 0 with input as json.remove(unsigned, ["verification"])
}

test_min_signers_counts_distinct_signers if {
	rules := fixtures.rules_with("signed", {"min_signers": 2})
	twice := json.patch(fixtures.good_image, [{"op": "replace", "path": "/image/signatures", "value": [
		{"format": "bundle", "signer": fixtures.key_signer},
		{"format": "legacy", "signer": fixtures.key_signer},
	]}])
	count(deny) == 1 with input as twice with data.sigil.config.rules as rules
	two := json.patch(fixtures.good_image, [{"op": "replace", "path": "/image/signatures", "value": [
		{"format": "bundle", "signer": fixtures.key_signer},
		{"format": "bundle", "signer": fixtures.ci_signer},
	]}])
	count(deny) == 0 with input as two with data.sigil.config.rules as rules
}

test_signed_warn_mode if {
	rules := fixtures.rules_with("signed", {"mode": "warn"})
	count(deny) == 0 with input as unsigned with data.sigil.config.rules as rules
	count(warn) == 1 with input as unsigned with data.sigil.config.rules as rules
}

test_required_signers_all if {
	rules := fixtures.rules_with("required-signers", {"enabled": true, "signers": [
		fixtures.key_signer,
		{"identity": fixtures.ci_signer.identity, "issuer": fixtures.ci_signer.issuer},
	]})
	found2 := deny with input as fixtures.good_image with data.sigil.config.rules as rules
	some r in found2
	r.code == "SIGIL-IMG-007"
	contains(r.msg, "identity https://github.com/acme/app")
	both := json.patch(fixtures.good_image, [{"op": "add", "path": "/image/signatures/-", "value": {"format": "bundle", "signer": fixtures.ci_signer}}])
	count(deny) == 0 with input as both with data.sigil.config.rules as rules
}

test_required_signers_any if {
	rules := fixtures.rules_with("required-signers", {"enabled": true, "match": "any", "signers": [
		{"key_id": "SHA256:other"},
		fixtures.key_signer,
	]})
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as rules
	found := deny with input as unsigned with data.sigil.config.rules as rules
	count(with_code(found, "SIGIL-IMG-007")) == 1
}

test_required_signer_issuer_must_match if {
	rules := fixtures.rules_with("required-signers", {"enabled": true, "signers": [{"identity_regexp": "^https://github.com/acme/.*", "issuer": "https://token.actions.githubusercontent.com"}]})
	forged := json.patch(fixtures.good_image, [{"op": "replace", "path": "/image/signatures", "value": [
		{"format": "bundle", "signer": {"identity": fixtures.ci_signer.identity, "issuer": "https://accounts.example.com"}},
	]}])
	count(deny) == 1 with input as forged with data.sigil.config.rules as rules
}

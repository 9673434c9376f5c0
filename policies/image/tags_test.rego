package sigil_test.image.tags

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-IMG-002", "SIGIL-IMG-003"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

codes(results) := {r.code | some r in results}

test_versioned_tag_passes if {
	count(deny) == 0 with input as fixtures.good_image
}

test_latest_denied if {
	found1 := deny with input as fixtures.image({"reference": fixtures.latest_ref})
	some r in found1
	r.code == "SIGIL-IMG-002"
	contains(r.msg, "uses the tag latest")
}

test_implicit_tag_denied if {
	found2 := deny with input as fixtures.image({"reference": fixtures.implicit_ref})
	some r in found2
	r.code == "SIGIL-IMG-002"
	contains(r.msg, "has no tag or digest")
}

test_latest_pinned_denied_unless_allowed if {
	ref := object.union(fixtures.pinned_ref, {"tag": "latest"})
	"SIGIL-IMG-002" in codes(deny) with input as fixtures.image({"reference": ref})
	rules := fixtures.rules_with("no-latest", {"allow_when_pinned": true})
	count(deny) == 0 with input as fixtures.image({"reference": ref}) with data.sigil.config.rules as rules
}

test_digest_only_has_no_tag_problem if {
	count(deny) == 0 with input as fixtures.image({"reference": fixtures.digest_only_ref})
}

test_allowed_tags_off_by_default if {
	ref := object.union(fixtures.pinned_ref, {"tag": "nightly"})
	count(deny) == 0 with input as fixtures.image({"reference": ref})
}

test_allowed_tags_semver if {
	rules := fixtures.rules_with("allowed-tags", {"enabled": true})
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as rules
	ref := object.union(fixtures.pinned_ref, {"tag": "nightly"})
	found3 := deny with input as fixtures.image({"reference": ref}) with data.sigil.config.rules as rules
	some r in found3
	r.code == "SIGIL-IMG-003"
	contains(r.msg, "nightly")
}

test_allowed_tags_custom_patterns if {
	rules := fixtures.rules_with("allowed-tags", {"enabled": true, "patterns": ["^release-[0-9]+$"]})
	ref := object.union(fixtures.pinned_ref, {"tag": "release-42"})
	count(deny) == 0 with input as fixtures.image({"reference": ref}) with data.sigil.config.rules as rules
	"SIGIL-IMG-003" in codes(deny) with input as fixtures.good_image with data.sigil.config.rules as rules
}

test_allowed_tags_untagged if {
	rules := fixtures.rules_with("allowed-tags", {"enabled": true, "allow_untagged": false})
	"SIGIL-IMG-003" in codes(deny) with input as fixtures.image({"reference": fixtures.digest_only_ref}) with data.sigil.config.rules as rules
}

test_latest_warn_mode if {
	rules := fixtures.rules_with("no-latest", {"mode": "warn"})
	inp := fixtures.image({"reference": fixtures.latest_ref})
	count(deny) == 0 with input as inp with data.sigil.config.rules as rules
	"SIGIL-IMG-002" in codes(warn) with input as inp with data.sigil.config.rules as rules
}

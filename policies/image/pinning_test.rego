package sigil_test.image.pinning

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-IMG-001"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

test_pinned_passes if {
	count(deny) == 0 with input as fixtures.good_image
	count(deny) == 0 with input as fixtures.image({"reference": fixtures.digest_only_ref})
}

test_tag_only_denied if {
	found1 := deny with input as fixtures.image({"reference": fixtures.tagged_ref})
	some r in found1
	r.code == "SIGIL-IMG-001"
	r.name == "digest-pinned"
	contains(r.msg, "ghcr.io/acme/app:v1.2.3 is not pinned by digest")
}

test_implicit_denied if {
	found2 := deny with input as fixtures.image({"reference": fixtures.implicit_ref})
	some r in found2
	contains(r.msg, "nginx")
}

test_warn_mode if {
	inp := fixtures.image({"reference": fixtures.tagged_ref})
	rules := fixtures.rules_with("digest-pinned", {"mode": "warn"})
	count(deny) == 0 with input as inp with data.sigil.config.rules as rules
	found3 := warn with input as inp with data.sigil.config.rules as rules
	some r in found3
	r.code == "SIGIL-IMG-001"
}

test_disabled if {
	inp := fixtures.image({"reference": fixtures.tagged_ref})
	rules := fixtures.rules_with("digest-pinned", {"enabled": false})
	count(deny) == 0 with input as inp with data.sigil.config.rules as rules
	count(warn) == 0 with input as inp with data.sigil.config.rules as rules
}

test_not_applied_to_dockerfiles if {
	count(deny) == 0 with input as fixtures.good_dockerfile
}

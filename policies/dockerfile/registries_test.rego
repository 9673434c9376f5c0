package sigil_test.dockerfile.registries

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-DF-004"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

test_off_by_default if {
	count(deny) == 0 with input as fixtures.good_dockerfile
}

test_uses_the_image_rule_lists if {
	rules := object.union(data.sigil.config.rules, {
		"trusted-registries": {"repositories": ["gcr.io/distroless/*"]},
		"dockerfile-trusted-registries": {"enabled": true},
	})
	results := deny with input as fixtures.good_dockerfile with data.sigil.config.rules as rules
	count(results) == 1
	some r in results
	r.code == "SIGIL-DF-004"
	contains(r.msg, "golang")
}

test_own_lists if {
	rules := fixtures.rules_with("dockerfile-trusted-registries", {"enabled": true, "registries": ["docker.io", "gcr.io"]})
	count(deny) == 0 with input as fixtures.good_dockerfile with data.sigil.config.rules as rules
}

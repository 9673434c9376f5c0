package sigil_test.dockerfile.user

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-DF-003"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

with_user(u) := object.union(fixtures.good_dockerfile, {"dockerfile": {"final_stage": {"user": u}}})

test_non_root_final_stage_passes if {
	count(deny) == 0 with input as fixtures.good_dockerfile
}

test_root_final_stage_denied if {
	found1 := deny with input as with_user("root")
	some r in found1
	r.code == "SIGIL-DF-003"
	contains(r.msg, "the final stage runs as \"root\"")
}

test_unset_user_denied if {
	found2 := deny with input as with_user(null)
	some r in found2
	contains(r.msg, "sets no user")
}

test_not_applied_to_images if {
	count(deny) == 0 with input as fixtures.image({"config": {"user": "root"}})
}

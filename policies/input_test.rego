package sigil_test.input

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-INPUT-001"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

test_no_kind_denied if {
	found1 := deny with input as {"image": {}}
	some r in found1
	r.code == "SIGIL-INPUT-001"
}

test_unknown_kind_denied if {
	found2 := deny with input as {"kind": "pod"}
	some r in found2
	contains(r.msg, "pod")
}

test_image_without_reference_denied if {
	found3 := deny with input as {"kind": "image", "image": {}}
	some r in found3
	contains(r.msg, "image.reference")
}

test_dockerfile_without_images_denied if {
	found4 := deny with input as {"kind": "dockerfile", "dockerfile": {}}
	some r in found4
}

test_valid_inputs_pass if {
	count(deny) == 0 with input as fixtures.good_image
	count(deny) == 0 with input as fixtures.good_dockerfile
	count(deny) == 0 with input as object.union(fixtures.good_image, {"kind": "admission"})
}

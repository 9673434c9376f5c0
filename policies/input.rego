# SIGIL-INPUT-001 input-valid: the input must say what it is, so that a malformed input is
# denied instead of silently matching no rule.
package sigil

import rego.v1

input_name := "input-valid"

input_code := "SIGIL-INPUT-001"

input_kinds := {"image", "dockerfile", "admission"}

input_findings contains {"msg": msg} if {
	not input.kind
	msg := "the input has no kind (expected image, dockerfile or admission)"
}

input_findings contains {"msg": msg} if {
	input.kind
	not input.kind in input_kinds
	msg := sprintf("the input's kind %v is not image, dockerfile or admission", [input.kind])
}

input_findings contains {"msg": msg} if {
	input.kind in {"image", "admission"}
	not is_object(input.image.reference)
	msg := sprintf("the %s input has no image.reference", [input.kind])
}

input_findings contains {"msg": msg} if {
	input.kind == "dockerfile"
	not is_array(input.dockerfile.images)
	msg := "the dockerfile input has no dockerfile.images"
}

findings contains object.union(f, {"code": input_code, "name": input_name}) if {
	cfg[input_name].enabled == true
	some f in input_findings
}

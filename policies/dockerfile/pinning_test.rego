package sigil_test.dockerfile.pinning

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-DF-001"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

tagged := fixtures.dockerfile_image("from", 9, "alpine:3.20", "tagged", {
	"given": "alpine:3.20", "name": "docker.io/library/alpine", "registry": "docker.io",
	"repository": "library/alpine", "tag": "3.20", "tag_implicit": false, "digest": null, "pinned": false,
})

test_pinned_dockerfile_passes if {
	count(deny) == 0 with input as fixtures.good_dockerfile
}

test_tagged_from_denied if {
	found1 := deny with input as fixtures.dockerfile_with(tagged)
	some r in found1
	r.code == "SIGIL-DF-001"
	contains(r.msg, "Dockerfile:9 (from): alpine:3.20 is not pinned")
}

test_copy_from_image_denied if {
	img := object.union(tagged, {"use": "copy-from"})
	found2 := deny with input as fixtures.dockerfile_with(img)
	some r in found2
	contains(r.msg, "(copy-from)")
}

test_unresolved_denied if {
	img := {"use": "from", "line": 3, "text": "${BASE}", "kind": "unresolved", "reference": null}
	found3 := deny with input as fixtures.dockerfile_with(img)
	some r in found3
	contains(r.msg, "cannot be resolved")
}

test_scratch_and_stages_ignored if {
	scratch := {"use": "from", "line": 3, "text": "scratch", "kind": "scratch", "reference": null}
	count(deny) == 0 with input as fixtures.dockerfile_with(scratch)
}

test_not_applied_to_images if {
	count(deny) == 0 with input as fixtures.image({"reference": fixtures.tagged_ref})
}

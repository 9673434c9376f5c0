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
	r.msg == "FROM alpine:3.20 is not pinned by digest (NAME:TAG@sha256:…)"
	r.line == 9
	r.column == 6
}

test_copy_from_image_denied if {
	img := object.union(tagged, {"use": "copy-from"})
	found2 := deny with input as fixtures.dockerfile_with(img)
	some r in found2
	startswith(r.msg, "COPY --from alpine:3.20 is not pinned")
}

test_unresolved_denied if {
	img := {"use": "from", "line": 3, "text": "${BASE}", "expanded": "", "kind": "unresolved", "missing": ["BASE"], "reference": null}
	found3 := deny with input as fixtures.dockerfile_with(img)
	some r in found3
	contains(r.msg, "FROM ${BASE} () cannot be resolved (unset: BASE;")
}

test_invalid_denied if {
	img := {"use": "from", "line": 3, "text": "Alpine:3", "expanded": "Alpine:3", "kind": "invalid", "error": "bad name", "reference": null}
	found4 := deny with input as fixtures.dockerfile_with(img)
	some r in found4
	r.msg == "FROM Alpine:3 is not a valid image reference: bad name"
}

test_expanded_text_shown if {
	img := object.union(tagged, {"text": "${BASE}"})
	found5 := deny with input as fixtures.dockerfile_with(img)
	some r in found5
	startswith(r.msg, "FROM ${BASE} (alpine:3.20) is not pinned")
}

test_scratch_and_stages_ignored if {
	scratch := {"use": "from", "line": 3, "text": "scratch", "kind": "scratch", "reference": null}
	count(deny) == 0 with input as fixtures.dockerfile_with(scratch)
}

test_not_applied_to_images if {
	count(deny) == 0 with input as fixtures.image({"reference": fixtures.tagged_ref})
}

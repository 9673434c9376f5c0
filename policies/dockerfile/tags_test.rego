package sigil_test.dockerfile.tags

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-DF-002"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

test_pinned_dockerfile_passes if {
	count(deny) == 0 with input as fixtures.good_dockerfile
}

test_implicit_latest_denied if {
	img := fixtures.dockerfile_image("from", 2, "ubuntu", "implicit", {
		"given": "ubuntu", "name": "docker.io/library/ubuntu", "registry": "docker.io",
		"repository": "library/ubuntu", "tag": "latest", "tag_implicit": true, "digest": null, "pinned": false,
	})
	found1 := deny with input as fixtures.dockerfile_with(img)
	some r in found1
	r.code == "SIGIL-DF-002"
	r.msg == "FROM ubuntu has no tag or digest, so it means :latest"
}

test_explicit_latest_denied if {
	img := fixtures.dockerfile_image("mount-from", 4, "ghcr.io/acme/tools:latest", "latest", object.union(fixtures.latest_ref, {"given": "ghcr.io/acme/tools:latest"}))
	found2 := deny with input as fixtures.dockerfile_with(img)
	some r in found2
	r.msg == "RUN --mount from ghcr.io/acme/tools:latest uses the tag latest"
}

test_pinned_latest_allowed_unless_configured if {
	ref := object.union(fixtures.latest_ref, {"digest": fixtures.digest, "pinned": true})
	img := fixtures.dockerfile_image("from", 4, "alpine:latest@sha256:…", "digest", ref)
	count(deny) == 0 with input as fixtures.dockerfile_with(img)
	rules := fixtures.rules_with("dockerfile-no-latest", {"allow_when_pinned": false})
	count(deny) == 1 with input as fixtures.dockerfile_with(img) with data.sigil.config.rules as rules
}

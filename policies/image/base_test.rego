package sigil_test.image.base

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-IMG-010"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

approving(images) := fixtures.rules_with("approved-base-images", {"enabled": true, "images": images})

test_off_by_default if {
	count(deny) == 0 with input as fixtures.image({"base_images": []})
}

test_approved_by_name if {
	rules := approving([{"name": "gcr.io/distroless/*"}])
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as rules
}

test_unapproved_denied if {
	rules := approving([{"name": "docker.io/library/alpine"}])
	found1 := deny with input as fixtures.good_image with data.sigil.config.rules as rules
	some r in found1
	r.code == "SIGIL-IMG-010"
	contains(r.msg, "gcr.io/distroless/static-debian12:nonroot@")
}

test_digest_allow_list if {
	ok := approving([{"name": "gcr.io/distroless/static-debian12", "digests": [fixtures.other_digest]}])
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as ok
	stale := approving([{"name": "gcr.io/distroless/static-debian12", "digests": [fixtures.digest]}])
	count(deny) == 1 with input as fixtures.good_image with data.sigil.config.rules as stale
}

test_unknown_base if {
	rules := approving([{"name": "gcr.io/distroless/*"}])
	found2 := deny with input as fixtures.image({"base_images": []}) with data.sigil.config.rules as rules
	some r in found2
	contains(r.msg, "base image is unknown")
	lenient := fixtures.rules_with("approved-base-images", {"enabled": true, "images": [], "require_known": false})
	count(deny) == 0 with input as fixtures.image({"base_images": []}) with data.sigil.config.rules as lenient
}

package sigil_test.image.platforms

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-IMG-009"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

index(platforms) := json.patch(fixtures.good_image, [{"op": "replace", "path": "/image/platforms", "value": platforms}])

amd64 := {"platform": "linux/amd64", "digest": fixtures.digest, "signatures": [{"format": "bundle", "signer": fixtures.key_signer}]}

arm64 := {"platform": "linux/arm64", "digest": fixtures.other_digest, "signatures": []}

on := fixtures.rules_with("platforms-signed", {"enabled": true})

test_off_by_default if {
	count(deny) == 0 with input as index([amd64, arm64])
}

test_every_platform_signed if {
	count(deny) == 0 with input as index([amd64]) with data.sigil.config.rules as on
	found1 := deny with input as index([amd64, arm64]) with data.sigil.config.rules as on
	some r in found1
	r.code == "SIGIL-IMG-009"
	contains(r.msg, "linux/arm64")
}

test_single_platform_image_not_concerned if {
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as on
}

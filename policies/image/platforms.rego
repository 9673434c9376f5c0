# SIGIL-IMG-009 platforms-signed: for a multi-platform index, every platform's manifest
# must carry a verified signature of its own (cosign sign --recursive).
package sigil

import rego.v1

img_platforms_name := "platforms-signed"

img_platforms_code := "SIGIL-IMG-009"

img_platforms_findings contains {"msg": msg, "platform": p.platform, "digest": object.get(p, "digest", null)} if {
	input.image.reference
	some p in input.image.platforms
	count(object.get(p, "signatures", [])) == 0
	msg := sprintf("%s: platform %s (%s) has no valid signature", [display(input.image.reference), p.platform, object.get(p, "digest", "?")])
}

findings contains object.union(f, {"code": img_platforms_code, "name": img_platforms_name}) if {
	cfg[img_platforms_name].enabled == true
	some f in img_platforms_findings
}

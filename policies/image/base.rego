# SIGIL-IMG-010 approved-base-images: every base image (from the provenance's
# resolvedDependencies or the org.opencontainers.image.base.* annotations) must match an
# approved entry: {"name": glob on registry/repository, "digests": [optional allow-list]}.
package sigil

import rego.v1

img_base_name := "approved-base-images"

img_base_code := "SIGIL-IMG-010"

img_base_bases := object.get(input.image, "base_images", [])

img_base_findings contains {"msg": msg, "base": b.name} if {
	input.image.reference
	some b in img_base_bases
	not img_base_approved(b)
	msg := sprintf("%s is built on %s, which is not an approved base image", [display(input.image.reference), img_base_base_display(b)])
}

img_base_findings contains {"msg": msg} if {
	input.image.reference
	count(img_base_bases) == 0
	param(img_base_name, "require_known", true) == true
	msg := sprintf("%s: its base image is unknown (no provenance resolvedDependencies nor org.opencontainers.image.base.name annotation)", [display(input.image.reference)])
}

img_base_approved(b) if {
	some e in param(img_base_name, "images", [])
	glob.match(e.name, ["/"], b.name)
	img_base_digest_ok(b, e)
}

img_base_digest_ok(_, e) if count(object.get(e, "digests", [])) == 0

img_base_digest_ok(b, e) if b.digest in e.digests

img_base_base_display(b) := b.reference if {
	is_string(b.reference)
} else := b.name

findings contains object.union(f, {"code": img_base_code, "name": img_base_name}) if {
	cfg[img_base_name].enabled == true
	some f in img_base_findings
}

# SIGIL-IMG-001 digest-pinned: the image reference must carry a digest (NAME@sha256:…), so
# that what was checked is what runs.
package sigil

import rego.v1

img_pinning_name := "digest-pinned"

img_pinning_code := "SIGIL-IMG-001"

img_pinning_findings contains {"msg": msg, "reference": display(ref)} if {
	ref := input.image.reference
	not pinned(ref)
	msg := sprintf("%s is not pinned by digest: refer to it as NAME@sha256:… so that it cannot change under the same name", [display(ref)])
}

findings contains object.union(f, {"code": img_pinning_code, "name": img_pinning_name}) if {
	cfg[img_pinning_name].enabled == true
	some f in img_pinning_findings
}

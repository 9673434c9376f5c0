# SIGIL-IMG-004 trusted-registries: the image must come from a trusted registry (glob on the
# registry host) or a trusted repository (glob on registry/repository; * stays within one
# path segment, ** crosses segments).
package sigil

import rego.v1

img_registries_name := "trusted-registries"

img_registries_code := "SIGIL-IMG-004"

img_registries_findings contains {"msg": msg, "reference": display(ref)} if {
	ref := input.image.reference
	registries := param(img_registries_name, "registries", [])
	repositories := param(img_registries_name, "repositories", [])
	not trusted(ref, registries, repositories)
	msg := sprintf("%s is not from a trusted registry or repository (registries %v, repositories %v)", [display(ref), registries, repositories])
}

findings contains object.union(f, {"code": img_registries_code, "name": img_registries_name}) if {
	cfg[img_registries_name].enabled == true
	some f in img_registries_findings
}

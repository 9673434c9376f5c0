# SIGIL-DF-004 dockerfile-trusted-registries: every external image a Dockerfile uses must come
# from a trusted registry or repository. The lists default to those of trusted-registries.
package sigil

import rego.v1

df_registries_name := "dockerfile-trusted-registries"

df_registries_code := "SIGIL-DF-004"

df_registries_registries := param(df_registries_name, "registries", param("trusted-registries", "registries", []))

df_registries_repositories := param(df_registries_name, "repositories", param("trusted-registries", "repositories", []))

df_registries_findings contains object.union(image_location(img), {"msg": msg}) if {
	some img in input.dockerfile.images
	dockerfile_checkable(img)
	not trusted(img.reference, df_registries_registries, df_registries_repositories)
	msg := sprintf("%s is not from a trusted registry or repository (%s)", [where(img), img.reference.registry])
}

findings contains object.union(f, {"code": df_registries_code, "name": df_registries_name}) if {
	cfg[df_registries_name].enabled == true
	some f in df_registries_findings
}

# SIGIL-DF-001 dockerfile-digest-pinned: every external image a Dockerfile uses (FROM,
# COPY --from, RUN --mount from) must be pinned by digest. A reference that cannot be read
# (an unset ARG, not a reference at all) cannot be pinned either.
package sigil

import rego.v1

df_pinning_name := "dockerfile-digest-pinned"

df_pinning_code := "SIGIL-DF-001"

df_pinning_findings contains object.union(image_location(img), {"msg": msg}) if {
	some img in input.dockerfile.images
	img.kind == "unresolved"
	missing := concat(", ", object.get(img, "missing", []))
	msg := sprintf("%s cannot be resolved (unset: %s; give it a default or --build-arg), so it cannot be checked", [where(img), missing])
}

df_pinning_findings contains object.union(image_location(img), {"msg": msg}) if {
	some img in input.dockerfile.images
	img.kind == "invalid"
	msg := sprintf("%s is not a valid image reference: %s", [where(img), object.get(img, "error", "invalid")])
}

df_pinning_findings contains object.union(image_location(img), {"msg": msg}) if {
	some img in input.dockerfile.images
	dockerfile_checkable(img)
	not pinned(img.reference)
	msg := sprintf("%s is not pinned by digest (NAME:TAG@sha256:…)", [where(img)])
}

findings contains object.union(f, {"code": df_pinning_code, "name": df_pinning_name}) if {
	cfg[df_pinning_name].enabled == true
	some f in df_pinning_findings
}

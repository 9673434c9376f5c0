# SIGIL-DF-002 dockerfile-no-latest: no external image used with the tag latest or with no
# tag at all. A digest makes the tag irrelevant to what is pulled (as `name@sha256:…` with no
# tag, which passes), so by default (allow_when_pinned: true, as hadolint's DL3007 has it) a
# pinned latest passes too; set it to false to ask for a version tag beside every digest.
package sigil

import rego.v1

df_tags_name := "dockerfile-no-latest"

df_tags_code := "SIGIL-DF-002"

df_tags_findings contains object.union(image_location(img), {"msg": msg}) if {
	some img in input.dockerfile.images
	dockerfile_checkable(img)
	latest(img.reference)
	not df_tags_pinned_allowed(img.reference)
	msg := sprintf("%s %s", [where(img), latest_reason(img.reference)])
}

df_tags_pinned_allowed(ref) if {
	param(df_tags_name, "allow_when_pinned", true) == true
	pinned(ref)
}

findings contains object.union(f, {"code": df_tags_code, "name": df_tags_name}) if {
	cfg[df_tags_name].enabled == true
	some f in df_tags_findings
}

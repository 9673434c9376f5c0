# SIGIL-DF-002 dockerfile-no-latest: no external image used with the tag latest or with no
# tag at all.
package sigil

import rego.v1

df_tags_name := "dockerfile-no-latest"

df_tags_code := "SIGIL-DF-002"

df_tags_findings contains {"msg": msg, "line": object.get(img, "line", null)} if {
	some img in dockerfile_images
	img.kind != "unresolved"
	latest(img.reference)
	msg := sprintf("%s: %s %s", [where(img), image_text(img), latest_reason(img.reference)])
}

findings contains object.union(f, {"code": df_tags_code, "name": df_tags_name}) if {
	cfg[df_tags_name].enabled == true
	some f in df_tags_findings
}

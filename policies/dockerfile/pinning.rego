# SIGIL-DF-001 dockerfile-digest-pinned: every external image a Dockerfile uses (FROM,
# COPY --from, RUN --mount from) must be pinned by digest.
package sigil

import rego.v1

df_pinning_name := "dockerfile-digest-pinned"

df_pinning_code := "SIGIL-DF-001"

df_pinning_findings contains {"msg": msg, "line": object.get(img, "line", null)} if {
	some img in dockerfile_images
	img.kind == "unresolved"
	msg := sprintf("%s: %s cannot be resolved (an ARG without a value?), so it cannot be checked", [where(img), image_text(img)])
}

df_pinning_findings contains {"msg": msg, "line": object.get(img, "line", null)} if {
	some img in dockerfile_images
	img.kind != "unresolved"
	not pinned(img.reference)
	msg := sprintf("%s: %s is not pinned by digest (NAME@sha256:…)", [where(img), image_text(img)])
}

findings contains object.union(f, {"code": df_pinning_code, "name": df_pinning_name}) if {
	cfg[df_pinning_name].enabled == true
	some f in df_pinning_findings
}

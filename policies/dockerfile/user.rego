# SIGIL-DF-003 dockerfile-non-root: the final stage's effective user (its last USER,
# inherited through stage references) must be set and not root. The parameters of non-root
# (require_numeric_uid, min_uid, forbid_root_group) apply.
#
# With no USER at all, the image runs as its base image's user: root for scratch (denied),
# unknown for an external base (a warning: the base may well set a user, as distroless
# :nonroot does). A USER that needs an unset variable is unknown too (a warning).
package sigil

import rego.v1

df_user_name := "dockerfile-non-root"

df_user_code := "SIGIL-DF-003"

df_final := object.get(input.dockerfile, "final_stage", {}) if input.kind == "dockerfile"

# Functions of the final stage rather than rules: regorus misjudges `not rule` for a boolean
# rule here once `with input` replaces the input.
df_user_given(final) if {
	u := object.get(final, "user", null)
	is_string(u)
	trim_space(u) != ""
}

df_user_location := {"line": object.get(df_final, "user_line", null), "column": object.get(df_final, "user_column", null)}

df_from_location := {"line": object.get(df_final, "line", null), "column": object.get(df_final, "column", null)}

df_path := object.get(input.dockerfile, "path", "Dockerfile")

# An explicit USER that is root (or otherwise not acceptable under non-root's parameters).
df_user_findings contains object.union(df_user_location, {"msg": msg, "user": u}) if {
	df_user_given(df_final)
	not df_final.user_unresolved == true
	u := df_final.user
	problem := user_problem(u)
	msg := sprintf("the final stage %s (USER %s)", [problem, object.get(df_final, "user_text", u)])
}

df_user_findings contains object.union(df_user_location, {"msg": msg, "user": object.get(df_final, "user", null), "level": "warn"}) if {
	df_final.user_unresolved == true
	msg := sprintf("the final stage's USER %s needs variables that are not set, so its user is unknown", [object.get(df_final, "user_text", "")])
}

# No USER, on scratch (or a base nobody describes): root.
df_user_findings contains object.union(df_from_location, {"msg": msg, "user": null}) if {
	input.kind == "dockerfile"
	not df_user_given(df_final)
	not df_final.user_unresolved == true
	not df_external_base(df_final)
	msg := "the final stage sets no USER and its base is scratch, so it runs as root"
}

# No USER on an image base: whatever the base image runs as, which is not known here.
df_user_findings contains object.union(df_from_location, {"msg": msg, "user": null, "level": "warn"}) if {
	input.kind == "dockerfile"
	not df_user_given(df_final)
	not df_final.user_unresolved == true
	df_external_base(df_final)
	msg := sprintf("the final stage sets no USER, so it runs as %s's user, which is unknown here (root unless the image sets one)", [object.get(df_final, "base_text", "the base image")])
}

df_external_base(final) if final.base_kind in {"digest", "tagged", "latest", "implicit", "unresolved", "invalid"}

findings contains object.union(f, {"code": df_user_code, "name": df_user_name}) if {
	cfg[df_user_name].enabled == true
	some f in df_user_findings
}

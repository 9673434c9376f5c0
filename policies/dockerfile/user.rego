# SIGIL-DF-003 dockerfile-non-root: the final stage's effective user (its last USER,
# inherited through stage references) must be set and not root. The parameters of non-root
# (require_numeric_uid, min_uid, forbid_root_group) apply.
package sigil

import rego.v1

df_user_name := "dockerfile-non-root"

df_user_code := "SIGIL-DF-003"

df_user_findings contains {"msg": msg, "user": object.get(final, "user", null)} if {
	input.kind == "dockerfile"
	final := object.get(input.dockerfile, "final_stage", {})
	problem := user_problem(object.get(final, "user", null))
	msg := sprintf("%s: the final stage %s", [object.get(input.dockerfile, "path", "Dockerfile"), problem])
}

findings contains object.union(f, {"code": df_user_code, "name": df_user_name}) if {
	cfg[df_user_name].enabled == true
	some f in df_user_findings
}

# SIGIL-IMG-005 non-root: the image configuration must set a user that is not root (User
# unset, "root", uid 0 however Go spells it — "0", "00", "+0", "-0", "0:0" — or no user
# before a colon are denied; see `user_problem`). For an index, every platform's configuration.
package sigil

import rego.v1

img_user_name := "non-root"

img_user_code := "SIGIL-IMG-005"

# The configurations to check: the image's own, else each platform's.
# [platform or null, config]: the image's own configuration, or for an index each
# platform's. Where it is is only worked out for a message (`img_user_where`).
img_user_configs contains [null, conf] if {
	conf := input.image.config
	is_object(conf)
}

img_user_configs contains [p.platform, conf] if {
	not is_object(input.image.config)
	some p in input.image.platforms
	conf := p.config
	is_object(conf)
}

img_user_where(null) := display(input.image.reference)

img_user_where(platform) := sprintf("%s (%s)", [display(input.image.reference), platform]) if platform != null

img_user_findings contains {"msg": msg, "user": object.get(conf, "user", null)} if {
	some [platform, conf] in img_user_configs
	problem := user_problem(object.get(conf, "user", null))
	msg := sprintf("%s %s", [img_user_where(platform), problem])
}

img_user_findings contains {"msg": msg} if {
	ref := input.image.reference
	count(img_user_configs) == 0
	msg := sprintf("%s: the image configuration is unknown, so its user cannot be checked", [display(ref)])
}

findings contains object.union(f, {"code": img_user_code, "name": img_user_name}) if {
	cfg[img_user_name].enabled == true
	some f in img_user_findings
}

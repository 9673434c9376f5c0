package sigil_test.dockerfile.user

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-DF-003"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

with_user(u) := object.union(fixtures.good_dockerfile, {"dockerfile": {"final_stage": {"user": u, "user_text": u}}})

with_final(f) := object.union(fixtures.good_dockerfile, {"dockerfile": {"final_stage": f}})

test_non_root_final_stage_passes if {
	count(deny) == 0 with input as fixtures.good_dockerfile
}

test_root_final_stage_denied if {
	found1 := deny with input as with_user("root")
	some r in found1
	r.code == "SIGIL-DF-003"
	r.msg == "the final stage runs as \"root\", which is root (USER root)"
	r.line == 7
	r.user == "root"
}

test_root_ids_denied if {
	count(deny) == 1 with input as with_user("0")
	count(deny) == 1 with input as with_user("0:0")
	count(deny) == 1 with input as with_user("root:app")
	count(deny) == 0 with input as with_user("app:0")
	count(deny) == 0 with input as with_user("ROOT")

	# uid 0 however Go spells it (policies/lib/sigil.rego).
	count(deny) == 1 with input as with_user("00")
	count(deny) == 1 with input as with_user("+0")
	count(deny) == 1 with input as with_user("-0")
	count(deny) == 1 with input as with_user("000:000")
	count(deny) == 1 with input as with_user(":1000")
	count(deny) == 1 with input as with_user("4294967296")
}

test_unset_user_on_scratch_denied if {
	found2 := deny with input as with_final({"user": null, "base_kind": "scratch", "line": 5, "column": 6})
	some r in found2
	r.msg == "the final stage sets no USER and its base is scratch, so it runs as root"
	r.line == 5
}

test_unset_user_on_an_image_warns if {
	f := {"user": null, "base_kind": "tagged", "base_text": "debian:12"}
	count(deny) == 0 with input as with_final(f)
	found3 := warn with input as with_final(f)
	some r in found3
	contains(r.msg, "runs as debian:12's user, which is unknown here")
}

test_unresolved_user_warns if {
	f := {"user": "", "user_text": "${APP_UID}", "user_unresolved": true}
	count(deny) == 0 with input as with_final(f)
	count(warn) == 1 with input as with_final(f)
}

test_unset_user_with_unknown_base_denied if {
	count(deny) == 1 with input as with_final({"user": null, "base_kind": null})
}

test_warn_mode_warns if {
	rules := fixtures.rules_with("dockerfile-non-root", {"mode": "warn"})
	count(deny) == 0 with input as with_user("root") with data.sigil.config.rules as rules
	count(warn) == 1 with input as with_user("root") with data.sigil.config.rules as rules
}

test_not_applied_to_images if {
	count(deny) == 0 with input as fixtures.image({"config": {"user": "root"}})
}

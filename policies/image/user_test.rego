package sigil_test.image.user

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-IMG-005"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

with_user(u) := fixtures.image({"config": {"user": u}})

test_non_root_passes if {
	count(deny) == 0 with input as fixtures.good_image
	count(deny) == 0 with input as with_user("app")
	count(deny) == 0 with input as with_user("1000")
}

test_root_denied if {
	every u in ["root", "0", "0:0", "root:root", "0:1000", "00", "+0", "-0", "000:000", ":1000"] {
		found1 := deny with input as with_user(u)
		some r in found1
		r.code == "SIGIL-IMG-005"
		contains(r.msg, "which is root")
	}
	found := deny with input as with_user("4294967296")
	some r in found
	contains(r.msg, "outside 0..4294967295")
}

test_unset_user_denied if {
	found2 := deny with input as with_user("")
	some r in found2
	contains(r.msg, "sets no user")
	inp := json.remove(fixtures.good_image, ["image/config/user"])
	found3 := deny with input as inp
	some r2 in found3
	contains(r2.msg, "sets no user")
}

test_unknown_config_denied if {
	inp := json.remove(fixtures.good_image, ["image/config"])
	found4 := deny with input as inp
	some r in found4
	contains(r.msg, "configuration is unknown")
}

test_index_platform_configs if {
	idx := json.patch(fixtures.good_image, [
		{"op": "remove", "path": "/image/config"},
		{"op": "replace", "path": "/image/platforms", "value": [
			{"platform": "linux/amd64", "digest": fixtures.digest, "config": {"user": "65532"}},
			{"platform": "linux/arm64", "digest": fixtures.other_digest, "config": {"user": "0"}},
		]},
	])
	results := deny with input as idx
	count(results) == 1
	some r in results
	contains(r.msg, "linux/arm64")
}

test_numeric_uid_policy if {
	rules := fixtures.rules_with("non-root", {"require_numeric_uid": true})
	found5 := deny with input as with_user("app") with data.sigil.config.rules as rules
	some r in found5
	contains(r.msg, "numeric")
	count(deny) == 0 with input as with_user("1000") with data.sigil.config.rules as rules
}

test_min_uid if {
	rules := fixtures.rules_with("non-root", {"min_uid": 10000})
	found6 := deny with input as with_user("1000") with data.sigil.config.rules as rules
	some r in found6
	contains(r.msg, "minimum uid")
	count(deny) == 0 with input as with_user("65532") with data.sigil.config.rules as rules
}

test_root_group if {
	count(deny) == 0 with input as with_user("1000:0")
	rules := fixtures.rules_with("non-root", {"forbid_root_group": true})
	count(deny) == 1 with input as with_user("1000:0") with data.sigil.config.rules as rules
}

test_warn_mode if {
	rules := fixtures.rules_with("non-root", {"mode": "warn"})
	count(deny) == 0 with input as with_user("root") with data.sigil.config.rules as rules
	count(warn) == 1 with input as with_user("root") with data.sigil.config.rules as rules
}

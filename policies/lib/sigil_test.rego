package sigil_test.lib

import data.sigil_test.fixtures
import data.sigil
import rego.v1

test_mode_defaults_to_deny if sigil.mode("digest-pinned") == "deny"

test_mode_off_when_disabled if {
	sigil.mode("digest-pinned") == "off" with data.sigil.config.rules as fixtures.rules_with("digest-pinned", {"enabled": false})
}

test_mode_warn if {
	sigil.mode("digest-pinned") == "warn" with data.sigil.config.rules as fixtures.rules_with("digest-pinned", {"mode": "warn"})
}

test_unknown_mode_denies if {
	sigil.mode("digest-pinned") == "deny" with data.sigil.config.rules as fixtures.rules_with("digest-pinned", {"mode": "wran"})
}

test_unknown_rule_is_off if sigil.mode("no-such-rule") == "off"

test_glob_segments if {
	sigil.glob_any(["ghcr.io/acme/*"], "ghcr.io/acme/app")
	not sigil.glob_any(["ghcr.io/acme/*"], "ghcr.io/acme/team/app")
	sigil.glob_any(["ghcr.io/acme/**"], "ghcr.io/acme/team/app")
	not sigil.glob_any(["ghcr.io/acme/*"], "ghcr.io/acme-evil/app")
}

test_users if {
	sigil.user_problem(null)
	sigil.user_problem("")
	sigil.user_problem("root")
	sigil.user_problem("0")
	sigil.user_problem("0:0")
	sigil.user_problem("root:root")
	not sigil.user_problem("app")
	not sigil.user_problem("65532:65532")
	not sigil.user_problem("1000:0")
}

# Every spelling Go's strconv.Atoi reads as 0 is root, as runc and containerd run it.
test_users_as_go_reads_them if {
	every u in ["00", "+0", "-0", "000:000", "0000000000000000000000", "-00", "+000:1000", ":1000", ":", "root:1000"] {
		contains(sigil.user_problem(u), "which is root")
	}

	# Past 32 bits containerd keeps the low bits (4294967296 is 0), runc refuses: refused.
	every u in ["4294967296", "-1", "-4294967296", "99999999999", "18446744073709551616", "+4294967296:0"] {
		contains(sigil.user_problem(u), "outside 0..4294967295")
	}

	# Not numbers to Go: names, which only "root" is known to be.
	every u in ["0_0", " 0", "0 ", "0x0", "0.0", "+-0", "\u0660", "ROOT", "1_000"] {
		not sigil.user_problem(u)
	}
	not sigil.user_problem("4294967295")
	not sigil.user_problem("+1000")
	not sigil.user_problem("01000:00") # the group is only judged with forbid_root_group
}

test_id_values if {
	sigil.id_value("0005") == 5
	sigil.id_value("+5") == 5
	sigil.id_value("-5") == -5
	sigil.id_value("-0") == 0
	not sigil.id_value("5_0")
	not sigil.id_value("")
	not sigil.id_value("+")
	sigil.id_value("00000000000004294967295") == 4294967295
}

test_groups_as_go_reads_them if {
	rules := {"non-root": {"enabled": true, "forbid_root_group": true}}
	every u in ["1000:00", "1000:+0", "1000:-0", "1000:root", "1000:"] {
		contains(sigil.user_problem(u), "whose group is root") with data.sigil.config.rules as rules
	}
	contains(sigil.user_problem("1000:4294967296"), "gid outside") with data.sigil.config.rules as rules
	not sigil.user_problem("1000:1000") with data.sigil.config.rules as rules
	not sigil.user_problem("1000") with data.sigil.config.rules as rules
}

# require_numeric_uid and min_uid read the id as Go does.
test_uid_parameters_read_ids_as_go_does if {
	numeric := {"non-root": {"enabled": true, "require_numeric_uid": true}}
	not sigil.user_problem("+1000") with data.sigil.config.rules as numeric
	not sigil.user_problem("0001000:5") with data.sigil.config.rules as numeric
	contains(sigil.user_problem("1_000"), "not a numeric uid") with data.sigil.config.rules as numeric
	minimum := {"non-root": {"enabled": true, "min_uid": 1000}}
	contains(sigil.user_problem("0005"), "below the minimum uid 1000") with data.sigil.config.rules as minimum
	contains(sigil.user_problem("+5"), "below the minimum uid 1000") with data.sigil.config.rules as minimum
	not sigil.user_problem("+1000") with data.sigil.config.rules as minimum
	not sigil.user_problem("0001000") with data.sigil.config.rules as minimum
}

test_signer_matching if {
	sigil.signer_matches({"key_id": "k1"}, {"key_id": "k1"})
	not sigil.signer_matches({"key_id": "k2"}, {"key_id": "k1"})
	sigil.signer_matches(fixtures.ci_signer, {"identity": fixtures.ci_signer.identity, "issuer": fixtures.ci_signer.issuer})
	sigil.signer_matches(fixtures.ci_signer, {"identity_regexp": "^https://github.com/acme/.*", "issuer": fixtures.ci_signer.issuer})
	not sigil.signer_matches(fixtures.ci_signer, {"identity": fixtures.ci_signer.identity, "issuer": "https://evil.example"})
	sigil.signer_matches(fixtures.ci_signer, {"identity": fixtures.ci_signer.identity, "issuer_regexp": "https://token[.]actions[.]githubusercontent[.]com"})
	not sigil.signer_matches(fixtures.ci_signer, {"identity": fixtures.ci_signer.identity, "issuer_regexp": "https://token"})
	not sigil.signer_matches(fixtures.ci_signer, {})
}

test_good_image_passes_every_default if {
	count(all_denials) == 0 with input as fixtures.good_image
}

test_good_dockerfile_passes_every_default if {
	count(all_denials) == 0 with input as fixtures.good_dockerfile
}

all_denials := sigil.deny

# Regular expressions match whole identities: a prefix pattern admits no look-alike.
test_identity_regexps_match_whole_strings if {
	not sigil.signer_matches(fixtures.ci_signer, {"identity_regexp": "https://github.com/acme/", "issuer": fixtures.ci_signer.issuer})
	not sigil.signer_matches({"identity": "https://github.com/acme-evil/app", "issuer": fixtures.ci_signer.issuer}, {"identity_regexp": "https://github[.]com/acme/.*", "issuer": fixtures.ci_signer.issuer})
}

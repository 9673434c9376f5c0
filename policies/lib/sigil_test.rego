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

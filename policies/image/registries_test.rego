package sigil_test.image.registries

import data.sigil
import data.sigil_test.fixtures
import rego.v1

# The results of the rules under test.
tested_codes := {"SIGIL-IMG-004"}

deny := {r | some r in sigil.deny; r.code in tested_codes}

warn := {r | some r in sigil.warn; r.code in tested_codes}

test_off_by_default if {
	count(deny) == 0 with input as fixtures.image({"reference": fixtures.implicit_ref})
}

test_trusted_repository_glob if {
	rules := fixtures.rules_with("trusted-registries", {"enabled": true, "repositories": ["ghcr.io/acme/*"]})
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as rules
	found1 := deny with input as fixtures.image({"reference": fixtures.implicit_ref}) with data.sigil.config.rules as rules
	some r in found1
	r.code == "SIGIL-IMG-004"
	contains(r.msg, "nginx is not from a trusted registry")
}

test_trusted_registry if {
	rules := fixtures.rules_with("trusted-registries", {"enabled": true, "registries": ["ghcr.io", "*.example.com"]})
	count(deny) == 0 with input as fixtures.good_image with data.sigil.config.rules as rules
	ref := object.union(fixtures.pinned_ref, {"registry": "registry.example.com", "name": "registry.example.com/acme/app"})
	count(deny) == 0 with input as fixtures.image({"reference": ref}) with data.sigil.config.rules as rules
	count(deny) == 1 with input as fixtures.image({"reference": fixtures.implicit_ref}) with data.sigil.config.rules as rules
}

test_lookalike_not_trusted if {
	rules := fixtures.rules_with("trusted-registries", {"enabled": true, "repositories": ["ghcr.io/acme/*"]})
	ref := object.union(fixtures.pinned_ref, {"name": "ghcr.io/acme-evil/app", "repository": "acme-evil/app"})
	count(deny) == 1 with input as fixtures.image({"reference": ref}) with data.sigil.config.rules as rules
}

test_enabled_with_no_list_denies_everything if {
	rules := fixtures.rules_with("trusted-registries", {"enabled": true})
	count(deny) == 1 with input as fixtures.good_image with data.sigil.config.rules as rules
}

# SIGIL-IMG-002 no-latest: no `latest` tag and no implicit tag.
# SIGIL-IMG-003 allowed-tags: the tag must match one of the allowed patterns (regular
# expressions; semver by default).
package sigil

import rego.v1

img_tags_latest_findings contains {"msg": msg, "reference": display(ref)} if {
	ref := input.image.reference
	latest(ref)
	not img_tags_allowed_when_pinned(ref)
	msg := sprintf("%s %s: name a version (and pin the digest)", [display(ref), latest_reason(ref)])
}

img_tags_allowed_when_pinned(ref) if {
	param("no-latest", "allow_when_pinned", false) == true
	pinned(ref)
}

img_tags_tag_findings contains {"msg": msg, "reference": display(ref), "tag": ref.tag} if {
	ref := input.image.reference
	is_string(ref.tag)
	not ref.tag_implicit == true
	patterns := param("allowed-tags", "patterns", [])
	not img_tags_tag_allowed(patterns, ref.tag)
	msg := sprintf("%s: tag %q matches none of the allowed patterns %v", [display(ref), ref.tag, patterns])
}

img_tags_tag_findings contains {"msg": msg, "reference": display(ref)} if {
	ref := input.image.reference
	not is_string(ref.tag)
	param("allowed-tags", "allow_untagged", true) != true
	msg := sprintf("%s has no tag; a tag matching the allowed patterns is required", [display(ref)])
}

img_tags_tag_allowed(patterns, tag) if {
	some p in patterns
	regex.match(p, tag)
}

findings contains object.union(f, {"code": "SIGIL-IMG-002", "name": "no-latest"}) if {
	cfg["no-latest"].enabled == true
	some f in img_tags_latest_findings
}

findings contains object.union(f, {"code": "SIGIL-IMG-003", "name": "allowed-tags"}) if {
	cfg["allowed-tags"].enabled == true
	some f in img_tags_tag_findings
}

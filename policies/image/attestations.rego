# SIGIL-IMG-008 required-attestations: each required attestation (by predicate type,
# optionally by signer, builder id and conditions on the predicate) must be among the
# image's verified attestations.
package sigil

import rego.v1

img_attestations_name := "required-attestations"

img_attestations_code := "SIGIL-IMG-008"

img_attestations_attestations := object.get(input.image, "attestations", [])

img_attestations_findings contains {"msg": msg, "requirement": img_attestations_describe(req)} if {
	input.image.reference
	some req in param(img_attestations_name, "attestations", [])
	not img_attestations_satisfied(req)
	msg := sprintf("%s has no verified attestation %s", [display(input.image.reference), img_attestations_describe(req)])
}

img_attestations_satisfied(req) if {
	some a in img_attestations_attestations
	img_attestations_type_matches(a, req)
	img_attestations_signer_ok(a, req)
	img_attestations_builder_ok(a, req)
	every c in object.get(req, "conditions", []) {
		img_attestations_condition_holds(a.predicate, c)
	}
}

img_attestations_types(req) := [req.predicate_type] if {
	is_string(req.predicate_type)
} else := object.get(req, "predicate_types", [])

img_attestations_type_matches(a, req) if a.predicate_type in img_attestations_types(req)

img_attestations_signer_ok(_, req) if count(object.get(req, "signers", [])) == 0

img_attestations_signer_ok(a, req) if {
	some e in req.signers
	signer_matches(a.signer, e)
}

# SLSA v1 runDetails.builder.id, or SLSA v0.2 builder.id.
img_attestations_builder_id(p) := p.runDetails.builder.id if {
	is_string(p.runDetails.builder.id)
} else := p.builder.id

img_attestations_builder_ok(_, req) if count(object.get(req, "builder_ids", [])) == 0

img_attestations_builder_ok(a, req) if glob_any(req.builder_ids, img_attestations_builder_id(a.predicate))

# A condition: {"path": "a.b.c"} (dot-separated, into the predicate) with one of
# equals, one_of, glob, regex, or exists.
img_attestations_condition_holds(p, c) if {
	is_string(c.path)
	v := object.get(p, split(c.path, "."), null)
	img_attestations_check(v, c)
}

img_attestations_check(v, c) if v == c.equals

img_attestations_check(v, c) if v in c.one_of

img_attestations_check(v, c) if {
	is_string(v)
	glob.match(c.glob, ["/"], v)
}

img_attestations_check(v, c) if {
	is_string(v)
	regex.match(c.regex, v)
}

img_attestations_check(v, c) if {
	c.exists == true
	v != null
}

img_attestations_check(v, c) if {
	c.exists == false
	v == null
}

img_attestations_describe(req) := sprintf("%q", [req.name]) if {
	is_string(req.name)
} else := sprintf("of type %v", [concat(" or ", img_attestations_types(req))])

findings contains object.union(f, {"code": img_attestations_code, "name": img_attestations_name}) if {
	cfg[img_attestations_name].enabled == true
	some f in img_attestations_findings
}

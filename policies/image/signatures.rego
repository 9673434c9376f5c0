# SIGIL-IMG-006 signed: when a key or identity was given to verify with
# (input.verification.requested), the image needs at least min_signers distinct signers
# among its verified signatures.
# SIGIL-IMG-007 required-signers: named signers (keys or certificate identities) must have
# signed the image: every one of them ("match": "all") or at least one ("any").
package sigil

import rego.v1

img_signatures_signatures := object.get(input.image, "signatures", [])

img_signatures_signers := {signer_id(sig.signer) | some sig in img_signatures_signatures}

img_signatures_signed_findings contains {"msg": msg, "signers": count(img_signatures_signers)} if {
	input.image.reference
	input.verification.requested == true
	min := object.get(cfg, ["signed", "min_signers"], 1)
	not img_signatures_enough(min)
	msg := sprintf("%s has %d valid signature(s) from distinct signers; %d required", [display(input.image.reference), count(img_signatures_signers), min])
}

# Enough distinct signers. Every verified signature has a signer, so for one signer any
# signature will do (the common case, without working out who is distinct).
img_signatures_enough(min) if {
	min <= 1
	count(img_signatures_signatures) >= 1
} else if count(img_signatures_signers) >= min

img_signatures_required := param("required-signers", "signers", [])

img_signatures_missing contains e if {
	input.image.reference
	some e in img_signatures_required
	not img_signatures_signed_by(e)
}

img_signatures_signed_by(e) if {
	some sig in img_signatures_signatures
	signer_matches(sig.signer, e)
}

img_signatures_signer_findings contains {"msg": msg} if {
	param("required-signers", "match", "all") != "any"
	some e in img_signatures_missing
	msg := sprintf("%s is not signed by the required signer %s", [display(input.image.reference), describe_signer(e)])
}

img_signatures_signer_findings contains {"msg": msg} if {
	param("required-signers", "match", "all") == "any"
	count(img_signatures_missing) == count(img_signatures_required)
	msg := sprintf("%s is signed by none of the required signers %v", [display(input.image.reference), [describe_signer(e) | some e in img_signatures_required]])
}

findings contains object.union(f, {"code": "SIGIL-IMG-006", "name": "signed"}) if {
	cfg["signed"].enabled == true
	some f in img_signatures_signed_findings
}

findings contains object.union(f, {"code": "SIGIL-IMG-007", "name": "required-signers"}) if {
	cfg["required-signers"].enabled == true
	some f in img_signatures_signer_findings
}

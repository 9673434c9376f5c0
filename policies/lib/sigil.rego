# Helpers shared by sigil's built-in rules: rule configuration (data.sigil.config.rules)
# and checks on image references shared by the image and Dockerfile
# rules. Nothing here produces a result by itself.
package sigil

import rego.v1

# The rule configuration, read once per evaluation.
cfg := data.sigil.config.rules

# A rule parameter with a default.
param(name, key, fallback) := object.get(cfg, [name, key], fallback)

# The mode of a rule by name: "deny", "warn" or "off". Off unless enabled; a mode other
# than "warn" denies, so a typo never weakens a rule. (Each built-in rule reads
# cfg[name].enabled and .mode directly, which is faster.)
mode(name) := "off" if {
	not cfg[name].enabled == true
} else := "warn" if {
	cfg[name].mode == "warn"
} else := "deny"

enabled(name) if mode(name) != "off"

# Every enabled rule contributes its results to `findings` ({code, name, msg, …}); each
# result denies, or warns when its rule's mode is "warn" or the result itself says
# "level": "warn" (a rule that cannot tell for sure, such as a final stage whose user
# comes from a base image nobody here can see).
deny contains r if {
	some r in findings
	not cfg[r.name].mode == "warn"
	not r.level == "warn"
}

warn contains r if {
	some r in findings
	cfg[r.name].mode == "warn"
}

warn contains r if {
	some r in findings
	r.level == "warn"
}

# --- image references -------------------------------------------------------------------
# A reference object: {given, name, registry, repository, tag, tag_implicit, digest, pinned}.

pinned(ref) if ref.pinned == true

pinned(ref) if {
	is_string(ref.digest)
	ref.digest != ""
}

# The tag is latest: written as :latest, or implied because neither tag nor digest was given.
latest(ref) if ref.tag_implicit == true

latest(ref) if ref.tag == "latest"

latest_reason(ref) := "has no tag or digest, so it means :latest" if {
	ref.tag_implicit == true
} else := "uses the tag latest"

# Glob match where * stays within one path segment and ** crosses segments.
glob_any(patterns, s) if {
	some p in patterns
	glob.match(p, ["/"], s)
}

# The reference's registry/repository, "" when unknown.
ref_name(ref) := ref.name if {
	is_string(ref.name)
} else := concat("/", [ref.registry, ref.repository]) if {
	is_string(ref.registry)
	is_string(ref.repository)
} else := ""

trusted(ref, registries, repositories) if {
	is_string(ref.registry)
	glob_any(registries, ref.registry)
}

trusted(ref, registries, repositories) if glob_any(repositories, ref_name(ref))

display(ref) := ref.given if {
	is_string(ref.given)
} else := ref_name(ref)

# --- users ----------------------------------------------------------------------------
# A container user is "user[:group]", read as runc and containerd read it: split at ":",
# the user first, then the group (runc ignores further parts, containerd refuses them). A
# part that Go's strconv.Atoi reads as a number is an id, whatever its spelling: an optional
# "+" or "-", then ASCII digits, leading zeros allowed ("00", "+0", "-0" and "000" are all
# 0); no spaces, no underscores (Atoi is ParseInt in base 10, which takes "_" only with a base
# prefix). Anything else is a name, matched exactly against /etc/passwd: "root" is root; other
# names cannot be judged here (require_numeric_uid). An empty user ("" or ":1000") makes runc
# and containerd keep uid 0. containerd keeps the low 32 bits of an id (uint32(n)), so
# 4294967296 is root there, while runc refuses ids outside 0..2^31-1: an id outside
# 0..4294967295 is read differently by each, and is refused.

user_part(u) := split(u, ":")[0]

group_part(u) := split(u, ":")[1]

# True for a part Go's strconv.Atoi reads as a number.
id_numeric(s) if regex.match(`^[+-]?[0-9]+$`, s)

# The value of an id part (undefined for a name). More than 10 significant digits is out of
# range whatever they are (also past int64, where Atoi fails and runc and containerd look
# the digits up as a name): 1e10 stands for them.
id_value(s) := v if {
	id_numeric(s)
	digits := trim_left(trim_left(s, "+-"), "0")
	v := id_signed(s, id_magnitude(digits))
}

id_magnitude(digits) := 0 if {
	digits == ""
} else := 10000000000 if {
	count(digits) > 10
} else := to_number(digits)

id_signed(s, m) := 0 - m if startswith(s, "-") else := m

# An id part whose value is outside 0..4294967295 (containerd's uint32). The bound is written
# out here and in `user_problem`: a rule such as `max_id := 4294967295` read in
# `user_problem` came out undefined in regorus when a rule called it under `with input`,
# which dropped the finding.
id_out_of_range(s) if id_value(s) < 0

id_out_of_range(s) if id_value(s) > 4294967295

# A user or group part that is root: the name root, or an id equal to 0.
root_id(s) if s == "root"

root_id(s) if id_value(s) == 0

root_user(u) if root_id(user_part(u))

root_user(u) if user_part(u) == ""

root_group(u) if root_id(group_part(u))

# "1000:" has an empty group, which containerd reads as gid 0.
root_group(u) if group_part(u) == ""

# Why user `u` is not acceptable under the non-root parameters (undefined when it is).
# Written for speed: it runs for every image and platform, and most users pass every
# branch, so parameters are read with builtins rather than through `param` (a function call).
user_problem(u) := "sets no user, so it runs as root" if {
	not is_string(u)
} else := "sets no user, so it runs as root" if {
	trim_space(u) == ""
} else := sprintf("runs as %q, which is root (with no user before the colon, the uid stays 0)", [u]) if {
	split(u, ":")[0] == ""
} else := sprintf("runs as %q, which is root", [u]) if {
	root_id(split(u, ":")[0])
} else := sprintf("runs as %q, a uid outside 0..4294967295, which runtimes read differently (containerd keeps its low 32 bits, so 4294967296 is root)", [u]) if {
	id_out_of_range(split(u, ":")[0])
} else := sprintf("runs as %q, whose group is root", [u]) if {
	object.get(cfg, ["non-root", "forbid_root_group"], false) == true
	root_group(u)
} else := sprintf("runs as %q, a gid outside 0..4294967295, which runtimes read differently (containerd keeps its low 32 bits, so 4294967296 is root)", [u]) if {
	object.get(cfg, ["non-root", "forbid_root_group"], false) == true
	id_out_of_range(group_part(u))
} else := sprintf("runs as %q, not a numeric uid (required, so that runAsNonRoot can check it)", [u]) if {
	object.get(cfg, ["non-root", "require_numeric_uid"], false) == true
	not id_numeric(split(u, ":")[0])
} else := sprintf("runs as %q, below the minimum uid %d", [u, min_uid]) if {
	min_uid := object.get(cfg, ["non-root", "min_uid"], 1)
	min_uid > 1 # uid 0 is root, caught above
	id_value(split(u, ":")[0]) < min_uid
}

# --- signers --------------------------------------------------------------------------
# A signer: {key_id} for a key, {identity, issuer} for a certificate. A required signer
# entry: {key_id}, or {identity | identity_regexp, issuer (optional)}.

signer_matches(s, e) if {
	is_string(e.key_id)
	s.key_id == e.key_id
}

signer_matches(s, e) if {
	not e.key_id
	identity_matches(s, e)
	issuer_matches(s, e)
}

identity_matches(s, e) if {
	is_string(e.identity)
	s.identity == e.identity
}

identity_matches(s, e) if {
	not e.identity
	is_string(e.identity_regexp)
	is_string(s.identity)
	whole_match(e.identity_regexp, s.identity)
}

issuer_matches(_, e) if {
	not e.issuer
	not e.issuer_regexp
}

issuer_matches(s, e) if s.issuer == e.issuer

issuer_matches(s, e) if {
	not e.issuer
	is_string(e.issuer_regexp)
	is_string(s.issuer)
	whole_match(e.issuer_regexp, s.issuer)
}

# Regular expressions on identities match the whole string, as cosign's flags do: an
# unanchored "github.com/acme/" must not admit "github.com/acme-evil/…".
whole_match(pattern, s) if regex.match(sprintf("^(?:%s)$", [pattern]), s)

# One string per distinct signer: a key listed twice is one signer.
signer_id(s) := ["key", s.key_id] if {
	is_string(s.key_id)
} else := ["cert", object.get(s, "identity", ""), object.get(s, "issuer", "")]

describe_signer(e) := sprintf("key %s", [e.key_id]) if {
	is_string(e.key_id)
} else := sprintf("identity %s (issuer %s)", [object.get(e, "identity", object.get(e, "identity_regexp", "?")), object.get(e, "issuer", object.get(e, "issuer_regexp", "any"))])

# --- Dockerfiles ----------------------------------------------------------------------
# External images a Dockerfile uses (FROM, COPY --from, RUN --mount from): the entries of
# input.dockerfile.images that are neither stage references nor scratch. Rules iterate
# `some img in input.dockerfile.images` and test these (functions, not sets: a set of image
# objects would compare whole objects on every insertion).
dockerfile_external(img) if not img.kind in {"stage", "scratch"}

# External images whose reference could be read: not "unresolved" (an unset ARG) nor
# "invalid".
dockerfile_checkable(img) if not img.kind in {"stage", "scratch", "unresolved", "invalid"}

# How an image is used, for messages: "FROM", "COPY --from", "RUN --mount from".
use_label(img) := "COPY --from" if {
	img.use == "copy-from"
} else := "RUN --mount from" if {
	img.use == "mount-from"
} else := "FROM"

# "FROM alpine:3.20", or "FROM ${BASE} (alpine:3.20)" when variables were substituted.
where(img) := sprintf("%s %s (%s)", [use_label(img), img.text, img.expanded]) if {
	is_string(img.text)
	is_string(img.expanded)
	img.text != img.expanded
} else := sprintf("%s %s", [use_label(img), image_text(img)])

image_text(img) := img.text if {
	is_string(img.text)
} else := display(img.reference)

# The fields of a finding about an image: where it is, how it is used, what it names.
image_location(img) := {
	"line": object.get(img, "line", null),
	"column": object.get(img, "column", null),
	"use": object.get(img, "use", null),
	"image": object.get(img, "expanded", object.get(img, "text", null)),
	"image_kind": object.get(img, "kind", null),
}

# Inputs shared by the built-in library's tests.
package sigil_test.fixtures

import rego.v1

digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

other_digest := "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

pinned_ref := {
	"given": sprintf("ghcr.io/acme/app:v1.2.3@%s", [digest]),
	"name": "ghcr.io/acme/app",
	"registry": "ghcr.io",
	"repository": "acme/app",
	"tag": "v1.2.3",
	"tag_implicit": false,
	"digest": digest,
	"pinned": true,
}

tagged_ref := object.union(pinned_ref, {"given": "ghcr.io/acme/app:v1.2.3", "digest": null, "pinned": false})

latest_ref := object.union(pinned_ref, {"given": "ghcr.io/acme/app:latest", "tag": "latest", "digest": null, "pinned": false})

implicit_ref := {
	"given": "nginx",
	"name": "docker.io/library/nginx",
	"registry": "docker.io",
	"repository": "library/nginx",
	"tag": "latest",
	"tag_implicit": true,
	"digest": null,
	"pinned": false,
}

digest_only_ref := object.union(pinned_ref, {"given": sprintf("ghcr.io/acme/app@%s", [digest]), "tag": null})

key_signer := {"key_id": "SHA256:team-key"}

ci_signer := {
	"identity": "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main",
	"issuer": "https://token.actions.githubusercontent.com",
}

provenance := {
	"predicate_type": "https://slsa.dev/provenance/v1",
	"signer": ci_signer,
	"predicate": {
		"buildDefinition": {"buildType": "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1"},
		"runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}},
	},
}

sbom := {
	"predicate_type": "https://cyclonedx.org/bom",
	"signer": ci_signer,
	"predicate": {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []},
}

# An image every default rule accepts.
good_image := {
	"kind": "image",
	"image": {
		"reference": pinned_ref,
		"digest": digest,
		"media_type": "application/vnd.oci.image.manifest.v1+json",
		"platform": "linux/amd64",
		"config": {"user": "65532:65532", "entrypoint": ["/app"], "labels": {}, "os": "linux", "architecture": "amd64"},
		"annotations": {
			"org.opencontainers.image.base.name": "gcr.io/distroless/static-debian12:nonroot",
			"org.opencontainers.image.base.digest": other_digest,
		},
		"signatures": [{"format": "bundle", "signer": key_signer, "annotations": {}}],
		"attestations": [provenance, sbom],
		"base_images": [{
			"name": "gcr.io/distroless/static-debian12",
			"reference": sprintf("gcr.io/distroless/static-debian12:nonroot@%s", [other_digest]),
			"tag": "nonroot",
			"digest": other_digest,
			"source": "provenance",
		}],
		"platforms": [],
	},
	"verification": {"requested": true},
}

# good_image with fields of input.image replaced (objects merge, other values replace).
image(patch) := object.union(good_image, {"image": patch})

# The rule configuration with one rule's settings merged in.
rules_with(name, settings) := object.union(data.sigil.config.rules, {name: settings})

# A Dockerfile input: golang build stage, distroless final stage.
good_dockerfile := {
	"kind": "dockerfile",
	"dockerfile": {
		"path": "Dockerfile",
		"stages": [
			{"index": 0, "name": "build", "line": 1, "from": {"text": sprintf("golang:1.22@%s", [digest]), "kind": "digest"}},
			{"index": 1, "name": null, "line": 5, "from": {"text": sprintf("gcr.io/distroless/static-debian12:nonroot@%s", [other_digest]), "kind": "digest"}, "user": "65532"},
		],
		"final_stage": {"index": 1, "line": 5, "column": 6, "user": "65532", "user_text": "65532", "user_line": 7, "user_column": 1, "user_unresolved": false, "base_kind": "digest", "base_text": "gcr.io/distroless/static-debian12:nonroot"},
		"images": [
			dockerfile_image("from", 1, sprintf("golang:1.22@%s", [digest]), "digest", {
				"given": sprintf("golang:1.22@%s", [digest]),
				"name": "docker.io/library/golang",
				"registry": "docker.io",
				"repository": "library/golang",
				"tag": "1.22",
				"tag_implicit": false,
				"digest": digest,
				"pinned": true,
			}),
			dockerfile_image("from", 5, sprintf("gcr.io/distroless/static-debian12:nonroot@%s", [other_digest]), "digest", {
				"given": sprintf("gcr.io/distroless/static-debian12:nonroot@%s", [other_digest]),
				"name": "gcr.io/distroless/static-debian12",
				"registry": "gcr.io",
				"repository": "distroless/static-debian12",
				"tag": "nonroot",
				"tag_implicit": false,
				"digest": other_digest,
				"pinned": true,
			}),
			{"use": "copy-from", "line": 6, "stage": 1, "text": "build", "kind": "stage", "reference": null},
		],
	},
}

dockerfile_image(use, line, text, kind, ref) := {"use": use, "line": line, "column": 6, "stage": 0, "text": text, "expanded": text, "kind": kind, "reference": ref}

# good_dockerfile with one more image used.
dockerfile_with(img) := object.union(good_dockerfile, {"dockerfile": {"images": array.concat(good_dockerfile.dockerfile.images, [img])}})

//! Every parser of untrusted input, fed arbitrary bytes and near-valid mutations: it must
//! return an error or a value, never panic, and stay fast. (cargo-fuzz needs a nightly
//! toolchain; these property tests run in every CI run instead.)

use proptest::prelude::*;

use sigil::oci::manifest::Manifest;
use sigil::sign::bundle::Bundle;
use sigil::sign::dsse::Statement;
use sigil::sign::keys::{PrivateKey, PublicKey};

const MANIFEST: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}}"#;
const BUNDLE: &str = r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"x"}},"dsseEnvelope":{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"MEUC"}]}}"#;
const STATEMENT: &str = r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}"#;

/// Feeds `input` to every parser.
fn parse_everything(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    let _ = Manifest::parse(input, None);
    let _ = Manifest::parse(input, Some("application/vnd.oci.image.index.v1+json"));
    let _ = Bundle::parse(input);
    let _ = Statement::parse(input);
    let _ = serde_json::from_slice::<sigil::sign::simple_signing::Payload>(input);
    let _ = serde_json::from_slice::<sigil::sign::dsse::Envelope>(input);
    let _ = PublicKey::from_pem(&text);
    let _ = PrivateKey::from_plain_pem(&text);
    let _ = sigil::sign::pem::parse_all(&text);
    let _ = sigil::verify::certificate::parse(input);
    let _ = sigil::verify::certificate::public_key_of(input);
    let _ = sigil::registry::auth::parse_challenge(&text);
    let _ = text.parse::<sigil::oci::ImageRef>();
    let _ = text.parse::<sigil::oci::Digest>();
    let _ = sigil::attest::types::PredicateType::parse(&text);
}

/// Mutates a valid document: flips, inserts and truncates bytes.
fn mutated(base: &'static str) -> impl Strategy<Value = Vec<u8>> {
    (any::<usize>(), any::<u8>(), 0usize..4).prop_map(move |(pos, byte, op)| {
        let mut v = base.as_bytes().to_vec();
        let i = pos % v.len();
        match op {
            0 => v[i] = byte,
            1 => v.insert(i, byte),
            2 => v.truncate(i),
            _ => {
                v.remove(i);
            }
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..2048)) {
        parse_everything(&input);
    }

    #[test]
    fn mutated_documents_never_panic(m in mutated(MANIFEST), b in mutated(BUNDLE), s in mutated(STATEMENT)) {
        parse_everything(&m);
        parse_everything(&b);
        parse_everything(&s);
    }

    #[test]
    fn arbitrary_pem_armour_never_panics(label in "[A-Z ]{0,40}", body in "[A-Za-z0-9+/=\n]{0,400}") {
        let text = format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n");
        parse_everything(text.as_bytes());
        let _ = PrivateKey::from_encrypted_pem(&text, b"x");
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    parse_everything(deep.as_bytes());
    let deep_obj = format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    parse_everything(deep_obj.as_bytes());
}

#[test]
fn a_hostile_scrypt_cost_is_refused_without_running_it() {
    use base64::Engine as _;
    let doc = serde_json::json!({
        "kdf": {"name": "scrypt", "params": {"N": 1u64 << 40, "r": 8, "p": 1}, "salt": "AAAA"},
        "cipher": {"name": "nacl/secretbox", "nonce": base64::engine::general_purpose::STANDARD.encode([0u8; 24])},
        "ciphertext": "AAAA"
    });
    let pem =
        sigil::sign::pem::encode("ENCRYPTED SIGSTORE PRIVATE KEY", doc.to_string().as_bytes());
    let start = std::time::Instant::now();
    let err = PrivateKey::from_encrypted_pem(&pem, b"x")
        .unwrap_err()
        .to_string();
    assert!(err.contains("beyond what sigil accepts"), "{err}");
    assert!(start.elapsed().as_secs() < 1);
}

#[cfg(unix)]
#[test]
fn endless_local_files_are_refused_not_read_into_memory() {
    // /dev/zero as a key, a reference list, a trust file, a policy, a password file and a
    // CA file: each is refused after a bounded read, with exit 2 and the file named.
    let env = crate::harness::Env::new();
    let public = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/cosign.pub");
    let image =
        "oci:nowhere@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    let private = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/cosign.key");
    let cases: [&[&str]; 7] = [
        &["verify", "--key", "/dev/zero", image],
        &["verify", "--key", public, "--from-file", "/dev/zero"],
        &["check", "--trust", "/dev/zero", image],
        &["policy", "eval", "-p", "/dev/zero", "--input", public],
        &["sign", "--key", "/dev/zero", image],
        &[
            "sign",
            "--key",
            private,
            "--password-file",
            "/dev/zero",
            image,
        ],
        &[
            "verify",
            "--certificate-identity",
            "a",
            "--certificate-oidc-issuer",
            "b",
            "--ca-roots",
            "/dev/zero",
            image,
        ],
    ];
    for args in cases {
        let run = env.sigil(args);
        run.code(2);
        assert!(
            run.stderr.contains("/dev/zero") && run.stderr.contains("larger than"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.elapsed < std::time::Duration::from_secs(10),
            "{args:?}: {:?}",
            run.elapsed
        );
    }
}

#[test]
fn deeply_nested_yaml_is_refused_in_bounded_time() {
    // libyaml's algorithm is quadratic in flow nesting: 200,000 levels would take minutes.
    let env = crate::harness::Env::new();
    let n = 200_000;
    let deep = format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
    std::fs::write(env.path().join("deep.yaml"), &deep).unwrap();
    std::fs::write(
        env.path().join("sigil.yaml"),
        format!("version: 1\nrules: {}{}\n", "[".repeat(n), "]".repeat(n)),
    )
    .unwrap();
    std::fs::write(env.path().join("in.json"), "{}").unwrap();
    // Brackets hidden in strings from the quick count: only the parse deadline stops this.
    let sneaky = format!("a: {}1{}\n", "[\"]\", ".repeat(n), "]".repeat(n));
    std::fs::write(env.path().join("sneaky.yaml"), &sneaky).unwrap();
    let image =
        "oci:nowhere@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    let cases: [(&[&str], &str, u64); 4] = [
        (
            &[
                "policy",
                "eval",
                "--data",
                "deep.yaml",
                "--input",
                "in.json",
            ],
            "brackets nest more than 1000 deep",
            5,
        ),
        (
            &["policy", "eval", "--input", "deep.yaml"],
            "brackets nest more than 1000 deep",
            5,
        ),
        (
            &["check", "--trust", "sigil.yaml", image],
            "brackets nest more than 1000 deep",
            5,
        ),
        (
            &["policy", "eval", "--input", "sneaky.yaml"],
            "did not finish within 10s",
            25,
        ),
    ];
    for (args, says, secs) in cases {
        let run = env.sigil(args);
        run.code(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(
            run.elapsed < std::time::Duration::from_secs(secs),
            "{args:?}: {:?}",
            run.elapsed
        );
    }
}

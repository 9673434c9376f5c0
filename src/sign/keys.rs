//! Signing keys in cosign's formats: ECDSA P-256 private keys encrypted the way
//! `cosign generate-key-pair` writes them (scrypt → NaCl secretbox around PKCS#8 DER, in an
//! `ENCRYPTED SIGSTORE PRIVATE KEY` PEM block), plain PKCS#8 / SEC1 imports, and public keys
//! as SubjectPublicKeyInfo PEM.
//!
//! Signatures are ECDSA P-256 over SHA-256, ASN.1 DER encoded, as cosign makes them. Keys
//! are parsed and signatures made with the RustCrypto `p256` crate; verification, which
//! handles only public data and runs once per signature found, uses aws-lc-rs (already
//! linked for TLS), several times faster than constant-time arithmetic.

use base64::Engine as _;
use crypto_secretbox::XSalsa20Poly1305;
use crypto_secretbox::aead::{Aead, KeyInit};
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, ObjectIdentifier,
};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::pem;

/// PEM label cosign writes today; older cosign wrote the second.
pub const ENCRYPTED_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
const LEGACY_ENCRYPTED_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";
/// scrypt cost cosign uses for new keys (log2 N = 16).
const SCRYPT_LOG_N: u8 = 16;
/// Highest scrypt cost sigil accepts from a key file: bounds memory and time for a hostile file.
const SCRYPT_MAX_LOG_N: u8 = 20;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error(transparent)]
    Pem(#[from] pem::PemError),
    #[error("incorrect passphrase (or the key file was modified)")]
    WrongPassphrase,
    #[error("encrypted key is malformed: {0}")]
    Malformed(String),
    #[error("unsupported key encryption: {0}")]
    Unsupported(String),
    #[error("not an ECDSA P-256 key: {0}")]
    NotP256(String),
    #[error("unexpected PEM block {found:?} (expected {expected})")]
    WrongLabel {
        found: String,
        expected: &'static str,
    },
    /// A private key where a public key belongs (`verify --key`, a trust file's `key`).
    #[error("this is {0}, not a public key: give the public key")]
    PrivateKeyGiven(String),
    /// A public key where a private key belongs (`sign --key`).
    #[error("this is a public key (PEM block \"PUBLIC KEY\"), not a private key")]
    PublicKeyGiven,
    /// A well-formed key of an algorithm or curve sigil does not use.
    #[error("this is {0}; sigil signs and verifies with ECDSA P-256 keys only (cosign's default)")]
    UnsupportedKey(String),
    /// A public key file holding more than the key: which block would be trusted is a guess.
    #[error(
        "holds {0} PEM blocks; a public key file holds one key (give each key its own file, or \
         pass a directory of them)"
    )]
    SeveralBlocks(usize),
    #[error("random number generator failed: {0}")]
    Random(String),
}

/// An ECDSA P-256 signing key.
#[derive(Clone)]
pub struct PrivateKey {
    signing: SigningKey,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey(P-256, public {})", self.public().hint())
    }
}

/// An ECDSA P-256 verification key.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    verifying: VerifyingKey,
    /// The uncompressed SEC1 point, as the fast verifier takes it.
    point: Vec<u8>,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.hint())
    }
}

#[derive(Serialize, Deserialize)]
struct EncryptedKey {
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: ScryptParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct ScryptParams {
    N: u64,
    r: u32,
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    name: String,
    nonce: String,
}

fn random_bytes<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(b)
}

fn derive_key(
    passphrase: &[u8],
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let params = scrypt::Params::new(log_n, r, p)
        .map_err(|e| KeyError::Unsupported(format!("scrypt parameters: {e}")))?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(passphrase, salt, &params, key.as_mut())
        .map_err(|e| KeyError::Malformed(format!("scrypt: {e}")))?;
    Ok(key)
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

impl PrivateKey {
    /// A fresh random key.
    pub fn generate() -> Result<PrivateKey, KeyError> {
        loop {
            let bytes = Zeroizing::new(random_bytes::<32>()?);
            if let Ok(signing) = SigningKey::from_slice(bytes.as_ref()) {
                return Ok(PrivateKey { signing });
            }
        }
    }

    /// The key in cosign's encrypted PEM format.
    pub fn to_encrypted_pem(&self, passphrase: &[u8]) -> Result<String, KeyError> {
        let der = self
            .signing
            .to_pkcs8_der()
            .map_err(|e| KeyError::Malformed(format!("PKCS#8 encoding: {e}")))?;
        let salt = random_bytes::<32>()?;
        let nonce = random_bytes::<24>()?;
        let key = derive_key(passphrase, &salt, SCRYPT_LOG_N, 8, 1)?;
        let cipher = XSalsa20Poly1305::new(key.as_ref().into());
        let ciphertext = cipher
            .encrypt(&nonce.into(), der.as_bytes())
            .map_err(|_| KeyError::Malformed("encryption failed".into()))?;
        let doc = EncryptedKey {
            kdf: Kdf {
                name: "scrypt".into(),
                params: ScryptParams {
                    N: 1 << SCRYPT_LOG_N,
                    r: 8,
                    p: 1,
                },
                salt: b64().encode(salt),
            },
            cipher: Cipher {
                name: "nacl/secretbox".into(),
                nonce: b64().encode(nonce),
            },
            ciphertext: b64().encode(ciphertext),
        };
        let json = serde_json::to_vec(&doc).map_err(|e| KeyError::Malformed(e.to_string()))?;
        Ok(pem::encode(ENCRYPTED_LABEL, &json))
    }

    /// Reads a cosign encrypted key.
    pub fn from_encrypted_pem(text: &str, passphrase: &[u8]) -> Result<PrivateKey, KeyError> {
        let block = pem::parse(text)?;
        if block.label != ENCRYPTED_LABEL && block.label != LEGACY_ENCRYPTED_LABEL {
            return Err(KeyError::WrongLabel {
                found: block.label,
                expected: ENCRYPTED_LABEL,
            });
        }
        let doc: EncryptedKey = serde_json::from_slice(&block.der)
            .map_err(|e| KeyError::Malformed(format!("not cosign's key JSON: {e}")))?;
        if doc.kdf.name != "scrypt" {
            return Err(KeyError::Unsupported(format!(
                "key derivation {:?}",
                doc.kdf.name
            )));
        }
        if doc.cipher.name != "nacl/secretbox" {
            return Err(KeyError::Unsupported(format!(
                "cipher {:?}",
                doc.cipher.name
            )));
        }
        let n = doc.kdf.params.N;
        if !n.is_power_of_two() || n < 2 {
            return Err(KeyError::Malformed(format!(
                "scrypt N={n} is not a power of two"
            )));
        }
        let log_n = n.trailing_zeros() as u8;
        if log_n > SCRYPT_MAX_LOG_N || doc.kdf.params.r > 32 || doc.kdf.params.p > 16 {
            return Err(KeyError::Unsupported(format!(
                "scrypt cost N={n} r={} p={} is beyond what sigil accepts",
                doc.kdf.params.r, doc.kdf.params.p
            )));
        }
        let salt = b64()
            .decode(&doc.kdf.salt)
            .map_err(|_| KeyError::Malformed("salt is not base64".into()))?;
        let nonce = b64()
            .decode(&doc.cipher.nonce)
            .map_err(|_| KeyError::Malformed("nonce is not base64".into()))?;
        let nonce: [u8; 24] = nonce
            .try_into()
            .map_err(|_| KeyError::Malformed("nonce is not 24 bytes".into()))?;
        let ciphertext = b64()
            .decode(&doc.ciphertext)
            .map_err(|_| KeyError::Malformed("ciphertext is not base64".into()))?;
        let key = derive_key(passphrase, &salt, log_n, doc.kdf.params.r, doc.kdf.params.p)?;
        let cipher = XSalsa20Poly1305::new(key.as_ref().into());
        let der = Zeroizing::new(
            cipher
                .decrypt(&nonce.into(), ciphertext.as_slice())
                .map_err(|_| KeyError::WrongPassphrase)?,
        );
        let signing = SigningKey::from_pkcs8_der(&der).map_err(|e| {
            not_p256(
                pkcs8_algorithm(&der).map(|a| a.name("private")),
                e.to_string(),
            )
        })?;
        Ok(PrivateKey { signing })
    }

    /// Reads an unencrypted PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) P-256 key.
    pub fn from_plain_pem(text: &str) -> Result<PrivateKey, KeyError> {
        let blocks = pem::parse_all(text)?;
        let Some(block) = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY")) else {
            return Err(match blocks[0].label.as_str() {
                "PUBLIC KEY" => KeyError::PublicKeyGiven,
                other => KeyError::WrongLabel {
                    found: other.to_string(),
                    expected: "PRIVATE KEY or EC PRIVATE KEY",
                },
            });
        };
        let der = Zeroizing::new(block.der.clone());
        let signing = match block.label.as_str() {
            "PRIVATE KEY" => SigningKey::from_pkcs8_der(&der)
                .map_err(|e| not_p256(describe_private(block), e.to_string()))?,
            "EC PRIVATE KEY" => {
                let sk = p256::SecretKey::from_sec1_der(&der)
                    .map_err(|e| not_p256(describe_private(block), e.to_string()))?;
                SigningKey::from(sk)
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err(KeyError::Unsupported(
                    "PKCS#8 password-encrypted keys; decrypt with openssl first".into(),
                ));
            }
            other => {
                return Err(KeyError::WrongLabel {
                    found: other.to_string(),
                    expected: "PRIVATE KEY or EC PRIVATE KEY",
                });
            }
        };
        Ok(PrivateKey { signing })
    }

    pub fn public(&self) -> PublicKey {
        PublicKey::from_verifying_key(*self.signing.verifying_key())
    }

    /// ECDSA P-256 / SHA-256 signature over `message`, DER encoded.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let sig: Signature = self.signing.sign(message);
        let der: DerSignature = sig.to_der();
        der.as_bytes().to_vec()
    }
}

impl PublicKey {
    /// Reads a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM block: the only block of `text`, so
    /// that which key is trusted is never a guess.
    pub fn from_pem(text: &str) -> Result<PublicKey, KeyError> {
        let blocks = pem::parse_all(text)?;
        if blocks.len() > 1 {
            return Err(KeyError::SeveralBlocks(blocks.len()));
        }
        let block = &blocks[0];
        match block.label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&block.der),
            l if l.ends_with("PRIVATE KEY") => Err(KeyError::PrivateKeyGiven(
                describe_private(block).unwrap_or_else(|| format!("a private key ({l:?})")),
            )),
            other => Err(KeyError::WrongLabel {
                found: other.to_string(),
                expected: "PUBLIC KEY",
            }),
        }
    }

    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let verifying = VerifyingKey::from_public_key_der(der)
            .map_err(|e| not_p256(spki_algorithm(der).map(|a| a.name("public")), e.to_string()))?;
        Ok(PublicKey::from_verifying_key(verifying))
    }

    pub fn from_verifying_key(verifying: VerifyingKey) -> PublicKey {
        let point = verifying.to_sec1_point(false).as_bytes().to_vec();
        PublicKey { verifying, point }
    }

    /// SubjectPublicKeyInfo DER.
    pub fn spki_der(&self) -> Vec<u8> {
        self.verifying
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }

    pub fn to_pem(&self) -> String {
        pem::encode("PUBLIC KEY", &self.spki_der())
    }

    /// cosign's key hint: base64 of SHA-256 of the SubjectPublicKeyInfo DER.
    pub fn hint(&self) -> String {
        b64().encode(sha2::Sha256::digest(self.spki_der()))
    }

    /// A stable id for policies and reports: `SHA256:` and the unpadded base64 of SHA-256 of
    /// the SubjectPublicKeyInfo DER (the form of an SSH key fingerprint; the same hash as
    /// [`PublicKey::hint`]).
    pub fn key_id(&self) -> String {
        let hint = self.hint();
        format!("SHA256:{}", hint.trim_end_matches('='))
    }

    /// Checks a DER ECDSA signature over `message`.
    pub fn verify(&self, message: &[u8], signature_der: &[u8]) -> bool {
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &self.point)
            .verify(message, signature_der)
            .is_ok()
    }

    /// The same check with RustCrypto's constant-time arithmetic (kept to cross-check the
    /// fast path in tests).
    pub fn verify_rustcrypto(&self, message: &[u8], signature_der: &[u8]) -> bool {
        match Signature::from_der(signature_der) {
            Ok(sig) => self.verifying.verify(message, &sig).is_ok(),
            Err(_) => false,
        }
    }
}

/// The algorithm of a key, from its AlgorithmIdentifier: to say what a key is when it is not
/// one sigil uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Algorithm {
    oid: ObjectIdentifier,
    /// The named curve of an EC key.
    curve: Option<ObjectIdentifier>,
}

impl Algorithm {
    fn from_identifier(a: &p256::pkcs8::spki::AlgorithmIdentifierRef<'_>) -> Algorithm {
        Algorithm {
            oid: a.oid,
            curve: a.parameters_oid().ok(),
        }
    }

    /// "an ECDSA P-384 private key", "an RSA public key", …
    fn name(self, kind: &str) -> String {
        let curve = self.curve.map(|c| c.to_string());
        let named = match (self.oid.to_string().as_str(), curve.as_deref()) {
            ("1.2.840.10045.2.1", Some("1.2.840.10045.3.1.7")) => "an ECDSA P-256",
            ("1.2.840.10045.2.1", Some("1.3.132.0.34")) => "an ECDSA P-384",
            ("1.2.840.10045.2.1", Some("1.3.132.0.35")) => "an ECDSA P-521",
            ("1.2.840.10045.2.1", Some("1.3.132.0.10")) => "an ECDSA secp256k1",
            ("1.2.840.10045.2.1", _) => {
                return format!(
                    "an EC {kind} key on curve {}",
                    curve.as_deref().unwrap_or("(unnamed)")
                );
            }
            ("1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10", _) => "an RSA",
            ("1.3.101.112", _) => "an Ed25519",
            ("1.3.101.113", _) => "an Ed448",
            (oid, _) => return format!("a {kind} key of algorithm {oid}"),
        };
        format!("{named} {kind} key")
    }
}

fn spki_algorithm(der: &[u8]) -> Option<Algorithm> {
    use p256::pkcs8::der::Decode as _;
    let spki = p256::pkcs8::SubjectPublicKeyInfoRef::from_der(der).ok()?;
    Some(Algorithm::from_identifier(&spki.algorithm))
}

fn pkcs8_algorithm(der: &[u8]) -> Option<Algorithm> {
    use p256::pkcs8::der::Decode as _;
    let info = p256::pkcs8::PrivateKeyInfoRef::from_der(der).ok()?;
    Some(Algorithm::from_identifier(&info.algorithm))
}

/// What a private-key PEM block holds, when that can be told ("an ECDSA P-384 private key").
fn describe_private(block: &pem::Block) -> Option<String> {
    match block.label.as_str() {
        "PRIVATE KEY" => pkcs8_algorithm(&block.der).map(|a| a.name("private")),
        // SEC1 names the curve inside; the curves sigil knows of are tried.
        "EC PRIVATE KEY" => {
            if p256::SecretKey::from_sec1_der(&block.der).is_ok() {
                Some("an ECDSA P-256 private key".into())
            } else if p384::SecretKey::from_sec1_der(&block.der).is_ok() {
                Some("an ECDSA P-384 private key".into())
            } else {
                None
            }
        }
        ENCRYPTED_LABEL | LEGACY_ENCRYPTED_LABEL => Some("a cosign encrypted private key".into()),
        "ENCRYPTED PRIVATE KEY" => Some("a password-encrypted PKCS#8 private key".into()),
        "RSA PRIVATE KEY" => Some("an RSA private key".into()),
        "OPENSSH PRIVATE KEY" => Some("an OpenSSH private key".into()),
        _ => None,
    }
}

/// The error for a key that did not read as P-256: what it is instead when that is known and
/// it is not a P-256 key, else the parser's reason.
fn not_p256(what: Option<String>, reason: String) -> KeyError {
    match what {
        Some(w) if !w.starts_with("an ECDSA P-256 ") => KeyError::UnsupportedKey(w),
        _ => KeyError::NotP256(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_round_trip_and_wrong_passphrase() {
        let k = PrivateKey::generate().unwrap();
        let pem = k.to_encrypted_pem(b"secret").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"));
        let back = PrivateKey::from_encrypted_pem(&pem, b"secret").unwrap();
        assert_eq!(back.public(), k.public());
        assert!(matches!(
            PrivateKey::from_encrypted_pem(&pem, b"wrong"),
            Err(KeyError::WrongPassphrase)
        ));
        let cut = &pem[..pem.len() / 2];
        assert!(PrivateKey::from_encrypted_pem(cut, b"secret").is_err());
    }

    #[test]
    fn reads_a_key_written_by_cosign() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
        let key = std::fs::read_to_string(root.join("cosign.key")).unwrap();
        let public = std::fs::read_to_string(root.join("cosign.pub")).unwrap();
        let k = PrivateKey::from_encrypted_pem(&key, b"sigil-test").unwrap();
        let p = PublicKey::from_pem(&public).unwrap();
        assert_eq!(k.public(), p);
        let sig = k.sign(b"payload");
        assert!(p.verify(b"payload", &sig));
        assert!(!p.verify(b"payload2", &sig));
        assert!(!p.verify(b"payload", b"not der"));
        // The fast verifier and RustCrypto agree, on good and on tampered signatures.
        for i in 0..sig.len() {
            let mut bad = sig.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                p.verify(b"payload", &bad),
                p.verify_rustcrypto(b"payload", &bad),
                "byte {i}"
            );
        }
        assert!(p.verify_rustcrypto(b"payload", &sig));
    }

    /// A P-384 key (here made from a fixed scalar) as PKCS#8 and SEC1 PEM, and its public key.
    fn p384_pems() -> (String, String, String) {
        use p384::pkcs8::EncodePrivateKey as _;
        let sk = p384::SecretKey::from_slice(&[7u8; 48]).unwrap();
        let pkcs8 = pem::encode("PRIVATE KEY", sk.to_pkcs8_der().unwrap().as_bytes());
        let sec1 = pem::encode("EC PRIVATE KEY", &sk.to_sec1_der().unwrap());
        let public = pem::encode(
            "PUBLIC KEY",
            p384::pkcs8::EncodePublicKey::to_public_key_der(&sk.public_key())
                .unwrap()
                .as_bytes(),
        );
        (pkcs8, sec1, public)
    }

    /// Each key is named for what it is: a private key where a public one belongs, a public
    /// key where a private one belongs, a P-384 key where P-256 is needed.
    #[test]
    fn keys_of_the_wrong_kind_are_named() {
        let (pkcs8, sec1, public) = p384_pems();
        for private in [&pkcs8, &sec1] {
            let e = PublicKey::from_pem(private).unwrap_err();
            assert_eq!(
                e.to_string(),
                "this is an ECDSA P-384 private key, not a public key: give the public key"
            );
            let e = PrivateKey::from_plain_pem(private).unwrap_err();
            assert!(
                matches!(&e, KeyError::UnsupportedKey(w) if w == "an ECDSA P-384 private key"),
                "{e}"
            );
            assert!(e.to_string().contains("ECDSA P-256 keys only"), "{e}");
        }
        let e = PublicKey::from_pem(&public).unwrap_err();
        assert!(
            matches!(&e, KeyError::UnsupportedKey(w) if w == "an ECDSA P-384 public key"),
            "{e}"
        );
        let k = PrivateKey::generate().unwrap();
        let p256_private = pem::encode("PRIVATE KEY", k.signing.to_pkcs8_der().unwrap().as_bytes());
        assert!(matches!(
            PublicKey::from_pem(&p256_private),
            Err(KeyError::PrivateKeyGiven(w)) if w == "an ECDSA P-256 private key"
        ));
        assert!(matches!(
            PrivateKey::from_plain_pem(&k.public().to_pem()),
            Err(KeyError::PublicKeyGiven)
        ));
        // A PEM error is said once, not once more as its own cause.
        let e = PublicKey::from_pem("hello").unwrap_err();
        assert!(std::error::Error::source(&e).is_none());
        assert!(e.to_string().starts_with("no PEM block found"), "{e}");
    }

    /// A public key file holds one key: with two blocks, which one is trusted would be a guess.
    #[test]
    fn a_public_key_file_holds_one_block() {
        let a = PrivateKey::generate().unwrap().public().to_pem();
        let b = PrivateKey::generate().unwrap().public().to_pem();
        assert!(PublicKey::from_pem(&format!("# release key\n{a}")).is_ok());
        for text in [
            format!("{a}{b}"),
            format!("{a}{a}"),
            format!("{a}{}", pem::encode("CERTIFICATE", b"x")),
        ] {
            let e = PublicKey::from_pem(&text).unwrap_err();
            assert!(matches!(e, KeyError::SeveralBlocks(2)), "{e}");
            assert!(e.to_string().starts_with("holds 2 PEM blocks"), "{e}");
        }
    }

    #[test]
    fn plain_imports_and_foreign_blocks() {
        let k = PrivateKey::generate().unwrap();
        let pkcs8 = pem::encode("PRIVATE KEY", k.signing.to_pkcs8_der().unwrap().as_bytes());
        assert_eq!(
            PrivateKey::from_plain_pem(&pkcs8).unwrap().public(),
            k.public()
        );
        let cert = pem::encode("CERTIFICATE", b"x");
        assert!(matches!(
            PublicKey::from_pem(&cert),
            Err(KeyError::WrongLabel { .. })
        ));
        assert!(matches!(
            PrivateKey::from_encrypted_pem(&pkcs8, b""),
            Err(KeyError::WrongLabel { .. })
        ));
    }
}

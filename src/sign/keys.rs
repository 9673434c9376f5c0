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
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
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
    #[error("not a PEM key: {0}")]
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
        let signing =
            SigningKey::from_pkcs8_der(&der).map_err(|e| KeyError::NotP256(e.to_string()))?;
        Ok(PrivateKey { signing })
    }

    /// Reads an unencrypted PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) P-256 key.
    pub fn from_plain_pem(text: &str) -> Result<PrivateKey, KeyError> {
        let block = pem::parse_all(text)?
            .into_iter()
            .find(|b| b.label.ends_with("PRIVATE KEY"))
            .ok_or(KeyError::Pem(pem::PemError::NoBlock))?;
        let der = Zeroizing::new(block.der);
        let signing = match block.label.as_str() {
            "PRIVATE KEY" => {
                SigningKey::from_pkcs8_der(&der).map_err(|e| KeyError::NotP256(e.to_string()))?
            }
            "EC PRIVATE KEY" => {
                let sk = p256::SecretKey::from_sec1_der(&der)
                    .map_err(|e| KeyError::NotP256(e.to_string()))?;
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
    /// Reads a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM block.
    pub fn from_pem(text: &str) -> Result<PublicKey, KeyError> {
        let block = pem::parse_all(text)?
            .into_iter()
            .find(|b| b.label == "PUBLIC KEY")
            .ok_or_else(|| KeyError::WrongLabel {
                found: pem::parse(text).map(|b| b.label).unwrap_or_default(),
                expected: "PUBLIC KEY",
            })?;
        Self::from_spki_der(&block.der)
    }

    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let verifying =
            VerifyingKey::from_public_key_der(der).map_err(|e| KeyError::NotP256(e.to_string()))?;
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

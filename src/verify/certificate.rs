//! X.509 certificates on signatures: the key a certificate certifies, and whether a
//! certificate is one the verifier trusts for the identity it asks for.
//!
//! [`verify_leaf`] does what `cosign verify --certificate-identity … --certificate-oidc-issuer …`
//! does with a private CA (`--ca-roots`, `--certificate-chain`), minus the transparency log:
//!
//! 1. it builds the path leaf → intermediates → a trusted root, from the intermediates carried
//!    by the signature and those the verifier supplies, verifying each certificate's signature
//!    with its issuer's key (ECDSA P-256 or P-384, with SHA-256/384/512);
//! 2. every issuer must be a CA (basicConstraints, keyUsage keyCertSign when keyUsage is present,
//!    pathLenConstraint, an extended key usage that allows code signing when one is present);
//! 3. every certificate on the path, root included, must be valid at the signing time. With no
//!    transparency log or timestamp authority to vouch for when a signature was made, sigil
//!    takes the signing time to be the time of verification, so a certificate that has since
//!    expired does not verify (cosign would accept it with a log entry from its lifetime);
//! 4. the leaf must allow digitalSignature and have the codeSigning extended key usage, and no
//!    certificate may carry a critical extension sigil does not understand;
//! 5. the leaf's subject alternative name (URI, email, DNS name or Fulcio's username other-name)
//!    must equal `--certificate-identity` and/or fully match `--certificate-identity-regexp`,
//!    and the OIDC issuer Fulcio records (extension 1.3.6.1.4.1.57264.1.8, a UTF8String, or the
//!    deprecated 1.3.6.1.4.1.57264.1.1, the raw URL) must equal `--certificate-oidc-issuer`
//!    and/or fully match `--certificate-oidc-issuer-regexp`.
//!
//! Regular expressions are anchored at both ends (unlike cosign, which uses Go's unanchored
//! `MatchString`): `https://github.com/org/.*` does not match `https://evil/https://github.com/org/`.
//! Input is bounded: certificates larger than [`MAX_CERTIFICATE_DER`] and chains longer than
//! [`MAX_CHAIN`] are refused.

use regex::Regex;
use serde::Serialize;
use sha2::Digest as _;
use x509_cert::Certificate;
use x509_cert::der::asn1::{ObjectIdentifier, Utf8StringRef};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName};

use crate::sign::keys::{KeyError, PublicKey};
use crate::util::time::rfc3339;

/// Largest certificate accepted, DER.
pub const MAX_CERTIFICATE_DER: usize = 64 * 1024;
/// Most certificates accepted in a chain (the signature's, or a verifier's file).
pub const MAX_CHAIN: usize = 10;
/// Most trusted roots or intermediates read from one of the verifier's files.
pub const MAX_TRUSTED: usize = 100;

/// Fulcio's OIDC issuer, v1 (deprecated): the extension value is the issuer URL's bytes.
pub const FULCIO_ISSUER_V1: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
/// Fulcio's OIDC issuer, v2: the extension value is a DER UTF8String.
pub const FULCIO_ISSUER_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
/// Fulcio's SAN other-name for usernames (UTF8String).
const FULCIO_USERNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.7");

const EKU_CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
const EKU_ANY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
const EXT_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const EXT_SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const EXT_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const EXT_AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const EXT_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const CURVE_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const CURVE_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    #[error("not a DER X.509 certificate: {0}")]
    Parse(String),
    #[error("certificate key: {0}")]
    Key(#[from] KeyError),
    #[error("certificate is {size} bytes, more than the {MAX_CERTIFICATE_DER} sigil accepts")]
    TooLarge { size: usize },
    #[error("certificate chain has {len} certificates, more than the {MAX_CHAIN} sigil accepts")]
    ChainTooLong { len: usize },
    #[error("{what} holds {count} certificates, more than the {max} sigil accepts")]
    TooMany {
        what: String,
        count: usize,
        max: usize,
    },
    #[error("invalid {flag} {pattern:?}: {error}")]
    Regexp {
        flag: &'static str,
        pattern: String,
        error: String,
    },
    #[error("certificate verification needs {0}")]
    Incomplete(&'static str),
    #[error("{subject}: unsupported {what} {detail}")]
    Unsupported {
        subject: String,
        what: &'static str,
        detail: String,
    },
    #[error("{subject}: malformed {what}: {detail}")]
    Malformed {
        subject: String,
        what: &'static str,
        detail: String,
    },
    #[error("{subject}: critical extension {oid} is not understood")]
    CriticalExtension { subject: String, oid: String },
    #[error(
        "untrusted certificate chain: no trusted root or intermediate named {issuer} (the issuer of {subject})"
    )]
    IncompleteChain { subject: String, issuer: String },
    #[error("untrusted certificate chain: it ends at self-signed {subject}, which is not a trusted root{}",
        if *.same_name_as_trusted { " (a trusted root has the same name, but another key)" } else { "" })]
    UntrustedRoot {
        subject: String,
        same_name_as_trusted: bool,
    },
    #[error(
        "untrusted certificate chain: the signature on {subject} does not verify with the key of {issuer}"
    )]
    BadSignature { subject: String, issuer: String },
    #[error("{subject} is not a CA ({detail}), yet it issued {child}")]
    NotCa {
        subject: String,
        child: String,
        detail: String,
    },
    #[error("{subject} expired at {not_after} (signing time {at})")]
    Expired {
        subject: String,
        not_after: String,
        at: String,
    },
    #[error("{subject} is not valid before {not_before} (signing time {at})")]
    NotYetValid {
        subject: String,
        not_before: String,
        at: String,
    },
    #[error("{subject} is not for code signing: {detail}")]
    Usage { subject: String, detail: String },
    #[error("certificate identity {found} does not match {wanted}")]
    Identity { found: String, wanted: String },
    #[error("certificate OIDC issuer {found:?} does not match {wanted}")]
    Issuer { found: String, wanted: String },
    #[error("certificate names no OIDC issuer (no Fulcio issuer extension)")]
    NoIssuer,
    #[error("certificate names two OIDC issuers: {v1:?} (1.3.6.1.4.1.57264.1.1) and {v2:?} (…1.8)")]
    ConflictingIssuers { v1: String, v2: String },
}

/// Parses DER.
pub fn parse(der: &[u8]) -> Result<Certificate, CertError> {
    if der.len() > MAX_CERTIFICATE_DER {
        return Err(CertError::TooLarge { size: der.len() });
    }
    Certificate::from_der(der).map_err(|e| CertError::Parse(e.to_string()))
}

/// The P-256 public key in a certificate.
pub fn public_key_of(der: &[u8]) -> Result<PublicKey, CertError> {
    let cert = parse(der)?;
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| CertError::Parse(e.to_string()))?;
    Ok(PublicKey::from_spki_der(&spki)?)
}

/// The DER of every `CERTIFICATE` block in PEM `text` (other blocks are skipped), at most
/// `max` of them. `what` names the source in errors.
pub fn pem_certificates(text: &str, what: &str, max: usize) -> Result<Vec<Vec<u8>>, CertError> {
    let blocks =
        crate::sign::pem::parse_all(text).map_err(|e| CertError::Parse(format!("{what}: {e}")))?;
    let ders: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|b| b.label == "CERTIFICATE")
        .map(|b| b.der)
        .collect();
    if ders.is_empty() {
        return Err(CertError::Parse(format!(
            "{what} holds no CERTIFICATE block"
        )));
    }
    if ders.len() > max {
        return Err(CertError::TooMany {
            what: what.to_string(),
            count: ders.len(),
            max,
        });
    }
    for d in &ders {
        parse(d).map_err(|e| CertError::Parse(format!("{what}: {e}")))?;
    }
    Ok(ders)
}

/// A regular expression that must match a whole string: `^(?:pattern)$`. The pattern must
/// compile on its own first, so it cannot close the group and escape the anchors.
pub fn anchored_regex(flag: &'static str, pattern: &str) -> Result<Regex, CertError> {
    let err = |e: regex::Error| CertError::Regexp {
        flag,
        pattern: pattern.to_string(),
        error: e.to_string(),
    };
    Regex::new(pattern).map_err(err)?;
    Regex::new(&format!("^(?:{pattern})$")).map_err(err)
}

/// True when `re` matches all of `s` (also for a regex not built by [`anchored_regex`]: a
/// partial match never counts).
fn full_match(re: &Regex, s: &str) -> bool {
    re.find(s)
        .is_some_and(|m| m.start() == 0 && m.end() == s.len())
}

/// What a certificate on a signature must satisfy.
#[derive(Debug, Clone, Default)]
pub struct CertificatePolicy {
    /// Trust anchors (`--ca-roots`, and the last certificate of `--certificate-chain`).
    pub roots: Vec<Certificate>,
    /// Intermediates the verifier supplies (`--ca-intermediates`, the rest of
    /// `--certificate-chain`); untrusted until a path to a root is verified through them.
    pub intermediates: Vec<Certificate>,
    pub identity: Option<String>,
    /// Built with [`anchored_regex`].
    pub identity_regexp: Option<Regex>,
    pub issuer: Option<String>,
    /// Built with [`anchored_regex`].
    pub issuer_regexp: Option<Regex>,
}

impl CertificatePolicy {
    /// Checks that the policy constrains what cosign requires: a root, an identity and an
    /// issuer.
    pub fn validate(&self) -> Result<(), CertError> {
        if self.roots.is_empty() {
            return Err(CertError::Incomplete(
                "a trusted root (--ca-roots or --certificate-chain)",
            ));
        }
        if self.identity.is_none() && self.identity_regexp.is_none() {
            return Err(CertError::Incomplete(
                "--certificate-identity or --certificate-identity-regexp",
            ));
        }
        if self.issuer.is_none() && self.issuer_regexp.is_none() {
            return Err(CertError::Incomplete(
                "--certificate-oidc-issuer or --certificate-oidc-issuer-regexp",
            ));
        }
        Ok(())
    }

    fn describe_identity(&self) -> String {
        describe_constraint(&self.identity, &self.identity_regexp)
    }

    fn describe_issuer(&self) -> String {
        describe_constraint(&self.issuer, &self.issuer_regexp)
    }
}

fn describe_constraint(exact: &Option<String>, re: &Option<Regex>) -> String {
    let mut parts = Vec::new();
    if let Some(e) = exact {
        parts.push(format!("{e:?}"));
    }
    if let Some(r) = re {
        let p = r.as_str();
        let p = p
            .strip_prefix("^(?:")
            .and_then(|p| p.strip_suffix(")$"))
            .unwrap_or(p);
        parts.push(format!("regexp {p:?} (whole string)"));
    }
    parts.join(" and ")
}

/// Who a verified certificate names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// The subject alternative name that matched the identity constraint.
    pub subject_alt_name: String,
    /// The OIDC issuer from Fulcio's extension.
    pub issuer: String,
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (issuer {})", self.subject_alt_name, self.issuer)
    }
}

/// A certificate with its DER (for the raw to-be-signed bytes) and decoded extensions.
struct Node {
    der: Vec<u8>,
    cert: Certificate,
    subject: Vec<u8>,
    issuer: Vec<u8>,
    name: String,
    ext: Extensions,
}

#[derive(Default)]
struct Extensions {
    basic: Option<BasicConstraints>,
    key_usage: Option<KeyUsage>,
    eku: Option<Vec<ObjectIdentifier>>,
    sans: Vec<String>,
    issuer_v1: Option<String>,
    issuer_v2: Option<String>,
}

impl Node {
    fn from_der(der: Vec<u8>) -> Result<Node, CertError> {
        let cert = parse(&der)?;
        Self::new(der, cert)
    }

    fn from_cert(cert: &Certificate) -> Result<Node, CertError> {
        let der = cert.to_der().map_err(|e| CertError::Parse(e.to_string()))?;
        Self::from_der(der)
    }

    fn new(der: Vec<u8>, cert: Certificate) -> Result<Node, CertError> {
        let tbs = cert.tbs_certificate();
        let enc =
            |n: &x509_cert::name::Name| n.to_der().map_err(|e| CertError::Parse(e.to_string()));
        let subject = enc(tbs.subject())?;
        let issuer = enc(tbs.issuer())?;
        let mut node = Node {
            name: String::new(),
            subject,
            issuer,
            ext: Extensions::default(),
            der,
            cert,
        };
        node.name = node.cert.tbs_certificate().subject().to_string();
        if node.name.is_empty() {
            node.name = format!(
                "certificate serial {}",
                node.cert.tbs_certificate().serial_number()
            );
        }
        node.ext = node.extensions()?;
        if let Some(san) = node.ext.sans.first()
            && node.cert.tbs_certificate().subject().is_empty()
        {
            node.name = format!("certificate for {san}");
        }
        Ok(node)
    }

    fn malformed(&self, what: &'static str, detail: impl ToString) -> CertError {
        CertError::Malformed {
            subject: self.name.clone(),
            what,
            detail: detail.to_string(),
        }
    }

    /// Decodes the extensions sigil acts on; refuses duplicates and unknown critical ones.
    fn extensions(&self) -> Result<Extensions, CertError> {
        let mut out = Extensions::default();
        let mut seen: Vec<&ObjectIdentifier> = Vec::new();
        for e in self
            .cert
            .tbs_certificate()
            .extensions()
            .into_iter()
            .flatten()
        {
            if seen.contains(&&e.extn_id) {
                return Err(self.malformed("extensions", format!("{} appears twice", e.extn_id)));
            }
            seen.push(&e.extn_id);
            let value = e.extn_value.as_bytes();
            match e.extn_id {
                EXT_BASIC_CONSTRAINTS => {
                    out.basic = Some(
                        BasicConstraints::from_der(value)
                            .map_err(|x| self.malformed("basicConstraints", x))?,
                    )
                }
                EXT_KEY_USAGE => {
                    out.key_usage =
                        Some(KeyUsage::from_der(value).map_err(|x| self.malformed("keyUsage", x))?)
                }
                EXT_EXTENDED_KEY_USAGE => {
                    out.eku = Some(
                        ExtendedKeyUsage::from_der(value)
                            .map_err(|x| self.malformed("extendedKeyUsage", x))?
                            .0,
                    )
                }
                EXT_SUBJECT_ALT_NAME => {
                    let san = SubjectAltName::from_der(value)
                        .map_err(|x| self.malformed("subjectAltName", x))?;
                    out.sans = san.0.iter().filter_map(general_name).collect();
                }
                FULCIO_ISSUER_V1 => {
                    out.issuer_v1 = Some(
                        String::from_utf8(value.to_vec())
                            .map_err(|x| self.malformed("OIDC issuer (v1)", x))?,
                    )
                }
                FULCIO_ISSUER_V2 => {
                    out.issuer_v2 = Some(
                        Utf8StringRef::from_der(value)
                            .map_err(|x| self.malformed("OIDC issuer (v2)", x))?
                            .as_str()
                            .to_string(),
                    )
                }
                EXT_SUBJECT_KEY_ID | EXT_AUTHORITY_KEY_ID => {}
                ref other if e.critical => {
                    return Err(CertError::CriticalExtension {
                        subject: self.name.clone(),
                        oid: other.to_string(),
                    });
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The key this certificate certifies, for checking certificates it issued.
    fn issuer_key(&self) -> Result<IssuerKey, CertError> {
        let spki = self.cert.tbs_certificate().subject_public_key_info();
        let unsupported = |detail: String| CertError::Unsupported {
            subject: self.name.clone(),
            what: "key",
            detail,
        };
        if spki.algorithm.oid != EC_PUBLIC_KEY {
            return Err(unsupported(format!("algorithm {}", spki.algorithm.oid)));
        }
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
            .ok_or_else(|| unsupported("EC key without a named curve".into()))?;
        let der = spki.to_der().map_err(|e| self.malformed("public key", e))?;
        use p256::pkcs8::DecodePublicKey as _;
        match curve {
            CURVE_P256 => p256::ecdsa::VerifyingKey::from_public_key_der(&der)
                .map(IssuerKey::P256)
                .map_err(|e| self.malformed("P-256 public key", e)),
            CURVE_P384 => p384::ecdsa::VerifyingKey::from_public_key_der(&der)
                .map(IssuerKey::P384)
                .map_err(|e| self.malformed("P-384 public key", e)),
            other => Err(unsupported(format!("curve {other}"))),
        }
    }

    fn check_validity(&self, time: i64) -> Result<(), CertError> {
        let v = self.cert.tbs_certificate().validity();
        let not_before = v.not_before.to_unix_duration().as_secs() as i64;
        let not_after = v.not_after.to_unix_duration().as_secs() as i64;
        if time < not_before {
            return Err(CertError::NotYetValid {
                subject: self.name.clone(),
                not_before: rfc3339(not_before),
                at: rfc3339(time),
            });
        }
        if time > not_after {
            return Err(CertError::Expired {
                subject: self.name.clone(),
                not_after: rfc3339(not_after),
                at: rfc3339(time),
            });
        }
        Ok(())
    }

    fn is_self_issued(&self) -> bool {
        self.subject == self.issuer
    }
}

/// The string form of the subject alternative names identities are matched against.
fn general_name(n: &GeneralName) -> Option<String> {
    match n {
        GeneralName::UniformResourceIdentifier(s)
        | GeneralName::Rfc822Name(s)
        | GeneralName::DnsName(s) => Some(s.to_string()),
        GeneralName::OtherName(o) if o.type_id == FULCIO_USERNAME => {
            Utf8StringRef::try_from(&o.value)
                .ok()
                .map(|s| s.as_str().to_string())
        }
        _ => None,
    }
}

enum IssuerKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

/// The TBSCertificate bytes exactly as signed: the first element of the outer SEQUENCE.
fn raw_tbs(der: &[u8]) -> Option<&[u8]> {
    let (_, body, _) = tlv(der)?;
    let (tbs, _, _) = tlv(body)?;
    Some(tbs)
}

/// One DER TLV from the front of `input`: (the whole TLV, its contents, what follows).
fn tlv(input: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = input.len() - rest.len();
    Some((&input[..header + len], &rest[..len], &rest[len..]))
}

/// Whether `issuer`'s key made the signature on `child`. Errors are for algorithms sigil does
/// not support; a signature that does not verify is `Ok(false)`.
fn signed_by(child: &Node, issuer: &Node) -> Result<bool, CertError> {
    let alg = child.cert.signature_algorithm();
    if alg != child.cert.tbs_certificate().signature() {
        return Err(child.malformed("certificate", "outer and inner signature algorithms differ"));
    }
    if alg.parameters.is_some() {
        return Err(child.malformed("signature algorithm", "ECDSA with parameters"));
    }
    let tbs = raw_tbs(&child.der).ok_or_else(|| child.malformed("certificate", "bad DER"))?;
    let hash: Vec<u8> = match alg.oid {
        ECDSA_SHA256 => sha2::Sha256::digest(tbs).to_vec(),
        ECDSA_SHA384 => sha2::Sha384::digest(tbs).to_vec(),
        ECDSA_SHA512 => sha2::Sha512::digest(tbs).to_vec(),
        other => {
            return Err(CertError::Unsupported {
                subject: child.name.clone(),
                what: "signature algorithm",
                detail: other.to_string(),
            });
        }
    };
    let Some(sig) = child.cert.signature().as_bytes() else {
        return Ok(false);
    };
    use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
    Ok(match issuer.issuer_key()? {
        IssuerKey::P256(k) => {
            p256::ecdsa::Signature::from_der(sig).is_ok_and(|s| k.verify_prehash(&hash, &s).is_ok())
        }
        IssuerKey::P384(k) => {
            p384::ecdsa::Signature::from_der(sig).is_ok_and(|s| k.verify_prehash(&hash, &s).is_ok())
        }
    })
}

/// Verifies a signature's leaf certificate against `policy` at `signing_time` (Unix seconds;
/// see the module docs for why this is the verification time). `chain_from_signature` holds
/// the intermediates (and perhaps a root) the signature carries; none of them is trusted as a
/// root.
pub fn verify_leaf(
    leaf_der: &[u8],
    chain_from_signature: &[Vec<u8>],
    policy: &CertificatePolicy,
    signing_time: i64,
) -> Result<Identity, CertError> {
    policy.validate()?;
    if chain_from_signature.len() > MAX_CHAIN {
        return Err(CertError::ChainTooLong {
            len: chain_from_signature.len(),
        });
    }
    let leaf = Node::from_der(leaf_der.to_vec())?;
    let roots = policy
        .roots
        .iter()
        .map(Node::from_cert)
        .collect::<Result<Vec<_>, _>>()?;
    let candidates = chain_from_signature
        .iter()
        .map(|d| Node::from_der(d.clone()))
        .chain(policy.intermediates.iter().map(Node::from_cert))
        .collect::<Result<Vec<_>, _>>()?;
    verify_path(&leaf, &candidates, &roots, signing_time)?;
    identity(&leaf, policy)
}

/// Checks that `leaf_der` is a code-signing certificate issued through `chain` (intermediates,
/// then the root, as `--certificate-chain` holds them) and valid at `time`: what a signer
/// checks before attaching a chain. No identity is checked.
pub fn verify_chain(leaf_der: &[u8], chain: &[Vec<u8>], time: i64) -> Result<(), CertError> {
    if chain.len() > MAX_CHAIN {
        return Err(CertError::ChainTooLong { len: chain.len() });
    }
    let leaf = Node::from_der(leaf_der.to_vec())?;
    let mut nodes = chain
        .iter()
        .map(|d| Node::from_der(d.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(root) = nodes.pop() else {
        return Err(CertError::Parse("the certificate chain is empty".into()));
    };
    verify_path(&leaf, &nodes, &[root], time)
}

/// Whether the certificate is within its validity period at `time` (Unix seconds).
pub fn check_validity(der: &[u8], time: i64) -> Result<(), CertError> {
    Node::from_der(der.to_vec())?.check_validity(time)
}

/// Steps 1 to 4 of the module docs: a path from `leaf` through `candidates` to one of `roots`,
/// CA constraints, validity at `time`, code-signing usage.
fn verify_path(
    leaf: &Node,
    candidates: &[Node],
    roots: &[Node],
    signing_time: i64,
) -> Result<(), CertError> {
    // 1. The path: leaf, intermediates (indices into `candidates`), then a trusted root.
    let mut path: Vec<usize> = Vec::new();
    let anchor = loop {
        let current = path.last().map_or(leaf, |&i| &candidates[i]);
        if path.len() >= MAX_CHAIN {
            return Err(CertError::ChainTooLong {
                len: path.len() + 1,
            });
        }
        let mut bad_signature = false;
        let mut root_same_name = false;
        let mut found_root = None;
        for r in roots.iter().filter(|r| r.subject == current.issuer) {
            root_same_name = true;
            if signed_by(current, r)? {
                found_root = Some(r);
                break;
            }
            bad_signature = true;
        }
        if let Some(r) = found_root {
            break r;
        }
        let mut next = None;
        for (i, c) in candidates.iter().enumerate() {
            if c.subject != current.issuer
                || path.contains(&i)
                || c.der == current.der
                || path.iter().any(|&p| candidates[p].der == c.der)
            {
                continue;
            }
            if signed_by(current, c)? {
                next = Some(i);
                break;
            }
            bad_signature = true;
        }
        match next {
            Some(i) => path.push(i),
            None if current.is_self_issued() => {
                return Err(CertError::UntrustedRoot {
                    subject: current.name.clone(),
                    same_name_as_trusted: root_same_name,
                });
            }
            None if bad_signature => {
                return Err(CertError::BadSignature {
                    subject: current.name.clone(),
                    issuer: current.cert.tbs_certificate().issuer().to_string(),
                });
            }
            None => {
                return Err(CertError::IncompleteChain {
                    subject: current.name.clone(),
                    issuer: current.cert.tbs_certificate().issuer().to_string(),
                });
            }
        }
    };
    let chain: Vec<&Node> = std::iter::once(leaf)
        .chain(path.iter().map(|&i| &candidates[i]))
        .chain(std::iter::once(anchor))
        .collect();

    // 2. Issuers are CAs allowed to issue (for code signing) this far down.
    for (depth, pair) in chain.windows(2).enumerate() {
        let (child, ca) = (pair[0], pair[1]);
        let not_ca = |detail: String| CertError::NotCa {
            subject: ca.name.clone(),
            child: child.name.clone(),
            detail,
        };
        match &ca.ext.basic {
            Some(b) if b.ca => {
                // Intermediates between this CA and the leaf.
                let below = depth;
                if let Some(max) = b.path_len_constraint
                    && below > max as usize
                {
                    return Err(not_ca(format!(
                        "its pathLenConstraint {max} allows fewer intermediates below it than {below}"
                    )));
                }
            }
            Some(_) => return Err(not_ca("basicConstraints CA:FALSE".into())),
            None => return Err(not_ca("no basicConstraints".into())),
        }
        if let Some(ku) = &ca.ext.key_usage
            && !ku.key_cert_sign()
        {
            return Err(not_ca("its keyUsage lacks keyCertSign".into()));
        }
        if let Some(eku) = &ca.ext.eku
            && !eku.iter().any(|o| *o == EKU_CODE_SIGNING || *o == EKU_ANY)
        {
            return Err(CertError::Usage {
                subject: ca.name.clone(),
                detail: "its extendedKeyUsage does not allow codeSigning".into(),
            });
        }
    }

    // 3. Validity at the signing time, leaf first.
    for n in &chain {
        n.check_validity(signing_time)?;
    }

    // 4. The leaf signs code.
    let usage = |detail: &str| CertError::Usage {
        subject: leaf.name.clone(),
        detail: detail.to_string(),
    };
    match &leaf.ext.key_usage {
        Some(ku) if ku.digital_signature() => {}
        Some(_) => return Err(usage("its keyUsage lacks digitalSignature")),
        None => return Err(usage("it has no keyUsage extension")),
    }
    match &leaf.ext.eku {
        Some(eku) if eku.contains(&EKU_CODE_SIGNING) => {}
        Some(_) => return Err(usage("its extendedKeyUsage lacks codeSigning")),
        None => return Err(usage("it has no extendedKeyUsage extension")),
    }

    Ok(())
}

/// Step 5 of the module docs: the identity and issuer `policy` asks for.
fn identity(leaf: &Node, policy: &CertificatePolicy) -> Result<Identity, CertError> {
    let san = leaf
        .ext
        .sans
        .iter()
        .find(|s| {
            policy.identity.as_ref().is_none_or(|i| i == *s)
                && policy
                    .identity_regexp
                    .as_ref()
                    .is_none_or(|r| full_match(r, s))
        })
        .ok_or_else(|| CertError::Identity {
            found: if leaf.ext.sans.is_empty() {
                "(none: no subject alternative name)".to_string()
            } else {
                leaf.ext
                    .sans
                    .iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            wanted: policy.describe_identity(),
        })?;
    let issuer = match (&leaf.ext.issuer_v1, &leaf.ext.issuer_v2) {
        (Some(v1), Some(v2)) if v1 != v2 => {
            return Err(CertError::ConflictingIssuers {
                v1: v1.clone(),
                v2: v2.clone(),
            });
        }
        (_, Some(i)) | (Some(i), None) => i.clone(),
        (None, None) => return Err(CertError::NoIssuer),
    };
    let issuer_ok = policy.issuer.as_ref().is_none_or(|i| *i == issuer)
        && policy
            .issuer_regexp
            .as_ref()
            .is_none_or(|r| full_match(r, &issuer));
    if !issuer_ok {
        return Err(CertError::Issuer {
            found: issuer,
            wanted: policy.describe_issuer(),
        });
    }
    Ok(Identity {
        subject_alt_name: san.clone(),
        issuer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/ca")
            .join(name);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn ders(name: &str) -> Vec<Vec<u8>> {
        pem_certificates(&fixture(name), name, MAX_CHAIN).unwrap()
    }

    fn der(name: &str) -> Vec<u8> {
        ders(name).remove(0)
    }

    fn certs(name: &str) -> Vec<Certificate> {
        ders(name).iter().map(|d| parse(d).unwrap()).collect()
    }

    const WORKFLOW: &str =
        "https://github.com/sigil-test/app/.github/workflows/release.yml@refs/heads/main";
    const GITHUB: &str = "https://token.actions.githubusercontent.com";
    /// 2026-11-23, inside the fixtures' century of validity.
    const NOW: i64 = 1_795_435_200;

    fn policy() -> CertificatePolicy {
        CertificatePolicy {
            roots: certs("root.pem"),
            intermediates: Vec::new(),
            identity: Some(WORKFLOW.into()),
            identity_regexp: None,
            issuer: Some(GITHUB.into()),
            issuer_regexp: None,
        }
    }

    fn check(leaf: &str, chain: &str, p: &CertificatePolicy) -> Result<Identity, CertError> {
        verify_leaf(&der(leaf), &ders(chain), p, NOW)
    }

    #[test]
    fn a_fulcio_shaped_chain_verifies() {
        let id = check("leaf.pem", "chain.pem", &policy()).unwrap();
        assert_eq!(
            id,
            Identity {
                subject_alt_name: WORKFLOW.into(),
                issuer: GITHUB.into()
            }
        );
        // The chain may come from the verifier instead of the signature.
        let mut p = policy();
        p.intermediates = certs("intermediate.pem");
        verify_leaf(&der("leaf.pem"), &[], &p, NOW).unwrap();
        // The leaf's key is what signatures verify with.
        let key = crate::sign::keys::PrivateKey::from_plain_pem(&fixture("leaf.key")).unwrap();
        assert_eq!(public_key_of(&der("leaf.pem")).unwrap(), key.public());
    }

    #[test]
    fn both_issuer_extension_forms_and_email_identities() {
        // v1 only (raw URL bytes).
        check("leaf-v1.pem", "chain.pem", &policy()).unwrap();
        // v2 only (UTF8String), email SAN, a P-256 intermediate signing with SHA-256.
        let mut p = policy();
        p.identity = Some("signer@example.com".into());
        p.issuer = Some("https://accounts.example.com".into());
        let id = check("leaf-email.pem", "chain-p256.pem", &p).unwrap();
        assert_eq!(id.issuer, "https://accounts.example.com");
        assert_eq!(id.subject_alt_name, "signer@example.com");
    }

    #[test]
    fn negative_fixtures_fail_for_their_reason() {
        let p = policy();
        let e = check("leaf-other-identity.pem", "chain.pem", &p).unwrap_err();
        assert!(matches!(e, CertError::Identity { .. }), "{e}");
        assert!(e.to_string().contains("sigil-test/other"), "{e}");
        let e = check("leaf-other-issuer.pem", "chain.pem", &p).unwrap_err();
        assert!(
            matches!(&e, CertError::Issuer { found, .. } if found == "https://issuer.example.com"),
            "{e}"
        );
        let e = check("leaf-no-codesigning.pem", "chain.pem", &p).unwrap_err();
        assert!(matches!(e, CertError::Usage { .. }), "{e}");
        assert!(e.to_string().contains("codeSigning"), "{e}");
        let e = check("leaf-expired.pem", "chain.pem", &p).unwrap_err();
        assert!(matches!(e, CertError::Expired { .. }), "{e}");
        assert!(e.to_string().contains("2020-01-02T00:00:00Z"), "{e}");
        let e = check("leaf-expired-intermediate.pem", "chain-expired.pem", &p).unwrap_err();
        assert!(
            matches!(&e, CertError::Expired { subject, .. } if subject.contains("intermediate expired")),
            "{e}"
        );
        // An untrusted hierarchy that copies the trusted names.
        let e = check("leaf-untrusted.pem", "chain-untrusted.pem", &p).unwrap_err();
        assert!(
            matches!(
                e,
                CertError::UntrustedRoot {
                    same_name_as_trusted: true,
                    ..
                }
            ),
            "{e}"
        );
        // … or with only the trusted intermediate at hand: its name matches, its key does not.
        let mut with_inter = policy();
        with_inter.intermediates = certs("intermediate.pem");
        let e = verify_leaf(&der("leaf-untrusted.pem"), &[], &with_inter, NOW).unwrap_err();
        assert!(matches!(e, CertError::BadSignature { .. }), "{e}");
        // No intermediate at all.
        let e = verify_leaf(&der("leaf.pem"), &[], &p, NOW).unwrap_err();
        assert!(matches!(e, CertError::IncompleteChain { .. }), "{e}");
        // The wrong intermediate for this leaf.
        let e = check("leaf.pem", "chain-p256.pem", &p).unwrap_err();
        assert!(matches!(e, CertError::IncompleteChain { .. }), "{e}");
        // Another root entirely.
        let mut other_root = policy();
        other_root.roots = certs("untrusted-root.pem");
        let e = check("leaf.pem", "chain.pem", &other_root).unwrap_err();
        assert!(
            matches!(
                e,
                CertError::UntrustedRoot { .. } | CertError::BadSignature { .. }
            ),
            "{e}"
        );
    }

    #[test]
    fn validity_is_checked_at_the_signing_time() {
        let p = policy();
        // Inside the expired leaf's one day of life, the root (valid from 2025) was not.
        let day = 1_577_836_800 + 3600; // 2020-01-01T01:00:00Z
        let e = verify_leaf(&der("leaf-expired.pem"), &ders("chain.pem"), &p, day).unwrap_err();
        assert!(matches!(e, CertError::NotYetValid { .. }), "{e}");
        let e = verify_leaf(&der("leaf.pem"), &ders("chain.pem"), &p, 4_900_000_000).unwrap_err();
        assert!(matches!(e, CertError::Expired { .. }), "{e}");
    }

    #[test]
    fn regexps_are_anchored_and_fail_closed() {
        let mut p = policy();
        p.identity = None;
        p.identity_regexp = Some(
            anchored_regex(
                "--certificate-identity-regexp",
                "https://github.com/sigil-test/.*",
            )
            .unwrap(),
        );
        check("leaf.pem", "chain.pem", &p).unwrap();
        // A prefix of the identity does not match it.
        p.identity_regexp = Some(
            anchored_regex(
                "--certificate-identity-regexp",
                "https://github.com/sigil-test/app",
            )
            .unwrap(),
        );
        let e = check("leaf.pem", "chain.pem", &p).unwrap_err();
        assert!(matches!(e, CertError::Identity { .. }), "{e}");
        // Nor a suffix, nor an alternation whose first branch is a prefix.
        p.identity_regexp = Some(anchored_regex("f", "release.yml@refs/heads/main").unwrap());
        assert!(check("leaf.pem", "chain.pem", &p).is_err());
        let re = anchored_regex("f", "org|org-evil").unwrap();
        assert!(full_match(&re, "org-evil") && full_match(&re, "org"));
        let re = anchored_regex("f", "org").unwrap();
        assert!(!full_match(&re, "org-evil") && !full_match(&re, "my-org"));
        // A regex built without anchors still only counts when it covers the whole string.
        assert!(!full_match(&Regex::new("org").unwrap(), "org-evil"));
        // A pattern cannot break out of the anchoring group.
        assert!(matches!(
            anchored_regex("--certificate-identity-regexp", "a)|(b"),
            Err(CertError::Regexp { .. })
        ));
        assert!(anchored_regex("f", "(").is_err());
        // Issuer regexps likewise.
        let mut p = policy();
        p.issuer = None;
        p.issuer_regexp = Some(anchored_regex("f", r"https://token\.actions\..*").unwrap());
        check("leaf.pem", "chain.pem", &p).unwrap();
        p.issuer_regexp = Some(anchored_regex("f", "https://token").unwrap());
        assert!(matches!(
            check("leaf.pem", "chain.pem", &p),
            Err(CertError::Issuer { .. })
        ));
        // Exact and regexp together: both must hold.
        let mut p = policy();
        p.identity_regexp = Some(anchored_regex("f", ".*other.*").unwrap());
        assert!(check("leaf.pem", "chain.pem", &p).is_err());
    }

    #[test]
    fn policies_must_constrain_identity_issuer_and_root() {
        let mut p = policy();
        p.issuer = None;
        assert!(matches!(
            check("leaf.pem", "chain.pem", &p),
            Err(CertError::Incomplete(_))
        ));
        let mut p = policy();
        p.identity = None;
        assert!(matches!(p.validate(), Err(CertError::Incomplete(_))));
        let mut p = policy();
        p.roots.clear();
        assert!(matches!(p.validate(), Err(CertError::Incomplete(_))));
    }

    #[test]
    fn input_is_bounded() {
        let p = policy();
        let chain: Vec<Vec<u8>> =
            std::iter::repeat_n(der("intermediate.pem"), MAX_CHAIN + 1).collect();
        assert!(matches!(
            verify_leaf(&der("leaf.pem"), &chain, &p, NOW),
            Err(CertError::ChainTooLong { .. })
        ));
        let big = vec![0x30; MAX_CERTIFICATE_DER + 1];
        assert!(matches!(
            verify_leaf(&big, &[], &p, NOW),
            Err(CertError::TooLarge { .. })
        ));
        assert!(matches!(
            verify_leaf(b"not a certificate", &[], &p, NOW),
            Err(CertError::Parse(_))
        ));
        let many = fixture("chain.pem").repeat(6);
        assert!(matches!(
            pem_certificates(&many, "chain", MAX_CHAIN),
            Err(CertError::TooMany { .. })
        ));
        // A raw public key is not a certificate.
        let key = crate::sign::keys::PrivateKey::from_plain_pem(&fixture("leaf.key")).unwrap();
        assert!(matches!(
            verify_leaf(&key.public().spki_der(), &ders("chain.pem"), &p, NOW),
            Err(CertError::Parse(_))
        ));
    }

    #[test]
    fn signers_check_their_chain_without_an_identity() {
        verify_chain(&der("leaf.pem"), &ders("chain.pem"), NOW).unwrap();
        verify_chain(
            &der("leaf-untrusted.pem"),
            &ders("chain-untrusted.pem"),
            NOW,
        )
        .unwrap();
        let e = verify_chain(&der("leaf.pem"), &ders("chain-untrusted.pem"), NOW).unwrap_err();
        assert!(matches!(e, CertError::BadSignature { .. }), "{e}");
        let e = verify_chain(&der("leaf-no-codesigning.pem"), &ders("chain.pem"), NOW).unwrap_err();
        assert!(matches!(e, CertError::Usage { .. }), "{e}");
        assert!(verify_chain(&der("leaf.pem"), &[], NOW).is_err());
        check_validity(&der("leaf.pem"), NOW).unwrap();
        assert!(matches!(
            check_validity(&der("leaf-expired.pem"), NOW),
            Err(CertError::Expired { .. })
        ));
    }

    #[test]
    fn tlv_walks_long_lengths_and_rejects_truncation() {
        let leaf = der("leaf.pem");
        let tbs = raw_tbs(&leaf).unwrap();
        assert_eq!(tbs[0], 0x30);
        assert!(tlv(&[0x30, 0x82, 0x01]).is_none());
        assert!(tlv(&[0x30, 0x05, 0x00]).is_none());
        assert_eq!(tlv(&[0x04, 0x01, 0xaa, 0xbb]).unwrap().2, &[0xbb]);
    }
}

//! X.509 certificates on signatures: reading the key a certificate certifies.

use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use crate::sign::keys::{KeyError, PublicKey};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    #[error("not a DER X.509 certificate: {0}")]
    Parse(String),
    #[error("certificate key: {0}")]
    Key(#[from] KeyError),
}

/// Parses DER.
pub fn parse(der: &[u8]) -> Result<Certificate, CertError> {
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

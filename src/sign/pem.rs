//! Minimal PEM framing (RFC 7468): enough to read and write the key and certificate blocks
//! cosign uses, including its non-standard `ENCRYPTED SIGSTORE PRIVATE KEY` label.

use base64::Engine as _;

/// One PEM block: its label and decoded bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub label: String,
    pub der: Vec<u8>,
}

/// Why text is not PEM.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PemError {
    #[error("no PEM block found (expected a line like -----BEGIN ...-----)")]
    NoBlock,
    #[error("PEM block {0:?} has no matching END line (truncated?)")]
    Unterminated(String),
    #[error("PEM block {0:?} is not valid base64")]
    BadBase64(String),
}

/// Every block in `text`, in order.
pub fn parse_all(text: &str) -> Result<Vec<Block>, PemError> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = String::new();
        let mut closed = false;
        for l in lines.by_ref() {
            if l == end {
                closed = true;
                break;
            }
            if l.contains(':') {
                continue; // RFC 1421 headers, e.g. Proc-Type
            }
            body.push_str(l);
        }
        if !closed {
            return Err(PemError::Unterminated(label.to_string()));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| PemError::BadBase64(label.to_string()))?;
        blocks.push(Block {
            label: label.to_string(),
            der,
        });
    }
    if blocks.is_empty() {
        return Err(PemError::NoBlock);
    }
    Ok(blocks)
}

/// The first block in `text`.
pub fn parse(text: &str) -> Result<Block, PemError> {
    parse_all(text).map(|mut b| b.remove(0))
}

/// Encodes bytes as a PEM block with 64-column lines.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_truncation() {
        let der: Vec<u8> = (0..=200).collect();
        let text = encode("TEST BLOCK", &der);
        assert_eq!(
            parse(&text).unwrap(),
            Block {
                label: "TEST BLOCK".into(),
                der
            }
        );
        let truncated = &text[..text.len() - 20];
        assert_eq!(
            parse(truncated),
            Err(PemError::Unterminated("TEST BLOCK".into()))
        );
        assert_eq!(parse("hello"), Err(PemError::NoBlock));
        assert!(matches!(
            parse("-----BEGIN X-----\n!!!\n-----END X-----\n"),
            Err(PemError::BadBase64(_))
        ));
    }
}

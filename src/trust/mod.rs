//! The trust file (`sigil.yaml`): one file that says, per group of images, who must have
//! signed them, what must be attested, which rules and policies apply, and whether a denial
//! enforces or only warns — like Sigstore policy-controller's ClusterImagePolicy, without
//! the cluster.
//!
//! ```yaml
//! version: 1
//! unmatched: deny              # an image no entry matches: deny (default) or allow
//! rules:                       # rule configuration for every image (policies/README.md)
//!   non-root: {mode: warn}
//! policies: [policies/]        # extra Rego (paths relative to this file)
//! images:
//!   - name: acme releases
//!     match: ["ghcr.io/acme/**"]   # globs on registry/repository: * one segment, ** any
//!     mode: enforce                # or warn
//!     signers:
//!       - key: keys/release.pub
//!       - identity: https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main
//!         issuer: https://token.actions.githubusercontent.com
//!     roots: ca/fulcio-root.pem    # trust anchors for certificate signers
//!     threshold: 1                 # distinct listed signers needed, or `all`
//!     attestations:
//!       - {name: provenance, predicate_type: "https://slsa.dev/provenance/v1"}
//!   - name: third-party tools
//!     match: ["docker.io/**"]
//!     signatures: none             # no signers: unsigned images pass (must be said)
//! ```
//!
//! Every entry whose globs match an image applies, and each must pass. Loading checks
//! everything it can before any image is looked at — unknown keys, wrong types, bad globs
//! and regular expressions, unreadable keys and certificates, rule settings against each
//! rule's schema, an entry that would accept unsigned images without saying
//! `signatures: none` — and reports each with the file, line and column, so a typo never
//! silently weakens a policy.

pub mod glob;
mod schema;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json, json};

use crate::sign::keys::PublicKey;
use crate::util::located::Located;
use crate::verify::certificate::{self, CertificatePolicy};
use crate::verify::{TrustedKey, VerifyOptions};

pub use glob::{Glob, GlobError};
pub use schema::{Mode, Signatures, Threshold, Unmatched};

/// Largest trust file accepted.
pub const MAX_TRUST_FILE_BYTES: u64 = 1024 * 1024;

/// Why a trust file was refused: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", crate::util::located::position(*line, *column))]
pub struct TrustError {
    pub path: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A loaded, validated trust file.
#[derive(Debug, Clone)]
pub struct TrustFile {
    pub path: PathBuf,
    pub unmatched: Unmatched,
    /// Rule configuration for every image (`data.sigil.config.rules` overrides).
    pub rules: Option<Map<String, Json>>,
    pub policies: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    pub entries: Vec<Entry>,
}

/// One validated entry of `images`.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    /// The line of the entry in the trust file, for messages.
    pub line: usize,
    pub patterns: Vec<Glob>,
    pub mode: Mode,
    /// Keys and certificate policies its signatures and attestations are verified with.
    pub verify: VerifyOptions,
    /// The signers in the policy library's form (`{key_id}` or `{identity…, issuer…}`).
    pub signers: Vec<Json>,
    pub threshold: Threshold,
    pub attestations: Vec<Json>,
    pub rules: Option<Map<String, Json>>,
    pub policies: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
}

impl TrustFile {
    /// Reads and validates a trust file.
    pub fn load(path: &Path) -> Result<TrustFile, TrustError> {
        let whole = |message: String| TrustError {
            path: path.display().to_string(),
            line: 0,
            column: 0,
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| whole(format!("cannot read: {e}")))?;
        if meta.len() > MAX_TRUST_FILE_BYTES {
            return Err(whole(format!(
                "{} bytes, more than the {MAX_TRUST_FILE_BYTES} a trust file may have",
                meta.len()
            )));
        }
        let text = crate::util::fs::read_text_bounded(path, MAX_TRUST_FILE_BYTES)
            .map_err(|e| whole(format!("cannot read: {e}")))?;
        let base = path.parent().unwrap_or(Path::new("."));
        TrustFile::parse(&text, path, base)
    }

    /// Parses and validates trust-file text; `path` names it in errors and `base` is the
    /// directory relative paths in it start from.
    pub fn parse(text: &str, path: &Path, base: &Path) -> Result<TrustFile, TrustError> {
        let name = path.display().to_string();
        let guarded =
            crate::util::yaml::parse(text, |t| yaml_serde::from_str::<schema::RawTrustFile>(t))
                .map_err(|e| TrustError {
                    path: name.clone(),
                    // The message gives the line.
                    line: 0,
                    column: 0,
                    message: e.to_string(),
                })?;
        let raw: schema::RawTrustFile = guarded.map_err(|e| {
            let at = Located::yaml(&e);
            TrustError {
                path: name.clone(),
                line: at.line,
                column: at.column,
                message: at.message,
            }
        })?;
        let at = |line: usize, message: String| TrustError {
            path: name.clone(),
            line,
            column: 0,
            message,
        };
        if raw.version != 1 {
            return Err(at(
                line_of(text, "version", 0),
                format!(
                    "version {} is not supported (this sigil reads version 1)",
                    raw.version
                ),
            ));
        }
        let resolve = |p: &str| base.join(p);
        let mut entries = Vec::new();
        let mut from = 0;
        for e in raw.images {
            let line = line_of_name(text, &e.name, from);
            from = line;
            // Problems with the entry as a whole are placed at its `name`.
            let column = text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.find("name:").map(|i| l[..i].chars().count() + 1))
                .unwrap_or(0);
            entries.push(entry(e, text, line, &resolve).map_err(|(l, m)| TrustError {
                column: if l == line { column } else { 0 },
                ..at(l, m)
            })?);
        }
        for p in raw.policies.iter().chain(&raw.data) {
            let full = resolve(p);
            if !full.exists() {
                return Err(at(
                    line_of(text, p, 0),
                    format!("{p}: no such file or directory"),
                ));
            }
        }
        Ok(TrustFile {
            path: path.to_path_buf(),
            unmatched: raw.unmatched,
            rules: raw.rules.map(|r| r.0),
            policies: raw.policies.iter().map(|p| resolve(p)).collect(),
            data: raw.data.iter().map(|p| resolve(p)).collect(),
            entries,
        })
    }

    /// The entries whose globs match `name` (a normalised `registry/repository`, or
    /// `oci:PATH`), in file order.
    pub fn matching(&self, name: &str) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.patterns.iter().any(|g| g.matches(name)))
            .collect()
    }
}

impl Entry {
    /// An entry that applies to every image, made of the command line's `--key` and
    /// certificate flags.
    pub fn from_command_line(verify: VerifyOptions) -> Entry {
        let threshold = Threshold::Count(verify.min_signatures.max(1));
        Entry {
            name: "command line".into(),
            line: 0,
            patterns: vec![Glob::new("**").expect("valid glob")],
            mode: Mode::Enforce,
            signers: Vec::new(),
            threshold,
            verify,
            attestations: Vec::new(),
            rules: None,
            policies: Vec::new(),
            data: Vec::new(),
        }
    }

    /// True when signatures are required (keys or identities were given).
    pub fn requires_signatures(&self) -> bool {
        !self.verify.keys.is_empty() || !self.verify.certificates.is_empty()
    }

    /// The rule configuration this entry stands for, to merge over the defaults:
    /// `signed` with its threshold, `required-signers` for `threshold: all`,
    /// `required-attestations` with its list, then the entry's own `rules`.
    pub fn rules_config(&self) -> Map<String, Json> {
        let mut rules = Map::new();
        if self.requires_signatures() {
            let min = match self.threshold {
                Threshold::Count(n) => n,
                Threshold::All => self.signers.len().max(1),
            };
            rules.insert(
                "signed".into(),
                json!({"enabled": true, "min_signers": min}),
            );
            if self.threshold == Threshold::All && !self.signers.is_empty() {
                rules.insert(
                    "required-signers".into(),
                    json!({"enabled": true, "match": "all", "signers": self.signers}),
                );
            }
        }
        if !self.attestations.is_empty() {
            rules.insert(
                "required-attestations".into(),
                json!({"enabled": true, "attestations": self.attestations}),
            );
        }
        if let Some(own) = &self.rules {
            let mut merged = Json::Object(rules);
            crate::policy::deep_merge(&mut merged, Json::Object(own.clone()));
            if let Json::Object(m) = merged {
                return m;
            }
            unreachable!("merging objects gives an object");
        }
        rules
    }
}

type EntryError = (usize, String);

fn entry(
    e: schema::RawEntry,
    text: &str,
    line: usize,
    resolve: &dyn Fn(&str) -> PathBuf,
) -> Result<Entry, EntryError> {
    let ctx = |m: String| (line, format!("entry {:?}: {m}", e.name));
    let patterns = e.patterns.into_vec();
    if patterns.is_empty() {
        return Err(ctx("`match` lists no image globs".into()));
    }
    let patterns = patterns
        .iter()
        .map(|p| Glob::new(p).map_err(|err| ctx(format!("match {p:?}: {err}"))))
        .collect::<Result<Vec<_>, _>>()?;

    let read_certs = |p: &str| -> Result<Vec<x509_cert::Certificate>, EntryError> {
        let full = resolve(p);
        let l = line_of(text, p, line);
        let text = crate::util::fs::read_text(&full).map_err(|err| (l, format!("{p}: {err}")))?;
        certificate::pem_certificates(&text, p, certificate::MAX_TRUSTED)
            .and_then(|ders| ders.iter().map(|d| certificate::parse(d)).collect())
            .map_err(|err| (l, format!("{p}: {err}")))
    };
    let roots = e.roots.as_deref().map(read_certs).transpose()?;
    let intermediates = e
        .intermediates
        .as_deref()
        .map(read_certs)
        .transpose()?
        .unwrap_or_default();

    let mut keys = Vec::new();
    let mut certificates = Vec::new();
    let mut signers = Vec::new();
    let listed = e.signers.as_deref().unwrap_or_default();
    for (i, s) in listed.iter().enumerate() {
        let sctx = |m: String| ctx(format!("signer {}: {m}", i + 1));
        let cert_fields = s.identity.is_some()
            || s.identity_regexp.is_some()
            || s.issuer.is_some()
            || s.issuer_regexp.is_some();
        match (&s.key, cert_fields) {
            (Some(_), true) => {
                return Err(sctx(
                    "give either `key` or a certificate identity and issuer, not both".into(),
                ));
            }
            (Some(k), false) => {
                let key = load_key(k, resolve).map_err(|m| (line_of(text, k, line), m))?;
                signers.push(json!({"key_id": key.key.key_id()}));
                keys.push(key);
            }
            (None, false) => {
                return Err(sctx(
                    "needs `key`, or `identity`/`identity_regexp` with `issuer`/`issuer_regexp`"
                        .into(),
                ));
            }
            (None, true) => {
                if s.identity.is_some() == s.identity_regexp.is_some() {
                    return Err(sctx(
                        "needs exactly one of `identity` and `identity_regexp`".into(),
                    ));
                }
                if s.issuer.is_some() == s.issuer_regexp.is_some() {
                    return Err(sctx(
                        "needs exactly one of `issuer` and `issuer_regexp` (an identity from any \
                         issuer is no identity)"
                            .into(),
                    ));
                }
                let Some(roots) = &roots else {
                    return Err(sctx(
                        "a certificate signer needs `roots` (the trust anchors) in its entry"
                            .into(),
                    ));
                };
                let regexp = |flag: &'static str, p: &Option<String>| {
                    p.as_deref()
                        .map(|p| certificate::anchored_regex(flag, p))
                        .transpose()
                        .map_err(|err| sctx(err.to_string()))
                };
                let policy = CertificatePolicy {
                    roots: roots.clone(),
                    intermediates: intermediates.clone(),
                    identity: s.identity.clone(),
                    identity_regexp: regexp("identity_regexp", &s.identity_regexp)?,
                    issuer: s.issuer.clone(),
                    issuer_regexp: regexp("issuer_regexp", &s.issuer_regexp)?,
                };
                policy.validate().map_err(|err| sctx(err.to_string()))?;
                let mut signer = Map::new();
                for (k, v) in [
                    ("identity", &s.identity),
                    ("identity_regexp", &s.identity_regexp),
                    ("issuer", &s.issuer),
                    ("issuer_regexp", &s.issuer_regexp),
                ] {
                    if let Some(v) = v {
                        signer.insert(k.into(), Json::String(v.clone()));
                    }
                }
                signers.push(Json::Object(signer));
                certificates.push(policy);
            }
        }
    }
    let threshold = e.threshold.unwrap_or(Threshold::Count(1));
    if let Threshold::Count(n) = threshold {
        if signers.is_empty() {
            if e.threshold.is_some() {
                return Err(ctx("`threshold` is set but no `signers` are listed".into()));
            }
        } else if n > signers.len() {
            return Err(ctx(format!(
                "threshold {n} can never be met by {} listed signer(s)",
                signers.len()
            )));
        }
    }
    let attestations = e.attestations.0;
    if !attestations.is_empty() && signers.is_empty() {
        return Err(ctx(
            "`attestations` are verified with the entry's `signers`, and none are listed (no \
             attestation could ever count)"
                .into(),
        ));
    }
    // An entry without signers accepts unsigned images: only when it says so.
    match (e.signatures, e.signers.is_some()) {
        (Signatures::Required, false) => {
            return Err(ctx(
                "lists no `signers`, so it would accept unsigned images: list who must sign, \
                 or write `signatures: none` to accept images without signatures"
                    .into(),
            ));
        }
        (Signatures::None, true) => {
            return Err(ctx(
                "`signatures: none` accepts unsigned images, yet `signers` are listed: keep \
                 one of the two"
                    .into(),
            ));
        }
        _ => {}
    }
    for (i, a) in attestations.iter().enumerate() {
        let has_type = a.get("predicate_type").is_some_and(Json::is_string)
            || a.get("predicate_types").is_some_and(Json::is_array);
        if !has_type {
            return Err(ctx(format!(
                "attestation {}: needs `predicate_type` (a URI) or `predicate_types` (a list)",
                i + 1
            )));
        }
    }
    for p in e.policies.iter().chain(&e.data) {
        if !resolve(p).exists() {
            return Err((
                line_of(text, p, line),
                format!("entry {:?}: {p}: no such file or directory", e.name),
            ));
        }
    }
    let verify = VerifyOptions {
        keys,
        certificates,
        min_signatures: match threshold {
            Threshold::Count(n) => n,
            Threshold::All => signers.len(),
        },
        ..VerifyOptions::default()
    };
    Ok(Entry {
        name: e.name,
        line,
        patterns,
        mode: e.mode,
        verify,
        signers,
        threshold,
        attestations: attestations.into_iter().map(Json::Object).collect(),
        rules: e.rules.map(|r| r.0),
        policies: e.policies.iter().map(|p| resolve(p)).collect(),
        data: e.data.iter().map(|p| resolve(p)).collect(),
    })
}

/// A key given inline as PEM text, or as a path to a PEM file.
fn load_key(k: &str, resolve: &dyn Fn(&str) -> PathBuf) -> Result<TrustedKey, String> {
    if k.contains("-----BEGIN") {
        let key = PublicKey::from_pem(k).map_err(|e| format!("inline key: {e}"))?;
        return Ok(TrustedKey {
            name: key.key_id(),
            key,
        });
    }
    let path = resolve(k);
    let text = crate::util::fs::read_text(&path).map_err(|e| format!("key {k}: {e}"))?;
    let key = PublicKey::from_pem(&text).map_err(|e| format!("key {k}: {e}"))?;
    Ok(TrustedKey {
        name: k.to_string(),
        key,
    })
}

/// The 1-based line of the first occurrence of `needle` at or after line `from`
/// (0 when absent): positions for problems found after parsing.
fn line_of(text: &str, needle: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .unwrap_or(0)
}

/// The line of the `name:` key naming an entry, at or after line `from`.
fn line_of_name(text: &str, name: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            l.strip_prefix("name:")
                .is_some_and(|rest| rest.trim().trim_matches(['"', '\'']) == name)
        })
        .map(|(i, _)| i + 1)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;

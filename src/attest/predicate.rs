//! Predicate files, read and checked before anything is signed.
//!
//! [`read_file`] reads a predicate with a size cap that is enforced before the file is read
//! whole; [`load`] turns its bytes into the JSON value an in-toto statement carries, after
//! checking that the content is what its `--type` says: an SPDX or CycloneDX JSON document,
//! SLSA provenance, an OpenVEX document, cosign's vulnerability report, or, for `custom`,
//! any text (wrapped as cosign wraps it). Each failure is a [`PredicateError`] that names the
//! kind of document and the first problem found, with a JSON path such as
//! `creationInfo.created` where one helps.
//!
//! The checks are the shapes the specifications require (SPDX 2.3 and 3.0, CycloneDX 1.2 to
//! 1.6, SLSA provenance v0.2 and v1 with in-toto resource descriptors, OpenVEX 0.2), not full
//! schema validation: enough to stop a wrong, truncated or mislabelled file from being signed
//! and pushed, while accepting what real generators write.

use std::collections::HashSet;
use std::fmt::Display;
use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use super::types::{PredicateKind, PredicateType};
use crate::util::time::{now_unix, rfc3339};

/// The largest predicate file sigil reads: 32 MiB.
pub const MAX_PREDICATE_BYTES: u64 = 32 * 1024 * 1024;

/// The deepest JSON nesting accepted (the top-level object is depth 1). Below serde_json's own
/// recursion limit (128), so a deep document gets this clear error rather than a parser's.
pub const MAX_JSON_DEPTH: usize = 100;

/// The CycloneDX `specVersion`s accepted.
pub const CYCLONEDX_SPEC_VERSIONS: &[&str] = &["1.2", "1.3", "1.4", "1.5", "1.6"];

/// OpenVEX statuses, as the specification spells them.
pub const OPENVEX_STATUSES: &[&str] = &["not_affected", "affected", "fixed", "under_investigation"];

/// OpenVEX justifications for `not_affected`.
pub const OPENVEX_JUSTIFICATIONS: &[&str] = &[
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// Why a predicate file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PredicateError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a regular file")]
    NotAFile { path: String },
    #[error("{}", too_large_text(.path, *.size, *.limit))]
    TooLarge {
        path: String,
        /// The size, when known before reading (a regular file); `None` when the read stopped
        /// at the limit.
        size: Option<u64>,
        limit: u64,
    },
    #[error("the {what} is empty")]
    Empty { what: String },
    #[error("the {what} is not text: {detail}")]
    NotText { what: String, detail: String },
    #[error("the {what} nests JSON deeper than {limit} levels (line {line})")]
    TooDeep {
        what: String,
        limit: usize,
        line: usize,
    },
    #[error("the {what} is not valid JSON: {detail}")]
    NotJson { what: String, detail: String },
    /// A known non-JSON serialization: SPDX tag-value, RDF/XML or YAML, CycloneDX XML.
    #[error("the {what} is {format}, not JSON: {hint}")]
    WrongFormat {
        what: String,
        format: &'static str,
        hint: &'static str,
    },
    #[error("the {what} must be a JSON object, found {found}")]
    NotObject { what: String, found: &'static str },
    /// The document parsed but breaks a rule of its kind; `path` is where (empty: the whole
    /// document).
    #[error("{}", invalid_text(.what, .path, .problem))]
    Invalid {
        what: String,
        path: String,
        problem: String,
    },
}

fn too_large_text(path: &str, size: Option<u64>, limit: u64) -> String {
    match size {
        Some(n) => {
            format!("{path} is {n} bytes, over the {limit}-byte limit for a predicate (not read)")
        }
        None => {
            format!("{path} is over the {limit}-byte limit for a predicate (stopped reading there)")
        }
    }
}

fn invalid_text(what: &str, path: &str, problem: &str) -> String {
    if path.is_empty() {
        format!("{what}: {problem}")
    } else {
        format!("{what}: {path} {problem}")
    }
}

/// Reads a predicate file, refusing one over [`MAX_PREDICATE_BYTES`] before reading it: a
/// regular file's size is checked first, and no more than the limit plus one byte is ever
/// read (for pipes and files that grow).
pub fn read_file(path: &Path) -> Result<Vec<u8>, PredicateError> {
    let name = path.display().to_string();
    let io = |source| PredicateError::Io {
        path: name.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(PredicateError::NotAFile { path: name });
    }
    if meta.is_file() && meta.len() > MAX_PREDICATE_BYTES {
        return Err(PredicateError::TooLarge {
            path: name,
            size: Some(meta.len()),
            limit: MAX_PREDICATE_BYTES,
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    read_limited(file, &name)
}

/// Reads at most [`MAX_PREDICATE_BYTES`] from `reader` (standard input, say); `name` is what
/// errors call it.
pub fn read_limited(reader: impl Read, name: &str) -> Result<Vec<u8>, PredicateError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_PREDICATE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| PredicateError::Io {
            path: name.to_string(),
            source,
        })?;
    if bytes.len() as u64 > MAX_PREDICATE_BYTES {
        return Err(PredicateError::TooLarge {
            path: name.to_string(),
            size: None,
            limit: MAX_PREDICATE_BYTES,
        });
    }
    Ok(bytes)
}

/// What a predicate of this kind is called in errors.
pub fn describe(kind: &PredicateType) -> String {
    match kind.kind {
        PredicateKind::SlsaProvenance02 => "SLSA v0.2 provenance".to_string(),
        PredicateKind::SlsaProvenance1 => "SLSA v1 provenance".to_string(),
        PredicateKind::Spdx => "SPDX document".to_string(),
        PredicateKind::CycloneDx => "CycloneDX BOM".to_string(),
        PredicateKind::OpenVex => "OpenVEX document".to_string(),
        PredicateKind::Vuln => "cosign vulnerability report".to_string(),
        PredicateKind::Custom => "custom predicate".to_string(),
        PredicateKind::Other => format!("predicate ({})", kind.uri),
    }
}

/// Checks a predicate's bytes against its kind and returns the statement's `predicate`: the
/// document's JSON as-is, or for `custom` cosign's `{"Data": text, "Timestamp": now}`.
pub fn load(kind: &PredicateType, bytes: &[u8]) -> Result<Value, PredicateError> {
    load_at(kind, bytes, now_unix())
}

/// [`load`] with the time a `custom` predicate is stamped with, in Unix seconds.
pub fn load_at(
    kind: &PredicateType,
    bytes: &[u8],
    unix_secs: i64,
) -> Result<Value, PredicateError> {
    let what = describe(kind);
    let text = as_text(&what, bytes)?;
    if kind.kind == PredicateKind::Custom {
        return Ok(wrap_custom(text, unix_secs));
    }
    let value = parse_json(&what, kind.kind, text)?;
    let Value::Object(doc) = &value else {
        return Err(PredicateError::NotObject {
            what,
            found: json_type(&value),
        });
    };
    let c = Ctx { what };
    c.not_an_envelope(doc)?;
    match kind.kind {
        PredicateKind::Spdx => c.spdx(doc)?,
        PredicateKind::CycloneDx => c.cyclonedx(doc)?,
        PredicateKind::SlsaProvenance02 => c.slsa02(doc)?,
        PredicateKind::SlsaProvenance1 => c.slsa1(doc)?,
        PredicateKind::OpenVex => c.openvex(doc)?,
        PredicateKind::Vuln => c.vuln(doc)?,
        PredicateKind::Custom | PredicateKind::Other => {}
    }
    Ok(value)
}

/// cosign's `custom` predicate: the file's text and when it was attested.
pub fn wrap_custom(text: &str, unix_secs: i64) -> Value {
    serde_json::json!({ "Data": text, "Timestamp": rfc3339(unix_secs) })
}

/// The bytes as text: non-empty, UTF-8, and not binary (no NUL or stray control bytes).
fn as_text<'b>(what: &str, bytes: &'b [u8]) -> Result<&'b str, PredicateError> {
    if bytes.len() as u64 > MAX_PREDICATE_BYTES {
        return Err(PredicateError::TooLarge {
            path: format!("the {what}"),
            size: Some(bytes.len() as u64),
            limit: MAX_PREDICATE_BYTES,
        });
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(PredicateError::NotText {
            what: what.to_string(),
            detail: "it is UTF-16 (a byte-order mark says so); save it as UTF-8".to_string(),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| PredicateError::NotText {
        what: what.to_string(),
        detail: format!(
            "byte {} is not valid UTF-8 (a binary file?)",
            e.valid_up_to()
        ),
    })?;
    if let Some(at) = text
        .bytes()
        .position(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
    {
        return Err(PredicateError::NotText {
            what: what.to_string(),
            detail: format!(
                "control byte 0x{:02x} at offset {at} (a binary file?)",
                bytes[at]
            ),
        });
    }
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(PredicateError::Empty {
            what: what.to_string(),
        });
    }
    Ok(text)
}

/// Parses JSON after the depth guard; a parse failure of a recognisable non-JSON format says
/// which format it is.
fn parse_json(what: &str, kind: PredicateKind, text: &str) -> Result<Value, PredicateError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_depth(what, text)?;
    serde_json::from_str(text).map_err(|e| match sniff(kind, text) {
        Some((format, hint)) => PredicateError::WrongFormat {
            what: what.to_string(),
            format,
            hint,
        },
        None => PredicateError::NotJson {
            what: what.to_string(),
            detail: e.to_string(),
        },
    })
}

/// Refuses nesting deeper than [`MAX_JSON_DEPTH`] with a scan of brackets outside strings,
/// before any parser recurses.
fn check_depth(what: &str, text: &str) -> Result<(), PredicateError> {
    let (mut depth, mut line) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(PredicateError::TooDeep {
                        what: what.to_string(),
                        limit: MAX_JSON_DEPTH,
                        line,
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

const SPDX_CONVERT: &str = "sigil attests SPDX JSON; convert it with \
     `pyspdxtools -i FILE -o FILE.spdx.json` or have the generator write SPDX JSON";
const CYCLONEDX_CONVERT: &str = "sigil attests CycloneDX JSON; have the generator write JSON \
     (e.g. `cyclonedx-py ... --of JSON`) or convert it with `cyclonedx convert --output-format json`";

/// Recognises the non-JSON serializations people pass by mistake.
fn sniff(kind: PredicateKind, text: &str) -> Option<(&'static str, &'static str)> {
    let has_line = |prefix: &str| text.lines().any(|l| l.trim_start().starts_with(prefix));
    let xml = text.trim_start().starts_with('<');
    let spdx_rdf = xml && text.contains("spdx.org/rdf");
    match kind {
        PredicateKind::Spdx if spdx_rdf => Some(("SPDX RDF/XML", SPDX_CONVERT)),
        PredicateKind::Spdx if has_line("SPDXVersion:") => Some(("SPDX tag-value", SPDX_CONVERT)),
        PredicateKind::Spdx if has_line("spdxVersion:") => Some(("SPDX YAML", SPDX_CONVERT)),
        PredicateKind::CycloneDx if xml => Some(("CycloneDX XML", CYCLONEDX_CONVERT)),
        _ if xml => Some(("XML", "give the document's JSON form")),
        _ => None,
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn key(parent: &str, k: &str) -> String {
    if parent.is_empty() {
        k.to_string()
    } else {
        format!("{parent}.{k}")
    }
}

fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

type Obj = Map<String, Value>;
type R<T = ()> = Result<T, PredicateError>;

/// The checks, with the document kind every error names.
struct Ctx {
    what: String,
}

impl Ctx {
    fn bad(&self, path: &str, problem: impl Display) -> PredicateError {
        PredicateError::Invalid {
            what: self.what.clone(),
            path: path.to_string(),
            problem: problem.to_string(),
        }
    }

    fn get<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<&'v Value> {
        m.get(k)
            .ok_or_else(|| self.bad(&key(parent, k), "is missing"))
    }

    fn as_object<'v>(&self, v: &'v Value, path: &str) -> R<&'v Obj> {
        v.as_object()
            .ok_or_else(|| self.bad(path, format!("must be an object, found {}", json_type(v))))
    }

    fn as_array<'v>(&self, v: &'v Value, path: &str) -> R<&'v Vec<Value>> {
        v.as_array()
            .ok_or_else(|| self.bad(path, format!("must be an array, found {}", json_type(v))))
    }

    fn as_string<'v>(&self, v: &'v Value, path: &str) -> R<&'v str> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Ok(s),
            Value::String(_) => Err(self.bad(path, "is empty")),
            other => Err(self.bad(
                path,
                format!("must be a string, found {}", json_type(other)),
            )),
        }
    }

    fn object<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<&'v Obj> {
        self.as_object(self.get(m, parent, k)?, &key(parent, k))
    }

    fn string<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<&'v str> {
        self.as_string(self.get(m, parent, k)?, &key(parent, k))
    }

    fn array<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<&'v Vec<Value>> {
        self.as_array(self.get(m, parent, k)?, &key(parent, k))
    }

    fn opt_object<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<Option<&'v Obj>> {
        m.get(k)
            .map(|v| self.as_object(v, &key(parent, k)))
            .transpose()
    }

    /// An optional string, possibly empty (generators write `""` for fields they do not know).
    fn opt_string<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<Option<&'v str>> {
        match m.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.bad(
                &key(parent, k),
                format!("must be a string, found {}", json_type(other)),
            )),
        }
    }

    /// An optional string that counts only when it says something.
    fn opt_text<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<Option<&'v str>> {
        Ok(self
            .opt_string(m, parent, k)?
            .filter(|s| !s.trim().is_empty()))
    }

    fn opt_array<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<Option<&'v Vec<Value>>> {
        m.get(k)
            .map(|v| self.as_array(v, &key(parent, k)))
            .transpose()
    }

    /// Each element of an optional array, as an object, with its path.
    fn opt_objects<'v>(&self, m: &'v Obj, parent: &str, k: &str) -> R<Vec<(String, &'v Obj)>> {
        let path = key(parent, k);
        let Some(items) = self.opt_array(m, parent, k)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let p = index(&path, i);
                self.as_object(v, &p).map(|o| (p, o))
            })
            .collect()
    }

    fn timestamp(&self, m: &Obj, parent: &str, k: &str, required: bool) -> R {
        let s = if required {
            Some(self.string(m, parent, k)?)
        } else {
            self.opt_string(m, parent, k)?
        };
        match s {
            Some(s) if !is_rfc3339(s) => Err(self.bad(
                &key(parent, k),
                format!("must be an RFC 3339 date-time such as 2026-01-02T15:04:05Z, found {s:?}"),
            )),
            _ => Ok(()),
        }
    }

    /// A whole in-toto statement or DSSE envelope passed where its predicate belongs.
    fn not_an_envelope(&self, doc: &Obj) -> R {
        let is = |k: &str, needle: &str| {
            doc.get(k)
                .and_then(Value::as_str)
                .is_some_and(|s| s.contains(needle))
        };
        if is("_type", "in-toto.io/Statement") && doc.contains_key("predicate") {
            return Err(self.bad(
                "",
                "this is a whole in-toto statement, not a predicate: pass only its `predicate`, or the whole file with --statement",
            ));
        }
        if doc.contains_key("payloadType")
            && doc.contains_key("payload")
            && doc.contains_key("signatures")
        {
            return Err(self.bad(
                "",
                "this is a DSSE envelope (an already signed attestation), not a predicate",
            ));
        }
        Ok(())
    }

    // ---- SPDX ------------------------------------------------------------------------------

    fn spdx(&self, doc: &Obj) -> R {
        if doc.contains_key("@context") || doc.contains_key("@graph") {
            return self.spdx3(doc);
        }
        if !doc.contains_key("spdxVersion") {
            if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
                return Err(self.bad(
                    "",
                    "this is a CycloneDX BOM, not SPDX: attest it with --type cyclonedx",
                ));
            }
            return Err(self.bad("spdxVersion", "is missing: not an SPDX JSON document"));
        }
        let version = self.string(doc, "", "spdxVersion")?;
        let minor = version
            .strip_prefix("SPDX-2.")
            .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()));
        if minor.is_none() {
            let hint = if version.starts_with("SPDX-3") {
                " (SPDX 3 documents are JSON-LD, with @context and @graph)"
            } else {
                ""
            };
            return Err(self.bad(
                "spdxVersion",
                format!("must be SPDX-2.x, found {version:?}{hint}"),
            ));
        }
        let id = self.string(doc, "", "SPDXID")?;
        if id != "SPDXRef-DOCUMENT" {
            return Err(self.bad(
                "SPDXID",
                format!("must be \"SPDXRef-DOCUMENT\", found {id:?}"),
            ));
        }
        let data_license = self.string(doc, "", "dataLicense")?;
        if data_license != "CC0-1.0" {
            return Err(self.bad(
                "dataLicense",
                format!("must be \"CC0-1.0\", found {data_license:?}"),
            ));
        }
        self.string(doc, "", "name")?;
        let ns = self.string(doc, "", "documentNamespace")?;
        if !has_uri_scheme(ns) || ns.contains('#') {
            return Err(self.bad(
                "documentNamespace",
                format!("must be an absolute URI without a '#' part, found {ns:?}"),
            ));
        }
        let info = self.object(doc, "", "creationInfo")?;
        self.timestamp(info, "creationInfo", "created", true)?;
        let creators = self.array(info, "creationInfo", "creators")?;
        if creators.is_empty() {
            return Err(self.bad(
                "creationInfo.creators",
                "is empty: name at least one Tool:, Person: or Organization:",
            ));
        }
        for (i, c) in creators.iter().enumerate() {
            let path = index("creationInfo.creators", i);
            let c = self.as_string(c, &path)?;
            if !["Tool:", "Person:", "Organization:"]
                .iter()
                .any(|p| c.starts_with(p))
            {
                return Err(self.bad(
                    &path,
                    format!("must start with Tool:, Person: or Organization:, found {c:?}"),
                ));
            }
        }
        let mut ids = HashSet::new();
        ids.insert("SPDXRef-DOCUMENT");
        for (path, p) in self.opt_objects(doc, "", "packages")? {
            let id = self.spdx_id(p, &path)?;
            if !ids.insert(id) {
                return Err(self.bad(&key(&path, "SPDXID"), format!("{id:?} is used twice")));
            }
            self.string(p, &path, "name")?;
        }
        for (path, f) in self.opt_objects(doc, "", "files")? {
            let id = self.spdx_id(f, &path)?;
            if !ids.insert(id) {
                return Err(self.bad(&key(&path, "SPDXID"), format!("{id:?} is used twice")));
            }
            self.string(f, &path, "fileName")?;
        }
        for (path, r) in self.opt_objects(doc, "", "relationships")? {
            self.string(r, &path, "spdxElementId")?;
            self.string(r, &path, "relationshipType")?;
            self.string(r, &path, "relatedSpdxElement")?;
        }
        Ok(())
    }

    fn spdx_id<'v>(&self, m: &'v Obj, path: &str) -> R<&'v str> {
        let id = self.string(m, path, "SPDXID")?;
        let rest = id.strip_prefix("SPDXRef-").unwrap_or("");
        if rest.is_empty()
            || !rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            return Err(self.bad(
                &key(path, "SPDXID"),
                format!(
                    "must be \"SPDXRef-\" followed by letters, digits, '.' or '-', found {id:?}"
                ),
            ));
        }
        Ok(id)
    }

    /// SPDX 3 JSON-LD: an SPDX 3 `@context`, a `@graph` of typed elements with an
    /// `SpdxDocument` among them, and creation information of spec version 3.x.
    fn spdx3(&self, doc: &Obj) -> R {
        let context = self.get(doc, "", "@context")?;
        let contexts: Vec<&str> = match context {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !contexts.iter().any(|c| c.contains("spdx.org/rdf/3")) {
            return Err(self.bad(
                "@context",
                "must name the SPDX 3 context (https://spdx.org/rdf/3.x/spdx-context.jsonld): not an SPDX 3 document",
            ));
        }
        let graph = self.array(doc, "", "@graph")?;
        if graph.is_empty() {
            return Err(self.bad("@graph", "is empty"));
        }
        let (mut has_document, mut spec_version) = (false, None);
        for (i, element) in graph.iter().enumerate() {
            let path = index("@graph", i);
            let e = self.as_object(element, &path)?;
            let ty = match e.get("type") {
                Some(_) => self.string(e, &path, "type")?,
                None => self.string(e, &path, "@type")?,
            };
            has_document |= ty == "SpdxDocument";
            // Creation information is a graph node of its own or inline in an element.
            let info = if ty == "CreationInfo" {
                Some((path.clone(), e))
            } else {
                e.get("creationInfo")
                    .and_then(Value::as_object)
                    .map(|ci| (key(&path, "creationInfo"), ci))
            };
            if let Some((ipath, ci)) = info {
                let v = self.string(ci, &ipath, "specVersion")?;
                if !v.starts_with("3.") {
                    return Err(self.bad(
                        &key(&ipath, "specVersion"),
                        format!("must be 3.x, found {v:?}"),
                    ));
                }
                self.timestamp(ci, &ipath, "created", true)?;
                spec_version.get_or_insert(v);
            }
        }
        if !has_document {
            return Err(self.bad("@graph", "has no SpdxDocument element"));
        }
        if spec_version.is_none() {
            return Err(self.bad("@graph", "has no CreationInfo with a specVersion"));
        }
        Ok(())
    }

    // ---- CycloneDX -------------------------------------------------------------------------

    fn cyclonedx(&self, doc: &Obj) -> R {
        if !doc.contains_key("bomFormat") && doc.contains_key("spdxVersion") {
            return Err(self.bad(
                "",
                "this is an SPDX document, not CycloneDX: attest it with --type spdxjson",
            ));
        }
        let format = self.string(doc, "", "bomFormat")?;
        if format != "CycloneDX" {
            return Err(self.bad(
                "bomFormat",
                format!("must be \"CycloneDX\", found {format:?}"),
            ));
        }
        let version = self.string(doc, "", "specVersion")?;
        if !CYCLONEDX_SPEC_VERSIONS.contains(&version) {
            return Err(self.bad(
                "specVersion",
                format!(
                    "must be one of {}, found {version:?}",
                    CYCLONEDX_SPEC_VERSIONS.join(", ")
                ),
            ));
        }
        if let Some(v) = doc.get("version") {
            if v.as_u64().is_none_or(|n| n == 0) {
                return Err(self.bad(
                    "version",
                    format!("must be an integer of 1 or more, found {v}"),
                ));
            }
        }
        if let Some(serial) = self.opt_string(doc, "", "serialNumber")? {
            if !serial.starts_with("urn:uuid:") {
                return Err(self.bad(
                    "serialNumber",
                    format!("must be a urn:uuid: URN, found {serial:?}"),
                ));
            }
        }
        if let Some(meta) = self.opt_object(doc, "", "metadata")? {
            self.timestamp(meta, "metadata", "timestamp", false)?;
            if let Some(c) = self.opt_object(meta, "metadata", "component")? {
                self.cdx_component(c, "metadata.component")?;
            }
        }
        for (path, c) in self.opt_objects(doc, "", "components")? {
            self.cdx_component(c, &path)?;
        }
        for (path, d) in self.opt_objects(doc, "", "dependencies")? {
            self.string(d, &path, "ref")?;
            if let Some(on) = self.opt_array(d, &path, "dependsOn")? {
                for (i, r) in on.iter().enumerate() {
                    self.as_string(r, &index(&key(&path, "dependsOn"), i))?;
                }
            }
        }
        Ok(())
    }

    fn cdx_component(&self, c: &Obj, path: &str) -> R {
        self.string(c, path, "type")?;
        self.string(c, path, "name")?;
        for (p, sub) in self.opt_objects(c, path, "components")? {
            self.cdx_component(sub, &p)?;
        }
        Ok(())
    }

    // ---- SLSA provenance -------------------------------------------------------------------

    fn slsa02(&self, doc: &Obj) -> R {
        if doc.contains_key("buildDefinition") && !doc.contains_key("builder") {
            return Err(self.bad(
                "",
                "this is SLSA v1 provenance (it has buildDefinition): attest it with --type slsaprovenance1",
            ));
        }
        let builder = self.object(doc, "", "builder")?;
        self.string(builder, "builder", "id")?;
        self.string(doc, "", "buildType")?;
        if let Some(inv) = self.opt_object(doc, "", "invocation")? {
            if let Some(src) = self.opt_object(inv, "invocation", "configSource")? {
                self.opt_string(src, "invocation.configSource", "uri")?;
                if let Some(d) = src.get("digest") {
                    self.digest_set(d, "invocation.configSource.digest")?;
                }
            }
        }
        if let Some(meta) = self.opt_object(doc, "", "metadata")? {
            self.timestamp(meta, "metadata", "buildStartedOn", false)?;
            self.timestamp(meta, "metadata", "buildFinishedOn", false)?;
        }
        for (path, m) in self.opt_objects(doc, "", "materials")? {
            self.opt_string(m, &path, "uri")?;
            if let Some(d) = m.get("digest") {
                self.digest_set(d, &key(&path, "digest"))?;
            }
        }
        Ok(())
    }

    fn slsa1(&self, doc: &Obj) -> R {
        if doc.contains_key("builder") && !doc.contains_key("buildDefinition") {
            return Err(self.bad(
                "",
                "this is SLSA v0.2 provenance (it has builder): attest it with --type slsaprovenance02",
            ));
        }
        let def = self.object(doc, "", "buildDefinition")?;
        self.string(def, "buildDefinition", "buildType")?;
        self.object(def, "buildDefinition", "externalParameters")?;
        self.opt_object(def, "buildDefinition", "internalParameters")?;
        for (path, rd) in self.opt_objects(def, "buildDefinition", "resolvedDependencies")? {
            self.resource_descriptor(rd, &path)?;
        }
        let run = self.object(doc, "", "runDetails")?;
        let builder = self.object(run, "runDetails", "builder")?;
        self.string(builder, "runDetails.builder", "id")?;
        for (path, rd) in self.opt_objects(builder, "runDetails.builder", "builderDependencies")? {
            self.resource_descriptor(rd, &path)?;
        }
        if let Some(meta) = self.opt_object(run, "runDetails", "metadata")? {
            self.opt_string(meta, "runDetails.metadata", "invocationId")?;
            self.timestamp(meta, "runDetails.metadata", "startedOn", false)?;
            self.timestamp(meta, "runDetails.metadata", "finishedOn", false)?;
        }
        for (path, rd) in self.opt_objects(run, "runDetails", "byproducts")? {
            self.resource_descriptor(rd, &path)?;
        }
        Ok(())
    }

    /// An in-toto ResourceDescriptor: something that identifies the resource (a URI, digests,
    /// a name or inline content), with well-formed digests.
    fn resource_descriptor(&self, rd: &Obj, path: &str) -> R {
        for k in ["uri", "name", "content", "downloadLocation", "mediaType"] {
            self.opt_string(rd, path, k)?;
        }
        if let Some(d) = rd.get("digest") {
            self.digest_set(d, &key(path, "digest"))?;
        }
        let mut identifies = rd.contains_key("digest");
        for k in ["uri", "name", "content"] {
            identifies |= self.opt_text(rd, path, k)?.is_some();
        }
        if !identifies {
            return Err(self.bad(
                path,
                "must have at least one of uri, digest, name or content",
            ));
        }
        self.opt_object(rd, path, "annotations")?;
        Ok(())
    }

    /// An in-toto DigestSet: algorithm → digest, lowercase hex (of the right length for the
    /// algorithms the specification names).
    fn digest_set(&self, v: &Value, path: &str) -> R {
        let set = self.as_object(v, path)?;
        if set.is_empty() {
            return Err(self.bad(path, "is empty: give at least one algorithm and digest"));
        }
        for (alg, value) in set {
            let p = key(path, alg);
            let digest = self.as_string(value, &p)?;
            let expected = match alg.as_str() {
                "md5" => Some(&[32][..]),
                "sha1" | "ripemd160" => Some(&[40][..]),
                "sha224" | "sha512_224" | "sha3_224" => Some(&[56][..]),
                "sha256" | "sha512_256" | "sha3_256" | "dirHash" | "goModuleH1" | "sm3"
                | "gost" => Some(&[64][..]),
                "sha384" | "sha3_384" => Some(&[96][..]),
                "sha512" | "sha3_512" => Some(&[128][..]),
                "gitCommit" | "gitTree" | "gitBlob" | "gitTag" => Some(&[40, 64][..]),
                "shake128" | "shake256" | "blake2b" | "blake2s" => Some(&[][..]),
                _ => None,
            };
            let Some(lengths) = expected else {
                continue; // an algorithm the specification does not name: its own encoding
            };
            if !digest
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            {
                return Err(self.bad(&p, format!("must be lowercase hex, found {digest:?}")));
            }
            if !lengths.is_empty() && !lengths.contains(&digest.len()) {
                let want: Vec<String> = lengths.iter().map(|n| n.to_string()).collect();
                return Err(self.bad(
                    &p,
                    format!(
                        "must be {} hex digits for {alg}, found {}",
                        want.join(" or "),
                        digest.len()
                    ),
                ));
            }
        }
        Ok(())
    }

    // ---- OpenVEX ---------------------------------------------------------------------------

    fn openvex(&self, doc: &Obj) -> R {
        let context = self.string(doc, "", "@context")?;
        if !context.starts_with("https://openvex.dev/ns") {
            return Err(self.bad(
                "@context",
                format!("must start with https://openvex.dev/ns, found {context:?}"),
            ));
        }
        self.string(doc, "", "@id")?;
        self.string(doc, "", "author")?;
        self.timestamp(doc, "", "timestamp", true)?;
        self.timestamp(doc, "", "last_updated", false)?;
        let statements = self.array(doc, "", "statements")?;
        if statements.is_empty() {
            return Err(self.bad(
                "statements",
                "is empty: a VEX document makes at least one statement",
            ));
        }
        for (i, s) in statements.iter().enumerate() {
            let path = index("statements", i);
            let s = self.as_object(s, &path)?;
            // v0.2 names the vulnerability with an object, v0.0.1 with a string.
            let vuln = self.get(s, &path, "vulnerability")?;
            let vpath = key(&path, "vulnerability");
            match vuln {
                Value::String(_) => {
                    self.as_string(vuln, &vpath)?;
                }
                _ => {
                    let v = self.as_object(vuln, &vpath)?;
                    self.string(v, &vpath, "name")?;
                }
            }
            let status = self.string(s, &path, "status")?;
            if !OPENVEX_STATUSES.contains(&status) {
                return Err(self.bad(
                    &key(&path, "status"),
                    format!(
                        "must be one of {}, found {status:?}",
                        OPENVEX_STATUSES.join(", ")
                    ),
                ));
            }
            let justification = self.opt_string(s, &path, "justification")?;
            if let Some(j) = justification {
                if !OPENVEX_JUSTIFICATIONS.contains(&j) {
                    return Err(self.bad(
                        &key(&path, "justification"),
                        format!(
                            "must be one of {}, found {j:?}",
                            OPENVEX_JUSTIFICATIONS.join(", ")
                        ),
                    ));
                }
            }
            let impact = self.opt_text(s, &path, "impact_statement")?;
            if status == "not_affected" && justification.is_none() && impact.is_none() {
                return Err(self.bad(
                    &path,
                    "is not_affected but gives neither a justification nor an impact_statement",
                ));
            }
            if status == "affected" && self.opt_text(s, &path, "action_statement")?.is_none() {
                return Err(self.bad(&path, "is affected but gives no action_statement"));
            }
            self.timestamp(s, &path, "timestamp", false)?;
            self.opt_array(s, &path, "products")?;
        }
        Ok(())
    }

    // ---- cosign's vulnerability report -----------------------------------------------------

    fn vuln(&self, doc: &Obj) -> R {
        let scanner = self.object(doc, "", "scanner")?;
        self.opt_string(scanner, "scanner", "uri")?;
        self.opt_string(scanner, "scanner", "version")?;
        if let Some(db) = self.opt_object(scanner, "scanner", "db")? {
            self.opt_string(db, "scanner.db", "uri")?;
            self.opt_string(db, "scanner.db", "version")?;
        }
        let meta = self.object(doc, "", "metadata")?;
        self.timestamp(meta, "metadata", "scanStartedOn", false)?;
        self.timestamp(meta, "metadata", "scanFinishedOn", false)?;
        self.opt_object(doc, "", "invocation")?;
        Ok(())
    }
}

fn has_uri_scheme(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        }
        None => false,
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, with fields in range.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(_year), Some(month), Some(day), Some(hour), Some(min), Some(sec)) = (
        num(0, 4),
        num(5, 2),
        num(8, 2),
        num(11, 2),
        num(14, 2),
        num(17, 2),
    ) else {
        return false;
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return false;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += 1 + digits;
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] => {
            b.len() == i + 6
                && b[i + 3] == b':'
                && num(i + 1, 2).is_some_and(|h| h <= 23)
                && num(i + 4, 2).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attest::types;

    fn ty(name: &str) -> PredicateType {
        PredicateType::parse(name).unwrap()
    }

    fn fixture(path: &str) -> Vec<u8> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        read_file(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// The problem `load` reports, as text, for an input that must be refused.
    fn refused(kind: &str, bytes: &[u8]) -> PredicateError {
        match load(&ty(kind), bytes) {
            Ok(v) => panic!("{kind}: accepted {v}"),
            Err(e) => e,
        }
    }

    fn invalid_at(e: &PredicateError) -> (&str, &str) {
        match e {
            PredicateError::Invalid { path, problem, .. } => (path, problem),
            other => panic!("not an Invalid error: {other:?} ({other})"),
        }
    }

    #[test]
    fn real_sboms_load_as_they_are() {
        for (kind, path) in [
            ("spdxjson", "testdata/sbom/spdx.json"),
            ("spdx", "testdata/sbom/spdx3.json"),
            ("cyclonedx", "testdata/sbom/cyclonedx.json"),
            ("cyclonedx", "testdata/sbom/cyclonedx-1.4.json"),
        ] {
            let bytes = fixture(path);
            let value = load(&ty(kind), &bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            let original: Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(value, original, "{path}: embedded as-is");
        }
    }

    #[test]
    fn other_serializations_of_sboms_are_named() {
        for (kind, path, says) in [
            ("spdxjson", "testdata/predicates/spdx.tag", "SPDX tag-value"),
            ("spdx", "testdata/predicates/spdx.yaml", "SPDX YAML"),
            ("spdx", "testdata/predicates/spdx.rdf.xml", "RDF/XML"),
            (
                "cyclonedx",
                "testdata/predicates/cyclonedx.xml",
                "CycloneDX XML",
            ),
        ] {
            let e = refused(kind, &fixture(path));
            assert!(
                matches!(e, PredicateError::WrongFormat { .. }),
                "{path}: {e:?}"
            );
            let text = e.to_string();
            assert!(
                text.contains(says) && text.contains("not JSON"),
                "{path}: {text}"
            );
        }
        let e = refused("cyclonedx", &fixture("testdata/predicates/cyclonedx.xml"));
        assert!(e.to_string().contains("--of JSON"), "{e}");
        let e = refused("spdx", &fixture("testdata/predicates/spdx.tag"));
        assert!(e.to_string().contains("pyspdxtools"), "{e}");
    }

    #[test]
    fn negative_fixtures_fail_at_the_first_problem() {
        for (kind, path, at, says) in [
            (
                "spdxjson",
                "testdata/predicates/spdx-no-created.json",
                "creationInfo.created",
                "is missing",
            ),
            (
                "spdxjson",
                "testdata/predicates/spdx-no-creators.json",
                "creationInfo.creators",
                "is empty",
            ),
            (
                "spdxjson",
                "testdata/predicates/spdx-package-no-name.json",
                "packages[1].name",
                "is missing",
            ),
            (
                "spdxjson",
                "testdata/predicates/spdx-2.2-bad-id.json",
                "SPDXID",
                "SPDXRef-DOCUMENT",
            ),
            (
                "spdxjson",
                "testdata/predicates/cyclonedx-as-spdx.json",
                "",
                "--type cyclonedx",
            ),
            (
                "cyclonedx",
                "testdata/predicates/cyclonedx-1.7.json",
                "specVersion",
                "1.2, 1.3, 1.4, 1.5, 1.6",
            ),
            (
                "cyclonedx",
                "testdata/predicates/cyclonedx-components-object.json",
                "components",
                "must be an array",
            ),
            (
                "cyclonedx",
                "testdata/predicates/cyclonedx-component-no-name.json",
                "components[0].components[0].name",
                "is missing",
            ),
            (
                "slsaprovenance",
                "testdata/predicates/slsa-v02-no-builder-id.json",
                "builder.id",
                "is missing",
            ),
            (
                "slsaprovenance02",
                "testdata/predicates/slsa-v02-bad-material.json",
                "materials[1].digest.sha256",
                "lowercase hex",
            ),
            (
                "slsaprovenance1",
                "testdata/predicates/slsa-v1-no-builder-id.json",
                "runDetails.builder.id",
                "is missing",
            ),
            (
                "slsaprovenance1",
                "testdata/predicates/slsa-v1-external-parameters-string.json",
                "buildDefinition.externalParameters",
                "must be an object, found a string",
            ),
            (
                "slsaprovenance1",
                "testdata/predicates/slsa-v1-empty-dependency.json",
                "buildDefinition.resolvedDependencies[1]",
                "at least one of uri, digest",
            ),
            (
                "slsaprovenance1",
                "testdata/predicates/slsa-v1-short-digest.json",
                "buildDefinition.resolvedDependencies[0].digest.sha256",
                "64 hex digits",
            ),
            (
                "openvex",
                "testdata/predicates/openvex-bad-status.json",
                "statements[1].status",
                "under_investigation",
            ),
            (
                "openvex",
                "testdata/predicates/openvex-bad-context.json",
                "@context",
                "https://openvex.dev/ns",
            ),
            (
                "openvex",
                "testdata/predicates/openvex-not-affected-unjustified.json",
                "statements[0]",
                "justification",
            ),
            (
                "vuln",
                "testdata/predicates/vuln-no-metadata.json",
                "metadata",
                "is missing",
            ),
            (
                "https://example.com/predicate/v1",
                "testdata/predicates/intoto-statement.json",
                "",
                "whole in-toto statement",
            ),
        ] {
            let e = refused(kind, &fixture(path));
            let (p, problem) = invalid_at(&e);
            assert_eq!(p, at, "{path}: {e}");
            assert!(problem.contains(says), "{path}: {e}");
            let what = describe(&ty(kind));
            assert!(e.to_string().starts_with(&what), "{path}: {e} names {what}");
        }
    }

    #[test]
    fn good_hand_written_predicates_load() {
        for (kind, path) in [
            ("slsaprovenance", "testdata/predicates/good/slsa-v02.json"),
            ("slsaprovenance1", "testdata/predicates/good/slsa-v1.json"),
            ("openvex", "testdata/predicates/good/openvex.json"),
            ("vuln", "testdata/predicates/good/vuln.json"),
            (
                "https://example.com/predicate/v1",
                "testdata/predicates/good/other.json",
            ),
        ] {
            load(&ty(kind), &fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }

    #[test]
    fn malformed_json_empty_and_binary_are_refused() {
        let e = refused("spdxjson", &fixture("testdata/predicates/truncated.json"));
        assert!(matches!(e, PredicateError::NotJson { .. }), "{e:?}");
        assert!(
            e.to_string().contains("SPDX document is not valid JSON"),
            "{e}"
        );
        assert!(e.to_string().contains("line"), "serde's position: {e}");

        for empty in [&b""[..], b"  \n\t", b"\xef\xbb\xbf\n"] {
            assert!(matches!(
                refused("cyclonedx", empty),
                PredicateError::Empty { .. }
            ));
            assert!(matches!(
                refused("custom", empty),
                PredicateError::Empty { .. }
            ));
        }
        let e = refused("custom", b"\x7fELF\x02\x01\x01\x00\x00\x00");
        assert!(matches!(e, PredicateError::NotText { .. }), "{e:?}");
        assert!(
            e.to_string().contains("control byte 0x02 at offset 4"),
            "{e}"
        );
        let e = refused("spdx", b"\xff\xfe{\x00}\x00");
        assert!(e.to_string().contains("UTF-16"), "{e}");
        let e = refused("openvex", b"{\"a\": \"\xff\xfe\"}");
        assert!(e.to_string().contains("byte 7 is not valid UTF-8"), "{e}");

        for (json, found) in [
            ("[]", "an array"),
            ("\"x\"", "a string"),
            ("42", "a number"),
            ("null", "null"),
        ] {
            match refused("https://example.com/p", json.as_bytes()) {
                PredicateError::NotObject { found: f, .. } => assert_eq!(f, found),
                other => panic!("{json}: {other:?}"),
            }
        }
        // Any other XML, under any type, is named as XML.
        let e = refused("vuln", b"<report/>");
        assert!(
            matches!(e, PredicateError::WrongFormat { format: "XML", .. }),
            "{e:?}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_the_parser_recurses() {
        let nest = |depth: usize| format!("{}{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
        let at = |depth: usize| format!("{{\"a\":{}}}", nest(depth));
        assert!(load(&ty("https://example.com/p"), at(MAX_JSON_DEPTH).as_bytes()).is_ok());
        for depth in [MAX_JSON_DEPTH + 1, 127, 128, 100_000] {
            match refused("https://example.com/p", at(depth).as_bytes()) {
                PredicateError::TooDeep { limit, line, .. } => {
                    assert_eq!((limit, line), (MAX_JSON_DEPTH, 1))
                }
                other => panic!("{depth}: {other:?}"),
            }
        }
        // Brackets inside strings, escaped quotes included, do not count.
        let deep_string = format!("{{\"a\": \"\\\"{}\"}}", "[".repeat(1000));
        assert!(load(&ty("https://example.com/p"), deep_string.as_bytes()).is_ok());
    }

    #[test]
    fn custom_wraps_text_as_cosign_does() {
        let v = load_at(&ty("custom"), "hello\n{not json}\n".as_bytes(), 784111777).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"Data": "hello\n{not json}\n", "Timestamp": "1994-11-06T08:49:37Z"})
        );
        let v = load(&ty(types::CUSTOM), "ünïcode\ttext".as_bytes()).unwrap();
        assert_eq!(v["Data"], "ünïcode\ttext");
        assert!(is_rfc3339(v["Timestamp"].as_str().unwrap()));
        // JSON stays text: it is wrapped, not parsed.
        let v = load_at(&ty("custom"), br#"{"a": 1}"#, 0).unwrap();
        assert_eq!(v["Data"], r#"{"a": 1}"#);
    }

    #[test]
    fn other_uris_take_any_json_object() {
        let v = load(
            &ty("https://example.com/p/v1"),
            br#"{"anything": [1, {"x": null}]}"#,
        )
        .unwrap();
        assert_eq!(v["anything"][1]["x"], Value::Null);
        // A byte-order mark is tolerated in front of JSON.
        assert!(load(&ty("https://example.com/p/v1"), b"\xef\xbb\xbf{}").is_ok());
    }

    #[test]
    fn a_100_mb_file_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let huge = dir.path().join("huge.json");
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(100 * 1024 * 1024)
            .unwrap();
        let started = std::time::Instant::now();
        match read_file(&huge) {
            Err(PredicateError::TooLarge { size, limit, .. }) => {
                assert_eq!(
                    (size, limit),
                    (Some(100 * 1024 * 1024), MAX_PREDICATE_BYTES)
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        let e = read_file(&huge).unwrap_err().to_string();
        assert!(
            e.contains("104857600 bytes") && e.contains("33554432-byte limit"),
            "{e}"
        );

        // Exactly at the limit is fine; a directory or a missing file is a clear error.
        let at_limit = dir.path().join("limit.json");
        std::fs::File::create(&at_limit)
            .unwrap()
            .set_len(MAX_PREDICATE_BYTES)
            .unwrap();
        assert_eq!(
            read_file(&at_limit).unwrap().len() as u64,
            MAX_PREDICATE_BYTES
        );
        assert!(matches!(
            read_file(dir.path()),
            Err(PredicateError::NotAFile { .. })
        ));
        assert!(matches!(
            read_file(&dir.path().join("nope")),
            Err(PredicateError::Io { .. })
        ));
    }

    #[test]
    fn an_endless_stream_is_cut_off_at_the_limit() {
        match read_limited(std::io::repeat(b'x'), "stdin") {
            Err(PredicateError::TooLarge {
                size: None, path, ..
            }) => assert_eq!(path, "stdin"),
            other => panic!("{other:?}"),
        }
        assert_eq!(read_limited(&b"{}"[..], "stdin").unwrap(), b"{}");
    }

    #[test]
    fn spdx_rules() {
        let good = serde_json::json!({
            "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "dataLicense": "CC0-1.0",
            "name": "doc", "documentNamespace": "https://example.com/spdx/doc-1",
            "creationInfo": {"created": "2026-01-02T03:04:05Z", "creators": ["Tool: x-1"]},
            "packages": [{"SPDXID": "SPDXRef-a", "name": "a"}],
        });
        let check = |edit: &dyn Fn(&mut Value)| {
            let mut doc = good.clone();
            edit(&mut doc);
            load(&ty("spdx"), doc.to_string().as_bytes())
        };
        check(&|_| {}).unwrap();
        for (edit, at, says) in [
            (
                &(|d: &mut Value| d["spdxVersion"] = "SPDX-3.0".into()) as &dyn Fn(&mut Value),
                "spdxVersion",
                "JSON-LD",
            ),
            (
                &|d: &mut Value| d["dataLicense"] = "MIT".into(),
                "dataLicense",
                "CC0-1.0",
            ),
            (
                &|d: &mut Value| d["documentNamespace"] = "doc-1".into(),
                "documentNamespace",
                "absolute URI",
            ),
            (
                &|d: &mut Value| d["creationInfo"]["created"] = "yesterday".into(),
                "creationInfo.created",
                "RFC 3339",
            ),
            (
                &|d: &mut Value| d["creationInfo"]["creators"][0] = "x-1".into(),
                "creationInfo.creators[0]",
                "Tool:",
            ),
            (
                &|d: &mut Value| d["packages"][0]["SPDXID"] = "a".into(),
                "packages[0].SPDXID",
                "SPDXRef-",
            ),
            (
                &|d: &mut Value| d["packages"][0]["SPDXID"] = "SPDXRef-DOCUMENT".into(),
                "packages[0].SPDXID",
                "used twice",
            ),
            (
                &|d: &mut Value| d["packages"] = serde_json::json!({}),
                "packages",
                "must be an array",
            ),
        ] {
            let e = check(edit).unwrap_err();
            let (p, problem) = invalid_at(&e);
            assert_eq!(p, at, "{e}");
            assert!(problem.contains(says), "{e}");
        }
        // SPDX 3 JSON-LD needs its context, an SpdxDocument and 3.x creation info.
        let e = load(
            &ty("spdx"),
            br#"{"@context": "https://schema.org", "@graph": []}"#,
        )
        .unwrap_err();
        assert_eq!(invalid_at(&e).0, "@context");
        let e = load(
            &ty("spdx"),
            br#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [{"type": "CreationInfo", "specVersion": "3.0.1", "created": "2026-01-01T00:00:00Z"}]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("no SpdxDocument"), "{e}");
    }

    #[test]
    fn mislabelled_documents_name_the_right_type() {
        let v02 = fixture("testdata/predicates/good/slsa-v02.json");
        let v1 = fixture("testdata/predicates/good/slsa-v1.json");
        let e = refused("slsaprovenance1", &v02);
        assert!(e.to_string().contains("--type slsaprovenance02"), "{e}");
        let e = refused("slsaprovenance02", &v1);
        assert!(e.to_string().contains("--type slsaprovenance1"), "{e}");
        let e = refused("cyclonedx", &fixture("testdata/sbom/spdx.json"));
        assert!(e.to_string().contains("--type spdxjson"), "{e}");
        let e = refused("openvex", &fixture("testdata/sbom/cyclonedx.json"));
        assert_eq!(invalid_at(&e).0, "@context", "{e}");
        let envelope = br#"{"payloadType": "application/vnd.in-toto+json", "payload": "e30=", "signatures": []}"#;
        let e = refused("cyclonedx", envelope);
        assert!(e.to_string().contains("DSSE envelope"), "{e}");
    }

    #[test]
    fn empty_optional_strings_are_tolerated_but_identify_nothing() {
        // Trivy's cosign-vuln output leaves fields it does not know as "".
        load(&ty("vuln"), &fixture("testdata/predicates/good/vuln.json")).unwrap();
        let prov = |rd: &str| {
            format!(
                r#"{{"buildDefinition": {{"buildType": "t", "externalParameters": {{}},
                     "resolvedDependencies": [{rd}]}},
                    "runDetails": {{"builder": {{"id": "b"}}}}}}"#
            )
        };
        load(
            &ty("slsaprovenance1"),
            prov(r#"{"name": "x", "uri": ""}"#).as_bytes(),
        )
        .unwrap();
        let e = refused(
            "slsaprovenance1",
            prov(r#"{"uri": "", "name": " "}"#).as_bytes(),
        );
        assert_eq!(
            invalid_at(&e).0,
            "buildDefinition.resolvedDependencies[0]",
            "{e}"
        );
        for (digest, ok) in [
            (
                r#"{"gitCommit": "4b825dc642cb6eb9a060e54bf8d69288fbee4904"}"#,
                true,
            ),
            (r#"{"sha512": "00"}"#, false),
            (r#"{"sha256": ""}"#, false),
            (r#"{}"#, false),
            (r#"{"customHash": "AbC+/="}"#, true),
            (r#"{"blake2b": "0a1b"}"#, true),
            (r#"{"blake2b": "0A1B"}"#, false),
        ] {
            let doc = prov(&format!(r#"{{"digest": {digest}}}"#));
            assert_eq!(
                load(&ty("slsaprovenance1"), doc.as_bytes()).is_ok(),
                ok,
                "{digest}"
            );
        }
        // OpenVEX 0.0.1 named the vulnerability with a plain string.
        let vex = br#"{"@context": "https://openvex.dev/ns", "@id": "https://example.com/vex/1",
            "author": "a", "timestamp": "2023-01-01T00:00:00Z", "version": "1",
            "statements": [{"vulnerability": "CVE-2023-0001", "products": ["pkg:oci/app"],
                            "status": "not_affected", "impact_statement": "not reachable"}]}"#;
        load(&ty("openvex"), vex).unwrap();
    }

    #[test]
    fn rfc3339_dates() {
        for ok in [
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05.123456789Z",
            "2026-01-01T00:00:00+00:00",
            "1999-12-31t23:59:60-08:30",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "",
            "2026-01-02",
            "2026-13-02T03:04:05Z",
            "2026-01-02T03:04:05",
            "2026-01-02T03:04:05.Z",
            "2026-01-02T03:04:05+0000",
            "2026-01-02T03:04:05Zx",
            "２026-01-02T03:04:05Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}

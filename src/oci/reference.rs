//! Image references: `nginx`, `ghcr.io/org/app:v1@sha256:…`, `oci:./layout:tag`.
//!
//! What sigil signs, verifies or pins must be exactly the image that Docker, cosign and the
//! registry understand by the string a person typed. So registry references are parsed with
//! the distribution reference grammar and normalised as Docker does (`nginx` →
//! `docker.io/library/nginx:latest`), and anything malformed is rejected with an error naming
//! the faulty part; later code can then put registry, repository and tag into URLs and tag
//! names unchecked. `oci:PATH[:tag|@digest]` names an image in a local OCI image layout.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::Ipv6Addr;
use std::path::PathBuf;
use std::str::FromStr;

use crate::oci::digest::{Digest, DigestError};

/// The registry of references that name none, as Docker assumes.
pub const DEFAULT_REGISTRY: &str = "docker.io";
/// Docker's old name for [`DEFAULT_REGISTRY`], normalised to it.
const LEGACY_DEFAULT_REGISTRY: &str = "index.docker.io";
/// The host that serves the registry API for [`DEFAULT_REGISTRY`].
const DEFAULT_API_HOST: &str = "registry-1.docker.io";
/// Where single-component repositories on the default registry live.
const OFFICIAL_NAMESPACE: &str = "library/";
const DEFAULT_TAG: &str = "latest";
/// Longest allowed `registry/repository`.
const NAME_MAX_LEN: usize = 255;
const TAG_MAX_LEN: usize = 128;
const LAYOUT_PREFIX: &str = "oci:";

/// Why a string is not an image reference. Every variant but `Empty` carries the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceError {
    #[error("invalid reference: empty string")]
    Empty,
    #[error("invalid reference {input:?}: repository name is missing")]
    MissingName { input: String },
    #[error("invalid reference {input:?}: invalid registry host {registry:?}")]
    InvalidRegistry { input: String, registry: String },
    #[error("invalid reference {input:?}: registry port {port:?} is not in 1..=65535")]
    InvalidPort { input: String, port: String },
    #[error("invalid reference {input:?}: invalid repository path component {component:?}")]
    InvalidPathComponent { input: String, component: String },
    #[error("invalid reference {input:?}: repository name must be lowercase")]
    Uppercase { input: String },
    #[error("invalid reference {input:?}: invalid tag {tag:?}")]
    InvalidTag { input: String, tag: String },
    #[error("invalid reference {input:?}: bad digest after '@': {source}")]
    InvalidDigest { input: String, source: DigestError },
    #[error("invalid reference {input:?}: name is {len} characters long, the limit is 255")]
    NameTooLong { input: String, len: usize },
    #[error("invalid reference {input:?}: the OCI layout path is empty")]
    EmptyLayoutPath { input: String },
}

/// A parsed, normalised registry image reference.
///
/// Equality and hashing compare what is named — registry, repository, tag and digest — so
/// `nginx` equals `docker.io/library/nginx:latest` although only its tag is implicit.
#[derive(Debug, Clone)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
    tag_implicit: bool,
}

impl Reference {
    /// Parses `[registry/]path[:tag][@digest]` and normalises it as Docker does.
    pub fn parse(s: &str) -> Result<Reference, ReferenceError> {
        let input = || s.to_string();
        if s.is_empty() {
            return Err(ReferenceError::Empty);
        }
        let (rest, digest) = match s.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (s, None),
        };
        let (name, tag) = split_tag(rest);
        if name.is_empty() {
            return Err(ReferenceError::MissingName { input: input() });
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, path)) if looks_like_registry(first) => {
                check_registry(s, first)?;
                (first, path)
            }
            _ => (DEFAULT_REGISTRY, name),
        };
        if let Some(component) = path.split('/').find(|c| !is_path_component(c)) {
            let lower = component.to_ascii_lowercase();
            return Err(if lower != component && is_path_component(&lower) {
                ReferenceError::Uppercase { input: input() }
            } else {
                ReferenceError::InvalidPathComponent {
                    input: input(),
                    component: component.to_string(),
                }
            });
        }
        if let Some(tag) = tag {
            check_tag(s, tag)?;
        }
        let digest = digest.map(|d| parse_digest(s, d)).transpose()?;

        let registry = match registry {
            LEGACY_DEFAULT_REGISTRY => DEFAULT_REGISTRY,
            other => other,
        };
        let repository = if registry == DEFAULT_REGISTRY && !path.contains('/') {
            format!("{OFFICIAL_NAMESPACE}{path}")
        } else {
            path.to_string()
        };
        let len = registry.len() + 1 + repository.len();
        if len > NAME_MAX_LEN {
            return Err(ReferenceError::NameTooLong {
                input: input(),
                len,
            });
        }
        let tag_implicit = tag.is_none() && digest.is_none();
        Ok(Reference {
            registry: registry.to_string(),
            repository,
            tag: tag.or(tag_implicit.then_some(DEFAULT_TAG)).map(Into::into),
            digest,
            tag_implicit,
        })
    }

    /// The registry as written (`ghcr.io`, `localhost:5000`, `[::1]:5000`), or `docker.io`.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The repository path within the registry, e.g. `library/nginx`.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag given, or `latest` when neither a tag nor a digest was given.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest given after '@', if any.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// True when the tag is `latest` only because the parsed input had neither a tag nor a
    /// digest (still true after [`Reference::with_digest`]).
    pub fn tag_was_implicit(&self) -> bool {
        self.tag_implicit
    }

    /// The same reference pinned to `digest`, keeping its tag.
    pub fn with_digest(&self, digest: Digest) -> Reference {
        Reference {
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// The same repository with `tag` and no digest.
    pub fn with_tag(&self, tag: &str) -> Result<Reference, ReferenceError> {
        check_tag(&format!("{}:{tag}", self.repo_only()), tag)?;
        Ok(Reference {
            registry: self.registry.clone(),
            repository: self.repository.clone(),
            tag: Some(tag.to_string()),
            digest: None,
            tag_implicit: false,
        })
    }

    /// `registry/repository`, without tag or digest.
    pub fn repo_only(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The host to send registry API requests to.
    pub fn api_host(&self) -> &str {
        if self.registry == DEFAULT_REGISTRY {
            DEFAULT_API_HOST
        } else {
            &self.registry
        }
    }

    /// The short form Docker prints (`nginx:latest`, `user/app:1`, `ghcr.io/x/y@sha256:…`),
    /// which parses back to an equal reference.
    pub fn familiar(&self) -> String {
        if self.registry != DEFAULT_REGISTRY {
            return self.to_string();
        }
        let short = match self.repository.strip_prefix(OFFICIAL_NAMESPACE) {
            Some(rest) if !rest.contains('/') => rest,
            _ => &self.repository,
        };
        match short.split_once('/') {
            // `docker.io/a.b/c` keeps its registry, or `a.b` would be read as one.
            Some((first, _)) if looks_like_registry(first) => self.to_string(),
            _ => format!("{short}{}", self.suffix()),
        }
    }

    /// What equality and hashing compare: everything but whether the tag was implicit.
    fn key(&self) -> (&str, &str, Option<&str>, Option<&Digest>) {
        (&self.registry, &self.repository, self.tag(), self.digest())
    }

    fn suffix(&self) -> Suffix<'_> {
        Suffix(self.tag(), self.digest())
    }
}

impl PartialEq for Reference {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Reference {}

impl Hash for Reference {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse(s)
    }
}

/// Fully qualified: `docker.io/library/nginx:latest`, `localhost:5000/app:v1@sha256:…`.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}{}", self.registry, self.repository, self.suffix())
    }
}

/// `oci:PATH[:tag|@digest]` — an image in an OCI image layout directory.
///
/// With neither tag nor digest it means the layout's only image: there is no default tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LayoutReference {
    pub path: PathBuf,
    pub tag: Option<String>,
    pub digest: Option<Digest>,
}

impl FromStr for LayoutReference {
    type Err = ReferenceError;

    /// Parses `oci:PATH`, `oci:PATH:tag` or `oci:PATH@digest`. A tag's ':' must follow the
    /// path's last '/', so `oci:/tmp/a:b/dir` is the directory `/tmp/a:b/dir`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s.strip_prefix(LAYOUT_PREFIX).unwrap_or(s);
        let (path, tag, digest) = match rest.rsplit_once('@') {
            Some((path, digest)) => (path, None, Some(parse_digest(s, digest)?)),
            None => match split_tag(rest) {
                (path, Some(tag)) => (path, Some(check_tag(s, tag)?.to_string()), None),
                (path, None) => (path, None, None),
            },
        };
        if path.is_empty() {
            return Err(ReferenceError::EmptyLayoutPath { input: s.into() });
        }
        Ok(LayoutReference {
            path: PathBuf::from(path),
            tag,
            digest,
        })
    }
}

impl fmt::Display for LayoutReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = Suffix(self.tag.as_deref(), self.digest.as_ref());
        write!(f, "{LAYOUT_PREFIX}{}{suffix}", self.path.display())
    }
}

/// An image on either transport: a registry or a local OCI layout.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImageRef {
    Registry(Reference),
    Layout(LayoutReference),
}

impl FromStr for ImageRef {
    type Err = ReferenceError;

    /// `oci:…` is a layout, anything else a registry reference (so Docker Hub's image `oci`
    /// must be written `docker.io/library/oci:TAG`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with(LAYOUT_PREFIX) {
            s.parse().map(ImageRef::Layout)
        } else {
            Reference::parse(s).map(ImageRef::Registry)
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageRef::Registry(r) => r.fmt(f),
            ImageRef::Layout(l) => l.fmt(f),
        }
    }
}

/// Writes `[:tag][@digest]`.
struct Suffix<'a>(Option<&'a str>, Option<&'a Digest>);

impl fmt::Display for Suffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(tag) = self.0 {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = self.1 {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// Splits `name[:tag]`: a tag's ':' comes after the last '/'; earlier ones are a port's.
fn split_tag(s: &str) -> (&str, Option<&str>) {
    let last_component = s.rfind('/').map_or(0, |i| i + 1);
    match s[last_component..].find(':') {
        Some(i) => (&s[..last_component + i], Some(&s[last_component + i + 1..])),
        None => (s, None),
    }
}

/// Whether the text before a reference's first '/' names a registry rather than a path.
fn looks_like_registry(first: &str) -> bool {
    first.contains(['.', ':'])
        || first == "localhost"
        || first.contains(|c: char| c.is_ascii_uppercase())
}

/// Checks `host[:port]`, where host is dot-separated labels or a bracketed IPv6 address.
fn check_registry(input: &str, registry: &str) -> Result<(), ReferenceError> {
    // The port follows an IPv6 literal's ']', or else the first ':'.
    let host_end = match registry.strip_prefix('[') {
        Some(rest) => rest.find(']').map_or(registry.len(), |i| i + 2),
        None => registry.find(':').unwrap_or(registry.len()),
    };
    let (host, port) = registry.split_at(host_end);
    let valid_host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ip) => ip.parse::<Ipv6Addr>().is_ok() && !ip.contains('.'),
        None => host.split('.').all(is_domain_label),
    };
    let port = match port.strip_prefix(':') {
        _ if valid_host && port.is_empty() => return Ok(()),
        Some(port) if valid_host => port,
        _ => {
            return Err(ReferenceError::InvalidRegistry {
                input: input.into(),
                registry: registry.into(),
            });
        }
    };
    if port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|n| n > 0) {
        Ok(())
    } else {
        Err(ReferenceError::InvalidPort {
            input: input.into(),
            port: port.into(),
        })
    }
}

/// `[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?`
fn is_domain_label(label: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    label.starts_with(alnum)
        && label.ends_with(alnum)
        && label.chars().all(|c| alnum(c) || c == '-')
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
fn is_path_component(component: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    component.starts_with(alnum)
        && component.ends_with(alnum)
        && component
            .split(alnum)
            .filter(|sep| !sep.is_empty())
            .all(|sep| matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-'))
}

/// Checks `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, returning the tag.
fn check_tag<'a>(input: &str, tag: &'a str) -> Result<&'a str, ReferenceError> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if tag.len() <= TAG_MAX_LEN
        && tag.starts_with(word)
        && tag.chars().all(|c| word(c) || c == '.' || c == '-')
    {
        Ok(tag)
    } else {
        Err(ReferenceError::InvalidTag {
            input: input.to_string(),
            tag: tag.to_string(),
        })
    }
}

fn parse_digest(input: &str, digest: &str) -> Result<Digest, ReferenceError> {
    let input = input.to_string();
    Digest::from_str(digest).map_err(|source| ReferenceError::InvalidDigest { input, source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEX: &str = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    fn parse(s: &str) -> Reference {
        Reference::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    #[test]
    fn good_references_normalise_and_reparse() {
        let d = format!("sha256:{HEX}");
        let cases = [
            ("nginx", "docker.io/library/nginx:latest"),
            ("nginx:1.25", "docker.io/library/nginx:1.25"),
            ("library/nginx", "docker.io/library/nginx:latest"),
            ("docker.io/nginx", "docker.io/library/nginx:latest"),
            ("index.docker.io/nginx", "docker.io/library/nginx:latest"),
            ("user/app", "docker.io/user/app:latest"),
            ("ghcr.io/org/app:v1", "ghcr.io/org/app:v1"),
            ("localhost/app", "localhost/app:latest"),
            ("localhost:5000/app", "localhost:5000/app:latest"),
            ("127.0.0.1:5000/a/b/c:tag", "127.0.0.1:5000/a/b/c:tag"),
            ("[::1]:5000/app", "[::1]:5000/app:latest"),
            ("Example.com/app", "Example.com/app:latest"),
            ("Registry/app", "Registry/app:latest"),
            ("a.b-c.io/x__y/z--w/v.1:_T.-", "a.b-c.io/x__y/z--w/v.1:_T.-"),
            ("localhost:5000", "docker.io/library/localhost:5000"),
            (&format!("n:t@{d}"), &format!("docker.io/library/n:t@{d}")),
            (&format!("n@{d}"), &format!("docker.io/library/n@{d}")),
            ("oci:./layout", "oci:./layout"),
            ("oci:/tmp/img:v1", "oci:/tmp/img:v1"),
            ("oci:/tmp/a:b/dir", "oci:/tmp/a:b/dir"),
            (&format!("oci:dir@{d}"), &format!("oci:dir@{d}")),
        ];
        for (input, want) in cases {
            let image: ImageRef = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(image.to_string(), want, "{input}");
            assert_eq!(want.parse::<ImageRef>(), Ok(image), "{want} reparses");
        }
    }

    #[test]
    fn accessors_and_builders() {
        let r = parse("nginx");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.repository(), "library/nginx");
        assert_eq!((r.tag(), r.digest()), (Some("latest"), None));
        assert!(r.tag_was_implicit());
        assert_eq!(r.api_host(), "registry-1.docker.io");
        assert_eq!(r.repo_only(), "docker.io/library/nginx");
        assert_eq!(r.familiar(), "nginx:latest");
        // Equality ignores whether the tag was implicit.
        assert_eq!(r, parse("docker.io/library/nginx:latest"));
        assert!(!parse("nginx:latest").tag_was_implicit());

        let d: Digest = format!("sha256:{HEX}").parse().unwrap();
        let pinned = parse(&format!("ghcr.io/x/y@{d}"));
        assert_eq!((pinned.tag(), pinned.digest()), (None, Some(&d)));
        assert!(!pinned.tag_was_implicit());
        assert_eq!(pinned.api_host(), "ghcr.io");
        assert_eq!(pinned.familiar(), format!("ghcr.io/x/y@{d}"));

        let both = r.with_digest(d.clone());
        assert_eq!(both.to_string(), format!("{}:latest@{d}", r.repo_only()));
        let retagged = both.with_tag("1.25").unwrap();
        assert_eq!(retagged.to_string(), "docker.io/library/nginx:1.25");
        assert!(!retagged.tag_was_implicit());
        let err = r#"invalid reference "docker.io/library/nginx:-x": invalid tag "-x""#;
        assert_eq!(r.with_tag("-x").unwrap_err().to_string(), err);

        assert_eq!(parse("user/app:1").familiar(), "user/app:1");
        assert_eq!(parse("library/a/b").familiar(), "library/a/b:latest");
        assert_eq!(parse("docker.io/a.b/c:1").familiar(), "docker.io/a.b/c:1");
    }

    #[test]
    fn bad_references_name_the_problem() {
        let too_long = format!("example.com/{}", "a".repeat(244));
        let (long_tag, no_name) = (format!("n:{}", "t".repeat(129)), format!("@sha256:{HEX}"));
        let cases: &[(&str, &[&str])] = &[
            ("Empty", &[""]),
            ("Uppercase", &["NGINX", "user/App:1"]),
            ("NameTooLong", &[&too_long]),
            ("InvalidTag", &["n:-x", "n:", &long_tag, "oci:d:.x"]),
            ("InvalidDigest", &["n@", "n@sha256:abc", "oci:d@sha256:x"]),
            ("InvalidPathComponent", &["a//b", "n/", "-a/b", "a/b..c"]),
            ("MissingName", &[":tag", &no_name]),
            ("InvalidPort", &["h:99999/a", "h:0/a", "h:/a", "h:+80/a"]),
            ("InvalidRegistry", &["-a.io/a", "a..io/a", "a_b.io/a"]),
            ("InvalidRegistry", &["[::1/a", "[g:1]/a", "[::1]x/a"]),
            ("EmptyLayoutPath", &["oci:", &format!("oci:{no_name}")]),
        ];
        for (want, inputs) in cases {
            for input in *inputs {
                let debug = format!("{:?} ", input.parse::<ImageRef>().expect_err(input));
                assert!(debug.starts_with(&format!("{want} ")), "{input:?}: {debug}");
            }
        }
        let msg = |s: &str| Reference::parse(s).unwrap_err().to_string();
        assert_eq!(msg(""), "invalid reference: empty string");
        let upper = r#"invalid reference "NGINX": repository name must be lowercase"#;
        assert_eq!(msg("NGINX"), upper);
        assert!(msg("a//b").ends_with(r#"component """#));
        assert!(msg("host:99999/app").contains(r#"port "99999""#));
        assert!(msg(&too_long).contains("256 characters"));
        assert!(Reference::parse(&too_long[1..]).is_ok(), "255 is allowed");
    }

    fn registry() -> impl Strategy<Value = Option<String>> {
        let label = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,4}[a-zA-Z0-9])?";
        let host = prop_oneof![
            proptest::collection::vec(label, 2..4).prop_map(|labels| labels.join(".")),
            "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
            "localhost|\\[::1\\]|\\[2001:db8::7\\]|docker\\.io|index\\.docker\\.io",
        ];
        let with_port = (host, proptest::option::of(1u16..))
            .prop_map(|(h, port)| port.map_or(h.clone(), |p| format!("{h}:{p}")));
        prop_oneof![1 => Just(None), 3 => with_port.prop_map(Some)]
    }

    fn reference_string() -> impl Strategy<Value = String> {
        let component = "[a-z0-9]{1,4}((\\.|_|__|-{1,3})[a-z0-9]{1,4}){0,2}";
        let path = proptest::collection::vec(component, 1..4);
        let tag = proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}");
        let hex = proptest::option::of("[0-9a-f]{64}");
        (registry(), path, tag, hex).prop_map(|(registry, path, tag, hex)| {
            let mut s = path.join("/");
            // Without a registry, a first component with a '.' would be read as one.
            if registry.is_some() || looks_like_registry(&path[0]) {
                s = format!("{}/{s}", registry.as_deref().unwrap_or(DEFAULT_REGISTRY));
            }
            let tag = tag.map(|t| format!(":{t}")).unwrap_or_default();
            let digest = hex.map(|h| format!("@sha256:{h}")).unwrap_or_default();
            format!("{s}{tag}{digest}")
        })
    }

    fn ok<T>(r: Result<T, ReferenceError>) -> Result<T, TestCaseError> {
        r.map_err(|e| TestCaseError::fail(e.to_string()))
    }

    proptest! {
        #[test]
        fn display_round_trips(s in reference_string()) {
            let r = ok(Reference::parse(&s))?;
            let shown = r.to_string();
            let again = ok(Reference::parse(&shown))?;
            prop_assert_eq!(&again, &r);
            prop_assert_eq!(again.to_string(), shown.clone());
            prop_assert_eq!(ok(Reference::parse(&r.familiar()))?, r.clone());
            prop_assert!(r.tag().is_some() || r.digest().is_some());
            let suffix = shown.strip_prefix(&r.repo_only()).unwrap_or_default();
            let layout = format!("oci:{}{suffix}", r.repository());
            prop_assert_eq!(ok(layout.parse::<ImageRef>())?.to_string(), layout);
        }

        #[test]
        fn arbitrary_input_never_panics(s in "[ -~]{0,40}|\\PC{0,20}") {
            if let Ok(i) = s.parse::<ImageRef>() {
                prop_assert_eq!(i.to_string().parse::<ImageRef>().ok(), Some(i));
            }
        }
    }
}

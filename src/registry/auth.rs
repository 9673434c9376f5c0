//! Registry authentication: `WWW-Authenticate` challenges, bearer tokens scoped per
//! repository and cached until they expire, and basic auth.
//!
//! A bearer challenge names a token realm, and the registry chooses it: a registry that
//! lies, or a look-alike one, can name any host. So credentials go to a realm only when it is
//! the registry's own host, an auth server the registry is known to use (Docker Hub's), a
//! host the user allowed (`--allow-token-realm`), or a host on the registry's registrable
//! domain by the Public Suffix List (`registry.example.com` → `auth.example.com`, never
//! `reg.co.uk` → `evil.co.uk`). Registry services that give each customer a subdomain of
//! their own domain, not all of which are on the list (`azurecr.io`), are treated as public
//! suffixes too. Over plain HTTP only the registry's own host or an allowed one qualifies,
//! and only with `--allow-http-registry`. IP addresses match only themselves.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A parsed `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
    },
}

/// Parses the first Basic or Bearer challenge in a `WWW-Authenticate` value.
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let params = parse_params(rest);
    let realm = params.get("realm")?.clone();
    Some(Challenge::Bearer {
        realm,
        service: params.get("service").cloned(),
    })
}

/// `key="quoted, value",key2=token` → map (keys lower-cased).
fn parse_params(s: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut chars = s.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(c) if *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n)
                        }
                    }
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek() {
                if *c == ',' {
                    break;
                }
                value.push(*c);
                chars.next();
            }
        }
        out.insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    out
}

/// Registry hosts and the auth server each is known to use on another host. (Docker Hub's
/// would also pass by registrable domain; naming it keeps it working whatever the list says.)
const KNOWN_AUTH_SERVERS: &[(&str, &str)] = &[
    ("docker.io", "auth.docker.io"),
    ("index.docker.io", "auth.docker.io"),
    ("registry-1.docker.io", "auth.docker.io"),
];

/// Registry services that give each customer a subdomain of theirs and are not (all) on the
/// Public Suffix List: `myreg.azurecr.io` and `attacker.azurecr.io` belong to different
/// people, so here a customer's subdomain is the registrable domain. Their token realms are
/// on the registry's own host, which still qualifies.
const TENANT_SUFFIXES: &[&str] = &[
    "azurecr.io",
    "azurecr.cn",
    "azurecr.us",
    "jfrog.io",
    "amazonaws.com",
    "amazonaws.com.cn",
];

/// A host (and optionally a port) the user allowed to receive registry credentials as a
/// token realm: `--allow-token-realm HOST[:PORT]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedRealm {
    host: String,
    /// None: any port.
    port: Option<u16>,
}

impl std::str::FromStr for AllowedRealm {
    type Err = String;

    fn from_str(s: &str) -> Result<AllowedRealm, String> {
        let (host, port) = canonical_host(s.trim())
            .ok_or_else(|| format!("{s:?} is not a host name or HOST:PORT"))?;
        Ok(AllowedRealm { host, port })
    }
}

impl std::fmt::Display for AllowedRealm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(p) => write!(f, "{}:{p}", self.host),
            None => write!(f, "{}", self.host),
        }
    }
}

/// Why credentials were not sent to a token realm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withheld {
    /// An HTTPS realm on another site than the registry.
    OtherSite {
        realm_host: String,
        registry_host: String,
    },
    /// A plain-HTTP realm that is not the registry's own host (or an allowed one).
    PlainHttp { realm_host: String },
    /// A realm that is not an http(s) URL with a host.
    Unusable,
}

impl Withheld {
    /// The realm's host, to name in `--allow-token-realm` (None when none would help).
    pub fn realm_host(&self) -> Option<&str> {
        match self {
            Withheld::OtherSite { realm_host, .. } | Withheld::PlainHttp { realm_host } => {
                Some(realm_host)
            }
            Withheld::Unusable => None,
        }
    }
}

impl std::fmt::Display for Withheld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Withheld::OtherSite {
                realm_host,
                registry_host,
            } => write!(
                f,
                "{realm_host} is not {registry_host} itself, an auth server it is known to use, \
                 nor on its registrable domain"
            ),
            Withheld::PlainHttp { realm_host } => write!(
                f,
                "{realm_host} is reached over plain HTTP and is not the registry's own host"
            ),
            Withheld::Unusable => write!(f, "it is not an http(s) URL with a host"),
        }
    }
}

/// Whether credentials for `registry_host` (the API host, `host[:port]`) may go to the token
/// `realm`: `Ok` when they may, otherwise why not.
pub fn credentials_may_go(
    registry_host: &str,
    realm: &reqwest::Url,
    allow_http: bool,
    allowed: &[AllowedRealm],
) -> Result<(), Withheld> {
    let Some(realm_host) = realm.host_str().map(|h| h.trim_end_matches('.')) else {
        return Err(Withheld::Unusable);
    };
    let registry = canonical_host(registry_host).map(|(h, _)| h);
    let registry = registry.as_deref().unwrap_or("");
    let same_host = realm_host == registry;
    let port = realm.port_or_known_default();
    let user_allowed = allowed
        .iter()
        .any(|a| a.host == realm_host && a.port.is_none_or(|p| Some(p) == port));
    match realm.scheme() {
        "https" => {
            let known = KNOWN_AUTH_SERVERS
                .iter()
                .any(|(r, a)| *r == registry && *a == realm_host);
            let same_site =
                matches!((site(registry), site(realm_host)), (Some(a), Some(b)) if a == b);
            if same_host || user_allowed || known || same_site {
                Ok(())
            } else {
                Err(Withheld::OtherSite {
                    realm_host: realm_host.to_string(),
                    registry_host: registry.to_string(),
                })
            }
        }
        "http" if allow_http && (same_host || user_allowed) => Ok(()),
        "http" => Err(Withheld::PlainHttp {
            realm_host: realm_host.to_string(),
        }),
        _ => Err(Withheld::Unusable),
    }
}

/// `host[:port]` as URLs spell it (lower case, IDNA, canonical IP forms, IPv6 in brackets,
/// no trailing dot) and the port if one was written; None if it is not exactly that.
fn canonical_host(s: &str) -> Option<(String, Option<u16>)> {
    let url = reqwest::Url::parse(&format!("https://{s}/")).ok()?;
    let plain = url.path() == "/"
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    let host = url.host_str().filter(|_| plain)?;
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    let port_written = s.rsplit(']').next().unwrap_or(s).contains(':');
    let port = port_written.then(|| url.port_or_known_default()).flatten();
    Some((host.to_string(), port))
}

/// The registrable domain of a canonical host: by the tenant suffixes above, then the Public
/// Suffix List. None for IP addresses and for public suffixes themselves.
fn site(host: &str) -> Option<&str> {
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    for suffix in TENANT_SUFFIXES {
        if host == *suffix {
            return None;
        }
        if let Some(tenant) = host.strip_suffix(suffix).and_then(|t| t.strip_suffix('.')) {
            let start = tenant.rfind('.').map_or(0, |i| i + 1);
            return Some(&host[start..]);
        }
    }
    psl::domain_str(host)
}

/// What a request needs access to, as a token scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope(pub String);

impl Scope {
    pub fn pull(repo: &str) -> Scope {
        Scope(format!("repository:{repo}:pull"))
    }
    pub fn push(repo: &str) -> Scope {
        Scope(format!("repository:{repo}:pull,push"))
    }
    pub fn catalog() -> Scope {
        Scope("registry:catalog:*".to_string())
    }
}

/// Per-client authentication memory: which hosts challenge how, and live tokens.
#[derive(Debug, Default)]
pub struct AuthCache {
    challenges: Mutex<HashMap<String, Challenge>>,
    headers: Mutex<HashMap<(String, Scope), CachedHeader>>,
}

/// An Authorization header value and when it stops being valid (never, for basic auth).
type CachedHeader = (String, Option<Instant>);

/// Tokens are treated as expired this long before the server says, so a request never
/// leaves with a token that dies in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(10);

impl AuthCache {
    pub fn challenge(&self, host: &str) -> Option<Challenge> {
        self.challenges.lock().ok()?.get(host).cloned()
    }

    pub fn remember_challenge(&self, host: &str, c: Challenge) {
        if let Ok(mut m) = self.challenges.lock() {
            m.insert(host.to_string(), c);
        }
    }

    /// A still-valid Authorization header for this host and scope.
    pub fn header(&self, host: &str, scope: &Scope) -> Option<String> {
        let mut m = self.headers.lock().ok()?;
        let key = (host.to_string(), scope.clone());
        match m.get(&key) {
            Some((h, None)) => Some(h.clone()),
            Some((h, Some(exp))) if Instant::now() + EXPIRY_MARGIN < *exp => Some(h.clone()),
            Some(_) => {
                m.remove(&key);
                None
            }
            None => None,
        }
    }

    pub fn store(&self, host: &str, scope: &Scope, header: String, lifetime: Option<Duration>) {
        if let Ok(mut m) = self.headers.lock() {
            m.insert(
                (host.to_string(), scope.clone()),
                (header, lifetime.map(|l| Instant::now() + l)),
            );
        }
    }

    pub fn forget(&self, host: &str, scope: &Scope) {
        if let Ok(mut m) = self.headers.lock() {
            m.remove(&(host.to_string(), scope.clone()));
        }
    }
}

/// A token endpoint's answer.
#[derive(Debug, serde::Deserialize)]
pub struct TokenResponse {
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

impl TokenResponse {
    pub fn bearer(&self) -> Option<&str> {
        self.token
            .as_deref()
            .filter(|t| !t.is_empty())
            .or(self.access_token.as_deref().filter(|t| !t.is_empty()))
    }

    /// Docker's token spec: 60 seconds when the server does not say.
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(self.expires_in.unwrap_or(60).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bearer_with_quoted_commas() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.example/token",service="reg, example",scope="repository:a/b:pull""#,
        );
        assert_eq!(
            c,
            Some(Challenge::Bearer {
                realm: "https://auth.example/token".into(),
                service: Some("reg, example".into())
            })
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="Registry Realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(parse_challenge("Negotiate"), None);
        assert_eq!(parse_challenge("Bearer service=x"), None);
    }

    /// The decision for credentials of `registry` and a realm URL, with `allowed` realms.
    fn decide(
        registry: &str,
        realm: &str,
        allow_http: bool,
        allowed: &[&str],
    ) -> Result<(), Withheld> {
        let allowed: Vec<AllowedRealm> = allowed.iter().map(|a| a.parse().unwrap()).collect();
        credentials_may_go(
            registry,
            &reqwest::Url::parse(realm).unwrap(),
            allow_http,
            &allowed,
        )
    }

    #[test]
    fn credentials_go_to_the_registry_its_site_and_known_auth_servers() {
        for (registry, realm) in [
            ("registry.example.com", "https://registry.example.com/token"),
            ("registry.example.com", "https://auth.example.com/token"),
            (
                "registry.example.com:5000",
                "https://auth.example.com:8443/t",
            ),
            ("Registry.Example.COM", "https://auth.example.com./token"),
            ("registry.gitlab.com", "https://gitlab.com/jwt/auth"),
            ("reg.example.co.uk", "https://auth.example.co.uk/t"),
            ("registry-1.docker.io", "https://auth.docker.io/token"),
            ("docker.io", "https://auth.docker.io/token"),
            ("index.docker.io", "https://auth.docker.io/token"),
            ("myreg.azurecr.io", "https://myreg.azurecr.io/oauth2/token"),
            ("registry.corp.internal", "https://auth.corp.internal/t"),
            ("localhost:5000", "https://localhost:5001/token"),
            ("127.0.0.1:5000", "https://127.0.0.1:5001/token"),
            ("[::1]:5000", "https://[::1]/token"),
        ] {
            assert_eq!(
                decide(registry, realm, false, &[]),
                Ok(()),
                "{registry} → {realm}"
            );
        }
    }

    #[test]
    fn credentials_stay_off_look_alike_realms() {
        for (registry, realm) in [
            // Same public suffix, different owners.
            ("reg.co.uk", "https://evil.co.uk/token"),
            (
                "myreg.azurecr.io",
                "https://attacker.azurecr.io/oauth2/token",
            ),
            ("myreg.azurecr.io", "https://azurecr.io/token"),
            ("a.github.io", "https://b.github.io/token"),
            ("registry.example.com", "https://evil.example.org/t"),
            ("registry.example.com", "https://example.com.evil.org/t"),
            ("docker.io", "https://auth.docker.io.evil.org/token"),
            // A domain that is itself a public suffix has no site to share.
            ("co.uk", "https://evil.co.uk/t"),
            // IP addresses match only themselves, whatever their neighbours or spelling.
            ("127.0.0.1:5000", "https://127.0.0.2/t"),
            ("10.0.0.1", "https://10.0.0.2/t"),
            ("[::1]:5000", "https://[::2]/t"),
            ("127.0.0.1", "https://localhost/t"),
        ] {
            assert!(
                matches!(
                    decide(registry, realm, false, &[]),
                    Err(Withheld::OtherSite { .. })
                ),
                "{registry} → {realm}"
            );
        }
        assert_eq!(
            decide("127.0.0.1:5000", "https://127.000.000.001:9/t", false, &[]),
            Ok(()),
            "the same address however written"
        );
    }

    #[test]
    fn plain_http_realms_get_credentials_only_on_the_registry_host_when_allowed() {
        let refused = |registry, realm, allow_http, allowed: &[&str]| {
            matches!(
                decide(registry, realm, allow_http, allowed),
                Err(Withheld::PlainHttp { .. })
            )
        };
        assert!(refused(
            "localhost:5000",
            "http://localhost:5000/t",
            false,
            &[]
        ));
        assert_eq!(
            decide("localhost:5000", "http://localhost:5000/t", true, &[]),
            Ok(())
        );
        assert_eq!(
            decide("localhost:5000", "http://localhost:5001/t", true, &[]),
            Ok(())
        );
        // Same site is not enough without TLS, nor is a known auth server.
        assert!(refused(
            "registry.example.com",
            "http://auth.example.com/t",
            true,
            &[]
        ));
        assert!(refused(
            "registry-1.docker.io",
            "http://auth.docker.io/token",
            true,
            &[]
        ));
        assert!(refused(
            "127.0.0.1:5000",
            "http://127.0.0.2:5001/t",
            true,
            &[]
        ));
        assert!(refused(
            "127.0.0.1:5000",
            "http://127.0.0.2:5001/t",
            false,
            &["127.0.0.2"]
        ));
        assert_eq!(
            decide(
                "127.0.0.1:5000",
                "http://127.0.0.2:5001/t",
                true,
                &["127.0.0.2"]
            ),
            Ok(())
        );
        assert!(matches!(
            decide("localhost:5000", "ftp://localhost/t", true, &[]),
            Err(Withheld::Unusable)
        ));
    }

    #[test]
    fn allowed_realms_match_their_host_and_the_port_if_given() {
        assert_eq!(
            decide("reg.co.uk", "https://evil.co.uk/t", false, &["evil.co.uk"]),
            Ok(())
        );
        assert_eq!(
            decide(
                "reg.co.uk",
                "https://EVIL.co.uk:8443/t",
                false,
                &["evil.co.uk"]
            ),
            Ok(())
        );
        assert_eq!(
            decide(
                "reg.co.uk",
                "https://evil.co.uk/t",
                false,
                &["evil.co.uk:443"]
            ),
            Ok(())
        );
        assert!(
            decide(
                "reg.co.uk",
                "https://evil.co.uk:8443/t",
                false,
                &["evil.co.uk:443"]
            )
            .is_err()
        );
        assert!(
            decide(
                "reg.co.uk",
                "https://sub.evil.co.uk/t",
                false,
                &["evil.co.uk"]
            )
            .is_err()
        );
        assert_eq!(
            decide("[::1]:5000", "https://[::2]:7/t", false, &["[::2]"]),
            Ok(())
        );
        for bad in [
            "https://evil.co.uk",
            "evil.co.uk/token",
            "user@evil.co.uk",
            "",
            "::2",
        ] {
            assert!(bad.parse::<AllowedRealm>().is_err(), "{bad:?}");
        }
        assert_eq!(
            "Auth.Example.COM.:8443"
                .parse::<AllowedRealm>()
                .unwrap()
                .to_string(),
            "auth.example.com:8443"
        );
    }

    #[test]
    fn expired_tokens_are_not_reused() {
        let cache = AuthCache::default();
        let s = Scope::pull("a/b");
        cache.store("h", &s, "Bearer x".into(), Some(Duration::from_secs(1)));
        assert_eq!(cache.header("h", &s), None, "inside the expiry margin");
        cache.store("h", &s, "Bearer y".into(), Some(Duration::from_secs(3600)));
        assert_eq!(cache.header("h", &s).as_deref(), Some("Bearer y"));
        assert_eq!(cache.header("h", &Scope::push("a/b")), None);
    }
}

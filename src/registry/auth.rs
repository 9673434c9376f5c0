//! Registry authentication: `WWW-Authenticate` challenges, bearer tokens scoped per
//! repository and cached until they expire, and basic auth.
//!
//! Credentials are only ever sent over HTTPS (or plain HTTP the user allowed), and to a token
//! realm only when it is the registry's own host or shares its parent domain
//! (`registry-1.docker.io` → `auth.docker.io`).

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

/// True when credentials for `registry_host` may be sent to the token `realm`.
pub fn may_send_credentials(registry_host: &str, realm: &reqwest::Url, allow_http: bool) -> bool {
    let realm_host = realm.host_str().unwrap_or("");
    let reg_host = host_without_port(registry_host);
    let same_host = realm_host.eq_ignore_ascii_case(reg_host);
    match realm.scheme() {
        "https" => same_host || same_parent_domain(reg_host, realm_host),
        "http" => allow_http && same_host,
        _ => false,
    }
}

fn host_without_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

fn same_parent_domain(a: &str, b: &str) -> bool {
    fn parent(h: &str) -> Option<String> {
        let labels: Vec<&str> = h.split('.').collect();
        if labels.len() < 2 || h.parse::<std::net::IpAddr>().is_ok() {
            return None;
        }
        Some(labels[labels.len() - 2..].join(".").to_ascii_lowercase())
    }
    matches!((parent(a), parent(b)), (Some(x), Some(y)) if x == y)
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

    #[test]
    fn credentials_stay_on_the_registry_domain_and_off_plain_http() {
        let url = |s: &str| reqwest::Url::parse(s).unwrap();
        assert!(may_send_credentials(
            "registry-1.docker.io",
            &url("https://auth.docker.io/token"),
            false
        ));
        assert!(may_send_credentials(
            "localhost:5000",
            &url("https://localhost:5001/token"),
            false
        ));
        assert!(!may_send_credentials(
            "registry.example.com",
            &url("https://evil.example.org/t"),
            false
        ));
        assert!(!may_send_credentials(
            "localhost:5000",
            &url("http://localhost:5000/t"),
            false
        ));
        assert!(may_send_credentials(
            "localhost:5000",
            &url("http://localhost:5000/t"),
            true
        ));
        assert!(!may_send_credentials(
            "127.0.0.1:5000",
            &url("https://127.0.0.2/t"),
            false
        ));
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

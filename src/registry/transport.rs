//! The HTTP layer of the registry client: scheme choice, authentication, retries with
//! backoff, bounded concurrency, and reading bodies no larger than a cap.
//!
//! Everything above this module speaks in registry operations; everything here is about
//! getting one request answered safely.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderMap, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode, Url};
use tokio::sync::Semaphore;

use super::auth::{self, AuthCache, Challenge, Scope, TokenResponse};
use super::credentials::{Credential, CredentialStore};
use super::error::{RegistryError, Result};
use super::options::ClientOptions;

/// One request, re-buildable for retries.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: Method,
    pub target: Target,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<bytes::Bytes>,
}

/// Where a request goes: a path under the registry's base URL, or a URL the registry gave us
/// (upload locations, pagination links).
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Path(String),
    Absolute(Url),
}

impl Request {
    pub fn new(method: Method, path: String) -> Request {
        Request {
            method,
            target: Target::Path(path),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<bytes::Bytes>) -> Request {
        self.body = Some(body.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Https,
    /// HTTPS is being tried; if it cannot connect and plain HTTP is allowed, fall back.
    HttpsThenHttp,
    /// Plain HTTP is being tried first (a loopback host with plain HTTP allowed, as Docker
    /// treats 127.0.0.0/8); if a TLS server answers, switch to HTTPS.
    HttpThenHttps,
    Http,
}

/// True for `localhost`, 127.0.0.0/8 and ::1, with or without a port.
fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The HTTP machinery shared by every registry operation of one client.
pub(crate) struct Transport {
    plain: reqwest::Client,
    tls: std::sync::OnceLock<std::result::Result<reqwest::Client, String>>,
    ca_certs: Vec<reqwest::Certificate>,
    pub(crate) opts: ClientOptions,
    creds: CredentialStore,
    cred_cache: tokio::sync::Mutex<HashMap<String, Option<Credential>>>,
    auth: AuthCache,
    schemes: Mutex<HashMap<String, Scheme>>,
    permits: Semaphore,
}

impl Transport {
    pub fn new(opts: ClientOptions, creds: CredentialStore) -> Result<Transport> {
        // CA files are checked now, so a bad file fails before any request is made.
        let mut ca_certs = Vec::new();
        for path in &opts.ca_files {
            for der in load_ca_file(path)? {
                ca_certs.push(
                    reqwest::Certificate::from_der(&der).map_err(|e| {
                        RegistryError::Tls(format!("CA file {}: {e}", path.display()))
                    })?,
                );
            }
        }
        // Plain-HTTP hosts need no trust store; loading the system's costs milliseconds per
        // process, so this client trusts nothing and the TLS client is built on first use.
        let plain = base_builder(&opts)
            .tls_certs_only(std::iter::empty())
            .build()
            .map_err(|e| RegistryError::Tls(format!("cannot build HTTP client: {e}")))?;
        Ok(Transport {
            plain,
            tls: std::sync::OnceLock::new(),
            ca_certs,
            permits: Semaphore::new(opts.max_concurrency.max(1)),
            opts,
            creds,
            cred_cache: tokio::sync::Mutex::new(HashMap::new()),
            auth: AuthCache::default(),
            schemes: Mutex::new(HashMap::new()),
        })
    }

    /// The HTTP client for a URL: the trust-nothing client for `http:`, the TLS client
    /// (system roots plus `--registry-cacert`) for `https:`.
    fn client_for(&self, url: &Url) -> Result<&reqwest::Client> {
        if url.scheme() == "http" {
            return Ok(&self.plain);
        }
        let built = self.tls.get_or_init(|| {
            let mut b = base_builder(&self.opts);
            for c in &self.ca_certs {
                b = b.tls_certs_merge([c.clone()]);
            }
            if self.opts.allow_insecure_tls {
                b = b.tls_danger_accept_invalid_certs(true);
            }
            b.build().map_err(|e| {
                let mut detail = e.to_string();
                let mut src = std::error::Error::source(&e);
                while let Some(s) = src {
                    detail.push_str(&format!(": {s}"));
                    src = s.source();
                }
                detail
            })
        });
        built
            .as_ref()
            .map_err(|e| RegistryError::Tls(format!("cannot build HTTPS client: {e}")))
    }

    fn scheme(&self, host: &str) -> Scheme {
        let known = self.schemes.lock().ok().and_then(|m| m.get(host).copied());
        known.unwrap_or(match (self.opts.allow_http, is_loopback(host)) {
            (true, true) => Scheme::HttpThenHttps,
            (true, false) => Scheme::HttpsThenHttp,
            (false, _) => Scheme::Https,
        })
    }

    fn set_scheme(&self, host: &str, s: Scheme) {
        if let Ok(mut m) = self.schemes.lock() {
            m.insert(host.to_string(), s);
        }
    }

    /// The base URL (`https://host`) currently used for a registry host.
    pub fn base_url(&self, host: &str) -> String {
        match self.scheme(host) {
            Scheme::Http | Scheme::HttpThenHttps => format!("http://{host}"),
            Scheme::Https | Scheme::HttpsThenHttp => format!("https://{host}"),
        }
    }

    /// The URL a request to `target` on `host` goes to now, for messages.
    pub fn describe(&self, host: &str, target: &Target) -> String {
        match self.url_for(host, target) {
            Ok(u) => u.to_string(),
            Err(_) => format!("{host} {target:?}"),
        }
    }

    fn url_for(&self, host: &str, target: &Target) -> Result<Url> {
        match target {
            Target::Absolute(u) => Ok(u.clone()),
            Target::Path(p) => {
                let s = format!("{}{p}", self.base_url(host));
                Url::parse(&s).map_err(|e| RegistryError::InvalidResponse {
                    url: s.clone(),
                    what: "URL".into(),
                    detail: e.to_string(),
                })
            }
        }
    }

    async fn credential(&self, registry: &str) -> Result<Option<Credential>> {
        let mut cache = self.cred_cache.lock().await;
        if let Some(c) = cache.get(registry) {
            return Ok(c.clone());
        }
        let c = self.creds.lookup(registry).await?;
        cache.insert(registry.to_string(), c.clone());
        Ok(c)
    }

    /// Sends `req` to registry `host` (API host, e.g. `registry-1.docker.io`) on behalf of
    /// `registry` (as named in references, for credential look-up) with access `scope`.
    /// Retries 429/5xx and connection failures; answers 401 challenges once.
    pub async fn execute(
        &self,
        registry: &str,
        host: &str,
        scope: &Scope,
        req: &Request,
    ) -> Result<reqwest::Response> {
        // Knowing how a host challenges lets us fetch a token before the first request for a
        // new repository, saving the 401 round trip.
        let mut authz = self.auth.header(host, scope);
        if authz.is_none()
            && let Some(ch) = self.auth.challenge(host)
        {
            authz = self.authorize(registry, host, scope, &ch).await?;
        }
        let resp = self.send_with_retries(host, req, authz.as_deref()).await?;
        if resp.status() != StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        let url = resp.url().to_string();
        let challenge = resp
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .and_then(auth::parse_challenge)
            .ok_or_else(|| RegistryError::Denied {
                url: url.clone(),
                status: 401,
                detail: ": no usable WWW-Authenticate challenge".into(),
            })?;
        self.auth.forget(host, scope);
        self.auth.remember_challenge(host, challenge.clone());
        let Some(authz) = self.authorize(registry, host, scope, &challenge).await? else {
            return Err(RegistryError::Denied {
                url,
                status: 401,
                detail: format!(": {registry} wants credentials and none are configured"),
            });
        };
        let resp = self.send_with_retries(host, req, Some(&authz)).await?;
        if resp.status() == StatusCode::UNAUTHORIZED {
            self.auth.forget(host, scope);
            let detail = error_detail(resp).await;
            if let Challenge::Bearer { realm, .. } = &challenge
                && let Some(w) = self.withheld(registry, host, realm).await?
            {
                return Err(withheld_error(
                    registry,
                    realm,
                    w,
                    format!("the registry refused the token it got (401{detail})"),
                ));
            }
            return Err(RegistryError::Denied {
                url,
                status: 401,
                detail,
            });
        }
        Ok(resp)
    }

    /// Turns a challenge into an Authorization header (fetching a token if needed).
    async fn authorize(
        &self,
        registry: &str,
        host: &str,
        scope: &Scope,
        challenge: &Challenge,
    ) -> Result<Option<String>> {
        let cred = self.credential(registry).await?;
        let header = match challenge {
            Challenge::Basic => {
                let Some(Credential::Basic { username, password }) = cred else {
                    return Ok(None);
                };
                if self.scheme(host) == Scheme::Http && !self.opts.allow_http {
                    return Ok(None);
                }
                let enc = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                let h = format!("Basic {enc}");
                self.auth.store(host, scope, h.clone(), None);
                h
            }
            Challenge::Bearer { realm, service } => {
                let (token, lifetime) = self
                    .fetch_token(registry, host, scope, realm, service.as_deref(), cred)
                    .await?;
                let h = format!("Bearer {token}");
                self.auth.store(host, scope, h.clone(), Some(lifetime));
                h
            }
        };
        Ok(Some(header))
    }

    async fn fetch_token(
        &self,
        registry: &str,
        host: &str,
        scope: &Scope,
        realm: &str,
        service: Option<&str>,
        cred: Option<Credential>,
    ) -> Result<(String, Duration)> {
        let auth_err = |detail: String| RegistryError::Auth {
            registry: registry.to_string(),
            detail,
        };
        let mut url =
            Url::parse(realm).map_err(|e| auth_err(format!("token realm {realm:?}: {e}")))?;
        if url.scheme() == "http" && !self.opts.allow_http {
            return Err(RegistryError::PlainHttpRefused {
                url: realm.to_string(),
                registry: registry.to_string(),
            });
        }
        let withheld = self.withheld(registry, host, realm).await?;
        // Withheld credentials leave an anonymous request, which may still do (public images).
        let cred = cred.filter(|_| withheld.is_none());
        let builder = match &cred {
            Some(Credential::IdentityToken(refresh)) => {
                let mut form = vec![
                    ("grant_type", "refresh_token".to_string()),
                    ("refresh_token", refresh.clone()),
                    ("client_id", "sigil".to_string()),
                    ("scope", scope.0.clone()),
                ];
                if let Some(s) = service {
                    form.push(("service", s.to_string()));
                }
                let body = form
                    .iter()
                    .map(|(k, v)| format!("{k}={}", urlencode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                self.client_for(&url)?
                    .post(url.clone())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(body)
            }
            other => {
                {
                    let mut q = url.query_pairs_mut();
                    if let Some(s) = service {
                        q.append_pair("service", s);
                    }
                    q.append_pair("scope", &scope.0);
                }
                let b = self.client_for(&url)?.get(url.clone());
                match other {
                    Some(Credential::Basic { username, password }) => {
                        b.basic_auth(username, Some(password))
                    }
                    _ => b,
                }
            }
        };
        let _permit = self.permits.acquire().await;
        let resp = builder
            .send()
            .await
            .map_err(|e| transport_error(&url, e, &self.opts))?;
        if !resp.status().is_success() {
            let status = resp.status().as_u16();
            let detail = format!(
                "the token endpoint answered {status}{}",
                error_detail(resp).await
            );
            return Err(match withheld {
                Some(w) => withheld_error(registry, realm, w, detail),
                None => auth_err(detail),
            });
        }
        let body = read_bounded(
            resp,
            self.opts.limits.token_bytes,
            "token response",
            self.opts.request_timeout,
        )
        .await?;
        let tr: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| auth_err(format!("token response is not JSON: {e}")))?;
        let token = tr
            .bearer()
            .ok_or_else(|| auth_err("token response has no token".into()))?;
        Ok((token.to_string(), tr.lifetime()))
    }

    /// Why this registry's credentials are kept from the token `realm`; None when there are
    /// none to keep or they may go.
    async fn withheld(
        &self,
        registry: &str,
        host: &str,
        realm: &str,
    ) -> Result<Option<auth::Withheld>> {
        let Ok(url) = Url::parse(realm) else {
            return Ok(None);
        };
        if self.credential(registry).await?.is_none() {
            return Ok(None);
        }
        Ok(
            auth::credentials_may_go(host, &url, self.opts.allow_http, &self.opts.token_realms)
                .err(),
        )
    }

    async fn send_with_retries(
        &self,
        host: &str,
        req: &Request,
        authz: Option<&str>,
    ) -> Result<reqwest::Response> {
        let mut attempt: u32 = 0;
        let mut backoff = self.opts.initial_backoff;
        // How the first scheme failed, when the other one is being tried after it.
        let mut probe: Option<RegistryError> = None;
        loop {
            let url = self.url_for(host, &req.target)?;
            let same_host = url.host_str().is_some_and(|h| {
                let hp = match url.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                };
                hp == host || h == host
            });
            let mut b = self
                .client_for(&url)?
                .request(req.method.clone(), url.clone());
            for (k, v) in &req.headers {
                b = b.header(*k, v);
            }
            if let (Some(a), true) = (authz, same_host) {
                b = b.header(AUTHORIZATION, a);
            }
            if let Some(body) = &req.body {
                b = b.body(body.clone());
            }
            let result = {
                let _permit = self.permits.acquire().await;
                b.send().await
            };
            attempt += 1;
            match result {
                Err(e) => {
                    if self.scheme(host) == Scheme::HttpThenHttps
                        && matches!(req.target, Target::Path(_))
                        && !e.is_redirect()
                        && !e.is_timeout()
                    {
                        self.set_scheme(host, Scheme::Https);
                        attempt -= 1; // the plain-HTTP probe is not a retry
                        probe = Some(transport_error(&url, e, &self.opts));
                        continue;
                    }
                    if self.scheme(host) == Scheme::HttpsThenHttp
                        && matches!(req.target, Target::Path(_))
                        && !e.is_redirect()
                        && !e.is_timeout()
                    {
                        self.set_scheme(host, Scheme::Http);
                        attempt -= 1; // the HTTPS probe is not a retry
                        probe = Some(transport_error(&url, e, &self.opts));
                        continue;
                    }
                    if !e.is_redirect()
                        && (e.is_connect() || e.is_request())
                        && !e.is_timeout()
                        && !is_permanent(&e)
                        && attempt <= self.opts.max_retries
                    {
                        tokio::time::sleep(backoff).await;
                        backoff *= 2;
                        continue;
                    }
                    let then = transport_error(&url, e, &self.opts);
                    return Err(match probe {
                        Some(first) => RegistryError::BothSchemesFailed {
                            host: host.to_string(),
                            first: Box::new(first),
                            then: Box::new(then),
                        },
                        None => then,
                    });
                }
                Ok(resp) => {
                    if self.scheme(host) == Scheme::HttpsThenHttp && url.scheme() == "https" {
                        self.set_scheme(host, Scheme::Https);
                    }
                    if self.scheme(host) == Scheme::HttpThenHttps && url.scheme() == "http" {
                        // A TLS server answers plain HTTP with an HTTP/1.0 400 of its own.
                        if resp.status() == StatusCode::BAD_REQUEST
                            && resp.version() == reqwest::Version::HTTP_10
                        {
                            self.set_scheme(host, Scheme::Https);
                            attempt -= 1;
                            continue;
                        }
                        self.set_scheme(host, Scheme::Http);
                    }
                    let status = resp.status();
                    let retryable = status == StatusCode::TOO_MANY_REQUESTS
                        || matches!(status.as_u16(), 500 | 502 | 503 | 504);
                    if !retryable {
                        return Ok(resp);
                    }
                    if attempt > self.opts.max_retries {
                        return Err(RegistryError::RetriesExhausted {
                            url: url.to_string(),
                            status: status.as_u16(),
                            attempts: attempt,
                        });
                    }
                    let wait = match retry_after(resp.headers()) {
                        Some(asked) if asked > self.opts.max_retry_after => {
                            return Err(RegistryError::RetryAfterTooLong {
                                url: url.to_string(),
                                asked_secs: asked.as_secs(),
                                max_secs: self.opts.max_retry_after.as_secs(),
                            });
                        }
                        Some(asked) => asked,
                        None => backoff,
                    };
                    drop(resp);
                    tokio::time::sleep(wait).await;
                    backoff *= 2;
                }
            }
        }
    }
}

/// The error for a token request that failed after credentials were withheld from its realm.
fn withheld_error(registry: &str, realm: &str, w: auth::Withheld, detail: String) -> RegistryError {
    let hint = w
        .realm_host()
        .map(|h| {
            format!(
                ". If {h} is this registry's own auth server, allow it with --allow-token-realm {h}"
            )
        })
        .unwrap_or_default();
    RegistryError::CredentialsWithheld {
        registry: registry.to_string(),
        realm: realm.to_string(),
        reason: w.to_string(),
        detail,
        hint,
    }
}

/// Settings shared by both HTTP clients.
fn base_builder(opts: &ClientOptions) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(opts.user_agent.clone())
        .timeout(opts.request_timeout)
        .connect_timeout(opts.connect_timeout)
        .pool_max_idle_per_host(opts.max_concurrency.max(1))
        .redirect(reqwest::redirect::Policy::limited(10))
}

/// Reads a PEM CA file and checks that every block is a parseable X.509 certificate, so a
/// corrupt file is an error whatever other TLS flags say (never a silent fallback).
fn load_ca_file(path: &std::path::Path) -> Result<Vec<Vec<u8>>> {
    let text = crate::util::fs::read(path)
        .map_err(|e| RegistryError::Tls(format!("cannot read CA file {}: {e}", path.display())))?;
    let text = String::from_utf8_lossy(&text);
    let blocks = crate::sign::pem::parse_all(&text).unwrap_or_default();
    let certs: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|b| b.label == "CERTIFICATE")
        .map(|b| b.der)
        .collect();
    if certs.is_empty() {
        return Err(RegistryError::Tls(format!(
            "CA file {} holds no certificates",
            path.display()
        )));
    }
    for (i, der) in certs.iter().enumerate() {
        crate::verify::certificate::parse(der).map_err(|e| {
            RegistryError::Tls(format!(
                "CA file {}: certificate {} is not a valid X.509 certificate: {e}",
                path.display(),
                i + 1
            ))
        })?;
    }
    Ok(certs)
}

/// True for errors that retrying cannot fix (certificate problems).
fn is_permanent(e: &reqwest::Error) -> bool {
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        let text = s.to_string();
        if text.contains("certificate") || text.contains("Certificate") {
            return true;
        }
        src = s.source();
    }
    false
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Seconds, or an HTTP date, in `Retry-After`.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate_parse(v)?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// Parses the IMF-fixdate form `Sun, 06 Nov 1994 08:49:37 GMT`.
fn httpdate_parse(s: &str) -> Option<std::time::SystemTime> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: u64 = parts[1].parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])? as u64
        + 1;
    let year: i64 = parts[3].parse().ok()?;
    let hms: Vec<u64> = parts[4].split(':').filter_map(|x| x.parse().ok()).collect();
    if hms.len() != 3 {
        return None;
    }
    let days = crate::util::time::days_from_civil(year, month as u32, day as u32);
    let secs = days * 86400 + (hms[0] * 3600 + hms[1] * 60 + hms[2]) as i64;
    u64::try_from(secs)
        .ok()
        .map(|s| std::time::UNIX_EPOCH + Duration::from_secs(s))
}

pub(crate) fn transport_error(url: &Url, e: reqwest::Error, opts: &ClientOptions) -> RegistryError {
    if e.is_timeout() {
        return RegistryError::Timeout {
            url: url.to_string(),
            secs: opts.request_timeout.as_secs(),
        };
    }
    if e.is_redirect() {
        return RegistryError::Redirects {
            url: url.to_string(),
        };
    }
    let mut detail = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        src = s.source();
    }
    if url.scheme() == "https" && !opts.allow_http && detail.contains("InvalidContentType") {
        detail.push_str(" (is this a plain-HTTP registry? pass --allow-http-registry)");
    }
    RegistryError::Transport {
        url: url.to_string(),
        detail,
    }
}

/// Reads an error body (bounded) and renders the OCI error JSON's codes and messages.
pub(crate) async fn error_detail(resp: reqwest::Response) -> String {
    let Ok(body) = read_bounded(resp, 16 * 1024, "error body", Duration::ZERO).await else {
        return String::new();
    };
    #[derive(serde::Deserialize)]
    struct Errs {
        errors: Vec<Err>,
    }
    #[derive(serde::Deserialize)]
    struct Err {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    if let Ok(e) = serde_json::from_slice::<Errs>(&body) {
        let parts: Vec<String> = e
            .errors
            .iter()
            .map(|e| format!("{} {}", e.code, e.message).trim().to_string())
            .collect();
        if !parts.is_empty() {
            return format!(": {}", parts.join("; "));
        }
    }
    let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

/// Reads a body of at most `limit` bytes. A declared length over the limit is refused before
/// reading; an actual body over it is cut off at limit + 1 bytes; a body shorter or longer
/// than its declared length is an error.
pub(crate) async fn read_bounded(
    mut resp: reqwest::Response,
    limit: u64,
    what: &str,
    timeout: Duration,
) -> Result<Vec<u8>> {
    let url = resp.url().to_string();
    let declared = resp.content_length();
    if let Some(len) = declared
        && len > limit
    {
        return Err(RegistryError::DeclaredTooLarge {
            url,
            what: what.to_string(),
            declared: len,
            limit,
        });
    }
    let mut buf = Vec::with_capacity(declared.unwrap_or(0).min(limit).min(1 << 20) as usize);
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) if e.is_timeout() => {
                return Err(RegistryError::Timeout {
                    url,
                    secs: timeout.as_secs(),
                });
            }
            Err(e) => {
                let detail = match declared {
                    Some(d) => format!(
                        "body ended early or broke after {} of {d} declared bytes: {e}",
                        buf.len()
                    ),
                    None => format!("body broke after {} bytes: {e}", buf.len()),
                };
                return Err(RegistryError::Transport { url, detail });
            }
        };
        if buf.len() as u64 + chunk.len() as u64 > limit {
            return Err(RegistryError::TooLarge {
                url,
                what: what.to_string(),
                limit,
            });
        }
        buf.extend_from_slice(&chunk);
    }
    if let Some(len) = declared
        && len != buf.len() as u64
    {
        return Err(RegistryError::LengthMismatch {
            url,
            declared: len,
            actual: buf.len() as u64,
        });
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:5000",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "registry.example",
            "10.0.0.1:5000",
            "[2001:db8::1]:443",
            "localhost.example",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            RETRY_AFTER,
            "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap(),
        );
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(
            httpdate_parse("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(std::time::UNIX_EPOCH + Duration::from_secs(784111777))
        );
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}

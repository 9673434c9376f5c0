//! Registry operations (OCI distribution-spec 1.1): manifests, blobs, uploads, tags and the
//! referrers API. Every byte read is size-capped and checked against the digest it was
//! asked for; a registry that lies produces an error, never data.

use std::sync::Arc;

use reqwest::{Method, StatusCode, Url};

use super::auth::Scope;
use super::credentials::{Credential, CredentialStore, default_config_path};
use super::error::{RegistryError, Result};
use super::options::ClientOptions;
use super::transport::{Request, Target, Transport, error_detail, read_bounded};
use crate::oci::digest::Hasher;
use crate::oci::manifest::{Descriptor, ImageIndex, Manifest};
use crate::oci::{Digest, Reference, media};

/// Which manifest of a repository: by tag or by digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestSel {
    Tag(String),
    Digest(Digest),
}

impl std::fmt::Display for ManifestSel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ManifestSel::Tag(t) => write!(f, "{t}"),
            ManifestSel::Digest(d) => write!(f, "{d}"),
        }
    }
}

/// A manifest as fetched: its verified digest, bytes and parsed form.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    pub digest: Digest,
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
}

impl FetchedManifest {
    /// A descriptor pointing at this manifest.
    pub fn descriptor(&self) -> Descriptor {
        let mut d = Descriptor::for_bytes(&self.media_type, &self.bytes);
        d.artifact_type = match &self.manifest {
            Manifest::Image(m) => m.artifact_type.clone(),
            Manifest::Index(i) => i.artifact_type.clone(),
        };
        d
    }
}

/// What a manifest push returned.
#[derive(Debug, Clone)]
pub struct PushedManifest {
    pub digest: Digest,
    /// The `OCI-Subject` header: the registry indexed this manifest's subject for the
    /// referrers API, so no fallback tag is needed.
    pub subject_indexed: Option<String>,
}

/// A registry client. Cheap to share (`Arc`); holds pooled connections, cached tokens and
/// the concurrency limit for the whole process.
pub struct RegistryClient {
    t: Arc<Transport>,
    /// Per host: does it have the referrers API? Learnt once per run by the first request
    /// (concurrent requests wait for that answer rather than all asking); a registry's
    /// capabilities do not change mid-run.
    referrers_api: Arc<ReferrersApi>,
    cache: Option<super::cache::ContentCache>,
    /// Where this view of the client notes its requests (see [`RegistryClient::recording`]).
    activity: Option<Arc<Activity>>,
}

type ReferrersApi = std::sync::Mutex<std::collections::HashMap<String, Arc<ReferrersSupport>>>;

/// The registry requests one piece of work (one image) has made: how many, and the last, so
/// that work stopped by a deadline can say what it was doing.
#[derive(Debug, Default)]
pub struct Activity {
    requests: std::sync::atomic::AtomicUsize,
    last: std::sync::Mutex<String>,
}

impl Activity {
    fn record(&self, request: String) {
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut last) = self.last.lock() {
            *last = request;
        }
    }

    /// `N registry request(s), the last GET URL`; None before the first.
    pub fn describe(&self) -> Option<String> {
        let n = self.requests.load(std::sync::atomic::Ordering::Relaxed);
        let last = self.last.lock().ok()?;
        (n > 0).then(|| format!("{n} registry request(s), the last {last}"))
    }
}

/// Whether a host has the referrers API, once known, and whether some task already claimed
/// the first probe (to fetch the fallback tag alongside it).
#[derive(Default)]
struct ReferrersSupport {
    known: tokio::sync::OnceCell<bool>,
    probe_claimed: std::sync::atomic::AtomicBool,
}

/// What one referrers request learnt.
enum ReferrersAnswer {
    List(Vec<Descriptor>),
    /// 404 without an OCI error: the registry has no referrers API.
    NoApi,
    /// 404 naming the repository or manifest as unknown: says nothing about the API.
    Unknown,
}

impl RegistryClient {
    /// Builds a client; reads the Docker config when `opts.use_docker_config` is set.
    pub fn new(opts: ClientOptions) -> Result<Arc<RegistryClient>> {
        let explicit = match (&opts.username, &opts.password) {
            (Some(u), Some(p)) => Some(Credential::Basic {
                username: u.clone(),
                password: p.clone(),
            }),
            (Some(_), None) | (None, Some(_)) => {
                return Err(RegistryError::Auth {
                    registry: "(command line)".into(),
                    detail: "--registry-username and --registry-password must be given together"
                        .into(),
                });
            }
            (None, None) => None,
        };
        let path = if opts.use_docker_config {
            default_config_path()
        } else {
            None
        };
        let creds = CredentialStore::load(explicit, path.as_deref())?;
        let cache = opts
            .cache_dir
            .as_deref()
            .map(super::cache::ContentCache::new);
        Ok(Arc::new(RegistryClient {
            t: Arc::new(Transport::new(opts, creds)?),
            referrers_api: Default::default(),
            cache,
            activity: None,
        }))
    }

    /// This client (connections, tokens, the concurrency limit, what it learnt of each
    /// registry) noting every request it makes in `activity`.
    pub fn recording(&self, activity: Arc<Activity>) -> Arc<RegistryClient> {
        Arc::new(RegistryClient {
            t: self.t.clone(),
            referrers_api: self.referrers_api.clone(),
            cache: self.cache.clone(),
            activity: Some(activity),
        })
    }

    pub fn options(&self) -> &ClientOptions {
        &self.t.opts
    }

    async fn exec(&self, r: &Reference, scope: &Scope, req: &Request) -> Result<reqwest::Response> {
        if let Some(a) = &self.activity {
            a.record(format!(
                "{} {}",
                req.method,
                self.t.describe(r.api_host(), &req.target)
            ));
        }
        self.t.execute(r.registry(), r.api_host(), scope, req).await
    }

    fn v2(r: &Reference, rest: &str) -> String {
        format!("/v2/{}/{rest}", r.repository())
    }

    /// Fetches a manifest and verifies it: by digest, the bytes must hash to it; by tag, they
    /// must hash to the `Docker-Content-Digest` the registry sent, if it sent one.
    pub async fn get_manifest(&self, r: &Reference, sel: &ManifestSel) -> Result<FetchedManifest> {
        self.fetch_manifest(r, sel)
            .await?
            .ok_or_else(|| RegistryError::NotFound {
                what: format!("manifest {}/{}:{sel}", r.registry(), r.repository()),
                url: Self::v2(r, &format!("manifests/{sel}")),
            })
    }

    /// Like [`get_manifest`](Self::get_manifest), but a missing manifest is `None`.
    pub async fn fetch_manifest(
        &self,
        r: &Reference,
        sel: &ManifestSel,
    ) -> Result<Option<FetchedManifest>> {
        self.fetch_manifest_with(r, sel, true).await
    }

    /// [`RegistryClient::fetch_manifest`] asking the registry even for a digest in the
    /// content cache: the answer then also says the repository still has it.
    pub async fn fetch_manifest_fresh(
        &self,
        r: &Reference,
        sel: &ManifestSel,
    ) -> Result<Option<FetchedManifest>> {
        self.fetch_manifest_with(r, sel, false).await
    }

    async fn fetch_manifest_with(
        &self,
        r: &Reference,
        sel: &ManifestSel,
        use_cache: bool,
    ) -> Result<Option<FetchedManifest>> {
        if let (true, ManifestSel::Digest(d), Some(cache)) = (use_cache, sel, &self.cache)
            && let Some(bytes) = cache.get(d, self.t.opts.limits.manifest_bytes)
            && let Ok(manifest) = Manifest::parse(&bytes, None)
        {
            return Ok(Some(FetchedManifest {
                digest: d.clone(),
                media_type: manifest.media_type(None).to_string(),
                bytes,
                manifest,
            }));
        }
        let req = Request::new(Method::GET, Self::v2(r, &format!("manifests/{sel}")))
            .header("Accept", media::MANIFEST_ACCEPT);
        let resp = self.exec(r, &Scope::pull(r.repository()), &req).await?;
        let url = resp.url().to_string();
        if resp.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let resp = check_status(resp, "manifest").await?;
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let claimed = resp
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = read_bounded(
            resp,
            self.t.opts.limits.manifest_bytes,
            "manifest",
            self.t.opts.request_timeout,
        )
        .await?;
        let digest = match sel {
            ManifestSel::Digest(want) => {
                let actual = want.same_algorithm_of(&bytes);
                if &actual != want {
                    return Err(RegistryError::DigestMismatch {
                        url,
                        expected: want.clone(),
                        actual,
                    });
                }
                actual
            }
            ManifestSel::Tag(_) => {
                let actual = match claimed.as_deref().map(str::parse::<Digest>) {
                    Some(Ok(d)) => d.same_algorithm_of(&bytes),
                    _ => Digest::sha256_of(&bytes),
                };
                if let Some(c) = &claimed
                    && c != &actual.to_string()
                {
                    return Err(RegistryError::HeaderDigestMismatch {
                        url,
                        claimed: c.clone(),
                        actual,
                    });
                }
                actual
            }
        };
        let manifest = Manifest::parse(&bytes, content_type.as_deref()).map_err(|source| {
            RegistryError::Manifest {
                url: url.clone(),
                source,
            }
        })?;
        let media_type = manifest.media_type(content_type.as_deref()).to_string();
        if let (ManifestSel::Digest(_), Some(cache)) = (sel, &self.cache) {
            cache.put(&digest, &bytes);
        }
        Ok(Some(FetchedManifest {
            digest,
            media_type,
            bytes,
            manifest,
        }))
    }

    /// HEAD a manifest: the digest the registry claims, without the body. Only for existence
    /// checks; anything that trusts the digest must fetch and verify.
    pub async fn head_manifest(&self, r: &Reference, sel: &ManifestSel) -> Result<Option<String>> {
        let req = Request::new(Method::HEAD, Self::v2(r, &format!("manifests/{sel}")))
            .header("Accept", media::MANIFEST_ACCEPT);
        let resp = self.exec(r, &Scope::pull(r.repository()), &req).await?;
        if resp.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let resp = check_status(resp, "manifest").await?;
        Ok(resp
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string))
    }

    /// Reads a whole blob into memory (at most `limit` bytes), verifying its digest.
    pub async fn get_blob(&self, r: &Reference, digest: &Digest, limit: u64) -> Result<Vec<u8>> {
        if let Some(bytes) = self.cache.as_ref().and_then(|c| c.get(digest, limit)) {
            return Ok(bytes);
        }
        let req = Request::new(Method::GET, Self::v2(r, &format!("blobs/{digest}")));
        let resp = self.exec(r, &Scope::pull(r.repository()), &req).await?;
        let url = resp.url().to_string();
        if resp.status() == StatusCode::NOT_FOUND {
            return Err(RegistryError::NotFound {
                what: format!("blob {digest} in {}/{}", r.registry(), r.repository()),
                url,
            });
        }
        let resp = check_status(resp, "blob").await?;
        let bytes = read_bounded(resp, limit, "blob", self.t.opts.request_timeout).await?;
        let actual = digest.same_algorithm_of(&bytes);
        if &actual != digest {
            return Err(RegistryError::DigestMismatch {
                url,
                expected: digest.clone(),
                actual,
            });
        }
        if let Some(cache) = &self.cache {
            cache.put(digest, &bytes);
        }
        Ok(bytes)
    }

    /// Streams a blob into `sink`, hashing as it goes; errors if it exceeds `limit` or does not
    /// hash to `digest`. The sink sees unverified bytes: write to a temporary file and
    /// commit only on success.
    pub async fn stream_blob(
        &self,
        r: &Reference,
        digest: &Digest,
        limit: u64,
        mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Result<u64> {
        let req = Request::new(Method::GET, Self::v2(r, &format!("blobs/{digest}")));
        let resp = self.exec(r, &Scope::pull(r.repository()), &req).await?;
        let url = resp.url().to_string();
        let mut resp = check_status(resp, "blob").await?;
        if let Some(len) = resp.content_length()
            && len > limit
        {
            return Err(RegistryError::DeclaredTooLarge {
                url,
                what: "blob".into(),
                declared: len,
                limit,
            });
        }
        let mut hasher = Hasher::new(digest.algorithm());
        let mut total = 0u64;
        let timeout = self.t.opts.request_timeout;
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            if e.is_timeout() {
                RegistryError::Timeout {
                    url: url.clone(),
                    secs: timeout.as_secs(),
                }
            } else {
                RegistryError::Transport {
                    url: url.clone(),
                    detail: e.to_string(),
                }
            }
        })? {
            total += chunk.len() as u64;
            if total > limit {
                return Err(RegistryError::TooLarge {
                    url,
                    what: "blob".into(),
                    limit,
                });
            }
            hasher.update(&chunk);
            sink(&chunk).map_err(|e| RegistryError::Transport {
                url: url.clone(),
                detail: e.to_string(),
            })?;
        }
        let actual = hasher.finish();
        if &actual != digest {
            return Err(RegistryError::DigestMismatch {
                url,
                expected: digest.clone(),
                actual,
            });
        }
        Ok(total)
    }

    /// True when the repository already has the blob.
    pub async fn blob_exists(&self, r: &Reference, digest: &Digest) -> Result<bool> {
        let req = Request::new(Method::HEAD, Self::v2(r, &format!("blobs/{digest}")));
        let resp = self.exec(r, &Scope::push(r.repository()), &req).await?;
        match resp.status() {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => check_status(resp, "blob").await.map(|_| false),
        }
    }

    /// Uploads a blob unless present: monolithic up to `chunk_bytes`, chunked (PATCH) above.
    pub async fn push_blob(&self, r: &Reference, bytes: &[u8]) -> Result<Digest> {
        let digest = Digest::sha256_of(bytes);
        if self.blob_exists(r, &digest).await? {
            return Ok(digest);
        }
        let scope = Scope::push(r.repository());
        let start = Request::new(Method::POST, Self::v2(r, "blobs/uploads/"));
        let resp = self.exec(r, &scope, &start).await?;
        let resp = check_status(resp, "upload start").await?;
        let mut location = upload_location(&resp)?;
        let chunk = self.t.opts.chunk_bytes.max(1);
        if bytes.len() > chunk {
            let mut offset = 0usize;
            while offset < bytes.len() {
                let end = (offset + chunk).min(bytes.len());
                let req = Request {
                    method: Method::PATCH,
                    target: Target::Absolute(location.clone()),
                    headers: vec![
                        ("Content-Type", "application/octet-stream".into()),
                        ("Content-Range", format!("{offset}-{}", end - 1)),
                    ],
                    body: Some(bytes::Bytes::copy_from_slice(&bytes[offset..end])),
                };
                let resp = self.exec(r, &scope, &req).await?;
                let resp = check_status(resp, "upload chunk").await?;
                location = upload_location(&resp)?;
                offset = end;
            }
            let mut url = location.clone();
            url.query_pairs_mut()
                .append_pair("digest", &digest.to_string());
            let req = Request {
                method: Method::PUT,
                target: Target::Absolute(url),
                headers: vec![("Content-Length", "0".into())],
                body: Some(bytes::Bytes::new()),
            };
            let resp = self.exec(r, &scope, &req).await?;
            check_status(resp, "upload finish").await?;
        } else {
            let mut url = location;
            url.query_pairs_mut()
                .append_pair("digest", &digest.to_string());
            let req = Request {
                method: Method::PUT,
                target: Target::Absolute(url),
                headers: vec![("Content-Type", "application/octet-stream".into())],
                body: Some(bytes::Bytes::copy_from_slice(bytes)),
            };
            let resp = self.exec(r, &scope, &req).await?;
            check_status(resp, "blob upload").await?;
        }
        Ok(digest)
    }

    /// Asks the registry to mount a blob from another repository on the same registry.
    /// Returns false (and cancels nothing) when the registry would rather have an upload.
    pub async fn mount_blob(
        &self,
        r: &Reference,
        digest: &Digest,
        from_repository: &str,
    ) -> Result<bool> {
        let path = format!(
            "{}?mount={digest}&from={from_repository}",
            Self::v2(r, "blobs/uploads/")
        );
        let scope = Scope(format!(
            "repository:{}:pull,push repository:{from_repository}:pull",
            r.repository()
        ));
        let resp = self
            .exec(r, &scope, &Request::new(Method::POST, path))
            .await?;
        match resp.status() {
            StatusCode::CREATED => Ok(true),
            StatusCode::ACCEPTED => Ok(false),
            _ => check_status(resp, "blob mount").await.map(|_| false),
        }
    }

    /// Pushes manifest bytes under a tag or their digest.
    pub async fn push_manifest(
        &self,
        r: &Reference,
        reference: &ManifestSel,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<PushedManifest> {
        let digest = Digest::sha256_of(bytes);
        if let ManifestSel::Digest(d) = reference
            && d != &digest
        {
            return Err(RegistryError::DigestMismatch {
                url: format!("(manifest to push as {d})"),
                expected: d.clone(),
                actual: digest,
            });
        }
        let req = Request::new(Method::PUT, Self::v2(r, &format!("manifests/{reference}")))
            .header("Content-Type", media_type)
            .body(bytes.to_vec());
        let resp = self.exec(r, &Scope::push(r.repository()), &req).await?;
        let url = resp.url().to_string();
        let resp = check_status(resp, "manifest push").await?;
        if let Some(c) = resp
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            && c != digest.to_string()
        {
            return Err(RegistryError::HeaderDigestMismatch {
                url,
                claimed: c.to_string(),
                actual: digest,
            });
        }
        let subject_indexed = resp
            .headers()
            .get("oci-subject")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(PushedManifest {
            digest,
            subject_indexed,
        })
    }

    /// Deletes a manifest by digest (registries may refuse).
    pub async fn delete_manifest(&self, r: &Reference, digest: &Digest) -> Result<()> {
        let req = Request::new(Method::DELETE, Self::v2(r, &format!("manifests/{digest}")));
        let resp = self
            .exec(
                r,
                &Scope(format!("repository:{}:delete", r.repository())),
                &req,
            )
            .await?;
        check_status(resp, "manifest delete").await.map(|_| ())
    }

    /// All tags, following `Link` pagination (bounded, loop-checked).
    pub async fn list_tags(&self, r: &Reference) -> Result<Vec<String>> {
        #[derive(serde::Deserialize)]
        struct TagList {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let mut tags = Vec::new();
        let mut target = Target::Path(Self::v2(r, "tags/list?n=1000"));
        let mut seen = std::collections::HashSet::new();
        for _ in 0..self.t.opts.limits.pages {
            let req = Request {
                method: Method::GET,
                target: target.clone(),
                headers: vec![],
                body: None,
            };
            let resp = self.exec(r, &Scope::pull(r.repository()), &req).await?;
            let url = resp.url().clone();
            if !seen.insert(url.to_string()) {
                return Err(RegistryError::EndlessPagination {
                    url: url.to_string(),
                    pages: seen.len(),
                });
            }
            if resp.status() == StatusCode::NOT_FOUND {
                return Ok(tags);
            }
            let resp = check_status(resp, "tag list").await?;
            let next = next_link(&resp, &url);
            let body = read_bounded(
                resp,
                self.t.opts.limits.manifest_bytes,
                "tag list",
                self.t.opts.request_timeout,
            )
            .await?;
            let page: TagList =
                serde_json::from_slice(&body).map_err(|e| RegistryError::InvalidResponse {
                    url: url.to_string(),
                    what: "tag list".into(),
                    detail: e.to_string(),
                })?;
            tags.extend(page.tags.unwrap_or_default());
            match next {
                Some(n) => target = Target::Absolute(n),
                None => return Ok(tags),
            }
        }
        Err(RegistryError::EndlessPagination {
            url: Self::v2(r, "tags/list"),
            pages: self.t.opts.limits.pages,
        })
    }

    /// The referrers API. `Ok(None)` when the registry does not implement it (404), so the
    /// caller falls back to the `sha256-<hex>` tag. The registry's filter is not trusted:
    /// callers re-check every descriptor against the fetched referrer manifest.
    pub async fn referrers(
        &self,
        r: &Reference,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Option<Vec<Descriptor>>> {
        let support = self.referrers_support(r);
        let cell = &support.known;
        if let Some(&supported) = cell.get() {
            return match supported {
                true => self
                    .referrers_request(r, subject, artifact_type)
                    .await
                    .map(ReferrersAnswer::into_list),
                false => Ok(None),
            };
        }
        let mut first = None;
        let probe = cell
            .get_or_try_init(|| async {
                let answer = self.referrers_request(r, subject, artifact_type).await?;
                let supported = match &answer {
                    ReferrersAnswer::List(_) => Some(true),
                    ReferrersAnswer::NoApi => Some(false),
                    ReferrersAnswer::Unknown => None,
                };
                first = Some(answer);
                supported.ok_or(None)
            })
            .await;
        match (probe, first) {
            (_, Some(answer)) => Ok(answer.into_list()),
            (Ok(true), None) => self
                .referrers_request(r, subject, artifact_type)
                .await
                .map(ReferrersAnswer::into_list),
            (Ok(false), None) => Ok(None),
            (Err(Some(e)), None) => Err(e),
            (Err(None), None) => self
                .referrers_request(r, subject, artifact_type)
                .await
                .map(ReferrersAnswer::into_list),
        }
    }

    fn referrers_support(&self, r: &Reference) -> Arc<ReferrersSupport> {
        match self.referrers_api.lock() {
            Ok(mut m) => m.entry(r.api_host().to_string()).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }

    /// True for exactly one caller per host while it is unknown whether the host has the
    /// referrers API: that caller may fetch the fallback tag alongside its probe, saving a
    /// round trip; everyone else waits for the answer instead of guessing.
    pub fn claim_referrers_probe(&self, r: &Reference) -> bool {
        let support = self.referrers_support(r);
        support.known.get().is_none()
            && !support
                .probe_claimed
                .swap(true, std::sync::atomic::Ordering::SeqCst)
    }

    async fn referrers_request(
        &self,
        r: &Reference,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<ReferrersAnswer> {
        let limits = self.t.opts.limits;
        let mut path = Self::v2(r, &format!("referrers/{subject}"));
        if let Some(at) = artifact_type {
            path.push_str(&format!("?artifactType={}", at.replace('+', "%2B")));
        }
        let mut target = Target::Path(path);
        let mut out: Vec<Descriptor> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        // All pages together may not exceed four manifests' worth of bytes.
        let budget = limits.manifest_bytes.saturating_mul(4);
        let mut read_total = 0u64;
        for page in 0..limits.pages {
            let req = Request {
                method: Method::GET,
                target: target.clone(),
                headers: vec![("Accept", media::OCI_INDEX.into())],
                body: None,
            };
            let resp = self.exec(r, &Scope::pull(r.repository()), &req).await?;
            let url = resp.url().clone();
            if !seen.insert(url.to_string()) {
                return Err(RegistryError::EndlessPagination {
                    url: url.to_string(),
                    pages: page,
                });
            }
            if page == 0 && resp.status() == StatusCode::NOT_FOUND {
                // A registry with the API answers 200 even with no referrers; a bare 404 means
                // no API, while an OCI error naming the repository or manifest does not.
                let detail = error_detail(resp).await;
                return Ok(
                    if detail.contains("NAME_UNKNOWN") || detail.contains("MANIFEST_UNKNOWN") {
                        ReferrersAnswer::Unknown
                    } else {
                        ReferrersAnswer::NoApi
                    },
                );
            }
            let resp = check_status(resp, "referrers list").await?;
            let next = next_link(&resp, &url);
            let remaining = budget.saturating_sub(read_total).min(limits.manifest_bytes);
            let body = read_bounded(
                resp,
                remaining,
                "referrers list",
                self.t.opts.request_timeout,
            )
            .await?;
            read_total += body.len() as u64;
            let index: ImageIndex =
                crate::oci::gojson::from_slice(&body, &crate::oci::gojson::MANIFEST).map_err(
                    |e| RegistryError::InvalidResponse {
                        url: url.to_string(),
                        what: "referrers list".into(),
                        detail: e.to_string(),
                    },
                )?;
            if out.len() + index.manifests.len() > limits.referrers {
                return Err(RegistryError::TooManyReferrers {
                    subject: subject.clone(),
                    limit: limits.referrers,
                });
            }
            out.extend(index.manifests);
            match next {
                Some(n) => target = Target::Absolute(n),
                None => return Ok(ReferrersAnswer::List(out)),
            }
        }
        Err(RegistryError::EndlessPagination {
            url: Self::v2(r, &format!("referrers/{subject}")),
            pages: limits.pages,
        })
    }
}

/// Maps a non-success status to an error carrying the registry's own explanation.
async fn check_status(resp: reqwest::Response, what: &str) -> Result<reqwest::Response> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let url = resp.url().to_string();
    let detail = error_detail(resp).await;
    Err(match status {
        StatusCode::NOT_FOUND => RegistryError::NotFound {
            what: format!("{what}{detail}"),
            url,
        },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => RegistryError::Denied {
            url,
            status: status.as_u16(),
            detail,
        },
        _ => RegistryError::Status {
            url,
            status: status.as_u16(),
            detail,
        },
    })
}

fn upload_location(resp: &reqwest::Response) -> Result<Url> {
    let base = resp.url().clone();
    let loc = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| RegistryError::InvalidResponse {
            url: base.to_string(),
            what: "upload response".into(),
            detail: "no Location header".into(),
        })?;
    base.join(loc).map_err(|e| RegistryError::InvalidResponse {
        url: base.to_string(),
        what: "upload Location".into(),
        detail: e.to_string(),
    })
}

/// The `rel="next"` target of a `Link` header, resolved against the request URL and kept on
/// the same host.
fn next_link(resp: &reqwest::Response, base: &Url) -> Option<Url> {
    let link = resp.headers().get("link")?.to_str().ok()?;
    for part in link.split(',') {
        let (target, params) = part.split_once(';').unwrap_or((part, ""));
        if !params.replace(' ', "").contains("rel=\"next\"") && !params.contains("rel=next") {
            continue;
        }
        let target = target.trim().trim_start_matches('<').trim_end_matches('>');
        let url = base.join(target).ok()?;
        if url.host_str() != base.host_str()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            return None;
        }
        return Some(url);
    }
    None
}

impl ReferrersAnswer {
    /// The listing, or `None` when the API gave no list (the caller uses the fallback tag).
    fn into_list(self) -> Option<Vec<Descriptor>> {
        match self {
            ReferrersAnswer::List(l) => Some(l),
            ReferrersAnswer::NoApi | ReferrersAnswer::Unknown => None,
        }
    }
}

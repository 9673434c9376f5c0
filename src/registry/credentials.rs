//! Finding registry credentials the way Docker does: `--registry-username/--registry-password`,
//! then the auth file (`REGISTRY_AUTH_FILE`, `$DOCKER_CONFIG/config.json`,
//! `~/.docker/config.json`) with its `credHelpers`, `credsStore` and `auths` entries.
//!
//! Credential helpers are the `docker-credential-<name>` programs on PATH, spoken to with
//! their `get` protocol: the server URL on stdin, `{"Username","Secret"}` on stdout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::error::{RegistryError, Result};

/// A secret for one registry. Debug output never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    Basic {
        username: String,
        password: String,
    },
    /// An OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user).
    IdentityToken(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Basic { username, .. } => write!(f, "Basic({username}, ****)"),
            Credential::IdentityToken(_) => write!(f, "IdentityToken(****)"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigFile {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
    #[serde(default)]
    creds_store: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

/// Where credentials come from, loaded once per process.
#[derive(Debug, Default)]
pub struct CredentialStore {
    explicit: Option<Credential>,
    config: Option<(PathBuf, ConfigFileHandle)>,
}

#[derive(Debug, Default)]
struct ConfigFileHandle(ConfigFile);

/// The registry name as Docker keys it in config files and passes to helpers.
fn docker_key(registry: &str) -> &str {
    if registry == "docker.io" {
        "https://index.docker.io/v1/"
    } else {
        registry
    }
}

/// The auth file in force: `REGISTRY_AUTH_FILE`, else `$DOCKER_CONFIG/config.json`,
/// else `~/.docker/config.json`.
pub fn default_config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("REGISTRY_AUTH_FILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(d) = std::env::var_os("DOCKER_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(d).join("config.json"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker").join("config.json"))
}

impl CredentialStore {
    /// Builds the store. A config file that exists but cannot be parsed is an error, not a
    /// silent fall back to anonymous access.
    pub fn load(explicit: Option<Credential>, config_path: Option<&Path>) -> Result<Self> {
        let config = match config_path {
            Some(path) if path.exists() => {
                let text =
                    crate::util::fs::read(path).map_err(|e| RegistryError::DockerConfig {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    })?;
                let parsed: ConfigFile =
                    serde_json::from_slice(&text).map_err(|e| RegistryError::DockerConfig {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    })?;
                Some((path.to_path_buf(), ConfigFileHandle(parsed)))
            }
            _ => None,
        };
        Ok(CredentialStore { explicit, config })
    }

    /// The credential for `registry` (as in a reference: `docker.io`, `localhost:5000`).
    pub async fn lookup(&self, registry: &str) -> Result<Option<Credential>> {
        if let Some(c) = &self.explicit {
            return Ok(Some(c.clone()));
        }
        let Some((path, ConfigFileHandle(cfg))) = &self.config else {
            return Ok(None);
        };
        let key = docker_key(registry);
        if let Some(helper) = cfg
            .cred_helpers
            .get(registry)
            .or_else(|| cfg.cred_helpers.get(key))
        {
            return run_helper(helper, registry, key).await;
        }
        if let Some(helper) = cfg.creds_store.as_deref().filter(|h| !h.is_empty())
            && let Some(c) = run_helper(helper, registry, key).await?
        {
            return Ok(Some(c));
        }
        let entry = cfg
            .auths
            .iter()
            .find(|(k, _)| auth_key_matches(k, registry))
            .map(|(_, v)| v);
        match entry {
            Some(e) => decode_entry(e).map_err(|detail| RegistryError::DockerConfig {
                path: path.display().to_string(),
                detail: format!("auths entry for {registry}: {detail}"),
            }),
            None => Ok(None),
        }
    }
}

/// Does an `auths` key (`host`, `https://host/v1/`, `http://host`) name this registry?
fn auth_key_matches(key: &str, registry: &str) -> bool {
    let stripped = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = stripped.split('/').next().unwrap_or("");
    if registry == "docker.io" {
        matches!(
            host,
            "docker.io" | "index.docker.io" | "registry-1.docker.io"
        )
    } else {
        host == registry
    }
}

fn decode_entry(e: &AuthEntry) -> std::result::Result<Option<Credential>, String> {
    if let Some(tok) = e.identitytoken.as_deref().filter(|t| !t.is_empty()) {
        return Ok(Some(Credential::IdentityToken(tok.to_string())));
    }
    if let Some(auth) = e.auth.as_deref().filter(|a| !a.is_empty()) {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .map_err(|_| "`auth` is not base64".to_string())?;
        let text = String::from_utf8(raw).map_err(|_| "`auth` is not UTF-8".to_string())?;
        let (u, p) = text
            .split_once(':')
            .ok_or_else(|| "`auth` is not base64 of user:password".to_string())?;
        return Ok(Some(Credential::Basic {
            username: u.to_string(),
            password: p.to_string(),
        }));
    }
    match (&e.username, &e.password) {
        (Some(u), Some(p)) if !u.is_empty() => Ok(Some(Credential::Basic {
            username: u.clone(),
            password: p.clone(),
        })),
        _ => Ok(None),
    }
}

#[derive(Deserialize)]
struct HelperReply {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

const HELPER_TIMEOUT: Duration = Duration::from_secs(30);
const HELPER_MAX_OUTPUT: u64 = 64 * 1024;

/// Runs `docker-credential-<helper> get`. "Not found" answers mean no credential.
async fn run_helper(helper: &str, registry: &str, key: &str) -> Result<Option<Credential>> {
    let program = format!("docker-credential-{helper}");
    let fail = |detail: String| RegistryError::CredentialHelper {
        helper: helper.to_string(),
        registry: registry.to_string(),
        detail,
    };
    let mut child = tokio::process::Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| fail(format!("cannot run {program}: {e}")))?;
    let mut stdin = child.stdin.take().ok_or_else(|| fail("no stdin".into()))?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| fail("no stdout".into()))?;
    let mut stderr = child
        .stderr
        .take()
        .ok_or_else(|| fail("no stderr".into()))?;
    let io = async {
        stdin.write_all(key.as_bytes()).await?;
        drop(stdin);
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut out_reader = (&mut stdout).take(HELPER_MAX_OUTPUT);
        let mut err_reader = (&mut stderr).take(HELPER_MAX_OUTPUT);
        let (a, b) = tokio::join!(
            out_reader.read_to_end(&mut out),
            err_reader.read_to_end(&mut err)
        );
        a?;
        b?;
        let status = child.wait().await?;
        Ok::<_, std::io::Error>((status, out, err))
    };
    let (status, out, err) = tokio::time::timeout(HELPER_TIMEOUT, io)
        .await
        .map_err(|_| fail(format!("no answer within {}s", HELPER_TIMEOUT.as_secs())))?
        .map_err(|e| fail(e.to_string()))?;
    if !status.success() {
        // The credential-helper protocol's only "no credential" answer; anything else,
        // including a silent failure, is an error rather than anonymous access.
        let msg = String::from_utf8_lossy(&out);
        if msg.trim().to_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        let said = [msg.trim(), String::from_utf8_lossy(&err).trim()]
            .into_iter()
            .find(|s| !s.is_empty())
            .map(|s| {
                s.lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(200)
                    .collect::<String>()
            })
            .unwrap_or_else(|| "no output".into());
        return Err(fail(format!("exited with {status}: {said}")));
    }
    let reply: HelperReply =
        serde_json::from_slice(&out).map_err(|e| fail(format!("unreadable answer: {e}")))?;
    if reply.secret.is_empty() {
        return Ok(None);
    }
    if reply.username == "<token>" {
        return Ok(Some(Credential::IdentityToken(reply.secret)));
    }
    Ok(Some(Credential::Basic {
        username: reply.username,
        password: reply.secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(json: &str) -> (tempfile::TempDir, CredentialStore) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, json).unwrap();
        let store = CredentialStore::load(None, Some(&path)).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn reads_auths_in_every_key_form() {
        let (_d, s) = store_with(
            r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"},
                         "localhost:5000":{"username":"a","password":"b"},
                         "http://reg.example:8443/v2/":{"identitytoken":"tok"}}}"#,
        );
        let basic = |u: &str, p: &str| Credential::Basic {
            username: u.into(),
            password: p.into(),
        };
        assert_eq!(s.lookup("docker.io").await.unwrap(), Some(basic("u", "p")));
        assert_eq!(
            s.lookup("localhost:5000").await.unwrap(),
            Some(basic("a", "b"))
        );
        assert_eq!(
            s.lookup("reg.example:8443").await.unwrap(),
            Some(Credential::IdentityToken("tok".into()))
        );
        assert_eq!(s.lookup("ghcr.io").await.unwrap(), None);
    }

    #[test]
    fn malformed_config_is_an_error_not_anonymous() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(CredentialStore::load(None, Some(&path)).is_err());
    }

    #[tokio::test]
    async fn a_missing_helper_is_a_clear_error() {
        let (_d, s) = store_with(r#"{"credHelpers":{"r.example":"sigil-test-no-such-helper"}}"#);
        let err = s.lookup("r.example").await.unwrap_err().to_string();
        assert!(
            err.contains("docker-credential-sigil-test-no-such-helper"),
            "{err}"
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credential::Basic {
            username: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}

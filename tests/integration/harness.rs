//! Test harness: finds the peer tools (installed by `scripts/install-test-deps.sh`), starts
//! real registries on free loopback ports and always stops them, and runs the built `sigil`
//! binary and the peers with isolated configuration.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Where the project's install script puts the peers.
fn deps_bin_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("SIGIL_TEST_DEPS") {
        dirs.push(PathBuf::from(d).join("root/usr/bin"));
    }
    if let Some(h) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(h).join(".cache/sigil-test-deps/root/usr/bin"));
    }
    dirs
}

/// The path of a peer tool. Panics with the fix when it is missing: these tests are the
/// interop proof and must not pass by skipping.
pub fn peer(name: &str) -> PathBuf {
    let mut candidates = deps_bin_dirs();
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    candidates.push(PathBuf::from("/usr/bin"));
    for d in candidates {
        let p = d.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("peer tool `{name}` not found; run scripts/install-test-deps.sh (or scripts/test.sh)");
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

/// The repository root (for testdata/).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// distribution 2.8: no referrers API.
    Distribution,
    /// go-containerregistry with the referrers API.
    Refreg,
}

/// A running registry; stopped when dropped.
pub struct Registry {
    child: Child,
    pub host: String,
    #[allow(dead_code)]
    pub kind: Kind,
    pub tls: bool,
    _dir: tempfile::TempDir,
}

impl Registry {
    pub fn start(kind: Kind) -> Registry {
        Self::start_with(kind, false)
    }

    /// docker-registry with htpasswd auth over TLS (certificate from testdata/tls).
    pub fn start_tls_auth() -> Registry {
        Self::start_with(Kind::Distribution, true)
    }

    fn start_with(kind: Kind, tls_auth: bool) -> Registry {
        for _attempt in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_port();
            let host = format!("127.0.0.1:{port}");
            let mut cmd = match kind {
                Kind::Distribution => {
                    let mut cfg = format!(
                        "version: 0.1\nlog: {{level: error, accesslog: {{disabled: true}}}}\n\
                         storage: {{filesystem: {{rootdirectory: {}}}, delete: {{enabled: true}}}}\n\
                         http:\n  addr: {host}\n",
                        dir.path().join("data").display()
                    );
                    if tls_auth {
                        let t = root().join("testdata/tls");
                        cfg.push_str(&format!(
                            "  tls: {{certificate: {}, key: {}}}\nauth:\n  htpasswd: {{realm: sigil-test, path: {}}}\n",
                            t.join("server.pem").display(),
                            t.join("server-key.pem").display(),
                            root().join("testdata/auth/htpasswd").display()
                        ));
                    }
                    let cfg_path = dir.path().join("config.yml");
                    std::fs::write(&cfg_path, cfg).unwrap();
                    let mut c = Command::new(peer("docker-registry"));
                    c.arg("serve").arg(cfg_path);
                    c
                }
                Kind::Refreg => {
                    let mut c = Command::new(peer("refreg"));
                    c.arg("--address").arg(&host);
                    c
                }
            };
            let child = cmd
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("cannot start registry");
            let mut reg = Registry {
                child,
                host,
                kind,
                tls: tls_auth,
                _dir: dir,
            };
            if reg.wait_ready() {
                return reg;
            }
            let _ = reg.child.kill();
        }
        panic!("registry {kind:?} did not start");
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if TcpStream::connect(&self.host).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// `host/repo`.
    pub fn repo(&self, repo: &str) -> String {
        format!("{}/{repo}", self.host)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A finished command.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    fn from(out: Output, elapsed: Duration) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed,
        }
    }

    /// Asserts exit code 0 and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "command failed:\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Asserts that standard output contains `needle`.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Run {
        has("stdout", &self.stdout, needle);
        self
    }

    /// Asserts that standard error contains `needle`.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Run {
        has("stderr", &self.stderr, needle);
        self
    }

    /// Asserts a given exit code.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code:\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

#[track_caller]
fn has(stream: &str, text: &str, needle: &str) {
    assert!(text.contains(needle), "{stream} lacks {needle:?}:\n{text}");
}

/// An isolated environment: its own HOME and DOCKER_CONFIG, so no real credentials leak in.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let docker = dir.path().join("docker");
        std::fs::create_dir_all(&docker).unwrap();
        let vars = vec![
            ("HOME".to_string(), dir.path().display().to_string()),
            ("DOCKER_CONFIG".to_string(), docker.display().to_string()),
            ("NO_COLOR".to_string(), "1".to_string()),
            ("COSIGN_PASSWORD".to_string(), "test-password".to_string()),
        ];
        Env { dir, vars }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `name` in the environment's directory; returns the full path.
    pub fn write(&self, name: &str, text: &str) -> String {
        let p = self.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    pub fn set(&mut self, k: &str, v: &str) {
        self.vars.retain(|(key, _)| key != k);
        self.vars.push((k.to_string(), v.to_string()));
    }

    fn command(&self, program: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.args(args)
            .current_dir(self.dir.path())
            .env_remove("REGISTRY_AUTH_FILE")
            .env_remove("SIGIL_REGISTRY_USERNAME")
            .env_remove("SIGIL_REGISTRY_PASSWORD")
            .stdin(Stdio::null());
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// Runs the built sigil binary.
    pub fn sigil(&self, args: &[&str]) -> Run {
        self.run(Path::new(env!("CARGO_BIN_EXE_sigil")), args)
    }

    /// Runs a peer tool by name.
    pub fn peer(&self, name: &str, args: &[&str]) -> Run {
        self.run(&peer(name), args)
    }

    /// Runs the built sigil binary under GNU time and returns, with its result, its peak
    /// resident memory in bytes. Measured by a small parent that forks it (GNU time), because
    /// a process spawned straight from this one starts its count from this test process's own
    /// high-water mark.
    pub fn sigil_peak_memory(&self, args: &[&str]) -> (Run, u64) {
        let out = tempfile::NamedTempFile::new().unwrap();
        let mut all = vec![
            "-f".to_string(),
            "%M".to_string(),
            "-o".to_string(),
            out.path().display().to_string(),
            env!("CARGO_BIN_EXE_sigil").to_string(),
        ];
        all.extend(args.iter().map(|a| a.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let run = self.run(&peer("time"), &all);
        let report = std::fs::read_to_string(out.path()).unwrap();
        // GNU time writes "Command exited with non-zero status N" first when it did.
        let kib: u64 = report
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or_else(|| panic!("no peak memory from GNU time: {report:?}"));
        (run, kib * 1024)
    }

    pub fn run(&self, program: &Path, args: &[&str]) -> Run {
        let start = Instant::now();
        let out = self
            .command(program, args)
            .output()
            .expect("cannot run command");
        Run::from(out, start.elapsed())
    }
}

/// Pushes a small single-layer image with crane and returns its digest. `oci` selects OCI
/// media types; otherwise crane writes Docker v2 schema 2.
pub fn push_image(env: &Env, reference: &str, content: &str, oci: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file.txt");
    std::fs::write(&file, content).unwrap();
    let tar = dir.path().join("layer.tar");
    let status = Command::new("tar")
        .arg("-cf")
        .arg(&tar)
        .arg("-C")
        .arg(dir.path())
        .arg("file.txt")
        .status()
        .unwrap();
    assert!(status.success());
    let tar = tar.display().to_string();
    let mut args = vec!["append", "-f", &tar, "-t", reference, "--insecure"];
    if oci {
        args.push("--oci-empty-base");
    }
    let out = env.peer("crane", &args);
    out.ok();
    crane_digest(env, reference)
}

pub fn crane_digest(env: &Env, reference: &str) -> String {
    env.peer("crane", &["digest", "--insecure", reference])
        .ok()
        .trim()
        .to_string()
}

/// Writes a cosign key pair (password from the Env) into `dir`; returns (key, pub).
pub fn cosign_keys(env: &Env, dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let mut c = env.command(&peer("cosign"), &["generate-key-pair"]);
    c.current_dir(dir);
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir.join("cosign.key"), dir.join("cosign.pub"))
}

/// cosign flags for signing with a key against a plain-HTTP loopback registry, offline.
pub const COSIGN_OFFLINE: &[&str] = &[
    "--tlog-upload=false",
    "--use-signing-config=false",
    "--allow-http-registry",
    "-y",
];

/// Copies a directory tree (e.g. the fixture layout into a test's own directory).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Runs `f` with sigil's library opened on `image` (a registry reference, plain HTTP
/// allowed, no Docker config; or an `oci:` layout): for tests that write what the CLI
/// never would, such as forged or hand-made manifests.
pub fn with_repo<T>(image: &str, f: impl AsyncFnOnce(sigil::store::Repository) -> T) -> T {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = sigil::registry::RegistryClient::new(sigil::registry::ClientOptions {
            allow_http: true,
            use_docker_config: false,
            ..Default::default()
        })
        .unwrap();
        let image: sigil::oci::ImageRef = image.parse().unwrap();
        let repo = sigil::store::Repository::open(&image, &client).unwrap();
        f(repo).await
    })
}

/// Pushes manifest bytes under a tag of `repo_ref` (`host/repo:tag`).
pub fn push_tagged_manifest(tag_ref: &str, body: &[u8], media_type: &str) {
    let (repo_part, tag) = tag_ref.rsplit_once(':').unwrap();
    let tag = tag.to_string();
    with_repo(&format!("{repo_part}:latest"), async |repo| {
        repo.push_manifest(body, media_type, &sigil::registry::ManifestSel::Tag(tag))
            .await
            .unwrap();
    });
}

/// A registry, an isolated environment and a cosign key pair in it (password from the Env):
/// the usual start of a signing or attestation test.
pub struct Setup {
    pub reg: Registry,
    pub env: Env,
    pub key: String,
    pub public: String,
}

/// Starts a registry of `kind` with a fresh environment and key pair.
pub fn setup(kind: Kind) -> Setup {
    let reg = Registry::start(kind);
    let env = Env::new();
    let (key, public) = cosign_keys(&env, &env.path().join("keys"));
    Setup {
        reg,
        env,
        key: key.display().to_string(),
        public: public.display().to_string(),
    }
}

impl Setup {
    /// Pushes a small image as `repo:v1`; returns `host/repo@digest`.
    pub fn image(&self, repo: &str, content: &str) -> String {
        let d = push_image(
            &self.env,
            &self.reg.repo(&format!("{repo}:v1")),
            content,
            false,
        );
        format!("{}@{d}", self.reg.repo(repo))
    }

    /// Runs sigil with plain HTTP allowed (the test registries are plain-HTTP loopback).
    pub fn sigil(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.push("--allow-http-registry");
        self.env.sigil(&all)
    }
}

/// Replaces the manifest at `tag_ref` (`host/repo:tag`) with one of a single layer holding
/// `blob` as `media_type` with one annotation: how the tests hand-make `.sig` and `.att`
/// manifests, forged ones included.
pub fn push_single_layer(tag_ref: &str, blob: &[u8], media_type: &str, annotation: (&str, &str)) {
    let (repo_part, _) = tag_ref.rsplit_once(':').unwrap();
    with_repo(&format!("{repo_part}:latest"), async |repo| {
        repo.push_blob(blob).await.unwrap();
        repo.push_blob(b"{}").await.unwrap();
    });
    let mut layer = sigil::oci::Descriptor::for_bytes(media_type, blob);
    layer.annotations = Some([(annotation.0.to_string(), annotation.1.to_string())].into());
    let m = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": sigil::oci::Descriptor::for_bytes("application/vnd.oci.image.config.v1+json", b"{}"),
        "layers": [layer]
    });
    push_tagged_manifest(
        tag_ref,
        &serde_json::to_vec(&m).unwrap(),
        "application/vnd.oci.image.manifest.v1+json",
    );
}

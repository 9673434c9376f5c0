//! Authentication and TLS against the real docker-registry with htpasswd auth over TLS
//! (certificate from testdata/tls, signed by the test CA): credentials from flags, from the
//! environment, from the Docker config (crane's login, hand-written `auths`, REGISTRY_AUTH_FILE)
//! and from credential helpers; CA handling; and the failures, which must be exit code 2 with
//! a message that says what is wrong and never shows a secret.

use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::harness::{Env, Registry, Run, push_image, root};
use crate::liar::{Liar, Reply};

const USER: &str = "sigil-test";
const PASSWORD: &str = "sigil-test-password";
/// A wrong password distinctive enough that finding it in output cannot be a coincidence.
const WRONG_PASSWORD: &str = "wr0ng-pw-Zq7xK2vT9";

/// The test CA that signed the registry's certificate.
fn ca() -> String {
    root().join("testdata/tls/ca.pem").display().to_string()
}

fn basic(user: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// Runs crane trusting the test CA (crane is Go: `SSL_CERT_FILE`). The variable is removed
/// again so that sigil, run later in the same Env, only trusts what its flags say.
fn crane(env: &mut Env, args: &[&str]) -> Run {
    env.set("SSL_CERT_FILE", &ca());
    let run = env.peer("crane", args);
    env.vars.retain(|(k, _)| k != "SSL_CERT_FILE");
    run
}

/// An authenticated TLS registry, holding one image or none.
struct Authed {
    reg: Registry,
    /// `127.0.0.1:PORT/app:v1`
    image: String,
    /// crane's digest of the image (empty when nothing was pushed).
    digest: String,
}

impl Authed {
    /// The registry with `app:v1` pushed by crane (authenticated through crane's login).
    fn start() -> Authed {
        let mut a = Authed::empty();
        let mut pusher = Env::new();
        crane(
            &mut pusher,
            &["auth", "login", a.host(), "-u", USER, "-p", PASSWORD],
        )
        .ok();
        pusher.set("SSL_CERT_FILE", &ca());
        a.digest = push_image(&pusher, &a.image, "authenticated layer\n", false);
        assert!(
            a.digest.starts_with("sha256:") && a.digest.len() == 71,
            "{}",
            a.digest
        );
        a
    }

    /// The registry with nothing in it: enough for failures that happen before a manifest is
    /// looked up (TLS, 401), and much faster, since every authenticated request costs the
    /// registry a bcrypt check.
    fn empty() -> Authed {
        let reg = Registry::start_tls_auth();
        assert!(reg.tls);
        let image = reg.repo("app:v1");
        Authed {
            reg,
            image,
            digest: String::new(),
        }
    }

    fn host(&self) -> &str {
        &self.reg.host
    }

    /// `sigil digest --registry-cacert CA <extra..> IMAGE`
    fn digest_with_ca(&self, env: &Env, extra: &[&str]) -> Run {
        let ca = ca();
        let mut args = vec!["digest", "--registry-cacert", &ca];
        args.extend_from_slice(extra);
        args.push(&self.image);
        env.sigil(&args)
    }

    /// Asserts that sigil printed exactly crane's digest.
    #[track_caller]
    fn assert_digest(&self, run: &Run) {
        assert_eq!(run.ok().trim(), self.digest, "stderr: {}", run.stderr);
    }
}

/// Writes `$DOCKER_CONFIG/config.json` of `env`.
fn write_docker_config(env: &Env, json: &str) {
    std::fs::write(env.path().join("docker/config.json"), json).unwrap();
}

/// Asserts exit code 2 and returns stderr, lower-cased.
#[track_caller]
fn fails(run: &Run) -> String {
    run.code(2);
    assert!(
        run.stdout.trim().is_empty(),
        "nothing on stdout on failure: {}",
        run.stdout
    );
    assert!(!run.stderr.trim().is_empty(), "a failure must say why");
    run.stderr.to_lowercase()
}

/// Asserts that neither a password nor its basic-auth encoding appears in sigil's output.
#[track_caller]
fn assert_secret_not_shown(run: &Run, user: &str, password: &str) {
    let encoded = basic(user, password);
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains(password),
            "{stream} shows the password: {text}"
        );
        assert!(
            !text.contains(&encoded),
            "{stream} shows the basic-auth header: {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Credentials that work.

#[test]
fn flags_authenticate_over_tls_with_the_test_ca() {
    let a = Authed::start();
    let env = Env::new();
    let run = a.digest_with_ca(
        &env,
        &["--registry-username", USER, "--registry-password", PASSWORD],
    );
    a.assert_digest(&run);
    assert_secret_not_shown(&run, USER, PASSWORD);
}

#[test]
fn environment_variables_authenticate() {
    let a = Authed::start();
    let mut env = Env::new();
    env.set("SIGIL_REGISTRY_USERNAME", USER);
    env.set("SIGIL_REGISTRY_PASSWORD", PASSWORD);
    a.assert_digest(&a.digest_with_ca(&env, &[]));
}

#[test]
fn docker_config_written_by_crane_login_authenticates() {
    let a = Authed::start();
    let mut env = Env::new();
    crane(
        &mut env,
        &["auth", "login", a.host(), "-u", USER, "-p", PASSWORD],
    )
    .ok();
    let cfg = std::fs::read_to_string(env.path().join("docker/config.json")).unwrap();
    let cfg: serde_json::Value = serde_json::from_str(&cfg).unwrap();
    assert!(
        cfg["auths"][a.host()].is_object(),
        "crane login wrote no auths entry: {cfg}"
    );
    a.assert_digest(&a.digest_with_ca(&env, &[]));
}

#[test]
fn hand_written_auths_entries_authenticate() {
    let a = Authed::start();
    let env = Env::new();
    // `auth` (base64 of user:password), keyed by URL as older docker logins write it.
    write_docker_config(
        &env,
        &serde_json::json!({"auths": {format!("https://{}", a.host()): {"auth": basic(USER, PASSWORD)}}})
            .to_string(),
    );
    a.assert_digest(&a.digest_with_ca(&env, &[]));
    // username + password, keyed by the bare host.
    write_docker_config(
        &env,
        &serde_json::json!({"auths": {a.host(): {"username": USER, "password": PASSWORD}}})
            .to_string(),
    );
    a.assert_digest(&a.digest_with_ca(&env, &[]));
    // An entry for another registry is not used for this one.
    write_docker_config(
        &env,
        &serde_json::json!({"auths": {"127.0.0.1:1": {"auth": basic(USER, PASSWORD)}}}).to_string(),
    );
    assert!(fails(&a.digest_with_ca(&env, &[])).contains("wants credentials"));
}

#[test]
fn registry_auth_file_takes_precedence_over_docker_config() {
    let a = Authed::start();
    let mut env = Env::new();
    // DOCKER_CONFIG holds a wrong password: using it fails...
    write_docker_config(
        &env,
        &serde_json::json!({"auths": {a.host(): {"auth": basic(USER, WRONG_PASSWORD)}}})
            .to_string(),
    );
    let run = a.digest_with_ca(&env, &[]);
    assert!(fails(&run).contains("401"), "{}", run.stderr);
    // ...so success proves REGISTRY_AUTH_FILE was read instead.
    let other = env.path().join("other-auth.json");
    std::fs::write(
        &other,
        serde_json::json!({"auths": {a.host(): {"auth": basic(USER, PASSWORD)}}}).to_string(),
    )
    .unwrap();
    env.set("REGISTRY_AUTH_FILE", &other.display().to_string());
    a.assert_digest(&a.digest_with_ca(&env, &[]));
}

#[test]
fn allow_insecure_registry_replaces_the_ca() {
    let a = Authed::start();
    let env = Env::new();
    let run = env.sigil(&[
        "digest",
        "--allow-insecure-registry",
        "--registry-username",
        USER,
        "--registry-password",
        PASSWORD,
        &a.image,
    ]);
    a.assert_digest(&run);
}

// ---------------------------------------------------------------------------------------
// Credentials that are missing or wrong.

#[test]
fn no_credentials_is_exit_2_saying_credentials_are_wanted() {
    let a = Authed::empty();
    let env = Env::new();
    let err = fails(&a.digest_with_ca(&env, &[]));
    assert!(err.contains("wants credentials"), "{err}");
    assert!(
        err.contains(a.host()),
        "the message names the registry: {err}"
    );
}

#[test]
fn wrong_password_is_denied_and_never_printed() {
    let a = Authed::empty();
    let env = Env::new();
    // From the flags.
    let run = a.digest_with_ca(
        &env,
        &[
            "--registry-username",
            USER,
            "--registry-password",
            WRONG_PASSWORD,
        ],
    );
    let err = fails(&run);
    assert!(err.contains("denied") && err.contains("401"), "{err}");
    assert_secret_not_shown(&run, USER, WRONG_PASSWORD);
    // From the Docker config.
    write_docker_config(
        &env,
        &serde_json::json!({"auths": {a.host(): {"auth": basic(USER, WRONG_PASSWORD)}}})
            .to_string(),
    );
    let run = a.digest_with_ca(&env, &[]);
    let err = fails(&run);
    assert!(err.contains("denied") && err.contains("401"), "{err}");
    assert_secret_not_shown(&run, USER, WRONG_PASSWORD);
}

#[test]
fn the_password_is_not_shown_in_help_even_when_set_in_the_environment() {
    let mut env = Env::new();
    env.set("SIGIL_REGISTRY_PASSWORD", WRONG_PASSWORD);
    let run = env.sigil(&["digest", "--help"]);
    assert!(run.ok().contains("--registry-password"), "{}", run.stdout);
    assert_secret_not_shown(&run, USER, WRONG_PASSWORD);
}

#[test]
fn username_and_password_flags_must_come_together() {
    let env = Env::new();
    for args in [
        ["digest", "--registry-username", USER, "127.0.0.1:1/app:v1"],
        [
            "digest",
            "--registry-password",
            PASSWORD,
            "127.0.0.1:1/app:v1",
        ],
    ] {
        let run = env.sigil(&args);
        let err = fails(&run);
        assert!(
            err.contains("--registry-username")
                && err.contains("--registry-password")
                && err.contains("together"),
            "{err}"
        );
        assert_secret_not_shown(&run, USER, PASSWORD);
    }
}

// ---------------------------------------------------------------------------------------
// TLS.

#[test]
fn without_the_ca_the_certificate_is_refused() {
    let a = Authed::empty();
    let env = Env::new();
    let run = env.sigil(&[
        "digest",
        "--registry-username",
        USER,
        "--registry-password",
        PASSWORD,
        &a.image,
    ]);
    let err = fails(&run);
    assert!(
        err.contains("certificate"),
        "a TLS certificate error: {err}"
    );
    assert!(
        !err.contains("wants credentials") && !err.contains("401"),
        "{err}"
    );
    assert_secret_not_shown(&run, USER, PASSWORD);
}

/// Files that are not PEM certificates, each with a registry where a silent fallback (to the
/// system roots, or to skipping verification) would succeed: sigil must stop instead.
#[test]
fn a_ca_file_that_is_not_pem_certificates_is_a_clear_error() {
    let a = Authed::start();
    let env = Env::new();
    let dir = env.path().join("cas");
    std::fs::create_dir_all(&dir).unwrap();
    let pem = std::fs::read_to_string(ca()).unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>(),
        )
        .unwrap();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("garbage.pem", b"this is not a certificate\n".to_vec()),
        ("empty.pem", Vec::new()),
        ("ca.der", der),
        (
            "key-only.pem",
            std::fs::read(root().join("testdata/tls/ca-key.pem")).unwrap(),
        ),
    ];
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let path = path.display().to_string();
        for insecure in [false, true] {
            let mut args = vec!["digest", "--registry-cacert", &path];
            if insecure {
                args.push("--allow-insecure-registry");
            }
            args.extend_from_slice(&[
                "--registry-username",
                USER,
                "--registry-password",
                PASSWORD,
                &a.image,
            ]);
            let run = env.sigil(&args);
            let err = fails(&run);
            assert!(
                err.contains(&path.to_lowercase()) && err.contains("no certificates"),
                "{name} (insecure: {insecure}): {err}"
            );
        }
    }
    // A file that does not exist.
    let missing = dir.join("missing.pem").display().to_string();
    let run = a.digest_with_ca(&env, &["--registry-cacert", &missing]);
    let err = fails(&run);
    assert!(
        err.contains(&missing.to_lowercase()) && err.contains("cannot read"),
        "{err}"
    );
}

/// A PEM CERTIFICATE block whose content is not a certificate.
const CORRUPT_PEM: &str = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

/// Without --allow-insecure-registry, a corrupt certificate in the CA file stops sigil.
#[test]
fn a_corrupt_pem_certificate_block_is_refused() {
    let a = Authed::empty();
    let env = Env::new();
    let path = env.path().join("corrupt.pem");
    std::fs::write(&path, CORRUPT_PEM).unwrap();
    let path = path.display().to_string();
    let run = env.sigil(&[
        "digest",
        "--registry-cacert",
        &path,
        "--registry-username",
        USER,
        "--registry-password",
        PASSWORD,
        &a.image,
    ]);
    let err = fails(&run);
    assert!(err.contains("tls"), "{err}");
    assert!(
        !err.contains("401") && !err.contains("not found"),
        "stopped before any request: {err}"
    );
}

/// A corrupt CA file must be an error that names the file, also with
/// --allow-insecure-registry (where it once was silently ignored).
#[test]
fn a_corrupt_pem_certificate_block_is_a_clear_error_even_when_insecure() {
    let a = Authed::start();
    let env = Env::new();
    let path = env.path().join("corrupt.pem");
    std::fs::write(&path, CORRUPT_PEM).unwrap();
    let path = path.display().to_string();
    for extra in [&[][..], &["--allow-insecure-registry"][..]] {
        let mut args = vec!["digest", "--registry-cacert", &path];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "--registry-username",
            USER,
            "--registry-password",
            PASSWORD,
            &a.image,
        ]);
        let err = fails(&env.sigil(&args));
        assert!(
            err.contains(&path.to_lowercase()) && err.contains("certificate"),
            "{extra:?}: {err}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Credential helpers.

/// A `docker-credential-sigiltest` on PATH that logs each call (argv and stdin) and answers
/// with `reply` (a shell snippet that may use `$server`, the server name read from stdin).
struct Helper {
    bin: PathBuf,
    log: PathBuf,
}

impl Helper {
    fn install(env: &mut Env, reply: &str) -> Helper {
        let bin = env.path().join("helper-bin");
        std::fs::create_dir_all(&bin).unwrap();
        let log = env.path().join("helper.log");
        let script = format!(
            "#!/bin/sh\nserver=$(cat)\nprintf 'argv=%s stdin=%s\\n' \"$*\" \"$server\" >> '{}'\n{reply}\n",
            log.display()
        );
        write_executable(&bin.join("docker-credential-sigiltest"), &script);
        let path = std::env::var("PATH").unwrap_or_default();
        env.set("PATH", &format!("{}:{path}", bin.display()));
        Helper { bin, log }
    }

    /// Answers with the right credentials for `host` only, "not found" for anything else.
    fn answering_for(env: &mut Env, host: &str) -> Helper {
        let reply = format!(
            "if [ \"$server\" = '{host}' ]; then\n  \
             printf '{{\"ServerURL\":\"%s\",\"Username\":\"{USER}\",\"Secret\":\"{PASSWORD}\"}}\\n' \"$server\"\n\
             else\n  echo 'credentials not found in native keychain'; exit 1\nfi"
        );
        Helper::install(env, &reply)
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn cred_helpers_entry_runs_the_helper_with_get_and_the_server_name() {
    let a = Authed::start();
    let mut env = Env::new();
    let helper = Helper::answering_for(&mut env, a.host());
    assert!(helper.bin.join("docker-credential-sigiltest").is_file());
    write_docker_config(
        &env,
        &serde_json::json!({"credHelpers": {a.host(): "sigiltest"}}).to_string(),
    );
    let run = a.digest_with_ca(&env, &[]);
    a.assert_digest(&run);
    assert_secret_not_shown(&run, USER, PASSWORD);
    let calls = helper.calls();
    assert!(!calls.is_empty(), "the helper was not called");
    let want = format!("argv=get stdin={}", a.host());
    assert!(calls.iter().all(|c| *c == want), "{calls:?}");
}

#[test]
fn creds_store_runs_the_helper_with_get_and_the_server_name() {
    let a = Authed::start();
    let mut env = Env::new();
    let helper = Helper::answering_for(&mut env, a.host());
    // As docker writes it: the store holds the secret, `auths` only an empty marker.
    write_docker_config(
        &env,
        &serde_json::json!({"auths": {a.host(): {}}, "credsStore": "sigiltest"}).to_string(),
    );
    a.assert_digest(&a.digest_with_ca(&env, &[]));
    let calls = helper.calls();
    let want = format!("argv=get stdin={}", a.host());
    assert!(
        !calls.is_empty() && calls.iter().all(|c| *c == want),
        "{calls:?}"
    );
}

#[test]
fn a_helper_without_credentials_means_anonymous_which_is_refused() {
    let a = Authed::empty();
    let mut env = Env::new();
    let helper = Helper::install(
        &mut env,
        "echo 'credentials not found in native keychain'\nexit 1",
    );
    write_docker_config(
        &env,
        &serde_json::json!({"credHelpers": {a.host(): "sigiltest"}}).to_string(),
    );
    let err = fails(&a.digest_with_ca(&env, &[]));
    assert!(err.contains("wants credentials"), "{err}");
    assert_eq!(helper.calls(), vec![format!("argv=get stdin={}", a.host())]);
}

/// Helpers report errors on stdout (docker-credential-helpers does); an error that is not
/// "credentials not found" must stop sigil, not turn into anonymous access.
#[test]
fn a_failing_helper_is_an_error_not_anonymous_access() {
    let a = Authed::empty();
    let mut env = Env::new();
    let helper = Helper::install(&mut env, "echo 'error: the keychain is locked'\nexit 1");
    write_docker_config(
        &env,
        &serde_json::json!({"credHelpers": {a.host(): "sigiltest"}}).to_string(),
    );
    let err = fails(&a.digest_with_ca(&env, &[]));
    assert!(
        err.contains("docker-credential-sigiltest") && err.contains(a.host()),
        "{err}"
    );
    assert!(
        !err.contains("wants credentials") && !err.contains("401"),
        "{err}"
    );
    assert_eq!(helper.calls().len(), 1);
}

/// A helper that fails with nothing on stdout (it wrote to stderr, or it crashed) has not
/// said "not found"; like Docker's client, sigil reports it as an error instead of going on
/// anonymously.
#[test]
fn a_helper_failing_silently_is_an_error_not_anonymous_access() {
    let a = Authed::empty();
    let mut env = Env::new();
    let helper = Helper::install(&mut env, "echo 'the keychain is locked' >&2\nexit 3");
    write_docker_config(
        &env,
        &serde_json::json!({"credHelpers": {a.host(): "sigiltest"}}).to_string(),
    );
    let err = fails(&a.digest_with_ca(&env, &[]));
    assert!(err.contains("docker-credential-sigiltest"), "{err}");
    assert!(!err.contains("wants credentials"), "{err}");
    assert_eq!(helper.calls().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Token realms: a registry names the host its credentials go to, so sigil checks it.

/// A plain-HTTP registry on 127.0.0.1 whose bearer challenge names a realm on 127.0.0.2 (to
/// URLs, another host). The realm grants a token only for the right credentials, and the
/// registry serves `app:v1` only with that token. Without credentials the realm answers
/// 401, or with `anonymous_token` a token the registry refuses. Returns both servers and the
/// manifest's digest.
fn registry_with_realm_elsewhere(anonymous_token: bool) -> (Liar, Liar, String) {
    let granted = format!("Basic {}", basic(USER, PASSWORD));
    let realm = Liar::start_at("127.0.0.2", move |r| {
        if !r.is("GET", "/token") {
            Reply::not_found()
        } else if r.header("authorization") == Some(granted.as_str()) {
            Reply::ok("application/json", br#"{"token":"granted"}"#.to_vec())
        } else if anonymous_token {
            Reply::ok("application/json", br#"{"token":"anonymous"}"#.to_vec())
        } else {
            Reply::status(401)
        }
    });
    let challenge = format!(
        "Bearer realm=\"http://{}/token\",service=\"split\"",
        realm.host()
    );
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.empty.v1+json",
            "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "size": 2
        },
        "layers": []
    }))
    .unwrap();
    let digest = format!(
        "sha256:{}",
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&manifest))
    );
    let served = digest.clone();
    let registry = Liar::start(move |r| {
        if r.header("authorization") != Some("Bearer granted") {
            Reply::status(401).header("WWW-Authenticate", challenge.clone())
        } else if r.is("GET", "/v2/app/manifests/v1") {
            Reply::ok(
                "application/vnd.oci.image.manifest.v1+json",
                manifest.clone(),
            )
            .header("Docker-Content-Digest", served.clone())
        } else {
            Reply::not_found()
        }
    });
    (registry, realm, digest)
}

/// `sigil digest` of the liar's `app:v1` over plain HTTP with the test credentials.
fn digest_with_credentials(env: &Env, registry: &Liar, extra: &[&str]) -> Run {
    let image = format!("{}/app:v1", registry.host());
    let mut args = vec![
        "digest",
        "--allow-http-registry",
        "--registry-username",
        USER,
        "--registry-password",
        PASSWORD,
    ];
    args.extend_from_slice(extra);
    args.push(&image);
    env.sigil(&args)
}

#[test]
fn credentials_are_withheld_from_a_realm_on_another_host_unless_allowed() {
    let (registry, realm, digest) = registry_with_realm_elsewhere(false);
    let env = Env::new();
    let run = digest_with_credentials(&env, &registry, &[]);
    let err = fails(&run);
    assert_secret_not_shown(&run, USER, PASSWORD);
    let realm_url = format!("http://{}/token", realm.host());
    for needle in [
        "credentials were withheld from the token realm",
        realm_url.as_str(),
        "127.0.0.2 is reached over plain http and is not the registry's own host",
        "token endpoint answered 401",
        "--allow-token-realm 127.0.0.2",
    ] {
        assert!(err.contains(needle), "lacks {needle:?}: {err}");
    }
    let asked = realm.requests("GET", "/token");
    assert!(!asked.is_empty(), "the realm is still asked, anonymously");
    assert!(
        asked.iter().all(|r| !r.has_auth()),
        "the realm on another host received credentials: {:?}",
        asked
            .iter()
            .map(|r| r.header("authorization"))
            .collect::<Vec<_>>()
    );

    // Allowed by the user, the realm gets them, and the token opens the registry.
    let run = digest_with_credentials(&env, &registry, &["--allow-token-realm", "127.0.0.2"]);
    assert_eq!(run.ok().trim(), digest, "{}", run.stderr);
    assert!(realm.requests("GET", "/token").iter().any(|r| r.has_auth()));

    // A bad value is a usage error.
    let run = digest_with_credentials(&env, &registry, &["--allow-token-realm", "http://x/t"]);
    let err = fails(&run);
    assert!(err.contains("--allow-token-realm"), "{err}");
}

#[test]
fn a_refused_anonymous_token_says_the_credentials_were_withheld() {
    let (registry, realm, _) = registry_with_realm_elsewhere(true);
    let run = digest_with_credentials(&Env::new(), &registry, &[]);
    let err = fails(&run);
    for needle in [
        "credentials were withheld from the token realm",
        "the registry refused the token it got (401",
        "--allow-token-realm 127.0.0.2",
    ] {
        assert!(err.contains(needle), "lacks {needle:?}: {err}");
    }
    assert!(
        realm
            .requests("GET", "/token")
            .iter()
            .all(|r| !r.has_auth())
    );
}

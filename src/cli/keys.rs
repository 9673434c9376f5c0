//! `sigil generate-key-pair`, `sigil public-key` and `sigil import-key-pair`: cosign-format
//! key files, written atomically, the private key with mode 0600, never over an existing file
//! without `--force`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use super::password;
use crate::sign::keys::{PrivateKey, PublicKey};
use crate::util::fs::write_atomic;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Prefix of the output files: PREFIX.key and PREFIX.pub
    #[arg(long, default_value = "cosign")]
    pub output_key_prefix: String,
    /// Overwrite existing key files
    #[arg(long, short = 'f')]
    pub force: bool,
    /// Read the passphrase from this file (first line)
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PublicKeyArgs {
    /// Private key (cosign's encrypted format or plain PKCS#8 / SEC1 PEM)
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Write here instead of stdout
    #[arg(long, value_name = "FILE")]
    pub outfile: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Unencrypted PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) P-256 key in PEM
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    #[arg(long, default_value = "import-cosign")]
    pub output_key_prefix: String,
    #[arg(long, short = 'f')]
    pub force: bool,
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

/// Loads a private key: cosign's encrypted format (asking for the passphrase) or plain PEM.
pub fn load_private_key(path: &Path, password_file: Option<&Path>) -> anyhow::Result<PrivateKey> {
    let text = crate::util::fs::read_text(path)
        .with_context(|| format!("cannot read key {}", path.display()))?;
    if text.contains("ENCRYPTED SIGSTORE PRIVATE KEY")
        || text.contains("ENCRYPTED COSIGN PRIVATE KEY")
    {
        let pass = password::read(password_file, false)?;
        return PrivateKey::from_encrypted_pem(&text, pass.as_bytes())
            .with_context(|| format!("key {}", path.display()));
    }
    PrivateKey::from_plain_pem(&text).with_context(|| format!("key {}", path.display()))
}

fn write_pair(
    prefix: &str,
    force: bool,
    key: &PrivateKey,
    password_file: Option<&Path>,
) -> anyhow::Result<()> {
    let key_path = PathBuf::from(format!("{prefix}.key"));
    let pub_path = PathBuf::from(format!("{prefix}.pub"));
    if !force {
        for p in [&key_path, &pub_path] {
            if p.exists() {
                bail!("{} already exists; pass --force to overwrite", p.display());
            }
        }
    }
    let pass = password::read(password_file, true)?;
    let encrypted = key.to_encrypted_pem(pass.as_bytes())?;
    write_atomic(&key_path, encrypted.as_bytes(), Some(0o600))
        .with_context(|| format!("writing {}", key_path.display()))?;
    write_atomic(&pub_path, key.public().to_pem().as_bytes(), Some(0o644))
        .with_context(|| format!("writing {}", pub_path.display()))?;
    anstream::eprintln!("Private key written to {}", key_path.display());
    anstream::eprintln!("Public key written to {}", pub_path.display());
    Ok(())
}

pub fn generate(a: GenerateArgs) -> anyhow::Result<u8> {
    let key = PrivateKey::generate()?;
    write_pair(
        &a.output_key_prefix,
        a.force,
        &key,
        a.password_file.as_deref(),
    )?;
    Ok(super::EXIT_OK)
}

pub fn import(a: ImportArgs) -> anyhow::Result<u8> {
    let text = crate::util::fs::read_text(&a.key)
        .with_context(|| format!("cannot read {}", a.key.display()))?;
    let key =
        PrivateKey::from_plain_pem(&text).with_context(|| format!("key {}", a.key.display()))?;
    write_pair(
        &a.output_key_prefix,
        a.force,
        &key,
        a.password_file.as_deref(),
    )?;
    Ok(super::EXIT_OK)
}

pub fn public_key(a: PublicKeyArgs) -> anyhow::Result<u8> {
    let key = load_private_key(&a.key, a.password_file.as_deref())?;
    let pem = key.public().to_pem();
    match a.outfile {
        Some(p) => write_atomic(&p, pem.as_bytes(), Some(0o644))
            .with_context(|| format!("writing {}", p.display()))?,
        None => super::output::print(&pem)?,
    }
    Ok(super::EXIT_OK)
}

/// Loads trusted public keys: files, or every `*.pub` / `*.pem` in a directory.
pub fn load_public_keys(paths: &[PathBuf]) -> anyhow::Result<Vec<crate::verify::TrustedKey>> {
    let mut out = Vec::new();
    for p in paths {
        let files: Vec<PathBuf> = if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read key directory {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "pub" || x == "pem"))
                .collect();
            v.sort();
            if v.is_empty() {
                bail!("key directory {} holds no .pub or .pem files", p.display());
            }
            v
        } else {
            vec![p.clone()]
        };
        for f in files {
            let text = crate::util::fs::read_text(&f)
                .with_context(|| format!("cannot read key {}", f.display()))?;
            let key = PublicKey::from_pem(&text)
                .with_context(|| format!("public key {}", f.display()))?;
            out.push(crate::verify::TrustedKey {
                name: f.display().to_string(),
                key,
            });
        }
    }
    Ok(out)
}

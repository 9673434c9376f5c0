//! Where key passphrases come from, as cosign does it: `--password-file`, then
//! `COSIGN_PASSWORD`, then `SIGIL_PASSWORD`, then a no-echo prompt on the terminal. Never
//! echoed, printed or logged.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use zeroize::Zeroizing;

/// Reads the passphrase; `confirm` asks twice when prompting (for new keys).
pub fn read(password_file: Option<&Path>, confirm: bool) -> anyhow::Result<Zeroizing<String>> {
    if let Some(path) = password_file {
        let text = crate::util::fs::read_text(path)
            .with_context(|| format!("cannot read password file {}", path.display()))?;
        let first = text.lines().next().unwrap_or("");
        return Ok(Zeroizing::new(first.to_string()));
    }
    for var in ["COSIGN_PASSWORD", "SIGIL_PASSWORD"] {
        if let Ok(p) = std::env::var(var) {
            return Ok(Zeroizing::new(p));
        }
    }
    if !std::io::stdin().is_terminal() {
        bail!("no passphrase: set COSIGN_PASSWORD (or SIGIL_PASSWORD) or pass --password-file");
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("Enter password for private key: ")
            .context("cannot read passphrase")?,
    );
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Enter password for private key again: ")
                .context("cannot read passphrase")?,
        );
        if *first != *again {
            bail!("passphrases do not match");
        }
    }
    Ok(first)
}

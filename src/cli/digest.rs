//! `sigil digest IMAGE`: the manifest digest, like `crane digest`, verified against the bytes.

use clap::Args;

use super::RegistryArgs;
use super::output;
use crate::oci::{ImageRef, Manifest};
use crate::store::Repository;

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Image: registry reference (`nginx`, `localhost:5000/app:v1`) or `oci:PATH[:tag|@digest]`
    pub image: ImageRef,

    /// For an index, print the digest of this platform's manifest instead (os/arch[/variant])
    #[arg(long)]
    pub platform: Option<String>,

    /// Print the full reference (`repo@sha256:…`) instead of the bare digest
    #[arg(long)]
    pub full_ref: bool,

    #[command(flatten)]
    pub registry: RegistryArgs,
}

pub async fn run(a: DigestArgs) -> anyhow::Result<u8> {
    let client = a.registry.client()?;
    let repo = Repository::open(&a.image, &client)?;
    let root = repo.resolve(&a.image).await?;
    let digest = match (&a.platform, &root.manifest) {
        (None, _) => root.digest.clone(),
        (Some(p), Manifest::Index(idx)) => idx
            .manifests
            .iter()
            .find(|d| d.platform.as_ref().is_some_and(|pl| pl.to_string() == *p))
            .map(|d| d.digest.clone())
            .ok_or_else(|| anyhow::anyhow!("{} has no manifest for platform {p}", a.image))?,
        (Some(p), Manifest::Image(_)) => {
            anyhow::bail!(
                "{} is a single-platform image; --platform {p} does not apply",
                a.image
            )
        }
    };
    let line = if a.full_ref {
        match &a.image {
            ImageRef::Registry(r) => format!("{}@{digest}", r.repo_only()),
            ImageRef::Layout(l) => format!("oci:{}@{digest}", l.path.display()),
        }
    } else {
        digest.to_string()
    };
    output::print(&format!("{line}\n"))?;
    Ok(super::EXIT_OK)
}

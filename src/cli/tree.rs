//! `sigil tree IMAGE`: the image, its platform manifests, and everything attached — referrers
//! grouped by artifact type and cosign's legacy tags — like `cosign tree` / `oras discover`.

use std::collections::BTreeMap;

use clap::Args;

use super::RegistryArgs;
use super::output::{self, BOLD, CYAN, DIM, Format, Node, YELLOW, paint};
use crate::discover::{self, Attached, ImageTree};
use crate::oci::ImageRef;
use crate::store::Repository;

#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Image: registry reference or `oci:PATH[:tag|@digest]`
    pub image: ImageRef,

    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Text)]
    pub output: Format,

    #[command(flatten)]
    pub registry: RegistryArgs,
}

pub async fn run(a: TreeArgs) -> anyhow::Result<u8> {
    let client = a.registry.client()?;
    let repo = Repository::open(&a.image, &client)?;
    let root = repo.resolve(&a.image).await?;
    let tree = discover::tree(&repo, a.image.to_string(), &root).await?;
    match a.output {
        Format::Json => output::print_json(&tree)?,
        Format::Text => output::print(&render(&tree))?,
    }
    Ok(super::EXIT_OK)
}

/// The predicate type an attachment declares, for display.
fn predicate_type(annotations: &BTreeMap<String, String>) -> Option<&str> {
    annotations
        .get("dev.sigstore.bundle.predicateType")
        .or_else(|| annotations.get("predicateType"))
        .map(String::as_str)
}

fn attached_nodes(a: &Attached) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut groups: BTreeMap<&str, Vec<Node>> = BTreeMap::new();
    for r in &a.referrers {
        let mut label = paint(BOLD, &r.digest);
        if let Some(p) = predicate_type(&r.annotations) {
            label.push_str(&format!(" {}", paint(DIM, format!("predicateType={p}"))));
        }
        groups
            .entry(&r.artifact_type)
            .or_default()
            .push(Node::new(label));
    }
    for (artifact_type, children) in groups {
        let mut n = Node::new(format!(
            "{} {}",
            paint(CYAN, artifact_type),
            paint(DIM, format!("({})", a.referrers_source))
        ));
        n.children = children;
        nodes.push(n);
    }
    for r in &a.rejected {
        nodes.push(Node::new(format!(
            "{} {} — {}",
            paint(YELLOW, "ignored referrer"),
            r.digest,
            r.reason
        )));
    }
    for l in &a.legacy {
        let mut n = Node::new(format!(
            "{} {}",
            paint(CYAN, format!("{} (cosign legacy)", l.tag)),
            paint(DIM, &l.digest)
        ));
        for layer in &l.layers {
            let mut label = paint(BOLD, &layer.digest);
            if let Some(p) = layer.annotation("predicateType") {
                label.push_str(&format!(" {}", paint(DIM, format!("predicateType={p}"))));
            }
            n.children.push(Node::new(label));
        }
        nodes.push(n);
    }
    nodes
}

/// The tree for people.
pub fn render(t: &ImageTree) -> String {
    let mut root = Node::new(format!(
        "{}@{} {}",
        paint(BOLD, &t.reference),
        t.digest,
        paint(DIM, format!("({})", t.media_type))
    ));
    for c in &t.manifests {
        let platform = c
            .platform
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "unknown platform".into());
        let mut n = Node::new(format!("{} {}", paint(BOLD, platform), c.digest));
        n.children = attached_nodes(&c.attached);
        root.children.push(n);
    }
    root.children.extend(attached_nodes(&t.attached));
    if root.children.is_empty() {
        root.children
            .push(Node::new(paint(DIM, "nothing attached")));
    }
    let _ = ImageRef::Layout; // (both transports render the same)
    root.render()
}

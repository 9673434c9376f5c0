//! Rendering for people and machines: the `--output` switch, colours (off under `NO_COLOR`
//! or when not a terminal, via anstream), and a box-drawing tree printer.

use std::io::Write;

use anstyle::{AnsiColor, Style};

/// `--output text|json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// `--output` of commands that report findings (`lint`, `check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ReportFormat {
    /// For people
    #[default]
    Text,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// JUnit XML, for CI test reports
    Junit,
}

/// One signature or attestation found, as a line of a verdict: a mark, the format, where it
/// was and who signed it (prefixed with `what`, e.g. the predicate type) or why it does not
/// count.
pub fn finding_line(f: &crate::verify::Finding, signed: &str, what: &str) -> String {
    let mark = if f.verified {
        paint(GREEN, "✔")
    } else {
        paint(YELLOW, "✘")
    };
    let fmt = match f.format {
        crate::verify::SignatureFormat::Bundle => "bundle",
        crate::verify::SignatureFormat::Legacy => "legacy",
    };
    let detail = match (&f.signer, &f.reason) {
        (Some(signer), _) if f.verified => format!("{what}{signed} {signer}"),
        (_, Some(reason)) => reason.clone(),
        _ => String::new(),
    };
    format!("{mark} {fmt:<6} {} {detail}", paint(DIM, &f.location))
}

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const RED: Style = AnsiColor::Red.on_default().bold();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();

/// Wraps text in a style.
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// A node of a printed tree.
#[derive(Debug, Default)]
pub struct Node {
    pub label: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn new(label: impl Into<String>) -> Node {
        Node {
            label: label.into(),
            children: Vec::new(),
        }
    }

    pub fn child(mut self, c: Node) -> Node {
        self.children.push(c);
        self
    }

    /// Renders with `├──` / `└──` connectors.
    pub fn render(&self) -> String {
        let mut out = format!("{}\n", self.label);
        render_children(&self.children, "", &mut out);
        out
    }
}

fn render_children(children: &[Node], prefix: &str, out: &mut String) {
    for (i, c) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        out.push_str(prefix);
        out.push_str(if last { "└── " } else { "├── " });
        out.push_str(&c.label);
        out.push('\n');
        let next = format!("{prefix}{}", if last { "    " } else { "│   " });
        render_children(&c.children, &next, out);
    }
}

/// Writes to stdout through anstream (strips colour when it should); a closed pipe is not
/// an error.
pub fn print(text: &str) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    // Colour is kept or stripped in memory first, so the text goes out in one write: a
    // stripping stream writes each run of text on its own, which costs a system call per
    // line on a pipe (two per image for `verify` of many images).
    let mut rendered = anstream::AutoStream::new(
        Vec::with_capacity(text.len()),
        anstream::AutoStream::choice(&stdout),
    );
    rendered.write_all(text.as_bytes())?;
    let rendered = rendered.into_inner();
    let mut out = stdout.lock();
    match out.write_all(&rendered).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// Pretty JSON plus a newline, to stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    print(&s)?;
    Ok(())
}

/// `repo@digest` (or `oci:path@digest`): how an image is named once resolved.
pub fn pinned(image: &crate::oci::ImageRef, digest: &crate::oci::Digest) -> String {
    match image {
        crate::oci::ImageRef::Registry(r) => format!("{}@{digest}", r.repo_only()),
        crate::oci::ImageRef::Layout(l) => format!("oci:{}@{digest}", l.path.display()),
    }
}

/// "checked 12/200" on a terminal's standard error, for runs of more than one image (`verify`
/// and `check` in text mode). Cleared with spaces rather than an escape sequence, so it also
/// disappears under `NO_COLOR`.
pub struct Progress {
    total: usize,
    on: bool,
}

impl Progress {
    pub fn new(total: usize, text: bool) -> Progress {
        Progress {
            total,
            on: text && total > 1 && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        }
    }

    fn line(&self, done: usize) -> String {
        format!("checked {done}/{}", self.total)
    }

    pub fn tick(&self, done: usize) {
        if self.on {
            let _ = write!(std::io::stderr(), "\r{}", self.line(done));
        }
    }

    pub fn clear(&self) {
        if self.on {
            let width = self.line(self.total).len();
            let _ = write!(std::io::stderr(), "\r{:width$}\r", "");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_nested_trees() {
        let t = Node::new("root")
            .child(Node::new("a").child(Node::new("a1")))
            .child(Node::new("b"));
        assert_eq!(t.render(), "root\n├── a\n│   └── a1\n└── b\n");
    }
}

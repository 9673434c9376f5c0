//! Where a digest pin goes in a Dockerfile, and the rewrite that puts it there. Pure text
//! work: `sigil pin` resolves tags through the registry elsewhere and hands the digests in.
//!
//! A pin must change nothing but the pin, so the rewrite never re-prints the file: it finds
//! the exact bytes of each reference in the original text and inserts `@sha256:…` there,
//! leaving comments, continuations, `# escape=`, CRLF line endings, heredocs, flags and
//! `AS` names as they were.
//!
//! - A reference written in the instruction (`FROM golang:1.22`, `COPY --from=img:1`,
//!   `RUN --mount=from=img:1`, quoted or not) is pinned where it is written.
//! - A reference that is exactly one variable (`FROM $BASE`, `FROM ${BASE}`) is pinned in the
//!   default of the `ARG` that supplies it (`ARG BASE=golang:1.22@sha256:…`, quotes kept),
//!   found with BuildKit's scoping: global `ARG`s for `FROM`, the stage's own `ARG` (or the
//!   global one it re-declares) for `COPY --from` and mounts.
//! - Anything else is not pinnable, with the reason: a reference built from several pieces
//!   (`${REG}/app:${VER}`), a variable set by `--build-arg` or `ENV`, an `ARG` default that is
//!   itself computed, an `ARG` that also feeds another reference the pin would break.
//!
//! The pinned text keeps the reference as written and appends the digest, as Docker writes
//! pins: `golang:1.22` → `golang:1.22@sha256:…`, and `alpine` (implicitly `latest`) →
//! `alpine@sha256:…`, which names the same image without asserting the tag `latest` (so
//! "no latest" lint rules pass) — but has no tag whose movement `sigil pin --check` could
//! report; write an explicit tag to get that. After rewriting, the new text is parsed again and every
//! external image must expand to exactly the pinned reference (or be unchanged): a rewrite
//! that would change anything else is refused.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

use super::{BuildArgs, Dockerfile, ImageUse, Instruction, Keyword, ParseError, UseKind};
use crate::oci::Digest;

/// ARG sites tried one by one (each a parse of the whole file) when pinning them all at
/// once would change something else; the rest are refused.
const MAX_ARG_TRIALS: usize = 256;

/// Why a rewrite was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    #[error("line {line}: {image} cannot be pinned: {reason}")]
    NotPinnable {
        line: usize,
        image: String,
        reason: String,
    },
    #[error("line {line}: {text:?} would be pinned both as {first:?} and as {second:?}")]
    Conflict {
        line: usize,
        text: String,
        first: String,
        second: String,
    },
    #[error("the pinned Dockerfile no longer parses: {0}")]
    Reparse(ParseError),
    #[error(
        "the pinned Dockerfile names {after} external images where the original named {before}"
    )]
    Count { before: usize, after: usize },
    #[error("line {line}: the pin would turn {before:?} into {after:?} instead of {expected:?}")]
    Changed {
        line: usize,
        before: String,
        after: String,
        expected: String,
    },
}

/// Where one image reference is written, so that it can be pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Byte range of the reference in the file (inside any quotes).
    pub span: Range<usize>,
    /// 1-based line of the span.
    pub line: usize,
    /// The `ARG` whose default holds the reference; None when it is written in place.
    pub arg: Option<String>,
}

/// One external image use and where it can be pinned, or why it cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub image: ImageUse,
    pub site: Result<Site, String>,
}

/// One change made to the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub line: usize,
    pub span: Range<usize>,
    pub before: String,
    pub after: String,
}

/// The pinned spelling of `written` (a reference exactly as written in the file): the
/// reference as written, without any old digest, then `@digest`.
pub fn pinned_reference(written: &str, digest: &Digest) -> String {
    let name = written.split_once('@').map_or(written, |(n, _)| n);
    format!("{name}@{digest}")
}

/// Every external image of `df` (as [`Dockerfile::external_images`] lists them, in the same
/// order) with its pin site. `text` must be the text `df` was parsed from.
pub fn targets(text: &str, df: &Dockerfile, args: &BuildArgs) -> Result<Vec<Target>, ParseError> {
    let uses = df.external_images(args)?;
    let lines = Lines::new(text);
    let escape = df.directives().escape;
    let mut out: Vec<Target> = uses
        .into_iter()
        .map(|image| {
            let site = site(text, &lines, df, args, escape, &image);
            Target { image, site }
        })
        .collect();
    refuse_shared_args(text, args, &mut out);
    Ok(out)
}

/// Applies `pins` (index into `targets`, digest) to `text` and checks the result. Returns
/// the new text and the edits made, in file order (none when nothing changes).
pub fn apply(
    text: &str,
    args: &BuildArgs,
    targets: &[Target],
    pins: &[(usize, Digest)],
) -> Result<(String, Vec<Edit>), PinError> {
    let mut edits: Vec<Edit> = Vec::new();
    // What each span becomes, no-ops included, to catch two different pins of one span.
    let mut decided: HashMap<(usize, usize), String> = HashMap::new();
    for (i, digest) in pins {
        let Some(t) = targets.get(*i) else { continue };
        let site = t.site.as_ref().map_err(|reason| PinError::NotPinnable {
            line: t.image.line,
            image: t.image.expanded.clone(),
            reason: reason.clone(),
        })?;
        let before = text.get(site.span.clone()).unwrap_or_default().to_string();
        let after = pinned_reference(&before, digest);
        match decided.entry((site.span.start, site.span.end)) {
            Entry::Occupied(e) => {
                if *e.get() != after {
                    return Err(PinError::Conflict {
                        line: site.line,
                        text: before,
                        first: e.get().clone(),
                        second: after,
                    });
                }
                continue;
            }
            Entry::Vacant(e) => {
                e.insert(after.clone());
            }
        }
        if before != after {
            edits.push(Edit {
                line: site.line,
                span: site.span.clone(),
                before,
                after,
            });
        }
    }
    edits.sort_by_key(|e| e.span.start);
    if edits.is_empty() {
        return Ok((text.to_string(), edits));
    }
    let mut new = String::with_capacity(text.len() + edits.len() * 80);
    let mut at = 0;
    for e in &edits {
        if e.span.start < at {
            // Sites never overlap unless they are the same span, handled above.
            return Err(PinError::Conflict {
                line: e.line,
                text: e.before.clone(),
                first: e.after.clone(),
                second: e.after.clone(),
            });
        }
        new.push_str(text.get(at..e.span.start).unwrap_or_default());
        new.push_str(&e.after);
        at = e.span.end;
    }
    new.push_str(text.get(at..).unwrap_or_default());
    check(&new, args, targets, &edits)?;
    Ok((new, edits))
}

/// Parses the rewritten text and requires every external image to be exactly what the edits
/// meant: the pinned reference where its site was edited, unchanged elsewhere.
fn check(new: &str, args: &BuildArgs, targets: &[Target], edits: &[Edit]) -> Result<(), PinError> {
    let df = Dockerfile::parse(new).map_err(PinError::Reparse)?;
    let uses = df.external_images(args).map_err(PinError::Reparse)?;
    if uses.len() != targets.len() {
        return Err(PinError::Count {
            before: targets.len(),
            after: uses.len(),
        });
    }
    for (t, now) in targets.iter().zip(&uses) {
        // `edits` is sorted by start and free of overlaps.
        let edited = t.site.as_ref().ok().and_then(|s| {
            edits
                .binary_search_by_key(&s.span.start, |e| e.span.start)
                .ok()
                .and_then(|i| edits.get(i))
                .filter(|e| e.span == s.span)
        });
        let expected = match edited {
            Some(e) => e.after.clone(),
            None => t.image.expanded.clone(),
        };
        if now.expanded != expected {
            return Err(PinError::Changed {
                line: t.image.line,
                before: t.image.expanded.clone(),
                after: now.expanded.clone(),
                expected,
            });
        }
    }
    Ok(())
}

/// Byte offsets of the physical lines, to turn (line, column) back into a byte offset.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        // The lexer numbers lines after dropping a byte-order mark.
        let first = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut starts = vec![first];
        starts.extend(
            text.match_indices('\n')
                .map(|(i, _)| i + 1)
                .filter(|&i| i > first),
        );
        Lines { starts }
    }

    /// The byte offset of 1-based (line, character column), when `raw` is written there.
    fn find(&self, text: &str, line: usize, column: usize, raw: &str) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let rest = text.get(start..)?;
        let offset = start + rest.char_indices().nth(column.checked_sub(1)?)?.0;
        text.get(offset..)?.starts_with(raw).then_some(offset)
    }
}

/// How a reference (or an `ARG` default) is written.
enum Written<'a> {
    /// Plain text, possibly inside one pair of quotes: (offset of the text in the raw, text).
    Literal(usize, &'a str),
    /// Exactly one variable, `$NAME` or `${NAME}` (possibly in double quotes).
    Variable(&'a str),
    /// Anything else, with the reason it is not pinned.
    Other(String),
}

fn written(raw: &str, escape: char) -> Written<'_> {
    let quote = ['"', '\'']
        .into_iter()
        .find(|&q| raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q));
    let (offset, inner) = match quote {
        Some(_) => (1, &raw[1..raw.len() - 1]),
        None => (0, raw),
    };
    let plain = |c: char| !(c == '$' || c == '"' || c == '\'' || c == escape || c.is_whitespace());
    if !inner.is_empty() && inner.chars().all(plain) {
        return Written::Literal(offset, inner);
    }
    if quote != Some('\'') {
        if let Some(name) = single_variable(inner) {
            return Written::Variable(name);
        }
    }
    if inner.contains('$') && quote != Some('\'') {
        Written::Other(format!(
            "{raw} is built from several pieces; only a whole reference written in place or in one ARG default can be pinned"
        ))
    } else {
        Written::Other(format!(
            "{raw} is written with quotes or escape characters that sigil does not rewrite"
        ))
    }
}

/// `NAME` of `$NAME` or `${NAME}`.
fn single_variable(s: &str) -> Option<&str> {
    let name = match s.strip_prefix("${") {
        Some(rest) => rest.strip_suffix('}')?,
        None => s.strip_prefix('$')?,
    };
    let mut chars = name.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(name)
}

fn site(
    text: &str,
    lines: &Lines,
    df: &Dockerfile,
    args: &BuildArgs,
    escape: char,
    image: &ImageUse,
) -> Result<Site, String> {
    let raw = image.reference_text.as_str();
    let Some(at) = lines.find(text, image.line, image.column, raw) else {
        return Err(format!("{raw} is split across lines; join it to pin it"));
    };
    match written(raw, escape) {
        Written::Literal(offset, inner) => {
            if inner != image.expanded {
                return Err(format!("{raw} does not read as written"));
            }
            Ok(Site {
                span: at + offset..at + offset + inner.len(),
                line: image.line,
                arg: None,
            })
        }
        Written::Variable(name) => arg_site(text, lines, df, args, escape, image, name),
        Written::Other(reason) => Err(reason),
    }
}

/// One `NAME[=default]` of an `ARG` instruction.
struct ArgDecl<'a> {
    name: &'a str,
    value: Option<&'a str>,
    /// Physical (line, column) of the value.
    value_at: (usize, usize),
}

fn arg_decls(ins: &Instruction) -> Vec<ArgDecl<'_>> {
    if ins.keyword != Keyword::Arg {
        return Vec::new();
    }
    ins.args
        .iter()
        .map(|w| match w.raw.split_once('=') {
            Some((name, value)) => ArgDecl {
                name,
                value: Some(value),
                value_at: ins.position(w.start + name.len() + 1),
            },
            None => ArgDecl {
                name: &w.raw,
                value: None,
                value_at: ins.position(w.end),
            },
        })
        .collect()
}

/// Whether an `ENV` instruction sets `name`.
fn env_sets(ins: &Instruction, name: &str) -> bool {
    if ins.keyword != Keyword::Env {
        return false;
    }
    match ins.args.first() {
        Some(first) if !first.raw.contains('=') => first.raw == name,
        _ => ins
            .args
            .iter()
            .any(|w| w.raw.split_once('=').is_some_and(|(n, _)| n == name)),
    }
}

/// The site of a reference that is exactly `$name`: the default of the `ARG` it comes from.
fn arg_site(
    text: &str,
    lines: &Lines,
    df: &Dockerfile,
    args: &BuildArgs,
    escape: char,
    image: &ImageUse,
    name: &str,
) -> Result<Site, String> {
    if args.values.contains_key(name) {
        return Err(format!("${name} is set by --build-arg"));
    }
    let instructions = df.instructions();
    let first_stage = df.stages().first().map_or(0, |s| s.instructions.start);
    // The last global declaration with a default (a later `ARG NAME` keeps the value).
    let global = instructions
        .get(..first_stage)
        .unwrap_or_default()
        .iter()
        .flat_map(arg_decls)
        .rfind(|d| d.name == name && d.value.is_some());
    let decl = match image.kind {
        UseKind::From => global,
        UseKind::CopyFrom | UseKind::MountFrom => {
            if let Some(stage) = env_stage(df, image, name) {
                return Err(format!("${name} is set by ENV in stage {stage}"));
            }
            let stage = df.stages().get(image.stage_index);
            let local = stage
                .and_then(|s| instructions.get(s.instructions.clone()))
                .unwrap_or_default()
                .iter()
                .filter(|ins| ins.line < image.line)
                .flat_map(arg_decls)
                .rfind(|d| d.name == name);
            match local {
                Some(d) if d.value.is_some() => Some(d),
                Some(_) => global,
                None => {
                    return Err(format!("${name} is not declared by an ARG in this stage"));
                }
            }
        }
    };
    let Some(decl) = decl else {
        return Err(format!("${name} has no ARG default to pin"));
    };
    let value = decl.value.unwrap_or_default();
    let (line, column) = decl.value_at;
    let Some(at) = lines.find(text, line, column, value) else {
        return Err(format!(
            "the default of ARG {name} is split across lines; join it to pin it"
        ));
    };
    match written(value, escape) {
        Written::Literal(offset, inner) if inner == image.expanded => Ok(Site {
            span: at + offset..at + offset + inner.len(),
            line,
            arg: Some(name.to_string()),
        }),
        _ => Err(format!(
            "the default of ARG {name} ({value}) is not a plain image reference"
        )),
    }
}

/// The stage (name or index) whose `ENV` sets `name` for this use: its own stage before the
/// use, or any stage it is built `FROM`.
fn env_stage(df: &Dockerfile, image: &ImageUse, name: &str) -> Option<String> {
    let stages = df.stages();
    let instructions = df.instructions();
    let mut current = stages.get(image.stage_index)?;
    let mut limit = image.line;
    for _ in 0..=stages.len() {
        let sets = instructions
            .get(current.instructions.clone())
            .unwrap_or_default()
            .iter()
            .filter(|ins| ins.line < limit)
            .any(|ins| env_sets(ins, name));
        if sets {
            return Some(
                current
                    .name
                    .clone()
                    .unwrap_or_else(|| current.index.to_string()),
            );
        }
        let base = current.base.to_ascii_lowercase();
        current = stages[..current.index]
            .iter()
            .find(|s| s.name.as_deref() == Some(base.as_str()))?;
        limit = usize::MAX;
    }
    None
}

/// An `ARG` default may be pinned only when that changes nothing but the references pinned
/// through it: another reference that reads the variable (`FROM ${BASE}-slim`, or through an
/// `ENV IMG=$BASE`) would be changed too, and wrongly. Each `ARG` site is tried on its own,
/// with the same check as the real rewrite, and refused with the reason when it fails.
fn refuse_shared_args(text: &str, args: &BuildArgs, targets: &mut [Target]) {
    let trial = Digest::sha256_of(b"sigil pin trial");
    let arg_sites: Vec<(usize, Digest)> = targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.site.as_ref().is_ok_and(|s| s.arg.is_some()))
        .map(|(i, _)| (i, trial.clone()))
        .collect();
    // All at once first: pins only append, so when together they change nothing else, no
    // one of them does, and a file is parsed once more rather than once per ARG.
    if arg_sites.is_empty() || apply(text, args, targets, &arg_sites).is_ok() {
        return;
    }
    let mut refusals: Vec<(Range<usize>, String)> = Vec::new();
    let mut tried = 0;
    for (i, t) in targets.iter().enumerate() {
        let Ok(Site {
            span,
            arg: Some(name),
            ..
        }) = &t.site
        else {
            continue;
        };
        if refusals.iter().any(|(s, _)| s == span)
            || targets[..i]
                .iter()
                .any(|o| o.site.as_ref().is_ok_and(|s| s.span == *span))
        {
            continue;
        }
        tried += 1;
        if tried > MAX_ARG_TRIALS {
            refusals.push((
                span.clone(),
                format!("ARG {name} was not tried: too many ARG-fed references in one file"),
            ));
            continue;
        }
        if let Err(e) = apply(text, args, targets, &[(i, trial.clone())]) {
            let why = match e {
                PinError::Changed { line, before, .. } => {
                    let written = targets
                        .iter()
                        .find(|o| o.image.line == line && o.image.expanded == before)
                        .map_or(before.as_str(), |o| o.image.reference_text.as_str());
                    format!(
                        "ARG {name} also feeds {written} on line {line}, which the pin would change"
                    )
                }
                other => format!("pinning ARG {name} fails: {other}"),
            };
            refusals.push((span.clone(), why));
        }
    }
    for (span, reason) in refusals {
        for t in targets.iter_mut() {
            if t.site.as_ref().is_ok_and(|s| s.span == span) {
                t.site = Err(reason.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests;

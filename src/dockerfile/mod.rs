//! A Dockerfile front end: enough of BuildKit's grammar to find, honestly, which images a
//! build pulls — the base images of its stages, `COPY --from=<image>` and
//! `RUN --mount=…,from=<image>` — with `ARG`s and `--build-arg`s resolved as BuildKit
//! resolves them.
//!
//! It is layered so that a full parser can grow from it:
//!
//! - [`lexer`]: parser directives (`# syntax=`, `# escape=`, `# check=`), comments, line
//!   continuations with the escape character (`\` or `` ` ``), heredoc bodies, and for every
//!   instruction a map back to physical line and column;
//! - [`words`]: blank-separated words with quotes, leading `--flag=value`s, exec-form JSON,
//!   `--mount` CSV fields;
//! - [`expand`]: `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}` (and `-`, `+`, `:?`, `?`);
//! - this module: typed instructions (keyword, flags, words, heredocs), the stage model
//!   (`FROM [--platform=…] image [AS name]`, global `ARG`s before the first `FROM`, stage
//!   `ARG`/`ENV`, `COPY --from`, `RUN --mount from=`) and [`Dockerfile::external_images`].
//!
//! Scoping follows BuildKit: `FROM` (and its `--platform`) sees only the global `ARG`s and
//! the automatic platform arguments (`TARGETPLATFORM`, `BUILDARCH`, …); a `--build-arg`
//! overrides an `ARG`'s default but is ignored for names no `ARG` declares; inside a stage a
//! global `ARG` is visible only after it is re-declared, `ENV` beats `ARG`, and `ENV` (not
//! `ARG`) carries into stages built `FROM` this one. `FROM name` refers to an earlier stage
//! (stage names are lower-cased, and `FROM` compares with them as written); `COPY --from`
//! and `RUN --mount from=` refer to any stage by name (in any case) or index. `scratch`
//! (in lower case) and stage references are not images. Variables that only the base image's own `ENV` would
//! define are unknown here and expand to nothing.
//!
//! Input is bounded ([`MAX_DOCKERFILE_BYTES`]) and nothing panics on any input: every
//! failure is a [`ParseError`] with the physical line and column it concerns.

pub mod expand;
pub mod lexer;
pub mod pin;
pub mod words;

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

pub use lexer::{Directive, Directives, Heredoc};
pub use words::{Flag, Word};

use lexer::LogicalLine;

/// Largest Dockerfile accepted.
pub const MAX_DOCKERFILE_BYTES: usize = 10 * 1024 * 1024;

/// Most `ENV` copied from parent to child stages while evaluating one file, in bytes of
/// names and values plus [`ENV_ENTRY_COST`] per variable (a long chain of stages under a
/// large ENV would otherwise take quadratic time and memory).
const MAX_ENV_COPY_BYTES: usize = 64 << 20;
/// What one copied variable counts for beyond its text (the map's own bookkeeping).
const ENV_ENTRY_COST: usize = 64;

/// Most text variable substitution may produce while evaluating one file, across all its
/// words (each word is bounded by [`expand::MAX_WORD_BYTES`]; `ENV A=$A` repeated under a
/// large `A` copies it on every line).
const MAX_EXPANDED_BYTES: usize = 64 << 20;

/// Why a Dockerfile was refused: where (1-based physical line and character column) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Reads a Dockerfile, refusing files over [`MAX_DOCKERFILE_BYTES`] (without reading them
/// whole) and text that is not UTF-8.
pub fn read_file(path: &Path) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCKERFILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_DOCKERFILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than the {MAX_DOCKERFILE_BYTES}-byte limit for a Dockerfile"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// The instructions BuildKit knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
}

impl Keyword {
    const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// The keyword, case-insensitively.
    pub fn parse(word: &str) -> Option<Keyword> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
    }

    /// Upper-case, as conventionally written.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One instruction: keyword, flags, argument words and heredocs, with positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// Where the keyword is (1-based line and column) and the last physical line.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// The leading `--name[=value]` flags.
    pub flags: Vec<Flag>,
    /// The words after the flags, as written.
    pub args: Vec<Word>,
    pub heredocs: Vec<Heredoc>,
    logical: LogicalLine,
}

impl Instruction {
    /// The instruction's text with continuation lines joined.
    pub fn text(&self) -> &str {
        &self.logical.text
    }

    /// The text after the keyword and flags (exec-form JSON or shell form), trimmed.
    pub fn args_text(&self) -> &str {
        self.args
            .first()
            .and_then(|w| self.logical.text.get(w.start..))
            .unwrap_or_default()
            .trim()
    }

    /// The flags with this name, in order.
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.name == name)
    }

    /// The (line, column) of a byte offset into [`Instruction::text`].
    pub fn position(&self, offset: usize) -> (usize, usize) {
        self.logical.position(offset)
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        self.logical.error_at(offset, message)
    }
}

/// Where a piece of unexpanded text sits: an instruction and a byte offset in its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spot {
    instruction: usize,
    offset: usize,
}

/// `ARG NAME[=default]` or `ENV NAME=value`, unexpanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    /// The value as written (quotes kept); None for `ARG NAME` without a default.
    pub value: Option<String>,
    pub line: usize,
    pub column: usize,
    spot: Spot,
}

/// What a stage's instructions contribute to scoping and image references, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Arg(Assignment),
    Env(Assignment),
    /// `USER`: the text as written and where it is.
    User {
        raw: String,
        spot: Spot,
    },
    /// `COPY --from=…` or `RUN --mount=…,from=…`: the raw value and where it is.
    From {
        kind: UseKind,
        raw: String,
        spot: Spot,
    },
}

/// One build stage: `FROM [--platform=…] base [AS name]` and the instructions up to the
/// next `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The stage name, lower-cased as BuildKit compares it.
    pub name: Option<String>,
    /// The base as written (`golang:${GO_VERSION}`, `builder`, `scratch`).
    pub base: String,
    /// `--platform` as written.
    pub platform: Option<String>,
    /// Where the base word is.
    pub line: usize,
    pub column: usize,
    /// Indices into [`Dockerfile::instructions`], starting with the `FROM`.
    pub instructions: std::ops::Range<usize>,
    base_spot: Spot,
    platform_spot: Option<Spot>,
    steps: Vec<Step>,
}

/// How an external image is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UseKind {
    /// `FROM image`: a stage's base image.
    From,
    /// `COPY --from=image`.
    CopyFrom,
    /// `RUN --mount=type=bind|cache,from=image`.
    MountFrom,
}

impl UseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UseKind::From => "from",
            UseKind::CopyFrom => "copy-from",
            UseKind::MountFrom => "mount-from",
        }
    }
}

impl fmt::Display for UseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One use of an image from outside the build (not a stage, not `scratch`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUse {
    /// The reference as written (`golang:${GO_VERSION}`).
    pub reference_text: String,
    /// After substitution (`golang:1.22`); not yet validated as a reference.
    pub expanded: String,
    /// Where the reference is written.
    pub line: usize,
    pub column: usize,
    pub kind: UseKind,
    /// The stage the use belongs to (for `From`: the stage it starts).
    pub stage_name: Option<String>,
    pub stage_index: usize,
    /// The platform the image is pulled for, when the Dockerfile says: the stage's expanded
    /// `FROM --platform` (inherited through stage references).
    pub platform: Option<String>,
}

/// Build arguments and platforms, as given to the build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildArgs {
    /// `--build-arg NAME=value`.
    pub values: BTreeMap<String, String>,
    /// The target platform (`os/arch[/variant]`) for `TARGETPLATFORM` and friends; the
    /// host's Linux platform when None.
    pub target_platform: Option<String>,
    /// The build platform for `BUILDPLATFORM` and friends; the host's Linux platform when None.
    pub build_platform: Option<String>,
}

impl BuildArgs {
    /// Build arguments with these values and the host's platform.
    pub fn new(values: BTreeMap<String, String>) -> BuildArgs {
        BuildArgs {
            values,
            ..BuildArgs::default()
        }
    }

    /// The automatic platform arguments BuildKit defines in the global scope.
    pub fn automatic(&self) -> BTreeMap<String, String> {
        let host = host_platform();
        let mut out = BTreeMap::new();
        for (prefix, platform) in [
            ("TARGET", self.target_platform.as_deref().unwrap_or(&host)),
            ("BUILD", self.build_platform.as_deref().unwrap_or(&host)),
        ] {
            let mut parts = platform.splitn(3, '/');
            let os = parts.next().unwrap_or_default();
            let arch = parts.next().unwrap_or_default();
            let variant = parts.next().unwrap_or_default();
            out.insert(format!("{prefix}PLATFORM"), platform.to_string());
            out.insert(format!("{prefix}OS"), os.to_string());
            out.insert(format!("{prefix}ARCH"), arch.to_string());
            out.insert(format!("{prefix}VARIANT"), variant.to_string());
        }
        out
    }
}

/// This machine's platform as OCI names it, on Linux (`linux/amd64`, `linux/arm64`, …).
pub fn host_platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm/v7",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "loongarch64" => "loong64",
        other => other,
    };
    format!("linux/{arch}")
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    directives: Directives,
    instructions: Vec<Instruction>,
    global_args: Vec<Assignment>,
    stages: Vec<Stage>,
}

impl Dockerfile {
    /// Parses a Dockerfile. Fails on input over [`MAX_DOCKERFILE_BYTES`], bad directives,
    /// unknown instructions, instructions other than `ARG` before the first `FROM`, a
    /// malformed `FROM` (flags, argument count, stage name, duplicate stage), `ARG`/`ENV`
    /// without names, flags without values where one is needed, unterminated heredocs, or no
    /// `FROM` at all.
    pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
        if text.len() > MAX_DOCKERFILE_BYTES {
            return Err(ParseError {
                line: 1,
                column: 1,
                message: format!(
                    "the Dockerfile is {} bytes, over the {MAX_DOCKERFILE_BYTES}-byte limit",
                    text.len()
                ),
            });
        }
        let lexed = lexer::lex(text)?;
        let escape = lexed.directives.escape;
        let mut instructions = Vec::with_capacity(lexed.lines.len());
        for logical in lexed.lines {
            instructions.push(instruction(logical, escape)?);
        }
        let mut df = Dockerfile {
            directives: lexed.directives,
            instructions,
            global_args: Vec::new(),
            stages: Vec::new(),
        };
        df.build_stages()?;
        Ok(df)
    }

    pub fn directives(&self) -> &Directives {
        &self.directives
    }

    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    /// The `ARG`s before the first `FROM`.
    pub fn global_args(&self) -> &[Assignment] {
        &self.global_args
    }

    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    fn build_stages(&mut self) -> Result<(), ParseError> {
        let mut stages: Vec<Stage> = Vec::new();
        let mut names = HashSet::new();
        for (idx, ins) in self.instructions.iter().enumerate() {
            let in_stage = !stages.is_empty();
            match ins.keyword {
                Keyword::From => {
                    if let Some(last) = stages.last_mut() {
                        last.instructions.end = idx;
                    }
                    let stage = from_stage(ins, idx, stages.len(), &mut names)?;
                    stages.push(stage);
                }
                Keyword::Arg => {
                    let decls = assignments(ins, idx, true)?;
                    match stages.last_mut() {
                        Some(s) => s.steps.extend(decls.into_iter().map(Step::Arg)),
                        None => self.global_args.extend(decls),
                    }
                }
                _ if !in_stage => {
                    return Err(ins.error_at(
                        0,
                        format!(
                            "{} before the first FROM: only ARG may come before the first build stage",
                            ins.keyword
                        ),
                    ));
                }
                Keyword::Env => {
                    let decls = assignments(ins, idx, false)?;
                    if let Some(s) = stages.last_mut() {
                        s.steps.extend(decls.into_iter().map(Step::Env));
                    }
                }
                Keyword::Copy | Keyword::Run => {
                    let steps = from_steps(ins, idx)?;
                    if let Some(s) = stages.last_mut() {
                        s.steps.extend(steps);
                    }
                }
                Keyword::User => {
                    let Some(first) = ins.args.first() else {
                        return Err(ins.error_at(ins.text().len(), "USER requires an argument"));
                    };
                    let raw = ins.args_text().to_string();
                    if let Some(s) = stages.last_mut() {
                        s.steps.push(Step::User {
                            raw,
                            spot: Spot {
                                instruction: idx,
                                offset: first.start,
                            },
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(last) = stages.last_mut() {
            last.instructions.end = self.instructions.len();
        }
        if stages.is_empty() {
            let (line, column) = match self.instructions.last() {
                Some(i) => (i.line, i.column),
                None => (1, 1),
            };
            let message = if self.instructions.is_empty() {
                "the Dockerfile has no instructions"
            } else {
                "the Dockerfile has no FROM instruction"
            };
            return Err(ParseError {
                line,
                column,
                message: message.into(),
            });
        }
        self.stages = stages;
        Ok(())
    }

    fn expand(
        &self,
        raw: &str,
        spot: Spot,
        vars: expand::Lookup<'_>,
        spent: &Cell<usize>,
    ) -> Result<String, ParseError> {
        self.expand_tracked(raw, spot, vars, spent)
            .map(|(text, _)| text)
    }

    fn error_at(&self, spot: Spot, message: impl Into<String>) -> ParseError {
        let (line, column) = self
            .instructions
            .get(spot.instruction)
            .map_or((1, 1), |i| i.position(spot.offset));
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }

    /// Every use of an image from outside the build, in file order: stage bases, `COPY
    /// --from` and `RUN --mount from=` values that are neither stages nor `scratch`, with
    /// variables substituted from `args`. Fails when a substitution fails (`${X:?}`, bad
    /// syntax) or yields an empty name, or on a stage index out of range.
    pub fn external_images(&self, args: &BuildArgs) -> Result<Vec<ImageUse>, ParseError> {
        let resolved = self.resolve(args)?;
        let mut out = Vec::new();
        for u in resolved.uses {
            if u.image.expanded.is_empty() {
                let message = match u.image.kind {
                    UseKind::From => format!(
                        "base image {:?} expands to an empty name",
                        u.image.reference_text
                    ),
                    _ => format!("{:?} expands to an empty name", u.image.reference_text),
                };
                return Err(ParseError {
                    line: u.image.line,
                    column: u.image.column,
                    message,
                });
            }
            if u.target == Target::External {
                out.push(u.image);
            }
        }
        Ok(out)
    }

    /// The build as BuildKit would see it with `args`: every stage with its expanded base
    /// and effective user, and every `FROM` / `COPY --from` / `RUN --mount from=` with what
    /// it names (an image, a stage, `scratch`). Unlike [`Dockerfile::external_images`], a
    /// reference that needs an unset variable is not an error: its use lists the variables
    /// in [`ResolvedUse::missing`], so that a linter can report it. Fails when a
    /// substitution fails (`${X:?}`, bad syntax) or on a stage index out of range.
    pub fn resolve(&self, args: &BuildArgs) -> Result<Resolved, ParseError> {
        // Bytes produced by substitution so far (see MAX_EXPANDED_BYTES).
        let spent = Cell::new(0usize);
        let automatic = args.automatic();
        let mut global: BTreeMap<String, Option<String>> = automatic
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        for decl in &self.global_args {
            let value = match (args.values.get(&decl.name), &decl.value) {
                (Some(v), _) => Some(v.clone()),
                (None, Some(default)) => {
                    let lookup = |n: &str| global.get(n).cloned().flatten();
                    Some(self.expand(default, decl.spot, &lookup, &spent)?)
                }
                (None, None) => global.get(&decl.name).cloned().flatten(),
            };
            global.insert(decl.name.clone(), value);
        }
        let global_lookup = |n: &str| global.get(n).cloned().flatten();

        let names: HashMap<&str, usize> = self
            .stages
            .iter()
            .filter_map(|s| Some((s.name.as_deref()?, s.index)))
            .collect();
        let mut uses = Vec::new();
        let mut stages: Vec<ResolvedStage> = Vec::with_capacity(self.stages.len());
        // A stage shares its parent's ENV until it sets its own; copies are counted so that a
        // long chain of stages under a huge ENV cannot take quadratic time.
        let mut envs: Vec<Rc<BTreeMap<String, String>>> = Vec::with_capacity(self.stages.len());
        let mut copied = 0usize;
        for (i, stage) in self.stages.iter().enumerate() {
            let (base, missing) =
                self.expand_tracked(&stage.base, stage.base_spot, &global_lookup, &spent)?;
            let platform = match (&stage.platform, stage.platform_spot) {
                (Some(raw), Some(spot)) => {
                    Some(self.expand(raw, spot, &global_lookup, &spent)?).filter(|p| !p.is_empty())
                }
                _ => None,
            };
            // FROM refers to earlier stages only, by their lower-cased name as written
            // (BuildKit looks the base name up without lower-casing it; `--from` does).
            let parent = names.get(base.as_str()).copied().filter(|&p| p < i);
            let own_platform = match parent {
                Some(p) => platform.or_else(|| stages.get(p).and_then(|s| s.platform.clone())),
                None => platform,
            };
            let target = match parent {
                Some(p) => Target::Stage(p),
                None if base == "scratch" => Target::Scratch,
                None => Target::External,
            };
            uses.push(ResolvedUse {
                image: ImageUse {
                    reference_text: stage.base.clone(),
                    expanded: base.clone(),
                    line: stage.line,
                    column: stage.column,
                    kind: UseKind::From,
                    stage_name: stage.name.clone(),
                    stage_index: i,
                    platform: own_platform.clone(),
                },
                target,
                missing: missing.clone(),
            });

            let mut env: Rc<BTreeMap<String, String>> = parent
                .and_then(|p| envs.get(p).cloned())
                .unwrap_or_default();
            let mut user = parent.and_then(|p| stages.get(p).and_then(|s| s.user.clone()));
            let mut stage_args: BTreeMap<String, Option<String>> = BTreeMap::new();
            for step in &stage.steps {
                let lookup = |n: &str| {
                    env.get(n)
                        .cloned()
                        .or_else(|| stage_args.get(n).cloned().flatten())
                };
                match step {
                    Step::Arg(decl) => {
                        let value = match (args.values.get(&decl.name), &decl.value) {
                            (Some(v), _) => Some(v.clone()),
                            (None, Some(default)) => {
                                Some(self.expand(default, decl.spot, &lookup, &spent)?)
                            }
                            (None, None) => global.get(&decl.name).cloned().flatten(),
                        };
                        stage_args.insert(decl.name.clone(), value);
                    }
                    Step::Env(decl) => {
                        let raw = decl.value.as_deref().unwrap_or_default();
                        let value = self.expand(raw, decl.spot, &lookup, &spent)?;
                        if Rc::strong_count(&env) > 1 {
                            copied += env
                                .iter()
                                .map(|(k, v)| k.len() + v.len() + ENV_ENTRY_COST)
                                .sum::<usize>();
                            if copied > MAX_ENV_COPY_BYTES {
                                return Err(ParseError {
                                    line: decl.line,
                                    column: decl.column,
                                    message: format!(
                                        "too much inherited ENV to evaluate (more than {} MiB copied between stages)",
                                        MAX_ENV_COPY_BYTES >> 20
                                    ),
                                });
                            }
                        }
                        Rc::make_mut(&mut env).insert(decl.name.clone(), value);
                    }
                    Step::User { raw, spot } => {
                        let (value, missing) = self.expand_tracked(raw, *spot, &lookup, &spent)?;
                        let (line, column) = self
                            .instructions
                            .get(spot.instruction)
                            .map_or((1, 1), |ins| (ins.line, ins.column));
                        user = Some(StageUser {
                            text: raw.clone(),
                            value,
                            missing,
                            line,
                            column,
                            stage: i,
                        });
                    }
                    Step::From { kind, raw, spot } => {
                        let (value, missing) = self.expand_tracked(raw, *spot, &lookup, &spent)?;
                        let lower = value.to_ascii_lowercase();
                        let target = if let Some(&s) = names.get(lower.as_str()) {
                            Target::Stage(s)
                        } else if let Ok(index) = value.parse::<usize>() {
                            if index >= self.stages.len() {
                                return Err(self.error_at(
                                    *spot,
                                    format!(
                                        "stage index {index} is out of range: the Dockerfile has {} stages",
                                        self.stages.len()
                                    ),
                                ));
                            }
                            Target::Stage(index)
                        } else if value == "scratch" {
                            Target::Scratch
                        } else {
                            Target::External
                        };
                        let (line, column) = self
                            .instructions
                            .get(spot.instruction)
                            .map_or((1, 1), |ins| ins.position(spot.offset));
                        uses.push(ResolvedUse {
                            image: ImageUse {
                                reference_text: raw.clone(),
                                expanded: value,
                                line,
                                column,
                                kind: *kind,
                                stage_name: stage.name.clone(),
                                stage_index: i,
                                platform: own_platform.clone(),
                            },
                            target,
                            missing,
                        });
                    }
                }
            }
            stages.push(ResolvedStage {
                index: i,
                base,
                missing,
                parent,
                platform: own_platform,
                user,
            });
            envs.push(env);
        }
        Ok(Resolved { stages, uses })
    }

    /// Expands one word, naming the unset variables it needed; errors are placed at the
    /// offending character, and the file's total substitution output is bounded.
    fn expand_tracked(
        &self,
        raw: &str,
        spot: Spot,
        vars: expand::Lookup<'_>,
        spent: &Cell<usize>,
    ) -> Result<(String, Vec<String>), ParseError> {
        let (text, missing) =
            expand::expand_tracked(raw, self.directives.escape, vars).map_err(|e| {
                let at = Spot {
                    offset: spot.offset + e.offset,
                    ..spot
                };
                self.error_at(at, format!("in {raw:?}: {}", e.message))
            })?;
        // Only what substitution added counts: the literal text is the file's own.
        spent.set(spent.get() + text.len().saturating_sub(raw.len()));
        if spent.get() > MAX_EXPANDED_BYTES {
            return Err(self.error_at(
                spot,
                format!(
                    "variable substitution produces more than {} MiB in this Dockerfile",
                    MAX_EXPANDED_BYTES >> 20
                ),
            ));
        }
        Ok((text, missing))
    }
}

/// What a `FROM`, `COPY --from` or `RUN --mount from=` names once expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An image from outside the build.
    External,
    /// A stage of this Dockerfile, by index.
    Stage(usize),
    /// `scratch`: no image at all.
    Scratch,
}

/// One `FROM` / `COPY --from` / `RUN --mount from=` after expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedUse {
    /// The use; for a stage or `scratch` target too (then it is not an image).
    pub image: ImageUse,
    pub target: Target,
    /// Unset variables the text needed (`$X`, `${X}` without a default), in order.
    pub missing: Vec<String>,
}

/// The `USER` a stage runs as: its own last `USER`, or its parent stage's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageUser {
    /// As written (`${APP_UID}:${APP_GID}`).
    pub text: String,
    /// After substitution with the stage's `ARG`s and `ENV`s.
    pub value: String,
    /// Unset variables the text needed.
    pub missing: Vec<String>,
    /// Where the `USER` instruction is.
    pub line: usize,
    pub column: usize,
    /// The stage whose `USER` it is (an ancestor when inherited).
    pub stage: usize,
}

/// One stage after expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedStage {
    pub index: usize,
    /// The base after substitution.
    pub base: String,
    /// Unset variables the base needed.
    pub missing: Vec<String>,
    /// The earlier stage it is built `FROM`, if any.
    pub parent: Option<usize>,
    /// The platform, when the Dockerfile says (inherited through stage references).
    pub platform: Option<String>,
    /// The effective user; None when no `USER` is set in the stage or its ancestors (it
    /// then runs as its base image's user).
    pub user: Option<StageUser>,
}

/// [`Dockerfile::resolve`]'s result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub stages: Vec<ResolvedStage>,
    /// Every use, in file order (each stage's `FROM`, then its `--from`s).
    pub uses: Vec<ResolvedUse>,
}

/// Splits a logical line into an instruction.
fn instruction(logical: LogicalLine, escape: char) -> Result<Instruction, ParseError> {
    let all = words::split(&logical.text, escape);
    let Some((first, rest)) = all.split_first() else {
        return Err(logical.error_at(0, "empty instruction"));
    };
    let Some(keyword) = Keyword::parse(&first.raw) else {
        let mut shown: String = first.raw.chars().take(40).collect();
        if shown.len() < first.raw.len() {
            shown.push('…');
        }
        return Err(logical.error_at(first.start, format!("unknown instruction: {shown}")));
    };
    let (line, column) = logical.position(first.start);
    let (flags, args) = words::take_flags(rest);
    Ok(Instruction {
        keyword,
        line,
        column,
        end_line: logical.end_line,
        flags,
        args: args.to_vec(),
        heredocs: logical.heredocs.clone(),
        logical,
    })
}

/// `[a-z][a-z0-9-_.]*`, as BuildKit requires of stage names.
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// The stage a `FROM` starts; `names` holds the names of the stages before it.
fn from_stage(
    ins: &Instruction,
    idx: usize,
    index: usize,
    names: &mut HashSet<String>,
) -> Result<Stage, ParseError> {
    let mut platform = None;
    for flag in &ins.flags {
        match (flag.name.as_str(), &flag.value) {
            ("platform", Some(v)) if platform.is_none() => {
                platform = Some((
                    v.clone(),
                    Spot {
                        instruction: idx,
                        offset: flag.value_start,
                    },
                ))
            }
            ("platform", Some(_)) => {
                return Err(ins.error_at(flag.start, "FROM: --platform given more than once"));
            }
            ("platform", None) => {
                return Err(ins.error_at(flag.start, "FROM: --platform needs a value"));
            }
            (other, _) => {
                return Err(ins.error_at(
                    flag.start,
                    format!("FROM: unknown flag --{other} (only --platform is allowed)"),
                ));
            }
        }
    }
    let (base, name) = match ins.args.as_slice() {
        [base] => (base, None),
        [base, as_word, name] if as_word.raw.eq_ignore_ascii_case("as") => (base, Some(name)),
        [_, other, _] => {
            return Err(ins.error_at(
                other.start,
                format!(
                    "FROM: expected AS before the stage name, found {:?}",
                    other.raw
                ),
            ));
        }
        [] => {
            let end = ins.text().len();
            return Err(ins.error_at(
                end,
                "FROM requires an image (FROM [--platform=…] image [AS name])",
            ));
        }
        [_, extra, ..] => {
            return Err(ins.error_at(
                extra.start,
                "FROM requires either one or three arguments (FROM [--platform=…] image [AS name])",
            ));
        }
    };
    let name = match name {
        Some(w) => {
            let lower = w.raw.to_ascii_lowercase();
            if !valid_stage_name(&lower) {
                return Err(ins.error_at(
                    w.start,
                    format!(
                        "invalid stage name {:?}: it must start with a letter and contain only letters, digits, '-', '_' and '.'",
                        w.raw
                    ),
                ));
            }
            if !names.insert(lower.clone()) {
                return Err(ins.error_at(w.start, format!("duplicate stage name {lower:?}")));
            }
            Some(lower)
        }
        None => None,
    };
    let (platform, platform_spot) = match platform {
        Some((p, spot)) => (Some(p), Some(spot)),
        None => (None, None),
    };
    Ok(Stage {
        index,
        name,
        base: base.raw.clone(),
        platform,
        line: ins.position(base.start).0,
        column: ins.position(base.start).1,
        instructions: idx..idx + 1,
        base_spot: Spot {
            instruction: idx,
            offset: base.start,
        },
        platform_spot,
        steps: Vec::new(),
    })
}

/// `ARG a b=1 c="x y"` or `ENV a=1 b=2` / legacy `ENV name value words`.
fn assignments(ins: &Instruction, idx: usize, is_arg: bool) -> Result<Vec<Assignment>, ParseError> {
    let kw = ins.keyword;
    if ins.args.is_empty() {
        return Err(ins.error_at(
            ins.text().len(),
            format!("{kw} requires at least one argument"),
        ));
    }
    let assignment = |name: &str, value: Option<String>, name_at: usize, value_at: usize| {
        let (line, column) = ins.position(name_at);
        Assignment {
            name: name.to_string(),
            value,
            line,
            column,
            spot: Spot {
                instruction: idx,
                offset: value_at,
            },
        }
    };
    let first = &ins.args[0];
    if !is_arg && !first.raw.contains('=') {
        // Legacy `ENV name value…`: the rest of the line is the value.
        let value = ins.text().get(first.end..).unwrap_or_default().trim_start();
        if value.is_empty() {
            return Err(ins.error_at(
                first.start,
                format!(
                    "ENV {} has no value (ENV name=value, or ENV name value)",
                    first.raw
                ),
            ));
        }
        let value_at = ins.text().len() - value.len();
        check_name(ins, kw, &first.raw, first.start)?;
        return Ok(vec![assignment(
            &first.raw,
            Some(value.trim_end().to_string()),
            first.start,
            value_at,
        )]);
    }
    let mut out = Vec::new();
    for w in &ins.args {
        let (name, value) = match w.raw.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None if is_arg => (w.raw.as_str(), None),
            None => {
                return Err(ins.error_at(
                    w.start,
                    format!("ENV: expected name=value, found {:?}", w.raw),
                ));
            }
        };
        check_name(ins, kw, name, w.start)?;
        out.push(assignment(name, value, w.start, w.start + name.len() + 1));
    }
    Ok(out)
}

fn check_name(ins: &Instruction, kw: Keyword, name: &str, at: usize) -> Result<(), ParseError> {
    if name.is_empty() {
        return Err(ins.error_at(at, format!("{kw} names can not be blank")));
    }
    if name.contains(['"', '\'', '$', '{', '}']) || name.chars().any(char::is_whitespace) {
        return Err(ins.error_at(at, format!("{kw}: invalid name {name:?}")));
    }
    Ok(())
}

/// The `COPY --from` and `RUN --mount …from=` references of one instruction.
fn from_steps(ins: &Instruction, idx: usize) -> Result<Vec<Step>, ParseError> {
    let mut steps = Vec::new();
    let spot = |offset| Spot {
        instruction: idx,
        offset,
    };
    match ins.keyword {
        Keyword::Copy => {
            for flag in ins.flags_named("from") {
                match &flag.value {
                    Some(v) if !v.is_empty() => steps.push(Step::From {
                        kind: UseKind::CopyFrom,
                        raw: v.clone(),
                        spot: spot(flag.value_start),
                    }),
                    _ => return Err(ins.error_at(flag.start, "COPY --from needs a stage or image")),
                }
            }
        }
        Keyword::Run => {
            for flag in ins.flags_named("mount") {
                let Some(value) = &flag.value else {
                    return Err(ins.error_at(flag.start, "RUN --mount needs a value"));
                };
                let fields = words::csv_fields(value);
                let mount_type = fields
                    .iter()
                    .find(|(k, _, _)| k == "type")
                    .map_or("bind".to_string(), |(_, v, _)| {
                        v.trim_matches(['"', '\'']).to_ascii_lowercase()
                    });
                if mount_type != "bind" && mount_type != "cache" {
                    continue;
                }
                for (key, v, at) in &fields {
                    if key != "from" {
                        continue;
                    }
                    if v.is_empty() {
                        return Err(ins.error_at(
                            flag.value_start + at,
                            "RUN --mount from= needs a stage or image",
                        ));
                    }
                    steps.push(Step::From {
                        kind: UseKind::MountFrom,
                        raw: v.clone(),
                        spot: spot(flag.value_start + at),
                    });
                }
            }
        }
        _ => {}
    }
    Ok(steps)
}

#[cfg(test)]
mod tests;

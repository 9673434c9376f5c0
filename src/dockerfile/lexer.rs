//! The first pass over a Dockerfile: parser directives, then physical lines joined into
//! logical lines (one per instruction), with comments and empty continuation lines dropped
//! and heredoc bodies (`RUN <<EOF … EOF`) taken out of the line stream.
//!
//! Nothing here knows what an instruction means beyond its keyword (needed to know which
//! instructions may carry heredocs). Every logical line keeps a map from its byte offsets
//! back to the physical line and column, so any later error can point at the exact place.

use super::ParseError;
use super::words::{self, Word};

/// The escape character when no `# escape=` directive says otherwise.
pub const DEFAULT_ESCAPE: char = '\\';

/// One parser directive (`# name=value` at the very top of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The name, lower-cased (`syntax`, `escape`, `check`).
    pub name: String,
    pub value: String,
    pub line: usize,
}

/// The parser directives of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directives {
    /// `# syntax=docker/dockerfile:1`: the frontend image the file asks for.
    pub syntax: Option<String>,
    /// The escape character: `\` unless `# escape=`` ` `` says otherwise.
    pub escape: char,
    /// `# check=skip=…;error=true`: build-check settings, kept verbatim.
    pub check: Option<String>,
    /// Every directive as written, in order.
    pub all: Vec<Directive>,
}

impl Default for Directives {
    fn default() -> Directives {
        Directives {
            syntax: None,
            escape: DEFAULT_ESCAPE,
            check: None,
            all: Vec::new(),
        }
    }
}

/// Maps a run of a logical line's bytes back to where they were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    /// Byte offset in the logical line where this run starts.
    offset: usize,
    /// 1-based physical line.
    line: usize,
    /// 1-based column (in characters) of the run's first character.
    column: usize,
}

/// A heredoc body attached to an instruction (`<<EOF`, `<<-EOF`, `<<"EOF"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, unquoted.
    pub name: String,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub strip_tabs: bool,
    /// False when the delimiter was quoted: the body is then taken literally.
    pub expand: bool,
    /// The body, each line ending with `\n`.
    pub body: String,
    /// The first body line and the terminator line (1-based).
    pub start_line: usize,
    pub end_line: usize,
}

/// One instruction's text with its continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalLine {
    /// The joined text, starting at the keyword, with the escape characters that continued
    /// lines removed.
    pub text: String,
    /// First and last physical line of the instruction (heredoc bodies excluded).
    pub start_line: usize,
    pub end_line: usize,
    pub heredocs: Vec<Heredoc>,
    segments: Vec<Segment>,
}

impl LogicalLine {
    /// The physical (line, column) of a byte offset into [`LogicalLine::text`]; offsets past
    /// the end map to just after the last character.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let idx = match self.segments.binary_search_by(|s| s.offset.cmp(&offset)) {
            Ok(i) => i,
            Err(0) => return (self.start_line, 1),
            Err(i) => i - 1,
        };
        let Some(seg) = self.segments.get(idx) else {
            return (self.start_line, 1);
        };
        let chars = self
            .text
            .get(seg.offset..offset)
            .map_or(0, |s| s.chars().count());
        (seg.line, seg.column + chars)
    }

    /// A [`ParseError`] pointing at a byte offset of this line.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        let (line, column) = self.position(offset);
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }
}

/// The result of lexing a whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexed {
    pub directives: Directives,
    pub lines: Vec<LogicalLine>,
}

/// The directive names the parser acts on; any other `# name=value` line is a comment.
const KNOWN_DIRECTIVES: &[&str] = &["syntax", "escape", "check"];

/// Instructions whose arguments may open heredocs.
const HEREDOC_INSTRUCTIONS: &[&str] = &["RUN", "COPY", "ADD"];

/// Splits a file into directives and logical lines.
pub fn lex(text: &str) -> Result<Lexed, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let physical: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();

    let mut directives = Directives::default();
    let mut i = 0;
    while let Some(line) = physical.get(i) {
        let Some((name, value)) = directive(line) else {
            break;
        };
        let line_no = i + 1;
        let lower = name.to_ascii_lowercase();
        if !KNOWN_DIRECTIVES.contains(&lower.as_str()) {
            // An unknown directive is a comment, and a comment ends the directives.
            break;
        }
        if directives.all.iter().any(|d| d.name == lower) {
            return Err(ParseError {
                line: line_no,
                column: 1,
                message: format!("only one {lower} parser directive can be used"),
            });
        }
        match lower.as_str() {
            "escape" => {
                directives.escape = match value {
                    "\\" => '\\',
                    "`" => '`',
                    other => {
                        return Err(ParseError {
                            line: line_no,
                            column: 1,
                            message: format!("invalid escape character {other:?}: must be \\ or `"),
                        });
                    }
                }
            }
            "syntax" => directives.syntax = Some(value.to_string()),
            _ => directives.check = Some(value.to_string()),
        }
        directives.all.push(Directive {
            name: lower,
            value: value.to_string(),
            line: line_no,
        });
        i += 1;
    }

    let escape = directives.escape;
    let mut lines = Vec::new();
    while let Some(line) = physical.get(i) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let start_line = i + 1;
        let lead = line.len() - trimmed.len();
        let mut logical = LogicalLine {
            text: String::new(),
            start_line,
            end_line: start_line,
            heredocs: Vec::new(),
            segments: Vec::new(),
        };
        let mut continues = push_chunk(
            &mut logical,
            trimmed,
            start_line,
            column_of(line, lead),
            escape,
        );
        i += 1;
        while continues {
            let Some(next) = physical.get(i) else { break };
            let next_trimmed = next.trim_start();
            i += 1;
            if next_trimmed.is_empty() || next_trimmed.starts_with('#') {
                continue;
            }
            logical.end_line = i;
            continues = push_chunk(&mut logical, next, i, 1, escape);
        }
        i = take_heredocs(&mut logical, &physical, i, escape)?;
        lines.push(logical);
    }
    Ok(Lexed { directives, lines })
}

/// `# name = value` (whitespace allowed around the name and the `=`), or None.
fn directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('#')?.trim_start_matches([' ', '\t']);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let (name, after) = rest.split_at(name_len);
    let value = after
        .trim_start_matches([' ', '\t'])
        .strip_prefix('=')?
        .trim_matches([' ', '\t']);
    (!value.is_empty()).then_some((name, value))
}

/// 1-based character column of a byte offset within a physical line.
fn column_of(line: &str, byte: usize) -> usize {
    line.get(..byte).map_or(0, |s| s.chars().count()) + 1
}

/// Appends one physical line's content; returns whether it ends with the escape character
/// (optionally followed by blanks), which continues the instruction on the next line.
fn push_chunk(
    logical: &mut LogicalLine,
    chunk: &str,
    line: usize,
    column: usize,
    escape: char,
) -> bool {
    let body = chunk.trim_end_matches([' ', '\t']);
    let (content, continues) = match body.strip_suffix(escape) {
        Some(c) => (c, true),
        None => (chunk, false),
    };
    logical.segments.push(Segment {
        offset: logical.text.len(),
        line,
        column,
    });
    logical.text.push_str(content);
    continues
}

/// A heredoc opener found among an instruction's words.
struct Opener {
    name: String,
    strip_tabs: bool,
    expand: bool,
    offset: usize,
}

/// Finds heredoc openers in RUN/COPY/ADD and consumes their bodies from the physical
/// lines starting at `next`; returns the index of the first line after the last body.
fn take_heredocs(
    logical: &mut LogicalLine,
    physical: &[&str],
    mut next: usize,
    escape: char,
) -> Result<usize, ParseError> {
    let openers = heredoc_openers(&logical.text, escape);
    for opener in openers {
        let start_line = next + 1;
        let mut body = String::new();
        let mut closed = false;
        while let Some(line) = physical.get(next) {
            next += 1;
            let candidate = if opener.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if candidate == opener.name {
                closed = true;
                break;
            }
            body.push_str(candidate);
            body.push('\n');
        }
        if !closed {
            return Err(logical.error_at(
                opener.offset,
                format!(
                    "heredoc <<{} is not terminated: no line {:?} before the end of the file",
                    opener.name, opener.name
                ),
            ));
        }
        logical.heredocs.push(Heredoc {
            name: opener.name,
            strip_tabs: opener.strip_tabs,
            expand: opener.expand,
            body,
            start_line,
            end_line: next,
        });
    }
    Ok(next)
}

/// The heredoc openers of a logical line, in order: words of the form `[n]<<[-]WORD` where
/// WORD may be quoted, in the shell form of RUN, COPY and ADD.
fn heredoc_openers(text: &str, escape: char) -> Vec<Opener> {
    let all = words::split(text, escape);
    let Some((keyword, rest)) = all.split_first() else {
        return Vec::new();
    };
    if !HEREDOC_INSTRUCTIONS
        .iter()
        .any(|k| keyword.raw.eq_ignore_ascii_case(k))
    {
        return Vec::new();
    }
    let (_, args) = words::take_flags(rest);
    let exec_form = args
        .first()
        .and_then(|w| text.get(w.start..))
        .and_then(words::json_array)
        .is_some();
    if exec_form {
        return Vec::new();
    }
    args.iter().filter_map(opener).collect()
}

fn opener(word: &Word) -> Option<Opener> {
    let raw = word.raw.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = raw.strip_prefix("<<")?;
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.starts_with('<') {
        return None;
    }
    let quoted = ['"', '\''].into_iter().find_map(|q| {
        rest.strip_prefix(q)
            .and_then(|r| r.strip_suffix(q))
            .filter(|r| !r.is_empty())
    });
    let (name, expand) = match quoted {
        Some(n) => (n, false),
        None => (rest, true),
    };
    if name.contains(['"', '\'', '<']) {
        return None;
    }
    Some(Opener {
        name: name.to_string(),
        strip_tabs,
        expand,
        offset: word.start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(l: &Lexed) -> Vec<&str> {
        l.lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn directives_only_at_the_top() {
        let l = lex("# syntax=docker/dockerfile:1.7\n#  ESCAPE = `\nFROM a\n").unwrap();
        assert_eq!(
            l.directives.syntax.as_deref(),
            Some("docker/dockerfile:1.7")
        );
        assert_eq!(l.directives.escape, '`');
        assert_eq!(l.directives.all.len(), 2);
        assert_eq!(l.directives.all[1].line, 2);

        // After a comment, an empty line or an unknown directive, no more directives.
        for text in [
            "# hello\n# escape=`\nFROM a",
            "\n# escape=`\nFROM a",
            "# unknown=1\n# escape=`\nFROM a",
            "FROM a\n# escape=`",
        ] {
            assert_eq!(lex(text).unwrap().directives.escape, '\\', "{text:?}");
        }
    }

    #[test]
    fn bad_directives_are_errors() {
        let e = lex("# escape=x\nFROM a").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("invalid escape"), "{e}");
        let e = lex("# syntax=a\n# syntax=b\nFROM a").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("only one syntax"), "{e}");
    }

    #[test]
    fn continuations_comments_and_positions() {
        let text = "FROM a\n\n  RUN echo \\\n# a comment inside\n\n    one \\  \n  two\nCOPY x y\\";
        let l = lex(text).unwrap();
        assert_eq!(texts(&l), ["FROM a", "RUN echo     one   two", "COPY x y"]);
        let run = &l.lines[1];
        assert_eq!((run.start_line, run.end_line), (3, 7));
        assert_eq!(run.position(0), (3, 3));
        let one = run.text.find("one").unwrap();
        assert_eq!(run.position(one), (6, 5));
        let two = run.text.find("two").unwrap();
        assert_eq!(run.position(two), (7, 3));
        assert_eq!(run.position(run.text.len()), (7, 6));
    }

    #[test]
    fn backtick_escape_leaves_backslashes_alone() {
        let l = lex("# escape=`\nFROM a\nRUN dir c:\\ `\n  /b\nCOPY c:\\x\\ d\\\n").unwrap();
        assert_eq!(
            texts(&l),
            ["FROM a", "RUN dir c:\\   /b", "COPY c:\\x\\ d\\"]
        );
    }

    #[test]
    fn heredocs_are_taken_out_of_the_line_stream() {
        let text = "FROM a\nRUN <<EOF bash\nFROM evil\necho hi\nEOF\nCOPY <<-\"A\" <<B /x/\n\tliteral $X\n\tA\nb\nB\nRUN echo '<<NOT' <<<here\n";
        let l = lex(text).unwrap();
        assert_eq!(
            texts(&l),
            [
                "FROM a",
                "RUN <<EOF bash",
                "COPY <<-\"A\" <<B /x/",
                "RUN echo '<<NOT' <<<here"
            ]
        );
        let run = &l.lines[1].heredocs;
        assert_eq!(run.len(), 1);
        assert_eq!(run[0].body, "FROM evil\necho hi\n");
        assert_eq!((run[0].start_line, run[0].end_line), (3, 5));
        let copy = &l.lines[2].heredocs;
        assert_eq!(copy[0].name, "A");
        assert!(copy[0].strip_tabs && !copy[0].expand);
        assert_eq!(copy[0].body, "literal $X\n");
        assert_eq!(copy[1].body, "b\n");
        assert!(copy[1].expand);
        // JSON form has no heredocs; other instructions neither.
        let l = lex("FROM a\nRUN [\"<<EOF\"]\nLABEL x=<<EOF\n").unwrap();
        assert!(l.lines.iter().all(|l| l.heredocs.is_empty()));
    }

    #[test]
    fn unterminated_heredoc_points_at_the_opener() {
        let e = lex("FROM a\nRUN cat \\\n  <<EOF\nno end\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 3));
        assert!(e.message.contains("<<EOF"), "{e}");
    }

    #[test]
    fn bom_and_crlf() {
        let l = lex("\u{feff}# escape=`\r\nFROM a `\r\n  AS b\r\n").unwrap();
        assert_eq!(l.directives.escape, '`');
        assert_eq!(texts(&l), ["FROM a   AS b"]);
    }
}

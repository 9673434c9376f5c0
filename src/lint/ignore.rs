//! Inline ignores: a comment `# sigil ignore=CODE[,CODE…]` on the line or lines directly
//! above an instruction (no blank line between) suppresses findings with those codes (or
//! rule names) located on that instruction, like hadolint's `# hadolint ignore=DL3006`.
//! Anything after the list, separated by a blank, is a free-text reason.
//!
//! ```dockerfile
//! # sigil ignore=SIGIL-DF-001 base images are pinned by the release job
//! FROM golang:1.22 AS build
//! ```

use crate::dockerfile::Dockerfile;

/// The ignores of one file: for each instruction that has any, its line range and codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ignores {
    spans: Vec<(usize, usize, Vec<String>)>,
}

const MARKER: &str = "sigil ignore=";

/// The codes a comment line lists, when it is a `# sigil ignore=` comment.
pub fn parse_comment(line: &str) -> Option<Vec<String>> {
    let body = line.trim_start().strip_prefix('#')?.trim_start();
    let list = body.strip_prefix(MARKER)?;
    let list = list.split_whitespace().next().unwrap_or_default();
    let codes: Vec<String> = list
        .split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    (!codes.is_empty()).then_some(codes)
}

impl Ignores {
    /// Finds the ignores of a parsed Dockerfile in its text.
    pub fn find(text: &str, df: &Dockerfile) -> Ignores {
        // Most files have none: do not split the text into lines for them.
        if !text.contains(MARKER) {
            return Ignores::default();
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut spans = Vec::new();
        for ins in df.instructions() {
            let mut codes = Vec::new();
            // Physical lines are 1-based; the one above the instruction is at ins.line - 2.
            let mut above = ins.line.checked_sub(2);
            while let Some(i) = above {
                let Some(line) = lines.get(i) else { break };
                if !line.trim_start().starts_with('#') {
                    break;
                }
                if let Some(c) = parse_comment(line) {
                    codes.extend(c);
                }
                above = i.checked_sub(1);
            }
            if !codes.is_empty() {
                spans.push((ins.line, ins.end_line.max(ins.line), codes));
            }
        }
        Ignores { spans }
    }

    /// Whether a finding with this code (or rule name) at this line is ignored.
    pub fn suppresses(&self, line: usize, code: &str, name: Option<&str>) -> bool {
        // Spans are in file order and do not overlap: the last one starting at or before
        // the line is the only candidate.
        let after = self.spans.partition_point(|(start, _, _)| *start <= line);
        let Some((_, end, codes)) = after.checked_sub(1).and_then(|i| self.spans.get(i)) else {
            return false;
        };
        line <= *end
            && codes.iter().any(|c| {
                c.eq_ignore_ascii_case(code) || name.is_some_and(|n| c.eq_ignore_ascii_case(n))
            })
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_directly_above_apply() {
        let text = "# sigil ignore=SIGIL-DF-002\nFROM alpine AS a\n\n# sigil ignore=sigil-df-001,SIGIL-DF-002 reviewed\n# another comment\nCOPY --from=nginx \\\n  /a /b\n# sigil ignore=SIGIL-DF-001\n\nFROM scratch\nUSER root\n";
        let df = Dockerfile::parse(text).unwrap();
        let ig = Ignores::find(text, &df);
        assert!(ig.suppresses(2, "SIGIL-DF-002", None));
        assert!(!ig.suppresses(2, "SIGIL-DF-001", None));
        // Both codes, on every line of the instruction.
        assert!(ig.suppresses(6, "SIGIL-DF-001", None));
        assert!(ig.suppresses(7, "SIGIL-DF-002", None));
        // A blank line breaks the link.
        assert!(!ig.suppresses(10, "SIGIL-DF-001", None));
        assert!(!ig.suppresses(11, "SIGIL-DF-001", None));
        // Rule names work too.
        let text = "FROM alpine:3\n# sigil ignore=dockerfile-non-root\nUSER root\n";
        let df = Dockerfile::parse(text).unwrap();
        let ig = Ignores::find(text, &df);
        assert!(ig.suppresses(3, "SIGIL-DF-003", Some("dockerfile-non-root")));
        assert_eq!(parse_comment("#sigil ignore="), None);
        assert_eq!(parse_comment("# hadolint ignore=DL3006"), None);
    }
}

//! Image-name globs, with the semantics of the policy library's `glob.match(p, ["/"], s)`:
//! `*` matches within one path segment, `**` across segments, `?` one character that is
//! not `/`, anything else itself. Used to pick the trust-file entries that apply to an
//! image, so that Rust and Rego agree on what a pattern means.

/// A compiled glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyChar,
    Star,
    DoubleStar,
}

/// Why a pattern is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GlobError {
    #[error("an empty pattern matches nothing")]
    Empty,
    #[error("`***` is ambiguous: use `*` (one path segment) or `**` (any number)")]
    TripleStar,
    #[error("character classes and braces are not supported in {0:?}")]
    Unsupported(String),
}

impl Glob {
    pub fn new(pattern: &str) -> Result<Glob, GlobError> {
        if pattern.is_empty() {
            return Err(GlobError::Empty);
        }
        if pattern.contains("***") {
            return Err(GlobError::TripleStar);
        }
        if pattern.contains(['[', ']', '{', '}']) {
            return Err(GlobError::Unsupported(pattern.to_string()));
        }
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            tokens.push(match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    Token::DoubleStar
                }
                '*' => Token::Star,
                '?' => Token::AnyChar,
                c => Token::Literal(c),
            });
        }
        Ok(Glob {
            pattern: pattern.to_string(),
            tokens,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// True when the whole of `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        let s: Vec<char> = s.chars().collect();
        // Dynamic programming over (token, position): linear in both, no backtracking blowup.
        let n = s.len();
        let mut reach = vec![false; n + 1];
        reach[0] = true;
        for t in &self.tokens {
            let mut next = vec![false; n + 1];
            match t {
                Token::Literal(c) => {
                    for i in 0..n {
                        if reach[i] && s[i] == *c {
                            next[i + 1] = true;
                        }
                    }
                }
                Token::AnyChar => {
                    for i in 0..n {
                        if reach[i] && s[i] != '/' {
                            next[i + 1] = true;
                        }
                    }
                }
                Token::Star | Token::DoubleStar => {
                    let crosses = matches!(t, Token::DoubleStar);
                    let mut on = false;
                    for i in 0..=n {
                        on |= reach[i];
                        next[i] = on;
                        if i < n && s[i] == '/' && !crosses {
                            on = false;
                        }
                    }
                }
            }
            reach = next;
        }
        reach[n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Glob::new(p).unwrap().matches(s)
    }

    #[test]
    fn segments_and_crossing() {
        assert!(m("ghcr.io/acme/*", "ghcr.io/acme/app"));
        assert!(!m("ghcr.io/acme/*", "ghcr.io/acme/team/app"));
        assert!(m("ghcr.io/acme/**", "ghcr.io/acme/team/app"));
        assert!(m("ghcr.io/acme/**", "ghcr.io/acme/app"));
        assert!(!m("ghcr.io/acme/**", "ghcr.io/acme-evil/app"));
        assert!(!m("ghcr.io/acme/*", "ghcr.io/acme-evil/app"));
        assert!(m("**", "docker.io/library/nginx"));
        assert!(m("localhost:*/app", "localhost:5000/app"));
        assert!(m("docker.io/library/nginx", "docker.io/library/nginx"));
        assert!(!m("docker.io/library/nginx", "docker.io/library/nginx2"));
        assert!(m("app?", "app1"));
        assert!(!m("app?", "app/"));
        assert!(m("oci:**", "oci:testdata/oci/app"));
    }

    #[test]
    fn refused_patterns() {
        assert_eq!(Glob::new(""), Err(GlobError::Empty));
        assert_eq!(Glob::new("a/***"), Err(GlobError::TripleStar));
        assert!(matches!(
            Glob::new("a/[bc]"),
            Err(GlobError::Unsupported(_))
        ));
    }

    #[test]
    fn long_inputs_stay_linear() {
        let p = "*a*a*a*a*a*a*a*a*a*a*b";
        let s = "a".repeat(5000);
        let start = std::time::Instant::now();
        assert!(!m(p, &s));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }
}

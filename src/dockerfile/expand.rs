//! Variable substitution in one Dockerfile word, as BuildKit's shell lexer does it for
//! `FROM`, `ARG`/`ENV` values and instruction flags: `$VAR`, `${VAR}`, `${VAR:-word}`,
//! `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?message}` and `${VAR?message}`,
//! single quotes (literal), double quotes (substitution inside) and the escape character.
//! Quotes and escapes are removed from the result.
//!
//! The pattern operators of newer frontends (`${VAR#…}`, `${VAR%…}`, `${VAR/…}`) are refused
//! with an error rather than guessed at, nesting is bounded so hostile input cannot
//! exhaust the stack, and so is the length of the result.

/// Deepest `${A:-${B:-…}}` nesting accepted.
pub const MAX_DEPTH: usize = 32;

/// Longest text one word may expand to (`ENV A=$A$A` repeated doubles it on every line).
pub const MAX_WORD_BYTES: usize = 1 << 20;

/// Why a word could not be expanded; `offset` is a byte offset into the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    pub offset: usize,
    pub message: String,
}

/// Looks a variable up: `Some(value)` when set (possibly to ""), `None` when unset.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Expands one word.
pub fn expand(word: &str, escape: char, vars: Lookup<'_>) -> Result<String, ExpandError> {
    expand_tracked(word, escape, vars).map(|(text, _)| text)
}

/// Expands one word and names the unset variables whose value the result needed: `$X` and
/// `${X}` with `X` unset (each expands to nothing). `${X:-word}`, `${X:+word}` and the other
/// operators supply their own text, so an unset `X` there is not missing.
pub fn expand_tracked(
    word: &str,
    escape: char,
    vars: Lookup<'_>,
) -> Result<(String, Vec<String>), ExpandError> {
    let mut e = Expander {
        chars: word.char_indices().collect(),
        pos: 0,
        end: word.len(),
        escape,
        vars,
        missing: Vec::new(),
    };
    let text = e.word(false, true, 0)?;
    Ok((text, e.missing))
}

struct Expander<'a> {
    chars: Vec<(usize, char)>,
    pos: usize,
    end: usize,
    escape: char,
    vars: Lookup<'a>,
    missing: Vec<String>,
}

impl Expander<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.end, |&(o, _)| o)
    }

    fn error(&self, message: impl Into<String>) -> ExpandError {
        ExpandError {
            offset: self.offset(),
            message: message.into(),
        }
    }

    fn error_at(offset: usize, message: impl Into<String>) -> ExpandError {
        ExpandError {
            offset,
            message: message.into(),
        }
    }

    /// A word up to the end, or (inside `${…}`) up to the closing brace, which is left for
    /// the caller. With `active` false the text is parsed but nothing is looked up and no
    /// `:?` error fires (the branch of a `:-`/`:+` that is not taken).
    fn word(&mut self, in_braces: bool, active: bool, depth: usize) -> Result<String, ExpandError> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if in_braces && c == '}' {
                return Ok(out);
            }
            match c {
                '\'' => {
                    let at = self.offset();
                    self.bump();
                    loop {
                        match self.bump() {
                            Some('\'') => break,
                            Some(c) => out.push(c),
                            None => return Err(Self::error_at(at, "unterminated single quote")),
                        }
                    }
                }
                '"' => {
                    let at = self.offset();
                    self.bump();
                    loop {
                        match self.peek() {
                            Some('"') => {
                                self.bump();
                                break;
                            }
                            Some('$') => {
                                let at = self.offset();
                                let value = self.dollar(active, depth)?;
                                Self::append(&mut out, &value, at)?;
                            }
                            Some(c) if c == self.escape => {
                                self.bump();
                                match self.bump() {
                                    Some(n) if n == '"' || n == '$' || n == self.escape => {
                                        out.push(n)
                                    }
                                    Some(n) => {
                                        out.push(self.escape);
                                        out.push(n);
                                    }
                                    None => {
                                        return Err(Self::error_at(
                                            at,
                                            "unterminated double quote",
                                        ));
                                    }
                                }
                            }
                            Some(c) => {
                                self.bump();
                                out.push(c);
                            }
                            None => return Err(Self::error_at(at, "unterminated double quote")),
                        }
                    }
                }
                '$' => {
                    let at = self.offset();
                    let value = self.dollar(active, depth)?;
                    Self::append(&mut out, &value, at)?;
                }
                c if c == self.escape => {
                    self.bump();
                    out.push(self.bump().unwrap_or(self.escape));
                }
                c => {
                    self.bump();
                    out.push(c);
                }
            }
        }
        Ok(out)
    }

    /// Appends the value of the substitution at `at`, refusing a result over
    /// [`MAX_WORD_BYTES`] (literal text cannot outgrow the input; substitutions can).
    fn append(out: &mut String, value: &str, at: usize) -> Result<(), ExpandError> {
        if out.len() + value.len() > MAX_WORD_BYTES {
            return Err(Self::error_at(
                at,
                format!("the substitution expands to more than {MAX_WORD_BYTES} bytes"),
            ));
        }
        out.push_str(value);
        Ok(())
    }

    fn lookup(&self, name: &str, active: bool) -> Option<String> {
        if active { (self.vars)(name) } else { None }
    }

    /// A plain `$X` / `${X}`: its value, noting an unset `X` as missing.
    fn plain(&mut self, name: String, active: bool) -> String {
        match self.lookup(&name, active) {
            Some(v) => v,
            None => {
                if active && !self.missing.contains(&name) {
                    self.missing.push(name);
                }
                String::new()
            }
        }
    }

    /// At a `$`: a substitution, or a literal `$` when no name follows.
    fn dollar(&mut self, active: bool, depth: usize) -> Result<String, ExpandError> {
        let at = self.offset();
        self.bump();
        match self.peek() {
            Some('{') => {
                self.bump();
                self.braced(at, active, depth)
            }
            Some(c) if c.is_ascii_digit() => {
                self.bump();
                Ok(self.plain(c.to_string(), active))
            }
            Some(c) if is_name_char(c) => {
                let name = self.name();
                Ok(self.plain(name, active))
            }
            _ => Ok("$".to_string()),
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek().filter(|&c| is_name_char(c)) {
            self.bump();
            name.push(c);
        }
        name
    }

    /// After `${`.
    fn braced(&mut self, at: usize, active: bool, depth: usize) -> Result<String, ExpandError> {
        if depth >= MAX_DEPTH {
            return Err(Self::error_at(
                at,
                format!("variable substitution nested more than {MAX_DEPTH} deep"),
            ));
        }
        let name = self.name();
        if name.is_empty() {
            return Err(Self::error_at(
                at,
                "bad substitution: no variable name after ${",
            ));
        }
        let value = self.lookup(&name, active);
        let colon = self.peek() == Some(':');
        if colon {
            self.bump();
        }
        let op = match self.peek() {
            Some('}') if !colon => {
                self.bump();
                return Ok(match value {
                    Some(v) => v,
                    None => self.plain(name, active),
                });
            }
            Some(op @ ('-' | '+' | '?')) => {
                self.bump();
                op
            }
            None => return Err(Self::error_at(at, format!("missing '}}' after ${{{name}"))),
            Some(other) => {
                return Err(self.error(format!(
                    "unsupported substitution ${{{name}{}{other}…}}: only ${{VAR}}, ${{VAR:-word}}, \
${{VAR-word}}, ${{VAR:+word}}, ${{VAR+word}}, ${{VAR:?message}} and ${{VAR?message}} are understood",
                    if colon { ":" } else { "" }
                )));
            }
        };
        let present = match &value {
            Some(v) => !colon || !v.is_empty(),
            None => false,
        };
        let uses_word = match op {
            '-' => !present,
            '+' => present,
            _ => !present,
        };
        let word = self.word(true, active && uses_word, depth + 1)?;
        if self.bump() != Some('}') {
            return Err(Self::error_at(at, format!("missing '}}' after ${{{name}")));
        }
        Ok(match op {
            '-' if present => value.unwrap_or_default(),
            '-' => word,
            '+' if present => word,
            '+' => String::new(),
            _ if present => value.unwrap_or_default(),
            _ if !active => String::new(),
            _ => {
                let why = if word.is_empty() {
                    format!("{name}: parameter not set or empty")
                } else {
                    format!("{name}: {word}")
                };
                return Err(Self::error_at(at, why));
            }
        })
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn with(vars: &[(&str, &str)], word: &str) -> Result<String, ExpandError> {
        with_escape(vars, word, '\\')
    }

    fn with_escape(vars: &[(&str, &str)], word: &str, esc: char) -> Result<String, ExpandError> {
        let map: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        expand(word, esc, &|n| map.get(n).cloned())
    }

    #[test]
    fn substitutions() {
        let v = [("A", "alpha"), ("E", ""), ("REG", "r.io:5000")];
        let cases = [
            ("$A", "alpha"),
            ("${A}", "alpha"),
            ("x$A-y", "xalpha-y"),
            ("$A_", ""),
            ("${A}_", "alpha_"),
            ("$NOPE", ""),
            ("${NOPE:-d}", "d"),
            ("${NOPE-d}", "d"),
            ("${E:-d}", "d"),
            ("${E-d}", ""),
            ("${A:-d}", "alpha"),
            ("${A:+set}", "set"),
            ("${E:+set}", ""),
            ("${E+set}", "set"),
            ("${NOPE+set}", ""),
            ("${NOPE:-${A}-${E:-x}}", "alpha-x"),
            ("${REG}/app:${T:-1.0}", "r.io:5000/app:1.0"),
            ("$", "$"),
            ("a$-b", "a$-b"),
            ("$1x", "x"),
            ("'$A'", "$A"),
            ("\"$A b\"", "alpha b"),
            ("\\$A", "$A"),
            ("\"\\$A\\x\"", "$A\\x"),
            ("${NOPE:-'}'}", "}"),
            ("${A:?must}", "alpha"),
            ("${A:-${NOPE:?not evaluated}}", "alpha"),
            ("a}b", "a}b"),
        ];
        for (word, want) in cases {
            assert_eq!(with(&v, word).unwrap(), want, "{word}");
        }
        assert_eq!(with_escape(&v, "`$A\\", '`').unwrap(), "$A\\");
    }

    #[test]
    fn unset_variables_are_tracked() {
        let vars = |n: &str| (n == "A").then(|| "alpha".to_string());
        let cases: [(&str, &[&str]); 7] = [
            ("$A", &[]),
            ("$B:${C}", &["B", "C"]),
            ("${B:-x}", &[]),
            ("${B-x}${B+y}", &[]),
            ("${A:-$B}", &[]),
            ("${B:-$C}", &["C"]),
            ("'$B'$B$B", &["B"]),
        ];
        for (word, want) in cases {
            let (_, missing) = expand_tracked(word, '\\', &vars).unwrap();
            assert_eq!(missing, want, "{word}");
        }
    }

    #[test]
    fn errors_point_into_the_word() {
        let v = [("E", "")];
        let cases = [
            ("ab${", 2, "bad substitution"),
            ("${A", 0, "missing '}'"),
            ("x${A:-b", 1, "missing '}'"),
            ("${A#x}", 3, "unsupported substitution"),
            ("${A:=x}", 4, "unsupported substitution"),
            ("${E:?need E}", 0, "E: need E"),
            ("${NOPE?}", 0, "NOPE: parameter not set"),
            ("a'b", 1, "unterminated single quote"),
            ("\"b", 0, "unterminated double quote"),
        ];
        for (word, offset, msg) in cases {
            let e = with(&v, word).unwrap_err();
            assert_eq!(e.offset, offset, "{word}: {e:?}");
            assert!(e.message.contains(msg), "{word}: {e:?}");
        }
        let deep = format!("{}x{}", "${A:-".repeat(100), "}".repeat(100));
        assert!(with(&[], &deep).unwrap_err().message.contains("nested"));
        let ok = format!("{}x{}", "${A:-".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert_eq!(with(&[], &ok).unwrap(), "x");
    }

    #[test]
    fn results_are_bounded() {
        let half = "x".repeat(MAX_WORD_BYTES / 2);
        let v = [("H", half.as_str())];
        assert_eq!(with(&v, "$H${H}").unwrap().len(), MAX_WORD_BYTES);
        // (Literal text is bounded by the input; substitutions are what can grow.)
        for word in ["x$H${H}", "\"$H$H$H\"", "${NOPE:-$H$H$H}", "$H${H:+y}$H"] {
            match with(&v, word) {
                Ok(text) => panic!("{word}: expanded to {} bytes", text.len()),
                Err(e) => assert!(
                    e.message.contains("expands to more than 1048576 bytes"),
                    "{word}: {e:?}"
                ),
            }
        }
    }
}

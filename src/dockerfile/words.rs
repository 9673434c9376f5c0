//! Splitting an instruction's arguments into words, and its leading `--flag[=value]`s.
//!
//! Words are split on blanks outside quotes; quotes and escapes stay in the word's raw text
//! (they are removed later, when the word is expanded), and each word remembers where it
//! starts so that errors can point at it.

/// One blank-separated word of a logical line, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text as written, quotes and escapes included.
    pub raw: String,
    /// Byte offsets of the word in the text it was split from.
    pub start: usize,
    pub end: usize,
}

/// A `--name[=value]` flag before an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name without the dashes (`platform`, `from`, `mount`).
    pub name: String,
    /// The value as written (unexpanded, quotes kept); None for a bare `--name`.
    pub value: Option<String>,
    /// Byte offset of the `--` and of the value in the logical line.
    pub start: usize,
    pub value_start: usize,
}

/// Splits `text` into words on blanks outside quotes. An escape character protects the next
/// character (outside single quotes); an unterminated quote runs to the end of the text.
pub fn split(text: &str, escape: char) -> Vec<Word> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        let Some(s) = start else {
            if !c.is_whitespace() {
                start = Some(i);
                match c {
                    '\'' | '"' => quote = Some(c),
                    c if c == escape => escaped = true,
                    _ => {}
                }
            }
            continue;
        };
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == escape => escaped = true,
            Some(_) => {}
            None if c.is_whitespace() => {
                words.push(word(text, s, i));
                start = None;
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == escape => escaped = true,
            None => {}
        }
    }
    if let Some(s) = start {
        words.push(word(text, s, text.len()));
    }
    words
}

fn word(text: &str, start: usize, end: usize) -> Word {
    Word {
        raw: text.get(start..end).unwrap_or_default().to_string(),
        start,
        end,
    }
}

/// Takes the leading `--flag[=value]` words; a bare `--` ends the flags and is consumed.
/// Returns the flags and the remaining words.
pub fn take_flags(words: &[Word]) -> (Vec<Flag>, &[Word]) {
    let mut flags = Vec::new();
    let mut n = 0;
    for w in words {
        let Some(body) = w.raw.strip_prefix("--") else {
            break;
        };
        n += 1;
        if body.is_empty() {
            break;
        }
        let (name, value) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (body, None),
        };
        flags.push(Flag {
            name: name.to_string(),
            value,
            start: w.start,
            value_start: w.start + 2 + name.len() + 1,
        });
    }
    (flags, words.get(n..).unwrap_or_default())
}

/// The strings of an exec-form argument list (`["a", "b"]`), or None for the shell form.
pub fn json_array(text: &str) -> Option<Vec<String>> {
    let t = text.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str(t).ok()
}

/// Splits a `--mount` value into `key=value` fields on commas outside quotes (CSV as
/// BuildKit reads it). Returns (key lower-cased, raw value, byte offset of the value within
/// `text`); a field without `=` has an empty value.
pub fn csv_fields(text: &str) -> Vec<(String, String, usize)> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut push = |from: usize, to: usize| {
        let field = text.get(from..to).unwrap_or_default();
        let (key, value, offset) = match field.split_once('=') {
            Some((k, v)) => (k, v, from + k.len() + 1),
            None => (field, "", to),
        };
        fields.push((key.trim().to_ascii_lowercase(), value.to_string(), offset));
    };
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ',' => {
                push(start, i);
                start = i + 1;
            }
            None => {}
        }
    }
    push(start, text.len());
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raws(text: &str, escape: char) -> Vec<String> {
        split(text, escape).into_iter().map(|w| w.raw).collect()
    }

    #[test]
    fn splits_on_blanks_outside_quotes() {
        assert_eq!(raws("  a  b\tc ", '\\'), ["a", "b", "c"]);
        assert_eq!(
            raws(r#"--x="a b" 'c d'e f\ g "h\"i j""#, '\\'),
            [r#"--x="a b""#, "'c d'e", r"f\ g", r#""h\"i j""#]
        );
        assert_eq!(raws("a` b c", '`'), ["a` b", "c"]);
        assert_eq!(raws("'open quote", '\\'), ["'open quote"]);
        let w = split("ab  cd", '\\');
        assert_eq!((w[1].start, w[1].end), (4, 6));
    }

    #[test]
    fn flags_stop_at_the_first_argument() {
        let words = split("--platform=$P --link -- --not-a-flag x", '\\');
        let (flags, rest) = take_flags(&words);
        assert_eq!(flags.len(), 2);
        assert_eq!(flags[0].name, "platform");
        assert_eq!(flags[0].value.as_deref(), Some("$P"));
        assert_eq!(flags[0].value_start, 11);
        assert_eq!(flags[1].value, None);
        assert_eq!(rest.len(), 2);
        assert_eq!(rest[0].raw, "--not-a-flag");
    }

    #[test]
    fn exec_form_and_csv() {
        assert_eq!(
            json_array(r#" ["a", "b"] "#),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(json_array("[not json"), None);
        assert_eq!(json_array("echo [x]"), None);
        let f = csv_fields(r#"type=bind,FROM="a,b",target=/x,ro"#);
        assert_eq!(f[0], ("type".into(), "bind".into(), 5));
        assert_eq!(f[1], ("from".into(), r#""a,b""#.into(), 15));
        assert_eq!(f[3], ("ro".into(), String::new(), 33));
    }
}

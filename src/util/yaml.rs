//! YAML parsing behind a guard. The YAML parser sigil uses follows libyaml's algorithm, which
//! slows down with the square of the nesting depth of flow collections: `[[[[…` 40,000 deep
//! took it 2.3 s here, 200,000 deep (a 400 KB file) more than 30 s. Trust files, data
//! documents and policy inputs are YAML, so every parse goes through [`parse`]:
//! - a document whose brackets nest deeper than [`MAX_NESTING`] is refused at once. The count
//!   ignores quoting (a bracket inside a string counts too), so a legitimate file is refused
//!   only if it holds over a thousand unbalanced brackets; the deserializer refuses more than
//!   128 levels anyway;
//! - any parse still running after [`PARSE_DEADLINE`] is abandoned with an error: a file that
//!   hides its depth from the count (closing brackets in strings) ends here.

use std::time::Duration;

/// Deepest bracket nesting looked at.
pub const MAX_NESTING: usize = 1000;

/// Longest a YAML parse may run.
pub const PARSE_DEADLINE: Duration = Duration::from_secs(10);

/// Why a document was not handed to the parser, or the parser was given up on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("brackets nest more than {MAX_NESTING} deep (line {line})")]
    TooDeep { line: usize },
    #[error(
        "the YAML parser did not finish within {}s (deeply nested flow collections?)",
        PARSE_DEADLINE.as_secs()
    )]
    TooSlow,
}

/// Runs `parse` on `text` on a worker thread, unless the text nests too deep; gives up after
/// [`PARSE_DEADLINE`] (the worker is left to finish on its own: parsing has no side effects).
pub fn parse<T, E>(text: &str, parse: fn(&str) -> Result<T, E>) -> Result<Result<T, E>, GuardError>
where
    T: Send + 'static,
    E: Send + 'static,
{
    check_nesting(text)?;
    let owned = text.to_owned();
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("yaml".into())
        .spawn(move || {
            let _ = tx.send(parse(&owned));
        })
        // No thread to spare: parse here, without the deadline.
        .map_or_else(
            |_| Ok(parse(text)),
            |_| {
                rx.recv_timeout(PARSE_DEADLINE)
                    .map_err(|_| GuardError::TooSlow)
            },
        )
}

/// Refuses text whose `[`/`{` nest more than [`MAX_NESTING`] deep, counting every bracket.
fn check_nesting(text: &str) -> Result<(), GuardError> {
    let mut depth = 0usize;
    let mut line = 1;
    for b in text.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(GuardError::TooDeep { line });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => line += 1,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Result<serde_json::Value, String> {
        yaml_serde::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn ordinary_documents_parse() {
        let v = parse("a: [1, {b: '[['}]\n", yaml).unwrap().unwrap();
        assert_eq!(v, serde_json::json!({"a": [1, {"b": "[["}]}));
        assert!(
            parse("a: [\n", yaml).unwrap().is_err(),
            "a YAML error is the parser's"
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("a:\n  b: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
        let started = std::time::Instant::now();
        assert_eq!(
            parse(&deep, yaml).unwrap_err(),
            GuardError::TooDeep { line: 2 }
        );
        assert!(started.elapsed() < Duration::from_secs(1));
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(check_nesting(&ok).is_ok());
    }
}

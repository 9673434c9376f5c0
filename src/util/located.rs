//! Where in a file a parse went wrong, for messages of the form `path:line:col: message`.
//! serde_json and the YAML parser both append " at line L column C" to their messages; the
//! position is taken out and shown in front instead, like a compiler's.

/// A parse error with its 1-based line and column (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Located {
    pub fn json(e: &serde_json::Error) -> Located {
        Located {
            line: e.line(),
            column: e.column(),
            message: strip_location(&e.to_string()),
        }
    }

    pub fn yaml(e: &yaml_serde::Error) -> Located {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let message = strip_location(&e.to_string());
        // The parser puts the path of the value in front; a message that already names it
        // needs it once.
        let message = match message.split_once(": ") {
            Some((path, rest)) if rest.contains(&format!("`{path}")) => rest.to_string(),
            _ => message,
        };
        Located {
            line,
            column,
            message,
        }
    }
}

/// `:line:col`, `:line` or nothing, as much as is known.
pub fn position(line: usize, column: usize) -> String {
    match (line, column) {
        (0, _) => String::new(),
        (l, 0) => format!(":{l}"),
        (l, c) => format!(":{l}:{c}"),
    }
}

/// The message without the " at line L column C" its parser appended.
pub fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

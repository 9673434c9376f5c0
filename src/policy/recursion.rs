//! Rejects recursive functions before evaluation. Rego forbids recursion (OPA refuses to
//! compile it); regorus detects a rule that depends on itself while evaluating, but a
//! function that calls itself, directly or through other functions, would recurse until the
//! process's stack overflows. So the function call graph is built from the source (a small
//! tokenizer: comments and strings skipped, brackets tracked) and any cycle is an error that
//! names the functions, files and lines.
//!
//! Cycles through rules are left to regorus, which reports them when evaluating.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Sym(char),
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: u32,
    /// True when this is the first token of its line.
    first: bool,
}

fn tokenize(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let mut line_start = true;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            line_start = true;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let first = std::mem::take(&mut line_start);
        let (tok, start_line) = (
            if c == '#' {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                line_start = first;
                continue;
            } else if c == '"' {
                i += 1;
                while i < chars.len() && chars[i] != '"' && chars[i] != '\n' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                Tok::Other
            } else if c == '`' {
                i += 1;
                while i < chars.len() && chars[i] != '`' {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 1;
                Tok::Other
            } else if c.is_ascii_alphabetic() || c == '_' {
                let s = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                Tok::Ident(chars[s..i].iter().collect())
            } else if c.is_ascii_digit() {
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                Tok::Other
            } else {
                i += 1;
                Tok::Sym(c)
            },
            line,
        );
        out.push(Token {
            tok,
            line: start_line,
            first,
        });
    }
    out
}

/// A function node: package and name.
type Node = (String, String);

/// What one module contributes: its function definitions and their calls.
#[derive(Debug, Default)]
struct ModuleFns {
    package: String,
    /// function name → first line defined
    defs: BTreeMap<String, u32>,
    /// (caller, callee package, callee name, line)
    calls: Vec<(String, String, String, u32)>,
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Ident(s)) => Some(s),
        _ => None,
    }
}

fn sym(t: Option<&Token>, c: char) -> bool {
    matches!(t.map(|t| &t.tok), Some(Tok::Sym(x)) if *x == c)
}

/// Reads a dotted chain `a.b.c` starting at `i`; returns the parts and the index after.
fn chain(toks: &[Token], mut i: usize) -> (Vec<String>, usize) {
    let mut parts = Vec::new();
    while let Some(name) = ident(toks.get(i)) {
        parts.push(name.to_string());
        if sym(toks.get(i + 1), '.') && ident(toks.get(i + 2)).is_some() {
            i += 2;
        } else {
            i += 1;
            break;
        }
    }
    (parts, i)
}

fn scan_module(src: &str) -> ModuleFns {
    let toks = tokenize(src);
    let mut m = ModuleFns::default();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut depth: i32 = 0;
    let mut current: Option<String> = None;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match &t.tok {
            Tok::Sym('(' | '[' | '{') => {
                depth += 1;
                i += 1;
            }
            Tok::Sym(')' | ']' | '}') => {
                depth -= 1;
                i += 1;
            }
            Tok::Ident(word) if depth == 0 && t.first && word == "package" => {
                let (parts, next) = chain(&toks, i + 1);
                m.package = parts.join(".");
                current = None;
                i = next;
            }
            Tok::Ident(word) if depth == 0 && t.first && word == "import" => {
                let (parts, mut next) = chain(&toks, i + 1);
                let mut alias = parts.last().cloned().unwrap_or_default();
                if ident(toks.get(next)) == Some("as")
                    && let Some(a) = ident(toks.get(next + 1))
                {
                    alias = a.to_string();
                    next += 2;
                }
                if parts.first().map(String::as_str) == Some("data") {
                    aliases.insert(alias, parts[1..].join("."));
                }
                current = None;
                i = next;
            }
            Tok::Ident(word) if depth == 0 && t.first && word != "else" => {
                // A rule or function head.
                let (parts, next) = chain(&toks, i);
                let head = if parts.first().map(String::as_str) == Some("default") {
                    None
                } else if sym(toks.get(next), '(') && parts.len() == 1 {
                    Some(parts[0].clone())
                } else {
                    None
                };
                if let Some(f) = &head {
                    m.defs.entry(f.clone()).or_insert(t.line);
                    // Skip the head's own `(`: its arguments are not calls.
                    depth += 1;
                    current = head.clone();
                    i = next + 1;
                } else {
                    current = None;
                    i = next;
                }
            }
            Tok::Ident(_) => {
                let preceded_by_dot = i > 0 && sym(toks.get(i - 1), '.');
                let (parts, next) = chain(&toks, i);
                if let Some(caller) = &current
                    && !preceded_by_dot
                    && sym(toks.get(next), '(')
                {
                    let name = parts.last().cloned().unwrap_or_default();
                    let package = match parts.len() {
                        1 => Some(m.package.clone()),
                        _ if parts[0] == "data" => Some(parts[1..parts.len() - 1].join(".")),
                        _ => aliases.get(&parts[0]).map(|p| {
                            let mut path = vec![p.clone()];
                            path.extend(parts[1..parts.len() - 1].iter().cloned());
                            path.join(".")
                        }),
                    };
                    if let Some(package) = package {
                        m.calls.push((caller.clone(), package, name, t.line));
                    }
                }
                i = next;
            }
            _ => i += 1,
        }
    }
    m
}

/// Checks modules `(label, source)` for recursive functions; the error names the cycle.
pub fn check(modules: &[(&str, &str)]) -> Result<(), String> {
    let scanned: Vec<(&str, ModuleFns)> = modules
        .iter()
        .map(|(label, src)| (*label, scan_module(src)))
        .collect();
    let mut defined: BTreeMap<Node, (String, u32)> = BTreeMap::new();
    for (label, m) in &scanned {
        for (f, line) in &m.defs {
            defined
                .entry((m.package.clone(), f.clone()))
                .or_insert((label.to_string(), *line));
        }
    }
    let mut edges: BTreeMap<Node, BTreeSet<(Node, u32)>> = BTreeMap::new();
    for (_, m) in &scanned {
        for (caller, pkg, name, line) in &m.calls {
            let callee = (pkg.clone(), name.clone());
            if defined.contains_key(&callee) {
                edges
                    .entry((m.package.clone(), caller.clone()))
                    .or_default()
                    .insert((callee, *line));
            }
        }
    }
    // Depth-first search for a cycle, iteratively (a deep call graph must not overflow us).
    let mut state: BTreeMap<&Node, u8> = BTreeMap::new(); // 1 on the path, 2 done
    for start in defined.keys() {
        if state.contains_key(start) {
            continue;
        }
        let mut path: Vec<(&Node, Vec<&Node>)> = Vec::new();
        let succ = |n: &Node| -> Vec<&Node> {
            edges
                .get(n)
                .map(|s| s.iter().map(|(c, _)| c).collect())
                .unwrap_or_default()
        };
        state.insert(start, 1);
        path.push((start, succ(start)));
        while let Some((node, next)) = path.last_mut() {
            let node: &Node = node;
            match next.pop() {
                Some(n) => match state.get(n) {
                    Some(1) => {
                        let from = path.iter().position(|(p, _)| *p == n).unwrap_or(0);
                        let mut cycle: Vec<String> = path[from..]
                            .iter()
                            .map(|(p, _)| describe(p, &defined))
                            .collect();
                        cycle.push(describe(n, &defined));
                        return Err(format!(
                            "recursion is not allowed in Rego: {}",
                            cycle.join(" calls ")
                        ));
                    }
                    Some(_) => {}
                    None => {
                        let key = defined.get_key_value(n).map(|(k, _)| k).unwrap_or(n);
                        state.insert(key, 1);
                        let s = succ(n);
                        path.push((key, s));
                    }
                },
                None => {
                    state.insert(node, 2);
                    path.pop();
                }
            }
        }
    }
    Ok(())
}

fn describe(n: &Node, defined: &BTreeMap<Node, (String, u32)>) -> String {
    match defined.get(n) {
        Some((file, line)) => format!("data.{}.{} ({file}:{line})", n.0, n.1),
        None => format!("data.{}.{}", n.0, n.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_recursion() {
        let src = "package main\n\nf(x) := y if y := f(x + 1)\n";
        let e = check(&[("a.rego", src)]).unwrap_err();
        assert!(
            e.contains("data.main.f (a.rego:3) calls data.main.f"),
            "{e}"
        );
    }

    #[test]
    fn mutual_recursion_across_packages() {
        let a = "package a\nimport data.b\n\nf(x) := b.g(x)\n";
        let b = "package b\n\ng(x) := data.a.f(x) if {\n  x > 0 # f(x) in a comment\n}\n";
        let e = check(&[("a.rego", a), ("b.rego", b)]).unwrap_err();
        assert!(e.contains("data.a.f") && e.contains("data.b.g"), "{e}");
    }

    #[test]
    fn no_false_positives() {
        let lib = "package lib\n\nf(x) := x + 1\n\ng(x) := f(x) * 2\n";
        let main = "package main\nimport data.lib\n\n# f(x) := f(x)\nf(x) := lib.f(x)\n\
                    msg := \"f(1)\"\n\ndeny contains m if {\n  m := sprintf(\"%v\", [f(1)])\n}\n\
                    h(x) := y if {\n  y := g(x)\n} else := 0\n\ng(x) := x\n";
        check(&[("lib.rego", lib), ("main.rego", main)]).unwrap();
        // The built-in library has no recursion.
        let files: Vec<(&str, &str)> = super::super::builtin::FILES
            .iter()
            .filter(|f| f.path.ends_with(".rego"))
            .map(|f| (f.path, f.contents))
            .collect();
        check(&files).unwrap();
    }

    #[test]
    fn else_branches_belong_to_the_function() {
        let src = "package p\n\nf(x) := 1 if {\n  x == 0\n} else := y if {\n  y := f(x - 1)\n}\n";
        assert!(check(&[("p.rego", src)]).is_err());
    }
}

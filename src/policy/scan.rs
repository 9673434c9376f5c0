//! Finds candidate rule names in Rego source text: the conftest rules (`deny`, `warn`,
//! `violation`, optionally `_suffix`) and tests (`test_*`, `todo_test_*`). Candidates are
//! then confirmed against the parsed module, so a local variable that happens to look like
//! one is dropped.

/// The kind of a rule by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Deny,
    Warn,
    Test,
    SkippedTest,
}

/// Classifies a rule name as conftest and `opa test` do.
pub fn classify(name: &str) -> Option<RuleKind> {
    let prefixed = |p: &str| name == p || name.strip_prefix(p).is_some_and(|r| r.starts_with('_'));
    if prefixed("deny") || prefixed("violation") {
        Some(RuleKind::Deny)
    } else if prefixed("warn") {
        Some(RuleKind::Warn)
    } else if name.starts_with("test_") {
        Some(RuleKind::Test)
    } else if name.starts_with("todo_test_") {
        Some(RuleKind::SkippedTest)
    } else {
        None
    }
}

/// Names at the start of a line (after indentation) that may head a rule of interest,
/// in order of first appearance, without duplicates. Functions (`name(`) are left out.
pub fn candidates(source: &str) -> Vec<(String, RuleKind)> {
    let mut out: Vec<(String, RuleKind)> = Vec::new();
    for line in source.lines() {
        let line = line.trim_start();
        let end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let (name, rest) = line.split_at(end);
        if name.is_empty() || rest.starts_with('(') {
            continue;
        }
        let rest = rest.trim_start();
        let heads_rule = rest.is_empty()
            || rest.starts_with('[')
            || rest.starts_with('{')
            || rest.starts_with(":=")
            || rest.starts_with('=')
            || rest.starts_with("contains ")
            || rest.starts_with("if ")
            || rest.starts_with("if{")
            || rest.starts_with('#');
        if !heads_rule {
            continue;
        }
        if let Some(kind) = classify(name)
            && !out.iter().any(|(n, _)| n == name)
        {
            out.push((name.to_string(), kind));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_conftest_names() {
        assert_eq!(classify("deny"), Some(RuleKind::Deny));
        assert_eq!(classify("deny_root"), Some(RuleKind::Deny));
        assert_eq!(classify("violation"), Some(RuleKind::Deny));
        assert_eq!(classify("warn_x"), Some(RuleKind::Warn));
        assert_eq!(classify("denyx"), None);
        assert_eq!(classify("warning"), None);
        assert_eq!(classify("test_a"), Some(RuleKind::Test));
        assert_eq!(classify("todo_test_a"), Some(RuleKind::SkippedTest));
        assert_eq!(classify("allow"), None);
    }

    #[test]
    fn finds_rule_heads_not_functions() {
        let src = "package main\n\ndeny contains msg if {\n  msg := \"x\"\n}\ndeny[msg] {\n}\n\
                   warn_old := true\ndeny_f(x) := x\ntest_one if {\n  true\n}\nviolation\n";
        let names: Vec<String> = candidates(src).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["deny", "warn_old", "test_one", "violation"]);
    }
}

//! SARIF 2.1.0, as GitHub code scanning reads it: one run whose tool driver is `sigil` with
//! a rule per code (id, name, help text, default level), and a result per finding with its
//! level (`error` for deny, `warning` for warn) and, for a file, a physical location (the
//! path relative to the working directory as a URI, start line and column). A subject that
//! could not be judged is an `error` result under its error code, and makes the invocation
//! unsuccessful.

use std::path::Path;

use serde_json::{Value as Json, json};

use super::{Report, Severity, SubjectKind};

/// The SARIF log of a report; `cwd` makes absolute paths relative where it can.
pub fn render(report: &Report, cwd: Option<&Path>) -> Json {
    let codes = report.codes();
    let mut codes = codes;
    for s in &report.subjects {
        if let Some(e) = &s.error
            && !codes.contains(&e.code)
        {
            codes.push(e.code.clone());
        }
    }
    let rules: Vec<Json> = codes
        .iter()
        .map(|code| {
            let info = report.rule(code);
            json!({
                "id": info.code,
                "name": info.name,
                "shortDescription": {"text": info.help},
                "help": {"text": info.help},
                "defaultConfiguration": {"level": "error"},
            })
        })
        .collect();
    let index = |code: &str| codes.iter().position(|c| c == code);

    let mut results = Vec::new();
    for s in &report.subjects {
        let location = |line: Option<(usize, usize)>| -> Json {
            match s.kind {
                SubjectKind::File => {
                    let mut physical = json!({
                        "artifactLocation": {"uri": uri(&s.name, cwd)},
                    });
                    if let Some((line, column)) = line {
                        physical["region"] = json!({"startLine": line, "startColumn": column});
                    }
                    json!({"physicalLocation": physical})
                }
                SubjectKind::Image => json!({
                    "logicalLocations": [{"fullyQualifiedName": s.name, "kind": "resource"}]
                }),
            }
        };
        for f in &s.findings {
            let mut r = json!({
                "ruleId": f.code,
                "level": match f.severity { Severity::Deny => "error", Severity::Warn => "warning" },
                "message": {"text": f.message},
                "locations": [location(f.location.map(|l| (l.line, l.column)))],
            });
            if let Some(i) = index(&f.code) {
                r["ruleIndex"] = json!(i);
            }
            results.push(r);
        }
        if let Some(e) = &s.error {
            let mut r = json!({
                "ruleId": e.code,
                "level": "error",
                "message": {"text": e.message},
                "locations": [location(e.location.map(|l| (l.line, l.column)))],
            });
            if let Some(i) = index(&e.code) {
                r["ruleIndex"] = json!(i);
            }
            results.push(r);
        }
    }
    let failed = report.subjects.iter().any(|s| s.error.is_some());
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "sigil",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": !failed}],
            "results": results,
        }],
    })
}

/// A relative URI reference for a path: relative paths as they are (without `./`),
/// absolute ones relative to `cwd` when below it, else a `file://` URI; characters outside
/// RFC 3986's unreserved set and `/` percent-encoded.
pub fn uri(path: &str, cwd: Option<&Path>) -> String {
    let p = Path::new(path);
    if p.is_absolute() {
        if let Some(rel) = cwd.and_then(|c| p.strip_prefix(c).ok()) {
            return encode(&rel.to_string_lossy());
        }
        return format!("file://{}", encode(path));
    }
    let mut rel = path;
    while let Some(rest) = rel.strip_prefix("./") {
        rel = rest;
    }
    encode(rel)
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("./a/Dockerfile", None), "a/Dockerfile");
        assert_eq!(uri("dir with space/D#1", None), "dir%20with%20space/D%231");
        assert_eq!(
            uri("/work/x/Dockerfile", Some(Path::new("/work"))),
            "x/Dockerfile"
        );
        assert_eq!(
            uri("/etc/Dockerfile", Some(Path::new("/work"))),
            "file:///etc/Dockerfile"
        );
    }

    #[test]
    fn results_rules_and_levels() {
        let report = Report {
            command: "lint".into(),
            rules: vec![catalog::lookup("SIGIL-DF-001").unwrap()],
            subjects: vec![
                Subject {
                    name: "Dockerfile".into(),
                    kind: SubjectKind::File,
                    findings: vec![
                        Finding {
                            code: "SIGIL-DF-001".into(),
                            name: None,
                            severity: Severity::Deny,
                            message: "m1".into(),
                            location: Some(Location { line: 3, column: 6 }),
                            details: Default::default(),
                        },
                        Finding {
                            code: "main.warn".into(),
                            name: None,
                            severity: Severity::Warn,
                            message: "m2".into(),
                            location: None,
                            details: Default::default(),
                        },
                    ],
                    error: None,
                },
                Subject {
                    name: "bad/Dockerfile".into(),
                    kind: SubjectKind::File,
                    findings: vec![],
                    error: Some(SubjectError {
                        code: "SIGIL-DF-PARSE".into(),
                        message: "unterminated heredoc".into(),
                        location: Some(Location { line: 2, column: 5 }),
                    }),
                },
            ],
        };
        let log = render(&report, None);
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["SIGIL-DF-001", "main.warn", "SIGIL-DF-PARSE"]);
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[0]["ruleIndex"], 0);
        let region = &results[0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 3);
        assert_eq!(region["startColumn"], 6);
        assert_eq!(results[1]["level"], "warning");
        assert!(results[1]["locations"][0]["physicalLocation"]["region"].is_null());
        assert_eq!(results[2]["ruleId"], "SIGIL-DF-PARSE");
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    }
}

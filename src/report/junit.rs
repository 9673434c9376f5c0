//! JUnit XML, as CI systems show test results: a `<testsuite>` per subject; in it a
//! `<testcase>` per finding (a `<failure>` when it denies; a warning passes and says so in
//! `<system-out>`), a passing `<testcase>` for each applied rule that found nothing, and an
//! `<error>` case when the subject could not be judged. Text is escaped, and characters XML
//! 1.0 cannot carry are replaced, so any message yields a well-formed document.

use std::fmt::Write;

use super::{Report, Severity};

/// The JUnit XML document of a report.
pub fn render(report: &Report) -> String {
    let summary = report.summary();
    let mut tests_total = 0;
    let mut suites = String::new();
    for s in &report.subjects {
        let mut cases = String::new();
        let mut tests = 0;
        let mut failures = 0;
        let mut errors = 0;
        let class = escape(&s.name);
        if let Some(e) = &s.error {
            tests += 1;
            errors += 1;
            let at = e
                .location
                .map(|l| format!("{}:{}:{}: ", s.name, l.line, l.column))
                .unwrap_or_else(|| format!("{}: ", s.name));
            let _ = write!(
                cases,
                "    <testcase classname=\"{class}\" name=\"{}\">\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>\n",
                escape(&e.code),
                escape(&e.code),
                escape(&e.message),
                escape(&format!("{at}{}", e.message)),
            );
        } else {
            for f in &s.findings {
                tests += 1;
                let at = f
                    .location
                    .map(|l| format!("{}:{}:{}", s.name, l.line, l.column))
                    .unwrap_or_else(|| s.name.clone());
                let name = match f.location {
                    Some(l) => format!("{} {}:{}", f.code, l.line, l.column),
                    None => f.code.clone(),
                };
                let body = format!("{at}: {} {}", f.code, f.message);
                match f.severity {
                    Severity::Deny => {
                        failures += 1;
                        let _ = write!(
                            cases,
                            "    <testcase classname=\"{class}\" name=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                            escape(&name),
                            escape(&f.code),
                            escape(&f.message),
                            escape(&body),
                        );
                    }
                    Severity::Warn => {
                        let _ = write!(
                            cases,
                            "    <testcase classname=\"{class}\" name=\"{}\">\n      <system-out>{}</system-out>\n    </testcase>\n",
                            escape(&name),
                            escape(&format!("warning: {body}")),
                        );
                    }
                }
            }
            for rule in &report.rules {
                if s.findings.iter().any(|f| f.code == rule.code) {
                    continue;
                }
                tests += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{class}\" name=\"{} {}\"/>",
                    escape(&rule.code),
                    escape(&rule.name),
                );
            }
        }
        tests_total += tests;
        let _ = write!(
            suites,
            "  <testsuite name=\"{class}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">\n{cases}  </testsuite>\n"
        );
    }
    let failures: usize = report
        .subjects
        .iter()
        .filter(|s| s.error.is_none())
        .map(|s| s.denials())
        .sum();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sigil {}\" tests=\"{tests_total}\" failures=\"{failures}\" errors=\"{}\">\n{suites}</testsuites>\n",
        escape(&report.command),
        summary.errors,
    )
}

/// Escapes text for XML content and attribute values; characters XML 1.0 does not allow
/// (most C0 controls, U+FFFE, U+FFFF) become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    #[test]
    fn escapes_and_counts() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}"
        );
        let report = Report {
            command: "lint".into(),
            rules: vec![
                catalog::lookup("SIGIL-DF-001").unwrap(),
                catalog::lookup("SIGIL-DF-002").unwrap(),
            ],
            subjects: vec![Subject {
                name: "a&b/Dockerfile".into(),
                kind: SubjectKind::File,
                findings: vec![
                    Finding {
                        code: "SIGIL-DF-001".into(),
                        name: None,
                        severity: Severity::Deny,
                        message: "FROM <x> & \"y\"".into(),
                        location: Some(Location { line: 1, column: 6 }),
                        details: Default::default(),
                    },
                    Finding {
                        code: "SIGIL-DF-003".into(),
                        name: None,
                        severity: Severity::Warn,
                        message: "no USER".into(),
                        location: Some(Location { line: 1, column: 1 }),
                        details: Default::default(),
                    },
                ],
                error: None,
            }],
        };
        let xml = render(&report);
        assert!(
            xml.contains(
                "<testsuite name=\"a&amp;b/Dockerfile\" tests=\"3\" failures=\"1\" errors=\"0\""
            ),
            "{xml}"
        );
        assert!(
            xml.contains("message=\"FROM &lt;x&gt; &amp; &quot;y&quot;\""),
            "{xml}"
        );
        assert!(
            xml.contains("name=\"SIGIL-DF-002 dockerfile-no-latest\"/>"),
            "{xml}"
        );
        assert!(xml.contains("<system-out>warning: "), "{xml}");
        assert!(xml.starts_with("<?xml") && xml.trim_end().ends_with("</testsuites>"));
    }
}

//! What a person at a terminal sees: while several images are verified or checked, a
//! "checked N/M" line on standard error, cleared before the verdicts; none of it when the
//! output goes to a pipe or a file. The terminal is a real pseudo-terminal from `script`
//! (util-linux).

use std::path::Path;

use crate::harness::{Kind, setup};

/// Quotes `arg` for `sh -c`.
fn quoted(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

#[test]
fn progress_shows_on_a_terminal_and_not_in_a_pipe() {
    let s = setup(Kind::Refreg);
    let images = [
        s.image("app-a", "a"),
        s.image("app-b", "b"),
        s.image("app-c", "c"),
    ];
    let mut sign = vec!["sign", "--key", s.key.as_str()];
    sign.extend(images.iter().map(String::as_str));
    s.sigil(&sign).ok();

    let sigil = env!("CARGO_BIN_EXE_sigil");
    for verb in ["verify", "check"] {
        let mut args = vec![verb, "--allow-http-registry", "--key", s.public.as_str()];
        args.extend(images.iter().map(String::as_str));

        // Piped: verdicts only.
        let piped = s.env.sigil(&args);
        assert!(
            !piped.stderr.contains("checked") && !piped.stdout.contains("checked"),
            "{verb}: {}{}",
            piped.stdout,
            piped.stderr
        );

        // On a terminal: the count goes up to 3/3, is blanked out, then the verdicts follow.
        let line = std::iter::once(sigil)
            .chain(args.iter().copied())
            .map(quoted)
            .collect::<Vec<_>>()
            .join(" ");
        let tty = s.env.run(
            Path::new("script"),
            &["--quiet", "--return", "--command", &line, "/dev/null"],
        );
        let screen = tty.stdout.clone();
        let last = screen
            .find("checked 3/3")
            .unwrap_or_else(|| panic!("{verb}: no progress on the terminal:\n{screen}"));
        assert!(screen.contains("checked 1/3"), "{verb}:\n{screen}");
        let blank = format!("\r{}\r", " ".repeat("checked 3/3".len()));
        let cleared = screen[last..]
            .find(&blank)
            .unwrap_or_else(|| panic!("{verb}: progress not cleared:\n{screen:?}"));
        let verdict = if verb == "verify" {
            "verified"
        } else {
            "DENIED"
        };
        assert!(
            screen[last + cleared..].contains(verdict),
            "{verb}: verdicts should follow the cleared line:\n{screen:?}"
        );
    }
}

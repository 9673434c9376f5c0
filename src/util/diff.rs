//! A unified diff of two versions of a text file, for `--dry-run` output. Written for
//! rewrites that change lines in place (pinning never adds or removes a line): lines are
//! compared by position. When the line counts differ it falls back to one hunk that
//! replaces the whole file — correct, if not minimal.

/// Lines of context around each change, as `diff -u` prints.
const CONTEXT: usize = 3;

/// `--- a/NAME` / `+++ b/NAME` and the hunks turning `old` into `new`; empty when equal.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    if a.len() != b.len() {
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(1, a.len()),
            range(1, b.len())
        ));
        a.iter().for_each(|l| push(&mut out, '-', l));
        b.iter().for_each(|l| push(&mut out, '+', l));
        return out;
    }
    let changed: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    let mut i = 0;
    while let Some(&first) = changed.get(i) {
        // Extend the hunk while the next change is within two contexts of the last.
        let mut last = first;
        i += 1;
        while let Some(&next) = changed.get(i) {
            if next - last > 2 * CONTEXT {
                break;
            }
            last = next;
            i += 1;
        }
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(a.len());
        let header = range(start + 1, end - start);
        out.push_str(&format!("@@ -{header} +{header} @@\n"));
        for k in start..end {
            if a[k] == b[k] {
                push(&mut out, ' ', a[k]);
            } else {
                push(&mut out, '-', a[k]);
                push(&mut out, '+', b[k]);
            }
        }
    }
    out
}

/// `start,count` as a hunk header writes it (`start` alone when count is 1).
fn range(start: usize, count: usize) -> String {
    match count {
        1 => start.to_string(),
        0 => format!("{},0", start - 1),
        n => format!("{start},{n}"),
    }
}

fn push(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    match line.strip_suffix('\n') {
        Some(l) => {
            out.push_str(l.strip_suffix('\r').unwrap_or(l));
            out.push('\n');
        }
        None => {
            out.push_str(line);
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_context_merged_when_close() {
        let old: String = (1..=20).map(|i| format!("l{i}\n")).collect();
        let new = old
            .replace("l2\n", "L2\n")
            .replace("l5\n", "L5\n")
            .replace("l16\n", "L16\n");
        let d = unified("Dockerfile", &old, &new);
        let want = "--- a/Dockerfile\n+++ b/Dockerfile\n\
@@ -1,8 +1,8 @@\n l1\n-l2\n+L2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n\
@@ -13,7 +13,7 @@\n l13\n l14\n l15\n-l16\n+L16\n l17\n l18\n l19\n";
        assert_eq!(d, want);
        assert_eq!(unified("x", &old, &old), "");
    }

    #[test]
    fn crlf_last_line_and_line_count_changes() {
        let d = unified("f", "a\r\nb", "a\r\nB");
        assert_eq!(
            d,
            "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+B\n\\ No newline at end of file\n"
        );
        let d = unified("f", "a\n", "a\nb\n");
        assert_eq!(d, "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-a\n+a\n+b\n");
    }
}

//! The time limit inside builtins.
//!
//! regorus checks its execution timer between steps of an evaluation, never inside a
//! builtin: once called, a builtin runs to its end. For most builtins the work is bounded by
//! their arguments, but a few make far more than they are given — `numbers.range(1, 3e7)`
//! builds 30 million numbers (0.8 s and 720 MB in a debug build) from two — and a rule that
//! calls one and then fails took no further step, so the overrun was never seen and the
//! image was allowed.
//!
//! So, for the interpreter that runs every policy but the built-in library:
//! - those builtins are replaced (regorus looks extensions up before its builtins) by
//!   versions that read the same deadline as they go and refuse to build more than
//!   [`MAX_ELEMENTS`] values: `numbers.range`, `numbers.range_step`, `net.cidr_expand`, and
//!   `test.sleep`, which sleeps only until the deadline;
//! - [`Deadline`] holds the deadline of the evaluation under way on this thread, and the
//!   engine refuses a result that came after it ([`Deadline::passed`]), whatever ran late.
//!
//! regorus's memory limits need its mimalloc allocator as the process's allocator
//! (`allocator-memory-limits`), which sigil does not take on; memory is bounded by what can
//! be allocated before the deadline. README (Policy) lists what stays unbounded.

use std::cell::Cell;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use regorus::Value;

/// Most values one of the replaced builtins builds (about 24 MB of numbers).
pub const MAX_ELEMENTS: u64 = 1_000_000;

/// Values built between two reads of the clock.
const CLOCK_STRIDE: usize = 4096;

thread_local! {
    static DEADLINE: Cell<Option<(Instant, Duration)>> = const { Cell::new(None) };
}

/// The deadline of the evaluation under way on this thread, from now until dropped (the
/// previous one, if any, is then restored).
pub(crate) struct Deadline {
    previous: Option<(Instant, Duration)>,
    start: Instant,
    limit: Duration,
}

impl Deadline {
    pub(crate) fn start(limit: Duration) -> Deadline {
        let start = Instant::now();
        let previous = DEADLINE.with(|d| d.replace(Some((start + limit, limit))));
        Deadline {
            previous,
            start,
            limit,
        }
    }

    /// True when the evaluation has run past its time limit.
    pub(crate) fn passed(&self) -> bool {
        self.start.elapsed() > self.limit
    }

    /// The error of an evaluation that ran past the limit.
    pub(crate) fn error(&self) -> String {
        format!(
            "policy evaluation stopped at the time limit ({:?}): it ran for {:?}",
            self.limit,
            self.start.elapsed()
        )
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(self.previous));
    }
}

/// True when an evaluation is under way on this thread and past its deadline.
pub(crate) fn past_deadline() -> bool {
    DEADLINE
        .with(Cell::get)
        .is_some_and(|(deadline, _)| Instant::now() > deadline)
}

/// An error when this thread's evaluation is past its deadline.
fn check_deadline(builtin: &str) -> Result<()> {
    if let Some((deadline, limit)) = DEADLINE.with(Cell::get)
        && Instant::now() > deadline
    {
        bail!("{builtin} stopped: execution exceeded time limit ({limit:?})");
    }
    Ok(())
}

/// Installs the replaced builtins in an engine. `strict`: errors where OPA's builtins would
/// be undefined (see `EngineOptions::strict_builtin_errors`).
pub(crate) fn install(engine: &mut regorus::Engine, strict: bool) -> Result<()> {
    engine.add_extension(
        "numbers.range".into(),
        2,
        Box::new(move |args: Vec<Value>| range(&args[0], &args[1], None, strict)),
    )?;
    engine.add_extension(
        "numbers.range_step".into(),
        3,
        Box::new(move |args: Vec<Value>| range(&args[0], &args[1], Some(&args[2]), strict)),
    )?;
    engine.add_extension(
        "net.cidr_expand".into(),
        1,
        Box::new(|args: Vec<Value>| cidr_expand(&args[0])),
    )?;
    engine.add_extension(
        "test.sleep".into(),
        1,
        Box::new(|args: Vec<Value>| sleep(&args[0])),
    )?;
    Ok(())
}

/// An integer argument; None when it is a number but not an integer.
fn integer(name: &str, v: &Value) -> Result<Option<i64>> {
    let n = v
        .as_f64()
        .map_err(|_| anyhow!("{name}: operand must be a number, not {v}"))?;
    if !n.is_finite() || n.fract() != 0.0 {
        return Ok(None);
    }
    v.as_i64()
        .map(Some)
        .map_err(|_| anyhow!("{name}: operand {v} is out of range"))
}

/// A string argument.
fn string_arg<'a>(name: &str, v: &'a Value) -> Result<&'a str> {
    v.as_string()
        .map(|s| s.as_ref())
        .map_err(|_| anyhow!("{name}: operand must be a string, not {v}"))
}

/// `numbers.range(a, b)` (`step` None) and `numbers.range_step(a, b, step)`: the integers
/// from `a` to `b`, both included for `range`, going down when `b < a`.
fn range(a: &Value, b: &Value, step: Option<&Value>, strict: bool) -> Result<Value> {
    let name = if step.is_some() {
        "numbers.range_step"
    } else {
        "numbers.range"
    };
    let (Some(from), Some(to)) = (integer(name, a)?, integer(name, b)?) else {
        if strict {
            bail!("{name}: operand must be integer");
        }
        return Ok(Value::Undefined);
    };
    let step = match step {
        None => 1,
        Some(s) => match integer(name, s)? {
            Some(s) if s > 0 => s,
            _ => bail!("{name}: step must be a positive integer"),
        },
    };
    let span = i128::from(to) - i128::from(from);
    let count = span.unsigned_abs() / step.unsigned_abs() as u128 + 1;
    if count > u128::from(MAX_ELEMENTS) {
        bail!(
            "{name} would make {count} numbers, more than sigil allows in one call ({MAX_ELEMENTS})"
        );
    }
    let down = span < 0;
    let mut values = Vec::with_capacity(count as usize);
    let mut v = i128::from(from);
    for i in 0..count as usize {
        if i % CLOCK_STRIDE == 0 {
            check_deadline(name)?;
        }
        // Within [from, to]: an i64.
        values.push(Value::from(v as i64));
        v = if down {
            v - i128::from(step)
        } else {
            v + i128::from(step)
        };
    }
    Ok(Value::from(values))
}

/// `net.cidr_expand(cidr)`: every address of the network, as strings (OPA's, and regorus's,
/// include the network and broadcast addresses).
fn cidr_expand(cidr: &Value) -> Result<Value> {
    const NAME: &str = "net.cidr_expand";
    let text = string_arg(NAME, cidr)?;
    let (addr, prefix) = text
        .split_once('/')
        .ok_or_else(|| anyhow!("{NAME}: {text:?} is not a CIDR"))?;
    let addr: IpAddr = addr
        .parse()
        .map_err(|e| anyhow!("{NAME}: error parsing {text}: {e}"))?;
    let bits: u32 = if addr.is_ipv4() { 32 } else { 128 };
    let prefix: u32 = prefix
        .parse()
        .ok()
        .filter(|p| *p <= bits)
        .ok_or_else(|| anyhow!("{NAME}: error parsing {text}: invalid prefix"))?;
    let host_bits = bits - prefix;
    if host_bits >= 64 || (1u64 << host_bits) > MAX_ELEMENTS {
        bail!(
            "{NAME}: {text} has 2^{host_bits} addresses, more than sigil allows in one call ({MAX_ELEMENTS})"
        );
    }
    let as_int = match addr {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    };
    let first = as_int >> host_bits << host_bits;
    let mut out = Vec::with_capacity(1usize << host_bits);
    for i in 0..(1u128 << host_bits) {
        if i as usize % CLOCK_STRIDE == 0 {
            check_deadline(NAME)?;
        }
        let a = first + i;
        let s = match addr {
            IpAddr::V4(_) => std::net::Ipv4Addr::from(a as u32).to_string(),
            IpAddr::V6(_) => std::net::Ipv6Addr::from(a).to_string(),
        };
        out.push(Value::String(s.into()));
    }
    Ok(Value::from(out))
}

/// `test.sleep(duration)`: sleeps, but not past the deadline.
fn sleep(d: &Value) -> Result<Value> {
    const NAME: &str = "test.sleep";
    let text = string_arg(NAME, d)?;
    let want = go_duration(text).ok_or_else(|| anyhow!("{NAME}: invalid duration {text:?}"))?;
    let now = Instant::now();
    match DEADLINE.with(Cell::get) {
        Some((deadline, _)) if now + want > deadline => {
            std::thread::sleep(deadline.saturating_duration_since(now));
            check_deadline(NAME)?;
            // The clock may not have quite reached the deadline.
            bail!("{NAME} stopped: execution exceeded time limit");
        }
        _ => std::thread::sleep(want),
    }
    Ok(Value::Null)
}

/// A duration as Go's `time.ParseDuration` reads it (`1h2m`, `1.5s`, `300ms`, `2us`); a
/// negative one is zero.
fn go_duration(s: &str) -> Option<Duration> {
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += number * scale;
    }
    if negative {
        return Some(Duration::ZERO);
    }
    Duration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("1h2m"), Some(Duration::from_secs(3720)));
        assert_eq!(go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(go_duration("300ms"), Some(Duration::from_millis(300)));
        assert_eq!(go_duration("0"), Some(Duration::ZERO));
        assert_eq!(go_duration("-1s"), Some(Duration::ZERO));
        assert_eq!(go_duration("1"), None);
        assert_eq!(go_duration("1x"), None);
        assert_eq!(go_duration(""), None);
    }

    #[test]
    fn ranges_as_opa_has_them() {
        let v = |n: i64| Value::from(n);
        let r = range(&v(1), &v(3), None, true).unwrap();
        assert_eq!(r, Value::from(vec![v(1), v(2), v(3)]));
        let r = range(&v(3), &v(1), None, true).unwrap();
        assert_eq!(r, Value::from(vec![v(3), v(2), v(1)]));
        let r = range(&v(1), &v(6), Some(&v(2)), true).unwrap();
        assert_eq!(r, Value::from(vec![v(1), v(3), v(5)]));
        let r = range(&v(6), &v(1), Some(&v(2)), true).unwrap();
        assert_eq!(r, Value::from(vec![v(6), v(4), v(2)]));
        assert!(range(&v(1), &v(6), Some(&v(0)), true).is_err());
        assert!(range(&Value::from(1.5), &v(6), None, true).is_err());
        assert_eq!(
            range(&Value::from(1.5), &v(6), None, false).unwrap(),
            Value::Undefined
        );
        let err = range(&v(1), &Value::from(3e7), None, true).unwrap_err();
        assert!(err.to_string().contains("30000000 numbers"), "{err}");
    }

    #[test]
    fn ranges_stop_at_the_deadline() {
        let _d = Deadline::start(Duration::ZERO);
        std::thread::sleep(Duration::from_millis(1));
        let err = range(&Value::from(1), &Value::from(10), None, true).unwrap_err();
        assert!(err.to_string().contains("time limit"), "{err}");
    }

    #[test]
    fn cidrs_expand_to_every_address() {
        let s = |t: &str| Value::String(t.into());
        let r = cidr_expand(&s("10.0.0.1/30")).unwrap();
        let want: Vec<Value> = ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3"]
            .into_iter()
            .map(s)
            .collect();
        assert_eq!(r, Value::from(want));
        let r = cidr_expand(&s("::1/127")).unwrap();
        assert_eq!(r, Value::from(vec![s("::"), s("::1")]));
        assert!(cidr_expand(&s("0.0.0.0/0")).is_err());
        assert!(cidr_expand(&s("::/64")).is_err());
        assert!(cidr_expand(&s("10.0.0.0/33")).is_err());
    }
}

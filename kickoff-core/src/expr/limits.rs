//! What one render of a template may cost, and rendering within it: a work budget (fuel)
//! and a size limit on the output.

use minijinja::value::Value;
use minijinja::{ErrorKind, Template};

use super::describe_error;

/// What one render of a template may cost: `fuel` is minijinja's budget (about one step of the
/// template, or 64 bytes it creates, per unit), `output` the bytes it may write.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub fuel: u64,
    pub output: usize,
}

/// A rule's message (and a condition's fuel): the built-in rules use at most a few dozen fuel
/// on the examples; this leaves room to loop over a long list or quote a long answer.
pub const MESSAGE_LIMITS: Limits = Limits {
    fuel: 50_000,
    output: 64 << 10,
};

/// The design doc (and the prompts, which share its environment): the built-in template uses
/// about 15,000 fuel on the biggest example. Writing text costs fuel too (about one per 64
/// bytes, twice through a macro), so a doc made 8 MiB long by pasted answers takes about
/// 600,000: long answers meet the size limit well before the work limit.
pub const DOC_LIMITS: Limits = Limits {
    fuel: 2_000_000,
    output: 8 << 20,
};

/// A render that went wrong: the line in the template when minijinja knows it, and what
/// happened; `kind` is `None` when the output went over its limit.
#[derive(Debug)]
pub struct RenderFailure {
    pub line: Option<usize>,
    pub kind: Option<ErrorKind>,
    pub message: String,
}

/// Renders a template, stopping when it runs out of fuel (set on its environment) or writes
/// more than `limits.output` bytes. Returns the text and the fuel it used.
pub fn render_limited(
    template: &Template<'_, '_>,
    ctx: Value,
    limits: Limits,
) -> Result<(String, u64), RenderFailure> {
    let mut out = Capped {
        bytes: Vec::new(),
        cap: limits.output,
        over: false,
    };
    let result = template
        .render_captured_to(ctx, &mut out)
        .map(|done| done.state().fuel_levels().map_or(0, |(used, _)| used));
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    };
    match result {
        _ if out.over => Err(over_size(limits)),
        Ok(fuel) => Ok((text(out.bytes), fuel)),
        Err(e) => Err(failure(e, limits)),
    }
}

fn over_size(limits: Limits) -> RenderFailure {
    let (n, unit) = match limits.output >> 20 {
        0 => (limits.output >> 10, "KiB"),
        mib => (mib, "MiB"),
    };
    RenderFailure {
        line: None,
        kind: None,
        message: format!("the output went over the size limit of {n} {unit}"),
    }
}

fn failure(e: minijinja::Error, limits: Limits) -> RenderFailure {
    let mut failure = RenderFailure::from(e);
    if failure.kind == Some(ErrorKind::OutOfFuel) {
        failure.message = format!(
            "it went over the work limit of {} steps (a loop that does not end, or loops nested too deep?)",
            limits.fuel
        );
    }
    failure
}

impl From<minijinja::Error> for RenderFailure {
    fn from(e: minijinja::Error) -> Self {
        RenderFailure {
            line: e.line(),
            kind: Some(e.kind()),
            message: describe_error(&e),
        }
    }
}

/// An output that refuses to grow past `cap` bytes.
struct Capped {
    bytes: Vec<u8>,
    cap: usize,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.cap {
            self.over = true;
            return Err(std::io::Error::other("output limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

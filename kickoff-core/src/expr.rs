//! The expression language shared by `when` conditions, rule conditions and templates:
//! minijinja, with a few helpers that make conditions on free text robust.
//!
//! Helpers (usable in any condition or template):
//! - `answered(x)`: the answer exists and is not empty.
//! - `mentions(text, "word", ...)`: case-insensitive, whole-word match of any of the words
//!   (a word may be a phrase; `text` may be a list, then any item counts, or the rows of a
//!   records answer, then any text or number cell counts).
//! - `has_number(text)`: the text contains a digit.
//! - `word_count(text)`: number of whitespace-separated words.
//! - `x is empty`: undefined, none, an empty string or an empty list.

use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

use crate::source::Checks;
use minijinja::value::{Rest, Value, ValueKind};
use minijinja::{Environment, Expression};

/// Names the helpers add; conditions may use them without them being questions.
pub const HELPER_NAMES: &[&str] = &[
    "answered",
    "mentions",
    "has_number",
    "has_figure",
    "figure_count",
    "shared_words",
    "amount",
    "count_before",
    "sum_before",
    "per_day",
    "every_days",
    "last_year",
    "share",
    "together",
    "sentence_together",
    "sentences_together",
    "word_count",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
];

/// A compiled condition.
#[derive(Debug)]
pub struct Condition(Expression<'static, 'static>);

impl Condition {
    /// The condition's value on `ctx`, as minijinja's `Expression::eval` gives it.
    pub fn eval(&self, ctx: Value) -> Result<Value, minijinja::Error> {
        self.0.eval(ctx)
    }

    /// The variables it reads, helpers included (minijinja's `undeclared_variables`).
    fn undeclared_variables(&self) -> HashSet<String> {
        self.0.undeclared_variables(false)
    }
}

/// A condition compiled when first needed: at once for a checked file (the checks compile
/// it), on first use for a trusted (built-in) one.
#[derive(Debug)]
pub struct LazyCondition {
    source: String,
    compiled: OnceLock<Option<Condition>>,
}

impl LazyCondition {
    pub fn compiled(source: &str, condition: Condition) -> LazyCondition {
        LazyCondition {
            source: source.to_string(),
            compiled: OnceLock::from(Some(condition)),
        }
    }

    pub fn lazy(source: &str) -> LazyCondition {
        LazyCondition {
            source: source.to_string(),
            compiled: OnceLock::new(),
        }
    }

    /// The compiled condition; `None` if it does not compile alone (a trusted file's never
    /// fails to: the tests load them with every check).
    pub fn get(&self) -> Option<&Condition> {
        self.compiled
            .get_or_init(|| compile_checked(&self.source, Checks::Trusted).ok())
            .as_ref()
    }

    /// [`is_true`]; a condition that does not compile counts as false.
    pub fn is_true(&self, ctx: &Value) -> bool {
        self.get().is_some_and(|c| is_true(c, ctx))
    }

    /// The variables it reads, excluding the helpers ([`variables`]).
    pub fn variables(&self) -> Vec<String> {
        self.get().map(variables).unwrap_or_default()
    }
}

mod figures;
mod limits;
mod names;
pub use figures::{
    amount, count_before, every_days, figure_count, last_year, per_day, share, sum_before,
};
pub use limits::{DOC_LIMITS, MESSAGE_LIMITS, RenderFailure, render_limited};
pub use names::{MAX_OPERATORS, unknown_in_condition, unknown_in_template};

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    // Lenient: an unanswered question is undefined, so `x == 'a'` and `'a' in x` are false,
    // `x != 'a'` and `not x` are true. Only `x < 1` would be true too, which is why
    // `compile` rejects an ordering comparison that is not guarded.
    let mut env = Environment::new();
    register_helpers(&mut env);
    env
});

/// Rule messages may loop, so they run on a budget; conditions are single expressions (no
/// loops), evaluated on every key press, and are spared the cost of counting it.
static MESSAGE_ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = ENV.clone();
    env.set_fuel(Some(MESSAGE_LIMITS.fuel));
    env
});

/// The environment of rule messages (with the work budget of [`MESSAGE_LIMITS`]).
pub fn environment() -> &'static Environment<'static> {
    &MESSAGE_ENV
}

/// Whether `name` is a helper or one of minijinja's own functions (`range`, `dict`...): a name
/// a template may use without it being a question.
pub fn is_builtin_name(name: &str) -> bool {
    HELPER_NAMES.contains(&name) || ENV.globals().any(|(g, _)| g == name)
}

static ORDER_LEFT: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\b([a-z][a-z0-9_]*)\s*(<=|<|>=|>)\s*[-+]?[0-9.]").expect("valid")
});
static ORDER_RIGHT: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"[0-9.]\s*(<=|<|>=|>)\s*([a-z][a-z0-9_]*)\b").expect("valid")
});

static CALL_ORDER: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\b(amount|count_before|sum_before|per_day|every_days|last_year|share)\(")
        .expect("valid")
});

/// `amount(...) < 3` or `3 > count_before(...)`: a helper that gives none when the text holds
/// no figure, compared with a number without `is number` or `or 0` around it.
fn unguarded_call_order(source: &str) -> Option<String> {
    for m in CALL_ORDER.find_iter(source) {
        let open = m.end() - 1;
        let mut depth = 0;
        let close = source[open..].char_indices().find_map(|(k, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(open + k)
        })?;
        let call = &source[m.start()..=close];
        if source.contains(&format!("{call} is number")) {
            continue;
        }
        let after = source[close + 1..].trim_start();
        let before = source[..m.start()].trim_end();
        let ordered = |s: &str| ["<", ">"].iter().any(|op| s.starts_with(op));
        let number_after = |s: &str| {
            let s = s.trim_start_matches(['<', '>', '=']).trim_start();
            s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.')
        };
        let number_before = before.ends_with(['<', '>', '='])
            && before
                .trim_end_matches(['<', '>', '='])
                .trim_end()
                .ends_with(|c: char| c.is_ascii_digit());
        if (ordered(after) && number_after(after)) || number_before {
            let name = m.as_str().trim_end_matches('(');
            return Some(format!(
                "`{name}(...)` is compared with a number but gives none when the text holds no figure (none counts as lower than any number); write `{name}(...) is number and ...` or `({name}(...) or 0)`"
            ));
        }
    }
    None
}

/// An ordering comparison with a variable that may be unanswered must be guarded, because an
/// undefined value sorts below every number (`x < 0.1` would be true for an unanswered `x`).
/// The result of a filter (`rows | length > 2`) is no answer, and needs no guard.
fn unguarded_order(source: &str) -> Option<String> {
    if let Some(problem) = unguarded_call_order(source) {
        return Some(problem);
    }
    let is_filter = |at: usize| source[..at].trim_end().ends_with('|');
    let vars = ORDER_LEFT
        .captures_iter(source)
        .filter(|c| !c.get(1).is_some_and(|m| is_filter(m.start())))
        .map(|c| c[1].to_string())
        .chain(ORDER_RIGHT.captures_iter(source).map(|c| c[2].to_string()));
    for var in vars {
        if HELPER_NAMES.contains(&var.as_str()) || var == "word_count" {
            continue;
        }
        let guarded = source.contains(&format!("answered({var})"))
            || source.contains(&format!("{var} is number"))
            || source.contains(&format!("{var} is defined"));
        if !guarded {
            return Some(format!(
                "`{var}` is compared with a number but may be unanswered (then it counts as lower than any number); write `answered({var}) and ...` or `{var} is number and ...`"
            ));
        }
    }
    None
}

/// Adds the helper functions and tests to an environment (the template environment uses
/// them too).
pub fn register_helpers(env: &mut Environment<'_>) {
    env.add_function("answered", |v: Value| is_answered(&v));
    env.add_filter("grouped", crate::answer::format_grouped);
    env.add_function("mentions", mentions);
    env.add_function("has_number", |v: Value| {
        text_of(&v).chars().any(|c| c.is_ascii_digit())
    });
    env.add_function("word_count", |v: Value| {
        text_of(&v).split_whitespace().count()
    });
    env.add_test("empty", |v: Value| !is_answered(&v));
    // `x is mentioning('a', 'b*')`, and so `rows | selectattr('name', 'mentioning', ...)`:
    // picks the rows of a table (or items of a list) whose text mentions a word.
    env.add_test("mentioning", mentions);
    // `rows | selectattr('name', 'sharing_words', business_metric)`: the rows whose text has a
    // content word in common with another answer (see [`shared_words`]). With a third text,
    // a word that text also holds does not count: `late | selectattr('what', 'sharing_words',
    // kill_criteria, early_text)` is a late milestone the criterion names and no early one does.
    env.add_test(
        "sharing_words",
        |v: Value, other: Value, except: Option<Value>| {
            let except = except.as_ref().map(text_of).unwrap_or_default();
            shared_words_except(&text_of(&v), &text_of(&other), &except) > 0
        },
    );
    // `features | selectattr('name', 'reaching_year', 2026)`: the text names that year or a
    // later one (see [`last_year`]).
    env.add_test("reaching_year", |v: Value, year: f64| {
        last_year(&text_of(&v)).is_some_and(|y| y >= year)
    });
    // `features | selectattr('source', 'named_in', data_sources | join('; '))`: every content
    // word of the value is in the other text ("REE settlement files" in "... from the REE
    // settlement files (published D+1)"), so a feature can be tied to the source it names.
    env.add_test("named_in", |v: Value, other: Value| {
        named_in(&text_of(&v), &text_of(&other))
    });
    // `data_sources | select('naming', feature.source)`: the other way round, the entries that
    // name a source.
    env.add_test("naming", |v: Value, name: Value| {
        named_in(&text_of(&name), &text_of(&v))
    });
    // `together(text, ['set the', 'tune*'], ['test set', 'test data'], ['validation'])`: one
    // sentence of the text holds a word of each of the first two lists and none of the third
    // (optional), so a claim can be read against what the plan says it does.
    env.add_function("together", together);
    env.add_test("together", together);
    // `sentence_together(...)`, the same arguments: the sentence itself, for a message to quote.
    env.add_function(
        "sentence_together",
        |v: Value, first: Value, second: Value, unless: Option<Value>| {
            sentence_together(&v, &first, &second, unless.as_ref())
                .map_or(Value::from(()), Value::from)
        },
    );
    // `sentences_together(...)`, the same arguments: every such sentence, in order, so a rule
    // can pick the one that says what it needs (`| select('holding_a_share') | first`).
    env.add_function(
        "sentences_together",
        |v: Value, first: Value, second: Value, unless: Option<Value>| {
            Value::from(sentences_together(
                &v,
                &first,
                &second,
                unless.as_ref(),
                usize::MAX,
            ))
        },
    );
    env.add_test("holding_a_share", |v: Value| share(&text_of(&v)).is_some());
    env.add_test("holding_a_cadence", |v: Value| {
        every_days(&text_of(&v)).is_some()
    });
    env.add_function("has_figure", |v: Value| figure_count(&text_of(&v)) > 0);
    env.add_function("figure_count", |v: Value| figure_count(&text_of(&v)));
    env.add_function("shared_words", |a: Value, b: Value| {
        shared_words(&text_of(&a), &text_of(&b))
    });
    // `amount(x)`: the first figure of a text, or none (so `amount(x) is number and ...`).
    let amount_of = |v: Value| amount(&text_of(&v)).map_or(Value::from(()), Value::from);
    env.add_function("amount", amount_of);
    // `rows | map(attribute='target') | map('amount')`: the figure of each.
    env.add_filter("amount", amount_of);
    // `count_before(text, 'trial*', 'fold')`: the number written just before one of the words.
    env.add_function("count_before", |v: Value, words: Rest<Value>| {
        let words: Vec<String> = words.iter().flat_map(word_list).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        count_before(&text_of(&v), &words).map_or(Value::from(()), Value::from)
    });
    // `sum_before(throughput, 'call*')`: the numbers before each of the words, added up.
    env.add_function("sum_before", |v: Value, words: Rest<Value>| {
        let words: Vec<String> = words.iter().flat_map(word_list).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        sum_before(&text_of(&v), &words).map_or(Value::from(()), Value::from)
    });
    // `per_day(throughput, 'call*')`: the rate a text states, a day (not a rate of calls); `every_days(x)`: how often a thing
    // happens, in days; `share(x)`: the first percentage, as a fraction. Each gives none when
    // the text states none.
    let none_or = |n: Option<f64>| n.map_or(Value::from(()), Value::from);
    env.add_function("per_day", move |v: Value, unless: Rest<Value>| {
        let unless: Vec<String> = unless.iter().flat_map(word_list).collect();
        let unless: Vec<&str> = unless.iter().map(String::as_str).collect();
        none_or(per_day(&text_of(&v), &unless))
    });
    env.add_function("every_days", move |v: Value| {
        none_or(every_days(&text_of(&v)))
    });
    env.add_function("share", move |v: Value| none_or(share(&text_of(&v))));
    // `last_year(x)`: the latest year the text names ("2021-2026" is 2026), or none.
    env.add_function("last_year", move |v: Value| {
        none_or(last_year(&text_of(&v)))
    });
}

/// Words that say what kind of figure a metric is, or join words, rather than what it
/// measures: two metrics sharing only these ("rate", "per", "average") measure different things.
const GENERIC_WORDS: &[&str] = &[
    "all",
    "and",
    "any",
    "are",
    "for",
    "its",
    "new",
    "not",
    "one",
    "our",
    "out",
    "per",
    "the",
    "two",
    "via",
    "was",
    "who",
    "day",
    "days",
    "about",
    "after",
    "also",
    "among",
    "average",
    "before",
    "between",
    "change",
    "count",
    "daily",
    "each",
    "every",
    "first",
    "from",
    "have",
    "into",
    "less",
    "level",
    "mean",
    "median",
    "metric",
    "month",
    "monthly",
    "months",
    "more",
    "number",
    "only",
    "over",
    "percent",
    "percentage",
    "period",
    "quarter",
    "rate",
    "ratio",
    "score",
    "share",
    "than",
    "that",
    "their",
    "them",
    "then",
    "these",
    "this",
    "those",
    "through",
    "time",
    "total",
    "under",
    "value",
    "weekly",
    "week",
    "weeks",
    "what",
    "when",
    "which",
    "while",
    "with",
    "within",
    "without",
    "year",
    "yearly",
    "years",
];

/// How many words two texts have in common, read as a reviewer compares two metric names: words
/// of three letters or more ("RPM", "CTR"), compared by their first five letters ("deliveries" and "delivery",
/// "applications" and "applies" are one word), a four-letter word also matching a longer one it
/// starts ("sale" and "sales"), leaving out words that only say what kind of figure it is
/// ("rate", "share", "average", "per") and joining words. "Late deliveries per 1,000 orders"
/// and "first-offer acceptance rate" share none.
pub fn shared_words(a: &str, b: &str) -> usize {
    shared_words_except(a, b, "")
}

/// Every content word of `name` (in [`shared_words`]' sense) is in `text`, and it has one.
pub fn named_in(name: &str, text: &str) -> bool {
    let own = shared_words(name, name);
    own > 0 && shared_words(name, text) == own
}

/// [`shared_words`], leaving out the words a third text also holds.
pub fn shared_words_except(a: &str, b: &str, except: &str) -> usize {
    let stems = |text: &str| -> std::collections::BTreeSet<String> {
        text.to_lowercase()
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() >= 3 && !GENERIC_WORDS.contains(w))
            .map(|w| w.chars().take(5).collect())
            .collect()
    };
    let (a, b, except) = (stems(a), stems(b), stems(except));
    let same = |x: &String, y: &String| {
        x == y
            || (x.chars().count().min(y.chars().count()) == 4
                && (x.starts_with(y.as_str()) || y.starts_with(x.as_str())))
    };
    a.iter()
        .filter(|x| b.iter().any(|y| same(x, y)) && !except.iter().any(|y| same(x, y)))
        .count()
}

/// Why a condition (or a tag of a template) is refused. Each reads after "does not compile: ".
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConditionError {
    #[error("nested too deeply (more than {MAX_NESTING} levels of brackets or of `not`/`-`)")]
    TooDeep,
    #[error(
        "too long: {0} operators, more than the {max} one condition or tag may have (split it, or use `mentions(x, 'a', 'b', ...)` for many words)",
        max = names::MAX_OPERATORS
    )]
    TooManyOperators(usize),
    /// minijinja's own description of a syntax error.
    #[error("{0}")]
    Syntax(String),
    /// Filters, tests or functions no environment of kickoff's has, each as "unknown filter `x`".
    #[error("{}", .0.join(", "))]
    Unknown(Vec<String>),
    /// An ordering comparison on an answer that may be unanswered (then always true).
    #[error("{0}")]
    UnguardedOrder(String),
}

/// Compiles a condition; the error names the problem.
pub fn compile(source: &str) -> Result<Condition, ConditionError> {
    check_nesting(source)?;
    names::check_operators(source)?;
    let expr = compile_checked(source, Checks::Trusted)?;
    let unknown = unknown_in_condition(&ENV, source);
    if !unknown.is_empty() {
        return Err(ConditionError::Unknown(unknown));
    }
    unguarded_order(source).map_or(Ok(expr), |m| Err(ConditionError::UnguardedOrder(m)))
}

/// [`compile`] as `checks` says: a trusted (built-in, tested) condition skips the checks.
pub fn compile_checked(source: &str, checks: Checks) -> Result<Condition, ConditionError> {
    match checks {
        Checks::All => compile(source),
        Checks::Trusted => ENV
            .compile_expression_owned(source.to_string())
            .map(Condition)
            .map_err(|e| ConditionError::Syntax(describe_error(&e))),
    }
}

/// Deepest nesting of brackets, and longest chain of unary operators (`not`, `-`, `+`),
/// that a condition or template may have. The parser recurses on both; far beyond any real
/// condition, a file could otherwise overflow the stack and abort the process.
pub const MAX_NESTING: usize = 64;

/// Rejects sources nested deeper than [`MAX_NESTING`].
pub fn check_nesting(source: &str) -> Result<(), ConditionError> {
    let (mut depth, mut max_depth, mut chain, mut max_chain) = (0usize, 0, 0usize, 0);
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                max_depth = max_depth.max(depth);
                chain = 0;
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                chain = 0;
            }
            '-' | '+' => {
                chain += 1;
                max_chain = max_chain.max(chain);
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = at + c.len_utf8();
                while let Some(&(i, d)) = chars.peek() {
                    if !(d.is_alphanumeric() || d == '_') {
                        break;
                    }
                    end = i + d.len_utf8();
                    chars.next();
                }
                if &source[at..end] == "not" {
                    chain += 1;
                    max_chain = max_chain.max(chain);
                } else {
                    chain = 0;
                }
            }
            c if c.is_whitespace() => {}
            _ => chain = 0,
        }
    }
    if max_depth > MAX_NESTING || max_chain > MAX_NESTING {
        return Err(ConditionError::TooDeep);
    }
    Ok(())
}

/// [`check_nesting`] and the operator limit ([`MAX_OPERATORS`]) on each tag of a template:
/// the code between `{{`/`{%` and the end of the tag, not the text around it (a markdown
/// rule of dashes is fine).
pub fn check_template_nesting(source: &str) -> Result<(), ConditionError> {
    for code in names::template_code(source) {
        check_nesting(code)?;
        names::check_operators(code)?;
    }
    Ok(())
}

/// The variables a condition reads, excluding the helpers.
pub fn variables(expr: &Condition) -> Vec<String> {
    let mut names: Vec<String> = expr
        .undeclared_variables()
        .into_iter()
        .filter(|n| !HELPER_NAMES.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// Evaluates a condition; an evaluation error (e.g. comparing text with a number) counts as
/// false, so a condition never hides a crash.
pub fn is_true(expr: &Condition, ctx: &Value) -> bool {
    expr.eval(ctx.clone()).map(|v| v.is_true()).unwrap_or(false)
}

/// One-line description of a minijinja error, including its detail.
pub fn describe_error(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.to_string(),
    }
}

fn is_answered(v: &Value) -> bool {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => false,
        ValueKind::String => !v.as_str().unwrap_or("").trim().is_empty(),
        ValueKind::Seq | ValueKind::Map => v.len().unwrap_or(0) > 0,
        // Two lists joined with `+` are an iterable of unknown length: empty when it yields none.
        ValueKind::Iterable => v.try_iter().is_ok_and(|mut items| items.next().is_some()),
        _ => true,
    }
}

/// The words of a value: a text, a list's items a line each, a map's (a row's) cells; the
/// cells of a row are its texts and numbers, not its yes/no values or its column names.
fn text_of(v: &Value) -> String {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => String::new(),
        ValueKind::Seq => v
            .try_iter()
            .map(|it| it.map(|x| text_of(&x)).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default(),
        ValueKind::Map => v
            .try_iter()
            .map(|keys| {
                keys.filter_map(|k| v.get_item(&k).ok())
                    .filter(|x| x.kind() != ValueKind::Bool)
                    .map(|x| text_of(&x))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
        _ => v.to_string(),
    }
}

/// Takes the words as values, not strings: a rule's list of fifty words is then read where
/// it lies instead of copied on each call (a condition runs on every key press).
fn mentions(v: Value, words: Rest<Value>) -> bool {
    let text = text_of(&v).to_lowercase();
    words.iter().filter_map(Value::as_str).any(|w| {
        if w.chars().any(char::is_uppercase) {
            contains_word(&text, &w.to_lowercase())
        } else {
            contains_word(&text, w)
        }
    })
}

/// Whether one sentence of the text (or one item of a list, one cell of a table) mentions a
/// word of `first` and a word of `second`, and none of `unless`, each matched as [`mentions`]
/// matches.
fn together(v: Value, first: Value, second: Value, unless: Option<Value>) -> bool {
    sentence_together(&v, &first, &second, unless.as_ref()).is_some()
}

/// The first sentence [`together`] finds, as written: lets a message quote the plan's words.
fn sentence_together(
    v: &Value,
    first: &Value,
    second: &Value,
    unless: Option<&Value>,
) -> Option<String> {
    sentences_together(v, first, second, unless, 1).pop()
}

/// The sentences [`together`] finds, in order, as written, at most `limit` of them (a
/// condition that needs one stops reading at the first).
fn sentences_together(
    v: &Value,
    first: &Value,
    second: &Value,
    unless: Option<&Value>,
    limit: usize,
) -> Vec<String> {
    let (first, second) = (word_list(first), word_list(second));
    let unless = unless.map(word_list).unwrap_or_default();
    let text = text_of(v);
    // Most texts hold no word of one list or the other: then no sentence needs reading.
    let lower = text.to_lowercase();
    if !first.iter().any(|w| contains_word(&lower, w))
        || !second.iter().any(|w| contains_word(&lower, w))
    {
        return Vec::new();
    }
    sentences(&text)
        .filter(|s| {
            let s = s.to_lowercase();
            first.iter().any(|w| contains_word(&s, w))
                && second.iter().any(|w| contains_word(&s, w))
                && !unless.iter().any(|w| contains_word(&s, w))
        })
        .take(limit)
        .map(|s| s.trim().to_string())
        .collect()
}

/// The words a helper is given, in lower case: a string is one word (not its letters), a list
/// its items, and lists inside the list are read too.
fn word_list(v: &Value) -> Vec<String> {
    if let Some(word) = v.as_str() {
        return vec![word.to_lowercase()];
    }
    v.try_iter()
        .map(|items| items.flat_map(|w| word_list(&w)).collect())
        .unwrap_or_default()
}

/// The sentences of a text: split at a line break, and at '.', ';', '!' or '?' followed by a
/// space, closing marks allowed between ("(done.) Then" splits, "0.2%" does not). A stop that
/// ends a common abbreviation ("e.g. ", "vs. ") does not end the sentence.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    const ABBREVIATIONS: &[&str] = &[
        "e.g", "i.e", "vs", "etc", "fig", "no", "approx", "incl", "cf",
    ];
    text.lines().flat_map(|line| {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = line.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if !matches!(b, b'.' | b';' | b'!' | b'?') || i < start {
                continue;
            }
            let closing = bytes[i + 1..]
                .iter()
                .take_while(|c| matches!(c, b')' | b']' | b'"' | b'\''))
                .count();
            let end = i + 1 + closing;
            if !bytes.get(end).is_none_or(|n| n.is_ascii_whitespace()) {
                continue;
            }
            if *b == b'.' {
                let before = &line[start..i];
                let word = before
                    .rsplit(|c: char| !(c.is_alphanumeric() || c == '.'))
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                if ABBREVIATIONS.contains(&word.as_str()) {
                    continue;
                }
            }
            out.push(&line[start..i]);
            start = end;
        }
        out.push(&line[start..]);
        out.into_iter()
    })
}

/// Whole-word (or whole-phrase) containment: the match must not be glued to letters or digits
/// on either side, so "ab" does not match "lab" but does match "a/b test" for "a/b". A needle
/// ending in `*` is a word start: "refund*" matches "refunds" and "refunded", not "prerefund".
pub fn contains_word(haystack: &str, needle: &str) -> bool {
    let (needle, prefix) = match needle.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (needle, false),
    };
    if needle.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric();
    // A needle that starts with a sign ("-latest", "@10") names a suffix: it may be glued to
    // the word before it ("gpt-4o-latest").
    let glued_ok = needle.chars().next().is_some_and(|c| !is_word(c));
    let mut start = 0;
    // memchr's one-shot search: a rule asks for dozens of short words in short answers on
    // every run, where building `str::find`'s searcher each time cost more than the search.
    while let Some(pos) = memchr::memmem::find(&haystack.as_bytes()[start..], needle.as_bytes()) {
        let at = start + pos;
        let end = at + needle.len();
        let before_ok = glued_ok
            || haystack[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word(c));
        let after_ok = prefix || haystack[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return true;
        }
        start = at + haystack[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn helpers_work_in_conditions() {
        let ctx = context! { notes => "We use an A/B test on 10% of users", list => vec!["x"], empty => "" };
        let t = |s: &str| is_true(&compile(s).unwrap(), &ctx);
        assert!(t("mentions(notes, 'a/b')"));
        assert!(!t("mentions(notes, 'ab')"));
        assert!(t("has_number(notes)"));
        assert!(t("word_count(notes) == 9"));
        assert!(t("(list + []) is not empty") && t("([] + []) is empty"));
        // A helper that may give none is compared with a number only once guarded.
        for unguarded in ["amount(notes) < 3", "3 > count_before(notes, 'test')"] {
            let err = compile(unguarded).unwrap_err().to_string();
            assert!(
                err.contains("gives none when the text holds no figure"),
                "{err}"
            );
        }
        for guarded in [
            "amount(notes) is number and amount(notes) < 3",
            "(count_before(notes, 'test') or 0) > 3",
        ] {
            assert!(compile(guarded).is_ok(), "{guarded}");
        }
        assert!(t(
            "answered(list) and not answered(empty) and missing is empty"
        ));
        assert!(t("missing != 'a'") && !t("missing == 'a'") && !t("'a' in missing"));
        assert!(
            t("missing is empty or true"),
            "a missing answer does not poison `or`"
        );
    }

    #[test]
    fn count_before_reads_the_number_that_counts_a_word() {
        let text = "A 60-trial search over depth and width, each trial with 5-fold CV (300 runs).";
        assert_eq!(count_before(text, &["trial*"]), Some(60.0));
        assert_eq!(count_before(text, &["fold"]), Some(5.0));
        assert_eq!(count_before(text, &["runs"]), Some(300.0));
        assert_eq!(
            count_before("1,200 configurations", &["configurations"]),
            Some(1200.0)
        );
        assert_eq!(count_before("trials: many", &["trial*"]), None);
        assert_eq!(
            count_before("deleted six months after", &["month*"]),
            Some(6.0)
        );
        assert_eq!(count_before("a six-month retention", &["month"]), Some(6.0));
        assert_eq!(count_before("kept thirty days", &["days"]), Some(30.0));
        assert_eq!(
            count_before("after twenty-four months", &["months"]),
            Some(24.0)
        );
        assert_eq!(
            count_before("GPT-4 runs", &["runs"]),
            None,
            "a name's digit counts nothing"
        );
    }

    #[test]
    fn sentences_together_lets_a_rule_pick_the_sentence_that_states_a_figure() {
        let ctx = context! {
            notes => "Unclear questions are routed to an agent. In the pilot, 41% of questions were routed to an agent. The index is rebuilt every quarter.",
        };
        let t = |s: &str| is_true(&compile(s).unwrap(), &ctx);
        let routed = "notes, ['routed'], ['to an agent']";
        assert!(t(&format!("sentences_together({routed}) | length == 2")));
        assert!(t(&format!(
            "sentence_together({routed}) == 'Unclear questions are routed to an agent'"
        )));
        assert!(t(&format!(
            "share(sentences_together({routed}) | select('holding_a_share') | first) == 0.41"
        )));
        assert!(t(
            "sentences_together(notes, ['index'], ['rebuilt']) | select('holding_a_cadence') | list | length == 1"
        ));
        assert!(t(&format!(
            "sentences_together({routed}, ['pilot']) | select('holding_a_share') | first is undefined"
        )));
    }

    #[test]
    fn sharing_words_can_leave_out_the_words_of_a_third_text() {
        let ctx = context! {
            criterion => "Stop if the MAE on the 2026 test year is not 5 minutes better, or if surgeons in the pilot reject the lists.",
            late => vec!["A/B test on both sites", "Pilot on two theatre lists"],
            early => "Model scored on the 2026 test year",
        };
        let t = |s: &str| is_true(&compile(s).unwrap(), &ctx);
        assert!(t(
            "late | select('sharing_words', criterion) | list | length == 2"
        ));
        // 'test' is shared by the early milestone too, so only the pilot is named by the late ones.
        assert!(t(
            "late | select('sharing_words', criterion, early) | list == ['Pilot on two theatre lists']"
        ));
        assert_eq!(
            shared_words_except("A/B test on both sites", "test year", "test"),
            0
        );
    }

    #[test]
    fn named_in_needs_every_word_of_the_name() {
        let ctx = context! {
            sources => "Curtailment per park from the REE settlement files (published D+1); SCADA power, 5-minute",
        };
        let t = |s: &str| is_true(&compile(s).unwrap(), &ctx);
        assert!(t("'REE settlement files' is named_in(sources)"));
        assert!(t("'SCADA' is named_in(sources)"));
        assert!(!t("'Park weather station' is named_in(sources)"));
        assert!(!t("'' is named_in(sources)"));
        assert!(t("sources is naming('REE settlement files')"));
    }

    #[test]
    fn together_needs_both_words_in_one_sentence() {
        let ctx = context! {
            notes => "Evaluate on the test set once. Set the margin at 0.2% on the test intervals; ship.",
            split => "We tune on validation. The test set is read once.",
            rows => vec![context! { what => "Tune thresholds" }, context! { what => "Score the test set" }],
        };
        let t = |s: &str| is_true(&compile(s).unwrap(), &ctx);
        let both = "['set the', 'tune*'], ['test intervals', 'test set']";
        assert!(t(&format!("together(notes, {both})")));
        assert!(
            !t(&format!("together(split, {both})")),
            "tuning and the test set in two sentences"
        );
        assert!(
            !t(&format!("together(rows, {both})")),
            "nor in two rows of a table"
        );
        assert!(!t(&format!("together(missing, {both})")));
        assert!(
            !t(&format!("together(notes, {both}, ['0.2%'])")),
            "the sentence holding both also holds a word of the third list"
        );
        assert!(t(
            "rows | selectattr('what', 'together', ['score'], ['test set']) | list | length == 1"
        ));
        assert!(t(&format!(
            "sentence_together(notes, {both}) == 'Set the margin at 0.2% on the test intervals'"
        )));
        assert!(t(&format!("sentence_together(split, {both}) is none")));
        // A string is one word, not its letters.
        assert!(!t("together(split, 'a', 'test set')"));
        assert!(t("together(split, 'the', 'test set')"));
        // A stop before a closing bracket ends the sentence; one after "e.g." does not.
        let ctx = context! {
            paren => "(We tune on validation.) The test set is read once.",
            abbrev => "We set the cut-off, e.g. on the test set from 2025.",
        };
        let t = |s: &str| is_true(&compile(s).unwrap(), &ctx);
        assert!(!t(&format!("together(paren, {both})")));
        assert!(t(&format!("together(abbrev, {both})")));
    }

    #[test]
    fn grouped_writes_large_whole_numbers_as_answers_are_shown() {
        let t = "{{ 626667.4 | round | grouped }} {{ 40000 | grouped }} {{ 9000 | grouped }}";
        let out = environment().render_str(&(t.to_string() + " {{ 0.06 | grouped }}"), context! {});
        assert_eq!(out.unwrap(), "626,667 40,000 9000 0.06");
    }

    #[test]
    fn helpers_read_the_cells_of_rows() {
        let rows = crate::answer::Answer::from_toml(
            toml::from_str::<toml::Table>(
                "x = [{ name = \"tenure days\", known = true }, { name = \"refund flag\", score = 0.31, known = false }]",
            )
            .unwrap()["x"]
                .clone(),
        );
        let ctx = context! { rows => rows.to_value() };
        let t = |s: &str| is_true(&compile(s).unwrap(), &ctx);
        assert!(t("mentions(rows, 'refund')"));
        assert!(
            !t("mentions(rows, 'name')"),
            "column names are not words of the answer"
        );
        assert!(!t("mentions(rows, 'true')"), "nor are yes/no cells");
        assert!(t("has_number(rows)"));
        assert!(t("word_count(rows) == 5"));
        assert!(t("answered(rows) and rows is not empty"));
        assert!(t(
            "rows | selectattr('known', 'false') | map(attribute='name') | list == ['refund flag']"
        ));
        assert!(t("'tenure days' in rows | map(attribute='name')"));
        assert!(t("rows | selectattr('known', 'false') | list is not empty"));
        assert!(t("rows | selectattr('score') | list | length == 1"));
        assert!(t(
            "rows | selectattr('name', 'mentioning', 'refund*') | map(attribute='name') | list == ['refund flag']"
        ));
        assert!(t(
            "rows | rejectattr('name', 'mentioning', 'refund*', 'flag') | map(attribute='name') | list == ['tenure days']"
        ));
        assert!(t(
            "rows | select('mentioning', 'tenure') | list | length == 1"
        ));
        assert!(t(
            "rows | selectattr('name', 'mentioning', 'nothing') | list is empty"
        ));
        assert!(
            t("not (missing is mentioning('x'))"),
            "an unanswered question mentions nothing"
        );
    }

    #[test]
    fn figures_are_numbers_that_stand_alone() {
        for yes in [
            "+4% applies",
            "$40k a month",
            "r = 0.83",
            "in 2024",
            "(3 seeds)",
        ] {
            assert_eq!(figure_count(yes), 1, "{yes}");
        }
        for no in [
            "F1 goes up",
            "NDCG@10",
            "top-5 accuracy",
            "GPT-4 answers",
            "Q3 plan",
            "",
        ] {
            assert_eq!(figure_count(no), 0, "{no}");
        }
        assert_eq!(figure_count("a 150,000 budget, 0.25 points, 1.2.3"), 3);
        assert_eq!(figure_count("42 of 310"), 2);
        assert_eq!(figure_count("+5% NDCG@10 came with +4% applies"), 2);
    }

    #[test]
    fn shared_words_compares_what_two_metrics_measure() {
        let same = [
            ("Late deliveries per 1,000 orders", "Late delivery rate"),
            ("Applications per alert email sent", "applies per email"),
            (
                "30-day retention of app readers",
                "Readers retained at day 30",
            ),
            ("Fraud losses per EUR 1M spend", "fraud loss (EUR)"),
            ("Ad revenue per thousand page views (RPM)", "RPM"),
        ];
        for (a, b) in same {
            assert!(shared_words(a, b) > 0, "{a} / {b}");
        }
        let different = [
            (
                "Late deliveries per 1,000 orders",
                "First-offer acceptance rate",
            ),
            ("30-day retention of app readers", "Feed CTR"),
            ("Average basket value per month", "Share of time per week"),
            ("", "anything at all"),
        ];
        for (a, b) in different {
            assert_eq!(shared_words(a, b), 0, "{a} / {b}");
        }
    }

    #[test]
    fn a_four_letter_word_matches_a_longer_one_it_starts() {
        assert_eq!(shared_words("Sale value", "Weekly sales per store"), 1);
        assert_eq!(shared_words("Claims filed", "claim rate"), 1);
        // Three letters are too few to say two words are one.
        assert_eq!(shared_words("ETA error", "etag hits"), 0);
        assert_eq!(shared_words("Feed CTR", "30-day retention"), 0);
    }

    #[test]
    fn amount_reads_the_first_figure_as_people_write_it() {
        assert_eq!(amount("under $2,000 a month"), Some(2000.0));
        assert_eq!(amount("at least 95% of answers"), Some(0.95));
        assert_eq!(amount("accuracy 0.97 on the March sample"), Some(0.97));
        assert_eq!(amount("about 1.2 million requests"), Some(1_200_000.0));
        assert_eq!(amount("≤ 40k EUR per quarter"), Some(40_000.0));
        assert_eq!(amount("no worse than today"), None);
        assert_eq!(amount("GPT-4 costs"), None);
    }

    #[test]
    fn whole_word_matching() {
        assert!(contains_word("we train a cnn.", "cnn"));
        assert!(!contains_word("scnnr", "cnn"));
        assert!(contains_word("deep learning", "deep learning"));
        assert!(!contains_word("", "x"));
        assert!(contains_word("naïve bayes", "bayes"));
        assert!(contains_word("refunded within 30 days", "refund*"));
        assert!(contains_word("final refund", "refund*"));
        assert!(!contains_word("prerefund", "refund*"));
        assert!(!contains_word("refund", "refunds"));
        assert!(contains_word("we call gpt-4o-latest", "-latest"));
        assert!(!contains_word("the latest data", "-latest"));
        assert!(!contains_word("anything", "*"));
    }

    #[test]
    fn variables_exclude_helpers() {
        let e = compile("mentions(a, 'x') and answered(b) and b > 1 and answered(c)").unwrap();
        assert_eq!(variables(&e), vec!["a", "b", "c"]);
    }

    #[test]
    fn unguarded_ordering_comparisons_are_rejected() {
        assert!(
            compile("rate < 0.1")
                .unwrap_err()
                .to_string()
                .contains("`rate`")
        );
        assert!(compile("0.1 > rate").is_err());
        assert!(compile("answered(rate) and rate < 0.1").is_ok());
        assert!(compile("rate is number and rate >= 3").is_ok());
        assert!(compile("word_count(notes) < 5").is_ok());
        assert!(compile("rows | selectattr('x') | list | length > 2").is_ok());
        assert!(
            compile("rows | length > n").is_ok() && compile("rows | length > 2 or n > 1").is_err()
        );
        let guarded = compile("answered(rate) and rate < 0.1").unwrap();
        assert!(!is_true(&guarded, &context! {}));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        assert!(
            compile(&format!("{}a", "not ".repeat(5000)))
                .unwrap_err()
                .to_string()
                .contains("nested too deeply")
        );
        assert!(compile(&format!("{}1", "-".repeat(5000))).is_err());
        assert!(compile(&format!("{}a{}", "(".repeat(100), ")".repeat(100))).is_err());
        assert!(check_template_nesting(&"{{ ".repeat(3000)).is_err());
        assert!(check_template_nesting(&format!("{}\n{{{{ x }}}}", "-".repeat(200))).is_ok());
        assert!(compile("not not (a and (b or not c))").is_ok());
        assert!(
            compile("x != 'a-b-c-d-e'").is_ok(),
            "minus signs in strings interleave with words"
        );
    }

    #[test]
    fn syntax_errors_are_described() {
        let err = compile("task == ").unwrap_err();
        assert!(err.to_string().contains("syntax error"), "{err}");
    }
}

//! The conditions of a trusted (built-in) file compiled as one list expression,
//! `[(when1), (when2), ...]`, for a full review: one compile and one evaluation where each
//! condition compiled alone costs minijinja a buffer of about 11 KiB (and the process a page
//! fault or two). Each condition is still compiled alone when first evaluated alone: after an
//! answer changes, or when the list fails to evaluate on some answers.

use std::sync::OnceLock;

use minijinja::Value;

use crate::expr::{self, Condition};
use crate::precompiled;
use crate::source::Checks;

/// Many conditions as one list expression, each distinct one compiled once.
#[derive(Debug)]
pub struct ConditionBatch {
    list: Condition,
    /// For each condition given, its item in the list.
    items: Vec<usize>,
    distinct: usize,
}

impl ConditionBatch {
    /// `None` if the list does not compile; then each condition is compiled alone, as for a
    /// file that is not trusted.
    pub fn compile<'a>(sources: impl IntoIterator<Item = &'a str>) -> Option<ConditionBatch> {
        // A questionnaire's `true` for each question without a `when`, a scorecard's repeated
        // tests: each distinct source once.
        let mut seen: std::collections::HashMap<&str, usize> = Default::default();
        let mut distinct = Vec::new();
        let mut items = Vec::new();
        for source in sources {
            let next = seen.len();
            let item = *seen.entry(source).or_insert(next);
            if item == next {
                distinct.push(source);
            }
            items.push(item);
        }
        let list = match precompiled::list(&distinct) {
            Some(built) => Condition::Built(built),
            // In brackets, each stays one item whatever it holds.
            None => {
                let list = format!("[({})]", distinct.join("), ("));
                expr::compile_checked(&list, Checks::Trusted).ok()?
            }
        };
        Some(ConditionBatch {
            list,
            items,
            distinct: distinct.len(),
        })
    }

    /// Whether each condition holds on `ctx`, as [`expr::is_true`] says of it alone; `None` when
    /// one of them fails to evaluate. Then each must be evaluated alone: the one that fails
    /// counts as false, the others as they are.
    pub fn eval(&self, ctx: &Value) -> Option<Vec<bool>> {
        let list = self.list.eval(ctx.clone()).ok()?;
        let values: Vec<bool> = list.try_iter().ok()?.map(|v| v.is_true()).collect();
        (values.len() == self.distinct).then(|| self.items.iter().map(|&i| values[i]).collect())
    }
}

/// A batch's conditions taken in order, each seeing the answers the ones before it hid (a
/// questionnaire's `when`s): the batch's result stands for a condition that names none of the
/// hidden questions (it reads the same answers as in the batch); one that names one, even
/// only in a string, is evaluated alone.
pub struct InOrder<'a> {
    results: Option<Vec<bool>>,
    hidden: Vec<&'a str>,
}

impl<'a> InOrder<'a> {
    pub fn new(batch: Option<&ConditionBatch>, ctx: &Value) -> InOrder<'a> {
        InOrder {
            results: batch.and_then(|b| b.eval(ctx)),
            hidden: Vec::new(),
        }
    }

    /// Whether condition `i` of the batch, `condition`, holds on `ctx` as it is now.
    pub fn is_true(&self, i: usize, condition: &LazyCondition, ctx: &Value) -> bool {
        match &self.results {
            Some(results) if !self.hidden.iter().any(|id| names(&condition.source, id)) => {
                results[i]
            }
            _ => condition.is_true(ctx),
        }
    }

    /// The answer `id` is about to be hidden from the conditions after this one (in `ctx`);
    /// hiding a question without an answer changes nothing they read.
    pub fn hide(&mut self, id: &'a str, ctx: &Value) {
        if ctx.get_attr(id).is_ok_and(|v| !v.is_undefined()) {
            self.hidden.push(id);
        }
    }
}

/// Whether `source` holds `id` as a whole word.
fn names(source: &str, id: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    source.match_indices(id).any(|(at, _)| {
        !source[..at].ends_with(is_word) && !source[at + id.len()..].starts_with(is_word)
    })
}

/// A condition compiled when first needed: at once for a checked file (the checks compile
/// it), on first use alone for a trusted file whose conditions also form a [`ConditionBatch`].
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
            .get_or_init(|| expr::compile_checked(&self.source, Checks::Trusted).ok())
            .as_ref()
    }

    /// [`expr::is_true`]; a condition that does not compile counts as false.
    pub fn is_true(&self, ctx: &Value) -> bool {
        self.get().is_some_and(|c| expr::is_true(c, ctx))
    }

    /// The variables it reads, excluding the helpers ([`expr::variables`]).
    pub fn variables(&self) -> Vec<String> {
        self.get().map(expr::variables).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn a_condition_names_a_question_as_a_whole_word() {
        assert!(names("answered(rate) and x", "rate"));
        assert!(names("rate", "rate"));
        assert!(!names("base_rate > 1 or rates", "rate"));
        assert!(
            names("x == 'rate'", "rate"),
            "a string counts too: it only costs time"
        );
    }

    #[test]
    fn a_batch_says_what_each_condition_says_alone() {
        // Repeated ones too: compiled once, each still answered in its place.
        let sources = [
            "x == 1",
            "y is empty",
            "z == 1",
            "answered(x) and x > 0",
            "'a' in z",
            "z == 1",
            "x == 1",
        ];
        let batch = ConditionBatch::compile(sources).unwrap();
        let ctx = context! { x => 1, z => ["a"] };
        let alone: Vec<bool> = sources
            .iter()
            .map(|s| LazyCondition::lazy(s).is_true(&ctx))
            .collect();
        assert_eq!(batch.eval(&ctx).unwrap(), alone);
        assert_eq!(alone, [true, true, false, true, true, false, true]);
        assert_eq!(batch.distinct, 5);
    }

    #[test]
    fn a_batch_that_fails_to_evaluate_leaves_each_to_itself() {
        // Adding a number to text fails; alone it counts as false, the others stand.
        let sources = ["x + 1 == 2", "y == 2"];
        let batch = ConditionBatch::compile(sources).unwrap();
        let ctx = context! { x => "text", y => 2 };
        assert_eq!(batch.eval(&ctx), None);
        let alone: Vec<bool> = sources
            .iter()
            .map(|s| LazyCondition::lazy(s).is_true(&ctx))
            .collect();
        assert_eq!(alone, [false, true]);
    }
}

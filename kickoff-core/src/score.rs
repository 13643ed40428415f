//! The readiness score in the spirit of the ML Test Score (Breck et al. 2017): each of the 28
//! tests judged from the answers as not addressed (0), manual (0.5) or automated (1.0); the
//! final score is the weakest of the four sections.

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::expr;
use crate::expr::LazyCondition;
use crate::questionnaire::Questionnaire;
use crate::source::{Checks, FileError, IdSpan, Lines, Problem, parse_toml};

pub const SECTIONS: [&str; 4] = ["Data", "Model", "Infra", "Monitor"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreFile {
    tests: Vec<TestDef>,
}

/// Where each test is defined, for error lines.
#[derive(Deserialize)]
struct ScoreLines {
    #[serde(default)]
    tests: Vec<IdSpan>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestDef {
    id: String,
    title: String,
    #[serde(default)]
    questions: Vec<String>,
    automated: String,
    manual: String,
}

#[derive(Debug)]
struct Test {
    id: String,
    title: String,
    section: usize,
    question: Option<String>,
    automated: LazyCondition,
    manual: LazyCondition,
    /// The answers both conditions read (worked out when first needed for a trusted file).
    reads: OnceLock<Vec<String>>,
}

impl Test {
    fn reads(&self) -> &[String] {
        self.reads.get_or_init(|| {
            let mut reads = self.automated.variables();
            reads.extend(self.manual.variables());
            reads
        })
    }
}

#[derive(Debug)]
pub struct Scorecard {
    tests: Vec<Test>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TestResult {
    pub id: String,
    pub title: String,
    /// 0, 0.5 (manual) or 1.0 (automated).
    pub score: f64,
    /// The question to go to for this test.
    pub question: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectionScore {
    pub name: String,
    pub score: f64,
    pub tests: Vec<TestResult>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Readiness {
    pub sections: Vec<SectionScore>,
    /// Minimum of the section sums.
    pub score: f64,
    /// The paper's description of the score's band.
    pub band: String,
}

impl Scorecard {
    pub fn from_str(source: &str, path: &Path, q: &Questionnaire) -> Result<Scorecard, FileError> {
        Self::from_str_checked(source, path, q, Checks::All)
    }

    /// Parses a scorecard checked as `checks` says: a trusted (built-in) one only has its
    /// conditions compiled, and what each test reads is worked out when first asked for.
    // Longer than a screen: each test is read and checked in one pass, so every problem names its line.
    pub fn from_str_checked(
        source: &str,
        path: &Path,
        q: &Questionnaire,
        checks: Checks,
    ) -> Result<Scorecard, FileError> {
        let all = checks == Checks::All;
        let file: ScoreFile = parse_toml(source, path)?;
        let mut problems = Vec::new();
        let mut tests = Vec::new();
        let lines = Lines::<ScoreLines>::new(source);
        for (n, def) in file.tests.into_iter().enumerate() {
            let mut problem = |message: String| {
                problems.push(Problem {
                    line: lines.of(|l| l.tests.get(n).map(|t| &t.id)),
                    question: None,
                    subject: format!("test `{}`", def.id),
                    message,
                })
            };
            let section = SECTIONS.iter().position(|s| {
                def.id
                    .strip_prefix(s)
                    .is_some_and(|rest| rest.trim().parse::<u8>().is_ok())
            });
            if all && section.is_none() {
                problem("id must be `Data N`, `Model N`, `Infra N` or `Monitor N`".into());
            }
            for name in def.questions.iter().filter(|_| all) {
                if q.get(name).is_none() {
                    problem(format!(
                        "`questions` names `{name}`, which is not a question"
                    ));
                }
            }
            let mut compile = |what: &str, src: &str| match all {
                // A trusted file's: compiled when first evaluated.
                false => Some((LazyCondition::lazy(src), None)),
                true => match expr::compile_checked(src, checks) {
                    Ok(c) => {
                        let vars = all.then(|| expr::variables(&c));
                        for name in vars.iter().flatten().filter(|n| q.get(n).is_none()) {
                            problem(format!("`{what}` names `{name}`, which is not a question"));
                        }
                        Some((LazyCondition::compiled(src, c), vars))
                    }
                    Err(e) => {
                        problem(format!("`{what}` does not compile: {e}"));
                        None
                    }
                },
            };
            let automated = compile("automated", &def.automated);
            let manual = compile("manual", &def.manual);
            if let (Some(section), Some((automated, reads)), Some((manual, manual_reads))) =
                (section, automated, manual)
            {
                let reads = match (reads, manual_reads) {
                    (Some(mut reads), Some(manual_reads)) => {
                        reads.extend(manual_reads);
                        OnceLock::from(reads)
                    }
                    _ => OnceLock::new(),
                };
                tests.push(Test {
                    reads,
                    question: def.questions.first().cloned(),
                    id: def.id,
                    title: def.title,
                    section,
                    automated,
                    manual,
                });
            }
        }
        if !problems.is_empty() {
            return Err(FileError::Invalid {
                path: path.to_path_buf(),
                problems,
            });
        }
        Ok(Scorecard { tests })
    }

    pub fn len(&self) -> usize {
        self.tests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tests.is_empty()
    }

    /// Scores the answers of a context whose hidden questions are already taken out.
    pub fn score(&self, ctx: &minijinja::Value) -> Readiness {
        self.score_after(ctx, None)
    }

    /// Like `score`, keeping the `previous` result of every test that reads none of the
    /// `changed` answers.
    pub fn score_after(
        &self,
        ctx: &minijinja::Value,
        previous: Option<(&Readiness, &std::collections::HashSet<String>)>,
    ) -> Readiness {
        let before = |id: &str| {
            previous.and_then(|(r, _)| {
                r.sections
                    .iter()
                    .flat_map(|s| &s.tests)
                    .find(|t| t.id == id)
                    .map(|t| t.score)
            })
        };
        let mut sections: Vec<SectionScore> = SECTIONS
            .iter()
            .map(|s| SectionScore {
                name: s.to_string(),
                score: 0.0,
                tests: Vec::new(),
            })
            .collect();
        for t in &self.tests {
            let unchanged =
                previous.is_some_and(|(_, changed)| !t.reads().iter().any(|v| changed.contains(v)));
            let score = if let Some(s) = before(&t.id).filter(|_| unchanged) {
                s
            } else if t.automated.is_true(ctx) {
                1.0
            } else if t.manual.is_true(ctx) {
                0.5
            } else {
                0.0
            };
            let s = &mut sections[t.section];
            s.score += score;
            s.tests.push(TestResult {
                id: t.id.clone(),
                title: t.title.clone(),
                score,
                question: t.question.clone(),
            });
        }
        let score = sections
            .iter()
            .map(|s| s.score)
            .fold(f64::INFINITY, f64::min);
        let score = if score.is_finite() { score } else { 0.0 };
        Readiness {
            sections,
            score,
            band: band(score).to_string(),
        }
    }
}

/// The bands of the 2017 paper.
pub fn band(score: f64) -> &'static str {
    match score {
        s if s <= 0.0 => "more of a research project than a productionized system",
        s if s <= 1.0 => "not totally untested, but serious holes in reliability are possible",
        s if s <= 2.0 => "a first pass at production readiness; more is needed",
        s if s <= 3.0 => "reasonably tested; more automation may pay",
        s if s <= 5.0 => "strong levels of automated testing and monitoring",
        _ => "exceptional levels of automated testing and monitoring",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trusted scorecard works out what each test reads when asked: the same as a checked one.
    #[test]
    fn trusted_tests_read_what_checked_ones_do() {
        let q = include_str!("../../questionnaires/ml-experiment.toml");
        let q = Questionnaire::from_str(q, Path::new("q")).unwrap();
        let toml = include_str!("../../questionnaires/ml-experiment.score.toml");
        let checked = Scorecard::from_str(toml, Path::new("s"), &q).unwrap();
        let trusted =
            Scorecard::from_str_checked(toml, Path::new("s"), &q, Checks::Trusted).unwrap();
        assert_eq!(checked.len(), trusted.len());
        for (c, t) in checked.tests.iter().zip(&trusted.tests) {
            assert!(c.reads.get().is_some() && t.reads.get().is_none());
            assert_eq!(c.reads(), t.reads(), "{}", c.id);
        }
    }

    #[test]
    fn bands_follow_the_paper() {
        assert!(band(0.0).starts_with("more of a research"));
        assert!(band(1.0).starts_with("not totally"));
        assert!(band(1.5).starts_with("a first pass"));
        assert!(band(3.0).starts_with("reasonably"));
        assert!(band(5.0).starts_with("strong"));
        assert!(band(5.5).starts_with("exceptional"));
    }
}

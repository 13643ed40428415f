//! Answers that say nothing yet ("TBD", "not decided yet, we will see", "n/a"): one shared list
//! (`questionnaires/placeholders.toml`, built in, extended by the config file and rule packs)
//! decides, and such an answer counts as unanswered for every rule, condition and open question.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::answer::{Answer, Answers};
use crate::questionnaire::{Kind, Questionnaire};
use crate::source::{FileError, parse_toml};

/// The built-in list's source.
const BUILTIN_SOURCE: &str = include_str!("../../questionnaires/placeholders.toml");

/// Answers longer than this many words are never placeholders (and are not looked at further).
const MAX_WORDS: usize = 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceholderFile {
    max_other_words: usize,
    whole: Vec<String>,
    phrases: Vec<String>,
    filler: Vec<String>,
    deferred_until: Vec<String>,
    #[serde(default)]
    qualifiers: Vec<String>,
}

/// The placeholder list, as token sequences.
#[derive(Debug, Clone, PartialEq)]
pub struct Placeholders {
    whole: Vec<String>,
    /// Longest first, so "not decided yet" wins over "not decided".
    phrases: Vec<Vec<String>>,
    filler: Vec<Vec<String>>,
    /// Words that, right after a phrase, say when the answer will come ("we'll see *after*
    /// the first training run"): the rest of the sentence is the deferral's.
    until: Vec<Vec<String>>,
    /// Words that may stand between the words of a phrase without changing what it says:
    /// "standard *company data* policy" is "standard policy".
    qualifiers: Vec<String>,
    max_other_words: usize,
    /// The first word of each of `whole`, `phrases` and `filler`: a placeholder starts with
    /// one, so an answer that does not is not looked at further.
    starts: BTreeSet<String>,
}

static BUILTIN: LazyLock<Placeholders> = LazyLock::new(|| {
    Placeholders::from_str(BUILTIN_SOURCE, Path::new("<built-in>/placeholders.toml"))
        .expect("the built-in placeholder list is valid")
});

impl Default for Placeholders {
    fn default() -> Self {
        BUILTIN.clone()
    }
}

impl Placeholders {
    pub fn from_str(source: &str, path: &Path) -> Result<Placeholders, FileError> {
        let file: PlaceholderFile = parse_toml(source, path)?;
        let mut p = Placeholders {
            whole: file.whole.iter().map(|w| tokens(w).join(" ")).collect(),
            phrases: Vec::new(),
            filler: file.filler.iter().map(|f| tokens(f)).collect(),
            until: file.deferred_until.iter().map(|u| tokens(u)).collect(),
            qualifiers: file.qualifiers.iter().flat_map(|w| tokens(w)).collect(),
            max_other_words: file.max_other_words,
            starts: BTreeSet::new(),
        };
        p.until.sort_by_key(|u| std::cmp::Reverse(u.len()));
        p.add_phrases(&file.phrases);
        Ok(p)
    }

    /// Adds a team's phrases (from the config file or a rule pack). A phrase without a letter
    /// or digit matches nothing; [`is_usable_phrase`] tells the loaders so they can say so.
    pub fn add_phrases(&mut self, phrases: &[String]) {
        for phrase in phrases {
            let t = tokens(phrase);
            if !t.is_empty() && !self.phrases.contains(&t) {
                self.phrases.push(t);
            }
        }
        self.phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        self.filler.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let whole = self.whole.iter().filter_map(|w| w.split(' ').next());
        let lists = self.phrases.iter().chain(&self.filler);
        self.starts = whole
            .chain(lists.filter_map(|p| p.first()).map(String::as_str))
            .map(str::to_string)
            .collect();
    }

    /// Whether a free-text answer (or list item) is only a placeholder.
    pub fn is_placeholder(&self, text: &str) -> bool {
        if text.trim().is_empty() || text.split_whitespace().nth(MAX_WORDS).is_some() {
            return false;
        }
        // The gist must lead: an answer starting with a word of no list says something.
        let t = tokens(text);
        match t.first() {
            None => return true,
            Some(first) if !self.starts.contains(first) => return false,
            Some(_) => {}
        }
        if self.whole.contains(&t.join(" ")) {
            return true;
        }
        let (mut phrase_seen, mut others, mut deferred) = (false, 0, 0);
        for sentence in sentences(text) {
            if self.says_something_after_intro(sentence) {
                return false;
            }
            let t = tokens(sentence);
            // Whether the last word of note was a phrase, and whether a deferral's "after ..."
            // has begun.
            let (mut i, mut after_phrase, mut in_deferral) = (0, false, false);
            while i < t.len() {
                if let Some(n) = self.phrase_at(&t[i..]) {
                    (phrase_seen, after_phrase) = (true, true);
                    i += n;
                } else if let Some(n) = match_at(&self.until, &t[i..]).filter(|_| after_phrase) {
                    in_deferral = true;
                    i += n;
                } else if let Some(n) = match_at(&self.filler, &t[i..]) {
                    i += n;
                } else {
                    // The gist must lead: a word of substance before any placeholder, or a
                    // number anywhere but in what a deferral waits for ("TBD until Q3"),
                    // means the answer says something.
                    let number = t[i].chars().any(|c| c.is_ascii_digit());
                    if !phrase_seen || number && !in_deferral {
                        return false;
                    }
                    if in_deferral {
                        deferred += 1;
                    } else {
                        others += 1;
                        after_phrase = false;
                        if others > self.max_other_words {
                            return false;
                        }
                    }
                    i += 1;
                }
            }
        }
        // What the deferral waits for says nothing of the answer; it counts only beside words
        // that say something.
        phrase_seen && (others == 0 || others + deferred <= self.max_other_words)
    }

    /// Whether `sentence` is placeholder words, then a colon or a dash, then a word of
    /// substance: "TBD: XGBoost for now", "N/A - no automated decision". What follows the colon
    /// is the answer, unless it is what a deferral waits for ("TBD: after the pilot").
    fn says_something_after_intro(&self, sentence: &str) -> bool {
        let Some((head, tail)) = [":", " - ", " \u{2013} ", " \u{2014} "]
            .iter()
            .filter_map(|mark| sentence.split_once(mark))
            .min_by_key(|(head, _)| head.len())
        else {
            return false;
        };
        let (head, tail) = (tokens(head), tokens(tail));
        let (known, phrase) = self.known_prefix(&head);
        if known < head.len() || !phrase || match_at(&self.until, &tail).is_some() {
            return false;
        }
        self.known_prefix(&tail).0 < tail.len()
    }

    /// How many words of `t` the first phrase that starts it takes: its own words, and up to
    /// three qualifiers between two of them ("per *our company* policy").
    fn phrase_at(&self, t: &[String]) -> Option<usize> {
        self.phrases.iter().find_map(|p| {
            let (first, rest) = p.split_first()?;
            if t.first() != Some(first) {
                return None;
            }
            let mut i = 1;
            for word in rest {
                let mut skipped = 0;
                while t.get(i) != Some(word) {
                    let qualifier = t.get(i).is_some_and(|w| self.qualifiers.contains(w));
                    if !qualifier || skipped == 3 {
                        return None;
                    }
                    (i, skipped) = (i + 1, skipped + 1);
                }
                i += 1;
            }
            Some(i)
        })
    }

    /// How many of the words `t` starts with are phrases and filler, and whether a phrase is
    /// among them.
    fn known_prefix(&self, t: &[String]) -> (usize, bool) {
        let (mut i, mut phrase) = (0, false);
        while i < t.len() {
            if let Some(n) = self.phrase_at(&t[i..]) {
                (phrase, i) = (true, i + n);
            } else if let Some(n) = match_at(&self.filler, &t[i..]) {
                i += n;
            } else {
                break;
            }
        }
        (i, phrase)
    }

    /// The answers as rules see them: free-text answers (text, long text, list items) that
    /// are placeholders taken out, a list keeping its other items. Also returns the ids of
    /// the answers that were nothing but placeholders. Borrows when there is none.
    pub fn strip<'a>(
        &self,
        q: &Questionnaire,
        answers: &'a Answers,
    ) -> (Cow<'a, Answers>, BTreeSet<String>) {
        let mut out = Cow::Borrowed(answers);
        let mut emptied = BTreeSet::new();
        for (id, answer) in answers {
            let question = q.get(id);
            let kind = question.map(|x| x.kind);
            let replacement = match (kind, answer) {
                // A hedge picked from the choices ("Not sure") leaves the question open.
                (Some(Kind::Choice), Answer::Text(s))
                    if question.and_then(|x| x.choice(s)).is_some_and(|c| c.open) =>
                {
                    Some(None)
                }
                (Some(Kind::Text | Kind::LongText), Answer::Text(s)) if self.is_placeholder(s) => {
                    Some(None)
                }
                (Some(Kind::List), Answer::List(items))
                    if items.iter().any(|s| self.is_placeholder(s)) =>
                {
                    let kept: Vec<String> = items
                        .iter()
                        .filter(|s| !s.trim().is_empty() && !self.is_placeholder(s))
                        .cloned()
                        .collect();
                    Some((!kept.is_empty()).then_some(Answer::List(kept)))
                }
                _ => None,
            };
            if let Some(replacement) = replacement {
                let map = out.to_mut();
                match replacement {
                    Some(a) => {
                        map.insert(id.clone(), a);
                    }
                    None => {
                        map.remove(id);
                        emptied.insert(id.clone());
                    }
                }
            }
        }
        (out, emptied)
    }
}

/// Whether a phrase a team gives can match anything (it has a letter or a digit).
pub fn is_usable_phrase(phrase: &str) -> bool {
    !tokens(phrase).is_empty()
}

/// How many tokens of the first sequence in `list` that starts `t` (the longest, as the list
/// is sorted longest first).
fn match_at(list: &[Vec<String>], t: &[String]) -> Option<usize> {
    list.iter().find(|p| t.starts_with(p)).map(Vec::len)
}

/// The sentences of `text`: a full stop ends one when a space or the end follows ("T.B.D."
/// and "0.2" are not split), and so do `;`, `!`, `?` and a line break.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = match c {
            ';' | '!' | '?' | '\n' => true,
            '.' => chars.peek().is_none_or(|&(_, next)| next.is_whitespace()),
            _ => false,
        };
        if ends {
            out.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

/// Lowercase words: letters and digits, with `'`, `/` and `-` inside a word kept ("we'll",
/// "n/a", "go-live"); everything else separates.
fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '/' | '-')))
        .map(|w| w.trim_matches(|c: char| matches!(c, '\'' | '/' | '-')))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_many_phrasings_count_as_unanswered() {
        let p = Placeholders::default();
        for text in [
            "TBD",
            "tbd.",
            "  TODO  ",
            "n/a",
            "N/A",
            "later",
            "Later.",
            "?",
            "-",
            "...",
            "Unknown",
            "unknown yet",
            "Not defined yet",
            "not decided yet, we will see",
            "Not decided. We'll see after the first full training run.",
            "Not decided yet. We'll see after the first full training run on the new GPU cluster.",
            "TBD until legal signs off the data processing agreement with the vendor",
            "Pending, once the analytics team has rebuilt the attribution pipeline end to end",
            "TBD until Q3",
            "Not decided yet. We'll see after 2 weeks of shadow mode",
            "We'll see after the pilot, in 2 weeks",
            "TBD: after the pilot",
            "We'll decide after the first offline evaluation",
            "We have not decided yet",
            "Haven't decided yet",
            "T.B.D.",
            "To be discussed",
            "Will fill in later",
            "Nobody knows",
            "To be decided",
            "TBD with legal",
            "TBD with the product owner",
            "TBD, probably whoever is on the data team",
            "We'll work this out with legal before launch",
            "we\u{2019}ll figure it out",
            "TBD with legal before launch, we will figure it out.",
            "Pending legal review",
            "Later, once labels arrive",
            "Still unclear",
            "depends on the vendor",
            "Check with finance",
            // Hedges and deferrals, in several phrasings of each class.
            "Not sure",
            "Not really sure yet",
            "not 100% sure",
            "Unsure",
            "Don't know yet",
            "We don't know yet",
            "Check with legal",
            "Ask legal",
            "We need to check with the DPO",
            "To be confirmed",
            "TBC with the data owner",
            "Depends",
            "It depends on the traffic",
            "Standard policy",
            "Standard company data policy; check with legal",
            "Standard data privacy policy applies",
            "Per company policy",
            "As per our group privacy policy",
            "In line with company data protection policy",
            "The usual process",
            "Should be fine",
            "Yes, I think so",
            "Hopefully",
            "Consult legal",
            "Will confirm with the platform team",
        ] {
            assert!(p.is_placeholder(text), "{text:?} is a placeholder");
        }
    }

    #[test]
    fn answers_that_say_something_are_not_placeholders() {
        let p = Placeholders::default();
        for text in [
            "",
            "No",
            "none",
            "Nobody yet, finance reviews it quarterly",
            "We retrain later if drift exceeds 0.2 PSI on the top features",
            "Monthly now, later weekly",
            "Retrain later, when the label backlog clears",
            "Unknown customers get the global model",
            "TBD: about $5k a month",
            "Later than 30 June we stop",
            "Priya Nair (ML lead)",
            "Legitimate interest; PII hashed at ingestion; raw data kept 13 months.",
            "Stop if recall at 90% precision is not yet above 0.5 on the March holdout.",
            "We are not sure of the exact abandonment rate yet, but a false decline costs \
             roughly $3 in lost orders and a missed fraud costs the chargeback.",
            "To be decided by the steering committee with the fraud analysts, the payments \
             team, legal and the head of risk after the pilot results are analysed in depth",
            // Something said beside the deferral, or a clause that is not one.
            "TBD: XGBoost on session features, revisit after the pilot with the fraud team",
            "Not decided. When in doubt the rules engine declines and an analyst reviews it",
            "TBD after the pilot; gradient boosting on session and device features likely wins",
            "TBD: XGBoost, revisit after the pilot with the fraud team",
            "TBD - XGBoost for now",
            "N/A: no automated decision, analysts review everything",
            "Not sure: stop if precision drops",
            // A fact-stating answer that mentions a hedge in passing stays an answer.
            "Consent collected at sign-up; PII hashed at ingestion; raw data kept 13 months; \
             we are not sure yet how deletions reach trained models, legal is checking.",
            "Standard company data policy: PII hashed at ingestion, raw rows deleted after 13 months",
            "Legitimate interest; emails hashed at ingestion; check with legal on retention",
            "Per-store models, retrained weekly",
            "Company policy forbids storing raw card numbers, so we keep only the last 4 digits",
            "Depends on the region: EU rows stay in Frankfurt and are kept 13 months",
            "Sure, the scores are calibrated on the March holdout",
        ] {
            assert!(!p.is_placeholder(text), "{text:?} is an answer");
        }
    }

    #[test]
    fn a_team_adds_its_own_phrases() {
        let mut p = Placeholders::default();
        assert!(!p.is_placeholder("parked"));
        p.add_phrases(&["parked".into(), "!!".into()]);
        assert!(p.is_placeholder("Parked until the autumn"));
        assert!(!is_usable_phrase("!!"));
        assert!(is_usable_phrase("à voir"));
    }

    #[test]
    fn strip_empties_text_and_thins_lists_of_free_text_only() {
        let src = "id = \"t\"\nversion = \"1\"\ntitle = \"T\"\n[[sections]]\nid = \"s\"\ntitle = \"S\"\n\
                   [[sections.questions]]\nid = \"a\"\nkind = \"text\"\nprompt = \"A\"\n\
                   [[sections.questions]]\nid = \"l\"\nkind = \"list\"\nprompt = \"L\"\n\
                   [[sections.questions]]\nid = \"m\"\nkind = \"list\"\nprompt = \"M\"\n\
                   [[sections.questions]]\nid = \"c\"\nkind = \"choice\"\nprompt = \"C\"\n\
                   choices = [{ value = \"tbd\" }]\n\
                   [[sections.questions]]\nid = \"o\"\nkind = \"choice\"\nprompt = \"O\"\n\
                   choices = [{ value = \"yes\" }, { value = \"not_sure\", open = true }]\n";
        let q = Questionnaire::from_str(src, Path::new("t.toml")).unwrap();
        let mut answers = Answers::new();
        answers.insert("a".into(), Answer::Text("TBD".into()));
        answers.insert(
            "l".into(),
            Answer::List(vec!["orders table".into(), "TBD".into()]),
        );
        answers.insert("m".into(), Answer::List(vec!["n/a".into(), "later".into()]));
        answers.insert("c".into(), Answer::Text("tbd".into()));
        answers.insert("o".into(), Answer::Text("not_sure".into()));
        let (stripped, emptied) = Placeholders::default().strip(&q, &answers);
        assert_eq!(emptied.into_iter().collect::<Vec<_>>(), ["a", "m", "o"]);
        assert_eq!(
            stripped.get("o"),
            None,
            "a hedge picked from the choices is open"
        );
        assert_eq!(stripped.get("a"), None);
        assert_eq!(
            stripped.get("l"),
            Some(&Answer::List(vec!["orders table".into()]))
        );
        assert_eq!(stripped.get("m"), None);
        assert_eq!(
            stripped.get("c"),
            Some(&Answer::Text("tbd".into())),
            "a choice is never a placeholder"
        );
        let clean: Answers = [("a".to_string(), Answer::Text("fine".into()))].into();
        assert!(matches!(
            Placeholders::default().strip(&q, &clean).0,
            Cow::Borrowed(_)
        ));
    }
}

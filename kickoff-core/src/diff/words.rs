//! A word-level diff of two texts: what stayed, what went, what came, in order. A longest
//! common subsequence over words; answers are at most a few thousand words, so the table of
//! its lengths is small.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Same,
    Removed,
    Added,
}

/// A run of words with one fate, the whitespace after each word kept so the runs joined give
/// back the texts.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Chunk {
    pub op: Op,
    pub text: String,
}

/// Beyond this many words on both sides the texts are shown as one removal and one addition.
const MAX_CELLS: usize = 4_000_000;

/// The chunks that turn `before` into `after`.
pub fn words(before: &str, after: &str) -> Vec<Chunk> {
    let (a, b) = (tokens(before), tokens(after));
    if a.len() * b.len() > MAX_CELLS {
        return vec![
            Chunk {
                op: Op::Removed,
                text: before.to_string(),
            },
            Chunk {
                op: Op::Added,
                text: after.to_string(),
            },
        ];
    }
    let word = |t: &str| t.trim_end().to_string();
    let (aw, bw): (Vec<String>, Vec<String>) = (
        a.iter().map(|t| word(t)).collect(),
        b.iter().map(|t| word(t)).collect(),
    );
    let w = bw.len() + 1;
    let mut lcs = vec![0u32; (aw.len() + 1) * w];
    for i in (0..aw.len()).rev() {
        for j in (0..bw.len()).rev() {
            lcs[i * w + j] = if aw[i] == bw[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let mut out: Vec<Chunk> = Vec::new();
    let mut push = |op: Op, text: &str| match out.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => out.push(Chunk {
            op,
            text: text.to_string(),
        }),
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && aw[i] == bw[j] {
            push(Op::Same, b[j]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            push(Op::Removed, a[i]);
            i += 1;
        } else {
            push(Op::Added, b[j]);
            j += 1;
        }
    }
    out
}

/// Words with the whitespace that follows each (leading whitespace on the first).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = true;
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() && in_space && i > start && !text[start..i].trim().is_empty() {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = c.is_whitespace();
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(chunks: &[Chunk]) -> String {
        chunks
            .iter()
            .map(|c| match c.op {
                Op::Same => c.text.clone(),
                Op::Removed => format!("[-{}-]", c.text),
                Op::Added => format!("{{+{}+}}", c.text),
            })
            .collect()
    }

    #[test]
    fn changed_words_are_marked_and_the_rest_kept() {
        let d = words(
            "Split by time: train on Jan-Sep, test on Oct.",
            "Split by customer and time: train on Jan-Sep, test on Nov.",
        );
        assert_eq!(
            show(&d),
            "Split by {+customer and +}time: train on Jan-Sep, test on [-Oct.-]{+Nov.+}"
        );
        let joined = |op: Op| -> String {
            d.iter()
                .filter(|c| c.op == Op::Same || c.op == op)
                .map(|c| c.text.as_str())
                .collect()
        };
        assert_eq!(
            joined(Op::Added),
            "Split by customer and time: train on Jan-Sep, test on Nov."
        );
        assert_eq!(
            joined(Op::Removed),
            "Split by time: train on Jan-Sep, test on Oct."
        );
    }

    #[test]
    fn empty_sides() {
        assert_eq!(show(&words("", "new text")), "{+new text+}");
        assert_eq!(show(&words("old", "")), "[-old-]");
        assert_eq!(words("", ""), []);
    }
}

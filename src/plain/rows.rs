//! A records answer in the plain interview: row by row, each column of a row in turn.

use std::io::{BufRead, Write};

use super::{Reply, ReplyError};
use crate::answer::{Answer, Row};
use crate::questionnaire::{ColumnKind, Question};

/// Reads a table row by row, each column of a row in turn, starting with `first`, the first
/// cell of row 1. An empty first cell ends the table; a cell that does not fit its column (or
/// a required one left empty) is asked again with the reason. At the end of input the rows
/// typed so far are the answer, so nothing typed is lost.
pub(super) fn read_rows(
    q: &Question,
    first: String,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> std::io::Result<Result<Reply, ReplyError>> {
    let mut rows: Vec<Row> = Vec::new();
    let mut pending = Some(first);
    'rows: loop {
        let number = rows.len() + 1;
        let mut row = Row::default();
        for (k, column) in q.columns.iter().enumerate() {
            loop {
                let line = match pending.take() {
                    Some(line) => line,
                    None => {
                        let hint = match column.kind {
                            ColumnKind::Choice => format!(
                                " ({})",
                                column
                                    .choices
                                    .iter()
                                    .enumerate()
                                    .map(|(n, c)| format!("{} {}", n + 1, c.label()))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            ColumnKind::YesNo => " (y/n)".into(),
                            ColumnKind::Number => match &column.unit {
                                Some(u) => format!(" (a number, {u})"),
                                None => " (a number)".into(),
                            },
                            ColumnKind::Text => String::new(),
                        };
                        write!(out, "row {number}, {}{hint}: ", column.label())?;
                        out.flush()?;
                        let mut line = String::new();
                        if input.read_line(&mut line)? == 0 {
                            if !row.is_empty() {
                                rows.push(row);
                            }
                            break 'rows;
                        }
                        line.trim_end_matches(['\n', '\r']).to_string()
                    }
                };
                if k == 0 && line.trim().is_empty() {
                    break 'rows;
                }
                match column.parse_cell(&line) {
                    Ok(None) if column.required => {
                        writeln!(out, "  ✗ row {number}, {}: required", column.label())?;
                    }
                    Ok(cell) => {
                        row.set(&column.id, cell);
                        break;
                    }
                    Err(e) => writeln!(out, "  ✗ row {number}, {}: {e}", column.label())?,
                }
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Ok(Ok(Reply::Keep));
    }
    Ok(Ok(Reply::Answer(Answer::Records(rows))))
}

//! Styles, in one place; with `NO_COLOR` set only bold, reverse and dim remain.

use ratatui::style::{Color, Modifier, Style};

use crate::critic::Severity;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    pub fn selected(self) -> Style {
        if self.color {
            Style::default()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn focus(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }
    /// The LLM reviewer's findings: its severity's colour in italics, dimmed when stale.
    pub fn reviewer(self, s: Severity, stale: bool) -> Style {
        if stale {
            self.dim().add_modifier(Modifier::ITALIC)
        } else {
            self.severity(s).add_modifier(Modifier::ITALIC)
        }
    }
    pub fn severity(self, s: Severity) -> Style {
        match s {
            Severity::Blocker => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Severity::Warning => self.fg(Color::Yellow),
            Severity::Info => self.fg(Color::Blue),
        }
    }
}

pub fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Blocker => "■",
        Severity::Warning => "▲",
        Severity::Info => "·",
    }
}

//! Diagnostics: user mistakes with a source span, printed `file:line:col: error: …` with the
//! source line, a caret and a hint.
//!
//! Every stage that judges the user's spec (`spec`, `model`, `validate`) returns a list of
//! [`Diagnostic`]s instead of stopping at the first problem, so a user sees all of them at once.

use std::fmt::Write as _;

/// A byte range in the spec source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

/// How serious a diagnostic is: errors stop the render, warnings are printed and rendering goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding about the user's spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub span: Option<Span>,
    pub message: String,
    pub hint: Option<String>,
    /// Another place the message refers to (e.g. where a duplicate id was first defined).
    pub related: Option<(Span, String)>,
}

impl Diagnostic {
    pub fn error(span: impl Into<Option<Span>>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            span: span.into(),
            message: message.into(),
            hint: None,
            related: None,
        }
    }

    pub fn warning(span: impl Into<Option<Span>>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Points at another place in the source, printed as a note with its line and column.
    pub fn with_related(mut self, span: Span, what: impl Into<String>) -> Diagnostic {
        self.related = Some((span, what.into()));
        self
    }

    /// Sets the hint unless one is already there (e.g. a "did you mean").
    pub fn or_hint(self, hint: impl Into<String>) -> Diagnostic {
        if self.hint.is_some() {
            self
        } else {
            self.with_hint(hint)
        }
    }

    /// Adds a "did you mean" hint when there are suggestions.
    pub fn did_you_mean(self, suggestions: &[&str]) -> Diagnostic {
        match suggestions {
            [] => self,
            [one] => self.with_hint(format!("did you mean `{one}`?")),
            many => {
                let list: Vec<String> = many.iter().map(|s| format!("`{s}`")).collect();
                self.with_hint(format!("did you mean one of {}?", list.join(", ")))
            }
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Longest stretch of a source line shown in an excerpt, in characters.
const EXCERPT: usize = 100;

/// A spec's text with its name, for turning spans into line:col and printing excerpts.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// Reads spec bytes: text, or the file with the invalid bytes replaced and an error at the
    /// first of them.
    pub fn from_bytes(
        name: impl Into<String>,
        bytes: &[u8],
    ) -> Result<SourceFile, Box<(SourceFile, Diagnostic)>> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(name, text)),
            Err(e) => {
                let at = e.valid_up_to();
                let src = SourceFile::new(name, String::from_utf8_lossy(bytes).into_owned());
                let d = Diagnostic::error(Span::new(at, at + 1), "the spec is not valid UTF-8")
                    .with_hint("save the file as UTF-8 text; archdraw specs are TOML");
                Err(Box::new((src, d)))
            }
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |e| e - 1);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// Prints one diagnostic in the `file:line:col: error: message` form with an excerpt.
    pub fn render(&self, d: &Diagnostic, color: bool) -> String {
        let (sev_on, bold, blue, off) = if color {
            let sev = match d.severity {
                Severity::Error => "\x1b[1;31m",
                Severity::Warning => "\x1b[1;33m",
            };
            (sev, "\x1b[1m", "\x1b[1;34m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mut out = String::new();
        match d.span {
            Some(span) => {
                let (line, col) = self.line_col(span.start);
                let _ = writeln!(
                    out,
                    "{bold}{}:{line}:{col}:{off} {sev_on}{}:{off} {bold}{}{off}",
                    self.name,
                    d.severity.as_str(),
                    d.message
                );
                let text = self.line_text(line);
                let chars: Vec<char> = text
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                let gutter = line.to_string().len();
                let pad = " ".repeat(gutter);
                let (end_line, end_col) = self.line_col(span.end.max(span.start));
                let width = if end_line == line && end_col > col {
                    end_col - col
                } else {
                    1
                };
                // Long lines are shown as a window around the caret.
                let first = (col - 1).saturating_sub(EXCERPT / 2).min(chars.len());
                let last = (first + EXCERPT).min(chars.len());
                let mut shown: String = chars[first..last].iter().collect();
                let mut caret_at = col - 1 - first;
                if first > 0 {
                    shown.insert(0, '…');
                    caret_at += 1;
                }
                if last < chars.len() {
                    shown.push('…');
                }
                let width = width
                    .min((last + 1).saturating_sub(col).max(1))
                    .min(EXCERPT);
                let _ = writeln!(out, "{blue}{pad} |{off}");
                let _ = writeln!(out, "{blue}{line} |{off} {shown}");
                let _ = writeln!(
                    out,
                    "{blue}{pad} |{off} {}{sev_on}{}{off}",
                    " ".repeat(caret_at),
                    "^".repeat(width)
                );
                if let Some((span, what)) = &d.related {
                    let (l, c) = self.line_col(span.start);
                    let _ = writeln!(
                        out,
                        "{blue}{pad} ={off} {bold}note:{off} {what} at {}:{l}:{c}",
                        self.name
                    );
                }
                if let Some(h) = &d.hint {
                    let _ = writeln!(out, "{blue}{pad} ={off} {bold}hint:{off} {h}");
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    "{bold}{}:{off} {sev_on}{}:{off} {bold}{}{off}",
                    self.name,
                    d.severity.as_str(),
                    d.message
                );
                if let Some(h) = &d.hint {
                    let _ = writeln!(out, "  = hint: {h}");
                }
            }
        }
        out
    }

    /// One diagnostic as a JSON object (file, line, column, severity, message, hint).
    pub fn to_json(&self, d: &Diagnostic) -> serde_json::Value {
        let (line, column) = d.span.map_or((0, 0), |s| self.line_col(s.start));
        serde_json::json!({
            "file": self.name,
            "line": line,
            "column": column,
            "severity": d.severity.as_str(),
            "message": d.message,
            "hint": d.hint,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let src = SourceFile::new("a.toml", "ab\ncdé f\n");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(3), (2, 1));
        assert_eq!(src.line_col(8), (2, 5));
    }

    #[test]
    fn render_has_location_caret_and_hint() {
        let src = SourceFile::new("x.toml", "[a]\nzonez = 1\n");
        let d = Diagnostic::error(Span::new(4, 9), "unknown key `zonez`").did_you_mean(&["zone"]);
        let text = src.render(&d, false);
        assert!(
            text.starts_with("x.toml:2:1: error: unknown key `zonez`"),
            "{text}"
        );
        assert!(text.contains("2 | zonez = 1"), "{text}");
        assert!(text.contains("  | ^^^^^"), "{text}");
        assert!(text.contains("hint: did you mean `zone`?"), "{text}");
    }
}

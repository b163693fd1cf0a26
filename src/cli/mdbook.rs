//! `archdraw mdbook`: an mdBook preprocessor that replaces ```` ```archdraw ```` code blocks
//! with the rendered SVG, inline in the page.
//!
//! ```toml
//! # book.toml
//! [preprocessor.archdraw]
//! command = "archdraw mdbook"
//! theme = "auto"        # optional: light | dark | auto (default: follows the book's theme)
//! ```
//!
//! The protocol: mdBook runs `archdraw mdbook supports <renderer>` (exit 0: supported; we
//! support `html`), then `archdraw mdbook` with `[context, book]` as JSON on stdin, and reads
//! the book back as JSON from stdout. The book is handled as plain JSON, so that any chapter
//! object (`{"Chapter": {"content": …, "source_path": …}}`) is found whatever the mdBook
//! version's other fields are.
//!
//! A block holds a spec, or `file = "diagram.toml"` (relative to the chapter's file). Errors
//! in an inline spec are reported at their place in the markdown file
//! (`src/chapter.md:LINE:COL: error: …`), errors in a spec file at their place in it, and any
//! error fails the build (exit 1) after every chapter has been looked at.

use crate::{config, Printer};
use archdraw::diag::{Diagnostic, SourceFile, Span};
use archdraw::render::svg::SvgOptions;
use archdraw::spec::Theme;
use clap::{Args, Subcommand};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use toml::de::{DeTable, DeValue};

#[derive(Args, Debug)]
pub(crate) struct MdbookArgs {
    #[command(subcommand)]
    command: Option<MdbookCommand>,
}

#[derive(Subcommand, Debug)]
enum MdbookCommand {
    /// Exit 0 when the preprocessor supports the renderer (html), 1 otherwise.
    Supports { renderer: String },
}

/// mdBook's dark themes: an inline SVG with the `auto` theme turns dark under them.
const DARK_THEMES: &[&str] = &["html.coal", "html.navy", "html.ayu"];

pub(crate) fn run(a: MdbookArgs) -> ExitCode {
    if let Some(MdbookCommand::Supports { renderer }) = a.command {
        return if renderer == "html" {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    let p = Printer {
        color: std::io::IsTerminal::is_terminal(&std::io::stderr())
            && std::env::var_os("NO_COLOR").is_none(),
        json: false,
        lock: std::sync::Mutex::new(()),
        buffer: None,
    };
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        p.error(None, &format!("archdraw mdbook: cannot read stdin: {e}"));
        return ExitCode::from(2);
    }
    let cfg = match config::load(None, false, &p) {
        Ok(c) => c,
        Err(()) => return ExitCode::from(2),
    };
    match preprocess(&input, cfg.as_ref(), &p) {
        Ok(book) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(book.as_bytes());
            let _ = out.flush();
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// The preprocessor's work: `[context, book]` JSON in, the book's JSON out. Prints
/// diagnostics; `Err` carries the exit code.
pub(crate) fn preprocess(
    input: &str,
    cfg: Option<&config::Config>,
    p: &Printer,
) -> Result<String, ExitCode> {
    let v: Value = serde_json::from_str(input).map_err(|e| {
        p.error(
            None,
            &format!("archdraw mdbook: stdin is not mdBook's JSON: {e}"),
        );
        ExitCode::from(2)
    })?;
    let (ctx, mut book) = match v {
        Value::Array(mut items) if items.len() == 2 => {
            let book = items.pop().unwrap_or(Value::Null);
            (items.pop().unwrap_or(Value::Null), book)
        }
        _ => {
            p.error(
                None,
                "archdraw mdbook: expected [context, book] on stdin (run by mdbook)",
            );
            return Err(ExitCode::from(2));
        }
    };
    let root = PathBuf::from(ctx["root"].as_str().unwrap_or("."));
    let src_dir = PathBuf::from(ctx["config"]["book"]["src"].as_str().unwrap_or("src"));
    let settings = &ctx["config"]["preprocessor"]["archdraw"];
    let theme = match &settings["theme"] {
        Value::Null => cfg.and_then(|c| c.theme).unwrap_or(Theme::Auto),
        Value::String(s) => match Theme::parse(s) {
            Some(t) => t,
            None => {
                p.error(
                    Some(Path::new("book.toml")),
                    &format!("book.toml: unknown theme `{s}` in [preprocessor.archdraw] (use light, dark or auto)"),
                );
                return Err(ExitCode::from(1));
            }
        },
        other => {
            p.error(
                Some(Path::new("book.toml")),
                &format!(
                    "book.toml: `theme` in [preprocessor.archdraw] must be a string, found {other}"
                ),
            );
            return Err(ExitCode::from(1));
        }
    };
    let mut run = Run {
        root,
        src_dir,
        theme,
        aws_icons: cfg.and_then(|c| c.aws_icons.clone()),
        p,
        errors: 0,
    };
    run.walk(&mut book);
    if run.errors > 0 {
        let n = run.errors;
        p.error(
            None,
            &format!(
                "archdraw mdbook: {n} diagram{} with errors",
                if n == 1 { "" } else { "s" }
            ),
        );
        return Err(ExitCode::from(1));
    }
    serde_json::to_string(&book).map_err(|e| {
        p.error(None, &format!("archdraw mdbook: {e}"));
        ExitCode::from(2)
    })
}

struct Run<'a> {
    root: PathBuf,
    src_dir: PathBuf,
    theme: Theme,
    aws_icons: Option<PathBuf>,
    p: &'a Printer,
    /// Blocks that failed.
    errors: usize,
}

impl Run<'_> {
    /// Finds every chapter in the book's JSON and processes its content.
    fn walk(&mut self, v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(ch)) = map.get_mut("Chapter") {
                    let rel = ch
                        .get("source_path")
                        .and_then(Value::as_str)
                        .or_else(|| ch.get("path").and_then(Value::as_str))
                        .map(PathBuf::from);
                    if let Some(Value::String(content)) = ch.get_mut("content") {
                        if let Some(new) = self.chapter(rel.as_deref(), content) {
                            *content = new;
                        }
                    }
                }
                for (_, child) in map.iter_mut() {
                    self.walk(child);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.walk(i)),
            _ => {}
        }
    }

    /// A chapter's content with its archdraw blocks rendered; `None` when it has none.
    fn chapter(&mut self, rel: Option<&Path>, content: &str) -> Option<String> {
        let blocks = find_blocks(content);
        if blocks.is_empty() {
            return None;
        }
        // As the user knows it: `src/chapter.md`.
        let shown = match rel {
            Some(r) => self.src_dir.join(r),
            None => self.src_dir.join("(draft chapter)"),
        };
        let md = SourceFile::new(shown.display().to_string(), content);
        // The folder of the chapter's file, where `file = …` and icons are looked up.
        let dir_shown = shown.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut out = String::with_capacity(content.len());
        let mut at = 0;
        for (k, b) in blocks.iter().enumerate() {
            out.push_str(&content[at..b.start]);
            at = b.end;
            if !b.closed {
                self.fail(
                    &md,
                    &[Diagnostic::error(
                        Span::new(b.start, b.start + b.fence_len),
                        "this ```archdraw block is not closed",
                    )
                    .with_hint("end it with a line of ``` like the one that opens it")],
                );
                out.push_str(&content[b.start..b.end]);
                continue;
            }
            let prefix = format!(
                "archdraw-{:08x}-{k}-",
                fnv1a(shown.to_string_lossy().as_bytes())
            );
            match self.block(&md, b, &dir_shown, &prefix) {
                Some(svg) => {
                    for line in svg.lines().filter(|l| !l.trim().is_empty()) {
                        out.push_str(&b.indent);
                        out.push_str(line);
                        out.push('\n');
                    }
                    // The HTML block ends at a blank line.
                    out.push('\n');
                }
                None => out.push_str(&content[b.start..b.end]),
            }
        }
        out.push_str(&content[at..]);
        Some(out)
    }

    fn fail(&mut self, src: &SourceFile, diags: &[Diagnostic]) {
        self.p.diagnostics(src, diags);
        self.errors += 1;
    }

    /// Renders one block: the SVG in a `<div class="archdraw">`, or `None` after reporting
    /// its errors.
    fn block(&mut self, md: &SourceFile, b: &Block, dir: &Path, prefix: &str) -> Option<String> {
        let text = b.text();
        // `file = "…"` alone names a spec file.
        let mut view = None;
        let (spec_src, base, map): (SourceFile, PathBuf, Option<&Block>) = match file_key(&text) {
            FileKey::None => (SourceFile::new(&md.name, text), dir.to_path_buf(), Some(b)),
            FileKey::Mixed(span) => {
                self.fail(
                    md,
                    &[Diagnostic::error(
                        b.to_md(span),
                        "a block holds a spec or `file = \"…\"` (with `view = \"…\"`), not both",
                    )
                    .with_hint("move the spec into the file, or remove `file`")],
                );
                return None;
            }
            FileKey::File(name, span, v) => {
                view = v;
                let shown = dir.join(&name);
                let actual = self.root.join(&shown);
                match std::fs::read(&actual) {
                    Ok(bytes) => {
                        match SourceFile::from_bytes(shown.display().to_string(), &bytes) {
                            Ok(src) => {
                                let base =
                                    shown.parent().map(Path::to_path_buf).unwrap_or_default();
                                (src, base, None)
                            }
                            Err(e) => {
                                let (src, d) = *e;
                                self.fail(&src, &[d]);
                                return None;
                            }
                        }
                    }
                    Err(e) => {
                        self.fail(
                            md,
                            &[Diagnostic::error(
                                b.to_md(span),
                                format!("cannot read {}: {e}", shown.display()),
                            )
                            .with_hint("`file` is relative to the chapter's file")],
                        );
                        return None;
                    }
                }
            }
        };
        let opts = archdraw::Options {
            icons: archdraw::icons::IconOptions {
                base_dir: Some(self.root.join(&base)),
                default_aws_icons: self.aws_icons.clone(),
                ..Default::default()
            },
            default_theme: Some(self.theme),
            ..Default::default()
        };
        // Diagnostics of an inline spec point into the markdown file.
        let report = |diags: Vec<Diagnostic>| -> (SourceFile, Vec<Diagnostic>) {
            match map {
                Some(b) => (
                    md.clone(),
                    diags
                        .into_iter()
                        .map(|mut d| {
                            d.span = d.span.map(|s| b.to_md(s));
                            if let Some((s, what)) = d.related.take() {
                                d.related = Some((b.to_md(s), what));
                            }
                            d
                        })
                        .collect(),
                ),
                None => (spec_src.clone(), diags),
            }
        };
        // A spec with views and no `view` picked: every view, one after another.
        let only: Vec<String> = view.iter().map(|(v, _)| v.clone()).collect();
        let diagrams = match archdraw::compile_views(&spec_src.text, &opts, &only) {
            Ok(d) => d,
            Err(diags) => {
                // A view the file lacks is the block's mistake: shown at its `view`.
                if let (Some((_, span)), true) = (&view, diags.iter().any(|d| d.span.is_none())) {
                    let at: Vec<Diagnostic> = diags
                        .into_iter()
                        .map(|mut d| {
                            d.span = d.span.or(Some(b.to_md(*span)));
                            d
                        })
                        .collect();
                    self.fail(md, &at);
                    return None;
                }
                let (src, diags) = report(diags);
                self.fail(&src, &diags);
                return None;
            }
        };
        if let Some((_, d)) = diagrams.first().filter(|(_, d)| !d.warnings.is_empty()) {
            let (src, w) = report(d.warnings.clone());
            self.p.diagnostics(&src, &w);
        }
        let mut html = String::new();
        for (v, d) in &diagrams {
            let id_prefix = match v {
                Some(name) if diagrams.len() > 1 => format!("{prefix}{name}-"),
                _ => prefix.to_string(),
            };
            let svg = d.svg(&SvgOptions {
                id_prefix,
                responsive: true,
                dark_ancestors: DARK_THEMES.iter().map(|s| s.to_string()).collect(),
                font: d.svg_font,
            });
            html.push_str(&format!("<div class=\"archdraw\">\n{svg}</div>\n"));
        }
        Some(html)
    }
}

/// FNV-1a: a hash that is the same on every machine and Rust version, for id prefixes.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// An ```` ```archdraw ```` block of a chapter.
#[derive(Debug)]
struct Block {
    /// Byte range of the whole block in the chapter, fences included (through the closing
    /// fence's line end).
    start: usize,
    end: usize,
    /// Length of the opening fence line (for pointing at it).
    fence_len: usize,
    /// The opening fence's indentation, given to the HTML that replaces the block.
    indent: String,
    /// Each content line: its byte offset in the chapter and its text (indentation removed).
    lines: Vec<(usize, String)>,
    closed: bool,
}

impl Block {
    /// The spec: the content lines.
    fn text(&self) -> String {
        let mut t = String::new();
        for (_, l) in &self.lines {
            t.push_str(l);
            t.push('\n');
        }
        t
    }

    /// A byte offset in [`Block::text`] as a byte offset in the chapter.
    fn offset(&self, at: usize) -> usize {
        let mut line_start = 0;
        for (md_at, l) in &self.lines {
            let line_end = line_start + l.len() + 1;
            if at < line_end {
                return md_at + (at - line_start).min(l.len());
            }
            line_start = line_end;
        }
        // Past the end: the closing fence.
        self.lines
            .last()
            .map_or(self.start, |(md_at, l)| md_at + l.len())
    }

    fn to_md(&self, s: Span) -> Span {
        let start = self.offset(s.start);
        Span::new(start, self.offset(s.end).max(start))
    }
}

/// The fence of a line: (indentation, fence character, fence length, info string).
fn fence(line: &str) -> Option<(&str, char, usize, &str)> {
    let body = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - body.len()];
    let c = body.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = body.chars().take_while(|x| *x == c).count();
    if n < 3 {
        return None;
    }
    let info = body[n..].trim();
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((indent, c, n, info))
}

/// Every ```` ```archdraw ```` block of a chapter, skipping the inside of other code blocks
/// (a block that shows archdraw's syntax inside a ```` ````markdown ```` block stays as it is).
fn find_blocks(content: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    // The open block: (fence char, fence length, an archdraw block being read).
    let mut open: Option<(char, usize, Option<Block>)> = None;
    let mut at = 0;
    for raw in content.split_inclusive('\n') {
        let line_start = at;
        at += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        match &mut open {
            None => {
                if let Some((indent, c, n, info)) = fence(line) {
                    let lang = info
                        .split(|x: char| x.is_whitespace() || x == ',' || x == '{')
                        .next()
                        .unwrap_or("");
                    let block = (lang == "archdraw").then(|| Block {
                        start: line_start,
                        end: at,
                        fence_len: line.len(),
                        indent: indent.to_string(),
                        lines: Vec::new(),
                        closed: false,
                    });
                    open = Some((c, n, block));
                }
            }
            Some((c, n, block)) => {
                let closing = fence(line)
                    .is_some_and(|(_, c2, n2, info)| c2 == *c && n2 >= *n && info.is_empty());
                if closing {
                    if let Some(mut b) = block.take() {
                        b.end = at;
                        b.closed = true;
                        blocks.push(b);
                    }
                    open = None;
                } else if let Some(b) = block {
                    // Remove up to the fence's indentation from each content line.
                    let width = b.indent.len();
                    let strip = line
                        .char_indices()
                        .take_while(|(i, ch)| *i < width && (*ch == ' ' || *ch == '\t'))
                        .count();
                    b.lines
                        .push((line_start + strip, line[strip..].to_string()));
                    b.end = at;
                }
            }
        }
    }
    if let Some((_, _, Some(b))) = open {
        blocks.push(b);
    }
    blocks
}

enum FileKey {
    /// Not a `file = …` block.
    None,
    /// `file = "…"` (and perhaps `view = "…"`) and nothing else: the path and the span of
    /// its value, and the view with the span of its value.
    File(String, Span, Option<(String, Span)>),
    /// `file` beside other keys (the span of `file`).
    Mixed(Span),
}

fn file_key(text: &str) -> FileKey {
    let Ok(t) = DeTable::parse(text) else {
        return FileKey::None;
    };
    let t = t.into_inner();
    let Some((k, v)) = t.iter().find(|(k, _)| k.get_ref() == "file") else {
        return FileKey::None;
    };
    // `view = "…"` beside `file` picks one of the file's views.
    let view = t.iter().find(|(k, _)| k.get_ref() == "view");
    let view_value = match view.map(|(_, v)| v.get_ref()) {
        Some(DeValue::String(s)) => Some((s.to_string(), Span::from(view.expect("view").1.span()))),
        Some(_) => return FileKey::Mixed(Span::from(view.expect("view").0.span())),
        None => None,
    };
    match (t.len() - usize::from(view.is_some()), v.get_ref()) {
        (1, DeValue::String(s)) => FileKey::File(s.to_string(), Span::from(v.span()), view_value),
        _ => FileKey::Mixed(Span::from(k.span())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_archdraw_blocks_but_not_inside_other_blocks() {
        let md = "# T\n\n```archdraw\n[nodes.a]\nkind = \"ec2\"\n```\n\n````markdown\n```archdraw\nnot = 1\n```\n````\n\n- item\n\n  ~~~archdraw\n  file = \"x.toml\"\n  ~~~\n";
        let b = find_blocks(md);
        assert_eq!(b.len(), 2, "{b:?}");
        assert_eq!(b[0].text(), "[nodes.a]\nkind = \"ec2\"\n");
        assert!(b[0].closed);
        assert_eq!(
            &md[b[0].start..b[0].end],
            "```archdraw\n[nodes.a]\nkind = \"ec2\"\n```\n"
        );
        assert_eq!(b[1].text(), "file = \"x.toml\"\n");
        assert_eq!(b[1].indent, "  ");
        // Offsets in the spec map to the markdown.
        let at = b[1].text().find("x.toml").unwrap();
        assert_eq!(&md[b[1].offset(at)..b[1].offset(at) + 6], "x.toml");
    }

    #[test]
    fn an_unclosed_block_is_found() {
        let b = find_blocks("```archdraw\n[nodes.a]\n");
        assert_eq!(b.len(), 1);
        assert!(!b[0].closed);
    }

    #[test]
    fn file_blocks_are_recognised() {
        assert!(
            matches!(file_key("file = \"a.toml\"\n"), FileKey::File(f, _, None) if f == "a.toml")
        );
        assert!(matches!(
            file_key("file = \"a.toml\"\nview = \"geo\"\n"),
            FileKey::File(f, _, Some((v, _))) if f == "a.toml" && v == "geo"
        ));
        assert!(matches!(
            file_key("file = \"a.toml\"\n[nodes.a]\nkind = \"ec2\"\n"),
            FileKey::Mixed(_)
        ));
        assert!(matches!(
            file_key("[nodes.a]\nkind = \"ec2\"\n"),
            FileKey::None
        ));
        assert!(matches!(file_key("not toml ["), FileKey::None));
    }
}

//! The `archdraw` command line: render, check, watch, serve, list kinds, and the tooling
//! around them (JSON Schema, shell completions, man pages, mdBook preprocessor).

#[path = "cli/batch.rs"]
mod batch;
#[path = "cli/config.rs"]
mod config;
#[path = "cli/inputs.rs"]
mod inputs;
#[path = "cli/mdbook.rs"]
mod mdbook;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/watch.rs"]
mod watch;

use archdraw::diag::{Diagnostic, SourceFile};
use archdraw::render::svg::SvgFont;
use archdraw::spec::Theme;
use archdraw::{Diagram, Format};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use inputs::Input;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Cloud architecture diagrams from a declarative TOML model.
///
/// Write your AWS network as TOML (regions, zones, VPCs, subnets, gateways, load balancers,
/// route tables, services and links) and get diagrams in the style of AWS reference
/// architectures. See docs/spec.md for the spec language.
#[derive(Parser, Debug)]
#[command(name = "archdraw", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  archdraw render specs/ohio-network.toml\n  archdraw render docs --format svg,png --out-dir build/diagrams\n  archdraw render --check docs          # CI: exit 1 when a committed output is stale\n  archdraw render spec.toml --scale 2 -o docs/net.png\n  archdraw check                        # every spec below the current folder\n  archdraw watch specs/*.toml --format svg,png\n  archdraw serve specs/ohio-network.toml --open\n\nRender flags (see `archdraw render --help`): --format, -o/--output, --out-dir, --scale,\n--theme, --check, --jobs, --config, --message-format, --quiet. Defaults come from the\nfirst archdraw.toml in the current folder or its parents.\n\nExit status: 0 ok, 1 spec errors (or stale outputs with --check), 2 usage or I/O errors."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Render specs, or every spec in folders, to SVG, PNG and/or JSON.
    ///
    /// Outputs go beside each spec, or into --out-dir keeping the folder tree. Specs are
    /// rendered in parallel (--jobs); an output whose bytes did not change is not written
    /// again (its modification time stays). With --check nothing is written: every output is
    /// rendered in memory and compared with the file on disk, and the command exits 1 naming
    /// each one that is missing or out of date.
    #[command(
        after_help = "Examples:\n  archdraw render specs/ohio-network.toml\n  archdraw render docs --out-dir build/diagrams -f svg,png\n  archdraw render 'docs/**/*.toml'\n  archdraw render --check docs\n\nA folder is searched for specs recursively (hidden folders, target/ and node_modules/\nskipped): a .toml file is a spec when it has a table of the spec language ([diagram],\n[regions.…], [nodes.…], [[links]], …); archdraw.toml, Cargo.toml, pyproject.toml and\nbook.toml never are. Files named on the command line are always specs."
    )]
    Render(RenderCmd),
    /// Check specs (or every spec in folders; default: the current folder) without writing.
    Check(CheckArgs),
    /// Render specs, then re-render each one whenever it changes, until Ctrl-C.
    ///
    /// A spec is rendered again when it, or a custom icon it uses (`icon = "…"`), changes.
    /// Watches the folders of those files, so editors that save by writing a temporary file and
    /// renaming it over the spec, or by renaming the spec to a backup first, are followed, and
    /// so is a spec deleted and created again. Changes within --debounce milliseconds make one
    /// render; a save that does not change the content makes none. Prints one line per render,
    /// or the diagnostics when the spec is wrong, in which case the last good outputs stay on
    /// disk untouched. With --serve, also serves a live preview page (see `archdraw serve`).
    /// Folders given are searched for specs once, at the start.
    #[command(
        after_help = "Examples:\n  archdraw watch specs/ohio-network.toml\n  archdraw watch specs/*.toml --format svg,png --out-dir build\n  archdraw watch spec.toml --serve --open\n\nCtrl-C stops watching (exit status 0)."
    )]
    Watch(WatchArgs),
    /// Watch specs and preview them live in a browser (the same as `watch --serve`).
    ///
    /// Renders and watches like `archdraw watch`, and serves a page on http://127.0.0.1 (the
    /// address is printed) that shows the diagrams. Every render is pushed to the page, which
    /// swaps the new diagram in without reloading, keeping zoom and scroll; a broken spec
    /// shows its diagnostics over the last good diagram until it is fixed. Pan with drag, zoom
    /// with the wheel, fit with `0`, download SVG or PNG from the toolbar. The server answers
    /// only with the page and the rendered diagrams, never with other files.
    #[command(
        after_help = "Examples:\n  archdraw serve specs/ohio-network.toml --open\n  archdraw serve specs/*.toml --port 8080\n\nCtrl-C stops the server (exit status 0)."
    )]
    Serve(ServeArgs),
    /// List every node kind of the catalogue, with its default label and category.
    Kinds,
    /// Print the JSON Schema (draft-07) of the spec language, for editor completion and
    /// validation.
    ///
    /// Save it (`archdraw schema > archdraw.schema.json`) and point your editor at it: with
    /// Taplo or the Even Better TOML extension, a first line `#:schema ./archdraw.schema.json`
    /// in a spec does it. The same file is schema/archdraw.schema.json in archdraw's
    /// repository.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  archdraw completions bash > ~/.local/share/bash-completion/completions/archdraw\n  archdraw completions zsh > ~/.zfunc/_archdraw\n  archdraw completions fish > ~/.config/fish/completions/archdraw.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into a folder.
    #[command(
        after_help = "Examples:\n  archdraw man | man -l -\n  archdraw man --out-dir /usr/local/share/man/man1"
    )]
    Man {
        /// Write archdraw.1 and archdraw-<command>.1 into this folder instead.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// mdBook preprocessor: replaces ```archdraw code blocks with the rendered SVG.
    ///
    /// In book.toml:
    ///
    ///     [preprocessor.archdraw]
    ///     command = "archdraw mdbook"
    ///
    /// A block holds a spec, or `file = "path/to/spec.toml"` (relative to the chapter's
    /// file). Errors are reported as `src/chapter.md:LINE:COL: error: …` and fail the build.
    /// `theme = "light" | "dark" | "auto"` in [preprocessor.archdraw] (default auto: follows
    /// the book's theme) applies to specs that choose none.
    Mdbook(mdbook::MdbookArgs),
}

/// Specs, outputs and what to draw: shared by render, watch and serve.
#[derive(Args, Debug)]
struct RenderArgs {
    /// Spec files, folders to search for specs, or quoted globs.
    #[arg(required = true, value_name = "SPEC|DIR|GLOB")]
    specs: Vec<PathBuf>,
    /// Output formats, comma-separated: svg, png, json, drawio (a diagrams.net file to edit),
    /// pdf [default: svg, or `format` in archdraw.toml].
    #[arg(short, long, value_name = "FORMATS", value_parser = parse_formats)]
    format: Option<Formats>,
    /// Output file (one spec only). Without --format, its extension (.svg, .png, .json,
    /// .drawio or .pdf) gives the format; with several formats, its extension is replaced per format.
    #[arg(short, long, value_name = "PATH", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Folder for the outputs (created if missing), keeping the tree of searched folders
    /// [default: beside each spec, or `out_dir` in archdraw.toml].
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// PNG resolution: pixels per diagram px, e.g. 2 for high-DPI screens [default: 1, or
    /// `scale` in archdraw.toml].
    #[arg(long, value_name = "N", value_parser = parse_scale)]
    scale: Option<f32>,
    /// Colour theme for every spec, overriding its `[diagram] theme`: light, dark, or auto
    /// (the SVG follows the reader's light or dark preference; the PNG is light).
    #[arg(long, value_name = "THEME", value_parser = parse_theme)]
    theme: Option<Theme>,
    /// Render only this view of specs that declare `[views.<name>]` (repeatable) [default:
    /// every view, each to NAME.<view>.<ext>].
    #[arg(long = "view", value_name = "NAME")]
    views: Vec<String>,
    /// How SVGs get their font: `embed` carries the glyphs they use (a subset of the bundled
    /// Noto Sans: the same in every viewer), `system` only names the font (a smaller file)
    /// [default: embed, or `svg_font` in archdraw.toml].
    #[arg(long, value_name = "HOW", value_parser = parse_svg_font)]
    svg_font: Option<SvgFont>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
struct RenderCmd {
    #[command(flatten)]
    render: RenderArgs,
    /// Write nothing: render in memory and exit 1 naming every output that is missing or
    /// differs from the file on disk (for CI: "the committed diagrams are stale").
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    jobs: Jobs,
}

#[derive(Args, Debug)]
struct Jobs {
    /// Specs worked on at once [default: the number of CPUs]. The outputs do not depend on it.
    #[arg(short, long, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    jobs: Option<u16>,
}

#[derive(Args, Debug)]
struct WatchArgs {
    #[command(flatten)]
    render: RenderArgs,
    #[command(flatten)]
    watch: WatchOpts,
    /// Also serve a live preview page (implied by --port, --host and --open).
    #[arg(long)]
    serve: bool,
    #[command(flatten)]
    server: ServerArgs,
}

#[derive(Args, Debug)]
struct ServeArgs {
    #[command(flatten)]
    render: RenderArgs,
    #[command(flatten)]
    watch: WatchOpts,
    #[command(flatten)]
    server: ServerArgs,
}

#[derive(Args, Debug)]
struct WatchOpts {
    /// Quiet time after the last change to a spec before it is rendered, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    debounce: u64,
}

#[derive(Args, Debug)]
struct ServerArgs {
    /// Preview server port [default: 7727, or the next free one; 0 picks any free port].
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// Address to listen on [default: 127.0.0.1]. Anything but a loopback address shows your
    /// diagrams to the network.
    #[arg(long, value_name = "ADDR")]
    host: Option<String>,
    /// Open the preview page in the default browser.
    #[arg(long)]
    open: bool,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Spec files, folders to search for specs, or quoted globs [default: the current folder].
    #[arg(value_name = "SPEC|DIR|GLOB")]
    specs: Vec<PathBuf>,
    #[command(flatten)]
    jobs: Jobs,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
struct Common {
    /// How to print diagnostics: human (with source excerpts) or json (one object per line).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Print only diagnostics, no progress lines.
    #[arg(short, long)]
    quiet: bool,
    /// Raise or lower a limit, e.g. `--limit entities=200000` (repeatable). Limits:
    /// input-bytes, entities, links, depth, label-chars, links-per-node, png-pixels, views.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_limit)]
    limit: Vec<(String, u64)>,
    /// Folder of AWS's Architecture Icons package: matching kinds use those icons [default:
    /// the spec's `aws_icons`, else `aws_icons` in archdraw.toml].
    #[arg(long, value_name = "DIR")]
    aws_icons: Option<PathBuf>,
    /// Let `icon = "…"` paths point outside the spec's folder.
    #[arg(long)]
    allow_icons_outside: bool,
    /// Project config to use [default: the first archdraw.toml in the current folder or one of
    /// its parents].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Ignore any archdraw.toml.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
}

fn parse_limit(s: &str) -> Result<(String, u64), String> {
    let mut l = archdraw::limits::Limits::default();
    l.set_pair(s)?;
    let (k, v) = s.split_once('=').unwrap_or((s, "0"));
    let v: u64 = v
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{v}` is not a whole number"))?;
    Ok((k.trim().to_string(), v))
}

fn parse_svg_font(s: &str) -> Result<SvgFont, String> {
    SvgFont::parse(s.trim()).ok_or_else(|| format!("unknown SVG font `{s}` (use embed or system)"))
}

fn parse_theme(s: &str) -> Result<Theme, String> {
    Theme::parse(s.trim()).ok_or_else(|| format!("unknown theme `{s}` (use light, dark or auto)"))
}

/// Everything a render needs besides the spec: the command line over `archdraw.toml` over the
/// defaults.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub formats: Vec<Format>,
    pub output: Option<PathBuf>,
    /// The `--view` names (empty: every view a spec declares).
    pub views: Vec<String>,
    pub out_dir: Option<PathBuf>,
    pub scale: f32,
    pub quiet: bool,
    /// Compare with the files on disk instead of writing (`render --check`).
    pub check: bool,
    limits: archdraw::limits::Limits,
    theme: Option<Theme>,
    default_theme: Option<Theme>,
    svg_font: SvgFont,
    aws_icons: Option<PathBuf>,
    default_aws_icons: Option<PathBuf>,
    allow_icons_outside: bool,
}

impl Settings {
    fn new(c: &Common, cfg: Option<&config::Config>) -> Settings {
        let mut limits = archdraw::limits::Limits::default();
        for (k, v) in &c.limit {
            // Validated by the argument parser.
            let _ = limits.set(k, *v);
        }
        Settings {
            formats: cfg
                .and_then(|c| c.format.clone())
                .unwrap_or_else(|| vec![Format::Svg]),
            output: None,
            views: Vec::new(),
            out_dir: cfg.and_then(|c| c.out_dir.clone()),
            scale: cfg.and_then(|c| c.scale).unwrap_or(1.0),
            quiet: c.quiet,
            check: false,
            limits,
            theme: None,
            default_theme: cfg.and_then(|c| c.theme),
            svg_font: cfg.and_then(|c| c.svg_font).unwrap_or_default(),
            aws_icons: c.aws_icons.clone(),
            default_aws_icons: cfg.and_then(|c| c.aws_icons.clone()),
            allow_icons_outside: c.allow_icons_outside,
        }
    }

    fn for_render(a: &RenderArgs, cfg: Option<&config::Config>) -> Settings {
        let mut s = Settings::new(&a.common, cfg);
        if let Some(f) = &a.format {
            s.formats = f.0.clone();
        } else if let Some(f) = a
            .output
            .as_ref()
            .and_then(|o| o.extension())
            .and_then(|x| Format::parse(&x.to_string_lossy().to_ascii_lowercase()))
        {
            // `-o net.png` without --format means a PNG, not SVG bytes in a .png file.
            s.formats = vec![f];
        }
        if a.output.is_some() {
            s.output = a.output.clone();
            s.out_dir = None;
        }
        if a.out_dir.is_some() {
            s.out_dir = a.out_dir.clone();
        }
        if let Some(scale) = a.scale {
            s.scale = scale;
        }
        s.theme = a.theme;
        s.views = a.views.clone();
        if let Some(f) = a.svg_font {
            s.svg_font = f;
        }
        s
    }

    /// The views to draw of a spec with source `text`: the `--view` names, else every view
    /// it declares, else the whole model (`None`).
    fn views_of(&self, text: &str) -> Vec<Option<String>> {
        if !self.views.is_empty() {
            return self.views.iter().cloned().map(Some).collect();
        }
        let names = archdraw::view_names(text);
        if names.is_empty() {
            vec![None]
        } else {
            names.into_iter().map(Some).collect()
        }
    }

    /// Library options for one spec: icon paths relative to the spec's folder.
    pub(crate) fn options(&self, spec: &Path) -> archdraw::Options {
        let base = match spec.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        archdraw::Options {
            limits: self.limits,
            icons: archdraw::icons::IconOptions {
                base_dir: Some(base),
                aws_icons: self.aws_icons.clone(),
                allow_outside: self.allow_icons_outside,
                default_aws_icons: self.default_aws_icons.clone(),
            },
            theme: self.theme,
            default_theme: self.default_theme,
            view: None,
            svg_font: self.svg_font,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Debug)]
struct Formats(Vec<Format>);

fn parse_formats(s: &str) -> Result<Formats, String> {
    let mut v = Vec::new();
    for part in s.split(',').filter(|p| !p.trim().is_empty()) {
        let f = Format::parse(part).ok_or_else(|| {
            format!("unknown format `{part}` (use svg, png, json, drawio or pdf)")
        })?;
        if !v.contains(&f) {
            v.push(f);
        }
    }
    if v.is_empty() {
        return Err("no format given (use svg, png, json, drawio or pdf)".into());
    }
    Ok(Formats(v))
}

fn parse_scale(s: &str) -> Result<f32, String> {
    let v: f32 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if !(0.1..=16.0).contains(&v) {
        return Err("scale must be between 0.1 and 16".into());
    }
    Ok(v)
}

/// What became of one output file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileState {
    /// Written (it was missing or different).
    Written,
    /// Already on disk with the same bytes: not touched.
    Unchanged,
    /// `--check`: on disk with other bytes.
    Stale,
    /// `--check`: not on disk.
    Missing,
}

/// What one spec's render did: every output with its fate, and the time it took.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub files: Vec<(PathBuf, FileState)>,
    pub ms: f64,
}

/// What happened to one spec.
pub(crate) enum Outcome {
    /// Rendered (or checked).
    Done(Report),
    /// Spec errors (diagnostics already printed).
    Invalid,
    /// I/O or environment error.
    Failed,
}

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    Out,
    Err,
}

/// Prints progress lines (stdout), diagnostics and errors (stderr). A buffered printer keeps
/// its messages for [`Printer::emit`], so that a batch prints each spec's messages together and
/// in the order of the specs, whatever order they finished in.
pub(crate) struct Printer {
    color: bool,
    json: bool,
    lock: std::sync::Mutex<()>,
    buffer: Option<std::sync::Mutex<Vec<(Stream, String)>>>,
}

impl Printer {
    /// A printer like this one that keeps its messages.
    fn buffered(&self) -> Printer {
        Printer {
            color: self.color,
            json: self.json,
            lock: std::sync::Mutex::new(()),
            buffer: Some(std::sync::Mutex::new(Vec::new())),
        }
    }

    /// The messages kept so far.
    fn take(&self) -> Vec<(Stream, String)> {
        match &self.buffer {
            Some(b) => std::mem::take(&mut *b.lock().unwrap_or_else(|p| p.into_inner())),
            None => Vec::new(),
        }
    }

    fn write(&self, stream: Stream, text: String) {
        if let Some(b) = &self.buffer {
            b.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((stream, text));
            return;
        }
        self.emit(vec![(stream, text)]);
    }

    /// Prints messages kept by a buffered printer.
    fn emit(&self, msgs: Vec<(Stream, String)>) {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        for (stream, text) in msgs {
            let _ = match stream {
                Stream::Out => std::io::stdout().lock().write_all(text.as_bytes()),
                Stream::Err => std::io::stderr().lock().write_all(text.as_bytes()),
            };
        }
    }

    fn diagnostics(&self, src: &SourceFile, diags: &[Diagnostic]) {
        let mut text = String::new();
        for d in diags {
            if self.json {
                text.push_str(&src.to_json(d).to_string());
                text.push('\n');
            } else {
                text.push_str(&src.render(d, self.color));
            }
        }
        if !text.is_empty() {
            self.write(Stream::Err, text);
        }
    }

    fn error(&self, file: Option<&Path>, msg: &str) {
        let text = if self.json {
            let file = file.map(|f| f.display().to_string());
            let obj = serde_json::json!({
                "file": file, "line": 0, "column": 0,
                "severity": "error", "message": msg, "hint": null
            });
            format!("{obj}\n")
        } else if self.color {
            format!("\x1b[1;31merror:\x1b[0m {msg}\n")
        } else {
            format!("error: {msg}\n")
        };
        self.write(Stream::Err, text);
    }

    /// A hint after errors (human messages only).
    fn note(&self, msg: &str) {
        if !self.json {
            self.write(Stream::Err, format!("hint: {msg}\n"));
        }
    }

    fn line(&self, msg: &str) {
        self.write(Stream::Out, format!("{msg}\n"));
    }
}

fn printer(c: &Common) -> Printer {
    Printer {
        color: c.message_format == MessageFormat::Human
            && std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none(),
        json: c.message_format == MessageFormat::Json,
        lock: std::sync::Mutex::new(()),
        buffer: None,
    }
}

/// Whether a long batch may show a progress bar: on a terminal, for people, never in CI.
fn progress_allowed(c: &Common) -> bool {
    !c.quiet
        && c.message_format == MessageFormat::Human
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// Reads a spec; an unreadable file is an I/O failure, invalid UTF-8 a spec error.
fn read_spec(path: &Path, p: &Printer) -> Result<SourceFile, Outcome> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            p.error(Some(path), &format!("cannot read {}: {e}", path.display()));
            return Err(Outcome::Failed);
        }
    };
    source_from_bytes(path, bytes).map_err(|e| {
        let (src, d) = *e;
        p.diagnostics(&src, &[d]);
        Outcome::Invalid
    })
}

/// A spec's bytes as a source file; invalid UTF-8 is a spec error, returned with the file
/// (decoded lossily) it points into.
fn source_from_bytes(
    path: &Path,
    bytes: Vec<u8>,
) -> Result<SourceFile, Box<(SourceFile, Diagnostic)>> {
    let name = path.display().to_string();
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let src = SourceFile::new(name, text);
            let d = Diagnostic::error(
                archdraw::diag::Span::new(at, at + 1),
                "the spec is not valid UTF-8",
            )
            .with_hint("save the file as UTF-8");
            Err(Box::new((src, d)))
        }
    }
}

/// Where each format of a spec goes: `-o`, else `--out-dir` (below it, the spec's folder
/// relative to the folder it was found in), else beside the spec.
fn output_paths(input: &Input, s: &Settings, view: Option<&str>) -> Vec<(Format, PathBuf)> {
    let spec = &input.path;
    // With several views, each output names its view: `spec.geo.svg`.
    let several = view.is_some() && (s.views.len() != 1 || s.output.is_none());
    let tagged = |stem: std::ffi::OsString, ext: &str| {
        let mut name = stem;
        if let (true, Some(v)) = (several, view) {
            name.push(".");
            name.push(v);
        }
        name.push(".");
        name.push(ext);
        name
    };
    s.formats
        .iter()
        .map(|&f| {
            let path = if let Some(o) = &s.output {
                if s.formats.len() == 1 && !several {
                    o.clone()
                } else {
                    let stem = o
                        .file_stem()
                        .map_or_else(|| "diagram".into(), |s| s.to_os_string());
                    o.with_file_name(tagged(stem, f.extension()))
                }
            } else {
                let stem = spec
                    .file_stem()
                    .map_or_else(|| "diagram".into(), |s| s.to_os_string());
                let name = tagged(stem, f.extension());
                match &s.out_dir {
                    Some(d) => d.join(&input.rel_dir).join(name),
                    None => spec.with_file_name(name),
                }
            };
            (f, path)
        })
        .collect()
}

/// Writes `bytes` to `path` atomically: a temp file in the same folder, then a rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.archdraw-{}-{n}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Whether `path` holds exactly `bytes`: `None` when it does not exist.
fn same_on_disk(path: &Path, bytes: &[u8]) -> std::io::Result<Option<bool>> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() != bytes.len() as u64 => Ok(Some(false)),
        Ok(m) if m.is_file() => Ok(Some(std::fs::read(path)? == bytes)),
        Ok(_) => Ok(Some(false)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn render_one(input: &Input, s: &Settings, p: &Printer) -> Outcome {
    let start = Instant::now();
    let src = match read_spec(&input.path, p) {
        Ok(src) => src,
        Err(o) => return o,
    };
    render_source(input, &src, s, p, start).outcome
}

/// One output format and its bytes.
type FormatBytes = (Format, Vec<u8>);

/// One view of a rendered spec: its name, its diagram and the bytes of every format.
type RenderedView = (Option<String>, Diagram, Vec<FormatBytes>);

/// What [`render_source`] did, with what `watch` and the preview server need besides.
struct Rendered {
    outcome: Outcome,
    /// The diagnostics printed: the errors, or the warnings when the spec rendered.
    diagnostics: Vec<Diagnostic>,
    /// The compiled diagram and the bytes of every format, when every output is on disk.
    /// Per view (`None`: the whole model): the compiled diagram and the bytes of every
    /// format; empty unless every output is on disk.
    views: Vec<RenderedView>,
    /// The message printed for an I/O or render failure.
    failure: Option<String>,
}

/// Compiles a spec's source and writes its outputs: the one render path of `render`, `watch`
/// and `serve`. Prints diagnostics and errors; nothing is written unless every format
/// rendered, and an output whose bytes are already on disk is not written again. With
/// `--check`, compares with the files on disk instead, printing an error for each output
/// that is missing or differs.
fn render_source(
    input: &Input,
    src: &SourceFile,
    s: &Settings,
    p: &Printer,
    start: Instant,
) -> Rendered {
    let spec = &input.path;
    let failed = |msg: String| {
        p.error(Some(spec), &msg);
        Rendered {
            outcome: Outcome::Failed,
            diagnostics: Vec::new(),
            views: Vec::new(),
            failure: Some(msg),
        }
    };
    // Every view (or the whole model) compiled and every format rendered in memory first:
    // nothing is written unless all succeed.
    let diagrams = match archdraw::compile_views(&src.text, &s.options(spec), &s.views) {
        Ok(d) => d,
        Err(diags) => {
            p.diagnostics(src, &diags);
            return Rendered {
                outcome: Outcome::Invalid,
                diagnostics: diags,
                views: Vec::new(),
                failure: None,
            };
        }
    };
    // The whole model's warnings come with every view: printed once.
    let warnings = diagrams
        .first()
        .map(|(_, d)| d.warnings.clone())
        .unwrap_or_default();
    p.diagnostics(src, &warnings);
    let mut outputs = Vec::new();
    for (v, (view, diagram)) in diagrams.iter().enumerate() {
        for (f, path) in output_paths(input, s, view.as_deref()) {
            match diagram.render(f, s.scale) {
                Ok(bytes) => outputs.push((v, f, path, bytes)),
                Err(e) => return failed(format!("{}: {e}", spec.display())),
            }
        }
    }
    let mut files = Vec::new();
    let mut bytes_out: Vec<Vec<FormatBytes>> = vec![Vec::new(); diagrams.len()];
    for (v, f, path, bytes) in outputs {
        let same = match same_on_disk(&path, &bytes) {
            Ok(same) => same,
            Err(e) => return failed(format!("cannot read {}: {e}", path.display())),
        };
        let state = match (s.check, same) {
            (_, Some(true)) => FileState::Unchanged,
            (true, Some(false)) => FileState::Stale,
            (true, None) => FileState::Missing,
            (false, _) => {
                if let Err(e) = write_atomic(&path, &bytes) {
                    return failed(format!("cannot write {}: {e}", path.display()));
                }
                FileState::Written
            }
        };
        match state {
            FileState::Stale => p.error(
                Some(&path),
                &format!(
                    "{} is out of date: it differs from what {} renders",
                    path.display(),
                    spec.display()
                ),
            ),
            FileState::Missing => p.error(
                Some(&path),
                &format!(
                    "{} is missing: {} renders it",
                    path.display(),
                    spec.display()
                ),
            ),
            _ => {}
        }
        files.push((path, state));
        bytes_out[v].push((f, bytes));
    }
    let on_disk = files
        .iter()
        .all(|(_, st)| matches!(st, FileState::Written | FileState::Unchanged));
    Rendered {
        outcome: Outcome::Done(Report {
            files,
            ms: start.elapsed().as_secs_f64() * 1000.0,
        }),
        diagnostics: warnings,
        views: if on_disk {
            diagrams
                .into_iter()
                .zip(bytes_out)
                .map(|((v, d), b)| (v, d, b))
                .collect()
        } else {
            Vec::new()
        },
        failure: None,
    }
}

fn file_name(f: &Path) -> String {
    f.file_name().map_or_else(
        || f.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The progress line of one render: `specs/x.toml → x.svg, x.png in 3.1 ms`, with
/// ` (unchanged)` when no file had to be written, or ` (unchanged: x.png)` for some.
fn done_line(spec: &Path, r: &Report) -> String {
    let names: Vec<String> = r.files.iter().map(|(f, _)| file_name(f)).collect();
    let unchanged: Vec<String> = r
        .files
        .iter()
        .filter(|(_, st)| *st == FileState::Unchanged)
        .map(|(f, _)| file_name(f))
        .collect();
    let tail = if unchanged.is_empty() {
        String::new()
    } else if unchanged.len() == r.files.len() {
        " (unchanged)".to_string()
    } else {
        format!(" (unchanged: {})", unchanged.join(", "))
    };
    format!(
        "{} → {} in {:.1} ms{tail}",
        spec.display(),
        names.join(", "),
        r.ms
    )
}

/// A path made absolute with symlinks resolved where it exists, for comparing outputs with
/// inputs and with each other.
fn normalise(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    if let Ok(c) = abs.canonicalize() {
        return c;
    }
    match (
        abs.parent().and_then(|d| d.canonicalize().ok()),
        abs.file_name(),
    ) {
        (Some(d), Some(n)) => d.join(n),
        _ => abs,
    }
}

fn exit_code(outcomes: &[Outcome]) -> ExitCode {
    if outcomes.iter().any(|o| matches!(o, Outcome::Failed)) {
        ExitCode::from(2)
    } else if outcomes.iter().any(|o| match o {
        Outcome::Invalid => true,
        Outcome::Done(r) => r
            .files
            .iter()
            .any(|(_, st)| matches!(st, FileState::Stale | FileState::Missing)),
        Outcome::Failed => false,
    }) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Loads the project config for a command; `Err` is the exit code of a bad config.
fn load_config(c: &Common, p: &Printer) -> Result<Option<config::Config>, ExitCode> {
    config::load(c.config.as_deref(), c.no_config, p).map_err(|()| ExitCode::from(2))
}

/// The specs of the arguments; prints the arguments that gave none.
fn find_specs(args: &[PathBuf], p: &Printer) -> inputs::Found {
    let found = inputs::expand(args);
    for (arg, msg) in &found.problems {
        p.error(Some(arg), msg);
    }
    found
}

/// The summary line of a batch: `12 specs: 20 written, 16 unchanged, 1 with errors, in 1.23 s`.
fn summary(outcomes: &[Outcome], problems: usize, check: bool, secs: f64) -> String {
    let count = |want: FileState| {
        outcomes
            .iter()
            .filter_map(|o| match o {
                Outcome::Done(r) => Some(r.files.iter().filter(|(_, st)| *st == want).count()),
                _ => None,
            })
            .sum::<usize>()
    };
    let errors = problems
        + outcomes
            .iter()
            .filter(|o| !matches!(o, Outcome::Done(_)))
            .count();
    let n = outcomes.len();
    let specs = if n == 1 { "spec" } else { "specs" };
    if check {
        format!(
            "{n} {specs}: {} up to date, {} out of date, {} missing, {errors} with errors, in {secs:.2} s",
            count(FileState::Unchanged),
            count(FileState::Stale),
            count(FileState::Missing),
        )
    } else {
        format!(
            "{n} {specs}: {} written, {} unchanged, {errors} with errors, in {secs:.2} s",
            count(FileState::Written),
            count(FileState::Unchanged),
        )
    }
}

fn cmd_render(cmd: RenderCmd) -> ExitCode {
    let args = &cmd.render;
    let p = printer(&args.common);
    let cfg = match load_config(&args.common, &p) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut s = Settings::for_render(args, cfg.as_ref());
    s.check = cmd.check;
    let found = find_specs(&args.specs, &p);
    if found.inputs.is_empty() {
        return ExitCode::from(2);
    }
    if let Err(code) = check_outputs(&s, &found.inputs, &p) {
        return code;
    }
    let start = Instant::now();
    let outcomes = batch::run(
        &found.inputs,
        cmd.jobs.jobs,
        &p,
        progress_allowed(&args.common).then_some(if s.check { "checking" } else { "rendering" }),
        |input, p| {
            let o = render_one(input, &s, p);
            if let (Outcome::Done(r), false) = (&o, s.quiet) {
                if !s.check {
                    p.line(&done_line(&input.path, r));
                } else if r.files.iter().all(|(_, st)| *st == FileState::Unchanged) {
                    p.line(&format!("{}: up to date", input.path.display()));
                }
            }
            o
        },
    );
    let elapsed = start.elapsed().as_secs_f64();
    if !s.quiet && (found.searched || found.inputs.len() > 1) {
        p.line(&summary(&outcomes, found.problems.len(), s.check, elapsed));
    }
    let stale = outcomes.iter().any(|o| {
        matches!(o, Outcome::Done(r) if r.files.iter().any(|(_, st)| matches!(st, FileState::Stale | FileState::Missing)))
    });
    if stale {
        p.note("run the same command without --check to update them");
    }
    if !found.problems.is_empty() {
        return ExitCode::from(2);
    }
    exit_code(&outcomes)
}

/// Refuses `-o` with several specs, and outputs that would overwrite a spec or each other.
fn check_outputs(s: &Settings, specs: &[Input], p: &Printer) -> Result<(), ExitCode> {
    if s.output.is_some() && specs.len() > 1 {
        p.error(
            None,
            "-o/--output takes one spec; use --out-dir for several",
        );
        return Err(ExitCode::from(2));
    }
    // Refuse outputs that would overwrite a spec or each other.
    let inputs: std::collections::HashSet<PathBuf> =
        specs.iter().map(|s| normalise(&s.path)).collect();
    let mut seen: std::collections::HashMap<PathBuf, &Path> = std::collections::HashMap::new();
    for input in specs {
        let spec = &input.path;
        // (A view's outputs, `x.<view>.svg`, differ from these only by the view's name.)
        for (_, out) in output_paths(input, s, None) {
            let key = normalise(&out);
            if inputs.contains(&key) {
                let msg = format!(
                    "output {} would overwrite a spec; choose another -o, --out-dir or --format",
                    out.display()
                );
                p.error(Some(spec), &msg);
                return Err(ExitCode::from(2));
            }
            if let Some(other) = seen.get(&key) {
                let msg = format!(
                    "{} and {} would both write {}; render them into different folders",
                    other.display(),
                    spec.display(),
                    out.display()
                );
                p.error(Some(spec), &msg);
                return Err(ExitCode::from(2));
            }
            seen.insert(key, spec);
        }
    }
    Ok(())
}

/// Settings and specs for `watch` and `serve`; `Err` is the exit code.
fn watch_setup(args: &RenderArgs, p: &Printer) -> Result<(Settings, Vec<Input>), ExitCode> {
    let cfg = load_config(&args.common, p)?;
    let s = Settings::for_render(args, cfg.as_ref());
    let found = find_specs(&args.specs, p);
    if !found.problems.is_empty() || found.inputs.is_empty() {
        return Err(ExitCode::from(2));
    }
    Ok((s, found.inputs))
}

fn cmd_watch(args: WatchArgs) -> ExitCode {
    let p = printer(&args.render.common);
    let (s, specs) = match watch_setup(&args.render, &p) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let sv = &args.server;
    let serve = args.serve || sv.port.is_some() || sv.host.is_some() || sv.open;
    let server = serve.then_some(sv);
    watch::run(&s, specs, &args.watch, server, &p)
}

fn cmd_serve(args: ServeArgs) -> ExitCode {
    let p = printer(&args.render.common);
    let (s, specs) = match watch_setup(&args.render, &p) {
        Ok(x) => x,
        Err(code) => return code,
    };
    watch::run(&s, specs, &args.watch, Some(&args.server), &p)
}

fn cmd_check(args: CheckArgs) -> ExitCode {
    let p = printer(&args.common);
    let cfg = match load_config(&args.common, &p) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let s = Settings::new(&args.common, cfg.as_ref());
    let specs = if args.specs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.specs.clone()
    };
    let found = find_specs(&specs, &p);
    if found.inputs.is_empty() {
        return ExitCode::from(2);
    }
    let start = Instant::now();
    let outcomes = batch::run(
        &found.inputs,
        args.jobs.jobs,
        &p,
        progress_allowed(&args.common).then_some("checking"),
        |input, p| {
            let spec = &input.path;
            let src = match read_spec(spec, p) {
                Ok(s) => s,
                Err(o) => return o,
            };
            let diags = archdraw::check_with_options(&src.text, &s.options(spec));
            p.diagnostics(&src, &diags);
            if archdraw::diag::has_errors(&diags) {
                return Outcome::Invalid;
            }
            if !s.quiet {
                p.line(&format!("{}: ok", spec.display()));
            }
            Outcome::Done(Report {
                files: Vec::new(),
                ms: 0.0,
            })
        },
    );
    if !s.quiet && (found.searched || found.inputs.len() > 1) {
        let ok = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Done(_)))
            .count();
        let n = outcomes.len();
        p.line(&format!(
            "{n} {}: {ok} ok, {} with errors, in {:.2} s",
            if n == 1 { "spec" } else { "specs" },
            n - ok + found.problems.len(),
            start.elapsed().as_secs_f64()
        ));
    }
    if !found.problems.is_empty() {
        return ExitCode::from(2);
    }
    exit_code(&outcomes)
}

fn cmd_kinds() -> ExitCode {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{:<22} {:<14} DEFAULT LABEL", "KIND", "CATEGORY");
    for k in archdraw::catalog::KINDS {
        let _ = writeln!(out, "{:<22} {:<14} {}", k.kind, k.category.name(), k.label);
    }
    let _ = writeln!(
        out,
        "\nGroup kinds ([groups.x] kind = …): {}",
        archdraw::model::GROUP_KINDS.join(", ")
    );
    ExitCode::SUCCESS
}

fn cmd_schema() -> ExitCode {
    let _ = std::io::stdout()
        .lock()
        .write_all(archdraw::schema::schema_json().as_bytes());
    ExitCode::SUCCESS
}

fn cmd_completions(shell: clap_complete::Shell) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "archdraw", &mut out);
    let _ = std::io::stdout().lock().write_all(&out);
    ExitCode::SUCCESS
}

fn cmd_man(out_dir: Option<PathBuf>) -> ExitCode {
    let cmd = Cli::command();
    match out_dir {
        None => {
            let mut out = Vec::new();
            if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
                eprintln!("error: cannot render the man page: {e}");
                return ExitCode::from(2);
            }
            let _ = std::io::stdout().lock().write_all(&out);
        }
        Some(dir) => {
            if let Err(e) =
                std::fs::create_dir_all(&dir).and_then(|()| clap_mangen::generate_to(cmd, &dir))
            {
                eprintln!("error: cannot write man pages to {}: {e}", dir.display());
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Render(a) => cmd_render(a),
        Command::Check(a) => cmd_check(a),
        Command::Watch(a) => cmd_watch(a),
        Command::Serve(a) => cmd_serve(a),
        Command::Kinds => cmd_kinds(),
        Command::Schema => cmd_schema(),
        Command::Completions { shell } => cmd_completions(shell),
        Command::Man { out_dir } => cmd_man(out_dir),
        Command::Mdbook(a) => mdbook::run(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The `archdraw …` command lines in the code blocks of a markdown file, as words.
    fn documented_commands(md: &str) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut in_code = false;
        for line in md.lines() {
            let t = line.trim_start();
            if t.starts_with("```") {
                in_code = !in_code;
                continue;
            }
            if !in_code {
                continue;
            }
            let mut cmd = t;
            for prefix in ["$ ", "- run: ", "run: ", "entry: ", "command = \"", "exec "] {
                cmd = cmd.strip_prefix(prefix).unwrap_or(cmd);
            }
            if let Some(i) = cmd.find("command -v archdraw || ") {
                cmd = &cmd[i + 23..];
            }
            if !cmd.starts_with("archdraw ") {
                continue;
            }
            let end = [" #", " |", " >", " &&", " ||", "\"", ";"]
                .iter()
                .filter_map(|e| cmd.find(e))
                .min()
                .unwrap_or(cmd.len());
            let words = cmd[..end]
                .split_whitespace()
                .map(|w| w.trim_matches('\'').to_string())
                .collect();
            out.push(words);
        }
        out
    }

    #[test]
    fn every_command_line_in_the_docs_is_valid() {
        let docs = [
            ("README.md", include_str!("../README.md")),
            ("docs/spec.md", include_str!("../docs/spec.md")),
            ("docs/ci.md", include_str!("../docs/ci.md")),
        ];
        let mut n = 0;
        for (name, text) in docs {
            for words in documented_commands(text) {
                n += 1;
                if let Err(e) = Cli::try_parse_from(&words) {
                    use clap::error::ErrorKind::{DisplayHelp, DisplayVersion};
                    assert!(
                        matches!(e.kind(), DisplayHelp | DisplayVersion),
                        "{name}: `{}` does not parse:\n{e}",
                        words.join(" ")
                    );
                }
            }
        }
        assert!(n >= 30, "found {n} command lines");
        // The hooks of .pre-commit-hooks.yaml: entry + args.
        let hooks = include_str!("../.pre-commit-hooks.yaml");
        let entries: Vec<&str> = hooks
            .lines()
            .filter_map(|l| l.trim().strip_prefix("entry: "))
            .collect();
        assert_eq!(entries.len(), 2);
        for e in entries {
            let mut words: Vec<&str> = e.split_whitespace().collect();
            words.push(".");
            Cli::try_parse_from(&words).unwrap_or_else(|err| panic!("{e} .: {err}"));
        }
    }
}

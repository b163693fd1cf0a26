//! The `archdraw` command line: render, check, watch, serve and list kinds.

#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/watch.rs"]
mod watch;

use archdraw::diag::{Diagnostic, SourceFile};
use archdraw::{Diagram, Format};
use clap::{Args, Parser, Subcommand, ValueEnum};
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
    after_help = "Examples:\n  archdraw render specs/ohio-network.toml\n  archdraw render specs/*.toml --format svg,png,json --out-dir out\n  archdraw render spec.toml --format png --scale 2 -o docs/net.png\n  archdraw check specs/ohio-network.toml\n  archdraw watch specs/*.toml --format svg,png\n  archdraw serve specs/ohio-network.toml --open\n\nRender flags (see `archdraw render --help`): --format, -o/--output, --out-dir, --scale,\n--message-format, --quiet.\n\nExit status: 0 ok, 1 spec errors, 2 usage or I/O errors."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Render specs to SVG, PNG and/or JSON (beside each spec unless -o/--out-dir).
    Render(RenderArgs),
    /// Check specs for errors without writing anything.
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
}

#[derive(Args, Debug)]
struct RenderArgs {
    /// Spec files to render (rendered in parallel).
    #[arg(required = true, value_name = "SPEC")]
    specs: Vec<PathBuf>,
    /// Output formats, comma-separated: svg, png, json.
    #[arg(short, long, value_name = "FORMATS", default_value = "svg", value_parser = parse_formats)]
    format: Formats,
    /// Output file (one spec only). With several formats, its extension is replaced per format.
    #[arg(short, long, value_name = "PATH", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Folder for the outputs (created if missing); default: beside each spec.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// PNG resolution: pixels per diagram px (e.g. 2 for high-DPI screens).
    #[arg(long, value_name = "N", default_value_t = 1.0, value_parser = parse_scale)]
    scale: f32,
    #[command(flatten)]
    common: Common,
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
    /// Spec files to check.
    #[arg(required = true, value_name = "SPEC")]
    specs: Vec<PathBuf>,
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
    /// input-bytes, entities, links, depth, label-chars, links-per-node, png-pixels.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_limit)]
    limit: Vec<(String, u64)>,
    /// Folder of AWS's Architecture Icons package: matching kinds use those icons.
    #[arg(long, value_name = "DIR")]
    aws_icons: Option<PathBuf>,
    /// Let `icon = "…"` paths point outside the spec's folder.
    #[arg(long)]
    allow_icons_outside: bool,
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

/// Library options for one spec: the limits and icon settings of the command line, with icon
/// paths relative to the spec's folder.
fn options(c: &Common, spec: &Path) -> archdraw::Options {
    let mut limits = archdraw::limits::Limits::default();
    for (k, v) in &c.limit {
        // Validated by the argument parser.
        let _ = limits.set(k, *v);
    }
    let base = match spec.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    archdraw::Options {
        limits,
        icons: archdraw::icons::IconOptions {
            base_dir: Some(base),
            aws_icons: c.aws_icons.clone(),
            allow_outside: c.allow_icons_outside,
        },
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
        let f = Format::parse(part)
            .ok_or_else(|| format!("unknown format `{part}` (use svg, png or json)"))?;
        if !v.contains(&f) {
            v.push(f);
        }
    }
    if v.is_empty() {
        return Err("no format given (use svg, png or json)".into());
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

/// What happened to one spec.
enum Outcome {
    /// Rendered: (files written, elapsed ms, warnings).
    Done(Vec<PathBuf>, f64),
    /// Spec errors (diagnostics already printed).
    Invalid,
    /// I/O or environment error.
    Failed,
}

struct Printer {
    color: bool,
    json: bool,
    lock: std::sync::Mutex<()>,
}

impl Printer {
    fn diagnostics(&self, src: &SourceFile, diags: &[Diagnostic]) {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut err = std::io::stderr().lock();
        for d in diags {
            if self.json {
                let _ = writeln!(err, "{}", src.to_json(d));
            } else {
                let _ = write!(err, "{}", src.render(d, self.color));
            }
        }
    }

    fn error(&self, file: Option<&Path>, msg: &str) {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if self.json {
            let file = file.map(|f| f.display().to_string());
            let obj = serde_json::json!({
                "file": file, "line": 0, "column": 0,
                "severity": "error", "message": msg, "hint": null
            });
            let _ = writeln!(std::io::stderr(), "{obj}");
        } else if self.color {
            let _ = writeln!(std::io::stderr(), "\x1b[1;31merror:\x1b[0m {msg}");
        } else {
            let _ = writeln!(std::io::stderr(), "error: {msg}");
        }
    }

    fn line(&self, msg: &str) {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(std::io::stdout(), "{msg}");
    }
}

fn printer(c: &Common) -> Printer {
    Printer {
        color: c.message_format == MessageFormat::Human
            && std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none(),
        json: c.message_format == MessageFormat::Json,
        lock: std::sync::Mutex::new(()),
    }
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

/// Where each format of `spec` goes.
fn output_paths(spec: &Path, args: &RenderArgs) -> Vec<(Format, PathBuf)> {
    args.format
        .0
        .iter()
        .map(|&f| {
            let path = if let Some(o) = &args.output {
                if args.format.0.len() == 1 {
                    o.clone()
                } else {
                    o.with_extension(f.extension())
                }
            } else {
                let stem = spec
                    .file_stem()
                    .map_or_else(|| "diagram".into(), |s| s.to_os_string());
                let mut name = stem;
                name.push(".");
                name.push(f.extension());
                match &args.out_dir {
                    Some(d) => d.join(name),
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

fn render_one(spec: &Path, args: &RenderArgs, p: &Printer) -> Outcome {
    let start = Instant::now();
    let src = match read_spec(spec, p) {
        Ok(s) => s,
        Err(o) => return o,
    };
    render_source(spec, &src, args, p, start).outcome
}

/// One output format and its bytes.
type FormatBytes = (Format, Vec<u8>);

/// What [`render_source`] did, with what `watch` and the preview server need besides.
struct Rendered {
    outcome: Outcome,
    /// The diagnostics printed: the errors, or the warnings when the spec rendered.
    diagnostics: Vec<Diagnostic>,
    /// The compiled diagram and the bytes written per format, when everything was written.
    diagram: Option<(Diagram, Vec<FormatBytes>)>,
    /// The message printed for an I/O or render failure.
    failure: Option<String>,
}

/// Compiles a spec's source and writes its outputs: the one render path of `render` and
/// `watch`. Prints diagnostics and errors; nothing is written unless every format rendered.
fn render_source(
    spec: &Path,
    src: &SourceFile,
    args: &RenderArgs,
    p: &Printer,
    start: Instant,
) -> Rendered {
    let failed = |msg: String| {
        p.error(Some(spec), &msg);
        Rendered {
            outcome: Outcome::Failed,
            diagnostics: Vec::new(),
            diagram: None,
            failure: Some(msg),
        }
    };
    let diagram = match archdraw::compile_with_options(&src.text, &options(&args.common, spec)) {
        Ok(d) => d,
        Err(diags) => {
            p.diagnostics(src, &diags);
            return Rendered {
                outcome: Outcome::Invalid,
                diagnostics: diags,
                diagram: None,
                failure: None,
            };
        }
    };
    p.diagnostics(src, &diagram.warnings);
    // Render every format in memory first: nothing is written unless all succeed.
    let mut outputs = Vec::new();
    for (f, path) in output_paths(spec, args) {
        match diagram.render(f, args.scale) {
            Ok(bytes) => outputs.push((f, path, bytes)),
            Err(e) => return failed(format!("{}: {e}", spec.display())),
        }
    }
    let mut written = Vec::new();
    let mut bytes_out = Vec::new();
    for (f, path, bytes) in outputs {
        if let Err(e) = write_atomic(&path, &bytes) {
            return failed(format!("cannot write {}: {e}", path.display()));
        }
        written.push(path);
        bytes_out.push((f, bytes));
    }
    Rendered {
        outcome: Outcome::Done(written, start.elapsed().as_secs_f64() * 1000.0),
        diagnostics: diagram.warnings.clone(),
        diagram: Some((diagram, bytes_out)),
        failure: None,
    }
}

/// The progress line of one render: `specs/x.toml → x.svg, x.png in 3.1 ms`.
fn done_line(spec: &Path, files: &[PathBuf], ms: f64) -> String {
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_name().map_or_else(
                || f.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    format!("{} → {} in {ms:.1} ms", spec.display(), names.join(", "))
}

fn run_parallel<F>(specs: &[PathBuf], f: F) -> Vec<Outcome>
where
    F: Fn(&Path) -> Outcome + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(specs.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Outcome>>> =
        specs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= specs.len() {
                    break;
                }
                let out = f(&specs[i]);
                *results[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(out);
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or(Outcome::Failed)
        })
        .collect()
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
    } else if outcomes.iter().any(|o| matches!(o, Outcome::Invalid)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_render(args: RenderArgs) -> ExitCode {
    let p = printer(&args.common);
    if let Err(code) = check_outputs(&args, &p) {
        return code;
    }
    let outcomes = run_parallel(&args.specs, |spec| {
        let o = render_one(spec, &args, &p);
        if let Outcome::Done(files, ms) = &o {
            if !args.common.quiet {
                p.line(&done_line(spec, files, *ms));
            }
        }
        o
    });
    exit_code(&outcomes)
}

/// Refuses `-o` with several specs, and outputs that would overwrite a spec or each other.
fn check_outputs(args: &RenderArgs, p: &Printer) -> Result<(), ExitCode> {
    if args.output.is_some() && args.specs.len() > 1 {
        p.error(
            None,
            "-o/--output takes one spec; use --out-dir for several",
        );
        return Err(ExitCode::from(2));
    }
    // Refuse outputs that would overwrite a spec or each other.
    let inputs: Vec<PathBuf> = args.specs.iter().map(|s| normalise(s)).collect();
    let mut seen: Vec<(PathBuf, &Path)> = Vec::new();
    for spec in &args.specs {
        for (_, out) in output_paths(spec, args) {
            let key = normalise(&out);
            if inputs.contains(&key) {
                let msg = format!(
                    "output {} would overwrite a spec; choose another -o, --out-dir or --format",
                    out.display()
                );
                p.error(Some(spec), &msg);
                return Err(ExitCode::from(2));
            }
            if let Some((_, other)) = seen.iter().find(|(k, _)| *k == key) {
                let msg = format!(
                    "{} and {} would both write {}; render them into different folders",
                    other.display(),
                    spec.display(),
                    out.display()
                );
                p.error(Some(spec), &msg);
                return Err(ExitCode::from(2));
            }
            seen.push((key, spec));
        }
    }
    Ok(())
}

fn cmd_watch(args: WatchArgs) -> ExitCode {
    let p = printer(&args.render.common);
    let s = &args.server;
    let serve = args.serve || s.port.is_some() || s.host.is_some() || s.open;
    let server = serve.then_some(s);
    watch::run(&args.render, &args.watch, server, &p)
}

fn cmd_serve(args: ServeArgs) -> ExitCode {
    let p = printer(&args.render.common);
    watch::run(&args.render, &args.watch, Some(&args.server), &p)
}

fn cmd_check(args: CheckArgs) -> ExitCode {
    let p = printer(&args.common);
    let outcomes = run_parallel(&args.specs, |spec| {
        let src = match read_spec(spec, &p) {
            Ok(s) => s,
            Err(o) => return o,
        };
        let diags = archdraw::check_with_options(&src.text, &options(&args.common, spec));
        p.diagnostics(&src, &diags);
        if archdraw::diag::has_errors(&diags) {
            return Outcome::Invalid;
        }
        if !args.common.quiet {
            p.line(&format!("{}: ok", spec.display()));
        }
        Outcome::Done(Vec::new(), 0.0)
    });
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
    }
}

//! `archdraw watch`: render specs, then render each one again whenever a file it depends on
//! changes, until Ctrl-C.
//!
//! Editors save in many ways: writing the file in place, writing a temporary file and renaming
//! it over the spec, renaming the spec to a backup first (vim), or deleting and re-creating it.
//! A watch on the file itself follows its inode and goes deaf after the first rename, so we
//! watch the *folders* of the files a spec depends on and filter their events by name.
//!
//! Every event that touches one of a spec's files (re)starts the spec's debounce timer; when
//! the folder has been quiet for `--debounce` ms (or a burst has gone on for [`MAX_WAIT`]), the
//! files are read and fingerprinted, and the spec is rendered only when the fingerprint
//! changed. notify-debouncer-full was not used: it delays each event by the timeout on its
//! own clock ticks instead of waiting for quiet, so a burst longer than a tick gave several
//! renders, and its ticks add up to a quarter of the timeout to every render.
//!
//! Renders go through [`crate::render_source`], the path of `archdraw render`: same outputs,
//! same messages, nothing written when the spec is wrong.

use crate::inputs::Input;
use crate::serve::{self, Hub, SpecInfo, Update};
use crate::{
    check_outputs, done_line, normalise, render_source, source_from_bytes, Outcome, Printer,
    ServerArgs, Settings, WatchOpts,
};
use archdraw::diag::SourceFile;
use archdraw::Format;
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// The longest a spec waits for its folder to go quiet before it is rendered anyway.
const MAX_WAIT: Duration = Duration::from_millis(1000);

/// The files a spec's rendering depends on: the spec itself, then every other file it reads,
/// i.e. the custom icons of its nodes (`icon = "…"`, resolved against the spec's folder).
///
/// `watch` re-renders the spec when any of them changes, appears or disappears. Works on specs
/// with errors too (resolution goes on past them), so that creating a missing icon renders.
/// A folder of AWS icons (`aws_icons`) is not followed: it is read once per render, and its
/// files are not expected to change while you edit.
pub(crate) fn dependencies(spec: &Path, src: &SourceFile) -> Vec<PathBuf> {
    let mut deps = vec![spec.to_path_buf()];
    let base = match spec.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (parsed, _) = archdraw::spec::parse(&src.text);
    let (model, _) = archdraw::model::resolve(&parsed);
    let opts = archdraw::icons::IconOptions {
        base_dir: Some(base),
        ..Default::default()
    };
    for p in archdraw::icons::icon_paths(&model, &opts) {
        if !deps.contains(&p) {
            deps.push(p);
        }
    }
    deps
}

/// What the watch loop receives.
enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// One watched spec.
struct Watched {
    /// The spec as found from the command line: used in messages and for output paths.
    input: Input,
    /// Its path.
    path: PathBuf,
    /// Its dependencies ([`dependencies`]), the spec first.
    deps: Vec<PathBuf>,
    /// Absolute paths under which events name the dependencies.
    keys: Vec<PathBuf>,
    /// Fingerprint of the dependencies at the last render; `None` renders on the next look.
    fingerprint: Option<u64>,
    /// The spec was missing at the last look.
    missing: bool,
    /// A change is waiting: (first event of the burst, when to render).
    pending: Option<(Instant, Instant)>,
}

impl Watched {
    fn new(input: &Input) -> Watched {
        let path = &input.path;
        let deps = vec![path.to_path_buf()];
        Watched {
            input: input.clone(),
            path: path.to_path_buf(),
            keys: keys(&deps),
            deps,
            fingerprint: None,
            missing: false,
            pending: None,
        }
    }
}

/// The absolute paths of `deps` as events name them: with the folder's symlinks resolved, and
/// also with the file's own symlink resolved, when it is one.
fn keys(deps: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in deps {
        let abs = if d.is_absolute() {
            d.clone()
        } else {
            std::env::current_dir().unwrap_or_default().join(d)
        };
        let lexical = match (abs.parent().map(normalise), abs.file_name()) {
            (Some(dir), Some(name)) => dir.join(name),
            _ => abs.clone(),
        };
        for k in [lexical, normalise(&abs)] {
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// Folder events that can mean new content: everything but opening and reading.
fn may_change_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// A hash of the dependencies' contents (the spec's bytes already read).
fn fingerprint(spec_bytes: &[u8], other_deps: &[PathBuf]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    spec_bytes.hash(&mut h);
    for d in other_deps {
        std::fs::read(d).ok().hash(&mut h);
    }
    h.finish()
}

struct Session<'a> {
    args: &'a Settings,
    p: &'a Printer,
    specs: Vec<Watched>,
    hub: Option<Arc<Hub>>,
    /// Per spec, the preview's entry of each of its views (`None`: the whole model), as
    /// the spec declared them when the preview started.
    hub_ids: Vec<Vec<(Option<String>, usize)>>,
    watcher: notify::RecommendedWatcher,
    /// Folders being watched.
    dirs: BTreeSet<PathBuf>,
    /// Print every file-system event (`ARCHDRAW_DEBUG_EVENTS=1`), to see how an editor saves.
    debug_events: bool,
}

pub(crate) fn run(
    args: &Settings,
    specs: Vec<Input>,
    opts: &WatchOpts,
    server: Option<&ServerArgs>,
    p: &Printer,
) -> ExitCode {
    if let Err(code) = check_outputs(args, &specs, p) {
        return code;
    }
    for spec in &specs {
        let spec = &spec.path;
        if let Err(e) = std::fs::metadata(spec) {
            p.error(Some(spec), &format!("cannot read {}: {e}", spec.display()));
            return ExitCode::from(2);
        }
    }
    let debounce = Duration::from_millis(opts.debounce);
    let (tx, rx) = mpsc::channel::<Msg>();
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Msg::Stop);
    }) {
        p.error(None, &format!("cannot handle Ctrl-C: {e}"));
        return ExitCode::from(2);
    }
    let watcher = match notify::recommended_watcher(move |res| {
        let _ = tx.send(Msg::Fs(res));
    }) {
        Ok(w) => w,
        Err(e) => {
            p.error(None, &format!("cannot watch files: {e}"));
            return ExitCode::from(2);
        }
    };
    // One preview entry (a tab of the page) per view of each spec.
    let mut infos = Vec::new();
    let mut hub_ids = Vec::new();
    for spec in specs.iter().map(|spec| &spec.path) {
        let text = std::fs::read_to_string(spec).unwrap_or_default();
        let stem = spec
            .file_stem()
            .map_or_else(|| "diagram".into(), |s| s.to_string_lossy().into_owned());
        let mut ids = Vec::new();
        for view in args.views_of(&text) {
            ids.push((view.clone(), infos.len()));
            infos.push(match &view {
                Some(v) => SpecInfo {
                    name: format!("{} [{v}]", spec.display()),
                    stem: format!("{stem}.{v}"),
                },
                None => SpecInfo {
                    name: spec.display().to_string(),
                    stem: stem.clone(),
                },
            });
        }
        hub_ids.push(ids);
    }
    let hub = match server {
        Some(s) => match serve::start(infos, args.scale, s, p) {
            Ok(h) => Some(h),
            Err(code) => return code,
        },
        None => None,
    };
    let mut s = Session {
        args,
        p,
        specs: specs.iter().map(Watched::new).collect(),
        hub,
        hub_ids,
        watcher,
        dirs: BTreeSet::new(),
        debug_events: std::env::var_os("ARCHDRAW_DEBUG_EVENTS").is_some(),
    };
    // Watch before the first render, so that no change made during it is missed.
    if let Err(msg) = s.sync_watches() {
        p.error(None, &msg);
        return ExitCode::from(2);
    }
    for i in 0..s.specs.len() {
        s.refresh(i);
    }
    if !args.quiet {
        let n = s.specs.len();
        let what = if n == 1 { "spec" } else { "specs" };
        p.line(&format!(
            "watching {n} {what} for changes; press Ctrl-C to stop"
        ));
    }
    s.run(&rx, debounce);
    ExitCode::SUCCESS
}

impl Session<'_> {
    fn run(&mut self, rx: &mpsc::Receiver<Msg>, debounce: Duration) {
        loop {
            let next = self
                .specs
                .iter()
                .filter_map(|w| w.pending)
                .map(|p| p.1)
                .min();
            let msg = match next {
                Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
                None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
            };
            match msg {
                Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Ok(Msg::Fs(Ok(ev))) => {
                    if self.debug_events {
                        eprintln!("{ev:?}");
                    }
                    let now = Instant::now();
                    let rescan = ev.need_rescan();
                    if rescan || may_change_content(&ev.kind) {
                        for w in &mut self.specs {
                            // A key itself, or a folder on its way (an icon folder made
                            // after the start, not watched yet).
                            let hit = |p: &PathBuf| w.keys.iter().any(|k| k.starts_with(p));
                            if rescan || ev.paths.iter().any(hit) {
                                let first = w.pending.map_or(now, |p| p.0);
                                let at = (now + debounce).min(first + MAX_WAIT.max(debounce));
                                w.pending = Some((first, at));
                            }
                        }
                    }
                }
                Ok(Msg::Fs(Err(e))) => self.p.error(None, &format!("watching files: {e}")),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            let now = Instant::now();
            for i in 0..self.specs.len() {
                if self.specs[i].pending.is_some_and(|p| p.1 <= now) {
                    self.specs[i].pending = None;
                    self.refresh(i);
                }
            }
        }
    }

    /// Watches the folder of every dependency, and no other folder.
    fn sync_watches(&mut self) -> Result<(), String> {
        let wanted: BTreeSet<PathBuf> = self
            .specs
            .iter()
            .flat_map(|w| w.keys.iter())
            .filter_map(|k| k.parent().map(Path::to_path_buf))
            .collect();
        for gone in self.dirs.difference(&wanted).cloned().collect::<Vec<_>>() {
            let _ = self.watcher.unwatch(&gone);
            self.dirs.remove(&gone);
        }
        let mut result = Ok(());
        for dir in wanted {
            // A folder that does not exist (an icon's, not yet made) is tried again later.
            if self.dirs.contains(&dir) || !dir.is_dir() {
                continue;
            }
            match self.watcher.watch(&dir, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    self.dirs.insert(dir);
                }
                Err(e) => result = Err(format!("cannot watch {}: {e}", dir.display())),
            }
        }
        result
    }

    /// Publishes `update` to the preview entry of every view of spec `i`.
    fn publish(&self, i: usize, update: impl Fn() -> Update) {
        if let Some(hub) = &self.hub {
            for (_, id) in &self.hub_ids[i] {
                hub.publish(*id, update());
            }
        }
    }

    /// Looks at spec `i` and renders it if its files changed since the last render.
    fn refresh(&mut self, i: usize) {
        let start = Instant::now();
        let (p, args) = (self.p, self.args);
        let w = &mut self.specs[i];
        let bytes = match std::fs::read(&w.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !w.missing {
                    w.missing = true;
                    w.fingerprint = None;
                    let line =
                        format!("{}: removed; waiting for it to come back", w.path.display());
                    self.publish(i, || Update::Missing);
                    if !args.quiet {
                        p.line(&line);
                    }
                }
                return;
            }
            Err(e) => {
                let msg = format!("cannot read {}: {e}", w.path.display());
                p.error(Some(&w.path), &msg);
                w.fingerprint = None;
                self.publish(i, || Update::Failed(msg.clone()));
                return;
            }
        };
        w.missing = false;
        let path = w.path.clone();
        let input = w.input.clone();
        let spec_hash = fingerprint(&bytes, &[]);
        let src = source_from_bytes(&path, bytes).map_err(|e| *e);
        // The dependencies as this version of the spec names them, hashed before the render
        // reads them: a change after this point comes with an event of its own.
        self.set_deps(i, src.as_ref().unwrap_or_else(|(s, _)| s));
        // Their folders watched before the render, so no later change goes unseen.
        if let Err(msg) = self.sync_watches() {
            p.error(None, &msg);
        }
        let w = &mut self.specs[i];
        let fp = fingerprint(&spec_hash.to_le_bytes(), &w.deps[1..]);
        if w.fingerprint == Some(fp) {
            return;
        }
        w.fingerprint = Some(fp);
        let src = match src {
            Ok(src) => src,
            Err((src, d)) => {
                let diags = [d];
                p.diagnostics(&src, &diags);
                self.publish(i, || Update::Invalid(serve::diagnostics_json(&src, &diags)));
                return;
            }
        };
        let r = render_source(&input, &src, args, p, start);
        match r.outcome {
            Outcome::Done(report) => {
                let line = done_line(&path, &report);
                let (files, ms) = (report.files, report.ms);
                // The page first, then the line: whoever reads the line finds the server
                // up to date.
                for (view, diagram, bytes) in r.views {
                    let Some(hub) = &self.hub else { break };
                    // A view added since the preview started has no tab until it restarts.
                    let Some(&(_, id)) = self.hub_ids[i].iter().find(|(v, _)| *v == view) else {
                        continue;
                    };
                    let svg = match bytes.into_iter().find(|(f, _)| *f == Format::Svg) {
                        Some((_, b)) => String::from_utf8(b).unwrap_or_default(),
                        None => diagram
                            .render(Format::Svg, args.scale)
                            .ok()
                            .and_then(|b| String::from_utf8(b).ok())
                            .unwrap_or_default(),
                    };
                    let files = files
                        .iter()
                        .filter_map(|(f, _)| f.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .collect();
                    let warnings = serve::diagnostics_json(&src, &diagram.warnings);
                    hub.publish(
                        id,
                        Update::Rendered {
                            svg,
                            diagram: Box::new(diagram),
                            ms,
                            files,
                            warnings,
                        },
                    );
                }
                if !args.quiet {
                    p.line(&line);
                }
            }
            Outcome::Invalid => {
                self.publish(i, || {
                    Update::Invalid(serve::diagnostics_json(&src, &r.diagnostics))
                });
            }
            Outcome::Failed => {
                // Try again on the next event even if the content is the same.
                self.specs[i].fingerprint = None;
                let msg = r.failure.unwrap_or_else(|| "render failed".into());
                self.publish(i, || Update::Failed(msg.clone()));
            }
        }
    }

    fn set_deps(&mut self, i: usize, src: &SourceFile) {
        let w = &mut self.specs[i];
        let deps = dependencies(&w.path, src);
        if deps != w.deps {
            w.keys = keys(&deps);
            w.deps = deps;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_is_its_first_dependency() {
        let src = SourceFile::new("a/x.toml", "");
        assert_eq!(
            dependencies(Path::new("a/x.toml"), &src),
            vec![PathBuf::from("a/x.toml")]
        );
    }

    #[test]
    fn custom_icons_are_dependencies_even_in_a_broken_spec() {
        let text = "[nodes.a]\nkind = \"server\"\nicon = \"icons/a.svg\"\n\
                    [nodes.b]\nkind = \"server\"\nicon = \"b.png\"\nin = \"nowhere\"\n";
        let src = SourceFile::new("specs/x.toml", text);
        assert_eq!(
            dependencies(Path::new("specs/x.toml"), &src),
            ["specs/x.toml", "specs/icons/a.svg", "specs/b.png"].map(PathBuf::from)
        );
        let src = SourceFile::new("x.toml", "[nodes.a]\nkind = \"server\"\nicon = \"a.svg\"\n");
        assert_eq!(
            dependencies(Path::new("x.toml"), &src),
            ["x.toml", "./a.svg"].map(PathBuf::from)
        );
    }

    #[test]
    fn keys_are_absolute_and_name_the_file() {
        let k = keys(&[PathBuf::from("no-such-dir/x.toml")]);
        assert!(k.iter().all(|p| p.is_absolute()), "{k:?}");
        assert!(k.iter().all(|p| p.ends_with("no-such-dir/x.toml")), "{k:?}");
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, ModifyKind};
        assert!(!may_change_content(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!may_change_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(may_change_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(may_change_content(&EventKind::Modify(ModifyKind::Any)));
        assert!(may_change_content(&EventKind::Create(CreateKind::File)));
    }
}

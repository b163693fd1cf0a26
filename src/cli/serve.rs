//! The live preview of `archdraw watch --serve` and `archdraw serve`: a small HTTP server on
//! loopback with one page (`page.html`, embedded) that shows the watched diagrams.
//!
//! The page opens `/events`, a server-sent event stream: first a `hello` event with the state
//! of every spec (its last good SVG, its problem if any), then one `spec` event per render or
//! failed render, carrying the new SVG. The page swaps the SVG in place, so zoom and scroll stay.
//!
//! Only three kinds of path are answered: `/` (the page), `/events` and `/out/<id>.<svg|png|json|drawio|pdf>`
//! (the last good render of spec number `id`, from memory). No part of a request ever becomes a
//! file path. Requests whose `Host` is not the server's own loopback name are refused, so a web
//! page elsewhere cannot read the diagrams through DNS rebinding.
//!
//! tiny_http has no streaming responses (its chunked encoding buffers 8 KiB), so the event
//! stream takes the raw socket with `Request::into_writer` and writes the response by hand.

use crate::{Printer, ServerArgs};
use archdraw::diag::{Diagnostic, SourceFile};
use archdraw::{Diagram, Format};
use serde_json::{json, Value};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, Server};

/// The page, with its styles and script inline.
const PAGE: &str = include_str!("page.html");

/// The port tried first when none is given; the next ones follow if it is taken.
const DEFAULT_PORT: u16 = 7727;
const DEFAULT_PORT_TRIES: u16 = 20;

/// How often an idle event stream gets a comment line, so closed pages are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The name and file stem of a watched spec, as the page shows them.
pub(crate) struct SpecInfo {
    pub name: String,
    pub stem: String,
}

/// What happened to a spec, for the page.
pub(crate) enum Update {
    /// A good render: the SVG to show and the diagram to render downloads from.
    Rendered {
        svg: String,
        diagram: Box<Diagram>,
        ms: f64,
        files: Vec<String>,
        warnings: Vec<Value>,
    },
    /// The spec has errors (diagnostics as [`diagnostics_json`] makes them).
    Invalid(Vec<Value>),
    /// The spec file is gone.
    Missing,
    /// Reading the spec or writing its outputs failed.
    Failed(String),
}

/// The diagnostics of a spec as the page shows them: the `--message-format json` object plus
/// `text`, the plain human rendering with the source excerpt.
pub(crate) fn diagnostics_json(src: &SourceFile, diags: &[Diagnostic]) -> Vec<Value> {
    diags
        .iter()
        .map(|d| {
            let mut v = src.to_json(d);
            v["text"] = Value::String(src.render(d, false));
            v
        })
        .collect()
}

/// The shared state between the watcher (which publishes) and the server (which reads).
pub(crate) struct Hub {
    scale: f32,
    inner: Mutex<Inner>,
}

struct Inner {
    specs: Vec<Entry>,
    /// One sender per open event stream.
    clients: Vec<mpsc::Sender<Arc<str>>>,
}

struct Entry {
    info: SpecInfo,
    /// Bumped on every update.
    version: u64,
    /// The last good render.
    svg: Option<Arc<str>>,
    diagram: Option<Arc<Diagram>>,
    /// The PNG of `diagram`, made on the first download.
    png: Option<Arc<Vec<u8>>>,
    ms: f64,
    files: Vec<String>,
    warnings: Vec<Value>,
    /// Why the spec does not render now, if it does not.
    problem: Value,
}

impl Entry {
    fn json(&self, id: usize, with_svg: bool) -> Value {
        json!({
            "id": id,
            "name": self.info.name,
            "stem": self.info.stem,
            "version": self.version,
            "svg": if with_svg { self.svg.as_deref() } else { None },
            "hasDiagram": self.svg.is_some(),
            "ms": (self.ms * 10.0).round() / 10.0,
            "files": self.files,
            "warnings": self.warnings,
            "problem": self.problem,
        })
    }
}

fn sse_event(name: &str, data: &Value) -> String {
    // serde_json escapes newlines inside strings, so the data is a single line.
    format!("event: {name}\ndata: {data}\n\n")
}

impl Hub {
    fn new(specs: Vec<SpecInfo>, scale: f32) -> Hub {
        let specs = specs
            .into_iter()
            .map(|info| Entry {
                info,
                version: 0,
                svg: None,
                diagram: None,
                png: None,
                ms: 0.0,
                files: Vec::new(),
                warnings: Vec::new(),
                problem: Value::Null,
            })
            .collect();
        Hub {
            scale,
            inner: Mutex::new(Inner {
                specs,
                clients: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records what happened to spec `id` and pushes it to every open page.
    pub(crate) fn publish(&self, id: usize, update: Update) {
        let mut inner = self.lock();
        let Some(e) = inner.specs.get_mut(id) else {
            return;
        };
        e.version += 1;
        let mut with_svg = false;
        match update {
            Update::Rendered {
                svg,
                diagram,
                ms,
                files,
                warnings,
            } => {
                e.svg = Some(svg.into());
                e.diagram = Some(Arc::from(diagram));
                e.png = None;
                e.ms = ms;
                e.files = files;
                e.warnings = warnings;
                e.problem = Value::Null;
                with_svg = true;
            }
            Update::Invalid(diagnostics) => {
                let errors = diagnostics
                    .iter()
                    .filter(|d| d["severity"] == "error")
                    .count();
                let summary = match errors {
                    1 => "1 error".to_string(),
                    n => format!("{n} errors"),
                };
                e.problem =
                    json!({"kind": "invalid", "summary": summary, "diagnostics": diagnostics});
            }
            Update::Missing => {
                e.problem = json!({
                    "kind": "missing",
                    "summary": "removed",
                    "message": format!("{} was removed; waiting for it to come back", e.info.name),
                });
            }
            Update::Failed(message) => {
                e.problem = json!({"kind": "failed", "summary": "failed", "message": message});
            }
        }
        let event: Arc<str> = sse_event("spec", &e.json(id, with_svg)).into();
        inner.clients.retain(|c| c.send(event.clone()).is_ok());
    }

    /// Registers an event stream; returns the `hello` event with every spec's state. Under the
    /// same lock as [`Hub::publish`], so no update falls between the two.
    fn subscribe(&self, tx: mpsc::Sender<Arc<str>>) -> String {
        let mut inner = self.lock();
        inner.clients.push(tx);
        let specs: Vec<Value> = inner
            .specs
            .iter()
            .enumerate()
            .map(|(i, e)| e.json(i, true))
            .collect();
        sse_event("hello", &json!({ "specs": specs }))
    }

    /// The last good output of spec `id` in `format`, with its download name.
    fn output(&self, id: usize, format: Format) -> Option<Result<(Vec<u8>, String), String>> {
        let (diagram, name) = {
            let mut inner = self.lock();
            let e = inner.specs.get_mut(id)?;
            let name = format!("{}.{}", e.info.stem, format.extension());
            match format {
                Format::Svg => return Some(Ok((e.svg.as_ref()?.as_bytes().to_vec(), name))),
                Format::Png => {
                    if let Some(png) = &e.png {
                        return Some(Ok((png.to_vec(), name)));
                    }
                }
                Format::Json | Format::Drawio | Format::Pdf => {}
            }
            (e.diagram.clone()?, name)
        };
        // Rendered outside the lock: a PNG takes a while and renders must not wait for it.
        let bytes = match diagram.render(format, self.scale) {
            Ok(b) => b,
            Err(e) => return Some(Err(e.to_string())),
        };
        if format == Format::Png {
            let mut inner = self.lock();
            if let Some(e) = inner.specs.get_mut(id) {
                if e.diagram.as_ref().is_some_and(|d| Arc::ptr_eq(d, &diagram)) {
                    e.png = Some(Arc::new(bytes.clone()));
                }
            }
        }
        Some(Ok((bytes, name)))
    }
}

/// Binds the server, prints its address, opens the browser if asked and serves in the
/// background. Errors (address taken, bad host) are printed and give exit status 2.
pub(crate) fn start(
    specs: Vec<SpecInfo>,
    scale: f32,
    args: &ServerArgs,
    p: &Printer,
) -> Result<Arc<Hub>, ExitCode> {
    let host = args.host.as_deref().unwrap_or("127.0.0.1");
    let server = bind(host, args.port).map_err(|msg| {
        p.error(None, &msg);
        ExitCode::from(2)
    })?;
    let Some(addr) = server.server_addr().to_ip() else {
        p.error(None, "the preview server has no IP address");
        return Err(ExitCode::from(2));
    };
    let url = page_url(host, addr);
    p.line(&format!("preview at {url}"));
    let hub = Arc::new(Hub::new(specs, scale));
    let guard = HostGuard::new(addr);
    let h = hub.clone();
    std::thread::Builder::new()
        .name("preview-server".into())
        .spawn(move || {
            for req in server.incoming_requests() {
                let h = h.clone();
                let g = guard.clone();
                let _ = std::thread::Builder::new()
                    .name("preview-request".into())
                    .spawn(move || handle(req, &h, &g));
            }
        })
        .map_err(|e| {
            p.error(None, &format!("cannot start the preview server: {e}"));
            ExitCode::from(2)
        })?;
    if args.open {
        open_browser(&url, p);
    }
    Ok(hub)
}

fn bind(host: &str, port: Option<u16>) -> Result<Server, String> {
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (DEFAULT_PORT..DEFAULT_PORT + DEFAULT_PORT_TRIES)
            .chain([0])
            .collect(),
    };
    let mut last = String::new();
    for port in ports {
        match Server::http((host, port)) {
            Ok(s) => return Ok(s),
            Err(e) => last = format!("cannot listen on {host}:{port}: {e}"),
        }
    }
    Err(last)
}

/// The address to print: the name the user gave when it is `localhost`, the IP otherwise.
fn page_url(host: &str, addr: SocketAddr) -> String {
    let port = addr.port();
    if host.eq_ignore_ascii_case("localhost") {
        return format!("http://localhost:{port}/");
    }
    match addr.ip() {
        IpAddr::V6(ip) => format!("http://[{ip}]:{port}/"),
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{port}/"),
        ip => format!("http://{ip}:{port}/"),
    }
}

/// Spawns the system's opener for `url`; never fails, only says so when there is none.
fn open_browser(url: &str, p: &Printer) {
    let mut candidates: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(b) = std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        candidates.push((b.to_string_lossy().into_owned(), Vec::new()));
    }
    if cfg!(target_os = "macos") {
        candidates.push(("open".into(), Vec::new()));
    } else if cfg!(windows) {
        let pre = ["/C", "start", ""].map(String::from).to_vec();
        candidates.push(("cmd".into(), pre));
    } else {
        candidates.push(("xdg-open".into(), Vec::new()));
    }
    for (cmd, pre) in candidates {
        let spawned = std::process::Command::new(&cmd)
            .args(&pre)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = spawned {
            // Reap it so it does not linger as a zombie.
            std::thread::spawn(move || child.wait());
            return;
        }
    }
    p.line(&format!("no browser opener found; open {url} yourself"));
}

/// Accepts only requests addressed to the server by its loopback name (when it listens on
/// loopback), which stops DNS rebinding; a server on another address accepts any `Host`.
#[derive(Clone)]
struct HostGuard {
    allowed: Option<Vec<String>>,
}

impl HostGuard {
    fn new(addr: SocketAddr) -> HostGuard {
        if !addr.ip().is_loopback() {
            return HostGuard { allowed: None };
        }
        let port = addr.port();
        let mut allowed = Vec::new();
        for name in ["127.0.0.1", "localhost", "[::1]"] {
            allowed.push(format!("{name}:{port}"));
            if port == 80 {
                allowed.push(name.to_string());
            }
        }
        if let IpAddr::V4(ip) = addr.ip() {
            allowed.push(format!("{ip}:{port}"));
        }
        HostGuard {
            allowed: Some(allowed),
        }
    }

    fn admits(&self, req: &Request) -> bool {
        let Some(allowed) = &self.allowed else {
            return true;
        };
        req.headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .is_some_and(|h| {
                let v = h.value.as_str().trim().to_ascii_lowercase();
                allowed.contains(&v)
            })
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header is valid")
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn handle(req: Request, hub: &Hub, guard: &HostGuard) {
    if !guard.admits(&req) {
        let _ = req.respond(text(403, "unexpected Host header\n"));
        return;
    }
    if !matches!(req.method(), Method::Get | Method::Head) {
        let r = text(405, "only GET and HEAD\n").with_header(header("Allow", "GET, HEAD"));
        let _ = req.respond(r);
        return;
    }
    let url = req.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("");
    match path {
        "/" | "/index.html" => {
            let r = Response::from_string(PAGE)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store"))
                .with_header(header("X-Content-Type-Options", "nosniff"))
                .with_header(header("Referrer-Policy", "no-referrer"))
                .with_header(header(
                    "Content-Security-Policy",
                    "default-src 'none'; script-src 'unsafe-inline'; \
                     style-src 'unsafe-inline'; img-src data:; connect-src 'self'",
                ));
            let _ = req.respond(r);
        }
        "/events" if *req.method() == Method::Get => events(req, hub),
        _ => match path.strip_prefix("/out/").and_then(parse_output) {
            Some((id, format)) => match hub.output(id, format) {
                Some(Ok((bytes, name))) => {
                    let kind = match format {
                        Format::Svg => "image/svg+xml",
                        Format::Png => "image/png",
                        Format::Json => "application/json",
                        Format::Drawio => "application/vnd.jgraph.mxfile",
                        Format::Pdf => "application/pdf",
                    };
                    let r = Response::from_data(bytes)
                        .with_header(header("Content-Type", kind))
                        .with_header(header("Cache-Control", "no-store"))
                        .with_header(header("X-Content-Type-Options", "nosniff"))
                        .with_header(header(
                            "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'",
                        ))
                        .with_header(header(
                            "Content-Disposition",
                            &format!("inline; filename=\"{}\"", name.replace(['"', '\\'], "_")),
                        ));
                    let _ = req.respond(r);
                }
                Some(Err(msg)) => {
                    let _ = req.respond(text(500, &format!("{msg}\n")));
                }
                None => {
                    let _ = req.respond(text(404, "no diagram rendered yet\n"));
                }
            },
            None => {
                let _ = req.respond(text(404, "not found\n"));
            }
        },
    }
}

/// `<id>.<svg|png|json|drawio|pdf>` → the spec number and format.
fn parse_output(rest: &str) -> Option<(usize, Format)> {
    let (id, ext) = rest.split_once('.')?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) || id.len() > 6 {
        return None;
    }
    let format = match ext {
        "svg" => Format::Svg,
        "png" => Format::Png,
        "json" => Format::Json,
        "drawio" => Format::Drawio,
        "pdf" => Format::Pdf,
        _ => return None,
    };
    Some((id.parse().ok()?, format))
}

/// The event stream of one page: the raw socket, the response written by hand.
fn events(req: Request, hub: &Hub) {
    let (tx, rx) = mpsc::channel::<Arc<str>>();
    let hello = hub.subscribe(tx);
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\n\
                Content-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\n\
                Connection: close\r\n\
                X-Content-Type-Options: nosniff\r\n\r\n\
                retry: 1000\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|()| w.write_all(hello.as_bytes()))
        .and_then(|()| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(KEEPALIVE) {
            Ok(ev) => ev,
            Err(mpsc::RecvTimeoutError::Timeout) => Arc::from(": keep-alive\n\n"),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(chunk.as_bytes())
            .and_then(|()| w.flush())
            .is_err()
        {
            // The page went away; the hub drops our sender on its next publish.
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_parse_only_known_shapes() {
        assert_eq!(parse_output("0.svg"), Some((0, Format::Svg)));
        assert_eq!(parse_output("12.png"), Some((12, Format::Png)));
        assert_eq!(parse_output("1.json"), Some((1, Format::Json)));
        assert_eq!(parse_output("3.drawio"), Some((3, Format::Drawio)));
        for bad in [
            "",
            ".svg",
            "x.svg",
            "0.toml",
            "../0.svg",
            "0.svg/..",
            "0",
            "-1.svg",
            "0.SVG",
            "1234567.svg",
        ] {
            assert_eq!(parse_output(bad), None, "{bad}");
        }
    }

    #[test]
    fn page_url_names_loopback() {
        let a: SocketAddr = "127.0.0.1:7727".parse().unwrap();
        assert_eq!(page_url("127.0.0.1", a), "http://127.0.0.1:7727/");
        assert_eq!(page_url("localhost", a), "http://localhost:7727/");
        let b: SocketAddr = "[::1]:80".parse().unwrap();
        assert_eq!(page_url("::1", b), "http://[::1]:80/");
    }
}

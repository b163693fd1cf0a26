//! The live preview in a real browser: `archdraw serve` on a spec, headless Chromium on its page,
//! and the spec edited, broken and fixed underneath it. The page must swap the new SVG in
//! without reloading (and keep its zoom), show the diagnostics over the last good diagram, clear
//! them when the spec is fixed, and reconnect by itself when the server restarts.
//!
//! Chromium is driven through the DevTools protocol over a pipe (`--remote-debugging-pipe`:
//! JSON messages separated by NUL bytes on file descriptors 3 and 4), so no WebSocket client
//! is needed. Screenshots of the page land in `target/tmp/preview-*.png`.
//!
//! The test runs whenever Chromium is installed (`chromium`, `chromium-browser`,
//! `google-chrome`, or the path in `$CHROMIUM`). Without it, it is skipped with a message, and
//! fails when `ARCHDRAW_BROWSER_TEST=1` (as in `.ci/run`) asks for it. `ARCHDRAW_BROWSER_TEST=0`
//! skips it on purpose.
#![cfg(unix)]

mod support;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::*;

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let c = dir.join(name);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    None
}

/// A headless Chromium driven over the DevTools pipe.
struct Browser {
    child: Child,
    input: ChildStdin,
    messages: mpsc::Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    log: PathBuf,
}

impl Browser {
    fn launch(chromium: &Path, profile: &Path) -> Browser {
        let log = profile.with_extension("log");
        let stderr = std::fs::File::create(&log).expect("chromium log file");
        // The shell hands our pipes to Chromium as fds 3 (commands in) and 4 (messages out).
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#)
            .arg(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--window-size=1280,800",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start chromium");
        let input = child.stdin.take().expect("pipe to chromium");
        let output = child.stdout.take().expect("pipe from chromium");
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(output);
            loop {
                let mut buf = Vec::new();
                match r.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if buf.last() == Some(&0) {
                            buf.pop();
                        }
                        match serde_json::from_slice::<Value>(&buf) {
                            Ok(v) => {
                                if tx.send(v).is_err() {
                                    break;
                                }
                            }
                            Err(_) => continue,
                        }
                    }
                }
            }
        });
        Browser {
            child,
            input,
            messages,
            next_id: 0,
            session: None,
            log,
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Sends one command (to the page once attached) and waits for its answer.
    #[track_caller]
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        if let Err(e) = self
            .input
            .write_all(&bytes)
            .and_then(|()| self.input.flush())
        {
            panic!(
                "chromium pipe closed ({e}) sending {method}\n--- chromium log:\n{}",
                self.log_tail()
            );
        }
        let end = Instant::now() + WAIT;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            let Ok(m) = self.messages.recv_timeout(left) else {
                panic!(
                    "no answer from chromium to {method} within {WAIT:?}\n--- chromium log:\n{}",
                    self.log_tail()
                );
            };
            if m["id"] == id {
                if let Some(err) = m.get("error") {
                    panic!("{method} failed: {err}");
                }
                return m["result"].clone();
            }
        }
    }

    /// Opens `url` in a new tab and attaches to it.
    fn open(&mut self, url: &str) {
        let t = self.call("Target.createTarget", json!({"url": "about:blank"}));
        let target = t["targetId"].as_str().expect("targetId").to_string();
        let a = self.call(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        self.session = Some(a["sessionId"].as_str().expect("sessionId").to_string());
        self.call("Page.enable", json!({}));
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": false}),
        );
        self.call("Page.navigate", json!({"url": url}));
    }

    /// Evaluates a JavaScript expression in the page; returns its value.
    #[track_caller]
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(ex) = r.get("exceptionDetails") {
            panic!("{expr} threw: {ex}");
        }
        r["result"]["value"].clone()
    }

    /// What the page shows, as the test reads it.
    fn state(&mut self) -> Value {
        let v = self.eval(
            r##"!document.getElementById("overlay") ? "{}" : JSON.stringify({
                conn: document.body.dataset.conn,
                problem: document.body.dataset.problem,
                updates: Number(document.body.dataset.updates),
                title: (document.querySelector("#paper svg > title") || {}).textContent || null,
                overlay: !document.getElementById("overlay").hidden,
                overlayText: document.getElementById("overlay").innerText,
                transform: document.getElementById("canvas").style.transform,
                paperOpacity: getComputedStyle(document.getElementById("paper")).opacity,
                marker: window.__testMarker || null,
            })"##,
        );
        serde_json::from_str(v.as_str().unwrap_or("{}")).unwrap_or(Value::Null)
    }

    /// Polls the page until `pred` holds for its state; fails after [`WAIT`].
    #[track_caller]
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let end = Instant::now() + WAIT;
        loop {
            let s = self.state();
            if pred(&s) {
                return s;
            }
            if Instant::now() > end {
                panic!(
                    "the page never showed: {what} (within {WAIT:?})\nlast state: {s:#}\n--- chromium log:\n{}",
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&mut self, path: &Path) {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64_decode(r["data"].as_str().expect("screenshot data"));
        assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
        std::fs::write(path, png).expect("write screenshot");
        eprintln!("screenshot: {}", path.display());
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.session = None;
        self.next_id += 1;
        let msg = format!("{{\"id\":{},\"method\":\"Browser.close\"}}\0", self.next_id);
        let _ = self.input.write_all(msg.as_bytes());
        let _ = self.input.flush();
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 byte {c}"),
        }
    };
    let bytes: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().filter(|&&b| b != b'=').count();
        let mut acc = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            acc |= if b == b'=' { 0 } else { val(b) } << (18 - 6 * i);
        }
        let three = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend_from_slice(&three[..n.saturating_sub(1)]);
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("YWJj"), b"abc");
}

/// Chromium, or `None` when the test is to be skipped (a message says why); panics when
/// `ARCHDRAW_BROWSER_TEST=1` asks for it and there is none.
fn chromium_for_test() -> Option<PathBuf> {
    let wanted = std::env::var("ARCHDRAW_BROWSER_TEST").ok();
    if wanted.as_deref() == Some("0") {
        eprintln!("skipped: ARCHDRAW_BROWSER_TEST=0");
        return None;
    }
    let Some(chromium) = find_chromium() else {
        if wanted.as_deref() == Some("1") {
            panic!(
                "ARCHDRAW_BROWSER_TEST=1 asks for the browser test, but no Chromium was found: \
                 install Debian's `chromium` package (apt-get install chromium) or set \
                 CHROMIUM=/path/to/chromium"
            );
        }
        eprintln!(
            "skipped: no Chromium on PATH (apt-get install chromium); \
             ARCHDRAW_BROWSER_TEST=1 makes this a failure"
        );
        return None;
    };
    Some(chromium)
}

/// The `auto` theme in a real browser: a standalone SVG follows `prefers-color-scheme`, and
/// an SVG inlined the way `archdraw mdbook` does follows the page's dark theme class.
#[test]
fn auto_theme_follows_the_color_scheme_in_chromium() {
    let Some(chromium) = chromium_for_test() else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let opts = archdraw::Options {
        theme: Some(archdraw::spec::Theme::Auto),
        ..Default::default()
    };
    let diagram = archdraw::compile_with_options(NETWORK, &opts).unwrap();
    let svg_path = d.path().join("auto.svg");
    std::fs::write(
        &svg_path,
        diagram.render(archdraw::Format::Svg, 1.0).unwrap(),
    )
    .unwrap();
    let inline = diagram.svg(&archdraw::render::svg::SvgOptions {
        id_prefix: "ad0-".into(),
        responsive: true,
        dark_ancestors: vec!["html.coal".into(), "html.navy".into(), "html.ayu".into()],
        ..Default::default()
    });
    let page = |class: &str| {
        format!("<!doctype html><html class=\"{class}\"><body>{inline}</body></html>")
    };
    std::fs::write(d.path().join("coal.html"), page("coal")).unwrap();
    std::fs::write(d.path().join("light.html"), page("light")).unwrap();

    let mut b = Browser::launch(&chromium, &d.path().join("chromium-profile"));
    let background =
        |b: &mut Browser| b.eval(r#"getComputedStyle(document.querySelector("svg > rect")).fill"#);
    let scheme = |b: &mut Browser, value: &str| {
        b.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": value}]}),
        );
    };
    let load = |b: &mut Browser, file: &str, first: bool| {
        let url = format!("file://{}", d.path().join(file).display());
        if first {
            b.open(&url);
        } else {
            b.call("Page.navigate", json!({"url": url}));
        }
        let end = Instant::now() + WAIT;
        while b.eval(r#"document.readyState === "complete" && !!document.querySelector("svg > rect") && location.href"#)
            != json!(url)
        {
            assert!(Instant::now() < end, "{file} did not load");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    load(&mut b, "auto.svg", true);
    scheme(&mut b, "dark");
    assert_eq!(
        background(&mut b),
        "rgb(20, 27, 36)",
        "dark background in dark mode"
    );
    let text = b.eval(r#"getComputedStyle(document.querySelector("svg > text")).fill"#);
    assert_eq!(text, "rgb(233, 237, 242)", "light text in dark mode");
    scheme(&mut b, "light");
    assert_eq!(
        background(&mut b),
        "rgb(255, 255, 255)",
        "white in light mode"
    );
    // Inline, the page's theme class decides, not the reader's preference.
    load(&mut b, "coal.html", false);
    assert_eq!(
        background(&mut b),
        "rgb(20, 27, 36)",
        "dark under html.coal"
    );
    scheme(&mut b, "dark");
    load(&mut b, "light.html", false);
    assert_eq!(
        background(&mut b),
        "rgb(255, 255, 255)",
        "light under html.light"
    );
}

#[test]
fn live_preview_in_headless_chromium() {
    let Some(chromium) = chromium_for_test() else {
        return;
    };

    let (d, spec) = network_dir();
    let args = ["serve", "x.toml", "--port", "0", "--debounce", "30"];
    let mut server = Proc::start(d.path(), &args);
    let url = server.preview_url();
    server.line_until("first render", |l| l.contains("x.toml → "));
    let port = url.rsplit(':').next().unwrap().to_string();

    let mut b = Browser::launch(&chromium, &d.path().join("chromium-profile"));
    b.open(&format!("{url}/"));
    let s = b.wait_for("the first diagram, connected", |s| {
        s["conn"] == "open" && s["title"] == "Ohio network architecture"
    });
    assert_eq!(s["overlay"], false, "no overlay on a good spec");
    assert_eq!(s["problem"], "none");

    // The download buttons point at the rendered outputs, which the server serves. (The PDF
    // is fetched from here, not by the page: a page's fetch of a PDF sometimes never settles
    // in headless Chromium, its PDF viewer taking the response.)
    let dl = b.eval(
        r#"Promise.all(["dl-svg", "dl-png", "dl-drawio", "dl-pdf"].map(async (id) => {
             const a = document.getElementById(id);
             if (id === "dl-pdf") return [a.getAttribute("href"), a.download];
             const r = await fetch(a.getAttribute("href"));
             return [a.getAttribute("href"), a.download, r.status, r.headers.get("content-type")];
           }))"#,
    );
    assert_eq!(
        dl,
        json!([
            ["/out/0.svg", "x.svg", 200, "image/svg+xml"],
            ["/out/0.png", "x.png", 200, "image/png"],
            [
                "/out/0.drawio",
                "x.drawio",
                200,
                "application/vnd.jgraph.mxfile"
            ],
            ["/out/0.pdf", "x.pdf"]
        ])
    );
    let (status, head, body) = http(&url, "GET", "/out/0.pdf", None);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/pdf"), "{head}");
    assert!(body.starts_with(b"%PDF-"));

    // Zoom with the wheel, and mark the page: both must survive the next render.
    b.eval(
        r#"(() => {
             window.__testMarker = "same page";
             const v = document.getElementById("viewport");
             v.dispatchEvent(new WheelEvent("wheel",
               {deltaY: -300, clientX: 400, clientY: 300, bubbles: true, cancelable: true}));
             return true;
           })()"#,
    );
    let zoomed = b.state()["transform"].clone();
    assert_ne!(zoomed, s["transform"], "the wheel zooms");

    // Edit: the new SVG is pushed and swapped in, without a reload, at the same zoom.
    std::fs::write(&spec, titled("Edited under the browser")).unwrap();
    let s = b.wait_for("the edited diagram", |s| {
        s["title"] == "Edited under the browser"
    });
    assert_eq!(s["marker"], "same page", "swapped in place, not reloaded");
    assert_eq!(s["transform"], zoomed, "zoom and scroll kept");
    assert!(s["updates"].as_u64().unwrap() >= 1);

    // Back to a fitted view for the screenshots.
    b.eval(r#"document.getElementById("fit").click(), true"#);

    // Broken: an overlay with the diagnostics, the last good diagram still there.
    std::fs::write(&spec, broken()).unwrap();
    let s = b.wait_for("the overlay with the diagnostics", |s| {
        s["overlay"] == true && s["problem"] == "error"
    });
    let text = s["overlayText"].as_str().unwrap();
    assert!(text.contains("unknown VPC `mian`"), "{text}");
    assert!(text.contains("did you mean `main`?"), "{text}");
    assert_eq!(
        s["title"], "Edited under the browser",
        "last good diagram kept"
    );
    b.wait_for("the stale diagram dimmed", |s| {
        s["paperOpacity"]
            .as_str()
            .and_then(|o| o.parse::<f64>().ok())
            < Some(0.6)
    });
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    b.screenshot(&shots.join("preview-error.png"));

    // Fixed: the overlay clears and the new diagram shows.
    std::fs::write(&spec, titled("Fixed")).unwrap();
    let s = b.wait_for("the fixed diagram without overlay", |s| {
        s["overlay"] == false && s["title"] == "Fixed" && s["problem"] == "none"
    });
    assert_eq!(s["conn"], "open");
    // No longer dimmed (once its fade is over).
    b.wait_for("the diagram at full opacity", |s| s["paperOpacity"] == "1");
    b.screenshot(&shots.join("preview-ok.png"));

    // The server restarts: the page notices, reconnects by itself and shows the new state.
    server.signal("INT");
    assert_eq!(server.wait_exit().code(), Some(0));
    b.wait_for("the page noticing the server is gone", |s| {
        s["conn"] == "connecting"
    });
    std::fs::write(&spec, titled("After restart")).unwrap();
    let args = [
        "serve",
        "x.toml",
        "--port",
        port.as_str(),
        "--debounce",
        "30",
    ];
    let mut server = Proc::start(d.path(), &args);
    server.line_until("render after restart", |l| l.contains("x.toml → "));
    let s = b.wait_for("the page reconnected to the new server", |s| {
        s["conn"] == "open" && s["title"] == "After restart"
    });
    assert_eq!(s["marker"], "same page", "reconnected without a reload");
}

/// The SVG carries its font: Chromium draws it as resvg draws the PNG. A screenshot of the
/// SVG at 1:1 and the PNG differ in few pixels (anti-aliasing), far fewer than with the SVG
/// that only names the font (Chromium here falls back to another sans-serif).
#[test]
fn svg_with_its_font_looks_like_the_png_in_chromium() {
    let Some(chromium) = chromium_for_test() else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let mut b = Browser::launch(&chromium, &d.path().join("chromium-profile"));
    let mut fractions = Vec::new();
    for font in [
        archdraw::render::svg::SvgFont::Embedded,
        archdraw::render::svg::SvgFont::System,
    ] {
        let opts = archdraw::Options {
            svg_font: font,
            ..Default::default()
        };
        let diagram = archdraw::compile_with_options(NETWORK, &opts).unwrap();
        let name = format!("{font:?}.svg");
        let svg = d.path().join(&name);
        std::fs::write(&svg, diagram.render(archdraw::Format::Svg, 1.0).unwrap()).unwrap();
        let png = diagram.render(archdraw::Format::Png, 1.0).unwrap();
        let (w, h) = (diagram.scene.width as u32, diagram.scene.height as u32);
        b.open(&format!("file://{}", svg.display()));
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": w, "height": h, "deviceScaleFactor": 1, "mobile": false}),
        );
        let end = Instant::now() + WAIT;
        while b.eval("document.readyState") != "complete" && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(50));
        }
        b.eval("document.fonts ? document.fonts.ready.then(() => true) : true");
        let r = b.call(
            "Page.captureScreenshot",
            json!({"format": "png", "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}}),
        );
        let shot = base64_decode(r["data"].as_str().expect("screenshot data"));
        let a = resvg::tiny_skia::Pixmap::decode_png(&shot).expect("screenshot PNG");
        let p = resvg::tiny_skia::Pixmap::decode_png(&png).expect("our PNG");
        assert_eq!((a.width(), a.height()), (p.width(), p.height()));
        // Pixels whose colour differs by more than a quarter of the range in some channel.
        let differ = a
            .data()
            .chunks(4)
            .zip(p.data().chunks(4))
            .filter(|(x, y)| x.iter().zip(y.iter()).any(|(u, v)| u.abs_diff(*v) > 64))
            .count();
        let fraction = differ as f64 / (w as f64 * h as f64);
        eprintln!(
            "{font:?}: {differ} of {} pixels differ ({:.3}%)",
            w * h,
            fraction * 100.0
        );
        fractions.push(fraction);
    }
    assert!(
        fractions[0] < 0.002,
        "embedded font: {:.3}% of pixels differ",
        fractions[0] * 100.0
    );
}

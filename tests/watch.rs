//! End-to-end tests of `archdraw watch` and `archdraw serve`: a real binary watching real files
//! that the tests change the ways editors do (in place, rename over, vim's backup rename,
//! bursts, delete and re-create, broken then fixed), and a real HTTP client for the preview.
//!
//! No test asserts a duration: every wait polls with a deadline ([`support::WAIT`]) and fails
//! with the output seen so far. A few checks that nothing *more* happens wait for several
//! debounce periods; a slow machine can only make them pass, not fail. Latency is measured by
//! `examples/watch_latency.rs`, not here.
#![cfg(unix)]

mod support;

use std::path::Path;
use std::time::Duration;
use support::*;

fn is_render(l: &str) -> bool {
    l.contains("x.toml → ") && l.contains(" ms")
}

/// Starts `archdraw watch x.toml ARGS…` and waits for its first render and the watching line.
fn watch(dir: &Path, extra: &[&str]) -> Proc {
    let mut args = vec!["watch", "x.toml"];
    args.extend_from_slice(extra);
    let mut p = Proc::start(dir, &args);
    let first = p.next_line("first render");
    assert!(is_render(&first), "first line is the render: {first}");
    p.line_until("watching line", |l| l.starts_with("watching 1 spec"));
    p
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn title_in_svg(dir: &Path, title: &str) -> bool {
    read(&dir.join("x.svg")).contains(&format!("<title>{title}</title>"))
}

#[test]
fn renders_once_then_on_in_place_writes() {
    let (d, spec) = network_dir();
    let mut p = watch(d.path(), &["--debounce", "30"]);
    assert!(title_in_svg(d.path(), "Ohio network architecture"));
    for (i, title) in ["In place one", "In place two"].iter().enumerate() {
        std::fs::write(&spec, titled(title)).unwrap();
        let l = p.next_line("render after in-place write");
        assert!(is_render(&l), "write {i}: {l}");
        assert_eq!(
            l.split(" → ").nth(1).map(|s| s.split(" in ").next()),
            Some(Some("x.svg"))
        );
        assert!(title_in_svg(d.path(), title), "x.svg has the new title");
    }
}

#[test]
fn follows_rename_over_the_spec_again_and_again() {
    // A watch on the file itself goes deaf after the first rename; the folder watch does not.
    let (d, spec) = network_dir();
    let mut p = watch(d.path(), &["--debounce", "30"]);
    for title in ["Renamed one", "Renamed two", "Renamed three"] {
        replace_by_rename(&spec, &titled(title));
        let l = p.next_line("render after rename over");
        assert!(is_render(&l), "{l}");
        assert!(title_in_svg(d.path(), title));
    }
}

#[test]
fn follows_vim_style_backup_saves() {
    // vim (backupcopy=no): rename the spec to a backup, write a new file, delete the backup.
    let (d, spec) = network_dir();
    let mut p = watch(d.path(), &["--debounce", "200"]);
    for title in ["Vim one", "Vim two"] {
        let backup = d.path().join("x.toml~");
        std::fs::rename(&spec, &backup).unwrap();
        std::fs::write(&spec, titled(title)).unwrap();
        std::fs::remove_file(&backup).unwrap();
        let l = p.next_line("render after vim save");
        assert!(is_render(&l), "one render, no 'removed' in between: {l}");
        assert!(title_in_svg(d.path(), title));
    }
}

#[test]
fn a_burst_of_writes_renders_once_with_the_last_content() {
    let (d, spec) = network_dir();
    let mut p = watch(d.path(), &["--debounce", "400"]);
    for i in 0..10 {
        std::fs::write(&spec, titled(&format!("Burst {i}"))).unwrap();
    }
    let l = p.next_line("render after the burst");
    assert!(is_render(&l), "{l}");
    assert!(title_in_svg(d.path(), "Burst 9"));
    let more = p.lines_within(Duration::from_millis(1500));
    assert!(more.is_empty(), "one render for the burst, then: {more:?}");
}

#[test]
fn saves_that_change_nothing_render_nothing() {
    let (d, spec) = network_dir();
    let mut p = watch(d.path(), &["--debounce", "50"]);
    // Same bytes, in place and by rename; and a bare metadata change.
    std::fs::write(&spec, NETWORK).unwrap();
    replace_by_rename(&spec, NETWORK);
    std::fs::File::options()
        .append(true)
        .open(&spec)
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    let more = p.lines_within(Duration::from_millis(600));
    assert!(more.is_empty(), "unchanged content rendered: {more:?}");
    std::fs::write(&spec, titled("Changed at last")).unwrap();
    let l = p.next_line("render after a real change");
    assert!(is_render(&l), "{l}");
    assert!(title_in_svg(d.path(), "Changed at last"));
}

#[test]
fn survives_delete_and_recreate() {
    let (d, spec) = network_dir();
    let mut p = watch(d.path(), &["--debounce", "30"]);
    std::fs::remove_file(&spec).unwrap();
    let l = p.next_line("removed notice");
    assert!(
        l.contains("x.toml: removed; waiting for it to come back"),
        "{l}"
    );
    assert!(
        title_in_svg(d.path(), "Ohio network architecture"),
        "output kept"
    );
    std::fs::write(&spec, titled("Back again")).unwrap();
    let l = p.next_line("render after re-create");
    assert!(is_render(&l), "{l}");
    assert!(title_in_svg(d.path(), "Back again"));
    // Re-created with the very content it had before it was removed: still rendered, since
    // the file came back.
    std::fs::remove_file(&spec).unwrap();
    p.line_until("removed again", |l| l.contains("removed"));
    std::fs::write(&spec, titled("Back again")).unwrap();
    assert!(is_render(&p.next_line("render after second re-create")));
}

#[test]
fn a_broken_spec_prints_diagnostics_and_keeps_the_last_outputs() {
    let (d, spec) = network_dir();
    let mut p = watch(d.path(), &["--debounce", "30", "--format", "svg,png"]);
    let svg = std::fs::read(d.path().join("x.svg")).unwrap();
    let png = std::fs::read(d.path().join("x.png")).unwrap();
    let text = broken();
    std::fs::write(&spec, &text).unwrap();
    let lines = p.err_until("the error", |l| l.contains(": error: unknown VPC `mian`"));
    let err = lines.last().unwrap();
    let line = text[..text.find("\"mian\"").unwrap()].matches('\n').count() + 1;
    assert!(
        err.starts_with(&format!("x.toml:{line}:7: error:")),
        "file:line:col: {err}"
    );
    p.err_until("the hint", |l| l.contains("did you mean `main`?"));
    assert!(
        !p.seen_err.iter().any(|l| l.contains('\x1b')),
        "no colour when piped"
    );
    // Nothing was written: the last good outputs are untouched, and no temp files are left.
    assert_eq!(std::fs::read(d.path().join("x.svg")).unwrap(), svg);
    assert_eq!(std::fs::read(d.path().join("x.png")).unwrap(), png);
    // Fixed: rendered again.
    std::fs::write(&spec, titled("Fixed")).unwrap();
    let l = p.line_until("render after the fix", is_render);
    assert!(l.contains("x.svg, x.png"), "{l}");
    assert!(title_in_svg(d.path(), "Fixed"));
    let mut names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["x.png", "x.svg", "x.toml"]);
}

#[test]
fn json_diagnostics_one_object_per_line() {
    let (d, spec) = network_dir();
    let mut p = watch(d.path(), &["--debounce", "30", "--message-format", "json"]);
    std::fs::write(&spec, broken()).unwrap();
    let lines = p.err_until("a JSON diagnostic", |l| l.contains("mian"));
    for l in &lines {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        for key in ["file", "line", "column", "severity", "message"] {
            assert!(v.get(key).is_some(), "{key} missing in {l}");
        }
    }
    let v: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(v["file"], "x.toml");
    assert_eq!(v["severity"], "error");
    assert_eq!(v["column"], 7);
    assert!(v["line"].as_u64().unwrap() > 100);
}

#[test]
fn diagnostics_are_coloured_on_a_terminal() {
    // `script` (util-linux) runs the command on a pseudo-terminal.
    let (d, spec) = network_dir();
    std::fs::write(&spec, broken()).unwrap();
    let bin = env!("CARGO_BIN_EXE_archdraw");
    // The first render fails, then --debounce and Ctrl-C are not needed: `timeout` stops it.
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("timeout --preserve-status -s INT 2 {bin} watch x.toml"),
        ])
        .arg("/dev/null")
        .current_dir(d.path())
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run script(1)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\x1b[1;31merror:\x1b[0m"),
        "coloured error on a tty: {text:?}"
    );
    assert!(
        out.status.success(),
        "exit 0 after SIGINT: {:?} {text}",
        out.status
    );
}

#[test]
fn ctrl_c_and_sigterm_exit_cleanly() {
    for sig in ["INT", "TERM"] {
        let (d, _spec) = network_dir();
        let mut p = watch(d.path(), &[]);
        p.signal(sig);
        let st = p.wait_exit();
        assert_eq!(st.code(), Some(0), "SIG{sig}: exit status 0");
    }
}

#[test]
fn out_dir_and_formats_like_render() {
    let (d, spec) = network_dir();
    let mut p = Proc::start(
        d.path(),
        &[
            "watch",
            "x.toml",
            "--format",
            "svg,json",
            "--out-dir",
            "build",
        ],
    );
    let l = p.next_line("first render");
    assert_eq!(l.split(" in ").next(), Some("x.toml → x.svg, x.json"));
    std::fs::write(&spec, titled("Out dir")).unwrap();
    p.line_until("render", is_render);
    assert!(read(&d.path().join("build/x.svg")).contains("<title>Out dir</title>"));
    assert!(read(&d.path().join("build/x.json")).starts_with('{'));
    assert!(!d.path().join("x.svg").exists());
}

#[test]
fn watches_several_specs_in_different_folders() {
    let (d, spec) = network_dir();
    let sub = d.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let other = sub.join("y.toml");
    std::fs::write(&other, titled("Other")).unwrap();
    let mut p = Proc::start(
        d.path(),
        &["watch", "x.toml", "sub/y.toml", "--debounce", "30"],
    );
    p.line_until("watching", |l| l.starts_with("watching 2 specs"));
    replace_by_rename(&other, &titled("Other changed"));
    let l = p.line_until("render of y", |l| l.contains(" → "));
    assert!(l.starts_with("sub/y.toml → y.svg"), "{l}");
    std::fs::write(&spec, titled("X changed")).unwrap();
    let l = p.line_until("render of x", |l| l.contains(" → "));
    assert!(l.starts_with("x.toml → x.svg"), "{l}");
    assert!(read(&sub.join("y.svg")).contains("Other changed"));
}

#[test]
fn usage_errors_exit_2() {
    let (d, _spec) = network_dir();
    let mut p = Proc::start(d.path(), &["watch", "missing.toml"]);
    assert_eq!(p.wait_exit().code(), Some(2));
    let err = p.err_until("error", |l| l.contains("missing.toml"));
    assert!(err
        .last()
        .unwrap()
        .starts_with("error: cannot read missing.toml"));
    std::fs::write(d.path().join("y.toml"), NETWORK).unwrap();
    let mut p = Proc::start(d.path(), &["watch", "x.toml", "y.toml", "-o", "z.svg"]);
    assert_eq!(p.wait_exit().code(), Some(2));
    p.err_until("-o with two specs", |l| {
        l.contains("-o/--output takes one spec")
    });
}

// ---------------------------------------------------------------------------------------------
// serve

fn serve(dir: &Path, extra: &[&str]) -> (Proc, String) {
    let mut args = vec!["serve", "x.toml", "--port", "0", "--debounce", "30"];
    args.extend_from_slice(extra);
    let mut p = Proc::start(dir, &args);
    let url = p.preview_url();
    assert!(url.starts_with("http://127.0.0.1:"), "loopback only: {url}");
    p.line_until("first render", is_render);
    (p, url)
}

#[test]
fn serve_pushes_renders_and_problems_to_the_page() {
    let (d, spec) = network_dir();
    let (mut p, url) = serve(d.path(), &[]);
    let (status, head, page) = http(&url, "GET", "/", None);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"));
    assert!(String::from_utf8_lossy(&page).contains("new EventSource(\"/events\")"));

    let mut ev = Sse::open(&url);
    let hello = ev.next();
    assert_eq!(hello.name, "hello");
    let s0 = &hello.data["specs"][0];
    assert_eq!(s0["name"], "x.toml");
    assert!(s0["svg"]
        .as_str()
        .unwrap()
        .contains("<title>Ohio network architecture</title>"));
    assert!(s0["problem"].is_null());

    // A good edit: the new SVG is pushed.
    std::fs::write(&spec, titled("Pushed")).unwrap();
    let e = ev.until("spec", |d| d["svg"].is_string());
    assert!(e.data["svg"]
        .as_str()
        .unwrap()
        .contains("<title>Pushed</title>"));
    assert!(e.data["problem"].is_null());

    // Broken: the diagnostics are pushed, not an SVG; the last good one is still served.
    let text = broken();
    std::fs::write(&spec, &text).unwrap();
    let e = ev.until("spec", |d| !d["problem"].is_null());
    assert!(e.data["svg"].is_null(), "no SVG with a problem");
    assert_eq!(e.data["hasDiagram"], true);
    let pr = &e.data["problem"];
    assert_eq!(pr["kind"], "invalid");
    let diag = pr["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("mian"))
        .expect("the unknown VPC diagnostic");
    let line = text[..text.find("\"mian\"").unwrap()].matches('\n').count() + 1;
    assert_eq!(diag["line"], line);
    assert_eq!(diag["column"], 7);
    assert_eq!(diag["severity"], "error");
    assert!(
        diag["text"].as_str().unwrap().contains("^^^^^^"),
        "excerpt with caret"
    );
    let (status, _, svg) = http(&url, "GET", "/out/0.svg", None);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&svg).contains("<title>Pushed</title>"));

    // Fixed: the problem clears with the new SVG.
    std::fs::write(&spec, titled("Fixed")).unwrap();
    let e = ev.until("spec", |d| d["svg"].is_string());
    assert!(e.data["problem"].is_null());
    assert!(e.data["svg"]
        .as_str()
        .unwrap()
        .contains("<title>Fixed</title>"));

    // Removed: a problem of its own kind.
    std::fs::remove_file(&spec).unwrap();
    let e = ev.until("spec", |d| !d["problem"].is_null());
    assert_eq!(e.data["problem"]["kind"], "missing");
    drop(p.lines_within(Duration::ZERO));
}

#[test]
fn serve_downloads_are_the_rendered_outputs() {
    let (d, _spec) = network_dir();
    let (_p, url) = serve(d.path(), &["--format", "svg"]);
    let (status, head, svg) = http(&url, "GET", "/out/0.svg", None);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: image/svg+xml"), "{head}");
    assert_eq!(
        svg,
        std::fs::read(d.path().join("x.svg")).unwrap(),
        "same bytes as on disk"
    );
    let (status, head, png) = http(&url, "GET", "/out/0.png", None);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: image/png"), "{head}");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let (status, _, json) = http(&url, "GET", "/out/0.json", None);
    assert_eq!(status, 200);
    serde_json::from_slice::<serde_json::Value>(&json).expect("JSON layout");
    let (status, head, _) = http(&url, "HEAD", "/", None);
    assert_eq!(status, 200, "{head}");
}

#[test]
fn serve_answers_nothing_else() {
    let (d, _spec) = network_dir();
    std::fs::write(d.path().join("secret.txt"), "secret").unwrap();
    let (_p, url) = serve(d.path(), &[]);
    for path in [
        "/x.toml",
        "/x.svg",
        "/secret.txt",
        "/../x.toml",
        "/out/../x.toml",
        "/out/0.toml",
        "/out/1.svg",
        "/out/x.svg",
        "/out/0.svg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "//etc/passwd",
        "/events/../x.toml",
    ] {
        let (status, _, body) = http(&url, "GET", path, None);
        assert_eq!(status, 404, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("secret"), "{path}");
    }
    let (status, _, _) = http(&url, "POST", "/", None);
    assert_eq!(status, 405);
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 is refused.
    let (status, _, _) = http(&url, "GET", "/", Some("attacker.example:80"));
    assert_eq!(status, 403);
    let port = url.rsplit(':').next().unwrap();
    let (status, _, _) = http(&url, "GET", "/", Some(&format!("localhost:{port}")));
    assert_eq!(status, 200);
}

#[test]
fn watch_serve_open_runs_the_browser_opener() {
    let (d, _spec) = network_dir();
    let log = d.path().join("opened.txt");
    let opener = d.path().join("opener.sh");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", log.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let browser = opener.display().to_string();
    let mut p = Proc::start_with(
        d.path(),
        &["watch", "x.toml", "--serve", "--port", "0", "--open"],
        &[("BROWSER", browser.as_str())],
    );
    let url = p.preview_url();
    p.line_until("first render", is_render);
    let end = std::time::Instant::now() + WAIT;
    while !log.exists() || read(&log).trim().is_empty() {
        assert!(std::time::Instant::now() < end, "opener never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(read(&log).trim().trim_end_matches('/'), url);

    // No opener at all: a note, not a failure.
    let mut p = Proc::start_with(
        d.path(),
        &["serve", "x.toml", "--port", "0", "--open"],
        &[
            ("BROWSER", "/nonexistent/browser"),
            ("PATH", "/nonexistent"),
        ],
    );
    p.line_until("note", |l| l.contains("no browser opener found"));
    p.line_until("still renders", is_render);
}

#[test]
fn serve_on_a_taken_port_is_a_usage_error() {
    let (d, _spec) = network_dir();
    let (_p, url) = serve(d.path(), &[]);
    let port = url.rsplit(':').next().unwrap().to_string();
    let mut q = Proc::start(d.path(), &["serve", "x.toml", "--port", &port]);
    assert_eq!(q.wait_exit().code(), Some(2));
    q.err_until("error", |l| {
        l.contains(&format!("cannot listen on 127.0.0.1:{port}"))
    });
}

#[test]
fn serve_shows_svg_even_when_only_png_is_written() {
    let (d, spec) = network_dir();
    let (_p, url) = serve(d.path(), &["--format", "png"]);
    assert!(d.path().join("x.png").exists() && !d.path().join("x.svg").exists());
    let mut ev = Sse::open(&url);
    let hello = ev.next();
    let s0 = &hello.data["specs"][0];
    assert!(s0["svg"].as_str().unwrap().contains("<svg"));
    assert_eq!(s0["files"], serde_json::json!(["x.png"]));
    // Invalid UTF-8 is a spec error like any other, pointed at its byte.
    std::fs::write(&spec, b"[diagram]\ntitle = \"\xff\"\n").unwrap();
    let e = ev.until("spec", |d| !d["problem"].is_null());
    let diag = &e.data["problem"]["diagnostics"][0];
    assert_eq!(diag["message"], "the spec is not valid UTF-8");
    assert_eq!(
        (diag["line"].as_u64(), diag["column"].as_u64()),
        (Some(2), Some(10))
    );
    assert!(!d.path().join("x.svg").exists());
}

#[test]
fn custom_icons_are_watched_too() {
    // Whether the CLI renders custom icons or reports them is not this test's business: each
    // change to the icon must bring a new attempt (a render line or the diagnostics again).
    let d = tempfile::tempdir().unwrap();
    let spec = d.path().join("x.toml");
    std::fs::write(
        &spec,
        "[nodes.app]\nkind = \"server\"\nlabel = \"App\"\nicon = \"icons/app.svg\"\n",
    )
    .unwrap();
    let mut p = Proc::start(d.path(), &["watch", "x.toml", "--debounce", "30"]);
    p.line_until("watching", |l| l.starts_with("watching 1 spec"));
    let (_, first) = p.next_attempt("x.toml");
    // The icon's folder is made after the start, then the icon in it.
    let icons = d.path().join("icons");
    std::fs::create_dir(&icons).unwrap();
    let icon = |fill: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20"><rect width="20" height="20" fill="{fill}"/></svg>"#
        )
    };
    std::fs::write(icons.join("app.svg"), icon("#123456")).unwrap();
    let (_, second) = p.next_attempt("x.toml");
    // Changed in place, then replaced by a rename: a new attempt each time.
    std::fs::write(icons.join("app.svg"), icon("#654321")).unwrap();
    p.next_attempt("x.toml");
    replace_by_rename(&icons.join("app.svg"), &icon("#abcdef"));
    let (rendered, _) = p.next_attempt("x.toml");
    if rendered {
        assert!(
            read(&d.path().join("x.svg")).contains("#abcdef"),
            "new icon drawn"
        );
    }
    assert!(!first.is_empty() && !second.is_empty());
}

#[test]
fn serve_shows_one_tab_per_view() {
    let (d, spec) = network_dir();
    let text = std::fs::read_to_string(&spec).unwrap().replacen(
        "[regions.",
        "[views.net]\n\n[views.top]\ntitle = \"Top\"\ndepth = \"vpc\"\n\n[regions.",
        1,
    );
    std::fs::write(&spec, &text).unwrap();
    let (_p, url) = serve(d.path(), &[]);
    let mut ev = Sse::open(&url);
    let hello = ev.next();
    let specs = hello.data["specs"].as_array().unwrap();
    assert_eq!(specs.len(), 2, "{specs:?}");
    assert_eq!(specs[0]["name"], "x.toml [net]");
    assert_eq!(specs[1]["name"], "x.toml [top]");
    assert!(specs[1]["svg"]
        .as_str()
        .unwrap()
        .contains("<title>Top</title>"));
    // Downloads per view; the files on disk are named after their views.
    let (status, _, svg) = http(&url, "GET", "/out/1.svg", None);
    assert_eq!(status, 200);
    assert_eq!(svg, std::fs::read(d.path().join("x.top.svg")).unwrap());
    // An edit to one view is pushed to its tab.
    std::fs::write(
        &spec,
        text.replace("title = \"Top\"", "title = \"Top level\""),
    )
    .unwrap();
    let e = ev.until("spec", |d| {
        d["svg"]
            .as_str()
            .is_some_and(|s| s.contains("<title>Top level</title>"))
    });
    assert_eq!(e.data["id"], 1, "{:?}", e.data);
}

//! End-to-end tests of the `archdraw` binary: every test runs the real executable in a fresh
//! temporary folder and checks exit status, stdout/stderr and the files it leaves behind.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/run.rs"]
mod run;
use run::Run;

const NETWORK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/specs/ohio-network.toml"
));
const GEO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/ohio-geo.toml"));

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A temporary working folder for one test.
struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("create temp dir"),
        }
    }

    /// A folder holding the Ohio network spec as `x.toml`.
    fn with_network() -> Dir {
        let d = Dir::new();
        d.write("x.toml", NETWORK);
        d
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(p, contents).expect("write file");
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        let p = self.path(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Every file below the folder, as paths relative to it.
    fn files(&self) -> BTreeSet<String> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
            for e in std::fs::read_dir(dir).expect("read dir") {
                let p = e.expect("dir entry").path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let rel = p.strip_prefix(root).expect("under root");
                    out.insert(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(self.tmp.path(), self.tmp.path(), &mut out);
        out
    }

    /// Runs `archdraw ARGS` with this folder as the working directory.
    fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_archdraw"))
            .args(args)
            .current_dir(self.tmp.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run archdraw");
        Run::from(out)
    }
}

impl Run {
    /// `(file, line, column)` of every `file:line:col: error:` line on stderr.
    fn error_locations(&self) -> Vec<(String, usize, usize)> {
        self.stderr
            .lines()
            .filter_map(|l| {
                let (loc, _) = l.split_once(": error:")?;
                let mut parts = loc.rsplitn(3, ':');
                let col = parts.next()?.parse().ok()?;
                let line = parts.next()?.parse().ok()?;
                let file = parts.next()?.to_string();
                Some((file, line, col))
            })
            .collect()
    }
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    text[..at].matches('\n').count() + 1
}

/// `text` with `from` replaced by `to`, which must occur exactly once.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` occurs once");
    text.replacen(from, to, 1)
}

/// The network spec with a misspelt key (`titel` for `title`) in `[diagram]`.
fn unknown_key_spec() -> String {
    replace_once(
        NETWORK,
        "title = \"Ohio network architecture\"",
        "titel = \"Ohio network architecture\"",
    )
}

/// The network spec with a TOML syntax error (an unquoted CIDR).
fn syntax_error_spec() -> String {
    replace_once(NETWORK, "cidr = \"10.0.0.0/16\"", "cidr = 10.0.0.0/16")
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(PNG_SIGNATURE), "not a PNG");
    assert_eq!(&png[12..16], b"IHDR", "first chunk is IHDR");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    (w, h)
}

#[track_caller]
fn assert_svg(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).expect("SVG is UTF-8");
    assert!(text.contains("<svg"), "no <svg element");
    assert!(text.trim_end().ends_with("</svg>"), "SVG not closed");
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// render: where outputs go

#[test]
fn render_default_writes_svg_beside_spec() {
    let d = Dir::with_network();
    let r = d.run(&["render", "x.toml"]);
    r.expect_code(0);
    assert_svg(&d.read("x.svg"));
    assert_eq!(d.files(), set(&["x.svg", "x.toml"]), "only x.svg is added");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one progress line: {:?}", r.stdout);
    assert!(
        lines[0].contains("x.toml") && lines[0].contains("x.svg"),
        "{lines:?}"
    );
    assert!(r.stderr.is_empty(), "no diagnostics: {}", r.stderr);
}

#[test]
fn render_spec_in_subfolder_writes_beside_it() {
    let d = Dir::new();
    d.write("specs/net.toml", NETWORK);
    d.run(&["render", "specs/net.toml"]).expect_code(0);
    assert_eq!(d.files(), set(&["specs/net.svg", "specs/net.toml"]));
}

#[test]
fn render_all_three_formats() {
    let d = Dir::with_network();
    let r = d.run(&["render", "x.toml", "--format", "svg,png,json"]);
    r.expect_code(0);
    assert_eq!(d.files(), set(&["x.json", "x.png", "x.svg", "x.toml"]));
    for f in ["x.svg", "x.png", "x.json"] {
        assert!(r.stdout.contains(f), "stdout mentions {f}: {}", r.stdout);
    }

    assert_svg(&d.read("x.svg"));

    let png = d.read("x.png");
    assert!(png.starts_with(PNG_SIGNATURE), "PNG signature");
    let (pw, ph) = png_size(&png);

    let json: serde_json::Value = serde_json::from_slice(&d.read("x.json")).expect("valid JSON");
    let w = json["width"].as_f64().expect("width is a number");
    let h = json["height"].as_f64().expect("height is a number");
    assert!(w > 0.0 && h > 0.0, "positive size {w}x{h}");
    let boxes = json["boxes"].as_array().expect("boxes array");
    let links = json["links"].as_array().expect("links array");
    assert!(!boxes.is_empty(), "boxes");
    assert!(!links.is_empty(), "links");
    for id in ["igw", "nat-a", "nat-b", "web", "public-a", "private-b"] {
        assert!(
            boxes.iter().any(|b| b["id"] == id),
            "box `{id}` in the JSON"
        );
    }
    // At scale 1 the PNG is the diagram's size.
    assert!((f64::from(pw) - w).abs() <= 1.0, "PNG width {pw} vs {w}");
    assert!((f64::from(ph) - h).abs() <= 1.0, "PNG height {ph} vs {h}");
}

#[test]
fn output_with_one_format() {
    let d = Dir::with_network();
    let r = d.run(&["render", "x.toml", "-o", "pic/diagram.svg"]);
    r.expect_code(0);
    assert_eq!(d.files(), set(&["pic/diagram.svg", "x.toml"]));
    assert_svg(&d.read("pic/diagram.svg"));
    assert!(r.stdout.contains("diagram.svg"), "{}", r.stdout);

    // The long form, with a PNG.
    d.run(&[
        "render", "x.toml", "--format", "png", "--output", "shot.png",
    ])
    .expect_code(0);
    assert!(d.read("shot.png").starts_with(PNG_SIGNATURE));
    assert!(!d.exists("x.png") && !d.exists("x.svg"));
}

#[test]
fn drawio_and_pdf_are_formats_like_the_others() {
    let d = Dir::with_network();
    d.run(&["render", "x.toml", "-f", "drawio,pdf"])
        .expect_code(0);
    assert!(
        d.read("x.drawio").starts_with(b"<mxfile "),
        "a draw.io file"
    );
    if cfg!(feature = "pdf") {
        assert!(d.read("x.pdf").starts_with(b"%PDF-"), "a PDF");
    }
    // The extension of -o gives the format; --check compares them like any output.
    d.run(&["render", "x.toml", "-o", "net.drawio"])
        .expect_code(0);
    assert_eq!(d.read("net.drawio"), d.read("x.drawio"));
    d.run(&["render", "x.toml", "-f", "drawio,pdf", "--check"])
        .expect_code(0);
    d.write("x.drawio", "stale");
    let out = d.run(&["render", "x.toml", "-f", "drawio", "--check"]);
    out.expect_code(1);
    assert!(out.stderr.contains("x.drawio"), "{}", out.stderr);
}

#[test]
fn output_extension_gives_the_format_when_none_is_asked() {
    let d = Dir::with_network();
    d.run(&["render", "x.toml", "-o", "net.png"]).expect_code(0);
    assert!(
        d.read("net.png").starts_with(PNG_SIGNATURE),
        "a PNG in net.png"
    );
    d.run(&["render", "x.toml", "-o", "net.JSON"])
        .expect_code(0);
    serde_json::from_slice::<serde_json::Value>(&d.read("net.JSON")).expect("JSON in net.JSON");
    // An extension that is no format keeps the default, and --format wins over the name.
    d.run(&["render", "x.toml", "-o", "net.txt"]).expect_code(0);
    assert_svg(&d.read("net.txt"));
    d.run(&["render", "x.toml", "-f", "svg", "-o", "odd.png"])
        .expect_code(0);
    assert_svg(&d.read("odd.png"));
}

#[test]
fn output_with_several_formats_replaces_extension() {
    let d = Dir::with_network();
    let r = d.run(&[
        "render",
        "x.toml",
        "-f",
        "svg,png,json",
        "-o",
        "out/pic.out",
    ]);
    r.expect_code(0);
    assert_eq!(
        d.files(),
        set(&["out/pic.json", "out/pic.png", "out/pic.svg", "x.toml"])
    );
    assert_svg(&d.read("out/pic.svg"));
    assert!(d.read("out/pic.png").starts_with(PNG_SIGNATURE));
    serde_json::from_slice::<serde_json::Value>(&d.read("out/pic.json")).expect("valid JSON");
}

#[test]
fn output_with_two_specs_is_usage_error() {
    let d = Dir::with_network();
    d.write("y.toml", GEO);
    let r = d.run(&["render", "x.toml", "y.toml", "-o", "both.svg"]);
    r.expect_code(2);
    assert!(r.stderr.contains("error"), "{}", r.stderr);
    assert!(
        r.stderr.contains("--out-dir"),
        "suggests --out-dir: {}",
        r.stderr
    );
    assert_eq!(d.files(), set(&["x.toml", "y.toml"]), "nothing written");
}

#[test]
fn output_and_out_dir_conflict() {
    let d = Dir::with_network();
    let r = d.run(&["render", "x.toml", "-o", "a.svg", "--out-dir", "out"]);
    r.expect_code(2);
    assert_eq!(d.files(), set(&["x.toml"]), "nothing written");
}

#[test]
fn out_dir_is_created() {
    let d = Dir::with_network();
    assert!(!d.exists("build"));
    let r = d.run(&[
        "render",
        "x.toml",
        "--out-dir",
        "build/diagrams",
        "-f",
        "svg,json",
    ]);
    r.expect_code(0);
    assert!(d.path("build/diagrams").is_dir(), "folder created");
    assert_eq!(
        d.files(),
        set(&["build/diagrams/x.json", "build/diagrams/x.svg", "x.toml"])
    );
}

#[test]
fn several_specs_are_all_rendered_like_one_at_a_time() {
    let d = Dir::new();
    let names = ["n1", "n2", "n3", "g1", "g2", "g3"];
    for n in names {
        let text = if n.starts_with('n') { NETWORK } else { GEO };
        d.write(&format!("{n}.toml"), text);
    }
    let specs: Vec<String> = names.iter().map(|n| format!("{n}.toml")).collect();
    let mut args = vec!["render", "--out-dir", "out", "-f", "svg,json"];
    args.extend(specs.iter().map(String::as_str));
    let r = d.run(&args);
    r.expect_code(0);
    // One line per spec, in the order given, then the summary.
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), names.len() + 1, "{}", r.stdout);
    for (n, l) in names.iter().zip(&lines) {
        assert!(
            l.starts_with(&format!("{n}.toml → {n}.svg")),
            "{}",
            r.stdout
        );
    }
    assert!(
        lines[names.len()].starts_with("6 specs: 12 written, 0 unchanged, 0 with errors"),
        "{}",
        r.stdout
    );

    // One at a time, for comparison: parallel rendering must not change a byte.
    d.write("single/net.toml", NETWORK);
    d.write("single/geo.toml", GEO);
    d.run(&["render", "single/net.toml", "-f", "svg,json"])
        .expect_code(0);
    d.run(&["render", "single/geo.toml", "-f", "svg,json"])
        .expect_code(0);
    for n in names {
        let single = if n.starts_with('n') { "net" } else { "geo" };
        for ext in ["svg", "json"] {
            assert!(
                d.read(&format!("out/{n}.{ext}")) == d.read(&format!("single/{single}.{ext}")),
                "out/{n}.{ext} differs from a single render"
            );
        }
    }
    // The two specs give different diagrams.
    assert_ne!(d.read("out/n1.svg"), d.read("out/g1.svg"));
}

#[test]
fn quiet_prints_nothing_but_writes() {
    let d = Dir::with_network();
    let r = d.run(&["render", "-q", "x.toml"]);
    r.expect_code(0);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(d.exists("x.svg"));

    let r = d.run(&["check", "--quiet", "x.toml"]);
    r.expect_code(0);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// render: broken specs

#[test]
fn unknown_key_exits_1_with_location_and_writes_nothing() {
    let d = Dir::new();
    let text = unknown_key_spec();
    d.write("x.toml", &text);
    let r = d.run(&["render", "x.toml", "-f", "svg,png,json"]);
    r.expect_code(1);
    let locs = r.error_locations();
    let want_line = line_of(&text, "titel");
    assert!(
        locs.contains(&("x.toml".to_string(), want_line, 1)),
        "error at x.toml:{want_line}:1, got {locs:?}\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("titel"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no progress line: {}", r.stdout);
    assert_eq!(d.files(), set(&["x.toml"]), "nothing written");
}

#[test]
fn syntax_error_exits_1_with_location_and_writes_nothing() {
    let d = Dir::new();
    let text = syntax_error_spec();
    d.write("x.toml", &text);
    let r = d.run(&["render", "x.toml", "-f", "svg,png,json"]);
    r.expect_code(1);
    let locs = r.error_locations();
    let want_line = line_of(&text, "cidr = 10.0.0.0/16");
    assert!(
        locs.iter()
            .any(|(f, l, c)| f == "x.toml" && *l == want_line && *c >= 1),
        "error on x.toml line {want_line}, got {locs:?}\n{}",
        r.stderr
    );
    assert_eq!(d.files(), set(&["x.toml"]), "nothing written");
}

#[test]
fn broken_spec_leaves_older_outputs_untouched() {
    let d = Dir::with_network();
    d.run(&["render", "x.toml", "-f", "svg,png,json"])
        .expect_code(0);
    let before: Vec<Vec<u8>> = ["x.svg", "x.png", "x.json"]
        .iter()
        .map(|f| d.read(f))
        .collect();

    for broken in [unknown_key_spec(), syntax_error_spec()] {
        d.write("x.toml", &broken);
        d.run(&["render", "x.toml", "-f", "svg,png,json"])
            .expect_code(1);
        for (f, old) in ["x.svg", "x.png", "x.json"].iter().zip(&before) {
            assert!(&d.read(f) == old, "{f} changed by a failed render");
        }
        assert_eq!(
            d.files(),
            set(&["x.json", "x.png", "x.svg", "x.toml"]),
            "no stray files"
        );
    }
}

#[test]
fn mix_of_good_and_bad_specs_exits_1_and_renders_the_good_one() {
    let d = Dir::new();
    d.write("good.toml", NETWORK);
    d.write("bad.toml", unknown_key_spec());
    let r = d.run(&["render", "bad.toml", "good.toml"]);
    r.expect_code(1);
    assert_svg(&d.read("good.svg"));
    assert!(!d.exists("bad.svg"), "no output for the bad spec");
    let files: BTreeSet<String> = r.error_locations().into_iter().map(|l| l.0).collect();
    assert_eq!(files, set(&["bad.toml"]), "{}", r.stderr);
    assert!(r.stdout.contains("good.svg"), "{}", r.stdout);
    assert!(!r.stdout.contains("bad.svg"), "{}", r.stdout);
}

#[test]
fn missing_spec_fails_and_writes_nothing() {
    // An unreadable spec is an I/O error: exit 2.
    let d = Dir::with_network();
    let r = d.run(&["render", "nope.toml"]);
    r.expect_code(2);
    assert!(r.stderr.contains("error"), "{}", r.stderr);
    assert!(r.stderr.contains("nope.toml"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(d.files(), set(&["x.toml"]), "nothing written");

    // Alongside a good spec, the good one is still rendered.
    let r = d.run(&["render", "nope.toml", "x.toml"]);
    r.expect_code(2);
    assert_eq!(d.files(), set(&["x.svg", "x.toml"]));
}

#[test]
fn message_format_json_prints_one_object_per_diagnostic() {
    let d = Dir::new();
    let text = replace_once(
        &unknown_key_spec(),
        "label = \"Public route table\"",
        "lable = \"Public route table\"",
    );
    let text = replace_once(&text, "[vpcs.main]\nregion", "[vpcs.main]\nregon");
    d.write("x.toml", &text);
    let r = d.run(&["render", "x.toml", "--message-format", "json"]);
    r.expect_code(1);
    let objs: Vec<serde_json::Value> = r
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(objs.len() >= 3, "one object per error: {}", r.stderr);
    for o in &objs {
        assert_eq!(o["file"], "x.toml", "{o}");
        assert!(o["line"].as_u64().is_some_and(|l| l >= 1), "{o}");
        assert!(o["column"].as_u64().is_some_and(|c| c >= 1), "{o}");
        assert!(
            o["severity"] == "error" || o["severity"] == "warning",
            "{o}"
        );
        assert!(o["message"].as_str().is_some_and(|m| !m.is_empty()), "{o}");
    }
    let error_lines: BTreeSet<u64> = objs
        .iter()
        .filter(|o| o["severity"] == "error")
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    for key in ["titel", "lable", "regon"] {
        let line = line_of(&text, key) as u64;
        assert!(
            error_lines.contains(&line),
            "an error on line {line} (`{key}`): {}",
            r.stderr
        );
    }
    assert!(!d.exists("x.svg"));

    // The JSON form works for syntax errors too, and for `check`.
    d.write("y.toml", syntax_error_spec());
    let r = d.run(&["check", "y.toml", "--message-format", "json"]);
    r.expect_code(1);
    let first: serde_json::Value =
        serde_json::from_str(r.stderr.lines().next().expect("a diagnostic")).expect("JSON");
    assert_eq!(first["file"], "y.toml");
    assert_eq!(first["severity"], "error");
    assert_eq!(
        first["line"].as_u64(),
        Some(line_of(&syntax_error_spec(), "cidr = 10.0.0.0/16") as u64)
    );
}

// ---------------------------------------------------------------------------------------------
// check and kinds

#[test]
fn check_good_spec_exits_0_and_writes_nothing() {
    let d = Dir::with_network();
    let r = d.run(&["check", "x.toml"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("x.toml") && r.stdout.contains("ok"),
        "{}",
        r.stdout
    );
    assert_eq!(d.files(), set(&["x.toml"]));
}

#[test]
fn check_bad_spec_exits_1_and_writes_nothing() {
    let d = Dir::new();
    let text = unknown_key_spec();
    d.write("bad.toml", &text);
    d.write("good.toml", NETWORK);
    let r = d.run(&["check", "good.toml", "bad.toml"]);
    r.expect_code(1);
    let locs = r.error_locations();
    assert!(
        locs.contains(&("bad.toml".to_string(), line_of(&text, "titel"), 1)),
        "{locs:?}"
    );
    assert!(r.stdout.contains("good.toml: ok"), "{}", r.stdout);
    assert!(!r.stdout.contains("bad.toml: ok"), "{}", r.stdout);
    assert_eq!(d.files(), set(&["bad.toml", "good.toml"]));
}

#[test]
fn kinds_lists_nat_gateway() {
    let d = Dir::new();
    let r = d.run(&["kinds"]);
    r.expect_code(0);
    let kinds: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for k in ["nat-gateway", "alb", "ec2"] {
        assert!(kinds.contains(&k), "kind `{k}` listed:\n{}", r.stdout);
    }
    assert!(d.files().is_empty());
}

// ---------------------------------------------------------------------------------------------
// help and arguments

#[test]
fn help_lists_commands_and_render_help_every_flag() {
    let d = Dir::new();
    let r = d.run(&["--help"]);
    r.expect_code(0);
    for word in ["render", "check", "kinds", "--help", "--version"] {
        assert!(r.stdout.contains(word), "`--help` mentions {word}");
    }
    // The top-level help shows the render flags only through its examples.
    for flag in ["--format", "--out-dir"] {
        assert!(r.stdout.contains(flag), "`--help` mentions {flag}");
    }

    let r = d.run(&["render", "--help"]);
    r.expect_code(0);
    for flag in [
        "--format",
        "--output",
        "--out-dir",
        "--scale",
        "--message-format",
        "--quiet",
        "-o,",
        "-f,",
        "-q,",
    ] {
        assert!(r.stdout.contains(flag), "`render --help` mentions {flag}");
    }

    let r = d.run(&["check", "--help"]);
    r.expect_code(0);
    for flag in ["--message-format", "--quiet"] {
        assert!(r.stdout.contains(flag), "`check --help` mentions {flag}");
    }
}

#[test]
fn bad_scale_is_rejected() {
    let d = Dir::with_network();
    for scale in ["0", "-1", "100", "abc", "NaN"] {
        let arg = format!("--scale={scale}");
        let r = d.run(&["render", "x.toml", "-f", "png", &arg]);
        r.expect_code(2);
        assert!(r.stderr.contains("--scale"), "{}", r.stderr);
    }
    assert_eq!(d.files(), set(&["x.toml"]), "nothing written");
}

#[test]
fn bad_format_and_missing_args_are_usage_errors() {
    let d = Dir::with_network();
    for args in [
        &["render", "x.toml", "-f", "svg,gif"][..],
        &["render", "x.toml", "-f", ""],
        &["render"],
        &["frobnicate"],
    ] {
        let r = d.run(args);
        r.expect_code(2);
        assert!(!r.stderr.is_empty(), "{args:?} explains itself");
    }
    assert_eq!(d.files(), set(&["x.toml"]), "nothing written");
}

// ---------------------------------------------------------------------------------------------
// determinism and scale

#[test]
fn two_renders_are_byte_identical() {
    let d = Dir::with_network();
    d.run(&["render", "x.toml", "-f", "svg,png,json", "--out-dir", "a"])
        .expect_code(0);
    d.run(&["render", "x.toml", "-f", "svg,png,json", "--out-dir", "b"])
        .expect_code(0);
    for f in ["x.svg", "x.png", "x.json"] {
        let a = d.read(&format!("a/{f}"));
        let b = d.read(&format!("b/{f}"));
        assert!(!a.is_empty(), "{f} not empty");
        assert!(a == b, "{f} differs between two renders");
    }
}

#[test]
fn scale_2_doubles_png_size() {
    let d = Dir::with_network();
    d.run(&["render", "x.toml", "-f", "png", "-o", "s1.png"])
        .expect_code(0);
    d.run(&[
        "render", "x.toml", "-f", "png", "-o", "s2.png", "--scale", "2",
    ])
    .expect_code(0);
    let (w1, h1) = png_size(&d.read("s1.png"));
    let (w2, h2) = png_size(&d.read("s2.png"));
    assert!(w1 > 0 && h1 > 0);
    assert_eq!(w2, 2 * w1, "width at scale 2");
    assert_eq!(h2, 2 * h1, "height at scale 2");
}

#[test]
fn outputs_that_would_overwrite_a_spec_or_each_other_are_refused() {
    let d = Dir::with_network();
    let spec = d.read("x.toml");
    // -o naming the spec itself.
    d.run(&["render", "x.toml", "-o", "x.toml"]).expect_code(2);
    assert_eq!(d.read("x.toml"), spec, "spec untouched");
    // A spec whose extension is an output format.
    d.write("y.json", &spec);
    let r = d.run(&["render", "y.json", "--format", "json"]);
    r.expect_code(2);
    assert!(r.stderr.contains("would overwrite a spec"), "{}", r.stderr);
    assert_eq!(d.read("y.json"), spec);
    // Two specs with one file name into one --out-dir.
    d.write("a/x.toml", &spec);
    d.write("b/x.toml", &spec);
    let r = d.run(&["render", "a/x.toml", "b/x.toml", "--out-dir", "out"]);
    r.expect_code(2);
    assert!(r.stderr.contains("would both write"), "{}", r.stderr);
    assert!(!d.path("out").exists(), "nothing written");
}

#[test]
fn json_messages_for_io_errors_have_the_diagnostic_shape() {
    let d = Dir::new();
    let r = d.run(&["check", "nope.toml", "--message-format", "json"]);
    r.expect_code(2);
    let v: serde_json::Value = serde_json::from_str(r.stderr.trim()).expect("one JSON object");
    assert_eq!(v["file"], "nope.toml");
    assert_eq!(v["severity"], "error");
    assert_eq!(v["line"], 0);
    assert!(v["message"].as_str().unwrap().contains("cannot read"));
}

// ---------------------------------------------------------------------------------------------
// render: views

/// The network spec with two views: `net` (everything) and `top` (VPCs as boxes).
fn with_views() -> Dir {
    let d = Dir::new();
    let text = NETWORK.replacen(
        "[regions.",
        "[views.net]\n\n[views.top]\ntitle = \"Top\"\ndepth = \"vpc\"\n\n[regions.",
        1,
    );
    d.write("x.toml", text);
    d
}

#[test]
fn a_spec_with_views_renders_one_output_per_view() {
    let d = with_views();
    let r = d.run(&["render", "x.toml", "-f", "svg,json"]);
    r.expect_code(0);
    assert_eq!(
        d.files(),
        set(&[
            "x.net.json",
            "x.net.svg",
            "x.toml",
            "x.top.json",
            "x.top.svg"
        ])
    );
    assert!(
        r.stdout.contains("x.net.svg") && r.stdout.contains("x.top.svg"),
        "{}",
        r.stdout
    );
    // The views differ: the top view has no subnets.
    let top: serde_json::Value = serde_json::from_slice(&d.read("x.top.json")).unwrap();
    let net: serde_json::Value = serde_json::from_slice(&d.read("x.net.json")).unwrap();
    let subnets = |v: &serde_json::Value| {
        v["boxes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["kind"] == "subnet")
            .count()
    };
    assert_eq!(subnets(&top), 0);
    assert!(subnets(&net) >= 4);
    assert!(String::from_utf8_lossy(&d.read("x.top.svg")).contains(">Top<"));
}

#[test]
fn view_picks_views_and_output_names_them() {
    let d = with_views();
    d.run(&["render", "x.toml", "--view", "top"]).expect_code(0);
    assert_eq!(d.files(), set(&["x.toml", "x.top.svg"]));
    // One view and -o: the file is -o.
    d.run(&["render", "x.toml", "--view", "net", "-o", "out/net.svg"])
        .expect_code(0);
    assert!(d.exists("out/net.svg"));
    // Several views and -o: each named after its view.
    d.run(&["render", "x.toml", "-o", "all/pic.png"])
        .expect_code(0);
    assert!(d.exists("all/pic.net.png") && d.exists("all/pic.top.png"));
    assert!(d.read("all/pic.top.png").starts_with(PNG_SIGNATURE));
    // A view the spec lacks.
    let r = d.run(&["render", "x.toml", "--view", "tops"]);
    r.expect_code(1);
    assert!(
        r.stderr.contains("no view `tops`") && r.stderr.contains("top"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_compares_every_view() {
    let d = with_views();
    d.run(&["render", "x.toml"]).expect_code(0);
    d.run(&["render", "--check", "x.toml"]).expect_code(0);
    let text = String::from_utf8(d.read("x.toml")).unwrap();
    d.write(
        "x.toml",
        text.replace("title = \"Top\"", "title = \"Top level\""),
    );
    let r = d.run(&["render", "--check", "x.toml"]);
    r.expect_code(1);
    assert!(
        r.stderr.contains("x.top.svg is out of date"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("x.net.svg"), "{}", r.stderr);
}

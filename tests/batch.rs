//! The command line on trees of specs, as CI and docs folders use it: folders and globs,
//! outputs kept in the tree, unchanged files left alone, `render --check`, byte-identical
//! output whatever the parallelism, `archdraw.toml`, themes, the summary and the progress bar.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/run.rs"]
mod run;
use run::Run;
use std::time::{Duration, SystemTime};

const NETWORK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/specs/ohio-network.toml"
));
const GEO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/ohio-geo.toml"));

/// A past time to stamp outputs with, to see whether they are written again.
fn long_ago() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000)
}

fn titled(text: &str, title: &str) -> String {
    let t = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .expect("a title line");
    text.replacen(t, &format!("title = \"{title}\""), 1)
}

struct Dir {
    tmp: tempfile::TempDir,
}

impl Run {
    /// stdout with the timings taken out, to compare runs.
    fn stdout_untimed(&self) -> String {
        self.stdout
            .lines()
            .map(|l| match l.find(" in ") {
                Some(i) => {
                    let rest = &l[i + 4..];
                    let after = rest.find(" ms").or_else(|| rest.find(" s")).unwrap_or(0);
                    format!("{} in #{}", &l[..i], &rest[after..])
                }
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Dir {
    fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        let p = self.path(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    fn mtime(&self, rel: &str) -> SystemTime {
        std::fs::metadata(self.path(rel))
            .and_then(|m| m.modified())
            .unwrap()
    }

    fn age(&self, rel: &str) {
        std::fs::File::options()
            .write(true)
            .open(self.path(rel))
            .and_then(|f| f.set_modified(long_ago()))
            .unwrap();
    }

    /// Every file below `rel` with its bytes, by path relative to it.
    fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let k = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                    out.insert(k, std::fs::read(&p).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        let root = self.path(rel);
        if root.is_dir() {
            walk(&root, &root, &mut out);
        }
        out
    }

    fn names(&self, rel: &str) -> Vec<String> {
        self.tree(rel).into_keys().collect()
    }

    fn run_in(&self, sub: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut c = Command::new(env!("CARGO_BIN_EXE_archdraw"));
        c.args(args)
            .current_dir(self.path(sub))
            .env("NO_COLOR", "1")
            .env_remove("CI");
        for (k, v) in env {
            c.env(k, v);
        }
        Run::from(c.output().expect("run archdraw"))
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args, &[])
    }

    /// A docs tree: two specs in folders, and files that are not specs or are hidden.
    fn docs() -> Dir {
        let d = Dir::new();
        d.write("docs/net.toml", NETWORK);
        d.write("docs/a/b/geo.toml", GEO);
        d.write("docs/.drafts/x.toml", NETWORK);
        d.write("docs/target/y.toml", NETWORK);
        d.write("docs/node_modules/z.toml", NETWORK);
        d.write("docs/Cargo.toml", "[package]\nname = \"x\"\n");
        d.write("docs/archdraw.toml", "format = \"svg\"\n");
        d.write("docs/settings.toml", "[server]\nport = 1\n");
        d.write("docs/README.md", "# docs\n");
        d
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// folders and globs

#[test]
fn a_folder_is_searched_for_specs_in_order_and_the_tree_is_kept() {
    let d = Dir::docs();
    let r = d.run(&["render", "docs", "--out-dir", "out", "-f", "svg,json"]);
    r.expect_code(0);
    assert_eq!(
        d.names("out"),
        strings(&["a/b/geo.json", "a/b/geo.svg", "net.json", "net.svg"]),
        "hidden folders, target/, node_modules/, Cargo.toml, archdraw.toml and other TOML skipped"
    );
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(
        lines[0].starts_with("docs/a/b/geo.toml → geo.svg, geo.json in "),
        "{}",
        r.stdout
    );
    assert!(
        lines[1].starts_with("docs/net.toml → net.svg, net.json in "),
        "{}",
        r.stdout
    );
    assert!(
        lines[2].starts_with("2 specs: 4 written, 0 unchanged, 0 with errors, in "),
        "{}",
        r.stdout
    );

    // Without --out-dir, beside each spec.
    d.run(&["render", "docs"]).expect_code(0);
    assert!(d.path("docs/net.svg").is_file() && d.path("docs/a/b/geo.svg").is_file());
    assert!(!d.path("docs/.drafts/x.svg").exists() && !d.path("docs/target/y.svg").exists());

    // `.` works as a folder, paths shown without `./`.
    let r = d.run_in("docs", &["check", "."], &[]);
    r.expect_code(0);
    assert!(
        r.stdout.starts_with("a/b/geo.toml: ok\nnet.toml: ok\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn quoted_globs_are_expanded_and_keep_the_tree_below_their_fixed_part() {
    let d = Dir::docs();
    d.run(&["render", "docs/**/*.toml", "--out-dir", "out"])
        .expect_code(0);
    assert_eq!(d.names("out"), strings(&["a/b/geo.svg", "net.svg"]));
    d.run(&["render", "docs/*.toml", "--out-dir", "out2"])
        .expect_code(0);
    assert_eq!(d.names("out2"), strings(&["net.svg"]));
    // A glob that matches nothing, or a folder without specs, is an error (exit 2); the
    // specs found by the other arguments are still rendered.
    d.write("empty/notes.md", "");
    let r = d.run(&[
        "render",
        "nothing/*.toml",
        "empty",
        "docs/net.toml",
        "--out-dir",
        "out3",
    ]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("no spec matches `nothing/*.toml`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("no specs found in empty"), "{}", r.stderr);
    assert_eq!(d.names("out3"), strings(&["net.svg"]));
    // A file named on the command line is a spec whatever its name.
    d.write("plain.toml", "[nodes.a]\nkind = \"ec2\"\n");
    d.run(&["render", "plain.toml"]).expect_code(0);
    assert!(d.path("plain.svg").is_file());
}

#[test]
fn check_defaults_to_the_current_folder() {
    let d = Dir::docs();
    let r = d.run(&["check"]);
    r.expect_code(0);
    assert_eq!(
        r.stdout.lines().take(2).collect::<Vec<_>>(),
        ["docs/a/b/geo.toml: ok", "docs/net.toml: ok"]
    );
    assert!(
        r.stdout.contains("2 specs: 2 ok, 0 with errors"),
        "{}",
        r.stdout
    );
    d.write(
        "docs/broken/bad.toml",
        "[nodes.a]\nkind = \"ec2\"\nin = \"nowhere\"\n",
    );
    let r = d.run(&["check"]);
    r.expect_code(1);
    assert!(
        r.stderr.contains("docs/broken/bad.toml:3:6: error:"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("3 specs: 2 ok, 1 with errors"),
        "{}",
        r.stdout
    );
    assert!(
        d.names("docs").iter().all(|f| !f.ends_with(".svg")),
        "check writes nothing"
    );
}

// ---------------------------------------------------------------------------------------------
// unchanged outputs and --check

#[test]
fn unchanged_outputs_are_not_written_again() {
    let d = Dir::docs();
    let args = ["render", "docs", "--out-dir", "out", "-f", "svg,png,json"];
    d.run(&args).expect_code(0);
    let outs = d.names("out");
    assert_eq!(outs.len(), 6);
    for f in &outs {
        d.age(&format!("out/{f}"));
    }
    let r = d.run(&args);
    r.expect_code(0);
    for f in &outs {
        assert_eq!(
            d.mtime(&format!("out/{f}")),
            long_ago(),
            "{f} was written again"
        );
    }
    assert!(
        r.stdout.contains("net.svg, net.png, net.json in "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .all(|l| !l.contains(" → ") || l.ends_with(" (unchanged)")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("2 specs: 0 written, 6 unchanged, 0 with errors"),
        "{}",
        r.stdout
    );

    // One output changed on disk: only it is written.
    d.write("out/net.svg", "<svg/>");
    d.age("out/net.svg");
    let r = d.run(&args);
    r.expect_code(0);
    assert_ne!(d.mtime("out/net.svg"), long_ago());
    assert_ne!(d.read("out/net.svg"), b"<svg/>");
    assert_eq!(d.mtime("out/net.png"), long_ago());
    assert!(
        r.stdout.contains("(unchanged: net.png, net.json)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 written, 5 unchanged"), "{}", r.stdout);

    // A spec edit rewrites that spec's outputs only.
    d.write("docs/net.toml", titled(NETWORK, "Edited"));
    d.age("out/net.svg");
    d.run(&args).expect_code(0);
    assert_ne!(d.mtime("out/net.svg"), long_ago());
    assert_eq!(d.mtime("out/a/b/geo.svg"), long_ago());

    // The same for a single spec beside itself.
    d.run(&["render", "docs/net.toml"]).expect_code(0);
    d.age("docs/net.svg");
    let r = d.run(&["render", "docs/net.toml"]);
    assert!(r.stdout.ends_with("(unchanged)\n"), "{}", r.stdout);
    assert_eq!(d.mtime("docs/net.svg"), long_ago());
}

#[test]
fn render_check_names_every_missing_or_stale_output_and_writes_nothing() {
    let d = Dir::docs();
    let args = ["render", "docs", "--out-dir", "out", "-f", "svg,json"];
    d.run(&args).expect_code(0);
    let check = [
        "render",
        "--check",
        "docs",
        "--out-dir",
        "out",
        "-f",
        "svg,json",
    ];
    let r = d.run(&check);
    r.expect_code(0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(
        r.stdout.contains("docs/net.toml: up to date"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("2 specs: 4 up to date, 0 out of date, 0 missing, 0 with errors"),
        "{}",
        r.stdout
    );

    // Stale and missing outputs are named, nothing is written or touched.
    d.write("out/net.svg", "<svg/>");
    std::fs::remove_file(d.path("out/a/b/geo.json")).unwrap();
    for f in d.names("out") {
        d.age(&format!("out/{f}"));
    }
    let before = d.tree("out");
    let r = d.run(&check);
    r.expect_code(1);
    assert!(
        r.stderr.contains(
            "error: out/net.svg is out of date: it differs from what docs/net.toml renders"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("error: out/a/b/geo.json is missing: docs/a/b/geo.toml renders it"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("without --check"), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("2 specs: 2 up to date, 1 out of date, 1 missing, 0 with errors"),
        "{}",
        r.stdout
    );
    assert_eq!(d.tree("out"), before, "--check writes nothing");
    for f in d.names("out") {
        assert_eq!(d.mtime(&format!("out/{f}")), long_ago(), "{f} touched");
    }

    // JSON messages name the file.
    let r = d.run(&[&check[..], &["--message-format", "json"]].concat());
    r.expect_code(1);
    let files: Vec<String> = r
        .stderr
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")["file"].to_string())
        .collect();
    assert_eq!(files, ["\"out/a/b/geo.json\"", "\"out/net.svg\""]);

    // A spec with errors fails the check too; rendering again makes it pass.
    d.run(&args).expect_code(0);
    d.run(&check).expect_code(0);
    d.write("docs/net.toml", "[nodes.a]\nkind = \"ec3\"\n");
    d.run(&check).expect_code(1);
}

// ---------------------------------------------------------------------------------------------
// determinism

#[test]
fn output_is_byte_identical_whatever_the_parallelism_and_order() {
    let d = Dir::new();
    let variants = [
        ("a", NETWORK.to_string()),
        ("b", GEO.to_string()),
        ("c", titled(NETWORK, "Third")),
        ("d", format!("{}\n", titled(GEO, "Fourth"))),
        (
            "e",
            titled(NETWORK, "Fifth").replace("[diagram]\n", "[diagram]\ntheme = \"dark\"\n"),
        ),
        (
            "f",
            titled(NETWORK, "Sixth").replace("[diagram]\n", "[diagram]\ntheme = \"auto\"\n"),
        ),
        (
            "g",
            titled(GEO, "Seventh").replace("[diagram]\n", "[diagram]\ndirection = \"right\"\n"),
        ),
        ("h", titled(NETWORK, "Eighth")),
    ];
    for (i, (name, text)) in variants.iter().enumerate() {
        d.write(&format!("tree/{}/{name}.toml", i % 3), text);
    }
    let render = |out: &str, jobs: &str, dirs: &[&str]| {
        let mut args = vec![
            "render",
            "--out-dir",
            out,
            "-f",
            "svg,png,json",
            "--jobs",
            jobs,
        ];
        args.extend_from_slice(dirs);
        d.run(&args)
    };
    let one = render("one", "1", &["tree"]);
    one.expect_code(0);
    let many = render("many", "8", &["tree"]);
    many.expect_code(0);
    let reversed = render("reversed", "3", &["tree/2", "tree/1", "tree/0"]);
    reversed.expect_code(0);
    let a = d.tree("one");
    assert_eq!(a.len(), variants.len() * 3, "{:?}", a.keys());
    assert_eq!(
        a,
        d.tree("many"),
        "--jobs 1 and --jobs 8 wrote different bytes"
    );
    // The reversed run names folders directly, so its outputs are not below 0/, 1/, 2/.
    let flat: BTreeMap<String, Vec<u8>> = a
        .iter()
        .map(|(k, v)| (k.split_once('/').unwrap().1.to_string(), v.clone()))
        .collect();
    assert_eq!(
        flat,
        d.tree("reversed"),
        "rendering in another order changed bytes"
    );
    // The messages come in the order of the specs, whatever finished first.
    assert_eq!(one.stdout_untimed(), many.stdout_untimed());
    // And the same again: nothing changes, nothing is written.
    let again = render("many", "4", &["tree"]);
    assert!(
        again.stdout.contains("0 written, 24 unchanged"),
        "{}",
        again.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// archdraw.toml and themes

#[test]
fn the_project_config_is_found_walking_up_and_flags_override_it() {
    let d = Dir::docs();
    d.write(
        "archdraw.toml",
        "format = [\"svg\", \"json\"]\nout_dir = \"build/diagrams\"\ntheme = \"dark\"\n",
    );
    std::fs::create_dir_all(d.path("tools/deep")).unwrap();
    // From a folder two levels down: paths in the config are relative to the config.
    d.run_in("tools/deep", &["render", "../../docs"], &[])
        .expect_code(0);
    assert_eq!(
        d.names("build/diagrams"),
        strings(&["a/b/geo.json", "a/b/geo.svg", "net.json", "net.svg"])
    );
    let svg = String::from_utf8(d.read("build/diagrams/net.svg")).unwrap();
    assert!(svg.contains("fill=\"#141B24\""), "dark from the config");

    // Flags override the config.
    d.run(&[
        "render",
        "docs/net.toml",
        "-f",
        "png",
        "--out-dir",
        "o2",
        "--theme",
        "light",
    ])
    .expect_code(0);
    assert_eq!(d.names("o2"), strings(&["net.png"]));
    d.run(&["render", "docs/net.toml", "-o", "single.svg"])
        .expect_code(0);
    assert!(d.path("single.svg").is_file(), "-o wins over out_dir");
    // A spec's own theme wins over the config's default.
    d.write(
        "light.toml",
        NETWORK.replace("[diagram]\n", "[diagram]\ntheme = \"light\"\n"),
    );
    d.run(&["render", "light.toml"]).expect_code(0);
    let svg = String::from_utf8(d.read("build/diagrams/light.svg")).unwrap();
    assert!(!svg.contains("#141B24"), "the spec's light theme kept");

    // --no-config: the defaults.
    d.run(&["render", "docs/net.toml", "--no-config"])
        .expect_code(0);
    assert!(d.path("docs/net.svg").is_file() && !d.path("docs/net.json").exists());

    // --config names another file; its paths are relative to it.
    d.write(
        "conf/ci.toml",
        "format = \"json\"\nout_dir = \"../ci-out\"\n",
    );
    d.run(&["render", "docs", "--config", "conf/ci.toml"])
        .expect_code(0);
    assert_eq!(d.names("ci-out"), strings(&["a/b/geo.json", "net.json"]));

    // A broken config stops everything with its place (exit 2).
    d.write("archdraw.toml", "format = \"svg\"\nscael = 2\n");
    let r = d.run(&["check", "docs"]);
    r.expect_code(2);
    assert!(
        r.stderr
            .contains("archdraw.toml:2:1: error: unknown key `scael` in archdraw.toml"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `scale`?"), "{}", r.stderr);
}

#[test]
fn theme_flag_overrides_the_spec_and_auto_carries_both() {
    let d = Dir::new();
    d.write(
        "x.toml",
        NETWORK.replace("[diagram]\n", "[diagram]\ntheme = \"dark\"\n"),
    );
    d.run(&["render", "x.toml", "-o", "dark.svg"])
        .expect_code(0);
    d.run(&["render", "x.toml", "-o", "light.svg", "--theme", "light"])
        .expect_code(0);
    d.run(&[
        "render", "x.toml", "-f", "svg,png", "-o", "auto.svg", "--theme", "auto",
    ])
    .expect_code(0);
    d.run(&[
        "render", "x.toml", "-f", "png", "-o", "l.png", "--theme", "light",
    ])
    .expect_code(0);
    let text = |f: &str| String::from_utf8(d.read(f)).unwrap();
    assert!(text("dark.svg").contains("fill=\"#141B24\""));
    assert!(!text("light.svg").contains("#141B24"));
    let auto = text("auto.svg");
    assert!(
        auto.contains("@media (prefers-color-scheme: dark)"),
        "{auto}"
    );
    assert!(
        auto.contains("fill=\"#FFFFFF\""),
        "light colours in the attributes"
    );
    assert_eq!(
        d.read("auto.png"),
        d.read("l.png"),
        "the PNG of auto is light"
    );
    let r = d.run(&["render", "x.toml", "--theme", "dim"]);
    r.expect_code(2);
    assert!(r.stderr.contains("unknown theme `dim`"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// progress bar

/// Runs a command on a pseudo-terminal with util-linux's `script`; `None` where it is missing.
fn on_terminal(d: &Dir, cmd: &str, env: &[(&str, &str)]) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).is_file())?;
    let mut c = Command::new(script);
    c.args(["-q", "-e", "-c", cmd, "/dev/null"])
        .current_dir(d.path(""))
        .env_remove("CI")
        .env("TERM", "xterm")
        .env("ARCHDRAW_PROGRESS_DELAY_MS", "0");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("run script");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn a_progress_bar_shows_on_a_terminal_only() {
    let d = Dir::new();
    for i in 0..6 {
        d.write(
            &format!("many/s{i}.toml"),
            titled(NETWORK, &format!("Spec {i}")),
        );
    }
    let bin = env!("CARGO_BIN_EXE_archdraw");
    let cmd = format!("{bin} render many -f svg,png --jobs 1");
    // Piped (as in CI logs): no bar, no escape codes.
    let r = d.run_in(
        "",
        &["render", "many", "-f", "svg,png", "--jobs", "1"],
        &[("ARCHDRAW_PROGRESS_DELAY_MS", "0")],
    );
    r.expect_code(0);
    assert!(
        r.stderr.is_empty(),
        "nothing on stderr when piped: {:?}",
        r.stderr
    );
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
    let Some(tty) = on_terminal(&d, &cmd, &[]) else {
        eprintln!("skipped the terminal half: no `script` command");
        return;
    };
    assert!(tty.contains("/6 specs"), "a bar on a terminal: {tty:?}");
    assert!(tty.contains("6 specs: 0 written, 12 unchanged"), "{tty:?}");
    // Never in CI, even on a terminal; never with --quiet.
    let tty = on_terminal(&d, &cmd, &[("CI", "true")]).unwrap();
    assert!(!tty.contains("/6 specs"), "{tty:?}");
    let tty = on_terminal(&d, &format!("{cmd} --quiet"), &[]).unwrap();
    assert!(tty.trim().is_empty(), "{tty:?}");
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    (w, h)
}

#[test]
fn the_project_config_sets_the_scale_and_the_aws_icon_folder() {
    let d = Dir::new();
    d.write("docs/net.toml", NETWORK);
    let nat = archdraw::catalog::lookup("nat-gateway").unwrap();
    let icon = |colour: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="{colour}"/></svg>"#
        )
    };
    d.write(
        &format!("vendor/aws/Arch_{}_48.svg", nat.service),
        icon("#abcdef"),
    );
    d.write(
        &format!("other/Arch_{}_48.svg", nat.service),
        icon("#fedcba"),
    );
    d.write(
        "archdraw.toml",
        "format = \"svg,png\"\nscale = 2\naws_icons = \"vendor/aws\"\n",
    );
    d.run_in("docs", &["render", "net.toml"], &[])
        .expect_code(0);
    let svg = String::from_utf8(d.read("docs/net.svg")).unwrap();
    assert!(
        svg.contains("#abcdef"),
        "the config's AWS icon folder is used"
    );
    let (w2, h2) = png_size(&d.read("docs/net.png"));
    d.run(&[
        "render",
        "docs/net.toml",
        "--scale",
        "1",
        "-f",
        "png",
        "-o",
        "s1.png",
    ])
    .expect_code(0);
    let (w1, h1) = png_size(&d.read("s1.png"));
    assert_eq!(
        (w2, h2),
        (2 * w1, 2 * h1),
        "scale 2 from the config, 1 from the flag"
    );
    // --aws-icons overrides the config.
    d.run(&[
        "render",
        "docs/net.toml",
        "--aws-icons",
        "other",
        "-o",
        "o.svg",
        "-f",
        "svg",
    ])
    .expect_code(0);
    assert!(String::from_utf8(d.read("o.svg"))
        .unwrap()
        .contains("#fedcba"));
    // A config folder that does not exist is reported.
    d.write("archdraw.toml", "aws_icons = \"nowhere\"\n");
    let r = d.run(&["check", "docs"]);
    r.expect_code(1);
    assert!(
        r.stderr.contains("AWS icon folder nowhere does not exist"),
        "{}",
        r.stderr
    );
}

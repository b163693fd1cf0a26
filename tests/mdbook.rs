//! `archdraw mdbook`, the mdBook preprocessor: the JSON protocol driven directly (as mdBook
//! 0.4 and 0.5 speak it), and a real `mdbook build` when the `mdbook` binary is installed
//! (`.ci/run` installs it; `ARCHDRAW_MDBOOK_TEST=1` makes its absence a failure).

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NETWORK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/specs/ohio-network.toml"
));

const CHAPTER: &str = "# Chapter

Some text.

```archdraw
[diagram]
title = \"Inline diagram\"

[nodes.a]
kind = \"ec2\"

[nodes.b]
kind = \"s3\"

[[links]]
from = \"a\"
to = \"b\"
```
Text right after the block.

How to write one:

````markdown
```archdraw
[nodes.shown]
kind = \"this-is-only-an-example\"
```
````
";

const NESTED: &str = "# Network

- In a list:

  ```archdraw
  file = \"ohio.toml\"
  ```
";

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn archdraw(dir: &Path, args: &[&str], stdin: &str) -> Out {
    let mut c = Command::new(env!("CARGO_BIN_EXE_archdraw"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let o = c.wait_with_output().unwrap();
    Out {
        code: o.status.code(),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

/// A book folder: `src/chapter.md`, `src/net/network.md` with `src/net/ohio.toml`.
fn book(chapter: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    std::fs::create_dir_all(src.join("net")).unwrap();
    std::fs::write(
        src.join("SUMMARY.md"),
        "# Summary\n\n- [Chapter](chapter.md)\n  - [Network](net/network.md)\n",
    )
    .unwrap();
    std::fs::write(src.join("chapter.md"), chapter).unwrap();
    std::fs::write(src.join("net/network.md"), NESTED).unwrap();
    std::fs::write(src.join("net/ohio.toml"), NETWORK).unwrap();
    d
}

fn chapter_json(name: &str, path: &str, content: &str, subs: Vec<Value>) -> Value {
    json!({"Chapter": {
        "name": name, "content": content, "number": [1], "sub_items": subs,
        "path": path, "source_path": path, "parent_names": []
    }})
}

/// `[context, book]` as mdBook 0.5 sends it (`items`), or 0.4 (`sections`, `src`).
fn input(root: &Path, chapter: &str, v04: bool) -> (Value, String) {
    let nested = chapter_json("Network", "net/network.md", NESTED, vec![]);
    let items = json!([
        chapter_json("Chapter", "chapter.md", chapter, vec![nested]),
        "Separator",
        {"PartTitle": "Part"}
    ]);
    let mut ctx = json!({
        "root": root, "renderer": "html", "mdbook_version": "0.5.4",
        "config": {"book": {"title": "Test"}, "preprocessor": {"archdraw": {"command": "archdraw mdbook"}}}
    });
    let book = if v04 {
        ctx["config"]["book"]["src"] = json!("src");
        ctx["mdbook_version"] = json!("0.4.52");
        json!({"sections": items, "__non_exhaustive": null})
    } else {
        json!({"items": items})
    };
    let text = serde_json::to_string(&json!([ctx, book])).unwrap();
    (book, text)
}

#[test]
fn supports_html_only() {
    let d = tempfile::tempdir().unwrap();
    assert_eq!(
        archdraw(d.path(), &["mdbook", "supports", "html"], "").code,
        Some(0)
    );
    assert_eq!(
        archdraw(d.path(), &["mdbook", "supports", "latex"], "").code,
        Some(1)
    );
}

#[test]
fn the_protocol_replaces_archdraw_blocks_with_inline_svg() {
    for v04 in [false, true] {
        let d = book(CHAPTER);
        let (before, stdin) = input(d.path(), CHAPTER, v04);
        let out = archdraw(d.path(), &["mdbook"], &stdin);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert!(out.stderr.is_empty(), "{}", out.stderr);
        let after: Value = serde_json::from_str(&out.stdout).expect("the book as JSON");
        let list = if v04 { "sections" } else { "items" };
        let ch = &after[list][0]["Chapter"];
        let content = ch["content"].as_str().unwrap();
        // The block is replaced by an HTML block holding the SVG, ending at a blank line so
        // that the text after it stays markdown.
        assert!(!content.contains("[nodes.a]"), "{content}");
        assert!(
            content.contains("Some text.\n\n<div class=\"archdraw\">\n<svg "),
            "{content}"
        );
        assert!(
            content.contains("<title>Inline diagram</title>"),
            "{content}"
        );
        assert!(
            content.contains("</svg>\n</div>\n\nText right after the block."),
            "{content}"
        );
        let html: Vec<&str> = content
            .lines()
            .skip_while(|l| !l.starts_with("<div"))
            .take_while(|l| *l != "</div>")
            .collect();
        assert!(
            html.iter().all(|l| !l.trim().is_empty()),
            "no blank line inside the HTML block"
        );
        // Ids and classes are prefixed, the dark palette follows mdBook's dark themes.
        assert!(content.contains("<marker id=\"archdraw-"), "{content}");
        assert!(content.contains("html.coal .archdraw-"), "{content}");
        assert!(content.contains("style=\"max-width:100%;height:auto\""));
        // A block inside another code block is an example, left alone.
        assert!(
            content.contains("kind = \"this-is-only-an-example\""),
            "{content}"
        );
        // `file = …` is relative to the chapter's file; the block keeps the list's indent.
        let nested = ch["sub_items"][0]["Chapter"]["content"].as_str().unwrap();
        assert!(
            nested.contains("\n  <div class=\"archdraw\">\n  <svg "),
            "{nested}"
        );
        assert!(nested.contains("<title>Ohio network architecture</title>"));
        // Two diagrams, two id prefixes (mdBook's print page holds every chapter).
        let prefix = |s: &str| {
            let i = s.find("<marker id=\"").unwrap() + 12;
            s[i..i + 20].to_string()
        };
        assert_ne!(prefix(content), prefix(nested));
        // Everything else is as it was.
        let mut restored = after.clone();
        restored[list][0]["Chapter"]["content"] = json!(CHAPTER);
        restored[list][0]["Chapter"]["sub_items"][0]["Chapter"]["content"] = json!(NESTED);
        assert_eq!(restored, before);
        // And the same input gives the same bytes.
        assert_eq!(archdraw(d.path(), &["mdbook"], &stdin).stdout, out.stdout);
    }
}

/// `file:line:col` of every `… error:` line.
fn locations(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.split_once(": error:").map(|(loc, _)| loc.to_string()))
        .collect()
}

#[test]
fn errors_point_into_the_markdown_or_the_spec_file() {
    // An inline spec: the markdown file's line and column (the list's indent counted).
    let chapter = "# Chapter\n\n- item\n\n  ```archdraw\n  [nodes.a]\n  kind = \"ec3\"\n  ```\n";
    let d = book(chapter);
    std::fs::write(
        d.path().join("src/net/ohio.toml"),
        "[nodes.a]\nkind = \"ec2\"\nin = \"nowhere\"\n",
    )
    .unwrap();
    let (_, stdin) = input(d.path(), chapter, false);
    let out = archdraw(d.path(), &["mdbook"], &stdin);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "no book on failure");
    assert_eq!(
        locations(&out.stderr),
        ["src/chapter.md:7:10", "src/net/ohio.toml:3:6"],
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("7 |   kind = \"ec3\""),
        "the markdown line is shown: {}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean"), "{}", out.stderr);
    assert!(
        out.stderr.contains("2 diagrams with errors"),
        "{}",
        out.stderr
    );

    // A missing file: at the `file` value in the markdown.
    std::fs::remove_file(d.path().join("src/net/ohio.toml")).unwrap();
    let (_, stdin) = input(d.path(), "# ok\n", false);
    let out = archdraw(d.path(), &["mdbook"], &stdin);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        locations(&out.stderr)[0],
        "src/net/network.md:6:10",
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("cannot read src/net/ohio.toml"),
        "{}",
        out.stderr
    );

    // An unclosed block.
    let (_, stdin) = input(d.path(), "# C\n\n```archdraw\n[nodes.a]\n", false);
    std::fs::write(d.path().join("src/net/ohio.toml"), NETWORK).unwrap();
    let out = archdraw(d.path(), &["mdbook"], &stdin);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("src/chapter.md:3:1: error: this ```archdraw block is not closed"),
        "{}",
        out.stderr
    );

    // Not mdBook's JSON.
    let out = archdraw(d.path(), &["mdbook"], "{}");
    assert_eq!(out.code, Some(2));
}

#[test]
fn the_theme_comes_from_book_toml() {
    let d = book("# C\n\n```archdraw\n[nodes.a]\nkind = \"ec2\"\n```\n");
    let (_, stdin) = input(
        d.path(),
        "# C\n\n```archdraw\n[nodes.a]\nkind = \"ec2\"\n```\n",
        false,
    );
    let mut v: Value = serde_json::from_str(&stdin).unwrap();
    v[0]["config"]["preprocessor"]["archdraw"]["theme"] = json!("dark");
    let out = archdraw(d.path(), &["mdbook"], &v.to_string());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let book: Value = serde_json::from_str(&out.stdout).unwrap();
    let content = book["items"][0]["Chapter"]["content"].as_str().unwrap();
    // Dark only: no second palette (no colour classes), only the font's style.
    assert!(content.contains("fill=\"#141B24\"") && !content.contains("html.coal"));
    assert!(content.contains("@font-face"));
    v[0]["config"]["preprocessor"]["archdraw"]["theme"] = json!("dusk");
    let out = archdraw(d.path(), &["mdbook"], &v.to_string());
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("unknown theme `dusk`"),
        "{}",
        out.stderr
    );
}

fn find_mdbook() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|d| d.join("mdbook"))
        .find(|p| p.is_file())
}

/// `mdbook build` with the real binary: the chapter's HTML holds the diagram, and a broken
/// spec fails the build with its place in the markdown file.
#[test]
fn a_real_mdbook_build() {
    let Some(mdbook) = find_mdbook() else {
        if std::env::var("ARCHDRAW_MDBOOK_TEST").as_deref() == Ok("1") {
            panic!("ARCHDRAW_MDBOOK_TEST=1 asks for the mdbook test, but there is no mdbook (cargo install mdbook --locked)");
        }
        eprintln!("skipped: no mdbook on PATH (cargo install mdbook --locked)");
        return;
    };
    let d = book(CHAPTER);
    let bin = env!("CARGO_BIN_EXE_archdraw");
    std::fs::write(
        d.path().join("book.toml"),
        format!(
            "[book]\ntitle = \"Test\"\n\n[preprocessor.archdraw]\ncommand = \"{bin} mdbook\"\n"
        ),
    )
    .unwrap();
    let build = |d: &Path| {
        Command::new(&mdbook)
            .arg("build")
            .current_dir(d)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let o = build(d.path());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "mdbook build failed:\n{err}");
    let html = std::fs::read_to_string(d.path().join("book/chapter.html")).unwrap();
    assert!(
        html.contains("<div class=\"archdraw\">"),
        "chapter.html has the diagram"
    );
    assert!(html.contains("<title>Inline diagram</title>"));
    assert!(
        html.contains("<p>Text right after the block.</p>"),
        "markdown after the block"
    );
    assert!(
        html.contains("this-is-only-an-example"),
        "the example block is kept as code"
    );
    let nested = std::fs::read_to_string(d.path().join("book/net/network.html")).unwrap();
    assert!(nested.contains("<title>Ohio network architecture</title>"));
    let print = std::fs::read_to_string(d.path().join("book/print.html")).unwrap();
    assert_eq!(print.matches("<div class=\"archdraw\">").count(), 2);

    // A broken spec fails the build, pointing into the markdown file.
    std::fs::write(
        d.path().join("src/chapter.md"),
        CHAPTER.replace("kind = \"s3\"", "kind = \"s4\""),
    )
    .unwrap();
    let o = build(d.path());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!o.status.success(), "the build fails");
    let line = CHAPTER.lines().position(|l| l == "kind = \"s3\"").unwrap() + 1;
    assert!(
        err.contains(&format!(
            "src/chapter.md:{line}:8: error: unknown kind `s4`"
        )),
        "{err}"
    );
}

#[test]
fn a_file_block_can_name_a_view_of_the_file() {
    let ohio = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/ohio.toml"));
    for (view, title, ok) in [
        ("geo", "US East (Ohio) availability zones", true),
        ("network", "Ohio network architecture", true),
        ("nope", "", false),
    ] {
        let chapter =
            format!("# Views\n\n```archdraw\nfile = \"net/ohio.toml\"\nview = \"{view}\"\n```\n");
        let d = book(&chapter);
        std::fs::write(d.path().join("src/net/ohio.toml"), ohio).unwrap();
        let (_, stdin) = input(d.path(), &chapter, false);
        let out = archdraw(d.path(), &["mdbook"], &stdin);
        if !ok {
            assert_eq!(out.code, Some(1), "{}", out.stderr);
            // Reported at the block's `view`, with the file's views.
            assert!(out.stderr.contains("src/chapter.md:5:"), "{}", out.stderr);
            assert!(
                out.stderr.contains("no view `nope`") && out.stderr.contains("geo"),
                "{}",
                out.stderr
            );
            continue;
        }
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let after: Value = serde_json::from_str(&out.stdout).unwrap();
        let content = after["items"][0]["Chapter"]["content"].as_str().unwrap();
        assert!(
            content.contains(&format!("<title>{title}</title>")),
            "{view}: {content}"
        );
    }
}

#[test]
fn an_inline_spec_with_views_shows_every_view() {
    let chapter = "# Views\n\n```archdraw\n[views.one]\ntitle = \"First\"\n\n[views.two]\ntitle = \"Second\"\nhide = [\"b\"]\n\n[nodes.a]\nkind = \"ec2\"\n\n[nodes.b]\nkind = \"s3\"\n```\n\nAfter.\n";
    let d = book(chapter);
    let (_, stdin) = input(d.path(), chapter, false);
    let out = archdraw(d.path(), &["mdbook"], &stdin);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let after: Value = serde_json::from_str(&out.stdout).unwrap();
    let content = after["items"][0]["Chapter"]["content"].as_str().unwrap();
    assert_eq!(
        content.matches("<div class=\"archdraw\">").count(),
        2,
        "{content}"
    );
    let (first, second) = (
        content.find("<title>First</title>"),
        content.find("<title>Second</title>"),
    );
    assert!(
        first.is_some() && second.is_some() && first < second,
        "{content}"
    );
    // Each its own ids, and the markdown after the block stays markdown.
    let ids: Vec<&str> = content
        .match_indices("<marker id=\"")
        .map(|(i, _)| &content[i + 12..i + 40])
        .collect();
    assert!(ids.len() >= 2 && ids[0] != ids[ids.len() - 1], "{ids:?}");
    assert!(
        content.trim_end().ends_with("</svg>\n</div>\n\n\nAfter."),
        "{content}"
    );
}

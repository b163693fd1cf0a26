//! Shell completions and man pages, generated from the command line's own definition.

use std::path::Path;
use std::process::Command;

const SUBCOMMANDS: &[&str] = &[
    "render",
    "check",
    "watch",
    "serve",
    "kinds",
    "schema",
    "completions",
    "man",
    "mdbook",
];

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_archdraw"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn completions_for_every_shell_know_the_commands_and_flags() {
    let d = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, out, err) = run(d.path(), &["completions", shell]);
        assert_eq!(code, Some(0), "{shell}: {err}");
        for word in SUBCOMMANDS
            .iter()
            .chain(&["out-dir", "check", "theme", "jobs", "no-config"])
        {
            assert!(out.contains(word), "{shell} completion mentions {word}");
        }
    }
    let (code, _, err) = run(d.path(), &["completions", "tcsh"]);
    assert_eq!(code, Some(2), "{err}");
    // The bash script is valid bash.
    let (_, script, _) = run(d.path(), &["completions", "bash"]);
    let f = d.path().join("archdraw.bash");
    std::fs::write(&f, script).unwrap();
    if let Ok(o) = Command::new("bash").arg("-n").arg(&f).output() {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn the_man_page_documents_every_command() {
    let d = tempfile::tempdir().unwrap();
    let (code, page, err) = run(d.path(), &["man"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "roff: {}",
        &page[..80]
    );
    assert!(page.contains(".TH archdraw 1"), "{page}");
    for c in SUBCOMMANDS {
        assert!(page.contains(c), "the man page mentions {c}");
    }
    // One page per command into a folder.
    let (code, _, err) = run(d.path(), &["man", "--out-dir", "man/man1"]);
    assert_eq!(code, Some(0), "{err}");
    let mut files: Vec<String> = std::fs::read_dir(d.path().join("man/man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for c in SUBCOMMANDS {
        assert!(files.contains(&format!("archdraw-{c}.1")), "{files:?}");
    }
    assert!(files.contains(&"archdraw.1".to_string()));
    let render = std::fs::read_to_string(d.path().join("man/man1/archdraw-render.1")).unwrap();
    for flag in ["out\\-dir", "check", "theme", "jobs", "config"] {
        assert!(
            render.contains(flag),
            "archdraw-render.1 documents --{flag}"
        );
    }
}

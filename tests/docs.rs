//! docs/ci.md's pre-commit hook, run as git runs it in a scratch repository: a commit whose
//! diagrams are stale is refused, one whose diagrams are fresh goes through. (The command lines
//! of the docs are parsed against the CLI definition by a unit test in src/main.rs.)

use std::path::Path;
use std::process::Command;

const CI_MD: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ci.md"));
const NETWORK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/specs/ohio-network.toml"
));

/// The first fenced block of `md` whose first line is `first`.
fn block_starting(md: &str, first: &str) -> String {
    let mut lines = md.lines();
    while let Some(l) = lines.next() {
        if l.starts_with("```") {
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            if body.first() == Some(&first) {
                return body.join("\n") + "\n";
            }
        }
    }
    panic!("no block starting with {first}");
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_archdraw")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=.git/hooks",
        ])
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("run git")
}

#[test]
fn the_pre_commit_hook_of_ci_md_refuses_stale_diagrams() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: no git");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    assert!(git(dir, &["init", "-q"]).status.success());
    let hook = dir.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, block_starting(CI_MD, "#!/bin/sh")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let archdraw = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_archdraw"))
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    std::fs::create_dir_all(dir.join("docs/net")).unwrap();
    std::fs::write(dir.join("docs/net/ohio.toml"), NETWORK).unwrap();

    // The spec without its diagram: refused, and the hook says what to do.
    git(dir, &["add", "-A"]);
    let o = git(dir, &["commit", "-q", "-m", "spec only"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "a commit without the diagram is refused"
    );
    assert!(err.contains("docs/net/ohio.svg is missing"), "{err}");
    assert!(err.contains("run 'archdraw render docs'"), "{err}");

    // Rendered: the commit goes through.
    archdraw(&["render", "docs"]);
    git(dir, &["add", "-A"]);
    let o = git(dir, &["commit", "-q", "-m", "spec and diagram"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The spec edited, the diagram not: refused again.
    std::fs::write(
        dir.join("docs/net/ohio.toml"),
        NETWORK.replacen("Ohio network architecture", "Ohio, edited", 1),
    )
    .unwrap();
    git(dir, &["add", "-A"]);
    let o = git(dir, &["commit", "-q", "-m", "stale"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "a commit with a stale diagram is refused"
    );
    assert!(err.contains("docs/net/ohio.svg is out of date"), "{err}");
}

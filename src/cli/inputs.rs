//! The specs named on the command line: files, folders searched for specs, and quoted globs.
//!
//! - A file is a spec, whatever its name.
//! - A folder is searched recursively, in sorted order, for files that look like specs
//!   ([`looks_like_spec`]). Hidden folders and files (`.git`, `.cache`…), `target` and
//!   `node_modules` are skipped, and symbolic links to folders are not followed.
//! - An argument that does not exist and holds `*`, `?` or `[` is a glob (for shells that
//!   did not expand it, or when quoted: `'docs/**/*.toml'`); its matches are taken in sorted
//!   order, files that look like specs and folders searched as above.
//!
//! With `--out-dir`, the outputs of a spec found in a folder keep the spec's place below that
//! folder (below the fixed part of a glob, `docs` for `docs/**/*.toml`); the outputs of a
//! spec named as a file go straight into the out dir.

use archdraw::spec::TOP_KEYS;
use std::path::{Path, PathBuf};

/// One spec to work on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    /// The spec, as found: used in messages and for outputs beside it.
    pub path: PathBuf,
    /// The spec's folder relative to where it was found: its outputs' folder below `--out-dir`.
    pub rel_dir: PathBuf,
}

impl Input {
    pub(crate) fn file(path: &Path) -> Input {
        Input {
            path: path.to_path_buf(),
            rel_dir: PathBuf::new(),
        }
    }
}

/// The specs of the arguments, and the arguments that gave none (a glob that matches nothing,
/// a folder without specs). `searched` is true when a folder or glob was searched.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub inputs: Vec<Input>,
    pub problems: Vec<(PathBuf, String)>,
    pub searched: bool,
}

/// Folders never searched.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// Files never taken as specs when searching (they are configuration files).
const NOT_SPECS: &[&str] = &["archdraw.toml", "Cargo.toml", "pyproject.toml", "book.toml"];

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// `dir/name`, without a leading `./` for the current folder.
fn child(dir: &Path, name: &std::ffi::OsStr) -> PathBuf {
    if dir == Path::new(".") || dir.as_os_str().is_empty() {
        PathBuf::from(name)
    } else {
        dir.join(name)
    }
}

/// Whether a `.toml` file found by searching is an archdraw spec: not a known configuration
/// file (`archdraw.toml`, `Cargo.toml`, `pyproject.toml`, `book.toml`), and holding a table of
/// the spec language: a line that starts a table `[diagram]`, `[cloud]`, `[regions.…]`,
/// `[vpcs.…]`, `[subnets.…]`, `[gateways.…]`, `[load_balancers.…]`, `[route_tables.…]`,
/// `[nodes.…]`, `[groups.…]` or `[[links]]`, or a top-level key `diagram.…`, `nodes = …`….
/// The test is on lines, not on parsed TOML, so a spec with a syntax error is still found
/// (and reported).
pub(crate) fn looks_like_spec(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let Some(name) = name else { return false };
    if !name.ends_with(".toml") || name.starts_with('.') || NOT_SPECS.contains(&name.as_str()) {
        return false;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let text = String::from_utf8_lossy(&bytes);
    text.lines().any(starts_spec_table)
}

fn starts_spec_table(line: &str) -> bool {
    let l = line.trim_start().trim_start_matches('\u{feff}');
    let rest = l.trim_start_matches('[').trim_start();
    let rest = rest.strip_prefix('"').unwrap_or(rest);
    TOP_KEYS.iter().any(|k| {
        rest.strip_prefix(k).is_some_and(|after| {
            let after = after.strip_prefix('"').unwrap_or(after).trim_start();
            if l.starts_with('[') {
                after.starts_with(['.', ']'])
            } else {
                after.starts_with(['.', '='])
            }
        })
    })
}

/// Finds the specs of the command line's arguments, in order, each once.
pub(crate) fn expand(args: &[PathBuf]) -> Found {
    let mut found = Found::default();
    for arg in args {
        let before = found.inputs.len();
        let text = arg.to_string_lossy();
        if arg.is_dir() {
            found.searched = true;
            walk(arg, arg, &mut found.inputs);
            if found.inputs.len() == before {
                found
                    .problems
                    .push((arg.clone(), format!("no specs found in {}", arg.display())));
            }
        } else if !arg.exists() && is_glob(&text) {
            found.searched = true;
            let root = glob_root(arg);
            let opts = glob::MatchOptions {
                require_literal_leading_dot: true,
                ..Default::default()
            };
            match glob::glob_with(&text, opts) {
                Ok(paths) => {
                    // Below the fixed part, the folders a search skips are skipped here too.
                    let mut matches: Vec<PathBuf> = paths
                        .filter_map(Result::ok)
                        .filter(|m| {
                            let below = m.strip_prefix(&root).unwrap_or(m);
                            let mut dirs = below.ancestors().skip(1);
                            !dirs.any(|a| !a.as_os_str().is_empty() && is_skipped_dir(a))
                        })
                        .collect();
                    matches.sort();
                    for m in matches {
                        if m.is_dir() {
                            if !is_skipped_dir(&m) {
                                walk(&root, &m, &mut found.inputs);
                            }
                        } else if looks_like_spec(&m) {
                            found.inputs.push(input_under(&root, &m));
                        }
                    }
                    if found.inputs.len() == before {
                        found
                            .problems
                            .push((arg.clone(), format!("no spec matches `{text}`")));
                    }
                }
                Err(e) => found
                    .problems
                    .push((arg.clone(), format!("bad glob `{text}`: {e}"))),
            }
        } else {
            // A file, or a path that does not exist: reading it reports the problem.
            found.inputs.push(Input::file(arg));
        }
    }
    // Each spec once, at its first place.
    let mut seen = std::collections::HashSet::new();
    found
        .inputs
        .retain(|i| seen.insert(crate::normalise(&i.path)));
    found
}

/// The fixed folder a glob starts from: its components before the first with a wildcard.
fn glob_root(pattern: &Path) -> PathBuf {
    let mut root = PathBuf::new();
    for c in pattern.components() {
        if is_glob(&c.as_os_str().to_string_lossy()) {
            break;
        }
        root.push(c);
    }
    if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    }
}

fn input_under(root: &Path, path: &Path) -> Input {
    let dir = path.parent().unwrap_or(Path::new(""));
    let rel_dir = dir
        .strip_prefix(root)
        .or_else(|_| dir.strip_prefix(root.strip_prefix(".").unwrap_or(root)))
        .map(Path::to_path_buf)
        .unwrap_or_default();
    Input {
        path: path.to_path_buf(),
        rel_dir,
    }
}

fn is_skipped_dir(dir: &Path) -> bool {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (name.starts_with('.') && name != "." && name != "..") || SKIPPED_DIRS.contains(&name.as_str())
}

/// Adds the specs below `dir` in sorted order (files and folders by name, depth first).
fn walk(root: &Path, dir: &Path, out: &mut Vec<Input>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::ffi::OsString, std::fs::FileType)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name(), e.file_type().ok()?)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, ty) in entries {
        let path = child(dir, &name);
        if ty.is_dir() {
            if !is_skipped_dir(&path) {
                walk(root, &path, out);
            }
        } else if (ty.is_file() || (ty.is_symlink() && path.is_file())) && looks_like_spec(&path) {
            out.push(input_under(root, &path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_tables_are_recognised_by_their_headers() {
        for yes in [
            "[diagram]",
            "  [regions.ohio]",
            "[[links]]",
            "[ nodes . a ]",
            "[\"vpcs\".main]",
            "nodes.a.kind = \"ec2\"",
            "diagram = { title = \"x\" }",
        ] {
            assert!(starts_spec_table(yes), "{yes}");
        }
        for no in [
            "[package]",
            "[dependencies]",
            "[diagrams]",
            "[tool.archdraw]",
            "linksx = 1",
            "# [nodes.a]",
            "title = \"x\"",
        ] {
            assert!(!starts_spec_table(no), "{no}");
        }
    }

    #[test]
    fn glob_roots_are_the_fixed_part() {
        assert_eq!(
            glob_root(Path::new("docs/**/*.toml")),
            PathBuf::from("docs")
        );
        assert_eq!(glob_root(Path::new("*.toml")), PathBuf::from("."));
        assert_eq!(glob_root(Path::new("a/b/x?.toml")), PathBuf::from("a/b"));
    }
}

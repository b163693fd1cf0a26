//! `archdraw.toml`: a project's defaults for `render`, `check`, `watch`, `serve` and `mdbook`.
//!
//! Found by walking up from the working directory (the first `archdraw.toml` in it or in one
//! of its parents), or named with `--config PATH`; `--no-config` ignores it. Command-line flags
//! override it. Paths in it are relative to the folder that holds it.
//!
//! ```toml
//! format = ["svg", "png"]     # or "svg,png"
//! out_dir = "docs/diagrams"   # default: beside each spec
//! theme = "auto"              # light | dark | auto; for specs without [diagram] theme
//! scale = 2                   # PNG pixels per diagram px
//! aws_icons = "vendor/aws-icons"
//! svg_font = "embed"          # embed (the glyphs used) | system (the font's name only)
//! ```

use crate::Printer;
use archdraw::catalog::suggest_from;
use archdraw::diag::{Diagnostic, SourceFile, Span};
use archdraw::spec::Theme;
use archdraw::Format;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// The file name looked for.
pub(crate) const FILE_NAME: &str = "archdraw.toml";

/// The keys of `archdraw.toml`.
pub(crate) const KEYS: &[&str] = &[
    "format",
    "out_dir",
    "theme",
    "scale",
    "aws_icons",
    "svg_font",
];

/// A project's settings, paths resolved against the config's folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Config {
    /// Where it was read from.
    pub path: PathBuf,
    pub format: Option<Vec<Format>>,
    pub out_dir: Option<PathBuf>,
    pub theme: Option<Theme>,
    pub scale: Option<f32>,
    pub aws_icons: Option<PathBuf>,
    pub svg_font: Option<archdraw::render::svg::SvgFont>,
}

/// The config that applies: the one named, else the first `archdraw.toml` found walking up
/// from the working directory. Problems are printed; `Err` means exit 2.
pub(crate) fn load(
    explicit: Option<&Path>,
    disabled: bool,
    p: &Printer,
) -> Result<Option<Config>, ()> {
    if disabled {
        return Ok(None);
    }
    let (path, base) = match explicit {
        Some(path) => {
            let base = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::new(),
            };
            (path.to_path_buf(), base)
        }
        None => match find() {
            Some(found) => found,
            None => return Ok(None),
        },
    };
    let bytes = std::fs::read(&path).map_err(|e| {
        p.error(Some(&path), &format!("cannot read {}: {e}", path.display()));
    })?;
    let src = SourceFile::from_bytes(path.display().to_string(), &bytes).map_err(|e| {
        let (src, d) = *e;
        p.diagnostics(&src, &[d]);
    })?;
    let (cfg, diags) = parse(&src.text, &base);
    if !diags.is_empty() {
        p.diagnostics(&src, &diags);
        return Err(());
    }
    Ok(Some(Config { path, ..cfg }))
}

/// The first `archdraw.toml` in the working directory or a parent: its path, and its folder
/// as a path relative to the working directory (`""`, `..`, `../..`).
fn find() -> Option<(PathBuf, PathBuf)> {
    let cwd = std::env::current_dir().ok()?;
    let mut rel = PathBuf::new();
    for dir in cwd.ancestors() {
        if dir.join(FILE_NAME).is_file() {
            return Some((rel.join(FILE_NAME), rel));
        }
        rel.push("..");
    }
    None
}

use archdraw::spec::type_name;

fn join(base: &Path, rel: &str) -> PathBuf {
    let rel = Path::new(rel);
    if rel.is_absolute() || base.as_os_str().is_empty() {
        rel.to_path_buf()
    } else {
        base.join(rel)
    }
}

/// Reads a config's text; relative paths are joined to `base`. Every problem is reported.
pub(crate) fn parse(text: &str, base: &Path) -> (Config, Vec<Diagnostic>) {
    let mut cfg = Config::default();
    let mut diags = Vec::new();
    let root = match DeTable::parse(text) {
        Ok(t) => t.into_inner(),
        Err(e) => {
            let msg = e.message().trim().lines().next().unwrap_or("invalid TOML");
            diags.push(Diagnostic::error(
                e.span().map(Span::from),
                format!("TOML syntax: {msg}"),
            ));
            return (cfg, diags);
        }
    };
    for (key, value) in root.iter() {
        let name: &str = key.get_ref();
        let span = Span::from(value.span());
        let wrong = |want: &str| {
            Diagnostic::error(
                span,
                format!(
                    "`{name}` must be {want}, found {}",
                    type_name(value.get_ref())
                ),
            )
        };
        match (name, value.get_ref()) {
            ("format", DeValue::String(s)) => match crate::parse_formats(s) {
                Ok(f) => cfg.format = Some(f.0),
                Err(e) => diags.push(Diagnostic::error(span, e)),
            },
            ("format", DeValue::Array(items)) => {
                let mut formats = Vec::new();
                for item in items.iter() {
                    let s = match item.get_ref() {
                        DeValue::String(s) => s,
                        other => {
                            diags.push(Diagnostic::error(
                                Span::from(item.span()),
                                format!("a format must be a string, found {}", type_name(other)),
                            ));
                            continue;
                        }
                    };
                    match Format::parse(s) {
                        Some(f) if !formats.contains(&f) => formats.push(f),
                        Some(_) => {}
                        None => diags.push(
                            Diagnostic::error(
                                Span::from(item.span()),
                                format!("unknown format `{s}`"),
                            )
                            .with_hint("use svg, png, json, drawio or pdf"),
                        ),
                    }
                }
                if formats.is_empty() && diags.is_empty() {
                    diags.push(Diagnostic::error(
                        span,
                        "no format given (use svg, png, json, drawio or pdf)",
                    ));
                }
                cfg.format = Some(formats);
            }
            ("format", _) => diags.push(
                wrong("a string or an array of strings").with_hint("format = [\"svg\", \"png\"]"),
            ),
            ("out_dir", DeValue::String(s)) => cfg.out_dir = Some(join(base, s)),
            ("aws_icons", DeValue::String(s)) => cfg.aws_icons = Some(join(base, s)),
            ("out_dir" | "aws_icons", _) => {
                diags.push(wrong("a string").with_hint("put the path in double quotes"))
            }
            ("theme", DeValue::String(s)) => match Theme::parse(s) {
                Some(t) => cfg.theme = Some(t),
                None => {
                    let names = archdraw::spec::names(archdraw::spec::THEMES);
                    diags.push(
                        Diagnostic::error(span, format!("unknown theme `{s}`"))
                            .did_you_mean(&suggest_from(s, names.iter().copied()))
                            .or_hint(format!("theme is one of: {}", names.join(", "))),
                    )
                }
            },
            ("theme", _) => diags.push(wrong("a string").with_hint("theme = \"dark\"")),
            ("svg_font", DeValue::String(s)) => match archdraw::render::svg::SvgFont::parse(s) {
                Some(f) => cfg.svg_font = Some(f),
                None => diags.push(
                    Diagnostic::error(span, format!("unknown SVG font `{s}`"))
                        .with_hint("svg_font is embed or system"),
                ),
            },
            ("svg_font", _) => diags.push(wrong("a string").with_hint("svg_font = \"system\"")),
            ("scale", DeValue::Integer(_) | DeValue::Float(_)) => {
                let raw = match value.get_ref() {
                    DeValue::Integer(i) => i.as_str().replace('_', ""),
                    DeValue::Float(f) => f.as_str().replace('_', ""),
                    _ => String::new(),
                };
                match crate::parse_scale(&raw) {
                    Ok(s) => cfg.scale = Some(s),
                    Err(e) => diags.push(Diagnostic::error(span, e)),
                }
            }
            ("scale", _) => diags.push(wrong("a number").with_hint("scale = 2")),
            _ => {
                diags.push(
                    Diagnostic::error(
                        Span::from(key.span()),
                        format!("unknown key `{name}` in {FILE_NAME}"),
                    )
                    .did_you_mean(&suggest_from(name, KEYS.iter().copied()))
                    .or_hint(format!("the keys of {FILE_NAME} are: {}", KEYS.join(", "))),
                );
            }
        }
    }
    (cfg, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_with_paths_relative_to_the_config() {
        let text = "format = \"svg,png\"\nout_dir = \"build\"\ntheme = \"dark\"\nscale = 2\naws_icons = \"icons\"\nsvg_font = \"system\"\n";
        let (c, d) = parse(text, Path::new("proj"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.svg_font, Some(archdraw::render::svg::SvgFont::System));
        let (_, d) = parse("svg_font = \"sytem\"\n", Path::new("proj"));
        assert!(d[0].message.contains("unknown SVG font"), "{d:?}");
        assert_eq!(c.format, Some(vec![Format::Svg, Format::Png]));
        assert_eq!(c.out_dir, Some(PathBuf::from("proj/build")));
        assert_eq!(c.aws_icons, Some(PathBuf::from("proj/icons")));
        assert_eq!(c.theme, Some(Theme::Dark));
        assert_eq!(c.scale, Some(2.0));
        let (c, d) = parse("format = [\"png\", \"json\"]\nscale = 1.5\n", Path::new(""));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.format, Some(vec![Format::Png, Format::Json]));
        assert_eq!(c.scale, Some(1.5));
    }

    #[test]
    fn reports_every_mistake_with_its_place() {
        let text = "formats = [\"svg\"]\ntheme = \"drak\"\nscale = 100\nout_dir = 3\n";
        let (_, d) = parse(text, Path::new(""));
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(d.len(), 4, "{msgs:?}");
        assert!(msgs[0].contains("unknown key `formats`"), "{msgs:?}");
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `format`?"));
        assert!(msgs[1].contains("unknown theme `drak`"), "{msgs:?}");
        assert!(msgs[2].contains("scale"), "{msgs:?}");
        assert!(msgs[3].contains("`out_dir` must be a string"), "{msgs:?}");
        assert!(d.iter().all(|d| d.span.is_some()));
    }
}

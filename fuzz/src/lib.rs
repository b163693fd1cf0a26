//! Shared code of the archdraw fuzz targets.
//!
//! - [`exercise`]: runs one spec text through the whole pipeline (check, compile, diagnostic
//!   printing, SVG, JSON, PNG for small canvases, the quality checker) and asserts the
//!   invariants that must hold for *any* input. Any panic is a finding.
//! - [`gen`]: the structure-aware spec generator used by the `structured` target.

pub mod gen;

use archdraw::diag::{self, Diagnostic, SourceFile, Span};
use archdraw::Format;

/// PNG is rendered only below this many canvas pixels (at scale 1), to keep executions fast.
pub const PNG_MAX_PIXELS: f64 = 4e6;

fn check_span(text: &str, span: Span, what: &str, d: &Diagnostic) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} out of range (input is {} bytes): {d:?}",
        text.len()
    );
}

/// Every diagnostic's spans lie inside the input, start <= end; printing it does not panic.
fn check_diagnostics(text: &str, diags: &[Diagnostic]) {
    let src = SourceFile::new("fuzz.toml", text);
    for d in diags {
        if let Some(s) = d.span {
            check_span(text, s, "diagnostic", d);
        }
        if let Some((s, _)) = &d.related {
            check_span(text, *s, "related", d);
        }
        // What the CLI prints, in both forms.
        let _ = src.render(d, false);
        let _ = src.to_json(d);
    }
}

/// What to do with layout defects found by `quality::check` (they are not crashes).
/// `ARCHDRAW_FUZZ_DEFECTS=panic` makes them findings, `=print` prints them.
fn defect_mode() -> &'static str {
    static MODE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MODE.get_or_init(|| std::env::var("ARCHDRAW_FUZZ_DEFECTS").unwrap_or_default())
}

/// Known findings to step over while hunting for others: `ARCHDRAW_FUZZ_KNOWN` is a
/// `|`-separated list of substrings; a `quality::check` error containing one of them is not
/// reported. (Panics inside archdraw cannot be filtered this way.)
fn known(message: &str) -> bool {
    static KNOWN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KNOWN
        .get_or_init(|| {
            std::env::var("ARCHDRAW_FUZZ_KNOWN")
                .unwrap_or_default()
                .split('|')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .iter()
        .any(|k| message.contains(k.as_str()))
}

/// Runs `text` through the whole pipeline and asserts the invariants. Returns whether it
/// compiled.
pub fn exercise(text: &str) -> bool {
    let checked = archdraw::check(text);
    check_diagnostics(text, &checked);
    let compiled = archdraw::compile(text);
    match compiled {
        Err(diags) => {
            assert!(
                diag::has_errors(&diags),
                "compile failed without an error diagnostic: {diags:?}"
            );
            assert!(
                diag::has_errors(&checked),
                "compile failed but check found no error"
            );
            check_diagnostics(text, &diags);
            false
        }
        Ok(diagram) => {
            assert!(
                !diag::has_errors(&checked),
                "check found errors but compile succeeded: {checked:?}"
            );
            assert!(
                !diag::has_errors(&diagram.warnings),
                "compile succeeded with errors among its warnings"
            );
            check_diagnostics(text, &diagram.warnings);

            let (w, h) = (diagram.scene.width, diagram.scene.height);
            assert!(
                w.is_finite() && h.is_finite() && w >= 0.0 && h >= 0.0,
                "canvas size {w}x{h}"
            );

            let svg = diagram.render(Format::Svg, 1.0).expect("SVG never fails");
            assert!(std::str::from_utf8(&svg).is_ok(), "SVG is not UTF-8");

            let json = diagram.render(Format::Json, 1.0).expect("JSON never fails");
            let value: serde_json::Value =
                serde_json::from_slice(&json).expect("the JSON export parses");
            match archdraw::quality::check(&value) {
                Err(e) if known(&e) => {}
                Err(e) => panic!("quality::check rejects our own JSON export: {e}"),
                Ok(report) => match defect_mode() {
                    "panic" if !report.defects.is_empty() => {
                        panic!("layout defects: {:#?}", report.defects)
                    }
                    "print" => {
                        for d in &report.defects {
                            eprintln!("defect: {d}");
                        }
                    }
                    _ => {}
                },
            }

            if (w as f64) * (h as f64) < PNG_MAX_PIXELS {
                // "PNG can fail only on its pixel budget": a Render error is a finding.
                match diagram.render(Format::Png, 1.0) {
                    Ok(png) => assert!(png.starts_with(b"\x89PNG"), "PNG signature"),
                    Err(archdraw::render::png::PngError::TooLarge { .. }) => {}
                    Err(e) => panic!("PNG of a {w}x{h} canvas failed: {e}"),
                }
            }
            true
        }
    }
}

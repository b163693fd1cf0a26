//! Stage 7, `render`: [`Scene`](crate::scene::Scene) → bytes, one backend per format.
//!
//! `svg` and `png` read only the scene; `json` exports the layout geometry in the format of
//! the quality checks (quality.md); `drawio` writes a diagrams.net file from the model,
//! layout and routes (it needs ids, parents and kinds, like `json`); `pdf` draws the
//! scene's SVG on one vector page.

pub mod drawio;
mod drawio_shapes;
pub mod font;
pub mod json;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod png;
mod png_encode;
pub mod svg;

/// Why an output could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// The image would exceed the pixel budget.
    TooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    /// resvg or the PDF writer failed (should not happen for scenes we build).
    Render(String),
    /// This build leaves the format out (a cargo feature).
    Unsupported(&'static str),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::TooLarge {
                width,
                height,
                max_pixels,
            } => write!(
                f,
                "a PNG of {width}×{height} px exceeds the limit of {max_pixels} pixels; lower --scale or raise it with --limit png-pixels=N"
            ),
            RenderError::Render(e) => write!(f, "rendering failed: {e}"),
            RenderError::Unsupported(what) => write!(f, "{what}"),
        }
    }
}

/// A coordinate printed with at most two decimals and no trailing zeros, so output is
/// byte-identical run to run; formats straight into its destination (no string of its own:
/// an SVG prints thousands).
pub fn num(v: f32) -> Num {
    Num(v)
}

/// See [`num`].
#[derive(Clone, Copy)]
pub struct Num(f32);

impl std::fmt::Display for Num {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = (self.0 as f64 * 100.0).round();
        if !r.is_finite() || r.abs() >= 1e15 {
            let s = format!("{:.2}", r / 100.0);
            return out.write_str(s.trim_end_matches('0').trim_end_matches('.'));
        }
        // In hundredths, with integers (formatting floats to two places took a tenth of a
        // big SVG's time).
        let n = r as i64;
        let (whole, frac) = (n.unsigned_abs() / 100, n.unsigned_abs() % 100);
        let sign = if n < 0 { "-" } else { "" };
        match frac {
            0 => write!(out, "{sign}{whole}"),
            f if f % 10 == 0 => write!(out, "{sign}{whole}.{}", f / 10),
            f => write!(out, "{sign}{whole}.{f:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    fn num_string(v: f32) -> String {
        super::num(v).to_string()
    }

    #[test]
    fn num_is_short_and_stable() {
        assert_eq!(num_string(1.0), "1");
        assert_eq!(num_string(0.1 + 0.2), "0.3");
        assert_eq!(num_string(-0.0), "0");
        assert_eq!(num_string(12.345), "12.35");
        assert_eq!(num_string(-3.5), "-3.5");
        assert_eq!(num_string(-0.004), "0");
        assert_eq!(num_string(7.05), "7.05");
        assert_eq!(num_string(100.0), "100");
        assert_eq!(num_string(f32::INFINITY), "inf");
    }
}

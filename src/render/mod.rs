//! Stage 7, `render`: [`Scene`](crate::scene::Scene) → bytes, one backend per format.
//!
//! `svg` and `png` read only the scene; `json` exports the layout geometry in the format of
//! the quality checks (quality.md).

pub mod json;
pub mod png;
pub mod svg;

/// Prints a coordinate with at most two decimals and no trailing zeros, so output is
/// byte-identical run to run.
pub fn num(v: f32) -> String {
    let r = (v as f64 * 100.0).round();
    if !r.is_finite() || r.abs() >= 1e15 {
        let r = r / 100.0;
        let s = format!("{r:.2}");
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    // In hundredths, with integers (formatting floats to two places took a tenth of a big
    // SVG's time).
    let n = r as i64;
    let (whole, frac) = (n.unsigned_abs() / 100, n.unsigned_abs() % 100);
    let sign = if n < 0 { "-" } else { "" };
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn num_is_short_and_stable() {
        assert_eq!(super::num(1.0), "1");
        assert_eq!(super::num(0.1 + 0.2), "0.3");
        assert_eq!(super::num(-0.0), "0");
        assert_eq!(super::num(12.345), "12.35");
        assert_eq!(super::num(-3.5), "-3.5");
        assert_eq!(super::num(-0.004), "0");
        assert_eq!(super::num(7.05), "7.05");
        assert_eq!(super::num(100.0), "100");
        assert_eq!(super::num(f32::INFINITY), "inf");
    }
}

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
    let r = (v as f64 * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn num_is_short_and_stable() {
        assert_eq!(super::num(1.0), "1");
        assert_eq!(super::num(0.1 + 0.2), "0.3");
        assert_eq!(super::num(-0.0), "0");
        assert_eq!(super::num(12.345), "12.35");
    }
}

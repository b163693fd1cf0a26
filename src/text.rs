//! Text measurement with the bundled font (Noto Sans), through the same shaper resvg uses.
//!
//! Layout never opens fonts or files: it measures through the [`Measure`] trait, and the
//! default [`FontMeasure`] shapes with harfrust over the font bytes compiled into the binary,
//! so widths agree with the glyphs resvg draws in PNGs on every machine.

use harfrust::{FontRef, ShapePlan, ShapePlanKey, ShaperData, UnicodeBuffer};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Regular face bytes (Noto Sans, SIL Open Font License).
pub const REGULAR_TTF: &[u8] = notosans::REGULAR_TTF;
/// Bold face bytes.
pub const BOLD_TTF: &[u8] = notosans::BOLD_TTF;
/// The family name written into SVGs.
pub const FONT_FAMILY: &str = "Noto Sans";
/// Distance from the top of a text line box to the baseline, in ems.
pub const ASCENT: f32 = 1.069;
/// Height of a text line box, in ems (ascender + descender of Noto Sans).
pub const LINE_HEIGHT: f32 = 1.362;

/// Measures text widths; injected into layout.
pub trait Measure {
    /// Advance width in px of `text` set at `size` px.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32;
}

struct Face {
    font: FontRef<'static>,
    data: ShaperData,
    upem: f32,
}

fn face(bold: bool) -> &'static Face {
    static REGULAR: OnceLock<Face> = OnceLock::new();
    static BOLD: OnceLock<Face> = OnceLock::new();
    let (cell, bytes) = if bold {
        (&BOLD, BOLD_TTF)
    } else {
        (&REGULAR, REGULAR_TTF)
    };
    cell.get_or_init(|| {
        let font = FontRef::new(bytes).expect("bundled font parses");
        let data = ShaperData::new(&font);
        let upem = {
            let shaper = data.shaper(&font).build();
            shaper.units_per_em() as f32
        };
        Face { font, data, upem }
    })
}

thread_local! {
    /// Shape plans already compiled, per face (bold or not): compiling one costs more than
    /// shaping a label with it, and every label of a diagram needs the same one or two.
    static PLANS: std::cell::RefCell<Vec<(bool, ShapePlan)>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// Shapes one run of text and returns its advance in font units.
fn shape_units(text: &str, bold: bool) -> (f32, f32) {
    let f = face(bold);
    let shaper = f.data.shaper(&f.font).build();
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    // After guessing, a buffer's script is unset exactly when it reads as unknown.
    let script = Some(buffer.script()).filter(|s| *s != harfrust::script::UNKNOWN);
    let direction = buffer.direction();
    let language = buffer.language();
    let out = PLANS.with(|plans| {
        let mut plans = plans.borrow_mut();
        let key = ShapePlanKey::new(script, direction).language(language.as_ref());
        let k = match plans.iter().position(|(b, p)| *b == bold && key.matches(p)) {
            Some(k) => k,
            None => {
                let plan = ShapePlan::new(&shaper, direction, script, language.as_ref(), &[]);
                plans.push((bold, plan));
                plans.len() - 1
            }
        };
        shaper.shape(
            buffer,
            harfrust::ShapeOptions::new().plan(Some(&plans[k].1)),
        )
    });
    let units: i32 = out.glyph_positions().iter().map(|p| p.x_advance).sum();
    (units as f32, f.upem)
}

/// The measurer backed by the bundled font, with a cache of shaped widths.
#[derive(Default)]
pub struct FontMeasure {
    cache: Mutex<HashMap<(String, bool), f32>>,
}

impl FontMeasure {
    pub fn new() -> FontMeasure {
        FontMeasure::default()
    }
}

impl Measure for FontMeasure {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let key = (text.to_string(), bold);
        let per_em = {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.get(&key).copied()
        };
        let per_em = per_em.unwrap_or_else(|| {
            let (units, upem) = shape_units(text, bold);
            let w = units / upem;
            self.cache
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key, w);
            w
        });
        per_em * size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        let m = FontMeasure::new();
        let a = m.width("NAT gateway", 13.0, false);
        assert!(a > 50.0 && a < 110.0, "{a}");
        assert!(m.width("NAT gateway!", 13.0, false) > a);
        assert!((m.width("NAT gateway", 26.0, false) - 2.0 * a).abs() < 0.01);
        assert!(m.width("NAT gateway", 13.0, true) > a);
        assert_eq!(m.width("", 13.0, false), 0.0);
    }

    /// Layout and pixels agree: our widths equal the extents usvg gives the same text when
    /// it draws PNGs.
    #[test]
    fn widths_match_what_resvg_draws() {
        let m = FontMeasure::new();
        let labels = [
            ("Application Load Balancer", 13.0, false),
            ("US East (Ohio) us-east-2", 13.0, false),
            ("Public subnet 10.0.0.0/24", 13.0, false),
            ("AWS Cloud", 13.0, true),
            ("Private route table A", 12.0, true),
            ("→ nat-a", 11.5, false),
            ("WAVE Toffee AVA", 20.0, true),
            ("egress", 12.0, false),
        ];
        for (text, size, bold) in labels {
            let weight = if bold { "bold" } else { "normal" };
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="60"><text x="10" y="40" font-family="Noto Sans" font-size="{size}" font-weight="{weight}">{text}</text></svg>"#
            );
            let opt = resvg::usvg::Options {
                fontdb: crate::render::png::fontdb(),
                ..Default::default()
            };
            let tree = resvg::usvg::Tree::from_str(&svg, &opt).expect("svg parses");
            let Some(resvg::usvg::Node::Text(t)) = tree.root().children().first() else {
                panic!("{text:?}: no text node");
            };
            // usvg's text bounding box is the advance box of the shaped glyphs.
            let theirs = t.bounding_box().width();
            let ours = m.width(text, size, bold);
            assert!(
                (theirs - ours).abs() < 0.01,
                "{text:?} at {size}: usvg {theirs} vs ours {ours}"
            );
        }
    }
}

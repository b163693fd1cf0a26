//! The font an SVG carries: takes a scene; gives a `<style>` of `@font-face` rules whose
//! data URLs hold the bundled Noto Sans cut down to the characters the scene draws (one
//! subset per weight it uses).
//!
//! Layout measures text with these very faces, so a browser or editor without Noto Sans
//! still draws every label at the width it was given. The subset keeps the cmap and the
//! layout tables (kerning), so text shapes as archdraw shaped it. A subset that fails (it
//! should not) is left out: the SVG then falls back to the reader's fonts.

use crate::scene::{Prim, Scene};
use crate::text::{BOLD_TTF, FONT_FAMILY, REGULAR_TTF};
use base64::Engine as _;
use std::collections::HashSet;
use std::fmt::Write as _;

/// The `<style>` element with the subsets, or nothing when the scene has no text.
pub fn face_style(scene: &Scene) -> String {
    let (mut regular, mut bold) = (HashSet::new(), HashSet::new());
    for p in &scene.prims {
        if let Prim::Text { text, bold: b, .. } = p {
            let set = if *b { &mut bold } else { &mut regular };
            set.extend(text.chars().filter(|c| !c.is_whitespace() || *c == ' '));
        }
    }
    let mut css = String::new();
    for (chars, ttf, weight) in [(&regular, REGULAR_TTF, 400), (&bold, BOLD_TTF, 700)] {
        if chars.is_empty() {
            continue;
        }
        let Ok(sub) = fontcull::subset_font_data(ttf, chars, &[]) else {
            continue;
        };
        let _ = write!(
            css,
            "@font-face{{font-family:\"{FONT_FAMILY}\";font-weight:{weight};src:url(data:font/ttf;base64,{}) format(\"truetype\")}}",
            base64::engine::general_purpose::STANDARD.encode(&sub)
        );
    }
    if css.is_empty() {
        String::new()
    } else {
        format!("<style>{css}</style>\n")
    }
}

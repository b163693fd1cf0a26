//! SVG backend: writes a [`Scene`] as a standalone SVG document.
//!
//! A small writer of our own: attributes in a fixed order, numbers with at most two decimals,
//! every text and attribute value escaped. Icons are `<symbol>`s referenced by `<use>`.

use super::num;
use crate::scene::{Prim, Scene, Stroke, TextAnchor};
use crate::text::FONT_FAMILY;
use std::fmt::Write as _;

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn stroke_attrs(out: &mut String, s: &Stroke) {
    let _ = write!(
        out,
        r#" stroke="{}" stroke-width="{}""#,
        s.colour,
        num(s.width)
    );
    if let Some((a, b)) = s.dash {
        let _ = write!(out, r#" stroke-dasharray="{} {}""#, num(a), num(b));
    }
}

/// Renders the scene as SVG text.
pub fn render(scene: &Scene) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let (w, h) = (num(scene.width), num(scene.height));
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}, sans-serif">"#
    );
    if let Some(t) = &scene.title {
        let _ = writeln!(out, "<title>{}</title>", escape(t));
    }
    out.push_str("<defs>\n");
    let _ = writeln!(
        out,
        r#"<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
        scene.arrow_colour
    );
    for (i, icon) in scene.icons.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<symbol id="i{i}" viewBox="{}"><!-- {} -->{}</symbol>"#,
            escape(&icon.view_box),
            escape(&icon.name).replace("--", "- -"),
            icon.body
        );
    }
    out.push_str("</defs>\n");
    for p in &scene.prims {
        match p {
            Prim::Rect {
                rect,
                radius,
                fill,
                opacity,
                stroke,
            } => {
                let _ = write!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}""#,
                    num(rect.x),
                    num(rect.y),
                    num(rect.w),
                    num(rect.h)
                );
                if *radius > 0.0 {
                    let _ = write!(out, r#" rx="{}""#, num(*radius));
                }
                let _ = write!(out, r#" fill="{}""#, fill.unwrap_or("none"));
                if *opacity < 1.0 {
                    let _ = write!(out, r#" fill-opacity="{}""#, num(*opacity));
                }
                if let Some(s) = stroke {
                    stroke_attrs(&mut out, s);
                }
                out.push_str("/>\n");
            }
            Prim::Text {
                x,
                baseline,
                text,
                size,
                bold,
                anchor,
                fill,
            } => {
                let anchor = match anchor {
                    TextAnchor::Start => "start",
                    TextAnchor::Middle => "middle",
                    TextAnchor::End => "end",
                };
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" font-size="{}" text-anchor="{anchor}" fill="{fill}""#,
                    num(*x),
                    num(*baseline),
                    num(*size)
                );
                if *bold {
                    out.push_str(r#" font-weight="bold""#);
                }
                let _ = writeln!(out, ">{}</text>", escape(text));
            }
            Prim::Icon { icon, rect } => {
                let _ = writeln!(
                    out,
                    r##"<use href="#i{icon}" x="{}" y="{}" width="{}" height="{}"/>"##,
                    num(rect.x),
                    num(rect.y),
                    num(rect.w),
                    num(rect.h)
                );
            }
            Prim::Line {
                points,
                stroke,
                arrow_start,
                arrow_end,
            } => {
                out.push_str(r#"<path d=""#);
                for (k, (x, y)) in points.iter().enumerate() {
                    let _ = write!(
                        out,
                        "{}{},{}",
                        if k == 0 { "M" } else { " L" },
                        num(*x),
                        num(*y)
                    );
                }
                out.push_str(r#"" fill="none""#);
                stroke_attrs(&mut out, stroke);
                if *arrow_start {
                    out.push_str(r#" marker-start="url(#arrow)""#);
                }
                if *arrow_end {
                    out.push_str(r#" marker-end="url(#arrow)""#);
                }
                out.push_str("/>\n");
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<script>&\"'\u{1}"),
            "&lt;script&gt;&amp;&quot;&#39;"
        );
        assert_eq!(escape("]]>"), "]]&gt;");
    }
}

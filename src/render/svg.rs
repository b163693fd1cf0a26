//! SVG backend: writes a [`Scene`] as a standalone SVG document.
//!
//! A small writer of our own: attributes in a fixed order, numbers with at most two decimals,
//! every text and attribute value escaped. Icons are `<symbol>`s referenced by `<use>`.

use super::num;
use crate::scene::{Colour, Prim, Scene, Stroke, TextAnchor};
use crate::text::FONT_FAMILY;
use crate::xml::escape;
use std::fmt::Write as _;

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

/// How to write an SVG besides the scene itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SvgOptions {
    /// Put before every id and class the SVG defines (the arrow marker, icon symbols, the
    /// colour classes of a two-theme SVG), so that several SVGs can share one HTML page.
    pub id_prefix: String,
    /// Let the SVG shrink to its container (`max-width: 100%`), for SVGs inlined in HTML.
    pub responsive: bool,
    /// For a two-theme SVG: CSS selectors of ancestors that switch it to the dark palette
    /// (for mdBook: `html.coal`, …). Empty: the `prefers-color-scheme: dark` media query.
    pub dark_ancestors: Vec<String>,
    /// Whether the SVG carries the glyphs it uses (the default) or names the font only.
    pub font: SvgFont,
}

/// How an SVG gets its font.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SvgFont {
    /// A subset of the bundled Noto Sans in an `@font-face` (the same look in every viewer).
    #[default]
    Embedded,
    /// Only the family's name: the reader's own Noto Sans, else another sans-serif.
    System,
}

impl SvgFont {
    pub fn parse(s: &str) -> Option<SvgFont> {
        match s {
            "embed" | "embedded" => Some(SvgFont::Embedded),
            "system" => Some(SvgFont::System),
            _ => None,
        }
    }
}

/// Renders the scene as SVG text.
pub fn render(scene: &Scene) -> String {
    render_with(scene, None, &SvgOptions::default())
}

/// The SVG that the PNG and PDF backends draw: the scene alone, the font only named (they
/// draw with the bundled faces themselves, so carrying a subset would be wasted work).
pub fn for_drawing(scene: &Scene) -> String {
    let opts = SvgOptions {
        font: SvgFont::System,
        ..Default::default()
    };
    render_with(scene, None, &opts)
}

/// Renders an SVG that carries both palettes: the light scene's colours, and CSS giving the
/// dark scene's colours to the elements whose colour differs when the reader prefers a dark
/// colour scheme (`@media (prefers-color-scheme: dark)`). Both scenes must come from the same
/// diagram ([`crate::scene::scene_with_theme`]); they differ only in colours.
pub fn render_auto(light: &Scene, dark: &Scene) -> String {
    render_with(light, Some(dark), &SvgOptions::default())
}

/// The colour classes of a two-theme SVG: one per (property, dark colour), numbered in order
/// of first use, so the output is the same on every run.
struct Classes<'a> {
    prefix: &'a str,
    rules: Vec<(&'static str, Colour)>,
}

impl Classes<'_> {
    /// The class that gives `prop` its dark value, when it differs from the light one.
    fn class(&mut self, prop: &'static str, light: Colour, dark: Option<Colour>) -> Option<String> {
        let dark = dark.filter(|d| *d != light)?;
        let i = match self.rules.iter().position(|r| *r == (prop, dark)) {
            Some(i) => i,
            None => {
                self.rules.push((prop, dark));
                self.rules.len() - 1
            }
        };
        Some(format!("{}c{i}", self.prefix))
    }
}

fn class_attr(out: &mut String, classes: &[Option<String>]) {
    let names: Vec<&str> = classes.iter().flatten().map(String::as_str).collect();
    if !names.is_empty() {
        let _ = write!(out, r#" class="{}""#, names.join(" "));
    }
}

/// The dark counterpart of a light primitive's colours: (fill, stroke).
fn dark_colours(p: Option<&Prim>) -> (Option<Colour>, Option<Colour>) {
    match p {
        Some(Prim::Rect { fill, stroke, .. }) => (*fill, stroke.as_ref().map(|s| s.colour)),
        Some(Prim::Text { fill, .. }) => (Some(*fill), None),
        Some(Prim::Line { stroke, .. }) => (None, Some(stroke.colour)),
        Some(Prim::Icon { .. }) | None => (None, None),
    }
}

/// Renders the scene as SVG text, with the dark scene's colours as CSS when `dark` is given.
pub fn render_with(scene: &Scene, dark: Option<&Scene>, opts: &SvgOptions) -> String {
    let mut out = String::with_capacity(16 * 1024);
    // Ids and class names take letters, digits, `-` and `_` only.
    let pre: String = opts
        .id_prefix
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let (w, h) = (num(scene.width), num(scene.height));
    let style = if opts.responsive {
        r#" style="max-width:100%;height:auto""#
    } else {
        ""
    };
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}, sans-serif"{style}>"#
    );
    if let Some(t) = &scene.title {
        let _ = writeln!(out, "<title>{}</title>", escape(t));
    }
    if opts.font == SvgFont::Embedded {
        out.push_str(&super::font::face_style(scene));
    }
    // The dark scene only counts when it is the same picture.
    let dark = dark.filter(|d| d.prims.len() == scene.prims.len());
    let mut classes = Classes {
        prefix: &pre,
        rules: Vec::new(),
    };
    let mut body = String::with_capacity(16 * 1024);
    body.push_str("<defs>\n");
    let arrow_class =
        dark.and_then(|d| classes.class("fill", scene.arrow_colour, Some(d.arrow_colour)));
    let _ = write!(
        body,
        r#"<marker id="{pre}arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}""#,
        scene.arrow_colour
    );
    class_attr(&mut body, &[arrow_class]);
    body.push_str("/></marker>\n");
    for (i, icon) in scene.icons.iter().enumerate() {
        let _ = writeln!(
            body,
            r#"<symbol id="{pre}i{i}" viewBox="{}"><!-- {} -->{}</symbol>"#,
            escape(&icon.view_box),
            escape(&icon.name).replace("--", "- -"),
            icon.body
        );
    }
    body.push_str("</defs>\n");
    let out_body = &mut body;
    for (k, p) in scene.prims.iter().enumerate() {
        let (dark_fill, dark_stroke) = dark_colours(dark.map(|d| &d.prims[k]));
        match p {
            Prim::Rect {
                rect,
                radius,
                fill,
                opacity,
                stroke,
            } => {
                let _ = write!(
                    out_body,
                    r#"<rect x="{}" y="{}" width="{}" height="{}""#,
                    num(rect.x),
                    num(rect.y),
                    num(rect.w),
                    num(rect.h)
                );
                if *radius > 0.0 {
                    let _ = write!(out_body, r#" rx="{}""#, num(*radius));
                }
                let _ = write!(out_body, r#" fill="{}""#, fill.unwrap_or("none"));
                if *opacity < 1.0 {
                    let _ = write!(out_body, r#" fill-opacity="{}""#, num(*opacity));
                }
                if let Some(s) = stroke {
                    stroke_attrs(out_body, s);
                }
                let c = [
                    fill.and_then(|f| classes.class("fill", f, dark_fill)),
                    stroke
                        .as_ref()
                        .and_then(|s| classes.class("stroke", s.colour, dark_stroke)),
                ];
                class_attr(out_body, &c);
                out_body.push_str("/>\n");
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
                    out_body,
                    r#"<text x="{}" y="{}" font-size="{}" text-anchor="{anchor}" fill="{fill}""#,
                    num(*x),
                    num(*baseline),
                    num(*size)
                );
                if *bold {
                    out_body.push_str(r#" font-weight="bold""#);
                }
                class_attr(out_body, &[classes.class("fill", fill, dark_fill)]);
                let _ = writeln!(out_body, ">{}</text>", escape(text));
            }
            Prim::Icon { icon, rect } => {
                let _ = writeln!(
                    out_body,
                    r##"<use href="#{pre}i{icon}" x="{}" y="{}" width="{}" height="{}"/>"##,
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
                out_body.push_str(r#"<path d=""#);
                for (k, (x, y)) in points.iter().enumerate() {
                    let _ = write!(
                        out_body,
                        "{}{},{}",
                        if k == 0 { "M" } else { " L" },
                        num(*x),
                        num(*y)
                    );
                }
                out_body.push_str(r#"" fill="none""#);
                stroke_attrs(out_body, stroke);
                if *arrow_start {
                    let _ = write!(out_body, r#" marker-start="url(#{pre}arrow)""#);
                }
                if *arrow_end {
                    let _ = write!(out_body, r#" marker-end="url(#{pre}arrow)""#);
                }
                class_attr(
                    out_body,
                    &[classes.class("stroke", stroke.colour, dark_stroke)],
                );
                out_body.push_str("/>\n");
            }
        }
    }
    if dark.is_some() {
        out.push_str(&dark_style(&classes, opts));
    }
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// The `<style>` of a two-theme SVG: the dark value of every colour class.
fn dark_style(classes: &Classes, opts: &SvgOptions) -> String {
    let mut css = String::new();
    let ancestors: Vec<&str> = opts
        .dark_ancestors
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty() && !a.contains(['<', '>', '{', '}', '&']))
        .collect();
    for (i, (prop, colour)) in classes.rules.iter().enumerate() {
        let class = format!(".{}c{i}", classes.prefix);
        if ancestors.is_empty() {
            let _ = write!(css, "{class}{{{prop}:{colour}}}");
        } else {
            let sel: Vec<String> = ancestors.iter().map(|a| format!("{a} {class}")).collect();
            let _ = write!(css, "{}{{{prop}:{colour}}}", sel.join(","));
        }
    }
    if ancestors.is_empty() {
        format!("<style>@media (prefers-color-scheme: dark){{{css}}}</style>\n")
    } else {
        format!("<style>{css}</style>\n")
    }
}

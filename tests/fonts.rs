//! The SVG carries its font (issue #16): a subset of the bundled Noto Sans per weight the
//! diagram uses, holding every character it draws, unless `system` is asked for.

use archdraw::render::svg::SvgFont;
use archdraw::scene::Prim;
use archdraw::{Diagram, Format, Options};
use base64::Engine as _;

fn spec(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn compile(text: &str, font: SvgFont) -> Diagram {
    let opts = Options {
        svg_font: font,
        ..Default::default()
    };
    archdraw::compile_with_options(text, &opts).expect("compiles")
}

fn svg(d: &Diagram) -> String {
    String::from_utf8(d.render(Format::Svg, 1.0).unwrap()).unwrap()
}

/// The `@font-face` rules of an SVG: (weight, font data).
fn faces(svg: &str) -> Vec<(u32, Vec<u8>)> {
    svg.split("@font-face{")
        .skip(1)
        .map(|rule| {
            let rule = &rule[..rule.find('}').expect("end of rule")];
            assert!(rule.contains("font-family:\"Noto Sans\""), "{rule}");
            let weight = rule
                .split("font-weight:")
                .nth(1)
                .and_then(|r| r.split(';').next())
                .and_then(|w| w.parse().ok())
                .expect("a weight");
            let b64 = rule
                .split("base64,")
                .nth(1)
                .and_then(|r| r.split(')').next())
                .expect("a data URL");
            let data = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64");
            (weight, data)
        })
        .collect()
}

#[test]
fn every_character_drawn_is_in_the_embedded_subset_of_its_weight() {
    for path in [
        "specs/ohio-network.toml",
        "specs/microservices.toml",
        "specs/landing-zone.toml",
    ] {
        let d = compile(&spec(path), SvgFont::Embedded);
        let svg = svg(&d);
        let faces = faces(&svg);
        assert!(!faces.is_empty(), "{path}: no embedded font");
        for p in &d.scene.prims {
            let Prim::Text { text, bold, .. } = p else {
                continue;
            };
            let weight = if *bold { 700 } else { 400 };
            let (_, data) = faces
                .iter()
                .find(|(w, _)| *w == weight)
                .unwrap_or_else(|| panic!("{path}: no face of weight {weight}"));
            let face = ttf_parser::Face::parse(data, 0).expect("a font the parser reads");
            for c in text.chars().filter(|c| !c.is_whitespace()) {
                assert!(
                    face.glyph_index(c).is_some_and(|g| g.0 != 0),
                    "{path}: {c:?} of {text:?} missing from the weight-{weight} subset"
                );
            }
        }
        // A subset, not the whole face: the bundled regular face is about 200 KB.
        for (w, data) in &faces {
            assert!(
                data.len() < 40_000,
                "{path}: weight {w} is {} bytes",
                data.len()
            );
            let face = ttf_parser::Face::parse(data, 0).unwrap();
            assert!(face.number_of_glyphs() < 200, "{path}");
            // Kerning survives (GPOS), so text keeps the widths layout measured.
            assert!(face.tables().gpos.is_some(), "{path}: no GPOS");
        }
        assert_eq!(svg, self::svg(&d), "{path}: deterministic");
    }
}

#[test]
fn system_names_the_font_only_and_png_is_unchanged() {
    let text = spec("specs/ohio-network.toml");
    let embedded = compile(&text, SvgFont::Embedded);
    let system = compile(&text, SvgFont::System);
    assert!(!svg(&system).contains("@font-face"));
    assert!(svg(&system).contains("font-family=\"Noto Sans, sans-serif\""));
    assert!(svg(&embedded).len() > svg(&system).len());
    // The PNG is drawn from the bundled faces either way.
    assert_eq!(
        embedded.render(Format::Png, 1.0).unwrap(),
        system.render(Format::Png, 1.0).unwrap()
    );
}

#[test]
fn a_diagram_without_bold_text_carries_one_face() {
    let d = compile(
        "[nodes.a]\nkind = \"lambda\"\nlabel = \"Ünïcödé → λ\"\n",
        SvgFont::Embedded,
    );
    let faces = faces(&svg(&d));
    let weights: Vec<u32> = faces.iter().map(|f| f.0).collect();
    let bold = d
        .scene
        .prims
        .iter()
        .any(|p| matches!(p, Prim::Text { bold: true, .. }));
    assert_eq!(weights, if bold { vec![400, 700] } else { vec![400] });
    let face = ttf_parser::Face::parse(&faces[0].1, 0).unwrap();
    for c in "Ünïcödé→".chars() {
        assert!(face.glyph_index(c).is_some(), "{c:?}");
    }
}

//! Themes: light, dark, and auto (an SVG with both palettes that follows the reader's
//! `prefers-color-scheme`), chosen by the spec, `Options::default_theme` (archdraw.toml) or
//! `Options::theme` (`--theme`).

use archdraw::render::svg::SvgOptions;
use archdraw::spec::Theme;
use archdraw::{Format, Options};
use std::collections::BTreeMap;

const NETWORK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/specs/ohio-network.toml"
));
const GEO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/ohio-geo.toml"));

fn compile(text: &str, theme: Option<Theme>, default: Option<Theme>) -> archdraw::Diagram {
    // The palettes' CSS is what these tests read: the SVGs name their font only (the
    // embedded font's <style> is tested in tests/fonts.rs).
    let opts = Options {
        theme,
        default_theme: default,
        svg_font: archdraw::render::svg::SvgFont::System,
        ..Options::default()
    };
    archdraw::compile_with_options(text, &opts).expect("compiles")
}

fn svg(d: &archdraw::Diagram) -> String {
    String::from_utf8(d.render(Format::Svg, 1.0).unwrap()).unwrap()
}

fn with_theme(text: &str, theme: &str) -> String {
    text.replacen(
        "[diagram]\n",
        &format!("[diagram]\ntheme = \"{theme}\"\n"),
        1,
    )
}

/// What a browser in dark mode shows of an auto SVG: the CSS rules of its `<style>` applied to
/// the attributes of the elements with their classes, the `<style>` and classes removed.
fn as_dark_mode(auto: &str, prefix: &str) -> String {
    let start = auto.find("<style>").expect("a <style>");
    let end = auto[start..].find("</style>\n").expect("</style>") + start + "</style>\n".len();
    let style = &auto[start..end];
    // `.c0{fill:#141B24}` (possibly inside a media query or behind ancestor selectors).
    let mut rules: BTreeMap<String, (String, String)> = BTreeMap::new();
    for rule in style.split('}') {
        let Some((sel, decl)) = rule.rsplit_once('{') else {
            continue;
        };
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let class = sel
            .rsplit(['.', ' ', ','])
            .next()
            .unwrap()
            .trim()
            .to_string();
        assert!(
            class.starts_with(prefix),
            "class {class} has the prefix {prefix}"
        );
        rules.insert(class, (prop.to_string(), value.to_string()));
    }
    assert!(!rules.is_empty(), "no rules in {style}");
    let body = format!("{}{}", &auto[..start], &auto[end..]);
    let mut out = String::new();
    for line in body.split_inclusive('\n') {
        let mut line = line.to_string();
        if let Some(at) = line.find(" class=\"") {
            let close = line[at + 8..].find('"').unwrap() + at + 8;
            let classes: Vec<String> = line[at + 8..close].split(' ').map(str::to_string).collect();
            line.replace_range(at..=close, "");
            for c in classes {
                let (prop, value) = &rules[&c];
                let attr = format!(" {prop}=\"");
                let i = line
                    .find(&attr)
                    .unwrap_or_else(|| panic!("{prop} in {line}"))
                    + attr.len();
                let j = line[i..].find('"').unwrap() + i;
                line.replace_range(i..j, value);
            }
        }
        out.push_str(&line);
    }
    out
}

#[test]
fn an_auto_svg_is_the_light_svg_and_turns_into_the_dark_one_in_dark_mode() {
    for spec in [NETWORK, GEO] {
        let light = svg(&compile(spec, Some(Theme::Light), None));
        let dark = svg(&compile(spec, Some(Theme::Dark), None));
        let auto_d = compile(spec, Some(Theme::Auto), None);
        let auto = svg(&auto_d);
        assert_ne!(light, dark);
        assert!(
            auto.contains("<style>@media (prefers-color-scheme: dark){"),
            "{auto}"
        );
        // Without its style and classes, it is the light SVG.
        let plain: String = {
            let start = auto.find("<style>").unwrap();
            let end = auto.find("</style>\n").unwrap() + 9;
            let mut s = format!("{}{}", &auto[..start], &auto[end..]);
            while let Some(at) = s.find(" class=\"") {
                let close = s[at + 8..].find('"').unwrap() + at + 8;
                s.replace_range(at..=close, "");
            }
            s
        };
        assert_eq!(plain, light, "an auto SVG in light mode is the light SVG");
        // With its dark rules applied, it is the dark SVG, byte for byte.
        assert_eq!(
            as_dark_mode(&auto, "c"),
            dark,
            "an auto SVG in dark mode is the dark SVG"
        );
        // The PNG follows the light palette.
        assert_eq!(
            auto_d.render(Format::Png, 1.0).unwrap(),
            compile(spec, Some(Theme::Light), None)
                .render(Format::Png, 1.0)
                .unwrap()
        );
    }
}

#[test]
fn inline_svgs_get_prefixed_ids_and_classes_and_can_follow_page_classes() {
    let d = compile(NETWORK, Some(Theme::Auto), None);
    let opts = SvgOptions {
        id_prefix: "p7-".into(),
        responsive: true,
        dark_ancestors: vec!["html.coal".into(), "html.navy".into()],
        font: archdraw::render::svg::SvgFont::System,
    };
    let s = d.svg(&opts);
    assert!(s.contains("style=\"max-width:100%;height:auto\""));
    assert!(s.contains("<marker id=\"p7-arrow\""));
    assert!(s.contains("url(#p7-arrow)") && !s.contains("url(#arrow)"));
    assert!(s.contains("href=\"#p7-i0\"") && s.contains("<symbol id=\"p7-i0\""));
    assert!(s.contains("html.coal .p7-c0,html.navy .p7-c0{"), "{s}");
    assert!(!s.contains("prefers-color-scheme"));
    let dark = svg(&compile(NETWORK, Some(Theme::Dark), None))
        .replace("\"arrow\"", "\"p7-arrow\"")
        .replace("#arrow)", "#p7-arrow)")
        .replace("id=\"i", "id=\"p7-i")
        .replace("href=\"#i", "href=\"#p7-i")
        .replacen(
            "font-family=\"Noto Sans, sans-serif\">",
            "font-family=\"Noto Sans, sans-serif\" style=\"max-width:100%;height:auto\">",
            1,
        );
    assert_eq!(as_dark_mode(&s, "p7-c"), dark);
}

#[test]
fn the_theme_comes_from_the_override_then_the_spec_then_the_default() {
    let dark_spec = with_theme(NETWORK, "dark");
    let cases = [
        (NETWORK.to_string(), None, None, Theme::Light),
        (NETWORK.to_string(), None, Some(Theme::Dark), Theme::Dark),
        (dark_spec.clone(), None, None, Theme::Dark),
        (dark_spec.clone(), None, Some(Theme::Light), Theme::Dark),
        (dark_spec.clone(), Some(Theme::Light), None, Theme::Light),
        (
            with_theme(NETWORK, "auto"),
            None,
            Some(Theme::Dark),
            Theme::Auto,
        ),
        (
            NETWORK.to_string(),
            Some(Theme::Auto),
            Some(Theme::Dark),
            Theme::Auto,
        ),
    ];
    for (text, theme, default, want) in cases {
        let d = compile(&text, theme, default);
        assert_eq!(d.theme, want, "theme {theme:?}, default {default:?}");
        assert_eq!(d.dark_scene.is_some(), want == Theme::Auto);
        let s = svg(&d);
        let bg = if want == Theme::Dark {
            "#141B24"
        } else {
            "#FFFFFF"
        };
        assert!(s.contains(&format!("fill=\"{bg}\"")), "{want:?}");
    }
    // The spec language knows all three.
    let (spec, diags) = archdraw::spec::parse(&with_theme(NETWORK, "auto"));
    assert!(diags.is_empty());
    assert_eq!(spec.diagram.theme, Some(Theme::Auto));
}

//! `docs/catalog.svg`: every catalogued kind with its icon and name, rendered by archdraw
//! itself from a generated spec. The test fails when the committed file is stale
//! (`ARCHDRAW_BLESS=1` rewrites it).

use archdraw::catalog::{Category, KINDS};
use archdraw::Format;

fn catalog_spec() -> String {
    let mut t = String::from("[diagram]\ntitle = \"archdraw node kinds\"\n\n");
    let cats = [
        Category::General,
        Category::Compute,
        Category::Containers,
        Category::Storage,
        Category::Database,
        Category::Networking,
        Category::Security,
        Category::Management,
        Category::Integration,
        Category::DevTools,
        Category::Analytics,
    ];
    for c in cats {
        let kinds: Vec<_> = KINDS.iter().filter(|k| k.category == c).collect();
        if kinds.is_empty() {
            continue;
        }
        let g = c.name().to_ascii_lowercase().replace([' ', '&', ','], "-");
        t.push_str(&format!(
            "[groups.{g}]\nkind = \"generic\"\nlabel = \"{}\"\n\n",
            c.name()
        ));
        for k in kinds {
            t.push_str(&format!(
                "[nodes.{}]\nkind = \"{}\"\nin = \"{g}\"\nlabel = \"{}\"\n\n",
                k.kind, k.kind, k.kind
            ));
        }
    }
    t
}

#[test]
fn catalog_svg_shows_every_kind_and_is_fresh() {
    let spec = catalog_spec();
    let d = archdraw::compile(&spec).expect("the catalogue spec compiles");
    let svg = d.render(Format::Svg, 1.0).unwrap();
    let text = String::from_utf8(svg.clone()).unwrap();
    for k in KINDS {
        assert!(
            text.contains(&format!(">{}</text>", k.kind)),
            "{} is shown",
            k.kind
        );
    }
    let json = d.render(Format::Json, 1.0).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let report = archdraw::quality::check(&v).unwrap();
    assert!(report.defects.is_empty(), "{:?}", report.defects);
    let w = v["width"].as_f64().unwrap();
    let h = v["height"].as_f64().unwrap();
    assert!(
        w / h < 3.0 && h / w < 3.0,
        "a compact sheet, not one long line: {w}×{h}"
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/catalog.svg");
    if std::env::var_os("ARCHDRAW_BLESS").is_some() {
        std::fs::write(path, &svg).unwrap();
    }
    let committed =
        std::fs::read(path).expect("docs/catalog.svg exists (ARCHDRAW_BLESS=1 writes it)");
    assert!(
        committed == svg,
        "docs/catalog.svg is stale; re-run with ARCHDRAW_BLESS=1"
    );
}

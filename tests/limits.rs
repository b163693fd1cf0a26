//! Hostile and oversized input: every limit gives a clear error (never a panic, a hang or a
//! huge allocation), and each can be raised.

use archdraw::limits::Limits;
use archdraw::{Format, Options};

fn errors(text: &str, opts: &Options) -> Vec<String> {
    match archdraw::compile_with_options(text, opts) {
        Ok(_) => Vec::new(),
        Err(d) => d.into_iter().map(|d| d.message).collect(),
    }
}

#[test]
fn a_ten_megabyte_label_is_refused_quickly_with_its_location() {
    let label = "x".repeat(10 * 1024 * 1024);
    let text = format!("[nodes.a]\nkind = \"users\"\nlabel = \"{label}\"\n");
    let diags = archdraw::compile(&text).expect_err("refused");
    assert_eq!(
        diags.len(),
        1,
        "{:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    assert!(
        diags[0].message.contains("10485760 characters long"),
        "{}",
        diags[0].message
    );
    assert_eq!(
        diags[0].span.map(|s| s.start),
        Some(text.find("\"xx").unwrap())
    );
    assert!(diags[0]
        .hint
        .as_deref()
        .unwrap()
        .contains("--limit label-chars=N"));
    // Raised, the same spec renders.
    let mut opts = Options::default();
    opts.limits.label_chars = 20_000_000;
    opts.limits.input_bytes = 20_000_000;
    let text = format!(
        "[nodes.a]\nkind = \"users\"\nlabel = \"{}\"\n",
        "y".repeat(3000)
    );
    assert!(archdraw::compile_with_options(&text, &opts).is_ok());
}

#[test]
fn input_over_the_size_limit_is_refused_before_parsing() {
    let text = format!(
        "# {}\n[nodes.a]\nkind = \"users\"\n",
        "z".repeat(17 * 1024 * 1024)
    );
    let e = errors(&text, &Options::default());
    assert_eq!(e.len(), 1);
    assert!(e[0].contains("the limit is 16777216"), "{}", e[0]);
}

#[test]
fn entity_and_link_counts_are_bounded() {
    let mut text = String::new();
    for i in 0..50 {
        text.push_str(&format!("[nodes.n{i}]\nkind = \"lambda\"\n\n"));
    }
    for i in 1..50 {
        text.push_str(&format!("[[links]]\nfrom = \"n0\"\nto = \"n{i}\"\n\n"));
    }
    let mut opts = Options::default();
    opts.limits.entities = 10;
    opts.limits.links = 5;
    let e = errors(&text, &opts);
    assert!(
        e.iter()
            .any(|m| m.contains("declares 50 things; the limit is 10")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|m| m.contains("has 49 links; the limit is 5")),
        "{e:?}"
    );
    assert!(
        archdraw::compile(&text).is_ok(),
        "fine under the default limits"
    );
}

#[test]
fn png_pixel_budget_is_an_error_not_an_allocation() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/ohio-geo.toml"))
        .unwrap();
    let d = archdraw::compile(&text).unwrap();
    // 1000× would be billions of pixels: refused by the budget, nothing allocated.
    let err = d.render(Format::Png, 1000.0).expect_err("over budget");
    let msg = err.to_string();
    assert!(
        msg.contains("exceeds the limit of 100000000 pixels"),
        "{msg}"
    );
    assert!(msg.contains("--limit png-pixels=N"), "{msg}");
    // Under a raised budget a moderate scale works.
    assert!(d.render(Format::Png, 2.0).is_ok());
}

#[test]
fn the_number_of_views_is_bounded() {
    let mut text = String::from("[nodes.a]\nkind = \"lambda\"\n\n");
    for i in 0..5 {
        text.push_str(&format!("[views.v{i}]\n\n"));
    }
    let mut opts = Options::default();
    opts.limits.views = 3;
    let e = errors(&text, &opts);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("declares 5 views; the limit is 3"),
        "{}",
        e[0]
    );
    opts.limits.views = 5;
    assert!(errors(&text, &opts).is_empty());
}

#[test]
fn limits_parse_from_key_value_pairs() {
    let mut l = Limits::default();
    l.set_pair("entities=200_000").unwrap();
    assert_eq!(l.entities, 200_000);
    l.set_pair("png-pixels = 5").unwrap();
    assert_eq!(l.png_pixels, 5);
    assert!(l
        .set_pair("nodes=5")
        .unwrap_err()
        .contains("unknown limit `nodes`"));
    assert!(l.set_pair("depth").is_err());
    assert!(l.set_pair("depth=-1").is_err());
}

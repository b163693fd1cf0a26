//! Prints layout defects and blemishes (quality.md) and figures for spec files:
//! `cargo run --release --example quality -- specs/*.toml`.

fn main() {
    for file in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&file).unwrap();
        // A spec with views: each view, as `spec.toml [view]`.
        let mut views: Vec<Option<String>> =
            archdraw::view_names(&text).into_iter().map(Some).collect();
        if views.is_empty() {
            views.push(None);
        }
        for view in views {
            let f = match &view {
                Some(v) => format!("{file} [{v}]"),
                None => file.clone(),
            };
            let opts = archdraw::Options {
                view,
                ..Default::default()
            };
            report(&f, &archdraw::compile_with_options(&text, &opts).unwrap());
        }
    }
}

fn report(f: &str, d: &archdraw::Diagram) {
    {
        let json = String::from_utf8(d.render(archdraw::Format::Json, 1.0).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let r = archdraw::quality::check(&v).unwrap();
        println!(
            "{f}: {} defects, {} blemishes {:?}",
            r.defects.len(),
            r.blemishes.len(),
            r.figures
        );
        for d in &r.defects {
            println!("  {d}");
        }
        for b in &r.blemishes {
            println!("  {}: {} [{:.2}]", b.kind, b.message, b.measure);
        }
        let counts: Vec<String> = archdraw::quality::blemish_counts(&r)
            .into_iter()
            .filter(|&(_, n)| n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        println!("  blemishes by kind: {}", counts.join(", "));
    }
}

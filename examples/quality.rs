//! Prints layout defects and blemishes (quality.md) and figures for spec files:
//! `cargo run --release --example quality -- specs/*.toml`.

fn main() {
    for file in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&file).unwrap();
        // A spec with views: each view, as `spec.toml [view]`.
        let views = archdraw::compile_views(&text, &Default::default(), &[]).unwrap();
        for (view, d) in &views {
            let f = match view {
                Some(v) => format!("{file} [{v}]"),
                None => file.clone(),
            };
            report(&f, d);
        }
    }
}

/// Prints the defects, blemishes and figures of one diagram, headed by `f`.
fn report(f: &str, d: &archdraw::Diagram) {
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

//! Prints layout defects (quality.md) and figures for spec files:
//! `cargo run --release --example quality -- specs/*.toml`.

fn main() {
    for f in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&f).unwrap();
        let d = archdraw::compile(&text).unwrap();
        let json = String::from_utf8(d.render(archdraw::Format::Json, 1.0).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let r = archdraw::quality::check(&v).unwrap();
        println!("{f}: {} defects {:?}", r.defects.len(), r.figures);
        for d in r.defects {
            println!("  {d}");
        }
    }
}

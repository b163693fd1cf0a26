//! Replays the `structured` corpus without libFuzzer and sorts the specs that compile but
//! have layout defects (`archdraw::quality::check`), or parallel links closer than 8 px
//! (`Figures::close_parallels`): prints a count per defect kind and,
//! with `--out DIR`, writes each such spec as `DIR/<corpus file>.toml`.
//!
//! `cargo run --release --example defects -- corpus/structured [--out /tmp/defects]`
//! (from `fuzz/`; runs on stable).

use arbitrary::{Arbitrary, Unstructured};
use archdraw::Format;
use archdraw_fuzz::gen::GenSpec;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "corpus/structured".into()));
    let mut out: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        if a == "--out" {
            out = args.next().map(PathBuf::from);
        }
    }
    if let Some(o) = &out {
        std::fs::create_dir_all(o).expect("create --out dir");
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read corpus dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    let (mut compiled, mut defective) = (0usize, 0usize);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        let bytes = std::fs::read(f).expect("read input");
        let Ok(spec) = GenSpec::arbitrary_take_rest(Unstructured::new(&bytes)) else {
            continue;
        };
        let text = spec.to_toml();
        let Ok(d) = archdraw::compile(&text) else {
            continue;
        };
        compiled += 1;
        let json = d.render(Format::Json, 1.0).expect("JSON");
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON parses");
        let report = archdraw::quality::check(&value).expect("quality check runs");
        if report.defects.is_empty() && report.figures.close_parallels == 0 {
            continue;
        }
        if report.figures.close_parallels > 0 {
            *kinds.entry("close-parallels (figure)".into()).or_default() += 1;
        }
        defective += 1;
        let mut seen = std::collections::BTreeSet::new();
        let mut lines = String::new();
        for d in &report.defects {
            let s = d.to_string();
            let kind = s.split(':').next().unwrap_or("").to_string();
            if seen.insert(kind.clone()) {
                *kinds.entry(kind).or_default() += 1;
            }
            lines.push_str(&format!("# defect: {s}\n"));
        }
        if let Some(o) = &out {
            let name = f.file_name().unwrap().to_string_lossy();
            std::fs::write(o.join(format!("{name}.toml")), format!("{lines}{text}"))
                .expect("write spec");
        }
    }
    println!(
        "{} inputs, {compiled} compile, {defective} with defects",
        files.len()
    );
    for (k, n) in kinds {
        println!("{n:6}  {k}");
    }
}

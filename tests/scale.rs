//! Big estates (issue #7): the generated scale-N specs (benches/support/scale_gen.rs) compile
//! with zero layout defects, and their VPCs wrap into a block near the page's aspect.
//! Only small sizes here, so that a debug `cargo test` stays quick; timings are in
//! benches/scale.rs and docs/performance.md.

#[path = "../benches/support/scale_gen.rs"]
mod scale_gen;

use archdraw::Format;

/// Compiles `text`, checks it has no layout defects, and returns its canvas (width, height).
fn compile_clean(name: &str, text: &str) -> (f64, f64) {
    let d = archdraw::compile(text).unwrap_or_else(|e| panic!("{name} does not compile: {e:?}"));
    let json = d.render(Format::Json, 1.0).expect("json");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("json parses");
    let report = archdraw::quality::check(&v).expect("quality check");
    assert!(
        report.defects.is_empty(),
        "{name}: {} defects, first: {}",
        report.defects.len(),
        report.defects[0]
    );
    (v["width"].as_f64().unwrap(), v["height"].as_f64().unwrap())
}

#[test]
fn generator_makes_the_described_estate() {
    let text = scale_gen::scale_spec(5);
    let d = archdraw::compile(&text).expect("scale-5 compiles");
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let kinds = |k: &str| d.model.entities.iter().filter(|e| e.kind_name == k).count();
    assert_eq!(kinds("vpc"), 5);
    assert_eq!(kinds("subnet"), 30);
    assert_eq!(kinds("ec2"), 90);
    assert_eq!(kinds("internet-gateway"), 5);
    assert_eq!(d.model.links.len(), 90);
}

#[test]
fn scale_specs_have_no_defects_and_wrap_near_the_aspect() {
    for n in [1, 5, 20] {
        let (w, h) = compile_clean(&format!("scale-{n}"), &scale_gen::scale_spec(n));
        if n >= 5 {
            // Default 4:3: the block of VPCs is neither a strip (scale-5 in one row is about
            // 10:1) nor a column (about 1:3). A VPC of three zones of three nodes clear of
            // their subnet titles is a 4:1 block, so five of them come no closer to 4:3 than
            // 2.1:1 (rows of 2, 2, 1; one per row is 0.7:1).
            let r = w / h;
            assert!(
                (0.6..=2.5).contains(&r),
                "scale-{n}: {w} × {h} is {r:.2}:1, far from 4:3"
            );
        }
    }
}

#[test]
fn a_wider_aspect_gives_a_wider_block() {
    // Thirty VPCs: 4:3 and 16:9 want different numbers of these 4:1 VPCs per row (at
    // twenty both want three).
    let text = scale_gen::scale_spec(30);
    let wide = text.replacen("[diagram]\n", "[diagram]\naspect = \"16:9\"\n", 1);
    assert_ne!(wide, text);
    let (w0, h0) = compile_clean("scale-30", &text);
    let (w1, h1) = compile_clean("scale-30 at 16:9", &wide);
    let (r0, r1) = (w0 / h0, w1 / h1);
    assert!(r1 > r0 * 1.15, "4:3 gave {r0:.2}:1, 16:9 gave {r1:.2}:1");
    assert!(
        (1.3..=2.4).contains(&r1),
        "16:9 gave {w1} × {h1} ({r1:.2}:1)"
    );
}

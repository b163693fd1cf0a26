//! Prints how long each stage takes on a spec (a quick look; criterion benches are in benches/):
//! `cargo run --release --example timing -- SPEC [RUNS]`. The mean over RUNS runs (by default
//! as many as fit in about two seconds, at least 3 and at most 200).
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "specs/ohio-network.toml".into());
    let text = std::fs::read_to_string(&path).expect("read spec");
    let measure = archdraw::text::FontMeasure::new();
    let n: usize = match std::env::args().nth(2) {
        Some(r) => r.parse().expect("RUNS must be a number"),
        None => {
            let t = Instant::now();
            let _ = archdraw::compile(&text);
            (2.0 / t.elapsed().as_secs_f64().max(1e-4)).clamp(3.0, 200.0) as usize
        }
    };
    let mut t = [0f64; 7];
    for _ in 0..n {
        let s0 = Instant::now();
        let (spec, _) = archdraw::spec::parse(&text);
        let s1 = Instant::now();
        let (model, _) = archdraw::model::resolve(&spec);
        let s2 = Instant::now();
        let _ = archdraw::validate::validate(&model);
        let s3 = Instant::now();
        let layout = archdraw::layout::layout(&model, &measure);
        let s4 = Instant::now();
        let routes = archdraw::route::route(&model, &layout, &measure);
        let s5 = Instant::now();
        let scene = archdraw::scene::scene(&model, &layout, &routes, &Default::default());
        let s6 = Instant::now();
        let svg = archdraw::render::svg::render(&scene);
        let s7 = Instant::now();
        std::hint::black_box(svg);
        for (i, (a, b)) in [
            (s0, s1),
            (s1, s2),
            (s2, s3),
            (s3, s4),
            (s4, s5),
            (s5, s6),
            (s6, s7),
        ]
        .iter()
        .enumerate()
        {
            t[i] += (*b - *a).as_secs_f64() * 1e3 / n as f64;
        }
    }
    let names = [
        "parse", "resolve", "validate", "layout", "route", "scene", "svg",
    ];
    for (n, v) in names.iter().zip(t) {
        println!("{n:>9}: {v:.3} ms");
    }
    println!(
        "    total: {:.3} ms  (mean of {n} runs)",
        t.iter().sum::<f64>()
    );
}

//! Prints how long each stage takes on a spec (a quick look; criterion benches are in benches/):
//! `cargo run --release --example timing -- SPEC [RUNS]`. The mean over RUNS runs (by default
//! as many as fit in about two seconds, at least 3 and at most 200), and the median; the
//! route stage's steps (grid, search, nudge, labels) are indented under it.
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
    // Per stage (and the route stage's steps), the time of every run in ms.
    let mut runs: Vec<[f64; 11]> = Vec::with_capacity(n);
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
        let (routes, steps) = archdraw::route::route_timed(&model, &layout, &measure);
        let s5 = Instant::now();
        let scene = archdraw::scene::scene(&model, &layout, &routes, &Default::default());
        let s6 = Instant::now();
        let svg = archdraw::render::svg::render(&scene);
        let s7 = Instant::now();
        std::hint::black_box(svg);
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        let d = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        runs.push([
            ms(s0, s1),
            ms(s1, s2),
            ms(s2, s3),
            ms(s3, s4),
            ms(s4, s5),
            d(steps.grid),
            d(steps.search),
            d(steps.nudge),
            d(steps.labels),
            ms(s5, s6),
            ms(s6, s7),
        ]);
    }
    let names = [
        "parse", "resolve", "validate", "layout", "route", "  grid", "  search", "  nudge",
        "  labels", "scene", "svg",
    ];
    println!("{:>9}  {:>9} {:>9}", "", "mean", "median");
    let (mut mean_total, mut median_total) = (0.0, 0.0);
    for (k, name) in names.iter().enumerate() {
        let mut v: Vec<f64> = runs.iter().map(|r| r[k]).collect();
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / n as f64;
        let median = v[n / 2];
        if !name.starts_with(' ') {
            mean_total += mean;
            median_total += median;
        }
        println!("{name:>9}: {mean:6.3} ms {median:6.3} ms");
    }
    println!("    total: {mean_total:6.3} ms {median_total:6.3} ms  ({n} runs)");
}

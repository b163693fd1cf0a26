//! Criterion benchmarks of big estates (issue #7): every stage on the generated scale-N
//! specs (benches/support/scale_gen.rs), N VPCs of 19 nodes and 18 links each.
//!
//! `cargo bench --bench scale` runs N = 1, 5, 20, 50, 100; `ARCHDRAW_BENCH_LARGE=1` adds
//! 500 and 1000 (minutes). PNG is measured up to N = 100: scale-500 is over the default
//! 100-million-pixel budget (`png-pixels`), so `archdraw render --format png` refuses it.
//! Figures and method: docs/performance.md.

#[path = "support/scale_gen.rs"]
mod scale_gen;

use archdraw::text::FontMeasure;
use archdraw::{layout, model, render, route, scene, spec, validate};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;

fn sizes() -> Vec<usize> {
    let large = std::env::var_os("ARCHDRAW_BENCH_LARGE").is_some();
    scale_gen::SERIES
        .iter()
        .copied()
        .filter(|&n| large || n <= 100)
        .collect()
}

/// Each stage on its own, fed with the previous stage's output, per size.
fn stages(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    for n in sizes() {
        let text = scale_gen::scale_spec(n);
        let (sp, _) = spec::parse(&text);
        let (m, _) = model::resolve(&sp);
        let measure = FontMeasure::new();
        let l = layout::layout(&m, &measure);
        let r = route::route(&m, &l, &measure);
        let sc = scene::scene(&m, &l, &r, &Default::default());
        if n >= 100 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::new("1_parse", n), &text, |b, t| {
            b.iter(|| spec::parse(black_box(t)))
        });
        g.bench_with_input(BenchmarkId::new("2_resolve_validate", n), &sp, |b, sp| {
            b.iter(|| {
                let (m, _) = model::resolve(black_box(sp));
                validate::validate(&m)
            })
        });
        g.bench_with_input(BenchmarkId::new("3_layout", n), &m, |b, m| {
            b.iter(|| layout::layout(black_box(m), &measure))
        });
        g.bench_with_input(BenchmarkId::new("4_route", n), &m, |b, m| {
            b.iter(|| route::route(black_box(m), &l, &measure))
        });
        g.bench_with_input(BenchmarkId::new("5_scene_svg", n), &m, |b, m| {
            b.iter(|| {
                let sc = scene::scene(black_box(m), &l, &r, &Default::default());
                render::svg::render(&sc)
            })
        });
        if n <= 100 {
            g.bench_with_input(BenchmarkId::new("6_png", n), &sc, |b, sc| {
                b.iter(|| render::png::render(black_box(sc), 1.0, u64::MAX).unwrap())
            });
        }
        g.bench_with_input(BenchmarkId::new("all_svg", n), &text, |b, t| {
            b.iter(|| {
                archdraw::compile(black_box(t))
                    .unwrap()
                    .render(archdraw::Format::Svg, 1.0)
                    .unwrap()
            })
        });
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// A spec of `n` functions and one queue: a fan-in (`from` the functions) or a fan-out.
fn fan_spec(n: usize, fan_in: bool) -> String {
    let mut t = String::from("[nodes.hub]\nkind = \"sqs\"\n\n");
    for i in 0..n {
        t.push_str(&format!("[nodes.f{i}]\nkind = \"lambda\"\n\n"));
    }
    let ids: Vec<String> = (0..n).map(|i| format!("\"f{i}\"")).collect();
    let list = format!("[{}]", ids.join(", "));
    if fan_in {
        t.push_str(&format!("[[links]]\nfrom = {list}\nto = \"hub\"\n"));
    } else {
        t.push_str(&format!("[[links]]\nfrom = \"hub\"\nto = {list}\n"));
    }
    t
}

/// The whole pipeline on a fan of 1,000 links into (or out of) one node (issue #11: a
/// 3,000-link fan-in under 3 s; docs/performance.md has the figures up to 3,000).
fn fans(c: &mut Criterion) {
    let mut g = c.benchmark_group("fan");
    g.sample_size(10);
    for (name, fan_in) in [("fan_in_1000", true), ("fan_out_1000", false)] {
        let text = fan_spec(1000, fan_in);
        g.bench_function(name, |b| b.iter(|| archdraw::compile(black_box(&text))));
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = stages, fans
}
criterion_main!(benches);

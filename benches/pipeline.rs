//! Criterion benchmarks of the pipeline: whole runs (spec text → SVG / PNG bytes) for every
//! spec in `specs/`, and each stage on its own for `ohio-network`.
//!
//! Run with `cargo bench --bench pipeline`.

use archdraw::text::FontMeasure;
use archdraw::{layout, model, render, route, scene, spec, validate, Format};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// Every `specs/*.toml`, sorted: (file stem, text).
fn specs() -> Vec<(String, String)> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/specs"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read specs/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("read spec");
            (name, text)
        })
        .collect()
}

/// Spec text → SVG and → PNG (scale 1), for every spec, as `archdraw render` does it.
fn end_to_end(c: &mut Criterion) {
    let mut g = c.benchmark_group("end_to_end");
    for (name, text) in specs() {
        archdraw::compile(&text).unwrap_or_else(|d| panic!("{name} does not compile: {d:?}"));
        g.bench_function(format!("{name}/svg"), |b| {
            b.iter(|| {
                let d = archdraw::compile(black_box(&text)).unwrap();
                d.render(Format::Svg, 1.0).unwrap()
            })
        });
        g.bench_function(format!("{name}/png"), |b| {
            b.iter(|| {
                let d = archdraw::compile(black_box(&text)).unwrap();
                d.render(Format::Png, 1.0).unwrap()
            })
        });
    }
    g.finish();
}

/// Each stage of `ohio-network` on its own, fed with the previous stage's output.
fn stages(c: &mut Criterion) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/specs/ohio-network.toml"
    ))
    .expect("read ohio-network.toml");
    let (sp, _) = spec::parse(&text);
    let (m, _) = model::resolve(&sp);
    // `compile` makes one measurer per run: layout meets a cold width cache, route a warm one.
    let measure = FontMeasure::new();
    let l = layout::layout(&m, &measure);
    let r = route::route(&m, &l, &measure);
    let sc = scene::scene(&m, &l, &r, &Default::default());

    let mut g = c.benchmark_group("stages/ohio-network");
    g.bench_function("1_spec_parse", |b| b.iter(|| spec::parse(black_box(&text))));
    g.bench_function("2_model_resolve", |b| {
        b.iter(|| model::resolve(black_box(&sp)))
    });
    g.bench_function("3_validate", |b| {
        b.iter(|| validate::validate(black_box(&m)))
    });
    g.bench_function("4_layout_cold_cache", |b| {
        b.iter_batched(
            FontMeasure::new,
            |fm| layout::layout(black_box(&m), &fm),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("4_layout_warm_cache", |b| {
        b.iter(|| layout::layout(black_box(&m), &measure))
    });
    g.bench_function("5_route", |b| {
        b.iter(|| route::route(black_box(&m), &l, &measure))
    });
    g.bench_function("6_scene", |b| {
        b.iter(|| scene::scene(black_box(&m), &l, &r, &Default::default()))
    });
    g.bench_function("7_render_svg", |b| {
        b.iter(|| render::svg::render(black_box(&sc)))
    });
    g.bench_function("7_render_png", |b| {
        b.iter(|| render::png::render(black_box(&sc), 1.0, u64::MAX).unwrap())
    });
    g.bench_function("7_render_json", |b| {
        b.iter(|| render::json::render(black_box(&m), &l, &r))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = end_to_end, stages
}
criterion_main!(benches);

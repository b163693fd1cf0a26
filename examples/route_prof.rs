fn main() {
    let text = std::fs::read_to_string("specs/ohio-network.toml").unwrap();
    let m = archdraw::text::FontMeasure::new();
    let (spec, _) = archdraw::spec::parse(&text);
    let (model, _) = archdraw::model::resolve(&spec);
    let layout = archdraw::layout::layout(&model, &m);
    for _ in 0..2000 {
        std::hint::black_box(archdraw::route::route(&model, &layout, &m));
    }
}

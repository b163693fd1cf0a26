//! Placement rules of issue #12 checked on the layout itself (not on snapshots): region-level
//! services go in a column beside the VPC they serve, and a hub whose spokes wrap into
//! several rows sits between them.

use archdraw::geom::Rect;

const SERVICES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/cases/valid/region-services.toml"
));
const HUB: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/hub-spoke.toml"));

fn boxes(text: &str) -> impl Fn(&str) -> Rect {
    let d = archdraw::compile(text).expect("compiles");
    move |id: &str| {
        let k = d
            .model
            .entities
            .iter()
            .position(|e| e.id == id)
            .unwrap_or_else(|| panic!("no entity {id}"));
        d.layout.boxes[k].as_ref().expect("placed").rect
    }
}

#[test]
fn services_that_talk_to_one_thing_in_the_vpc_stand_beside_it_at_its_height() {
    let at = boxes(SERVICES);
    let vpc = at("main");
    let api = at("api-a");
    for id in ["pool", "secret", "build", "registry"] {
        let r = at(id);
        assert!(
            r.right() < vpc.x,
            "{id} at {r:?} is not left of the VPC {vpc:?}"
        );
        assert!(
            r.y >= vpc.y && r.bottom() <= vpc.bottom() + 120.0,
            "{id} at {r:?} is not beside the VPC {vpc:?}"
        );
    }
    // The one nearest the API task's height is level with it.
    let nearest = ["pool", "secret", "build", "registry"]
        .iter()
        .map(|id| (at(id).cy() - api.cy()).abs())
        .fold(f32::INFINITY, f32::min);
    assert!(
        nearest <= 40.0,
        "no service near the API's height ({nearest} px off)"
    );
    // The user pool talks to the outside only through the VPC's users: it is not above it.
    assert!(at("users").bottom() < vpc.y);
}

#[test]
fn a_hub_whose_spokes_wrap_sits_between_their_rows() {
    let at = boxes(HUB);
    let tgw = at("tgw");
    let (shared, prod, dev) = (at("shared"), at("prod"), at("dev"));
    assert!(
        tgw.y > shared.bottom().min(prod.bottom()),
        "hub {tgw:?} above its spokes"
    );
    assert!(
        tgw.bottom() < dev.y,
        "hub {tgw:?} below the spoke row of {dev:?}"
    );
}

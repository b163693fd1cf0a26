//! draw.io export (issue #16): the file is parsed back and checked against the layout it
//! was written from: one cell per drawn box, nested as the layout nests with geometry
//! relative to the parent, one edge per link with its ends and the router's bends, and the
//! AWS 4 library styles.

use archdraw::model::{EntKind, Placement};
use archdraw::{Diagram, Format};
use roxmltree::{Document, Node};
use std::collections::{HashMap, HashSet};

fn spec(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn compile(text: &str) -> Diagram {
    archdraw::compile(text)
        .unwrap_or_else(|e| panic!("{:?}", e.iter().map(|d| &d.message).collect::<Vec<_>>()))
}

fn drawio(d: &Diagram) -> String {
    String::from_utf8(d.render(Format::Drawio, 1.0).expect("drawio")).expect("utf-8")
}

/// A parsed cell: its attributes, geometry and waypoints.
#[derive(Debug, Clone)]
struct Cell {
    id: String,
    parent: Option<String>,
    value: String,
    style: String,
    vertex: bool,
    edge: bool,
    source: Option<String>,
    target: Option<String>,
    geo: Option<(f32, f32, f32, f32)>,
    points: Vec<(f32, f32)>,
}

impl Cell {
    fn style_has(&self, part: &str) -> bool {
        self.style.split(';').any(|p| p == part)
    }
    fn style_value(&self, key: &str) -> Option<&str> {
        self.style
            .split(';')
            .find_map(|p| p.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
    }
}

fn num(n: Node, attr: &str) -> f32 {
    n.attribute(attr)
        .map_or(0.0, |v| v.parse().expect("number"))
}

/// Every cell of the file's one page, in file order.
fn cells(xml: &str) -> Vec<Cell> {
    let doc = Document::parse(xml).expect("the file is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "mxfile");
    let diagrams: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("diagram"))
        .collect();
    assert_eq!(diagrams.len(), 1, "one page");
    let model = diagrams[0]
        .children()
        .find(|n| n.has_tag_name("mxGraphModel"))
        .expect("an uncompressed mxGraphModel");
    let cells_root = model
        .children()
        .find(|n| n.has_tag_name("root"))
        .expect("root");
    cells_root
        .children()
        .filter(|n| n.has_tag_name("mxCell"))
        .map(|n| {
            let geo = n.children().find(|g| g.has_tag_name("mxGeometry"));
            let points = geo
                .and_then(|g| g.children().find(|a| a.has_tag_name("Array")))
                .map(|a| {
                    a.children()
                        .filter(|p| p.has_tag_name("mxPoint"))
                        .map(|p| (num(p, "x"), num(p, "y")))
                        .collect()
                })
                .unwrap_or_default();
            Cell {
                id: n.attribute("id").expect("id").to_string(),
                parent: n.attribute("parent").map(str::to_string),
                value: n.attribute("value").unwrap_or("").to_string(),
                style: n.attribute("style").unwrap_or("").to_string(),
                vertex: n.attribute("vertex") == Some("1"),
                edge: n.attribute("edge") == Some("1"),
                source: n.attribute("source").map(str::to_string),
                target: n.attribute("target").map(str::to_string),
                geo: geo
                    .filter(|g| g.attribute("relative") != Some("1"))
                    .map(|g| (num(g, "x"), num(g, "y"), num(g, "width"), num(g, "height"))),
                points,
            }
        })
        .collect()
}

/// The cells by id.
fn by_id(cs: &[Cell]) -> HashMap<&str, &Cell> {
    cs.iter().map(|c| (c.id.as_str(), c)).collect()
}

/// The structural rules every exported file keeps: unique ids, the two root cells first,
/// every parent defined before its children, every edge's ends defined.
fn assert_well_formed(cs: &[Cell]) {
    assert!(cs.len() >= 2);
    assert_eq!(cs[0].parent, None, "cell 0 is the root");
    assert_eq!(
        cs[1].parent.as_deref(),
        Some(cs[0].id.as_str()),
        "cell 1 is the layer"
    );
    let mut seen = HashSet::new();
    for c in cs {
        if let Some(p) = &c.parent {
            assert!(
                seen.contains(p),
                "{}: parent {p} is not defined before it",
                c.id
            );
        }
        assert!(seen.insert(c.id.clone()), "duplicate id {}", c.id);
    }
    for c in cs.iter().filter(|c| c.edge) {
        for end in [&c.source, &c.target].into_iter().flatten() {
            assert!(seen.contains(end), "edge {}: end {end} is no cell", c.id);
        }
    }
}

/// Absolute position of a cell: its geometry plus its ancestors'.
fn absolute(cs: &HashMap<&str, &Cell>, id: &str) -> (f32, f32) {
    let c = cs[id];
    let (x, y, _, _) = c.geo.expect("geometry");
    match c
        .parent
        .as_deref()
        .and_then(|p| cs.get(p))
        .filter(|p| p.geo.is_some())
    {
        Some(p) => {
            let (px, py) = absolute(cs, &p.id);
            (px + x, py + y)
        }
        None => (x, y),
    }
}

#[test]
fn boxes_nest_as_the_layout_nests_with_relative_geometry() {
    for path in [
        "specs/ohio-network.toml",
        "specs/microservices.toml",
        "specs/landing-zone.toml",
        "specs/hub-spoke.toml",
    ] {
        let d = compile(&spec(path));
        let xml = drawio(&d);
        let cs = cells(&xml);
        assert_well_formed(&cs);
        let by_id = by_id(&cs);
        let m = &d.model;
        let mut boxes = 0;
        for (k, ent) in m.entities.iter().enumerate() {
            let e = archdraw::model::EntId(k as u32);
            let Some(p) = d.layout.get(e) else { continue };
            if ent.kind_name == archdraw::model::TIER_COLUMN || ent.is_overlay() {
                continue;
            }
            boxes += 1;
            let c = by_id
                .get(ent.id.as_str())
                .unwrap_or_else(|| panic!("{path}: no cell for {}", ent.id));
            assert!(c.vertex, "{}", ent.id);
            // Its parent cell is its nearest drawn ancestor (or the layer).
            let want = m
                .ancestors(e)
                .find(|&a| {
                    d.layout.get(a).is_some() && m.get(a).kind_name != archdraw::model::TIER_COLUMN
                })
                .map_or(cs[1].id.clone(), |a| m.get(a).id.clone());
            assert_eq!(
                c.parent.as_deref(),
                Some(want.as_str()),
                "{path}: {}",
                ent.id
            );
            // Relative geometry adds up to the layout's absolute box (a glyph narrower or
            // flatter than its square icon box: centred in it, one side the same).
            let (x, y) = absolute(&by_id, &ent.id);
            let (_, _, w, h) = c.geo.unwrap();
            let r = p.rect;
            let node = matches!(&ent.kind, EntKind::Node { placement, .. }
                if !matches!(placement, Placement::Span(_)));
            if node && (w < r.w - 0.02 || h < r.h - 0.02) {
                assert!((x + w / 2.0 - r.cx()).abs() < 0.02, "{}", ent.id);
                assert!((y + h / 2.0 - r.cy()).abs() < 0.02, "{}", ent.id);
                assert!(
                    (w - r.w).abs() < 0.02 || (h - r.h).abs() < 0.02,
                    "{}",
                    ent.id
                );
            } else {
                for (got, want) in [(x, r.x), (y, r.y), (w, r.w), (h, r.h)] {
                    assert!(
                        (got - want).abs() < 0.02,
                        "{path}: {} at {got} not {want}",
                        ent.id
                    );
                }
            }
            // Groups hold their children; nodes do not.
            let container = c.style_has("container=1");
            match &ent.kind {
                EntKind::Node {
                    placement: Placement::Span(_),
                    ..
                } => assert!(container, "{path}: the band {} holds its icon", ent.id),
                _ if ent.is_node() => assert!(!container, "{path}: {}", ent.id),
                _ => assert!(container, "{path}: the group {} is a container", ent.id),
            }
            if let Some(t) = &p.label {
                if !matches!(ent.kind, EntKind::RouteTable { .. }) {
                    assert_eq!(c.value, t.text, "{path}: label of {}", ent.id);
                }
            }
        }
        assert!(boxes > 10, "{path}: {boxes} boxes");
    }
}

#[test]
fn one_edge_per_link_with_its_ends_bends_and_line_style() {
    for path in [
        "specs/ohio-network.toml",
        "specs/microservices.toml",
        "specs/hub-spoke.toml",
    ] {
        let d = compile(&spec(path));
        let cs = cells(&drawio(&d));
        let edges: Vec<&Cell> = cs.iter().filter(|c| c.edge).collect();
        assert_eq!(edges.len(), d.routes.links.len(), "{path}");
        for (r, e) in d.routes.links.iter().zip(&edges) {
            let link = &d.model.links[r.link];
            // (An end on an overlay of several boxes names the box it meets: `id#2`…)
            let base = |s: &Option<String>| {
                s.as_deref()
                    .map(|s| s.split('#').next().unwrap().to_string())
            };
            assert_eq!(
                base(&e.source).as_deref(),
                Some(d.model.get(link.from).id.as_str())
            );
            assert_eq!(
                base(&e.target).as_deref(),
                Some(d.model.get(link.to).id.as_str())
            );
            assert_eq!(
                e.parent.as_deref(),
                Some(cs[1].id.as_str()),
                "edges on the layer"
            );
            // The router's bends, as absolute waypoints.
            let inner = &r.points[1..r.points.len() - 1];
            assert_eq!(e.points.len(), inner.len(), "{path}: {}", e.id);
            for (a, b) in e.points.iter().zip(inner) {
                assert!((a.0 - b.0).abs() < 0.02 && (a.1 - b.1).abs() < 0.02);
            }
            // The ends pinned where the router put them.
            let by_id = by_id(&cs);
            let src = e.source.as_deref().unwrap();
            let (x, y) = absolute(&by_id, src);
            let (_, _, w, h) = by_id[src].geo.unwrap();
            let from = archdraw::geom::Rect::new(x, y, w, h);
            let fx: f32 = e.style_value("exitX").unwrap().parse().unwrap();
            let fy: f32 = e.style_value("exitY").unwrap().parse().unwrap();
            // (Fractions have three decimals: within half a thousandth of the side.)
            assert!((from.x + fx * from.w - r.points[0].0).abs() <= 0.0005 * from.w + 0.01);
            assert!((from.y + fy * from.h - r.points[0].1).abs() <= 0.0005 * from.h + 0.01);
            assert!(e.style_has("edgeStyle=orthogonalEdgeStyle"));
            let dashed = e.style_has("dashed=1");
            assert_eq!(
                dashed,
                link.style != archdraw::spec::LineStyle::Solid,
                "{path}: {}",
                e.id
            );
            let end_arrow = e.style_value("endArrow").unwrap();
            assert_eq!(
                end_arrow == "block",
                matches!(
                    link.arrow,
                    archdraw::spec::Arrow::Forward | archdraw::spec::Arrow::Both
                )
            );
            assert_eq!(e.value, r.label.as_ref().map_or("", |t| t.text.as_str()));
        }
    }
}

#[test]
fn frames_and_icons_use_the_aws4_library() {
    let d = compile(&spec("specs/ohio-network.toml"));
    let cs = cells(&drawio(&d));
    let by_id = by_id(&cs);
    let gricon = |id: &str| by_id[id].style_value("grIcon").map(str::to_string);
    assert_eq!(
        gricon("aws-cloud").as_deref(),
        Some("mxgraph.aws4.group_aws_cloud_alt")
    );
    assert_eq!(gricon("ohio").as_deref(), Some("mxgraph.aws4.group_region"));
    assert_eq!(gricon("main").as_deref(), Some("mxgraph.aws4.group_vpc2"));
    assert_eq!(by_id["public-a"].style_value("fillColor"), Some("#F2F6E8"));
    assert_eq!(by_id["private-a"].style_value("fillColor"), Some("#E6F6F7"));
    // Zones inside the VPC are real containers of their subnets.
    assert_eq!(by_id["public-a"].parent.as_deref(), Some("us-east-2a@main"));
    assert_eq!(by_id["us-east-2a@main"].parent.as_deref(), Some("main"));
    // Nodes drawn by the library's shapes, not by images.
    for id in ["nat-a", "igw", "api-a"] {
        let s = &by_id[id].style;
        assert!(s.contains("shape=mxgraph.aws4."), "{id}: {s}");
        assert!(!s.contains("shape=image"), "{id}: {s}");
    }
    // The load balancer across both public subnets: a band holding its icon.
    let band = by_id["web"];
    assert!(band.style_has("dashed=1") && band.style_has("container=1"));
    let icon = cs
        .iter()
        .find(|c| c.parent.as_deref() == Some("web"))
        .expect("the band's icon");
    assert!(
        icon.style.contains("application_load_balancer")
            || icon.style.contains("elastic_load_balancing"),
        "{}",
        icon.style
    );
    // The internet gateway on the VPC's border belongs to the VPC and straddles its line.
    assert_eq!(by_id["igw"].parent.as_deref(), Some("main"));
    assert!(by_id["igw"].geo.unwrap().1 < 0.0);
    // Route tables are text cards listing their routes.
    let rt = by_id["rt-private-a"];
    assert!(rt.value.contains("Private route table A"), "{}", rt.value);
    assert!(
        rt.value.contains("0.0.0.0/0") && rt.value.contains("nat-a"),
        "{}",
        rt.value
    );
}

#[test]
fn every_aws4_name_exists_in_the_library() {
    // Names of draw.io's AWS 4 palette (resIcon values and glyph shapes), listed from its
    // sidebar: a name the library lacks draws an empty square with no error in draw.io.
    let names = spec("tests/data/drawio-aws4-names.txt");
    let known: HashSet<&str> = names
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    for info in archdraw::catalog::KINDS {
        let Some(shape) = archdraw::render::drawio::shape_of(info.kind) else {
            continue;
        };
        assert!(
            known.contains(shape),
            "{}: mxgraph.aws4.{shape} is not in the library",
            info.kind
        );
    }
    let d = compile(&spec("specs/microservices.toml"));
    for c in cells(&drawio(&d)) {
        for key in ["resIcon", "grIcon", "shape"] {
            if let Some(v) = c
                .style_value(key)
                .and_then(|v| v.strip_prefix("mxgraph.aws4."))
            {
                if ["group", "groupCenter", "resourceIcon"].contains(&v) {
                    continue;
                }
                assert!(known.contains(v), "{}: {key}=mxgraph.aws4.{v}", c.id);
            }
        }
    }
}

#[test]
fn kinds_the_library_lacks_get_our_icon_as_an_image() {
    let d = compile(
        r#"
[nodes.dev]
kind = "envoy"
label = "Envoy <sidecar> & \"CI\""
[nodes.fn]
kind = "lambda"
[[links]]
from = "dev"
to = "fn"
style = "dashed"
arrow = "both"
label = "push & deploy"
"#,
    );
    let xml = drawio(&d);
    let cs = cells(&xml);
    assert_well_formed(&cs);
    let by_id = by_id(&cs);
    let img = by_id["dev"].style_value("image").expect("an image");
    assert!(
        img.starts_with("data:image/svg+xml,PHN2Zy"),
        "base64 of <svg: {img}"
    );
    // Markup in labels survives the round trip as text.
    assert_eq!(
        by_id["dev"].value,
        "Envoy &lt;sidecar&gt; &amp; &quot;CI&quot;"
    );
    let e = cs.iter().find(|c| c.edge).unwrap();
    assert_eq!(e.value, "push &amp; deploy");
    assert!(
        e.style_has("dashed=1") && e.style_has("startArrow=block"),
        "{}",
        e.style
    );
}

#[test]
fn twin_links_stay_two_edges_on_two_lines() {
    let d = compile(
        r#"
[nodes.office]
kind = "data-center"
[nodes.tgw]
kind = "transit-gateway"
[[links]]
from = "office"
to = "tgw"
label = "Direct Connect"
[[links]]
from = "office"
to = "tgw"
label = "backup VPN"
style = "dashed"
"#,
    );
    let cs = cells(&drawio(&d));
    let edges: Vec<&Cell> = cs.iter().filter(|c| c.edge).collect();
    assert_eq!(edges.len(), 2);
    let ids: HashSet<&str> = edges.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    let exits: Vec<_> = edges
        .iter()
        .map(|e| {
            (
                e.style_value("exitX").unwrap().to_string(),
                e.style_value("exitY").unwrap().to_string(),
            )
        })
        .collect();
    assert_ne!(exits[0], exits[1], "the twins leave at different points");
}

#[test]
fn every_shipped_spec_and_valid_case_exports_a_well_formed_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = ["specs", "tests/cases/valid"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() > 20);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let opts = archdraw::Options {
            icons: archdraw::icons::IconOptions {
                base_dir: f.parent().map(|p| p.to_path_buf()),
                ..Default::default()
            },
            ..Default::default()
        };
        let Ok(views) = archdraw::compile_views(&text, &opts, &[]) else {
            panic!("{}", f.display());
        };
        for (_, d) in views {
            let xml = drawio(&d);
            let cs = cells(&xml);
            assert_well_formed(&cs);
            assert_eq!(
                cs.iter().filter(|c| c.edge).count(),
                d.routes.links.len(),
                "{}",
                f.display()
            );
            assert_eq!(xml, drawio(&d), "{}: deterministic", f.display());
        }
    }
}

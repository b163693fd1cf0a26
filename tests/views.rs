//! Views (issue #15): one model, several pictures. Checked on the compiled model of each
//! view (what it holds, where its links go) and on the shipped specs' outputs.

use archdraw::model::EntKind;
use archdraw::{Diagram, Format, Options};

fn spec(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn view(text: &str, name: &str) -> Diagram {
    let opts = Options {
        view: Some(name.to_string()),
        ..Default::default()
    };
    archdraw::compile_with_options(text, &opts).unwrap_or_else(|e| {
        panic!(
            "view {name}: {:?}",
            e.iter().map(|d| &d.message).collect::<Vec<_>>()
        )
    })
}

fn ids(d: &Diagram) -> Vec<&str> {
    d.model
        .entities
        .iter()
        .filter(|e| !e.kind_name.is_empty())
        .map(|e| e.id.as_str())
        .collect()
}

/// Asserts that view `d` draws every id of `kept` and none of `left_out`.
#[track_caller]
fn assert_draws(d: &Diagram, kept: &[&str], left_out: &[&str]) {
    let ids = ids(d);
    for id in kept {
        assert!(ids.contains(id), "{id} missing from {ids:?}");
    }
    for id in left_out {
        assert!(!ids.contains(id), "{id} drawn: {ids:?}");
    }
}

/// The links of `d` as `from->to label`.
fn links(d: &Diagram) -> Vec<String> {
    d.model
        .links
        .iter()
        .map(|l| {
            format!(
                "{}->{}{}",
                d.model.get(l.from).id,
                d.model.get(l.to).id,
                l.label.as_ref().map_or(String::new(), |t| format!(" {t}"))
            )
        })
        .collect()
}

/// A small estate: a region with a zone-level data center, a VPC over two zones with a
/// border gateway, a NAT in a public subnet, two workers in private subnets, a database
/// in an isolated subnet, a region-level queue, and users outside.
const ESTATE: &str = r#"
[diagram]
title = "Estate"

[views.all]

[views.regions]
depth = "region"

[views.zones]
depth = "zone"
hide = ["users"]

[views.vpcs]
depth = "vpc"

[views.subnets]
depth = "subnet"

[views.no-workers]
hide = ["ec2"]

[views.db]
title = "The database"
only = ["db"]

[regions.r]
code = "eu-west-1"
zones = ["a", "b", "c"]

[nodes.dc]
kind = "data-center"
in = "eu-west-1c"

[vpcs.v]
region = "r"
cidr = "10.0.0.0/16"

[subnets.pub-a]
vpc = "v"
zone = "a"
cidr = "10.0.0.0/24"
tier = "public"

[subnets.priv-a]
vpc = "v"
zone = "a"
cidr = "10.0.1.0/24"
tier = "private"

[subnets.priv-b]
vpc = "v"
zone = "b"
cidr = "10.0.2.0/24"
tier = "private"

[subnets.data-a]
vpc = "v"
zone = "a"
cidr = "10.0.3.0/24"
tier = "isolated"

[gateways.igw]
type = "internet"
vpc = "v"

[gateways.nat]
type = "nat"
subnet = "pub-a"

[nodes.w1]
kind = "ec2"
in = "priv-a"

[nodes.w2]
kind = "ec2"
in = "priv-b"

[nodes.db]
kind = "rds"
in = "data-a"

[nodes.queue]
kind = "sqs"
in = "r"

[nodes.users]
kind = "users"

[[links]]
from = "users"
to = "igw"
label = "HTTPS"

[[links]]
from = "igw"
to = ["w1", "w2"]

[[links]]
from = ["w1", "w2"]
to = "queue"
label = "jobs"

[[links]]
from = "w1"
to = "db"

[[links]]
from = "w1"
to = "nat"
"#;

#[test]
fn a_view_without_filters_is_the_whole_model() {
    let whole = archdraw::compile(ESTATE).expect("compiles");
    let all = view(ESTATE, "all");
    assert_eq!(
        whole.render(Format::Svg, 1.0).unwrap(),
        all.render(Format::Svg, 1.0).unwrap()
    );
}

#[test]
fn depth_region_keeps_the_cloud_regions_and_what_sits_in_them() {
    let d = view(ESTATE, "regions");
    assert_draws(
        &d,
        &["r", "queue", "users"],
        &["v", "pub-a", "w1", "dc", "eu-west-1c", "igw"],
    );
    // users -> igw lifts to the region; the workers' links to the queue lift to the region,
    // which holds the queue: dropped, as is every link inside the VPC.
    assert_eq!(links(&d), vec!["users->r HTTPS"]);
}

#[test]
fn depth_zone_draws_zone_boxes_with_what_is_in_them_and_leaves_empty_ones_out() {
    let d = view(ESTATE, "zones");
    let zones: Vec<&str> = d
        .model
        .entities
        .iter()
        .filter(|e| matches!(e.kind, EntKind::Zone) && !e.kind_name.is_empty())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(
        zones,
        vec!["eu-west-1c"],
        "only the zone holding the data center"
    );
    assert!(ids(&d).contains(&"dc"));
    assert!(!ids(&d).contains(&"v"));
}

#[test]
fn depth_vpc_draws_closed_vpcs_with_their_border_gateways() {
    let d = view(ESTATE, "vpcs");
    assert_draws(
        &d,
        &["v", "igw", "queue", "users"],
        &["pub-a", "priv-a", "w1", "nat", "db"],
    );
    // The workers' fan-in to the queue lifts to one link from the VPC (merged); igw -> the
    // workers would join the gateway to its own VPC: dropped.
    assert_eq!(links(&d), vec!["users->igw HTTPS", "v->queue jobs"]);
}

#[test]
fn depth_subnet_draws_subnets_without_their_contents() {
    let d = view(ESTATE, "subnets");
    assert_draws(
        &d,
        &["v", "pub-a", "priv-a", "priv-b", "data-a", "igw"],
        &["w1", "w2", "nat", "db"],
    );
    let l = links(&d);
    for want in [
        "igw->priv-a",
        "igw->priv-b",
        "priv-a->queue jobs",
        "priv-b->queue jobs",
        "priv-a->data-a",
        "priv-a->pub-a",
    ] {
        assert!(l.contains(&want.to_string()), "{want} missing from {l:?}");
    }
}

#[test]
fn hide_by_kind_lifts_links_to_the_parent_and_merges_them() {
    let d = view(ESTATE, "no-workers");
    assert_draws(&d, &[], &["w1", "w2"]);
    let l = links(&d);
    // w1 and w2 were in different subnets: two lifted links, not merged.
    assert!(l.contains(&"priv-a->queue jobs".to_string()), "{l:?}");
    assert!(l.contains(&"priv-b->queue jobs".to_string()), "{l:?}");
    assert!(l.contains(&"igw->priv-a".to_string()), "{l:?}");
    // Merged: nothing twice.
    let mut sorted = l.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), l.len(), "a link drawn twice: {l:?}");
}

#[test]
fn only_keeps_the_named_thing_its_ancestors_and_its_title() {
    let d = view(ESTATE, "db");
    assert_draws(
        &d,
        &["db", "data-a", "v", "r"],
        &["w1", "priv-a", "queue", "users", "igw"],
    );
    assert!(links(&d).is_empty(), "{:?}", links(&d));
    assert_eq!(d.model.title.as_deref(), Some("The database"));
}

#[test]
fn every_view_of_the_estate_has_zero_layout_defects() {
    for name in archdraw::view_names(ESTATE) {
        let d = view(ESTATE, &name);
        let json = d.render(Format::Json, 1.0).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let r = archdraw::quality::check(&v).unwrap();
        assert!(r.defects.is_empty(), "{name}: {:?}", r.defects);
    }
}

#[test]
fn the_ohio_model_draws_todays_geographic_and_network_pictures() {
    let ohio = spec("specs/ohio.toml");
    for (name, file) in [
        ("geo", "specs/ohio-geo.toml"),
        ("network", "specs/ohio-network.toml"),
    ] {
        let own = archdraw::compile(&spec(file)).expect("compiles");
        let cut = view(&ohio, name);
        assert!(
            own.render(Format::Svg, 1.0).unwrap() == cut.render(Format::Svg, 1.0).unwrap(),
            "view {name} of specs/ohio.toml differs from {file}"
        );
    }
}

#[test]
fn the_microservices_views_show_the_pipeline_and_the_request_path() {
    let text = spec("specs/microservices.toml");
    let delivery = view(&text, "delivery");
    assert_draws(
        &delivery,
        &["github", "pipeline", "build", "ecr", "service", "api-a"],
        &["users", "alb", "pool", "xray", "envoy-a"],
    );
    let runtime = view(&text, "runtime");
    assert_draws(
        &runtime,
        &["users", "alb", "envoy-a", "api-a", "pool", "xray", "logs"],
        &["github", "pipeline", "ecr", "nat-a"],
    );
}

#[test]
fn a_view_is_laid_out_as_a_spec_of_its_size() {
    // Views are cut before layout: the layout of a small view holds only its boxes.
    let d = view(ESTATE, "vpcs");
    let placed = d.layout.boxes.iter().filter(|b| b.is_some()).count();
    let drawn = ids(&d).len();
    assert!(
        placed <= drawn + 1,
        "{placed} boxes laid out for {drawn} entities"
    );
}

#[test]
fn view_mistakes_are_diagnostics() {
    let bad = |views: &str| {
        let text = format!("{views}\n[nodes.a]\nkind = \"ec2\"\n[nodes.b]\nkind = \"sqs\"\n");
        let errs = archdraw::check(&text);
        errs.iter()
            .map(|d| format!("{} | {}", d.message, d.hint.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let e = bad("[views.x]\nhide = [\"aa\"]");
    assert!(
        e.contains("view `x` hides `aa`, which is no id or kind") && e.contains("`a`"),
        "{e}"
    );
    let e = bad("[views.x]\nonly = [\"c\"]");
    assert!(e.contains("view `x` keeps only `c`"), "{e}");
    let e = bad("[views.x]\ndepth = \"zones\"");
    assert!(
        e.contains("unknown depth `zones`") && e.contains("zone"),
        "{e}"
    );
    let e = bad("[views.x]\nhide = [\"ec2\", \"sqs\"]");
    assert!(e.contains("view `x` draws nothing"), "{e}");
    let e = bad("[views.x]\ncolour = \"red\"");
    assert!(e.contains("unknown key `colour`"), "{e}");
    // Asking for a view the spec lacks.
    let opts = Options {
        view: Some("nope".into()),
        ..Default::default()
    };
    let e = archdraw::compile_with_options("[views.geo]\n[nodes.a]\nkind = \"ec2\"\n", &opts)
        .expect_err("refused");
    assert!(e[0].message.contains("no view `nope`"), "{:?}", e[0]);
    assert!(
        e[0].hint.as_deref().is_some_and(|h| h.contains("geo")),
        "{:?}",
        e[0]
    );
}

#[test]
fn a_view_adds_no_warnings_of_its_own() {
    // Drawing one of a load balancer's two subnets is a view's business, not a mistake.
    let text = spec("specs/ohio-network.toml").replacen(
        "[regions.",
        "[views.a]\nhide = [\"public-b\"]\n\n[regions.",
        1,
    );
    let whole = archdraw::compile(&text).expect("compiles");
    let cut = view(&text, "a");
    assert_eq!(
        cut.warnings.len(),
        whole.warnings.len(),
        "{:?}",
        cut.warnings
    );
    assert!(!ids(&cut).contains(&"public-b"));
}

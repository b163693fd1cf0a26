//! Placement rules of issue #12 checked on the layout itself (not on snapshots): region-level
//! services go in a column beside the VPC they serve, a hub whose spokes wrap into several
//! rows sits between them, links from outside a frame come down clear of its title, links
//! inside one zone column are straight or bend once, and a wrapped rank keeps what links
//! onward next to the rank it links to.

use archdraw::geom::Rect;

/// The text of a spec, by its path in the repository.
fn spec(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every spec in specs/ and tests/cases/valid, as (path, text).
fn all_specs() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["specs", "tests/cases/valid"] {
        for e in std::fs::read_dir(root.join(dir)).expect("folder") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "toml") {
                let text = std::fs::read_to_string(&p).expect("readable");
                out.push((p.display().to_string(), text));
            }
        }
    }
    out.sort();
    out
}

fn bends(points: &[archdraw::geom::Point]) -> usize {
    points
        .windows(3)
        .filter(|w| {
            let h1 = (w[0].1 - w[1].1).abs() < 0.5;
            let h2 = (w[1].1 - w[2].1).abs() < 0.5;
            h1 != h2
        })
        .count()
}

/// The drawn points of the first link from `from` (to `to`, when given) in diagram `d`.
fn path(d: &archdraw::Diagram, from: &str, to: Option<&str>) -> Vec<archdraw::geom::Point> {
    d.routes
        .links
        .iter()
        .find(|r| {
            let l = &d.model.links[r.link];
            d.model.get(l.from).id == from && to.is_none_or(|t| d.model.get(l.to).id == t)
        })
        .unwrap_or_else(|| panic!("no link from {from} to {to:?}"))
        .points
        .clone()
}

/// The placed box (with its label) of entity `id` in diagram `d`.
fn placed<'a>(d: &'a archdraw::Diagram, id: &str) -> &'a archdraw::layout::Placed {
    let k = d
        .model
        .entities
        .iter()
        .position(|e| e.id == id)
        .unwrap_or_else(|| panic!("no entity {id}"));
    d.layout.boxes[k].as_ref().expect("placed")
}

fn boxes(text: &str) -> impl Fn(&str) -> Rect {
    let d = archdraw::compile(text).expect("compiles");
    move |id: &str| placed(&d, id).rect
}

#[test]
fn services_that_talk_to_one_thing_in_the_vpc_stand_beside_it_at_its_height() {
    let at = boxes(&spec("tests/cases/valid/region-services.toml"));
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
    let at = boxes(&spec("specs/hub-spoke.toml"));
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

#[test]
fn links_from_outside_come_down_into_a_subnet_clear_of_its_title() {
    // Every node with a link to something outside its subnet stands right of the subnet's
    // title, so that a link from above reaches it without crossing the title.
    for (path, text) in all_specs() {
        let d = archdraw::compile(&text).expect("compiles");
        if d.model.direction != archdraw::spec::Direction::Down {
            continue;
        }
        for (k, e) in d.model.entities.iter().enumerate() {
            let archdraw::model::EntKind::Node { placement, .. } = &e.kind else {
                continue;
            };
            if *placement != archdraw::model::Placement::Inside {
                continue;
            }
            let Some(sub) = e.parent.filter(|p| {
                matches!(
                    d.model.get(*p).kind,
                    archdraw::model::EntKind::Subnet { .. }
                )
            }) else {
                continue;
            };
            let id = archdraw::model::EntId(k as u32);
            let outside = d.model.links.iter().any(|l| {
                (l.from == id && !d.model.is_within(l.to, sub))
                    || (l.to == id && !d.model.is_within(l.from, sub))
            });
            if !outside {
                continue;
            }
            let node = d.layout.boxes[k].as_ref().expect("placed").rect;
            let title = d.layout.boxes[sub.index()]
                .as_ref()
                .and_then(|b| b.label.as_ref())
                .expect("subnet title")
                .rect;
            assert!(
                node.cx() > title.right(),
                "{path}: {} at {node:?} is under its subnet's title {title:?}",
                e.id
            );
        }
    }
}

#[test]
fn links_inside_one_zone_column_are_straight_or_bend_once() {
    // A task and its NAT gateway, a database and its reader: two nodes stacked in one zone
    // column are joined by a straight line or one bend, in rightward diagrams too (the
    // subnets of a VPC grid flow downward either way).
    let mut seen = 0;
    for (path, text) in all_specs() {
        let d = archdraw::compile(&text).expect("compiles");
        let column = |x: archdraw::model::EntId| {
            d.model.ancestors(x).find(|a| {
                matches!(
                    d.model.get(*a).kind,
                    archdraw::model::EntKind::ZoneColumn { .. }
                )
            })
        };
        for r in &d.routes.links {
            let l = &d.model.links[r.link];
            let (Some(a), Some(b)) = (column(l.from), column(l.to)) else {
                continue;
            };
            if a != b {
                continue;
            }
            seen += 1;
            assert!(
                bends(&r.points) <= 1,
                "{path}: {} -> {} has {} bends: {:?}",
                d.model.get(l.from).id,
                d.model.get(l.to).id,
                bends(&r.points),
                r.points
            );
        }
    }
    assert!(
        seen >= 6,
        "only {seen} links inside one zone column checked"
    );
}

#[test]
fn a_transit_star_has_its_hub_between_its_spokes_with_few_bends() {
    let d = archdraw::compile(&spec("tests/cases/valid/transit-star.toml")).expect("compiles");
    let total: usize = d.routes.links.iter().map(|r| bends(&r.points)).sum();
    assert!(
        total as f32 / d.routes.links.len() as f32 <= 1.6,
        "{total} bends over {} links",
        d.routes.links.len()
    );
}

#[test]
fn a_wrapped_rank_puts_what_links_onward_in_its_last_row() {
    // Of thirty VPCs in one rank, the two linked to the transit gateway stand in the row
    // next to it, so their links are short with at most one bend.
    let at = boxes(&spec("tests/cases/valid/aspect-wide.toml"));
    let tgw = at("tgw");
    for id in ["v0", "v29"] {
        let v = at(id);
        for other in (1..29).map(|i| format!("v{i}")) {
            assert!(
                v.y > at(&other).y,
                "{id} at {v:?} is not below {other}; the gateway is at {tgw:?}"
            );
        }
    }
    let d = archdraw::compile(&spec("tests/cases/valid/aspect-wide.toml")).expect("compiles");
    for r in &d.routes.links {
        assert!(bends(&r.points) <= 1, "{:?}", r.points);
    }
}

#[test]
fn a_fan_in_sink_has_its_label_below_so_links_come_in_from_both_sides() {
    let d = archdraw::compile(&spec("tests/cases/valid/fan-in.toml")).expect("compiles");
    let b = placed(&d, "queue");
    let label = b.label.as_ref().expect("label").rect;
    assert!(
        label.y >= b.rect.bottom(),
        "label {label:?} not below {:?}",
        b.rect
    );
    let ends: Vec<archdraw::geom::Point> = d
        .routes
        .links
        .iter()
        .map(|r| *r.points.last().expect("points"))
        .collect();
    assert!(
        ends.iter().any(|p| (p.0 - b.rect.x).abs() < 0.5),
        "no link in at the left"
    );
    assert!(
        ends.iter().any(|p| (p.0 - b.rect.right()).abs() < 0.5),
        "no link in at the right"
    );
}

#[test]
fn an_overlay_title_keeps_clear_of_the_links_of_its_members() {
    // The security group's title moves right along its top past Task 1, whose link comes
    // down from the queue, instead of sitting over it.
    let d = archdraw::compile(&spec("tests/cases/valid/groups.toml")).expect("compiles");
    let at = boxes(&spec("tests/cases/valid/groups.toml"));
    let task = at("task-1");
    let sg = d
        .layout
        .overlays
        .iter()
        .find(|o| d.model.get(o.ent).id == "sg")
        .expect("sg drawn");
    let title = sg.placed.label.as_ref().expect("title").rect;
    assert!(
        title.x > task.cx() || title.right() < task.cx(),
        "title {title:?} over task-1 {task:?}"
    );
    // The queue's label is on its right, so the link to the second task bends twice.
    for r in &d.routes.links {
        assert!(bends(&r.points) <= 2, "{:?}", r.points);
    }
}

#[test]
fn a_chain_runs_straight_with_branches_beside_it() {
    // CloudFront, WAF and API Gateway stand in one line; the function and its table too.
    let at = boxes(&spec("tests/cases/valid/serverless-chain.toml"));
    let x = at("cdn").cx();
    for id in ["waf", "api"] {
        assert!(
            (at(id).cx() - x).abs() < 0.5,
            "{id} at {:?} is off the line {x}",
            at(id)
        );
    }
    assert!((at("fn").cx() - at("table").cx()).abs() < 0.5);
    let d = archdraw::compile(&spec("tests/cases/valid/serverless-chain.toml")).expect("compiles");
    let total: usize = d.routes.links.iter().map(|r| bends(&r.points)).sum();
    assert!(total <= 4, "{total} bends");
}

#[test]
fn linked_regions_stand_side_by_side_when_the_page_allows() {
    let at = boxes(&spec("tests/cases/valid/two-regions.toml"));
    let (east, west) = (at("east"), at("west"));
    assert!(
        (east.y - west.y).abs() < 0.5,
        "{east:?} and {west:?} not side by side"
    );
    assert!(east.right() < west.x);
    // The replication runs straight across between the two databases.
    let d = archdraw::compile(&spec("tests/cases/valid/two-regions.toml")).expect("compiles");
    let repl = path(&d, "db-e", None);
    assert_eq!(bends(&repl), 0, "{repl:?}");
}

#[test]
fn a_band_over_a_middle_zone_goes_to_the_top_of_its_row() {
    // The load balancer spans three public subnets and covers the middle one from side to
    // side; the NAT gateways link down to the workers, so the band stands above them.
    let at = boxes(&spec("tests/cases/valid/overlays-three-zones.toml"));
    let nlb = at("nlb");
    for id in ["nat-a", "nat-b", "nat-c"] {
        assert!(nlb.bottom() < at(id).y, "band {nlb:?} not above {id}");
    }
    let d =
        archdraw::compile(&spec("tests/cases/valid/overlays-three-zones.toml")).expect("compiles");
    // Each link bends at most twice (the band's links leave it beside the NAT gateways;
    // the jog where one left the band a few px off its line is slid away).
    for r in &d.routes.links {
        assert!(bends(&r.points) <= 2, "{:?}", r.points);
    }
    assert!(
        !d.layout.overlays.iter().any(|o| o.part > 0),
        "an overlay is split"
    );
}

#[test]
fn every_spec_and_case_has_at_most_1_6_bends_per_link() {
    let mut worst = (0.0f32, String::new());
    for (path, text) in all_specs() {
        let d = archdraw::compile(&text).expect("compiles");
        if d.routes.links.is_empty() {
            continue;
        }
        let total: usize = d.routes.links.iter().map(|r| bends(&r.points)).sum();
        let per = total as f32 / d.routes.links.len() as f32;
        if per > worst.0 {
            worst = (per, path);
        }
    }
    assert!(worst.0 <= 1.6, "{}: {:.2} bends per link", worst.1, worst.0);
    assert!(worst.0 > 0.0, "no bends at all: the check measured nothing");
}

#[test]
fn members_of_a_group_face_their_partners_in_the_group_beside_it() {
    // B3 is linked from A1, B1 from A3: the right group lists B1 first, but draws B3 at
    // the top, level with A1, so both links are straight.
    let at = boxes(&spec("tests/cases/valid/corridor.toml"));
    assert!((at("b3").cy() - at("a1").cy()).abs() < 0.5);
    assert!((at("b1").cy() - at("a3").cy()).abs() < 0.5);
}

#[test]
fn a_band_reaches_over_its_targets_so_its_links_drop_straight() {
    // Load balancers across two and three zones, their targets a tier below and not in the
    // middle of the VPC: the band reaches over every target, and each link is one line.
    for (file, alb, targets) in [
        (
            "tests/cases/valid/three-zones.toml",
            "alb",
            &["app-1", "app-2", "app-3"][..],
        ),
        (
            "specs/microservices.toml",
            "alb",
            &["envoy-a", "envoy-b"][..],
        ),
    ] {
        let d = archdraw::compile(&spec(file)).expect("compiles");
        let band = placed(&d, alb).rect;
        for t in targets {
            let r = placed(&d, t).rect;
            assert!(
                band.x <= r.x && band.right() >= r.right(),
                "{file}: band {band:?} does not reach over {t} {r:?}"
            );
            let p = path(&d, alb, Some(t));
            assert_eq!(bends(&p), 0, "{file}: {alb} -> {t} bends: {p:?}");
        }
    }
    // Where a NAT gateway above the band links down to a task under it, the band keeps off
    // that way: the egress links stay straight and the band's own links bend instead.
    let d = archdraw::compile(&spec("specs/ohio-network.toml")).expect("compiles");
    let band = placed(&d, "web").rect;
    for (task, nat) in [("api-a", "nat-a"), ("api-b", "nat-b")] {
        let r = placed(&d, task).rect;
        assert!(
            band.right() < r.x || band.x > r.right(),
            "band {band:?} stands over {task} {r:?}"
        );
        assert_eq!(bends(&path(&d, task, Some(nat))), 0, "{task} -> {nat}");
    }
}

#[test]
fn an_office_linked_deep_into_the_cloud_stands_beside_it_level_with_its_first_link() {
    // The head office's router reaches Direct Connect and, under it, the transit gateway in
    // the network account: the office stands left of the cloud (not above it, which drew
    // both links down the whole organization's side), level with Direct Connect; its
    // router's label goes under the icon, so the first link runs straight out of its side.
    let d = archdraw::compile(&spec("specs/landing-zone.toml")).expect("compiles");
    let (office, cloud) = (placed(&d, "dc").rect, placed(&d, "aws-cloud").rect);
    assert!(
        office.right() < cloud.x,
        "office {office:?} not left of {cloud:?}"
    );
    let (router, dx) = (placed(&d, "router").rect, placed(&d, "dx").rect);
    assert!((router.cy() - dx.cy()).abs() < 0.5, "{router:?} vs {dx:?}");
    assert_eq!(bends(&path(&d, "router", Some("dx"))), 0);
    assert!(bends(&path(&d, "router", Some("tgw"))) <= 2);
}

#[test]
fn a_node_linked_to_two_things_in_the_row_below_stands_over_one_of_them() {
    // The storefront links to the database and to the cache beside it in the isolated
    // subnet: it stands over the cache (the right one: a straight link) and reaches the
    // database from its free left side with one bend, not over the gap between them, where
    // both links bent and their shared stub read as a link from the database to the cache.
    let d = archdraw::compile(&spec("specs/web-shop.toml")).expect("compiles");
    let (web, cache) = (placed(&d, "web-a").rect, placed(&d, "cache-a").rect);
    // Over it: as far as the subnets let the two move, the boxes share a vertical line.
    assert!(
        web.x < cache.right() - 8.0 && cache.x < web.right() - 8.0,
        "{web:?} over {cache:?}"
    );
    assert_eq!(bends(&path(&d, "web-a", Some("cache-a"))), 0);
    let to_db = path(&d, "web-a", Some("writer"));
    assert_eq!(bends(&to_db), 1, "{to_db:?}");
    assert!(
        to_db[0].0 < web.x + 0.5,
        "leaves from the left side: {to_db:?}"
    );
}

#[test]
fn a_node_reached_from_above_stands_clear_of_its_zone_title() {
    // An API above the VPC calls a function in the first subnet of each zone column: the
    // functions stand right of the columns' centred titles (the columns widen for it), so
    // the links come down beside the titles instead of winding round them (5 bends before).
    let d = archdraw::compile(&spec("tests/cases/valid/serverless-into-zone-columns.toml"))
        .expect("compiles");
    for (f, col) in [("fn-a", "eu-central-1a@v"), ("fn-b", "eu-central-1b@v")] {
        let title = placed(&d, col).label.as_ref().expect("zone title").rect;
        let node = placed(&d, f).rect;
        assert!(
            node.cx() >= title.right() + 11.5,
            "{f} {node:?} under the title {title:?}"
        );
        let p = path(&d, "api", Some(f));
        assert!(bends(&p) <= 3, "api -> {f}: {p:?}");
    }
}

#[test]
fn a_band_stands_above_targets_in_its_own_row() {
    // Web servers in the load balancer's own public subnets: the band is at the top of the
    // row and the servers below it, so traffic flows down.
    let at = boxes(&spec("tests/cases/valid/band-targets-in-row.toml"));
    let alb = at("alb");
    for id in ["web-a", "web-b"] {
        assert!(
            alb.bottom() < at(id).y,
            "band {alb:?} not above {id} {:?}",
            at(id)
        );
    }
}

#[test]
fn a_gateway_on_the_top_line_stands_over_the_first_thing_it_links_to() {
    // The internet gateway links to the load balancer just under it and to a bastion deep
    // in zone b: it stands right over the band's icon, so that link is straight.
    let d = archdraw::compile(&spec("tests/cases/valid/gateway-over-nearest.toml")).expect("ok");
    let at = |id: &str| {
        let k = d.model.entities.iter().position(|e| e.id == id).expect(id);
        d.layout.boxes[k].clone().expect("placed")
    };
    let igw = at("igw").rect;
    let alb = at("alb");
    let icon = alb.icon.expect("band icon");
    assert!(
        (igw.cx() - icon.cx()).abs() < 0.5,
        "igw {igw:?} not over the band's icon {icon:?}"
    );
}

#[test]
fn two_sinks_under_two_sources_stand_one_under_each() {
    // X-Ray and CloudWatch both receive from the OpenTelemetry collectors of both zones:
    // one stands under each collector, so two of the four links are straight.
    let at = boxes(&spec("specs/microservices.toml"));
    let (a, b) = (at("otel-a").cx(), at("otel-b").cx());
    let (xray, logs) = (at("xray").cx(), at("logs").cx());
    assert!(
        (xray - a).abs() < 0.5,
        "X-Ray at {xray}, collector a at {a}"
    );
    assert!(
        (logs - b).abs() < 0.5,
        "CloudWatch at {logs}, collector b at {b}"
    );
}

#[test]
fn a_gateway_linked_to_things_below_the_grid_sits_on_the_bottom_line() {
    let text = spec("tests/cases/valid/gateway-below-grid.toml");
    let at = boxes(&text);
    let (eigw, updater, vpc) = (at("eigw"), at("updater"), at("main"));
    assert!(
        (eigw.cy() - vpc.bottom()).abs() < 0.5,
        "gateway {eigw:?} not on the bottom line of {vpc:?}"
    );
    assert!(eigw.y > updater.bottom());
    let d = archdraw::compile(&text).expect("compiles");
    assert_eq!(
        bends(&d.routes.links[0].points),
        0,
        "{:?}",
        d.routes.links[0].points
    );
}

#[test]
fn wrapped_rows_of_a_fan_in_stand_staggered_so_every_link_bends_once() {
    // Sixteen functions feeding one queue wrap into two rows; the second row stands
    // between the first row's links, so none of them has to go round it.
    let d = archdraw::compile(&spec("tests/cases/valid/fan-in.toml")).expect("compiles");
    for r in &d.routes.links {
        assert!(bends(&r.points) <= 1, "{:?}", r.points);
    }
}

#[test]
fn things_below_the_grid_stand_under_what_they_link_to() {
    let text = spec("tests/cases/valid/below-grid-under-partner.toml");
    let at = boxes(&text);
    // The function stands under the task it invokes: its link runs straight up.
    let (f, task) = (at("fn"), at("task"));
    assert!((f.cx() - task.cx()).abs() < 1.0, "{f:?} under {task:?}");
    let d = archdraw::compile(&text).expect("compiles");
    let mut routes = d.model.links.iter().zip(&d.routes.links);
    let (_, r) = routes
        .find(|(l, _)| d.model.get(l.from).id == "fn")
        .expect("fn -> task");
    assert_eq!(bends(&r.points), 0);
    // The queue's table has the cache under it: no straight line there, so the queue does
    // not stand under the table (it keeps to the left of the function instead).
    let (q, table) = (at("queue"), at("table"));
    assert!((q.cx() - table.cx()).abs() > 1.0 && q.right() < f.x);
}

#[test]
fn a_spoke_linked_out_of_the_cloud_goes_in_the_row_facing_that_link() {
    // hub-spoke: the shared-services VPC's VPN gateway links to the data centre placed
    // after the cloud; of the hub's spokes, that VPC goes in the row below the hub, and the
    // VPN line runs straight down to the customer gateway.
    let text = spec("specs/hub-spoke.toml");
    let at = boxes(&text);
    assert!(
        at("shared").y > at("tgw").bottom(),
        "shared services below the hub"
    );
    let d = archdraw::compile(&text).expect("compiles");
    let vpn = path(&d, "vgw", None);
    assert_eq!(bends(&vpn), 0, "{vpn:?}");
}

#[test]
fn a_gateway_goes_on_the_side_facing_where_its_partner_is_drawn() {
    // The VPN gateway has one link in and one out with the data center; the app's export
    // makes the data center come after the cloud, so the gateway faces down, and the data
    // center lines its gateway up under it (the median of its pulls: the two VPN links, not
    // the mean with the export).
    let text = spec("tests/cases/valid/gateway-faces-partner.toml");
    let at = boxes(&text);
    let (vgw, cgw, vpc) = (at("vgw"), at("cgw"), at("main"));
    assert!(
        (vgw.cy() - vpc.bottom()).abs() < 0.5,
        "gateway {vgw:?} not on the bottom line of {vpc:?}"
    );
    assert!(
        cgw.y > vgw.bottom() && cgw.x < vgw.cx() && vgw.cx() < cgw.right(),
        "customer gateway {cgw:?} not under {vgw:?}"
    );
    let d = archdraw::compile(&text).expect("compiles");
    for (from, to) in [("cgw", "vgw"), ("vgw", "cgw")] {
        let p = path(&d, from, Some(to));
        assert_eq!(bends(&p), 0, "{from} -> {to}: {p:?}");
    }
}

#[test]
fn a_chain_over_a_fan_out_behind_other_tiers_stands_over_its_middle() {
    // API Gateway fans out to a function in the private subnet of each zone; public subnets
    // stand above both, so neither link can be straight: the chain over the VPC centres on
    // the two functions (before: over the first, and its link bent round the public subnet
    // all the same).
    let text = spec("tests/cases/valid/api-over-two-zones.toml");
    let at = boxes(&text);
    let (api, waf, cdn) = (at("api"), at("waf"), at("cdn"));
    let (a, b) = (at("fn-a"), at("fn-b"));
    let mid = (a.cx() + b.cx()) / 2.0;
    assert!(
        (api.cx() - mid).abs() <= 0.25 * (b.cx() - a.cx()),
        "API Gateway at {} is not near the middle {mid} of {} and {}",
        api.cx(),
        a.cx(),
        b.cx()
    );
    for n in [waf, cdn] {
        assert!(
            (n.cx() - api.cx()).abs() < 0.5,
            "chain not straight: {n:?} vs {api:?}"
        );
    }
}

#[test]
fn in_a_rightward_diagram_a_node_linked_to_the_far_end_stands_in_a_row_over_it() {
    let text = spec("tests/cases/valid/pipeline-right.toml");
    let at = boxes(&text);
    let (analyst, curated, cloud) = (at("analyst"), at("curated"), at("aws-cloud"));
    let (web, ingest) = (at("web"), at("ingest"));
    assert!(
        analyst.bottom() < cloud.y || analyst.y > cloud.bottom(),
        "analyst {analyst:?} not above or below the cloud {cloud:?}"
    );
    assert!(
        (analyst.cx() - curated.cx()).abs() < 0.5,
        "analyst at {} not over the curated tables at {}",
        analyst.cx(),
        curated.cx()
    );
    // The apps, linked to the pipeline's start, still come before it.
    assert!(web.right() < cloud.x && web.cx() < ingest.cx());
    let d = archdraw::compile(&text).expect("compiles");
    let q = path(&d, "analyst", None);
    assert_eq!(bends(&q), 0, "{q:?}");
}

#[test]
fn a_dashed_and_a_solid_link_from_one_side_run_apart_without_crossing() {
    // Enrich sends solid alerts and dashed metrics, both leaving its right side and turning
    // down: they must not share a trunk (a dashed line on a solid one reads as neither) and
    // their ports must nest (the one turning first nearest the way both turn), not cross.
    let text = spec("tests/cases/valid/pipeline-right.toml");
    let d = archdraw::compile(&text).expect("compiles");
    let (alerts, dash) = (
        path(&d, "enrich", Some("alerts")),
        path(&d, "enrich", Some("dash")),
    );
    let segs = |p: &[archdraw::geom::Point]| p.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>();
    for (a0, a1) in segs(&alerts) {
        for (b0, b1) in segs(&dash) {
            let (ah, bh) = (a0.1 == a1.1, b0.1 == b1.1);
            if ah == bh {
                // Parallel: not on one line over any stretch.
                let (ca, cb) = if ah { (a0.1, b0.1) } else { (a0.0, b0.0) };
                let span = |p: (f32, f32), q: (f32, f32)| {
                    if ah {
                        (p.0.min(q.0), p.0.max(q.0))
                    } else {
                        (p.1.min(q.1), p.1.max(q.1))
                    }
                };
                let (s, t) = (span(a0, a1), span(b0, b1));
                assert!(
                    (ca - cb).abs() >= 1.0 || s.1.min(t.1) - s.0.max(t.0) <= 1.0,
                    "alerts {alerts:?} and metrics {dash:?} share a line"
                );
            } else {
                // Perpendicular: no proper crossing.
                let (h0, h1, v0, v1) = if ah {
                    (a0, a1, b0, b1)
                } else {
                    (b0, b1, a0, a1)
                };
                let x = v0.0;
                let y = h0.1;
                let inside = x > h0.0.min(h1.0) + 0.5
                    && x < h0.0.max(h1.0) - 0.5
                    && y > v0.1.min(v1.1) + 0.5
                    && y < v0.1.max(v1.1) - 0.5;
                assert!(!inside, "alerts {alerts:?} crosses metrics {dash:?}");
            }
        }
    }
}

#[test]
fn a_member_linked_only_out_of_its_group_stands_in_the_last_row() {
    // The log shipper talks only to the log group below the VPC: it stands in the task's
    // last row beside the worker, not up beside the proxy.
    let at = boxes(&spec("tests/cases/valid/sidecar-in-last-row.toml"));
    let (shipper, app, proxy) = (at("shipper"), at("app"), at("proxy"));
    assert!(
        (shipper.cy() - app.cy()).abs() < 0.5,
        "shipper {shipper:?} is not in the row of the worker {app:?}"
    );
    assert!(
        shipper.y > proxy.bottom(),
        "shipper {shipper:?} beside the proxy {proxy:?}"
    );
}

#[test]
fn icons_of_a_side_column_stand_in_one_line_whatever_their_label() {
    // The source repository has its label below (its link from the developer comes in from
    // the outer side); build and registry have theirs on the outer side. Their icons still
    // line up.
    let at = boxes(&spec("tests/cases/valid/sidecar-in-last-row.toml"));
    let x = at("build").right();
    for id in ["source", "registry"] {
        assert!(
            (at(id).right() - x).abs() < 0.5,
            "{id} at {:?} is out of the column line {x}",
            at(id)
        );
    }
    assert!(x < at("main").x, "the column is not left of the VPC");
}

#[test]
fn below_the_grid_a_node_stands_under_the_channel_its_link_comes_down() {
    // The private subnet between the bucket and the stream holds neither: the link comes
    // down beside it, and the stream stands there, so the link bends once.
    let text = spec("tests/cases/valid/below-grid-beside-tiers.toml");
    let at = boxes(&text);
    let (stream, private, zone) = (at("stream"), at("private-a"), at("eu-north-1a@main"));
    assert!(
        stream.cx() < private.x && stream.cx() > zone.x,
        "stream {stream:?} is not under the channel between zone {zone:?} and {private:?}"
    );
    let d = archdraw::compile(&text).expect("compiles");
    let b = bends(&path(&d, "bucket", Some("stream")));
    assert!(b <= 1, "{b} bends");
}

#[test]
fn a_gateway_sits_on_the_line_its_side_names_with_its_partner_beside_it() {
    let text = spec("tests/cases/valid/gateways-on-side-lines.toml");
    let at = boxes(&text);
    let (vpc, cloud) = (at("main"), at("aws-cloud"));
    let (igw, vgw) = (at("igw"), at("vgw"));
    assert!(
        (igw.cx() - vpc.right()).abs() < 0.5,
        "igw {igw:?} off the right line of {vpc:?}"
    );
    assert!(
        (vgw.cx() - vpc.x).abs() < 0.5,
        "vgw {vgw:?} off the left line of {vpc:?}"
    );
    assert!(
        at("users").x > cloud.right(),
        "users not right of the cloud"
    );
    assert!(
        at("office").right() < cloud.x,
        "office router not left of the cloud"
    );
    let d = archdraw::compile(&text).expect("compiles");
    for (from, to) in [("users", "igw"), ("office", "vgw"), ("vgw", "app-a")] {
        let b = bends(&path(&d, from, Some(to)));
        assert_eq!(b, 0, "{from} -> {to} bends {b} times");
    }
}

#[test]
fn a_column_item_whose_outside_partner_stands_above_keeps_its_label_on_the_outer_side() {
    // Users link to the internet gateway and to the user pool: they stand above the cloud,
    // and their link comes into the pool from the top, so the pool's label is on its left
    // (the column's outer side). GitHub links only to the pipeline and stands beside the
    // cloud: the pipeline's label goes below, keeping its left side free for that link.
    let d = archdraw::compile(&spec("specs/microservices.toml")).expect("compiles");
    let placed = |id: &str| {
        let k = d
            .model
            .entities
            .iter()
            .position(|e| e.id == id)
            .expect("entity");
        d.layout.boxes[k].clone().expect("placed")
    };
    let pool = placed("pool");
    let label = pool.label.expect("label").rect;
    assert!(
        label.right() <= pool.rect.x,
        "pool label {label:?} not left of {:?}",
        pool.rect
    );
    let pipeline = placed("pipeline");
    let label = pipeline.label.expect("label").rect;
    assert!(
        label.y >= pipeline.rect.bottom(),
        "pipeline label {label:?} not below its icon"
    );
}

#[test]
fn a_chain_from_outside_runs_straight_down_into_its_gateway() {
    // Shoppers -> CloudFront -> WAF -> internet gateway, with CloudFront also linked to S3
    // further down: the chain lines up over the gateway; the S3 link bends.
    let at = boxes(&spec("specs/web-shop.toml"));
    let x = at("igw").cx();
    for id in ["shoppers", "cdn", "waf"] {
        assert!(
            (at(id).cx() - x).abs() < 0.5,
            "{id} at {} not over the gateway at {x}",
            at(id).cx()
        );
    }
}

#[test]
fn no_link_turns_within_10_px_of_its_ends() {
    // A link that turns a few px from its box reads as a hook on the box's side.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = all_specs();
    for e in std::fs::read_dir(root.join("tests/cases/fuzz")).expect("folder") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&p).expect("readable");
            texts.push((p.display().to_string(), text));
        }
    }
    let mut checked = 0;
    for (path, text) in texts {
        let Ok(d) = archdraw::compile(&text) else {
            continue;
        };
        for r in &d.routes.links {
            let p = &r.points;
            if p.len() < 3 {
                continue;
            }
            for (a, b) in [(p[0], p[1]), (p[p.len() - 1], p[p.len() - 2])] {
                let len = (a.0 - b.0).abs() + (a.1 - b.1).abs();
                assert!(len >= 10.0, "{path}: a {len} px end stub in {p:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} ends checked");
}

#[test]
fn a_stream_fed_from_three_zones_passes_straight_on_down_its_chain() {
    // Workers in three zones feed the stream; the stream feeds one function, which feeds
    // the lake. The stream's label goes on its right, so the chain leaves its bottom and
    // runs straight (a label below would send it out sideways and back).
    let text = spec("specs/eks-streaming.toml");
    let d = archdraw::compile(&text).expect("compiles");
    let b = placed(&d, "stream");
    let label = b.label.as_ref().expect("label").rect;
    assert!(
        label.x >= b.rect.right(),
        "label {label:?} not right of {:?}",
        b.rect
    );
    assert_eq!(path(&d, "stream", Some("etl")).len(), 2, "a straight link");
    assert_eq!(path(&d, "etl", Some("lake")).len(), 2, "a straight link");
}

//! Stage 3, `validate`: semantic checks of a [`Model`] (spec.md "Semantic checks").
//!
//! Takes a resolved model; gives diagnostics (errors and warnings) about things that are
//! well-formed but wrong as AWS networking: CIDR blocks, NAT placement, routes, load balancer
//! zones. It never changes the model.

use crate::diag::Diagnostic;
use crate::model::{EntKind, Model};
use crate::spec::{LbType, Tier};
use ipnet::Ipv4Net;

/// Runs every semantic check; returns all findings.
pub fn validate(m: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    subnet_cidrs(m, &mut out);
    nat_placement(m, &mut out);
    routes(m, &mut out);
    load_balancers(m, &mut out);
    out
}

fn cidr_of(m: &Model, e: crate::model::EntId) -> Option<Ipv4Net> {
    match m.get(e).kind {
        EntKind::Vpc { cidr } | EntKind::Subnet { cidr, .. } => cidr,
        _ => None,
    }
}

// 1. Each subnet inside its VPC's block, and no two subnets of one VPC overlapping.
fn subnet_cidrs(m: &Model, out: &mut Vec<Diagnostic>) {
    let subnets: Vec<_> = (0..m.entities.len())
        .map(|i| crate::model::EntId(i as u32))
        .filter(|e| matches!(m.get(*e).kind, EntKind::Subnet { .. }))
        .collect();
    // The subnets of each VPC seen so far, in order: only those can overlap a later one.
    let mut of_vpc: std::collections::HashMap<crate::model::EntId, Vec<crate::model::EntId>> =
        std::collections::HashMap::new();
    for &s in &subnets {
        let (Some(net), Some(vpc)) = (cidr_of(m, s), m.vpc_of(s)) else {
            continue;
        };
        let earlier = of_vpc.entry(vpc).or_default();
        let span = m.cidr_spans.get(&s).copied();
        if let Some(vnet) = cidr_of(m, vpc) {
            if !vnet.contains(&net) {
                out.push(
                    Diagnostic::error(
                        span,
                        format!(
                            "subnet `{}` CIDR {net} is not inside its VPC `{}` ({vnet})",
                            m.get(s).id,
                            m.get(vpc).id
                        ),
                    )
                    .with_hint(format!("choose a block within {vnet}")),
                );
            }
        }
        for &t in earlier.iter() {
            let Some(other) = cidr_of(m, t) else { continue };
            if other.contains(&net) || net.contains(&other) {
                out.push(
                    Diagnostic::error(
                        span,
                        format!(
                            "subnet `{}` ({net}) overlaps subnet `{}` ({other})",
                            m.get(s).id,
                            m.get(t).id
                        ),
                    )
                    .with_hint("subnets of one VPC need disjoint CIDR blocks"),
                );
            }
        }
        earlier.push(s);
    }
}

fn tier_of(m: &Model, e: crate::model::EntId) -> Option<Tier> {
    match m.get(e).kind {
        EntKind::Subnet { tier, .. } => Some(tier),
        _ => None,
    }
}

// 2. NAT gateways belong in public subnets.
fn nat_placement(m: &Model, out: &mut Vec<Diagnostic>) {
    for &n in &m.nat_gateways {
        let Some(p) = m.get(n).parent else { continue };
        if let Some(t) = tier_of(m, p).filter(|t| *t != Tier::Public) {
            out.push(
                Diagnostic::warning(
                    m.get(n).span,
                    format!(
                        "NAT gateway `{}` is in {} subnet `{}`",
                        m.get(n).id,
                        t.as_str(),
                        m.get(p).id
                    ),
                )
                .with_hint("a NAT gateway needs a public subnet to reach the internet gateway"),
            );
        }
    }
}

// 3. Routes: valid destinations, targets in the same VPC (or a transit gateway), public subnets
//    with a default route to an internet gateway, one route table per subnet.
fn routes(m: &Model, out: &mut Vec<Diagnostic>) {
    // The first route table of each subnet.
    let mut seen_subnets: std::collections::HashMap<crate::model::EntId, String> =
        std::collections::HashMap::new();
    for rt in &m.route_tables {
        for r in &rt.routes {
            if r.to.value.parse::<Ipv4Net>().is_err() && !r.to.value.starts_with("pl-") {
                out.push(
                    Diagnostic::error(
                        r.to.span,
                        format!("route destination `{}` is not a CIDR block", r.to.value),
                    )
                    .with_hint("write it as address/prefix, e.g. \"0.0.0.0/0\""),
                );
            }
            let Some(t) = r.target else { continue };
            let target = m.get(t);
            let is_transit = target.kind_name == "transit-gateway";
            if !is_transit && m.vpc_of(t) != Some(rt.vpc) {
                out.push(
                    Diagnostic::error(
                        r.via.span,
                        format!(
                            "route target `{}` is not in VPC `{}`",
                            target.id,
                            m.get(rt.vpc).id
                        ),
                    )
                    .with_hint("route through a gateway of the same VPC, or a transit gateway"),
                );
            }
        }
        for &s in &rt.subnets {
            if m.vpc_of(s) != Some(rt.vpc) {
                out.push(
                    Diagnostic::error(
                        rt.id.span,
                        format!(
                            "route table `{}` (VPC `{}`) is associated with subnet `{}` of another VPC",
                            rt.id.value,
                            m.get(rt.vpc).id,
                            m.get(s).id
                        ),
                    )
                    .with_hint("a route table serves subnets of its own VPC"),
                );
            }
            if let Some(other) = seen_subnets.get(&s) {
                out.push(
                    Diagnostic::error(
                        rt.id.span,
                        format!(
                            "subnet `{}` is associated with two route tables (`{other}` and `{}`)",
                            m.get(s).id,
                            rt.id.value
                        ),
                    )
                    .with_hint("a subnet has exactly one route table"),
                );
            }
            seen_subnets.entry(s).or_insert_with(|| rt.id.value.clone());
            if tier_of(m, s) == Some(Tier::Public) {
                let to_igw = rt.routes.iter().any(|r| {
                    r.to.value == "0.0.0.0/0"
                        && r.target
                            .is_some_and(|t| m.get(t).kind_name == "internet-gateway")
                });
                if !to_igw {
                    out.push(
                        Diagnostic::warning(
                            rt.id.span,
                            format!(
                                "public subnet `{}` has no default route to an internet gateway in route table `{}`",
                                m.get(s).id,
                                rt.id.value
                            ),
                        )
                        .with_hint("add routes = [{ to = \"0.0.0.0/0\", via = \"<internet gateway id>\" }], or make the subnet private"),
                    );
                }
            }
        }
    }
}

// 4. Application load balancers need subnets in at least two zones.
fn load_balancers(m: &Model, out: &mut Vec<Diagnostic>) {
    for lb in &m.load_balancers {
        if lb.kind != LbType::Application {
            continue;
        }
        // (A sketch whose subnets name no zone is not checked.)
        let sketch = lb.subnets.iter().any(|(s, _)| {
            m.get(*s)
                .parent
                .is_some_and(|c| m.get(c).kind_name == crate::model::TIER_COLUMN)
        });
        if sketch {
            continue;
        }
        let mut zones: Vec<String> = lb
            .subnets
            .iter()
            .filter_map(|(s, _)| m.get(*s).parent.map(|z| m.get(z).label.clone()))
            .collect();
        zones.sort();
        zones.dedup();
        if zones.len() < 2 {
            out.push(
                Diagnostic::warning(
                    lb.subnets_span,
                    format!(
                        "application load balancer `{}` has subnets in only one availability zone",
                        m.get(lb.entity).id
                    ),
                )
                .with_hint("AWS requires subnets in at least two zones for an ALB"),
            );
        }
    }
}

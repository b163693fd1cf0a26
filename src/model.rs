//! Stage 2, `model`: [`Spec`] → [`Model`], every reference resolved and typed.
//!
//! Takes a parsed spec; gives one tree of [`Entity`]s (cloud → regions → VPCs → zone columns →
//! subnets → nodes, plus outside nodes and groups), the links between them, and the route
//! tables and load balancers that the semantic checks of `validate` need. Unknown ids, unknown
//! kinds, duplicate ids and parent cycles are reported here, all at once.

use crate::catalog::{self, KindInfo};
use crate::diag::{Diagnostic, Span};
use crate::regions;
use crate::spec::{Arrow, Direction, GatewayType, LbType, LineStyle, Sp, Spec, Theme, Tier};
use ipnet::Ipv4Net;
use std::collections::HashMap;

/// Index of an entity in [`Model::entities`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntId(pub u32);

impl EntId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// How a node sits in its parent.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// Inside the parent, laid out with its siblings.
    Inside,
    /// Centred on the parent's border (internet, egress-only and VPN gateways on a VPC).
    Border,
    /// Drawn once as a band across these groups (a load balancer in several subnets).
    Span(Vec<EntId>),
}

/// What an entity is.
#[derive(Debug, Clone)]
pub enum EntKind {
    /// The AWS Cloud box around every region.
    Cloud,
    Region {
        code: String,
    },
    /// A zone drawn as its own box in a region (the geographic view).
    Zone,
    /// A zone drawn as a column inside a VPC; `order` is its position among the VPC's columns.
    ZoneColumn {
        order: usize,
    },
    Vpc {
        cidr: Option<Ipv4Net>,
    },
    Subnet {
        tier: Tier,
        cidr: Option<Ipv4Net>,
    },
    /// A group declared in `[groups]` with `in` (a frame with children).
    Group {
        kind: String,
    },
    /// A group declared with `span`: drawn around members that live in different parents.
    Overlay {
        kind: String,
        members: Vec<EntId>,
    },
    /// An icon node.
    Node {
        info: &'static KindInfo,
        placement: Placement,
    },
    /// A route table card: its routes as (destination, target) rows.
    RouteTable {
        rows: Vec<(String, String)>,
    },
}

/// One box of the diagram, before layout.
#[derive(Debug, Clone)]
pub struct Entity {
    /// Unique id used in the JSON export (`us-east-2a@main` for zone columns).
    pub id: String,
    /// Kind name as exported: `cloud`, `region`, `zone`, `vpc`, `subnet`, a group kind or a
    /// catalogued node kind.
    pub kind_name: String,
    pub label: String,
    pub parent: Option<EntId>,
    pub children: Vec<EntId>,
    pub span: Option<Span>,
    pub kind: EntKind,
    /// A custom icon file named by the spec.
    pub icon: Option<Sp<String>>,
}

impl Entity {
    pub fn is_node(&self) -> bool {
        matches!(self.kind, EntKind::Node { .. } | EntKind::RouteTable { .. })
    }
    pub fn is_overlay(&self) -> bool {
        matches!(self.kind, EntKind::Overlay { .. })
    }
    pub fn is_group(&self) -> bool {
        !self.is_node() && !self.is_overlay()
    }
}

/// A link between two entities (fan-out links are split, one per target).
#[derive(Debug, Clone)]
pub struct Link {
    pub from: EntId,
    pub to: EntId,
    pub label: Option<String>,
    /// Texts drawn by the start and by the end of the link.
    pub end_labels: [Option<String>; 2],
    pub style: LineStyle,
    pub arrow: Arrow,
    pub span: Span,
}

/// A route of a route table, with the resolved target when it names an entity.
#[derive(Debug, Clone)]
pub struct Route {
    pub to: Sp<String>,
    pub via: Sp<String>,
    pub target: Option<EntId>,
}

/// A route table as declared (one per `[route_tables.x]`; its cards are entities).
#[derive(Debug, Clone)]
pub struct RouteTable {
    pub id: Sp<String>,
    pub vpc: EntId,
    pub subnets: Vec<EntId>,
    pub routes: Vec<Route>,
}

/// A load balancer as declared, for the semantic checks.
#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub entity: EntId,
    pub kind: LbType,
    pub subnets: Vec<(EntId, Span)>,
    pub subnets_span: Span,
}

/// The resolved model: an entity tree, links, and what validation needs.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub title: Option<String>,
    /// The spec's `aws_icons` folder, if any.
    pub aws_icons: Option<Sp<String>>,
    /// The spec's `theme`, if it sets one.
    pub theme: Option<Theme>,
    pub direction: Direction,
    /// The spec's `aspect` (width ÷ height), if it sets one.
    pub aspect: Option<f32>,
    pub entities: Vec<Entity>,
    /// Top-level entities: outside nodes and the cloud box, in file order.
    pub roots: Vec<EntId>,
    pub links: Vec<Link>,
    pub route_tables: Vec<RouteTable>,
    pub load_balancers: Vec<LoadBalancer>,
    /// Spans of the things validation reports on: entity → (key span, cidr span, zone span).
    pub cidr_spans: HashMap<EntId, Span>,
    pub zone_spans: HashMap<EntId, Span>,
    /// The `row` of each subnet that names one (subnets of one row align across zones).
    pub subnet_rows: HashMap<EntId, Sp<String>>,
    /// Spans of each subnet's and NAT gateway's defining key (for warnings).
    pub nat_gateways: Vec<EntId>,
    /// The border line each gateway with a `side` sits on.
    pub border_sides: HashMap<EntId, crate::geom::Side>,
}

impl Model {
    pub fn get(&self, id: EntId) -> &Entity {
        &self.entities[id.index()]
    }

    /// The chain of ancestors of `id`, nearest first (not including `id`).
    pub fn ancestors(&self, id: EntId) -> impl Iterator<Item = EntId> + '_ {
        std::iter::successors(self.get(id).parent, move |p| self.get(*p).parent)
    }

    /// Every entity, parents before children, siblings in model order (depth first).
    pub fn tree_order(&self) -> Vec<EntId> {
        let mut order = Vec::with_capacity(self.entities.len());
        let mut stack: Vec<_> = self.roots.iter().rev().copied().collect();
        while let Some(e) = stack.pop() {
            order.push(e);
            stack.extend(self.get(e).children.iter().rev().copied());
        }
        order
    }

    /// True when `group` is `id` or one of its ancestors.
    pub fn is_within(&self, id: EntId, group: EntId) -> bool {
        id == group || self.ancestors(id).any(|a| a == group)
    }

    /// The id a spec names entity `id` with: `cloud` for the cloud box, and a route table's
    /// own id for each of the copies drawn in its subnets (`rt@subnet`).
    pub fn spec_id(&self, id: EntId) -> &str {
        let ent = self.get(id);
        match &ent.kind {
            EntKind::Cloud => CLOUD,
            EntKind::RouteTable { .. } => self
                .route_tables
                .iter()
                .find(|r| Some(r.id.span) == ent.span)
                .map_or(&ent.id, |r| &r.id.value),
            _ => &ent.id,
        }
    }

    /// The VPC an entity lies in, if any.
    pub fn vpc_of(&self, id: EntId) -> Option<EntId> {
        std::iter::once(id)
            .chain(self.ancestors(id))
            .find(|a| matches!(self.get(*a).kind, EntKind::Vpc { .. }))
    }

    fn add(&mut self, e: Entity) -> EntId {
        let id = EntId(self.entities.len() as u32);
        self.entities.push(e);
        id
    }
}

/// What an id in the spec names.
#[derive(Debug, Clone, Copy)]
enum Named {
    Region(EntId),
    Vpc(EntId),
    Subnet(EntId),
    Node(EntId),
    Group(EntId),
    Overlay(EntId),
    RouteTable,
}

struct Builder<'s> {
    spec: &'s Spec,
    m: Model,
    diags: Vec<Diagnostic>,
    names: HashMap<String, (Named, Span)>,
    /// Declared zones of each region entity: full zone name → region-level zone entity.
    region_zones: HashMap<EntId, Vec<(String, EntId)>>,
    /// (vpc, zone name) → zone column entity.
    columns: HashMap<(EntId, String), EntId>,
    cloud: Option<EntId>,
}

/// Resolves a spec into a model. Errors leave the model partial; callers stop on errors.
pub fn resolve(spec: &Spec) -> (Model, Vec<Diagnostic>) {
    let mut b = Builder {
        spec,
        m: Model {
            title: spec.diagram.title.as_ref().map(|t| t.value.clone()),
            aws_icons: spec.diagram.aws_icons.clone(),
            theme: spec.diagram.theme,
            direction: spec.diagram.direction,
            aspect: spec.diagram.aspect,
            ..Model::default()
        },
        diags: Vec::new(),
        names: HashMap::new(),
        region_zones: HashMap::new(),
        columns: HashMap::new(),
        cloud: None,
    };
    b.build();
    b.finish()
}

fn ent(
    id: &str,
    kind_name: &str,
    label: String,
    parent: Option<EntId>,
    span: Option<Span>,
    kind: EntKind,
) -> Entity {
    Entity {
        id: id.to_string(),
        kind_name: kind_name.to_string(),
        label,
        parent,
        children: Vec::new(),
        span,
        kind,
        icon: None,
    }
}

/// A VPC's or subnet's title: its name and CIDR, or the name alone in a sketch without one.
fn titled(name: &str, cidr: Option<&Sp<String>>) -> String {
    match cidr {
        Some(c) => format!("{name} {}", c.value),
        None => name.to_string(),
    }
}

fn parse_cidr(s: &Sp<String>, diags: &mut Vec<Diagnostic>) -> Option<Ipv4Net> {
    match s.value.parse::<Ipv4Net>() {
        Ok(net) if net != net.trunc() => {
            diags.push(
                Diagnostic::error(s.span, format!("CIDR `{}` has host bits set", s.value))
                    .with_hint(format!("did you mean `{}`?", net.trunc())),
            );
            Some(net.trunc())
        }
        Ok(net) => Some(net),
        Err(_) => {
            diags.push(
                Diagnostic::error(s.span, format!("`{}` is not an IPv4 CIDR block", s.value))
                    .with_hint("write it as address/prefix, e.g. \"10.0.0.0/16\""),
            );
            None
        }
    }
}

impl Builder<'_> {
    fn declare(&mut self, id: &Sp<String>, what: Named) {
        if let Some((_, first)) = self.names.get(&id.value) {
            let first = *first;
            self.diags.push(
                Diagnostic::error(id.span, format!("duplicate id `{}`", id.value))
                    .with_related(first, "first defined")
                    .with_hint("ids are unique across all tables; rename one of them"),
            );
            return;
        }
        if id.value.is_empty() || id.value.contains('@') {
            self.diags.push(
                Diagnostic::error(id.span, format!("invalid id `{}`", id.value))
                    .with_hint("ids are non-empty and may not contain `@`"),
            );
        }
        if id.value == CLOUD {
            self.diags.push(
                Diagnostic::error(id.span, "the id `cloud` is reserved")
                    .with_hint("`in = \"cloud\"` names the AWS Cloud box; choose another id"),
            );
            return;
        }
        self.names.insert(id.value.clone(), (what, id.span));
    }

    fn unknown(&mut self, r: &Sp<String>, what: &str, accept: impl Fn(&Named) -> bool) {
        if self.spec.declared.contains(&r.value) {
            // Declared, but dropped for an error already reported.
            return;
        }
        let mut candidates: Vec<&str> = self
            .names
            .iter()
            .filter(|(_, (n, _))| accept(n))
            .map(|(k, _)| k.as_str())
            .collect();
        candidates.sort_unstable();
        let sugg = catalog::suggest_from(&r.value, candidates.iter().copied());
        let d =
            Diagnostic::error(r.span, format!("unknown {what} `{}`", r.value)).did_you_mean(&sugg);
        let d = if d.hint.is_none() {
            if candidates.is_empty() {
                d.with_hint(format!("no {what} is defined in this spec"))
            } else {
                let shown: Vec<&str> = candidates.iter().take(8).copied().collect();
                d.with_hint(format!("known: {}", shown.join(", ")))
            }
        } else {
            d
        };
        self.diags.push(d);
    }

    fn lookup(
        &mut self,
        r: &Sp<String>,
        what: &str,
        accept: impl Fn(&Named) -> bool + Copy,
    ) -> Option<Named> {
        match self.names.get(&r.value) {
            Some((n, _)) if accept(n) => Some(*n),
            Some((_, _)) => {
                self.diags.push(
                    Diagnostic::error(r.span, format!("`{}` is not a {what}", r.value))
                        .with_hint(format!("name a {what} here")),
                );
                None
            }
            None => {
                self.unknown(r, what, accept);
                None
            }
        }
    }

    fn cloud(&mut self) -> EntId {
        if let Some(c) = self.cloud {
            return c;
        }
        let label = self
            .spec
            .cloud
            .as_ref()
            .and_then(|c| c.label.as_ref())
            .map_or("AWS Cloud".to_string(), |l| l.value.clone());
        let c = self
            .m
            .add(ent("aws-cloud", "cloud", label, None, None, EntKind::Cloud));
        self.cloud = Some(c);
        c
    }

    fn build(&mut self) {
        let spec = self.spec;
        // 1. Declare every id, so references can point forward.
        for (k, r) in spec.regions.iter().enumerate() {
            // One region code per account (or once without accounts).
            let account = |x: &crate::spec::RegionSpec| x.account.as_ref().map(|a| a.value.clone());
            let coded = !r.code.value.is_empty();
            if let Some(first) = spec.regions[..k]
                .iter()
                .find(|o| coded && o.code.value == r.code.value && account(o) == account(r))
            {
                self.diags.push(
                    Diagnostic::error(
                        r.code.span,
                        format!("region {} is declared twice", r.code.value),
                    )
                    .with_related(first.code.span, "first declared")
                    .with_hint(format!(
                        "declare each AWS region once and put all its VPCs and nodes in `{}`",
                        first.id.value
                    )),
                );
                continue;
            }
            let c = self.cloud();
            let info = regions::lookup(&r.code.value);
            let label = match (&r.label, info) {
                (Some(l), _) => l.value.clone(),
                (None, Some(i)) => format!("{} {}", i.name, i.code),
                (None, None) => r.code.value.clone(),
            };
            let e = self.m.add(ent(
                &r.id.value,
                "region",
                label,
                Some(c),
                Some(r.id.span),
                EntKind::Region {
                    code: r.code.value.clone(),
                },
            ));
            self.declare(&r.id, Named::Region(e));
            let info = match info {
                Some(i) => Some(i),
                // No code (a sketch): zones by the names given.
                None if !coded => None,
                None => {
                    let codes: Vec<&str> = regions::REGIONS.iter().map(|x| x.code).collect();
                    self.diags.push(
                        Diagnostic::error(
                            r.code.span,
                            format!("unknown region code `{}`", r.code.value),
                        )
                        .did_you_mean(&catalog::suggest_from(&r.code.value, codes)),
                    );
                    continue;
                }
            };
            let mut zones = Vec::new();
            for z in &r.zones {
                let name = match info {
                    Some(info) => regions::zone_name(info, &z.value),
                    None => Some(z.value.trim().to_string()),
                };
                match (name, info) {
                    (Some(name), _) => {
                        if zones.iter().any(|(n, _): &(String, EntId)| *n == name) {
                            self.diags.push(Diagnostic::error(
                                z.span,
                                format!("zone `{name}` is listed twice"),
                            ));
                            continue;
                        }
                        let zid = self.m.add(ent(
                            &name,
                            "zone",
                            name.clone(),
                            Some(e),
                            Some(z.span),
                            EntKind::Zone,
                        ));
                        zones.push((name, zid));
                    }
                    (None, Some(info)) => self.diags.push(
                        Diagnostic::error(
                            z.span,
                            format!("`{}` is not an availability zone of {}", z.value, info.code),
                        )
                        .with_hint(format!(
                            "zones of {}: {}",
                            info.code,
                            info.zones
                                .chars()
                                .map(|c| format!("{}{c}", info.code))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    ),
                    (None, None) => {}
                }
            }
            self.region_zones.insert(e, zones);
        }
        for v in &spec.vpcs {
            let cidr = v.cidr.as_ref().and_then(|c| parse_cidr(c, &mut self.diags));
            let name = v.label.as_ref().map_or("VPC", |l| l.value.as_str());
            let e = self.m.add(ent(
                &v.id.value,
                "vpc",
                titled(name, v.cidr.as_ref()),
                None,
                Some(v.id.span),
                EntKind::Vpc { cidr },
            ));
            if let Some(c) = &v.cidr {
                self.m.cidr_spans.insert(e, c.span);
            }
            self.declare(&v.id, Named::Vpc(e));
        }
        for s in &spec.subnets {
            let cidr = s.cidr.as_ref().and_then(|c| parse_cidr(c, &mut self.diags));
            let default = match s.tier.value {
                Tier::Public => "Public subnet",
                Tier::Private => "Private subnet",
                Tier::Isolated => "Isolated subnet",
            };
            let name = s.label.as_ref().map_or(default, |l| l.value.as_str());
            let kind = EntKind::Subnet {
                tier: s.tier.value,
                cidr,
            };
            let e = self.m.add(ent(
                &s.id.value,
                "subnet",
                titled(name, s.cidr.as_ref()),
                None,
                Some(s.id.span),
                kind,
            ));
            if let Some(c) = &s.cidr {
                self.m.cidr_spans.insert(e, c.span);
            }
            if let Some(z) = &s.zone {
                self.m.zone_spans.insert(e, z.span);
            }
            if let Some(r) = &s.row {
                self.m.subnet_rows.insert(e, r.clone());
            }
            self.declare(&s.id, Named::Subnet(e));
        }
        let mut gateway_ents = Vec::new();
        for g in &spec.gateways {
            let (kind, default) = match g.kind.value {
                GatewayType::Internet => ("internet-gateway", "Internet gateway"),
                GatewayType::Nat => ("nat-gateway", "NAT gateway"),
                GatewayType::Transit => ("transit-gateway", "Transit gateway"),
                GatewayType::EgressOnly => ("egress-only-gateway", "Egress-only internet gateway"),
                GatewayType::Vpn => ("vpn-gateway", "VPN gateway"),
                GatewayType::Customer => ("customer-gateway", "Customer gateway"),
            };
            let Some(info) = catalog::lookup(kind) else {
                continue;
            };
            let label = g
                .label
                .as_ref()
                .map_or(default.to_string(), |l| l.value.clone());
            let placement = match g.kind.value {
                GatewayType::Internet | GatewayType::EgressOnly | GatewayType::Vpn => {
                    Placement::Border
                }
                _ => Placement::Inside,
            };
            let e = self.m.add(ent(
                &g.id.value,
                kind,
                label,
                None,
                Some(g.id.span),
                EntKind::Node { info, placement },
            ));
            self.declare(&g.id, Named::Node(e));
            if let Some(side) = &g.side {
                // (`side` on a gateway not on a border is refused when the spec is read.)
                self.m.border_sides.insert(e, side.value);
            }
            gateway_ents.push(e);
            if g.kind.value == GatewayType::Nat {
                self.m.nat_gateways.push(e);
            }
        }
        let mut lb_ents = Vec::new();
        for lb in &spec.load_balancers {
            let (kind, default) = match lb.kind.value {
                LbType::Application => ("alb", "Application Load Balancer"),
                LbType::Network => ("nlb", "Network Load Balancer"),
                LbType::Gateway => ("gwlb", "Gateway Load Balancer"),
                LbType::Classic => ("clb", "Classic Load Balancer"),
            };
            let Some(info) = catalog::lookup(kind) else {
                continue;
            };
            let label = lb
                .label
                .as_ref()
                .map_or(default.to_string(), |l| l.value.clone());
            let e = self.m.add(ent(
                &lb.id.value,
                kind,
                label,
                None,
                Some(lb.id.span),
                EntKind::Node {
                    info,
                    placement: Placement::Inside,
                },
            ));
            self.declare(&lb.id, Named::Node(e));
            lb_ents.push(e);
        }
        for rt in &spec.route_tables {
            self.declare(&rt.id, Named::RouteTable);
        }
        let mut node_ents = Vec::new();
        for n in &spec.nodes {
            let info = catalog::lookup(&n.kind.value);
            let e = match info {
                Some(info) => {
                    let label = n
                        .label
                        .as_ref()
                        .map_or(info.label.to_string(), |l| l.value.clone());
                    Some(self.m.add(ent(
                        &n.id.value,
                        info.kind,
                        label,
                        None,
                        Some(n.id.span),
                        EntKind::Node {
                            info,
                            placement: Placement::Inside,
                        },
                    )))
                }
                None => {
                    let d =
                        Diagnostic::error(n.kind.span, format!("unknown kind `{}`", n.kind.value))
                            .did_you_mean(&catalog::suggest(&n.kind.value));
                    let d = if d.hint.is_none() {
                        d.with_hint("`archdraw kinds` lists every kind")
                    } else {
                        d
                    };
                    self.diags.push(d);
                    None
                }
            };
            if let Some(e) = e {
                self.declare(&n.id, Named::Node(e));
                self.m.entities[e.index()].icon = n.icon.clone();
            }
            node_ents.push(e);
        }
        let mut group_ents = Vec::new();
        for g in &spec.groups {
            let ok_kind = catalog::group_icon(&g.kind.value).is_some()
                && !matches!(
                    g.kind.value.as_str(),
                    "aws-cloud"
                        | "region"
                        | "vpc"
                        | "public-subnet"
                        | "private-subnet"
                        | "isolated-subnet"
                );
            if !ok_kind {
                let kinds = GROUP_KINDS;
                self.diags.push(
                    Diagnostic::error(
                        g.kind.span,
                        format!("unknown group kind `{}`", g.kind.value),
                    )
                    .did_you_mean(&catalog::suggest_from(&g.kind.value, kinds.iter().copied()))
                    .or_hint(format!("group kinds: {}", GROUP_KINDS.join(", "))),
                );
            }
            let mut label = g.label.as_ref().map_or_else(
                || default_group_label(&g.kind.value, &g.id.value),
                |l| l.value.clone(),
            );
            if let Some(n) = g.number.as_ref().filter(|_| g.kind.value == "account") {
                label = format!("{label} ({})", n.value);
            }
            let (kind, named) = if g.span.is_empty() {
                (
                    EntKind::Group {
                        kind: g.kind.value.clone(),
                    },
                    false,
                )
            } else {
                (
                    EntKind::Overlay {
                        kind: g.kind.value.clone(),
                        members: Vec::new(),
                    },
                    true,
                )
            };
            let e = self.m.add(ent(
                &g.id.value,
                &g.kind.value,
                label,
                None,
                Some(g.id.span),
                kind,
            ));
            self.declare(
                &g.id,
                if named {
                    Named::Overlay(e)
                } else {
                    Named::Group(e)
                },
            );
            group_ents.push(e);
        }

        // 2. Resolve parents.
        for (v, e) in spec.vpcs.iter().zip(self.vpc_ids()) {
            if let Some(Named::Region(r)) =
                self.lookup(&v.region, "region", |n| matches!(n, Named::Region(_)))
            {
                self.m.entities[e.index()].parent = Some(r);
            }
        }
        let subnet_ids: Vec<EntId> = self.ids_of(|k| matches!(k, EntKind::Subnet { .. }));
        // Per VPC id: whether some subnet names a zone; and, for a VPC whose subnets name
        // none (a sketch), how many subnets of each tier are placed so far.
        let zoned: std::collections::HashSet<&str> = spec
            .subnets
            .iter()
            .filter(|s| s.zone.is_some())
            .map(|s| s.vpc.value.as_str())
            .collect();
        let mut placed: HashMap<(EntId, Tier), usize> = HashMap::new();
        for (s, e) in spec.subnets.iter().zip(subnet_ids) {
            let Some(Named::Vpc(v)) = self.lookup(&s.vpc, "VPC", |n| matches!(n, Named::Vpc(_)))
            else {
                continue;
            };
            let Some(zone) = &s.zone else {
                if zoned.contains(s.vpc.value.as_str()) {
                    self.diags.push(
                        Diagnostic::error(
                            s.id.span,
                            format!(
                                "subnet `{}` names no zone, but other subnets of VPC `{}` do",
                                s.id.value, s.vpc.value
                            ),
                        )
                        .with_hint("give every subnet of a VPC a `zone`, or none (a sketch: tier rows without zone columns)"),
                    );
                    continue;
                }
                // No zones in this VPC: the k-th subnet of each tier in the k-th of the
                // undrawn columns, so that tiers still form rows.
                let k = placed.entry((v, s.tier.value)).or_insert(0);
                let col = self.column(v, &k.to_string(), true);
                *k += 1;
                self.m.entities[e.index()].parent = Some(col);
                continue;
            };
            let Some(region) = self.m.get(v).parent else {
                continue;
            };
            let Some(zones) = self.region_zones.get(&region).cloned() else {
                continue;
            };
            let code = match &self.m.get(region).kind {
                EntKind::Region { code } => code.clone(),
                _ => continue,
            };
            let by_code = if code.is_empty() {
                // A region without a code: zones by the full names given.
                Some(zone.value.trim().to_string())
            } else {
                regions::lookup(&code).and_then(|i| regions::zone_name(i, &zone.value))
            };
            let full = match by_code {
                Some(z) => z,
                None => {
                    let listed: Vec<String> = regions::lookup(&code)
                        .map(|i| i.zones.chars().map(|c| format!("{}{c}", i.code)).collect())
                        .unwrap_or_default();
                    self.diags.push(
                        Diagnostic::error(
                            zone.span,
                            format!("zone `{}` is not in region {code}", zone.value),
                        )
                        .did_you_mean(&catalog::suggest_from(
                            &zone.value,
                            listed.iter().map(|z| z.as_str()),
                        ))
                        .or_hint(format!(
                            "zones of region `{}` ({code}): {}",
                            self.m.get(region).id,
                            listed.join(", ")
                        )),
                    );
                    continue;
                }
            };
            if !zones.iter().any(|(n, _)| *n == full) {
                // A real zone of the region that the region does not list: add it, in letter order.
                let zid = self.m.add(ent(
                    &full,
                    "zone",
                    full.clone(),
                    Some(region),
                    Some(zone.span),
                    EntKind::Zone,
                ));
                let list = self.region_zones.entry(region).or_default();
                list.push((full.clone(), zid));
                list.sort();
            }
            let col = self.column(v, &full, false);
            self.m.entities[e.index()].parent = Some(col);
        }
        self.check_rows();
        for (g, e) in spec.gateways.iter().zip(gateway_ents) {
            let parent = match g.kind.value {
                GatewayType::Internet | GatewayType::EgressOnly | GatewayType::Vpn => {
                    g.vpc.as_ref().and_then(|r| {
                        match self.lookup(r, "VPC", |n| matches!(n, Named::Vpc(_))) {
                            Some(Named::Vpc(v)) => Some(v),
                            _ => None,
                        }
                    })
                }
                GatewayType::Nat => g.subnet.as_ref().and_then(|r| {
                    match self.lookup(r, "subnet", |n| matches!(n, Named::Subnet(_))) {
                        Some(Named::Subnet(v)) => Some(v),
                        _ => None,
                    }
                }),
                GatewayType::Transit => g.region.as_ref().and_then(|r| {
                    match self.lookup(r, "region", |n| matches!(n, Named::Region(_))) {
                        Some(Named::Region(v)) => Some(v),
                        _ => None,
                    }
                }),
                GatewayType::Customer => g.within.as_ref().and_then(|r| self.container(r)),
            };
            self.m.entities[e.index()].parent = parent;
        }
        for (lb, e) in spec.load_balancers.iter().zip(lb_ents) {
            let mut subnets = Vec::new();
            for s in &lb.subnets {
                if let Some(Named::Subnet(x)) =
                    self.lookup(s, "subnet", |n| matches!(n, Named::Subnet(_)))
                {
                    if subnets.iter().any(|(y, _)| *y == x) {
                        self.diags.push(Diagnostic::error(
                            s.span,
                            format!("subnet `{}` is listed twice", s.value),
                        ));
                        continue;
                    }
                    subnets.push((x, s.span));
                }
            }
            if subnets.is_empty() {
                continue;
            }
            self.m.load_balancers.push(LoadBalancer {
                entity: e,
                kind: lb.kind.value,
                subnets: subnets.clone(),
                subnets_span: lb.subnets_span,
            });
            if subnets.len() == 1 {
                self.m.entities[e.index()].parent = Some(subnets[0].0);
                continue;
            }
            let vpcs: Vec<Option<EntId>> = subnets.iter().map(|(s, _)| self.m.vpc_of(*s)).collect();
            if vpcs.iter().any(|v| *v != vpcs[0]) || vpcs[0].is_none() {
                self.diags.push(
                    Diagnostic::error(
                        lb.subnets_span,
                        format!(
                            "load balancer `{}` spans subnets of different VPCs",
                            lb.id.value
                        ),
                    )
                    .with_hint("a load balancer lives in one VPC"),
                );
                continue;
            }
            let tiers: Vec<Option<Tier>> = subnets
                .iter()
                .map(|(s, _)| match self.m.get(*s).kind {
                    EntKind::Subnet { tier, .. } => Some(tier),
                    _ => None,
                })
                .collect();
            if tiers.iter().any(|t| *t != tiers[0]) {
                self.diags.push(
                    Diagnostic::error(
                        lb.subnets_span,
                        format!(
                            "load balancer `{}` spans subnets of different tiers",
                            lb.id.value
                        ),
                    )
                    .with_hint(
                        "put a load balancer in subnets of one tier (all public or all private)",
                    ),
                );
                continue;
            }
            let mut zones: Vec<EntId> = subnets
                .iter()
                .filter_map(|(s, _)| self.m.get(*s).parent)
                .collect();
            zones.sort();
            zones.dedup();
            if zones.len() < subnets.len() {
                self.diags.push(
                    Diagnostic::error(
                        lb.subnets_span,
                        format!(
                            "load balancer `{}` lists two subnets of one zone",
                            lb.id.value
                        ),
                    )
                    .with_hint("a load balancer takes one subnet per availability zone"),
                );
                continue;
            }
            if let Some(msg) = self.band_problem(vpcs[0].unwrap_or(e), &subnets) {
                self.diags.push(
                    Diagnostic::error(lb.subnets_span, format!("load balancer `{}` {msg}", lb.id.value))
                        .with_hint("a spanning load balancer is drawn as one band across neighbouring zones; list a subnet in each zone between, or declare one load balancer per group of neighbouring zones"),
                );
                continue;
            }
            self.m.entities[e.index()].parent = vpcs[0];
            let spans = subnets.iter().map(|(s, _)| *s).collect();
            if let EntKind::Node { placement, .. } = &mut self.m.entities[e.index()].kind {
                *placement = Placement::Span(spans);
            }
        }
        for rt in &spec.route_tables {
            let Some(Named::Vpc(v)) = self.lookup(&rt.vpc, "VPC", |n| matches!(n, Named::Vpc(_)))
            else {
                continue;
            };
            let mut subnets = Vec::new();
            for s in &rt.subnets {
                if let Some(Named::Subnet(x)) =
                    self.lookup(s, "subnet", |n| matches!(n, Named::Subnet(_)))
                {
                    subnets.push(x);
                }
            }
            let mut routes = Vec::new();
            for r in &rt.routes {
                let target = match self.names.get(&r.via.value) {
                    Some((Named::Node(n), _)) => Some(*n),
                    _ => None,
                };
                let exists = self.names.contains_key(&r.via.value)
                    || self.spec.declared.contains(&r.via.value);
                if target.is_none() && exists {
                    if self.names.contains_key(&r.via.value) {
                        self.diags.push(
                            Diagnostic::error(
                                r.via.span,
                                format!("route target `{}` is not a gateway or node", r.via.value),
                            )
                            .with_hint(
                                "a route goes `via` a gateway id (internet, NAT, transit, …)",
                            ),
                        );
                    }
                } else if target.is_none() && r.via.value != "local" {
                    let gws: Vec<&str> =
                        spec.gateways.iter().map(|g| g.id.value.as_str()).collect();
                    self.diags.push(
                        Diagnostic::error(
                            r.via.span,
                            format!("route target `{}` does not exist", r.via.value),
                        )
                        .did_you_mean(&catalog::suggest_from(&r.via.value, gws.iter().copied()))
                        .or_hint("a route goes `via` a gateway id (internet, NAT, transit, …)"),
                    );
                }
                routes.push(Route {
                    to: r.to.clone(),
                    via: r.via.clone(),
                    target,
                });
            }
            let vpc_cidr = spec
                .vpcs
                .iter()
                .find(|x| x.id.value == rt.vpc.value)
                .map(|x| {
                    x.cidr
                        .as_ref()
                        .map_or("VPC".to_string(), |c| c.value.clone())
                })
                .unwrap_or_default();
            let mut rows = vec![(vpc_cidr, "local".to_string())];
            // The local route is implied; an explicit one is not shown twice.
            rows.extend(
                rt.routes
                    .iter()
                    .filter(|r| r.via.value != "local")
                    .map(|r| (r.to.value.clone(), r.via.value.clone())),
            );
            let label = rt.label.as_ref().map_or_else(
                || format!("Route table {}", rt.id.value),
                |l| l.value.clone(),
            );
            let holders: Vec<Option<EntId>> = if subnets.is_empty() {
                vec![None]
            } else {
                subnets.iter().copied().map(Some).collect()
            };
            for s in holders {
                let (id, parent) = match s {
                    Some(s) if subnets.len() > 1 => {
                        (format!("{}@{}", rt.id.value, self.m.get(s).id), s)
                    }
                    Some(s) => (rt.id.value.clone(), s),
                    None => (rt.id.value.clone(), v),
                };
                self.m.add(ent(
                    &id,
                    "route-table",
                    label.clone(),
                    Some(parent),
                    Some(rt.id.span),
                    EntKind::RouteTable { rows: rows.clone() },
                ));
            }
            self.m.route_tables.push(RouteTable {
                id: rt.id.clone(),
                vpc: v,
                subnets,
                routes,
            });
        }
        for (g, e) in spec.groups.iter().zip(group_ents) {
            if let Some(r) = &g.within {
                let p = self.container(r);
                self.m.entities[e.index()].parent = p;
            }
            if !g.span.is_empty() {
                let mut members = Vec::new();
                for s in &g.span {
                    if let Some(Named::Node(n) | Named::Group(n)) =
                        self.lookup(s, "node or group", |n| {
                            matches!(n, Named::Node(_) | Named::Group(_))
                        })
                    {
                        members.push(n);
                    }
                }
                if let EntKind::Overlay { members: m, .. } = &mut self.m.entities[e.index()].kind {
                    *m = members;
                }
            }
        }
        for (n, e) in spec.nodes.iter().zip(node_ents) {
            let (Some(e), Some(r)) = (e, &n.within) else {
                continue;
            };
            let p = self.container(r);
            self.m.entities[e.index()].parent = p;
        }
        self.accounts();
        // 3. Parent cycles (groups `in` groups), broken before anything walks up the tree.
        for i in 0..self.m.entities.len() {
            let start = EntId(i as u32);
            let mut seen = vec![start];
            let mut cur = self.m.get(start).parent;
            while let Some(p) = cur {
                if p == start {
                    let names: Vec<String> =
                        seen.iter().map(|s| self.m.get(*s).id.clone()).collect();
                    self.diags.push(
                        Diagnostic::error(
                            self.m.get(start).span,
                            format!(
                                "`in` forms a cycle: {} → {}",
                                names.join(" → "),
                                self.m.get(start).id
                            ),
                        )
                        .with_hint("a group cannot be inside itself; remove one `in`"),
                    );
                    // Break the cycle so later stages terminate.
                    self.m.entities[i].parent = None;
                    break;
                }
                if seen.contains(&p) {
                    break;
                }
                seen.push(p);
                cur = self.m.get(p).parent;
            }
        }
        // 4. Overlays sit in the nearest common ancestor of their members.
        for i in 0..self.m.entities.len() {
            let members = match &self.m.entities[i].kind {
                EntKind::Overlay { members, .. } if !members.is_empty() => members.clone(),
                _ => continue,
            };
            // A node on its parent's border sits half outside it: its overlay box does too,
            // so it belongs to the parent's parent.
            let ancestors = |m: &Model, x: EntId| -> Vec<EntId> {
                let on_border = matches!(
                    m.get(x).kind,
                    EntKind::Node {
                        placement: Placement::Border,
                        ..
                    }
                );
                m.ancestors(x).skip(usize::from(on_border)).collect()
            };
            let mut common: Vec<EntId> = ancestors(&self.m, members[0]);
            for m in &members[1..] {
                let anc = ancestors(&self.m, *m);
                common.retain(|a| anc.contains(a));
            }
            self.m.entities[i].parent = common.first().copied();
        }
        // 5. Links.
        for l in &spec.links {
            // One link per (source, target) pair: a fan-out, a fan-in, or both.
            let froms: Vec<(EntId, &Sp<String>)> = l
                .from
                .iter()
                .filter_map(|f| Some((self.endpoint(f)?, f)))
                .collect();
            let tos: Vec<(EntId, &Sp<String>)> =
                l.to.iter()
                    .filter_map(|t| Some((self.endpoint(t)?, t)))
                    .collect();
            for &(from, f) in &froms {
                for &(to, t) in &tos {
                    if to == from {
                        self.diags.push(
                            Diagnostic::error(t.span, format!("link from `{}` to itself", t.value))
                                .with_hint("a link joins two different things"),
                        );
                        continue;
                    }
                    self.m.links.push(Link {
                        from,
                        to,
                        label: l.label.as_ref().map(|x| x.value.clone()),
                        end_labels: [&l.from_label, &l.to_label]
                            .map(|x| x.as_ref().map(|x| x.value.clone())),
                        style: l.style,
                        arrow: l.arrow,
                        // A fan-in's links point at their sources, a fan-out's at their
                        // targets.
                        span: if l.from.len() > 1 { f.span } else { t.span },
                    });
                }
            }
        }
    }

    /// Why a band across `subnets` of `vpc` cannot be drawn: zones that are not neighbours
    /// among the VPC's columns, or subnets on different rows of their tier.
    fn band_problem(&self, vpc: EntId, subnets: &[(EntId, Span)]) -> Option<String> {
        // Named rows: one name (subnets without a row take a free row of their tier, which
        // is that one when their zone has no subnet in it).
        let mut names: Vec<&str> = subnets
            .iter()
            .filter_map(|(s, _)| self.m.subnet_rows.get(s).map(|r| r.value.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.len() > 1 {
            return Some("spans subnets on different rows of their tier".into());
        }
        // A VPC without zones: its undrawn columns are numbered; the band's must be
        // neighbours.
        let columns: Vec<usize> = subnets
            .iter()
            .filter_map(|(s, _)| {
                let c = self.m.get(*s).parent?;
                (self.m.get(c).kind_name == TIER_COLUMN).then(|| {
                    self.columns
                        .iter()
                        .find(|(_, &v)| v == c)
                        .and_then(|((_, k), _)| k.parse().ok())
                        .unwrap_or(0)
                })
            })
            .collect();
        if !columns.is_empty() {
            let mut sorted = columns;
            sorted.sort_unstable();
            if sorted.windows(2).any(|w| w[1] != w[0] + 1) {
                return Some("spans subnets that are not side by side in the VPC".into());
            }
            return None;
        }
        let region = self.m.get(vpc).parent?;
        let order = self.region_zones.get(&region)?;
        let mut used: Vec<usize> = self
            .columns
            .keys()
            .filter(|(v, _)| *v == vpc)
            .filter_map(|(_, z)| order.iter().position(|(n, _)| n == z))
            .collect();
        used.sort_unstable();
        let mut mine: Vec<usize> = Vec::new();
        for (s, _) in subnets {
            let zone = self.m.get(*s).parent?;
            let name = &self.m.get(zone).label;
            let pos = order.iter().position(|(n, _)| n == name)?;
            mine.push(used.iter().position(|u| *u == pos)?);
        }
        mine.sort_unstable();
        if mine.windows(2).any(|w| w[1] != w[0] + 1) {
            return Some("spans zones that are not neighbours in the VPC".into());
        }
        // Row of a subnet: its rank among the VPC's subnets of the same zone and tier.
        let row = |s: EntId| {
            let zone = self.m.get(s).parent;
            let tier = match self.m.get(s).kind {
                EntKind::Subnet { tier, .. } => Some(tier),
                _ => None,
            };
            let start = self.m.get(s).span.map_or(0, |x| x.start);
            self.m
                .entities
                .iter()
                .filter(|o| {
                    o.parent == zone
                        && matches!(o.kind, EntKind::Subnet { tier: t, .. } if Some(t) == tier)
                        && o.span.map_or(0, |x| x.start) < start
                })
                .count()
        };
        let rows: Vec<usize> = subnets.iter().map(|(s, _)| row(*s)).collect();
        if rows.iter().any(|r| *r != rows[0]) {
            return Some("spans subnets on different rows of their tier".into());
        }
        None
    }

    fn vpc_ids(&self) -> Vec<EntId> {
        self.ids_of(|k| matches!(k, EntKind::Vpc { .. }))
    }

    fn ids_of(&self, f: impl Fn(&EntKind) -> bool) -> Vec<EntId> {
        (0..self.m.entities.len())
            .map(|i| EntId(i as u32))
            .filter(|e| f(&self.m.get(*e).kind))
            .collect()
    }

    /// The zone column of `zone` inside `vpc`, created on first use.
    /// The column of `zone` in VPC `vpc` (made on first use). A `hidden` column (in a VPC
    /// whose subnets name no zone, `zone` its index) lines up the subnets' tier rows but is
    /// not drawn: kind `tier-column`, no title.
    fn column(&mut self, vpc: EntId, zone: &str, hidden: bool) -> EntId {
        if let Some(c) = self.columns.get(&(vpc, zone.to_string())) {
            return *c;
        }
        let id = format!("{zone}@{}", self.m.get(vpc).id);
        let (kind, label) = if hidden {
            (TIER_COLUMN, String::new())
        } else {
            ("zone", zone.to_string())
        };
        let c = self.m.add(ent(
            &id,
            kind,
            label,
            Some(vpc),
            None,
            EntKind::ZoneColumn { order: 0 },
        ));
        self.columns.insert((vpc, zone.to_string()), c);
        c
    }

    /// Resolves an `in` reference: a region, zone name, VPC, subnet or group.
    /// Subnet rows: one subnet per row in each zone column, and one tier per row name in
    /// a VPC.
    fn check_rows(&mut self) {
        let mut rows: Vec<(EntId, Sp<String>)> = self
            .m
            .subnet_rows
            .iter()
            .map(|(e, r)| (*e, r.clone()))
            .collect();
        rows.sort_by_key(|(_, r)| r.span.start);
        let tier = |m: &Model, e: EntId| match m.get(e).kind {
            EntKind::Subnet { tier, .. } => Some(tier),
            _ => None,
        };
        for (k, (e, r)) in rows.iter().enumerate() {
            let (col, t) = (self.m.get(*e).parent, tier(&self.m, *e));
            let vpc = col.and_then(|c| self.m.get(c).parent);
            for (o, q) in &rows[..k] {
                if q.value != r.value {
                    continue;
                }
                let (ocol, ot) = (self.m.get(*o).parent, tier(&self.m, *o));
                if ocol.and_then(|c| self.m.get(c).parent) != vpc || vpc.is_none() {
                    continue;
                }
                if ot != t {
                    self.diags.push(
                        Diagnostic::error(r.span, format!("row `{}` holds subnets of two tiers", r.value))
                            .with_related(q.span, "first used here")
                            .with_hint("a row lines up subnets of one tier across zones; give the other tier's subnets another row name"),
                    );
                    break;
                }
                if ocol == col {
                    self.diags.push(
                        Diagnostic::error(
                            r.span,
                            format!(
                                "subnets `{}` and `{}` are both in row `{}` of one zone",
                                self.m.get(*o).id,
                                self.m.get(*e).id,
                                r.value
                            ),
                        )
                        .with_related(q.span, "first used here")
                        .with_hint("a row holds one subnet per zone; give one of them another row"),
                    );
                    break;
                }
            }
        }
    }

    /// The account group named by `r` (`account = "A"` on a region or a VPC).
    fn account(&mut self, r: &Sp<String>) -> Option<EntId> {
        let Named::Group(g) = self.lookup(r, "account group", |n| matches!(n, Named::Group(_)))?
        else {
            return None;
        };
        if !matches!(&self.m.get(g).kind, EntKind::Group { kind } if kind == "account") {
            self.diags.push(
                Diagnostic::error(r.span, format!("`{}` is not an account group", r.value))
                    .with_hint("`account` names a `[groups.x]` table with kind = \"account\""),
            );
            return None;
        }
        Some(g)
    }

    /// Regions drawn in their account's frame (which then stands in the cloud unless it is
    /// in an organization or OU), and account frames drawn inside a region around their VPCs.
    fn accounts(&mut self) {
        let spec = self.spec;
        for r in &spec.regions {
            let (Some(a), Some((Named::Region(e), _))) =
                (&r.account, self.names.get(&r.id.value).copied())
            else {
                continue;
            };
            let Some(g) = self.account(a) else { continue };
            self.m.entities[e.index()].parent = Some(g);
            if self.m.get(g).parent.is_none() {
                let c = self.cloud();
                self.m.entities[g.index()].parent = Some(c);
            }
        }
        for (v, e) in spec.vpcs.iter().zip(self.vpc_ids()) {
            let Some(a) = &v.account else { continue };
            let Some(g) = self.account(a) else { continue };
            let Some(region) = self.m.get(e).parent else {
                continue;
            };
            match self.m.get(g).parent {
                Some(p) if p != region => {
                    self.diags.push(
                        Diagnostic::error(
                            a.span,
                            format!(
                                "account `{}` is already drawn in `{}`, not in VPC `{}`'s region",
                                a.value,
                                self.m.get(p).id,
                                v.id.value
                            ),
                        )
                        .with_hint("an account frame inside a region holds VPCs of that region only; declare one account group per region"),
                    );
                    continue;
                }
                _ => {}
            }
            self.m.entities[g.index()].parent = Some(region);
            self.m.entities[e.index()].parent = Some(g);
        }
    }

    fn container(&mut self, r: &Sp<String>) -> Option<EntId> {
        if r.value == CLOUD {
            // The AWS Cloud box, outside every region (global services).
            return Some(self.cloud());
        }
        for zones in self.region_zones.values() {
            if let Some((_, z)) = zones.iter().find(|(n, _)| *n == r.value) {
                return Some(*z);
            }
        }
        match self.lookup(r, "region, zone, VPC, subnet or group", |n| {
            matches!(
                n,
                Named::Region(_) | Named::Vpc(_) | Named::Subnet(_) | Named::Group(_)
            )
        })? {
            Named::Region(e) | Named::Vpc(e) | Named::Subnet(e) | Named::Group(e) => Some(e),
            _ => None,
        }
    }

    fn endpoint(&mut self, r: &Sp<String>) -> Option<EntId> {
        for zones in self.region_zones.values() {
            if let Some((_, z)) = zones.iter().find(|(n, _)| *n == r.value) {
                return Some(*z);
            }
        }
        match self.lookup(r, "node or group", |n| !matches!(n, Named::RouteTable))? {
            Named::Region(e)
            | Named::Vpc(e)
            | Named::Subnet(e)
            | Named::Node(e)
            | Named::Group(e)
            | Named::Overlay(e) => Some(e),
            Named::RouteTable => None,
        }
    }

    fn finish(mut self) -> (Model, Vec<Diagnostic>) {
        // Zone boxes of a region are drawn only where no VPC shows them as columns, unless
        // something is placed in them.
        let mut shown_as_column: Vec<String> = Vec::new();
        for ((_, zone), _) in self.columns.iter() {
            shown_as_column.push(zone.clone());
        }
        for (region, zones) in &self.region_zones {
            for (name, z) in zones {
                let used = self.m.entities.iter().any(|e| e.parent == Some(*z));
                let drop = shown_as_column.contains(name) && !used;
                self.m.entities[z.index()].parent = if drop { None } else { Some(*region) };
                if drop {
                    // Detached: not part of the tree. Mark so layout skips it.
                    self.m.entities[z.index()].kind_name = String::new();
                }
            }
        }
        // Links may not end on a zone that is drawn only as VPC columns.
        let dropped: Vec<EntId> = (0..self.m.entities.len())
            .map(|i| EntId(i as u32))
            .filter(|e| self.m.get(*e).kind_name.is_empty())
            .collect();
        let mut kept = Vec::new();
        for l in std::mem::take(&mut self.m.links) {
            if let Some(z) = [l.from, l.to].into_iter().find(|e| dropped.contains(e)) {
                self.diags.push(
                    Diagnostic::error(
                        l.span,
                        format!(
                            "zone `{}` is drawn as columns inside VPCs, not as a box of its own",
                            self.m.get(z).label
                        ),
                    )
                    .with_hint("link to a subnet, node or VPC in that zone instead"),
                );
            } else {
                kept.push(l);
            }
        }
        self.m.links = kept;
        // Order zone columns by the region's zone order.
        for (&(vpc, ref zone), &col) in self.columns.iter() {
            let region = self.m.get(vpc).parent;
            let order = if self.m.get(col).kind_name == TIER_COLUMN {
                zone.parse().unwrap_or(usize::MAX)
            } else {
                region
                    .and_then(|r| self.region_zones.get(&r))
                    .and_then(|zs| zs.iter().position(|(n, _)| n == zone))
                    .unwrap_or(usize::MAX)
            };
            self.m.entities[col.index()].kind = EntKind::ZoneColumn { order };
        }
        // Children lists, in file order (zone columns in zone order).
        let n = self.m.entities.len();
        let mut roots = Vec::new();
        for i in 0..n {
            let id = EntId(i as u32);
            let e = &self.m.entities[i];
            if e.kind_name.is_empty() {
                continue;
            }
            match e.parent {
                Some(p) => self.m.entities[p.index()].children.push(id),
                None => roots.push(id),
            }
        }
        let keys: Vec<(usize, usize)> = self
            .m
            .entities
            .iter()
            .map(|e| match e.kind {
                EntKind::ZoneColumn { order } => (order, 0),
                _ => (usize::MAX, e.span.map_or(0, |s| s.start)),
            })
            .collect();
        for e in &mut self.m.entities {
            e.children.sort_by_key(|c| keys[c.index()]);
        }
        roots.sort_by_key(|c| keys[c.index()]);
        self.m.roots = roots;
        (self.m, self.diags)
    }
}

/// Kind name of the undrawn columns of a VPC whose subnets name no zone.
pub const TIER_COLUMN: &str = "tier-column";

/// The reserved id that `in` uses for the AWS Cloud box.
pub const CLOUD: &str = "cloud";

/// Kinds a `[groups.x]` table may have.
pub const GROUP_KINDS: &[&str] = &[
    "ecs-cluster",
    "ecs-service",
    "ecs-task",
    "eks-cluster",
    "security-group",
    "auto-scaling-group",
    "account",
    "organization",
    "organizational-unit",
    "data-center",
    "generic",
];

fn default_group_label(kind: &str, id: &str) -> String {
    match kind {
        "ecs-cluster" => "ECS cluster".into(),
        "ecs-service" => "ECS service".into(),
        "ecs-task" => "ECS task".into(),
        "security-group" => "Security group".into(),
        "auto-scaling-group" => "Auto Scaling group".into(),
        "account" => "AWS account".into(),
        "eks-cluster" => "EKS cluster".into(),
        "organization" => "Organization".into(),
        "organizational-unit" => "Organizational unit".into(),
        "data-center" => "Corporate data center".into(),
        _ => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_on_both_ends_give_one_link_per_pair_in_order() {
        let text = "[regions.r]\ncode = \"us-east-1\"\n\n\
                    [nodes.a]\nkind = \"sqs\"\nin = \"r\"\n\n[nodes.b]\nkind = \"sqs\"\nin = \"r\"\n\n\
                    [nodes.c]\nkind = \"lambda\"\nin = \"r\"\n\n[nodes.d]\nkind = \"lambda\"\nin = \"r\"\n\n\
                    [[links]]\nfrom = [\"a\", \"b\"]\nto = [\"c\", \"d\"]\nlabel = \"poll\"\n\n\
                    [[links]]\nfrom = [\"c\", \"d\"]\nto = \"a\"\n";
        let (spec, diags) = crate::spec::parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        let (m, diags) = resolve(&spec);
        assert!(diags.is_empty(), "{diags:?}");
        let pairs: Vec<(&str, &str)> = m
            .links
            .iter()
            .map(|l| (m.get(l.from).id.as_str(), m.get(l.to).id.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("a", "c"),
                ("a", "d"),
                ("b", "c"),
                ("b", "d"),
                ("c", "a"),
                ("d", "a")
            ]
        );
        assert!(m.links[..4]
            .iter()
            .all(|l| l.label.as_deref() == Some("poll")));
    }
}

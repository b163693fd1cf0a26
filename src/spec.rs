//! Stage 1, `spec`: TOML text → [`Spec`], every value with its source span.
//!
//! Takes the raw text of a spec file; gives a [`Spec`] (plain tables keyed by id, nothing
//! resolved yet) plus every problem found on the way: TOML syntax, unknown keys, wrong types
//! and unknown enum values, all collected rather than stopping at the first.

use crate::catalog::suggest_from;
use crate::diag::{Diagnostic, Span};
use crate::geom::Side;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Sp<T> {
        Sp { value, span }
    }
}

impl Sp<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// Main flow direction of links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    Down,
    Right,
}

/// Colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
    /// Both palettes in the SVG, the dark one under `@media (prefers-color-scheme: dark)`;
    /// the PNG is light.
    Auto,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        THEMES.iter().find(|(n, _)| *n == s).map(|(_, t)| *t)
    }
}

/// Subnet tier; decides the row inside a VPC and the frame colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Public,
    Private,
    Isolated,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
            Tier::Isolated => "isolated",
        }
    }
}

/// Gateway type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayType {
    Internet,
    Nat,
    Transit,
    EgressOnly,
    Vpn,
    Customer,
}

/// Load balancer type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbType {
    Application,
    Network,
    Gateway,
    Classic,
}

/// Line style of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineStyle {
    #[default]
    Solid,
    Dashed,
    Dotted,
}

/// Where a link draws arrowheads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Arrow {
    #[default]
    Forward,
    Back,
    Both,
    None,
}

#[derive(Debug, Clone, Default)]
pub struct DiagramSpec {
    pub title: Option<Sp<String>>,
    /// Folder of AWS's Architecture Icons package, relative to the spec.
    pub aws_icons: Option<Sp<String>>,
    /// The theme the spec asks for; `None` leaves it to the caller (default light).
    pub theme: Option<Theme>,
    pub direction: Direction,
    /// The page shape that wrapped rows aim at, width ÷ height (`aspect = "16:9"`); `None`
    /// for the default 4:3.
    pub aspect: Option<f32>,
}

#[derive(Debug, Clone)]
pub struct CloudSpec {
    pub label: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct RegionSpec {
    pub id: Sp<String>,
    pub code: Sp<String>,
    pub label: Option<Sp<String>>,
    pub zones: Vec<Sp<String>>,
    /// The account group the region is drawn in.
    pub account: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct VpcSpec {
    pub id: Sp<String>,
    pub region: Sp<String>,
    pub cidr: Option<Sp<String>>,
    pub label: Option<Sp<String>>,
    /// The account group drawn around the VPC inside its region.
    pub account: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct SubnetSpec {
    pub id: Sp<String>,
    pub vpc: Sp<String>,
    /// `None` in a sketch: then no subnet of the VPC names a zone.
    pub zone: Option<Sp<String>>,
    pub cidr: Option<Sp<String>>,
    pub tier: Sp<Tier>,
    pub label: Option<Sp<String>>,
    /// Subnets with the same row name align across zones.
    pub row: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct GatewaySpec {
    pub id: Sp<String>,
    pub kind: Sp<GatewayType>,
    pub vpc: Option<Sp<String>>,
    pub subnet: Option<Sp<String>>,
    pub region: Option<Sp<String>>,
    pub within: Option<Sp<String>>,
    pub label: Option<Sp<String>>,
    /// The VPC border line the gateway sits on (`side`), when the spec says.
    pub side: Option<Sp<Side>>,
}

#[derive(Debug, Clone)]
pub struct LoadBalancerSpec {
    pub id: Sp<String>,
    pub kind: Sp<LbType>,
    pub subnets: Vec<Sp<String>>,
    pub subnets_span: Span,
    pub label: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub to: Sp<String>,
    pub via: Sp<String>,
}

#[derive(Debug, Clone)]
pub struct RouteTableSpec {
    pub id: Sp<String>,
    pub vpc: Sp<String>,
    pub subnets: Vec<Sp<String>>,
    pub routes: Vec<RouteSpec>,
    pub label: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub id: Sp<String>,
    pub kind: Sp<String>,
    pub within: Option<Sp<String>>,
    pub label: Option<Sp<String>>,
    /// A custom icon file (SVG or PNG), relative to the spec.
    pub icon: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct GroupSpec {
    pub id: Sp<String>,
    pub kind: Sp<String>,
    pub within: Option<Sp<String>>,
    pub span: Vec<Sp<String>>,
    pub label: Option<Sp<String>>,
    /// An account's 12-digit id, shown in its title.
    pub number: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct LinkSpec {
    pub span: Span,
    /// One or more sources (`from = "a"` or a fan-in, `from = ["a", "b"]`).
    pub from: Vec<Sp<String>>,
    pub to: Vec<Sp<String>>,
    pub label: Option<Sp<String>>,
    /// Text drawn by the link's start (`from_label`) and by its end (`to_label`): a port,
    /// a protocol.
    pub from_label: Option<Sp<String>>,
    pub to_label: Option<Sp<String>>,
    pub style: LineStyle,
    pub arrow: Arrow,
}

/// The deepest container level a view draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// The cloud, regions and what sits directly in them.
    Region,
    /// And availability zones, drawn as boxes, with what sits in them.
    Zone,
    /// And VPCs, as closed boxes with their border gateways.
    Vpc,
    /// And subnets, without their contents.
    Subnet,
}

/// One view (`[views.<name>]`): a picture cut from the model.
#[derive(Debug, Clone)]
pub struct ViewSpec {
    pub id: Sp<String>,
    /// Replaces the diagram's title in this view.
    pub title: Option<Sp<String>>,
    /// `None`: every level.
    pub depth: Option<Sp<Depth>>,
    /// Ids or kinds to leave out, with what they hold.
    pub hide: Vec<Sp<String>>,
    /// When not empty: only these, their ancestors and what they hold.
    pub only: Vec<Sp<String>>,
}

/// A parsed spec: every table of the language, in file order, values with spans.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub diagram: DiagramSpec,
    pub cloud: Option<CloudSpec>,
    pub regions: Vec<RegionSpec>,
    pub vpcs: Vec<VpcSpec>,
    pub subnets: Vec<SubnetSpec>,
    pub gateways: Vec<GatewaySpec>,
    pub load_balancers: Vec<LoadBalancerSpec>,
    pub route_tables: Vec<RouteTableSpec>,
    pub nodes: Vec<NodeSpec>,
    pub groups: Vec<GroupSpec>,
    pub links: Vec<LinkSpec>,
    /// Views cut from the model (`[views.<name>]`), in file order.
    pub views: Vec<ViewSpec>,
    /// Every id written in an id-keyed table, including entries dropped for errors, so that
    /// later stages do not report references to them as unknown.
    pub declared: Vec<String>,
}

/// The top-level tables of a spec.
pub const TOP_KEYS: &[&str] = &[
    "diagram",
    "cloud",
    "regions",
    "vpcs",
    "subnets",
    "gateways",
    "load_balancers",
    "route_tables",
    "nodes",
    "groups",
    "links",
    "views",
];

// The keys each table accepts. The parser checks keys against these lists and
// `schema::schema()` describes exactly these (a test compares them).
pub const DIAGRAM_KEYS: &[&str] = &["title", "theme", "direction", "aspect", "aws_icons"];
pub const CLOUD_KEYS: &[&str] = &["label"];
pub const REGION_KEYS: &[&str] = &["code", "label", "zones", "account"];
pub const VPC_KEYS: &[&str] = &["region", "cidr", "label", "account"];
pub const SUBNET_KEYS: &[&str] = &["vpc", "zone", "cidr", "tier", "label", "row"];
pub const GATEWAY_KEYS: &[&str] = &["type", "vpc", "subnet", "region", "in", "label", "side"];
pub const LOAD_BALANCER_KEYS: &[&str] = &["type", "subnets", "label"];
pub const ROUTE_TABLE_KEYS: &[&str] = &["vpc", "subnets", "routes", "label"];
/// The keys of one entry of a route table's `routes`.
pub const ROUTE_KEYS: &[&str] = &["to", "via"];
pub const NODE_KEYS: &[&str] = &["kind", "in", "label", "icon"];
pub const GROUP_KEYS: &[&str] = &["kind", "in", "span", "label", "number"];
pub const VIEW_KEYS: &[&str] = &["title", "depth", "hide", "only"];
pub const LINK_KEYS: &[&str] = &[
    "from",
    "to",
    "label",
    "from_label",
    "to_label",
    "style",
    "arrow",
];

/// Every table with the keys it accepts (`routes` entries as `route_tables.routes`).
pub const TABLE_KEYS: &[(&str, &[&str])] = &[
    ("diagram", DIAGRAM_KEYS),
    ("cloud", CLOUD_KEYS),
    ("regions", REGION_KEYS),
    ("vpcs", VPC_KEYS),
    ("subnets", SUBNET_KEYS),
    ("gateways", GATEWAY_KEYS),
    ("load_balancers", LOAD_BALANCER_KEYS),
    ("route_tables", ROUTE_TABLE_KEYS),
    ("route_tables.routes", ROUTE_KEYS),
    ("nodes", NODE_KEYS),
    ("groups", GROUP_KEYS),
    ("links", LINK_KEYS),
    ("views", VIEW_KEYS),
];

// The values of the enumerated keys.
pub const THEMES: &[(&str, Theme)] = &[
    ("light", Theme::Light),
    ("dark", Theme::Dark),
    ("auto", Theme::Auto),
];
/// Reads an aspect ratio `"W:H"` (e.g. `"16:9"`, `"1.5:1"`) as W ÷ H; `None` unless both are
/// positive numbers and the ratio lies between 1:10 and 10:1.
pub fn parse_aspect(s: &str) -> Option<f32> {
    let (w, h) = s.split_once(':')?;
    let num = |x: &str| {
        let x = x.trim();
        let ok = !x.is_empty() && x.chars().all(|c| c.is_ascii_digit() || c == '.');
        ok.then(|| x.parse::<f32>().ok()).flatten()
    };
    let (w, h) = (num(w)?, num(h)?);
    let r = w / h;
    (w > 0.0 && h > 0.0 && (0.1..=10.0).contains(&r)).then_some(r)
}

pub const DEPTHS: &[(&str, Depth)] = &[
    ("region", Depth::Region),
    ("zone", Depth::Zone),
    ("vpc", Depth::Vpc),
    ("subnet", Depth::Subnet),
];
pub const DIRECTIONS: &[(&str, Direction)] =
    &[("down", Direction::Down), ("right", Direction::Right)];
pub const TIERS: &[(&str, Tier)] = &[
    ("public", Tier::Public),
    ("private", Tier::Private),
    ("isolated", Tier::Isolated),
];
/// The border lines a gateway on a VPC's border may sit on (`side`).
pub const SIDES: &[(&str, Side)] = &[
    ("top", Side::Top),
    ("bottom", Side::Bottom),
    ("left", Side::Left),
    ("right", Side::Right),
];

pub const GATEWAY_TYPES: &[(&str, GatewayType)] = &[
    ("internet", GatewayType::Internet),
    ("nat", GatewayType::Nat),
    ("transit", GatewayType::Transit),
    ("egress-only", GatewayType::EgressOnly),
    ("vpn", GatewayType::Vpn),
    ("customer", GatewayType::Customer),
];
pub const LB_TYPES: &[(&str, LbType)] = &[
    ("application", LbType::Application),
    ("network", LbType::Network),
    ("gateway", LbType::Gateway),
    ("classic", LbType::Classic),
];
pub const LINE_STYLES: &[(&str, LineStyle)] = &[
    ("solid", LineStyle::Solid),
    ("dashed", LineStyle::Dashed),
    ("dotted", LineStyle::Dotted),
];
pub const ARROWS: &[(&str, Arrow)] = &[
    ("forward", Arrow::Forward),
    ("back", Arrow::Back),
    ("both", Arrow::Both),
    ("none", Arrow::None),
];

/// The names of an enumerated key's values.
pub fn names<T>(values: &[(&'static str, T)]) -> Vec<&'static str> {
    values.iter().map(|(n, _)| *n).collect()
}

/// Parses spec text. Returns the spec (as much as could be read) and all diagnostics.
pub fn parse(text: &str) -> (Spec, Vec<Diagnostic>) {
    let mut r = Reader { diags: Vec::new() };
    let mut spec = Spec::default();
    let (root, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        let span = e.span().map(Span::from);
        let msg = e.message().trim().to_string();
        let msg = msg.lines().next().unwrap_or("invalid TOML").to_string();
        r.diags.push(
            Diagnostic::error(span, format!("TOML syntax: {msg}"))
                .with_hint("see docs/spec.md for the spec language; strings need quotes"),
        );
    }
    if !errors.is_empty() {
        return (spec, r.diags);
    }
    let root = root.into_inner();
    for (key, value) in root.iter() {
        let span = Span::from(key.span());
        match key.get_ref().as_ref() {
            "diagram" => {
                if let Some(t) = r.table(value, "[diagram]") {
                    spec.diagram = r.diagram(t);
                }
            }
            "cloud" => {
                if let Some(t) = r.table(value, "[cloud]") {
                    r.check_keys(t, "[cloud]", CLOUD_KEYS);
                    spec.cloud = Some(CloudSpec {
                        label: r.opt_str(t, "label"),
                    });
                }
            }
            "links" => r.links(value, &mut spec.links),
            "views" => {
                let Some(t) = r.table(value, "views") else {
                    continue;
                };
                for (id_key, entry) in t.iter() {
                    let id = Sp::new(id_key.get_ref().to_string(), Span::from(id_key.span()));
                    let ctx = format!("[views.{}]", id.value);
                    if let Some(e) = r.table(entry, &ctx) {
                        spec.views.push(r.view(id, e, &ctx));
                    }
                }
            }
            section @ ("regions" | "vpcs" | "subnets" | "gateways" | "load_balancers"
            | "route_tables" | "nodes" | "groups") => {
                let Some(t) = r.table(value, section) else {
                    continue;
                };
                for (id_key, entry) in t.iter() {
                    let id = Sp::new(id_key.get_ref().to_string(), Span::from(id_key.span()));
                    spec.declared.push(id.value.clone());
                    let ctx = format!("[{section}.{}]", id.value);
                    let Some(e) = r.table(entry, &ctx) else {
                        continue;
                    };
                    let header = id.span;
                    match section {
                        "regions" => {
                            if let Some(x) = r.region(id, e, &ctx, header) {
                                spec.regions.push(x)
                            }
                        }
                        "vpcs" => {
                            if let Some(x) = r.vpc(id, e, &ctx, header) {
                                spec.vpcs.push(x)
                            }
                        }
                        "subnets" => {
                            if let Some(x) = r.subnet(id, e, &ctx, header) {
                                spec.subnets.push(x)
                            }
                        }
                        "gateways" => {
                            if let Some(x) = r.gateway(id, e, &ctx, header) {
                                spec.gateways.push(x)
                            }
                        }
                        "load_balancers" => {
                            if let Some(x) = r.load_balancer(id, e, &ctx, header) {
                                spec.load_balancers.push(x)
                            }
                        }
                        "route_tables" => {
                            if let Some(x) = r.route_table(id, e, &ctx, header) {
                                spec.route_tables.push(x)
                            }
                        }
                        "nodes" => {
                            if let Some(x) = r.node(id, e, &ctx, header) {
                                spec.nodes.push(x)
                            }
                        }
                        _ => {
                            if let Some(x) = r.group(id, e, &ctx, header) {
                                spec.groups.push(x)
                            }
                        }
                    }
                }
            }
            other => {
                let d = Diagnostic::error(span, format!("unknown table `{other}`"))
                    .did_you_mean(&suggest_from(other, TOP_KEYS.iter().copied()));
                let d = if d.hint.is_none() {
                    d.with_hint(format!("the spec's tables are: {}", TOP_KEYS.join(", ")))
                } else {
                    d
                };
                r.diags.push(d);
            }
        }
    }
    (spec, r.diags)
}

type Val<'i> = Spanned<DeValue<'i>>;

struct Reader {
    diags: Vec<Diagnostic>,
}

/// The article and name of a TOML value's type, for messages ("an integer").
pub fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl Reader {
    fn table<'a, 'i>(&mut self, v: &'a Val<'i>, ctx: &str) -> Option<&'a DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.diags.push(
                    Diagnostic::error(
                        Span::from(v.span()),
                        format!("`{ctx}` must be a table, found {}", type_name(other)),
                    )
                    .with_hint(format!("write it as a table header: [{ctx}]")),
                );
                None
            }
        }
    }

    /// Reports every key of `t` not in `allowed`, with a "did you mean".
    fn check_keys(&mut self, t: &DeTable, ctx: &str, allowed: &[&str]) {
        for (k, _) in t.iter() {
            let name: &str = k.get_ref();
            if !allowed.contains(&name) {
                let d = Diagnostic::error(
                    Span::from(k.span()),
                    format!("unknown key `{name}` in {ctx}"),
                )
                .did_you_mean(&suggest_from(name, allowed.iter().copied()));
                let d = if d.hint.is_none() {
                    d.with_hint(format!("allowed keys here: {}", allowed.join(", ")))
                } else {
                    d
                };
                self.diags.push(d);
            }
        }
    }

    fn get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a Val<'i>> {
        t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
    }

    fn string(&mut self, v: &Val, key: &str) -> Option<Sp<String>> {
        match v.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), Span::from(v.span()))),
            other => {
                self.diags.push(
                    Diagnostic::error(
                        Span::from(v.span()),
                        format!("`{key}` must be a string, found {}", type_name(other)),
                    )
                    .with_hint("put the value in double quotes"),
                );
                None
            }
        }
    }

    fn opt_str(&mut self, t: &DeTable, key: &str) -> Option<Sp<String>> {
        let v = Self::get(t, key)?;
        self.string(v, key)
    }

    fn req_str(&mut self, t: &DeTable, key: &str, ctx: &str, header: Span) -> Option<Sp<String>> {
        match Self::get(t, key) {
            Some(v) => self.string(v, key),
            None => {
                self.missing(key, ctx, header);
                None
            }
        }
    }

    fn missing(&mut self, key: &str, ctx: &str, header: Span) {
        self.diags.push(
            Diagnostic::error(header, format!("{ctx} is missing the key `{key}`"))
                .with_hint(format!("add `{key} = …` to {ctx}")),
        );
    }

    /// A string or an array of strings.
    fn str_list(&mut self, v: &Val, key: &str) -> Vec<Sp<String>> {
        match v.get_ref() {
            DeValue::String(_) => self.string(v, key).into_iter().collect(),
            DeValue::Array(items) => items.iter().filter_map(|i| self.string(i, key)).collect(),
            other => {
                self.diags.push(
                    Diagnostic::error(
                        Span::from(v.span()),
                        format!(
                            "`{key}` must be a string or an array of strings, found {}",
                            type_name(other)
                        ),
                    )
                    .with_hint(format!("for example: {key} = [\"a\", \"b\"]")),
                );
                Vec::new()
            }
        }
    }

    fn choice<T: Copy>(&mut self, t: &DeTable, key: &str, options: &[(&str, T)]) -> Option<Sp<T>> {
        let v = Self::get(t, key)?;
        let s = self.string(v, key)?;
        match options.iter().find(|(n, _)| *n == s.value) {
            Some((_, x)) => Some(Sp::new(*x, s.span)),
            None => {
                // The few choices are all named, after a near one if there is.
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                let d = Diagnostic::error(s.span, format!("unknown {key} `{}`", s.value))
                    .did_you_mean(&suggest_from(&s.value, names.iter().copied()));
                let list = format!("{key} is one of: {}", names.join(", "));
                let hint = match d.hint.as_deref() {
                    Some(h) => format!("{h} ({list})"),
                    None => list,
                };
                let d = d.with_hint(hint);
                self.diags.push(d);
                None
            }
        }
    }

    fn diagram(&mut self, t: &DeTable) -> DiagramSpec {
        self.check_keys(t, "[diagram]", DIAGRAM_KEYS);
        DiagramSpec {
            title: self.opt_str(t, "title"),
            aws_icons: self.opt_str(t, "aws_icons"),
            theme: self.choice(t, "theme", THEMES).map(|s| s.value),
            direction: self
                .choice(t, "direction", DIRECTIONS)
                .map_or(Direction::Down, |s| s.value),
            aspect: self.aspect(t),
        }
    }

    /// `aspect = "W:H"`: two positive numbers, their ratio between 1:10 and 10:1.
    fn aspect(&mut self, t: &DeTable) -> Option<f32> {
        let s = self.opt_str(t, "aspect")?;
        let ratio = parse_aspect(&s.value);
        if ratio.is_none() {
            self.diags.push(
                Diagnostic::error(
                    s.span,
                    format!(
                        "`aspect` must be a ratio W:H of two positive numbers between 1:10 and 10:1, found \"{}\"",
                        s.value
                    ),
                )
                .with_hint("for example aspect = \"16:9\" or aspect = \"4:3\""),
            );
        }
        ratio
    }

    fn region(&mut self, id: Sp<String>, t: &DeTable, ctx: &str, h: Span) -> Option<RegionSpec> {
        self.check_keys(t, ctx, REGION_KEYS);
        let label = self.opt_str(t, "label");
        // A sketch may leave the code out when it gives a label: an empty code.
        let code = match (Self::get(t, "code"), &label) {
            (None, Some(_)) => Some(Sp::new(String::new(), h)),
            (None, None) => {
                self.diags.push(
                    Diagnostic::error(h, format!("{ctx} is missing the key `code`"))
                        .with_hint(format!(
                            "add `code = \"us-east-1\"` (an AWS region code) to {ctx}, or a `label` for a sketch without one"
                        )),
                );
                None
            }
            (Some(_), _) => self.req_str(t, "code", ctx, h),
        };
        let zones = Self::get(t, "zones").map_or(Vec::new(), |v| self.str_list(v, "zones"));
        Some(RegionSpec {
            id,
            code: code?,
            label,
            zones,
            account: self.opt_str(t, "account"),
        })
    }

    fn view(&mut self, id: Sp<String>, t: &DeTable, ctx: &str) -> ViewSpec {
        self.check_keys(t, ctx, VIEW_KEYS);
        let list =
            |r: &mut Self, key: &str| Self::get(t, key).map_or(Vec::new(), |v| r.str_list(v, key));
        ViewSpec {
            id,
            title: self.opt_str(t, "title"),
            depth: self.choice(t, "depth", DEPTHS),
            hide: list(self, "hide"),
            only: list(self, "only"),
        }
    }

    fn vpc(&mut self, id: Sp<String>, t: &DeTable, ctx: &str, h: Span) -> Option<VpcSpec> {
        self.check_keys(t, ctx, VPC_KEYS);
        let region = self.req_str(t, "region", ctx, h);
        let cidr = self.opt_str(t, "cidr");
        let label = self.opt_str(t, "label");
        Some(VpcSpec {
            id,
            region: region?,
            cidr,
            label,
            account: self.opt_str(t, "account"),
        })
    }

    fn subnet(&mut self, id: Sp<String>, t: &DeTable, ctx: &str, h: Span) -> Option<SubnetSpec> {
        self.check_keys(t, ctx, SUBNET_KEYS);
        let vpc = self.req_str(t, "vpc", ctx, h);
        let zone = self.opt_str(t, "zone");
        let cidr = self.opt_str(t, "cidr");
        let has_tier = Self::get(t, "tier").is_some();
        let tier = self.choice(t, "tier", TIERS);
        if !has_tier {
            self.missing("tier", ctx, h);
        }
        let label = self.opt_str(t, "label");
        Some(SubnetSpec {
            id,
            vpc: vpc?,
            zone,
            cidr,
            // A bad or missing tier is already reported; keep the subnet so references to it
            // are still checked.
            tier: tier.unwrap_or(Sp::new(Tier::Private, h)),
            label,
            row: self.opt_str(t, "row"),
        })
    }

    fn gateway(&mut self, id: Sp<String>, t: &DeTable, ctx: &str, h: Span) -> Option<GatewaySpec> {
        self.check_keys(t, ctx, GATEWAY_KEYS);
        let has_type = Self::get(t, "type").is_some();
        let kind = self.choice(t, "type", GATEWAY_TYPES);
        if !has_type {
            self.missing("type", ctx, h);
        }
        let g = GatewaySpec {
            id,
            kind: kind?,
            vpc: self.opt_str(t, "vpc"),
            subnet: self.opt_str(t, "subnet"),
            region: self.opt_str(t, "region"),
            within: self.opt_str(t, "in"),
            label: self.opt_str(t, "label"),
            side: self.choice(t, "side", SIDES),
        };
        // Keys that place other gateway types are mistakes, not silently ignored.
        let (own, name): (&[&str], &str) = match g.kind.value {
            GatewayType::Internet => (&["vpc"], "an internet gateway"),
            GatewayType::EgressOnly => (&["vpc"], "an egress-only gateway"),
            GatewayType::Vpn => (&["vpc"], "a VPN gateway"),
            GatewayType::Nat => (&["subnet"], "a NAT gateway"),
            GatewayType::Transit => (&["region"], "a transit gateway"),
            GatewayType::Customer => (&["in"], "a customer gateway"),
        };
        for (key, val) in [
            ("vpc", &g.vpc),
            ("subnet", &g.subnet),
            ("region", &g.region),
            ("in", &g.within),
        ] {
            if let (Some(v), false) = (val, own.contains(&key)) {
                self.diags.push(
                    Diagnostic::error(v.span, format!("`{key}` does not apply to {name}"))
                        .with_hint(format!("{name} is placed by `{}`", own[0])),
                );
            }
        }
        if let (Some(side), false) = (
            &g.side,
            matches!(
                g.kind.value,
                GatewayType::Internet | GatewayType::EgressOnly | GatewayType::Vpn
            ),
        ) {
            self.diags.push(
                Diagnostic::error(side.span, format!("`side` does not apply to {name}")).with_hint(
                    "only gateways drawn on a VPC's border line (internet, egress-only, \
                         VPN) take `side`",
                ),
            );
        }
        let needed = match g.kind.value {
            GatewayType::Internet | GatewayType::EgressOnly | GatewayType::Vpn => {
                g.vpc.is_none().then_some("vpc")
            }
            GatewayType::Nat => g.subnet.is_none().then_some("subnet"),
            GatewayType::Transit => g.region.is_none().then_some("region"),
            GatewayType::Customer => None,
        };
        if let Some(key) = needed {
            self.missing(key, ctx, h);
            return None;
        }
        Some(g)
    }

    fn load_balancer(
        &mut self,
        id: Sp<String>,
        t: &DeTable,
        ctx: &str,
        h: Span,
    ) -> Option<LoadBalancerSpec> {
        self.check_keys(t, ctx, LOAD_BALANCER_KEYS);
        let kind = self.choice(t, "type", LB_TYPES).or_else(|| {
            Self::get(t, "type")
                .is_none()
                .then(|| Sp::new(LbType::Application, h))
        });
        let (subnets, subnets_span) = match Self::get(t, "subnets") {
            Some(v) => (self.str_list(v, "subnets"), Span::from(v.span())),
            None => {
                self.missing("subnets", ctx, h);
                return None;
            }
        };
        if subnets.is_empty() {
            self.diags.push(
                Diagnostic::error(subnets_span, format!("{ctx} has no subnets"))
                    .with_hint("list the subnets the load balancer sits in"),
            );
            return None;
        }
        Some(LoadBalancerSpec {
            id,
            kind: kind?,
            subnets,
            subnets_span,
            label: self.opt_str(t, "label"),
        })
    }

    fn route_table(
        &mut self,
        id: Sp<String>,
        t: &DeTable,
        ctx: &str,
        h: Span,
    ) -> Option<RouteTableSpec> {
        self.check_keys(t, ctx, ROUTE_TABLE_KEYS);
        let vpc = self.req_str(t, "vpc", ctx, h);
        let subnets = Self::get(t, "subnets").map_or(Vec::new(), |v| self.str_list(v, "subnets"));
        let mut routes = Vec::new();
        if let Some(v) = Self::get(t, "routes") {
            match v.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        let rctx = format!("a route of {ctx}");
                        let Some(rt) = self.table(item, &rctx) else {
                            continue;
                        };
                        self.check_keys(rt, &rctx, ROUTE_KEYS);
                        let ispan = Span::from(item.span());
                        let to = self.req_str(rt, "to", &rctx, ispan);
                        let via = self.req_str(rt, "via", &rctx, ispan);
                        if let (Some(to), Some(via)) = (to, via) {
                            routes.push(RouteSpec { to, via });
                        }
                    }
                }
                other => self.diags.push(
                    Diagnostic::error(
                        Span::from(v.span()),
                        format!(
                            "`routes` must be an array of tables, found {}",
                            type_name(other)
                        ),
                    )
                    .with_hint("routes = [{ to = \"0.0.0.0/0\", via = \"igw\" }]"),
                ),
            }
        }
        Some(RouteTableSpec {
            id,
            vpc: vpc?,
            subnets,
            routes,
            label: self.opt_str(t, "label"),
        })
    }

    fn node(&mut self, id: Sp<String>, t: &DeTable, ctx: &str, h: Span) -> Option<NodeSpec> {
        self.check_keys(t, ctx, NODE_KEYS);
        let kind = self.req_str(t, "kind", ctx, h);
        Some(NodeSpec {
            id,
            kind: kind?,
            within: self.opt_str(t, "in"),
            label: self.opt_str(t, "label"),
            icon: self.opt_str(t, "icon"),
        })
    }

    fn group(&mut self, id: Sp<String>, t: &DeTable, ctx: &str, h: Span) -> Option<GroupSpec> {
        self.check_keys(t, ctx, GROUP_KEYS);
        let kind = self
            .opt_str(t, "kind")
            .unwrap_or_else(|| Sp::new("generic".to_string(), h));
        let span = Self::get(t, "span").map_or(Vec::new(), |v| self.str_list(v, "span"));
        if let (Some(v), false) = (Self::get(t, "in"), span.is_empty()) {
            self.diags.push(
                Diagnostic::error(Span::from(v.span()), format!("{ctx} has both `in` and `span`"))
                    .with_hint("`in` makes a frame with children; `span` draws an overlay around members in different parents: use one"),
            );
        }
        let number = self.opt_str(t, "number");
        if let Some(n) = &number {
            if kind.value != "account" {
                self.diags.push(
                    Diagnostic::error(
                        n.span,
                        format!("`number` on a group of kind `{}`", kind.value),
                    )
                    .with_hint("only an `account` group has an account number"),
                );
            } else if n.value.len() != 12 || !n.value.bytes().all(|b| b.is_ascii_digit()) {
                self.diags.push(
                    Diagnostic::error(
                        n.span,
                        format!("account number `{}` is not 12 digits", n.value),
                    )
                    .with_hint(
                        "an AWS account id has exactly 12 digits, e.g. number = \"123456789012\"",
                    ),
                );
            }
        }
        Some(GroupSpec {
            id,
            kind,
            within: self.opt_str(t, "in"),
            span,
            label: self.opt_str(t, "label"),
            number,
        })
    }

    fn links(&mut self, v: &Val, out: &mut Vec<LinkSpec>) {
        let DeValue::Array(items) = v.get_ref() else {
            self.diags.push(
                Diagnostic::error(Span::from(v.span()), "`links` must be an array of tables")
                    .with_hint("write each link as a [[links]] table"),
            );
            return;
        };
        for item in items.iter() {
            let Some(t) = self.table(item, "[[links]]") else {
                continue;
            };
            let span = Span::from(item.span());
            let ctx = "[[links]]";
            self.check_keys(t, ctx, LINK_KEYS);
            let from = match Self::get(t, "from") {
                Some(v) => self.str_list(v, "from"),
                None => {
                    self.missing("from", ctx, span);
                    Vec::new()
                }
            };
            let to = match Self::get(t, "to") {
                Some(v) => self.str_list(v, "to"),
                None => {
                    self.missing("to", ctx, span);
                    Vec::new()
                }
            };
            // An empty list draws nothing: say so rather than drop the link quietly.
            for key in ["from", "to"] {
                if let Some(v) = Self::get(t, key) {
                    if matches!(v.get_ref(), DeValue::Array(a) if a.is_empty()) {
                        self.diags.push(
                            Diagnostic::error(Span::from(v.span()), format!("`{key}` is empty"))
                                .with_hint(format!(
                                    "name at least one id, for example: {key} = [\"a\", \"b\"]"
                                )),
                        );
                    }
                }
            }
            let label = self.opt_str(t, "label");
            let from_label = self.opt_str(t, "from_label");
            let to_label = self.opt_str(t, "to_label");
            let style = self
                .choice(t, "style", LINE_STYLES)
                .map_or(LineStyle::Solid, |s| s.value);
            let arrow = self
                .choice(t, "arrow", ARROWS)
                .map_or(Arrow::Forward, |s| s.value);
            if !from.is_empty() && !to.is_empty() {
                out.push(LinkSpec {
                    span,
                    from,
                    to,
                    label,
                    from_label,
                    to_label,
                    style,
                    arrow,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tables_with_spans() {
        let text = "[regions.ohio]\ncode = \"us-east-2\"\nzones = [\"a\", \"b\"]\n";
        let (spec, diags) = parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(spec.regions.len(), 1);
        let r = &spec.regions[0];
        assert_eq!(r.id.value, "ohio");
        assert_eq!(&text[r.code.span.start..r.code.span.end], "\"us-east-2\"");
        assert_eq!(r.zones.len(), 2);
    }

    #[test]
    fn collects_all_unknown_keys() {
        let text = "[vpcs.main]\nregion = \"r\"\ncidr = \"10.0.0.0/16\"\ncdir = 1\n[nodes.x]\nkind = \"users\"\nlabl = \"x\"\n";
        let (_, diags) = parse(text);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("unknown key `cdir`"));
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `cidr`?"));
        assert!(diags[1].message.contains("unknown key `labl`"));
    }
}

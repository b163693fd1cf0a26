//! Structure-aware spec generator for the `structured` target.
//!
//! [`GenSpec`] is derived with `arbitrary` from the fuzzer's bytes and printed as TOML text
//! (its `Debug` output is that text, so `cargo fuzz fmt structured <input>` shows the spec).
//!
//! Ids come from small per-table pools (`r0`, `v1`, `s3`, …) and every reference is drawn
//! from the entities actually generated, so references nearly always resolve. Load balancers
//! pick subnets of one VPC and tier in distinct zones, route tables pick unassociated subnets
//! of their own VPC, subnet CIDRs are carved from their VPC's block, and group `in` only
//! points at earlier frame groups. Most generated specs are therefore valid and reach layout,
//! routing and rendering; a minority of "junk" choices (about 1 in 16 per decision) produce
//! the invalid cases.

use arbitrary::Arbitrary;
use archdraw::catalog::KINDS;
use archdraw::regions::{RegionInfo, REGIONS};
use std::fmt::{self, Write as _};

const MAX_REGIONS: usize = 3;
const MAX_VPCS: usize = 4;
const MAX_SUBNETS: usize = 10;
const MAX_GATEWAYS: usize = 8;
const MAX_LBS: usize = 4;
const MAX_ROUTE_TABLES: usize = 4;
const MAX_ROUTES: usize = 4;
const MAX_NODES: usize = 14;
const MAX_GROUPS: usize = 5;
const MAX_LINKS: usize = 16;
const MAX_FANOUT: usize = 4;
const MAX_ZONES: usize = 4;
const MAX_RAW_TEXT: usize = 48;

fn pick(b: u8, n: usize) -> Option<usize> {
    (n > 0).then(|| b as usize % n)
}

/// Label text: a pool of awkward strings (XML specials, non-Latin scripts, control
/// characters, very long) or short arbitrary text.
#[derive(Arbitrary, Debug, Clone)]
pub enum Text {
    Pool(u8),
    Raw(String),
}

const TEXT_POOL: &[&str] = &[
    "Web",
    "API",
    "Payments service (prod)",
    "",
    " ",
    "a & b <c> \"d\" 'e'",
    "]]> <!-- x -->",
    "日本語のラベル",
    "Ünïcödé ñ",
    "emoji 🚀🔥",
    "line one\nline two",
    "tab\tseparated",
    "\u{202e}rtl override",
    "zero\u{200b}width",
    "nul \u{0} char",
    "bell \u{7} and \u{1b}[31m",
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
    "a very long label with many words that goes on and on and on past any reasonable width",
    "مرحبا بالعالم",
    "\u{fffd}\u{fffd}",
    "ﷺ꧅𒐫",
    "%s %n {0} ${x}",
    "HTTPS",
    "egress",
];

impl Text {
    fn get(&self) -> String {
        match self {
            Text::Pool(i) => TEXT_POOL[*i as usize % TEXT_POOL.len()].to_string(),
            Text::Raw(s) => s.chars().take(MAX_RAW_TEXT).collect(),
        }
    }
}

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when possible, quoted otherwise.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        q(s)
    }
}

fn str_or_array(items: &[String], as_string: bool) -> String {
    if items.len() == 1 && as_string {
        q(&items[0])
    } else {
        let v: Vec<String> = items.iter().map(|s| q(s)).collect();
        format!("[{}]", v.join(", "))
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Region {
    code: u8,
    zones: Vec<u8>,
    zone_form: u8,
    zones_as_string: bool,
    label: Option<Text>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Vpc {
    region: u8,
    cidr_mode: u8,
    cidr_raw: [u8; 5],
    label: Option<Text>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Subnet {
    vpc: u8,
    zone: u8,
    zone_form: u8,
    tier: u8,
    cidr_mode: u8,
    cidr_raw: [u8; 2],
    label: Option<Text>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Gateway {
    ty: u8,
    place: u8,
    customer_in: Option<Place>,
    label: Option<Text>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Lb {
    ty: u8,
    mode: u8,
    anchor: u8,
    count: u8,
    raw: Vec<u8>,
    as_string: bool,
    label: Option<Text>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Route {
    to_mode: u8,
    to_raw: [u8; 3],
    via_mode: u8,
    via: u8,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct RouteTable {
    vpc: u8,
    subnets: u16,
    subnets_as_string: bool,
    routes: Vec<Route>,
    routes_as_tables: bool,
    label: Option<Text>,
}

/// Where something is put with `in`.
#[derive(Arbitrary, Debug, Clone)]
pub struct Place {
    kind: u8,
    idx: u8,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Node {
    kind: u8,
    kind_junk: u8,
    place: Option<Place>,
    label: Option<Text>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Group {
    kind: u8,
    overlay: bool,
    place: Option<Place>,
    span: Vec<u8>,
    span_as_string: bool,
    both: u8,
    label: Option<Text>,
}

/// A link end.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct End {
    kind: u8,
    idx: u8,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Link {
    from: End,
    to: Vec<End>,
    to_as_string: bool,
    label: Option<Text>,
    style: u8,
    arrow: u8,
}

/// The whole generated spec; `Debug` prints it as TOML.
#[derive(Arbitrary, Clone)]
pub struct GenSpec {
    /// Below 224: a clean spec (no junk choice).
    mode: u8,
    title: Option<Text>,
    theme: u8,
    direction: u8,
    cloud_label: Option<Text>,
    id_style: u8,
    regions: Vec<Region>,
    vpcs: Vec<Vpc>,
    subnets: Vec<Subnet>,
    gateways: Vec<Gateway>,
    lbs: Vec<Lb>,
    route_tables: Vec<RouteTable>,
    nodes: Vec<Node>,
    groups: Vec<Group>,
    links: Vec<Link>,
}

impl fmt::Debug for GenSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_toml())
    }
}

/// Facts about already printed entities, used to draw references.
struct Ctx {
    /// Clean specs (7 in 8) make no junk choice at all; the others make one about 1 time
    /// in 16 per decision.
    clean: bool,
    id_style: u8,
    regions: Vec<Option<&'static RegionInfo>>,
    /// Full zone names listed (or used) per region.
    zones: Vec<Vec<String>>,
    vpc_region: Vec<Option<usize>>,
    vpc_net: Vec<(u8, u8)>,
    /// (vpc, zone full name or "", tier index)
    subnets: Vec<(Option<usize>, String, usize)>,
    /// (type index, vpc the gateway belongs to)
    gateways: Vec<(usize, Option<usize>)>,
    /// Frame group indices (overlays cannot hold anything).
    frames: Vec<usize>,
}

const POPULAR_REGIONS: &[&str] = &["us-east-1", "us-east-2", "eu-west-1"];
const TIERS: &[&str] = &["public", "private", "isolated"];
const GW_TYPES: &[&str] = &[
    "internet",
    "nat",
    "transit",
    "egress-only",
    "vpn",
    "customer",
];
const LB_TYPES: &[&str] = &["application", "network", "gateway", "classic"];
const GROUP_KINDS: &[&str] = &[
    "generic",
    "ecs-cluster",
    "ecs-service",
    "ecs-task",
    "security-group",
    "auto-scaling-group",
    "account",
    "data-center",
];

impl Ctx {
    /// Whether this byte makes an invalid ("junk") choice.
    fn junk(&self, b: u8) -> bool {
        !self.clean && b >= 240
    }

    fn id(&self, table: &str, i: usize) -> String {
        match self.id_style % 8 {
            // Mostly short bare ids.
            0..=4 => format!("{table}{i}"),
            5 => format!("{table}-item-{i}"),
            6 => format!("{table} {i}.x"),
            _ => format!("ü{table}{i}"),
        }
    }

    fn junk_id(&self, b: u8) -> String {
        const J: &[&str] = &["nope", "r99", "us-east-2z", "", "a@b", "local", "S0", "n0 "];
        J[b as usize % J.len()].to_string()
    }

    fn region_id(&self, b: u8) -> String {
        match pick(b, self.regions.len()) {
            Some(i) if !self.junk(b) => self.id("r", i),
            _ => self.junk_id(b),
        }
    }

    fn vpc_id(&self, b: u8) -> (String, Option<usize>) {
        match pick(b, self.vpc_region.len()) {
            Some(i) if !self.junk(b) => (self.id("v", i), Some(i)),
            _ => (self.junk_id(b), None),
        }
    }

    fn zone_full(&self, b: u8) -> Option<String> {
        let all: Vec<&String> = self.zones.iter().flatten().collect();
        pick(b, all.len()).map(|i| all[i].clone())
    }

    /// A container for `in`; `max_group` limits groups to earlier ones (no cycles).
    fn place(&self, p: &Place, max_group: usize) -> Option<String> {
        let frames: Vec<usize> = self
            .frames
            .iter()
            .copied()
            .filter(|&g| g < max_group)
            .collect();
        let r = match p.kind % 5 {
            0 => pick(p.idx, self.regions.len()).map(|i| self.id("r", i)),
            1 => self.zone_full(p.idx),
            2 => pick(p.idx, self.vpc_region.len()).map(|i| self.id("v", i)),
            3 => pick(p.idx, self.subnets.len()).map(|i| self.id("s", i)),
            _ => pick(p.idx, frames.len()).map(|i| self.id("grp", frames[i])),
        };
        match r {
            Some(s) if !self.junk(p.kind) => Some(s),
            _ if self.clean => None,
            _ => Some(self.junk_id(p.idx)),
        }
    }
}

impl GenSpec {
    /// Prints the spec as TOML.
    pub fn to_toml(&self) -> String {
        let mut o = String::new();
        let mut ctx = Ctx {
            clean: self.mode < 224,
            id_style: self.id_style,
            regions: Vec::new(),
            zones: Vec::new(),
            vpc_region: Vec::new(),
            vpc_net: Vec::new(),
            subnets: Vec::new(),
            gateways: Vec::new(),
            frames: Vec::new(),
        };

        // [diagram] and [cloud]
        let theme = match self.theme % 8 {
            0..=3 => None,
            4 | 5 => Some("light"),
            _ if ctx.junk(self.theme) => Some("grey"),
            _ => Some("dark"),
        };
        let direction = match self.direction % 8 {
            0..=2 => None,
            3..=5 => Some("right"),
            _ if ctx.junk(self.direction) => Some("up"),
            _ => Some("down"),
        };
        if self.title.is_some() || theme.is_some() || direction.is_some() {
            o.push_str("[diagram]\n");
            if let Some(t) = &self.title {
                let _ = writeln!(o, "title = {}", q(&t.get()));
            }
            if let Some(t) = theme {
                let _ = writeln!(o, "theme = {}", q(t));
            }
            if let Some(d) = direction {
                let _ = writeln!(o, "direction = {}", q(d));
            }
            o.push('\n');
        }
        if let Some(l) = &self.cloud_label {
            let _ = writeln!(o, "[cloud]\nlabel = {}\n", q(&l.get()));
        }

        // Regions (a clean spec with VPCs gets one when it has none)
        let mut regions: Vec<Region> = self.regions.iter().take(MAX_REGIONS).cloned().collect();
        if ctx.clean && regions.is_empty() && !self.vpcs.is_empty() {
            regions.push(Region {
                code: 2, // POPULAR_REGIONS[1]: us-east-2
                zones: vec![0, 1],
                zone_form: 0,
                zones_as_string: false,
                label: None,
            });
        }
        for (i, r) in regions.iter().enumerate() {
            // Half the time one of a few popular regions, otherwise any region. A code may
            // be declared only once (an error since 46ef778, found by this target), so a
            // clean spec moves on to the next unused region; a junk choice keeps the repeat.
            let info = (!ctx.junk(r.code)).then(|| {
                let mut k = if r.code.is_multiple_of(2) {
                    let code = POPULAR_REGIONS[(r.code / 2) as usize % POPULAR_REGIONS.len()];
                    REGIONS
                        .iter()
                        .position(|x| x.code == code)
                        .expect("popular region is known")
                } else {
                    (r.code / 2) as usize % REGIONS.len()
                };
                let used = |k: usize| {
                    ctx.regions
                        .iter()
                        .flatten()
                        .any(|x| x.code == REGIONS[k].code)
                };
                if !ctx.junk(r.zone_form) {
                    while used(k) {
                        k = (k + 1) % REGIONS.len();
                    }
                }
                &REGIONS[k]
            });
            let code = info.map_or("xx-nowhere-1", |i| i.code);
            let _ = writeln!(o, "[regions.{}]\ncode = {}", key(&ctx.id("r", i)), q(code));
            let mut full = Vec::new();
            if let Some(info) = info {
                let letters: Vec<char> = info.zones.chars().collect();
                let mut written = Vec::new();
                for &z in r.zones.iter().take(MAX_ZONES) {
                    let letter = if ctx.junk(z) {
                        'z'
                    } else {
                        letters[z as usize % letters.len()]
                    };
                    let name = format!("{}{}", info.code, letter);
                    // Duplicates are an error: keep them only on a junk choice.
                    if full.contains(&name) && !ctx.junk(r.zone_form) {
                        continue;
                    }
                    written.push(match r.zone_form % 4 {
                        0 | 1 => letter.to_string(),
                        2 => name.clone(),
                        _ => format!(" {} ", name.to_ascii_uppercase()),
                    });
                    if letter != 'z' {
                        full.push(name);
                    }
                }
                if !written.is_empty() || r.zones_as_string {
                    let _ = writeln!(o, "zones = {}", str_or_array(&written, r.zones_as_string));
                }
            }
            if let Some(l) = &r.label {
                let _ = writeln!(o, "label = {}", q(&l.get()));
            }
            o.push('\n');
            ctx.regions.push(info);
            ctx.zones.push(full);
        }

        // VPCs
        for (j, v) in self.vpcs.iter().take(MAX_VPCS).enumerate() {
            let region = pick(v.region, ctx.regions.len()).filter(|_| !ctx.junk(v.region));
            let _ = writeln!(
                o,
                "[vpcs.{}]\nregion = {}",
                key(&ctx.id("v", j)),
                q(&ctx.region_id(v.region))
            );
            let (a, b) = (10u8, j as u8);
            let cidr = if ctx.junk(v.cidr_mode) {
                let c = v.cidr_raw;
                match c[4] % 2 {
                    0 => format!("10.{}.0.0/{}", b, 8 + c[4] % 21),
                    _ => format!("{}.{}.{}.{}/{}", c[0], c[1], c[2], c[3], c[4] % 40),
                }
            } else {
                format!("{a}.{b}.0.0/16")
            };
            let _ = writeln!(o, "cidr = {}", q(&cidr));
            if let Some(l) = &v.label {
                let _ = writeln!(o, "label = {}", q(&l.get()));
            }
            o.push('\n');
            ctx.vpc_region.push(region);
            ctx.vpc_net.push((a, b));
        }

        // Subnets
        for s in self.subnets.iter().take(MAX_SUBNETS) {
            if ctx.clean && ctx.vpc_region.is_empty() {
                break;
            }
            let k = ctx.subnets.len();
            let (vpc_id, vpc) = ctx.vpc_id(s.vpc);
            let region = vpc.and_then(|v| ctx.vpc_region[v]);
            let info = region.and_then(|r| ctx.regions[r]);
            let (zone_written, zone_full) = match info {
                Some(info) if !ctx.junk(s.zone) => {
                    let letters: Vec<char> = info.zones.chars().collect();
                    let letter = letters[s.zone as usize % letters.len()];
                    let full = format!("{}{}", info.code, letter);
                    let written = match s.zone_form % 4 {
                        0 | 1 => letter.to_string(),
                        2 => full.clone(),
                        _ => format!(" {}", full.to_ascii_uppercase()),
                    };
                    (written, full)
                }
                _ => ("q".to_string(), String::new()),
            };
            if let Some(r) = region {
                if !zone_full.is_empty() && !ctx.zones[r].contains(&zone_full) {
                    ctx.zones[r].push(zone_full.clone());
                }
            }
            let tier = if ctx.junk(s.tier) {
                3
            } else {
                s.tier as usize % 3
            };
            let (a, b) = vpc.map_or((10, 0), |v| ctx.vpc_net[v]);
            let cidr = match s.cidr_mode % 16 {
                _ if ctx.junk(s.cidr_mode) => match s.cidr_raw[1] % 2 {
                    0 => format!("{a}.{b}.{}.0/{}", s.cidr_raw[0], 16 + s.cidr_raw[1] % 17),
                    _ => format!("{a}.{}.{}.7/24", s.cidr_raw[0], s.cidr_raw[1]),
                },
                0..=11 => format!("{a}.{b}.{k}.0/24"),
                _ => format!("{a}.{b}.{k}.0/{}", 24 + s.cidr_raw[1] % 5),
            };
            let _ = writeln!(
                o,
                "[subnets.{}]\nvpc = {}\nzone = {}\ncidr = {}\ntier = {}",
                key(&ctx.id("s", k)),
                q(&vpc_id),
                q(&zone_written),
                q(&cidr),
                q(TIERS.get(tier).copied().unwrap_or("privat"))
            );
            if let Some(l) = &s.label {
                let _ = writeln!(o, "label = {}", q(&l.get()));
            }
            o.push('\n');
            ctx.subnets.push((vpc, zone_full, tier));
        }

        // Group kinds are decided first so that `in` can name only frames.
        // A clean spec has overlays only when it has nodes to put in them.
        let n_nodes = self.nodes.len().min(MAX_NODES);
        let groups: Vec<&Group> = self.groups.iter().take(MAX_GROUPS).collect();
        let overlay: Vec<bool> = groups
            .iter()
            .map(|g| g.overlay && (n_nodes > 0 || !ctx.clean))
            .collect();
        ctx.frames = (0..groups.len()).filter(|&i| !overlay[i]).collect();

        // Gateways
        for gw in self.gateways.iter().take(MAX_GATEWAYS) {
            let g = ctx.gateways.len();
            let ty = gw.ty as usize % GW_TYPES.len();
            // A clean spec has no gateway whose parent is missing.
            let missing = match GW_TYPES[ty] {
                "internet" | "egress-only" | "vpn" => ctx.vpc_region.is_empty(),
                "nat" => ctx.subnets.is_empty(),
                "transit" => ctx.regions.is_empty(),
                _ => false,
            };
            if ctx.clean && missing {
                continue;
            }
            let _ = writeln!(
                o,
                "[gateways.{}]\ntype = {}",
                key(&ctx.id("g", g)),
                q(GW_TYPES[ty])
            );
            let mut vpc_of = None;
            match GW_TYPES[ty] {
                "internet" | "egress-only" | "vpn" => {
                    let (id, v) = ctx.vpc_id(gw.place);
                    vpc_of = v;
                    let _ = writeln!(o, "vpc = {}", q(&id));
                }
                "nat" => {
                    // Prefer public subnets.
                    let public: Vec<usize> = (0..ctx.subnets.len())
                        .filter(|&i| ctx.subnets[i].2 == 0)
                        .collect();
                    let pool: Vec<usize> = if public.is_empty() || gw.place % 8 == 7 {
                        (0..ctx.subnets.len()).collect()
                    } else {
                        public
                    };
                    let id = match pick(gw.place, pool.len()) {
                        Some(i) if !ctx.junk(gw.place) => {
                            vpc_of = ctx.subnets[pool[i]].0;
                            ctx.id("s", pool[i])
                        }
                        _ => ctx.junk_id(gw.place),
                    };
                    let _ = writeln!(o, "subnet = {}", q(&id));
                }
                "transit" => {
                    let _ = writeln!(o, "region = {}", q(&ctx.region_id(gw.place)));
                }
                _ => {
                    if let Some(p) = gw
                        .customer_in
                        .as_ref()
                        .and_then(|p| ctx.place(p, usize::MAX))
                    {
                        let _ = writeln!(o, "in = {}", q(&p));
                    }
                }
            }
            if let Some(l) = &gw.label {
                let _ = writeln!(o, "label = {}", q(&l.get()));
            }
            o.push('\n');
            ctx.gateways.push((ty, vpc_of));
        }

        // Load balancers
        let mut n_lb = 0;
        for lb in self.lbs.iter().take(MAX_LBS) {
            if ctx.clean && ctx.subnets.is_empty() {
                break;
            }
            let _ = writeln!(o, "[load_balancers.{}]", key(&ctx.id("lb", n_lb)));
            n_lb += 1;
            match lb.ty % 8 {
                _ if ctx.junk(lb.ty) => {
                    let _ = writeln!(o, "type = {}", q("applicaton"));
                }
                0..=4 => {
                    let _ = writeln!(o, "type = {}", q(LB_TYPES[lb.ty as usize % 4]));
                }
                _ => {} // default: application
            }
            let mut ids = Vec::new();
            if ctx.junk(lb.mode) {
                for &b in lb.raw.iter().take(4) {
                    if let Some(k) = pick(b, ctx.subnets.len()) {
                        ids.push(ctx.id("s", k));
                    }
                }
            } else if let Some(a) = pick(lb.anchor, ctx.subnets.len()) {
                // Subnets of one VPC and tier, one per zone, starting at the anchor.
                let (vpc, _, tier) = ctx.subnets[a].clone();
                let want = 1 + lb.count as usize % 3;
                let mut zones: Vec<&str> = Vec::new();
                for k in (a..ctx.subnets.len()).chain(0..a) {
                    let (v, z, t) = &ctx.subnets[k];
                    if ids.len() == want {
                        break;
                    }
                    if *v == vpc && *t == tier && !zones.contains(&z.as_str()) {
                        zones.push(z);
                        ids.push(ctx.id("s", k));
                    }
                }
            }
            let _ = writeln!(o, "subnets = {}", str_or_array(&ids, lb.as_string));
            if let Some(l) = &lb.label {
                let _ = writeln!(o, "label = {}", q(&l.get()));
            }
            o.push('\n');
        }

        // Route tables
        let mut associated = vec![false; ctx.subnets.len()];
        for (t, rt) in self.route_tables.iter().take(MAX_ROUTE_TABLES).enumerate() {
            if ctx.clean && ctx.vpc_region.is_empty() {
                break;
            }
            let (vpc_id, vpc) = ctx.vpc_id(rt.vpc);
            let name = key(&ctx.id("rt", t));
            let _ = writeln!(o, "[route_tables.{name}]\nvpc = {}", q(&vpc_id));
            let mut subs = Vec::new();
            for (k, s) in ctx.subnets.iter().enumerate() {
                let mine = s.0 == vpc && vpc.is_some();
                let chosen = rt.subnets & (1 << (k % 16)) != 0;
                let junk_choice = !ctx.clean && rt.subnets >> 12 == 0xF;
                if chosen && ((mine && !associated[k]) || junk_choice) {
                    associated[k] = true;
                    subs.push(ctx.id("s", k));
                }
            }
            if !subs.is_empty() {
                let _ = writeln!(o, "subnets = {}", str_or_array(&subs, rt.subnets_as_string));
            }
            if let Some(l) = &rt.label {
                let _ = writeln!(o, "label = {}", q(&l.get()));
            }
            let routes: Vec<(String, String)> = rt
                .routes
                .iter()
                .take(MAX_ROUTES)
                .map(|r| {
                    let to = match r.to_mode % 8 {
                        _ if ctx.junk(r.to_mode) => {
                            ["::/0", "10.0.0.1/8", "default", "", "172.16.0.0/33"]
                                [r.to_raw[0] as usize % 5]
                                .to_string()
                        }
                        0..=3 => "0.0.0.0/0".to_string(),
                        4 => format!("10.{}.0.0/16", r.to_raw[0] % 8),
                        5 => format!(
                            "pl-{:02x}{:02x}{:02x}",
                            r.to_raw[0], r.to_raw[1], r.to_raw[2]
                        ),
                        6 => format!("172.{}.{}.0/24", 16 + r.to_raw[0] % 16, r.to_raw[1]),
                        _ => format!("192.168.{}.{}/32", r.to_raw[1], r.to_raw[2]),
                    };
                    // Gateways of this VPC (and transit gateways anywhere) are valid targets.
                    let valid: Vec<usize> = ctx
                        .gateways
                        .iter()
                        .enumerate()
                        .filter(|(_, (ty, v))| {
                            GW_TYPES[*ty] == "transit" || (*v == vpc && vpc.is_some())
                        })
                        .map(|(g, _)| g)
                        .collect();
                    let via = match r.via_mode % 8 {
                        _ if ctx.junk(r.via_mode) => match r.via % 2 {
                            0 => match pick(r.via, ctx.gateways.len()) {
                                Some(g) => ctx.id("g", g),
                                None => ctx.id("n", r.via as usize % 4),
                            },
                            _ => ctx.junk_id(r.via),
                        },
                        0 => "local".to_string(),
                        _ => match pick(r.via, valid.len()) {
                            Some(i) => ctx.id("g", valid[i]),
                            None => "local".to_string(),
                        },
                    };
                    (to, via)
                })
                .collect();
            if !routes.is_empty() {
                if rt.routes_as_tables {
                    o.push('\n');
                    for (to, via) in &routes {
                        let _ = writeln!(
                            o,
                            "[[route_tables.{name}.routes]]\nto = {}\nvia = {}",
                            q(to),
                            q(via)
                        );
                    }
                } else {
                    o.push_str("routes = [\n");
                    for (to, via) in &routes {
                        let _ = writeln!(o, "  {{ to = {}, via = {} }},", q(to), q(via));
                    }
                    o.push_str("]\n");
                }
            }
            o.push('\n');
        }

        // Nodes
        for (n, node) in self.nodes.iter().take(MAX_NODES).enumerate() {
            let kind = if ctx.junk(node.kind_junk) {
                "lambda-function"
            } else {
                KINDS[node.kind as usize % KINDS.len()].kind
            };
            let _ = writeln!(o, "[nodes.{}]\nkind = {}", key(&ctx.id("n", n)), q(kind));
            if let Some(p) = node.place.as_ref().and_then(|p| ctx.place(p, usize::MAX)) {
                let _ = writeln!(o, "in = {}", q(&p));
            }
            if let Some(l) = &node.label {
                let _ = writeln!(o, "label = {}", q(&l.get()));
            }
            o.push('\n');
        }

        // Groups
        let n_gw = ctx.gateways.len();
        for (i, g) in groups.iter().enumerate() {
            let _ = writeln!(o, "[groups.{}]", key(&ctx.id("grp", i)));
            if g.kind % 9 != 8 {
                let _ = writeln!(o, "kind = {}", q(GROUP_KINDS[g.kind as usize % 9 % 8]));
            }
            if overlay[i] {
                // Members: nodes, gateways, load balancers.
                let mut members = Vec::new();
                for &b in g.span.iter().take(4) {
                    let m = match b % 8 {
                        0..=5 => pick(b, n_nodes).map(|k| ctx.id("n", k)),
                        6 => pick(b / 8, n_gw).map(|k| ctx.id("g", k)),
                        _ => pick(b / 8, n_lb).map(|k| ctx.id("lb", k)),
                    };
                    if let Some(m) = m {
                        if !members.contains(&m) {
                            members.push(m);
                        }
                    }
                }
                if members.is_empty() {
                    members.push(ctx.id("n", 0));
                }
                let _ = writeln!(o, "span = {}", str_or_array(&members, g.span_as_string));
                if ctx.junk(g.both) {
                    if let Some(p) = g.place.as_ref().and_then(|p| ctx.place(p, i)) {
                        let _ = writeln!(o, "in = {}", q(&p));
                    }
                }
            } else {
                let limit = if ctx.junk(g.both) { usize::MAX } else { i };
                if let Some(p) = g.place.as_ref().and_then(|p| ctx.place(p, limit)) {
                    let _ = writeln!(o, "in = {}", q(&p));
                }
            }
            if let Some(l) = &g.label {
                let _ = writeln!(o, "label = {}", q(&l.get()));
            }
            o.push('\n');
        }

        // Links
        let end = |e: End| -> Option<String> {
            match e.kind % 16 {
                0..=8 => pick(e.idx, n_nodes).map(|k| ctx.id("n", k)),
                9 | 10 => pick(e.idx, n_gw).map(|k| ctx.id("g", k)),
                11 => pick(e.idx, n_lb).map(|k| ctx.id("lb", k)),
                12 => pick(e.idx, groups.len()).map(|k| ctx.id("grp", k)),
                13 => pick(e.idx, ctx.subnets.len()).map(|k| ctx.id("s", k)),
                14 => pick(e.idx, ctx.vpc_region.len()).map(|k| ctx.id("v", k)),
                _ => {
                    if ctx.junk(e.idx) {
                        ctx.zone_full(e.idx).or_else(|| Some(ctx.junk_id(e.idx)))
                    } else if e.idx.is_multiple_of(2) && n_nodes > 0 {
                        pick(e.idx / 2, n_nodes).map(|k| ctx.id("n", k))
                    } else {
                        pick(e.idx, ctx.regions.len()).map(|k| ctx.id("r", k))
                    }
                }
            }
        };
        for l in self.links.iter().take(MAX_LINKS) {
            let Some(from) = end(l.from) else { continue };
            let mut to: Vec<String> = Vec::new();
            for &e in l.to.iter().take(MAX_FANOUT) {
                if let Some(t) = end(e) {
                    // Self-links and duplicate targets only on a junk choice.
                    if (t != from && !to.contains(&t)) || ctx.junk(l.style) {
                        to.push(t);
                    }
                }
            }
            if to.is_empty() {
                continue;
            }
            let _ = writeln!(
                o,
                "[[links]]\nfrom = {}\nto = {}",
                q(&from),
                str_or_array(&to, l.to_as_string)
            );
            if let Some(t) = &l.label {
                let _ = writeln!(o, "label = {}", q(&t.get()));
            }
            match l.style % 8 {
                0..=4 => {}
                5 => o.push_str("style = \"dashed\"\n"),
                6 => o.push_str("style = \"dotted\"\n"),
                _ => o.push_str("style = \"solid\"\n"),
            }
            match l.arrow % 8 {
                0..=3 => {}
                4 => o.push_str("arrow = \"back\"\n"),
                5 => o.push_str("arrow = \"both\"\n"),
                6 => o.push_str("arrow = \"none\"\n"),
                _ => o.push_str("arrow = \"forward\"\n"),
            }
            o.push('\n');
        }
        o
    }
}

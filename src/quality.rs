//! Layout quality: the defects and blemishes of quality.md computed from a JSON layout
//! export.
//!
//! [`check`] reads the layout written by `archdraw render --format json` (canvas
//! `width`/`height`, `boxes`, `links`; absolute canvas pixels, y down) and reports the
//! nine layout defects that must be zero on every spec, the nine blemishes (visible flaws
//! that are not defects, each with its measure; they never change the defect list), plus
//! the figures used to compare layouts. It is pure: no I/O and no dependency on the
//! renderer.
//!
//! Conventions used throughout:
//! - every comparison allows [`TOLERANCE`] (0.5 px), except where quality.md sets its own
//!   thresholds (the blemishes use those as written);
//! - two rectangles *intersect* when their open interiors overlap by more than the
//!   tolerance on both axes (touching edges is fine);
//! - a segment *enters* a rectangle when it reaches the rectangle's interior shrunk
//!   by the tolerance on every side (running along an edge is fine);
//! - link segments are numbered from 1 in messages.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use serde_json::Value;

/// Slack, in pixels, allowed by every geometric comparison.
pub const TOLERANCE: f64 = 0.5;
const TOL: f64 = TOLERANCE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DefectKind {
    Containment,
    Overlap,
    LinkThroughBox,
    LabelCollision,
    NonOrthogonal,
    DetachedEnd,
    ZoneAlignment,
    OverlayIntrusion,
    ParallelOverlap,
}

impl DefectKind {
    /// Every kind, in the order of quality.md.
    pub const ALL: [DefectKind; 9] = [
        DefectKind::Containment,
        DefectKind::Overlap,
        DefectKind::LinkThroughBox,
        DefectKind::LabelCollision,
        DefectKind::NonOrthogonal,
        DefectKind::DetachedEnd,
        DefectKind::ZoneAlignment,
        DefectKind::OverlayIntrusion,
        DefectKind::ParallelOverlap,
    ];

    /// Short kebab-case name, as quality.md titles the defect.
    pub fn name(self) -> &'static str {
        match self {
            DefectKind::Containment => "containment",
            DefectKind::Overlap => "overlap",
            DefectKind::LinkThroughBox => "link-through-box",
            DefectKind::LabelCollision => "label-collision",
            DefectKind::NonOrthogonal => "non-orthogonal",
            DefectKind::DetachedEnd => "detached-end",
            DefectKind::ZoneAlignment => "zone-alignment",
            DefectKind::OverlayIntrusion => "overlay-intrusion",
            DefectKind::ParallelOverlap => "parallel-overlap",
        }
    }
}

impl fmt::Display for DefectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One defect; `message` names the ids involved,
/// e.g. "link users->igw segment 2 crosses node nat-a".
#[derive(Debug, Clone)]
pub struct Defect {
    pub kind: DefectKind,
    pub message: String,
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// The blemishes of quality.md: visible flaws that are not defects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BlemishKind {
    BorderHugging,
    Detour,
    Excursion,
    CoincidentLinks,
    Grazing,
    SplitGroup,
    BendOutlier,
    ZoneOrder,
    OffCentreHub,
}

impl BlemishKind {
    /// Every kind, in the order of quality.md.
    pub const ALL: [BlemishKind; 9] = [
        BlemishKind::BorderHugging,
        BlemishKind::Detour,
        BlemishKind::Excursion,
        BlemishKind::CoincidentLinks,
        BlemishKind::Grazing,
        BlemishKind::SplitGroup,
        BlemishKind::BendOutlier,
        BlemishKind::ZoneOrder,
        BlemishKind::OffCentreHub,
    ];

    /// Short kebab-case name, as quality.md titles the blemish.
    pub fn name(self) -> &'static str {
        match self {
            BlemishKind::BorderHugging => "border-hugging",
            BlemishKind::Detour => "detour",
            BlemishKind::Excursion => "excursion",
            BlemishKind::CoincidentLinks => "coincident-links",
            BlemishKind::Grazing => "grazing",
            BlemishKind::SplitGroup => "split-group",
            BlemishKind::BendOutlier => "bend-outlier",
            BlemishKind::ZoneOrder => "zone-order",
            BlemishKind::OffCentreHub => "off-centre-hub",
        }
    }
}

impl fmt::Display for BlemishKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One blemish; `message` names the ids involved, e.g. "link a->b runs 9.0 px from
/// group vpc-main over 240 px", and `measure` is its size in the unit of its kind:
///
/// | kind | measure |
/// |---|---|
/// | border hugging | px run beside the frame line (or inside the title band) |
/// | detour | L ÷ D (D at least 1 px) |
/// | excursion | px of the longest stretch outside the group |
/// | coincident links | px shared on one line |
/// | grazing | px run alongside the node (or its label) |
/// | split group | number of boxes drawn for the group |
/// | bend outlier | number of bends |
/// | zone order | number of subnets of the row whose order differs from the leftmost's |
/// | off-centre hub | the hub's position across its spokes' spread (0 = first, 1 = last) |
#[derive(Debug, Clone)]
pub struct Blemish {
    pub kind: BlemishKind,
    pub message: String,
    pub measure: f64,
}

impl fmt::Display for Blemish {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// Comparative figures, lower is better.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Proper crossings between segments of different links.
    pub crossings: usize,
    /// Interior link points where the direction changes, over all links.
    pub bends: usize,
    /// `bends` divided by the number of links (0 without links).
    pub bends_per_link: f64,
    /// Total link length divided by the canvas half-perimeter (`width + height`).
    pub length_ratio: f64,
    /// Canvas area divided by the summed area of role-"node" boxes (0 without nodes).
    pub area_ratio: f64,
    /// How far the canvas aspect ratio goes beyond 2:1: `max(0, max(w/h, h/w) - 2)`.
    pub aspect_excess: f64,
    /// Pairs of parallel segments of links that share neither source nor target, side by
    /// side over more than [`CLOSE_GAP`] px but fewer than [`CLOSE_GAP`] px apart (they
    /// read as one thick line; archdraw keeps them at least that far apart).
    pub close_parallels: usize,
    /// The most bends on one link (0 without links).
    pub max_bends: usize,
    /// The worst detour ratio over all links: path length ÷ the Manhattan distance D
    /// between the nearest points of the two end boxes, D taken as at least 1 px.
    pub worst_detour: f64,
    /// Links with more than [`MAX_BENDS`] bends (the bend-outlier blemishes).
    pub bend_outliers: usize,
}

/// A link with more bends than this is a bend outlier (quality.md, blemish 7).
pub const MAX_BENDS: usize = 4;

/// See [`Figures::close_parallels`].
pub const CLOSE_GAP: f64 = 8.0;

#[derive(Debug, Clone)]
pub struct Report {
    /// Defects grouped by kind, in the order of [`DefectKind::ALL`].
    pub defects: Vec<Defect>,
    /// Blemishes grouped by kind, in the order of [`BlemishKind::ALL`]; they take no
    /// part in `defects`.
    pub blemishes: Vec<Blemish>,
    pub figures: Figures,
}

/// How many blemishes of each kind `r` holds, for every kind in the order of
/// [`BlemishKind::ALL`] (zeros included).
pub fn blemish_counts(r: &Report) -> Vec<(BlemishKind, usize)> {
    BlemishKind::ALL
        .iter()
        .map(|&k| (k, r.blemishes.iter().filter(|b| b.kind == k).count()))
        .collect()
}

/// Checks a JSON layout export. `Err` only when the JSON lacks required fields (or has
/// them with the wrong type, or refers to a box id that does not exist).
pub fn check(layout: &Value) -> Result<Report, String> {
    let l = Layout::parse(layout)?;
    let mut defects = Vec::new();
    check_containment(&l, &mut defects);
    check_overlap(&l, &mut defects);
    check_link_through_box(&l, &mut defects);
    check_label_collisions(&l, &mut defects);
    check_non_orthogonal(&l, &mut defects);
    check_detached_ends(&l, &mut defects);
    check_zone_alignment(&l, &mut defects);
    check_overlay_intrusion(&l, &mut defects);
    check_parallel_overlap(&l, &mut defects);
    Ok(Report {
        defects,
        blemishes: blemishes(&l),
        figures: figures(&l),
    })
}

// ---------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
struct Pt {
    x: f64,
    y: f64,
}

impl Pt {
    fn sub(self, o: Pt) -> Pt {
        Pt {
            x: self.x - o.x,
            y: self.y - o.y,
        }
    }
    fn add(self, o: Pt) -> Pt {
        Pt {
            x: self.x + o.x,
            y: self.y + o.y,
        }
    }
    fn scale(self, k: f64) -> Pt {
        Pt {
            x: self.x * k,
            y: self.y * k,
        }
    }
    fn norm(self) -> f64 {
        self.x.hypot(self.y)
    }
}

impl fmt::Display for Pt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

fn cross(a: Pt, b: Pt) -> f64 {
    a.x * b.y - a.y * b.x
}

fn dot(a: Pt, b: Pt) -> f64 {
    a.x * b.x + a.y * b.y
}

/// Length of the overlap of the intervals `[a0, a1]` and `[b0, b1]` (negative when apart).
fn overlap_len(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    a1.min(b1) - a0.max(b0)
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn right(&self) -> f64 {
        self.x + self.w
    }
    fn bottom(&self) -> f64 {
        self.y + self.h
    }
    fn centre(&self) -> Pt {
        Pt {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }
    fn area(&self) -> f64 {
        self.w * self.h
    }

    /// Open interiors overlap by more than the tolerance on both axes.
    fn intersects(&self, o: &Rect) -> bool {
        overlap_len(self.x, self.right(), o.x, o.right()) > TOL
            && overlap_len(self.y, self.bottom(), o.y, o.bottom()) > TOL
    }

    /// `inner` lies inside `self`, up to the tolerance.
    fn contains(&self, inner: &Rect) -> bool {
        inner.x >= self.x - TOL
            && inner.y >= self.y - TOL
            && inner.right() <= self.right() + TOL
            && inner.bottom() <= self.bottom() + TOL
    }

    fn union(&self, o: &Rect) -> Rect {
        let (x, y) = (self.x.min(o.x), self.y.min(o.y));
        Rect {
            x,
            y,
            w: self.right().max(o.right()) - x,
            h: self.bottom().max(o.bottom()) - y,
        }
    }

    /// `p` lies on one of the four edges (between the corners), up to the tolerance.
    fn on_border(&self, p: Pt) -> bool {
        let within = p.x >= self.x - TOL
            && p.x <= self.right() + TOL
            && p.y >= self.y - TOL
            && p.y <= self.bottom() + TOL;
        let to_edge = (p.x - self.x)
            .abs()
            .min((p.x - self.right()).abs())
            .min((p.y - self.y).abs())
            .min((p.y - self.bottom()).abs());
        within && to_edge <= TOL
    }

    /// The interior shrunk by the tolerance, as `(x0, y0, x1, y1)`; `None` when empty.
    fn inner_bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let (x0, y0) = (self.x + TOL, self.y + TOL);
        let (x1, y1) = (self.right() - TOL, self.bottom() - TOL);
        (x0 < x1 && y0 < y1).then_some((x0, y0, x1, y1))
    }
}

#[derive(Debug, Clone, Copy)]
struct Seg {
    a: Pt,
    b: Pt,
}

impl Seg {
    fn delta(&self) -> Pt {
        self.b.sub(self.a)
    }
    fn len(&self) -> f64 {
        self.delta().norm()
    }

    /// Both segments horizontal (or both vertical), more than the tolerance but less than
    /// [`CLOSE_GAP`] apart, side by side over more than [`CLOSE_GAP`] px.
    fn close_to(&self, o: &Seg) -> bool {
        let flat = |s: &Seg| (s.a.y - s.b.y).abs() <= TOL;
        let upright = |s: &Seg| (s.a.x - s.b.x).abs() <= TOL;
        let (gap, lo, hi) = if flat(self) && flat(o) && self.len() > TOL && o.len() > TOL {
            (
                (self.a.y - o.a.y).abs(),
                self.a.x.min(self.b.x).max(o.a.x.min(o.b.x)),
                self.a.x.max(self.b.x).min(o.a.x.max(o.b.x)),
            )
        } else if upright(self) && upright(o) && self.len() > TOL && o.len() > TOL {
            (
                (self.a.x - o.a.x).abs(),
                self.a.y.min(self.b.y).max(o.a.y.min(o.b.y)),
                self.a.y.max(self.b.y).min(o.a.y.max(o.b.y)),
            )
        } else {
            return false;
        };
        gap > TOL && gap < CLOSE_GAP && hi - lo > CLOSE_GAP
    }

    /// The segment reaches the open interior of `r` shrunk by the tolerance
    /// (Liang–Barsky clipping, then a strict test on the clipped part's midpoint so
    /// that a segment running along an edge of the shrunk rectangle does not count).
    fn enters(&self, r: &Rect) -> bool {
        let Some((x0, y0, x1, y1)) = r.inner_bounds() else {
            return false;
        };
        let d = self.delta();
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-d.x, self.a.x - x0),
            (d.x, x1 - self.a.x),
            (-d.y, self.a.y - y0),
            (d.y, y1 - self.a.y),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else if p < 0.0 {
                t0 = t0.max(q / p);
            } else {
                t1 = t1.min(q / p);
            }
        }
        if t0 > t1 {
            return false;
        }
        let m = self.a.add(d.scale((t0 + t1) / 2.0));
        m.x > x0 && m.x < x1 && m.y > y0 && m.y < y1
    }

    /// Length over which `o` runs on the same line as `self` (0 when not collinear).
    fn collinear_overlap(&self, o: &Seg) -> f64 {
        self.collinear_overlap_within(o, TOL)
    }

    /// [`Seg::collinear_overlap`], with both ends of `o` within `slack` of `self`'s line.
    fn collinear_overlap_within(&self, o: &Seg, slack: f64) -> f64 {
        let len = self.len();
        if len <= TOL || o.len() <= TOL {
            return 0.0;
        }
        let u = self.delta().scale(1.0 / len);
        let off_line = |p: Pt| cross(u, p.sub(self.a)).abs();
        if off_line(o.a) > slack || off_line(o.b) > slack {
            return 0.0;
        }
        let (s, e) = (dot(u, o.a.sub(self.a)), dot(u, o.b.sub(self.a)));
        overlap_len(0.0, len, s.min(e), s.max(e)).max(0.0)
    }

    /// Proper crossing: each segment has the other's endpoints strictly on opposite
    /// sides (beyond the tolerance). Touching, T-junctions and shared stretches are not
    /// crossings.
    fn crosses(&self, o: &Seg) -> bool {
        if self.len() <= TOL || o.len() <= TOL {
            return false;
        }
        let side = |s: &Seg, p: Pt| cross(s.delta(), p.sub(s.a)) / s.len();
        let apart = |d1: f64, d2: f64| (d1 > TOL && d2 < -TOL) || (d1 < -TOL && d2 > TOL);
        apart(side(self, o.a), side(self, o.b)) && apart(side(o, self.a), side(o, self.b))
    }
}

// ---------------------------------------------------------------------------
// Layout model (parsed and indexed JSON)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Group,
    Node,
    Overlay,
}

impl Role {
    fn word(self) -> &'static str {
        match self {
            Role::Group => "group",
            Role::Node => "node",
            Role::Overlay => "overlay",
        }
    }
}

#[derive(Debug)]
struct BoxItem {
    id: String,
    kind: String,
    role: Role,
    parent: Option<usize>,
    rect: Rect,
    label: Option<Rect>,
    tier: Option<String>,
    /// A subnet's row name, where the spec gives one (subnets of one row align).
    row: Option<String>,
    border: bool,
    spans: Vec<usize>,
    members: Vec<usize>,
}

impl BoxItem {
    /// "node web", "group main", "overlay sg-app".
    fn describe(&self) -> String {
        format!("{} {}", self.role.word(), self.id)
    }
}

#[derive(Debug)]
struct LinkItem {
    /// "from->to", plus " #index" when several links join the same pair.
    name: String,
    from: usize,
    to: usize,
    points: Vec<Pt>,
    segs: Vec<Seg>,
    label: Option<Rect>,
    /// The texts by its ends (`from_label`, `to_label`), where given.
    end_labels: Vec<(&'static str, Rect)>,
}

#[derive(Debug)]
struct Layout {
    width: f64,
    height: f64,
    boxes: Vec<BoxItem>,
    links: Vec<LinkItem>,
    /// Child box indices of each box.
    children: Vec<Vec<usize>>,
    /// Groups a spanning node may intersect: its spanned groups and their ancestors.
    span_reach: Vec<HashSet<usize>>,
    /// Boxes that contain each box for the link-through-box rule: the box itself, its
    /// ancestors, and (for spanning nodes) `span_reach`.
    containers: Vec<HashSet<usize>>,
}

fn field<'a>(v: &'a Value, key: &str, what: &str) -> Result<&'a Value, String> {
    v.get(key)
        .ok_or_else(|| format!("{what}: missing field `{key}`"))
}

fn number(v: &Value, key: &str, what: &str) -> Result<f64, String> {
    field(v, key, what)?
        .as_f64()
        .ok_or_else(|| format!("{what}: field `{key}` is not a number"))
}

fn text<'a>(v: &'a Value, key: &str, what: &str) -> Result<&'a str, String> {
    field(v, key, what)?
        .as_str()
        .ok_or_else(|| format!("{what}: field `{key}` is not a string"))
}

/// A string field that may be missing or null.
fn opt_text<'a>(v: &'a Value, key: &str, what: &str) -> Result<Option<&'a str>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{what}: field `{key}` is not a string")),
    }
}

/// An array of strings that may be missing or null (then empty).
fn text_list<'a>(v: &'a Value, key: &str, what: &str) -> Result<Vec<&'a str>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .ok_or_else(|| format!("{what}: `{key}` holds a non-string"))
            })
            .collect(),
        Some(_) => Err(format!("{what}: field `{key}` is not an array")),
    }
}

fn rect_of(v: &Value, what: &str) -> Result<Rect, String> {
    Ok(Rect {
        x: number(v, "x", what)?,
        y: number(v, "y", what)?,
        w: number(v, "w", what)?,
        h: number(v, "h", what)?,
    })
}

/// The `label` field: missing or null means no label, otherwise `{text, x, y, w, h}`.
fn label_of(v: &Value, what: &str) -> Result<Option<Rect>, String> {
    match v.get("label") {
        None | Some(Value::Null) => Ok(None),
        Some(lab) => rect_of(lab, &format!("label of {what}")).map(Some),
    }
}

fn point_of(v: &Value, what: &str) -> Result<Pt, String> {
    match v.as_array().map(Vec::as_slice) {
        Some([x, y]) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => Ok(Pt { x, y }),
            _ => Err(format!("{what}: a point is not [x, y] numbers")),
        },
        _ => Err(format!("{what}: a point is not [x, y]")),
    }
}

impl Layout {
    fn parse(v: &Value) -> Result<Layout, String> {
        let width = number(v, "width", "layout")?;
        let height = number(v, "height", "layout")?;
        let raw_boxes = field(v, "boxes", "layout")?
            .as_array()
            .ok_or("layout: field `boxes` is not an array")?;
        let raw_links = field(v, "links", "layout")?
            .as_array()
            .ok_or("layout: field `links` is not an array")?;

        // Pass 1: ids.
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, b) in raw_boxes.iter().enumerate() {
            let id = text(b, "id", &format!("boxes[{i}]"))?;
            if index.insert(id, i).is_some() {
                return Err(format!("box id `{id}` is used twice"));
            }
        }
        let lookup = |id: &str, what: &str| {
            index
                .get(id)
                .copied()
                .ok_or_else(|| format!("{what}: refers to unknown box `{id}`"))
        };

        // Pass 2: boxes, with references resolved.
        let mut boxes = Vec::with_capacity(raw_boxes.len());
        for b in raw_boxes {
            let id = text(b, "id", "box")?;
            let what = format!("box {id}");
            let role = match text(b, "role", &what)? {
                "group" => Role::Group,
                "node" => Role::Node,
                "overlay" => Role::Overlay,
                other => return Err(format!("{what}: unknown role `{other}`")),
            };
            let parent = opt_text(b, "parent", &what)?
                .map(|p| lookup(p, &what))
                .transpose()?;
            let spans = text_list(b, "spans", &what)?
                .into_iter()
                .map(|s| lookup(s, &what))
                .collect::<Result<_, _>>()?;
            let members = text_list(b, "members", &what)?
                .into_iter()
                .map(|s| lookup(s, &what))
                .collect::<Result<_, _>>()?;
            boxes.push(BoxItem {
                id: id.to_string(),
                kind: text(b, "kind", &what)?.to_string(),
                role,
                parent,
                rect: rect_of(b, &what)?,
                label: label_of(b, &what)?,
                tier: opt_text(b, "tier", &what)?.map(str::to_string),
                row: opt_text(b, "row", &what)?.map(str::to_string),
                border: opt_text(b, "placement", &what)? == Some("border"),
                spans,
                members,
            });
        }

        // Links.
        let mut pair_count: HashMap<(usize, usize), usize> = HashMap::new();
        let mut links = Vec::with_capacity(raw_links.len());
        for (i, k) in raw_links.iter().enumerate() {
            let what = format!("links[{i}]");
            let from = lookup(text(k, "from", &what)?, &what)?;
            let to = lookup(text(k, "to", &what)?, &what)?;
            let points = field(k, "points", &what)?
                .as_array()
                .ok_or_else(|| format!("{what}: field `points` is not an array"))?
                .iter()
                .map(|p| point_of(p, &what))
                .collect::<Result<Vec<_>, _>>()?;
            if points.len() < 2 {
                return Err(format!("{what}: fewer than 2 points"));
            }
            let segs = points
                .windows(2)
                .map(|w| Seg { a: w[0], b: w[1] })
                .collect();
            *pair_count.entry((from, to)).or_default() += 1;
            links.push(LinkItem {
                name: format!("{}->{}", boxes[from].id, boxes[to].id),
                from,
                to,
                points,
                segs,
                label: label_of(k, &what)?,
                end_labels: {
                    let mut v = Vec::new();
                    for key in ["from_label", "to_label"] {
                        if let Some(lab) = k.get(key).filter(|x| !x.is_null()) {
                            v.push((key, rect_of(lab, &format!("{key} of {what}"))?));
                        }
                    }
                    v
                },
            });
        }
        for (i, link) in links.iter_mut().enumerate() {
            if pair_count[&(link.from, link.to)] > 1 {
                link.name = format!("{} #{i}", link.name);
            }
        }

        // Derived indices.
        let n = boxes.len();
        let mut children = vec![Vec::new(); n];
        let mut ancestors = Vec::with_capacity(n);
        for (i, b) in boxes.iter().enumerate() {
            if let Some(p) = b.parent {
                children[p].push(i);
            }
            let mut chain = Vec::new();
            let mut cur = b.parent;
            while let Some(p) = cur {
                if chain.len() > n {
                    return Err(format!("box {}: parent chain has a cycle", b.id));
                }
                chain.push(p);
                cur = boxes[p].parent;
            }
            ancestors.push(chain);
        }
        // A spanning node reaches into the groups it spans; an overlay (as a link end) into
        // every group holding one of its members.
        let span_reach: Vec<HashSet<usize>> = boxes
            .iter()
            .map(|b| {
                let reach = b.spans.iter().chain(if b.role == Role::Overlay {
                    b.members.iter()
                } else {
                    [].iter()
                });
                reach
                    .flat_map(|&g| std::iter::once(g).chain(ancestors[g].iter().copied()))
                    .collect()
            })
            .collect();
        let containers = (0..n)
            .map(|i| {
                let mut set = span_reach[i].clone();
                set.insert(i);
                set.extend(ancestors[i].iter().copied());
                set
            })
            .collect();

        Ok(Layout {
            width,
            height,
            boxes,
            links,
            children,
            span_reach,
            containers,
        })
    }
}

fn push(out: &mut Vec<Defect>, kind: DefectKind, message: String) {
    out.push(Defect { kind, message });
}

// ---------------------------------------------------------------------------
// 1. Containment
// ---------------------------------------------------------------------------

/// Every box with a parent lies inside it, and so does its label. Border nodes: centre
/// on the parent's border, label exempt. Spanning nodes: inside the bounding box of the
/// spanned groups. Group titles lie inside their own box. Top-level boxes, their labels
/// and link labels lie on the canvas.
fn check_containment(l: &Layout, out: &mut Vec<Defect>) {
    use DefectKind::Containment;
    let canvas = Rect {
        x: 0.0,
        y: 0.0,
        w: l.width,
        h: l.height,
    };
    for b in &l.boxes {
        let me = b.describe();
        let Some(p) = b.parent else {
            if !canvas.contains(&b.rect) {
                push(out, Containment, format!("{me} is not inside the canvas"));
            }
            if b.label.is_some_and(|lab| !canvas.contains(&lab)) {
                push(
                    out,
                    Containment,
                    format!("label of {me} is not inside the canvas"),
                );
            }
            check_group_title(b, out);
            continue;
        };
        let parent = &l.boxes[p];
        let them = parent.describe();
        if b.border {
            if !parent.rect.on_border(b.rect.centre()) {
                push(
                    out,
                    Containment,
                    format!("border {me} is not centred on the border of {them}"),
                );
            }
        } else if !b.spans.is_empty() {
            let union = b
                .spans
                .iter()
                .map(|&g| l.boxes[g].rect)
                .reduce(|acc, r| acc.union(&r))
                .unwrap_or(parent.rect);
            if !union.contains(&b.rect) {
                let names: Vec<&str> = b.spans.iter().map(|&g| l.boxes[g].id.as_str()).collect();
                push(
                    out,
                    Containment,
                    format!(
                        "{me} is not inside the groups it spans ({})",
                        names.join(", ")
                    ),
                );
            }
        } else if !parent.rect.contains(&b.rect) {
            push(out, Containment, format!("{me} is not inside {them}"));
        }
        // A group's title is checked against its own box (which lies in the parent).
        let label_outside = b.label.is_some_and(|lab| !parent.rect.contains(&lab));
        if !b.border && b.role != Role::Group && label_outside {
            push(
                out,
                Containment,
                format!("label of {me} is not inside {them}"),
            );
        }
        check_group_title(b, out);
    }
    for link in &l.links {
        for (key, _) in link
            .label
            .map(|r| ("label", r))
            .into_iter()
            .chain(link.end_labels.iter().copied())
            .filter(|(_, r)| !canvas.contains(r))
        {
            push(
                out,
                Containment,
                format!("{key} of link {} is not inside the canvas", link.name),
            );
        }
    }
}

fn check_group_title(b: &BoxItem, out: &mut Vec<Defect>) {
    if b.role != Role::Group {
        return;
    }
    if b.label.is_some_and(|lab| !b.rect.contains(&lab)) {
        push(
            out,
            DefectKind::Containment,
            format!("label of {} is not inside its own box", b.describe()),
        );
    }
}

// ---------------------------------------------------------------------------
// 2. Overlap
// ---------------------------------------------------------------------------

/// Sibling boxes (same parent, top level included) or any two nodes intersecting.
/// Overlays take no part; a spanning node may intersect its `span_reach`.
fn check_overlap(l: &Layout, out: &mut Vec<Defect>) {
    for (i, a) in l.boxes.iter().enumerate() {
        for (j, b) in l.boxes.iter().enumerate().skip(i + 1) {
            if a.role == Role::Overlay || b.role == Role::Overlay {
                continue;
            }
            let siblings = a.parent == b.parent;
            let both_nodes = a.role == Role::Node && b.role == Role::Node;
            if !(siblings || both_nodes) || !a.rect.intersects(&b.rect) {
                continue;
            }
            if l.span_reach[i].contains(&j) || l.span_reach[j].contains(&i) {
                continue;
            }
            push(
                out,
                DefectKind::Overlap,
                format!("{} overlaps {}", a.describe(), b.describe()),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 3. Link through a box
// ---------------------------------------------------------------------------

/// A segment crossing a node that is not one of the link's ends, or entering a group
/// that contains neither end (see `Layout::containers`). Overlays are ignored.
fn check_link_through_box(l: &Layout, out: &mut Vec<Defect>) {
    for link in &l.links {
        for (k, seg) in link.segs.iter().enumerate() {
            for (i, b) in l.boxes.iter().enumerate() {
                if i == link.from || i == link.to || !seg.enters(&b.rect) {
                    continue;
                }
                let message = match b.role {
                    Role::Node => format!(
                        "link {} segment {} crosses {}",
                        link.name,
                        k + 1,
                        b.describe()
                    ),
                    Role::Group
                        if !l.containers[link.from].contains(&i)
                            && !l.containers[link.to].contains(&i) =>
                    {
                        format!(
                            "link {} segment {} enters {}, which contains neither end",
                            link.name,
                            k + 1,
                            b.describe()
                        )
                    }
                    _ => continue,
                };
                push(out, DefectKind::LinkThroughBox, message);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 4. Label collisions
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Box(usize),
    Link(usize),
}

struct LabelRef {
    owner: Owner,
    rect: Rect,
    desc: String,
}

/// Labels (box labels of every role, link labels) against: other labels, nodes that
/// are not their own, and segments of links other than the one they label. This
/// includes a link running through the label of its own end node.
fn check_label_collisions(l: &Layout, out: &mut Vec<Defect>) {
    use DefectKind::LabelCollision;
    let box_labels = l.boxes.iter().enumerate().filter_map(|(i, b)| {
        b.label.map(|rect| LabelRef {
            owner: Owner::Box(i),
            rect,
            desc: format!("label of {}", b.describe()),
        })
    });
    let link_labels = l.links.iter().enumerate().flat_map(|(i, k)| {
        k.label
            .map(|rect| LabelRef {
                owner: Owner::Link(i),
                rect,
                desc: format!("label of link {}", k.name),
            })
            .into_iter()
            .chain(k.end_labels.iter().map(move |&(key, rect)| LabelRef {
                owner: Owner::Link(i),
                rect,
                desc: format!("{key} of link {}", k.name),
            }))
    });
    let labels: Vec<LabelRef> = box_labels.chain(link_labels).collect();

    // 4a. label vs label.
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            if a.rect.intersects(&b.rect) {
                push(
                    out,
                    LabelCollision,
                    format!("{} collides with {}", a.desc, b.desc),
                );
            }
        }
    }
    // 4b. label vs a node that is not its own.
    for lab in &labels {
        for (i, node) in l.boxes.iter().enumerate() {
            if node.role == Role::Node
                && lab.owner != Owner::Box(i)
                && lab.rect.intersects(&node.rect)
            {
                push(
                    out,
                    LabelCollision,
                    format!("{} overlaps {}", lab.desc, node.describe()),
                );
            }
        }
    }
    // 4c. label vs segments of links other than the one it labels.
    for lab in &labels {
        for (li, link) in l.links.iter().enumerate() {
            if lab.owner == Owner::Link(li) {
                continue;
            }
            for (k, seg) in link.segs.iter().enumerate() {
                if seg.enters(&lab.rect) {
                    push(
                        out,
                        LabelCollision,
                        format!(
                            "link {} segment {} runs through {}",
                            link.name,
                            k + 1,
                            lab.desc
                        ),
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 5. Non-orthogonal segments
// ---------------------------------------------------------------------------

fn check_non_orthogonal(l: &Layout, out: &mut Vec<Defect>) {
    for link in &l.links {
        for (k, seg) in link.segs.iter().enumerate() {
            let d = seg.delta();
            let (dx, dy) = (d.x.abs(), d.y.abs());
            let problem = if dx <= TOL && dy <= TOL {
                "has zero length"
            } else if dx > TOL && dy > TOL {
                "is neither horizontal nor vertical"
            } else {
                continue;
            };
            push(
                out,
                DefectKind::NonOrthogonal,
                format!("link {} segment {} {problem}", link.name, k + 1),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 6. Detached ends
// ---------------------------------------------------------------------------

fn check_detached_ends(l: &Layout, out: &mut Vec<Defect>) {
    for link in &l.links {
        let ends = [
            ("starts", link.points[0], link.from),
            ("ends", link.points[link.points.len() - 1], link.to),
        ];
        for (verb, p, b) in ends {
            let end = &l.boxes[b];
            if !end.rect.on_border(p) {
                push(
                    out,
                    DefectKind::DetachedEnd,
                    format!(
                        "link {} {verb} at {p}, not on the border of {}",
                        link.name,
                        end.describe()
                    ),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 7. Zone alignment
// ---------------------------------------------------------------------------

/// In each VPC: zone columns share width, top and height; same-tier subnets in
/// different zones share top and height. When a zone has several subnets of one tier,
/// they are matched by rank (top to bottom): the k-th of each zone forms a row.
fn check_zone_alignment(l: &Layout, out: &mut Vec<Defect>) {
    let of_kind = |parent: usize, kind: &'static str| {
        l.children[parent]
            .iter()
            .copied()
            .filter(move |&c| l.boxes[c].kind == kind)
    };
    for (v, vpc) in l.boxes.iter().enumerate().filter(|(_, b)| b.kind == "vpc") {
        let zones: Vec<usize> = of_kind(v, "zone").collect();
        if let Some((&z0, rest)) = zones.split_first() {
            let r0 = l.boxes[z0].rect;
            for &z in rest {
                let r = l.boxes[z].rect;
                for (what, a, b) in [
                    ("width", r.w, r0.w),
                    ("top", r.y, r0.y),
                    ("height", r.h, r0.h),
                ] {
                    if (a - b).abs() > TOL {
                        push(
                            out,
                            DefectKind::ZoneAlignment,
                            format!(
                                "in vpc {}, zone {} has {what} {a} but zone {} has {b}",
                                vpc.id, l.boxes[z].id, l.boxes[z0].id
                            ),
                        );
                    }
                }
            }
        }

        // tier -> one list per zone of that zone's subnets of the tier, top to bottom.
        let mut tiers: BTreeMap<&str, Vec<Vec<usize>>> = BTreeMap::new();
        for &z in &zones {
            let mut by_tier: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for s in of_kind(z, "subnet") {
                if let Some(tier) = l.boxes[s].tier.as_deref() {
                    by_tier.entry(tier).or_default().push(s);
                }
            }
            for (tier, mut subnets) in by_tier {
                subnets.sort_by(|&a, &b| l.boxes[a].rect.y.total_cmp(&l.boxes[b].rect.y));
                tiers.entry(tier).or_default().push(subnets);
            }
        }
        for (tier, per_zone) in &tiers {
            // Rows: subnets with a row name by that name; the others the k-th unnamed one
            // of the tier in each zone.
            let mut rows: BTreeMap<(Option<&str>, usize), Vec<usize>> = BTreeMap::new();
            for subnets in per_zone {
                let mut k = 0;
                for &s in subnets {
                    let key = match l.boxes[s].row.as_deref() {
                        Some(r) => (Some(r), 0),
                        None => {
                            k += 1;
                            (None, k - 1)
                        }
                    };
                    rows.entry(key).or_default().push(s);
                }
            }
            for row in rows.values() {
                let Some((&s0, rest)) = row.split_first() else {
                    continue;
                };
                let r0 = l.boxes[s0].rect;
                for &s in rest {
                    let r = l.boxes[s].rect;
                    for (what, a, b) in [("top", r.y, r0.y), ("height", r.h, r0.h)] {
                        if (a - b).abs() > TOL {
                            push(
                                out,
                                DefectKind::ZoneAlignment,
                                format!(
                                    "in vpc {}, {tier} subnet {} has {what} {a} but {tier} subnet {} has {b}",
                                    vpc.id, l.boxes[s].id, l.boxes[s0].id
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 8. Overlay intrusion
// ---------------------------------------------------------------------------

fn check_overlay_intrusion(l: &Layout, out: &mut Vec<Defect>) {
    for overlay in l.boxes.iter().filter(|b| b.role == Role::Overlay) {
        for (i, node) in l.boxes.iter().enumerate() {
            if node.role == Role::Node
                && !overlay.members.contains(&i)
                && node.rect.intersects(&overlay.rect)
            {
                push(
                    out,
                    DefectKind::OverlayIntrusion,
                    format!(
                        "{} intrudes into {}, which does not list it",
                        node.describe(),
                        overlay.describe()
                    ),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 9. Parallel overlap
// ---------------------------------------------------------------------------

/// Two links sharing a stretch of one line, unless they share their source (fan-out
/// trunk) or their target (fan-in trunk).
fn check_parallel_overlap(l: &Layout, out: &mut Vec<Defect>) {
    for (i, a) in l.links.iter().enumerate() {
        for b in &l.links[i + 1..] {
            if a.from == b.from || a.to == b.to {
                continue;
            }
            for (ka, sa) in a.segs.iter().enumerate() {
                for (kb, sb) in b.segs.iter().enumerate() {
                    let shared = sa.collinear_overlap(sb);
                    if shared > TOL {
                        push(
                            out,
                            DefectKind::ParallelOverlap,
                            format!(
                                "link {} segment {} and link {} segment {} share {shared} px of one line",
                                a.name,
                                ka + 1,
                                b.name,
                                kb + 1
                            ),
                        );
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------

/// Direction changes along a polyline; zero-length segments are skipped, and a next
/// segment counts as straight on when it stays within the tolerance of the line.
fn bends(segs: &[Seg]) -> usize {
    let dirs: Vec<Pt> = segs
        .iter()
        .filter(|s| s.len() > TOL)
        .map(Seg::delta)
        .collect();
    dirs.windows(2)
        .filter(|w| {
            let u = w[0].scale(1.0 / w[0].norm());
            cross(u, w[1]).abs() > TOL || dot(u, w[1]) <= 0.0
        })
        .count()
}

fn figures(l: &Layout) -> Figures {
    let mut crossings = 0;
    for (i, a) in l.links.iter().enumerate() {
        for b in &l.links[i + 1..] {
            for sa in &a.segs {
                crossings += b.segs.iter().filter(|sb| sa.crosses(sb)).count();
            }
        }
    }
    let per_link: Vec<usize> = l.links.iter().map(|k| bends(&k.segs)).collect();
    let bends: usize = per_link.iter().sum();
    let mut close_parallels = 0;
    for (i, a) in l.links.iter().enumerate() {
        for b in &l.links[i + 1..] {
            if a.from == b.from || a.to == b.to {
                continue;
            }
            for sa in &a.segs {
                close_parallels += b.segs.iter().filter(|sb| sa.close_to(sb)).count();
            }
        }
    }
    let length: f64 = l.links.iter().flat_map(|k| &k.segs).map(Seg::len).sum();
    let node_area: f64 = l
        .boxes
        .iter()
        .filter(|b| b.role == Role::Node)
        .map(|b| b.rect.area())
        .sum();
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
    let (w, h) = (l.width, l.height);
    Figures {
        crossings,
        bends,
        bends_per_link: ratio(bends as f64, l.links.len() as f64),
        length_ratio: ratio(length, w + h),
        area_ratio: ratio(w * h, node_area),
        aspect_excess: if w > 0.0 && h > 0.0 {
            ((w / h).max(h / w) - 2.0).max(0.0)
        } else {
            0.0
        },
        close_parallels,
        max_bends: per_link.iter().copied().max().unwrap_or(0),
        worst_detour: l.links.iter().map(|k| detour(l, k).1).fold(0.0, f64::max),
        bend_outliers: per_link.iter().filter(|&&b| b > MAX_BENDS).count(),
    }
}

// ---------------------------------------------------------------------------
// Blemishes
// ---------------------------------------------------------------------------

/// Border hugging: closer than this to a frame line...
pub(crate) const HUG_GAP: f64 = 14.0;
/// ...over more than this, in all for one link and frame.
pub(crate) const HUG_LENGTH: f64 = 80.0;
/// The first and last px of a link that border hugging does not measure.
pub(crate) const HUG_END: f64 = 24.0;
/// A run within this of the middle of the gap between two frames is in a channel.
pub(crate) const CHANNEL_SLACK: f64 = 2.0;
/// A horizontal run inside a title band over more than this is a border hugging.
pub(crate) const BAND_LENGTH: f64 = 40.0;
/// A title grown by this on every side belongs to its frame's title band.
const BAND_MARGIN: f64 = 6.0;
/// How far from a run a frame can matter to border hugging (hugging gap, a channel
/// partner on the far side, a title band).
const HUG_REACH: f64 = HUG_GAP + 2.0 * CHANNEL_SLACK;
/// Detour: a path longer than `max(DETOUR_FACTOR × D, D + DETOUR_EXTRA)`.
pub(crate) const DETOUR_FACTOR: f64 = 2.5;
pub(crate) const DETOUR_EXTRA: f64 = 400.0;
/// Excursion: a stretch this close to the group's border still counts as inside...
const EXCURSION_SLACK: f64 = 2.5;
/// ...and one outside over more than this is an excursion.
const EXCURSION_LENGTH: f64 = 1.0;
/// Coincident links: collinear within this, sharing more than `COINCIDENT_LENGTH` px.
const COINCIDENT_SLACK: f64 = 1.0;
const COINCIDENT_LENGTH: f64 = 16.0;
/// Grazing: at most this far outside a node or its label...
const GRAZE_GAP: f64 = 6.0;
/// ...alongside it over more than this.
const GRAZE_LENGTH: f64 = 8.0;
/// A hub has links to (or from) at least this many others...
const HUB_SPOKES: usize = 4;
/// ...and sits in this middle fraction of its spokes' spread.
const HUB_MIDDLE: f64 = 0.6;

fn blemishes(l: &Layout) -> Vec<Blemish> {
    let mut out = Vec::new();
    border_hugging(l, &mut out);
    detours(l, &mut out);
    excursions(l, &mut out);
    coincident_links(l, &mut out);
    grazing(l, &mut out);
    split_groups(l, &mut out);
    bend_outliers(l, &mut out);
    zone_order(l, &mut out);
    off_centre_hubs(l, &mut out);
    out
}

fn blemish(out: &mut Vec<Blemish>, kind: BlemishKind, message: String, measure: f64) {
    out.push(Blemish {
        kind,
        message,
        measure,
    });
}

/// The parent chain of box `i`, innermost first (`i` itself excluded).
fn parent_chain(l: &Layout, i: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(l.boxes[i].parent, move |&p| l.boxes[p].parent)
}

impl Rect {
    fn grown(&self, m: f64) -> Rect {
        Rect {
            x: self.x - m,
            y: self.y - m,
            w: self.w + 2.0 * m,
            h: self.h + 2.0 * m,
        }
    }

    /// `(across_lo, across_hi, along_lo, along_hi)` as seen by a horizontal run (y is
    /// across, x along) or a vertical one (the other way round).
    fn axes(&self, horizontal: bool) -> (f64, f64, f64, f64) {
        if horizontal {
            (self.y, self.bottom(), self.x, self.right())
        } else {
            (self.x, self.right(), self.y, self.bottom())
        }
    }
}

/// A horizontal or vertical stretch of a link: at `at` across, from `lo` to `hi` along.
#[derive(Debug, Clone, Copy)]
struct Run {
    horizontal: bool,
    at: f64,
    lo: f64,
    hi: f64,
}

impl Run {
    /// The run reaches `r` grown by `m` (closed).
    fn near(&self, r: &Rect, m: f64) -> bool {
        let (c0, c1, a0, a1) = r.axes(self.horizontal);
        self.at >= c0 - m && self.at <= c1 + m && self.hi >= a0 - m && self.lo <= a1 + m
    }
}

impl Seg {
    /// The segment as a [`Run`], when it is horizontal or vertical and longer than the
    /// tolerance.
    fn run(&self) -> Option<Run> {
        let d = self.delta();
        if self.len() <= TOL {
            None
        } else if d.y.abs() <= TOL {
            Some(Run {
                horizontal: true,
                at: (self.a.y + self.b.y) / 2.0,
                lo: self.a.x.min(self.b.x),
                hi: self.a.x.max(self.b.x),
            })
        } else if d.x.abs() <= TOL {
            Some(Run {
                horizontal: false,
                at: (self.a.x + self.b.x) / 2.0,
                lo: self.a.y.min(self.b.y),
                hi: self.a.y.max(self.b.y),
            })
        } else {
            None
        }
    }

    /// The parameter range `[t0, t1]` (0 at `a`, 1 at `b`) over which the segment lies in
    /// the closed rectangle `r`; `None` when it misses it.
    fn inside(&self, r: &Rect) -> Option<(f64, f64)> {
        let d = self.delta();
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-d.x, self.a.x - r.x),
            (d.x, r.right() - self.a.x),
            (-d.y, self.a.y - r.y),
            (d.y, r.bottom() - self.a.y),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else if p < 0.0 {
                t0 = t0.max(q / p);
            } else {
                t1 = t1.min(q / p);
            }
        }
        (t0 <= t1).then_some((t0, t1))
    }
}

/// Total length of the union of `spans`, clipped to `[lo, hi]`.
fn covered(lo: f64, hi: f64, mut spans: Vec<(f64, f64)>) -> f64 {
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut total, mut reach) = (0.0, lo);
    for (a, b) in spans {
        let (a, b) = (a.max(reach), b.min(hi));
        if b > a {
            total += b - a;
            reach = b;
        }
    }
    total
}

/// The horizontal and vertical stretches of `link` that border hugging measures: its
/// first and last [`HUG_END`] px cut off.
fn measured_runs(link: &LinkItem) -> Vec<Run> {
    let total: f64 = link.segs.iter().map(Seg::len).sum();
    let (from, to) = (HUG_END, total - HUG_END);
    let mut runs = Vec::new();
    let mut start = 0.0;
    for seg in &link.segs {
        let len = seg.len();
        let (t0, t1) = ((from - start).max(0.0), (to - start).min(len));
        start += len;
        let Some(run) = seg.run() else { continue };
        if t1 - t0 <= TOL {
            continue;
        }
        let u = seg.delta().scale(1.0 / len);
        let (p, q) = (seg.a.add(u.scale(t0)), seg.a.add(u.scale(t1)));
        let (a, b) = if run.horizontal {
            (p.x, q.x)
        } else {
            (p.y, q.y)
        };
        runs.push(Run {
            lo: a.min(b),
            hi: a.max(b),
            ..run
        });
    }
    runs
}

/// Frames among `near` that `run` passes in a channel: it lies outside two frames side
/// by side (facing each other across it, overlapping along it) within
/// [`CHANNEL_SLACK`] of the middle of the gap between them.
fn channel_frames(l: &Layout, run: &Run, near: &[usize]) -> Vec<usize> {
    let mut out = Vec::new();
    for &a in near {
        let (_, a_end, a0, a1) = l.boxes[a].rect.axes(run.horizontal);
        if a_end > run.at + TOL {
            continue;
        }
        for &b in near {
            let (b_start, _, b0, b1) = l.boxes[b].rect.axes(run.horizontal);
            if b_start < run.at - TOL
                || b_start - a_end <= TOL
                || overlap_len(a0, a1, b0, b1) <= TOL
            {
                continue;
            }
            if (run.at - (a_end + b_start) / 2.0).abs() <= CHANNEL_SLACK {
                out.extend([a, b]);
            }
        }
    }
    out
}

/// Length of the horizontal `run` inside the title band of frame `f`: from its top
/// edge to the bottom of its title across its full width, plus the title grown by
/// [`BAND_MARGIN`]; only for a title in the top half of its frame.
fn title_band_run(f: &BoxItem, run: &Run) -> f64 {
    let Some(title) = f.label else { return 0.0 };
    if !run.horizontal || title.centre().y > f.rect.centre().y {
        return 0.0;
    }
    let mut spans = Vec::new();
    if run.at >= f.rect.y && run.at <= title.bottom() {
        spans.push((f.rect.x, f.rect.right()));
    }
    let grown = title.grown(BAND_MARGIN);
    if run.at >= grown.y && run.at <= grown.bottom() {
        spans.push((grown.x, grown.right()));
    }
    covered(run.lo, run.hi, spans)
}

/// Blemish 1: per link, the frames it runs beside (closer than [`HUG_GAP`] to a frame
/// line over more than [`HUG_LENGTH`] px in all) or through the title band of (over
/// more than [`BAND_LENGTH`] px); one blemish per link, measured by its longest hug.
fn border_hugging(l: &Layout, out: &mut Vec<Blemish>) {
    let frames: Vec<usize> = (0..l.boxes.len())
        .filter(|&i| l.boxes[i].role != Role::Node)
        .collect();
    for link in &l.links {
        // The frame a border node at either end sits on.
        let own: Vec<usize> = [link.from, link.to]
            .into_iter()
            .filter(|&e| l.boxes[e].border)
            .filter_map(|e| l.boxes[e].parent)
            .collect();
        // frame -> (hug length, nearest distance), frame -> length in its title band.
        let mut hugs: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
        let mut bands: BTreeMap<usize, f64> = BTreeMap::new();
        for run in measured_runs(link) {
            let near: Vec<usize> = frames
                .iter()
                .copied()
                .filter(|&f| run.near(&l.boxes[f].rect, HUG_REACH))
                .collect();
            let channel = channel_frames(l, &run, &near);
            for f in near {
                if own.contains(&f) || channel.contains(&f) {
                    continue;
                }
                let frame = &l.boxes[f];
                let (c0, c1, a0, a1) = frame.rect.axes(run.horizontal);
                let distance = (run.at - c0).abs().min((run.at - c1).abs());
                let along = overlap_len(run.lo, run.hi, a0, a1);
                if distance < HUG_GAP && along > 0.0 {
                    let e = hugs.entry(f).or_insert((0.0, f64::INFINITY));
                    e.0 += along;
                    e.1 = e.1.min(distance);
                }
                let banded = title_band_run(frame, &run);
                if banded > 0.0 {
                    *bands.entry(f).or_default() += banded;
                }
            }
        }
        let mut found: Vec<(f64, String)> = Vec::new();
        for (f, (len, distance)) in hugs {
            if len > HUG_LENGTH {
                let frame = l.boxes[f].describe();
                found.push((
                    len,
                    format!("runs {distance:.1} px from {frame} over {len:.0} px"),
                ));
            }
        }
        for (f, len) in bands {
            if len > BAND_LENGTH {
                let frame = l.boxes[f].describe();
                found.push((
                    len,
                    format!("runs {len:.0} px through the title band of {frame}"),
                ));
            }
        }
        let Some(worst) =
            (0..found.len()).reduce(|a, b| if found[b].0 > found[a].0 { b } else { a })
        else {
            continue;
        };
        let (measure, first) = found.remove(worst);
        let mut message = format!("link {} {first}", link.name);
        if !found.is_empty() {
            let rest: Vec<String> = found.into_iter().map(|(_, m)| m).collect();
            message = format!("{message}; also {}", rest.join("; "));
        }
        blemish(out, BlemishKind::BorderHugging, message, measure);
    }
}

/// `(L, L ÷ max(D, 1), D)` of a link: its path length, its detour ratio, and the
/// Manhattan distance between the nearest points of its two end boxes.
fn detour(l: &Layout, k: &LinkItem) -> (f64, f64, f64) {
    let (a, b) = (l.boxes[k.from].rect, l.boxes[k.to].rect);
    let gap = |a0: f64, a1: f64, b0: f64, b1: f64| (b0 - a1).max(a0 - b1).max(0.0);
    let d = gap(a.x, a.right(), b.x, b.right()) + gap(a.y, a.bottom(), b.y, b.bottom());
    let len: f64 = k.segs.iter().map(Seg::len).sum();
    (len, len / d.max(1.0), d)
}

/// Blemish 2: a path longer than `max(2.5 D, D + 400)`, measured by L ÷ D.
fn detours(l: &Layout, out: &mut Vec<Blemish>) {
    for link in &l.links {
        let (len, ratio, d) = detour(l, link);
        if len > (DETOUR_FACTOR * d).max(d + DETOUR_EXTRA) {
            blemish(
                out,
                BlemishKind::Detour,
                format!(
                    "link {} runs {len:.0} px between ends {d:.0} px apart (L/D {ratio:.2})",
                    link.name
                ),
                ratio,
            );
        }
    }
}

/// The innermost group (role group) in both ends' parent chains.
fn common_group(l: &Layout, a: usize, b: usize) -> Option<usize> {
    let up: Vec<usize> = parent_chain(l, a).collect();
    parent_chain(l, b).find(|p| up.contains(p) && l.boxes[*p].role == Role::Group)
}

/// Blemish 3: a link inside the innermost group holding both ends, then outside it
/// (beyond [`EXCURSION_SLACK`] of its border) for more than [`EXCURSION_LENGTH`] px,
/// then inside again; measured by the longest such stretch.
fn excursions(l: &Layout, out: &mut Vec<Blemish>) {
    for link in &l.links {
        let Some(g) = common_group(l, link.from, link.to) else {
            continue;
        };
        let area = l.boxes[g].rect.grown(EXCURSION_SLACK);
        // Arc-length intervals inside `area`, in path order, merged when they touch.
        let mut inside: Vec<(f64, f64)> = Vec::new();
        let mut start = 0.0;
        for seg in &link.segs {
            let len = seg.len();
            if let Some((t0, t1)) = seg.inside(&area) {
                let (a, b) = (start + t0 * len, start + t1 * len);
                match inside.last_mut() {
                    Some(last) if a <= last.1 + 1e-9 => last.1 = last.1.max(b),
                    _ => inside.push((a, b)),
                }
            }
            start += len;
        }
        let worst = inside
            .windows(2)
            .map(|w| w[1].0 - w[0].1)
            .fold(0.0, f64::max);
        if worst > EXCURSION_LENGTH {
            blemish(
                out,
                BlemishKind::Excursion,
                format!(
                    "link {} leaves {} for {worst:.0} px and comes back",
                    link.name,
                    l.boxes[g].describe()
                ),
                worst,
            );
        }
    }
}

/// Blemish 4: two links with the same two ends (either direction) sharing more than
/// [`COINCIDENT_LENGTH`] px of one line; per pair, measured by the shared length.
fn coincident_links(l: &Layout, out: &mut Vec<Blemish>) {
    let mut by_ends: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (i, k) in l.links.iter().enumerate() {
        by_ends
            .entry((k.from.min(k.to), k.from.max(k.to)))
            .or_default()
            .push(i);
    }
    let mut pairs = Vec::new();
    for same in by_ends.values() {
        for (n, &i) in same.iter().enumerate() {
            for &j in &same[n + 1..] {
                let shared: f64 = l.links[i]
                    .segs
                    .iter()
                    .flat_map(|sa| {
                        l.links[j]
                            .segs
                            .iter()
                            .map(move |sb| sa.collinear_overlap_within(sb, COINCIDENT_SLACK))
                    })
                    .sum();
                if shared > COINCIDENT_LENGTH {
                    pairs.push((i, j, shared));
                }
            }
        }
    }
    pairs.sort_by_key(|&(i, j, _)| (i, j));
    for (i, j, shared) in pairs {
        blemish(
            out,
            BlemishKind::CoincidentLinks,
            format!(
                "links {} and {} share {shared:.0} px of one line",
                l.links[i].name, l.links[j].name
            ),
            shared,
        );
    }
}

/// Blemish 5: a horizontal or vertical segment at most [`GRAZE_GAP`] px outside a node
/// that is neither end of its link, or outside that node's label, alongside it over
/// more than [`GRAZE_LENGTH`] px without entering it; per link and node, measured by
/// the longest such stretch.
fn grazing(l: &Layout, out: &mut Vec<Blemish>) {
    let nodes: Vec<usize> = (0..l.boxes.len())
        .filter(|&i| l.boxes[i].role == Role::Node)
        .collect();
    for link in &l.links {
        // node -> (alongside, gap, whether it is the label)
        let mut hits: BTreeMap<usize, (f64, f64, bool)> = BTreeMap::new();
        for seg in &link.segs {
            let Some(run) = seg.run() else { continue };
            for &n in &nodes {
                if n == link.from || n == link.to {
                    continue;
                }
                let b = &l.boxes[n];
                for (rect, is_label) in [(Some(b.rect), false), (b.label, true)] {
                    let Some(r) = rect else { continue };
                    if !run.near(&r, GRAZE_GAP) || seg.enters(&r) {
                        continue;
                    }
                    let (c0, c1, a0, a1) = r.axes(run.horizontal);
                    let gap = (c0 - run.at).max(run.at - c1).max(0.0);
                    let along = overlap_len(run.lo, run.hi, a0, a1);
                    if gap <= GRAZE_GAP && along > GRAZE_LENGTH {
                        let e = hits.entry(n).or_insert((0.0, gap, is_label));
                        if along > e.0 {
                            *e = (along, gap, is_label);
                        }
                    }
                }
            }
        }
        for (n, (along, gap, is_label)) in hits {
            let what = if is_label {
                format!("the label of {}", l.boxes[n].describe())
            } else {
                l.boxes[n].describe()
            };
            blemish(
                out,
                BlemishKind::Grazing,
                format!(
                    "link {} passes {gap:.1} px from {what} over {along:.0} px",
                    link.name
                ),
                along,
            );
        }
    }
}

/// Blemish 6: a group or overlay drawn as several boxes, `g`, `g#2`, `g#3`… (the JSON
/// export's naming of the parts); a `g#n` counts only beside a box `g` of the same role
/// and kind, since `#` may appear in declared ids. Measured by the number of boxes.
fn split_groups(l: &Layout, out: &mut Vec<Blemish>) {
    let index: HashMap<&str, usize> = l
        .boxes
        .iter()
        .enumerate()
        .map(|(i, b)| (b.id.as_str(), i))
        .collect();
    let mut parts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, b) in l.boxes.iter().enumerate() {
        if b.role == Role::Node {
            continue;
        }
        let Some((base, n)) = b.id.rsplit_once('#') else {
            continue;
        };
        let numbered = !n.is_empty()
            && n.bytes().all(|c| c.is_ascii_digit())
            && n.parse::<usize>().is_ok_and(|n| n >= 2);
        if let (true, Some(&g)) = (numbered, index.get(base)) {
            if l.boxes[g].role == b.role && l.boxes[g].kind == b.kind {
                parts.entry(g).or_default().push(i);
            }
        }
    }
    for (g, rest) in parts {
        let ids: Vec<&str> = std::iter::once(g)
            .chain(rest.iter().copied())
            .map(|i| l.boxes[i].id.as_str())
            .collect();
        blemish(
            out,
            BlemishKind::SplitGroup,
            format!(
                "{} is drawn as {} boxes ({})",
                l.boxes[g].describe(),
                ids.len(),
                ids.join(", ")
            ),
            ids.len() as f64,
        );
    }
}

/// Blemish 7: a link with more than [`MAX_BENDS`] bends, measured by its bends.
fn bend_outliers(l: &Layout, out: &mut Vec<Blemish>) {
    for link in &l.links {
        let n = bends(&link.segs);
        if n > MAX_BENDS {
            blemish(
                out,
                BlemishKind::BendOutlier,
                format!("link {} has {n} bends", link.name),
                n as f64,
            );
        }
    }
}

/// The nodes inside group `g` at any depth.
fn held_nodes(l: &Layout, g: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let mut stack = vec![g];
    while let Some(b) = stack.pop() {
        for &c in &l.children[b] {
            if l.boxes[c].role == Role::Node {
                found.push(c);
            }
            stack.push(c);
        }
    }
    found
}

/// A subnet of a zone row with the kinds of the nodes it holds, left to right.
struct RowSubnet<'a> {
    zone: usize,
    subnet: usize,
    order: Vec<&'a str>,
}

/// Blemish 8: in each VPC, the subnets of one row (same tier, same top) in different
/// zones that hold the same multiset of node kinds must show them in the same
/// left-to-right order (ties broken top to bottom). One blemish per row and multiset,
/// measured by the number of subnets whose order differs from the leftmost one's.
fn zone_order(l: &Layout, out: &mut Vec<Blemish>) {
    for (v, vpc) in l.boxes.iter().enumerate().filter(|(_, b)| b.kind == "vpc") {
        let mut zones: Vec<usize> = l.children[v]
            .iter()
            .copied()
            .filter(|&z| l.boxes[z].kind == "zone")
            .collect();
        zones.sort_by(|&a, &b| l.boxes[a].rect.x.total_cmp(&l.boxes[b].rect.x));
        // Rows (tier, top, [(zone, subnet)]) in order of first appearance.
        type Row<'a> = (&'a str, f64, Vec<(usize, usize)>);
        let mut rows: Vec<Row> = Vec::new();
        for &z in &zones {
            let mut subnets: Vec<usize> = l.children[z]
                .iter()
                .copied()
                .filter(|&s| l.boxes[s].kind == "subnet")
                .collect();
            subnets.sort_by(|&a, &b| l.boxes[a].rect.x.total_cmp(&l.boxes[b].rect.x));
            for s in subnets {
                let Some(tier) = l.boxes[s].tier.as_deref() else {
                    continue;
                };
                let top = l.boxes[s].rect.y;
                match rows
                    .iter_mut()
                    .find(|(t, y, _)| *t == tier && (y - top).abs() <= TOL)
                {
                    Some(row) => row.2.push((z, s)),
                    None => rows.push((tier, top, vec![(z, s)])),
                }
            }
        }
        for (tier, _, row) in rows {
            // (multiset of kinds, the subnets holding it)
            let mut classes: Vec<(Vec<&str>, Vec<RowSubnet>)> = Vec::new();
            for (z, s) in row {
                let mut held = held_nodes(l, s);
                held.sort_by(|&a, &b| {
                    let (ca, cb) = (l.boxes[a].rect.centre(), l.boxes[b].rect.centre());
                    ca.x.total_cmp(&cb.x).then(ca.y.total_cmp(&cb.y))
                });
                let order: Vec<&str> = held.iter().map(|&n| l.boxes[n].kind.as_str()).collect();
                if order.len() < 2 {
                    continue;
                }
                let mut key = order.clone();
                key.sort_unstable();
                let member = RowSubnet {
                    zone: z,
                    subnet: s,
                    order,
                };
                match classes.iter_mut().find(|(k, _)| *k == key) {
                    Some(class) => class.1.push(member),
                    None => classes.push((key, vec![member])),
                }
            }
            for (_, class) in classes {
                let first = &class[0];
                let differing = class
                    .iter()
                    .filter(|m| m.zone != first.zone && m.order != first.order)
                    .count();
                if differing == 0 {
                    continue;
                }
                let shown: Vec<String> = class
                    .iter()
                    .map(|m| format!("{} ({})", l.boxes[m.subnet].id, m.order.join(", ")))
                    .collect();
                blemish(
                    out,
                    BlemishKind::ZoneOrder,
                    format!(
                        "in vpc {}, {tier} subnets {} hold the same kinds in different orders",
                        vpc.id,
                        shown.join(" and ")
                    ),
                    differing as f64,
                );
            }
        }
    }
}

/// Held in a zone column: a zone among the node's ancestors, or among those of a group
/// it spans (a node spanning subnets sits where they are).
fn in_zone_column(l: &Layout, i: usize) -> bool {
    let zoned = |b: usize| {
        l.boxes[b].kind == "zone" || parent_chain(l, b).any(|p| l.boxes[p].kind == "zone")
    };
    parent_chain(l, i).any(|p| l.boxes[p].kind == "zone")
        || l.boxes[i].spans.iter().any(|&g| zoned(g))
}

/// Blemish 9: a node with links to at least [`HUB_SPOKES`] others and at most one link
/// from anyone (or the reverse), not held in a zone column, whose centre lies outside
/// the middle [`HUB_MIDDLE`] of its spokes' centres on the axis they spread most along.
/// Measured by its position across that spread (0 = the first spoke, 1 = the last).
fn off_centre_hubs(l: &Layout, out: &mut Vec<Blemish>) {
    let n = l.boxes.len();
    let mut targets = vec![BTreeSet::new(); n];
    let mut sources = vec![BTreeSet::new(); n];
    let (mut outgoing, mut incoming) = (vec![0usize; n], vec![0usize; n]);
    for k in l.links.iter().filter(|k| k.from != k.to) {
        targets[k.from].insert(k.to);
        sources[k.to].insert(k.from);
        outgoing[k.from] += 1;
        incoming[k.to] += 1;
    }
    for (h, hub) in l.boxes.iter().enumerate() {
        if hub.role != Role::Node {
            continue;
        }
        let spokes = if targets[h].len() >= HUB_SPOKES && incoming[h] <= 1 {
            &targets[h]
        } else if sources[h].len() >= HUB_SPOKES && outgoing[h] <= 1 {
            &sources[h]
        } else {
            continue;
        };
        if in_zone_column(l, h) {
            continue;
        }
        let centres: Vec<Pt> = spokes.iter().map(|&s| l.boxes[s].rect.centre()).collect();
        let range = |f: fn(&Pt) -> f64| {
            let lo = centres.iter().map(f).fold(f64::INFINITY, f64::min);
            let hi = centres.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
            (lo, hi)
        };
        let ((x0, x1), (y0, y1)) = (range(|p| p.x), range(|p| p.y));
        let c = hub.rect.centre();
        let (axis, lo, hi, at) = if x1 - x0 >= y1 - y0 {
            ("x", x0, x1, c.x)
        } else {
            ("y", y0, y1, c.y)
        };
        if hi - lo <= TOL {
            continue;
        }
        let t = (at - lo) / (hi - lo);
        let margin = (1.0 - HUB_MIDDLE) / 2.0;
        if t < margin - 1e-9 || t > 1.0 - margin + 1e-9 {
            blemish(
                out,
                BlemishKind::OffCentreHub,
                format!(
                    "hub {} sits at {:.0}% of the {axis} spread of its {} spokes (middle {:.0}% wanted)",
                    hub.describe(),
                    t * 100.0,
                    spokes.len(),
                    HUB_MIDDLE * 100.0
                ),
                t,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // --- builders -----------------------------------------------------------

    fn boxed(id: &str, kind: &str, role: &str, parent: Option<&str>, r: [f64; 4]) -> Value {
        json!({
            "id": id, "kind": kind, "role": role, "parent": parent,
            "x": r[0], "y": r[1], "w": r[2], "h": r[3], "label": null
        })
    }

    fn node(id: &str, parent: Option<&str>, r: [f64; 4]) -> Value {
        boxed(id, "ec2", "node", parent, r)
    }

    fn group(id: &str, kind: &str, parent: Option<&str>, r: [f64; 4]) -> Value {
        boxed(id, kind, "group", parent, r)
    }

    fn subnet(id: &str, tier: &str, zone: &str, r: [f64; 4]) -> Value {
        with(group(id, "subnet", Some(zone), r), "tier", json!(tier))
    }

    fn overlay(id: &str, members: &[&str], r: [f64; 4]) -> Value {
        with(
            boxed(id, "security-group", "overlay", None, r),
            "members",
            json!(members),
        )
    }

    fn with(mut v: Value, key: &str, value: Value) -> Value {
        v[key] = value;
        v
    }

    fn labelled(v: Value, r: [f64; 4]) -> Value {
        let text = v.get("id").or(v.get("from")).cloned().unwrap_or(json!(""));
        with(
            v,
            "label",
            json!({"text": text, "x": r[0], "y": r[1], "w": r[2], "h": r[3]}),
        )
    }

    fn link(from: &str, to: &str, points: &[[f64; 2]]) -> Value {
        json!({"from": from, "to": to, "points": points, "label": null})
    }

    fn layout(w: f64, h: f64, boxes: Vec<Value>, links: Vec<Value>) -> Value {
        json!({"width": w, "height": h, "boxes": boxes, "links": links})
    }

    /// Replaces field `key` of the box with id `id`.
    fn set_box(v: &mut Value, id: &str, key: &str, value: Value) {
        let b = v["boxes"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|b| b["id"] == id)
            .unwrap();
        b[key] = value;
    }

    fn report(v: &Value) -> Report {
        check(v).expect("layout parses")
    }

    fn assert_clean(v: &Value) {
        let r = report(v);
        assert!(
            r.defects.is_empty(),
            "expected no defects: {:#?}",
            r.defects
        );
    }

    /// At least one defect, all of `kind`; returns the messages.
    fn assert_only(v: &Value, kind: DefectKind) -> Vec<String> {
        let r = report(v);
        assert!(!r.defects.is_empty(), "expected {kind} defects, got none");
        assert!(
            r.defects.iter().all(|d| d.kind == kind),
            "expected only {kind}: {:#?}",
            r.defects
        );
        r.defects.into_iter().map(|d| d.message).collect()
    }

    fn assert_mentions(messages: &[String], needle: &str) {
        assert!(
            messages.iter().any(|m| m.contains(needle)),
            "no message contains {needle:?}: {messages:#?}"
        );
    }

    /// A realistic clean layout: users above a region, a VPC with two zone columns of
    /// public/private subnets, a border IGW, an ALB spanning both public subnets
    /// (fanning out to one app node per private subnet) and a security-group overlay.
    fn sample() -> Value {
        layout(
            1000.0,
            700.0,
            vec![
                labelled(
                    node("users", None, [460.0, 20.0, 80.0, 60.0]),
                    [545.0, 40.0, 60.0, 14.0],
                ),
                labelled(
                    group("ohio", "region", None, [20.0, 120.0, 960.0, 560.0]),
                    [30.0, 126.0, 80.0, 14.0],
                ),
                labelled(
                    group("main", "vpc", Some("ohio"), [40.0, 160.0, 920.0, 500.0]),
                    [50.0, 166.0, 120.0, 14.0],
                ),
                labelled(
                    with(
                        node("igw", Some("main"), [480.0, 140.0, 40.0, 40.0]),
                        "placement",
                        json!("border"),
                    ),
                    [525.0, 142.0, 30.0, 14.0],
                ),
                labelled(
                    group("za", "zone", Some("main"), [60.0, 190.0, 420.0, 450.0]),
                    [70.0, 196.0, 80.0, 14.0],
                ),
                labelled(
                    group("zb", "zone", Some("main"), [500.0, 190.0, 420.0, 450.0]),
                    [510.0, 196.0, 80.0, 14.0],
                ),
                labelled(
                    subnet("public-a", "public", "za", [80.0, 220.0, 380.0, 180.0]),
                    [90.0, 226.0, 80.0, 14.0],
                ),
                labelled(
                    subnet("private-a", "private", "za", [80.0, 430.0, 380.0, 190.0]),
                    [90.0, 436.0, 80.0, 14.0],
                ),
                labelled(
                    subnet("public-b", "public", "zb", [520.0, 220.0, 380.0, 180.0]),
                    [530.0, 226.0, 80.0, 14.0],
                ),
                labelled(
                    subnet("private-b", "private", "zb", [520.0, 430.0, 380.0, 190.0]),
                    [530.0, 436.0, 80.0, 14.0],
                ),
                labelled(
                    with(
                        node("web", Some("main"), [240.0, 300.0, 520.0, 40.0]),
                        "spans",
                        json!(["public-a", "public-b"]),
                    ),
                    [470.0, 345.0, 60.0, 14.0],
                ),
                labelled(
                    node("app-a", Some("private-a"), [270.0, 500.0, 60.0, 60.0]),
                    [265.0, 564.0, 70.0, 14.0],
                ),
                labelled(
                    node("app-b", Some("private-b"), [670.0, 500.0, 60.0, 60.0]),
                    [665.0, 564.0, 70.0, 14.0],
                ),
                with(
                    overlay("sg-app", &["app-a", "app-b"], [260.0, 490.0, 480.0, 100.0]),
                    "parent",
                    json!("main"),
                ),
            ],
            vec![
                labelled(
                    link("users", "igw", &[[500.0, 80.0], [500.0, 140.0]]),
                    [505.0, 100.0, 40.0, 14.0],
                ),
                link("igw", "web", &[[500.0, 180.0], [500.0, 300.0]]),
                link("web", "app-a", &[[300.0, 340.0], [300.0, 500.0]]),
                link("web", "app-b", &[[700.0, 340.0], [700.0, 500.0]]),
                link("app-a", "app-b", &[[330.0, 530.0], [670.0, 530.0]]),
            ],
        )
    }

    /// Two nodes side by side joined by a straight horizontal link.
    fn pair() -> (Value, Value, Value) {
        (
            node("a", None, [10.0, 10.0, 40.0, 40.0]),
            node("b", None, [200.0, 10.0, 40.0, 40.0]),
            link("a", "b", &[[50.0, 30.0], [200.0, 30.0]]),
        )
    }

    // --- clean layouts and figures -------------------------------------------

    #[test]
    fn sample_is_clean() {
        assert_clean(&sample());
    }

    #[test]
    fn sample_figures() {
        let f = report(&sample()).figures;
        assert_eq!(f.crossings, 0);
        assert_eq!(f.bends, 0);
        assert_eq!(f.bends_per_link, 0.0);
        let length = 60.0 + 120.0 + 160.0 + 160.0 + 340.0;
        assert!((f.length_ratio - length / 1700.0).abs() < 1e-9);
        let nodes = 4800.0 + 1600.0 + 20800.0 + 3600.0 + 3600.0;
        assert!((f.area_ratio - 700_000.0 / nodes).abs() < 1e-9);
        assert_eq!(f.aspect_excess, 0.0);
    }

    #[test]
    fn empty_layout_is_clean_with_zero_figures() {
        let r = report(&layout(100.0, 100.0, vec![], vec![]));
        assert!(r.defects.is_empty());
        assert_eq!(r.figures.bends_per_link, 0.0);
        assert_eq!(r.figures.area_ratio, 0.0);
        assert_eq!(r.figures.length_ratio, 0.0);
    }

    #[test]
    fn extra_fields_are_ignored() {
        let mut v = sample();
        v["title"] = json!("demo");
        set_box(&mut v, "web", "icon", json!("alb.svg"));
        assert_clean(&v);
    }

    #[test]
    fn crossing_links_are_counted() {
        let v = layout(
            300.0,
            300.0,
            vec![
                node("a", None, [10.0, 100.0, 40.0, 40.0]),
                node("b", None, [250.0, 100.0, 40.0, 40.0]),
                node("c", None, [130.0, 10.0, 40.0, 40.0]),
                node("d", None, [130.0, 250.0, 40.0, 40.0]),
            ],
            vec![
                link("a", "b", &[[50.0, 120.0], [250.0, 120.0]]),
                link("c", "d", &[[150.0, 50.0], [150.0, 250.0]]),
            ],
        );
        assert_clean(&v);
        assert_eq!(report(&v).figures.crossings, 1);
    }

    #[test]
    fn t_junctions_and_touches_are_not_crossings() {
        // c->d's vertical ends on a->b's line at a node border: a touch, not a crossing.
        let v = layout(
            300.0,
            300.0,
            vec![
                node("a", None, [10.0, 100.0, 40.0, 40.0]),
                node("b", None, [250.0, 100.0, 40.0, 40.0]),
                node("c", None, [130.0, 10.0, 40.0, 40.0]),
                node("d", None, [130.0, 120.0, 40.0, 40.0]),
            ],
            vec![
                // Runs along d's top edge, where c->d ends.
                link("a", "b", &[[50.0, 120.0], [250.0, 120.0]]),
                link("c", "d", &[[150.0, 50.0], [150.0, 120.0]]),
            ],
        );
        assert_clean(&v);
        assert_eq!(report(&v).figures.crossings, 0);
    }

    #[test]
    fn bends_are_counted_per_direction_change() {
        let v = layout(
            300.0,
            300.0,
            vec![
                node("a", None, [10.0, 10.0, 40.0, 40.0]),
                node("b", None, [200.0, 200.0, 40.0, 40.0]),
            ],
            vec![
                // Two bends; the collinear midpoint at (120, 30) is not a bend.
                link(
                    "a",
                    "b",
                    &[
                        [50.0, 30.0],
                        [120.0, 30.0],
                        [150.0, 30.0],
                        [150.0, 220.0],
                        [200.0, 220.0],
                    ],
                ),
                // Straight.
                link("a", "b", &[[30.0, 50.0], [30.0, 120.0]]),
            ],
        );
        let f = report(&v).figures;
        assert_eq!(f.bends, 2);
        assert_eq!(f.bends_per_link, 1.0);
    }

    #[test]
    fn zero_length_segments_do_not_add_bends() {
        let (a, b, _) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b],
            vec![link(
                "a",
                "b",
                &[[50.0, 30.0], [120.0, 30.0], [120.0, 30.0], [200.0, 30.0]],
            )],
        );
        assert_eq!(report(&v).figures.bends, 0);
    }

    #[test]
    fn aspect_excess_beyond_two_to_one() {
        let wide = layout(1000.0, 200.0, vec![], vec![]);
        assert!((report(&wide).figures.aspect_excess - 3.0).abs() < 1e-9);
        let tall = layout(100.0, 250.0, vec![], vec![]);
        assert!((report(&tall).figures.aspect_excess - 0.5).abs() < 1e-9);
    }

    // --- 1. containment -----------------------------------------------------

    #[test]
    fn node_outside_its_parent() {
        let v = layout(
            300.0,
            300.0,
            vec![
                group("g", "vpc", None, [10.0, 10.0, 200.0, 200.0]),
                node("n", Some("g"), [180.0, 50.0, 40.0, 40.0]),
            ],
            vec![],
        );
        let m = assert_only(&v, DefectKind::Containment);
        assert_mentions(&m, "node n is not inside group g");
    }

    #[test]
    fn node_touching_its_parent_edge_is_fine() {
        let v = layout(
            300.0,
            300.0,
            vec![
                group("g", "vpc", None, [10.0, 10.0, 200.0, 200.0]),
                node("n", Some("g"), [170.4, 50.0, 40.0, 40.0]),
            ],
            vec![],
        );
        assert_clean(&v);
    }

    #[test]
    fn node_label_outside_its_parent() {
        let v = layout(
            300.0,
            300.0,
            vec![
                group("g", "vpc", None, [10.0, 10.0, 200.0, 200.0]),
                labelled(
                    node("n", Some("g"), [50.0, 150.0, 40.0, 40.0]),
                    [40.0, 200.0, 60.0, 14.0],
                ),
            ],
            vec![],
        );
        let m = assert_only(&v, DefectKind::Containment);
        assert_mentions(&m, "label of node n is not inside group g");
    }

    #[test]
    fn group_title_outside_its_own_box() {
        let v = layout(
            300.0,
            300.0,
            vec![labelled(
                group("g", "vpc", None, [10.0, 30.0, 200.0, 170.0]),
                [20.0, 10.0, 80.0, 14.0],
            )],
            vec![],
        );
        let m = assert_only(&v, DefectKind::Containment);
        assert_mentions(&m, "label of group g is not inside its own box");
    }

    #[test]
    fn top_level_box_off_the_canvas() {
        let v = layout(
            100.0,
            100.0,
            vec![node("n", None, [80.0, 10.0, 40.0, 40.0])],
            vec![],
        );
        let m = assert_only(&v, DefectKind::Containment);
        assert_mentions(&m, "node n is not inside the canvas");
    }

    #[test]
    fn link_label_off_the_canvas() {
        let (a, b, k) = pair();
        let v = layout(
            250.0,
            100.0,
            vec![a, b],
            vec![labelled(k, [100.0, -10.0, 40.0, 14.0])],
        );
        let m = assert_only(&v, DefectKind::Containment);
        assert_mentions(&m, "label of link a->b is not inside the canvas");
    }

    fn border_case(centre: [f64; 2]) -> Value {
        let gw = with(
            node(
                "gw",
                Some("g"),
                [centre[0] - 20.0, centre[1] - 20.0, 40.0, 40.0],
            ),
            "placement",
            json!("border"),
        );
        layout(
            400.0,
            300.0,
            vec![
                group("g", "vpc", None, [50.0, 50.0, 200.0, 150.0]),
                // Its label sits outside the parent: exempt for border nodes.
                labelled(gw, [centre[0] + 25.0, centre[1] - 7.0, 30.0, 14.0]),
            ],
            vec![],
        )
    }

    #[test]
    fn border_node_centred_on_each_edge_is_fine() {
        for centre in [
            [250.0, 120.0],
            [50.0, 120.0],
            [150.0, 50.0],
            [150.0, 200.0],
            [250.0, 200.0],
        ] {
            assert_clean(&border_case(centre));
        }
    }

    #[test]
    fn border_node_off_the_border() {
        let m = assert_only(&border_case([240.0, 120.0]), DefectKind::Containment);
        assert_mentions(&m, "border node gw is not centred on the border of group g");
        // On the line of the right edge, but beyond the bottom corner.
        assert_only(&border_case([250.0, 230.0]), DefectKind::Containment);
    }

    /// A VPC with three zone columns, one public subnet each, and a load balancer
    /// spanning the first and third subnets, at `lb`.
    fn three_zones(spans: &[&str], lb: [f64; 4]) -> Value {
        let mut boxes = vec![group("v", "vpc", None, [0.0, 0.0, 600.0, 300.0])];
        for (i, z) in ["z1", "z2", "z3"].iter().enumerate() {
            let x = 10.0 + 190.0 * i as f64;
            boxes.push(group(z, "zone", Some("v"), [x, 10.0, 180.0, 280.0]));
            boxes.push(subnet(
                &format!("s{}", i + 1),
                "public",
                z,
                [x + 10.0, 40.0, 160.0, 100.0],
            ));
        }
        boxes.push(with(node("lb", Some("v"), lb), "spans", json!(spans)));
        layout(600.0, 300.0, boxes, vec![])
    }

    #[test]
    fn spanning_node_across_its_subnets_and_zone_columns_is_fine() {
        assert_clean(&three_zones(&["s1", "s2"], [50.0, 70.0, 280.0, 40.0]));
        assert_clean(&three_zones(&["s1", "s2", "s3"], [50.0, 70.0, 480.0, 40.0]));
    }

    #[test]
    fn spanning_node_outside_the_groups_it_spans() {
        // Reaches into z3 without spanning s3: outside the union of s1 and s2.
        let v = three_zones(&["s1", "s2"], [50.0, 70.0, 480.0, 40.0]);
        let r = report(&v);
        let kinds: HashSet<DefectKind> = r.defects.iter().map(|d| d.kind).collect();
        assert!(kinds.contains(&DefectKind::Containment), "{:#?}", r.defects);
        // Below the spanned subnets.
        let m = assert_only(
            &three_zones(&["s1", "s2"], [50.0, 120.0, 280.0, 40.0]),
            DefectKind::Containment,
        );
        assert_mentions(&m, "node lb is not inside the groups it spans (s1, s2)");
    }

    // --- 2. overlap ---------------------------------------------------------

    #[test]
    fn sibling_nodes_overlapping() {
        let v = layout(
            200.0,
            200.0,
            vec![
                node("a", None, [10.0, 10.0, 50.0, 50.0]),
                node("b", None, [40.0, 40.0, 50.0, 50.0]),
            ],
            vec![],
        );
        let m = assert_only(&v, DefectKind::Overlap);
        assert_eq!(m, vec!["node a overlaps node b".to_string()]);
    }

    #[test]
    fn touching_nodes_are_fine() {
        let v = layout(
            200.0,
            200.0,
            vec![
                node("a", None, [10.0, 10.0, 50.0, 50.0]),
                node("b", None, [60.0, 10.0, 50.0, 50.0]),
                node("c", None, [10.0, 59.6, 50.0, 50.0]),
            ],
            vec![],
        );
        assert_clean(&v);
    }

    #[test]
    fn sibling_groups_overlapping() {
        let v = layout(
            400.0,
            200.0,
            vec![
                group("g1", "vpc", None, [10.0, 10.0, 200.0, 150.0]),
                group("g2", "vpc", None, [190.0, 10.0, 200.0, 150.0]),
            ],
            vec![],
        );
        assert_mentions(
            &assert_only(&v, DefectKind::Overlap),
            "group g1 overlaps group g2",
        );
    }

    #[test]
    fn nodes_in_different_parents_overlapping() {
        let v = layout(
            300.0,
            300.0,
            vec![
                group("outer", "vpc", None, [0.0, 0.0, 300.0, 300.0]),
                group("inner", "subnet", Some("outer"), [10.0, 10.0, 100.0, 100.0]),
                node("n1", Some("inner"), [20.0, 20.0, 40.0, 40.0]),
                node("n2", Some("outer"), [50.0, 50.0, 40.0, 40.0]),
            ],
            vec![],
        );
        let m = assert_only(&v, DefectKind::Overlap);
        assert_mentions(&m, "node n1 overlaps node n2");
        assert_mentions(&m, "group inner overlaps node n2");
    }

    #[test]
    fn spanning_node_over_a_group_it_does_not_span() {
        // The union of s1 and s3 covers z2, which lb does not span.
        let m = assert_only(
            &three_zones(&["s1", "s3"], [50.0, 70.0, 480.0, 40.0]),
            DefectKind::Overlap,
        );
        assert_mentions(&m, "group z2 overlaps node lb");
    }

    #[test]
    fn spanning_node_over_a_node() {
        let mut v = three_zones(&["s1", "s2"], [50.0, 70.0, 280.0, 40.0]);
        v["boxes"]
            .as_array_mut()
            .unwrap()
            .push(node("n", Some("s1"), [30.0, 60.0, 40.0, 40.0]));
        let m = assert_only(&v, DefectKind::Overlap);
        assert_mentions(&m, "node lb overlaps node n");
    }

    #[test]
    fn overlays_take_no_part_in_overlap() {
        let v = layout(
            200.0,
            200.0,
            vec![
                node("a", None, [10.0, 10.0, 50.0, 50.0]),
                overlay("sg", &["a"], [5.0, 5.0, 60.0, 60.0]),
                overlay("sg2", &["a"], [0.0, 0.0, 70.0, 70.0]),
            ],
            vec![],
        );
        assert_clean(&v);
    }

    // --- 3. link through a box ----------------------------------------------

    #[test]
    fn link_through_a_third_node() {
        let (a, b, k) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b, node("c", None, [100.0, 10.0, 40.0, 40.0])],
            vec![k],
        );
        let m = assert_only(&v, DefectKind::LinkThroughBox);
        assert_eq!(m, vec!["link a->b segment 1 crosses node c".to_string()]);
    }

    #[test]
    fn link_along_a_node_edge_is_fine() {
        let (a, b, _) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b, node("c", None, [100.0, 10.0, 40.0, 40.0])],
            vec![link("a", "b", &[[50.0, 10.0], [200.0, 10.0]])],
        );
        assert_clean(&v);
    }

    #[test]
    fn link_through_a_group_containing_neither_end() {
        let v = layout(
            400.0,
            250.0,
            vec![
                node("a", None, [10.0, 100.0, 40.0, 40.0]),
                node("b", None, [300.0, 100.0, 40.0, 40.0]),
                group("g", "subnet", None, [120.0, 50.0, 100.0, 150.0]),
            ],
            vec![link("a", "b", &[[50.0, 120.0], [300.0, 120.0]])],
        );
        let m = assert_only(&v, DefectKind::LinkThroughBox);
        assert_mentions(
            &m,
            "link a->b segment 1 enters group g, which contains neither end",
        );
    }

    #[test]
    fn link_into_the_group_of_its_end_is_fine() {
        let v = layout(
            400.0,
            250.0,
            vec![
                node("a", None, [10.0, 100.0, 40.0, 40.0]),
                group("g", "subnet", None, [120.0, 50.0, 200.0, 150.0]),
                node("b", Some("g"), [250.0, 100.0, 40.0, 40.0]),
            ],
            vec![link("a", "b", &[[50.0, 120.0], [250.0, 120.0]])],
        );
        assert_clean(&v);
    }

    #[test]
    fn overlays_are_not_groups_for_links() {
        let (a, b, k) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b, overlay("sg", &[], [100.0, 5.0, 50.0, 60.0])],
            vec![k],
        );
        assert_clean(&v);
    }

    #[test]
    fn border_node_counts_as_inside_its_parent() {
        let v = layout(
            400.0,
            300.0,
            vec![
                node("u", None, [180.0, 10.0, 40.0, 40.0]),
                group("v", "vpc", None, [100.0, 100.0, 200.0, 150.0]),
                with(
                    node("gw", Some("v"), [180.0, 80.0, 40.0, 40.0]),
                    "placement",
                    json!("border"),
                ),
                node("n", Some("v"), [180.0, 180.0, 40.0, 40.0]),
            ],
            vec![
                link("u", "gw", &[[200.0, 50.0], [200.0, 80.0]]),
                link("gw", "n", &[[200.0, 120.0], [200.0, 180.0]]),
            ],
        );
        assert_clean(&v);
    }

    #[test]
    fn link_from_a_spanning_node_through_its_other_subnet_is_fine() {
        // lb spans s1 and s2; a link from lb runs down inside s2 and its zone z2, and a
        // link to it from outside the VPC enters the VPC (lb's parent).
        let mut v = three_zones(&["s1", "s2"], [50.0, 70.0, 280.0, 40.0]);
        let boxes = v["boxes"].as_array_mut().unwrap();
        boxes.push(node("app", Some("s2"), [260.0, 120.0, 20.0, 20.0]));
        v["height"] = json!(400.0);
        v["boxes"]
            .as_array_mut()
            .unwrap()
            .push(node("user", None, [140.0, 340.0, 40.0, 40.0]));
        v["links"] = json!([
            link("lb", "app", &[[270.0, 110.0], [270.0, 120.0]]),
            link("user", "lb", &[[160.0, 340.0], [160.0, 110.0]]),
        ]);
        assert_clean(&v);
        // The same link into z3, which contains neither end, is a defect.
        v["boxes"]
            .as_array_mut()
            .unwrap()
            .push(node("far", None, [600.0, 350.0, 20.0, 20.0]));
        v["width"] = json!(700.0);
        v["links"].as_array_mut().unwrap().push(link(
            "user",
            "far",
            &[
                [180.0, 360.0],
                [450.0, 360.0],
                [450.0, 200.0],
                [600.0, 200.0],
                [600.0, 350.0],
            ],
        ));
        let r = report(&v);
        assert!(
            r.defects
                .iter()
                .any(|d| d.kind == DefectKind::LinkThroughBox
                    && d.message.contains("enters group z3")),
            "{:#?}",
            r.defects
        );
    }

    // --- 4. label collisions ------------------------------------------------

    #[test]
    fn two_node_labels_colliding() {
        let v = layout(
            200.0,
            100.0,
            vec![
                labelled(
                    node("a", None, [10.0, 10.0, 40.0, 40.0]),
                    [5.0, 52.0, 60.0, 14.0],
                ),
                labelled(
                    node("b", None, [70.0, 10.0, 40.0, 40.0]),
                    [55.0, 52.0, 60.0, 14.0],
                ),
            ],
            vec![],
        );
        let m = assert_only(&v, DefectKind::LabelCollision);
        assert_eq!(
            m,
            vec!["label of node a collides with label of node b".to_string()]
        );
    }

    #[test]
    fn group_title_over_a_node_inside_it() {
        let v = layout(
            300.0,
            200.0,
            vec![
                labelled(
                    group("g", "vpc", None, [0.0, 0.0, 300.0, 200.0]),
                    [10.0, 6.0, 100.0, 14.0],
                ),
                node("n", Some("g"), [50.0, 10.0, 40.0, 40.0]),
            ],
            vec![],
        );
        assert_mentions(
            &assert_only(&v, DefectKind::LabelCollision),
            "label of group g overlaps node n",
        );
    }

    #[test]
    fn link_label_over_another_link() {
        let (a, b, k) = pair();
        let v = layout(
            300.0,
            120.0,
            vec![
                a,
                b,
                node("c", None, [10.0, 60.0, 40.0, 40.0]),
                node("d", None, [200.0, 60.0, 40.0, 40.0]),
            ],
            vec![
                labelled(k, [100.0, 74.0, 40.0, 14.0]),
                // Its own label on its own line is fine.
                labelled(
                    link("c", "d", &[[50.0, 80.0], [200.0, 80.0]]),
                    [150.0, 73.0, 40.0, 14.0],
                ),
            ],
        );
        let m = assert_only(&v, DefectKind::LabelCollision);
        assert_eq!(
            m,
            vec!["link c->d segment 1 runs through label of link a->b".to_string()]
        );
    }

    #[test]
    fn link_entering_its_end_through_the_end_label() {
        let v = layout(
            100.0,
            200.0,
            vec![
                labelled(
                    node("a", None, [10.0, 10.0, 40.0, 40.0]),
                    [10.0, 52.0, 40.0, 14.0],
                ),
                node("b", None, [10.0, 150.0, 40.0, 40.0]),
            ],
            vec![link("b", "a", &[[30.0, 150.0], [30.0, 50.0]])],
        );
        let m = assert_only(&v, DefectKind::LabelCollision);
        assert_mentions(&m, "link b->a segment 1 runs through label of node a");
    }

    #[test]
    fn node_label_on_another_link() {
        let (a, b, k) = pair();
        let v = layout(
            300.0,
            150.0,
            vec![
                a,
                b,
                labelled(
                    node("c", None, [100.0, 60.0, 40.0, 40.0]),
                    [90.0, 24.0, 60.0, 14.0],
                ),
            ],
            vec![k],
        );
        let m = assert_only(&v, DefectKind::LabelCollision);
        assert_mentions(&m, "link a->b segment 1 runs through label of node c");
    }

    #[test]
    fn link_through_a_group_title() {
        let v = layout(
            300.0,
            300.0,
            vec![
                node("u", None, [30.0, 10.0, 40.0, 40.0]),
                labelled(
                    group("g", "vpc", None, [10.0, 80.0, 250.0, 200.0]),
                    [20.0, 86.0, 100.0, 14.0],
                ),
                node("n", Some("g"), [30.0, 200.0, 40.0, 40.0]),
            ],
            vec![link("u", "n", &[[50.0, 50.0], [50.0, 200.0]])],
        );
        let m = assert_only(&v, DefectKind::LabelCollision);
        assert_mentions(&m, "link u->n segment 1 runs through label of group g");
    }

    #[test]
    fn labels_touching_are_fine() {
        let v = layout(
            200.0,
            100.0,
            vec![
                labelled(
                    node("a", None, [10.0, 10.0, 40.0, 40.0]),
                    [0.0, 50.0, 60.0, 14.0],
                ),
                labelled(
                    node("b", None, [70.0, 10.0, 40.0, 40.0]),
                    [60.0, 50.0, 60.0, 14.0],
                ),
            ],
            vec![],
        );
        assert_clean(&v);
    }

    // --- 5. non-orthogonal ----------------------------------------------------

    #[test]
    fn diagonal_segment() {
        let v = layout(
            200.0,
            200.0,
            vec![
                node("a", None, [10.0, 10.0, 40.0, 40.0]),
                node("b", None, [100.0, 100.0, 40.0, 40.0]),
            ],
            vec![link("a", "b", &[[50.0, 50.0], [100.0, 100.0]])],
        );
        let m = assert_only(&v, DefectKind::NonOrthogonal);
        assert_eq!(
            m,
            vec!["link a->b segment 1 is neither horizontal nor vertical".to_string()]
        );
    }

    #[test]
    fn zero_length_segment() {
        let (a, b, _) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b],
            vec![link(
                "a",
                "b",
                &[[50.0, 30.0], [120.0, 30.0], [120.2, 30.1], [200.0, 30.0]],
            )],
        );
        let m = assert_only(&v, DefectKind::NonOrthogonal);
        assert_eq!(m, vec!["link a->b segment 2 has zero length".to_string()]);
    }

    #[test]
    fn slightly_off_axis_within_tolerance_is_fine() {
        let (a, b, _) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b],
            vec![link("a", "b", &[[50.0, 30.0], [200.0, 30.4]])],
        );
        assert_clean(&v);
    }

    // --- 6. detached ends -----------------------------------------------------

    #[test]
    fn link_starting_inside_its_source() {
        let (a, b, _) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b],
            vec![link("a", "b", &[[30.0, 30.0], [200.0, 30.0]])],
        );
        let m = assert_only(&v, DefectKind::DetachedEnd);
        assert_eq!(
            m,
            vec!["link a->b starts at (30, 30), not on the border of node a".to_string()]
        );
    }

    #[test]
    fn link_stopping_short_of_its_target() {
        let (a, b, _) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b],
            vec![link("a", "b", &[[50.0, 30.0], [190.0, 30.0]])],
        );
        assert_mentions(
            &assert_only(&v, DefectKind::DetachedEnd),
            "link a->b ends at (190, 30)",
        );
    }

    #[test]
    fn link_end_beyond_a_corner_is_detached() {
        // On the line of b's left edge, but below its bottom corner.
        let (a, b, _) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b],
            vec![link(
                "a",
                "b",
                &[[50.0, 30.0], [150.0, 30.0], [150.0, 60.0], [200.0, 60.0]],
            )],
        );
        assert_only(&v, DefectKind::DetachedEnd);
    }

    #[test]
    fn link_ends_within_tolerance_are_attached() {
        let (a, b, _) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b],
            vec![link("a", "b", &[[50.4, 30.0], [199.6, 30.0]])],
        );
        assert_clean(&v);
    }

    // --- 7. zone alignment ------------------------------------------------------

    fn two_zones(z2: [f64; 4], s2: [f64; 4]) -> Value {
        layout(
            500.0,
            320.0,
            vec![
                group("v", "vpc", None, [0.0, 0.0, 500.0, 320.0]),
                group("z1", "zone", Some("v"), [10.0, 10.0, 230.0, 300.0]),
                group("z2", "zone", Some("v"), z2),
                subnet("s1", "public", "z1", [20.0, 40.0, 210.0, 100.0]),
                subnet("s2", "public", "z2", s2),
            ],
            vec![],
        )
    }

    #[test]
    fn aligned_zones_are_fine() {
        assert_clean(&two_zones(
            [250.0, 10.0, 230.0, 300.0],
            [260.0, 40.0, 200.0, 100.0],
        ));
    }

    #[test]
    fn zone_columns_of_unequal_width() {
        let v = two_zones([250.0, 10.0, 220.0, 300.0], [260.0, 40.0, 200.0, 100.0]);
        let m = assert_only(&v, DefectKind::ZoneAlignment);
        assert_eq!(
            m,
            vec!["in vpc v, zone z2 has width 220 but zone z1 has 230".to_string()]
        );
    }

    #[test]
    fn zone_columns_of_different_top_and_height() {
        let v = two_zones([250.0, 20.0, 230.0, 280.0], [260.0, 40.0, 200.0, 100.0]);
        let m = assert_only(&v, DefectKind::ZoneAlignment);
        assert_eq!(m.len(), 2, "{m:#?}");
        assert_mentions(&m, "zone z2 has top 20");
        assert_mentions(&m, "zone z2 has height 280");
    }

    #[test]
    fn same_tier_subnets_off_row() {
        let v = two_zones([250.0, 10.0, 230.0, 300.0], [260.0, 50.0, 200.0, 100.0]);
        let m = assert_only(&v, DefectKind::ZoneAlignment);
        assert_eq!(
            m,
            vec!["in vpc v, public subnet s2 has top 50 but public subnet s1 has 40".to_string()]
        );
    }

    #[test]
    fn different_tiers_need_not_align() {
        let mut v = two_zones([250.0, 10.0, 230.0, 300.0], [260.0, 50.0, 200.0, 100.0]);
        set_box(&mut v, "s2", "tier", json!("private"));
        assert_clean(&v);
    }

    #[test]
    fn several_subnets_of_a_tier_per_zone_align_by_rank() {
        let mut v = two_zones([250.0, 10.0, 230.0, 300.0], [260.0, 40.0, 200.0, 100.0]);
        let boxes = v["boxes"].as_array_mut().unwrap();
        boxes.push(subnet("s1b", "public", "z1", [20.0, 160.0, 210.0, 100.0]));
        boxes.push(subnet("s2b", "public", "z2", [260.0, 160.0, 200.0, 100.0]));
        assert_clean(&v);
        set_box(&mut v, "s2b", "h", json!(120.0));
        let m = assert_only(&v, DefectKind::ZoneAlignment);
        assert_eq!(
            m,
            vec![
                "in vpc v, public subnet s2b has height 120 but public subnet s1b has 100"
                    .to_string()
            ]
        );
    }

    #[test]
    fn zones_directly_in_a_region_are_not_aligned() {
        let mut v = two_zones([250.0, 20.0, 220.0, 280.0], [260.0, 50.0, 200.0, 100.0]);
        set_box(&mut v, "v", "kind", json!("region"));
        assert_clean(&v);
    }

    // --- 8. overlay intrusion -----------------------------------------------------

    #[test]
    fn node_inside_an_overlay_it_is_not_a_member_of() {
        let v = layout(
            200.0,
            100.0,
            vec![
                node("a", None, [10.0, 10.0, 40.0, 40.0]),
                node("b", None, [60.0, 10.0, 40.0, 40.0]),
                overlay("sg", &["a"], [5.0, 5.0, 100.0, 50.0]),
            ],
            vec![],
        );
        let m = assert_only(&v, DefectKind::OverlayIntrusion);
        assert_eq!(
            m,
            vec!["node b intrudes into overlay sg, which does not list it".to_string()]
        );
    }

    #[test]
    fn node_next_to_an_overlay_is_fine() {
        let v = layout(
            200.0,
            100.0,
            vec![
                node("a", None, [10.0, 10.0, 40.0, 40.0]),
                node("b", None, [60.0, 10.0, 40.0, 40.0]),
                overlay("sg", &["a"], [5.0, 5.0, 55.0, 50.0]),
            ],
            vec![],
        );
        assert_clean(&v);
    }

    // --- 9. parallel overlap ------------------------------------------------------

    #[test]
    fn unrelated_links_sharing_a_stretch() {
        let v = layout(
            200.0,
            300.0,
            vec![
                node("a", None, [10.0, 10.0, 40.0, 40.0]),
                node("b", None, [10.0, 200.0, 40.0, 40.0]),
                node("c", None, [60.0, 10.0, 40.0, 40.0]),
                node("d", None, [60.0, 200.0, 40.0, 40.0]),
            ],
            vec![
                link("a", "b", &[[30.0, 50.0], [30.0, 200.0]]),
                link(
                    "c",
                    "d",
                    &[
                        [80.0, 50.0],
                        [80.0, 100.0],
                        [30.0, 100.0],
                        [30.0, 150.0],
                        [80.0, 150.0],
                        [80.0, 200.0],
                    ],
                ),
            ],
        );
        let m = assert_only(&v, DefectKind::ParallelOverlap);
        assert_eq!(
            m,
            vec!["link a->b segment 1 and link c->d segment 3 share 50 px of one line".to_string()]
        );
        assert_eq!(report(&v).figures.crossings, 0);
    }

    #[test]
    fn opposite_links_on_one_line_overlap() {
        let (a, b, k) = pair();
        let v = layout(
            300.0,
            100.0,
            vec![a, b],
            vec![k, link("b", "a", &[[200.0, 30.0], [50.0, 30.0]])],
        );
        assert_only(&v, DefectKind::ParallelOverlap);
    }

    #[test]
    fn collinear_links_meeting_at_a_point_are_fine() {
        let v = layout(
            400.0,
            100.0,
            vec![
                node("a", None, [10.0, 10.0, 40.0, 40.0]),
                node("b", None, [150.0, 10.0, 40.0, 40.0]),
                node("c", None, [190.0, 10.0, 40.0, 40.0]),
                node("d", None, [330.0, 10.0, 40.0, 40.0]),
            ],
            vec![
                link("a", "b", &[[50.0, 30.0], [150.0, 30.0]]),
                link("c", "d", &[[230.0, 30.0], [330.0, 30.0]]),
            ],
        );
        assert_clean(&v);
    }

    /// One source fanning out to two targets over a shared trunk, and two sources
    /// fanning in to one target over a shared trunk.
    #[test]
    fn fan_out_and_fan_in_trunks_are_fine() {
        let v = layout(
            300.0,
            500.0,
            vec![
                node("s", None, [100.0, 10.0, 40.0, 40.0]),
                node("t1", None, [10.0, 200.0, 40.0, 40.0]),
                node("t2", None, [190.0, 200.0, 40.0, 40.0]),
                node("sink", None, [100.0, 440.0, 40.0, 40.0]),
            ],
            vec![
                link(
                    "s",
                    "t1",
                    &[[120.0, 50.0], [120.0, 120.0], [30.0, 120.0], [30.0, 200.0]],
                ),
                link(
                    "s",
                    "t2",
                    &[
                        [120.0, 50.0],
                        [120.0, 120.0],
                        [210.0, 120.0],
                        [210.0, 200.0],
                    ],
                ),
                link(
                    "t1",
                    "sink",
                    &[[30.0, 240.0], [30.0, 360.0], [120.0, 360.0], [120.0, 440.0]],
                ),
                link(
                    "t2",
                    "sink",
                    &[
                        [210.0, 240.0],
                        [210.0, 360.0],
                        [120.0, 360.0],
                        [120.0, 440.0],
                    ],
                ),
            ],
        );
        assert_clean(&v);
        let f = report(&v).figures;
        assert_eq!(f.crossings, 0);
        assert_eq!(f.bends, 8);
    }

    // --- blemishes --------------------------------------------------------------------

    /// The blemishes of `kind` in the report of `v`.
    fn blemishes_of(v: &Value, kind: BlemishKind) -> Vec<Blemish> {
        report(v)
            .blemishes
            .into_iter()
            .filter(|b| b.kind == kind)
            .collect()
    }

    /// Exactly one blemish of `kind`; returns it.
    fn one_blemish(v: &Value, kind: BlemishKind) -> Blemish {
        let found = blemishes_of(v, kind);
        assert_eq!(found.len(), 1, "expected one {kind}: {found:#?}");
        found.into_iter().next().unwrap()
    }

    fn no_blemish(v: &Value, kind: BlemishKind) {
        let found = blemishes_of(v, kind);
        assert!(found.is_empty(), "expected no {kind}: {found:#?}");
    }

    #[test]
    fn sample_has_no_blemishes() {
        let r = report(&sample());
        assert!(r.blemishes.is_empty(), "{:#?}", r.blemishes);
        assert!(blemish_counts(&r).iter().all(|&(_, n)| n == 0));
        assert_eq!(blemish_counts(&r).len(), 9);
    }

    // --- 1. border hugging ------------------------------------------------------------

    /// Frame `f` at x 100..500, y 100..400, and a vertical link at `x` from a node above it
    /// (bottom at y 60) to a node below it (top at y 460).
    fn hug_left(x: f64) -> Value {
        layout(
            600.0,
            520.0,
            vec![
                group("f", "vpc", None, [100.0, 100.0, 400.0, 300.0]),
                node("a", None, [x - 20.0, 20.0, 40.0, 40.0]),
                node("b", None, [x - 20.0, 460.0, 40.0, 40.0]),
            ],
            vec![link("a", "b", &[[x, 60.0], [x, 460.0]])],
        )
    }

    #[test]
    fn link_hugging_a_frame_line_at_13_px() {
        let v = hug_left(87.0);
        assert_clean(&v);
        let b = one_blemish(&v, BlemishKind::BorderHugging);
        assert_eq!(b.message, "link a->b runs 13.0 px from group f over 300 px");
        assert_eq!(b.measure, 300.0);
    }

    #[test]
    fn link_14_or_15_px_from_a_frame_line_is_fine() {
        no_blemish(&hug_left(86.0), BlemishKind::BorderHugging);
        no_blemish(&hug_left(85.0), BlemishKind::BorderHugging);
    }

    #[test]
    fn link_hugging_a_frame_line_from_inside() {
        let v = layout(
            600.0,
            600.0,
            vec![
                group("f", "vpc", None, [100.0, 100.0, 400.0, 400.0]),
                node("a", Some("f"), [103.0, 110.0, 40.0, 40.0]),
                node("b", Some("f"), [103.0, 440.0, 40.0, 40.0]),
            ],
            vec![link("a", "b", &[[113.0, 150.0], [113.0, 440.0]])],
        );
        // 290 px long, 242 px measured between the first and last 24 px.
        let b = one_blemish(&v, BlemishKind::BorderHugging);
        assert_eq!(b.measure, 242.0);
        assert!(b.message.contains("13.0 px from group f"), "{}", b.message);
    }

    /// A link from a node whose bottom edge is level with frame `f`'s top (x 100..500,
    /// y 100..400), running down 10 px left of its left edge to a node at `end_y`.
    fn hug_from_the_corner(end_y: f64) -> Value {
        layout(
            600.0,
            600.0,
            vec![
                group("f", "vpc", None, [100.0, 100.0, 400.0, 300.0]),
                node("a", None, [70.0, 60.0, 40.0, 40.0]),
                node("b", None, [70.0, end_y, 40.0, 40.0]),
            ],
            vec![link("a", "b", &[[90.0, 100.0], [90.0, end_y]])],
        )
    }

    #[test]
    fn the_first_and_last_24_px_of_a_link_are_not_measured() {
        // 128 px alongside, 80 measured: not more than 80.
        no_blemish(&hug_from_the_corner(228.0), BlemishKind::BorderHugging);
        // 132 px alongside, 84 measured.
        let b = one_blemish(&hug_from_the_corner(232.0), BlemishKind::BorderHugging);
        assert_eq!(b.measure, 84.0);
    }

    /// A gateway centred on the top edge of frame `f` (placed on the border or not) whose
    /// link runs 10 px below that edge, leftwards out of the frame and down to `b`.
    fn gateway_link(border: bool) -> Value {
        let gw = node("gw", Some("f"), [280.0, 80.0, 40.0, 40.0]);
        let gw = if border {
            with(gw, "placement", json!("border"))
        } else {
            gw
        };
        layout(
            600.0,
            600.0,
            vec![
                group("f", "vpc", None, [100.0, 100.0, 400.0, 300.0]),
                gw,
                node("b", None, [0.0, 500.0, 40.0, 40.0]),
            ],
            vec![link(
                "gw",
                "b",
                &[[280.0, 110.0], [20.0, 110.0], [20.0, 500.0]],
            )],
        )
    }

    #[test]
    fn a_border_node_may_hug_the_frame_it_sits_on() {
        no_blemish(&gateway_link(true), BlemishKind::BorderHugging);
        let b = one_blemish(&gateway_link(false), BlemishKind::BorderHugging);
        // x 256..100 beside the top edge, after the first 24 px.
        assert_eq!(b.measure, 156.0);
    }

    /// Frames `f1` (x 100..300) and `f2` (from x 300 + `gap`) side by side, and a
    /// vertical link at `x` through the gap between them.
    fn channel(gap: f64, x: f64) -> Value {
        layout(
            700.0,
            520.0,
            vec![
                group("f1", "vpc", None, [100.0, 100.0, 200.0, 300.0]),
                group("f2", "vpc", None, [300.0 + gap, 100.0, 200.0, 300.0]),
                node("a", None, [x - 20.0, 20.0, 40.0, 40.0]),
                node("b", None, [x - 20.0, 460.0, 40.0, 40.0]),
            ],
            vec![link("a", "b", &[[x, 60.0], [x, 460.0]])],
        )
    }

    #[test]
    fn a_link_in_the_middle_of_a_channel_hugs_neither_side() {
        // A 24 px gap, midline at x 312.
        no_blemish(&channel(24.0, 312.0), BlemishKind::BorderHugging);
        no_blemish(&channel(24.0, 310.0), BlemishKind::BorderHugging);
        no_blemish(&channel(24.0, 314.0), BlemishKind::BorderHugging);
        // 3 px off the midline: 9 px from f1 (15 from f2).
        let b = one_blemish(&channel(24.0, 309.0), BlemishKind::BorderHugging);
        assert_eq!(b.message, "link a->b runs 9.0 px from group f1 over 300 px");
    }

    #[test]
    fn a_link_off_the_middle_of_a_channel_hugs_both_sides_once() {
        // A 20 px gap, midline at x 310; at 307, 7 px from f1 and 13 px from f2.
        let b = one_blemish(&channel(20.0, 307.0), BlemishKind::BorderHugging);
        assert_eq!(
            b.message,
            "link a->b runs 7.0 px from group f1 over 300 px; also runs 13.0 px from group f2 over 300 px"
        );
        assert_eq!(b.measure, 300.0);
    }

    #[test]
    fn a_channel_needs_two_frames_side_by_side() {
        // 10 px inside a frame and 10 px outside the frame nested in it: not a channel.
        let v = layout(
            600.0,
            600.0,
            vec![
                group("outer", "vpc", None, [80.0, 80.0, 440.0, 440.0]),
                group("inner", "zone", Some("outer"), [100.0, 100.0, 400.0, 400.0]),
                node("a", Some("outer"), [70.0, 90.0, 40.0, 40.0]),
                node("b", Some("outer"), [70.0, 480.0, 40.0, 40.0]),
            ],
            vec![link("a", "b", &[[90.0, 130.0], [90.0, 480.0]])],
        );
        let b = one_blemish(&v, BlemishKind::BorderHugging);
        assert_mentions(&[b.message], "also runs 10.0 px from group inner");
    }

    /// Frame `f` (x 100..500, y 100..400) titled at `title`, and a link between two of its
    /// nodes that climbs to `y` and runs across the frame there.
    fn title_band(title: [f64; 4], y: f64) -> Value {
        layout(
            600.0,
            500.0,
            vec![
                labelled(group("f", "vpc", None, [100.0, 100.0, 400.0, 300.0]), title),
                node("a", Some("f"), [150.0, 200.0, 40.0, 40.0]),
                node("b", Some("f"), [400.0, 200.0, 40.0, 40.0]),
            ],
            vec![link(
                "a",
                "b",
                &[[170.0, 200.0], [170.0, y], [420.0, y], [420.0, 200.0]],
            )],
        )
    }

    #[test]
    fn a_link_through_a_title_band() {
        // 18 px below the top edge (not hugging it), above the title's bottom (121).
        let v = title_band([110.0, 103.0, 40.0, 18.0], 118.0);
        assert_clean(&v);
        let b = one_blemish(&v, BlemishKind::BorderHugging);
        assert_eq!(
            b.message,
            "link a->b runs 250 px through the title band of group f"
        );
        assert_eq!(b.measure, 250.0);
    }

    #[test]
    fn title_band_near_misses() {
        // Below the band, and beside (not under) the title grown by 6 px.
        no_blemish(
            &title_band([110.0, 103.0, 40.0, 18.0], 123.0),
            BlemishKind::BorderHugging,
        );
        // Under the grown title only (x 164..216 of the link's 170..420): 46 px.
        let b = one_blemish(
            &title_band([170.0, 103.0, 40.0, 18.0], 126.0),
            BlemishKind::BorderHugging,
        );
        assert_eq!(b.measure, 46.0);
        // ... but 40 px is not more than 40.
        no_blemish(
            &title_band([170.0, 103.0, 34.0, 18.0], 126.0),
            BlemishKind::BorderHugging,
        );
        // A title in the bottom half of its frame has no band.
        no_blemish(
            &title_band([110.0, 370.0, 40.0, 18.0], 118.0),
            BlemishKind::BorderHugging,
        );
    }

    // --- 2. detour --------------------------------------------------------------------

    /// Nodes 160 px apart and a link dipping `depth` px below them.
    fn detour_case(depth: f64) -> Value {
        layout(
            300.0,
            300.0,
            vec![
                node("a", None, [0.0, 0.0, 40.0, 40.0]),
                node("b", None, [200.0, 0.0, 40.0, 40.0]),
            ],
            vec![link(
                "a",
                "b",
                &[
                    [20.0, 40.0],
                    [20.0, 40.0 + depth],
                    [220.0, 40.0 + depth],
                    [220.0, 40.0],
                ],
            )],
        )
    }

    #[test]
    fn detour_beyond_two_and_a_half_times_the_distance() {
        // D = 160: the limit is max(400, 560) = 560.
        let v = detour_case(200.0);
        assert_clean(&v);
        let b = one_blemish(&v, BlemishKind::Detour);
        assert_eq!(b.measure, 600.0 / 160.0);
        assert_eq!(
            b.message,
            "link a->b runs 600 px between ends 160 px apart (L/D 3.75)"
        );
        no_blemish(&detour_case(175.0), BlemishKind::Detour);
        assert_eq!(
            report(&detour_case(175.0)).figures.worst_detour,
            550.0 / 160.0
        );
    }

    #[test]
    fn detour_of_touching_ends_takes_d_as_1_px() {
        let v = layout(
            300.0,
            600.0,
            vec![
                node("a", None, [0.0, 0.0, 40.0, 40.0]),
                node("b", None, [40.0, 0.0, 40.0, 40.0]),
            ],
            vec![link(
                "a",
                "b",
                &[[20.0, 40.0], [20.0, 250.0], [60.0, 250.0], [60.0, 40.0]],
            )],
        );
        // D = 0: L = 460 > 400.
        let b = one_blemish(&v, BlemishKind::Detour);
        assert_eq!(b.measure, 460.0);
        assert_eq!(report(&v).figures.worst_detour, 460.0);
    }

    // --- 3. excursion -----------------------------------------------------------------

    /// Group `g` (x 100..400) holding two nodes, and a link between them that goes round
    /// at `x`, left of them.
    fn excursion_case(x: f64) -> Value {
        layout(
            500.0,
            500.0,
            vec![
                group("g", "vpc", None, [100.0, 100.0, 300.0, 300.0]),
                node("a", Some("g"), [150.0, 150.0, 40.0, 40.0]),
                node("b", Some("g"), [150.0, 300.0, 40.0, 40.0]),
            ],
            vec![link(
                "a",
                "b",
                &[[150.0, 170.0], [x, 170.0], [x, 320.0], [150.0, 320.0]],
            )],
        )
    }

    #[test]
    fn link_leaving_and_reentering_the_group_of_its_ends() {
        let b = one_blemish(&excursion_case(90.0), BlemishKind::Excursion);
        // Beyond x 97.5: 7.5 + 150 + 7.5.
        assert_eq!(b.measure, 165.0);
        assert_eq!(
            b.message,
            "link a->b leaves group g for 165 px and comes back"
        );
    }

    #[test]
    fn a_stretch_within_2_5_px_of_the_border_counts_as_inside() {
        no_blemish(&excursion_case(98.0), BlemishKind::Excursion);
        no_blemish(&excursion_case(110.0), BlemishKind::Excursion);
    }

    #[test]
    fn a_link_starting_outside_its_group_makes_no_excursion() {
        // A gateway on g's top edge; its link leaves from the outer side and enters g.
        let v = layout(
            500.0,
            500.0,
            vec![
                group("g", "vpc", None, [100.0, 100.0, 300.0, 300.0]),
                with(
                    node("gw", Some("g"), [230.0, 80.0, 40.0, 40.0]),
                    "placement",
                    json!("border"),
                ),
                node("b", Some("g"), [150.0, 300.0, 40.0, 40.0]),
            ],
            vec![link(
                "gw",
                "b",
                &[
                    [250.0, 80.0],
                    [250.0, 60.0],
                    [440.0, 60.0],
                    [440.0, 320.0],
                    [190.0, 320.0],
                ],
            )],
        );
        no_blemish(&v, BlemishKind::Excursion);
    }

    // --- 4. coincident links ------------------------------------------------------------

    /// a and b, a straight link a->b at y 30, and a second link between them (`from` to
    /// `to`) sharing `shared` px of that line at a's side, `dy` px off it.
    fn coincident(from: &str, shared: f64, dy: f64) -> Value {
        let mut pts = vec![
            [50.0, 30.0 + dy],
            [50.0 + shared, 30.0 + dy],
            [50.0 + shared, 45.0],
            [200.0, 45.0],
        ];
        if from == "b" {
            pts.reverse();
        }
        let to = if from == "a" { "b" } else { "a" };
        layout(
            300.0,
            100.0,
            vec![
                node("a", None, [10.0, 10.0, 40.0, 40.0]),
                node("b", None, [200.0, 10.0, 40.0, 40.0]),
            ],
            vec![
                link("a", "b", &[[50.0, 30.0], [200.0, 30.0]]),
                link(from, to, &pts),
            ],
        )
    }

    #[test]
    fn links_with_the_same_ends_drawn_as_one_line() {
        let b = one_blemish(&coincident("a", 20.0, 0.0), BlemishKind::CoincidentLinks);
        assert_eq!(b.measure, 20.0);
        assert_eq!(
            b.message,
            "links a->b #0 and a->b #1 share 20 px of one line"
        );
        // Either direction, and collinear within 1 px.
        one_blemish(&coincident("b", 20.0, 0.0), BlemishKind::CoincidentLinks);
        one_blemish(&coincident("a", 20.0, 0.8), BlemishKind::CoincidentLinks);
    }

    #[test]
    fn coincident_near_misses() {
        no_blemish(&coincident("a", 10.0, 0.0), BlemishKind::CoincidentLinks);
        no_blemish(&coincident("a", 20.0, 1.5), BlemishKind::CoincidentLinks);
        // Different ends: a fan-out trunk, not a coincidence.
        let mut v = coincident("a", 20.0, 0.0);
        v["boxes"]
            .as_array_mut()
            .unwrap()
            .push(node("c", None, [200.0, 50.0, 40.0, 40.0]));
        v["links"][1] = link(
            "a",
            "c",
            &[[50.0, 30.0], [70.0, 30.0], [70.0, 70.0], [200.0, 70.0]],
        );
        no_blemish(&v, BlemishKind::CoincidentLinks);
    }

    // --- 5. grazing ---------------------------------------------------------------------

    /// a->b along y 120 (x 50..300), passing node n whose bottom edge is at `bottom`.
    fn graze(bottom: f64) -> Value {
        layout(
            400.0,
            300.0,
            vec![
                node("a", None, [10.0, 100.0, 40.0, 40.0]),
                node("b", None, [300.0, 100.0, 40.0, 40.0]),
                node("n", None, [150.0, bottom - 40.0, 40.0, 40.0]),
            ],
            vec![link("a", "b", &[[50.0, 120.0], [300.0, 120.0]])],
        )
    }

    #[test]
    fn link_grazing_a_node_5_px_away() {
        let v = graze(115.0);
        assert_clean(&v);
        let b = one_blemish(&v, BlemishKind::Grazing);
        assert_eq!(b.message, "link a->b passes 5.0 px from node n over 40 px");
        assert_eq!(b.measure, 40.0);
        one_blemish(&graze(114.0), BlemishKind::Grazing);
        // Along its edge.
        one_blemish(&graze(120.0), BlemishKind::Grazing);
    }

    #[test]
    fn link_7_px_from_a_node_does_not_graze_it() {
        no_blemish(&graze(113.0), BlemishKind::Grazing);
    }

    #[test]
    fn link_grazing_a_label() {
        let mut v = graze(60.0);
        set_box(
            &mut v,
            "n",
            "label",
            json!({"text": "n", "x": 150, "y": 125, "w": 60, "h": 14}),
        );
        let b = one_blemish(&v, BlemishKind::Grazing);
        assert_eq!(
            b.message,
            "link a->b passes 5.0 px from the label of node n over 60 px"
        );
        // Its own ends' labels are not grazed.
        let mut v = graze(60.0);
        set_box(
            &mut v,
            "b",
            "label",
            json!({"text": "b", "x": 150, "y": 125, "w": 60, "h": 14}),
        );
        no_blemish(&v, BlemishKind::Grazing);
    }

    #[test]
    fn grazing_needs_more_than_8_px_alongside() {
        let mut v = graze(115.0);
        set_box(&mut v, "n", "x", json!(292.0)); // x 292..332, alongside 292..300
        no_blemish(&v, BlemishKind::Grazing);
        set_box(&mut v, "n", "x", json!(291.0));
        one_blemish(&v, BlemishKind::Grazing);
    }

    // --- 6. split group -----------------------------------------------------------------

    #[test]
    fn overlay_drawn_as_two_boxes() {
        let v = layout(
            400.0,
            200.0,
            vec![
                node("a", None, [10.0, 10.0, 40.0, 40.0]),
                node("b", None, [300.0, 10.0, 40.0, 40.0]),
                overlay("sg", &["a"], [5.0, 5.0, 50.0, 50.0]),
                overlay("sg#2", &["b"], [295.0, 5.0, 50.0, 50.0]),
            ],
            vec![],
        );
        assert_clean(&v);
        let b = one_blemish(&v, BlemishKind::SplitGroup);
        assert_eq!(b.message, "overlay sg is drawn as 2 boxes (sg, sg#2)");
        assert_eq!(b.measure, 2.0);
    }

    #[test]
    fn a_declared_id_with_a_hash_is_not_a_split() {
        let v = layout(
            400.0,
            200.0,
            vec![
                group("g#2", "vpc", None, [10.0, 10.0, 100.0, 100.0]),
                group("h", "vpc", None, [150.0, 10.0, 100.0, 100.0]),
                node("h#2", None, [300.0, 10.0, 40.0, 40.0]),
                group("h#1", "vpc", None, [10.0, 120.0, 100.0, 50.0]),
            ],
            vec![],
        );
        no_blemish(&v, BlemishKind::SplitGroup);
    }

    // --- 7. bend outliers ---------------------------------------------------------------

    fn stairs(points: &[[f64; 2]]) -> Value {
        layout(
            300.0,
            300.0,
            vec![
                node("a", None, [0.0, 0.0, 20.0, 20.0]),
                node("b", None, [200.0, 200.0, 20.0, 20.0]),
            ],
            vec![link("a", "b", points)],
        )
    }

    #[test]
    fn link_with_5_bends_is_an_outlier() {
        let v = stairs(&[
            [20.0, 10.0],
            [60.0, 10.0],
            [60.0, 60.0],
            [120.0, 60.0],
            [120.0, 100.0],
            [210.0, 100.0],
            [210.0, 200.0],
        ]);
        assert_clean(&v);
        let b = one_blemish(&v, BlemishKind::BendOutlier);
        assert_eq!(b.message, "link a->b has 5 bends");
        assert_eq!(b.measure, 5.0);
        let f = report(&v).figures;
        assert_eq!((f.max_bends, f.bend_outliers), (5, 1));
    }

    #[test]
    fn link_with_4_bends_is_not() {
        let v = stairs(&[
            [20.0, 10.0],
            [60.0, 10.0],
            [60.0, 60.0],
            [120.0, 60.0],
            [120.0, 210.0],
            [200.0, 210.0],
        ]);
        no_blemish(&v, BlemishKind::BendOutlier);
        let f = report(&v).figures;
        assert_eq!((f.max_bends, f.bend_outliers), (4, 0));
    }

    // --- 8. zone order ------------------------------------------------------------------

    /// The two zones of `two_zones`, with an ec2 and an rds node in each public subnet:
    /// in zone 2 at the x of `second` (ec2, rds).
    fn zone_row(second: [f64; 2]) -> Value {
        let mut v = two_zones([250.0, 10.0, 230.0, 300.0], [260.0, 40.0, 200.0, 100.0]);
        let boxes = v["boxes"].as_array_mut().unwrap();
        boxes.push(boxed(
            "e1",
            "ec2",
            "node",
            Some("s1"),
            [40.0, 60.0, 40.0, 40.0],
        ));
        boxes.push(boxed(
            "r1",
            "rds",
            "node",
            Some("s1"),
            [140.0, 60.0, 40.0, 40.0],
        ));
        boxes.push(boxed(
            "e2",
            "ec2",
            "node",
            Some("s2"),
            [second[0], 60.0, 40.0, 40.0],
        ));
        boxes.push(boxed(
            "r2",
            "rds",
            "node",
            Some("s2"),
            [second[1], 60.0, 40.0, 40.0],
        ));
        v
    }

    #[test]
    fn mirrored_row_of_subnets() {
        let v = zone_row([380.0, 280.0]);
        assert_clean(&v);
        let b = one_blemish(&v, BlemishKind::ZoneOrder);
        assert_eq!(
            b.message,
            "in vpc v, public subnets s1 (ec2, rds) and s2 (rds, ec2) hold the same kinds in different orders"
        );
        assert_eq!(b.measure, 1.0);
    }

    #[test]
    fn rows_in_the_same_order_or_with_other_kinds_are_fine() {
        no_blemish(&zone_row([280.0, 380.0]), BlemishKind::ZoneOrder);
        let mut v = zone_row([380.0, 280.0]);
        set_box(&mut v, "r2", "kind", json!("ec2"));
        no_blemish(&v, BlemishKind::ZoneOrder);
        let mut v = zone_row([380.0, 280.0]);
        set_box(&mut v, "s2", "tier", json!("private"));
        no_blemish(&v, BlemishKind::ZoneOrder);
    }

    // --- 9. off-centre hub ---------------------------------------------------------------

    /// A hub at centre x `hub_x` above four spokes centred at x 20, 120, 220, 320,
    /// linked from it (or to it, `inward`).
    fn hub(hub_x: f64, inward: bool) -> Value {
        let mut boxes = vec![node("h", None, [hub_x - 20.0, 0.0, 40.0, 40.0])];
        let mut links = Vec::new();
        for i in 0..4 {
            let (id, x) = (format!("s{i}"), 100.0 * i as f64);
            boxes.push(node(&id, None, [x, 200.0, 40.0, 40.0]));
            let (from, to) = if inward {
                (id.as_str(), "h")
            } else {
                ("h", id.as_str())
            };
            links.push(link(from, to, &[[x + 20.0, 200.0], [x + 20.0, 40.0]]));
        }
        layout(400.0, 300.0, boxes, links)
    }

    #[test]
    fn hub_off_the_middle_of_its_spokes() {
        let b = one_blemish(&hub(50.0, false), BlemishKind::OffCentreHub);
        assert_eq!(
            b.message,
            "hub node h sits at 10% of the x spread of its 4 spokes (middle 60% wanted)"
        );
        assert!((b.measure - 0.1).abs() < 1e-9);
        one_blemish(&hub(300.0, true), BlemishKind::OffCentreHub);
    }

    #[test]
    fn hub_in_the_middle_60_percent_is_fine() {
        no_blemish(&hub(170.0, false), BlemishKind::OffCentreHub);
        no_blemish(&hub(80.0, false), BlemishKind::OffCentreHub); // exactly 20%
        no_blemish(&hub(260.0, true), BlemishKind::OffCentreHub); // exactly 80%
    }

    #[test]
    fn a_hub_has_at_most_one_link_the_other_way() {
        let mut v = hub(50.0, false);
        let links = v["links"].as_array_mut().unwrap();
        links.push(link("s0", "h", &[[30.0, 200.0], [30.0, 40.0]]));
        // One link the other way still makes a star...
        one_blemish(&v, BlemishKind::OffCentreHub);
        // ...two do not.
        v["links"]
            .as_array_mut()
            .unwrap()
            .push(link("s1", "h", &[[130.0, 200.0], [130.0, 40.0]]));
        no_blemish(&v, BlemishKind::OffCentreHub);
    }

    #[test]
    fn hub_held_in_a_zone_column_is_exempt() {
        let mut v = hub(50.0, false);
        let boxes = v["boxes"].as_array_mut().unwrap();
        boxes.push(group("v", "vpc", None, [0.0, 0.0, 100.0, 60.0]));
        boxes.push(group("z", "zone", Some("v"), [5.0, 0.0, 90.0, 50.0]));
        set_box(&mut v, "h", "parent", json!("z"));
        no_blemish(&v, BlemishKind::OffCentreHub);
        // In the VPC but outside the zone columns, it counts.
        set_box(&mut v, "h", "parent", json!("v"));
        one_blemish(&v, BlemishKind::OffCentreHub);
    }

    // --- blemishes and defects ---------------------------------------------------------

    #[test]
    fn blemishes_are_grouped_by_kind_and_leave_defects_alone() {
        // A bend outlier that also detours and hugs nothing: no defect either way.
        let v = stairs(&[
            [20.0, 10.0],
            [60.0, 10.0],
            [60.0, 60.0],
            [120.0, 60.0],
            [120.0, 100.0],
            [210.0, 100.0],
            [210.0, 200.0],
        ]);
        let mut v2 = v.clone();
        v2["boxes"]
            .as_array_mut()
            .unwrap()
            .push(overlay("g#2", &[], [250.0, 250.0, 20.0, 20.0]));
        v2["boxes"]
            .as_array_mut()
            .unwrap()
            .push(overlay("g", &[], [250.0, 10.0, 20.0, 20.0]));
        let r = report(&v2);
        assert!(r.defects.is_empty(), "{:#?}", r.defects);
        let kinds: Vec<BlemishKind> = r.blemishes.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![BlemishKind::SplitGroup, BlemishKind::BendOutlier]
        );
        let counts = blemish_counts(&r);
        assert_eq!(counts[5], (BlemishKind::SplitGroup, 1));
        assert_eq!(counts[6], (BlemishKind::BendOutlier, 1));
        assert_eq!(counts.iter().map(|c| c.1).sum::<usize>(), 2);
    }

    #[test]
    fn blemish_kinds_display() {
        assert_eq!(BlemishKind::ALL.len(), 9);
        let names: Vec<String> = BlemishKind::ALL.iter().map(|k| k.to_string()).collect();
        assert_eq!(
            names,
            [
                "border-hugging",
                "detour",
                "excursion",
                "coincident-links",
                "grazing",
                "split-group",
                "bend-outlier",
                "zone-order",
                "off-centre-hub"
            ]
        );
        let b = Blemish {
            kind: BlemishKind::Grazing,
            message: "link a->b passes 5.0 px from node n over 40 px".into(),
            measure: 40.0,
        };
        assert_eq!(
            b.to_string(),
            "grazing: link a->b passes 5.0 px from node n over 40 px"
        );
    }

    // --- errors ---------------------------------------------------------------------

    #[test]
    fn missing_top_level_fields_are_errors() {
        for key in ["width", "height", "boxes", "links"] {
            let mut v = sample();
            v.as_object_mut().unwrap().remove(key);
            let err = check(&v).unwrap_err();
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    fn missing_box_fields_are_errors() {
        for key in ["id", "kind", "role", "x", "y", "w", "h"] {
            let mut v = sample();
            v["boxes"][3].as_object_mut().unwrap().remove(key);
            let err = check(&v).unwrap_err();
            assert!(err.contains(key), "{key}: {err}");
        }
    }

    #[test]
    fn optional_box_fields_may_be_missing() {
        let v = layout(
            100.0,
            100.0,
            vec![
                json!({"id": "n", "kind": "ec2", "role": "node", "x": 10, "y": 10, "w": 20, "h": 20}),
            ],
            vec![],
        );
        assert_clean(&v);
    }

    #[test]
    fn malformed_references_and_links_are_errors() {
        let mut v = sample();
        set_box(&mut v, "web", "parent", json!("nowhere"));
        assert!(check(&v).unwrap_err().contains("nowhere"));

        let mut v = sample();
        set_box(&mut v, "web", "spans", json!(["public-a", "public-z"]));
        assert!(check(&v).unwrap_err().contains("public-z"));

        let mut v = sample();
        v["links"][0]["points"] = json!([[500, 80]]);
        assert!(check(&v).unwrap_err().contains("fewer than 2 points"));

        let mut v = sample();
        v["links"][0]["to"] = json!("ghost");
        assert!(check(&v).unwrap_err().contains("ghost"));

        let mut v = sample();
        v["links"][0]["label"] = json!({"text": "x"});
        assert!(check(&v).unwrap_err().contains("label of links[0]"));

        let mut v = sample();
        set_box(&mut v, "web", "role", json!("thing"));
        assert!(check(&v).unwrap_err().contains("unknown role"));

        let mut v = sample();
        set_box(&mut v, "web", "id", json!("users"));
        assert!(check(&v).unwrap_err().contains("twice"));

        let mut v = sample();
        set_box(&mut v, "ohio", "parent", json!("main"));
        assert!(check(&v).unwrap_err().contains("cycle"));
    }

    // --- geometry helpers -----------------------------------------------------------

    fn seg(a: [f64; 2], b: [f64; 2]) -> Seg {
        Seg {
            a: Pt { x: a[0], y: a[1] },
            b: Pt { x: b[0], y: b[1] },
        }
    }

    const R: Rect = Rect {
        x: 10.0,
        y: 10.0,
        w: 20.0,
        h: 20.0,
    };

    #[test]
    fn segment_entering_a_rect() {
        assert!(seg([0.0, 20.0], [40.0, 20.0]).enters(&R));
        assert!(seg([20.0, 0.0], [20.0, 11.0]).enters(&R)); // 1 px deep
        assert!(!seg([20.0, 0.0], [20.0, 10.4]).enters(&R)); // within tolerance
        assert!(!seg([0.0, 10.0], [40.0, 10.0]).enters(&R)); // along the top edge
        assert!(!seg([0.0, 10.5], [40.0, 10.5]).enters(&R)); // along the tolerance line
        assert!(!seg([0.0, 50.0], [40.0, 50.0]).enters(&R)); // below
        assert!(seg([0.0, 0.0], [40.0, 40.0]).enters(&R)); // diagonal through
        assert!(!seg([0.0, 20.0], [40.0, 60.0]).enters(&R)); // diagonal past the corner
        assert!(seg([15.0, 15.0], [25.0, 25.0]).enters(&R)); // wholly inside
    }

    #[test]
    fn collinear_overlap_lengths() {
        let s = seg([0.0, 0.0], [100.0, 0.0]);
        assert_eq!(s.collinear_overlap(&seg([50.0, 0.0], [150.0, 0.0])), 50.0);
        assert_eq!(s.collinear_overlap(&seg([150.0, 0.0], [60.0, 0.3])), 40.0);
        assert_eq!(s.collinear_overlap(&seg([50.0, 1.0], [150.0, 1.0])), 0.0);
        assert_eq!(s.collinear_overlap(&seg([100.0, 0.0], [150.0, 0.0])), 0.0);
        assert_eq!(s.collinear_overlap(&seg([50.0, 0.0], [50.0, 50.0])), 0.0);
    }

    #[test]
    fn close_parallels_count_side_by_side_links_a_hair_apart() {
        let seg = |a: (f64, f64), b: (f64, f64)| Seg {
            a: Pt { x: a.0, y: a.1 },
            b: Pt { x: b.0, y: b.1 },
        };
        let base = seg((0.0, 0.0), (100.0, 0.0));
        assert!(base.close_to(&seg((20.0, 4.0), (80.0, 4.0))));
        assert!(
            !base.close_to(&seg((20.0, 8.0), (80.0, 8.0))),
            "8 px apart is enough"
        );
        assert!(
            !base.close_to(&seg((20.0, 0.0), (80.0, 0.0))),
            "collinear: another defect"
        );
        assert!(
            !base.close_to(&seg((95.0, 4.0), (180.0, 4.0))),
            "only 5 px side by side"
        );
        assert!(
            !base.close_to(&seg((50.0, 4.0), (50.0, 90.0))),
            "not parallel"
        );
        let up = seg((0.0, 0.0), (0.0, 50.0));
        assert!(up.close_to(&seg((-3.0, 10.0), (-3.0, 40.0))));
    }

    #[test]
    fn proper_crossings_only() {
        let h = seg([0.0, 0.0], [100.0, 0.0]);
        assert!(h.crosses(&seg([50.0, -10.0], [50.0, 10.0])));
        assert!(!h.crosses(&seg([50.0, 0.0], [50.0, 10.0]))); // T-junction
        assert!(!h.crosses(&seg([100.0, -10.0], [100.0, 10.0]))); // at h's end
        assert!(!h.crosses(&seg([20.0, 0.0], [80.0, 0.0]))); // collinear
        assert!(!h.crosses(&seg([150.0, -10.0], [150.0, 10.0]))); // apart
    }

    #[test]
    fn rect_relations() {
        let touching = Rect { x: 30.0, ..R };
        assert!(!R.intersects(&touching));
        assert!(R.intersects(&Rect { x: 29.0, ..R }));
        assert!(R.contains(&Rect {
            x: 10.4,
            y: 9.6,
            w: 20.0,
            h: 20.0
        }));
        assert!(!R.contains(&Rect {
            x: 11.0,
            y: 10.0,
            w: 20.0,
            h: 20.0
        }));
        assert!(R.on_border(Pt { x: 30.3, y: 15.0 }));
        assert!(!R.on_border(Pt { x: 20.0, y: 20.0 }));
        assert!(!R.on_border(Pt { x: 30.0, y: 31.0 }));
        assert_eq!(
            R.union(&Rect {
                x: 50.0,
                y: 0.0,
                w: 10.0,
                h: 5.0
            }),
            Rect {
                x: 10.0,
                y: 0.0,
                w: 50.0,
                h: 30.0
            }
        );
    }

    #[test]
    fn kinds_display() {
        assert_eq!(DefectKind::ALL.len(), 9);
        assert_eq!(DefectKind::LinkThroughBox.to_string(), "link-through-box");
        let d = Defect {
            kind: DefectKind::Overlap,
            message: "node a overlaps node b".into(),
        };
        assert_eq!(d.to_string(), "overlap: node a overlaps node b");
    }
}

//! Layout quality: the defects of quality.md computed from a JSON layout export.
//!
//! [`check`] reads the layout written by `archdraw render --format json` (canvas
//! `width`/`height`, `boxes`, `links`; absolute canvas pixels, y down) and reports the
//! nine layout defects that must be zero on every spec, plus the figures used to
//! compare layouts. It is pure: no I/O and no dependency on the renderer.
//!
//! Conventions used throughout:
//! - every comparison allows [`TOLERANCE`] (0.5 px);
//! - two rectangles *intersect* when their open interiors overlap by more than the
//!   tolerance on both axes (touching edges is fine);
//! - a segment *enters* a rectangle when it reaches the rectangle's interior shrunk
//!   by the tolerance on every side (running along an edge is fine);
//! - link segments are numbered from 1 in messages.

use std::collections::{BTreeMap, HashMap, HashSet};
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
}

/// See [`Figures::close_parallels`].
pub const CLOSE_GAP: f64 = 8.0;

#[derive(Debug, Clone)]
pub struct Report {
    /// Defects grouped by kind, in the order of [`DefectKind::ALL`].
    pub defects: Vec<Defect>,
    pub figures: Figures,
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
        let len = self.len();
        if len <= TOL || o.len() <= TOL {
            return 0.0;
        }
        let u = self.delta().scale(1.0 / len);
        let off_line = |p: Pt| cross(u, p.sub(self.a)).abs();
        if off_line(o.a) > TOL || off_line(o.b) > TOL {
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
        if link.label.is_some_and(|lab| !canvas.contains(&lab)) {
            push(
                out,
                Containment,
                format!("label of link {} is not inside the canvas", link.name),
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
    let link_labels = l.links.iter().enumerate().filter_map(|(i, k)| {
        k.label.map(|rect| LabelRef {
            owner: Owner::Link(i),
            rect,
            desc: format!("label of link {}", k.name),
        })
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
            let rows = per_zone.iter().map(Vec::len).max().unwrap_or(0);
            for k in 0..rows {
                let row: Vec<usize> = per_zone.iter().filter_map(|s| s.get(k).copied()).collect();
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
    let bends: usize = l.links.iter().map(|k| bends(&k.segs)).sum();
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

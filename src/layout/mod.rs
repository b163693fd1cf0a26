//! Stage 4, `layout`: [`Model`] → [`Layout`], every entity's box in canvas px.
//!
//! Takes the resolved model and a text measurer; gives absolute rectangles for every box,
//! its label and its icon. Boxes are sized bottom-up and placed top-down:
//!
//! The steps, one file each, in the order they run:
//!
//! 1. `sizes.rs`: leaves: an icon node is a 48 px icon with its label; a route table is a
//!    card of rows; a group's header is its icon and title.
//! 2. `groups.rs`: a generic group is its header over its children, laid out by
//! 3. `flow.rs`: layers along the diagram direction (longest-path ranks over the links
//!    between children, barycentre ordering, rows wrapped to the page shape, hubs among
//!    their spokes, positions aligned to linked neighbours by isotonic regression);
//!    `columns.rs` puts small services in a column beside the one big group they serve.
//! 4. `grid.rs`: a VPC whose subnets name zones is a grid instead: zones are equal-width
//!    columns, tiers are rows aligned across columns (public above private above isolated);
//!    `bands.rs` places a load balancer in several subnets as one band across them:
//!
//! ```text
//!   ┌ VPC ───────────────────────────────┐
//!   │ ┆ zone a       ┆   ┆ zone b       ┆ │   border gateways sit on the VPC line,
//!   │ ┆ ┌public────┐ ┆   ┆ ┌public────┐ ┆ │   facing their links
//!   │ ┆ │ NAT  RT  │ ┆   ┆ │ NAT  RT  │ ┆ │
//!   │ ┆ │  ╭───────┼─┼───┼─┼──────╮   │ ┆ │   a load balancer in several subnets is
//!   │ ┆ │  │  ALB  band across zones  │ ┆ │   one band in space reserved at the bottom
//!   │ ┆ └──┴───────┘ ┆   ┆ └──────────┘ ┆ │   of the row it spans
//!   │ ┆ ┌private───┐ ┆   ┆ ┌private───┐ ┆ │
//!   │ ┆ └──────────┘ ┆   ┆ └──────────┘ ┆ │
//!   └────────────────────────────────────┘
//! ```
//! 5. `borders.rs`: gateways centred on their group's frame line, on the side facing their
//!    links.
//! 6. `overlays.rs`: overlays (`span` groups) are drawn around their members after placement.
//! 7. `canvas.rs`: relative positions become absolute boxes; one rounding pass snaps every
//!    coordinate to whole pixels.
//!
//! This file holds the public types, the shared constants, the frame under construction and
//! the entry point [`layout`], which runs the steps.

use crate::geom::{Rect, Side};
use crate::model::{EntId, EntKind, Model, Placement};
use crate::spec::Direction;
use crate::text::{Measure, ASCENT, LINE_HEIGHT};

mod bands;
mod borders;
mod canvas;
mod columns;
mod flow;
mod grid;
mod groups;
mod overlays;
mod sizes;

use canvas::round_all;
use flow::isotonic_place;
use overlays::place_overlays;

/// Size of an icon node's icon.
pub const ICON: f32 = 48.0;
/// Size of a group's header icon.
pub const HEADER_ICON: f32 = 24.0;
pub const LABEL_SIZE: f32 = 13.0;
pub const GROUP_LABEL_SIZE: f32 = 13.0;
pub const ROUTE_SIZE: f32 = 11.5;
pub const TITLE_SIZE: f32 = 20.0;
const LABEL_GAP: f32 = 4.0;
const PAD: f32 = 30.0;
const HEADER: f32 = 52.0;
const ZONE_HEADER: f32 = 30.0;
const RANK_GAP: f32 = 60.0;
/// The least number of distinct others linked with a node that makes it a hub whose label
/// goes below its icon.
const HUB_LINKS: usize = 4;
/// How far right of a frame's title a link coming down into its content passes.
const TITLE_CLEAR: f32 = 12.0;
const ITEM_GAP: f32 = 44.0;
/// The gap between zone columns: room for two links side by side 14 px clear of both frames
/// and 12 px apart (a gateway on the VPC's top sits over it; 24 px left links hugging).
const COL_GAP: f32 = 40.0;
const ROW_GAP: f32 = 48.0;
const BAND_H: f32 = 64.0;
const BORDER_OUTSET: f32 = 28.0;
const MARGIN: f32 = 24.0;
/// The height of the title band inside the top of an overlay box.
const OVERLAY_TITLE: f32 = 34.0;
/// The least room between anything drawn and the canvas edge (see [`Layout::fit`]).
pub const EDGE: f32 = 8.0;
const SUBNET_CHANNEL: f32 = 6.0;
/// The width of a channel that holds two links side by side, each 14 px clear of its walls
/// (border hugging is closer) and 8 px apart.
const TWO_LINKS: f32 = 36.0;
/// Ranks are wrapped into rows only past this width (px).
const WRAP_MIN: f32 = 1600.0;
/// The page shape (width ÷ height) that wrapped rows aim at unless the spec sets `aspect`.
pub const DEFAULT_ASPECT: f32 = 4.0 / 3.0;

/// How a label's x relates to its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
}

/// A positioned single line of text; `rect` is its line box.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub text: String,
    pub rect: Rect,
    pub size: f32,
    pub bold: bool,
}

impl TextBox {
    /// Baseline y of the text.
    pub fn baseline(&self) -> f32 {
        self.rect.y + self.size * ASCENT + (self.rect.h - self.size * LINE_HEIGHT) / 2.0
    }
}

/// One placed entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The box: the icon of a node, the card of a route table, the band of a spanning load
    /// balancer, the frame of a group.
    pub rect: Rect,
    pub label: Option<TextBox>,
    /// The icon inside the box (a group's header icon; a band's icon), if separate from it.
    pub icon: Option<Rect>,
    /// Set for nodes centred on their parent's border.
    pub border: Option<Side>,
}

/// Positions of everything, in absolute canvas px.
#[derive(Debug, Clone)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub title: Option<TextBox>,
    /// Indexed by [`EntId`]; `None` for entities that are not drawn (and for overlays).
    pub boxes: Vec<Option<Placed>>,
    /// Overlay boxes (`span` groups): one or more per overlay.
    pub overlays: Vec<OverlayBox>,
}

/// One box of an overlay. An overlay whose members sit far apart with other nodes between
/// them is drawn as several boxes, each around some members, all with the overlay's label.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlayBox {
    pub ent: EntId,
    /// 0 for the first box of an overlay, 1, 2… for the others.
    pub part: usize,
    pub placed: Placed,
    /// The members inside this box, with every node inside member groups.
    pub members: Vec<EntId>,
}

impl Layout {
    pub fn get(&self, e: EntId) -> Option<&Placed> {
        self.boxes.get(e.index()).and_then(|b| b.as_ref())
    }

    /// The smallest rectangle holding everything drawn: boxes, icons, labels, overlays and
    /// the title (`None` for an empty layout).
    pub fn extent(&self) -> Option<Rect> {
        let placed = self
            .boxes
            .iter()
            .flatten()
            .chain(self.overlays.iter().map(|o| &o.placed));
        let mut rects: Vec<Rect> = Vec::new();
        for p in placed {
            rects.push(p.rect);
            rects.extend(p.icon);
            rects.extend(p.label.as_ref().map(|t| t.rect));
        }
        rects.extend(self.title.as_ref().map(|t| t.rect));
        let first = *rects.first()?;
        Some(rects.iter().fold(first, |a, b| a.union(b)))
    }

    /// Moves everything by (`dx`, `dy`) (the canvas size is left alone).
    pub fn translate(&mut self, dx: f32, dy: f32) {
        let placed = self
            .boxes
            .iter_mut()
            .flatten()
            .chain(self.overlays.iter_mut().map(|o| &mut o.placed));
        for p in placed {
            p.rect = p.rect.translate(dx, dy);
            if let Some(i) = &mut p.icon {
                *i = i.translate(dx, dy);
            }
            if let Some(t) = &mut p.label {
                t.rect = t.rect.translate(dx, dy);
            }
        }
        if let Some(t) = &mut self.title {
            t.rect = t.rect.translate(dx, dy);
        }
    }

    /// Grows the canvas (moving everything right or down where it must) so that `extent`
    /// lies at least [`EDGE`] inside it. Returns the move.
    pub fn fit(&mut self, extent: Rect) -> (f32, f32) {
        let dx = (EDGE - extent.x).max(0.0).ceil();
        let dy = (EDGE - extent.y).max(0.0).ceil();
        if dx > 0.0 || dy > 0.0 {
            self.translate(dx, dy);
        }
        self.width = (self.width + dx).max((extent.right() + dx + EDGE).ceil());
        self.height = (self.height + dy).max((extent.bottom() + dy + EDGE).ceil());
        (dx, dy)
    }

    /// The box a link to `e` attaches to: its own, or an overlay's first box.
    pub fn link_end(&self, e: EntId) -> Option<&Placed> {
        self.get(e)
            .or_else(|| self.overlays.iter().find(|o| o.ent == e).map(|o| &o.placed))
    }
}

/// A frame under construction: its outer size, and its body, label and icon relative to the
/// outer origin (body) or the body origin (label, icon).
#[derive(Debug, Clone, Default)]
struct Frame {
    w: f32,
    h: f32,
    body: Rect,
    label: Option<TextBox>,
    icon: Option<Rect>,
    border: Option<Side>,
}

struct Ctx<'a> {
    m: &'a Model,
    text: &'a dyn Measure,
    frames: Vec<Frame>,
    /// Outer origin of each entity relative to its parent's body origin.
    rel: Vec<(f32, f32)>,
    laid: Vec<bool>,
    /// The links at each entity (as either end), in model order.
    links_of: Vec<Vec<usize>>,
    /// The links between two different children of each entity (`None`: between two
    /// roots), in model order: the links that `flow` over that entity's children can see.
    links_under: std::collections::HashMap<Option<EntId>, Vec<usize>>,
    /// Per border node: the line of its group's frame it sits on.
    sides: Vec<Option<Side>>,
    /// The number of overlays each entity is a member of.
    overlays_around: Vec<u32>,
    /// Entities that are, or hold, members of an overlay whose members have different
    /// parents (a security group across zones).
    holds_cross_member: Vec<bool>,
    /// The least left edge of each group's inside content that keeps the links from
    /// outside clear of its title (0: no such bound).
    content_min: Vec<f32>,
    /// Nodes to keep clear of their zone column's title (see `zone_title_hints`).
    clear_title: Vec<bool>,
    /// Where the longest subnet title of the diagram ends: every subnet keeps its linked
    /// content clear of that, so subnets alike in content come out alike whatever their
    /// CIDRs (and their contents line up across the diagram).
    subnet_title: f32,
    /// A scratch map from entity to its position among the items of a `flow`.
    item_at: Vec<u32>,
}

/// Lays out a model.
pub fn layout(m: &Model, text: &dyn Measure) -> Layout {
    // A node in the first subnet of a zone column that a link comes down to from above the
    // VPC must not stand under the column's centred title; whether its partner is above the
    // VPC is known only once the flows around the VPC are ranked, so a first layout finds
    // them and, if there are any, a second makes room.
    let first = layout_with(m, text, &[]);
    let hints = zone_title_hints(m, &first);
    if hints.is_empty() {
        first
    } else {
        layout_with(m, text, &hints)
    }
}

/// The nodes of layout `l` (see [`layout`]) that stand under the title of their zone column,
/// in its first subnet, with a link from something drawn wholly above their VPC.
fn zone_title_hints(m: &Model, l: &Layout) -> Vec<EntId> {
    let rect = |e: EntId| l.boxes.get(e.index()).and_then(|b| b.as_ref());
    // (node, its VPC) under a title; their links are looked at only if there are any.
    let mut under: Vec<(EntId, EntId)> = Vec::new();
    for (i, col) in m.entities.iter().enumerate() {
        if !matches!(col.kind, EntKind::ZoneColumn { .. })
            || col.kind_name == crate::model::TIER_COLUMN
        {
            continue;
        }
        let (Some(placed), Some(vpc)) = (rect(EntId(i as u32)), col.parent) else {
            continue;
        };
        let Some(title) = placed.label.as_ref() else {
            continue;
        };
        let top = col
            .children
            .iter()
            .filter(|s| matches!(m.get(**s).kind, EntKind::Subnet { .. }))
            .filter_map(|&s| Some((rect(s)?.rect.y, s)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        let Some((_, top)) = top else { continue };
        for &n in &m.get(top).children {
            let Some(x) = rect(n).map(|b| b.rect.cx()) else {
                continue;
            };
            if matches!(m.get(n).kind, EntKind::Node { .. })
                && x > title.rect.x - TITLE_CLEAR
                && x < title.rect.right() + TITLE_CLEAR
            {
                under.push((n, vpc));
            }
        }
    }
    if under.is_empty() {
        return Vec::new();
    }
    // Each such node's partners outside its VPC, by where they stand: above the VPC, or
    // below it in line with the node (a straight link that moving the node would bend).
    let mut at: Vec<Option<usize>> = vec![None; m.entities.len()];
    for (k, (n, _)) in under.iter().enumerate() {
        at[n.index()] = Some(k);
    }
    let mut seen = vec![(false, false); under.len()];
    for l in &m.links {
        for (end, other) in [(l.from, l.to), (l.to, l.from)] {
            let Some(k) = at[end.index()] else { continue };
            let (n, vpc) = under[k];
            let (Some(o), Some(nb), Some(vb)) = (rect(other), rect(n), rect(vpc)) else {
                continue;
            };
            if m.is_within(other, vpc) {
                continue;
            }
            seen[k].0 |= o.rect.bottom() <= vb.rect.y;
            seen[k].1 |= o.rect.y >= vb.rect.bottom()
                && o.rect.x < nb.rect.right()
                && nb.rect.x < o.rect.right();
        }
    }
    under
        .into_iter()
        .zip(seen)
        .filter(|(_, (above, in_line_below))| *above && !*in_line_below)
        .map(|((n, _), _)| n)
        .collect()
}

fn layout_with(m: &Model, text: &dyn Measure, clear: &[EntId]) -> Layout {
    let n = m.entities.len();
    let mut links_of = vec![Vec::new(); n];
    let mut links_under: std::collections::HashMap<Option<EntId>, Vec<usize>> =
        std::collections::HashMap::new();
    for (k, l) in m.links.iter().enumerate() {
        links_of[l.from.index()].push(k);
        if l.to != l.from {
            links_of[l.to.index()].push(k);
        }
        links_under
            .entry(common_ancestor(m, l.from, l.to))
            .or_default()
            .push(k);
    }
    let mut overlays_around = vec![0u32; n];
    let mut holds_cross_member = vec![false; n];
    for e in &m.entities {
        if let EntKind::Overlay { members, .. } = &e.kind {
            let spread = members
                .iter()
                .any(|x| m.get(*x).parent != m.get(members[0]).parent);
            if spread {
                for &x in members {
                    for a in std::iter::once(x).chain(m.ancestors(x)) {
                        holds_cross_member[a.index()] = true;
                    }
                }
            }
            let mut distinct = members.clone();
            distinct.sort();
            distinct.dedup();
            for x in distinct {
                overlays_around[x.index()] += 1;
            }
        }
    }
    let mut c = Ctx {
        m,
        text,
        frames: vec![Frame::default(); n],
        rel: vec![(0.0, 0.0); n],
        laid: vec![false; n],
        links_of,
        links_under,
        overlays_around,
        holds_cross_member,
        item_at: vec![u32::MAX; n],
        sides: vec![None; n],
        content_min: vec![0.0; n],
        clear_title: {
            let mut v = vec![false; n];
            for e in clear {
                v[e.index()] = true;
            }
            v
        },
        subnet_title: m
            .entities
            .iter()
            .filter(|e| matches!(e.kind, EntKind::Subnet { .. }))
            .map(|e| HEADER_ICON + 8.0 + text.width(&e.label, GROUP_LABEL_SIZE, false).ceil())
            .fold(0.0, f32::max),
    };
    // The line each border node sits on, once: every step that sizes or places its group
    // asks.
    for (i, e) in m.entities.iter().enumerate() {
        let b = EntId(i as u32);
        if let (Some(p), true) = (e.parent, c.placement(b) == Placement::Border) {
            c.sides[i] = Some(c.face_of(b, p));
        }
    }
    // 1–3. Size everything bottom-up and place children relative to their parents.
    for &r in &m.roots {
        c.lay(r);
    }
    let items: Vec<EntId> = m.roots.clone();
    let (cw, ch) = c.flow(&items);
    let title = m.title.as_ref().map(|t| {
        let w = text.width(t, TITLE_SIZE, true);
        TextBox {
            text: t.clone(),
            rect: Rect::new(MARGIN, MARGIN - 4.0, w, TITLE_SIZE * LINE_HEIGHT),
            size: TITLE_SIZE,
            bold: true,
        }
    });
    let top = MARGIN + title.as_ref().map_or(0.0, |t| t.rect.h + 20.0);
    let mut boxes: Vec<Option<Placed>> = vec![None; n];
    for &r in &items {
        c.place_abs(r, (MARGIN, top), &mut boxes);
    }
    let mut width = cw + 2.0 * MARGIN;
    if let Some(t) = &title {
        width = width.max(t.rect.right() + MARGIN);
    }
    let height = top + ch + MARGIN;
    // 4. Overlays around their members; split where one box would take in other nodes.
    let overlays = place_overlays(m, text, &boxes, &c.links_of);
    // 5. Round.
    let mut out = Layout {
        width: width.ceil(),
        height: height.ceil(),
        title,
        boxes,
        overlays,
    };
    round_all(&mut out);
    // Overlay boxes and labels can stick out of the canvas (an overlay around a node at the
    // edge): the canvas grows to hold them.
    if let Some(ext) = out.extent() {
        out.fit(ext);
    }
    out
}

impl Ctx<'_> {
    /// Whether the things inside `container` flow downward: in a downward diagram always;
    /// in a rightward one, inside the subnets of a VPC grid too, whose tiers stack downward
    /// (so a NAT gateway and the task under it link straight, as in a downward diagram).
    fn downward(&self, container: Option<EntId>) -> bool {
        self.m.direction == Direction::Down || container.is_some_and(|c| self.in_zone_column(c))
    }

    /// Where a link to `x` ends for placement: a link to an overlay counts as a link to its
    /// first member.
    fn link_end(&self, x: EntId) -> EntId {
        match &self.m.get(x).kind {
            EntKind::Overlay { members, .. } => members.first().copied().unwrap_or(x),
            _ => x,
        }
    }

    /// Whether laid-out `e` has its label on the right of its icon (not below it).
    fn label_on_right(&self, e: EntId) -> bool {
        let f = &self.frames[e.index()];
        f.label
            .as_ref()
            .is_some_and(|l| l.rect.x >= f.body.right() - 1.0)
    }

    /// Whether `x` is a zone column or lies inside one.
    fn in_zone_column(&self, x: EntId) -> bool {
        std::iter::once(x)
            .chain(self.m.ancestors(x))
            .any(|a| matches!(self.m.get(a).kind, EntKind::ZoneColumn { .. }))
    }

    /// Whether `e` (a VPC) is laid out as a grid of zone columns.
    fn has_zone_columns(&self, e: EntId) -> bool {
        self.m
            .get(e)
            .children
            .iter()
            .any(|c| matches!(self.m.get(*c).kind, EntKind::ZoneColumn { .. }))
    }

    /// Whether some border node of `e` sits on its `side` line.
    fn has_border_on(&self, e: EntId, side: Side) -> bool {
        self.m
            .get(e)
            .children
            .iter()
            .any(|c| self.placement(*c) == Placement::Border && self.border_side(*c) == side)
    }

    /// How far border icons on `side` of group `e` reach into it: half an icon when there
    /// are any.
    fn hang(&self, e: EntId, side: Side) -> f32 {
        if self.has_border_on(e, side) {
            ICON / 2.0
        } else {
            0.0
        }
    }

    /// The line of its group's frame that border node `b` sits on (see [`Ctx::face_of`]).
    fn border_side(&self, b: EntId) -> Side {
        self.sides[b.index()].unwrap_or(Side::Top)
    }

    /// What `e` is linked with: the other end of each of its links, in link order.
    fn linked(&self, e: EntId) -> impl Iterator<Item = EntId> + '_ {
        self.links_of[e.index()].iter().map(move |&k| {
            let l = &self.m.links[k];
            if l.from == e {
                l.to
            } else {
                l.from
            }
        })
    }

    /// Sizes `e` and places its children (relative positions).
    fn lay(&mut self, e: EntId) {
        if self.laid[e.index()] {
            return;
        }
        self.laid[e.index()] = true;
        let ent = self.m.get(e);
        let frame = match &ent.kind {
            EntKind::Node { .. } => self.node_frame(e),
            EntKind::RouteTable { rows } => self.route_table_frame(&ent.label, rows),
            EntKind::Overlay { .. } => Frame::default(),
            EntKind::Vpc { .. } if self.has_zone_columns(e) => self.vpc_grid(e),
            _ => self.group_frame(e),
        };
        let frame = self.overlay_room(e, frame);
        self.frames[e.index()] = frame;
    }
}

/// The nearest common ancestor of `a` and `b` (`a` or `b` itself when one holds the other);
/// `None` when they lie in different trees.
fn common_ancestor(m: &Model, a: EntId, b: EntId) -> Option<EntId> {
    let up: Vec<EntId> = std::iter::once(a).chain(m.ancestors(a)).collect();
    std::iter::once(b)
        .chain(m.ancestors(b))
        .find(|x| up.contains(x))
}

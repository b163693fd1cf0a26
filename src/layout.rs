//! Stage 4, `layout`: [`Model`] → [`Layout`], every entity's box in canvas px.
//!
//! Takes the resolved model and a text measurer; gives absolute rectangles for every box,
//! its label and its icon. Boxes are sized bottom-up and placed top-down:
//!
//! 1. Leaves: an icon node is a 48 px icon over its label; a route table is a card of rows.
//! 2. Groups lay their children out in layers along the diagram direction (longest-path ranks
//!    over the links between children, barycentre ordering, positions aligned to linked
//!    neighbours by isotonic regression), under a header with icon and label.
//! 3. A VPC whose subnets name zones is a grid instead: zones are equal-width columns, tiers
//!    are rows aligned across columns (public above private above isolated):
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
//! 4. Overlays (`span` groups) are drawn around their members after placement.
//! 5. One rounding pass snaps every coordinate to whole pixels.

use crate::geom::{Rect, Side};
use crate::model::{EntId, EntKind, Model, Placement};
use crate::spec::Direction;
use crate::text::{Measure, ASCENT, LINE_HEIGHT};

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
    /// Entities that are the parent of some overlay member.
    overlay_parent: Vec<bool>,
    /// The number of overlays each entity is a member of.
    overlays_around: Vec<u32>,
    /// A scratch map from entity to its position among the items of a `flow`.
    item_at: Vec<u32>,
}

/// Lays out a model.
pub fn layout(m: &Model, text: &dyn Measure) -> Layout {
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
    let mut overlay_parent = vec![false; n];
    let mut overlays_around = vec![0u32; n];
    for e in &m.entities {
        if let EntKind::Overlay { members, .. } = &e.kind {
            for x in members {
                if let Some(p) = m.get(*x).parent {
                    overlay_parent[p.index()] = true;
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
        overlay_parent,
        overlays_around,
        item_at: vec![u32::MAX; n],
    };
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
    let overlays = place_overlays(m, text, &boxes);
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

/// Places the boxes of every overlay: first around all members; while a box would take in a
/// node that is not a member, it is split by the members' parents, then member by member.
fn place_overlays(m: &Model, text: &dyn Measure, boxes: &[Option<Placed>]) -> Vec<OverlayBox> {
    let mut out = Vec::new();
    // Members and everything inside member groups, per overlay (in id order, so lookups
    // are binary searches).
    let insides: Vec<(usize, Vec<EntId>)> = m
        .entities
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.kind {
            EntKind::Overlay { members, .. } => Some((
                i,
                (0..m.entities.len())
                    .map(|j| EntId(j as u32))
                    .filter(|x| members.iter().any(|mm| m.is_within(*x, *mm)))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    for (oi, (i, inside)) in insides.iter().enumerate() {
        let (i, e) = (*i, &m.entities[*i]);
        let EntKind::Overlay { members, .. } = &e.kind else {
            continue;
        };
        let ent = EntId(i as u32);
        // An overlay around another one's members (or around the same ones, declared
        // earlier: a cluster before its service) is drawn 8 px further out.
        let depth = insides
            .iter()
            .enumerate()
            .filter(|(oj, (_, other))| {
                *oj != oi
                    && other.iter().all(|x| inside.binary_search(x).is_ok())
                    && (other.len() < inside.len() || *oj > oi)
            })
            .count() as f32;
        let grow = 8.0 + 8.0 * depth;
        let rect_of = |x: EntId| {
            boxes[x.index()]
                .as_ref()
                .map(|p| p.label.as_ref().map_or(p.rect, |l| p.rect.union(&l.rect)))
        };
        let bbox = |part: &[EntId]| -> Option<Rect> {
            let rs: Vec<Rect> = part.iter().filter_map(|x| rect_of(*x)).collect();
            let first = *rs.first()?;
            Some(
                rs.iter()
                    .skip(1)
                    .fold(first, |a, b| a.union(b))
                    .inflate(grow),
            )
        };
        let intrudes = |r: &Rect| {
            m.entities.iter().enumerate().any(|(j, o)| {
                o.is_node()
                    && inside.binary_search(&EntId(j as u32)).is_err()
                    && boxes[j].as_ref().is_some_and(|p| p.rect.intersects(r))
            })
        };
        let mut pending: Vec<Vec<EntId>> = vec![members.clone()];
        let mut parts: Vec<(Rect, Vec<EntId>)> = Vec::new();
        while let Some(part) = pending.pop() {
            let Some(mut r) = bbox(&part) else { continue };
            // A single member packed close to its neighbours (gateways on a border) gets a
            // tighter box.
            if part.len() == 1 {
                let full = r;
                for g in [grow / 2.0, 2.0] {
                    if !intrudes(&r) {
                        break;
                    }
                    r = full.inflate(g - grow);
                }
            }
            if part.len() > 1 && intrudes(&r) {
                let mut parents: Vec<Option<EntId>> =
                    part.iter().map(|x| m.get(*x).parent).collect();
                parents.sort();
                parents.dedup();
                if parents.len() > 1 {
                    for p in parents.into_iter().rev() {
                        pending.push(
                            part.iter()
                                .copied()
                                .filter(|x| m.get(*x).parent == p)
                                .collect(),
                        );
                    }
                } else {
                    for x in part.into_iter().rev() {
                        pending.push(vec![x]);
                    }
                }
                continue;
            }
            parts.push((r, part));
        }
        parts.sort_by(|a, b| a.0.y.total_cmp(&b.0.y).then(a.0.x.total_cmp(&b.0.x)));
        // Inside the overlay's parent; a top-level overlay's label may go anywhere (the
        // canvas grows to hold it).
        let parent_rect = e
            .parent
            .and_then(|p| boxes[p.index()].as_ref())
            .map(|p| p.rect);
        for (k, (bb, part)) in parts.into_iter().enumerate() {
            // A label wider than the room from the box's left edge (or to its right edge)
            // within the parent is shortened with an ellipsis.
            let label_text = match parent_rect {
                Some(p) => shorten(
                    text,
                    &e.label,
                    GROUP_LABEL_SIZE,
                    (p.right() - bb.x).max(bb.right() - p.x) - 1.0,
                ),
                None => e.label.clone(),
            };
            let lw = text.width(&label_text, GROUP_LABEL_SIZE, false).ceil();
            let lh = (GROUP_LABEL_SIZE * LINE_HEIGHT).ceil();
            let taken: Vec<Rect> = out
                .iter()
                .filter_map(|o: &OverlayBox| o.placed.label.as_ref().map(|l| l.rect))
                .collect();
            let members: Vec<EntId> = inside
                .iter()
                .copied()
                .filter(|x| part.iter().any(|p| m.is_within(*x, *p)))
                .collect();
            // First choice: the title inside the top of the box, like a group's, in a band
            // above the members (one band per nesting level; widened to the title if need
            // be), when that box takes in nothing else and stays in the parent.
            let full_label = text.width(&e.label, GROUP_LABEL_SIZE, false).ceil();
            let band = (depth + 1.0) * OVERLAY_TITLE;
            let tall = Rect::new(bb.x, bb.y - band, bb.w.max(full_label + 12.0), bb.h + band);
            let title = Rect::new(tall.x + 6.0, tall.y + 2.0, full_label, lh);
            let fits = parent_rect.is_none_or(|p| {
                tall.x >= p.x
                    && tall.right() <= p.right()
                    && tall.y >= p.y
                    && tall.bottom() <= p.bottom()
            }) && !intrudes(&tall)
                && !taken.iter().any(|t| t.intersects(&title.inflate(2.0)))
                && boxes.iter().enumerate().all(|(j, b)| {
                    let Some(b) = b else { return true };
                    let band_rect = Rect::new(tall.x, tall.y, tall.w, band);
                    let hits_node = m.entities[j].is_node()
                        && !members.contains(&EntId(j as u32))
                        && b.rect.intersects(&tall);
                    let hits_label = b
                        .label
                        .as_ref()
                        .is_some_and(|l| l.rect.intersects(&band_rect));
                    let hits_member = members.contains(&EntId(j as u32))
                        && m.entities[j].is_node()
                        && b.rect.intersects(&band_rect);
                    !hits_node && !hits_label && !hits_member
                });
            if fits {
                out.push(OverlayBox {
                    ent,
                    part: k,
                    placed: Placed {
                        rect: tall,
                        label: Some(TextBox {
                            text: e.label.clone(),
                            rect: title,
                            size: GROUP_LABEL_SIZE,
                            bold: false,
                        }),
                        icon: None,
                        border: None,
                    },
                    members,
                });
                continue;
            }
            // The label goes just outside a corner of the box, where it hits no other text or
            // node and stays inside the overlay's parent.
            // Then further out, one line at a time, where several overlays share members.
            let spots: Vec<Rect> = (0..4)
                .flat_map(|k| {
                    let off = k as f32 * (lh + 2.0);
                    [
                        Rect::new(bb.x, bb.bottom() + 2.0 + off, lw, lh),
                        Rect::new(bb.right() - lw, bb.bottom() + 2.0 + off, lw, lh),
                        Rect::new(bb.right() - lw, bb.y - lh - 2.0 - off, lw, lh),
                        Rect::new(bb.x, bb.y - lh - 2.0 - off, lw, lh),
                    ]
                })
                .collect();
            let clear = |r: &Rect| {
                let within = parent_rect.is_none_or(|p| {
                    r.x >= p.x && r.right() <= p.right() && r.y >= p.y && r.bottom() <= p.bottom()
                });
                within
                    && !taken.iter().any(|t| t.intersects(r))
                    && boxes.iter().enumerate().all(|(j, b)| {
                        let Some(b) = b else { return true };
                        let hits_node = m.entities[j].is_node() && b.rect.intersects(r);
                        let hits_label = b.label.as_ref().is_some_and(|l| l.rect.intersects(r));
                        !hits_node && !hits_label
                    })
            };
            // Prefer a spot that does not sit on a frame line.
            let on_line = |r: &Rect| {
                let halo = r.inflate(2.0);
                m.entities.iter().enumerate().any(|(j, o)| {
                    o.is_group()
                        && boxes[j].as_ref().is_some_and(|p| {
                            let f = p.rect;
                            halo.intersects(&f)
                                && !(halo.x >= f.x
                                    && halo.right() <= f.right()
                                    && halo.y >= f.y
                                    && halo.bottom() <= f.bottom())
                        })
                })
            };
            let spot = spots
                .iter()
                .copied()
                .find(|r| clear(r) && !on_line(r))
                .or_else(|| spots.iter().copied().find(|r| clear(r)))
                .unwrap_or(spots[0]);
            out.push(OverlayBox {
                ent,
                part: k,
                placed: Placed {
                    rect: bb,
                    label: Some(TextBox {
                        text: label_text.clone(),
                        rect: spot,
                        size: GROUP_LABEL_SIZE,
                        bold: false,
                    }),
                    icon: None,
                    border: None,
                },
                members,
            });
        }
    }
    out
}

/// `s`, or its longest prefix that fits in `max_w` px followed by "…".
fn shorten(text: &dyn Measure, s: &str, size: f32, max_w: f32) -> String {
    if s.is_empty() || text.width(s, size, false).ceil() <= max_w {
        return s.to_string();
    }
    let ends: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    let fits = |n: usize| {
        text.width(&format!("{}…", &s[..ends[n]]), size, false)
            .ceil()
            <= max_w
    };
    // The number of characters kept: the largest n with fits(n) (n = 0 keeps just "…").
    let (mut lo, mut hi) = (0usize, ends.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    format!("{}…", s[..ends[lo]].trim_end())
}

fn round_rect(r: &mut Rect) {
    let x2 = r.right().round();
    let y2 = r.bottom().round();
    r.x = r.x.round();
    r.y = r.y.round();
    r.w = x2 - r.x;
    r.h = y2 - r.y;
}

fn round_all(l: &mut Layout) {
    for o in &mut l.overlays {
        round_rect(&mut o.placed.rect);
        if let Some(t) = &mut o.placed.label {
            t.rect.x = t.rect.x.round();
            t.rect.y = t.rect.y.round();
        }
    }
    if let Some(t) = &mut l.title {
        t.rect.w = t.rect.w.ceil();
        t.rect.h = t.rect.h.ceil();
    }
    for p in l.boxes.iter_mut().flatten() {
        round_rect(&mut p.rect);
        if let Some(i) = &mut p.icon {
            round_rect(i);
        }
        if let Some(t) = &mut p.label {
            t.rect.x = t.rect.x.round();
            t.rect.y = t.rect.y.round();
            t.rect.w = t.rect.w.ceil();
            t.rect.h = t.rect.h.ceil();
        }
    }
}

impl Ctx<'_> {
    fn label_box(&self, text: &str, size: f32, bold: bool) -> TextBox {
        TextBox {
            text: text.to_string(),
            rect: Rect::new(
                0.0,
                0.0,
                self.text.width(text, size, bold).ceil(),
                (size * LINE_HEIGHT).ceil(),
            ),
            size,
            bold,
        }
    }

    fn placement(&self, e: EntId) -> Placement {
        match &self.m.get(e).kind {
            EntKind::Node { placement, .. } => placement.clone(),
            _ => Placement::Inside,
        }
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
            EntKind::Vpc { .. }
                if ent
                    .children
                    .iter()
                    .any(|c| matches!(self.m.get(*c).kind, EntKind::ZoneColumn { .. })) =>
            {
                self.vpc_grid(e)
            }
            _ => self.group_frame(e),
        };
        let frame = self.overlay_room(e, frame);
        self.frames[e.index()] = frame;
    }

    /// Room around a member of overlays laid out in a flow, so each overlay box (8 px out,
    /// 8 px more per overlay nested around it, with its title inside at the top) stays clear
    /// of the parent's title and edges.
    fn overlay_room(&self, e: EntId, mut f: Frame) -> Frame {
        let ent = self.m.get(e);
        let in_flow = match &ent.kind {
            EntKind::Node { .. } => self.placement(e) == Placement::Inside,
            EntKind::RouteTable { .. } | EntKind::Group { .. } => true,
            _ => false,
        };
        if !in_flow {
            return f;
        }
        let k = self.overlays_around[e.index()] as f32;
        if k == 0.0 {
            return f;
        }
        let side = 8.0 * k;
        let above = side + k * OVERLAY_TITLE;
        f.body = f.body.translate(side, above);
        f.w += 2.0 * side;
        f.h += above + side;
        f
    }

    fn node_frame(&self, e: EntId) -> Frame {
        let ent = self.m.get(e);
        let mut label = self.label_box(&ent.label, LABEL_SIZE, false);
        match self.placement(e) {
            // In a downward flow links enter at the top and leave at the bottom, so the label
            // goes to the right of the icon; in a rightward flow, below it.
            Placement::Inside if self.m.direction == Direction::Down => {
                label.rect.x = ICON + LABEL_GAP + 4.0;
                label.rect.y = (ICON - label.rect.h) / 2.0;
                Frame {
                    w: label.rect.right(),
                    h: ICON,
                    body: Rect::new(0.0, 0.0, ICON, ICON),
                    label: Some(label),
                    icon: None,
                    border: None,
                }
            }
            Placement::Inside => {
                let w = ICON.max(label.rect.w);
                label.rect.x = (ICON - label.rect.w) / 2.0;
                label.rect.y = ICON + LABEL_GAP;
                Frame {
                    w,
                    h: ICON + LABEL_GAP + label.rect.h,
                    body: Rect::new((w - ICON) / 2.0, 0.0, ICON, ICON),
                    label: Some(label),
                    icon: None,
                    border: None,
                }
            }
            // Border and spanning nodes: sized here, positioned by their VPC.
            Placement::Border | Placement::Span(_) => {
                label.rect.x = ICON + 8.0;
                Frame {
                    w: ICON,
                    h: ICON,
                    body: Rect::new(0.0, 0.0, ICON, ICON),
                    label: Some(label),
                    icon: None,
                    border: None,
                }
            }
        }
    }

    fn route_table_frame(&self, title: &str, rows: &[(String, String)]) -> Frame {
        let tw = self.text.width(title, 12.0, true) + 22.0;
        let dw = rows
            .iter()
            .map(|(d, _)| self.text.width(d, ROUTE_SIZE, false))
            .fold(0.0, f32::max);
        let vw = rows
            .iter()
            .map(|(_, v)| self.text.width(&format!("→ {v}"), ROUTE_SIZE, false))
            .fold(0.0, f32::max);
        let w = (tw.max(dw + vw + 24.0) + 16.0).ceil();
        let h = 26.0 + rows.len() as f32 * 17.0 + 6.0;
        let mut label = self.label_box(title, 12.0, true);
        label.rect.x = 24.0;
        label.rect.y = 4.0;
        Frame {
            w,
            h,
            body: Rect::new(0.0, 0.0, w, h),
            label: Some(label),
            icon: Some(Rect::new(8.0, 8.0, 12.0, 12.0)),
            border: None,
        }
    }

    /// Header of a group frame: (label, icon, header height), relative to the body origin.
    fn header(&self, e: EntId) -> (Option<TextBox>, Option<Rect>, f32) {
        let ent = self.m.get(e);
        match ent.kind {
            EntKind::Zone | EntKind::ZoneColumn { .. } => {
                let label = self.label_box(&ent.label, GROUP_LABEL_SIZE, true);
                (Some(label), None, ZONE_HEADER)
            }
            _ => {
                let mut label =
                    self.label_box(&ent.label, GROUP_LABEL_SIZE, ent.kind_name == "cloud");
                label.rect.x = HEADER_ICON + 8.0;
                label.rect.y = (HEADER_ICON - label.rect.h) / 2.0;
                (
                    Some(label),
                    Some(Rect::new(0.0, 0.0, HEADER_ICON, HEADER_ICON)),
                    HEADER,
                )
            }
        }
    }

    /// A generic group: header, then its children in layers.
    fn group_frame(&mut self, e: EntId) -> Frame {
        let children: Vec<EntId> = self.inside_children(e);
        for &c in &children {
            self.lay(c);
        }
        let (mut label, icon, mut header) = self.header(e);
        let top_borders = self.m.get(e).children.iter().any(|c| {
            self.placement(*c) == Placement::Border && self.border_side(*c, e) == Side::Top
        });
        if top_borders {
            // Border icons hang half inside: keep the content below them.
            header = header.max(ICON / 2.0 + 20.0);
        }
        if matches!(self.m.get(e).kind, EntKind::Subnet { .. }) {
            // A channel under the title, so links can reach content without crossing it.
            header += SUBNET_CHANNEL;
        }
        let (cw, ch) = self.flow(&children);
        let lw = label.as_ref().map_or(0.0, |l| l.rect.right() + PAD);
        let header_right = label.as_ref().map_or(0.0, |l| l.rect.right());
        let w = (cw + 2.0 * PAD)
            .max(lw)
            .max(120.0)
            .max(self.border_width(e, header_right));
        // Room under the content for the label of an overlay drawn around some of it.
        let holds_overlay = self
            .m
            .get(e)
            .children
            .iter()
            .any(|c| self.m.get(*c).is_overlay())
            || self.overlay_parent[e.index()];
        let overlay_room = if holds_overlay { 24.0 } else { 0.0 };
        let bottom_borders = self.m.get(e).children.iter().any(|c| {
            self.placement(*c) == Placement::Border && self.border_side(*c, e) == Side::Bottom
        });
        let h = header + ch + PAD + overlay_room + if bottom_borders { ICON / 2.0 } else { 0.0 };
        let dx = ((w - (cw + 2.0 * PAD)) / 2.0).floor() + PAD;
        for &c in &children {
            self.rel[c.index()].0 += dx;
            self.rel[c.index()].1 += header;
        }
        let (out_top, out_bottom) = self.place_borders(e, w, h, header_right);
        if out_top + out_bottom > 0.0 {
            return Frame {
                w,
                h: h + out_top + out_bottom,
                body: Rect::new(0.0, out_top, w, h),
                label,
                icon,
                border: None,
            };
        }
        if matches!(
            self.m.get(e).kind,
            EntKind::Zone | EntKind::ZoneColumn { .. }
        ) {
            if let Some(l) = &mut label {
                l.rect.x = (w - l.rect.w) / 2.0;
                l.rect.y = 8.0;
            }
        }
        Frame {
            w,
            h,
            body: Rect::new(0.0, 0.0, w, h),
            label,
            icon,
            border: None,
        }
    }

    /// Children laid out inside (not on the border, not spanning), route tables last.
    fn inside_children(&self, e: EntId) -> Vec<EntId> {
        let mut v: Vec<EntId> = self
            .m
            .get(e)
            .children
            .iter()
            .copied()
            .filter(|c| {
                let ch = self.m.get(*c);
                !ch.is_overlay()
                    && matches!(self.placement(*c), Placement::Inside)
                    && !matches!(ch.kind, EntKind::ZoneColumn { .. })
            })
            .collect();
        v.sort_by_key(|c| matches!(self.m.get(*c).kind, EntKind::RouteTable { .. }));
        v
    }

    /// Widens a laid-out group to `w` × `h`, keeping its content centred horizontally.
    fn stretch(&mut self, e: EntId, w: f32, h: f32) {
        let f = &mut self.frames[e.index()];
        let dx = ((w - f.body.w) / 2.0).floor();
        if let Some(l) = &mut f.label {
            if matches!(
                self.m.get(e).kind,
                EntKind::Zone | EntKind::ZoneColumn { .. }
            ) {
                l.rect.x = (w - l.rect.w) / 2.0;
            }
        }
        f.w += w - f.body.w;
        f.h += h - f.body.h;
        f.body.w = w;
        f.body.h = h;
        for c in self.m.get(e).children.clone() {
            if matches!(self.placement(c), Placement::Inside) {
                self.rel[c.index()].0 += dx;
            }
        }
    }

    /// Offset of the centre of `desc`'s body from the outer origin of its ancestor `item`.
    fn anchor(&self, item: EntId, desc: EntId) -> (f32, f32) {
        let f = &self.frames[desc.index()];
        let (mut x, mut y) = (f.body.cx(), f.body.cy());
        let mut cur = desc;
        while cur != item {
            x += self.rel[cur.index()].0;
            y += self.rel[cur.index()].1;
            let Some(p) = self.m.get(cur).parent else {
                break;
            };
            let pb = self.frames[p.index()].body;
            x += pb.x;
            y += pb.y;
            cur = p;
        }
        (x, y)
    }

    /// Layered layout of `items` (already sized); sets their `rel` from a (0,0) content
    /// origin and returns the content size.
    fn flow(&mut self, items: &[EntId]) -> (f32, f32) {
        let n = items.len();
        if n == 0 {
            return (0.0, 0.0);
        }
        let down = self.m.direction == Direction::Down;
        // Zone boxes in one container share one size.
        let zones: Vec<EntId> = items
            .iter()
            .copied()
            .filter(|i| matches!(self.m.get(*i).kind, EntKind::Zone))
            .collect();
        if zones.len() > 1 {
            let w = zones
                .iter()
                .map(|z| self.frames[z.index()].body.w)
                .fold(0.0, f32::max);
            let h = zones
                .iter()
                .map(|z| self.frames[z.index()].body.h)
                .fold(0.0, f32::max);
            for z in zones {
                self.stretch(z, w, h);
            }
        }
        // (cross size, main size) of each item.
        let size: Vec<(f32, f32)> = items
            .iter()
            .map(|i| {
                let f = &self.frames[i.index()];
                if down {
                    (f.w, f.h)
                } else {
                    (f.h, f.w)
                }
            })
            .collect();
        // 1. Edges between items, with the cross-axis anchor of each end inside its item.
        //    Only links whose nearest common ancestor is the items' parent can join two
        //    items; an end's item is its ancestor (or itself) right under that parent.
        let parent = self.m.get(items[0]).parent;
        let siblings = items.iter().all(|i| self.m.get(*i).parent == parent);
        for (k, it) in items.iter().enumerate() {
            self.item_at[it.index()] = k as u32;
        }
        let owner = |x: EntId| {
            if !siblings {
                return items.iter().position(|&it| self.m.is_within(x, it));
            }
            let top = std::iter::once(x)
                .chain(self.m.ancestors(x))
                .find(|a| self.m.get(*a).parent == parent)?;
            let k = self.item_at[top.index()] as usize;
            (items.get(k) == Some(&top)).then_some(k)
        };
        let all: Vec<usize>;
        let candidates: &[usize] = if siblings {
            self.links_under.get(&parent).map_or(&[], |v| v.as_slice())
        } else {
            all = (0..self.m.links.len()).collect();
            &all
        };
        let mut edges: Vec<(usize, usize, f32, f32)> = Vec::new();
        for &li in candidates {
            let l = &self.m.links[li];
            let (Some(a), Some(b)) = (owner(l.from), owner(l.to)) else {
                continue;
            };
            if a == b {
                continue;
            }
            let pa = self.anchor(items[a], l.from);
            let pb = self.anchor(items[b], l.to);
            let (oa, ob) = if down { (pa.0, pb.0) } else { (pa.1, pb.1) };
            edges.push((a, b, oa, ob));
        }
        // 2. Ranks: longest path over the edges, cycles broken by DFS back edges.
        let rank = ranks(n, &edges);
        let nranks = rank.iter().copied().max().unwrap_or(0) + 1;
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); nranks];
        for i in 0..n {
            layers[rank[i]].push(i);
        }
        // The edges at each item, in edge order.
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, &(a, b, _, _)) in edges.iter().enumerate() {
            adj[a].push(k);
            if b != a {
                adj[b].push(k);
            }
        }
        // 3. Order inside ranks by barycentre of neighbours (a few sweeps).
        let mut pos = vec![0.0f32; n];
        for layer in &layers {
            for (k, &i) in layer.iter().enumerate() {
                pos[i] = k as f32;
            }
        }
        for sweep in 0..4 {
            let order: Vec<usize> = if sweep % 2 == 0 {
                (1..nranks).collect()
            } else {
                (0..nranks.saturating_sub(1)).rev().collect()
            };
            for r in order {
                let mut keyed: Vec<(f32, usize)> = layers[r]
                    .iter()
                    .map(|&i| {
                        let nb: Vec<f32> = adj[i]
                            .iter()
                            .map(|&k| edges[k])
                            .filter_map(|(a, b, _, _)| {
                                if a == i && rank[b] != r {
                                    Some(pos[b])
                                } else if b == i && rank[a] != r {
                                    Some(pos[a])
                                } else {
                                    None
                                }
                            })
                            .collect();
                        let bc = if nb.is_empty() {
                            pos[i]
                        } else {
                            nb.iter().sum::<f32>() / nb.len() as f32
                        };
                        (bc, i)
                    })
                    .collect();
                keyed.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                layers[r] = keyed.into_iter().map(|(_, i)| i).collect();
                for (k, &i) in layers[r].iter().enumerate() {
                    pos[i] = k as f32;
                }
            }
        }
        // 3b. Wrap ranks that grow too wide into several rows, so that a container of many
        //     unlinked things becomes a block near 4:3 instead of one long line.
        // The row width is the one whose block of rows comes closest to the diagram's aspect
        // (default 4:3; for a rightward flow the transpose, 3:4), judged on the widest rank.
        let widest_layer = layers
            .iter()
            .max_by(|a, b| {
                let wa: f32 = a.iter().map(|&i| size[i].0).sum();
                let wb: f32 = b.iter().map(|&i| size[i].0).sum();
                wa.total_cmp(&wb)
            })
            .cloned()
            .unwrap_or_default();
        let k = widest_layer.len().max(1);
        let avg_w = widest_layer
            .iter()
            .map(|&i| size[i].0 + ITEM_GAP)
            .sum::<f32>()
            / k as f32;
        let avg_h = widest_layer
            .iter()
            .map(|&i| size[i].1 + RANK_GAP)
            .fold(0.0, f32::max);
        let target: f32 = match (self.m.aspect, down) {
            (None, true) => DEFAULT_ASPECT,
            (None, false) => 3.0 / 4.0,
            (Some(a), true) => a,
            (Some(a), false) => 1.0 / a,
        };
        let best_cols = (1..=k)
            .min_by(|&a, &b| {
                let aspect = |c: usize| {
                    let rows = k.div_ceil(c) as f32;
                    let (w, h) = (c as f32 * avg_w, rows * avg_h);
                    let r = if down { w / h } else { h / w };
                    (r / target).ln().abs()
                };
                aspect(a).total_cmp(&aspect(b))
            })
            .unwrap_or(k);
        let max_cross = (best_cols as f32 * avg_w + 1.0).max(WRAP_MIN);
        let mut wrapped: Vec<Vec<usize>> = Vec::new();
        for layer in layers {
            let mut row: Vec<usize> = Vec::new();
            let mut w = 0.0;
            for i in layer {
                if !row.is_empty() && w + size[i].0 > max_cross {
                    wrapped.push(std::mem::take(&mut row));
                    w = 0.0;
                }
                w += size[i].0 + ITEM_GAP;
                row.push(i);
            }
            wrapped.push(row);
        }
        let layers = wrapped;
        let mut rank = rank;
        for (r, layer) in layers.iter().enumerate() {
            for &i in layer {
                rank[i] = r;
            }
        }
        let nranks = layers.len();
        // 4. Cross positions: pack each rank centred, then align to linked neighbours.
        let widest = layers
            .iter()
            .map(|l| {
                l.iter().map(|&i| size[i].0).sum::<f32>()
                    + ITEM_GAP * (l.len().saturating_sub(1)) as f32
            })
            .fold(0.0, f32::max);
        let mut x = vec![0.0f32; n];
        for layer in &layers {
            let total: f32 = layer.iter().map(|&i| size[i].0).sum::<f32>()
                + ITEM_GAP * (layer.len().saturating_sub(1)) as f32;
            let mut cur = (widest - total) / 2.0;
            for &i in layer {
                x[i] = cur;
                cur += size[i].0 + ITEM_GAP;
            }
        }
        if !edges.is_empty() {
            for _round in 0..3 {
                let seq: Vec<usize> = (0..nranks).chain((0..nranks).rev()).collect();
                for r in seq {
                    let layer = &layers[r];
                    let mut desired = Vec::with_capacity(layer.len());
                    for &i in layer {
                        let mut sum = 0.0;
                        let mut cnt = 0.0;
                        for &(a, b, oa, ob) in adj[i].iter().map(|&k| &edges[k]) {
                            if a == i && rank[b] != r {
                                sum += x[b] + ob - oa;
                                cnt += 1.0;
                            } else if b == i && rank[a] != r {
                                sum += x[a] + oa - ob;
                                cnt += 1.0;
                            }
                        }
                        if cnt > 0.0 {
                            desired.push((sum / cnt, 1.0));
                        } else {
                            desired.push((x[i], 0.05));
                        }
                    }
                    let sizes: Vec<f32> = layer.iter().map(|&i| size[i].0).collect();
                    let placed = isotonic_place(&desired, &sizes, ITEM_GAP);
                    for (k, &i) in layer.iter().enumerate() {
                        x[i] = placed[k];
                    }
                }
            }
        }
        let minx = x.iter().copied().fold(f32::INFINITY, f32::min);
        let mut cross = 0.0f32;
        for i in 0..n {
            x[i] -= minx;
            cross = cross.max(x[i] + size[i].0);
        }
        // 5. Main positions: ranks one after another, items aligned at the rank start.
        let mut main = 0.0f32;
        let mut start = vec![0.0f32; nranks];
        for (r, layer) in layers.iter().enumerate() {
            start[r] = main;
            let depth = layer.iter().map(|&i| size[i].1).fold(0.0, f32::max);
            main += depth + if down { RANK_GAP } else { RANK_GAP + 24.0 };
        }
        main -= if down { RANK_GAP } else { RANK_GAP + 24.0 };
        for i in 0..n {
            let (cx, my) = (x[i].round(), start[rank[i]].round());
            self.rel[items[i].index()] = if down { (cx, my) } else { (my, cx) };
        }
        if down {
            (cross, main)
        } else {
            (main, cross)
        }
    }

    /// The zone × tier grid of a VPC.
    fn vpc_grid(&mut self, e: EntId) -> Frame {
        let m = self.m;
        let cols: Vec<EntId> = m
            .get(e)
            .children
            .iter()
            .copied()
            .filter(|c| matches!(m.get(*c).kind, EntKind::ZoneColumn { .. }))
            .collect();
        // 1. Size every subnet; collect rows keyed by (tier, k-th subnet of that tier).
        let mut cells: Vec<Vec<((crate::spec::Tier, usize), EntId)>> = Vec::new();
        for &col in &cols {
            let mut subs: Vec<EntId> = m.get(col).children.clone();
            subs.sort_by_key(|s| match m.get(*s).kind {
                EntKind::Subnet { tier, .. } => (tier, m.get(*s).span.map_or(0, |x| x.start)),
                _ => (crate::spec::Tier::Isolated, usize::MAX),
            });
            let mut counts = std::collections::HashMap::new();
            let mut v = Vec::new();
            for s in subs {
                self.lay(s);
                let tier = match m.get(s).kind {
                    EntKind::Subnet { tier, .. } => tier,
                    _ => crate::spec::Tier::Isolated,
                };
                let k = counts.entry(tier).or_insert(0usize);
                v.push(((tier, *k), s));
                *k += 1;
            }
            cells.push(v);
        }
        let mut rows: Vec<(crate::spec::Tier, usize)> =
            cells.iter().flatten().map(|(k, _)| *k).collect();
        rows.sort();
        rows.dedup();
        // 2. Spanning nodes reserve a band at the bottom of their row.
        let spanning: Vec<(EntId, Vec<EntId>)> = m
            .get(e)
            .children
            .iter()
            .filter_map(|c| match self.placement(*c) {
                Placement::Span(s) => Some((*c, s)),
                _ => None,
            })
            .collect();
        let row_of = |s: EntId| {
            cells
                .iter()
                .flatten()
                .find(|(_, x)| *x == s)
                .map(|(k, _)| rows.iter().position(|r| r == k).unwrap_or(0))
        };
        // Several bands in one row stack upwards from its bottom, one slot each.
        let mut band = vec![0.0f32; rows.len()];
        let mut slot = vec![0usize; spanning.len()];
        for (i, (node, subs)) in spanning.iter().enumerate() {
            self.lay(*node);
            if let Some(r) = subs.first().and_then(|s| row_of(*s)) {
                slot[i] = (band[r] / BAND_H) as usize;
                band[r] += BAND_H;
            }
        }
        // 3. Equal column widths, aligned row heights.
        let mut col_w = cols
            .iter()
            .map(|c| self.text.width(&m.get(*c).label, GROUP_LABEL_SIZE, true) + 2.0 * PAD)
            .fold(160.0, f32::max);
        let mut row_h = vec![0.0f32; rows.len()];
        for cell in &cells {
            for (k, s) in cell {
                let f = &self.frames[s.index()];
                col_w = col_w.max(f.w);
                let r = rows.iter().position(|x| x == k).unwrap_or(0);
                row_h[r] = row_h[r].max(f.h);
            }
        }
        for (r, h) in row_h.iter_mut().enumerate() {
            *h += band[r];
        }
        let zpad = PAD;
        // A band whose icon and label are wider than the subnets it spans widens the columns.
        for (node, subs) in &spanning {
            let col_of = |x: EntId| cells.iter().position(|c| c.iter().any(|(_, s)| *s == x));
            let cis: Vec<usize> = subs.iter().filter_map(|x| col_of(*x)).collect();
            let (Some(lo), Some(hi)) = (cis.iter().min(), cis.iter().max()) else {
                continue;
            };
            let k = (hi - lo + 1) as f32;
            let lw = self.frames[node.index()]
                .label
                .as_ref()
                .map_or(0.0, |l| l.rect.w);
            let need = 2.0 * (ICON / 2.0 + 8.0 + lw + 16.0) + 8.0;
            col_w = col_w.max((need - (k - 1.0) * (2.0 * zpad + COL_GAP)) / k);
        }
        let col_w = col_w.ceil();
        for h in row_h.iter_mut() {
            *h = h.ceil();
        }
        let zone_w = col_w + 2.0 * zpad;
        let zone_h = ZONE_HEADER
            + row_h.iter().sum::<f32>()
            + ROW_GAP * (rows.len().saturating_sub(1)) as f32
            + zpad;
        for (ci, &col) in cols.iter().enumerate() {
            let mut y = ZONE_HEADER;
            for (r, key) in rows.iter().enumerate() {
                if let Some((_, s)) = cells[ci].iter().find(|(k, _)| k == key) {
                    let s = *s;
                    self.stretch(s, col_w, row_h[r]);
                    self.rel[s.index()] = (zpad, y);
                }
                y += row_h[r] + ROW_GAP;
            }
            let mut label = self.label_box(&m.get(col).label, GROUP_LABEL_SIZE, true);
            label.rect.x = (zone_w - label.rect.w) / 2.0;
            label.rect.y = 7.0;
            self.frames[col.index()] = Frame {
                w: zone_w,
                h: zone_h,
                body: Rect::new(0.0, 0.0, zone_w, zone_h),
                label: Some(label),
                icon: None,
                border: None,
            };
            self.laid[col.index()] = true;
        }
        // 3a. Every zone column shows its subnets' content in the same order (no mirrored
        //     zones: corresponding things sit in corresponding places).
        // 3b. Align linked nodes vertically across the subnets of one zone column: shift each
        //     subnet's content towards the nodes it links to in the rows above.
        for cell in &cells {
            let mut done: Vec<EntId> = Vec::new();
            let mut ordered: Vec<EntId> = cell.iter().map(|(_, s)| *s).collect();
            ordered.sort_by(|a, b| self.rel[a.index()].1.total_cmp(&self.rel[b.index()].1));
            for s in ordered {
                let kids = self.inside_children(s);
                let centre = |c: &Ctx, sub: EntId, n: EntId| {
                    c.rel[sub.index()].0 + c.rel[n.index()].0 + c.frames[n.index()].body.cx()
                };
                let mut sum = 0.0;
                let mut cnt = 0.0;
                let mut partner: Option<EntId> = None;
                let mut at_kids: Vec<usize> = kids
                    .iter()
                    .flat_map(|x| self.links_of[x.index()].iter().copied())
                    .collect();
                at_kids.sort_unstable();
                at_kids.dedup();
                for l in at_kids.iter().map(|&k| &m.links[k]) {
                    for (a, b) in [(l.from, l.to), (l.to, l.from)] {
                        if !kids.contains(&a) {
                            continue;
                        }
                        let Some(&other) = done.iter().find(|d| m.get(b).parent == Some(**d))
                        else {
                            continue;
                        };
                        if !matches!(self.placement(b), Placement::Inside) {
                            continue;
                        }
                        sum += centre(self, other, b) - centre(self, s, a);
                        cnt += 1.0;
                        partner = Some(other);
                    }
                }
                if cnt > 0.0 && !kids.is_empty() {
                    let want = sum / cnt;
                    let moved = self.shift_content(s, want, col_w);
                    // What this subnet could not take up, the one it links to may.
                    if let (Some(p), true) = (partner, cnt == 1.0 && (want - moved).abs() > 0.5) {
                        self.shift_content(p, moved - want, col_w);
                    }
                }
                done.push(s);
            }
        }
        let (mut label, icon, header) = self.header(e);
        let grid_w = cols.len() as f32 * zone_w + COL_GAP * (cols.len().saturating_sub(1)) as f32;
        for (ci, &col) in cols.iter().enumerate() {
            self.rel[col.index()] = (PAD + ci as f32 * (zone_w + COL_GAP), header);
        }
        // 4. Other content of the VPC (nodes, groups, unassociated route tables) below the grid.
        let rest = self.inside_children(e);
        for &c in &rest {
            self.lay(c);
        }
        let (rw, rh) = self.flow(&rest);
        let lw = label.as_ref().map_or(0.0, |l| l.rect.right() + PAD);
        let header_right = label.as_ref().map_or(0.0, |l| l.rect.right());
        let w = (grid_w + 2.0 * PAD)
            .max(rw + 2.0 * PAD)
            .max(lw)
            .max(self.border_width(e, header_right));
        let grid_dx = ((w - grid_w - 2.0 * PAD) / 2.0).floor();
        for &col in &cols {
            self.rel[col.index()].0 += grid_dx;
        }
        let bottom_borders = m.get(e).children.iter().any(|c| {
            self.placement(*c) == Placement::Border && self.border_side(*c, e) == Side::Bottom
        });
        let rest_y = header + zone_h + if rest.is_empty() { 0.0 } else { ROW_GAP };
        for &c in &rest {
            self.rel[c.index()].0 += (w - rw) / 2.0;
            self.rel[c.index()].1 += rest_y;
        }
        let h = rest_y + rh + PAD + if bottom_borders { ICON / 2.0 } else { 0.0 };
        // 5. Spanning bands: from the centre of the first spanned subnet to the last.
        for (i, (node, subs)) in spanning.iter().enumerate() {
            let centres: Vec<f32> = subs
                .iter()
                .filter_map(|s| {
                    let z = m.get(*s).parent?;
                    Some(
                        self.rel[z.index()].0
                            + self.rel[s.index()].0
                            + self.frames[s.index()].body.cx(),
                    )
                })
                .collect();
            let Some(r) = subs.first().and_then(|s| row_of(*s)) else {
                continue;
            };
            let s0 = subs[0];
            let z0 = m.get(s0).parent.unwrap_or(e);
            let sub_top = self.rel[z0.index()].1 + self.rel[s0.index()].1;
            let lo = centres.iter().copied().fold(f32::INFINITY, f32::min);
            let hi = centres.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let f = self.frames[node.index()].clone();
            let lab = f.label.clone().expect("node label");
            // The icon sits at the band's centre with its label to the right.
            let half = ICON / 2.0 + 8.0 + lab.rect.w + 16.0;
            let (mut bx0, mut bx1) = (lo, hi);
            let c = (bx0 + bx1) / 2.0;
            if (bx1 - bx0) / 2.0 < half {
                bx0 = c - half;
                bx1 = c + half;
            }
            let bh = BAND_H - 12.0;
            let by = sub_top + row_h[r] - 10.0 - bh - slot[i] as f32 * BAND_H;
            let bw = bx1 - bx0;
            let icon_x = bw / 2.0 - ICON / 2.0;
            let mut label = lab;
            label.rect.x = icon_x + ICON + 8.0;
            label.rect.y = (bh - label.rect.h) / 2.0;
            self.rel[node.index()] = (bx0, by);
            self.frames[node.index()] = Frame {
                w: bw,
                h: bh,
                body: Rect::new(0.0, 0.0, bw, bh),
                label: Some(label),
                icon: Some(Rect::new(icon_x, (bh - ICON) / 2.0, ICON, ICON)),
                border: None,
            };
        }
        // 6. Border nodes on the side facing their links, near the nodes they link to.
        let (out_top, out_bottom) = self.place_borders(e, w, h, header_right);
        if let Some(l) = &mut label {
            l.rect.y = (HEADER_ICON - l.rect.h) / 2.0;
        }
        Frame {
            w,
            h: h + out_top + out_bottom,
            body: Rect::new(0.0, out_top, w, h),
            label,
            icon,
            border: None,
        }
    }

    /// The width group `e` needs so its border nodes fit on their sides beside its title.
    fn border_width(&mut self, e: EntId, header_right: f32) -> f32 {
        let mut top = header_right + 16.0;
        let mut bottom = PAD;
        for c in self.m.get(e).children.clone() {
            if self.placement(c) != Placement::Border {
                continue;
            }
            self.lay(c);
            let need = self.frames[c.index()]
                .label
                .as_ref()
                .map_or(0.0, |l| l.rect.w)
                + ICON
                + 8.0
                + 16.0;
            if self.border_side(c, e) == Side::Top {
                top += need;
            } else {
                bottom += need;
            }
        }
        top.max(bottom) + PAD
    }

    /// Places the border nodes of group `e` (body `w` × `h`) on its top or bottom line, near
    /// the nodes inside they link to; returns how far they stick out above and below.
    fn place_borders(&mut self, e: EntId, w: f32, h: f32, header_right: f32) -> (f32, f32) {
        let m = self.m;
        let borders: Vec<EntId> = m
            .get(e)
            .children
            .iter()
            .copied()
            .filter(|c| self.placement(*c) == Placement::Border)
            .collect();
        let (mut out_top, mut out_bottom) = (0.0f32, 0.0f32);
        for side in [Side::Top, Side::Bottom] {
            // 1. Each node's wish: the mean x of what it links to inside, else the middle.
            let mut items: Vec<(f32, EntId, f32)> = Vec::new();
            for &b in &borders {
                if self.border_side(b, e) != side {
                    continue;
                }
                self.lay(b);
                let inside: Vec<f32> = self.links_of[b.index()]
                    .iter()
                    .map(|&k| &m.links[k])
                    .filter_map(|l| match (l.from == b, l.to == b) {
                        (true, _) => Some(l.to),
                        (_, true) => Some(l.from),
                        _ => None,
                    })
                    .filter(|o| m.is_within(*o, e))
                    .map(|o| self.anchor_in_body(e, o).0)
                    .collect();
                let mut want = if inside.is_empty() {
                    w / 2.0
                } else {
                    inside.iter().sum::<f32>() / inside.len() as f32
                };
                // A gateway right above a zone column's title would have to route its link
                // around it: move it over the nearest gap between columns instead.
                if side == Side::Top {
                    let cols: Vec<(Rect, Option<Rect>)> = m
                        .get(e)
                        .children
                        .iter()
                        .filter(|c| matches!(m.get(**c).kind, EntKind::ZoneColumn { .. }))
                        .map(|c| {
                            let (x, y) = self.rel[c.index()];
                            let f = &self.frames[c.index()];
                            (
                                Rect::new(x, y, f.w, f.h),
                                f.label.as_ref().map(|l| l.rect.translate(x, y)),
                            )
                        })
                        .collect();
                    let blocked = cols.iter().any(|(_, t)| {
                        t.is_some_and(|t| {
                            want + ICON / 2.0 + 8.0 > t.x && want - ICON / 2.0 - 8.0 < t.right()
                        })
                    });
                    let cols: Vec<Rect> = cols.into_iter().map(|(c, _)| c).collect();
                    if blocked && cols.len() > 1 {
                        let gaps: Vec<f32> = cols
                            .windows(2)
                            .map(|p| (p[0].right() + p[1].x) / 2.0)
                            .collect();
                        if let Some(g) = gaps
                            .iter()
                            .copied()
                            .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()))
                        {
                            want = g;
                        }
                    }
                }
                let lw = self.frames[b.index()]
                    .label
                    .as_ref()
                    .map_or(0.0, |l| l.rect.w);
                items.push((want - ICON / 2.0, b, ICON + 8.0 + lw));
            }
            if items.is_empty() {
                continue;
            }
            items.sort_by(|x, y| x.0.total_cmp(&y.0));
            // 2. Closest non-overlapping positions, then kept inside the side's free stretch.
            let desired: Vec<(f32, f32)> = items.iter().map(|i| (i.0, 1.0)).collect();
            let sizes: Vec<f32> = items.iter().map(|i| i.2).collect();
            let mut xs = isotonic_place(&desired, &sizes, 16.0);
            let lo = if side == Side::Top {
                header_right + 16.0
            } else {
                PAD
            };
            let last = xs.len() - 1;
            let over = xs[last] + sizes[last] - (w - 8.0);
            if over > 0.0 {
                xs.iter_mut().for_each(|x| *x -= over);
            }
            if xs[0] < lo {
                let d = lo - xs[0];
                xs.iter_mut().for_each(|x| *x += d);
            }
            // 3. Centre each icon on the line, label beside it on the outer side.
            for (k, &(_, b, _)) in items.iter().enumerate() {
                let y = if side == Side::Top {
                    -ICON / 2.0
                } else {
                    h - ICON / 2.0
                };
                let mut label = self.frames[b.index()].label.clone().expect("node label");
                label.rect.x = ICON + 6.0;
                label.rect.y = if side == Side::Top {
                    ICON / 2.0 - 3.0 - label.rect.h
                } else {
                    ICON / 2.0 + 3.0
                };
                self.rel[b.index()] = (xs[k].round(), y);
                self.frames[b.index()] = Frame {
                    w: ICON,
                    h: ICON,
                    body: Rect::new(0.0, 0.0, ICON, ICON),
                    label: Some(label),
                    icon: None,
                    border: Some(side),
                };
            }
            if side == Side::Top {
                out_top = BORDER_OUTSET;
            } else {
                out_bottom = BORDER_OUTSET;
            }
        }
        (out_top, out_bottom)
    }

    /// The side of VPC `vpc` that border node `b` sits on: the bottom when its links to the
    /// outside mostly leave from it (downstream), else the top.
    fn border_side(&self, b: EntId, vpc: EntId) -> Side {
        let mut score = 0i32;
        for l in self.links_of[b.index()].iter().map(|&k| &self.m.links[k]) {
            if l.from == b && !self.m.is_within(l.to, vpc) {
                score -= 1;
            } else if l.to == b && !self.m.is_within(l.from, vpc) {
                score += 1;
            }
        }
        if score >= 0 {
            Side::Top
        } else {
            Side::Bottom
        }
    }

    /// Moves a subnet's inside content sideways by up to `dx`, keeping the padding; returns
    /// the distance moved.
    fn shift_content(&mut self, s: EntId, dx: f32, width: f32) -> f32 {
        let kids = self.inside_children(s);
        if kids.is_empty() {
            return 0.0;
        }
        let lo = kids
            .iter()
            .map(|k| self.rel[k.index()].0)
            .fold(f32::INFINITY, f32::min);
        let hi = kids
            .iter()
            .map(|k| self.rel[k.index()].0 + self.frames[k.index()].w)
            .fold(f32::NEG_INFINITY, f32::max);
        let dx = dx.clamp(PAD - lo, (width - PAD - hi).max(PAD - lo));
        for k in kids {
            self.rel[k.index()].0 += dx;
        }
        dx
    }

    /// Centre of `desc`'s body relative to the body origin of its ancestor `group`.
    fn anchor_in_body(&self, group: EntId, desc: EntId) -> (f32, f32) {
        let (x, y) = self.anchor(group, desc);
        let b = self.frames[group.index()].body;
        (x - b.x, y - b.y)
    }

    /// Converts relative placement to absolute boxes, recursively.
    fn place_abs(&self, e: EntId, origin: (f32, f32), out: &mut Vec<Option<Placed>>) {
        let f = &self.frames[e.index()];
        let ent = self.m.get(e);
        if ent.is_overlay() {
            return;
        }
        let rel = self.rel[e.index()];
        let bx = origin.0 + rel.0 + f.body.x;
        let by = origin.1 + rel.1 + f.body.y;
        let rect = Rect::new(bx, by, f.body.w, f.body.h);
        let label = f.label.clone().map(|mut l| {
            l.rect = l.rect.translate(bx, by);
            l
        });
        let icon = f.icon.map(|i| i.translate(bx, by));
        out[e.index()] = Some(Placed {
            rect,
            label,
            icon,
            border: f.border,
        });
        for &c in &ent.children {
            self.place_abs(c, (bx, by), out);
        }
    }
}

/// Longest-path ranks of a small graph; edges closing a cycle (DFS back edges) are ignored.
/// The nearest common ancestor of `a` and `b` (`a` or `b` itself when one holds the other);
/// `None` when they lie in different trees.
fn common_ancestor(m: &Model, a: EntId, b: EntId) -> Option<EntId> {
    let up: Vec<EntId> = std::iter::once(a).chain(m.ancestors(a)).collect();
    std::iter::once(b)
        .chain(m.ancestors(b))
        .find(|x| up.contains(x))
}

fn ranks(n: usize, edges: &[(usize, usize, f32, f32)]) -> Vec<usize> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b, _, _) in edges {
        adj[a].push(b);
    }
    // 1. DFS from every node in order; mark back edges.
    let mut state = vec![0u8; n];
    let mut back = std::collections::HashSet::new();
    for s in 0..n {
        if state[s] != 0 {
            continue;
        }
        let mut stack = vec![(s, 0usize)];
        state[s] = 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < adj[v].len() {
                let w = adj[v][*k];
                *k += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        back.insert((v, w));
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // 2. Longest path by relaxation in topological order (Kahn).
    let mut indeg = vec![0usize; n];
    for &(a, b, _, _) in edges {
        if !back.contains(&(a, b)) {
            indeg[b] += 1;
        }
    }
    let mut rank = vec![0usize; n];
    let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    while let Some(v) = queue.pop_front() {
        for &w in &adj[v] {
            if back.contains(&(v, w)) {
                continue;
            }
            rank[w] = rank[w].max(rank[v] + 1);
            indeg[w] -= 1;
            if indeg[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    rank
}

/// Places items of the given sizes in order along a line, as close as possible (weighted least
/// squares) to their desired starts, with at least `gap` between neighbours: isotonic
/// regression by pool-adjacent-violators on `desired - prefix`.
fn isotonic_place(desired: &[(f32, f32)], sizes: &[f32], gap: f32) -> Vec<f32> {
    let n = desired.len();
    let mut prefix = vec![0.0f32; n];
    for i in 1..n {
        prefix[i] = prefix[i - 1] + sizes[i - 1] + gap;
    }
    // Blocks of (weighted mean, weight, count).
    let mut blocks: Vec<(f32, f32, usize)> = Vec::new();
    for i in 0..n {
        let (d, w) = desired[i];
        blocks.push((d - prefix[i], w, 1));
        while blocks.len() > 1 {
            let l = blocks.len();
            if blocks[l - 2].0 <= blocks[l - 1].0 {
                break;
            }
            let (m2, w2, c2) = blocks.pop().expect("len > 1");
            let (m1, w1, c1) = blocks.pop().expect("len > 1");
            let w = w1 + w2;
            blocks.push(((m1 * w1 + m2 * w2) / w, w, c1 + c2));
        }
    }
    let mut out = Vec::with_capacity(n);
    for (m, _, c) in blocks {
        for _ in 0..c {
            out.push(m + prefix[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_keeps_gaps_and_order() {
        let p = isotonic_place(&[(0.0, 1.0), (0.0, 1.0)], &[10.0, 10.0], 5.0);
        assert_eq!(p, vec![-7.5, 7.5]);
        let p = isotonic_place(&[(0.0, 1.0), (100.0, 1.0)], &[10.0, 10.0], 5.0);
        assert_eq!(p, vec![0.0, 100.0]);
    }

    #[test]
    fn ranks_follow_edges_and_break_cycles() {
        let r = ranks(3, &[(0, 1, 0.0, 0.0), (1, 2, 0.0, 0.0), (2, 0, 0.0, 0.0)]);
        assert_eq!(r, vec![0, 1, 2]);
    }
}

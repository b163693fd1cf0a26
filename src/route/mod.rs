//! Stage 5, `route`: orthogonal links and their labels over a [`Layout`].
//!
//! Takes the model, its layout and a text measurer; gives [`Routes`]: one polyline per link
//! (first point on the source's border, last on the target's, every segment horizontal or
//! vertical) and a placed label where the link has one. The steps, one file each, in the
//! order they run (after libavoid):
//!
//! 1. [`ports`]: the ends: candidate ports on each end's box sides, with their costs.
//! 2. [`grid`]: the obstacles and the sparse orthogonal grid over them: lines just outside
//!    and just inside every box and through every port; which grid edges enter which
//!    obstacle.
//! 3. [`search`]: per link, A* over (grid point, heading) with a bend penalty, from the ports
//!    of the source to those of the target, guided by [`heuristic`]'s lower bound (distance
//!    and turns to each side of the target that has ports).
//! 4. [`simplify`]: polylines without collinear points or sub-pixel jogs; [`ends`]: ports
//!    of links leaving one side swapped where their order makes them cross by the box.
//! 5. [`nudge`]: every segment moved across its channel: centred between frames, clear of
//!    nodes, parallel links spread evenly, twins drawn apart.
//! 6. [`review`]: links that nudging left along a frame line (their channel was too
//!    narrow for all the links the search put in it) routed again, avoiding that stretch,
//!    where that leaves fewer links hugging frames or making detours.
//! 7. [`labels`]: each label on its link's longest free stretch, clear of boxes, labels and
//!    links.

mod ends;
mod grid;
mod heuristic;
mod labels;
mod nudge;
mod ports;
mod review;
mod search;
mod simplify;

use crate::geom::{Point, Rect};
use crate::layout::{Layout, TextBox};
use crate::model::{EntId, EntKind, Model, Placement};
use crate::text::Measure;

/// Cell size of the bucket grids that link labels are placed with.
const INDEX_CELL: f32 = 128.0;

/// Font size of link labels.
pub const LINK_LABEL_SIZE: f32 = 12.0;
/// Font size of the texts by a link's ends.
pub const END_LABEL_SIZE: f32 = 11.0;
/// Distance from a box side of the grid lines beside it; also the clearance nudging keeps
/// from frame lines (quality.md counts a link closer than 14 px as hugging the frame).
const CLEAR: f32 = 14.0;
const BEND: f32 = 40.0;
/// Cost factor of running alongside a frame line, closer to it than [`HUG_DIST`].
const HUG: f32 = 2.0;
const HUG_DIST: f32 = 12.0;
/// Cost factor of running across a frame's title band (past its title).
const BAND: f32 = 4.0;
/// The least gap between parallel links that share neither end.
const GAP: f32 = 8.0;
/// Links keep this far from nodes they do not end at.
const NEAR: f32 = 7.0;

/// One routed link.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedLink {
    /// Index into [`Model::links`].
    pub link: usize,
    pub points: Vec<Point>,
    pub label: Option<TextBox>,
    /// The texts by the link's start and by its end (`from_label`, `to_label`).
    pub end_labels: [Option<TextBox>; 2],
}

/// All routed links, in model order.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    pub links: Vec<RoutedLink>,
}

fn snap(v: f32) -> f32 {
    (v * 2.0).round() / 2.0
}

/// Routes every link of the model.
pub fn route(m: &Model, l: &Layout, text: &dyn Measure) -> Routes {
    route_timed(m, l, text).0
}

/// How long each step of [`route`] took (for `examples/timing` and docs/performance.md).
#[derive(Debug, Clone, Copy, Default)]
pub struct StepTimes {
    pub grid: std::time::Duration,
    pub search: std::time::Duration,
    /// Nudging, with the review (which may search and nudge again).
    pub nudge: std::time::Duration,
    pub labels: std::time::Duration,
}

/// [`route`], with the time each step took.
pub fn route_timed(m: &Model, l: &Layout, text: &dyn Measure) -> (Routes, StepTimes) {
    let t0 = std::time::Instant::now();
    let grid = grid::Grid::build(m, l);
    let t1 = std::time::Instant::now();
    // (Asking for the number of cores reads files; only when it matters.)
    let parallel = m.links.len() >= search::PARALLEL_MIN_LINKS
        && std::thread::available_parallelism().is_ok_and(|p| p.get() >= 2);
    let mut points = search::route_all(m, l, &grid, parallel, &[]);
    ends::untangle(m, l, &mut points);
    let t2 = std::time::Instant::now();
    nudge::nudge(m, l, &mut points);
    review::review(m, l, &grid, parallel, &mut points);
    let t3 = std::time::Instant::now();
    let mut out = Routes {
        links: points
            .into_iter()
            .enumerate()
            .map(|(k, points)| RoutedLink {
                link: k,
                points,
                label: None,
                end_labels: [None, None],
            })
            .collect(),
    };
    labels::place_labels(m, l, text, &mut out);
    let t4 = std::time::Instant::now();
    let times = StepTimes {
        grid: t1 - t0,
        search: t2 - t1,
        nudge: t3 - t2,
        labels: t4 - t3,
    };
    (out, times)
}

/// True when group `g` holds entity `e`: an ancestor of it, or (for a spanning node) one of
/// the groups it spans or their ancestors.
pub fn contains(m: &Model, g: EntId, e: EntId) -> bool {
    if m.is_within(e, g) {
        return true;
    }
    if let EntKind::Node {
        placement: Placement::Span(spans),
        ..
    } = &m.get(e).kind
    {
        return spans.iter().any(|s| m.is_within(*s, g));
    }
    // An overlay reaches into every group that holds one of its members.
    if let EntKind::Overlay { members, .. } = &m.get(e).kind {
        return members.iter().any(|x| m.is_within(*x, g));
    }
    false
}

/// Grows the canvas to hold every link and link label too (a long label placed where there
/// was no room beside its link), moving everything right or down where it must.
pub fn fit_canvas(l: &mut Layout, r: &mut Routes) {
    let mut ext = l.extent();
    for link in &r.links {
        let rects = link
            .points
            .iter()
            .map(|p| Rect::new(p.0, p.1, 0.0, 0.0))
            .chain(link.label.as_ref().map(|t| t.rect))
            .chain(link.end_labels.iter().flatten().map(|t| t.rect));
        for rr in rects {
            ext = Some(ext.map_or(rr, |e| e.union(&rr)));
        }
    }
    let Some(ext) = ext else { return };
    let (dx, dy) = l.fit(ext);
    if dx > 0.0 || dy > 0.0 {
        for link in &mut r.links {
            for p in &mut link.points {
                *p = (p.0 + dx, p.1 + dy);
            }
            for t in link
                .label
                .iter_mut()
                .chain(link.end_labels.iter_mut().flatten())
            {
                t.rect = t.rect.translate(dx, dy);
            }
        }
    }
}

/// The title band of a frame `r` with title box `title`: from its top line to the bottom of
/// the title, across its width; `None` unless the title lies in the frame's top half.
fn title_band(r: &Rect, title: Option<&Rect>) -> Option<Rect> {
    let t = title.filter(|t| t.bottom() <= r.cy())?;
    Some(Rect::new(r.x, r.y, r.w, t.bottom() - r.y))
}

fn seg_hits_rect(a: Point, b: Point, r: &Rect) -> bool {
    let seg = Rect::new(
        a.0.min(b.0),
        a.1.min(b.1),
        (a.0 - b.0).abs(),
        (a.1 - b.1).abs(),
    );
    // Inflate the degenerate segment rect by a hair so a line through the rect counts.
    seg.inflate(0.5).intersects(r)
}

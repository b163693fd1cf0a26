//! Step 4, nudging: takes every link's polyline as the search left it; gives the same
//! polylines with each segment moved across its channel, vertical segments in x first, then
//! horizontal ones in y (after libavoid's `ImproveOrthogonalRoutes`).
//!
//! 1. **Segments.** Each segment of each link is a variable: its position across. The first
//!    and last segments may slide along the side of the box they leave (not past its
//!    corners); inner segments may not pass the far ends of their neighbours (so no
//!    neighbour turns back on itself).
//! 2. **Channels.** The free space across each segment: the nearest obstacle on each side
//!    over the segment's extent, kept at a clearance: node boxes and labels 8 px, frame
//!    lines 14 px (see quality.md's border hugging and grazing), titles and title bands
//!    4 px. A channel too narrow for all its clearances holds the segment where they are
//!    broken least, by depth times length (its midline when it is narrow all along).
//! 3. **Targets.** A segment whose neighbours lie on opposite sides (a zigzag) is pulled to
//!    the middle of its channel, between those neighbours; an end segment followed by a
//!    jog shorter than [`SEP`] to the line the link goes on along that line (the jog goes);
//!    any other segment to its current place, pushed out of the clearances where there is
//!    room.
//! 4. **Order and separation.** Segments whose extents overlap keep the order they have
//!    across, [`SEP`] apart, or at least [`super::GAP`] where the channel is too narrow;
//!    segments of one fan-in or fan-out lying on one line stay one line (a trunk); links with
//!    the same two ends are drawn apart, the one declared first on the left of its travel.
//!    Where even that does not fit, no pair gets closer than the search left it.
//! 5. **Solve.** Minimise Σ (x − target)² under those constraints and the channel limits
//!    (the `satisfy` pass of VPSC: blocks of variables merged along violated constraints,
//!    in the order across), each set of segments tied by constraints on its own.
//!
//! Moving a segment only within its channel and in the order across keeps every link off
//! the boxes and other links it was already clear of.

use super::{snap, GAP};
use crate::geom::{Point, Rect};
use crate::layout::Layout;
use crate::model::{EntId, Model};
use crate::spatial::RectIndex;

/// The gap kept between parallel segments where the channel has room.
pub const SEP: f32 = 12.0;
/// The least length nudging leaves a link's end segment (its stub out of the box).
const STUB: f32 = 6.0;
/// Clearance kept from frame lines (groups, zone columns, overlays).
const FRAME_CLEAR: f32 = super::CLEAR;
/// Clearance kept from nodes and their labels.
const NODE_CLEAR: f32 = 8.0;
/// Clearance kept from titles and title bands.
const TITLE_CLEAR: f32 = 4.0;
/// How close a line may pass a node without reading as touching it (quality.md, grazing).
const GRAZE: f32 = 6.0;
/// How far a segment may move: obstacles further away are not looked at.
const REACH: f32 = 400.0;
/// How far an end segment keeps from the corners of the side it leaves (icons' corners are
/// rounded at 6 px: 5 px in, a line meets the side where it has curved by a fraction of a
/// pixel, and an exit near a corner can still reach the middle of a channel beside the box).
const CORNER: f32 = 5.0;

/// Where a segment goes in a channel `[raw_lo, raw_hi]` too narrow for the clearances
/// `limits` (each a limit across, how far along the segment it holds, and whether it is a
/// lower limit): where the clearances are broken least, each by how deep times how long,
/// and among equals nearest the channel's midline. In a channel narrow all along that is
/// its midline; a segment running beside a zone line for 300 px and a VPC line for 15 px
/// keeps its clearance from the zone line and takes less from the VPC line.
fn narrow_channel(raw_lo: f32, raw_hi: f32, limits: &[(f32, f32, bool)]) -> (f32, f32) {
    let mid = (raw_lo + raw_hi) / 2.0;
    let cost = |p: f32| -> f32 {
        limits
            .iter()
            .map(|&(at, len, low)| len * (if low { at - p } else { p - at }).max(0.0))
            .sum()
    };
    let mut best = (cost(mid), 0.0, mid);
    for p in limits.iter().map(|l| l.0.clamp(raw_lo, raw_hi)) {
        let key = (cost(p), (p - mid).abs());
        let tie = 1e-3 * (1.0 + best.0);
        if key.0 < best.0 - tie || (key.0 <= best.0 + tie && key.1 < best.1) {
            best = (key.0, key.1, p);
        }
    }
    (best.2, best.2)
}

/// Something a segment may not move across: `[lo, hi]` across the segment, over `[a0, a1]`
/// along it.
#[derive(Debug, Clone, Copy)]
struct Obstacle {
    lo: f32,
    hi: f32,
    a0: f32,
    a1: f32,
    clear: f32,
    /// The node this is the box of (its own links' end segments pass it).
    owner: Option<EntId>,
    /// For a frame line: the frame (`None` for an overlay, which links may cross), and the
    /// side its inside lies on (-1 lower, 1 higher).
    wall: Option<(Option<EntId>, i8)>,
}

/// One segment: points `i` and `i + 1` of link `link`.
#[derive(Debug, Clone)]
struct Seg {
    link: usize,
    i: usize,
    pos: f32,
    a0: f32,
    a1: f32,
    /// Hard limits.
    lo: f32,
    hi: f32,
    /// Hard limits with the clearances (may leave out the current position).
    slo: f32,
    shi: f32,
    target: f32,
    /// The side (-1 lower, 1 higher, 0 none: a link end) the link turns to at the low and
    /// the high end of the segment along its axis.
    low_turn: i32,
    high_turn: i32,
    /// Tie-break among segments on one line: the first-declared link on the left of its
    /// travel.
    rank: i64,
    pinned: bool,
    /// The limits left out because the segment moves as one with the segment across a
    /// short jog (see [`jog_ties`]); set again if that tie is undone.
    jog: (f32, f32),
}

impl Seg {
    /// Sets the limits a tie across a jog left out (the tie is undone).
    fn untie(&mut self) {
        let (jlo, jhi) = self.jog;
        if self.pinned || (jlo == f32::MIN && jhi == f32::MAX) {
            return;
        }
        let (hlo, hhi) = (self.slo.max(jlo), self.shi.min(jhi));
        (self.lo, self.hi) = (hlo.min(self.pos), hhi.max(self.pos));
        (self.slo, self.shi) = if hlo <= hhi {
            (hlo, hhi)
        } else {
            (self.lo, self.hi)
        };
        self.target = self.target.clamp(self.lo, self.hi);
        self.jog = (f32::MIN, f32::MAX);
    }
}

/// Nudges every path (see the module doc).
pub fn nudge(m: &Model, l: &Layout, paths: &mut [Vec<Point>]) {
    for vertical in [true, false] {
        let obstacles = obstacles(m, l, vertical);
        nudge_axis(m, l, &obstacles, paths, vertical);
    }
    for p in paths.iter_mut() {
        *p = super::simplify::simplify(std::mem::take(p));
    }
}

fn across(p: Point, vertical: bool) -> f32 {
    if vertical {
        p.0
    } else {
        p.1
    }
}

fn along(p: Point, vertical: bool) -> f32 {
    if vertical {
        p.1
    } else {
        p.0
    }
}

/// The obstacles for segments of one direction: node boxes and labels, titles, frame lines
/// parallel to the segments, and (for horizontal segments) title bands.
fn obstacles(m: &Model, l: &Layout, vertical: bool) -> Vec<Obstacle> {
    let mut out = Vec::new();
    let rect = |out: &mut Vec<Obstacle>, r: &Rect, clear: f32, owner: Option<EntId>| {
        let (lo, hi, a0, a1) = if vertical {
            (r.x, r.right(), r.y, r.bottom())
        } else {
            (r.y, r.bottom(), r.x, r.right())
        };
        out.push(Obstacle {
            lo,
            hi,
            a0,
            a1,
            clear,
            owner,
            wall: None,
        });
    };
    let mut frames: Vec<(Rect, Option<Rect>, Option<EntId>)> = Vec::new();
    for (i, e) in m.entities.iter().enumerate() {
        let Some(p) = l.boxes.get(i).and_then(|b| b.as_ref()) else {
            continue;
        };
        let id = EntId(i as u32);
        if e.is_node() {
            rect(&mut out, &p.rect, NODE_CLEAR, Some(id));
            if let Some(t) = &p.label {
                rect(&mut out, &t.rect, NODE_CLEAR, None);
            }
        } else if e.is_group() {
            if let Some(t) = &p.label {
                rect(&mut out, &t.rect, TITLE_CLEAR, None);
            }
            if let Some(ic) = p.icon {
                rect(&mut out, &ic, TITLE_CLEAR, None);
            }
            frames.push((p.rect, p.label.as_ref().map(|t| t.rect), Some(id)));
        }
    }
    for o in &l.overlays {
        if let Some(t) = &o.placed.label {
            rect(&mut out, &t.rect, TITLE_CLEAR, None);
        }
        frames.push((o.placed.rect, o.placed.label.as_ref().map(|t| t.rect), None));
    }
    if let Some(t) = &l.title {
        rect(&mut out, &t.rect, TITLE_CLEAR, None);
    }
    for (r, title, frame) in frames {
        // The two frame lines parallel to the segments.
        let (sides, a0, a1) = if vertical {
            ([r.x, r.right()], r.y, r.bottom())
        } else {
            ([r.y, r.bottom()], r.x, r.right())
        };
        for (s, inside) in sides.into_iter().zip([1, -1]) {
            out.push(Obstacle {
                lo: s,
                hi: s,
                a0,
                a1,
                clear: FRAME_CLEAR,
                owner: None,
                wall: Some((frame, inside)),
            });
        }
        if let (false, Some(band)) = (vertical, super::title_band(&r, title.as_ref())) {
            rect(&mut out, &band, TITLE_CLEAR, None);
        }
    }
    out
}

/// Links of one fan-out or fan-in, which may run on one trunk (quality.md: parallel overlap),
/// when they are drawn alike: a dashed line on a solid one would read as neither.
fn share_end(m: &Model, a: usize, b: usize) -> bool {
    let (x, y) = (&m.links[a], &m.links[b]);
    (x.from == y.from || x.to == y.to) && x.style == y.style
}

/// Links with the same two ends, either way round.
pub(super) fn twins(m: &Model, a: usize, b: usize) -> bool {
    let (x, y) = (&m.links[a], &m.links[b]);
    (x.from == y.from && x.to == y.to) || (x.from == y.to && x.to == y.from)
}

/// The range an end segment may slide in along the side of the box it leaves at point `p`.
fn side_range(l: &Layout, e: EntId, vertical: bool) -> Option<(f32, f32)> {
    let r = l.link_end(e)?.rect;
    let (lo, hi) = if vertical {
        (r.x, r.right())
    } else {
        (r.y, r.bottom())
    };
    let m = CORNER.min((hi - lo) / 4.0);
    Some((lo + m, hi - m))
}

/// Per link, the end segment (first or last) that a jog shorter than [`SEP`] joins to the
/// next segment parallel to it, where the line after the jog lies within the side the end
/// segment leaves: (link, end segment, the segment after the jog). The two move as one
/// variable, so the jog goes however they are moved (a port a few px off the line the link
/// goes on would otherwise hold that line where its neighbours squeeze it against a frame).
/// Not where another segment lies between the two lines alongside either: the order across
/// would not be one order.
fn jog_ties(
    m: &Model,
    l: &Layout,
    paths: &[Vec<Point>],
    vertical: bool,
) -> Vec<(usize, usize, usize)> {
    let parallel = |p: Point, q: Point| {
        across(p, vertical) == across(q, vertical) && along(p, vertical) != along(q, vertical)
    };
    let mut ties = Vec::new();
    for (k, pts) in paths.iter().enumerate() {
        let n = pts.len();
        if n < 4 {
            continue;
        }
        let link = &m.links[k];
        for (end, other, jog_far, e) in [(0, 2, 2, link.from), (n - 2, n - 4, n - 3, link.to)] {
            let (pos, f) = (across(pts[end], vertical), across(pts[jog_far], vertical));
            if !parallel(pts[end], pts[end + 1])
                || !parallel(pts[other], pts[other + 1])
                || f == pos
                || (f - pos).abs() >= SEP
                || !side_range(l, e, vertical).is_some_and(|(lo, hi)| lo <= f && f <= hi)
                || ties.contains(&(k, other, end))
            {
                continue;
            }
            ties.push((k, end, other));
        }
    }
    // Segments of the axis: (across, along from, along to, link, index).
    let mut all: Vec<(f32, f32, f32, usize, usize)> = Vec::new();
    for (k, pts) in paths.iter().enumerate() {
        for (i, w) in pts.windows(2).enumerate() {
            if parallel(w[0], w[1]) {
                let (u, v) = (along(w[0], vertical), along(w[1], vertical));
                all.push((across(w[0], vertical), u.min(v), u.max(v), k, i));
            }
        }
    }
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    ties.retain(|&(k, a, b)| {
        let ext = |i: usize| {
            let (p, q) = (paths[k][i], paths[k][i + 1]);
            let (u, v) = (along(p, vertical), along(q, vertical));
            (u.min(v), u.max(v))
        };
        let (pa, pb) = (across(paths[k][a], vertical), across(paths[k][b], vertical));
        let (lo, hi) = (pa.min(pb), pa.max(pb));
        let (ea, eb) = (ext(a), ext(b));
        let from = all.partition_point(|s| s.0 < lo);
        !all[from..].iter().take_while(|s| s.0 <= hi).any(|s| {
            !(s.3 == k && (s.4 == a || s.4 == b))
                && ((s.1 < ea.1 && ea.0 < s.2) || (s.1 < eb.1 && eb.0 < s.2))
        })
    });
    ties
}

fn nudge_axis(
    m: &Model,
    l: &Layout,
    obstacles: &[Obstacle],
    paths: &mut [Vec<Point>],
    vertical: bool,
) {
    let canvas = if vertical { l.width } else { l.height };
    // Obstacles in a bucket grid over the canvas, so a segment meets only those near it.
    let mut index = RectIndex::new(l.width, l.height, 128.0);
    for (k, o) in obstacles.iter().enumerate() {
        let r = if vertical {
            Rect::new(o.lo, o.a0, o.hi - o.lo, o.a1 - o.a0)
        } else {
            Rect::new(o.a0, o.lo, o.a1 - o.a0, o.hi - o.lo)
        };
        index.insert(r, k);
    }
    // Segments of the other direction (fixed in this pass), by their position along ours:
    // (position, low, high across ours, link). A segment's neighbour grows or shrinks as the
    // segment moves, and must not grow alongside one of these.
    let mut cross: Vec<(f32, f32, f32, usize)> = Vec::new();
    for (k, pts) in paths.iter().enumerate() {
        for w in pts.windows(2) {
            let (p, q) = (w[0], w[1]);
            if along(p, vertical) == along(q, vertical)
                && across(p, vertical) != across(q, vertical)
            {
                let (u, v) = (across(p, vertical), across(q, vertical));
                cross.push((along(p, vertical), u.min(v), u.max(v), k));
            }
        }
    }
    cross.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.3.cmp(&b.3)));
    let ties = jog_ties(m, l, paths, vertical);
    // Whether segments `a` and `b` of link `k` are tied across a jog.
    let tied = |k: usize, a: usize, b: usize| {
        ties.iter()
            .any(|t| t.0 == k && ((t.1, t.2) == (a, b) || (t.1, t.2) == (b, a)))
    };
    let mut segs: Vec<Seg> = Vec::new();
    // Each side's clearance limit and how far along the segment it holds, for a channel
    // too narrow for all of them (one buffer for all segments).
    let mut limits: Vec<(f32, f32, bool)> = Vec::new();
    for (k, pts) in paths.iter().enumerate() {
        let n = pts.len();
        if n < 2 {
            continue;
        }
        let link = &m.links[k];
        for i in 0..n - 1 {
            let (p, q) = (pts[i], pts[i + 1]);
            if across(p, vertical) != across(q, vertical)
                || along(p, vertical) == along(q, vertical)
            {
                continue;
            }
            let pos = across(p, vertical);
            let (a0, a1) = {
                let (u, v) = (along(p, vertical), along(q, vertical));
                (u.min(v), u.max(v))
            };
            let first = i == 0;
            let last = i + 2 == n;
            // Channel from the obstacles within REACH.
            let (mut raw_lo, mut raw_hi) = ((pos - REACH).max(0.0), (pos + REACH).min(canvas));
            let (mut clo, mut chi) = (raw_lo, raw_hi);
            let mut pinned = false;
            limits.clear();
            let strip = if vertical {
                Rect::new(
                    raw_lo,
                    a0 - NODE_CLEAR,
                    raw_hi - raw_lo,
                    a1 - a0 + 2.0 * NODE_CLEAR,
                )
            } else {
                Rect::new(
                    a0 - NODE_CLEAR,
                    raw_lo,
                    a1 - a0 + 2.0 * NODE_CLEAR,
                    raw_hi - raw_lo,
                )
            };
            let held = |o: &Obstacle| (o.a1.min(a1) - o.a0.max(a0)).max(0.0);
            index.any(&strip, |_, &ok| {
                let o = &obstacles[ok];
                // Within a clearance of its ends too: moving it grows a neighbour there.
                let margin = o.clear.min(NODE_CLEAR);
                if o.a0 > a1 + margin || o.a1 < a0 - margin {
                    return false;
                }
                let own = o
                    .owner
                    .is_some_and(|e| (first || last) && (e == link.from || e == link.to));
                if own {
                    return false;
                }
                // A segment on a frame line may leave it to the outside (and to the inside
                // too when the link may enter the frame). On an overlay's line, which every
                // link may cross, it keeps its clearance outside: a line drawn on a frame
                // line reads as part of the frame.
                if let (Some((frame, inside)), true) = (o.wall, (pos - o.lo).abs() < 0.5) {
                    let may_enter = frame.is_some_and(|f| {
                        super::contains(m, f, link.from) || super::contains(m, f, link.to)
                    });
                    if !may_enter {
                        if inside > 0 {
                            raw_hi = raw_hi.min(o.lo);
                            chi = chi.min(o.lo - o.clear);
                            limits.push((o.lo - o.clear, held(o), false));
                        } else {
                            raw_lo = raw_lo.max(o.hi);
                            clo = clo.max(o.hi + o.clear);
                            limits.push((o.hi + o.clear, held(o), true));
                        }
                    }
                    return false;
                }
                if o.hi <= pos + 0.25 && !(o.lo == o.hi && (pos - o.lo).abs() < 0.5) {
                    raw_lo = raw_lo.max(o.hi);
                    clo = clo.max(o.hi + o.clear);
                    limits.push((o.hi + o.clear, held(o), true));
                } else if o.lo >= pos - 0.25 && !(o.lo == o.hi && (pos - o.lo).abs() < 0.5) {
                    raw_hi = raw_hi.min(o.lo);
                    chi = chi.min(o.lo - o.clear);
                    limits.push((o.lo - o.clear, held(o), false));
                } else if o.a1 < a0 - GRAZE || o.a0 > a1 + GRAZE {
                    // Across the line beyond an end, further than a graze: moving the
                    // segment only lengthens or shortens the neighbour that passes it there,
                    // at the distance it already keeps.
                } else {
                    pinned = true;
                }
                false
            });
            if clo > chi {
                (clo, chi) = narrow_channel(raw_lo, raw_hi, &limits);
            }
            // Neighbours' far ends, and the sides of the boxes end segments leave.
            let (mut hlo, mut hhi) = (clo, chi);
            let far: ([f32; 2], usize) = match (first, last) {
                (false, false) => (
                    [across(pts[i - 1], vertical), across(pts[i + 2], vertical)],
                    2,
                ),
                (false, true) => ([across(pts[i - 1], vertical), 0.0], 1),
                (true, false) => ([across(pts[i + 2], vertical), 0.0], 1),
                (true, true) => ([0.0; 2], 0),
            };
            // Whether each far end is a port (the neighbour is a link's end segment): the
            // segment keeps a stub's length from it, so the link still leaves its box
            // outward rather than along its side (never closer than it already is).
            let port_end = match (first, last) {
                (false, false) => [i == 1, i + 2 == n - 1],
                (false, true) => [i == 1, false],
                (true, false) => [i + 2 == n - 1, false],
                (true, true) => [false; 2],
            };
            // Which ends of the segment meet a jog whose other side it moves as one with
            // (that neighbour shrinks to nothing instead of turning back).
            let jog_at = [i >= 2 && tied(k, i, i - 2), tied(k, i, i + 2)];
            let far_jog: Vec<bool> = match (first, last) {
                (false, false) => vec![jog_at[0], jog_at[1]],
                (false, true) => vec![jog_at[0]],
                (true, false) => vec![jog_at[1]],
                (true, true) => vec![],
            };
            let far = &far.0[..far.1];
            // The limits a tied jog's end would set, kept apart in case the tie is undone.
            let (mut jlo, mut jhi) = (f32::MIN, f32::MAX);
            for ((&f, &port), &skip) in far.iter().zip(&port_end).zip(&far_jog) {
                let (lo_at, hi_at) = if skip {
                    (&mut jlo, &mut jhi)
                } else {
                    (&mut hlo, &mut hhi)
                };
                let stub = if port { STUB.min((pos - f).abs()) } else { 0.0 };
                if f < pos {
                    *lo_at = lo_at.max(f + stub);
                } else {
                    *hi_at = hi_at.min(f - stub);
                }
            }
            // A neighbour grows away from its far end as the segment moves: not alongside
            // a segment of another link (sharing no end) closer than GAP to it.
            let ends = [
                ((!first).then(|| i - 1), along(p, vertical)),
                ((!last).then_some(i + 2), along(q, vertical)),
            ];
            for ((j, e), skip) in ends.into_iter().zip(jog_at) {
                let Some(j) = j else { continue };
                let (lo_at, hi_at) = if skip {
                    (&mut jlo, &mut jhi)
                } else {
                    (&mut hlo, &mut hhi)
                };
                let f = across(pts[j], vertical);
                let from = cross.partition_point(|c| c.0 <= e - GAP);
                for &(_, c0, c1, o) in cross[from..].iter().take_while(|c| c.0 < e + GAP) {
                    if o == k || share_end(m, o, k) {
                        continue;
                    }
                    if c0 >= pos && f <= pos {
                        *hi_at = hi_at.min(c0);
                    } else if c1 <= pos && f >= pos {
                        *lo_at = lo_at.max(c1);
                    }
                }
            }
            for (end, e) in [(first, link.from), (last, link.to)] {
                if !end {
                    continue;
                }
                match side_range(l, e, vertical) {
                    Some((lo, hi)) if lo <= pos && pos <= hi => {
                        hlo = hlo.max(lo);
                        hhi = hhi.min(hi);
                    }
                    _ => pinned = true,
                }
            }
            let zigzag = far.len() == 2 && (far[0] - pos) * (far[1] - pos) < 0.0;
            // A neighbour before it shorter than 2 px is a jog (ends a pixel apart): the
            // segment wants to line up with the segment before that, straightening the link.
            let jog = (!first)
                .then(|| across(pts[i - 1], vertical))
                .filter(|&f| (f - pos).abs() < 2.0 && f >= hlo && f <= hhi);
            // An end segment followed by a short jog (a port a few px off the line the link
            // goes on) slides along its box side onto that line, straightening the jog away.
            let end_jog = if first && n >= 4 {
                Some(across(pts[2], vertical))
            } else if last && i >= 2 {
                Some(across(pts[i - 1], vertical))
            } else {
                None
            }
            .filter(|&f| (f - pos).abs() < SEP && f >= hlo && f <= hhi && f != pos);
            let target = if pinned {
                pos
            } else if let Some(f) = jog.or(end_jog) {
                f
            } else if zigzag && hlo <= hhi {
                (hlo + hhi) / 2.0
            } else {
                pos.clamp(hlo.min(hhi), hhi.max(hlo))
            };
            let (lo, hi) = if pinned {
                (pos, pos)
            } else {
                (hlo.min(pos), hhi.max(pos))
            };
            // Strict limits keep the clearances too (where they leave any room).
            let (slo, shi) = if !pinned && hlo <= hhi {
                (hlo, hhi)
            } else {
                (lo, hi)
            };
            // Canonical travel: from the end with the smaller id to the other.
            let forward = along(q, vertical) > along(p, vertical);
            let canon = link.from.index() <= link.to.index();
            let t = if forward == canon { 1 } else { -1 };
            let normal = if vertical { t } else { -t };
            let rank = if normal > 0 { -(k as i64) } else { k as i64 };
            // Which way the link goes on at each end of the segment.
            let turn = |j: Option<usize>| {
                j.map_or(0, |j| {
                    let f = across(pts[j], vertical);
                    if f < pos {
                        -1
                    } else if f > pos {
                        1
                    } else {
                        0
                    }
                })
            };
            let before = (!first).then(|| i - 1);
            let after = (!last).then_some(i + 2);
            let (low_turn, high_turn) = if forward {
                (turn(before), turn(after))
            } else {
                (turn(after), turn(before))
            };
            segs.push(Seg {
                link: k,
                i,
                pinned,
                jog: (jlo, jhi),
                pos,
                a0,
                a1,
                lo,
                hi,
                slo,
                shi,
                target,
                low_turn,
                high_turn,
                rank,
            });
        }
    }
    if segs.is_empty() {
        return;
    }
    // Sort across, then along: neighbours across are found by binary search.
    segs.sort_by(|a, b| {
        a.pos
            .total_cmp(&b.pos)
            .then(a.rank.cmp(&b.rank))
            .then(a.a0.total_cmp(&b.a0))
            .then(a.i.cmp(&b.i))
    });
    // Side by side over more than a touch.
    let overlaps = |a: &Seg, b: &Seg| a.a0 < b.a1 - 0.5 && b.a0 < a.a1 - 0.5;
    // Segments on one line: ordered so that each peels off to the side it turns to.
    let mut start = 0;
    while start < segs.len() {
        let mut end = start + 1;
        while end < segs.len() && segs[end].pos == segs[start].pos {
            end += 1;
        }
        if end - start > 1 {
            let run = &segs[start..end];
            let keys: Vec<i32> = run
                .iter()
                .map(|a| {
                    run.iter()
                        .filter(|b| !std::ptr::eq(*b, a) && overlaps(a, b))
                        .map(|b| side_vote(a, b).signum())
                        .sum()
                })
                .collect();
            let mut idx: Vec<usize> = (0..run.len()).collect();
            idx.sort_by_key(|&x| keys[x]);
            let sorted: Vec<Seg> = idx.iter().map(|&x| run[x].clone()).collect();
            segs[start..end].clone_from_slice(&sorted);
        }
        start = end;
    }
    // Trunks: segments on one line of links sharing an end (not twins) are one variable.
    let n = segs.len();
    let mut group: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && segs[end].pos == segs[start].pos {
            end += 1;
        }
        for a in start..end {
            for b in a + 1..end {
                let (ga, gb) = (group[a], group[b]);
                if ga == gb
                    || !overlaps(&segs[a], &segs[b])
                    || !share_end(m, segs[a].link, segs[b].link)
                    || twins(m, segs[a].link, segs[b].link)
                {
                    continue;
                }
                let clash = members[ga].iter().any(|&x| {
                    members[gb].iter().any(|&y| {
                        twins(m, segs[x].link, segs[y].link)
                            || !share_end(m, segs[x].link, segs[y].link)
                    })
                });
                if clash {
                    continue;
                }
                let moved = std::mem::take(&mut members[gb]);
                for &x in &moved {
                    group[x] = ga;
                }
                members[ga].extend(moved);
            }
        }
        start = end;
    }
    // An end segment and the segment across its short jog: one variable (where they can
    // share a place; else each keeps the limits its jog sets).
    for &(k, a, b) in &ties {
        let find = |i: usize| segs.iter().position(|s| s.link == k && s.i == i);
        let (Some(x), Some(y)) = (find(a), find(b)) else {
            for s in [find(a), find(b)].into_iter().flatten() {
                segs[s].untie();
            }
            continue;
        };
        let (gx, gy) = (group[x], group[y]);
        let (sx, sy) = (&segs[x], &segs[y]);
        if gx == gy
            || members[gx].len() > 1
            || members[gy].len() > 1
            || sx.pinned
            || sy.pinned
            || sx.lo.max(sy.lo) > sx.hi.min(sy.hi)
        {
            segs[x].untie();
            segs[y].untie();
            continue;
        }
        let keep = gx.min(gy);
        let moved = std::mem::take(&mut members[gx.max(gy)]);
        for &z in &moved {
            group[z] = keep;
        }
        members[keep].extend(moved);
    }
    // Variables: one per group, numbered in the order across.
    let mut var_of = vec![usize::MAX; n];
    let mut vars: Vec<Var> = Vec::new();
    for i in 0..n {
        let g = group[i];
        if var_of[g] == usize::MAX {
            let ms = &members[g];
            let lo = ms.iter().map(|&x| segs[x].lo).fold(f32::MIN, f32::max);
            let hi = ms.iter().map(|&x| segs[x].hi).fold(f32::MAX, f32::min);
            let slo = ms.iter().map(|&x| segs[x].slo).fold(f32::MIN, f32::max);
            let shi = ms.iter().map(|&x| segs[x].shi).fold(f32::MAX, f32::min);
            let (slo, shi) = if slo <= shi { (slo, shi) } else { (lo, hi) };
            let target = ms.iter().map(|&x| segs[x].target).sum::<f32>() / ms.len() as f32;
            var_of[g] = vars.len();
            vars.push(Var {
                pos: segs[i].pos as f64,
                target: target.clamp(lo, hi) as f64,
                lo: lo as f64,
                hi: hi as f64,
                slo: slo as f64,
                shi: shi as f64,
            });
        }
        var_of[i] = var_of[g];
    }
    // Separation constraints between overlapping segments that can meet.
    // Two segments can meet when one's range, grown by SEP, reaches the other's.
    let mut cons: Vec<(usize, usize, Gap)> = Vec::new();
    let reach = segs.iter().map(|s| s.pos - s.lo).fold(0.0f32, f32::max);
    for i in 0..n {
        let s = &segs[i];
        let to = segs.partition_point(|x| x.pos - reach <= s.hi + SEP);
        for j in i + 1..to {
            let t = &segs[j];
            let (vi, vj) = (var_of[i], var_of[j]);
            if vi == vj || !overlaps(s, t) || t.lo > s.hi + SEP {
                continue;
            }
            let gap = if twins(m, s.link, t.link) {
                Gap::Twin
            } else if share_end(m, s.link, t.link) {
                Gap::Zero
            } else {
                Gap::Sep
            };
            cons.push((vi, vj, gap));
        }
    }
    // The widest gap wins where two variables meet more than once.
    cons.sort_by_key(|c| (c.0, c.1, std::cmp::Reverse(c.2)));
    cons.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
    // Each set of variables tied by constraints is solved alone: ideal gaps first; then the
    // least gap; then twins closer. A set that cannot be solved keeps the search's places.
    let nv = vars.len();
    let mut comp: Vec<usize> = (0..nv).collect();
    fn root(c: &mut [usize], mut x: usize) -> usize {
        while c[x] != x {
            c[x] = c[c[x]];
            x = c[x];
        }
        x
    }
    for &(a, b, _) in &cons {
        let (ra, rb) = (root(&mut comp, a), root(&mut comp, b));
        if ra != rb {
            comp[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut sets: Vec<Vec<usize>> = vec![Vec::new(); nv];
    for v in 0..nv {
        let r = root(&mut comp, v);
        sets[r].push(v);
    }
    let mut cons_of: Vec<Vec<(usize, usize, Gap)>> = vec![Vec::new(); nv];
    for &(a, b, g) in &cons {
        let r = root(&mut comp, a);
        cons_of[r].push((a, b, g));
    }
    let mut x: Vec<f64> = vars.iter().map(|v| v.pos).collect();
    // The last try asks no pair for more room than the search gave it, which the search's
    // positions meet: the set is still centred and pushed off walls where it can be.
    // Clearances are kept as limits first, then only as targets.
    let tries = [
        (SEP, false, true),
        (GAP, false, true),
        (SEP, false, false),
        (GAP, false, false),
        (GAP, true, false),
    ];
    for (r, set) in sets.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        // Local numbering keeps the order across.
        let local = |v: usize| set.binary_search(&v).expect("member");
        for (sep, as_found, strict) in tries {
            let vs: Vec<Var> = set
                .iter()
                .map(|&v| {
                    let mut x = vars[v];
                    if strict {
                        (x.lo, x.hi) = (x.slo, x.shi);
                        x.target = x.target.clamp(x.lo, x.hi);
                    }
                    x
                })
                .collect();
            let c: Vec<(usize, usize, f64)> = cons_of[r]
                .iter()
                .map(|&(a, b, g)| {
                    let mut v = match g {
                        Gap::Zero => 0.0,
                        Gap::Sep | Gap::Twin => sep as f64,
                    };
                    if as_found {
                        v = v.min(vars[b].pos - vars[a].pos).max(0.0);
                    }
                    (local(a), local(b), v)
                })
                .collect();
            if let Some(sol) = solve(&vs, &c) {
                for (k, &v) in set.iter().enumerate() {
                    x[v] = sol[k];
                }
                break;
            }
        }
    }
    for (i, s) in segs.iter().enumerate() {
        let v = snap(x[var_of[i]] as f32);
        let pts = &mut paths[s.link];
        for p in [s.i, s.i + 1] {
            if vertical {
                pts[p].0 = v;
            } else {
                pts[p].1 = v;
            }
        }
    }
}

/// Positive when segment `a`, on one line with `b`, should lie on the higher side of it:
/// at each end of their shared stretch, the one that turns off there goes to its side.
fn side_vote(a: &Seg, b: &Seg) -> i32 {
    let mut v = 0;
    for (ea, eb, ta, tb) in [
        (a.a0, b.a0, a.low_turn, b.low_turn),
        (-a.a1, -b.a1, a.high_turn, b.high_turn),
    ] {
        let at = ea.max(eb);
        match ((ea - at).abs() < 0.5, (eb - at).abs() < 0.5) {
            (true, false) => v += ta,
            (false, true) => v -= tb,
            (true, true) if ta != tb => v += ta - tb,
            _ => {}
        }
    }
    v
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    /// Links sharing an end: may lie on one line.
    Zero,
    /// Links sharing no end.
    Sep,
    /// Links with the same two ends.
    Twin,
}

/// One variable of the separation problem, in the order across.
#[derive(Debug, Clone, Copy)]
struct Var {
    pos: f64,
    target: f64,
    lo: f64,
    hi: f64,
    /// Limits with the clearances, tried first.
    slo: f64,
    shi: f64,
}

/// Minimises Σ (x − target)² subject to `lo ≤ x ≤ hi` and `x[b] − x[a] ≥ gap` for each
/// constraint `(a, b, gap)` (with `a < b`: variables are numbered in an order the
/// constraints respect). Bounds are variables of great weight fixed at `lo` and `hi`; the
/// solution is VPSC's `satisfy`: variables taken in order, each block merged with the block
/// of its most violated incoming constraint until none is violated. `None` when the bounds
/// cannot all be met.
fn solve(vars: &[Var], cons: &[(usize, usize, f64)]) -> Option<Vec<f64>> {
    const HEAVY: f64 = 1e6;
    let n = vars.len();
    // Items: 3 per variable: lower bound, the variable, upper bound.
    let mut target = Vec::with_capacity(3 * n);
    let mut weight = Vec::with_capacity(3 * n);
    let mut incoming: Vec<Vec<(usize, f64)>> = vec![Vec::new(); 3 * n];
    for (i, v) in vars.iter().enumerate() {
        target.extend([v.lo, v.target, v.hi]);
        weight.extend([HEAVY, 1.0, HEAVY]);
        incoming[3 * i + 1].push((3 * i, 0.0));
        incoming[3 * i + 2].push((3 * i + 1, 0.0));
    }
    for &(a, b, g) in cons {
        incoming[3 * b + 1].push((3 * a + 1, g));
    }
    // Order: by position, bounds around their variable.
    let mut order: Vec<usize> = (0..3 * n).collect();
    let key = |it: usize| {
        let v = &vars[it / 3];
        match it % 3 {
            0 => (v.lo.min(v.pos), 0, it / 3),
            1 => (v.pos, 1, it / 3),
            _ => (v.hi.max(v.pos), 2, it / 3),
        }
    };
    order.sort_by(|&a, &b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0)
            .then(ka.1.cmp(&kb.1))
            .then(ka.2.cmp(&kb.2))
    });
    // Constraints between real variables go from smaller to larger (pos, index); bounds are
    // around theirs. Check that the order respects every constraint (else give up).
    let mut rank = vec![0usize; 3 * n];
    for (r, &it) in order.iter().enumerate() {
        rank[it] = r;
    }
    for (b, inc) in incoming.iter().enumerate() {
        if inc.iter().any(|&(a, _)| rank[a] >= rank[b]) {
            return None;
        }
    }
    let mut block = vec![usize::MAX; 3 * n];
    let mut offset = vec![0.0f64; 3 * n];
    let mut blocks: Vec<Block> = Vec::new();
    for &it in &order {
        let b = blocks.len();
        blocks.push(Block {
            items: vec![it],
            wsum: weight[it],
            wd: weight[it] * target[it],
            pos: target[it],
        });
        block[it] = b;
        offset[it] = 0.0;
        loop {
            // The most violated constraint into block b from another block.
            let mut worst: Option<(f64, usize, usize, f64)> = None;
            for &v in &blocks[b].items {
                for &(u, g) in &incoming[v] {
                    let bu = block[u];
                    if bu == b || bu == usize::MAX {
                        continue;
                    }
                    let viol = blocks[bu].pos + offset[u] + g - (blocks[b].pos + offset[v]);
                    if viol > 1e-9 && worst.is_none_or(|w| viol > w.0) {
                        worst = Some((viol, u, v, g));
                    }
                }
            }
            let Some((_, u, v, g)) = worst else { break };
            let bu = block[u];
            let shift = offset[v] - g - offset[u];
            let moved = std::mem::take(&mut blocks[bu].items);
            for &x in &moved {
                offset[x] += shift;
                block[x] = b;
                blocks[b].wsum += weight[x];
                blocks[b].wd += weight[x] * (target[x] - offset[x]);
            }
            blocks[b].items.extend(moved);
            blocks[b].pos = blocks[b].wd / blocks[b].wsum;
        }
    }
    let at = |it: usize| blocks[block[it]].pos + offset[it];
    let mut out = Vec::with_capacity(n);
    for (i, v) in vars.iter().enumerate() {
        if (at(3 * i) - v.lo).abs() > 0.01 || (at(3 * i + 2) - v.hi).abs() > 0.01 {
            return None;
        }
        out.push(at(3 * i + 1).clamp(v.lo, v.hi));
    }
    Some(out)
}

struct Block {
    items: Vec<usize>,
    wsum: f64,
    /// Σ weight × (target − offset).
    wd: f64,
    pos: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(pos: f64, target: f64, lo: f64, hi: f64) -> Var {
        Var {
            pos,
            target,
            lo,
            hi,
            slo: lo,
            shi: hi,
        }
    }

    fn seg(pos: f32, a0: f32, a1: f32, low_turn: i32, high_turn: i32) -> Seg {
        Seg {
            link: 0,
            i: 0,
            pos,
            a0,
            a1,
            lo: 0.0,
            hi: 1000.0,
            slo: 0.0,
            shi: 1000.0,
            target: pos,
            low_turn,
            high_turn,
            rank: 0,
            pinned: false,
            jog: (f32::MIN, f32::MAX),
        }
    }

    #[test]
    fn segments_on_one_line_peel_off_to_the_side_they_turn_to() {
        // Both run from 100 to 200; at the top (low end) `a` turns to the higher side and `b`
        // to the lower: `a` goes on the higher side.
        let a = seg(50.0, 100.0, 200.0, 1, 0);
        let b = seg(50.0, 100.0, 200.0, -1, 0);
        assert!(side_vote(&a, &b) > 0 && side_vote(&b, &a) < 0);
        // `b` runs on past the top; `a` stops there and turns to the lower side.
        let a = seg(50.0, 100.0, 200.0, -1, 0);
        let b = seg(50.0, 0.0, 200.0, 1, 0);
        assert!(side_vote(&a, &b) < 0);
        // Both turn the same way at the same end: no vote from that end.
        let a = seg(50.0, 100.0, 200.0, 1, 0);
        let b = seg(50.0, 100.0, 300.0, 1, 0);
        assert_eq!(side_vote(&a, &b), 0);
        // Opposite votes at the two ends (an unavoidable crossing) cancel.
        let a = seg(50.0, 100.0, 200.0, 1, 1);
        let b = seg(50.0, 0.0, 300.0, 0, 0);
        assert_eq!(side_vote(&a, &b), 2);
        let a = seg(50.0, 100.0, 200.0, 1, -1);
        assert_eq!(side_vote(&a, &b), 0);
    }

    #[test]
    fn links_with_the_same_two_ends_are_drawn_apart() {
        let t = "[regions.r]\ncode = \"us-east-1\"\n\
                 [nodes.a]\nkind = \"vpn-gateway\"\nin = \"r\"\n\
                 [nodes.b]\nkind = \"customer-gateway\"\n\
                 [[links]]\nfrom = \"b\"\nto = \"a\"\nlabel = \"Direct Connect\"\n\
                 [[links]]\nfrom = \"b\"\nto = \"a\"\nlabel = \"VPN\"\n\
                 [[links]]\nfrom = \"a\"\nto = \"b\"\n";
        let d = crate::compile(t).expect("compiles");
        let r = &d.routes.links;
        assert_eq!(r.len(), 3);
        // No two of them share a stretch of one line.
        for i in 0..3 {
            for j in i + 1..3 {
                for s in r[i].points.windows(2) {
                    for u in r[j].points.windows(2) {
                        // Parallel, closer than 8 px, overlapping along: in x for vertical
                        // pairs, in y for horizontal ones (coordinates swapped).
                        let swap = |p: Point| (p.1, p.0);
                        let (s, u) = if s[0].0 == s[1].0 && u[0].0 == u[1].0 {
                            ([s[0], s[1]], [u[0], u[1]])
                        } else {
                            ([swap(s[0]), swap(s[1])], [swap(u[0]), swap(u[1])])
                        };
                        let shared = s[0].0 == s[1].0
                            && u[0].0 == u[1].0
                            && (s[0].0 - u[0].0).abs() < 8.0
                            && s[0].1.min(s[1].1) < u[0].1.max(u[1].1)
                            && u[0].1.min(u[1].1) < s[0].1.max(s[1].1);
                        assert!(!shared, "links {i} and {j} run closer than 8 px: {r:?}");
                    }
                }
            }
        }
        // Each labelled one has its own label.
        assert!(r[0].label.is_some() && r[1].label.is_some());
        assert_ne!(
            r[0].label.as_ref().unwrap().rect,
            r[1].label.as_ref().unwrap().rect
        );
    }

    /// The drawn points of the link `from` -> `to` of diagram `d`.
    fn link_points(d: &crate::Diagram, from: &str, to: &str) -> Vec<Point> {
        let k = d
            .model
            .links
            .iter()
            .position(|l| d.model.get(l.from).id == from && d.model.get(l.to).id == to)
            .expect("the link");
        d.routes.links[k].points.clone()
    }

    /// Asserts that the link `from` -> `to` of spec `t` is drawn as one straight line.
    fn assert_straight(t: &str, from: &str, to: &str) {
        let d = crate::compile(t).expect("compiles");
        let pts = link_points(&d, from, to);
        assert_eq!(pts.len(), 2, "a straight line: {pts:?}");
    }

    #[test]
    fn a_one_pixel_jog_is_straightened() {
        // n1 and n2 are laid out a pixel apart in height: the search's path from one to the
        // other has a 1 px step, which nudging lines up.
        let t = "[diagram]\ndirection = \"right\"\n[regions.r]\ncode = \"us-east-1\"\n\
                 zones = [\"a\", \"b\", \"c\"]\n[groups.g0]\nkind = \"generic\"\nin = \"r\"\n\
                 [nodes.n0]\nkind = \"ec2\"\nin = \"r\"\n[nodes.n1]\nkind = \"ec2\"\nin = \"r\"\n\
                 [nodes.n2]\nkind = \"ec2\"\nin = \"g0\"\n[nodes.out0]\nkind = \"users\"\n\
                 [groups.sg]\nkind = \"security-group\"\nspan = [\"n0\", \"out0\"]\n\
                 [[links]]\nfrom = \"n0\"\nto = \"n1\"\n[[links]]\nfrom = \"n0\"\nto = \"out0\"\n\
                 [[links]]\nfrom = \"n1\"\nto = \"n2\"\n[[links]]\nfrom = \"out0\"\nto = \"n2\"\n\
                 [[links]]\nfrom = \"out0\"\nto = \"n0\"\n";
        assert_straight(t, "n1", "n2");
    }

    #[test]
    fn a_narrow_channel_keeps_clear_of_its_longest_walls() {
        // A zone line at 0 for 300 px and a VPC line at 36 for 340 px (clearance limits 14
        // and 22), and another VPC's line at 26 for 15 px (limit 12): the segment keeps its
        // 14 px from the zone line and gives up 2 px of the short one's clearance.
        let limits = [
            (14.0, 300.0, true),
            (22.0, 340.0, false),
            (12.0, 15.0, false),
        ];
        assert_eq!(narrow_channel(0.0, 26.0, &limits), (14.0, 14.0));
        // Narrow all along (limits 14 and 6 between lines 20 apart): the midline.
        let limits = [(14.0, 100.0, true), (6.0, 100.0, false)];
        assert_eq!(narrow_channel(0.0, 20.0, &limits), (10.0, 10.0));
    }

    #[test]
    fn an_end_jog_moves_with_the_line_it_joins() {
        // Two links come up out of a queue under the 40 px gap between two zone columns;
        // the search leaves nat0 -> n0 on a port 8 px off the line it comes down on. The
        // end and that line move as one: the jog goes, and both links keep 14 px from the
        // zone lines, 8 px apart.
        let t = include_str!("../../tests/cases/valid/two-links-up-a-zone-gap.toml");
        let d = crate::compile(t).expect("compiles");
        let link = |from: &str, to: &str| link_points(&d, from, to);
        let zone = |id: &str| {
            let e = d
                .model
                .entities
                .iter()
                .position(|e| e.id == id)
                .expect("zone");
            d.layout.boxes[e].as_ref().expect("placed").rect
        };
        let (left, right) = (zone("us-east-1a@v1").right(), zone("us-east-1b@v1").x);
        let down = link("nat0", "n0");
        assert_eq!(down.len(), 4, "no jog before the queue: {down:?}");
        let up = link("n0", "igw0");
        for x in [down[3].0, up[0].0] {
            assert!(
                x >= left + 14.0 && x <= right - 14.0,
                "{x} in {left}..{right}"
            );
        }
        assert!((down[3].0 - up[0].0).abs() >= 8.0);
    }

    #[test]
    fn offset_facing_boxes_are_joined_straight() {
        // The task and the secret beside the VPC are a few px apart in height: the link
        // between them runs straight, from a port both ends share.
        let t = include_str!("../../tests/cases/valid/region-services.toml");
        assert_straight(t, "api-a", "secret");
    }

    #[test]
    fn solve_centres_a_pair_on_a_shared_target() {
        let v = [var(0.0, 50.0, 0.0, 100.0), var(8.0, 50.0, 0.0, 100.0)];
        let x = solve(&v, &[(0, 1, 12.0)]).expect("feasible");
        assert!(
            (x[0] - 44.0).abs() < 1e-6 && (x[1] - 56.0).abs() < 1e-6,
            "{x:?}"
        );
    }

    #[test]
    fn solve_respects_bounds_and_reports_infeasible() {
        // Both want 95 but the upper bound is 100: packed against it.
        let v = [var(0.0, 95.0, 0.0, 100.0), var(8.0, 95.0, 0.0, 100.0)];
        let x = solve(&v, &[(0, 1, 12.0)]).expect("feasible");
        assert!(
            (x[1] - 100.0).abs() < 1e-3 && (x[0] - 88.0).abs() < 1e-3,
            "{x:?}"
        );
        // Three in a channel of 10 with gaps of 12: impossible.
        let v = [
            var(0.0, 5.0, 0.0, 10.0),
            var(4.0, 5.0, 0.0, 10.0),
            var(8.0, 5.0, 0.0, 10.0),
        ];
        assert!(solve(&v, &[(0, 1, 12.0), (1, 2, 12.0)]).is_none());
    }

    #[test]
    fn solve_leaves_unconstrained_variables_at_their_targets() {
        let v = [var(0.0, 30.0, 0.0, 100.0), var(5.0, 10.0, 0.0, 100.0)];
        let x = solve(&v, &[]).expect("feasible");
        assert_eq!(x, vec![30.0, 10.0]);
    }
}

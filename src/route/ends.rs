//! Step 4a, ends: takes every link's polyline as the search left it; gives the same
//! polylines with the ports of two links swapped where they leave (or reach) one side of one
//! box in an order that makes them cross just outside it.
//!
//! Links are routed one after another, each taking a free port, so two links leaving a side
//! and turning the same way can take their ports in the wrong order: the one turning first
//! runs on the far side of the other and crosses it at its turn. Of two such links the one
//! turning first (the inner corner) belongs nearer the way they turn; a link turning the
//! other way goes before both. Ports shared by a trunk are left alone, and a swap is made
//! only where the moved stretches stay clear of every node, label and other link.

use crate::geom::{Point, Rect};
use crate::layout::Layout;
use crate::model::{EntId, EntKind, Model};

/// One end of a link that leaves its box and turns.
struct End {
    link: usize,
    /// Whether this is the link's first point (else its last).
    start: bool,
    /// The box, which side (by outward direction) and the axis the side runs along (true:
    /// a left or right side, ports differing in y).
    ent: EntId,
    out: i8,
    along_y: bool,
    /// The port's place along the side.
    pos: f32,
    /// Where the segment after the first turn goes (along the side's axis).
    next_to: f32,
    /// The order this end wants along the side (see the module comment); `None` for an end
    /// that runs on straight (it stays, and nothing is swapped across it).
    key: Option<(i8, f32)>,
}

fn coord(p: Point, y: bool) -> f32 {
    if y {
        p.1
    } else {
        p.0
    }
}

/// The end of path `pts` at its start (or its end), with the order it wants along its
/// box's side when it turns (`key`), none when it runs on straight.
fn end_of(m: &Model, link: usize, pts: &[Point], start: bool) -> Option<End> {
    let n = pts.len();
    if n < 2 {
        return None;
    }
    let (p0, p1) = if start {
        (pts[0], pts[1])
    } else {
        (pts[n - 1], pts[n - 2])
    };
    // A first segment along x leaves a left or right side (ports differ in y).
    let along_y = (p0.1 - p1.1).abs() < 0.01;
    let (o0, o1) = (coord(p0, !along_y), coord(p1, !along_y));
    if (o1 - o0).abs() < 0.5 {
        return None;
    }
    let l = &m.links[link];
    let mut end = End {
        link,
        start,
        ent: if start { l.from } else { l.to },
        out: if o1 > o0 { 1 } else { -1 },
        along_y,
        pos: coord(p0, along_y),
        next_to: 0.0,
        key: None,
    };
    if n >= 3 {
        let p2 = if start { pts[2] } else { pts[n - 3] };
        let (a1, a2) = (coord(p1, along_y), coord(p2, along_y));
        // A jog shorter than the gap between parallel links is no turn: such a link runs
        // on nearly straight, and its place along the side is its far end's business.
        if (a2 - a1).abs() >= super::nudge::SEP {
            let len = (o1 - o0).abs();
            end.next_to = a2;
            end.key = Some(if a2 < a1 { (-1, len) } else { (1, -len) });
        }
    }
    Some(end)
}

/// Swaps the ports of crossing pairs of ends (see the module comment).
pub(super) fn untangle(m: &Model, l: &Layout, paths: &mut [Vec<Point>]) {
    let mut ends: Vec<End> = Vec::new();
    for (k, pts) in paths.iter().enumerate() {
        for start in [true, false] {
            ends.extend(end_of(m, k, pts, start));
        }
    }
    if ends.len() < 2 {
        return;
    }
    ends.sort_by(|a, b| {
        (a.ent, a.out, a.along_y)
            .cmp(&(b.ent, b.out, b.along_y))
            .then(a.pos.total_cmp(&b.pos))
            .then(a.link.cmp(&b.link))
    });
    let mut i = 0;
    while i < ends.len() {
        let mut j = i + 1;
        while j < ends.len()
            && (ends[j].ent, ends[j].out, ends[j].along_y)
                == (ends[i].ent, ends[i].out, ends[i].along_y)
        {
            j += 1;
        }
        untangle_side(m, l, paths, &mut ends[i..j]);
        i = j;
    }
}

/// One side's ends, in port order: swap neighbours out of order until none is.
fn untangle_side(m: &Model, l: &Layout, paths: &mut [Vec<Point>], side: &mut [End]) {
    let n = side.len();
    if n < 2 {
        return;
    }
    // Ports shared by more than one end (a trunk) stay.
    let shared = |side: &[End], k: usize| {
        side.iter()
            .enumerate()
            .any(|(u, e)| u != k && (e.pos - side[k].pos).abs() < 0.5)
    };
    for _ in 0..n {
        let mut swapped = false;
        for a in 0..n - 1 {
            let b = a + 1;
            let (Some(ka), Some(kb)) = (side[a].key, side[b].key) else {
                continue;
            };
            if ka <= kb || shared(side, a) || shared(side, b) {
                continue;
            }
            if try_swap(m, l, paths, &side[a], &side[b]) {
                let (pa, pb) = (side[a].pos, side[b].pos);
                side[a].pos = pb;
                side[b].pos = pa;
                side.swap(a, b);
                swapped = true;
            }
        }
        if !swapped {
            break;
        }
    }
}

/// The points of `e`'s path that sit on its port's line: the port and the first turn.
fn port_points(pts: &[Point], e: &End) -> [usize; 2] {
    let n = pts.len();
    if e.start {
        [0, 1]
    } else {
        [n - 1, n - 2]
    }
}

/// Moves `e`'s port (and its first turn) to `pos` along the side.
fn moved(pts: &[Point], e: &End, pos: f32) -> Vec<Point> {
    let mut out = pts.to_vec();
    for i in port_points(pts, e) {
        if e.along_y {
            out[i].1 = pos;
        } else {
            out[i].0 = pos;
        }
    }
    out
}

/// Swaps the ports of `a` and `b` when both new paths keep clear of nodes, labels and the
/// other links, and each still turns the same way; returns whether it did.
fn try_swap(m: &Model, l: &Layout, paths: &mut [Vec<Point>], a: &End, b: &End) -> bool {
    // Each turn must still lie beyond the new port in the way it goes.
    for (e, pos) in [(a, b.pos), (b, a.pos)] {
        if (e.next_to - pos) * (e.next_to - e.pos) <= 0.0 {
            return false;
        }
    }
    // Twins (the same two ends) keep the order the nudger gives them.
    if a.link == b.link || super::nudge::twins(m, a.link, b.link) {
        return false;
    }
    let na = moved(&paths[a.link], a, b.pos);
    let nb = moved(&paths[b.link], b, a.pos);
    // The two new paths must not share a line either.
    if na.windows(2).any(|u| {
        nb.windows(2)
            .any(|v| collinear_overlap(u[0], u[1], v[0], v[1]))
    }) {
        return false;
    }
    for (k, new, e) in [(a.link, &na, a), (b.link, &nb, b)] {
        let link = &m.links[k];
        // The two segments that moved: the port's and the one after its turn.
        let [i0, i1] = port_points(new, e);
        let i2 = if e.start { 2 } else { new.len() - 3 };
        let segs = [(new[i0], new[i1]), (new[i1], new[i2])];
        for (p, q) in segs {
            if hits_node(m, l, p, q, link.from, link.to) {
                return false;
            }
            for (o, other) in paths.iter().enumerate() {
                if o == a.link || o == b.link {
                    continue;
                }
                if other
                    .windows(2)
                    .any(|w| collinear_overlap(p, q, w[0], w[1]))
                {
                    return false;
                }
            }
        }
    }
    paths[a.link] = na;
    paths[b.link] = nb;
    true
}

/// Whether segment `p`–`q` passes through a node's box other than `from`'s and `to`'s, any
/// label or title, or a frame that holds neither end.
fn hits_node(m: &Model, l: &Layout, p: Point, q: Point, from: EntId, to: EntId) -> bool {
    let seg = Rect::new(
        p.0.min(q.0),
        p.1.min(q.1),
        (p.0 - q.0).abs(),
        (p.1 - q.1).abs(),
    )
    .inflate(2.0);
    let boxes = m.entities.iter().enumerate().any(|(i, e)| {
        let Some(placed) = l.boxes.get(i).and_then(|b| b.as_ref()) else {
            return false;
        };
        if placed
            .label
            .as_ref()
            .is_some_and(|t| seg.intersects(&t.rect))
        {
            return true;
        }
        let own = i == from.index() || i == to.index();
        if own || !seg.intersects(&placed.rect) {
            return false;
        }
        match e.kind {
            EntKind::Node { .. } | EntKind::RouteTable { .. } => true,
            _ => {
                let g = EntId(i as u32);
                !super::contains(m, g, from) && !super::contains(m, g, to)
            }
        }
    });
    boxes
        || l.overlays.iter().any(|o| {
            o.placed
                .label
                .as_ref()
                .is_some_and(|t| seg.intersects(&t.rect))
                || (seg.intersects(&o.placed.rect)
                    && !super::contains(m, o.ent, from)
                    && !super::contains(m, o.ent, to))
        })
}

/// Whether two axis-parallel segments lie on one line (within 1 px) and share more than a
/// pixel of it.
fn collinear_overlap(p: Point, q: Point, r: Point, s: Point) -> bool {
    // Horizontal segments run along x and sit at a y; vertical ones the other way round.
    let h = (p.1 - q.1).abs() < 0.01;
    if h != ((r.1 - s.1).abs() < 0.01) {
        return false;
    }
    let span = |a: Point, b: Point| {
        let (u, v) = (coord(a, !h), coord(b, !h));
        (u.min(v), u.max(v))
    };
    let ((a0, a1), (b0, b1)) = (span(p, q), span(r, s));
    (coord(p, h) - coord(r, h)).abs() < 1.0 && a1.min(b1) - a0.max(b0) > 1.0
}

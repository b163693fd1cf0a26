//! Step 1, the ends: takes the layout and a link's two ends; gives the candidate ports on
//! each side of an end's box (its centre, the point facing the other end, quarter points),
//! each with a cost that favours sides facing the other end.

use super::{seg_hits_rect, snap, CLEAR};
use crate::geom::Side;
use crate::layout::Layout;
use crate::model::{EntId, Model};

/// How far from the corners of either box a port shared by two facing boxes stays.
const FACING_MARGIN: f32 = 8.0;

/// A candidate end of a link on a box side.
#[derive(Debug, Clone, Copy)]
pub(super) struct Port {
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) side: Side,
    pub(super) cost: f32,
}

pub(super) fn outward(side: Side) -> (i32, i32) {
    match side {
        Side::Top => (0, -1),
        Side::Bottom => (0, 1),
        Side::Left => (-1, 0),
        Side::Right => (1, 0),
    }
}

pub(super) fn dir_index(d: (i32, i32)) -> usize {
    match d {
        (0, -1) => 0,
        (1, 0) => 1,
        (0, 1) => 2,
        _ => 3,
    }
}

pub(super) const DIRS: [(i32, i32); 4] = [(0, -1), (1, 0), (0, 1), (-1, 0)];

/// Candidate ports on `a` for a link whose other end is `b`.
pub(super) fn ports(m: &Model, l: &Layout, a: EntId, b: EntId) -> Vec<Port> {
    let (Some(pa), Some(pb)) = (l.link_end(a), l.link_end(b)) else {
        return Vec::new();
    };
    let r = pa.rect;
    let o = pb.rect;
    let (dx, dy) = (o.cx() - r.cx(), o.cy() - r.cy());
    let mut out = Vec::with_capacity(16);
    let group_end = m.get(a).is_group();
    let own_label = pa.label.as_ref().map(|t| t.rect.inflate(4.0));
    for side in [Side::Top, Side::Right, Side::Bottom, Side::Left] {
        // Sides that face away from the other end cost more.
        let facing = match side {
            Side::Top => -dy,
            Side::Bottom => dy,
            Side::Left => -dx,
            Side::Right => dx,
        };
        let along = (dx.abs() + dy.abs()).max(1.0);
        let side_cost = if facing < 0.0 { 40.0 } else { 0.0 } + 20.0 * (1.0 - facing / along);
        let horizontal = matches!(side, Side::Top | Side::Bottom);
        let (lo, hi) = if horizontal {
            (r.x, r.right())
        } else {
            (r.y, r.bottom())
        };
        let len = hi - lo;
        let centre = (lo + hi) / 2.0;
        // Candidate places along the side, with their extra cost (at most five: no
        // allocation per side).
        let mut offs = [(0.0f32, 0.0f32); 5];
        let mut n = 0;
        let mut add = |v: f32, c: f32| {
            offs[n] = (v, c);
            n += 1;
        };
        // Where the other end lies across from this side, the middle of the stretch both
        // share (kept off the corners): the same point on both ends, so a link between two
        // boxes that face each other a little offset can run straight. First, so that
        // nearby ports merge into it and both ends keep the same point.
        let (o_lo, o_hi) = if horizontal {
            (o.x, o.right())
        } else {
            (o.y, o.bottom())
        };
        let (s_lo, s_hi) = (lo.max(o_lo) + FACING_MARGIN, hi.min(o_hi) - FACING_MARGIN);
        if s_lo <= s_hi && facing > 0.0 && !group_end && !m.get(b).is_group() {
            add(snap((s_lo + s_hi) / 2.0), 0.0);
        }
        match (pa.icon, horizontal && !group_end) {
            (Some(ic), true) => add(ic.cx(), 0.0),
            _ => add(centre, 0.0),
        }
        if len > 80.0 {
            let target = if horizontal { o.cx() } else { o.cy() };
            add(target.clamp(lo + 16.0, hi - 16.0), 0.0);
            add(lo + len / 4.0, 6.0);
            add(hi - len / 4.0, 6.0);
        } else if !group_end {
            add(centre - 12.0, 8.0);
            add(centre + 12.0, 8.0);
        }
        // Ports closer than 6 px are one port (the cheaper), so two links never run a hair
        // apart on nearly the same line.
        let mut kept = [(0.0f32, 0.0f32); 5];
        let mut k_n = 0;
        for &(v, c) in &offs[..n] {
            match kept[..k_n].iter_mut().find(|(k, _)| (k - v).abs() < 6.0) {
                Some(k) => k.1 = k.1.min(c),
                None => {
                    kept[k_n] = (v, c);
                    k_n += 1;
                }
            }
        }
        for &(v, c) in &kept[..k_n] {
            let (x, y) = match side {
                Side::Top => (v, r.y),
                Side::Bottom => (v, r.bottom()),
                Side::Left => (r.x, v),
                Side::Right => (r.right(), v),
            };
            // A port whose first stretch would run into the node's own label is no port.
            let (ox, oy) = outward(side);
            let stub = (x + ox as f32 * CLEAR, y + oy as f32 * CLEAR);
            if !group_end && own_label.is_some_and(|lr| seg_hits_rect((x, y), stub, &lr)) {
                continue;
            }
            out.push(Port {
                x: snap(x),
                y: snap(y),
                side,
                cost: side_cost + c,
            });
        }
    }
    out
}

//! Step 5, labels: takes the routed polylines; gives each labelled link a label box on its
//! longest free stretch (on the line or just beside it), clear of boxes, labels, other
//! links, and preferably of frame lines; where there is no room, the nearest free spot.

use super::{seg_hits_rect, snap, Routes, END_LABEL_SIZE, INDEX_CELL, LINK_LABEL_SIZE};
use crate::geom::{Point, Rect};
use crate::layout::{Layout, TextBox};
use crate::model::Model;
use crate::spatial::RectIndex;
use crate::text::{Measure, LINE_HEIGHT};

/// 4. Places link labels where they hit nothing.
pub(super) fn place_labels(m: &Model, l: &Layout, text: &dyn Measure, routes: &mut Routes) {
    if m.links
        .iter()
        .all(|x| x.label.is_none() && x.end_labels.iter().all(Option::is_none))
    {
        return;
    }
    // Boxes, labels and link segments in bucket grids, so that a candidate spot is tested
    // only against what lies near it.
    let mut taken: Vec<Rect> = Vec::new();
    for (i, e) in m.entities.iter().enumerate() {
        let Some(p) = l.boxes.get(i).and_then(|b| b.as_ref()) else {
            continue;
        };
        if e.is_node() {
            taken.push(p.rect);
        }
        if let Some(ic) = p.icon {
            taken.push(ic);
        }
        if let Some(t) = &p.label {
            taken.push(t.rect);
        }
    }
    if let Some(t) = &l.title {
        taken.push(t.rect);
    }
    taken.extend(
        l.overlays
            .iter()
            .filter_map(|o| o.placed.label.as_ref().map(|t| t.rect)),
    );
    let mut index = RectIndex::new(l.width, l.height, INDEX_CELL);
    for r in taken {
        index.insert(r, ());
    }
    let mut taken = index;
    let all: Vec<Vec<Point>> = routes.links.iter().map(|r| r.points.clone()).collect();
    // Each segment under its box grown by the half pixel that `seg_hits_rect` adds.
    let mut segments = RectIndex::new(l.width, l.height, INDEX_CELL);
    for (o, p) in all.iter().enumerate() {
        for (i, s) in p.windows(2).enumerate() {
            let r = Rect::new(
                s[0].0.min(s[1].0),
                s[0].1.min(s[1].1),
                (s[0].0 - s[1].0).abs(),
                (s[0].1 - s[1].1).abs(),
            );
            segments.insert(r.inflate(0.5), (o, i));
        }
    }
    let hits_segment = |o: usize, i: usize, r: &Rect| seg_hits_rect(all[o][i], all[o][i + 1], r);
    let mut frames = RectIndex::new(l.width, l.height, INDEX_CELL);
    for (i, e) in m.entities.iter().enumerate() {
        if let Some(p) = l
            .boxes
            .get(i)
            .and_then(|b| b.as_ref())
            .filter(|_| e.is_group())
        {
            frames.insert(p.rect, ());
        }
    }
    // The texts by links' ends first: each has only a few places it can go.
    for k in 0..routes.links.len() {
        for end in 0..2 {
            let Some(label) = m.links[routes.links[k].link].end_labels[end].clone() else {
                continue;
            };
            if label.trim().is_empty() || routes.links[k].points.len() < 2 {
                continue;
            }
            let w = (text.width(&label, END_LABEL_SIZE, false) + 4.0).ceil();
            let h = (END_LABEL_SIZE * LINE_HEIGHT).ceil();
            let pts = &routes.links[k].points;
            let (p, q) = if end == 0 {
                (pts[0], pts[1])
            } else {
                (pts[pts.len() - 1], pts[pts.len() - 2])
            };
            let free = |c: &Rect| {
                c.x >= 0.0
                    && c.y >= 0.0
                    && c.right() <= l.width
                    && c.bottom() <= l.height
                    && !taken.any(c, |t, _| t.intersects(c))
                    && !segments.any(c, |_, &(o, i)| hits_segment(o, i, c))
            };
            let rect = end_spots(p, q, w, h)
                .into_iter()
                .find(|c| free(c))
                .unwrap_or_else(|| {
                    // Nowhere beside the line: the nearest free spot around the end.
                    let at = |dx: f32, dy: f32| {
                        Rect::new(snap(p.0 - w / 2.0 + dx), snap(p.1 - h / 2.0 + dy), w, h)
                    };
                    nearest_free(6.0, 60, at, free)
                });
            taken.insert(rect, ());
            routes.links[k].end_labels[end] = Some(TextBox {
                text: label,
                rect,
                size: END_LABEL_SIZE,
                bold: false,
            });
        }
    }
    for k in 0..routes.links.len() {
        if routes.links[k].points.len() < 2 {
            continue;
        }
        let Some(label) = m.links[routes.links[k].link].label.clone() else {
            continue;
        };
        // An empty label (`label = ""`) draws nothing and takes no room.
        if label.trim().is_empty() {
            continue;
        }
        let w = text.width(&label, LINK_LABEL_SIZE, false) + 6.0;
        let h = LINK_LABEL_SIZE * LINE_HEIGHT;
        let pts = &routes.links[k].points;
        let mut segs: Vec<(Point, Point)> = pts.windows(2).map(|s| (s[0], s[1])).collect();
        segs.sort_by(|a, b| {
            let la = (a.0 .0 - a.1 .0).abs() + (a.0 .1 - a.1 .1).abs();
            let lb = (b.0 .0 - b.1 .0).abs() + (b.0 .1 - b.1 .1).abs();
            lb.total_cmp(&la)
        });
        let mut best: Option<(f32, Rect)> = None;
        for (a, b) in &segs {
            let vertical = a.0 == b.0;
            let spots = [0.5f32, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9]
                .iter()
                .enumerate()
                .flat_map(|(fi, f)| {
                    // On the line (on its halo), or just beside it.
                    [
                        (0.0f32, 0.0f32, 0.0f32),
                        (1.0, 4.0, 3.0),
                        (-1.0, 4.0, 3.0),
                        (1.0, 16.0, 250.0),
                        (-1.0, 16.0, 250.0),
                    ]
                    .map(|(side, gap, cost)| (fi as f32 + cost, *f, side, gap))
                });
            for (fi, f, side, gap) in spots {
                let cx = a.0
                    + (b.0 - a.0) * f
                    + if vertical {
                        side * (w / 2.0 + gap)
                    } else {
                        0.0
                    };
                let cy = a.1
                    + (b.1 - a.1) * f
                    + if vertical {
                        0.0
                    } else {
                        side * (h / 2.0 + gap - 1.0)
                    };
                let cand = Rect::new(snap(cx - w / 2.0), snap(cy - h / 2.0), w.ceil(), h.ceil());
                if cand.x < 0.0
                    || cand.y < 0.0
                    || cand.right() > l.width
                    || cand.bottom() > l.height
                {
                    continue;
                }
                if taken.any(&cand, |t, _| t.intersects(&cand)) {
                    continue;
                }
                let hits_link =
                    segments.any(&cand, |_, &(o, i)| o != k && hits_segment(o, i, &cand));
                if hits_link {
                    continue;
                }
                // Prefer spots that do not straddle a frame line.
                let halo = cand.inflate(3.0);
                let straddles = frames.count(&halo, |fr, _| {
                    halo.intersects(fr)
                        && !(halo.x >= fr.x
                            && halo.right() <= fr.right()
                            && halo.y >= fr.y
                            && halo.bottom() <= fr.bottom())
                }) as f32;
                let score = straddles * 100.0 + fi;
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, cand));
                }
            }
            if best.is_some_and(|(s, _)| s < 1.0) {
                break;
            }
        }
        let rect = best.map(|(_, r)| r).unwrap_or_else(|| {
            // No room on or beside the line: the nearest free spot around the middle of its
            // longest segment, in rings 8 px apart (outside the canvas if need be; the canvas
            // grows to hold it).
            let (a, b) = segs[0];
            let at = |dx: f32, dy: f32| {
                Rect::new(
                    snap((a.0 + b.0) / 2.0 - w / 2.0 + dx),
                    snap((a.1 + b.1) / 2.0 - h / 2.0 + dy),
                    w.ceil(),
                    h.ceil(),
                )
            };
            let free = |c: &Rect| {
                let near = c.inflate(2.0);
                !taken.any(c, |t, _| t.intersects(c))
                    && !segments.any(&near, |_, &(o, i)| hits_segment(o, i, &near))
            };
            nearest_free(8.0, 100, at, free)
        });
        taken.insert(rect, ());
        routes.links[k].label = Some(TextBox {
            text: label,
            rect,
            size: LINK_LABEL_SIZE,
            bold: false,
        });
    }
}

/// Where the text by a link's end may go, best first: beside the link's end segment (from
/// `p` on the box towards `q`), starting 4 px out from the box, on either side of the line,
/// then a little further along.
fn end_spots(p: Point, q: Point, w: f32, h: f32) -> Vec<Rect> {
    let len = (q.0 - p.0).abs() + (q.1 - p.1).abs();
    let (ux, uy) = ((q.0 - p.0) / len.max(1.0), (q.1 - p.1) / len.max(1.0));
    let vertical = ux == 0.0;
    let mut out = Vec::new();
    for along in [4.0f32, 12.0, 20.0] {
        for side in [1.0f32, -1.0] {
            let (x, y) = if vertical {
                // Beside a vertical line: right (then left) of it, its near edge `along`
                // px from the box.
                let y0 = p.1 + uy * along;
                let y = if uy > 0.0 { y0 } else { y0 - h };
                let x = if side > 0.0 { p.0 + 4.0 } else { p.0 - 4.0 - w };
                (x, y)
            } else {
                // Above (then below) a horizontal line.
                let x0 = p.0 + ux * along;
                let x = if ux > 0.0 { x0 } else { x0 - w };
                let y = if side > 0.0 { p.1 - 2.0 - h } else { p.1 + 2.0 };
                (x, y)
            };
            out.push(Rect::new(snap(x), snap(y), w, h));
        }
    }
    out
}

/// The nearest spot `at(dx, dy)` for which `free` holds, searched in square rings `step` px
/// apart (at most `rings` of them); the spot at the centre when none is free.
fn nearest_free(
    step: f32,
    rings: usize,
    at: impl Fn(f32, f32) -> Rect,
    free: impl Fn(&Rect) -> bool,
) -> Rect {
    (1..=rings)
        .find_map(|ring| {
            let r = ring as f32 * step;
            let mut spots: Vec<(f32, Rect)> = (0..ring * 2)
                .flat_map(|i| {
                    let t = -r + i as f32 * step;
                    [(t, -r), (r, t), (-t, r), (-r, -t)]
                })
                .map(|(dx, dy)| (dx * dx + dy * dy, at(dx, dy)))
                .filter(|(_, c)| free(c))
                .collect();
            spots.sort_by(|x, y| x.0.total_cmp(&y.0));
            spots.first().map(|(_, c)| *c)
        })
        .unwrap_or_else(|| at(0.0, 0.0))
}

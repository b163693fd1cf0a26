//! Step 6, review (rip-up and reroute): takes the nudged polylines; gives them again with
//! the links that ended up along a frame line routed anew, where that reads better.
//!
//! The search picks a channel by length and bends; only nudging, which spreads the links
//! sharing a channel, shows that the channel was too narrow for all of them (three links
//! down a 40 px gap between two zones, four across the strip between a VPC's title and its
//! zones), and the outer ones end up closer than [`super::CLEAR`] to a frame line: the
//! border hugging of quality.md. So the routes are reviewed: each link that runs along a
//! frame line (or through a title band) marks the channel it ran in as crowded for itself,
//! every link is searched again (a crowded stretch costs that link more, so it takes
//! another channel if there is a reasonable one), and nudged again. The new routes are
//! kept only when fewer links hug a frame or make a detour than before; up to
//! [`ROUNDS`] times, the crowded stretches adding up.

use super::search::{route_all, Crowded};
use super::{ends, grid::Grid, nudge};
use crate::geom::{Point, Rect};
use crate::layout::Layout;
use crate::model::{EntId, Model};
use crate::quality;
use crate::spatial::RectIndex;

/// How many times the routes are reviewed at most.
const ROUNDS: usize = 3;
// quality.md's measures of border hugging and detours, as `quality.rs` checks them.
const HUG_GAP: f32 = quality::HUG_GAP as f32;
const HUG_LENGTH: f32 = quality::HUG_LENGTH as f32;
const HUG_END: f32 = quality::HUG_END as f32;
const CHANNEL_SLACK: f32 = quality::CHANNEL_SLACK as f32;
const BAND_LENGTH: f32 = quality::BAND_LENGTH as f32;
const DETOUR_FACTOR: f32 = quality::DETOUR_FACTOR as f32;
const DETOUR_EXTRA: f32 = quality::DETOUR_EXTRA as f32;
/// How far across from the frame line a crowded stretch reaches on each side: the whole
/// of a narrow channel beside the line.
const REACH: f32 = 40.0;
/// A frame links should not run along: its box, its title band (if its title is in its
/// top half), and the group it is (`None` for an overlay box).
struct Frame {
    rect: Rect,
    band: Option<Rect>,
    group: Option<EntId>,
}

/// Reviews the routes `paths` (see the module comment), routing again on `grid`.
pub(super) fn review(
    m: &Model,
    l: &Layout,
    grid: &Grid,
    parallel: bool,
    paths: &mut Vec<Vec<Point>>,
) {
    let frames = frames(m, l);
    let mut crowded: Vec<Vec<Crowded>> = vec![Vec::new(); m.links.len()];
    let mut found = hugs(m, l, &frames, paths);
    let mut bad = badness(m, l, paths, &found);
    for _ in 0..ROUNDS {
        if bad == 0 {
            return;
        }
        let mut more = false;
        for (k, zones) in found.into_iter().enumerate() {
            more |= !zones.is_empty();
            crowded[k].extend(zones);
        }
        if !more {
            return;
        }
        let mut again = route_all(m, l, grid, parallel, &crowded);
        ends::untangle(m, l, &mut again);
        nudge::nudge(m, l, &mut again);
        found = hugs(m, l, &frames, &again);
        let now = badness(m, l, &again, &found);
        if now >= bad {
            return;
        }
        bad = now;
        *paths = again;
    }
}

fn frames(m: &Model, l: &Layout) -> Vec<Frame> {
    let band =
        |r: &Rect, t: Option<&crate::layout::TextBox>| super::title_band(r, t.map(|t| &t.rect));
    let mut out = Vec::new();
    for (i, e) in m.entities.iter().enumerate() {
        if let (true, Some(p)) = (e.is_group(), l.boxes.get(i).and_then(|b| b.as_ref())) {
            out.push(Frame {
                rect: p.rect,
                band: band(&p.rect, p.label.as_ref()),
                group: Some(EntId(i as u32)),
            });
        }
    }
    for o in &l.overlays {
        out.push(Frame {
            rect: o.placed.rect,
            band: band(&o.placed.rect, o.placed.label.as_ref()),
            group: None,
        });
    }
    out
}

/// How many links hug a frame (have crowded stretches in `found`) or make a detour.
fn badness(m: &Model, l: &Layout, paths: &[Vec<Point>], found: &[Vec<Crowded>]) -> usize {
    (0..paths.len())
        .filter(|&k| !found[k].is_empty() || detour(m, l, k, &paths[k]))
        .count()
}

/// Whether link `k` with points `pts` is much longer than the distance between its ends.
fn detour(m: &Model, l: &Layout, k: usize, pts: &[Point]) -> bool {
    let link = &m.links[k];
    let (Some(a), Some(b)) = (l.link_end(link.from), l.link_end(link.to)) else {
        return false;
    };
    let (a, b) = (a.rect, b.rect);
    let dx = (b.x - a.right()).max(a.x - b.right()).max(0.0);
    let dy = (b.y - a.bottom()).max(a.y - b.bottom()).max(0.0);
    let d = dx + dy;
    let len: f32 = pts
        .windows(2)
        .map(|w| (w[1].0 - w[0].0).abs() + (w[1].1 - w[0].1).abs())
        .sum();
    len > (DETOUR_FACTOR * d).max(d + DETOUR_EXTRA)
}

/// One straight stretch of a link, its ends cut off: `at` across, `[lo, hi]` along.
struct Run {
    horizontal: bool,
    at: f32,
    lo: f32,
    hi: f32,
}

/// The straight stretches of a polyline that border hugging measures: its first and last
/// [`HUG_END`] px cut off.
fn runs(pts: &[Point]) -> Vec<Run> {
    let len = |a: Point, b: Point| (b.0 - a.0).abs() + (b.1 - a.1).abs();
    let total: f32 = pts.windows(2).map(|w| len(w[0], w[1])).sum();
    let (from, to) = (HUG_END, total - HUG_END);
    let mut out = Vec::new();
    let mut start = 0.0;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let l = len(a, b);
        let (t0, t1) = ((from - start).max(0.0), (to - start).min(l));
        start += l;
        if t1 - t0 <= 0.5 {
            continue;
        }
        let horizontal = a.1 == b.1;
        let (at, s, dir) = if horizontal {
            (a.1, a.0, (b.0 - a.0).signum())
        } else {
            (a.0, a.1, (b.1 - a.1).signum())
        };
        let (p, q) = (s + dir * t0, s + dir * t1);
        out.push(Run {
            horizontal,
            at,
            lo: p.min(q),
            hi: p.max(q),
        });
    }
    out
}

/// Box `r` as (start across, end across, start along, end along) for runs of one direction.
fn axes(r: &Rect, horizontal: bool) -> (f32, f32, f32, f32) {
    if horizontal {
        (r.y, r.bottom(), r.x, r.right())
    } else {
        (r.x, r.right(), r.y, r.bottom())
    }
}

fn overlap(a0: f32, a1: f32, b0: f32, b1: f32) -> f32 {
    (a1.min(b1) - a0.max(b0)).max(0.0)
}

/// Per link, the stretches of channel where it hugs a frame line or crosses a title band
/// (empty for a link that does neither): each the link's run along that frame, reaching
/// [`REACH`] across on both sides of the line (or the band).
fn hugs(m: &Model, l: &Layout, frames: &[Frame], paths: &[Vec<Point>]) -> Vec<Vec<Crowded>> {
    let mut out = vec![Vec::new(); paths.len()];
    // The frames' lines and title bands, grown by how near a run must come, by frame.
    let reach = HUG_GAP + 2.0 * CHANNEL_SLACK;
    let mut index = RectIndex::new(l.width, l.height, 128.0);
    for (f, frame) in frames.iter().enumerate() {
        let r = frame.rect;
        for line in [
            Rect::new(r.x, r.y, r.w, 0.0),
            Rect::new(r.x, r.bottom(), r.w, 0.0),
            Rect::new(r.x, r.y, 0.0, r.h),
            Rect::new(r.right(), r.y, 0.0, r.h),
        ] {
            index.insert(line.inflate(reach), f);
        }
        if let Some(b) = frame.band {
            index.insert(b, f);
        }
    }
    let mut near: Vec<usize> = Vec::new();
    for (k, pts) in paths.iter().enumerate() {
        let link = &m.links[k];
        // The frame a border node at either end sits on (its own line).
        let own: Vec<EntId> = [link.from, link.to]
            .into_iter()
            .filter(|&e| l.get(e).is_some_and(|p| p.border.is_some()))
            .filter_map(|e| m.get(e).parent)
            .collect();
        let runs = runs(pts);
        // Per frame: length along it, and the stretches; length in its title band, and those.
        let mut along: Vec<(usize, f32, Vec<Crowded>)> = Vec::new();
        let mut banded: Vec<(usize, f32, Vec<Crowded>)> = Vec::new();
        for run in &runs {
            let r = stretch(run.horizontal, run.lo, run.hi, run.at, run.at).rect;
            near.clear();
            index.any(&r, |_, &f| {
                let (c0, c1, a0, a1) = axes(&frames[f].rect, run.horizontal);
                if overlap(run.lo, run.hi, a0, a1) > 0.0
                    && run.at > c0 - reach
                    && run.at < c1 + reach
                {
                    near.push(f);
                }
                false
            });
            near.sort_unstable();
            near.dedup();
            let in_channel = |f: usize| {
                near.iter().any(|&g| {
                    let (fa, fb) = (
                        axes(&frames[f].rect, run.horizontal),
                        axes(&frames[g].rect, run.horizontal),
                    );
                    let side_by_side = |a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)| {
                        a.1 <= run.at
                            && b.0 >= run.at
                            && overlap(a.2, a.3, b.2, b.3) > 0.0
                            && (run.at - (a.1 + b.0) / 2.0).abs() <= CHANNEL_SLACK
                    };
                    g != f && (side_by_side(fa, fb) || side_by_side(fb, fa))
                })
            };
            for &f in &near {
                let frame = &frames[f];
                if frame.group.is_some_and(|g| own.contains(&g)) || in_channel(f) {
                    continue;
                }
                let (c0, c1, a0, a1) = axes(&frame.rect, run.horizontal);
                let (d0, d1) = ((run.at - c0).abs(), (run.at - c1).abs());
                let line = if d0 <= d1 { c0 } else { c1 };
                let (lo, hi) = (run.lo.max(a0), run.hi.min(a1));
                if d0.min(d1) < HUG_GAP && hi > lo {
                    let zone = stretch(run.horizontal, lo, hi, line - REACH, line + REACH);
                    add(&mut along, f, hi - lo, zone);
                }
                if let Some(b) = frame.band.filter(|_| run.horizontal) {
                    let (lo, hi) = (run.lo.max(b.x), run.hi.min(b.right()));
                    if run.at >= b.y && run.at <= b.bottom() && hi > lo {
                        let zone = stretch(true, lo, hi, b.y - HUG_GAP, b.bottom() + HUG_GAP);
                        add(&mut banded, f, hi - lo, zone);
                    }
                }
            }
        }
        for (_, len, zones) in along {
            if len > HUG_LENGTH {
                out[k].extend(zones);
            }
        }
        for (_, len, zones) in banded {
            if len > BAND_LENGTH {
                out[k].extend(zones);
            }
        }
    }
    out
}

/// A stretch `[lo, hi]` along and `[c0, c1]` across, for runs of one direction.
fn stretch(horizontal: bool, lo: f32, hi: f32, c0: f32, c1: f32) -> Crowded {
    let rect = if horizontal {
        Rect::new(lo, c0, hi - lo, c1 - c0)
    } else {
        Rect::new(c0, lo, c1 - c0, hi - lo)
    };
    Crowded { rect, horizontal }
}

fn add(to: &mut Vec<(usize, f32, Vec<Crowded>)>, f: usize, len: f32, zone: Crowded) {
    match to.iter_mut().find(|e| e.0 == f) {
        Some(e) => {
            e.1 += len;
            e.2.push(zone);
        }
        None => to.push((f, len, vec![zone])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_squeezed_against_a_zone_line_is_routed_round() {
        // The link from the table to the user pool first takes the gap between two zone
        // columns and is nudged 7.5 px from a zone line; reviewed, it goes round.
        let t = include_str!("../../tests/cases/fuzz/crowded-gap-rerouted.toml");
        let d = crate::compile(t).expect("compiles");
        let (m, l) = (&d.model, &d.layout);
        let grid = Grid::build(m, l);
        let mut first = route_all(m, l, &grid, false, &[]);
        ends::untangle(m, l, &mut first);
        nudge::nudge(m, l, &mut first);
        let frames = frames(m, l);
        let before = hugs(m, l, &frames, &first);
        let k = m
            .links
            .iter()
            .position(|x| m.get(x.from).id == "n3" && m.get(x.to).id == "n6")
            .expect("the link");
        assert!(!before[k].is_empty(), "the first routes hug nothing");
        let mut reviewed = first.clone();
        review(m, l, &grid, false, &mut reviewed);
        assert!(hugs(m, l, &frames, &reviewed).iter().all(|h| h.is_empty()));
        assert_ne!(first[k], reviewed[k]);
    }
}

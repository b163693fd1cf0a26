//! Step 3, the search: takes the grid and every link's ports; gives each link's path over
//! the grid. Links are routed in model order, each an A* over (grid point, heading) with a
//! bend penalty, seeing the routes of the links before it: edges already used by a link
//! that shares neither end, or parallel to one less than 8 px away, are closed, so parallel
//! links keep at least 8 px apart; links of one fan-out may share a trunk. Sides facing the
//! other end cost less; running alongside a frame line costs double, across a frame's title
//! band four times; a turn closer than 10 px to the link's port costs three bends more (no
//! hooks); for a link the review step found crowded somewhere, an edge of that stretch costs
//! four times its length.

use super::grid::{Grid, Owner};
use super::heuristic::{Goal, Heuristic};
use super::ports::{dir_index, outward, Port, DIRS};
use super::simplify::simplify;
use super::{snap, BAND, BEND, GAP, HUG};
use crate::geom::{Point, Rect};
use crate::layout::Layout;
use crate::model::{EntId, EntKind, Model, Placement};
use crate::spatial::RectIndex;
use std::collections::HashMap;

/// Below this many links, routing runs on one thread.
pub(super) const PARALLEL_MIN_LINKS: usize = 256;

/// Routes every link in model order, each seeing the routes of the links before it.
///
/// With many links and a second core, the second half of the links is routed speculatively
/// on another thread while this one routes the first half, as if the first half were not
/// there. Each speculative route is then kept only if its search read nothing the first half
/// wrote: no edge of a first-half route, nor a parallel edge near it (see
/// [`Grid::parallel_near`]), touches the box of points its search expanded (grown by one),
/// and it shares no end with a first-half link (port use). From the first
/// route that fails the test on, links are routed again here, after the first half and the
/// kept routes. The result is exactly that of routing every link in order on one thread.
pub(super) fn route_all(
    m: &Model,
    l: &Layout,
    grid: &Grid,
    parallel: bool,
    crowded: &[Vec<Crowded>],
) -> Vec<Vec<Point>> {
    let n = m.links.len();
    let route_range = |r: &mut Router, used: &mut Used, range: std::ops::Range<usize>| {
        range
            .map(|k| {
                let link = &m.links[k];
                let pts = r.route_one(k, link.from, link.to, used);
                (pts, std::mem::take(&mut r.path), r.reads.take())
            })
            .collect::<Vec<_>>()
    };
    if n < 2 || !parallel {
        let mut r = Router::new(m, l, grid, crowded);
        let mut used = Used::new(grid.edges());
        return route_range(&mut r, &mut used, 0..n)
            .into_iter()
            .map(|t| t.0)
            .collect();
    }
    let split = n / 2;
    let (mut r, mut used, first, second) = std::thread::scope(|s| {
        let spec = s.spawn(|| {
            let mut r = Router::new(m, l, grid, crowded);
            let mut used = Used::new(grid.edges());
            route_range(&mut r, &mut used, split..n)
        });
        let mut r = Router::new(m, l, grid, crowded);
        let mut used = Used::new(grid.edges());
        let first = route_range(&mut r, &mut used, 0..split);
        let second = spec.join().expect("routing thread");
        (r, used, first, second)
    });
    // What the first half's routes wrote, in grid index space: each straight run, widened
    // across to the parallel lines closer than GAP; and the entities they end at.
    let mut runs = RectIndex::new(grid.nx() as f32, grid.ny() as f32, 16.0);
    for (_, path, _) in &first {
        let mut a = 0;
        while a + 1 < path.len() {
            let horizontal = path[a].1 == path[a + 1].1;
            let mut b = a + 1;
            while b + 1 < path.len() && (path[b].1 == path[b + 1].1) == horizontal {
                b += 1;
            }
            let ((i0, j0), (i1, j1)) = (path[a], path[b]);
            let (mut ri, mut rj) = ((i0.min(i1), i0.max(i1)), (j0.min(j1), j0.max(j1)));
            if horizontal {
                rj = near_lines(&grid.ys, j0);
            } else {
                ri = near_lines(&grid.xs, i0);
            }
            let r = Rect::new(
                ri.0 as f32,
                rj.0 as f32,
                (ri.1 - ri.0) as f32,
                (rj.1 - rj.0) as f32,
            );
            runs.insert(r, ());
            a = b;
        }
    }
    let mut ends = vec![false; m.entities.len()];
    for link in &m.links[..split] {
        ends[link.from.index()] = true;
        ends[link.to.index()] = true;
    }
    let kept = second
        .iter()
        .enumerate()
        .take_while(|(o, (_, _, reads))| {
            let link = &m.links[split + o];
            if ends[link.from.index()] || ends[link.to.index()] {
                return false;
            }
            let Some((i0, i1, j0, j1)) = *reads else {
                return true;
            };
            let (i0, j0) = (i0.saturating_sub(1) as f32, j0.saturating_sub(1) as f32);
            let (i1, j1) = ((i1 + 1) as f32, (j1 + 1) as f32);
            let area = Rect::new(i0, j0, i1 - i0, j1 - j0);
            !runs.any(&area, |r, _| {
                r.x <= i1 && i0 <= r.right() && r.y <= j1 && j0 <= r.bottom()
            })
        })
        .count();
    let mut out: Vec<Vec<Point>> = first.into_iter().map(|t| t.0).collect();
    for (o, (pts, path, _)) in second.into_iter().enumerate() {
        let k = split + o;
        if o < kept {
            r.commit(k, &path, &mut used);
            out.push(pts);
        } else {
            let link = &m.links[k];
            out.push(r.route_one(k, link.from, link.to, &mut used));
        }
    }
    out
}

/// A stretch of channel where a link ran along a frame line (found by [`super::review`]):
/// on its next search, that link's edges inside `rect` running the same way cost
/// [`CROWDED`] times as much.
#[derive(Debug, Clone, Copy)]
pub(super) struct Crowded {
    pub rect: Rect,
    pub horizontal: bool,
}

/// A link's first and last segments should be at least this long: a turn closer to the
/// port than this costs [`SHORT_STUB`] more.
const STUB: f32 = 10.0;
const SHORT_STUB: f32 = 3.0 * BEND;

/// Cost factor of an edge in a [`Crowded`] stretch, for the link that hugged there.
const CROWDED: f32 = 4.0;

struct Router<'a> {
    m: &'a Model,
    l: &'a Layout,
    grid: &'a Grid,
    /// Per link, the stretches that cost it more (empty for most).
    crowded: &'a [Vec<Crowded>],
    /// The grid path of the last routed link (empty when it had none).
    path: Vec<(usize, usize)>,
    /// The box of grid points (i0, i1, j0, j1) that the searches of the last link expanded.
    reads: Option<(usize, usize, usize, usize)>,
    /// What the current search expanded, merged into `reads` when it ends.
    expanded: std::cell::Cell<Option<(usize, usize, usize, usize)>>,
    scratch: std::cell::RefCell<Scratch>,
    heap: std::cell::RefCell<Queue>,
    /// Per link: whether another link has the same two ends, the same way round.
    twin: Vec<bool>,
    /// Per obstacle, what the current search may do with it (see [`Router::search`]).
    pass: std::cell::RefCell<Stamps<u8>>,
    /// Links that used each port point, per entity.
    port_use: HashMap<(EntId, i32, i32), Vec<usize>>,
    /// Groups the current link may enter: those set in this link's round.
    open: Stamps<()>,
    /// The innermost group holding both ends of the current link, if any: leaving it costs
    /// [`EXCURSION`] (and so does coming back).
    common: Option<EntId>,
}

/// A value per item that counts only in the round (a link, a search) that set it: each entry
/// carries the round's stamp, so starting a round clears nothing.
#[derive(Default)]
struct Stamps<T> {
    entries: Vec<(u32, T)>,
    round: u32,
}

impl<T: Copy + Default> Stamps<T> {
    /// Starts a round over `len` items, none of them set.
    fn next_round(&mut self, len: usize) {
        self.entries.resize(len, (0, T::default()));
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.entries.fill((0, T::default()));
            self.round = 1;
        }
    }
    #[inline]
    fn get(&self, i: usize) -> Option<T> {
        let (r, v) = self.entries[i];
        (r == self.round).then_some(v)
    }
    #[inline]
    fn set(&mut self, i: usize, v: T) {
        self.entries[i] = (self.round, v);
    }
}

/// Cost of crossing the frame of the innermost group that holds both ends of a link (an
/// excursion out of it and back costs twice this).
const EXCURSION: f32 = 1000.0;

/// The links using each grid edge: one bit per edge says whether any does; the links of a
/// used edge are a list threaded through one array (newest first), so an edge costs a map
/// entry and a few bytes per link rather than a vector of its own. Each edge also keeps the
/// ends its links all have in common (see [`Head`]), so that asking whether a link of a fan
/// may share it does not walk the fan's hundreds of links.
struct EdgeUsers {
    bits: Vec<u64>,
    head: HashMap<usize, Head, FastHash>,
    /// (link, index of the next older user of the same edge, or `u32::MAX`).
    links: Vec<(u32, u32)>,
}

/// An edge's newest user, and what all its users have in common: `mask` bit 0 when every
/// one starts at `from`, bit 1 when every one ends at `to` (the first user's ends); both
/// clear once users of different line styles share the edge.
#[derive(Clone, Copy)]
struct Head {
    newest: u32,
    from: EntId,
    to: EntId,
    style: crate::spec::LineStyle,
    mask: u8,
}

/// The ends and line style of a link, as the edge users compare them.
type Ends = (EntId, EntId, crate::spec::LineStyle);

/// The links on each grid edge, and those on a parallel edge closer than [`GAP`].
struct Used {
    on: EdgeUsers,
    near: EdgeUsers,
}

impl Used {
    fn new(edges: usize) -> Used {
        Used {
            on: EdgeUsers::new(edges),
            near: EdgeUsers::new(edges),
        }
    }
}

impl EdgeUsers {
    fn new(edges: usize) -> EdgeUsers {
        EdgeUsers {
            bits: vec![0; edges.div_ceil(64)],
            head: HashMap::default(),
            links: Vec::new(),
        }
    }
    /// True when some link uses edge `e`.
    fn has(&self, e: usize) -> bool {
        (self.bits[e / 64] >> (e % 64)) & 1 == 1
    }
    /// The links using edge `e`, newest first.
    fn users(&self, e: usize) -> impl Iterator<Item = usize> + '_ {
        let first = if self.has(e) {
            self.head.get(&e).map_or(u32::MAX, |h| h.newest)
        } else {
            u32::MAX
        };
        std::iter::successors((first != u32::MAX).then_some(first), |&i| {
            let next = self.links[i as usize].1;
            (next != u32::MAX).then_some(next)
        })
        .map(|i| self.links[i as usize].0 as usize)
    }
    fn add(&mut self, e: usize, link: usize, (from, to, style): Ends) {
        self.bits[e / 64] |= 1 << (e % 64);
        let at = self.links.len() as u32;
        let next = match self.head.entry(e) {
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let h = o.get_mut();
                h.mask &= (h.from == from) as u8 | ((h.to == to) as u8) << 1;
                if h.style != style {
                    h.mask = 0;
                }
                std::mem::replace(&mut h.newest, at)
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(Head {
                    newest: at,
                    from,
                    to,
                    style,
                    mask: 3,
                });
                u32::MAX
            }
        };
        self.links.push((link as u32, next));
    }
    /// True when some link on edge `e` other than `k` is apart from `k` (does not share
    /// exactly one end with it the same way round, see [`Router::shares_end`]). `twins`:
    /// whether some other link has the same two ends as `k`.
    fn any_apart(&self, e: usize, k: usize, r: &Router<'_>, twins: bool) -> bool {
        if !self.has(e) {
            return false;
        }
        let link = &r.m.links[k];
        if let (Some(h), false) = (self.head.get(&e), twins) {
            // Every user starts (or ends) where `k` does: each shares that end with `k`,
            // and only a twin of `k` would share the other too.
            if h.style == link.style
                && ((h.mask & 1 != 0 && h.from == link.from)
                    || (h.mask & 2 != 0 && h.to == link.to))
            {
                return false;
            }
        }
        self.users(e).any(|u| u != k && !r.shares_end(k, u))
    }
}

thread_local! {
    /// A finished router's search state and queue, for the next router on the thread (a
    /// render loop, watch mode, tests): their arrays are already faulted in.
    static SPARE: std::cell::Cell<Option<(Scratch, Queue)>> = const { std::cell::Cell::new(None) };
}

impl Drop for Router<'_> {
    fn drop(&mut self) {
        let scratch = std::mem::take(self.scratch.get_mut());
        SPARE.set(Some((scratch, std::mem::take(self.heap.get_mut()))));
    }
}

impl<'a> Router<'a> {
    fn new(m: &'a Model, l: &'a Layout, grid: &'a Grid, crowded: &'a [Vec<Crowded>]) -> Router<'a> {
        let spare = SPARE.take().unwrap_or_default();
        Router {
            m,
            l,
            grid,
            crowded,
            path: Vec::new(),
            reads: None,
            expanded: std::cell::Cell::new(None),
            scratch: std::cell::RefCell::new(spare.0),
            heap: std::cell::RefCell::new(spare.1),
            pass: std::cell::RefCell::new(Stamps::default()),
            twin: {
                let mut count: HashMap<(EntId, EntId), u32> = HashMap::new();
                for link in &m.links {
                    *count.entry((link.from, link.to)).or_default() += 1;
                }
                m.links.iter().map(|l| count[&(l.from, l.to)] > 1).collect()
            },
            port_use: HashMap::new(),
            open: Stamps::default(),
            common: None,
        }
    }

    /// Stamps the groups a link with ends `a`, `b` may enter: every group that
    /// [`contains`] one of its ends.
    fn open_groups(&mut self, a: EntId, b: EntId) {
        self.open.next_round(self.m.entities.len());
        let m = self.m;
        for e in [a, b] {
            let mut inner = vec![e];
            match &m.get(e).kind {
                EntKind::Node {
                    placement: Placement::Span(spans),
                    ..
                } => inner.extend(spans),
                EntKind::Overlay { members, .. } => inner.extend(members),
                _ => {}
            }
            for x in inner {
                for g in std::iter::once(x).chain(m.ancestors(x)) {
                    self.open.set(g.index(), ());
                }
            }
        }
    }

    fn route_one(&mut self, k: usize, from: EntId, to: EntId, used: &mut Used) -> Vec<Point> {
        self.path.clear();
        self.reads = None;
        self.open_groups(from, to);
        let m = self.m;
        self.common = m.ancestors(from).find(|&g| super::contains(m, g, to));
        let [starts, goals] = &self.grid.ends[k];
        self.expanded.set(None);
        let path = self
            .astar(k, from, to, starts, goals, used, true)
            .or_else(|| self.astar(k, from, to, starts, goals, used, false));
        self.reads = self.expanded.get();
        let Some(path) = path else {
            // No route on the grid (should not happen): a plain Z between facing sides.
            let a = self.l.link_end(from).map_or(Rect::default(), |p| p.rect);
            let b = self.l.link_end(to).map_or(Rect::default(), |p| p.rect);
            return if b.x >= a.right() || b.right() <= a.x {
                let (x0, x1) = if b.x >= a.right() {
                    (a.right(), b.x)
                } else {
                    (a.x, b.right())
                };
                let mx = snap((x0 + x1) / 2.0);
                simplify(vec![(x0, a.cy()), (mx, a.cy()), (mx, b.cy()), (x1, b.cy())])
            } else {
                let (y0, y1) = if b.y >= a.bottom() {
                    (a.bottom(), b.y)
                } else {
                    (a.y, b.bottom())
                };
                let my = snap((y0 + y1) / 2.0);
                simplify(vec![(a.cx(), y0), (a.cx(), my), (b.cx(), my), (b.cx(), y1)])
            };
        };
        let pts = self.commit(k, &path, used);
        self.path = path;
        pts
    }

    /// Records the edges and end ports of link `k`'s grid path as used, and the parallel edges
    /// closer than [`GAP`], which other links then keep off; returns its points.
    fn commit(&mut self, k: usize, path: &[(usize, usize)], used: &mut Used) -> Vec<Point> {
        if path.is_empty() {
            return Vec::new();
        }
        let link = &self.m.links[k];
        for w in path.windows(2) {
            if let Some(e) = self.edge_between(w[0], w[1]) {
                used.on.add(e, k, (link.from, link.to, link.style));
            }
            for e in self.grid.parallel_near(w[0], w[1]) {
                used.near.add(e, k, (link.from, link.to, link.style));
            }
        }
        let pts: Vec<Point> = path
            .iter()
            .map(|&(i, j)| (self.grid.xs[i], self.grid.ys[j]))
            .collect();
        for (ent, p) in [(link.from, pts[0]), (link.to, *pts.last().expect("path"))] {
            self.port_use
                .entry((ent, (p.0 * 2.0) as i32, (p.1 * 2.0) as i32))
                .or_default()
                .push(k);
        }
        simplify(pts)
    }

    fn edge_between(&self, a: (usize, usize), b: (usize, usize)) -> Option<usize> {
        if a.1 == b.1 && a.0.abs_diff(b.0) == 1 {
            Some(self.grid.hedge(a.0.min(b.0), a.1))
        } else if a.0 == b.0 && a.1.abs_diff(b.1) == 1 {
            Some(self.grid.vedge(a.0, a.1.min(b.1)))
        } else {
            None
        }
    }

    /// Links of one fan-out or fan-in drawn in the same line style may share a trunk; two
    /// links with the same two ends may not (they would read as one), nor a dashed link and
    /// a solid one.
    fn shares_end(&self, k: usize, other: usize) -> bool {
        let a = &self.m.links[k];
        let b = &self.m.links[other];
        (a.from == b.from) != (a.to == b.to) && a.style == b.style
    }

    /// A* from `starts` to `goals` for link `k` (see [`Router::search`]). The search state
    /// lives in a dense window around the ports (16 grid lines), and a search that reaches
    /// that window's edge starts again over the whole grid when it has at most 2^17 points,
    /// else in a window eight times as wide, then in a hash map over the whole grid, so the
    /// result is always that of one search over the whole grid.
    #[allow(clippy::too_many_arguments)]
    fn astar(
        &self,
        k: usize,
        from: EntId,
        to: EntId,
        starts: &[Port],
        goals: &[Port],
        used: &Used,
        strict: bool,
    ) -> Option<Vec<(usize, usize)>> {
        let g = &self.grid;
        let (nx, ny) = (g.nx(), g.ny());
        if nx < 2 || ny < 2 {
            return None;
        }
        let (mut i0, mut i1, mut j0, mut j1) = (usize::MAX, 0, usize::MAX, 0);
        for p in starts.iter().chain(goals) {
            if let (Some(i), Some(j)) = (g.xi(p.x), g.yi(p.y)) {
                (i0, i1, j0, j1) = (i0.min(i), i1.max(i), j0.min(j), j1.max(j));
            }
        }
        if i0 > i1 {
            return None;
        }
        let mut scratch = self.scratch.borrow_mut();
        let Scratch { window, sparse } = &mut *scratch;
        // A search first runs in a window 16 grid lines around its ports, and again over a
        // wider one only if it reaches that window's edge (a grid small enough: over all of
        // it). Most links stay near their ends, and a small window keeps the pages a fresh
        // process touches (each a page fault) few: ohio-network 292 -> 273 faults per run.
        // The path found is the same: the search meets the same states in the same order.
        let margins: &[usize] = if nx * ny <= 1 << 17 {
            &[16, usize::MAX / 4]
        } else {
            &[16, 128]
        };
        for &margin in margins {
            let (wi0, wj0) = (i0.saturating_sub(margin), j0.saturating_sub(margin));
            let (wi1, wj1) = ((i1 + margin).min(nx - 1), (j1 + margin).min(ny - 1));
            window.reset(wi0, wj0, wi1 - wi0 + 1, wj1 - wj0 + 1);
            if let Ok(path) = self.search(k, from, to, starts, goals, used, strict, window) {
                return path;
            }
            if (wi0, wj0, wi1, wj1) == (0, 0, nx - 1, ny - 1) {
                break;
            }
        }
        sparse.nx = nx;
        sparse.map.clear();
        self.search(k, from, to, starts, goals, used, strict, sparse)
            .unwrap_or_default()
    }

    /// One A* search over (grid point, heading) with its state in `store`; `Err` when the
    /// search reaches a point the store cannot hold.
    #[allow(clippy::too_many_arguments)]
    fn search<S: States>(
        &self,
        k: usize,
        from: EntId,
        to: EntId,
        starts: &[Port],
        goals: &[Port],
        used: &Used,
        strict: bool,
        best: &mut S,
    ) -> Result<Option<Vec<(usize, usize)>>, OutOfWindow> {
        let g = &self.grid;
        let (nx, ny) = (g.nx(), g.ny());
        // Which obstacles this link may cross: groups holding one of its ends (stamped by
        // `open_groups`), the clearance around its own ends.
        // Per obstacle: CLOSED when this link may not cross it, COMMON when it is the frame
        // of the innermost group holding both ends; worked out when the search first meets
        // the obstacle (entries stamped with this search's number).
        const CLOSED: u8 = 1;
        const COMMON: u8 = 2;
        let mut pass = self.pass.borrow_mut();
        pass.next_round(g.owners.len());
        let mut flags_of = |o: u32| {
            if let Some(flags) = pass.get(o as usize) {
                return flags;
            }
            let flags = match g.owners[o as usize] {
                Owner::Solid => CLOSED,
                Owner::Group(grp) => {
                    let open = self.open.get(grp.index()).is_some();
                    (!open as u8) | if self.common == Some(grp) { COMMON } else { 0 }
                }
                Owner::Near(n) => (n != from && n != to) as u8,
            };
            pass.set(o as usize, flags);
            flags
        };
        let twins = self.twin[k];
        let crowded: &[Crowded] = self.crowded.get(k).map_or(&[], |c| c.as_slice());
        // Grid points closer than STUB to a port along its outward ray, with the heading
        // that a turn there would cut short: leaving a start port outward, or entering a
        // goal port inward (a link that turns a few px from its box reads as a hook).
        let mut stubs: Vec<(usize, usize, usize, bool)> = Vec::new();
        for (ports, start) in [(starts, true), (goals, false)] {
            for p in ports {
                let (Some(i0), Some(j0)) = (g.xi(p.x), g.yi(p.y)) else {
                    continue;
                };
                let (dx, dy) = outward(p.side);
                let d = dir_index((dx, dy));
                let heading = if start { d } else { (d + 2) % 4 };
                let (mut i, mut j) = (i0 as i64 + dx as i64, j0 as i64 + dy as i64);
                while i >= 0 && j >= 0 && (i as usize) < nx && (j as usize) < ny {
                    let (iu, ju) = (i as usize, j as usize);
                    if (g.xs[iu] - p.x).abs() + (g.ys[ju] - p.y).abs() >= STUB {
                        break;
                    }
                    stubs.push((iu, ju, heading, start));
                    (i, j) = (i + dx as i64, j + dy as i64);
                }
            }
        }
        // A state is (j, i, heading) in bit fields: decoding it takes shifts, not a division.
        let bits = usize::BITS - (nx - 1).leading_zeros();
        let mask = (1usize << bits) - 1;
        let state = |i: usize, j: usize, d: usize| ((j << bits | i) << 2) | d;
        let point = |s: usize| ((s >> 2) & mask, s >> (2 + bits));
        let mut heap = std::mem::take(&mut *self.heap.borrow_mut());
        // Goals: (state, extra cost), the state carrying the required final heading.
        let mut goal_at: Vec<(usize, f32)> = Vec::new();
        let mut bound_goals = Vec::new();
        for p in goals {
            let (Some(i), Some(j)) = (g.xi(p.x), g.yi(p.y)) else {
                continue;
            };
            let inward = outward(p.side);
            let d = dir_index((-inward.0, -inward.1));
            let extra = p.cost + self.port_penalty(to, p, k);
            goal_at.push((state(i, j, d), extra));
            bound_goals.push(Goal {
                x: p.x,
                y: p.y,
                heading: d,
                extra,
            });
        }
        if goal_at.is_empty() {
            return Ok(None);
        }
        // The box of goal points in grid indices (i0, i1, j0, j1).
        let gbox = goal_at
            .iter()
            .fold((usize::MAX, 0, usize::MAX, 0), |b, &(gs, _)| {
                let (i, j) = point(gs);
                (b.0.min(i), b.1.max(i), b.2.min(j), b.3.max(j))
            });
        let bound = Heuristic::new(&g.xs, &g.ys, &bound_goals);
        let h = |i: usize, j: usize, d: usize| bound.at(i, j, d);
        // Queue keys are costs quantised to 1/16 px; ties break on the state.
        let key = |c: f32| (c * 16.0) as u64;
        // Buckets start a little below the cheapest start (keys can fall on shared edges).
        let base = starts
            .iter()
            .filter_map(|p| {
                let d = dir_index(outward(p.side));
                Some(key(p.cost + h(g.xi(p.x)?, g.yi(p.y)?, d)))
            })
            .min()
            .unwrap_or(0);
        heap.reset(base.saturating_sub(1024));
        for p in starts {
            let (Some(i), Some(j)) = (g.xi(p.x), g.yi(p.y)) else {
                continue;
            };
            let d = dir_index(outward(p.side));
            let s = state(i, j, d);
            let c = p.cost + self.port_penalty(from, p, k);
            if !best.holds(i, j) {
                return Err(OutOfWindow);
            }
            if c < best.get(i, j, d).0 {
                best.set(i, j, d, c, NO_PREV);
                heap.push(key(c + h(i, j, d)), s);
            }
        }
        let mut done: Option<usize> = None;
        let mut done_cost = f32::INFINITY;
        // The box of expanded points, for `route_all`.
        let (mut ei0, mut ei1, mut ej0, mut ej1) = (usize::MAX, 0, usize::MAX, 0);
        let flush = |ei0: usize, ei1: usize, ej0: usize, ej1: usize| {
            if ei0 <= ei1 {
                let b = self
                    .expanded
                    .get()
                    .map_or((ei0, ei1, ej0, ej1), |(a0, a1, b0, b1)| {
                        (a0.min(ei0), a1.max(ei1), b0.min(ej0), b1.max(ej1))
                    });
                self.expanded.set(Some(b));
            }
        };
        while let Some((f, s)) = heap.pop() {
            if (f as f32) / 16.0 >= done_cost {
                break;
            }
            let d = s & 3;
            let (i, j) = point(s);
            (ei0, ei1, ej0, ej1) = (ei0.min(i), ei1.max(i), ej0.min(j), ej1.max(j));
            let (c, before) = best.get(i, j, d);
            // An entry pushed before a cheaper way here was found: that one was (or will
            // be) expanded instead.
            if f > key(c + h(i, j, d)) + 1 {
                continue;
            }
            let at_goal_box = i.wrapping_sub(gbox.0) <= gbox.1 - gbox.0
                && j.wrapping_sub(gbox.2) <= gbox.3 - gbox.2;
            if at_goal_box {
                for &(gs, extra) in &goal_at {
                    if gs == s && c + extra < done_cost {
                        done_cost = c + extra;
                        done = Some(s);
                    }
                }
            }
            for (nd, &(dx, dy)) in DIRS.iter().enumerate() {
                // No U-turns; and a link leaves its port outward, not along its box's side.
                if (nd + 2) % 4 == d || (before == NO_PREV && nd != d) {
                    continue;
                }
                let (ni, nj) = (i as i64 + dx as i64, j as i64 + dy as i64);
                if ni < 0 || nj < 0 || ni >= nx as i64 || nj >= ny as i64 {
                    continue;
                }
                let (ni, nj) = (ni as usize, nj as usize);
                let e = if dy == 0 {
                    g.hedge(i.min(ni), j)
                } else {
                    g.vedge(i, j.min(nj))
                };
                let blockers = g.blockers(e);
                let flags = blockers.iter().fold(0, |f, &o| f | flags_of(o));
                if flags & CLOSED != 0 {
                    continue;
                }
                if !best.holds(ni, nj) {
                    *self.heap.borrow_mut() = heap;
                    flush(ei0, ei1, ej0, ej1);
                    return Err(OutOfWindow);
                }
                let mut cost = (g.xs[ni] - g.xs[i]).abs() + (g.ys[nj] - g.ys[j]).abs();
                if g.in_band(e) {
                    cost *= BAND;
                } else if g.hugs(e) {
                    cost *= HUG;
                }
                if !crowded.is_empty() {
                    let (x0, x1) = (g.xs[i].min(g.xs[ni]), g.xs[i].max(g.xs[ni]));
                    let (y0, y1) = (g.ys[j].min(g.ys[nj]), g.ys[j].max(g.ys[nj]));
                    if crowded.iter().any(|z| {
                        let r = &z.rect;
                        // Along the edge the stretch overlaps it; across, it holds it.
                        z.horizontal == (dy == 0)
                            && if dy == 0 {
                                x0 < r.right() && x1 > r.x && y0 >= r.y && y0 <= r.bottom()
                            } else {
                                y0 < r.bottom() && y1 > r.y && x0 >= r.x && x0 <= r.right()
                            }
                    }) {
                        cost *= CROWDED;
                    }
                }
                if flags & COMMON != 0 {
                    cost += EXCURSION;
                }
                // A link a hair away, on a parallel line: as good as sharing the edge.
                if used.near.any_apart(e, k, self, twins) {
                    if strict {
                        continue;
                    }
                    cost += 500.0;
                }
                if used.on.has(e) {
                    if used.on.any_apart(e, k, self, twins) {
                        if strict {
                            continue;
                        }
                        cost += 2000.0;
                    } else {
                        cost *= 0.5;
                    }
                }
                if nd != d {
                    cost += BEND;
                    // Turning off a start port's ray (heading `d`), or onto a goal port's
                    // (heading `nd`), within STUB of the port.
                    if stubs.iter().any(|&(si, sj, h, start)| {
                        si == i && sj == j && h == if start { d } else { nd }
                    }) {
                        cost += SHORT_STUB;
                    }
                }
                let ns = state(ni, nj, nd);
                let nc = c + cost;
                if nc < best.get(ni, nj, nd).0 {
                    best.set(ni, nj, nd, nc, d as u8);
                    heap.push(key(nc + h(ni, nj, nd)), ns);
                }
            }
        }
        *self.heap.borrow_mut() = heap;
        flush(ei0, ei1, ej0, ej1);
        let Some(s) = done else {
            return Ok(None);
        };
        // Walk back: a state's heading is the step that reached it; its entry holds the
        // heading before that step.
        let ((mut i, mut j), mut d) = (point(s), s & 3);
        let mut path = Vec::new();
        loop {
            path.push((i, j));
            let pd = best.get(i, j, d).1;
            if pd == NO_PREV {
                break;
            }
            let (dx, dy) = DIRS[d];
            i = (i as i64 - dx as i64) as usize;
            j = (j as i64 - dy as i64) as usize;
            d = pd as usize;
        }
        path.reverse();
        path.dedup();
        Ok(Some(path))
    }

    /// Extra cost of a port already used by another link that shares no end with link `k`.
    fn port_penalty(&self, ent: EntId, p: &Port, k: usize) -> f32 {
        match self
            .port_use
            .get(&(ent, (p.x * 2.0) as i32, (p.y * 2.0) as i32))
        {
            Some(users) if users.iter().any(|&u| !self.shares_end(k, u)) => 400.0,
            _ => 0.0,
        }
    }
}

/// The first and last of the lines `v` closer than [`GAP`] to line `k` (`k` included).
fn near_lines(v: &[f32], k: usize) -> (usize, usize) {
    let at = v[k];
    let lo = (0..k).rev().take_while(|&q| at - v[q] < GAP).last();
    let hi = (k + 1..v.len()).take_while(|&q| v[q] - at < GAP).last();
    (lo.unwrap_or(k), hi.unwrap_or(k))
}

/// Reusable search state (see [`Router::astar`]).
#[derive(Default)]
struct Scratch {
    window: Window,
    sparse: Sparse,
}

/// The predecessor heading of a start state.
const NO_PREV: u8 = u8::MAX;

/// The A* queue: entries are (key, state), popped smallest key first, ties newest first
/// (ties between a bucket and the heap go to the bucket). Keys from a little below the
/// cheapest start go into one bucket per key value (a search's keys span a few thousand
/// values), each bucket a list threaded through one array (no allocation per bucket); any
/// other key goes into a heap. Popping takes the smaller of the two minima.
#[derive(Default)]
struct Queue {
    base: u64,
    /// The lowest bucket that may be non-empty.
    cur: usize,
    /// One past the highest bucket used in this search.
    top: usize,
    /// Per bucket: the index in `nodes` of its newest entry, or `u32::MAX`.
    heads: Vec<u32>,
    /// (state, index of the next older entry of the same bucket or `u32::MAX`).
    nodes: Vec<(u32, u32)>,
    /// Entries outside the buckets' range, as (key << 64) | state.
    other: std::collections::BinaryHeap<std::cmp::Reverse<u128>>,
    /// Entries in the buckets.
    len: usize,
}

const BUCKETS: u64 = 1 << 17;

impl Queue {
    /// Empties the queue; keys from `base` on go into buckets.
    fn reset(&mut self, base: u64) {
        self.heads[..self.top].fill(u32::MAX);
        self.nodes.clear();
        self.other.clear();
        (self.base, self.cur, self.top, self.len) = (base, usize::MAX, 0, 0);
    }

    #[inline]
    fn push(&mut self, key: u64, s: usize) {
        if key < self.base || key - self.base >= BUCKETS || s >= u32::MAX as usize {
            self.other
                .push(std::cmp::Reverse(((key as u128) << 64) | s as u128));
            return;
        }
        let k = (key - self.base) as usize;
        if k >= self.heads.len() {
            self.heads.resize((k + 1).next_power_of_two(), u32::MAX);
        }
        let at = self.nodes.len() as u32;
        self.nodes.push((s as u32, self.heads[k]));
        self.heads[k] = at;
        self.top = self.top.max(k + 1);
        self.cur = self.cur.min(k);
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) -> Option<(u64, usize)> {
        let other = self.other.peek().map(|r| (r.0 >> 64) as u64);
        if self.len > 0 {
            while self.heads[self.cur] == u32::MAX {
                self.cur += 1;
            }
            let k = self.base + self.cur as u64;
            if other.is_none_or(|o| k <= o) {
                // Newest first among equal keys: the search goes deep along a plateau of
                // equal-cost routes instead of widening it.
                let (s, next) = self.nodes[self.heads[self.cur] as usize];
                self.heads[self.cur] = next;
                self.len -= 1;
                return Some((k, s as usize));
            }
        }
        self.other
            .pop()
            .map(|r| ((r.0 >> 64) as u64, r.0 as u64 as usize))
    }
}

/// A search reached a grid point outside its [`Window`].
struct OutOfWindow;

/// Where an A* search keeps (best cost, predecessor state) per (grid point, heading).
trait States {
    /// True when the store can hold the states of point (i, j).
    fn holds(&self, i: usize, j: usize) -> bool;
    /// (best cost, predecessor); infinity when the state was not reached.
    fn get(&self, i: usize, j: usize, d: usize) -> (f32, u8);
    /// `prev` is the heading of the predecessor state, [`NO_PREV`] for a start.
    fn set(&mut self, i: usize, j: usize, d: usize, cost: f32, prev: u8);
}

/// Dense search state for a rectangle of grid points, five bytes per state: the best cost,
/// and a byte holding the predecessor heading (3 bits) and the search's stamp (5 bits). An
/// entry counts only when its stamp is the current search's, so nothing is cleared between
/// searches (but every 31st). The arrays are allocated zeroed (the system hands out
/// untouched pages), so a search pays only for the part of a big window it reaches, and
/// each page it touches (a page fault, dear in a fresh process) holds many states.
#[derive(Default)]
struct Window {
    i0: usize,
    j0: usize,
    w: usize,
    h: usize,
    cost: Vec<f32>,
    meta: Vec<u8>,
    gen: u8,
}

/// Stamps of [`Window`] entries take the bits above the heading.
const GEN_BITS: u32 = 5;

impl Window {
    /// Starts a search over points `i0..i0 + w` × `j0..j0 + h`.
    fn reset(&mut self, i0: usize, j0: usize, w: usize, h: usize) {
        (self.i0, self.j0, self.w, self.h) = (i0, j0, w, h);
        let n = w * h * 4;
        if self.meta.len() < n {
            self.cost = vec![0.0; n];
            self.meta = vec![0; n];
        }
        self.gen += 1;
        if self.gen >= 1 << GEN_BITS {
            self.meta.fill(0);
            self.gen = 1;
        }
    }

    #[inline]
    fn at(&self, i: usize, j: usize, d: usize) -> usize {
        ((j - self.j0) * self.w + (i - self.i0)) * 4 + d
    }
}

impl States for Window {
    #[inline]
    fn holds(&self, i: usize, j: usize) -> bool {
        i.wrapping_sub(self.i0) < self.w && j.wrapping_sub(self.j0) < self.h
    }
    #[inline]
    fn get(&self, i: usize, j: usize, d: usize) -> (f32, u8) {
        let a = self.at(i, j, d);
        let m = self.meta[a];
        if m >> 3 == self.gen {
            let prev = m & 7;
            let prev = if prev == 7 { NO_PREV } else { prev };
            (self.cost[a], prev)
        } else {
            (f32::INFINITY, NO_PREV)
        }
    }
    #[inline]
    fn set(&mut self, i: usize, j: usize, d: usize, cost: f32, prev: u8) {
        let a = self.at(i, j, d);
        let p = if prev == NO_PREV { 7 } else { prev & 7 };
        self.meta[a] = self.gen << 3 | p;
        self.cost[a] = cost;
    }
}

/// Sparse search state for the whole grid, for the rare search that outgrows its windows.
#[derive(Default)]
struct Sparse {
    nx: usize,
    map: HashMap<usize, (f32, u8), FastHash>,
}

impl States for Sparse {
    fn holds(&self, _: usize, _: usize) -> bool {
        true
    }
    fn get(&self, i: usize, j: usize, d: usize) -> (f32, u8) {
        let s = (j * self.nx + i) * 4 + d;
        self.map
            .get(&s)
            .copied()
            .unwrap_or((f32::INFINITY, NO_PREV))
    }
    fn set(&mut self, i: usize, j: usize, d: usize, cost: f32, prev: u8) {
        self.map.insert((j * self.nx + i) * 4 + d, (cost, prev));
    }
}

/// A fast hasher for integer keys (grid edges and search states), which need no protection
/// against adversarial keys: a multiply and a rotate (the Fx hash of rustc).
#[derive(Default, Clone, Copy)]
struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_summaries_answer_as_a_scan_of_the_users() {
        // Fan-ins and fan-outs at hub, a twin pair, a reversed pair and a chain through hub.
        let mut t = String::from("[nodes.hub]\nkind = \"s3\"\n");
        for n in ["a", "b", "c", "d"] {
            t += &format!("[nodes.{n}]\nkind = \"lambda\"\n");
        }
        for (a, b) in [
            ("a", "hub"),
            ("b", "hub"),
            ("c", "hub"),
            ("hub", "d"),
            ("hub", "c"),
            ("a", "b"),
            ("a", "b"),
            ("b", "a"),
            ("d", "hub"),
        ] {
            t += &format!("[[links]]\nfrom = \"{a}\"\nto = \"{b}\"\n");
        }
        let d = crate::compile(&t).expect("compiles");
        let grid = Grid::build(&d.model, &d.layout);
        let r = Router::new(&d.model, &d.layout, &grid, &[]);
        let n = d.model.links.len();
        // Every subset of links on an edge of its own (edge = subset bits).
        let mut users = EdgeUsers::new(1 << n);
        for e in 0..1usize << n {
            for (k, link) in d.model.links.iter().enumerate() {
                if e >> k & 1 == 1 {
                    users.add(e, k, (link.from, link.to, link.style));
                }
            }
        }
        for e in 0..1usize << n {
            for k in 0..n {
                let scan = users.users(e).any(|u| u != k && !r.shares_end(k, u));
                assert_eq!(
                    users.any_apart(e, k, &r, r.twin[k]),
                    scan,
                    "edge {e:b}, link {k}"
                );
            }
        }
    }

    #[test]
    fn parallel_routing_gives_the_sequential_routes() {
        // 10 VPCs of 4 nodes. 64 links: around each VPC (40), then from each VPC to a hub
        // and to other VPCs. The first half is the rings of VPCs 0–7; of the second half,
        // the rings of VPCs 8 and 9 lie apart from it and are kept, and the first hub link
        // shares an end with it, so routing goes on from there.
        let mut t = String::from("[regions.r]\ncode = \"us-east-1\"\n[nodes.hub]\nkind = \"s3\"\n");
        let mut links = String::new();
        let mut more = String::new();
        let link = |a: String, b: String| format!("[[links]]\nfrom = \"{a}\"\nto = \"{b}\"\n");
        for v in 0..10 {
            t += &format!("[vpcs.v{v}]\nregion = \"r\"\ncidr = \"10.{v}.0.0/16\"\n");
            for k in 0..4 {
                t += &format!("[nodes.n{v}-{k}]\nkind = \"ec2\"\nin = \"v{v}\"\n");
                links += &link(format!("n{v}-{k}"), format!("n{v}-{}", (k + 1) % 4));
            }
            more += &link(format!("n{v}-3"), "hub".into());
            more += &link(format!("n{v}-1"), format!("n{}-2", (v + 3) % 10));
            if v < 4 {
                more += &link(format!("n{v}-0"), format!("n{}-0", v + 1));
            }
        }
        links += &more;
        t += &links;
        let d = crate::compile(&t).expect("compiles");
        let grid = Grid::build(&d.model, &d.layout);
        let one = route_all(&d.model, &d.layout, &grid, false, &[]);
        let two = route_all(&d.model, &d.layout, &grid, true, &[]);
        assert_eq!(one.len(), d.model.links.len());
        assert_eq!(one, two);
    }
}

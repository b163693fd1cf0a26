//! Stage 5, `route`: orthogonal links and their labels over a [`Layout`].
//!
//! Takes the model, its layout and a text measurer; gives [`Routes`]: one polyline per link
//! (first point on the source's border, last on the target's, every segment horizontal or
//! vertical) and a placed label where the link has one. The recipe (after libavoid):
//!
//! 1. Build a sparse orthogonal grid: lines just outside and just inside every box, through
//!    every candidate port, and halfway between neighbouring lines.
//! 2. Mark grid edges that enter an obstacle: node boxes and every label always; a group's
//!    frame only for links with no end inside that group.
//! 3. For each link (in spec order), A* over (grid point, heading) with a bend penalty, from
//!    the candidate ports of the source to those of the target; sides facing the other end
//!    cost less; running alongside a frame line costs double. Edges already used by a link
//!    that shares neither end, or parallel to one less than 8 px away, are closed, so
//!    parallel links keep at least 8 px apart; links of one fan-out may share a trunk.
//! 4. Place each label on its link's longest free stretch, clear of boxes, labels and links.

use crate::geom::{Point, Rect, Side};
use crate::layout::{Layout, TextBox};
use crate::model::{EntId, EntKind, Model, Placement};
use crate::spatial::RectIndex;
use crate::text::{Measure, LINE_HEIGHT};
use std::collections::HashMap;

/// Cell size of the bucket grids that link labels are placed with.
const INDEX_CELL: f32 = 128.0;

/// Font size of link labels.
pub const LINK_LABEL_SIZE: f32 = 12.0;
const CLEAR: f32 = 14.0;
const BEND: f32 = 40.0;
/// Cost factor of running alongside a frame line, closer to it than [`HUG_DIST`].
const HUG: f32 = 2.0;
const HUG_DIST: f32 = 9.5;
/// The least gap between parallel links that share neither end.
const GAP: f32 = 8.0;
/// Distance from a frame side of the grid line in the middle of a 20 px channel.
const CHANNEL: f32 = 10.0;
/// Links keep this far from nodes they do not end at.
const NEAR: f32 = 6.0;

/// One routed link.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedLink {
    /// Index into [`Model::links`].
    pub link: usize,
    pub points: Vec<Point>,
    pub label: Option<TextBox>,
}

/// All routed links, in model order.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    pub links: Vec<RoutedLink>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Owner {
    /// Never crossed.
    Solid,
    /// A group frame: crossed only by links with an end inside it.
    Group(EntId),
    /// The clearance around a node: crossed only by the node's own links.
    Near(EntId),
}

/// The sparse orthogonal grid: its lines, and the obstacles blocking its edges.
///
/// Edges are numbered horizontal first, then vertical. Most edges have no blocker, so the
/// blocker lists are stored compactly: one bit per edge says whether it has any, a running
/// count per 64-bit word turns a set bit into its rank among the blocked edges, and that rank
/// indexes the lists (`start`, `obst`). Memory is a few bits per edge plus the lists.
struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// One bit per edge: set when the edge has at least one blocker.
    blocked: Vec<u64>,
    /// Per word of `blocked`: the number of blocked edges before it.
    before: Vec<u32>,
    /// The blockers of the k-th blocked edge are `obst[start[k]..start[k + 1]]`.
    start: Vec<u32>,
    obst: Vec<u32>,
    owners: Vec<Owner>,
    /// One bit per edge: runs alongside a frame line, closer than [`HUG_DIST`] (costs more).
    hug: Vec<u64>,
}

impl Grid {
    fn nx(&self) -> usize {
        self.xs.len()
    }
    fn ny(&self) -> usize {
        self.ys.len()
    }
    fn edges(&self) -> usize {
        self.ny() * self.nx().saturating_sub(1) + self.nx() * self.ny().saturating_sub(1)
    }
    fn hedge(&self, i: usize, j: usize) -> usize {
        j * (self.nx() - 1) + i
    }
    fn vedge(&self, i: usize, j: usize) -> usize {
        self.ny() * (self.nx() - 1) + i * (self.ny() - 1) + j
    }
    fn xi(&self, x: f32) -> Option<usize> {
        self.xs.binary_search_by(|v| v.total_cmp(&x)).ok()
    }
    fn yi(&self, y: f32) -> Option<usize> {
        self.ys.binary_search_by(|v| v.total_cmp(&y)).ok()
    }

    /// Marks the edges that run alongside a side of frame `r`, closer to it than [`HUG_DIST`].
    fn mark_hugs(&mut self, r: &Rect) {
        let (nx, ny) = (self.nx(), self.ny());
        let near = |v: &[f32], at: f32| {
            (
                v.partition_point(|&x| x <= at - HUG_DIST),
                v.partition_point(|&x| x < at + HUG_DIST),
            )
        };
        // Horizontal edges near the top and bottom sides, within the x range.
        let i0 = self.xs.partition_point(|&x| x < r.x);
        let i1 = self.xs.partition_point(|&x| x <= r.right());
        for side in [r.y, r.bottom()] {
            let (j0, j1) = near(&self.ys, side);
            for j in j0..j1.min(ny) {
                for i in i0..i1.min(nx).saturating_sub(1) {
                    let e = self.hedge(i, j);
                    self.hug[e / 64] |= 1 << (e % 64);
                }
            }
        }
        // Vertical edges near the left and right sides, within the y range.
        let j0 = self.ys.partition_point(|&y| y < r.y);
        let j1 = self.ys.partition_point(|&y| y <= r.bottom());
        for side in [r.x, r.right()] {
            let (i0, i1) = near(&self.xs, side);
            for i in i0..i1.min(nx) {
                for j in j0..j1.min(ny).saturating_sub(1) {
                    let e = self.vedge(i, j);
                    self.hug[e / 64] |= 1 << (e % 64);
                }
            }
        }
    }

    /// The edges parallel to the edge from grid point `a` to its neighbour `b`, over the
    /// same span, on lines closer than [`GAP`] to it.
    fn parallel_near(&self, a: (usize, usize), b: (usize, usize)) -> Vec<usize> {
        let mut out = Vec::new();
        if a.1 == b.1 && a.0.abs_diff(b.0) == 1 {
            let (i, j) = (a.0.min(b.0), a.1);
            let y = self.ys[j];
            let below = (0..j).rev().take_while(|&jj| y - self.ys[jj] < GAP);
            let above = (j + 1..self.ny()).take_while(|&jj| self.ys[jj] - y < GAP);
            out.extend(below.chain(above).map(|jj| self.hedge(i, jj)));
        } else if a.0 == b.0 && a.1.abs_diff(b.1) == 1 {
            let (i, j) = (a.0, a.1.min(b.1));
            let x = self.xs[i];
            let left = (0..i).rev().take_while(|&ii| x - self.xs[ii] < GAP);
            let right = (i + 1..self.nx()).take_while(|&ii| self.xs[ii] - x < GAP);
            out.extend(left.chain(right).map(|ii| self.vedge(ii, j)));
        }
        out
    }

    /// True when edge `e` runs alongside a frame line (see [`Grid::mark_hugs`]).
    #[inline]
    fn hugs(&self, e: usize) -> bool {
        (self.hug[e / 64] >> (e % 64)) & 1 == 1
    }

    /// The obstacles blocking edge `e`.
    #[inline]
    fn blockers(&self, e: usize) -> &[u32] {
        let (w, b) = (e / 64, e % 64);
        let word = self.blocked[w];
        if (word >> b) & 1 == 0 {
            return &[];
        }
        let k = self.before[w] as usize + (word & ((1u64 << b) - 1)).count_ones() as usize;
        &self.obst[self.start[k] as usize..self.start[k + 1] as usize]
    }

    /// Every (edge, obstacle) pair where the edge enters `r`'s open interior.
    fn mark(&self, r: &Rect, o: u32, out: &mut Vec<(usize, u32)>) {
        let (nx, ny) = (self.nx(), self.ny());
        // Horizontal edges on rows strictly inside the rect, spanning into its x range.
        let j0 = self.ys.partition_point(|&y| y <= r.y);
        let j1 = self.ys.partition_point(|&y| y < r.bottom());
        let i0 = self.xs.partition_point(|&x| x <= r.x);
        let i1 = self.xs.partition_point(|&x| x < r.right());
        for j in j0..j1 {
            // Edges (i, i+1) crossing the left border: x_i <= r.x < x_{i+1}.
            if i0 > 0 && i0 < nx {
                out.push((self.hedge(i0 - 1, j), o));
            }
            if i1 > 0 && i1 < nx && i1 != i0 {
                out.push((self.hedge(i1 - 1, j), o));
            }
        }
        for i in i0..i1 {
            if j0 > 0 && j0 < ny {
                out.push((self.vedge(i, j0 - 1), o));
            }
            if j1 > 0 && j1 < ny && j1 != j0 {
                out.push((self.vedge(i, j1 - 1), o));
            }
        }
    }

    /// Stores the blockers of every edge from (edge, obstacle) pairs.
    fn set_blockers(&mut self, mut pairs: Vec<(usize, u32)>) {
        pairs.sort_unstable();
        let words = self.edges().div_ceil(64);
        self.blocked = vec![0; words];
        self.start = Vec::new();
        self.obst = Vec::with_capacity(pairs.len());
        let mut last = usize::MAX;
        for (e, o) in pairs {
            if e != last {
                self.blocked[e / 64] |= 1 << (e % 64);
                self.start.push(self.obst.len() as u32);
                last = e;
            }
            self.obst.push(o);
        }
        self.start.push(self.obst.len() as u32);
        self.before = Vec::with_capacity(words);
        let mut count = 0u32;
        for w in &self.blocked {
            self.before.push(count);
            count += w.count_ones();
        }
    }
}

fn snap(v: f32) -> f32 {
    (v * 2.0).round() / 2.0
}

/// A candidate end of a link on a box side.
#[derive(Debug, Clone, Copy)]
struct Port {
    x: f32,
    y: f32,
    side: Side,
    cost: f32,
}

fn outward(side: Side) -> (i32, i32) {
    match side {
        Side::Top => (0, -1),
        Side::Bottom => (0, 1),
        Side::Left => (-1, 0),
        Side::Right => (1, 0),
    }
}

fn dir_index(d: (i32, i32)) -> usize {
    match d {
        (0, -1) => 0,
        (1, 0) => 1,
        (0, 1) => 2,
        _ => 3,
    }
}

const DIRS: [(i32, i32); 4] = [(0, -1), (1, 0), (0, 1), (-1, 0)];

/// Routes every link of the model.
pub fn route(m: &Model, l: &Layout, text: &dyn Measure) -> Routes {
    let grid = Router::build_grid(m, l);
    let two = std::thread::available_parallelism().is_ok_and(|p| p.get() >= 2);
    let points = route_all(m, l, &grid, two && m.links.len() >= PARALLEL_MIN_LINKS);
    let mut out = Routes {
        links: points
            .into_iter()
            .enumerate()
            .map(|(k, points)| RoutedLink {
                link: k,
                points,
                label: None,
            })
            .collect(),
    };
    place_labels(m, l, text, &mut out);
    out
}

/// Below this many links, routing runs on one thread.
const PARALLEL_MIN_LINKS: usize = 256;

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
fn route_all(m: &Model, l: &Layout, grid: &Grid, parallel: bool) -> Vec<Vec<Point>> {
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
        let mut r = Router::new(m, l, grid);
        let mut used = Used::new(grid.edges());
        return route_range(&mut r, &mut used, 0..n)
            .into_iter()
            .map(|t| t.0)
            .collect();
    }
    let split = n / 2;
    let (mut r, mut used, first, second) = std::thread::scope(|s| {
        let spec = s.spawn(|| {
            let mut r = Router::new(m, l, grid);
            let mut used = Used::new(grid.edges());
            route_range(&mut r, &mut used, split..n)
        });
        let mut r = Router::new(m, l, grid);
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

struct Router<'a> {
    m: &'a Model,
    l: &'a Layout,
    grid: &'a Grid,
    /// The grid path of the last routed link (empty when it had none).
    path: Vec<(usize, usize)>,
    /// The box of grid points (i0, i1, j0, j1) that the searches of the last link expanded.
    reads: Option<(usize, usize, usize, usize)>,
    /// What the current search expanded, merged into `reads` when it ends.
    expanded: std::cell::Cell<Option<(usize, usize, usize, usize)>>,
    scratch: std::cell::RefCell<Scratch>,
    heap: std::cell::RefCell<Queue>,
    /// Links that used each port point, per entity.
    port_use: HashMap<(EntId, i32, i32), Vec<usize>>,
    /// Groups the current link may enter: those whose stamp is `open_gen`.
    open_stamp: Vec<u32>,
    open_gen: u32,
}

/// The links using each grid edge: one bit per edge says whether any does; the links of a
/// used edge are a list threaded through one array (newest first), so an edge costs a map
/// entry and a few bytes per link rather than a vector of its own.
struct EdgeUsers {
    bits: Vec<u64>,
    /// Edge → index in `links` of its newest user.
    head: HashMap<usize, u32, FastHash>,
    /// (link, index of the next older user of the same edge, or `u32::MAX`).
    links: Vec<(u32, u32)>,
}

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
            self.head.get(&e).copied().unwrap_or(u32::MAX)
        } else {
            u32::MAX
        };
        std::iter::successors((first != u32::MAX).then_some(first), |&i| {
            let next = self.links[i as usize].1;
            (next != u32::MAX).then_some(next)
        })
        .map(|i| self.links[i as usize].0 as usize)
    }
    fn add(&mut self, e: usize, link: usize) {
        self.bits[e / 64] |= 1 << (e % 64);
        let at = self.links.len() as u32;
        let next = self.head.insert(e, at).unwrap_or(u32::MAX);
        self.links.push((link as u32, next));
    }
}

impl<'a> Router<'a> {
    fn new(m: &'a Model, l: &'a Layout, grid: &'a Grid) -> Router<'a> {
        Router {
            m,
            l,
            grid,
            path: Vec::new(),
            reads: None,
            expanded: std::cell::Cell::new(None),
            scratch: std::cell::RefCell::new(Scratch::default()),
            heap: std::cell::RefCell::new(Queue::default()),
            port_use: HashMap::new(),
            open_stamp: vec![0; m.entities.len()],
            open_gen: 0,
        }
    }

    /// Builds the grid and its obstacles for a layout.
    fn build_grid(m: &Model, l: &Layout) -> Grid {
        // 1. Grid lines.
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let mut obstacles: Vec<(Rect, Owner)> = Vec::new();
        for (i, e) in m.entities.iter().enumerate() {
            let Some(p) = l.boxes.get(i).and_then(|b| b.as_ref()) else {
                continue;
            };
            if e.is_overlay() {
                continue;
            }
            let r = p.rect;
            if e.is_node() {
                xs.extend([r.x - CLEAR, r.right() + CLEAR, r.cx()]);
                ys.extend([r.y - CLEAR, r.bottom() + CLEAR, r.cy()]);
                obstacles.push((r, Owner::Solid));
                obstacles.push((r.inflate(NEAR), Owner::Near(EntId(i as u32))));
                if r.w > 80.0 {
                    xs.extend([r.x + r.w / 4.0, r.x + 3.0 * r.w / 4.0]);
                }
            } else {
                // Lines CLEAR from each side, and the middle of a 20 px channel between
                // nested frames (HUG_DIST from both).
                xs.extend([
                    r.x - CLEAR,
                    r.x - CHANNEL,
                    r.x + CLEAR,
                    r.x + CHANNEL,
                    r.right() - CLEAR,
                    r.right() - CHANNEL,
                    r.right() + CLEAR,
                    r.right() + CHANNEL,
                ]);
                ys.extend([
                    r.y - CLEAR,
                    r.y - CHANNEL,
                    r.y + CLEAR,
                    r.y + CHANNEL,
                    r.bottom() - CLEAR,
                    r.bottom() - CHANNEL,
                    r.bottom() + CLEAR,
                    r.bottom() + CHANNEL,
                ]);
                obstacles.push((r, Owner::Group(EntId(i as u32))));
                if let Some(ic) = p.icon {
                    obstacles.push((ic.inflate(4.0), Owner::Solid));
                }
            }
            if let Some(t) = &p.label {
                let lr = t.rect.inflate(if e.is_group() { 4.0 } else { 2.0 });
                xs.extend([lr.x - 6.0, lr.right() + 6.0]);
                ys.extend([lr.y - 6.0, lr.bottom() + 6.0]);
                obstacles.push((lr, Owner::Solid));
            }
        }
        // Overlay labels are text like any other.
        for o in &l.overlays {
            if let Some(t) = &o.placed.label {
                let lr = t.rect.inflate(2.0);
                xs.extend([lr.x - 6.0, lr.right() + 6.0]);
                ys.extend([lr.y - 6.0, lr.bottom() + 6.0]);
                obstacles.push((lr, Owner::Solid));
            }
        }
        // Ports of every link end.
        for link in &m.links {
            for (a, b) in [(link.from, link.to), (link.to, link.from)] {
                for p in ports(m, l, a, b) {
                    xs.push(p.x);
                    ys.push(p.y);
                }
            }
        }
        for v in xs.iter_mut().chain(ys.iter_mut()) {
            *v = snap(*v);
        }
        let finish = |v: &mut Vec<f32>, max: f32| {
            v.retain(|x| *x >= 0.0 && *x <= max);
            v.sort_by(f32::total_cmp);
            v.dedup();
            let mids: Vec<f32> = v
                .windows(2)
                .filter(|w| w[1] - w[0] > 8.0 && w[1] - w[0] < 120.0)
                .map(|w| snap((w[0] + w[1]) / 2.0))
                .collect();
            v.extend(mids);
            v.sort_by(f32::total_cmp);
            v.dedup();
        };
        finish(&mut xs, l.width);
        finish(&mut ys, l.height);
        let mut grid = Grid {
            xs,
            ys,
            blocked: Vec::new(),
            before: Vec::new(),
            start: Vec::new(),
            obst: Vec::new(),
            owners: Vec::new(),
            hug: Vec::new(),
        };
        grid.hug = vec![0; grid.edges().div_ceil(64)];
        // Frame lines (groups and overlay boxes) that links should not run along.
        for (i, e) in m.entities.iter().enumerate() {
            if let (true, Some(p)) = (e.is_group(), l.boxes.get(i).and_then(|b| b.as_ref())) {
                grid.mark_hugs(&p.rect);
            }
        }
        for o in &l.overlays {
            grid.mark_hugs(&o.placed.rect);
        }
        // 2. Obstacles.
        let mut pairs = Vec::new();
        for (k, (r, o)) in obstacles.iter().enumerate() {
            grid.mark(r, k as u32, &mut pairs);
            grid.owners.push(*o);
        }
        grid.set_blockers(pairs);
        grid
    }

    /// Stamps the groups a link with ends `a`, `b` may enter: every group that
    /// [`contains`] one of its ends.
    fn open_groups(&mut self, a: EntId, b: EntId) {
        self.open_gen = self.open_gen.wrapping_add(1);
        if self.open_gen == 0 {
            self.open_stamp.iter_mut().for_each(|s| *s = 0);
            self.open_gen = 1;
        }
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
                    self.open_stamp[g.index()] = self.open_gen;
                }
            }
        }
    }

    fn route_one(&mut self, k: usize, from: EntId, to: EntId, used: &mut Used) -> Vec<Point> {
        self.path.clear();
        self.reads = None;
        self.open_groups(from, to);
        let starts = ports(self.m, self.l, from, to);
        let goals = ports(self.m, self.l, to, from);
        self.expanded.set(None);
        let path = self
            .astar(k, from, to, &starts, &goals, used, true)
            .or_else(|| self.astar(k, from, to, &starts, &goals, used, false));
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
                used.on.add(e, k);
            }
            for e in self.grid.parallel_near(w[0], w[1]) {
                used.near.add(e, k);
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

    fn shares_end(&self, k: usize, other: usize) -> bool {
        let a = &self.m.links[k];
        let b = &self.m.links[other];
        a.from == b.from || a.to == b.to
    }

    /// A* from `starts` to `goals` for link `k` (see [`Router::search`]). The search state
    /// lives in a dense window of the grid around the ports; a search that reaches the
    /// window's edge starts again in a window eight times as wide, then in a hash map over the
    /// whole grid, so the result is always that of one search over the whole grid.
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
        for margin in [16, 128] {
            let (wi0, wj0) = (i0.saturating_sub(margin), j0.saturating_sub(margin));
            let (wi1, wj1) = ((i1 + margin).min(nx - 1), (j1 + margin).min(ny - 1));
            window.reset(nx, wi0, wj0, wi1 - wi0 + 1, wj1 - wj0 + 1);
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
        let open = |o: u32| match g.owners[o as usize] {
            Owner::Solid => false,
            Owner::Group(grp) => self.open_stamp[grp.index()] == self.open_gen,
            Owner::Near(n) => n == from || n == to,
        };
        let state = |i: usize, j: usize, d: usize| (j * nx + i) * 4 + d;
        let mut heap = std::mem::take(&mut *self.heap.borrow_mut());
        // Goals: (state, extra cost), the state carrying the required final heading.
        let mut goal_at: Vec<(usize, f32)> = Vec::new();
        let (mut gx0, mut gx1, mut gy0, mut gy1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in goals {
            let (Some(i), Some(j)) = (g.xi(p.x), g.yi(p.y)) else {
                continue;
            };
            let inward = outward(p.side);
            let d = dir_index((-inward.0, -inward.1));
            let extra = p.cost + self.port_penalty(to, p, k);
            goal_at.push((state(i, j, d), extra));
            gx0 = gx0.min(p.x);
            gx1 = gx1.max(p.x);
            gy0 = gy0.min(p.y);
            gy1 = gy1.max(p.y);
        }
        if goal_at.is_empty() {
            return Ok(None);
        }
        // Manhattan distance to the box of the goal ports, plus a bend for each turn the
        // heading `d` still needs to face that box (a lower bound: turning back takes two,
        // since there are no U-turns).
        let h = |i: usize, j: usize, d: usize| {
            let x = g.xs[i];
            let y = g.ys[j];
            let dist = (gx0 - x).max(0.0).max(x - gx1) + (gy0 - y).max(0.0).max(y - gy1);
            let need = |v: f32, lo: f32, hi: f32| {
                if v < lo {
                    1
                } else if v > hi {
                    -1
                } else {
                    0
                }
            };
            let (nx_, ny_) = (need(x, gx0, gx1), need(y, gy0, gy1));
            let (dx, dy) = DIRS[d];
            // Along the heading's axis: behind means two turns; across it: one.
            let (along, across) = if dy == 0 { (nx_, ny_) } else { (ny_, nx_) };
            let ahead = if dy == 0 { dx } else { dy };
            let turns = if along != 0 && along != ahead {
                2
            } else if across != 0 {
                1
            } else {
                0
            };
            dist + BEND * turns as f32
        };
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
        heap.reset(base.saturating_sub(BUCKETS / 4));
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
            let d = s % 4;
            let p = s / 4;
            let (i, j) = (p % nx, p / nx);
            (ei0, ei1, ej0, ej1) = (ei0.min(i), ei1.max(i), ej0.min(j), ej1.max(j));
            let c = best.get(i, j, d).0;
            if ((c + h(i, j, d)) * 16.0) as u64 > f + 1 {
                continue;
            }
            for &(gs, extra) in &goal_at {
                if gs == s && c + extra < done_cost {
                    done_cost = c + extra;
                    done = Some(s);
                }
            }
            for (nd, &(dx, dy)) in DIRS.iter().enumerate() {
                // No U-turns.
                if (nd + 2) % 4 == d {
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
                if g.blockers(e).iter().any(|&o| !open(o)) {
                    continue;
                }
                if !best.holds(ni, nj) {
                    *self.heap.borrow_mut() = heap;
                    flush(ei0, ei1, ej0, ej1);
                    return Err(OutOfWindow);
                }
                let mut cost = (g.xs[ni] - g.xs[i]).abs() + (g.ys[nj] - g.ys[j]).abs();
                if g.hugs(e) {
                    cost *= HUG;
                }
                // A link a hair away, on a parallel line: as good as sharing the edge.
                if used.near.users(e).any(|u| u != k && !self.shares_end(k, u)) {
                    if strict {
                        continue;
                    }
                    cost += 500.0;
                }
                if used.on.has(e) {
                    if used.on.users(e).any(|u| !self.shares_end(k, u)) {
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
        let (mut i, mut j, mut d) = ((s / 4) % nx, (s / 4) / nx, s % 4);
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

/// The A* queue: entries are (key, state), popped smallest key first, ties by smallest
/// state. Keys near the first one pushed go into one bucket per key value (a search's keys
/// span a few thousand values, and a bucket rarely holds more than a few states); any other
/// key goes into a heap. Popping takes the smaller of the two minima, so the order is
/// exactly that of one heap over all entries.
#[derive(Default)]
struct Queue {
    base: u64,
    /// The lowest bucket that may be non-empty.
    cur: usize,
    /// One past the highest bucket used in this search.
    top: usize,
    buckets: Vec<Vec<usize>>,
    /// Entries outside the buckets' range, as (key << 64) | state.
    other: std::collections::BinaryHeap<std::cmp::Reverse<u128>>,
    /// Entries in the buckets.
    len: usize,
}

const BUCKETS: u64 = 1 << 17;

impl Queue {
    /// Empties the queue; keys from `base` on go into buckets.
    fn reset(&mut self, base: u64) {
        for b in &mut self.buckets[..self.top] {
            b.clear();
        }
        self.other.clear();
        (self.base, self.cur, self.top, self.len) = (base, usize::MAX, 0, 0);
    }

    fn push(&mut self, key: u64, s: usize) {
        if key < self.base || key - self.base >= BUCKETS {
            self.other
                .push(std::cmp::Reverse(((key as u128) << 64) | s as u128));
            return;
        }
        let k = (key - self.base) as usize;
        if k >= self.buckets.len() {
            self.buckets.resize_with(k + 1, Vec::new);
        }
        self.buckets[k].push(s);
        self.top = self.top.max(k + 1);
        self.cur = self.cur.min(k);
        self.len += 1;
    }

    fn pop(&mut self) -> Option<(u64, usize)> {
        let mut from_bucket = None;
        if self.len > 0 {
            while self.buckets[self.cur].is_empty() {
                self.cur += 1;
            }
            let b = &self.buckets[self.cur];
            let (mut at, mut min) = (0, b[0]);
            for (i, &x) in b.iter().enumerate().skip(1) {
                if x < min {
                    (at, min) = (i, x);
                }
            }
            from_bucket = Some((self.base + self.cur as u64, min, at));
        }
        let other = self
            .other
            .peek()
            .map(|r| ((r.0 >> 64) as u64, r.0 as u64 as usize));
        match (from_bucket, other) {
            (Some((k, s, at)), o) if o.is_none_or(|o| (k, s) < o) => {
                self.buckets[self.cur].swap_remove(at);
                self.len -= 1;
                Some((k, s))
            }
            (_, o) => {
                self.other.pop();
                o
            }
        }
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

/// Dense search state for a rectangle of grid points; an entry counts only when its stamp
/// is the current search's, so nothing is cleared between searches.
#[derive(Default)]
struct Window {
    nx: usize,
    i0: usize,
    j0: usize,
    w: usize,
    h: usize,
    best: Vec<(f32, u8)>,
    stamp: Vec<u32>,
    gen: u32,
}

impl Window {
    /// Starts a search over points `i0..i0 + w` × `j0..j0 + h` of a grid `nx` points wide.
    fn reset(&mut self, nx: usize, i0: usize, j0: usize, w: usize, h: usize) {
        (self.nx, self.i0, self.j0, self.w, self.h) = (nx, i0, j0, w, h);
        let n = w * h * 4;
        if self.stamp.len() < n {
            self.best.resize(n, (f32::INFINITY, NO_PREV));
            self.stamp.resize(n, 0);
        }
        self.gen = self.gen.wrapping_add(1);
        if self.gen == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.gen = 1;
        }
    }

    fn at(&self, i: usize, j: usize, d: usize) -> usize {
        ((j - self.j0) * self.w + (i - self.i0)) * 4 + d
    }
}

impl States for Window {
    fn holds(&self, i: usize, j: usize) -> bool {
        i >= self.i0 && i < self.i0 + self.w && j >= self.j0 && j < self.j0 + self.h
    }
    fn get(&self, i: usize, j: usize, d: usize) -> (f32, u8) {
        let a = self.at(i, j, d);
        if self.stamp[a] == self.gen {
            self.best[a]
        } else {
            (f32::INFINITY, NO_PREV)
        }
    }
    fn set(&mut self, i: usize, j: usize, d: usize, cost: f32, prev: u8) {
        let a = self.at(i, j, d);
        self.best[a] = (cost, prev);
        self.stamp[a] = self.gen;
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

/// Candidate ports on `a` for a link whose other end is `b`.
fn ports(m: &Model, l: &Layout, a: EntId, b: EntId) -> Vec<Port> {
    let (Some(pa), Some(pb)) = (l.link_end(a), l.link_end(b)) else {
        return Vec::new();
    };
    let r = pa.rect;
    let o = pb.rect;
    let (dx, dy) = (o.cx() - r.cx(), o.cy() - r.cy());
    let mut out = Vec::new();
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
        let mut offs: Vec<(f32, f32)> = vec![(centre, 0.0)];
        if let (Some(ic), true) = (pa.icon, horizontal && !group_end) {
            offs[0] = (ic.cx(), 0.0);
        }
        if len > 80.0 {
            let target = if horizontal { o.cx() } else { o.cy() };
            let t = target.clamp(lo + 16.0, hi - 16.0);
            offs.push((t, 0.0));
            offs.push((lo + len / 4.0, 6.0));
            offs.push((hi - len / 4.0, 6.0));
        } else if !group_end {
            offs.push((centre - 12.0, 8.0));
            offs.push((centre + 12.0, 8.0));
        }
        // Ports closer than 6 px are one port (the cheaper), so two links never run a hair
        // apart on nearly the same line.
        let mut kept: Vec<(f32, f32)> = Vec::new();
        for (v, c) in offs {
            match kept.iter_mut().find(|(k, _)| (k - v).abs() < 6.0) {
                Some(k) => k.1 = k.1.min(c),
                None => kept.push((v, c)),
            }
        }
        for (v, c) in kept {
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

/// Grows the canvas to hold every link and link label too (a long label placed where there
/// was no room beside its link), moving everything right or down where it must.
pub fn fit_canvas(l: &mut Layout, r: &mut Routes) {
    let mut ext = l.extent();
    for link in &r.links {
        let rects = link
            .points
            .iter()
            .map(|p| Rect::new(p.0, p.1, 0.0, 0.0))
            .chain(link.label.as_ref().map(|t| t.rect));
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
            if let Some(t) = &mut link.label {
                t.rect = t.rect.translate(dx, dy);
            }
        }
    }
}

/// Drops points where the line goes straight on, and straightens jogs shorter than a pixel
/// (a half-pixel port on one end and a whole-pixel one on the other), which would draw as a
/// zero-length segment.
fn simplify(pts: Vec<Point>) -> Vec<Point> {
    let mut pts = straight_on(pts);
    while let Some(i) = (0..pts.len().saturating_sub(1)).find(|&i| {
        let (a, b) = (pts[i], pts[i + 1]);
        (a.0 - b.0).abs() + (a.1 - b.1).abs() < 1.0
    }) {
        let n = pts.len();
        if n == 2 {
            break;
        }
        // The tiny step is along x when the y's match. Move the run before it onto the
        // other side, unless that run starts at the start port and the run after it does
        // not end at the end port; then move the run after it.
        let along_x = pts[i].1 == pts[i + 1].1;
        let set = |p: &mut Point, v: f32| {
            if along_x {
                p.0 = v
            } else {
                p.1 = v
            }
        };
        let get = |p: Point| if along_x { p.0 } else { p.1 };
        if i >= 2 || (i == 1 && i + 2 >= n - 1) {
            let v = get(pts[i + 1]);
            set(&mut pts[i], v);
            set(&mut pts[i - 1], v);
        } else {
            let v = get(pts[i]);
            set(&mut pts[i + 1], v);
            if i + 2 < n {
                set(&mut pts[i + 2], v);
            }
        }
        pts = straight_on(pts);
    }
    pts
}

/// Drops repeated points and points where the line goes straight on.
fn straight_on(pts: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(pts.len());
    for p in pts {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let straight = (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1);
            if straight {
                out.pop();
            }
        }
        out.push(p);
    }
    out
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

/// 4. Places link labels where they hit nothing.
fn place_labels(m: &Model, l: &Layout, text: &dyn Measure, routes: &mut Routes) {
    if m.links.iter().all(|x| x.label.is_none()) {
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
            (1..=100)
                .find_map(|ring| {
                    let r = ring as f32 * 8.0;
                    let steps = ring * 2;
                    let mut ring_spots: Vec<(f32, Rect)> = (0..steps)
                        .flat_map(|i| {
                            let t = -r + i as f32 * 8.0;
                            [(t, -r), (r, t), (-t, r), (-r, -t)]
                        })
                        .map(|(dx, dy)| (dx * dx + dy * dy, at(dx, dy)))
                        .filter(|(_, c)| free(c))
                        .collect();
                    ring_spots.sort_by(|x, y| x.0.total_cmp(&y.0));
                    ring_spots.first().map(|(_, c)| *c)
                })
                .unwrap_or_else(|| at(0.0, 0.0))
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let grid = Router::build_grid(&d.model, &d.layout);
        let one = route_all(&d.model, &d.layout, &grid, false);
        let two = route_all(&d.model, &d.layout, &grid, true);
        assert_eq!(one.len(), d.model.links.len());
        assert_eq!(one, two);
    }

    #[test]
    fn simplify_drops_collinear_points() {
        let s = simplify(vec![
            (0.0, 0.0),
            (0.0, 5.0),
            (0.0, 10.0),
            (5.0, 10.0),
            (5.0, 10.0),
        ]);
        assert_eq!(s, vec![(0.0, 0.0), (0.0, 10.0), (5.0, 10.0)]);
    }

    #[test]
    fn simplify_straightens_half_pixel_jogs() {
        // Half-pixel port on a group, whole-pixel port on a node: one straight line.
        let s = simplify(vec![
            (317.5, 221.0),
            (317.5, 294.0),
            (317.0, 294.0),
            (317.0, 301.0),
        ]);
        assert_eq!(s, vec![(317.0, 221.0), (317.0, 301.0)]);
        // A jog right after the start port: the run after it moves.
        let s = simplify(vec![(157.5, 166.0), (157.0, 166.0), (157.0, 146.0)]);
        assert_eq!(s, vec![(157.5, 166.0), (157.5, 146.0)]);
        // A jog in the middle of a longer route moves the run before it.
        let s = simplify(vec![
            (0.0, 0.0),
            (50.0, 0.0),
            (50.0, 40.0),
            (50.5, 40.0),
            (50.5, 80.0),
            (90.0, 80.0),
        ]);
        assert_eq!(s, vec![(0.0, 0.0), (50.5, 0.0), (50.5, 80.0), (90.0, 80.0)]);
        for w in s.windows(2) {
            assert!((w[0].0 - w[1].0).abs() + (w[0].1 - w[1].1).abs() >= 1.0);
        }
    }
}

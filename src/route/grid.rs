//! Step 2, the grid: takes the model and its layout; gives every link's candidate ports and
//! the sparse orthogonal grid the search runs on: its lines (just outside and just inside
//! every box, through every port), the obstacles blocking each grid edge (node boxes and
//! labels always, a group's frame only for links with an end inside it, the clearance around
//! a node for other nodes' links), and the edges that run alongside a frame line.

use super::ports::{ports, Port};
use super::{snap, CLEAR, GAP, HUG_DIST, NEAR};
use crate::geom::Rect;
use crate::layout::Layout;
use crate::model::{EntId, Model};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Owner {
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
pub(super) struct Grid {
    pub(super) xs: Vec<f32>,
    pub(super) ys: Vec<f32>,
    /// One bit per edge: set when the edge has at least one blocker.
    pub(super) blocked: Vec<u64>,
    /// Per word of `blocked`: the number of blocked edges before it.
    pub(super) before: Vec<u32>,
    /// The blockers of the k-th blocked edge are `obst[start[k]..start[k + 1]]`.
    pub(super) start: Vec<u32>,
    pub(super) obst: Vec<u32>,
    pub(super) owners: Vec<Owner>,
    /// One bit per edge: runs alongside a frame line, closer than [`HUG_DIST`] (costs more).
    pub(super) hug: Vec<u64>,
    /// One bit per edge: runs across a frame's title band (costs more still).
    pub(super) band: Vec<u64>,
    /// Per link: the candidate ports at its source (towards its target), and at its target.
    pub(super) ends: Vec<[Vec<Port>; 2]>,
}

impl Grid {
    pub(super) fn nx(&self) -> usize {
        self.xs.len()
    }
    pub(super) fn ny(&self) -> usize {
        self.ys.len()
    }
    pub(super) fn edges(&self) -> usize {
        self.ny() * self.nx().saturating_sub(1) + self.nx() * self.ny().saturating_sub(1)
    }
    pub(super) fn hedge(&self, i: usize, j: usize) -> usize {
        j * (self.nx() - 1) + i
    }
    pub(super) fn vedge(&self, i: usize, j: usize) -> usize {
        self.ny() * (self.nx() - 1) + i * (self.ny() - 1) + j
    }
    pub(super) fn xi(&self, x: f32) -> Option<usize> {
        self.xs.binary_search_by(|v| v.total_cmp(&x)).ok()
    }
    pub(super) fn yi(&self, y: f32) -> Option<usize> {
        self.ys.binary_search_by(|v| v.total_cmp(&y)).ok()
    }

    /// Marks the edges that run alongside a side of frame `r`, closer to it than [`HUG_DIST`].
    pub(super) fn mark_hugs(&mut self, r: &Rect) {
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
            self.mark_costly(true, i0..i1, j0..j1, false);
        }
        // Vertical edges near the left and right sides, within the y range.
        let j0 = self.ys.partition_point(|&y| y < r.y);
        let j1 = self.ys.partition_point(|&y| y <= r.bottom());
        for side in [r.x, r.right()] {
            let (i0, i1) = near(&self.xs, side);
            self.mark_costly(false, i0..i1, j0..j1, false);
        }
    }

    /// Marks the horizontal edges inside band `r` (a frame's title band) like those beside a
    /// frame line.
    pub(super) fn mark_band(&mut self, r: &Rect) {
        let i0 = self.xs.partition_point(|&x| x < r.x);
        let i1 = self.xs.partition_point(|&x| x <= r.right());
        let j0 = self.ys.partition_point(|&y| y <= r.y);
        let j1 = self.ys.partition_point(|&y| y < r.bottom());
        self.mark_costly(true, i0..i1, j0..j1, true);
    }

    /// Sets the `hug` bit (or with `band` the `band` bit) of the edges between grid points
    /// `is` × `js`: horizontal edges on rows `js` from column to column within `is`, or
    /// vertical edges on columns `is` from row to row within `js`.
    fn mark_costly(
        &mut self,
        horizontal: bool,
        is: std::ops::Range<usize>,
        js: std::ops::Range<usize>,
        band: bool,
    ) {
        let (nx, ny) = (self.nx(), self.ny());
        let (is, js) = if horizontal {
            (
                is.start..is.end.min(nx).saturating_sub(1),
                js.start..js.end.min(ny),
            )
        } else {
            (
                is.start..is.end.min(nx),
                js.start..js.end.min(ny).saturating_sub(1),
            )
        };
        for j in js {
            for i in is.clone() {
                let e = if horizontal {
                    self.hedge(i, j)
                } else {
                    self.vedge(i, j)
                };
                let bits = if band { &mut self.band } else { &mut self.hug };
                bits[e / 64] |= 1 << (e % 64);
            }
        }
    }

    /// The edges parallel to the edge from grid point `a` to its neighbour `b`, over the
    /// same span, on lines closer than [`GAP`] to it.
    pub(super) fn parallel_near(&self, a: (usize, usize), b: (usize, usize)) -> Vec<usize> {
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
    pub(super) fn hugs(&self, e: usize) -> bool {
        (self.hug[e / 64] >> (e % 64)) & 1 == 1
    }

    /// Whether edge `e` runs across a frame's title band.
    pub(super) fn in_band(&self, e: usize) -> bool {
        (self.band[e / 64] >> (e % 64)) & 1 == 1
    }

    /// The obstacles blocking edge `e`.
    #[inline]
    pub(super) fn blockers(&self, e: usize) -> &[u32] {
        let (w, b) = (e / 64, e % 64);
        let word = self.blocked[w];
        if (word >> b) & 1 == 0 {
            return &[];
        }
        let k = self.rank(e);
        &self.obst[self.start[k] as usize..self.start[k + 1] as usize]
    }

    /// The index of blocked edge `e` among the blocked edges (its blocker list's number).
    #[inline]
    fn rank(&self, e: usize) -> usize {
        let (w, b) = (e / 64, e % 64);
        self.before[w] as usize + (self.blocked[w] & ((1u64 << b) - 1)).count_ones() as usize
    }

    /// Every (edge, obstacle) pair where the edge enters `r`'s open interior.
    pub(super) fn mark(&self, r: &Rect, o: u32, out: &mut Vec<(usize, u32)>) {
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

    /// Stores the blockers of every edge from (edge, obstacle) pairs, keeping the order of
    /// an edge's pairs: a counting sort by the edge's rank among the blocked edges (a
    /// comparison sort of the pairs took most of the grid's build).
    pub(super) fn set_blockers(&mut self, pairs: Vec<(usize, u32)>) {
        let words = self.edges().div_ceil(64);
        self.blocked = vec![0; words];
        for &(e, _) in &pairs {
            self.blocked[e / 64] |= 1 << (e % 64);
        }
        self.before = Vec::with_capacity(words);
        let mut count = 0u32;
        for w in &self.blocked {
            self.before.push(count);
            count += w.count_ones();
        }
        let mut start = vec![0u32; count as usize + 1];
        for &(e, _) in &pairs {
            start[self.rank(e) + 1] += 1;
        }
        for k in 0..count as usize {
            start[k + 1] += start[k];
        }
        let mut at = start.clone();
        let mut obst = vec![0u32; pairs.len()];
        for &(e, o) in &pairs {
            let r = self.rank(e);
            obst[at[r] as usize] = o;
            at[r] += 1;
        }
        (self.start, self.obst) = (start, obst);
    }
}

impl Grid {
    /// Builds the grid and its obstacles for a layout.
    pub(super) fn build(m: &Model, l: &Layout) -> Grid {
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
                // Lines CLEAR from each side, inside and out: tracks for links beside a
                // frame (nudging then centres them in their channel).
                xs.extend([
                    r.x - CLEAR,
                    r.x + CLEAR,
                    r.right() - CLEAR,
                    r.right() + CLEAR,
                ]);
                ys.extend([
                    r.y - CLEAR,
                    r.y + CLEAR,
                    r.bottom() - CLEAR,
                    r.bottom() + CLEAR,
                ]);
                obstacles.push((r, Owner::Group(EntId(i as u32))));
                if let Some(ic) = p.icon {
                    obstacles.push((ic.inflate(4.0), Owner::Solid));
                }
            }
            if let Some(t) = &p.label {
                let lr = t.rect.inflate(if e.is_group() { 4.0 } else { 2.0 });
                // Lines 6 px around the label, but none where the node's own lines already
                // pass (a label beside its icon needs no rows of its own, nor a column
                // between it and the icon).
                let beside = e.is_node()
                    && lr.y - 6.0 >= r.y - CLEAR
                    && lr.bottom() + 6.0 <= r.bottom() + CLEAR;
                if !beside {
                    ys.extend([lr.y - 6.0, lr.bottom() + 6.0]);
                }
                if !(beside && lr.x - 6.0 <= r.right() + CLEAR && lr.x >= r.x) {
                    xs.push(lr.x - 6.0);
                }
                xs.push(lr.right() + 6.0);
                obstacles.push((lr, Owner::Solid));
                if e.is_node() {
                    // Other links keep clear of a node's label as of its icon (grazing).
                    obstacles.push((t.rect.inflate(NEAR), Owner::Near(EntId(i as u32))));
                }
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
        let ends: Vec<[Vec<Port>; 2]> = m
            .links
            .iter()
            .map(|link| {
                [
                    ports(m, l, link.from, link.to),
                    ports(m, l, link.to, link.from),
                ]
            })
            .collect();
        for p in ends.iter().flatten().flatten() {
            xs.push(p.x);
            ys.push(p.y);
        }
        for v in xs.iter_mut().chain(ys.iter_mut()) {
            *v = snap(*v);
        }
        // (No lines halfway between these: nudging centres each segment in its channel.)
        let finish = |v: &mut Vec<f32>, max: f32| {
            v.retain(|x| *x >= 0.0 && *x <= max);
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
            band: Vec::new(),
            ends,
        };
        grid.hug = vec![0; grid.edges().div_ceil(64)];
        grid.band = vec![0; grid.edges().div_ceil(64)];
        // Frame lines (groups and overlay boxes) that links should not run along.
        // Nor across a frame's title band (from its top line to below a title in its top half).
        let band = |r: &Rect, t: Option<&crate::layout::TextBox>| {
            super::title_band(r, t.map(|t| &t.rect)).map(|b| Rect::new(b.x, b.y, b.w, b.h + 6.0))
        };
        for (i, e) in m.entities.iter().enumerate() {
            if let (true, Some(p)) = (e.is_group(), l.boxes.get(i).and_then(|b| b.as_ref())) {
                grid.mark_hugs(&p.rect);
                if let Some(b) = band(&p.rect, p.label.as_ref()) {
                    grid.mark_band(&b);
                }
            }
        }
        for o in &l.overlays {
            grid.mark_hugs(&o.placed.rect);
            if let Some(b) = band(&o.placed.rect, o.placed.label.as_ref()) {
                grid.mark_band(&b);
            }
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
}

//! A uniform grid of buckets over rectangles: which stored rectangles may touch a query
//! rectangle, without testing every one. Used where a stage tests many candidate boxes
//! against everything placed so far (link labels against boxes, labels and links), which
//! would otherwise grow with the square of the diagram.

use crate::geom::Rect;
use std::cell::RefCell;

/// No entry.
const NONE: u32 = u32::MAX;

/// Rectangles with a value each, bucketed by the square cells they overlap.
pub(crate) struct RectIndex<T> {
    cell: f32,
    cols: usize,
    rows: usize,
    /// Per cell: its first and last entry in `entries`, or `NONE`.
    buckets: Vec<(u32, u32)>,
    /// (item, next entry of the same cell or `NONE`): every cell's list threaded through
    /// one array, in insertion order, so an index costs a few allocations, not one per cell.
    entries: Vec<(u32, u32)>,
    items: Vec<(Rect, T)>,
    /// Per item: the query that last visited it, so that a query visits each item once.
    seen: RefCell<(Vec<u32>, u32)>,
}

impl<T> RectIndex<T> {
    /// An empty index over a `width` × `height` canvas, in cells of `cell` px. Rectangles
    /// outside the canvas are kept too (in the border cells).
    pub(crate) fn new(width: f32, height: f32, cell: f32) -> RectIndex<T> {
        let cols = ((width / cell).ceil() as usize).clamp(1, 4096);
        let rows = ((height / cell).ceil() as usize).clamp(1, 4096);
        RectIndex {
            cell,
            cols,
            rows,
            buckets: vec![(NONE, NONE); cols * rows],
            entries: Vec::new(),
            items: Vec::new(),
            seen: RefCell::new((Vec::new(), 0)),
        }
    }

    /// The cells a rectangle overlaps, edges included: (first column, last column, first
    /// row, last row).
    fn span(&self, r: &Rect) -> (usize, usize, usize, usize) {
        let at =
            |v: f32, n: usize| ((v / self.cell).floor() as i64).clamp(0, n as i64 - 1) as usize;
        (
            at(r.x, self.cols),
            at(r.right(), self.cols),
            at(r.y, self.rows),
            at(r.bottom(), self.rows),
        )
    }

    pub(crate) fn insert(&mut self, r: Rect, v: T) {
        let id = self.items.len() as u32;
        let (c0, c1, r0, r1) = self.span(&r);
        for row in r0..=r1 {
            for col in c0..=c1 {
                let e = self.entries.len() as u32;
                self.entries.push((id, NONE));
                let b = &mut self.buckets[row * self.cols + col];
                if b.0 == NONE {
                    *b = (e, e);
                } else {
                    self.entries[b.1 as usize].1 = e;
                    b.1 = e;
                }
            }
        }
        self.items.push((r, v));
    }

    /// Calls `f` once for every stored item whose rectangle may touch `r` (every item that
    /// intersects or touches it, and perhaps some near it), until `f` returns true; returns
    /// whether it did.
    pub(crate) fn any(&self, r: &Rect, mut f: impl FnMut(&Rect, &T) -> bool) -> bool {
        let mut seen = self.seen.borrow_mut();
        let (stamps, gen) = &mut *seen;
        stamps.resize(self.items.len(), 0);
        *gen = gen.wrapping_add(1);
        if *gen == 0 {
            stamps.iter_mut().for_each(|s| *s = 0);
            *gen = 1;
        }
        let (c0, c1, r0, r1) = self.span(r);
        for row in r0..=r1 {
            for col in c0..=c1 {
                let mut e = self.buckets[row * self.cols + col].0;
                while e != NONE {
                    let (id, next) = self.entries[e as usize];
                    e = next;
                    let i = id as usize;
                    if stamps[i] == *gen {
                        continue;
                    }
                    stamps[i] = *gen;
                    let (rect, v) = &self.items[i];
                    if f(rect, v) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// The number of stored items for which `f` holds, among those that may touch `r`.
    pub(crate) fn count(&self, r: &Rect, mut f: impl FnMut(&Rect, &T) -> bool) -> usize {
        let mut n = 0;
        self.any(r, |rect, v| {
            n += f(rect, v) as usize;
            false
        });
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_scan_finds() {
        let mut ix = RectIndex::new(1000.0, 800.0, 64.0);
        let mut all = Vec::new();
        // A spread of rectangles, some outside the canvas, some spanning many cells.
        for k in 0..200 {
            let f = k as f32;
            let r = Rect::new(
                (f * 37.0) % 1100.0 - 50.0,
                (f * 53.0) % 900.0 - 50.0,
                (f * 7.0) % 300.0,
                (f * 11.0) % 90.0,
            );
            ix.insert(r, k);
            all.push(r);
        }
        for q in 0..100 {
            let f = q as f32;
            let r = Rect::new((f * 71.0) % 1000.0, (f * 29.0) % 800.0, 40.0, 16.0);
            let want: Vec<usize> = (0..all.len()).filter(|&i| all[i].intersects(&r)).collect();
            let mut got = Vec::new();
            ix.any(&r, |rect, &k| {
                if rect.intersects(&r) {
                    got.push(k);
                }
                false
            });
            got.sort();
            assert_eq!(got, want);
            assert_eq!(ix.count(&r, |rect, _| rect.intersects(&r)), want.len());
        }
    }
}

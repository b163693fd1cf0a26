//! Step 3a, side columns: small services beside the one big group they serve.
//!
//! Takes the items of a downward flow, their sizes and the links between them; when one
//! item is far bigger than the rest (a VPC among region-level services), gives the small icon
//! nodes (and small groups: a head office beside the cloud) that talk only to it (or to each
//! other, in chains that reach it) a place in a column on its left or right, on the side
//! facing what they link to, each at the height of what it links to inside. An architect draws Cognito, ECR or CloudWatch beside the VPC, not in rows
//! above and below it: links run sideways into the VPC and stay short. Their labels go on the
//! outer side of their icons, so that the side facing the big item and the top and bottom
//! (for chains down the column) are free for links.

use super::*;
use sizes::{label_below, label_outside};

/// How many times bigger (on each axis) the big item is than any item put beside it.
const BIG: f32 = 2.5;
/// The room between a column and the big item.
const COLUMN_GAP: f32 = 60.0;
/// The room between two items of a column.
const STACK_GAP: f32 = 40.0;

impl Ctx<'_> {
    /// Re-lays small group `g` with the labels of its icon nodes under their icons.
    fn labels_below(&mut self, g: EntId) {
        for c in self.inside_children(g) {
            if !matches!(self.m.get(c).kind, EntKind::Node { .. }) {
                continue;
            }
            if let Some(label) = self.frames[c.index()].label.clone() {
                self.frames[c.index()] = label_below(label);
            }
        }
        self.laid[g.index()] = false;
        self.lay(g);
    }
}

/// The items of a flow placed in side columns.
pub(super) struct Columns {
    /// The big item.
    pub(super) big: usize,
    /// Per item: `Some(true)` in the left column, `Some(false)` in the right, `None` not in one.
    pub(super) left: Vec<Option<bool>>,
    /// Per column item: its offsets (cross from the big item's cross start, main from its
    /// main start).
    pub(super) at: Vec<(f32, f32)>,
    /// How far the columns reach along the main axis from the big item's main start.
    pub(super) depth: f32,
}

impl Columns {
    pub(super) fn holds(&self, i: usize) -> bool {
        self.left[i].is_some()
    }
}

impl Ctx<'_> {
    /// Side columns for the items of a flow (`size`: (cross, main) per item, updated for the
    /// items moved into a column; `mains`: the main-axis anchors of each edge's ends; `ends`:
    /// the entities at each edge's ends).
    pub(super) fn side_columns(
        &mut self,
        items: &[EntId],
        edges: &[(usize, usize, f32, f32)],
        mains: &[(f32, f32)],
        ends: &[(EntId, EntId)],
        layers: &[Vec<usize>],
        size: &mut [(f32, f32)],
    ) -> Option<Columns> {
        let n = items.len();
        if n < 2 {
            return None;
        }
        // In a rightward diagram the columns are rows above and below the big item, and only
        // for what links to its far end (an analyst querying the last table of a pipeline):
        // a source linked to its start stays before it in the flow, where it reads first.
        let across = self.m.direction != Direction::Down;
        if across && self.downward(self.m.get(items[0]).parent) {
            return None;
        }
        // 1. The big item: the largest group, far bigger than every icon node.
        let big = (0..n)
            .filter(|&i| self.m.get(items[i]).is_group())
            .max_by(|&a, &b| (size[a].0 * size[a].1).total_cmp(&(size[b].0 * size[b].1)))?;
        let small = |c: &Ctx, i: usize| {
            let e = items[i];
            i != big
                && matches!(
                    c.m.get(e).kind,
                    EntKind::Node { .. } | EntKind::Group { .. }
                )
                && c.placement(e) == Placement::Inside
                && c.overlays_around[e.index()] == 0
                && size[big].0 >= BIG * size[i].0
                && size[big].1 >= BIG * size[i].1
        };
        // The other end of each item's edges.
        let mut nbrs: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(a, b, _, _) in edges {
            nbrs[a].push(b);
            nbrs[b].push(a);
        }
        // 2. Candidates: small nodes whose every edge goes to the big item or another
        //    candidate (a fixpoint, by a work list), in chains that reach the big item.
        let mut cand: Vec<bool> = (0..n).map(|i| small(self, i)).collect();
        let mut dropped: Vec<usize> = (0..n).filter(|&i| !cand[i] && i != big).collect();
        while let Some(y) = dropped.pop() {
            for &x in &nbrs[y] {
                if cand[x] {
                    cand[x] = false;
                    dropped.push(x);
                }
            }
        }
        // Components of candidates, and the cross offsets (from the big item's middle) and
        // main anchors of their direct edges to it.
        let mut comp = vec![usize::MAX; n];
        let mut comps: Vec<Vec<usize>> = Vec::new();
        for s in 0..n {
            if !cand[s] || comp[s] != usize::MAX {
                continue;
            }
            let id = comps.len();
            let mut members = vec![s];
            comp[s] = id;
            let mut k = 0;
            while k < members.len() {
                let v = members[k];
                k += 1;
                for &w in &nbrs[v] {
                    if cand[w] && comp[w] == usize::MAX {
                        comp[w] = id;
                        members.push(w);
                    }
                }
            }
            members.sort_unstable();
            comps.push(members);
        }
        let mid = size[big].0 / 2.0;
        let mut lean = vec![0.0f32; comps.len()];
        let mut direct = vec![0usize; comps.len()];
        // Wanted main offset of each candidate's item start from the big item's start.
        let mut want: Vec<Option<f32>> = vec![None; n];
        // The main anchors of each candidate's direct links, in model order.
        let mut anchors: Vec<Vec<f32>> = vec![Vec::new(); n];
        // Where along the main axis each candidate's links leave it (a node: its middle; a
        // small group: the member that links).
        let mut own = vec![0.0f32; n];
        // A component linked to a gateway on the big item's top or bottom line stays in the
        // rows above or below it.
        let mut on_border = vec![false; comps.len()];
        let mut fanned = vec![false; comps.len()];
        let mut left_only = vec![false; comps.len()];
        // A component linked to a gateway on a side line: that side (left: `true`).
        let mut side_of: Vec<Option<bool>> = vec![None; comps.len()];
        // Rightward: whether every direct link of the component lands where a row beats
        // the flow (a source's target in the far half of the big item, a sink's in the near).
        let mut far = vec![true; comps.len()];
        let mut target: Vec<Option<EntId>> = vec![None; n];
        // The spread of each component's direct targets: (cross min, max, main min, max).
        let mut spread = vec![
            (
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::INFINITY,
                f32::NEG_INFINITY
            );
            comps.len()
        ];
        for (k, &(a, b, oa, ob)) in edges.iter().enumerate() {
            let (c, inside_cross, inside_main, own_main) = if cand[a] && b == big {
                (a, ob, mains[k].1, mains[k].0)
            } else if cand[b] && a == big {
                (b, oa, mains[k].0, mains[k].1)
            } else {
                continue;
            };
            let inner = if b == big { ends[k].1 } else { ends[k].0 };
            if self.placement(inner) == Placement::Border {
                // A gateway on a side line of its group is reached from that side: the
                // component goes in the column there.
                match self.border_side(inner) {
                    Side::Left if !across => side_of[comp[c]] = Some(true),
                    Side::Right if !across => side_of[comp[c]] = Some(false),
                    _ => on_border[comp[c]] = true,
                }
            }
            let sp = &mut spread[comp[c]];
            *sp = (
                sp.0.min(inside_cross),
                sp.1.max(inside_cross),
                sp.2.min(inside_main),
                sp.3.max(inside_main),
            );
            if target[c].is_some_and(|t| t != inner) && sp.1 - sp.0 >= sp.3 - sp.2 {
                // Links to several things inside side by side (a fan-out) read better from
                // above or below; to things one under another, from the side.
                fanned[comp[c]] = true;
            }
            target[c] = Some(inner);
            // A node inside with its label on its right is reached from the left only.
            if matches!(self.m.get(inner).kind, EntKind::Node { .. })
                && self.placement(inner) != Placement::Border
                && (!across || self.label_on_right(inner))
            {
                left_only[comp[c]] = true;
            }
            let source = b == big;
            if (inside_main > size[big].1 / 2.0) != source {
                far[comp[c]] = false;
            }
            lean[comp[c]] += inside_cross - mid;
            direct[comp[c]] += 1;
            anchors[c].push(inside_main);
            own[c] = own_main;
        }
        let comps: Vec<(Vec<usize>, f32)> = comps
            .into_iter()
            .enumerate()
            .filter(|(id, _)| direct[*id] > 0 && !on_border[*id] && !fanned[*id])
            .filter(|(id, _)| !across || far[*id])
            .map(|(id, c)| match side_of[id] {
                Some(true) => (c, -size[big].0, false),
                Some(false) => (c, size[big].0, false),
                None => (c, lean[id] / direct[id] as f32, left_only[id]),
            })
            .filter(|(_, lean, left_only)| !(*left_only && *lean > 0.0))
            .map(|(c, lean, left_only)| (c, if left_only { -size[big].0 } else { lean }))
            .collect();
        // The big item must be alone in its layer once its columns are out of it.
        let beside = |i: usize| comps.iter().any(|(c, _)| c.binary_search(&i).is_ok());
        let layer = layers.iter().find(|l| l.contains(&big))?;
        if comps.is_empty() || layer.iter().any(|&i| i != big && !beside(i)) {
            return None;
        }
        // 3. Sides by where the links land (a component whose links land near the middle
        //    goes to the side with fewer items); labels on the outer side.
        let mut left: Vec<Option<bool>> = vec![None; n];
        let mut count = [0usize; 2];
        let leaning = |lean: f32| lean.abs() > 0.1 * size[big].0;
        for (members, lean) in comps.iter().filter(|(_, l)| leaning(*l)) {
            count[usize::from(*lean >= 0.0)] += members.len();
            for &i in members {
                left[i] = Some(*lean < 0.0);
            }
        }
        for (members, _) in comps.iter().filter(|(_, l)| !leaning(*l)) {
            let goes_left = count[0] < count[1];
            count[usize::from(!goes_left)] += members.len();
            for &i in members {
                left[i] = Some(goes_left);
            }
        }
        // The links of each column item to things outside the flow.
        let mut outside = vec![0usize; n];
        for i in 0..n {
            let Some(on_left) = left[i] else { continue };
            let e = items[i];
            if self.m.get(e).is_group() {
                // A small group (an office beside the cloud): the labels of its nodes go
                // under their icons, so their sides are free for links sideways, and its
                // links leave it where its linking member now stands.
                if !across {
                    self.labels_below(e);
                    let f = &self.frames[e.index()];
                    size[i] = (f.w, f.h);
                    let big_e = items[big];
                    let linking = self
                        .inside_children(e)
                        .into_iter()
                        .find(|&c| self.linked(c).any(|o| self.m.is_within(o, big_e)));
                    if let Some(c) = linking {
                        own[i] = self.anchor(e, c).1;
                    }
                }
                continue;
            }
            let label = self.frames[e.index()].label.clone()?;
            let others: Vec<EntId> = self
                .linked(e)
                .filter(|&other| !items.iter().any(|&it| self.m.is_within(other, it)))
                .collect();
            outside[i] = others.len();
            // A node linked to something outside the flow that links to nothing else in
            // the flow's container (a developer pushing to a repository) keeps its outer
            // side free for that link, as that thing will stand beside the container on
            // this side: its label goes below. One linked to several things in there (users
            // of a gateway and of a user pool) stands above or below the container, and its
            // link comes in from the column's top.
            let container = self.m.get(e).parent;
            let beside = others.iter().any(|&o| {
                self.linked(o)
                    .filter(|&x| container.is_none_or(|c| self.m.is_within(x, c)))
                    .all(|x| x == e)
            });
            self.frames[e.index()] = if across {
                // Rows: links leave down (or up) into the big item; the label on the right.
                label_outside(label, false)
            } else if beside {
                label_below(label)
            } else {
                label_outside(label, on_left)
            };
            let f = &self.frames[e.index()];
            size[i] = if across { (f.h, f.w) } else { (f.w, f.h) };
        }
        // A link to something outside the flow (users above the cloud) comes in from the
        // column's top: it pulls its item up as much as one link inside pulls it down.
        for i in 0..n {
            if left[i].is_some() && !anchors[i].is_empty() {
                // Level with one of the things it links to (the one nearest the mean, the
                // first of equals), so that link runs straight; between two stacked ones
                // both links would bend.
                let mean = anchors[i].iter().sum::<f32>() / (anchors[i].len() + outside[i]) as f32;
                let at = if anchors[i].len() > 1 {
                    let nearer = |a: f32, b: f32| {
                        if (b - mean).abs() < (a - mean).abs() - 0.5 {
                            b
                        } else {
                            a
                        }
                    };
                    anchors[i].iter().copied().reduce(nearer).unwrap_or(mean)
                } else {
                    mean
                };
                want[i] = Some(at - own[i]);
            }
        }
        // Candidates without a direct edge want what their neighbours want.
        for _ in 0..n {
            let mut changed = false;
            for &(a, b, _, _) in edges {
                for (x, y) in [(a, b), (b, a)] {
                    if left[x].is_some() && want[x].is_none() && left[y].is_some() {
                        if let Some(w) = want[y] {
                            want[x] = Some(w);
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        // 4. Each column: its components in the order of their wanted heights, each
        //    arranged so that linked items sit next to each other (sources above), placed
        //    as close to the wanted heights as the stacking allows, never above the big
        //    item's start.
        let mut at = vec![(0.0f32, 0.0f32); n];
        let mut depth = 0.0f32;
        for side in [true, false] {
            let mut blocks: Vec<(f32, Vec<usize>)> = comps
                .iter()
                .filter(|(c, _)| left[c[0]] == Some(side))
                .map(|(c, _)| {
                    let ws: Vec<f32> = c.iter().filter_map(|&i| want[i]).collect();
                    let mean = ws.iter().sum::<f32>() / ws.len().max(1) as f32;
                    (mean, arrange(n, c, &want, edges))
                })
                .collect();
            if blocks.is_empty() {
                continue;
            }
            blocks.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1[0].cmp(&b.1[0])));
            let col: Vec<usize> = blocks.into_iter().flat_map(|(_, c)| c).collect();
            let desired: Vec<(f32, f32)> = col
                .iter()
                .map(|&i| {
                    (
                        want[i].unwrap_or(0.0),
                        if anchors[i].is_empty() { 0.001 } else { 1.0 },
                    )
                })
                .collect();
            let sizes: Vec<f32> = col.iter().map(|&i| size[i].1).collect();
            let mut mains = isotonic_place(&desired, &sizes, STACK_GAP);
            let lift = (-mains[0]).max(0.0);
            mains.iter_mut().for_each(|m| *m += lift);
            // Icons in one line (an icon with its label below is as far in as one with its
            // label on the outer side), on the side facing the big item: the cross offsets of
            // each icon's start and end in its item.
            let icon = |i: usize| {
                let b = self.frames[items[i].index()].body;
                if across {
                    (b.y, b.bottom())
                } else {
                    (b.x, b.right())
                }
            };
            // How far the items reach past their icons towards the big item.
            let over = col
                .iter()
                .map(|&j| {
                    if side {
                        size[j].0 - icon(j).1
                    } else {
                        icon(j).0
                    }
                })
                .fold(0.0, f32::max);
            for (k, &i) in col.iter().enumerate() {
                let (lo, hi) = icon(i);
                let cx = if side {
                    -COLUMN_GAP - over - hi
                } else {
                    size[big].0 + COLUMN_GAP + over - lo
                };
                at[i] = (cx.round(), mains[k].round());
                depth = depth.max(mains[k] + size[i].1);
            }
        }
        Some(Columns {
            big,
            left,
            at,
            depth,
        })
    }
}

/// The most items of one component that [`arrange`] orders by trying every order.
const ARRANGE_ALL: usize = 7;

/// The order of component `comp` down its column: the one with the shortest links between
/// neighbours in the column (then the fewest links running upwards) among all orders of
/// small components; by wanted height, then link order, for bigger ones.
fn arrange(
    n: usize,
    comp: &[usize],
    want: &[Option<f32>],
    edges: &[(usize, usize, f32, f32)],
) -> Vec<usize> {
    let inner: Vec<(usize, usize, f32, f32)> = edges
        .iter()
        .copied()
        .filter(|&(a, b, _, _)| comp.binary_search(&a).is_ok() && comp.binary_search(&b).is_ok())
        .collect();
    let rank = flow::ranks(n, &inner);
    let mut base = comp.to_vec();
    base.sort_by(|&a, &b| {
        want[a]
            .unwrap_or(0.0)
            .total_cmp(&want[b].unwrap_or(0.0))
            .then(rank[a].cmp(&rank[b]))
            .then(a.cmp(&b))
    });
    if base.len() > ARRANGE_ALL || inner.is_empty() {
        return base;
    }
    let cost = |order: &[usize]| {
        let pos = |x: usize| order.iter().position(|&y| y == x).unwrap_or(0);
        inner
            .iter()
            .map(|&(a, b, _, _)| {
                let (pa, pb) = (pos(a), pos(b));
                10 * pa.abs_diff(pb) + usize::from(pa > pb)
            })
            .sum::<usize>()
    };
    let mut best = (cost(&base), base.clone());
    let mut perm = base.clone();
    permute(&mut perm, 0, &mut |p| {
        let c = cost(p);
        if c < best.0 {
            best = (c, p.to_vec());
        }
    });
    best.1
}

/// Calls `f` with every order of `v[k..]` (after `v[..k]`), in a fixed sequence.
fn permute(v: &mut [usize], k: usize, f: &mut dyn FnMut(&[usize])) {
    if k == v.len() {
        f(v);
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permute(v, k + 1, f);
        v.swap(k, i);
    }
}

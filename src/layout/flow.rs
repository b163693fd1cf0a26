//! Step 3, flow: the layered layout of the items of one container.
//!
//! Takes sized items (siblings, or the roots) and the links between them; gives their
//! positions relative to a (0,0) content origin and the content size. Longest-path ranks
//! along the diagram direction, barycentre order inside ranks, ranks wrapped into rows to
//! match the page shape, cross positions aligned to linked neighbours by isotonic regression.

use super::*;

impl Ctx<'_> {
    /// Layered layout of `items` (already sized); sets their `rel` from a (0,0) content
    /// origin and returns the content size.
    pub(super) fn flow(&mut self, items: &[EntId]) -> (f32, f32) {
        let n = items.len();
        if n == 0 {
            return (0.0, 0.0);
        }
        let down = self.downward(self.m.get(items[0]).parent);
        // Zone boxes in one container share one size.
        let zones: Vec<EntId> = items
            .iter()
            .copied()
            .filter(|i| matches!(self.m.get(*i).kind, EntKind::Zone))
            .collect();
        if zones.len() > 1 {
            let w = zones
                .iter()
                .map(|z| self.frames[z.index()].body.w)
                .fold(0.0, f32::max);
            let h = zones
                .iter()
                .map(|z| self.frames[z.index()].body.h)
                .fold(0.0, f32::max);
            for z in zones {
                self.stretch(z, w, h);
            }
        }
        // (cross size, main size) of each item.
        let mut size: Vec<(f32, f32)> = items
            .iter()
            .map(|i| {
                let f = &self.frames[i.index()];
                if down {
                    (f.w, f.h)
                } else {
                    (f.h, f.w)
                }
            })
            .collect();
        // 1. Edges between items, with the cross-axis anchor of each end inside its item.
        //    Only links whose nearest common ancestor is the items' parent can join two
        //    items; an end's item is its ancestor (or itself) right under that parent.
        let parent = self.m.get(items[0]).parent;
        let siblings = items.iter().all(|i| self.m.get(*i).parent == parent);
        for (k, it) in items.iter().enumerate() {
            self.item_at[it.index()] = k as u32;
        }
        let owner = |x: EntId| {
            if !siblings {
                return items.iter().position(|&it| self.m.is_within(x, it));
            }
            let top = std::iter::once(x)
                .chain(self.m.ancestors(x))
                .find(|a| self.m.get(*a).parent == parent)?;
            let k = self.item_at[top.index()] as usize;
            (items.get(k) == Some(&top)).then_some(k)
        };
        let all: Vec<usize>;
        let candidates: &[usize] = if siblings {
            self.links_under.get(&parent).map_or(&[], |v| v.as_slice())
        } else {
            all = (0..self.m.links.len()).collect();
            &all
        };
        let mut edges: Vec<(usize, usize, f32, f32)> = Vec::new();
        // The main-axis anchors of each edge's ends, in the same order.
        let mut mains: Vec<(f32, f32)> = Vec::new();
        // The entity at each edge's ends.
        let mut ent_ends: Vec<(EntId, EntId)> = Vec::new();
        for &li in candidates {
            let l = &self.m.links[li];
            let (from, to) = (self.link_end(l.from), self.link_end(l.to));
            let (Some(a), Some(b)) = (owner(from), owner(to)) else {
                continue;
            };
            if a == b {
                continue;
            }
            let pa = self.anchor(items[a], from);
            let pb = self.anchor(items[b], to);
            let (oa, ob) = if down { (pa.0, pb.0) } else { (pa.1, pb.1) };
            edges.push((a, b, oa, ob));
            mains.push(if down { (pa.1, pb.1) } else { (pa.0, pb.0) });
            ent_ends.push((from, to));
        }
        // 2. Ranks: longest path over the edges, cycles broken by DFS back edges.
        // Regions linked to each other stand side by side (in one rank) rather than one
        // after the other: the links between them run across, as architects draw them.
        let is_region = |k: usize| matches!(self.m.get(items[k]).kind, EntKind::Region { .. });
        let ranked: Vec<(usize, usize, f32, f32)> = edges
            .iter()
            .copied()
            .filter(|&(a, b, _, _)| !(is_region(a) && is_region(b)))
            .collect();
        let mut rank = ranks(n, &ranked);
        // The edges at each item, in edge order.
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, &(a, b, _, _)) in edges.iter().enumerate() {
            adj[a].push(k);
            if b != a {
                adj[b].push(k);
            }
        }
        // Members of an overlay that reaches into other containers (a security group
        // across zones) keep their rank to themselves: the unlinked things beside them (a
        // route table) go in a rank after all others, out of the way of the one box the
        // overlay is drawn as.
        let held: Vec<bool> = items
            .iter()
            .map(|it| self.holds_cross_member[it.index()])
            .collect();
        if held.contains(&true) {
            let last = rank.iter().copied().max().unwrap_or(0) + 1;
            let mut ranks_held = vec![false; last];
            for i in (0..n).filter(|&i| held[i]) {
                ranks_held[rank[i]] = true;
            }
            for i in 0..n {
                if !held[i] && adj[i].is_empty() && ranks_held[rank[i]] {
                    rank[i] = last;
                }
            }
            // Close any gap the move left.
            let mut used: Vec<usize> = rank.clone();
            used.sort_unstable();
            used.dedup();
            for r in rank.iter_mut() {
                *r = used.binary_search(r).unwrap_or(0);
            }
        }
        // An item with no link inside the flow but links that only leave its container
        // goes in the last rank, next to where those links go on (an OpenTelemetry
        // collector beside the API it watches, not above it); one they only enter stays in
        // the first.
        let nranks = rank.iter().copied().max().unwrap_or(0) + 1;
        if let (true, Some(container), true) = (siblings, parent, nranks > 1) {
            for i in 0..n {
                if adj[i].is_empty() && rank[i] == 0 && !held[i] {
                    let (leaves, enters) = self.links_across(items[i], container);
                    if leaves && !enters {
                        rank[i] = nranks - 1;
                    }
                }
            }
        }
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); nranks];
        for i in 0..n {
            layers[rank[i]].push(i);
        }
        // 3. Order inside ranks by barycentre of neighbours (a few sweeps). The first order
        //    follows the links that leave the items: an item linked to something near the
        //    start of a laid-out sibling container comes first (two groups side by side,
        //    their members facing their partners), then file order.
        if let (true, Some(container)) = (siblings, parent) {
            let key: Vec<Option<f32>> = items
                .iter()
                .map(|&it| self.outside_key(it, container, down))
                .collect();
            for layer in &mut layers {
                if layer.iter().any(|&i| key[i].is_some()) {
                    let len = layer.len() as f32;
                    let mut at: Vec<(f32, usize)> = layer
                        .iter()
                        .enumerate()
                        .map(|(k, &i)| (key[i].unwrap_or((k as f32 + 0.5) / len), i))
                        .collect();
                    at.sort_by(|a, b| a.0.total_cmp(&b.0));
                    *layer = at.into_iter().map(|(_, i)| i).collect();
                }
            }
        }
        let mut pos = vec![0.0f32; n];
        for layer in &layers {
            for (k, &i) in layer.iter().enumerate() {
                pos[i] = k as f32;
            }
        }
        for sweep in 0..4 {
            let order: Vec<usize> = if sweep % 2 == 0 {
                (1..nranks).collect()
            } else {
                (0..nranks.saturating_sub(1)).rev().collect()
            };
            for r in order {
                let mut keyed: Vec<(f32, usize)> = layers[r]
                    .iter()
                    .map(|&i| {
                        let nb: Vec<f32> = adj[i]
                            .iter()
                            .map(|&k| edges[k])
                            .filter_map(|(a, b, _, _)| {
                                if a == i && rank[b] != r {
                                    Some(pos[b])
                                } else if b == i && rank[a] != r {
                                    Some(pos[a])
                                } else {
                                    None
                                }
                            })
                            .collect();
                        let bc = if nb.is_empty() {
                            pos[i]
                        } else {
                            nb.iter().sum::<f32>() / nb.len() as f32
                        };
                        (bc, i)
                    })
                    .collect();
                keyed.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                layers[r] = keyed.into_iter().map(|(_, i)| i).collect();
                for (k, &i) in layers[r].iter().enumerate() {
                    pos[i] = k as f32;
                }
            }
        }
        // 3a. Small services of one big group go in columns beside it.
        let columns = self.side_columns(items, &edges, &mains, &ent_ends, &layers, &mut size);
        let beside = |i: usize| columns.as_ref().is_some_and(|c| c.holds(i));
        if columns.is_some() {
            for layer in &mut layers {
                layer.retain(|&i| !beside(i));
            }
            layers.retain(|l| !l.is_empty());
        }
        // 3b. Wrap ranks that grow too wide into several rows, so that a container of many
        //     unlinked things becomes a block near 4:3 instead of one long line.
        // The row width is the one whose block of rows comes closest to the diagram's aspect
        // (default 4:3; for a rightward flow the transpose, 3:4), judged on the widest rank.
        let widest_layer = layers
            .iter()
            .max_by(|a, b| {
                let wa: f32 = a.iter().map(|&i| size[i].0).sum();
                let wb: f32 = b.iter().map(|&i| size[i].0).sum();
                wa.total_cmp(&wb)
            })
            .cloned()
            .unwrap_or_default();
        let k = widest_layer.len().max(1);
        let avg_w = widest_layer
            .iter()
            .map(|&i| size[i].0 + ITEM_GAP)
            .sum::<f32>()
            / k as f32;
        let avg_h = widest_layer
            .iter()
            .map(|&i| size[i].1 + RANK_GAP)
            .fold(0.0, f32::max);
        let target: f32 = match (self.m.aspect, down) {
            (None, true) => DEFAULT_ASPECT,
            (None, false) => 3.0 / 4.0,
            (Some(a), true) => a,
            (Some(a), false) => 1.0 / a,
        };
        let best_cols = (1..=k)
            .min_by(|&a, &b| {
                let aspect = |c: usize| {
                    let rows = k.div_ceil(c) as f32;
                    let (w, h) = (c as f32 * avg_w, rows * avg_h);
                    let r = if down { w / h } else { h / w };
                    (r / target).ln().abs()
                };
                aspect(a).total_cmp(&aspect(b))
            })
            .unwrap_or(k);
        let max_cross = (best_cols as f32 * avg_w + 1.0).max(WRAP_MIN);
        let mut wrapped: Vec<Vec<usize>> = Vec::new();
        for mut layer in layers {
            // A rank that wraps puts what links back to earlier ranks in its first rows and
            // what links on to later ranks in its last rows, next to those ranks, with the
            // unlinked in between (barycentre order kept within each part).
            let width: f32 = layer.iter().map(|&i| size[i].0 + ITEM_GAP).sum();
            if width > max_cross {
                let r = rank[layer[0]];
                let key = |i: usize| {
                    let (mut back, mut on) = (false, false);
                    for &k in &adj[i] {
                        let (a, b, _, _) = edges[k];
                        let other = if a == i { b } else { a };
                        if beside(other) {
                            continue;
                        }
                        back |= rank[other] < r;
                        on |= rank[other] > r;
                    }
                    // Links that leave the flow's container count too, for less: one from
                    // inside the item to outside goes on downstream (a VPN gateway to the
                    // data centre placed after the cloud), one coming in from outside comes
                    // from before.
                    let (leaves, enters) =
                        parent.map_or((false, false), |c| self.links_across(items[i], c));
                    2 * (on as i32 - back as i32) + leaves as i32 - enters as i32
                };
                // (Each key walks the item's subtree: computed once per item.)
                layer.sort_by_cached_key(|&i| key(i));
            }
            let mut row: Vec<usize> = Vec::new();
            let mut w = 0.0;
            for i in layer {
                if !row.is_empty() && w + size[i].0 > max_cross {
                    wrapped.push(std::mem::take(&mut row));
                    w = 0.0;
                }
                w += size[i].0 + ITEM_GAP;
                row.push(i);
            }
            wrapped.push(row);
        }
        // 3c. A hub whose spokes wrap into several rows sits in a row of its own between
        //     them, in the middle of its spokes rather than above all of them.
        let in_rows: Vec<(usize, usize, f32, f32)> = edges
            .iter()
            .copied()
            .filter(|&(a, b, _, _)| !beside(a) && !beside(b))
            .collect();
        let layers = centre_hubs(n, wrapped, &in_rows);
        // The rank each item had before wrapping: rows of one rank share it.
        let first_rank = rank.clone();
        for (r, layer) in layers.iter().enumerate() {
            for &i in layer {
                rank[i] = r;
            }
        }
        let nranks = layers.len();
        // 4. Cross positions: pack each rank centred, then align to linked neighbours.
        let widest = layers
            .iter()
            .map(|l| {
                l.iter().map(|&i| size[i].0).sum::<f32>()
                    + ITEM_GAP * (l.len().saturating_sub(1)) as f32
            })
            .fold(0.0, f32::max);
        let mut x = vec![0.0f32; n];
        for layer in &layers {
            let total: f32 = layer.iter().map(|&i| size[i].0).sum::<f32>()
                + ITEM_GAP * (layer.len().saturating_sub(1)) as f32;
            let mut cur = (widest - total) / 2.0;
            for &i in layer {
                x[i] = cur;
                cur += size[i].0 + ITEM_GAP;
            }
        }
        // Items that are icon nodes with their label on the right.
        let label_right: Vec<bool> = items
            .iter()
            .map(|&it| {
                matches!(self.m.get(it).kind, EntKind::Node { .. }) && self.label_on_right(it)
            })
            .collect();
        // Per edge: whether a straight line between its ends could run along the flow, no
        // tier row of a zone column standing between them (a function in a private subnet
        // under a public one cannot be reached straight from above the VPC).
        let clear: Vec<bool> = edges
            .iter()
            .zip(&ent_ends)
            .map(|(&(a, b, _, _), &(fa, fb))| {
                let down_ab = rank[b] > rank[a];
                !self.row_beside(fa, down_ab) && !self.row_beside(fb, !down_ab)
            })
            .collect();
        if !edges.is_empty() {
            // Three rounds down and up; then one more down, in which an item follows only
            // what it hangs from, so that chains come out straight to their ends.
            for round in 0..4 {
                let last = round == 3;
                let seq: Vec<usize> = if last {
                    (0..nranks).collect()
                } else {
                    (0..nranks).chain((0..nranks).rev()).collect()
                };
                for (step, r) in seq.into_iter().enumerate() {
                    let upward = step >= nranks;
                    let layer = &layers[r];
                    let mut desired = Vec::with_capacity(layer.len());
                    // Where each linked neighbour in another rank wants each item of this
                    // rank, split into those above and those below.
                    let mut pulls: Vec<(Vec<Pull>, Vec<Pull>)> = Vec::with_capacity(layer.len());
                    for &i in layer {
                        let (mut above, mut below) = (Vec::new(), Vec::new());
                        for &k in &adj[i] {
                            let (a, b, oa, ob) = edges[k];
                            if beside(a) || beside(b) {
                                continue;
                            }
                            // This item's end first, the neighbour's second.
                            let (other, own, theirs, own_main, their_main) = if a == i {
                                (b, oa, ob, mains[k].0, mains[k].1)
                            } else {
                                (a, ob, oa, mains[k].1, mains[k].0)
                            };
                            if rank[other] == r {
                                continue;
                            }
                            let pull = Pull {
                                want: x[other] + theirs - own,
                                at: x[other] + theirs,
                                other,
                                near: (rank[other], their_main),
                                mine: own_main,
                                clear: clear[k],
                            };
                            if pull.near.0 < r {
                                above.push(pull);
                            } else {
                                below.push(pull);
                            }
                        }
                        pulls.push((above, below));
                    }
                    // The nearest neighbours above each label-right item, left to right.
                    let tied: Vec<Vec<f32>> = layer
                        .iter()
                        .zip(&pulls)
                        .map(|(&i, (above, _))| {
                            if !(down && label_right[i]) {
                                return Vec::new();
                            }
                            let Some(m) = above.iter().max_by(|p, q| p.nearer(q)) else {
                                return Vec::new();
                            };
                            let mut ats: Vec<f32> = above
                                .iter()
                                .filter(|p| {
                                    p.near.0 == m.near.0 && (p.near.1 - m.near.1).abs() < 0.5
                                })
                                .map(|p| p.at)
                                .collect();
                            ats.sort_by(f32::total_cmp);
                            ats.dedup_by(|u, v| (*u - *v).abs() < 0.5);
                            ats
                        })
                        .collect();
                    let same = |u: &[f32], v: &[f32]| {
                        u.len() == v.len() && u.iter().zip(v).all(|(a, b)| (a - b).abs() < 0.5)
                    };
                    for (t, &i) in layer.iter().enumerate() {
                        let (mut above, mut below) = pulls[t].clone();
                        // A node whose label is on its right is reached from the left, so it
                        // stands in line with one neighbour above and one below: the nearest
                        // along the flow (the first thing below it, the last above), of
                        // those the leftmost below and the rightmost above. That link is
                        // straight, and the others come in at its free left side (or leave
                        // for theirs) with one bend, where centring over them all would
                        // give each two.
                        if down && label_right[i] {
                            // Ends that no straight line can reach (each behind another
                            // tier row of its zone column): stand over their middle; else
                            // only the ends a straight line can reach count.
                            let centre = |v: &mut Vec<Pull>| {
                                let centred = to_middle(v, |_| true);
                                if !centred && v.iter().any(|p| p.clear) {
                                    v.retain(|p| p.clear);
                                }
                                centred
                            };
                            let above_centred = centre(&mut above);
                            let below_centred = centre(&mut below);
                            if let Some(&m) = above
                                .iter()
                                .max_by(|p, q| p.nearer(q).then(p.want.total_cmp(&q.want)))
                                .filter(|_| !above_centred)
                            {
                                // Several equally near: the rightmost, unless other items of
                                // this rank hang from the same ones (two sinks under two
                                // sources): then they share them out in order, the last
                                // item taking the rightmost.
                                let mine = &tied[t];
                                let mut pick = m;
                                if mine.len() > 1 {
                                    let group: Vec<usize> = (0..layer.len())
                                        .filter(|&u| same(&tied[u], mine))
                                        .collect();
                                    let nth = group.iter().position(|&u| u == t).unwrap_or(0);
                                    let k = (mine.len() + nth).saturating_sub(group.len());
                                    let at = mine[k.min(mine.len() - 1)];
                                    if let Some(&p) = above.iter().find(|p| (p.at - at).abs() < 0.5)
                                    {
                                        pick = p;
                                    }
                                }
                                above = vec![pick];
                            }
                            if let Some(&m) = below
                                .iter()
                                .min_by(|p, q| p.nearer(q).then(p.want.total_cmp(&q.want)))
                                .filter(|_| !below_centred)
                            {
                                below = vec![m];
                            }
                            // A chain follows the way the sweep goes: up the ranks each
                            // item lines up with the one below it, down with the one above.
                            if !last {
                                if upward && !below.is_empty() {
                                    above.clear();
                                } else if !upward && !above.is_empty() {
                                    below.clear();
                                }
                            }
                        }
                        if last {
                            // Follow what this item hangs from only as its first item below
                            // (the others of a fan-out keep their places beside it).
                            let first_below = |p: usize| {
                                adj[p]
                                    .iter()
                                    .map(|&k| edges[k])
                                    .filter_map(|(a, b, _, _)| {
                                        let o = if a == p { b } else { a };
                                        (rank[o] > rank[p] && !beside(o)).then_some(o)
                                    })
                                    .min_by(|&u, &v| {
                                        rank[u]
                                            .cmp(&rank[v])
                                            .then(x[u].total_cmp(&x[v]))
                                            .then(u.cmp(&v))
                                    })
                            };
                            above.retain(|q| first_below(q.other) == Some(i));
                            // Several links from one node whose label is on its right reach
                            // this item at several places: line up with the one that node
                            // stands over (the nearest, then the leftmost).
                            if down {
                                // Links from one such node that no straight line can
                                // carry (each end behind another tier row): their middle.
                                let others: Vec<usize> = above.iter().map(|q| q.other).collect();
                                for o in others {
                                    to_middle(&mut above, |q| q.other == o);
                                }
                                let snapshot = above.clone();
                                above.retain(|q| {
                                    !label_right[q.other]
                                        || snapshot.iter().all(|v| {
                                            v.other != q.other
                                                || (q.mine, -q.want) <= (v.mine, -v.want)
                                        })
                                });
                                above.dedup_by(|u, v| u.other == v.other && label_right[u.other]);
                            }
                            if above.is_empty() {
                                desired.push((x[i], 1.0));
                                continue;
                            }
                            below.clear();
                        }
                        let cnt = above.len() + below.len();
                        if cnt > 0 {
                            let mut wants: Vec<f32> =
                                above.iter().chain(&below).map(|w| w.want).collect();
                            wants.sort_by(f32::total_cmp);
                            let med = if cnt % 2 == 1 {
                                wants[cnt / 2]
                            } else {
                                (wants[cnt / 2 - 1] + wants[cnt / 2]) / 2.0
                            };
                            desired.push((med, 1.0));
                        } else {
                            desired.push((x[i], 0.05));
                        }
                    }
                    let sizes: Vec<f32> = layer.iter().map(|&i| size[i].0).collect();
                    let placed = isotonic_place(&desired, &sizes, ITEM_GAP);
                    for (k, &i) in layer.iter().enumerate() {
                        x[i] = placed[k];
                    }
                }
            }
        }
        // 4a. Rows of icons wrapped from one rank stand staggered where the links of a row
        //     pass down through the next one (many functions feeding one queue): the next
        //     row moves sideways, as little as it can, until those links run through its
        //     gaps.
        for r in 0..nranks.saturating_sub(1) {
            let (upper, lower) = (&layers[r], &layers[r + 1]);
            let node = |i: usize| matches!(self.m.get(items[i]).kind, EntKind::Node { .. });
            let wrapped_rows = !upper.is_empty()
                && !lower.is_empty()
                && lower
                    .iter()
                    .all(|&v| first_rank[v] == first_rank[upper[0]] && node(v))
                && upper
                    .iter()
                    .all(|&u| first_rank[u] == first_rank[upper[0]] && node(u));
            if !wrapped_rows || !down {
                continue;
            }
            // Not for very big fans: with every row shifted no straight channel runs down
            // the block, and routing a thousand links through the maze took seconds (a
            // fan-out of 1,000: 0.19 s before staggering, 9 s with it).
            let rank_size = first_rank
                .iter()
                .filter(|&&f| f == first_rank[upper[0]])
                .count();
            if rank_size > STAGGER_MAX {
                continue;
            }
            // Where the links from the upper row to ranks past the lower one come down.
            let mut through: Vec<f32> = Vec::new();
            for &u in upper {
                for &(a, b, oa, ob) in adj[u].iter().map(|&k| &edges[k]) {
                    let (other, at) = if a == u {
                        (b, x[a] + oa)
                    } else {
                        (a, x[b] + ob)
                    };
                    if rank[other] > r + 1 && !beside(other) {
                        through.push(at);
                    }
                }
            }
            if through.is_empty() {
                continue;
            }
            let blocked = |d: f32| {
                through.iter().any(|&c| {
                    lower.iter().any(|&v| {
                        c > x[v] + d - STAGGER_CLEAR && c < x[v] + d + size[v].0 + STAGGER_CLEAR
                    })
                })
            };
            if !blocked(0.0) {
                continue;
            }
            let pitch = lower
                .iter()
                .map(|&v| size[v].0 + ITEM_GAP)
                .fold(0.0, f32::max);
            let shift = (1..=pitch.ceil() as i32)
                .flat_map(|k| [k as f32, -(k as f32)])
                .find(|&d| !blocked(d));
            if let Some(d) = shift {
                for &v in lower {
                    x[v] += d;
                }
            }
        }
        if let Some(c) = &columns {
            for i in (0..n).filter(|&i| c.holds(i)) {
                x[i] = x[c.big] + c.at[i].0;
            }
        }
        let minx = x.iter().copied().fold(f32::INFINITY, f32::min);
        let mut cross = 0.0f32;
        for i in 0..n {
            x[i] -= minx;
            cross = cross.max(x[i] + size[i].0);
        }
        // 5. Main positions: ranks one after another, items aligned at the rank start.
        let mut main = 0.0f32;
        let mut start = vec![0.0f32; nranks];
        for (r, layer) in layers.iter().enumerate() {
            start[r] = main;
            let mut depth = layer.iter().map(|&i| size[i].1).fold(0.0, f32::max);
            if let Some(c) = columns.as_ref().filter(|c| layer.contains(&c.big)) {
                depth = depth.max(c.depth);
            }
            main += depth + if down { RANK_GAP } else { RANK_GAP + 24.0 };
        }
        main -= if down { RANK_GAP } else { RANK_GAP + 24.0 };
        if let Some(c) = &columns {
            for i in (0..n).filter(|&i| c.holds(i)) {
                rank[i] = rank[c.big];
            }
        }
        for i in 0..n {
            let mut my = start[rank[i]];
            if let Some(c) = columns.as_ref().filter(|c| c.holds(i)) {
                my += c.at[i].1;
            }
            let (cx, my) = (x[i].round(), my.round());
            self.rel[items[i].index()] = if down { (cx, my) } else { (my, cx) };
        }
        if down {
            (cross, main)
        } else {
            (main, cross)
        }
    }
}

impl Ctx<'_> {
    /// Whether something in `item` has a link to something outside `container` (leaving
    /// it), and one from outside (entering).
    fn links_across(&self, item: EntId, container: EntId) -> (bool, bool) {
        let (mut leaves, mut enters) = (false, false);
        let mut stack = vec![item];
        while let Some(x) = stack.pop() {
            stack.extend(self.m.get(x).children.iter().copied());
            for &k in &self.links_of[x.index()] {
                let l = &self.m.links[k];
                leaves |= l.from == x && !self.m.is_within(l.to, container);
                enters |= l.to == x && !self.m.is_within(l.from, container);
            }
        }
        (leaves, enters)
    }

    /// Where, across the flow (0 at the start, 1 at the end), the things that `item` (or
    /// something in it) links to outside the flow's `container` lie in their own
    /// containers: those inside a container beside it that is already laid out.
    /// `None` when it has no such link.
    fn outside_key(&self, item: EntId, container: EntId, down: bool) -> Option<f32> {
        let grand = self.m.get(container).parent;
        let (mut sum, mut cnt) = (0.0f32, 0.0f32);
        let mut stack = vec![item];
        while let Some(x) = stack.pop() {
            stack.extend(self.m.get(x).children.iter().copied());
            for other in self.linked(x) {
                if self.m.is_within(other, item) {
                    continue;
                }
                // The container of `other` beside this flow's container.
                let Some(top) = std::iter::once(other)
                    .chain(self.m.ancestors(other))
                    .find(|a| self.m.get(*a).parent == grand)
                else {
                    continue;
                };
                if top == other || top == container {
                    // A node beside the container has no place inside it to follow.
                    continue;
                }
                if !self.laid[top.index()] {
                    continue;
                }
                let f = &self.frames[top.index()];
                let (ax, ay) = self.anchor(top, other);
                let (a, size) = if down { (ax, f.w) } else { (ay, f.h) };
                if size > 0.0 {
                    sum += a / size;
                    cnt += 1.0;
                }
            }
        }
        (cnt > 0.0).then(|| sum / cnt)
    }
}

/// How far a link passing down through a row keeps from the items of that row.
const STAGGER_CLEAR: f32 = 16.0;

/// What one linked neighbour in another rank asks of an item's cross position.
#[derive(Clone, Copy)]
struct Pull {
    /// The item's start that would put the link's ends in line.
    want: f32,
    /// Where the neighbour's end of the link is across the flow.
    at: f32,
    /// The neighbour.
    other: usize,
    /// How near the neighbour's end is along the flow: its rank, then its main-axis anchor.
    near: (usize, f32),
    /// The main-axis anchor of the link's end in this item.
    mine: f32,
    /// Whether no tier row of a zone grid stands between the two ends along the flow, so
    /// that lining them up can make the link straight.
    clear: bool,
}

/// Moves the pulls `of` selects to their mean when there are several and no straight line
/// can carry any of them (see [`Pull::clear`]); returns whether it did.
fn to_middle(pulls: &mut [Pull], of: impl Fn(&Pull) -> bool) -> bool {
    let (mut sum, mut n) = (0.0f32, 0usize);
    for p in pulls.iter().filter(|p| of(p)) {
        if p.clear {
            return false;
        }
        sum += p.want;
        n += 1;
    }
    if n < 2 {
        return false;
    }
    for p in pulls.iter_mut().filter(|p| of(p)) {
        p.want = sum / n as f32;
    }
    true
}

impl Pull {
    /// Orders pulls by where their neighbours' ends lie along the flow: rank, then anchor.
    fn nearer(&self, other: &Pull) -> std::cmp::Ordering {
        self.near
            .0
            .cmp(&other.near.0)
            .then(self.near.1.total_cmp(&other.near.1))
    }
}

/// The least number of distinct neighbours that makes an item a hub.
const HUB_SPOKES: usize = 3;

/// Moves each hub (an item linked to at least [`HUB_SPOKES`] others, all in rows after its
/// own, over at least two rows) into a new row of its own after the first half of the rows of
/// its spokes (as close to all of them as a row can be). Rows left empty are dropped.
fn centre_hubs(
    n: usize,
    mut rows: Vec<Vec<usize>>,
    edges: &[(usize, usize, f32, f32)],
) -> Vec<Vec<usize>> {
    let mut nbrs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, _, _) in edges {
        if a != b {
            nbrs[a].push(b);
            nbrs[b].push(a);
        }
    }
    for v in &mut nbrs {
        v.sort_unstable();
        v.dedup();
    }
    let mut moved = vec![false; n];
    let mut row_of = vec![0usize; n];
    let mut r = 0;
    while r < rows.len() {
        for (k, row) in rows.iter().enumerate() {
            for &i in row {
                row_of[i] = k;
            }
        }
        let hub = (r..rows.len()).find_map(|rr| {
            rows[rr].iter().find_map(|&h| {
                if moved[h] || nbrs[h].len() < HUB_SPOKES {
                    return None;
                }
                let mut spoke_rows: Vec<usize> = nbrs[h].iter().map(|&x| row_of[x]).collect();
                spoke_rows.sort_unstable();
                spoke_rows.dedup();
                (spoke_rows.len() >= 2 && spoke_rows[0] > rr)
                    .then(|| (rr, h, spoke_rows[spoke_rows.len().div_ceil(2)]))
            })
        });
        let Some((at, h, before)) = hub else {
            break;
        };
        moved[h] = true;
        rows.insert(before, vec![h]);
        rows[at].retain(|&x| x != h);
        rows.retain(|row| !row.is_empty());
        r = at;
    }
    rows
}

/// Longest-path ranks of a small graph; edges closing a cycle (DFS back edges) are ignored.
pub(super) fn ranks(n: usize, edges: &[(usize, usize, f32, f32)]) -> Vec<usize> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b, _, _) in edges {
        adj[a].push(b);
    }
    // 1. DFS from every node in order; mark back edges.
    let mut state = vec![0u8; n];
    let mut back = std::collections::HashSet::new();
    for s in 0..n {
        if state[s] != 0 {
            continue;
        }
        let mut stack = vec![(s, 0usize)];
        state[s] = 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < adj[v].len() {
                let w = adj[v][*k];
                *k += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        back.insert((v, w));
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // 2. Longest path by relaxation in topological order (Kahn).
    let mut indeg = vec![0usize; n];
    for &(a, b, _, _) in edges {
        if !back.contains(&(a, b)) {
            indeg[b] += 1;
        }
    }
    let mut rank = vec![0usize; n];
    let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    while let Some(v) = queue.pop_front() {
        for &w in &adj[v] {
            if back.contains(&(v, w)) {
                continue;
            }
            rank[w] = rank[w].max(rank[v] + 1);
            indeg[w] -= 1;
            if indeg[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    rank
}

/// The most items a wrapped rank may have for its rows to be staggered (see step 4a of
/// [`Ctx::flow`]).
const STAGGER_MAX: usize = 64;

/// Places items of the given sizes in order along a line, as close as possible (weighted least
/// squares) to their desired starts, with at least `gap` between neighbours: isotonic
/// regression by pool-adjacent-violators on `desired - prefix`.
pub(super) fn isotonic_place(desired: &[(f32, f32)], sizes: &[f32], gap: f32) -> Vec<f32> {
    let n = desired.len();
    let mut prefix = vec![0.0f32; n];
    for i in 1..n {
        prefix[i] = prefix[i - 1] + sizes[i - 1] + gap;
    }
    // Blocks of (weighted mean, weight, count).
    let mut blocks: Vec<(f32, f32, usize)> = Vec::new();
    for i in 0..n {
        let (d, w) = desired[i];
        blocks.push((d - prefix[i], w, 1));
        while blocks.len() > 1 {
            let l = blocks.len();
            if blocks[l - 2].0 <= blocks[l - 1].0 {
                break;
            }
            let (m2, w2, c2) = blocks.pop().expect("len > 1");
            let (m1, w1, c1) = blocks.pop().expect("len > 1");
            let w = w1 + w2;
            blocks.push(((m1 * w1 + m2 * w2) / w, w, c1 + c2));
        }
    }
    let mut out = Vec::with_capacity(n);
    for (m, _, c) in blocks {
        for _ in 0..c {
            out.push(m + prefix[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_keeps_gaps_and_order() {
        let p = isotonic_place(&[(0.0, 1.0), (0.0, 1.0)], &[10.0, 10.0], 5.0);
        assert_eq!(p, vec![-7.5, 7.5]);
        let p = isotonic_place(&[(0.0, 1.0), (100.0, 1.0)], &[10.0, 10.0], 5.0);
        assert_eq!(p, vec![0.0, 100.0]);
    }

    #[test]
    fn a_hub_moves_between_the_rows_of_its_spokes() {
        let e = |a, b| (a, b, 0.0, 0.0);
        // Hub 0 above spokes 1, 2 (one row) and 3 (wrapped into the next).
        let rows = centre_hubs(
            4,
            vec![vec![0], vec![1, 2], vec![3]],
            &[e(0, 1), e(0, 2), e(0, 3)],
        );
        assert_eq!(rows, vec![vec![1, 2], vec![0], vec![3]]);
        // Spokes in one row: a tree, left alone.
        let rows = centre_hubs(
            4,
            vec![vec![0], vec![1, 2, 3]],
            &[e(0, 1), e(0, 2), e(0, 3)],
        );
        assert_eq!(rows, vec![vec![0], vec![1, 2, 3]]);
        // Two spokes are not a hub.
        let rows = centre_hubs(4, vec![vec![0], vec![1], vec![2]], &[e(0, 1), e(0, 2)]);
        assert_eq!(rows, vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn ranks_follow_edges_and_break_cycles() {
        let r = ranks(3, &[(0, 1, 0.0, 0.0), (1, 2, 0.0, 0.0), (2, 0, 0.0, 0.0)]);
        assert_eq!(r, vec![0, 1, 2]);
    }
}

//! Step 4, the VPC grid: zones as equal columns, tiers as aligned rows.
//!
//! Takes a VPC whose subnets name zones; gives its frame with every zone column and subnet
//! placed: columns of one width side by side, rows of one height across them (public above
//! private above isolated), every column's content in the same order, linked nodes aligned
//! across the rows of a column. Load balancer bands (`bands.rs`) reserve room in their row
//! first and are placed after; border gateways (`borders.rs`) last.

use super::*;

impl Ctx<'_> {
    /// The zone × tier grid of a VPC.
    pub(super) fn vpc_grid(&mut self, e: EntId) -> Frame {
        let m = self.m;
        let cols: Vec<EntId> = m
            .get(e)
            .children
            .iter()
            .copied()
            .filter(|c| matches!(m.get(*c).kind, EntKind::ZoneColumn { .. }))
            .collect();
        // 1. Size every subnet; collect rows keyed by (tier, k): a subnet with a `row` takes
        //    the place of that row name among its tier's names (in order of first
        //    appearance); the others, in file order, the first places of their tier that no
        //    named subnet of their column takes.
        let tier_of = |s: EntId| match m.get(s).kind {
            EntKind::Subnet { tier, .. } => tier,
            _ => crate::spec::Tier::Isolated,
        };
        let mut named: Vec<(crate::spec::Tier, &str, usize)> = cols
            .iter()
            .flat_map(|c| m.get(*c).children.iter().copied())
            .filter_map(|s| {
                let r = m.subnet_rows.get(&s)?;
                Some((tier_of(s), r.value.as_str(), r.span.start))
            })
            .collect();
        named.sort_by_key(|&(t, _, at)| (t, at));
        let mut row_names: Vec<(crate::spec::Tier, &str)> = Vec::new();
        for (t, r, _) in named {
            if !row_names.contains(&(t, r)) {
                row_names.push((t, r));
            }
        }
        // The place of a subnet's named row among its tier's row names.
        let named_row = |s: EntId| {
            let r = m.subnet_rows.get(&s)?;
            let t = tier_of(s);
            row_names
                .iter()
                .filter(|x| x.0 == t)
                .position(|x| x.1 == r.value)
        };
        let mut cells: Vec<Vec<((crate::spec::Tier, usize), EntId)>> = Vec::new();
        for &col in &cols {
            let mut subs: Vec<EntId> = m.get(col).children.clone();
            subs.sort_by_key(|s| match m.get(*s).kind {
                EntKind::Subnet { tier, .. } => (tier, m.get(*s).span.map_or(0, |x| x.start)),
                _ => (crate::spec::Tier::Isolated, usize::MAX),
            });
            let mut counts = std::collections::HashMap::new();
            let taken: Vec<(crate::spec::Tier, usize)> = subs
                .iter()
                .filter_map(|&s| Some((tier_of(s), named_row(s)?)))
                .collect();
            let mut v = Vec::new();
            for s in subs {
                self.lay(s);
                let tier = tier_of(s);
                if let Some(k) = named_row(s) {
                    v.push(((tier, k), s));
                    continue;
                }
                // The first row of its tier that no named subnet of this column takes.
                let k = counts.entry(tier).or_insert(0usize);
                while taken.contains(&(tier, *k)) {
                    *k += 1;
                }
                v.push(((tier, *k), s));
                *k += 1;
            }
            cells.push(v);
        }
        let mut rows: Vec<(crate::spec::Tier, usize)> =
            cells.iter().flatten().map(|(k, _)| *k).collect();
        rows.sort();
        rows.dedup();
        // 2. Spanning nodes (load balancers across zones) reserve room in their row.
        let row_of = |s: EntId| {
            cells
                .iter()
                .flatten()
                .find(|(_, x)| *x == s)
                .map(|(k, _)| rows.iter().position(|r| r == k).unwrap_or(0))
        };
        let bands = self.reserve_bands(e, &row_of, rows.len());
        // 3. Equal column widths, aligned row heights.
        let mut col_w = cols
            .iter()
            .map(|c| self.text.width(&m.get(*c).label, GROUP_LABEL_SIZE, true) + 2.0 * PAD)
            .fold(160.0, f32::max);
        let mut row_h = vec![0.0f32; rows.len()];
        for cell in &cells {
            for (k, s) in cell {
                let f = &self.frames[s.index()];
                col_w = col_w.max(f.w);
                let r = rows.iter().position(|x| x == k).unwrap_or(0);
                row_h[r] = row_h[r].max(f.h);
            }
        }
        for (r, h) in row_h.iter_mut().enumerate() {
            *h += bands.room[r];
        }
        let zpad = TWO_LINKS;
        // Undrawn columns (a VPC whose subnets name no zone) have no title to make room for.
        let hidden = cols
            .iter()
            .all(|c| m.get(*c).kind_name == crate::model::TIER_COLUMN);
        let zone_header = if hidden { zpad } else { ZONE_HEADER };
        let col_of = |x: EntId| cells.iter().position(|c| c.iter().any(|(_, s)| *s == x));
        col_w = col_w.max(self.band_col_width(&bands, &col_of, zpad));
        if !hidden {
            for (ci, cell) in cells.iter().enumerate() {
                let top = cell
                    .iter()
                    .min_by_key(|(k, _)| rows.iter().position(|x| x == k));
                if let Some(&(_, s)) = top {
                    col_w = col_w.max(self.zone_title_room(cols[ci], s));
                }
            }
        }
        let col_w = col_w.ceil();
        for h in row_h.iter_mut() {
            *h = h.ceil();
        }
        let zone_w = col_w + 2.0 * zpad;
        let zone_h = zone_header
            + row_h.iter().sum::<f32>()
            + ROW_GAP * (rows.len().saturating_sub(1)) as f32
            + zpad;
        for (ci, &col) in cols.iter().enumerate() {
            let mut y = zone_header;
            for (r, key) in rows.iter().enumerate() {
                if let Some((_, s)) = cells[ci].iter().find(|(k, _)| k == key) {
                    let s = *s;
                    self.stretch(s, col_w, row_h[r]);
                    self.rel[s.index()] = (zpad, y);
                }
                y += row_h[r] + ROW_GAP;
            }
            let mut label = self.label_box(&m.get(col).label, GROUP_LABEL_SIZE, true);
            label.rect.x = (zone_w - label.rect.w) / 2.0;
            label.rect.y = 7.0;
            self.frames[col.index()] = Frame {
                w: zone_w,
                h: zone_h,
                body: Rect::new(0.0, 0.0, zone_w, zone_h),
                label: Some(label),
                icon: None,
                border: None,
            };
            self.laid[col.index()] = true;
        }
        // 3a. Every zone column shows its subnets' content in the same order (no mirrored
        //     zones: corresponding things sit in corresponding places).
        // 3b. Align linked nodes vertically across the subnets of one zone column: shift each
        //     subnet's content towards the nodes it links to in the rows above.
        for (ci, cell) in cells.iter().enumerate() {
            let mut done: Vec<EntId> = Vec::new();
            let mut ordered: Vec<EntId> = cell.iter().map(|(_, s)| *s).collect();
            ordered.sort_by(|a, b| self.rel[a.index()].1.total_cmp(&self.rel[b.index()].1));
            if let Some(&top) = ordered.first() {
                self.clear_zone_title(cols[ci], top, col_w);
            }
            for s in ordered {
                let kids = self.inside_children(s);
                let centre = |c: &Ctx, sub: EntId, n: EntId| {
                    c.rel[sub.index()].0 + c.rel[n.index()].0 + c.frames[n.index()].body.cx()
                };
                // (shift that lines up a linked pair, the subnet of the partner above, where
                // the node of this subnet stands).
                let mut shifts: Vec<(f32, EntId, f32)> = Vec::new();
                let mut at_kids: Vec<usize> = kids
                    .iter()
                    .flat_map(|x| self.links_of[x.index()].iter().copied())
                    .collect();
                at_kids.sort_unstable();
                at_kids.dedup();
                for l in at_kids.iter().map(|&k| &m.links[k]) {
                    for (a, b) in [(l.from, l.to), (l.to, l.from)] {
                        if !kids.contains(&a) {
                            continue;
                        }
                        let Some(&other) = done.iter().find(|d| m.get(b).parent == Some(**d))
                        else {
                            continue;
                        };
                        if !matches!(self.placement(b), Placement::Inside) {
                            continue;
                        }
                        let at = centre(self, s, a);
                        shifts.push((centre(self, other, b) - at, other, at));
                    }
                }
                if !shifts.is_empty() && !kids.is_empty() {
                    // The shift that lines up one linked pair: the rightmost node of this
                    // subnet under its partner (a storefront over its cache, its database to
                    // the left), rather than the partner over the gap between them, where both
                    // links bend and their shared stub reads as a link between the two. The
                    // others are reached from the partner's left side, which is free (labels
                    // stand right of their icons), with one bend.
                    let right = |a: (f32, EntId, f32), b: (f32, EntId, f32)| {
                        if b.2 > a.2 + 0.5 {
                            b
                        } else {
                            a
                        }
                    };
                    let (want, p, _) = shifts.iter().copied().reduce(right).expect("a shift");
                    let moved = self.shift_content(s, want, col_w);
                    // What this subnet could not take up, the one it links to may.
                    if (want - moved).abs() > 0.5 {
                        self.shift_content(p, moved - want, col_w);
                    }
                }
                done.push(s);
            }
        }
        let (mut label, icon, mut header) = self.header(e);
        // Gateways on the top line hang half inside: under them, a channel that holds two
        // links side by side clear of the gateways and of the zone columns.
        if self.has_border_on(e, Side::Top) {
            header = header.max(ICON / 2.0 + TWO_LINKS);
        }
        // Gateways on a side line hang half inside too: beside them, the same channel.
        let pad_l = TWO_LINKS + self.hang(e, Side::Left);
        let pad_r = TWO_LINKS + self.hang(e, Side::Right);
        let grid_w = cols.len() as f32 * zone_w + COL_GAP * (cols.len().saturating_sub(1)) as f32;
        for (ci, &col) in cols.iter().enumerate() {
            self.rel[col.index()] = (pad_l + ci as f32 * (zone_w + COL_GAP), header);
        }
        // 4. Other content of the VPC (nodes, groups, unassociated route tables) below the grid.
        let rest = self.inside_children(e);
        for &c in &rest {
            self.lay(c);
        }
        let (rw, rh) = self.flow(&rest);
        let lw = label.as_ref().map_or(0.0, |l| l.rect.right() + PAD);
        let header_right = label.as_ref().map_or(0.0, |l| l.rect.right());
        let w = (grid_w + pad_l + pad_r)
            .max(rw + 2.0 * PAD)
            .max(lw)
            .max(self.border_width(e, header_right));
        let grid_dx = ((w - grid_w - pad_l - pad_r) / 2.0).floor();
        for &col in &cols {
            self.rel[col.index()].0 += grid_dx;
        }
        let bottom_borders = self.has_border_on(e, Side::Bottom);
        let rest_y = header + zone_h + if rest.is_empty() { 0.0 } else { ROW_GAP };
        let rest_dx = self.rest_dx(e, &rest, &cols, w, rw);
        for (&c, dx) in rest.iter().zip(rest_dx) {
            self.rel[c.index()].0 += dx;
            self.rel[c.index()].1 += rest_y;
        }
        let h = rest_y + rh + TWO_LINKS + if bottom_borders { ICON / 2.0 } else { 0.0 };
        // 5. Spanning bands across the subnets they span.
        self.place_bands(e, &bands, &row_h);
        // 6. Border nodes on the side facing their links, near the nodes they link to.
        let out = self.place_borders(e, w, h, header_right);
        if let Some(l) = &mut label {
            l.rect.y = (HEADER_ICON - l.rect.h) / 2.0;
        }
        out.frame(w, h, label, icon)
    }

    /// How far across each item of the content below VPC `e`'s grid of zone columns `cols`
    /// moves from where its flow put it (the block `rw` wide, in a VPC `w` wide): the block
    /// is centred, unless its items link into the grid. Then, in one row, each item that
    /// does stands under what it links to (the median of what its links ask), the others
    /// keep near their places, in the order of those places and apart; in several rows the
    /// whole block moves by the median ask, where it fits. A Lambda linked to a task in zone
    /// b stands under the task and its link runs straight up. Only partners with no other
    /// box under them in their column ask: under anything else no link runs straight.
    fn rest_dx(&self, e: EntId, rest: &[EntId], cols: &[EntId], w: f32, rw: f32) -> Vec<f32> {
        let centred = (w - rw) / 2.0;
        let mut out = vec![centred; rest.len()];
        if rest.is_empty() || w - rw - 2.0 * PAD < 1.0 && rest.len() == 1 {
            return out;
        }
        // Per item, what its links into the grid ask it to move by.
        let mut asks: Vec<Vec<f32>> = vec![Vec::new(); rest.len()];
        for &li in self
            .links_under
            .get(&Some(e))
            .map_or(&[][..], |v| v.as_slice())
        {
            let l = &self.m.links[li];
            let (from, to) = (self.link_end(l.from), self.link_end(l.to));
            for (mine, theirs) in [(from, to), (to, from)] {
                let own = rest.iter().position(|&c| self.m.is_within(mine, c));
                let col = cols.iter().find(|&&c| self.m.is_within(theirs, c));
                if let (Some(k), Some(&col)) = (own, col) {
                    let mut at = self.rel[col.index()].0 + self.anchor(col, theirs).0;
                    if !self.open_below(col, theirs) {
                        // No straight line down from the partner: the link runs out to a
                        // side of its zone column and down the channel between the column's
                        // frame and its subnets; stand under the nearer one.
                        let Some(ch) = self.side_channel(col, at) else {
                            continue;
                        };
                        at = ch;
                    }
                    let c = rest[k];
                    let from = self.rel[c.index()].0 + self.anchor(c, mine).0;
                    asks[k].push(at - from);
                }
            }
        }
        let median = |v: &mut Vec<f32>| {
            v.sort_by(f32::total_cmp);
            v[(v.len() - 1) / 2]
        };
        if asks.iter().all(Vec::is_empty) {
            return out;
        }
        let x0: Vec<f32> = rest.iter().map(|c| self.rel[c.index()].0).collect();
        let one_row = rest
            .iter()
            .all(|c| (self.rel[c.index()].1 - self.rel[rest[0].index()].1).abs() < 0.5);
        if !one_row {
            let mut all: Vec<f32> = asks.concat();
            let dx = median(&mut all).round();
            if dx >= PAD && dx <= w - rw - PAD {
                out.fill(dx);
            }
            return out;
        }
        // Desired starts: under the partner (weight 1), or where centring put it (weight
        // 0.1, so it yields); placed in that order, ITEM_GAP apart.
        let desired: Vec<(f32, f32)> = (0..rest.len())
            .map(|k| match asks[k].is_empty() {
                true => (x0[k] + centred, 0.1),
                false => (x0[k] + median(&mut asks[k]), 1.0),
            })
            .collect();
        let mut order: Vec<usize> = (0..rest.len()).collect();
        order.sort_by(|&a, &b| desired[a].0.total_cmp(&desired[b].0).then(a.cmp(&b)));
        let sizes: Vec<f32> = order
            .iter()
            .map(|&k| self.frames[rest[k].index()].w)
            .collect();
        let want: Vec<(f32, f32)> = order.iter().map(|&k| desired[k]).collect();
        let placed = isotonic_place(&want, &sizes, ITEM_GAP);
        let lo = placed[0];
        let hi = placed[placed.len() - 1] + sizes[sizes.len() - 1];
        let shift = if lo < PAD {
            PAD - lo
        } else if hi > w - PAD {
            w - PAD - hi
        } else {
            0.0
        };
        // A row that no longer fits between the paddings (its items spread to stand under
        // their partners) stays centred as the flow packed it.
        if lo + shift < PAD - 0.5 || hi + shift > w - PAD + 0.5 {
            return out;
        }
        for (p, &k) in order.iter().enumerate() {
            out[k] = (placed[p] + shift).round() - x0[k];
        }
        out
    }

    /// Whether a line straight down from `x` (inside zone column `col`) leaves the column
    /// without crossing a box (a subnet, a node) that does not hold `x`: otherwise standing
    /// under `x` gives no straight link.
    fn open_below(&self, col: EntId, x: EntId) -> bool {
        let (ax, ay) = self.anchor(col, x);
        let mut cur = x;
        while let Some(p) = self.m.get(cur).parent {
            let clear = self.m.get(p).children.iter().all(|&c| {
                if c == cur || self.m.get(c).is_overlay() {
                    return true;
                }
                let (cx, cy) = self.anchor(col, c);
                let b = self.frames[c.index()].body;
                (ax - cx).abs() > b.w / 2.0 || cy + b.h / 2.0 < ay
            });
            if !clear {
                return false;
            }
            if p == col {
                break;
            }
            cur = p;
        }
        true
    }

    /// The middle of the room between zone column `col`'s frame and its content, on the side
    /// nearer to `x` (both in the coordinates of the column's parent): the channel down
    /// which a link from inside the column leaves it clear of every subnet.
    fn side_channel(&self, col: EntId, x: f32) -> Option<f32> {
        let f = &self.frames[col.index()];
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        for &c in &self.m.get(col).children {
            if self.m.get(c).is_overlay() {
                continue;
            }
            let left = f.body.x + self.rel[c.index()].0;
            lo = lo.min(left);
            hi = hi.max(left + self.frames[c.index()].w);
        }
        if lo > hi {
            return None;
        }
        let x0 = self.rel[col.index()].0;
        let (left, right) = (x0 + lo / 2.0, x0 + (hi + f.w) / 2.0);
        Some(if x - left <= right - x { left } else { right })
    }

    /// The column width that lets the nodes of `top`, the first subnet of zone column `col`,
    /// that a link comes down to from above the VPC (`clear_title`, found by a first layout:
    /// see `zone_title_hints`) stand right of the column's centred title, their content still
    /// inside the subnet.
    fn zone_title_room(&self, col: EntId, top: EntId) -> f32 {
        let kids = self.inside_children(top);
        let right = kids
            .iter()
            .map(|k| self.rel[k.index()].0 + self.frames[k.index()].w)
            .fold(0.0, f32::max);
        let title = self
            .text
            .width(&self.m.get(col).label, GROUP_LABEL_SIZE, true);
        kids.iter()
            .filter(|n| self.clear_title[n.index()])
            .map(|n| {
                let centre = self.rel[n.index()].0 + self.frames[n.index()].body.cx();
                title + 2.0 * (TITLE_CLEAR + PAD + right - centre)
            })
            .fold(0.0, f32::max)
    }

    /// Moves the content of `top`, the first subnet of zone column `col`, so that no node a
    /// link comes down to from above the VPC (`clear_title`) stands under the column's
    /// centred title, which that link would have to go around: right of the title if the
    /// subnet has the room (`zone_title_room` made it), else left of it, else nowhere.
    fn clear_zone_title(&mut self, col: EntId, top: EntId, width: f32) {
        let Some(title) = self.frames[col.index()].label.as_ref().map(|l| l.rect) else {
            return;
        };
        let sx = self.rel[top.index()].0;
        let (lo, hi) = (title.x - TITLE_CLEAR - sx, title.right() + TITLE_CLEAR - sx);
        let under: Vec<f32> = self
            .inside_children(top)
            .into_iter()
            .filter(|n| self.clear_title[n.index()])
            .map(|n| self.rel[n.index()].0 + self.frames[n.index()].body.cx())
            .filter(|&x| x > lo && x < hi)
            .collect();
        let (Some(first), Some(last)) = (
            under.iter().copied().reduce(f32::min),
            under.iter().copied().reduce(f32::max),
        ) else {
            return;
        };
        for want in [hi - first, lo - last] {
            let moved = self.shift_content(top, want, width);
            if (moved - want).abs() < 0.5 {
                return;
            }
            self.shift_content(top, -moved, width);
        }
    }

    /// Moves a subnet's inside content sideways by up to `dx`, keeping the padding; returns
    /// the distance moved.
    pub(super) fn shift_content(&mut self, s: EntId, dx: f32, width: f32) -> f32 {
        let kids = self.inside_children(s);
        if kids.is_empty() {
            return 0.0;
        }
        let lo = kids
            .iter()
            .map(|k| self.rel[k.index()].0)
            .fold(f32::INFINITY, f32::min);
        let hi = kids
            .iter()
            .map(|k| self.rel[k.index()].0 + self.frames[k.index()].w)
            .fold(f32::NEG_INFINITY, f32::max);
        let least = PAD.max(self.content_min[s.index()]);
        let dx = dx.clamp(least - lo, (width - PAD - hi).max(least - lo));
        for k in kids {
            self.rel[k.index()].0 += dx;
        }
        dx
    }
}

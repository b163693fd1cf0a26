//! Step 5, borders: gateways centred on their group's frame line.
//!
//! Takes a group's body size and the positions of its content; gives each border node a
//! place on the side facing its links (top or bottom), near the nodes inside it links to, and
//! how far the icons stick out of the frame.

use super::*;

/// How far border nodes stick out of each side of their group's body.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Outsets {
    pub(super) top: f32,
    pub(super) bottom: f32,
    pub(super) left: f32,
    pub(super) right: f32,
}

impl Outsets {
    /// The frame of a body `w` × `h` with these outsets around it.
    pub(super) fn frame(
        &self,
        w: f32,
        h: f32,
        label: Option<TextBox>,
        icon: Option<Rect>,
    ) -> Frame {
        Frame {
            w: w + self.left + self.right,
            h: h + self.top + self.bottom,
            body: Rect::new(self.left, self.top, w, h),
            label,
            icon,
            border: None,
        }
    }
}

impl Ctx<'_> {
    /// The width group `e` needs so its border nodes fit on their sides beside its title.
    pub(super) fn border_width(&mut self, e: EntId, header_right: f32) -> f32 {
        let mut top = header_right + 16.0;
        let mut bottom = PAD;
        for c in self.m.get(e).children.clone() {
            if self.placement(c) != Placement::Border {
                continue;
            }
            self.lay(c);
            let need = self.frames[c.index()]
                .label
                .as_ref()
                .map_or(0.0, |l| l.rect.w)
                + ICON
                + 8.0
                + 16.0;
            match self.border_side(c) {
                Side::Top => top += need,
                Side::Bottom => bottom += need,
                Side::Left | Side::Right => {}
            }
        }
        top.max(bottom) + PAD
    }

    /// Places the border nodes of group `e` (body `w` × `h`) on its frame lines, near the
    /// nodes inside they link to; returns how far they stick out of each side.
    pub(super) fn place_borders(&mut self, e: EntId, w: f32, h: f32, header_right: f32) -> Outsets {
        let m = self.m;
        let borders: Vec<EntId> = m
            .get(e)
            .children
            .iter()
            .copied()
            .filter(|c| self.placement(*c) == Placement::Border)
            .collect();
        let mut out = Outsets::default();
        for side in [Side::Left, Side::Right] {
            self.place_side_borders(e, &borders, side, w, h, &mut out);
        }
        for side in [Side::Top, Side::Bottom] {
            // 1. Each node's wish: the x of what it links to inside, else the middle.
            let mut items: Vec<(f32, EntId, f32)> = Vec::new();
            for &b in &borders {
                if self.border_side(b) != side {
                    continue;
                }
                self.lay(b);
                // A gateway linked to nothing at all keeps out of the way of the links that
                // cross the line: at whichever end of it lies further from the things inside
                // that link out of the group, not over its middle.
                let fallback = if self.linked(b).next().is_none() {
                    let lw = self.frames[b.index()]
                        .label
                        .as_ref()
                        .map_or(0.0, |l| l.rect.w);
                    let lo = if side == Side::Top {
                        header_right + 16.0
                    } else {
                        PAD
                    };
                    self.clear_end(e, (lo, w - 8.0), ICON + 8.0 + lw)
                } else {
                    w / 2.0
                };
                let mut want = self.border_wish(b, e, side).unwrap_or(fallback);
                // A gateway right above a zone column's title would have to route its link
                // around it: move it over the nearest gap between columns instead.
                if side == Side::Top {
                    let cols: Vec<(Rect, Option<Rect>)> = m
                        .get(e)
                        .children
                        .iter()
                        .filter(|c| matches!(m.get(**c).kind, EntKind::ZoneColumn { .. }))
                        .map(|c| {
                            let (x, y) = self.rel[c.index()];
                            let f = &self.frames[c.index()];
                            (
                                Rect::new(x, y, f.w, f.h),
                                f.label.as_ref().map(|l| l.rect.translate(x, y)),
                            )
                        })
                        .collect();
                    let blocked = cols.iter().any(|(_, t)| {
                        t.is_some_and(|t| {
                            want + ICON / 2.0 + 8.0 > t.x && want - ICON / 2.0 - 8.0 < t.right()
                        })
                    });
                    let cols: Vec<Rect> = cols.into_iter().map(|(c, _)| c).collect();
                    if blocked && cols.len() > 1 {
                        let gaps: Vec<f32> = cols
                            .windows(2)
                            .map(|p| (p[0].right() + p[1].x) / 2.0)
                            .collect();
                        if let Some(g) = gaps
                            .iter()
                            .copied()
                            .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()))
                        {
                            want = g;
                        }
                    }
                }
                let lw = self.frames[b.index()]
                    .label
                    .as_ref()
                    .map_or(0.0, |l| l.rect.w);
                items.push((want - ICON / 2.0, b, ICON + 8.0 + lw));
            }
            if items.is_empty() {
                continue;
            }
            items.sort_by(|x, y| x.0.total_cmp(&y.0));
            // 2. Closest non-overlapping positions, then kept inside the side's free stretch.
            let lo = if side == Side::Top {
                header_right + 16.0
            } else {
                PAD
            };
            let xs = stack_along(&items, 16.0, lo, w - 8.0);
            // 3. Centre each icon on the line, label beside it on the outer side.
            for (k, &(_, b, _)) in items.iter().enumerate() {
                let y = if side == Side::Top {
                    -ICON / 2.0
                } else {
                    h - ICON / 2.0
                };
                let mut label = self.frames[b.index()].label.clone().expect("node label");
                label.rect.x = ICON + 6.0;
                label.rect.y = if side == Side::Top {
                    ICON / 2.0 - 3.0 - label.rect.h
                } else {
                    ICON / 2.0 + 3.0
                };
                self.set_on_line(b, (xs[k].round(), y), label, side);
            }
            if side == Side::Top {
                out.top = BORDER_OUTSET;
            } else {
                out.bottom = BORDER_OUTSET;
            }
        }
        out
    }

    /// Where along group `e`'s top or bottom line (its free stretch `lo..hi`) a border
    /// node with its label (`width` in all) keeps furthest from the things inside that link
    /// to something outside the group (where links cross the line): at one end of the
    /// stretch or the other; returns the wanted centre of its icon.
    fn clear_end(&self, e: EntId, (lo, hi): (f32, f32), width: f32) -> f32 {
        let m = self.m;
        let crossings: Vec<f32> = m
            .links
            .iter()
            .flat_map(|l| [(l.from, l.to), (l.to, l.from)])
            .filter(|&(a, b)| {
                m.is_within(a, e) && !m.is_within(b, e) && self.placement(a) != Placement::Border
            })
            .map(|(a, _)| self.anchor_in_body(e, a).0)
            .collect();
        // Distance from the span [x, x + width] to the nearest crossing.
        let room = |x: f32| {
            crossings
                .iter()
                .map(|&c| (x - c).max(c - x - width).max(0.0))
                .fold(f32::INFINITY, f32::min)
        };
        let (start, end) = (lo, (hi - width).max(lo));
        let at = if room(end) > room(start) { end } else { start };
        at + ICON / 2.0
    }

    /// Puts border node `b` at `at` (its icon's corner, relative to its group's body) on the
    /// group's `side` line, with `label` placed relative to the icon.
    fn set_on_line(&mut self, b: EntId, at: (f32, f32), label: TextBox, side: Side) {
        self.rel[b.index()] = at;
        self.frames[b.index()] = Frame {
            w: ICON,
            h: ICON,
            body: Rect::new(0.0, 0.0, ICON, ICON),
            label: Some(label),
            icon: None,
            border: Some(side),
        };
    }

    /// Where along `side` of group `e` border node `b` wants to stand: at the nearest of the
    /// things inside it links to (the first under a gateway on the top line, the last above
    /// one on the bottom line, the first right of one on the left line…), so that link runs
    /// straight; several equally near: their middle. `None` when it links to nothing inside.
    fn border_wish(&self, b: EntId, e: EntId, side: Side) -> Option<f32> {
        // (depth in from the side, position along it) of each partner inside.
        let inside: Vec<(f32, f32)> = self
            .linked(b)
            .filter(|o| self.m.is_within(*o, e))
            .map(|o| {
                let (x, y) = self.anchor_in_body(e, o);
                match side {
                    Side::Top => (y, x),
                    Side::Bottom => (-y, x),
                    Side::Left => (x, y),
                    Side::Right => (-x, y),
                }
            })
            .collect();
        let nearest = inside.iter().map(|p| p.0).fold(f32::INFINITY, f32::min);
        let near: Vec<f32> = inside
            .iter()
            .filter(|p| p.0 <= nearest + 0.5)
            .map(|p| p.1)
            .collect();
        (!near.is_empty()).then(|| near.iter().sum::<f32>() / near.len() as f32)
    }

    /// Places the border nodes of group `e` (body `w` × `h`) that sit on its left or right
    /// line (`side`): each at the height of the nearest thing inside it links to (else the
    /// middle), apart, below the title; its label under it on the outer side of the line.
    fn place_side_borders(
        &mut self,
        e: EntId,
        borders: &[EntId],
        side: Side,
        w: f32,
        h: f32,
        out: &mut Outsets,
    ) {
        let mut items: Vec<(f32, EntId, f32)> = Vec::new();
        for &b in borders {
            if self.border_side(b) != side {
                continue;
            }
            self.lay(b);
            let want = self.border_wish(b, e, side).unwrap_or(h / 2.0);
            let lh = self.frames[b.index()]
                .label
                .as_ref()
                .map_or(0.0, |l| l.rect.h);
            items.push((want - ICON / 2.0, b, ICON + LABEL_GAP + lh + 8.0));
        }
        if items.is_empty() {
            return;
        }
        items.sort_by(|x, y| x.0.total_cmp(&y.0));
        // Below the title band, above the bottom line.
        let ys = stack_along(&items, 8.0, HEADER, h - 8.0);
        let mut reach = ICON / 2.0;
        for (k, &(_, b, _)) in items.iter().enumerate() {
            let mut label = self.frames[b.index()].label.clone().expect("node label");
            // Under the icon, from the line outwards.
            label.rect.x = if side == Side::Left {
                ICON / 2.0 - 3.0 - label.rect.w
            } else {
                ICON / 2.0 + 3.0
            };
            label.rect.y = ICON + LABEL_GAP;
            reach = reach.max(label.rect.w + 3.0);
            let x = if side == Side::Left {
                -ICON / 2.0
            } else {
                w - ICON / 2.0
            };
            self.set_on_line(b, (x, ys[k].round()), label, side);
        }
        let reach = reach.ceil() + 4.0;
        if side == Side::Left {
            out.left = reach;
        } else {
            out.right = reach;
        }
    }

    /// The side of VPC `vpc` that border node `b` sits on: the one its `side` names, else the
    /// one facing its links. Across a downward flow, the bottom when its links to the
    /// outside mostly leave from it (downstream) or it links to things below the VPC's grid,
    /// else the top; across a rightward flow, likewise the right or the left.
    ///
    /// Worked out once per border node when the layout starts (it depends on the model
    /// only); [`Ctx::border_side`] reads the result.
    pub(super) fn face_of(&self, b: EntId, vpc: EntId) -> Side {
        if let Some(&side) = self.m.border_sides.get(&b) {
            return side;
        }
        let grid = self.has_zone_columns(vpc);
        // Under a VPC grid: the things in the VPC but in no zone column, laid out below it.
        let below_grid = |x: EntId| {
            grid && x != vpc
                && self.m.is_within(x, vpc)
                && !self.in_zone_column(x)
                && self.placement(x) == Placement::Inside
        };
        // Votes for the sides after (bottom or right) and before (top or left) the VPC,
        // along the flow each link's partner is placed in.
        let (mut down, mut across) = (0i32, 0i32);
        for l in self.links_of[b.index()].iter().map(|&k| &self.m.links[k]) {
            let other = if l.from == b { l.to } else { l.from };
            if !self.m.is_within(other, vpc) {
                // Outside: the side where the flow will put the partner (after the VPC:
                // below or right; before it: above or left), judged by all links between
                // the VPC and the partner's item in the flow; even, by this link's direction.
                let vote = match self.partner_after(vpc, other) {
                    Some(true) => -1,
                    Some(false) => 1,
                    None if l.from == b => -1,
                    None => 1,
                };
                if self.downward(common_ancestor(self.m, vpc, other)) {
                    down += vote;
                } else {
                    across += vote;
                }
            } else if below_grid(other) {
                // A gateway linked to things below the grid goes on the bottom line, next
                // to them, not on the top line with the grid in between.
                down -= 1;
            }
        }
        match (across != 0 && down == 0, across >= 0, down >= 0) {
            (true, true, _) => Side::Left,
            (true, false, _) => Side::Right,
            (false, _, true) => Side::Top,
            (false, _, false) => Side::Bottom,
        }
    }

    /// Whether the flow that holds both `vpc` and the outside entity `o` puts `o` after the
    /// VPC (`Some(true)`) or before it (`Some(false)`): by the ranks that flow gives the two
    /// items holding them, and where those are equal, by the links between them (more from
    /// the VPC to it, after). `None` when those are even too.
    fn partner_after(&self, vpc: EntId, o: EntId) -> Option<bool> {
        let m = self.m;
        let c = common_ancestor(m, vpc, o);
        let under = |x: EntId| {
            std::iter::once(x)
                .chain(m.ancestors(x))
                .find(|a| m.get(*a).parent == c)
        };
        let item = under(o)?;
        let own = under(vpc)?;
        let items: &[EntId] = match c {
            Some(c) => &m.get(c).children,
            None => &m.roots,
        };
        // The links that flow sees: those between different children of `c`; as edges
        // between them for the ranks (none between two regions, which stand side by side).
        let mut net = 0i32;
        let mut edges: Vec<(usize, usize, f32, f32)> = Vec::new();
        for l in self
            .links_under
            .get(&c)
            .map_or(&[][..], |v| v.as_slice())
            .iter()
            .map(|&k| &m.links[k])
        {
            let (a, b) = (self.link_end(l.from), self.link_end(l.to));
            if m.is_within(a, vpc) && m.is_within(b, item) {
                net += 1;
            } else if m.is_within(a, item) && m.is_within(b, vpc) {
                net -= 1;
            }
            let (Some(ua), Some(ub)) = (under(a), under(b)) else {
                continue;
            };
            let region = |x: EntId| matches!(m.get(x).kind, EntKind::Region { .. });
            if ua == ub || (region(ua) && region(ub)) {
                continue;
            }
            let (Some(ia), Some(ib)) = (
                items.iter().position(|&x| x == ua),
                items.iter().position(|&x| x == ub),
            ) else {
                continue;
            };
            edges.push((ia, ib, 0.0, 0.0));
        }
        let rank = flow::ranks(items.len(), &edges);
        let at = |x: EntId| items.iter().position(|&y| y == x).map(|i| rank[i]);
        match (at(own), at(item)) {
            (Some(r), Some(p)) if r != p => Some(p > r),
            _ => (net != 0).then_some(net > 0),
        }
    }
}

/// Starts along a side for border nodes `items` (wanted start, node, length along the side;
/// sorted by wanted start): as near their wishes as a `gap` between them allows, the whole
/// row then moved to end by `hi` and start at `lo` or later.
fn stack_along(items: &[(f32, EntId, f32)], gap: f32, lo: f32, hi: f32) -> Vec<f32> {
    let desired: Vec<(f32, f32)> = items.iter().map(|i| (i.0, 1.0)).collect();
    let sizes: Vec<f32> = items.iter().map(|i| i.2).collect();
    let mut at = isotonic_place(&desired, &sizes, gap);
    let last = at.len() - 1;
    let over = at[last] + sizes[last] - hi;
    if over > 0.0 {
        at.iter_mut().for_each(|x| *x -= over);
    }
    if at[0] < lo {
        let d = lo - at[0];
        at.iter_mut().for_each(|x| *x += d);
    }
    at
}

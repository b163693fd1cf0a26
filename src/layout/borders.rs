//! Step 5, borders: gateways centred on their group's frame line.
//!
//! Takes a group's body size and the positions of its content; gives each border node a
//! place on the side facing its links (top or bottom), near the nodes inside it links to, and
//! how far the icons stick out of the frame.

use super::*;

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
            if self.border_side(c, e) == Side::Top {
                top += need;
            } else {
                bottom += need;
            }
        }
        top.max(bottom) + PAD
    }

    /// Places the border nodes of group `e` (body `w` × `h`) on its top or bottom line, near
    /// the nodes inside they link to; returns how far they stick out above and below.
    pub(super) fn place_borders(
        &mut self,
        e: EntId,
        w: f32,
        h: f32,
        header_right: f32,
    ) -> (f32, f32) {
        let m = self.m;
        let borders: Vec<EntId> = m
            .get(e)
            .children
            .iter()
            .copied()
            .filter(|c| self.placement(*c) == Placement::Border)
            .collect();
        let (mut out_top, mut out_bottom) = (0.0f32, 0.0f32);
        for side in [Side::Top, Side::Bottom] {
            // 1. Each node's wish: the x of what it links to inside, else the middle.
            let mut items: Vec<(f32, EntId, f32)> = Vec::new();
            for &b in &borders {
                if self.border_side(b, e) != side {
                    continue;
                }
                self.lay(b);
                // It stands over the nearest of them (the first thing under a gateway on
                // the top line, the last above one on the bottom line), so that link runs
                // straight; several equally near: their middle.
                let inside: Vec<(f32, f32)> = self
                    .linked(b)
                    .filter(|o| m.is_within(*o, e))
                    .map(|o| {
                        let (x, y) = self.anchor_in_body(e, o);
                        (x, if side == Side::Top { y } else { -y })
                    })
                    .collect();
                let nearest = inside.iter().map(|p| p.1).fold(f32::INFINITY, f32::min);
                let near: Vec<f32> = inside
                    .iter()
                    .filter(|p| p.1 <= nearest + 0.5)
                    .map(|p| p.0)
                    .collect();
                let mut want = if near.is_empty() {
                    w / 2.0
                } else {
                    near.iter().sum::<f32>() / near.len() as f32
                };
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
            let desired: Vec<(f32, f32)> = items.iter().map(|i| (i.0, 1.0)).collect();
            let sizes: Vec<f32> = items.iter().map(|i| i.2).collect();
            let mut xs = isotonic_place(&desired, &sizes, 16.0);
            let lo = if side == Side::Top {
                header_right + 16.0
            } else {
                PAD
            };
            let last = xs.len() - 1;
            let over = xs[last] + sizes[last] - (w - 8.0);
            if over > 0.0 {
                xs.iter_mut().for_each(|x| *x -= over);
            }
            if xs[0] < lo {
                let d = lo - xs[0];
                xs.iter_mut().for_each(|x| *x += d);
            }
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
                self.rel[b.index()] = (xs[k].round(), y);
                self.frames[b.index()] = Frame {
                    w: ICON,
                    h: ICON,
                    body: Rect::new(0.0, 0.0, ICON, ICON),
                    label: Some(label),
                    icon: None,
                    border: Some(side),
                };
            }
            if side == Side::Top {
                out_top = BORDER_OUTSET;
            } else {
                out_bottom = BORDER_OUTSET;
            }
        }
        (out_top, out_bottom)
    }

    /// The side of VPC `vpc` that border node `b` sits on: the bottom when its links to the
    /// outside mostly leave from it (downstream) or it links to things below the VPC's grid,
    /// else the top.
    pub(super) fn border_side(&self, b: EntId, vpc: EntId) -> Side {
        let grid = self.has_zone_columns(vpc);
        // Under a VPC grid: the things in the VPC but in no zone column, laid out below it.
        let below_grid = |x: EntId| {
            grid && x != vpc
                && self.m.is_within(x, vpc)
                && !self.in_zone_column(x)
                && self.placement(x) == Placement::Inside
        };
        let mut score = 0i32;
        for l in self.links_of[b.index()].iter().map(|&k| &self.m.links[k]) {
            let other = if l.from == b { l.to } else { l.from };
            if !self.m.is_within(other, vpc) {
                // Outside: the side where the flow will put the partner (after the VPC:
                // below; before it: above), judged by all links between the VPC and the
                // partner's item in the flow; even, by this link's direction.
                score += match self.partner_after(vpc, other) {
                    Some(true) => -1,
                    Some(false) => 1,
                    None if l.from == b => -1,
                    None => 1,
                };
            } else if below_grid(other) {
                // A gateway linked to things below the grid goes on the bottom line, next
                // to them, not on the top line with the grid in between.
                score -= 1;
            }
        }
        if score >= 0 {
            Side::Top
        } else {
            Side::Bottom
        }
    }

    /// Whether the downward flow that holds both `vpc` and the outside entity `o` puts `o`
    /// after the VPC (`Some(true)`) or before it (`Some(false)`), as far as the links between
    /// the VPC and the item of that flow holding `o` tell: more from the VPC to it, after.
    /// `None` when they are even or the flow runs across.
    fn partner_after(&self, vpc: EntId, o: EntId) -> Option<bool> {
        let m = self.m;
        let c = common_ancestor(m, vpc, o);
        if !self.downward(c) {
            return None;
        }
        let item = std::iter::once(o)
            .chain(m.ancestors(o))
            .find(|a| m.get(*a).parent == c)?;
        // The links that flow sees: those between different children of `c`.
        let mut net = 0i32;
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
        }
        (net != 0).then_some(net > 0)
    }
}

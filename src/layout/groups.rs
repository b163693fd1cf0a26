//! Step 2, groups: a generic group's frame, its children laid out by [`Ctx::flow`] under its
//! header.
//!
//! Takes a group whose children are sized; gives its frame (header, content, room for border
//! nodes and overlay labels) and its children's positions relative to its body. Also the
//! helpers that later steps use to find a descendant's centre and to stretch a laid-out group.

use super::*;

impl Ctx<'_> {
    /// A generic group: header, then its children in layers.
    pub(super) fn group_frame(&mut self, e: EntId) -> Frame {
        let mut children: Vec<EntId> = self.inside_children(e);
        // The flow starts from the order of kinds of the corresponding subnet in the first
        // zone column, so every zone shows alike things alike (route tables stay last).
        let template = self.template_kinds(e);
        if !template.is_empty() {
            children.sort_by_key(|c| {
                let ent = self.m.get(*c);
                (
                    matches!(ent.kind, EntKind::RouteTable { .. }),
                    template
                        .iter()
                        .position(|k| *k == ent.kind_name)
                        .unwrap_or(template.len()),
                )
            });
        }
        for &c in &children {
            self.lay(c);
        }
        let (mut label, icon, mut header) = self.header(e);
        if self.has_border_on(e, Side::Top) {
            // Border icons hang half inside: keep the content below them.
            header = header.max(ICON / 2.0 + 20.0);
        }
        if matches!(self.m.get(e).kind, EntKind::Subnet { .. }) {
            // A channel under the title, so links can reach content without crossing it.
            header += SUBNET_CHANNEL;
        }
        let (cw, ch) = self.flow(&children);
        let lw = label.as_ref().map_or(0.0, |l| l.rect.right() + PAD);
        let header_right = label.as_ref().map_or(0.0, |l| l.rect.right());
        // Border icons on a side line hang half inside: keep the content clear of them.
        let (hang_l, hang_r) = (self.hang(e, Side::Left), self.hang(e, Side::Right));
        let mut w = (cw + 2.0 * PAD + hang_l + hang_r)
            .max(lw)
            .max(120.0)
            .max(self.border_width(e, header_right));
        let bottom_borders = self.has_border_on(e, Side::Bottom);
        let h = header + ch + PAD + if bottom_borders { ICON / 2.0 } else { 0.0 };
        let mut dx = ((w - (cw + 2.0 * PAD + hang_l + hang_r)) / 2.0).floor() + PAD + hang_l;
        // Links from outside come down into the content right of the title, not through it.
        let title_right = if matches!(self.m.get(e).kind, EntKind::Subnet { .. }) {
            header_right.max(self.subnet_title)
        } else {
            header_right
        };
        if let Some(least) = self.title_clearance(e, title_right, &children) {
            self.content_min[e.index()] = least;
            dx = dx.max(least);
            w = w.max(dx + cw + PAD + hang_r);
        }
        for &c in &children {
            self.rel[c.index()].0 += dx;
            self.rel[c.index()].1 += header;
        }
        let out = self.place_borders(e, w, h, header_right);
        if out.top + out.bottom + out.left + out.right > 0.0 {
            return out.frame(w, h, label, icon);
        }
        if matches!(
            self.m.get(e).kind,
            EntKind::Zone | EntKind::ZoneColumn { .. }
        ) {
            if let Some(l) = &mut label {
                l.rect.x = (w - l.rect.w) / 2.0;
                l.rect.y = 8.0;
            }
        }
        Frame {
            w,
            h,
            body: Rect::new(0.0, 0.0, w, h),
            label,
            icon,
            border: None,
        }
    }

    /// The least left edge of `kids`' content (their `rel` taken from a (0,0) content
    /// origin) that puts every link from inside them to outside `e` right of `e`'s title,
    /// which ends at `title_right`: a link from outside comes down into a downward flow, and
    /// must not cross the title on its way in. `None` when no such link is under the title,
    /// or the title is centred (zones), or the flow runs rightward.
    pub(super) fn title_clearance(
        &self,
        e: EntId,
        title_right: f32,
        kids: &[EntId],
    ) -> Option<f32> {
        if !self.downward(Some(e))
            || title_right <= 0.0
            || matches!(
                self.m.get(e).kind,
                EntKind::Zone | EntKind::ZoneColumn { .. }
            )
        {
            return None;
        }
        let mut least: Option<f32> = None;
        let mut stack: Vec<(EntId, EntId)> = kids.iter().map(|&k| (k, k)).collect();
        while let Some((kid, x)) = stack.pop() {
            let ent = self.m.get(x);
            stack.extend(ent.children.iter().map(|&c| (kid, c)));
            if !matches!(
                (&ent.kind, self.placement(x)),
                (EntKind::Node { .. }, Placement::Inside | Placement::Border)
            ) {
                continue;
            }
            // A gateway on a side line of its VPC is reached from that side, not from above.
            let sideways = self.placement(x) == Placement::Border
                && matches!(self.border_side(x), Side::Left | Side::Right);
            if sideways {
                continue;
            }
            if self.linked(x).any(|other| !self.m.is_within(other, e)) {
                let a = self.rel[kid.index()].0 + self.anchor(kid, x).0;
                let need = title_right + TITLE_CLEAR - a;
                least = Some(least.map_or(need, |l: f32| l.max(need)));
            }
        }
        least.filter(|&l| l > 0.0).map(|l| l.ceil())
    }

    /// Children laid out inside (not on the border, not spanning), route tables last.
    pub(super) fn inside_children(&self, e: EntId) -> Vec<EntId> {
        let mut v: Vec<EntId> = self
            .m
            .get(e)
            .children
            .iter()
            .copied()
            .filter(|c| {
                let ch = self.m.get(*c);
                !ch.is_overlay()
                    && matches!(self.placement(*c), Placement::Inside)
                    && !matches!(ch.kind, EntKind::ZoneColumn { .. })
            })
            .collect();
        v.sort_by_key(|c| matches!(self.m.get(*c).kind, EntKind::RouteTable { .. }));
        v
    }

    /// For a subnet in a zone column other than the first: the kinds of the things in the
    /// corresponding subnet of the first column (same tier, same place among that tier's
    /// subnets), in the order they were laid out there, so that every zone shows alike
    /// things in the same order whatever order the file lists them in (quality.md: zone
    /// order). Empty when there is no such subnet or it is not laid out yet.
    fn template_kinds(&self, e: EntId) -> Vec<String> {
        let m = self.m;
        let EntKind::Subnet { tier, .. } = m.get(e).kind else {
            return Vec::new();
        };
        let Some(col) = m
            .get(e)
            .parent
            .filter(|p| matches!(m.get(*p).kind, EntKind::ZoneColumn { .. }))
        else {
            return Vec::new();
        };
        let Some(vpc) = m.get(col).parent else {
            return Vec::new();
        };
        let Some(&first) = m
            .get(vpc)
            .children
            .iter()
            .find(|c| matches!(m.get(**c).kind, EntKind::ZoneColumn { .. }))
        else {
            return Vec::new();
        };
        if first == col {
            return Vec::new();
        }
        let same_tier = |c: EntId| {
            let mut v: Vec<EntId> = m
                .get(c)
                .children
                .iter()
                .copied()
                .filter(|s| matches!(m.get(*s).kind, EntKind::Subnet { tier: t, .. } if t == tier))
                .collect();
            v.sort_by_key(|s| m.get(*s).span.map_or(0, |x| x.start));
            v
        };
        let Some(k) = same_tier(col).iter().position(|&s| s == e) else {
            return Vec::new();
        };
        let Some(&twin) = same_tier(first).get(k) else {
            return Vec::new();
        };
        if !self.laid[twin.index()] {
            return Vec::new();
        }
        let mut kids: Vec<EntId> = m
            .get(twin)
            .children
            .iter()
            .copied()
            .filter(|c| !m.get(*c).is_overlay() && matches!(self.placement(*c), Placement::Inside))
            .collect();
        kids.sort_by(|a, b| {
            let (pa, pb) = (self.rel[a.index()], self.rel[b.index()]);
            pa.1.total_cmp(&pb.1).then(pa.0.total_cmp(&pb.0))
        });
        let mut kinds: Vec<String> = Vec::new();
        for c in kids {
            let k = &m.get(c).kind_name;
            if !kinds.contains(k) {
                kinds.push(k.clone());
            }
        }
        kinds
    }

    /// Widens a laid-out group to `w` × `h`, keeping its content centred horizontally.
    pub(super) fn stretch(&mut self, e: EntId, w: f32, h: f32) {
        let f = &mut self.frames[e.index()];
        let dx = ((w - f.body.w) / 2.0).floor();
        if let Some(l) = &mut f.label {
            if matches!(
                self.m.get(e).kind,
                EntKind::Zone | EntKind::ZoneColumn { .. }
            ) {
                l.rect.x = (w - l.rect.w) / 2.0;
            }
        }
        f.w += w - f.body.w;
        f.h += h - f.body.h;
        f.body.w = w;
        f.body.h = h;
        for c in self.m.get(e).children.clone() {
            if matches!(self.placement(c), Placement::Inside) {
                self.rel[c.index()].0 += dx;
            }
        }
    }

    /// Offset of the centre of `desc`'s body from the outer origin of its ancestor `item`.
    pub(super) fn anchor(&self, item: EntId, desc: EntId) -> (f32, f32) {
        let f = &self.frames[desc.index()];
        let (mut x, mut y) = (f.body.cx(), f.body.cy());
        // A band's links meet it at its icon.
        if let (Some(ic), Placement::Span(_)) = (f.icon, self.placement(desc)) {
            (x, y) = (f.body.x + ic.cx(), f.body.y + ic.cy());
        }
        let mut cur = desc;
        while cur != item {
            x += self.rel[cur.index()].0;
            y += self.rel[cur.index()].1;
            let Some(p) = self.m.get(cur).parent else {
                break;
            };
            let pb = self.frames[p.index()].body;
            x += pb.x;
            y += pb.y;
            cur = p;
        }
        (x, y)
    }

    /// Centre of `desc`'s body relative to the body origin of its ancestor `group`.
    pub(super) fn anchor_in_body(&self, group: EntId, desc: EntId) -> (f32, f32) {
        let (x, y) = self.anchor(group, desc);
        let b = self.frames[group.index()].body;
        (x - b.x, y - b.y)
    }

    /// Whether, in the zone column holding `x`, another tier row stands after (`after`) or
    /// before the row holding it, so that no straight line along the flow reaches `x` from
    /// that side of the grid.
    pub(super) fn row_beside(&self, x: EntId, after: bool) -> bool {
        let m = self.m;
        let Some(row) = std::iter::once(x).chain(m.ancestors(x)).find(|a| {
            m.get(*a)
                .parent
                .is_some_and(|p| matches!(m.get(p).kind, EntKind::ZoneColumn { .. }))
        }) else {
            return false;
        };
        let col = m.get(row).parent.expect("found by its parent");
        let y = self.rel[row.index()].1;
        m.get(col).children.iter().any(|&c| {
            c != row && {
                let cy = self.rel[c.index()].1;
                if after {
                    cy > y
                } else {
                    cy < y
                }
            }
        })
    }
}

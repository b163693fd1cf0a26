//! Step 1, sizes: each leaf's frame before anything is placed.
//!
//! Takes an entity of the model and the text measurer; gives its [`Frame`]: an icon node is a
//! 48 px icon with its label beside it (downward flows) or below it; a route table is a card
//! of rows; a group's header is its icon and title. Room is added around members of
//! overlays, for the overlay boxes drawn later.

use super::*;

impl Ctx<'_> {
    pub(super) fn label_box(&self, text: &str, size: f32, bold: bool) -> TextBox {
        TextBox {
            text: text.to_string(),
            rect: Rect::new(
                0.0,
                0.0,
                self.text.width(text, size, bold).ceil(),
                (size * LINE_HEIGHT).ceil(),
            ),
            size,
            bold,
        }
    }

    pub(super) fn placement(&self, e: EntId) -> Placement {
        match &self.m.get(e).kind {
            EntKind::Node { placement, .. } => placement.clone(),
            _ => Placement::Inside,
        }
    }

    /// Room around a member of overlays laid out in a flow, so each overlay box (8 px out,
    /// 8 px more per overlay nested around it, with its title inside at the top) stays clear
    /// of the parent's title and edges.
    pub(super) fn overlay_room(&self, e: EntId, mut f: Frame) -> Frame {
        let ent = self.m.get(e);
        let in_flow = match &ent.kind {
            EntKind::Node { .. } => self.placement(e) == Placement::Inside,
            EntKind::RouteTable { .. } | EntKind::Group { .. } => true,
            _ => false,
        };
        if !in_flow {
            return f;
        }
        let k = self.overlays_around[e.index()] as f32;
        if k == 0.0 {
            return f;
        }
        let side = 8.0 * k;
        let above = side + k * OVERLAY_TITLE;
        f.body = f.body.translate(side, above);
        f.w += 2.0 * side;
        f.h += above + side;
        f
    }

    pub(super) fn node_frame(&self, e: EntId) -> Frame {
        let ent = self.m.get(e);
        let mut label = self.label_box(&ent.label, LABEL_SIZE, false);
        match self.placement(e) {
            // In a downward flow links enter at the top and leave at the bottom, so the label
            // goes to the right of the icon; in a rightward flow, below it.
            // A hub (a queue fed by many functions, a transit gateway) has its label below,
            // so that its links to both sides can use its left and right; so has a node
            // linked across zones or regions to its peer in the same tier (a primary
            // database and its standby), so that the link runs straight between their sides.
            // But a hub stacked over (or under) a partner in its own zone column keeps the
            // label on its right: a label below would block the straight line between them;
            // and so does a sink that passes what it gathers on to one next thing (a stream
            // fed by workers in three zones, read by one function): the chain goes on down
            // from its bottom, and the fan-in comes in at its top and left.
            Placement::Inside
                if self.downward(ent.parent)
                    && ((self.is_hub(e) && !self.has_stacked_partner(e) && !self.passes_on(e))
                        || self.has_peer(e)) =>
            {
                label_below(label)
            }
            Placement::Inside if self.downward(ent.parent) => label_outside(label, false),
            Placement::Inside => label_below(label),
            // Border and spanning nodes: sized here, positioned by their VPC.
            Placement::Border | Placement::Span(_) => {
                label.rect.x = ICON + 8.0;
                Frame {
                    w: ICON,
                    h: ICON,
                    body: Rect::new(0.0, 0.0, ICON, ICON),
                    label: Some(label),
                    icon: None,
                    border: None,
                }
            }
        }
    }

    /// Whether `e` gathers from a few and passes on to one: two or three distinct sources
    /// link to it, and its own links all go to one other thing that is not one of them.
    fn passes_on(&self, e: EntId) -> bool {
        let (mut sources, mut targets) = (Vec::new(), Vec::new());
        for &k in &self.links_of[e.index()] {
            let l = &self.m.links[k];
            if l.to == e {
                sources.push(l.from);
            }
            if l.from == e {
                targets.push(l.to);
            }
        }
        for v in [&mut sources, &mut targets] {
            v.sort();
            v.dedup();
        }
        // (Four or more sources make a star, which stands in their middle: quality.md's
        // off-centre hub; its label stays below.)
        (2..HUB_LINKS).contains(&sources.len())
            && targets.len() == 1
            && !sources.contains(&targets[0])
    }

    /// Whether `e` is a hub: linked with at least [`HUB_LINKS`] distinct others.
    fn is_hub(&self, e: EntId) -> bool {
        let mut others: Vec<EntId> = self.linked(e).collect();
        others.sort();
        others.dedup();
        others.len() >= HUB_LINKS
    }

    /// The cell of the VPC grid that `x` sits directly in: its subnet, that subnet's tier
    /// and its zone column; `None` for anything not directly in a zone column's subnet.
    fn grid_cell(&self, x: EntId) -> Option<(EntId, crate::spec::Tier, EntId)> {
        let s = self.m.get(x).parent?;
        let EntKind::Subnet { tier, .. } = self.m.get(s).kind else {
            return None;
        };
        let col = self.m.get(s).parent?;
        matches!(self.m.get(col).kind, EntKind::ZoneColumn { .. }).then_some((s, tier, col))
    }

    /// Whether `e`, in a subnet of a VPC's zone column, is linked with a node in a subnet of
    /// the same tier in another zone column (of that VPC, or of another: a replica in a
    /// second region).
    fn has_peer(&self, e: EntId) -> bool {
        let Some((_, tier, col)) = self.grid_cell(e) else {
            return false;
        };
        self.linked(e).any(|o| {
            self.grid_cell(o)
                .is_some_and(|(_, t, c)| t == tier && c != col)
        })
    }

    /// Whether `e`, in a subnet of a VPC's zone column, is linked with a node in another
    /// subnet of the same zone column (a function and the database in the tier below it).
    fn has_stacked_partner(&self, e: EntId) -> bool {
        let Some((subnet, _, col)) = self.grid_cell(e) else {
            return false;
        };
        self.linked(e).any(|o| {
            self.grid_cell(o)
                .is_some_and(|(s, _, c)| c == col && s != subnet)
        })
    }

    pub(super) fn route_table_frame(&self, title: &str, rows: &[(String, String)]) -> Frame {
        let tw = self.text.width(title, 12.0, true) + 22.0;
        let dw = rows
            .iter()
            .map(|(d, _)| self.text.width(d, ROUTE_SIZE, false))
            .fold(0.0, f32::max);
        let vw = rows
            .iter()
            .map(|(_, v)| self.text.width(&format!("→ {v}"), ROUTE_SIZE, false))
            .fold(0.0, f32::max);
        let w = (tw.max(dw + vw + 24.0) + 16.0).ceil();
        let h = 26.0 + rows.len() as f32 * 17.0 + 6.0;
        let mut label = self.label_box(title, 12.0, true);
        label.rect.x = 24.0;
        label.rect.y = 4.0;
        Frame {
            w,
            h,
            body: Rect::new(0.0, 0.0, w, h),
            label: Some(label),
            icon: Some(Rect::new(8.0, 8.0, 12.0, 12.0)),
            border: None,
        }
    }

    /// Header of a group frame: (label, icon, header height), relative to the body origin.
    pub(super) fn header(&self, e: EntId) -> (Option<TextBox>, Option<Rect>, f32) {
        let ent = self.m.get(e);
        match ent.kind {
            EntKind::Zone | EntKind::ZoneColumn { .. } => {
                let label = self.label_box(&ent.label, GROUP_LABEL_SIZE, true);
                (Some(label), None, ZONE_HEADER)
            }
            _ => {
                let mut label =
                    self.label_box(&ent.label, GROUP_LABEL_SIZE, ent.kind_name == "cloud");
                label.rect.x = HEADER_ICON + 8.0;
                label.rect.y = (HEADER_ICON - label.rect.h) / 2.0;
                (
                    Some(label),
                    Some(Rect::new(0.0, 0.0, HEADER_ICON, HEADER_ICON)),
                    HEADER,
                )
            }
        }
    }
}

/// The frame of an icon node with its label centred below the icon.
pub(super) fn label_below(mut label: TextBox) -> Frame {
    // An even width keeps the icon, and so the links at its centre, on whole pixels.
    let w = (ICON.max(label.rect.w) / 2.0).ceil() * 2.0;
    label.rect.x = (ICON - label.rect.w) / 2.0;
    label.rect.y = ICON + LABEL_GAP;
    Frame {
        w,
        h: ICON + LABEL_GAP + label.rect.h,
        body: Rect::new((w - ICON) / 2.0, 0.0, ICON, ICON),
        label: Some(label),
        icon: None,
        border: None,
    }
}

/// The frame of an icon node with its label beside the icon, vertically centred: on the
/// left (`left`) or on the right.
pub(super) fn label_outside(mut label: TextBox, left: bool) -> Frame {
    let gap = LABEL_GAP + 4.0;
    let w = ICON + gap + label.rect.w;
    label.rect.y = (ICON - label.rect.h) / 2.0;
    let body_x = if left { w - ICON } else { 0.0 };
    label.rect.x = if left {
        -gap - label.rect.w
    } else {
        ICON + gap
    };
    Frame {
        w,
        h: ICON,
        body: Rect::new(body_x, 0.0, ICON, ICON),
        label: Some(label),
        icon: None,
        border: None,
    }
}

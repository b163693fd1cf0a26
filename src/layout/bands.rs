//! Step 4a, bands: a load balancer (or any node) in several subnets of a VPC grid, drawn as
//! one band across them.
//!
//! Takes the VPC grid's rows and columns; first reserves room for each band in the row of
//! the subnets it spans (several bands in one row stack up from its bottom, one slot each)
//! and the column width its icon and label need; once the grid is placed, gives each band
//! its box: from the centre of the first spanned subnet to the last, widened over the nodes
//! it links to where that blocks no other link down, its icon in the middle and its label
//! to the right.

use super::*;

/// How far a band reaches into each subnet at its ends.
const BAND_REACH: f32 = 48.0;

/// The spanning nodes of one VPC grid and the room reserved for them.
pub(super) struct Bands {
    /// Each spanning node with the subnets it spans, in model order.
    nodes: Vec<(EntId, Vec<EntId>)>,
    /// The grid row of each band (`None`: it spans no subnet of the grid).
    row: Vec<Option<usize>>,
    /// Each band's slot in its row, counted up from the row's bottom.
    slot: Vec<usize>,
    /// The height reserved for bands in each row.
    pub(super) room: Vec<f32>,
}

impl Ctx<'_> {
    /// Sizes the spanning nodes of VPC `vpc` and reserves their room, `row_of` giving the
    /// grid row of a subnet.
    pub(super) fn reserve_bands(
        &mut self,
        vpc: EntId,
        row_of: &dyn Fn(EntId) -> Option<usize>,
        rows: usize,
    ) -> Bands {
        let nodes: Vec<(EntId, Vec<EntId>)> = self
            .m
            .get(vpc)
            .children
            .iter()
            .filter_map(|c| match self.placement(*c) {
                Placement::Span(s) => Some((*c, s)),
                _ => None,
            })
            .collect();
        let mut room = vec![0.0f32; rows];
        let mut slot = vec![0usize; nodes.len()];
        let mut row = vec![None; nodes.len()];
        for (i, (node, subs)) in nodes.iter().enumerate() {
            self.lay(*node);
            if let Some(r) = subs.first().and_then(|s| row_of(*s)) {
                slot[i] = (room[r] / BAND_H) as usize;
                room[r] += BAND_H;
                row[i] = Some(r);
            }
        }
        Bands {
            nodes,
            row,
            slot,
            room,
        }
    }

    /// The least column width that holds every band's icon and label (half on each side of
    /// the band's middle), `col_of` giving the grid column of a subnet.
    pub(super) fn band_col_width(
        &self,
        bands: &Bands,
        col_of: &dyn Fn(EntId) -> Option<usize>,
        zpad: f32,
    ) -> f32 {
        let mut col_w = 0.0f32;
        for (node, subs) in &bands.nodes {
            let cis: Vec<usize> = subs.iter().filter_map(|x| col_of(*x)).collect();
            let (Some(lo), Some(hi)) = (cis.iter().min(), cis.iter().max()) else {
                continue;
            };
            let k = (hi - lo + 1) as f32;
            let lw = self.frames[node.index()]
                .label
                .as_ref()
                .map_or(0.0, |l| l.rect.w);
            let need = 2.0 * (ICON / 2.0 + 8.0 + lw + 16.0) + 8.0;
            col_w = col_w.max((need - (k - 1.0) * (2.0 * zpad + COL_GAP)) / k);
        }
        col_w
    }

    /// Whether a node inside one of `subs` (subnets of VPC `vpc`) standing within the
    /// band's x range `span` links to a node of the VPC below `row_bottom` (all in the VPC's
    /// body coordinates).
    fn blocked_below(&self, vpc: EntId, subs: &[EntId], span: (f32, f32), row_bottom: f32) -> bool {
        subs.iter().flat_map(|s| self.inside_children(*s)).any(|n| {
            let (x, _) = self.anchor_in_body(vpc, n);
            if x < span.0 - ICON / 2.0 || x > span.1 + ICON / 2.0 {
                return false;
            }
            self.linked(n).any(|other| {
                self.m.is_within(other, vpc)
                    && self.placement(other) == Placement::Inside
                    && self.anchor_in_body(vpc, other).1 > row_bottom
            })
        })
    }

    /// Whether the band `node` links to something inside one of the subnets it spans (its
    /// targets in its own row): then it stands above them, so traffic flows down.
    fn targets_in_row(&self, node: EntId, subs: &[EntId]) -> bool {
        self.linked(node).any(|other| {
            subs.iter()
                .any(|s| other != *s && self.m.is_within(other, *s))
        })
    }

    /// The x range `span` of band `node` widened to cover the icons of the nodes it links
    /// to in VPC `vpc` that stand below its row and within its reach, `reach` being the
    /// spanned subnets' outer edges and the row's bottom, all in the VPC's body coordinates.
    /// (Targets in its own row are left out: the band stands right above them, and would
    /// close their tops to every other link.)
    fn over_targets(
        &self,
        vpc: EntId,
        node: EntId,
        reach: (f32, f32, f32),
        span: (f32, f32),
    ) -> (f32, f32) {
        self.linked(node)
            .filter(|o| {
                *o != node && self.m.is_within(*o, vpc) && self.placement(*o) == Placement::Inside
            })
            .map(|o| self.anchor_in_body(vpc, o))
            .filter(|(x, y)| {
                *y > reach.2 && x - ICON / 2.0 - 16.0 >= reach.0 && x + ICON / 2.0 + 16.0 <= reach.1
            })
            .map(|(x, _)| x)
            .fold(span, |(a, b), x| {
                (a.min(x - ICON / 2.0 - 16.0), b.max(x + ICON / 2.0 + 16.0))
            })
    }

    /// Places every band of VPC `vpc` once its grid is placed (`row_h`: the rows' heights).
    pub(super) fn place_bands(&mut self, vpc: EntId, bands: &Bands, row_h: &[f32]) {
        let m = self.m;
        for (i, (node, subs)) in bands.nodes.iter().enumerate() {
            let Some(r) = bands.row[i] else {
                continue;
            };
            // The spanned subnets' left and right edges in the VPC body.
            let spans: Vec<(f32, f32)> = subs
                .iter()
                .filter_map(|s| {
                    let z = m.get(*s).parent?;
                    let x = self.rel[z.index()].0 + self.rel[s.index()].0;
                    Some((x, x + self.frames[s.index()].w))
                })
                .collect();
            let s0 = subs[0];
            let z0 = m.get(s0).parent.unwrap_or(vpc);
            let sub_top = self.rel[z0.index()].1 + self.rel[s0.index()].1;
            let by_left = |a: &(f32, f32), b: &(f32, f32)| a.0.total_cmp(&b.0);
            let (Some(first), Some(last)) = (
                spans.iter().copied().min_by(by_left),
                spans.iter().copied().max_by(by_left),
            ) else {
                continue;
            };
            let f = self.frames[node.index()].clone();
            let lab = f.label.clone().expect("node label");
            // The icon sits in the middle between the first and the last spanned subnet, its
            // label to the right; the band reaches a little into every end subnet and no
            // further, so that it blocks as few of their straight links as it can.
            let c = if spans.len() > 1 {
                ((first.1 + last.0) / 2.0).round()
            } else {
                ((first.0 + first.1) / 2.0).round()
            };
            let (mut bx0, mut bx1) = (
                c - ICON / 2.0 - 16.0,
                c + ICON / 2.0 + 8.0 + lab.rect.w + 16.0,
            );
            if spans.len() > 1 {
                bx0 = bx0.min(first.1 - BAND_REACH);
                bx1 = bx1.max(last.0 + BAND_REACH);
            }
            // It reaches further, over the nodes it links to in the VPC under its spanned
            // subnets, so that its links drop straight to them, unless that would stand
            // across the way of another link down from a spanned subnet.
            let row_bottom = sub_top + row_h[r];
            let wide = self.over_targets(vpc, *node, (first.0, last.1, row_bottom), (bx0, bx1));
            if wide != (bx0, bx1) && !self.blocked_below(vpc, subs, wide, row_bottom) {
                (bx0, bx1) = wide;
            }
            let bh = BAND_H - 12.0;
            let mut by = sub_top + row_h[r] - 10.0 - bh - bands.slot[i] as f32 * BAND_H;
            // A band at the bottom of its row would stand across the way of a link from a
            // node above it in a spanned subnet down to a node below the row (a NAT gateway
            // and its workers in a middle zone, which the band covers from side to side),
            // or below its targets in its own row (traffic would seem to flow up): then the
            // band goes to the top of the row and the subnets' content below it.
            if bands.room[r] == BAND_H
                && (self.blocked_below(vpc, subs, (bx0, bx1), row_bottom)
                    || self.targets_in_row(*node, subs))
            {
                let top = subs
                    .iter()
                    .flat_map(|s| self.inside_children(*s))
                    .map(|c| self.rel[c.index()].1)
                    .fold(f32::INFINITY, f32::min);
                if top.is_finite() {
                    // 12 px into the channel under the subnet titles, so 24 px stay between
                    // the band and its targets: room for a link that cannot run straight.
                    by = sub_top + top - 12.0;
                    for s in subs {
                        for c in self.inside_children(*s) {
                            self.rel[c.index()].1 += BAND_H;
                        }
                    }
                }
            }
            let bw = bx1 - bx0;
            let icon_x = c - bx0 - ICON / 2.0;
            let mut label = lab;
            label.rect.x = icon_x + ICON + 8.0;
            label.rect.y = (bh - label.rect.h) / 2.0;
            self.rel[node.index()] = (bx0, by);
            self.frames[node.index()] = Frame {
                w: bw,
                h: bh,
                body: Rect::new(0.0, 0.0, bw, bh),
                label: Some(label),
                icon: Some(Rect::new(icon_x, (bh - ICON) / 2.0, ICON, ICON)),
                border: None,
            };
        }
    }
}

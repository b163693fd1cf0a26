//! Step 6, overlays: `span` groups drawn around their members after everything is placed.
//!
//! Takes the absolute boxes of every entity; gives the overlay boxes: one around all members,
//! split by parent (then member by member) only where one box would take in other nodes,
//! with the title inside the top of the box or, where there is no room, just outside a corner.

use super::*;

/// How far either side of a linked member's icon centre an overlay title keeps clear.
const TITLE_WAY: f32 = 14.0;

/// Places the boxes of every overlay: first around all members; while a box would take in a
/// node that is not a member, it is split by the members' parents, then member by member.
/// `links_of` holds the links at each entity.
pub(super) fn place_overlays(
    m: &Model,
    text: &dyn Measure,
    boxes: &[Option<Placed>],
    links_of: &[Vec<usize>],
) -> Vec<OverlayBox> {
    let mut out = Vec::new();
    // Members and everything inside member groups, per overlay (in id order, so lookups
    // are binary searches).
    let insides: Vec<(usize, Vec<EntId>)> = m
        .entities
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.kind {
            EntKind::Overlay { members, .. } => Some((
                i,
                (0..m.entities.len())
                    .map(|j| EntId(j as u32))
                    .filter(|x| members.iter().any(|mm| m.is_within(*x, *mm)))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    for (oi, (i, inside)) in insides.iter().enumerate() {
        let (i, e) = (*i, &m.entities[*i]);
        let EntKind::Overlay { members, .. } = &e.kind else {
            continue;
        };
        let ent = EntId(i as u32);
        // An overlay around another one's members (or around the same ones, declared
        // earlier: a cluster before its service) is drawn 8 px further out.
        let depth = insides
            .iter()
            .enumerate()
            .filter(|(oj, (_, other))| {
                *oj != oi
                    && other.iter().all(|x| inside.binary_search(x).is_ok())
                    && (other.len() < inside.len() || *oj > oi)
            })
            .count() as f32;
        let grow = 8.0 + 8.0 * depth;
        let rect_of = |x: EntId| {
            boxes[x.index()]
                .as_ref()
                .map(|p| p.label.as_ref().map_or(p.rect, |l| p.rect.union(&l.rect)))
        };
        let bbox = |part: &[EntId]| -> Option<Rect> {
            let rs: Vec<Rect> = part.iter().filter_map(|x| rect_of(*x)).collect();
            let first = *rs.first()?;
            Some(
                rs.iter()
                    .skip(1)
                    .fold(first, |a, b| a.union(b))
                    .inflate(grow),
            )
        };
        let intrudes = |r: &Rect| {
            m.entities.iter().enumerate().any(|(j, o)| {
                o.is_node()
                    && inside.binary_search(&EntId(j as u32)).is_err()
                    && boxes[j].as_ref().is_some_and(|p| p.rect.intersects(r))
            })
        };
        let mut pending: Vec<Vec<EntId>> = vec![members.clone()];
        let mut parts: Vec<(Rect, Vec<EntId>)> = Vec::new();
        while let Some(part) = pending.pop() {
            let Some(mut r) = bbox(&part) else { continue };
            // A single member packed close to its neighbours (gateways on a border) gets a
            // tighter box.
            if part.len() == 1 {
                let full = r;
                for g in [grow / 2.0, 2.0] {
                    if !intrudes(&r) {
                        break;
                    }
                    r = full.inflate(g - grow);
                }
            }
            if part.len() > 1 && intrudes(&r) {
                let mut parents: Vec<Option<EntId>> =
                    part.iter().map(|x| m.get(*x).parent).collect();
                parents.sort();
                parents.dedup();
                if parents.len() > 1 {
                    for p in parents.into_iter().rev() {
                        pending.push(
                            part.iter()
                                .copied()
                                .filter(|x| m.get(*x).parent == p)
                                .collect(),
                        );
                    }
                } else {
                    for x in part.into_iter().rev() {
                        pending.push(vec![x]);
                    }
                }
                continue;
            }
            parts.push((r, part));
        }
        parts.sort_by(|a, b| a.0.y.total_cmp(&b.0.y).then(a.0.x.total_cmp(&b.0.x)));
        // Inside the overlay's parent; a top-level overlay's label may go anywhere (the
        // canvas grows to hold it).
        let parent_rect = e
            .parent
            .and_then(|p| boxes[p.index()].as_ref())
            .map(|p| p.rect);
        for (k, (bb, part)) in parts.into_iter().enumerate() {
            // A label wider than the room from the box's left edge (or to its right edge)
            // within the parent is shortened with an ellipsis.
            let label_text = match parent_rect {
                Some(p) => shorten(
                    text,
                    &e.label,
                    GROUP_LABEL_SIZE,
                    (p.right() - bb.x).max(bb.right() - p.x) - 1.0,
                ),
                None => e.label.clone(),
            };
            let lw = text.width(&label_text, GROUP_LABEL_SIZE, false).ceil();
            let lh = (GROUP_LABEL_SIZE * LINE_HEIGHT).ceil();
            let taken: Vec<Rect> = out
                .iter()
                .filter_map(|o: &OverlayBox| o.placed.label.as_ref().map(|l| l.rect))
                .collect();
            let members: Vec<EntId> = inside
                .iter()
                .copied()
                .filter(|x| part.iter().any(|p| m.is_within(*x, *p)))
                .collect();
            // First choice: the title inside the top of the box, like a group's, in a band
            // above the members (one band per nesting level; widened to the title if need
            // be), when that box takes in nothing else and stays in the parent.
            let full_label = text.width(&e.label, GROUP_LABEL_SIZE, false).ceil();
            let band = (depth + 1.0) * OVERLAY_TITLE;
            let tall = Rect::new(bb.x, bb.y - band, bb.w.max(full_label + 12.0), bb.h + band);
            let mut title = Rect::new(tall.x + 6.0, tall.y + 2.0, full_label, lh);
            // The title keeps out of the way of links that leave members upwards: it moves
            // right, along the top of the box, past the icon of every member linked to
            // something outside the overlay.
            let mut ways: Vec<(f32, f32)> = members
                .iter()
                .filter(|x| m.get(**x).is_node())
                .filter(|x| {
                    links_of[x.index()].iter().any(|&k| {
                        let l = &m.links[k];
                        let other = if l.from == **x { l.to } else { l.from };
                        other != ent && !members.contains(&other)
                    })
                })
                .filter_map(|x| boxes[x.index()].as_ref())
                .map(|b| (b.rect.cx() - TITLE_WAY, b.rect.cx() + TITLE_WAY))
                .collect();
            ways.sort_by(|a, b| a.0.total_cmp(&b.0));
            for w in &ways {
                if title.right() > w.0 && title.x < w.1 {
                    title.x = w.1;
                }
            }
            if title.right() > tall.right() - 6.0 {
                title.x = tall.x + 6.0;
            }
            let fits = parent_rect.is_none_or(|p| {
                tall.x >= p.x
                    && tall.right() <= p.right()
                    && tall.y >= p.y
                    && tall.bottom() <= p.bottom()
            }) && !intrudes(&tall)
                && !taken.iter().any(|t| t.intersects(&title.inflate(2.0)))
                && boxes.iter().enumerate().all(|(j, b)| {
                    let Some(b) = b else { return true };
                    let band_rect = Rect::new(tall.x, tall.y, tall.w, band);
                    let hits_node = m.entities[j].is_node()
                        && !members.contains(&EntId(j as u32))
                        && b.rect.intersects(&tall);
                    let hits_label = b
                        .label
                        .as_ref()
                        .is_some_and(|l| l.rect.intersects(&band_rect));
                    let hits_member = members.contains(&EntId(j as u32))
                        && m.entities[j].is_node()
                        && b.rect.intersects(&band_rect);
                    !hits_node && !hits_label && !hits_member
                });
            if fits {
                out.push(OverlayBox {
                    ent,
                    part: k,
                    placed: Placed {
                        rect: tall,
                        label: Some(TextBox {
                            text: e.label.clone(),
                            rect: title,
                            size: GROUP_LABEL_SIZE,
                            bold: false,
                        }),
                        icon: None,
                        border: None,
                    },
                    members,
                });
                continue;
            }
            // The label goes just outside a corner of the box, where it hits no other text or
            // node and stays inside the overlay's parent.
            // Then further out, one line at a time, where several overlays share members.
            let spots: Vec<Rect> = (0..4)
                .flat_map(|k| {
                    let off = k as f32 * (lh + 2.0);
                    [
                        Rect::new(bb.x, bb.bottom() + 2.0 + off, lw, lh),
                        Rect::new(bb.right() - lw, bb.bottom() + 2.0 + off, lw, lh),
                        Rect::new(bb.right() - lw, bb.y - lh - 2.0 - off, lw, lh),
                        Rect::new(bb.x, bb.y - lh - 2.0 - off, lw, lh),
                    ]
                })
                .collect();
            let clear = |r: &Rect| {
                let within = parent_rect.is_none_or(|p| {
                    r.x >= p.x && r.right() <= p.right() && r.y >= p.y && r.bottom() <= p.bottom()
                });
                within
                    && !taken.iter().any(|t| t.intersects(r))
                    && boxes.iter().enumerate().all(|(j, b)| {
                        let Some(b) = b else { return true };
                        let hits_node = m.entities[j].is_node() && b.rect.intersects(r);
                        let hits_label = b.label.as_ref().is_some_and(|l| l.rect.intersects(r));
                        !hits_node && !hits_label
                    })
            };
            // Prefer a spot that does not sit on a frame line.
            let on_line = |r: &Rect| {
                let halo = r.inflate(2.0);
                m.entities.iter().enumerate().any(|(j, o)| {
                    o.is_group()
                        && boxes[j].as_ref().is_some_and(|p| {
                            let f = p.rect;
                            halo.intersects(&f)
                                && !(halo.x >= f.x
                                    && halo.right() <= f.right()
                                    && halo.y >= f.y
                                    && halo.bottom() <= f.bottom())
                        })
                })
            };
            let spot = spots
                .iter()
                .copied()
                .find(|r| clear(r) && !on_line(r))
                .or_else(|| spots.iter().copied().find(|r| clear(r)))
                .unwrap_or(spots[0]);
            out.push(OverlayBox {
                ent,
                part: k,
                placed: Placed {
                    rect: bb,
                    label: Some(TextBox {
                        text: label_text.clone(),
                        rect: spot,
                        size: GROUP_LABEL_SIZE,
                        bold: false,
                    }),
                    icon: None,
                    border: None,
                },
                members,
            });
        }
    }
    out
}

/// `s`, or its longest prefix that fits in `max_w` px followed by "…".
fn shorten(text: &dyn Measure, s: &str, size: f32, max_w: f32) -> String {
    if s.is_empty() || text.width(s, size, false).ceil() <= max_w {
        return s.to_string();
    }
    let ends: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    let fits = |n: usize| {
        text.width(&format!("{}…", &s[..ends[n]]), size, false)
            .ceil()
            <= max_w
    };
    // The number of characters kept: the largest n with fits(n) (n = 0 keeps just "…").
    let (mut lo, mut hi) = (0usize, ends.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    format!("{}…", s[..ends[lo]].trim_end())
}

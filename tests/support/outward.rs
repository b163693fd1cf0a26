//! Shared by tests/cases.rs and tests/generated.rs: every link leaves its ends outward.

/// The links of `d` that run along their own box's side instead of leaving it outward (the
/// middle of a link's first or last segment on or in the box it ends at), as messages. A
/// link between a group and something inside it runs inside the group's box: not checked.
pub fn along_own_side(d: &archdraw::Diagram) -> Vec<String> {
    let mut out = Vec::new();
    for (l, r) in d.model.links.iter().zip(&d.routes.links) {
        let p = &r.points;
        if p.len() < 2 || d.model.is_within(l.from, l.to) || d.model.is_within(l.to, l.from) {
            continue;
        }
        for (end, a, b) in [(l.from, p[0], p[1]), (l.to, p[p.len() - 1], p[p.len() - 2])] {
            let Some(bx) = d.layout.boxes[end.index()].as_ref() else {
                continue;
            };
            let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            let r = bx.rect;
            let outside = mx < r.x - 0.25
                || mx > r.right() + 0.25
                || my < r.y - 0.25
                || my > r.bottom() + 0.25;
            if !outside {
                out.push(format!(
                    "a link of {} runs along its side: {p:?}",
                    d.model.get(end).id
                ));
            }
        }
    }
    out
}

//! Step 7, canvas: relative placement to absolute boxes, then whole pixels.
//!
//! Takes the frames and relative origins of every entity; gives absolute [`Placed`] boxes
//! (recursively from the roots) and snaps every coordinate to a whole pixel.

use super::*;

impl Ctx<'_> {
    /// Converts relative placement to absolute boxes, recursively.
    pub(super) fn place_abs(&self, e: EntId, origin: (f32, f32), out: &mut Vec<Option<Placed>>) {
        let f = &self.frames[e.index()];
        let ent = self.m.get(e);
        if ent.is_overlay() {
            return;
        }
        let rel = self.rel[e.index()];
        let bx = origin.0 + rel.0 + f.body.x;
        let by = origin.1 + rel.1 + f.body.y;
        let rect = Rect::new(bx, by, f.body.w, f.body.h);
        let label = f.label.clone().map(|mut l| {
            l.rect = l.rect.translate(bx, by);
            l
        });
        let icon = f.icon.map(|i| i.translate(bx, by));
        out[e.index()] = Some(Placed {
            rect,
            label,
            icon,
            border: f.border,
        });
        for &c in &ent.children {
            self.place_abs(c, (bx, by), out);
        }
    }
}

fn round_rect(r: &mut Rect) {
    let x2 = r.right().round();
    let y2 = r.bottom().round();
    r.x = r.x.round();
    r.y = r.y.round();
    r.w = x2 - r.x;
    r.h = y2 - r.y;
}

pub(super) fn round_all(l: &mut Layout) {
    for o in &mut l.overlays {
        round_rect(&mut o.placed.rect);
        if let Some(t) = &mut o.placed.label {
            t.rect.x = t.rect.x.round();
            t.rect.y = t.rect.y.round();
        }
    }
    if let Some(t) = &mut l.title {
        t.rect.w = t.rect.w.ceil();
        t.rect.h = t.rect.h.ceil();
    }
    for p in l.boxes.iter_mut().flatten() {
        round_rect(&mut p.rect);
        if let Some(i) = &mut p.icon {
            round_rect(i);
        }
        if let Some(t) = &mut p.label {
            t.rect.x = t.rect.x.round();
            t.rect.y = t.rect.y.round();
            t.rect.w = t.rect.w.ceil();
            t.rect.h = t.rect.h.ceil();
        }
    }
}

//! Step 4, simplify: takes a path's points; gives the same polyline without repeated
//! points, points where it goes straight on, and jogs shorter than a pixel.

use crate::geom::Point;

/// Drops points where the line goes straight on, and straightens jogs shorter than a pixel
/// (a half-pixel port on one end and a whole-pixel one on the other), which would draw as a
/// zero-length segment.
pub(super) fn simplify(pts: Vec<Point>) -> Vec<Point> {
    let mut pts = straight_on(pts);
    while let Some(i) = (0..pts.len().saturating_sub(1)).find(|&i| {
        let (a, b) = (pts[i], pts[i + 1]);
        (a.0 - b.0).abs() + (a.1 - b.1).abs() < 1.0
    }) {
        let n = pts.len();
        if n == 2 {
            break;
        }
        // The tiny step is along x when the y's match. Move the run before it onto the
        // other side, unless that run starts at the start port and the run after it does
        // not end at the end port; then move the run after it.
        let along_x = pts[i].1 == pts[i + 1].1;
        let set = |p: &mut Point, v: f32| {
            if along_x {
                p.0 = v
            } else {
                p.1 = v
            }
        };
        let get = |p: Point| if along_x { p.0 } else { p.1 };
        if i >= 2 || (i == 1 && i + 2 >= n - 1) {
            let v = get(pts[i + 1]);
            set(&mut pts[i], v);
            set(&mut pts[i - 1], v);
        } else {
            let v = get(pts[i]);
            set(&mut pts[i + 1], v);
            if i + 2 < n {
                set(&mut pts[i + 2], v);
            }
        }
        pts = straight_on(pts);
    }
    pts
}

/// Drops repeated points and points where the line goes straight on.
pub(super) fn straight_on(pts: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(pts.len());
    for p in pts {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let straight = (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1);
            if straight {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify_drops_collinear_points() {
        let s = simplify(vec![
            (0.0, 0.0),
            (0.0, 5.0),
            (0.0, 10.0),
            (5.0, 10.0),
            (5.0, 10.0),
        ]);
        assert_eq!(s, vec![(0.0, 0.0), (0.0, 10.0), (5.0, 10.0)]);
    }

    #[test]
    fn simplify_straightens_half_pixel_jogs() {
        // Half-pixel port on a group, whole-pixel port on a node: one straight line.
        let s = simplify(vec![
            (317.5, 221.0),
            (317.5, 294.0),
            (317.0, 294.0),
            (317.0, 301.0),
        ]);
        assert_eq!(s, vec![(317.0, 221.0), (317.0, 301.0)]);
        // A jog right after the start port: the run after it moves.
        let s = simplify(vec![(157.5, 166.0), (157.0, 166.0), (157.0, 146.0)]);
        assert_eq!(s, vec![(157.5, 166.0), (157.5, 146.0)]);
        // A jog in the middle of a longer route moves the run before it.
        let s = simplify(vec![
            (0.0, 0.0),
            (50.0, 0.0),
            (50.0, 40.0),
            (50.5, 40.0),
            (50.5, 80.0),
            (90.0, 80.0),
        ]);
        assert_eq!(s, vec![(0.0, 0.0), (50.5, 0.0), (50.5, 80.0), (90.0, 80.0)]);
        for w in s.windows(2) {
            assert!((w[0].0 - w[1].0).abs() + (w[0].1 - w[1].1).abs() >= 1.0);
        }
    }
}

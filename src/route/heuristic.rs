//! The search's lower bound: takes the grid lines and a link's goal ports; gives, for any
//! grid state (point and heading), a cost the search cannot beat from there to a goal.
//!
//! Per side of the goal box holding ports (all entered with one final heading): the
//! Manhattan distance to the segment those ports lie on, plus a bend for each turn still
//! needed to arrive at that side heading inward, plus the side's cheapest port cost; the
//! bound is the least over the sides. Bounding each side apart (not the box of all ports)
//! counts the turns around the box to a far side, and keeps a big frame's ports from
//! passing for one point near the start: the search then expands far fewer states.

use super::ports::DIRS;
use super::BEND;

/// One side's bound: the span of its ports on each axis, which axis the final heading runs
/// along and which way, and per heading and place classes (see [`SideBound::along`] and [`SideBound::across`]) the
/// bends still needed and the side's cheapest port cost.
struct SideBound {
    x: (f32, f32),
    y: (f32, f32),
    x_final: bool,
    sign: f32,
    table: [[[f32; 3]; 3]; 4],
}

/// The lower bound of one search (see the module comment).
pub(super) struct Heuristic<'a> {
    sides: Vec<SideBound>,
    xs: &'a [f32],
    ys: &'a [f32],
}

/// A goal port: its position, the heading a link arrives with, and its cost.
pub(super) struct Goal {
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) heading: usize,
    pub(super) extra: f32,
}

/// The fewest turns still needed to arrive at a side heading inward: `before` when the point
/// is on the near side of the side's line, `within` when it lies within the ports' span
/// along the line, `along` the heading's component along the final heading (1 the same way,
/// -1 opposite, 0 across it) and `toward` whether an across heading points towards the span.
fn turns(before: bool, within: bool, along: i32, toward: bool) -> u32 {
    match (before, along) {
        (true, 1) => {
            if within {
                0
            } else {
                2
            }
        }
        (true, -1) => 2,
        (true, _) => {
            if within || toward {
                1
            } else {
                3
            }
        }
        // Behind the line: back past it, across, and in again.
        (false, -1) => 2,
        (false, 1) => 4,
        (false, _) => 3,
    }
}

impl SideBound {
    /// The bound of the ports `goals` that share one final heading.
    fn new(goals: &[&Goal]) -> SideBound {
        let heading = goals[0].heading;
        let (fx, fy) = DIRS[heading];
        let x_final = fy == 0;
        let extra = goals.iter().map(|g| g.extra).fold(f32::INFINITY, f32::min);
        let span = |v: &dyn Fn(&Goal) -> f32| {
            goals
                .iter()
                .map(|g| v(g))
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                })
        };
        let mut table = [[[f32::INFINITY; 3]; 3]; 4];
        for (d, &(dx, dy)) in DIRS.iter().enumerate() {
            for (cx, row) in table[d].iter_mut().enumerate() {
                for (cy, cell) in row.iter_mut().enumerate() {
                    let (ca, cb, along, across) = if x_final {
                        (cx, cy, dx * fx, dy)
                    } else {
                        (cy, cx, dy * fy, dx)
                    };
                    if ca > 1 {
                        continue;
                    }
                    let toward = (cb == 1 && across > 0) || (cb == 2 && across < 0);
                    let t = turns(ca == 0, cb == 0, along, toward);
                    *cell = BEND * t as f32 + extra;
                }
            }
        }
        SideBound {
            x: span(&|g| g.x),
            y: span(&|g| g.y),
            x_final,
            sign: if x_final { fx } else { fy } as f32,
            table,
        }
    }

    /// The distance from `v` to span `(lo, hi)` along the final heading, and its class: 0
    /// on the near side (up to the farthest port), 1 behind it.
    #[inline(always)]
    fn along(&self, v: f32, (lo, hi): (f32, f32)) -> (f32, usize) {
        let edge = if self.sign > 0.0 { hi } else { lo };
        let d = (lo - v).max(0.0).max(v - hi);
        (d, (self.sign * (v - edge) > 0.0) as usize)
    }

    /// The distance from `v` to span `(lo, hi)` across the final heading, and its class: 0
    /// within the span, 1 below it, 2 above.
    #[inline(always)]
    fn across(v: f32, (lo, hi): (f32, f32)) -> (f32, usize) {
        if v < lo {
            (lo - v, 1)
        } else if v > hi {
            (v - hi, 2)
        } else {
            (0.0, 0)
        }
    }

    #[inline(always)]
    fn at(&self, x: f32, y: f32, d: usize) -> f32 {
        let ((cx, kx), (cy, ky)) = if self.x_final {
            (self.along(x, self.x), Self::across(y, self.y))
        } else {
            (Self::across(x, self.x), self.along(y, self.y))
        };
        cx + cy + self.table[d][kx][ky]
    }
}

impl<'a> Heuristic<'a> {
    /// The bound for goals `goals` over grid lines `xs`, `ys`.
    pub(super) fn new(xs: &'a [f32], ys: &'a [f32], goals: &[Goal]) -> Heuristic<'a> {
        let sides = (0..4)
            .filter_map(|h| {
                let side: Vec<&Goal> = goals.iter().filter(|g| g.heading == h).collect();
                (!side.is_empty()).then(|| SideBound::new(&side))
            })
            .collect();
        Heuristic { sides, xs, ys }
    }

    /// The bound at grid point (i, j) with heading `d`.
    #[inline(always)]
    pub(super) fn at(&self, i: usize, j: usize, d: usize) -> f32 {
        let (x, y) = (self.xs[i], self.ys[j]);
        let mut best = f32::INFINITY;
        for s in &self.sides {
            best = best.min(s.at(x, y, d));
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The least cost over a plain grid (unit steps, no obstacles) from every state to a
    /// goal, by Dijkstra backwards from the goals: what the bound must never exceed.
    fn exact(n: usize, goals: &[Goal]) -> Vec<f32> {
        let idx = |i: usize, j: usize, d: usize| (j * n + i) * 4 + d;
        let mut cost = vec![f32::INFINITY; n * n * 4];
        let mut queue: Vec<(f32, usize, usize, usize)> = Vec::new();
        for g in goals {
            let (i, j) = (g.x as usize, g.y as usize);
            cost[idx(i, j, g.heading)] = g.extra;
            queue.push((g.extra, i, j, g.heading));
        }
        // A plain Dijkstra (the grid is small).
        while let Some(k) = (0..queue.len()).min_by(|&a, &b| queue[a].0.total_cmp(&queue[b].0)) {
            let (c, i, j, d) = queue.swap_remove(k);
            if c > cost[idx(i, j, d)] {
                continue;
            }
            // State (i, j, d) was reached by a step along d from (i, j) - d, whose heading
            // was any but the opposite of d.
            let (dx, dy) = DIRS[d];
            let (pi, pj) = (i as i32 - dx, j as i32 - dy);
            if pi < 0 || pj < 0 || pi >= n as i32 || pj >= n as i32 {
                continue;
            }
            for pd in 0..4 {
                if (pd + 2) % 4 == d {
                    continue;
                }
                let nc = c + 1.0 + if pd != d { BEND } else { 0.0 };
                let s = idx(pi as usize, pj as usize, pd);
                if nc < cost[s] {
                    cost[s] = nc;
                    queue.push((nc, pi as usize, pj as usize, pd));
                }
            }
        }
        cost
    }

    #[test]
    fn the_bound_never_exceeds_the_least_cost() {
        let n = 13;
        let lines: Vec<f32> = (0..n).map(|v| v as f32).collect();
        // A box from (4, 5) to (8, 8) with ports on its four sides, entered inward.
        let goals = vec![
            Goal {
                x: 5.0,
                y: 5.0,
                heading: 2,
                extra: 3.0,
            },
            Goal {
                x: 7.0,
                y: 5.0,
                heading: 2,
                extra: 0.0,
            },
            Goal {
                x: 8.0,
                y: 6.0,
                heading: 3,
                extra: 10.0,
            },
            Goal {
                x: 6.0,
                y: 8.0,
                heading: 0,
                extra: 20.0,
            },
            Goal {
                x: 4.0,
                y: 7.0,
                heading: 1,
                extra: 0.0,
            },
        ];
        let h = Heuristic::new(&lines, &lines, &goals);
        let cost = exact(n, &goals);
        let mut tight = 0;
        for j in 0..n {
            for i in 0..n {
                for d in 0..4 {
                    let c = cost[(j * n + i) * 4 + d];
                    let b = h.at(i, j, d);
                    assert!(
                        b <= c + 1e-3,
                        "bound {b} > cost {c} at ({i}, {j}) heading {d}"
                    );
                    tight += (b == c) as usize;
                }
            }
        }
        // Not a vacuous bound: exact at many states.
        assert!(tight > n * n, "only {tight} states exact");
    }
}

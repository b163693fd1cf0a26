//! Stage 6, `scene`: [`Model`] + [`Layout`] + [`Routes`] → [`Scene`], flat positioned primitives.
//!
//! Takes the placed and routed diagram; gives a list of primitives with resolved colours,
//! fonts and icons, in paint order (frames, then links, then nodes and labels). Every backend
//! reads only the scene and cannot fail on it.

use crate::catalog;
use crate::geom::{Point, Rect};
use crate::icons::Icons;
use crate::layout::{Layout, TextBox};
use crate::model::{EntId, EntKind, Model, Placement};
use crate::route::Routes;
use crate::spec::{Arrow, LineStyle, Theme, Tier};

/// An sRGB colour as `#RRGGBB`.
pub type Colour = &'static str;

/// A stroke.
#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    pub colour: Colour,
    pub width: f32,
    pub dash: Option<(f32, f32)>,
}

/// Horizontal text anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAnchor {
    Start,
    Middle,
    End,
}

/// One drawing primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum Prim {
    Rect {
        rect: Rect,
        radius: f32,
        fill: Option<Colour>,
        opacity: f32,
        stroke: Option<Stroke>,
    },
    Text {
        x: f32,
        baseline: f32,
        text: String,
        size: f32,
        bold: bool,
        anchor: TextAnchor,
        fill: Colour,
    },
    /// An icon from [`Scene::icons`], drawn into `rect`.
    Icon { icon: usize, rect: Rect },
    Line {
        points: Vec<Point>,
        stroke: Stroke,
        arrow_start: bool,
        arrow_end: bool,
    },
}

/// An icon definition: a name (unique in the scene), its viewBox and its inner markup.
pub type IconDef = crate::icons::Icon;

/// The markup inside a built-in icon file (between `<svg …>` and `</svg>`).
pub fn icon_body(svg: &str) -> &str {
    let start = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|j| i + j + 1));
    let end = svg.rfind("</svg>");
    match (start, end) {
        (Some(s), Some(e)) if s <= e => svg[s..e].trim(),
        _ => "",
    }
}

fn builtin(name: &str, svg: &'static str) -> IconDef {
    IconDef {
        name: name.to_string(),
        view_box: "0 0 48 48".to_string(),
        body: std::sync::Arc::from(icon_body(svg).replace('\n', "")),
    }
}

/// The whole picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: f32,
    pub height: f32,
    pub background: Colour,
    pub arrow_colour: Colour,
    pub icons: Vec<IconDef>,
    pub prims: Vec<Prim>,
    pub title: Option<String>,
}

pub(crate) struct Palette {
    pub(crate) bg: Colour,
    pub(crate) text: Colour,
    pub(crate) muted: Colour,
    pub(crate) link: Colour,
    pub(crate) halo: Colour,
    pub(crate) card: Colour,
    pub(crate) public_fill: Colour,
    pub(crate) private_fill: Colour,
    pub(crate) isolated_fill: Colour,
    pub(crate) cloud: Colour,
}

pub(crate) const LIGHT: Palette = Palette {
    bg: "#FFFFFF",
    text: "#232F3E",
    muted: "#545B64",
    link: "#545B64",
    halo: "#FFFFFF",
    card: "#FFFFFF",
    public_fill: "#F2F6E8",
    private_fill: "#E6F6F7",
    isolated_fill: "#F2F3F3",
    cloud: "#232F3E",
};

const DARK: Palette = Palette {
    bg: "#141B24",
    text: "#E9EDF2",
    muted: "#B5BDC8",
    link: "#AAB4C0",
    halo: "#141B24",
    card: "#1E2732",
    public_fill: "#1F2A17",
    private_fill: "#12292B",
    isolated_fill: "#22272E",
    cloud: "#D5DBE3",
};

struct Builder {
    icons: Vec<IconDef>,
    prims: Vec<Prim>,
}

impl Builder {
    fn icon(&mut self, def: impl FnOnce() -> IconDef, name: &str, rect: Rect) {
        let idx = match self.icons.iter().position(|i| i.name == name) {
            Some(i) => i,
            None => {
                let mut d = def();
                d.name = name.to_string();
                self.icons.push(d);
                self.icons.len() - 1
            }
        };
        self.prims.push(Prim::Icon { icon: idx, rect });
    }

    /// The icon of a node: its own file, else the AWS package's, else ours.
    fn node_icon(
        &mut self,
        icons: &Icons,
        e: EntId,
        info: &'static crate::catalog::KindInfo,
        rect: Rect,
    ) {
        if let Some(c) = icons.by_entity.get(&e) {
            let c = c.clone();
            let name = c.name.clone();
            self.icon(|| c, &name, rect);
        } else if let Some(a) = icons.by_kind.get(info.kind) {
            let a = a.clone();
            let name = a.name.clone();
            self.icon(|| a, &name, rect);
        } else {
            self.icon(|| builtin(info.kind, info.icon), info.kind, rect);
        }
    }

    fn text(&mut self, t: &TextBox, anchor: TextAnchor, fill: Colour) {
        let x = match anchor {
            TextAnchor::Start => t.rect.x,
            TextAnchor::Middle => t.rect.cx(),
            TextAnchor::End => t.rect.right(),
        };
        self.prims.push(Prim::Text {
            x,
            baseline: t.baseline(),
            text: t.text.clone(),
            size: t.size,
            bold: t.bold,
            anchor,
            fill,
        });
    }
}

/// Frame style of a group kind: (border, dashed, fill, header icon name, centred label).
pub(crate) fn frame_style(
    kind: &EntKind,
    kind_name: &str,
    pal: &Palette,
) -> (Colour, bool, Option<Colour>, Option<&'static str>) {
    match kind {
        EntKind::Cloud => (pal.cloud, false, None, Some("aws-cloud")),
        EntKind::Region { .. } => ("#00A4A6", true, None, Some("region")),
        EntKind::Zone | EntKind::ZoneColumn { .. } => ("#00A4A6", true, None, None),
        EntKind::Vpc { .. } => ("#8C4FFF", false, None, Some("vpc")),
        EntKind::Subnet {
            tier: Tier::Public, ..
        } => (
            "#7AA116",
            false,
            Some(pal.public_fill),
            Some("public-subnet"),
        ),
        EntKind::Subnet {
            tier: Tier::Private,
            ..
        } => (
            "#00A4A6",
            false,
            Some(pal.private_fill),
            Some("private-subnet"),
        ),
        EntKind::Subnet {
            tier: Tier::Isolated,
            ..
        } => (
            "#545B64",
            false,
            Some(pal.isolated_fill),
            Some("isolated-subnet"),
        ),
        _ => match kind_name {
            "security-group" => ("#DD344C", false, None, Some("security-group")),
            "auto-scaling-group" => ("#ED7100", true, None, Some("auto-scaling-group")),
            "account" => ("#E7157B", false, None, Some("account")),
            "data-center" => ("#7D8998", false, None, Some("data-center")),
            "ecs-cluster" => ("#ED7100", false, None, Some("ecs-cluster")),
            "ecs-service" => ("#ED7100", true, None, Some("ecs-service")),
            "ecs-task" => ("#ED7100", true, None, Some("ecs-task")),
            "eks-cluster" => ("#ED7100", false, None, Some("eks-cluster")),
            "organization" => ("#E7157B", false, None, Some("organization")),
            "organizational-unit" => ("#E7157B", true, None, Some("organizational-unit")),
            _ => ("#7D8998", true, None, Some("generic")),
        },
    }
}

/// Builds the scene in the spec's theme (light unless it says `dark`; `auto` gives the light
/// scene, see [`scene_with_theme`]).
pub fn scene(m: &Model, l: &Layout, routes: &Routes, icons: &Icons) -> Scene {
    scene_with_theme(m, l, routes, icons, m.theme.unwrap_or_default())
}

/// Builds the scene with a given theme's palette. `Auto` uses the light palette: an SVG that
/// follows the reader's colour scheme is written from the light and the dark scene together
/// ([`crate::render::svg::render_auto`]).
pub fn scene_with_theme(
    m: &Model,
    l: &Layout,
    routes: &Routes,
    icons: &Icons,
    theme: Theme,
) -> Scene {
    let pal = match theme {
        Theme::Light | Theme::Auto => &LIGHT,
        Theme::Dark => &DARK,
    };
    let mut b = Builder {
        icons: Vec::new(),
        prims: Vec::new(),
    };
    b.prims.push(Prim::Rect {
        rect: Rect::new(0.0, 0.0, l.width, l.height),
        radius: 0.0,
        fill: Some(pal.bg),
        opacity: 1.0,
        stroke: None,
    });
    if let Some(t) = &l.title {
        b.text(t, TextAnchor::Start, pal.text);
    }
    // 1. Group frames, outermost first (entities are in tree order by construction of the
    //    paint order below: parents before children).
    let order = m.tree_order();
    for &e in &order {
        let ent = m.get(e);
        let Some(p) = l.get(e) else { continue };
        // (The columns of a VPC without zones only line up its tier rows: not drawn.)
        if !ent.is_group() || ent.kind_name == crate::model::TIER_COLUMN {
            continue;
        }
        let (colour, dashed, fill, icon) = frame_style(&ent.kind, &ent.kind_name, pal);
        b.prims.push(Prim::Rect {
            rect: p.rect,
            radius: 0.0,
            fill,
            opacity: 1.0,
            stroke: Some(Stroke {
                colour,
                width: if matches!(ent.kind, EntKind::Zone | EntKind::ZoneColumn { .. }) {
                    1.5
                } else {
                    2.0
                },
                dash: dashed.then_some((6.0, 4.0)),
            }),
        });
        if let (Some(name), Some(r)) = (icon, p.icon) {
            if let Some(svg) = catalog::group_icon(name) {
                let key = format!("group-{name}");
                b.icon(|| builtin(&key, svg), &key, r);
            }
        }
        if let Some(t) = &p.label {
            let zone = matches!(ent.kind, EntKind::Zone | EntKind::ZoneColumn { .. });
            let anchor = if zone {
                TextAnchor::Middle
            } else {
                TextAnchor::Start
            };
            b.text(t, anchor, if zone { "#00A4A6" } else { pal.text });
        }
    }
    // 2. Overlays.
    for o in &l.overlays {
        let ent = m.get(o.ent);
        let p = &o.placed;
        let (colour, dashed, _, _) = frame_style(&ent.kind, &ent.kind_name, pal);
        b.prims.push(Prim::Rect {
            rect: p.rect,
            radius: 4.0,
            fill: None,
            opacity: 1.0,
            stroke: Some(Stroke {
                colour,
                width: 1.5,
                dash: Some(if dashed { (6.0, 4.0) } else { (3.0, 3.0) }),
            }),
        });
        if let Some(t) = &p.label {
            b.text(t, TextAnchor::Start, colour);
        }
    }
    // 3. Spanning bands go under links; other nodes above.
    for &e in &order {
        let ent = m.get(e);
        let Some(p) = l.get(e) else { continue };
        if let EntKind::Node {
            info,
            placement: Placement::Span(_),
        } = &ent.kind
        {
            b.prims.push(Prim::Rect {
                rect: p.rect,
                radius: 8.0,
                fill: Some(pal.card),
                opacity: 1.0,
                stroke: Some(Stroke {
                    colour: info.category.colour(),
                    width: 1.5,
                    dash: Some((5.0, 3.0)),
                }),
            });
            if let Some(ic) = p.icon {
                b.node_icon(icons, e, info, ic);
            }
            if let Some(t) = &p.label {
                b.text(t, TextAnchor::Start, pal.text);
            }
        }
    }
    // 4. Links, with arrowheads, then their labels on a halo.
    for r in &routes.links {
        let link = &m.links[r.link];
        let dash = match link.style {
            LineStyle::Solid => None,
            LineStyle::Dashed => Some((6.0, 4.0)),
            LineStyle::Dotted => Some((2.0, 3.0)),
        };
        b.prims.push(Prim::Line {
            points: r.points.clone(),
            stroke: Stroke {
                colour: pal.link,
                width: 1.5,
                dash,
            },
            arrow_start: matches!(link.arrow, Arrow::Back | Arrow::Both),
            arrow_end: matches!(link.arrow, Arrow::Forward | Arrow::Both),
        });
    }
    for r in &routes.links {
        for t in r.label.iter().chain(r.end_labels.iter().flatten()) {
            b.prims.push(Prim::Rect {
                rect: t.rect,
                radius: 2.0,
                fill: Some(pal.halo),
                opacity: 0.92,
                stroke: None,
            });
            b.text(t, TextAnchor::Middle, pal.muted);
        }
    }
    // 5. Nodes and route tables.
    for &e in &order {
        let ent = m.get(e);
        let Some(p) = l.get(e) else { continue };
        match &ent.kind {
            EntKind::Node { info, placement } if !matches!(placement, Placement::Span(_)) => {
                b.node_icon(icons, e, info, p.rect);
                if let Some(t) = &p.label {
                    let anchor = if p.border.is_some() {
                        TextAnchor::Start
                    } else {
                        TextAnchor::Middle
                    };
                    if p.border.is_some() {
                        b.prims.push(Prim::Rect {
                            rect: t.rect.inflate(1.0),
                            radius: 2.0,
                            fill: Some(pal.bg),
                            opacity: 0.92,
                            stroke: None,
                        });
                    }
                    b.text(t, anchor, pal.text);
                }
            }
            EntKind::RouteTable { rows } => {
                b.prims.push(Prim::Rect {
                    rect: p.rect,
                    radius: 3.0,
                    fill: Some(pal.card),
                    opacity: 1.0,
                    stroke: Some(Stroke {
                        colour: "#8C4FFF",
                        width: 1.0,
                        dash: None,
                    }),
                });
                if let Some(ic) = p.icon {
                    b.prims.push(Prim::Rect {
                        rect: ic,
                        radius: 2.0,
                        fill: Some("#8C4FFF"),
                        opacity: 1.0,
                        stroke: None,
                    });
                }
                if let Some(t) = &p.label {
                    b.text(t, TextAnchor::Start, pal.text);
                }
                for (k, (dest, via)) in rows.iter().enumerate() {
                    let base = p.rect.y + 26.0 + 17.0 * k as f32 + 12.0;
                    b.prims.push(Prim::Text {
                        x: p.rect.x + 8.0,
                        baseline: base,
                        text: dest.clone(),
                        size: crate::layout::ROUTE_SIZE,
                        bold: false,
                        anchor: TextAnchor::Start,
                        fill: pal.muted,
                    });
                    b.prims.push(Prim::Text {
                        x: p.rect.right() - 8.0,
                        baseline: base,
                        text: format!("→ {via}"),
                        size: crate::layout::ROUTE_SIZE,
                        bold: false,
                        anchor: TextAnchor::End,
                        fill: pal.muted,
                    });
                }
            }
            _ => {}
        }
    }
    Scene {
        width: l.width,
        height: l.height,
        background: pal.bg,
        arrow_colour: pal.link,
        icons: b.icons,
        prims: b.prims,
        title: m.title.clone(),
    }
}

//! draw.io backend: the placed and routed diagram as an uncompressed `mxfile` that
//! diagrams.net opens and edits as if drawn there.
//!
//! Takes the model, layout, routes and icons (like `json`, it needs ids, parents and kinds
//! the scene has no need of); gives the file's XML. One cell per box, nested through
//! `parent` as the layout nests (containers hold their children, whose geometry is relative
//! to them, so moving a VPC moves its subnets); AWS 4 library styles for groups and for the
//! node kinds the library draws ([`super::drawio_shapes`]), our own icon as an embedded
//! image for the others; one edge per link with its ends, the router's bends as waypoints,
//! its labels, dash style and arrows; route tables as editable text cards. Always the light
//! palette (draw.io has a dark mode of its own). Deterministic: cells in tree order.

use super::drawio_shapes::{aws4, Aws4};
use super::num;
use crate::geom::{Point, Rect};
use crate::icons::{Icon, Icons};
use crate::layout::{Layout, TextBox};
use crate::model::{EntId, EntKind, Model, Placement, TIER_COLUMN};
use crate::route::Routes;
use crate::scene::{frame_style, LIGHT};
use crate::spec::{Arrow, LineStyle};
use crate::xml::escape;
use base64::Engine as _;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// The colours of text and links: the scene's light palette.
const TEXT: &str = LIGHT.text;
const LINK: &str = LIGHT.link;

/// Cell ids: entity ids as they are (unique in a model), every other cell's id made unique
/// against them.
struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    fn fresh(&mut self, want: &str) -> String {
        let mut id = want.to_string();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{want}-{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        id
    }
}

/// One `mxCell` being written.
struct Cell<'a> {
    id: &'a str,
    value: &'a str,
    style: &'a str,
    parent: &'a str,
}

fn vertex(out: &mut String, c: &Cell, r: Rect, origin: Point, extra: &str) {
    let _ = writeln!(
        out,
        r#"        <mxCell id="{}" value="{}" style="{}" vertex="1"{extra} parent="{}">"#,
        escape(c.id),
        escape(c.value),
        escape(c.style),
        escape(c.parent)
    );
    let _ = writeln!(
        out,
        r#"          <mxGeometry x="{}" y="{}" width="{}" height="{}" as="geometry"/>"#,
        num(r.x - origin.0),
        num(r.y - origin.1),
        num(r.w),
        num(r.h)
    );
    out.push_str("        </mxCell>\n");
}

/// The HTML of a plain label (the cells use `html=1`).
fn html(text: &str) -> String {
    escape(text)
}

fn font(t: Option<&TextBox>) -> String {
    match t {
        Some(t) => format!(
            "fontSize={};fontStyle={};",
            num(t.size),
            if t.bold { 1 } else { 0 }
        ),
        None => String::new(),
    }
}

/// Group frames: the AWS 4 group with its header icon where the library has one, else a
/// plain frame in the scene's colours.
fn group_style(kind: &EntKind, kind_name: &str) -> String {
    const GROUP: &str = "points=[[0,0],[0.25,0],[0.5,0],[0.75,0],[1,0],[1,0.25],[1,0.5],[1,0.75],[1,1],[0.75,1],[0.5,1],[0.25,1],[0,1],[0,0.75],[0,0.5],[0,0.25]];outlineConnect=0;gradientColor=none;html=1;whiteSpace=wrap;container=1;pointerEvents=0;collapsible=0;recursiveResize=0;verticalAlign=top;align=left;spacingLeft=30;";
    let (colour, dashed, fill, _) = frame_style(kind, kind_name, &LIGHT);
    let dash = if dashed {
        "dashed=1;dashPattern=6 4;"
    } else {
        "dashed=0;"
    };
    let fill = fill.unwrap_or("none");
    let aws = |icon: &str, extra: &str| {
        format!(
            "{GROUP}shape=mxgraph.aws4.group;grIcon=mxgraph.aws4.{icon};{extra}strokeColor={colour};fillColor={fill};fontColor={TEXT};{dash}"
        )
    };
    let plain = |align: &str, font: &str| {
        format!(
            "rounded=0;html=1;whiteSpace=wrap;container=1;pointerEvents=0;collapsible=0;recursiveResize=0;verticalAlign=top;{align}strokeColor={colour};fillColor={fill};fontColor={font};{dash}"
        )
    };
    match kind {
        EntKind::Cloud => aws("group_aws_cloud_alt", ""),
        EntKind::Region { .. } => aws("group_region", ""),
        EntKind::Zone | EntKind::ZoneColumn { .. } => plain("align=center;", colour),
        EntKind::Vpc { .. } => aws("group_vpc2", ""),
        EntKind::Subnet { .. } => aws("group_security_group", "grStroke=0;"),
        _ => match kind_name {
            "auto-scaling-group" => format!(
                "{GROUP}shape=mxgraph.aws4.groupCenter;grIcon=mxgraph.aws4.group_auto_scaling_group;grStroke=1;strokeColor={colour};fillColor=none;fontColor={colour};align=center;spacingLeft=0;spacingTop=25;{dash}"
            ),
            "account" => aws("group_account", ""),
            "data-center" => aws("group_corporate_data_center", ""),
            _ => plain("align=left;spacingLeft=8;", TEXT),
        },
    }
}

/// Where a node's label sits against its icon, as draw.io label placement: the side, and
/// the gap the layout left.
fn label_place(icon: Rect, t: &TextBox) -> String {
    if t.rect.x >= icon.right() - 1.0 {
        format!(
            "labelPosition=right;verticalLabelPosition=middle;align=left;verticalAlign=middle;spacingLeft={};",
            num(t.rect.x - icon.right())
        )
    } else if t.rect.right() <= icon.x + 1.0 {
        format!(
            "labelPosition=left;verticalLabelPosition=middle;align=right;verticalAlign=middle;spacingRight={};",
            num(icon.x - t.rect.right())
        )
    } else if t.rect.cy() < icon.y {
        "labelPosition=center;verticalLabelPosition=top;align=center;verticalAlign=bottom;".into()
    } else {
        "labelPosition=center;verticalLabelPosition=bottom;align=center;verticalAlign=top;".into()
    }
}

/// The box a node's library glyph fills: the icon's box narrowed to the glyph's proportions
/// (centred), since draw.io draws a glyph of fixed aspect within its cell and puts the ends
/// of links on the glyph, not on the cell.
fn glyph_box(kind: &str, r: Rect) -> Rect {
    let Some(Aws4::Glyph(name)) = aws4(kind) else {
        return r;
    };
    let a = super::drawio_shapes::aspect(name);
    if a < 1.0 {
        let w = r.w * a;
        Rect::new(r.x + (r.w - w) / 2.0, r.y, w, r.h)
    } else if a > 1.0 {
        let h = r.h / a;
        Rect::new(r.x, r.y + (r.h - h) / 2.0, r.w, h)
    } else {
        r
    }
}

/// The style that draws a node's icon: a custom icon file as an image, else the AWS 4
/// library's shape, else our own icon as an image.
fn icon_style(custom: Option<&Icon>, kind: &str, fallback: &'static str, colour: &str) -> String {
    if let Some(icon) = custom {
        return image_style(&icon.view_box, &icon.body);
    }
    match aws4(kind) {
        Some(Aws4::Service(name)) => format!(
            "sketch=0;outlineConnect=0;gradientColor=none;fillColor={colour};strokeColor=#ffffff;dashed=0;html=1;aspect=fixed;shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.{name};"
        ),
        Some(Aws4::Glyph(name)) => format!(
            "sketch=0;outlineConnect=0;gradientColor=none;fillColor={colour};strokeColor=none;dashed=0;html=1;aspect=fixed;pointerEvents=1;shape=mxgraph.aws4.{name};"
        ),
        None => image_style("0 0 48 48", crate::scene::icon_body(fallback)),
    }
}

/// An SVG icon embedded as an image (draw.io reads `data:image/svg+xml,` + base64).
fn image_style(view_box: &str, body: &str) -> String {
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="{view_box}">{body}</svg>"#
    );
    let b64 = base64::engine::general_purpose::STANDARD.encode(svg.as_bytes());
    format!("shape=image;html=1;aspect=fixed;imageAspect=0;image=data:image/svg+xml,{b64};")
}

/// Writes the diagram as a draw.io file.
pub fn render(m: &Model, l: &Layout, routes: &Routes, icons: &Icons) -> String {
    let mut ids = Ids {
        taken: m.entities.iter().map(|e| e.id.clone()).collect(),
    };
    let root = ids.fresh("0");
    let layer = ids.fresh("1");
    let name = m.title.clone().unwrap_or_else(|| "archdraw".to_string());
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<mxfile host="archdraw" agent="archdraw {}" type="device">"#,
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, r#"  <diagram id="archdraw" name="{}">"#, escape(&name));
    let _ = writeln!(
        out,
        r#"    <mxGraphModel dx="0" dy="0" grid="1" gridSize="10" guides="1" tooltips="1" connect="1" arrows="1" fold="1" page="1" pageScale="1" pageWidth="{}" pageHeight="{}" math="0" shadow="0">"#,
        num(l.width.ceil()),
        num(l.height.ceil())
    );
    out.push_str("      <root>\n");
    let _ = writeln!(out, r#"        <mxCell id="{}"/>"#, escape(&root));
    let _ = writeln!(
        out,
        r#"        <mxCell id="{}" parent="{}"/>"#,
        escape(&layer),
        escape(&root)
    );
    if let Some(t) = &l.title {
        let id = ids.fresh("title");
        let style = format!(
            "text;html=1;align=left;verticalAlign=middle;whiteSpace=nowrap;fontColor={TEXT};{}",
            font(Some(t))
        );
        let c = Cell {
            id: &id,
            value: &html(&t.text),
            style: &style,
            parent: &layer,
        };
        vertex(&mut out, &c, t.rect, (0.0, 0.0), "");
    }
    // Each entity's cell: its id and absolute origin; entities without one (the tier
    // columns that only line rows up) hand their children to their nearest drawn ancestor.
    let mut cell: HashMap<EntId, (String, Rect)> = HashMap::new();
    let parent_of = |e: EntId, cell: &HashMap<EntId, (String, Rect)>| -> (String, Point) {
        m.ancestors(e)
            .find_map(|a| cell.get(&a).map(|(id, r)| (id.clone(), (r.x, r.y))))
            .unwrap_or_else(|| (layer.clone(), (0.0, 0.0)))
    };
    for e in m.tree_order() {
        let ent = m.get(e);
        let Some(p) = l.get(e) else { continue };
        if ent.kind_name == TIER_COLUMN || ent.is_overlay() {
            continue;
        }
        let (parent, origin) = parent_of(e, &cell);
        let label = p.label.as_ref();
        let value = label.map_or(String::new(), |t| html(&t.text));
        // The cell's value, style and box; a band also holds its icon (a child cell).
        let mut band_icon = None;
        let mut rect = p.rect;
        let (value, style) = match &ent.kind {
            EntKind::Node {
                info,
                placement: Placement::Span(_),
            } => {
                // A load balancer across subnets: a band holding its icon.
                let colour = info.category.colour();
                let icon = p
                    .icon
                    .unwrap_or(Rect::new(p.rect.x + 8.0, p.rect.y + 8.0, 32.0, 32.0));
                let left = label.map_or(icon.right() - p.rect.x + 8.0, |t| t.rect.x - p.rect.x);
                band_icon = Some((
                    icon,
                    icon_style(icons.by_entity.get(&e), info.kind, info.icon, colour),
                ));
                let style = format!(
                    "rounded=1;arcSize=12;html=1;whiteSpace=wrap;container=1;collapsible=0;recursiveResize=0;fillColor={};strokeColor={colour};dashed=1;dashPattern=5 3;align=left;verticalAlign=middle;spacingLeft={};fontColor={TEXT};{}",
                    LIGHT.card,
                    num(left),
                    font(label)
                );
                (value, style)
            }
            EntKind::Node { info, .. } => {
                let custom = icons.by_entity.get(&e);
                let mut style = icon_style(custom, info.kind, info.icon, info.category.colour());
                if custom.is_none() {
                    rect = glyph_box(info.kind, p.rect);
                }
                if let Some(t) = label {
                    style.push_str(&label_place(rect, t));
                    let _ = write!(style, "fontColor={TEXT};{}", font(label));
                    if p.border.is_some() {
                        style.push_str("labelBackgroundColor=#FFFFFF;");
                    }
                }
                (value, style)
            }
            EntKind::RouteTable { rows } => {
                // An editable card: the title, then one row per route.
                let mut v = String::new();
                if let Some(t) = label {
                    let _ = write!(v, "<b>{}</b>", html(&t.text));
                }
                let _ = write!(
                    v,
                    r#"<table style="width:100%;font-size:11px;color:{}">"#,
                    LIGHT.muted
                );
                for (dest, via) in rows {
                    let _ = write!(
                        v,
                        r#"<tr><td>{}</td><td style="text-align:right">→ {}</td></tr>"#,
                        html(dest),
                        html(via)
                    );
                }
                v.push_str("</table>");
                let style = format!(
                    "rounded=1;arcSize=6;html=1;whiteSpace=wrap;fillColor=#FFFFFF;strokeColor=#8C4FFF;align=left;verticalAlign=top;spacingLeft=8;spacingRight=8;spacingTop=2;fontColor={TEXT};fontSize={};fontStyle=0;",
                    num(label.map_or(12.0, |t| t.size))
                );
                (v, style)
            }
            _ => (
                value,
                format!("{}{}", group_style(&ent.kind, &ent.kind_name), font(label)),
            ),
        };
        let c = Cell {
            id: &ent.id,
            value: &value,
            style: &style,
            parent: &parent,
        };
        vertex(&mut out, &c, rect, origin, "");
        if let Some((icon, style)) = band_icon {
            let icon_id = ids.fresh(&format!("{}-icon", ent.id));
            let c = Cell {
                id: &icon_id,
                value: "",
                style: &style,
                parent: &ent.id,
            };
            let at = (p.rect.x, p.rect.y);
            vertex(&mut out, &c, icon, at, r#" connectable="0""#);
        }
        cell.insert(e, (ent.id.clone(), rect));
    }
    // Overlays (`span` groups), each box a cell: dashed outlines that hold nothing, so that
    // dragging a member out of one does not move it into another container.
    let mut overlay_cells: HashMap<EntId, Vec<(String, Rect)>> = HashMap::new();
    for o in &l.overlays {
        let ent = m.get(o.ent);
        // The first box is the overlay itself (its entity id); the others `id#2`, `id#3`…
        let id = if o.part == 0 {
            ent.id.clone()
        } else {
            ids.fresh(&format!("{}#{}", ent.id, o.part + 1))
        };
        let (parent, origin) = parent_of(o.ent, &cell);
        let (colour, dashed, _, _) = frame_style(&ent.kind, &ent.kind_name, &LIGHT);
        let label = o.placed.label.as_ref();
        let style = format!(
            "rounded=1;arcSize=2;html=1;whiteSpace=wrap;container=0;pointerEvents=0;connectable=0;fillColor=none;strokeColor={colour};dashed=1;dashPattern={};align=left;verticalAlign=top;spacingLeft=6;fontColor={colour};{}",
            if dashed { "6 4" } else { "3 3" },
            font(label)
        );
        let c = Cell {
            id: &id,
            value: &label.map_or(String::new(), |t| html(&t.text)),
            style: &style,
            parent: &parent,
        };
        vertex(&mut out, &c, o.placed.rect, origin, "");
        overlay_cells
            .entry(o.ent)
            .or_default()
            .push((id, o.placed.rect));
    }
    // Links, on the layer, with absolute points.
    for (k, r) in routes.links.iter().enumerate() {
        let link = &m.links[r.link];
        let id = ids.fresh(&format!("link-{}", k + 1));
        let mut style = format!(
            "edgeStyle=orthogonalEdgeStyle;rounded=0;html=1;strokeColor={LINK};strokeWidth=1.5;fontColor={LINK};labelBackgroundColor=#FFFFFF;endSize=6;startSize=6;"
        );
        style.push_str(match link.style {
            LineStyle::Solid => "dashed=0;",
            LineStyle::Dashed => "dashed=1;dashPattern=6 4;",
            LineStyle::Dotted => "dashed=1;dashPattern=2 3;",
        });
        let (start, end) = match link.arrow {
            Arrow::Forward => (false, true),
            Arrow::Back => (true, false),
            Arrow::Both => (true, true),
            Arrow::None => (false, false),
        };
        let arrow = |on: bool| if on { "block;" } else { "none;" };
        let _ = write!(
            style,
            "startArrow={}startFill=1;endArrow={}endFill=1;",
            arrow(start),
            arrow(end)
        );
        if let Some(t) = &r.label {
            style.push_str(&font(Some(t)));
        }
        let pts = &r.points;
        // Pin each end where the router put it: a fraction of the end's box.
        let mut ends = String::new();
        let mut terminal = |ent: EntId, p: Option<&Point>, attr: &str, key: &str| -> bool {
            let Some(&p) = p else { return false };
            // The entity's cell, or the box of an overlay that the end lies on.
            let end = match cell.get(&ent) {
                Some(c) => Some(c.clone()),
                None => overlay_cells.get(&ent).and_then(|parts| {
                    parts
                        .iter()
                        .min_by(|a, b| gap(a.1, p).total_cmp(&gap(b.1, p)))
                        .cloned()
                }),
            };
            let Some((id, b)) = end else { return false };
            let fx = if b.w > 0.0 { (p.0 - b.x) / b.w } else { 0.5 };
            let fy = if b.h > 0.0 { (p.1 - b.y) / b.h } else { 0.5 };
            let _ = write!(
                style,
                "{key}X={};{key}Y={};{key}Dx=0;{key}Dy=0;{key}Perimeter=0;",
                num3(fx.clamp(0.0, 1.0)),
                num3(fy.clamp(0.0, 1.0))
            );
            let _ = write!(ends, r#" {attr}="{}""#, escape(&id));
            true
        };
        let has_source = terminal(link.from, pts.first(), "source", "exit");
        let has_target = terminal(link.to, pts.last(), "target", "entry");
        let value = r.label.as_ref().map_or(String::new(), |t| html(&t.text));
        let _ = writeln!(
            out,
            r#"        <mxCell id="{}" value="{}" style="{}" edge="1" parent="{}"{ends}>"#,
            escape(&id),
            escape(&value),
            escape(&style),
            escape(&layer)
        );
        let (x, offset) = r.label.as_ref().map_or((0.0, (0.0, 0.0)), |t| {
            along(pts, (t.rect.cx(), t.rect.cy()))
        });
        let _ = writeln!(
            out,
            r#"          <mxGeometry x="{}" relative="1" as="geometry">"#,
            num3(x)
        );
        if r.label.is_some() {
            let _ = writeln!(
                out,
                r#"            <mxPoint x="{}" y="{}" as="offset"/>"#,
                num(offset.0),
                num(offset.1)
            );
        }
        for (p, on, key) in [
            (pts.first(), has_source, "sourcePoint"),
            (pts.last(), has_target, "targetPoint"),
        ] {
            if let (Some(p), false) = (p, on) {
                let _ = writeln!(
                    out,
                    r#"            <mxPoint x="{}" y="{}" as="{key}"/>"#,
                    num(p.0),
                    num(p.1)
                );
            }
        }
        if pts.len() > 2 {
            out.push_str(r#"            <Array as="points">"#);
            out.push('\n');
            for p in &pts[1..pts.len() - 1] {
                let _ = writeln!(
                    out,
                    r#"              <mxPoint x="{}" y="{}"/>"#,
                    num(p.0),
                    num(p.1)
                );
            }
            out.push_str("            </Array>\n");
        }
        out.push_str("          </mxGeometry>\n        </mxCell>\n");
        // The texts by the ends: labels of the edge, placed as the router placed them.
        for (t, key) in r.end_labels.iter().zip(["from", "to"]) {
            let Some(t) = t else { continue };
            let lid = ids.fresh(&format!("{id}-{key}"));
            let (x, offset) = along(pts, (t.rect.cx(), t.rect.cy()));
            let style = format!(
                "edgeLabel;html=1;align=center;verticalAlign=middle;resizable=0;points=[];labelBackgroundColor=#FFFFFF;fontColor={LINK};{}",
                font(Some(t))
            );
            let _ = writeln!(
                out,
                r#"        <mxCell id="{}" value="{}" style="{}" vertex="1" connectable="0" parent="{}">"#,
                escape(&lid),
                escape(&html(&t.text)),
                escape(&style),
                escape(&id)
            );
            let _ = writeln!(
                out,
                r#"          <mxGeometry x="{}" relative="1" as="geometry">"#,
                num3(x)
            );
            let _ = writeln!(
                out,
                r#"            <mxPoint x="{}" y="{}" as="offset"/>"#,
                num(offset.0),
                num(offset.1)
            );
            out.push_str("          </mxGeometry>\n        </mxCell>\n");
        }
    }
    out.push_str("      </root>\n    </mxGraphModel>\n  </diagram>\n</mxfile>\n");
    out
}

/// How far point `p` lies outside rectangle `r` (0 on or inside it).
fn gap(r: Rect, p: Point) -> f32 {
    let dx = (r.x - p.0).max(p.0 - r.right()).max(0.0);
    let dy = (r.y - p.1).max(p.1 - r.bottom()).max(0.0);
    dx + dy
}

/// A fraction printed with at most three decimals (draw.io's relative positions).
fn num3(v: f32) -> String {
    let r = (v as f64 * 1000.0).round() / 1000.0;
    let s = format!("{r:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Where `c` lies along the polyline `pts`, as draw.io places an edge's labels: the nearest
/// point's position along the line from -1 (start) to 1 (end), and the offset from it to `c`.
fn along(pts: &[Point], c: Point) -> (f32, Point) {
    let total: f32 = pts
        .windows(2)
        .map(|w| (w[1].0 - w[0].0).abs() + (w[1].1 - w[0].1).abs())
        .sum();
    if pts.is_empty() || total <= 0.0 {
        return (0.0, (0.0, 0.0));
    }
    let (mut best, mut best_d, mut best_p) = (0.0, f32::INFINITY, pts[0]);
    let mut run = 0.0;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = (b.0 - a.0).abs() + (b.1 - a.1).abs();
        let t = if len > 0.0 {
            (((c.0 - a.0) * (b.0 - a.0) + (c.1 - a.1) * (b.1 - a.1)) / (len * len)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        let d = (c.0 - p.0).hypot(c.1 - p.1);
        if d < best_d {
            (best, best_d, best_p) = (run + len * t, d, p);
        }
        run += len;
    }
    (2.0 * best / total - 1.0, (c.0 - best_p.0, c.1 - best_p.1))
}

/// The AWS 4 library name (after `mxgraph.aws4.`) that draws node kind `kind`, if any.
pub fn shape_of(kind: &str) -> Option<&'static str> {
    aws4(kind).map(|s| match s {
        Aws4::Service(n) | Aws4::Glyph(n) => n,
    })
}

//! JSON backend: the layout geometry in the format of quality.md.
//!
//! Unlike `svg` and `png`, this export reads the model, layout and routes rather than the
//! scene, since it reports ids, kinds, parents and spans that the scene has no need of.

use super::num;
use crate::layout::{Layout, TextBox};
use crate::model::{EntKind, Model, Placement};
use crate::route::Routes;
use std::fmt::Write as _;

fn s(v: &str) -> String {
    serde_json::Value::String(v.to_string()).to_string()
}

fn label(out: &mut String, t: Option<&TextBox>) {
    match t {
        None => out.push_str("null"),
        Some(t) => {
            let _ = write!(
                out,
                r#"{{"text":{},"x":{},"y":{},"w":{},"h":{}}}"#,
                s(&t.text),
                num(t.rect.x),
                num(t.rect.y),
                num(t.rect.w),
                num(t.rect.h)
            );
        }
    }
}

/// Writes the layout as pretty-enough JSON (one box or link per line), deterministic.
pub fn render(m: &Model, l: &Layout, routes: &Routes) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{{");
    let _ = writeln!(
        out,
        r#"  "width": {}, "height": {},"#,
        num(l.width),
        num(l.height)
    );
    out.push_str(r#"  "title": "#);
    label(&mut out, l.title.as_ref());
    out.push_str(",\n  \"boxes\": [\n");
    let mut first = true;
    // Parents before children, in tree order.
    let order = m.tree_order();
    for e in order {
        let ent = m.get(e);
        let Some(p) = l.get(e) else { continue };
        if !first {
            out.push_str(",\n");
        }
        first = false;
        let role = if ent.is_overlay() {
            "overlay"
        } else if ent.is_node() {
            "node"
        } else {
            "group"
        };
        let parent = ent.parent.map_or("null".to_string(), |p| s(&m.get(p).id));
        let _ = write!(
            out,
            r#"    {{"id":{},"kind":{},"role":"{role}","parent":{parent}"#,
            s(&ent.id),
            s(&ent.kind_name)
        );
        match &ent.kind {
            EntKind::Subnet { tier, .. } => {
                let _ = write!(out, r#","tier":"{}""#, tier.as_str());
                if let Some(r) = m.subnet_rows.get(&e) {
                    let _ = write!(out, r#","row":{}"#, s(&r.value));
                }
            }
            EntKind::Node {
                placement: Placement::Border,
                ..
            } => {
                out.push_str(r#","placement":"border""#);
            }
            EntKind::Node {
                placement: Placement::Span(sp),
                ..
            } => {
                let ids: Vec<String> = sp.iter().map(|x| s(&m.get(*x).id)).collect();
                let _ = write!(out, r#","spans":[{}]"#, ids.join(","));
            }
            _ => {}
        }
        let _ = write!(
            out,
            r#","x":{},"y":{},"w":{},"h":{},"label":"#,
            num(p.rect.x),
            num(p.rect.y),
            num(p.rect.w),
            num(p.rect.h)
        );
        label(&mut out, p.label.as_ref());
        out.push('}');
    }
    for o in &l.overlays {
        let ent = m.get(o.ent);
        if !first {
            out.push_str(",\n");
        }
        first = false;
        let id = if o.part == 0 {
            ent.id.clone()
        } else {
            format!("{}#{}", ent.id, o.part + 1)
        };
        let parent = ent.parent.map_or("null".to_string(), |p| s(&m.get(p).id));
        let ids: Vec<String> = o.members.iter().map(|x| s(&m.get(*x).id)).collect();
        let r = o.placed.rect;
        let _ = write!(
            out,
            r#"    {{"id":{},"kind":{},"role":"overlay","parent":{parent},"members":[{}],"x":{},"y":{},"w":{},"h":{},"label":"#,
            s(&id),
            s(&ent.kind_name),
            ids.join(","),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        label(&mut out, o.placed.label.as_ref());
        out.push('}');
    }
    out.push_str("\n  ],\n  \"links\": [\n");
    for (k, r) in routes.links.iter().enumerate() {
        let link = &m.links[r.link];
        let pts: Vec<String> = r
            .points
            .iter()
            .map(|(x, y)| format!("[{},{}]", num(*x), num(*y)))
            .collect();
        let _ = write!(
            out,
            r#"    {{"from":{},"to":{},"points":[{}],"label":"#,
            s(&m.get(link.from).id),
            s(&m.get(link.to).id),
            pts.join(",")
        );
        label(&mut out, r.label.as_ref());
        // The texts by the ends, only where the spec gives them.
        for (key, t) in ["from_label", "to_label"].iter().zip(&r.end_labels) {
            if t.is_some() {
                let _ = write!(out, r#","{key}":"#);
                label(&mut out, t.as_ref());
            }
        }
        out.push('}');
        if k + 1 < routes.links.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("  ]\n}\n");
    out
}

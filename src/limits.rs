//! Limits on input size and diagram complexity, so that no spec can make archdraw hang or
//! exhaust memory. Each limit has a clear error and can be raised (`--limit KEY=VALUE`).

use crate::diag::{Diagnostic, Span};
use crate::model::Model;
use crate::spec::{Sp, Spec};

/// The limits in force for one compilation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the spec text in bytes.
    pub input_bytes: usize,
    /// Declared things (regions, VPCs, subnets, gateways, load balancers, route tables, nodes
    /// and groups).
    pub entities: usize,
    /// Links, counting each target of a fan-out.
    pub links: usize,
    /// Nesting depth of boxes (cloud → region → VPC → zone → subnet is 5).
    pub depth: usize,
    /// Length of any id or label, in characters.
    pub label_chars: usize,
    /// Links ending at one node.
    pub links_per_node: usize,
    /// Pixels of one PNG (width × height after scaling).
    pub png_pixels: u64,
    /// Views of one spec (each is a render of its own).
    pub views: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            input_bytes: 16 * 1024 * 1024,
            entities: 50_000,
            links: 100_000,
            depth: 32,
            label_chars: 500,
            links_per_node: 3_000,
            png_pixels: 100_000_000,
            views: 100,
        }
    }
}

/// Names accepted by [`Limits::set`], with what they bound.
pub const KEYS: &[(&str, &str)] = &[
    ("input-bytes", "size of a spec in bytes"),
    (
        "entities",
        "declared regions, VPCs, subnets, gateways, load balancers, route tables, nodes and groups",
    ),
    ("links", "links, counting each target of a fan-out"),
    ("depth", "nesting depth of boxes"),
    ("label-chars", "characters in an id or label"),
    ("links-per-node", "links ending at one node"),
    ("png-pixels", "pixels of one PNG"),
    ("views", "views of one spec"),
];

impl Limits {
    /// Sets one limit by name, e.g. `("entities", 200000)`.
    pub fn set(&mut self, key: &str, value: u64) -> Result<(), String> {
        let v = value as usize;
        match key {
            "input-bytes" => self.input_bytes = v,
            "entities" => self.entities = v,
            "links" => self.links = v,
            "depth" => self.depth = v,
            "label-chars" => self.label_chars = v,
            "links-per-node" => self.links_per_node = v,
            "png-pixels" => self.png_pixels = value,
            "views" => self.views = v,
            _ => {
                let names: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
                return Err(format!(
                    "unknown limit `{key}` (known: {})",
                    names.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// Parses `KEY=VALUE` and sets it.
    pub fn set_pair(&mut self, pair: &str) -> Result<(), String> {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("`{pair}` is not KEY=VALUE"))?;
        let v: u64 = v
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| format!("`{v}` is not a whole number"))?;
        self.set(k.trim(), v)
    }
}

fn over(span: impl Into<Option<Span>>, what: String, key: &str) -> Diagnostic {
    Diagnostic::error(span, what).with_hint(format!(
        "this limit keeps archdraw fast and safe; raise it with --limit {key}=N if you need more"
    ))
}

/// Checks the raw text before parsing.
pub fn check_input(text: &str, l: &Limits) -> Option<Diagnostic> {
    (text.len() > l.input_bytes).then(|| {
        over(
            None,
            format!(
                "the spec is {} bytes; the limit is {}",
                text.len(),
                l.input_bytes
            ),
            "input-bytes",
        )
    })
}

/// Checks counts and lengths of a parsed spec.
pub fn check_spec(spec: &Spec, l: &Limits) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let count = spec.regions.len()
        + spec.vpcs.len()
        + spec.subnets.len()
        + spec.gateways.len()
        + spec.load_balancers.len()
        + spec.route_tables.len()
        + spec.nodes.len()
        + spec.groups.len();
    if count > l.entities {
        out.push(over(
            None,
            format!(
                "the spec declares {count} things; the limit is {}",
                l.entities
            ),
            "entities",
        ));
    }
    let links: usize = spec.links.iter().map(|k| k.from.len() * k.to.len()).sum();
    if links > l.links {
        out.push(over(
            spec.links.get(l.links).map(|k| k.span),
            format!("the spec has {links} links; the limit is {}", l.links),
            "links",
        ));
    }
    if let Some(v) = spec.views.get(l.views) {
        out.push(over(
            Some(v.id.span),
            format!(
                "the spec declares {} views; the limit is {}",
                spec.views.len(),
                l.views
            ),
            "views",
        ));
    }
    let mut texts: Vec<(&Sp<String>, &str)> = Vec::new();
    for v in &spec.views {
        texts.push((&v.id, "id"));
        texts.extend(v.title.iter().map(|s| (s, "title")));
    }
    for s in [&spec.diagram.title].into_iter().flatten() {
        texts.push((s, "title"));
    }
    if let Some(c) = &spec.cloud {
        texts.extend(c.label.iter().map(|s| (s, "label")));
    }
    for r in &spec.regions {
        texts.push((&r.id, "id"));
        texts.extend(r.label.iter().map(|s| (s, "label")));
    }
    for v in &spec.vpcs {
        texts.push((&v.id, "id"));
        texts.extend(v.label.iter().map(|s| (s, "label")));
    }
    for s in &spec.subnets {
        texts.push((&s.id, "id"));
        texts.extend(s.label.iter().map(|x| (x, "label")));
    }
    for g in &spec.gateways {
        texts.push((&g.id, "id"));
        texts.extend(g.label.iter().map(|x| (x, "label")));
    }
    for b in &spec.load_balancers {
        texts.push((&b.id, "id"));
        texts.extend(b.label.iter().map(|x| (x, "label")));
    }
    for r in &spec.route_tables {
        texts.push((&r.id, "id"));
        texts.extend(r.label.iter().map(|x| (x, "label")));
        for route in &r.routes {
            texts.push((&route.to, "route destination"));
        }
    }
    for n in &spec.nodes {
        texts.push((&n.id, "id"));
        texts.extend(n.label.iter().map(|x| (x, "label")));
    }
    for g in &spec.groups {
        texts.push((&g.id, "id"));
        texts.extend(g.label.iter().map(|x| (x, "label")));
    }
    for k in &spec.links {
        texts.extend(k.label.iter().map(|x| (x, "label")));
    }
    for (s, what) in texts {
        let n = s.value.chars().count();
        if n > l.label_chars {
            out.push(over(
                s.span,
                format!(
                    "this {what} is {n} characters long; the limit is {}",
                    l.label_chars
                ),
                "label-chars",
            ));
        }
    }
    out
}

/// Checks nesting depth and links per node of a resolved model.
pub fn check_model(m: &Model, l: &Limits) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, e) in m.entities.iter().enumerate() {
        let depth = m
            .ancestors(crate::model::EntId(i as u32))
            .take(l.depth + 1)
            .count()
            + 1;
        if depth > l.depth {
            out.push(over(
                e.span,
                format!(
                    "`{}` is nested {depth} levels deep; the limit is {}",
                    e.id, l.depth
                ),
                "depth",
            ));
            break;
        }
    }
    let mut per = vec![0usize; m.entities.len()];
    for k in &m.links {
        for end in [k.from, k.to] {
            per[end.index()] += 1;
            if per[end.index()] == l.links_per_node + 1 {
                out.push(over(
                    k.span,
                    format!(
                        "more than {} links end at `{}`",
                        l.links_per_node,
                        m.get(end).id
                    ),
                    "links-per-node",
                ));
            }
        }
    }
    out
}

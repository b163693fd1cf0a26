//! Stage 2b, views: one model, many pictures.
//!
//! Takes the parsed spec, the model resolved from all of it, and one `[views.<name>]`; gives
//! the spec of what that view draws, which the model stage resolves again, so that layout and
//! routing see only what is drawn (a view of a big estate costs what a spec of its size
//! costs). A view keeps the levels down to its `depth`, leaves out what `hide` names (ids or
//! kinds) and, with `only`, everything but those, their ancestors and what they hold. A link
//! to something left out is lifted to its nearest drawn ancestor; lifted links with the same
//! ends and label merge; a link whose ends lift into one box, or that would join a thing to a
//! box holding it, is dropped. A zone box with nothing to show is left out.
//!
//! [`check`] reports a view naming an unknown id or kind, and one that draws nothing.

use crate::catalog::{self, suggest_from};
use crate::diag::Diagnostic;
use crate::model::{EntId, EntKind, Model, Placement};
use crate::spec::{Depth, LinkSpec, Sp, Spec, ViewSpec};
use std::collections::{HashMap, HashSet};

/// The names of the views a spec declares, in file order.
pub fn names(spec: &Spec) -> Vec<String> {
    spec.views.iter().map(|v| v.id.value.clone()).collect()
}

/// Whether entity `e` lies beyond `depth` by itself (not counting its ancestors).
fn beyond(m: &Model, e: EntId, depth: Depth) -> bool {
    let ent = m.get(e);
    let parent_kind = ent.parent.map(|p| &m.get(p).kind);
    match &ent.kind {
        EntKind::Zone => depth < Depth::Zone,
        EntKind::Vpc { .. } => depth < Depth::Vpc,
        EntKind::ZoneColumn { .. } | EntKind::Subnet { .. } => depth < Depth::Subnet,
        // What sits in a subnet is a subnet's content.
        _ if matches!(parent_kind, Some(EntKind::Subnet { .. })) => depth <= Depth::Subnet,
        // In a VPC itself: its border gateways show on its closed box; a band across
        // subnets and the route tables are subnet content; other nodes show with subnets.
        EntKind::Node {
            placement: Placement::Border,
            ..
        } if matches!(parent_kind, Some(EntKind::Vpc { .. })) => false,
        EntKind::Node {
            placement: Placement::Span(_),
            ..
        }
        | EntKind::RouteTable { .. } => depth <= Depth::Subnet,
        _ if matches!(parent_kind, Some(EntKind::Vpc { .. })) => depth <= Depth::Vpc,
        _ => false,
    }
}

/// Whether `name` is a kind some entity of `m` has, or a kind of the catalogue.
fn is_kind(m: &Model, name: &str) -> bool {
    m.entities.iter().any(|e| e.kind_name == name) || catalog::lookup(name).is_some()
}

/// The entities of `m` by the id a spec names them with (the first, for a route table).
fn by_id(m: &Model) -> HashMap<&str, EntId> {
    let mut out = HashMap::new();
    for (i, e) in m.entities.iter().enumerate() {
        if e.kind_name.is_empty() || matches!(e.kind, EntKind::ZoneColumn { .. }) {
            continue;
        }
        out.entry(m.spec_id(EntId(i as u32)))
            .or_insert(EntId(i as u32));
    }
    out
}

/// Whether `id` is `o`, holds it or lies in it; for an overlay `o`, the same of any of its
/// members (`only = ["service"]` keeps the tasks the service spans, with their subnets).
fn related(m: &Model, o: EntId, id: EntId) -> bool {
    let members: &[EntId] = match &m.get(o).kind {
        EntKind::Overlay { members, .. } => members,
        _ => &[],
    };
    std::iter::once(o)
        .chain(members.iter().copied())
        .any(|x| m.is_within(id, x) || m.is_within(x, id))
}

/// Which entities view `v` draws.
fn drawn(m: &Model, ids: &HashMap<&str, EntId>, v: &ViewSpec) -> Vec<bool> {
    let n = m.entities.len();
    let named = |list: &[Sp<String>]| -> Vec<EntId> {
        list.iter()
            .filter_map(|s| ids.get(s.value.as_str()).copied())
            .collect()
    };
    let only = named(&v.only);
    let mut own = vec![false; n];
    for (i, e) in m.entities.iter().enumerate() {
        let id = EntId(i as u32);
        own[i] = e.kind_name.is_empty()
            || v.depth.as_ref().is_some_and(|d| beyond(m, id, d.value))
            || v.hide
                .iter()
                .any(|h| h.value == e.kind_name || h.value == m.spec_id(id))
            || (!only.is_empty() && !only.iter().any(|&o| related(m, o, id)));
    }
    (0..n)
        .map(|i| {
            let id = EntId(i as u32);
            !own[i] && !m.ancestors(id).any(|a| own[a.index()])
        })
        .collect()
}

/// Diagnostics for the views of `spec` over its model `m`: unknown ids or kinds in `hide`
/// and `only`, a view that draws nothing.
pub fn check(spec: &Spec, m: &Model) -> Vec<Diagnostic> {
    let ids = by_id(m);
    let mut diags = Vec::new();
    let mut known: Vec<&str> = ids.keys().copied().collect();
    known.sort_unstable();
    for v in &spec.views {
        let name = &v.id.value;
        // The name goes into file names (`spec.<view>.svg`).
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if name.is_empty() || !name.chars().all(plain) {
            diags.push(
                Diagnostic::error(
                    v.id.span,
                    format!("view name `{name}` cannot be part of a file name"),
                )
                .with_hint("name views with letters, digits, `-` and `_` (`[views.network]`)"),
            );
        }
        for h in &v.hide {
            if !ids.contains_key(h.value.as_str()) && !is_kind(m, &h.value) {
                let kinds: HashSet<&str> =
                    m.entities.iter().map(|e| e.kind_name.as_str()).collect();
                let words = known
                    .iter()
                    .copied()
                    .chain(kinds.into_iter().filter(|k| !k.is_empty()));
                diags.push(
                    Diagnostic::error(
                        h.span,
                        format!(
                            "view `{name}` hides `{}`, which is no id or kind in this spec",
                            h.value
                        ),
                    )
                    .did_you_mean(&suggest_from(&h.value, words))
                    .or_hint("`hide` takes ids (`nat-a`) and kinds (`data-center`, `route-table`)"),
                );
            }
        }
        for o in &v.only {
            if !ids.contains_key(o.value.as_str()) {
                diags.push(
                    Diagnostic::error(
                        o.span,
                        format!(
                            "view `{name}` keeps only `{}`, which is no id in this spec",
                            o.value
                        ),
                    )
                    .did_you_mean(&suggest_from(&o.value, known.iter().copied()))
                    .or_hint(if is_kind(m, &o.value) {
                        format!(
                            "`{}` is a kind: `only` takes ids (to leave a kind out, use `hide`)",
                            o.value
                        )
                    } else {
                        "`only` takes the ids of things to draw, with their ancestors and contents"
                            .to_string()
                    }),
                );
            }
        }
        if diags.is_empty()
            && !drawn(m, &ids, v)
                .iter()
                .enumerate()
                .any(|(i, d)| *d && !matches!(m.entities[i].kind, EntKind::Cloud))
        {
            diags.push(
                Diagnostic::error(v.id.span, format!("view `{name}` draws nothing"))
                    .with_hint("its `depth`, `hide` and `only` leave out everything; loosen one"),
            );
        }
    }
    diags
}

/// The spec of what view `v` draws (see the module comment).
pub fn derive(spec: &Spec, m: &Model, v: &ViewSpec) -> Spec {
    let ids = by_id(m);
    let drawn = drawn(m, &ids, v);
    // Drawn, in any of its copies.
    let shown_ids: HashSet<&str> = (0..m.entities.len())
        .filter(|&i| drawn[i])
        .map(|i| m.spec_id(EntId(i as u32)))
        .collect();
    let shown = |id: &Sp<String>| shown_ids.contains(id.value.as_str());
    let mut out = spec.clone();
    out.views.clear();
    if let Some(t) = &v.title {
        out.diagram.title = Some(t.clone());
    }
    // Zone boxes and columns with something drawn in them.
    let zone_used = |zone: &str| {
        m.entities.iter().enumerate().any(|(i, e)| {
            drawn[i]
                && match &e.kind {
                    EntKind::ZoneColumn { .. } => e.label == zone,
                    _ => e.parent.is_some_and(|p| {
                        matches!(m.get(p).kind, EntKind::Zone) && m.get(p).id == zone
                    }),
                }
        })
    };
    out.regions.retain(|r| shown(&r.id));
    for r in &mut out.regions {
        r.zones.retain(|z| {
            // The zone entity made from this entry (by its span).
            m.entities
                .iter()
                .find(|e| matches!(e.kind, EntKind::Zone) && e.span == Some(z.span))
                .is_none_or(|e| zone_used(&e.id))
        });
    }
    out.vpcs.retain(|x| shown(&x.id));
    out.subnets.retain(|x| shown(&x.id));
    out.gateways.retain(|x| shown(&x.id));
    out.load_balancers.retain(|x| shown(&x.id));
    for lb in &mut out.load_balancers {
        lb.subnets.retain(|s| shown(s));
    }
    out.route_tables.retain(|x| shown(&x.id));
    for rt in &mut out.route_tables {
        rt.subnets.retain(|s| shown(s));
    }
    out.route_tables.retain(|x| !x.subnets.is_empty());
    out.nodes.retain(|x| shown(&x.id));
    // A group spanning members (an overlay) keeps the drawn ones; with none, it goes.
    out.groups
        .retain(|g| shown(&g.id) && (g.span.is_empty() || g.span.iter().any(&shown)));
    for g in &mut out.groups {
        g.span.retain(|s| shown(s));
    }
    out.links = lift_links(m, &spec.links, &drawn, &ids);
    out
}

/// The links of a view: each end lifted to its nearest drawn ancestor (see the module
/// comment). A link none of whose ends moves is kept as written.
fn lift_links(
    m: &Model,
    links: &[LinkSpec],
    drawn: &[bool],
    ids: &HashMap<&str, EntId>,
) -> Vec<LinkSpec> {
    let lift = |s: &Sp<String>| -> Option<EntId> {
        let e = *ids.get(s.value.as_str())?;
        std::iter::once(e)
            .chain(m.ancestors(e))
            .find(|a| drawn[a.index()] && !matches!(m.get(*a).kind, EntKind::ZoneColumn { .. }))
    };
    let mut seen: HashSet<(EntId, EntId, Option<String>)> = HashSet::new();
    let mut out = Vec::new();
    for l in links {
        let label = l.label.as_ref().map(|s| s.value.clone());
        let ends = |list: &[Sp<String>]| -> Vec<(Sp<String>, Option<EntId>)> {
            list.iter().map(|s| (s.clone(), lift(s))).collect()
        };
        let (from, to) = (ends(&l.from), ends(&l.to));
        let unmoved = |v: &[(Sp<String>, Option<EntId>)]| {
            v.iter()
                .all(|(s, e)| e.is_some_and(|e| ids.get(s.value.as_str()) == Some(&e)))
        };
        let pairs: Vec<(EntId, EntId)> = from
            .iter()
            .flat_map(|(_, a)| to.iter().map(move |(_, b)| (*a, *b)))
            .filter_map(|(a, b)| Some((a?, b?)))
            .collect();
        if unmoved(&from) && unmoved(&to) {
            for &(a, b) in &pairs {
                seen.insert((a, b, label.clone()));
            }
            out.push(l.clone());
            continue;
        }
        for (a, b) in pairs {
            if m.is_within(a, b) || m.is_within(b, a) || !seen.insert((a, b, label.clone())) {
                continue;
            }
            let mut k = l.clone();
            k.from = vec![Sp::new(m.spec_id(a).to_string(), l.from[0].span)];
            k.to = vec![Sp::new(m.spec_id(b).to_string(), l.to[0].span)];
            out.push(k);
        }
    }
    out
}

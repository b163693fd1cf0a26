//! A JSON Schema (draft-07) of the spec language, for editors: with Taplo or Even Better TOML
//! it gives completion, hover docs and squiggles for specs (`archdraw schema`, docs/spec.md).
//!
//! The schema is built from the parser's own lists: the tables ([`spec::TOP_KEYS`]), the keys
//! of each table ([`spec::TABLE_KEYS`]), the values of enumerated keys ([`spec::THEMES`] …),
//! the node kinds ([`catalog::KINDS`]), the group kinds and the region codes. Each key's type
//! and text are written here; a key the parser accepts that has no entry here is left out of
//! the schema, and a test (tests/schema.rs) fails until it is described.
//!
//! The schema checks the shape of a spec (tables, keys, types, enumerated values, required keys,
//! which gateway keys go with which type); references between ids, CIDR arithmetic and the
//! other semantic checks stay with `archdraw check`.

use crate::spec::{self, names};
use crate::{catalog, model, regions};
use serde_json::{json, Map, Value};

/// The draft the schema is written in.
pub const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// What each table is, for its description.
fn table_doc(table: &str) -> &'static str {
    match table {
        "diagram" => "Settings for the whole picture.",
        "cloud" => "The AWS Cloud box that encloses every region.",
        "regions" => "AWS regions, keyed by id: [regions.<id>].",
        "vpcs" => "VPCs, keyed by id: [vpcs.<id>].",
        "subnets" => "Subnets, keyed by id: [subnets.<id>]; each in one VPC and zone.",
        "gateways" => {
            "Gateways, keyed by id: [gateways.<id>]; `type` decides the key that places it."
        }
        "load_balancers" => "Load balancers, keyed by id: [load_balancers.<id>].",
        "route_tables" => "Route tables, keyed by id: [route_tables.<id>].",
        "nodes" => {
            "Services and other icons, keyed by id: [nodes.<id>]; `kind` from `archdraw kinds`."
        }
        "groups" => "Frames (`in`) or overlays (`span`) around nodes, keyed by id: [groups.<id>].",
        "links" => "Links between nodes and groups, one [[links]] table each.",
        "views" => {
            "Views cut from the model, keyed by name: [views.<name>]; each renders to \
             NAME.<view>.<ext>."
        }
        _ => "",
    }
}

fn string(doc: &str) -> Value {
    json!({ "type": "string", "description": doc })
}

fn string_or_array(doc: &str) -> Value {
    json!({
        "description": doc,
        "anyOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": "string" } }
        ]
    })
}

fn one_of<T>(values: &[(&'static str, T)], default: Option<&str>, doc: &str) -> Value {
    let mut v = json!({ "type": "string", "enum": names(values), "description": doc });
    if let Some(d) = default {
        v["default"] = json!(d);
    }
    v
}

const CIDR: &str = r"^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$";

/// The schema of one key of one table; `None` for a key this module does not describe.
pub fn key_schema(table: &str, key: &str) -> Option<Value> {
    let label = |what: &str| {
        string(&format!(
            "Text shown for the {what}; default: {what}'s usual name."
        ))
    };
    Some(match (table, key) {
        ("diagram", "title") => string("Title drawn at the top left and written as the SVG <title>."),
        ("diagram", "theme") => one_of(
            spec::THEMES,
            Some("light"),
            "Colour theme. `auto`: the SVG follows the reader's prefers-color-scheme (the PNG is light). `--theme` overrides it; `theme` in archdraw.toml applies when the spec sets none.",
        ),
        ("diagram", "direction") => one_of(
            spec::DIRECTIONS,
            Some("down"),
            "Main flow of links: ranks from top to bottom (`down`) or left to right (`right`).",
        ),
        ("diagram", "aspect") => json!({
            "type": "string",
            "pattern": r"^\s*[0-9.]+\s*:\s*[0-9.]+\s*$",
            "default": "4:3",
            "description": "Page shape W:H that rows of many things (VPCs, regions, groups) wrap towards, e.g. \"16:9\"; between 1:10 and 10:1. With direction = \"right\" the block takes the transposed shape."
        }),
        ("diagram", "aws_icons") => string(
            "Folder of AWS's Architecture Icons package, relative to the spec; kinds whose service name matches a file there use it.",
        ),
        ("cloud", "label") => string("Title of the AWS Cloud box; default \"AWS Cloud\"."),
        ("regions", "code") => json!({
            "type": "string",
            "enum": regions::REGIONS.iter().map(|r| r.code).collect::<Vec<_>>(),
            "description": "Region code, e.g. \"us-east-2\"; may be left out when `label` is given (a sketch: zones then by the names given)."
        }),
        ("regions", "label") => string("Title of the region box; default \"<name> <code>\"."),
        ("regions", "zones") => string_or_array(
            "Availability zones to draw: full names (\"us-east-2a\") or letters (\"a\").",
        ),
        ("vpcs", "region") => string("Id of the region the VPC lives in."),
        ("vpcs", "cidr") => json!({
            "type": "string", "pattern": CIDR,
            "description": "IPv4 CIDR block, host bits zero, e.g. \"10.0.0.0/16\"; optional (a sketch: the title shows the label only)."
        }),
        ("vpcs", "label") => string("Name shown in the title \"<label> <cidr>\"; default \"VPC\"."),
        ("vpcs", "account") => string(
            "Id of an `account` group drawn inside the VPC's region around its VPCs there.",
        ),
        ("regions", "account") => string(
            "Id of an `account` group the region is drawn in (cloud > organization > OU > account > region).",
        ),
        ("subnets", "vpc") => string("Id of the VPC the subnet belongs to."),
        ("subnets", "zone") => string(
            "Availability zone: \"us-east-2a\" or \"a\". Optional in a sketch: all or none of a VPC's subnets name one (none: tier rows without zone columns).",
        ),
        ("subnets", "cidr") => json!({
            "type": "string", "pattern": CIDR,
            "description": "IPv4 CIDR block inside the VPC's, not overlapping another subnet; optional (a sketch: the title shows the label only)."
        }),
        ("subnets", "tier") => one_of(
            spec::TIERS,
            None,
            "Row inside the VPC (public above private above isolated) and frame colour.",
        ),
        ("subnets", "label") => string("Name shown in the title \"<label> <cidr>\"; default by tier."),
        ("subnets", "row") => string(
            "Row name: subnets with the same row align across zones (rows by tier, then first appearance).",
        ),
        ("gateways", "type") => one_of(spec::GATEWAY_TYPES, None, "The kind of gateway."),
        ("gateways", "vpc") => string("VPC whose border the gateway sits on (internet, egress-only, vpn)."),
        ("gateways", "subnet") => string("Subnet the NAT gateway sits in (nat)."),
        ("gateways", "region") => string("Region the transit gateway sits in (transit)."),
        ("gateways", "in") => string(
            "Region, zone, VPC, subnet or group to put a customer gateway in; default: outside the cloud.",
        ),
        ("gateways", "label") => label("gateway"),
        ("gateways", "side") => one_of(
            spec::SIDES,
            None,
            "Line of the VPC's frame a border gateway sits on (internet, egress-only, vpn); default: the side facing its links.",
        ),
        ("load_balancers", "type") => one_of(spec::LB_TYPES, Some("application"), "The kind of load balancer."),
        ("load_balancers", "subnets") => json!({
            "description": "Subnets the load balancer spans (one per zone, same VPC and tier).",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1 }
            ]
        }),
        ("load_balancers", "label") => label("load balancer"),
        ("route_tables", "vpc") => string("Id of the route table's VPC."),
        ("route_tables", "subnets") => string_or_array("Subnets associated with the route table."),
        ("route_tables", "routes") => json!({
            "type": "array",
            "description": "Routes besides the local one: [{ to = \"0.0.0.0/0\", via = \"igw\" }].",
            "items": { "$ref": "#/definitions/route" }
        }),
        ("route_tables", "label") => string("Title of the route table card; default \"Route table <id>\"."),
        ("route_tables.routes", "to") => json!({
            "type": "string",
            "pattern": r"^([0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}|pl-.+)$",
            "description": "Destination: an IPv4 CIDR block or a prefix list (pl-…)."
        }),
        ("route_tables.routes", "via") => string("Target: `local` or the id of a gateway, load balancer or node."),
        ("nodes", "kind") => json!({
            "type": "string",
            "enum": catalog::KINDS.iter().map(|k| k.kind).collect::<Vec<_>>(),
            "description": "Node kind (`archdraw kinds` lists them with their default labels)."
        }),
        ("nodes", "in") => string(
            "Region, zone (full name), VPC, subnet or group to put the node in; default: outside the cloud.",
        ),
        ("nodes", "label") => string("Text beside or under the icon; default: the kind's label."),
        ("nodes", "icon") => string("A custom icon file (SVG or PNG), relative to the spec."),
        ("groups", "kind") => json!({
            "type": "string",
            "enum": model::GROUP_KINDS,
            "default": "generic",
            "description": "Frame style of the group."
        }),
        ("groups", "in") => string("Parent of the frame: region, zone, VPC, subnet or group."),
        ("groups", "span") => string_or_array(
            "Members of an overlay drawn around things in different parents (instead of `in`).",
        ),
        ("groups", "label") => string("Title of the frame; default by kind, or the id."),
        ("groups", "number") => json!({
            "type": "string",
            "pattern": "^[0-9]{12}$",
            "description": "An account's 12-digit id, shown in its title (kind `account` only)."
        }),
        ("links", "from") => string_or_array(
            "Id(s) of the node(s) or group(s) the link starts at; several make a fan-in.",
        ),
        ("links", "to") => string_or_array(
            "Id(s) of the node(s) or group(s) it goes to; several make a fan-out (with several \
             `from` too, one link per pair).",
        ),
        ("links", "label") => string("Text on the link."),
        ("links", "from_label") => string(
            "Text by the link's start (a port or protocol at the source, e.g. \"HTTPS:443\").",
        ),
        ("links", "to_label") => {
            string("Text by the link's end (a port at the target, e.g. \"5432\").")
        }
        ("links", "style") => one_of(spec::LINE_STYLES, Some("solid"), "Line style."),
        ("links", "arrow") => one_of(spec::ARROWS, Some("forward"), "Where arrowheads are drawn."),
        ("views", "title") => string("The title of this view (instead of the diagram's)."),
        ("views", "depth") => one_of(
            spec::DEPTHS,
            None,
            "The deepest container level drawn: region (the cloud, regions and what sits in \
             them), zone (+ zone boxes), vpc (+ VPCs as closed boxes with their border \
             gateways), subnet (+ subnets without their contents); default: everything.",
        ),
        ("views", "hide") => json!({
            "type": "array",
            "items": { "type": "string" },
            "description": "Ids or kinds to leave out, with what they hold; their links go to \
                            their nearest drawn ancestor."
        }),
        ("views", "only") => json!({
            "type": "array",
            "items": { "type": "string" },
            "description": "Draw only these ids, their ancestors and what they hold."
        }),
        _ => return None,
    })
}

/// Keys that must be present, per table.
fn required(table: &str) -> &'static [&'static str] {
    match table {
        "vpcs" => &["region"],
        "subnets" => &["vpc", "tier"],
        "gateways" => &["type"],
        "load_balancers" => &["subnets"],
        "route_tables" => &["vpc"],
        "route_tables.routes" => &["to", "via"],
        "nodes" => &["kind"],
        "links" => &["from", "to"],
        _ => &[],
    }
}

/// An object schema with exactly the keys the parser accepts for `table`.
fn object(table: &str, keys: &[&str]) -> Value {
    let mut props = Map::new();
    for k in keys {
        if let Some(s) = key_schema(table, k) {
            props.insert((*k).to_string(), s);
        }
    }
    let mut v = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": props,
    });
    let doc = table_doc(table);
    if !doc.is_empty() {
        v["description"] = json!(doc);
    }
    let req = required(table);
    if !req.is_empty() {
        v["required"] = json!(req);
    }
    if table == "regions" {
        // A region needs its code, or a label in a sketch without one.
        v["anyOf"] = json!([{ "required": ["code"] }, { "required": ["label"] }]);
    }
    v
}

/// A gateway's placing keys by type: `type` values → the key they need, and the keys they must
/// not have.
fn gateway_rules() -> Value {
    let rules: [(&[&str], Option<&str>, &[&str]); 4] = [
        (
            &["internet", "egress-only", "vpn"],
            Some("vpc"),
            &["subnet", "region", "in"],
        ),
        (&["nat"], Some("subnet"), &["vpc", "region", "in"]),
        (&["transit"], Some("region"), &["vpc", "subnet", "in"]),
        (&["customer"], None, &["vpc", "subnet", "region"]),
    ];
    let all: Vec<Value> = rules
        .iter()
        .map(|(types, need, forbid)| {
            let mut then = json!({
                "properties": forbid.iter().map(|k| ((*k).to_string(), json!(false))).collect::<Map<_, _>>()
            });
            if let Some(n) = need {
                then["required"] = json!([n]);
            }
            json!({
                "if": { "properties": { "type": { "enum": types } }, "required": ["type"] },
                "then": then
            })
        })
        .collect();
    Value::Array(all)
}

/// The JSON Schema of the spec language.
pub fn schema() -> Value {
    let keys = |t: &str| {
        spec::TABLE_KEYS
            .iter()
            .find(|(n, _)| *n == t)
            .map_or(&[][..], |(_, k)| *k)
    };
    let mut defs = Map::new();
    let mut props = Map::new();
    for &table in spec::TOP_KEYS {
        match table {
            "diagram" | "cloud" => {
                props.insert(table.into(), object(table, keys(table)));
            }
            "links" => {
                defs.insert("link".into(), object("links", keys("links")));
                props.insert(
                    table.into(),
                    json!({
                        "type": "array",
                        "description": table_doc(table),
                        "items": { "$ref": "#/definitions/link" }
                    }),
                );
            }
            _ => {
                let def = table.trim_end_matches('s').to_string();
                let mut entry = object(table, keys(table));
                if table == "gateways" {
                    entry["allOf"] = gateway_rules();
                }
                if table == "groups" {
                    entry["not"] = json!({ "required": ["in", "span"] });
                }
                if table == "route_tables" {
                    defs.insert(
                        "route".into(),
                        object("route_tables.routes", keys("route_tables.routes")),
                    );
                }
                defs.insert(def.clone(), entry);
                props.insert(
                    table.into(),
                    json!({
                        "type": "object",
                        "description": table_doc(table),
                        "propertyNames": { "$ref": "#/definitions/id" },
                        "additionalProperties": { "$ref": format!("#/definitions/{def}") }
                    }),
                );
            }
        }
    }
    defs.insert(
        "id".into(),
        json!({
            "type": "string",
            "minLength": 1,
            "pattern": "^[^@]*$",
            "description": "An id: unique across all tables, not empty, without `@`."
        }),
    );
    json!({
        "$schema": DRAFT,
        "title": "archdraw spec",
        "description": "An archdraw architecture diagram spec (docs/spec.md). Validate with `archdraw check`.",
        "type": "object",
        "additionalProperties": false,
        "properties": props,
        "definitions": defs,
    })
}

/// [`schema`] as pretty-printed JSON with a final newline (what `archdraw schema` prints and
/// `schema/archdraw.schema.json` holds).
pub fn schema_json() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_parser_accepts_is_described() {
        for (table, keys) in spec::TABLE_KEYS {
            for k in *keys {
                assert!(
                    key_schema(table, k).is_some(),
                    "the schema does not describe `{k}` of `{table}`: add it to key_schema"
                );
            }
        }
    }
}

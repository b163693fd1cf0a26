//! The JSON Schema of the spec language (`archdraw schema`, schema/archdraw.schema.json):
//! valid draft-07, in step with the parser's keys, accepting every example spec and rejecting
//! broken ones. Validated with `boon`, specs turned into JSON by the `toml` crate.

use archdraw::spec::TABLE_KEYS;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const EVERY_KEY: &str = include_str!("schema/every-key.toml");

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Validator {
        let mut schemas = boon::Schemas::new();
        let mut c = boon::Compiler::new();
        c.add_resource("archdraw.schema.json", archdraw::schema::schema())
            .expect("add schema");
        let index = c
            .compile("archdraw.schema.json", &mut schemas)
            .unwrap_or_else(|e| panic!("the schema does not compile as draft-07: {e:#}"));
        Validator { schemas, index }
    }

    /// The schema's complaints about a spec's text, `Ok` when it is valid.
    fn validate(&self, toml_text: &str) -> Result<(), String> {
        let v: Value = toml::from_str(toml_text).map_err(|e| format!("not TOML: {e}"))?;
        self.schemas
            .validate(&v, self.index)
            .map_err(|e| format!("{e:#}"))
    }
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    out.sort();
    out
}

#[test]
fn the_schema_is_draft_07_and_the_committed_file_is_fresh() {
    let s = archdraw::schema::schema();
    assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    Validator::new();
    let text = archdraw::schema::schema_json();
    let path = Path::new(ROOT).join("schema/archdraw.schema.json");
    if std::env::var_os("ARCHDRAW_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .expect("schema/archdraw.schema.json exists (ARCHDRAW_BLESS=1 writes it)");
    assert!(
        committed == text,
        "schema/archdraw.schema.json is stale; re-run with ARCHDRAW_BLESS=1"
    );
    // `archdraw schema` prints the same.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archdraw"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
}

/// The properties the schema gives a table (`route_tables.routes`: a route's).
fn schema_keys(s: &Value, table: &str) -> BTreeSet<String> {
    let obj = match table {
        "diagram" | "cloud" => &s["properties"][table],
        "links" => &s["definitions"]["link"],
        "route_tables.routes" => &s["definitions"]["route"],
        t => &s["definitions"][t.trim_end_matches('s')],
    };
    assert_eq!(obj["additionalProperties"], false, "{table} is closed");
    obj["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no properties for {table}"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn the_schema_has_exactly_the_keys_the_parser_accepts() {
    let s = archdraw::schema::schema();
    let tables: BTreeSet<String> = s["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let top: BTreeSet<String> = archdraw::spec::TOP_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(tables, top);
    for (table, keys) in TABLE_KEYS {
        let want: BTreeSet<String> = keys.iter().map(|k| k.to_string()).collect();
        assert_eq!(schema_keys(&s, table), want, "keys of {table}");
    }
}

/// Every key used in a spec, by table as in [`TABLE_KEYS`].
fn keys_used(v: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |table: &str, t: &Value| {
        for k in t.as_object().unwrap().keys() {
            out.entry(table.to_string()).or_default().insert(k.clone());
        }
    };
    for (table, value) in v.as_object().unwrap() {
        match table.as_str() {
            "diagram" | "cloud" => add(table, value),
            "links" => value.as_array().unwrap().iter().for_each(|l| add(table, l)),
            _ => {
                for entry in value.as_object().unwrap().values() {
                    add(table, entry);
                    if let Some(routes) = entry.get("routes").and_then(Value::as_array) {
                        routes.iter().for_each(|r| add("route_tables.routes", r));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn a_spec_using_every_key_passes_the_parser_and_the_schema() {
    // archdraw accepts it without a single diagnostic…
    let opts = archdraw::Options {
        icons: archdraw::icons::IconOptions {
            base_dir: Some(Path::new(ROOT).join("tests/schema")),
            ..Default::default()
        },
        ..Default::default()
    };
    let diags = archdraw::check_with_options(EVERY_KEY, &opts);
    assert!(diags.is_empty(), "{diags:#?}");
    // … it uses every key the parser knows …
    let v: Value = toml::from_str(EVERY_KEY).unwrap();
    let used = keys_used(&v);
    for (table, keys) in TABLE_KEYS {
        let want: BTreeSet<String> = keys.iter().map(|k| k.to_string()).collect();
        assert_eq!(used.get(*table), Some(&want), "every key of {table} used");
    }
    // … and the schema accepts it.
    Validator::new().validate(EVERY_KEY).unwrap();
    // A key that is not in the schema is refused by both, in every table: the every-key spec
    // with one more key in one of its entries.
    for (table, _) in TABLE_KEYS {
        let mut bad = v.clone();
        let entry = match *table {
            "diagram" | "cloud" => &mut bad[*table],
            "links" => &mut bad["links"][0],
            "route_tables.routes" => &mut bad["route_tables"]["rt"]["routes"][0],
            t => {
                let first = v[t].as_object().unwrap().keys().next().unwrap().clone();
                &mut bad[t][first.as_str()]
            }
        };
        entry["zz_unknown"] = Value::from("x");
        let text = toml::to_string(&bad).unwrap();
        let (_, diags) = archdraw::spec::parse(&text);
        assert!(
            diags
                .iter()
                .any(|d| d.message.contains("unknown key `zz_unknown`")),
            "the parser refuses an unknown key in {table}: {diags:?}"
        );
        assert!(
            Validator::new().validate(&text).is_err(),
            "the schema refuses an unknown key in {table}"
        );
    }
}

#[test]
fn every_example_spec_is_valid_against_the_schema() {
    let v = Validator::new();
    let mut dirs = vec![Path::new(ROOT).join("specs")];
    let cases = Path::new(ROOT).join("tests/cases/valid");
    if cases.is_dir() {
        dirs.push(cases);
    }
    let mut n = 0;
    for dir in dirs {
        for f in toml_files(&dir) {
            let text = std::fs::read_to_string(&f).unwrap();
            if let Err(e) = v.validate(&text) {
                panic!("{} does not validate:\n{e}", f.display());
            }
            n += 1;
        }
    }
    assert!(n >= 2, "validated {n} specs");
}

#[test]
fn broken_specs_fail_the_schema() {
    let v = Validator::new();
    let net = std::fs::read_to_string(Path::new(ROOT).join("specs/ohio-network.toml")).unwrap();
    v.validate(&net).unwrap();
    let cases: &[(&str, &str, &str)] = &[
        ("unknown key", "title = ", "titel = "),
        ("unknown table", "[vpcs.main]", "[vpc.main]"),
        ("enum value", "tier = \"private\"", "tier = \"privat\""),
        (
            "node kind",
            "kind = \"fargate-task\"",
            "kind = \"fargate-tsk\"",
        ),
        (
            "region code",
            "code = \"us-east-2\"",
            "code = \"us-east-9\"",
        ),
        ("wrong type", "cidr = \"10.0.0.0/16\"", "cidr = 16"),
        (
            "CIDR syntax",
            "cidr = \"10.0.0.0/16\"",
            "cidr = \"10.0.0.0\"",
        ),
        (
            "missing key",
            "cidr = \"10.0.0.0/24\"\ntier = \"public\"",
            "cidr = \"10.0.0.0/24\"",
        ),
        (
            "gateway key of another type",
            "type = \"nat\"\nsubnet = \"public-a\"",
            "type = \"nat\"\nvpc = \"main\"",
        ),
        ("id with @", "[nodes.users]", "[nodes.\"us@ers\"]"),
    ];
    for (what, from, to) in cases {
        assert_eq!(
            net.matches(from).count().min(1),
            1,
            "{what}: `{from}` in the spec"
        );
        let bad = net.replacen(from, to, 1);
        let err = v.validate(&bad).expect_err(what);
        assert!(!err.is_empty(), "{what}");
        // archdraw refuses it too.
        assert!(
            archdraw::diag::has_errors(&archdraw::check(&bad)),
            "archdraw accepts the spec with a broken {what}"
        );
    }
}

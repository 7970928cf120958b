//! The JSON Schema of the portfolio document is generated from the types,
//! checked in at `schema/portfolio.schema.json`, and current; the bundled
//! sample validates against it, and it refuses what the loader refuses.
//!
//! Regenerate with `TECHSALES_BLESS=1 cargo test --test portfolio_schema`.
//!
//! The validator below covers exactly the keywords the generated schema
//! uses (a test checks that no other keyword appears), which keeps the
//! check free of a heavy dependency.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use techsales::portfolio::{json_schema, json_schema_text, Portfolio, FORMAT_VERSION};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_path() -> PathBuf {
    crate_dir().join("schema").join("portfolio.schema.json")
}

fn sample() -> Value {
    let text = std::fs::read_to_string(crate_dir().join("examples/data/portfolio.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn checked_in_schema_is_current() {
    let fresh = json_schema_text();
    if std::env::var_os("TECHSALES_BLESS").is_some() {
        std::fs::create_dir_all(schema_path().parent().unwrap()).unwrap();
        std::fs::write(schema_path(), &fresh).unwrap();
    }
    let checked_in = std::fs::read_to_string(schema_path()).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "schema/portfolio.schema.json is stale; regenerate with `TECHSALES_BLESS=1 cargo test --test portfolio_schema`"
    );
}

/// Keywords that carry no constraint.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "default",
    "format",
    "examples",
];
/// Keywords the validator checks.
const CHECKED: &[&str] = &[
    "$ref",
    "$defs",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "oneOf",
    "anyOf",
    "allOf",
    "const",
    "enum",
    "minimum",
    "maximum",
    "uniqueItems",
];

fn keywords(schema: &Value, found: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                found.insert(key.clone());
                match key.as_str() {
                    "properties" | "$defs" => {
                        if let Value::Object(children) = value {
                            children.values().for_each(|c| keywords(c, found));
                        }
                    }
                    "default" | "const" | "enum" | "examples" => {}
                    _ => keywords(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| keywords(i, found)),
        _ => {}
    }
}

#[test]
fn schema_uses_only_keywords_the_checker_knows() {
    let mut found = BTreeSet::new();
    keywords(&json_schema(), &mut found);
    let unknown: Vec<&String> = found
        .iter()
        .filter(|k| !CHECKED.contains(&k.as_str()) && !ANNOTATIONS.contains(&k.as_str()))
        .collect();
    assert!(unknown.is_empty(), "unchecked keywords: {unknown:?}");
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn resolve<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/$defs/")
        .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
    &root["$defs"][name]
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{path}: nothing is allowed here"));
        }
        return;
    };
    if let Some(Value::String(reference)) = map.get("$ref") {
        check(root, resolve(root, reference), value, path, errors);
    }
    let mut local = Vec::new();
    if let Some(t) = map.get("type") {
        let ok = match t {
            Value::String(name) => type_matches(name, value),
            Value::Array(names) => names
                .iter()
                .any(|n| n.as_str().is_some_and(|n| type_matches(n, value))),
            _ => true,
        };
        if !ok {
            local.push(format!("expected type {t}, found {value}"));
        }
    }
    if let Some(c) = map.get("const") {
        if c != value {
            local.push(format!("expected {c}, found {value}"));
        }
    }
    if let Some(Value::Array(options)) = map.get("enum") {
        if !options.contains(value) {
            local.push(format!("{value} is not one of {options:?}"));
        }
    }
    if let (Some(min), Some(v)) = (map.get("minimum").and_then(Value::as_f64), value.as_f64()) {
        if v < min {
            local.push(format!("{v} is below {min}"));
        }
    }
    if let (Some(max), Some(v)) = (map.get("maximum").and_then(Value::as_f64), value.as_f64()) {
        if v > max {
            local.push(format!("{v} is above {max}"));
        }
    }
    errors.extend(local.into_iter().map(|m| format!("{path}: {m}")));
    if let Value::Object(object) = value {
        let properties = map.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = map.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    errors.push(format!("{path}: missing `{name}`"));
                }
            }
        }
        for (key, child) in object {
            let child_path = format!("{path}/{key}");
            match properties.and_then(|p| p.get(key)) {
                Some(child_schema) => check(root, child_schema, child, &child_path, errors),
                None => {
                    if let Some(extra) = map.get("additionalProperties") {
                        check(root, extra, child, &child_path, errors);
                    }
                }
            }
        }
    }
    if let Value::Array(items) = value {
        if let Some(item_schema) = map.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(root, item_schema, item, &format!("{path}/{i}"), errors);
            }
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, item) in items.iter().enumerate() {
                if items[..i].contains(item) {
                    errors.push(format!("{path}: {item} appears twice"));
                }
            }
        }
    }
    let passes = |s: &Value| {
        let mut e = Vec::new();
        check(root, s, value, path, &mut e);
        e.is_empty()
    };
    if let Some(Value::Array(options)) = map.get("oneOf") {
        let n = options.iter().filter(|s| passes(s)).count();
        if n != 1 {
            errors.push(format!("{path}: {n} of the oneOf options match {value}"));
        }
    }
    if let Some(Value::Array(options)) = map.get("anyOf") {
        if !options.iter().any(passes) {
            errors.push(format!("{path}: no anyOf option matches {value}"));
        }
    }
    if let Some(Value::Array(all)) = map.get("allOf") {
        for s in all {
            check(root, s, value, path, errors);
        }
    }
}

fn errors(document: &Value) -> Vec<String> {
    let schema = json_schema();
    let mut errors = Vec::new();
    check(&schema, &schema, document, "", &mut errors);
    errors
}

#[test]
fn the_bundled_sample_validates() {
    let errors = errors(&sample());
    assert!(errors.is_empty(), "{:#?}", &errors[..errors.len().min(10)]);
}

#[test]
fn the_schema_refuses_what_the_loader_refuses() {
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation)> = vec![
        ("unknown field", Box::new(|d| d["colour"] = "red".into())),
        (
            "newer version",
            Box::new(|d| d["format_version"] = (FORMAT_VERSION + 1).into()),
        ),
        (
            "missing name",
            Box::new(|d| {
                d.as_object_mut().unwrap().remove("name");
            }),
        ),
        (
            "amount as text",
            Box::new(|d| d["opportunities"][0]["amount_minor"] = "12".into()),
        ),
        (
            "negative amount",
            Box::new(|d| d["opportunities"][0]["amount_minor"] = (-5).into()),
        ),
        (
            "unknown stage",
            Box::new(|d| d["opportunities"][0]["process"]["state"]["stage"] = "closing".into()),
        ),
        (
            "unknown event",
            Box::new(|d| {
                d["opportunities"][0]["process"]["journal"][0]["event"]["type"] = "jumped".into()
            }),
        ),
        (
            "unknown key node",
            Box::new(|d| {
                d["opportunities"][0]["process"]["state"]["met"] = serde_json::json!(["bid_won"])
            }),
        ),
        (
            "unknown customer type",
            Box::new(|d| d["accounts"][0]["customer"]["customer_type"] = "vip".into()),
        ),
        (
            "unknown cycle stage",
            Box::new(|d| d["cycles"][0]["sale"]["stage"] = "closing".into()),
        ),
        (
            "unknown cycle event",
            Box::new(|d| d["cycles"][0]["sale"]["journal"][0]["event"]["event"] = "jumped".into()),
        ),
        (
            "extra field in a cycle",
            Box::new(|d| d["cycles"][0]["colour"] = "red".into()),
        ),
        (
            "extra field in a key node record",
            Box::new(|d| {
                d["opportunities"][0]["process"]["state"]["key_nodes"][0]["mood"] = "good".into()
            }),
        ),
    ];
    // The sample's accounts, first three deals and the cycles linked to no
    // deal: small enough to check a dozen times over.
    let mut small = sample();
    small["opportunities"].as_array_mut().unwrap().truncate(3);
    small["cycles"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c.get("opportunity").is_none());
    assert!(errors(&small).is_empty());
    Portfolio::from_json(&small.to_string()).unwrap();
    for (name, mutate) in cases {
        let mut document = small.clone();
        mutate(&mut document);
        assert!(!errors(&document).is_empty(), "the schema accepts: {name}");
        assert!(
            Portfolio::from_json(&document.to_string()).is_err(),
            "the loader accepts: {name}"
        );
    }
}

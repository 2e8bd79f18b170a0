//! The FlowGraph v2 JSON Schema (draft 2020-12), generated from the types in this crate so it
//! cannot drift from what the parser accepts. `schema/v2.json` in this crate is the committed
//! copy; a test fails when it is out of date.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::config::NodeConfig;
use crate::flow_config::FlowConfig;
use crate::graph::SCHEMA_URL;
use crate::kind::NodeKind;

/// The schema document.
pub fn json_schema() -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let config_ref = generator.subschema_for::<FlowConfig>();
    let kinds: Vec<&str> = NodeKind::ALL.iter().map(|k| k.as_str()).collect();

    // Each kind's config, selected by the node's `type`.
    let per_kind: Vec<Value> = NodeKind::ALL
        .iter()
        .map(|&kind| {
            let config = NodeConfig::schema(kind, &mut generator);
            json!({
                "if": {"properties": {"type": {"const": kind.as_str()}}, "required": ["type"]},
                "then": {"properties": {"config": config}}
            })
        })
        .collect();

    let mut defs: Map<String, Value> = generator.take_definitions(true);
    defs.insert(
        "Position".into(),
        json!({
            "type": "object",
            "required": ["x", "y"],
            "properties": {"x": {"type": "number"}, "y": {"type": "number"}}
        }),
    );
    defs.insert(
        "Port".into(),
        json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "label": {"type": "string"},
                "type": {"type": "string", "description": "ScaiCore type syntax: string, int, object, enum[...], a declared type"}
            }
        }),
    );
    defs.insert(
        "Node".into(),
        json!({
            "type": "object",
            "required": ["id", "type", "label", "position"],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "type": {"enum": kinds},
                "label": {"type": "string"},
                "position": {"$ref": "#/$defs/Position"},
                "config": {"type": "object"},
                "inputs": {"type": "array", "items": {"$ref": "#/$defs/Port"}},
                "outputs": {"type": "array", "items": {"$ref": "#/$defs/Port"}}
            },
            "allOf": per_kind
        }),
    );
    defs.insert(
        "Endpoint".into(),
        json!({
            "type": "object",
            "required": ["node", "port"],
            "properties": {"node": {"type": "string"}, "port": {"type": "string"}}
        }),
    );
    defs.insert(
        "Edge".into(),
        json!({
            "type": "object",
            "required": ["id", "type", "source", "target"],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "type": {"enum": ["sequential", "conditional", "data"]},
                "source": {"$ref": "#/$defs/Endpoint"},
                "target": {"$ref": "#/$defs/Endpoint"},
                "condition": {"type": "string"}
            },
            "if": {"properties": {"type": {"const": "conditional"}}},
            "then": {"required": ["condition"], "properties": {"condition": {"minLength": 1}}}
        }),
    );
    defs.insert(
        "Metadata".into(),
        json!({
            "type": "object",
            "properties": {
                "author": {"type": "string"},
                "created": {"type": "string"},
                "description": {"type": "string"},
                "unknown_steps": {"type": "array"}
            }
        }),
    );

    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "title": "ScaiFlow FlowGraph",
        "description": "A ScaiFlow flow document, schema version 2",
        "type": "object",
        "required": ["id", "name", "version"],
        "properties": {
            "$schema": {"type": "string"},
            "id": {"type": "string", "minLength": 1},
            "name": {"type": "string", "minLength": 1},
            "version": {"type": "string", "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$"},
            "scaicore_target": {"type": "string"},
            "metadata": {"$ref": "#/$defs/Metadata"},
            "nodes": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
            "edges": {"type": "array", "items": {"$ref": "#/$defs/Edge"}},
            "variables": {"type": "array"},
            "config": config_ref,
            "tests": {"type": "array"}
        },
        "$defs": defs
    })
}

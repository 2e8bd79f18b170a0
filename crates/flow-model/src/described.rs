//! The committed FlowGraph schema, read where the code needs to know a config's fields.
//!
//! The property forms, the list of known config keys and the enum choices are all read from
//! `schema/v2.json`, the document [`crate::schema::json_schema`] generates (a test keeps the
//! file equal to it). Parsing that file once costs the browser a few kilobytes; generating the
//! schema at run time would cost it the whole schema generator.

use std::sync::OnceLock;

use serde_json::Value;

use crate::kind::NodeKind;

const COMMITTED: &str = include_str!("../schema/v2.json");

fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    // The file is generated and checked by the tests; a parse failure is a build defect.
    DOCUMENT.get_or_init(|| serde_json::from_str(COMMITTED).expect("schema/v2.json is JSON"))
}

/// The definition called `name` in the schema's `$defs`, or null.
pub(crate) fn definition(name: &str) -> &'static Value {
    document().get("$defs").and_then(|defs| defs.get(name)).unwrap_or(&Value::Null)
}

/// `schema` itself, or the definition its `$ref` names.
pub(crate) fn resolved(schema: &Value) -> Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => definition(reference.rsplit('/').next().unwrap_or_default()).clone(),
        None => schema.clone(),
    }
}

/// The schema of a `kind` node's `config` object, its `$ref` resolved.
pub(crate) fn config_schema(kind: NodeKind) -> Value {
    definition("Node")
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|case| {
            case.pointer("/if/properties/type/const").and_then(Value::as_str) == Some(kind.as_str())
        })
        .and_then(|case| case.pointer("/then/properties/config"))
        .map(resolved)
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NodeConfig;

    #[test]
    fn every_kind_reads_the_schema_the_generator_makes() {
        let mut generator = schemars::SchemaGenerator::default();
        for kind in NodeKind::ALL {
            let generated = NodeConfig::schema(kind, &mut generator);
            let name = generated.as_value()["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
            let expected = generator.definitions()[name].clone();
            assert_eq!(config_schema(kind), expected, "{kind:?}");
            assert!(expected.get("properties").is_some() || expected.get("type").is_some());
        }
    }
}

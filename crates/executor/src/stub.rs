//! What the stand-in answers instead of a model, a plugin or another Core: deterministic values
//! shaped like the real ones, so flows run end to end without a network.

use serde_json::{Map, Value, json};

/// An LLM block's value: one stub per field of its `output` schema, or, without a schema,
/// `{"response": "<goal> [stub] input: <input as compact JSON>"}`.
pub(crate) fn llm(goal: &str, output: Option<&Value>, input: &Value) -> Value {
    match output {
        Some(Value::Object(schema)) if !schema.is_empty() => object(goal, schema),
        Some(Value::String(ty)) => of_type(goal, ty),
        _ => json!({"response": format!("{} input: {input}", text(goal))}),
    }
}

/// A plugin call's value: a one-element list describing the call.
pub(crate) fn plugin(alias: &Value, method: &Value, args: Value) -> Value {
    json!([{"alias": alias, "method": method, "args": args, "stub": true}])
}

/// A Core call's value.
pub(crate) fn core_call(call: &Map<String, Value>, input: Value) -> Value {
    let mut value =
        json!({"stub": true, "target": call.get("target").cloned().unwrap_or_default()});
    if let Some(flow) = call.get("flow_name") {
        value["flow_name"] = flow.clone();
    }
    value["input"] = input;
    value
}

fn text(goal: &str) -> String {
    format!("{goal} [stub]")
}

fn object(goal: &str, schema: &Map<String, Value>) -> Value {
    let fields = schema.iter().map(|(field, ty)| {
        let value = match ty {
            Value::String(ty) => of_type(goal, ty),
            Value::Object(nested) => object(goal, nested),
            _ => Value::String(text(goal)),
        };
        (field.clone(), value)
    });
    Value::Object(fields.collect())
}

/// A value of the schema type `ty` (`string`, `int`, `float`, `bool`, `array[T]`, `enum[a, b]`,
/// `map<K, V>`, ...); a trailing `?` is ignored and unknown types are strings.
fn of_type(goal: &str, ty: &str) -> Value {
    let ty = ty.trim().trim_end_matches('?').trim();
    let lower = ty.to_ascii_lowercase();
    let inner = |open: char, close: char| {
        ty.find(open).and_then(|start| ty.rfind(close).map(|end| &ty[start + 1..end]))
    };
    match lower.as_str() {
        "string" | "str" | "text" => Value::String(text(goal)),
        "int" | "integer" => json!(1),
        "float" | "number" | "money" => json!(0.9),
        "bool" | "boolean" => json!(true),
        "array" | "list" => json!([text(goal)]),
        "object" | "map" | "dict" | "json" => json!({}),
        _ if lower.starts_with("array[") || lower.starts_with("list[") => {
            let item = inner('[', ']').filter(|t| !t.trim().is_empty());
            json!([item.map_or_else(|| Value::String(text(goal)), |t| of_type(goal, t))])
        }
        _ if lower.starts_with("enum[") => {
            let first = inner('[', ']').and_then(|list| list.split(',').next()).unwrap_or("");
            let first = first.trim().trim_matches(|c| c == '\'' || c == '"');
            Value::String(first.to_owned())
        }
        _ if lower.starts_with("map<") || lower.starts_with("object<") => json!({}),
        _ => Value::String(text(goal)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::llm;

    #[test]
    fn each_schema_type_gets_a_stub() {
        let schema = json!({
            "answer": "string", "count": "int", "n": "integer", "score": "float",
            "x": "number", "ok": "bool", "yes": "boolean?", "items": "array",
            "ids": "array[int]", "intent": "enum[question, complaint]", "tags": "map<string, int>",
            "meta": "object", "odd": "date", "nested": {"inner": "bool"},
        });
        assert_eq!(
            llm("Classify", Some(&schema), &Value::Null),
            json!({
                "answer": "Classify [stub]", "count": 1, "n": 1, "score": 0.9, "x": 0.9,
                "ok": true, "yes": true, "items": ["Classify [stub]"], "ids": [1],
                "intent": "question", "tags": {}, "meta": {}, "odd": "Classify [stub]",
                "nested": {"inner": true},
            })
        );
    }

    #[test]
    fn without_a_schema_the_input_is_echoed() {
        assert_eq!(
            llm("Combine.", None, &json!({"q": 1})),
            json!({"response": "Combine. [stub] input: {\"q\":1}"})
        );
    }
}

//! A small streaming YAML writer: block mappings and sequences written straight into a string,
//! plain scalars where they cannot be misread, double-quoted (JSON-escaped) strings elsewhere.
//!
//! Manifests of thousands of steps are written in milliseconds because nothing is built in
//! between: the back end calls [`Writer`] as it walks the program, and JSON values (node
//! configs) are written as they are. Every string that is not obviously a plain word is
//! quoted, so reading the text back always gives the same value.

use serde_json::Value;

/// Writes one YAML document. Depth is the nesting level (two spaces each).
#[derive(Default)]
pub struct Writer {
    out: String,
    /// A sequence item was opened at this depth: the next line starts with `- ` there.
    dash: Option<usize>,
}

impl Writer {
    pub fn with_capacity(bytes: usize) -> Self {
        Writer { out: String::with_capacity(bytes), dash: None }
    }

    pub fn finish(self) -> String {
        self.out
    }

    /// Starts a line at `depth`, or continues the `- ` of a just-opened sequence item.
    fn start(&mut self, depth: usize) {
        match self.dash.take() {
            Some(at) => {
                push_indent(&mut self.out, at);
                self.out.push_str("- ");
            }
            None => push_indent(&mut self.out, depth),
        }
    }

    /// `key: value`, where `value` may be any JSON value (nested ones become blocks).
    pub fn value(&mut self, depth: usize, key: &str, value: &Value) {
        self.start(depth);
        string(&mut self.out, key);
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.out.push_str(":\n");
                for (k, v) in map {
                    self.value(depth + 1, k, v);
                }
            }
            // Sequences under a key sit at the key's own indentation, as is customary.
            Value::Array(items) if !items.is_empty() => {
                self.out.push_str(":\n");
                for item in items {
                    self.item_value(depth, item);
                }
            }
            scalar => {
                self.out.push_str(": ");
                inline(&mut self.out, scalar);
                self.out.push('\n');
            }
        }
    }

    /// `key: {...}` for a JSON object, written in place (no copy into a `Value`).
    pub fn object(&mut self, depth: usize, key: &str, map: &serde_json::Map<String, Value>) {
        if map.is_empty() {
            self.start(depth);
            string(&mut self.out, key);
            self.out.push_str(": {}\n");
            return;
        }
        self.map(depth, key);
        for (k, v) in map {
            self.value(depth + 1, k, v);
        }
    }

    /// `key: text`.
    pub fn str(&mut self, depth: usize, key: &str, text: &str) {
        self.start(depth);
        string(&mut self.out, key);
        self.out.push_str(": ");
        string(&mut self.out, text);
        self.out.push('\n');
    }

    /// `key: ` followed by an unquoted literal (a number, `true`, `null`).
    pub fn literal(&mut self, depth: usize, key: &str, literal: impl std::fmt::Display) {
        use std::fmt::Write;
        self.start(depth);
        string(&mut self.out, key);
        self.out.push_str(": ");
        let _ = write!(self.out, "{literal}");
        self.out.push('\n');
    }

    /// `key:` opening a mapping whose entries the caller writes at `depth + 1`. The caller
    /// writes at least one entry.
    pub fn map(&mut self, depth: usize, key: &str) {
        self.start(depth);
        string(&mut self.out, key);
        self.out.push_str(":\n");
    }

    /// `key:` opening a sequence whose items the caller writes at `depth`, or `key: []` when
    /// `empty`.
    pub fn seq(&mut self, depth: usize, key: &str, empty: bool) {
        self.start(depth);
        string(&mut self.out, key);
        self.out.push_str(if empty { ": []\n" } else { ":\n" });
    }

    /// Opens a sequence item at `depth` whose content is a mapping written at `depth + 1`.
    pub fn item(&mut self, depth: usize) {
        if let Some(at) = self.dash.take() {
            // An item that is itself the first thing of an item: `- - key: v`.
            push_indent(&mut self.out, at);
            self.out.push_str("-\n");
        }
        self.dash = Some(depth);
    }

    /// A sequence item holding `value`.
    pub fn item_value(&mut self, depth: usize, value: &Value) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.item(depth);
                for (k, v) in map {
                    self.value(depth + 1, k, v);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                self.start(depth);
                self.out.push_str("-\n");
                for item in items {
                    self.item_value(depth + 1, item);
                }
            }
            scalar => {
                self.start(depth);
                self.out.push_str("- ");
                inline(&mut self.out, scalar);
                self.out.push('\n');
            }
        }
    }
}

/// The document text of `value`, ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut w = Writer::with_capacity(4096);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                w.value(0, k, v);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                w.item_value(0, item);
            }
        }
        scalar => {
            inline(&mut w.out, scalar);
            w.out.push('\n');
        }
    }
    w.finish()
}

fn push_indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// A scalar, or an empty collection, on one line.
fn inline(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            use std::fmt::Write;
            let _ = write!(out, "{n}");
        }
        Value::String(s) => string(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn string(out: &mut String, s: &str) {
    if is_plain(s) {
        out.push_str(s);
    } else {
        quoted(out, s);
    }
}

/// A double-quoted scalar with JSON-style escapes (valid YAML double-quoted escapes).
fn quoted(out: &mut String, s: &str) {
    out.push('"');
    let mut plain_from = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            // Everything YAML does not count as printable, or reads as a line break.
            c if matches!(c as u32, 0..0x20 | 0x7f..=0x9f | 0x2028 | 0x2029 | 0xfeff | 0xfffe | 0xffff) => {
                ""
            }
            _ => continue,
        };
        out.push_str(&s[plain_from..i]);
        if escape.is_empty() {
            use std::fmt::Write;
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(escape);
        }
        plain_from = i + c.len_utf8();
    }
    out.push_str(&s[plain_from..]);
    out.push('"');
}

/// Words that a YAML 1.1 or 1.2 reader would take for something other than a string.
const RESERVED: [&str; 10] = ["true", "false", "null", "yes", "no", "on", "off", "~", "nan", "inf"];

/// A string that reads back as itself without quotes: starts with a letter, `_` or `/`; holds
/// printable ASCII without `#`; has no `: ` and does not end in `:` or a space; is no reserved
/// word.
fn is_plain(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else { return false };
    (first.is_ascii_alphabetic() || first == b'_' || first == b'/')
        && bytes.iter().all(|&b| (b' '..=b'~').contains(&b) && b != b'#')
        && !s.contains(": ")
        && !s.ends_with([' ', ':'])
        && (s.len() > 5 || !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn layout() {
        let value = json!({"core": {"name": "demo", "tags": ["a", {"k": 1, "v": [true, null]}, [1, [2]]], "empty": [], "none": {}}});
        assert_eq!(
            to_yaml(&value),
            "core:\n  name: demo\n  tags:\n  - a\n  - k: 1\n    v:\n    - true\n    - null\n  -\n    - 1\n    -\n      - 2\n  empty: []\n  none: {}\n"
        );
        let back: Value = serde_yaml::from_str(&to_yaml(&value)).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn the_writer_nests_items_and_maps() {
        let mut w = Writer::default();
        w.seq(0, "steps", false);
        w.item(0);
        w.str(1, "llm_turn", "Say hi");
        w.map(1, "meta");
        w.str(2, "node_id", "n1");
        w.seq(0, "none", true);
        assert_eq!(w.finish(), "steps:\n- llm_turn: Say hi\n  meta:\n    node_id: n1\nnone: []\n");
    }

    #[test]
    fn strings_that_look_like_something_else_are_quoted() {
        let cases = [
            "a:",
            "a: b",
            "x #c",
            "Yes",
            "Hello, {{input.message}}",
            "a\tb",
            "",
            "0.2",
            "1.0.0",
            "true",
            "No",
            "~",
            "-x",
            "{{input}}",
            "# c",
            "x ",
            " x",
            "a\nb",
            "é",
            "'q'",
            "\"q\"",
            "!tag",
            "*ref",
            "&a",
            "%",
            "@x",
            "null",
        ];
        for s in cases {
            let text = to_yaml(&json!({"k": s}));
            let back: Value =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{s:?}: {e}\n{text}"));
            assert_eq!(back["k"], s, "{text}");
        }
        assert_eq!(to_yaml(&json!({"k": "plain words/path-1.x"})), "k: plain words/path-1.x\n");
        assert_eq!(
            to_yaml(&json!({"e": "plugin://a", "t": "enum[a, b]", "y": 1})),
            "e: plugin://a\nt: enum[a, b]\ny: 1\n"
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use serde_json::Value;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-1e9f64..1e9).prop_map(Value::from),
            any::<String>().prop_map(Value::from),
            "[ -~]{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[ -~]{0,6}", inner), 0..4)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_value_reads_back_unchanged(value in value()) {
            let text = super::to_yaml(&value);
            let back: Value = serde_yaml::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(back, value, "{}", text);
        }
    }
}

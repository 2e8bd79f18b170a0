use serde_json::{Map, Value, json};

use super::{eval_str, parse, render, truthy};

fn scope() -> Map<String, Value> {
    let Value::Object(map) = json!({
        "kb_results": [{"title": "a"}, {"title": "b"}],
        "message": {"text": "héllo", "tags": ["x", "y"]},
        "confidence": 0.82,
        "count": 3,
        "intent": "refund",
        "empty": [],
        "done": false,
    }) else {
        unreachable!()
    };
    map
}

fn eval(text: &str) -> Value {
    eval_str(text, &scope()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn literals_and_arithmetic() {
    assert_eq!(eval("42"), json!(42));
    assert_eq!(eval("1.5"), json!(1.5));
    assert_eq!(eval("'it\\'s'"), json!("it's"));
    assert_eq!(eval("\"double\""), json!("double"));
    assert_eq!(eval("null"), Value::Null);
    assert_eq!(eval("1 + 2 * 3"), json!(7));
    assert_eq!(eval("(1 + 2) * 3"), json!(9));
    assert_eq!(eval("7 / 2"), json!(3.5));
    assert_eq!(eval("-count"), json!(-3));
    assert_eq!(eval("'a' + 1"), json!("a1"));
    assert_eq!(eval("[1, 2] + [3]"), json!([1, 2, 3]));
    assert_eq!(eval("missing + [count]"), json!([3]));
}

#[test]
fn paths_length_and_indexing() {
    assert_eq!(eval("kb_results.length"), json!(2));
    assert_eq!(eval("message.text.length"), json!(5));
    assert_eq!(eval("message.length"), json!(2));
    assert_eq!(eval("kb_results[1].title"), json!("b"));
    assert_eq!(eval("kb_results[-1].title"), json!("b"));
    assert_eq!(eval("kb_results.0.title"), json!("a"));
    assert_eq!(eval("message['text']"), json!("héllo"));
    assert_eq!(eval("message.tags[5]"), Value::Null);
    assert_eq!(eval("nobody.knows.this"), Value::Null);
}

#[test]
fn comparisons_and_logic() {
    assert_eq!(eval("kb_results.length > 0"), json!(true));
    assert_eq!(eval("confidence > 0.7 && count >= 3"), json!(true));
    assert_eq!(eval("confidence > 0.9 || intent == 'refund'"), json!(true));
    assert_eq!(eval("intent != \"refund\""), json!(false));
    assert_eq!(eval("count == 3.0"), json!(true));
    assert_eq!(eval("!done and not empty"), json!(true));
    assert_eq!(eval("not done"), json!(true));
    assert_eq!(eval("'x' in message.tags"), json!(true));
    assert_eq!(eval("intent in ['refund', 'complaint']"), json!(true));
    assert_eq!(eval("'text' in message"), json!(true));
    assert_eq!(eval("'ell' in 'hello'"), json!(true));
    assert_eq!(eval("'a' < 'b'"), json!(true));
}

#[test]
fn null_compares_false_but_equals_null() {
    assert_eq!(eval("missing > 0"), json!(false));
    assert_eq!(eval("missing < 0"), json!(false));
    assert_eq!(eval("missing <= 0"), json!(false));
    assert_eq!(eval("missing.length > 0"), json!(false));
    assert_eq!(eval("missing == null"), json!(true));
    assert_eq!(eval("'1' > 0"), json!(false));
}

#[test]
fn syntax_errors_name_the_place() {
    for (text, column) in [
        ("confidence >", 13),
        ("(a", 3),
        ("a ? b : c", 3),
        ("'open", 1),
        ("a == == b", 6),
        ("items.all(x)", 10),
        ("a b", 3),
    ] {
        let error = parse(text).unwrap_err();
        assert_eq!(error.column, column, "{text}: {error}");
        assert!(error.to_string().starts_with("syntax error in '"), "{error}");
    }
}

#[test]
fn templates_render_paths_and_keep_what_does_not_parse() {
    let scope = scope();
    assert_eq!(render("You said: {{message.text}}", &scope), "You said: héllo");
    assert_eq!(render("{{ count }} of {{kb_results.length}}", &scope), "3 of 2");
    assert_eq!(render("{{message.tags}}", &scope), r#"["x","y"]"#);
    assert_eq!(render("[{{nobody}}]", &scope), "[]");
    assert_eq!(render("{{ a ? }} and {{", &scope), "{{ a ? }} and {{");
    assert_eq!(render("no placeholders", &scope), "no placeholders");
}

#[test]
fn truthiness() {
    for value in [json!(null), json!(false), json!(0), json!(""), json!([]), json!({})] {
        assert!(!truthy(&value), "{value}");
    }
    for value in [json!(true), json!(0.1), json!("x"), json!([0]), json!({"a": 1})] {
        assert!(truthy(&value), "{value}");
    }
}

//! The executor on hand-written manifests: control flow, suspension and failures.

use serde_json::{Value, json};

use super::{Emitted, Execution, Outcome};

fn execution(yaml: &str, input: Value) -> Execution {
    let doc: Value = serde_yaml::from_str(yaml).unwrap();
    Execution::new(Some(&doc), None, input, "exec_test".to_owned(), fixed_clock).unwrap()
}

/// A clock that stands still, so durations are repeatable.
fn fixed_clock() -> u64 {
    1_000
}

fn run(yaml: &str, input: Value) -> (Execution, Outcome, Vec<Emitted>) {
    let mut execution = execution(yaml, input);
    let mut events = Vec::new();
    let outcome = execution.start(&mut events);
    (execution, outcome, events)
}

/// `type node_id` per event, types without their `scaicore.runtime.` prefix.
fn trace(events: &[Emitted]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let kind = e.kind.trim_start_matches("scaicore.runtime.");
            match e.payload["node_id"].as_str() {
                Some(node) => format!("{kind} {node}"),
                None => kind.to_owned(),
            }
        })
        .collect()
}

fn output(outcome: &Outcome) -> &Value {
    match outcome {
        Outcome::Completed(output) => output,
        other => panic!("not completed: {other:?}"),
    }
}

const CONTROL: &str = r#"
core:
  name: control
  flows:
  - name: main
    trigger: {type: api, name: node_entry}
    steps:
    - assign: {count: "0", summaries: "[]"}
    - foreach:
        items: input.tickets
        as: ticket
        steps:
        - branch:
            cases:
            - when: ticket.skip
              steps:
              - continue: null
        - assign: {summaries: "summaries + [ticket.text]"}
          meta: {node_id: n_collect}
      meta: {node_id: n_each}
    - while:
        condition: count < 3
        steps:
        - assign: {count: "count + 1"}
      meta: {node_id: n_count}
    - parallel:
        branches:
        - - template: a
            result: a
        - []
        - - template: "b {{count}}"
            result: b
      meta: {node_id: n_fan}
    - branch:
        style: match
        subject: node_entry.kind
        cases:
        - when: refund
          steps:
          - return: summaries
        else:
        - template: other
      meta: {node_id: n_route}
    - template: never
      meta: {node_id: n_never}
"#;

#[test]
fn loops_continue_parallel_and_return() {
    let input = json!({"kind": "refund", "tickets": [
        {"text": "x"}, {"text": "y", "skip": true}, {"text": "z"}
    ]});
    let (_, outcome, events) = run(CONTROL, input);
    assert_eq!(output(&outcome), &json!({"response": ["x", "z"]}));
    let trace = trace(&events);
    assert_eq!(trace.iter().filter(|t| *t == "block.entered n_collect").count(), 2);
    assert_eq!(trace.iter().filter(|t| *t == "block.exited n_each").count(), 1);
    assert!(!trace.iter().any(|t| t.ends_with("n_never")), "{trace:?}");
    let fan = events
        .iter()
        .find(|e| e.kind.ends_with("block.exited") && e.payload["node_id"] == "n_fan")
        .unwrap();
    assert_eq!(fan.payload["result_binding_value"], json!(["a", null, "b 3"]));
    assert_eq!(fan.payload["block_kind"], "parallel");
    // The match block was left by `return`, so it still reports its exit.
    assert_eq!(trace[trace.len() - 2], "block.exited n_route");
    assert_eq!(trace.last().unwrap(), "invocation.completed");
}

#[test]
fn a_match_without_a_matching_case_runs_else() {
    let (_, outcome, _) = run(CONTROL, json!({"kind": "other", "tickets": []}));
    assert_eq!(output(&outcome), &json!({"response": "never"}));
}

#[test]
fn while_stops_at_max_iterations() {
    let yaml = r#"
core:
  name: spin
  flows:
  - name: main
    steps:
    - assign: {n: "0"}
    - while:
        condition: "true"
        max_iterations: 4
        steps:
        - assign: {n: "n + 1"}
    - template: "{{n}}"
"#;
    let (_, outcome, _) = run(yaml, json!({}));
    assert_eq!(output(&outcome), &json!({"response": "4"}));
}

#[test]
fn a_syntax_error_fails_the_block_and_the_blocks_around_it() {
    let yaml = r#"
core:
  name: broken
  flows:
  - name: main
    steps:
    - foreach:
        items: "[1]"
        steps:
        - branch:
            cases:
            - when: "a ? b"
              steps: []
          meta: {node_id: n_branch}
      meta: {node_id: n_loop}
"#;
    let (_, outcome, events) = run(yaml, json!({}));
    let Outcome::Failed(failure) = outcome else { panic!("{outcome:?}") };
    assert_eq!(failure.node_id.as_deref(), Some("n_branch"));
    assert!(failure.message.starts_with("when: syntax error in 'a ? b'"), "{}", failure.message);
    assert_eq!(
        trace(&events),
        [
            "invocation.started",
            "block.entered n_loop",
            "block.entered n_branch",
            "block.failed n_branch",
            "block.failed n_loop",
            "invocation.failed",
        ]
    );
    assert_eq!(events[5].payload["error"]["node_id"], "n_branch");
}

#[test]
fn a_breakpoint_suspends_and_resumes_without_changing_the_output() {
    let yaml = r#"
core:
  name: debug
  flows:
  - name: main
    steps:
    - template: "hello {{name}}"
      result: greeting
      meta: {node_id: n_greet}
    - checkpoint: {type: debug_breakpoint, node: n_after}
    - template: "{{greeting}}!"
      meta: {node_id: n_after}
"#;
    let (mut execution, outcome, events) = run(yaml, json!({"name": "Ada"}));
    let Outcome::Suspended(pending) = outcome else { panic!("{outcome:?}") };
    assert_eq!(pending.node_id.as_deref(), Some("n_after"));
    assert_eq!(pending.checkpoint_type, "debug_breakpoint");
    assert_eq!(pending.block_index, 1);
    assert_eq!(pending.options, None);
    assert_eq!(pending.context["value"], "hello Ada");
    assert_eq!(trace(&events).last().unwrap(), "block.entered n_after");

    let mut resumed = Vec::new();
    let outcome = execution.resume(json!("continue"), &mut resumed);
    assert_eq!(output(&outcome), &json!({"response": "hello Ada!"}));
    assert_eq!(
        trace(&resumed),
        [
            "block.exited n_after",
            "block.entered n_after",
            "block.exited n_after",
            "invocation.completed"
        ]
    );
}

#[test]
fn large_values_are_left_out_of_block_exited() {
    let yaml = r#"
core:
  name: big
  flows:
  - name: main
    steps:
    - template: "{{input.text}}"
      result: echo
"#;
    let (_, _, events) = run(yaml, json!({"text": "x".repeat(5000)}));
    let exited = &events[2].payload;
    assert_eq!(exited["result_binding"], "echo");
    assert!(exited.get("result_binding_value").is_none());
    assert_eq!(exited["result_binding_truncated"], true);

    let (_, _, events) = run(yaml, json!({"text": "short"}));
    assert_eq!(events[2].payload["result_binding_value"], "short");
}

#[test]
fn labels_and_the_field_fallback_resolve_names() {
    let yaml = r#"
core:
  name: names
  flows:
  - name: main
    steps:
    - llm_turn: Score it.
      output: {confidence: float, tags: "array[string]"}
      result: node_score
      meta:
        node_id: node_score
        node_outputs: [{id: out, label: scored}]
    - template: "{{confidence}} {{scored.tags.length}} {{node_score.tags[0]}}"
"#;
    let (_, outcome, _) = run(yaml, json!({}));
    assert_eq!(output(&outcome), &json!({"response": "0.9 1 Score it. [stub]"}));

    let scripted = json!({"_sim": {"answers": {"node_score": {"confidence": 0.1, "tags": []}}}});
    let (_, outcome, _) = run(yaml, scripted);
    assert_eq!(output(&outcome), &json!({"response": "0.1 0 "}));
}

#[test]
fn an_unknown_flow_is_an_error_and_no_manifest_fails_the_run() {
    let doc: Value = serde_yaml::from_str(CONTROL).unwrap();
    let error = Execution::new(Some(&doc), Some("other"), json!({}), "e".into(), fixed_clock)
        .err()
        .unwrap();
    assert_eq!(error, "no flow named 'other'; the Core's flows: main");

    let mut execution = Execution::new(None, None, json!({}), "e".into(), fixed_clock).unwrap();
    let mut events = Vec::new();
    let Outcome::Failed(failure) = execution.start(&mut events) else { panic!() };
    assert_eq!(failure.message, "no runnable manifest");
    assert_eq!(trace(&events), ["invocation.started", "invocation.failed"]);
}

#[test]
fn the_duration_comes_from_the_callers_clock() {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NOW: AtomicU64 = AtomicU64::new(5_000);
    fn ticking() -> u64 {
        NOW.fetch_add(250, Ordering::Relaxed)
    }
    let doc: Value = serde_yaml::from_str(CONTROL).unwrap();
    let mut execution = Execution::new(Some(&doc), None, json!({}), "e".into(), ticking).unwrap();
    let mut events = Vec::new();
    let outcome = execution.start(&mut events);
    assert!(matches!(outcome, Outcome::Completed(_)), "{outcome:?}");
    let completed = events.iter().find(|e| e.kind.ends_with("invocation.completed")).unwrap();
    assert_eq!(completed.payload["duration_ms"], 250);

    let (_, _, events) = run(CONTROL, json!({}));
    let completed = events.iter().find(|e| e.kind.ends_with("invocation.completed")).unwrap();
    assert_eq!(completed.payload["duration_ms"], 0);
}

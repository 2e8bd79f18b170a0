//! Property tests over generated flows, and robustness against arbitrary input.

use compiler::{Format, analyze, compile_flow, decode, from_yaml, verify};
use flow_model::FlowGraph;
use proptest::prelude::*;

use crate::flowgen::{STEP_KINDS, Spec, render};

fn step() -> impl Strategy<Value = Spec> {
    (0..STEP_KINDS.len()).prop_map(Spec::Step)
}

/// Sequences of steps with nested decisions, loops and parallel blocks.
fn program() -> impl Strategy<Value = Vec<Spec>> {
    let leaf = prop::collection::vec(step(), 1..4);
    leaf.prop_recursive(4, 48, 4, |inner| {
        let block = prop_oneof![
            3 => step(),
            1 => (prop::collection::vec(inner.clone(), 2..4), any::<bool>())
                .prop_map(|(branches, merge)| Spec::Decision { branches, merge }),
            1 => (inner.clone(), any::<bool>()).prop_map(|(body, foreach)| Spec::Loop { body, foreach }),
            1 => prop::collection::vec(inner, 2..4).prop_map(|branches| Spec::Parallel { branches }),
        ];
        prop::collection::vec(block, 1..5)
    })
    .prop_map(|specs| sanitize(specs, false))
}

/// Keeps generated programs within what a valid flow can express: a decision whose branches end
/// separately is the last step of its sequence, and inside a parallel branch (outside loops)
/// decisions merge, since a parallel branch cannot end one path early.
fn sanitize(specs: Vec<Spec>, in_parallel: bool) -> Vec<Spec> {
    let mut out = Vec::new();
    for spec in specs {
        let spec = match spec {
            Spec::Decision { branches, merge } => {
                let merge = merge || in_parallel;
                let branches = branches.into_iter().map(|b| sanitize(b, in_parallel)).collect();
                let last = !merge;
                out.push(Spec::Decision { branches, merge });
                if last {
                    return out;
                }
                continue;
            }
            Spec::Loop { body, foreach } => Spec::Loop { body: sanitize(body, false), foreach },
            Spec::Parallel { branches } => Spec::Parallel {
                branches: branches.into_iter().map(|b| sanitize(b, true)).collect(),
            },
            step => step,
        };
        out.push(spec);
    }
    out
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_flows_compile_to_every_format(specs in program()) {
        let flow = render(&specs);
        let errors: Vec<_> = analyze(&flow).into_iter().filter(|d| d.is_error()).collect();
        prop_assert!(errors.is_empty(), "{errors:?}\n{}", flow.to_json_pretty());
        for format in Format::ALL {
            let output = compile_flow(&flow, format);
            prop_assert!(output.is_ok(), "{format}: {:?}", output.err());
        }
    }

    #[test]
    fn yaml_import_of_compiled_output_is_the_same_flow(specs in program()) {
        let flow = render(&specs);
        let yaml = compile_flow(&flow, Format::Yaml).unwrap();
        let back = from_yaml(yaml.text().unwrap()).unwrap();
        prop_assert_eq!(back, flow);
    }

    #[test]
    fn ir_bundles_decode_and_reencode_identically(specs in program()) {
        let flow = render(&specs);
        let bytes = compile_flow(&flow, Format::Ir).unwrap().bytes;
        let module = decode(&bytes).unwrap();
        prop_assert!(verify(&module).is_empty(), "{:?}", verify(&module));
        prop_assert_eq!(compiler::scir::encode(&module).unwrap(), bytes);
    }

    #[test]
    fn compiling_twice_gives_the_same_bytes(specs in program()) {
        let flow = render(&specs);
        for format in Format::ALL {
            prop_assert_eq!(compile_flow(&flow, format).unwrap().bytes, compile_flow(&flow, format).unwrap().bytes);
        }
    }
}

/// Arbitrary edits of a valid flow: whatever they break, analysis and compilation report it
/// and never panic.
#[derive(Debug, Clone)]
enum Edit {
    RemoveNode(usize),
    RemoveEdge(usize),
    Retarget(usize, usize),
    RenamePort(usize, String),
    MakeConditional(usize, Option<String>),
    SetConfig(usize, String, serde_json::Value),
    DuplicateNode(usize),
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,8}".prop_map(serde_json::Value::from),
        Just(serde_json::json!([1, "x"])),
        Just(serde_json::json!({"a": {"b": null}})),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let field = prop_oneof![
        Just("goal".to_owned()),
        Just("llm_role".to_owned()),
        Just("style".to_owned()),
        Just("max_iterations".to_owned()),
        Just("queue".to_owned()),
        Just("plugin".to_owned()),
        Just("args".to_owned()),
        Just("breakpoint".to_owned()),
        Just("items".to_owned()),
        "[a-z_]{1,6}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::RemoveNode),
        any::<usize>().prop_map(Edit::RemoveEdge),
        (any::<usize>(), any::<usize>()).prop_map(|(e, n)| Edit::Retarget(e, n)),
        (any::<usize>(), "[a-z_]{0,8}").prop_map(|(e, p)| Edit::RenamePort(e, p)),
        (any::<usize>(), proptest::option::of(".{0,6}"))
            .prop_map(|(e, c)| Edit::MakeConditional(e, c)),
        (any::<usize>(), field, json_value()).prop_map(|(n, f, v)| Edit::SetConfig(n, f, v)),
        any::<usize>().prop_map(Edit::DuplicateNode),
    ]
}

fn apply(flow: &mut FlowGraph, edit: Edit) {
    let nodes = flow.nodes.len().max(1);
    let edges = flow.edges.len().max(1);
    match edit {
        Edit::RemoveNode(i) if !flow.nodes.is_empty() => {
            flow.nodes.remove(i % nodes);
        }
        Edit::RemoveEdge(i) if !flow.edges.is_empty() => {
            flow.edges.remove(i % edges);
        }
        Edit::Retarget(e, n) if !flow.edges.is_empty() && !flow.nodes.is_empty() => {
            flow.edges[e % edges].target.node = flow.nodes[n % nodes].id.clone();
        }
        Edit::RenamePort(e, port) if !flow.edges.is_empty() => {
            flow.edges[e % edges].source.port = port
        }
        Edit::MakeConditional(e, condition) if !flow.edges.is_empty() => {
            let edge = &mut flow.edges[e % edges];
            edge.kind = flow_model::EdgeKind::Conditional;
            edge.condition = condition;
        }
        Edit::SetConfig(n, field, value) if !flow.nodes.is_empty() => {
            flow.nodes[n % nodes].config.insert(field, value);
        }
        Edit::DuplicateNode(n) if !flow.nodes.is_empty() => {
            let copy = flow.nodes[n % nodes].clone();
            flow.nodes.push(copy);
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn edited_flows_never_panic(specs in program(), edits in prop::collection::vec(edit(), 1..6)) {
        let mut flow = render(&specs);
        for e in edits {
            apply(&mut flow, e);
        }
        let diagnostics = analyze(&flow);
        for format in Format::ALL {
            match compile_flow(&flow, format) {
                Ok(_) => prop_assert!(!diagnostics.iter().any(|d| d.is_error())),
                Err(e) => prop_assert!(e.diagnostics().iter().any(|d| d.is_error())),
            }
            // The preview's draft of a broken flow is written without panicking, and a flow
            // that compiles is drafted as exactly its artifact.
            let draft = compiler::draft(&flow, format);
            if let Ok(out) = compile_flow(&flow, format) {
                prop_assert_eq!(draft.map(|d| d.output.bytes), Some(out.bytes));
            }
        }
    }

    #[test]
    fn arbitrary_bytes_are_rejected_or_analysed_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Ok(flow) = FlowGraph::from_json(text)
        {
            let _ = analyze(&flow);
        }
        let _ = from_yaml(&String::from_utf8_lossy(&bytes));
        let _ = decode(&bytes);
    }

    #[test]
    fn json_shaped_garbage_is_rejected_or_analysed_without_panicking(text in r#"\{("(id|name|version|nodes|edges|config|type|source|target|port|node)": ?(\[|\{|"[a-z_]{0,5}"|[0-9]|null|true)[,\]\} ]{0,3}){0,12}"#) {
        if let Ok(flow) = FlowGraph::from_json(&text) {
            let _ = analyze(&flow);
            let _ = compile_flow(&flow, Format::Ir);
        }
    }
}

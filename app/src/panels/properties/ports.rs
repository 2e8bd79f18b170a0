//! The ports editor: add, rename, relabel, retype and remove a node's input and output ports.
//! Renaming a port carries its edges along (one undo step); removing one leaves its edges
//! dangling, drawn broken and listed as errors, until they are reconnected or deleted.

use std::sync::Arc;

use flow_model::{Node, Port};
use leptos::prelude::*;
use serde_json::Map;

use super::edit::{show_in, unique_name};
use crate::canvas::CanvasStore;

#[component]
pub fn PortsEditor(
    store: CanvasStore,
    node: ArcRwSignal<Arc<Node>>,
    node_id: String,
    /// Entry nodes have no inputs.
    entry: bool,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let sides = [(false, "Inputs", "in"), (true, "Outputs", "out")];
    let blocks = sides
        .into_iter()
        .filter(|(output, _, _)| *output || !entry)
        .map(|(output, title, prefix)| {
            let ports = {
                let node = node.clone();
                Memo::new(move |_| node.with(|n| if output { n.outputs.clone() } else { n.inputs.clone() }))
            };
            // Rebuilt when ports are added, removed or renamed; labels and types are bound.
            let ids = Memo::new(move |_| ports.with(|p| p.iter().map(|p| p.id.clone()).collect::<Vec<_>>()));
            let save = {
                let node = node.clone();
                let node_id = node_id.clone();
                Callback::new(move |(list, renames): (Vec<Port>, Vec<(bool, String, String)>)| {
                    let (inputs, outputs) = node.with_untracked(|n| {
                        if output { (n.inputs.clone(), list) } else { (list, n.outputs.clone()) }
                    });
                    error.set(None);
                    store.set_ports(&node_id, inputs, outputs, &renames);
                })
            };
            let rows = move || {
                ids.get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, id)| {
                        let rename = {
                            let id = id.clone();
                            move |ev: leptos::ev::Event| {
                                let new = event_target_value(&ev).trim().to_owned();
                                let mut list = ports.get_untracked();
                                if new == id {
                                    return;
                                }
                                if new.is_empty() {
                                    show_in(&ev, &id);
                                    error.set(Some("A port needs an id.".into()));
                                } else if list.iter().any(|p| p.id == new) {
                                    show_in(&ev, &id);
                                    error.set(Some(format!("The port id '{new}' is already used.")));
                                } else if let Some(port) = list.get_mut(i) {
                                    port.id = new.clone();
                                    save.run((list, vec![(output, id.clone(), new)]));
                                }
                            }
                        };
                        let set = move |which: &'static str| {
                            move |ev: leptos::ev::Event| {
                                let text = event_target_value(&ev).trim().to_owned();
                                let mut list = ports.get_untracked();
                                if let Some(port) = list.get_mut(i) {
                                    let slot = if which == "label" { &mut port.label } else { &mut port.ty };
                                    *slot = (!text.is_empty()).then_some(text);
                                    save.run((list, Vec::new()));
                                }
                            }
                        };
                        let label = move || ports.with(|p| p.get(i).and_then(|p| p.label.clone()).unwrap_or_default());
                        let ty = move || ports.with(|p| p.get(i).and_then(|p| p.ty.clone()).unwrap_or_default());
                        let remove = move |_| {
                            let mut list = ports.get_untracked();
                            if i < list.len() {
                                list.remove(i);
                                save.run((list, Vec::new()));
                            }
                        };
                        view! {
                            <div class="port-row" data-port=id.clone()>
                                <input class="port-id mono" type="text" aria-label="Port id" prop:value=id.clone() on:change=rename/>
                                <input class="port-label" type="text" aria-label="Label" placeholder="label" prop:value=label on:change=set("label")/>
                                <input class="port-type mono" type="text" aria-label="Type" placeholder="type" prop:value=ty on:change=set("type")/>
                                <button type="button" class="quiet pair-remove" aria-label=format!("Remove port {id}") on:click=remove>"×"</button>
                            </div>
                        }
                    })
                    .collect_view()
            };
            let add = move |_| {
                let mut list = ports.get_untracked();
                let id = unique_name(prefix, |n| list.iter().any(|p| p.id == n));
                list.push(Port { id, label: None, ty: None, extra: Map::new() });
                save.run((list, Vec::new()));
            };
            view! {
                <div class="ports" data-side=prefix>
                    <h4>{title}</h4>
                    {rows}
                    <button type="button" class="quiet port-add" on:click=add>{format!("+ add {}", if output { "output" } else { "input" })}</button>
                </div>
            }
        })
        .collect_view();
    view! {
        <details class="ports-editor">
            <summary>"Ports"</summary>
            <p class="help">"Ids are what edges attach to: renaming one moves its edges along; removing one leaves its edges broken until you reconnect them. Types use ScaiCore syntax (string, object, a declared type)."</p>
            {blocks}
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </details>
    }
}

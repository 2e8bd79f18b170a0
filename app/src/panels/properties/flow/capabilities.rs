//! The Core's capabilities in the flow panel: the ScaiBunker sandbox it may provision, and
//! publishing it as a chat model.

use flow_model::flow_config::{BunkerCapability, Lifecycle, NetworkProfile};
use flow_model::form::variants;
use leptos::prelude::*;

use super::super::controls::{Range, number_input, select, text_input};
use super::{Editor, comma_list, from_wire, number, wire};

/// The BunkerCapability editor.
#[component]
pub(super) fn Bunker(ed: Editor) -> impl IntoView {
    let declared = Memo::new(move |_| ed.config_read(|c| c.bunker.clone()));
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        ed.config("bunker", |c| c.bunker = on.then(BunkerCapability::default));
    };
    let default_note = move || {
        (declared.with(Option::is_none) && ed.lookups.has_compute.get()).then(|| {
            let d = BunkerCapability::default();
            view! {
                <p class="muted" id="bunker-default">
                    {format!(
                        "Not declared: because the flow has compute nodes, the compiler uses lifecycle {}, image {}.",
                        wire(&d.lifecycle),
                        d.image
                    )}
                </p>
            }
        })
    };
    let editor = move || {
        declared.with(Option::is_some).then(|| {
            let field = move |f: fn(&BunkerCapability) -> String| {
                move || declared.with(|b| b.as_ref().map(f).unwrap_or_default())
            };
            let count = |what: &'static str, key: &'static str, set: fn(&mut BunkerCapability, Option<u32>)| {
                let edit = ed.edit(&format!("bunker:{key}"));
                let commit = Callback::new(move |text: String| match number::<u32>(&text, what, (0, u32::MAX)) {
                    Ok(n) => {
                        edit.accept();
                        ed.bunker(key, |b| set(b, n));
                    }
                    Err(e) => edit.refuse(e),
                });
                (commit, edit)
            };
            let lifecycle = Callback::new(move |text: String| {
                if let Some(l) = from_wire::<Lifecycle>(&text) {
                    ed.bunker("lifecycle", |b| b.lifecycle = l);
                }
            });
            let image = Callback::new(move |text: String| ed.bunker("image", |b| b.image = text.trim().to_owned()));
            let network = Callback::new(move |text: String| {
                ed.bunker("network", |b| b.network_profile = from_wire::<NetworkProfile>(&text));
            });
            let lifecycles: Vec<(String, String)> = variants::<Lifecycle>().into_iter().map(|l| (l.clone(), l)).collect();
            let mut networks = vec![(String::new(), "(ScaiBunker default: isolated)".to_owned())];
            networks.extend(variants::<NetworkProfile>().into_iter().map(|n| (n.clone(), n)));
            let numbers = [
                ("CPU millicores", "cpu", count("CPU millicores", "cpu", |b, n| b.cpu_millicores = n), field(|b| opt(b.cpu_millicores))),
                ("Memory MB", "memory", count("Memory MB", "memory", |b, n| b.memory_mb = n), field(|b| opt(b.memory_mb))),
                ("Disk MB", "disk", count("Disk MB", "disk", |b, n| b.disk_mb = n), field(|b| opt(b.disk_mb))),
                ("GPU count", "gpu", count("GPU count", "gpu", |b, n| b.gpu_count = n), field(|b| opt(b.gpu_count))),
            ]
            .into_iter()
            .map(|(label, key, (commit, edit), text)| {
                let id = format!("bunker-{key}");
                view! {
                    <div class="field" class:has-error=move || edit.error.with(Option::is_some)>
                        <label for=id.clone()>{label}</label>
                        {number_input(
                            id,
                            Range { min: Some(0.0), max: None, step: Some(1.0) },
                            text,
                            commit,
                            edit,
                            format!("{label} must be a whole number."),
                            Some("ScaiBunker default"),
                        )}
                        {edit.message()}
                    </div>
                }
            })
            .collect_view();
            view! {
                <div class="field">
                    <label for="bunker-lifecycle">"Lifecycle"</label>
                    {select("bunker-lifecycle".into(), move || lifecycles.clone(), field(|b| wire(&b.lifecycle)), lifecycle)}
                </div>
                <div class="field">
                    <label for="bunker-image">"Image"</label>
                    {text_input("bunker-image".into(), field(|b| b.image.clone()), image, None, Signal::stored("python-3.12".to_owned()), ed.edit("bunker:image"))}
                </div>
                {numbers}
                <div class="field">
                    <label for="bunker-network">"Network profile"</label>
                    {select("bunker-network".into(), move || networks.clone(), field(|b| b.network_profile.map(|n| wire(&n)).unwrap_or_default()), network)}
                </div>
            }
        })
    };
    view! {
        <section id="bunker" class="panel-section">
            <h3>"Sandbox (ScaiBunker)"</h3>
            <label class="check">
                <input type="checkbox" id="bunker-enabled" prop:checked=move || declared.with(Option::is_some) on:change=toggle/>
                "Declare the sandbox capability"
            </label>
            {default_note}
            {editor}
        </section>
    }
}

fn opt(n: Option<u32>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Publish as chat model, with the ScaiKey groups that may call it.
#[component]
pub(super) fn Publish(ed: Editor) -> impl IntoView {
    let published = move || ed.config_read(|c| c.publish_as_model);
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        ed.config("publish", |c| c.publish_as_model = on);
    };
    let groups = Callback::new(move |text: String| {
        ed.config("groups", |c| c.model_visibility_group_ids = comma_list(&text));
    });
    let shown = move || ed.config_read(|c| c.model_visibility_group_ids.join(", "));
    view! {
        <section id="publish" class="panel-section">
            <h3>"Publishing"</h3>
            <label class="check">
                <input type="checkbox" id="publish-as-model" prop:checked=published on:change=toggle/>
                "Publish as chat model"
            </label>
            <div class="field">
                <label for="visibility-groups">"Visibility group IDs (comma-separated)"</label>
                {text_input("visibility-groups".into(), shown, groups, None, Signal::stored("everyone in the tenant".to_owned()), ed.edit("groups"))}
                <p class="help">"Members of these ScaiKey groups may call the published model; empty means the tenant's default."</p>
            </div>
        </section>
    }
}

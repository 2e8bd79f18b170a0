//! The Share dialog: who else may view, edit, deploy or administer a saved flow. The owner,
//! tenant admins and super admins have `admin` implicitly and are not listed; explicit grants
//! name a user or a group of the tenant (as the server's mirror of ScaiKey knows them).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Grant};

const LEVELS: [&str; 4] = ["view", "edit", "deploy", "admin"];

/// The dialog for flow `flow_id`; `close` hides it.
#[component]
pub fn ShareDialog(
    flow_id: String,
    close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let flow_id = StoredValue::new(flow_id);
    let grants = RwSignal::new(None::<Result<Vec<Grant>, String>>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let reload = move || {
        spawn_local(async move {
            let id = flow_id.get_value();
            grants.set(Some(api::grants(&id).await.map_err(|e| e.to_string())));
        })
    };
    reload();
    // Runs one change, then shows the grants as the server now has them (or why it refused).
    let change = move |action: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>,
    >| {
        busy.set(true);
        spawn_local(async move {
            let outcome = action.await;
            busy.set(false);
            error.set(outcome.err().map(|e| e.to_string()));
            reload();
        });
    };

    let principal_type = RwSignal::new("user".to_owned());
    let principal_id = RwSignal::new(String::new());
    let level = RwSignal::new("view".to_owned());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let who = principal_id.get_untracked().trim().to_owned();
        if who.is_empty() {
            error.set(Some("Name a user id (usr_…) or a group id of your tenant.".into()));
            return;
        }
        let (kind, lvl, id) =
            (principal_type.get_untracked(), level.get_untracked(), flow_id.get_value());
        principal_id.set(String::new());
        change(Box::pin(async move { api::grant(&id, &kind, &who, &lvl).await }));
    };

    let rows = move || {
        match grants.get() {
        None => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! {
            <p id="share-empty" class="muted">"Nobody else has access yet. The owner and your tenant's admins always do."</p>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <table id="share-grants" class="share-grants">
                <thead><tr><th>"Who"</th><th>"Access"</th><th></th></tr></thead>
                <tbody>
                    {list.into_iter().map(|g| {
                        let acl = StoredValue::new(g.id.clone());
                        let on_level = move |ev| {
                            let new_level = event_target_value(&ev);
                            let (id, acl) = (flow_id.get_value(), acl.get_value());
                            change(Box::pin(async move { api::change_grant(&id, &acl, &new_level).await }));
                        };
                        let on_remove = move |_| {
                            let (id, acl) = (flow_id.get_value(), acl.get_value());
                            change(Box::pin(async move { api::revoke_grant(&id, &acl).await }));
                        };
                        let title = format!("granted by {} on {}", g.granted_by, g.granted_at);
                        view! {
                            <tr data-principal=g.principal_id.clone()>
                                <td title=title>
                                    <span class="share-kind">{g.principal_type.clone()}</span>" "{g.principal_id.clone()}
                                </td>
                                <td>
                                    <select aria-label="Access level" on:change=on_level disabled=move || busy.get()>
                                        {LEVELS.map(|l| view! { <option value=l selected=l == g.level>{l}</option> })}
                                    </select>
                                </td>
                                <td><button class="quiet share-remove" on:click=on_remove disabled=move || busy.get()>"Remove"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
    };

    let close_button = close.clone();
    view! {
        <div class="dialog-backdrop" on:click=move |_| close()>
            <div id="share-dialog" class="dialog share" role="dialog" aria-modal="true" aria-labelledby="share-title" on:click=|ev| ev.stop_propagation()>
                <h2 id="share-title">"Share this flow"</h2>
                <p class="muted">"view: open and read · edit: change and save · deploy: deploy to ScaiGrid · admin: also share"</p>
                {rows}
                <form id="share-form" class="share-form" on:submit=add>
                    <select id="share-type" aria-label="User or group" prop:value=principal_type on:change=move |ev| principal_type.set(event_target_value(&ev))>
                        <option value="user">"User"</option>
                        <option value="group">"Group"</option>
                    </select>
                    <input id="share-principal" placeholder="usr_… or group id" aria-label="User or group id" prop:value=principal_id on:input=move |ev| principal_id.set(event_target_value(&ev))/>
                    <select id="share-level" aria-label="Access level" prop:value=level on:change=move |ev| level.set(event_target_value(&ev))>
                        {LEVELS.map(|l| view! { <option value=l>{l}</option> })}
                    </select>
                    <button id="share-add" class="primary" type="submit" disabled=move || busy.get()>"Share"</button>
                </form>
                {move || error.get().map(|e| view! { <p id="share-error" class="error" role="alert">{e}</p> })}
                <div class="dialog-actions">
                    <button id="share-close" on:click=move |_| close_button()>"Close"</button>
                </div>
            </div>
        </div>
    }
}

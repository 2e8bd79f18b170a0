//! The Share dialog: who else may view, edit, deploy or administer a saved flow. The owner,
//! tenant admins and super admins have `admin` implicitly and are not listed; explicit grants
//! name a user or a group of the tenant, picked by name or e-mail from the server's mirror of
//! ScaiKey (searched as you type). A group ScaiKey has not named yet can be typed by its id.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use wire::sharing::PrincipalKind;

use crate::api::{self, Access, FlowAcl, FoundPrincipal};
use crate::dialog::Dialog;

/// How long typing waits before the directory is asked.
const SEARCH_DEBOUNCE_MS: u64 = 200;

/// What a grant's principal is shown as: its name (else its e-mail, else its id), and the
/// detail beside it.
fn shown(name: Option<&str>, email: Option<&str>, id: &str) -> (String, String) {
    match (name.filter(|n| !n.is_empty()), email.filter(|e| !e.is_empty())) {
        (Some(name), Some(email)) => (name.to_owned(), email.to_owned()),
        (Some(name), None) => (name.to_owned(), id.to_owned()),
        (None, Some(email)) => (email.to_owned(), id.to_owned()),
        (None, None) => (id.to_owned(), String::new()),
    }
}

/// What typed text stands for when nothing was picked from the list: a raw id (`usr_…` for a
/// user, anything else without spaces for a group ScaiKey has not named), or nothing.
fn typed_principal(text: &str) -> Option<(PrincipalKind, String)> {
    let text = text.trim();
    if text.is_empty() || text.contains(char::is_whitespace) || text.contains('@') {
        return None;
    }
    let kind = if text.starts_with("usr_") { PrincipalKind::User } else { PrincipalKind::Group };
    Some((kind, text.to_owned()))
}

/// Asks the directory for `query` once typing rests, showing what it found unless the text
/// has changed meanwhile.
fn directory_search(
    text: RwSignal<String>,
    found: RwSignal<Vec<FoundPrincipal>>,
    highlighted: RwSignal<usize>,
    listing: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> impl Fn(String) + Copy + Send + Sync + 'static {
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let search = move |query: String| {
        if let Some(t) = timer.get_value() {
            t.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                spawn_local(async move {
                    let result = api::principals(&query).await;
                    // A slower answer to older text must not replace a newer one.
                    if text.try_get_untracked().as_deref() != Some(query.as_str()) {
                        return;
                    }
                    match result {
                        Ok(list) => {
                            found.set(list);
                            highlighted.set(0);
                            listing.set(true);
                        }
                        Err(e) => error.set(Some(e.to_string())),
                    }
                });
            },
            std::time::Duration::from_millis(SEARCH_DEBOUNCE_MS),
        );
        timer.set_value(handle.ok());
    };
    on_cleanup(move || {
        if let Some(Some(t)) = timer.try_get_value() {
            t.clear();
        }
    });
    search
}

/// [`ShareDialog`], from its own piece of the bundle: loaded when the dialog first opens.
#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn share_dialog(flow_id: String, close: Callback<()>) -> AnyView {
    view! { <ShareDialog flow_id close/> }.into_any()
}

/// The dialog for flow `flow_id`; `close` hides it.
#[component]
fn ShareDialog(flow_id: String, close: Callback<()>) -> impl IntoView {
    let flow_id = StoredValue::new(flow_id);
    let grants = RwSignal::new(None::<Result<Vec<FlowAcl>, String>>);
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

    let change_grant = Callback::new(move |asked: GrantChange| {
        let id = flow_id.get_value();
        change(match asked {
            GrantChange::Level { acl, level } => {
                Box::pin(async move { api::change_grant(&id, &acl, level).await })
            }
            GrantChange::Remove { acl } => {
                Box::pin(async move { api::revoke_grant(&id, &acl).await })
            }
        });
    });

    // The picker: what is typed, what the directory found for it, the one picked.
    let text = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<FoundPrincipal>::new());
    let listing = RwSignal::new(false);
    let highlighted = RwSignal::new(0_usize);
    let picked = RwSignal::new(None::<FoundPrincipal>);
    let level = RwSignal::new(Access::View);
    let search = directory_search(text, found, highlighted, listing, error);
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        picked.set(None);
        error.set(None);
        search(value);
    };
    let pick = Callback::new(move |p: FoundPrincipal| {
        let (name, _) = shown(p.name.as_deref(), p.email.as_deref(), &p.id);
        text.set(name);
        picked.set(Some(p));
        listing.set(false);
    });
    let on_keys = move |ev: KeyboardEvent| {
        let count = found.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                listing.set(true);
                highlighted.update(|h| *h = (*h + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                highlighted.update(|h| *h = (*h + count - 1) % count);
            }
            "Enter" if listing.get_untracked() && count > 0 => {
                ev.prevent_default();
                if let Some(p) = found.with(|f| f.get(highlighted.get_untracked()).cloned()) {
                    pick.run(p);
                }
            }
            _ => {}
        }
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let who = match picked.get_untracked() {
            Some(p) => Some((p.kind, p.id)),
            None => typed_principal(&text.get_untracked()),
        };
        let Some((kind, who)) = who else {
            error.set(Some(
                "Pick a person or group from the list (search by name or e-mail), or type a group's id.".into(),
            ));
            return;
        };
        let (lvl, id) = (level.get_untracked(), flow_id.get_value());
        text.set(String::new());
        picked.set(None);
        found.set(Vec::new());
        change(Box::pin(async move { api::grant(&id, kind, &who, lvl).await }));
    };

    view! {
        <Dialog id="share-dialog" labelled_by="share-title" class="share" close>
            <h2 id="share-title">"Share this flow"</h2>
            <div class="dialog-body">
                <p class="muted">"view: open and read · edit: change and save · deploy: deploy to ScaiGrid · admin: also share"</p>
                <GrantList grants busy change_grant/>
                <form id="share-form" class="share-form" on:submit=add>
                    <div class="share-picker">
                        <input
                            id="share-principal"
                            type="text"
                            autofocus
                            autocomplete="off"
                            role="combobox"
                            aria-autocomplete="list"
                            aria-controls="share-suggestions"
                            aria-expanded=move || listing.get().to_string()
                            placeholder="Name, e-mail or group"
                            aria-label="Person or group to share with"
                            prop:value=text
                            on:input=on_input
                            on:keydown=on_keys
                            on:focus=move |_| if !text.with_untracked(String::is_empty) { listing.set(true) }
                            on:blur=move |_| listing.set(false)
                        />
                        <Suggestions text found listing highlighted pick/>
                    </div>
                    <select id="share-level" aria-label="Access level" prop:value=move || level.get().as_str() on:change=move |ev| level.set(Access::parse(&event_target_value(&ev)).unwrap_or(Access::View))>
                        {Access::ALL.map(|l| view! { <option value=l.as_str()>{l.as_str()}</option> })}
                    </select>
                    <button id="share-add" class="primary" type="submit" disabled=move || busy.get()>"Share"</button>
                </form>
                <p class="help muted">"Search the people and groups of your tenant by name or e-mail. A ScaiKey group with no name yet can be typed by its id."</p>
                {move || error.get().map(|e| view! { <p id="share-error" class="error" role="alert">{e}</p> })}
            </div>
            <div class="dialog-actions">
                <button id="share-close" on:click=move |_| close.run(())>"Close"</button>
            </div>
        </Dialog>
    }
}

/// The explicit grants as the server last listed them.
#[component]
fn GrantList(
    grants: RwSignal<Option<Result<Vec<FlowAcl>, String>>>,
    busy: RwSignal<bool>,
    change_grant: Callback<GrantChange>,
) -> impl IntoView {
    move || {
        match grants.get() {
        None => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! {
            <p id="share-empty" class="muted">"Nobody else has access yet. The owner and your tenant's admins always do."</p>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <div class="share-grants-box">
            <table id="share-grants" class="share-grants">
                <thead><tr><th>"Who"</th><th>"Access"</th><th></th></tr></thead>
                <tbody>
                    {list.into_iter().map(|grant| view! { <GrantRow grant busy change_grant/> }).collect_view()}
                </tbody>
            </table>
            </div>
        }
        .into_any(),
    }
    }
}

/// What the directory found for the typed text, while the list is open.
#[component]
fn Suggestions(
    text: RwSignal<String>,
    found: RwSignal<Vec<FoundPrincipal>>,
    listing: RwSignal<bool>,
    highlighted: RwSignal<usize>,
    pick: Callback<FoundPrincipal>,
) -> impl IntoView {
    move || {
        let list = found.get();
        if !listing.get() || text.with(String::is_empty) {
            return None;
        }
        let rows = if list.is_empty() {
            view! { <li class="muted share-none">"Nobody of this tenant matches (a new user appears after a ScaiKey sync)."</li> }
                .into_any()
        } else {
            list.into_iter()
                .enumerate()
                .map(|(i, p)| view! { <Suggestion i p highlighted pick/> })
                .collect_view()
                .into_any()
        };
        Some(
            view! { <ul id="share-suggestions" class="share-suggestions" role="listbox">{rows}</ul> },
        )
    }
}

/// A change to one grant, asked for from its row.
#[derive(Debug, Clone)]
enum GrantChange {
    Level { acl: String, level: Access },
    Remove { acl: String },
}

/// One explicit grant: who, at which level, and its removal.
#[component]
fn GrantRow(
    grant: FlowAcl,
    busy: RwSignal<bool>,
    change_grant: Callback<GrantChange>,
) -> impl IntoView {
    let g = grant;
    let acl = StoredValue::new(g.id.clone());
    let on_level = move |ev| {
        let Some(level) = Access::parse(&event_target_value(&ev)) else { return };
        change_grant.run(GrantChange::Level { acl: acl.get_value(), level });
    };
    let on_remove = move |_| change_grant.run(GrantChange::Remove { acl: acl.get_value() });
    let title = format!("{} · granted by {} on {}", g.principal_id, g.granted_by, g.granted_at);
    let (name, detail) =
        shown(g.principal_name.as_deref(), g.principal_email.as_deref(), &g.principal_id);
    view! {
        <tr data-principal=g.principal_id.clone()>
            <td title=title>
                <span class="share-kind">{g.principal_type.as_str()}</span>" "
                <span class="share-name">{name}</span>" "
                <span class="muted share-detail">{detail}</span>
            </td>
            <td>
                <select aria-label="Access level" on:change=on_level disabled=move || busy.get()>
                    {Access::ALL.map(|l| view! { <option value=l.as_str() selected=l == g.level>{l.as_str()}</option> })}
                </select>
            </td>
            <td><button class="quiet share-remove" on:click=on_remove disabled=move || busy.get()>"Remove"</button></td>
        </tr>
    }
}

/// One principal the directory found for the typed text.
#[component]
fn Suggestion(
    i: usize,
    p: FoundPrincipal,
    highlighted: RwSignal<usize>,
    pick: Callback<FoundPrincipal>,
) -> impl IntoView {
    let (name, detail) = shown(p.name.as_deref(), p.email.as_deref(), &p.id);
    let kind = p.kind.as_str();
    let kind_attr = kind;
    let id = p.id.clone();
    view! {
        <li
            role="option"
            class="share-option"
            class:highlighted=move || highlighted.get() == i
            aria-selected=move || (highlighted.get() == i).to_string()
            data-principal=id.clone()
            data-kind=kind_attr
            title=id
            on:mousedown=move |ev| {
                // Before the input's blur: the pick must happen first.
                ev.prevent_default();
                pick.run(p.clone());
            }
        >
            <span class="share-kind">{kind}</span>" "
            <span class="share-name">{name}</span>" "
            <span class="muted share-detail">{detail}</span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_show_their_name_and_keep_ids_for_unnamed_groups() {
        assert_eq!(
            shown(Some("Alice"), Some("alice@acme.example"), "usr_a"),
            ("Alice".into(), "alice@acme.example".into())
        );
        assert_eq!(shown(None, None, "grp_3f9a"), ("grp_3f9a".into(), String::new()));
        assert_eq!(typed_principal(" grp_3f9a "), Some((PrincipalKind::Group, "grp_3f9a".into())));
        assert_eq!(typed_principal("usr_bob"), Some((PrincipalKind::User, "usr_bob".into())));
        assert_eq!(typed_principal("Alice Johnson"), None, "a name must be picked from the list");
        assert_eq!(typed_principal("alice@acme.example"), None);
    }
}

//! `/admin`: the user mirror with admin roles (granted and revoked here) and, for super admins,
//! the ScaiKey sync with its statistics.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, AdminFlow, AdminRole, AdminUser, Me};
use crate::dialog::Dialog;
use crate::platform::PLAYGROUND;

#[component]
pub fn AdminPage() -> impl IntoView {
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let me = RwSignal::new(None::<Result<Me, String>>);
    let users = RwSignal::new(None::<Result<Vec<AdminUser>, String>>);
    let flows = RwSignal::new(None::<Result<Vec<AdminFlow>, String>>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let stats = RwSignal::new(None::<Result<api::SyncStats, String>>);
    let is_super =
        Signal::derive(move || me.with(|m| matches!(m, Some(Ok(me)) if me.is_super_admin())));
    let reload = move || {
        spawn_local(async move {
            let tenant_only = !is_super.get_untracked();
            users.set(Some(api::mirror_users(tenant_only).await.map_err(|e| e.to_string())));
        })
    };
    Effect::new(move |_| {
        if !mounted.get() || PLAYGROUND {
            return;
        }
        spawn_local(async move {
            let who = api::me().await.map_err(|e| e.to_string());
            let admin = matches!(&who, Ok(m) if m.is_tenant_admin());
            me.set(Some(who));
            if admin {
                reload();
                flows.set(Some(api::tenant_flows().await.map_err(|e| e.to_string())));
            }
        });
    });
    // Taking one's own role away asks first (it may lock the caller out of this page).
    let confirming = RwSignal::new(None::<(String, String)>);
    let my_id = Signal::derive(move || {
        me.with(|m| m.as_ref().and_then(|m| m.as_ref().ok()).map(|m| m.sub.clone()))
    });
    let set_role = Callback::new(move |(user, role): (String, Option<AdminRole>)| {
        busy.set(true);
        spawn_local(async move {
            let outcome = api::set_admin_role(&user, role).await;
            busy.set(false);
            error.set(outcome.err().map(|e| e.to_string()));
            reload();
        });
    });
    let sync = move |_| {
        busy.set(true);
        spawn_local(async move {
            let outcome = api::sync_now().await.map_err(|e| e.to_string());
            busy.set(false);
            stats.set(Some(outcome));
            reload();
        });
    };

    let table = move || match users.get() {
        None => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        Some(Ok(list)) => {
            let supers = list
                .iter()
                .filter(|u| u.role() == Some(AdminRole::SuperAdmin) && u.status != "DELETED")
                .count();
            view! {
            <table id="admin-users" class="admin-users">
                <thead><tr><th>"User"</th><th>"Tenant"</th><th>"Status"</th><th>"Admin role"</th><th></th></tr></thead>
                <tbody>
                    {list.into_iter().map(|user| view! { <UserRow user supers busy is_super my_id confirming set_role/> }).collect_view()}
                </tbody>
            </table>
            }
            .into_any()
        }
    };

    let confirm_view = move || {
        confirming.get().map(|(user, role)| {
            let cancel = Callback::new(move |()| confirming.set(None));
            view! {
                <Dialog id="confirm-revoke" labelled_by="confirm-revoke-title" alert=true close=cancel>
                    <h2 id="confirm-revoke-title">{format!("Remove your own {role} role?")}</h2>
                    <div class="dialog-body">
                        <p>"You will no longer be able to open this page or manage roles; only another admin can give the role back."</p>
                    </div>
                    <div class="dialog-actions">
                        <button id="confirm-revoke-no" autofocus on:click=move |_| cancel.run(())>"Keep my role"</button>
                        <button id="confirm-revoke-yes" class="danger" on:click=move |_| {
                            confirming.set(None);
                            set_role.run((user.clone(), None));
                        }>"Remove my role"</button>
                    </div>
                </Dialog>
            }
        })
    };

    let body = move || {
        match me.get() {
        _ if PLAYGROUND => view! { <p class="muted">"This playground runs without a server: there is nothing to administer."</p> }.into_any(),
        None => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        Some(Ok(m)) if !m.is_tenant_admin() => view! {
            <p id="admin-refused" class="warning">"Only tenant admins and super admins can open this page. Ask an admin of your tenant."</p>
        }
        .into_any(),
        Some(Ok(_)) => view! {
            <section class="home-section" aria-labelledby="users-title">
                <h2 id="users-title">{move || if is_super.get() { "Users of every tenant" } else { "Users of your tenant" }}</h2>
                <p class="muted">"Roles given here are kept by every sync; roles from SCAIFLOW_SUPER_ADMIN_GROUPS follow group membership."</p>
                {table}
                {move || error.get().map(|e| view! { <p id="admin-error" class="error" role="alert">{e}</p> })}
            </section>
            <section class="home-section" aria-labelledby="tenant-flows-title">
                <h2 id="tenant-flows-title">"Flows of your tenant"</h2>
                <p class="muted">"Every flow, whoever owns it; admins may open and share each one."</p>
                <FlowsTable flows/>
            </section>
            {move || is_super.get().then(|| view! {
                <section class="home-section" aria-labelledby="sync-title">
                    <h2 id="sync-title">"ScaiKey sync"</h2>
                    <p class="muted">"Brings users, groups and memberships up to date with ScaiKey now (it also runs on a schedule)."</p>
                    <button id="sync-now" class="primary" disabled=move || busy.get() on:click=sync>"Sync now"</button>
                    <SyncStats stats/>
                </section>
            })}
        }
        .into_any(),
    }
    };

    view! {
        <div class="home">
            <header class="topbar">
                <a class="brand" href="/">"ScaiFlow"</a>
                <span class="page-title">"Admin"</span>
                <span class="spacer"></span>
                <crate::account::AccountMenu/>
            </header>
            <main class="home-main admin" data-ready=move || mounted.get().to_string()>{body}{confirm_view}</main>
        </div>
    }
}

/// One mirrored user with their admin role and what the caller may change about it.
#[component]
fn UserRow(
    user: AdminUser,
    supers: usize,
    busy: RwSignal<bool>,
    is_super: Signal<bool>,
    my_id: Signal<Option<String>>,
    confirming: RwSignal<Option<(String, String)>>,
    set_role: Callback<(String, Option<AdminRole>)>,
) -> impl IntoView {
    let u = user;
    let id = u.id.clone();
    let who = u.display_name.clone().or(u.email.clone()).unwrap_or_else(|| u.id.clone());
    let role = match (&u.admin_role, &u.admin_role_source) {
        (Some(r), Some(s)) => format!("{r} ({s})"),
        (Some(r), None) => r.clone(),
        _ => "—".into(),
    };
    let actions = match u.admin_role.as_deref() {
        None => {
            let (a, b) = (id.clone(), id.clone());
            view! {
                <button class="grant-tenant-admin" disabled=move || busy.get() on:click=move |_| set_role.run((a.clone(), Some(AdminRole::TenantAdmin)))>"Make tenant admin"</button>
                {move || is_super.get().then(|| {
                    let b = b.clone();
                    view! { <button class="grant-super-admin" disabled=move || busy.get() on:click=move |_| set_role.run((b.clone(), Some(AdminRole::SuperAdmin)))>"Make super admin"</button> }
                })}
            }
            .into_any()
        }
        Some(role) => {
            let last =
                role == AdminRole::SuperAdmin.as_str() && supers <= 1 && is_super.get_untracked();
            let role = role.to_owned();
            let mine = my_id.get_untracked().as_deref() == Some(id.as_str());
            let title = if last {
                "The only super admin keeps the role: make another user super admin first."
            } else if mine {
                "Take your own admin role away (you are asked first)"
            } else {
                "Take this user's admin role away"
            };
            view! {
                <button class="revoke-role" title=title disabled=move || busy.get() || last on:click=move |_| {
                    if mine {
                        confirming.set(Some((id.clone(), role.clone())));
                    } else {
                        set_role.run((id.clone(), None));
                    }
                }>"Revoke"</button>
                {last.then(|| view! { <span class="muted last-super">" the only super admin"</span> })}
            }
            .into_any()
        }
    };
    view! {
        <tr data-user=u.id.clone()>
            <td title=u.id.clone()>{who}<span class="muted">{u.email.clone().map(|e| format!(" {e}"))}</span></td>
            <td>{u.tenant_id.clone()}</td>
            <td>{u.status.clone()}</td>
            <td class="role">{role}</td>
            <td>{actions}</td>
        </tr>
    }
}

/// Every flow of the tenant, whoever owns it.
#[component]
fn FlowsTable(flows: RwSignal<Option<Result<Vec<AdminFlow>, String>>>) -> impl IntoView {
    move || {
        match flows.get() {
        None => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"No flows yet."</p> }.into_any(),
        Some(Ok(list)) => view! {
            <table id="admin-flows" class="admin-users">
                <thead><tr><th>"Flow"</th><th>"Owner"</th><th>"Version"</th><th>"Updated"</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|f| {
                        let name = if f.deleted_at.is_some() { format!("{} (in the trash)", f.name) } else { f.name.clone() };
                        view! {
                            <tr data-flow=f.id.clone()>
                                <td><a href=format!("/flows/{}", f.id) rel="external">{name}</a></td>
                                <td>{f.owner_id}</td>
                                <td>{f.version}</td>
                                <td>{f.updated_at}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
    }
}

/// What the last sync did, or why it failed.
#[component]
fn SyncStats(stats: RwSignal<Option<Result<api::SyncStats, String>>>) -> impl IntoView {
    move || {
        stats.get().map(|outcome| match outcome {
            Err(e) => view! { <p id="sync-error" class="error" role="alert">{e}</p> }.into_any(),
            Ok(stats) => {
                let map = match serde_json::to_value(stats) {
                    Ok(serde_json::Value::Object(map)) => map,
                    _ => serde_json::Map::new(),
                };
                view! {
                <dl id="sync-stats" class="sync-stats">
                    {map.into_iter().map(|(k, v)| {
                        let value = match v {
                            serde_json::Value::Null => "—".to_owned(),
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        };
                        view! { <dt>{k.replace('_', " ")}</dt><dd>{value}</dd> }
                    }).collect_view()}
                </dl>
                }
                .into_any()
            }
        })
    }
}

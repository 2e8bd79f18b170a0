//! Deploying from the editor: the Deploy dialog (options, live progress through the server's
//! stages, errors with their fix), the deployment history of the flow panel, and the toolbar's
//! ScaiGrid-credentials indicator.
//!
//! A deploy is one request; while it runs the dialog reads the deployment's `stage` from
//! `GET /flows/{id}/deployments`, which the server updates as it goes.

use leptos::prelude::*;
use leptos::task::spawn_local;

use compiler::Diagnostic;

use crate::api::{self, ApiError, DeployStage, DeployStatus, Deployed, Deployment};
use crate::canvas::CanvasStore;
use crate::diagnostics::diagnostic_row;
use crate::dialog::Dialog;
use wire::DeployAction;

/// What the editor shares with the flow panel about deploys.
#[derive(Clone, Copy)]
pub struct DeployState {
    /// The saved flow's id and version; `None` until it is saved.
    pub saved: Signal<Option<(String, String)>>,
    /// Counts finished deploys, so the history reloads after each.
    pub finished: RwSignal<u64>,
}

/// How often the dialog asks for the running deployment's stage.
const POLL_MS: u64 = 300;

/// The stages the dialog lists, with their labels. Choosing the credential is not listed: it
/// takes no time, and a deploy that fails there marks no step.
fn stages(topology: bool, publish: bool) -> Vec<(DeployStage, &'static str)> {
    let mut list = vec![(DeployStage::Compiling, "Compiling the manifest")];
    if topology {
        list.push((DeployStage::Provisioning, "Provisioning ScaiQueue scope and queues"));
    }
    list.push((DeployStage::Creating, "Creating the Core on ScaiGrid"));
    if publish {
        list.push((DeployStage::Publishing, "Publishing as a chat model"));
    }
    list
}

/// The toast after a deploy (spec §10): the suffix only when the Core was published.
pub fn deployed_message(deployed: &Deployed) -> String {
    match &deployed.published_slug {
        Some(slug) => format!("Deployed core_id={} — published as {slug}", deployed.core_id),
        None => format!("Deployed core_id={}", deployed.core_id),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Ready,
    Running {
        stage: DeployStage,
    },
    /// Deployed: every stage done, the result shown until the dialog is closed.
    Done {
        deployed: Deployed,
    },
    Failed {
        stage: Option<DeployStage>,
        message: String,
    },
}

async fn pause(ms: u64) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        std::time::Duration::from_millis(ms),
    );
    let _ = wait.await;
}

/// What the version to deploy looks like to the compiler.
#[derive(Debug, Clone, PartialEq)]
enum Check {
    Checking,
    /// Its errors (none: it compiles).
    Done(Vec<Diagnostic>),
    /// The version could not be read; the server's compile stage will say.
    Unknown(String),
}

/// What the Deploy dialog deploys and whom it tells when it is done.
pub struct DeployRequest {
    pub store: CanvasStore,
    pub flow_id: String,
    /// The saved version to deploy.
    pub version: String,
    /// The canvas has edits the saved version lacks.
    pub edited: bool,
    pub close: Callback<()>,
    pub on_deployed: Callback<Deployed>,
    /// Opens the preview's Diagnostics tab.
    pub show_diagnostics: Callback<()>,
}

/// The Deploy dialog, from its own piece of the bundle: loaded when the dialog first opens.
#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn deploy_dialog(request: DeployRequest) -> AnyView {
    dialog(request).into_any()
}

/// The Deploy dialog for the saved version `version` of flow `flow_id`. It checks the version
/// first and says when it has errors (deploying would stop at compiling), runs the deploy with
/// each stage ticked off as the server reaches it, then shows the result until it is closed.
fn dialog(request: DeployRequest) -> impl IntoView {
    let DeployRequest { store, flow_id, version, edited, close, on_deployed, show_diagnostics } =
        request;
    let config = store.with_flow(|f| f.config.clone().unwrap_or_default());
    let topology =
        config.scaiqueue.as_ref().and_then(|t| t.scope.clone()).filter(|s| !s.is_empty());
    let publish = RwSignal::new(config.publish_as_model);
    let groups = StoredValue::new(config.model_visibility_group_ids.clone());
    let phase = RwSignal::new(Phase::Ready);
    let target = StoredValue::new((flow_id.clone(), version.clone()));
    let has_topology = topology.is_some();
    // Every attempt, failed ones too, is a new entry in the flow panel's history.
    let history = use_context::<DeployState>();
    let close_button = NodeRef::<leptos::html::Button>::new();

    // The version to deploy, checked in the browser: the canvas when it is that version, else
    // the version as saved.
    let errors_of = |flow: &flow_model::FlowGraph| -> Vec<Diagnostic> {
        compiler::analyze(flow).into_iter().filter(Diagnostic::is_error).collect()
    };
    let check = RwSignal::new(if edited {
        Check::Checking
    } else {
        Check::Done(store.with_flow(errors_of))
    });
    if edited {
        spawn_local(async move {
            let found = api::flow_version(&flow_id, &version).await;
            let _ = check.try_set(match found {
                Ok(flow) => Check::Done(errors_of(&flow)),
                Err(e) => Check::Unknown(e.to_string()),
            });
        });
    }
    let blocked = move || {
        matches!(check.get(), Check::Done(ref e) if !e.is_empty()) || check.get() == Check::Checking
    };

    let start = move |_| {
        if matches!(phase.get_untracked(), Phase::Running { .. }) || blocked() {
            return;
        }
        phase.set(Phase::Running { stage: DeployStage::Compiling });
        let (id, version) = target.get_value();
        // Follows the stage the server records while the deploy runs.
        let poll_id = id.clone();
        // The dialog may close (and its signals go) while a request is out: `try_` throughout.
        let running = move || matches!(phase.try_get_untracked(), Some(Phase::Running { .. }));
        spawn_local(async move {
            while running() {
                pause(POLL_MS).await;
                let Ok(list) = api::deployments(&poll_id).await else { continue };
                let current =
                    list.into_iter().find(|d: &Deployment| d.status == DeployStatus::Running);
                if let Some(stage) = current.and_then(|d| d.stage)
                    && running()
                {
                    let _ = phase.try_set(Phase::Running { stage });
                }
            }
        });
        spawn_local(async move {
            let result =
                api::deploy(&id, &version, publish.get_untracked(), &groups.get_value()).await;
            if let Some(history) = history {
                history.finished.try_update(|n| *n += 1);
            }
            match result {
                Ok(deployed) => {
                    let _ = phase.try_set(Phase::Done { deployed: deployed.clone() });
                    on_deployed.run(deployed);
                    request_animation_frame(move || {
                        if let Some(Some(button)) = close_button.try_get_untracked() {
                            let _ = button.focus();
                        }
                    });
                }
                Err(error) => {
                    // A documented error names its stage (no credentials: one the dialog does
                    // not list, so it marks none); no answer at all marks where it was.
                    let stage = match &error {
                        ApiError::Failed { error, .. } => DeployStage::of_error(error),
                        _ => match phase.try_get_untracked() {
                            Some(Phase::Running { stage }) => Some(stage),
                            _ => None,
                        },
                    };
                    let _ = phase.try_set(Phase::Failed { stage, message: error.to_string() });
                }
            }
        });
    };

    let running = Signal::derive(move || matches!(phase.get(), Phase::Running { .. }));
    view! {
        <Dialog id="deploy-dialog" labelled_by="deploy-title" class="deploy" locked=running close>
            <h2 id="deploy-title">"Deploy to ScaiGrid"</h2>
            <div class="dialog-body">
                <p>"Deploys saved version "<strong>{target.get_value().1}</strong>"."</p>
                {edited.then(|| view! {
                    <p id="deploy-unsaved" class="banner-inline">"The canvas has unsaved changes; they are not part of this deploy. Save first to include them."</p>
                })}
                <DeployProblems store check close show_diagnostics/>
                {topology.map(|scope| view! {
                    <p class="muted">"The ScaiQueue scope "<code>{scope}</code>" and its queues are found or created first."</p>
                })}
                <label class="check">
                    <input type="checkbox" id="deploy-publish" prop:checked=publish disabled=running
                        on:change=move |ev| publish.set(event_target_checked(&ev))/>
                    "Publish as chat model"
                </label>
                <ol id="deploy-steps" class="deploy-steps" aria-live="polite"><DeploySteps has_topology publish phase/></ol>
                <DeployOutcome phase/>
            </div>
            <div class="dialog-actions">
                <button id="deploy-cancel" node_ref=close_button disabled=running on:click=move |_| close.run(())>"Close"</button>
                <button id="deploy-start" class="primary" autofocus disabled=move || running.get() || blocked() on:click=start>
                    {move || match phase.get() {
                        Phase::Running { .. } => "Deploying…",
                        Phase::Failed { .. } => "Try again",
                        Phase::Done { .. } => "Deploy again",
                        Phase::Ready => "Deploy",
                    }}
                </button>
            </div>
        </Dialog>
    }
}

/// The deploy's stages, each ticked off as the server reaches it.
#[component]
fn DeploySteps(
    has_topology: bool,
    publish: RwSignal<bool>,
    phase: RwSignal<Phase>,
) -> impl IntoView {
    move || {
        let list = stages(has_topology, publish.get());
        let current = phase.get();
        let position = |stage: DeployStage| list.iter().position(|(s, _)| *s == stage);
        let (at, failed) = match &current {
            Phase::Ready => (None, false),
            Phase::Running { stage } => (position(*stage), false),
            Phase::Done { .. } => (Some(list.len()), false),
            Phase::Failed { stage, .. } => (stage.and_then(position), true),
        };
        list.iter()
            .enumerate()
            .map(|(i, (name, label))| {
                let state = match at {
                    Some(a) if i < a => "done",
                    Some(a) if i == a && failed => "failed",
                    Some(a) if i == a => "active",
                    _ => "waiting",
                };
                let mark = match state {
                    "done" => "✓",
                    "failed" => "✗",
                    "active" => "…",
                    _ => "·",
                };
                view! {
                    <li class=format!("deploy-step {state}") data-stage=name.as_str() data-state=state>
                        <span class="deploy-mark" aria-hidden="true">{mark}</span>" "{*label}
                    </li>
                }
            })
            .collect_view()
    }
}

/// The errors of the version to deploy, which would stop it at compiling.
#[component]
fn DeployProblems(
    store: CanvasStore,
    check: RwSignal<Check>,
    close: Callback<()>,
    show_diagnostics: Callback<()>,
) -> impl IntoView {
    move || {
        match check.get() {
        Check::Checking => Some(view! { <p class="muted" id="deploy-checking" role="status">"Checking the saved version…"</p> }.into_any()),
        Check::Unknown(why) => Some(view! { <p class="muted">{format!("The saved version could not be checked first ({why}); the deploy will say if it does not compile.")}</p> }.into_any()),
        Check::Done(errors) if errors.is_empty() => None,
        Check::Done(errors) => {
            let count = errors.len();
            let rows = errors
                .iter()
                .map(|d| diagnostic_row(store, d, Some(close)))
                .collect_view();
            let open = move |_| {
                close.run(());
                show_diagnostics.run(());
            };
            Some(view! {
                <div id="deploy-problems" class="deploy-problems" role="alert">
                    <p><strong>{format!(
                        "This version has {count} error{} and cannot be deployed: it would stop at compiling.",
                        if count == 1 { "" } else { "s" }
                    )}</strong>" Fix them, save, then deploy."</p>
                    <ul class="diagnostics">{rows}</ul>
                    <button id="deploy-open-diagnostics" on:click=open>"Open them in Diagnostics"</button>
                </div>
            }.into_any())
        }
    }
    }
}

/// How the last attempt ended.
#[component]
fn DeployOutcome(phase: RwSignal<Phase>) -> impl IntoView {
    move || match phase.get() {
        Phase::Failed { message, .. } => {
            Some(view! { <p id="deploy-error" class="error" role="alert">{message}</p> }.into_any())
        }
        Phase::Done { deployed } => {
            let again = if deployed.action == DeployAction::Updated {
                format!("Redeployed version {}: the flow's Core was updated.", deployed.version)
            } else {
                format!("Deployed version {} as a new Core.", deployed.version)
            };
            Some(
                view! {
                    <div id="deploy-result" class="deploy-result" role="status">
                        <p class="ok"><strong>{deployed_message(&deployed)}</strong></p>
                        <p>{again}</p>
                    </div>
                }
                .into_any(),
            )
        }
        _ => None,
    }
}

/// The flow panel's list of the flow's deployments, newest first.
#[component]
pub fn DeploymentHistory() -> impl IntoView {
    let Some(state) = use_context::<DeployState>() else {
        return ().into_any();
    };
    let items = RwSignal::new(None::<Result<Vec<Deployment>, String>>);
    Effect::new(move |_| {
        state.finished.track();
        let Some((id, _)) = state.saved.get() else {
            items.set(Some(Ok(Vec::new())));
            return;
        };
        spawn_local(async move {
            let found = api::deployments(&id).await.map_err(|e| e.to_string());
            items.set(Some(found));
        });
    });
    let body = move || match items.get() {
        _ if state.saved.get().is_none() => {
            view! { <p class="muted">"Save the flow to deploy it."</p> }.into_any()
        }
        None => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="muted">{e}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p id="deployments-empty" class="muted">"Not deployed yet."</p> }.into_any()
        }
        Some(Ok(list)) => {
            let redeploys = redeploys(&list);
            view! {
                <ol id="deployment-history" class="deployments">
                    {list.into_iter().zip(redeploys).map(|(d, again)| history_row(d, again)).collect_view()}
                </ol>
            }
            .into_any()
        }
    };
    view! {
        <section id="deployments" class="panel-section">
            <h3>"Deployments"</h3>
            {body}
        </section>
    }
    .into_any()
}

/// For each deployment of `list` (newest first): whether it deployed a version an older
/// successful deployment had already deployed.
fn redeploys(list: &[Deployment]) -> Vec<bool> {
    (0..list.len())
        .map(|i| {
            list[i].status == DeployStatus::Succeeded
                && list[i + 1..].iter().any(|older| {
                    older.status == DeployStatus::Succeeded && older.version == list[i].version
                })
        })
        .collect()
}

/// `2026-12-02T10:04:05.123Z` → `2026-12-02 10:04:05`.
fn when(rfc3339: &str) -> String {
    rfc3339.replace('T', " ").chars().take(19).collect()
}

fn history_row(d: Deployment, redeployed: bool) -> impl IntoView {
    let when = when(&d.created_at);
    let verb = if redeployed { "redeployed " } else { "" };
    let headline = match d.status {
        DeployStatus::Succeeded => format!("✓ {verb}v{} · {when}", d.version),
        DeployStatus::Failed => format!("✗ v{} · {when}", d.version),
        DeployStatus::Running => format!("… v{} · {when}", d.version),
    };
    let core =
        d.core_id.clone().map(|c| view! { <div class="deployment-core">"core_id="{c}</div> });
    let slug = d
        .published_slug
        .clone()
        .map(|s| view! { <div class="deployment-slug">"published as "{s}</div> });
    let failure = (d.status == DeployStatus::Failed).then(|| {
        let code = d.error.clone().unwrap_or_default();
        let stage = match d.stage {
            Some(DeployStage::Credentials) | None => String::new(),
            Some(DeployStage::Creating) => " while creating the Core".to_owned(),
            Some(other) => format!(" while {}", other.as_str()),
        };
        let message = d.message.clone().unwrap_or_default();
        view! { <div class="deployment-error">{code}{stage}": "{message}</div> }
    });
    view! {
        <li id=format!("deployment-{}", d.id) class=format!("deployment {}", d.status.as_str()) class:redeployed=redeployed
            data-status=d.status.as_str() data-deployment=d.id.clone()
            title=format!("by {}", d.deployed_by)>
            <div class="deployment-head">{headline}</div>
            {core}
            {slug}
            {failure}
        </li>
    }
}

/// The toolbar's indicator of the ScaiGrid credential deploys and lookups will use.
#[component]
pub fn GridStatus() -> impl IntoView {
    let status = RwSignal::new(None::<Result<api::Credentials, String>>);
    Effect::new(move |_| {
        spawn_local(async move {
            status.set(Some(api::scaigrid_credentials().await.map_err(|e| e.to_string())));
        });
    });
    move || {
        let (class, text, title) = match status.get() {
            None => return ().into_any(),
            Some(Ok(c)) if c.user_token => (
                "grid-status ok",
                "ScaiGrid: your sign-in".to_owned(),
                "Deploys and lookups carry your ScaiKey token".to_owned(),
            ),
            Some(Ok(c)) if c.configured => (
                "grid-status ok",
                format!("ScaiGrid: key {}", c.masked_key.clone().unwrap_or_default()),
                format!("Deploys and lookups use this key at {}", c.base_url.unwrap_or_default()),
            ),
            Some(Ok(_)) => (
                "grid-status missing",
                "ScaiGrid: not set up".to_owned(),
                "No ScaiGrid credential: set the tenant's API key in Settings".to_owned(),
            ),
            Some(Err(e)) => ("grid-status missing", "ScaiGrid: unknown".to_owned(), e),
        };
        view! { <a id="grid-indicator" class=class href="/settings" rel="external" title=title>{text}</a> }
            .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_flow() {
        let names = |t, p| stages(t, p).into_iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>();
        assert_eq!(names(false, false), ["compiling", "creating"]);
        assert_eq!(names(true, true), ["compiling", "provisioning", "creating", "publishing"]);
        let listed = |code| {
            DeployStage::of_error(code)
                .filter(|stage| stages(true, true).iter().any(|(s, _)| s == stage))
                .map(DeployStage::as_str)
        };
        assert_eq!(listed("scaiqueue_auth"), Some("provisioning"));
        assert_eq!(listed("missing_scaigrid_credentials"), None);
    }

    #[test]
    fn a_second_deploy_of_a_version_is_a_redeploy() {
        let d = |version: &str, status: DeployStatus| Deployment {
            id: format!("dep_{version}_{}", status.as_str()),
            flow_id: "flow_1".into(),
            version: version.into(),
            status,
            core_id: None,
            published_slug: None,
            error: None,
            message: None,
            deployed_by: "usr_local".into(),
            created_at: "2026-12-02T10:04:05.123Z".into(),
            stage: None,
            finished_at: None,
        };
        // Newest first.
        let list = [
            d("1.0.1", DeployStatus::Succeeded),
            d("1.0.1", DeployStatus::Failed),
            d("1.0.1", DeployStatus::Succeeded),
            d("1.0.0", DeployStatus::Succeeded),
        ];
        assert_eq!(redeploys(&list), [true, false, false, false]);
        assert_eq!(when("2026-12-02T10:04:05.123Z"), "2026-12-02 10:04:05");
    }

    #[test]
    fn the_toast_names_the_slug_only_when_published() {
        let mut deployed = Deployed {
            core_id: "core_abc123".into(),
            published_slug: None,
            deployment_id: "dep_1".into(),
            version: "1.0.0".into(),
            action: DeployAction::Created,
        };
        assert_eq!(deployed_message(&deployed), "Deployed core_id=core_abc123");
        deployed.published_slug = Some("scaicore/acme/echo-agent".into());
        assert_eq!(
            deployed_message(&deployed),
            "Deployed core_id=core_abc123 — published as scaicore/acme/echo-agent"
        );
    }
}

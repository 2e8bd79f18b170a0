//! One editing session of a flow, as plain state the editor page composes: the canvas store,
//! the saved version it is based on, saving (with the version-conflict choice), reloading,
//! drafts kept as you type, import and export, notices that fade, the address bar, and the
//! analysis loop ([`analysis`]).
//!
//! Every operation is a method here, so the page's toolbar, its shortcuts and its dialogs call
//! the same code, and the page itself only lays out the parts.

pub mod analysis;
pub mod open;
pub mod shortcuts;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Access, ApiError};
use crate::browser;
use crate::canvas::CanvasStore;
use crate::drafts;
use crate::platform::PLAYGROUND;
use analysis::Analysis;
use open::{Opened, export_flow, path_of};

/// How long a change waits before it is written to the draft.
const AUTOSAVE_DEBOUNCE_MS: u64 = 500;
/// How long a notice stays up.
const NOTICE_MS: u64 = 5_000;

/// The state of one editing session. Signals only: copied freely into handlers.
#[derive(Clone, Copy)]
pub struct Session {
    pub store: CanvasStore,
    /// The saved version the canvas is based on (`None`: never saved).
    pub base: RwSignal<Option<String>>,
    /// A save is under way.
    pub saving: RwSignal<bool>,
    /// A save was refused: the flow is now at this version elsewhere.
    pub conflict: RwSignal<Option<String>>,
    /// When the canvas came from a draft: the draft's time (until kept or discarded).
    pub restored: RwSignal<Option<String>>,
    /// The caller may only look.
    pub read_only: bool,
    /// Only admins of the flow may share it; the server decides for flows opened from a draft.
    pub may_share: bool,
    /// Deploying needs `deploy` access; the server decides for flows opened from a draft.
    pub may_deploy: bool,
    /// The revision last written to the server (edits after it make the flow "edited").
    saved_revision: RwSignal<u64>,
    pub analysis: Analysis,
}

impl Session {
    /// A session of what was opened: its store, the draft keeping, notices, the address bar
    /// and the analysis loop, all running.
    pub fn start(opened: Opened) -> Session {
        let Opened { flow, base, restored_from, read_only, access } = opened;
        let store = CanvasStore::new(flow);
        store.read_only.set(read_only);
        let session = Session {
            store,
            base: RwSignal::new(base),
            saving: RwSignal::new(false),
            conflict: RwSignal::new(None),
            restored: RwSignal::new(restored_from),
            read_only,
            may_share: access.is_none_or(Access::may_administer) && !PLAYGROUND,
            may_deploy: access.is_none_or(Access::may_deploy) && !PLAYGROUND,
            saved_revision: RwSignal::new(store.revision.get_untracked()),
            analysis: Analysis::start(store),
        };
        session.keep_drafts();
        session.fade_notices();
        session.follow_address();
        session
    }

    /// Whether the canvas has edits the saved version lacks.
    pub fn edited(self) -> bool {
        self.store.revision.get() != self.saved_revision.get()
    }

    /// [`Session::edited`], read without tracking.
    pub fn edited_untracked(self) -> bool {
        self.store.revision.get_untracked() != self.saved_revision.get_untracked()
    }

    /// Saves the canvas as a new version (or a new flow), or, without a server, exports it.
    /// A version conflict is kept in [`Session::conflict`] for the person to choose.
    pub fn save(self) {
        let Session { store, base, saving, conflict, .. } = self;
        if saving.get_untracked() {
            return;
        }
        if self.read_only {
            store.notify(crate::canvas::document::READ_ONLY, true);
            return;
        }
        let flow = store.flow();
        if PLAYGROUND {
            match export_flow(&flow) {
                Ok(name) => {
                    store.notify(format!("This playground has no server: exported {name}"), false)
                }
                Err(e) => store.notify(format!("Could not export: {e}"), true),
            }
            return;
        }
        saving.set(true);
        spawn_local(async move {
            let previous_id = flow.id.clone();
            let result = match base.get_untracked() {
                None => api::create_flow(&flow).await,
                Some(version) => api::update_flow(&flow.id, &version, &flow).await,
            };
            saving.set(false);
            match result {
                Ok(detail) => self.saved(detail, previous_id),
                Err(ApiError::Conflict { current }) => conflict.set(Some(current)),
                Err(e) => store.notify(format!("Not saved: {e}"), true),
            }
        });
    }

    /// After a save: the canvas is that version, and its drafts go.
    fn saved(self, detail: api::FlowDetail, previous_id: String) {
        let Session { store, base, saved_revision, restored, .. } = self;
        drafts::clear(&previous_id);
        store.update_meta(|f| {
            f.id = detail.summary.id.clone();
            f.version = detail.summary.version.clone();
        });
        base.set(Some(detail.summary.version.clone()));
        saved_revision.set(store.revision.get_untracked());
        drafts::clear(&detail.summary.id);
        restored.set(None);
        store.notify(format!("Saved version {}", detail.summary.version), false);
    }

    /// Replaces the canvas with the flow as saved (dropping the edits and their draft).
    pub fn reload_saved(self) {
        let Session { store, base, conflict, restored, saved_revision, .. } = self;
        let id = store.with_scene(|s| s.flow().id.clone());
        spawn_local(async move {
            match api::get_flow(&id).await {
                Ok(detail) => {
                    drafts::clear(&id);
                    store.replace(detail.content);
                    base.set(Some(detail.summary.version.clone()));
                    saved_revision.set(store.revision.get_untracked());
                    conflict.set(None);
                    restored.set(None);
                    store.fit_to_view();
                    store.notify(format!("Reloaded version {}", detail.summary.version), false);
                }
                Err(e) => store.notify(format!("Could not reload: {e}"), true),
            }
        });
    }

    /// Saves the canvas as a new flow named "… (copy)" (the way out of a conflict that keeps
    /// both).
    pub fn save_as_copy(self) {
        let Session { store, saving, conflict, .. } = self;
        let mut flow = store.flow();
        let previous_id = flow.id.clone();
        flow.name = format!("{} (copy)", flow.name);
        conflict.set(None);
        saving.set(true);
        spawn_local(async move {
            let result = api::create_flow(&flow).await;
            saving.set(false);
            match result {
                Ok(detail) => {
                    store.update_meta(|f| f.name = flow.name.clone());
                    self.saved(detail, previous_id);
                }
                Err(e) => store.notify(format!("Not saved: {e}"), true),
            }
        });
    }

    /// Drops the restored draft: back to the saved version, or to the flows if there is none.
    pub fn discard_draft(self) {
        let id = self.store.with_scene(|s| s.flow().id.clone());
        drafts::clear(&id);
        self.restored.set(None);
        if self.base.get_untracked().is_some() {
            self.reload_saved();
        } else if let Some(window) = web_sys::window() {
            let _ = window.location().set_href("/");
        }
    }

    /// Downloads the canvas as FlowGraph JSON.
    pub fn export(self) {
        if let Err(e) = self.store.with_scene(|s| export_flow(s.flow())) {
            self.store.notify(format!("Could not export: {e}"), true);
        }
    }

    /// Replaces the canvas with the file picked in `input` (FlowGraph JSON or a YAML manifest),
    /// as a new, unsaved flow.
    pub fn import(self, input: web_sys::HtmlInputElement) {
        let Session { store, base, restored, .. } = self;
        spawn_local(async move {
            let Some((name, flow)) = crate::import::picked_file(&input).await else { return };
            match flow {
                Ok(flow) => {
                    store.replace(flow);
                    base.set(None);
                    restored.set(None);
                    // An import is a new, unsaved flow: keep it as a draft at once.
                    store.with_scene(|s| drafts::save(s.flow(), None));
                    store.fit_to_view();
                    store.notify(format!("Imported {name} as a new, unsaved flow"), false);
                }
                Err(e) => store.notify(format!("Could not import {name}: {e}"), true),
            }
        });
    }

    /// Autosave: 500 ms after the last change, writes the draft.
    fn keep_drafts(self) {
        let Session { store, base, saved_revision, .. } = self;
        let timer = StoredValue::new(None::<TimeoutHandle>);
        Effect::new(move |first: Option<()>| {
            let revision = store.revision.get();
            if first.is_none() || revision == saved_revision.get_untracked() {
                return;
            }
            if let Some(t) = timer.get_value() {
                t.clear();
            }
            let handle = set_timeout_with_handle(
                move || {
                    if store.revision.get_untracked() != saved_revision.get_untracked() {
                        let base = base.get_untracked();
                        store.with_scene(|s| drafts::save(s.flow(), base.as_deref()));
                    }
                },
                std::time::Duration::from_millis(AUTOSAVE_DEBOUNCE_MS),
            );
            timer.set_value(handle.ok());
        });
    }

    /// Notices fade after a while.
    fn fade_notices(self) {
        let store = self.store;
        Effect::new(move |_| {
            if let Some(serial) = store.notice.with(|n| n.as_ref().map(|n| n.serial)) {
                set_timeout(
                    move || {
                        let shown = store.notice.with_untracked(|n| n.as_ref().map(|n| n.serial));
                        if shown == Some(serial) {
                            store.notice.set(None);
                        }
                    },
                    std::time::Duration::from_millis(NOTICE_MS),
                );
            }
        });
    }

    /// The address bar names what is being edited, so a reload reopens it.
    fn follow_address(self) {
        let Session { store, base, .. } = self;
        let flow_path = move || {
            store.revision.track();
            let id = store.with_scene(|s| s.flow().id.clone());
            path_of(&id, base.get().as_deref())
        };
        Effect::new(move |_| browser::replace_path(&flow_path()));
    }
}

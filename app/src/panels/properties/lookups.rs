//! What the forms offer to pick from: the flow's registry roles and queues (reactive to edits of
//! the flow's properties), the tenant's flows as sub-flow targets and ScaiGrid's model
//! catalogue (both fetched once, when a form first needs them).

use flow_model::flow_config::QueueSpec;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::canvas::CanvasStore;
use crate::canvas::document::FlowProperties;

/// Loaded once: `None` until asked for and answered, then the list or why there is none.
pub type Loaded<T> = RwSignal<Option<Result<Vec<T>, String>>>;

#[derive(Clone, Copy)]
pub struct Lookups {
    /// The flow's properties as they are now.
    pub props: Memo<FlowProperties>,
    /// Roles of the model registry, in order.
    pub roles: Memo<Vec<String>>,
    /// Queues of the ScaiQueue topology.
    pub queues: Memo<Vec<QueueSpec>>,
    /// The topology's scope, which queue nodes without one inherit.
    pub scope: Memo<Option<String>>,
    /// Whether the flow has compute nodes (the sandbox capability then matters).
    pub has_compute: Memo<bool>,
    /// `(core://… address, flow name)` of the tenant's saved flows.
    pub targets: Loaded<(String, String)>,
    /// ScaiGrid's model catalogue `(slug, display name)`.
    pub models: Loaded<(String, String)>,
    /// Whether each of those was asked for (so it is asked once, and shows as loading until
    /// answered).
    asked: StoredValue<(bool, bool)>,
}

impl Lookups {
    pub fn new(store: CanvasStore) -> Lookups {
        let props = Memo::new(move |_| {
            store.revision.track();
            store.with_flow(FlowProperties::of)
        });
        let roles = Memo::new(move |_| {
            props.with(|p| {
                let models = p.config.as_ref().and_then(|c| c.core_identity.as_ref());
                models
                    .map(|i| i.models.iter().map(|m| m.role.clone()).collect())
                    .unwrap_or_default()
            })
        });
        let queues = Memo::new(move |_| {
            props.with(|p| {
                let topology = p.config.as_ref().and_then(|c| c.scaiqueue.as_ref());
                topology.map(|t| t.queues.clone()).unwrap_or_default()
            })
        });
        let scope = Memo::new(move |_| {
            props.with(|p| {
                let topology = p.config.as_ref().and_then(|c| c.scaiqueue.as_ref());
                topology.and_then(|t| t.scope.clone()).filter(|s| !s.trim().is_empty())
            })
        });
        let has_compute = Memo::new(move |_| {
            store.revision.track();
            store.with_flow(|f| {
                f.nodes.iter().any(|n| n.kind.category() == flow_model::Category::Compute)
            })
        });
        Lookups {
            props,
            roles,
            queues,
            scope,
            has_compute,
            targets: RwSignal::new(None),
            models: RwSignal::new(None),
            asked: StoredValue::new((false, false)),
        }
    }

    /// Fetches the sub-flow targets, once.
    pub fn load_targets(self, own_id: String) {
        if self.asked.get_value().0 {
            return;
        }
        self.asked.update_value(|(targets, _)| *targets = true);
        spawn_local(async move {
            let answer = async {
                let me = api::me().await.map_err(|e| e.to_string())?;
                let page = api::list_flows("").await.map_err(|e| e.to_string())?;
                Ok(page
                    .items
                    .into_iter()
                    .filter(|f| f.id != own_id)
                    .map(|f| (target_of(&me.tenant_slug, &f.name), f.name))
                    .collect())
            };
            self.targets.set(Some(answer.await));
        });
    }

    /// Fetches ScaiGrid's model catalogue, once.
    pub fn load_models(self) {
        if self.asked.get_value().1 {
            return;
        }
        self.asked.update_value(|(_, models)| *models = true);
        spawn_local(async move {
            let answer = api::grid_models().await.map_err(|e| e.to_string()).map(|models| {
                models
                    .into_iter()
                    .map(|m| {
                        let name = m.display_name.unwrap_or_else(|| m.slug.clone());
                        (m.slug, name)
                    })
                    .collect()
            });
            self.models.set(Some(answer));
        });
    }
}

/// The address a saved flow is deployed at: `core://{tenant_slug}/{slug of its name}`.
pub fn target_of(tenant_slug: &str, flow_name: &str) -> String {
    format!("core://{tenant_slug}/{}", compiler::valid::slug(flow_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_address_the_deployed_core() {
        assert_eq!(target_of("acme", "Customer Lookup"), "core://acme/customer-lookup");
        assert_eq!(target_of("local", "  "), "core://local/flow");
    }
}

//! The node-kind catalogue: what a new node of each kind looks like (ports and config).

use serde_json::Map;

use crate::config::NodeConfig;
use crate::graph::{Node, Port, Position};
use crate::kind::NodeKind;

/// A port every node of a kind is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortSpec {
    pub id: &'static str,
    pub label: &'static str,
    pub ty: Option<&'static str>,
}

const fn port(id: &'static str, label: &'static str, ty: Option<&'static str>) -> PortSpec {
    PortSpec { id, label, ty }
}

const IN: PortSpec = port("in", "in", None);
const OUT: PortSpec = port("out", "out", None);

impl NodeKind {
    /// The input ports a new node of this kind has.
    pub fn default_inputs(self) -> &'static [PortSpec] {
        if self.is_entry() { &[] } else { &[IN] }
    }

    /// The output ports a new node of this kind has.
    pub fn default_outputs(self) -> &'static [PortSpec] {
        const REQUEST: [PortSpec; 1] = [port("out_request", "request", Some("object"))];
        const EVENT: [PortSpec; 1] = [port("out_event", "event", Some("object"))];
        const TICK: [PortSpec; 1] = [port("out_tick", "tick", Some("object"))];
        const LOOP: [PortSpec; 2] = [port("out_body", "each", None), port("out", "done", None)];
        const PLAIN: [PortSpec; 1] = [OUT];
        match self {
            NodeKind::EntryApi => &REQUEST,
            NodeKind::EntryWebhook => &EVENT,
            NodeKind::EntrySchedule => &TICK,
            NodeKind::LogicLoop => &LOOP,
            _ => &PLAIN,
        }
    }

    /// The output port whose edges lead into a loop's body.
    pub const LOOP_BODY_PORT: &'static str = "out_body";
}

impl PortSpec {
    pub fn to_port(self) -> Port {
        Port {
            id: self.id.to_owned(),
            label: Some(self.label.to_owned()),
            ty: self.ty.map(str::to_owned),
            extra: Map::new(),
        }
    }
}

impl Node {
    /// A node of `kind` with its default ports and configuration, labelled with the kind's name.
    pub fn new(kind: NodeKind, id: impl Into<String>, position: Position) -> Node {
        Node {
            id: id.into(),
            kind,
            label: kind.display_name().to_owned(),
            position,
            config: NodeConfig::default_for(kind).to_map(),
            inputs: kind.default_inputs().iter().map(|p| p.to_port()).collect(),
            outputs: kind.default_outputs().iter().map(|p| p.to_port()).collect(),
            extra: Map::new(),
        }
    }

    /// The typed configuration.
    pub fn typed_config(&self) -> Result<NodeConfig, crate::config::ConfigError> {
        NodeConfig::parse(self.kind, &self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_nodes_have_the_documented_ports() {
        let entry = Node::new(NodeKind::EntryApi, "n1", Position::default());
        assert!(entry.inputs.is_empty());
        assert_eq!(entry.outputs[0].id, "out_request");
        assert_eq!(entry.outputs[0].ty.as_deref(), Some("object"));
        assert_eq!(entry.label, "API Entry");

        let rigid = Node::new(NodeKind::LlmRigid, "n2", Position::default());
        assert_eq!(rigid.inputs[0].id, "in");
        assert_eq!(rigid.outputs[0].id, "out");

        let looped = Node::new(NodeKind::LogicLoop, "n3", Position::default());
        let ids: Vec<&str> = looped.outputs.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["out_body", "out"]);
    }

    #[test]
    fn every_kind_builds_a_node_whose_config_parses() {
        for kind in NodeKind::ALL {
            let node = Node::new(kind, "n", Position::default());
            assert_eq!(node.typed_config().unwrap().kind(), kind);
        }
    }
}
